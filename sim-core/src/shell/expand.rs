//! Word expansion: parameters (`$x`, `${x:-word}`, `${#x}`, `${x%pat}`, ...), `~`, command
//! substitution, arithmetic, field splitting and pathname expansion.

use crate::sort::SortSlice;
use super::arith::{self, ArithError};
use super::parse::{ParamOp, Part, Word};
use super::{Flavor, Shell};
use crate::kernel::Kernel;

/// Runs a command substitution's text in a subshell of the given shell and returns what it
/// printed (the caller forks, reports its stderr and keeps its status).
pub type Substitute<'a> = dyn FnMut(&mut Kernel, &mut Shell, &str) -> String + 'a;

/// An expansion that fails and stops the command (bash: the whole line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpandError {
    /// `$(( ))` that cannot be evaluated.
    Arith(ArithError),
    /// `${}`, `${x;}`: the whole text.
    BadSubst(String),
    /// `${NAME?WORD}` / `${NAME:?WORD}` of an unset (or empty) NAME: the name, the
    /// expanded WORD if any, and whether it was the `:` form.
    Unset { name: String, msg: Option<String>, colon: bool },
}

impl ExpandError {
    /// The message after the shell's `NAME: `, in this flavour's words.
    pub fn message(&self, flavor: Flavor) -> String {
        let ash = flavor == Flavor::Ash;
        if flavor == Flavor::Zsh {
            return super::zsh::expand_message(self);
        }
        match self {
            ExpandError::Arith(e) if ash => e.ash().to_string(),
            ExpandError::Arith(e) => e.bash(),
            ExpandError::BadSubst(_) if ash => "syntax error: bad substitution".into(),
            ExpandError::BadSubst(t) => format!("{t}: bad substitution"),
            ExpandError::Unset { name, msg: Some(m), .. } => format!("{name}: {m}"),
            ExpandError::Unset { name, colon: true, .. } if ash => format!("{name}: parameter not set or null"),
            ExpandError::Unset { name, colon: true, .. } => format!("{name}: parameter null or not set"),
            ExpandError::Unset { name, .. } => format!("{name}: parameter not set"),
        }
    }
}

/// Expands words into fields, as the shell does before running a command.
pub fn expand_words(k: &mut Kernel, sh: &mut Shell, words: &[Word], subst: &mut Substitute) -> Result<Vec<String>, ExpandError> {
    let mut out = Vec::new();
    for w in words {
        out.extend(expand_word(k, sh, w, true, subst)?);
    }
    Ok(out)
}

/// Expands one word to a single string (assignments, redirection targets).
pub fn expand_one(k: &mut Kernel, sh: &mut Shell, w: &Word, subst: &mut Substitute) -> Result<String, ExpandError> {
    Ok(expand_word(k, sh, w, false, subst)?.join(" "))
}

/// Expands a word into a pattern (`case`, `${x#pat}`): quoted characters match themselves.
pub fn expand_pattern(k: &mut Kernel, sh: &mut Shell, w: &Word, subst: &mut Substitute) -> Result<String, ExpandError> {
    let mut f = Fields { list: vec![Field::default()], has_quoted: false, split: false };
    for part in w {
        f.part(k, sh, part, false, subst)?;
    }
    Ok(f.list.into_iter().map(|f| f.pat).collect::<Vec<_>>().join(" "))
}

/// Whether expanding a word does more than read: a command substitution runs commands,
/// `$(( ))` and `${x:=v}` may assign.
pub fn substitutes(w: &Word) -> bool {
    w.iter().any(|p| match p {
        Part::Cmd { .. } | Part::Arith { .. } => true,
        Part::Param { op, .. } => matches!(**op, ParamOp::Assign { .. }),
        _ => false,
    })
}

