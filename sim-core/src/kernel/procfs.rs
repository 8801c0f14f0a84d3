//! `/proc`, generated from kernel state at the moment it is read, for the PID namespace of
//! the procfs mount: `/proc/PID/...`, `/proc/self` and the system files agree with `ps`
//! because `ps` reads them.

use crate::sort::SortSlice;
use super::vfs::{FileType, Stat};
use super::{Errno, Kernel, NsId, NsKind, Pid};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProcNode {
    Root,
    /// `/proc/self` and `/proc/thread-self`.
    SelfLink(bool),
    /// A file directly under `/proc` (`meminfo`, `uptime`, ...), or `mounts`/`net` links.
    Info(&'static str),
    /// A path under `/proc/sys` (components joined by '/'; "" is `/proc/sys` itself).
    Sys(String),
    Pid(Pid),
    PidFile(Pid, &'static str),
    /// `cwd`, `exe`, `root`.
    PidLink(Pid, &'static str),
    /// `ns`, `fd`, `fdinfo`, `task`, `attr`, `net`, `map_files`.
    PidDir(Pid, &'static str),
    NsLink(Pid, NsKind),
    FdLink(Pid, u32),
}

/// Files and directories directly under /proc, as a 4.14/5.10 kernel lists them.
const INFO: &[&str] = &[
    "buddyinfo", "cgroups", "cmdline", "consoles", "cpuinfo", "crypto", "devices", "diskstats",
    "dma", "execdomains", "fb", "filesystems", "interrupts", "iomem", "ioports", "kallsyms",
    "kcore", "key-users", "keys", "kmsg", "kpagecgroup", "kpagecount", "kpageflags", "loadavg",
    "locks", "mdstat", "meminfo", "misc", "modules", "mounts", "mtrr", "net", "pagetypeinfo",
    "partitions", "sched_debug", "schedstat", "slabinfo", "softirqs", "stat", "swaps",
    "sysrq-trigger", "timer_list", "uptime", "version", "vmallocinfo", "vmstat", "zoneinfo",
];
/// Directories directly under /proc that are shown but kept empty.
const INFO_DIRS: &[&str] = &["acpi", "bus", "driver", "fs", "irq", "scsi", "sysvipc", "tty"];

const PID_FILES: &[&str] = &[
    "autogroup", "auxv", "cgroup", "clear_refs", "cmdline", "comm", "coredump_filter", "cpuset",
    "environ", "gid_map", "io", "limits", "loginuid", "maps", "mem", "mountinfo", "mounts",
    "mountstats", "numa_maps", "oom_adj", "oom_score", "oom_score_adj", "pagemap", "personality",
    "projid_map", "sched", "schedstat", "sessionid", "setgroups", "smaps", "smaps_rollup",
    "stack", "stat", "statm", "status", "syscall", "timers", "timerslack_ns", "uid_map", "wchan",
];
const PID_LINKS: &[&str] = &["cwd", "exe", "root"];
const PID_DIRS: &[&str] = &["attr", "fd", "fdinfo", "map_files", "net", "ns", "task"];

/// /proc/sys files modeled: path -> generator key.
const SYS_FILES: &[&str] = &[
    "fs/binfmt_misc",
    "kernel/hostname",
    "kernel/ostype",
    "kernel/osrelease",
    "kernel/pid_max",
    "kernel/version",
    "net/ipv4/ip_forward",
];

/// The file of a mounted binfmt_misc a `/proc/sys` path names (`register`, `status` or an
/// entry's name).
fn binfmt_file<'a>(k: &Kernel, path: &'a str) -> Option<&'a str> {
    let name = path.strip_prefix("fs/binfmt_misc/")?;
    let b = k.binfmt.as_ref()?;
    (name == "register" || name == "status" || b.entry(name).is_some()).then_some(name)
}

fn find(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|n| *n == name)
}

fn sys_dirs() -> Vec<String> {
    let mut dirs = vec![String::new()];
    for f in SYS_FILES {
        let parts: Vec<&str> = f.split('/').collect();
        for i in 1..parts.len() {
            let d = parts[..i].join("/");
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    dirs
}

pub fn lookup(k: &Kernel, pid_ns: NsId, _viewer: Pid, rest: &[&str]) -> Result<ProcNode, Errno> {
    let Some((first, tail)) = rest.split_first() else { return Ok(ProcNode::Root) };
    if let Ok(local) = first.parse::<u32>() {
        if first.starts_with('0') || first.starts_with('+') {
            return Err(Errno::ENOENT);
        }
        let pid = k.global_pid(pid_ns, local).ok_or(Errno::ENOENT)?;
        return lookup_pid(pid, tail);
    }
    match (*first, tail) {
        ("self", []) => Ok(ProcNode::SelfLink(false)),
        ("thread-self", []) => Ok(ProcNode::SelfLink(true)),
        ("sys", _) => {
            let p = tail.join("/");
            if binfmt_file(k, &p).is_some() {
                return Ok(ProcNode::Sys(p));
            }
            if sys_dirs().contains(&p) || SYS_FILES.contains(&p.as_str()) {
                Ok(ProcNode::Sys(p))
            } else {
                Err(Errno::ENOENT)
            }
        }
        (name, []) => find(INFO, name)
            .or_else(|| find(INFO_DIRS, name))
            .map(ProcNode::Info)
            .ok_or(Errno::ENOENT),
        (name, _) if find(INFO_DIRS, name).is_some() => Err(Errno::ENOENT),
        (name, _) if find(INFO, name).is_some() => Err(Errno::ENOTDIR),
        _ => Err(Errno::ENOENT),
    }
}

fn lookup_pid(pid: Pid, rest: &[&str]) -> Result<ProcNode, Errno> {
    match rest {
        [] => Ok(ProcNode::Pid(pid)),
        [name] => find(PID_FILES, name)
            .map(|n| ProcNode::PidFile(pid, n))
            .or_else(|| find(PID_LINKS, name).map(|n| ProcNode::PidLink(pid, n)))
            .or_else(|| find(PID_DIRS, name).map(|n| ProcNode::PidDir(pid, n)))
            .ok_or(Errno::ENOENT),
        ["ns", kind] => NsKind::ALL
            .iter()
            .find(|k| k.file_name() == *kind)
            .map(|k| ProcNode::NsLink(pid, *k))
            .ok_or(Errno::ENOENT),
        ["fd", n] => match n.parse::<u32>() {
            Ok(fd) if fd <= 2 => Ok(ProcNode::FdLink(pid, fd)),
            _ => Err(Errno::ENOENT),
        },
        [dir, ..] if find(PID_DIRS, dir).is_some() => Err(Errno::ENOENT),
        [f, ..] if find(PID_FILES, f).is_some() => Err(Errno::ENOTDIR),
        _ => Err(Errno::ENOENT),
    }
}

pub fn stat(k: &Kernel, node: &ProcNode, dev: u64) -> Option<Stat> {
    let owner = |pid: &Pid| k.procs.get(pid).map(|p| (p.uid, p.gid, p.start));
    let boot = k.boot_time;
    let (ftype, perm, uid, gid, mtime) = match node {
        ProcNode::Root => (FileType::Dir, 0o555, 0, 0, boot),
        ProcNode::SelfLink(_) => (FileType::Symlink, 0o777, 0, 0, boot),
        ProcNode::Info("mounts") | ProcNode::Info("net") => (FileType::Symlink, 0o777, 0, 0, boot),
        ProcNode::Info(n) if find(INFO_DIRS, n).is_some() => (FileType::Dir, 0o555, 0, 0, boot),
        ProcNode::Info("kmsg") | ProcNode::Info("kcore") | ProcNode::Info("kpageflags") => {
            (FileType::File, 0o400, 0, 0, boot)
        }
        ProcNode::Info(_) => (FileType::File, 0o444, 0, 0, boot),
        ProcNode::Sys(p) if binfmt_file(k, p) == Some("register") => (FileType::File, 0o200, 0, 0, boot),
        ProcNode::Sys(p) if binfmt_file(k, p).is_some() => (FileType::File, 0o644, 0, 0, boot),
        // A mounted binfmt_misc is a filesystem of its own, drwxr-xr-x.
        ProcNode::Sys(p) if p == "fs/binfmt_misc" && k.binfmt.is_some() => (FileType::Dir, 0o755, 0, 0, boot),
        ProcNode::Sys(p) if SYS_FILES.contains(&p.as_str()) && p != "fs/binfmt_misc" => {
            (FileType::File, 0o644, 0, 0, boot)
        }
        ProcNode::Sys(_) => (FileType::Dir, 0o555, 0, 0, boot),
        ProcNode::Pid(p) => {
            let (u, g, t) = owner(p)?;
            (FileType::Dir, 0o555, u, g, t)
        }
        ProcNode::PidFile(p, name) => {
            let (u, g, t) = owner(p)?;
            let perm = match *name {
                "environ" | "auxv" | "mem" | "pagemap" | "stack" | "syscall" | "personality" => 0o400,
                "clear_refs" => 0o200,
                "oom_adj" | "oom_score_adj" | "loginuid" | "coredump_filter" | "comm"
                | "autogroup" | "sched" | "timerslack_ns" | "uid_map" | "gid_map"
                | "projid_map" | "setgroups" | "mounts" => 0o644,
                _ => 0o444,
            };
            (FileType::File, perm, u, g, t)
        }
        ProcNode::PidLink(p, _) | ProcNode::NsLink(p, _) => {
            let (u, g, t) = owner(p)?;
            (FileType::Symlink, 0o777, u, g, t)
        }
        ProcNode::FdLink(p, _) => {
            let (u, g, t) = owner(p)?;
            (FileType::Symlink, 0o700, u, g, t)
        }
        ProcNode::PidDir(p, name) => {
            let (u, g, t) = owner(p)?;
            let perm = match *name {
                "ns" => 0o511,
                "fd" | "map_files" => 0o500,
                _ => 0o555,
            };
            (FileType::Dir, perm, u, g, t)
        }
    };
    // procfs reports size 0 for everything, its symlinks included.
    let size = 0;
    Some(Stat {
        ftype,
        perm,
        uid,
        gid,
        size,
        mtime,
        nlink: if ftype == FileType::Dir { 2 } else { 1 },
        ino: ino_of(node),
        dev,
        rdev: (0, 0),
        blocks: 0,
    })
}

fn ino_of(node: &ProcNode) -> u64 {
    match node {
        ProcNode::Root => 1,
        ProcNode::Pid(p) => 10_000 + *p as u64 * 16,
        _ => 4026531841,
    }
}

pub fn readlink(k: &Kernel, pid_ns: NsId, viewer: Pid, node: &ProcNode) -> Option<String> {
    match node {
        ProcNode::SelfLink(thread) => {
            let me = k.pid_in(viewer, pid_ns)?;
            Some(if *thread { format!("{me}/task/{me}") } else { me.to_string() })
        }
        ProcNode::Info("mounts") => Some("self/mounts".into()),
        ProcNode::Info("net") => Some("self/net".into()),
        ProcNode::PidLink(p, "cwd") => k.procs.get(p).map(|p| p.cwd.clone()),
        ProcNode::PidLink(p, "exe") => k.procs.get(p).filter(|p| !p.kthread).map(|p| p.exe.clone()),
        ProcNode::PidLink(_, "root") => Some("/".into()),
        ProcNode::NsLink(p, kind) => {
            let proc = k.procs.get(p)?;
            Some(format!("{}:[{}]", kind.link_type(), k.ns_inode(proc, *kind)))
        }
        ProcNode::FdLink(p, _) => {
            let tty = k.procs.get(p)?.tty.clone()?;
            Some(format!("/dev/{tty}"))
        }
        _ => None,
    }
}

pub fn read_dir(k: &Kernel, pid_ns: NsId, _viewer: Pid, node: &ProcNode) -> Result<Vec<(String, ProcNode)>, Errno> {
    match node {
        ProcNode::Root => {
            let mut v: Vec<(String, ProcNode)> = Vec::new();
            for d in INFO_DIRS {
                v.push((d.to_string(), ProcNode::Info(d)));
            }
            for f in INFO {
                v.push((f.to_string(), ProcNode::Info(f)));
            }
            v.push(("self".into(), ProcNode::SelfLink(false)));
            v.push(("sys".into(), ProcNode::Sys(String::new())));
            v.push(("thread-self".into(), ProcNode::SelfLink(true)));
            for (local, global) in k.visible_pids(pid_ns) {
                v.push((local.to_string(), ProcNode::Pid(global)));
            }
            Ok(v)
        }
        ProcNode::Sys(dir) if dir == "fs/binfmt_misc" => {
            let Some(b) = &k.binfmt else { return Ok(Vec::new()) };
            let mut names: Vec<String> = b.entries.iter().map(|e| e.name.clone()).collect();
            names.push("register".into());
            names.push("status".into());
            names.sort_stable();
            Ok(names.into_iter().map(|n| (n.clone(), ProcNode::Sys(format!("{dir}/{n}")))).collect())
        }
        ProcNode::Sys(dir) if binfmt_file(k, dir).is_some() => Err(Errno::ENOTDIR),
        ProcNode::Sys(dir) => {
            let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            let mut names: Vec<String> = Vec::new();
            for p in sys_dirs().into_iter().chain(SYS_FILES.iter().map(|s| s.to_string())) {
                if let Some(rest) = p.strip_prefix(&prefix) {
                    if !rest.is_empty() && !rest.contains('/') && !names.contains(&rest.to_string()) {
                        names.push(rest.to_string());
                    }
                }
            }
            names.sort_stable();
            Ok(names.into_iter().map(|n| (n.clone(), ProcNode::Sys(format!("{prefix}{n}")))).collect())
        }
        ProcNode::Info(_) => Ok(Vec::new()),
        ProcNode::Pid(p) => {
            let mut v: Vec<(String, ProcNode)> = Vec::new();
            for f in PID_FILES {
                v.push((f.to_string(), ProcNode::PidFile(*p, f)));
            }
            for l in PID_LINKS {
                v.push((l.to_string(), ProcNode::PidLink(*p, l)));
            }
            for d in PID_DIRS {
                v.push((d.to_string(), ProcNode::PidDir(*p, d)));
            }
            v.sort_stable_by(|a, b| a.0.cmp(&b.0));
            Ok(v)
        }
        ProcNode::PidDir(p, "ns") => Ok(NsKind::ALL
            .iter()
            .map(|kind| (kind.file_name().to_string(), ProcNode::NsLink(*p, *kind)))
            .collect()),
        ProcNode::PidDir(p, "fd") => {
            let has_tty = k.procs.get(p).map(|p| p.tty.is_some()).unwrap_or(false);
            Ok(if has_tty { (0..3).map(|i| (i.to_string(), ProcNode::FdLink(*p, i))).collect() } else { Vec::new() })
        }
        ProcNode::PidDir(..) => Ok(Vec::new()),
        _ => Err(Errno::ENOTDIR),
    }
}

pub fn read(k: &Kernel, pid_ns: NsId, viewer: Pid, node: &ProcNode) -> Result<Vec<u8>, Errno> {
    let text = match node {
        ProcNode::Info(name) => info(k, viewer, name),
        ProcNode::Sys(path) if binfmt_file(k, path).is_some() => {
            let b = k.binfmt.as_ref().ok_or(Errno::ENOENT)?;
            match binfmt_file(k, path) {
                // register has no read operation.
                Some("register") => return Err(Errno::EINVAL),
                Some("status") => b.status_text().to_string(),
                Some(name) => b.entry(name).map(|e| e.render()).ok_or(Errno::ENOENT)?,
                None => return Err(Errno::ENOENT),
            }
        }
        ProcNode::Sys(path) => match path.as_str() {
            "kernel/hostname" => format!("{}\n", k.hostname_of(viewer)),
            "kernel/ostype" => format!("{}\n", k.uname.sysname),
            "kernel/osrelease" => format!("{}\n", k.uname.release),
            "kernel/pid_max" => format!("{}\n", k.procs.get(&viewer).and_then(|p| k.pid_ns.get(&p.ns.pid)).map(|n| n.pid_max).unwrap_or(k.pid_max)),
            "kernel/version" => format!("{}\n", k.uname.version),
            "net/ipv4/ip_forward" => "1\n".to_string(),
            _ => return Err(Errno::EISDIR),
        },
        ProcNode::PidFile(p, name) => pid_file(k, pid_ns, viewer, *p, name)?,
        _ => return Err(Errno::EINVAL),
    };
    Ok(text.into_bytes())
}

fn info(k: &Kernel, viewer: Pid, name: &str) -> String {
    match name {
        "uptime" => {
            let up = k.uptime();
            // Idle time: every CPU idle for most of the uptime.
            let idle = up * k.ncpu as i64 * 97 / 100;
            format!("{}.{:02} {}.{:02}\n", up, (up * 37) % 100, idle, (idle * 53) % 100)
        }
        "loadavg" => {
            let running = k.procs.values().filter(|p| p.state.letter() == 'R').count();
            // The last field is the last PID given out in the reader's PID namespace.
            let last = k.procs.get(&viewer).and_then(|p| k.pid_ns.get(&p.ns.pid)).map(|n| n.last_pid()).unwrap_or(1);
            format!("0.00 0.00 0.00 {}/{} {}\n", running.max(1), k.procs.len(), last)
        }
        "version" => format!("{} version {} {}\n", k.uname.sysname, k.uname.release, k.uname.version),
        "meminfo" => {
            let total = k.mem_total_kb;
            let used: u64 = k.procs.values().map(|p| p.rss_kb).sum();
            let free = total.saturating_sub(used * 2);
            format!(
                "MemTotal:       {:>8} kB\nMemFree:        {:>8} kB\nMemAvailable:   {:>8} kB\nBuffers:        {:>8} kB\nCached:         {:>8} kB\nSwapCached:            0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n",
                total, free / 2, free, 2088, free / 3
            )
        }
        "cpuinfo" => {
            let mut s = String::new();
            for i in 0..k.ncpu {
                s.push_str(&format!(
                    "processor\t: {i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz\nstepping\t: 7\ncpu MHz\t\t: 2499.998\ncache size\t: 36608 KB\nphysical id\t: 0\nsiblings\t: {n}\ncore id\t\t: {c}\ncpu cores\t: {cores}\napicid\t\t: {i}\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch invpcid_single pti fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves ida arat pku ospke\nbogomips\t: 4999.99\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n",
                    n = k.ncpu,
                    c = i / 2,
                    cores = (k.ncpu / 2).max(1)
                ));
            }
            s
        }
        "filesystems" => "nodev\tsysfs\nnodev\ttmpfs\nnodev\tbdev\nnodev\tproc\nnodev\tcgroup\nnodev\tcgroup2\nnodev\tcpuset\nnodev\tdevtmpfs\nnodev\tdebugfs\nnodev\ttracefs\nnodev\tsecurityfs\nnodev\tsockfs\nnodev\tbpf\nnodev\tpipefs\nnodev\tramfs\nnodev\thugetlbfs\nnodev\tdevpts\n\text3\n\text2\n\text4\n\txfs\nnodev\tmqueue\nnodev\tbinfmt_misc\nnodev\toverlay\n".into(),
        "cmdline" => format!("BOOT_IMAGE=/boot/vmlinuz-{} root=UUID=1f5d2f1c-7c2e-4b0e-9a34-4b3f3b0e8a51 ro console=tty0 console=ttyS0,115200n8 net.ifnames=0 biosdevname=0 nvme_core.io_timeout=4294967295 rd.emergency=poweroff rd.shell=0\n", k.uname.release),
        "mounts" => mounts_text(k, viewer),
        _ => String::new(),
    }
}

/// `/proc/PID/mounts` (and `/proc/mounts`): "source target fstype options 0 0".
pub fn mounts_text(k: &Kernel, pid: Pid) -> String {
    let mut s = String::new();
    for m in k.mounts_of(pid) {
        let fstype = k.vfs.sbs.get(m.sb).map(|s| s.fstype.as_str()).unwrap_or("?");
        s.push_str(&format!("{} {} {} {} 0 0\n", m.source, m.target, fstype, m.opts));
    }
    s
}

fn pid_file(k: &Kernel, pid_ns: NsId, viewer: Pid, pid: Pid, name: &str) -> Result<String, Errno> {
    let p = k.procs.get(&pid).ok_or(Errno::ESRCH)?;
    let local = |g: Pid| k.pid_in(g, pid_ns).unwrap_or(0);
    let level = k.pid_ns.get(&pid_ns).map(|n| n.level).unwrap_or(0);
    Ok(match name {
        "cmdline" => {
            if p.kthread {
                String::new()
            } else {
                let mut s = p.argv.join("\0");
                s.push('\0');
                s
            }
        }
        "comm" => format!("{}\n", p.comm),
        "environ" => {
            let viewer_uid = k.procs.get(&viewer).map(|v| v.uid).unwrap_or(0);
            if viewer_uid != 0 && viewer_uid != p.uid {
                return Err(Errno::EACCES);
            }
            p.env.iter().map(|(a, b)| format!("{a}={b}\0")).collect()
        }
        "mounts" => mounts_text(k, pid),
        "uid_map" | "gid_map" => "         0          0 4294967295\n".into(),
        "cgroup" => "11:cpuset:/\n10:memory:/user.slice\n9:blkio:/user.slice\n8:devices:/user.slice\n7:pids:/user.slice\n6:net_cls,net_prio:/\n5:perf_event:/\n4:hugetlb:/\n3:freezer:/\n2:cpu,cpuacct:/user.slice\n1:name=systemd:/user.slice/user-1000.slice/session-1.scope\n".into(),
        "stat" => {
            let sid = p.ns_pids.get(level).copied().unwrap_or(0);
            format!(
                "{} ({}) {} {} {} {} 0 -1 4194560 0 0 0 0 {} {} 0 0 20 {} {} 0 {} {} {} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                local(pid),
                p.comm,
                p.state.letter(),
                local(p.ppid),
                sid,
                sid,
                p.cpu_ticks / 2,
                p.cpu_ticks - p.cpu_ticks / 2,
                p.nice,
                p.threads,
                (p.start - k.boot_time).max(0) * 100,
                p.vsz_kb * 1024,
                p.rss_kb / 4
            )
        }
        "statm" => format!("{} {} {} 1 0 {} 0\n", p.vsz_kb / 4, p.rss_kb / 4, p.rss_kb / 8, p.vsz_kb / 8),
        "status" => {
            let ns_pids: Vec<String> = p.ns_pids.iter().skip(level).map(|n| n.to_string()).collect();
            let nsp = ns_pids.join("\t");
            format!(
                "Name:\t{name}\nUmask:\t0022\nState:\t{state}\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{ppid}\nTracerPid:\t0\nUid:\t{u}\t{u}\t{u}\t{u}\nGid:\t{g}\t{g}\t{g}\t{g}\nFDSize:\t64\nGroups:\t{groups}\nNStgid:\t{nsp}\nNSpid:\t{nsp}\nNSpgid:\t{nsp}\nNSsid:\t{nsp}\nVmPeak:\t{vsz:>8} kB\nVmSize:\t{vsz:>8} kB\nVmLck:\t       0 kB\nVmPin:\t       0 kB\nVmHWM:\t{rss:>8} kB\nVmRSS:\t{rss:>8} kB\nThreads:\t{threads}\nSeccomp:\t0\nCpus_allowed:\t3\nCpus_allowed_list:\t0-{lastcpu}\nvoluntary_ctxt_switches:\t{vcs}\nnonvoluntary_ctxt_switches:\t0\n",
                name = p.comm,
                state = p.state.name(),
                pid = local(pid),
                ppid = local(p.ppid),
                u = p.uid,
                g = p.gid,
                groups = if p.uid == 0 { String::new() } else { format!("{} ", p.gid) },
                vsz = p.vsz_kb,
                rss = p.rss_kb,
                threads = p.threads,
                lastcpu = k.ncpu.saturating_sub(1),
                vcs = p.cpu_ticks + 1,
            )
        }
        "oom_score" | "oom_adj" | "oom_score_adj" | "sessionid" => "0\n".into(),
        "loginuid" => format!("{}\n", if p.uid == 0 { 4294967295u32 } else { p.uid }),
        _ => String::new(),
    })
}
