//! What the docker CLI talks to: a connection to a daemon through the socket that `-H` /
//! `DOCKER_HOST` names. The simulation's kernel delivers the bytes to its dockerd (and records
//! them for the socket inspector); a test can put canned real responses behind it.

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
    /// A `tcp://` or other host the simulation has no route to.
    Unreachable(String),
}

/// A hijacked connection (exec start, attach): the raw stream after the `101 UPGRADED`.
pub type StreamId = usize;

pub trait DockerTransport {
    /// One request, one response, on a fresh connection.
    fn roundtrip(&mut self, req: &Request) -> Result<Response, ConnectError>;
    /// A request the daemon answers by upgrading the connection (`Upgrade: tcp`); the
    /// stream's bytes are read later with `read_stream`.
    fn hijack(&mut self, req: &Request) -> Result<(Response, StreamId), ConnectError>;
    /// What the stream has carried so far (the multiplexed frames, or raw bytes with a TTY).
    fn read_stream(&mut self, stream: StreamId) -> Vec<u8>;
    /// With `-it`: the interactive shell now reading the terminal through the stream, if the
    /// process on the other end is one. The CLI's own outcome then becomes that shell.
    fn take_terminal(&mut self, stream: StreamId) -> Option<Box<Shell>>;
}
