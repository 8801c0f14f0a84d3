//! An alpine 3.15-like root filesystem and a process started with it as `/` in new
//! namespaces: enough of the image for busybox to run as it does in `alpine:3.15` (the
//! top-level directories, `/bin/busybox` and every applet link where alpine puts it,
//! `/etc/passwd` and `/etc/group`). Tests use it until the image model provides roots.

use super::applets::APPLETS;
use crate::kernel::net::NetNs;
use crate::kernel::process::Exec;
use crate::kernel::vfs::{MountNs, Node, NodeKind, SbKind, TreeFs};
use crate::kernel::{Errno, IpcNs, Kernel, Namespaces, PidNs, Pid, UtsNs};

/// 2023-11-30 11:55:08 UTC: when the minirootfs was assembled.
pub const ROOTFS_TIME: i64 = 1_701_345_308;
/// 2022-07-19 20:11:24 UTC: when busybox was built.
pub const BUSYBOX_TIME: i64 = 1_658_261_484;
/// Size of alpine 3.15's `/bin/busybox` (1.34.1-r7).
pub const BUSYBOX_SIZE: u64 = 824_984;
const BASELAYOUT_TIME: i64 = 1_631_819_611;

pub const PASSWD: &str = "root:x:0:0:root:/root:/bin/ash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/mail:/sbin/nologin
news:x:9:13:news:/usr/lib/news:/sbin/nologin
uucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
man:x:13:15:man:/usr/man:/sbin/nologin
postmaster:x:14:12:postmaster:/var/mail:/sbin/nologin
cron:x:16:16:cron:/var/spool/cron:/sbin/nologin
ftp:x:21:21::/var/lib/ftp:/sbin/nologin
sshd:x:22:22:sshd:/dev/null:/sbin/nologin
at:x:25:25:at:/var/spool/cron/atjobs:/sbin/nologin
squid:x:31:31:Squid:/var/cache/squid:/sbin/nologin
xfs:x:33:33:X Font Server:/etc/X11/fs:/sbin/nologin
games:x:35:35:games:/usr/games:/sbin/nologin
cyrus:x:85:12::/usr/cyrus:/sbin/nologin
vpopmail:x:89:89::/var/vpopmail:/sbin/nologin
ntp:x:123:123:NTP:/var/empty:/sbin/nologin
smmsp:x:209:209:smmsp:/var/spool/mqueue:/sbin/nologin
guest:x:405:100:guest:/dev/null:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
";

pub const GROUP: &str = "root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
sys:x:3:root,bin,adm
adm:x:4:root,adm,daemon
tty:x:5:
disk:x:6:root,adm
lp:x:7:lp
mem:x:8:
kmem:x:9:
wheel:x:10:root
floppy:x:11:root
mail:x:12:mail
news:x:13:news
uucp:x:14:uucp
man:x:15:man
cron:x:16:cron
console:x:17:
audio:x:18:
cdrom:x:19:
dialout:x:20:root
ftp:x:21:
sshd:x:22:
input:x:23:
at:x:25:at
tape:x:26:root
video:x:27:root
netdev:x:28:
readproc:x:30:
squid:x:31:squid
xfs:x:33:xfs
kvm:x:34:kvm
games:x:35:
shadow:x:42:
cdrw:x:80:
www-data:x:82:
usb:x:85:
vpopmail:x:89:
users:x:100:games
ntp:x:123:
nofiles:x:200:
smmsp:x:209:smmsp
locate:x:245:
abuild:x:300:
utmp:x:406:
ping:x:999:
nogroup:x:65533:
nobody:x:65534:
";

