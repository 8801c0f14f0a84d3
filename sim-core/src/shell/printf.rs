//! `printf FORMAT [ARG]...` as bash's builtin (and busybox's applet) runs it: the format is
//! reused until the arguments are used up; `%s %b %c %d %i %u %x %X %o %f %e %g %%` with
//! flags, width and precision; backslash escapes in the format (and in `%b` arguments).

/// The widest field or precision honoured: a typed `%999999999d` must not exhaust memory.
const MAX_FIELD: usize = 4096;

/// The output, and the invalid numbers met (bash: `printf: abc: invalid number`, status 1).
pub fn format(fmt: &str, args: &[String]) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut bad = Vec::new();
    let mut next = 0;
    loop {
        let consumed_before = next;
        let stop = one_pass(fmt, args, &mut next, &mut out, &mut bad);
        if stop || next >= args.len() || next == consumed_before {
            break;
        }
    }
    (out, bad)
}

/// One pass over the format; true when `\c` asked to stop.
fn one_pass(fmt: &str, args: &[String], next: &mut usize, out: &mut String, bad: &mut Vec<String>) -> bool {
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let take = |next: &mut usize| -> Option<String> {
        let a = args.get(*next).cloned();
        *next += 1;
        a
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let (s, used, stop) = escape(&chars[i + 1..]);
            out.push_str(&s);
            if stop {
                return true;
            }
            i += 1 + used;
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'%') {
            out.push('%');
            i += 2;
            continue;
        }
        // %[flags][width][.precision]conv
        let mut j = i + 1;
        let mut flags = String::new();
        while j < chars.len() && "-+ #0".contains(chars[j]) {
            flags.push(chars[j]);
            j += 1;
        }
        let mut width = String::new();
        while j < chars.len() && chars[j].is_ascii_digit() {
            width.push(chars[j]);
            j += 1;
        }
        let mut precision: Option<usize> = None;
        if chars.get(j) == Some(&'.') {
            j += 1;
            let mut p = String::new();
            while j < chars.len() && chars[j].is_ascii_digit() {
                p.push(chars[j]);
                j += 1;
            }
            precision = Some(p.parse::<usize>().unwrap_or(0).min(MAX_FIELD));
        }
        let Some(&conv) = chars.get(j) else {
            out.push_str(&chars[i..].iter().collect::<String>());
            break;
        };
        i = j + 1;
        let left = flags.contains('-');
        let zero = flags.contains('0') && !left;
        let width: usize = width.parse::<usize>().unwrap_or(0).min(MAX_FIELD);
        let body = match conv {
            's' => {
                let s = take(next).unwrap_or_default();
                match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
            'b' => {
                let s = take(next).unwrap_or_default();
                let cs: Vec<char> = s.chars().collect();
                let mut r = String::new();
                let mut k = 0;
                while k < cs.len() {
                    if cs[k] == '\\' {
                        let (e, used, _) = escape(&cs[k + 1..]);
                        r.push_str(&e);
                        k += 1 + used;
                    } else {
                        r.push(cs[k]);
                        k += 1;
                    }
                }
                r
            }
            'c' => take(next).and_then(|s| s.chars().next()).map(String::from).unwrap_or_default(),
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let a = take(next).unwrap_or_default();
                let n = number(&a, bad);
                let digits = match conv {
                    'x' => format!("{:x}", n),
                    'X' => format!("{:X}", n),
                    'o' => format!("{:o}", n),
                    _ => n.to_string(),
                };
                let digits = if flags.contains('+') && n >= 0 && matches!(conv, 'd' | 'i') { format!("+{digits}") } else { digits };
                match precision {
                    Some(p) if digits.trim_start_matches('-').len() < p => {
                        let (sign, d) = if let Some(d) = digits.strip_prefix('-') { ("-", d) } else { ("", digits.as_str()) };
                        format!("{sign}{}{d}", "0".repeat(p - d.len()))
                    }
                    _ => digits,
                }
            }
            'f' | 'F' | 'e' | 'g' => {
                let a = take(next).unwrap_or_default();
                let v: f64 = if a.is_empty() {
                    0.0
                } else {
                    a.parse().unwrap_or_else(|_| {
                        bad.push(a.clone());
                        0.0
                    })
                };
                let p = precision.unwrap_or(6);
                match conv {
                    'e' => format!("{v:.p$e}"),
                    'g' => format!("{v}"),
                    _ => format!("{v:.p$}"),
                }
            }
            other => {
                // Not a conversion bash knows: printed as it stands.
                format!("%{flags}{other}")
            }
        };
        let len = body.chars().count();
        if len >= width {
            out.push_str(&body);
        } else if left {
            out.push_str(&body);
            out.push_str(&" ".repeat(width - len));
        } else if zero && matches!(conv, 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'f' | 'F' | 'e') {
            let (sign, d) = if let Some(d) = body.strip_prefix('-') { ("-", d.to_string()) } else { ("", body.clone()) };
            out.push_str(sign);
            out.push_str(&"0".repeat(width - len));
            out.push_str(&d);
        } else {
            out.push_str(&" ".repeat(width - len));
            out.push_str(&body);
        }
    }
    false
}

