//! iproute2 `ip`: `addr`, `link`, `route` and `netns`, printing as iproute2 6.x does
//! (including its trailing spaces).

use crate::sort::SortSlice;
use super::{Ctx, Outcome};
use crate::kernel::net::{broadcast, fmt_ip, fmt_mac, link_local, parse_ip, IfAddr, Link, LinkKind, NetNs, Route};
use crate::kernel::{Kernel, NsId};

struct Global {
    brief: bool,
    details: bool,
    family4: bool,
    netns: Option<String>,
}

const IP_USAGE: &str = "Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n       ip [ -force ] -batch filename\nwhere  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |\n                   link | macsec | maddress | monitor | mptcp | mroute | mrule |\n                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n                   ntbl | route | rule | sr | tap | tcpmetrics |\n                   token | tunnel | tuntap | vrf | xfrm }\n       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n                    -4 | -6 | -M | -B | -0 |\n                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n                    -c[olor]}\n";

fn matches(word: &str, full: &str) -> bool {
    !word.is_empty() && full.starts_with(word)
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let mut args: Vec<String> = ctx.argv[1..].to_vec();
    let mut g = Global { brief: false, details: false, family4: false, netns: None };
    while let Some(a) = args.first().cloned() {
        if !a.starts_with('-') {
            break;
        }
        args.remove(0);
        let opt = a.trim_start_matches('-');
        if matches(opt, "brief") && opt.len() >= 2 {
            g.brief = true;
        } else if matches(opt, "details") {
            g.details = true;
        } else if opt == "4" {
            g.family4 = true;
        } else if matches(opt, "netns") {
            if args.is_empty() {
                ctx.err("No netns name specified\n");
                return Outcome::Exit(255);
            }
            g.netns = Some(args.remove(0));
        } else if matches(opt, "help") {
            ctx.err(IP_USAGE);
            return Outcome::Exit(255);
        } else {
            ctx.err(&format!("Option \"{a}\" is unknown, try \"ip -help\".\n"));
            return Outcome::Exit(255);
        }
    }
    let Some(object) = args.first().cloned() else {
        ctx.err(IP_USAGE);
        return Outcome::Exit(255);
    };
    let rest: Vec<String> = args[1..].to_vec();
    // `-n NAME` runs the command in a named namespace.
    let ns = match &g.netns {
        Some(name) => match ctx.k.netns_by_name(name) {
            Some(id) => id,
            None => {
                ctx.err(&format!("Cannot open network namespace \"{name}\": No such file or directory\n"));
                return Outcome::Exit(255);
            }
        },
        None => match ctx.k.net_of(ctx.pid) {
            Ok(n) => n,
            Err(_) => return Outcome::Exit(255),
        },
    };
    let o = object.as_str();
    if matches(o, "address") || o == "a" || o == "addr" {
        addr(ctx, &g, ns, &rest)
    } else if matches(o, "link") {
        link(ctx, &g, ns, &rest)
    } else if matches(o, "route") || o == "r" || o == "ro" {
        route(ctx, ns, &rest)
    } else if matches(o, "netns") {
        netns(ctx, ns, &rest)
    } else if o == "help" {
        ctx.err(IP_USAGE);
        Outcome::Exit(255)
    } else {
        ctx.err(&format!("Object \"{o}\" is unknown, try \"ip help\".\n"));
        Outcome::Exit(255)
    }
}

fn require_root(ctx: &mut Ctx) -> bool {
    if ctx.uid() != 0 {
        ctx.err("RTNETLINK answers: Operation not permitted\n");
        return false;
    }
    true
}

