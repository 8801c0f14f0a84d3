//! Writes layer entries into a directory without ever leaving it: every parent component is
//! opened with `O_NOFOLLOW | O_DIRECTORY` from the layer's root fd, names are created with
//! `*at` calls relative to that parent, `..` is refused, symlinks are created but never
//! followed, hard links must name a file already inside the layer. Whiteouts become what
//! overlayfs reads: `.wh.NAME` a character device 0/0, `.wh..wh..opq` the
//! `trusted.overlay.opaque=y` xattr on the directory (as Docker's overlay2 driver does).

use std::ffi::CString;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::layer_source::{Entry, EntryKind};
use super::sys::{check, cstr, errno, openat};

const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";

#[derive(Debug)]
pub enum UnpackError {
    /// A path or link target with `..`, or otherwise leaving the layer.
    Escape { path: String },
    /// A parent component of an entry is a symlink or not a directory.
    ThroughNonDir { path: String },
    /// A hard link to a name that is not a file inside this layer.
    BadHardlink { path: String, target: String },
    Io { path: String, op: &'static str, err: std::io::Error },
}

impl std::fmt::Display for UnpackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnpackError::Escape { path } => write!(f, "layer entry {path:?} leaves the layer root"),
            UnpackError::ThroughNonDir { path } => {
                write!(f, "layer entry {path:?} would be written through a symlink or non-directory")
            }
            UnpackError::BadHardlink { path, target } => {
                write!(f, "layer entry {path:?} is a hard link to {target:?}, which is not a file in the layer")
            }
            UnpackError::Io { path, op, err } => write!(f, "layer entry {path:?}: {op}: {err}"),
        }
    }
}

impl std::error::Error for UnpackError {}

/// Splits a relative archive path into components; `..` anywhere is an escape.
fn components(path: &str) -> Result<Vec<&str>, UnpackError> {
    let mut out = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(UnpackError::Escape { path: path.to_string() }),
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return Err(UnpackError::Escape { path: path.to_string() });
    }
    Ok(out)
}

struct Unpacker<'a> {
    root: &'a OwnedFd,
    /// Directories whose mtime is set at the end (creating children changes it).
    dir_times: Vec<(Vec<String>, i64)>,
}

fn io_err<'a>(path: &'a str, op: &'static str) -> impl Fn(std::io::Error) -> UnpackError + 'a {
    move |err| UnpackError::Io { path: path.to_string(), op, err }
}

fn dup_fd(fd: &OwnedFd) -> std::io::Result<OwnedFd> {
    fd.try_clone()
}

