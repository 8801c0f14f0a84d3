//! `native-runner daemon --real` driven by the real docker CLI: the shared engine answers,
//! the containers are real (a host PID in its own PID namespace, the image's real files,
//! output, signals and exit codes from the real kernel). After everything, and after the
//! daemon is SIGKILLed with containers running and started again, nothing is left: mounts,
//! network namespaces, veths, bridges, iptables rules, processes (counted as
//! `runtime_leaks.rs` counts them).
//!
//! Root only; skipped, loudly, without root, the docker CLI, iptables or the alpine fixture.
//! Where a real dockerd runs (`scripts/real-dockerd.sh start; ... import-alpine`), `docker
//! stop`'s exit code is compared with it.

mod leaks;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use leaks::{count, record_running, Seen};

const FIXTURE: &str = "../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz";
const REAL: &str = "/tmp/playground-real-docker/docker.sock";
/// The daemon's bridge (realdaemon::BRIDGE).
const BRIDGE: &str = "nrd0";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)
}

fn docker(sock: &str, args: &[&str]) -> (String, String, i32) {
    let out = Command::new("timeout")
        .arg("60")
        .arg("docker")
        .arg("-H")
        .arg(format!("unix://{sock}"))
        .args(args)
        .env_remove("DOCKER_HOST")
        .stdin(Stdio::null())
        .output()
        .expect("docker runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

/// `docker` that must succeed; its stdout.
fn ok(sock: &str, args: &[&str]) -> String {
    let (o, e, c) = docker(sock, args);
    assert_eq!(c, 0, "docker {}: exit {c}\nstdout: {o}\nstderr: {e}", args.join(" "));
    o
}

struct Daemon {
    child: Option<Child>,
    sock: String,
}

impl Daemon {
    fn start(sock: &Path, root: &Path) -> Daemon {
        let _ = std::fs::remove_file(sock);
        let child = Command::new(env!("CARGO_BIN_EXE_native-runner"))
            .args(["daemon", "--real", "--socket"])
            .arg(sock)
            .arg("--root")
            .arg(root)
            .stdout(Stdio::null())
            .spawn()
            .expect("daemon starts");
        let d = Daemon { child: Some(child), sock: sock.to_string_lossy().into_owned() };
        let deadline = Instant::now() + Duration::from_secs(20);
        while docker(&d.sock, &["version", "--format", "{{.Server.Version}}"]).2 != 0 {
            assert!(Instant::now() < deadline, "the daemon did not answer on {}", d.sock);
            std::thread::sleep(Duration::from_millis(50));
        }
        d
    }

    fn kill(&mut self, sig: i32) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: our own child, not yet reaped.
            unsafe { libc::kill(c.id() as i32, sig) };
            let _ = c.wait();
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.kill(libc::SIGKILL);
    }
}

/// Removes the daemon's state even when an assertion fails (a daemon started on it again
/// cleans up what a dead one left).
struct CleanupOnDrop(PathBuf, PathBuf);

impl Drop for CleanupOnDrop {
    fn drop(&mut self) {
        let _ = Command::new(env!("CARGO_BIN_EXE_native-runner")).arg("cleanup").arg("--root").arg(&self.0).output();
        let _ = std::fs::remove_dir_all(&self.0);
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn ready() -> Result<(), String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("daemon --real needs root".into());
    }
    if Command::new("docker").arg("--version").output().is_err() {
        return Err("no docker CLI".into());
    }
    if !fixture().exists() {
        return Err(format!("alpine fixture missing at {}", fixture().display()));
    }
    if Command::new("iptables").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        return Err("iptables missing (the leak count reads its rules)".into());
    }
    if Path::new(&format!("/sys/class/net/{BRIDGE}")).exists() {
        return Err(format!("bridge {BRIDGE} exists already (another daemon --real on this machine?)"));
    }
    Ok(())
}

fn import_alpine(sock: &str) {
    let fx = fixture();
    ok(sock, &["import", "-c", "CMD [\"/bin/sh\"]", fx.to_str().expect("utf-8"), "alpine:3.15"]);
}

/// `native-runner build-images --fill-from` then `docker load`.
fn load_built_alpine(sock: &str, dir: &Path) {
    let fx = fixture();
    let o = Command::new(env!("CARGO_BIN_EXE_native-runner"))
        .args(["build-images", "--out"])
        .arg(dir)
        .arg("--fill-from")
        .arg(format!("amd64={}", fx.display()))
        .arg("alpine:3.15")
        .output()
        .expect("build-images");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tar = dir.join("alpine-3.15.tar");
    assert_eq!(ok(sock, &["load", "-i", tar.to_str().expect("utf-8")]), "Loaded image: alpine:3.15\n");
    assert_eq!(ok(sock, &["run", "--rm", "--pull=never", "alpine:3.15", "cat", "/etc/alpine-release"]), "3.15.11\n");
}

