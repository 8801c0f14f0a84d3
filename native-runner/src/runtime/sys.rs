//! Thin, safe wrappers over the few raw syscalls the runtime needs: an owned fd, C strings,
//! errno, pidfds and `/proc/PID/stat` start times (to tell a live process from a reused PID).

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// The last OS error as an `io::Error`.
pub fn errno() -> io::Error {
    io::Error::last_os_error()
}

/// `ret == -1` -> the OS error.
pub fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 {
        Err(errno())
    } else {
        Ok(ret)
    }
}

/// A C string from bytes; interior NULs are an `InvalidInput` error.
pub fn cstr(b: impl Into<Vec<u8>>) -> io::Result<CString> {
    CString::new(b).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL byte in a path or argument"))
}

pub fn path_cstr(p: &Path) -> io::Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    cstr(p.as_os_str().as_bytes())
}

/// `open(2)` into an owned fd; `O_CLOEXEC` is always added.
pub fn open(path: &CStr, flags: libc::c_int, mode: libc::mode_t) -> io::Result<OwnedFd> {
    // SAFETY: path is a valid C string; the returned fd is owned by us alone.
    let fd = check(unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
    // SAFETY: fd was just returned by open and is not owned elsewhere.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `openat(2)` into an owned fd; `O_CLOEXEC` is always added.
pub fn openat(dir: RawFd, name: &CStr, flags: libc::c_int, mode: libc::mode_t) -> io::Result<OwnedFd> {
    // SAFETY: name is a valid C string; dir is a caller-held fd.
    let fd = check(unsafe { libc::openat(dir, name.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
    // SAFETY: fd was just returned by openat and is not owned elsewhere.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A pipe with both ends close-on-exec: (read, write).
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: fds has room for the two descriptors.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: both fds were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `pidfd_open(2)`.
pub fn pidfd_open(pid: libc::pid_t) -> io::Result<OwnedFd> {
    // SAFETY: plain syscall with integer arguments.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(errno());
    }
    // SAFETY: the kernel returned a new fd that we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `pidfd_send_signal(2)`: no PID-reuse race.
pub fn pidfd_signal(pidfd: &OwnedFd, sig: i32) -> io::Result<()> {
    // SAFETY: plain syscall; a null siginfo means "as kill(2) would".
    let r = unsafe { libc::syscall(libc::SYS_pidfd_send_signal, pidfd.as_raw_fd(), sig, std::ptr::null::<u8>(), 0) };
    if r < 0 {
        Err(errno())
    } else {
        Ok(())
    }
}

/// Waits until the pidfd is readable (the process exited) or `timeout_ms` passes; true if exited.
pub fn pidfd_wait_timeout(pidfd: &OwnedFd, timeout_ms: i32) -> io::Result<bool> {
    let mut p = libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    loop {
        // SAFETY: p is one valid pollfd.
        let r = unsafe { libc::poll(&mut p, 1, timeout_ms) };
        if r < 0 {
            let e = errno();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        return Ok(r > 0);
    }
}

/// How a process ended: Docker reports `code`, or 128+signal when a signal killed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitStatus {
    pub code: Option<i32>,
    pub signal: Option<i32>,
}

impl ExitStatus {
    pub fn from_wait_status(st: libc::c_int) -> ExitStatus {
        if libc::WIFSIGNALED(st) {
            ExitStatus { code: None, signal: Some(libc::WTERMSIG(st)) }
        } else {
            ExitStatus { code: Some(libc::WEXITSTATUS(st)), signal: None }
        }
    }
    /// The exit code as `docker wait` and `docker run` report it.
    pub fn docker_code(&self) -> i32 {
        match (self.code, self.signal) {
            (Some(c), _) => c,
            (None, Some(s)) => 128 + s,
            (None, None) => 255,
        }
    }
}

/// `waitpid(pid, 0)`, retried on EINTR.
pub fn waitpid(pid: libc::pid_t) -> io::Result<ExitStatus> {
    let mut st: libc::c_int = 0;
    loop {
        // SAFETY: st is a valid out pointer.
        let r = unsafe { libc::waitpid(pid, &mut st, libc::__WALL) };
        if r == -1 {
            let e = errno();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        return Ok(ExitStatus::from_wait_status(st));
    }
}

/// Field 22 of `/proc/PID/stat` (start time in clock ticks since boot), and the state letter.
pub fn proc_start_time(pid: i32) -> Option<(u64, char)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // comm may contain spaces and parens: fields start after the last ')'.
    let rest = &s[s.rfind(')')? + 2..];
    let mut it = rest.split(' ');
    let state = it.next()?.chars().next()?;
    // rest starts at field 3 (state); field 22 is 19 further.
    let start = it.nth(18)?.parse().ok()?;
    Some((start, state))
}

/// True if a process with this PID and start time exists and is not a zombie.
pub fn process_alive(pid: i32, start: u64) -> bool {
    pid > 0 && matches!(proc_start_time(pid), Some((s, st)) if s == start && st != 'Z' && st != 'X')
}

/// 32 random bytes as 64 hex digits (container ids), from the kernel's random source.
pub fn random_hex(n_bytes: usize) -> io::Result<String> {
    let mut buf = vec![0u8; n_bytes];
    let mut got = 0;
    while got < n_bytes {
        // SAFETY: the slice bounds the write.
        let r = unsafe { libc::getrandom(buf[got..].as_mut_ptr().cast(), n_bytes - got, 0) };
        if r < 0 {
            let e = errno();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        got += r as usize;
    }
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// An exclusive `flock` on a file, released on drop.
pub struct FileLock {
    _fd: OwnedFd,
}

impl FileLock {
    pub fn acquire(path: &Path) -> io::Result<FileLock> {
        let fd = open(&path_cstr(path)?, libc::O_RDWR | libc::O_CREAT, 0o600)?;
        loop {
            // SAFETY: fd is open.
            if unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(FileLock { _fd: fd });
            }
            let e = errno();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}
