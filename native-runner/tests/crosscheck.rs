//! Cross-checks with reality: the same steps run for real on this machine (as root, in
//! namespaces and directories the test makes and removes) and in the simulation. Only
//! volatile fields (memory sizes, times, MACs, interface numbers, counters) are
//! normalized; everything else must be equal.
//!
//! These need root and util-linux, iproute2, net-tools and coreutils. Without them each
//! test prints why it was skipped, loudly, instead of passing in silence.

use std::process::Command;

use sim_core::kernel::vfs::{Node, NodeKind};
use sim_core::{Profile, Terminal, TerminalConfig};

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().map(|o| o.status.success()).unwrap_or(false)
}

fn skip_unless(tools: &[&str]) -> bool {
    if !is_root() {
        eprintln!("SKIPPED: cross-check needs root (run the test command as root)");
        return true;
    }
    for t in tools {
        if !have(t) {
            eprintln!("SKIPPED: cross-check needs `{t}` on this machine");
            return true;
        }
    }
    false
}

/// Runs a shell command for real with LANG=C and returns stdout.
fn real(cmd: &str) -> String {
    let out = Command::new("env")
        .args(["-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "TZ=UTC", "sh", "-c", cmd])
        .output()
        .expect("sh runs");
    String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")
}

fn sim_terminal() -> Terminal {
    Terminal::new(Profile::Linux, TerminalConfig { cols: 80, rows: 24, seed: 7 })
}

fn now() -> i64 {
    real("date +%s").trim().parse().expect("date +%s")
}

/// Replaces every match of a simple pattern class with a placeholder.
fn normalize(s: &str) -> String {
    let mut out = Vec::new();
    for line in s.lines() {
        let mut words: Vec<String> = Vec::new();
        for w in line.split(' ') {
            let w = if is_mac(w) {
                "MAC".to_string()
            } else if w.starts_with("fe80::") {
                "LINKLOCAL".to_string()
            } else {
                w.to_string()
            };
            words.push(w);
        }
        let mut l = words.join(" ");
        // "12: name@if11:" -> "N: name@ifN:"
        if let Some(colon) = l.find(": ") {
            if l[..colon].chars().all(|c| c.is_ascii_digit()) && colon > 0 {
                l = format!("N{}", &l[colon..]);
            }
        }
        if let Some(at) = l.find("@if") {
            let end = l[at + 3..].find(|c: char| !c.is_ascii_digit()).map(|e| at + 3 + e).unwrap_or(l.len());
            let width_changed = end - (at + 3) != 1;
            l = format!("{}@ifN{}", &l[..at], &l[end..]);
            if width_changed || !l.starts_with("N:") {
                // `-br` pads the name to a column: the index's digits move it.
                l = l.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
            }
        }
        // Counters move with background IPv6 traffic.
        for key in ["RX packets", "TX packets"] {
            if let Some(p) = l.find(key) {
                l = format!("{}{} N  bytes N", &l[..p], key);
            }
        }
        out.push(l);
    }
    out.join("\n")
}

fn is_mac(w: &str) -> bool {
    w.len() == 17 && w.split(':').count() == 6 && w.split(':').all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit())) && w != "00:00:00:00:00:00" && w != "ff:ff:ff:ff:ff:ff"
}

/// The output of one simulated command (without the prompt line).
fn sim_run(t: &mut Terminal, line: &str, at: i64) -> String {
    t.run(line, at)
}

#[test]
fn unshare_pid_namespace_ps() {
    if skip_unless(&["unshare", "ps", "script"]) {
        return;
    }
    let mut t = sim_terminal();
    // Kernel facts of this machine, handed to the simulated kernel as parameters.
    let pid_max_new: u32 = real("unshare --pid --fork cat /proc/sys/kernel/pid_max").trim().parse().expect("pid_max");
    t.kernel.new_pid_ns_pid_max = Some(pid_max_new);
    for cmd in ["ps aux; true", "ps -ef; true", "ps; true"] {
        let real_out = real(&format!("script -qc \"unshare --pid --fork --mount-proc sh -c '{cmd}'\" /dev/null"));
        let at = t.kernel.now + 1;
        let sim_out = sim_run(&mut t, &format!("sudo unshare --pid --fork --mount-proc sh -c '{cmd}'"), at);
        let (r, s): (Vec<&str>, Vec<&str>) = (real_out.lines().collect(), sim_out.lines().collect());
        assert_eq!(r.len(), s.len(), "{cmd}: line count\nreal:\n{real_out}\nsim:\n{sim_out}");
        assert_eq!(r[0], s[0], "{cmd}: header layout");
        for (rl, sl) in r.iter().zip(&s).skip(1) {
            let rf: Vec<&str> = rl.split_whitespace().collect();
            let sf: Vec<&str> = sl.split_whitespace().collect();
            assert_eq!(rf.len(), sf.len(), "{cmd}: fields\nreal: {rl}\nsim:  {sl}");
            let header: Vec<&str> = r[0].split_whitespace().collect();
            for (i, (a, b)) in rf.iter().zip(&sf).enumerate() {
                let col = header.get(i).copied().unwrap_or("COMMAND");
                let volatile = matches!(col, "%CPU" | "%MEM" | "VSZ" | "RSS" | "START" | "STIME" | "TIME" | "C");
                if volatile {
                    continue;
                }
                if col == "TTY" || col == "TT" {
                    assert_eq!(a.starts_with("pts/"), b.starts_with("pts/"), "{cmd}: tty\nreal: {rl}\nsim:  {sl}");
                    continue;
                }
                // The shell is dash here and bash on the simulated host; both run as `sh`.
                assert_eq!(a, b, "{cmd}: column {col}\nreal: {rl}\nsim:  {sl}");
            }
        }
    }
}

