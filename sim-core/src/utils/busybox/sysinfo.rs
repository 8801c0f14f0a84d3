//! busybox `hostname`, `uname`, `id`, `whoami`, `date`, `uptime`, `free`, `nproc`,
//! `mount` (the listing) and `df`.

use super::getopt::{getopt, long, HasArg};
use super::ls::human;
use super::{error, show_usage, strerror, Ctx, Outcome};
use crate::clock;
use crate::kernel::procfs::{self, ProcNode};
use crate::kernel::{Errno, NsId};
use crate::utils::users;

/// The addresses `/etc/hosts` of the caller gives a name (what musl's resolver finds
/// without DNS), and the canonical name of the first line naming it.
fn hosts_lookup(ctx: &Ctx, name: &str) -> Option<(String, Vec<String>)> {
    let data = ctx.read_file("/etc/hosts").ok()?;
    let text = String::from_utf8_lossy(&data).into_owned();
    let mut canon = None;
    let mut addrs = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut f = line.split_whitespace();
        let Some(addr) = f.next() else { continue };
        let names: Vec<&str> = f.collect();
        if names.contains(&name) && addr.contains('.') {
            canon.get_or_insert_with(|| names[0].to_string());
            addrs.push(addr.to_string());
        }
    }
    canon.map(|c| (c, addrs))
}

pub fn hostname(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "sidfF:", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let name = ctx.k.hostname_of(ctx.pid);
    let new = if let Some(f) = o.value('F') {
        match ctx.read_file(f) {
            Ok(d) => Some(String::from_utf8_lossy(&d).lines().find(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap_or("").trim().to_string()),
            Err(e) => {
                super::perror(ctx, &format!("can't open '{f}'"), e);
                return Outcome::Exit(1);
            }
        }
    } else {
        o.operands.first().cloned()
    };
    if o.has('s') || o.has('i') || o.has('d') || o.has('f') {
        if o.has('s') && !(o.has('i') || o.has('d') || o.has('f')) {
            ctx.out(&format!("{}\n", name.split('.').next().unwrap_or("")));
            return Outcome::Exit(0);
        }
        let Some((canon, addrs)) = hosts_lookup(ctx, &name) else {
            error(ctx, &format!("{name}: Try again"));
            return Outcome::Exit(1);
        };
        if o.has('f') {
            ctx.out(&format!("{canon}\n"));
        } else if o.has('s') {
            ctx.out(&format!("{}\n", canon.split('.').next().unwrap_or("")));
        } else if o.has('d') {
            if let Some((_, d)) = canon.split_once('.') {
                ctx.out(&format!("{d}\n"));
            }
        } else {
            ctx.out(&format!("{}\n", addrs.join(" ")));
        }
        return Outcome::Exit(0);
    }
    if let Some(new) = new {
        if ctx.uid() != 0 {
            super::perror(ctx, "sethostname", Errno::EPERM);
            return Outcome::Exit(1);
        }
        let uts = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.uts);
        if let Some(u) = uts.and_then(|u| ctx.k.uts_ns.get_mut(&u)) {
            u.hostname = new.chars().take(64).collect();
        }
        return Outcome::Exit(0);
    }
    ctx.out(&format!("{name}\n"));
    Outcome::Exit(0)
}

pub fn uname(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "amnrspvio", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if !o.operands.is_empty() {
        return show_usage(ctx);
    }
    let mut u = ctx.k.uname.clone();
    // Under qemu-user (binfmt_misc) the emulated CPU is what uname reports.
    u.machine = ctx.k.machine_of(ctx.pid);
    if u.machine != ctx.k.uname.machine {
        u.processor = u.machine.clone();
    }
    let node = ctx.k.hostname_of(ctx.pid);
    let all = o.has('a');
    let none = o.list.is_empty();
    // utsname order: sysname, nodename, release, version, machine; then processor,
    // platform (both "unknown", left out of -a), then the OS name.
    let mut parts: Vec<String> = Vec::new();
    if none || all || o.has('s') {
        parts.push(u.sysname.clone());
    }
    if all || o.has('n') {
        parts.push(node);
    }
    if all || o.has('r') {
        parts.push(u.release.clone());
    }
    if all || o.has('v') {
        parts.push(u.version.clone());
    }
    if all || o.has('m') {
        parts.push(u.machine.clone());
    }
    if o.has('p') {
        parts.push("unknown".into());
    }
    if o.has('i') {
        parts.push("unknown".into());
    }
    if all || o.has('o') {
        parts.push("Linux".into());
    }
    ctx.out(&format!("{}\n", parts.join(" ")));
    Outcome::Exit(0)
}

