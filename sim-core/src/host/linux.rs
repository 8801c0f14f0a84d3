//! The article's machine: Amazon Linux 2 on EC2 (`ip-172-30-1-40`), as it is right after
//! `ssh ec2-user@...`: systemd and the usual daemons, kernel threads, eth0 with mtu 9001,
//! and a bash login shell on pts/0.

use super::build::*;
use crate::image::oci::Platform;
use crate::kernel::net::{IfAddr, LinkKind, Route};
use crate::kernel::vfs::{SbKind, TreeFs};
use crate::kernel::{Kernel, NsId, Uname};

/// 2022-06-09 06:46:00 UTC: the instance boots.
pub const BOOT: i64 = 1_654_757_160;
/// 2022-06-09 09:20:00 UTC: the learner logs in.
pub const SESSION_START: i64 = 1_654_766_400;
/// When the AMI's files were written (2022-05-27 04:12 UTC).
const IMAGE_TIME: i64 = 1_653_624_720;

pub const HOSTNAME: &str = "ip-172-30-1-40.ap-northeast-1.compute.internal";
pub const LOGIN_USER: &str = "ec2-user";
/// containerd and dockerd, as `systemctl start docker` started them.
pub const CONTAINERD_PID: u32 = 2566;
pub const DOCKERD_PID: u32 = 2757;

const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
games:x:12:100:games:/usr/games:/sbin/nologin
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
nobody:x:99:99:Nobody:/:/sbin/nologin
systemd-network:x:192:192:systemd Network Management:/:/sbin/nologin
dbus:x:81:81:System message bus:/:/sbin/nologin
rpc:x:32:32:Rpcbind Daemon:/var/lib/rpcbind:/sbin/nologin
libstoragemgmt:x:999:997:daemon account for libstoragemgmt:/var/run/lsm:/sbin/nologin
sshd:x:74:74:Privilege-separated SSH:/var/empty/sshd:/sbin/nologin
chrony:x:998:996::/var/lib/chrony:/sbin/nologin
rpcuser:x:29:29:RPC Service User:/var/lib/nfs:/sbin/nologin
nfsnobody:x:65534:65534:Anonymous NFS User:/var/lib/nfs:/sbin/nologin
ec2-instance-connect:x:997:995::/home/ec2-instance-connect:/sbin/nologin
postfix:x:89:89::/var/spool/postfix:/sbin/nologin
tcpdump:x:72:72::/:/sbin/nologin
ec2-user:x:1000:1000:EC2 Default User:/home/ec2-user:/bin/bash
";

const GROUP: &str = "root:x:0:
bin:x:1:
daemon:x:2:
sys:x:3:
adm:x:4:ec2-user
tty:x:5:
disk:x:6:
lp:x:7:
mem:x:8:
kmem:x:9:
wheel:x:10:ec2-user
mail:x:12:postfix
uucp:x:14:
man:x:15:
games:x:20:
gopher:x:30:
video:x:39:
dip:x:40:
ftp:x:50:
lock:x:54:
audio:x:63:
nobody:x:99:
users:x:100:
utmp:x:22:
utempter:x:35:
input:x:999:
systemd-journal:x:190:ec2-user
systemd-network:x:192:
dbus:x:81:
rpc:x:32:
libstoragemgmt:x:997:
sshd:x:74:
chrony:x:996:
rpcuser:x:29:
nfsnobody:x:65534:
ec2-instance-connect:x:995:
postdrop:x:90:
postfix:x:89:
tcpdump:x:72:
ec2-user:x:1000:
";

const OS_RELEASE: &str = "NAME=\"Amazon Linux\"
VERSION=\"2\"
ID=\"amzn\"
ID_LIKE=\"centos rhel fedora\"
VERSION_ID=\"2\"
PRETTY_NAME=\"Amazon Linux 2\"
ANSI_COLOR=\"0;33\"
CPE_NAME=\"cpe:2.3:o:amazon:amazon_linux:2\"
HOME_URL=\"https://amazonlinux.com/\"
";

