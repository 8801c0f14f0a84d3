//! macOS `ls` (file_cmds-353.100.22 ls/ls.c, print.c). Sourced from the code:
//! - long format: `MODE` + the mode suffix (` `; `@` for xattrs, `+` for ACLs) + ` ` + nlink
//!   (width of the largest) + ` ` + owner `%-*s` + two spaces + group `%-*s` + two spaces +
//!   size + ` ` + time + ` ` + name [` -> ` target];
//! - `-h`: sizes by humanize_number into a 5-byte buffer, printed `%5s` (`  38B`);
//! - time: `%b %e %H:%M` within six months, else `%b %e  %Y`, in local time;
//! - `total N` (512-byte blocks) before a directory's long listing;
//! - columns on a terminal: tab stops of 8, column width (longest name + 8) & ~7, filled top
//!   to bottom; one per line off a terminal; names sorted by strcoll (byte order here).
//!
//! Assumed: APFS facts (a directory's link count is 2 + its entries, directories and
//! symlinks take 0 blocks, files 4 KiB blocks), the `illegal option` wording.

use crate::sort::SortSlice;
use super::super::{Ctx, Outcome};
use crate::kernel::vfs::{FileType, Loc, Stat};
use crate::utils::users;

const USAGE: &str = "usage: ls [-@ABCFGHILOPRSTUWabcdefghiklmnopqrstuvwxy1%,] [--color=when] [-D format] [file ...]\n";

#[derive(Default)]
struct Opts {
    all: bool,
    almost: bool,
    long: bool,
    human: bool,
    single: bool,
    dir_itself: bool,
    reverse: bool,
    by_time: bool,
    by_size: bool,
    classify: bool,
    numeric: bool,
    width: usize,
}

struct Entry {
    name: String,
    st: Stat,
    target: Option<String>,
}

fn entry(ctx: &Ctx, name: String, loc: &Loc) -> Option<Entry> {
    let mut st = ctx.k.stat_loc(loc)?;
    if st.ftype == FileType::Dir {
        // APFS counts every entry of a directory in its link count.
        st.nlink = 2 + ctx.k.read_dir(ctx.pid, loc).map(|v| v.len()).unwrap_or(0) as u32;
        // and reports 32 bytes per link as its size (`192` for six).
        st.size = 32 * st.nlink as u64;
    }
    let target = if st.ftype == FileType::Symlink { ctx.k.readlink_loc(ctx.pid, loc) } else { None };
    Some(Entry { name, st, target })
}

fn blocks(e: &Entry) -> u64 {
    match e.st.ftype {
        FileType::File => e.st.size.div_ceil(4096) * 8,
        _ => 0,
    }
}

fn mode_string(st: &Stat) -> String {
    let p = st.perm;
    let bit = |m: u32, c: char| if p & m != 0 { c } else { '-' };
    let exec = |m: u32, special: u32, set: char, unset: char| match (p & m != 0, p & special != 0) {
        (true, true) => set,
        (false, true) => unset,
        (true, false) => 'x',
        (false, false) => '-',
    };
    let mut s = String::new();
    s.push(st.ftype.letter());
    s.push(bit(0o400, 'r'));
    s.push(bit(0o200, 'w'));
    s.push(exec(0o100, 0o4000, 's', 'S'));
    s.push(bit(0o040, 'r'));
    s.push(bit(0o020, 'w'));
    s.push(exec(0o010, 0o2000, 's', 'S'));
    s.push(bit(0o004, 'r'));
    s.push(bit(0o002, 'w'));
    s.push(exec(0o001, 0o1000, 't', 'T'));
    s
}

fn time_text(ctx: &Ctx, t: i64) -> String {
    const SIX_MONTHS: i64 = (365 / 2) * 86400;
    let tm = super::local_tm(ctx, t);
    let now = ctx.k.now;
    // Unix2003 mode: a time in the future is shown with its year.
    if t + SIX_MONTHS > now && t < now + 1 {
        format!("{} {:>2} {:02}:{:02}", tm.mon(), tm.day, tm.hour, tm.min)
    } else {
        format!("{} {:>2}  {}", tm.mon(), tm.day, tm.year)
    }
}

fn classify_char(st: &Stat) -> &'static str {
    match st.ftype {
        FileType::Dir => "/",
        FileType::Symlink => "@",
        FileType::Socket => "=",
        FileType::Fifo => "|",
        FileType::File if st.perm & 0o111 != 0 => "*",
        _ => "",
    }
}

