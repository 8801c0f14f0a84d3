//! Word expansion: parameters, `~`, field splitting and pathname expansion.

use crate::sort::SortSlice;
use super::parse::{Part, Word};
use super::Shell;
use crate::kernel::Kernel;

/// Runs a command substitution's text in a subshell of the given shell and returns what it
/// printed (the caller forks, reports its stderr and keeps its status).
pub type Substitute<'a> = dyn FnMut(&mut Kernel, &mut Shell, &str) -> String + 'a;

/// Expands words into fields, as the shell does before running a command.
pub fn expand_words(k: &mut Kernel, sh: &mut Shell, words: &[Word], subst: &mut Substitute) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        out.extend(expand_word(k, sh, w, true, subst));
    }
    out
}

/// Expands one word to a single string (assignments, redirection targets).
pub fn expand_one(k: &mut Kernel, sh: &mut Shell, w: &Word, subst: &mut Substitute) -> String {
    expand_word(k, sh, w, false, subst).join(" ")
}

/// Whether a word holds a command substitution (expanding it runs commands).
pub fn substitutes(w: &Word) -> bool {
    w.iter().any(|p| matches!(p, Part::Cmd { .. }))
}

fn var_value(k: &Kernel, sh: &Shell, name: &str) -> String {
    match name {
        "?" => sh.status.to_string(),
        "$" => k
            .procs
            .get(&sh.pid)
            .and_then(|p| p.ns_pids.last().copied())
            .unwrap_or(0)
            .to_string(),
        "#" => (1..=9).take_while(|i| sh.vars.get(&i.to_string()).is_some()).count().to_string(),
        "0" => sh.arg0.clone(),
        "PPID" => k
            .procs
            .get(&sh.pid)
            .map(|p| k.pid_in(p.ppid, p.ns.pid).unwrap_or(0))
            .unwrap_or(0)
            .to_string(),
        "UID" => k.procs.get(&sh.pid).map(|p| p.uid).unwrap_or(0).to_string(),
        // Positional parameters live as unexported variables "1".."9" when set.
        n if n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()) => sh.vars.get(n).unwrap_or("").to_string(),
        n => sh.vars.get(n).unwrap_or("").to_string(),
    }
}

fn home_of(k: &Kernel, sh: &Shell, user: &str) -> Option<String> {
    if user.is_empty() {
        return sh.vars.get("HOME").map(str::to_string);
    }
    crate::utils::users::lookup_user(k, sh.pid, user).map(|u| u.home)
}

