//! busybox `stat` (the default block, `-c FORMAT`, `-t`) and `du` (1K blocks, `-h` with
//! one decimal). The simulation keeps one time per file: access, modify and change are
//! all the modification time, at whole seconds.

use super::getopt::getopt;
use super::ls::{blocks_512, human, mode_string};
use super::sysinfo::strftime;
use super::{concat_path, error, perror, show_usage, Ctx, Outcome};
use crate::kernel::vfs::{FileType, Stat};
use crate::utils::users;

fn type_name(t: FileType, size: u64) -> &'static str {
    match t {
        FileType::File if size == 0 => "regular empty file",
        FileType::File => "regular file",
        FileType::Dir => "directory",
        FileType::Symlink => "symbolic link",
        FileType::CharDev => "character special file",
        FileType::BlockDev => "block special file",
        FileType::Fifo => "fifo",
        FileType::Socket => "socket",
    }
}

fn raw_mode(st: &Stat) -> u32 {
    let t = match st.ftype {
        FileType::Fifo => 0o010000,
        FileType::CharDev => 0o020000,
        FileType::Dir => 0o040000,
        FileType::BlockDev => 0o060000,
        FileType::File => 0o100000,
        FileType::Symlink => 0o120000,
        FileType::Socket => 0o140000,
    };
    t | st.perm
}

pub(crate) fn time_str(t: i64) -> String {
    format!("{}.000000000 +0000", strftime("%Y-%m-%d %H:%M:%S", t))
}

/// One `%` directive of `stat -c`.
fn directive(ctx: &Ctx, c: char, name: &str, st: &Stat, target: &Option<String>) -> Option<String> {
    let user = || users::name_of_uid(ctx.k, ctx.pid, st.uid).unwrap_or_else(|| "UNKNOWN".into());
    let group = || users::name_of_gid(ctx.k, ctx.pid, st.gid).unwrap_or_else(|| "UNKNOWN".into());
    Some(match c {
        'n' => name.to_string(),
        'N' => match target {
            Some(t) => format!("'{name}' -> '{t}'"),
            None => name.to_string(),
        },
        's' => st.size.to_string(),
        'b' => blocks_512(st).to_string(),
        'B' => "512".into(),
        'o' => "4096".into(),
        'a' => format!("{:o}", st.perm),
        'A' => mode_string(st.ftype, st.perm),
        'f' => format!("{:x}", raw_mode(st)),
        'F' => type_name(st.ftype, st.size).into(),
        'u' => st.uid.to_string(),
        'U' => user(),
        'g' => st.gid.to_string(),
        'G' => group(),
        'h' => st.nlink.to_string(),
        'i' => st.ino.to_string(),
        'd' => st.dev.to_string(),
        'D' => format!("{:x}", st.dev),
        't' => format!("{:x}", st.rdev.0),
        'T' => format!("{:x}", st.rdev.1),
        'x' | 'y' | 'z' => time_str(st.mtime),
        'X' | 'Y' | 'Z' => st.mtime.to_string(),
        _ => return None,
    })
}

/// Expands a format with printf-style widths (`%-10s`, `%04a`, `%10.10A`).
pub(crate) fn expand(ctx: &Ctx, fmt: &str, name: &str, st: &Stat, target: &Option<String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            match chars[i + 1] {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                '\\' => out.push('\\'),
                o => {
                    out.push('\\');
                    out.push(o);
                }
            }
            i += 2;
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut spec = String::new();
        while i < chars.len() && (chars[i] == '-' || chars[i] == '.' || chars[i].is_ascii_digit()) {
            spec.push(chars[i]);
            i += 1;
        }
        let Some(&d) = chars.get(i) else {
            out.extend(&chars[start..]);
            break;
        };
        i += 1;
        if d == '%' {
            out.push('%');
            continue;
        }
        match directive(ctx, d, name, st, target) {
            Some(v) => out.push_str(&pad(&v, &spec)),
            None => {
                out.push('?');
            }
        }
    }
    out
}

