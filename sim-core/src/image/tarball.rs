//! Image layer tarballs: read them as dockerd 20.10 does, write them deterministically.
//!
//! Reading follows Go's `archive/tar` (headers, checksums, PAX and GNU extensions, the same
//! errors) and then what dockerd's unpacker (`archive.Unpack` run in a chroot of the layer
//! directory by `docker-untar`) does with each header: names are cleaned and joined under the
//! chroot's "/", so a leading "/" is dropped and ".." stops at the root (real dockerd accepts
//! `../evil` and writes `/evil` in the layer); a hard link must name something already in the
//! layer; the kernel's ENAMETOOLONG is reproduced. Whiteouts (`.wh.x`, `.wh..wh..opq`) stay
//! ordinary entries, and writes through symlinks are left to the layer applier.
//!
//! On top, the playground's own [`Limits`] bound what a hostile layer can cost: the inflated
//! size, the compression ratio (checked while inflating, so a bomb never fills memory), the
//! number of entries and the depth of paths.
//!
//! Errors display the words dockerd's unpacker prints; [`TarError::import_error`] gives the
//! whole daemon message the way `docker import` reports it. The corpus of hostile layers in
//! `tests/images/hostile/` records, for each, what real dockerd printed.

mod gz;
mod header;
mod names;
mod read;
mod write;

use std::fmt;

pub use crate::kernel::Errno;
pub use gz::RATIO_GRACE_BYTES;

/// The playground's bounds on one layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes the tar stream may have once inflated (plain tars: their length).
    pub max_unpacked_bytes: u64,
    /// Most entries a layer may hold.
    pub max_entries: usize,
    /// Linux's PATH_MAX: an absolute path (with its NUL) this long or longer is ENAMETOOLONG.
    pub max_path_len: usize,
    /// Most components a path may have (the kernel has no such limit; the playground does).
    pub max_depth: usize,
    /// Most a gzip stream may inflate per compressed byte, once past [`RATIO_GRACE_BYTES`].
    pub max_compression_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_unpacked_bytes: 512 << 20,
            max_entries: 200_000,
            max_path_len: 4096,
            max_depth: 256,
            max_compression_ratio: 100,
        }
    }
}

/// What an entry is. Hard link targets are cleaned paths of earlier entries of the layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File(Vec<u8>),
    Dir,
    /// The target exactly as the archive has it (never cleaned: it is the link's content).
    Symlink(String),
    /// Cleaned like a path ("/etc/x" and "../../etc/x" are both "etc/x").
    Hardlink(String),
    CharDev(u32, u32),
    BlockDev(u32, u32),
    Fifo,
}

/// One entry of a layer, as dockerd would create it inside the layer directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Cleaned and relative: no leading "./" or "/", no "." or "..", no trailing "/".
    /// "." is the layer root itself (a directory entry named "/" or ".." sets its metadata).
    pub path: String,
    pub kind: EntryKind,
    /// Permission bits only (07777).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Seconds since the epoch.
    pub mtime: i64,
    /// Bytes of content: the file's length, 0 for every other kind.
    pub size: u64,
}

/// Why a gzip stream could not be inflated, in Go's `compress/gzip` words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GzipFault {
    /// `gzip: invalid header`
    InvalidHeader,
    /// `gzip: invalid checksum` (CRC-32 or size in a member's trailer)
    Checksum,
    /// `flate: corrupt input before offset N` (N: compressed bytes of the member read;
    /// approximates Go's count, which depends on its decoder's read-ahead)
    Corrupt(u64),
    /// `unexpected EOF`
    UnexpectedEof,
    /// `EOF` (the first member's header ends inside its file name or comment)
    Eof,
}

/// Why a layer cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TarError {
    /// `archive/tar: invalid tar header` (Go's `tar.ErrHeader`)
    InvalidHeader,
    /// `unexpected EOF`: the tar stream ends inside a header or an entry's data.
    UnexpectedEof,
    /// `archive/tar: header field too long` (a PAX header or GNU long name over 1 MiB)
    FieldTooLong,
    /// `unhandled tar header type 90`: a type flag dockerd's `createTarFile` has no case for.
    UnhandledType(u8),
    /// A system call of the unpacker fails: `open /x: file name too long`,
    /// `link /a /b: no such file or directory`, ... (`call` empty: the bare errno, as mknod).
    Sys { call: String, errno: Errno },
    /// The gzip stream is broken. `opening`: in the first header, before any data flowed.
    Gzip { fault: GzipFault, opening: bool },
    /// `Unsupported compression format tar.bz2`: bzip2 and xz layers, which dockerd reads and
    /// the playground does not.
    UnsupportedCompression(&'static str),
    /// A PAX (GNU.sparse.*) sparse file, which dockerd expands and the playground does not.
    SparseFile,
    /// The playground's [`Limits::max_unpacked_bytes`].
    TooLarge { limit: u64 },
    /// The playground's [`Limits::max_compression_ratio`].
    CompressionRatio { limit: u64 },
    /// The playground's [`Limits::max_entries`].
    TooManyEntries { limit: usize },
    /// The playground's [`Limits::max_depth`]; `path` is absolute.
    TooDeep { path: String, limit: usize },
}

