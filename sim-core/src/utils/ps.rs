//! `ps` from procps-ng: BSD (`aux`, `auxf`, `ax`) and SysV (`-ef`, `-e`, `-f`, `-p`, `-o`)
//! selections and formats, laid out by procps's own column algorithm (`show_one_proc`),
//! including how an over-wide value pushes the following columns right and the next
//! left-justified column absorbs the overflow.

use crate::sort::SortSlice;
use super::{Ctx, Outcome};
use crate::clock;
use crate::kernel::vfs::SbKind;
use crate::kernel::{Kernel, NsId, Pid, Process};
use crate::text::truncate_chars;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Just {
    Left,
    Right,
    /// User names: left-justified.
    User,
    /// The last column, unlimited and truncated at the screen edge.
    Unlimited,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    User,
    Uid,
    Pid,
    Ppid,
    Pcpu,
    Pmem,
    Vsz,
    Rss,
    Tty,
    Stat,
    Start,
    BsdTime,
    Time,
    C,
    Args,
    Comm,
    Nlwp,
    PidNs,
}

#[derive(Clone, Debug)]
struct Col {
    header: String,
    width: usize,
    just: Just,
    field: Field,
}

/// The `-o` names procps knows that we model.
fn col_by_name(name: &str, pidw: usize) -> Option<Col> {
    let c = |header: &str, width, just, field| Some(Col { header: header.to_string(), width, just, field });
    match name {
        "user" | "euser" | "uname" | "user:8" => c("USER", 8, Just::User, Field::User),
        "uid" | "euid" => c("UID", 5, Just::Right, Field::Uid),
        "pid" | "tgid" => c("PID", pidw, Just::Right, Field::Pid),
        "ppid" => c("PPID", pidw, Just::Right, Field::Ppid),
        "%cpu" | "pcpu" => c("%CPU", 4, Just::Right, Field::Pcpu),
        "%mem" | "pmem" => c("%MEM", 4, Just::Right, Field::Pmem),
        "vsz" | "vsize" => c("VSZ", 6, Just::Right, Field::Vsz),
        "rss" | "rssize" => c("RSS", 5, Just::Right, Field::Rss),
        "tty" | "tname" | "tt" => c("TT", 8, Just::Left, Field::Tty),
        "stat" => c("STAT", 4, Just::Left, Field::Stat),
        "start_time" | "stime" => c("STIME", 5, Just::Right, Field::Start),
        "time" | "cputime" => c("TIME", 8, Just::Right, Field::Time),
        "c" => c("C", 2, Just::Right, Field::C),
        "args" | "cmd" | "command" => c(if name == "args" { "COMMAND" } else if name == "cmd" { "CMD" } else { "COMMAND" }, 27, Just::Unlimited, Field::Args),
        "comm" | "ucmd" | "ucomm" => c("COMMAND", 15, Just::Unlimited, Field::Comm),
        "nlwp" | "thcount" => c("NLWP", 4, Just::Right, Field::Nlwp),
        "pidns" => c("PIDNS", 10, Just::Right, Field::PidNs),
        _ => None,
    }
}

