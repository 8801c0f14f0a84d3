//! zsh's wording where it differs from bash's (zsh 5.8.1 as macOS 12 ships it; Src/exec.c
//! `zerr("command not found: %s")`, `zerr("%e: %s", errno, arg0)` with %e the lowercased
//! strerror text).

use super::exec::LookupError;

/// The message after `zsh: ` for a command that cannot be run, and the status.
pub fn lookup_message(e: &LookupError, name: &str) -> (String, i32) {
    match e {
        LookupError::NotFound => (format!("command not found: {name}"), 127),
        LookupError::NoSuchFile => (format!("no such file or directory: {name}"), 127),
        LookupError::Denied => (format!("permission denied: {name}"), 126),
        LookupError::IsDir => (format!("is a directory: {name}"), 126),
        LookupError::NotBinary | LookupError::ExecFormat => (format!("exec format error: {name}"), 126),
    }
}

/// The message after `zsh: ` for an expansion that failed (Src/math.c's `zerr`s,
/// Src/subst.c's `%s: parameter not set`).
pub fn expand_message(e: &super::expand::ExpandError) -> String {
    use super::expand::ExpandError;
    match e {
        ExpandError::Arith(a) => match a.msg {
            "division by 0" => "division by zero".into(),
            "syntax error: operand expected" if a.token.trim().len() <= 1 => "bad math expression: operand expected at end of string".into(),
            "syntax error: operand expected" => format!("bad math expression: operand expected at `{}'", a.token.trim_end()),
            "syntax error in expression" => format!("bad math expression: operator expected at `{}'", a.token.trim_end()),
            _ => format!("bad math expression: {}", a.msg.trim_start_matches("syntax error: ")),
        },
        ExpandError::BadSubst(_) => "bad substitution".into(),
        ExpandError::Unset { name, msg: Some(m), .. } => format!("{name}: {m}"),
        ExpandError::Unset { name, .. } => format!("{name}: parameter not set"),
    }
}

/// The message after `zsh: ` for a line that does not parse: `parse error near `X'`, where
/// the end of the line is `\n`.
pub fn syntax_message(e: &super::parse::SyntaxError) -> String {
    use super::parse::SyntaxError;
    match e {
        SyntaxError::UnexpectedToken(t) | SyntaxError::UnexpectedWord(t) | SyntaxError::Expecting(t, _) => {
            let t = if t == "newline" { "\\n" } else { t.as_str() };
            format!("parse error near `{t}'")
        }
        SyntaxError::UnmatchedQuote(q) => format!("unmatched {q}"),
        SyntaxError::UnexpectedEof | SyntaxError::Unterminated(_) => "parse error near `\\n'".into(),
        SyntaxError::BadForVar(v) => format!("not an identifier: {v}"),
    }
}

/// The aliases zsh has before any startup file (`alias` lists them on macOS too).
pub const DEFAULT_ALIASES: &[(&str, &str)] = &[("run-help", "man"), ("which-command", "whence")];

/// A value as zsh prints it in `alias` listings: bare when nothing in it needs quoting,
/// else in single quotes.
pub fn quote(v: &str) -> String {
    if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=+,:@%^".contains(c)) {
        return v.to_string();
    }
    format!("'{}'", v.replace('\'', "'\\''"))
}