/// The peer's name as `ip` shows it after `@`: the name in the same namespace, or `ifN`.
fn at_name(k: &Kernel, ns: NsId, l: &Link) -> String {
    match l.kind {
        LinkKind::Veth { peer_ns, peer_ifindex } => {
            if peer_ns == ns {
                k.net_ns.get(&ns).and_then(|n| n.links.get(&peer_ifindex)).map(|p| format!("{}@{}", l.name, p.name)).unwrap_or_else(|| format!("{}@if{}", l.name, peer_ifindex))
            } else {
                format!("{}@if{}", l.name, peer_ifindex)
            }
        }
        _ => l.name.clone(),
    }
}

fn peer_up(k: &Kernel, l: &Link) -> bool {
    match l.kind {
        LinkKind::Veth { peer_ns, peer_ifindex } => k.net_ns.get(&peer_ns).and_then(|n| n.links.get(&peer_ifindex)).map(|p| p.up).unwrap_or(false),
        _ => true,
    }
}

fn flag_list(k: &Kernel, l: &Link) -> String {
    let mut f: Vec<&str> = Vec::new();
    if l.up && !l.carrier && l.kind != LinkKind::Loopback {
        f.push("NO-CARRIER");
    }
    if l.kind == LinkKind::Loopback {
        f.push("LOOPBACK");
    } else {
        f.push("BROADCAST");
        f.push("MULTICAST");
    }
    if l.up {
        f.push("UP");
        if l.carrier {
            f.push("LOWER_UP");
        }
    } else if matches!(l.kind, LinkKind::Veth { .. }) && !peer_up(k, l) {
        f.push("M-DOWN");
    }
    f.join(",")
}

fn state(k: &Kernel, ns: NsId, l: &Link) -> &'static str {
    if !l.up {
        return "DOWN";
    }
    let has_ports = || k.net_ns.get(&ns).is_some_and(|n| n.links.values().any(|p| p.master == Some(l.ifindex) && p.up));
    match l.kind {
        LinkKind::Loopback => "UNKNOWN",
        LinkKind::Bridge if l.carrier && has_ports() => "UP",
        LinkKind::Bridge if l.carrier => "UNKNOWN",
        _ if l.carrier => "UP",
        LinkKind::Veth { .. } => "LOWERLAYERDOWN",
        _ => "DOWN",
    }
}

fn qdisc(l: &Link) -> &'static str {
    if !l.up {
        "noop"
    } else {
        l.qdisc
    }
}

fn link_netns(k: &Kernel, ns: NsId, l: &Link) -> String {
    match l.kind {
        LinkKind::Veth { peer_ns, .. } if peer_ns != ns => {
            let named = k.named_netns.iter().find(|(_, id)| *id == peer_ns).map(|(n, _)| n.clone());
            let viewer_named = k.named_netns.iter().any(|(_, id)| *id == ns) || ns == NsId(0);
            match named {
                Some(n) if viewer_named => format!(" link-netns {n}"),
                _ => format!(" link-netnsid {}", k.net_ns.get(&ns).and_then(|n| n.peer_ids.get(&peer_ns)).copied().unwrap_or(0)),
            }
        }
        _ => String::new(),
    }
}

fn link_header(k: &Kernel, ns: NsId, l: &Link, mode: bool) -> String {
    let master = l.master.and_then(|m| k.net_ns.get(&ns).and_then(|n| n.links.get(&m))).map(|m| format!(" master {}", m.name)).unwrap_or_default();
    format!(
        "{}: {}: <{}> mtu {} qdisc {}{} state {}{} group default {}\n",
        l.ifindex,
        at_name(k, ns, l),
        flag_list(k, l),
        l.mtu,
        qdisc(l),
        master,
        state(k, ns, l),
        if mode { " mode DEFAULT" } else { "" },
        // A zero queue length (bridges and veths Docker makes) is not printed.
        if l.txqueuelen > 0 { format!("qlen {}", l.txqueuelen) } else { String::new() }
    )
}

fn link_ether(k: &Kernel, ns: NsId, l: &Link) -> String {
    if l.kind == LinkKind::Loopback {
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n".to_string()
    } else {
        format!("    link/ether {} brd ff:ff:ff:ff:ff:ff{}\n", fmt_mac(l.mac), link_netns(k, ns, l))
    }
}

