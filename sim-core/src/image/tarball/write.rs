//! Writing a layer the way dockerd's `archive.Tar` does (Go's `tar.Writer` with
//! `Format = FormatPAX`): a USTAR header when the entry fits one, otherwise a PAX extended
//! header (records sorted by key) before a USTAR block holding what fits.

use crate::sort::SortSlice;
use super::header::{self, Fields, BLOCK};
use super::names;
use super::{Entry, EntryKind};

const S_IFIFO: i64 = 0o010000;
const S_IFCHR: i64 = 0o020000;
const S_IFDIR: i64 = 0o040000;
const S_IFBLK: i64 = 0o060000;
const S_IFREG: i64 = 0o100000;
const S_IFLNK: i64 = 0o120000;

const NAME_LEN: usize = 100;
const PREFIX_LEN: usize = 155;

pub(super) fn write_tar(entries: &[Entry]) -> Vec<u8> {
    let data: usize = entries.iter().map(|e| padded(content(e).len()) + 3 * BLOCK).sum();
    let mut out = Vec::with_capacity(data + 2 * BLOCK);
    for e in entries {
        write_entry(e, &mut out);
    }
    out.resize(out.len() + 2 * BLOCK, 0);
    out
}

fn padded(n: usize) -> usize {
    n.div_ceil(BLOCK) * BLOCK
}

fn content(e: &Entry) -> &[u8] {
    match &e.kind {
        EntryKind::File(data) => data,
        _ => &[],
    }
}

/// The name dockerd's `canonicalTarName` gives: directories end in "/".
fn tar_name(e: &Entry) -> String {
    match (&e.kind, e.path.as_str()) {
        (EntryKind::Dir, ".") => "./".to_string(),
        (EntryKind::Dir, p) => format!("{p}/"),
        (_, p) => p.to_string(),
    }
}

/// Type flag, link name, the S_IFMT bits dockerd adds to the mode, and device numbers.
fn type_fields(kind: &EntryKind) -> (u8, &str, i64, (i64, i64)) {
    match kind {
        EntryKind::File(_) => (b'0', "", S_IFREG, (0, 0)),
        EntryKind::Dir => (b'5', "", S_IFDIR, (0, 0)),
        EntryKind::Symlink(t) => (b'2', t, S_IFLNK, (0, 0)),
        EntryKind::Hardlink(t) => (b'1', t, S_IFREG, (0, 0)),
        EntryKind::CharDev(ma, mi) => (b'3', "", S_IFCHR, (i64::from(*ma), i64::from(*mi))),
        EntryKind::BlockDev(ma, mi) => (b'4', "", S_IFBLK, (i64::from(*ma), i64::from(*mi))),
        EntryKind::Fifo => (b'6', "", S_IFIFO, (0, 0)),
    }
}

/// Go's `splitUSTARPath`: a long ASCII name split at a '/' into prefix and name.
fn split_ustar(s: &str) -> Option<(&str, &str)> {
    if s.len() <= NAME_LEN || !s.is_ascii() {
        return None;
    }
    let mut len = s.len();
    if len > PREFIX_LEN + 1 {
        len = PREFIX_LEN + 1;
    } else if s.as_bytes()[len - 1] == b'/' {
        len -= 1;
    }
    let i = s[..len].rfind('/')?;
    let (nlen, plen) = (s.len() - i - 1, i);
    if i == 0 || nlen > NAME_LEN || nlen == 0 || plen > PREFIX_LEN {
        return None;
    }
    Some((&s[..i], &s[i + 1..]))
}

/// Go's `toASCII`: non-ASCII characters (and NUL) dropped.
fn to_ascii(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii() && *c != '\0').collect()
}

/// The PAX records an entry needs (sorted by key), and whether USTAR can hold it anyway.
fn pax_records(name: &str, link: &str, e: &Entry, size: i64) -> (Vec<(&'static str, Vec<u8>)>, bool) {
    let mut records = Vec::new();
    let mut ustar = true;
    if !name.is_ascii() || name.len() > NAME_LEN {
        ustar &= split_ustar(name).is_some();
        records.push(("path", name.as_bytes().to_vec()));
    }
    if !link.is_ascii() || link.len() > NAME_LEN {
        ustar = false;
        records.push(("linkpath", link.as_bytes().to_vec()));
    }
    for (key, value, len) in
        [("uid", i64::from(e.uid), 8), ("gid", i64::from(e.gid), 8), ("size", size, 12), ("mtime", e.mtime, 12)]
    {
        if !header::fits_octal(len, value) {
            ustar = false;
            records.push((key, value.to_string().into_bytes()));
        }
    }
    records.sort_stable();
    (records, ustar)
}

fn id_name(id: u32) -> &'static [u8] {
    if id == 0 {
        b"root"
    } else {
        b""
    }
}

