//! GNU coreutils `ls`: one per line off a terminal, columns (with tab stops every 8, as
//! coreutils pads) on a terminal, and the long format with GNU's column widths.

use crate::sort::SortSlice;
use super::{getopt, gnu_try, Ctx, Outcome};
use crate::clock;
use crate::kernel::vfs::{FileType, Loc, Stat};
use crate::kernel::{Kernel, Pid};

struct Opts {
    all: bool,
    almost_all: bool,
    long: bool,
    human: bool,
    one: bool,
    columns: bool,
    dir_itself: bool,
    reverse: bool,
    by_time: bool,
    by_size: bool,
    classify: bool,
    inode: bool,
    numeric: bool,
    /// Quote names as `shell-escape` (coreutils >= 8.25 on a terminal, or QUOTING_STYLE);
    /// Amazon Linux 2's coreutils 8.22 prints names literally.
    quote: bool,
    width: usize,
}

struct Entry {
    name: String,
    stat: Stat,
    target: Option<String>,
}

const SIX_MONTHS: i64 = 31_556_952 / 2;

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args = ctx.argv[1..].to_vec();
    let p = match getopt(&args, "aAlh1dCrtSFin", "", &["all", "almost-all", "human-readable", "directory", "reverse", "classify", "inode", "numeric-uid-gid", "help", "color"], &["color"]) {
        Ok(p) => p,
        Err(e) => {
            let msg = e.message("ls");
            ctx.err(&msg);
            ctx.err(&gnu_try("ls"));
            return Outcome::Exit(2);
        }
    };
    if p.has("help") {
        ctx.out("Usage: ls [OPTION]... [FILE]...\nList information about the FILEs (the current directory by default).\nSort entries alphabetically if none of -cftuvSUX nor --sort is specified.\n");
        return Outcome::Exit(0);
    }
    let width = ctx.env.iter().find(|(n, _)| n == "COLUMNS").and_then(|(_, v)| v.parse().ok()).unwrap_or(ctx.io.cols);
    // The last of -l, -1, -C wins; off a terminal the default is one per line.
    let mut long = false;
    let mut one = !ctx.io.tty_out;
    let mut columns = ctx.io.tty_out;
    for f in &p.flags {
        match f.as_str() {
            "l" | "n" | "numeric-uid-gid" => {
                long = true;
                one = false;
                columns = false;
            }
            "1" => {
                one = true;
                long = false;
                columns = false;
            }
            "C" => {
                columns = true;
                one = false;
                long = false;
            }
            _ => {}
        }
    }
    let o = Opts {
        all: p.has("a") || p.has("all"),
        almost_all: p.has("A") || p.has("almost-all"),
        long,
        human: p.has("h") || p.has("human-readable"),
        one,
        columns,
        dir_itself: p.has("d") || p.has("directory"),
        reverse: p.has("r") || p.has("reverse"),
        by_time: p.has("t"),
        by_size: p.has("S"),
        classify: p.has("F") || p.has("classify"),
        inode: p.has("i") || p.has("inode"),
        numeric: p.has("n") || p.has("numeric-uid-gid"),
        quote: ctx.io.tty_out && ctx.getenv("QUOTING_STYLE").map(|s| s == "shell-escape" || s == "shell").unwrap_or(false),
        width: width.max(1),
    };
    let operands = if p.operands.is_empty() { vec![".".to_string()] } else { p.operands.clone() };
    let mut status = 0;
    let mut files: Vec<Entry> = Vec::new();
    let mut dirs: Vec<(String, Loc)> = Vec::new();
    for op in &operands {
        // Operands are followed when they are symlinks to directories (unless -l/-d).
        let follow = !(o.long || o.dir_itself || o.classify);
        let r = ctx.k.resolve(ctx.pid, op, true).or_else(|_| ctx.k.resolve(ctx.pid, op, false));
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                ctx.err(&format!("ls: cannot access '{op}': {}\n", e.message()));
                status = 2;
                continue;
            }
        };
        let nofollow = ctx.k.resolve(ctx.pid, op, false).ok();
        let Some(st) = ctx.k.stat_loc(&r.loc) else { continue };
        if st.ftype == FileType::Dir && !o.dir_itself && (follow || nofollow.as_ref().and_then(|n| ctx.k.stat_loc(&n.loc)).map(|s| s.ftype == FileType::Dir).unwrap_or(true)) {
            dirs.push((op.clone(), r.loc));
        } else {
            let loc = nofollow.map(|n| n.loc).unwrap_or(r.loc);
            if let Some(e) = entry(ctx.k, ctx.pid, op.clone(), &loc) {
                files.push(e);
            }
        }
    }
    let mut out = String::new();
    sort_entries(&mut files, &o);
    let show_headers = operands.len() > 1 || status != 0;
    if !files.is_empty() {
        out.push_str(&render(ctx.k, ctx.pid, &files, &o, false));
    }
    sort_dirs(&mut dirs, &o);
    for (i, (name, loc)) in dirs.iter().enumerate() {
        if !files.is_empty() || i > 0 {
            out.push('\n');
        }
        if show_headers {
            out.push_str(&format!("{}:\n", quote_name(name, o.quote).0));
        }
        let listing = match ctx.k.read_dir(ctx.pid, loc) {
            Ok(l) => l,
            Err(e) => {
                ctx.out(&out);
                out.clear();
                ctx.err(&format!("ls: cannot open directory '{name}': {}\n", e.message()));
                status = 2;
                continue;
            }
        };
        let dir_stat = ctx.k.stat_loc(loc);
        if let Some(ds) = &dir_stat {
            if !ctx.k.may(ctx.pid, ds, 4) {
                ctx.out(&out);
                out.clear();
                ctx.err(&format!("ls: cannot open directory '{name}': Permission denied\n"));
                status = 2;
                continue;
            }
        }
        let mut entries: Vec<Entry> = Vec::new();
        if o.all {
            if let Some(ds) = dir_stat.clone() {
                entries.push(Entry { name: ".".into(), stat: ds, target: None });
            }
            let parent = format!("{}/..", name.trim_end_matches('/'));
            if let Ok(pr) = ctx.k.resolve(ctx.pid, &parent, true) {
                if let Some(ps) = ctx.k.stat_loc(&pr.loc) {
                    entries.push(Entry { name: "..".into(), stat: ps, target: None });
                }
            }
        }
        for (n, l) in listing {
            if n.starts_with('.') && !(o.all || o.almost_all) {
                continue;
            }
            if let Some(e) = entry(ctx.k, ctx.pid, n, &l) {
                entries.push(e);
            }
        }
        sort_entries(&mut entries, &o);
        out.push_str(&render(ctx.k, ctx.pid, &entries, &o, true));
    }
    ctx.out(&out);
    Outcome::Exit(status)
}