fn select<'a>(netns: &'a NetNs, rest: &[String]) -> Result<Vec<&'a Link>, String> {
    let mut dev: Option<&String> = None;
    let mut master: Option<&String> = None;
    let mut i = 0;
    while i < rest.len() {
        match rest[i].as_str() {
            "show" | "list" | "lst" | "sh" | "ls" => {}
            "dev" => {
                i += 1;
                dev = rest.get(i);
            }
            "master" => {
                i += 1;
                master = rest.get(i);
            }
            _ => dev = Some(&rest[i]),
        }
        i += 1;
    }
    if let Some(m) = master {
        let Some(ml) = netns.by_name(m) else { return Err(format!("Device \"{m}\" does not exist.\n")) };
        return Ok(netns.links.values().filter(|l| l.master == Some(ml.ifindex)).collect());
    }
    match dev {
        Some(d) => match netns.by_name(d) {
            Some(l) => Ok(vec![l]),
            None => Err(format!("Device \"{d}\" does not exist.\n")),
        },
        None => Ok(netns.links.values().collect()),
    }
}

fn addr(ctx: &mut Ctx, g: &Global, ns: NsId, rest: &[String]) -> Outcome {
    let sub = rest.first().map(String::as_str).unwrap_or("show");
    if sub == "add" || sub == "del" || sub == "delete" {
        return addr_change(ctx, ns, rest);
    }
    let is_show = sub == "dev" || ["show", "list", "lst"].iter().any(|s| s.starts_with(sub));
    // `ip addr DEV` is `ip addr show DEV`; any other word is an unknown command.
    if !is_show && !rest.is_empty()
        && ctx.k.net_ns.get(&ns).and_then(|n| n.by_name(sub)).is_none() {
            ctx.err(&format!("Command \"{sub}\" is unknown, try \"ip address help\".\n"));
            return Outcome::Exit(255);
        }
    let k: &Kernel = ctx.k;
    let Some(netns) = k.net_ns.get(&ns) else { return Outcome::Exit(1) };
    let links = match select(netns, rest) {
        Ok(l) => l,
        Err(msg) => {
            ctx.err(&msg);
            return Outcome::Exit(1);
        }
    };
    let mut out = String::new();
    for l in links {
        if g.brief {
            let mut addrs: Vec<String> = l.addrs.iter().map(|a| format!("{}/{}", fmt_ip(a.addr), a.prefix)).collect();
            if l.up && !g.family4 && !l.ipv6_disabled {
                if l.kind == LinkKind::Loopback {
                    addrs.push("::1/128".into());
                } else if l.ipv6_ll && l.carrier {
                    addrs.push(format!("{}/64", link_local(l.mac)));
                }
            }
            let tail: String = addrs.iter().map(|a| format!("{a} ")).collect();
            out.push_str(&format!("{:<16} {:<14} {}\n", at_name(k, ns, l), state(k, ns, l), tail));
            continue;
        }
        out.push_str(&link_header(k, ns, l, false));
        if !g.family4 {
            out.push_str(&link_ether(k, ns, l));
        }
        for a in &l.addrs {
            let brd = a.brd.map(|b| format!(" brd {}", fmt_ip(b))).unwrap_or_default();
            let scope = if l.kind == LinkKind::Loopback { "host" } else { "global" };
            let dynamic = if a.dynamic_lft.is_some() { " dynamic" } else { "" };
            out.push_str(&format!("    inet {}/{}{} scope {}{} {}\n", fmt_ip(a.addr), a.prefix, brd, scope, dynamic, l.name));
            match a.dynamic_lft {
                Some(lft) => out.push_str(&format!("       valid_lft {lft}sec preferred_lft {lft}sec\n")),
                None => out.push_str("       valid_lft forever preferred_lft forever\n"),
            }
        }
        if l.up && !g.family4 && !l.ipv6_disabled {
            if l.kind == LinkKind::Loopback {
                out.push_str("    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n");
            } else if l.ipv6_ll && l.carrier {
                out.push_str(&format!("    inet6 {}/64 scope link \n       valid_lft forever preferred_lft forever\n", link_local(l.mac)));
            }
        }
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

fn addr_change(ctx: &mut Ctx, ns: NsId, rest: &[String]) -> Outcome {
    if !require_root(ctx) {
        return Outcome::Exit(2);
    }
    let add = rest[0] == "add";
    let mut cidr: Option<&String> = None;
    let mut dev: Option<&String> = None;
    let mut brd_plus = false;
    let mut i = 1;
    while i < rest.len() {
        match rest[i].as_str() {
            "dev" => {
                i += 1;
                dev = rest.get(i);
            }
            "brd" | "broadcast" => {
                i += 1;
                brd_plus = rest.get(i).map(|s| s == "+").unwrap_or(false);
            }
            "local" => {
                i += 1;
                cidr = rest.get(i);
            }
            _ => cidr = Some(&rest[i]),
        }
        i += 1;
    }
    let Some(dev) = dev else {
        ctx.err("Not enough information: \"dev\" argument is required.\n");
        return Outcome::Exit(1);
    };
    let Some(cidr) = cidr else {
        ctx.err("RTNETLINK answers: Operation not supported\n");
        return Outcome::Exit(2);
    };
    let (ip, prefix) = match cidr.split_once('/') {
        Some((a, p)) => (parse_ip(a), p.parse::<u8>().ok().filter(|p| *p <= 32)),
        None => (parse_ip(cidr), Some(32)),
    };
    let (Some(ip), Some(prefix)) = (ip, prefix) else {
        ctx.err(&format!("Error: any valid prefix is expected rather than \"{cidr}\".\n"));
        return Outcome::Exit(1);
    };
    let Some(l) = ctx.k.net_ns.get_mut(&ns).and_then(|n| n.by_name_mut(dev)) else {
        ctx.err(&format!("Cannot find device \"{dev}\"\n"));
        return Outcome::Exit(1);
    };
    if add {
        if l.addrs.iter().any(|a| a.addr == ip && a.prefix == prefix) {
            ctx.err("RTNETLINK answers: File exists\n");
            return Outcome::Exit(2);
        }
        l.addrs.push(IfAddr { addr: ip, prefix, brd: if brd_plus { Some(broadcast(ip, prefix)) } else { None }, dynamic_lft: None });
    } else {
        let before = l.addrs.len();
        l.addrs.retain(|a| !(a.addr == ip && a.prefix == prefix));
        if l.addrs.len() == before {
            ctx.err("RTNETLINK answers: Cannot assign requested address\n");
            return Outcome::Exit(2);
        }
    }
    Outcome::Exit(0)
}

fn link(ctx: &mut Ctx, g: &Global, ns: NsId, rest: &[String]) -> Outcome {
    let sub = rest.first().map(String::as_str).unwrap_or("show");
    match sub {
        "add" => return link_add(ctx, ns, rest),
        "set" => return link_set(ctx, ns, rest),
        "del" | "delete" => {
            if !require_root(ctx) {
                return Outcome::Exit(2);
            }
            let name = if rest.get(1).map(String::as_str) == Some("dev") { rest.get(2) } else { rest.get(1) };
            let Some(name) = name.cloned() else {
                ctx.err("Not enough information: \"dev\" argument is required.\n");
                return Outcome::Exit(255);
            };
            let Some(l) = ctx.k.net_ns.get(&ns).and_then(|n| n.by_name(&name)).cloned() else {
                ctx.err(&format!("Cannot find device \"{name}\"\n"));
                return Outcome::Exit(1);
            };
            if let Some(n) = ctx.k.net_ns.get_mut(&ns) {
                n.links.remove(&l.ifindex);
            }
            if let LinkKind::Veth { peer_ns, peer_ifindex } = l.kind {
                if let Some(p) = ctx.k.net_ns.get_mut(&peer_ns) {
                    p.links.remove(&peer_ifindex);
                }
            }
            return Outcome::Exit(0);
        }
        "show" | "list" | "ls" | "sh" | "lst" => {}
        other => {
            if ctx.k.net_ns.get(&ns).and_then(|n| n.by_name(other)).is_none() {
                ctx.err(&format!("Command \"{other}\" is unknown, try \"ip link help\".\n"));
                return Outcome::Exit(255);
            }
        }
    }
    let k: &Kernel = ctx.k;
    let Some(netns) = k.net_ns.get(&ns) else { return Outcome::Exit(1) };
    let links = match select(netns, rest) {
        Ok(l) => l,
        Err(msg) => {
            ctx.err(&msg);
            return Outcome::Exit(1);
        }
    };
    let mut out = String::new();
    for l in links {
        if g.brief {
            out.push_str(&format!("{:<16} {:<14} {} <{}> \n", at_name(k, ns, l), state(k, ns, l), fmt_mac(l.mac), flag_list(k, l)));
            continue;
        }
        out.push_str(&link_header(k, ns, l, true));
        out.push_str(&link_ether(k, ns, l));
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

fn link_add(ctx: &mut Ctx, ns: NsId, rest: &[String]) -> Outcome {
    if !require_root(ctx) {
        return Outcome::Exit(2);
    }
    // ip link add [name] NAME type veth peer name PEER | type bridge
    let mut name: Option<String> = None;
    let mut kind: Option<String> = None;
    let mut peer: Option<String> = None;
    let mut i = 1;
    while i < rest.len() {
        match rest[i].as_str() {
            "name" | "dev" if kind.is_none() => {
                i += 1;
                name = rest.get(i).cloned();
            }
            "type" => {
                i += 1;
                kind = rest.get(i).cloned();
            }
            "peer" => {
                if rest.get(i + 1).map(String::as_str) == Some("name") {
                    i += 1;
                }
                i += 1;
                peer = rest.get(i).cloned();
            }
            s if name.is_none() && kind.is_none() => name = Some(s.to_string()),
            _ => {}
        }
        i += 1;
    }
    let Some(kind) = kind else {
        ctx.err("Not enough information: \"type\" argument is required\n");
        return Outcome::Exit(2);
    };
    match kind.as_str() {
        "veth" => {
            let n = ctx.k.net_ns.get(&ns).map(|n| n.links.len()).unwrap_or(0);
            let name = name.unwrap_or_else(|| format!("veth{}", n.saturating_sub(1)));
            let peer = peer.unwrap_or_else(|| format!("veth{}", n));
            let macs = (ctx.k.random_mac(), ctx.k.random_mac());
            match ctx.k.add_veth(ns, &name, &peer, macs) {
                Ok(_) => Outcome::Exit(0),
                Err(_) => {
                    ctx.err("RTNETLINK answers: File exists\n");
                    Outcome::Exit(2)
                }
            }
        }
        "bridge" => {
            let Some(name) = name else { return Outcome::Exit(2) };
            let mac = ctx.k.random_mac();
            let Some(n) = ctx.k.net_ns.get_mut(&ns) else { return Outcome::Exit(2) };
            if n.by_name(&name).is_some() {
                ctx.err("RTNETLINK answers: File exists\n");
                return Outcome::Exit(2);
            }
            n.add_link(&name, LinkKind::Bridge, mac, 1500);
            Outcome::Exit(0)
        }
        _ => {
            ctx.err("Error: Unknown device type.\n");
            Outcome::Exit(2)
        }
    }
}

fn link_set(ctx: &mut Ctx, ns: NsId, rest: &[String]) -> Outcome {
    if !require_root(ctx) {
        return Outcome::Exit(2);
    }
    let mut i = 1;
    if rest.get(1).map(String::as_str) == Some("dev") {
        i = 2;
    }
    let Some(name) = rest.get(i).cloned() else {
        ctx.err("Not enough information: \"dev\" argument is required.\n");
        return Outcome::Exit(255);
    };
    let Some(ifindex) = ctx.k.net_ns.get(&ns).and_then(|n| n.by_name(&name)).map(|l| l.ifindex) else {
        ctx.err(&format!("Cannot find device \"{name}\"\n"));
        return Outcome::Exit(1);
    };
    i += 1;
    while i < rest.len() {
        let word = rest[i].clone();
        let arg = rest.get(i + 1).cloned();
        match word.as_str() {
            "up" | "down" => {
                if let Some(l) = ctx.k.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&ifindex)) {
                    l.up = word == "up";
                    if l.up && l.kind != LinkKind::Loopback {
                        l.ipv6_ll = true;
                    }
                    if l.up && l.kind == LinkKind::Loopback && l.addrs.is_empty() {
                        l.addrs.push(IfAddr { addr: [127, 0, 0, 1], prefix: 8, brd: None, dynamic_lft: None });
                    }
                }
                i += 1;
            }
            "mtu" => {
                let Some(m) = arg.and_then(|a| a.parse::<u32>().ok()) else {
                    ctx.err(&format!("Error: argument \"{}\" is wrong: Invalid \"mtu\" value\n\n", rest.get(i + 1).cloned().unwrap_or_default()));
                    return Outcome::Exit(255);
                };
                if !(68..=65535).contains(&m) {
                    ctx.err("Error: mtu greater than device maximum.\n");
                    return Outcome::Exit(2);
                }
                if let Some(l) = ctx.k.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&ifindex)) {
                    l.mtu = m;
                }
                i += 2;
            }
            "netns" => {
                let Some(target) = arg else { return Outcome::Exit(255) };
                let to = match ctx.k.netns_by_name(&target) {
                    Some(id) => id,
                    None => match target.parse::<u32>().ok().and_then(|p| {
                        let viewer_ns = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.pid)?;
                        let g = ctx.k.global_pid(viewer_ns, p)?;
                        ctx.k.procs.get(&g).map(|p| p.ns.net)
                    }) {
                        Some(id) => id,
                        None => {
                            ctx.err(&format!("Error: argument \"{target}\" is wrong: Invalid \"netns\" value\n\n"));
                            return Outcome::Exit(255);
                        }
                    },
                };
                if ctx.k.move_link(ns, ifindex, to).is_err() {
                    ctx.err("RTNETLINK answers: File exists\n");
                    return Outcome::Exit(2);
                }
                ctx.k.refresh_carrier();
                return Outcome::Exit(0);
            }
            "master" => {
                let Some(m) = arg else { return Outcome::Exit(255) };
                let Some(mi) = ctx.k.net_ns.get(&ns).and_then(|n| n.by_name(&m)).map(|l| l.ifindex) else {
                    ctx.err("Device does not exist\n");
                    return Outcome::Exit(1);
                };
                if let Some(l) = ctx.k.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&ifindex)) {
                    l.master = Some(mi);
                }
                i += 2;
            }
            "nomaster" => {
                if let Some(l) = ctx.k.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&ifindex)) {
                    l.master = None;
                }
                i += 1;
            }
            "name" => {
                let Some(new) = arg else { return Outcome::Exit(255) };
                if let Some(l) = ctx.k.net_ns.get_mut(&ns).and_then(|n| n.links.get_mut(&ifindex)) {
                    l.name = new;
                }
                i += 2;
            }
            other => {
                ctx.err(&format!("Error: either \"dev\" is duplicate, or \"{other}\" is a garbage.\n"));
                return Outcome::Exit(255);
            }
        }
    }
    ctx.k.refresh_carrier();
    Outcome::Exit(0)
}

