//! GNU coreutils' `cp` and `mv` on the host: files and trees copied through the kernel
//! (as the caller, with its permission checks), renames, and coreutils' words (`cannot
//! stat`, `-r not specified; omitting directory`, `cannot move 'X' to 'Y'`).

use super::fileutils::{base, entries, fail, is_dir, join, lstat, opts, stat, usage_error};
use super::rm::{remove, Rm};
use super::{Ctx, Outcome, Parsed};
use crate::kernel::vfs::{split_parent, FileType};
use crate::kernel::Errno;

struct Copy {
    recursive: bool,
    preserve: bool,
    /// Follow symlinks inside a tree (`-L`); command-line ones are followed unless `-P`/`-d`.
    deref: bool,
    top_deref: bool,
    force: bool,
    verbose: bool,
    no_clobber: bool,
}

/// The sources and the destination: `(sources, target, into a directory)`, or the error.
fn operands(ctx: &mut Ctx, o: &Parsed) -> Result<(Vec<String>, String, bool), Outcome> {
    let mut ops = o.operands.clone();
    let explicit = o.value("t").or(o.value("target-directory")).map(str::to_string);
    if ops.is_empty() {
        return Err(usage_error(ctx, "missing file operand"));
    }
    let target = match explicit {
        Some(t) => t,
        None if ops.len() == 1 => return Err(usage_error(ctx, &format!("missing destination file operand after '{}'", ops[0]))),
        None => ops.pop().unwrap_or_default(),
    };
    let into = is_dir(ctx, &target) && !(o.has("T") || o.has("no-target-directory"));
    if ops.len() > 1 && !into {
        let e = stat(ctx, &target).err().unwrap_or(Errno::ENOTDIR);
        fail(ctx, &format!("target '{target}'"), e);
        return Err(Outcome::Exit(1));
    }
    Ok((ops, target, into))
}

/// The canonical path a destination names (its parent resolved, its own name kept).
fn canonical(ctx: &Ctx, path: &str) -> Option<String> {
    if let Ok(r) = ctx.k.resolve(ctx.pid, path, false) {
        return Some(r.path);
    }
    let (dir, name) = split_parent(path);
    let r = ctx.k.resolve(ctx.pid, dir, true).ok()?;
    Some(join(&r.path, name))
}

/// Whether `dest` is `src` itself or inside it.
fn inside(ctx: &Ctx, src: &str, dest: &str) -> bool {
    match (canonical(ctx, src), canonical(ctx, dest)) {
        (Some(s), Some(d)) => d == s || d.starts_with(&join(&s, "")),
        _ => false,
    }
}

fn same_file(ctx: &Ctx, a: &str, b: &str, follow: bool) -> bool {
    let st = |p: &str| if follow { stat(ctx, p) } else { lstat(ctx, p) };
    matches!((st(a), st(b)), (Ok(x), Ok(y)) if x.dev == y.dev && x.ino == y.ino)
}

/// One operand's copy: the directories it created, and the operand's names for the message
/// when a tree copied into itself meets the directory the copy made (GNU cp complains there
/// and copies nothing more of that directory, so what lands depends on the entries' order).
struct Walk {
    made: Vec<(u64, u64)>,
    top: (String, String),
}