fn label(id: u32, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{id}({n})"),
        None => id.to_string(),
    }
}

pub fn id(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "ugGnr", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let (uid, gid) = ctx.k.procs.get(&ctx.pid).map(|p| (p.uid, p.gid)).unwrap_or((0, 0));
    let all = users::users(ctx.k, ctx.pid);
    let (uid, gid, user) = match o.operands.first() {
        Some(n) => match all.iter().find(|u| &u.name == n) {
            Some(u) => (u.uid, u.gid, Some(u.clone())),
            None => {
                error(ctx, &format!("unknown user {n}"));
                return Outcome::Exit(1);
            }
        },
        None => (uid, gid, all.iter().find(|u| u.uid == uid).cloned()),
    };
    // Supplementary groups: the primary group, then every group naming the user (what a
    // container's process gets from its /etc/group).
    let groups: Vec<u32> = match &user {
        Some(u) => users::group_ids(ctx.k, ctx.pid, &users::User { gid, ..u.clone() }),
        None => vec![gid],
    };
    let names = o.has('n');
    let uname = |id: u32| users::name_of_uid(ctx.k, ctx.pid, id);
    let gname = |id: u32| users::name_of_gid(ctx.k, ctx.pid, id);
    let s = if o.has('u') {
        if names { uname(uid).unwrap_or(uid.to_string()) } else { uid.to_string() }
    } else if o.has('g') {
        if names { gname(gid).unwrap_or(gid.to_string()) } else { gid.to_string() }
    } else if o.has('G') {
        groups.iter().map(|g| if names { gname(*g).unwrap_or(g.to_string()) } else { g.to_string() }).collect::<Vec<_>>().join(" ")
    } else {
        let g: Vec<String> = groups.iter().map(|g| label(*g, gname(*g))).collect();
        format!("uid={} gid={} groups={}", label(uid, uname(uid)), label(gid, gname(gid)), g.join(","))
    };
    ctx.out(&format!("{s}\n"));
    Outcome::Exit(0)
}

pub fn whoami(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if !o.operands.is_empty() {
        return show_usage(ctx);
    }
    let uid = ctx.uid();
    match users::name_of_uid(ctx.k, ctx.pid, uid) {
        Some(n) => {
            ctx.out(&format!("{n}\n"));
            Outcome::Exit(0)
        }
        None => {
            error(ctx, &format!("unknown uid {uid}"));
            Outcome::Exit(1)
        }
    }
}

/// strftime for the formats busybox `date` is given (UTC).
pub fn strftime(fmt: &str, t: i64) -> String {
    let tm = clock::tm(t);
    let days_before = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let leap = (tm.year % 4 == 0 && tm.year % 100 != 0) || tm.year % 400 == 0;
    let yday = days_before[(tm.month.clamp(1, 12) - 1) as usize] + tm.day + if leap && tm.month > 2 { 1 } else { 0 };
    const FULL_DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    const FULL_MONTHS: [&str; 12] =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    let mut s = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            s.push(c);
            continue;
        }
        let Some(d) = chars.next() else {
            s.push('%');
            break;
        };
        let h12 = match tm.hour % 12 {
            0 => 12,
            h => h,
        };
        match d {
            'Y' => s.push_str(&tm.year.to_string()),
            'y' => s.push_str(&format!("{:02}", tm.year.rem_euclid(100))),
            'm' => s.push_str(&format!("{:02}", tm.month)),
            'd' => s.push_str(&format!("{:02}", tm.day)),
            'e' => s.push_str(&format!("{:2}", tm.day)),
            'H' => s.push_str(&format!("{:02}", tm.hour)),
            'I' => s.push_str(&format!("{h12:02}")),
            'M' => s.push_str(&format!("{:02}", tm.min)),
            'S' => s.push_str(&format!("{:02}", tm.sec)),
            'a' => s.push_str(tm.wday_name()),
            'A' => s.push_str(FULL_DAYS[(tm.wday % 7) as usize]),
            'b' | 'h' => s.push_str(tm.mon()),
            'B' => s.push_str(FULL_MONTHS[(tm.month.clamp(1, 12) - 1) as usize]),
            'j' => s.push_str(&format!("{yday:03}")),
            'Z' => s.push_str("UTC"),
            'z' => s.push_str("+0000"),
            'p' => s.push_str(if tm.hour < 12 { "AM" } else { "PM" }),
            's' => s.push_str(&t.to_string()),
            'n' => s.push('\n'),
            't' => s.push('\t'),
            'u' => s.push_str(&(if tm.wday == 0 { 7 } else { tm.wday }).to_string()),
            'w' => s.push_str(&tm.wday.to_string()),
            'T' => s.push_str(&format!("{:02}:{:02}:{:02}", tm.hour, tm.min, tm.sec)),
            'R' => s.push_str(&format!("{:02}:{:02}", tm.hour, tm.min)),
            'D' => s.push_str(&format!("{:02}/{:02}/{:02}", tm.month, tm.day, tm.year.rem_euclid(100))),
            'F' => s.push_str(&format!("{}-{:02}-{:02}", tm.year, tm.month, tm.day)),
            'c' => s.push_str(&format!("{} {} {:2} {:02}:{:02}:{:02} {}", tm.wday_name(), tm.mon(), tm.day, tm.hour, tm.min, tm.sec, tm.year)),
            '%' => s.push('%'),
            other => {
                s.push('%');
                s.push(other);
            }
        }
    }
    s
}

