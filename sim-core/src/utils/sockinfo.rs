//! What socket tools (`ss`, `netstat`, busybox `netstat`) read, as the process running them:
//! the sockets of its network namespace (`/proc/net/*`, sock_diag), and which processes hold
//! them, found the way the tools find them, by reading `/proc/PID/fd/*` links
//! (`socket:[INODE]`) of every process in its `/proc`, which only root may do for processes
//! of other users.

use std::collections::BTreeMap;

use super::Ctx;
use crate::kernel::sockets::Socket;

/// A process holding a socket, as a scan of `/proc` finds it.
#[derive(Clone, Debug)]
pub struct Holder {
    /// Its PID in the PID namespace of the `/proc` scanned.
    pub pid: u32,
    pub fd: u32,
    /// `/proc/PID/stat`'s name (ss).
    pub comm: String,
    /// The first string of `/proc/PID/cmdline` (netstat).
    pub arg0: String,
}

/// The result of scanning `/proc` for socket descriptors.
#[derive(Default)]
pub struct Holders {
    /// By socket inode, in the order the scan met them (ascending PIDs, then fds).
    pub by_inode: BTreeMap<u64, Vec<Holder>>,
    /// Some process's fd directory could not be read (another user's, without root).
    pub denied: bool,
    /// At least one socket descriptor was found.
    pub found_any: bool,
}

/// The sockets of the caller's network namespace, in the kernel's order.
pub fn sockets(ctx: &Ctx) -> Vec<Socket> {
    match ctx.k.net_of(ctx.pid) {
        Ok(ns) => ctx.k.sockets_in(ns).into_iter().cloned().collect(),
        Err(_) => Vec::new(),
    }
}

/// Scans the `/proc` of the caller's mount namespace for socket descriptors.
pub fn holders(ctx: &Ctx) -> Holders {
    let mut h = Holders::default();
    let Some(ns) = super::busybox::ps::proc_ns(ctx.k, ctx.pid) else { return h };
    let me = ctx.uid();
    for (local, global) in ctx.k.visible_pids(ns) {
        let Some(p) = ctx.k.procs.get(&global) else { continue };
        if p.kthread {
            continue;
        }
        // /proc/PID/fd needs ptrace access: root, or the same user.
        if me != 0 && p.uid != me {
            h.denied = true;
            continue;
        }
        let mut fds: Vec<(u32, u64)> = ctx.k.sockets.list.iter().flat_map(|s| s.holders.iter().filter(|(pid, _)| *pid == global).map(move |(_, fd)| (*fd, s.inode))).collect();
        crate::sort::SortSlice::sort_stable(&mut fds[..]);
        for (fd, inode) in fds {
            h.found_any = true;
            let arg0 = p.argv.first().cloned().unwrap_or_default();
            h.by_inode.entry(inode).or_default().push(Holder { pid: local, fd, comm: p.comm.clone(), arg0 });
        }
    }
    h
}

/// The service name of a port in the caller's `/etc/services`, as getservbyport finds it.
pub fn service_name(ctx: &Ctx, port: u16, proto: &str) -> Option<String> {
    let data = ctx.read_file("/etc/services").ok()?;
    let text = String::from_utf8_lossy(&data);
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(name), Some(pp)) = (words.next(), words.next()) else { continue };
        if let Some((p, pr)) = pp.split_once('/') {
            if pr == proto && p.parse::<u16>().ok() == Some(port) {
                return Some(name.to_string());
            }
        }
    }
    None
}
