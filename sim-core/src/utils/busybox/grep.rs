//! busybox `grep` (`egrep`, `fgrep`): POSIX regular expressions (basic by default), the
//! `file:` prefix with several inputs or `-r`, exit 1 on no match and 2 on errors.

use super::getopt::getopt;
use super::text::{read_input, ReadErr};
use super::{concat_path, error, show_usage, strerror, Ctx, Outcome};
use crate::kernel::vfs::FileType;

/// A POSIX basic regular expression in the extended syntax regex-lite reads (GNU's `\|`,
/// `\+`, `\?` included, as musl's regcomp accepts them).
pub fn bre_to_ere(p: &str) -> String {
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

/// Every regular file under `path`, depth first in directory order.
/// Paths a recursive grep visits at most: `-R` follows symlinks, and a loop (`/proc/self/root`)
/// would go on until the path is too long for the kernel; the simulation stops sooner.
const WALK_BUDGET: usize = 20_000;
/// PATH_MAX: a longer path cannot be opened (ENAMETOOLONG).
const PATH_MAX: usize = 4096;

fn walk(ctx: &Ctx, path: &str, follow: bool, depth: usize, out: &mut Vec<String>, visits: &mut usize) {
    *visits += 1;
    if *visits > WALK_BUDGET || path.len() >= PATH_MAX {
        return;
    }
    let Ok(r) = ctx.k.resolve(ctx.pid, path, follow || depth == 0) else { return };
    let Some(st) = ctx.k.stat_loc(&r.loc) else { return };
    if st.ftype == FileType::Dir {
        if let Ok(entries) = ctx.k.read_dir(ctx.pid, &r.loc) {
            for (name, _) in entries {
                if *visits > WALK_BUDGET {
                    break;
                }
                walk(ctx, &concat_path(path, &name), follow, depth + 1, out, visits);
            }
        }
    } else {
        // Symlinks met on the way (not followed as directories) are opened as files.
        out.push(path.to_string());
    }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "lnqvscFiHhe:f:LorRwxEzm:A:B:C:", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let name = ctx.name();
    let mut operands = o.operands.clone();
    let mut patterns = o.values('e');
    for f in o.values('f') {
        match read_input(ctx, &f) {
            Ok(d) => patterns.extend(String::from_utf8_lossy(&d).lines().map(str::to_string)),
            Err(ReadErr::Open(e)) | Err(ReadErr::Read(e)) => {
                error(ctx, &format!("{f}: {}", strerror(e)));
                return Outcome::Exit(2);
            }
        }
    }
    if patterns.is_empty() {
        if operands.is_empty() {
            return show_usage(ctx);
        }
        patterns.push(operands.remove(0));
    }
    let fixed = o.has('F') || name == "fgrep";
    let ere = o.has('E') || name == "egrep";
    let mut alts = Vec::new();
    for p in &patterns {
        let mut src = if fixed { regex_lite::escape(p) } else if ere { p.clone() } else { bre_to_ere(p) };
        if o.has('x') {
            src = format!("^(?:{src})$");
        }
        alts.push(format!("(?:{src})"));
    }
    let mut src = alts.join("|");
    if o.has('i') {
        src = format!("(?i){src}");
    }
    let re = match regex_lite::Regex::new(&src) {
        Ok(r) => r,
        Err(_) => {
            let p = patterns.first().cloned().unwrap_or_default();
            let why = if p.matches('[').count() > p.matches(']').count() {
                "Missing ']'"
            } else if p.contains('(') || p.contains(')') {
                "Missing ')'"
            } else {
                "Invalid regular expression"
            };
            error(ctx, &format!("bad regex '{p}': {why}"));
            return Outcome::Exit(2);
        }
    };
    let recursive = o.has('r') || o.has('R');
    let mut files: Vec<String> = Vec::new();
    if recursive {
        if operands.is_empty() {
            operands.push(".".into());
        }
        for p in &operands {
            walk(ctx, p, o.has('R'), 0, &mut files, &mut 0);
        }
    } else {
        files = operands.clone();
    }
    let stdin = files.is_empty() && !recursive;
    if stdin {
        files.push("-".into());
    }
    let show_name = !o.has('h') && (o.has('H') || files.len() > 1 || recursive);
    let max: Option<usize> = o.value('m').and_then(|m| m.parse().ok());
    let mut status = 1;
    let mut err = false;
    let mut out = String::new();
    let word_ok = |text: &str, s: usize, e: usize| -> bool {
        let isw = |c: char| c.is_alphanumeric() || c == '_';
        let before = text[..s].chars().next_back().map(isw).unwrap_or(false);
        let after = text[e..].chars().next().map(isw).unwrap_or(false);
        !before && !after
    };
    for f in &files {
        let data = match read_input(ctx, f) {
            Ok(d) => d,
            Err(ReadErr::Open(e)) | Err(ReadErr::Read(e)) => {
                if !o.has('s') {
                    ctx.out(&out);
                    out.clear();
                    error(ctx, &format!("{f}: {}", strerror(e)));
                }
                err = true;
                continue;
            }
        };
        let shown = if f == "-" { "(standard input)" } else { f.as_str() };
        let mut count = 0usize;
        for (i, l) in crate::text::lines(&data).into_iter().enumerate() {
            if max.map(|m| count >= m).unwrap_or(false) {
                break;
            }
            let text = String::from_utf8_lossy(l);
            let matches: Vec<(usize, usize)> =
                re.find_iter(&text).map(|m| (m.start(), m.end())).filter(|(s, e)| !o.has('w') || word_ok(&text, *s, *e)).collect();
            if matches.is_empty() != o.has('v') {
                continue;
            }
            count += 1;
            status = 0;
            if o.has('q') {
                return Outcome::Exit(0);
            }
            if o.has('c') || o.has('l') || o.has('L') {
                continue;
            }
            let prefix = {
                let mut p = String::new();
                if show_name {
                    p.push_str(shown);
                    p.push(':');
                }
                if o.has('n') {
                    p.push_str(&format!("{}:", i + 1));
                }
                p
            };
            if o.has('o') && !o.has('v') {
                for (s, e) in matches {
                    out.push_str(&format!("{prefix}{}\n", &text[s..e]));
                }
            } else {
                out.push_str(&format!("{prefix}{text}\n"));
            }
        }
        if o.has('c') {
            if show_name {
                out.push_str(&format!("{shown}:{count}\n"));
            } else {
                out.push_str(&format!("{count}\n"));
            }
        }
        if o.has('l') && count > 0 {
            out.push_str(&format!("{shown}\n"));
        }
        if o.has('L') && count == 0 {
            out.push_str(&format!("{shown}\n"));
        }
    }
    ctx.out(&out);
    if err && !(o.has('q') && status == 0) {
        return Outcome::Exit(2);
    }
    Outcome::Exit(status)
}