fn entry(k: &Kernel, viewer: Pid, name: String, loc: &Loc) -> Option<Entry> {
    let stat = k.stat_loc(loc)?;
    let target = if stat.ftype == FileType::Symlink { k.readlink_loc(viewer, loc) } else { None };
    Some(Entry { name, stat, target })
}

fn sort_entries(v: &mut [Entry], o: &Opts) {
    v.sort_stable_by(|a, b| {
        let primary = if o.by_size {
            b.stat.size.cmp(&a.stat.size)
        } else if o.by_time {
            b.stat.mtime.cmp(&a.stat.mtime)
        } else {
            std::cmp::Ordering::Equal
        };
        primary.then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
    });
    if o.reverse {
        v.reverse();
    }
}

fn sort_dirs(v: &mut [(String, Loc)], o: &Opts) {
    v.sort_stable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    if o.reverse {
        v.reverse();
    }
}

/// Shell-escape quoting as ls does on a terminal: `'with space.txt'`. Returns the text and
/// whether it was quoted.
fn quote_name(name: &str, tty: bool) -> (String, bool) {
    if !tty {
        return (name.to_string(), false);
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || "%+,-./:=@_^".contains(c);
    if name.chars().all(safe) && !name.is_empty() {
        (name.to_string(), false)
    } else if name.contains('\'') {
        (format!("\"{name}\""), true)
    } else {
        (format!("'{name}'"), true)
    }
}

fn classify_suffix(e: &Entry) -> &'static str {
    match e.stat.ftype {
        FileType::Dir => "/",
        FileType::Symlink => "@",
        FileType::Fifo => "|",
        FileType::Socket => "=",
        FileType::File if e.stat.perm & 0o111 != 0 => "*",
        _ => "",
    }
}

