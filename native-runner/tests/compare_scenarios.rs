//! `native-runner compare` on every `tests/compare/*.scenario`: the real docker CLI into real
//! dockerd (scripts/real-dockerd.sh's private socket, never pulling) and into the simulated
//! dockerd; every step must match. Skipped, loudly, without root, the docker CLI, the real
//! daemon or the alpine fixture. `compare_reports_differences` needs none of them: a fake
//! docker CLI answers differently per socket and compare must say DIFFER and fail.

use std::path::{Path, PathBuf};
use std::process::Command;

const REAL: &str = "/tmp/playground-real-docker/docker.sock";
const EXE: &str = env!("CARGO_BIN_EXE_native-runner");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn docker(args: &[&str]) -> (String, i32) {
    match Command::new("docker").arg("-H").arg(format!("unix://{REAL}")).args(args).env_remove("DOCKER_HOST").output() {
        Ok(o) => (String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr), o.status.code().unwrap_or(-1)),
        Err(e) => (e.to_string(), -1),
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1)).map(|u| u == "0"))
        .unwrap_or(false)
}

/// Real dockerd must have the project's alpine:3.15 (built from assets/images with the
/// fixture's binaries): an image imported from the bare rootfs lacks its Env. Loaded here
/// when missing or different; never pulled.
fn real_has_project_alpine() -> Result<(), String> {
    let (env, code) = docker(&["image", "inspect", "-f", "{{json .Config.Env}}", "alpine:3.15"]);
    if code == 0 && env.contains("PATH=") {
        return Ok(());
    }
    let fixture = root().join("../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz");
    if !fixture.exists() {
        return Err(format!("the alpine fixture is not present ({})", fixture.display()));
    }
    let dir = std::env::temp_dir().join(format!("nr-cmp-img-{}", std::process::id()));
    let built = Command::new(EXE).args(["build-images", "--out"]).arg(&dir).arg("--fill-from").arg(format!("amd64={}", fixture.display())).arg("alpine:3.15").output().map_err(|e| e.to_string())?;
    if !built.status.success() {
        return Err(format!("build-images: {}", String::from_utf8_lossy(&built.stderr)));
    }
    let (out, code) = docker(&["load", "-i", &dir.join("alpine-3.15.tar").to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("loaded the project's alpine:3.15 into real dockerd: {out}");
    if code != 0 {
        return Err(format!("docker load: {out}"));
    }
    Ok(())
}

#[test]
fn scenarios_match_real_dockerd() {
    if !is_root() {
        eprintln!("SKIPPED: the compare scenarios need root (real dockerd)");
        return;
    }
    if Command::new("docker").arg("--version").output().is_err() {
        eprintln!("SKIPPED: no docker CLI");
        return;
    }
    if docker(&["version"]).1 != 0 {
        eprintln!("SKIPPED: real dockerd at {REAL} is not running (bash scripts/real-dockerd.sh start)");
        return;
    }
    if let Err(e) = real_has_project_alpine() {
        eprintln!("SKIPPED: {e}");
        return;
    }
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(root().join("tests/compare"))
        .expect("tests/compare exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "scenario"))
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 4, "scenarios: {scenarios:?}");
    let mut failed = Vec::new();
    for s in &scenarios {
        let out = Command::new(EXE).arg("compare").arg(s).args(["--real-socket", REAL]).output().expect("native-runner compare runs");
        let text = String::from_utf8_lossy(&out.stdout);
        eprint!("{text}{}", String::from_utf8_lossy(&out.stderr));
        assert!(text.lines().any(|l| l.starts_with("ok ")), "{}: no step compared", s.display());
        if !out.status.success() {
            failed.push(format!("{} (exit {:?})", s.display(), out.status.code()));
        }
    }
    assert!(failed.is_empty(), "scenarios with differences: {failed:?}");
}

/// A docker CLI that answers one line more on the "real" socket: compare must print DIFFER
/// with the diff and exit 1, and print ok and exit 0 for the steps that agree.
#[test]
fn compare_reports_differences() {
    let dir = std::env::temp_dir().join(format!("nr-cmp-fake-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fake = dir.join("docker");
    std::fs::write(&fake, "#!/bin/sh\n# -H unix://SOCK ARGS...\necho \"same $3\"\n[ \"$2\" = unix:///nonexistent/real.sock ] && [ \"$3\" = differ ] && { echo real-only; exit 3; }\nexit 0\n").expect("write fake docker");
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let scenario = dir.join("t.scenario");
    std::fs::write(&scenario, "# two steps\ndocker agree\ndocker differ\n").expect("write scenario");
    let out = Command::new(EXE).arg("compare").arg(&scenario).args(["--real-socket", "/nonexistent/real.sock", "--docker"]).arg(&fake).output().expect("compare runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(":2: docker agree\n") && text.lines().any(|l| l.starts_with("ok ") && l.ends_with("docker agree")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("DIFFER ") && l.ends_with("docker differ")), "{text}");
    assert!(text.contains("        -real-only\n"), "{text}");
    assert!(text.contains("exit code: real 3, simulated 0"), "{text}");
    assert!(text.contains("2 steps, 1 ok, 1 differ"), "{text}");
}

#[test]
fn compare_refuses_bad_scenarios() {
    let dir = std::env::temp_dir().join(format!("nr-cmp-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let scenario = dir.join("bad.scenario");
    std::fs::write(&scenario, "docker ps\nls /\n").expect("write scenario");
    let out = Command::new(EXE).arg("compare").arg(&scenario).output().expect("compare runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.scenario:2: expected 'docker', 'setup docker', 'cleanup docker' or 'image', found 'ls'"), "{err}");
}
