//! docker-compose 1.29.2's `up`, `down` and `pull`: the network, the image, one container per
//! service, in the order of requests the real one sends (tests/reference/compose/README.md
//! shows a captured sequence), with its parallel writer's `Creating x_db_1 ... done` lines.

use serde_json::{json, Value};

use super::api::ApiError;
use super::model::{self, Service};
use super::v1::{api_failed, create_body, label, name_of, Opts, Run, VERSION};

/// What `up` does to one service's container.
enum Plan {
    Create,
    UpToDate(String),
    Start(String),
    Recreate(Value),
}

fn network_name(r: &Run) -> String {
    format!("{}_default", r.project.name)
}

fn legacy_network_name(r: &Run) -> String {
    format!("{}_default", r.project.name.replace(['-', '_'], ""))
}

/// `ProjectNetworks.initialize`: the legacy name is looked up first, then the network is
/// created unless it exists.
fn ensure_network(r: &mut Run) -> Result<(), ApiError> {
    let net = network_name(r);
    let legacy = legacy_network_name(r);
    let _ = r.api.call("GET", &format!("/networks/{legacy}"), None);
    let _ = r.api.call("GET", "/info", None);
    match r.api.call("GET", &format!("/networks/{net}"), None) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => {
            r.out.info(&format!("Creating network \"{net}\" with the default driver"));
            let body = json!({
                "Name": net,
                "CheckDuplicate": true,
                "Labels": { "com.docker.compose.project": r.project.name, "com.docker.compose.network": "default", "com.docker.compose.version": VERSION },
                "Attachable": true
            });
            r.api.call("POST", "/networks/create", Some(&body)).map(|_| ())
        }
        Err(e) => Err(e),
    }
}

fn selected(r: &Run, o: &Opts) -> Vec<Service> {
    let order = model::start_order(&r.project);
    order.into_iter().filter(|s| o.services.is_empty() || o.services.contains(&s.name)).cloned().collect()
}

/// `Pulling db (mysql:5.7)...` and the pull's messages, as `stream_output` prints them.
fn pull(r: &mut Run, s: &Service) -> Result<(), String> {
    let (repo, tag) = s.image_repo_tag();
    let shown_tag = s.image.as_deref().and_then(|i| i.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map(|(_, t)| t.to_string()));
    let sep = if shown_tag.is_some() { ":" } else { "" };
    r.out.info(&format!("Pulling {} ({repo}{sep}{})...", s.name, shown_tag.clone().unwrap_or_default()));
    let events = r.api.pull(&repo, &tag, s.platform.as_deref()).map_err(|e| e.message())?;
    let tty = r.out.io.tty_out;
    let mut lines: Vec<String> = Vec::new();
    for ev in &events {
        if let Some(m) = ev.get("errorDetail").and_then(|d| d.get("message")).and_then(Value::as_str) {
            return Err(m.to_string());
        }
        let progress = ev.get("progress").is_some() || ev.get("progressDetail").is_some();
        if !progress {
            r.out.out(&print_event(ev, tty));
            continue;
        }
        if !tty {
            continue;
        }
        let Some(id) = ev.get("id").and_then(Value::as_str) else { continue };
        if !lines.iter().any(|l| l == id) {
            lines.push(id.to_string());
            r.out.out("\n");
        }
        let pos = lines.iter().position(|l| l == id).unwrap_or(0);
        let diff = lines.len() - pos;
        r.out.out(&format!("\x1b[{diff}A"));
        r.out.out(&print_event(ev, tty));
        r.out.out(&format!("\x1b[{diff}B"));
    }
    Ok(())
}

/// `print_output_event`.
fn print_event(ev: &Value, tty: bool) -> String {
    let mut s = String::new();
    let mut term = "";
    if tty && ev.get("stream").is_none() {
        s.push_str("\x1b[2K\r");
        term = "\r";
    } else if ev.get("progressDetail").is_some() && ev.get("progress").is_none() && !tty {
        return s;
    }
    if let Some(id) = ev.get("id").and_then(Value::as_str) {
        s.push_str(&format!("{id}: "));
    }
    let status = ev.get("status").and_then(Value::as_str).unwrap_or("");
    if let Some(p) = ev.get("progress").and_then(Value::as_str) {
        s.push_str(&format!("{status} {p}{term}"));
    } else if let Some(d) = ev.get("progressDetail") {
        match (d.get("current").and_then(Value::as_f64), d.get("total").and_then(Value::as_f64)) {
            (Some(c), Some(t)) if t > 0.0 => s.push_str(&format!("{status} ({:.1}%){term}", c / t * 100.0)),
            _ => s.push_str(&format!("{status}{term}")),
        }
    } else if let Some(st) = ev.get("stream").and_then(Value::as_str) {
        s.push_str(&format!("{st}{term}"));
    } else {
        s.push_str(&format!("{status}{term}\n"));
    }
    s
}

