//! Reads a layer tarball (tar, optionally gzip) into entries. Shaped like
//! `sim_core::image::tarball::{read_layer, Entry, EntryKind, Limits}` so that switching the
//! layer store to the shared reader is a change of this one file. Paths are returned as the
//! archive spells them (leading `/` and `./` removed); whether a path is safe to write is the
//! extractor's decision, not this reader's.

use std::io::Read;

#[derive(Clone, Debug)]
pub struct Limits {
    pub max_unpacked_bytes: u64,
    pub max_entries: usize,
    pub max_path_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_unpacked_bytes: 4 << 30, max_entries: 1_000_000, max_path_len: 4096 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File(Vec<u8>),
    Dir,
    Symlink(String),
    Hardlink(String),
    CharDev(u32, u32),
    BlockDev(u32, u32),
    Fifo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub kind: EntryKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
    /// Extended attributes from PAX `SCHILY.xattr.*` records (e.g. `security.capability`).
    pub xattrs: Vec<(String, Vec<u8>)>,
}

#[derive(Debug)]
pub enum TarError {
    Corrupt(String),
    TooLarge(String),
}

impl std::fmt::Display for TarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TarError::Corrupt(s) => write!(f, "corrupt layer tarball: {s}"),
            TarError::TooLarge(s) => write!(f, "layer tarball over a limit: {s}"),
        }
    }
}

impl std::error::Error for TarError {}

fn corrupt(e: impl std::fmt::Display) -> TarError {
    TarError::Corrupt(e.to_string())
}

pub fn read_layer(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, TarError> {
    let reader: Box<dyn Read + '_> =
        if bytes.starts_with(&[0x1f, 0x8b]) { Box::new(flate2::read::GzDecoder::new(bytes)) } else { Box::new(bytes) };
    let mut archive = tar::Archive::new(reader);
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for e in archive.entries().map_err(corrupt)? {
        let mut e = e.map_err(corrupt)?;
        if out.len() >= limits.max_entries {
            return Err(TarError::TooLarge(format!("more than {} entries", limits.max_entries)));
        }
        let raw_path = e.path_bytes().into_owned();
        if raw_path.len() > limits.max_path_len {
            return Err(TarError::TooLarge(format!("a path longer than {} bytes", limits.max_path_len)));
        }
        let p = String::from_utf8_lossy(&raw_path).into_owned();
        let mut path = p.as_str();
        loop {
            if let Some(r) = path.strip_prefix("./") {
                path = r;
            } else if let Some(r) = path.strip_prefix('/') {
                path = r;
            } else {
                break;
            }
        }
        let path = path.trim_end_matches('/').to_string();
        if path.is_empty() || path == "." {
            continue;
        }
        let mut xattrs = Vec::new();
        if let Some(ext) = e.pax_extensions().map_err(corrupt)? {
            for x in ext {
                let x = x.map_err(corrupt)?;
                if let Ok(k) = x.key() {
                    if let Some(name) = k.strip_prefix("SCHILY.xattr.") {
                        xattrs.push((name.to_string(), x.value_bytes().to_vec()));
                    }
                }
            }
        }
        let h = e.header().clone();
        let link = e.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned()).unwrap_or_default();
        let dev = |v: std::io::Result<Option<u32>>| v.ok().flatten().unwrap_or(0);
        let kind = match h.entry_type() {
            tar::EntryType::Directory => EntryKind::Dir,
            tar::EntryType::Symlink => EntryKind::Symlink(link),
            tar::EntryType::Link => EntryKind::Hardlink(link),
            tar::EntryType::Char => EntryKind::CharDev(dev(h.device_major()), dev(h.device_minor())),
            tar::EntryType::Block => EntryKind::BlockDev(dev(h.device_major()), dev(h.device_minor())),
            tar::EntryType::Fifo => EntryKind::Fifo,
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                let size = e.size();
                total = total.saturating_add(size);
                if total > limits.max_unpacked_bytes {
                    return Err(TarError::TooLarge(format!("more than {} bytes unpacked", limits.max_unpacked_bytes)));
                }
                let mut d = Vec::with_capacity(usize::try_from(size.min(1 << 24)).unwrap_or(0));
                e.read_to_end(&mut d).map_err(corrupt)?;
                EntryKind::File(d)
            }
            // PAX/GNU long-name records are consumed by the tar crate; anything else is skipped.
            _ => continue,
        };
        out.push(Entry {
            path,
            kind,
            mode: h.mode().unwrap_or(0o644) & 0o7777,
            uid: h.uid().unwrap_or(0) as u32,
            gid: h.gid().unwrap_or(0) as u32,
            mtime: h.mtime().unwrap_or(0) as i64,
            xattrs,
        });
    }
    Ok(out)
}
