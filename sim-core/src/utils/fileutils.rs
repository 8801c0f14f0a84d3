//! GNU coreutils' `mkdir`, `rmdir`, `touch`, `ln`, `chmod` on the host: the kernel's
//! directory operations (with its permission checks for the caller) and coreutils' words
//! (`cannot create directory 'X': ...`, `cannot remove`, `failed to remove`).

use super::{getopt, gnu_try, Ctx, Outcome, Parsed};
use crate::kernel::vfs::{FileType, Stat};
use crate::kernel::Errno;

/// Parses the options, or reports the error with the `Try ... --help` line (status 1).
pub fn opts(ctx: &mut Ctx, short: &str, with_arg: &str, long: &[&str], long_arg: &[&str]) -> Result<Parsed, Outcome> {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    getopt(&args, short, with_arg, long, long_arg).map_err(|e| {
        let name = ctx.name();
        ctx.err(&e.message(&name));
        ctx.err(&gnu_try(&name));
        Outcome::Exit(1)
    })
}

/// `NAME: MSG` and the `Try` line, status 1: `missing operand` and the like.
pub fn usage_error(ctx: &mut Ctx, msg: &str) -> Outcome {
    let name = ctx.name();
    ctx.err(&format!("{name}: {msg}\n"));
    ctx.err(&gnu_try(&name));
    Outcome::Exit(1)
}

/// `NAME: MSG: strerror`.
pub fn fail(ctx: &mut Ctx, msg: &str, e: Errno) {
    let name = ctx.name();
    ctx.err(&format!("{name}: {msg}: {}\n", e.message()));
}

/// `lstat(2)`; a trailing slash makes a symlink to a directory count as the directory.
pub fn lstat(ctx: &Ctx, path: &str) -> Result<Stat, Errno> {
    let r = ctx.k.resolve(ctx.pid, path, path.ends_with('/'))?;
    ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)
}

pub fn stat(ctx: &Ctx, path: &str) -> Result<Stat, Errno> {
    let r = ctx.k.resolve(ctx.pid, path, true)?;
    ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)
}

pub fn is_dir(ctx: &Ctx, path: &str) -> bool {
    stat(ctx, path).is_ok_and(|s| s.ftype == FileType::Dir)
}

/// `dir/name` without doubling a slash (`file_name_concat`).
pub fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The last component of a path, trailing slashes ignored.
pub fn base(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// The names in a directory (as the caller may read it).
pub fn entries(ctx: &Ctx, path: &str) -> Result<Vec<String>, Errno> {
    let r = ctx.k.resolve(ctx.pid, path, true)?;
    let st = ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
    if !ctx.k.may(ctx.pid, &st, 4) {
        return Err(Errno::EACCES);
    }
    Ok(ctx.k.read_dir(ctx.pid, &r.loc)?.into_iter().map(|(n, _)| n).collect())
}

/// A mode as `chmod` and `mkdir -m` take it: octal, or comma-separated symbolic clauses
/// (`u+x`, `go-w`, `a=rX`, `g=u`) applied to `old`. Without a who, the umask (022) guards
/// the bits. None when it does not parse.
pub fn parse_mode(s: &str, old: u32, is_dir: bool) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u32::from_str_radix(s, 8).ok().filter(|m| *m <= 0o7777);
    }
    let mut mode = old;
    for clause in s.split(',') {
        let at = clause.find(['+', '-', '='])?;
        let (who, mut rest) = clause.split_at(at);
        let mut mask = 0;
        for c in who.chars() {
            mask |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => return None,
            };
        }
        let guard = if who.is_empty() { !0o022 } else { 0o7777 };
        if mask == 0 {
            mask = 0o7777;
        }
        // One clause may hold several operations: `u+r-w`.
        while let Some(op) = rest.chars().next() {
            let perms: String = rest[1..].chars().take_while(|c| !"+-=".contains(*c)).collect();
            rest = &rest[1 + perms.len()..];
            let mut bits = 0;
            for c in perms.chars() {
                bits |= match c {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' => 0o111,
                    'X' if is_dir || mode & 0o111 != 0 => 0o111,
                    'X' => 0,
                    's' => 0o6000,
                    't' => 0o1000,
                    'u' => (mode >> 6 & 7) * 0o111,
                    'g' => (mode >> 3 & 7) * 0o111,
                    'o' => (mode & 7) * 0o111,
                    _ => return None,
                };
            }
            let bits = bits & mask & guard;
            match op {
                '+' => mode |= bits,
                '-' => mode &= !bits,
                _ => mode = (mode & !(mask & 0o7777 & !if is_dir { 0o6000 } else { 0 })) | bits,
            }
        }
    }
    Some(mode)
}

