//! `native-runner compare` with native-runner's own kernel as reality: the scenarios of
//! `tests/compare/` typed with the real docker CLI into `native-runner daemon --real` (real
//! containers through `runtime/`) and into the simulated dockerd. Root only; skipped, loudly,
//! without the docker CLI or the alpine fixture. The daemon is stopped with SIGTERM at the
//! end, which removes its containers, and its root directory is deleted.
//! All six scenarios: runc's exec error texts and exit codes, dockerd's first line of a
//! failing `ps`, the supplementary groups and `-t`'s console are this runtime's too.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_native-runner");
const SCENARIOS: [&str; 6] = ["lifecycle", "shell", "ports", "images", "errors", "run-options"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1)).map(|u| u == "0"))
        .unwrap_or(false)
}

/// The daemon, stopped with SIGTERM (it removes its containers) when the test ends.
struct Daemon(Child, PathBuf);

impl Drop for Daemon {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the child's PID.
        unsafe {
            libc::kill(self.0.id() as i32, libc::SIGTERM);
        }
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

#[test]
fn scenarios_match_native_runners_real_runtime() {
    if !is_root() {
        eprintln!("SKIPPED: daemon --real needs root");
        return;
    }
    if Command::new("docker").arg("--version").output().is_err() {
        eprintln!("SKIPPED: no docker CLI");
        return;
    }
    let fixture = root().join("../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz");
    if !fixture.exists() {
        eprintln!("SKIPPED: the alpine fixture is not present ({})", fixture.display());
        return;
    }
    let dir = std::env::temp_dir().join(format!("nr-cmp-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sock = dir.join("docker.sock");
    let child = Command::new(EXE).args(["daemon", "--real", "--socket"]).arg(&sock).arg("--root").arg(dir.join("root")).spawn().expect("daemon starts");
    let _daemon = Daemon(child, dir.clone());
    let host = format!("unix://{}", sock.display());
    let docker = |args: &[&str]| Command::new("docker").arg("-H").arg(&host).args(args).env_remove("DOCKER_HOST").output().expect("docker runs");
    for _ in 0..100 {
        if docker(&["version"]).status.success() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let built = Command::new(EXE).args(["build-images", "--out"]).arg(dir.join("img")).arg("--fill-from").arg(format!("amd64={}", fixture.display())).arg("alpine:3.15").output().expect("build-images runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let loaded = docker(&["load", "-i", &dir.join("img/alpine-3.15.tar").to_string_lossy()]);
    assert!(loaded.status.success(), "{}", String::from_utf8_lossy(&loaded.stderr));
    let mut failures = Vec::new();
    for name in SCENARIOS {
        let scenario = root().join(format!("tests/compare/{name}.scenario"));
        let out = Command::new(EXE).arg("compare").arg(&scenario).arg("--real-socket").arg(&sock).output().expect("compare runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let ok = text.lines().filter(|l| l.starts_with("ok")).count();
        eprintln!("{name}: {ok} steps ok");
        if !out.status.success() {
            failures.push(format!("{name}:\n{text}{}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
