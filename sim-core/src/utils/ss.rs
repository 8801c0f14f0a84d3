//! iproute2's `ss` (6.1, as on this project's reference machine; Amazon Linux 2 ships an older
//! iproute2 whose `ss` pads columns the same way since 4.15 but prints `*` for 0.0.0.0
//! before 4.17). Sockets come from the caller's network namespace, processes (`-p`) from the
//! descriptors of the processes its `/proc` shows, which only root may read for other users.
//!
//! Output is buffered in columns and laid out as `ss.c`'s `render_calc_width` does: each
//! column as wide as its widest field; on a terminal the spare width is spread over the
//! columns of each line, piped it is not.

use std::net::IpAddr;

use super::sockinfo::{self, Holders};
use super::{getopt, Ctx, Outcome};
use crate::kernel::sockets::{Proto, Socket};

const USAGE: &str = include_str!("usage/ss.txt");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// ss.c's columns: alignment, header, left delimiter.
const COLUMNS: [(Align, &str, &str); 10] = [
    (Align::Left, "Netid", ""),
    (Align::Left, "State", " "),
    (Align::Left, "Recv-Q", " "),
    (Align::Left, "Send-Q", " "),
    (Align::Right, "Local Address:", " "),
    (Align::Left, "Port", ""),
    (Align::Right, "Peer Address:", " "),
    (Align::Left, "Port", ""),
    (Align::Left, "Process", ""),
    (Align::Left, "", ""),
];

struct Opts {
    tcp: bool,
    udp: bool,
    unix: bool,
    listening: bool,
    all: bool,
    numeric: bool,
    processes: bool,
    header: bool,
    v4: bool,
    v6: bool,
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let long = ["numeric", "resolve", "options", "extended", "memory", "info", "processes", "threads", "tcp", "udp", "unix", "all", "listening", "ipv4", "ipv6", "version", "help", "no-header", "summary", "oneline"];
    let p = match getopt(&args, "dhaletuwxnro460spTbEmMiVzZKHSO", "fADFN", &long, &["family", "socket", "query", "diag", "filter", "net"]) {
        Ok(p) => p,
        Err(e) => {
            let what = e.message("ss");
            ctx.err(&format!("{what}{USAGE}"));
            return Outcome::Exit(255);
        }
    };
    let has = |s: &str, l: &str| p.flags.iter().any(|f| f == s || f == l);
    // What the simulation has no sockets or details for.
    let unmodeled = ["e", "o", "m", "i", "s", "E", "K", "b", "T", "Z", "z", "O", "w", "d", "0", "S", "M", "extended", "options", "memory", "info", "summary", "threads", "oneline"];
    if let Some(f) = p.flags.iter().find(|f| unmodeled.contains(&f.as_str())) {
        let dash = if f.len() == 1 { "-" } else { "--" };
        ctx.err(&format!("ss: option {dash}{f}: not simulated in this playground\n"));
        return Outcome::Exit(1);
    }
    if let Some((f, _)) = p.values.first() {
        let dash = if f.len() == 1 { "-" } else { "--" };
        ctx.err(&format!("ss: option {dash}{f}: not simulated in this playground\n"));
        return Outcome::Exit(1);
    }
    if has("h", "help") {
        ctx.out(USAGE);
        return Outcome::Exit(0);
    }
    if has("V", "version") {
        ctx.out("ss utility, iproute2-6.1.0\n");
        return Outcome::Exit(0);
    }
    let mut o = Opts {
        tcp: has("t", "tcp"),
        udp: has("u", "udp"),
        unix: has("x", "unix"),
        listening: has("l", "listening"),
        all: has("a", "all"),
        numeric: has("n", "numeric"),
        processes: has("p", "processes"),
        header: !has("H", "no-header"),
        v4: has("4", "ipv4"),
        v6: has("6", "ipv6"),
    };
    if !o.tcp && !o.udp && !o.unix {
        // No table named: all of them (-4/-6 name the inet ones).
        o.tcp = true;
        o.udp = true;
        o.unix = !o.v4 && !o.v6;
    }
    if o.v4 || o.v6 {
        o.unix = o.unix && (has("x", "unix"));
    }
    let filter = match Filter::parse(&p.operands) {
        Some(f) => f,
        None => {
            ctx.err("ss: bison bailing out\n");
            return Outcome::Exit(255);
        }
    };
    let holders = if o.processes { sockinfo::holders(ctx) } else { Holders::default() };
    let socks = sockinfo::sockets(ctx);
    let mut rows: Vec<[String; 10]> = Vec::new();
    // ss dumps unix, then udp, then tcp; inet tables IPv4 first, then IPv6.
    if o.unix {
        for s in socks.iter().filter(|s| s.proto == Proto::UnixStream && shown(&o, s)) {
            rows.push(unix_row(s, &holders));
        }
    }
    for proto in [Proto::Udp, Proto::Tcp] {
        if (proto == Proto::Udp && !o.udp) || (proto == Proto::Tcp && !o.tcp) {
            continue;
        }
        for v6 in [false, true] {
            if (v6 && o.v4 && !o.v6) || (!v6 && o.v6 && !o.v4) {
                continue;
            }
            for s in socks.iter().filter(|s| s.proto == proto && s.v6() == v6 && shown(&o, s) && filter.matches(s)) {
                let row = inet_row(ctx, &o, s, &holders);
                rows.push(row);
            }
        }
    }
    // The Netid column shows when more than one table is listed (unix is three: stream,
    // datagram, seqpacket), State when more than one state may show.
    let tables = o.tcp as u32 + o.udp as u32 + if o.unix { 3 } else { 0 };
    let mut disabled = [false; 10];
    disabled[0] = tables < 2;
    disabled[1] = false;
    let mut out = String::new();
    let header: [String; 10] = COLUMNS.map(|c| c.1.to_string());
    let mut all_rows = Vec::new();
    if o.header {
        all_rows.push(header);
    }
    all_rows.extend(rows);
    let width = if ctx.io.tty_out { Some(ctx.io.cols.max(1)) } else { None };
    render(&all_rows, &disabled, width, &mut out);
    ctx.out(&out);
    Outcome::Exit(0)
}

