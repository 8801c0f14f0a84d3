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
