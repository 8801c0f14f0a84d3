//! `native-runner daemon --real`: the shared engine's containers run for real.
//!
//! `RealContainerd` implements sim-core's `engine::containerd::Containerd` with `runtime/`:
//! layers the image store takes are unpacked on disk too, `start` makes a real container
//! (namespaces, overlay of those layers, a veth on our own bridge at the address the engine
//! chose, a userland proxy per published port), and output, exits, signals, `exec` and
//! `top` come from the real processes. Modules, one concern each:
//! - `output` reads a process's stdout and stderr into log lines,
//! - `proxy` the userland proxy for `-p`,
//! - `top` `ps` on the host, filtered to a container's processes,
//! - `exec_io` carries an exec's input and output over the hijacked connection.

pub mod exec_io;
pub mod output;
pub mod proxy;
pub mod top;

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use sim_core::engine::containerd::{Containerd, ExecTask, Output, Task, TaskError, TaskNetwork};

use crate::runtime::spawn::Stdio;
use crate::runtime::{caps, cli, sys, ContainerSpec, ExecChild, ExecSpec, LinuxRuntime, RuntimeError};

/// Our bridge for the default network: its own name (a real dockerd on the machine owns
/// docker0), the engine's subnet (172.17.0.0/16), so containers have the addresses the
/// engine reports. A user-defined network's bridge is `nr` + 12 hex of its id (Docker's
/// `br-` + 12 hex).
pub const BRIDGE: &str = "nrd0";
pub const NETWORK: &str = "nrd-bridge";

/// The runtime's network (state name, Linux bridge) for the engine's network.
fn network_names(n: &TaskNetwork) -> (String, String) {
    if n.default_bridge {
        return (NETWORK.to_string(), BRIDGE.to_string());
    }
    let short: String = n.network_id.chars().filter(char::is_ascii_hexdigit).take(12).collect();
    (format!("nrd-{short}"), format!("nr{short}"))
}
pub const DEFAULT_ROOT: &str = "/var/lib/native-runner-daemon";

/// The runtime for `daemon --real`, its state under `root` (default DEFAULT_ROOT). Root only.
pub fn open(root: Option<&str>) -> Result<RealContainerd, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("--real runs containers with namespaces, mounts and veths: it needs root".into());
    }
    RealContainerd::open(Path::new(root.unwrap_or(DEFAULT_ROOT)))
}

/// SIGTERM and SIGINT end the daemon as dockerd ends without live-restore: every container
/// it runs is killed and removed, then the socket goes. Call before any thread exists (the
/// signals are blocked for every thread and waited for on one; containers get a clean mask).
pub fn stop_on_signals(real: Arc<RealContainerd>, socket: String) -> Result<(), String> {
    // SAFETY: sigset manipulation on a local, then the calling thread's mask.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            let mut sig: libc::c_int = 0;
            // SAFETY: set is a valid signal set, sig a valid out pointer.
            if unsafe { libc::sigwait(&set, &mut sig) } == 0 {
                eprintln!("native-runner daemon: signal {sig}: stopping the containers");
                real.shutdown();
                let _ = std::fs::remove_file(&socket);
                std::process::exit(0);
            }
        })
        .map(|_| ())
        .map_err(|e| format!("signal thread: {e}"))
}

/// `POST /exec/{id}/start` of a real exec: writes what the engine answered, then carries
/// the process's streams until it ends. Some((exec id, exit code)) if it was one.
pub fn exec_stream(conn: &UnixStream, real: Option<Arc<RealContainerd>>, path: &str, answered: &[u8]) -> Option<(String, i32)> {
    let segs: Vec<&str> = path.split('/').collect();
    let i = segs.iter().position(|s| *s == "exec")?;
    let (eid, "start") = (segs.get(i + 1)?.to_string(), *segs.get(i + 2)?) else { return None };
    let (child, stdin) = real?.take_exec(&eid)?;
    let _ = (&*conn).write_all(answered);
    Some((eid, exec_io::pump(conn, child, stdin)))
}

