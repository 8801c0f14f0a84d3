//! TCP connections between the simulation's processes, for HTTP: a client connects to an
//! address and port; the listening process answers. `docker-proxy` forwards a published host
//! port to its container; nginx serves files. Interfaces count the traffic.

use crate::http::{Request, Response};
use crate::kernel::net::parse_ip;
use crate::kernel::{Kernel, NsId, Pid};

/// What a connection attempt ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Nothing listens there (ECONNREFUSED).
    Refused,
    /// Accepted, then closed without an answer.
    Reset,
    /// The server's answer, as bytes.
    Answered(Vec<u8>),
}

/// Sends `request` over a new TCP connection from namespace `from` (source address `src`) to
/// `ip:port`.
pub fn connect(k: &mut Kernel, from: NsId, src: [u8; 4], ip: [u8; 4], port: u16, request: &[u8]) -> Connection {
    connect_depth(k, from, src, ip, port, request, 0)
}

fn connect_depth(k: &mut Kernel, from: NsId, src: [u8; 4], ip: [u8; 4], port: u16, request: &[u8], depth: u8) -> Connection {
    let Some((ns, pid)) = k.accept(from, ip, port) else { return Connection::Refused };
    let comm = k.procs.get(&pid).map(|p| p.comm.clone()).unwrap_or_default();
    let answer = match comm.as_str() {
        // Only Docker starts these: the lighter build has no code behind them.
        "docker-proxy" | "nginx" if crate::lite::LITE => {
            crate::lite::want_full(k);
            Connection::Reset
        }
        "docker-proxy" if depth < 4 => forward(k, pid, request, depth),
        "nginx" => match Request::parse(request) {
            Ok((req, _)) => Connection::Answered(super::nginx::serve(k, pid, src, &req).emit()),
            Err(_) => Connection::Answered(super::nginx::bad_request(k).emit()),
        },
        _ => Connection::Reset,
    };
    let got = match &answer {
        Connection::Answered(b) => b.len() as u64,
        _ => 0,
    };
    k.count_traffic(from, ip, request.len() as u64, got);
    if ns != from {
        k.count_traffic(ns, ip, got, request.len() as u64);
    }
    answer
}

/// docker-proxy: the same bytes to `-container-ip:-container-port`, from the bridge's gateway.
fn forward(k: &mut Kernel, proxy: Pid, request: &[u8], depth: u8) -> Connection {
    let argv = k.procs.get(&proxy).map(|p| p.argv.clone()).unwrap_or_default();
    let arg = |name: &str| argv.iter().position(|a| a == name).and_then(|i| argv.get(i + 1)).cloned();
    let (Some(ip), Some(port)) = (arg("-container-ip").and_then(|s| parse_ip(&s)), arg("-container-port").and_then(|p| p.parse::<u16>().ok())) else {
        return Connection::Reset;
    };
    let host = k.procs.get(&proxy).map(|p| p.ns.net).unwrap_or(NsId(0));
    let gateway = [ip[0], ip[1], 0, 1];
    match connect_depth(k, host, gateway, ip, port, request, depth + 1) {
        // The proxy accepted the client: a refused backend resets the client's connection.
        Connection::Refused => Connection::Reset,
        other => other,
    }
}

/// A response's bytes split into the head as received (status line and headers) and the
/// body with any chunked framing undone, as curl prints them.
pub fn split_response(bytes: &[u8]) -> (String, Vec<u8>) {
    let head_len = bytes.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4).unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..head_len]).into_owned();
    match Response::parse(bytes) {
        Ok((r, _)) => (head, r.body),
        Err(_) => (head, bytes[head_len..].to_vec()),
    }
}
