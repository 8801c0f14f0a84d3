//! The page's lighter first build (cargo feature `lite`).
//!
//! The first lessons need the Linux host, its shell and its tools, but none of Docker's
//! code: the engine's API, the docker CLI, Compose, the images' programs (nginx, mysqld,
//! busybox) and the Mac profiles are most of the WebAssembly. With `lite`, the few places that lead
//! into them lead here instead: the command stops, [`Kernel::wants_full`] is set, and the
//! page loads the full build, which types the session (this command included) again.
//! Everything before that point runs the same code in both builds, so the full build
//! reaches the same machine. Without `lite` (native builds, tests, the full page build)
//! nothing here is reachable.

use crate::kernel::Kernel;
use crate::utils::{Ctx, Outcome};

/// Whether this is the lighter build.
pub const LITE: bool = cfg!(feature = "lite");

/// The programs whose code the lighter build leaves out.
pub const FULL_ONLY_PROGRAMS: &[&str] = &[
    "docker",
    "docker-compose",
    "nginx",
    "nginx-entrypoint",
    "mysql-entrypoint",
    "mysqld",
    "ps-bsd",
    "ls-bsd",
    "ifconfig-bsd",
    "uname-bsd",
    "hostname-bsd",
    "sw_vers",
    "rdctl",
    // alpine's busybox: in images and the desktop apps' VMs, never on the Linux host.
    "busybox",
    // The socket tables: most looked at once Docker publishes a port.
    "ss",
    "netstat",
    // GNU coreutils' and findutils' file commands on the host: the lessons before Docker
    // need none of them.
    "mkdir",
    "rmdir",
    "rm",
    "cp",
    "mv",
    "find",
    "du",
    "stat",
    "touch",
    "ln",
    "chmod",
];

/// Ctrl-C for the docker CLI holding the terminal ([`crate::client::hold::interrupt`]).
#[cfg(not(feature = "lite"))]
pub fn docker_interrupt(k: &mut Kernel, pid: crate::kernel::Pid, job: &mut crate::shell::hold::Job, cols: usize) -> (Vec<u8>, Option<i32>) {
    crate::client::hold::interrupt(k, pid, job, cols)
}

/// The lighter build has no docker CLI, so nothing of it holds the terminal.
#[cfg(feature = "lite")]
pub fn docker_interrupt(_k: &mut Kernel, _pid: crate::kernel::Pid, _job: &mut crate::shell::hold::Job, _cols: usize) -> (Vec<u8>, Option<i32>) {
    (b"\n".to_vec(), Some(130))
}

/// Marks the machine as needing the full build.
pub fn want_full(k: &mut Kernel) {
    k.wants_full = true;
}

/// The stand-in for a program the lighter build leaves out: it prints nothing (the
/// full build runs the command again and prints what the program prints).
pub fn full_only(ctx: &mut Ctx) -> Outcome {
    want_full(ctx.k);
    Outcome::Exit(127)
}

#[cfg(all(test, not(feature = "lite")))]
mod tests {
    use crate::utils::Program;

    #[test]
    fn every_full_only_program_has_its_program_in_the_full_build() {
        for name in super::FULL_ONLY_PROGRAMS {
            let p = crate::utils::program(name).unwrap_or_else(|| panic!("{name}"));
            assert!(!std::ptr::fn_addr_eq(p, super::full_only as Program), "{name}");
        }
    }
}

// Run with `cargo test -p sim-core --features lite --lib lite::`.
#[cfg(all(test, feature = "lite"))]
mod lite_tests {
    use crate::{Profile, Terminal, TerminalConfig};

    fn term(profile: Profile) -> Terminal {
        Terminal::new(profile, TerminalConfig { cols: 80, rows: 24, seed: 1 })
    }

    #[test]
    fn the_linux_host_runs_without_docker_code() {
        let mut t = term(Profile::Linux);
        assert!(!t.wants_full());
        for line in ["uname -r", "ps auxf", "sudo unshare --pid --fork --mount-proc sh", "ps aux", "exit", "ls /var/run", "systemctl status docker"] {
            t.run(line, 1_655_000_000);
            assert!(!t.wants_full(), "{line}");
        }
    }

    #[test]
    fn docker_asks_for_the_full_build() {
        for line in ["docker ps", "sudo docker run -d nginx:1.21-alpine", "docker-compose up -d", "curl --unix-socket /var/run/docker.sock http://localhost/version", "sudo systemctl stop docker"] {
            let mut t = term(Profile::Linux);
            t.run(line, 1_655_000_000);
            assert!(t.wants_full(), "{line}");
        }
        assert!(term(Profile::DockerDesktopMac).wants_full());
    }
}
