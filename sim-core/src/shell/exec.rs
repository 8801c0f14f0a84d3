//! Running parsed lines: pipelines become processes, programs are found on `PATH` in the
//! simulated filesystem and run as the process that execs them.

use super::builtins;
use super::compound::{self, Jump};
use super::expand::{expand_one, expand_words, ExpandError};
use super::parse::{self, Command, Connector, Pipeline, RedirKind, Script, SimpleCmd};
use super::hold::Hold;
use super::{Flavor, Shell};
use crate::kernel::process::Exec;
use crate::kernel::vfs::{FileType, NodeKind};
use crate::kernel::{Errno, Kernel, Pid, ProcState};
use crate::utils::busybox::ash;
use crate::utils::{self, Ctx, Io, Outcome, WriteOrder};

/// Facts about the terminal the shell runs on.
#[derive(Clone, Debug)]
pub struct TermInfo {
    pub cols: usize,
    /// The controlling terminal, e.g. `pts/0`.
    pub tty: String,
    /// The shell's own stdout and stdin are that terminal (not so for `sh -c` in a pipe).
    pub out_tty: bool,
    pub in_tty: bool,
    /// Nobody waits for this shell (a detached container's PID 1): a command that keeps
    /// running blocks the shell instead of being waited out.
    pub detached: bool,
    /// busybox ash running `-c`: the script's last command replaces the shell (no fork),
    /// so `sh -c "echo hi && sleep 1000"` leaves `sleep 1000` as the process.
    pub exec_last: bool,
    /// The shell's stderr is not where its stdout goes (`sh -c` in a container without a
    /// TTY, `2>file`): what goes to stderr is kept in `LineResult::err`.
    pub err_apart: bool,
}

impl TermInfo {
    /// A shell reading and writing the terminal.
    pub fn terminal(cols: usize, tty: String) -> TermInfo {
        TermInfo { cols, tty, out_tty: true, in_tty: true, detached: false, exec_last: false, err_apart: false }
    }
}

/// What running a line produced.
#[derive(Debug, Default)]
pub struct LineResult {
    /// Everything written to the terminal, in order.
    pub screen: Vec<u8>,
    /// A new interactive shell now in the foreground.
    pub new_shell: Option<Box<Shell>>,
    /// `exit N` was run: the shell ends with this status.
    pub exit: Option<i32>,
    /// A detached shell is blocked on a command that still runs (`sleep 1000` as the last
    /// thing PID 1 does), until the given time (None: until killed).
    pub blocked: Option<Option<i64>>,
    /// A foreground program holds the terminal until Ctrl-C (the rest of the line is not run).
    pub held: Option<Hold>,
    /// What went to the shell's stderr when that is apart from the terminal
    /// (`TermInfo::err_apart`); otherwise stderr is in `screen`, in order.
    pub err: Vec<u8>,
    /// The order of the writes to `screen` and `err` when they are apart.
    pub order: WriteOrder,
    /// An expansion failed (`$((1/0))`, `${x:?}`): the rest of the line does not run.
    pub abort: bool,
    /// `break`/`continue` on its way out of loops.
    pub jump: Option<Jump>,
}

impl LineResult {
    /// Takes what ends or leaves the list from a result run apart (a compound command's
    /// redirected output): `exit`, an aborted line, a jump, a new or blocked shell.
    pub fn take_control(&mut self, sub: LineResult) {
        self.exit = self.exit.or(sub.exit);
        self.abort |= sub.abort;
        self.jump = self.jump.or(sub.jump);
        if sub.new_shell.is_some() {
            self.new_shell = sub.new_shell;
        }
        self.blocked = self.blocked.or(sub.blocked);
    }
    /// Bytes for the shell's stdout.
    pub fn put_out(&mut self, bytes: &[u8]) {
        self.order.catch_up(self.screen.len(), self.err.len());
        self.screen.extend_from_slice(bytes);
        self.order.catch_up(self.screen.len(), self.err.len());
    }
    /// Bytes for the shell's stderr.
    pub fn put_err(&mut self, term: &TermInfo, bytes: &[u8]) {
        self.order.catch_up(self.screen.len(), self.err.len());
        if term.err_apart {
            self.err.extend_from_slice(bytes);
        } else {
            self.screen.extend_from_slice(bytes);
        }
        self.order.catch_up(self.screen.len(), self.err.len());
    }
    /// A finished program's stdout and stderr, in the order it wrote them; its stderr only
    /// when that was not already joined to its stdout.
    fn put_streams(&mut self, term: &TermInfo, io: &Io) {
        for (stream, bytes) in io.streams() {
            if stream == 1 {
                self.put_out(bytes);
            } else if !io.err_to_out {
                self.put_err(term, bytes);
            }
        }
    }
    /// The shell's stdout and stderr, in the order they were written.
    pub fn streams(&self) -> Vec<(u8, &[u8])> {
        self.order.interleave(&self.screen, &self.err)
    }
}