/// Top-level directories: name, permissions, mtime, link count (as in the minirootfs).
const TOP: &[(&str, u32, i64, u32)] = &[
    ("bin", 0o755, ROOTFS_TIME + 1, 2),
    ("dev", 0o755, ROOTFS_TIME, 2),
    ("etc", 0o755, ROOTFS_TIME + 1, 16),
    ("home", 0o755, ROOTFS_TIME, 2),
    ("lib", 0o755, ROOTFS_TIME, 7),
    ("media", 0o755, ROOTFS_TIME, 5),
    ("mnt", 0o755, ROOTFS_TIME, 2),
    ("opt", 0o755, ROOTFS_TIME, 2),
    ("proc", 0o555, ROOTFS_TIME, 2),
    ("root", 0o700, ROOTFS_TIME, 2),
    ("run", 0o755, ROOTFS_TIME, 2),
    ("sbin", 0o755, ROOTFS_TIME + 1, 2),
    ("srv", 0o755, ROOTFS_TIME, 2),
    ("sys", 0o755, ROOTFS_TIME, 2),
    ("tmp", 0o1777, ROOTFS_TIME, 2),
    ("usr", 0o755, ROOTFS_TIME, 7),
    ("var", 0o755, ROOTFS_TIME, 12),
];

/// Other executables next to the applet links: path, size, mtime.
const OTHER_BINARIES: &[(&str, u64, i64)] = &[
    ("/sbin/apk", 69_768, 1_632_557_629),
    ("/sbin/ldconfig", 393, 1_681_821_960),
    ("/sbin/mkmntdirs", 14_072, BASELAYOUT_TIME),
    ("/usr/bin/getconf", 35_872, 1_681_821_960),
    ("/usr/bin/getent", 52_776, 1_681_821_960),
    ("/usr/bin/iconv", 24_600, 1_681_821_960),
    ("/usr/bin/ldd", 52, 1_681_821_960),
    ("/usr/bin/scanelf", 79_736, 1_634_138_122),
    ("/usr/bin/ssl_client", 14_120, BUSYBOX_TIME),
];

/// The root filesystem of an alpine 3.15 container. `/bin/busybox` carries the program
/// name only if `mark_program` is set (an image's files do not; `known_binary` finds it).
pub fn alpine_tree(mark_program: bool) -> TreeFs {
    let mut t = TreeFs::new(0o755, ROOTFS_TIME);
    for (name, perm, mtime, _) in TOP {
        t.put(&format!("/{name}"), Node::dir(*perm, 0, 0, *mtime));
    }
    for d in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/lib", "/usr/local/share", "/usr/lib", "/usr/share"] {
        t.mkdir_p(d, 0o755, ROOTFS_TIME);
    }
    let mut busybox = Node::file(Vec::new(), 0o755, 0, 0, BUSYBOX_TIME);
    busybox.kind = NodeKind::File { data: Vec::new(), size: BUSYBOX_SIZE };
    if mark_program {
        busybox.program = Some("busybox".into());
    }
    t.put("/bin/busybox", busybox);
    for (dir, name) in APPLETS {
        let link = Node { kind: NodeKind::Symlink("/bin/busybox".into()), perm: 0o777, uid: 0, gid: 0, mtime: ROOTFS_TIME, nlink: 1, program: None, xattrs: Default::default() };
        t.put(&format!("/{dir}/{name}"), link);
    }
    for (path, size, mtime) in OTHER_BINARIES {
        let node = Node { kind: NodeKind::File { data: Vec::new(), size: *size }, perm: 0o755, uid: 0, gid: 0, mtime: *mtime, nlink: 1, program: None, xattrs: Default::default() };
        t.put(path, node);
    }
    for (path, text) in [("/etc/passwd", PASSWD), ("/etc/group", GROUP), ("/etc/hostname", "localhost\n")] {
        t.put(path, Node::file(text.as_bytes().to_vec(), 0o644, 0, 0, BASELAYOUT_TIME));
    }
    t.put("/etc/hosts", Node::file(b"127.0.0.1\tlocalhost localhost.localdomain\n::1\t\tlocalhost localhost.localdomain\n".to_vec(), 0o644, 0, 0, BASELAYOUT_TIME));
    t.put("/etc/mtab", Node { kind: NodeKind::Symlink("/proc/mounts".into()), perm: 0o777, uid: 0, gid: 0, mtime: ROOTFS_TIME, nlink: 1, program: None, xattrs: Default::default() });
    // Directory times and link counts as the image has them (putting files touched them).
    for (name, _, mtime, nlink) in TOP {
        if let Ok(ino) = t.walk(&[name]) {
            if let Some(n) = t.nodes.get_mut(ino) {
                n.mtime = *mtime;
                n.nlink = *nlink;
            }
        }
    }
    for d in [&["usr", "bin"][..], &["usr", "sbin"][..]] {
        if let Ok(ino) = t.walk(d) {
            if let Some(n) = t.nodes.get_mut(ino) {
                n.mtime = if d[1] == "bin" { ROOTFS_TIME + 1 } else { ROOTFS_TIME };
            }
        }
    }
    if let Some(root) = t.nodes.get_mut(0) {
        root.nlink = 19;
        root.mtime = ROOTFS_TIME;
    }
    t
}

