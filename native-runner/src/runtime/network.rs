//! Container networking on the host: a bridge with the gateway address, one veth pair per
//! container (the host end `vethXXXXXXX` enslaved to the bridge, the other end `eth0` created
//! directly in the container's network namespace), the container's address and default
//! route, and optionally a MASQUERADE rule tagged with a comment so cleanup can find it.

use std::io;
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::process::Command;

use super::netlink::{link_index, Netlink};
use super::sys;

#[derive(Debug)]
pub enum NetworkError {
    BadSubnet(String),
    BadName(String),
    Netlink { op: &'static str, name: String, err: io::Error },
    Iptables(String),
}

impl std::fmt::Display for NetworkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetworkError::BadSubnet(s) => write!(f, "invalid subnet {s:?} (want A.B.C.D/N)"),
            NetworkError::BadName(s) => write!(f, "invalid interface name {s:?}"),
            NetworkError::Netlink { op, name, err } => write!(f, "{op} {name}: {err}"),
            NetworkError::Iptables(s) => write!(f, "iptables: {s}"),
        }
    }
}

impl std::error::Error for NetworkError {}

/// An IPv4 subnet in CIDR form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subnet {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl Subnet {
    pub fn parse(s: &str) -> Result<Subnet, NetworkError> {
        let bad = || NetworkError::BadSubnet(s.to_string());
        let (a, p) = s.split_once('/').ok_or_else(bad)?;
        let addr: Ipv4Addr = a.parse().map_err(|_| bad())?;
        let prefix: u8 = p.parse().map_err(|_| bad())?;
        if !(8..=30).contains(&prefix) {
            return Err(bad());
        }
        let net = Ipv4Addr::from(u32::from(addr) & Self::mask_of(prefix));
        Ok(Subnet { addr: net, prefix })
    }
    fn mask_of(prefix: u8) -> u32 {
        u32::MAX << (32 - u32::from(prefix))
    }
    #[allow(dead_code)] // engine API: static addresses (`--ip`)
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & Self::mask_of(self.prefix) == u32::from(self.addr)
    }
    /// The `n`th host address (1 = the usual gateway).
    pub fn host(&self, n: u32) -> Option<Ipv4Addr> {
        let size = 1u32 << (32 - u32::from(self.prefix));
        (n >= 1 && n < size - 1).then(|| Ipv4Addr::from(u32::from(self.addr) + n))
    }
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Docker derives a container's MAC from its IPv4 address: 02:42 and the four octets.
pub fn docker_mac(ip: Ipv4Addr) -> [u8; 6] {
    let o = ip.octets();
    [0x02, 0x42, o[0], o[1], o[2], o[3]]
}

pub fn format_mac(m: &[u8; 6]) -> String {
    m.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

fn check_ifname(name: &str) -> Result<(), NetworkError> {
    if name.is_empty() || name.len() > 15 || name.contains(['/', ' ', '\0', ':']) {
        return Err(NetworkError::BadName(name.to_string()));
    }
    Ok(())
}

fn nl_err<'a>(op: &'static str, name: &'a str) -> impl Fn(io::Error) -> NetworkError + 'a {
    move |err| NetworkError::Netlink { op, name: name.to_string(), err }
}

/// Creates the bridge with `gateway/prefix` unless a link of that name exists. True if created.
pub fn ensure_bridge(bridge: &str, gateway: Ipv4Addr, prefix: u8) -> Result<bool, NetworkError> {
    check_ifname(bridge)?;
    if link_index(bridge).is_some() {
        return Ok(false);
    }
    let mut nl = Netlink::open().map_err(nl_err("netlink", bridge))?;
    // Docker gives its bridges a random MAC under 02:42.
    let r = sys::random_hex(4).map_err(nl_err("random", bridge))?;
    let mut mac = [0x02, 0x42, 0, 0, 0, 0];
    for (i, m) in mac[2..].iter_mut().enumerate() {
        *m = u8::from_str_radix(&r[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    match nl.create_bridge(bridge, mac) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => return Ok(false),
        Err(e) => return Err(nl_err("create bridge", bridge)(e)),
    }
    let idx = link_index(bridge).ok_or_else(|| nl_err("find", bridge)(io::Error::from_raw_os_error(libc::ENODEV)))?;
    if let Err(e) = nl.add_addr_v4(idx, gateway, prefix) {
        let _ = nl.delete_link(bridge);
        return Err(nl_err("address bridge", bridge)(e));
    }
    Ok(true)
}

/// Deletes a link by name; a missing link is not an error.
pub fn delete_link(name: &str) -> Result<(), NetworkError> {
    check_ifname(name)?;
    let mut nl = Netlink::open().map_err(nl_err("netlink", name))?;
    match nl.delete_link(name) {
        Ok(()) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::ENODEV) => Ok(()),
        Err(e) => Err(nl_err("delete link", name)(e)),
    }
}

/// What connects a container to a bridge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetAttachment {
    /// The network's name in the runtime's state (its address pool).
    pub network: String,
    pub bridge: String,
    pub ip: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Ipv4Addr,
    pub mac: [u8; 6],
    /// Docker's naming: `veth` and 7 hex digits.
    pub host_veth: String,
}

/// `veth` + 7 random hex digits.
pub fn new_veth_name() -> io::Result<String> {
    Ok(format!("veth{}", &sys::random_hex(4)?[..7]))
}

/// Creates the veth pair for the process `pid` (its network namespace gets `eth0`) and
/// configures eth0's address and default route from inside that namespace.
pub fn attach(pid: i32, a: &NetAttachment) -> Result<(), NetworkError> {
    check_ifname(&a.host_veth)?;
    let master = link_index(&a.bridge)
        .ok_or_else(|| nl_err("find bridge", &a.bridge)(io::Error::from_raw_os_error(libc::ENODEV)))?;
    let mut nl = Netlink::open().map_err(nl_err("netlink", &a.host_veth))?;
    nl.create_veth(&a.host_veth, master, "eth0", a.mac, pid).map_err(nl_err("create veth", &a.host_veth))?;
    let inside = in_netns(pid, || -> io::Result<()> {
        let mut nl = Netlink::open()?;
        let idx = link_index("eth0").ok_or_else(|| io::Error::from_raw_os_error(libc::ENODEV))?;
        nl.add_addr_v4(idx, a.ip, a.prefix)?;
        nl.set_up(idx)?;
        nl.add_default_route_v4(a.gateway, idx)
    })
    .and_then(|()| {
        let host = link_index(&a.host_veth).ok_or_else(|| io::Error::from_raw_os_error(libc::ENODEV))?;
        nl.set_up(host)
    });
    if let Err(e) = inside {
        let _ = nl.delete_link(&a.host_veth);
        return Err(nl_err("configure eth0 for", &a.host_veth)(e));
    }
    Ok(())
}

/// Runs `f` on a short-lived thread that has joined the network namespace of `pid`.
fn in_netns<T: Send>(pid: i32, f: impl FnOnce() -> io::Result<T> + Send) -> io::Result<T> {
    let path = sys::cstr(format!("/proc/{pid}/ns/net"))?;
    let ns = sys::open(&path, libc::O_RDONLY, 0)?;
    std::thread::scope(|s| {
        s.spawn(|| {
            // SAFETY: ns is an open namespace fd; only this thread changes namespace.
            sys::check(unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) })?;
            f()
        })
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("network setup thread panicked")))
    })
}

