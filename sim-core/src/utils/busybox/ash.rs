//! busybox `ash` (`sh` in alpine): the shell flavour's own words. The shared shell
//! (`crate::shell`) parses and runs lines; this module holds what ash does differently:
//! its start-up variables and their order in the environment (ash's hash table), the
//! `\w \$ ` prompt, its error wording (`sh: nosuch: not found`, `can't cd to`), and the
//! builtins whose behaviour differs from bash's.

use crate::sort::SortSlice;
use super::{strerror, Ctx, Outcome};
use crate::kernel::vfs::FileType;
use crate::kernel::{Errno, Kernel};
use crate::shell::exec::{exec_program, run_line, LineResult, LookupError, TermInfo};
use crate::shell::expand::{expand_words, substitutes};
use crate::shell::parse::{self, SyntaxError};
use crate::shell::{Flavor, Shell, Vars};
use crate::utils::{users, Io};

/// ash's `varinit`: variables that exist before the environment is read, in order. They
/// sit first in their hash chains.
const VARINIT: &[&str] =
    &["IFS", "MAIL", "MAILPATH", "PATH", "PS1", "PS2", "PS4", "OPTIND", "LINENO", "RANDOM", "LC_ALL", "LC_CTYPE", "HISTFILE"];

/// Size of ash's variable hash table.
const VTABSIZE: u32 = 39;

/// ash's `hashvar`: the chain a variable lives in.
fn bucket(name: &str) -> u32 {
    let b = name.as_bytes();
    let mut h: u32 = (*b.first().unwrap_or(&0) as u32) << 4;
    for c in b {
        h = h.wrapping_add(*c as u32);
    }
    h % VTABSIZE
}

/// The environment ash gives a child: exported variables in hash-table order (chain by
/// chain, each chain in insertion order with `varinit`'s entries first).
pub fn environ(vars: &Vars) -> Vec<(String, String)> {
    let mut v: Vec<(u32, usize, &str, &str)> = vars
        .0
        .iter()
        .enumerate()
        .filter(|(_, v)| v.exported)
        .map(|(i, v)| {
            let rank = VARINIT.iter().position(|n| *n == v.name).unwrap_or(VARINIT.len() + i);
            (bucket(&v.name), rank, v.name.as_str(), v.value.as_str())
        })
        .collect();
    v.sort_stable_by_key(|(b, r, _, _)| (*b, *r));
    v.into_iter().map(|(_, _, n, val)| (n.to_string(), val.to_string())).collect()
}