/// Why a command could not be found or run.
pub enum LookupError {
    NotFound,
    NoSuchFile,
    Denied,
    IsDir,
    NotBinary,
    /// A binary for another CPU that no binfmt_misc entry runs (ENOEXEC).
    ExecFormat,
}

/// Finds the program for `name` like `execvp`: through `PATH` unless `name` has a slash.
pub fn lookup(k: &Kernel, pid: Pid, name: &str, path_var: &str) -> Result<(String, String), LookupError> {
    let candidates: Vec<String> = if name.contains('/') {
        vec![name.to_string()]
    } else if name.is_empty() {
        return Err(LookupError::NotFound);
    } else {
        path_var
            .split(':')
            .map(|d| if d.is_empty() { name.to_string() } else { format!("{}/{}", d.trim_end_matches('/'), name) })
            .collect()
    };
    let mut denied = false;
    for c in &candidates {
        let Ok(r) = k.resolve(pid, c, true) else { continue };
        let Some(st) = k.stat_loc(&r.loc) else { continue };
        if st.ftype == FileType::Dir {
            if name.contains('/') {
                return Err(LookupError::IsDir);
            }
            continue;
        }
        if !k.may(pid, &st, 1) || st.perm & 0o111 == 0 {
            denied = true;
            continue;
        }
        let program = k.node_of(&r.loc).and_then(|n| match n.kind {
            NodeKind::File { .. } => n.program.clone(),
            _ => None,
        });
        // An image's executables carry no program name: known binaries are found by their
        // canonical path (`/bin/ls -> /bin/busybox` runs busybox).
        let program = program.or_else(|| utils::known_binary(&r.path).map(str::to_string));
        // The process is named after the path it was executed by, not a symlink's target.
        return match program {
            Some(p) => Ok((if c.starts_with('/') { c.clone() } else { r.path }, p)),
            None => Err(LookupError::NotBinary),
        };
    }
    if denied {
        Err(LookupError::Denied)
    } else if name.contains('/') {
        Err(LookupError::NoSuchFile)
    } else {
        Err(LookupError::NotFound)
    }
}

/// The interpreter line of a script (`#!/bin/sh -e`): the interpreter and its argument.
pub fn shebang(k: &Kernel, pid: Pid, path: &str) -> Option<Vec<String>> {
    let r = k.resolve(pid, path, true).ok()?;
    let data = k.read_loc(pid, &r.loc).ok()?;
    let first = data.strip_prefix(b"#!")?;
    let line = first.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let line = String::from_utf8_lossy(line).trim().to_string();
    let (interp, arg) = match line.split_once([' ', '\t']) {
        Some((i, a)) => (i.to_string(), Some(a.trim().to_string())),
        None => (line.clone(), None),
    };
    if interp.is_empty() {
        return None;
    }
    Some(std::iter::once(interp).chain(arg.filter(|a| !a.is_empty())).collect())
}

/// The file `name` would be executed from (as `lookup` searches), even if it is not a
/// program of its own.
fn executable_path(k: &Kernel, pid: Pid, name: &str, path_var: &str) -> Option<String> {
    if name.contains('/') {
        return Some(name.to_string());
    }
    path_var
        .split(':')
        .map(|d| if d.is_empty() { name.to_string() } else { format!("{}/{}", d.trim_end_matches('/'), name) })
        .find(|c| k.resolve(pid, c, true).ok().and_then(|r| k.stat_loc(&r.loc)).map(|s| s.ftype == FileType::File && k.may(pid, &s, 1)).unwrap_or(false))
}

/// `execve` in process `pid`: find the program, replace the image, run it. A script
/// starting with `#!` runs its interpreter with the script's path as an argument. The
/// streams come back on both paths (a failed exec's output so far is still the caller's).
#[allow(clippy::result_large_err)] // Io is returned by value on both paths, as it was given
pub fn exec_program(k: &mut Kernel, pid: Pid, argv: Vec<String>, env: Vec<(String, String)>, io: Io) -> Result<(Outcome, Io), (LookupError, Io)> {
    exec_depth(k, pid, argv, env, io, 0, None)
}

