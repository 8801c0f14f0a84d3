//! `native-runner daemon --socket PATH`: the simulation's dockerd on a real unix socket, so
//! the real docker CLI (and any Engine API client) can drive it: `docker -H unix://PATH ps`.
//! The same handler code as in the page answers; only the bytes travel through a real socket.
//!
//! Connections are served each on its own thread; the machine is one, behind a mutex. A
//! hijacked connection (exec start, attach) gets the process's output as a raw stream; `wait`
//! is answered when the container has stopped.
//!
//! With `--real` the same engine runs its containers for real (`realdaemon`): the handlers
//! answer as before, the processes, output and exits are the real kernel's.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::daemon_http;

use sim_core::client::transport::DockerTransport;
use sim_core::engine::socket::SimTransport;
use sim_core::host::Profile;
use sim_core::http::{Request, Response};
use sim_core::shell::terminal::{Terminal, TerminalConfig};

use crate::realdaemon::{self, RealContainerd};

/// Longest a `wait` or an attached stream is held open for a container that keeps running
/// (a real container ends on its own time: a day).
const HOLD: Duration = Duration::from_secs(30);
const HOLD_REAL: Duration = Duration::from_secs(86_400);

struct Machine {
    t: Terminal,
    real: Option<Arc<RealContainerd>>,
}

impl Machine {
    /// The simulation's clock follows the real one, never going back; what real containers
    /// did meanwhile is taken in.
    fn tick(&mut self) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        self.t.kernel.now = self.t.kernel.now.max(now);
        if self.real.is_some() {
            sim_core::engine::poll(&mut self.t.kernel);
        }
    }
}

fn hold(m: &Mutex<Machine>) -> Duration {
    match m.lock() {
        Ok(g) if g.real.is_some() => HOLD_REAL,
        _ => HOLD,
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    const USAGE: &str = "usage: native-runner daemon --socket PATH [--real [--root DIR]]";
    let mut socket = None;
    let mut real = false;
    let mut root = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--socket" => socket = it.next().cloned(),
            "--real" => real = true,
            "--root" => root = it.next().cloned(),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    let socket = socket.ok_or(USAGE)?;
    let real = if real { Some(Arc::new(realdaemon::open(root.as_deref())?)) } else { None };
    if let Some(rt) = &real {
        realdaemon::stop_on_signals(Arc::clone(rt), socket.clone())?;
    }
    let _ = std::fs::remove_file(&socket);
    let listener = UnixListener::bind(&socket).map_err(|e| format!("{socket}: {e}"))?;
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o660)).map_err(|e| format!("{socket}: {e}"))?;
    let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
    // Served as root: the socket's own permissions (0660) are the real access control here.
    t.kernel.now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    if let (Some(rt), Some(d)) = (&real, t.kernel.docker.as_mut()) {
        d.containerd = Some(Arc::clone(rt) as sim_core::engine::containerd::Shared);
    }
    let what = if real.is_some() { "dockerd (containers real)" } else { "the simulated dockerd" };
    let machine = Arc::new(Mutex::new(Machine { t, real }));
    eprintln!("native-runner daemon: {what} listens on {socket}");
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let m = Arc::clone(&machine);
        std::thread::spawn(move || {
            let _ = serve_connection(conn, &m);
        });
    }
    Ok(())
}

/// A chunked request's body goes to the engine as it came on the wire (the engine parses
/// the request's bytes again), in the 32 KiB chunks Go sends (`docker import`, `load`).
fn rechunk(req: &mut Request) {
    if !req.header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        return;
    }
    let mut body = Vec::with_capacity(req.body.len() + 64);
    for chunk in req.body.chunks(32 * 1024) {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    req.body = body;
}

