//! Process creation: a container's first process (clone with CLONE_NEWPID|NEWNS|NEWNET|
//! NEWUTS|NEWIPC, a pidfd, a sync pipe the runtime writes once the network is in place, an
//! error pipe closed by exec), and `exec` into a running container (setns into its
//! namespaces). Everything the child does between clone and exec is a plain syscall on data
//! prepared here beforehand: no allocation, no locks, no panics, so it is safe in a
//! multithreaded runtime.

use std::ffi::CString;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::caps;
use super::rootfs::{self, RootfsPlan, StepErr, STEP_CAPS, STEP_CWD, STEP_EXEC, STEP_SETNS, STEP_STDIO, STEP_SYNC, STEP_USER};
use super::sys::{self, cstr};

/// Where a standard stream of the new process goes.
pub enum Stdio {
    Inherit,
    Null,
    Fd(OwnedFd),
}

/// What runs: argv, environment, user, working directory, capabilities.
pub struct ProcessSpec<'a> {
    pub argv: &'a [String],
    pub env: &'a [String],
    pub cwd: &'a str,
    pub uid: u32,
    pub gid: u32,
    pub groups: &'a [u32],
    pub caps: u64,
}

/// The same, as C data ready for the child.
pub struct ProcessPlan {
    candidates: Vec<CString>,
    _argv: Vec<CString>,
    argv_ptrs: Vec<*const libc::c_char>,
    _env: Vec<CString>,
    env_ptrs: Vec<*const libc::c_char>,
    cwd: CString,
    uid: u32,
    gid: u32,
    groups: Vec<libc::gid_t>,
    caps: u64,
    last_cap: u32,
    stdio: [RawFd; 3],
    _stdio_owned: Vec<OwnedFd>,
    tty: RawFd,
}

// SAFETY: the raw pointers point into the CStrings owned by the same plan, which are never
// mutated; sharing or moving the plan between threads keeps them valid.
unsafe impl Send for ProcessPlan {}
// SAFETY: as above; the plan is read-only after construction.
unsafe impl Sync for ProcessPlan {}

#[derive(Debug)]
pub enum SpawnError {
    Prepare(io::Error),
    Clone(io::Error),
    /// The child failed at a setup step (see `rootfs::STEPS`) with an errno.
    Child { step: &'static str, errno: i32, argv0: String },
}

impl SpawnError {
    /// What Docker exits with when a container cannot start: 127 for a missing program,
    /// 126 for one that cannot be executed, 125 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            SpawnError::Child { step, errno, .. } if *step == rootfs::step_name(STEP_EXEC) => {
                if *errno == libc::ENOENT || *errno == libc::ENOTDIR {
                    127
                } else {
                    126
                }
            }
            _ => 125,
        }
    }
}

impl std::fmt::Display for SpawnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpawnError::Prepare(e) => write!(f, "preparing the process: {e}"),
            SpawnError::Clone(e) => write!(f, "clone: {e}"),
            SpawnError::Child { step, errno, argv0 } => {
                let at_exec = *step == rootfs::step_name(STEP_EXEC);
                if at_exec && *errno == libc::ENOENT {
                    if argv0.contains('/') {
                        write!(f, "exec: \"{argv0}\": stat {argv0}: no such file or directory")
                    } else {
                        write!(f, "exec: \"{argv0}\": executable file not found in $PATH")
                    }
                } else if at_exec && matches!(*errno, libc::EACCES | libc::EISDIR) {
                    // runc's words for a directory or a file without the x bit (the CLI
                    // exits 126 on "permission denied").
                    write!(f, "exec: \"{argv0}\": permission denied")
                } else {
                    write!(f, "container setup failed at {step}: {}", io::Error::from_raw_os_error(*errno))
                }
            }
        }
    }
}

impl std::error::Error for SpawnError {}