fn copy(ctx: &mut Ctx, src: &str, dest: &str, c: &Copy, top: bool, w: &mut Walk) -> bool {
    let follow = c.deref || (top && c.top_deref);
    let sst = match if follow { stat(ctx, src) } else { lstat(ctx, src) } {
        Ok(s) => s,
        Err(e) => {
            fail(ctx, &format!("cannot stat '{src}'"), e);
            return false;
        }
    };
    if same_file(ctx, src, dest, follow) {
        ctx.err(&format!("{}: '{src}' and '{dest}' are the same file\n", ctx.name()));
        return false;
    }
    let dst = lstat(ctx, dest).ok();
    if dst.is_some() && c.no_clobber {
        return true;
    }
    let dest_is_dir = dst.as_ref().is_some_and(|d| d.ftype == FileType::Dir) || is_dir(ctx, dest);
    match sst.ftype {
        FileType::Dir => {
            if !c.recursive {
                ctx.err(&format!("{}: -r not specified; omitting directory '{src}'\n", ctx.name()));
                return false;
            }
            if w.made.contains(&(sst.dev, sst.ino)) {
                let (s, d) = w.top.clone();
                ctx.err(&format!("{}: cannot copy a directory, '{s}', into itself, '{d}'\n", ctx.name()));
                return false;
            }
            if dst.is_some() && !dest_is_dir {
                ctx.err(&format!("{}: cannot overwrite non-directory '{dest}' with directory '{src}'\n", ctx.name()));
                return false;
            }
            if dst.is_none() {
                if let Err(e) = ctx.k.mkdir(ctx.pid, dest, 0o700) {
                    fail(ctx, &format!("cannot create directory '{dest}'"), e);
                    return false;
                }
                if let Ok(d) = stat(ctx, dest) {
                    w.made.push((d.dev, d.ino));
                }
            }
            if c.verbose {
                ctx.out(&format!("'{src}' -> '{dest}'\n"));
            }
            let names = match entries(ctx, src) {
                Ok(n) => n,
                Err(e) => {
                    fail(ctx, &format!("cannot access '{src}'"), e);
                    return false;
                }
            };
            let mut ok = true;
            for n in names {
                let sub = join(src, &n);
                if !copy(ctx, &sub, &join(dest, &n), c, false, w) {
                    ok = false;
                    // Meeting the copy's own directory ends the copy of this one.
                    if lstat(ctx, &sub).is_ok_and(|s| w.made.contains(&(s.dev, s.ino))) {
                        break;
                    }
                }
            }
            if dst.is_none() || c.preserve {
                finish(ctx, dest, sst.perm, &sst, c);
            }
            ok
        }
        FileType::Symlink => {
            let target = ctx.k.resolve(ctx.pid, src, false).ok().and_then(|r| ctx.k.readlink_loc(ctx.pid, &r.loc)).unwrap_or_default();
            if dst.is_some() && !dest_is_dir {
                let _ = ctx.k.unlink(ctx.pid, dest);
            }
            if let Err(e) = ctx.k.symlink(ctx.pid, &target, dest) {
                fail(ctx, &format!("cannot create symbolic link '{dest}'"), e);
                return false;
            }
            if c.verbose {
                ctx.out(&format!("'{src}' -> '{dest}'\n"));
            }
            true
        }
        _ => {
            if dest_is_dir {
                ctx.err(&format!("{}: cannot overwrite directory '{dest}' with non-directory\n", ctx.name()));
                return false;
            }
            let data = match ctx.read_file(src) {
                Ok(d) => d,
                Err(e) => {
                    fail(ctx, &format!("cannot open '{src}' for reading"), e);
                    return false;
                }
            };
            let mut r = ctx.k.write_file(ctx.pid, dest, &data, false);
            if r == Err(Errno::EACCES) && c.force && dst.is_some() && ctx.k.unlink(ctx.pid, dest).is_ok() {
                r = ctx.k.write_file(ctx.pid, dest, &data, false);
            }
            if let Err(e) = r {
                fail(ctx, &format!("cannot create regular file '{dest}'"), e);
                return false;
            }
            if c.verbose {
                ctx.out(&format!("'{src}' -> '{dest}'\n"));
            }
            if dst.is_none() || c.preserve {
                finish(ctx, dest, sst.perm, &sst, c);
            }
            true
        }
    }
}

/// A new copy gets the source's mode less the umask (022); `-p` keeps mode, owner and time.
fn finish(ctx: &mut Ctx, dest: &str, perm: u32, sst: &crate::kernel::vfs::Stat, c: &Copy) {
    if c.preserve {
        let _ = ctx.k.utimes(ctx.pid, dest, sst.mtime, true);
        if ctx.uid() == 0 {
            let _ = ctx.k.chown(ctx.pid, dest, Some(sst.uid), Some(sst.gid));
        }
        let _ = ctx.k.chmod(ctx.pid, dest, perm & 0o7777);
    } else {
        let _ = ctx.k.chmod(ctx.pid, dest, perm & 0o777 & !0o022);
    }
}

