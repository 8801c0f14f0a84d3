//! `bash` (and `sh`, which is bash on Amazon Linux 2), `sudo` and `su`.

use super::{Ctx, Outcome};
use crate::shell::exec::{fork, run_line, TermInfo};
use crate::shell::{Flavor, Machine, Shell, Vars};

/// The environment a new shell builds from what it inherited.
fn shell_vars(ctx: &mut Ctx, login: bool) -> Vars {
    let mut vars = Vars::from_environ(&ctx.env);
    let lvl = vars.get("SHLVL").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0) + 1;
    vars.set("SHLVL", &lvl.to_string(), true);
    let cwd = ctx.k.procs.get(&ctx.pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    if login {
        if let Some(home) = vars.get("HOME").map(str::to_string) {
            if ctx.k.resolve(ctx.pid, &home, true).is_ok() {
                if let Some(p) = ctx.k.procs.get_mut(&ctx.pid) {
                    p.cwd = home.clone();
                }
                vars.set("PWD", &home, true);
                return vars;
            }
        }
    }
    vars.set("PWD", &cwd, true);
    vars
}

pub fn new_shell(ctx: &mut Ctx, arg0: &str, login: bool, interactive: bool) -> Shell {
    let base = arg0.trim_start_matches('-');
    let flavor = match base.rsplit('/').next() {
        Some("sh") => Flavor::BashAsSh,
        Some("zsh") => Flavor::Zsh,
        _ => Flavor::Bash,
    };
    let vars = shell_vars(ctx, login);
    Shell {
        pid: ctx.pid,
        flavor,
        login,
        interactive,
        vars,
        arg0: arg0.rsplit('/').next().unwrap_or(arg0).to_string(),
        status: 0,
        waiters: Vec::new(),
        history: Vec::new(),
        machine: Machine::HOST,
        aliases: if flavor == Flavor::Zsh { crate::shell::zsh::DEFAULT_ALIASES.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect() } else { Vec::new() },
        loops: 0,
        input: None,
        subshell: false,
    }
}

fn term(ctx: &Ctx) -> TermInfo {
    let mut t = TermInfo::terminal(ctx.io.cols, ctx.k.procs.get(&ctx.pid).and_then(|p| p.tty.clone()).unwrap_or_default());
    // stderr apart from stdout (a container without a TTY, `2>file`) stays apart.
    t.err_apart = !ctx.io.err_to_out || ctx.io.err_redirect.is_some();
    t
}

/// Runs script text non-interactively in this process; output goes to our stdout.
fn run_script(ctx: &mut Ctx, sh: &mut Shell, text: &str) -> i32 {
    let t = term(ctx);
    for line in crate::shell::exec::commands(text) {
        let res = run_line(ctx.k, sh, &line.text, &t);
        for (stream, bytes) in res.streams() {
            ctx.io.push(stream, bytes);
        }
        if let Some(code) = res.exit {
            return code;
        }
    }
    sh.status
}

