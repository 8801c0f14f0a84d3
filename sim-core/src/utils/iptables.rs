//! iptables (1.8.9, nf_tables) listing a namespace's rules: `-S` prints the specs, `-L -n`
//! the table of targets, protocols, addresses and matches, column for column as the real tool.

use super::{Ctx, Outcome};
use crate::kernel::netfilter::Chain;

pub const VERSION: &str = "v1.8.9 (nf_tables)";

/// What `-L` shows of a rule spec: target, protocol number, source, destination, matches.
struct Listed {
    target: String,
    prot: String,
    src: (bool, String),
    dst: (bool, String),
    extra: Vec<String>,
}

fn addr(a: &str) -> String {
    a.strip_suffix("/32").unwrap_or(a).to_string()
}

fn listed(spec: &str) -> Listed {
    let t: Vec<&str> = spec.split_whitespace().collect();
    let mut l = Listed { target: String::new(), prot: "0".into(), src: (false, "0.0.0.0/0".into()), dst: (false, "0.0.0.0/0".into()), extra: Vec::new() };
    let mut inv = false;
    let mut i = 0;
    let mut dport = None;
    let mut to = None;
    while i < t.len() {
        let next = t.get(i + 1).copied().unwrap_or("");
        match t[i] {
            "!" => {
                inv = true;
                i += 1;
                continue;
            }
            "-s" => l.src = (inv, addr(next)),
            "-d" => l.dst = (inv, addr(next)),
            "-p" => {
                l.prot = match next {
                    "tcp" => "6",
                    "udp" => "17",
                    "icmp" => "1",
                    other => other,
                }
                .to_string()
            }
            "--dst-type" => l.extra.push(format!("ADDRTYPE match dst-type {next}")),
            "--dport" => dport = Some(next.to_string()),
            "--ctstate" => l.extra.push(format!("ctstate {next}")),
            "-j" => l.target = next.to_string(),
            "--to-destination" => to = Some(next.to_string()),
            "-i" | "-o" | "-m" => {}
            _ => {
                i += 1;
                continue;
            }
        }
        inv = false;
        i += 2;
    }
    if let Some(p) = dport {
        let proto = if l.prot == "17" { "udp" } else { "tcp" };
        l.extra.push(format!("{proto} dpt:{p}"));
    }
    if let Some(t) = to {
        l.extra.push(format!("to:{t}"));
    }
    l
}

fn list_chain(out: &mut String, c: &Chain, refs: usize) {
    match &c.policy {
        Some(p) => out.push_str(&format!("Chain {} (policy {p})\n", c.name)),
        None => out.push_str(&format!("Chain {} ({refs} references)\n", c.name)),
    }
    out.push_str("target     prot opt source               destination         \n");
    for r in &c.rules {
        let l = listed(r);
        let inv = |b: bool| if b { '!' } else { ' ' };
        let mut line = format!("{:<9}  {:<5}{:<3}{}{:<20}{}{:<20}", l.target, l.prot, "--", inv(l.src.0), l.src.1, inv(l.dst.0), l.dst.1);
        if !l.extra.is_empty() {
            line.push(' ');
            line.push_str(&l.extra.join(" "));
        }
        out.push_str(&line);
        out.push('\n');
    }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    if args.iter().any(|a| a == "--version" || a == "-V") {
        ctx.out(&format!("iptables {VERSION}\n"));
        return Outcome::Exit(0);
    }
    if ctx.uid() != 0 {
        ctx.err(&format!("iptables {VERSION}: Could not fetch rule set generation id: Permission denied (you must be root)\n\n"));
        return Outcome::Exit(4);
    }
    let mut table = "filter".to_string();
    let mut mode = None;
    let mut chain: Option<String> = None;
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-t" | "--table" => table = it.next().cloned().unwrap_or_default(),
            "-n" | "--numeric" => {}
            "-L" | "--list" | "-S" | "--list-rules" => {
                mode = Some(if a.starts_with("-L") || a == "--list" { 'L' } else { 'S' });
                if let Some(c) = it.peek().filter(|c| !c.starts_with('-')) {
                    chain = Some(c.to_string());
                    it.next();
                }
            }
            "-nL" | "-Ln" => mode = Some('L'),
            other => {
                ctx.err(&format!("iptables {VERSION}: unknown option \"{other}\"\nTry `iptables -h' or 'iptables --help' for more information.\n"));
                return Outcome::Exit(2);
            }
        }
    }
    let Ok(ns) = ctx.k.net_of(ctx.pid) else { return Outcome::Exit(1) };
    let Some(nf) = ctx.k.net_ns.get(&ns).map(|n| n.netfilter.clone()) else { return Outcome::Exit(1) };
    let Some(chains) = nf.tables.get(&table) else {
        ctx.err(&format!("iptables {VERSION}: table '{table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n"));
        return Outcome::Exit(3);
    };
    let chosen: Vec<&Chain> = chains.iter().filter(|c| chain.as_ref().is_none_or(|w| *w == c.name)).collect();
    if chosen.is_empty() {
        ctx.err("iptables: No chain/target/match by that name.\n");
        return Outcome::Exit(1);
    }
    let mut out = String::new();
    match mode {
        Some('S') => {
            for c in &chosen {
                match &c.policy {
                    Some(p) => out.push_str(&format!("-P {} {p}\n", c.name)),
                    None => out.push_str(&format!("-N {}\n", c.name)),
                }
            }
            for c in &chosen {
                for r in &c.rules {
                    out.push_str(&format!("-A {} {r}\n", c.name));
                }
            }
        }
        _ => {
            for (i, c) in chosen.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                list_chain(&mut out, c, nf.references(&table, &c.name));
            }
        }
    }
    ctx.out(&out);
    Outcome::Exit(0)
}
