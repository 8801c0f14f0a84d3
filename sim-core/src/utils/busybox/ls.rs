//! busybox `ls` (coreutils/ls.c): columns padded with spaces to the widest name plus two
//! across `width - 1` columns, its own long format (`%-10s %4u %-8.8s %-8.8s %9u`),
//! colour by default on a terminal, `total` from 1K blocks.

use crate::sort::SortSlice;
use super::getopt::{getopt, long, HasArg, Long};
use super::{concat_path, perror, strerror, terminal_width, Ctx, Outcome};
use crate::clock;
use crate::kernel::vfs::{FileType, Stat};
use crate::kernel::Errno;
use crate::utils::users;

const LONGS: &[Long] = &[
    long("full-time", HasArg::No, '\u{ff}'),
    long("group-directories-first", HasArg::No, '\u{fe}'),
    long("color", HasArg::Optional, '\u{fd}'),
];
const FULL_TIME: char = '\u{ff}';
const DIRS_FIRST: char = '\u{fe}';
const COLOR: char = '\u{fd}';

/// The option bits after getopt32's "last one wins" rules.
#[derive(Clone, Debug, Default)]
struct Flags {
    bits: Vec<char>,
}

impl Flags {
    fn has(&self, c: char) -> bool {
        self.bits.contains(&c)
    }
    fn on(&mut self, c: char) {
        if !self.has(c) {
            self.bits.push(c);
        }
    }
    fn off(&mut self, c: char) {
        self.bits.retain(|b| *b != c);
    }
}

struct Ls {
    f: Flags,
    color: bool,
    width: usize,
    now: i64,
    exit: i32,
    show_dirname: bool,
    out: String,
    errs: Vec<String>,
}

/// A directory entry with its stat data (`struct dnode`).
#[derive(Clone, Debug)]
struct Dn {
    name: String,
    fullname: String,
    st: Stat,
    /// The mode from lstat, when that is what was done.
    lstat_type: Option<(FileType, u32)>,
    /// The mode from stat, when that is what was done.
    stat_type: Option<(FileType, u32)>,
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "Cadi1lgnsxAkFpRQctuSXrvLHhT:w:", LONGS) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut f = Flags::default();
    let mut width = terminal_width(ctx, ctx.io.stdin_tty, false).saturating_sub(1);
    let mut color_opt: Option<Option<String>> = None;
    for (c, v) in &o.list {
        let c = *c;
        f.on(c);
        // getopt32's complementary rules: "nl:gl:\xffl", "t-S:S-t", "H-L:L-H",
        // "C-xl:x-Cl:l-xC", "C-1:1-C", "x-1:1-x", "c-u:u-c".
        let offs: &[char] = match c {
            't' => &['S'],
            'S' => &['t'],
            'H' => &['L'],
            'L' => &['H'],
            'C' => &['x', 'l', '1'],
            'x' => &['C', 'l', '1'],
            'l' => &['x', 'C'],
            '1' => &['C', 'x'],
            'c' => &['u'],
            'u' => &['c'],
            _ => &[],
        };
        for off in offs {
            f.off(*off);
        }
        if matches!(c, 'n' | 'g' | FULL_TIME) {
            f.on('l');
        }
        if c == 'w' {
            let arg = v.clone().unwrap_or_default();
            match arg.parse::<u32>() {
                Ok(n) => width = n as usize,
                Err(_) => {
                    super::error(ctx, &format!("invalid number '{arg}'"));
                    return Outcome::Exit(1);
                }
            }
        }
        if c == COLOR {
            color_opt = Some(v.clone());
        }
    }
    let term_dumb = ctx.getenv("TERM") == Some("dumb");
    let mut color = false;
    if !term_dumb {
        let lsc = ctx.getenv("LS_COLORS");
        if lsc.map(|p| !p.is_empty() && p != "none").unwrap_or(true) && ctx.io.tty_out {
            color = true;
        }
    }
    if let Some(v) = color_opt {
        let v = v.unwrap_or_else(|| "always".to_string());
        if v.starts_with('n') {
            color = false;
        } else {
            let always = ["always", "yes", "force"].iter().any(|w| w.starts_with(v.as_str()));
            let auto = ["auto", "tty", "if-tty"].iter().any(|w| w.starts_with(v.as_str()));
            if always || (auto && !term_dumb && ctx.io.tty_out) {
                color = true;
            }
        }
    }
    if f.has('d') {
        f.off('R');
    }
    if !f.has('l') && (f.has('c') || f.has('u')) {
        f.on('t');
    }
    if !(f.has('l') || f.has('1') || f.has('x') || f.has('C')) {
        f.on(if ctx.io.tty_out { 'C' } else { '1' });
    }
    let mut args = o.operands.clone();
    if args.is_empty() {
        args.push(".".to_string());
    }
    let mut ls = Ls { f, color, width, now: ctx.k.now, exit: 0, show_dirname: args.len() > 1, out: String::new(), errs: Vec::new() };
    let follow = !(ls.f.has('l') || ls.f.has('i') || ls.f.has('s') || ls.f.has('F')) || ls.f.has('H');
    let mut dns: Vec<Dn> = Vec::new();
    for a in &args {
        match my_stat(ctx, &ls.f, a, a, follow) {
            Ok(d) => dns.push(d),
            Err(e) => {
                perror(ctx, a, e);
                ls.exit = 1;
            }
        }
    }
    // The command line list is built by prepending: reversed, as busybox keeps it.
    dns.reverse();
    if dns.is_empty() {
        return Outcome::Exit(ls.exit);
    }
    if ls.f.has('d') {
        ls.sort(&mut dns);
        ls.display_files(ctx, &dns);
    } else {
        let (mut dirs, mut files): (Vec<Dn>, Vec<Dn>) = dns.into_iter().partition(|d| d.st.ftype == FileType::Dir);
        if !files.is_empty() {
            ls.sort(&mut files);
            ls.display_files(ctx, &files);
        }
        if !dirs.is_empty() {
            ls.sort(&mut dirs);
            let first = files.is_empty();
            ls.scan_and_display_dirs(ctx, &dirs, first);
        }
    }
    let out = std::mem::take(&mut ls.out);
    ctx.out(&out);
    Outcome::Exit(ls.exit)
}

