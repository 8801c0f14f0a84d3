//! Small busybox applets: `echo`, `pwd`, `true`, `false`, `sleep`, `clear`, `env`,
//! `printenv`, `which`, `basename`, `dirname`, `readlink`, `kill`.

use super::getopt::getopt;
use super::{error, show_usage, Ctx, Outcome};
use crate::kernel::vfs::FileType;
use crate::utils::namespaces::exec_in_place;

/// `echo` (FANCY_ECHO): leading `-n`, `-e`, `-E` (combinable, e.g. `-ne`) are options;
/// `-e` interprets `\c`, `\0NNN`, `\xHH` and the C escapes.
pub fn echo(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut out: Vec<u8> = Vec::new();
    for (n, a) in args[i..].iter().enumerate() {
        if n > 0 {
            out.push(b' ');
        }
        if !escapes {
            out.extend_from_slice(a.as_bytes());
            continue;
        }
        let b = a.as_bytes();
        let mut j = 0;
        while j < b.len() {
            if b[j] != b'\\' || j + 1 >= b.len() {
                out.push(b[j]);
                j += 1;
                continue;
            }
            let c = b[j + 1];
            j += 2;
            match c {
                b'c' => {
                    ctx.io.out.extend_from_slice(&out);
                    return Outcome::Exit(0);
                }
                b'a' => out.push(7),
                b'b' => out.push(8),
                b'e' | b'E' => out.push(0x1b),
                b'f' => out.push(12),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'v' => out.push(11),
                b'\\' => out.push(b'\\'),
                b'0' | b'1'..=b'7' => {
                    // \0NNN: up to three octal digits after the 0; \NNN too.
                    let mut v: u32 = if c == b'0' { 0 } else { (c - b'0') as u32 };
                    let max = if c == b'0' { 3 } else { 2 };
                    let mut k = 0;
                    while k < max && j < b.len() && (b'0'..=b'7').contains(&b[j]) {
                        v = v * 8 + (b[j] - b'0') as u32;
                        j += 1;
                        k += 1;
                    }
                    out.push(v as u8);
                }
                b'x' => {
                    let mut v: u32 = 0;
                    let mut k = 0;
                    while k < 2 && j < b.len() && b[j].is_ascii_hexdigit() {
                        v = v * 16 + (b[j] as char).to_digit(16).unwrap_or(0);
                        j += 1;
                        k += 1;
                    }
                    if k == 0 {
                        out.extend_from_slice(b"\\x");
                    } else {
                        out.push(v as u8);
                    }
                }
                other => {
                    out.push(b'\\');
                    out.push(other);
                }
            }
        }
    }
    if newline {
        out.push(b'\n');
    }
    ctx.io.out.extend_from_slice(&out);
    Outcome::Exit(0)
}

pub fn pwd(ctx: &mut Ctx) -> Outcome {
    if let Err(out) = getopt(ctx, "LP", &[]) {
        return out;
    }
    // busybox pwd prints $PWD when it names the current directory, else getcwd().
    let cwd = ctx.k.procs.get(&ctx.pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    let logical = ctx.getenv("PWD").map(str::to_string).filter(|p| {
        p.starts_with('/') && ctx.k.resolve(ctx.pid, p, true).map(|r| r.path == cwd).unwrap_or(false)
    });
    ctx.out(&format!("{}\n", logical.unwrap_or(cwd)));
    Outcome::Exit(0)
}

pub fn true_(_ctx: &mut Ctx) -> Outcome {
    Outcome::Exit(0)
}

pub fn false_(_ctx: &mut Ctx) -> Outcome {
    Outcome::Exit(1)
}

/// `sleep N[smhd]...`: the simulated clock moves on by the total.
pub fn sleep(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return show_usage(ctx);
    }
    let mut total = 0f64;
    for a in &o.operands {
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1.0),
            Some('m') => (&a[..a.len() - 1], 60.0),
            Some('h') => (&a[..a.len() - 1], 3600.0),
            Some('d') => (&a[..a.len() - 1], 86400.0),
            _ => (a.as_str(), 1.0),
        };
        let ok = !num.is_empty() && num.chars().all(|c| c.is_ascii_digit() || c == '.');
        match num.parse::<f64>() {
            Ok(v) if ok && v.is_finite() => total += v * mult,
            _ => {
                error(ctx, &format!("invalid number '{a}'"));
                return Outcome::Exit(1);
            }
        }
    }
    let until = ctx.k.now + total.min(1e9) as i64;
    if ctx.io.background {
        return Outcome::Running { until: Some(until) };
    }
    ctx.k.now = until;
    Outcome::Exit(0)
}

