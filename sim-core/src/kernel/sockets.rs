//! Sockets: the TCP listeners, bound UDP sockets and listening unix sockets of each network
//! namespace, and the file descriptors of the processes that hold them. This is what
//! `/proc/net/{tcp,tcp6,udp,udp6,unix}` and sock_diag (`ss`) report, and what
//! `/proc/PID/fd/N -> socket:[INODE]` ties to a process (`ss -p`, `netstat -p`).
//!
//! Only sockets that sit waiting are modeled (LISTEN, an unconnected UDP socket); a
//! connection through them is counted on the links (`net.rs`) but leaves no socket behind.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Errno, Kernel, NsId, Pid};

/// The socket's protocol and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
    /// `AF_UNIX`, `SOCK_STREAM`.
    UnixStream,
}

/// A socket waiting for others: listening, or bound and unconnected (UDP).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Socket {
    pub inode: u64,
    /// The network namespace it was created in.
    pub ns: NsId,
    pub proto: Proto,
    /// The bound address (TCP/UDP): `0.0.0.0`, `::`, `127.0.0.1`, ...; its family is the
    /// socket's (`tcp` or `tcp6` in /proc/net).
    pub ip: IpAddr,
    pub port: u16,
    /// IPV6_V6ONLY: an IPv6 socket on `::` that takes no IPv4 (`[::]:80` in `ss`; `*:80`
    /// without it).
    pub v6only: bool,
    /// The path a unix socket is bound to.
    pub path: Option<String>,
    /// The other end of a connected TCP socket (ESTABLISHED).
    pub peer: Option<(IpAddr, u16)>,
    /// The accept queue's limit (`ss`'s Send-Q for a listener): listen(2)'s backlog capped
    /// by net.core.somaxconn. 0 for UDP.
    pub backlog: u32,
    /// The processes with a descriptor for it and its number in each, in the order they
    /// came to hold it (a listener opened by systemd and passed on, a master's workers).
    pub holders: Vec<(Pid, u32)>,
}

impl Socket {
    pub fn v6(&self) -> bool {
        self.ip.is_ipv6()
    }
    /// LISTEN (TCP and unix stream sockets without a peer); UDP sockets are UNCONN.
    pub fn listening(&self) -> bool {
        self.proto != Proto::Udp && self.peer.is_none()
    }
}

/// The kernel's socket table.
#[derive(Clone, Debug)]
pub struct Sockets {
    pub list: Vec<Socket>,
    next_inode: u64,
    /// `/proc/sys/net/core/somaxconn`: 128 on Amazon Linux 2's kernel 4.14, 4096 since 5.4.
    pub somaxconn: u32,
    /// The lowest descriptor a process's next socket may get, for processes that have other
    /// files open before their sockets (Go's epoll descriptor in docker-proxy: its listener is
    /// fd 4; nginx's log files: its listeners are 6 and 7). 3 (after stdio) when absent.
    pub fd_floor: std::collections::BTreeMap<Pid, u32>,
}

impl Default for Sockets {
    fn default() -> Self {
        // Sockets made during boot have inodes in the low tens of thousands.
        Sockets { list: Vec::new(), next_inode: 15_961, somaxconn: 128, fd_floor: Default::default() }
    }
}

/// What to bind: a TCP or UDP address, or a unix socket's path.
#[derive(Clone, Debug)]
pub struct Bind {
    pub proto: Proto,
    pub ip: IpAddr,
    pub port: u16,
    pub v6only: bool,
    pub path: Option<String>,
    pub peer: Option<(IpAddr, u16)>,
    /// listen(2)'s backlog (before somaxconn caps it).
    pub backlog: u32,
}

impl Bind {
    /// A TCP listener on `ip:port`; an IPv6 one with IPV6_V6ONLY as `v6only` says.
    pub fn tcp(ip: IpAddr, port: u16, v6only: bool, backlog: u32) -> Bind {
        Bind { proto: Proto::Tcp, ip, port, v6only, path: None, peer: None, backlog }
    }
    pub fn udp(ip: IpAddr, port: u16, v6only: bool) -> Bind {
        Bind { proto: Proto::Udp, ip, port, v6only, path: None, peer: None, backlog: 0 }
    }
    /// An established TCP connection from `ip:port` to `peer`.
    pub fn tcp_connected(ip: IpAddr, port: u16, peer: (IpAddr, u16)) -> Bind {
        Bind { proto: Proto::Tcp, ip, port, v6only: false, path: None, peer: Some(peer), backlog: 0 }
    }
    pub fn unix(path: &str, backlog: u32) -> Bind {
        Bind { proto: Proto::UnixStream, ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED), port: 0, v6only: false, path: Some(path.to_string()), peer: None, backlog }
    }
}