pub fn mkdir(ctx: &mut Ctx) -> Outcome {
    let o = match opts(ctx, "pvZ", "m", &["parents", "verbose", "help", "version"], &["mode", "context"]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return usage_error(ctx, "missing operand");
    }
    let mode = match o.value("m").or(o.value("mode")) {
        Some(m) => match parse_mode(m, 0o777, true) {
            Some(v) => Some(v),
            None => {
                ctx.err(&format!("mkdir: invalid mode '{m}'\n"));
                return Outcome::Exit(1);
            }
        },
        None => None,
    };
    let (parents, verbose) = (o.has("p") || o.has("parents"), o.has("v") || o.has("verbose"));
    let mut st = 0;
    for d in &o.operands {
        let mut steps = Vec::new();
        if parents {
            let mut path = if d.starts_with('/') { "/".to_string() } else { String::new() };
            let comps: Vec<&str> = d.split('/').filter(|c| !c.is_empty()).collect();
            for (i, c) in comps.iter().enumerate() {
                path = if path.is_empty() { c.to_string() } else { join(&path, c) };
                if i + 1 < comps.len() && stat(ctx, &path).is_ok() {
                    if !is_dir(ctx, &path) {
                        fail(ctx, &format!("cannot create directory '{path}'"), Errno::ENOTDIR);
                        st = 1;
                        steps.clear();
                        break;
                    }
                    continue;
                }
                steps.push(path.clone());
            }
        } else {
            steps.push(d.clone());
        }
        for (i, p) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            match ctx.k.mkdir(ctx.pid, p, if last { mode.unwrap_or(0o755) } else { 0o755 }) {
                Ok(()) => {
                    if verbose {
                        ctx.out(&format!("mkdir: created directory '{p}'\n"));
                    }
                }
                Err(Errno::EEXIST) if parents && is_dir(ctx, p) => {}
                Err(e) => {
                    fail(ctx, &format!("cannot create directory '{p}'"), e);
                    st = 1;
                    break;
                }
            }
        }
    }
    Outcome::Exit(st)
}

pub fn rmdir(ctx: &mut Ctx) -> Outcome {
    let o = match opts(ctx, "pv", "", &["parents", "verbose", "ignore-fail-on-non-empty", "help", "version"], &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return usage_error(ctx, "missing operand");
    }
    let (parents, verbose) = (o.has("p") || o.has("parents"), o.has("v") || o.has("verbose"));
    let mut st = 0;
    for d in &o.operands {
        let mut path = d.trim_end_matches('/').to_string();
        if path.is_empty() {
            path = "/".into();
        }
        loop {
            if verbose {
                ctx.out(&format!("rmdir: removing directory, '{path}'\n"));
            }
            if let Err(e) = ctx.k.rmdir(ctx.pid, &path) {
                if !(e == Errno::ENOTEMPTY && o.has("ignore-fail-on-non-empty")) {
                    fail(ctx, &format!("failed to remove '{path}'"), e);
                    st = 1;
                }
                break;
            }
            match path.rfind('/') {
                Some(i) if parents && i > 0 => path.truncate(i),
                _ => break,
            }
        }
    }
    Outcome::Exit(st)
}

pub fn touch(ctx: &mut Ctx) -> Outcome {
    let o = match opts(ctx, "acfhm", "dtr", &["no-create", "no-dereference", "help", "version"], &["date", "reference"]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return usage_error(ctx, "missing file operand");
    }
    let mut t = ctx.k.now;
    if let Some(r) = o.value("r").or(o.value("reference")) {
        match stat(ctx, r) {
            Ok(s) => t = s.mtime,
            Err(e) => {
                fail(ctx, &format!("failed to get attributes of '{r}'"), e);
                return Outcome::Exit(1);
            }
        }
    }
    if let Some(d) = o.value("d").or(o.value("date")) {
        match super::busybox::sysinfo::parse_date(d) {
            Some(v) => t = v,
            None => {
                ctx.err(&format!("touch: invalid date format '{d}'\n"));
                return Outcome::Exit(1);
            }
        }
    }
    if let Some(s) = o.value("t") {
        match super::busybox::files::parse_stamp(s, ctx.k.now) {
            Some(v) => t = v,
            None => {
                ctx.err(&format!("touch: invalid date format '{s}'\n"));
                return Outcome::Exit(1);
            }
        }
    }
    let no_create = o.has("c") || o.has("no-create");
    let mut st = 0;
    for f in &o.operands {
        let r = match stat(ctx, f) {
            Ok(_) => ctx.k.utimes(ctx.pid, f, t, !o.has("h")),
            Err(Errno::ENOENT) if no_create => Ok(()),
            Err(Errno::ENOENT) => ctx.k.write_file(ctx.pid, f, b"", true).and_then(|_| ctx.k.utimes(ctx.pid, f, t, true)),
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            fail(ctx, &format!("cannot touch '{f}'"), e);
            st = 1;
        }
    }
    Outcome::Exit(st)
}

