//! The userland proxy (`docker-proxy`): a listener on the host port of each `-p`, copying
//! every connection to the container's address and port. The upstream connection is made
//! from inside the container's network namespace, so it reaches this container even when
//! another bridge on the host (a real dockerd's docker0) routes the same subnet.

use std::io;
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sim_core::engine::containerd::Publish;

use crate::runtime::sys;

/// Listeners bound for a container that has not started yet.
pub struct Bound {
    listeners: Vec<(TcpListener, u16)>,
}

/// A running proxy; dropping it closes its listener before returning (connections already
/// open finish on their own).
pub struct Proxy {
    stop: Arc<AtomicBool>,
    accepting: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accepting.take() {
            let _ = t.join();
        }
    }
}

/// Binds the host side of every published TCP port, or fails as docker-proxy does.
pub fn bind(ports: &[Publish]) -> Result<Bound, String> {
    let mut listeners = Vec::new();
    for p in ports.iter().filter(|p| p.proto == "tcp") {
        let ip: Ipv4Addr = if p.host_ip.is_empty() || p.host_ip == "::" { Ipv4Addr::UNSPECIFIED } else { p.host_ip.parse().map_err(|_| format!("invalid host IP {}", p.host_ip))? };
        let l = TcpListener::bind(SocketAddr::from((ip, p.host_port)))
            .map_err(|e| format!("Error starting userland proxy: listen tcp4 {ip}:{}: bind: {}", p.host_port, sys_words(&e)))?;
        l.set_nonblocking(true).map_err(|e| e.to_string())?;
        listeners.push((l, p.container_port));
    }
    Ok(Bound { listeners })
}

/// Go's words for the common bind errors.
fn sys_words(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => "address already in use".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Starts forwarding to `ip` in the network namespace of process `pid`.
pub fn serve(bound: Bound, pid: i32, ip: Ipv4Addr) -> Vec<Proxy> {
    bound
        .listeners
        .into_iter()
        .map(|(l, port)| {
            let stop = Arc::new(AtomicBool::new(false));
            let s = Arc::clone(&stop);
            let t = std::thread::spawn(move || accept_loop(l, s, pid, SocketAddr::from((ip, port))));
            Proxy { stop, accepting: Some(t) }
        })
        .collect()
}

fn accept_loop(l: TcpListener, stop: Arc<AtomicBool>, pid: i32, to: SocketAddr) {
    while !stop.load(Ordering::SeqCst) {
        match l.accept() {
            Ok((client, _)) => {
                let _ = client.set_nonblocking(false);
                std::thread::spawn(move || {
                    if let Ok(up) = connect_in(pid, to) {
                        splice(client, up);
                    }
                });
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Connects from the network namespace of `pid`: a thread of our own joins it, connects
/// (the socket stays in that namespace), and ends.
fn connect_in(pid: i32, to: SocketAddr) -> io::Result<TcpStream> {
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/net"))?;
    std::thread::spawn(move || {
        // SAFETY: ns is an open namespace file; setns changes only this thread.
        sys::check(unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) })?;
        TcpStream::connect_timeout(&to, Duration::from_secs(5))
    })
    .join()
    .map_err(|_| io::Error::other("proxy thread panicked"))?
}

/// Copies both ways until each side has ended.
fn splice(a: TcpStream, b: TcpStream) {
    let (Ok(a2), Ok(b2)) = (a.try_clone(), b.try_clone()) else { return };
    let t = std::thread::spawn(move || copy(a2, b2));
    copy(b, a);
    let _ = t.join();
}

fn copy(mut from: TcpStream, mut to: TcpStream) {
    let _ = io::copy(&mut from, &mut to);
    let _ = to.shutdown(Shutdown::Write);
}