impl<'a> Unpacker<'a> {
    /// Opens the directory that holds the last component, creating missing parents (0755,
    /// as Docker does) when `create` is set. Never follows a symlink.
    fn parent(&self, comps: &[&str], path: &str, create: bool) -> Result<OwnedFd, UnpackError> {
        let mut dir = dup_fd(self.root).map_err(io_err(path, "dup"))?;
        for c in &comps[..comps.len() - 1] {
            let name = cstr(*c).map_err(io_err(path, "name"))?;
            let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW;
            dir = match openat(dir.as_raw_fd(), &name, flags, 0) {
                Ok(fd) => fd,
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) && create => {
                    // SAFETY: valid dir fd and C string.
                    check(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o755) })
                        .map_err(io_err(path, "mkdir parent"))?;
                    openat(dir.as_raw_fd(), &name, flags, 0).map_err(io_err(path, "open parent"))?
                }
                Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::ENOTDIR)) => {
                    return Err(UnpackError::ThroughNonDir { path: path.to_string() })
                }
                Err(e) => return Err(io_err(path, "open parent")(e)),
            };
        }
        Ok(dir)
    }

    fn entry(&mut self, e: &Entry) -> Result<(), UnpackError> {
        let path = e.path.as_str();
        let comps = components(path)?;
        let last = comps[comps.len() - 1];
        let parent = self.parent(&comps, path, true)?;
        let pfd = parent.as_raw_fd();

        if last == OPAQUE_MARKER {
            let (k, v) = (c"trusted.overlay.opaque", b"y");
            // SAFETY: fd is an open directory; name and value are valid for their lengths.
            check(unsafe { libc::fsetxattr(pfd, k.as_ptr(), v.as_ptr().cast(), v.len(), 0) })
                .map_err(io_err(path, "set opaque xattr"))?;
            return Ok(());
        }
        if let Some(hidden) = last.strip_prefix(WHITEOUT_PREFIX) {
            if hidden.is_empty() || hidden == "." || hidden == ".." || hidden.starts_with(WHITEOUT_PREFIX) {
                return Err(UnpackError::Escape { path: path.to_string() });
            }
            let name = cstr(hidden).map_err(io_err(path, "name"))?;
            self.remove_existing(pfd, &name, path, false)?;
            // SAFETY: valid dir fd and C string.
            check(unsafe { libc::mknodat(pfd, name.as_ptr(), libc::S_IFCHR, libc::makedev(0, 0)) })
                .map_err(io_err(path, "mknod whiteout"))?;
            self.owner_and_time(pfd, &name, e, path)?;
            return Ok(());
        }

        let name = cstr(last).map_err(io_err(path, "name"))?;
        match &e.kind {
            EntryKind::Dir => {
                self.remove_existing(pfd, &name, path, true)?;
                // SAFETY: valid dir fd and C string.
                let r = unsafe { libc::mkdirat(pfd, name.as_ptr(), 0o700) };
                if r == -1 && errno().raw_os_error() != Some(libc::EEXIST) {
                    return Err(io_err(path, "mkdir")(errno()));
                }
                let fd = openat(pfd, &name, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW, 0)
                    .map_err(|_| UnpackError::ThroughNonDir { path: path.to_string() })?;
                self.fd_meta(&fd, e, path)?;
                self.dir_times.push((comps.iter().map(|c| c.to_string()).collect(), e.mtime));
            }
            EntryKind::File(data) => {
                self.remove_existing(pfd, &name, path, false)?;
                let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW;
                let fd = openat(pfd, &name, flags, 0o600).map_err(io_err(path, "create"))?;
                let mut f = std::fs::File::from(fd);
                f.write_all(data).map_err(io_err(path, "write"))?;
                let fd = OwnedFd::from(f);
                self.fd_meta(&fd, e, path)?;
                let ts = times(e.mtime);
                // SAFETY: fd is open; ts has two entries.
                check(unsafe { libc::futimens(fd.as_raw_fd(), ts.as_ptr()) }).map_err(io_err(path, "utimes"))?;
            }
            EntryKind::Symlink(target) => {
                self.remove_existing(pfd, &name, path, false)?;
                let t = cstr(target.as_str()).map_err(io_err(path, "link target"))?;
                // SAFETY: valid C strings and dir fd. The target is stored, never resolved.
                check(unsafe { libc::symlinkat(t.as_ptr(), pfd, name.as_ptr()) }).map_err(io_err(path, "symlink"))?;
                self.owner_and_time(pfd, &name, e, path)?;
            }
            EntryKind::Hardlink(target) => {
                let bad = || UnpackError::BadHardlink { path: path.to_string(), target: target.clone() };
                let tcomps = components(target.trim_start_matches('/')).map_err(|_| bad())?;
                let tparent = self.parent(&tcomps, target, false).map_err(|_| bad())?;
                let tname = cstr(tcomps[tcomps.len() - 1]).map_err(|_| bad())?;
                let mut st: libc::stat = unsafe_zeroed_stat();
                // SAFETY: valid fd, C string, out pointer.
                let r = unsafe { libc::fstatat(tparent.as_raw_fd(), tname.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) };
                if r == -1 || (st.st_mode & libc::S_IFMT) == libc::S_IFDIR {
                    return Err(bad());
                }
                self.remove_existing(pfd, &name, path, false)?;
                // SAFETY: valid fds and C strings; flags 0 = a symlink target is linked, not followed.
                check(unsafe { libc::linkat(tparent.as_raw_fd(), tname.as_ptr(), pfd, name.as_ptr(), 0) })
                    .map_err(io_err(path, "link"))?;
            }
            EntryKind::CharDev(ma, mi) | EntryKind::BlockDev(ma, mi) => {
                let t = if matches!(e.kind, EntryKind::CharDev(..)) { libc::S_IFCHR } else { libc::S_IFBLK };
                self.mknod(pfd, &name, t, libc::makedev(*ma, *mi), e, path)?;
            }
            EntryKind::Fifo => self.mknod(pfd, &name, libc::S_IFIFO, 0, e, path)?,
        }
        Ok(())
    }

    fn mknod(&self, pfd: RawFd, name: &CString, t: libc::mode_t, dev: libc::dev_t, e: &Entry, path: &str) -> Result<(), UnpackError> {
        self.remove_existing(pfd, name, path, false)?;
        // SAFETY: valid dir fd and C string.
        check(unsafe { libc::mknodat(pfd, name.as_ptr(), t | 0o600, dev) }).map_err(io_err(path, "mknod"))?;
        // Open without following to set the mode on the node itself, never on a target.
        let fd = openat(pfd, name, libc::O_PATH | libc::O_NOFOLLOW, 0).map_err(io_err(path, "open node"))?;
        let proc_path = cstr(format!("/proc/self/fd/{}", fd.as_raw_fd())).map_err(io_err(path, "name"))?;
        // SAFETY: the /proc magic link names exactly the node we just created.
        check(unsafe { libc::chmod(proc_path.as_ptr(), (e.mode & 0o7777) as libc::mode_t) }).map_err(io_err(path, "chmod"))?;
        self.owner_and_time(pfd, name, e, path)
    }

    /// Owner and mtime of a name, without following it if it is a symlink.
    fn owner_and_time(&self, pfd: RawFd, name: &CString, e: &Entry, path: &str) -> Result<(), UnpackError> {
        // SAFETY: valid dir fd and C string.
        check(unsafe { libc::fchownat(pfd, name.as_ptr(), e.uid, e.gid, libc::AT_SYMLINK_NOFOLLOW) })
            .map_err(io_err(path, "chown"))?;
        let ts = times(e.mtime);
        // SAFETY: valid dir fd, C string, two timespecs.
        check(unsafe { libc::utimensat(pfd, name.as_ptr(), ts.as_ptr(), libc::AT_SYMLINK_NOFOLLOW) })
            .map_err(io_err(path, "utimes"))?;
        Ok(())
    }

    /// Owner, mode (after chown, which clears set-id bits) and xattrs on an open fd.
    fn fd_meta(&self, fd: &OwnedFd, e: &Entry, path: &str) -> Result<(), UnpackError> {
        // SAFETY: fd is open.
        check(unsafe { libc::fchown(fd.as_raw_fd(), e.uid, e.gid) }).map_err(io_err(path, "chown"))?;
        // SAFETY: fd is open.
        check(unsafe { libc::fchmod(fd.as_raw_fd(), (e.mode & 0o7777) as libc::mode_t) }).map_err(io_err(path, "chmod"))?;
        for (k, v) in &e.xattrs {
            // overlay's own attributes would let a layer forge whiteouts or redirects.
            if k.starts_with("trusted.overlay.") {
                continue;
            }
            let kc = cstr(k.as_str()).map_err(io_err(path, "xattr name"))?;
            // SAFETY: fd open; name and value valid for their lengths.
            let r = unsafe { libc::fsetxattr(fd.as_raw_fd(), kc.as_ptr(), v.as_ptr().cast(), v.len(), 0) };
            if r == -1 && errno().raw_os_error() != Some(libc::ENOTSUP) {
                return Err(io_err(path, "set xattr")(errno()));
            }
        }
        Ok(())
    }

    /// Removes what exists at `name` unless it is a directory and `keep_dir` is set.
    fn remove_existing(&self, pfd: RawFd, name: &CString, path: &str, keep_dir: bool) -> Result<(), UnpackError> {
        let mut st = unsafe_zeroed_stat();
        // SAFETY: valid fd, C string, out pointer.
        if unsafe { libc::fstatat(pfd, name.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) } == -1 {
            return Ok(());
        }
        if (st.st_mode & libc::S_IFMT) == libc::S_IFDIR {
            if keep_dir {
                return Ok(());
            }
            let fd = openat(pfd, name, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW, 0)
                .map_err(io_err(path, "open for removal"))?;
            remove_tree_at(&fd).map_err(io_err(path, "remove"))?;
            // SAFETY: valid fd and C string.
            check(unsafe { libc::unlinkat(pfd, name.as_ptr(), libc::AT_REMOVEDIR) }).map_err(io_err(path, "rmdir"))?;
        } else {
            // SAFETY: valid fd and C string.
            check(unsafe { libc::unlinkat(pfd, name.as_ptr(), 0) }).map_err(io_err(path, "unlink"))?;
        }
        Ok(())
    }

    fn finish(&self) -> Result<(), UnpackError> {
        for (comps, mtime) in self.dir_times.iter().rev() {
            let c: Vec<&str> = comps.iter().map(String::as_str).collect();
            let path = comps.join("/");
            let parent = self.parent(&c, &path, false)?;
            let name = cstr(c[c.len() - 1]).map_err(io_err(&path, "name"))?;
            let ts = times(*mtime);
            // SAFETY: valid fd, C string, two timespecs.
            check(unsafe { libc::utimensat(parent.as_raw_fd(), name.as_ptr(), ts.as_ptr(), libc::AT_SYMLINK_NOFOLLOW) })
                .map_err(io_err(&path, "utimes"))?;
        }
        Ok(())
    }
}

