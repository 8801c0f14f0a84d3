//! GNU coreutils' `stat` on the host: the default block as coreutils 9.1 prints it (statx:
//! `Device: MAJ,MIN`, a `Birth:` line) and `-c FORMAT`, whose directives busybox's `stat`
//! shares. The simulation keeps one time per file, at whole seconds.

use super::busybox::stat::{expand, time_str};
use super::fileutils::{opts, usage_error};
use super::{Ctx, Outcome};
use crate::kernel::vfs::FileType;

pub fn stat(ctx: &mut Ctx) -> Outcome {
    let o = match opts(ctx, "LtfZ", "c", &["dereference", "terse", "file-system", "help", "version"], &["format", "printf"]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    if o.operands.is_empty() {
        return usage_error(ctx, "missing operand");
    }
    let follow = o.has("L") || o.has("dereference");
    let format = o.value("c").or(o.value("format")).map(|f| format!("{f}\n")).or(o.value("printf").map(str::to_string));
    let mut code = 0;
    for f in &o.operands {
        let r = ctx.k.resolve(ctx.pid, f, follow).and_then(|r| ctx.k.stat_loc(&r.loc).map(|s| (r, s)).ok_or(crate::kernel::Errno::ENOENT));
        let (r, st) = match r {
            Ok(v) => v,
            Err(e) => {
                super::fileutils::fail(ctx, &format!("cannot statx '{f}'"), e);
                code = 1;
                continue;
            }
        };
        let target = if st.ftype == FileType::Symlink { ctx.k.readlink_loc(ctx.pid, &r.loc) } else { None };
        let text = match &format {
            Some(fmt) => expand(ctx, fmt, f, &st, &target),
            None => {
                let name = match &target {
                    Some(t) => format!("{f} -> {t}"),
                    None => f.clone(),
                };
                // new_decode_dev
                let (major, minor) = ((st.dev & 0xfff00) >> 8, (st.dev & 0xff) | ((st.dev >> 12) & 0xfff00));
                let dev_line = if matches!(st.ftype, FileType::CharDev | FileType::BlockDev) { "%-5h Device type: %t,%T" } else { "%h" };
                let fmt = format!("  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: {major},{minor}\tInode: %-10i  Links: {dev_line}\nAccess: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n");
                format!("  File: {name}\n{} Birth: {}\n", expand(ctx, &fmt, f, &st, &target), time_str(st.mtime))
            }
        };
        ctx.out(&text);
    }
    Outcome::Exit(code)
}