pub fn bash(ctx: &mut Ctx) -> Outcome {
    let arg0 = ctx.argv.first().cloned().unwrap_or_else(|| "bash".into());
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut login = arg0.starts_with('-');
    let mut command: Option<String> = None;
    let mut script: Option<String> = None;
    let mut force_interactive = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-c" => {
                i += 1;
                match args.get(i) {
                    Some(c) => command = Some(c.clone()),
                    None => {
                        ctx.err(&format!("{}: -c: option requires an argument\n", arg0.trim_start_matches('-')));
                        return Outcome::Exit(2);
                    }
                }
                break;
            }
            "-l" | "--login" => login = true,
            "-i" => force_interactive = true,
            s if s.starts_with('-') && s.len() > 1 => {
                ctx.err(&format!("{}: {s}: invalid option\n", arg0.trim_start_matches('-')));
                return Outcome::Exit(2);
            }
            s => {
                script = Some(s.to_string());
                break;
            }
        }
        i += 1;
    }
    if let Some(c) = command {
        let mut sh = new_shell(ctx, &arg0, login, false);
        // `bash -c CMD NAME ARGS...`: $0 and the positional parameters.
        let rest: Vec<String> = args.iter().skip(i + 1).cloned().collect();
        if let Some(name) = rest.first() {
            sh.arg0 = name.clone();
        }
        for (j, a) in rest.iter().skip(1).take(9).enumerate() {
            sh.vars.set(&(j + 1).to_string(), a, false);
        }
        let status = run_script(ctx, &mut sh, &c);
        return Outcome::Exit(status);
    }
    if let Some(path) = script {
        let name = arg0.trim_start_matches('-').to_string();
        match ctx.read_file(&path) {
            Ok(data) => {
                let mut sh = new_shell(ctx, &path, false, false);
                sh.arg0 = path.to_string();
                let text = String::from_utf8_lossy(&data).into_owned();
                let status = run_script(ctx, &mut sh, &text);
                return Outcome::Exit(status);
            }
            Err(e) => {
                ctx.err(&format!("{name}: {path}: {}\n", e.message()));
                return Outcome::Exit(127);
            }
        }
    }
    if ctx.io.stdin_tty || force_interactive {
        let mut sh = new_shell(ctx, &arg0, login, true);
        // The shell reads the terminal now: it is in the foreground.
        if let Some(p) = ctx.k.procs.get_mut(&ctx.pid) {
            p.foreground = true;
        }
        sh.status = 0;
        return Outcome::Shell(Box::new(sh));
    }
    let text = String::from_utf8_lossy(&ctx.io.stdin).into_owned();
    let mut sh = new_shell(ctx, &arg0, login, false);
    let status = run_script(ctx, &mut sh, &text);
    Outcome::Exit(status)
}

const SUDO_USAGE: &str = "usage: sudo -h | -K | -k | -V\nusage: sudo -v [-AknS] [-g group] [-h host] [-p prompt] [-u user]\nusage: sudo -l [-AknS] [-g group] [-h host] [-p prompt] [-U user] [-u user]\n            [command]\nusage: sudo [-AbEHnPS] [-C num] [-g group] [-h host] [-p prompt] [-T timeout]\n            [-u user] [VAR=value] [-i|-s] [<command>]\nusage: sudo -e [-AknS] [-C num] [-g group] [-h host] [-p prompt] [-T timeout]\n            [-u user] file ...\n";

/// The environment sudo gives the command (Amazon Linux 2's sudoers: env_reset,
/// secure_path, always_set_home).
fn sudo_env(ctx: &Ctx, home: &str, user: &str, shell: &str) -> Vec<(String, String)> {
    let caller = ctx.getenv("USER").unwrap_or("root").to_string();
    let uid = ctx.uid();
    let mut env: Vec<(String, String)> = Vec::new();
    for keep in ["HOSTNAME", "TERM", "LANG", "HISTSIZE", "LS_COLORS", "DISPLAY"] {
        if let Some(v) = ctx.getenv(keep) {
            env.push((keep.into(), v.into()));
        }
    }
    env.push(("MAIL".into(), format!("/var/spool/mail/{user}")));
    env.push(("PATH".into(), "/sbin:/bin:/usr/sbin:/usr/bin".into()));
    env.push(("LOGNAME".into(), user.into()));
    env.push(("USER".into(), user.into()));
    env.push(("USERNAME".into(), user.into()));
    env.push(("HOME".into(), home.into()));
    env.push(("SHELL".into(), shell.into()));
    env.push(("SUDO_COMMAND".into(), ctx.argv[1..].join(" ")));
    env.push(("SUDO_USER".into(), caller));
    env.push(("SUDO_UID".into(), uid.to_string()));
    env.push(("SUDO_GID".into(), ctx.k.procs.get(&ctx.pid).map(|p| p.gid).unwrap_or(0).to_string()));
    env
}

