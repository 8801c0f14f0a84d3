//! Docker networks: the default `bridge` (docker0, 172.17.0.0/16), `host` and `none`, and
//! user-defined bridges (`br-<id>`, 172.18.0.0/16 upward); IP address management; the veth
//! pair that joins each container to its bridge.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::api::{self, error, json_response};
use super::json::{rfc3339_nanos, Stamp};
use super::store::random_hex64;
use super::Dockerd;
use crate::http::Request;
use crate::kernel::net::{fmt_ip, fmt_mac, IfAddr, LinkKind, Route};
use crate::kernel::{Kernel, NsId};

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub id: String,
    pub ip: [u8; 4],
    pub mac: [u8; 6],
    /// The host end of the veth pair (`veth` + 7 hex digits) and its ifindex on the host.
    pub veth: String,
    pub host_ifindex: u32,
}

#[derive(Clone, Debug)]
pub struct Network {
    pub id: String,
    pub name: String,
    /// `bridge`, `host` or `null`.
    pub driver: String,
    pub created: Stamp,
    pub subnet: Option<([u8; 4], u8)>,
    pub gateway: Option<[u8; 4]>,
    /// The Linux bridge: `docker0`, or `br-` + 12 hex for a user-defined network.
    pub bridge: Option<String>,
    pub default_bridge: bool,
    pub endpoints: BTreeMap<String, Endpoint>,
    /// `Labels` given at create (compose marks its networks with them).
    pub labels: serde_json::Map<String, Value>,
    pub attachable: bool,
}

impl Network {
    /// The lowest free address after the gateway.
    pub fn allocate(&self) -> Option<[u8; 4]> {
        let (net, prefix) = self.subnet?;
        let base = u32::from_be_bytes(net);
        let size = 1u32.checked_shl(32 - prefix as u32).unwrap_or(0);
        let used: Vec<[u8; 4]> = self.endpoints.values().map(|e| e.ip).collect();
        (2..size.saturating_sub(1)).map(|i| (base + i).to_be_bytes()).find(|ip| !used.contains(ip) && Some(*ip) != self.gateway)
    }
}

/// Docker's MAC for an address: 02:42 and the four bytes of the IP.
pub fn mac_for(ip: [u8; 4]) -> [u8; 6] {
    [0x02, 0x42, ip[0], ip[1], ip[2], ip[3]]
}

/// The three networks dockerd creates when it first starts, and docker0 on the host.
pub fn create_defaults(d: &mut Dockerd, k: &mut Kernel) {
    let none = Network {
        id: random_hex64(k),
        name: "none".into(),
        driver: "null".into(),
        created: Stamp::now(k),
        subnet: None,
        gateway: None,
        bridge: None,
        default_bridge: false,
        endpoints: BTreeMap::new(),
        labels: serde_json::Map::new(),
        attachable: false,
    };
    let host = Network { id: random_hex64(k), name: "host".into(), driver: "host".into(), created: Stamp::now(k), ..none.clone() };
    let bridge = Network {
        id: random_hex64(k),
        name: "bridge".into(),
        driver: "bridge".into(),
        created: Stamp::now(k),
        subnet: Some(([172, 17, 0, 0], 16)),
        gateway: Some([172, 17, 0, 1]),
        bridge: Some("docker0".into()),
        default_bridge: true,
        endpoints: BTreeMap::new(),
        labels: serde_json::Map::new(),
        attachable: false,
    };
    ensure_bridge(k, &bridge);
    base_rules(k, "docker0", "172.17.0.0/16");
    d.networks = vec![none, host, bridge];
}

fn nf(k: &mut Kernel) -> Option<&mut crate::kernel::netfilter::Netfilter> {
    k.net_ns.get_mut(&NsId(0)).map(|n| &mut n.netfilter)
}

/// The rules dockerd installs for a bridge network when it starts.
pub fn base_rules(k: &mut Kernel, bridge: &str, subnet: &str) {
    let Some(f) = nf(k) else { return };
    f.new_chain("nat", "DOCKER");
    f.add("nat", "PREROUTING", "-m addrtype --dst-type LOCAL -j DOCKER", false);
    f.add("nat", "OUTPUT", "! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER", false);
    f.add("nat", "POSTROUTING", &format!("-s {subnet} ! -o {bridge} -j MASQUERADE"), true);
    f.add("nat", "DOCKER", &format!("-i {bridge} -j RETURN"), true);
    f.set_policy("filter", "FORWARD", "DROP");
    for c in ["DOCKER", "DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"] {
        f.new_chain("filter", c);
    }
    f.add("filter", "FORWARD", "-j DOCKER-USER", false);
    f.add("filter", "FORWARD", "-j DOCKER-ISOLATION-STAGE-1", false);
    f.add("filter", "FORWARD", &format!("-o {bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"), false);
    f.add("filter", "FORWARD", &format!("-o {bridge} -j DOCKER"), false);
    f.add("filter", "FORWARD", &format!("-i {bridge} ! -o {bridge} -j ACCEPT"), false);
    f.add("filter", "FORWARD", &format!("-i {bridge} -o {bridge} -j ACCEPT"), false);
    f.add("filter", "DOCKER-ISOLATION-STAGE-1", &format!("-i {bridge} ! -o {bridge} -j DOCKER-ISOLATION-STAGE-2"), false);
    f.add("filter", "DOCKER-ISOLATION-STAGE-2", &format!("-o {bridge} -j DROP"), false);
    for c in ["DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER"] {
        f.delete("filter", c, "-j RETURN");
        f.add("filter", c, "-j RETURN", false);
    }
}