const BASHRC: &str = "# .bashrc

# Source global definitions
if [ -f /etc/bashrc ]; then
\t. /etc/bashrc
fi

# Uncomment the following line if you don't like systemctl's auto-paging feature:
# export SYSTEMD_PAGER=

# User specific aliases and functions
";

const BASH_PROFILE: &str = "# .bash_profile

# Get the aliases and functions
if [ -f ~/.bashrc ]; then
\t. ~/.bashrc
fi

# User specific environment and startup programs

PATH=$PATH:$HOME/.local/bin:$HOME/bin

export PATH
";

const BASH_LOGOUT: &str = "# ~/.bash_logout\n";

/// Programs on the host: (path, program, size in bytes, mode).
const PROGRAMS: &[(&str, &str, u64, u32)] = &[
    ("/usr/bin/bash", "bash", 964_536, 0o755),
    ("/usr/bin/cat", "cat", 54_160, 0o755),
    ("/usr/bin/chmod", "chmod", 58_544, 0o755),
    ("/usr/bin/clear", "clear", 7_192, 0o755),
    ("/usr/bin/cp", "cp", 155_176, 0o755),
    ("/usr/bin/curl", "curl", 216_896, 0o755),
    ("/usr/bin/date", "date", 62_320, 0o755),
    ("/usr/bin/df", "df", 101_296, 0o755),
    ("/usr/bin/du", "du", 117_640, 0o755),
    ("/usr/bin/echo", "echo", 33_128, 0o755),
    ("/usr/bin/env", "env", 29_104, 0o755),
    ("/usr/bin/false", "false", 28_920, 0o755),
    ("/usr/bin/find", "find", 199_304, 0o755),
    ("/usr/bin/grep", "grep", 159_976, 0o755),
    ("/usr/bin/head", "head", 41_576, 0o755),
    ("/usr/bin/hostname", "hostname", 15_768, 0o755),
    ("/usr/bin/id", "id", 37_384, 0o755),
    ("/usr/bin/ln", "ln", 58_624, 0o755),
    ("/usr/bin/ls", "ls", 117_680, 0o755),
    ("/usr/bin/mkdir", "mkdir", 79_768, 0o755),
    ("/usr/bin/mount", "mount", 44_224, 0o4755),
    ("/usr/bin/mv", "mv", 130_360, 0o755),
    ("/usr/bin/nsenter", "nsenter", 28_808, 0o755),
    ("/usr/bin/ps", "ps", 100_112, 0o755),
    ("/usr/bin/pwd", "pwd", 33_240, 0o755),
    ("/usr/bin/readlink", "readlink", 41_952, 0o755),
    ("/usr/bin/rm", "rm", 62_872, 0o755),
    ("/usr/bin/rmdir", "rmdir", 45_448, 0o755),
    ("/usr/bin/sleep", "sleep", 33_136, 0o755),
    ("/usr/bin/sort", "sort", 116_920, 0o755),
    ("/usr/bin/stat", "stat", 78_080, 0o755),
    ("/usr/bin/su", "su", 32_096, 0o4755),
    ("/usr/bin/sudo", "sudo", 147_320, 0o4111),
    ("/usr/bin/systemctl", "systemctl", 724_176, 0o755),
    ("/usr/bin/tail", "tail", 66_896, 0o755),
    ("/usr/bin/touch", "touch", 62_488, 0o755),
    ("/usr/bin/true", "true", 28_920, 0o755),
    ("/usr/bin/uname", "uname", 33_144, 0o755),
    ("/usr/bin/unshare", "unshare", 16_816, 0o755),
    ("/usr/bin/uptime", "uptime", 12_312, 0o755),
    ("/usr/bin/wc", "wc", 46_744, 0o755),
    ("/usr/bin/which", "which", 24_096, 0o755),
    ("/usr/bin/whoami", "whoami", 33_208, 0o755),
    ("/usr/sbin/ifconfig", "ifconfig", 82_104, 0o755),
    ("/usr/sbin/ip", "ip", 488_576, 0o755),
    ("/usr/sbin/ss", "ss", 138_728, 0o755),
    ("/usr/bin/netstat", "netstat", 154_352, 0o755),
    ("/usr/sbin/iptables", "iptables", 99_256, 0o755),
];