#[allow(clippy::result_large_err)] // as exec_program
fn exec_depth(k: &mut Kernel, pid: Pid, argv: Vec<String>, env: Vec<(String, String)>, io: Io, depth: usize, script: Option<String>) -> Result<(Outcome, Io), (LookupError, Io)> {
    let name = argv.first().cloned().unwrap_or_default();
    let path_var = env
        .iter()
        .find(|(n, _)| n == "PATH")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into());
    let (path, program) = match lookup(k, pid, &name, &path_var) {
        Ok(x) => x,
        Err(LookupError::NotBinary) if depth < 4 => {
            // The kernel's binfmt_script: `#!INTERP [ARG]` runs INTERP [ARG] PATH ARGS.
            let found = executable_path(k, pid, &name, &path_var);
            let Some((file, interp)) = found.and_then(|f| shebang(k, pid, &f).map(|i| (f, i))) else {
                return Err((LookupError::NotBinary, io));
            };
            let mut new_argv = interp;
            new_argv.push(file.clone());
            new_argv.extend(argv.into_iter().skip(1));
            return exec_depth(k, pid, new_argv, env, io, depth + 1, Some(file));
        }
        Err(e) => return Err((e, io)),
    };
    let Some(run) = utils::program(&program) else { return Err((LookupError::NotBinary, io)) };
    // A script's process is named after the script, not its interpreter.
    let named = script.as_deref().unwrap_or(&path);
    let comm: String = named.rsplit('/').next().unwrap_or(named).chars().take(15).collect();
    let (vsz, rss) = utils::footprint(&program);
    let (uid, gid) = k.procs.get(&pid).map(|p| (p.uid, p.gid)).unwrap_or((0, 0));
    // /proc/PID/exe names the file itself, symlinks resolved (`/bin/ls` runs `/bin/busybox`).
    let exe = k.resolve(pid, &path, true).map(|r| r.path).unwrap_or_else(|_| path.clone());
    let _ = k.exec(pid, Exec { comm, argv: argv.clone(), env: env.clone(), exe, uid, gid, vsz_kb: vsz, rss_kb: rss, ..Exec::default() });
    // A binary built for another CPU runs through the interpreter binfmt_misc names.
    if k.binfmt_exec_file(pid, &path).is_err() {
        return Err((LookupError::ExecFormat, io));
    }
    let mut ctx = Ctx { k, pid, argv, env, io };
    let outcome = run(&mut ctx);
    Ok((outcome, ctx.io))
}

/// The words of an error for a failed exec, after the `NAME: ` prefix.
pub fn lookup_message(e: &LookupError, name: &str) -> (String, i32) {
    match e {
        LookupError::NotFound => (format!("{name}: command not found"), 127),
        LookupError::NoSuchFile => (format!("{name}: No such file or directory"), 127),
        LookupError::Denied => (format!("{name}: Permission denied"), 126),
        LookupError::IsDir => (format!("{name}: Is a directory"), 126),
        LookupError::NotBinary => (format!("{name}: cannot execute binary file"), 126),
        LookupError::ExecFormat => (format!("{name}: cannot execute binary file: Exec format error"), 126),
    }
}

/// Spawns a child of `parent` that will exec `argv`, inheriting its namespaces, ids and tty.
pub fn fork(k: &mut Kernel, parent: Pid, argv: &[String], uid: Option<u32>) -> Option<Pid> {
    let p = k.procs.get(&parent)?;
    let exec = Exec {
        comm: p.comm.clone(),
        argv: argv.to_vec(),
        env: p.env.clone(),
        exe: p.exe.clone(),
        uid: uid.unwrap_or(p.uid),
        gid: if uid == Some(0) { 0 } else { p.gid },
        cwd: p.cwd.clone(),
        tty: p.tty.clone(),
        vsz_kb: p.vsz_kb,
        rss_kb: p.rss_kb,
        foreground: true,
        state: Some(ProcState::Sleeping),
        ..Exec::default()
    };
    k.spawn(parent, exec).ok()
}

/// `$(TEXT)`: runs TEXT in a subshell (a fork of the shell, stdout a pipe read to its end)
/// and returns what it printed without trailing newlines, and its status, which is also `$?`
/// from then on. Its stderr goes where the shell's goes.
pub fn command_substitution(k: &mut Kernel, sh: &mut Shell, text: &str, term: &TermInfo, res: &mut LineResult) -> (String, i32) {
    let argv = k.procs.get(&sh.pid).map(|p| p.argv.clone()).unwrap_or_default();
    let Some(pid) = fork(k, sh.pid, &argv, None) else { return (String::new(), 1) };
    let mut sub = sh.clone();
    sub.pid = pid;
    sub.subshell = true;
    let sub_term = TermInfo { out_tty: false, err_apart: true, exec_last: false, ..term.clone() };
    let r = run_line(k, &mut sub, text, &sub_term);
    res.put_err(term, &r.err);
    k.exit(pid);
    let mut out = String::from_utf8_lossy(&r.screen).into_owned();
    while out.ends_with('\n') {
        out.pop();
    }
    // `$?` says the substitution's status from here on (`echo $(false) $?` prints 1).
    sh.status = r.exit.unwrap_or(sub.status);
    (out, sh.status)
}