impl fmt::Display for GzipFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GzipFault::InvalidHeader => f.write_str("gzip: invalid header"),
            GzipFault::Checksum => f.write_str("gzip: invalid checksum"),
            GzipFault::Corrupt(offset) => write!(f, "flate: corrupt input before offset {offset}"),
            GzipFault::UnexpectedEof => f.write_str("unexpected EOF"),
            GzipFault::Eof => f.write_str("EOF"),
        }
    }
}

/// Go prints errnos in lower case ("file name too long"), glibc capitalized.
fn go_errno(errno: Errno) -> String {
    let message = errno.message();
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl fmt::Display for TarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TarError::InvalidHeader => f.write_str("archive/tar: invalid tar header"),
            TarError::UnexpectedEof => f.write_str("unexpected EOF"),
            TarError::FieldTooLong => f.write_str("archive/tar: header field too long"),
            TarError::UnhandledType(t) => write!(f, "unhandled tar header type {t}"),
            TarError::Sys { call, errno } if call.is_empty() => f.write_str(&go_errno(*errno)),
            TarError::Sys { call, errno } => write!(f, "{call}: {}", go_errno(*errno)),
            TarError::Gzip { fault, .. } => fault.fmt(f),
            TarError::UnsupportedCompression(ext) => write!(f, "Unsupported compression format {ext}"),
            TarError::SparseFile => f.write_str("sparse files are not supported in the playground"),
            TarError::TooLarge { limit } => write!(f, "layer is larger than {limit} bytes unpacked"),
            TarError::CompressionRatio { limit } => {
                write!(f, "layer inflates more than {limit} times its compressed size")
            }
            TarError::TooManyEntries { limit } => write!(f, "layer has more than {limit} entries"),
            TarError::TooDeep { path, limit } => write!(f, "{path}: more than {limit} levels of directories"),
        }
    }
}

impl std::error::Error for TarError {}

impl TarError {
    /// The daemon's error as `docker import` (and layer registration) reports it, without the
    /// CLI's "Error response from daemon: ". Errors of the unpacker child carry its exit
    /// status; a gzip stream failing while the child still succeeds carries the gzip error;
    /// a first gzip header that cannot be read is returned bare, before any unpacking.
    pub fn import_error(&self) -> String {
        match self {
            TarError::Gzip { fault, opening: true } => fault.to_string(),
            TarError::UnsupportedCompression(_) => self.to_string(),
            TarError::Gzip { fault, opening: false } => format!("Error processing tar file({fault}): "),
            other => format!("Error processing tar file(exit status 1): {other}"),
        }
    }
}

/// Whether `bytes` start like a gzip stream (the magic dockerd's `DetectCompression` tests).
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&gz::MAGIC)
}

/// Compressions dockerd 20.10 detects besides gzip, with the extension its messages use.
fn other_compression(bytes: &[u8]) -> Option<&'static str> {
    const XZ: [u8; 6] = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    match () {
        _ if bytes.starts_with(b"BZh") => Some("tar.bz2"),
        _ if bytes.starts_with(&XZ) => Some("tar.xz"),
        _ => None,
    }
}

/// Gunzips when the gzip magic is there (inflating window by window, bounded by `limits`),
/// then reads every entry. Never panics, whatever the bytes.
pub fn read_layer(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, TarError> {
    if let Some(ext) = other_compression(bytes) {
        return Err(TarError::UnsupportedCompression(ext));
    }
    if !is_gzip(bytes) {
        if bytes.len() as u64 > limits.max_unpacked_bytes {
            return Err(TarError::TooLarge { limit: limits.max_unpacked_bytes });
        }
        return read::read_entries(&mut read::SliceStream::new(bytes), limits);
    }
    let mut stream = gz::GzStream::open(bytes, limits)?;
    let entries = read::read_entries(&mut stream, limits)?;
    // dockerd keeps copying the stream to the unpacker after the tar's end: a bad trailer or
    // a broken member after it still fails the import.
    stream.drain()?;
    match stream.fault() {
        Some(fault) => Err(TarError::Gzip { fault, opening: false }),
        None => Ok(entries),
    }
}

/// A tar of `entries` in the order given, with the headers dockerd writes (USTAR, PAX when a
/// name or number does not fit; file-type bits in the mode; "root" as the name of id 0; two
/// zero blocks at the end). The same entries always give the same bytes.
pub fn write_tar(entries: &[Entry]) -> Vec<u8> {
    write::write_tar(entries)
}

/// gzip with a fixed header (mtime 0, no name, OS 255, as Go writes it) and a fixed level:
/// the same bytes, and so the same digest, on every build and target.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    gz::gzip(bytes)
}