/// Any address of a family: `0.0.0.0` or `::`.
pub fn any(v6: bool) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    }
}

impl Kernel {
    /// The lowest descriptor free in `pid` at or above its floor.
    pub fn next_fd(&self, pid: Pid) -> u32 {
        let floor = self.sockets.fd_floor.get(&pid).copied().unwrap_or(3);
        let used: Vec<u32> = self.sockets.list.iter().flat_map(|s| s.holders.iter().filter(|(p, _)| *p == pid).map(|(_, fd)| *fd)).collect();
        (floor..).find(|fd| !used.contains(fd)).unwrap_or(floor)
    }

    /// socket(2) + bind(2) (+ listen(2) for TCP and unix stream) in the network namespace
    /// of `pid`. Returns the descriptor.
    pub fn bind_socket(&mut self, pid: Pid, b: Bind) -> Result<u32, Errno> {
        let ns = self.net_of(pid)?;
        let fd = self.next_fd(pid);
        let inode = self.sockets.next_inode;
        self.sockets.next_inode += 1;
        let backlog = if b.proto == Proto::Udp { 0 } else { b.backlog.min(self.sockets.somaxconn) };
        self.sockets.list.push(Socket { inode, ns, proto: b.proto, ip: b.ip, port: b.port, v6only: b.v6only && b.ip.is_ipv6(), path: b.path, peer: b.peer, backlog, holders: vec![(pid, fd)] });
        Ok(fd)
    }

    /// `listen(2)` on a TCP port, any address, in the network namespace of `pid`: an IPv6
    /// listener is IPV6_V6ONLY (as nginx's `listen [::]:80` and Go's `tcp6` make it).
    pub fn listen(&mut self, pid: Pid, port: u16, v6: bool) -> Result<u32, Errno> {
        self.listen_backlog(pid, port, v6, 511)
    }

    /// Like [`Kernel::listen`] with listen(2)'s backlog given.
    pub fn listen_backlog(&mut self, pid: Pid, port: u16, v6: bool, backlog: u32) -> Result<u32, Errno> {
        self.bind_socket(pid, Bind::tcp(any(v6), port, v6, backlog))
    }

    /// `pid` gets a descriptor `fd` for every socket `from` holds as `fd` (fork, or a
    /// descriptor passed over a unix socket).
    pub fn share_sockets(&mut self, from: Pid, to: Pid) {
        for s in self.sockets.list.iter_mut() {
            let fds: Vec<u32> = s.holders.iter().filter(|(p, _)| *p == from).map(|(_, fd)| *fd).collect();
            for fd in fds {
                if !s.holders.contains(&(to, fd)) {
                    s.holders.push((to, fd));
                }
            }
        }
    }

    /// `pid` gets descriptor `fd` for the socket with `inode` (systemd passing a socket unit's
    /// listener to the service it starts).
    pub fn pass_socket(&mut self, inode: u64, to: Pid, fd: u32) {
        if let Some(s) = self.sockets.list.iter_mut().find(|s| s.inode == inode) {
            if !s.holders.contains(&(to, fd)) {
                s.holders.push((to, fd));
            }
        }
    }

    /// A process's descriptors close when it exits; a socket nobody holds any more is gone.
    pub fn close_sockets_of(&mut self, pid: Pid) {
        for s in self.sockets.list.iter_mut() {
            s.holders.retain(|(p, _)| *p != pid);
        }
        self.sockets.list.retain(|s| !s.holders.is_empty());
        self.sockets.fd_floor.remove(&pid);
    }

    /// The sockets of network namespace `ns`, newest first within a protocol and family (the
    /// order the kernel's hash tables give for sockets made one after another).
    pub fn sockets_in(&self, ns: NsId) -> Vec<&Socket> {
        self.sockets.list.iter().rev().filter(|s| s.ns == ns).collect()
    }

    /// The socket `pid` holds as descriptor `fd`.
    pub fn socket_at(&self, pid: Pid, fd: u32) -> Option<&Socket> {
        self.sockets.list.iter().find(|s| s.holders.contains(&(pid, fd)))
    }
}
