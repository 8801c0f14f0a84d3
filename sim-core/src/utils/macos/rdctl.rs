//! Rancher Desktop's `rdctl` (1.4): `rdctl shell [COMMAND...]` runs `limactl shell 0`,
//! which runs ssh into the Lima VM (`cd $PWD || cd $HOME ; exec "$SHELL" --login`). The
//! Mac keeps rdctl, limactl and ssh waiting while the shell in the VM is in use. Other
//! subcommands are not modeled; cobra's unknown-command wording is kept.

use super::super::{Ctx, Outcome};
use crate::host::{desktop, rancher_desktop};
use crate::kernel::process::Exec;
use crate::kernel::ProcState;

fn helper(ctx: &mut Ctx, parent: u32, comm: &str, argv: Vec<String>, exe: &str) -> Option<u32> {
    let (uid, gid, tty, cwd) = ctx.k.procs.get(&parent).map(|p| (p.uid, p.gid, p.tty.clone(), p.cwd.clone()))?;
    let ex = Exec { comm: comm.into(), argv, exe: exe.into(), uid, gid, tty, cwd, vsz_kb: 5_012_000, rss_kb: 22_000, state: Some(ProcState::Sleeping), ..Exec::default() };
    ctx.k.spawn(parent, ex).ok()
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    match args.first().map(String::as_str) {
        Some("shell") => shell(ctx, &args[1..]),
        None | Some("-h") | Some("--help") | Some("help") => {
            ctx.out("The eventual goal of this CLI is to enable any UI-based operation to be done from the command-line as well.\n\nUsage:\n  rdctl [command]\n\nAvailable Commands:\n  shell         Run an interactive shell or a command in a Rancher Desktop-managed VM\n\nUse \"rdctl [command] --help\" for more information about a command.\n");
            Outcome::Exit(0)
        }
        Some(other) => {
            ctx.err(&format!("Error: unknown command \"{other}\" for \"rdctl\"\nRun 'rdctl --help' for usage.\n"));
            Outcome::Exit(1)
        }
    }
}

fn shell(ctx: &mut Ctx, cmd: &[String]) -> Outcome {
    let cwd = ctx.k.procs.get(&ctx.pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    let limactl_path = rancher_desktop::LIMACTL;
    let me = ctx.pid;
    let Some(limactl) = helper(ctx, me, "limactl", vec![limactl_path.into(), "shell".into(), "0".into()], limactl_path) else { return Outcome::Exit(1) };
    let ssh_argv = rancher_desktop::ssh_argv(&cwd);
    let Some(ssh) = helper(ctx, limactl, "ssh", ssh_argv, "/usr/bin/ssh") else { return Outcome::Exit(1) };
    let command = if cmd.is_empty() { None } else { Some(cmd.join(" ")) };
    let login = rancher_desktop::guest_login(&cwd);
    let res = desktop::guest_login(ctx.k, &login, command.as_deref(), ctx.io.cols);
    match res {
        Ok(Ok(mut sh)) => {
            // rdctl, limactl and ssh wait on the Mac until the VM's shell exits.
            sh.waiters.push(ssh);
            sh.waiters.push(limactl);
            sh.waiters.push(me);
            Outcome::Shell(sh)
        }
        Ok(Err((out, code))) => {
            ctx.io.out.extend_from_slice(&out);
            ctx.k.exit(ssh);
            ctx.k.exit(limactl);
            Outcome::Exit(code)
        }
        Err(_) => {
            ctx.k.exit(ssh);
            ctx.k.exit(limactl);
            ctx.err("Error: Rancher Desktop is not running. Please start Rancher Desktop and try again.\n");
            Outcome::Exit(1)
        }
    }
}
