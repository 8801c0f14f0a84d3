//! Cross-checks busybox with the real one: the alpine 3.15 minirootfs from the fixture is
//! extracted to a temporary directory, a known tree is added to it, and each command runs
//! for real (`sh -c CMD` as PID 1 of new PID/UTS/net namespaces, chrooted there, hostname
//! bbtest) and in the simulation (the same tree mirrored into a tree filesystem, `sh -c
//! CMD` as PID 1 of a sandboxed container). Outputs must be equal after normalizing only
//! what differs by nature (MAC addresses, interface indexes, byte counters).
//!
//! Needs root, util-linux (`unshare`, `chroot`), iproute2 and the fixture. Without them
//! each test prints why it was skipped, loudly.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use sim_core::kernel::net::IfAddr;
use sim_core::kernel::vfs::{Node, NodeKind, SbKind, TreeFs};
use sim_core::kernel::{NsId, Pid};
use sim_core::shell::exec::exec_program;
use sim_core::utils::busybox::sandbox::{self, Start};
use sim_core::utils::{Io, Outcome};
use sim_core::{Profile, Terminal, TerminalConfig};

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

fn fixture() -> Option<PathBuf> {
    let candidates = [
        std::env::var("BB_FIXTURE").ok().map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz")),
        Some(PathBuf::from("/work/shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

fn sh(cmd: &str) -> (String, bool) {
    let out = Command::new("env").args(["-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "sh", "-c", cmd]).output().expect("sh runs");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    (s, out.status.success())
}

fn skip_reason() -> Option<String> {
    if sh("id -u").0.trim() != "0" {
        return Some("needs root".into());
    }
    for t in ["unshare", "chroot", "tar", "ip", "touch"] {
        if !sh(&format!("command -v {t}")).1 {
            return Some(format!("needs `{t}`"));
        }
    }
    if fixture().is_none() {
        return Some("needs the alpine 3.15 fixture (set BB_FIXTURE)".into());
    }
    None
}

/// The extracted rootfs, removed when dropped.
struct Root(PathBuf);
impl Drop for Root {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 2024-01-02 03:04:05 UTC and friends: the known tree's times.
const T1: &str = "2024-01-02 03:04:05";
const T2: &str = "2023-06-07 08:09:10";

fn extract() -> Root {
    // One directory per extraction: the tests run in parallel in one process.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = PathBuf::from(format!("/tmp/bb-cc-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let fx = fixture().expect("fixture");
    let (out, ok) = sh(&format!("tar xzf '{}' -C '{}'", fx.display(), dir.display()));
    assert!(ok, "tar: {out}");
    let root = Root(dir);
    let r = root.0.display().to_string();
    // A known tree under /tmp/cc, with times set (parents last).
    let setup = format!(
        "set -e; cd '{r}/tmp'; mkdir -p cc/dir/sub cc/empty; cd cc; \
         printf 'one\\ntwo\\nthree\\nTwo\\n' > words.txt; printf 'b 2\\na 10\\nc 1\\nb 2\\n' > nums; \
         printf 'x\\ny' > nonl; head -c 5000 /dev/zero > zeros.bin; printf '#!/bin/sh\\necho script ran $0 $1\\n' > run.sh; \
         chmod 755 run.sh; chmod 600 nums; echo inner > dir/inner.txt; echo deep > dir/sub/deep.txt; \
         ln -s words.txt link; ln -s nowhere broken; ln words.txt hard; \
         touch -d '{T2}' dir/sub/deep.txt dir/inner.txt nonl; touch -h -d '{T2}' link broken; \
         touch -d '{T1}' words.txt nums zeros.bin run.sh dir/sub dir empty . ..; touch -d '{T1}' '{r}/tmp'"
    );
    let (out, ok) = sh(&setup);
    assert!(ok, "setup: {out}");
    root
}

/// Mirrors a real directory tree into a tree filesystem (contents of small files kept).
fn mirror(dir: &Path) -> TreeFs {
    let md = std::fs::symlink_metadata(dir).expect("root metadata");
    let mut t = TreeFs::new(md.mode() & 0o7777, md.mtime());
    // Real hard links become one node under two names.
    let mut inodes: Vec<((u64, u64), usize)> = Vec::new();
    fn walk(t: &mut TreeFs, ino: usize, dir: &Path, inodes: &mut Vec<((u64, u64), usize)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read_dir").filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let md = std::fs::symlink_metadata(&p).expect("metadata");
            let name = e.file_name().to_string_lossy().into_owned();
            let ft = md.file_type();
            let kind = if ft.is_dir() {
                NodeKind::Dir(Default::default())
            } else if ft.is_symlink() {
                NodeKind::Symlink(std::fs::read_link(&p).expect("readlink").to_string_lossy().into_owned())
            } else {
                let data = if md.len() <= 65536 { std::fs::read(&p).unwrap_or_default() } else { Vec::new() };
                NodeKind::File { data, size: md.len() }
            };
            if !ft.is_dir() && md.nlink() > 1 {
                if let Some((_, existing)) = inodes.iter().find(|(k, _)| *k == (md.dev(), md.ino())) {
                    if let Some(sim_core::kernel::vfs::NodeKind::Dir(entries)) = t.nodes.get_mut(ino).map(|n| &mut n.kind) {
                        entries.insert(name, *existing);
                    }
                    continue;
                }
            }
            let node = Node { kind, perm: md.mode() & 0o7777, uid: md.uid(), gid: md.gid(), mtime: md.mtime(), nlink: md.nlink() as u32, program: None, xattrs: Default::default() };
            let child = t.insert(ino, &name, node).expect("insert");
            if !ft.is_dir() && md.nlink() > 1 {
                inodes.push(((md.dev(), md.ino()), child));
            }
            if ft.is_dir() {
                walk(t, child, &p, inodes);
            }
            if let Some(n) = t.nodes.get_mut(child) {
                n.nlink = md.nlink() as u32;
            }
        }
    }
    walk(&mut t, 0, dir, &mut inodes);
    if let Some(n) = t.nodes.get_mut(0) {
        n.nlink = md.nlink() as u32;
    }
    t
}

struct Sim {
    t: Terminal,
    sb: usize,
    netns: Option<NsId>,
}

impl Sim {
    fn new(root: &Path, now: i64) -> Sim {
        let mut t = Terminal::new(Profile::Linux, TerminalConfig { cols: 80, rows: 24, seed: 3 });
        t.kernel.now = now;
        let sb = t.kernel.vfs.add_sb("ext4", SbKind::Tree(mirror(root)), 0, 0);
        Sim { t, sb, netns: None }
    }

    /// `sh -c CMD` as PID 1 of a fresh container over the shared tree; stdout+stderr.
    fn run(&mut self, cmd: &str) -> String {
        let env: Vec<(String, String)> =
            [("PATH", PATH), ("HOSTNAME", "bbtest"), ("HOME", "/root")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let argv: Vec<String> = vec!["sh".into(), "-c".into(), cmd.into()];
        let start = Start { hostname: "bbtest".into(), argv: argv.clone(), env: env.clone(), tty: None, uid: 0, gid: 0 };
        let pid: Pid = sandbox::start(&mut self.t.kernel, 1, self.sb, &start).expect("start");
        if let Some(ns) = self.netns {
            if let Some(p) = self.t.kernel.procs.get_mut(&pid) {
                p.ns.net = ns;
            }
        }
        let io = Io { err_to_out: true, cols: 80, ..Io::default() };
        let out = match exec_program(&mut self.t.kernel, pid, argv, env, io) {
            Ok((Outcome::Exit(_), io)) | Ok((Outcome::Shell(_), io)) | Ok((Outcome::Running { .. }, io)) => String::from_utf8_lossy(&io.out).into_owned(),
            Err(_) => "exec failed".into(),
        };
        self.t.kernel.exit(pid);
        out
    }
}

fn real(root: &Path, cmd: &str, netns: Option<&str>) -> String {
    let r = root.display();
    let inner = format!(
        "hostname bbtest && exec unshare --pid --fork --mount-proc={r}/proc --net chroot {r} /usr/bin/env -i PATH={PATH} HOSTNAME=bbtest HOME=/root sh -c \"$BBCMD\" 2>&1"
    );
    let inner = match netns {
        Some(n) => inner.replace("--net chroot", "chroot").replace("exec unshare", &format!("exec ip netns exec {n} unshare")),
        None => inner,
    };
    let out = Command::new("env")
        .args(["-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", &format!("BBCMD={cmd}"), "unshare", "--uts", "sh", "-c", &inner])
        .output()
        .expect("unshare runs");
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    s
}

fn now() -> i64 {
    sh("date +%s").0.trim().parse().expect("date")
}

fn compare(sim: &mut Sim, root: &Path, cmds: &[&str], netns: Option<&str>, norm: fn(&str) -> String) -> Vec<String> {
    let mut diffs = Vec::new();
    for c in cmds {
        let mut r = norm(&real(root, c, netns));
        let mut s = norm(&sim.run(c));
        if c.starts_with("find ") || c.starts_with("du -a") {
            // Traversal follows readdir order, which is the real filesystem's hash order.
            let sorted = |x: &str| {
                let mut v: Vec<&str> = x.lines().collect();
                v.sort();
                v.iter().map(|l| format!("{l}\n")).collect::<String>()
            };
            r = sorted(&r);
            s = sorted(&s);
        }
        if r != s {
            diffs.push(format!("$ {c}\n--- real\n{r}--- sim\n{s}"));
        }
    }
    diffs
}

/// procfs's own directory (link count, mount time) is the kernel's, not busybox's.
fn same(s: &str) -> String {
    s.lines().filter(|l| !(l.ends_with(" proc") && l.starts_with("dr-xr-xr-x"))).map(|l| format!("{l}\n")).collect()
}

#[test]
fn busybox_files_and_text() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED: busybox cross-check {why}");
        return;
    }
    let root = extract();
    let mut sim = Sim::new(&root.0, now());
    let cmds = [
        "ls /", "ls -l /", "ls -la /", "ls -l /bin", "ls -l /sbin /usr/sbin", "ls -ln /etc", "ls -lh /bin /etc/apk",
        "ls -1 /etc", "ls -C /bin", "ls -x /usr/bin", "ls -w 40 /", "ls -F /tmp/cc", "ls -p /tmp/cc", "ls -la /tmp/cc",
        "ls -lR /tmp/cc", "ls -lt /tmp/cc", "ls -ltr /tmp/cc", "ls -lS /tmp/cc", "ls -s /tmp/cc", "ls -ld /tmp/cc /tmp /",
        "ls -A /tmp/cc", "ls -d /tmp/cc/*", "ls -l /tmp/cc/link /tmp/cc/broken", "ls -lL /tmp/cc/link", "ls nosuch /tmp/cc/nums",
        "ls --full-time /tmp/cc", "ls -lg /tmp/cc", "ls -Q /tmp/cc", "ls -lh /tmp/cc", "ls -z",
        "cat /etc/hostname /tmp/cc/nonl", "cat -n /tmp/cc/words.txt", "cat -A /tmp/cc/nonl", "cat nosuch", "cat /tmp/cc/dir",
        "head -n 2 /tmp/cc/words.txt /tmp/cc/nonl", "head -c 3 /tmp/cc/words.txt", "tail -n 2 /tmp/cc/words.txt", "tail -n +3 /tmp/cc/words.txt",
        "tail -c 4 /tmp/cc/words.txt", "head nosuch", "tail nosuch", "wc /tmp/cc/words.txt /tmp/cc/nonl", "wc -l /etc/passwd", "wc -c < /etc/group",
        "grep root /etc/passwd", "grep -c nologin /etc/passwd", "grep -n -i two /tmp/cc/words.txt", "grep -v t /tmp/cc/words.txt",
        "grep -l root /etc/passwd /etc/group /etc/hosts", "grep -r deep /tmp/cc", "grep -E 't(w|h)' /tmp/cc/words.txt", "grep zzz /etc/hosts; echo $?",
        "grep -o 'r[a-z]*' /etc/hostname", "sort /tmp/cc/nums", "sort -n -k2 /tmp/cc/nums", "sort -r -u /tmp/cc/nums", "sort /etc/shells",
        "find /tmp/cc -name '*.txt'", "find /tmp/cc -type d", "find /tmp/cc -type l", "find /tmp/cc -maxdepth 1 -type f", "find /nosuch",
        "find /tmp/cc -empty", "find /tmp/cc -size +1k", "find /tmp/cc -perm 600", "find /tmp/cc -name '*.txt' -exec cat {} \\;",
        "stat -c '%n %s %a %A %U %G %F %h' /tmp/cc/words.txt /tmp/cc/dir /tmp/cc/link", "stat -c '%y %Y' /tmp/cc/nonl", "stat nosuch",
        "du -s /bin", "du -sh /tmp/cc", "du -a /tmp/cc/dir", "du /tmp/cc/dir",
        "echo hello; echo -n a; echo -e 'b\\tc'; echo -e 'x\\cy'", "pwd; cd /tmp/cc/dir && pwd", "env", "printenv HOME", "which ls sh nosuch; echo $?",
        "hostname", "uname; uname -m; uname -o", "whoami", "basename /a/b.c .c; dirname /a/b", "readlink /bin/ls",
        "true; echo $?; false; echo $?", "nosuch; echo $?", "/tmp/cc/run.sh arg", "sh /tmp/cc/run.sh x", "cd /nonexistent",
        "ps", "ps aux", "ps; true", "ps -o pid,ppid,user,group,comm,args,stat,nice,tty,time", "ps -o pid= -o comm=CMD", "ps -o bogus",
        "mount | grep ^proc", "busybox | head -3", "busybox nosuch", "busybox ls /tmp/cc", "sleep 0; echo slept", "kill -l 9",
        "mkdir /tmp/cc/new && touch -d '2024-01-02 03:04:05' /tmp/cc/new && ls -ld /tmp/cc/new && rmdir /tmp/cc/new",
        "mkdir /tmp/cc/dir; mkdir /x/y/z; rmdir /tmp/cc/dir; rm /tmp/cc/dir; rm /tmp/cc/nosuch", "cp /tmp/cc/nosuch /tmp/x; mv /tmp/cc/nosuch /tmp/x",
        "ln -s a /tmp/cc/link", "touch /nosuchdir/f",
    ];
    let diffs = compare(&mut sim, &root.0, &cmds, None, same);
    assert!(diffs.is_empty(), "{} of {} differ:\n{}", diffs.len(), cmds.len(), diffs.join("\n"));
}

/// Replaces MAC addresses and interface indexes.
fn net_norm(s: &str) -> String {
    let mut out = Vec::new();
    for line in s.lines() {
        let mut words: Vec<String> = Vec::new();
        for w in line.split(' ') {
            let is_mac = w.len() == 17 && w.split(':').count() == 6 && w.split(':').all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()));
            let w = if w.starts_with("fe80::") { format!("LINKLOCAL{}", w.find('/').map(|i| &w[i..]).unwrap_or("")) } else { w.to_string() };
            words.push(if is_mac && w != "00:00:00:00:00:00" && w != "ff:ff:ff:ff:ff:ff" { "MAC".into() } else { w });
        }
        let mut l = words.join(" ");
        if let Some(colon) = l.find(": ") {
            if colon > 0 && l[..colon].chars().all(|c| c.is_ascii_digit()) && !l.starts_with("1: ") {
                l = format!("N{}", &l[colon..]);
            }
        }
        if let Some(at) = l.find("@if") {
            let end = l[at + 3..].find(|c: char| !c.is_ascii_digit()).map(|e| at + 3 + e).unwrap_or(l.len());
            l = format!("{}@ifN{}", &l[..at], &l[end..]);
        }
        for key in ["RX packets:", "TX packets:", "RX bytes:", "TX bytes:"] {
            if let Some(p) = l.find(key) {
                let end = l[p + key.len()..].find(' ').map(|e| p + key.len() + e).unwrap_or(l.len());
                l = format!("{}{key}N{}", &l[..p], &l[end..]);
            }
        }
        if let Some(p) = l.find(" (") {
            if l.contains("bytes:") {
                l = l[..p].to_string();
            }
        }
        out.push(l);
    }
    out.join("\n")
}

struct NetGuard;
impl Drop for NetGuard {
    fn drop(&mut self) {
        let _ = sh("ip netns del bb-cc 2>/dev/null; ip link del bb-cc0 2>/dev/null");
    }
}

#[test]
fn busybox_network() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED: busybox network cross-check {why}");
        return;
    }
    let _guard = NetGuard;
    let setup = "ip netns add bb-cc && ip link add bb-cc0 type veth peer name eth0 netns bb-cc && \
                 ip -n bb-cc link set lo up && ip -n bb-cc addr add 172.29.0.2/16 brd + dev eth0 && \
                 ip link set bb-cc0 up && ip -n bb-cc link set eth0 up && ip -n bb-cc route add default via 172.29.0.1 && sleep 3";
    let (out, ok) = sh(setup);
    if !ok {
        eprintln!("SKIPPED: busybox network cross-check could not make a netns: {out}");
        return;
    }
    let root = extract();
    let mut sim = Sim::new(&root.0, now());
    // The same in the simulation: a namespace with lo up and eth0 (a veth) addressed.
    let k = &mut sim.t.kernel;
    let (ns, inode) = k.alloc_ns();
    k.net_ns.insert(ns, sim_core::kernel::NetNs::new(inode));
    let macs = (k.random_mac(), k.random_mac());
    // The host already has an eth0: make the pair inside, then move the other end out.
    // As on a real host, the host's interface numbers are far past the container's.
    if let Some(h) = k.net_ns.get_mut(&NsId(0)) {
        h.set_next_ifindex(700);
    }
    let (inside, peer) = k.add_veth(ns, "eth0", "bb-cc0", macs).expect("veth");
    let host_end = k.move_link(ns, peer, NsId(0)).expect("move");
    {
        let n = k.net_ns.get_mut(&ns).expect("ns");
        if let Some(lo) = n.links.get_mut(&1) {
            lo.up = true;
            lo.addrs.push(IfAddr { addr: [127, 0, 0, 1], prefix: 8, brd: None, dynamic_lft: None });
        }
        if let Some(e) = n.links.get_mut(&inside) {
            e.up = true;
            e.addrs.push(IfAddr { addr: [172, 29, 0, 2], prefix: 16, brd: Some([172, 29, 255, 255]), dynamic_lft: None });
            e.ipv6_ll = true;
        }
        n.routes.push(sim_core::kernel::net::Route { dst: None, via: Some([172, 29, 0, 1]), dev: inside, src: None, proto: None, metric: None });
    }
    if let Some(h) = k.net_ns.get_mut(&NsId(0)).and_then(|n| n.links.get_mut(&host_end)) {
        h.up = true;
    }
    k.refresh_carrier();
    // Named, so it outlives the short-lived containers that use it.
    k.named_netns.push(("bb-cc".into(), ns));
    sim.netns = Some(ns);
    let cmds = [
        "ifconfig", "ifconfig -a", "ifconfig eth0", "ifconfig nosuch", "ip addr", "ip -4 a", "ip a show eth0", "ip link", "ip -o link",
        "ip route", "ip r get 8.8.8.8", "ip r get 172.29.3.4", "ip nosuch", "ip a show nosuch", "ip rule", "ip -o -4 a",
    ];
    let diffs = compare(&mut sim, &root.0, &cmds, Some("bb-cc"), net_norm);
    assert!(diffs.is_empty(), "{} of {} differ:\n{}", diffs.len(), cmds.len(), diffs.join("\n"));
}

/// Kills the real listeners of the netstat cross-check and removes their namespace.
struct ListenGuard(Vec<std::process::Child>);
impl Drop for ListenGuard {
    fn drop(&mut self) {
        for c in self.0.iter_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = sh("ip netns del bb-ss 2>/dev/null");
    }
}

/// busybox `netstat` over a network namespace where busybox `nc -lk -p 80 -e cat` listens
/// (one dual-stack socket on `::`) and `nc -lk -s 0.0.0.0 -p 8080` (IPv4 only): run for real
/// in that namespace (the listeners outside the PID namespace of `netstat`, so `-p` finds
/// none of them, as in the simulation) and in the simulation with the same sockets.
#[test]
fn busybox_netstat() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED: busybox netstat cross-check {why}");
        return;
    }
    let root = extract();
    let _ = sh("ip netns del bb-ss 2>/dev/null");
    let mut guard = ListenGuard(Vec::new());
    let (out, ok) = sh("ip netns add bb-ss && ip -n bb-ss link set lo up");
    if !ok {
        eprintln!("SKIPPED: busybox netstat cross-check could not make a netns: {out}");
        return;
    }
    let r = root.0.display().to_string();
    for args in [vec!["-lk", "-p", "80", "-e", "cat"], vec!["-lk", "-s", "0.0.0.0", "-p", "8080", "-e", "cat"]] {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", "bb-ss", "chroot", &r, "/bin/busybox", "nc"]).args(&args);
        cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        guard.0.push(cmd.spawn().expect("nc starts"));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut sim = Sim::new(&root.0, now());
    let k = &mut sim.t.kernel;
    let (ns, inode) = k.alloc_ns();
    k.net_ns.insert(ns, sim_core::kernel::NetNs::new(inode));
    k.named_netns.push(("bb-ss".into(), ns));
    use sim_core::kernel::sockets::{any, Bind};
    for (ip, port) in [(any(true), 80), (any(false), 8080)] {
        let exec = sim_core::kernel::process::Exec { comm: "nc".into(), argv: vec!["nc".into()], ..Default::default() };
        let pid = k.spawn(1, exec).expect("spawn");
        if let Some(p) = k.procs.get_mut(&pid) {
            p.ns.net = ns;
        }
        k.bind_socket(pid, Bind::tcp(ip, port, false, 1)).expect("bind");
    }
    sim.netns = Some(ns);
    let cmds = [
        "netstat -tln", "netstat -tlnp", "netstat -lntp", "netstat -tuln", "netstat -an", "netstat -ltnW", "netstat -ltne", "netstat -tl",
        "netstat -a", "netstat", "netstat -t", "netstat -xl", "netstat -y", "netstat -lnu",
    ];
    let mut diffs = compare(&mut sim, &root.0, &cmds, Some("bb-ss"), same);
    // top: the machine's memory, load and CPU numbers, and the VSZ of its busybox, masked
    // (this machine is busy building; `tests/reference/docker/exec-top-bn1.txt`, captured
    // on an idle one, has the simulation's `100% idle`).
    diffs.extend(compare(&mut sim, &root.0, &["top -b -n 1", "top -bn1"], Some("bb-ss"), top_norm));
    assert!(diffs.is_empty(), "{} of {} differ:\n{}", diffs.len(), cmds.len() + 2, diffs.join("\n"));
}