/// The variables ash sets up at start: the environment, then PPID, SHLVL + 1 (exported),
/// HOSTNAME when missing, and PWD (exported).
pub fn start_vars(k: &Kernel, pid: crate::kernel::Pid, env: &[(String, String)]) -> Vars {
    let mut vars = Vars::from_environ(env);
    let ppid = k.procs.get(&pid).map(|p| k.pid_in(p.ppid, p.ns.pid).unwrap_or(0)).unwrap_or(0);
    vars.set("PPID", &ppid.to_string(), false);
    let lvl = vars.get("SHLVL").map(super::atoi).unwrap_or(0) + 1;
    vars.set("SHLVL", &lvl.to_string(), true);
    if vars.get("HOSTNAME").is_none() {
        vars.set("HOSTNAME", &k.hostname_of(pid), false);
    }
    let cwd = k.procs.get(&pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    // An inherited PWD is kept only if it names the current directory.
    let keep = vars.get("PWD").filter(|p| p.starts_with('/')).map(str::to_string).filter(|p| {
        let a = k.resolve(pid, p, true).ok().and_then(|r| k.stat_loc(&r.loc)).map(|s| (s.dev, s.ino));
        let b = k.resolve(pid, ".", true).ok().and_then(|r| k.stat_loc(&r.loc)).map(|s| (s.dev, s.ino));
        a.is_some() && a == b
    });
    vars.set("PWD", &keep.unwrap_or(cwd), true);
    vars
}

/// A new ash for process `ctx.pid`, named `arg0` in its messages.
pub fn new_shell(ctx: &Ctx, arg0: &str, login: bool, interactive: bool) -> Shell {
    Shell {
        pid: ctx.pid,
        flavor: Flavor::Ash,
        login,
        interactive,
        vars: start_vars(ctx.k, ctx.pid, &ctx.env),
        arg0: arg0.to_string(),
        status: 0,
        waiters: Vec::new(),
        history: Vec::new(),
        machine: crate::shell::Machine::HOST,
        aliases: Vec::new(),
        loops: 0,
        input: None,
        subshell: false,
    }
}

/// The prompt: `PS1` (default `\w \$ `) with lineedit's escapes; `\w` is the physical
/// current directory with the user's passwd home shown as `~`.
pub fn prompt(k: &Kernel, sh: &Shell) -> String {
    let ps1 = sh.vars.get("PS1").unwrap_or("\\w \\$ ").to_string();
    let p = k.procs.get(&sh.pid);
    let uid = p.map(|p| p.uid).unwrap_or(0);
    let cwd = p.map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    let user = users::users(k, sh.pid).into_iter().find(|u| u.uid == uid);
    let home = user.as_ref().map(|u| u.home.clone()).unwrap_or_default();
    let w = match cwd.strip_prefix(home.as_str()) {
        Some(rest) if !home.is_empty() && (rest.is_empty() || rest.starts_with('/')) => format!("~{rest}"),
        _ => cwd.clone(),
    };
    let mut out = String::new();
    let mut chars = ps1.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('w') => out.push_str(&w),
            Some('W') => out.push_str(w.rsplit('/').next().unwrap_or(&w)),
            Some('$') => out.push(if uid == 0 { '#' } else { '$' }),
            Some('u') => out.push_str(&user.as_ref().map(|u| u.name.clone()).unwrap_or_default()),
            Some('h') => out.push_str(k.hostname_of(sh.pid).split('.').next().unwrap_or("")),
            Some('H') => out.push_str(&k.hostname_of(sh.pid)),
            Some('n') => out.push('\n'),
            Some('e') => out.push('\x1b'),
            Some('[') | Some(']') => {}
            Some('\\') => out.push('\\'),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// How ash reports a command it cannot run (`errmsg(e, "not found")`).
pub fn lookup_message(e: &LookupError, name: &str) -> (String, i32) {
    match e {
        LookupError::NotFound | LookupError::NoSuchFile => (format!("{name}: not found"), 127),
        LookupError::Denied | LookupError::IsDir => (format!("{name}: Permission denied"), 126),
        LookupError::NotBinary => (format!("{name}: applet not simulated in this playground"), 127),
        // musl's strerror(ENOEXEC), as ash prints a failed exec.
        LookupError::ExecFormat => (format!("{name}: Exec format error"), 126),
    }
}

/// ash's syntax errors; a script (not interactive) is told what the parser expected.
pub fn syntax_message(e: &SyntaxError, interactive: bool) -> String {
    match e {
        SyntaxError::UnexpectedToken(t) => format!("syntax error: unexpected \"{t}\""),
        SyntaxError::UnexpectedWord(_) => "syntax error: unexpected word".into(),
        SyntaxError::Expecting(t, w) => format!("syntax error: unexpected \"{t}\" (expecting \"{w}\")"),
        SyntaxError::UnmatchedQuote(_) => "syntax error: unterminated quoted string".into(),
        SyntaxError::UnexpectedEof => "syntax error: unexpected end of file".into(),
        SyntaxError::Unterminated(w) if !interactive => format!("syntax error: unexpected end of file (expecting \"{w}\")"),
        SyntaxError::Unterminated(_) => "syntax error: unexpected end of file".into(),
        SyntaxError::BadForVar(_) => "syntax error: bad for loop variable".into(),
    }
}

/// A redirection that failed: `can't open FILE: no such file`, `can't create FILE:
/// nonexistent directory`, otherwise musl's strerror.
pub fn redirect_message(path: &str, e: Errno, creating: bool) -> String {
    let why = match e {
        Errno::ENOENT | Errno::ENOTDIR if creating => "nonexistent directory",
        Errno::ENOENT | Errno::ENOTDIR => "no such file",
        e => strerror(e),
    };
    format!("can't {} {path}: {why}", if creating { "create" } else { "open" })
}

/// The builtins ash has (`help`), so `logout` is not one.
pub fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "." | ":"
            | "["
            | "alias"
            | "break"
            | "cd"
            | "chdir"
            | "continue"
            | "echo"
            | "exit"
            | "export"
            | "false"
            | "history"
            | "kill"
            | "pwd"
            | "read"
            | "test"
            | "true"
            | "type"
            | "unalias"
            | "unset"
    )
}

