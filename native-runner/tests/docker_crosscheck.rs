//! The same docker commands, typed with the real docker CLI, against real dockerd (Debian's
//! docker.io on a private socket, `scripts/real-dockerd.sh`) and against the simulation's
//! dockerd served on a real socket (`native-runner daemon`): stdout, stderr and exit code must
//! be equal after normalizing only what is volatile (ids, times, addresses of other machines).
//! Skipped, loudly, without root, the docker CLI, or the real daemon with alpine:3.15.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

use native_runner::normalize::normalize;

const REAL: &str = "/tmp/playground-real-docker/docker.sock";

struct Daemon(Child, PathBuf);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_file(&self.1);
    }
}

fn docker(sock: &str, args: &[&str]) -> (String, String, i32) {
    let out = Command::new("docker").arg("-H").arg(format!("unix://{sock}")).args(args).env_remove("DOCKER_HOST").output().expect("docker runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

fn ready() -> Option<()> {
    if unsafe_is_root().is_none() {
        eprintln!("SKIPPED: the Docker cross-check needs root");
        return None;
    }
    if Command::new("docker").arg("--version").output().is_err() {
        eprintln!("SKIPPED: no docker CLI");
        return None;
    }
    let (_, _, code) = docker(REAL, &["image", "inspect", "alpine:3.15"]);
    if code != 0 {
        eprintln!("SKIPPED: real dockerd at {REAL} is not running with alpine:3.15 (bash scripts/real-dockerd.sh start; bash scripts/real-dockerd.sh import-alpine)");
        return None;
    }
    Some(())
}

fn unsafe_is_root() -> Option<()> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status.lines().find(|l| l.starts_with("Uid:"))?.split_whitespace().nth(1)?.to_string();
    (uid == "0").then_some(())
}

#[test]
fn real_cli_sees_the_same_engine() {
    if ready().is_none() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("nr-xc-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let sock = dir.join("sim.sock");
    let child = Command::new(env!("CARGO_BIN_EXE_native-runner")).arg("daemon").arg("--socket").arg(&sock).spawn().expect("daemon starts");
    let _daemon = Daemon(child, sock.clone());
    let sim = sock.to_string_lossy().into_owned();
    for _ in 0..100 {
        if docker(&sim, &["version"]).2 == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(docker(&sim, &["pull", "-q", "alpine:3.15"]).2, 0, "the simulation's registry has alpine:3.15");
    for s in [REAL, sim.as_str()] {
        let _ = docker(s, &["rm", "-f", "xc-web", "xc-dup"]);
    }
    let steps: &[&[&str]] = &[
        &["run", "--rm", "--pull=never", "alpine:3.15", "ls", "/"],
        &["run", "--rm", "--pull=never", "alpine:3.15", "ls", "-l", "/bin"],
        &["run", "--rm", "--pull=never", "alpine:3.15", "cat", "/etc/os-release"],
        &["run", "--rm", "--pull=never", "alpine:3.15", "id"],
        &["run", "--rm", "--pull=never", "alpine:3.15", "sh", "-c", "echo out; exit 3"],
        &["run", "--rm", "--pull=never", "alpine:3.15", "nosuchcmd"],
        &["run", "--rm", "--pull=never", "nosuch:1"],
        &["run", "-d", "--name", "xc-web", "--pull=never", "alpine:3.15", "sleep", "1000"],
        &["run", "-d", "--name", "xc-web", "--pull=never", "alpine:3.15", "sleep", "1000"],
        &["ps", "--filter", "name=xc-web"],
        &["exec", "xc-web", "ps", "aux"],
        &["exec", "xc-web", "cat", "/etc/hosts"],
        &["exec", "xc-web", "hostname"],
        &["exec", "xc-web", "mount"],
        &["exec", "xc-web", "ifconfig"],
        &["exec", "xc-web", "ls", "-la", "/dev"],
        &["exec", "xc-web", "nosuchcmd"],
        &["exec", "xc-web", "sh", "-c", "exit 7"],
        &["inspect", "-f", "{{.State.Status}} {{.Path}} {{.Args}} {{.HostConfig.NetworkMode}} {{.NetworkSettings.IPPrefixLen}}", "xc-web"],
        &["top", "xc-web", "-o", "pid,comm"],
        &["stop", "-t", "1", "xc-web"],
        &["ps", "-a", "--filter", "name=xc-web", "--format", "{{.Status}}"],
        &["inspect", "-f", "{{.State.ExitCode}}", "xc-web"],
        &["rm", "xc-web"],
        &["rm", "xc-web"],
        &["inspect", "xc-nosuch"],
        &["images", "--format", "{{.Repository}}:{{.Tag}} {{.Size}}", "alpine:3.15"],
        &["version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}/{{.Server.Arch}}"],
    ];
    let mut diffs = Vec::new();
    for args in steps {
        let real = docker(REAL, args);
        let ours = docker(&sim, args);
        let (r, o) = ((normalize(&real.0), normalize(&real.1), real.2), (normalize(&ours.0), normalize(&ours.1), ours.2));
        if r == o {
            eprintln!("match: docker {}", args.join(" "));
        } else {
            diffs.push(format!("docker {}\n--- real (exit {}):\n{}{}\n--- simulated (exit {}):\n{}{}", args.join(" "), r.2, r.0, r.1, o.2, o.0, o.1));
        }
    }
    let _ = docker(REAL, &["rm", "-f", "xc-web"]);
    assert!(diffs.is_empty(), "{} of {} steps differ:\n\n{}", diffs.len(), steps.len(), diffs.join("\n\n"));
}

/// The project's alpine:3.15, built from assets/images with the fixture's binaries filled in,
/// loads into real dockerd and shows the same tree there as the simulation shows.
#[test]
fn built_images_load_into_real_dockerd() {
    if ready().is_none() {
        return;
    }
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz");
    if !fixture.exists() {
        eprintln!("SKIPPED: the alpine fixture is not present");
        return;
    }
    let dir = std::env::temp_dir().join(format!("nr-img-{}", std::process::id()));
    let built = Command::new(env!("CARGO_BIN_EXE_native-runner"))
        .args(["build-images", "--out"])
        .arg(&dir)
        .arg("--fill-from")
        .arg(format!("amd64={}", fixture.display()))
        .args(["--repo-prefix", "playground-xc/", "alpine:3.15"])
        .output()
        .expect("build-images runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let tar = dir.join("alpine-3.15.tar");
    let (out, err, code) = docker(REAL, &["load", "-i", &tar.to_string_lossy()]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out, "Loaded image: playground-xc/alpine:3.15\n");
    let sock = dir.join("sim.sock");
    let child = Command::new(env!("CARGO_BIN_EXE_native-runner")).arg("daemon").arg("--socket").arg(&sock).spawn().expect("daemon starts");
    let _daemon = Daemon(child, sock.clone());
    let sim = sock.to_string_lossy().into_owned();
    for _ in 0..100 {
        if docker(&sim, &["version"]).2 == 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(docker(&sim, &["pull", "-q", "alpine:3.15"]).2, 0);
    for cmd in [&["ls", "-l", "/"][..], &["ls", "-l", "/bin"], &["cat", "/etc/os-release"], &["ls", "-ln", "/etc"]] {
        let mut real_args = vec!["run", "--rm", "--pull=never", "playground-xc/alpine:3.15"];
        real_args.extend_from_slice(cmd);
        let mut sim_args = vec!["run", "--rm", "alpine:3.15"];
        sim_args.extend_from_slice(cmd);
        let (r, o) = (docker(REAL, &real_args), docker(&sim, &sim_args));
        // /proc and /sys: their link counts and times are the machine's (its processes, the
        // moment they were mounted).
        // /etc/resolv.conf is the host's: each machine has its own.
        let proc_line = regex_lite::Regex::new(r"(?m)^(dr-xr-xr-x +\d+ root +root +0 .* (proc|sys)|.* \d+ \w+ +\d+ +[\d:]+ resolv\.conf)$").expect("regex");
        // Files the container's start wrote (/dev, /etc/hosts, ...) carry that minute, which
        // the two runs, seconds apart, may straddle; the image's files carry their year.
        let start_minute = regex_lite::Regex::new(r"\b[A-Z][a-z]{2} [ \d]\d \d\d:\d\d\b").expect("regex");
        let masked = |s: &str| start_minute.replace_all(&proc_line.replace_all(s, "<machine>"), "<start>").into_owned();
        assert_eq!(masked(&r.0), masked(&o.0), "{}", cmd.join(" "));
        assert_eq!((r.1, r.2), (o.1, o.2));
    }
    let _ = docker(REAL, &["rmi", "playground-xc/alpine:3.15"]);
    let _ = std::fs::remove_dir_all(&dir);
}
