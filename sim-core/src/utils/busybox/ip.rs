//! busybox `ip` (networking/libiproute): `addr`, `link`, `route`, `rule`, `neigh` as
//! busybox prints them (no `group default`, `qlen N` only when non-zero, `M-DOWN` when the
//! peer's index is not a local link, routes without `proto kernel`). Changes need
//! CAP_NET_ADMIN, which a container's root does not have.

use crate::sort::SortSlice;
use super::net::{ipv6_lines, netns_of};
use super::{error, show_usage, Ctx, Outcome};
use crate::kernel::net::{fmt_ip, fmt_mac, mask, network, parse_ip, Link, LinkKind, NetNs, Route};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Any,
    Inet,
    Inet6,
    Link,
}

struct G {
    family: Family,
    oneline: bool,
}

/// `index_in_substrings`: the first keyword `word` is a prefix of.
fn pick<'a>(word: &str, keywords: &[&'a str]) -> Option<&'a str> {
    if word.is_empty() {
        return None;
    }
    keywords.iter().copied().find(|k| k.starts_with(word))
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut g = G { family: Family::Any, oneline: false };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if !a.starts_with('-') {
            break;
        }
        let opt = a.trim_start_matches('-');
        if a == "--" {
            i += 1;
            break;
        }
        match pick(opt, &["oneline", "family", "4", "6", "0"]) {
            Some("oneline") => g.oneline = true,
            Some("family") => {
                i += 1;
                let Some(f) = args.get(i) else { return show_usage(ctx) };
                g.family = match f.as_str() {
                    "inet" => Family::Inet,
                    "inet6" => Family::Inet6,
                    "link" => Family::Link,
                    _ => {
                        error(ctx, &format!("invalid argument '{f}' to 'family'"));
                        return Outcome::Exit(1);
                    }
                };
            }
            Some("4") => g.family = Family::Inet,
            Some("6") => g.family = Family::Inet6,
            Some("0") => g.family = Family::Link,
            _ => return show_usage(ctx),
        }
        i += 1;
    }
    let rest: Vec<String> = args[i.min(args.len())..].to_vec();
    let Some(object) = rest.first() else { return show_usage(ctx) };
    let rest = &rest[1..];
    match pick(object, &["address", "route", "r", "link", "tunnel", "tunl", "rule", "neigh"]) {
        Some("address") => addr(ctx, &g, rest),
        Some("route") | Some("r") => route(ctx, &g, rest),
        Some("link") => link(ctx, &g, rest),
        Some("rule") => {
            ctx.out("0:\tfrom all lookup local \n32766:\tfrom all lookup main \n32767:\tfrom all lookup default \n");
            Outcome::Exit(0)
        }
        Some("neigh") | Some("tunnel") | Some("tunl") => Outcome::Exit(0),
        _ => show_usage(ctx),
    }
}

fn sl(g: &G) -> char {
    if g.oneline {
        '\\'
    } else {
        '\n'
    }
}