fn serve_connection(mut conn: UnixStream, m: &Mutex<Machine>) -> Result<(), String> {
    let mut buf = Vec::new();
    loop {
        let req = match daemon_http::read_request(&mut conn, &mut buf) {
            Ok(Some(mut r)) => {
                rechunk(&mut r);
                r
            }
            Ok(None) => return Ok(()),
            Err(refusal) => {
                // What Go's server answers (400, 431, 505), then the connection closes; the daemon goes on.
                let _ = conn.write_all(&refusal.bytes());
                return Ok(());
            }
        };
        let close = daemon_http::wants_close(&req);
        let path = req.path();
        let upgrade = req.header("Upgrade").is_some_and(|u| u.eq_ignore_ascii_case("tcp"));
        if path.ends_with("/wait") && req.method == "POST" {
            return serve_wait(&mut conn, m, &req, &path);
        }
        let mut attach_from = None;
        if let Some(rt) = m_real(m) {
            let t = req.query_value("t").and_then(|t| t.parse().ok());
            realdaemon::settle_stop(&rt, &req.method, &path, t, |r| running(m, r));
            if req.method == "GET" && path.ends_with("/logs") && sim_core::engine::api::flag(&req, "follow") {
                return follow_logs(&mut conn, m, &req, &path);
            }
        }
        let (resp, stream) = {
            let mut g = m.lock().map_err(|_| "poisoned")?;
            g.tick();
            if upgrade && path.ends_with("/attach") {
                // Attached now: what the container writes from here on is owed, even if
                // `start` runs before this thread follows the log.
                attach_from = container_of(&path).and_then(|r| {
                    let d = g.t.kernel.docker.as_ref()?;
                    d.containers.get(&sim_core::engine::containers::find(d, &r)?).map(|c| c.logs.len())
                });
            }
            let mut s = SimTransport::new(&mut g.t.kernel, 1, "/var/run/docker.sock");
            if upgrade {
                match s.hijack(&req) {
                    Ok((r, id)) if r.status == 101 => {
                        let bytes = if path.ends_with("/attach") { Vec::new() } else { s.read_stream(id) };

                        (r, Some(bytes))
                    }
                    Ok((r, _)) => (r, None),
                    Err(_) => (Response::new(503), None),
                }
            } else {
                match s.roundtrip(&req) {
                    Ok(r) => (r, None),
                    Err(_) => (Response::new(503), None),
                }
            }
        };
        let mut resp = resp;
        if close && stream.is_none() {
            daemon_http::mark_close(&mut resp);
        }
        conn.write_all(&resp.emit()).map_err(|e| e.to_string())?;
        if close && stream.is_none() {
            return Ok(());
        }
        if let Some(bytes) = stream {
            // An attach follows the container's log from now on: no waiting before it.
            if !path.ends_with("/attach") {
                daemon_http::wait_until_read(&conn, Duration::from_secs(2));
            }
            if path.ends_with("/attach") {
                attach_stream(&mut conn, m, &path, attach_from)?;
            } else if let Some(done) = realdaemon::exec_stream(&conn, m_real(m), &path, &bytes) {
                // A real exec: its streams until it ends, then its exit for `exec inspect`.
                let mut g = m.lock().map_err(|_| "poisoned")?;
                if let Some(d) = g.t.kernel.docker.as_mut() {
                    sim_core::engine::runtime::exec_exited(d, &done.0, done.1);
                }
            } else {
                conn.write_all(&bytes).map_err(|e| e.to_string())?;
            }
            let _ = conn.shutdown(std::net::Shutdown::Write);
            // The client half-closes too; drain what it sends until then.
            let mut sink = [0u8; 4096];
            while matches!(conn.read(&mut sink), Ok(n) if n > 0) {}
            return Ok(());
        }
    }
}

/// The real runtime, when the daemon runs containers for real.
fn m_real(m: &Mutex<Machine>) -> Option<Arc<RealContainerd>> {
    m.lock().ok().and_then(|g| g.real.clone())
}

/// The id and stop signal of running container `r` (a name or id).
fn running(m: &Mutex<Machine>, r: &str) -> Option<(String, String)> {
    let g = m.lock().ok()?;
    let d = g.t.kernel.docker.as_ref()?;
    let c = d.containers.get(&sim_core::engine::containers::find(d, r)?)?;
    c.state.running.then(|| (c.id.clone(), c.stop_signal()))
}

