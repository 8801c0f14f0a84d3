//! The seam between dockerd and the container runtime underneath it (containerd, the shim
//! and runc). By default there is none and `runtime.rs` does their work on the simulated
//! kernel. A `Containerd` plugged into `Dockerd::containerd` runs the containers for real
//! instead (native-runner's `daemon --real`): the handlers, names, addresses, JSON and the
//! simulated bookkeeping stay the same; the process, its output and its exit come from the
//! real kernel.
//!
//! Everything here is data and a trait: no I/O happens in sim-core.

use std::sync::Arc;

/// What a container wrote: one line (or the unterminated rest at its end), when it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    /// 1 = stdout, 2 = stderr.
    pub stream: u8,
    pub secs: i64,
    pub nanos: u32,
    pub bytes: Vec<u8>,
}

/// A published port: `-p HOST_IP:HOST_PORT:CONTAINER_PORT/PROTO`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publish {
    pub proto: String,
    /// Empty for all addresses.
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
}

/// The container's end of its veth pair on the bridge, as the engine allocated it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskNetwork {
    /// The engine's network id and whether it is the default `bridge` (docker0).
    pub network_id: String,
    pub default_bridge: bool,
    /// The network's subnet address.
    pub subnet: [u8; 4],
    pub ip: [u8; 4],
    pub prefix: u8,
    pub gateway: [u8; 4],
    pub mac: [u8; 6],
}

/// Everything the runtime needs to create and start a container; the engine decides every
/// value (what Docker hands containerd as the OCI spec).
#[derive(Clone, Debug, Default)]
pub struct Task {
    pub id: String,
    /// Without the leading slash.
    pub name: String,
    /// Diff IDs (`sha256:...`) of the image's layers, bottom first.
    pub layers: Vec<String>,
    pub argv: Vec<String>,
    /// `KEY=value`, as PID 1 gets it.
    pub env: Vec<String>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub hostname: String,
    /// Contents of the container's /etc/hosts, /etc/hostname and /etc/resolv.conf.
    pub hosts: String,
    pub hostname_file: String,
    pub resolv_conf: String,
    /// None for `--network none` / `host` (no veth).
    pub network: Option<TaskNetwork>,
    pub ports: Vec<Publish>,
    pub tty: bool,
    /// `--read-only`: the root and the network files mounted read-only.
    pub read_only: bool,
}

/// A process to run in a running container (`docker exec`).
#[derive(Clone, Debug, Default)]
pub struct ExecTask {
    pub container: String,
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub tty: bool,
    pub stdin: bool,
}

/// Why a container or exec could not start, in runc's words, and the exit code Docker gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskError {
    pub message: String,
    pub exit_code: i32,
}

/// What containerd, the shim and runc do, on a real kernel. Output and exits are collected
/// by the implementation as they happen and handed over when the engine asks (`output`,
/// `exited`), so the engine's state changes only inside its own handlers.
pub trait Containerd: Send + Sync + std::fmt::Debug {
    /// A layer the image store has unpacked (the blob as received: tar, maybe gzipped).
    fn layer(&self, diff_id: &str, blob: &[u8]) -> Result<(), String>;
    /// Creates and starts the container; returns its first process's host PID.
    fn start(&self, task: &Task) -> Result<i64, TaskError>;
    /// What the container wrote since the last call, line by line.
    fn output(&self, id: &str) -> Vec<Output>;
    /// The exit code Docker reports, once the first process has ended and its output is read.
    fn exited(&self, id: &str) -> Option<i32>;
    /// Sends a signal (`SIGTERM`, `TERM`, `15`) to the first process.
    fn signal(&self, id: &str, signal: &str) -> Result<(), String>;
    /// `docker stop`: the signal, then SIGKILL after `timeout` seconds; waits for the exit
    /// and returns its code.
    fn stop(&self, id: &str, signal: &str, timeout: i64) -> Result<i32, String>;
    /// Removes what is left of the container (its directory, address, name).
    fn delete(&self, id: &str);
    /// Starts exec instance `exec_id`; returns its host PID. Its input and output are the
    /// implementation's to carry (the hijacked connection), and it reports the exit back.
    fn exec(&self, exec_id: &str, task: &ExecTask) -> Result<i64, TaskError>;
    /// `docker top`: ps run on the host, the container's processes only: titles and rows.
    fn top(&self, id: &str, ps_args: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String>;
    /// The bytes in the container's writable layer (`SizeRw`), counted as dockerd's
    /// `directory.Size` counts them; None when the runtime keeps no layer of its own.
    fn upper_size(&self, _id: &str) -> Option<u64> {
        None
    }
}

/// The plugged runtime, shared by every clone of the daemon's state.
pub type Shared = Arc<dyn Containerd>;