/// Whether the state filter lets a socket through: by default connected sockets only, with
/// `-l` listening (and unconnected) ones, with `-a` all.
fn shown(o: &Opts, s: &Socket) -> bool {
    let waiting = s.peer.is_none();
    o.all || (o.listening == waiting)
}

fn state_name(s: &Socket) -> &'static str {
    if s.proto == Proto::Udp {
        "UNCONN"
    } else if s.peer.is_some() {
        "ESTAB"
    } else {
        "LISTEN"
    }
}

/// `users:(("name",pid=N,fd=M),...)`: the holders in the reverse of the order the scan of
/// /proc met them (ss pushes each on the front of its hash chain).
fn users(holders: &Holders, inode: u64) -> String {
    match holders.by_inode.get(&inode) {
        Some(v) if !v.is_empty() => {
            let list: Vec<String> = v.iter().rev().map(|h| format!("(\"{}\",pid={},fd={})", h.comm, h.pid, h.fd)).collect();
            format!(" users:({})", list.join(","))
        }
        _ => String::new(),
    }
}

fn unix_row(s: &Socket, holders: &Holders) -> [String; 10] {
    [
        "u_str".into(),
        state_name(s).into(),
        format!("{:<6}", 0),
        format!("{:<6}", s.backlog),
        format!("{} ", s.path.clone().unwrap_or_else(|| "*".into())),
        s.inode.to_string(),
        "* ".into(),
        "0".into(),
        users(holders, s.inode),
        String::new(),
    ]
}

/// An address as ss prints it: IPv4 dotted, IPv6 in brackets, `*` for `::` when the socket
/// also takes IPv4.
fn addr(ip: IpAddr, v6only: bool) -> String {
    match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) if a.is_unspecified() && !v6only => "*".into(),
        IpAddr::V6(a) => format!("[{a}]"),
    }
}