/// `docker stop`'s exit code for `sleep` as PID 1 on real dockerd, if one runs with alpine.
fn real_stop_code() -> Option<i32> {
    if docker(REAL, &["image", "inspect", "alpine:3.15"]).2 != 0 {
        eprintln!("NOTE: no real dockerd at {REAL} with alpine:3.15: stop's exit code compared with 137 only");
        return None;
    }
    let name = format!("nr-real-stop-{}", std::process::id());
    let _ = docker(REAL, &["rm", "-f", &name]);
    ok(REAL, &["run", "-d", "--pull=never", "--name", &name, "alpine:3.15", "sleep", "1000"]);
    ok(REAL, &["stop", "-t", "1", &name]);
    let code = ok(REAL, &["inspect", "-f", "{{.State.ExitCode}}", &name]).trim().parse().ok();
    let _ = docker(REAL, &["rm", "-f", &name]);
    code
}

#[test]
fn real_docker_cli_against_daemon_real() {
    if let Err(why) = ready() {
        eprintln!("SKIPPED real_docker_cli_against_daemon_real: {why}");
        return;
    }
    let me = std::process::id();
    let root = std::env::temp_dir().join(format!("nr-test-daemon-real-{me}"));
    let dir = std::env::temp_dir().join(format!("nr-test-daemon-real-sock-{me}"));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&dir).expect("socket dir");
    let _cleanup = CleanupOnDrop(root.clone(), dir.clone());
    let sock_path = dir.join("docker.sock");
    let marker = format!("{}", 32_000_000 + me);
    let before = count(&root, &marker, BRIDGE);
    eprintln!("before: {before:?}");
    let mut seen = Seen::default();

    let mut daemon = Daemon::start(&sock_path, &root);
    let s = daemon.sock.clone();
    let s = s.as_str();
    import_alpine(s);

    // run --rm: the real echo's output, attached.
    assert_eq!(ok(s, &["run", "--rm", "--pull=never", "alpine:3.15", "echo", "hi"]), "hi\n");
    let (_, _, code) = docker(s, &["run", "--rm", "--pull=never", "alpine:3.15", "sh", "-c", "exit 3"]);
    assert_eq!(code, 3, "run's exit code is the container's");
    let (_, err, code) = docker(s, &["run", "--rm", "--pull=never", "alpine:3.15", "nosuchcmd"]);
    assert_eq!(code, 127, "{err}");
    assert!(err.contains("exec: \"nosuchcmd\": executable file not found in $PATH"), "{err}");

    // What the engine decides reaches the real process: env, hostname, workdir, entrypoint.
    assert_eq!(
        ok(s, &["run", "--rm", "--pull=never", "-e", "FOO=bar", "-h", "myhost", "-w", "/etc", "--entrypoint", "sh", "alpine:3.15", "-c", "echo $FOO $HOSTNAME $(hostname) $(pwd) $HOME"]),
        "bar myhost myhost /etc /root\n"
    );

    // run -d, ps.
    let id = ok(s, &["run", "-d", "--pull=never", "--name", "c1", "alpine:3.15", "sleep", "1000"]).trim().to_string();
    assert_eq!(id.len(), 64, "{id}");
    record_running(&root, &mut seen);
    let ps = ok(s, &["ps"]);
    assert!(ps.lines().any(|l| l.starts_with(&id[..12]) && l.contains("\"sleep 1000\"") && l.ends_with("c1")), "{ps}");

    // exec: the container's own view.
    let eps = ok(s, &["exec", "c1", "ps"]);
    let first = eps.lines().nth(1).unwrap_or("");
    assert!(first.split_whitespace().next() == Some("1") && first.ends_with("sleep 1000"), "PID 1 is sleep:\n{eps}");
    assert_eq!(eps.lines().count(), 3, "sleep and ps only:\n{eps}");
    assert_eq!(ok(s, &["exec", "c1", "cat", "/etc/hostname"]), format!("{}\n", &id[..12]));
    assert_eq!(docker(s, &["exec", "c1", "sh", "-c", "exit 7"]).2, 7);
    // dockerd writes a failed exec's error into the stream, as stdout.
    // Real dockerd 20.10 here exits 126 for any exec that runc could not start.
    let (out, _, code) = docker(s, &["exec", "c1", "nosuchcmd"]);
    assert_eq!(code, 126, "{out}");
    assert!(out.starts_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuchcmd\""), "{out}");
    let ip = ok(s, &["exec", "c1", "ip", "-4", "-o", "addr", "show", "eth0"]);
    let want_ip = ok(s, &["inspect", "-f", "{{.NetworkSettings.IPAddress}}", "c1"]);
    assert!(ip.contains(&format!("inet {}/16", want_ip.trim())), "eth0 has the address inspect reports: {ip} vs {want_ip}");
    // exec -i: input reaches the process.
    let mut cat = Command::new("docker")
        .args(["-H", &format!("unix://{s}"), "exec", "-i", "c1", "cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("exec -i");
    cat.stdin.take().expect("stdin").write_all(b"through stdin\n").expect("write");
    let mut got = String::new();
    cat.stdout.take().expect("stdout").read_to_string(&mut got).expect("read");
    assert!(cat.wait().expect("wait").success());
    assert_eq!(got, "through stdin\n");

    // inspect: a real host PID in a PID namespace of its own.
    let pid: i32 = ok(s, &["inspect", "-f", "{{.State.Pid}}", "c1"]).trim().parse().expect("a PID");
    let ns = std::fs::read_link(format!("/proc/{pid}/ns/pid")).expect("the PID exists on the host");
    assert_ne!(ns, std::fs::read_link("/proc/self/ns/pid").expect("own ns"), "PID namespace of the container");
    assert_eq!(std::fs::read(format!("/proc/{pid}/cmdline")).expect("cmdline"), b"sleep\x001000\x00");

    // top: host ps rows of the container's processes.
    let top = ok(s, &["top", "c1"]);
    assert!(top.lines().next().is_some_and(|l| l.starts_with("UID") && l.ends_with("CMD")), "{top}");
    assert!(top.lines().any(|l| l.split_whitespace().nth(1) == Some(&pid.to_string()) && l.ends_with("sleep 1000")), "{top}");

    // logs: what the process wrote, stdout and stderr apart.
    ok(s, &["run", "-d", "--pull=never", "--name", "c2", "alpine:3.15", "sh", "-c", "echo out; echo err >&2; exec sleep 1000"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut logs = docker(s, &["logs", "c2"]);
    while logs.0.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        logs = docker(s, &["logs", "c2"]);
    }
    assert_eq!((logs.0.as_str(), logs.1.as_str(), logs.2), ("out\n", "err\n", 0));
    // logs -f: the lines so far, each new one as it is written, the end when the container ends.
    ok(s, &["run", "-d", "--pull=never", "--name", "ticker", "alpine:3.15", "sh", "-c", "echo first; sleep 1; echo second; sleep 1"]);
    let t0 = Instant::now();
    let followed = ok(s, &["logs", "-f", "ticker"]);
    assert_eq!(followed, "first\nsecond\n");
    assert!(t0.elapsed() >= Duration::from_millis(1500), "logs -f ended when the container did ({:?})", t0.elapsed());
    ok(s, &["rm", "ticker"]);

    // -p: the userland proxy reaches the container's port.
    let port = 20_000 + (me % 20_000) as u16;
    ok(s, &["run", "-d", "--pull=never", "--name", "web", "-p", &format!("{port}:80"), "alpine:3.15", "sh", "-c", "echo published > /tmp/m; while true; do nc -l -p 80 < /tmp/m; done"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut body = String::new();
    while Instant::now() < deadline {
        body.clear();
        if let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = c.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = c.read_to_string(&mut body);
            if body == "published\n" {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(body, "published\n", "through 127.0.0.1:{port}");
    ok(s, &["rm", "-f", "web"]);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "the proxy is gone with the container");

    // A user-defined network: its own bridge, the address the engine allocated on it.
    ok(s, &["network", "create", "nrt-net"]);
    let peer = ok(s, &["run", "-d", "--pull=never", "--network", "nrt-net", "--name", "peer", "alpine:3.15", "sleep", "1000"]);
    record_running(&root, &mut seen);
    let peer_ip = ok(s, &["inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "peer"]);
    let eth0 = ok(s, &["exec", "peer", "ip", "-4", "-o", "addr", "show", "eth0"]);
    assert!(eth0.contains(&format!("inet {}/16", peer_ip.trim())), "{eth0} vs {peer_ip}");
    let net_id = ok(s, &["network", "inspect", "-f", "{{.Id}}", "nrt-net"]);
    let net_bridge = format!("/sys/class/net/nr{}", &net_id[..12]);
    assert!(Path::new(&net_bridge).exists(), "{net_bridge} for nrt-net");
    ok(s, &["rm", "-f", peer.trim()]);
    ok(s, &["network", "rm", "nrt-net"]);
    assert!(!Path::new(&net_bridge).exists(), "the network's bridge is gone with its last container");

    // stop: SIGTERM, ignored by sleep as PID 1, then SIGKILL after the timeout; meanwhile
    // other clients are answered.
    let t0 = Instant::now();
    let sock = s.to_string();
    let stopping = std::thread::spawn(move || ok(&sock, &["stop", "-t", "2", "c1"]));
    std::thread::sleep(Duration::from_millis(300));
    let t1 = Instant::now();
    assert!(ok(s, &["ps", "--format", "{{.Names}}"]).contains("c1"));
    assert!(t1.elapsed() < Duration::from_millis(1500), "ps answered during stop's timeout in {:?}", t1.elapsed());
    assert_eq!(stopping.join().expect("stop"), "c1\n");
    assert!(t0.elapsed() >= Duration::from_millis(1900), "stop waited for the timeout");
    let code: i32 = ok(s, &["inspect", "-f", "{{.State.ExitCode}}", "c1"]).trim().parse().expect("exit code");
    assert_eq!(code, real_stop_code().unwrap_or(137), "docker stop's exit code");
    assert_eq!(ok(s, &["inspect", "-f", "{{.State.Status}} {{.State.Pid}}", "c1"]), "exited 0\n");
    assert!(!Path::new(&format!("/proc/{pid}")).exists() || std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok() != Some(ns), "the process is gone");
    assert_eq!(docker(s, &["wait", "c1"]).0, format!("{code}\n"));
    // restart: a new process (another host PID); the container's writable layer stays.
    ok(s, &["exec", "c2", "sh", "-c", "echo kept > /root/note"]);
    let pid2: i32 = ok(s, &["inspect", "-f", "{{.State.Pid}}", "c2"]).trim().parse().expect("pid");
    assert_eq!(ok(s, &["restart", "-t", "0", "c2"]), "c2\n");
    let pid3: i32 = ok(s, &["inspect", "-f", "{{.State.Pid}}", "c2"]).trim().parse().expect("pid");
    assert!(pid3 != pid2 && pid3 > 0, "{pid2} -> {pid3}");
    assert_eq!(std::fs::read(format!("/proc/{pid3}/cmdline")).expect("cmdline"), b"sleep\x001000\x00");
    assert_eq!(ok(s, &["exec", "c2", "cat", "/root/note"]), "kept\n");
    // kill: the real signal.
    ok(s, &["kill", "c2"]);
    assert_eq!(ok(s, &["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "c2"]), "exited 137\n");

    // rm.
    ok(s, &["rm", "c1", "c2"]);
    assert_eq!(ok(s, &["ps", "-aq"]), "");

    // SIGKILL the daemon with containers running: they outlive it (real processes), and the
    // next daemon removes them.
    for i in 0..2 {
        ok(s, &["run", "-d", "--pull=never", "--name", &format!("k{i}"), "alpine:3.15", "sleep", &marker]);
    }
    record_running(&root, &mut seen);
    assert_eq!(count(&root, &marker, BRIDGE).marker_processes, 2);
    daemon.kill(libc::SIGKILL);
    assert_eq!(count(&root, &marker, BRIDGE).marker_processes, 2, "containers outlive a killed daemon");
    let mut daemon = Daemon::start(&sock_path, &root);
    assert_eq!(ok(&daemon.sock, &["ps", "-aq"]), "", "a new daemon starts empty");
    assert_eq!(count(&root, &marker, BRIDGE).marker_processes, 0, "the new daemon removed the old one's containers");
    // SIGTERM: the daemon stops its containers before it ends. (The image this time: the
    // project's alpine:3.15 with the fixture's files, through `docker load`.)
    load_built_alpine(&daemon.sock, &dir);
    ok(&daemon.sock, &["run", "-d", "--pull=never", "-p", &format!("{port}:80"), "alpine:3.15", "sleep", &marker]);
    record_running(&root, &mut seen);
    assert_eq!(count(&root, &marker, BRIDGE).marker_processes, 1);
    daemon.kill(libc::SIGTERM);
    assert!(!sock_path.exists(), "the socket is removed");

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = count(&root, &marker, BRIDGE);
    while Instant::now() < deadline && (after.veths_on_our_bridge > 0 || after.marker_processes > 0 || after.our_bridge) {
        std::thread::sleep(Duration::from_millis(100));
        after = count(&root, &marker, BRIDGE);
    }
    eprintln!("after:  {after:?}");
    assert_eq!(after.mounts_ours, 0, "mounts under the daemon's root");
    assert_eq!(after.marker_processes, 0, "container processes");
    assert_eq!(after.runtime_processes, 0, "daemon processes");
    assert!(!after.our_bridge, "bridge {BRIDGE}");
    assert_eq!(after.veths_on_our_bridge, 0, "veths");
    assert_eq!(after.iptables_ours, before.iptables_ours, "tagged iptables rules");
    assert_eq!(leaks::sh(&format!("iptables-save 2>/dev/null | grep -c -- '{BRIDGE}'")).trim(), "0", "iptables rules naming {BRIDGE}");
    leaks::assert_traces_gone(&before, &after, &seen);
}
