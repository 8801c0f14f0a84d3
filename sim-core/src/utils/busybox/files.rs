//! busybox `touch`, `mkdir`, `rmdir`, `rm`, `cp`, `mv`, `ln`: the kernel's directory
//! operations with busybox's words (`can't create directory 'X': ...`, `can't remove`,
//! `can't stat`, `omitting directory`).

use super::getopt::{getopt, long, HasArg};
use super::{concat_path, error, perror, show_usage, strerror, Ctx, Outcome};
use crate::kernel::vfs::{FileType, Stat};
use crate::kernel::Errno;

fn lstat(ctx: &Ctx, path: &str) -> Result<Stat, Errno> {
    let r = ctx.k.resolve(ctx.pid, path, false)?;
    ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)
}

fn stat(ctx: &Ctx, path: &str) -> Result<Stat, Errno> {
    let r = ctx.k.resolve(ctx.pid, path, true)?;
    ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)
}

fn is_dir(ctx: &Ctx, path: &str) -> bool {
    stat(ctx, path).map(|s| s.ftype == FileType::Dir).unwrap_or(false)
}

fn base(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    if t.is_empty() {
        return "/";
    }
    t.rsplit('/').next().unwrap_or(t)
}

/// An octal mode (`755`) or a simple symbolic one applied to `base` (`u+x`, `go-w`,
/// `a=rx`); None when it does not parse.
pub fn parse_mode(s: &str, base: u32) -> Option<u32> {
    if !s.is_empty() && s.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return u32::from_str_radix(s, 8).ok().filter(|m| *m <= 0o7777);
    }
    let mut mode = base;
    for clause in s.split(',') {
        let op_at = clause.find(['+', '-', '='])?;
        let (who, rest) = clause.split_at(op_at);
        let who_mask = if who.is_empty() {
            0o7777
        } else {
            let mut m = 0;
            for c in who.chars() {
                m |= match c {
                    'u' => 0o4700,
                    'g' => 0o2070,
                    'o' => 0o1007,
                    'a' => 0o7777,
                    _ => return None,
                };
            }
            m
        };
        let op = rest.chars().next()?;
        let mut bits = 0;
        for c in rest[1..].chars() {
            bits |= match c {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                's' => 0o6000,
                't' => 0o1000,
                _ => return None,
            };
        }
        let bits = bits & who_mask;
        match op {
            '+' => mode |= bits,
            '-' => mode &= !bits,
            _ => mode = (mode & !who_mask) | bits,
        }
    }
    Some(mode)
}

pub fn mkdir(ctx: &mut Ctx) -> Outcome {
    let longs = [long("mode", HasArg::Required, 'm'), long("parents", HasArg::No, 'p'), long("verbose", HasArg::No, 'v')];
    let o = match getopt(ctx, "m:pv", &longs) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return show_usage(ctx);
    }
    let mode = match o.value('m') {
        Some(m) => match parse_mode(m, 0o777) {
            Some(v) => v,
            None => {
                error(ctx, &format!("invalid mode '{m}'"));
                return Outcome::Exit(1);
            }
        },
        None => 0o755,
    };
    let mut st = 0;
    for d in &o.operands {
        let r = if o.has('p') {
            let mut path = if d.starts_with('/') { String::from("/") } else { String::new() };
            let mut res = Ok(());
            for c in d.split('/').filter(|c| !c.is_empty()) {
                path = if path.is_empty() { c.to_string() } else { concat_path(&path, c) };
                if is_dir(ctx, &path) {
                    continue;
                }
                res = ctx.k.mkdir(ctx.pid, &path, 0o755);
                if res.is_err() {
                    break;
                }
            }
            if res.is_ok() && o.value('m').is_some() {
                let _ = ctx.k.chmod(ctx.pid, d, mode);
            }
            res
        } else {
            ctx.k.mkdir(ctx.pid, d, mode)
        };
        if let Err(e) = r {
            perror(ctx, &format!("can't create directory '{d}'"), e);
            st = 1;
        } else if o.has('v') {
            ctx.out(&format!("created directory: '{d}'\n"));
        }
    }
    Outcome::Exit(st)
}