/// The container named in `/v1.xx/containers/{id}/...`.
fn container_of(path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('/').collect();
    let i = segs.iter().position(|s| *s == "containers")?;
    segs.get(i + 1).map(|s| s.to_string())
}

/// `POST /containers/{id}/wait`: the head at once, the status when the container stops; a
/// client that hangs up first (`docker run -d`) gets dockerd's "context canceled".
fn serve_wait(conn: &mut UnixStream, m: &Mutex<Machine>, req: &Request, path: &str) -> Result<(), String> {
    let head_and_status = |m: &Mutex<Machine>| -> Result<Vec<u8>, String> {
        let mut g = m.lock().map_err(|_| "poisoned")?;
        g.tick();
        let mut s = SimTransport::new(&mut g.t.kernel, 1, "/var/run/docker.sock");
        s.roundtrip(req).map(|r| r.emit()).map_err(|e| format!("{e:?}"))
    };
    let probe = head_and_status(m)?;
    let split = probe.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4).unwrap_or(probe.len());
    conn.write_all(&probe[..split]).map_err(|e| e.to_string())?;
    if !probe.starts_with(b"HTTP/1.1 200") {
        conn.write_all(&probe[split..]).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let _ = conn.set_read_timeout(Some(Duration::from_millis(20)));
    let stopped = wait_until_stopped(m, path, conn);
    let _ = conn.set_read_timeout(None);
    if !stopped {
        let body = b"{\"Error\":{\"Message\":\"context canceled\"},\"StatusCode\":-1}\n";
        let _ = conn.write_all(format!("{:x}\r\n", body.len()).as_bytes());
        let _ = conn.write_all(body);
        let _ = conn.write_all(b"\r\n0\r\n\r\n");
        return Ok(());
    }
    let done = head_and_status(m)?;
    let split = done.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4).unwrap_or(done.len());
    conn.write_all(&done[split..]).map_err(|e| e.to_string())?;
    Ok(())
}

/// Holds a `wait` until the container is no longer running (or has not been started yet
/// and then ran), for at most HOLD; false when the client hung up first.
fn wait_until_stopped(m: &Mutex<Machine>, path: &str, conn: &mut UnixStream) -> bool {
    let Some(r) = container_of(path) else { return true };
    let start = Instant::now();
    let mut seen_running = false;
    let hold = hold(m);
    while start.elapsed() < hold {
        let mut probe = [0u8; 64];
        if matches!(conn.read(&mut probe), Ok(0)) {
            return false;
        }
        let state = {
            let Ok(mut g) = m.lock() else { return true };
            g.tick();
            let k = &g.t.kernel;
            k.docker.as_ref().and_then(|d| {
                let id = sim_core::engine::containers::find(d, &r)?;
                d.containers.get(&id).map(|c| (c.state.status.clone(), c.state.exits_at.map(|t| t <= k.now)))
            })
        };
        match state {
            None => return true,
            Some((s, _)) if s == "exited" => return true,
            // A PID 1 that ends by itself (`sleep 1000`) is waited for in real time, as long
            // as the client stays: `docker run -d` hangs up at once.
            Some((s, Some(due))) if s == "running" => {
                seen_running = true;
                if due {
                    return true;
                }
            }
            Some((s, None)) if s == "running" => seen_running = true,
            Some((s, _)) if s == "created" && seen_running => return true,
            _ => {}
        }
    }
    true
}