/// Inflates every member of a gzip stream, bounded by `limits` like [`read_layer`].
pub fn gunzip(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, TarError> {
    gz::gunzip(bytes, limits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, data: &[u8]) -> Entry {
        Entry {
            path: path.into(),
            kind: EntryKind::File(data.to_vec()),
            mode: 0o644,
            uid: 0,
            gid: 0,
            mtime: 1_600_000_000,
            size: data.len() as u64,
        }
    }

    fn other(path: &str, kind: EntryKind, mode: u32) -> Entry {
        Entry { path: path.into(), kind, mode, uid: 1000, gid: 1000, mtime: 1_600_000_001, size: 0 }
    }

    fn sample() -> Vec<Entry> {
        vec![
            other("etc", EntryKind::Dir, 0o755),
            file("etc/hostname", b"playground\n"),
            other("etc/localtime", EntryKind::Symlink("/usr/share/zoneinfo/UTC".into()), 0o777),
            other("etc/hostname.bak", EntryKind::Hardlink("etc/hostname".into()), 0o644),
            other("dev", EntryKind::Dir, 0o755),
            other("dev/null", EntryKind::CharDev(1, 3), 0o666),
            other("dev/sda", EntryKind::BlockDev(8, 0), 0o660),
            other("dev/initctl", EntryKind::Fifo, 0o600),
            file(".wh.gone", b""),
            other("opaque", EntryKind::Dir, 0o700),
            file("opaque/.wh..wh..opq", b""),
            file("bin/su", &[7; 1300]),
        ]
    }

    fn with_mode(mut e: Entry, mode: u32) -> Entry {
        e.mode = mode;
        e
    }

    #[test]
    fn round_trip_every_kind() {
        let mut entries = sample();
        entries[11] = with_mode(entries[11].clone(), 0o4755);
        let tar = write_tar(&entries);
        assert_eq!(tar.len() % 512, 0);
        assert_eq!(read_layer(&tar, &Limits::default()), Ok(entries.clone()));
        assert_eq!(read_layer(&gzip(&tar), &Limits::default()), Ok(entries));
    }

    #[test]
    fn round_trip_long_names_through_pax() {
        let long_dir = "d".repeat(150);
        let long_file = format!("{long_dir}/{}", "f".repeat(120));
        let entries = vec![
            other(&long_dir, EntryKind::Dir, 0o755),
            file(&long_file, b"pax\n"),
            other("l", EntryKind::Symlink(format!("/{}", "t".repeat(300))), 0o777),
            other("h", EntryKind::Hardlink(long_file.clone()), 0o644),
            file("ünïcødé", b"utf-8 names go through PAX\n"),
            with_mode(file("old", b""), 0o600),
        ];
        let mut entries = entries;
        entries[5].mtime = -1; // before the epoch: only PAX can say it
        let tar = write_tar(&entries);
        assert!(tar.windows(9).any(|w| w == b" path=ddd"), "a PAX record holds the name");
        assert_eq!(read_layer(&tar, &Limits::default()), Ok(entries));
    }

    #[test]
    fn ustar_prefix_split_when_it_fits() {
        let name = format!("{}/{}", "a".repeat(90), "b".repeat(90));
        let entries = vec![file(&name, b"x")];
        let tar = write_tar(&entries);
        assert!(!tar.windows(10).any(|w| w == b"PaxHeader"), "USTAR can hold it");
        assert_eq!(&tar[345..435], "a".repeat(90).as_bytes());
        assert_eq!(read_layer(&tar, &Limits::default()), Ok(entries));
    }

    #[test]
    fn headers_as_docker_writes_them() {
        let tar = write_tar(&[other("etc", EntryKind::Dir, 0o755), file("etc/hostname", b"x\n")]);
        assert_eq!(&tar[0..5], b"etc/\0");
        assert_eq!(&tar[100..108], b"0040755\0");
        assert_eq!(&tar[257..265], b"ustar\x0000");
        assert_eq!(&tar[512 + 100..512 + 108], b"0100644\0");
        assert_eq!(&tar[512 + 265..512 + 270], b"root\0");
        assert_eq!(tar.len(), 512 * 5, "two headers, one data block, two zero blocks");
    }

    #[test]
    fn gzip_is_deterministic_and_round_trips() {
        let tar = write_tar(&sample());
        let (a, b) = (gzip(&tar), gzip(&tar));
        assert_eq!(a, b);
        assert_eq!(&a[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        assert!(is_gzip(&a) && !is_gzip(&tar));
        assert_eq!(gunzip(&a, &Limits::default()), Ok(tar));
        assert_eq!(gunzip(&gzip(b""), &Limits::default()), Ok(Vec::new()));
    }

    #[test]
    fn concatenated_members_are_one_stream() {
        let tar = write_tar(&sample());
        let (head, tail) = tar.split_at(1000);
        let mut two = gzip(head);
        two.extend_from_slice(&gzip(tail));
        assert_eq!(gunzip(&two, &Limits::default()), Ok(tar.clone()));
        assert_eq!(read_layer(&two, &Limits::default()).map(|e| e.len()), Ok(sample().len()));
    }

    #[test]
    fn names_are_cleaned_under_the_root() {
        let tar = write_tar(&[file("/etc/passwd", b""), file("../../evil", b""), file("a/./b//c/", b"")]);
        let paths: Vec<String> =
            read_layer(&tar, &Limits::default()).expect("valid").into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["etc/passwd", "evil", "a/b/c"]);
    }

    #[test]
    fn hard_links_must_name_an_earlier_entry() {
        let link = |target: &str| other("l", EntryKind::Hardlink(target.into()), 0o644);
        let read = |entries: &[Entry]| read_layer(&write_tar(entries), &Limits::default());
        let err = |call: &str, errno| Err(TarError::Sys { call: call.into(), errno });
        assert_eq!(read(&[link("missing")]), err("link /missing /l", Errno::ENOENT));
        assert_eq!(
            read(&[file("a", b""), link("../../a")]).map(|e| e[1].kind.clone()),
            Ok(EntryKind::Hardlink("a".into()))
        );
        assert_eq!(read(&[file("d/x", b""), link("d")]), err("link /d /l", Errno::EPERM));
        assert_eq!(read(&[file("f", b""), link("f/x")]), err("link /f/x /l", Errno::ENOTDIR));
        assert_eq!(read(&[file("l", b""), link("l")]), err("link /l /l", Errno::ENOENT), "replaced before linking");
        let through_symlink = [other("s", EntryKind::Symlink("/etc".into()), 0o777), link("s/hostname")];
        assert!(read(&through_symlink).is_ok(), "the applier resolves links through symlinks");
    }

    #[test]
    fn limits_stop_bombs_and_floods() {
        let limits = Limits { max_unpacked_bytes: 64 << 10, ..Limits::default() };
        let big = write_tar(&[file("zeros", &vec![0; 100 << 10])]);
        assert_eq!(read_layer(&gzip(&big), &limits), Err(TarError::TooLarge { limit: 64 << 10 }));
        assert_eq!(read_layer(&big, &limits), Err(TarError::TooLarge { limit: 64 << 10 }));
        let bomb = gzip(&write_tar(&[file("zeros", &vec![0; 24 << 20])]));
        assert_eq!(read_layer(&bomb, &Limits::default()), Err(TarError::CompressionRatio { limit: 100 }));
        let flood: Vec<Entry> = (0..11).map(|i| file(&format!("f{i}"), b"")).collect();
        let few = Limits { max_entries: 10, ..Limits::default() };
        assert_eq!(read_layer(&write_tar(&flood), &few), Err(TarError::TooManyEntries { limit: 10 }));
        let deep = Limits { max_depth: 3, ..Limits::default() };
        let err = read_layer(&write_tar(&[file("a/b/c/d", b"")]), &deep);
        assert_eq!(err, Err(TarError::TooDeep { path: "/a/b/c/d".into(), limit: 3 }));
    }

    #[test]
    fn import_errors_read_like_the_daemon() {
        assert_eq!(TarError::UnexpectedEof.import_error(), "Error processing tar file(exit status 1): unexpected EOF");
        let crc = TarError::Gzip { fault: GzipFault::Checksum, opening: false };
        assert_eq!(crc.import_error(), "Error processing tar file(gzip: invalid checksum): ");
        let short = TarError::Gzip { fault: GzipFault::UnexpectedEof, opening: true };
        assert_eq!(short.import_error(), "unexpected EOF");
        let long = TarError::Sys { call: "open /x".into(), errno: Errno::ENAMETOOLONG };
        assert_eq!(long.to_string(), "open /x: file name too long");
    }
}
