//! A guest machine: the Linux VM a desktop app (Docker Desktop, Rancher Desktop) runs on the
//! Mac. It is a whole kernel of its own, carried by the host's kernel, reached from the host
//! only through what the desktop app forwards: unix sockets (the Docker socket) and TCP ports
//! (a container's published port), each by a host process that stands for the forwarder.

use super::{Kernel, Pid};

/// A unix socket on the host whose connections the desktop app carries into the guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketForward {
    /// The socket file on the host (after symlinks), e.g. `/Users/u/.rd/docker.sock`.
    pub host_path: String,
    /// The socket in the guest the connection reaches, e.g. `/var/run/docker.sock`.
    pub guest_path: String,
    /// The host process that listens on `host_path` (com.docker.backend, the Lima hostagent).
    pub host_pid: Pid,
    /// The guest process the connection comes out of (vpnkit-bridge's forwarder, sshd).
    pub guest_pid: Pid,
    /// How the crossing is shown to the learner, e.g. `vsock` or `ssh -L`.
    pub via: String,
}

/// Who forwards published ports from the guest to the host's loopback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForwarder {
    /// The host process that listens on the forwarded port.
    pub host_pid: Pid,
    /// The address it listens on: `*` (Docker Desktop's backend binds all addresses) or
    /// `127.0.0.1` (Lima's hostagent).
    pub listen: String,
}

/// The VM a host runs.
#[derive(Clone, Debug)]
pub struct Guest {
    /// The VM's name as its app calls it (`docker-desktop`, `0` for Rancher Desktop's Lima).
    pub name: String,
    pub kernel: Kernel,
    /// The host process that is the VM (com.docker.hyperkit, qemu-system-aarch64).
    pub vm_pid: Pid,
    pub sockets: Vec<SocketForward>,
    pub ports: PortForwarder,
    /// Every crossing of a socket, in order: (host path, guest path) for the inspector.
    pub crossings: Vec<(String, String)>,
}

impl Guest {
    /// The forward whose host side is `path` (already resolved through symlinks).
    pub fn socket(&self, host_path: &str) -> Option<&SocketForward> {
        self.sockets.iter().find(|s| s.host_path == host_path)
    }
}
