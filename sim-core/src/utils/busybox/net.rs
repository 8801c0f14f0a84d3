//! busybox `ifconfig` (networking/interface.c): the net-tools 1.x block format
//! (`Link encap:Ethernet  HWaddr 02:42:AC:11:00:02`, `inet addr:`), interfaces sorted by
//! name, statistics only when `/proc/net/dev` can be read. Changing an interface needs
//! CAP_NET_ADMIN, which a container's root does not have.

use crate::sort::SortSlice;
use super::getopt::getopt;
use super::{error, Ctx, Outcome};
use crate::kernel::net::{fmt_ip, link_local, mask, Link, LinkKind, NetNs};

/// `print_bytes_scaled`: 1024-based units, the tenth taken from the last division.
fn scaled(bytes: u64) -> String {
    let exts = ["", "Ki", "Mi", "Gi", "Ti"];
    let mut int = bytes;
    let mut frac = 0;
    let mut i = 0;
    for _ in 0..4 {
        if int >= 1024 {
            frac = ((int & 1023) * 10) / 1024;
            int /= 1024;
            i += 1;
        }
    }
    format!("{int}.{frac} {}B", exts[i])
}

/// Whether the link shows the IPv6 addresses `ip` and the kernel give it.
pub fn ipv6_lines(l: &Link) -> Vec<(String, u8, &'static str)> {
    let mut v = Vec::new();
    if l.up && !l.ipv6_disabled {
        if l.kind == LinkKind::Loopback {
            v.push(("::1".to_string(), 128, "Host"));
        } else if l.ipv6_ll && l.carrier {
            v.push((link_local(l.mac), 64, "Link"));
        }
    }
    v
}

fn render(l: &Link, stats: bool) -> String {
    let mut s = if l.kind == LinkKind::Loopback {
        format!("{:<9} Link encap:Local Loopback  \n", l.name)
    } else {
        let mac: Vec<String> = l.mac.iter().map(|b| format!("{b:02X}")).collect();
        format!("{:<9} Link encap:Ethernet  HWaddr {}  \n", l.name, mac.join(":"))
    };
    if let Some(a) = l.addrs.first() {
        let m = mask(a.prefix).to_be_bytes();
        if l.kind == LinkKind::Loopback {
            s.push_str(&format!("          inet addr:{}  Mask:{}\n", fmt_ip(a.addr), fmt_ip(m)));
        } else {
            let b = a.brd.unwrap_or([0, 0, 0, 0]);
            s.push_str(&format!("          inet addr:{}  Bcast:{}  Mask:{}\n", fmt_ip(a.addr), fmt_ip(b), fmt_ip(m)));
        }
    }
    if stats {
        for (addr, plen, scope) in ipv6_lines(l) {
            s.push_str(&format!("          inet6 addr: {addr}/{plen} Scope:{scope}\n"));
        }
    }
    let mut flags: Vec<&str> = Vec::new();
    if l.up {
        flags.push("UP");
    }
    if l.kind != LinkKind::Loopback {
        flags.push("BROADCAST");
    } else {
        flags.push("LOOPBACK");
    }
    if l.up && l.carrier {
        flags.push("RUNNING");
    }
    if l.kind != LinkKind::Loopback {
        flags.push("MULTICAST");
    }
    s.push_str("          ");
    for f in &flags {
        s.push_str(f);
        s.push(' ');
    }
    s.push_str(&format!(" MTU:{}  Metric:1\n", l.mtu));
    if stats {
        let c = &l.counters;
        s.push_str(&format!("          RX packets:{} errors:0 dropped:0 overruns:0 frame:0\n", c.rx_packets));
        s.push_str(&format!("          TX packets:{} errors:0 dropped:0 overruns:0 carrier:0\n", c.tx_packets));
        s.push_str(&format!("          collisions:0 txqueuelen:{} \n", l.txqueuelen));
        s.push_str(&format!("          RX bytes:{} ({})  TX bytes:{} ({})\n", c.rx_bytes, scaled(c.rx_bytes), c.tx_bytes, scaled(c.tx_bytes)));
    }
    s.push('\n');
    s
}

/// The caller's network namespace.
pub fn netns_of<'a>(ctx: &'a Ctx) -> Option<&'a NetNs> {
    let ns = ctx.k.net_of(ctx.pid).ok()?;
    ctx.k.net_ns.get(&ns)
}

pub fn ifconfig(ctx: &mut Ctx) -> Outcome {
    let o = match getopt(ctx, "+a", &[]) {
        Ok(o) => o,
        Err(out) => return out,
    };
    // The simulated procfs has no /proc/net/dev file: its presence is that of procfs.
    let stats = super::ps::proc_ns(ctx.k, ctx.pid).is_some();
    if !stats {
        error(ctx, "/proc/net/dev: No such file or directory");
    }
    let Some(netns) = netns_of(ctx) else { return Outcome::Exit(1) };
    let mut links: Vec<Link> = netns.links.values().cloned().collect();
    if o.operands.is_empty() {
        links.sort_stable_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        let mut out = String::new();
        for l in &links {
            // Without /proc/net/dev, SIOCGIFCONF lists only interfaces with an address.
            if (!o.has('a') && !l.up) || (!stats && l.addrs.is_empty()) {
                continue;
            }
            out.push_str(&render(l, stats));
        }
        ctx.out(&out);
        return Outcome::Exit(0);
    }
    let name = &o.operands[0];
    let Some(l) = links.iter().find(|l| &l.name == name) else {
        error(ctx, &format!("{name}: error fetching interface information: Device not found"));
        return Outcome::Exit(1);
    };
    if o.operands.len() == 1 {
        let s = render(l, stats);
        ctx.out(&s);
        return Outcome::Exit(0);
    }
    // Any change is refused: a container's root lacks CAP_NET_ADMIN.
    let what = &o.operands[1];
    if matches!(what.as_str(), "up" | "down" | "arp" | "-arp" | "promisc" | "-promisc" | "allmulti" | "-allmulti" | "multicast" | "-multicast") {
        error(ctx, "ioctl 0x8914 failed: Operation not permitted");
    } else if what == "mtu" {
        error(ctx, "SIOCSIFMTU: Operation not permitted");
    } else {
        error(ctx, "SIOCSIFADDR: Operation not permitted");
    }
    Outcome::Exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_scaling() {
        assert_eq!(scaled(0), "0.0 B");
        assert_eq!(scaled(310), "310.0 B");
        assert_eq!(scaled(1536), "1.5 KiB");
    }
}
