//! BusyBox 1.34.1 as alpine 3.15 ships it: one binary, `/bin/busybox`, run through the
//! applet links (`/bin/ls -> /bin/busybox`, ...) and dispatching on the name it was run by.
//! Every applet prints in busybox's own formats (spaces, not tabs, in `ls`; `PID   USER
//! TIME  COMMAND` in `ps`; musl's error words), checked against the real binary from the
//! alpine 3.15 fixture.
//!
//! - [`applets`]: every applet the real binary has, and where it is linked.
//! - [`getopt`]: busybox's option parsing on musl (`unrecognized option: x` + usage).
//! - [`usage`]: the usage texts. One module per applet family below.

pub mod applets;
pub mod ash;
pub mod files;
pub mod find;
pub mod getopt;
pub mod grep;
pub mod ip;
pub mod ls;
pub mod misc;
pub mod net;
pub mod netstat;
pub mod ns;
pub mod ps;
pub mod sandbox;
pub mod sort;
pub mod stat;
pub mod sysinfo;
pub mod text;
pub mod top;
pub mod usage;
pub mod wget;

use super::{Ctx, Io, Outcome, Program};
use crate::kernel::Errno;

/// The first line of every usage text and of `busybox` alone.
pub const BANNER: &str = "BusyBox v1.34.1 (2022-07-19 20:11:24 UTC)";

/// The applets the playground runs, by name.
fn applet(name: &str) -> Option<Program> {
    Some(match name {
        "sh" | "ash" => ash::main,
        "ls" => ls::main,
        "ps" => ps::main,
        "nsenter" => ns::nsenter,
        "wget" => wget::main,
        "cat" => text::cat,
        "head" => text::head,
        "tail" => text::tail,
        "wc" => text::wc,
        "grep" | "egrep" | "fgrep" => grep::main,
        "sort" => sort::main,
        "echo" => misc::echo,
        "pwd" => misc::pwd,
        "true" => misc::true_,
        "false" => misc::false_,
        "sleep" => misc::sleep,
        "clear" => misc::clear,
        "env" => misc::env,
        "printenv" => misc::printenv,
        "which" => misc::which,
        "basename" => misc::basename,
        "dirname" => misc::dirname,
        "readlink" => misc::readlink,
        "kill" => misc::kill,
        "hostname" => sysinfo::hostname,
        "uname" => sysinfo::uname,
        "id" => sysinfo::id,
        "whoami" => sysinfo::whoami,
        "date" => sysinfo::date,
        "uptime" => sysinfo::uptime,
        "free" => sysinfo::free,
        "nproc" => sysinfo::nproc,
        "mount" => sysinfo::mount,
        "df" => sysinfo::df,
        "touch" => files::touch,
        "mkdir" => files::mkdir,
        "rmdir" => files::rmdir,
        "rm" => files::rm,
        "cp" => files::cp,
        "mv" => files::mv,
        "ln" => files::ln,
        "find" => find::main,
        "stat" => stat::main,
        "du" => stat::du,
        "ifconfig" => net::ifconfig,
        "ip" => ip::main,
        "netstat" => netstat::main,
        "nc" => netstat::nc,
        "top" => top::main,
        _ => return None,
    })
}

/// Applets that print through stdio (buffered when stdout is not a terminal), as opposed
/// to those writing with write(2) as they go (cat, tail, echo).
fn stdio_buffered(name: &str) -> bool {
    matches!(name, "ls" | "ps" | "grep" | "egrep" | "fgrep" | "find" | "stat" | "du" | "wc" | "head" | "sort" | "df" | "mount" | "id" | "ifconfig" | "ip" | "netstat" | "top" | "env" | "printenv" | "uname" | "hostname" | "date" | "which")
}

/// The applet name a path runs as: its last component (`/bin/ls` -> `ls`).
pub fn applet_name(arg0: &str) -> &str {
    arg0.rsplit('/').next().unwrap_or(arg0)
}

/// The `busybox` program: what `/bin/busybox` and every link to it run.
pub fn main(ctx: &mut Ctx) -> Outcome {
    let arg0 = ctx.argv.first().cloned().unwrap_or_default();
    let name = applet_name(&arg0).to_string();
    run_applet(ctx, &name)
}

