//! TEMPORARY minimal layer tarball code; replaced by the `tarball` branch on merge.
use std::io::{Read, Write};

#[derive(Clone, Debug)]
pub struct Limits { pub max_unpacked_bytes: u64, pub max_entries: usize, pub max_path_len: usize, pub max_depth: usize, pub max_compression_ratio: u64 }
impl Default for Limits {
    fn default() -> Self { Limits { max_unpacked_bytes: 512 << 20, max_entries: 200_000, max_path_len: 4096, max_depth: 256, max_compression_ratio: 1000 } }
}
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind { File(Vec<u8>), Dir, Symlink(String), Hardlink(String), CharDev(u32, u32), BlockDev(u32, u32), Fifo }
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry { pub path: String, pub kind: EntryKind, pub mode: u32, pub uid: u32, pub gid: u32, pub mtime: i64, pub size: u64 }
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TarError { Corrupt(String) }
impl std::fmt::Display for TarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { match self { TarError::Corrupt(s) => f.write_str(s) } }
}
pub fn is_gzip(b: &[u8]) -> bool { b.starts_with(&[0x1f, 0x8b]) }
pub fn gunzip(b: &[u8], _l: &Limits) -> Result<Vec<u8>, TarError> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b).read_to_end(&mut out).map_err(|e| TarError::Corrupt(e.to_string()))?;
    Ok(out)
}
pub fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::default());
    let _ = e.write_all(b);
    e.finish().unwrap_or_default()
}
pub fn read_layer(bytes: &[u8], l: &Limits) -> Result<Vec<Entry>, TarError> {
    let raw = if is_gzip(bytes) { gunzip(bytes, l)? } else { bytes.to_vec() };
    let mut a = tar::Archive::new(raw.as_slice());
    let mut v = Vec::new();
    for e in a.entries().map_err(|e| TarError::Corrupt(e.to_string()))? {
        let mut e = e.map_err(|e| TarError::Corrupt(e.to_string()))?;
        let h = e.header().clone();
        let path = e.path().map_err(|e| TarError::Corrupt(e.to_string()))?.to_string_lossy().trim_start_matches("./").trim_start_matches('/').trim_end_matches('/').to_string();
        if path.is_empty() { continue; }
        let link = e.link_name().ok().flatten().map(|p| p.to_string_lossy().to_string()).unwrap_or_default();
        let kind = match h.entry_type() {
            tar::EntryType::Directory => EntryKind::Dir,
            tar::EntryType::Symlink => EntryKind::Symlink(link),
            tar::EntryType::Link => EntryKind::Hardlink(link.trim_start_matches('/').to_string()),
            tar::EntryType::Char => EntryKind::CharDev(h.device_major().ok().flatten().unwrap_or(0), h.device_minor().ok().flatten().unwrap_or(0)),
            tar::EntryType::Block => EntryKind::BlockDev(h.device_major().ok().flatten().unwrap_or(0), h.device_minor().ok().flatten().unwrap_or(0)),
            tar::EntryType::Fifo => EntryKind::Fifo,
            _ => { let mut d = Vec::new(); e.read_to_end(&mut d).map_err(|e| TarError::Corrupt(e.to_string()))?; EntryKind::File(d) }
        };
        let size = if let EntryKind::File(d) = &kind { d.len() as u64 } else { 0 };
        v.push(Entry { path, kind, mode: h.mode().unwrap_or(0) & 0o7777, uid: h.uid().unwrap_or(0) as u32, gid: h.gid().unwrap_or(0) as u32, mtime: h.mtime().unwrap_or(0) as i64, size });
    }
    Ok(v)
}
pub fn write_tar(entries: &[Entry]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mode(e.mode); h.set_uid(e.uid as u64); h.set_gid(e.gid as u64); h.set_mtime(e.mtime.max(0) as u64);
        let (ty, data): (tar::EntryType, &[u8]) = match &e.kind {
            EntryKind::File(d) => (tar::EntryType::Regular, d),
            EntryKind::Dir => (tar::EntryType::Directory, &[]),
            EntryKind::Symlink(t) => { let _ = h.set_link_name(t); (tar::EntryType::Symlink, &[]) }
            EntryKind::Hardlink(t) => { let _ = h.set_link_name(t); (tar::EntryType::Link, &[]) }
            EntryKind::CharDev(a, m) => { let _ = h.set_device_major(*a); let _ = h.set_device_minor(*m); (tar::EntryType::Char, &[]) }
            EntryKind::BlockDev(a, m) => { let _ = h.set_device_major(*a); let _ = h.set_device_minor(*m); (tar::EntryType::Block, &[]) }
            EntryKind::Fifo => (tar::EntryType::Fifo, &[]),
        };
        h.set_entry_type(ty); h.set_size(data.len() as u64);
        let p = if matches!(e.kind, EntryKind::Dir) { format!("{}/", e.path) } else { e.path.clone() };
        let _ = b.append_data(&mut h, p, data);
    }
    b.into_inner().unwrap_or_default()
}
