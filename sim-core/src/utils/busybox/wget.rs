//! busybox `wget`: how a container reaches another by name (`wget -qO- web` on a Compose
//! network) or the host (`wget -qO- 172.17.0.1:8080`). Names resolve as musl does: the
//! address literal, /etc/hosts, then the nameserver of /etc/resolv.conf, which on a
//! user-defined network is Docker's embedded DNS ([`crate::engine::dns`]). Messages and the
//! progress line as busybox 1.34 prints them (captured against real dockerd).

use super::getopt::{getopt, long, HasArg};
use super::show_usage;
use crate::engine::dns;
use crate::http::Request;
use crate::kernel::net::{fmt_ip, parse_ip};
use crate::programs::http::{connect, split_response, Connection};
use crate::utils::{Ctx, Outcome};

struct Url {
    host: String,
    /// As written (`srv1:8080`), for "Connecting to".
    host_port: String,
    port: u16,
    path: String,
}

fn parse_url(s: &str) -> Option<Url> {
    let rest = s.strip_prefix("http://").or_else(|| s.strip_prefix("ftp://")).unwrap_or(s);
    let (host_port, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (host_port, 80),
    };
    Some(Url { host: host.to_string(), host_port: host_port.to_string(), port, path: path.to_string() })
}

/// musl's lookup: literal, localhost, /etc/hosts, then the DNS server in resolv.conf.
fn resolve(ctx: &Ctx, host: &str) -> Option<[u8; 4]> {
    if let Some(ip) = parse_ip(host) {
        return Some(ip);
    }
    let listed = crate::utils::curl::hosts_file_lookup(ctx, host);
    if listed.is_some() {
        return listed;
    }
    let resolv = String::from_utf8_lossy(&ctx.read_file("/etc/resolv.conf").unwrap_or_default()).into_owned();
    let server = resolv.lines().find_map(|l| l.strip_prefix("nameserver ")).and_then(|a| parse_ip(a.trim()));
    // The simulation has no DNS but Docker's embedded server.
    (server == Some(dns::SERVER)).then(|| dns::lookup(ctx.k, ctx.pid, host)).flatten()
}

/// busybox's 5-column size: the number, or kilobytes past 99999.
fn size5(n: usize) -> String {
    if n < 100_000 {
        n.to_string()
    } else if n / 1024 < 100_000 {
        format!("{}k", n / 1024)
    } else {
        format!("{}M", n / (1024 * 1024))
    }
}

fn progress(name: &str, n: usize) -> String {
    let short: String = name.chars().take(20).collect();
    format!("{short:<20} 100% |{}| {:>5}  0:00:00 ETA\n", "*".repeat(32), size5(n))
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let longs = [long("spider", HasArg::No, '\u{1}'), long("header", HasArg::Required, '\u{2}'), long("quiet", HasArg::No, 'q'), long("output-document", HasArg::Required, 'O')];
    let o = match getopt(ctx, "cqSO:o:P:U:T:Y:", &longs) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let Some(arg) = o.operands.first().cloned() else { return show_usage(ctx) };
    let quiet = o.has('q');
    let Some(url) = parse_url(&arg) else {
        ctx.err(&format!("wget: bad address '{arg}'\n"));
        return Outcome::Exit(1);
    };
    let Some(ip) = resolve(ctx, &url.host) else {
        ctx.err(&format!("wget: bad address '{}'\n", url.host));
        return Outcome::Exit(1);
    };
    if !quiet {
        ctx.err(&format!("Connecting to {} ({}:{})\n", url.host_port, fmt_ip(ip), url.port));
    }
    let mut req = Request::new("GET", &url.path);
    req.headers.push(("Host".into(), url.host_port.clone()));
    req.headers.push(("User-Agent".into(), "Wget".into()));
    req.headers.push(("Connection".into(), "close".into()));
    let Ok(ns) = ctx.k.net_of(ctx.pid) else { return Outcome::Exit(1) };
    let src = if ip[0] == 127 { [127, 0, 0, 1] } else { crate::utils::curl::own_address(ctx, ip).unwrap_or([0, 0, 0, 0]) };
    let bytes = match connect(ctx.k, ns, src, ip, url.port, &req.emit()) {
        Connection::Answered(b) => b,
        Connection::Refused => {
            ctx.err(&format!("wget: can't connect to remote host ({}): Connection refused\n", fmt_ip(ip)));
            return Outcome::Exit(1);
        }
        Connection::Reset => {
            ctx.err("wget: error getting response: Connection reset by peer\n");
            return Outcome::Exit(1);
        }
    };
    let (head, body) = split_response(&bytes);
    let status = head.lines().next().unwrap_or("").trim_end().to_string();
    if !status.split_whitespace().nth(1).is_some_and(|c| c.starts_with('2')) {
        ctx.err(&format!("wget: server returned error: {status}\n"));
        return Outcome::Exit(1);
    }
    let target = o.value('O').map(str::to_string).unwrap_or_else(|| {
        let last = url.path.rsplit('/').next().unwrap_or("");
        if last.is_empty() { "index.html".to_string() } else { last.to_string() }
    });
    if target == "-" {
        if !quiet {
            ctx.err("writing to stdout\n");
        }
        ctx.io.out.extend_from_slice(&body);
        if !quiet {
            ctx.err(&progress("-", body.len()));
            ctx.err("written to stdout\n");
        }
        return Outcome::Exit(0);
    }
    // Without -O an existing file is not overwritten.
    if o.value('O').is_none() && ctx.k.resolve(ctx.pid, &target, false).is_ok() {
        ctx.err(&format!("wget: can't open '{target}': File exists\n"));
        return Outcome::Exit(1);
    }
    if !quiet {
        ctx.err(&format!("saving to '{target}'\n"));
    }
    if let Err(e) = ctx.k.write_file(ctx.pid, &target, &body, false) {
        ctx.err(&format!("wget: can't open '{target}': {}\n", super::strerror(e)));
        return Outcome::Exit(1);
    }
    if !quiet {
        let base = target.rsplit('/').next().unwrap_or(&target).to_string();
        ctx.err(&progress(&base, body.len()));
        ctx.err(&format!("'{target}' saved\n"));
    }
    Outcome::Exit(0)
}
