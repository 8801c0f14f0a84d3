//! System information: `hostname`, `uname`, `mount`, `df`, `uptime`, `date`.

use super::{getopt, gnu_try, Ctx, Outcome};
use crate::clock;
use crate::kernel::vfs::SbKind;

const HOSTNAME_USAGE: &str = "Usage: hostname [-b] {hostname|-F file}         set host name (from file)\n       hostname [-a|-A|-d|-f|-i|-I|-s|-y]       display formatted name\n       hostname                                 display host name\n\n       {yp,nis,}domainname {nisdomain|-F file}  set NIS domain name (from file)\n       {yp,nis,}domainname                      display NIS domain name\n\n       dnsdomainname                            display dns domain name\n\n       hostname -V|--version|-h|--help          print info and exit\n\nProgram name:\n       {yp,nis,}domainname=hostname -y\n       dnsdomainname=hostname -d\n\nProgram options:\n    -a, --alias            alias names\n    -A, --all-fqdns        all long host names (FQDNs)\n    -b, --boot             set default hostname if none available\n    -d, --domain           DNS domain name\n    -f, --fqdn, --long     long host name (FQDN)\n    -F, --file             read host name or NIS domain name from given file\n    -i, --ip-address       addresses for the host name\n    -I, --all-ip-addresses all addresses for the host\n    -s, --short            short host name\n    -y, --yp, --nis        NIS/YP domain name\n\nDescription:\n   This command can get or set the host name or the NIS domain name. You can\n   also get the DNS domain or the FQDN (fully qualified domain name).\n   Unless you are using bind or NIS for host lookups you can change the\n   FQDN (Fully Qualified Domain Name) and the DNS domain name (which is\n   part of the FQDN) in the /etc/hosts file.\n";

pub fn hostname(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "aAbdfFiIsyVh", "", &["alias", "all-fqdns", "boot", "domain", "fqdn", "long", "file", "ip-address", "all-ip-addresses", "short", "yp", "nis", "version", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.out(HOSTNAME_USAGE);
            ctx.err(&e.message("hostname"));
            return Outcome::Exit(255);
        }
    };
    if p.has("h") || p.has("help") {
        ctx.out(HOSTNAME_USAGE);
        return Outcome::Exit(255);
    }
    let name = ctx.k.hostname_of(ctx.pid);
    if let Some(new) = p.operands.first() {
        if ctx.uid() != 0 {
            ctx.err("hostname: you must be root to change the host name\n");
            return Outcome::Exit(1);
        }
        if new.is_empty() || new.len() > 64 {
            ctx.err("hostname: name too long\n");
            return Outcome::Exit(1);
        }
        let uts = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.uts);
        if let Some(u) = uts.and_then(|u| ctx.k.uts_ns.get_mut(&u)) {
            u.hostname = new.clone();
        }
        return Outcome::Exit(0);
    }
    if p.has("s") || p.has("short") {
        ctx.out(&format!("{}\n", name.split('.').next().unwrap_or("")));
    } else if p.has("d") || p.has("domain") {
        ctx.out(&format!("{}\n", name.split_once('.').map(|(_, d)| d).unwrap_or("")));
    } else if p.has("I") || p.has("all-ip-addresses") {
        let ns = ctx.k.net_of(ctx.pid).ok();
        let addrs: Vec<String> = ns
            .and_then(|n| ctx.k.net_ns.get(&n))
            .map(|n| n.links.values().filter(|l| l.up && l.kind != crate::kernel::net::LinkKind::Loopback).flat_map(|l| l.addrs.iter().map(|a| crate::kernel::net::fmt_ip(a.addr))).collect())
            .unwrap_or_default();
        let s: String = addrs.iter().map(|a| format!("{a} ")).collect();
        ctx.out(&format!("{s}\n"));
    } else if p.has("y") || p.has("yp") || p.has("nis") {
        ctx.out("hostname: Local domain name not set\n");
        return Outcome::Exit(1);
    } else {
        ctx.out(&format!("{name}\n"));
    }
    Outcome::Exit(0)
}

pub fn uname(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "asnrvmpio", "", &["all", "kernel-name", "nodename", "kernel-release", "kernel-version", "machine", "processor", "hardware-platform", "operating-system", "help", "version"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("uname"));
            ctx.err(&gnu_try("uname"));
            return Outcome::Exit(1);
        }
    };
    if let Some(extra) = p.operands.first() {
        ctx.err(&format!("uname: extra operand '{extra}'\n"));
        ctx.err(&gnu_try("uname"));
        return Outcome::Exit(1);
    }
    let mut u = ctx.k.uname.clone();
    // Under qemu-user (binfmt_misc) the emulated CPU is what uname reports.
    u.machine = ctx.k.machine_of(ctx.pid);
    if u.machine != ctx.k.uname.machine {
        u.processor = u.machine.clone();
    }
    let node = ctx.k.hostname_of(ctx.pid);
    let all = p.has("a") || p.has("all");
    let want = |s: &str, l: &str| all || p.has(s) || p.has(l);
    let mut parts: Vec<String> = Vec::new();
    let none = p.flags.is_empty();
    if none || want("s", "kernel-name") {
        parts.push(u.sysname.clone());
    }
    if want("n", "nodename") {
        parts.push(node);
    }
    if want("r", "kernel-release") {
        parts.push(u.release.clone());
    }
    if want("v", "kernel-version") {
        parts.push(u.version.clone());
    }
    if want("m", "machine") {
        parts.push(u.machine.clone());
    }
    // -a leaves out processor and platform when they are unknown.
    if (all && u.processor != "unknown") || p.has("p") || p.has("processor") {
        parts.push(u.processor.clone());
    }
    if (all && u.processor != "unknown") || p.has("i") || p.has("hardware-platform") {
        parts.push(u.processor.clone());
    }
    if want("o", "operating-system") {
        parts.push(u.os.clone());
    }
    ctx.out(&format!("{}\n", parts.join(" ")));
    Outcome::Exit(0)
}