/// `docker stop` and `restart` of a real container: the process is stopped here, before the
/// engine's lock is taken, so the timeout (10 s by default) holds no other client up; the
/// engine's handler then finds it ended. `lookup` gives the running container's id and stop
/// signal for a name or id.
pub fn settle_stop(real: &RealContainerd, method: &str, path: &str, timeout: Option<i64>, lookup: impl FnOnce(&str) -> Option<(String, String)>) {
    let segs: Vec<&str> = path.split('/').collect();
    let Some(i) = segs.iter().position(|s| *s == "containers") else { return };
    let (Some(r), Some(op)) = (segs.get(i + 1), segs.get(i + 2)) else { return };
    if method != "POST" || !matches!(*op, "stop" | "restart") || segs.len() != i + 3 {
        return;
    }
    if let Some((id, sig)) = lookup(r) {
        let _ = real.stop(&id, &sig, timeout.unwrap_or(10));
    }
}

/// How a container's first process ended, once its output is all read.
#[derive(Default)]
struct ExitCell {
    code: Mutex<Option<i32>>,
    cv: Condvar,
}

impl ExitCell {
    fn set(&self, code: i32) {
        if let Ok(mut c) = self.code.lock() {
            *c = Some(code);
        }
        self.cv.notify_all();
    }
    fn get(&self) -> Option<i32> {
        self.code.lock().ok().and_then(|c| *c)
    }
    /// Waits up to `d` for the exit; its code if it came.
    fn wait(&self, d: Duration) -> Option<i32> {
        let deadline = Instant::now() + d;
        let mut g = self.code.lock().ok()?;
        while g.is_none() {
            let left = deadline.checked_duration_since(Instant::now())?;
            g = self.cv.wait_timeout(g, left).ok()?.0;
        }
        *g
    }
}

struct Running {
    pid: i32,
    out: Arc<output::Sink>,
    exit: Arc<ExitCell>,
}

#[derive(Default)]
struct State {
    /// Diff ID -> unpacked directory.
    layers: BTreeMap<String, PathBuf>,
    tasks: BTreeMap<String, Running>,
    /// Exec'd processes until their connection takes them, with whether input is attached.
    execs: BTreeMap<String, (ExecChild, bool)>,
}

pub struct RealContainerd {
    rt: Arc<LinuxRuntime>,
    state: Mutex<State>,
}

impl std::fmt::Debug for RealContainerd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RealContainerd({})", self.rt.root().display())
    }
}

fn task_err(e: RuntimeError) -> TaskError {
    TaskError { exit_code: e.exit_code(), message: e.to_string() }
}

impl RealContainerd {
    /// Opens the runtime's state under `root` and removes what a previous daemon left (its
    /// containers' processes, veths, addresses, our bridge when unused).
    pub fn open(root: &Path) -> Result<RealContainerd, String> {
        let rt = LinuxRuntime::open(root).map_err(|e| e.to_string())?;
        let report = rt.cleanup_stale().map_err(|e| e.to_string())?;
        if report != Default::default() {
            eprintln!(
                "native-runner daemon: removed {} containers ({} processes killed) and {} networks left by a previous daemon",
                report.containers, report.processes_killed, report.networks
            );
        }
        Ok(RealContainerd { rt: Arc::new(rt), state: Mutex::new(State::default()) })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, State>, String> {
        self.state.lock().map_err(|_| "runtime state poisoned".to_string())
    }

    fn running(&self, id: &str) -> Option<(i32, Arc<ExitCell>)> {
        let s = self.lock().ok()?;
        s.tasks.get(id).map(|t| (t.pid, Arc::clone(&t.exit)))
    }

    /// Kills and removes every container this daemon runs.
    pub fn shutdown(&self) {
        let ids: Vec<String> = self.lock().map(|s| s.tasks.keys().cloned().collect()).unwrap_or_default();
        for id in ids {
            self.remove(&id);
        }
    }

    /// The process an `exec` started, for the connection that carries its input and output.
    pub fn take_exec(&self, exec_id: &str) -> Option<(ExecChild, bool)> {
        self.lock().ok()?.execs.remove(exec_id)
    }

    fn spec_for(&self, task: &Task) -> Result<ContainerSpec, TaskError> {
        let missing = |l: &str| TaskError { message: format!("layer {l} is not available to the real runtime (load the image with real files: docker load or docker import)"), exit_code: 125 };
        let mut layers = Vec::new();
        {
            let s = self.lock().map_err(|m| TaskError { message: m, exit_code: 125 })?;
            for l in task.layers.iter().rev() {
                layers.push(s.layers.get(l).cloned().ok_or_else(|| missing(l))?);
            }
        }
        if layers.is_empty() {
            return Err(missing("(none)"));
        }
        let network = match &task.network {
            Some(n) => {
                let (name, bridge) = network_names(n);
                let subnet = format!("{}/{}", Ipv4Addr::from(n.subnet), n.prefix);
                self.rt.create_network(&name, &bridge, &subnet, Some(Ipv4Addr::from(n.gateway)), false, true).map_err(task_err)?;
                let ip = Ipv4Addr::from(n.ip);
                Some(self.rt.reserve_endpoint(&name, &task.id, ip, n.mac).map_err(task_err)?)
            }
            None => None,
        };
        Ok(ContainerSpec {
            id: task.id.clone(),
            name: String::new(),
            groups: docker_groups(cli::image_groups(&layers, task.uid), task.gid),
            layers,
            hostname: task.hostname.clone(),
            env: task.env.clone(),
            cwd: task.cwd.clone(),
            uid: task.uid,
            gid: task.gid,
            argv: task.argv.clone(),
            caps: caps::DOCKER_DEFAULT,
            network,
            hosts: task.hosts.clone(),
            hostname_file: task.hostname_file.clone(),
            resolv_conf: task.resolv_conf.clone(),
            read_only: task.read_only,
        })
    }

    /// Forgets and removes a container whose process has ended (or is killed now).
    fn remove(&self, id: &str) {
        if let Some((_, exit)) = self.running(id) {
            if exit.get().is_none() {
                let _ = self.rt.signal(id, libc::SIGKILL);
                let _ = exit.wait(Duration::from_secs(10));
            }
        }
        if let Ok(mut s) = self.lock() {
            s.tasks.remove(id);
        }
        if self.rt.resolve(id).is_ok() {
            if let Err(e) = self.rt.remove(id) {
                eprintln!("native-runner daemon: removing container {id}: {e}");
            }
        }
        let _ = self.rt.cleanup_unused_networks();
    }
}

impl Containerd for RealContainerd {
    fn layer(&self, diff_id: &str, blob: &[u8]) -> Result<(), String> {
        if self.lock()?.layers.contains_key(diff_id) {
            return Ok(());
        }
        let l = self.rt.layer_store().import_bytes(blob).map_err(|e| e.to_string())?;
        self.lock()?.layers.insert(diff_id.to_string(), l.diff);
        Ok(())
    }

