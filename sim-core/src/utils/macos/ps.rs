//! macOS `ps` (adv_cmds-199.0.1 ps/ps.c, print.c, keyword.c). Sourced from the code:
//! - formats: plain `ps` is `pid tty time command=CMD` (Unix2003 mode); `-f` is
//!   `uid pid ppid cpu=C start=STIME tty time command=CMD` (`user ...` in BSD mode); `u` is
//!   `user,pid,%cpu,%mem,vsz,rss,tt,state,start,time,command`; a first argument without `-`
//!   (`ps aux`) is BSD mode.
//! - widths: USER is the longest name capped at 16, PID/PPID/UID 5, %CPU 5, %MEM 4, VSZ 8,
//!   RSS 6, TT 5 (header `TT `), STAT 4, STARTED/STIME 7, TIME 9, TTY 8, C 3; numbers
//!   right-aligned, `LJUST` ones left; the last column unpadded.
//! - selection: without `-a`/`-A`/`-e`, only the caller's processes; without `-x` (or `-e`,
//!   `-A`), only those with a controlling terminal; PID 0 never.
//! - order: `u` sorts by %CPU (descending), otherwise by terminal device (none first) then PID.
//! - TT: `??` without a terminal, else the name less `tty` (`s000`); TTY: `ttys000`.
//! - STARTED: `%l:%M%p` within a day, `%a%I%p` within a week, else `%e%b%y` (local time).
//! - TIME: `%3ld:%02ld.%02ld` (minutes, seconds, hundredths).
//! - COMMAND is cut at the terminal width less one (unlimited with `-f`, `-ww`, or a pipe).
//!
//! Assumed: /bin/ps runs set-uid root, so plain `ps` does not list itself (KERN_PROC_UID
//! matches the effective uid); %CPU as the lifetime average; ties in `u` order by PID.

use crate::sort::SortSlice;
use super::super::{Ctx, Outcome};
use crate::kernel::{Process, ProcState};
use crate::utils::users;

const USAGE: &str = "usage: ps [-AaCcEefhjlMmrSTvwXx] [-O fmt | -o fmt] [-G gid[,gid...]]\n          [-g grp[,grp...]] [-u [uid,uid...]]\n          [-p pid[,pid...]] [-t tty[,tty...]] [-U user[,user...]]\n       ps [-L]\n";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    User,
    Uid,
    Pid,
    Ppid,
    Cpu,
    PCpu,
    PMem,
    Vsz,
    Rss,
    Tt,
    Tty,
    Stat,
    Start,
    Time,
    Command,
}

impl Col {
    /// (header, width, left-justified)
    fn spec(self) -> (&'static str, usize, bool) {
        match self {
            Col::User => ("USER", 16, true),
            Col::Uid => ("UID", 5, false),
            Col::Pid => ("PID", 5, false),
            Col::Ppid => ("PPID", 5, false),
            Col::Cpu => ("C", 3, false),
            Col::PCpu => ("%CPU", 5, false),
            Col::PMem => ("%MEM", 4, false),
            Col::Vsz => ("VSZ", 8, false),
            Col::Rss => ("RSS", 6, false),
            Col::Tt => ("TT ", 5, false),
            Col::Tty => ("TTY", 8, true),
            Col::Stat => ("STAT", 4, true),
            Col::Start => ("STARTED", 7, true),
            Col::Time => ("TIME", 9, false),
            Col::Command => ("COMMAND", 16, true),
        }
    }
}

struct Row<'a> {
    p: &'a Process,
    user: String,
    /// Tenths of a percent.
    pcpu: u64,
}

fn pcpu(p: &Process, now: i64) -> u64 {
    let elapsed = (now - p.start).max(1) as u64;
    // cpu_ticks are hundredths of a second: percent * 10 = ticks * 10 / elapsed.
    p.cpu_ticks * 10 / elapsed
}

