//! Command lines as the docker CLI reads them (spf13/pflag under cobra): `--flag=value`,
//! `--flag value`, `-abc`, `-p80:80`, `-n=5`, `--` and interspersed operands, with pflag's
//! error texts. A command's flags come from its help text (`help/*.txt`, captured from the
//! real CLI), which is also what `--help` prints, re-wrapped to the terminal like pflag.

/// One flag as the help text lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagDef {
    pub short: Option<char>,
    pub long: String,
    /// The value's name in the help (`string`, `list`, `int`); empty for a bool flag.
    pub varname: String,
    /// The usage text with the `(default ...)` suffix, lines separated by `\n`.
    pub usage: String,
    /// Listed only when no daemon answers (Windows-only, newer-API or experimental flags).
    pub daemon_hidden: bool,
}

impl FlagDef {
    pub fn is_bool(&self) -> bool {
        self.varname.is_empty()
    }
    /// `-n, --last` or `--format`, as pflag names a flag in errors.
    fn display(&self) -> String {
        match self.short {
            Some(c) => format!("-{c}, --{}", self.long),
            None => format!("--{}", self.long),
        }
    }
}

/// A help text split around its flag list.
#[derive(Clone, Debug, Default)]
pub struct HelpDoc {
    pub prefix: String,
    pub flags: Vec<FlagDef>,
    pub suffix: String,
}

/// Parses a captured help text (see `help/`): the lines after `Options:`/`Global Options:`
/// up to the next blank line are flags; `!` marks a flag hidden when a daemon answers.
pub fn parse_help(text: &str) -> HelpDoc {
    let mut doc = HelpDoc::default();
    let lines: Vec<&str> = text.split('\n').collect();
    let mut i = 0;
    let mut prefix = Vec::new();
    while i < lines.len() {
        let l = lines[i];
        prefix.push(l);
        i += 1;
        if l == "Options:" || l == "Global Options:" {
            break;
        }
    }
    doc.prefix = prefix.join("\n");
    if i >= lines.len() {
        return doc;
    }
    doc.prefix.push('\n');
    let mut col = 0;
    while i < lines.len() && !lines[i].is_empty() {
        let raw = lines[i];
        let (hidden, l) = match raw.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, raw),
        };
        if let Some((def, c)) = parse_flag_line(l, hidden) {
            doc.flags.push(def);
            col = c;
        } else if let Some(last) = doc.flags.last_mut() {
            let cont = if l.len() >= col && l.is_char_boundary(col) { &l[col..] } else { l.trim_start() };
            last.usage.push('\n');
            last.usage.push_str(cont);
        }
        i += 1;
    }
    doc.suffix = lines[i..].iter().map(|l| format!("\n{l}")).collect();
    doc
}

/// `  -a, --all   usage` or `      --format string   usage`; returns the flag and the
/// column its usage starts at.
fn parse_flag_line(l: &str, hidden: bool) -> Option<(FlagDef, usize)> {
    let (short, rest, at) = if let Some(r) = l.strip_prefix("  -") {
        let mut cs = r.chars();
        let c = cs.next()?;
        let r2 = cs.as_str().strip_prefix(", --")?;
        (Some(c), r2, 3 + c.len_utf8() + 4)
    } else {
        (None, l.strip_prefix("      --")?, 8)
    };
    let name_end = rest.find(' ').unwrap_or(rest.len());
    let long = rest[..name_end].to_string();
    let mut pos = at + name_end;
    let mut varname = String::new();
    let after = &l[pos..];
    if after.starts_with(' ') && !after[1..].starts_with(' ') && after.len() > 1 {
        let v_end = after[1..].find(' ').map(|e| e + 1).unwrap_or(after.len());
        varname = after[1..v_end].to_string();
        pos += v_end;
    }
    let spaces = l[pos..].len() - l[pos..].trim_start_matches(' ').len();
    let col = pos + spaces;
    Some((FlagDef { short, long, varname, usage: l[col..].to_string(), daemon_hidden: hidden }, col))
}

/// pflag's `FlagUsagesWrapped(cols)` for the flags shown.
pub fn flag_usages(flags: &[FlagDef], cols: usize, daemon_up: bool) -> String {
    let shown: Vec<&FlagDef> = flags.iter().filter(|f| !(daemon_up && f.daemon_hidden)).collect();
    let heads: Vec<String> = shown
        .iter()
        .map(|f| {
            let mut h = match f.short {
                Some(c) => format!("  -{c}, --{}", f.long),
                None => format!("      --{}", f.long),
            };
            if !f.varname.is_empty() {
                h.push(' ');
                h.push_str(&f.varname);
            }
            h
        })
        .collect();
    let maxlen = heads.iter().map(|h| h.len() + 1).max().unwrap_or(0);
    let mut out = String::new();
    for (h, f) in heads.iter().zip(shown.iter()) {
        let spacing = " ".repeat(maxlen - (h.len() + 1) + 1);
        out.push_str(&format!("{h} {spacing} {}\n", wrap(maxlen + 2, cols, &f.usage)));
    }
    out
}