fn root_tree() -> TreeFs {
    let t0 = IMAGE_TIME;
    let mut t = TreeFs::new(0o555, t0);
    for (path, perm) in [
        ("/boot", 0o555),
        ("/dev", 0o755),
        ("/etc", 0o755),
        ("/home", 0o755),
        ("/local", 0o755),
        ("/media", 0o755),
        ("/mnt", 0o755),
        ("/opt", 0o755),
        ("/proc", 0o555),
        ("/root", 0o550),
        ("/run", 0o755),
        ("/srv", 0o755),
        ("/sys", 0o555),
        ("/tmp", 0o1777),
        ("/usr", 0o755),
        ("/usr/bin", 0o755),
        ("/usr/sbin", 0o755),
        ("/usr/lib", 0o555),
        ("/usr/lib64", 0o555),
        ("/usr/libexec", 0o755),
        ("/usr/local", 0o755),
        ("/usr/local/bin", 0o755),
        ("/usr/local/sbin", 0o755),
        ("/usr/share", 0o755),
        ("/usr/include", 0o755),
        ("/usr/src", 0o755),
        ("/usr/games", 0o755),
        ("/var", 0o755),
        ("/var/lib", 0o755),
        ("/var/log", 0o755),
        ("/var/cache", 0o755),
        ("/var/spool", 0o755),
        ("/var/tmp", 0o1777),
        ("/var/empty", 0o755),
        ("/home/ec2-user", 0o700),
    ] {
        t.put(path, dir(perm, t0));
    }
    for (link, target) in [("/bin", "usr/bin"), ("/sbin", "usr/sbin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/var/run", "../run"), ("/var/lock", "../run/lock"), ("/usr/bin/sh", "bash")] {
        t.put(link, symlink(target, t0));
    }
    t.put("/etc/passwd", text(PASSWD, 0o644, t0));
    t.put("/etc/group", text(GROUP, 0o644, t0));
    t.put("/etc/shadow", text("root:!!:19139:0:99999:7:::\n", 0o000, t0));
    t.put("/etc/hostname", text("localhost.localdomain\n", 0o644, t0));
    t.put("/etc/os-release", text(OS_RELEASE, 0o644, t0));
    t.put("/etc/system-release", text("Amazon Linux release 2 (Karoo)\n", 0o644, t0));
    t.put("/etc/hosts", text("127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4\n::1         localhost6 localhost6.localdomain6\n", 0o644, t0));
    t.put("/etc/resolv.conf", text("options timeout:2 attempts:5\n; generated by /usr/sbin/dhclient-script\nsearch ap-northeast-1.compute.internal\nnameserver 172.30.0.2\n", 0o644, BOOT + 20));
    for (path, prog, size, perm) in PROGRAMS {
        t.put(path, program(prog, *size, *perm, t0));
    }
    for (name, content) in [(".bashrc", BASHRC), (".bash_profile", BASH_PROFILE), (".bash_logout", BASH_LOGOUT)] {
        put_owned(&mut t, &format!("/home/ec2-user/{name}"), text(content, 0o644, t0), 1000, 1000);
        t.put(&format!("/root/{name}"), text(content, 0o644, t0));
    }
    if let Ok(home) = t.walk(&["home", "ec2-user"]) {
        if let Some(n) = t.nodes.get_mut(home) {
            n.uid = 1000;
            n.gid = 1000;
        }
    }
    t
}