/// What a sandboxed process is started with.
pub struct Start {
    pub hostname: String,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub tty: Option<String>,
    pub uid: u32,
    pub gid: u32,
}

/// Starts a process as PID 1 of new PID, mount, UTS, IPC and network namespaces whose
/// `/` is the tree filesystem `root_sb`, with a procfs for the new PID namespace at
/// `/proc` (the process is created but its program is not run: the caller execs it).
pub fn start(k: &mut Kernel, parent: Pid, root_sb: usize, s: &Start) -> Result<Pid, Errno> {
    let pns = k.procs.get(&parent).map(|p| p.ns).unwrap_or(k.init_ns);
    let parent_pid_ns = pns.pid_for_children;
    let (level, pid_max) = {
        let p = k.pid_ns.get(&parent_pid_ns).ok_or(Errno::EINVAL)?;
        (p.level + 1, k.new_pid_ns_pid_max.unwrap_or(p.pid_max))
    };
    let (pid_id, pid_inode) = k.alloc_ns();
    let mut pidns = PidNs::new(pid_inode, Some(parent_pid_ns), level);
    pidns.pid_max = pid_max;
    k.pid_ns.insert(pid_id, pidns);
    let (mnt_id, mnt_inode) = k.alloc_ns();
    let proc_sb = k.vfs.add_sb("proc", SbKind::Proc { pid_ns: pid_id }, 0, 0);
    let mut mnt = MountNs { inode: mnt_inode, mounts: Vec::new() };
    mnt.mount("/", root_sb, "overlay", "rw,relatime");
    mnt.mount("/proc", proc_sb, "proc", "rw,nosuid,nodev,noexec,relatime");
    k.mnt_ns.insert(mnt_id, mnt);
    let (uts_id, uts_inode) = k.alloc_ns();
    k.uts_ns.insert(uts_id, UtsNs { inode: uts_inode, hostname: s.hostname.clone(), domainname: "(none)".into() });
    let (ipc_id, ipc_inode) = k.alloc_ns();
    k.ipc_ns.insert(ipc_id, IpcNs { inode: ipc_inode });
    let (net_id, net_inode) = k.alloc_ns();
    k.net_ns.insert(net_id, NetNs::new(net_inode));
    let ns = Namespaces { pid: pid_id, pid_for_children: pid_id, mnt: mnt_id, net: net_id, uts: uts_id, ipc: ipc_id };
    let comm: String = s.argv.first().map(|a| a.rsplit('/').next().unwrap_or(a).chars().take(15).collect()).unwrap_or_default();
    let exec = Exec {
        comm,
        argv: s.argv.clone(),
        env: s.env.clone(),
        exe: "/bin/busybox".into(),
        uid: s.uid,
        gid: s.gid,
        cwd: "/".into(),
        tty: s.tty.clone(),
        vsz_kb: 1_624,
        rss_kb: 940,
        session_leader: true,
        foreground: true,
        ..Exec::default()
    };
    k.spawn_in(parent, ns, exec)
}