/// Every format specifier procps' `ps -o` knows (`ps L` of procps-ng 4.0.2), modelled or not:
/// dockerd's `top -o` fails on the others with ps's words.
const PROCPS_SPECIFIERS: &[&str] = &[
    "%cpu", "%mem", "_left", "_left2", "_right", "_right2", "_unlimited", "_unlimited2", "ag_id", "ag_nice",
    "args", "atime", "blocked", "bsdstart", "bsdtime", "c", "caught", "cgname", "cgroup", "cgroupns", "class",
    "cls", "cmd", "comm", "command", "context", "cp", "cpuid", "cputime", "cputimes", "cuc", "cuu", "drs", "dsiz",
    "egid", "egroup", "eip", "esp", "etime", "etimes", "euid", "euser", "exe", "f", "fgid", "fgroup", "flag",
    "flags", "fname", "fsgid", "fsgroup", "fsuid", "fsuser", "fuid", "fuser", "gid", "group", "ignored", "intpri",
    "ipcns", "label", "lastcpu", "lim", "longtname", "lsession", "lstart", "luid", "lwp", "lxc", "m_drs",
    "m_size", "m_trs", "machine", "maj_flt", "majflt", "min_flt", "minflt", "mntns", "netns", "ni", "nice",
    "nlwp", "numa", "oom", "oomadj", "opri", "ouid", "pagein", "pcpu", "pending", "pgid", "pgrp", "pid", "pidns",
    "pmem", "policy", "ppid", "pri", "pri_api", "pri_bar", "pri_baz", "pri_foo", "priority", "psr", "pss",
    "rbytes", "rchars", "rgid", "rgroup", "rops", "rss", "rssize", "rsz", "rtprio", "ruid", "ruser", "s", "sched",
    "seat", "sess", "session", "sgi_p", "sgi_rss", "sgid", "sgroup", "sid", "sig", "sig_block", "sig_catch",
    "sig_ignore", "sig_pend", "sigcatch", "sigignore", "sigmask", "size", "slice", "spid", "stackp", "start",
    "start_stack", "start_time", "stat", "state", "stime", "suid", "supgid", "supgrp", "suser", "svgid",
    "svgroup", "svuid", "svuser", "sz", "tgid", "thcount", "tid", "time", "timens", "times", "tname", "tpgid",
    "trs", "trss", "tsig", "tsiz", "tt", "tty", "tty4", "tty8", "ucmd", "ucomm", "uid", "uid_hack", "uname",
    "unit", "user", "userns", "uss", "util", "utsns", "uunit", "vsize", "vsz", "wbytes", "wcbytes", "wchan",
    "wchars", "wname", "wops", "zone"
];

/// True when procps' `ps -o NAME` (also `NAME=HEADER`, `NAME:WIDTH`) is a known column.
pub fn is_format_specifier(spec: &str) -> bool {
    let name = spec.split_once('=').map_or(spec, |(n, _)| n);
    let name = name.split_once(':').map_or(name, |(n, _)| n);
    PROCPS_SPECIFIERS.contains(&name)
}