pub fn date(ctx: &mut Ctx) -> Outcome {
    let longs = [long("rfc-email", HasArg::No, 'R'), long("iso-8601", HasArg::Optional, 'I'), long("utc", HasArg::No, 'u'), long("date", HasArg::Required, 'd'), long("reference", HasArg::Required, 'r')];
    let o = match getopt(ctx, "Rs:ud:r:D:I", &longs) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut t = ctx.k.now;
    if let Some(f) = o.value('r') {
        match ctx.k.resolve(ctx.pid, f, true).ok().and_then(|r| ctx.k.stat_loc(&r.loc)) {
            Some(st) => t = st.mtime,
            None => {
                super::perror(ctx, f, Errno::ENOENT);
                return Outcome::Exit(1);
            }
        }
    }
    if let Some(d) = o.value('d') {
        match parse_date(d) {
            Some(v) => t = v,
            None => {
                error(ctx, &format!("invalid date '{d}'"));
                return Outcome::Exit(1);
            }
        }
    }
    let mut fmt = "%a %b %e %H:%M:%S %Z %Y".to_string();
    let mut operands = o.operands.clone();
    if let Some(pos) = operands.iter().position(|a| a.starts_with('+')) {
        fmt = operands.remove(pos)[1..].to_string();
    }
    if let Some(a) = operands.first() {
        // Setting the clock: only a parsable date, and only root may.
        if parse_date(a).is_none() {
            error(ctx, &format!("invalid date '{a}'"));
            return Outcome::Exit(1);
        }
        if ctx.uid() != 0 {
            super::perror(ctx, "can't set date", Errno::EPERM);
            return Outcome::Exit(1);
        }
    }
    if o.has('R') {
        fmt = "%a, %d %b %Y %H:%M:%S %z".into();
    }
    if o.has('I') {
        fmt = match o.value('I') {
            Some("seconds") => "%Y-%m-%dT%H:%M:%S+00:00".into(),
            Some("minutes") => "%Y-%m-%dT%H:%M+00:00".into(),
            Some("hours") => "%Y-%m-%dT%H+00:00".into(),
            _ => "%Y-%m-%d".into(),
        };
    }
    ctx.out(&format!("{}\n", strftime(&fmt, t)));
    Outcome::Exit(0)
}

