//! Container commands that need no stream of their own: `ps`, `start`, `stop`, `kill`,
//! `restart`, `rm`, `rename`, `wait`, `top`, `port`, `logs` (`cli/command/container`).

use crate::sort::SortSlice;
use crate::client::api::{version_less, Api, Body};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format::{self, container_ctx, container_header, join_host_port, CONTAINER_TABLE};
use crate::client::json::Json;
use crate::client::stream::{demux, Dest};
use crate::shell::hold::Job;
use crate::client::table::TabWriter;
use crate::client::template::Template;

/// Joins the errors of a multi-container command (`errors.Join`).
fn joined(errs: Vec<String>) -> R {
    if errs.is_empty() {
        Ok(Done::Exit(0))
    } else {
        Err(Fail::new(errs.join("\n")))
    }
}

/// `opts.FilterOpt` values as the API's `filters` JSON (`{"name":{"x":true}}`), keys sorted.
pub fn filters_json(values: &[String]) -> Option<String> {
    let mut map: Vec<(String, Vec<String>)> = Vec::new();
    for v in values {
        let (k, val) = v.split_once('=').unwrap_or((v, ""));
        let k = k.trim().to_lowercase();
        let val = val.trim().to_string();
        match map.iter_mut().find(|(n, _)| *n == k) {
            Some((_, vs)) => {
                if !vs.contains(&val) {
                    vs.push(val)
                }
            }
            None => map.push((k, vec![val])),
        }
    }
    if map.is_empty() {
        return None;
    }
    map.sort_stable_by(|a, b| a.0.cmp(&b.0));
    let obj = Json::Obj(
        map.into_iter()
            .map(|(k, mut vs)| {
                vs.sort_stable();
                (k, Json::Obj(vs.into_iter().map(|v| (v, Json::Bool(true))).collect()))
            })
            .collect(),
    );
    Some(obj.encode(true))
}

pub fn ps(cli: &mut Cli, p: &Parsed) -> R {
    let quiet = p.on("quiet");
    let mut size = p.on("size");
    let size_changed = p.has("size");
    let all = p.on("all");
    let no_trunc = p.on("no-trunc");
    let latest = p.on("latest");
    let last: i64 = p.value("last").and_then(|v| crate::client::args::parse_go_int(v).ok()).unwrap_or(-1);
    let format = p.value("format").unwrap_or("").to_string();
    if !format.is_empty() && quiet {
        cli.err("WARNING: Ignoring custom format, because both --format and --quiet are set.\n");
    }
    if !format.is_empty() {
        // buildContainerListOptions runs the template once on an empty context.
        let t = Template::parse(&format).map_err(|e| Fail::new(format!("failed to parse template: {e}")))?;
        let empty = container_ctx(&Json::Obj(Vec::new()), true, 0);
        if let Err(e) = t.execute(&empty) {
            return Err(Fail::new(format!("failed to execute template: {e}")));
        }
        if !quiet && !size && !size_changed && (format.contains(".Size") || format.contains("json .")) {
            size = true;
        }
    }
    let limit = if latest && last == -1 { 1 } else { last };
    let mut q: Vec<(&str, String)> = Vec::new();
    if all {
        q.push(("all", "1".into()));
    }
    if limit > 0 {
        q.push(("limit", limit.to_string()));
    }
    if size {
        q.push(("size", "1".into()));
    }
    if let Some(f) = filters_json(&p.values("filter")) {
        q.push(("filters", f));
    }
    cli.api.init();
    let resp = cli.api.get("/containers/json", &q)?;
    let list = Api::json(&resp)?;
    let fmt = if format.is_empty() || format == "table" {
        if quiet {
            "{{.ID}}".to_string()
        } else if size {
            format!("{CONTAINER_TABLE}\t{{{{.Size}}}}")
        } else {
            CONTAINER_TABLE.to_string()
        }
    } else if format == "raw" {
        if quiet {
            "container_id: {{.ID}}".into()
        } else {
            let mut f = "container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\nstatus: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\nports: {{- pad .Ports 1 0}}\n".to_string();
            if size {
                f.push_str("size: {{.Size}}\\n");
            }
            f
        }
    } else if quiet {
        "{{.ID}}".into()
    } else {
        format
    };
    let now = cli.now_ns();
    let rows: Vec<_> = list.as_arr().iter().map(|c| container_ctx(c, !no_trunc, now)).collect();
    let out = format::write(&fmt, &rows, &container_header()).map_err(Fail::new)?;
    cli.out(&out);
    Ok(Done::Exit(0))
}