/// The rules of one published port: DNAT from the host port, masquerade for hairpin, accept.
fn port_rules(bridge: &str, ip: [u8; 4], proto: &str, cport: &str, hport: &str) -> [(&'static str, &'static str, String); 3] {
    let ip = fmt_ip(ip);
    [
        ("nat", "POSTROUTING", format!("-s {ip}/32 -d {ip}/32 -p {proto} -m {proto} --dport {cport} -j MASQUERADE")),
        ("nat", "DOCKER", format!("! -i {bridge} -p {proto} -m {proto} --dport {hport} -j DNAT --to-destination {ip}:{cport}")),
        ("filter", "DOCKER", format!("-d {ip}/32 ! -i {bridge} -o {bridge} -p {proto} -m {proto} --dport {cport} -j ACCEPT")),
    ]
}

pub fn publish(k: &mut Kernel, bridge: &str, ip: [u8; 4], proto: &str, cport: &str, hport: &str) {
    for (t, c, spec) in port_rules(bridge, ip, proto, cport, hport) {
        if let Some(f) = nf(k) {
            f.add(t, c, &spec, false);
        }
    }
}

pub fn unpublish(k: &mut Kernel, bridge: &str, ip: [u8; 4], proto: &str, cport: &str, hport: &str) {
    for (t, c, spec) in port_rules(bridge, ip, proto, cport, hport) {
        if let Some(f) = nf(k) {
            f.delete(t, c, &spec);
        }
    }
}

/// Creates the Linux bridge of a network on the host, if it is missing: down and without
/// carrier until a container joins.
pub fn ensure_bridge(k: &mut Kernel, n: &Network) {
    let (Some(name), Some(gw), Some((_, prefix))) = (&n.bridge, n.gateway, n.subnet) else { return };
    let mac = k.random_mac();
    let mac = [0x02, 0x42, mac[2], mac[3], mac[4], mac[5]];
    let Some(host) = k.net_ns.get_mut(&NsId(0)) else { return };
    if host.by_name(name).is_some() {
        return;
    }
    let idx = host.add_link(name, LinkKind::Bridge, mac, 1500);
    if let Some(l) = host.links.get_mut(&idx) {
        l.up = true;
        l.carrier = false;
        l.qdisc = "noqueue";
        l.txqueuelen = 0;
        let brd = crate::kernel::net::broadcast(gw, prefix);
        l.addrs.push(IfAddr { addr: gw, prefix, brd: Some(brd), dynamic_lft: None });
    }
}

/// Joins a container's network namespace to network `n`: a veth pair, the host end on the
/// bridge, the other end moved into the container as eth0 with its address and routes.
pub fn connect(k: &mut Kernel, n: &mut Network, container_id: &str, netns: NsId) -> Option<Endpoint> {
    let bridge_name = n.bridge.clone()?;
    let (gw, (_, prefix)) = (n.gateway?, n.subnet?);
    let ip = n.allocate()?;
    let mac = mac_for(ip);
    let veth = format!("veth{:07x}", k.random() & 0xfff_ffff);
    let host_mac = k.random_mac();
    let peer_tmp = format!("veth{:07x}", k.random() & 0xfff_ffff);
    let (host_idx, peer_idx) = k.add_veth(NsId(0), &veth, &peer_tmp, (host_mac, mac)).ok()?;
    let inner = k.move_link(NsId(0), peer_idx, netns).ok()?;
    let bridge_idx = k.net_ns.get(&NsId(0))?.by_name(&bridge_name).map(|l| l.ifindex)?;
    if let Some(l) = k.net_ns.get_mut(&NsId(0)).and_then(|h| h.links.get_mut(&host_idx)) {
        l.master = Some(bridge_idx);
        l.up = true;
        l.ipv6_ll = true;
        l.qdisc = "noqueue";
        l.txqueuelen = 0;
    }
    if let Some(c) = k.net_ns.get_mut(&netns) {
        if let Some(l) = c.links.get_mut(&inner) {
            l.name = "eth0".into();
            l.up = true;
            l.ipv6_disabled = true;
            l.qdisc = "noqueue";
            l.txqueuelen = 0;
            l.addrs.push(IfAddr { addr: ip, prefix, brd: Some(crate::kernel::net::broadcast(ip, prefix)), dynamic_lft: None });
        }

        c.routes.push(Route { dst: None, via: Some(gw), dev: inner, src: None, proto: None, metric: None });
    }
    k.refresh_carrier();
    if let Some(b) = k.net_ns.get_mut(&NsId(0)).and_then(|h| h.links.get_mut(&bridge_idx)) {
        b.carrier = true;
        b.ipv6_ll = true;
    }
    let ep = Endpoint { id: random_hex64(k), ip, mac, veth, host_ifindex: host_idx };
    n.endpoints.insert(container_id.to_string(), ep.clone());
    Some(ep)
}

