//! Machine profiles: the initial state of a simulated host. Each profile is data about a
//! real machine (the article's EC2 instance, a Mac with Docker Desktop or Rancher Desktop),
//! laid into a fresh kernel. A Mac carries its desktop app's Linux VM as `Kernel::guest`.

pub mod build;
pub mod desktop;
pub mod docker_desktop;
pub mod linux;
pub mod mac;
pub mod rancher_desktop;
pub mod vm;

use crate::kernel::{Kernel, Pid};

/// The machines the playground can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// The article's Amazon Linux 2 instance on EC2.
    Linux,
    /// An Intel Mac with Docker Desktop 4.10 (`docker-desktop-mac`).
    DockerDesktopMac,
    /// An M1 Mac with Rancher Desktop 1.4, moby engine (`rancher-desktop-m1`).
    RancherDesktopM1,
}

impl Profile {
    pub const ALL: [Profile; 3] = [Profile::Linux, Profile::DockerDesktopMac, Profile::RancherDesktopM1];

    pub fn name(self) -> &'static str {
        match self {
            Profile::Linux => "linux",
            Profile::DockerDesktopMac => "docker-desktop-mac",
            Profile::RancherDesktopM1 => "rancher-desktop-m1",
        }
    }

    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.iter().copied().find(|p| p.name() == name)
    }

    /// Unix time at which a session on this profile starts by default.
    pub fn session_start(self) -> i64 {
        match self {
            Profile::Linux => linux::SESSION_START,
            Profile::DockerDesktopMac | Profile::RancherDesktopM1 => mac::SESSION_START,
        }
    }

    /// The machine in its initial state and the PID of the login shell.
    pub fn boot(self, seed: u64) -> (Kernel, Pid) {
        match self {
            Profile::Linux => linux::boot(seed),
            // The page's lighter build has only the Linux host: it asks for the full build.
            _ if crate::lite::LITE => {
                let (mut k, login) = linux::boot(seed);
                crate::lite::want_full(&mut k);
                (k, login)
            }
            Profile::DockerDesktopMac => docker_desktop::boot(seed),
            Profile::RancherDesktopM1 => rancher_desktop::boot(seed),
        }
    }

    /// The process a new login is started under after the login shell exits: sshd's
    /// session process on Linux, Terminal.app on a Mac (a new window).
    pub fn session_parent(self, k: &Kernel, login_pid: Pid) -> Pid {
        match self {
            Profile::Linux => k.procs.get(&login_pid).map(|p| p.ppid).unwrap_or(1),
            _ => mac::TERMINAL_PID,
        }
    }

    /// The login shell's environment.
    pub fn login_env(self) -> Vec<(String, String)> {
        match self {
            Profile::Linux => linux::login_env(),
            Profile::DockerDesktopMac => mac::login_env(docker_desktop::SPEC.path),
            Profile::RancherDesktopM1 => mac::login_env(rancher_desktop::SPEC.path),
        }
    }

    /// Shell variables the login shell's startup files set without exporting them.
    pub fn login_shell_vars(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Profile::Linux => Vec::new(),
            _ => vec![("PS1", mac::ZSH_PS1)],
        }
    }

    /// `$0` of the login shell.
    pub fn login_arg0(self) -> &'static str {
        match self {
            Profile::Linux => "-bash",
            _ => "-zsh",
        }
    }

    /// A new login after the old one ended; returns the new login shell's PID.
    pub fn new_login(self, k: &mut Kernel, parent: Pid) -> Pid {
        match self {
            Profile::Linux => crate::shell::terminal::new_linux_login(k, parent),
            Profile::DockerDesktopMac => mac::new_login_at(k, parent, None, docker_desktop::SPEC.path),
            Profile::RancherDesktopM1 => mac::new_login_at(k, parent, None, rancher_desktop::SPEC.path),
        }
    }
}