/// What the user asked for.
struct Request {
    all: bool,
    bsd_a: bool,
    bsd_x: bool,
    forest: bool,
    format: Format,
    pids: Vec<u32>,
    /// `--ppid LIST`: the children of these.
    ppids: Vec<u32>,
    wide: bool,
    custom: Vec<Col>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Format {
    Default,
    BsdU,
    BsdPlain,
    Full,
    Custom,
}

const USAGE: &str = "\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n";

fn parse(args: &[String], pidw: usize) -> Result<Request, String> {
    let mut r = Request { all: false, bsd_a: false, bsd_x: false, forest: false, format: Format::Default, pids: Vec::new(), ppids: Vec::new(), wide: false, custom: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "forest" => r.forest = true,
                "help" => return Err(String::new()),
                "pid" | "ppid" => {
                    let val = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            match args.get(i) {
                                Some(v) => v.clone(),
                                None => return Err(format!("error: list of process IDs must follow --{name}\n{USAGE}")),
                            }
                        }
                    };
                    for p in val.split([',', ' ']).filter(|s| !s.is_empty()) {
                        match p.parse::<u32>() {
                            Ok(n) if n > 0 && name == "pid" => r.pids.push(n),
                            Ok(n) if n > 0 => r.ppids.push(n),
                            _ => return Err(format!("error: process ID list syntax error\n{USAGE}")),
                        }
                    }
                }
                _ => return Err(format!("error: unknown gnu long option\n{USAGE}")),
            }
        } else if let Some(opts) = a.strip_prefix('-') {
            let chars: Vec<char> = opts.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                match chars[j] {
                    'e' | 'A' => r.all = true,
                    'f' => {
                        if r.format != Format::Custom {
                            r.format = Format::Full
                        }
                    }
                    'H' => r.forest = true,
                    'w' => r.wide = true,
                    'p' | 'o' => {
                        let rest: String = chars[j + 1..].iter().collect();
                        let val = if !rest.is_empty() {
                            rest
                        } else {
                            i += 1;
                            match args.get(i) {
                                Some(v) => v.clone(),
                                None => return Err(format!("error: list of process IDs must follow -p\n{USAGE}")),
                            }
                        };
                        if chars[j] == 'p' {
                            for p in val.split([',', ' ']).filter(|s| !s.is_empty()) {
                                match p.parse::<u32>() {
                                    Ok(n) if n > 0 => r.pids.push(n),
                                    _ => return Err(format!("error: process ID list syntax error\n{USAGE}")),
                                }
                            }
                        } else {
                            for name in val.split([',', ' ']).filter(|s| !s.is_empty()) {
                                let (name, header) = match name.split_once('=') {
                                    Some((n, h)) => (n, Some(h)),
                                    None => (name, None),
                                };
                                match col_by_name(name, pidw) {
                                    Some(mut c) => {
                                        if let Some(h) = header {
                                            c.header = h.to_string();
                                        }
                                        r.custom.push(c)
                                    }
                                    None => return Err(format!("error: unknown user-defined format specifier \"{name}\"\n{USAGE}")),
                                }
                            }
                            r.format = Format::Custom;
                        }
                        break;
                    }
                    _ => return Err(format!("error: unsupported SysV option\n{USAGE}")),
                }
                j += 1;
            }
        } else {
            for c in a.chars() {
                match c {
                    'a' => r.bsd_a = true,
                    'x' => r.bsd_x = true,
                    'u' => r.format = Format::BsdU,
                    'f' => r.forest = true,
                    'w' => r.wide = true,
                    'e' => {}
                    _ => return Err(format!("error: unsupported option (BSD syntax)\n{USAGE}")),
                }
            }
            if r.format == Format::Default {
                r.format = Format::BsdPlain;
            }
        }
        i += 1;
    }
    Ok(r)
}

/// The PID namespace of the procfs mounted at /proc in the caller's mount namespace.
fn proc_ns(k: &Kernel, pid: Pid) -> Option<NsId> {
    let mounts = k.mounts_of(pid);
    let m = mounts.iter().rev().find(|m| m.target == "/proc")?;
    match k.vfs.sbs.get(m.sb)?.kind {
        SbKind::Proc { pid_ns } => Some(pid_ns),
        _ => None,
    }
}

