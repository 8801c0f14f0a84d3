//! The Mac's own utilities: the BSD tools of macOS 12 (Monterey), as Apple publishes their
//! sources (apple-oss-distributions: file_cmds-353.100.22 `ls`, adv_cmds-199 `ps`,
//! network_cmds-641 `ifconfig`, shell_cmds-240.100.15 `uname` and `hostname`), plus `sw_vers`
//! and Rancher Desktop's `rdctl`. They are installed under the program names `ls-bsd`,
//! `ps-bsd`, ... so a Mac's `/bin/ls` runs them while a Linux host keeps GNU's.

pub mod hostname;
pub mod ifconfig;
pub mod ls;
pub mod ps;
pub mod rdctl;
pub mod sw_vers;
pub mod uname;

use super::Ctx;
use crate::clock::{self, Tm};
use crate::kernel::{Kernel, Pid};

/// The Mac's offset from UTC, from where `/etc/localtime` points (macOS keeps it a symlink
/// into /var/db/timezone/zoneinfo). Zones the profiles use; anything else is UTC.
pub fn tz_offset(k: &Kernel, pid: Pid) -> i64 {
    let target = k.resolve(pid, "/etc/localtime", true).map(|r| r.path).unwrap_or_default();
    let zone = target.rsplit("zoneinfo/").next().unwrap_or("");
    match zone {
        "Asia/Tokyo" => 9 * 3600,
        "America/Los_Angeles" => -7 * 3600,
        _ => 0,
    }
}

/// Broken-down local time of the Mac for a Unix time.
pub fn local_tm(ctx: &Ctx, t: i64) -> Tm {
    clock::tm(t + tz_offset(ctx.k, ctx.pid))
}

/// FreeBSD libutil's `humanize_number(buf, len, n, "", HN_AUTOSCALE, HN_B | HN_NOSPACE |
/// HN_DECIMAL)` with a buffer of `len` bytes (ls -h passes 5): `38B`, `4.0K`, `12K`, `1.5M`.
pub fn humanize_number(n: i64, len: usize) -> String {
    const PREFIXES: [&str; 7] = ["B", "K", "M", "G", "T", "P", "E"];
    let divisor: i64 = 1024;
    let divisordeccut: i64 = 973; // ceil(.95 * 1024)
    let (sign, mut quotient) = if n < 0 { (-1, n.saturating_neg()) } else { (1, n) };
    // digit + prefix (+ sign), and room for the NUL.
    let baselen = if sign < 0 { 3 } else { 2 };
    let mut max: i64 = 1;
    for _ in 0..len.saturating_sub(baselen) {
        max = max.saturating_mul(10);
    }
    let mut remainder = 0;
    let mut i = 0;
    while (quotient >= max || (quotient == max - 1 && remainder >= divisordeccut)) && i < PREFIXES.len() - 1 {
        remainder = quotient % divisor;
        quotient /= divisor;
        i += 1;
    }
    if ((quotient == 9 && remainder < divisordeccut) || quotient < 9) && i > 0 {
        let s1 = quotient + ((remainder * 10 + divisor / 2) / divisor / 10);
        let s2 = ((remainder * 10 + divisor / 2) / divisor) % 10;
        format!("{}.{}{}", sign * s1, s2, PREFIXES[i])
    } else {
        format!("{}{}", sign * (quotient + (remainder + divisor / 2) / divisor), PREFIXES[i])
    }
}

/// BSD getopt over short options (`with_arg` take a value): flags in order, values, and the
/// operands after the first non-option. `Err(c)` for an unknown option.
/// Flags, option values and operands.
pub type BsdOpts = (Vec<char>, Vec<(char, String)>, Vec<String>);

pub fn bsd_getopt(args: &[String], short: &str, with_arg: &str) -> Result<BsdOpts, char> {
    let mut flags = Vec::new();
    let mut values = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            i += 1;
            break;
        }
        if !a.starts_with('-') || a.len() < 2 {
            break;
        }
        let chars: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < chars.len() {
            let c = chars[j];
            if with_arg.contains(c) {
                let rest: String = chars[j + 1..].iter().collect();
                let v = if !rest.is_empty() {
                    rest
                } else {
                    i += 1;
                    args.get(i).cloned().ok_or(c)?
                };
                values.push((c, v));
                break;
            }
            if !short.contains(c) {
                return Err(c);
            }
            flags.push(c);
            j += 1;
        }
        i += 1;
    }
    Ok((flags, values, args[i.min(args.len())..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humanize_like_bsd_ls() {
        assert_eq!(humanize_number(38, 5), "38B");
        assert_eq!(humanize_number(0, 5), "0B");
        assert_eq!(humanize_number(999, 5), "999B");
        assert_eq!(humanize_number(1000, 5), "1.0K");
        assert_eq!(humanize_number(4096, 5), "4.0K");
        assert_eq!(humanize_number(12_288, 5), "12K");
        assert_eq!(humanize_number(1_572_864, 5), "1.5M");
        assert_eq!(humanize_number(52_946_104, 5), "50M");
    }

    #[test]
    fn getopt_stops_at_operands() {
        let a: Vec<String> = ["-alht", "/var/run/docker.sock", "-x"].iter().map(|s| s.to_string()).collect();
        let (f, _, ops) = bsd_getopt(&a, "alht", "").expect("valid");
        assert_eq!(f, ['a', 'l', 'h', 't']);
        assert_eq!(ops, ["/var/run/docker.sock", "-x"]);
        assert_eq!(bsd_getopt(&a[..1], "al", ""), Err('h'));
    }
}
