//! dockerd, containerd and the shim as modeled daemons, behind the Engine API on
//! `/var/run/docker.sock`.
//!
//! The daemon answers HTTP/1.1 requests (`api`) as dockerd 20.10 does, and does the work on
//! the simulated kernel: the image store and overlay2 layers (`store`), containers as process
//! trees in their own namespaces (`containers`), the default bridge `docker0` with a veth pair
//! per container and published ports (`network`). The docker CLI reaches it only through the
//! socket (`socket`), so every exchange can be shown to the learner.

pub mod api;
pub mod binds;
pub mod changes;
pub mod containerd;
pub mod containers;
pub mod diskusage;
pub mod dns;
pub mod gojson;
pub mod hostconfig;
pub mod hostfs;
pub mod images;
pub mod install;
pub mod json;
pub mod mounts;
pub mod network;
pub mod registry;
pub mod runtime;
pub mod service;
pub mod socket;
pub mod store;
pub mod volumes;

use std::collections::BTreeMap;

use crate::http::{Request, Response};
use crate::image::oci::Platform;
use crate::kernel::{Kernel, Pid};

/// The versions dockerd reports (Debian's docker.io on the machines we check against).
#[derive(Clone, Debug)]
pub struct Versions {
    pub engine: String,
    pub api: String,
    pub min_api: String,
    pub git_commit: String,
    pub go: String,
    pub build_time: String,
    pub containerd: String,
    pub containerd_commit: String,
    pub runc: String,
    pub runc_commit: String,
    pub init: String,
}

impl Default for Versions {
    fn default() -> Versions {
        Versions {
            engine: "20.10.24+dfsg1".into(),
            api: "1.41".into(),
            min_api: "1.12".into(),
            git_commit: "5d6db84".into(),
            go: "go1.19.8".into(),
            build_time: "2026-05-07T21:09:36.000000000+00:00".into(),
            containerd: "1.6.20~ds1".into(),
            containerd_commit: "1.6.20~ds1-1+deb12u3".into(),
            runc: "1.1.5+ds1".into(),
            runc_commit: "1.1.5+ds1-1+deb12u1".into(),
            init: "0.19.0".into(),
        }
    }
}

/// One request and its response on the socket, as the bytes went by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketExchange {
    pub request: Vec<u8>,
    pub response: Vec<u8>,
    /// What a hijacked connection carried after the `101 UPGRADED`.
    pub stream: Vec<u8>,
}

/// The Docker daemon's state on one machine.
#[derive(Clone, Debug)]
pub struct Dockerd {
    pub versions: Versions,
    /// The platform images are pulled for (`linux/amd64`, `linux/arm64/v8` on an M1's VM).
    pub platform: Platform,
    /// dockerd's PID while it runs; None when stopped (`systemctl stop docker`).
    pub pid: Option<Pid>,
    pub containerd_pid: Option<Pid>,
    pub store: store::ImageStore,
    pub registry: registry::Registry,
    pub containers: BTreeMap<String, containers::Container>,
    pub networks: Vec<network::Network>,
    /// Volumes of the `local` driver, by name.
    pub volumes: BTreeMap<String, volumes::Volume>,
    pub execs: BTreeMap<String, containers::ExecInstance>,
    /// Every exchange on the socket, in order: what the socket inspector shows.
    pub socket_log: Vec<SocketExchange>,
    /// Host ports taken by published container ports: port -> container id.
    pub ports_in_use: BTreeMap<u16, String>,
    /// Exit codes and output of containers removed with `--rm`, for a `wait` that asked for
    /// removal and an attached client still reading.
    pub removed: BTreeMap<String, (i32, Vec<containers::LogLine>)>,
    /// `docker.socket` listens: a connection starts dockerd if it is not running.
    pub socket_active: bool,
    /// When dockerd last started, and when and as which PID it last stopped.
    pub started_at: i64,
    pub stopped_at: Option<i64>,
    pub last_pid: Option<Pid>,
    /// A real container runtime under the engine (native-runner's `daemon --real`); None:
    /// containers run on the simulated kernel.
    pub containerd: Option<containerd::Shared>,
}

impl Dockerd {
    pub fn new(platform: Platform) -> Dockerd {
        Dockerd {
            versions: Versions::default(),
            platform,
            pid: None,
            containerd_pid: None,
            store: store::ImageStore::default(),
            registry: registry::Registry::default(),
            containers: BTreeMap::new(),
            networks: Vec::new(),
            volumes: BTreeMap::new(),
            execs: BTreeMap::new(),
            socket_log: Vec::new(),
            ports_in_use: BTreeMap::new(),
            removed: BTreeMap::new(),
            socket_active: true,
            started_at: 0,
            stopped_at: None,
            last_pid: None,
            containerd: None,
        }
    }

    pub fn running(&self) -> bool {
        self.pid.is_some()
    }

    /// The PID the daemon's own file and process operations run as.
    pub fn daemon_pid(&self) -> Pid {
        self.pid.unwrap_or(1)
    }
}

/// Runs one request through the daemon of kernel `k`, with the daemon taken out of the kernel
/// while it works (it changes the kernel: processes, mounts, links).
pub fn serve(k: &mut Kernel, req: &Request) -> Option<Response> {
    let mut d = k.docker.take()?;
    if !d.running() {
        k.docker = Some(d);
        return None;
    }
    containers::reap(&mut d, k);
    let resp = api::handle(&mut d, k, req);
    give_back(k, d);
    Some(resp)
}

/// Puts the daemon back into its kernel, with the log lines containers wrote meanwhile.
pub fn give_back(k: &mut Kernel, mut d: Box<Dockerd>) {
    for (ns, stream, secs, bytes) in std::mem::take(&mut k.pending_logs) {
        let owner = d.containers.values_mut().find(|c| c.state.running && k.procs.get(&c.state.pid).map(|p| p.ns.pid) == Some(ns));
        if let Some(c) = owner {
            let at = json::Stamp { secs, nanos: (k.random() % 1_000_000_000) as u32 };
            c.logs.extend(containers::log_lines(stream, at, &bytes));
        }
    }
    k.docker = Some(d);
}

/// Brings the daemon up to date with a real runtime underneath: output written and
/// containers ended since the last request. Nothing happens on the simulated kernel alone.
pub fn poll(k: &mut Kernel) {
    let Some(mut d) = k.docker.take() else { return };
    if d.containerd.is_some() {
        containers::reap(&mut d, k);
    }
    k.docker = Some(d);
}
