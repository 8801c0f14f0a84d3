//! The container's filesystem, set up by the container's first process in its new mount
//! namespace: the overlay (image layers below, the container's upper dir above), pivot_root
//! into it, then Docker's mount list, in Docker's order:
//!
//! ```text
//! overlay /  proc /proc  tmpfs /dev (size=65536k,mode=755)  devpts /dev/pts (gid=5,mode=620,ptmxmode=666)
//! sysfs /sys (ro)  mqueue /dev/mqueue  shm /dev/shm (size=65536k)
//! binds: /etc/resolv.conf /etc/hostname /etc/hosts
//! read-only: /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger
//! masked: /proc/asound /proc/acpi /proc/kcore /proc/keys ... /sys/firmware
//! ```
//!
//! Everything after pivot_root is mounted at paths inside the new root, so a symlink in the
//! image (say `/proc -> /etc`) resolves inside the container, never on the host; the old
//! root stays parked at `/.nr-pivot-old` only until the /etc binds are made from it (the
//! files for those binds are created with openat2 confined to the root mount). All mounts
//! live only in the container's private mount namespace and vanish with it: nothing to
//! unmount later, nothing propagates to the host.
//! The child-side code makes no allocation (it runs after clone in a possibly threaded
//! program): everything it needs is prepared as C strings by `RootfsPlan::new`.

use std::ffi::{CStr, CString};
use std::path::{Path, PathBuf};

use super::sys::{self, path_cstr};

/// Where pivot_root parks the old root (a directory made in the container's upper layer and
/// removed again) while the /etc files are bound from it.
const PUT_OLD: &CStr = c"/.nr-pivot-old";

/// Failed step and errno, reported by the child to the parent.
pub type StepErr = (u32, i32);

/// Names of the steps, indexed by the step number the child reports.
pub const STEPS: &[&str] = &[
    "make / private",                     // 0
    "mount overlay",                      // 1
    "pivot_root",                         // 2
    "mount /proc",                        // 3
    "mount /dev",                         // 4
    "create device nodes",                // 5
    "mount /dev/pts",                     // 6
    "mount /sys",                         // 7
    "mount /dev/mqueue",                  // 8
    "mount /dev/shm",                     // 9
    "bind /etc files",                    // 10
    "read-only /proc paths",              // 11
    "mask paths",                         // 12
    "set hostname",                       // 13
    "set network sysctls",                // 14
    "bring lo up",                        // 15
    "chdir to the working directory",     // 16
    "drop capabilities",                  // 17
    "set user and groups",                // 18
    "exec",                               // 19
    "wait for the runtime",               // 20
    "join namespaces",                    // 21
    "set up stdio",                       // 22
    "make the root read-only",            // 23
];
pub const STEP_CWD: u32 = 16;
pub const STEP_CAPS: u32 = 17;
pub const STEP_USER: u32 = 18;
pub const STEP_EXEC: u32 = 19;
pub const STEP_SYNC: u32 = 20;
pub const STEP_SETNS: u32 = 21;
pub const STEP_STDIO: u32 = 22;

pub fn step_name(step: u32) -> &'static str {
    STEPS.get(step as usize).copied().unwrap_or("setup")
}

/// What the container's first process needs to build its root, prepared by the runtime.
pub struct RootfsPlan {
    /// The directory the overlay is mounted on (inside the container's state dir).
    target: CString,
    /// chdir here first: lower/upper/work dirs are given relative to it when the absolute
    /// option string would not fit in a page.
    base: CString,
    options: CString,
    hostname: CString,
    /// The prepared resolv.conf, hostname and hosts files, as paths under PUT_OLD (the old
    /// root after pivot_root), so the targets resolve inside the container's root.
    bind_sources: [CString; 3],
    /// `--read-only`: the root and the /etc binds remounted read-only.
    read_only: bool,
}

#[derive(Debug)]
pub enum RootfsError {
    BadPath(PathBuf),
    Io(PathBuf, std::io::Error),
    TooManyLayers,
}

impl std::fmt::Display for RootfsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RootfsError::BadPath(p) => write!(f, "path {} has a ',' or ':' that overlayfs options cannot hold", p.display()),
            RootfsError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            RootfsError::TooManyLayers => write!(f, "too many layers for one overlay mount option string"),
        }
    }
}

impl std::error::Error for RootfsError {}

fn opt_path(p: &Path) -> Result<String, RootfsError> {
    let s = p.to_str().ok_or_else(|| RootfsError::BadPath(p.to_path_buf()))?;
    if s.contains([',', ':', '\0', '\n']) {
        return Err(RootfsError::BadPath(p.to_path_buf()));
    }
    Ok(s.to_string())
}