pub fn clear(ctx: &mut Ctx) -> Outcome {
    ctx.out("\x1b[H\x1b[J");
    Outcome::Exit(0)
}

pub fn env(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "+iu:0", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut env = ctx.env.clone();
    if o.has('i') {
        env.clear();
    }
    for n in o.values('u') {
        env.retain(|(k, _)| *k != n);
    }
    let mut rest: &[String] = &o.operands;
    if rest.first().map(|s| s == "-").unwrap_or(false) {
        env.clear();
        rest = &rest[1..];
    }
    let mut i = 0;
    while let Some((k, v)) = rest.get(i).and_then(|a| a.split_once('=')) {
        match env.iter_mut().find(|(n, _)| n == k) {
            Some(e) => e.1 = v.to_string(),
            None => env.push((k.to_string(), v.to_string())),
        }
        i += 1;
    }
    if i < rest.len() {
        let argv = rest[i..].to_vec();
        ctx.env = env;
        let out = exec_in_place(ctx, argv, "env", |c| format!("env: can't execute '{c}': No such file or directory\n"));
        return out;
    }
    let end = if o.has('0') { '\0' } else { '\n' };
    let s: String = env.iter().map(|(k, v)| format!("{k}={v}{end}")).collect();
    ctx.out(&s);
    Outcome::Exit(0)
}

pub fn printenv(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    if args.is_empty() {
        let s: String = ctx.env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        ctx.out(&s);
        return Outcome::Exit(0);
    }
    let mut st = 0;
    for a in &args {
        match ctx.getenv(a).map(str::to_string) {
            Some(v) => ctx.out(&format!("{v}\n")),
            None => st = 1,
        }
    }
    Outcome::Exit(st)
}

