//! Reading a layer: Go's `tar.Reader.Next` (headers, PAX, GNU long names) over a byte
//! stream, then what dockerd 20.10's `archive.Unpack` does with each header inside its
//! chroot, as far as it can be decided from the layer alone.

use std::collections::BTreeMap;

use super::header::{self, Block, Format, Header, BLOCK};
use super::names::{self, Records};
use super::{Entry, EntryKind, Errno, Limits, TarError};

/// A byte stream the tar reader pulls from.
pub(super) trait Stream {
    /// The bytes available now; empty only at the end of the stream.
    fn fill(&mut self) -> Result<&[u8], TarError>;
    /// Marks `n` bytes of the last `fill` as read.
    fn consume(&mut self, n: usize);
    /// At most how many bytes are left (to size buffers without trusting headers).
    fn remaining_hint(&self) -> u64;
}

/// An uncompressed tar in memory.
pub(super) struct SliceStream<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> SliceStream<'a> {
    pub(super) fn new(data: &'a [u8]) -> SliceStream<'a> {
        SliceStream { data, pos: 0 }
    }
}

impl Stream for SliceStream<'_> {
    fn fill(&mut self) -> Result<&[u8], TarError> {
        Ok(&self.data[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.data.len());
    }

    fn remaining_hint(&self) -> u64 {
        (self.data.len() - self.pos) as u64
    }
}

/// Go's `maxSpecialFileSize`: the most a PAX header or GNU long name may hold.
const MAX_SPECIAL: u64 = 1 << 20;
/// Buffers for file data grow from at most this much, whatever the header claims.
const MAX_PREALLOC: u64 = 8 << 20;
/// Linux's S_IFMT bits are not part of an entry's mode.
const PERM_BITS: i64 = 0o7777;

/// Reads every entry of an uncompressed tar stream.
pub(super) fn read_entries<S: Stream>(stream: &mut S, limits: &Limits) -> Result<Vec<Entry>, TarError> {
    let mut r = Reader { stream, pending: 0, pad: 0 };
    let mut unpack = Unpack { limits, entries: Vec::new(), tree: Tree::default() };
    while let Some(h) = r.next()? {
        unpack.entry(h, &mut r)?;
    }
    Ok(unpack.entries)
}

/// Go's `tar.Reader`: where the stream is between entries.
struct Reader<'s, S: Stream> {
    stream: &'s mut S,
    /// Data bytes of the current entry not read yet.
    pending: u64,
    /// Padding after them, up to the next block.
    pad: u64,
}

