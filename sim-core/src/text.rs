//! Small text helpers shared by the utilities.

/// Pads `s` on the right to `w` characters (never truncates).
pub fn ljust(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{}{}", s, " ".repeat(w - n))
    }
}

/// Pads `s` on the left to `w` characters (never truncates).
pub fn rjust(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{}{}", " ".repeat(w - n), s)
    }
}

/// Truncates to at most `w` characters.
pub fn truncate_chars(s: &str, w: usize) -> &str {
    match s.char_indices().nth(w) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Splits bytes into lines the way line-oriented tools see them: a final line without a
/// newline is still a line.
pub fn lines(data: &[u8]) -> Vec<&[u8]> {
    if data.is_empty() {
        return Vec::new();
    }
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    body.split(|b| *b == b'\n').collect()
}