pub fn sudo(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut login = false;
    let mut shell = false;
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        match args[i].as_str() {
            "-i" | "--login" => login = true,
            "-s" | "--shell" => shell = true,
            "-E" | "-H" | "-n" => {}
            "--" => {
                i += 1;
                break;
            }
            "-h" | "--help" => {
                ctx.out("sudo - execute a command as another user\n\n");
                ctx.out(SUDO_USAGE);
                return Outcome::Exit(0);
            }
            o => {
                let c = o.trim_start_matches('-').chars().next().unwrap_or('-');
                ctx.err(&format!("sudo: invalid option -- '{c}'\n"));
                ctx.err(SUDO_USAGE);
                return Outcome::Exit(1);
            }
        }
        i += 1;
    }
    let cmd: Vec<String> = args[i..].to_vec();
    if cmd.is_empty() && !login && !shell {
        ctx.err(SUDO_USAGE);
        return Outcome::Exit(1);
    }
    let caller_gid = ctx.k.procs.get(&ctx.pid).map(|p| p.gid).unwrap_or(0);
    let caller = ctx.getenv("USER").unwrap_or("").to_string();
    let allowed = ctx.uid() == 0 || caller_gid == 10 || {
        let user = super::users::lookup_user(ctx.k, ctx.pid, &caller);
        user.map(|u| super::users::group_ids(ctx.k, ctx.pid, &u).contains(&10)).unwrap_or(false)
    };
    if !allowed {
        ctx.err(&format!("{caller} is not in the sudoers file.  This incident will be reported.\n"));
        return Outcome::Exit(1);
    }
    let env = sudo_env(ctx, "/root", "root", "/bin/bash");
    let argv: Vec<String> = if login {
        if cmd.is_empty() { vec!["-bash".into()] } else { vec!["-bash".into(), "-c".into(), cmd.join(" ")] }
    } else if shell {
        if cmd.is_empty() { vec!["/bin/bash".into()] } else { vec!["/bin/bash".into(), "-c".into(), cmd.join(" ")] }
    } else {
        cmd.clone()
    };
    let Some(child) = fork(ctx.k, ctx.pid, &argv, Some(0)) else { return Outcome::Exit(1) };
    if let Some(p) = ctx.k.procs.get_mut(&child) {
        if login {
            p.cwd = "/root".into();
        }
        p.env = env.clone();
    }
    let saved = std::mem::replace(&mut ctx.env, env);
    // A login shell is found as the user's shell, not on PATH.
    let exec_argv = if login && argv[0] == "-bash" {
        let mut v = argv.clone();
        v[0] = "/bin/bash".into();
        v
    } else {
        argv.clone()
    };
    let outcome = super::namespaces::run_child(ctx, child, exec_argv, "sudo", |c| format!("sudo: {c}: command not found\n"));
    ctx.env = saved;
    let outcome = match outcome {
        Outcome::Exit(127) => Outcome::Exit(1),
        o => o,
    };
    if let Outcome::Shell(mut sh) = outcome {
        if login {
            sh.login = true;
            sh.arg0 = "-bash".into();
            if let Some(p) = ctx.k.procs.get_mut(&sh.pid) {
                p.argv = vec!["-bash".into()];
            }
        }
        return Outcome::Shell(sh);
    }
    outcome
}

pub fn su(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let login = args.iter().any(|a| a == "-" || a == "-l" || a == "--login");
    let user = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_else(|| "root".into());
    let Some(u) = super::users::lookup_user(ctx.k, ctx.pid, &user) else {
        ctx.err(&format!("su: user {user} does not exist\n"));
        return Outcome::Exit(1);
    };
    if ctx.uid() != 0 {
        ctx.out("Password: \n");
        ctx.err("su: Authentication failure\n");
        return Outcome::Exit(1);
    }
    let mut env: Vec<(String, String)> = ctx.env.clone();
    for (k, v) in [("HOME", u.home.clone()), ("SHELL", u.shell.clone()), ("USER", u.name.clone()), ("LOGNAME", u.name.clone())] {
        match env.iter_mut().find(|(n, _)| n == k) {
            Some(e) => e.1 = v,
            None => env.push((k.to_string(), v)),
        }
    }
    let argv = vec![if login { "-bash".to_string() } else { "bash".to_string() }];
    let Some(child) = fork(ctx.k, ctx.pid, &argv, Some(u.uid)) else { return Outcome::Exit(1) };
    if let Some(p) = ctx.k.procs.get_mut(&child) {
        p.gid = u.gid;
    }
    let saved = std::mem::replace(&mut ctx.env, env);
    let outcome = super::namespaces::run_child(ctx, child, vec!["/bin/bash".into()], "su", |c| format!("su: failed to execute {c}: No such file or directory\n"));
    ctx.env = saved;
    if let Outcome::Shell(mut sh) = outcome {
        sh.login = login;
        sh.arg0 = argv[0].clone();
        if let Some(p) = ctx.k.procs.get_mut(&sh.pid) {
            p.argv = argv;
        }
        return Outcome::Shell(sh);
    }
    outcome
}
