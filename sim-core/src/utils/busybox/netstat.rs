//! busybox `netstat` (1.34.1): `/proc/net/{tcp,tcp6,udp,udp6,unix}` of the caller's network
//! namespace in busybox's own widths (`%-23s` addresses, `-W` 51), `tcp` for IPv6 too, and
//! `-p` as `PID/argv0` from a scan of `/proc` (the first process found keeps a socket).
//! Also busybox `nc` in listen mode (`nc -lk -p 80 -e cat`), which leaves a listener.

use std::net::IpAddr;

use super::getopt::getopt;
use crate::kernel::sockets::{Bind, Proto, Socket};
use crate::utils::sockinfo::{self, Holders};
use crate::utils::{Ctx, Outcome};

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "laentuwxrWp", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let (mut listening, mut connected) = (false, true);
    if o.has('l') {
        connected = false;
        listening = true;
    }
    if o.has('a') {
        listening = true;
        connected = true;
    }
    let numeric = o.has('n');
    if o.has('r') {
        ctx.err("netstat: -r: applet option not simulated in this playground\n");
        return Outcome::Exit(1);
    }
    let width = if o.has('W') { 51 } else { 23 };
    let prg = o.has('p');
    let holders = if prg { sockinfo::holders(ctx) } else { Holders::default() };
    if prg && holders.denied {
        let msg = if holders.found_any { "showing only processes with your user ID" } else { "can't scan /proc - are you root?" };
        ctx.err(&format!("netstat: {msg}\n"));
    }
    let (mut tcp, mut udp, mut raw, mut unix) = (o.has('t'), o.has('u'), o.has('w'), o.has('x'));
    if !(tcp || udp || raw || unix) {
        (tcp, udp, raw, unix) = (true, true, true, true);
    }
    let banner = if prg { "PID/Program name    " } else { "" };
    let which = if listening && connected {
        "(servers and established)"
    } else if listening {
        "(only servers)"
    } else {
        "(w/o servers)"
    };
    let socks = sockinfo::sockets(ctx);
    let mut out = String::new();
    if tcp || udp || raw {
        out.push_str(&format!("Active Internet connections {which}\nProto Recv-Q Send-Q {:<width$} {:<width$} State       {banner}\n", "Local Address", "Foreign Address"));
    }
    for (on, proto) in [(tcp, Proto::Tcp), (udp, Proto::Udp)] {
        if !on {
            continue;
        }
        for v6 in [false, true] {
            for s in socks.iter().filter(|s| s.proto == proto && s.v6() == v6) {
                let is_connected = s.peer.is_some();
                if (is_connected && !connected) || (!is_connected && !listening) {
                    continue;
                }
                let name = if proto == Proto::Tcp { "tcp" } else { "udp" };
                let (pip, pport) = s.peer.unwrap_or((crate::kernel::sockets::any(s.v6()), 0));
                let l = ip_port(ctx, s.ip, s.port, name, numeric);
                let r = ip_port(ctx, pip, pport, name, numeric);
                let state = match (proto, is_connected) {
                    (Proto::Tcp, false) => "LISTEN",
                    (_, true) => "ESTABLISHED",
                    _ => "",
                };
                out.push_str(&format!("{name}   {:>6} {:>6} {l:<width$} {r:<width$} {state:<12}", 0, 0));
                if prg {
                    out.push_str(&program(&holders, s));
                }
                out.push('\n');
            }
        }
    }
    if unix {
        out.push_str(&format!("Active UNIX domain sockets {which}\nProto RefCnt Flags       Type       State         I-Node {banner}Path\n"));
        for s in socks.iter().filter(|s| s.proto == Proto::UnixStream) {
            let l = s.listening();
            if (l && !listening) || (!l && !connected) {
                continue;
            }
            let (flags, state) = if l { ("[ ACC ]", "LISTENING") } else { ("[ ]", "CONNECTED") };
            out.push_str(&format!("{:<5} {:<6} {:<11} {:<10} {:<13} {:>6} ", "unix", 2, flags, "STREAM", state, s.inode));
            if prg {
                out.push_str(&format!("{:<20}", program(&holders, s)));
            }
            out.push_str(&s.path.clone().unwrap_or_default());
            out.push('\n');
        }
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

/// `PID/basename(argv0)` of the first holder found, at most 19 characters.
fn program(holders: &Holders, s: &Socket) -> String {
    match holders.by_inode.get(&s.inode).and_then(|v| v.first()) {
        Some(h) => {
            let base = h.arg0.rsplit('/').next().unwrap_or(&h.arg0);
            format!("{}/{}", h.pid, base).chars().take(19).collect()
        }
        None => "-".into(),
    }
}

/// `ip_port_str`: numeric addresses (a name from /etc/hosts unless `-n`), the port's service
/// name unless `-n`, `*` for port 0.
fn ip_port(ctx: &Ctx, ip: IpAddr, port: u16, proto: &str, numeric: bool) -> String {
    let mut host = ip.to_string();
    if !numeric && !ip.is_unspecified() {
        if let Ok(data) = ctx.read_file("/etc/hosts") {
            let found = String::from_utf8_lossy(&data).lines().find_map(|line| {
                let mut w = line.split('#').next().unwrap_or("").split_whitespace();
                match (w.next(), w.next()) {
                    (Some(a), Some(name)) if a.parse::<IpAddr>().ok() == Some(ip) => Some(name.to_string()),
                    _ => None,
                }
            });
            if let Some(f) = found {
                host = f;
            }
        }
    }
    let service = if port == 0 {
        "*".to_string()
    } else if numeric {
        port.to_string()
    } else {
        sockinfo::service_name(ctx, port, proto).unwrap_or_else(|| port.to_string())
    };
    format!("{host}:{service}")
}

/// `nc -l -p PORT [-k] [-s ADDR] [-e PROG...]`: listens (one dual-stack socket on `::`, or on
/// the address given) and waits for connections. Connecting (without `-l`) is not modeled.
pub fn nc(ctx: &mut Ctx) -> Outcome {
    // -e takes the rest of the command line: cut it off before parsing.
    let cut = ctx.argv.iter().position(|a| a == "-e");
    let saved = ctx.argv.clone();
    if let Some(i) = cut {
        ctx.argv.truncate(i);
    }
    let o = getopt(ctx, "lknuvbzp:s:w:i:o:", &[]);
    ctx.argv = saved;
    let o = match o {
        Ok(o) => o,
        Err(out) => return out,
    };
    if !o.has('l') || o.has('u') {
        ctx.err("nc: connecting: applet mode not simulated in this playground\n");
        return Outcome::Exit(127);
    }
    let Some(port) = o.value('p').and_then(|p| p.parse::<u16>().ok()) else {
        return super::show_usage(ctx);
    };
    let ip = match o.value('s') {
        Some(a) => match a.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => {
                ctx.err(&format!("nc: bad address '{a}'\n"));
                return Outcome::Exit(1);
            }
        },
        None => crate::kernel::sockets::any(true),
    };
    let _ = ctx.k.bind_socket(ctx.pid, Bind::tcp(ip, port, false, 1));
    Outcome::Running { until: None }
}