/// A value in single quotes as busybox prints it (`'it'"'"'s'`).
pub fn single_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\"'\"'"))
}

/// Aliases in the order `alias` lists them: by chain of ash's alias hash table (the same
/// hash and size as its variables'), each chain in the order defined.
pub fn alias_order(aliases: &[(String, String)]) -> Vec<(String, String)> {
    let mut v: Vec<(u32, String, String)> = aliases.iter().map(|(n, val)| (bucket(n), n.clone(), val.clone())).collect();
    v.sort_stable_by_key(|(b, _, _)| *b);
    v.into_iter().map(|(_, n, val)| (n, val)).collect()
}

/// `sh: BUILTIN: [line N: ]MSG`, the prefix of ash's builtin errors.
fn builtin_err(sh: &Shell, builtin: &str, msg: &str) -> String {
    if sh.interactive {
        format!("{}: {builtin}: {msg}\n", sh.arg0)
    } else {
        let line = sh.vars.get("LINENO").unwrap_or("1");
        format!("{}: {builtin}: line {line}: {msg}\n", sh.arg0)
    }
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && !n.starts_with(|c: char| c.is_ascii_digit())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// ash's own version of a builtin, or None to use the shared one.
pub fn builtin(k: &mut Kernel, sh: &mut Shell, argv: &[String], io: &mut Io, res: &mut LineResult) -> Option<i32> {
    let args = &argv[1..];
    Some(match argv[0].as_str() {
        "echo" | "kill" => {
            // The applet's code, run by the shell: its messages carry the shell's name.
            let mut args = argv.to_vec();
            if args[0] == "kill" {
                args[0] = sh.arg0.clone();
            }
            let mut ctx = Ctx { k, pid: sh.pid, argv: args, env: Vec::new(), io: std::mem::take(io) };
            let run = if argv[0] == "echo" { super::misc::echo } else { super::misc::kill };
            let st = match run(&mut ctx) {
                Outcome::Exit(c) => c,
                Outcome::Shell(_) | Outcome::Running { .. } => 0,
            };
            *io = ctx.io;
            st
        }
        "cd" | "chdir" => cd(k, sh, args, io, &argv[0]),
        "pwd" => {
            let cwd = sh.vars.get("PWD").map(str::to_string).unwrap_or_else(|| "/".into());
            io.write_out(&format!("{cwd}\n"));
            0
        }
        "exit" => {
            let code = match args.first() {
                None => sh.status,
                Some(a) => match a.parse::<u32>() {
                    Ok(n) if !a.starts_with('+') => (n % 256) as i32,
                    _ => {
                        io.write_err(&builtin_err(sh, "exit", &format!("Illegal number: {a}")));
                        if !sh.interactive {
                            res.exit = Some(2);
                        }
                        return Some(2);
                    }
                },
            };
            res.exit = Some(code);
            code
        }
        "export" | "unset" => {
            let name = argv[0].as_str();
            if name == "export" && (args.is_empty() || args[0] == "-p") {
                let mut vs: Vec<_> = sh.vars.0.iter().filter(|v| v.exported).collect();
                vs.sort_stable_by(|a, b| a.name.cmp(&b.name));
                for v in vs {
                    io.write_out(&format!("export {}='{}'\n", v.name, v.value.replace('\'', "'\"'\"'")));
                }
                return Some(0);
            }
            for a in args {
                let (n, v) = match a.split_once('=') {
                    Some((n, v)) if name == "export" => (n, Some(v)),
                    _ => (a.as_str(), None),
                };
                if !valid_name(n) {
                    io.write_err(&builtin_err(sh, name, &format!("{n}: bad variable name")));
                    if !sh.interactive {
                        res.exit = Some(2);
                    }
                    return Some(2);
                }
                match (name, v) {
                    ("unset", _) => sh.vars.unset(n),
                    (_, Some(v)) => sh.vars.set(n, v, true),
                    (_, None) => sh.vars.export(n),
                }
            }
            0
        }
        "type" => {
            let mut st = 0;
            let path = sh.vars.get("PATH").unwrap_or("").to_string();
            for a in args {
                if let Some((_, v)) = sh.aliases.iter().find(|(n, _)| n == a) {
                    io.write_out(&format!("{a} is an alias for {v}\n"));
                    continue;
                }
                if matches!(a.as_str(), "if" | "then" | "else" | "elif" | "fi" | "case" | "esac" | "for" | "while" | "until" | "do" | "done" | "in" | "{" | "}" | "!") {
                    io.write_out(&format!("{a} is a shell keyword\n"));
                    continue;
                }
                if is_builtin(a) {
                    io.write_out(&format!("{a} is a shell builtin\n"));
                    continue;
                }
                match crate::shell::exec::lookup(k, sh.pid, a, &path) {
                    Ok((p, _)) => io.write_out(&format!("{a} is {p}\n")),
                    Err(LookupError::NotBinary) => io.write_out(&format!("{a} is {}\n", full_path(k, sh, a, &path))),
                    Err(_) => {
                        io.write_out(&format!("{a}: not found\n"));
                        st = 127;
                    }
                }
            }
            st
        }
        "history" => {
            let out: String = sh.history.iter().enumerate().map(|(i, l)| format!("{i:4} {l}\n")).collect();
            io.write_out(&out);
            0
        }
        _ => return None,
    })
}

/// Where a command found on PATH lives (for `type` of a file that is not a program).
fn full_path(k: &Kernel, sh: &Shell, name: &str, path: &str) -> String {
    if name.contains('/') {
        return name.to_string();
    }
    for d in path.split(':') {
        let c = format!("{}/{name}", d.trim_end_matches('/'));
        if k.resolve(sh.pid, &c, true).is_ok() {
            return c;
        }
    }
    name.to_string()
}

/// ash's `cd`: logical by default, `can't cd to DIR: why` and status 2 on failure.
fn cd(k: &mut Kernel, sh: &mut Shell, args: &[String], io: &mut Io, name: &str) -> i32 {
    let args: Vec<&String> = args.iter().filter(|a| *a != "-L" && *a != "-P").collect();
    let old = sh.vars.get("PWD").map(str::to_string).unwrap_or_else(|| "/".into());
    let (target, print) = match args.first().map(|s| s.as_str()) {
        None => (sh.vars.get("HOME").unwrap_or("").to_string(), false),
        Some("-") => (sh.vars.get("OLDPWD").unwrap_or("").to_string(), true),
        Some(t) => (t.to_string(), false),
    };
    if target.is_empty() {
        return 0;
    }
    let logical = if target.starts_with('/') { target.clone() } else { format!("{}/{}", old.trim_end_matches('/'), target) };
    let mut comps: Vec<&str> = Vec::new();
    for c in logical.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                comps.pop();
            }
            c => comps.push(c),
        }
    }
    let logical = format!("/{}", comps.join("/"));
    let r = k.resolve(sh.pid, &logical, true).and_then(|r| {
        let st = k.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
        if st.ftype != FileType::Dir {
            return Err(Errno::ENOTDIR);
        }
        if !k.may(sh.pid, &st, 1) {
            return Err(Errno::EACCES);
        }
        Ok(r)
    });
    match r {
        Ok(r) => {
            if let Some(p) = k.procs.get_mut(&sh.pid) {
                p.cwd = r.path.clone();
            }
            sh.vars.set("OLDPWD", &old, true);
            sh.vars.set("PWD", &logical, true);
            if print {
                io.write_out(&format!("{logical}\n"));
            }
            0
        }
        Err(e) => {
            io.write_err(&builtin_err(sh, name, &format!("can't cd to {target}: {}", strerror(e))));
            2
        }
    }
}