struct NetnsGuard(Vec<&'static str>);
impl Drop for NetnsGuard {
    fn drop(&mut self) {
        for n in &self.0 {
            let _ = real(&format!("ip netns del {n} 2>/dev/null"));
        }
    }
}

#[test]
fn netns_and_veth() {
    if skip_unless(&["ip", "ifconfig"]) {
        return;
    }
    let _guard = NetnsGuard(vec!["ccred", "ccblue"]);
    let setup = [
        "ip netns add ccred",
        "ip netns add ccblue",
        "ip link add ccveth-r type veth peer name ccveth-b",
        "ip link set ccveth-r netns ccred",
        "ip link set ccveth-b netns ccblue",
        "ip -n ccred addr add 10.231.0.1/24 dev ccveth-r",
        "ip -n ccblue addr add 10.231.0.2/24 brd + dev ccveth-b",
        "ip -n ccred link set ccveth-r up",
    ];
    let checks = [
        "ip netns list",
        "ip -n ccred addr",
        "ip -n ccred link",
        "ip -n ccred route",
        "ip -n ccblue addr",
        "ip -n ccblue -br link",
        "ip -n ccred -br addr",
        "ip netns exec ccred ifconfig",
        "ip netns exec ccblue ifconfig -a",
        "ip netns exec ccred ip netns list",
        "ip netns exec ccred netstat -rn",
        "ip netns exec ccblue netstat -rn",
    ];
    let mut t = sim_terminal();
    let mut at = t.kernel.now;
    for s in setup {
        let _ = real(s);
        at += 1;
        let out = sim_run(&mut t, &format!("sudo {s}"), at);
        assert_eq!(out, "", "sim setup step `{s}` printed");
    }
    let mut diffs = Vec::new();
    for c in checks {
        let mut r = normalize(&real(c));
        at += 1;
        let mut s = normalize(&sim_run(&mut t, &format!("sudo {c}"), at));
        if c.ends_with("netns list") {
            // Listing order is the directory order of /run/netns, which depends on the
            // filesystem; other namespaces on this machine are not ours.
            // The ids (`(id: N)`) are the lowest free in the namespace that lists them, so
            // namespaces other programs made first shift ours: compare their order instead.
            let keep = |x: &str| -> String {
                let mut v: Vec<String> = x.lines().filter(|l| l.starts_with("cc")).map(str::to_string).collect();
                v.sort();
                let id_of = |l: &str| l.rsplit_once("(id: ").and_then(|(_, n)| n.trim_end_matches(')').parse::<u32>().ok());
                let mut ids: Vec<u32> = v.iter().filter_map(|l| id_of(l)).collect();
                ids.sort_unstable();
                for l in v.iter_mut() {
                    if let (Some(id), Some((name, _))) = (id_of(l), l.clone().rsplit_once(" (id: ")) {
                        let rank = ids.iter().position(|&i| i == id).unwrap_or(0);
                        *l = format!("{name} (id: <{rank}>)");
                    }
                }
                v.join("\n")
            };
            r = keep(&r);
            s = keep(&s);
        }
        if r != s {
            diffs.push(format!("$ {c}\n--- real\n{r}\n--- sim\n{s}"));
        }
    }
    // Other namespaces on this machine would show up in the real list: keep ours only.
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// One file of the known tree: path, mode, uid, gid, mtime, content length or link.
struct Spec {
    path: &'static str,
    kind: char,
    perm: u32,
    uid: u32,
    gid: u32,
    mtime: i64,
    size: usize,
    link: &'static str,
}

const T: i64 = 1_795_170_930; // 2026-11-20 10:15:30 UTC

fn tree() -> Vec<Spec> {
    let f = |path, perm, uid, gid, mtime, size| Spec { path, kind: 'f', perm, uid, gid, mtime, size, link: "" };
    vec![
        Spec { path: "dir", kind: 'd', perm: 0o755, uid: 0, gid: 0, mtime: T, size: 0, link: "" },
        Spec { path: "sticky", kind: 'd', perm: 0o1777, uid: 0, gid: 0, mtime: T, size: 0, link: "" },
        f("a.txt", 0o644, 0, 0, T, 6),
        f("dir/inner.txt", 0o600, 0, 0, T, 3),
        f("big.bin", 0o644, 0, 0, T, 1_572_864),
        f("k12.bin", 0o644, 0, 0, T, 12_288),
        f("script.sh", 0o755, 0, 0, T, 18),
        f("setuid.bin", 0o4755, 0, 0, T, 5),
        f("old.txt", 0o644, 0, 0, 1_673_784_000, 4),
        f("future.txt", 0o644, 0, 0, 1_893_456_000, 7),
        f("owned.txt", 0o640, 4242, 4343, T, 2),
        f("with space.txt", 0o644, 0, 0, T, 3),
        Spec { path: "link", kind: 'l', perm: 0o777, uid: 0, gid: 0, mtime: T, size: 0, link: "a.txt" },
    ]
}

#[test]
fn ls_on_a_known_tree() {
    if skip_unless(&["ls", "touch", "chown"]) {
        return;
    }
    let base = format!("/tmp/cc-ls-{}", std::process::id());
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("mkdir");
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _c = Cleanup(base.clone());
    let mut t = sim_terminal();
    t.kernel.now = now();
    let root_sb = t.kernel.mounts_of(3031).iter().find(|m| m.target == "/").map(|m| m.sb).expect("root mount");
    // Directories before files, deepest last, then set times (creating files touches dirs).
    for s in tree() {
        let p = format!("{base}/{}", s.path);
        match s.kind {
            'd' => std::fs::create_dir(&p).expect("mkdir"),
            'l' => std::os::unix::fs::symlink(s.link, &p).expect("symlink"),
            _ => std::fs::write(&p, vec![b'x'; s.size]).expect("write"),
        }
    }
    for s in tree().iter().rev() {
        let p = format!("{base}/{}", s.path);
        if s.kind != 'l' {
            // chown clears set-id bits, so it goes first.
            real(&format!("chown {}:{} '{p}' && chmod {:o} '{p}'", s.uid, s.gid, s.perm));
        }
        real(&format!("touch -h -d @{} '{p}'", s.mtime));
    }
    real(&format!("touch -d @{T} '{base}'"));
    {
        let tree_fs = t.kernel.vfs.tree_mut(root_sb).expect("root tree");
        let mut top = Node::dir(0o755, 0, 0, T);
        top.nlink = 2;
        tree_fs.put(&base, top);
        for s in tree() {
            let node = match s.kind {
                'd' => Node::dir(s.perm, s.uid, s.gid, s.mtime),
                'l' => Node { kind: NodeKind::Symlink(s.link.into()), perm: 0o777, uid: 0, gid: 0, mtime: s.mtime, nlink: 1, program: None, xattrs: Default::default() },
                _ => Node::file(vec![b'x'; s.size], s.perm, s.uid, s.gid, s.mtime),
            };
            tree_fs.put(&format!("{base}/{}", s.path), node);
        }
    }
    let mut diffs = Vec::new();
    for cmd in ["ls", "ls -l", "ls -lh", "ls -1", "ls -l a.txt link", "ls -ld dir sticky", "COLUMNS=80 ls -C", "COLUMNS=40 ls -C", "ls -l dir"] {
        let r = real(&format!("cd {base} && {cmd}"));
        let at = t.kernel.now;
        let s = sim_run(&mut t, &format!("cd {base} && {cmd} | cat"), at);
        if r != s {
            diffs.push(format!("$ {cmd}\n--- real\n{r}--- sim\n{s}"));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Command substitution (`$(...)`, backquotes): field splitting, trailing newlines, nesting,
/// stderr passing through, and the status of `x=$(cmd)`, as this machine's bash does them.
#[test]
fn command_substitution_as_bash_does() {
    if !have("bash") {
        eprintln!("SKIPPED: cross-check needs `bash` on this machine");
        return;
    }
    let lines = [
        r#"echo $(echo hi) "$(printf "a\nb\n\n")" `echo bq`"#,
        "x=$(false); echo $?",
        "x=$(true); echo $?; echo $(false) $?",
        r#"x=$(echo out; echo err >&2); echo "[$x]""#,
        r#"echo "a`echo \`echo nested\``b""#,
        r##"echo $(echo "(paren)") $( echo "#not a comment" )"##,
        r#"echo a$(echo " b  c ")d "a$(echo " b  c ")d""#,
        r#"echo "$(ls /nonexistent-xc)" $?"#,
        "cd $(echo /usr) && pwd",
        "echo $(printf '%s\\n' 1 2 3 | wc -l) $(echo $(echo deep))",
        "echo `echo '$HOME'` \"`echo '\\$x'`\"",
    ];
    let mut t = sim_terminal();
    let mut at = t.kernel.now;
    let mut diffs = Vec::new();
    for l in lines {
        let o = Command::new("env").args(["-i", "PATH=/usr/bin:/bin", "LANG=C", "HOME=/root", "bash", "--norc", "--noprofile", "-c", &format!("exec 2>&1\n{l}")]).output().expect("bash runs");
        let r = String::from_utf8_lossy(&o.stdout).into_owned();
        at += 1;
        // The terminal shows stderr where it comes, as `exec 2>&1` does for bash here.
        let s = sim_run(&mut t, l, at).replace("\r\n", "\n");
        if r != s {
            diffs.push(format!("$ {l}\n--- bash\n{r}--- sim\n{s}"));
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Kills the listener started for the sockets cross-check and removes its namespace.
struct ListenerGuard(Option<std::process::Child>, &'static str);
impl Drop for ListenerGuard {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = real(&format!("ip netns del {} 2>/dev/null", self.1));
    }
}

/// `ss` and `netstat` in a network namespace with a TCP listener on 0.0.0.0:8080, an
/// IPv6-only one on [::]:8080 (docker-proxy's pair) and a UDP socket on 127.0.0.1:5353,
/// opened by one `python3` process as fds 3, 4 and 5; the simulation gets the same sockets
/// for a `python3` process in the same-named namespace. PIDs and the padding that follows
/// them are normalized; the backlog is this machine's somaxconn, passed in.
#[test]
fn sockets_in_netns() {
    if skip_unless(&["ip", "ss", "netstat", "python3"]) {
        return;
    }
    let ns = "sstest"; // not "cc...": netns_and_veth lists those in parallel
    let _ = real(&format!("ip netns del {ns} 2>/dev/null"));
    let mut guard = ListenerGuard(None, ns);
    let _ = real(&format!("ip netns add {ns}"));
    let _ = real(&format!("ip -n {ns} link set lo up"));
    let script = "import socket,time\n\
a=socket.socket(socket.AF_INET,socket.SOCK_STREAM);a.bind(('0.0.0.0',8080));a.listen(4096)\n\
b=socket.socket(socket.AF_INET6,socket.SOCK_STREAM);b.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_V6ONLY,1);b.bind(('::',8080));b.listen(4096)\n\
c=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);c.bind(('127.0.0.1',5353))\n\
print('ready',a.fileno(),b.fileno(),c.fileno(),flush=True)\n\
time.sleep(120)\n";
    let mut child = Command::new("ip")
        .args(["netns", "exec", ns, "python3", "-c", script])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        use std::io::BufRead;
        let _ = std::io::BufReader::new(out).read_line(&mut line);
    }
    let real_pid = child.id();
    guard.0 = Some(child);
    assert_eq!(line.trim(), "ready 3 4 5", "the real listener's descriptors");
    let somaxconn: u32 = std::fs::read_to_string("/proc/sys/net/core/somaxconn").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(4096);

    let mut t = sim_terminal();
    t.kernel.sockets.somaxconn = somaxconn;
    let mut at = t.kernel.now + 1;
    assert_eq!(sim_run(&mut t, &format!("sudo ip netns add {ns}"), at), "");
    at += 1;
    assert_eq!(sim_run(&mut t, &format!("sudo ip -n {ns} link set lo up"), at), "");
    let nsid = t.kernel.netns_by_name(ns).expect("the simulated namespace");
    // The same PID when the simulated kernel's pid_max allows: on a terminal ss spreads the
    // spare width by the length of the widest field, which the PID is part of.
    let same_pid = real_pid < t.kernel.pid_max;
    if same_pid {
        t.kernel.set_last_pid(sim_core::kernel::NsId(0), real_pid - 1);
    }
    let exec = sim_core::kernel::process::Exec { comm: "python3".into(), argv: vec!["python3".into(), "-c".into(), script.into()], ..Default::default() };
    let pid = t.kernel.spawn(1, exec).expect("spawn");
    assert!(!same_pid || pid == real_pid, "the simulated listener's PID");
    if let Some(p) = t.kernel.procs.get_mut(&pid) {
        p.ns.net = nsid;
    }
    use sim_core::kernel::sockets::{any, Bind};
    let lo = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    for b in [Bind::tcp(any(false), 8080, false, 4096), Bind::tcp(any(true), 8080, true, 4096), Bind::udp(lo, 5353, false)] {
        t.kernel.bind_socket(pid, b).expect("bind");
    }
    let checks = [
        "ss -tln",
        "ss -tlnp",
        "ss -ltnp",
        "ss -tulnp",
        "ss -uln",
        "ss -tuln -4",
        "ss -tln -6",
        "ss -tan",
        "ss -tlnpH",
        "netstat -tln",
        "netstat -tlnp",
        "netstat -lntp",
        "netstat -tulnp",
        "netstat -tuln",
        "netstat -an",
        "netstat -uan",
        "netstat -tn",
        "netstat -rn",
    ];
    // PIDs differ between the two machines; so does the padding after them in ss's last column.
    let norm = |s: &str| -> String {
        let mut out = String::new();
        for l in s.lines() {
            let mut l = l.to_string();
            if let Some(i) = l.find("pid=") {
                let end = l[i + 4..].find(|c: char| !c.is_ascii_digit()).map(|e| i + 4 + e).unwrap_or(l.len());
                l = format!("{}pid=PID{}", &l[..i], &l[end..]);
            }
            if let Some(i) = l.find("/python3") {
                let start = l[..i].rfind(' ').map(|s| s + 1).unwrap_or(0);
                let len = l[start..].find(' ').unwrap_or(l.len() - start);
                let field = format!("PID{}", &l[i..start + len]);
                l = format!("{}{field:<w$}{}", &l[..start], &l[start + len..], w = len);
            }
            out.push_str(l.trim_end());
            out.push('\n');
        }
        out
    };
    let mut diffs = Vec::new();
    for c in checks {
        let r = norm(&real(&format!("ip netns exec {ns} {c} | cat")));
        at += 1;
        let s = norm(&sim_run(&mut t, &format!("sudo ip netns exec {ns} {c} | cat"), at));
        if r != s {
            diffs.push(format!("$ {c}\n--- real\n{r}--- sim\n{s}"));
        }
    }
    // On an 80-column terminal (`script` gives the real one a pty).
    let mut tty_checks = vec!["ss -tln", "ss -tuln", "ss -ltn -6"];
    if same_pid {
        tty_checks.extend(["ss -tlnp", "ss -tulnp"]);
    }
    if have("script") {
        for c in tty_checks {
            let r = real(&format!("script -qc 'stty cols 80 rows 24; ip netns exec {ns} {c}' /dev/null"));
            at += 1;
            let s = sim_run(&mut t, &format!("sudo ip netns exec {ns} {c}"), at);
            if r != s {
                diffs.push(format!("$ {c} (terminal)\n--- real\n{r}--- sim\n{s}"));
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Lines typed into an interactive login bash here (`-bash`, no rc files, prompts replaced
/// by a marker): what each line printed, stdout and stderr in the order written.
fn interactive_bash(lines: &[&str]) -> Vec<String> {
    use std::io::Write;
    let mut child = Command::new("env")
        .args(["-i", "PATH=/usr/bin:/bin", "LANG=C", "HOME=/home/ec2-user", "bash", "-c", "export PS1=@@PROMPT@@ PS2=; exec 2>&1; exec -a -bash bash --norc --noprofile --noediting -i"])
        .current_dir("/")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("bash runs");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for l in lines {
            let _ = writeln!(stdin, "{l}");
        }
    }
    let out = child.wait_with_output().expect("bash ends");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // Before the first prompt: job control's complaints; after the last: `logout`.
    let mut chunks: Vec<String> = text.split("@@PROMPT@@").skip(1).map(str::to_string).collect();
    if let Some(last) = chunks.last_mut() {
        *last = last.trim_end_matches("logout\n").to_string();
    }
    chunks
}

/// Arithmetic expansion, parameter expansion, compound commands (`for`, `while`, `until`,
/// `if`, `case`, `{ }`, `( )`, with pipes and redirections), `break`/`continue`, `test`,
/// `alias`/`unalias`, and their error messages and statuses, as this machine's bash prints
/// them typed into an interactive login shell.
#[test]
fn compound_commands_and_expansions_as_bash_does() {
    if !have("bash") {
        eprintln!("SKIPPED: cross-check needs `bash` on this machine");
        return;
    }
    let lines = [
        "cd /",
        "echo $((1+2)) $((2**10)) $((7%3)) $((-7/2)) $((-7%3)) $((1<2)) $((1&&0)) $((0||3)) $((3>2?5:6)) $(( (1+2)*3 )) $((0x10 + 010 + 2#101))",
        "x=5; echo $((x*2)) $(($x*2)); y=1+2; echo $((y*2)); i=1; echo $((i++)) $((++i)) $i $((i+=5)) $((-2 ** 2)) $(( 2 ** 3 ** 2 ))",
        "echo $((1/0)); echo after",
        "echo $?",
        "echo $((1+))",
        "echo $(( 5 % 0 )) $(( 1/0+5 ))",
        "echo $((2**-1))",
        "echo $((08)) ; echo $((1.5))",
        "echo $((a b c)); echo $((3=4))",
        "x=$((2/0)); echo $?",
        "echo $[1+1] \"$((6*7))\" $(( $(echo 3) * 2 ))",
        "echo ${u:-def} ${u-def2} \"${e:-empty}\" ${HOME:+alt} ${u:=new} $u ${#u} ${#HOME}",
        "e=; echo \"[${e-unset}]\" \"[${e:-empty}]\" \"[${e+set}]\" \"[${e:+nonempty}]\"",
        "x=a.b.c; echo ${x%.*} ${x%%.*} ${x#*.} ${x##*.} \"${x#\"a.\"}\" ${x#a\\.}",
        "x='a  b'; printf '[%s]' ${x:-} ${u9:-c   d} \"${u9:-c   d}\"; echo",
        "x=hello; echo ${x:1} ${x:1:3} ${x: -2} ${x:1:-1}",
        "echo ${u2:?oops}; echo after",
        "echo $?",
        "echo ${u3?}; echo ${u4:?}",
        "echo ${}; echo after",
        "echo ${x;}",
        "for i in 1 2 3; do echo $i; done | wc -l",
        "for i in a b; do echo $i; done; echo $i",
        "n=3; while [ $n -gt 0 ]; do echo $n; n=$((n-1)); done",
        "n=0; until [ $n -ge 2 ]; do n=$((n+1)); echo u$n; done; echo $?",
        "for i in 1 2 3 4; do if [ $i -eq 2 ]; then continue; fi; if [ $i -eq 4 ]; then break; fi; echo $i; done",
        "for i in 1 2; do for j in a b; do echo $i$j; continue 2; done; done",
        "for i in 1 2 3; do for j in a b; do echo $i$j; break 2; done; done; echo $?",
        "if false; then echo no; elif true; then echo yes; else echo else; fi",
        "if false; then echo no; fi; echo $?",
        "if ls /nonexistent-xc; then echo yes; else echo no $?; fi",
        "case hello in h*) echo H;; *) echo other;; esac",
        "case x.txt in *.sh|*.py) echo script;; *.txt) echo text;; esac",
        "case abc in (a) echo a;; esac; echo $?",
        "case '*' in \\*) echo star;; esac; case ab in \"a\"*) echo quoted-a;; esac",
        "(cd /tmp; pwd); pwd",
        "{ echo a; echo b; } > /tmp/xc-ab; cat /tmp/xc-ab",
        "{ echo out; ls /nonexistent-xc; } 2>/dev/null",
        "{ echo out; ls /nonexistent-xc; } 2>&1 | wc -l",
        "for i in 1 2; do echo $i; done > /tmp/xc-f; cat /tmp/xc-f; for i in 3; do echo $i; done >> /tmp/xc-f; cat /tmp/xc-f",
        "if true; then echo in-if; fi | cat",
        "while true; do echo once; break; done | cat",
        "(exit 3); echo $?",
        "(echo sub; exit 4; echo not); echo $?",
        "(echo ${u5:?in-sub}; echo not); echo $?",
        "(echo $((1/0)); echo not); echo $?",
        "! true; echo $?; ! false; echo $?",
        "break; echo $?",
        "continue 2; for i in 1; do break 0; done; echo $?",
        "[ 1 -eq 1 ]; echo $?; [ abc -gt 1 ]; echo $?; [ 1 -eq 1; echo $?; [ a b c ]; echo $?",
        "[ a b ]; echo $?; [ ]; echo $?; [ x ]; echo $?; [ 1 -eq 1 ] ]; echo $?",
        "test -d / && echo dir; [ -f /etc/passwd ] && echo file; [ ! -e /nonexistent-xc ] && echo none; [ -z '' -a -n x ] && echo zn",
        "printf 'a b c\\nx\\\\\\\\y z\\n  lead  trail  \\nlast' > /tmp/xc-rd; while read a b; do echo \"[$a][$b]\"; done < /tmp/xc-rd; echo $?",
        "while read -r l; do echo \"[$l]\"; done < /tmp/xc-rd; read x < /tmp/xc-rd; echo $x",
        "cat /tmp/xc-rd | while read l; do echo \"<$l>\"; done; echo hi | read v; echo \"[$v]\"",
        "read -r a b c d < /tmp/xc-rd; echo \"$a|$b|$c|$d\"; echo | read r; echo $?",
        "bash -c 'for a; do echo \"[$a]\"; done; for a in \"$@\"; do echo \"<$a>\"; done; for a in $@; do echo \"{$a}\"; done; echo $0 $#' nm 'x y' 2",
        "bash -c 'for a in \"$@\"; do echo none; done; echo \"[$@]\" $#' nm",
        "i=0; while (( i < 3 )); do echo $i; (( i++ )); done",
        "(( 0 )); echo $?; (( 5 )); echo $?; ((x = 2 + 3)); echo $x",
        "for ((i=0; i<3; i++)); do echo $i; done; for ((i=0; i<10; i++)); do [ $i -eq 2 ] && break; echo $i; done",
        "(( 1/0 )); echo $?",
        "alias ll='ls -d'",
        "ll /",
        "alias q=\"echo it's\" a2='echo x'; alias",
        "alias ll; alias nosuch; echo $?",
        "type ll for",
        "unalias ll; unalias ll; echo $?",
        "unalias -a; alias",
        "for i in; done",
        "if then",
        "echo a (",
        "{ echo; } foo",
        "for i in 1 2; do; echo; done",
        "for 1 in a; do echo; done",
        "echo done",
    ];
    let real = interactive_bash(&lines);
    let _ = std::fs::remove_file("/tmp/xc-ab");
    let _ = std::fs::remove_file("/tmp/xc-f");
    let _ = std::fs::remove_file("/tmp/xc-rd");
    let mut t = sim_terminal();
    let mut at = t.kernel.now;
    let mut diffs = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        at += 1;
        let s = sim_run(&mut t, l, at).replace("\r\n", "\n");
        let r = real.get(i).cloned().unwrap_or_default();
        if r != s {
            diffs.push(format!("$ {l}\n--- bash\n{r}--- sim\n{s}"));
        }
    }
    // A compound command the line leaves open: interactive bash asks for more (PS2), and
    // at the end of its input says what the simulation says at once.
    for l in ["for i in 1 2; do", "if true; then echo x", "while true", "{ echo", "case a in"] {
        let r = interactive_bash(&[l]).concat();
        at += 1;
        let s = sim_run(&mut t, l, at).replace("\r\n", "\n");
        if r != s {
            diffs.push(format!("$ {l}\n--- bash\n{r}--- sim\n{s}"));
        }
    }
    assert!(diffs.is_empty(), "{} differ:\n{}", diffs.len(), diffs.join("\n"));
}

/// `ls -l` lines without the fields that differ between here and the simulation (size,
/// which depends on the filesystem, and the time).
fn without_times(s: &str) -> String {
    s.lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() >= 9 && f[0].len() == 10 && "-dl".contains(&f[0][..1]) {
                format!("{} {} {} {} {}", f[0], f[1], f[2], f[3], f[8..].join(" "))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// mkdir, touch, rm, rmdir, cp, mv, ln, chmod, find, du: the same lines run by this machine's
/// coreutils (C locale) as root in a fresh directory, then as uid 1000 in a directory root
/// owns, and in the simulation (root by `sudo su`, then ec2-user). Outputs, messages and
/// exit statuses must be equal.
#[test]
fn file_commands_as_coreutils_do() {
    if skip_unless(&["bash", "setpriv", "mkdir", "cp", "ln", "chmod"]) {
        return;
    }
    let base = format!("/tmp/cc-files-{}", std::process::id());
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("mkdir");
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _c = Cleanup(base.clone());
    let as_root = [
        "mkdir", "mkdir d", "mkdir d", "mkdir -v e f/g", "mkdir -pv x/y/z", "mkdir -p x/y", "mkdir -m 700 m", "mkdir -m xyz q", "mkdir -z",
        "touch", "touch t", "touch nod/t", "touch -c nope", "echo hi > g",
        "rm", "rm nope", "rm -f nope", "rm -f", "rm d", "rm -r .", "rm -rf /", "rmdir", "rmdir x", "rmdir nope", "rmdir t", "rmdir -v e", "rmdir -p x/y/z",
        "cp", "cp t", "cp t t", "cp g g2", "cat g2", "cp d e2", "cp -r d e2", "cp -rv d e3", "cp nope z", "cp t g h", "cp t g d", "ls -1 d", "cp -r d d/", "rm -r d/d", "cp -v g g3",
        "mv", "mv t", "mv nope z", "mv g3 g3", "mv g3 d", "mv -v g2 g4", "mv d d/", "mv e2 g", "mv g e3", "ls -1 e3",
        "ln", "ln -s t l", "ln -s t l", "ln -sf g l", "ln -sv t l2", "ln g h", "ln g h", "ln d dd", "ln nope n",
        "chmod", "chmod 644", "chmod 999 t", "chmod 644 nope", "chmod u+x,g-r t", "chmod g=u,o= g", "chmod a+X,o-r d", "chmod -R 700 e3",
        "ls -l t g d e3 l", "ls -l m",
        "find e3 | sort", "find . -type f -name 'g*' | sort", "find . -maxdepth 1 -type d | sort", "find . -mindepth 2 -iname G | sort", "find nope", "find . -type q", "find . -bogus", "find . -maxdepth",
        "du -s d", "du -sh d e3", "du -c d", "du nope", "du -as d", "stat -c '%a %A %U %G %h %n %F' t d l e3 nope", "stat", "stat -c %s g h",
        "touch f2; mkdir -p f2/x", "mkdir -p f2", "mkdir a b c", "rmdir a b c nope", "mkdir -p p/q/r", "rmdir -p p/q/r", "ls -d p",
        "rm -r nope", "rm -rf d/nope", "cp -a d d4", "ls -l d4", "cp -p g3 g5", "cp -r d nod/x", "mv d4 g5 e3", "ls -1 e3", "mv g5 e3 t",
        "ln -s /nonexistent dangling", "cp dangling x", "cp -a dangling x", "ls -l x", "rm -v x dangling", "chmod -R go-rwx e3", "ls -l e3",
        "chmod +t d; chmod u+s,g+s t", "ls -ld d t", "chmod 0755 d t", "ls -ld d t", "chmod a=,u=rw t; chmod -w t", "ls -l t",
        "touch -d '2020-01-02 03:04:05' t", "stat -c %Y t", "ln -s t g e3", "ln t g t", "chmod 644 t t nope", "ln -sfn d dlink", "ls -l dlink", "rm dlink/",
        "rm -rf dlink/", "ls d", "rm -r dlink/", "rm dlink", "mkdir d/sub; rm -r d/sub/", "mkdir -m 1777 sticky; ls -ld sticky", "mkdir -p -m 700 pm/pn; ls -ld pm pm/pn",
        "mkdir -p ia/ib && touch ie ia/ib/if && echo x > ig && ln -s ig il", "printf 'y\\nn\\ny\\n' | rm -i ie ig il", "ls -1 ig il ie",
        "printf 'y\\ny\\ny\\ny\\n' | rm -ri ia", "ls -1 ia", "rm -i ig < /dev/null", "rm -fi ig < /dev/null", "rm -if ig",
        "touch -t 202001020304.05 t; stat -c %Y t", "touch -t 2001020304 t; stat -c %Y t", "touch -t xx t",
        "mkdir rootdir && touch rootdir/f",
    ];
    let as_user = ["find /root", "du -s /root", "mkdir rootdir/x", "mkdir -p rootdir/x/y", "touch rootdir/f", "touch rootdir/n", "rm -f rootdir/f", "rmdir rootdir", "rm -r rootdir", "cp rootdir/f rootdir/y", "mv rootdir/f rootdir/g", "ln -s f rootdir/l", "ln rootdir/f rootdir/h", "chmod 777 rootdir/f", "chmod -R 777 rootdir"];
    let mut t = sim_terminal();
    t.kernel.now = now();
    let mut at = t.kernel.now;
    let mut sim = |t: &mut Terminal, l: &str| {
        at += 1;
        sim_run(t, l, at).replace("\r\n", "\n")
    };
    sim(&mut t, "sudo su");
    sim(&mut t, &format!("mkdir -p {base} && cd {base}"));
    let mut diffs = Vec::new();
    for (user, lines) in [(false, &as_root[..]), (true, &as_user[..])] {
        if user {
            sim(&mut t, "exit");
            sim(&mut t, &format!("cd {base}"));
        }
        for l in lines {
            let script = format!("cd {base} && exec 2>&1; {l}; echo \"[$?]\"");
            let mut cmd = Command::new(if user { "setpriv" } else { "env" });
            if user {
                cmd.args(["--reuid=1000", "--regid=1000", "--clear-groups", "env"]);
            }
            let o = cmd.args(["-i", "PATH=/usr/bin:/bin", "LANG=C", "TZ=UTC", "bash", "--norc", "-c", &script]).output().expect("bash runs");
            let r = without_times(&String::from_utf8_lossy(&o.stdout));
            let s = without_times(&sim(&mut t, &format!("{l}; echo \"[$?]\"")));
            if r != s {
                diffs.push(format!("$ {l}{}\n--- real\n{r}\n--- sim\n{s}", if user { "  (uid 1000)" } else { "" }));
            }
        }
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
