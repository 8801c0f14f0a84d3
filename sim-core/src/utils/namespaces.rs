//! util-linux `unshare` and `nsenter`: the article's point that a container is only a
//! process in new namespaces, done by hand.

use super::{getopt, gnu_try, Ctx, Outcome};
use crate::kernel::{NsKind, Pid};
use crate::shell::exec::{exec_program, fork, LookupError};

/// `execvp` in the calling process; on failure prints `tool: failed to execute CMD: ...`
/// (or the given wording) and exits 127/126 as util-linux does.
pub fn exec_in_place(ctx: &mut Ctx, argv: Vec<String>, tool: &str, not_found: impl Fn(&str) -> String) -> Outcome {
    let env = ctx.env.clone();
    let io = std::mem::take(&mut ctx.io);
    match exec_program(ctx.k, ctx.pid, argv.clone(), env, io) {
        Ok((outcome, io)) => {
            ctx.io = io;
            outcome
        }
        Err((e, io)) => {
            ctx.io = io;
            let cmd = argv.first().cloned().unwrap_or_default();
            match e {
                LookupError::NotFound | LookupError::NoSuchFile => {
                    let msg = not_found(&cmd);
                    ctx.err(&msg);
                    Outcome::Exit(127)
                }
                _ => {
                    ctx.err(&format!("{tool}: failed to execute {cmd}: Permission denied\n"));
                    Outcome::Exit(126)
                }
            }
        }
    }
}

/// Runs `argv` in a new child of the caller and waits for it, like fork + exec + waitpid.
/// An interactive shell started there keeps the chain alive until it exits.
pub fn run_child(ctx: &mut Ctx, child: Pid, argv: Vec<String>, tool: &str, not_found: impl Fn(&str) -> String) -> Outcome {
    let env = ctx.env.clone();
    let io = std::mem::take(&mut ctx.io);
    let mut sub = super::Ctx { k: &mut *ctx.k, pid: child, argv: argv.clone(), env, io };
    let outcome = exec_in_place(&mut sub, argv, tool, not_found);
    ctx.io = sub.io;
    match outcome {
        Outcome::Exit(code) => {
            ctx.k.exit(child);
            Outcome::Exit(code)
        }
        Outcome::Running { until } => {
            // Waited for: the clock runs on to its end (a server never ends: it is left running).
            if let Some(t) = until {
                ctx.k.now = ctx.k.now.max(t);
                ctx.k.exit(child);
                return Outcome::Exit(0);
            }
            Outcome::Running { until }
        }
        Outcome::Shell(mut sh) => {
            if sh.pid != child {
                sh.waiters.push(child);
            }
            Outcome::Shell(sh)
        }
    }
}

fn default_shell(ctx: &Ctx) -> String {
    ctx.getenv("SHELL").unwrap_or("/bin/sh").to_string()
}

