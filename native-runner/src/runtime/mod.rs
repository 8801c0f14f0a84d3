//! The real kernel: containers made of real namespaces, overlay mounts, veths and bridges.
//!
//! `LinuxRuntime` is the narrow interface the shared Docker engine calls (create, start,
//! exec, signal, wait, remove, networks, cleanup); it knows nothing of Docker's API, only
//! of what a container is made of. Modules, one concern each:
//! - `layer_source` reads layer tarballs into entries (to be replaced by sim-core's reader),
//! - `unpack` writes entries into a directory without ever leaving it, `layer_store` keeps
//!   unpacked layers by digest,
//! - `rootfs` the overlay, pivot_root and Docker's mount list, `spawn` clone/setns/exec,
//!   `caps` capabilities,
//! - `netlink` a minimal rtnetlink client, `network` bridges, veths, addresses, routes,
//! - `state` the on-disk records that make `cleanup_stale` possible after a crash,
//! - `cli` the `run`, `exec`, `stop`, `cleanup` and `unpack` subcommands.

pub mod caps;
pub mod cli;
pub mod layer_source;
pub mod layer_store;
pub mod netlink;
pub mod network;
pub mod rootfs;
pub mod spawn;
pub mod state;
pub mod sys;
pub mod unpack;

use std::collections::BTreeMap;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use layer_store::{LayerError, LayerStore};
use network::{NetAttachment, NetworkError, Subnet};
use rootfs::{RootfsError, RootfsPlan};
use spawn::{NsFds, ProcessPlan, ProcessSpec, SpawnError, Stdio};
use state::{ContainerRecord, NetworkRecord, StateDir};
pub use sys::ExitStatus;

/// Everything the runtime needs to make a container; the engine decides every value.
#[derive(Clone, Debug, Default)]
pub struct ContainerSpec {
    /// 64 hex digits.
    pub id: String,
    pub name: String,
    /// Unpacked layers, top first (overlay lowerdir order).
    pub layers: Vec<PathBuf>,
    pub hostname: String,
    pub env: Vec<String>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
    pub argv: Vec<String>,
    pub caps: u64,
    pub network: Option<NetAttachment>,
    pub hosts: String,
    pub hostname_file: String,
    pub resolv_conf: String,
    /// `--read-only`: the root and the network files mounted read-only.
    pub read_only: bool,
}

#[derive(Clone, Debug)]
#[allow(dead_code)] // read by the shared engine (next step); the CLI only needs the id it chose
pub struct ContainerHandle {
    pub id: String,
    pub dir: PathBuf,
}

/// An `exec` request.
pub struct ExecSpec {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
    pub tty: bool,
}

/// A process started by `exec`: its stdio (pipes, or one pty master when `tty`).
pub struct ExecChild {
    pub pid: i32,
    pub pidfd: OwnedFd,
    pub stdin: Option<std::fs::File>,
    pub stdout: Option<std::fs::File>,
    pub stderr: Option<std::fs::File>,
    pub pty: Option<std::fs::File>,
}

impl ExecChild {
    pub fn wait(&self) -> io::Result<ExitStatus> {
        sys::waitpid(self.pid)
    }
}

#[derive(Debug)]
pub enum RuntimeError {
    NoSuchContainer(String),
    NameInUse(String),
    BadName(String),
    NotRunning(String),
    AlreadyStarted(String),
    NoSuchNetwork(String),
    #[allow(dead_code)] // from remove_network
    NetworkInUse(String),
    AddressPoolFull(String),
    Layer(LayerError),
    Rootfs(RootfsError),
    Spawn(SpawnError),
    Network(NetworkError),
    State { op: &'static str, path: PathBuf, err: io::Error },
    Io { op: &'static str, err: io::Error },
}

impl std::fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuntimeError::NoSuchContainer(id) => write!(f, "No such container: {id}"),
            RuntimeError::NameInUse(n) => write!(f, "Conflict. The container name \"/{n}\" is already in use"),
            RuntimeError::BadName(n) => {
                write!(f, "Invalid container name ({n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
            }
            RuntimeError::NotRunning(id) => write!(f, "Container {id} is not running"),
            RuntimeError::AlreadyStarted(id) => write!(f, "container {id} was already started"),
            RuntimeError::NoSuchNetwork(n) => write!(f, "network {n} not found"),
            RuntimeError::NetworkInUse(n) => write!(f, "error while removing network: network {n} has active endpoints"),
            RuntimeError::AddressPoolFull(n) => write!(f, "no available IPv4 addresses on network {n}"),
            RuntimeError::Layer(e) => e.fmt(f),
            RuntimeError::Rootfs(e) => e.fmt(f),
            RuntimeError::Spawn(e) => e.fmt(f),
            RuntimeError::Network(e) => e.fmt(f),
            RuntimeError::State { op, path, err } => write!(f, "state: {op} {}: {err}", path.display()),
            RuntimeError::Io { op, err } => write!(f, "{op}: {err}"),
        }
    }
}

impl std::error::Error for RuntimeError {}

impl RuntimeError {
    /// The exit code `docker run` gives when the container could not run.
    pub fn exit_code(&self) -> i32 {
        match self {
            RuntimeError::Spawn(e) => e.exit_code(),
            _ => 125,
        }
    }
}