fn dev_tree() -> TreeFs {
    let t0 = BOOT + 2;
    let mut t = TreeFs::new(0o755, t0);
    t.put("/null", chardev(1, 3, 0o666, 0, t0));
    t.put("/zero", chardev(1, 5, 0o666, 0, t0));
    t.put("/full", chardev(1, 7, 0o666, 0, t0));
    t.put("/random", chardev(1, 8, 0o666, 0, t0));
    t.put("/urandom", chardev(1, 9, 0o666, 0, t0));
    t.put("/tty", chardev(5, 0, 0o666, 5, t0));
    t.put("/console", chardev(5, 1, 0o600, 0, t0));
    t.put("/ptmx", chardev(5, 2, 0o666, 5, t0));
    t.put("/nvme0n1", blockdev(259, 0, 0o660, 6, t0));
    t.put("/nvme0n1p1", blockdev(259, 1, 0o660, 6, t0));
    t.put("/pts", dir(0o755, t0));
    t.put("/shm", dir(0o1777, t0));
    t.put("/fd", symlink("/proc/self/fd", t0));
    t.put("/stdin", symlink("/proc/self/fd/0", t0));
    t.put("/stdout", symlink("/proc/self/fd/1", t0));
    t.put("/stderr", symlink("/proc/self/fd/2", t0));
    t
}

fn sys_tree() -> TreeFs {
    let mut t = TreeFs::new(0o555, BOOT);
    for d in ["block", "bus", "class", "dev", "devices", "firmware", "fs", "hypervisor", "kernel", "module", "power"] {
        t.put(&format!("/{d}"), dir(0o755, BOOT));
    }
    t.put("/fs/cgroup", dir(0o755, BOOT));
    t
}

/// Kernel threads of a 2-vCPU 4.14 kernel: (pid, name, stat).
const KTHREADS: &[(u32, &str, &str)] = &[
    (3, "rcu_gp", "I<"),
    (4, "rcu_par_gp", "I<"),
    (6, "kworker/0:0H-kblockd", "I<"),
    (8, "mm_percpu_wq", "I<"),
    (9, "ksoftirqd/0", "S"),
    (10, "rcu_sched", "I"),
    (11, "migration/0", "S"),
    (12, "cpuhp/0", "S"),
    (13, "cpuhp/1", "S"),
    (14, "migration/1", "S"),
    (15, "ksoftirqd/1", "S"),
    (17, "kworker/1:0H-kblockd", "I<"),
    (19, "kdevtmpfs", "S"),
    (20, "netns", "I<"),
    (21, "kauditd", "S"),
    (22, "khungtaskd", "S"),
    (23, "oom_reaper", "S"),
    (24, "writeback", "I<"),
    (25, "kcompactd0", "S"),
    (26, "ksmd", "SN"),
    (27, "khugepaged", "SN"),
    (28, "crypto", "I<"),
    (29, "kintegrityd", "I<"),
    (30, "kblockd", "I<"),
    (31, "md", "I<"),
    (32, "edac-poller", "I<"),
    (33, "watchdogd", "S"),
    (43, "kswapd0", "S"),
    (128, "kthrotld", "I<"),
    (129, "ipv6_addrconf", "I<"),
    (138, "kstrp", "I<"),
    (1162, "nvme-wq", "I<"),
    (1163, "nvme-reset-wq", "I<"),
    (1164, "nvme-delete-wq", "I<"),
    (1177, "xfsalloc", "I<"),
    (1178, "xfs_mru_cache", "I<"),
    (1181, "xfs-buf/nvme0n1", "I<"),
    (1185, "xfsaild/nvme0n1", "S"),
    (1186, "kworker/1:1H-kblockd", "I<"),
];