fn top_norm(s: &str) -> String {
    s.lines()
        .map(|l| {
            if l.starts_with("Mem: ") || l.starts_with("CPU:") {
                format!("{} MASKED", &l[..4])
            } else if let Some(rest) = l.strip_prefix("Load average: ") {
                // The load and the count of tasks are the machine's; the last PID is the namespace's.
                format!("Load average: MASKED {}", rest.rsplit(' ').next().unwrap_or(""))
            } else if l.len() > 46 && l.as_bytes()[0] == b' ' && l[..5].trim().parse::<u32>().is_ok() {
                // VSZ, %VSZ and the CPU last run on.
                format!("{}VSZ %VSZ CPU{}", &l[..26], &l[40..])
            } else {
                l.to_string()
            }
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// busybox ash's arithmetic, parameter expansion, compound commands, `break`/`continue`,
/// `test`, `alias`, and its words for their errors (`divide by zero`, `bad substitution`,
/// `unexpected end of file (expecting "done")`), as `sh -c` in the real alpine and in the
/// simulated container; scripts of several lines too.
#[test]
fn ash_compound_commands_and_expansions() {
    if let Some(why) = skip_reason() {
        eprintln!("SKIPPED: busybox cross-check {why}");
        return;
    }
    let root = extract();
    let mut sim = Sim::new(&root.0, now());
    let cmds = [
        "echo $((1+2)) $((2**10)) $((7%3)) $((-7/2)) $((-7%3)) $((1<2)) $((1&&0)) $((0||3)) $((3>2?5:6)) $(( (1+2)*3 )) $((0x10 + 010 + 2#101))",
        "x=5; echo $((x*2)) $(($x*2)); y=1+2; echo $((y*2)); i=1; echo $((i++)) $((++i)) $i $((i+=5)) $((-2 ** 2)) $(( 2 ** 3 ** 2 ))",
        "echo $((1/0)); echo after",
        "echo $((1+)); echo after",
        "echo $(( 5 % 0 ))",
        "echo $((2**-1))",
        "echo $((08))",
        "echo $((a b c))",
        "echo $(( 0 && 1/0 ))",
        "echo $((1 ? 2))",
        "echo $(( $(echo 3) * 2 )) \"$((6*7))\"",
        "echo ${u:-def} ${u-def2} \"${e:-empty}\" ${HOME:+alt} ${u:=new} $u ${#u} ${#HOME}",
        "e=; echo \"[${e-unset}]\" \"[${e:-empty}]\" \"[${e+set}]\" \"[${e:+nonempty}]\"",
        "x=a.b.c; echo ${x%.*} ${x%%.*} ${x#*.} ${x##*.} \"${x#\"a.\"}\" ${x#a\\.}",
        "x='a  b'; for a in ${x:-} ${u9:-c   d} \"${u9:-c   d}\"; do echo \"[$a]\"; done",
        "x=hello; echo ${x:1} ${x:1:3} ${x: -2} ${x:1:-1}",
        "echo ${u2:?oops}; echo after",
        "echo ${u3?}",
        "echo ${u4:?}",
        "echo ${}; echo after",
        "for i in 1 2 3; do echo $i; done | wc -l",
        "for i in a b; do echo $i; done; echo $i",
        "n=3; while [ $n -gt 0 ]; do echo $n; n=$((n-1)); done",
        "n=0; until [ $n -ge 2 ]; do n=$((n+1)); echo u$n; done; echo $?",
        "for i in 1 2 3 4; do if [ $i -eq 2 ]; then continue; fi; if [ $i -eq 4 ]; then break; fi; echo $i; done",
        "for i in 1 2; do for j in a b; do echo $i$j; continue 2; done; done",
        "for i in 1 2 3; do for j in a b; do echo $i$j; break 2; done; done; echo $?",
        "if false; then echo no; elif true; then echo yes; else echo else; fi",
        "if false; then echo no; fi; echo $?",
        "if ls /nonexistent; then echo yes; else echo no $?; fi",
        "case hello in h*) echo H;; *) echo other;; esac",
        "case x.txt in *.sh|*.py) echo script;; *.txt) echo text;; esac",
        "case abc in (a) echo a;; esac; echo $?",
        "(cd /tmp; pwd); pwd",
        "{ echo a; echo b; } > /tmp/ab; cat /tmp/ab",
        "{ echo out; ls /nonexistent; } 2>/dev/null",
        "for i in 1 2; do echo $i; done > /tmp/f; for i in 3; do echo $i; done >> /tmp/f; cat /tmp/f",
        "if true; then echo in-if; fi | cat",
        "while true; do echo once; break; done | cat",
        "(exit 3); echo $?",
        "(echo sub; exit 4; echo not); echo $?",
        "(echo ${u5:?in-sub}; echo not); echo $?",
        "! true; echo $?; ! false; echo $?",
        "break; echo $?",
        "for i in 1; do break 0; done; echo $?",
        "[ 1 -eq 1 ]; echo $?; [ abc -gt 1 ]; echo $?; [ 1 -eq 1; echo $?; [ a b c ]; echo $?",
        "[ a b ]; echo $?; [ ]; echo $?; [ x ]; echo $?; [ 1 -eq 1 ] ]; echo $?; [ '' -eq 1 ]; echo $?",
        "test -d / && echo dir; [ -f /etc/passwd ] && echo file; [ ! -e /nonexistent ] && echo none; [ -z '' -a -n x ] && echo zn",
        "alias ll='ls -d'\nll /\nalias c='d e' a=b f=\"it's\"\nalias\nalias ll; alias nosuch; echo $?\ntype ll for\nunalias ll; unalias ll; echo $?",
        "echo 'a b c' > /tmp/rd; echo '  lead  trail  ' >> /tmp/rd; echo -n last >> /tmp/rd; while read a b; do echo \"[$a][$b]\"; done < /tmp/rd; echo $?",
        "echo 'a b c' > /tmp/rd; echo -n last >> /tmp/rd; while read -r l; do echo \"[$l]\"; done < /tmp/rd; read x < /tmp/rd; echo $x",
        "cat /etc/hostname /etc/hostname | while read l; do echo \"<$l>\"; done; echo hi | read v; echo \"[$v]\"",
        "(( 0 )); echo $?; i=0; while (( i < 3 )); do echo $i; done; echo $?",
        "ls < /nonexist; echo $?; nosuch < /nonexist; echo $?; nosuch > /tmp/zz; echo $?; ls /tmp/zz",
        "for i in 1 2\ndo\n  echo line $i\ndone\necho end",
        "if [ -d /tmp ]\nthen\n  echo tmp\nfi",
        "echo 'a\nb'",
        "for i in 1 2; do",
        "if true; then",
        "while true",
        "{ echo",
        "( echo",
        "case a in a) echo",
        "for i in; done",
        "if then",
        "echo a (",
        "{ echo; } foo",
        "for 1 in a; do echo; done",
        "echo ${x;}",
    ];
    let diffs = compare(&mut sim, &root.0, &cmds, None, same);
    assert!(diffs.is_empty(), "{} of {} differ:\n{}", diffs.len(), cmds.len(), diffs.join("\n"));
}
