//! `/var/run/docker.sock`: the docker CLI's connection to dockerd. Every request is emitted as
//! bytes, parsed back by the daemon, answered, and the answer's bytes parsed by the client:
//! nothing crosses the socket that real HTTP/1.1 could not carry, and the socket log keeps it
//! all for the inspector.

use crate::client::transport::{ConnectError, DockerTransport, StreamId};
use crate::http::{Request, Response};
use crate::kernel::vfs::FileType;
use crate::kernel::{Kernel, Pid};
use crate::shell::Shell;

use super::{containers, runtime, SocketExchange};

pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";

/// What a hijacked connection is attached to.
#[derive(Clone, Debug)]
enum StreamSource {
    /// `docker exec`: its output was produced when the exec started.
    Exec { bytes: Vec<u8> },
    /// `docker attach` / `docker run` without -d: the container's output from this log line on.
    Attach { container: String, from: usize, stdout: bool, stderr: bool },
}

/// A connection from process `pid` to the daemon behind a unix socket path.
pub struct SimTransport<'a> {
    pub k: &'a mut Kernel,
    pub pid: Pid,
    pub path: String,
    streams: Vec<(StreamSource, usize)>,
    pending: Vec<(Request, usize)>,
    shells: Vec<Option<Box<Shell>>>,
}

impl<'a> SimTransport<'a> {
    pub fn new(k: &'a mut Kernel, pid: Pid, path: &str) -> SimTransport<'a> {
        SimTransport { k, pid, path: path.to_string(), streams: Vec::new(), pending: Vec::new(), shells: Vec::new() }
    }

    /// `connect(2)` on the socket: the file must be a socket the caller may write to, and a
    /// daemon must be listening.
    fn connect(&mut self) -> Result<(), ConnectError> {
        let r = self.k.resolve(self.pid, &self.path, true).map_err(|_| ConnectError::NotRunning)?;
        let st = self.k.stat_loc(&r.loc).ok_or(ConnectError::NotRunning)?;
        if st.ftype != FileType::Socket {
            return Err(ConnectError::NotRunning);
        }
        if !self.k.may_with_groups(self.pid, &st, 2) {
            return Err(ConnectError::PermissionDenied);
        }
        match &self.k.docker {
            Some(d) if d.running() => Ok(()),
            // systemd holds the socket: the connection starts docker.service.
            Some(d) if d.socket_active => {
                super::service::start(self.k);
                Ok(())
            }
            _ => Err(ConnectError::NotRunning),
        }
    }

    /// One exchange: the request's bytes to the daemon, the response's bytes back.
    fn exchange(&mut self, req: &Request) -> Result<(Response, usize), ConnectError> {
        self.connect()?;
        let bytes = req.emit();
        let parsed = Request::parse(&bytes).map(|(r, _)| r);
        let resp = match parsed {
            Ok(r) => super::serve(self.k, &r).ok_or(ConnectError::NotRunning)?,
            Err(e) => bad_request(&e.to_string()),
        };
        let out = resp.emit();
        let resp = Response::parse(&out).map(|(r, _)| r).unwrap_or(resp);
        let log = &mut self.k.docker.as_mut().ok_or(ConnectError::NotRunning)?.socket_log;
        log.push(SocketExchange { request: bytes, response: out, stream: Vec::new() });
        Ok((resp, log.len() - 1))
    }

    fn log_stream(&mut self, entry: usize, bytes: &[u8]) {
        if let Some(e) = self.k.docker.as_mut().and_then(|d| d.socket_log.get_mut(entry)) {
            e.stream.extend_from_slice(bytes);
        }
    }

    /// Sends a request whose answer the daemon gives only later (`wait`): it is answered when
    /// `finish` is called, after whatever the client does in between.
    pub fn begin(&mut self, req: &Request) -> Result<usize, ConnectError> {
        self.connect()?;
        self.pending.push((req.clone(), 0));
        Ok(self.pending.len() - 1)
    }

    pub fn finish(&mut self, id: usize) -> Result<Response, ConnectError> {
        let req = self.pending.get(id).map(|(r, _)| r.clone()).ok_or(ConnectError::NotRunning)?;
        self.exchange(&req).map(|(r, _)| r)
    }
}

fn bad_request(msg: &str) -> Response {
    let mut r = Response::new(400);
    r.headers.push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
    r.headers.push(("Connection".into(), "close".into()));
    r.body = format!("400 Bad Request: {msg}").into_bytes();
    r
}

impl DockerTransport for SimTransport<'_> {
    fn roundtrip(&mut self, req: &Request) -> Result<Response, ConnectError> {
        self.exchange(req).map(|(r, _)| r)
    }