/// An integer argument as bash reads it (`'a` is a character's code); 0 and noted when bad.
fn number(a: &str, bad: &mut Vec<String>) -> i64 {
    if a.is_empty() {
        return 0;
    }
    if let Some(c) = a.strip_prefix('\'').or_else(|| a.strip_prefix('"')).and_then(|r| r.chars().next()) {
        return c as i64;
    }
    let t = a.trim();
    let parsed = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()
    } else if t.len() > 1 && t.starts_with('0') {
        i64::from_str_radix(&t[1..], 8).ok()
    } else {
        t.parse().ok()
    };
    parsed.unwrap_or_else(|| {
        bad.push(a.to_string());
        0
    })
}

/// A backslash escape after the backslash: its text, how many chars it used, and whether
/// it was `\c` (stop all output).
fn escape(rest: &[char]) -> (String, usize, bool) {
    let Some(&c) = rest.first() else { return ("\\".into(), 0, false) };
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        'e' | 'E' => Some('\x1b'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '\'' => Some('\''),
        _ => None,
    };
    if let Some(s) = simple {
        return (s.to_string(), 1, false);
    }
    if c == 'c' {
        return (String::new(), 1, true);
    }
    if c.is_digit(8) {
        let digits: String = rest.iter().take(3).take_while(|d| d.is_digit(8)).collect();
        let v = u32::from_str_radix(&digits, 8).unwrap_or(0);
        return (char::from_u32(v).map(String::from).unwrap_or_default(), digits.len(), false);
    }
    if c == 'x' {
        let digits: String = rest[1..].iter().take(2).take_while(|d| d.is_ascii_hexdigit()).collect();
        if !digits.is_empty() {
            let v = u32::from_str_radix(&digits, 16).unwrap_or(0);
            return (char::from_u32(v).map(String::from).unwrap_or_default(), 1 + digits.len(), false);
        }
    }
    (format!("\\{c}"), 1, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn as_bash_prints_it() {
        // Each expected string was printed by bash 5.2's printf here.
        let (o, bad) = format("%s|%5s|%-4s|%03d|%x|%o|%c|%%|%.2f\\n", &v(&["a", "b", "c", "7", "255", "8", "xyz", "3.14159"]));
        assert_eq!(o, "a|    b|c   |007|ff|10|x|%|3.14\n");
        assert!(bad.is_empty());
        assert_eq!(format("%s\\n", &v(&["a", "b", "c"])).0, "a\nb\nc\n");
        assert_eq!(format("x\\n", &v(&["extra"])).0, "x\n");
        assert_eq!(format("%b\\n", &v(&["a\\tb"])).0, "a\tb\n");
        assert_eq!(format("%d\\n", &v(&["abc"])), ("0\n".to_string(), v(&["abc"])));
        // Absurd widths are capped, not allocated.
        assert_eq!(format("%99999999999999s|", &v(&["a"])).0.len(), 4097);
        assert!(format("%.99999999999f", &v(&["1"])).0.len() < 5000);
    }
}
