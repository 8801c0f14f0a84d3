//! `/var/run/docker.sock`: the docker CLI's connection to dockerd. Every request is emitted as
//! bytes, parsed back by the daemon, answered, and the answer's bytes parsed by the client:
//! nothing crosses the socket that real HTTP/1.1 could not carry, and the socket log keeps it
//! all for the inspector.

use crate::client::transport::{ConnectError, DockerTransport, PendingId, StreamId};
use crate::http::{Request, Response};
use crate::kernel::vfs::FileType;
use crate::kernel::{Kernel, Pid};
use crate::shell::Shell;

use super::{containers, runtime, SocketExchange};

pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// What a hijacked connection is attached to.
#[derive(Debug)]
enum StreamSource {
    /// `docker exec`: the process runs when the client has written its input (or reads).
    Exec { exec_id: String, stdin: Vec<u8>, output: Option<Vec<u8>>, shell: Option<Box<Shell>> },
    /// `docker attach` / `docker run` without -d: the container's output from this log line on.
    Attach { container: String, from: usize, stdout: bool, stderr: bool },
    /// An upgrade to something the simulation does not stream.
    Empty,
}

/// The machine a transport works on: borrowed (a program calling it), or held while the
/// docker CLI runs (the CLI and the daemon take turns on it).
enum Machine<'a> {
    Borrowed(&'a mut Kernel),
    Held(Box<Kernel>),
}

/// A connection from process `pid` to the daemon behind a unix socket path.
pub struct SimTransport<'a> {
    machine: Machine<'a>,
    pub pid: Pid,
    pub path: String,
    /// The socket leads into the machine's guest (a desktop app's VM): the daemon, its
    /// process and its socket path there.
    guest: Option<(Pid, String)>,
    streams: Vec<(StreamSource, usize)>,
    pending: Vec<(Request, usize)>,
}

impl<'a> SimTransport<'a> {
    pub fn new(k: &'a mut Kernel, pid: Pid, path: &str) -> SimTransport<'a> {
        SimTransport { machine: Machine::Borrowed(k), pid, path: path.to_string(), guest: None, streams: Vec::new(), pending: Vec::new() }
    }

    /// A transport that holds the machine until `release_kernel`.
    pub fn holding(k: Box<Kernel>, pid: Pid, path: &str) -> SimTransport<'static> {
        SimTransport { machine: Machine::Held(k), pid, path: path.to_string(), guest: None, streams: Vec::new(), pending: Vec::new() }
    }

    fn k(&mut self) -> &mut Kernel {
        match &mut self.machine {
            Machine::Borrowed(k) => k,
            Machine::Held(k) => k,
        }
    }

    /// The kernel dockerd runs on: this machine's, or its guest's when the socket is forwarded.
    fn dk(&mut self) -> &mut Kernel {
        let inside = self.guest.is_some() && self.k().guest.is_some();
        let k = self.k();
        if inside {
            return &mut k.guest.as_deref_mut().expect("checked just above").kernel;
        }
        k
    }

    /// `connect(2)` on the socket: the file must be a socket the caller may write to, and a
    /// daemon must be listening (systemd starts dockerd when only its socket unit is).
    fn connect(&mut self) -> Result<(), ConnectError> {
        let (mut pid, mut path) = (self.pid, self.path.clone());
        if self.k().guest.is_some() {
            let ep = crate::host::desktop::daemon_endpoint(self.k(), pid, &path);
            if ep.crossed {
                let (gp, gpath) = (ep.pid, ep.path.clone());
                self.guest = Some((gp, gpath.clone()));
                pid = gp;
                path = gpath;
            }
        }
        let k = self.dk();
        let r = k.resolve(pid, &path, true).map_err(|_| ConnectError::NotRunning)?;
        let st = k.stat_loc(&r.loc).ok_or(ConnectError::NotRunning)?;
        if st.ftype != FileType::Socket {
            return Err(ConnectError::NotRunning);
        }
        if !k.may_with_groups(pid, &st, 2) {
            return Err(ConnectError::PermissionDenied);
        }
        match &k.docker {
            Some(d) if d.running() => Ok(()),
            Some(d) if d.socket_active => {
                super::service::start(k);
                Ok(())
            }
            _ => Err(ConnectError::NotRunning),
        }
    }

    /// One exchange: the request's bytes to the daemon, the response's bytes back; logged.
    fn exchange(&mut self, req: &Request) -> Result<(Response, usize), ConnectError> {
        self.connect()?;
        let bytes = req.emit();
        let idx = self.log(bytes.clone());
        let (resp, out) = self.answer(&bytes)?;
        self.set_response(idx, out);
        Ok((resp, idx))
    }

