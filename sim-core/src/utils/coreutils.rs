//! Small coreutils programs: `echo`, `pwd`, `true`, `false`, `sleep`, `readlink`, `env`,
//! plus `clear` (ncurses) and `which`.

use super::{getopt, gnu_try, Ctx, Outcome};

pub fn echo(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut newline = true;
    let mut start = 0;
    while let Some(a) = args.get(start) {
        if a == "-n" {
            newline = false;
            start += 1;
        } else {
            break;
        }
    }
    let mut s = args[start..].join(" ");
    if newline {
        s.push('\n');
    }
    ctx.out(&s);
    Outcome::Exit(0)
}

pub fn pwd(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    if let Err(e) = getopt(&args, "LP", "", &["logical", "physical", "help"], &[]) {
        ctx.err(&e.message("pwd"));
        ctx.err(&gnu_try("pwd"));
        return Outcome::Exit(1);
    }
    let cwd = ctx.k.procs.get(&ctx.pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    ctx.out(&format!("{cwd}\n"));
    Outcome::Exit(0)
}

pub fn true_(_ctx: &mut Ctx) -> Outcome {
    Outcome::Exit(0)
}

pub fn false_(_ctx: &mut Ctx) -> Outcome {
    Outcome::Exit(1)
}

/// `sleep` advances the simulated clock by the time it sleeps.
pub fn sleep(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "", "", &["help", "version"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("sleep"));
            ctx.err(&gnu_try("sleep"));
            return Outcome::Exit(1);
        }
    };
    if p.operands.is_empty() {
        ctx.err("sleep: missing operand\n");
        ctx.err(&gnu_try("sleep"));
        return Outcome::Exit(1);
    }
    let mut total = 0f64;
    for a in &p.operands {
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1.0),
            Some('m') => (&a[..a.len() - 1], 60.0),
            Some('h') => (&a[..a.len() - 1], 3600.0),
            Some('d') => (&a[..a.len() - 1], 86400.0),
            _ => (a.as_str(), 1.0),
        };
        match num.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.is_finite() => total += v * mult,
            _ => {
                ctx.err(&format!("sleep: invalid time interval '{a}'\n"));
                ctx.err(&gnu_try("sleep"));
                return Outcome::Exit(1);
            }
        }
    }
    // Bounded so a huge sleep cannot overflow the clock.
    let until = ctx.k.now + total.min(1e9) as i64;
    if ctx.io.background {
        return Outcome::Running { until: Some(until) };
    }
    ctx.k.now = until;
    Outcome::Exit(0)
}

pub fn readlink(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "fenmqsvz", "", &["canonicalize", "help"], &[]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("readlink"));
            ctx.err(&gnu_try("readlink"));
            return Outcome::Exit(1);
        }
    };
    if p.operands.is_empty() {
        ctx.err("readlink: missing operand\n");
        ctx.err(&gnu_try("readlink"));
        return Outcome::Exit(1);
    }
    let canon = p.has("f") || p.has("e") || p.has("m") || p.has("canonicalize");
    let mut st = 0;
    for f in &p.operands {
        if canon {
            match ctx.k.resolve(ctx.pid, f, true) {
                Ok(r) => ctx.out(&format!("{}\n", r.path)),
                Err(_) => st = 1,
            }
            continue;
        }
        match ctx.k.resolve(ctx.pid, f, false).ok().and_then(|r| ctx.k.readlink_loc(ctx.pid, &r.loc)) {
            Some(t) => ctx.out(&format!("{t}\n")),
            None => st = 1,
        }
    }
    Outcome::Exit(st)
}

pub fn clear(ctx: &mut Ctx) -> Outcome {
    ctx.out("\x1b[H\x1b[2J\x1b[3J");
    Outcome::Exit(0)
}

pub fn env(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut env = ctx.env.clone();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-i" || a == "-" || a == "--ignore-environment" {
            env.clear();
        } else if a == "-u" {
            i += 1;
            if let Some(n) = args.get(i) {
                env.retain(|(k, _)| k != n);
            }
        } else if a.starts_with('-') && a.len() > 1 {
            let c = a.chars().nth(1).unwrap_or('-');
            if a.starts_with("--") {
                ctx.err(&format!("env: unrecognized option '{a}'\n"));
            } else {
                ctx.err(&format!("env: invalid option -- '{c}'\n"));
            }
            ctx.err(&gnu_try("env"));
            return Outcome::Exit(125);
        } else if let Some((k, v)) = a.split_once('=') {
            match env.iter_mut().find(|(n, _)| n == k) {
                Some(e) => e.1 = v.to_string(),
                None => env.push((k.to_string(), v.to_string())),
            }
        } else {
            break;
        }
        i += 1;
    }
    if i < args.len() {
        let argv = args[i..].to_vec();
        ctx.env = env;
        return super::namespaces::exec_in_place(ctx, argv, "env", |c| format!("env: '{c}': No such file or directory\n"));
    }
    let out: String = env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    ctx.out(&out);
    Outcome::Exit(0)
}

pub fn which(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let path = ctx.getenv("PATH").unwrap_or("").to_string();
    let mut st = 0;
    for a in &args {
        match crate::shell::exec::lookup(ctx.k, ctx.pid, a, &path) {
            Ok((p, _)) => ctx.out(&format!("{p}\n")),
            Err(_) => {
                ctx.err(&format!("/usr/bin/which: no {a} in ({path})\n"));
                st = 1;
            }
        }
    }
    Outcome::Exit(st)
}
