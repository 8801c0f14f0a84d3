//! `alias` and `unalias`: bash's, busybox ash's and zsh's listings and messages. The
//! parser expands them (`parse::parse_with`), in interactive bash and always in ash.

use super::{Flavor, Shell};
use crate::utils::Io;

/// A value in single quotes as bash's `alias` prints it.
fn bash_quote(v: &str) -> String {
    format!("'{}'", v.replace('\'', "'\\''"))
}

/// `alias [NAME[=VALUE]...]`: defines, or lists in the shell's format (bash sorted; ash in
/// its hash table's order, `busybox::ash::alias_order`; zsh sorted, quoted only if needed).
pub fn alias(sh: &mut Shell, args: &[String], io: &mut Io) -> i32 {
    let ash = sh.flavor == Flavor::Ash;
    let flavor = sh.flavor;
    let zsh = flavor == Flavor::Zsh;
    let show = |n: &str, v: &str| match flavor {
        Flavor::Ash => format!("{n}={}\n", crate::utils::busybox::ash::single_quote(v)),
        Flavor::Zsh => format!("{n}={}\n", super::zsh::quote(v)),
        _ => format!("alias {n}={}\n", bash_quote(v)),
    };
    let args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p" || ash).collect();
    if args.is_empty() {
        let listed: Vec<(String, String)> = if ash { crate::utils::busybox::ash::alias_order(&sh.aliases) } else {
            let mut v = sh.aliases.clone();
            crate::sort::SortSlice::sort_stable_by(&mut v[..], |a, b| a.0.cmp(&b.0));
            v
        };
        for (n, v) in listed {
            io.write_out(&show(&n, &v));
        }
        return 0;
    }
    let mut st = 0;
    for a in args {
        match a.split_once('=') {
            Some((n, v)) if !n.is_empty() => match sh.aliases.iter_mut().find(|(x, _)| x == n) {
                Some(e) => e.1 = v.to_string(),
                None => sh.aliases.push((n.to_string(), v.to_string())),
            },
            _ => match sh.aliases.iter().find(|(n, _)| n == a) {
                Some((n, v)) => io.write_out(&show(n, v)),
                None if zsh => st = 1,
                None => {
                    if ash {
                        io.write_err(&format!("alias: {a} not found\n"));
                    } else {
                        io.write_err(&format!("{}: alias: {a}: not found\n", sh.err_name()));
                    }
                    st = 1;
                }
            },
        }
    }
    st
}

/// `unalias [-a] NAME...`
pub fn unalias(sh: &mut Shell, args: &[String], io: &mut Io) -> i32 {
    let ash = sh.flavor == Flavor::Ash;
    if args.first().map(|a| a == "-a").unwrap_or(false) {
        sh.aliases.clear();
        return 0;
    }
    if args.is_empty() {
        if ash {
            return 0;
        }
        io.write_err("unalias: usage: unalias [-a] name [name ...]\n");
        return 2;
    }
    let mut st = 0;
    for a in args {
        if sh.aliases.iter().any(|(n, _)| n == a) {
            sh.aliases.retain(|(n, _)| n != a);
        } else {
            if sh.flavor == Flavor::Zsh {
                io.write_err(&format!("unalias: no such hash table element: {a}\n"));
            } else if ash {
                io.write_err(&format!("unalias: {a} not found\n"));
            } else {
                io.write_err(&format!("{}: unalias: {a}: not found\n", sh.err_name()));
            }
            st = 1;
        }
    }
    st
}