pub fn rmdir(ctx: &mut Ctx) -> Outcome {
    let longs = [long("parents", HasArg::No, 'p'), long("ignore-fail-on-non-empty", HasArg::No, '\u{1}')];
    let o = match getopt(ctx, "pv", &longs) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return show_usage(ctx);
    }
    let mut st = 0;
    for d in &o.operands {
        let mut path = d.trim_end_matches('/').to_string();
        if path.is_empty() {
            path = "/".into();
        }
        loop {
            if let Err(e) = ctx.k.rmdir(ctx.pid, &path) {
                if !(e == Errno::ENOTEMPTY && o.has('\u{1}')) {
                    perror(ctx, &format!("'{path}'"), e);
                    st = 1;
                }
                break;
            }
            if !o.has('p') {
                break;
            }
            match path.rfind('/') {
                Some(i) if i > 0 => path.truncate(i),
                _ => break,
            }
        }
    }
    Outcome::Exit(st)
}

fn remove(ctx: &mut Ctx, path: &str, recursive: bool, force: bool) -> bool {
    let st = match lstat(ctx, path) {
        Ok(s) => s,
        Err(e) => {
            if force && e == Errno::ENOENT {
                return true;
            }
            perror(ctx, &format!("can't remove '{path}'"), e);
            return false;
        }
    };
    if st.ftype == FileType::Dir {
        if !recursive {
            error(ctx, &format!("'{path}' is a directory"));
            return false;
        }
        let entries = match ctx.k.resolve(ctx.pid, path, false).and_then(|r| ctx.k.read_dir(ctx.pid, &r.loc)) {
            Ok(e) => e,
            Err(e) => {
                perror(ctx, &format!("can't open '{path}'"), e);
                return false;
            }
        };
        let mut ok = true;
        for (name, _) in entries {
            ok &= remove(ctx, &concat_path(path, &name), recursive, force);
        }
        if let Err(e) = ctx.k.rmdir(ctx.pid, path) {
            perror(ctx, &format!("can't remove '{path}'"), e);
            return false;
        }
        return ok;
    }
    match ctx.k.unlink(ctx.pid, path) {
        Ok(()) => true,
        Err(e) => {
            perror(ctx, &format!("can't remove '{path}'"), e);
            false
        }
    }
}

