//! busybox `cat`, `head`, `tail`, `wc`: their own open errors (`can't open 'F'` for cat
//! and tail, `F: No such file or directory` for head and wc), `==> F <==` headers, and
//! wc's `%9u` columns.

use super::getopt::getopt;
use super::{error, strerror, Ctx, Outcome};
use crate::kernel::vfs::FileType;
use crate::kernel::Errno;

/// Why a named input could not be read.
pub enum ReadErr {
    /// open() failed.
    Open(Errno),
    /// open() worked, read() failed (a directory).
    Read(Errno),
}

/// Reads an input as the applet's process: `-` is stdin.
pub fn read_input(ctx: &Ctx, name: &str) -> Result<Vec<u8>, ReadErr> {
    if name == "-" {
        return Ok(ctx.io.stdin.clone());
    }
    let r = ctx.k.resolve(ctx.pid, name, true).map_err(ReadErr::Open)?;
    let st = ctx.k.stat_loc(&r.loc).ok_or(ReadErr::Open(Errno::ENOENT))?;
    if !ctx.k.may(ctx.pid, &st, 4) {
        return Err(ReadErr::Open(Errno::EACCES));
    }
    if st.ftype == FileType::Dir {
        return Err(ReadErr::Read(Errno::EISDIR));
    }
    ctx.k.read_loc(ctx.pid, &r.loc).map_err(ReadErr::Read)
}

/// `cat -v`'s rendering of one byte.
fn catv(b: u8, tabs: bool, out: &mut Vec<u8>) {
    let mut c = b;
    if c >= 128 {
        out.extend_from_slice(b"M-");
        c -= 128;
    }
    if c < 32 || c == 127 {
        if (c == b'\t' && !tabs) || c == b'\n' {
            out.push(c);
        } else {
            out.push(b'^');
            out.push(c ^ 0x40);
        }
    } else {
        out.push(c);
    }
}

pub fn cat(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "nbvteA", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let (mut n, b) = (o.has('n'), o.has('b'));
    if b {
        n = true;
    }
    let all = o.has('A');
    let v = o.has('v') || o.has('t') || o.has('e') || all;
    let tabs = o.has('t') || all;
    let ends = o.has('e') || all;
    let files = if o.operands.is_empty() { vec!["-".to_string()] } else { o.operands.clone() };
    let mut st = 0;
    let mut lineno = 0u64;
    let mut at_line_start = true;
    for f in &files {
        let data = match read_input(ctx, f) {
            Ok(d) => d,
            Err(ReadErr::Open(e)) => {
                error(ctx, &format!("can't open '{f}': {}", strerror(e)));
                st = 1;
                continue;
            }
            Err(ReadErr::Read(e)) => {
                error(ctx, &format!("read error: {}", strerror(e)));
                st = 1;
                continue;
            }
        };
        if !(n || v || ends) {
            ctx.io.out.extend_from_slice(&data);
            continue;
        }
        let mut out = Vec::with_capacity(data.len());
        for &c in &data {
            if at_line_start && n && !(b && c == b'\n') {
                lineno += 1;
                out.extend_from_slice(format!("{lineno:6}\t").as_bytes());
            }
            at_line_start = c == b'\n';
            if c == b'\n' && ends {
                out.push(b'$');
            }
            if v {
                catv(c, tabs, &mut out);
            } else {
                out.push(c);
            }
        }
        ctx.io.out.extend_from_slice(&out);
    }
    Outcome::Exit(st)
}

/// A count with busybox's `b`/`k`/`m` suffixes (`xatoul_sfx`).
fn number(s: &str) -> Option<u64> {
    let (digits, mult) = match s.chars().last() {
        Some('b') => (&s[..s.len() - 1], 512),
        Some('k') => (&s[..s.len() - 1], 1024),
        Some('m') => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(mult)
}

/// Lines as head and tail count them: each ends after its '\n'.
fn split_lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|b| *b == b'\n').collect()
}