impl RootfsPlan {
    /// `lower` top first; `etc_files` = the prepared resolv.conf, hostname and hosts.
    /// The root filesystem read-only (`docker run --read-only`), as runc remounts it.
    pub fn read_only(mut self, on: bool) -> RootfsPlan {
        self.read_only = on;
        self
    }

    pub fn new(
        target: &Path,
        lower: &[PathBuf],
        upper: &Path,
        work: &Path,
        base: &Path,
        hostname: &str,
        etc_files: [&Path; 3],
    ) -> Result<RootfsPlan, RootfsError> {
        let page = 4095;
        let abs = |ps: &[PathBuf]| -> Result<Vec<String>, RootfsError> { ps.iter().map(|p| opt_path(p)).collect() };
        let mut options = format!(
            "lowerdir={},upperdir={},workdir={}",
            abs(lower)?.join(":"),
            opt_path(upper)?,
            opt_path(work)?
        );
        if options.len() > page {
            let rel = |p: &Path| -> Result<String, RootfsError> {
                opt_path(p.strip_prefix(base).map_err(|_| RootfsError::BadPath(p.to_path_buf()))?)
            };
            let lows: Result<Vec<String>, RootfsError> = lower.iter().map(|p| rel(p)).collect();
            options = format!("lowerdir={},upperdir={},workdir={}", lows?.join(":"), rel(upper)?, rel(work)?);
            if options.len() > page {
                return Err(RootfsError::TooManyLayers);
            }
        }
        let mut srcs: Vec<CString> = Vec::new();
        for f in etc_files {
            let mut b = PUT_OLD.to_bytes().to_vec();
            b.extend_from_slice(path_cstr(f).map_err(|e| RootfsError::Io(f.to_path_buf(), e))?.as_bytes());
            srcs.push(sys::cstr(b).map_err(|e| RootfsError::Io(f.to_path_buf(), e))?);
        }
        let mut it = srcs.into_iter();
        let (Some(a), Some(b), Some(c)) = (it.next(), it.next(), it.next()) else {
            return Err(RootfsError::BadPath(target.to_path_buf()));
        };
        fn err(p: &Path) -> impl Fn(std::io::Error) -> RootfsError + '_ {
            move |e| RootfsError::Io(p.to_path_buf(), e)
        }
        Ok(RootfsPlan {
            target: path_cstr(target).map_err(err(target))?,
            base: path_cstr(base).map_err(err(base))?,
            options: sys::cstr(options).map_err(err(target))?,
            hostname: sys::cstr(hostname).map_err(err(target))?,
            bind_sources: [a, b, c],
            read_only: false,
        })
    }
}

// ---- child side: no allocation below this line ----

fn last_errno() -> i32 {
    // SAFETY: reading the thread's errno.
    unsafe { *libc::__errno_location() }
}

fn step(n: u32, r: libc::c_int) -> Result<(), StepErr> {
    if r == -1 {
        Err((n, last_errno()))
    } else {
        Ok(())
    }
}

fn mount(src: &CStr, target: &CStr, fstype: Option<&CStr>, flags: libc::c_ulong, data: Option<&CStr>) -> libc::c_int {
    // SAFETY: all pointers are valid C strings or null.
    unsafe {
        libc::mount(
            src.as_ptr(),
            target.as_ptr(),
            fstype.map_or(std::ptr::null(), CStr::as_ptr),
            flags,
            data.map_or(std::ptr::null(), |d| d.as_ptr().cast()),
        )
    }
}

fn mkdir(p: &CStr, mode: libc::mode_t) {
    // SAFETY: valid C string; EEXIST is fine.
    unsafe { libc::mkdir(p.as_ptr(), mode) };
}

const NOSUID: libc::c_ulong = libc::MS_NOSUID;
const NODEV: libc::c_ulong = libc::MS_NODEV;
const NOEXEC: libc::c_ulong = libc::MS_NOEXEC;

const READONLY_PATHS: [&CStr; 5] = [c"/proc/bus", c"/proc/fs", c"/proc/irq", c"/proc/sys", c"/proc/sysrq-trigger"];
const MASKED_PATHS: [&CStr; 10] = [
    c"/proc/asound",
    c"/proc/acpi",
    c"/proc/kcore",
    c"/proc/keys",
    c"/proc/latency_stats",
    c"/proc/timer_list",
    c"/proc/timer_stats",
    c"/proc/sched_debug",
    c"/proc/scsi",
    c"/sys/firmware",
];
const ETC_TARGETS: [&CStr; 3] = [c"/etc/resolv.conf", c"/etc/hostname", c"/etc/hosts"];
const ETC_TARGETS_REL: [&CStr; 3] = [c"etc/resolv.conf", c"etc/hostname", c"etc/hosts"];
/// Docker turns IPv6 off in a container whose network has none (no ::1, no fe80::).
const IPV6_OFF: [&CStr; 3] =
    [c"/proc/sys/net/ipv6/conf/all/disable_ipv6", c"/proc/sys/net/ipv6/conf/default/disable_ipv6", c"/proc/sys/net/ipv6/conf/lo/disable_ipv6"];