/// Whether a parameter is set (`${x-default}` tells unset from empty).
fn is_set(sh: &Shell, name: &str) -> bool {
    match name {
        "?" | "$" | "#" | "0" | "PPID" | "UID" | "@" | "*" | "-" => true,
        n => sh.vars.get(n).is_some(),
    }
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
        "#" => positional(sh).len().to_string(),
        "@" | "*" => positional(sh).join(" "),
        "0" => sh.arg0.clone(),
        "PPID" => k
            .procs
            .get(&sh.pid)
            .map(|p| k.pid_in(p.ppid, p.ns.pid).unwrap_or(0))
            .unwrap_or(0)
            .to_string(),
        "UID" => k.procs.get(&sh.pid).map(|p| p.uid).unwrap_or(0).to_string(),
        // Positional parameters live as unexported variables "1".."9" when set.
        n => sh.vars.get(n).unwrap_or("").to_string(),
    }
}

/// `$1`, `$2`, ... while set.
pub fn positional(sh: &Shell) -> Vec<String> {
    (1..=9).map_while(|i| sh.vars.get(&i.to_string()).map(str::to_string)).collect()
}

fn home_of(k: &Kernel, sh: &Shell, user: &str) -> Option<String> {
    if user.is_empty() {
        return sh.vars.get("HOME").map(str::to_string);
    }
    crate::utils::users::lookup_user(k, sh.pid, user).map(|u| u.home)
}

/// The shell's variables as `$(( ))` reads and assigns them.
struct ArithVars<'a>(&'a mut Shell);

impl arith::Vars for ArithVars<'_> {
    fn get(&self, name: &str) -> Option<String> {
        self.0.vars.get(name).map(str::to_string)
    }
    fn set(&mut self, name: &str, value: String) {
        self.0.vars.set(name, &value, false);
    }
}

/// Evaluates arithmetic text (already expanded) in this shell.
pub fn arithmetic(sh: &mut Shell, text: &str) -> Result<i64, ExpandError> {
    let ash = sh.flavor == Flavor::Ash;
    arith::eval(text, &mut ArithVars(sh), ash).map_err(ExpandError::Arith)
}