/// `print_linkinfo`.
fn link_line(ns: &NetNs, l: &Link, g: &G) -> String {
    let mut s = format!("{}: {}", l.ifindex, l.name);
    let mut mdown = false;
    match l.kind {
        LinkKind::Veth { peer_ifindex, .. } => {
            // ll_index_to_name/flags look the peer's index up among *local* links.
            match ns.links.get(&peer_ifindex) {
                Some(p) => {
                    s.push_str(&format!("@{}: ", p.name));
                    mdown = !p.up;
                }
                None => {
                    s.push_str(&format!("@if{peer_ifindex}: "));
                    mdown = true;
                }
            }
        }
        _ => s.push_str(": "),
    }
    let mut flags: Vec<&str> = Vec::new();
    if l.kind == LinkKind::Loopback {
        flags.push("LOOPBACK");
    } else {
        flags.push("BROADCAST");
        flags.push("MULTICAST");
    }
    if l.up {
        flags.push("UP");
        if l.carrier {
            flags.push("LOWER_UP");
        }
    }
    let mut f = String::from("<");
    if l.up && !l.carrier {
        f.push_str("NO-CARRIER,");
    }
    f.push_str(&flags.join(","));
    if mdown {
        f.push_str(",M-DOWN");
    }
    f.push_str("> ");
    s.push_str(&f);
    s.push_str(&format!("mtu {} ", l.mtu));
    s.push_str(&format!("qdisc {} ", if l.up { l.qdisc } else { "noop" }));
    if let Some(m) = l.master.and_then(|m| ns.links.get(&m)) {
        s.push_str(&format!("master {} ", m.name));
    }
    let state = if !l.up {
        "DOWN"
    } else {
        match l.kind {
            LinkKind::Loopback => "UNKNOWN",
            LinkKind::Bridge if l.carrier => "UNKNOWN",
            _ if l.carrier => "UP",
            LinkKind::Veth { .. } => "LOWERLAYERDOWN",
            _ => "DOWN",
        }
    };
    s.push_str(&format!("state {state} "));
    if l.txqueuelen != 0 {
        s.push_str(&format!("qlen {}", l.txqueuelen));
    }
    if matches!(g.family, Family::Any | Family::Link) {
        s.push(sl(g));
        if l.kind == LinkKind::Loopback {
            s.push_str("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00");
        } else {
            s.push_str(&format!("    link/ether {} brd ff:ff:ff:ff:ff:ff", fmt_mac(l.mac)));
        }
    }
    s.push('\n');
    s
}

/// `print_addrinfo` for every address of a link.
fn addr_lines(l: &Link, g: &G) -> String {
    let mut s = String::new();
    let prefix = |s: &mut String| {
        if g.oneline {
            s.push_str(&format!("{}: {}", l.ifindex, l.name));
        }
    };
    if matches!(g.family, Family::Any | Family::Inet) {
        for a in &l.addrs {
            prefix(&mut s);
            s.push_str(&format!("    inet {}/{} ", fmt_ip(a.addr), a.prefix));
            if let Some(b) = a.brd {
                s.push_str(&format!("brd {} ", fmt_ip(b)));
            }
            let scope = if l.kind == LinkKind::Loopback { "host" } else { "global" };
            s.push_str(&format!("scope {scope} "));
            if a.dynamic_lft.is_some() {
                s.push_str("dynamic ");
            }
            s.push_str(&l.name);
            s.push(sl(g));
            match a.dynamic_lft {
                Some(t) => s.push_str(&format!("       valid_lft {t}sec preferred_lft {t}sec\n")),
                None => s.push_str("       valid_lft forever preferred_lft forever\n"),
            }
        }
    }
    if matches!(g.family, Family::Any | Family::Inet6) {
        for (addr, plen, scope) in ipv6_lines(l) {
            prefix(&mut s);
            let scope = if scope == "Host" { "host" } else { "link" };
            s.push_str(&format!("    inet6 {addr}/{plen} scope {scope} {}       valid_lft forever preferred_lft forever\n", sl(g)));
        }
    }
    s
}

/// The links a `show [dev] NAME` selects; Err(name) when there is no such device.
fn select<'a>(ns: &'a NetNs, rest: &[String]) -> Result<Vec<&'a Link>, String> {
    let mut dev: Option<&String> = None;
    let mut i = 0;
    while i < rest.len() {
        match rest[i].as_str() {
            "dev" => {
                i += 1;
                dev = rest.get(i);
            }
            "up" | "to" | "scope" | "label" => {}
            _ => dev = Some(&rest[i]),
        }
        i += 1;
    }
    match dev {
        Some(d) => ns.by_name(d).map(|l| vec![l]).ok_or_else(|| d.clone()),
        None => Ok(ns.links.values().collect()),
    }
}

