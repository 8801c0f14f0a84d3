//! The Python `docker` package (Debian's python3-docker, installed by scripts/setup.sh --test)
//! runs tests/python/docker_basics.py against `native-runner daemon`: images.list,
//! containers.run(detach=True, name=...), containers.list, exec_run, logs, stop, remove and
//! the errors. The same script against real dockerd (root, scripts/real-dockerd.sh, the
//! project's alpine:3.15) must print the same lines after normalizing volatile fields.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use native_runner::normalize::normalize;

const REAL: &str = "/tmp/playground-real-docker/docker.sock";

struct Daemon(Child, PathBuf);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/python/docker_basics.py")
}

/// Debian's interpreter first (its python3-docker), then whatever `python3` is.
fn python_with_docker() -> Option<String> {
    ["/usr/bin/python3", "python3"].iter().find(|p| Command::new(p).args(["-c", "import docker"]).output().is_ok_and(|o| o.status.success())).map(|p| p.to_string())
}

/// One HTTP request with `Connection: close`; the whole answer.
fn http(sock: &str, request: &str) -> String {
    let Ok(mut s) = UnixStream::connect(sock) else { return String::new() };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = s.write_all(request.as_bytes());
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn run_script(python: &str, sock: &str) -> (String, String, bool) {
    let out = Command::new(python).arg(script()).arg(sock).stdin(Stdio::null()).output().expect("python runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.success())
}

fn real_ready() -> Result<(), String> {
    let root = std::fs::read_to_string("/proc/self/status").ok().is_some_and(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")));
    if !root {
        return Err("not root".into());
    }
    if !http(REAL, "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 200") {
        return Err(format!("real dockerd is not running at {REAL} (bash scripts/real-dockerd.sh start)"));
    }
    let inspect = http(REAL, "GET /v1.41/images/alpine:3.15/json HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");
    if !inspect.contains("PATH=") {
        return Err("real dockerd lacks the project's alpine:3.15 (tests/compare_scenarios.rs loads it; see tests/README.md)".into());
    }
    Ok(())
}

#[test]
fn docker_py_drives_the_simulated_daemon() {
    let Some(python) = python_with_docker() else {
        eprintln!("SKIPPED: no Python with the docker package (apt-get install python3-docker; scripts/setup.sh --test does)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("nr-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sock = dir.join("d.sock").to_string_lossy().into_owned();
    let child = Command::new(env!("CARGO_BIN_EXE_native-runner")).args(["daemon", "--socket", &sock]).stderr(Stdio::null()).spawn().expect("daemon starts");
    let _daemon = Daemon(child, dir);
    let start = Instant::now();
    while !http(&sock, "GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n").starts_with("HTTP/1.1 200") {
        assert!(start.elapsed() < Duration::from_secs(20), "daemon did not come up");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The simulation's registry has alpine:3.15 (the real daemon never pulls).
    let pulled = http(&sock, "POST /v1.41/images/create?fromImage=alpine&tag=3.15 HTTP/1.1\r\nHost: docker\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assert!(pulled.starts_with("HTTP/1.1 200"), "{pulled}");

    let (sim, err, ok) = run_script(&python, &sock);
    eprint!("simulated dockerd:\n{sim}{err}");
    assert!(ok, "the script failed against the simulated daemon:\n{sim}{err}");
    // Facts of real dockerd 20.10 + alpine 3.15, whether or not it runs here.
    for line in [
        "ping: True",
        "run(detach=True, name=...): ('py-basic', 64)",
        "status: ('running', True, 'sleep', ['1000'], 'alpine:3.15')",
        "containers.list(filters=name): ['py-basic']",
        "exec_run cat: ExecResult(exit_code=0, output=b'3.15.11\\n')",
        "exec_run sh exit: ExecResult(exit_code=3, output=b'out\\n')",
        "run() returns the output: b'hello from alpine\\n'",
        "stop: ('exited', 137)",
        "after remove: []",
        "ContainerError: (3, ['sh', '-c', 'exit 3'], 'alpine:3.15')",
        "NotFound: (404, 'No such container: py-basic-nosuch')",
        "done: True",
    ] {
        assert!(sim.lines().any(|l| l == line), "missing from the simulated run: {line}\n{sim}");
    }

    match real_ready() {
        Err(why) => eprintln!("SKIPPED (comparison with real dockerd): {why}"),
        Ok(()) => {
            let (real, err, ok) = run_script(&python, REAL);
            eprint!("real dockerd:\n{real}{err}");
            assert!(ok, "the script failed against real dockerd:\n{real}{err}");
            let diff = native_runner::diff::unified(&normalize(&real), &normalize(&sim), "real dockerd", "simulated dockerd");
            assert!(diff.is_empty(), "docker-py sees a different daemon:\n{diff}");
        }
    }
}