fn sort(list: &mut [Entry], o: &Opts) {
    list.sort_stable_by(|a, b| {
        let by_name = a.name.as_bytes().cmp(b.name.as_bytes());
        let ord = if o.by_time {
            b.st.mtime.cmp(&a.st.mtime).then(by_name)
        } else if o.by_size {
            b.st.size.cmp(&a.st.size).then(by_name)
        } else {
            by_name
        };
        if o.reverse {
            ord.reverse()
        } else {
            ord
        }
    });
}

fn print_long(ctx: &mut Ctx, list: &[Entry], o: &Opts, total: bool) {
    if total {
        let t: u64 = list.iter().map(blocks).sum();
        ctx.out(&format!("total {t}\n"));
    }
    let owner = |ctx: &Ctx, uid: u32| if o.numeric { uid.to_string() } else { users::name_of_uid(ctx.k, ctx.pid, uid).unwrap_or_else(|| uid.to_string()) };
    let group = |ctx: &Ctx, gid: u32| if o.numeric { gid.to_string() } else { users::name_of_gid(ctx.k, ctx.pid, gid).unwrap_or_else(|| gid.to_string()) };
    let rows: Vec<(String, String, String)> = list.iter().map(|e| (e.st.nlink.to_string(), owner(ctx, e.st.uid), group(ctx, e.st.gid))).collect();
    let w_link = rows.iter().map(|r| r.0.len()).max().unwrap_or(1);
    let w_user = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let w_group = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
    let sizes: Vec<String> = list
        .iter()
        .map(|e| match e.st.ftype {
            FileType::CharDev | FileType::BlockDev => format!("{:#x}", ((e.st.rdev.0 as u64) << 24) | e.st.rdev.1 as u64),
            _ if o.human => super::humanize_number(e.st.size as i64, 5),
            _ => e.st.size.to_string(),
        })
        .collect();
    let w_size = sizes.iter().map(|s| s.len()).max().unwrap_or(0).max(if o.human { 5 } else { 0 });
    for ((e, r), size) in list.iter().zip(&rows).zip(&sizes) {
        let mut line = format!(
            // The mode, then its suffix: ' ' (no extended attributes, no ACL).
            "{}  {:>wl$} {:<wu$}  {:<wg$}  {:>ws$} {} {}",
            mode_string(&e.st),
            r.0,
            r.1,
            r.2,
            size,
            time_text(ctx, e.st.mtime),
            e.name,
            wl = w_link,
            wu = w_user,
            wg = w_group,
            ws = w_size
        );
        if o.classify {
            line.push_str(classify_char(&e.st));
        }
        if let Some(t) = &e.target {
            line.push_str(" -> ");
            line.push_str(t);
        }
        line.push('\n');
        ctx.out(&line);
    }
}

fn print_names(ctx: &mut Ctx, list: &[Entry], o: &Opts) {
    let names: Vec<String> = list.iter().map(|e| if o.classify { format!("{}{}", e.name, classify_char(&e.st)) } else { e.name.clone() }).collect();
    if o.single {
        for n in &names {
            ctx.out(&format!("{n}\n"));
        }
        return;
    }
    ctx.out(&columns(&names, o.width));
}