const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl ProcessPlan {
    pub fn new(spec: &ProcessSpec<'_>, stdio: [Stdio; 3], tty: Option<OwnedFd>) -> Result<ProcessPlan, SpawnError> {
        let p = SpawnError::Prepare;
        let argv0 = spec.argv.first().ok_or_else(|| p(io::Error::new(io::ErrorKind::InvalidInput, "no command")))?;
        let argv: Vec<CString> = spec.argv.iter().map(|a| cstr(a.as_str())).collect::<Result<_, _>>().map_err(p)?;
        let env: Vec<CString> = spec.env.iter().map(|a| cstr(a.as_str())).collect::<Result<_, _>>().map_err(p)?;
        let candidates = if argv0.contains('/') {
            vec![cstr(argv0.as_str()).map_err(p)?]
        } else {
            let path = spec.env.iter().find_map(|e| e.strip_prefix("PATH=")).unwrap_or(DEFAULT_PATH);
            path.split(':')
                .map(|d| if d.is_empty() { "." } else { d })
                .map(|d| cstr(format!("{}/{argv0}", d.trim_end_matches('/'))))
                .collect::<Result<_, _>>()
                .map_err(p)?
        };
        let mut owned = Vec::new();
        let mut fds = [0, 1, 2];
        for (i, s) in stdio.into_iter().enumerate() {
            match s {
                Stdio::Inherit => {}
                Stdio::Null => {
                    let fd = sys::open(c"/dev/null", libc::O_RDWR, 0).map_err(p)?;
                    fds[i] = fd.as_raw_fd();
                    owned.push(fd);
                }
                Stdio::Fd(fd) => {
                    fds[i] = fd.as_raw_fd();
                    owned.push(fd);
                }
            }
        }
        let tty_fd = tty.as_ref().map_or(-1, |t| t.as_raw_fd());
        if let Some(t) = tty {
            owned.push(t);
        }
        let mut argv_ptrs: Vec<_> = argv.iter().map(|a| a.as_ptr()).collect();
        argv_ptrs.push(std::ptr::null());
        let mut env_ptrs: Vec<_> = env.iter().map(|a| a.as_ptr()).collect();
        env_ptrs.push(std::ptr::null());
        Ok(ProcessPlan {
            candidates,
            _argv: argv,
            argv_ptrs,
            _env: env,
            env_ptrs,
            cwd: cstr(if spec.cwd.is_empty() { "/" } else { spec.cwd }).map_err(p)?,
            uid: spec.uid,
            gid: spec.gid,
            groups: spec.groups.to_vec(),
            caps: spec.caps,
            last_cap: caps::last_cap(),
            stdio: fds,
            _stdio_owned: owned,
            tty: tty_fd,
        })
    }
}

// ---- child side: no allocation ----

fn errno_now() -> i32 {
    // SAFETY: reading the thread's errno.
    unsafe { *libc::__errno_location() }
}

/// Reports a failed step on the error pipe and exits.
fn die(err_fd: RawFd, (step, errno): StepErr) -> ! {
    let mut buf = [0u8; 8];
    buf[..4].copy_from_slice(&step.to_ne_bytes());
    buf[4..].copy_from_slice(&errno.to_ne_bytes());
    // SAFETY: buf valid; then exit without running any destructor or atexit handler.
    unsafe {
        libc::write(err_fd, buf.as_ptr().cast(), 8);
        libc::_exit(126)
    }
}

/// `mkdir -p` for the working directory, with a stack buffer.
fn mkdir_p(path: &[u8]) {
    let mut buf = [0u8; 4096];
    if path.len() >= buf.len() {
        return;
    }
    for i in 1..=path.len() {
        if i == path.len() || path[i] == b'/' {
            buf[..i].copy_from_slice(&path[..i]);
            buf[i] = 0;
            // SAFETY: buf is NUL-terminated at i.
            unsafe { libc::mkdir(buf.as_ptr().cast(), 0o755) };
        }
    }
}

