//! Network namespaces: links (loopback, ethernet, veth pairs, bridges), addresses, routes
//! and counters, with the operations `ip` performs through netlink.

use std::collections::BTreeMap;

use super::{Errno, Kernel, NsId, Pid};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Loopback,
    Ether,
    Dummy,
    Bridge,
    /// One end of a veth pair; the peer is named by namespace and ifindex.
    Veth { peer_ns: NsId, peer_ifindex: u32 },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfAddr {
    pub addr: [u8; 4],
    pub prefix: u8,
    pub brd: Option<[u8; 4]>,
    /// Learned by DHCP: `ip addr` prints `dynamic` and the lease lifetimes.
    pub dynamic_lft: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub ifindex: u32,
    pub name: String,
    pub kind: LinkKind,
    pub mac: [u8; 6],
    pub mtu: u32,
    /// Administratively up (IFF_UP).
    pub up: bool,
    /// Carrier present (a veth has carrier iff its peer is up).
    pub carrier: bool,
    pub master: Option<u32>,
    pub addrs: Vec<IfAddr>,
    pub ipv6_ll: bool,
    /// `net.ipv6.conf.<dev>.disable_ipv6=1` (Docker sets it in containers): no IPv6 address,
    /// not even lo's ::1.
    pub ipv6_disabled: bool,
    pub counters: Counters,
    pub txqueuelen: u32,
    pub qdisc: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// None = default route.
    pub dst: Option<([u8; 4], u8)>,
    pub via: Option<[u8; 4]>,
    pub dev: u32,
    /// `proto kernel scope link src ...` for connected routes.
    pub src: Option<[u8; 4]>,
    pub proto: Option<&'static str>,
    pub metric: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct NetNs {
    pub inode: u64,
    pub links: BTreeMap<u32, Link>,
    pub routes: Vec<Route>,
    next_ifindex: u32,
    /// Ids this namespace has assigned to peer namespaces (`link-netnsid N`).
    pub peer_ids: BTreeMap<NsId, u32>,
    /// iptables' tables.
    pub netfilter: super::netfilter::Netfilter,
}

impl NetNs {
    /// A new namespace with only a loopback device, down, as `unshare --net` leaves it.
    pub fn new(inode: u64) -> NetNs {
        let mut ns = NetNs { inode, links: BTreeMap::new(), routes: Vec::new(), next_ifindex: 1, peer_ids: BTreeMap::new(), netfilter: super::netfilter::Netfilter::new() };
        ns.add_link("lo", LinkKind::Loopback, [0; 6], 65536);
        ns
    }

    pub fn add_link(&mut self, name: &str, kind: LinkKind, mac: [u8; 6], mtu: u32) -> u32 {
        let ifindex = self.next_ifindex;
        self.next_ifindex += 1;
        // Software devices get no queue once up; a NIC's profile sets its own (e.g. mq).
        let (txq, qdisc) = (1000, "noqueue");
        self.links.insert(
            ifindex,
            Link {
                ifindex,
                name: name.to_string(),
                kind,
                mac,
                mtu,
                up: false,
                carrier: false,
                master: None,
                addrs: Vec::new(),
                ipv6_ll: false,
                ipv6_disabled: false,
                counters: Counters::default(),
                txqueuelen: txq,
                qdisc,
            },
        );
        ifindex
    }

    /// Reserves an ifindex (a profile uses this to match a real host's numbering).
    pub fn set_next_ifindex(&mut self, n: u32) {
        self.next_ifindex = self.next_ifindex.max(n);
    }

    pub fn by_name(&self, name: &str) -> Option<&Link> {
        self.links.values().find(|l| l.name == name)
    }

    pub fn by_name_mut(&mut self, name: &str) -> Option<&mut Link> {
        self.links.values_mut().find(|l| l.name == name)
    }

    /// Connected routes follow the addresses of links that are up.
    pub fn connected_routes(&self) -> Vec<Route> {
        let mut v = Vec::new();
        for l in self.links.values() {
            if !l.up || l.kind == LinkKind::Loopback {
                continue;
            }
            for a in &l.addrs {
                if a.prefix == 32 {
                    continue;
                }
                v.push(Route {
                    dst: Some((network(a.addr, a.prefix), a.prefix)),
                    via: None,
                    dev: l.ifindex,
                    src: Some(a.addr),
                    proto: Some("kernel"),
                    metric: None,
                });
            }
        }
        v
    }
}

pub fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix.min(32) as u32)
    }
}

pub fn network(addr: [u8; 4], prefix: u8) -> [u8; 4] {
    (u32::from_be_bytes(addr) & mask(prefix)).to_be_bytes()
}

pub fn broadcast(addr: [u8; 4], prefix: u8) -> [u8; 4] {
    (u32::from_be_bytes(addr) | !mask(prefix)).to_be_bytes()
}

