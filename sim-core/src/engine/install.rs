//! Docker installed on a host (`yum install -y docker`, `systemctl start docker`): the
//! binaries, the `docker` group, `/var/lib/docker`, the socket `docker.socket` listens on, and
//! dockerd's first start (the default networks and docker0).

use crate::image::oci::Platform;
use crate::kernel::vfs::{Node, NodeKind};
use crate::kernel::{Kernel, Pid};

use super::{hostfs, network, Dockerd};

/// The docker group's id on the host (Amazon Linux 2's package creates it as a system group).
pub const DOCKER_GID: u32 = 992;

/// The installed programs: (path, program, size, mode).
const BINARIES: &[(&str, &str, u64, u32)] = &[
    ("/usr/bin/docker", "docker", 52_946_104, 0o755),
    ("/usr/bin/dockerd", "dockerd", 80_359_128, 0o755),
    ("/usr/bin/docker-proxy", "docker-proxy", 1_992_912, 0o755),
    ("/usr/bin/containerd", "containerd", 46_882_248, 0o755),
    ("/usr/bin/containerd-shim-runc-v2", "containerd-shim-runc-v2", 9_269_248, 0o755),
    ("/usr/bin/runc", "runc", 10_046_472, 0o755),
];

const LIB_DIRS: &[&str] = &["buildkit", "containers", "image/overlay2/distribution", "image/overlay2/imagedb/content/sha256", "image/overlay2/layerdb", "network/files", "overlay2/l", "plugins", "runtimes", "swarm", "tmp", "trust", "volumes"];

/// Installs Docker on the host whose root process is PID 1 and starts dockerd as `dockerd_pid`
/// (with containerd as `containerd_pid`), both already in the process table.
pub fn install(k: &mut Kernel, dockerd_pid: Pid, containerd_pid: Pid, platform: Platform, docker_users: &[&str]) {
    let now = k.now;
    for (path, program, size, mode) in BINARIES {
        let mut n = Node::other(NodeKind::File { data: Vec::new(), size: *size }, *mode, 0, 0, now);
        n.program = Some(program.to_string());
        let _ = hostfs::put(k, 1, path, n);
    }
    // The docker group, with the users who may use the socket.
    let group = hostfs::read(k, 1, "/etc/group").unwrap_or_default();
    let mut group = String::from_utf8_lossy(&group).into_owned();
    if !group.lines().any(|l| l.starts_with("docker:")) {
        group.push_str(&format!("docker:x:{DOCKER_GID}:{}\n", docker_users.join(",")));
        let _ = hostfs::write(k, 1, "/etc/group", group.as_bytes(), 0o644);
    }
    let _ = hostfs::mkdir_p(k, 1, "/var/lib/docker", 0o711);
    for d in LIB_DIRS {
        let _ = hostfs::mkdir_p(k, 1, &format!("/var/lib/docker/{d}"), if *d == "volumes" { 0o701 } else { 0o700 });
    }
    // The local volume driver's store (bolt's 32 KiB file).
    let _ = hostfs::put(k, 1, "/var/lib/docker/volumes/metadata.db", Node::other(NodeKind::File { data: Vec::new(), size: 32_768 }, 0o600, 0, 0, now));
    let _ = hostfs::mkdir_p(k, 1, "/run/containerd", 0o711);
    let _ = hostfs::put(k, 1, "/run/containerd/containerd.sock", Node::other(NodeKind::Socket, 0o660, 0, 0, now));
    let _ = hostfs::mkdir_p(k, 1, "/run/docker/netns", 0o700);
    let _ = hostfs::write(k, 1, "/run/docker.pid", format!("{dockerd_pid}").as_bytes(), 0o644);
    let _ = hostfs::put(k, 1, "/run/docker.sock", Node::other(NodeKind::Socket, 0o660, 0, DOCKER_GID, now));
    listen_unix_sockets(k, dockerd_pid, containerd_pid);
    let mut d = Dockerd::new(platform);
    d.pid = Some(dockerd_pid);
    d.started_at = now;
    d.containerd_pid = Some(containerd_pid);
    network::create_defaults(&mut d, k);
    k.docker = Some(Box::new(d));
}

/// The unix sockets containerd and dockerd listen on. Under systemd, `docker.socket` binds
/// /var/run/docker.sock and passes it to dockerd as fd 3 (`-H fd://`); elsewhere dockerd binds
/// it itself. Their backlog is somaxconn (Go's listen, systemd's default `Backlog=`).
fn listen_unix_sockets(k: &mut Kernel, dockerd_pid: u32, containerd_pid: u32) {
    use crate::kernel::sockets::Bind;
    k.sockets.fd_floor.insert(containerd_pid, 9);
    let _ = k.bind_socket(containerd_pid, Bind::unix("/run/containerd/containerd.sock.ttrpc", u32::MAX));
    k.sockets.fd_floor.insert(containerd_pid, 11);
    let _ = k.bind_socket(containerd_pid, Bind::unix("/run/containerd/containerd.sock", u32::MAX));
    let systemd = k.procs.get(&1).is_some_and(|p| p.comm == "systemd");
    if systemd {
        k.sockets.fd_floor.insert(1, SYSTEMD_DOCKER_SOCKET_FD);
        let _ = k.bind_socket(1, Bind::unix("/var/run/docker.sock", u32::MAX));
        pass_docker_socket(k, dockerd_pid);
    } else {
        let _ = k.bind_socket(dockerd_pid, Bind::unix("/var/run/docker.sock", u32::MAX));
    }
    k.sockets.fd_floor.insert(dockerd_pid, 9);
    let _ = k.bind_socket(dockerd_pid, Bind::unix("/var/run/docker/metrics.sock", u32::MAX));
}

/// The descriptor systemd keeps docker.socket's listener on.
const SYSTEMD_DOCKER_SOCKET_FD: u32 = 51;

/// systemd hands docker.socket's listener to a dockerd it starts, as fd 3 (LISTEN_FDS=1).
pub fn pass_docker_socket(k: &mut Kernel, dockerd_pid: u32) {
    let inode = k.socket_at(1, SYSTEMD_DOCKER_SOCKET_FD).map(|s| s.inode);
    if let Some(inode) = inode {
        k.pass_socket(inode, dockerd_pid, 3);
    }
}