/// pflag's `wrapN`.
fn wrap_n(i: usize, slop: usize, s: &str) -> (String, String) {
    if i + slop > s.len() {
        return (s.to_string(), String::new());
    }
    let cut = floor_boundary(s, i);
    let head = &s[..cut];
    let Some(w) = head.rfind([' ', '\t', '\n']) else { return (s.to_string(), String::new()) };
    if w == 0 {
        return (s.to_string(), String::new());
    }
    if let Some(nl) = head.rfind('\n') {
        if nl > 0 && nl < w {
            return (s[..nl].to_string(), s[nl + 1..].to_string());
        }
    }
    (s[..w].to_string(), s[w + 1..].to_string())
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// pflag's `wrap(i, w, s)`: wraps `s` to width `w`, continuation lines indented by `i`.
fn wrap(i: usize, w: usize, s: &str) -> String {
    if w == 0 {
        return s.replace('\n', &format!("\n{}", " ".repeat(i)));
    }
    let mut i = i;
    let mut r = String::new();
    let mut wrapw = w as i64 - i as i64;
    if wrapw < 24 {
        i = 16;
        wrapw = w as i64 - i as i64;
        r.push('\n');
        r.push_str(&" ".repeat(i));
    }
    if wrapw < 24 {
        return s.replace('\n', &r);
    }
    let slop = 5;
    let wrapw = (wrapw - slop as i64) as usize;
    let indent = " ".repeat(i);
    let (l, mut rest) = wrap_n(wrapw, slop, s);
    r.push_str(&l.replace('\n', &format!("\n{indent}")));
    while !rest.is_empty() {
        let (t, s2) = wrap_n(wrapw, slop, &rest);
        r.push('\n');
        r.push_str(&indent);
        r.push_str(&t.replace('\n', &format!("\n{indent}")));
        rest = s2;
    }
    r
}

/// The help text for a terminal `cols` wide (pflag wraps to `cols - 1`).
pub fn render_help(doc: &HelpDoc, cols: usize, daemon_up: bool) -> String {
    if doc.flags.is_empty() {
        return format!("{}{}", doc.prefix, doc.suffix);
    }
    let usages = flag_usages(&doc.flags, cols.saturating_sub(1), daemon_up);
    format!("{}{}{}", doc.prefix, usages.trim_end(), doc.suffix)
}

/// What the command line said.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Flags by long name, in order, with their values (`"true"` for a bare bool flag).
    pub flags: Vec<(String, String)>,
    pub args: Vec<String>,
    /// Output pflag prints while parsing (`Flag shorthand -h has been deprecated, ...`).
    pub notices: Vec<String>,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == long)
    }
    /// A bool flag's value (the last one given).
    pub fn on(&self, long: &str) -> bool {
        self.value(long).map(|v| parse_bool(v).unwrap_or(false)).unwrap_or(false)
    }
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags.iter().rev().find(|(n, _)| n == long).map(|(_, v)| v.as_str())
    }
    pub fn values(&self, long: &str) -> Vec<String> {
        self.flags.iter().filter(|(n, _)| n == long).map(|(_, v)| v.clone()).collect()
    }
    pub fn help(&self) -> bool {
        self.on("help")
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Checks a value as the flag's type does when pflag sets it; the error is the part after
/// `invalid argument "x" for "-n, --last" flag: `.
fn check_value(def: &FlagDef, v: &str) -> Result<(), String> {
    match def.varname.as_str() {
        "" => parse_bool(v).map(|_| ()).ok_or_else(|| format!("strconv.ParseBool: parsing {}: invalid syntax", go_q(v))),
        "int" => parse_go_int(v).map(|_| ()).map_err(|e| format!("strconv.ParseInt: parsing {}: {e}", go_q(v))),
        "uint" | "uint16" => {
            let max = if def.varname == "uint16" { u16::MAX as u64 } else { u64::MAX };
            match parse_go_uint(v) {
                Ok(n) if n <= max => Ok(()),
                Ok(_) => Err(format!("strconv.ParseUint: parsing {}: value out of range", go_q(v))),
                Err(e) => Err(format!("strconv.ParseUint: parsing {}: {e}", go_q(v))),
            }
        }
        "duration" => parse_duration(v).map(|_| ()).ok_or_else(|| format!("time: invalid duration {}", go_q(v))),
        "bytes" if def.long == "memory-swap" && v == "-1" => Ok(()),
        "bytes" => ram_in_bytes(v).map(|_| ()),
        "decimal" => parse_cpus(v).map(|_| ()),
        "list" if def.long == "attach" => match v.to_lowercase().as_str() {
            "stdin" | "stdout" | "stderr" => Ok(()),
            _ => Err("valid streams are STDIN, STDOUT and STDERR".into()),
        },
        "filter" => {
            if v.contains('=') {
                Ok(())
            } else {
                Err("bad format of filter (expected name=value)".into())
            }
        }
        _ => Ok(()),
    }
}

/// go-units `RAMInBytes`: a size with an optional binary suffix (`k`, `mb`, `GiB`, ...).
pub fn ram_in_bytes(s: &str) -> Result<i64, String> {
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return Err(format!("invalid size: '{s}'"));
    };
    let (num, sfx) = if s.as_bytes()[sep] != b' ' { (&s[..sep + 1], &s[sep + 1..]) } else { (&s[..sep], &s[sep + 1..]) };
    let size: f64 = num.parse().map_err(|_| format!("strconv.ParseFloat: parsing {}: invalid syntax", go_q(num)))?;
    if size < 0.0 {
        return Err(format!("invalid size: '{s}'"));
    }
    if sfx.is_empty() {
        return Ok(size as i64);
    }
    let bad = || Err(format!("invalid suffix: '{}'", sfx.to_lowercase()));
    if sfx.len() > 3 {
        return Err(format!("invalid suffix: '{sfx}'"));
    }
    let l = sfx.to_lowercase();
    let b = l.as_bytes();
    if b[0] == b'b' {
        return if b.len() > 1 { bad() } else { Ok(size as i64) };
    }
    let mul: f64 = match b[0] {
        b'k' => 1024.0,
        b'm' => 1024f64.powi(2),
        b'g' => 1024f64.powi(3),
        b't' => 1024f64.powi(4),
        b'p' => 1024f64.powi(5),
        _ => return bad(),
    };
    if (b.len() == 2 && b[1] != b'b') || (b.len() == 3 && &l[1..] != "ib") {
        return bad();
    }
    Ok((size * mul) as i64)
}