pub fn unshare(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    // Options end at the first operand: the rest is the command.
    let split = args.iter().position(|a| !a.starts_with('-')).unwrap_or(args.len());
    let (opts, cmd) = args.split_at(split);
    let p = match getopt(opts, "pfmnuiUCTr", "", &["pid", "fork", "mount", "net", "uts", "ipc", "user", "cgroup", "time", "mount-proc", "map-root-user", "help", "version", "kill-child"], &["propagation"]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("unshare"));
            ctx.err(&gnu_try("unshare"));
            return Outcome::Exit(1);
        }
    };
    if p.has("help") {
        ctx.out(UNSHARE_HELP);
        return Outcome::Exit(0);
    }
    let mount_proc = p.has("mount-proc") || p.values.iter().any(|(n, _)| n == "mount-proc");
    let want_pid = p.has("p") || p.has("pid");
    let want_fork = p.has("f") || p.has("fork");
    let want_mnt = p.has("m") || p.has("mount") || mount_proc;
    let want_net = p.has("n") || p.has("net");
    let want_uts = p.has("u") || p.has("uts");
    let want_ipc = p.has("i") || p.has("ipc");
    if ctx.uid() != 0 && !(p.has("U") || p.has("user") || p.has("r") || p.has("map-root-user")) {
        ctx.err("unshare: unshare failed: Operation not permitted\n");
        return Outcome::Exit(1);
    }
    let me = ctx.pid;
    if want_pid
        && ctx.k.unshare_pid(me).is_err() {
            ctx.err("unshare: unshare failed: No space left on device\n");
            return Outcome::Exit(1);
        }
    if want_mnt {
        let _ = ctx.k.unshare_mnt(me);
    }
    if want_net {
        let _ = ctx.k.unshare_net(me);
    }
    if want_uts {
        let _ = ctx.k.unshare_uts(me);
    }
    if want_ipc {
        let _ = ctx.k.unshare_ipc(me);
    }
    let argv: Vec<String> = if cmd.is_empty() { vec![default_shell(ctx)] } else { cmd.to_vec() };
    let not_found = |c: &str| format!("unshare: failed to execute {c}: No such file or directory\n");
    if want_fork {
        let Some(child) = fork(ctx.k, me, &argv, None) else {
            ctx.err("unshare: fork failed: Cannot allocate memory\n");
            return Outcome::Exit(1);
        };
        if mount_proc {
            let _ = ctx.k.mount_proc(child, "/proc");
        }
        run_child(ctx, child, argv, "unshare", not_found)
    } else {
        if mount_proc {
            let _ = ctx.k.mount_proc(me, "/proc");
        }
        exec_in_place(ctx, argv, "unshare", not_found)
    }
}

pub fn nsenter(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let mut split = args.len();
    // Options that take a value: -t/--target; stop at the first operand after them.
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if !a.starts_with('-') {
            split = i;
            break;
        }
        if a == "-t" || a == "--target" {
            i += 1;
        }
        i += 1;
    }
    let (opts, cmd) = args.split_at(split.min(args.len()));
    let p = match getopt(opts, "muinpUaFC", "tSGwr", &["mount", "uts", "ipc", "net", "pid", "user", "all", "help", "no-fork", "cgroup"], &["target", "setuid", "setgid", "wd", "root"]) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&e.message("nsenter"));
            ctx.err(&gnu_try("nsenter"));
            return Outcome::Exit(1);
        }
    };
    if p.has("help") {
        ctx.out(NSENTER_HELP);
        return Outcome::Exit(0);
    }
    let all = p.has("a") || p.has("all");
    let mut kinds: Vec<NsKind> = Vec::new();
    for (f, k) in [("m", NsKind::Mnt), ("u", NsKind::Uts), ("i", NsKind::Ipc), ("n", NsKind::Net), ("p", NsKind::Pid)] {
        let long = match f {
            "m" => "mount",
            "u" => "uts",
            "i" => "ipc",
            "n" => "net",
            _ => "pid",
        };
        if all || p.has(f) || p.has(long) {
            kinds.push(k);
        }
    }
    let target = p.value("t").or(p.value("target"));
    let Some(target) = target else {
        match kinds.first() {
            Some(k) => ctx.err(&format!("nsenter: neither filename nor target pid supplied for ns/{}\n", k.file_name())),
            None => ctx.err("nsenter: no namespace specified\n"),
        }
        return Outcome::Exit(1);
    };
    let viewer_ns = ctx.k.procs.get(&ctx.pid).map(|p| p.ns.pid);
    let tpid = target.parse::<u32>().ok().and_then(|t| viewer_ns.and_then(|ns| ctx.k.global_pid(ns, t)));
    let Some(tpid) = tpid else {
        let first = kinds.first().map(|k| k.file_name()).unwrap_or("pid");
        match target.parse::<u32>() {
            Ok(_) => ctx.err(&format!("nsenter: cannot open /proc/{target}/ns/{first}: No such file or directory\n")),
            Err(_) => ctx.err(&format!("nsenter: failed to parse pid: '{target}'\n")),
        }
        return Outcome::Exit(1);
    };
    if kinds.is_empty() {
        ctx.err("nsenter: no namespace specified\n");
        return Outcome::Exit(1);
    }
    let me = ctx.pid;
    for k in &kinds {
        if let Err(e) = ctx.k.setns(me, tpid, *k) {
            ctx.err(&format!("nsenter: reassociate to namespace 'ns/{}' failed: {}\n", k.file_name(), e.message()));
            return Outcome::Exit(1);
        }
    }
    let argv: Vec<String> = if cmd.is_empty() { vec![default_shell(ctx)] } else { cmd.to_vec() };
    let not_found = |c: &str| format!("nsenter: failed to execute {c}: No such file or directory\n");
    if kinds.contains(&NsKind::Pid) && !p.has("F") && !p.has("no-fork") {
        let Some(child) = fork(ctx.k, me, &argv, None) else {
            ctx.err("nsenter: fork failed: Cannot allocate memory\n");
            return Outcome::Exit(1);
        };
        run_child(ctx, child, argv, "nsenter", not_found)
    } else {
        exec_in_place(ctx, argv, "nsenter", not_found)
    }
}