fn ensure_image(r: &mut Run, s: &Service) -> Result<(), String> {
    let Some(image) = s.image.clone() else { return Ok(()) };
    match r.api.call("GET", &format!("/images/{image}/json"), None) {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => pull(r, s),
        Err(e) => Err(e.message()),
    }
}

fn id_of(c: &Value) -> String {
    c.get("Id").and_then(Value::as_str).unwrap_or("").to_string()
}

/// Creates a service's container `number` and joins it to the project network with its
/// aliases (docker-py: create, inspect, disconnect, connect).
fn create(r: &mut Run, s: &Service, number: u32, hash: &str) -> Result<String, String> {
    let name = format!("{}_{}_{number}", r.project.name, s.name);
    let body = create_body(r, s, number, hash);
    let v = r.api.json("POST", &format!("/containers/create?name={name}"), Some(&body)).map_err(|e| format!("Cannot create container for service {}: {}", s.name, e.message()))?;
    let id = v.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
    let net = network_name(r);
    let _ = r.api.call("GET", &format!("/containers/{id}/json"), None);
    let _ = r.api.call("POST", &format!("/networks/{net}/disconnect"), Some(&json!({ "Container": id })));
    let short: String = id.chars().take(12).collect();
    let _ = r.api.call("POST", &format!("/networks/{net}/connect"), Some(&json!({ "Container": id, "EndpointConfig": { "Aliases": [short, s.name] } })));
    Ok(id)
}

fn start(r: &mut Run, s: &Service, id: &str) -> Result<(), String> {
    r.api.call("POST", &format!("/containers/{id}/start"), None).map(|_| ()).map_err(|e| format!("Cannot start service {}: {}", s.name, e.message()))
}

pub fn up(r: &mut Run, o: &Opts) -> i32 {
    if let Some(bad) = o.services.iter().find(|s| r.project.service(s).is_none()) {
        r.out.error(&format!("No such service: {bad}"));
        return 1;
    }
    if let Err(e) = ensure_network(r) {
        return api_failed(r, &e);
    }
    for all in [false, true] {
        if let Err(e) = r.containers(all, Some(false), None) {
            return api_failed(r, &e);
        }
    }
    let services = selected(r, o);
    for s in &services {
        if let Err(e) = r.containers(true, Some(false), Some(&s.name)) {
            return api_failed(r, &e);
        }
        if let Err(m) = ensure_image(r, s) {
            r.out.error(&m);
            return 1;
        }
    }
    // The plans: what each service's container needs.
    let mut plans = Vec::new();
    for s in &services {
        let hash = model::config_hash(s);
        let existing = match r.containers(true, Some(false), Some(&s.name)) {
            Ok(c) => c,
            Err(e) => return api_failed(r, &e),
        };
        let plan = match existing.first() {
            None => Plan::Create,
            Some(c) if label(c, "com.docker.compose.config-hash") != hash || o.has("--force-recreate") => {
                if o.has("--no-recreate") {
                    Plan::Start(name_of(c))
                } else {
                    Plan::Recreate(c.clone())
                }
            }
            Some(c) if c.get("State").and_then(Value::as_str) == Some("running") => Plan::UpToDate(name_of(c)),
            Some(c) => Plan::Start(name_of(c)),
        };
        plans.push((s.clone(), hash, plan));
    }
    let mut failed = Vec::new();
    for (s, hash, plan) in &plans {
        let (msg, name) = match plan {
            Plan::Create => ("Creating", format!("{}_{}_1", r.project.name, s.name)),
            Plan::Recreate(c) => ("Recreating", name_of(c)),
            Plan::Start(n) => ("Starting", n.clone()),
            Plan::UpToDate(n) => {
                r.out.info(&format!("{n} is up-to-date"));
                continue;
            }
        };
        r.par_initial(msg, &name);
        let result = match plan {
            Plan::Create => create(r, s, 1, hash).and_then(|id| if o.has("--no-start") { Ok(()) } else { start(r, s, &id) }),
            Plan::Recreate(old) => recreate(r, s, hash, old),
            Plan::Start(n) => start(r, s, n),
            Plan::UpToDate(_) => Ok(()),
        };
        match result {
            Ok(()) => r.par_status(msg, &name, "done"),
            Err(e) => {
                r.par_status(msg, &name, "error");
                r.out.err(&format!("\nERROR: for {name}  {e}\n"));
                failed.push((s.name.clone(), e));
            }
        }
    }
    if !failed.is_empty() {
        for (service, e) in &failed {
            r.out.err(&format!("\nERROR: for {service}  {e}\n"));
        }
        r.out.error("Encountered errors while bringing up the project.");
        return 1;
    }
    0
}

