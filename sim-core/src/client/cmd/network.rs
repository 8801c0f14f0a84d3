//! `docker network ls/create/rm/connect/disconnect` (`cli/command/network`).

use crate::sort::SortSlice;
use super::config::kv_map;
use super::containers::filters_json;
use crate::client::api::{Api, Body};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format::{self, network_ctx, network_header, NETWORK_TABLE};
use crate::client::json::Json;

pub fn ls(cli: &mut Cli, p: &Parsed) -> R {
    let quiet = p.on("quiet");
    let no_trunc = p.on("no-trunc");
    let format = p.value("format").unwrap_or("").to_string();
    let mut q: Vec<(&str, String)> = Vec::new();
    if let Some(f) = filters_json(&p.values("filter")) {
        q.push(("filters", f));
    }
    cli.api.init();
    let resp = cli.api.get("/networks", &q)?;
    let list = Api::json(&resp)?;
    let mut nets: Vec<Json> = list.as_arr().to_vec();
    nets.sort_stable_by(|a, b| format::natural_cmp(&a.s("Name"), &b.s("Name")));
    let fmt = if format.is_empty() || format == "table" {
        if quiet {
            "{{.ID}}".to_string()
        } else {
            NETWORK_TABLE.to_string()
        }
    } else if format == "raw" {
        if quiet {
            "network_id: {{.ID}}".into()
        } else {
            "network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n".into()
        }
    } else {
        format
    };
    let rows: Vec<_> = nets.iter().map(|n| network_ctx(n, !no_trunc)).collect();
    let out = format::write(&fmt, &rows, &network_header()).map_err(Fail::new)?;
    cli.out(&out);
    Ok(Done::Exit(0))
}

pub fn create(cli: &mut Cli, p: &Parsed) -> R {
    let name = p.args[0].clone();
    let subnets = p.values("subnet");
    let gateways = p.values("gateway");
    let ranges = p.values("ip-range");
    if subnets.len() < gateways.len() || subnets.len() < ranges.len() {
        return Err(Fail::new("every ip-range or gateway must have a corresponding subnet"));
    }
    let config: Vec<Json> = subnets
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut f = vec![("Subnet", Json::str(s))];
            if let Some(r) = ranges.get(i) {
                f.push(("IPRange", Json::str(r)));
            }
            if let Some(g) = gateways.get(i) {
                f.push(("Gateway", Json::str(g)));
            }
            Json::obj(f)
        })
        .collect();
    let mut body: Vec<(&str, Json)> = vec![("Driver", Json::str(p.value("driver").unwrap_or("bridge"))), ("Scope", Json::str(p.value("scope").unwrap_or("")))];
    if p.has("ipv6") {
        body.push(("EnableIPv6", Json::Bool(p.on("ipv6"))));
    }
    body.extend([
        (
            "IPAM",
            Json::obj(vec![
                ("Driver", Json::str(p.value("ipam-driver").unwrap_or("default"))),
                ("Options", kv_map(&p.values("ipam-opt"))),
                ("Config", Json::Arr(config)),
            ]),
        ),
        ("Internal", Json::Bool(p.on("internal"))),
        ("Attachable", Json::Bool(p.on("attachable"))),
        ("Ingress", Json::Bool(p.on("ingress"))),
        ("ConfigOnly", Json::Bool(p.on("config-only"))),
        (
            "ConfigFrom",
            match p.value("config-from") {
                Some(c) if !c.is_empty() => Json::obj(vec![("Network", Json::str(c))]),
                _ => Json::Null,
            },
        ),
        ("Options", kv_map(&p.values("opt"))),
        ("Labels", kv_map(&p.values("label"))),
        ("Name", Json::str(&name)),
        ("CheckDuplicate", Json::Bool(true)),
    ]);
    cli.api.init();
    cli.api.check_version()?;
    let resp = cli.api.post("/networks/create", &[], Body::Json(Json::obj(body)))?;
    let j = Api::json(&resp)?;
    cli.out(&format!("{}\n", j.s("Id")));
    for w in [j.s("Warning")] {
        if !w.is_empty() {
            cli.err(&format!("WARNING: {w}\n"));
        }
    }
    Ok(Done::Exit(0))
}

pub fn rm(cli: &mut Cli, p: &Parsed) -> R {
    let force = p.on("force");
    cli.api.init();
    let mut status = 0;
    for name in &p.args {
        let _ = cli.api.get(&format!("/networks/{name}"), &[]);
        match cli.api.delete(&format!("/networks/{name}"), &[]) {
            Ok(_) => cli.out(&format!("{name}\n")),
            Err(e) if force && e.is_not_found() => {}
            Err(e) => {
                cli.err(&format!("{e}\n"));
                status = 1;
            }
        }
    }
    if status != 0 {
        return Err(Fail::code(format!("exit status {status}"), status));
    }
    Ok(Done::Exit(0))
}

pub fn connect(cli: &mut Cli, p: &Parsed) -> R {
    let (net, ctr) = (p.args[0].clone(), p.args[1].clone());
    let mut ipam = Vec::new();
    if let Some(ip) = p.value("ip").filter(|v| !v.is_empty()) {
        ipam.push(("IPv4Address", Json::str(ip)));
    }
    if let Some(ip) = p.value("ip6").filter(|v| !v.is_empty()) {
        ipam.push(("IPv6Address", Json::str(ip)));
    }
    let lls = p.values("link-local-ip");
    if !lls.is_empty() {
        ipam.push(("LinkLocalIPs", Json::strs(&lls)));
    }
    let links = p.values("link");
    let ep = Json::obj(vec![
        ("IPAMConfig", Json::obj(ipam)),
        ("Links", if links.is_empty() { Json::Null } else { Json::strs(&links) }),
        ("Aliases", Json::strs(&p.values("alias"))),
        ("MacAddress", Json::str("")),
        ("DriverOpts", kv_map(&p.values("driver-opt"))),
        ("GwPriority", Json::int(p.value("gw-priority").and_then(|v| crate::client::args::parse_go_int(v).ok()).unwrap_or(0))),
        ("NetworkID", Json::str("")),
        ("EndpointID", Json::str("")),
        ("Gateway", Json::str("")),
        ("IPAddress", Json::str("")),
        ("IPPrefixLen", Json::int(0)),
        ("IPv6Gateway", Json::str("")),
        ("GlobalIPv6Address", Json::str("")),
        ("GlobalIPv6PrefixLen", Json::int(0)),
        ("DNSNames", Json::Null),
    ]);
    cli.api.init();
    let body = Json::obj(vec![("Container", Json::str(&ctr)), ("EndpointConfig", ep)]);
    cli.api.post(&format!("/networks/{net}/connect"), &[], Body::Json(body))?;
    Ok(Done::Exit(0))
}

pub fn disconnect(cli: &mut Cli, p: &Parsed) -> R {
    let (net, ctr) = (p.args[0].clone(), p.args[1].clone());
    cli.api.init();
    let body = Json::obj(vec![("Container", Json::str(&ctr)), ("Force", Json::Bool(p.on("force")))]);
    cli.api.post(&format!("/networks/{net}/disconnect"), &[], Body::Json(body))?;
    Ok(Done::Exit(0))
}