/// `opts.ParseCPUs`: a decimal or `a/b` number of CPUs, in billionths.
pub fn parse_cpus(s: &str) -> Result<i64, String> {
    let err = || format!("failed to parse {s} as a rational number");
    if let Some((a, b)) = s.split_once('/') {
        let a: i128 = a.parse().map_err(|_| err())?;
        let b: i128 = b.parse().map_err(|_| err())?;
        if b == 0 {
            return Err(err());
        }
        let n = a.checked_mul(1_000_000_000).ok_or_else(err)?;
        if n % b != 0 {
            return Err("value is too precise".into());
        }
        return Ok((n / b) as i64);
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if (int.is_empty() && frac.is_empty()) || !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 9 {
        return Err("value is too precise".into());
    }
    let i: i128 = if int.is_empty() { 0 } else { int.parse().map_err(|_| err())? };
    let f: i128 = format!("{frac:0<9}").parse().unwrap_or(0);
    let v = i.saturating_mul(1_000_000_000).saturating_add(f);
    Ok(if neg { -v } else { v } as i64)
}

/// Go `%q` for error messages.
pub fn go_q(s: &str) -> String {
    crate::client::template::lex::go_quote(s)
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_go_int(s: &str) -> Result<i64, &'static str> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let u = parse_go_uint(body)?;
    if neg {
        if u > (i64::MAX as u64) + 1 {
            return Err("value out of range");
        }
        Ok((u as i128).wrapping_neg() as i64)
    } else if u > i64::MAX as u64 {
        Err("value out of range")
    } else {
        Ok(u as i64)
    }
}

/// `strconv.ParseUint(s, 0, 64)`.
pub fn parse_go_uint(s: &str) -> Result<u64, &'static str> {
    if s.is_empty() {
        return Err("invalid syntax");
    }
    let (radix, digits) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, b)
    } else if let Some(o) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, o)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || !clean.chars().all(|c| c.is_digit(radix)) {
        return Err("invalid syntax");
    }
    u64::from_str_radix(&clean, radix).map_err(|_| "value out of range")
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_end == 0 {
            return None;
        }
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += n * mult;
    }
    let v = total as i128;
    Some(if neg { -v } else { v })
}

/// Why parsing stopped. The text is pflag's; cobra adds the usage lines (exit 125).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError(pub String);