const IPT_TAG: &str = "native-runner:";

/// `iptables -t nat -A POSTROUTING -s SUBNET ! -o BRIDGE -j MASQUERADE`, tagged.
pub fn add_masquerade(bridge: &str, subnet: Subnet) -> Result<(), NetworkError> {
    let tag = format!("{IPT_TAG}{bridge}");
    let sub = subnet.to_string();
    let spec = ["-s", sub.as_str(), "!", "-o", bridge, "-m", "comment", "--comment", tag.as_str(), "-j", "MASQUERADE"];
    let exists = Command::new("iptables").args(["-w", "-t", "nat", "-C", "POSTROUTING"]).args(spec).output();
    if matches!(exists, Ok(o) if o.status.success()) {
        return Ok(());
    }
    let out = Command::new("iptables")
        .args(["-w", "-t", "nat", "-A", "POSTROUTING"])
        .args(spec)
        .output()
        .map_err(|e| NetworkError::Iptables(e.to_string()))?;
    if !out.status.success() {
        return Err(NetworkError::Iptables(String::from_utf8_lossy(&out.stderr).trim().to_string()));
    }
    Ok(())
}

/// Deletes every nat rule tagged for `bridge` (or for any bridge of ours when `None`).
pub fn remove_masquerade(bridge: Option<&str>) -> Result<usize, NetworkError> {
    let out = Command::new("iptables").args(["-w", "-t", "nat", "-S", "POSTROUTING"]).output();
    let Ok(out) = out else { return Ok(0) };
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut n = 0;
    for line in listing.lines() {
        let tagged = match bridge {
            Some(b) => line.contains(&format!("\"{IPT_TAG}{b}\"")) || line.contains(&format!(" {IPT_TAG}{b} ")),
            None => line.contains(IPT_TAG),
        };
        let Some(rule) = line.strip_prefix("-A POSTROUTING ") else { continue };
        if !tagged {
            continue;
        }
        // iptables -S quotes comments; split keeping the quoted comment one argument.
        let args = split_rule(rule);
        let st = Command::new("iptables").args(["-w", "-t", "nat", "-D", "POSTROUTING"]).args(&args).status();
        if matches!(st, Ok(s) if s.success()) {
            n += 1;
        } else {
            return Err(NetworkError::Iptables(format!("could not delete rule: {line}")));
        }
    }
    Ok(n)
}

fn split_rule(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in rule.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets() {
        let s = Subnet::parse("10.200.3.4/16").expect("valid");
        assert_eq!(s.to_string(), "10.200.0.0/16");
        assert_eq!(s.host(1), Some(Ipv4Addr::new(10, 200, 0, 1)));
        assert!(s.contains(Ipv4Addr::new(10, 200, 255, 1)));
        assert!(Subnet::parse("10.0.0.0/31").is_err());
        assert_eq!(format_mac(&docker_mac(Ipv4Addr::new(172, 17, 0, 2))), "02:42:ac:11:00:02");
        assert_eq!(split_rule("-s 1/2 -m comment --comment \"a b\" -j X"), ["-s", "1/2", "-m", "comment", "--comment", "a b", "-j", "X"]);
    }
}