/// User-space processes: (pid, ppid, uid, stat, tty, vsz, rss, started (s after boot),
/// cpu ticks, argv).
#[allow(clippy::type_complexity)]
const DAEMONS: &[(u32, u32, u32, &str, Option<&str>, u64, u64, i64, u64, &str)] = &[
    (1192, 1, 0, "Ss", None, 39_088, 8_128, 4, 60, "/usr/lib/systemd/systemd-journald"),
    (1214, 1, 0, "Ss", None, 116_520, 1_924, 4, 1, "/usr/sbin/lvmetad -f"),
    (1222, 1, 0, "Ss", None, 44_512, 3_996, 4, 18, "/usr/lib/systemd/systemd-udevd"),
    (1650, 1, 0, "S<sl", None, 55_436, 1_060, 6, 2, "/sbin/auditd"),
    (1688, 1, 0, "Ss", None, 26_380, 1_788, 6, 3, "/usr/lib/systemd/systemd-logind"),
    (1690, 1, 81, "Ss", None, 58_232, 2_384, 6, 7, "/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation"),
    (1696, 1, 0, "Ss", None, 19_160, 1_380, 6, 22, "/usr/sbin/irqbalance --foreground"),
    (1699, 1, 0, "Ssl", None, 201_468, 1_604, 6, 1, "/usr/sbin/gssproxy -D"),
    (1700, 1, 0, "Ss", None, 94_108, 1_420, 6, 1, "/sbin/rngd -f --fill-watermark=0"),
    (1706, 1, 998, "S", None, 120_688, 1_764, 6, 4, "/usr/sbin/chronyd"),
    (1708, 1, 999, "Ss", None, 9_132, 796, 6, 1, "/usr/bin/lsmd -d"),
    (1717, 1, 32, "Ss", None, 67_288, 1_236, 6, 1, "/sbin/rpcbind -w"),
    (1905, 1, 0, "Ss", None, 98_108, 2_112, 8, 2, "/sbin/dhclient -q -lf /var/lib/dhclient/dhclient--eth0.lease -pf /var/run/dhclient-eth0.pid -H ip-172-30-1-40 eth0"),
    (1952, 1, 0, "Ss", None, 98_108, 2_036, 10, 1, "/sbin/dhclient -6 -nw -lf /var/lib/dhclient/dhclient6--eth0.lease -pf /var/run/dhclient6-eth0.pid eth0 -H ip-172-30-1-40"),
    (2114, 1, 0, "Ss", None, 89_720, 2_096, 12, 2, "/usr/libexec/postfix/master -w"),
    (2116, 2114, 89, "S", None, 89_824, 4_016, 12, 1, "pickup -l -t unix -u"),
    (2117, 2114, 89, "S", None, 89_896, 4_048, 12, 1, "qmgr -l -t unix -u"),
    (2160, 1, 0, "Ssl", None, 235_512, 10_844, 13, 34, "/usr/sbin/rsyslogd -n"),
    (2163, 1, 0, "Ssl", None, 1_235_516, 20_512, 13, 120, "/usr/bin/amazon-ssm-agent"),
    (2172, 1, 0, "Ss", None, 112_936, 4_300, 13, 2, "/usr/sbin/sshd -D"),
    (2178, 1, 0, "Ss", None, 128_048, 1_596, 13, 1, "/usr/sbin/crond -n"),
    (2180, 1, 0, "Ss", None, 25_904, 904, 13, 1, "/usr/sbin/atd -f"),
    (2186, 1, 0, "Ss+", Some("tty1"), 121_300, 1_680, 13, 1, "/sbin/agetty --noclear tty1 linux"),
    (2187, 1, 0, "Ss+", Some("ttyS0"), 120_936, 1_688, 13, 1, "/sbin/agetty --keep-baud 115200,38400,9600 ttyS0 vt220"),
    (2288, 2163, 0, "Sl", None, 1_327_808, 18_976, 15, 41, "/usr/bin/ssm-agent-worker"),
];

