//! Behaviour models of the programs images run: what they print, which processes they start,
//! what they do on a signal. They run on the simulated kernel like the host's utilities.

pub mod http;
pub mod mysql;
pub mod nginx;

use crate::shell::exec::{exec_program, lookup_message};
use crate::utils::{Ctx, Outcome};

/// The program an image's executable is, by its path (image layers carry bytes, not the
/// simulation's program names). Scripts whose behaviour is modeled are listed by their path.
pub fn binary_at(path: &str) -> Option<&'static str> {
    Some(match path {
        "/usr/sbin/nginx" | "/usr/sbin/nginx-debug" => "nginx",
        "/docker-entrypoint.sh" => "nginx-entrypoint",
        "/usr/bin/curl" => "curl",
        "/usr/local/bin/docker-entrypoint.sh" => "mysql-entrypoint",
        "/usr/sbin/mysqld" => "mysqld",
        // Oracle Linux (the mysql image's base) has GNU coreutils, procps and bash.
        "/usr/bin/bash" => "bash",
        "/usr/bin/ls" => "ls",
        "/usr/bin/cat" => "cat",
        "/usr/bin/echo" => "echo",
        "/usr/bin/ps" => "ps",
        "/usr/bin/sleep" => "sleep",
        "/usr/bin/env" => "env",
        "/usr/bin/id" => "id",
        "/usr/bin/hostname" => "hostname",
        "/usr/bin/uname" => "uname",
        _ => return None,
    })
}

/// `exec "$@"` at the end of an entrypoint script: the arguments replace the program in the
/// same process.
pub fn exec_args(ctx: &mut Ctx, args: &[String]) -> Outcome {
    let Some(first) = args.first().cloned() else { return Outcome::Exit(0) };
    let me = ctx.argv.first().cloned().unwrap_or_default();
    let env = ctx.env.clone();
    let io = std::mem::take(&mut ctx.io);
    match exec_program(ctx.k, ctx.pid, args.to_vec(), env, io) {
        Ok((outcome, io)) => {
            ctx.io = io;
            outcome
        }
        Err((e, io)) => {
            ctx.io = io;
            let (msg, code) = lookup_message(&e, &first);
            ctx.err(&format!("{me}: line 1: exec: {msg}\n"));
            Outcome::Exit(code)
        }
    }
}
