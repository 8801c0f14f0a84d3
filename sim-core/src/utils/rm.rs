//! GNU coreutils' `rm`: files, trees with `-r`, `-f`'s silence about what is missing,
//! `-i`'s questions (answered from stdin), and the refusals (`.`, `..`, `/`).

use std::collections::VecDeque;

use super::fileutils::{base, entries, fail, join, lstat, opts, usage_error};
use super::{Ctx, Outcome};
use crate::kernel::vfs::{FileType, Stat};
use crate::kernel::Errno;

/// How `rm` goes: `-r`, `-f`, `-v`, and with `-i` the answers still to read from stdin (a
/// terminal has none: every question is answered no, as at end of input).
pub struct Rm {
    pub recursive: bool,
    pub force: bool,
    pub verbose: bool,
    pub answers: Option<VecDeque<String>>,
}

impl Rm {
    /// With `-i`: asks on stderr, as rm does, and reads a line; yes if it starts with y.
    fn ask(&mut self, ctx: &mut Ctx, question: &str) -> bool {
        let Some(a) = self.answers.as_mut() else { return true };
        ctx.err(&format!("rm: {question}? "));
        a.pop_front().is_some_and(|l| l.starts_with(['y', 'Y']))
    }
}

fn kind(st: &Stat) -> &'static str {
    match st.ftype {
        FileType::File if st.size == 0 => "regular empty file",
        FileType::File => "regular file",
        FileType::Dir => "directory",
        FileType::Symlink => "symbolic link",
        FileType::CharDev => "character special file",
        FileType::BlockDev => "block special file",
        FileType::Fifo => "fifo",
        FileType::Socket => "socket",
    }
}

/// Removes one operand (a tree with `-r`); false on any failure (a no to `-i` is none).
pub fn remove(ctx: &mut Ctx, path: &str, o: &mut Rm) -> bool {
    let st = match lstat(ctx, path) {
        Ok(s) => s,
        Err(e) if o.force && missing(e) => return true,
        Err(e) => {
            fail(ctx, &format!("cannot remove '{path}'"), e);
            return false;
        }
    };
    if st.ftype == FileType::Dir {
        if !o.recursive {
            fail(ctx, &format!("cannot remove '{path}'"), Errno::EISDIR);
            return false;
        }
        let names = match entries(ctx, path) {
            Ok(n) => n,
            Err(e) => {
                fail(ctx, &format!("cannot remove '{path}'"), e);
                return false;
            }
        };
        if !names.is_empty() && !o.ask(ctx, &format!("descend into directory '{path}'")) {
            return true;
        }
        let mut ok = true;
        for name in names {
            ok &= remove(ctx, &join(path, &name), o);
        }
        if !ok {
            return false;
        }
        if !o.ask(ctx, &format!("remove directory '{path}'")) {
            return true;
        }
        return match ctx.k.rmdir(ctx.pid, path) {
            Ok(()) => {
                if o.verbose {
                    ctx.out(&format!("removed directory '{path}'\n"));
                }
                true
            }
            Err(e) if o.force && missing(e) => true,
            Err(e) => {
                fail(ctx, &format!("cannot remove '{path}'"), e);
                false
            }
        };
    }
    if !o.ask(ctx, &format!("remove {} '{path}'", kind(&st))) {
        return true;
    }
    match ctx.k.unlink(ctx.pid, path) {
        Ok(()) => {
            if o.verbose {
                ctx.out(&format!("removed '{path}'\n"));
            }
            true
        }
        Err(e) => {
            fail(ctx, &format!("cannot remove '{path}'"), e);
            false
        }
    }
}

/// What `rm -f` does not complain about (`ignorable_missing`).
fn missing(e: Errno) -> bool {
    e == Errno::ENOENT || e == Errno::ENOTDIR
}

pub fn rm(ctx: &mut Ctx) -> Outcome {
    let long = ["force", "recursive", "verbose", "dir", "interactive", "no-preserve-root", "preserve-root", "one-file-system", "help", "version"];
    let o = match opts(ctx, "dfiIrRv", "", &long, &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let last = o.flags.iter().rev().find(|f| ["f", "i", "force", "interactive"].contains(&f.as_str()));
    let force = last.is_some_and(|f| f == "f" || f == "force");
    let interactive = last.is_some_and(|f| f == "i" || f == "interactive");
    if o.operands.is_empty() {
        return if force { Outcome::Exit(0) } else { usage_error(ctx, "missing operand") };
    }
    let recursive = o.has("r") || o.has("R") || o.has("recursive");
    let verbose = o.has("v") || o.has("verbose");
    let answers = interactive.then(|| String::from_utf8_lossy(&ctx.io.stdin).lines().map(str::to_string).collect());
    let mut how = Rm { recursive, force, verbose, answers };
    let mut st = 0;
    for p in &o.operands {
        let b = base(p);
        if recursive && (b == "." || b == "..") {
            ctx.err(&format!("rm: refusing to remove '.' or '..' directory: skipping '{p}'\n"));
            st = 1;
            continue;
        }
        if recursive && !o.has("no-preserve-root") && ctx.k.resolve(ctx.pid, p, true).is_ok_and(|r| r.path == "/") {
            if p == "/" {
                ctx.err("rm: it is dangerous to operate recursively on '/'\n");
            } else {
                ctx.err(&format!("rm: it is dangerous to operate recursively on '{p}' (same as '/')\n"));
            }
            ctx.err("rm: use --no-preserve-root to override this failsafe\n");
            st = 1;
            continue;
        }
        let dir_ok = (o.has("d") || o.has("dir")) && lstat(ctx, p).is_ok_and(|s| s.ftype == FileType::Dir);
        if dir_ok {
            match ctx.k.rmdir(ctx.pid, p) {
                Ok(()) if verbose => ctx.out(&format!("removed directory '{p}'\n")),
                Ok(()) => {}
                Err(e) => {
                    fail(ctx, &format!("cannot remove '{p}'"), e);
                    st = 1;
                }
            }
        } else if !remove(ctx, p, &mut how) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