    fn start(&self, task: &Task) -> Result<i64, TaskError> {
        // A container started again keeps its writable layer; its last run is forgotten.
        let again = self.rt.resolve(&task.id).is_ok();
        if let Ok(mut s) = self.lock() {
            s.tasks.remove(&task.id);
        }
        let spec = self.spec_for(task)?;
        let bound = match proxy::bind(&task.ports) {
            Ok(p) => p,
            Err(e) => {
                let _ = self.rt.cleanup_unused_networks();
                return Err(TaskError { message: e, exit_code: 125 });
            }
        };
        // A start that fails leaves no process and no address (a new container goes whole).
        let fail = |e: RuntimeError| {
            if again {
                let _ = self.rt.release_endpoint(&task.id);
            } else {
                let _ = self.rt.remove(&task.id);
            }
            let _ = self.rt.cleanup_unused_networks();
            task_err(e)
        };
        let made = if again { self.rt.recreate(&spec) } else { self.rt.create(&spec).map(|_| ()) };
        if let Err(e) = made {
            if let Some(n) = &spec.network {
                self.rt.unreserve(&n.network, n.ip);
            }
            let _ = self.rt.cleanup_unused_networks();
            return Err(task_err(e));
        }
        // PID 1's output: two pipes, or with `-t` the console, all of it stdout.
        let sink = Arc::new(output::Sink::default());
        let (pid, readers) = if task.tty {
            let (pid, console) = self.rt.start_console(&task.id).map_err(fail)?;
            (pid, vec![output::read_into(std::os::fd::OwnedFd::from(console), 1, Arc::clone(&sink))])
        } else {
            let pipe = || sys::pipe().map_err(|err| RuntimeError::Io { op: "pipe", err });
            let (out_r, out_w) = pipe().map_err(fail)?;
            let (err_r, err_w) = pipe().map_err(fail)?;
            let pid = self.rt.start(&task.id, [Stdio::Null, Stdio::Fd(out_w), Stdio::Fd(err_w)]).map_err(fail)?;
            (pid, vec![output::read_into(out_r, 1, Arc::clone(&sink)), output::read_into(err_r, 2, Arc::clone(&sink))])
        };
        let proxies = match &task.network {
            Some(n) => proxy::serve(bound, pid, Ipv4Addr::from(n.ip)),
            None => Vec::new(),
        };
        let exit = Arc::new(ExitCell::default());
        // The waiter: reaps PID 1, lets the readers finish, closes the ports, reports.
        {
            let (rt, id, exit) = (Arc::clone(&self.rt), task.id.clone(), Arc::clone(&exit));
            let spawned = std::thread::Builder::new().name(format!("wait-{}", &task.id[..12.min(task.id.len())])).spawn(move || {
                let code = rt.wait(&id).map(|s| s.docker_code()).unwrap_or(255);
                for r in readers {
                    let _ = r.join();
                }
                drop(proxies);
                // The address is the engine's to give again (it frees it when it sees the exit).
                if let Err(e) = rt.release_endpoint(&id) {
                    eprintln!("native-runner daemon: container {id}: {e}");
                }
                exit.set(code);
            });
            if let Err(e) = spawned {
                let _ = self.rt.signal(&task.id, libc::SIGKILL);
                return Err(TaskError { message: format!("starting the waiter: {e}"), exit_code: 125 });
            }
        }
        if let Ok(mut s) = self.lock() {
            s.tasks.insert(task.id.clone(), Running { pid, out: sink, exit });
        }
        Ok(i64::from(pid))
    }

