//! The `.tree` format: a rootfs tarball written as text, one entry per line in tar order, so
//! image recipes can state a layer's files without carrying binaries (see
//! `scripts/gen-image-tree.py` and `assets/images/README.md`).
//!
//! ```text
//! d 0755 0 0 1701345309 etc
//! f 0644 0 0 1701345154 etc/alpine-release text=3.15.11\n
//! f 0755 0 0 1658261484 bin/busybox size=824984
//! l 0777 0 0 1701345309 bin/ls -> /bin/busybox
//! h 0755 0 0 1658261484 bin/sh => bin/busybox
//! c 0666 0 0 1658261484 dev/null 1,3
//! ```
//! Names and texts escape `\\`, newline `\n`, tab `\t` and space `\s`. A file given by `size=`
//! is hollow: that many zero bytes; `file=NAME` takes the content of the recipe's file NAME.

use super::tarball::{Entry, EntryKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeError {
    pub line: usize,
    pub problem: String,
}

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

/// Largest hollow file a tree may ask for.
const MAX_HOLLOW: u64 = 64 << 20;

pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('s') => out.push(' '),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

pub fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\n', "\\n").replace('\t', "\\t").replace(' ', "\\s")
}

/// Parses a `.tree` text into tar entries.
pub fn parse(text: &str) -> Result<Vec<Entry>, TreeError> {
    parse_with(text, &|_| None)
}

/// Parses a `.tree` whose `file=NAME` entries take their content from the recipe's files.
pub fn parse_with(text: &str, files: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Entry>, TreeError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        out.push(parse_line(line, files).map_err(|problem| TreeError { line: i + 1, problem })?);
    }
    Ok(out)
}

fn parse_line(line: &str, files: &dyn Fn(&str) -> Option<String>) -> Result<Entry, String> {
    let f: Vec<&str> = line.split(' ').collect();
    if f.len() < 6 {
        return Err(format!("expected `TYPE MODE UID GID MTIME PATH ...`, got {line:?}"));
    }
    let num = |s: &str, what: &str| s.parse::<u64>().map_err(|_| format!("bad {what} {s:?}"));
    let mode = u32::from_str_radix(f[1], 8).map_err(|_| format!("bad mode {:?}", f[1]))?;
    let uid = num(f[2], "uid")? as u32;
    let gid = num(f[3], "gid")? as u32;
    let mtime = f[4].parse::<i64>().map_err(|_| format!("bad mtime {:?}", f[4]))?;
    let path = unescape(f[5]);
    let rest = &f[6..];
    let kind = match (f[0], rest) {
        ("d", []) => EntryKind::Dir,
        ("l", ["->", target]) => EntryKind::Symlink(unescape(target)),
        ("h", ["=>", target]) => EntryKind::Hardlink(unescape(target)),
        ("c" | "b", [dev]) => {
            let (a, b) = dev.split_once(',').ok_or_else(|| format!("bad device {dev:?}"))?;
            let (a, b) = (num(a, "major")? as u32, num(b, "minor")? as u32);
            if f[0] == "c" { EntryKind::CharDev(a, b) } else { EntryKind::BlockDev(a, b) }
        }
        ("p", []) => EntryKind::Fifo,
        ("f", [spec]) => {
            if let Some(t) = spec.strip_prefix("text=") {
                EntryKind::File(unescape(t).into_bytes())
            } else if let Some(name) = spec.strip_prefix("file=") {
                let name = unescape(name);
                EntryKind::File(files(&name).ok_or_else(|| format!("no file {name:?} beside the tree"))?.into_bytes())
            } else if let Some(n) = spec.strip_prefix("size=") {
                let n = num(n, "size")?;
                if n > MAX_HOLLOW {
                    return Err(format!("size {n} is over {MAX_HOLLOW}"));
                }
                EntryKind::File(vec![0; n as usize])
            } else {
                return Err(format!("expected text=, file= or size=, got {spec:?}"));
            }
        }
        (t, _) => return Err(format!("bad entry of type {t:?}: {line:?}")),
    };
    let size = if let EntryKind::File(d) = &kind { d.len() as u64 } else { 0 };
    Ok(Entry { path, kind, mode, uid, gid, mtime, size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind() {
        let t = "# c\nd 0755 0 0 5 etc\nf 0644 0 0 5 etc/a\\sb text=x\\ny\nf 0755 0 0 5 bin/bb size=3\n\
                 l 0777 0 0 5 bin/ls -> /bin/bb\nh 0755 0 0 5 bin/sh => bin/bb\nc 0666 0 0 5 dev/null 1,3\n";
        let e = parse(t).expect("parses");
        assert_eq!(e.len(), 6);
        assert_eq!(e[1].path, "etc/a b");
        assert_eq!(e[1].kind, EntryKind::File(b"x\ny".to_vec()));
        assert_eq!(e[2].kind, EntryKind::File(vec![0, 0, 0]));
        assert_eq!(e[3].kind, EntryKind::Symlink("/bin/bb".into()));
        assert_eq!(e[5].kind, EntryKind::CharDev(1, 3));
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("d 0755 0 0 5 etc\nx 0755 0 0 5 a\n").expect_err("bad type");
        assert_eq!(err.line, 2);
        assert!(parse("f 0644 0 0 5 a size=99999999999").is_err());
        assert!(parse("f 0999 0 0 5 a size=1").is_err());
        assert_eq!(unescape(&escape("a b\\c\n\t")), "a b\\c\n\t");
    }
}