fn my_stat(ctx: &Ctx, f: &Flags, fullname: &str, name: &str, force_follow: bool) -> Result<Dn, Errno> {
    let follow = f.has('L') || force_follow;
    let r = ctx.k.resolve(ctx.pid, fullname, follow)?;
    let st = ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
    let mode = (st.ftype, st.perm);
    Ok(Dn {
        name: name.to_string(),
        fullname: fullname.to_string(),
        lstat_type: if follow { None } else { Some(mode) },
        stat_type: if follow { Some(mode) } else { None },
        st,
    })
}

/// The mode letters of `bb_mode_string`.
pub fn mode_string(t: FileType, perm: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(t.letter());
    let bit = |m: u32, c: char| if perm & m != 0 { c } else { '-' };
    let special = |x: u32, sp: u32, set: char, unset: char| match (perm & x != 0, perm & sp != 0) {
        (true, true) => set,
        (false, true) => unset,
        (true, false) => 'x',
        (false, false) => '-',
    };
    s.push(bit(0o400, 'r'));
    s.push(bit(0o200, 'w'));
    s.push(special(0o100, 0o4000, 's', 'S'));
    s.push(bit(0o040, 'r'));
    s.push(bit(0o020, 'w'));
    s.push(special(0o010, 0o2000, 's', 'S'));
    s.push(bit(0o004, 'r'));
    s.push(bit(0o002, 'w'));
    s.push(special(0o001, 0o1000, 't', 'T'));
    s
}

/// 512-byte blocks a file occupies: 4K allocation units for files and directories (as
/// on ext4/xfs; a procfs directory has size 0), none for symlinks and devices.
pub fn blocks_512(st: &Stat) -> u64 {
    st.blocks
}

/// `make_human_readable_str(val, block_size, 0)`: powers of 1024 with one decimal (or
/// none when `block_size` is 0), the tenth taken from the last division.
pub fn human(val: u64, block_size: u64) -> String {
    if val == 0 {
        return "0".into();
    }
    let mut val = if block_size > 1 { val.saturating_mul(block_size) } else { val };
    const UNITS: [&str; 9] = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"];
    let mut u = 0;
    let mut frac = 0;
    let mut scaled = false;
    while val >= 1024 {
        scaled = true;
        u += 1;
        frac = ((val % 1024) * 10 + 512) / 1024;
        val /= 1024;
    }
    if frac >= 10 {
        val += 1;
        frac = 0;
    }
    if block_size == 0 {
        if frac >= 5 {
            val += 1;
        }
        return format!("{val}{}", UNITS[u]);
    }
    if scaled {
        format!("{val}.{frac}{}", UNITS[u])
    } else {
        val.to_string()
    }
}

