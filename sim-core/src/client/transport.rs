//! What the docker CLI talks to: a connection to a daemon through the socket that `-H` /
//! `DOCKER_HOST` names. The simulation's kernel delivers the bytes to its dockerd (and records
//! them for the socket inspector); a test can put canned real responses behind it.
//!
//! The CLI sends requests in the order the real CLI does; which connection carries which
//! request is the transport's business (Go's `http.Transport` reuses an idle keep-alive
//! connection, opens a new one while another waits for an answer, and always a new one for a
//! hijack). Requests are whole `http::Request`s; `Request::emit` gives their exact bytes.
//! A body the real CLI streams from a file or stdin (`load`, `import`) is sent as Go sends
//! it, `Transfer-Encoding: chunked` in 32 KiB chunks: `Request` has no chunked flag, so its
//! `body` already holds the chunk framing; `emit` writes it as is and `Request::parse` on the
//! daemon side takes the chunks off again.

use crate::http::{Request, Response};
use crate::shell::Shell;

/// Why a connection to the daemon failed, in the terms the CLI reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// Nothing listens on the socket (no file, or no daemon behind it): `Cannot connect to the
    /// Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?`
    NotRunning,
    /// The socket exists but the user may not open it (not root, not in group docker).
    PermissionDenied,
    /// A `tcp://` or other host the simulation has no route to. An empty text reads as
    /// "Cannot connect ..."; otherwise the CLI prints `error during connect: Get "URL": TEXT`.
    Unreachable(String),
}

/// A hijacked connection (exec start, attach): the raw stream after the `101 UPGRADED`.
pub type StreamId = usize;

/// A request sent whose answer is read later (`POST /containers/ID/wait`).
pub type PendingId = usize;

pub trait DockerTransport {
    /// One request, one whole response.
    fn roundtrip(&mut self, req: &Request) -> Result<Response, ConnectError>;
    /// A request the daemon answers by upgrading the connection (`Upgrade: tcp`); the
    /// stream's bytes are read later with `read_stream`. A non-101 response means the daemon
    /// refused (its error body is in the response).
    fn hijack(&mut self, req: &Request) -> Result<(Response, StreamId), ConnectError>;
    /// What the daemon has sent on the stream since the last read (the multiplexed frames,
    /// or raw bytes with a TTY). The CLI reads after it has written its input and
    /// half-closed, and once more after the process is known to have ended.
    fn read_stream(&mut self, stream: StreamId) -> Vec<u8>;
    /// Bytes the CLI writes into the stream (its stdin, with `-i`).
    fn write_stream(&mut self, stream: StreamId, data: &[u8]);
    /// The CLI shuts down its writing side (`CloseWrite`): at once without `-i`, after
    /// stdin's end with `-i`. The daemon then sees EOF on the process's stdin.
    fn close_write(&mut self, stream: StreamId);
    /// With `-it`: the interactive shell now reading the terminal through the stream, if the
    /// process on the other end is one. The CLI's own outcome then becomes that shell.
    fn take_terminal(&mut self, stream: StreamId) -> Option<Box<Shell>>;
    /// Sends a request without waiting for its answer (the daemon may answer the head at
    /// once and the body when the container exits).
    fn send(&mut self, req: &Request) -> Result<PendingId, ConnectError>;
    /// The answer to a sent request, once the daemon has completed it (the simulation runs
    /// until then).
    fn receive(&mut self, id: PendingId) -> Result<Response, ConnectError>;
    /// The CLI gives up on a sent request and closes its connection (`run -d` drops its
    /// `wait`: the daemon answers `{"Error":{"Message":"context canceled"},"StatusCode":-1}`).
    fn abandon(&mut self, id: PendingId);
    /// Whether `container` runs on with nothing that ends it by itself (a server): then the
    /// index of its next log entry, where an attached client's stream stands now.
    fn runs_on(&mut self, _container: &str) -> Option<usize> {
        None
    }
    /// What an attach stream from log entry `from` carries now (frames, or raw with a TTY),
    /// moving `from` past it, and the container's exit code once it no longer runs.
    fn attached_since(&mut self, _container: &str, _from: &mut usize) -> (Vec<u8>, Option<i32>) {
        (Vec::new(), Some(0))
    }
    /// The simulated machine, when the transport holds it while the CLI runs (the daemon
    /// and the CLI act on the same kernel, one at a time).
    fn kernel(&mut self) -> Option<&mut crate::kernel::Kernel> {
        None
    }
    /// Gives the machine back when the CLI is done.
    fn release_kernel(&mut self) -> Option<Box<crate::kernel::Kernel>> {
        None
    }
}

/// The transport when nothing listens on the socket: every connection fails.
pub struct NoDaemon(pub ConnectError);

impl DockerTransport for NoDaemon {
    fn roundtrip(&mut self, _req: &Request) -> Result<Response, ConnectError> {
        Err(self.0.clone())
    }
    fn hijack(&mut self, _req: &Request) -> Result<(Response, StreamId), ConnectError> {
        Err(self.0.clone())
    }
    fn read_stream(&mut self, _stream: StreamId) -> Vec<u8> {
        Vec::new()
    }
    fn write_stream(&mut self, _stream: StreamId, _data: &[u8]) {}
    fn close_write(&mut self, _stream: StreamId) {}
    fn take_terminal(&mut self, _stream: StreamId) -> Option<Box<Shell>> {
        None
    }
    fn send(&mut self, _req: &Request) -> Result<PendingId, ConnectError> {
        Err(self.0.clone())
    }
    fn receive(&mut self, _id: PendingId) -> Result<Response, ConnectError> {
        Err(self.0.clone())
    }
    fn abandon(&mut self, _id: PendingId) {}
}