/// `$1`..`$9`, kept as unexported shell variables.
fn set_positional(sh: &mut Shell, args: &[String]) {
    for (i, a) in args.iter().take(9).enumerate() {
        sh.vars.set(&(i + 1).to_string(), a, false);
    }
}

fn term(ctx: &Ctx) -> TermInfo {
    TermInfo {
        cols: ctx.io.cols,
        tty: ctx.k.procs.get(&ctx.pid).and_then(|p| p.tty.clone()).unwrap_or_default(),
        out_tty: ctx.io.tty_out,
        in_tty: ctx.io.stdin_tty,
        detached: ctx.io.background,
        exec_last: false,
        err_apart: !ctx.io.err_to_out || ctx.io.err_redirect.is_some(),
    }
}

/// Runs script text non-interactively in this process; its output goes to our stdout.
/// With `exec_last`, a script that is one simple command replaces the shell (ash execs
/// the last command of `-c` instead of forking for it).
fn run_script(ctx: &mut Ctx, sh: &mut Shell, text: &str, exec_last: bool) -> Outcome {
    if exec_last && !text.contains('\n') {
        if let Some(out) = try_exec_single(ctx, sh, text) {
            return out;
        }
    }
    let mut t = term(ctx);
    let lines = text.lines().count();
    for cmd in crate::shell::exec::commands(text) {
        sh.vars.set("LINENO", &cmd.line.to_string(), false);
        t.exec_last = exec_last && cmd.last_line == lines;
        let res = run_line(ctx.k, sh, &cmd.text, &t);
        for (stream, bytes) in res.streams() {
            ctx.io.push(stream, bytes);
        }
        if let Some(code) = res.exit {
            return Outcome::Exit(code);
        }
        // A detached shell blocked on a command that runs on: so does the shell (what
        // follows would run when it ends; the simulation stops here).
        if let Some(until) = res.blocked {
            return Outcome::Running { until };
        }
    }
    Outcome::Exit(sh.status)
}