struct Row<'a> {
    p: &'a Process,
    pid: u32,
    ppid: u32,
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let Some(ns) = proc_ns(ctx.k, ctx.pid) else {
        ctx.err("Error, do this: mount -t proc proc /proc\n");
        return Outcome::Exit(1);
    };
    // procps sizes PID columns by the digits of pid_max as its namespace reports it.
    let own_ns = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.pid).unwrap_or(ns);
    let pid_max = ctx.k.pid_ns.get(&own_ns).map(|n| n.pid_max).unwrap_or(ctx.k.pid_max);
    let pidw = pid_max.saturating_sub(1).max(1).to_string().len().max(5);
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let req = match parse(&args, pidw) {
        Ok(r) => r,
        Err(e) if e.is_empty() => {
            ctx.out(HELP);
            return Outcome::Exit(0);
        }
        Err(e) => {
            ctx.err(&e);
            return Outcome::Exit(1);
        }
    };
    let me = ctx.k.procs.get(&ctx.pid).cloned();
    let k: &Kernel = ctx.k;
    let mut rows: Vec<Row> = k
        .visible_pids(ns)
        .into_iter()
        .filter_map(|(local, g)| {
            let p = k.procs.get(&g)?;
            Some(Row { p, pid: local, ppid: k.pid_in(p.ppid, ns).unwrap_or(0) })
        })
        .collect();
    let selected_by_pid = !req.pids.is_empty() || !req.ppids.is_empty();
    rows.retain(|r| {
        if selected_by_pid {
            return req.pids.contains(&r.pid) || req.ppids.contains(&r.ppid);
        }
        if req.all || (req.bsd_a && req.bsd_x) {
            return true;
        }
        let same_user = me.as_ref().map(|m| m.uid == r.p.uid).unwrap_or(false);
        let my_tty = me.as_ref().and_then(|m| m.tty.clone());
        match (req.bsd_a, req.bsd_x) {
            (true, false) => r.p.tty.is_some(),
            (false, true) => same_user,
            _ => same_user && r.p.tty == my_tty,
        }
    });

    let cols: Vec<Col> = match req.format {
        Format::BsdU => ["user", "pid", "%cpu", "%mem", "vsz", "rss", "tty", "stat", "start", "time", "command"]
            .iter()
            .filter_map(|n| match *n {
                "tty" => Some(Col { header: "TTY".into(), width: 8, just: Just::Left, field: Field::Tty }),
                "start" => Some(Col { header: "START".into(), width: 5, just: Just::Right, field: Field::Start }),
                "time" => Some(Col { header: "TIME".into(), width: 6, just: Just::Right, field: Field::BsdTime }),
                n => col_by_name(n, pidw),
            })
            .collect(),
        Format::BsdPlain => vec![
            Col { header: "PID".into(), width: pidw, just: Just::Right, field: Field::Pid },
            Col { header: "TTY".into(), width: 8, just: Just::Left, field: Field::Tty },
            Col { header: "STAT".into(), width: 4, just: Just::Left, field: Field::Stat },
            Col { header: "TIME".into(), width: 6, just: Just::Right, field: Field::BsdTime },
            Col { header: "COMMAND".into(), width: 27, just: Just::Unlimited, field: Field::Args },
        ],
        Format::Full => vec![
            Col { header: "UID".into(), width: 8, just: Just::User, field: Field::User },
            Col { header: "PID".into(), width: pidw, just: Just::Right, field: Field::Pid },
            Col { header: "PPID".into(), width: pidw, just: Just::Right, field: Field::Ppid },
            Col { header: "C".into(), width: 2, just: Just::Right, field: Field::C },
            Col { header: "STIME".into(), width: 5, just: Just::Right, field: Field::Start },
            Col { header: "TTY".into(), width: 8, just: Just::Left, field: Field::Tty },
            Col { header: "TIME".into(), width: 8, just: Just::Right, field: Field::Time },
            Col { header: "CMD".into(), width: 27, just: Just::Unlimited, field: Field::Args },
        ],
        Format::Default => vec![
            Col { header: "PID".into(), width: pidw, just: Just::Right, field: Field::Pid },
            Col { header: "TTY".into(), width: 8, just: Just::Left, field: Field::Tty },
            Col { header: "TIME".into(), width: 8, just: Just::Right, field: Field::Time },
            Col { header: "CMD".into(), width: 27, just: Just::Unlimited, field: Field::Comm },
        ],
        Format::Custom => req.custom.clone(),
    };
    let mut cols = cols;
    // Only the last column is unlimited; a custom list may end on a fixed one.
    let n = cols.len();
    for (i, c) in cols.iter_mut().enumerate() {
        if c.just == Just::Unlimited && i + 1 != n {
            c.just = Just::Left;
        }
    }

    let screen = if req.wide || !ctx.io.tty_out {
        match ctx.env.iter().find(|(n, _)| n == "COLUMNS").and_then(|(_, v)| v.parse::<usize>().ok()) {
            Some(c) if !req.wide && c > 0 => c,
            _ => usize::MAX / 4,
        }
    } else {
        ctx.io.cols.max(1)
    };

    let order: Vec<(usize, String)> = if req.forest { forest_order(&rows) } else { (0..rows.len()).map(|i| (i, String::new())).collect() };
    let mut out = String::new();
    let headers: Vec<String> = cols.iter().map(|c| c.header.clone()).collect();
    out.push_str(&render(&cols, &headers, screen));
    for (idx, prefix) in order {
        let r = &rows[idx];
        let vals: Vec<String> = cols
            .iter()
            .map(|c| {
                let v = value(k, ctx.pid, r, c.field);
                if matches!(c.field, Field::Args | Field::Comm) && c.just == Just::Unlimited {
                    format!("{prefix}{v}")
                } else {
                    v
                }
            })
            .collect();
        out.push_str(&render(&cols, &vals, screen));
    }
    let found = !rows.is_empty();
    ctx.out(&out);
    Outcome::Exit(if selected_by_pid && !found { 1 } else { 0 })
}

