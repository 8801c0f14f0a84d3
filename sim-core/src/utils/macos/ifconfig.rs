//! macOS `ifconfig` (network_cmds-641 ifconfig.tproj: ifconfig.c `status`, `printb`,
//! af_inet.c `in_status`, af_inet6.c `in6_status`, af_link.c `link_status`, ifmedia.c).
//! Sourced: `NAME: flags=HEX<BITS> mtu N`, `\toptions=HEX<BITS>`, `\tether xx:..:xx ` (a
//! trailing space), `\tinet A netmask 0xHEX [broadcast B]` (a space before the newline when
//! there is no broadcast), `\tinet6 A prefixlen N [secured] [scopeid 0xI] `,
//! `\tnd6 options=HEX<BITS>`, `\tmedia: autoselect`, `\tstatus: active`; interfaces in index
//! order. Assumed: which flags/options each kind of interface has (typical macOS 12 values),
//! the link-local addresses' interface ids.

use super::super::{Ctx, Outcome};
use crate::kernel::net::{fmt_ip, Link, LinkKind};

const IFFBITS: &[&str] = &["UP", "BROADCAST", "DEBUG", "LOOPBACK", "POINTOPOINT", "SMART", "RUNNING", "NOARP", "PROMISC", "ALLMULTI", "OACTIVE", "SIMPLEX", "LINK0", "LINK1", "LINK2", "MULTICAST"];
const IFCAPBITS: &[&str] = &["RXCSUM", "TXCSUM", "VLAN_MTU", "VLAN_HWTAGGING", "JUMBO_MTU", "TSO4", "TSO6", "LRO", "AV", "TXSTATUS", "CHANNEL_IO", "HW_TIMESTAMP", "SW_TIMESTAMP", "PARTIAL_CSUM", "ZEROINVERT_CSUM"];
const ND6BITS: &[(u32, &str)] = &[(0x1, "PERFORMNUD"), (0x200, "DAD")];

/// `printb`: `name=HEX<BIT,BIT>`.
fn printb(name: &str, v: u32, bits: &[&str]) -> String {
    let set: Vec<&str> = bits.iter().enumerate().filter(|(i, _)| v & (1 << i) != 0).map(|(_, b)| *b).collect();
    format!("{name}={v:x}<{}>", set.join(","))
}

/// What macOS shows for a kind of interface: (IFF flags when up, capabilities, media shown).
fn kind_of(l: &Link, apple_silicon: bool) -> (u32, u32, bool) {
    let name = l.name.as_str();
    if name.starts_with("lo") {
        (0x8049, 0x1203, false)
    } else if name.starts_with("gif") {
        (0x8010, 0, false)
    } else if name.starts_with("stf") {
        (0, 0, false)
    } else if name.starts_with("utun") {
        (0x8051, 0, false)
    } else if name.starts_with("awdl") {
        (0x8943, 0x400, true)
    } else if name.starts_with("llw") {
        (0x8863, 0x400, true)
    } else if name.starts_with("bridge") {
        (0x8863, 0x3, true)
    } else {
        // en0: Wi-Fi. Apple silicon's driver offers checksum and TSO offloads.
        let caps = if apple_silicon { 0x6463 } else { 0x400 };
        (0x8863, caps, true)
    }
}

/// A link-local address: fe80::1 on lo0, else an interface id derived from the MAC.
fn link_local(l: &Link) -> String {
    if matches!(l.kind, LinkKind::Loopback) {
        return "fe80::1".into();
    }
    let m = l.mac;
    let mix = |a: u8, b: u8| ((a as u16 ^ 0x5a) << 8) | (b as u16).rotate_left(3);
    format!("fe80::{:x}:{:x}:{:x}:{:x}", mix(m[0], m[5]) | 0x400, mix(m[1], m[4]), mix(m[2], m[3]), mix(m[5], m[0]))
}

