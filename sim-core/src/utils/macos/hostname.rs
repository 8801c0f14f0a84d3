//! macOS `hostname` (shell_cmds-240.100.15 hostname/hostname.c): prints the full name
//! (`MacBook-Pro.local`), `-s` up to the first dot, `-d` after it, `-f` is accepted and ignored.

use super::super::{Ctx, Outcome};

const USAGE: &str = "usage: hostname [-fs] [name-of-host]\n";

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let (flags, _, operands) = match super::bsd_getopt(&args, "fsd", "") {
        Ok(p) => p,
        Err(c) => {
            ctx.err(&format!("hostname: illegal option -- {c}\n"));
            ctx.err(USAGE);
            return Outcome::Exit(1);
        }
    };
    let s = flags.contains(&'s');
    let d = flags.contains(&'d');
    if operands.len() > 1 || (s && d) {
        ctx.err(USAGE);
        return Outcome::Exit(1);
    }
    if !operands.is_empty() {
        // sethostname(2) needs root.
        if ctx.uid() != 0 {
            ctx.err("hostname: sethostname: Operation not permitted\n");
            return Outcome::Exit(1);
        }
        let name = operands[0].clone();
        if let Some(u) = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.uts).and_then(|ns| ctx.k.uts_ns.get_mut(&ns)) {
            u.hostname = name;
        }
        return Outcome::Exit(0);
    }
    let full = ctx.k.hostname_of(ctx.pid);
    let shown = if s {
        full.split('.').next().unwrap_or("").to_string()
    } else if d {
        full.split_once('.').map(|(_, r)| r.to_string()).unwrap_or(full.clone())
    } else {
        full
    };
    ctx.out(&format!("{shown}\n"));
    Outcome::Exit(0)
}
