//! Docker's embedded DNS server: a container on a user-defined network has
//! `nameserver 127.0.0.11` in its resolv.conf, and the names of the containers on its
//! networks (their names, short ids and, for Compose, their service names) resolve to their
//! addresses there. On the default bridge there is no such server: the host's resolv.conf
//! is copied in and container names do not resolve.

use serde_json::Value;

use super::containers::Container;
use crate::kernel::{Kernel, Pid};

/// The resolv.conf of a container on a user-defined network, as dockerd writes it.
pub const RESOLV_CONF: &str = "nameserver 127.0.0.11\noptions ndots:0\n";

/// The embedded server's address.
pub const SERVER: [u8; 4] = [127, 0, 0, 11];

/// Records the names of container `c` on network `network` (user-defined only).
pub fn register(k: &mut Kernel, network: &str, c: &Container, ip: [u8; 4]) {
    let mut names = vec![c.name.trim_start_matches('/').to_string(), c.short_id().to_string()];
    if let Some(service) = c.config.get("Labels").and_then(|l| l.get("com.docker.compose.service")).and_then(Value::as_str) {
        names.push(service.to_string());
    }
    k.embedded_dns.push((network.to_string(), names, ip));
}

/// Forgets the container that had `ip` on `network`.
pub fn unregister(k: &mut Kernel, network: &str, ip: [u8; 4]) {
    k.embedded_dns.retain(|(n, _, a)| !(n == network && *a == ip));
}

/// The address `name` has for process `from`, asked of the embedded DNS server: None when
/// `from` is on no user-defined network, or no container there has that name.
pub fn lookup(k: &Kernel, from: Pid, name: &str) -> Option<[u8; 4]> {
    let netns = k.procs.get(&from)?.ns.net;
    // The caller's own addresses tell its networks (also while its container is starting).
    let mine: Vec<[u8; 4]> = k.net_ns.get(&netns)?.links.values().flat_map(|l| l.addrs.iter().map(|a| a.addr)).collect();
    let networks: Vec<&String> = k.embedded_dns.iter().filter(|(_, _, ip)| mine.contains(ip)).map(|(n, _, _)| n).collect();
    k.embedded_dns.iter().find(|(n, names, _)| networks.contains(&n) && names.iter().any(|x| x == name)).map(|(_, _, ip)| *ip)
}
