//! Filters from coreutils and GNU grep: `cat`, `head`, `tail`, `wc`, `sort`, `grep`.

use crate::sort::SortSlice;
use super::{getopt, gnu_try, Ctx, Outcome};
use crate::text::lines;

pub fn cat(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "nAEsTvbe", "", &["number", "show-all", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("cat"));
            ctx.err(&gnu_try("cat"));
            return Outcome::Exit(1);
        }
    };
    let (inputs, st) = ctx.inputs(&p.operands);
    let mut lineno = 0;
    for (_, data) in inputs {
        if p.has("n") || p.has("number") {
            let text = String::from_utf8_lossy(&data).into_owned();
            let mut out = String::new();
            for l in text.split_inclusive('\n') {
                lineno += 1;
                out.push_str(&format!("{lineno:>6}\t{l}"));
            }
            ctx.out(&out);
        } else if p.has("A") || p.has("show-all") || p.has("E") {
            let text = String::from_utf8_lossy(&data).into_owned();
            let show_tabs = p.has("A") || p.has("show-all");
            let s = text.replace('\n', "$\n");
            ctx.out(&if show_tabs { s.replace('\t', "^I") } else { s });
        } else {
            ctx.io.out.extend_from_slice(&data);
        }
    }
    Outcome::Exit(st)
}

/// `-n N`, `-N`, `-n +N`, `-n -N` counts.
fn count_arg(args: &[String]) -> (Vec<String>, Option<String>) {
    let mut rest = Vec::new();
    let mut n = None;
    for a in args {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            n = Some(a[1..].to_string());
        } else {
            rest.push(a.clone());
        }
    }
    (rest, n)
}

fn head_tail(ctx: &mut Ctx, tail: bool) -> Outcome {
    let name = if tail { "tail" } else { "head" };
    let (args, legacy) = count_arg(&ctx.argv[1..]);
    let p = match getopt(&args, "qvf", "nc", &["quiet", "silent", "verbose", "follow", "help"], &["lines", "bytes"]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message(name));
            ctx.err(&gnu_try(name));
            return Outcome::Exit(1);
        }
    };
    let spec = p.value("n").or(p.value("lines")).map(str::to_string).or(legacy).unwrap_or_else(|| "10".into());
    let (from_start, negative, num) = {
        let s = spec.as_str();
        let (plus, minus, digits) = match s.chars().next() {
            Some('+') => (true, false, &s[1..]),
            Some('-') => (false, true, &s[1..]),
            _ => (false, false, s),
        };
        match digits.parse::<usize>() {
            Ok(n) => (plus, minus, n),
            Err(_) => {
                ctx.err(&format!("{name}: invalid number of lines: '{spec}'\n"));
                return Outcome::Exit(1);
            }
        }
    };
    let files = p.operands.clone();
    let (inputs, st) = {
        if files.is_empty() {
            (vec![("-".to_string(), ctx.io.stdin.clone())], 0)
        } else {
            let mut v = Vec::new();
            let mut st = 0;
            for f in &files {
                match ctx.read_file(f) {
                    Ok(d) => v.push((f.clone(), d)),
                    Err(e) => {
                        let msg = if tail { format!("tail: cannot open '{f}' for reading: {}\n", e.message()) } else { format!("head: cannot open '{f}' for reading: {}\n", e.message()) };
                        ctx.err(&msg);
                        st = 1;
                    }
                }
            }
            (v, st)
        }
    };
    let headers = (inputs.len() > 1 || p.has("v")) && !p.has("q");
    let mut first = true;
    for (fname, data) in inputs {
        if headers {
            let shown = if fname == "-" { "standard input".to_string() } else { fname.clone() };
            ctx.out(&format!("{}==> {shown} <==\n", if first { "" } else { "\n" }));
        }
        first = false;
        let ls: Vec<&[u8]> = data.split_inclusive(|b| *b == b'\n').collect();
        let total = ls.len();
        let range = if tail {
            if from_start {
                num.saturating_sub(1).min(total)..total
            } else {
                total.saturating_sub(num)..total
            }
        } else if negative {
            0..total.saturating_sub(num)
        } else {
            0..num.min(total)
        };
        for l in &ls[range] {
            ctx.io.out.extend_from_slice(l);
        }
    }
    Outcome::Exit(st)
}

pub fn head(ctx: &mut Ctx) -> Outcome {
    head_tail(ctx, false)
}

pub fn tail(ctx: &mut Ctx) -> Outcome {
    head_tail(ctx, true)
}

