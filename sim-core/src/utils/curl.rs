//! curl (7.88.1, as on the machines we check against): HTTP GET/HEAD over TCP to the
//! simulation's servers, or over a unix socket (`--unix-socket /var/run/docker.sock`) to dockerd.

use super::{Ctx, Outcome};
use crate::client::transport::DockerTransport;
use crate::engine::socket::SimTransport;
use crate::http::Request;
use crate::kernel::net::parse_ip;
use crate::programs::http::{connect, split_response, Connection};

pub const VERSION: &str = "7.88.1";

struct Opts {
    silent: bool,
    show_error: bool,
    include: bool,
    head: bool,
    method: Option<String>,
    headers: Vec<(String, String)>,
    unix_socket: Option<String>,
    output: Option<String>,
    url: Option<String>,
}

/// `-sSI` -> `-s -S -I`; a letter that takes a value takes the rest (`-XPOST`).
fn unbundle(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for a in args {
        if a.starts_with('-') && !a.starts_with("--") && a.len() > 2 {
            let letters: Vec<char> = a[1..].chars().collect();
            for (i, c) in letters.iter().enumerate() {
                out.push(format!("-{c}"));
                if matches!(c, 'X' | 'H' | 'o' | 'm') && i + 1 < letters.len() {
                    out.push(letters[i + 1..].iter().collect());
                    break;
                }
            }
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn parse(args: &[String]) -> Result<Opts, String> {
    let args = unbundle(args);
    let mut o = Opts { silent: false, show_error: false, include: false, head: false, method: None, headers: Vec::new(), unix_socket: None, output: None, url: None };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut need = |name: &str| it.next().cloned().ok_or_else(|| format!("curl: option {name}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
        match a.as_str() {
            "-s" | "--silent" => o.silent = true,
            "-S" | "--show-error" => o.show_error = true,
            "-i" | "--include" => o.include = true,
            "-I" | "--head" => o.head = true,
            "-v" | "--verbose" | "-L" | "--location" | "-f" | "--fail" => {}
            "-X" | "--request" => o.method = Some(need(a)?),
            "-H" | "--header" => {
                let h = need(a)?;
                if let Some((n, v)) = h.split_once(':') {
                    o.headers.push((n.trim().to_string(), v.trim().to_string()));
                }
            }
            "-m" | "--max-time" | "--connect-timeout" => {
                need(a)?;
            }
            "-o" | "--output" => o.output = Some(need(a)?),
            "--unix-socket" => o.unix_socket = Some(need(a)?),
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("curl: option {s}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
            }
            url => o.url = Some(url.to_string()),
        }
    }
    Ok(o)
}

/// `http://host:port/path` -> (host, port, path).
fn split_url(url: &str) -> Result<(String, u16, String), String> {
    let rest = match url.split_once("://") {
        Some(("http", r)) => r,
        Some((scheme, _)) => return Err(format!("curl: (1) Protocol \"{scheme}\" not supported or disabled in libcurl\n")),
        None => url,
    };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().map_err(|_| "curl: (3) URL using bad/illegal format or missing URL\n".to_string())?),
        None => (hostport.to_string(), 80),
    };
    if host.is_empty() {
        return Err("curl: (3) URL using bad/illegal format or missing URL\n".into());
    }
    Ok((host, port, path))
}

/// The address of a host name: an IP literal, localhost, or a line of /etc/hosts.
fn resolve(ctx: &Ctx, host: &str) -> Option<[u8; 4]> {
    if let Some(ip) = parse_ip(host) {
        return Some(ip);
    }
    if host == "localhost" {
        return Some([127, 0, 0, 1]);
    }
    hosts_file_lookup(ctx, host)
}

/// The IPv4 address /etc/hosts (of the caller's mount namespace) gives `host`.
pub fn hosts_file_lookup(ctx: &Ctx, host: &str) -> Option<[u8; 4]> {
    let hosts = ctx.read_file("/etc/hosts").unwrap_or_default();
    String::from_utf8_lossy(&hosts).lines().find_map(|l| {
        let mut f = l.split_whitespace();
        let ip = parse_ip(f.next()?)?;
        f.any(|n| n == host).then_some(ip)
    })
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match parse(&ctx.argv[1..]) {
        Ok(o) => o,
        Err(e) => {
            ctx.err(&e);
            return Outcome::Exit(2);
        }
    };
    let fail = |ctx: &mut Ctx, code: i32, msg: String| {
        if !o.silent || o.show_error {
            ctx.err(&msg);
        }
        Outcome::Exit(code)
    };
    let Some(url) = o.url.clone() else {
        ctx.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
        return Outcome::Exit(2);
    };
    let (host, port, path) = match split_url(&url) {
        Ok(x) => x,
        Err(m) => return fail(ctx, 3, m),
    };
    let method = o.method.clone().unwrap_or_else(|| if o.head { "HEAD".into() } else { "GET".into() });
    let mut req = Request::new(&method, &path);
    let host_header = if port == 80 { host.clone() } else { format!("{host}:{port}") };
    req.headers.push(("Host".into(), host_header));
    req.headers.push(("User-Agent".into(), format!("curl/{VERSION}")));
    req.headers.push(("Accept".into(), "*/*".into()));
    req.headers.extend(o.headers.iter().cloned());
    let refused = |ctx: &mut Ctx| fail(ctx, 7, format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"));
    let answer: Vec<u8> = if let Some(sock) = &o.unix_socket {
        if crate::lite::LITE {
            return crate::lite::full_only(ctx);
        }
        let mut t = SimTransport::new(ctx.k, ctx.pid, sock);
        match t.roundtrip(&req) {
            Ok(r) => r.emit(),
            Err(_) => return refused(ctx),
        }
    } else {
        let Some(ip) = resolve(ctx, &host) else { return fail(ctx, 6, format!("curl: (6) Could not resolve host: {host}\n")) };
        let Ok(ns) = ctx.k.net_of(ctx.pid) else { return refused(ctx) };
        let src = if ip[0] == 127 { [127, 0, 0, 1] } else { own_address(ctx, ip).unwrap_or([0, 0, 0, 0]) };
        let mut answer = connect(ctx.k, ns, src, ip, port, &req.emit());
        // On a Mac, the desktop app forwards published ports of the VM's containers.
        if answer == Connection::Refused && ip[0] == 127 && crate::host::desktop::forwarded_port(ctx.k, port).is_some() {
            if let Some(g) = ctx.k.guest.as_deref_mut() {
                answer = connect(&mut g.kernel, crate::kernel::NsId(0), [127, 0, 0, 1], [127, 0, 0, 1], port, &req.emit());
            }
        }
        match answer {
            Connection::Answered(b) => b,
            Connection::Refused => return refused(ctx),
            Connection::Reset => return fail(ctx, 56, "curl: (56) Recv failure: Connection reset by peer\n".into()),
        }
    };
    let (head, body) = split_response(&answer);
    let mut out = Vec::new();
    if o.include || o.head {
        out.extend_from_slice(head.as_bytes());
    }
    if !o.head {
        out.extend_from_slice(&body);
    }
    match &o.output {
        Some(f) => {
            if let Err(e) = ctx.k.write_file(ctx.pid, f, &out, false) {
                return fail(ctx, 23, format!("curl: (23) Failure writing output to destination: {}\n", e.message()));
            }
        }
        None => ctx.io.out.extend_from_slice(&out),
    }
    Outcome::Exit(0)
}

/// The caller's address on the interface that reaches `dst`.
/// The source address a connection to `dst` takes: the address on `dst`'s network, else any.
pub fn own_address(ctx: &Ctx, dst: [u8; 4]) -> Option<[u8; 4]> {
    let ns = ctx.k.net_of(ctx.pid).ok()?;
    let n = ctx.k.net_ns.get(&ns)?;
    let mut fallback = None;
    for l in n.links.values() {
        for a in &l.addrs {
            if crate::kernel::net::network(a.addr, a.prefix) == crate::kernel::net::network(dst, a.prefix) {
                return Some(a.addr);
            }
            if a.addr[0] != 127 && fallback.is_none() {
                fallback = Some(a.addr);
            }
        }
    }
    fallback
}
