//! net-tools' `netstat` (2.10's formats; Amazon Linux 2 ships a 2013 snapshot of the same
//! code with the same columns): the sockets of the caller's network namespace as
//! `/proc/net/{tcp,tcp6,udp,udp6,unix}` list them, `-p` from a scan of `/proc/PID/fd`.

use std::net::IpAddr;

use super::sockinfo::{self, Holders};
use super::{getopt, Ctx, Outcome};
use crate::kernel::sockets::{Proto, Socket};

const USAGE: &str = include_str!("usage/netstat.txt");

struct Opts {
    all: bool,
    listening: bool,
    numeric: bool,
    programs: bool,
    /// `-e` counted: 2 and more add User and Inode.
    extend: u32,
    wide: bool,
    inet4: bool,
    inet6: bool,
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let long = ["tcp", "udp", "unix", "listening", "all", "numeric", "programs", "extend", "wide", "verbose", "help", "version", "inet", "inet6", "numeric-hosts", "numeric-ports", "numeric-users"];
    let long = [&long[..], &["route"]].concat();
    let p = match getopt(&args, "tuxlanpeWv46hVr", "A", &long, &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("netstat"));
            ctx.err(USAGE);
            return Outcome::Exit(3);
        }
    };
    let count = |s: &str, l: &str| p.flags.iter().filter(|f| *f == s || *f == l).count() as u32;
    if count("h", "help") > 0 {
        ctx.out(USAGE);
        return Outcome::Exit(0);
    }
    if count("r", "route") > 0 {
        if count("n", "numeric") == 0 {
            ctx.err("netstat: -r without -n: name resolution not simulated in this playground\n");
            return Outcome::Exit(1);
        }
        let out = route_table(ctx);
        ctx.out(&out);
        return Outcome::Exit(0);
    }
    let mut tcp = count("t", "tcp") > 0;
    let mut udp = count("u", "udp") > 0;
    let unix = count("x", "unix") > 0;
    let mut o = Opts {
        all: count("a", "all") > 0,
        listening: count("l", "listening") > 0,
        numeric: count("n", "numeric") > 0,
        programs: count("p", "programs") > 0,
        extend: 1 + count("e", "extend"),
        wide: count("W", "wide") > 0,
        inet4: count("4", "inet") > 0,
        inet6: count("6", "inet6") > 0,
    };
    if (o.inet4 || o.inet6) && !(tcp || udp) {
        tcp = true;
        udp = true;
    }
    if (tcp || udp) && !(o.inet4 || o.inet6) {
        o.inet4 = true;
        o.inet6 = true;
    }
    let any_arg = tcp || udp || unix;
    let holders = if o.programs { sockinfo::holders(ctx) } else { Holders::default() };
    if o.programs && holders.denied {
        if holders.found_any {
            ctx.err("(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n");
        } else {
            let uid = ctx.uid();
            ctx.err(&format!("(No info could be read for \"-p\": geteuid()={uid} but you should be root.)\n"));
        }
    }
    let socks = sockinfo::sockets(ctx);
    let mut out = String::new();
    let servers = if o.all {
        "(servers and established)"
    } else if o.listening {
        "(only servers)"
    } else {
        "(w/o servers)"
    };
    if !any_arg || tcp || udp {
        out.push_str(&format!("Active Internet connections {servers}\nProto Recv-Q Send-Q Local Address           Foreign Address         State      "));
        if o.extend > 1 {
            out.push_str(" User       Inode     ");
        }
        if o.programs {
            out.push_str(&format!(" {:<20}", "PID/Program name"));
        }
        out.push('\n');
        let (v4, v6) = if any_arg { (o.inet4, o.inet6) } else { (true, true) };
        for proto in [Proto::Tcp, Proto::Udp] {
            let wanted = if proto == Proto::Tcp { !any_arg || tcp } else { !any_arg || udp };
            if !wanted {
                continue;
            }
            for fam6 in [false, true] {
                if (fam6 && !v6) || (!fam6 && !v4) {
                    continue;
                }
                for s in socks.iter().filter(|s| s.proto == proto && s.v6() == fam6) {
                    inet_line(ctx, &o, s, &holders, &mut out);
                }
            }
        }
    }
    if !any_arg || unix {
        out.push_str(&format!("Active UNIX domain sockets {servers}\nProto RefCnt Flags       Type       State         I-Node  "));
        if o.programs {
            out.push_str(&format!(" {:<20}", "PID/Program name"));
        }
        out.push_str(" Path\n");
        for s in socks.iter().filter(|s| s.proto == Proto::UnixStream) {
            let listening = s.listening();
            if !o.all && listening != o.listening {
                continue;
            }
            let (flags, state) = if listening { ("[ ACC ]", "LISTENING") } else { ("[ ]", "CONNECTED") };
            out.push_str(&format!("{:<5} {:<6} {:<11} {:<10} {:<13} {:<8}", "unix", 2, flags, "STREAM", state, s.inode));
            if o.programs {
                out.push_str(&format!(" {:<20}", program(&holders, s.inode)));
            }
            out.push_str(&format!(" {}\n", s.path.clone().unwrap_or_default()));
        }
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

/// `PID/name` of the first process the scan of /proc found holding the socket (net-tools
/// keeps the first and ignores the rest), the name from argv[0], cut to 19 characters.
fn program(holders: &Holders, inode: u64) -> String {
    match holders.by_inode.get(&inode).and_then(|v| v.first()) {
        Some(h) => {
            let a = &h.arg0;
            let name = if a.starts_with('/') { a.rsplit('/').next().unwrap_or(a) } else { a.as_str() };
            format!("{}/{}", h.pid, name).chars().take(19).collect()
        }
        None => "-".into(),
    }
}

/// An address as net-tools prints it: numeric, or with `-n` off the name /etc/hosts gives
/// (`localhost`) and `[::]` for IPv6's any address.
fn host(ctx: &Ctx, ip: IpAddr, numeric: bool) -> String {
    if numeric {
        return ip.to_string();
    }
    if ip.is_unspecified() {
        return if ip.is_ipv6() { "[::]".into() } else { "0.0.0.0".into() };
    }
    if let Ok(data) = ctx.read_file("/etc/hosts") {
        for line in String::from_utf8_lossy(&data).lines() {
            let mut w = line.split('#').next().unwrap_or("").split_whitespace();
            if let (Some(a), Some(name)) = (w.next(), w.next()) {
                if a.parse::<IpAddr>().ok() == Some(ip) {
                    return name.to_string();
                }
            }
        }
    }
    ip.to_string()
}

/// `addr_do_one`: `host:port`, cut to 22 characters unless `-W`.
fn addr_port(ctx: &Ctx, o: &Opts, ip: IpAddr, port: u16, proto: &str) -> String {
    let saddr = host(ctx, ip, o.numeric);
    let sport = if port == 0 {
        "*".to_string()
    } else if o.numeric {
        port.to_string()
    } else {
        sockinfo::service_name(ctx, port, proto).unwrap_or_else(|| port.to_string())
    };
    let short = 22;
    if !o.wide && saddr.len() + sport.len() > short {
        let port_len = sport.len().min(short - 4);
        let addr_len = short - port_len;
        format!("{}:{}", &saddr[..addr_len.min(saddr.len())], &sport[..port_len])
    } else {
        format!("{saddr}:{sport}")
    }
}

fn inet_line(ctx: &Ctx, o: &Opts, s: &Socket, holders: &Holders, out: &mut String) {
    let connected = s.peer.is_some();
    if !o.all && connected == o.listening {
        return;
    }
    let udp = s.proto == Proto::Udp;
    let proto = match (udp, s.v6()) {
        (false, false) => "tcp",
        (false, true) => "tcp6",
        (true, false) => "udp",
        (true, true) => "udp6",
    };
    let pname = if udp { "udp" } else { "tcp" };
    let (pip, pport) = s.peer.unwrap_or((crate::kernel::sockets::any(s.v6()), 0));
    let local = addr_port(ctx, o, s.ip, s.port, pname);
    let remote = addr_port(ctx, o, pip, pport, pname);
    let state = if udp {
        if connected {
            "ESTABLISHED"
        } else {
            ""
        }
    } else if connected {
        "ESTABLISHED"
    } else {
        "LISTEN"
    };
    if udp {
        out.push_str(&format!("{:<5} {:>6} {:>6} {:<23} {:<23} {:<11}", proto, 0, 0, local, remote, state));
    } else {
        out.push_str(&format!("{:<4}  {:>6} {:>6} {:<lw$} {:<rw$} {:<11}", proto, 0, 0, local, remote, state, lw = local.len().max(23), rw = remote.len().max(23)));
    }
    if o.extend > 1 {
        let uid = s.holders.first().and_then(|(p, _)| ctx.k.procs.get(p)).map(|p| p.uid).unwrap_or(0);
        let user = if o.numeric { uid.to_string() } else { super::users::name_of_uid(ctx.k, ctx.pid, uid).unwrap_or_else(|| uid.to_string()) };
        out.push_str(&format!(" {:<10} {:<10}", user, s.inode));
    }
    if o.programs {
        out.push_str(&format!(" {:<20}", program(holders, s.inode)));
    }
    out.push('\n');
}

/// `netstat -rn`: the main routing table as /proc/net/route lists it (by destination), in
/// net-tools' columns.
fn route_table(ctx: &Ctx) -> String {
    use crate::kernel::net::{fmt_ip, mask};
    let mut out = String::from("Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n");
    let Some(n) = ctx.k.net_of(ctx.pid).ok().and_then(|ns| ctx.k.net_ns.get(&ns)) else { return out };
    let mut routes = n.routes.clone();
    routes.extend(n.connected_routes());
    let mut rows: Vec<(u32, u8, String)> = Vec::new();
    for r in &routes {
        let (dst, prefix) = r.dst.unwrap_or(([0; 4], 0));
        let mut flags = String::from("U");
        if r.via.is_some() {
            flags.push('G');
        }
        if prefix == 32 {
            flags.push('H');
        }
        let iface = n.links.get(&r.dev).map(|l| l.name.clone()).unwrap_or_default();
        let line = format!(
            "{:<15} {:<15} {:<15} {:<6}{:>5} {:<6} {:>5} {}\n",
            fmt_ip(dst),
            fmt_ip(r.via.unwrap_or([0; 4])),
            fmt_ip(mask(prefix).to_be_bytes()),
            flags,
            0,
            0,
            0,
            iface
        );
        rows.push((u32::from_be_bytes(dst), prefix, line));
    }
    crate::sort::SortSlice::sort_stable_by_key(&mut rows[..], |r| (r.0, r.1));
    for (_, _, l) in rows {
        out.push_str(&l);
    }
    out
}