/// stdio (the plan's, or the console `tty` when it is >= 0), signals, cwd, capabilities,
/// user, then exec. Never returns.
fn finish_and_exec(p: &ProcessPlan, err_fd: RawFd, tty: RawFd) -> ! {
    let tty = if tty >= 0 { tty } else { p.tty };
    // SAFETY: plain syscalls on fds and values prepared by the parent.
    unsafe {
        if tty >= 0 {
            libc::setsid();
            if libc::ioctl(tty, libc::TIOCSCTTY, 0) == -1 {
                die(err_fd, (STEP_STDIO, errno_now()));
            }
            for i in 0..3 {
                if libc::dup2(tty, i) == -1 {
                    die(err_fd, (STEP_STDIO, errno_now()));
                }
            }
        } else {
            for (i, &fd) in p.stdio.iter().enumerate() {
                if fd != i as RawFd && libc::dup3(fd, i as RawFd, 0) == -1 {
                    die(err_fd, (STEP_STDIO, errno_now()));
                }
                // dup2 onto itself keeps CLOEXEC; clear it so the stream survives exec.
                let fl = libc::fcntl(i as RawFd, libc::F_GETFD);
                if fl >= 0 {
                    libc::fcntl(i as RawFd, libc::F_SETFD, fl & !libc::FD_CLOEXEC);
                }
            }
        }
        // Default dispositions and an empty mask: the runtime ignores SIGPIPE and may block
        // signals it forwards; the container must start clean.
        for sig in 1..=64 {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP && !(32..=33).contains(&sig) {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());

        if libc::chdir(p.cwd.as_ptr()) == -1 {
            mkdir_p(p.cwd.as_bytes());
            if libc::chdir(p.cwd.as_ptr()) == -1 {
                die(err_fd, (STEP_CWD, errno_now()));
            }
        }
        if let Err(e) = caps::restrict_to(p.caps, p.last_cap) {
            die(err_fd, (STEP_CAPS, e));
        }
        if libc::setgroups(p.groups.len(), p.groups.as_ptr()) == -1
            || libc::setresgid(p.gid, p.gid, p.gid) == -1
            || libc::setresuid(p.uid, p.uid, p.uid) == -1
        {
            die(err_fd, (STEP_USER, errno_now()));
        }
        libc::umask(0o022);
        // Everything but stdio and the error pipe's write end closes on exec.
        libc::close_range(3, u32::MAX, libc::CLOSE_RANGE_CLOEXEC as i32);
        let mut first_err = libc::ENOENT;
        for c in &p.candidates {
            libc::execve(c.as_ptr(), p.argv_ptrs.as_ptr(), p.env_ptrs.as_ptr());
            let e = errno_now();
            if e != libc::ENOENT && e != libc::ENOTDIR && first_err == libc::ENOENT {
                first_err = e;
            }
        }
        die(err_fd, (STEP_EXEC, first_err))
    }
}

/// Reads the child's report: EOF (exec happened) -> Ok.
fn read_report(err_read: OwnedFd, argv0: &str) -> Result<(), SpawnError> {
    let mut f = std::fs::File::from(err_read);
    let mut buf = [0u8; 8];
    let mut got = 0;
    while got < 8 {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(SpawnError::Prepare(e)),
        }
    }
    if got == 0 {
        return Ok(());
    }
    let step = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]);
    let errno = i32::from_ne_bytes([buf[4], buf[5], buf[6], buf[7]]);
    Err(SpawnError::Child { step: rootfs::step_name(step), errno, argv0: argv0.to_string() })
}

/// `clone(flags | SIGCHLD | CLONE_PIDFD)` without a new stack: returns in both processes
/// like fork. Ok(None) in the child.
fn clone_pidfd(flags: libc::c_int) -> io::Result<Option<(libc::pid_t, OwnedFd)>> {
    let mut pidfd: libc::c_int = -1;
    // SAFETY: raw clone without CLONE_VM behaves as fork; the child only runs
    // allocation-free code and ends in exec or _exit.
    let r = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (flags | libc::CLONE_PIDFD | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            &mut pidfd as *mut libc::c_int,
            0usize,
            0usize,
        )
    };
    if r < 0 {
        return Err(sys::errno());
    }
    if r == 0 {
        return Ok(None);
    }
    // SAFETY: the kernel stored a fresh pidfd for us.
    Ok(Some((r as libc::pid_t, unsafe { OwnedFd::from_raw_fd(pidfd) })))
}

/// A container's first process, stopped before exec until `release` is called.
pub struct PendingInit {
    pub pid: libc::pid_t,
    pub pidfd: OwnedFd,
    sync_write: Option<OwnedFd>,
    err_read: Option<OwnedFd>,
    argv0: String,
    /// With a console: the child says its root is ready here, and gets the number of its
    /// pty with the go-ahead.
    ready_read: Option<OwnedFd>,
    console: Option<u32>,
}