fn write_entry(e: &Entry, out: &mut Vec<u8>) {
    let name = tar_name(e);
    let (typeflag, link, ifmt, dev) = type_fields(&e.kind);
    let data = content(e);
    let size = data.len() as i64;
    let (records, ustar) = pax_records(&name, link, e, size);
    let mut f = Fields {
        name: name.as_bytes(),
        linkname: link.as_bytes(),
        mode: i64::from(e.mode) & 0o7777 | ifmt,
        uid: i64::from(e.uid),
        gid: i64::from(e.gid),
        size,
        mtime: e.mtime,
        typeflag,
        uname: id_name(e.uid),
        gname: id_name(e.gid),
        dev: Some(dev),
        prefix: b"",
    };
    let (ascii_name, ascii_link);
    if ustar {
        if let Some((prefix, rest)) = split_ustar(&name) {
            f.prefix = prefix.as_bytes();
            f.name = rest.as_bytes();
        }
    } else {
        write_pax_header(&name, &records, out);
        (ascii_name, ascii_link) = (to_ascii(&name), to_ascii(link));
        f.name = ascii_name.as_bytes();
        f.linkname = ascii_link.as_bytes();
        zero_unfit(&mut f);
    }
    out.extend_from_slice(&header::format(&f));
    out.extend_from_slice(data);
    out.resize(out.len() + padded(data.len()) - data.len(), 0);
}

/// Go's PAX main header writes 0 in numeric fields the records carry.
fn zero_unfit(f: &mut Fields) {
    for (value, len) in [(&mut f.uid, 8), (&mut f.gid, 8), (&mut f.size, 12), (&mut f.mtime, 12)] {
        if !header::fits_octal(len, *value) {
            *value = 0;
        }
    }
}

/// Go's `writeRawFile` of the records under "dir/PaxHeaders.0/file".
fn write_pax_header(name: &str, records: &[(&'static str, Vec<u8>)], out: &mut Vec<u8>) {
    let data: Vec<u8> = records.iter().flat_map(|(k, v)| names::format_record(k, v)).collect();
    let header_name = pax_header_name(name);
    let f = Fields {
        name: header_name.as_bytes(),
        linkname: b"",
        mode: 0,
        uid: 0,
        gid: 0,
        size: data.len() as i64,
        mtime: 0,
        typeflag: b'x',
        uname: b"",
        gname: b"",
        dev: None,
        prefix: b"",
    };
    out.extend_from_slice(&header::format(&f));
    out.extend_from_slice(&data);
    out.resize(out.len() + padded(data.len()) - data.len(), 0);
}

/// `path.Join(dir, "PaxHeaders.0", file)`, made ASCII, cut to 100 bytes, trailing '/' trimmed.
fn pax_header_name(name: &str) -> String {
    let (dir, file) = match name.rfind('/') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    };
    let dir = dir.trim_end_matches('/');
    let mut joined = String::new();
    for part in [dir, "PaxHeaders.0", file] {
        if part.is_empty() || part == "." {
            continue;
        }
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str(part);
    }
    let mut ascii = to_ascii(&joined);
    ascii.truncate(NAME_LEN);
    ascii.trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ustar_split_as_go() {
        let long = format!("{}/{}", "a".repeat(60), "b".repeat(60));
        assert_eq!(split_ustar(&long), Some((&long[..60], &long[61..])));
        assert_eq!(split_ustar("short"), None);
        assert_eq!(split_ustar(&format!("p/{}", "q".repeat(200))), None);
    }

    #[test]
    fn pax_header_names_as_go() {
        assert_eq!(pax_header_name(&format!("p/{}", "q".repeat(200))), format!("p/PaxHeaders.0/{}", "q".repeat(85)));
        assert_eq!(pax_header_name("file"), "PaxHeaders.0/file");
        assert_eq!(pax_header_name("a/b/"), "a/b/PaxHeaders.0");
    }
}