/// One command of a script: the lines it takes (joined by newlines), and the numbers of its
/// first and last lines.
pub struct ScriptCommand {
    pub text: String,
    pub line: usize,
    pub last_line: usize,
}

/// Splits a script into what the shell reads and runs at a time: a line, or the lines a
/// command takes when a line leaves it open (`for ...; do` then `done` on a later line, an
/// open quote). A command still open at the end is given as it is (its error is the
/// shell's "unexpected end of file").
pub fn commands(text: &str) -> Vec<ScriptCommand> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut start = 0;
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        n = i + 1;
        if buf.is_empty() {
            start = i + 1;
            buf.push_str(line);
        } else {
            buf.push('\n');
            buf.push_str(line);
        }
        match parse::parse(&buf) {
            Err(e) if e.incomplete() => continue,
            _ => out.push(ScriptCommand { text: std::mem::take(&mut buf), line: start, last_line: i + 1 }),
        }
    }
    if !buf.is_empty() {
        out.push(ScriptCommand { text: buf, line: start, last_line: n });
    }
    out
}

/// Runs a whole line in shell `sh` (or several lines that make one command).
pub fn run_line(k: &mut Kernel, sh: &mut Shell, line: &str, term: &TermInfo) -> LineResult {
    let mut res = LineResult::default();
    // bash expands aliases only when interactive; ash always.
    let aliases = if sh.interactive || sh.flavor == Flavor::Ash { sh.aliases.clone() } else { Vec::new() };
    let script = match parse::parse_with(line, &aliases, sh.flavor != Flavor::Ash) {
        Ok(s) => s,
        Err(e) => {
            let lines = match sh.flavor {
                Flavor::Ash => vec![ash::syntax_message(&e, sh.interactive)],
                Flavor::Zsh => vec![super::zsh::syntax_message(&e)],
                _ => e.lines(),
            };
            for l in lines {
                res.put_err(term, format!("{}: {}\n", sh.err_name(), l).as_bytes());
            }
            sh.status = 2;
            if sh.flavor == Flavor::Ash && !sh.interactive {
                res.exit = Some(2);
            }
            if sh.flavor == Flavor::Zsh {
                sh.status = 1;
            }
            return res;
        }
    };
    run_script(k, sh, &script, term, &mut res);
    res.abort = false;
    res.jump = None;
    res
}

