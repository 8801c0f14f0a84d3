//! Compound commands: `{ ...; }`, `( ... )` (a forked subshell), `for`, `while`/`until`,
//! `if`, `case`, with the redirections after them, and `break`/`continue`.
//!
//! Loops are bounded: a `while`/`until` loop that makes `MAX_ROUNDS` rounds, or runs past
//! `MAX_LOOP_SECS` of simulated time, is stopped as if the learner had pressed Ctrl-C
//! (status 130, the rest of the line abandoned), with a line saying so. Real bash would
//! run on until interrupted; the page cannot wait for that. In a shell nobody waits for (a
//! container's PID 1), a `while` loop whose body blocks (`sleep 1`) leaves the shell
//! blocked until killed after its first round: the container stays up (its later rounds'
//! output is not simulated).

use super::exec::{self, command_substitution, expansion_failed, run_script, LineResult, TermInfo};
use super::expand::{arithmetic, expand_one, expand_pattern, expand_text, expand_words, fnmatch_any, positional, ExpandError};
use super::lex;
use super::parse::{Compound, Redir, RedirKind, Script};
use super::{Flavor, Shell};
use crate::kernel::vfs::FileType;
use crate::kernel::Kernel;

/// Rounds a `while`/`until` loop may make before the playground stops it.
pub const MAX_ROUNDS: u32 = 1000;
/// Simulated seconds a `while`/`until` loop may run before the playground stops it.
pub const MAX_LOOP_SECS: i64 = 3600;

/// `break N` / `continue N` on its way out of N loops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jump {
    Break(u32),
    Continue(u32),
}

/// Whether the rest of a list must not run: `exit`, an aborted line, a new shell, a
/// blocked one, or a `break`/`continue` on its way out.
pub fn stopped(res: &LineResult) -> bool {
    res.exit.is_some() || res.abort || res.new_shell.is_some() || res.blocked.is_some() || res.held.is_some() || res.jump.is_some()
}

/// Where a compound command's stdout or stderr goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Dest {
    /// Where the shell's goes.
    Inherit,
    /// The shell's stderr (`>&2`).
    Stderr,
    /// The shell's stdout (`2>&1` before any `>`).
    Stdout,
    File(String),
    Null,
}