/// procps's `show_forest`: sort by (ppid, start time); trees are rooted at processes whose
/// parent is not listed, taken from the end of the sorted list; children of PID 1 stay at
/// the top level.
fn forest_order(rows: &[Row]) -> Vec<(usize, String)> {
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_stable_by_key(|i| (rows[*i].ppid, rows[*i].p.start, rows[*i].pid));
    let mut f = Forest { rows, idx, prefix: Vec::new(), out: Vec::new() };
    let listed: Vec<u32> = rows.iter().map(|r| r.pid).collect();
    for pos in (0..f.idx.len()).rev() {
        let r = &rows[f.idx[pos]];
        if r.ppid != r.pid && listed.contains(&r.ppid) {
            continue;
        }
        f.show(pos, 0, false, 0);
    }
    f.out
}

/// procps's `show_tree` state: the sorted rows and the prefix being drawn
/// ('+'/'L' for a branch to this process, '|'/' ' for the levels above it).
struct Forest<'a, 'r> {
    rows: &'r [Row<'a>],
    idx: Vec<usize>,
    prefix: Vec<char>,
    out: Vec<(usize, String)>,
}

impl Forest<'_, '_> {
    fn show(&mut self, pos: usize, level: usize, have_sibling: bool, depth: usize) {
        // Parent links cannot form cycles, but a bound keeps the recursion safe regardless.
        if depth > 200 {
            return;
        }
        self.prefix.truncate(level.saturating_sub(1));
        if level > 0 {
            self.prefix.push(if have_sibling { '+' } else { 'L' });
        }
        let text: String = self
            .prefix
            .iter()
            .map(|c| match c {
                ' ' => "    ",
                'L' | '+' => " \\_ ",
                _ => " |  ",
            })
            .collect();
        self.out.push((self.idx[pos], text));
        let me = self.rows[self.idx[pos]].pid;
        let kids: Vec<usize> = (0..self.idx.len())
            .filter(|j| self.rows[self.idx[*j]].ppid == me && self.rows[self.idx[*j]].pid != me)
            .collect();
        if kids.is_empty() {
            return;
        }
        if level > 0 {
            self.prefix.truncate(level - 1);
            self.prefix.push(if have_sibling { '|' } else { ' ' });
        }
        let nk = kids.len();
        // Children of PID 1 stay at its level, as procps draws them.
        let child_level = if me == 1 { level } else { level + 1 };
        for (n, j) in kids.into_iter().enumerate() {
            self.show(j, child_level, n + 1 < nk, depth + 1);
        }
        self.prefix.truncate(level);
    }
}

/// procps's `show_one_proc` layout for one line.
fn render(cols: &[Col], vals: &[String], screen: usize) -> String {
    let screen = screen as i64;
    let mut line = String::new();
    let (mut correct, mut actual, mut dospace) = (0i64, 0i64, 0i64);
    for (i, (c, v)) in cols.iter().zip(vals).enumerate() {
        let last = i + 1 == cols.len();
        let amount = v.chars().count() as i64;
        let leftpad = match c.just {
            Just::Right => (c.width as i64 - amount).max(0),
            _ => 0,
        };
        let mut space = correct - actual + leftpad;
        if space < 1 {
            space = dospace;
        }
        let space = space.min(144);
        if last {
            let tmp = correct - actual;
            let max_right = if tmp < 1 { screen - actual - dospace } else { screen - correct.max(actual) };
            let text = if c.just == Just::Unlimited || c.just == Just::Left {
                let keep = max_right.max(1) as usize;
                truncate_chars(v, keep).to_string()
            } else {
                v.clone()
            };
            line.push_str(&" ".repeat(space as usize));
            line.push_str(&text);
            break;
        }
        line.push_str(&" ".repeat(space as usize));
        line.push_str(v);
        actual += space + amount;
        correct += c.width as i64 + 1;
        dospace = 1;
    }
    // Lines never run past the screen.
    let line = truncate_chars(&line, screen.max(1) as usize).to_string();
    format!("{line}\n")
}

