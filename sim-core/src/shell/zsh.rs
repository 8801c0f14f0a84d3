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