/// `run_applet_and_exit`: `busybox*` is the multiplexer itself, then the applet table.
fn run_applet(ctx: &mut Ctx, name: &str) -> Outcome {
    if name.starts_with("busybox") {
        return busybox_main(ctx);
    }
    if !applets::APPLETS.iter().any(|(_, n)| *n == name) {
        ctx.err(&format!("{name}: applet not found\n"));
        return Outcome::Exit(127);
    }
    // "test --help" is no different from "test --foo"; true, false and echo neither.
    let special = matches!(name, "test" | "[" | "[[" | "true" | "false" | "echo");
    if !special && ctx.argv.len() == 2 && ctx.argv[1] == "--help" {
        return show_usage_of(ctx, name, 0);
    }
    match applet(name) {
        Some(run) if stdio_buffered(name) && !ctx.io.tty_out => {
            // stdout through stdio, not a terminal: fully buffered, so what the applet
            // wrote to stderr (unbuffered) comes out first, joined to stdout or apart.
            let before = (std::mem::take(&mut ctx.io.out), std::mem::take(&mut ctx.io.err), std::mem::take(&mut ctx.io.order));
            let was_joined = ctx.io.err_to_out;
            let joined = was_joined && ctx.io.err_redirect.is_none();
            ctx.io.err_to_out = false;
            let outcome = run(ctx);
            let errs = std::mem::replace(&mut ctx.io.err, before.1);
            let out = std::mem::replace(&mut ctx.io.out, before.0);
            ctx.io.order = before.2;
            ctx.io.err_to_out = was_joined;
            ctx.io.push(if joined { 1 } else { 2 }, &errs);
            ctx.io.push(1, &out);
            outcome
        }
        Some(run) => run(ctx),
        None => {
            // A real applet the playground does not model: say so instead of pretending.
            ctx.err(&format!("{name}: applet not simulated in this playground\n"));
            Outcome::Exit(127)
        }
    }
}

fn busybox_main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let Some(first) = args.first().cloned() else {
        let width = terminal_width(ctx, stderr_is_tty(&ctx.io), false);
        let text = banner_and_list(width);
        ctx.out(&text);
        return Outcome::Exit(0);
    };
    if first.starts_with("--list") {
        let full = first.len() > 6;
        let mut s = String::new();
        for (dir, name) in applets::APPLETS {
            if full {
                s.push_str(dir);
                s.push('/');
            }
            s.push_str(name);
            s.push('\n');
        }
        ctx.out(&s);
        return Outcome::Exit(0);
    }
    if first == "--install" {
        ctx.err("busybox: --install: applet not simulated in this playground\n");
        return Outcome::Exit(1);
    }
    if first == "--help" {
        let Some(target) = args.get(1).cloned() else {
            let width = terminal_width(ctx, stderr_is_tty(&ctx.io), false);
            let text = banner_and_list(width);
            ctx.out(&text);
            return Outcome::Exit(0);
        };
        ctx.argv = vec![target.clone()];
        if applets::APPLETS.iter().any(|(_, n)| *n == target) {
            return show_usage_of(ctx, &target, 0);
        }
        return run_applet(ctx, &target);
    }
    // "busybox APPLET ARGS": the applet sees argv from its own name on.
    ctx.argv = args;
    let name = applet_name(&first).to_string();
    run_applet(ctx, &name)
}

/// `busybox` alone: the banner and the applet names, wrapped to the width of stderr's
/// terminal as `busybox_main` does it.
pub fn banner_and_list(width: usize) -> String {
    let mut s = format!("{BANNER} multi-call binary.\n");
    s.push_str(
        "BusyBox is copyrighted by many authors between 1998-2015.\n\
         Licensed under GPLv2. See source distribution for detailed\n\
         copyright notices.\n\
         \n\
         Usage: busybox [function [arguments]...]\n   \
         or: busybox --list[-full]\n   \
         or: busybox --install [-s] [DIR]\n   \
         or: function [arguments]...\n\
         \n\
         \tBusyBox is a multi-call binary that combines many common Unix\n\
         \tutilities into a single executable.  Most people will create a\n\
         \tlink to busybox for each function they wish to use and BusyBox\n\
         \twill act like whatever it was invoked as.\n\
         \n\
         Currently defined functions:\n",
    );
    let output_width = width as i64 - 1;
    let mut col: i64 = 0;
    for (_, a) in applets::APPLETS {
        let len2 = a.len() as i64 + 2;
        if col >= output_width - len2 {
            s.push_str(",\n");
            col = 0;
        }
        if col == 0 {
            col = 6;
            s.push('\t');
        } else {
            s.push_str(", ");
        }
        s.push_str(a);
        col += len2;
    }
    s.push('\n');
    s
}