const DEVICES: [(&CStr, u32, u32); 6] = [
    (c"/dev/null", 1, 3),
    (c"/dev/zero", 1, 5),
    (c"/dev/full", 1, 7),
    (c"/dev/random", 1, 8),
    (c"/dev/urandom", 1, 9),
    (c"/dev/tty", 5, 0),
];
const DEV_LINKS: [(&CStr, &CStr); 5] = [
    (c"/proc/self/fd", c"/dev/fd"),
    (c"pts/ptmx", c"/dev/ptmx"),
    (c"/proc/self/fd/0", c"/dev/stdin"),
    (c"/proc/self/fd/1", c"/dev/stdout"),
    (c"/proc/self/fd/2", c"/dev/stderr"),
];

#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}
const RESOLVE_NO_XDEV: u64 = 0x01;
const RESOLVE_NO_MAGICLINKS: u64 = 0x02;
const RESOLVE_IN_ROOT: u64 = 0x10;

/// Creates a file if missing, resolving `rel` with the current directory as root and
/// without leaving its mount (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_XDEV).
fn touch_in_root(rel: &CStr, mode: libc::mode_t) -> libc::c_int {
    // An existing file is left alone: opening it for writing would copy it up into the
    // container's layer (Docker's placeholders live in the init layer; its upper stays empty).
    let look = OpenHow { flags: (libc::O_PATH | libc::O_CLOEXEC) as u64, mode: 0, resolve: RESOLVE_IN_ROOT | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS };
    // SAFETY: valid C string and open_how of the size passed.
    let fd = unsafe {
        libc::syscall(libc::SYS_openat2, libc::AT_FDCWD, rel.as_ptr(), &look as *const OpenHow, std::mem::size_of::<OpenHow>())
    } as libc::c_int;
    if fd >= 0 {
        // SAFETY: fd open.
        unsafe { libc::close(fd) };
        return 0;
    }
    let how = OpenHow {
        flags: (libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC | libc::O_NOCTTY) as u64,
        mode: u64::from(mode),
        resolve: RESOLVE_IN_ROOT | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
    };
    // SAFETY: valid C string and open_how of the size passed.
    let fd = unsafe {
        libc::syscall(libc::SYS_openat2, libc::AT_FDCWD, rel.as_ptr(), &how as *const OpenHow, std::mem::size_of::<OpenHow>())
    } as libc::c_int;
    if fd < 0 {
        return -1;
    }
    // SAFETY: fd open.
    unsafe { libc::close(fd) };
    0
}

fn write_file(path: &CStr, data: &[u8]) -> libc::c_int {
    // SAFETY: valid C string; fd closed below.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return -1;
    }
    // SAFETY: data valid for its length; fd open.
    let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
    // SAFETY: fd open.
    unsafe { libc::close(fd) };
    if n < 0 {
        -1
    } else {
        0
    }
}

/// Brings `lo` up with SIOCSIFFLAGS (the new network namespace starts with it down).
fn loopback_up() -> libc::c_int {
    // SAFETY: plain socket/ioctl calls on a zeroed ifreq with the name set.
    unsafe {
        let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if s < 0 {
            return -1;
        }
        let mut ifr: libc::ifreq = std::mem::zeroed();
        ifr.ifr_name[0] = b'l' as libc::c_char;
        ifr.ifr_name[1] = b'o' as libc::c_char;
        let mut r = libc::ioctl(s, libc::SIOCGIFFLAGS, &mut ifr);
        if r == 0 {
            ifr.ifr_ifru.ifru_flags |= (libc::IFF_UP | libc::IFF_RUNNING) as libc::c_short;
            r = libc::ioctl(s, libc::SIOCSIFFLAGS, &ifr);
        }
        libc::close(s);
        r
    }
}