fn unsafe_zeroed_stat() -> libc::stat {
    // SAFETY: libc::stat is plain old data; all-zero is a valid value.
    unsafe { std::mem::zeroed() }
}

fn times(mtime: i64) -> [libc::timespec; 2] {
    let t = libc::timespec { tv_sec: mtime as libc::time_t, tv_nsec: 0 };
    [t, t]
}

/// Removes everything inside an open directory, never following symlinks.
fn remove_tree_at(dir: &OwnedFd) -> std::io::Result<()> {
    let dup = dir.try_clone()?;
    // SAFETY: fdopendir takes ownership of the duplicated fd.
    let d = unsafe { libc::fdopendir(dup.as_raw_fd()) };
    if d.is_null() {
        return Err(errno());
    }
    std::mem::forget(dup);
    let mut names = Vec::new();
    loop {
        // SAFETY: d is a valid DIR*.
        let ent = unsafe { libc::readdir(d) };
        if ent.is_null() {
            break;
        }
        // SAFETY: d_name is NUL-terminated.
        let n = unsafe { std::ffi::CStr::from_ptr((*ent).d_name.as_ptr()) }.to_owned();
        if n.as_bytes() != b"." && n.as_bytes() != b".." {
            names.push(n);
        }
    }
    // SAFETY: d is valid and closed once (closes the duplicated fd).
    unsafe { libc::closedir(d) };
    for n in names {
        let mut st = unsafe_zeroed_stat();
        // SAFETY: valid fd, C string, out pointer.
        check(unsafe { libc::fstatat(dir.as_raw_fd(), n.as_ptr(), &mut st, libc::AT_SYMLINK_NOFOLLOW) })?;
        if (st.st_mode & libc::S_IFMT) == libc::S_IFDIR {
            let sub = openat(dir.as_raw_fd(), &n, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW, 0)?;
            remove_tree_at(&sub)?;
            // SAFETY: valid fd and C string.
            check(unsafe { libc::unlinkat(dir.as_raw_fd(), n.as_ptr(), libc::AT_REMOVEDIR) })?;
        } else {
            // SAFETY: valid fd and C string.
            check(unsafe { libc::unlinkat(dir.as_raw_fd(), n.as_ptr(), 0) })?;
        }
    }
    Ok(())
}

/// Writes `entries` into the directory open as `root`.
pub fn unpack_into(root: &OwnedFd, entries: &[Entry]) -> Result<(), UnpackError> {
    let mut u = Unpacker { root, dir_times: Vec::new() };
    for e in entries {
        u.entry(e)?;
    }
    u.finish()
}

/// Opens a directory for `unpack_into`.
pub fn open_dir(path: &std::path::Path) -> std::io::Result<OwnedFd> {
    let c = super::sys::path_cstr(path)?;
    super::sys::open(&c, libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW, 0)
}