impl<S: Stream> Reader<'_, S> {
    /// Go's `Reader.next`: the next header a caller sees, with PAX and GNU extensions applied.
    fn next(&mut self) -> Result<Option<Header>, TarError> {
        let mut pax: Option<Records> = None;
        let (mut long_name, mut long_link) = (Vec::new(), Vec::new());
        loop {
            if !self.skip_to_next_block()? {
                return Ok(None);
            }
            let Some(block) = self.read_header_block()? else { return Ok(None) };
            let mut h = header::parse(&block)?;
            self.start_data(&h)?;
            match h.typeflag {
                b'x' | b'g' => {
                    let records = names::parse_pax(&self.read_special()?).ok_or(TarError::InvalidHeader)?;
                    if h.typeflag == b'g' {
                        return Ok(Some(h)); // dockerd ignores global headers
                    }
                    pax = Some(records);
                }
                b'L' => long_name = header::cut_nul(&self.read_special()?).to_vec(),
                b'K' => long_link = header::cut_nul(&self.read_special()?).to_vec(),
                _ => {
                    if let Some(records) = &pax {
                        merge_pax(&mut h, records)?;
                    }
                    if !long_name.is_empty() {
                        h.name = std::mem::take(&mut long_name);
                    }
                    if !long_link.is_empty() {
                        h.linkname = std::mem::take(&mut long_link);
                    }
                    if h.typeflag == 0 {
                        h.typeflag = if h.name.ends_with(b"/") { b'5' } else { b'0' };
                    }
                    self.start_data(&h)?;
                    check_sparse(&h, pax.as_ref())?;
                    return Ok(Some(h));
                }
            }
        }
    }

    /// Go's `handleRegularFile`: how many data bytes follow the header.
    fn start_data(&mut self, h: &Header) -> Result<(), TarError> {
        let size = if header_only(h.typeflag) { 0 } else { h.size };
        let size = u64::try_from(size).map_err(|_| TarError::InvalidHeader)?;
        self.pending = size;
        self.pad = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
        Ok(())
    }

    /// Discards what is left of the current entry; `false` when the padding runs into the end
    /// of the stream (Go's `tryReadFull` then reports a clean end).
    fn skip_to_next_block(&mut self) -> Result<bool, TarError> {
        let pending = std::mem::take(&mut self.pending);
        if self.skip(pending)? < pending {
            return Err(TarError::UnexpectedEof);
        }
        let pad = std::mem::take(&mut self.pad);
        Ok(self.skip(pad)? == pad)
    }

    /// Go's `readHeader`: `None` at a clean end (EOF on a block boundary, or two zero blocks).
    fn read_header_block(&mut self) -> Result<Option<Block>, TarError> {
        let Some(block) = self.read_block()? else { return Ok(None) };
        if block.iter().any(|&c| c != 0) {
            return Ok(Some(block));
        }
        match self.read_block()? {
            Some(second) if second.iter().any(|&c| c != 0) => Err(TarError::InvalidHeader),
            _ => Ok(None),
        }
    }

    /// One block; `None` if the stream ends right here, UnexpectedEof if it ends inside.
    fn read_block(&mut self) -> Result<Option<Block>, TarError> {
        let mut block = [0u8; BLOCK];
        let mut got = 0;
        while got < BLOCK {
            let avail = self.stream.fill()?;
            if avail.is_empty() {
                return if got == 0 { Ok(None) } else { Err(TarError::UnexpectedEof) };
            }
            let n = avail.len().min(BLOCK - got);
            block[got..got + n].copy_from_slice(&avail[..n]);
            self.stream.consume(n);
            got += n;
        }
        Ok(Some(block))
    }

    /// Go's `readSpecialFile`: up to 1 MiB of a PAX header or GNU long name.
    fn read_special(&mut self) -> Result<Vec<u8>, TarError> {
        let want = self.pending.min(MAX_SPECIAL + 1);
        let data = self.read_data_exact(want)?;
        if data.len() as u64 > MAX_SPECIAL {
            return Err(TarError::FieldTooLong);
        }
        Ok(data)
    }

    /// All the data of the current entry.
    fn read_data(&mut self) -> Result<Vec<u8>, TarError> {
        self.read_data_exact(self.pending)
    }

    fn read_data_exact(&mut self, want: u64) -> Result<Vec<u8>, TarError> {
        let prealloc = want.min(self.stream.remaining_hint()).min(MAX_PREALLOC);
        let mut out = Vec::with_capacity(prealloc as usize);
        let mut left = want;
        while left > 0 {
            let avail = self.stream.fill()?;
            if avail.is_empty() {
                return Err(TarError::UnexpectedEof);
            }
            let n = avail.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            out.extend_from_slice(&avail[..n]);
            self.stream.consume(n);
            left -= n as u64;
        }
        self.pending -= want;
        Ok(out)
    }

    /// Skips up to `n` bytes; returns how many there were.
    fn skip(&mut self, n: u64) -> Result<u64, TarError> {
        let mut left = n;
        while left > 0 {
            let avail = self.stream.fill()?.len();
            if avail == 0 {
                break;
            }
            let k = avail.min(usize::try_from(left).unwrap_or(usize::MAX));
            self.stream.consume(k);
            left -= k as u64;
        }
        Ok(n - left)
    }
}

/// Go's `isHeaderOnlyType`: these never carry data, whatever their size field says.
fn header_only(typeflag: u8) -> bool {
    matches!(typeflag, b'1' | b'2' | b'3' | b'4' | b'5' | b'6')
}