fn render(k: &Kernel, viewer: Pid, entries: &[Entry], o: &Opts, is_dir_listing: bool) -> String {
    let any_quoted = o.quote && entries.iter().any(|e| quote_name(&e.name, true).1);
    let names: Vec<String> = entries
        .iter()
        .map(|e| {
            let (q, quoted) = quote_name(&e.name, o.quote);
            let mut s = if any_quoted && !quoted { format!(" {q}") } else { q };
            if o.classify && !o.long {
                s.push_str(classify_suffix(e));
            }
            s
        })
        .collect();
    if o.long {
        return long_format(k, viewer, entries, &names, o, is_dir_listing);
    }
    let names: Vec<String> = if o.inode {
        let w = entries.iter().map(|e| e.stat.ino.to_string().len()).max().unwrap_or(1);
        entries.iter().zip(names).map(|(e, n)| format!("{:>w$} {n}", e.stat.ino)).collect()
    } else {
        names
    };
    if o.one || !o.columns {
        return names.iter().map(|n| format!("{n}\n")).collect();
    }
    columns(&names, o.width)
}

/// coreutils' `calculate_columns` + `print_many_per_line`, filling columns top to bottom.
pub fn columns(names: &[String], line_length: usize) -> String {
    let n = names.len();
    if n == 0 {
        return String::new();
    }
    let lens: Vec<usize> = names.iter().map(|s| s.chars().count()).collect();
    let max_idx = (line_length / 3).max(1);
    let max_cols = max_idx.min(n);
    let mut valid = vec![true; max_cols];
    let mut line_len: Vec<usize> = (0..max_cols).map(|i| (i + 1) * 3).collect();
    let mut col_arr: Vec<Vec<usize>> = (0..max_cols).map(|i| vec![3; i + 1]).collect();
    for (filesno, len) in lens.iter().enumerate() {
        for i in 0..max_cols {
            if !valid[i] {
                continue;
            }
            let idx = filesno / n.div_ceil(i + 1);
            let real = len + if idx == i { 0 } else { 2 };
            if col_arr[i][idx] < real {
                line_len[i] += real - col_arr[i][idx];
                col_arr[i][idx] = real;
                valid[i] = line_len[i] < line_length;
            }
        }
    }
    let mut cols = max_cols;
    while cols > 1 && !valid[cols - 1] {
        cols -= 1;
    }
    let widths = &col_arr[cols - 1];
    let rows = n.div_ceil(cols);
    let mut out = String::new();
    for row in 0..rows {
        let mut col = 0;
        let mut filesno = row;
        let mut pos = 0;
        loop {
            out.push_str(&names[filesno]);
            let name_len = lens[filesno];
            let max_len = widths[col];
            col += 1;
            filesno += rows;
            if filesno >= n {
                break;
            }
            indent(&mut out, pos + name_len, pos + max_len);
            pos += max_len;
        }
        out.push('\n');
    }
    out
}

/// Pads from column `from` to `to` with tabs (stops every 8) and spaces, as coreutils does.
fn indent(out: &mut String, mut from: usize, to: usize) {
    while from < to {
        if to / 8 > (from + 1) / 8 {
            out.push('\t');
            from += 8 - from % 8;
        } else {
            out.push(' ');
            from += 1;
        }
    }
}

fn mode_string(st: &Stat) -> String {
    let p = st.perm;
    let mut s = String::with_capacity(10);
    s.push(st.ftype.letter());
    let bit = |m: u32, c: char| if p & m != 0 { c } else { '-' };
    s.push(bit(0o400, 'r'));
    s.push(bit(0o200, 'w'));
    s.push(match (p & 0o100 != 0, p & 0o4000 != 0) {
        (true, true) => 's',
        (false, true) => 'S',
        (true, false) => 'x',
        _ => '-',
    });
    s.push(bit(0o040, 'r'));
    s.push(bit(0o020, 'w'));
    s.push(match (p & 0o010 != 0, p & 0o2000 != 0) {
        (true, true) => 's',
        (false, true) => 'S',
        (true, false) => 'x',
        _ => '-',
    });
    s.push(bit(0o004, 'r'));
    s.push(bit(0o002, 'w'));
    s.push(match (p & 0o001 != 0, p & 0o1000 != 0) {
        (true, true) => 't',
        (false, true) => 'T',
        (true, false) => 'x',
        _ => '-',
    });
    s
}

/// 1K blocks a file occupies: 4K allocation units, as on ext4/xfs. A directory's size is
/// one block there and 0 in procfs, so the same rule covers both; symlinks are fast (0).
fn blocks_1k(st: &Stat) -> u64 {
    match st.ftype {
        FileType::File | FileType::Dir => st.size.div_ceil(4096) * 4,
        _ => 0,
    }
}