fn st_err<'a>(op: &'static str, path: &'a Path) -> impl Fn(io::Error) -> RuntimeError + 'a {
    move |err| RuntimeError::State { op, path: path.to_path_buf(), err }
}

/// A container started by this runtime instance.
struct Live {
    pid: i32,
    pidfd: OwnedFd,
}

/// What `cleanup_stale` removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CleanupReport {
    pub containers: usize,
    pub processes_killed: usize,
    pub veths: usize,
    pub networks: usize,
    /// Addresses reserved by runtimes that died before their container had a record.
    pub addresses: usize,
    pub layer_temporaries: usize,
}

pub struct LinuxRuntime {
    state: StateDir,
    layers: LayerStore,
    me: (i32, u64),
    live: Mutex<BTreeMap<String, Live>>,
}

/// Kills and reaps a half-started container unless disarmed.
struct StartGuard {
    pid: i32,
    veth: Option<String>,
    armed: bool,
}

impl Drop for StartGuard {
    fn drop(&mut self) {
        if self.armed {
            // SAFETY: our own unreaped child: the PID cannot have been reused.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            let _ = sys::waitpid(self.pid);
            if let Some(v) = &self.veth {
                let _ = network::delete_link(v);
            }
        }
    }
}

impl LinuxRuntime {
    /// A runtime whose state and layers live under `root` (default /var/lib/native-runner).
    pub fn open(root: &Path) -> Result<LinuxRuntime, RuntimeError> {
        let state = StateDir::open(root).map_err(st_err("create", root))?;
        let layers = LayerStore::open(state.layers()).map_err(RuntimeError::Layer)?;
        let pid = std::process::id() as i32;
        let start = sys::proc_start_time(pid).map(|s| s.0).unwrap_or(0);
        Ok(LinuxRuntime { state, layers, me: (pid, start), live: Mutex::new(BTreeMap::new()) })
    }

    #[allow(dead_code)] // engine API
    pub fn root(&self) -> &Path {
        &self.state.root
    }

    pub fn layer_store(&self) -> &LayerStore {
        &self.layers
    }

    fn lock(&self) -> Result<sys::FileLock, RuntimeError> {
        let p = self.state.lock_path();
        sys::FileLock::acquire(&p).map_err(st_err("lock", &p))
    }

    fn record(&self, id: &str) -> Result<ContainerRecord, RuntimeError> {
        self.state.read_container(id).ok_or_else(|| RuntimeError::NoSuchContainer(id.to_string()))
    }