pub fn mount(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "tlvano", "", &["types", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("mount"));
            ctx.err(&gnu_try("mount"));
            return Outcome::Exit(1);
        }
    };
    if p.operands.is_empty() {
        let mut out = String::new();
        for m in ctx.k.mounts_of(ctx.pid) {
            let fstype = ctx.k.vfs.sbs.get(m.sb).map(|s| s.fstype.clone()).unwrap_or_default();
            out.push_str(&format!("{} on {} type {} ({})\n", m.source, m.target, fstype, m.opts));
        }
        ctx.out(&out);
        return Outcome::Exit(0);
    }
    if ctx.uid() != 0 {
        ctx.err("mount: only root can do that\n");
        return Outcome::Exit(1);
    }
    // mount -t proc proc DIR: a procfs for the caller's PID namespace.
    if p.operands.len() == 2 && (p.operands[0] == "proc" || args.iter().any(|a| a == "proc")) {
        let target = p.operands[1].clone();
        return match ctx.k.resolve(ctx.pid, &target, true) {
            Ok(r) => {
                let _ = ctx.k.mount_proc(ctx.pid, &r.path);
                Outcome::Exit(0)
            }
            Err(_) => {
                ctx.err(&format!("mount: {target}: mount point does not exist.\n"));
                Outcome::Exit(32)
            }
        };
    }
    ctx.err(&format!("mount: {}: can't find in /etc/fstab.\n", p.operands[0]));
    Outcome::Exit(1)
}

pub fn df(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "hTaik", "", &["human-readable", "print-type", "all", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("df"));
            ctx.err(&gnu_try("df"));
            return Outcome::Exit(1);
        }
    };
    let human = p.has("h") || p.has("human-readable");
    let show_type = p.has("T") || p.has("print-type");
    let mounts = ctx.k.mounts_of(ctx.pid);
    let mut rows: Vec<[String; 7]> = Vec::new();
    for m in &mounts {
        let Some(sb) = ctx.k.vfs.sbs.get(m.sb) else { continue };
        // df leaves out pseudo filesystems with no blocks.
        if sb.blocks == 0 || matches!(sb.kind, SbKind::Proc { .. }) {
            continue;
        }
        if !p.operands.is_empty() {
            let wanted = p.operands.iter().any(|o| {
                ctx.k.resolve(ctx.pid, o, true).map(|r| {
                    let covering = mounts.iter().filter(|mm| r.path == mm.target || r.path.starts_with(&format!("{}/", mm.target.trim_end_matches('/')))).max_by_key(|mm| mm.target.len());
                    covering.map(|c| c.id == m.id).unwrap_or(false)
                }).unwrap_or(false)
            });
            if !wanted {
                continue;
            }
        }
        let avail = sb.blocks.saturating_sub(sb.used);
        let pct = if sb.blocks == 0 { 0 } else { (sb.used * 100).div_ceil(sb.used + avail) };
        let f = |n: u64| if human { super::ls::human(n * 1024) } else { n.to_string() };
        rows.push([m.source.clone(), sb.fstype.clone(), f(sb.blocks), f(sb.used), f(avail), format!("{pct}%"), m.target.clone()]);
    }
    for o in &p.operands {
        if ctx.k.resolve(ctx.pid, o, true).is_err() {
            ctx.err(&format!("df: {o}: No such file or directory\n"));
        }
    }
    let size_h = if human { "Size" } else { "1K-blocks" };
    let headers = ["Filesystem", "Type", size_h, "Used", if human { "Avail" } else { "Available" }, "Use%", "Mounted on"];
    // Minimum widths are the headers'; the filesystem column is at least 14 wide.
    let mut widths = [14, 4, size_h.len(), 4, headers[4].len(), 4, 0];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r.iter()).take(6) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: &[String; 7]| {
        let mut s = format!("{:<w$}", cells[0], w = widths[0]);
        if show_type {
            s.push_str(&format!(" {:<w$}", cells[1], w = widths[1]));
        }
        for i in 2..6 {
            s.push_str(&format!(" {:>w$}", cells[i], w = widths[i]));
        }
        s.push_str(&format!(" {}\n", cells[6]));
        s
    };
    let mut out = line(&headers.map(String::from));
    for r in &rows {
        out.push_str(&line(r));
    }
    ctx.out(&out);
    Outcome::Exit(if p.operands.iter().any(|o| ctx.k.resolve(ctx.pid, o, true).is_err()) { 1 } else { 0 })
}

pub fn uptime(ctx: &mut Ctx) -> Outcome {
    let t = clock::tm(ctx.k.now);
    let up = ctx.k.uptime();
    let (days, h, m) = (up / 86400, (up / 3600) % 24, (up / 60) % 60);
    let dur = if days > 0 { format!("{days} day{}, {h:2}:{m:02}", if days == 1 { "" } else { "s" }) } else if h > 0 { format!("{h:2}:{m:02}") } else { format!("{m} min") };
    let users = 1;
    ctx.out(&format!(" {:02}:{:02}:{:02} up {dur},  {users} user,  load average: 0.00, 0.00, 0.00\n", t.hour, t.min, t.sec));
    Outcome::Exit(0)
}

pub fn date(ctx: &mut Ctx) -> Outcome {
    let t = clock::tm(ctx.k.now);
    ctx.out(&format!("{} {} {:>2} {:02}:{:02}:{:02} UTC {}\n", t.wday_name(), t.mon(), t.day, t.hour, t.min, t.sec, t.year));
    Outcome::Exit(0)
}
