//! busybox `top -b -n 1` (1.34.1): the Mem line from /proc/meminfo, the CPU split over the
//! 100 ms busybox waits between its first two samples (nothing in the simulation uses the
//! CPU meanwhile: all idle), /proc/loadavg as it is, and one row per process of the caller's
//! /proc, sorted as busybox sorts (%CPU, then VSZ, then CPU time, each descending).
//! The interactive screen (without `-b`) is not modeled.

use super::getopt::getopt;
use super::ps::{cmdline, proc_ns};
use crate::kernel::procfs::{self, ProcNode};
use crate::kernel::NsId;
use crate::utils::{users, Ctx, Outcome};

pub fn main(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "d:n:bHm", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let iterations = o.value('n').map(|n| n.trim_start_matches('-').parse::<u32>().unwrap_or(0)).unwrap_or(0);
    if !o.has('b') || iterations != 1 || o.has('H') || o.has('m') {
        ctx.err("top: only `top -b -n 1` is simulated in this playground\n");
        return Outcome::Exit(1);
    }
    let Some(ns) = proc_ns(ctx.k, ctx.pid) else {
        ctx.err("top: can't open '/proc/meminfo': No such file or directory\n");
        return Outcome::Exit(1);
    };
    let info = |ctx: &Ctx, name: &'static str| String::from_utf8_lossy(&procfs::read(ctx.k, NsId(0), ctx.pid, &ProcNode::Info(name)).unwrap_or_default()).into_owned();
    let meminfo = info(ctx, "meminfo");
    let mem = |key: &str| -> u64 {
        meminfo.lines().find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':'))).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    let total = mem("MemTotal").max(1);
    let free = mem("MemFree");
    let mut out = format!(
        "Mem: {}K used, {}K free, {}K shrd, {}K buff, {}K cached\n",
        total.saturating_sub(free),
        free,
        mem("MemShared") + mem("Shmem"),
        mem("Buffers"),
        mem("Cached")
    );
    out.push_str(&format!("CPU:{:4}% usr{:4}% sys{:4}% nic{:4}% idle{:4}% io{:4}% irq{:4}% sirq\n", 0, 0, 0, 100, 0, 0, 0));
    let load = info(ctx, "loadavg");
    out.push_str(&format!("Load average: {}\n", load.lines().next().unwrap_or("")));
    out.push_str("  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND");
    // %VSZ with busybox's fixed-point arithmetic.
    let mut pmem_shift: u32 = 32 - 11;
    let mut pmem_scale: u64 = (100u64 << pmem_shift) / total;
    while pmem_scale >= 512 {
        pmem_scale /= 4;
        pmem_shift -= 2;
    }
    let pmem_half: u64 = (1u64 << pmem_shift) / 2;
    let mut rows: Vec<(u64, u64, String)> = Vec::new();
    for (local, global) in ctx.k.visible_pids(ns) {
        let Some(p) = ctx.k.procs.get(&global) else { continue };
        let vsz = if p.kthread { 0 } else { p.vsz_kb };
        let ppid = ctx.k.pid_in(p.ppid, ns).unwrap_or(0);
        let user: String = users::name_of_uid(ctx.k, ctx.pid, p.uid).unwrap_or_else(|| p.uid.to_string()).chars().take(8).collect();
        let mut state = vec![if global == ctx.pid { 'R' } else { p.state.letter() }, ' ', ' '];
        let mut idx = 1;
        if vsz == 0 && state[0] != 'Z' {
            state[1] = 'W';
            idx = 2;
        }
        if p.nice < 0 {
            state[idx] = '<';
        } else if p.nice > 0 {
            state[idx] = 'N';
        }
        let state: String = state.into_iter().collect();
        let pmem = (vsz * pmem_scale + pmem_half) >> pmem_shift;
        let line = format!("\n{local:5}{ppid:6} {user:<8} {state}  {}{pmem:4}%{:4}{:4}% {}", ulltoa5(vsz), 0, 0, cmdline(p));
        rows.push((vsz, p.cpu_ticks, line));
    }
    // %CPU is 0 for all (no time passed between the samples): VSZ, then time, descending.
    crate::sort::SortSlice::sort_stable_by(&mut rows[..], |a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    for (_, _, l) in rows {
        out.push_str(&l);
    }
    // The frame's end, and the newline top prints when it leaves.
    out.push_str("\n\n");
    ctx.out(&out);
    Outcome::Exit(0)
}

/// `smart_ulltoa5`: a value in 5 characters, scaled with a suffix above 99999.
pub fn ulltoa5(ul: u64) -> String {
    let scale = b" mgtpezy";
    let lead = b" 123456789";
    let digits = b"0123456789";
    let mut ul = ul;
    let mut idx = 0usize;
    if ul > 99_999 {
        ul = ul.saturating_mul(10);
        loop {
            ul /= 1024;
            idx += 1;
            if ul < 100_000 {
                break;
            }
        }
    }
    let mut u = ul / 10;
    let mut v = ul % 10;
    let mut buf = [b' '; 5];
    let mut fmt: &[u8] = lead;
    if idx == 0 {
        buf[0] = lead[(u / 1000 % 10) as usize];
        if buf[0] != b' ' {
            fmt = digits;
        }
        buf[1] = fmt[(u / 100 % 10) as usize];
        if buf[1] != b' ' {
            fmt = digits;
        }
        buf[2] = fmt[(u / 10 % 10) as usize];
        if buf[2] != b' ' {
            fmt = digits;
        }
        buf[3] = fmt[(u % 10) as usize];
        buf[4] = digits[v as usize];
    } else {
        if u >= 100 {
            buf[0] = lead[(u / 1000 % 10) as usize];
            if buf[0] != b' ' {
                fmt = digits;
            }
            buf[1] = fmt[(u / 100 % 10) as usize];
            if buf[1] != b' ' {
                fmt = digits;
            }
            v = u % 10;
            u /= 10;
            buf[2] = fmt[(u % 10) as usize];
        } else {
            buf[0] = lead[(u / 10 % 10) as usize];
            if buf[0] != b' ' {
                fmt = digits;
            }
            buf[1] = fmt[(u % 10) as usize];
            buf[2] = b'.';
        }
        buf[3] = digits[v as usize];
        buf[4] = scale.get(idx).copied().unwrap_or(b'?');
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn five_chars() {
        assert_eq!(super::ulltoa5(1600), " 1600");
        assert_eq!(super::ulltoa5(0), "    0");
        assert_eq!(super::ulltoa5(99_999), "99999");
        assert_eq!(super::ulltoa5(711_720), " 695m");
    }
}
