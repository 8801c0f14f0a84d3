//! macOS `uname` (shell_cmds-240.100.15 uname/uname.c): `-a` is `-snrvm` (Unix2003 mode, no
//! `-p`), `-p` prints `i386` on Intel and `arm` on Apple silicon, the `UNAME_*` environment
//! variables override the fields.

use super::super::{Ctx, Outcome};

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let (flags, _, operands) = match super::bsd_getopt(&args, "amnprsv", "") {
        Ok(p) => p,
        Err(c) => {
            ctx.err(&format!("uname: illegal option -- {c}\n"));
            ctx.err("usage: uname [-amnprsv]\n");
            return Outcome::Exit(1);
        }
    };
    if !operands.is_empty() {
        ctx.err("usage: uname [-amnprsv]\n");
        return Outcome::Exit(1);
    }
    let has = |c: char| flags.contains(&c) || flags.contains(&'a');
    let u = ctx.k.uname.clone();
    let env = |n: &str, v: String| ctx.getenv(n).map(str::to_string).unwrap_or(v);
    let sysname = env("UNAME_SYSNAME", u.sysname.clone());
    let node = env("UNAME_NODENAME", ctx.k.hostname_of(ctx.pid));
    let release = env("UNAME_RELEASE", u.release.clone());
    let version = env("UNAME_VERSION", u.version.clone());
    let machine = env("UNAME_MACHINE", u.machine.clone());
    let mut parts: Vec<String> = Vec::new();
    if has('s') || flags.is_empty() {
        parts.push(sysname);
    }
    if has('n') {
        parts.push(node);
    }
    if has('r') {
        parts.push(release);
    }
    if has('v') {
        parts.push(version);
    }
    if has('m') {
        parts.push(machine);
    }
    if flags.contains(&'p') {
        parts.push(if u.machine == "arm64" { "arm".into() } else { "i386".into() });
    }
    ctx.out(&format!("{}\n", parts.join(" ")));
    Outcome::Exit(0)
}