/// Go's `mergePAX`: the records override the header's fields.
fn merge_pax(h: &mut Header, records: &Records) -> Result<(), TarError> {
    for (key, value) in records {
        if value.is_empty() {
            continue;
        }
        let number = || names::parse_decimal(value).ok_or(TarError::InvalidHeader);
        let time = || names::parse_pax_time(value).ok_or(TarError::InvalidHeader);
        match key.as_slice() {
            b"path" => h.name = value.clone(),
            b"linkpath" => h.linkname = value.clone(),
            b"uid" => h.uid = number()?,
            b"gid" => h.gid = number()?,
            b"size" => h.size = number()?,
            b"mtime" => h.mtime = time()?,
            b"atime" | b"ctime" => {
                time()?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Go's `handleSparseFile`: old GNU sparse files need the GNU format; dockerd then refuses
/// type 'S' anyway, and the playground does not expand PAX sparse files.
fn check_sparse(h: &Header, pax: Option<&Records>) -> Result<(), TarError> {
    if h.typeflag == b'S' && h.format != Format::Gnu {
        return Err(TarError::InvalidHeader);
    }
    let sparse_key = |(k, _): &(Vec<u8>, Vec<u8>)| k.starts_with(b"GNU.sparse.");
    if h.typeflag != b'S' && pax.is_some_and(|records| records.iter().any(sparse_key)) {
        return Err(TarError::SparseFile);
    }
    Ok(())
}

/// What dockerd's unpacker does with each header.
struct Unpack<'l> {
    limits: &'l Limits,
    entries: Vec<Entry>,
    tree: Tree,
}

impl Unpack<'_> {
    fn entry<S: Stream>(&mut self, h: Header, r: &mut Reader<'_, S>) -> Result<(), TarError> {
        if h.typeflag == b'g' {
            return Ok(());
        }
        let name = String::from_utf8_lossy(&h.name);
        let cleaned = names::clean(&name);
        if cleaned.is_dot {
            return Ok(()); // dockerd: `if fi.IsDir() && hdr.Name == "." { continue }`
        }
        let path = cleaned.path;
        if path == "." && h.typeflag != b'5' {
            // dockerd's os.RemoveAll("/") of the chroot, before replacing it with a non-directory.
            return Err(TarError::Sys { call: "unlinkat .//".into(), errno: Errno::EBUSY });
        }
        if self.entries.len() >= self.limits.max_entries {
            return Err(TarError::TooManyEntries { limit: self.limits.max_entries });
        }
        let kind = self.kind(&h, &path, r)?;
        if names::depth(&path) > self.limits.max_depth {
            return Err(TarError::TooDeep { path: names::absolute(&path), limit: self.limits.max_depth });
        }
        let size = match &kind {
            EntryKind::File(data) => data.len() as u64,
            _ => 0,
        };
        let (uid, gid) = owner(&h, &path)?;
        self.tree.record(&path, &kind);
        self.entries.push(Entry { path, kind, mode: (h.mode & PERM_BITS) as u32, uid, gid, mtime: h.mtime, size });
        Ok(())
    }

    /// dockerd's `createTarFile`, switch on the type: the syscall each type makes, and its errors.
    fn kind<S: Stream>(&self, h: &Header, path: &str, r: &mut Reader<'_, S>) -> Result<EntryKind, TarError> {
        let abs = names::absolute(path);
        let long = |abs: &str| names::too_long(abs, self.limits.max_path_len);
        let sys = |call: String, errno| TarError::Sys { call, errno };
        Ok(match h.typeflag {
            b'5' => {
                if long(&abs) {
                    return Err(sys(format!("mkdir {abs}"), Errno::ENAMETOOLONG));
                }
                EntryKind::Dir
            }
            b'0' => {
                if long(&abs) {
                    return Err(sys(format!("open {abs}"), Errno::ENAMETOOLONG));
                }
                EntryKind::File(r.read_data()?)
            }
            b'2' => {
                let target = String::from_utf8_lossy(&h.linkname).into_owned();
                let errno = match () {
                    _ if target.is_empty() => Some(Errno::ENOENT),
                    _ if target.len() >= self.limits.max_path_len || long(&abs) => Some(Errno::ENAMETOOLONG),
                    _ => None,
                };
                if let Some(errno) = errno {
                    return Err(sys(format!("symlink {target} {abs}"), errno));
                }
                EntryKind::Symlink(target)
            }
            b'1' => {
                let target = names::clean(&format!("/{}", String::from_utf8_lossy(&h.linkname))).path;
                let target_abs = names::absolute(&target);
                // dockerd removes whatever is at `path` before linking: a target there is gone.
                let removed = target == path || target.strip_prefix(path).is_some_and(|rest| rest.starts_with('/'));
                let errno = match () {
                    _ if long(&target_abs) => Some(Errno::ENAMETOOLONG),
                    _ if removed => Some(Errno::ENOENT),
                    _ => match self.tree.lookup(&target) {
                        Err(errno) => Some(errno),
                        Ok(_) if long(&abs) => Some(Errno::ENAMETOOLONG),
                        Ok(is_dir) => is_dir.then_some(Errno::EPERM),
                    },
                };
                if let Some(errno) = errno {
                    return Err(sys(format!("link {target_abs} {abs}"), errno));
                }
                EntryKind::Hardlink(target)
            }
            b'3' | b'4' | b'6' => {
                if long(&abs) {
                    return Err(sys(String::new(), Errno::ENAMETOOLONG)); // mknod's bare errno
                }
                let dev = |n: i64| u32::try_from(n).unwrap_or(0);
                match h.typeflag {
                    b'3' => EntryKind::CharDev(dev(h.devmajor), dev(h.devminor)),
                    b'4' => EntryKind::BlockDev(dev(h.devmajor), dev(h.devminor)),
                    _ => EntryKind::Fifo,
                }
            }
            other => return Err(TarError::UnhandledType(other)),
        })
    }
}

/// The owner dockerd's `os.Lchown` would set; ids outside the kernel's range are EINVAL.
fn owner(h: &Header, path: &str) -> Result<(u32, u32), TarError> {
    match (u32::try_from(h.uid), u32::try_from(h.gid)) {
        (Ok(uid), Ok(gid)) => Ok((uid, gid)),
        _ => Err(TarError::Sys { call: format!("lchown {}", names::absolute(path)), errno: Errno::EINVAL }),
    }
}

/// What the layer directory holds so far, by cleaned path, to answer `link(2)` the way the
/// kernel would inside dockerd's chroot. Paths written through a symlink are not followed
/// (that is the layer applier's business): a link whose target goes through one is accepted.
#[derive(Default)]
struct Tree {
    nodes: BTreeMap<String, Node>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Node {
    Dir,
    NonDir,
    Symlink,
}

impl Tree {
    fn record(&mut self, path: &str, kind: &EntryKind) {
        if path == "." || !self.make_parents(path) {
            return;
        }
        let node = match kind {
            EntryKind::Dir => Node::Dir,
            EntryKind::Symlink(_) => Node::Symlink,
            _ => Node::NonDir,
        };
        let replaced = self.nodes.insert(path.to_string(), node);
        if replaced.is_some_and(|old| !(old == Node::Dir && node == Node::Dir)) {
            self.remove_below(path); // dockerd's os.RemoveAll before replacing
        }
    }

    /// dockerd's MkdirAll of the parent; `false` if a parent is not a directory.
    fn make_parents(&mut self, path: &str) -> bool {
        for (i, _) in path.match_indices('/') {
            match self.nodes.get(&path[..i]) {
                Some(Node::Dir) => {}
                Some(_) => return false,
                None => {
                    self.nodes.insert(path[..i].to_string(), Node::Dir);
                }
            }
        }
        true
    }

    fn remove_below(&mut self, path: &str) {
        let (from, to) = (format!("{path}/"), format!("{path}0")); // '0' follows '/'
        let doomed: Vec<String> = self.nodes.range(from..to).map(|(k, _)| k.clone()).collect();
        for k in doomed {
            self.nodes.remove(&k);
        }
    }

    /// Whether `target` exists (and is a directory), as `link(2)` looks it up.
    fn lookup(&self, target: &str) -> Result<bool, Errno> {
        if target == "." {
            return Ok(true);
        }
        for (i, _) in target.match_indices('/') {
            match self.nodes.get(&target[..i]) {
                Some(Node::Dir) => {}
                Some(Node::Symlink) => return Ok(false),
                Some(Node::NonDir) => return Err(Errno::ENOTDIR),
                None => return Err(Errno::ENOENT),
            }
        }
        match self.nodes.get(target) {
            Some(node) => Ok(*node == Node::Dir),
            None => Err(Errno::ENOENT),
        }
    }
}