/// The colour busybox gives a mode (`ESC[bold;colorm`), `None` meaning "unknown".
fn color_codes(mode: Option<(FileType, u32)>) -> (u32, u32) {
    match mode {
        None => (1, 31),
        Some((FileType::File, perm)) if perm & 0o111 != 0 => (1, 32),
        Some((FileType::File, _)) => (0, 0),
        Some((FileType::Dir, _)) => (1, 34),
        Some((FileType::Symlink, _)) => (1, 36),
        Some((FileType::Fifo, _)) => (0, 35),
        Some((FileType::CharDev | FileType::BlockDev | FileType::Socket, _)) => (1, 35),
    }
}

/// Names as `printable_string2` shows them: control characters become '?'.
fn printable(name: &str) -> String {
    name.chars().map(|c| if (c as u32) < 0x20 || c as u32 == 0x7f { '?' } else { c }).collect()
}

impl Ls {
    fn sort(&self, v: &mut [Dn]) {
        let f = &self.f;
        v.sort_stable_by(|a, b| {
            use std::cmp::Ordering;
            let mut ord = Ordering::Equal;
            if f.has(DIRS_FIRST) {
                let da = a.st.ftype == FileType::Dir;
                let db = b.st.ftype == FileType::Dir;
                ord = db.cmp(&da);
            }
            if ord == Ordering::Equal {
                if f.has('S') {
                    ord = b.st.size.cmp(&a.st.size);
                } else if f.has('t') {
                    ord = b.st.mtime.cmp(&a.st.mtime);
                } else if f.has('v') {
                    ord = verscmp(&a.name, &b.name);
                } else if f.has('X') {
                    let ext = |n: &str| n.find('.').map(|i| n[i..].to_string()).unwrap_or_default();
                    ord = ext(&a.name).cmp(&ext(&b.name));
                }
                if ord == Ordering::Equal {
                    ord = a.name.as_bytes().cmp(b.name.as_bytes());
                }
            }
            if f.has('r') {
                ord.reverse()
            } else {
                ord
            }
        });
    }

    fn append_char(&self, mode: Option<(FileType, u32)>) -> Option<char> {
        if !(self.f.has('F') || self.f.has('p')) {
            return None;
        }
        let (t, perm) = mode?;
        if t == FileType::Dir {
            return Some('/');
        }
        if !self.f.has('F') {
            return None;
        }
        match t {
            FileType::File if perm & 0o111 != 0 => Some('*'),
            FileType::Fifo => Some('|'),
            FileType::Symlink => Some('@'),
            FileType::Socket => Some('='),
            _ => None,
        }
    }

    fn name_width(&self, name: &str) -> usize {
        let p = printable(name);
        let w = p.chars().count();
        if self.f.has('Q') {
            w + 2 + p.chars().filter(|c| *c == '"' || *c == '\\').count()
        } else {
            w
        }
    }

    fn print_name(&mut self, name: &str) -> usize {
        let p = printable(name);
        if self.f.has('Q') {
            let mut s = String::from("\"");
            for c in p.chars() {
                if c == '"' || c == '\\' {
                    s.push('\\');
                }
                s.push(c);
            }
            s.push('"');
            self.out.push_str(&s);
        } else {
            self.out.push_str(&p);
        }
        self.name_width(name)
    }