pub fn wc(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "lwcmL", "", &["lines", "words", "bytes", "chars", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("wc"));
            ctx.err(&gnu_try("wc"));
            return Outcome::Exit(1);
        }
    };
    let (mut l, mut w, mut c) = (p.has("l") || p.has("lines"), p.has("w") || p.has("words"), p.has("c") || p.has("bytes") || p.has("m") || p.has("chars"));
    if !l && !w && !c {
        (l, w, c) = (true, true, true);
    }
    let from_stdin = p.operands.is_empty();
    let (inputs, st) = ctx.inputs(&p.operands);
    let counts: Vec<(String, [usize; 3])> = inputs
        .iter()
        .map(|(n, d)| {
            let lines = d.iter().filter(|b| **b == b'\n').count();
            let words = String::from_utf8_lossy(d).split_whitespace().count();
            (n.clone(), [lines, words, d.len()])
        })
        .collect();
    let mut total = [0usize; 3];
    for (_, c) in &counts {
        for i in 0..3 {
            total[i] += c[i];
        }
    }
    let selected = [l, w, c];
    let nsel = selected.iter().filter(|x| **x).count();
    // coreutils: width is the digits of the total byte count for regular files, 7 when
    // reading a pipe; a single count of a single file is not padded.
    let regular = |f: &String| {
        ctx.k.resolve(ctx.pid, f, true).ok().and_then(|r| ctx.k.stat_loc(&r.loc)).map(|s| s.ftype == crate::kernel::vfs::FileType::File).unwrap_or(true)
    };
    let width = if from_stdin || !p.operands.iter().all(regular) {
        7
    } else {
        total[2].to_string().len().max(1)
    };
    let width = if nsel == 1 && counts.len() == 1 { 1 } else { width };
    let fmt = |c: &[usize; 3], name: &str| {
        let mut parts: Vec<String> = Vec::new();
        for i in 0..3 {
            if selected[i] {
                parts.push(format!("{:>width$}", c[i]));
            }
        }
        let mut s = parts.join(" ");
        if name != "-" || !from_stdin {
            s.push(' ');
            s.push_str(name);
        }
        s.push('\n');
        s
    };
    let mut out = String::new();
    for (n, c) in &counts {
        out.push_str(&fmt(c, n));
    }
    if counts.len() > 1 {
        out.push_str(&fmt(&total, "total"));
    }
    ctx.out(&out);
    Outcome::Exit(st)
}

