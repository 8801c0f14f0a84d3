//! The Linux VM of a desktop app: a small busybox-based Linux (LinuxKit for Docker Desktop,
//! Alpine for Rancher Desktop's Lima) with dockerd installed by `engine::install` for the
//! VM's platform. What the learner sees after `rdctl shell` or Docker Desktop's
//! `nsenter -t 1 -m -u -n -i sh`: dockerd, containerd, the shims and containers' processes,
//! docker0 and the veths, /var/lib/docker.

use super::build::*;
use crate::image::oci::Platform;
use crate::kernel::binfmt::{Binfmt, BinfmtEntry};
use crate::kernel::net::{IfAddr, LinkKind, Route};
use crate::kernel::vfs::{SbKind, TreeFs};
use crate::kernel::{Kernel, NsId, Pid, Uname};

/// A process of the VM: (pid, ppid, uid, stat, vsz, rss, started s after boot, argv).
pub type VmProc = (Pid, Pid, u32, &'static str, u64, u64, i64, &'static str);

/// What differs between the two VMs.
pub struct VmSpec {
    pub hostname: &'static str,
    pub uname: Uname,
    pub boot: i64,
    pub mem_kb: u64,
    pub ncpu: u32,
    /// The platform dockerd pulls for.
    pub platform: Platform,
    pub os_release: &'static str,
    pub passwd: String,
    pub group: String,
    /// eth0's address and gateway.
    pub addr: [u8; 4],
    pub gateway: [u8; 4],
    pub mac: [u8; 6],
    pub procs: &'static [VmProc],
    pub dockerd_pid: Pid,
    pub containerd_pid: Pid,
    /// Users in the docker group.
    pub docker_users: Vec<String>,
    /// binfmt_misc entries registered at boot (qemu-user for the other architecture).
    pub binfmt: Vec<BinfmtEntry>,
    /// Host directories shared into the VM at the same path (the Mac's /Users/NAME).
    pub shared_dirs: Vec<(String, u32, u32)>,
    /// Extra programs: (path, program).
    pub extra_programs: &'static [(&'static str, &'static str)],
}

/// busybox applets of the VM: (path, the program standing in for the applet while no
/// busybox is built in).
const APPLETS: &[(&str, &str)] = &[
    ("/bin/ash", "bash"),
    ("/bin/cat", "cat"),
    ("/bin/date", "date"),
    ("/bin/df", "df"),
    ("/bin/echo", "echo"),
    ("/bin/false", "false"),
    ("/bin/grep", "grep"),
    ("/bin/hostname", "hostname"),
    ("/bin/ls", "ls"),
    ("/bin/mount", "mount"),
    ("/bin/ps", "ps"),
    ("/bin/pwd", "pwd"),
    ("/bin/sh", "bash"),
    ("/bin/sleep", "sleep"),
    ("/bin/su", "su"),
    ("/bin/true", "true"),
    ("/bin/uname", "uname"),
    ("/sbin/ifconfig", "ifconfig"),
    ("/sbin/ip", "ip"),
    ("/usr/bin/env", "env"),
    ("/usr/bin/head", "head"),
    ("/usr/bin/id", "id"),
    ("/usr/bin/nsenter", "nsenter"),
    ("/usr/bin/readlink", "readlink"),
    ("/usr/bin/sort", "sort"),
    ("/usr/bin/tail", "tail"),
    ("/usr/bin/unshare", "unshare"),
    ("/usr/bin/uptime", "uptime"),
    ("/usr/bin/wc", "wc"),
    ("/usr/bin/which", "which"),
    ("/usr/bin/whoami", "whoami"),
];

/// The userland: with busybox in the simulation, `/bin/busybox` and applet links to it as
/// in Alpine; until then each applet runs the host's program of that name.
fn userland(t: &mut TreeFs, t0: i64) {
    let busybox = crate::utils::program("busybox").is_some();
    if busybox {
        t.put("/bin/busybox", program("busybox", 841_288, 0o755, t0));
    }
    for (path, stand_in) in APPLETS {
        if busybox {
            t.put(path, symlink("/bin/busybox", t0));
        } else {
            t.put(path, program(stand_in, 841_288, 0o755, t0));
        }
    }
}

fn root_tree(spec: &VmSpec) -> TreeFs {
    let t0 = spec.boot - 86_400;
    let mut t = TreeFs::new(0o755, t0);
    for (path, perm) in [
        ("/bin", 0o755),
        ("/dev", 0o755),
        ("/etc", 0o755),
        ("/home", 0o755),
        ("/lib", 0o755),
        ("/media", 0o755),
        ("/mnt", 0o755),
        ("/opt", 0o755),
        ("/proc", 0o555),
        ("/root", 0o700),
        ("/run", 0o755),
        ("/sbin", 0o755),
        ("/srv", 0o755),
        ("/sys", 0o555),
        ("/tmp", 0o1777),
        ("/usr/bin", 0o755),
        ("/usr/sbin", 0o755),
        ("/usr/local/bin", 0o755),
        ("/var/lib", 0o755),
        ("/var/log", 0o755),
        ("/var/tmp", 0o1777),
    ] {
        t.put(path, dir(perm, t0));
    }
    t.put("/var/run", symlink("/run", t0));
    userland(&mut t, t0);
    t.put("/bin/bash", program("bash", 772_672, 0o755, t0));
    t.put("/usr/bin/sudo", program("sudo", 190_352, 0o4111, t0));
    for (path, prog) in spec.extra_programs {
        t.put(path, program(prog, 1_000_000, 0o755, t0));
    }
    t.put("/etc/hostname", text(&format!("{}\n", spec.hostname), 0o644, t0));
    t.put("/etc/os-release", text(spec.os_release, 0o644, t0));
    t.put("/etc/passwd", text(&spec.passwd, 0o644, t0));
    t.put("/etc/group", text(&spec.group, 0o644, t0));
    for (dir_path, uid, gid) in &spec.shared_dirs {
        put_owned(&mut t, dir_path, dir(0o750, t0), *uid, *gid);
    }
    t
}