/// Removes a container's endpoint: the veth pair goes (both ends) and the address is free.
pub fn disconnect(k: &mut Kernel, n: &mut Network, container_id: &str) {
    let Some(ep) = n.endpoints.remove(container_id) else { return };
    if let Some(host) = k.net_ns.get_mut(&NsId(0)) {
        host.links.remove(&ep.host_ifindex);
    }
    let bridge_has_ports = n.endpoints.values().next().is_some();
    if let Some(b) = n.bridge.as_ref().and_then(|b| k.net_ns.get_mut(&NsId(0))?.by_name_mut(b)) {
        b.carrier = bridge_has_ports;
    }
}

/// The JSON of `GET /networks/{id}` and each entry of `GET /networks`.
pub fn inspect(d: &Dockerd, n: &Network) -> Value {
    let config: Vec<Value> = match (n.subnet, n.gateway, n.default_bridge) {
        (Some((net, p)), _, true) => vec![json!({ "Subnet": format!("{}/{p}", fmt_ip(net)) })],
        (Some((net, p)), Some(gw), false) => vec![json!({ "Subnet": format!("{}/{p}", fmt_ip(net)), "Gateway": fmt_ip(gw) })],
        _ => Vec::new(),
    };
    let mut containers = serde_json::Map::new();
    for (cid, ep) in &n.endpoints {
        let name = d.containers.get(cid).map(|c| c.name.trim_start_matches('/').to_string()).unwrap_or_default();
        let prefix = n.subnet.map(|s| s.1).unwrap_or(16);
        containers.insert(
            cid.clone(),
            json!({
                "Name": name,
                "EndpointID": ep.id,
                "MacAddress": fmt_mac(ep.mac),
                "IPv4Address": format!("{}/{prefix}", fmt_ip(ep.ip)),
                "IPv6Address": ""
            }),
        );
    }
    let options = if n.default_bridge {
        json!({
            "com.docker.network.bridge.default_bridge": "true",
            "com.docker.network.bridge.enable_icc": "true",
            "com.docker.network.bridge.enable_ip_masquerade": "true",
            "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
            "com.docker.network.bridge.name": "docker0",
            "com.docker.network.driver.mtu": "1500"
        })
    } else {
        json!({})
    };
    json!({
        "Name": n.name,
        "Id": n.id,
        "Created": rfc3339_nanos(&n.created),
        "Scope": "local",
        "Driver": n.driver,
        "EnableIPv6": false,
        "IPAM": { "Driver": "default", "Options": if n.driver == "bridge" && !n.default_bridge { json!({}) } else { Value::Null }, "Config": config },
        "Internal": false,
        "Attachable": n.attachable,
        "Ingress": false,
        "ConfigFrom": { "Network": "" },
        "ConfigOnly": false,
        "Containers": containers,
        "Options": options,
        "Labels": n.labels
    })
}

/// Finds a network by name, full ID or unique ID prefix.
pub fn find<'a>(d: &'a Dockerd, r: &str) -> Option<&'a Network> {
    d.networks.iter().find(|n| n.name == r || n.id == r).or_else(|| {
        let m: Vec<&Network> = d.networks.iter().filter(|n| !r.is_empty() && n.id.starts_with(r)).collect();
        (m.len() == 1).then(|| m[0])
    })
}