/// The date forms `date -d` takes that we model: `YYYY-MM-DD[ HH:MM[:SS]]`, `@SECONDS`.
pub fn parse_date(s: &str) -> Option<i64> {
    if let Some(n) = s.strip_prefix('@') {
        // Seconds a 64-bit time_t and the calendar can both hold.
        return n.parse::<i64>().ok().filter(|v| v.unsigned_abs() < 1 << 52);
    }
    let (d, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let p: Vec<&str> = d.split('-').collect();
    if p.len() != 3 {
        return None;
    }
    let (y, m, day): (i64, i64, i64) = (p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || !(0..=99_999).contains(&y) {
        return None;
    }
    let (mut hh, mut mm, mut ss) = (0, 0, 0);
    if let Some(t) = time {
        let q: Vec<&str> = t.split(':').collect();
        hh = q.first()?.parse().ok()?;
        mm = q.get(1)?.parse().ok()?;
        ss = q.get(2).map(|x| x.parse().ok()).unwrap_or(Some(0))?;
        if !(0..=23).contains(&hh) || !(0..=59).contains(&mm) || !(0..=60).contains(&ss) {
            return None;
        }
    }
    // Days from civil (Howard Hinnant).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = if y2 >= 0 { y2 } else { y2 - 399 } / 400;
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86400 + hh * 3600 + mm * 60 + ss)
}

pub fn uptime(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "s", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let up = ctx.k.uptime().max(0);
    if o.has('s') {
        ctx.out(&format!("{}\n", strftime("%Y-%m-%d %H:%M:%S", ctx.k.now - up)));
        return Outcome::Exit(0);
    }
    let mut s = format!(" {} up ", strftime("%H:%M:%S", ctx.k.now));
    let days = up / 86400;
    if days != 0 {
        s.push_str(&format!("{days} day{}, ", if days != 1 { "s" } else { "" }));
    }
    let minutes = up / 60;
    let hours = (minutes / 60) % 24;
    let minutes = minutes % 60;
    if hours != 0 {
        s.push_str(&format!("{hours:2}:{minutes:02}"));
    } else {
        s.push_str(&format!("{minutes} min"));
    }
    s.push_str(",  load average: 0.00, 0.00, 0.00\n");
    ctx.out(&s);
    Outcome::Exit(0)
}

/// A `/proc/meminfo` value in kB, as the simulated kernel reports it.
fn meminfo(ctx: &Ctx, key: &str) -> u64 {
    let text = procfs::read(ctx.k, NsId(0), ctx.pid, &ProcNode::Info("meminfo")).unwrap_or_default();
    let text = String::from_utf8_lossy(&text).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

pub fn free(ctx: &mut Ctx) -> Outcome {
    // -b/-k/-m/-g/-h: only the first argument is looked at.
    let unit: u64 = match ctx.argv.get(1).map(String::as_str) {
        Some(a) if a.starts_with('-') => match a.as_bytes().get(1) {
            Some(b'b') => 1,
            Some(b'k') => 1024,
            Some(b'm') => 1 << 20,
            Some(b'g') => 1 << 30,
            Some(b'h') => 0,
            _ => return show_usage(ctx),
        },
        _ => 1024,
    };
    let total = meminfo(ctx, "MemTotal") * 1024;
    let free = meminfo(ctx, "MemFree") * 1024;
    let buffers = meminfo(ctx, "Buffers") * 1024;
    let cached = meminfo(ctx, "Cached") * 1024 + buffers;
    let available = meminfo(ctx, "MemAvailable") * 1024;
    let shared = meminfo(ctx, "Shmem") * 1024;
    let scale = |v: u64| -> String {
        match v.checked_div(unit) {
            Some(n) => n.to_string(),
            None => human(v, 1),
        }
    };
    let mut s = format!("       {:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\nMem:   ", "total", "used", "free", "shared", "buff/cache", "available");
    s.push_str(&format!(
        "{:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
        scale(total),
        scale(total.saturating_sub(cached + free)),
        scale(free),
        scale(shared),
        scale(cached),
        scale(available)
    ));
    s.push_str(&format!("Swap:  {:>12}{:>12}{:>12}\n", scale(0), scale(0), scale(0)));
    ctx.out(&s);
    Outcome::Exit(0)
}

pub fn nproc(ctx: &mut Ctx) -> Outcome {
    if let Err(out) = getopt(ctx, "", &[long("all", HasArg::No, 'a'), long("ignore", HasArg::Required, 'i')]) {
        return out;
    }
    let n = ctx.k.ncpu;
    ctx.out(&format!("{n}\n"));
    Outcome::Exit(0)
}

/// `/proc/mounts` as the caller reads it, or None when there is no procfs.
fn proc_mounts(ctx: &Ctx) -> Option<Vec<(String, String, String, String)>> {
    let data = ctx.read_file("/proc/mounts").ok()?;
    let text = String::from_utf8_lossy(&data).into_owned();
    Some(
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                (f.len() >= 4).then(|| (f[0].to_string(), f[1].to_string(), f[2].to_string(), f[3].to_string()))
            })
            .collect(),
    )
}

