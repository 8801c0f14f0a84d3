//! binfmt_misc for real: the simulation's entry text and exec rule (sim_core::kernel::binfmt)
//! against this machine's kernel with qemu-user-static (Debian: `apt-get install
//! qemu-user-static binfmt-support`). Needs root, a mounted binfmt_misc with a qemu-aarch64
//! entry, and the aarch64 alpine fixture; skips loudly otherwise. The fixture is unpacked
//! under a temporary directory and removed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sim_core::kernel::binfmt::{interpreter_argv, BinfmtEntry};

const ENTRY: &str = "/proc/sys/fs/binfmt_misc/qemu-aarch64";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-aarch64.tar.gz")
}

fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.lines().find_map(|l| l.strip_prefix(key)).map(str::trim)
}

#[test]
fn qemu_aarch64_entry_and_exec_match_the_simulation() {
    if nix::unistd::geteuid().as_raw() != 0 {
        eprintln!("SKIPPED binfmt: not root");
        return;
    }
    let Ok(real) = std::fs::read_to_string(ENTRY) else {
        eprintln!("SKIPPED binfmt: no {ENTRY} (mount binfmt_misc, install qemu-user-static)");
        return;
    };
    let interp = field(&real, "interpreter ").unwrap_or_default().to_string();
    let flags = field(&real, "flags: ").unwrap_or_default().to_string();
    let sim = BinfmtEntry::qemu("arm64", &interp, &flags).expect("arm64 is known");
    assert_eq!(sim.render(), real, "the entry reads as the kernel prints it");

    if !fixture().exists() {
        eprintln!("SKIPPED binfmt exec: no aarch64 fixture at {}", fixture().display());
        return;
    }
    let dir = std::env::temp_dir().join(format!("binfmt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ok = Command::new("tar").arg("xzf").arg(fixture()).arg("-C").arg(&dir).status().map(|s| s.success()).unwrap_or(false);
    if !ok {
        let _ = std::fs::remove_dir_all(&dir);
        panic!("unpacking the fixture failed");
    }
    let out = Command::new("chroot").arg(&dir).args(["/bin/uname", "-m"]).output().expect("chroot runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "aarch64\n", "uname -m under qemu prints the emulated machine");
    let mut child = Command::new("chroot").arg(&dir).args(["/bin/sleep", "5"]).stdout(Stdio::null()).spawn().expect("chroot sleep");
    std::thread::sleep(std::time::Duration::from_millis(500));
    // The chroot process execs /bin/sleep through binfmt_misc in place.
    let proc_dir = Path::new("/proc").join(child.id().to_string());
    let cmdline = std::fs::read(proc_dir.join("cmdline")).unwrap_or_default();
    let comm = std::fs::read_to_string(proc_dir.join("comm")).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let argv: Vec<String> = cmdline.split(|b| *b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
    let expected = interpreter_argv(&sim, "/bin/sleep", &["/bin/sleep".to_string(), "5".to_string()]);
    assert_eq!(argv, expected, "ps shows the interpreter, the file, then the arguments");
    assert_eq!(comm.trim_end(), "sleep", "comm is the file's name");
}

const REAL_SOCK: &str = "/tmp/playground-real-docker/docker.sock";

fn real_docker(args: &[&str]) -> (String, String, i32) {
    let out = Command::new("docker").arg("-H").arg(format!("unix://{REAL_SOCK}")).args(args).env_remove("DOCKER_HOST").output().expect("docker runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

/// The M1 story mirrored on this x86_64 machine: real dockerd runs the project's alpine built
/// for linux/arm64/v8 (hollow files filled from the aarch64 fixture) under qemu, and the
/// simulation's M1 runs the amd64-only mysql:5.7 under qemu. With the platforms swapped, the
/// warning, `uname -m` and `docker image inspect` must read the same.
#[test]
fn real_docker_under_emulation_mirrors_the_m1() {
    if nix::unistd::geteuid().as_raw() != 0 || !Path::new(ENTRY).exists() || !fixture().exists() {
        eprintln!("SKIPPED emulation mirror: needs root, {ENTRY} and the aarch64 fixture");
        return;
    }
    if real_docker(&["version"]).2 != 0 {
        eprintln!("SKIPPED emulation mirror: no real dockerd at {REAL_SOCK} (bash scripts/real-dockerd.sh start)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("mirror-img-{}", std::process::id()));
    let built = Command::new(env!("CARGO_BIN_EXE_native-runner"))
        .args(["build-images", "--platform", "linux/arm64/v8", "--repo-prefix", "playground-mirror/", "--out"])
        .arg(&dir)
        .arg("--fill-from")
        .arg(format!("arm64={}", fixture().display()))
        .arg("alpine:3.15")
        .output()
        .expect("build-images runs");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let (out, err, code) = real_docker(&["load", "-i", &dir.join("alpine-3.15.tar").to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 0, "{out}{err}");
    let image = "playground-mirror/alpine:3.15";
    let (real_uname, real_warning, code) = real_docker(&["run", "--rm", "--pull=never", image, "uname", "-m"]);
    assert_eq!(code, 0, "{real_warning}");
    let (real_platform, _, _) = real_docker(&["image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", image]);
    let _ = real_docker(&["rmi", image]);

    let mut t = sim_core::Terminal::new(sim_core::Profile::RancherDesktopM1, sim_core::TerminalConfig::default());
    let mut now = sim_core::Profile::RancherDesktopM1.session_start();
    let mut sim = |line: &str| {
        now += 1;
        t.run(line, now)
    };
    sim("docker pull -q --platform linux/amd64 mysql:5.7");
    let sim_run = sim("docker run --rm mysql:5.7 uname -m");
    let sim_platform = sim("docker image inspect -f '{{.Os}}/{{.Architecture}}' mysql:5.7");

    let mirror = |s: &str| s.replace("linux/arm64/v8", "<A>").replace("linux/amd64", "linux/arm64/v8").replace("<A>", "linux/amd64").replace("aarch64", "x86_64");
    assert_eq!(format!("{}{}", mirror(&real_warning), mirror(&real_uname)), sim_run, "the warning and uname -m, mirrored");
    assert_eq!(real_platform.trim(), "linux/arm64");
    assert_eq!(sim_platform.trim(), "linux/amd64");
}