    /// The daemon's answer to request bytes.
    fn answer(&mut self, bytes: &[u8]) -> Result<(Response, Vec<u8>), ConnectError> {
        let parsed = Request::parse(bytes).map(|(r, _)| r);
        let k = self.dk();
        let resp = match parsed {
            Ok(r) => super::serve(k, &r).ok_or(ConnectError::NotRunning)?,
            Err(e) => bad_request(&e.to_string()),
        };
        let out = resp.emit();
        let resp = Response::parse(&out).map(|(r, _)| r).unwrap_or(resp);
        Ok((resp, out))
    }

    fn log(&mut self, request: Vec<u8>) -> usize {
        match self.dk().docker.as_mut() {
            Some(d) => {
                d.socket_log.push(SocketExchange { request, response: Vec::new(), stream: Vec::new() });
                d.socket_log.len() - 1
            }
            None => usize::MAX,
        }
    }

    fn set_response(&mut self, entry: usize, response: Vec<u8>) {
        if let Some(e) = self.dk().docker.as_mut().and_then(|d| d.socket_log.get_mut(entry)) {
            e.response = response;
        }
    }

    fn log_stream(&mut self, entry: usize, bytes: &[u8]) {
        if let Some(e) = self.dk().docker.as_mut().and_then(|d| d.socket_log.get_mut(entry)) {
            e.stream.extend_from_slice(bytes);
        }
    }

    /// Runs a hijacked exec once: with the input written so far.
    fn run_exec(&mut self, stream: StreamId) {
        let Some((StreamSource::Exec { exec_id, stdin, output, .. }, _)) = self.streams.get_mut(stream) else { return };
        if output.is_some() {
            return;
        }
        let (id, input) = (exec_id.clone(), std::mem::take(stdin));
        let k = self.dk();
        let Some(mut d) = k.docker.take() else { return };
        let out = runtime::exec(&mut d, k, &id, input);
        super::give_back(k, d);
        if let Some((StreamSource::Exec { output, shell, .. }, _)) = self.streams.get_mut(stream) {
            *output = Some(out.stream);
            *shell = out.shell;
        }
    }
}

fn bad_request(msg: &str) -> Response {
    let mut r = Response::new(400);
    r.headers.push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
    r.headers.push(("Connection".into(), "close".into()));
    r.body = format!("400 Bad Request: {msg}").into_bytes();
    r
}

/// `/v1.41/exec/ID/start` -> ["exec", "ID", "start"].
fn unversioned(path: &str) -> Vec<String> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let skip = usize::from(segs.first().is_some_and(|s| s.starts_with('v') && s.contains('.')));
    segs[skip..].iter().map(|s| s.to_string()).collect()
}

/// What an attach stream of `container` carries from log entry `from` on (frames, or raw
/// with a TTY); `from` moves past it. A removed container's log is kept for its last readers.
fn attach_bytes(k: &Kernel, container: &str, from: &mut usize, stdout: bool, stderr: bool) -> Vec<u8> {
    let d = k.docker.as_ref();
    let (logs, tty) = match d.and_then(|d| d.containers.get(container)) {
        Some(c) => (&c.logs[..], c.tty),
        None => (d.and_then(|d| d.removed.get(container)).map(|x| &x.1[..]).unwrap_or(&[]), false),
    };
    let mut out = Vec::new();
    for l in logs.iter().skip(*from) {
        if (l.stream == 1 && stdout) || (l.stream == 2 && stderr) {
            if tty {
                out.extend_from_slice(&l.bytes);
            } else {
                out.extend(containers::frame(l.stream, &l.bytes));
            }
        }
    }
    *from = logs.len();
    out
}