    fn display_single(&mut self, ctx: &Ctx, dn: &Dn) -> usize {
        let mut column = 0;
        let mut append = self.append_char(Some((dn.st.ftype, dn.st.perm)));
        let lpath = if self.f.has('l') && dn.st.ftype == FileType::Symlink {
            match ctx.k.resolve(ctx.pid, &dn.fullname, false).ok().and_then(|r| ctx.k.readlink_loc(ctx.pid, &r.loc)) {
                Some(t) => Some(t),
                None => {
                    let name = ctx.name();
                    self.errs.push(format!("{name}: {}: {}\n", dn.fullname, strerror(Errno::ENOENT)));
                    None
                }
            }
        } else {
            None
        };
        let st = &dn.st;
        if self.f.has('i') {
            let s = format!("{:7} ", st.ino);
            column += s.len();
            self.out.push_str(&s);
        }
        if self.f.has('s') {
            let s = format!("{:6} ", blocks_512(st) >> 1);
            column += s.len();
            self.out.push_str(&s);
        }
        if self.f.has('l') {
            let mut s = format!("{:<10} {:4} ", mode_string(st.ftype, st.perm), st.nlink);
            if self.f.has('n') {
                if self.f.has('g') {
                    s.push_str(&format!("{:<8} ", st.gid));
                } else {
                    s.push_str(&format!("{:<8} {:<8} ", st.uid, st.gid));
                }
            } else {
                let group = users::name_of_gid(ctx.k, ctx.pid, st.gid).unwrap_or_else(|| st.gid.to_string());
                let group: String = group.chars().take(8).collect();
                if self.f.has('g') {
                    s.push_str(&format!("{group:<8} "));
                } else {
                    let user = users::name_of_uid(ctx.k, ctx.pid, st.uid).unwrap_or_else(|| st.uid.to_string());
                    let user: String = user.chars().take(8).collect();
                    s.push_str(&format!("{user:<8} {group:<8} "));
                }
            }
            if matches!(st.ftype, FileType::BlockDev | FileType::CharDev) {
                s.push_str(&format!("{:4}, {:3} ", st.rdev.0, st.rdev.1));
            } else if self.f.has('h') {
                s.push_str(&format!("{:>7} ", human(st.size, 1)));
            } else {
                s.push_str(&format!("{:9} ", st.size));
            }
            column += s.len();
            self.out.push_str(&s);
            let t = clock::tm(st.mtime);
            if self.f.has(FULL_TIME) {
                let s = format!("{}-{:02}-{:02} {:02}:{:02}:{:02} +0000 ", t.year, t.month, t.day, t.hour, t.min, t.sec);
                column += s.len();
                self.out.push_str(&s);
            } else {
                let age = self.now - st.mtime;
                if age < 3600 * 24 * 365 / 2 && age > -15 * 60 {
                    self.out.push_str(&format!("{} {:2} {:02}:{:02} ", t.mon(), t.day, t.hour, t.min));
                } else {
                    self.out.push_str(&format!("{} {:2} {:>5} ", t.mon(), t.day, t.year));
                }
                column += 13;
            }
        }
        let lmode = dn.lstat_type.or_else(|| {
            ctx.k.resolve(ctx.pid, &dn.fullname, false).ok().and_then(|r| ctx.k.stat_loc(&r.loc)).map(|s| (s.ftype, s.perm))
        });
        if self.color {
            let (b, c) = color_codes(lmode);
            self.out.push_str(&format!("\x1b[{b};{c}m"));
        }
        column += self.print_name(&dn.name);
        if self.color {
            self.out.push_str("\x1b[m");
        }
        if let Some(target) = lpath {
            self.out.push_str(" -> ");
            if self.f.has('F') || self.f.has('p') || self.color {
                let smode = dn.stat_type.or_else(|| {
                    ctx.k.resolve(ctx.pid, &dn.fullname, true).ok().and_then(|r| ctx.k.stat_loc(&r.loc)).map(|s| (s.ftype, s.perm))
                });
                append = self.append_char(smode);
                if self.color {
                    let (b, c) = color_codes(smode);
                    self.out.push_str(&format!("\x1b[{b};{c}m"));
                }
            }
            column += self.print_name(&target) + 4;
            if self.color {
                self.out.push_str("\x1b[m");
            }
        }
        if let Some(a) = append {
            self.out.push(a);
            column += 1;
        }
        column
    }

    fn display_files(&mut self, ctx: &Ctx, dn: &[Dn]) {
        let nfiles = dn.len();
        let (mut ncols, column_width) = if self.f.has('l') || self.f.has('1') {
            (1, 0)
        } else {
            let longest = dn.iter().map(|d| self.name_width(&d.name)).max().unwrap_or(0);
            let w = longest + 2 + if self.f.has('i') { 8 } else { 0 } + if self.f.has('s') { 5 } else { 0 };
            (self.width / w, w)
        };
        let nrows = if ncols > 1 {
            nfiles.div_ceil(ncols)
        } else {
            ncols = 1;
            nfiles
        };
        for row in 0..nrows {
            let mut column: usize = 0;
            let mut nexttab: usize = 0;
            for nc in 0..ncols {
                let i = if self.f.has('x') { row * ncols + nc } else { nc * nrows + row };
                if i < nfiles {
                    if column > 0 {
                        let pad = nexttab.saturating_sub(column);
                        self.out.push_str(&" ".repeat(pad));
                        column += pad;
                    }
                    nexttab = column + column_width;
                    column += self.display_single(ctx, &dn[i]);
                    self.flush_errs();
                }
            }
            self.out.push('\n');
        }
    }