    /// Prepares the container's directory (upper, work, mount point, /etc files) and its
    /// record. No process, mount or link exists yet.
    pub fn create(&self, spec: &ContainerSpec) -> Result<ContainerHandle, RuntimeError> {
        if spec.id.len() < 12 || !spec.id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(RuntimeError::BadName(spec.id.clone()));
        }
        if !spec.name.is_empty() && !state::valid_name(&spec.name) {
            return Err(RuntimeError::BadName(spec.name.clone()));
        }
        let dir = self.state.container(&spec.id);
        // The directory appears with its record in it (made under a hidden name, then
        // renamed), so a runtime killed at any point leaves either nothing or a record
        // naming its owner, which `cleanup_stale` can judge.
        let making = self.state.making(&spec.id, self.me);
        std::fs::create_dir(&making).map_err(st_err("create", &making))?;
        let mut rec = ContainerRecord {
            id: spec.id.clone(),
            name: spec.name.clone(),
            owner_pid: self.me.0,
            owner_start: self.me.1,
            status: "created".into(),
            ..Default::default()
        };
        if let Some(n) = &spec.network {
            rec.host_veth = n.host_veth.clone();
            rec.ip = n.ip.to_string();
            rec.network = n.network.clone();
        }
        let res = (|| {
            let placed = state::write_atomic(&making.join("state"), &rec.encode()).and_then(|()| {
                if dir.exists() {
                    return Err(io::Error::from(io::ErrorKind::AlreadyExists));
                }
                std::fs::rename(&making, &dir)
            });
            if let Err(e) = placed {
                let _ = std::fs::remove_dir_all(&making);
                return Err(st_err("create", &dir)(e));
            }
            if !spec.name.is_empty() {
                let nf = self.state.name_file(&spec.name);
                let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&nf).map_err(|e| {
                    if e.kind() == io::ErrorKind::AlreadyExists {
                        RuntimeError::NameInUse(spec.name.clone())
                    } else {
                        st_err("create", &nf)(e)
                    }
                })?;
                io::Write::write_all(&mut f, spec.id.as_bytes()).map_err(st_err("write", &nf))?;
            }
            for d in ["upper", "work", "rootfs"] {
                std::fs::create_dir(dir.join(d)).map_err(st_err("create", &dir))?;
            }
            mark_mounted_before(&dir.join("upper")).map_err(st_err("set xattr", &dir))?;
            for (f, c) in [("resolv.conf", &spec.resolv_conf), ("hostname", &spec.hostname_file), ("hosts", &spec.hosts)] {
                std::fs::write(dir.join(f), c).map_err(st_err("write", &dir))?;
            }
            std::fs::write(dir.join("spec"), encode_spec(spec)).map_err(st_err("write", &dir))
        })();
        if let Err(e) = res {
            if !matches!(e, RuntimeError::NameInUse(_)) && !spec.name.is_empty() {
                let _ = std::fs::remove_file(self.state.name_file(&spec.name));
            }
            if let Some(n) = &spec.network {
                let _ = std::fs::remove_file(self.state.ip_file(&n.network, &n.ip.to_string()));
            }
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
        Ok(ContainerHandle { id: spec.id.clone(), dir })
    }

    /// Makes an exited container startable again with a new spec (Docker's `start` of a
    /// stopped container): its writable layer stays, its /etc files, address and process
    /// spec are the new ones.
    pub fn recreate(&self, spec: &ContainerSpec) -> Result<(), RuntimeError> {
        let mut rec = self.record(&spec.id)?;
        if rec.status == "running" && sys::process_alive(rec.init_pid, rec.init_start) {
            return Err(RuntimeError::AlreadyStarted(spec.id.clone()));
        }
        let dir = self.state.container(&spec.id);
        if !rec.network.is_empty() && !rec.ip.is_empty() {
            let _ = std::fs::remove_file(self.state.ip_file(&rec.network, &rec.ip));
        }
        rec.status = "created".into();
        rec.init_pid = 0;
        rec.init_start = 0;
        rec.exit_code = None;
        rec.owner_pid = self.me.0;
        rec.owner_start = self.me.1;
        (rec.network, rec.ip, rec.host_veth) = match &spec.network {
            Some(n) => (n.network.clone(), n.ip.to_string(), n.host_veth.clone()),
            None => Default::default(),
        };
        for (f, c) in [("resolv.conf", &spec.resolv_conf), ("hostname", &spec.hostname_file), ("hosts", &spec.hosts)] {
            std::fs::write(dir.join(f), c).map_err(st_err("write", &dir))?;
        }
        std::fs::write(dir.join("spec"), encode_spec(spec)).map_err(st_err("write", &dir))?;
        self.state.write_container(&rec).map_err(st_err("write", &dir))
    }

    /// Gives back an address reserved for a container that was not made.
    pub fn unreserve(&self, network_name: &str, ip: Ipv4Addr) {
        let _ = std::fs::remove_file(self.state.ip_file(network_name, &ip.to_string()));
    }

    /// Gives back an exited container's address (its veth went with its network namespace).
    pub fn release_endpoint(&self, id: &str) -> Result<(), RuntimeError> {
        let _lock = self.lock()?;
        let mut rec = self.record(id)?;
        if rec.network.is_empty() || rec.ip.is_empty() || sys::process_alive(rec.init_pid, rec.init_start) {
            return Ok(());
        }
        let _ = std::fs::remove_file(self.state.ip_file(&rec.network, &rec.ip));
        let network = std::mem::take(&mut rec.network);
        rec.ip.clear();
        rec.host_veth.clear();
        let dir = self.state.container(id);
        self.state.write_container(&rec).map_err(st_err("write", &dir))?;
        self.maybe_remove_auto_network(&network)
    }

    /// Starts the container's first process; returns its host PID once it has exec'd.
    pub fn start(&self, id: &str, stdio: [Stdio; 3]) -> Result<i32, RuntimeError> {
        self.start_process(id, stdio, false).map(|(pid, _)| pid)
    }

    /// Starts the container's first process on a console (`docker run -t`): a pty of the
    /// container's own devpts, its master returned.
    pub fn start_console(&self, id: &str) -> Result<(i32, std::fs::File), RuntimeError> {
        let (pid, console) = self.start_process(id, [Stdio::Inherit, Stdio::Inherit, Stdio::Inherit], true)?;
        let console = console.ok_or_else(|| RuntimeError::Io { op: "console", err: io::Error::other("no console") })?;
        Ok((pid, console))
    }

    fn start_process(&self, id: &str, stdio: [Stdio; 3], console: bool) -> Result<(i32, Option<std::fs::File>), RuntimeError> {
        let mut rec = self.record(id)?;
        if rec.status != "created" {
            return Err(RuntimeError::AlreadyStarted(id.to_string()));
        }
        let dir = self.state.container(id);
        let spec_text = std::fs::read_to_string(dir.join("spec")).map_err(st_err("read", &dir))?;
        let spec = decode_spec(&spec_text);
        let root = RootfsPlan::new(
            &dir.join("rootfs"),
            &spec.layers,
            &dir.join("upper"),
            &dir.join("work"),
            &self.state.root,
            &spec.hostname,
            [&dir.join("resolv.conf"), &dir.join("hostname"), &dir.join("hosts")],
        )
        .map_err(RuntimeError::Rootfs)?
        .read_only(spec.read_only);
        let ps = ProcessSpec {
            argv: &spec.argv,
            env: &spec.env,
            cwd: &spec.cwd,
            uid: spec.uid,
            gid: spec.gid,
            groups: &spec.groups,
            caps: spec.caps,
        };
        let plan = ProcessPlan::new(&ps, stdio, None).map_err(RuntimeError::Spawn)?;
        let mut pending = spawn::spawn_init(&root, &plan, console).map_err(RuntimeError::Spawn)?;
        let mut guard = StartGuard { pid: pending.pid, veth: None, armed: true };
        let console = if console { Some(pending.open_console().map_err(RuntimeError::Spawn)?) } else { None };
        if spec.network.is_none() {
            // No veth to wait for: the child may exec as soon as its root is ready.
            pending.go().map_err(RuntimeError::Spawn)?;
        }
        rec.init_pid = pending.pid;
        rec.init_start = sys::proc_start_time(pending.pid).map(|s| s.0).unwrap_or(0);
        rec.status = "running".into();
        self.state.write_container(&rec).map_err(st_err("write", &dir))?;
        if let Some(att) = &spec.network {
            guard.veth = Some(att.host_veth.clone());
            network::attach(pending.pid, att).map_err(RuntimeError::Network)?;
        }
        pending.release().map_err(RuntimeError::Spawn)?;
        guard.armed = false;
        let pid = pending.pid;
        if let Ok(mut live) = self.live.lock() {
            live.insert(id.to_string(), Live { pid, pidfd: pending.pidfd });
        }
        Ok((pid, console))
    }

    fn live_pid(&self, id: &str) -> Result<i32, RuntimeError> {
        let live = self.live.lock().map_err(|_| RuntimeError::NotRunning(id.to_string()))?;
        live.get(id).map(|l| l.pid).ok_or_else(|| RuntimeError::NotRunning(id.to_string()))
    }

    /// Sends a signal to the container's first process (race-free, through its pidfd).
    pub fn signal(&self, id: &str, sig: i32) -> Result<(), RuntimeError> {
        let fd = self.init_pidfd(id)?;
        sys::pidfd_signal(&fd, sig).map_err(|err| RuntimeError::Io { op: "signal", err })
    }

    /// A pidfd for the container's first process: ours if we started it, else one opened
    /// from the record (PID and start time checked after opening, so a reused PID is never
    /// signalled).
    fn init_pidfd(&self, id: &str) -> Result<OwnedFd, RuntimeError> {
        if let Ok(live) = self.live.lock() {
            if let Some(l) = live.get(id) {
                return l.pidfd.try_clone().map_err(|err| RuntimeError::Io { op: "pidfd", err });
            }
        }
        let rec = self.record(id)?;
        let not_running = || RuntimeError::NotRunning(id.to_string());
        if rec.status != "running" || !sys::process_alive(rec.init_pid, rec.init_start) {
            return Err(not_running());
        }
        let fd = sys::pidfd_open(rec.init_pid).map_err(|_| not_running())?;
        if !sys::process_alive(rec.init_pid, rec.init_start) {
            return Err(not_running());
        }
        Ok(fd)
    }

    /// The host PID of a running container's first process (see `init_pidfd`).
    fn running_pid(&self, id: &str) -> Result<i32, RuntimeError> {
        if let Ok(pid) = self.live_pid(id) {
            return Ok(pid);
        }
        let _fd = self.init_pidfd(id)?;
        Ok(self.record(id)?.init_pid)
    }

    /// The id for a name, a full id, or a unique id prefix.
    pub fn resolve(&self, name_or_id: &str) -> Result<String, RuntimeError> {
        let missing = || RuntimeError::NoSuchContainer(name_or_id.to_string());
        if state::valid_name(name_or_id) {
            if let Ok(id) = std::fs::read_to_string(self.state.name_file(name_or_id)) {
                return Ok(id);
            }
        }
        let ids: Vec<String> = self.state.container_ids().into_iter().filter(|i| i.starts_with(name_or_id)).collect();
        match ids.as_slice() {
            [one] if !name_or_id.is_empty() => Ok(one.clone()),
            _ => Err(missing()),
        }
    }

    /// Waits for the first process to exit and records its status (a dead PID 1 takes the
    /// whole PID namespace, and with it the mounts and the network namespace).
    pub fn wait(&self, id: &str) -> Result<ExitStatus, RuntimeError> {
        let pid = self.live_pid(id)?;
        let st = sys::waitpid(pid).map_err(|err| RuntimeError::Io { op: "wait", err })?;
        if let Ok(mut live) = self.live.lock() {
            live.remove(id);
        }
        if let Some(mut rec) = self.state.read_container(id) {
            rec.status = "exited".into();
            rec.exit_code = Some(st.docker_code());
            let _ = self.state.write_container(&rec);
        }
        Ok(st)
    }

    /// `docker stop`: the stop signal, then SIGKILL after `timeout`. The exit status if
    /// this runtime started the container (only the parent can reap it), else None once
    /// the process is gone (its owner reports the status).
    pub fn stop(&self, id: &str, sig: i32, timeout: Duration) -> Result<Option<ExitStatus>, RuntimeError> {
        let fd = self.init_pidfd(id)?;
        let wait = |ms: i32| sys::pidfd_wait_timeout(&fd, ms).map_err(|err| RuntimeError::Io { op: "wait", err });
        sys::pidfd_signal(&fd, sig).map_err(|err| RuntimeError::Io { op: "signal", err })?;
        if !wait(i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX))? {
            sys::pidfd_signal(&fd, libc::SIGKILL).map_err(|err| RuntimeError::Io { op: "signal", err })?;
            wait(-1)?;
        }
        if self.live_pid(id).is_ok() {
            return self.wait(id).map(Some);
        }
        Ok(None)
    }

    /// Runs a process in the container's namespaces with the container's capabilities.
    /// The supplementary groups of `uid` in container `id`, from its own /etc/passwd and
    /// /etc/group (what runc gives an exec'd process, as for PID 1).
    pub fn container_groups(&self, id: &str, uid: u32) -> Vec<u32> {
        match self.state.read_container(id) {
            Some(c) if c.init_pid > 0 => cli::image_groups(&[PathBuf::from(format!("/proc/{}/root", c.init_pid))], uid),
            _ => Vec::new(),
        }
    }

    pub fn exec(&self, id: &str, spec: &ExecSpec) -> Result<ExecChild, RuntimeError> {
        let pid = self.running_pid(id)?;
        let io_err = |op| move |err| RuntimeError::Io { op, err };
        let ns = NsFds::open(pid).map_err(io_err("open namespaces"))?;
        let mut child = ExecChild { pid: 0, pidfd: sys::pidfd_open(pid).map_err(io_err("pidfd"))?, stdin: None, stdout: None, stderr: None, pty: None };
        let (stdio, tty) = if spec.tty {
            // A pty from the container's own devpts instance, as Docker allocates it.
            let ptmx = sys::cstr(format!("/proc/{pid}/root/dev/pts/ptmx")).map_err(io_err("pty"))?;
            let master = sys::open(&ptmx, libc::O_RDWR | libc::O_NOCTTY, 0).map_err(io_err("open pty"))?;
            let m = std::os::fd::AsRawFd::as_raw_fd(&master);
            let unlock: libc::c_int = 0;
            // SAFETY: master is a ptmx fd; TIOCSPTLCK takes an int pointer.
            sys::check(unsafe { libc::ioctl(m, libc::TIOCSPTLCK, &unlock) }).map_err(io_err("unlock pty"))?;
            // SAFETY: TIOCGPTPEER returns a new fd for the slave without a path lookup.
            let s = sys::check(unsafe { libc::ioctl(m, libc::TIOCGPTPEER, libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) })
                .map_err(io_err("open pty slave"))?;
            // SAFETY: s was just returned and is ours.
            let slave = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(s) };
            child.pty = Some(std::fs::File::from(master));
            ([Stdio::Inherit, Stdio::Inherit, Stdio::Inherit], Some(slave))
        } else {
            let (ir, iw) = sys::pipe().map_err(io_err("pipe"))?;
            let (or, ow) = sys::pipe().map_err(io_err("pipe"))?;
            let (er, ew) = sys::pipe().map_err(io_err("pipe"))?;
            child.stdin = Some(iw.into());
            child.stdout = Some(or.into());
            child.stderr = Some(er.into());
            ([Stdio::Fd(ir), Stdio::Fd(ow), Stdio::Fd(ew)], None)
        };
        let caps = self.spec_caps(id);
        let ps = ProcessSpec { argv: &spec.argv, env: &spec.env, cwd: &spec.cwd, uid: spec.uid, gid: spec.gid, groups: &spec.groups, caps };
        let plan = ProcessPlan::new(&ps, stdio, tty).map_err(RuntimeError::Spawn)?;
        let (cpid, pidfd) = spawn::spawn_in(&ns, &plan).map_err(RuntimeError::Spawn)?;
        child.pid = cpid;
        child.pidfd = pidfd;
        Ok(child)
    }

    /// The bytes in container `id`'s upper directory as dockerd's `directory.Size` counts
    /// them: every entry but directories, by lstat size, a hard-linked inode once.
    pub fn upper_size(&self, id: &str) -> Option<u64> {
        use std::os::unix::fs::MetadataExt;
        let upper = self.state.container(id).join("upper");
        if !upper.is_dir() {
            return None;
        }
        let (mut size, mut seen, mut stack) = (0u64, std::collections::BTreeSet::new(), vec![upper]);
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let Ok(m) = e.path().symlink_metadata() else { continue };
                if m.is_dir() {
                    stack.push(e.path());
                } else if m.len() > 0 && seen.insert(m.ino()) {
                    size += m.len();
                }
            }
        }
        Some(size)
    }

    /// The spec a container was created with.
    pub fn spec(&self, id: &str) -> Result<ContainerSpec, RuntimeError> {
        let p = self.state.container(id).join("spec");
        let text = std::fs::read_to_string(&p).map_err(|_| RuntimeError::NoSuchContainer(id.to_string()))?;
        let mut s = decode_spec(&text);
        s.id = id.to_string();
        Ok(s)
    }

    fn spec_caps(&self, id: &str) -> u64 {
        std::fs::read_to_string(self.state.container(id).join("spec"))
            .map(|s| decode_spec(&s).caps)
            .unwrap_or(caps::DOCKER_DEFAULT)
    }

    /// Removes a container: kills it if running, frees its address and name, removes its
    /// directory (its veth goes with its network namespace). A network created on demand
    /// stays, like docker0, until `cleanup_stale` finds it unused.
    pub fn remove(&self, id: &str) -> Result<(), RuntimeError> {
        let rec = self.record(id)?;
        if self.live_pid(id).is_ok() {
            let _ = self.signal(id, libc::SIGKILL);
            let _ = self.wait(id);
        }
        let _lock = self.lock()?;
        self.remove_locked(&rec)
    }

    fn remove_locked(&self, rec: &ContainerRecord) -> Result<(), RuntimeError> {
        // Once the container's PID 1 is gone its network namespace dies, and the kernel
        // destroys the veth pair with it (asynchronously, in its netns cleanup work).
        // Deleting it here would only wait for that: unregistering a netdev costs RCU grace
        // periods (tens of ms). Only a container still alive needs its veth deleted.
        if !rec.host_veth.is_empty() && sys::process_alive(rec.init_pid, rec.init_start) {
            network::delete_link(&rec.host_veth).map_err(RuntimeError::Network)?;
        }
        if !rec.network.is_empty() && !rec.ip.is_empty() {
            let _ = std::fs::remove_file(self.state.ip_file(&rec.network, &rec.ip));
        }
        if !rec.name.is_empty() {
            let nf = self.state.name_file(&rec.name);
            if std::fs::read_to_string(&nf).map(|s| s == rec.id).unwrap_or(false) {
                let _ = std::fs::remove_file(nf);
            }
        }
        let dir = self.state.container(&rec.id);
        std::fs::remove_dir_all(&dir).map_err(st_err("remove", &dir))
    }

    fn maybe_remove_auto_network(&self, name: &str) -> Result<(), RuntimeError> {
        if let Some(n) = self.state.read_network(name) {
            if n.auto_remove && self.state.ips_in_use(name).is_empty() {
                self.remove_network_locked(&n)?;
            }
        }
        Ok(())
    }

    /// Removes a network created on demand once no container holds an address on it.
    pub fn cleanup_network_if_unused(&self, name: &str) -> Result<(), RuntimeError> {
        let _lock = self.lock()?;
        self.maybe_remove_auto_network(name)
    }

    /// Removes every network created on demand that no container holds an address on.
    pub fn cleanup_unused_networks(&self) -> Result<(), RuntimeError> {
        let _lock = self.lock()?;
        for name in self.state.network_names() {
            self.maybe_remove_auto_network(&name)?;
        }
        Ok(())
    }

    /// Creates a bridge network (or returns the existing one of that name).
    pub fn create_network(&self, name: &str, bridge: &str, subnet: &str, gateway: Option<Ipv4Addr>, masquerade: bool, auto_remove: bool) -> Result<NetworkRecord, RuntimeError> {
        if !state::valid_name(name) {
            return Err(RuntimeError::BadName(name.to_string()));
        }
        let sub = Subnet::parse(subnet).map_err(RuntimeError::Network)?;
        let gw = match gateway {
            Some(g) => g,
            None => sub.host(1).ok_or_else(|| RuntimeError::Network(NetworkError::BadSubnet(subnet.to_string())))?,
        };
        let _lock = self.lock()?;
        if let Some(existing) = self.state.read_network(name) {
            // Bring the bridge back if something removed it under us.
            network::ensure_bridge(&existing.bridge, gw, sub.prefix).map_err(RuntimeError::Network)?;
            return Ok(existing);
        }
        let rec = NetworkRecord { name: name.into(), bridge: bridge.into(), subnet: sub.to_string(), gateway: gw.to_string(), masquerade, auto_remove };
        let dir = self.state.network(name);
        std::fs::create_dir_all(dir.join("ips")).map_err(st_err("create", &dir))?;
        // Recorded before the bridge exists, so a crash in between is still cleaned up.
        state::write_atomic(&dir.join("config"), &rec.encode()).map_err(st_err("write", &dir))?;
        let made = (|| {
            network::ensure_bridge(bridge, gw, sub.prefix)?;
            if masquerade {
                network::add_masquerade(bridge, sub)?;
            }
            Ok(())
        })();
        if let Err(e) = made {
            let _ = self.remove_network_locked(&rec);
            return Err(RuntimeError::Network(e));
        }
        Ok(rec)
    }

    #[allow(dead_code)] // engine API (`docker network rm`); `run` removes its network on demand
    pub fn remove_network(&self, name: &str) -> Result<(), RuntimeError> {
        let _lock = self.lock()?;
        let n = self.state.read_network(name).ok_or_else(|| RuntimeError::NoSuchNetwork(name.to_string()))?;
        if !self.state.ips_in_use(name).is_empty() {
            return Err(RuntimeError::NetworkInUse(name.to_string()));
        }
        self.remove_network_locked(&n)
    }

    fn remove_network_locked(&self, n: &NetworkRecord) -> Result<(), RuntimeError> {
        if n.masquerade {
            network::remove_masquerade(Some(&n.bridge)).map_err(RuntimeError::Network)?;
        }
        network::delete_link(&n.bridge).map_err(RuntimeError::Network)?;
        let dir = self.state.network(&n.name);
        std::fs::remove_dir_all(&dir).map_err(st_err("remove", &dir))
    }

    /// Reserves the lowest free address of a network for container `id` and returns the
    /// attachment to put in its spec (Docker's MAC, a fresh `vethXXXXXXX`).
    pub fn allocate_endpoint(&self, network_name: &str, id: &str) -> Result<NetAttachment, RuntimeError> {
        let _lock = self.lock()?;
        let n = self.state.read_network(network_name).ok_or_else(|| RuntimeError::NoSuchNetwork(network_name.to_string()))?;
        let sub = Subnet::parse(&n.subnet).map_err(RuntimeError::Network)?;
        let gw: Ipv4Addr = n.gateway.parse().map_err(|_| RuntimeError::Network(NetworkError::BadSubnet(n.gateway.clone())))?;
        let used = self.state.ips_in_use(network_name);
        let mut k = 2;
        while let Some(ip) = sub.host(k) {
            k += 1;
            if ip == gw || used.contains(&ip.to_string()) {
                continue;
            }
            let f = self.state.ip_file(network_name, &ip.to_string());
            if std::fs::OpenOptions::new().write(true).create_new(true).open(&f).is_err() {
                continue;
            }
            let _ = self.state.write_ip_holder(&f, id, self.me);
            let veth = network::new_veth_name().map_err(|err| RuntimeError::Io { op: "random", err })?;
            return Ok(NetAttachment { network: network_name.to_string(), bridge: n.bridge.clone(), ip, prefix: sub.prefix, gateway: gw, mac: network::docker_mac(ip), host_veth: veth });
        }
        Err(RuntimeError::AddressPoolFull(network_name.to_string()))
    }

    /// Reserves address `ip` of a network for container `id` (the engine chose it) and
    /// returns the attachment to put in its spec (a fresh `vethXXXXXXX`).
    pub fn reserve_endpoint(&self, network_name: &str, id: &str, ip: Ipv4Addr, mac: [u8; 6]) -> Result<NetAttachment, RuntimeError> {
        let _lock = self.lock()?;
        let n = self.state.read_network(network_name).ok_or_else(|| RuntimeError::NoSuchNetwork(network_name.to_string()))?;
        let sub = Subnet::parse(&n.subnet).map_err(RuntimeError::Network)?;
        let gw: Ipv4Addr = n.gateway.parse().map_err(|_| RuntimeError::Network(NetworkError::BadSubnet(n.gateway.clone())))?;
        let f = self.state.ip_file(network_name, &ip.to_string());
        if ip == gw || !sub.contains(ip) || std::fs::OpenOptions::new().write(true).create_new(true).open(&f).is_err() {
            return Err(RuntimeError::AddressPoolFull(network_name.to_string()));
        }
        let _ = self.state.write_ip_holder(&f, id, self.me);
        let veth = network::new_veth_name().map_err(|err| RuntimeError::Io { op: "random", err })?;
        Ok(NetAttachment { network: network_name.to_string(), bridge: n.bridge.clone(), ip, prefix: sub.prefix, gateway: gw, mac, host_veth: veth })
    }

    /// Removes everything left by runtimes that are gone: their containers' processes,
    /// veths, addresses, names and directories; networks created on demand that no
    /// container uses any more; half-unpacked layers.
    pub fn cleanup_stale(&self) -> Result<CleanupReport, RuntimeError> {
        let mut report = CleanupReport::default();
        let _lock = self.lock()?;
        let mine: Vec<String> = self.live.lock().map(|l| l.keys().cloned().collect()).unwrap_or_default();
        for id in self.state.container_ids() {
            if mine.contains(&id) {
                continue;
            }
            let dir = self.state.container(&id);
            let Some(mut rec) = self.state.read_container(&id) else {
                // A directory without a record: a runtime died right after mkdir.
                let old = std::fs::metadata(&dir).and_then(|m| m.modified()).map(|t| t.elapsed().map(|e| e.as_secs() > 10).unwrap_or(false)).unwrap_or(true);
                if old {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                continue;
            };
            if (rec.owner_pid, rec.owner_start) == self.me || sys::process_alive(rec.owner_pid, rec.owner_start) {
                continue;
            }
            if sys::process_alive(rec.init_pid, rec.init_start) {
                if let Ok(fd) = sys::pidfd_open(rec.init_pid) {
                    // Re-check after opening: the pidfd pins this exact process.
                    if sys::process_alive(rec.init_pid, rec.init_start) && sys::pidfd_signal(&fd, libc::SIGKILL).is_ok() {
                        report.processes_killed += 1;
                        let _ = sys::pidfd_wait_timeout(&fd, 5000);
                    }
                }
            }
            if !rec.host_veth.is_empty() && netlink::link_index(&rec.host_veth).is_some() {
                report.veths += 1;
            }
            if rec.ip.is_empty() {
                rec.network.clear();
            }
            self.remove_locked(&rec)?;
            report.containers += 1;
        }
        for name in self.state.network_names() {
            // Addresses reserved by a runtime that died before it wrote the container's record.
            for ip in self.state.ips_in_use(&name) {
                let Some((id, owner)) = self.state.read_ip_holder(&name, &ip) else { continue };
                if mine.contains(&id) || self.state.read_container(&id).is_some() {
                    continue;
                }
                let holder_gone = match owner {
                    Some(o) => o != self.me && !sys::process_alive(o.0, o.1),
                    None => !self.state.container(&id).exists(),
                };
                if holder_gone {
                    let _ = std::fs::remove_file(self.state.ip_file(&name, &ip));
                    report.addresses += 1;
                }
            }
            if let Some(n) = self.state.read_network(&name) {
                if n.auto_remove && self.state.ips_in_use(&name).is_empty() {
                    self.remove_network_locked(&n)?;
                    report.networks += 1;
                }
            }
        }
        // Container directories a runtime was making when it died.
        for (name, owner) in self.state.makings() {
            if owner != self.me && !sys::process_alive(owner.0, owner.1) {
                let _ = std::fs::remove_dir_all(self.state.root.join("containers").join(name));
            }
        }
        report.layer_temporaries = self.layers.remove_stale_tmp();
        Ok(report)
    }
}