fn started(ctx: &Ctx, t: i64) -> String {
    let tm = super::local_tm(ctx, t);
    let (h12, ampm) = match tm.hour {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    let age = ctx.k.now - t;
    if age < 24 * 3600 {
        format!("{h12:>2}:{:02}{ampm}", tm.min)
    } else if age < 7 * 86400 {
        format!("{}{h12:02}{ampm}", tm.wday_name())
    } else {
        format!("{:>2}{}{:02}", tm.day, tm.mon(), tm.year.rem_euclid(100))
    }
}

fn state(p: &Process) -> String {
    let mut s = String::new();
    s.push(match p.state {
        ProcState::Running => 'R',
        ProcState::Stopped => 'T',
        ProcState::Zombie => 'Z',
        ProcState::DiskSleep => 'U',
        ProcState::Idle => 'I',
        ProcState::Sleeping => 'S',
    });
    if p.nice < 0 {
        s.push('<');
    } else if p.nice > 0 {
        s.push('N');
    }
    if p.session_leader {
        s.push('s');
    }
    if p.tty.is_some() && p.foreground {
        s.push('+');
    }
    s
}

fn cputime(ticks: u64) -> String {
    let secs = ticks / 100;
    format!("{:3}:{:02}.{:02}", secs / 60, secs % 60, ticks % 100)
}

fn cell(ctx: &Ctx, r: &Row, c: Col, mem_total: u64) -> String {
    let p = r.p;
    match c {
        Col::User => r.user.clone(),
        Col::Uid => p.uid.to_string(),
        Col::Pid => p.pid.to_string(),
        Col::Ppid => p.ppid.to_string(),
        Col::Cpu => "0".into(),
        Col::PCpu => format!("{}.{}", r.pcpu / 10, r.pcpu % 10),
        Col::PMem => {
            let tenths = p.rss_kb * 1000 / mem_total.max(1);
            format!("{}.{}", tenths / 10, tenths % 10)
        }
        Col::Vsz => p.vsz_kb.to_string(),
        Col::Rss => p.rss_kb.to_string(),
        // tname: "%*s " for none, "%*.*s%c" with ' ' for a controlling terminal.
        Col::Tt => match &p.tty {
            None => "?? ".into(),
            Some(t) => format!("{} ", t.strip_prefix("tty").unwrap_or(t).chars().take(4).collect::<String>()),
        },
        Col::Tty => p.tty.clone().unwrap_or_else(|| "??".into()),
        Col::Stat => state(p),
        Col::Start => started(ctx, p.start),
        Col::Time => cputime(p.cpu_ticks),
        Col::Command => p.command(),
    }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let mut args = ctx.argv[1..].to_vec();
    // kludge_oldps_options: `ps aux` is `ps -aux` in BSD (not Unix2003) mode.
    let mut u03 = true;
    if let Some(first) = args.first_mut() {
        if !first.starts_with('-') && first.chars().next().map(|c| !c.is_ascii_digit()).unwrap_or(false) {
            *first = format!("-{first}");
            u03 = false;
        }
    }
    let opts = if u03 { "AaCcdEefhjLlMmrSTvwXx" } else { "AaCcdEeghjLlMmrSTuvwXx" };
    // `-u` takes a user list in Unix2003 mode, but is the user format in BSD mode.
    let with_arg = if u03 { "GgOoptUu" } else { "GOoptU" };
    let (flags, values, operands) = match super::bsd_getopt(&args, opts, with_arg) {
        Ok(p) => p,
        Err(c) => {
            ctx.err(&format!("ps: illegal option -- {c}\n"));
            ctx.err(USAGE);
            return Outcome::Exit(1);
        }
    };
    if let Some(bad) = operands.iter().find(|a| !a.starts_with(|c: char| c.is_ascii_digit())) {
        ctx.err(&format!("ps: illegal argument: {bad}\n"));
        ctx.err(USAGE);
        return Outcome::Exit(1);
    }
    let mut pids: Vec<u32> = operands.iter().filter_map(|a| a.parse().ok()).collect();
    for (c, v) in &values {
        if *c == 'p' {
            pids.extend(v.split([',', ' ']).filter_map(|x| x.parse::<u32>().ok()));
        }
    }
    let has = |c: char| flags.contains(&c);
    let all = has('a') || has('A') || (u03 && has('e'));
    let mut xkeep = has('x') || has('A') || (u03 && has('e'));
    if has('X') {
        xkeep = false;
    }
    let tty_out = ctx.io.tty_out;
    let mut unlimited = !tty_out;
    let mut termwidth = match ctx.getenv("COLUMNS").and_then(|c| c.parse::<usize>().ok()) {
        Some(c) => c,
        None => ctx.io.cols.saturating_sub(1).max(1),
    };
    let ws = flags.iter().filter(|c| **c == 'w').count();
    if ws == 1 && termwidth < 131 {
        termwidth = 131;
    } else if ws > 1 {
        unlimited = true;
    }
    let cols: Vec<Col> = if has('u') && !u03 {
        vec![Col::User, Col::Pid, Col::PCpu, Col::PMem, Col::Vsz, Col::Rss, Col::Tt, Col::Stat, Col::Start, Col::Time, Col::Command]
    } else if has('f') {
        unlimited = true;
        vec![Col::Uid, Col::Pid, Col::Ppid, Col::Cpu, Col::Start, Col::Tty, Col::Time, Col::Command]
    } else {
        vec![Col::Pid, Col::Tty, Col::Time, Col::Command]
    };
    let header = |c: Col| -> &'static str {
        match c {
            Col::Start if has('f') => "STIME",
            Col::Command if cols.len() == 4 || has('f') => "CMD",
            _ => c.spec().0,
        }
    };
    let me = ctx.pid;
    let euid = ctx.uid();
    // /bin/ps is set-uid root: its own effective uid is 0.
    let my_euid = if ctx.k.procs.get(&me).map(|p| p.exe.clone()).and_then(|exe| ctx.k.resolve(me, &exe, true).ok()).and_then(|r| ctx.k.stat_loc(&r.loc)).map(|st| st.perm & 0o4000 != 0 && st.uid == 0).unwrap_or(false) { 0 } else { euid };
    let now = ctx.k.now;
    let mut rows: Vec<Row> = Vec::new();
    for p in ctx.k.procs.values() {
        if p.pid == 0 {
            continue;
        }
        let keep = if pids.contains(&p.pid) {
            true
        } else if !xkeep && p.tty.is_none() {
            false
        } else if all {
            true
        } else if pids.is_empty() {
            let uid = if p.pid == me { my_euid } else { p.uid };
            uid == euid
        } else {
            false
        };
        if keep {
            // ps itself shows as its effective user (root: it is set-uid).
            let shown_uid = if p.pid == me { my_euid } else { p.uid };
            let user = users::name_of_uid(ctx.k, me, shown_uid).unwrap_or_else(|| shown_uid.to_string());
            rows.push(Row { p, user, pcpu: pcpu(p, now) });
        }
    }
    if has('u') && !u03 {
        rows.sort_stable_by(|a, b| b.pcpu.cmp(&a.pcpu).then(a.p.pid.cmp(&b.p.pid)));
    } else {
        // e_tdev: no terminal is NODEV (-1), before every device.
        rows.sort_stable_by(|a, b| a.p.tty.is_some().cmp(&b.p.tty.is_some()).then(a.p.tty.cmp(&b.p.tty)).then(a.p.pid.cmp(&b.p.pid)));
    }
    let mem_total = ctx.k.mem_total_kb;
    let cells: Vec<Vec<String>> = rows.iter().map(|r| cols.iter().map(|c| cell(ctx, r, *c, mem_total)).collect()).collect();
    // Widths: fixed ones, DSIZ ones (USER, COMMAND) from the values up to their cap, never
    // narrower than the header.
    let widths: Vec<usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (_, w, _) = c.spec();
            let w = match c {
                Col::User => cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).min(16),
                Col::Command => cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0).min(if has('f') { 64 } else { 16 }),
                _ => w,
            };
            w.max(header(*c).len())
        })
        .collect();
    let totwidth: usize = widths.iter().map(|w| w + 1).sum::<usize>().saturating_sub(1);
    let last = cols.len() - 1;
    let mut out = String::new();
    for (i, c) in cols.iter().enumerate() {
        let (_, _, ljust) = c.spec();
        let h = header(*c);
        if i == last && ljust {
            out.push_str(h);
        } else if ljust {
            out.push_str(&format!("{:<w$}", h, w = widths[i]));
        } else {
            out.push_str(&format!("{:>w$}", h, w = widths[i]));
        }
        if i != last {
            out.push(' ');
        }
    }
    out.push('\n');
    for row in &cells {
        for (i, c) in cols.iter().enumerate() {
            let (_, _, ljust) = c.spec();
            let v = &row[i];
            if i == last {
                if unlimited {
                    out.push_str(v);
                } else {
                    let mut left = termwidth as i64 - (totwidth as i64 - widths[i] as i64);
                    if left < 1 {
                        left = widths[i] as i64;
                    }
                    out.extend(v.chars().take(left as usize));
                }
            } else if ljust {
                out.push_str(&format!("{:<w$}", v, w = widths[i]));
            } else {
                out.push_str(&format!("{:>w$}", v, w = widths[i]));
            }
            if i != last {
                out.push(' ');
            }
        }
        out.push('\n');
    }
    let empty = rows.is_empty();
    drop(rows);
    ctx.out(&out);
    if empty {
        return Outcome::Exit(1);
    }
    Outcome::Exit(0)
}