impl PendingInit {
    /// Lets the child go on to exec once its root is ready (nothing else to wait for).
    pub fn go(&mut self) -> Result<(), SpawnError> {
        if let Some(w) = self.sync_write.take() {
            let mut msg = [b'g', 0, 0, 0, 0];
            msg[1..].copy_from_slice(&self.console.unwrap_or(0).to_le_bytes());
            let len = if self.ready_read.is_some() { 5 } else { 1 };
            // SAFETY: w is open; `len` bytes from a valid buffer.
            let n = unsafe { libc::write(w.as_raw_fd(), msg.as_ptr().cast(), len) };
            if n != len as isize {
                return Err(SpawnError::Prepare(sys::errno()));
            }
        }
        Ok(())
    }

    /// The container's console, as runc makes it: a pty of the container's own devpts
    /// instance (its /dev/pts/ptmx, reached through /proc/PID/root once the child has
    /// mounted it); the child opens the slave as its stdio and controlling terminal.
    pub fn open_console(&mut self) -> Result<std::fs::File, SpawnError> {
        let p = SpawnError::Prepare;
        let Some(ready) = &self.ready_read else { return Err(p(io::Error::new(io::ErrorKind::InvalidInput, "no console asked for"))) };
        let mut b = [0u8; 1];
        // SAFETY: reading one byte into a valid buffer.
        if unsafe { libc::read(ready.as_raw_fd(), b.as_mut_ptr().cast(), 1) } != 1 {
            return Err(p(io::Error::new(io::ErrorKind::BrokenPipe, "the container's first process ended before its root was ready")));
        }
        let ptmx = sys::cstr(format!("/proc/{}/root/dev/pts/ptmx", self.pid)).map_err(p)?;
        let master = sys::open(&ptmx, libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC, 0).map_err(p)?;
        let m = master.as_raw_fd();
        let unlock: libc::c_int = 0;
        let mut index: libc::c_uint = 0;
        // SAFETY: m is a ptmx fd; TIOCSPTLCK and TIOCGPTN take int pointers.
        unsafe {
            sys::check(libc::ioctl(m, libc::TIOCSPTLCK, &unlock)).map_err(p)?;
            sys::check(libc::ioctl(m, libc::TIOCGPTN, &mut index)).map_err(p)?;
        }
        self.console = Some(index);
        Ok(std::fs::File::from(master))
    }

    /// Lets the child exec and waits until it did (or reports why it could not).
    pub fn release(&mut self) -> Result<(), SpawnError> {
        self.go()?;
        match self.err_read.take() {
            Some(r) => read_report(r, &self.argv0),
            None => Ok(()),
        }
    }
}

pub const CONTAINER_NS: libc::c_int =
    libc::CLONE_NEWPID | libc::CLONE_NEWNS | libc::CLONE_NEWNET | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC;

/// Clones the container's first process into new namespaces; it sets up its root and then
/// waits for `PendingInit::release` before exec. If the runtime dies before that, the
/// sync pipe reads EOF and the child exits.
/// With `console`, the child's stdio is a pty of its own devpts (`PendingInit::open_console`
/// before `release`).
pub fn spawn_init(root: &RootfsPlan, proc_plan: &ProcessPlan, console: bool) -> Result<PendingInit, SpawnError> {
    let (sync_r, sync_w) = sys::pipe().map_err(SpawnError::Prepare)?;
    let (err_r, err_w) = sys::pipe().map_err(SpawnError::Prepare)?;
    let ready = if console { Some(sys::pipe().map_err(SpawnError::Prepare)?) } else { None };
    match clone_pidfd(CONTAINER_NS).map_err(SpawnError::Clone)? {
        None => {
            // Child. Close the parent's ends so EOF means "runtime gone".
            // SAFETY: closing fds that belong to the parent's side.
            unsafe {
                libc::close(sync_w.as_raw_fd());
                libc::close(err_r.as_raw_fd());
                if let Some((r, _)) = &ready {
                    libc::close(r.as_raw_fd());
                }
                libc::setsid();
            }
            let ef = err_w.as_raw_fd();
            if let Err(e) = rootfs::setup_in_child(root) {
                die(ef, e);
            }
            if let Some((_, w)) = &ready {
                // SAFETY: one byte from a valid buffer; the parent reads it.
                unsafe { libc::write(w.as_raw_fd(), b"r".as_ptr().cast(), 1) };
            }
            let mut b = [0u8; 5];
            let want = if ready.is_some() { 5 } else { 1 };
            // SAFETY: reading into a valid buffer of that size.
            let n = unsafe { libc::read(sync_r.as_raw_fd(), b.as_mut_ptr().cast(), want) };
            if n != want as isize {
                // SAFETY: the runtime is gone or gave up: leave quietly.
                unsafe { libc::_exit(1) }
            }
            let _ = STEP_SYNC;
            let tty = if ready.is_some() { open_pts(u32::from_le_bytes([b[1], b[2], b[3], b[4]]), ef) } else { -1 };
            finish_and_exec(proc_plan, ef, tty)
        }
        Some((pid, pidfd)) => {
            drop(sync_r);
            drop(err_w);
            let argv0 = proc_plan._argv.first().map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
            let ready_read = ready.map(|(r, w)| {
                drop(w);
                r
            });
            Ok(PendingInit { pid, pidfd, sync_write: Some(sync_w), err_read: Some(err_r), argv0, ready_read, console: None })
        }
    }
}