pub fn route(d: &mut Dockerd, k: &mut Kernel, req: &Request, segs: &[&str]) -> crate::http::Response {
    match (req.method.as_str(), segs) {
        ("GET", [] | [""]) => {
            let filters = api::filters(req);
            let list: Vec<Value> = d.networks.iter().filter(|n| matches_filters(n, &filters)).map(|n| inspect(d, n)).collect();
            json_response(d, k, 200, &Value::Array(list))
        }
        ("POST", ["create"]) => create(d, k, req),
        ("GET", [id]) => match find(d, id) {
            Some(n) => json_response(d, k, 200, &inspect(d, n)),
            None => error(d, k, 404, &format!("network {id} not found")),
        },
        ("DELETE", [id]) => remove(d, k, id),
        ("POST", [id, op @ ("connect" | "disconnect")]) => connect_route(d, k, req, id, op),
        _ => super::api::not_found(k),
    }
}

fn create(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> crate::http::Response {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let Some(name) = body.get("Name").and_then(Value::as_str).map(str::to_string) else {
        return error(d, k, 400, "network name must be specified");
    };
    if d.networks.iter().any(|n| n.name == name) {
        return error(d, k, 409, &format!("network with name {name} already exists"));
    }
    // User-defined bridges take 172.18.0.0/16, 172.19.0.0/16, ... in turn.
    let used: Vec<u8> = d.networks.iter().filter_map(|n| n.subnet).map(|(a, _)| a[1]).collect();
    let Some(second) = (18..=31u8).find(|b| !used.contains(b)) else {
        return error(d, k, 500, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
    };
    let id = random_hex64(k);
    let n = Network {
        bridge: Some(format!("br-{}", &id[..12])),
        id: id.clone(),
        name,
        driver: "bridge".into(),
        created: Stamp::now(k),
        subnet: Some(([172, second, 0, 0], 16)),
        gateway: Some([172, second, 0, 1]),
        default_bridge: false,
        endpoints: BTreeMap::new(),
        labels: body.get("Labels").and_then(Value::as_object).cloned().unwrap_or_default(),
        attachable: body.get("Attachable").and_then(Value::as_bool).unwrap_or(false),
    };
    ensure_bridge(k, &n);
    d.networks.push(n);
    json_response(d, k, 201, &json!({ "Id": id, "Warning": "" }))
}

fn remove(d: &mut Dockerd, k: &mut Kernel, r: &str) -> crate::http::Response {
    let Some(n) = find(d, r).cloned() else { return error(d, k, 404, &format!("network {r} not found")) };
    if n.name == "bridge" || n.name == "host" || n.name == "none" {
        return error(d, k, 403, &format!("{} is a pre-defined network and cannot be removed", n.name));
    }
    if !n.endpoints.is_empty() {
        return error(d, k, 403, &format!("error while removing network: network {} id {} has active endpoints", n.name, n.id));
    }
    if let Some(b) = &n.bridge {
        if let Some(host) = k.net_ns.get_mut(&NsId(0)) {
            if let Some(idx) = host.by_name(b).map(|l| l.ifindex) {
                host.links.remove(&idx);
            }
        }
    }
    d.networks.retain(|x| x.id != n.id);
    api::no_content(d, k)
}

/// `filters={"name":{"x":true}}` / `{"label":[...]}` on the network list.
fn matches_filters(n: &Network, filters: &[(String, Vec<String>)]) -> bool {
    filters.iter().all(|(key, values)| match key.as_str() {
        "name" => values.iter().any(|v| n.name.contains(v.as_str())),
        "id" => values.iter().any(|v| n.id.starts_with(v.as_str())),
        "driver" => values.contains(&n.driver),
        "label" => values.iter().all(|want| match want.split_once('=') {
            Some((k, v)) => n.labels.get(k).and_then(Value::as_str) == Some(v),
            None => n.labels.contains_key(want.as_str()),
        }),
        _ => true,
    })
}

/// `POST /networks/{id}/connect|disconnect` for a container that is not running: dockerd
/// records the endpoint settings for its next start. Here the container joins the network
/// its `NetworkMode` names when it starts, and aliases are not modeled: only the checks and
/// the answer (`200`, empty body) remain.
fn connect_route(d: &mut Dockerd, k: &mut Kernel, req: &Request, id: &str, op: &str) -> crate::http::Response {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let Some(n) = find(d, id) else { return error(d, k, 404, &format!("network {id} not found")) };
    let cref = body.get("Container").and_then(Value::as_str).unwrap_or("").to_string();
    let Some(cid) = super::containers::find(d, &cref) else { return error(d, k, 404, &format!("No such container: {cref}")) };
    let _ = (cid, op, n);
    let mut r = crate::http::Response::new(200);
    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
    r.headers.push(("Docker-Experimental".into(), "false".into()));
    r.headers.push(("Ostype".into(), "linux".into()));
    r.headers.push(("Server".into(), format!("Docker/{} (linux)", d.versions.engine)));
    r.headers.push(("Date".into(), api::http_date(k.now)));
    r.headers.push(("Content-Length".into(), "0".into()));
    r
}