pub fn rm(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "fiRrv", &[long("force", HasArg::No, 'f'), long("recursive", HasArg::No, 'r')]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let force = o.last_of("fi") == Some('f');
    if o.operands.is_empty() {
        if force {
            return Outcome::Exit(0);
        }
        return show_usage(ctx);
    }
    let recursive = o.has('r') || o.has('R');
    let mut st = 0;
    for p in &o.operands {
        let b = base(p);
        if b == "." || b == ".." {
            error(ctx, "can't remove '.' or '..'");
            st = 1;
            continue;
        }
        if !remove(ctx, p, recursive, force) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

pub fn touch(ctx: &mut Ctx) -> Outcome {
    let longs = [long("no-create", HasArg::No, 'c'), long("date", HasArg::Required, 'd'), long("reference", HasArg::Required, 'r')];
    let o = match getopt(ctx, "cd:t:r:hamf", &longs) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return show_usage(ctx);
    }
    let mut t = ctx.k.now;
    if let Some(r) = o.value('r') {
        match stat(ctx, r) {
            Ok(s) => t = s.mtime,
            Err(e) => {
                perror(ctx, r, e);
                return Outcome::Exit(1);
            }
        }
    }
    if let Some(d) = o.value('d') {
        match super::sysinfo::parse_date(d) {
            Some(v) => t = v,
            None => {
                error(ctx, &format!("invalid date '{d}'"));
                return Outcome::Exit(1);
            }
        }
    }
    if let Some(s) = o.value('t') {
        match parse_stamp(s, ctx.k.now) {
            Some(v) => t = v,
            None => {
                error(ctx, &format!("invalid date '{s}'"));
                return Outcome::Exit(1);
            }
        }
    }
    let mut st = 0;
    for f in &o.operands {
        let r = match stat(ctx, f) {
            Ok(_) => ctx.k.utimes(ctx.pid, f, t, !o.has('h')),
            Err(Errno::ENOENT) if o.has('c') => Ok(()),
            Err(Errno::ENOENT) => ctx.k.write_file(ctx.pid, f, b"", true).and_then(|_| ctx.k.utimes(ctx.pid, f, t, true)),
            Err(e) => Err(e),
        };
        if let Err(e) = r {
            perror(ctx, f, e);
            st = 1;
        }
    }
    Outcome::Exit(st)
}

/// `touch -t [[CC]YY]MMDDhhmm[.ss]`.
pub(crate) fn parse_stamp(s: &str, now: i64) -> Option<i64> {
    let (main, secs) = match s.split_once('.') {
        Some((m, ss)) => (m, ss.parse::<u32>().ok()?),
        None => (s, 0),
    };
    if !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year_now = crate::clock::tm(now).year;
    let (year, rest) = match main.len() {
        8 => (year_now, main),
        10 => {
            let yy: i64 = main[..2].parse().ok()?;
            (if yy < 69 { 2000 + yy } else { 1900 + yy }, &main[2..])
        }
        12 => (main[..4].parse().ok()?, &main[4..]),
        _ => return None,
    };
    let date = format!("{year}-{}-{} {}:{}:{secs:02}", &rest[..2], &rest[2..4], &rest[4..6], &rest[6..8]);
    super::sysinfo::parse_date(&date)
}

/// Copies one file (or tree with `recursive`) to `dest`. `made` holds the directories
/// this copy created, so that copying a tree into itself stops where it meets them.
fn copy(ctx: &mut Ctx, src: &str, dest: &str, recursive: bool, preserve: bool, follow: bool, made: &mut Vec<(u64, u64)>) -> bool {
    let sst = match if follow { stat(ctx, src) } else { lstat(ctx, src) } {
        Ok(s) => s,
        Err(e) => {
            perror(ctx, &format!("can't stat '{src}'"), e);
            return false;
        }
    };
    match sst.ftype {
        FileType::Dir => {
            if !recursive {
                error(ctx, &format!("omitting directory '{src}'"));
                return false;
            }
            if made.contains(&(sst.dev, sst.ino)) {
                error(ctx, &format!("recursion detected, omitting directory '{src}'"));
                return false;
            }
            if !is_dir(ctx, dest) {
                if let Err(e) = ctx.k.mkdir(ctx.pid, dest, sst.perm) {
                    perror(ctx, &format!("can't create directory '{dest}'"), e);
                    return false;
                }
                if let Ok(d) = stat(ctx, dest) {
                    made.push((d.dev, d.ino));
                }
            }
            let entries = match ctx.k.resolve(ctx.pid, src, true).and_then(|r| ctx.k.read_dir(ctx.pid, &r.loc)) {
                Ok(e) => e,
                Err(e) => {
                    perror(ctx, &format!("can't open '{src}'"), e);
                    return false;
                }
            };
            let mut ok = true;
            for (name, _) in entries {
                ok &= copy(ctx, &concat_path(src, &name), &concat_path(dest, &name), recursive, preserve, false, made);
            }
            if preserve {
                let _ = ctx.k.utimes(ctx.pid, dest, sst.mtime, true);
            }
            ok
        }
        FileType::Symlink => {
            let target = ctx.k.resolve(ctx.pid, src, false).ok().and_then(|r| ctx.k.readlink_loc(ctx.pid, &r.loc)).unwrap_or_default();
            if lstat(ctx, dest).is_ok() {
                let _ = ctx.k.unlink(ctx.pid, dest);
            }
            match ctx.k.symlink(ctx.pid, &target, dest) {
                Ok(()) => true,
                Err(e) => {
                    perror(ctx, &format!("can't create symlink '{dest}'"), e);
                    false
                }
            }
        }
        _ => {
            let data = match ctx.read_file(src) {
                Ok(d) => d,
                Err(e) => {
                    perror(ctx, &format!("can't open '{src}'"), e);
                    return false;
                }
            };
            let existed = stat(ctx, dest).is_ok();
            if let Err(e) = ctx.k.write_file(ctx.pid, dest, &data, false) {
                perror(ctx, &format!("can't create '{dest}'"), e);
                return false;
            }
            if !existed || preserve {
                let _ = ctx.k.chmod(ctx.pid, dest, sst.perm & if preserve { 0o7777 } else { 0o777 });
            }
            if preserve {
                let _ = ctx.k.utimes(ctx.pid, dest, sst.mtime, true);
            }
            true
        }
    }
}

pub fn cp(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "aRrdPLHpfinlsTut:v", &[long("recursive", HasArg::No, 'R'), long("target-directory", HasArg::Required, 't')]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let recursive = o.has('a') || o.has('R') || o.has('r');
    let preserve = o.has('a') || o.has('p');
    let mut ops = o.operands.clone();
    let target = match o.value('t') {
        Some(t) => t.to_string(),
        None => {
            if ops.len() < 2 {
                return show_usage(ctx);
            }
            ops.pop().unwrap_or_default()
        }
    };
    let into_dir = is_dir(ctx, &target) && !o.has('T');
    if ops.len() > 1 && !into_dir {
        error(ctx, &format!("'{target}' is not a directory"));
        return Outcome::Exit(1);
    }
    let mut st = 0;
    for s in &ops {
        let dest = if into_dir { concat_path(&target, base(s)) } else { target.clone() };
        let follow = !recursive || o.has('L') || o.has('H');
        if !copy(ctx, s, &dest, recursive, preserve, follow, &mut Vec::new()) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

pub fn mv(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "finTt:v", &[long("target-directory", HasArg::Required, 't')]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut ops = o.operands.clone();
    let target = match o.value('t') {
        Some(t) => t.to_string(),
        None => {
            if ops.len() < 2 {
                return show_usage(ctx);
            }
            ops.pop().unwrap_or_default()
        }
    };
    let into_dir = is_dir(ctx, &target) && !o.has('T');
    if ops.len() > 1 && !into_dir {
        error(ctx, &format!("'{target}' is not a directory"));
        return Outcome::Exit(1);
    }
    let mut st = 0;
    for s in &ops {
        let dest = if into_dir { concat_path(&target, base(s)) } else { target.clone() };
        if o.has('n') && lstat(ctx, &dest).is_ok() {
            continue;
        }
        match ctx.k.rename(ctx.pid, s, &dest) {
            Ok(()) => {}
            Err(Errno::EXDEV) => {
                // Across filesystems: copy, then remove the original.
                if copy(ctx, s, &dest, true, true, false, &mut Vec::new()) {
                    if !remove(ctx, s, true, false) {
                        st = 1;
                    }
                } else {
                    st = 1;
                }
            }
            Err(e) => {
                perror(ctx, &format!("can't rename '{s}'"), e);
                st = 1;
            }
        }
    }
    Outcome::Exit(st)
}

pub fn ln(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "sfnbS:vT", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut ops = o.operands.clone();
    if ops.is_empty() {
        return show_usage(ctx);
    }
    let link_dir = if ops.len() == 1 { ".".to_string() } else { ops.pop().unwrap_or_default() };
    let dir_target = ops.len() > 1 || (!o.has('T') && if o.has('n') { lstat(ctx, &link_dir).map(|s| s.ftype == FileType::Dir).unwrap_or(false) } else { is_dir(ctx, &link_dir) });
    let mut st = 0;
    for t in &ops {
        let link = if dir_target { concat_path(&link_dir, base(t)) } else { link_dir.clone() };
        if !o.has('s') {
            if let Err(e) = stat(ctx, t) {
                perror(ctx, t, e);
                st = 1;
                continue;
            }
        }
        if o.has('f') && lstat(ctx, &link).map(|s| s.ftype != FileType::Dir).unwrap_or(false) {
            let _ = ctx.k.unlink(ctx.pid, &link);
        }
        let r = if o.has('s') { ctx.k.symlink(ctx.pid, t, &link) } else { ctx.k.link(ctx.pid, t, &link) };
        if let Err(e) = r {
            ctx.err(&format!("{}: {link}: {}\n", ctx.name(), strerror(e)));
            st = 1;
        }
    }
    Outcome::Exit(st)
}