/// Child side: opens `/dev/pts/N` of the container's devpts (no allocation).
fn open_pts(n: u32, err_fd: RawFd) -> RawFd {
    let mut path = *b"/dev/pts/\0\0\0\0\0\0\0\0\0\0\0";
    let mut digits = [0u8; 10];
    let (mut v, mut len) = (n, 0);
    loop {
        digits[len] = b'0' + (v % 10) as u8;
        len += 1;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for i in 0..len {
        path[9 + i] = digits[len - 1 - i];
    }
    // SAFETY: path is NUL-terminated after the digits.
    let fd = unsafe { libc::open(path.as_ptr().cast(), libc::O_RDWR) };
    if fd < 0 {
        die(err_fd, (STEP_STDIO, errno_now()));
    }
    fd
}

/// Namespace files of a running container's first process, opened before joining.
pub struct NsFds {
    pid: OwnedFd,
    others: Vec<(OwnedFd, libc::c_int)>,
}

impl NsFds {
    pub fn open(init_pid: libc::pid_t) -> io::Result<NsFds> {
        let o = |n: &str| sys::open(&cstr(format!("/proc/{init_pid}/ns/{n}"))?, libc::O_RDONLY, 0);
        Ok(NsFds {
            pid: o("pid")?,
            // mnt last: after it, /proc paths of the host are gone.
            others: vec![
                (o("ipc")?, libc::CLONE_NEWIPC),
                (o("uts")?, libc::CLONE_NEWUTS),
                (o("net")?, libc::CLONE_NEWNET),
                (o("mnt")?, libc::CLONE_NEWNS),
            ],
        })
    }
}

/// Starts a process inside the container's namespaces. A helper thread joins the PID
/// namespace (setns for PID only affects children) and clones; the child joins the rest.
pub fn spawn_in(ns: &NsFds, plan: &ProcessPlan) -> Result<(libc::pid_t, OwnedFd), SpawnError> {
    let (err_r, err_w) = sys::pipe().map_err(SpawnError::Prepare)?;
    let argv0 = plan._argv.first().map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
    let res = std::thread::scope(|s| {
        s.spawn(|| -> Result<(libc::pid_t, OwnedFd), SpawnError> {
            // SAFETY: ns.pid is an open PID namespace fd; only this thread is affected.
            sys::check(unsafe { libc::setns(ns.pid.as_raw_fd(), libc::CLONE_NEWPID) }).map_err(SpawnError::Clone)?;
            match clone_pidfd(0).map_err(SpawnError::Clone)? {
                None => {
                    let ef = err_w.as_raw_fd();
                    // SAFETY: closing the parent's end.
                    unsafe { libc::close(err_r.as_raw_fd()) };
                    for (fd, kind) in &ns.others {
                        // SAFETY: open namespace fds; this child is single-threaded.
                        if unsafe { libc::setns(fd.as_raw_fd(), *kind) } == -1 {
                            die(ef, (STEP_SETNS, errno_now()));
                        }
                    }
                    finish_and_exec(plan, ef, -1)
                }
                Some(child) => Ok(child),
            }
        })
        .join()
        .unwrap_or_else(|_| Err(SpawnError::Prepare(io::Error::other("exec thread panicked"))))
    })?;
    drop(err_w);
    if let Err(e) = read_report(err_r, &argv0) {
        let _ = sys::waitpid(res.0);
        return Err(e);
    }
    Ok(res)
}