pub fn start(cli: &mut Cli, p: &Parsed) -> R {
    if p.on("attach") || p.on("interactive") {
        return super::run::start_attached(cli, p);
    }
    cli.api.init();
    let mut failed = Vec::new();
    for c in &p.args {
        match cli.api.post(&format!("/containers/{c}/start"), &[], Body::None) {
            Ok(_) => cli.out(&format!("{c}\n")),
            Err(e) => {
                cli.err(&format!("{e}\n"));
                failed.push(c.clone());
            }
        }
    }
    if failed.is_empty() {
        Ok(Done::Exit(0))
    } else {
        Err(Fail::new(format!("Error: failed to start containers: {}", failed.join(", "))))
    }
}

fn stop_query(cli: &mut Cli, p: &Parsed) -> Result<Vec<(&'static str, String)>, Fail> {
    let mut q = Vec::new();
    if let Some(t) = p.value("time").or(p.value("timeout")) {
        q.push(("t", crate::client::args::parse_go_int(t).unwrap_or(0).to_string()));
    }
    if let Some(s) = p.value("signal") {
        if !s.is_empty() {
            // Older APIs have no signal: the client drops it.
            cli.api.check_version()?;
            if !version_less(&cli.api.version, "1.42") {
                q.push(("signal", s.to_string()));
            }
        }
    }
    Ok(q)
}

pub fn stop(cli: &mut Cli, p: &Parsed) -> R {
    cli.api.init();
    let q = stop_query(cli, p)?;
    let mut errs = Vec::new();
    for c in &p.args {
        match cli.api.post(&format!("/containers/{c}/stop"), &q, Body::None) {
            Ok(_) => cli.out(&format!("{c}\n")),
            Err(e) => errs.push(e.to_string()),
        }
    }
    joined(errs)
}

pub fn restart(cli: &mut Cli, p: &Parsed) -> R {
    cli.api.init();
    let q = stop_query(cli, p)?;
    let mut errs = Vec::new();
    for c in &p.args {
        match cli.api.post(&format!("/containers/{c}/restart"), &q, Body::None) {
            Ok(_) => cli.out(&format!("{c}\n")),
            Err(e) => errs.push(e.to_string()),
        }
    }
    joined(errs)
}

pub fn kill(cli: &mut Cli, p: &Parsed) -> R {
    cli.api.init();
    let mut q = Vec::new();
    if let Some(s) = p.value("signal") {
        if !s.is_empty() {
            q.push(("signal", s.to_string()));
        }
    }
    let mut errs = Vec::new();
    for c in &p.args {
        match cli.api.post(&format!("/containers/{c}/kill"), &q, Body::None) {
            Ok(_) => cli.out(&format!("{c}\n")),
            Err(e) => errs.push(e.to_string()),
        }
    }
    joined(errs)
}

/// `docker pause` / `docker unpause`: each container in turn, its name printed when done.
pub fn pause(cli: &mut Cli, p: &Parsed) -> R {
    freeze(cli, p, "pause")
}

pub fn unpause(cli: &mut Cli, p: &Parsed) -> R {
    freeze(cli, p, "unpause")
}

fn freeze(cli: &mut Cli, p: &Parsed, action: &str) -> R {
    cli.api.init();
    let mut errs = Vec::new();
    for c in &p.args {
        match cli.api.post(&format!("/containers/{c}/{action}"), &[], Body::None) {
            Ok(_) => cli.out(&format!("{c}\n")),
            Err(e) => errs.push(e.to_string()),
        }
    }
    joined(errs)
}