pub fn cp(ctx: &mut Ctx) -> Outcome {
    let long = ["archive", "recursive", "force", "verbose", "no-target-directory", "dereference", "no-dereference", "no-clobber", "preserve", "help", "version"];
    let o = match opts(ctx, "aRrpfvTdLHPnui", "t", &long, &["target-directory"]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let (ops, target, into) = match operands(ctx, &o) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let archive = o.has("a") || o.has("archive");
    let recursive = archive || o.has("r") || o.has("R") || o.has("recursive");
    let no_deref = archive || o.has("d") || o.has("P") || o.has("no-dereference");
    let c = Copy {
        recursive,
        preserve: archive || o.has("p") || o.has("preserve"),
        deref: o.has("L") || o.has("dereference"),
        top_deref: o.has("H") || (!recursive && !no_deref),
        force: o.has("f") || o.has("force"),
        verbose: o.has("v") || o.has("verbose"),
        no_clobber: o.has("n") || o.has("no-clobber"),
    };
    let mut st = 0;
    for s in &ops {
        let dest = if into { join(&target, base(s)) } else { target.clone() };
        if !copy(ctx, s, &dest, &c, true, &mut Walk { made: Vec::new(), top: (s.clone(), dest.clone()) }) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

pub fn mv(ctx: &mut Ctx) -> Outcome {
    let long = ["force", "interactive", "no-clobber", "verbose", "no-target-directory", "update", "help", "version"];
    let o = match opts(ctx, "finvTu", "t", &long, &["target-directory"]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let (ops, target, into) = match operands(ctx, &o) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let verbose = o.has("v") || o.has("verbose");
    let mut st = 0;
    for s in &ops {
        let dest = if into { join(&target, base(s)) } else { target.clone() };
        if !move_one(ctx, s, &dest, &o, verbose) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

fn move_one(ctx: &mut Ctx, s: &str, dest: &str, o: &Parsed, verbose: bool) -> bool {
    let sst = match lstat(ctx, s) {
        Ok(st) => st,
        Err(e) => {
            fail(ctx, &format!("cannot stat '{s}'"), e);
            return false;
        }
    };
    if same_file(ctx, s, dest, false) {
        ctx.err(&format!("mv: '{s}' and '{dest}' are the same file\n"));
        return false;
    }
    let src_dir = sst.ftype == FileType::Dir;
    if src_dir && inside(ctx, s, dest) {
        ctx.err(&format!("mv: cannot move '{s}' to a subdirectory of itself, '{dest}'\n"));
        return false;
    }
    if let Ok(d) = lstat(ctx, dest) {
        if o.has("n") || o.has("no-clobber") {
            return true;
        }
        match (src_dir, d.ftype == FileType::Dir) {
            (true, false) => {
                ctx.err(&format!("mv: cannot overwrite non-directory '{dest}' with directory '{s}'\n"));
                return false;
            }
            (false, true) => {
                ctx.err(&format!("mv: cannot overwrite directory '{dest}' with non-directory\n"));
                return false;
            }
            _ => {}
        }
    }
    match ctx.k.rename(ctx.pid, s, dest) {
        Ok(()) => {}
        Err(Errno::EXDEV) => {
            // Across filesystems: copy everything as it is, then remove the original.
            let c = Copy { recursive: true, preserve: true, deref: false, top_deref: false, force: true, verbose: false, no_clobber: false };
            if !copy(ctx, s, dest, &c, true, &mut Walk { made: Vec::new(), top: (s.to_string(), dest.to_string()) }) || !remove(ctx, s, &mut Rm { recursive: true, force: true, verbose: false, answers: None }) {
                return false;
            }
        }
        Err(e) => {
            fail(ctx, &format!("cannot move '{s}' to '{dest}'"), e);
            return false;
        }
    }
    if verbose {
        ctx.out(&format!("renamed '{s}' -> '{dest}'\n"));
    }
    true
}