pub fn head(ctx: &mut Ctx) -> Outcome {
    let mut argv = ctx.argv.clone();
    let mut count: u64 = 10;
    let mut negative = false;
    let mut bytes = false;
    // The legacy `head -5` form.
    if argv.get(1).map(|a| a.len() > 1 && a.starts_with('-') && a.as_bytes()[1].is_ascii_digit()).unwrap_or(false) {
        let a = argv.remove(1);
        match number(&a[1..]) {
            Some(c) => count = c,
            None => {
                error(ctx, &format!("invalid number '{}'", &a[1..]));
                return Outcome::Exit(1);
            }
        }
    }
    let saved = std::mem::replace(&mut ctx.argv, argv);
    let parsed = getopt(ctx, "+n:qvc:", &[]);
    ctx.argv = saved;
    let o = match parsed {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut threshold: i64 = 1;
    for (c, v) in &o.list {
        match c {
            'q' => threshold = i64::MAX,
            'v' => threshold = -1,
            'c' | 'n' => {
                bytes = *c == 'c';
                let s = v.clone().unwrap_or_default();
                let (neg, body) = match s.strip_prefix('-') {
                    Some(b) => (true, b),
                    None => (false, s.as_str()),
                };
                match number(body) {
                    Some(n) => {
                        count = n;
                        negative = neg;
                    }
                    None => {
                        error(ctx, &format!("invalid number '{body}'"));
                        return Outcome::Exit(1);
                    }
                }
            }
            _ => {}
        }
    }
    let files = if o.operands.is_empty() { vec!["-".to_string()] } else { o.operands.clone() };
    if files.len() as i64 <= threshold {
        threshold = 0;
    }
    let mut st = 0;
    let mut first = true;
    for f in &files {
        let fmt_first = first;
        first = false;
        let data = match read_input(ctx, f) {
            Ok(d) => d,
            Err(ReadErr::Open(e)) => {
                error(ctx, &format!("{f}: {}", strerror(e)));
                st = 1;
                continue;
            }
            Err(ReadErr::Read(_)) => {
                if threshold != 0 {
                    ctx.out(&format!("{}==> {f} <==\n", if fmt_first { "" } else { "\n" }));
                }
                error(ctx, &format!("{f}: I/O error"));
                st = 1;
                continue;
            }
        };
        let shown = if f == "-" { "standard input" } else { f.as_str() };
        if threshold != 0 {
            ctx.out(&format!("{}==> {shown} <==\n", if fmt_first { "" } else { "\n" }));
        }
        let n = count as usize;
        let out: Vec<u8> = if bytes {
            if negative {
                data[..data.len().saturating_sub(n)].to_vec()
            } else {
                data[..n.min(data.len())].to_vec()
            }
        } else {
            let lines = split_lines(&data);
            let keep = if negative { lines.len().saturating_sub(n) } else { n.min(lines.len()) };
            lines[..keep].concat()
        };
        ctx.io.out.extend_from_slice(&out);
    }
    Outcome::Exit(st)
}

pub fn tail(ctx: &mut Ctx) -> Outcome {
    let mut argv = ctx.argv.clone();
    let mut count: u64 = 10;
    let mut from_top = false;
    let parse_count = |s: &str, from_top: &mut bool| -> Option<u64> {
        let body = if let Some(b) = s.strip_prefix('+') {
            *from_top = true;
            b
        } else {
            s.strip_prefix('-').unwrap_or(s)
        };
        number(body)
    };
    if argv.get(1).map(|a| a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) && a.as_bytes()[1].is_ascii_digit()).unwrap_or(false) {
        let a = argv.remove(1);
        match parse_count(&a, &mut from_top) {
            Some(c) => count = c,
            None => {
                error(ctx, &format!("invalid number '{a}'"));
                return Outcome::Exit(1);
            }
        }
    }
    let saved = std::mem::replace(&mut ctx.argv, argv);
    let parsed = getopt(ctx, "fc:n:qs:vF", &[]);
    ctx.argv = saved;
    let o = match parsed {
        Ok(o) => o,
        Err(out) => return out,
    };
    let bytes = o.has('c');
    for key in ['c', 'n'] {
        if let Some(v) = o.value(key) {
            match parse_count(v, &mut from_top) {
                Some(c) => count = c,
                None => {
                    error(ctx, &format!("invalid number '{v}'"));
                    return Outcome::Exit(1);
                }
            }
        }
    }
    let mut threshold: u64 = 1;
    if o.has('q') {
        threshold = u64::MAX;
    }
    if o.has('v') {
        threshold = 0;
    }
    let files = if o.operands.is_empty() { vec!["-".to_string()] } else { o.operands.clone() };
    let mut st = 0;
    let mut opened: Vec<(String, Result<Vec<u8>, Errno>)> = Vec::new();
    for f in &files {
        match read_input(ctx, f) {
            Ok(d) => opened.push((f.clone(), Ok(d))),
            Err(ReadErr::Read(e)) => opened.push((f.clone(), Err(e))),
            Err(ReadErr::Open(e)) => {
                error(ctx, &format!("can't open '{f}': {}", strerror(e)));
                st = 1;
            }
        }
    }
    if opened.is_empty() {
        error(ctx, "no files");
        return Outcome::Exit(1);
    }
    let show_headers = opened.len() as u64 > threshold;
    let mut first = true;
    for (f, data) in opened {
        if show_headers {
            let shown = if f == "-" { "standard input" } else { f.as_str() };
            ctx.out(&format!("{}==> {shown} <==\n", if first { "" } else { "\n" }));
            first = false;
        }
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                error(ctx, &format!("read error: {}", strerror(e)));
                st = 1;
                continue;
            }
        };
        let n = count as usize;
        let out: Vec<u8> = if bytes {
            if from_top {
                data[n.saturating_sub(1).min(data.len())..].to_vec()
            } else {
                data[data.len().saturating_sub(n)..].to_vec()
            }
        } else {
            let lines = split_lines(&data);
            if from_top {
                lines[n.saturating_sub(1).min(lines.len())..].concat()
            } else {
                lines[lines.len().saturating_sub(n)..].concat()
            }
        };
        ctx.io.out.extend_from_slice(&out);
    }
    Outcome::Exit(st)
}