/// GNU `human_readable` with `--human-readable`: powers of 1024, rounded up, one decimal
/// below 10.
pub fn human(n: u64) -> String {
    const UNITS: [&str; 7] = ["K", "M", "G", "T", "P", "E", "Z"];
    if n < 1024 {
        return n.to_string();
    }
    let mut value = n as f64;
    let mut unit = 0;
    value /= 1024.0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        let tenths = (value * 10.0).ceil();
        if tenths >= 100.0 {
            return format!("{}{}", 10, UNITS[unit]);
        }
        format!("{:.1}{}", tenths / 10.0, UNITS[unit])
    } else {
        let v = value.ceil() as u64;
        if v >= 1024 && unit < UNITS.len() - 1 {
            format!("1.0{}", UNITS[unit + 1])
        } else {
            format!("{}{}", v, UNITS[unit])
        }
    }
}

fn long_format(k: &Kernel, viewer: Pid, entries: &[Entry], names: &[String], o: &Opts, is_dir: bool) -> String {
    let mut out = String::new();
    if is_dir {
        let total: u64 = entries.iter().map(|e| blocks_1k(&e.stat)).sum();
        out.push_str(&format!("total {}\n", if o.human { human(total * 1024) } else { total.to_string() }));
    }
    let owner = |uid: u32| if o.numeric { None } else { super::users::name_of_uid(k, viewer, uid) };
    let group = |gid: u32| if o.numeric { None } else { super::users::name_of_gid(k, viewer, gid) };
    let size_str = |st: &Stat| if o.human { human(st.size) } else { st.size.to_string() };
    let is_dev = |st: &Stat| matches!(st.ftype, FileType::CharDev | FileType::BlockDev);
    let nlink_w = entries.iter().map(|e| e.stat.nlink.to_string().len()).max().unwrap_or(1);
    let owner_w = entries.iter().map(|e| owner(e.stat.uid).unwrap_or_else(|| e.stat.uid.to_string()).len()).max().unwrap_or(1);
    let group_w = entries.iter().map(|e| group(e.stat.gid).unwrap_or_else(|| e.stat.gid.to_string()).len()).max().unwrap_or(1);
    let major_w = entries.iter().filter(|e| is_dev(&e.stat)).map(|e| e.stat.rdev.0.to_string().len()).max().unwrap_or(0);
    let minor_w = entries.iter().filter(|e| is_dev(&e.stat)).map(|e| e.stat.rdev.1.to_string().len()).max().unwrap_or(0);
    let dev_w = if major_w > 0 { major_w + 2 + minor_w } else { 0 };
    let size_w = entries.iter().filter(|e| !is_dev(&e.stat)).map(|e| size_str(&e.stat).len()).max().unwrap_or(0).max(dev_w);
    let ino_w = entries.iter().map(|e| e.stat.ino.to_string().len()).max().unwrap_or(1);
    let now = k.now;
    for (e, name) in entries.iter().zip(names) {
        let st = &e.stat;
        if o.inode {
            out.push_str(&format!("{:>ino_w$} ", st.ino));
        }
        let own = match owner(st.uid) {
            Some(n) => format!("{n:<owner_w$}"),
            None => format!("{:>owner_w$}", st.uid),
        };
        let grp = match group(st.gid) {
            Some(n) => format!("{n:<group_w$}"),
            None => format!("{:>group_w$}", st.gid),
        };
        let size = if is_dev(st) {
            format!("{:>major_w$}, {:>minor_w$}", st.rdev.0, st.rdev.1)
        } else {
            size_str(st)
        };
        let t = clock::tm(st.mtime);
        let recent = st.mtime > now - SIX_MONTHS && st.mtime <= now;
        let date = if recent {
            format!("{} {:>2} {:02}:{:02}", t.mon(), t.day, t.hour, t.min)
        } else {
            format!("{} {:>2}  {}", t.mon(), t.day, t.year)
        };
        let mut line = format!("{} {:>nlink_w$} {own} {grp} {size:>size_w$} {date} {name}", mode_string(st), st.nlink);
        if let Some(t) = &e.target {
            line.push_str(" -> ");
            line.push_str(&quote_name(t, o.quote).0);
        } else if o.classify {
            line.push_str(classify_suffix(e));
        }
        line.push('\n');
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn human_sizes() {
        assert_eq!(human(1000), "1000");
        assert_eq!(human(1024), "1.0K");
        assert_eq!(human(1025), "1.1K");
        assert_eq!(human(12288), "12K");
        assert_eq!(human(1_572_864), "1.5M");
        assert_eq!(human(4096), "4.0K");
    }
    #[test]
    fn columns_match_coreutils() {
        let names: Vec<String> = ["bin", "boot", "dev", "etc"].iter().map(|s| s.to_string()).collect();
        assert_eq!(columns(&names, 80), "bin  boot  dev\tetc\n");
    }
}