/// `docker logs -f` of a real container: what it wrote so far, then each line as it comes,
/// until it stops (the chunked body ends then).
fn follow_logs(conn: &mut UnixStream, m: &Mutex<Machine>, req: &Request, path: &str) -> Result<(), String> {
    let Some(r) = container_of(path) else { return Ok(()) };
    let (resp, mut from) = {
        let mut g = m.lock().map_err(|_| "poisoned")?;
        g.tick();
        let from = g.t.kernel.docker.as_ref().and_then(|d| d.containers.get(&sim_core::engine::containers::find(d, &r)?).map(|c| c.logs.len()));
        let mut s = SimTransport::new(&mut g.t.kernel, 1, "/var/run/docker.sock");
        (s.roundtrip(req).map_err(|e| format!("{e:?}"))?, from)
    };
    let bytes = resp.emit();
    let open = bytes.strip_suffix(b"0\r\n\r\n").filter(|_| resp.status == 200 && from.is_some());
    let Some(open) = open else { return conn.write_all(&bytes).map_err(|e| e.to_string()) };
    conn.write_all(open).map_err(|e| e.to_string())?;
    let _ = conn.set_read_timeout(Some(Duration::from_millis(20)));
    let start = Instant::now();
    while start.elapsed() < HOLD_REAL {
        let mut probe = [0u8; 64];
        if matches!(conn.read(&mut probe), Ok(0)) {
            // The client went away (Ctrl-C on `docker logs -f`).
            return Ok(());
        }
        let (frames, running) = {
            let mut g = m.lock().map_err(|_| "poisoned")?;
            g.tick();
            let Some(d) = g.t.kernel.docker.as_ref() else { break };
            let Some(c) = sim_core::engine::containers::find(d, &r).and_then(|id| d.containers.get(&id)) else { break };
            let f = sim_core::engine::containers::log_frames(c, req, from.unwrap_or(0), None);
            from = Some(c.logs.len());
            (f, c.state.running)
        };
        for f in frames {
            conn.write_all(format!("{:x}\r\n", f.len()).as_bytes()).map_err(|e| e.to_string())?;
            conn.write_all(&f).map_err(|e| e.to_string())?;
            conn.write_all(b"\r\n").map_err(|e| e.to_string())?;
        }
        if !running {
            break;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let _ = conn.set_read_timeout(None);
    conn.write_all(b"0\r\n\r\n").map_err(|e| e.to_string())
}

/// An attached container's output, as it comes, until it stops.
fn attach_stream(conn: &mut UnixStream, m: &Mutex<Machine>, path: &str, attached_at: Option<usize>) -> Result<(), String> {
    let Some(r) = container_of(path) else { return Ok(()) };
    let mut from = if let Some(n) = attached_at {
        n
    } else {
        let g = m.lock().map_err(|_| "poisoned")?;
        g.t.kernel.docker.as_ref().and_then(|d| d.containers.get(&sim_core::engine::containers::find(d, &r)?).map(|c| c.logs.len())).unwrap_or(0)
    };
    let start = Instant::now();
    let mut started = false;
    let hold = hold(m);
    // Whether the container has a TTY (raw bytes) or not (frames), as last seen: a `--rm`
    // container is gone by the time its last output is sent.
    let mut had_tty = false;
    while start.elapsed() < hold {
        let (bytes, status) = {
            let mut g = m.lock().map_err(|_| "poisoned")?;
            g.tick();
            let Some(d) = g.t.kernel.docker.as_ref() else { return Ok(()) };
            let (logs, tty, status) = match sim_core::engine::containers::find(d, &r).and_then(|id| d.containers.get(&id)) {
                Some(c) => {
                    had_tty = c.tty;
                    (c.logs.clone(), c.tty, c.state.status.clone())
                }
                // Removed (`--rm`) as soon as it ended: what it wrote is still owed.
                None => match d.removed.iter().find(|(id, _)| id.starts_with(&r)) {
                    Some((_, (_, logs))) => (logs.clone(), had_tty, "exited".to_string()),
                    None => return Ok(()),
                },
            };
            let mut out = Vec::new();
            for l in logs.iter().skip(from) {
                if tty {
                    out.extend_from_slice(&l.bytes);
                } else {
                    out.extend(sim_core::engine::containers::frame(l.stream, &l.bytes));
                }
            }
            from = logs.len();
            (out, status)
        };
        conn.write_all(&bytes).map_err(|e| e.to_string())?;
        if status == "running" {
            started = true;
        }
        if status == "exited" || (started && status != "running") {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}
