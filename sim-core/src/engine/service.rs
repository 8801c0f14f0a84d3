//! dockerd as systemd runs it on the host: `docker.service`, socket-activated by
//! `docker.socket` (`-H fd://`). Stopping the service stops its containers; a connection to the
//! socket while the socket unit listens starts the service again.

use crate::kernel::process::Exec;
use crate::kernel::{Kernel, ProcState};

use super::{containers, Dockerd};

/// dockerd's command line as the unit starts it (`$OPTIONS` and friends are empty).
pub const DOCKERD_ARGV: &[&str] = &["/usr/bin/dockerd", "-H", "fd://", "--containerd=/run/containerd/containerd.sock", ""];

/// Stops dockerd: its running containers are stopped first (their stop signal, then SIGKILL).
pub fn stop(k: &mut Kernel) {
    if crate::lite::LITE {
        return crate::lite::want_full(k);
    }
    let Some(mut d) = k.docker.take() else { return };
    if let Some(pid) = d.pid {
        let running: Vec<String> = d.containers.values().filter(|c| c.state.running).map(|c| c.id.clone()).collect();
        for id in running {
            containers::stop(&mut d, k, &id, Some(10));
        }
        k.exit_with(pid, 0);
        d.stopped_at = Some(k.now);
        d.last_pid = Some(pid);
    }
    d.pid = None;
    k.docker = Some(d);
}

/// Starts dockerd (a new process under PID 1); containers whose restart policy is `always`
/// start again.
pub fn start(k: &mut Kernel) {
    if crate::lite::LITE {
        return crate::lite::want_full(k);
    }
    let Some(mut d) = k.docker.take() else { return };
    if d.pid.is_none() {
        k.skip_pids(crate::kernel::NsId(0), 3);
        let ex = Exec {
            comm: "dockerd".into(),
            argv: DOCKERD_ARGV.iter().map(|s| s.to_string()).collect(),
            exe: "/usr/bin/dockerd".into(),
            cwd: "/".into(),
            vsz_kb: 1_446_720,
            rss_kb: 82_940,
            threads: 9,
            session_leader: true,
            state: Some(ProcState::Sleeping),
            ..Exec::default()
        };
        if let Ok(pid) = k.spawn(1, ex) {
            super::install::pass_docker_socket(k, pid);
            k.sockets.fd_floor.insert(pid, 9);
            let _ = k.bind_socket(pid, crate::kernel::sockets::Bind::unix("/var/run/docker/metrics.sock", u32::MAX));
            d.pid = Some(pid);
            d.started_at = k.now;
        }
        d.socket_active = true;
        let again: Vec<String> = d
            .containers
            .values()
            .filter(|c| c.host_config.get("RestartPolicy").and_then(|r| r.get("Name")).and_then(|n| n.as_str()) == Some("always"))
            .map(|c| c.id.clone())
            .collect();
        for id in again {
            let _ = super::runtime::start(&mut d, k, &id);
            containers::finish_if_exited(&mut d, k, &id);
        }
    }
    k.docker = Some(d);
}

impl Dockerd {
    /// What a connection to the socket finds: the daemon, or systemd starting it.
    pub fn listening(&self) -> bool {
        self.pid.is_some() || self.socket_active
    }
}