fn addr(ctx: &mut Ctx, g: &G, rest: &[String]) -> Outcome {
    let mut rest = rest;
    if let Some(cmd) = rest.first() {
        match pick(cmd, &["add", "change", "chg", "replace", "delete", "list", "show", "lst", "flush"]) {
            Some("list") | Some("show") | Some("lst") => rest = &rest[1..],
            Some("flush") | Some(_) => {
                error(ctx, "RTNETLINK answers: Operation not permitted");
                return Outcome::Exit(2);
            }
            None => {
                error(ctx, &format!("invalid argument '{cmd}' to 'ip'"));
                return Outcome::Exit(1);
            }
        }
    }
    let Some(ns) = netns_of(ctx) else { return Outcome::Exit(1) };
    let links = match select(ns, rest) {
        Ok(l) => l,
        Err(d) => {
            error(ctx, &format!("can't find device '{d}'"));
            return Outcome::Exit(1);
        }
    };
    let mut out = String::new();
    for l in links {
        let addrs = addr_lines(l, g);
        if g.oneline {
            if g.family == Family::Link {
                out.push_str(&link_line(ns, l, g));
            } else {
                out.push_str(&addrs);
            }
            continue;
        }
        // With a family filter, links without such addresses are left out.
        if g.family != Family::Any && g.family != Family::Link && addrs.is_empty() {
            continue;
        }
        out.push_str(&link_line(ns, l, g));
        out.push_str(&addrs);
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

fn link(ctx: &mut Ctx, g: &G, rest: &[String]) -> Outcome {
    let mut rest = rest;
    if let Some(cmd) = rest.first() {
        match pick(cmd, &["add", "delete", "list", "show", "lst", "set", "change"]) {
            Some("list") | Some("show") | Some("lst") => rest = &rest[1..],
            Some("set") | Some("change") => {
                let dev = rest.get(1).filter(|d| *d != "dev").or_else(|| rest.get(2));
                let exists = dev.and_then(|d| netns_of(ctx).and_then(|n| n.by_name(d))).is_some();
                if exists {
                    error(ctx, "ioctl 0x8914 failed: Operation not permitted");
                } else {
                    error(ctx, "ioctl 0x8913 failed: No such device");
                }
                return Outcome::Exit(2);
            }
            Some(_) => {
                error(ctx, "RTNETLINK answers: Operation not permitted");
                return Outcome::Exit(2);
            }
            None => {
                error(ctx, &format!("invalid argument '{cmd}' to 'ip'"));
                return Outcome::Exit(2);
            }
        }
    }
    let Some(ns) = netns_of(ctx) else { return Outcome::Exit(1) };
    let links = match select(ns, rest) {
        Ok(l) => l,
        Err(d) => {
            error(ctx, &format!("can't find device '{d}'"));
            return Outcome::Exit(2);
        }
    };
    let g2 = G { family: Family::Link, oneline: g.oneline };
    let out: String = links.into_iter().map(|l| link_line(ns, l, &g2)).collect();
    ctx.out(&out);
    Outcome::Exit(0)
}

/// The main table: the default route first, then by destination; only on links that
/// are up.
fn main_table(ns: &NetNs) -> Vec<Route> {
    let mut routes: Vec<Route> = ns.routes.clone();
    routes.extend(ns.connected_routes());
    routes.sort_stable_by_key(|r| r.dst.map(|(a, p)| (1, u32::from_be_bytes(a), p)).unwrap_or((0, 0, 0)));
    routes.retain(|r| ns.links.get(&r.dev).map(|l| l.up).unwrap_or(false));
    routes
}

fn route_line(ns: &NetNs, r: &Route) -> String {
    let mut s = match r.dst {
        None => "default ".to_string(),
        Some((a, 32)) => format!("{} ", fmt_ip(a)),
        Some((a, p)) => format!("{}/{} ", fmt_ip(a), p),
    };
    if let Some(v) = r.via {
        s.push_str(&format!("via {} ", fmt_ip(v)));
    }
    if let Some(l) = ns.links.get(&r.dev) {
        s.push_str(&format!("dev {} ", l.name));
    }
    if r.src.is_some() && r.via.is_none() {
        s.push_str("scope link ");
    }
    if let Some(src) = r.src {
        s.push_str(&format!(" src {} ", fmt_ip(src)));
    }
    if let Some(m) = r.metric {
        s.push_str(&format!(" metric {m} "));
    }
    s.push('\n');
    s
}

fn route(ctx: &mut Ctx, g: &G, rest: &[String]) -> Outcome {
    let cmd = rest.first().map(String::as_str).unwrap_or("list");
    let keys = ["add", "append", "change", "chg", "delete", "get", "list", "show", "replace", "test", "flush"];
    match pick(cmd, &keys) {
        Some("list") | Some("show") => {}
        Some("get") => return route_get(ctx, &rest[1..]),
        Some(_) => {
            error(ctx, "RTNETLINK answers: Operation not permitted");
            return Outcome::Exit(2);
        }
        None => {
            error(ctx, &format!("invalid argument '{cmd}' to 'ip'"));
            return Outcome::Exit(1);
        }
    }
    if g.family == Family::Inet6 {
        return Outcome::Exit(0);
    }
    let Some(ns) = netns_of(ctx) else { return Outcome::Exit(1) };
    let mut dev: Option<u32> = None;
    let args = if rest.is_empty() { &[][..] } else { &rest[1..] };
    let mut i = 0;
    while i < args.len() {
        if args[i] == "dev" {
            i += 1;
            match args.get(i).and_then(|d| ns.by_name(d)) {
                Some(l) => dev = Some(l.ifindex),
                None => {
                    error(ctx, &format!("can't find device '{}'", args.get(i).cloned().unwrap_or_default()));
                    return Outcome::Exit(1);
                }
            }
        }
        i += 1;
    }
    let out: String = main_table(ns).iter().filter(|r| dev.map(|d| r.dev == d).unwrap_or(true)).map(|r| route_line(ns, r)).collect();
    ctx.out(&out);
    Outcome::Exit(0)
}

/// `ip route get ADDR`: the route the kernel would pick.
fn route_get(ctx: &mut Ctx, rest: &[String]) -> Outcome {
    let Some(dst) = rest.iter().find(|w| parse_ip(w).is_some()).and_then(|w| parse_ip(w)) else {
        if rest.is_empty() {
            error(ctx, "need at least destination address");
        } else {
            error(ctx, &format!("an inet address is expected rather than \"{}\"", rest[0]));
        }
        return Outcome::Exit(1);
    };
    let Some(ns) = netns_of(ctx) else { return Outcome::Exit(1) };
    // Local addresses first (the local table), then the longest matching prefix.
    for l in ns.links.values().filter(|l| l.up) {
        if l.addrs.iter().any(|a| a.addr == dst) || (l.kind == LinkKind::Loopback && dst[0] == 127) {
            let s = format!("local {} dev lo  src {} \n", fmt_ip(dst), fmt_ip(dst));
            ctx.out(&s);
            return Outcome::Exit(0);
        }
    }
    let table = main_table(ns);
    let best = table
        .iter()
        .filter(|r| match r.dst {
            None => true,
            Some((n, p)) => network(dst, p) == n && mask(p) != 0 || p == 0,
        })
        .max_by_key(|r| r.dst.map(|(_, p)| p as i32).unwrap_or(-1));
    let Some(r) = best else {
        error(ctx, "RTNETLINK answers: Network unreachable");
        return Outcome::Exit(2);
    };
    let Some(l) = ns.links.get(&r.dev) else { return Outcome::Exit(2) };
    let src = r.src.or_else(|| l.addrs.first().map(|a| a.addr));
    let mut s = format!("{} ", fmt_ip(dst));
    if let Some(v) = r.via {
        s.push_str(&format!("via {} ", fmt_ip(v)));
    }
    s.push_str(&format!("dev {} ", l.name));
    if let Some(src) = src {
        s.push_str(&format!(" src {} ", fmt_ip(src)));
    }
    s.push('\n');
    ctx.out(&s);
    Outcome::Exit(0)
}