const UNSHARE_HELP: &str = "
Usage:
 unshare [options] [<program> [<argument>...]]

Run a program with some namespaces unshared from the parent.

Options:
 -m, --mount[=<file>]      unshare mounts namespace
 -u, --uts[=<file>]        unshare UTS namespace (hostname etc)
 -i, --ipc[=<file>]        unshare System V IPC namespace
 -n, --net[=<file>]        unshare network namespace
 -p, --pid[=<file>]        unshare pid namespace
 -U, --user[=<file>]       unshare user namespace
 -C, --cgroup[=<file>]     unshare cgroup namespace
 -T, --time[=<file>]       unshare time namespace

 -f, --fork                fork before launching <program>
 --map-user=<uid>|<name>   map current user to uid (implies --user)
 --map-group=<gid>|<name>  map current group to gid (implies --user)
 -r, --map-root-user       map current user to root (implies --user)
 -c, --map-current-user    map current user to itself (implies --user)
 --map-auto                map users and groups automatically (implies --user)
 --map-users=<outeruid>,<inneruid>,<count>
                           map count users from outeruid to inneruid (implies --user)
 --map-groups=<outergid>,<innergid>,<count>
                           map count groups from outergid to innergid (implies --user)

 --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)
                             defaults to SIGKILL
 --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)
 --propagation slave|shared|private|unchanged
                           modify mount propagation in mount namespace
 --setgroups allow|deny    control the setgroups syscall in user namespaces
 --keep-caps               retain capabilities granted in user namespaces

 -R, --root=<dir>          run the command with root directory set to <dir>
 -w, --wd=<dir>            change working directory to <dir>
 -S, --setuid <uid>        set uid in entered namespace
 -G, --setgid <gid>        set gid in entered namespace
 --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces
 --boottime <offset>       set clock boottime offset (seconds) in time namespaces

 -h, --help                display this help
 -V, --version             display version

For more details see unshare(1).
";

const NSENTER_HELP: &str = "
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all              enter all namespaces
 -t, --target <pid>     target process to get namespaces from
 -m, --mount[=<file>]   enter mount namespace
 -u, --uts[=<file>]     enter UTS namespace (hostname etc)
 -i, --ipc[=<file>]     enter System V IPC namespace
 -n, --net[=<file>]     enter network namespace
 -p, --pid[=<file>]     enter pid namespace
 -C, --cgroup[=<file>]  enter cgroup namespace
 -U, --user[=<file>]    enter user namespace
 -T, --time[=<file>]    enter time namespace
 -S, --setuid <uid>     set uid in entered namespace
 -G, --setgid <gid>     set gid in entered namespace
     --preserve-credentials do not touch uids or gids
 -r, --root[=<dir>]     set the root directory
 -w, --wd[=<dir>]       set the working directory
 -F, --no-fork          do not fork before exec'ing <program>
 -Z, --follow-context   set SELinux context according to --target PID

 -h, --help             display this help
 -V, --version          display version

For more details see nsenter(1).
";