/// Gives a fresh upper dir the persistent uuid overlayfs stores on its first mount
/// (`trusted.overlay.uuid`). Docker's upper dir has been mounted once before the container
/// starts, so the kernel finds the uuid, keeps `uuid=auto`, and /proc/mounts shows the
/// option list Docker's containers show (no `uuid=on`).
fn mark_mounted_before(upper: &Path) -> io::Result<()> {
    let p = sys::path_cstr(upper)?;
    let hex = sys::random_hex(16)?;
    let mut uuid = [0u8; 16];
    for (i, b) in uuid.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    // SAFETY: valid C strings and a 16-byte value.
    sys::check(unsafe { libc::setxattr(p.as_ptr(), c"trusted.overlay.uuid".as_ptr(), uuid.as_ptr().cast(), 16, 0) })?;
    Ok(())
}

/// The spec as stored in the container directory (one `key=value` per line; lists repeat
/// the key), so `start` needs nothing but the id.
fn encode_spec(s: &ContainerSpec) -> String {
    let mut out = String::new();
    let mut kv = |k: &str, v: &str| {
        out.push_str(k);
        out.push('=');
        out.push_str(&v.replace('\\', "\\\\").replace('\n', "\\n"));
        out.push('\n');
    };
    kv("hostname", &s.hostname);
    kv("cwd", &s.cwd);
    kv("uid", &s.uid.to_string());
    kv("gid", &s.gid.to_string());
    kv("caps", &s.caps.to_string());
    if s.read_only {
        kv("read_only", "1");
    }
    for l in &s.layers {
        kv("layer", &l.to_string_lossy());
    }
    for g in &s.groups {
        kv("group", &g.to_string());
    }
    for e in &s.env {
        kv("env", e);
    }
    for a in &s.argv {
        kv("arg", a);
    }
    if let Some(n) = &s.network {
        kv("net.name", &n.network);
        kv("net.bridge", &n.bridge);
        kv("net.ip", &n.ip.to_string());
        kv("net.prefix", &n.prefix.to_string());
        kv("net.gateway", &n.gateway.to_string());
        kv("net.mac", &network::format_mac(&n.mac));
        kv("net.veth", &n.host_veth);
    }
    out
}

fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut it = v.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn decode_spec(text: &str) -> ContainerSpec {
    let mut s = ContainerSpec::default();
    let mut net = NetAttachment { network: String::new(), bridge: String::new(), ip: Ipv4Addr::UNSPECIFIED, prefix: 0, gateway: Ipv4Addr::UNSPECIFIED, mac: [0; 6], host_veth: String::new() };
    let mut has_net = false;
    for line in text.lines() {
        let Some((k, v)) = line.split_once('=') else { continue };
        let v = unescape(v);
        match k {
            "hostname" => s.hostname = v,
            "cwd" => s.cwd = v,
            "uid" => s.uid = v.parse().unwrap_or(0),
            "gid" => s.gid = v.parse().unwrap_or(0),
            "caps" => s.caps = v.parse().unwrap_or(caps::DOCKER_DEFAULT),
            "read_only" => s.read_only = v == "1",
            "layer" => s.layers.push(PathBuf::from(v)),
            "group" => s.groups.extend(v.parse::<u32>().ok()),
            "env" => s.env.push(v),
            "arg" => s.argv.push(v),
            "net.bridge" => {
                has_net = true;
                net.bridge = v
            }
            "net.name" => net.network = v,
            "net.ip" => net.ip = v.parse().unwrap_or(Ipv4Addr::UNSPECIFIED),
            "net.prefix" => net.prefix = v.parse().unwrap_or(0),
            "net.gateway" => net.gateway = v.parse().unwrap_or(Ipv4Addr::UNSPECIFIED),
            "net.mac" => {
                for (i, b) in v.split(':').enumerate().take(6) {
                    net.mac[i] = u8::from_str_radix(b, 16).unwrap_or(0);
                }
            }
            "net.veth" => net.host_veth = v,
            _ => {}
        }
    }
    if has_net {
        s.network = Some(net);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_round_trip() {
        let s = ContainerSpec {
            id: String::new(),
            layers: vec!["/a/diff".into(), "/b/diff".into()],
            hostname: "h".into(),
            env: vec!["A=1\nB".into(), "PATH=/bin".into()],
            cwd: "/w".into(),
            uid: 5,
            gid: 6,
            groups: vec![1, 2],
            argv: vec!["sh".into(), "-c".into(), "echo a\\b".into()],
            caps: caps::DOCKER_DEFAULT,
            network: Some(NetAttachment { network: "n".into(), bridge: "nr0".into(), ip: Ipv4Addr::new(10, 1, 0, 2), prefix: 16, gateway: Ipv4Addr::new(10, 1, 0, 1), mac: [2, 0x42, 10, 1, 0, 2], host_veth: "veth1234567".into() }),
            ..Default::default()
        };
        let d = decode_spec(&encode_spec(&s));
        assert_eq!(d.layers, s.layers);
        assert_eq!(d.env, s.env);
        assert_eq!(d.argv, s.argv);
        assert_eq!(d.network, s.network);
        assert_eq!((d.uid, d.gid, d.groups, d.cwd, d.caps), (5, 6, vec![1, 2], "/w".to_string(), s.caps));
    }
}
