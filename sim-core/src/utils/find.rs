//! The host's tools that walk a tree: GNU findutils' `find` (paths, `-name`, `-iname`,
//! `-type`, `-maxdepth`, `-mindepth`, `-print`, all ANDed) and coreutils' `du` (`-s`, `-a`,
//! `-h`, `-c`). Entries come in the order the filesystem keeps them.

use super::fileutils::{entries, fail, join, lstat, opts};
use super::{Ctx, Outcome};
use crate::kernel::vfs::FileType;

enum Test {
    Name(String, bool),
    Type(FileType),
}

struct Find {
    tests: Vec<Test>,
    min: usize,
    max: usize,
}

fn matches(f: &Find, path: &str, ftype: FileType) -> bool {
    let name = super::fileutils::base(path);
    f.tests.iter().all(|t| match t {
        // find's fnmatch has no leading-dot rule: a prefix keeps the dot from leading.
        Test::Name(p, false) => crate::shell::expand::fnmatch(&format!("x{p}"), &format!("x{name}")),
        Test::Name(p, true) => crate::shell::expand::fnmatch(&format!("x{}", p.to_lowercase()), &format!("x{}", name.to_lowercase())),
        Test::Type(ty) => *ty == ftype,
    })
}

fn walk(ctx: &mut Ctx, f: &Find, path: &str, depth: usize) -> bool {
    let st = match lstat(ctx, path) {
        Ok(s) => s,
        Err(e) => {
            ctx.err(&format!("find: '{path}': {}\n", e.message()));
            return false;
        }
    };
    if depth >= f.min && matches(f, path, st.ftype) {
        ctx.out(&format!("{path}\n"));
    }
    if st.ftype != FileType::Dir || depth >= f.max {
        return true;
    }
    match entries(ctx, path) {
        Ok(names) => {
            let mut ok = true;
            for n in names {
                ok &= walk(ctx, f, &join(path, &n), depth + 1);
            }
            ok
        }
        Err(e) => {
            ctx.err(&format!("find: '{path}': {}\n", e.message()));
            false
        }
    }
}

pub fn find(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let split = args.iter().position(|a| a.starts_with('-') && a.len() > 1 || a == "(" || a == "!").unwrap_or(args.len());
    let mut paths: Vec<String> = args[..split].to_vec();
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut f = Find { tests: Vec::new(), min: 0, max: usize::MAX };
    let mut it = args[split..].iter();
    while let Some(a) = it.next() {
        if a == "-print" {
            continue;
        }
        if !["-name", "-iname", "-type", "-maxdepth", "-mindepth"].contains(&a.as_str()) {
            ctx.err(&format!("find: unknown predicate `{a}'\n"));
            return Outcome::Exit(1);
        }
        let Some(v) = it.next() else {
            ctx.err(&format!("find: missing argument to `{a}'\n"));
            return Outcome::Exit(1);
        };
        match a.as_str() {
            "-name" | "-iname" => f.tests.push(Test::Name(v.clone(), a == "-iname")),
            "-type" => {
                let ty = match v.as_str() {
                    "f" => FileType::File,
                    "d" => FileType::Dir,
                    "l" => FileType::Symlink,
                    "b" => FileType::BlockDev,
                    "c" => FileType::CharDev,
                    "p" => FileType::Fifo,
                    "s" => FileType::Socket,
                    _ => {
                        ctx.err(&format!("find: Unknown argument to -type: {v}\n"));
                        return Outcome::Exit(1);
                    }
                };
                f.tests.push(Test::Type(ty));
            }
            _ => match v.parse::<usize>() {
                Ok(n) if a == "-maxdepth" => f.max = n,
                Ok(n) => f.min = n,
                Err(_) => {
                    ctx.err(&format!("find: Expected a positive decimal integer argument to {a}, but got '{v}'\n"));
                    return Outcome::Exit(1);
                }
            },
        }
    }
    let mut st = 0;
    for p in &paths {
        if !walk(ctx, &f, p, 0) {
            st = 1;
        }
    }
    Outcome::Exit(st)
}

struct Du {
    /// Files with several links seen so far: du counts each once.
    seen: Vec<(u64, u64)>,
    all: bool,
    summarize: bool,
    human: bool,
}

fn du_line(ctx: &mut Ctx, d: &Du, blocks: u64, path: &str) {
    let size = if d.human { super::ls::human(blocks * 512) } else { blocks.div_ceil(2).to_string() };
    ctx.out(&format!("{size}\t{path}\n"));
}

/// The 512-byte blocks under `path`, printing lines as du does (post-order).
fn du_walk(ctx: &mut Ctx, d: &mut Du, path: &str, top: bool, ok: &mut bool) -> u64 {
    let st = match lstat(ctx, path) {
        Ok(s) => s,
        Err(e) => {
            fail(ctx, &format!("cannot access '{path}'"), e);
            *ok = false;
            return 0;
        }
    };
    if st.nlink > 1 && st.ftype != FileType::Dir {
        if d.seen.contains(&(st.dev, st.ino)) {
            return 0;
        }
        d.seen.push((st.dev, st.ino));
    }
    let mut total = st.blocks;
    if st.ftype == FileType::Dir {
        match entries(ctx, path) {
            Ok(names) => {
                for n in names {
                    total += du_walk(ctx, d, &join(path, &n), false, ok);
                }
            }
            Err(e) => {
                fail(ctx, &format!("cannot read directory '{path}'"), e);
                *ok = false;
            }
        }
    }
    if top || (!d.summarize && (st.ftype == FileType::Dir || d.all)) {
        du_line(ctx, d, total, path);
    }
    total
}

pub fn du(ctx: &mut Ctx) -> Outcome {
    let o = match opts(ctx, "ashckx", "", &["all", "summarize", "human-readable", "total", "help", "version"], &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut d = Du { seen: Vec::new(), all: o.has("a") || o.has("all"), summarize: o.has("s") || o.has("summarize"), human: o.has("h") || o.has("human-readable") };
    if d.all && d.summarize {
        return super::fileutils::usage_error(ctx, "cannot both summarize and show all entries");
    }
    let ops = if o.operands.is_empty() { vec![".".to_string()] } else { o.operands.clone() };
    let (mut ok, mut grand) = (true, 0);
    for p in &ops {
        grand += du_walk(ctx, &mut d, p, true, &mut ok);
    }
    if o.has("c") || o.has("total") {
        du_line(ctx, &d, grand, "total");
    }
    Outcome::Exit(if ok { 0 } else { 1 })
}