/// Runs a compound command in this shell (a subshell forks inside), with its redirections.
pub fn run(k: &mut Kernel, sh: &mut Shell, c: &Compound, redirs: &[Redir], term: &TermInfo, res: &mut LineResult) -> i32 {
    // ash's exec of the last command of `-c` is for a plain command, not one inside these.
    let term = &TermInfo { exec_last: false, ..term.clone() };
    if redirs.is_empty() {
        return body(k, sh, c, term, res);
    }
    let mut out = Dest::Inherit;
    let mut err = Dest::Inherit;
    let mut input = None;
    for r in redirs {
        match (r.fd, r.kind) {
            (2, RedirKind::Dup(1)) => err = if out == Dest::Inherit { Dest::Stdout } else { out.clone() },
            (1, RedirKind::Dup(2)) => out = if err == Dest::Inherit { Dest::Stderr } else { err.clone() },
            (_, RedirKind::Dup(_)) => {}
            (fd, kind) => {
                let path = match expand_one(k, sh, &r.target, &mut |k, sh, text| command_substitution(k, sh, text, term, res).0) {
                    Ok(p) => p,
                    Err(e) => return expansion_failed(sh, &e, term, res),
                };
                if kind == RedirKind::In {
                    match k.resolve(sh.pid, &path, true).and_then(|r| k.read_loc(sh.pid, &r.loc)) {
                        Ok(data) if fd == 0 => input = Some(data),
                        Ok(_) => {}
                        Err(e) => {
                            res.put_err(term, exec::redirect_error(sh, &path, e, false).as_bytes());
                            return 1;
                        }
                    }
                    continue;
                }
                if let Err(e) = k.write_file(sh.pid, &path, b"", kind == RedirKind::Append) {
                    res.put_err(term, exec::redirect_error(sh, &path, e, true).as_bytes());
                    return 1;
                }
                let null = k.resolve(sh.pid, &path, true).ok().and_then(|r| k.stat_loc(&r.loc)).map(|s| s.ftype == FileType::CharDev).unwrap_or(false);
                let dest = if null { Dest::Null } else { Dest::File(path) };
                match fd {
                    1 => out = dest,
                    2 => err = dest,
                    _ => {}
                }
            }
        }
    }
    let saved = input.map(|i| sh.input.replace(i));
    let sub_term = TermInfo { out_tty: term.out_tty && out == Dest::Inherit, err_apart: true, exec_last: false, ..term.clone() };
    let mut sub = LineResult::default();
    let status = body(k, sh, c, &sub_term, &mut sub);
    for (stream, bytes) in sub.streams() {
        // stderr joined to stdout (`2>&1` with stdout not yet redirected) goes with it.
        let (dest, as_out) = match (stream, &err) {
            (1, _) | (_, Dest::Stdout) => (&out, true),
            _ => (&err, false),
        };
        match dest {
            Dest::Inherit if as_out => res.put_out(bytes),
            Dest::Inherit | Dest::Stderr => res.put_err(term, bytes),
            Dest::Stdout => res.put_out(bytes),
            Dest::File(p) => {
                let _ = k.write_file(sh.pid, p, bytes, true);
            }
            Dest::Null => {}
        }
    }
    if let Some(saved) = saved {
        sh.input = saved;
    }
    res.take_control(sub);
    status
}

fn body(k: &mut Kernel, sh: &mut Shell, c: &Compound, term: &TermInfo, res: &mut LineResult) -> i32 {
    match c {
        Compound::Brace(s) => {
            run_script(k, sh, s, term, res);
            sh.status
        }
        Compound::Subshell(s) => subshell(k, sh, term, res, s),
        Compound::For { var, words, body } => {
            let items = match words {
                Some(ws) => match expand_words(k, sh, ws, &mut |k, sh, text| command_substitution(k, sh, text, term, res).0) {
                    Ok(items) => items,
                    Err(e) => return expansion_failed(sh, &e, term, res),
                },
                None => positional(sh),
            };
            sh.loops += 1;
            let mut status = 0;
            for item in items {
                sh.vars.set(var, &item, false);
                run_script(k, sh, body, term, res);
                status = sh.status;
                if !next_round(res) {
                    break;
                }
            }
            sh.loops -= 1;
            status
        }
        Compound::Loop { until, cond, body } => {
            sh.loops += 1;
            let start = k.now;
            let mut status = 0;
            let mut rounds = 0;
            loop {
                run_script(k, sh, cond, term, res);
                if res.jump.is_some() {
                    status = 0;
                    if !next_round(res) {
                        break;
                    }
                    continue;
                }
                if stopped(res) || (sh.status == 0) == *until {
                    break;
                }
                run_script(k, sh, body, term, res);
                status = sh.status;
                // A shell nobody waits for (a container's PID 1) blocked on a command in the
                // loop (`while true; do ...; sleep 1; done`): the simulation cannot come back
                // to it, and such a loop keeps its container up; it runs on until killed.
                if let Some(Some(_)) = res.blocked {
                    res.blocked = Some(None);
                }
                if !next_round(res) {
                    break;
                }
                rounds += 1;
                if rounds >= MAX_ROUNDS || k.now - start > MAX_LOOP_SECS {
                    status = stop_loop(sh, if *until { "until" } else { "while" }, rounds, term, res);
                    break;
                }
            }
            sh.loops -= 1;
            status
        }
        Compound::If { arms, otherwise } => {
            for (cond, then) in arms {
                run_script(k, sh, cond, term, res);
                if stopped(res) {
                    return sh.status;
                }
                if sh.status == 0 {
                    run_script(k, sh, then, term, res);
                    return sh.status;
                }
            }
            match otherwise {
                Some(e) => {
                    run_script(k, sh, e, term, res);
                    sh.status
                }
                None => 0,
            }
        }
        Compound::Arith(text) => match arith_command(k, sh, text, term, res) {
            Some(v) => (v == 0) as i32,
            None => 1,
        },
        Compound::ArithFor { init, cond, step, body } => {
            if !init.trim().is_empty() && arith_command(k, sh, init, term, res).is_none() {
                return 1;
            }
            sh.loops += 1;
            let mut status = 0;
            let mut rounds = 0;
            loop {
                if !cond.trim().is_empty() {
                    match arith_command(k, sh, cond, term, res) {
                        Some(0) => break,
                        Some(_) => {}
                        None => {
                            status = 1;
                            break;
                        }
                    }
                }
                run_script(k, sh, body, term, res);
                status = sh.status;
                if !next_round(res) {
                    break;
                }
                if !step.trim().is_empty() && arith_command(k, sh, step, term, res).is_none() {
                    status = 1;
                    break;
                }
                rounds += 1;
                if rounds >= MAX_ROUNDS {
                    status = stop_loop(sh, "for", rounds, term, res);
                    break;
                }
            }
            sh.loops -= 1;
            status
        }
        Compound::Case { word, arms } => {
            let subject = match expand_one(k, sh, word, &mut |k, sh, text| command_substitution(k, sh, text, term, res).0) {
                Ok(s) => s,
                Err(e) => return expansion_failed(sh, &e, term, res),
            };
            for arm in arms {
                for p in &arm.patterns {
                    let pat = match expand_pattern(k, sh, p, &mut |k, sh, text| command_substitution(k, sh, text, term, res).0) {
                        Ok(p) => p,
                        Err(e) => return expansion_failed(sh, &e, term, res),
                    };
                    if fnmatch_any(&pat, &subject) {
                        if arm.body.items.is_empty() {
                            return 0;
                        }
                        run_script(k, sh, &arm.body, term, res);
                        return sh.status;
                    }
                }
            }
            0
        }
    }
}