/// Boots the VM: filesystems, eth0, its daemons, binfmt_misc, and Docker.
pub fn boot(spec: &VmSpec, seed: u64) -> Kernel {
    let mut k = Kernel::new(spec.uname.clone(), spec.boot, spec.mem_kb, spec.ncpu, 4_194_304);
    k.rng = seed ^ 0x766d;
    if let Some(u) = k.uts_ns.get_mut(&NsId(0)) {
        u.hostname = spec.hostname.into();
    }
    let root = k.vfs.add_sb("ext4", SbKind::Tree(root_tree(spec)), 61_255_652, 3_120_408);
    let proc_ = k.vfs.add_sb("proc", SbKind::Proc { pid_ns: NsId(0) }, 0, 0);
    let sys = k.vfs.add_sb("sysfs", SbKind::Tree(TreeFs::new(0o555, spec.boot)), 0, 0);
    let mut dev_t = TreeFs::new(0o755, spec.boot);
    dev_t.put("/null", chardev(1, 3, 0o666, 0, spec.boot));
    dev_t.put("/zero", chardev(1, 5, 0o666, 0, spec.boot));
    dev_t.put("/pts", dir(0o755, spec.boot));
    let dev = k.vfs.add_sb("devtmpfs", SbKind::Tree(dev_t), 1_000_000, 0);
    let run = k.vfs.add_sb("tmpfs", SbKind::Tree(TreeFs::new(0o755, spec.boot)), spec.mem_kb / 5, 300);
    if let Some(ns) = k.mnt_ns.get_mut(&NsId(0)) {
        ns.mount("/", root, "/dev/vda1", "rw,relatime");
        ns.mount("/proc", proc_, "proc", "rw,nosuid,nodev,noexec,relatime");
        ns.mount("/sys", sys, "sysfs", "rw,nosuid,nodev,noexec,relatime");
        ns.mount("/dev", dev, "devtmpfs", "rw,nosuid,noexec,relatime,mode=755");
        ns.mount("/run", run, "tmpfs", "rw,nosuid,nodev,noexec,relatime,mode=755");
    }
    if let Some(net) = k.net_ns.get_mut(&NsId(0)) {
        if let Some(lo) = net.links.get_mut(&1) {
            lo.up = true;
            lo.carrier = true;
            lo.qdisc = "noqueue";
            lo.addrs.push(IfAddr { addr: [127, 0, 0, 1], prefix: 8, brd: None, dynamic_lft: None });
        }
        let eth0 = net.add_link("eth0", LinkKind::Ether, spec.mac, 1500);
        if let Some(l) = net.links.get_mut(&eth0) {
            l.up = true;
            l.carrier = true;
            l.qdisc = "pfifo_fast";
            l.ipv6_ll = true;
            let b = spec.addr;
            l.addrs.push(IfAddr { addr: b, prefix: 24, brd: Some([b[0], b[1], b[2], 255]), dynamic_lft: None });
        }
        net.routes.push(Route { dst: None, via: Some(spec.gateway), dev: eth0, src: None, proto: None, metric: None });
    }
    place(&mut k, &ProcSpec { pid: 1, ppid: 0, uid: 0, argv: "/sbin/init", comm: "init", stat: "Ss", tty: None, vsz: 1_628, rss: 1_032, started: 0, cpu_ticks: 80 });
    place(&mut k, &ProcSpec { pid: 2, ppid: 0, uid: 0, argv: "", comm: "kthreadd", stat: "S", tty: None, vsz: 0, rss: 0, started: 0, cpu_ticks: 0 });
    for (pid, name) in [(3u32, "rcu_gp"), (4, "rcu_par_gp"), (9, "ksoftirqd/0"), (10, "rcu_sched"), (11, "migration/0"), (13, "kdevtmpfs")] {
        place(&mut k, &ProcSpec { pid, ppid: 2, uid: 0, argv: "", comm: name, stat: if name.starts_with("rcu_") && name != "rcu_sched" { "I<" } else { "S" }, tty: None, vsz: 0, rss: 0, started: 0, cpu_ticks: 0 });
    }
    for (pid, ppid, uid, stat, vsz, rss, started, argv) in spec.procs {
        let exe = argv.split(' ').next().unwrap_or("");
        let comm = exe.rsplit('/').next().unwrap_or(exe).to_string();
        place(&mut k, &ProcSpec { pid: *pid, ppid: *ppid, uid: *uid, argv, comm: &comm, stat, tty: None, vsz: *vsz, rss: *rss, started: *started, cpu_ticks: 20 });
    }
    if !spec.binfmt.is_empty() {
        k.binfmt = Some(Binfmt { enabled: true, entries: spec.binfmt.iter().rev().cloned().collect() });
    }
    let saved = k.now;
    k.now = spec.boot + 12;
    let users: Vec<&str> = spec.docker_users.iter().map(String::as_str).collect();
    crate::engine::install::install(&mut k, spec.dockerd_pid, spec.containerd_pid, spec.platform.clone(), &users);
    k.now = saved;
    let last = spec.procs.iter().map(|p| p.0).max().unwrap_or(100);
    k.set_last_pid(NsId(0), last + 20);
    k
}