fn route(ctx: &mut Ctx, ns: NsId, rest: &[String]) -> Outcome {
    let sub = rest.first().map(String::as_str).unwrap_or("show");
    if sub == "add" || sub == "del" {
        if !require_root(ctx) {
            return Outcome::Exit(2);
        }
        let mut dst: Option<([u8; 4], u8)> = None;
        let mut via: Option<[u8; 4]> = None;
        let mut dev: Option<String> = None;
        let mut i = 1;
        while i < rest.len() {
            match rest[i].as_str() {
                "via" => {
                    i += 1;
                    via = rest.get(i).and_then(|s| parse_ip(s));
                }
                "dev" => {
                    i += 1;
                    dev = rest.get(i).cloned();
                }
                "default" => dst = None,
                s => {
                    let (a, p) = s.split_once('/').unwrap_or((s, "32"));
                    if let (Some(a), Ok(p)) = (parse_ip(a), p.parse::<u8>()) {
                        dst = Some((a, p));
                    }
                }
            }
            i += 1;
        }
        let Some(netns) = ctx.k.net_ns.get(&ns) else { return Outcome::Exit(2) };
        let connected = netns.connected_routes();
        let devidx = match (&dev, via) {
            (Some(d), _) => netns.by_name(d).map(|l| l.ifindex),
            (None, Some(gw)) => connected.iter().find(|r| r.dst.map(|(n, p)| crate::kernel::net::network(gw, p) == n).unwrap_or(false)).map(|r| r.dev),
            _ => None,
        };
        let Some(devidx) = devidx else {
            ctx.err("Error: Nexthop has invalid gateway.\n");
            return Outcome::Exit(2);
        };
        let Some(netns) = ctx.k.net_ns.get_mut(&ns) else { return Outcome::Exit(2) };
        let route = Route { dst, via, dev: devidx, src: None, proto: None, metric: None };
        if sub == "add" {
            if netns.routes.iter().any(|r| r.dst == route.dst) {
                ctx.err("RTNETLINK answers: File exists\n");
                return Outcome::Exit(2);
            }
            netns.routes.push(route);
        } else {
            netns.routes.retain(|r| r.dst != route.dst);
        }
        return Outcome::Exit(0);
    }
    if !["show", "list", "ls", "sh"].contains(&sub) && !rest.is_empty() {
        ctx.err(&format!("Command \"{sub}\" is unknown, try \"ip route help\".\n"));
        return Outcome::Exit(255);
    }
    let Some(netns) = ctx.k.net_ns.get(&ns) else { return Outcome::Exit(1) };
    let mut routes: Vec<Route> = netns.routes.clone();
    routes.extend(netns.connected_routes());
    // The main table lists the default route first, then by destination.
    routes.sort_stable_by_key(|r| r.dst.map(|(a, p)| (1, u32::from_be_bytes(a), p)).unwrap_or((0, 0, 0)));
    let only_default = rest.iter().any(|w| w == "default");
    let mut out = String::new();
    for r in routes {
        if only_default && r.dst.is_some() {
            continue;
        }
        let Some(l) = netns.links.get(&r.dev) else { continue };
        if !l.up {
            continue;
        }
        let mut s = match r.dst {
            None => "default".to_string(),
            Some((a, p)) => format!("{}/{}", fmt_ip(a), p),
        };
        if let Some(v) = r.via {
            s.push_str(&format!(" via {}", fmt_ip(v)));
        }
        s.push_str(&format!(" dev {}", l.name));
        if let Some(p) = r.proto {
            s.push_str(&format!(" proto {p} scope link"));
        }
        if let Some(src) = r.src {
            s.push_str(&format!(" src {}", fmt_ip(src)));
        }
        if let Some(m) = r.metric {
            s.push_str(&format!(" metric {m}"));
        }
        if !l.carrier && l.kind != LinkKind::Loopback {
            s.push_str(" linkdown");
        }
        s.push_str(" \n");
        out.push_str(&s);
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

fn netns(ctx: &mut Ctx, ns: NsId, rest: &[String]) -> Outcome {
    let sub = rest.first().map(String::as_str).unwrap_or("list");
    match sub {
        "list" | "ls" | "show" => {
            // readdir of /run/netns (tmpfs on 4.14) lists the newest entry first.
            let names: Vec<(String, NsId)> = ctx.k.named_netns.iter().rev().map(|(n, id)| (n.clone(), *id)).collect();
            let mut out = String::new();
            for (n, id) in names {
                match ctx.k.net_ns.get(&ns).and_then(|v| v.peer_ids.get(&id)) {
                    Some(pid) => out.push_str(&format!("{n} (id: {pid})\n")),
                    None => out.push_str(&format!("{n}\n")),
                }
            }
            ctx.out(&out);
            Outcome::Exit(0)
        }
        "add" => {
            if !require_netns_root(ctx) {
                return Outcome::Exit(1);
            }
            let Some(name) = rest.get(1) else {
                ctx.err("No netns name specified\n");
                return Outcome::Exit(1);
            };
            match ctx.k.add_named_netns(name) {
                Ok(_) => Outcome::Exit(0),
                Err(_) => {
                    ctx.err(&format!("Cannot create namespace file \"/var/run/netns/{name}\": File exists\n"));
                    Outcome::Exit(1)
                }
            }
        }
        "del" | "delete" => {
            if !require_netns_root(ctx) {
                return Outcome::Exit(1);
            }
            let Some(name) = rest.get(1) else {
                ctx.err("No netns name specified\n");
                return Outcome::Exit(1);
            };
            match ctx.k.del_named_netns(name) {
                Ok(()) => Outcome::Exit(0),
                Err(_) => {
                    ctx.err(&format!("Cannot remove namespace file \"/var/run/netns/{name}\": No such file or directory\n"));
                    Outcome::Exit(1)
                }
            }
        }
        "identify" => {
            let name = ctx.k.named_netns.iter().find(|(_, id)| *id == ns).map(|(n, _)| n.clone()).unwrap_or_default();
            ctx.out(&format!("{name}\n"));
            Outcome::Exit(0)
        }
        "exec" => {
            let Some(name) = rest.get(1).cloned() else {
                ctx.err("No netns name specified\n");
                return Outcome::Exit(1);
            };
            let Some(target) = ctx.k.netns_by_name(&name) else {
                ctx.err(&format!("Cannot open network namespace \"{name}\": No such file or directory\n"));
                return Outcome::Exit(1);
            };
            if rest.len() < 3 {
                ctx.err("No command specified\n");
                return Outcome::Exit(1);
            }
            if ctx.uid() != 0 {
                ctx.err(&format!("setting the network namespace \"{name}\" failed: Operation not permitted\n"));
                return Outcome::Exit(1);
            }
            // `ip netns exec` enters the namespace in a new mount namespace, then execs.
            if let Some(p) = ctx.k.procs.get_mut(&ctx.pid) {
                p.ns.net = target;
            }
            let _ = ctx.k.unshare_mnt(ctx.pid);
            let argv: Vec<String> = rest[2..].to_vec();
            super::namespaces::exec_in_place(ctx, argv, "ip", |cmd| format!("exec of \"{cmd}\" failed: No such file or directory\n"))
        }
        _ => {
            ctx.err(&format!("Command \"{sub}\" is unknown, try \"ip netns help\".\n"));
            Outcome::Exit(255)
        }
    }
}

fn require_netns_root(ctx: &mut Ctx) -> bool {
    if ctx.uid() != 0 {
        ctx.err("mkdir /var/run/netns failed: Permission denied\n");
        return false;
    }
    true
}