pub fn ln(ctx: &mut Ctx) -> Outcome {
    let o = match opts(ctx, "sfnvTrL", "t", &["symbolic", "force", "no-dereference", "verbose", "no-target-directory", "relative", "help", "version"], &["target-directory"]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let sym = o.has("s") || o.has("symbolic");
    let mut ops = o.operands.clone();
    if ops.is_empty() {
        return usage_error(ctx, "missing file operand");
    }
    let explicit = o.value("t").or(o.value("target-directory")).map(str::to_string);
    let dir = match &explicit {
        Some(t) => t.clone(),
        None if ops.len() == 1 => ".".to_string(),
        None => ops.pop().unwrap_or_default(),
    };
    let no_deref = o.has("n") || o.has("no-dereference");
    let dir_is_dir = if no_deref { lstat(ctx, &dir).is_ok_and(|s| s.ftype == FileType::Dir) } else { is_dir(ctx, &dir) };
    let into = explicit.is_some() || o.operands.len() == 1 || (dir_is_dir && !o.has("T"));
    if ops.len() > 1 && !dir_is_dir {
        let e = stat(ctx, &dir).err().unwrap_or(Errno::ENOTDIR);
        fail(ctx, &format!("target '{dir}'"), e);
        return Outcome::Exit(1);
    }
    let mut st = 0;
    for t in &ops {
        let link = if into { join(&dir, base(t)) } else { dir.clone() };
        if !sym {
            match stat(ctx, t) {
                Ok(s) if s.ftype == FileType::Dir => {
                    ctx.err(&format!("ln: {t}: hard link not allowed for directory\n"));
                    st = 1;
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    fail(ctx, &format!("failed to access '{t}'"), e);
                    st = 1;
                    continue;
                }
            }
        }
        if (o.has("f") || o.has("force")) && lstat(ctx, &link).is_ok_and(|s| s.ftype != FileType::Dir) {
            let _ = ctx.k.unlink(ctx.pid, &link);
        }
        let r = if sym { ctx.k.symlink(ctx.pid, t, &link) } else { ctx.k.link(ctx.pid, t, &link) };
        match r {
            Ok(()) if o.has("v") || o.has("verbose") => {
                ctx.out(&format!("'{link}' {} '{t}'\n", if sym { "->" } else { "=>" }));
            }
            Ok(()) => {}
            Err(e) if sym => {
                fail(ctx, &format!("failed to create symbolic link '{link}'"), e);
                st = 1;
            }
            Err(e) => {
                fail(ctx, &format!("failed to create hard link '{link}' => '{t}'"), e);
                st = 1;
            }
        }
    }
    Outcome::Exit(st)
}

pub fn chmod(ctx: &mut Ctx) -> Outcome {
    // A mode such as `-w` looks like an option: getopt sees it first (`rwxXst` letters).
    let mut args: Vec<String> = ctx.argv[1..].to_vec();
    let mut mode_arg = None;
    if let Some(i) = args.iter().position(|a| a.len() > 1 && a.starts_with('-') && !a.starts_with("--") && a[1..].chars().all(|c| "rwxXst".contains(c) || c == ',' || c == '+' || c == '-' || c == '=')) {
        mode_arg = Some(args.remove(i));
    }
    let o = match getopt(&args, "RvcfHLP", "", &["recursive", "verbose", "changes", "silent", "quiet", "help", "version"], &["reference"]) {
        Ok(o) => o,
        Err(e) => {
            ctx.err(&e.message("chmod"));
            ctx.err(&gnu_try("chmod"));
            return Outcome::Exit(1);
        }
    };
    let mut ops = o.operands.clone();
    let mode = match mode_arg {
        Some(m) => m,
        None if ops.is_empty() => return usage_error(ctx, "missing operand"),
        None => ops.remove(0),
    };
    if ops.is_empty() {
        return usage_error(ctx, &format!("missing operand after '{mode}'"));
    }
    if parse_mode(&mode, 0, false).is_none() {
        return usage_error(ctx, &format!("invalid mode: '{mode}'"));
    }
    let recursive = o.has("R") || o.has("recursive");
    let mut st = 0;
    for f in &ops {
        if !chmod_one(ctx, f, &mode, recursive) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

fn chmod_one(ctx: &mut Ctx, f: &str, mode: &str, recursive: bool) -> bool {
    let s = match stat(ctx, f) {
        Ok(s) => s,
        Err(e) => {
            fail(ctx, &format!("cannot access '{f}'"), e);
            return false;
        }
    };
    let is_dir = s.ftype == FileType::Dir;
    let new = parse_mode(mode, s.perm, is_dir).unwrap_or(s.perm);
    let mut ok = true;
    if let Err(e) = ctx.k.chmod(ctx.pid, f, new) {
        fail(ctx, &format!("changing permissions of '{f}'"), e);
        ok = false;
    }
    // -R does not follow symlinks met inside the tree.
    if recursive && is_dir && lstat(ctx, f).is_ok_and(|s| s.ftype == FileType::Dir) {
        match entries(ctx, f) {
            Ok(names) => {
                for n in names {
                    let p = join(f, &n);
                    if lstat(ctx, &p).is_ok_and(|s| s.ftype != FileType::Symlink) {
                        ok &= chmod_one(ctx, &p, mode, true);
                    }
                }
            }
            Err(e) => {
                fail(ctx, &format!("cannot read directory '{f}'"), e);
                ok = false;
            }
        }
    }
    ok
}