/// What the instance's daemons listen on: sshd on port 22, rpcbind's port 111 (systemd's
/// rpcbind.socket binds it and passes the descriptors to rpcbind, so both hold them), postfix
/// on localhost:25, chronyd's command port and dhclient's DHCP port.
fn daemon_sockets(k: &mut Kernel) {
    use crate::kernel::sockets::{any, Bind};
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    let lo4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let lo6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    // systemd's rpcbind.socket, its descriptors passed to rpcbind from fd 3 on.
    let rpcbind = [Bind::unix("/var/run/rpcbind.sock", 128), Bind::tcp(any(true), 111, true, 128), Bind::tcp(any(false), 111, false, 128), Bind::udp(any(false), 111, false), Bind::udp(any(true), 111, true)];
    k.sockets.fd_floor.insert(1, 37);
    for (i, b) in rpcbind.into_iter().enumerate() {
        if let Ok(fd) = k.bind_socket(1, b) {
            if let Some(inode) = k.socket_at(1, fd).map(|s| s.inode) {
                k.pass_socket(inode, 1717, 3 + i as u32);
            }
        }
    }
    for (pid, floor, binds) in [
        (1706, 5, vec![Bind::udp(lo4, 323, false), Bind::udp(lo6, 323, true)]),
        (1905, 6, vec![Bind::udp(any(false), 68, false)]),
        (2114, 13, vec![Bind::tcp(lo4, 25, false, 100), Bind::tcp(lo6, 25, true, 100)]),
        (2172, 3, vec![Bind::tcp(any(false), 22, false, 128), Bind::tcp(any(true), 22, true, 128)]),
    ] {
        k.sockets.fd_floor.insert(pid, floor);
        for b in binds {
            let _ = k.bind_socket(pid, b);
        }
    }
}

