//! net-tools `ifconfig`: the interfaces of the caller's network namespace.

use crate::sort::SortSlice;
use super::{Ctx, Outcome};
use crate::kernel::net::{fmt_ip, fmt_mac, link_local, mask, Link, LinkKind};

/// net-tools' `print_bytes_scaled`: 1024-based units, one truncated decimal.
fn scaled(bytes: u64) -> String {
    const EXT: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut i = 0;
    let mut div = 1u64;
    while i < EXT.len() - 1 && bytes / div >= 1024 {
        div *= 1024;
        i += 1;
    }
    let int = bytes / div;
    let frac = (bytes % div) * 10 / div;
    format!("{int}.{frac} {}", EXT[i])
}

fn flags(l: &Link) -> (u32, String) {
    let mut v = 0;
    let mut names = Vec::new();
    if l.up {
        v |= 1;
        names.push("UP");
    }
    if l.kind != LinkKind::Loopback {
        v |= 2;
        names.push("BROADCAST");
    } else {
        v |= 8;
        names.push("LOOPBACK");
    }
    if l.up && l.carrier {
        v |= 64;
        names.push("RUNNING");
    }
    if l.kind != LinkKind::Loopback {
        v |= 4096;
        names.push("MULTICAST");
    }
    (v, names.join(","))
}

pub fn render(l: &Link) -> String {
    let (fv, fnames) = flags(l);
    let mut s = format!("{}: flags={}<{}>  mtu {}\n", l.name, fv, fnames, l.mtu);
    for a in &l.addrs {
        let m = mask(a.prefix).to_be_bytes();
        if l.kind == LinkKind::Loopback {
            s.push_str(&format!("        inet {}  netmask {}\n", fmt_ip(a.addr), fmt_ip(m)));
        } else {
            let b = a.brd.unwrap_or([0, 0, 0, 0]);
            s.push_str(&format!("        inet {}  netmask {}  broadcast {}\n", fmt_ip(a.addr), fmt_ip(m), fmt_ip(b)));
        }
    }
    if l.up && !l.ipv6_disabled {
        if l.kind == LinkKind::Loopback {
            s.push_str("        inet6 ::1  prefixlen 128  scopeid 0x10<host>\n");
        } else if l.ipv6_ll && l.carrier {
            s.push_str(&format!("        inet6 {}  prefixlen 64  scopeid 0x20<link>\n", link_local(l.mac)));
        }
    }
    if l.kind == LinkKind::Loopback {
        s.push_str(&format!("        loop  txqueuelen {}  (Local Loopback)\n", l.txqueuelen));
    } else {
        s.push_str(&format!("        ether {}  txqueuelen {}  (Ethernet)\n", fmt_mac(l.mac), l.txqueuelen));
    }
    let c = &l.counters;
    s.push_str(&format!("        RX packets {}  bytes {} ({})\n", c.rx_packets, c.rx_bytes, scaled(c.rx_bytes)));
    s.push_str("        RX errors 0  dropped 0  overruns 0  frame 0\n");
    s.push_str(&format!("        TX packets {}  bytes {} ({})\n", c.tx_packets, c.tx_bytes, scaled(c.tx_bytes)));
    s.push_str("        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0\n\n");
    s
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].to_vec();
    let Ok(ns) = ctx.k.net_of(ctx.pid) else { return Outcome::Exit(1) };
    let Some(netns) = ctx.k.net_ns.get(&ns) else { return Outcome::Exit(1) };
    let mut all = false;
    let mut names: Vec<String> = Vec::new();
    for a in &args {
        match a.as_str() {
            "-a" => all = true,
            "--help" | "-h" => {
                ctx.err("Usage:\n  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]\n");
                return Outcome::Exit(0);
            }
            o if o.starts_with('-') => {
                ctx.err(&format!("ifconfig: option `{o}' not recognised.\nifconfig: `--help' gives usage information.\n"));
                return Outcome::Exit(1);
            }
            n => names.push(n.to_string()),
        }
    }
    let mut links: Vec<&Link> = netns.links.values().collect();
    links.sort_stable_by(|a, b| a.name.cmp(&b.name));
    if let Some(name) = names.first() {
        if names.len() > 1 {
            // Configuring an interface needs privileges and is not modeled yet.
            match netns.by_name(name) {
                None => {
                    ctx.err(&format!("{name}: ERROR while getting interface flags: No such device\n"));
                    return Outcome::Exit(255);
                }
                Some(_) => {
                    ctx.err("SIOCSIFFLAGS: Operation not permitted\n");
                    return Outcome::Exit(255);
                }
            }
        }
        match netns.by_name(name) {
            Some(l) => {
                let s = render(l);
                ctx.out(&s);
                return Outcome::Exit(0);
            }
            None => {
                ctx.err(&format!("{name}: error fetching interface information: Device not found\n"));
                return Outcome::Exit(1);
            }
        }
    }
    let mut out = String::new();
    for l in links {
        if all || l.up {
            out.push_str(&render(l));
        }
    }
    ctx.out(&out);
    Outcome::Exit(0)
}

#[cfg(test)]
mod tests {
    use super::scaled;
    #[test]
    fn bytes() {
        assert_eq!(scaled(774), "774.0 B");
        assert_eq!(scaled(5_720_568), "5.4 MiB");
    }
}