fn expand_word(k: &mut Kernel, sh: &mut Shell, w: &Word, split: bool, subst: &mut Substitute) -> Vec<String> {
    // Build fields; `glob` marks fields with unquoted pattern characters.
    let mut fields: Vec<(String, bool)> = vec![(String::new(), false)];
    let mut has_quoted = false;
    for part in w {
        match part {
            Part::Lit { text, quoted } => {
                if *quoted {
                    has_quoted = true;
                } else if text.contains(['*', '?', '[']) {
                    if let Some(f) = fields.last_mut() {
                        f.1 = true;
                    }
                }
                if let Some(f) = fields.last_mut() {
                    f.0.push_str(text);
                }
            }
            Part::Tilde(user) => match home_of(k, sh, user) {
                Some(h) => {
                    if let Some(f) = fields.last_mut() {
                        f.0.push_str(&h);
                    }
                }
                None => {
                    if let Some(f) = fields.last_mut() {
                        f.0.push('~');
                        f.0.push_str(user);
                    }
                }
            },
            Part::Var { .. } | Part::Cmd { .. } => {
                let (v, quoted) = match part {
                    Part::Var { name, quoted } => (var_value(k, sh, name), quoted),
                    Part::Cmd { text, quoted } => (subst(k, sh, text), quoted),
                    _ => continue,
                };
                if *quoted || !split {
                    has_quoted |= *quoted;
                    if let Some(f) = fields.last_mut() {
                        f.0.push_str(&v);
                    }
                } else {
                    let pieces = v.split([' ', '\t', '\n']).peekable();
                    let starts_ws = v.starts_with([' ', '\t', '\n']);
                    if starts_ws && !fields.last().map(|f| f.0.is_empty()).unwrap_or(true) {
                        fields.push((String::new(), false));
                    }
                    let mut first = true;
                    for p in pieces {
                        if p.is_empty() {
                            continue;
                        }
                        if !first {
                            fields.push((String::new(), false));
                        }
                        if let Some(f) = fields.last_mut() {
                            f.0.push_str(p);
                        }
                        first = false;
                    }
                    if v.ends_with([' ', '\t', '\n']) && !first {
                        fields.push((String::new(), false));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let n = fields.len();
    for (f, glob) in fields {
        if f.is_empty() && !(has_quoted && n == 1) {
            continue;
        }
        if glob && split {
            let matches = glob_paths(k, sh.pid, &f);
            if !matches.is_empty() {
                out.extend(matches);
                continue;
            }
        }
        out.push(f);
    }
    out
}

/// `fnmatch` for `*`, `?` and `[...]` (no special meaning for a leading dot beyond the rule
/// that `*` and `?` never match it).
pub fn fnmatch(pat: &str, name: &str) -> bool {
    fn m(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|i| m(&p[1..], &n[i..])),
            Some('?') => !n.is_empty() && m(&p[1..], &n[1..]),
            Some('[') => {
                let Some(close) = p.iter().skip(1).position(|c| *c == ']').map(|i| i + 1) else {
                    return n.first() == Some(&'[') && m(&p[1..], &n[1..]);
                };
                let Some(c) = n.first() else { return false };
                let set = &p[1..close];
                let (neg, set) = match set.first() {
                    Some('!') | Some('^') => (true, &set[1..]),
                    _ => (false, set),
                };
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= *c && *c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == *c;
                        i += 1;
                    }
                }
                hit != neg && m(&p[close + 1..], &n[1..])
            }
            Some(ch) => n.first() == Some(ch) && m(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    if n.first() == Some(&'.') && p.first() != Some(&'.') {
        return false;
    }
    m(&p, &n)
}

/// Pathname expansion, sorted as bash sorts (byte order in the C locale).
fn glob_paths(k: &Kernel, pid: u32, pattern: &str) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let comps: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let mut bases: Vec<String> = vec![if absolute { "/".into() } else { String::new() }];
    for (i, c) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        for b in &bases {
            let join = |name: &str| {
                if b.is_empty() {
                    name.to_string()
                } else if b.ends_with('/') {
                    format!("{b}{name}")
                } else {
                    format!("{b}/{name}")
                }
            };
            if c.contains(['*', '?', '[']) {
                let dir = if b.is_empty() { "." } else { b.as_str() };
                let Ok(r) = k.resolve(pid, dir, true) else { continue };
                let Ok(entries) = k.read_dir(pid, &r.loc) else { continue };
                let mut names: Vec<String> = entries.into_iter().map(|(n, _)| n).filter(|n| fnmatch(c, n)).collect();
                names.sort_stable();
                for n in names {
                    let p = join(&n);
                    if last || k.resolve(pid, &p, true).ok().and_then(|r| k.stat_loc(&r.loc)).map(|s| s.ftype == crate::kernel::vfs::FileType::Dir).unwrap_or(false) {
                        next.push(p);
                    }
                }
            } else {
                let p = join(c);
                if k.resolve(pid, &p, false).is_ok() {
                    next.push(p);
                }
            }
        }
        bases = next;
        if bases.is_empty() {
            break;
        }
    }
    bases
}

#[cfg(test)]
mod tests {
    use super::fnmatch;
    #[test]
    fn patterns() {
        assert!(fnmatch("*.txt", "a.txt"));
        assert!(!fnmatch("*.txt", ".a.txt"));
        assert!(fnmatch("[0-9]*", "123"));
        assert!(!fnmatch("[!0-9]*", "123"));
        assert!(fnmatch("?", "a"));
    }
}