pub fn boot(seed: u64) -> (Kernel, u32) {
    let uname = Uname {
        sysname: "Linux".into(),
        release: "4.14.281-212.502.amzn2.x86_64".into(),
        version: "#1 SMP Thu May 26 09:52:17 UTC 2022".into(),
        machine: "x86_64".into(),
        processor: "x86_64".into(),
        os: "GNU/Linux".into(),
    };
    let mut k = Kernel::new(uname, BOOT, 1_998_428, 1, 32768);
    k.rng = seed;
    if let Some(u) = k.uts_ns.get_mut(&NsId(0)) {
        u.hostname = HOSTNAME.into();
    }

    // Filesystems and the initial mount table, in /proc/mounts order.
    let root = k.vfs.add_sb("xfs", SbKind::Tree(root_tree()), 8_376_300, 1_652_880);
    let sys = k.vfs.add_sb("sysfs", SbKind::Tree(sys_tree()), 0, 0);
    let proc_ = k.vfs.add_sb("proc", SbKind::Proc { pid_ns: NsId(0) }, 0, 0);
    let dev = k.vfs.add_sb("devtmpfs", SbKind::Tree(dev_tree()), 989_784, 0);
    let shm = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o1777, BOOT + 2)), 999_212, 0);
    let pts = k.vfs.add_sb("devpts", SbKind::Tree(TreeFs::new(0o755, BOOT + 2)), 0, 0);
    let mut run_tree = TreeFs::new(0o755, BOOT + 2);
    run_tree.put("/lock", dir(0o755, BOOT + 2));
    run_tree.put("/user", dir(0o755, SESSION_START - 60));
    let run = k.vfs.add_sb("tmpfs", SbKind::Tree(run_tree), 999_212, 420);
    let cgroup = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o755, BOOT + 2)), 999_212, 0);
    let user_run = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o700, SESSION_START - 60)), 199_844, 0);
    if let Some(ns) = k.mnt_ns.get_mut(&NsId(0)) {
        ns.mount("/", root, "/dev/nvme0n1p1", "rw,noatime,attr2,inode64,noquota");
        ns.mount("/sys", sys, "sysfs", "rw,nosuid,nodev,noexec,relatime");
        ns.mount("/proc", proc_, "proc", "rw,nosuid,nodev,noexec,relatime");
        ns.mount("/dev", dev, "devtmpfs", "rw,nosuid,size=989784k,nr_inodes=247446,mode=755");
        ns.mount("/dev/shm", shm, "tmpfs", "rw,nosuid,nodev");
        ns.mount("/dev/pts", pts, "devpts", "rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=000");
        ns.mount("/run", run, "tmpfs", "rw,nosuid,nodev,mode=755");
        ns.mount("/sys/fs/cgroup", cgroup, "tmpfs", "ro,nosuid,nodev,noexec,mode=755");
        ns.mount("/run/user/1000", user_run, "tmpfs", "rw,nosuid,nodev,relatime,size=199844k,mode=700,uid=1000,gid=1000");
    }
    if let Some(t) = k.vfs.tree_mut(user_run) {
        if let Some(n) = t.nodes.get_mut(0) {
            n.uid = 1000;
            n.gid = 1000;
        }
    }
    if let Some(t) = k.vfs.tree_mut(pts) {
        put_owned(t, "/0", chardev(136, 0, 0o620, 5, SESSION_START), 1000, 5);
        t.put("/ptmx", chardev(5, 2, 0o000, 0, BOOT + 2));
    }

    // Network: lo and the ENA interface eth0, addressed by DHCP.
    if let Some(net) = k.net_ns.get_mut(&NsId(0)) {
        if let Some(lo) = net.links.get_mut(&1) {
            lo.up = true;
            lo.carrier = true;
            lo.qdisc = "noqueue";
            lo.addrs.push(IfAddr { addr: [127, 0, 0, 1], prefix: 8, brd: None, dynamic_lft: None });
            lo.counters.rx_packets = 6;
            lo.counters.rx_bytes = 416;
            lo.counters.tx_packets = 6;
            lo.counters.tx_bytes = 416;
        }
        let eth0 = net.add_link("eth0", LinkKind::Ether, [0x06, 0xc4, 0xbd, 0x2e, 0x94, 0x8a], 9001);
        if let Some(l) = net.links.get_mut(&eth0) {
            l.up = true;
            l.carrier = true;
            l.qdisc = "mq";
            l.ipv6_ll = true;
            l.addrs.push(IfAddr { addr: [172, 30, 1, 40], prefix: 24, brd: Some([172, 30, 1, 255]), dynamic_lft: Some(3_270) });
            l.counters.rx_packets = 104_882;
            l.counters.rx_bytes = 137_559_104;
            l.counters.tx_packets = 31_644;
            l.counters.tx_bytes = 3_311_876;
        }
        net.routes.push(Route { dst: None, via: Some([172, 30, 1, 1]), dev: eth0, src: None, proto: None, metric: None });
        net.routes.push(Route { dst: Some(([169, 254, 169, 254], 32)), via: None, dev: eth0, src: None, proto: None, metric: None });
    }

    // Processes: systemd, kthreadd and its threads, the daemons, and the ssh session.
    place(&mut k, &ProcSpec { pid: 1, ppid: 0, uid: 0, argv: "/usr/lib/systemd/systemd --switched-root --system --deserialize 21", comm: "systemd", stat: "Ss", tty: None, vsz: 123_716, rss: 5_608, started: 0, cpu_ticks: 312 });
    place(&mut k, &ProcSpec { pid: 2, ppid: 0, uid: 0, argv: "", comm: "kthreadd", stat: "S", tty: None, vsz: 0, rss: 0, started: 0, cpu_ticks: 0 });
    for (pid, name, stat) in KTHREADS {
        place(&mut k, &ProcSpec { pid: *pid, ppid: 2, uid: 0, argv: "", comm: name, stat, tty: None, vsz: 0, rss: 0, started: if *pid > 1000 { 3 } else { 0 }, cpu_ticks: if *name == "rcu_sched" { 48 } else { 0 } });
    }
    for (pid, ppid, uid, stat, tty, vsz, rss, started, ticks, argv) in DAEMONS {
        let comm = argv.split(' ').next().unwrap_or("").rsplit('/').next().unwrap_or("").to_string();
        place(&mut k, &ProcSpec { pid: *pid, ppid: *ppid, uid: *uid, argv, comm: &comm, stat, tty: *tty, vsz: *vsz, rss: *rss, started: *started, cpu_ticks: *ticks });
    }
    daemon_sockets(&mut k);
    // Docker, started by hand a minute after boot (`sudo systemctl start docker`).
    place(&mut k, &ProcSpec { pid: CONTAINERD_PID, ppid: 1, uid: 0, argv: "/usr/bin/containerd", comm: "containerd", stat: "Ssl", tty: None, vsz: 1_367_168, rss: 43_612, started: 60, cpu_ticks: 404 });
    place(&mut k, &ProcSpec { pid: DOCKERD_PID, ppid: 1, uid: 0, argv: "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock ", comm: "dockerd", stat: "Ssl", tty: None, vsz: 1_446_720, rss: 82_940, started: 120, cpu_ticks: 512 });
    let saved = k.now;
    k.now = BOOT + 120;
    crate::engine::install::install(&mut k, DOCKERD_PID, CONTAINERD_PID, Platform::new("linux", "amd64", None), &[LOGIN_USER]);
    crate::compose::install(&mut k);
    k.now = saved;
    let login = SESSION_START - 45 - BOOT;
    place(&mut k, &ProcSpec { pid: 3012, ppid: 2172, uid: 0, argv: "sshd: ec2-user [priv]", comm: "sshd", stat: "Ss", tty: None, vsz: 154_816, rss: 8_640, started: login, cpu_ticks: 1 });
    place(&mut k, &ProcSpec { pid: 3030, ppid: 3012, uid: 1000, argv: "sshd: ec2-user@pts/0", comm: "sshd", stat: "S", tty: None, vsz: 154_816, rss: 4_232, started: login, cpu_ticks: 1 });
    place(&mut k, &ProcSpec { pid: 3031, ppid: 3030, uid: 1000, argv: "-bash", comm: "bash", stat: "Ss", tty: Some("pts/0"), vsz: 124_972, rss: 3_908, started: login, cpu_ticks: 1 });
    // The ssh connection this session came in on, held by both sshd processes of the session.
    let me = std::net::IpAddr::V4(std::net::Ipv4Addr::new(172, 30, 1, 40));
    let client = (std::net::IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 10)), 50702);
    if let Ok(fd) = k.bind_socket(3012, crate::kernel::sockets::Bind::tcp_connected(me, 22, client)) {
        if let Some(inode) = k.socket_at(3012, fd).map(|s| s.inode) {
            k.pass_socket(inode, 3030, fd);
        }
    }
    if let Some(p) = k.procs.get_mut(&3031) {
        p.gid = 1000;
        p.cwd = "/home/ec2-user".into();
        p.exe = "/usr/bin/bash".into();
    }
    for (pid, uid) in [(1690u32, 81u32), (1706, 996), (1708, 997), (1717, 32), (2116, 89), (2117, 89), (3030, 1000)] {
        if let Some(p) = k.procs.get_mut(&pid) {
            p.gid = if pid == 3030 { 1000 } else { uid };
        }
    }
    // The next process gets a PID a little above the session's.
    k.set_last_pid(NsId(0), 3057);
    (k, 3031)
}

