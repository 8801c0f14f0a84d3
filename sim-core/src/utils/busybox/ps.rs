//! busybox `ps` (procps/ps.c, the DESKTOP flavour): `-o` columns (default
//! `pid,user,time,args`), every other option accepted and ignored (`ps aux` is `ps`), one
//! line per process of the procfs mounted at `/proc`, cut at the terminal's width.

use super::getopt::getopt;
use super::{terminal_width, Ctx, Outcome};
use crate::kernel::vfs::{FileType, SbKind};
use crate::kernel::{Kernel, NsId, Pid, Process};
use crate::utils::users;

const MAX_WIDTH: usize = 2 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    User,
    Group,
    Comm,
    Args,
    Pid,
    Ppid,
    Pgid,
    Etime,
    Nice,
    Rgroup,
    Ruser,
    Time,
    Tty,
    Vsz,
    Sid,
    Stat,
    Rss,
}

/// `out_spec`: width, name, header, in busybox's order (the order of its error message).
const SPEC: &[(usize, &str, &str, Field)] = &[
    (8, "user", "USER", Field::User),
    (8, "group", "GROUP", Field::Group),
    (16, "comm", "COMMAND", Field::Comm),
    (MAX_WIDTH, "args", "COMMAND", Field::Args),
    (5, "pid", "PID", Field::Pid),
    (5, "ppid", "PPID", Field::Ppid),
    (5, "pgid", "PGID", Field::Pgid),
    (7, "etime", "ELAPSED", Field::Etime),
    (5, "nice", "NI", Field::Nice),
    (8, "rgroup", "RGROUP", Field::Rgroup),
    (8, "ruser", "RUSER", Field::Ruser),
    (5, "time", "TIME", Field::Time),
    (6, "tty", "TT", Field::Tty),
    (4, "vsz", "VSZ", Field::Vsz),
    (5, "sid", "SID", Field::Sid),
    (4, "stat", "STAT", Field::Stat),
    (4, "rss", "RSS", Field::Rss),
];

#[derive(Clone, Debug)]
struct Col {
    width: usize,
    header: String,
    field: Field,
}

/// `find_out_spec`: the first 6 letters of a name select a column.
fn find_spec(name: &str) -> Result<Col, String> {
    for (w, n, h, f) in SPEC {
        // strncmp(name, name6, 6): longer names match on six letters of a six-letter one.
        let hit = if name.len() > 6 { n.len() == 6 && name.as_bytes()[..6] == *n.as_bytes() } else { name == *n };
        if hit {
            return Ok(Col { width: *w, header: h.to_string(), field: *f });
        }
    }
    let all: Vec<&str> = SPEC.iter().map(|s| s.1).collect();
    Err(format!("bad -o argument '{name}', supported arguments: {}", all.join(",")))
}

/// `parse_o`: comma-separated names; only the last may carry `=HEADER`.
fn parse_o(opt: &str, cols: &mut Vec<Col>, print_header: &mut bool) -> Result<(), String> {
    let mut rest = opt;
    loop {
        let comma = rest.find(',');
        let equal = rest.find('=');
        match comma {
            Some(c) if equal.map(|e| e > c).unwrap_or(true) => {
                cols.push(find_spec(&rest[..c])?);
                rest = &rest[c + 1..];
            }
            _ => break,
        }
    }
    match rest.split_once('=') {
        Some((name, header)) => {
            let mut col = find_spec(name)?;
            col.header = header.to_string();
            if !header.is_empty() {
                col.width = header.len();
                *print_header = true;
            }
            cols.push(col);
        }
        None => {
            cols.push(find_spec(rest)?);
            *print_header = true;
        }
    }
    Ok(())
}