/// print.c `printcol`: tab-separated columns filled top to bottom.
pub fn columns(names: &[String], termwidth: usize) -> String {
    if names.is_empty() {
        return String::new();
    }
    let tab = 8;
    let maxlen = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let colwidth = (maxlen + tab) & !(tab - 1);
    let mut out = String::new();
    if termwidth < 2 * colwidth {
        for n in names {
            out.push_str(n);
            out.push('\n');
        }
        return out;
    }
    let numcols = termwidth / colwidth;
    let numrows = names.len().div_ceil(numcols);
    for row in 0..numrows {
        let mut endcol = colwidth;
        let mut chcnt = 0;
        let mut base = row;
        for _ in 0..numcols {
            let Some(n) = names.get(base) else { break };
            out.push_str(n);
            chcnt += n.chars().count();
            base += numrows;
            if base >= names.len() {
                break;
            }
            loop {
                let cnt = (chcnt + tab) & !(tab - 1);
                if cnt > endcol {
                    break;
                }
                out.push('\t');
                chcnt = cnt;
            }
            endcol += colwidth;
        }
        out.push('\n');
    }
    out
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let (flags, _, operands) = match super::bsd_getopt(&args, "@1ABCFGHILOPRSTUWabcdefghiklmnopqrstuvwxy%,", "D") {
        Ok(p) => p,
        Err(c) => {
            ctx.err(&format!("ls: illegal option -- {c}\n"));
            ctx.err(USAGE);
            return Outcome::Exit(1);
        }
    };
    let tty = ctx.io.tty_out;
    let columns_env = ctx.getenv("COLUMNS").and_then(|v| v.parse::<usize>().ok());
    let mut o = Opts { single: !tty, width: columns_env.unwrap_or(if tty { ctx.io.cols } else { 80 }), ..Opts::default() };
    for f in &flags {
        match f {
            'a' => o.all = true,
            'A' => o.almost = true,
            'l' | 'n' => {
                o.long = true;
                o.single = false;
                o.numeric |= *f == 'n';
            }
            '1' => {
                o.single = true;
                o.long = false;
            }
            'C' => {
                o.single = false;
                o.long = false;
            }
            'h' => o.human = true,
            'd' => o.dir_itself = true,
            'r' => o.reverse = true,
            't' => o.by_time = true,
            'S' => o.by_size = true,
            'F' => o.classify = true,
            _ => {}
        }
    }
    // root sees dot files without -a (ls.c: f_listdot for uid 0), but not `.` and `..`.
    if ctx.uid() == 0 {
        o.almost = true;
    }
    let operands = if operands.is_empty() { vec![".".to_string()] } else { operands };
    let mut status = 0;
    let mut files: Vec<Entry> = Vec::new();
    let mut dirs: Vec<(String, Loc)> = Vec::new();
    for op in &operands {
        // Operands that are symlinks are shown as links with -l, -d or -F.
        let follow = !(o.long || o.dir_itself || o.classify);
        let r = if follow { ctx.k.resolve(ctx.pid, op, true).or_else(|_| ctx.k.resolve(ctx.pid, op, false)) } else { ctx.k.resolve(ctx.pid, op, false) };
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                ctx.err(&format!("ls: {op}: {}\n", e.message()));
                status = 1;
                continue;
            }
        };
        let Some(st) = ctx.k.stat_loc(&r.loc) else { continue };
        if st.ftype == FileType::Dir && !o.dir_itself {
            dirs.push((op.clone(), r.loc));
        } else if let Some(e) = entry(ctx, op.clone(), &r.loc) {
            files.push(e);
        }
    }
    sort(&mut files, &o);
    if !files.is_empty() {
        if o.long {
            print_long(ctx, &files, &o, false);
        } else {
            print_names(ctx, &files, &o);
        }
    }
    dirs.sort_stable_by(|a, b| a.0.cmp(&b.0));
    let many = operands.len() > 1;
    for (i, (name, loc)) in dirs.iter().enumerate() {
        if many {
            if i > 0 || !files.is_empty() {
                ctx.out("\n");
            }
            ctx.out(&format!("{name}:\n"));
        }
        let mut list: Vec<Entry> = Vec::new();
        match ctx.k.read_dir(ctx.pid, loc) {
            Ok(children) => {
                if o.all {
                    if let Some(e) = entry(ctx, ".".into(), loc) {
                        list.push(e);
                    }
                    let parent = ctx.k.resolve(ctx.pid, &format!("{}/..", name.trim_end_matches('/')), true).ok();
                    if let Some(e) = parent.and_then(|p| entry(ctx, "..".into(), &p.loc)) {
                        list.push(e);
                    }
                }
                for (n, l) in children {
                    if n.starts_with('.') && !(o.all || o.almost) {
                        continue;
                    }
                    if let Some(e) = entry(ctx, n, &l) {
                        list.push(e);
                    }
                }
            }
            Err(e) => {
                ctx.err(&format!("ls: {name}: {}\n", e.message()));
                status = 1;
                continue;
            }
        }
        sort(&mut list, &o);
        if o.long {
            print_long(ctx, &list, &o, true);
        } else {
            print_names(ctx, &list, &o);
        }
    }
    Outcome::Exit(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_use_tab_stops() {
        let names: Vec<String> = ["Applications", "Library", "System", "Users", "Volumes", "bin"].iter().map(|s| s.to_string()).collect();
        // colwidth (12 + 8) & ~7 = 16; 80 / 16 = 5 columns, 2 rows.
        assert_eq!(columns(&names, 80), "Applications\tSystem\t\tVolumes\nLibrary\t\tUsers\t\tbin\n");
    }
}