pub fn sort(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "rnufbd", "ktoy", &["reverse", "numeric-sort", "unique", "ignore-case", "help"], &["key", "field-separator", "output"]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("sort"));
            ctx.err(&gnu_try("sort"));
            return Outcome::Exit(2);
        }
    };
    if p.value("y").is_some() {
        ctx.err("sort: invalid option -- 'y'\n");
        ctx.err(&gnu_try("sort"));
        return Outcome::Exit(2);
    }
    let key: Option<usize> = match p.value("k").or(p.value("key")) {
        Some(k) => match k.split([',', '.']).next().unwrap_or("").parse::<usize>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                ctx.err(&format!("sort: invalid number at field start: invalid count at start of '{k}'\n"));
                return Outcome::Exit(2);
            }
        },
        None => None,
    };
    let sep = p.value("t").and_then(|s| s.chars().next());
    let (inputs, st) = ctx.inputs(&p.operands);
    if st != 0 {
        return Outcome::Exit(2);
    }
    let mut all: Vec<String> = Vec::new();
    for (_, d) in &inputs {
        for l in lines(d) {
            all.push(String::from_utf8_lossy(l).into_owned());
        }
    }
    let field = |l: &str| -> String {
        match key {
            None => l.to_string(),
            Some(k) => {
                let fields: Vec<&str> = match sep {
                    Some(c) => l.split(c).collect(),
                    None => l.split_whitespace().collect(),
                };
                fields.get(k - 1).map(|s| s.to_string()).unwrap_or_default()
            }
        }
    };
    let numeric = p.has("n") || p.has("numeric-sort");
    let fold = p.has("f") || p.has("ignore-case");
    let num = |s: &str| -> f64 {
        let t = s.trim_start();
        let end = t.char_indices().find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-') || *c == '.')).map(|(i, _)| i).unwrap_or(t.len());
        t[..end].parse().unwrap_or(0.0)
    };
    all.sort_stable_by(|a, b| {
        let (fa, fb) = (field(a), field(b));
        let ord = if numeric {
            num(&fa).partial_cmp(&num(&fb)).unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            fa.to_uppercase().cmp(&fb.to_uppercase())
        } else {
            std::cmp::Ordering::Equal
        };
        // Last resort: the whole line, byte by byte (C locale).
        ord.then_with(|| if numeric || fold || key.is_some() { fa.as_bytes().cmp(fb.as_bytes()) } else { std::cmp::Ordering::Equal }).then_with(|| a.as_bytes().cmp(b.as_bytes()))
    });
    if p.has("r") || p.has("reverse") {
        all.reverse();
    }
    if p.has("u") || p.has("unique") {
        all.dedup_by(|a, b| if numeric { num(&field(a)) == num(&field(b)) } else { a == b });
    }
    let mut out = String::new();
    for l in all {
        out.push_str(&l);
        out.push('\n');
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

/// Rewrites a POSIX basic regular expression into the extended syntax regex-lite reads.
fn bre_to_ere(p: &str) -> String {
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(d @ ('(' | ')' | '{' | '}' | '|' | '+' | '?')) => out.push(d),
                Some(d) => {
                    out.push('\\');
                    out.push(d);
                }
                None => out.push_str("\\\\"),
            },
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub fn grep(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "ivcnlLEFwqsrRhHo", "e", &["ignore-case", "invert-match", "count", "line-number", "files-with-matches", "extended-regexp", "fixed-strings", "word-regexp", "quiet", "silent", "recursive", "help", "color", "colour"], &["regexp", "color", "colour"]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("grep"));
            ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
            return Outcome::Exit(2);
        }
    };
    let mut operands = p.operands.clone();
    let pattern = match p.value("e").or(p.value("regexp")) {
        Some(e) => e.to_string(),
        None => {
            if operands.is_empty() {
                ctx.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
                return Outcome::Exit(2);
            }
            operands.remove(0)
        }
    };
    let ignore = p.has("i") || p.has("ignore-case");
    let fixed = p.has("F") || p.has("fixed-strings");
    let ere = p.has("E") || p.has("extended-regexp");
    let mut re_src = if fixed { regex_lite::escape(&pattern) } else if ere { pattern.clone() } else { bre_to_ere(&pattern) };
    if p.has("w") || p.has("word-regexp") {
        re_src = format!(r"\b(?:{re_src})\b");
    }
    if ignore {
        re_src = format!("(?i){re_src}");
    }
    let re = match regex_lite::Regex::new(&re_src) {
        Ok(r) => r,
        Err(_) => {
            let msg = if pattern.contains('(') && ere { "Unmatched ( or \\(" } else if pattern.contains('[') { "Unmatched [, [^, [:, [., or [=" } else { "Invalid regular expression" };
            ctx.err(&format!("grep: {msg}\n"));
            return Outcome::Exit(2);
        }
    };
    let invert = p.has("v") || p.has("invert-match");
    let many = operands.len() > 1;
    let show_name = (many || p.has("H")) && !p.has("h");
    let (inputs, mut st) = ctx.inputs(&operands);
    if st != 0 {
        st = 2;
    }
    let mut any = false;
    let mut out = String::new();
    for (name, data) in &inputs {
        let shown = if name == "-" { "(standard input)" } else { name.as_str() };
        let mut count = 0;
        for (i, l) in lines(data).into_iter().enumerate() {
            let text = String::from_utf8_lossy(l);
            if re.is_match(&text) != invert {
                count += 1;
                any = true;
                if p.has("c") || p.has("l") || p.has("q") || p.has("quiet") || p.has("count") || p.has("files-with-matches") {
                    continue;
                }
                if show_name {
                    out.push_str(shown);
                    out.push(':');
                }
                if p.has("n") || p.has("line-number") {
                    out.push_str(&format!("{}:", i + 1));
                }
                if p.has("o") {
                    let first = re.find_iter(&text).map(|m| m.as_str().to_string()).collect::<Vec<_>>().join("\n");
                    out.push_str(&first);
                } else {
                    out.push_str(&text);
                }
                out.push('\n');
            }
        }
        if p.has("c") || p.has("count") {
            if show_name {
                out.push_str(&format!("{shown}:{count}\n"));
            } else {
                out.push_str(&format!("{count}\n"));
            }
        } else if (p.has("l") || p.has("files-with-matches")) && count > 0 {
            out.push_str(&format!("{shown}\n"));
        }
    }
    if !(p.has("q") || p.has("quiet")) {
        ctx.out(&out);
    }
    Outcome::Exit(if st == 2 && !(p.has("q") && any) { 2 } else if any { 0 } else { 1 })
}