/// The PID namespace of the procfs mounted at /proc for the caller, if any.
pub fn proc_ns(k: &Kernel, pid: Pid) -> Option<NsId> {
    let mounts = k.mounts_of(pid);
    let m = mounts.iter().rev().find(|m| m.target == "/proc")?;
    match k.vfs.sbs.get(m.sb)?.kind {
        SbKind::Proc { pid_ns } => Some(pid_ns),
        _ => None,
    }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "Zo:aAdeflT", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut cols: Vec<Col> = Vec::new();
    let mut print_header = false;
    let specs = o.values('o');
    let specs = if specs.is_empty() { vec!["pid,user,time,args".to_string()] } else { specs };
    for s in &specs {
        if let Err(msg) = parse_o(s, &mut cols, &mut print_header) {
            super::error(ctx, &msg);
            return Outcome::Exit(1);
        }
    }
    let terminal = if ctx.io.tty_out {
        (terminal_width(ctx, ctx.io.stdin_tty, false) - 1).min(MAX_WIDTH)
    } else {
        MAX_WIDTH
    };
    // alloc_line_buffer: columns past the screen's edge are dropped (the one crossing
    // it stays).
    let mut width = 0;
    for i in 0..cols.len() {
        if !cols[i].header.is_empty() {
            print_header = true;
        }
        width += cols[i].width + 1;
        if width > terminal {
            cols.truncate(i + 1);
            break;
        }
    }
    let mut out = String::new();
    if print_header && !cols.is_empty() {
        let mut line = String::new();
        for (i, c) in cols.iter().enumerate() {
            if i + 1 == cols.len() {
                line.push_str(&c.header);
            } else {
                line.push_str(&format!("{:<w$} ", c.header, w = c.width));
            }
        }
        out.push_str(cut(&line, terminal));
        out.push('\n');
    }
    let procs = scan(ctx);
    for (local, global) in procs {
        let Some(p) = ctx.k.procs.get(&global) else { continue };
        let mut line = String::new();
        for (i, c) in cols.iter().enumerate() {
            let mut v = value(ctx, p, local, c);
            if v.is_empty() {
                v = "-".into();
            }
            let len = v.len() as i64;
            line.push_str(&v);
            if i + 1 == cols.len() {
                break;
            }
            // sprintf("%*s", width - len + 1, " "): a negative width pads on the left.
            let pad = (c.width as i64 - len + 1).unsigned_abs().max(1) as usize;
            line.push_str(&" ".repeat(pad));
        }
        out.push_str(cut(&line, terminal));
        out.push('\n');
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

/// `printf("%.*s")`: at most `n` bytes (kept on a character boundary).
fn cut(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `/proc`'s numeric entries in readdir order: the processes of the mounted namespace.
fn scan(ctx: &Ctx) -> Vec<(u32, Pid)> {
    match proc_ns(ctx.k, ctx.pid) {
        Some(ns) => ctx.k.visible_pids(ns),
        None => Vec::new(),
    }
}

fn ns_of(ctx: &Ctx) -> Option<NsId> {
    proc_ns(ctx.k, ctx.pid)
}

fn local(ctx: &Ctx, global: Pid) -> u32 {
    ns_of(ctx).and_then(|ns| ctx.k.pid_in(global, ns)).unwrap_or(0)
}

fn user_name(ctx: &Ctx, uid: u32) -> String {
    let n = users::name_of_uid(ctx.k, ctx.pid, uid).unwrap_or_else(|| uid.to_string());
    n.chars().take(8).collect()
}

fn group_name(ctx: &Ctx, gid: u32) -> String {
    let n = users::name_of_gid(ctx.k, ctx.pid, gid).unwrap_or_else(|| gid.to_string());
    n.chars().take(8).collect()
}

/// `format_time`: `MM:SS`, then `HHhMM`, `DDdHH`, `DDDDd`.
pub fn format_time(tt: u64) -> String {
    let ss = tt % 60;
    let m = tt / 60;
    if m < 60 {
        return format!("{m:2}:{ss:02}");
    }
    let mm = m % 60;
    let h = m / 60;
    if h < 24 {
        return format!("{h:2}h{mm:02}");
    }
    let hh = h % 24;
    let d = h / 24;
    if d < 100 {
        return format!("{d:2}d{hh:02}");
    }
    format!("{d:4}d")
}

/// `smart_ulltoa4`: a 4-character size, scaled by 1024 with " mgtpezy" suffixes.
pub fn ulltoa4(ul: u64) -> String {
    let scale = b" mgtpezy";
    let mut ul = ul;
    let mut idx = 0;
    if ul > 9999 {
        ul = ul.saturating_mul(10);
        loop {
            ul /= 1024;
            idx += 1;
            if ul < 10000 {
                break;
            }
        }
    }
    let digits = b"0123456789";
    let lead = b" 123456789";
    let mut buf = [b' '; 4];
    let mut u = ul / 10;
    let mut v = ul % 10;
    if idx == 0 {
        let mut fmt: &[u8] = lead;
        buf[0] = lead[(u / 100 % 10) as usize];
        if buf[0] != b' ' {
            fmt = digits;
        }
        buf[1] = fmt[(u / 10 % 10) as usize];
        if buf[1] != b' ' {
            fmt = digits;
        }
        buf[2] = fmt[(u % 10) as usize];
        buf[3] = digits[v as usize];
    } else {
        if u >= 10 {
            let mut fmt: &[u8] = lead;
            buf[0] = lead[(u / 100 % 10) as usize];
            if buf[0] != b' ' {
                fmt = digits;
            }
            v = u % 10;
            u /= 10;
            buf[1] = fmt[(u % 10) as usize];
        } else {
            buf[0] = digits[u as usize];
            buf[1] = b'.';
        }
        buf[2] = digits[v as usize];
        buf[3] = scale[idx.min(scale.len() - 1)];
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// `read_cmdline`: argv joined by spaces, `[comm]` when empty, `{comm} ` in front when
/// argv[0]'s name does not start with comm.
pub fn cmdline(p: &Process) -> String {
    if p.kthread || p.argv.is_empty() || p.argv.iter().all(String::is_empty) {
        return format!("[{}]", p.comm);
    }
    let raw = p.argv.join("\0");
    let raw = raw.trim_end_matches('\0');
    let joined: String = raw.chars().map(|c| if (c as u32) < 0x20 { ' ' } else { c }).collect();
    let first_end = raw.find([' ', '\0']).unwrap_or(raw.len());
    let mut base = raw[..first_end].rfind('/').map(|i| i + 1).unwrap_or(0);
    if joined.as_bytes().get(base) == Some(&b'-') {
        base += 1;
    }
    if joined.as_bytes()[base..].starts_with(p.comm.as_bytes()) {
        joined
    } else {
        format!("{{{}}} {joined}", p.comm)
    }
}

fn tty_numbers(tty: &Option<String>) -> Option<(u32, u32)> {
    let t = tty.as_deref()?;
    if let Some(n) = t.strip_prefix("pts/") {
        return Some((136, n.parse().ok()?));
    }
    if let Some(n) = t.strip_prefix("tty") {
        return Some((4, n.parse().ok()?));
    }
    if t == "console" {
        return Some((5, 1));
    }
    None
}

fn value(ctx: &Ctx, p: &Process, pid: u32, c: &Col) -> String {
    let w = c.width;
    match c.field {
        Field::User | Field::Ruser => user_name(ctx, p.uid),
        Field::Group | Field::Rgroup => group_name(ctx, p.gid),
        Field::Comm => p.comm.chars().take(w).collect(),
        Field::Args => cmdline(p).chars().take(w).collect(),
        Field::Pid => format!("{pid:w$}"),
        Field::Ppid => format!("{:w$}", local(ctx, p.ppid)),
        // /proc/PID/stat of the simulation gives the process's own PID as pgrp and session.
        Field::Pgid | Field::Sid => format!("{pid:w$}"),
        Field::Etime => {
            let up = ctx.k.uptime().max(0) as u64;
            let started = (p.start - ctx.k.boot_time).max(0) as u64;
            format_time(up.saturating_sub(started))
        }
        Field::Nice => format!("{:w$}", p.nice),
        Field::Time => format_time(p.cpu_ticks / 100),
        Field::Tty => match tty_numbers(&p.tty) {
            Some((ma, mi)) => format!("{ma},{mi}"),
            None => "?".into(),
        },
        Field::Vsz => ulltoa4(if p.kthread { 0 } else { p.vsz_kb }),
        Field::Rss => ulltoa4(if p.kthread { 0 } else { p.rss_kb }),
        Field::Stat => {
            let mut s = vec![p.state.letter(), ' ', ' '];
            let mut idx = 1;
            if (p.kthread || p.vsz_kb == 0) && p.state.letter() != 'Z' {
                s[1] = 'W';
                idx = 2;
            }
            if p.nice < 0 {
                s[idx] = '<';
            } else if p.nice > 0 {
                s[idx] = 'N';
            }
            s.into_iter().collect()
        }
    }
}

/// Whether `/proc` exists at all for the caller (ps dies without it).
pub fn has_proc_dir(ctx: &Ctx) -> bool {
    ctx.k
        .resolve(ctx.pid, "/proc", true)
        .ok()
        .and_then(|r| ctx.k.stat_loc(&r.loc))
        .map(|s| s.ftype == FileType::Dir)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_sizes() {
        assert_eq!(ulltoa4(0), "   0");
        assert_eq!(ulltoa4(1624), "1624");
        assert_eq!(ulltoa4(9999), "9999");
        assert_eq!(ulltoa4(10000), "9.7m");
        assert_eq!(ulltoa4(115_676), "112m");
    }

    #[test]
    fn times() {
        assert_eq!(format_time(0), " 0:00");
        assert_eq!(format_time(3599), "59:59");
        assert_eq!(format_time(3600), " 1h00");
        assert_eq!(format_time(86400 * 3 + 3600), " 3d01");
    }

    #[test]
    fn o_specs() {
        let mut cols = Vec::new();
        let mut ph = false;
        assert!(parse_o("pid,comm=CMD", &mut cols, &mut ph).is_ok());
        assert_eq!(cols.len(), 2);
        assert_eq!(cols[1].header, "CMD");
        assert!(parse_o("foo", &mut cols, &mut ph).is_err());
    }
}