/// The playground stops an endless loop as Ctrl-C would, saying so; the status is 130.
fn stop_loop(sh: &Shell, what: &str, rounds: u32, term: &TermInfo, res: &mut LineResult) -> i32 {
    let msg = format!("{}: {what}: loop stopped after {rounds} rounds: the playground stops endless loops, as Ctrl-C would\n", sh.err_name());
    res.put_err(term, msg.as_bytes());
    res.abort = true;
    130
}

/// bash's `(( TEXT ))`: TEXT expanded and evaluated; None when that fails (the error is
/// the shell's `((: ...` line, and the command's status is 1).
fn arith_command(k: &mut Kernel, sh: &mut Shell, text: &str, term: &TermInfo, res: &mut LineResult) -> Option<i64> {
    let word = match lex::arith_word(text) {
        Ok(w) => w,
        Err(_) => {
            res.put_err(term, format!("{}: ((: {text}: syntax error\n", sh.err_name()).as_bytes());
            return None;
        }
    };
    let expr = match expand_text(k, sh, &word, &mut |k, sh, text| command_substitution(k, sh, text, term, res).0) {
        Ok(e) => e,
        Err(e) => {
            expansion_failed(sh, &e, term, res);
            return None;
        }
    };
    match arithmetic(sh, &expr) {
        Ok(v) => Some(v),
        Err(ExpandError::Arith(e)) if sh.flavor != Flavor::Zsh => {
            res.put_err(term, format!("{}: ((: {}\n", sh.err_name(), e.bash()).as_bytes());
            None
        }
        Err(e) => {
            res.put_err(term, format!("{}: {}\n", sh.err_name(), e.message(sh.flavor)).as_bytes());
            None
        }
    }
}