/// Parses `args` against `defs`. `interspersed`: flags may follow operands (false for `run`,
/// `create`, `exec`, `top`, `tag`: the container's command keeps its own flags).
pub fn parse(defs: &[FlagDef], args: &[String], interspersed: bool) -> Result<Parsed, FlagError> {
    let mut p = Parsed::default();
    let mut i = 0;
    let find_long = |n: &str| defs.iter().find(|d| d.long == n);
    let find_short = |c: char| defs.iter().find(|d| d.short == Some(c));
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            p.args.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            if name.is_empty() || name.starts_with('-') || name.starts_with('=') {
                return Err(FlagError(format!("bad flag syntax: {a}")));
            }
            let def = match find_long(name) {
                Some(d) => d.clone(),
                None if name == "help" => FlagDef { short: None, long: "help".into(), varname: String::new(), usage: String::new(), daemon_hidden: false },
                None => return Err(FlagError(format!("unknown flag: --{name}"))),
            };
            let value = match inline {
                Some(v) => v,
                None if def.is_bool() => "true".into(),
                None => match args.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => return Err(FlagError(format!("flag needs an argument: --{name}"))),
                },
            };
            set(&mut p, &def, value)?;
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let shorts: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let def = match find_short(c) {
                    Some(d) => d.clone(),
                    None if c == 'h' => {
                        p.notices.push("Flag shorthand -h has been deprecated, use --help\n".into());
                        FlagDef { short: Some('h'), long: "help".into(), varname: String::new(), usage: String::new(), daemon_hidden: false }
                    }
                    None => {
                        let rest: String = shorts[j..].iter().collect();
                        return Err(FlagError(format!("unknown shorthand flag: '{c}' in -{rest}")));
                    }
                };
                let rest: String = shorts[j + 1..].iter().collect();
                if let Some(v) = rest.strip_prefix('=') {
                    set(&mut p, &def, v.to_string())?;
                    break;
                }
                if def.is_bool() {
                    set(&mut p, &def, "true".into())?;
                    j += 1;
                    continue;
                }
                let value = if !rest.is_empty() {
                    rest
                } else {
                    match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            let rest: String = shorts[j..].iter().collect();
                            return Err(FlagError(format!("flag needs an argument: '{c}' in -{rest}")));
                        }
                    }
                };
                set(&mut p, &def, value)?;
                break;
            }
            continue;
        }
        // An operand.
        p.args.push(a.clone());
        if !interspersed {
            p.args.extend(args[i..].iter().cloned());
            break;
        }
    }
    Ok(p)
}

fn set(p: &mut Parsed, def: &FlagDef, value: String) -> Result<(), FlagError> {
    if let Err(e) = check_value(def, &value) {
        return Err(FlagError(format!("invalid argument {} for {} flag: {e}", go_q(&value), go_q(&def.display()))));
    }
    if def.varname == "strings" {
        // pflag's StringSlice: one value per comma-separated field.
        for v in value.split(',') {
            p.flags.push((def.long.clone(), v.to_string()));
        }
        return Ok(());
    }
    p.flags.push((def.long.clone(), value));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PS: &str = include_str!("help/ps.txt");

    fn sv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn help_round_trip_at_80_columns() {
        // `docker ps --help` with stdin not a terminal wraps to 79 columns.
        let doc = parse_help(PS);
        assert_eq!(doc.flags.len(), 8);
        let got = render_help(&doc, 80, true);
        let want = include_str!("../../../tests/reference/docker/client-help/ps-80.txt");
        assert_eq!(got, want);
    }

    #[test]
    fn flags_like_pflag() {
        let doc = parse_help(PS);
        let p = parse(&doc.flags, &sv(&["-aq", "--format={{.ID}}", "-n", "3", "--no-trunc"]), true).expect("parses");
        assert!(p.on("all") && p.on("quiet") && p.on("no-trunc"));
        assert_eq!(p.value("format"), Some("{{.ID}}"));
        assert_eq!(p.value("last"), Some("3"));
        let e = |a: &[&str]| parse(&doc.flags, &sv(a), true).err().map(|e| e.0);
        assert_eq!(e(&["--nosuch"]).as_deref(), Some("unknown flag: --nosuch"));
        assert_eq!(e(&["-z"]).as_deref(), Some("unknown shorthand flag: 'z' in -z"));
        assert_eq!(e(&["-n"]).as_deref(), Some("flag needs an argument: 'n' in -n"));
        assert_eq!(e(&["--format"]).as_deref(), Some("flag needs an argument: --format"));
        assert_eq!(
            e(&["-n", "x"]).as_deref(),
            Some("invalid argument \"x\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")
        );
        let p = parse(&doc.flags, &sv(&["x", "-a", "--", "-q"]), true).expect("parses");
        assert_eq!(p.args, sv(&["x", "-q"]));
        let p = parse(&doc.flags, &sv(&["x", "-a"]), false).expect("parses");
        assert_eq!(p.args, sv(&["x", "-a"]));
    }
}