pub fn rm(cli: &mut Cli, p: &Parsed) -> R {
    cli.api.init();
    let force = p.on("force");
    let mut q = Vec::new();
    if p.on("volumes") {
        q.push(("v", "1".to_string()));
    }
    if p.on("link") {
        q.push(("link", "1".to_string()));
    }
    if force {
        q.push(("force", "1".to_string()));
    }
    let mut errs = Vec::new();
    for c in &p.args {
        let id = c.trim_matches('/');
        if id.is_empty() {
            errs.push("container name cannot be empty".to_string());
            continue;
        }
        match cli.api.delete(&format!("/containers/{id}"), &q) {
            Ok(_) => cli.out(&format!("{c}\n")),
            Err(e) if force && e.is_not_found() => cli.err(&format!("{e}\n")),
            Err(e) => errs.push(e.to_string()),
        }
    }
    joined(errs)
}

pub fn rename(cli: &mut Cli, p: &Parsed) -> R {
    let old = p.args[0].trim().to_string();
    let new = p.args[1].trim().to_string();
    if old.is_empty() || new.is_empty() {
        return Err(Fail::new("Error: Neither old nor new names may be empty"));
    }
    cli.api.init();
    if let Err(e) = cli.api.post(&format!("/containers/{old}/rename"), &[("name", new)], Body::None) {
        cli.err(&format!("{e}\n"));
        return Err(Fail::new(format!("Error: failed to rename container named {old}")));
    }
    Ok(Done::Exit(0))
}

pub fn wait(cli: &mut Cli, p: &Parsed) -> R {
    cli.api.init();
    let mut errs = Vec::new();
    for c in &p.args {
        if let Err(e) = cli.api.check_version() {
            errs.push(e.to_string());
            continue;
        }
        let path = format!("/containers/{c}/wait");
        let r = cli.api.post_pending(&path, &[]).and_then(|id| cli.api.receive(id, &path));
        match r.and_then(|resp| Api::json(&resp)) {
            Ok(j) => cli.out(&format!("{}\n", j.i("StatusCode"))),
            Err(e) => errs.push(e.to_string()),
        }
    }
    joined(errs)
}