    fn output(&self, id: &str) -> Vec<Output> {
        let sink = self.lock().ok().and_then(|s| s.tasks.get(id).map(|t| Arc::clone(&t.out)));
        sink.map(|s| s.take()).unwrap_or_default()
    }

    fn exited(&self, id: &str) -> Option<i32> {
        self.running(id).and_then(|(_, e)| e.get())
    }

    fn signal(&self, id: &str, signal: &str) -> Result<(), String> {
        let sig = cli::parse_signal(signal).ok_or_else(|| format!("Invalid signal: {signal}"))?;
        let (_, exit) = self.running(id).ok_or_else(|| format!("Container {id} is not running"))?;
        self.rt.signal(id, sig).map_err(|e| e.to_string())?;
        if sig == libc::SIGKILL {
            // dockerd's kill waits for a KILLed container to be gone.
            let _ = exit.wait(Duration::from_secs(2));
        }
        Ok(())
    }

    fn stop(&self, id: &str, signal: &str, timeout: i64) -> Result<i32, String> {
        let sig = cli::parse_signal(signal).unwrap_or(libc::SIGTERM);
        let (_, exit) = self.running(id).ok_or_else(|| format!("Container {id} is not running"))?;
        if let Some(code) = exit.get() {
            return Ok(code);
        }
        let _ = self.rt.signal(id, sig);
        if let Some(code) = exit.wait(Duration::from_secs(timeout.max(0) as u64)) {
            return Ok(code);
        }
        let _ = self.rt.signal(id, libc::SIGKILL);
        exit.wait(Duration::from_secs(30)).ok_or_else(|| format!("container {id} did not exit after SIGKILL"))
    }

    fn delete(&self, id: &str) {
        self.remove(id);
    }

    fn exec(&self, exec_id: &str, task: &ExecTask) -> Result<i64, TaskError> {
        let spec = ExecSpec { argv: task.argv.clone(), env: task.env.clone(), cwd: task.cwd.clone(), uid: task.uid, gid: task.gid, groups: docker_groups(self.rt.container_groups(&task.container, task.uid), task.gid), tty: task.tty };
        // runc exec fails as a whole: dockerd reports 126 whatever the cause.
        let child = self.rt.exec(&task.container, &spec).map_err(|e| TaskError { message: e.to_string(), exit_code: 126 })?;
        let pid = child.pid;
        self.lock().map_err(|m| TaskError { message: m, exit_code: 126 })?.execs.insert(exec_id.to_string(), (child, task.stdin));
        Ok(i64::from(pid))
    }

    fn top(&self, id: &str, ps_args: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
        let (pid, _) = self.running(id).ok_or_else(|| format!("Container {id} is not running"))?;
        top::top(pid, ps_args)
    }

    fn upper_size(&self, id: &str) -> Option<u64> {
        self.rt.upper_size(id)
    }
}

/// The supplementary groups a container's process gets: the user's groups in the image's
/// /etc/group, or else its primary group alone (measured with real dockerd: `-u 1000:1000`
/// and `-u nobody` give `id` a `groups=` of their gid).
fn docker_groups(groups: Vec<u32>, gid: u32) -> Vec<u32> {
    if groups.is_empty() {
        vec![gid]
    } else {
        groups
    }
}