/// After a round of a loop: takes a `break`/`continue` meant for this loop; whether the
/// loop goes on.
fn next_round(res: &mut LineResult) -> bool {
    match res.jump.take() {
        Some(Jump::Break(n)) => {
            if n > 1 {
                res.jump = Some(Jump::Break(n - 1));
            }
            false
        }
        Some(Jump::Continue(n)) if n > 1 => {
            res.jump = Some(Jump::Continue(n - 1));
            false
        }
        Some(Jump::Continue(_)) => !stopped(res),
        None => !stopped(res),
    }
}

/// `( LIST )`: a fork of the shell runs the list; what it changes (directory, variables)
/// stays in it, and its `exit` ends only it.
fn subshell(k: &mut Kernel, sh: &mut Shell, term: &TermInfo, res: &mut LineResult, s: &Script) -> i32 {
    let argv = k.procs.get(&sh.pid).map(|p| p.argv.clone()).unwrap_or_default();
    let Some(pid) = exec::fork(k, sh.pid, &argv, None) else {
        res.put_err(term, format!("{}: fork: retry: Resource temporarily unavailable\n", sh.err_name()).as_bytes());
        return 254;
    };
    let mut sub = sh.clone();
    sub.pid = pid;
    sub.subshell = true;
    let (status, r) = in_subshell(k, &mut sub, |k, sub, res| {
        run_script(k, sub, s, term, res);
        sub.status
    });
    for (stream, bytes) in r.streams() {
        if stream == 1 {
            res.put_out(bytes);
        } else {
            res.put_err(term, bytes);
        }
    }
    res.new_shell = r.new_shell;
    res.blocked = r.blocked;
    k.exit(pid);
    status
}

/// Runs `f` as a subshell (`sub`, already forked): its own result, and its status, which
/// is its `exit` code if it exited.
pub fn in_subshell(k: &mut Kernel, sub: &mut Shell, f: impl FnOnce(&mut Kernel, &mut Shell, &mut LineResult) -> i32) -> (i32, LineResult) {
    let mut r = LineResult::default();
    let status = f(k, sub, &mut r);
    let status = r.exit.take().unwrap_or(status);
    r.abort = false;
    r.jump = None;
    (status, r)
}

/// `break [N]` and `continue [N]`.
pub fn jump(sh: &Shell, argv: &[String], err: &mut dyn FnMut(&str), res: &mut LineResult) -> i32 {
    let name = argv.first().map(String::as_str).unwrap_or("break");
    let n = match argv.get(1) {
        None => 1,
        Some(a) => match a.parse::<i64>() {
            Ok(n) if n >= 1 => n.min(u32::MAX as i64) as u32,
            _ if sh.flavor == Flavor::Ash => {
                err(&format!("{}: {name}: {}Illegal number: {a}\n", sh.arg0, if sh.interactive { String::new() } else { format!("line {}: ", sh.vars.get("LINENO").unwrap_or("1")) }));
                if !sh.interactive {
                    res.exit = Some(2);
                }
                return 2;
            }
            Ok(_) => {
                err(&format!("{}: {name}: {a}: loop count out of range\n", sh.err_name()));
                return 1;
            }
            Err(_) => {
                err(&format!("{}: {name}: {a}: numeric argument required\n", sh.err_name()));
                return 1;
            }
        },
    };
    if sh.loops == 0 {
        if sh.flavor == Flavor::Zsh {
            err(&format!("{name}: not in while, until, select, or repeat loop\n"));
            return 1;
        }
        if sh.flavor != Flavor::Ash {
            err(&format!("{}: {name}: only meaningful in a `for', `while', or `until' loop\n", sh.err_name()));
        }
        return 0;
    }
    let n = n.min(sh.loops);
    res.jump = Some(if name == "break" { Jump::Break(n) } else { Jump::Continue(n) });
    0
}