/// wc's counts of one input: lines, words, chars, bytes, longest line.
fn wc_counts(data: &[u8]) -> [u64; 5] {
    let (mut lines, mut words, mut chars, mut bytes, mut longest) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut linepos: u64 = 0;
    let mut in_word = false;
    let end_line = |c: Option<u8>, linepos: &mut u64, lines: &mut u64, longest: &mut u64| {
        if *linepos > *longest {
            *longest = *linepos;
        }
        if c == Some(b'\n') {
            *lines += 1;
        }
        if c != Some(0x0b) {
            *linepos = 0;
        }
    };
    for &c in data {
        bytes += 1;
        if c & 0xc0 != 0x80 {
            chars += 1;
        }
        if (0x20..0x7f).contains(&c) {
            linepos += 1;
            if c != b' ' {
                in_word = true;
                continue;
            }
        } else if (9..=13).contains(&c) {
            if c == b'\t' {
                linepos = (linepos | 7) + 1;
            } else {
                end_line(Some(c), &mut linepos, &mut lines, &mut longest);
            }
        } else {
            continue;
        }
        words += in_word as u64;
        in_word = false;
    }
    end_line(None, &mut linepos, &mut lines, &mut longest);
    words += in_word as u64;
    [lines, words, chars, bytes, longest]
}

pub fn wc(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "lwmcL", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    // Columns in busybox's order: lines, words, chars (-m), bytes (-c), longest (-L).
    let mut want = [o.has('l'), o.has('w'), o.has('m'), o.has('c'), o.has('L')];
    if !want.iter().any(|w| *w) {
        want = [true, true, false, true, false];
    }
    let stdin_only = o.operands.is_empty();
    let files = if stdin_only { vec!["-".to_string()] } else { o.operands.clone() };
    let single = files.len() == 1 && want.iter().filter(|w| **w).count() == 1;
    let mut totals = [0u64; 5];
    let mut st = 0;
    let mut out = String::new();
    let line = |counts: &[u64; 5], name: Option<&str>| -> String {
        let mut s = String::new();
        for (i, w) in want.iter().enumerate() {
            if !*w {
                continue;
            }
            if s.is_empty() && single {
                s.push_str(&counts[i].to_string());
            } else if s.is_empty() {
                s.push_str(&format!("{:9}", counts[i]));
            } else {
                s.push_str(&format!(" {:9}", counts[i]));
            }
        }
        match name {
            Some(n) => format!("{s} {n}\n"),
            None => format!("{s}\n"),
        }
    };
    for f in &files {
        let counts = match read_input(ctx, f) {
            Ok(d) => wc_counts(&d),
            Err(ReadErr::Open(e)) => {
                ctx.out(&out);
                out.clear();
                error(ctx, &format!("{f}: {}", strerror(e)));
                st = 1;
                continue;
            }
            Err(ReadErr::Read(e)) => {
                ctx.out(&out);
                out.clear();
                error(ctx, &format!("{f}: {}", strerror(e)));
                st = 1;
                [0; 5]
            }
        };
        for i in 0..4 {
            totals[i] += counts[i];
        }
        totals[4] = totals[4].max(counts[4]);
        out.push_str(&line(&counts, if stdin_only { None } else { Some(f) }));
    }
    if files.len() > 1 {
        out.push_str(&line(&totals, Some("total")));
    }
    ctx.out(&out);
    Outcome::Exit(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_like_busybox() {
        assert_eq!(wc_counts(b"one\ntwo\nthree\n"), [3, 3, 14, 14, 5]);
        assert_eq!(wc_counts(b"x\ny"), [1, 2, 3, 3, 1]);
        assert_eq!(wc_counts(b"a\tb\n"), [1, 2, 4, 4, 9]);
    }

    #[test]
    fn suffixed_numbers() {
        assert_eq!(number("2k"), Some(2048));
        assert_eq!(number("x"), None);
    }
}