/// Runs in the container's first process, in its new namespaces, before exec.
pub fn setup_in_child(p: &RootfsPlan) -> Result<(), StepErr> {
    // SAFETY: umask never fails; 0 so device and dir modes are exact.
    unsafe { libc::umask(0) };
    step(0, mount(c"none", c"/", None, libc::MS_REC | libc::MS_PRIVATE, None))?;
    // SAFETY: valid C string.
    step(1, unsafe { libc::chdir(p.base.as_ptr()) })?;
    step(1, mount(c"overlay", &p.target, Some(c"overlay"), 0, Some(&p.options)))?;
    // SAFETY: valid C strings. The old root goes to PUT_OLD until the binds are made.
    unsafe {
        step(2, libc::chdir(p.target.as_ptr()))?;
        libc::mkdir(c".nr-pivot-old".as_ptr(), 0o700);
        step(2, libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".nr-pivot-old".as_ptr()) as libc::c_int)?;
        step(2, libc::chdir(c"/".as_ptr()))?;
    }

    mkdir(c"/proc", 0o555);
    step(3, mount(c"proc", c"/proc", Some(c"proc"), NOSUID | NODEV | NOEXEC, None))?;
    // Docker's network sysctls, written while /proc/sys is still writable.
    step(14, write_file(c"/proc/sys/net/ipv4/ip_unprivileged_port_start", b"0"))?;
    step(14, write_file(c"/proc/sys/net/ipv4/ping_group_range", b"0 2147483647"))?;
    for f in IPV6_OFF {
        if write_file(f, b"1") == -1 && last_errno() != libc::ENOENT {
            return Err((14, last_errno()));
        }
    }

    mkdir(c"/dev", 0o755);
    step(4, mount(c"tmpfs", c"/dev", Some(c"tmpfs"), NOSUID | libc::MS_STRICTATIME, Some(c"mode=755,size=65536k")))?;
    for (path, major, minor) in DEVICES {
        // SAFETY: valid C string.
        step(5, unsafe { libc::mknod(path.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(major, minor)) })?;
    }
    for (target, link) in DEV_LINKS {
        // SAFETY: valid C strings.
        step(5, unsafe { libc::symlink(target.as_ptr(), link.as_ptr()) })?;
    }
    mkdir(c"/dev/pts", 0o755);
    step(6, mount(c"devpts", c"/dev/pts", Some(c"devpts"), NOSUID | NOEXEC, Some(c"newinstance,ptmxmode=0666,mode=0620,gid=5")))?;
    mkdir(c"/sys", 0o555);
    step(7, mount(c"sysfs", c"/sys", Some(c"sysfs"), libc::MS_RDONLY | NOSUID | NODEV | NOEXEC, None))?;
    mkdir(c"/dev/mqueue", 0o1777);
    step(8, mount(c"mqueue", c"/dev/mqueue", Some(c"mqueue"), NOSUID | NODEV | NOEXEC, None))?;
    mkdir(c"/dev/shm", 0o1777);
    step(9, mount(c"shm", c"/dev/shm", Some(c"tmpfs"), NOSUID | NODEV | NOEXEC, Some(c"mode=1777,size=65536k")))?;

    mkdir(c"/etc", 0o755);
    for ((src, target), rel) in p.bind_sources.iter().zip(ETC_TARGETS).zip(ETC_TARGETS_REL) {
        // The target must exist to be a mount point. Created with openat2 confined to the
        // container's root mount: an image symlink cannot reach the parked old root.
        step(10, touch_in_root(rel, 0o644))?;
        step(10, mount(src, target, None, libc::MS_BIND | libc::MS_REC, None))?;
        if p.read_only {
            step(10, mount(target, target, None, libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_REC, None))?;
        }
    }
    // SAFETY: valid C string; the old root leaves the namespace, its directory goes.
    unsafe {
        step(2, libc::umount2(PUT_OLD.as_ptr(), libc::MNT_DETACH))?;
        libc::rmdir(PUT_OLD.as_ptr());
    }

    for path in READONLY_PATHS {
        if mount(path, path, None, libc::MS_BIND | libc::MS_REC, None) == -1 {
            if last_errno() == libc::ENOENT {
                continue;
            }
            return Err((11, last_errno()));
        }
        let flags = libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_REC | NOSUID | NODEV | NOEXEC;
        step(11, mount(path, path, None, flags, None))?;
    }
    for path in MASKED_PATHS {
        // SAFETY: zeroed stat is valid; valid C string and out pointer.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        if unsafe { libc::stat(path.as_ptr(), &mut st) } == -1 {
            continue;
        }
        let r = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            mount(c"tmpfs", path, Some(c"tmpfs"), libc::MS_RDONLY, None)
        } else {
            mount(c"/dev/null", path, None, libc::MS_BIND, None)
        };
        step(12, r)?;
    }

    if p.read_only {
        step(23, mount(c"/", c"/", None, libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY, None))?;
    }
    let h = p.hostname.as_bytes();
    // SAFETY: h is valid for its length.
    step(13, unsafe { libc::sethostname(h.as_ptr().cast(), h.len()) })?;
    step(15, loopback_up())?;
    Ok(())
}
