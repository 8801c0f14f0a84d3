//! Entry names as dockerd sees them, and PAX records.
//!
//! dockerd 20.10 cleans each name (`filepath.Clean`) and unpacks inside a chroot of the layer
//! directory, so a name is joined under "/" there: a leading "/" is dropped, and ".." that
//! would climb above the root stays at the root (the kernel's "/.." is "/").

/// Linux's NAME_MAX: the longest single component the kernel accepts.
pub(super) const NAME_MAX: usize = 255;

/// A name after `filepath.Clean` and the join under the chroot's "/".
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Cleaned {
    /// Relative, no "." or ".." components, no leading or trailing "/"; "." for the root.
    pub path: String,
    /// `filepath.Clean` gave exactly "." (dockerd skips such entries).
    pub is_dot: bool,
}

/// Cleans a name the way Go's `filepath.Clean` and `filepath.Join("/", name)` do together.
pub(super) fn clean(name: &str) -> Cleaned {
    let rooted = name.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    let mut climbs = 0usize; // leading ".." that Clean keeps in a relative name
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && !rooted {
                    climbs += 1;
                }
            }
            _ => parts.push(part),
        }
    }
    let is_dot = !rooted && climbs == 0 && parts.is_empty();
    let path = if parts.is_empty() { ".".to_string() } else { parts.join("/") };
    Cleaned { path, is_dot }
}

/// The absolute path dockerd hands the kernel for a cleaned path ("/" for the root).
pub(super) fn absolute(path: &str) -> String {
    if path == "." {
        "/".to_string()
    } else {
        format!("/{path}")
    }
}

/// Whether the kernel refuses `absolute` with ENAMETOOLONG: longer than PATH_MAX counting the
/// NUL (`path_max`), or a component longer than NAME_MAX.
pub(super) fn too_long(absolute: &str, path_max: usize) -> bool {
    absolute.len() >= path_max || absolute.split('/').any(|c| c.len() > NAME_MAX)
}

/// How many components a cleaned path has (0 for the root).
pub(super) fn depth(path: &str) -> usize {
    if path == "." {
        0
    } else {
        path.split('/').count()
    }
}

/// A PAX extended header: records in order (a later key overrides an earlier one).
pub(super) type Records = Vec<(Vec<u8>, Vec<u8>)>;

/// Go's `parsePAX`/`parsePAXRecord`: `None` is `archive/tar: invalid tar header`.
pub(super) fn parse_pax(mut data: &[u8]) -> Option<Records> {
    let mut records = Vec::new();
    let mut sparse_pairs = 0usize;
    while !data.is_empty() {
        let (key, value, rest) = parse_record(data)?;
        data = rest;
        if key == b"GNU.sparse.offset" || key == b"GNU.sparse.numbytes" {
            let want_offset = sparse_pairs.is_multiple_of(2);
            if want_offset != (key == b"GNU.sparse.offset") || value.contains(&b',') {
                return None;
            }
            sparse_pairs += 1;
            continue;
        }
        records.push((key.to_vec(), value.to_vec()));
    }
    if sparse_pairs > 0 {
        records.push((b"GNU.sparse.map".to_vec(), Vec::new()));
    }
    Some(records)
}

/// One "%d %s=%s\n" record: (key, value, the rest).
fn parse_record(s: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let sp = s.iter().position(|&c| c == b' ')?;
    let n = parse_decimal(&s[..sp])?;
    if n < 5 || n > s.len() as i64 {
        return None;
    }
    let n = n as usize; // 5 <= n <= s.len()
    let after_space = sp + 1;
    if after_space >= n - 1 || s[n - 1] != b'\n' {
        return None;
    }
    let rec = &s[after_space..n - 1];
    let eq = rec.iter().position(|&c| c == b'=')?;
    let (key, value) = (&rec[..eq], &rec[eq + 1..]);
    valid_record(key, value).then_some((key, value, &s[n..]))
}

/// Go's `validPAXRecord`.
fn valid_record(key: &[u8], value: &[u8]) -> bool {
    if key.is_empty() || key.contains(&b'=') {
        return false;
    }
    match key {
        b"path" | b"linkpath" | b"uname" | b"gname" => !value.contains(&0),
        _ => !key.contains(&0),
    }
}

/// `strconv.ParseInt(s, 10, 64)`: an optional sign, then decimal digits.
pub(super) fn parse_decimal(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let magnitude = digits.iter().try_fold(0i128, |acc, &c| match c {
        b'0'..=b'9' => Some(acc * 10 + i128::from(c - b'0')).filter(|v| *v <= 1 << 63),
        _ => None,
    })?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// Go's `parsePAXTime`: whole seconds (the fraction is checked, then dropped).
pub(super) fn parse_pax_time(s: &[u8]) -> Option<i64> {
    let (secs, frac) = match s.iter().position(|&c| c == b'.') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &s[s.len()..]),
    };
    let secs = parse_decimal(secs)?;
    frac.iter().all(u8::is_ascii_digit).then_some(secs)
}

/// Go's `formatPAXRecord`: the length counts itself.
pub(super) fn format_record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3;
    let mut size = body + body.to_string().len();
    if size.to_string().len() + body != size {
        size = size.to_string().len() + body;
    }
    let mut out = format!("{size} {key}=").into_bytes();
    out.extend_from_slice(value);
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str) -> (String, bool) {
        let cleaned = clean(name);
        (cleaned.path, cleaned.is_dot)
    }

    #[test]
    fn names_clean_like_go_under_the_chroot() {
        assert_eq!(c("./etc//./hostname"), ("etc/hostname".into(), false));
        assert_eq!(c("/etc/passwd"), ("etc/passwd".into(), false));
        assert_eq!(c("../evil"), ("evil".into(), false));
        assert_eq!(c("a/../../evil"), ("evil".into(), false));
        assert_eq!(c("/../../evil"), ("evil".into(), false));
        assert_eq!(c("dir/"), ("dir".into(), false));
        assert_eq!(c("./"), (".".into(), true));
        assert_eq!(c(""), (".".into(), true));
        assert_eq!(c("a/.."), (".".into(), true));
        assert_eq!(c(".."), (".".into(), false));
        assert_eq!(c("/"), (".".into(), false));
    }

    #[test]
    fn pax_records_round_trip() {
        for (k, v) in [("path", "a".repeat(200)), ("x", String::new()), ("linkpath", "b".repeat(93))] {
            let rec = format_record(k, v.as_bytes());
            let parsed = parse_pax(&rec).expect("a record we wrote");
            assert_eq!(parsed, vec![(k.as_bytes().to_vec(), v.as_bytes().to_vec())]);
        }
        assert_eq!(format_record("path", b"abc"), b"12 path=abc\n");
    }

    #[test]
    fn malformed_pax_records_are_refused() {
        for bad in [&b"999 path=x\n"[..], b"3 a=\n", b"12 path=abc!", b"11 =value\n", b"x path=a\n", b"10 pathabc\n"] {
            assert_eq!(parse_pax(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn pax_times_and_decimals() {
        assert_eq!(parse_pax_time(b"1234.5678"), Some(1234));
        assert_eq!(parse_pax_time(b"-5"), Some(-5));
        assert_eq!(parse_pax_time(b"1.x"), None);
        assert_eq!(parse_decimal(b"+7"), Some(7));
        assert_eq!(parse_decimal(b"99999999999999999999"), None);
    }
}