/// `recreate_container`: the old one stops and steps aside under `<id12>_<name>`, the new
/// one is created and started, the old one is removed.
fn recreate(r: &mut Run, s: &Service, hash: &str, old: &Value) -> Result<(), String> {
    let id = id_of(old);
    let name = name_of(old);
    let number: u32 = label(old, "com.docker.compose.container-number").parse().unwrap_or(1);
    let _ = r.api.call("POST", &format!("/containers/{id}/stop?t=10"), None);
    let short: String = id.chars().take(12).collect();
    let _ = r.api.call("POST", &format!("/containers/{id}/rename?name={short}_{name}"), None);
    let new = create(r, s, number, hash)?;
    start(r, s, &new)?;
    let _ = r.api.call("DELETE", &format!("/containers/{id}?v=False&link=False&force=False"), None);
    Ok(())
}

pub fn down(r: &mut Run, o: &Opts) -> i32 {
    let _ = o;
    let running = match r.containers(false, None, None) {
        Ok(c) => c,
        Err(e) => return api_failed(r, &e),
    };
    for c in &running {
        r.par_initial("Stopping", &name_of(c));
    }
    for c in &running {
        let id = id_of(c);
        let status = match r.api.call("POST", &format!("/containers/{id}/stop?t=10"), None) {
            Ok(_) => "done",
            Err(_) => "error",
        };
        r.par_status("Stopping", &name_of(c), status);
    }
    if let Err(e) = r.containers(false, Some(false), None) {
        return api_failed(r, &e);
    }
    let all = match r.containers(true, None, None) {
        Ok(c) => c,
        Err(e) => return api_failed(r, &e),
    };
    let stopped: Vec<Value> = all.into_iter().filter(|c| c.get("State").and_then(Value::as_str) != Some("running")).collect();
    for c in &stopped {
        r.par_initial("Removing", &name_of(c));
    }
    for c in &stopped {
        let id = id_of(c);
        let status = match r.api.call("DELETE", &format!("/containers/{id}?v=False&link=False&force=False"), None) {
            Ok(_) => "done",
            Err(_) => "error",
        };
        r.par_status("Removing", &name_of(c), status);
    }
    let net = network_name(r);
    let legacy = legacy_network_name(r);
    let _ = r.api.call("GET", &format!("/networks/{legacy}"), None);
    r.out.info(&format!("Removing network {net}"));
    match r.api.call("DELETE", &format!("/networks/{net}"), None) {
        Ok(_) => 0,
        Err(e) if e.is_not_found() => {
            r.out.warning(&format!("Network {net} not found."));
            0
        }
        Err(e) => api_failed(r, &e),
    }
}

/// `docker-compose pull`: every service's image, `Pulling db ... done`.
pub fn pull_all(r: &mut Run, o: &Opts) -> i32 {
    let services = selected(r, o);
    for s in &services {
        r.par_initial("Pulling", &s.name);
    }
    let mut code = 0;
    for s in &services {
        let (repo, tag) = s.image_repo_tag();
        match r.api.pull(&repo, &tag, s.platform.as_deref()) {
            Ok(ev) => match ev.iter().find_map(|e| e.get("errorDetail").and_then(|d| d.get("message")).and_then(Value::as_str)) {
                None => r.par_status("Pulling", &s.name, "done"),
                Some(m) => {
                    r.par_status("Pulling", &s.name, "error");
                    r.out.err(&format!("\nERROR: for {}  {m}\n", s.name));
                    code = 1;
                }
            },
            Err(e) => {
                r.par_status("Pulling", &s.name, "error");
                r.out.err(&format!("\nERROR: for {}  {}\n", s.name, e.message()));
                code = 1;
            }
        }
    }
    code
}
