//! busybox `sort` (SORT_BIG): byte order, `-n`, `-r`, `-u`, `-f`, `-k N[,M]` with `-t`.

use crate::sort::SortSlice;
use super::getopt::getopt;
use super::text::{read_input, ReadErr};
use super::{error, strerror, Ctx, Outcome};

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "nrufbdMcszgmRo:k:t:ST:", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let files = if o.operands.is_empty() { vec!["-".to_string()] } else { o.operands.clone() };
    let mut lines: Vec<String> = Vec::new();
    for f in &files {
        match read_input(ctx, f) {
            Ok(d) => lines.extend(crate::text::lines(&d).into_iter().map(|l| String::from_utf8_lossy(l).into_owned())),
            Err(ReadErr::Open(e)) | Err(ReadErr::Read(e)) => {
                error(ctx, &format!("{f}: {}", strerror(e)));
                return Outcome::Exit(2);
            }
        }
    }
    let sep = o.value('t').and_then(|s| s.chars().next());
    let mut numeric = o.has('n') || o.has('g');
    let mut reverse = o.has('r');
    // -k N[.C][flags][,M[.C][flags]]: only the field range and the n/r flags.
    let key: Option<(usize, Option<usize>)> = match o.value('k') {
        Some(k) => {
            let (start, end) = match k.split_once(',') {
                Some((a, b)) => (a, Some(b)),
                None => (k, None),
            };
            let num = |s: &str, numeric: &mut bool, reverse: &mut bool| -> Option<usize> {
                let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
                let flags = &s[digits.len()..];
                let flags = flags.split('.').next_back().unwrap_or("");
                if flags.contains('n') {
                    *numeric = true;
                }
                if flags.contains('r') {
                    *reverse = true;
                }
                digits.parse().ok().filter(|n| *n > 0)
            };
            match num(start, &mut numeric, &mut reverse) {
                Some(s) => Some((s, end.and_then(|e| num(e, &mut numeric, &mut reverse)))),
                None => {
                    error(ctx, &format!("invalid number '{k}'"));
                    return Outcome::Exit(1);
                }
            }
        }
        None => None,
    };
    let field = |l: &str| -> String {
        let Some((s, e)) = key else { return l.to_string() };
        let fields: Vec<&str> = match sep {
            Some(c) => l.split(c).collect(),
            None => {
                // Blank-separated fields keep their leading blanks.
                let mut v = Vec::new();
                let b = l.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    let st = i;
                    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                        i += 1;
                    }
                    while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                        i += 1;
                    }
                    v.push(&l[st..i]);
                }
                v
            }
        };
        let end = e.unwrap_or(fields.len()).min(fields.len());
        if s > end {
            return String::new();
        }
        fields[s - 1..end].join(&sep.map(|c| c.to_string()).unwrap_or_default())
    };
    let fold = o.has('f');
    let num = |s: &str| -> f64 {
        let t = s.trim_start();
        let end = t
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-') || *c == '.'))
            .map(|(i, _)| i)
            .unwrap_or(t.len());
        t[..end].parse().unwrap_or(0.0)
    };
    let cmp = |a: &String, b: &String| -> std::cmp::Ordering {
        let (ka, kb) = (field(a), field(b));
        let mut ord = if numeric {
            num(&ka).partial_cmp(&num(&kb)).unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            ka.to_uppercase().as_bytes().cmp(kb.to_uppercase().as_bytes())
        } else {
            ka.as_bytes().cmp(kb.as_bytes())
        };
        // Equal keys fall back to the whole line, as busybox does.
        if ord == std::cmp::Ordering::Equal && !o.has('s') {
            ord = a.as_bytes().cmp(b.as_bytes());
        }
        if reverse {
            ord.reverse()
        } else {
            ord
        }
    };
    if o.has('c') {
        for i in 1..lines.len() {
            if cmp(&lines[i - 1], &lines[i]) == std::cmp::Ordering::Greater {
                error(ctx, &format!("-:{}: disorder: {}", i + 1, lines[i]));
                return Outcome::Exit(1);
            }
        }
        return Outcome::Exit(0);
    }
    lines.sort_stable_by(&cmp);
    if o.has('u') {
        lines.dedup_by(|a, b| cmp(a, b) == std::cmp::Ordering::Equal || (key.is_none() && !numeric && a == b));
    }
    let out: String = lines.iter().map(|l| format!("{l}\n")).collect();
    if let Some(f) = o.value('o') {
        if let Err(e) = ctx.k.write_file(ctx.pid, f, out.as_bytes(), false) {
            error(ctx, &format!("can't open '{f}': {}", strerror(e)));
            return Outcome::Exit(2);
        }
        return Outcome::Exit(0);
    }
    ctx.out(&out);
    Outcome::Exit(0)
}