fn pad(v: &str, spec: &str) -> String {
    let left = spec.starts_with('-');
    let spec = spec.trim_start_matches('-');
    let zero = spec.starts_with('0');
    let (w, prec) = match spec.split_once('.') {
        Some((w, p)) => (w.parse::<usize>().unwrap_or(0), p.parse::<usize>().ok()),
        None => (spec.parse::<usize>().unwrap_or(0), None),
    };
    let v: String = match prec {
        Some(p) => v.chars().take(p).collect(),
        None => v.to_string(),
    };
    let n = v.chars().count();
    if n >= w {
        return v;
    }
    if left {
        format!("{v}{}", " ".repeat(w - n))
    } else if zero {
        format!("{}{v}", "0".repeat(w - n))
    } else {
        format!("{}{v}", " ".repeat(w - n))
    }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "c:fLt", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return show_usage(ctx);
    }
    let mut st_code = 0;
    let mut out = String::new();
    for f in &o.operands {
        let follow = o.has('L');
        let r = ctx.k.resolve(ctx.pid, f, follow);
        let Some((r, st)) = r.ok().and_then(|r| ctx.k.stat_loc(&r.loc).map(|s| (r, s))) else {
            ctx.out(&out);
            out.clear();
            let e = ctx.k.resolve(ctx.pid, f, follow).err().unwrap_or(crate::kernel::Errno::ENOENT);
            perror(ctx, &format!("can't stat '{f}'"), e);
            st_code = 1;
            continue;
        };
        let target = if st.ftype == FileType::Symlink { ctx.k.readlink_loc(ctx.pid, &r.loc) } else { None };
        let fmt = if let Some(c) = o.value('c') {
            c.to_string()
        } else if o.has('t') {
            "%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o".into()
        } else {
            let mut s = String::from("  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Dh/%dd\tInode: %-10i  Links: ");
            if matches!(st.ftype, FileType::CharDev | FileType::BlockDev) {
                s.push_str("%-5h Device type: %t,%T\n");
            } else {
                s.push_str("%h\n");
            }
            s.push_str("Access: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z");
            s
        };
        out.push_str(&expand(ctx, &fmt, f, &st, &target));
        out.push('\n');
    }
    ctx.out(&out);
    Outcome::Exit(st_code)
}

struct Du {
    /// (device, inode) of files with several links, counted once.
    seen: Vec<(u64, u64)>,
    all: bool,
    max_depth: usize,
    unit: u64,
    follow_depth: usize,
    status: i32,
    out: String,
}

impl Du {
    fn print(&mut self, blocks: u64, name: &str) {
        let shown = if self.unit == 0 {
            human(blocks, 512)
        } else {
            let size = blocks + (self.unit - 1) / 1024;
            ((size * 512 + self.unit / 2) / self.unit).to_string()
        };
        self.out.push_str(&format!("{shown}\t{name}\n"));
    }

    fn walk(&mut self, ctx: &mut Ctx, path: &str, depth: usize) -> u64 {
        let follow = self.follow_depth > depth;
        let st = match ctx.k.resolve(ctx.pid, path, follow).ok().and_then(|r| ctx.k.stat_loc(&r.loc)) {
            Some(s) => s,
            None => {
                let out = std::mem::take(&mut self.out);
                ctx.out(&out);
                let e = ctx.k.resolve(ctx.pid, path, follow).err().unwrap_or(crate::kernel::Errno::ENOENT);
                perror(ctx, path, e);
                self.status = 1;
                return 0;
            }
        };
        if st.nlink > 1 && st.ftype != FileType::Dir {
            if self.seen.contains(&(st.dev, st.ino)) {
                return 0;
            }
            self.seen.push((st.dev, st.ino));
        }
        let mut sum = blocks_512(&st);
        if st.ftype == FileType::Dir {
            let entries = ctx.k.resolve(ctx.pid, path, true).and_then(|r| ctx.k.read_dir(ctx.pid, &r.loc));
            match entries {
                Ok(entries) => {
                    for (name, _) in entries {
                        sum += self.walk(ctx, &concat_path(path, &name), depth + 1);
                    }
                }
                Err(e) => {
                    let out = std::mem::take(&mut self.out);
                    ctx.out(&out);
                    perror(ctx, &format!("can't open '{path}'"), e);
                    self.status = 1;
                    return sum;
                }
            }
        } else if !self.all && depth != 0 {
            return sum;
        }
        if depth <= self.max_depth {
            self.print(sum, path);
        }
        sum
    }
}

pub fn du(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "aHkLsxd:lcbhm", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let mut du = Du { seen: Vec::new(), all: o.has('a'), max_depth: usize::MAX, unit: 1024, follow_depth: 0, status: 0, out: String::new() };
    match o.last_of("hkmb") {
        Some('h') => du.unit = 0,
        Some('m') => du.unit = 1 << 20,
        Some('b') => du.unit = 1,
        _ => {}
    }
    if let Some(d) = o.value('d') {
        match d.parse::<usize>() {
            Ok(n) => du.max_depth = n,
            Err(_) => {
                error(ctx, &format!("invalid number '{d}'"));
                return Outcome::Exit(1);
            }
        }
    }
    if o.has('s') {
        du.max_depth = 0;
    }
    if o.has('H') {
        du.follow_depth = 1;
    }
    if o.has('L') {
        du.follow_depth = usize::MAX;
    }
    let paths = if o.operands.is_empty() { vec![".".to_string()] } else { o.operands.clone() };
    let mut total = 0;
    for p in &paths {
        total += du.walk(ctx, p, 0);
    }
    if o.has('c') {
        du.print(total, "total");
    }
    let out = std::mem::take(&mut du.out);
    ctx.out(&out);
    Outcome::Exit(du.status)
}