/// `which`: the first executable regular file on PATH; nothing printed when missing.
pub fn which(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "a", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return show_usage(ctx);
    }
    let path = ctx.getenv("PATH").unwrap_or("/sbin:/usr/sbin:/bin:/usr/bin").to_string();
    let mut st = 0;
    for name in &o.operands {
        let candidates: Vec<String> = if name.contains('/') {
            vec![name.clone()]
        } else {
            path.split(':').map(|d| if d.is_empty() { name.clone() } else { super::concat_path(d, name) }).collect()
        };
        let mut found = false;
        for c in candidates {
            let ok = ctx
                .k
                .resolve(ctx.pid, &c, true)
                .ok()
                .and_then(|r| ctx.k.stat_loc(&r.loc))
                .map(|s| s.ftype == FileType::File && ctx.k.may(ctx.pid, &s, 1))
                .unwrap_or(false);
            if ok {
                ctx.out(&format!("{c}\n"));
                found = true;
                if !o.has('a') {
                    break;
                }
            }
        }
        if !found {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

pub fn basename(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let Some(path) = o.operands.first() else { return show_usage(ctx) };
    if o.operands.len() > 2 {
        return show_usage(ctx);
    }
    let trimmed = path.trim_end_matches('/');
    let mut base = if trimmed.is_empty() && path.starts_with('/') { "/" } else { trimmed.rsplit('/').next().unwrap_or("") }.to_string();
    if let Some(sfx) = o.operands.get(1) {
        if base.len() > sfx.len() && base.ends_with(sfx.as_str()) {
            base.truncate(base.len() - sfx.len());
        }
    }
    ctx.out(&format!("{base}\n"));
    Outcome::Exit(0)
}

pub fn dirname(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.len() != 1 {
        return show_usage(ctx);
    }
    let p = o.operands[0].trim_end_matches('/');
    let d = match p.rfind('/') {
        None if o.operands[0].starts_with('/') => "/".to_string(),
        None => ".".to_string(),
        Some(i) => {
            let d = p[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".to_string()
            } else {
                d.to_string()
            }
        }
    };
    ctx.out(&format!("{d}\n"));
    Outcome::Exit(0)
}

pub fn readlink(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "fnvsq", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.len() != 1 {
        return show_usage(ctx);
    }
    let f = &o.operands[0];
    let nl = if o.has('n') { "" } else { "\n" };
    if o.has('f') {
        return match ctx.k.resolve(ctx.pid, f, true) {
            Ok(r) => {
                ctx.out(&format!("{}{nl}", r.path));
                Outcome::Exit(0)
            }
            Err(_) => Outcome::Exit(1),
        };
    }
    match ctx.k.resolve(ctx.pid, f, false).ok().and_then(|r| ctx.k.readlink_loc(ctx.pid, &r.loc)) {
        Some(t) => {
            ctx.out(&format!("{t}{nl}"));
            Outcome::Exit(0)
        }
        None => Outcome::Exit(1),
    }
}

/// Signal names as `kill -l` lists them (musl's numbering on x86_64).
const SIGNALS: &[(u32, &str)] = &[
    (1, "HUP"), (2, "INT"), (3, "QUIT"), (4, "ILL"), (5, "TRAP"), (6, "ABRT"), (7, "BUS"), (8, "FPE"),
    (9, "KILL"), (10, "USR1"), (11, "SEGV"), (12, "USR2"), (13, "PIPE"), (14, "ALRM"), (15, "TERM"),
    (16, "STKFLT"), (17, "CHLD"), (18, "CONT"), (19, "STOP"), (20, "TSTP"), (21, "TTIN"), (22, "TTOU"),
    (23, "URG"), (24, "XCPU"), (25, "XFSZ"), (26, "VTALRM"), (27, "PROF"), (28, "WINCH"), (29, "POLL"),
    (30, "PWR"), (31, "SYS"), (35, "RTMIN"), (64, "RTMAX"),
];

pub fn signal_number(s: &str) -> Option<u32> {
    if let Ok(n) = s.parse::<u32>() {
        return if n <= 64 { Some(n) } else { None };
    }
    let up = s.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    SIGNALS.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
}

/// `kill [-SIG] PID...`, `kill -l [SIG]...`. A signal that ends a process ends it in the
/// simulation; a namespace's init and the caller's own ancestors (the shells waiting for
/// it) are left alone, as init ignores signals it has no handler for.
pub fn kill(ctx: &mut Ctx) -> Outcome {
    let name = ctx.name();
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut sig: u32 = 15;
    let mut i = 0;
    if let Some(a) = args.first() {
        if a == "-l" {
            if args.len() == 1 {
                let s: String = SIGNALS.iter().map(|(n, s)| format!("{n:2}) {s}\n")).collect();
                ctx.out(&s);
                return Outcome::Exit(0);
            }
            let mut st = 0;
            for a in &args[1..] {
                match a.parse::<u32>() {
                    Ok(n) => match SIGNALS.iter().find(|(k, _)| *k == n) {
                        Some((_, s)) => ctx.out(&format!("{s}\n")),
                        None => {
                            ctx.err(&format!("{name}: bad signal name '{a}'\n"));
                            st = 1;
                        }
                    },
                    Err(_) => match signal_number(a) {
                        Some(n) => ctx.out(&format!("{n}\n")),
                        None => {
                            ctx.err(&format!("{name}: bad signal name '{a}'\n"));
                            st = 1;
                        }
                    },
                }
            }
            return Outcome::Exit(st);
        }
        if a == "-s" || a == "-n" {
            match args.get(1).and_then(|s| signal_number(s)) {
                Some(n) => sig = n,
                None => {
                    let what = args.get(1).cloned().unwrap_or_else(|| a[1..].to_string());
                    ctx.err(&format!("{name}: bad signal name '{what}'\n"));
                    return Outcome::Exit(1);
                }
            }
            i = 2;
        } else if a.len() > 1 && a.starts_with('-') && a != "--" {
            match signal_number(&a[1..]) {
                Some(n) => sig = n,
                None => {
                    ctx.err(&format!("{name}: bad signal name '{}'\n", &a[1..]));
                    return Outcome::Exit(1);
                }
            }
            i = 1;
        }
        if args.get(i).map(|s| s == "--").unwrap_or(false) {
            i += 1;
        }
    }
    let targets = &args[i.min(args.len())..];
    if targets.is_empty() {
        ctx.err(&format!("{name}: you need to specify whom to kill\n"));
        return Outcome::Exit(1);
    }
    let Some(me) = ctx.k.procs.get(&ctx.pid).cloned() else { return Outcome::Exit(1) };
    let mut ancestors = vec![ctx.pid];
    let mut cur = me.ppid;
    while let Some(p) = ctx.k.procs.get(&cur) {
        ancestors.push(cur);
        if cur == p.ppid {
            break;
        }
        cur = p.ppid;
    }
    let mut st = 0;
    for t in targets {
        let Ok(n) = t.parse::<i64>() else {
            ctx.err(&format!("{name}: invalid number '{t}'\n"));
            st = 1;
            continue;
        };
        let global = u32::try_from(n).ok().and_then(|n| ctx.k.global_pid(me.ns.pid, n));
        let Some(g) = global else {
            ctx.err(&format!("{name}: can't kill pid {t}: No such process\n"));
            st = 1;
            continue;
        };
        if ancestors.contains(&g) {
            continue;
        }
        if ctx.k.send_signal(ctx.pid, g, sig).is_err() {
            ctx.err(&format!("{name}: can't kill pid {t}: Operation not permitted\n"));
            st = 1;
        }
    }
    Outcome::Exit(st)
}