pub fn top(cli: &mut Cli, p: &Parsed) -> R {
    let c = &p.args[0];
    let mut q = Vec::new();
    if p.args.len() > 1 {
        q.push(("ps_args", p.args[1..].join(" ")));
    }
    cli.api.init();
    let resp = cli.api.get(&format!("/containers/{c}/top"), &q)?;
    let j = Api::json(&resp)?;
    let mut text = j.strings("Titles").join("\t");
    text.push('\n');
    for proc_ in j.get("Processes").map(Json::as_arr).unwrap_or(&[]) {
        let cells: Vec<String> = proc_.as_arr().iter().map(|c| c.as_str().unwrap_or("").to_string()).collect();
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    let mut tw = TabWriter::new(20, 3);
    tw.write(&text);
    cli.out(&tw.finish());
    Ok(Done::Exit(0))
}

pub fn port(cli: &mut Cli, p: &Parsed) -> R {
    let name = p.args[0].clone();
    cli.api.init();
    let resp = cli.api.get(&format!("/containers/{name}/json"), &[])?;
    let c = Api::json(&resp)?;
    let ports = c.at(&["NetworkSettings", "Ports"]).cloned().unwrap_or(Json::Null);
    let mut out: Vec<String> = Vec::new();
    if let Some(spec) = p.args.get(1) {
        let (port, proto) = spec.split_once('/').unwrap_or((spec.as_str(), ""));
        let proto = if proto.is_empty() { "tcp" } else { proto };
        if let Err(e) = crate::client::args::parse_go_uint(port).and_then(|n| if n > 65535 { Err("value out of range") } else { Ok(n) }) {
            let port_q = crate::client::args::go_q(port);
            return Err(Fail::new(format!("Error: invalid port ({port}): strconv.ParseUint: parsing {port_q}: {e}")));
        }
        let frontends = ports.get(&format!("{port}/{proto}")).map(|f| f.as_arr().to_vec()).unwrap_or_default();
        if frontends.is_empty() {
            return Err(Fail::new(format!("Error: No public port '{spec}' published for {name}")));
        }
        for f in frontends {
            out.push(join_host_port(&f.s("HostIp"), &f.s("HostPort")));
        }
    } else {
        for (from, fronts) in ports.as_obj() {
            for f in fronts.as_arr() {
                out.push(format!("{from} -> {}", join_host_port(&f.s("HostIp"), &f.s("HostPort"))));
            }
        }
    }
    if !out.is_empty() {
        out.sort_stable_by(|a, b| format::natural_cmp(a, b));
        cli.out(&format!("{}\n", out.join("\n")));
    }
    Ok(Done::Exit(0))
}

pub fn logs(cli: &mut Cli, p: &Parsed) -> R {
    let name = p.args[0].clone();
    cli.api.init();
    let resp = cli.api.get(&format!("/containers/{name}/json"), &[])?;
    let c = Api::json(&resp)?;
    let id = c.s("Id");
    let mut q: Vec<(&str, String)> = vec![("stdout", "1".into()), ("stderr", "1".into())];
    for (flag, key) in [("since", "since"), ("until", "until")] {
        if let Some(v) = p.value(flag) {
            if !v.is_empty() {
                match timestamp_param(v, cli.kernel().now) {
                    Some(ts) => q.push((key, ts)),
                    None => {
                        return Err(Fail::new(format!(
                            "invalid value for \"{key}\": failed to parse value as time or duration: \"{v}\""
                        )))
                    }
                }
            }
        }
    }
    if p.on("timestamps") {
        q.push(("timestamps", "1".into()));
    }
    if p.on("details") {
        q.push(("details", "1".into()));
    }
    if p.on("follow") {
        q.push(("follow", "1".into()));
    }
    q.push(("tail", p.value("tail").unwrap_or("all").to_string()));
    let resp = cli.api.get(&format!("/containers/{id}/logs"), &q)?;
    // Following a container that runs on: the stream stays open until Ctrl-C.
    let done = if p.on("follow") && cli.api.transport().runs_on(&id).is_some() { Done::Held(Job::Follow) } else { Done::Exit(0) };
    let tty = c.at(&["Config", "Tty"]).and_then(Json::as_bool).unwrap_or(false);
    if tty {
        cli.out_bytes(&resp.body);
        return Ok(done);
    }
    let d = demux(&resp.body);
    for (dest, bytes) in &d.pieces {
        match dest {
            Dest::Out => cli.out_bytes(bytes),
            Dest::Err => cli.err_bytes(bytes),
        }
    }
    match d.error {
        Some(e) => Err(Fail::new(e)),
        None => Ok(done),
    }
}

/// `timetypes.GetTimestamp`: a Unix time, an RFC 3339 time, or a duration before now.
fn timestamp_param(v: &str, now: i64) -> Option<String> {
    if let Some(d) = crate::client::args::parse_duration(v) {
        let t = now as i128 * 1_000_000_000 - d;
        let (s, n) = (t.div_euclid(1_000_000_000), t.rem_euclid(1_000_000_000));
        return Some(format!("{s}.{n:09}"));
    }
    if let Some((s, n)) = format::parse_rfc3339(v) {
        return Some(format!("{s}.{n:09}"));
    }
    if v.chars().all(|c| c.is_ascii_digit() || c == '.') && !v.is_empty() {
        let (s, f) = v.split_once('.').unwrap_or((v, ""));
        let f: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
        return Some(format!("{s}.{f}"));
    }
    None
}

/// `docker diff`: `C /etc`, `A /etc/newfile`, `D /etc/motd` (`GET /containers/ID/changes`).
pub fn diff(cli: &mut Cli, p: &Parsed) -> R {
    let name = p.args[0].clone();
    if name.is_empty() {
        return Err(Fail::new("Container name cannot be empty"));
    }
    cli.api.init();
    let resp = cli.api.get(&format!("/containers/{name}/changes"), &[])?;
    let changes = Api::json(&resp)?;
    let mut out = String::new();
    for c in changes.as_arr() {
        let kind = match c.i("Kind") {
            0 => "C",
            1 => "A",
            2 => "D",
            _ => "",
        };
        out.push_str(&format!("{kind} {}\n", c.s("Path")));
    }
    cli.out(&out);
    Ok(Done::Exit(0))
}