/// The login shell's environment (Amazon Linux 2, ssh login as ec2-user).
pub fn login_env() -> Vec<(String, String)> {
    [
        ("XDG_SESSION_ID", "1"),
        ("HOSTNAME", HOSTNAME),
        ("TERM", "xterm-256color"),
        ("SHELL", "/bin/bash"),
        ("HISTSIZE", "1000"),
        ("SSH_CLIENT", "203.0.113.10 50702 22"),
        ("SSH_TTY", "/dev/pts/0"),
        ("USER", "ec2-user"),
        ("MAIL", "/var/spool/mail/ec2-user"),
        ("PATH", "/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin:/home/ec2-user/.local/bin:/home/ec2-user/bin"),
        ("PWD", "/home/ec2-user"),
        ("LANG", "en_US.UTF-8"),
        ("HISTCONTROL", "ignoredups"),
        ("SHLVL", "1"),
        ("HOME", "/home/ec2-user"),
        ("LOGNAME", "ec2-user"),
        ("SSH_CONNECTION", "203.0.113.10 50702 172.30.1.40 22"),
        ("LESSOPEN", "||/usr/bin/lesspipe.sh %s"),
        ("XDG_RUNTIME_DIR", "/run/user/1000"),
        ("_", "/usr/bin/env"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}