fn inet_row(ctx: &Ctx, o: &Opts, s: &Socket, holders: &Holders) -> [String; 10] {
    let proto = if s.proto == Proto::Udp { "udp" } else { "tcp" };
    let port = |p: u16| -> String {
        if p == 0 {
            "*".into()
        } else if o.numeric {
            p.to_string()
        } else {
            sockinfo::service_name(ctx, p, proto).unwrap_or_else(|| p.to_string())
        }
    };
    let (peer_ip, peer_port) = match s.peer {
        Some((ip, p)) => (ip, p),
        None => (crate::kernel::sockets::any(s.v6()), 0),
    };
    let send_q = if s.listening() { s.backlog } else { 0 };
    [
        proto.into(),
        state_name(s).into(),
        format!("{:<6}", 0),
        format!("{:<6}", send_q),
        format!("{}:", addr(s.ip, s.v6only)),
        port(s.port),
        format!("{}:", addr(peer_ip, s.v6only)),
        port(peer_port),
        users(holders, s.inode),
        String::new(),
    ]
}

/// `render_calc_width` and `render` of ss.c: `width` is the terminal's, None when stdout is
/// not one (then no spacing is added).
fn render(rows: &[[String; 10]], disabled: &[bool; 10], width: Option<usize>, out: &mut String) {
    let n = COLUMNS.len();
    let mut max_len = [0usize; 10];
    for r in rows {
        for c in 0..n {
            if !disabled[c] {
                max_len[c] = max_len[c].max(r[c].len());
            }
        }
    }
    let mut w = [0usize; 10];
    let mut first = true;
    let screen = width.unwrap_or(usize::MAX);
    for c in 0..n {
        if disabled[c] {
            continue;
        }
        w[c] = if !first && max_len[c] > 0 { max_len[c] + COLUMNS[c].2.len() } else { max_len[c] };
        w[c] = w[c].min(screen);
        if w[c] > 0 {
            first = false;
        }
    }
    if width.is_some() {
        // Spread the spare width of each line over its columns.
        let mut len = 0usize;
        let mut linecols = 0usize;
        let mut eol: isize = -1;
        let mut c: isize = 0;
        while (c as usize) < n {
            let cu = c as usize;
            if w[cu] == 0 {
                c += 1;
                continue;
            }
            linecols += 1;
            len += w[cu];
            let last = !(cu + 1..n).any(|t| w[t] > 0);
            if !last && len < screen {
                c += 1;
                continue;
            }
            if len == screen {
                eol = c;
                len = 0;
                linecols = 0;
                c += 1;
                continue;
            }
            let mut cc = c;
            if len > screen {
                len -= w[cu];
                cc -= 1;
                linecols -= 1;
            }
            let pad = screen - len;
            if let Some(spacing) = pad.checked_div(linecols) {
                let mut rem = pad % linecols;
                let mut t = cc;
                while t > eol {
                    let tu = t as usize;
                    if w[tu] > 0 {
                        w[tu] += spacing;
                        if rem > 0 {
                            w[tu] += 1;
                            rem -= 1;
                        }
                    }
                    t -= 1;
                }
            }
            eol = cc;
            len = 0;
            linecols = 0;
            c = cc + 1;
        }
    }
    for r in rows {
        let mut started = false;
        for c in 0..n {
            if disabled[c] {
                continue;
            }
            let (align, _, delim) = COLUMNS[c];
            let mut printed = 0;
            if started {
                out.push_str(delim);
                printed = delim.len();
            }
            started = true;
            let tok = &r[c];
            if w[c] > 0 && align == Align::Right {
                let s = w[c] as isize - tok.len() as isize - printed as isize;
                if s > 0 {
                    out.push_str(&" ".repeat(s as usize));
                    printed += s as usize;
                }
            }
            out.push_str(tok);
            printed += tok.len();
            if w[c] > 0 && align == Align::Left && w[c] > printed {
                out.push_str(&" ".repeat(w[c] - printed));
            }
        }
        out.push('\n');
    }
}

/// The part of ss's filter language learners use: `sport = :PORT`, `dport = :PORT` (also
/// `==`, `eq`), joined by `and`/`or` not supported; none means everything.
struct Filter {
    sport: Option<u16>,
    dport: Option<u16>,
}