/// `mount` without arguments lists `/proc/mounts`; mounting proc and tmpfs works for
/// root, anything else fails as the kernel would refuse it.
pub fn mount(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "o:t:rwanfvsiO:", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        let Some(list) = proc_mounts(ctx) else {
            error(ctx, "no /proc/mounts");
            return Outcome::Exit(1);
        };
        let want = o.value('t');
        let s: String = list
            .iter()
            .filter(|m| want.map(|t| t == m.2).unwrap_or(true))
            .map(|(src, dir, t, opts)| format!("{src} on {dir} type {t} ({opts})\n"))
            .collect();
        ctx.out(&s);
        return Outcome::Exit(0);
    }
    if ctx.uid() != 0 {
        error(ctx, "permission denied (are you root?)");
        return Outcome::Exit(255);
    }
    if o.operands.len() == 1 {
        error(ctx, &format!("can't find {} in /etc/fstab", o.operands[0]));
        return Outcome::Exit(255);
    }
    let (src, dir) = (&o.operands[0], &o.operands[1]);
    let target = match ctx.k.resolve(ctx.pid, dir, true) {
        Ok(r) => r,
        Err(e) => {
            error(ctx, &format!("mounting {src} on {dir} failed: {}", strerror(e)));
            return Outcome::Exit(255);
        }
    };
    match o.value('t') {
        Some("proc") => {
            let _ = ctx.k.mount_proc(ctx.pid, &target.path);
            if let Some(m) = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.mnt) {
                if let Some(ns) = ctx.k.mnt_ns.get_mut(&m) {
                    if let Some(last) = ns.mounts.last_mut() {
                        last.source = src.clone();
                        last.opts = "rw,relatime".into();
                    }
                }
            }
            Outcome::Exit(0)
        }
        _ => {
            error(ctx, &format!("mounting {src} on {dir} failed: {}", strerror(Errno::ENODEV)));
            Outcome::Exit(255)
        }
    }
}

pub fn df(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "kPTt:aiB:hm", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut unit: u64 = 1024;
    match o.last_of("kmBh") {
        Some('m') => unit = 1 << 20,
        Some('h') => unit = 0,
        _ => {}
    }
    let header_units = if unit == 0 {
        "     Size".to_string()
    } else if o.has('i') {
        "   Inodes".to_string()
    } else {
        format!("{}-blocks", human(unit, 0))
    };
    let mut out = format!(
        "Filesystem           {}{:<15}Used Available {} Mounted on\n",
        if o.has('T') { "Type       " } else { "" },
        header_units,
        if o.has('P') { "Capacity" } else { "Use%" }
    );
    let Some(table) = proc_mounts(ctx) else {
        ctx.out(&out);
        super::perror(ctx, "/proc/mounts", Errno::ENOENT);
        return Outcome::Exit(1);
    };
    let mounts = ctx.k.mounts_of(ctx.pid);
    let mut st = 0;
    let mut rows: Vec<(String, String, String)> = Vec::new();
    if o.operands.is_empty() {
        rows = table.iter().map(|m| (m.0.clone(), m.1.clone(), m.2.clone())).collect();
    } else {
        for a in &o.operands {
            // find_mount_point: the mount whose directory holds the path.
            let found = ctx.k.resolve(ctx.pid, a, true).ok().and_then(|r| {
                table
                    .iter()
                    .rfind(|m| r.path == m.1 || r.path.starts_with(&format!("{}/", m.1.trim_end_matches('/'))))
                    .cloned()
            });
            match found {
                Some(m) => rows.push((m.0, m.1, m.2)),
                None => {
                    ctx.out(&out);
                    out.clear();
                    error(ctx, &format!("{a}: can't find mount point"));
                    st = 1;
                }
            }
        }
    }
    for (dev, dir, fstype) in rows {
        if let Some(t) = o.value('t') {
            if t != fstype {
                continue;
            }
        }
        let sb = mounts.iter().rev().find(|m| m.target == dir).and_then(|m| ctx.k.vfs.sbs.get(m.sb));
        let (blocks, used) = sb.map(|s| (s.blocks, s.used)).unwrap_or((0, 0));
        if blocks == 0 && o.operands.is_empty() && !o.has('a') {
            continue;
        }
        let avail = blocks.saturating_sub(used);
        let total = used + avail;
        let pct = (used * 100 + total / 2).checked_div(total).unwrap_or(0);
        let dev_w = dev.chars().count();
        if dev_w > 20 && !o.has('P') {
            out.push_str(&format!("{dev}\n{:20}", ""));
        } else {
            out.push_str(&format!("{dev}{}", " ".repeat(20 - dev_w.min(20))));
        }
        if o.has('T') {
            let tw = fstype.chars().count();
            if tw > 10 && !o.has('P') {
                out.push_str(&format!(" {fstype}\n{:31}", ""));
            } else {
                out.push_str(&format!(" {fstype}{}", " ".repeat(10 - tw.min(10))));
            }
        }
        let size = |kb: u64| -> String {
            match (kb * 1024 + unit / 2).checked_div(unit) {
                Some(n) => n.to_string(),
                None => human(kb, 1024),
            }
        };
        out.push_str(&format!(" {:>9} {:>9} {:>9} {:>3}% {dir}\n", size(blocks), size(used), size(avail), pct));
    }
    ctx.out(&out);
    Outcome::Exit(st)
}