/// Runs parsed commands in shell `sh`, until the end, `exit`, an aborted line or a
/// `break`/`continue` (left in `res` for the loop that takes it).
pub fn run_script(k: &mut Kernel, sh: &mut Shell, script: &Script, term: &TermInfo, res: &mut LineResult) {
    let items = script.items.len();
    for (i, (andor, background)) in script.items.iter().enumerate() {
        // The command that ends the script, for ash's exec of the last command under `-c`.
        let ends_script = term.exec_last && !background && i + 1 == items;
        let mut status = run_pipeline(k, sh, &andor.first, term, res, ends_script && andor.rest.is_empty());
        sh.status = status;
        for (j, (conn, p)) in andor.rest.iter().enumerate() {
            if compound::stopped(res) {
                break;
            }
            let run = match conn {
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            if run {
                status = run_pipeline(k, sh, p, term, res, ends_script && j + 1 == andor.rest.len());
                sh.status = status;
            }
        }
        if compound::stopped(res) {
            break;
        }
    }
}

/// An expansion failed: the shell says why and the line stops; a script stops too where
/// the shell does so (ash; bash for `${x?}`). Returns the status.
pub fn expansion_failed(sh: &mut Shell, e: &ExpandError, term: &TermInfo, res: &mut LineResult) -> i32 {
    res.put_err(term, format!("{}: {}\n", sh.err_name(), e.message(sh.flavor)).as_bytes());
    res.abort = true;
    let status = if sh.flavor == Flavor::Ash { 2 } else { 1 };
    if !sh.interactive {
        match (sh.flavor, e) {
            (Flavor::Ash, _) => res.exit = Some(2),
            (_, ExpandError::Unset { .. }) => res.exit = Some(127),
            _ => {}
        }
    }
    sh.status = status;
    status
}

/// A redirection that could not be opened, in the shell's words (with its newline).
pub fn redirect_error(sh: &Shell, path: &str, e: Errno, creating: bool) -> String {
    if sh.flavor == Flavor::Ash {
        return format!("{}: {}\n", sh.err_name(), ash::redirect_message(path, e, creating));
    }
    if path.is_empty() {
        return format!("{}: : No such file or directory\n", sh.err_name());
    }
    format!("{}: {}: {}\n", sh.err_name(), path, e.message())
}

/// A command after expansion: its words and its `NAME=value` assignments.
type Expanded = (Vec<String>, Vec<(String, String)>);

/// Where a command's stdout goes.
enum OutTarget {
    Terminal,
    /// The shell's stderr, apart from its stdout (`>&2` with `TermInfo::err_apart`).
    Stderr,
    Pipe,
    File { path: String },
    Null,
}

fn run_pipeline(k: &mut Kernel, sh: &mut Shell, p: &Pipeline, term: &TermInfo, res: &mut LineResult, ends_script: bool) -> i32 {
    let n = p.cmds.len();
    // A lone compound command runs in the shell itself (a subshell forks inside).
    if let [Command::Compound(c, redirs)] = p.cmds.as_slice() {
        let st = compound::run(k, sh, c, redirs, term, res);
        return if p.negate { (st == 0) as i32 } else { st };
    }
    // Expand every command first, then create the processes, as a pipeline starts together.
    let mut subst_status = None;
    let mut expanded: Vec<Expanded> = Vec::with_capacity(n);
    let mut failed = None;
    {
        let mut subst = |k: &mut Kernel, sh: &mut Shell, text: &str| {
            let (out, status) = command_substitution(k, sh, text, term, res);
            subst_status = Some(status);
            out
        };
        for cmd in &p.cmds {
            let Command::Simple(c) = cmd else {
                expanded.push((Vec::new(), Vec::new()));
                continue;
            };
            let words = match expand_words(k, sh, &c.words, &mut subst) {
                Ok(w) => w,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            };
            let mut assigns = Vec::with_capacity(c.assigns.len());
            for (name, w) in &c.assigns {
                match expand_one(k, sh, w, &mut subst) {
                    Ok(v) => assigns.push((name.clone(), v)),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            expanded.push((words, assigns));
        }
    }
    if let Some(e) = failed {
        return expansion_failed(sh, &e, term, res);
    }

    // A lone builtin (or assignment) runs in the shell itself.
    if let (1, Some(Command::Simple(cmd0))) = (n, p.cmds.first()) {
        let (words, assigns) = &expanded[0];
        if words.is_empty() {
            for (name, value) in assigns {
                sh.vars.set(name, value, false);
            }
            // `x=$(cmd)` has the status of the substitution.
            return subst_status.unwrap_or(0);
        }
        if builtins::is_builtin_for(sh.flavor, &words[0]) {
            let mut io = Io::terminal(term.cols);
            io.tty_out = term.out_tty;
            io.err_to_out = !term.err_apart;
            let redirected = match open_redirs(k, sh, cmd0, &mut io, sh.pid, term, res) {
                Ok(r) => r,
                Err(msg) => {
                    res.put_err(term, msg.as_bytes());
                    return 1;
                }
            };
            let st = builtins::run(k, sh, words, &mut io, res);
            finish_io(k, sh.pid, io, redirected, res, term);
            return if p.negate { (st == 0) as i32 } else { st };
        }
    }

    // ash looks a lone command up before forking: a name not on PATH costs no process.
    if n == 1 && sh.flavor == Flavor::Ash {
        let (words, _) = &expanded[0];
        if let Some(name) = words.first().filter(|w| !w.contains('/') && !w.is_empty()) {
            let path = sh.vars.get("PATH").unwrap_or("/sbin:/usr/sbin:/bin:/usr/bin").to_string();
            if let Err(e @ LookupError::NotFound) = lookup(k, sh.pid, name, &path) {
                // The shell opens the redirections first: one that fails is the error
                // (`nosuch < 3`: can't open 3), and `nosuch > f` still creates f.
                if let Some(Command::Simple(c)) = p.cmds.first() {
                    if !c.redirs.is_empty() {
                        if let Err(msg) = open_redirs(k, sh, c, &mut Io::default(), sh.pid, term, res) {
                            res.put_err(term, msg.as_bytes());
                            return if p.negate { 0 } else { 1 };
                        }
                    }
                }
                let (msg, code) = ash::lookup_message(&e, name);
                res.put_err(term, format!("{}: {msg}\n", sh.err_name()).as_bytes());
                return if p.negate { (code == 0) as i32 } else { code };
            }
        }
    }

    if let (true, 1, false, Some(Command::Simple(c))) = (ends_script, n, p.negate, p.cmds.first()) {
        if c.redirs.is_empty() && c.assigns.is_empty() && sh.input.is_none() {
            if let Some(status) = exec_in_shell(k, sh, &expanded[0].0, term, res) {
                return status;
            }
        }
    }

    let mut pids = Vec::with_capacity(n);
    let shell_argv = k.procs.get(&sh.pid).map(|p| p.argv.clone()).unwrap_or_default();
    for (words, _) in &expanded {
        // A compound member (or a lone assignment) is a fork of the shell itself.
        let argv = if words.is_empty() { &shell_argv } else { words };
        match fork(k, sh.pid, argv, None) {
            Some(pid) => {
                // The members of a pipeline run together: by the time `ps` in `ps aux | grep
                // sh` reads /proc, grep has exec'd (busybox ps shows `grep sh`, not `{sh} grep sh`).
                let external = words.first().filter(|w| n > 1 && !builtins::is_builtin_for(sh.flavor, w));
                if let (Some(name), Some(pr)) = (external, k.procs.get_mut(&pid)) {
                    pr.comm = name.rsplit('/').next().unwrap_or(name).chars().take(15).collect();
                }
                pids.push(pid)
            }
            None => {
                res.put_err(term, format!("{}: fork: retry: Resource temporarily unavailable\n", sh.err_name()).as_bytes());
                for pid in pids {
                    k.exit(pid);
                }
                return 254;
            }
        }
    }
    // Input given to the shell for this (a pipe into a loop, `done < file`) goes to the
    // first command that reads.
    let (mut stdin, mut stdin_tty) = match sh.input.take() {
        Some(data) => (data, false),
        None => (Vec::new(), term.in_tty),
    };
    let mut status = 0;
    let mut keep_alive: Vec<Pid> = Vec::new();
    for (i, ((words, assigns), cmd)) in expanded.iter().zip(&p.cmds).enumerate() {
        let pid = pids[i];
        let last = i + 1 == n;
        let cmd = match cmd {
            Command::Simple(c) => c,
            Command::Compound(c, redirs) => {
                // A member of a pipeline: a forked shell with the pipe as its input.
                let mut sub = sh.clone();
                sub.pid = pid;
                sub.subshell = true;
                sub.input = Some(std::mem::take(&mut stdin));
                let sub_term = TermInfo { out_tty: last && term.out_tty, err_apart: true, exec_last: false, ..term.clone() };
                let (st, r) = compound::in_subshell(k, &mut sub, |k, sub, r| compound::run(k, sub, c, redirs, &sub_term, r));
                status = st;
                if last && term.out_tty {
                    for (stream, bytes) in r.streams() {
                        if stream == 1 {
                            res.put_out(bytes);
                        } else {
                            res.put_err(term, bytes);
                        }
                    }
                } else {
                    res.put_err(term, &r.err);
                    if last {
                        res.put_out(&r.screen);
                    } else {
                        stdin = r.screen;
                    }
                }
                stdin_tty = false;
                continue;
            }
        };
        let mut io = Io {
            stdin: std::mem::take(&mut stdin),
            stdin_tty,
            out: Vec::new(),
            err: Vec::new(),
            err_to_out: last && term.out_tty && !term.err_apart,
            tty_out: last && term.out_tty,
            cols: term.cols,
            err_redirect: None,
            // In a shell nobody waits for, its commands are not waited out either.
            background: term.detached,
            order: WriteOrder::default(),
            holds: None,
        };
        let redirected = match open_redirs(k, sh, cmd, &mut io, pid, term, res) {
            Ok(r) => r,
            Err(msg) => {
                res.put_err(term, msg.as_bytes());
                status = 1;
                stdin_tty = false;
                continue;
            }
        };
        if !last && !matches!(redirected, OutTarget::File { .. } | OutTarget::Null) {
            io.tty_out = false;
        }
        if let Some(proc) = k.procs.get_mut(&pid) {
            proc.state = ProcState::Running;
        }
        let mut env = match sh.flavor {
            Flavor::Ash => ash::environ(&sh.vars),
            _ => sh.vars.environ(),
        };
        for (name, value) in assigns {
            match env.iter_mut().find(|(n, _)| n == name) {
                Some(e) => e.1 = value.clone(),
                None => env.push((name.clone(), value.clone())),
            }
        }
        if words.is_empty() {
            status = 0;
        } else if builtins::is_builtin_for(sh.flavor, &words[0]) {
            // A builtin in a pipeline runs in a subshell: the forked bash.
            let mut sub = sh.clone();
            sub.pid = pid;
            sub.subshell = true;
            status = builtins::run(k, &mut sub, words, &mut io, &mut LineResult::default());
        } else {
            match exec_program(k, pid, words.clone(), env, io) {
                Ok((Outcome::Exit(code), back)) => {
                    io = back;
                    status = code;
                }
                Ok((Outcome::Running { until }, back)) if term.detached => {
                    // Nobody waits for this shell: it blocks on the command, which runs on.
                    io = back;
                    keep_alive.push(pid);
                    res.blocked = Some(until);
                    status = 0;
                }
                Ok((Outcome::Running { .. }, mut back)) if last && back.holds.is_some() => {
                    // It holds the terminal until Ctrl-C.
                    if let Some(job) = back.holds.take() {
                        res.held = Some(Hold { pid, job: *job });
                    }
                    io = back;
                    keep_alive.push(pid);
                    status = 0;
                }
                Ok((Outcome::Running { until }, back)) => {
                    // The shell waits for it: the clock runs on to its end.
                    io = back;
                    if let Some(t) = until {
                        k.now = k.now.max(t);
                    }
                    status = 0;
                }
                Ok((Outcome::Shell(mut new_sh), back)) => {
                    io = back;
                    if new_sh.pid != pid {
                        new_sh.waiters.push(pid);
                    }
                    keep_alive.push(pid);
                    res.new_shell = Some(new_sh);
                    status = 0;
                }
                Err((e, back)) => {
                    io = back;
                    let (msg, code) = match sh.flavor {
                        Flavor::Ash => ash::lookup_message(&e, &words[0]),
                        Flavor::Zsh => super::zsh::lookup_message(&e, &words[0]),
                        _ => lookup_message(&e, &words[0]),
                    };
                    io.write_err(&format!("{}: {}\n", sh.err_name(), msg));
                    status = code;
                }
            }
        }
        if let Some(proc) = k.procs.get_mut(&pid) {
            proc.state = ProcState::Sleeping;
        }
        stdin_tty = false;
        // stderr not merged into stdout reaches the terminal now, or its redirection.
        if let Some(dest) = io.err_redirect.take() {
            if let Some(path) = dest {
                let _ = k.write_file(pid, &path, &io.err, true);
            }
            io.err.clear();
        } else if !(io.err_to_out || io.err.is_empty() || last && matches!(redirected, OutTarget::Terminal | OutTarget::Pipe)) {
            let err = std::mem::take(&mut io.err);
            res.put_err(term, &err);
        }
        if last {
            finish_io(k, pid, io, redirected, res, term);
        } else {
            match redirected {
                OutTarget::Pipe | OutTarget::Terminal => stdin = std::mem::take(&mut io.out),
                other => finish_io(k, pid, io, other, res, term),
            }
        }
        if res.new_shell.is_some() || res.blocked.is_some() || res.held.is_some() {
            break;
        }
    }
    for pid in pids {
        if !keep_alive.contains(&pid) {
            k.exit(pid);
        }
    }
    if p.negate {
        (status == 0) as i32
    } else {
        status
    }
}

/// ash's last command of `-c`: exec'd by the shell's own process, which becomes it. The
/// shell ends with the program (its status is the shell's exit), or blocks on it when it
/// runs on in a shell nobody waits for. None when it must run as usual (a builtin).
fn exec_in_shell(k: &mut Kernel, sh: &mut Shell, words: &[String], term: &TermInfo, res: &mut LineResult) -> Option<i32> {
    let first = words.first()?;
    if builtins::is_builtin_for(sh.flavor, first) {
        return None;
    }
    let io = Io { tty_out: term.out_tty, err_to_out: term.out_tty && !term.err_apart, stdin_tty: term.in_tty, cols: term.cols, background: term.detached, ..Io::default() };
    let (status, io) = match exec_program(k, sh.pid, words.to_vec(), ash::environ(&sh.vars), io) {
        Ok((Outcome::Exit(code), io)) => (code, io),
        Ok((Outcome::Running { until }, io)) if term.detached => {
            res.blocked = Some(until);
            (0, io)
        }
        Ok((Outcome::Running { until }, io)) => {
            if let Some(t) = until {
                k.now = k.now.max(t);
            }
            (0, io)
        }
        Ok((Outcome::Shell(new_sh), io)) => {
            res.new_shell = Some(new_sh);
            (0, io)
        }
        Err((e, io)) => {
            let (msg, code) = ash::lookup_message(&e, first);
            res.put_err(term, format!("{}: {msg}\n", sh.err_name()).as_bytes());
            (code, io)
        }
    };
    let io = Io { err_to_out: false, ..io };
    res.put_streams(term, &io);
    if res.blocked.is_none() && res.new_shell.is_none() {
        res.exit = Some(status);
    }
    Some(status)
}

/// Applies a command's redirections to its I/O; returns where stdout goes.
fn open_redirs(k: &mut Kernel, sh: &mut Shell, cmd: &SimpleCmd, io: &mut Io, pid: Pid, term: &TermInfo, res: &mut LineResult) -> Result<OutTarget, String> {
    let mut target = if io.tty_out { OutTarget::Terminal } else { OutTarget::Pipe };
    for r in &cmd.redirs {
        let path = match expand_one(k, sh, &r.target, &mut |k, sh, text| command_substitution(k, sh, text, term, res).0) {
            Ok(p) => p,
            Err(e) => return Err(format!("{}: {}\n", sh.err_name(), e.message(sh.flavor))),
        };
        match (r.fd, r.kind) {
            (_, RedirKind::Dup(to)) => {
                if r.fd == 2 && to == 1 {
                    io.err_to_out = true;
                } else if r.fd == 1 && to == 2 {
                    // stdout goes where stderr goes now: a file or nowhere after `2>`, else
                    // the terminal or the shell's own stderr.
                    match &io.err_redirect {
                        Some(None) => target = OutTarget::Null,
                        Some(Some(file)) => target = OutTarget::File { path: file.clone() },
                        None => target = if term.err_apart { OutTarget::Stderr } else { OutTarget::Terminal },
                    }
                    io.tty_out = io.err_redirect.is_none() && !term.err_apart && term.out_tty;
                }
            }
            (fd, RedirKind::In) => {
                if fd == 0 {
                    match k.resolve(pid, &path, true).map_err(|e| e.message()).and_then(|r| k.read_loc(pid, &r.loc).map_err(|e| e.message())) {
                        Ok(data) => {
                            io.stdin = data;
                            io.stdin_tty = false;
                        }
                        Err(m) => {
                            if sh.flavor == Flavor::Ash {
                                let e = k.resolve(pid, &path, true).and_then(|r| k.read_loc(pid, &r.loc).map(|_| ())).err().unwrap_or(Errno::ENOENT);
                                return Err(format!("{}: {}\n", sh.err_name(), ash::redirect_message(&path, e, false)));
                            }
                            return Err(format!("{}: {}: {}\n", sh.err_name(), path, m));
                        }
                    }
                }
            }
            (fd, kind) => {
                if path.is_empty() {
                    return Err(format!("{}: : No such file or directory\n", sh.err_name()));
                }
                let append = kind == RedirKind::Append;
                if let Err(e) = k.write_file(pid, &path, b"", append) {
                    if sh.flavor == Flavor::Ash {
                        return Err(format!("{}: {}\n", sh.err_name(), ash::redirect_message(&path, e, true)));
                    }
                    return Err(format!("{}: {}: {}\n", sh.err_name(), path, e.message()));
                }
                let is_null = k
                    .resolve(pid, &path, true)
                    .ok()
                    .and_then(|r| k.stat_loc(&r.loc))
                    .map(|s| s.ftype == FileType::CharDev)
                    .unwrap_or(false);
                if fd == 1 {
                    io.tty_out = false;
                    // stderr stays where it was (the terminal) unless a later `2>&1` follows.
                    io.err_to_out = false;
                    target = if is_null { OutTarget::Null } else { OutTarget::File { path: path.clone() } };
                } else if fd == 2 {
                    io.err_to_out = false;
                    io.err_redirect = Some(if is_null { None } else { Some(path.clone()) });
                }
            }
        }
    }
    Ok(target)
}

/// Delivers a finished command's output: to the terminal, a file or nowhere.
fn finish_io(k: &mut Kernel, pid: Pid, mut io: Io, target: OutTarget, res: &mut LineResult, term: &TermInfo) {
    if let Some(dest) = io.err_redirect.take() {
        if let Some(path) = dest {
            let _ = k.write_file(pid, &path, &io.err, true);
        }
        io.err.clear();
    }
    match target {
        OutTarget::Terminal | OutTarget::Pipe => {
            res.put_streams(term, &io);
            return;
        }
        OutTarget::Stderr => res.put_err(term, &io.out),
        OutTarget::File { path } => {
            // stderr joined to stdout (`2>&1`) goes to the file with it.
            let _ = k.write_file(pid, &path, &io.out, true);
        }
        OutTarget::Null => {}
    }
    if !io.err_to_out {
        res.put_err(term, &io.err);
    }
}