impl Filter {
    fn parse(words: &[String]) -> Option<Filter> {
        let mut f = Filter { sport: None, dport: None };
        let joined = words.join(" ").replace(['(', ')'], " ");
        let w: Vec<&str> = joined.split_whitespace().collect();
        let mut i = 0;
        while i < w.len() {
            let key = w[i];
            if key != "sport" && key != "dport" {
                return None;
            }
            let mut j = i + 1;
            if matches!(w.get(j), Some(&"=") | Some(&"==") | Some(&"eq")) {
                j += 1;
            }
            let port = w.get(j)?.strip_prefix(':')?.parse::<u16>().ok()?;
            if key == "sport" {
                f.sport = Some(port);
            } else {
                f.dport = Some(port);
            }
            i = j + 1;
            if w.get(i) == Some(&"and") {
                i += 1;
            }
        }
        Some(f)
    }

    fn matches(&self, s: &Socket) -> bool {
        self.sport.is_none_or(|p| p == s.port) && self.dport.is_none_or(|p| Some(p) == s.peer.map(|(_, pp)| pp).or(Some(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(v: [&str; 10]) -> [String; 10] {
        v.map(str::to_string)
    }

    /// Two docker-proxy listeners and one without a visible process, as `ss -tlnp` printed
    /// them on the reference machine, piped and on an 80-column terminal.
    #[test]
    fn layout_as_real_ss() {
        let users = r#" users:(("docker-proxy",pid=27984,fd=4))"#;
        let users6 = r#" users:(("docker-proxy",pid=27990,fd=4))"#;
        let rows = [
            COLUMNS.map(|c| c.1.to_string()),
            row(["tcp", "LISTEN", "0     ", "4096  ", "0.0.0.0:", "8080", "0.0.0.0:", "*", users, ""]),
            row(["tcp", "LISTEN", "0     ", "128   ", "0.0.0.0:", "2024", "0.0.0.0:", "*", "", ""]),
            row(["tcp", "LISTEN", "0     ", "4096  ", "[::]:", "8080", "[::]:", "*", users6, ""]),
        ];
        let mut disabled = [false; 10];
        disabled[0] = true;
        let mut piped = String::new();
        render(&rows, &disabled, None, &mut piped);
        assert_eq!(
            piped,
            "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess                                 \n\
             LISTEN 0      4096         0.0.0.0:8080      0.0.0.0:*    users:((\"docker-proxy\",pid=27984,fd=4))\n\
             LISTEN 0      128          0.0.0.0:2024      0.0.0.0:*                                           \n\
             LISTEN 0      4096            [::]:8080         [::]:*    users:((\"docker-proxy\",pid=27990,fd=4))\n"
        );
        let mut tty = String::new();
        render(&rows, &disabled, Some(80), &mut tty);
        // The Process column goes to a line of its own in the layout (no newline is
        // printed): the fields before it fill 80 columns, it is padded to 80 itself.
        let lines: Vec<&str> = tty.lines().collect();
        assert!(lines[0].starts_with("State     Recv-Q    Send-Q       Local Address:Port        Peer Address:Port    Process "));
        assert!(lines[1].starts_with(&format!("LISTEN    0         4096               0.0.0.0:8080             0.0.0.0:*       {users}")));
        assert!(lines[3].starts_with(&format!("LISTEN    0         4096                  [::]:8080                [::]:*       {users6}")));
        assert!(lines.iter().all(|l| l.len() == lines[0].len()));
        let rows: Vec<[String; 10]> = rows.iter().map(|r| {
            let mut r = r.clone();
            r[8] = if r[0] == "Netid" { "Process".into() } else { String::new() };
            r
        }).collect();
        let mut tty = String::new();
        render(&rows, &disabled, Some(80), &mut tty);
        assert_eq!(
            tty,
            "State    Recv-Q   Send-Q     Local Address:Port     Peer Address:Port  Process  \n\
             LISTEN   0        4096             0.0.0.0:8080          0.0.0.0:*              \n\
             LISTEN   0        128              0.0.0.0:2024          0.0.0.0:*              \n\
             LISTEN   0        4096                [::]:8080             [::]:*              \n"
        );
    }
}