fn block(l: &Link, apple_silicon: bool) -> String {
    let (mut flags, caps, media) = kind_of(l, apple_silicon);
    if !l.up {
        flags &= !(0x1 | 0x40);
    }
    let mut s = format!("{}: {} mtu {}\n", l.name, printb("flags", flags, IFFBITS), l.mtu);
    if caps != 0 {
        s.push_str(&format!("\t{}\n", printb("options", caps, IFCAPBITS)));
    }
    let ether = matches!(l.kind, LinkKind::Ether);
    if ether {
        let mac: Vec<String> = l.mac.iter().map(|b| format!("{b:02x}")).collect();
        s.push_str(&format!("\tether {} \n", mac.join(":")));
    }
    let loopback = matches!(l.kind, LinkKind::Loopback);
    let inet = |s: &mut String| {
        for a in &l.addrs {
            let mask = crate::kernel::net::mask(a.prefix);
            match a.brd {
                Some(b) => s.push_str(&format!("\tinet {} netmask 0x{mask:x} broadcast {}\n", fmt_ip(a.addr), fmt_ip(b))),
                None => s.push_str(&format!("\tinet {} netmask 0x{mask:x} \n", fmt_ip(a.addr))),
            }
        }
    };
    if loopback {
        inet(&mut s);
        s.push_str("\tinet6 ::1 prefixlen 128 \n");
    }
    if l.ipv6_ll {
        let secured = if ether { "secured " } else { "" };
        s.push_str(&format!("\tinet6 {}%{} prefixlen 64 {secured}scopeid 0x{:x} \n", link_local(l), l.name, l.ifindex));
    }
    if !loopback {
        inet(&mut s);
    }
    if l.ipv6_ll {
        let nd6: u32 = ND6BITS.iter().map(|(v, _)| v).sum();
        let names: Vec<&str> = ND6BITS.iter().map(|(_, n)| *n).collect();
        s.push_str(&format!("\tnd6 options={nd6:x}<{}>\n", names.join(",")));
    }
    if media {
        s.push_str("\tmedia: autoselect\n");
        s.push_str(&format!("\tstatus: {}\n", if l.up && l.carrier { "active" } else { "inactive" }));
    }
    s
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let Ok(ns) = ctx.k.net_of(ctx.pid) else { return Outcome::Exit(1) };
    let Some(net) = ctx.k.net_ns.get(&ns) else { return Outcome::Exit(1) };
    let links: Vec<Link> = net.links.values().cloned().collect();
    let arm = ctx.k.uname.machine == "arm64";
    let args: Vec<String> = ctx.argv[1..].to_vec();
    match args.first().map(String::as_str) {
        None | Some("-a") => {
            let text: String = links.iter().map(|l| block(l, arm)).collect();
            ctx.out(&text);
            Outcome::Exit(0)
        }
        Some("-l") => {
            let names: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
            ctx.out(&format!("{}\n", names.join(" ")));
            Outcome::Exit(0)
        }
        Some(name) if !name.starts_with('-') => match links.iter().find(|l| l.name == name) {
            Some(l) => {
                let text = block(l, arm);
                ctx.out(&text);
                Outcome::Exit(0)
            }
            None => {
                ctx.err(&format!("ifconfig: interface {name} does not exist\n"));
                Outcome::Exit(1)
            }
        },
        Some(o) => {
            let c = o.trim_start_matches('-').chars().next().unwrap_or('-');
            ctx.err(&format!("ifconfig: illegal option -- {c}\n"));
            ctx.err("usage: ifconfig [-C] [-L] interface address_family [address [dest_address]]\n                [parameters]\n       ifconfig [-a|-l|-u|-d] [-C] [-L] [-m] [-r] [-v] [address_family]\n");
            Outcome::Exit(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printb_like_bsd() {
        assert_eq!(printb("flags", 0x8863, IFFBITS), "flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST>");
        assert_eq!(printb("flags", 0x8049, IFFBITS), "flags=8049<UP,LOOPBACK,RUNNING,MULTICAST>");
        assert_eq!(printb("flags", 0, IFFBITS), "flags=0<>");
        assert_eq!(printb("options", 0x1203, IFCAPBITS), "options=1203<RXCSUM,TXCSUM,TXSTATUS,SW_TIMESTAMP>");
        assert_eq!(printb("options", 0x6463, IFCAPBITS), "options=6463<RXCSUM,TXCSUM,TSO4,TSO6,CHANNEL_IO,PARTIAL_CSUM,ZEROINVERT_CSUM>");
    }
}