/// `sh -c 'CMD ARGS'` with one plain command: exec it in place, as ash does.
fn try_exec_single(ctx: &mut Ctx, sh: &mut Shell, text: &str) -> Option<Outcome> {
    let script = parse::parse(text).ok()?;
    if script.items.len() != 1 {
        return None;
    }
    let (andor, background) = &script.items[0];
    if *background || !andor.rest.is_empty() || andor.first.negate || andor.first.cmds.len() != 1 {
        return None;
    }
    let parse::Command::Simple(cmd) = &andor.first.cmds[0] else { return None };
    // A substitution runs commands first (in a subshell), `${x:=v}` and `$((i++))` assign:
    // not a plain exec (and not to be expanded twice).
    if !cmd.redirs.is_empty() || !cmd.assigns.is_empty() || cmd.words.iter().any(substitutes) {
        return None;
    }
    let words = expand_words(ctx.k, sh, &cmd.words, &mut |_, _, _| String::new()).ok()?;
    let first = words.first()?;
    if is_builtin(first) {
        return None;
    }
    let env = environ(&sh.vars);
    let io = std::mem::take(&mut ctx.io);
    match exec_program(ctx.k, ctx.pid, words.clone(), env, io) {
        Ok((outcome, io)) => {
            ctx.io = io;
            Some(match outcome {
                // Exec'd in place: this process now is the program, running on.
                Outcome::Running { until } if ctx.io.background => Outcome::Running { until },
                // Waited for in place: the clock runs on to its end.
                Outcome::Running { until } => {
                    if let Some(t) = until {
                        ctx.k.now = ctx.k.now.max(t);
                    }
                    Outcome::Exit(0)
                }
                Outcome::Shell(_) => Outcome::Exit(0),
                exit => exit,
            })
        }
        Err((e, io)) => {
            ctx.io = io;
            let (msg, code) = lookup_message(&e, first);
            ctx.err(&format!("{}: {msg}\n", sh.arg0));
            Some(Outcome::Exit(code))
        }
    }
}

/// How deeply shells may nest in one chain of processes before a fork fails, so that a
/// script that runs itself ends (as it would when the process table fills) instead of
/// exhausting the simulation's stack.
const MAX_NESTING: usize = 24;

