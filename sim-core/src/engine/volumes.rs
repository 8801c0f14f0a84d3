//! Volumes of the `local` driver (dockerd 20.10's `volume/local`): a directory
//! `/var/lib/docker/volumes/NAME/_data` on the host, named or anonymous (64 hex digits), and
//! the `/volumes` endpoints with their JSON and errors.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::api::{error, json_response, no_content};
use super::json::Stamp;
use super::store::random_hex64;
use super::{hostfs, Dockerd};
use crate::http::{Request, Response};
use crate::kernel::vfs::FileType;
use crate::kernel::{Kernel, Pid};

pub const VOLUMES: &str = "/var/lib/docker/volumes";

#[derive(Clone, Debug)]
pub struct Volume {
    pub name: String,
    pub created: Stamp,
    /// `--label`: encoding/json writes a map's keys sorted, as a BTreeMap keeps them.
    pub labels: Option<BTreeMap<String, String>>,
    pub options: Option<BTreeMap<String, String>>,
}

impl Volume {
    pub fn mountpoint(&self) -> String {
        format!("{VOLUMES}/{}/_data", self.name)
    }
}

/// `[a-zA-Z0-9][a-zA-Z0-9_.-]+` (`utils.RestrictedNamePattern`).
fn valid_name(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphanumeric() && b[1..].iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// The error `create` gives a name the local driver refuses.
pub fn bad_name(name: &str) -> String {
    format!("create {name}: \"{name}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")
}

/// The options the local driver knows (`type`, `device`, `o`, `size`).
const LOCAL_OPTS: &[&str] = &["type", "device", "o", "size"];

/// Creates the volume (or finds the one of that name): its directories on the host.
pub fn create(d: &mut Dockerd, k: &mut Kernel, name: Option<&str>, labels: Option<BTreeMap<String, String>>, opts: Option<BTreeMap<String, String>>) -> Result<String, (u16, String)> {
    let name = match name.filter(|n| !n.is_empty()) {
        Some(n) => n.to_string(),
        None => random_hex64(k),
    };
    if d.volumes.contains_key(&name) {
        return Ok(name);
    }
    if name.len() == 1 {
        return Err((400, format!("create {name}: volume name is too short, names should be at least two alphanumeric characters")));
    }
    if !valid_name(&name) {
        return Err((400, bad_name(&name)));
    }
    if let Some(bad) = opts.iter().flatten().map(|(key, _)| key).find(|key| !LOCAL_OPTS.contains(&key.as_str())) {
        return Err((400, format!("create {name}: invalid option: \"{bad}\"")));
    }
    let daemon = d.daemon_pid();
    let dir = format!("{VOLUMES}/{name}");
    let _ = hostfs::mkdir_p(k, daemon, VOLUMES, 0o701);
    let _ = hostfs::mkdir_p(k, daemon, &dir, 0o701);
    let _ = hostfs::mkdir_p(k, daemon, &format!("{dir}/_data"), 0o755);
    let v = Volume { name: name.clone(), created: Stamp { secs: k.now, nanos: 0 }, labels: labels.filter(|l| !l.is_empty()), options: opts.filter(|o| !o.is_empty()) };
    d.volumes.insert(name.clone(), v);
    Ok(name)
}

/// The containers (any state) whose mounts use the volume.
pub fn users(d: &Dockerd, name: &str) -> Vec<String> {
    let mut ids: Vec<String> = d.containers.values().filter(|c| c.mounts.iter().any(|m| m.volume.as_deref() == Some(name))).map(|c| c.id.clone()).collect();
    ids.sort();
    ids
}

/// Removes a volume and its directory; refused while a container uses it.
pub fn remove(d: &mut Dockerd, k: &mut Kernel, name: &str) -> Result<(), (u16, String)> {
    if !d.volumes.contains_key(name) {
        return Err((404, format!("get {name}: no such volume")));
    }
    let using = users(d, name);
    if !using.is_empty() {
        return Err((409, format!("remove {name}: volume is in use - [{}]", using.join(" "))));
    }
    let daemon = d.daemon_pid();
    let _ = hostfs::remove_all(k, daemon, &format!("{VOLUMES}/{name}"));
    d.volumes.remove(name);
    Ok(())
}

/// The bytes of the regular files under `path` (what `directory.Size` counts).
pub fn tree_size(k: &Kernel, pid: Pid, path: &str) -> u64 {
    let Ok(r) = k.resolve(pid, path, false) else { return 0 };
    let Some(st) = k.stat_loc(&r.loc) else { return 0 };
    match st.ftype {
        FileType::File => st.size,
        FileType::Dir => k
            .read_dir(pid, &r.loc)
            .map(|entries| entries.iter().map(|(n, _)| tree_size(k, pid, &format!("{}/{n}", path.trim_end_matches('/')))).sum())
            .unwrap_or(0),
        _ => 0,
    }
}

/// The volume's JSON. `CreatedAt` is when `_data` last changed (the local driver reports its
/// directory's time: writing into the volume moves it).
pub fn json(k: &Kernel, v: &Volume) -> Value {
    let changed = k.resolve(1, &v.mountpoint(), true).ok().and_then(|r| k.stat_loc(&r.loc)).map(|s| s.mtime).unwrap_or(v.created.secs);
    json!({
        "CreatedAt": crate::clock::rfc3339(changed),
        "Driver": "local",
        "Labels": v.labels,
        "Mountpoint": v.mountpoint(),
        "Name": v.name,
        "Options": v.options,
        "Scope": "local"
    })
}

/// A volume as `/system/df` lists it, with its size and how many containers use it.
pub fn usage_json(d: &Dockerd, k: &Kernel, v: &Volume) -> Value {
    let mut j = json(k, v);
    if let Value::Object(m) = &mut j {
        m.insert("UsageData".into(), json!({ "RefCount": users(d, &v.name).len(), "Size": tree_size(k, d.daemon_pid(), &v.mountpoint()) }));
    }
    j
}

fn label_matches(v: &Volume, want: &str) -> bool {
    let labels = v.labels.as_ref();
    match want.split_once('=') {
        Some((key, val)) => labels.and_then(|l| l.get(key)).map(String::as_str) == Some(val),
        None => labels.is_some_and(|l| l.contains_key(want)),
    }
}

/// `filters`: `dangling`, `name` (a substring), `label`, `driver`.
fn matches(d: &Dockerd, v: &Volume, filters: &[(String, Vec<String>)]) -> Result<bool, String> {
    for (key, values) in filters {
        let ok = match key.as_str() {
            "dangling" => {
                let mut any = false;
                for val in values {
                    let want = match val.as_str() {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => return Err(format!("Invalid filter 'dangling=[{}]'", values.join(" "))),
                    };
                    any |= users(d, &v.name).is_empty() == want;
                }
                any
            }
            "name" => values.iter().any(|n| v.name.contains(n.as_str())),
            "label" => values.iter().all(|l| label_matches(v, l)),
            "driver" => values.iter().any(|dr| dr == "local"),
            other => return Err(format!("Invalid filter '{other}'")),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn route(d: &mut Dockerd, k: &mut Kernel, req: &Request, segs: &[&str]) -> Response {
    match (req.method.as_str(), segs) {
        ("GET", [] | [""]) => list(d, k, req),
        ("POST", ["create"]) => create_endpoint(d, k, req),
        ("POST", ["prune"]) => prune(d, k, req),
        ("GET", [name]) => match d.volumes.get(*name) {
            Some(v) => json_response(d, k, 200, &json(k, v)),
            None => error(d, k, 404, &format!("get {name}: no such volume")),
        },
        ("DELETE", [name]) => {
            let force = super::api::flag(req, "force");
            match remove(d, k, name) {
                Ok(()) => no_content(d, k),
                Err((404, _)) if force => no_content(d, k),
                Err((status, msg)) => error(d, k, status, &msg),
            }
        }
        _ => super::api::not_found(k),
    }
}

fn list(d: &Dockerd, k: &Kernel, req: &Request) -> Response {
    if let Some(refused) = super::api::filters_error(d, k, req) {
        return refused;
    }
    let filters = super::api::filters(req);
    let mut out = Vec::new();
    for v in d.volumes.values() {
        match matches(d, v, &filters) {
            Ok(true) => out.push(json(k, v)),
            Ok(false) => {}
            Err(msg) => return error(d, k, 400, &msg),
        }
    }
    json_response(d, k, 200, &json!({ "Volumes": out, "Warnings": null }))
}

fn string_map(v: Option<&Value>) -> Option<BTreeMap<String, String>> {
    let m = v?.as_object()?;
    Some(m.iter().map(|(a, b)| (a.clone(), b.as_str().unwrap_or("").to_string())).collect())
}

fn create_endpoint(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    if let Some(refused) = super::api::check_json(d, k, req) {
        return refused;
    }
    match super::gojson::decode_error(&req.body, "volume.VolumeCreateBody").as_deref() {
        Some("EOF") => return error(d, k, 400, "got EOF while reading request body"),
        Some(msg) => return error(d, k, 400, msg),
        None => {}
    }
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let name = body.get("Name").and_then(Value::as_str).map(str::to_string);
    let driver = body.get("Driver").and_then(Value::as_str).unwrap_or("");
    if !driver.is_empty() && driver != "local" {
        let name = name.unwrap_or_default();
        return error(d, k, 404, &format!("create {name}: error looking up volume plugin {driver}: plugin \"{driver}\" not found"));
    }
    match create(d, k, name.as_deref(), string_map(body.get("Labels")), string_map(body.get("DriverOpts"))) {
        Ok(n) => {
            let v = d.volumes.get(&n).map(|v| json(k, v)).unwrap_or(Value::Null);
            json_response(d, k, 201, &v)
        }
        Err((status, msg)) => error(d, k, status, &msg),
    }
}

/// Removes every volume no container uses (API 1.41: named ones too), with the filters'
/// `label` / `label!`.
fn prune(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    if let Some(refused) = super::api::filters_error(d, k, req) {
        return refused;
    }
    let filters = super::api::filters(req);
    for (key, _) in &filters {
        if !matches!(key.as_str(), "label" | "label!") {
            return error(d, k, 400, &format!("Invalid filter '{key}'"));
        }
    }
    let daemon = d.daemon_pid();
    let names: Vec<String> = d
        .volumes
        .values()
        .filter(|v| users(d, &v.name).is_empty())
        .filter(|v| {
            filters.iter().all(|(key, values)| match key.as_str() {
                "label" => values.iter().all(|l| label_matches(v, l)),
                _ => !values.iter().any(|l| label_matches(v, l)),
            })
        })
        .map(|v| v.name.clone())
        .collect();
    let mut deleted = Vec::new();
    let mut space = 0;
    for n in names {
        let size = d.volumes.get(&n).map(|v| tree_size(k, daemon, &v.mountpoint())).unwrap_or(0);
        if remove(d, k, &n).is_ok() {
            space += size;
            deleted.push(n);
        }
    }
    json_response(d, k, 200, &json!({ "VolumesDeleted": deleted, "SpaceReclaimed": space }))
}