/// Whether stderr reaches the terminal.
pub fn stderr_is_tty(io: &Io) -> bool {
    io.err_redirect.is_none() && (!io.err_to_out || io.tty_out)
}

/// `get_terminal_width(fd)`: the terminal's columns when `fd` is one, `$COLUMNS` when set
/// (it wins even over the terminal), else 80; values outside 2..30000 mean 80.
pub fn terminal_width(ctx: &Ctx, fd_is_tty: bool, _unused: bool) -> usize {
    let mut value: i64 = if fd_is_tty { ctx.io.cols as i64 } else { 0 };
    if let Some(c) = ctx.getenv("COLUMNS") {
        value = atoi(c);
    }
    if value <= 1 || value >= 30000 {
        80
    } else {
        value as usize
    }
}

/// C's `atoi`: leading blanks, a sign, digits; anything else ends it.
pub fn atoi(s: &str) -> i64 {
    let t = s.trim_start_matches([' ', '\t', '\n']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add((b - b'0') as i64);
    }
    if neg {
        -v
    } else {
        v
    }
}

/// The usage text for `name` on stderr, then exit with `code` (`bb_show_usage`).
pub fn show_usage_of(ctx: &mut Ctx, name: &str, code: i32) -> Outcome {
    let mut s = format!("{BANNER} multi-call binary.\n");
    match usage::text(name) {
        Some(t) => {
            s.push_str("\nUsage: ");
            s.push_str(name);
            s.push_str(t);
        }
        None => s.push_str("\nNo help available\n"),
    }
    ctx.err(&s);
    Outcome::Exit(code)
}

/// The usage of the running applet, exit 1 (a usage error).
pub fn show_usage(ctx: &mut Ctx) -> Outcome {
    let name = ctx.name();
    show_usage_of(ctx, &name, 1)
}

/// musl's `strerror` words (they differ from glibc's for a few errors).
pub fn strerror(e: Errno) -> &'static str {
    match e {
        Errno::ELOOP => "Symbolic link loop",
        Errno::ENAMETOOLONG => "Filename too long",
        Errno::EBUSY => "Resource busy",
        Errno::EXDEV => "Cross-device link",
        e => e.message(),
    }
}

/// `bb_error_msg`: `APPLET: MSG` on stderr.
pub fn error(ctx: &mut Ctx, msg: &str) {
    let name = ctx.name();
    ctx.err(&format!("{name}: {msg}\n"));
}

/// `bb_perror_msg`: `APPLET: MSG: strerror` on stderr.
pub fn perror(ctx: &mut Ctx, msg: &str, e: Errno) {
    let name = ctx.name();
    ctx.err(&format!("{name}: {msg}: {}\n", strerror(e)));
}

/// `concat_path_file`: `dir/name` without doubling a slash.
pub fn concat_path(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_wraps_like_busybox_at_80_columns() {
        let text = banner_and_list(80);
        let list: Vec<&str> = text.lines().skip_while(|l| *l != "Currently defined functions:").skip(1).collect();
        assert_eq!(list[0], "\t[, [[, acpid, add-shell, addgroup, adduser, adjtimex, arch, arp,");
        assert_eq!(list.last().copied(), Some("\twget, which, whoami, whois, xargs, xxd, xzcat, yes, zcat"));
        assert_eq!(list.len(), 34);
    }

    #[test]
    fn atoi_is_c_like() {
        assert_eq!(atoi("  42abc"), 42);
        assert_eq!(atoi("-3"), -3);
        assert_eq!(atoi("x"), 0);
    }
}