    fn hijack(&mut self, req: &Request) -> Result<(Response, StreamId), ConnectError> {
        let (resp, entry) = self.exchange(req)?;
        if resp.status != 101 {
            return Ok((resp, usize::MAX));
        }
        let path = req.path();
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let tail: Vec<&str> = if segs.first().is_some_and(|s| s.starts_with('v')) { segs[1..].to_vec() } else { segs };
        let source = match tail.as_slice() {
            ["exec", id, "start"] => {
                let mut d = self.k.docker.take().ok_or(ConnectError::NotRunning)?;
                let out = runtime::exec(&mut d, self.k, id);
                self.k.docker = Some(d);
                self.shells.push(out.shell);
                StreamSource::Exec { bytes: out.stream }
            }
            ["containers", id, "attach"] => {
                let d = self.k.docker.as_ref().ok_or(ConnectError::NotRunning)?;
                let cid = containers::find(d, id).unwrap_or_default();
                let from = d.containers.get(&cid).map(|c| c.logs.len()).unwrap_or(0);
                self.shells.push(None);
                StreamSource::Attach {
                    container: cid,
                    from,
                    stdout: crate::engine::api::flag(req, "stdout"),
                    stderr: crate::engine::api::flag(req, "stderr"),
                }
            }
            _ => {
                self.shells.push(None);
                StreamSource::Exec { bytes: Vec::new() }
            }
        };
        self.streams.push((source, entry));
        Ok((resp, self.streams.len() - 1))
    }

    fn read_stream(&mut self, stream: StreamId) -> Vec<u8> {
        let Some((source, entry)) = self.streams.get(stream).cloned() else { return Vec::new() };
        let bytes = match source {
            StreamSource::Exec { bytes, .. } => bytes,
            StreamSource::Attach { container, from, stdout, stderr } => {
                let Some(c) = self.k.docker.as_ref().and_then(|d| d.containers.get(&container)) else { return Vec::new() };
                let mut out = Vec::new();
                for l in c.logs.iter().skip(from) {
                    if (l.stream == 1 && stdout) || (l.stream == 2 && stderr) {
                        if c.tty {
                            out.extend_from_slice(&l.bytes);
                        } else {
                            out.extend(containers::frame(l.stream, &l.bytes));
                        }
                    }
                }
                if let Some(s) = self.streams.get_mut(stream) {
                    if let StreamSource::Attach { from, .. } = &mut s.0 {
                        *from = c.logs.len();
                    }
                }
                out
            }
        };
        if let Some(s) = self.streams.get_mut(stream) {
            if let StreamSource::Exec { bytes, .. } = &mut s.0 {
                bytes.clear();
            }
        }
        self.log_stream(entry, &bytes);
        bytes
    }

    fn take_terminal(&mut self, stream: StreamId) -> Option<Box<Shell>> {
        let (source, _) = self.streams.get(stream).cloned()?;
        match source {
            StreamSource::Exec { .. } => self.shells.get_mut(stream)?.take(),
            StreamSource::Attach { container, .. } => self.k.docker.as_mut()?.containers.get_mut(&container)?.terminal.take(),
        }
    }
}