impl DockerTransport for SimTransport<'_> {
    fn runs_on(&mut self, container: &str) -> Option<usize> {
        let c = self.dk().docker.as_ref()?.containers.get(container)?;
        (c.state.running && c.state.exits_at.is_none()).then_some(c.logs.len())
    }

    fn attached_since(&mut self, container: &str, from: &mut usize) -> (Vec<u8>, Option<i32>) {
        let k = self.dk();
        let bytes = attach_bytes(k, container, from, true, true);
        let d = k.docker.as_ref();
        let exit = match d.and_then(|d| d.containers.get(container)) {
            Some(c) if c.state.running => None,
            Some(c) => Some(c.state.exit_code),
            None => Some(d.and_then(|d| d.removed.get(container)).map(|x| x.0).unwrap_or(0)),
        };
        (bytes, exit)
    }

    fn roundtrip(&mut self, req: &Request) -> Result<Response, ConnectError> {
        self.exchange(req).map(|(r, _)| r)
    }

    fn hijack(&mut self, req: &Request) -> Result<(Response, StreamId), ConnectError> {
        let (resp, entry) = self.exchange(req)?;
        if resp.status != 101 {
            return Ok((resp, usize::MAX));
        }
        let tail = unversioned(&req.path());
        let source = match tail.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["exec", id, "start"] => StreamSource::Exec { exec_id: id.to_string(), stdin: Vec::new(), output: None, shell: None },
            ["containers", id, "attach"] => {
                let d = self.dk().docker.as_ref().ok_or(ConnectError::NotRunning)?;
                let cid = containers::find(d, id).unwrap_or_default();
                let from = d.containers.get(&cid).map(|c| c.logs.len()).unwrap_or(0);
                StreamSource::Attach {
                    container: cid,
                    from,
                    stdout: crate::engine::api::flag(req, "stdout"),
                    stderr: crate::engine::api::flag(req, "stderr"),
                }
            }
            _ => StreamSource::Empty,
        };
        self.streams.push((source, entry));
        Ok((resp, self.streams.len() - 1))
    }

    fn read_stream(&mut self, stream: StreamId) -> Vec<u8> {
        self.run_exec(stream);
        let Some((source, entry)) = self.streams.get(stream) else { return Vec::new() };
        let entry = *entry;
        let bytes = match source {
            StreamSource::Exec { output, .. } => output.clone().unwrap_or_default(),
            StreamSource::Attach { container, from, stdout, stderr } => {
                let (container, mut from, stdout, stderr) = (container.clone(), *from, *stdout, *stderr);
                let out = attach_bytes(self.dk(), &container, &mut from, stdout, stderr);
                if let Some((StreamSource::Attach { from: f, .. }, _)) = self.streams.get_mut(stream) {
                    *f = from;
                }
                out
            }
            StreamSource::Empty => Vec::new(),
        };
        // What has been read is not read again.
        if let Some((StreamSource::Exec { output: Some(o), .. }, _)) = self.streams.get_mut(stream) {
            o.clear();
        }
        self.log_stream(entry, &bytes);
        bytes
    }

    fn write_stream(&mut self, stream: StreamId, data: &[u8]) {
        if let Some((StreamSource::Exec { stdin, output: None, .. }, _)) = self.streams.get_mut(stream) {
            stdin.extend_from_slice(data);
        }
    }

    fn close_write(&mut self, stream: StreamId) {
        self.run_exec(stream);
    }

    fn take_terminal(&mut self, stream: StreamId) -> Option<Box<Shell>> {
        self.run_exec(stream);
        let sh = match self.streams.get_mut(stream)? {
            (StreamSource::Exec { shell, .. }, _) => shell.take(),
            (StreamSource::Attach { container, .. }, _) => {
                let container = container.clone();
                self.dk().docker.as_mut()?.containers.get_mut(&container)?.terminal.take()
            }
            (StreamSource::Empty, _) => None,
        };
        // A shell in the VM's container is one machine further in than the CLI.
        sh.map(|mut sh| {
            if self.guest.is_some() {
                crate::shell::Machine::cross_into_guest(&mut sh);
            }
            sh
        })
    }

    fn send(&mut self, req: &Request) -> Result<PendingId, ConnectError> {
        self.connect()?;
        let bytes = req.emit();
        let entry = self.log(bytes);
        self.pending.push((req.clone(), entry));
        Ok(self.pending.len() - 1)
    }

    fn receive(&mut self, id: PendingId) -> Result<Response, ConnectError> {
        let (req, entry) = self.pending.get(id).cloned().ok_or(ConnectError::NotRunning)?;
        let (resp, out) = self.answer(&req.emit())?;
        self.set_response(entry, out);
        Ok(resp)
    }

    fn abandon(&mut self, id: PendingId) {
        let Some((_, entry)) = self.pending.get(id).cloned() else { return };
        // dockerd had sent the head; the client's hang-up cancels the wait.
        let k = self.dk();
        let Some(d) = k.docker.as_deref() else { return };
        let mut r = super::api::json_stream(d, k, &[]);
        r.push_chunk(b"{\"Error\":{\"Message\":\"context canceled\"},\"StatusCode\":-1}\n");
        let out = r.emit();
        self.set_response(entry, out);
    }

    fn kernel(&mut self) -> Option<&mut Kernel> {
        Some(self.k())
    }

    fn release_kernel(&mut self) -> Option<Box<Kernel>> {
        let placeholder = Machine::Held(Box::new(Kernel::placeholder()));
        match std::mem::replace(&mut self.machine, placeholder) {
            Machine::Held(k) => Some(k),
            Machine::Borrowed(k) => {
                self.machine = Machine::Borrowed(k);
                None
            }
        }
    }
}
