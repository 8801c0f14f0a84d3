//! The real-kernel runtime end to end, through the `native-runner` binary: exit codes,
//! output forwarding, the container's view (mounts, capabilities, hostname, network),
//! exec, and stop (stop signal, then SIGKILL -> 137). Needs root and the alpine fixture;
//! each test says loudly why it skipped otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = "../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

fn skip(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED {test}: the runtime needs root (namespaces, mounts, veths)");
        return true;
    }
    if !fixture().exists() {
        eprintln!("SKIPPED {test}: alpine fixture missing at {}", fixture().display());
        return true;
    }
    false
}

/// A private state root, cleaned up (runtime `cleanup`, then removed) on drop.
struct Root(PathBuf);

impl Root {
    fn new(tag: &str) -> Root {
        let p = std::env::temp_dir().join(format!("nr-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        Root(p)
    }
    fn s(&self) -> &str {
        self.0.to_str().expect("utf-8 temp path")
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        let _ = nr().args(["cleanup", "--root", self.s()]).output();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nr() -> Command {
    Command::new(env!("CARGO_BIN_EXE_native-runner"))
}

fn run(root: &Root, extra: &[&str], cmd: &[&str]) -> Output {
    let fx = fixture();
    let mut c = nr();
    c.args(["run", "--root", root.s(), "--rootfs-tar"]).arg(&fx).args(extra).arg("--").args(cmd);
    c.output().expect("native-runner runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn exit_codes_are_dockers() {
    if skip("exit_codes_are_dockers") {
        return;
    }
    let root = Root::new("exit");
    assert_eq!(run(&root, &["--rm"], &["true"]).status.code(), Some(0));
    assert_eq!(run(&root, &["--rm"], &["sh", "-c", "exit 3"]).status.code(), Some(3));
    let missing = run(&root, &["--rm"], &["no-such-program"]);
    assert_eq!(missing.status.code(), Some(127));
    assert!(text(&missing.stderr).contains("exec: \"no-such-program\": executable file not found in $PATH"), "{}", text(&missing.stderr));
    assert_eq!(run(&root, &["--rm"], &["/etc/passwd"]).status.code(), Some(126));
    // A shell killed by a signal it does not ignore: 128 + n, as Docker reports.
    let killed = run(&root, &["--rm"], &["sh", "-c", "sh -c 'kill -KILL $$'; exit $?"]);
    assert_eq!(killed.status.code(), Some(137));
    let left: Vec<_> = std::fs::read_dir(root.0.join("containers")).expect("containers dir").collect();
    assert!(left.is_empty(), "--rm left {} container dirs", left.len());
}

#[test]
fn output_is_forwarded() {
    if skip("output_is_forwarded") {
        return;
    }
    let root = Root::new("out");
    let o = run(&root, &["--rm"], &["sh", "-c", "echo out; echo err >&2; cat; echo done"]);
    assert_eq!(text(&o.stdout), "out\ndone\n", "stdin is /dev/null, stdout forwarded");
    assert_eq!(text(&o.stderr), "err\n");
}

#[test]
fn container_view_matches_docker() {
    if skip("container_view_matches_docker") {
        return;
    }
    let root = Root::new("view");
    let o = run(
        &root,
        &["--rm", "--hostname", "rt-view"],
        &["sh", "-c", "cat /proc/mounts; hostname; cat /etc/hostname; grep -E '^Cap(Eff|Bnd|Inh)' /proc/self/status; ps -o pid,args; ip -o addr; ls /dev; id"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let mounts: Vec<String> = out
        .lines()
        .take_while(|l| l.split(' ').count() == 6)
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            format!("{} {} {}", f[0], f[1], f[2])
        })
        .collect();
    // Docker 20.10's list on this kernel (cgroup mounts aside), in Docker's order.
    let want = [
        "overlay / overlay",
        "proc /proc proc",
        "tmpfs /dev tmpfs",
        "devpts /dev/pts devpts",
        "sysfs /sys sysfs",
        "mqueue /dev/mqueue mqueue",
        "shm /dev/shm tmpfs",
        "/dev/vda /etc/resolv.conf ext4",
        "/dev/vda /etc/hostname ext4",
        "/dev/vda /etc/hosts ext4",
        "proc /proc/bus proc",
        "proc /proc/fs proc",
        "proc /proc/irq proc",
        "proc /proc/sys proc",
    ];
    for (i, w) in want.iter().enumerate() {
        let got = mounts.get(i).map(String::as_str).unwrap_or("");
        // The binds name the host's device, which need not be /dev/vda elsewhere.
        if w.starts_with("/dev/vda") {
            let tail = w.strip_prefix("/dev/vda").unwrap_or(w);
            assert!(got.ends_with(tail), "mount {i}: {got:?} vs {w:?}\n{out}");
        } else {
            assert_eq!(got, *w, "mount {i}\n{out}");
        }
    }
    assert!(out.contains("tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0"), "{out}");
    assert!(out.contains("devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0"), "{out}");
    assert!(out.contains("sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0"), "{out}");
    assert!(out.contains("shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0"), "{out}");
    assert!(out.contains("proc /proc/sys proc ro,nosuid,nodev,noexec,relatime 0 0"), "{out}");
    assert!(!out.contains("uuid="), "overlay options as Docker shows them\n{out}");
    assert!(out.contains("\nrt-view\nrt-view\n"), "{out}");
    assert!(out.contains("CapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\n"), "{out}");
    assert!(out.contains("    1 sh -c cat /proc/mounts;"), "the command is PID 1\n{out}");
    assert!(out.contains("1: lo    inet 127.0.0.1/8 scope host lo"), "lo up, no IPv6\n{out}");
    assert!(!out.contains("inet6"), "{out}");
    for dev in ["full", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout", "tty", "urandom", "zero", "fd"] {
        assert!(out.lines().any(|l| l == dev), "/dev/{dev} missing\n{out}");
    }
    assert!(out.contains("uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)"), "{out}");
}

#[test]
fn bridge_network() {
    if skip("bridge_network") {
        return;
    }
    let root = Root::new("net");
    let o = run(
        &root,
        &["--rm", "--net", "--bridge", "nrt-net0", "--subnet", "10.201.0.0/16", "--hostname", "h1"],
        &["sh", "-c", "ip addr show eth0; ip route; cat /etc/hosts; ping -c1 -W2 10.201.0.1 >/dev/null && echo PING-OK"],
    );
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}{}", out, text(&o.stderr));
    assert!(out.contains("eth0@if"), "{out}");
    assert!(out.contains("<BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP \n"), "Docker's eth0 line (no qlen)\n{out}");
    assert!(out.contains("link/ether 02:42:0a:c9:00:02 brd ff:ff:ff:ff:ff:ff"), "Docker's MAC from the IP\n{out}");
    assert!(out.contains("inet 10.201.0.2/16 brd 10.201.255.255 scope global eth0"), "{out}");
    assert!(out.contains("default via 10.201.0.1 dev eth0"), "{out}");
    assert!(out.contains("10.201.0.2\th1\n"), "{out}");
    assert!(out.contains("PING-OK"), "the gateway answers\n{out}");
    assert!(Path::new("/sys/class/net/nrt-net0").exists(), "the bridge stays, like docker0");
    let c = nr().args(["cleanup", "--root", root.s()]).output().expect("cleanup");
    assert!(c.status.success());
    assert!(!Path::new("/sys/class/net/nrt-net0").exists(), "cleanup removes the unused on-demand bridge");
}

fn wait_running(root: &Root, name: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(id) = std::fs::read_to_string(root.0.join("names").join(name)) {
            if let Ok(st) = std::fs::read_to_string(root.0.join("containers").join(id).join("state")) {
                // Running, and PID 1 has exec'd its command (the record is written before).
                let pid = st.lines().find_map(|l| l.strip_prefix("init_pid=")).unwrap_or("0");
                let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                if st.contains("status=running") && !cmd.is_empty() && !String::from_utf8_lossy(&cmd).contains("native-runner") {
                    return true;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn spawn_run(root: &Root, name: &str, cmd: &[&str]) -> std::process::Child {
    nr().args(["run", "--root", root.s(), "--rm", "--name", name, "--rootfs-tar"])
        .arg(fixture())
        .arg("--")
        .args(cmd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn run")
}

#[test]
fn stop_then_kill_gives_137_and_exec_joins_namespaces() {
    if skip("stop_then_kill_gives_137_and_exec_joins_namespaces") {
        return;
    }
    let root = Root::new("stop");
    // sleep as PID 1 has no SIGTERM handler: the kernel drops the signal, stop escalates.
    let mut c = spawn_run(&root, "rt-stop", &["sleep", "1000"]);
    assert!(wait_running(&root, "rt-stop"), "container did not start");
    let e = nr().args(["exec", "--root", root.s(), "rt-stop", "--", "sh", "-c", "ps -o pid,args; hostname; exit 4"]).output().expect("exec");
    assert_eq!(e.status.code(), Some(4));
    let eo = text(&e.stdout);
    assert!(eo.contains("    1 sleep 1000"), "exec sees the container's PID namespace\n{eo}");
    let t0 = Instant::now();
    let s = nr().args(["stop", "--root", root.s(), "-t", "1", "rt-stop"]).output().expect("stop");
    assert!(s.status.success(), "{}", text(&s.stderr));
    let st = c.wait().expect("run exits");
    assert!(t0.elapsed() >= Duration::from_millis(900), "SIGKILL came only after the timeout");
    assert_eq!(st.code(), Some(137));

    // A PID 1 that handles the stop signal exits by itself, with its own code.
    let mut c = spawn_run(&root, "rt-trap", &["sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.05; done"]);
    assert!(wait_running(&root, "rt-trap"), "container did not start");
    std::thread::sleep(Duration::from_millis(200));
    let s = nr().args(["stop", "--root", root.s(), "-t", "5", "rt-trap"]).output().expect("stop");
    assert!(s.status.success(), "{}", text(&s.stderr));
    assert_eq!(c.wait().expect("run exits").code(), Some(7));

    // `stop -s KILL`: 128 + 9 at once.
    let mut c = spawn_run(&root, "rt-kill", &["sleep", "1000"]);
    assert!(wait_running(&root, "rt-kill"), "container did not start");
    let t0 = Instant::now();
    let s = nr().args(["stop", "--root", root.s(), "-s", "KILL", "rt-kill"]).output().expect("stop");
    assert!(s.status.success(), "{}", text(&s.stderr));
    assert_eq!(c.wait().expect("run exits").code(), Some(137));
    assert!(t0.elapsed() < Duration::from_secs(5));
}