fn user_name(k: &Kernel, viewer: Pid, uid: u32, width: usize) -> String {
    match super::users::name_of_uid(k, viewer, uid) {
        Some(n) if n.chars().count() > width => format!("{}+", truncate_chars(&n, width - 1)),
        Some(n) => n,
        None => uid.to_string(),
    }
}

fn value(k: &Kernel, viewer: Pid, r: &Row, f: Field) -> String {
    let p = r.p;
    let hz = 100u64;
    let elapsed = (k.now - p.start).max(0) as u64;
    match f {
        Field::User => user_name(k, viewer, p.uid, 8),
        Field::Uid => p.uid.to_string(),
        Field::Pid => r.pid.to_string(),
        Field::Ppid => r.ppid.to_string(),
        Field::Pcpu => {
            let pcpu = ((p.cpu_ticks * 1000 / hz).checked_div(elapsed).unwrap_or(0)).min(999);
            format!("{:2}.{}", pcpu / 10, pcpu % 10)
        }
        Field::C => {
            let c = ((p.cpu_ticks * 100 / hz).checked_div(elapsed).unwrap_or(0)).min(99);
            format!("{c:2}")
        }
        Field::Pmem => {
            let pmem = (p.rss_kb * 1000).checked_div(k.mem_total_kb).unwrap_or(0);
            format!("{:2}.{}", pmem / 10, pmem % 10)
        }
        Field::Vsz => p.vsz_kb.to_string(),
        Field::Rss => p.rss_kb.to_string(),
        Field::Tty => p.tty.clone().unwrap_or_else(|| "?".into()),
        Field::Stat => {
            let mut s = String::new();
            s.push(p.state.letter());
            if p.nice < 0 {
                s.push('<');
            } else if p.nice > 0 {
                s.push('N');
            }
            if p.locked {
                s.push('L');
            }
            if p.session_leader {
                s.push('s');
            }
            if p.threads > 1 {
                s.push('l');
            }
            if p.foreground && p.tty.is_some() {
                s.push('+');
            }
            s
        }
        Field::Start => {
            let now = clock::tm(k.now);
            let t = clock::tm(p.start);
            if now.year != t.year {
                t.year.to_string()
            } else if (now.month, now.day) != (t.month, t.day) {
                format!("{}{:02}", t.mon(), t.day)
            } else {
                format!("{:02}:{:02}", t.hour, t.min)
            }
        }
        Field::BsdTime => {
            let s = p.cpu_ticks / hz;
            format!("{:3}:{:02}", s / 60, s % 60)
        }
        Field::Time => {
            let s = p.cpu_ticks / hz;
            let (d, h, m, sec) = (s / 86400, (s / 3600) % 24, (s / 60) % 60, s % 60);
            if d > 0 {
                format!("{d}-{h:02}:{m:02}:{sec:02}")
            } else {
                format!("{h:02}:{m:02}:{sec:02}")
            }
        }
        Field::Args => p.command(),
        Field::Comm => p.comm.clone(),
        Field::Nlwp => p.threads.to_string(),
        Field::PidNs => k.pid_ns.get(&p.ns.pid).map(|n| n.inode.to_string()).unwrap_or_else(|| "-".into()),
    }
}

const HELP: &str = "\nUsage:\n ps [options]\n\nBasic options:\n -A, -e               all processes\n -a                   all with tty, except session leaders\n  a                   all with tty, including other users\n -d                   all except session leaders\n -N, --deselect       negate selection\n  r                   only running processes\n  T                   all processes on this terminal\n  x                   processes without controlling ttys\n\nFor more details see ps(1).\n";