/// Characters that mean something in a pattern, escaped when they were quoted.
fn escape_pattern(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// A field being built: its text, the same as a pattern (quoted characters escaped), and
/// whether unquoted pattern characters make it a glob.
#[derive(Default)]
struct Field {
    text: String,
    pat: String,
    glob: bool,
}

struct Fields {
    list: Vec<Field>,
    has_quoted: bool,
    /// Field splitting applies (a command's words; not assignments or redirections).
    split: bool,
}

impl Fields {
    fn last(&mut self) -> &mut Field {
        if self.list.is_empty() {
            self.list.push(Field::default());
        }
        let n = self.list.len() - 1;
        &mut self.list[n]
    }

    fn append(&mut self, text: &str, quoted: bool) {
        let f = self.last();
        f.text.push_str(text);
        if quoted {
            f.pat.push_str(&escape_pattern(text));
        } else {
            f.pat.push_str(text);
            f.glob |= text.contains(['*', '?', '[']);
        }
    }

    /// Adds text; the result of an unquoted expansion (`splits`) is split into fields.
    fn add(&mut self, v: &str, quoted: bool, splits: bool) {
        if quoted {
            self.has_quoted = true;
        }
        if quoted || !splits || !self.split {
            self.append(v, quoted);
            return;
        }
        let ws = [' ', '\t', '\n'];
        if v.starts_with(ws) && !self.list.last().map(|f| f.text.is_empty()).unwrap_or(true) {
            self.list.push(Field::default());
        }
        let mut first = true;
        for p in v.split(ws) {
            if p.is_empty() {
                continue;
            }
            if !first {
                self.list.push(Field::default());
            }
            self.append(p, false);
            first = false;
        }
        if v.ends_with(ws) && !first {
            self.list.push(Field::default());
        }
    }

    /// Adds one part of a word; `in_arg`: inside `${x:-WORD}`, where unquoted text splits.
    fn part(&mut self, k: &mut Kernel, sh: &mut Shell, part: &Part, in_arg: bool, subst: &mut Substitute) -> Result<(), ExpandError> {
        match part {
            Part::Lit { text, quoted } => self.add(text, *quoted, in_arg && !*quoted),
            Part::Tilde(user) => match home_of(k, sh, user) {
                Some(h) => self.append(&h, true),
                None => self.append(&format!("~{user}"), false),
            },
            // `"$@"`: each positional parameter a field of its own.
            Part::Var { name, quoted: true } if name == "@" => {
                self.has_quoted = true;
                for (j, p) in positional(sh).iter().enumerate() {
                    if j > 0 {
                        self.list.push(Field::default());
                    }
                    self.append(p, true);
                }
            }
            Part::Var { name, quoted } => {
                let v = var_value(k, sh, name);
                self.add(&v, *quoted, true);
            }
            Part::Cmd { text, quoted } => {
                let v = subst(k, sh, text);
                self.add(&v, *quoted, true);
            }
            Part::Arith { text, quoted } => {
                let expr = expand_text(k, sh, text, subst)?;
                let v = arithmetic(sh, &expr)?;
                self.add(&v.to_string(), *quoted, true);
            }
            Part::Param { name, op, quoted } => self.param(k, sh, name, op, *quoted, subst)?,
        }
        Ok(())
    }

    fn arg(&mut self, k: &mut Kernel, sh: &mut Shell, w: &Word, subst: &mut Substitute) -> Result<(), ExpandError> {
        if w.is_empty() {
            return Ok(());
        }
        for p in w {
            self.part(k, sh, p, true, subst)?;
        }
        Ok(())
    }

    fn param(&mut self, k: &mut Kernel, sh: &mut Shell, name: &str, op: &ParamOp, quoted: bool, subst: &mut Substitute) -> Result<(), ExpandError> {
        let set = is_set(sh, name);
        let value = var_value(k, sh, name);
        // The `:` forms take an empty value as unset.
        let missing = |colon: bool| !set || (colon && value.is_empty());
        match op {
            ParamOp::Length => self.add(&value.chars().count().to_string(), quoted, true),
            ParamOp::Default { colon, word } => {
                if missing(*colon) {
                    if quoted {
                        self.has_quoted = true;
                    }
                    self.arg(k, sh, word, subst)?;
                } else {
                    self.add(&value, quoted, true);
                }
            }
            ParamOp::Assign { colon, word } => {
                if missing(*colon) {
                    let v = expand_text(k, sh, word, subst)?;
                    sh.vars.set(name, &v, false);
                    self.add(&v, quoted, true);
                } else {
                    self.add(&value, quoted, true);
                }
            }
            ParamOp::Alt { colon, word } => {
                if quoted {
                    self.has_quoted = true;
                }
                if !missing(*colon) {
                    self.arg(k, sh, word, subst)?;
                }
            }
            ParamOp::Error { colon, word } => {
                if missing(*colon) {
                    let msg = if word.is_empty() { None } else { Some(expand_text(k, sh, word, subst)?) };
                    return Err(ExpandError::Unset { name: name.to_string(), msg, colon: *colon });
                }
                self.add(&value, quoted, true);
            }
            ParamOp::TrimPrefix { longest, pat } | ParamOp::TrimSuffix { longest, pat } => {
                let pat = expand_pattern(k, sh, pat, subst)?;
                let prefix = matches!(op, ParamOp::TrimPrefix { .. });
                let v = trim(&value, &pat, prefix, *longest);
                self.add(&v, quoted, true);
            }
            ParamOp::Substr { off, len } => {
                let chars: Vec<char> = value.chars().collect();
                let n = chars.len() as i64;
                let off_text = expand_text(k, sh, off, subst)?;
                let mut start = arithmetic(sh, &off_text)?;
                if start < 0 {
                    start += n;
                }
                let end = match len {
                    None => n,
                    Some(l) => {
                        let l_text = expand_text(k, sh, l, subst)?;
                        let l = arithmetic(sh, &l_text)?;
                        if l < 0 {
                            n + l
                        } else {
                            start.saturating_add(l)
                        }
                    }
                };
                let v: String = if start < 0 || start > n || end < start { String::new() } else { chars[start as usize..end.min(n) as usize].iter().collect() };
                self.add(&v, quoted, true);
            }
            ParamOp::Bad(text) => return Err(ExpandError::BadSubst(text.clone())),
        }
        Ok(())
    }
}

/// A word expanded to one string, without splitting or globbing (an arithmetic text, the
/// value of `${x:=WORD}`).
pub fn expand_text(k: &mut Kernel, sh: &mut Shell, w: &Word, subst: &mut Substitute) -> Result<String, ExpandError> {
    let mut f = Fields { list: vec![Field::default()], has_quoted: false, split: false };
    for p in w {
        f.part(k, sh, p, false, subst)?;
    }
    Ok(f.list.into_iter().map(|f| f.text).collect::<Vec<_>>().join(" "))
}

/// `${v#pat}` and friends: removes the shortest (or longest) prefix (or suffix) matching.
pub fn trim(v: &str, pat: &str, prefix: bool, longest: bool) -> String {
    let idx: Vec<usize> = v.char_indices().map(|(i, _)| i).chain(std::iter::once(v.len())).collect();
    let cands: Vec<usize> = if longest == prefix { idx.iter().rev().copied().collect() } else { idx.clone() };
    for i in cands {
        let (piece, rest) = if prefix { (&v[..i], &v[i..]) } else { (&v[i..], &v[..i]) };
        if fnmatch_any(pat, piece) {
            return rest.to_string();
        }
    }
    v.to_string()
}

fn expand_word(k: &mut Kernel, sh: &mut Shell, w: &Word, split: bool, subst: &mut Substitute) -> Result<Vec<String>, ExpandError> {
    // `"$@"` without positional parameters is no field at all (not an empty one).
    let only_at = w.iter().all(|p| matches!(p, Part::Lit { text, quoted: true } if text.is_empty()) || matches!(p, Part::Var { name, quoted: true } if name == "@"));
    if split && only_at && w.iter().any(|p| matches!(p, Part::Var { .. })) && positional(sh).is_empty() {
        return Ok(Vec::new());
    }
    let mut fields = Fields { list: vec![Field::default()], has_quoted: false, split };
    for part in w {
        fields.part(k, sh, part, false, subst)?;
    }
    let mut out = Vec::new();
    let n = fields.list.len();
    let has_quoted = fields.has_quoted;
    for f in fields.list {
        if f.text.is_empty() && !(has_quoted && n == 1) {
            continue;
        }
        if f.glob && split {
            let matches = glob_paths(k, sh.pid, &f.pat);
            if !matches.is_empty() {
                out.extend(matches);
                continue;
            }
        }
        out.push(f.text);
    }
    Ok(out)
}

/// `fnmatch` without the leading-dot rule (`case`, `${x#pat}`).
pub fn fnmatch_any(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_chars(&p, &n)
}

fn match_chars(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|i| match_chars(&p[1..], &n[i..])),
        Some('?') => !n.is_empty() && match_chars(&p[1..], &n[1..]),
        Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && match_chars(&p[2..], &n[1..]),
        Some('[') => {
            // The closing `]`; one right after `[` or `[!` is a member of the set.
            let mut j = 1;
            if matches!(p.get(j), Some('!' | '^')) {
                j += 1;
            }
            if p.get(j) == Some(&']') {
                j += 1;
            }
            let Some(close) = p.iter().skip(j).position(|c| *c == ']').map(|i| i + j) else {
                return n.first() == Some(&'[') && match_chars(&p[1..], &n[1..]);
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
            hit != neg && match_chars(&p[close + 1..], &n[1..])
        }
        Some(ch) => n.first() == Some(ch) && match_chars(&p[1..], &n[1..]),
    }
}

/// `fnmatch` for `*`, `?`, `[...]` and `\\c` (no special meaning for a leading dot beyond
/// the rule that `*` and `?` never match it).
pub fn fnmatch(pat: &str, name: &str) -> bool {
    if name.starts_with('.') && !pat.starts_with('.') {
        return false;
    }
    fnmatch_any(pat, name)
}

/// A pattern's text with its escapes taken off.
fn unescape(pat: &str) -> String {
    let mut s = String::with_capacity(pat.len());
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                s.push(n);
            }
        } else {
            s.push(c);
        }
    }
    s
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
                let p = join(&unescape(c));
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