pub fn fmt_ip(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

pub fn parse_ip(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut a = [0u8; 4];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        a[i] = p.parse().ok()?;
    }
    Some(a)
}

pub fn fmt_mac(m: [u8; 6]) -> String {
    m.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// The IPv6 link-local address derived from a MAC (EUI-64), in RFC 5952 form.
pub fn link_local(m: [u8; 6]) -> String {
    let groups = [
        u16::from_be_bytes([m[0] ^ 0x02, m[1]]),
        u16::from_be_bytes([m[2], 0xff]),
        u16::from_be_bytes([0xfe, m[3]]),
        u16::from_be_bytes([m[4], m[5]]),
    ];
    let g: Vec<String> = groups.iter().map(|g| format!("{g:x}")).collect();
    format!("fe80::{}", g.join(":"))
}

impl Kernel {
    pub fn net_of(&self, pid: Pid) -> Result<NsId, Errno> {
        self.procs.get(&pid).map(|p| p.ns.net).ok_or(Errno::ESRCH)
    }

    /// `unshare(CLONE_NEWNET)`.
    pub fn unshare_net(&mut self, pid: Pid) -> Result<NsId, Errno> {
        let (id, inode) = self.alloc_ns();
        self.net_ns.insert(id, NetNs::new(inode));
        let p = self.procs.get_mut(&pid).ok_or(Errno::ESRCH)?;
        p.ns.net = id;
        Ok(id)
    }

    /// Who accepts a TCP connection to `ip:port` made from namespace `from`: the listening
    /// process and its namespace. Loopback stays in `from`; another address is found on the
    /// interface that has it, in whichever namespace (the bridge connects them all).
    pub fn accept(&self, from: NsId, ip: [u8; 4], port: u16) -> Option<(NsId, Pid)> {
        let target = if ip[0] == 127 {
            from
        } else {
            let own = self.net_ns.get(&from).is_some_and(|n| n.links.values().any(|l| l.addrs.iter().any(|a| a.addr == ip)));
            if own {
                from
            } else {
                *self.net_ns.iter().find(|(_, n)| n.links.values().any(|l| l.up && l.addrs.iter().any(|a| a.addr == ip)))?.0
            }
        };
        self.net_ns.get(&target)?;
        let want = std::net::Ipv4Addr::from(ip);
        self.sockets
            .list
            .iter()
            .filter(|s| s.ns == target && s.proto == super::sockets::Proto::Tcp && s.listening() && s.port == port)
            .find(|s| match s.ip {
                std::net::IpAddr::V4(a) => a.is_unspecified() || a == want,
                // A dual-stack IPv6 listener on `::` takes IPv4 connections too.
                std::net::IpAddr::V6(a) => a.is_unspecified() && !s.v6only,
            })
            .and_then(|s| s.holders.first())
            .filter(|(pid, _)| self.procs.contains_key(pid))
            .map(|(pid, _)| (target, *pid))
    }

    /// Counts a connection's traffic on the interfaces of `ns` that carry `ip` (or lo).
    pub fn count_traffic(&mut self, ns: NsId, ip: [u8; 4], sent: u64, received: u64) {
        let Some(n) = self.net_ns.get_mut(&ns) else { return };
        let packets = |b: u64| 3 + b / 1448;
        for l in n.links.values_mut() {
            let carries = if ip[0] == 127 { l.kind == LinkKind::Loopback } else { l.addrs.iter().any(|a| network(a.addr, a.prefix) == network(ip, a.prefix)) };
            if carries {
                l.counters.tx_packets += packets(sent);
                l.counters.tx_bytes += sent + 60 * packets(sent);
                l.counters.rx_packets += packets(received);
                l.counters.rx_bytes += received + 60 * packets(received);
            }
        }
    }

    /// Named network namespaces (`ip netns`), from their bind mounts under /run/netns.
    pub fn named_netns(&self) -> Vec<(String, NsId)> {
        self.named_netns.clone()
    }

    /// The namespace `ip netns` knows as `name`.
    pub fn netns_by_name(&self, name: &str) -> Option<NsId> {
        self.named_netns.iter().find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    /// `ip netns add NAME`.
    pub fn add_named_netns(&mut self, name: &str) -> Result<NsId, Errno> {
        if self.netns_by_name(name).is_some() {
            return Err(Errno::EEXIST);
        }
        let (id, inode) = self.alloc_ns();
        self.net_ns.insert(id, NetNs::new(inode));
        self.named_netns.push((name.to_string(), id));
        Ok(id)
    }

    /// `ip netns delete NAME`: the name goes; the namespace lives on while a process is in it.
    pub fn del_named_netns(&mut self, name: &str) -> Result<(), Errno> {
        let pos = self.named_netns.iter().position(|(n, _)| n == name).ok_or(Errno::ENOENT)?;
        self.named_netns.remove(pos);
        self.gc_namespaces();
        Ok(())
    }

    /// Tears a network namespace down: its veths die, and with them their peers.
    pub fn destroy_netns(&mut self, id: NsId) {
        let Some(ns) = self.net_ns.remove(&id) else { return };
        for l in ns.links.values() {
            if let LinkKind::Veth { peer_ns, peer_ifindex } = l.kind {
                if let Some(p) = self.net_ns.get_mut(&peer_ns) {
                    p.links.remove(&peer_ifindex);
                }
            }
        }
        for n in self.net_ns.values_mut() {
            n.peer_ids.remove(&id);
        }
    }

    /// `ip link add A type veth peer name B`, both ends in `ns`.
    pub fn add_veth(&mut self, ns: NsId, a: &str, b: &str, macs: ([u8; 6], [u8; 6])) -> Result<(u32, u32), Errno> {
        let n = self.net_ns.get_mut(&ns).ok_or(Errno::ENOENT)?;
        if n.by_name(a).is_some() || n.by_name(b).is_some() || a == b {
            return Err(Errno::EEXIST);
        }
        // The kernel registers the peer first, so it gets the lower ifindex.
        let ib = n.add_link(b, LinkKind::Veth { peer_ns: ns, peer_ifindex: 0 }, macs.1, 1500);
        let ia = n.add_link(a, LinkKind::Veth { peer_ns: ns, peer_ifindex: ib }, macs.0, 1500);
        if let Some(l) = n.links.get_mut(&ib) {
            l.kind = LinkKind::Veth { peer_ns: ns, peer_ifindex: ia };
        }
        Ok((ia, ib))
    }

    /// `ip link set DEV netns NS`: moves a link, keeping its ifindex when free there.
    pub fn move_link(&mut self, from: NsId, ifindex: u32, to: NsId) -> Result<u32, Errno> {
        if from == to {
            return Ok(ifindex);
        }
        let mut link = {
            let src = self.net_ns.get_mut(&from).ok_or(Errno::ENOENT)?;
            src.links.remove(&ifindex).ok_or(Errno::ENODEV)?
        };
        let dst = self.net_ns.get_mut(&to).ok_or(Errno::ENOENT)?;
        if dst.by_name(&link.name).is_some() {
            // Put it back: the name is taken there.
            if let Some(src) = self.net_ns.get_mut(&from) {
                src.links.insert(ifindex, link);
            }
            return Err(Errno::EEXIST);
        }
        let new_index = if dst.links.contains_key(&ifindex) { dst.next_ifindex } else { ifindex };
        dst.next_ifindex = dst.next_ifindex.max(new_index + 1);
        // Moving a link brings it down and drops its addresses.
        link.ifindex = new_index;
        link.up = false;
        link.carrier = false;
        link.addrs.clear();
        link.master = None;
        dst.links.insert(new_index, link.clone());
        // The namespace a link leaves learns an id for the one it went to.
        self.assign_peer_id(from, to);
        if let LinkKind::Veth { peer_ns, peer_ifindex } = link.kind {
            if let Some(peer) = self.net_ns.get_mut(&peer_ns).and_then(|n| n.links.get_mut(&peer_ifindex)) {
                peer.kind = LinkKind::Veth { peer_ns: to, peer_ifindex: new_index };
                peer.carrier = false;
            }
            self.assign_peer_id(peer_ns, to);
            self.assign_peer_id(to, peer_ns);
        }
        Ok(new_index)
    }

    /// Gives `other` an id in `ns`'s table (`ip netns list` shows `(id: N)`).
    pub fn assign_peer_id(&mut self, ns: NsId, other: NsId) {
        if ns == other {
            return;
        }
        if let Some(n) = self.net_ns.get_mut(&ns) {
            if !n.peer_ids.contains_key(&other) {
                let next = n.peer_ids.values().max().map(|v| v + 1).unwrap_or(0);
                n.peer_ids.insert(other, next);
            }
        }
    }

    /// Recomputes carrier: a veth has carrier when both ends are up.
    pub fn refresh_carrier(&mut self) {
        let mut updates = Vec::new();
        for (nsid, ns) in &self.net_ns {
            for l in ns.links.values() {
                let carrier = match l.kind {
                    LinkKind::Veth { peer_ns, peer_ifindex } => {
                        l.up && self.net_ns.get(&peer_ns).and_then(|p| p.links.get(&peer_ifindex)).map(|p| p.up).unwrap_or(false)
                    }
                    LinkKind::Bridge => {
                        l.up && ns.links.values().any(|s| s.master == Some(l.ifindex) && s.up && s.carrier)
                    }
                    _ => l.up,
                };
                updates.push((*nsid, l.ifindex, carrier));
            }
        }
        for (ns, i, c) in updates {
            if let Some(l) = self.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&i)) {
                l.carrier = c;
            }
        }
    }
}