    /// Errors found while printing (a symlink that vanished) go out where they happen.
    fn flush_errs(&mut self) {
        // stderr is unbuffered and stdout is not: busybox's warnings land before the
        // line they interrupt. Keep them in order after the line for simplicity.
        if !self.errs.is_empty() {
            let errs: String = self.errs.drain(..).collect();
            self.out.push_str(&errs);
        }
    }

    fn scan_one_dir(&mut self, ctx: &mut Ctx, path: &str) -> Option<Vec<Dn>> {
        let r = ctx.k.resolve(ctx.pid, path, true);
        let entries = r.and_then(|r| {
            let st = ctx.k.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
            if st.ftype != FileType::Dir {
                return Err(Errno::ENOTDIR);
            }
            if !ctx.k.may(ctx.pid, &st, 4) {
                return Err(Errno::EACCES);
            }
            ctx.k.read_dir(ctx.pid, &r.loc)
        });
        let entries = match entries {
            Ok(e) => e,
            Err(e) => {
                let out = std::mem::take(&mut self.out);
                ctx.out(&out);
                perror(ctx, &format!("can't open '{path}'"), e);
                self.exit = 1;
                return None;
            }
        };
        let mut names: Vec<String> = Vec::new();
        if self.f.has('a') {
            names.push(".".into());
            names.push("..".into());
        }
        for (n, _) in entries {
            if n.starts_with('.') && !(self.f.has('a') || self.f.has('A')) {
                continue;
            }
            names.push(n);
        }
        let mut v = Vec::new();
        for n in names {
            let full = concat_path(path, &n);
            match my_stat(ctx, &self.f, &full, &n, false) {
                Ok(d) => v.push(d),
                Err(e) => {
                    let out = std::mem::take(&mut self.out);
                    ctx.out(&out);
                    perror(ctx, &full, e);
                    self.exit = 1;
                }
            }
        }
        Some(v)
    }

    fn scan_and_display_dirs(&mut self, ctx: &mut Ctx, dirs: &[Dn], mut first: bool) {
        for d in dirs {
            if self.show_dirname || self.f.has('R') {
                if !first {
                    self.out.push('\n');
                }
                first = false;
                self.out.push_str(&format!("{}:\n", d.fullname));
            }
            let sub = self.scan_one_dir(ctx, &d.fullname);
            if self.f.has('s') || self.f.has('l') {
                let blocks: u64 = sub.as_deref().unwrap_or(&[]).iter().map(|d| blocks_512(&d.st)).sum::<u64>();
                let total = (blocks + 1) >> 1;
                if self.f.has('h') {
                    self.out.push_str(&format!("total {:<7}\n", human(total * 1024, 0)));
                } else {
                    self.out.push_str(&format!("total {total}\n"));
                }
            }
            let Some(mut sub) = sub else { continue };
            if sub.is_empty() {
                continue;
            }
            self.sort(&mut sub);
            self.display_files(ctx, &sub);
            if self.f.has('R') {
                let mut subdirs: Vec<Dn> =
                    sub.into_iter().filter(|d| d.st.ftype == FileType::Dir && d.name != "." && d.name != "..").collect();
                if !subdirs.is_empty() {
                    self.sort(&mut subdirs);
                    self.scan_and_display_dirs(ctx, &subdirs, false);
                }
            }
        }
    }
}

/// glibc/musl `strverscmp` for `-v`: digit runs compare by value.
fn verscmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let na = std::str::from_utf8(&a[si..i]).unwrap_or("0").trim_start_matches('0');
            let nb = std::str::from_utf8(&b[sj..j]).unwrap_or("0").trim_start_matches('0');
            let ord = na.len().cmp(&nb.len()).then(na.cmp(nb));
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes_like_busybox() {
        assert_eq!(human(0, 1), "0");
        assert_eq!(human(512, 1), "512");
        assert_eq!(human(1536, 1), "1.5K");
        assert_eq!(human(824_984, 1), "805.6K");
        assert_eq!(human(827_392, 0), "808K");
    }

    #[test]
    fn mode_strings() {
        assert_eq!(mode_string(FileType::Dir, 0o1777), "drwxrwxrwt");
        assert_eq!(mode_string(FileType::File, 0o4755), "-rwsr-xr-x");
        assert_eq!(mode_string(FileType::File, 0o2644), "-rw-r-Sr--");
    }
}