fn nesting(ctx: &Ctx) -> usize {
    let mut depth = 0;
    let mut cur = ctx.pid;
    while let Some(p) = ctx.k.procs.get(&cur) {
        if p.ppid == cur || depth > MAX_NESTING * 4 {
            break;
        }
        if p.comm == "sh" || p.comm == "ash" || p.comm == "bash" {
            depth += 1;
        }
        cur = p.ppid;
    }
    depth
}

/// The `sh`/`ash` applet.
pub fn main(ctx: &mut Ctx) -> Outcome {
    let arg0 = ctx.argv.first().cloned().unwrap_or_else(|| "sh".into());
    if nesting(ctx) > MAX_NESTING {
        ctx.err(&format!("{arg0}: can't fork: Resource temporarily unavailable\n"));
        return Outcome::Exit(2);
    }
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let mut login = arg0.starts_with('-');
    let mut command = false;
    let mut force_interactive = false;
    let mut from_stdin = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if a == "-" {
            i += 1;
            break;
        }
        if !(a.starts_with('-') || a.starts_with('+')) || a.len() < 2 {
            break;
        }
        if a == "-o" || a == "+o" {
            i += 2;
            continue;
        }
        // busybox ash takes the long form too (`exec "$SHELL" --login`, as Lima runs it).
        if a == "--login" {
            login = true;
            i += 1;
            continue;
        }
        for c in a[1..].chars() {
            match c {
                'c' => command = true,
                'i' => force_interactive = true,
                'l' => login = true,
                's' => from_stdin = true,
                'C' | 'a' | 'b' | 'e' | 'f' | 'm' | 'n' | 'u' | 'v' | 'x' => {}
                other => {
                    ctx.err(&format!("{arg0}: illegal option {}{other}\n", &a[..1]));
                    return Outcome::Exit(2);
                }
            }
        }
        i += 1;
    }
    let operands = &args[i.min(args.len())..];
    if command {
        let Some(text) = operands.first().cloned() else {
            ctx.err(&format!("{arg0}: -c requires an argument\n"));
            return Outcome::Exit(2);
        };
        let name = operands.get(1).cloned().unwrap_or_else(|| arg0.clone());
        let mut sh = new_shell(ctx, &name, login, false);
        set_positional(&mut sh, operands.get(2..).unwrap_or(&[]));
        return run_script(ctx, &mut sh, &text, true);
    }
    if let (Some(path), false) = (operands.first(), from_stdin) {
        let data = ctx.k.resolve(ctx.pid, path, true).and_then(|r| {
            match ctx.k.stat_loc(&r.loc).map(|s| s.ftype) {
                // Reading a directory gives nothing to run.
                Some(FileType::Dir) => Ok(Vec::new()),
                _ => ctx.k.read_loc(ctx.pid, &r.loc),
            }
        });
        return match data {
            Ok(d) => {
                let mut sh = new_shell(ctx, path, false, false);
                set_positional(&mut sh, &operands[1..]);
                let text = String::from_utf8_lossy(&d).into_owned();
                run_script(ctx, &mut sh, &text, false)
            }
            Err(e) => {
                ctx.err(&format!("{arg0}: can't open '{path}': {}\n", strerror(e)));
                Outcome::Exit(2)
            }
        };
    }
    if ctx.io.stdin_tty || force_interactive {
        let sh = new_shell(ctx, &arg0, login, true);
        if let Some(p) = ctx.k.procs.get_mut(&ctx.pid) {
            p.foreground = true;
        }
        return Outcome::Shell(Box::new(sh));
    }
    let text = String::from_utf8_lossy(&ctx.io.stdin).into_owned();
    let mut sh = new_shell(ctx, &arg0, login, false);
    run_script(ctx, &mut sh, &text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_buckets_order_the_environment() {
        // `docker run alpine env` prints HOSTNAME, SHLVL, HOME, PATH, PWD.
        let mut v = Vars::default();
        for (n, val) in [("PATH", "/bin"), ("HOSTNAME", "h"), ("HOME", "/root"), ("SHLVL", "1"), ("PWD", "/")] {
            v.set(n, val, true);
        }
        let names: Vec<String> = environ(&v).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["HOSTNAME", "SHLVL", "HOME", "PATH", "PWD"]);
    }
}
