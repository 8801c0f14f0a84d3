//! The image endpoints: list, inspect, history, pull (from the simulation's registry), tag,
//! remove, save, load and import.

use crate::sort::SortSlice;
use serde_json::{json, Value};

use super::api::{error, json_response, json_stream};
use super::json::{rfc3339_nanos, Stamp};
use super::registry::RegistryError;
use super::store::{normalize_ref, StoredImage};
use super::Dockerd;
use crate::http::{Request, Response};
use crate::image::build::parse_rfc3339;
use crate::image::digest::Digest;
use crate::image::layout::{self, split_tag};
use crate::image::oci::{self, History, ImageConfig, Platform, RootFs, RunConfig};
use crate::image::tarball::{self, Entry, EntryKind, Limits};
use crate::kernel::Kernel;

pub fn route(d: &mut Dockerd, k: &mut Kernel, req: &Request, segs: &[&str]) -> Response {
    let m = req.method.as_str();
    match (m, segs) {
        ("GET", ["json"]) => list(d, k, req),
        ("POST", ["create"]) => match req.query_value("fromSrc") {
            Some(_) => import(d, k, req),
            None => pull(d, k, req),
        },
        ("GET", ["get"]) => save(d, k, req),
        ("POST", ["load"]) => load(d, k, req),
        _ => {
            // Image names contain slashes: everything up to the last segment is the name.
            let (name, action) = match segs.split_last() {
                Some((a, rest)) if m != "DELETE" => (rest.join("/"), *a),
                _ => (segs.join("/"), ""),
            };
            match (m, action) {
                ("GET", "json") => inspect(d, k, &name),
                ("GET", "history") => history(d, k, &name),
                ("POST", "tag") => tag(d, k, &name, req),
                ("DELETE", _) => remove(d, k, &name, super::api::flag(req, "force")),
                _ => super::api::not_found(k),
            }
        }
    }
}

fn no_such_image(d: &Dockerd, k: &Kernel, name: &str) -> Response {
    error(d, k, 404, &format!("No such image: {}", normalize_ref(name)))
}

pub fn created_unix(img: &StoredImage) -> i64 {
    img.config.created.as_deref().and_then(parse_rfc3339).unwrap_or(0)
}

fn list(d: &Dockerd, k: &Kernel, req: &Request) -> Response {
    // Built images' intermediates would show with `all`; pulled and loaded ones have none.
    let _ = req;
    let mut imgs: Vec<&StoredImage> = d.store.images.values().collect();
    imgs.sort_stable_by_key(|i| std::cmp::Reverse((created_unix(i), i.id.clone())));
    let list: Vec<Value> = imgs
        .iter()
        .map(|i| {
            let size = d.store.size(i);
            json!({
                "Containers": -1,
                "Created": created_unix(i),
                "Id": i.id.0,
                "Labels": i.config.config.labels,
                "ParentId": "",
                "RepoDigests": if i.repo_digests.is_empty() { Value::Null } else { json!(i.repo_digests) },
                "RepoTags": if i.repo_tags.is_empty() { json!(["<none>:<none>"]) } else { json!(i.repo_tags) },
                "SharedSize": -1,
                "Size": size,
                "VirtualSize": size
            })
        })
        .collect();
    json_response(d, k, 200, &Value::Array(list))
}

/// The `Config`/`ContainerConfig` object in dockerd's full form.
pub fn run_config_json(c: &RunConfig, hostname: &str, image: &str) -> Value {
    json!({
        "Hostname": hostname,
        "Domainname": "",
        "User": c.user.clone().unwrap_or_default(),
        "AttachStdin": false,
        "AttachStdout": false,
        "AttachStderr": false,
        "ExposedPorts": c.exposed_ports,
        "Tty": false,
        "OpenStdin": false,
        "StdinOnce": false,
        "Env": c.env,
        "Cmd": c.cmd,
        "Image": image,
        "Volumes": c.volumes,
        "WorkingDir": c.working_dir.clone().unwrap_or_default(),
        "Entrypoint": c.entrypoint,
        "OnBuild": null,
        "Labels": c.labels,
        "StopSignal": c.stop_signal
    })
}

/// Drops the keys Go's `omitempty` leaves out of a Config when they are empty.
fn omit_empty(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        for key in ["ExposedPorts", "StopSignal"] {
            if m.get(key).map(Value::is_null).unwrap_or(false) {
                m.shift_remove(key);
            }
        }
    }
    v
}

fn inspect(d: &Dockerd, k: &Kernel, name: &str) -> Response {
    let Some(img) = d.store.lookup(name) else {
        return error(d, k, 404, &format!("no such image: {name}: No such image: {}", normalize_ref(name)));
    };
    let size = d.store.size(img);
    let top = img.chain.last().and_then(|c| d.store.layers.get(c));
    let dir = |l: &super::store::StoredLayer| format!("{}/{}", super::store::OVERLAY2, l.cache_id);
    let mut data = serde_json::Map::new();
    if img.chain.len() > 1 {
        let lowers: Vec<String> = img.chain.iter().rev().skip(1).filter_map(|c| d.store.layers.get(c)).map(|l| format!("{}/diff", dir(l))).collect();
        data.insert("LowerDir".into(), json!(lowers.join(":")));
    }
    if let Some(t) = top {
        data.insert("MergedDir".into(), json!(format!("{}/merged", dir(t))));
        data.insert("UpperDir".into(), json!(format!("{}/diff", dir(t))));
        data.insert("WorkDir".into(), json!(format!("{}/work", dir(t))));
    }
    let c = &img.config;
    let v = json!([{
        "Id": img.id.0,
        "RepoTags": img.repo_tags,
        "RepoDigests": img.repo_digests,
        "Parent": "",
        "Comment": img.comment.clone().unwrap_or_default(),
        "Created": c.created.clone().unwrap_or_default(),
        "Container": "",
        "ContainerConfig": omit_empty(run_config_json(&RunConfig::default(), "", "")),
        "DockerVersion": img.docker_version,
        "Author": c.author.clone().unwrap_or_default(),
        "Config": omit_empty(run_config_json(&c.config, "", "")),
        "Architecture": c.architecture,
        "Variant": c.variant,
        "Os": c.os,
        "Size": size,
        "VirtualSize": size,
        "GraphDriver": { "Data": data, "Name": "overlay2" },
        "RootFS": { "Type": "layers", "Layers": c.rootfs.diff_ids },
        "Metadata": { "LastTagTime": rfc3339_nanos(&Stamp { secs: img.last_tag_time, nanos: 0 }) }
    }]);
    // `Variant` is omitted when empty.
    let v = match v {
        Value::Array(mut a) => {
            if let Some(Value::Object(m)) = a.first_mut() {
                if m.get("Variant").map(Value::is_null).unwrap_or(false) {
                    m.shift_remove("Variant");
                }
            }
            Value::Array(a)
        }
        other => other,
    };
    let one = v.get(0).cloned().unwrap_or(Value::Null);
    json_response(d, k, 200, &one)
}

fn history(d: &Dockerd, k: &Kernel, name: &str) -> Response {
    let Some(img) = d.store.lookup(name) else { return no_such_image(d, k, name) };
    let mut layers = img.chain.iter();
    let mut rows: Vec<Value> = Vec::new();
    let n = img.config.history.len();
    for (i, h) in img.config.history.iter().enumerate() {
        let size = if h.empty_layer == Some(true) { 0 } else { layers.next().and_then(|c| d.store.layers.get(c)).map(|l| l.size).unwrap_or(0) };
        let top = i + 1 == n;
        rows.push(json!({
            "Comment": h.comment.clone().unwrap_or_default(),
            "Created": h.created.as_deref().and_then(parse_rfc3339).unwrap_or(0),
            "CreatedBy": h.created_by.clone().unwrap_or_default(),
            "Id": if top { img.id.0.clone() } else { "<missing>".to_string() },
            "Size": size,
            "Tags": if top && !img.repo_tags.is_empty() { json!(img.repo_tags) } else { Value::Null }
        }));
    }
    rows.reverse();
    json_response(d, k, 200, &Value::Array(rows))
}

fn tag(d: &mut Dockerd, k: &mut Kernel, name: &str, req: &Request) -> Response {
    let Some(id) = d.store.lookup(name).map(|i| i.id.clone()) else { return no_such_image(d, k, name) };
    let repo = req.query_value("repo").unwrap_or_default();
    let t = req.query_value("tag").filter(|t| !t.is_empty()).unwrap_or_else(|| "latest".into());
    if repo.is_empty() || repo.chars().any(|c| c.is_ascii_uppercase()) {
        return error(d, k, 400, &format!("invalid reference format: repository name ({repo}) must be lowercase"));
    }
    let now = k.now;
    d.store.tag(&id, &normalize_ref(&format!("{repo}:{t}")), now);
    let mut r = Response::new(201);
    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
    r.headers.push(("Docker-Experimental".into(), "false".into()));
    r.headers.push(("Ostype".into(), "linux".into()));
    r.headers.push(("Server".into(), format!("Docker/{} (linux)", d.versions.engine)));
    r.headers.push(("Date".into(), super::api::http_date(k.now)));
    r.headers.push(("Content-Length".into(), "0".into()));
    r
}

fn remove(d: &mut Dockerd, k: &mut Kernel, name: &str, force: bool) -> Response {
    let Some(img) = d.store.lookup(name).cloned() else { return no_such_image(d, k, name) };
    let normalized = normalize_ref(name);
    let by_tag = img.repo_tags.contains(&normalized);
    let users: Vec<&super::containers::Container> = d.containers.values().filter(|c| c.image_id == img.id).collect();
    let mut out: Vec<Value> = Vec::new();
    if by_tag && (img.repo_tags.len() > 1 || (!users.is_empty() && !force)) {
        if img.repo_tags.len() == 1 {
            if let Some(c) = users.first() {
                return error(d, k, 409, &format!(
                    "conflict: unable to remove repository reference \"{name}\" (must force) - container {} is using its referenced image {}",
                    &c.id[..12], img.id.short()));
            }
        }
        if let Some(i) = d.store.images.get_mut(&img.id) {
            i.repo_tags.retain(|t| *t != normalized);
        }
        out.push(json!({ "Untagged": normalized }));
        return json_response(d, k, 200, &Value::Array(out));
    }
    if !by_tag && img.repo_tags.len() > 1 && !force {
        return error(d, k, 409, &format!("conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories", img.id.short()));
    }
    if let Some(c) = users.iter().find(|c| c.state.running) {
        return error(d, k, 409, &format!("conflict: unable to delete {} (cannot be forced) - image is being used by running container {}", img.id.short(), &c.id[..12]));
    }
    if let Some(c) = users.first() {
        if !force {
            return error(d, k, 409, &format!("conflict: unable to delete {} (must be forced) - image is being used by stopped container {}", img.id.short(), &c.id[..12]));
        }
    }
    for t in &img.repo_tags {
        out.push(json!({ "Untagged": t }));
    }
    for dg in &img.repo_digests {
        out.push(json!({ "Untagged": dg }));
    }
    d.store.images.remove(&img.id);
    out.push(json!({ "Deleted": img.id.0 }));
    // Layers no other image uses go too, top first.
    for c in img.chain.iter().rev() {
        if d.store.images.values().any(|i| i.chain.contains(c)) {
            break;
        }
        if let Some(l) = d.store.layers.remove(c) {
            let _ = super::hostfs::remove_all(k, d.daemon_pid(), &format!("{}/{}", super::store::OVERLAY2, l.cache_id));
            let _ = super::hostfs::remove_all(k, d.daemon_pid(), &format!("{}/l/{}", super::store::OVERLAY2, l.link));
            out.push(json!({ "Deleted": c.0 }));
        }
    }
    json_response(d, k, 200, &Value::Array(out))
}

/// The platform a pull asks for: `?platform=` or the daemon's own.
fn wanted_platform(d: &Dockerd, req: &Request) -> Result<Platform, String> {
    match req.query_value("platform").filter(|p| !p.is_empty()) {
        Some(p) => Platform::parse(&p).ok_or_else(|| format!("\"{p}\": unknown operating system or architecture: invalid argument")),
        None => Ok(d.platform.clone()),
    }
}

/// `POST /images/create?fromImage=nginx&tag=1.21-alpine`: fetch the index, pick the manifest
/// for the platform, fetch the config and the layers it lacks, unpack them.
pub fn pull(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    let from = req.query_value("fromImage").unwrap_or_default();
    let tag = req.query_value("tag").filter(|t| !t.is_empty()).unwrap_or_else(|| "latest".into());
    let platform = match wanted_platform(d, req) {
        Ok(p) => p,
        Err(m) => return error(d, k, 400, &m),
    };
    match pull_messages(d, k, &from, &tag, &platform) {
        Ok(msgs) => json_stream(d, k, &msgs),
        Err((status, m)) => error(d, k, status, &m),
    }
}

/// Pulls `repo:tag` into the store; the progress messages, or an error status and message.
pub fn pull_messages(d: &mut Dockerd, k: &mut Kernel, repo: &str, tag: &str, platform: &Platform) -> Result<Vec<Value>, (u16, String)> {
    let short = repo.strip_prefix("docker.io/").unwrap_or(repo);
    let short = short.strip_prefix("library/").unwrap_or(short).to_string();
    let hub_path = if short.contains('/') { short.clone() } else { format!("library/{short}") };
    let built = match d.registry.resolve(&short, tag) {
        Ok(b) => b.clone(),
        Err(RegistryError::NoRepository(r)) => {
            return Err((404, format!("pull access denied for {r}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied")))
        }
        Err(RegistryError::NoTag { repo, tag }) => return Err((404, format!("manifest for {repo}:{tag} not found: manifest unknown: manifest unknown"))),
        Err(RegistryError::Build(e)) => return Err((500, e)),
    };
    let Some(img) = built.for_platform(platform).cloned() else {
        // The index was fetched, so "Pulling from" is already on its way when the platform
        // is found missing: the error comes in the stream (a 200), not as an error response.
        let msg = format!("no matching manifest for {} in the manifest list entries", platform.to_string_full());
        return Ok(vec![json!({ "status": format!("Pulling from {hub_path}"), "id": tag }), json!({ "errorDetail": { "message": msg }, "error": msg })]);
    };
    let name = format!("{short}:{tag}");
    let repo_digest = format!("{short}@{}", built.index_digest());
    let mut msgs = vec![json!({ "status": format!("Pulling from {hub_path}"), "id": tag })];
    if let Some(existing) = d.store.images.get(&img.id()) {
        if existing.repo_tags.contains(&name) {
            return Ok(vec![
                json!({ "status": format!("Pulling from {hub_path}"), "id": tag }),
                json!({ "status": format!("Digest: {}", built.index_digest()) }),
                json!({ "status": format!("Status: Image is up to date for {name}") }),
            ]);
        }
    }
    let have: Vec<bool> = img.layers.iter().map(|l| d.store.blob_diff_ids.get(&l.digest).is_some_and(|dd| d.store.layers.values().any(|x| &x.diff_id == dd))).collect();
    for (l, h) in img.layers.iter().zip(&have) {
        let status = if *h { "Already exists" } else { "Pulling fs layer" };
        msgs.push(json!({ "status": status, "progressDetail": {}, "id": l.digest.short() }));
    }
    let daemon = d.daemon_pid();
    let mut parent: Option<Digest> = None;
    for (l, h) in img.layers.iter().zip(&have) {
        let id = l.digest.short().to_string();
        let size = l.blob.len() as u64;
        if !*h {
            msgs.push(json!({ "status": "Downloading", "progressDetail": { "current": size, "total": size }, "progress": progress_bar(size, size), "id": id }));
            msgs.push(json!({ "status": "Verifying Checksum", "progressDetail": {}, "id": id }));
            msgs.push(json!({ "status": "Download complete", "progressDetail": {}, "id": id }));
        }
        let chain = d.store.add_trusted_layer(k, daemon, parent.as_ref(), &l.blob).map_err(|e| (500, e.to_string()))?;
        give_layer(d, &chain, &l.blob).map_err(|e| (500, e))?;
        // The layer's files are built for the image's CPU (binfmt_misc runs foreign ones).
        if let Some(sb) = d.store.layers.get(&chain).map(|x| x.sb) {
            k.sb_arch.insert(sb, img.config.architecture.clone());
        }
        d.store.blob_diff_ids.insert(l.digest.clone(), l.diff_id.clone());
        if !*h {
            msgs.push(json!({ "status": "Extracting", "progressDetail": { "current": size, "total": size }, "progress": progress_bar(size, size), "id": id }));
            msgs.push(json!({ "status": "Pull complete", "progressDetail": {}, "id": id }));
        }
        parent = Some(chain);
    }
    let now = k.now;
    let image_id = d.store.add_image(img.config_bytes.clone(), now, None, "").map_err(|e| (500, e.to_string()))?;
    d.store.tag(&image_id, &name, now);
    if let Some(i) = d.store.images.get_mut(&image_id) {
        if !i.repo_digests.contains(&repo_digest) {
            i.repo_digests.push(repo_digest);
        }
    }
    msgs.push(json!({ "status": format!("Digest: {}", built.index_digest()) }));
    msgs.push(json!({ "status": format!("Status: Downloaded newer image for {name}") }));
    Ok(msgs)
}

/// `[==================================================>]  2.814MB/2.814MB`.
pub fn progress_bar(current: u64, total: u64) -> String {
    let width = 50u64;
    let filled = (current * width).checked_div(total).map(|f| f.min(width)).unwrap_or(width);
    let bar = if filled >= width {
        "=".repeat(width as usize - 1) + ">"
    } else {
        "=".repeat(filled as usize) + ">" + &" ".repeat((width - filled - 1) as usize)
    };
    let h = |n: u64| crate::client::humanize::human_size(n as f64);
    format!("[{bar}] {:>8}/{}", h(current), h(total))
}

/// Hands a layer the store has taken to the real runtime underneath, if one runs the
/// containers (it unpacks the same blob on its disk).
fn give_layer(d: &Dockerd, chain: &Digest, blob: &[u8]) -> Result<(), String> {
    let (Some(rt), Some(l)) = (&d.containerd, d.store.layers.get(chain)) else { return Ok(()) };
    rt.layer(&l.diff_id.to_string(), blob)
}

fn import(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    let daemon = d.daemon_pid();
    let chain = match d.store.add_layer(k, daemon, None, &req.body) {
        Ok(c) => c,
        Err(e) => return error(d, k, 500, &e.to_string()),
    };
    if let Err(e) = give_layer(d, &chain, &req.body) {
        return error(d, k, 500, &e);
    }
    let diff_id = d.store.layers.get(&chain).map(|l| l.diff_id.clone()).unwrap_or_else(|| chain.clone());
    let mut run = RunConfig::default();
    for ch in req.query().iter().filter(|(k, _)| k == "changes").map(|(_, v)| v.clone()) {
        if let Some(cmd) = ch.strip_prefix("CMD ") {
            run.cmd = serde_json::from_str(cmd).ok().or_else(|| Some(vec!["/bin/sh".into(), "-c".into(), cmd.to_string()]));
        }
    }
    let created = rfc3339_nanos(&Stamp::now(k));
    let config = ImageConfig {
        architecture: match k.uname.machine.as_str() { "aarch64" => "arm64".into(), _ => "amd64".into() },
        author: None,
        config: run,
        created: Some(created.clone()),
        docker_version: Some(d.versions.engine.clone()),
        history: vec![History { created: Some(created), created_by: None, comment: Some("Imported from -".into()), empty_layer: None }],
        os: "linux".into(),
        rootfs: RootFs { kind: "layers".into(), diff_ids: vec![diff_id.0] },
        variant: None,
    };
    let bytes = oci::to_bytes(&config);
    let now = k.now;
    let id = match d.store.add_image(bytes, now, Some("Imported from -".into()), &d.versions.engine.clone()) {
        Ok(id) => id,
        Err(e) => return error(d, k, 500, &e.to_string()),
    };
    if let Some(repo) = req.query_value("repo").filter(|r| !r.is_empty()) {
        // The CLI sends `repo=alpine:3.15` and no tag: a tag in the repo is the tag.
        let tagged = repo.rsplit('/').next().is_some_and(|last| last.contains(':'));
        let name = match req.query_value("tag").filter(|t| !t.is_empty()) {
            Some(t) => format!("{repo}:{t}"),
            None if tagged => repo,
            None => format!("{repo}:latest"),
        };
        d.store.tag(&id, &normalize_ref(&name), now);
    }
    json_stream(d, k, &[json!({ "status": id.0 })])
}

fn load(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    let platform = d.platform.clone();
    let images = match layout::read_files(&req.body, &Limits::default()).and_then(|f| layout::read(&f, &platform)) {
        Ok(i) => i,
        Err(e) => return error(d, k, 500, &e.to_string()),
    };
    let daemon = d.daemon_pid();
    let mut msgs = Vec::new();
    for img in images {
        let mut parent: Option<Digest> = None;
        for blob in &img.layers {
            match d.store.add_layer(k, daemon, parent.as_ref(), blob).map_err(|e| e.to_string()).and_then(|c| give_layer(d, &c, blob).map(|_| c)) {
                Ok(c) => parent = Some(c),
                Err(e) => return error(d, k, 500, &e),
            }
        }
        let now = k.now;
        let id = match d.store.add_image(img.config_bytes.clone(), now, None, "") {
            Ok(id) => id,
            Err(e) => return error(d, k, 500, &e.to_string()),
        };
        if img.repo_tags.is_empty() {
            msgs.push(json!({ "stream": format!("Loaded image ID: {id}\n") }));
        }
        for t in &img.repo_tags {
            let t = normalize_ref(t);
            if let Some(old) = d.store.tag(&id, &t, now) {
                msgs.push(json!({ "stream": format!("The image {t} already exists, renaming the old one with ID {old} to empty string\n") }));
            }
            msgs.push(json!({ "stream": format!("Loaded image: {t}\n") }));
        }
    }
    json_stream(d, k, &msgs)
}

/// `docker save`: Docker 20.10's archive (`<id>.json`, one directory per layer with
/// `VERSION`, `json`, `layer.tar`, then `manifest.json` and `repositories`).
fn save(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    let names: Vec<String> = req.query().into_iter().filter(|(k, _)| k == "names").map(|(_, v)| v).collect();
    let mut entries: Vec<Entry> = Vec::new();
    let mut manifest: Vec<Value> = Vec::new();
    let mut repositories = serde_json::Map::new();
    let mtime = k.now;
    for n in &names {
        let Some(img) = d.store.lookup(n).cloned() else { return no_such_image(d, k, n) };
        let mut layer_paths = Vec::new();
        let mut parent_v1 = String::new();
        for c in &img.chain {
            let Some(l) = d.store.layers.get(c) else { continue };
            let v1 = Digest::of(format!("{parent_v1} {}", l.chain_id).as_bytes()).hex().to_string();
            let tar = export_layer(k, l.sb);
            let json_v1 = if parent_v1.is_empty() {
                json!({ "id": v1, "created": "1970-01-01T00:00:00Z", "container_config": {} })
            } else {
                json!({ "id": v1, "parent": parent_v1, "created": "1970-01-01T00:00:00Z", "container_config": {} })
            };
            entries.push(Entry { path: v1.clone(), kind: EntryKind::Dir, mode: 0o755, uid: 0, gid: 0, mtime, size: 0 });
            entries.push(file(&format!("{v1}/VERSION"), b"1.0".to_vec(), mtime));
            entries.push(file(&format!("{v1}/json"), serde_json::to_vec(&json_v1).unwrap_or_default(), mtime));
            entries.push(file(&format!("{v1}/layer.tar"), tar, mtime));
            layer_paths.push(format!("{v1}/layer.tar"));
            parent_v1 = v1;
        }
        entries.insert(0, file(&format!("{}.json", img.id.hex()), img.config_bytes.clone(), mtime));
        let tag = normalize_ref(n);
        let tags: Vec<String> = if img.repo_tags.contains(&tag) { vec![tag.clone()] } else { img.repo_tags.clone() };
        for t in &tags {
            let (r, tg) = split_tag(t);
            let entry = repositories.entry(r.to_string()).or_insert_with(|| json!({}));
            if let Value::Object(m) = entry {
                m.insert(tg.to_string(), json!(parent_v1));
            }
        }
        manifest.push(json!({ "Config": format!("{}.json", img.id.hex()), "RepoTags": tags, "Layers": layer_paths }));
    }
    entries.push(file("manifest.json", serde_json::to_vec(&manifest).unwrap_or_default(), 0));
    entries.push(file("repositories", serde_json::to_vec(&Value::Object(repositories)).unwrap_or_default(), 0));
    let mut r = Response::new(200);
    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
    r.headers.push(("Content-Type".into(), "application/x-tar".into()));
    r.headers.push(("Docker-Experimental".into(), "false".into()));
    r.headers.push(("Ostype".into(), "linux".into()));
    r.headers.push(("Server".into(), format!("Docker/{} (linux)", d.versions.engine)));
    r.headers.push(("Date".into(), super::api::http_date(k.now)));
    r.headers.push(("Transfer-Encoding".into(), "chunked".into()));
    r.push_chunk(&tarball::write_tar(&entries));
    r
}

fn file(path: &str, data: Vec<u8>, mtime: i64) -> Entry {
    let size = data.len() as u64;
    Entry { path: path.to_string(), kind: EntryKind::File(data), mode: 0o644, uid: 0, gid: 0, mtime, size }
}

/// A layer's files as a tar, whiteouts written back as `.wh.` entries.
pub fn export_layer(k: &Kernel, sb: usize) -> Vec<u8> {
    use crate::kernel::vfs::NodeKind;
    let Some(t) = k.vfs.tree(sb) else { return Vec::new() };
    let mut entries = Vec::new();
    let mut stack: Vec<(String, usize)> = vec![(String::new(), 0)];
    while let Some((path, ino)) = stack.pop() {
        let Some(NodeKind::Dir(children)) = t.node(ino).map(|n| &n.kind) else { continue };
        let mut kids: Vec<(&String, &usize)> = children.iter().collect();
        kids.reverse();
        for (name, &c) in kids {
            let Some(n) = t.node(c) else { continue };
            let p = if path.is_empty() { name.clone() } else { format!("{path}/{name}") };
            if n.is_whiteout() {
                let wh = match p.rsplit_once('/') { Some((dir, base)) => format!("{dir}/.wh.{base}"), None => format!(".wh.{p}") };
                entries.push(Entry { path: wh, kind: EntryKind::File(Vec::new()), mode: 0, uid: 0, gid: 0, mtime: n.mtime, size: 0 });
                continue;
            }
            let kind = match &n.kind {
                NodeKind::Dir(_) | NodeKind::Subtree(_) => EntryKind::Dir,
                NodeKind::File { data, size } => {
                    let mut d = data.clone();
                    d.resize(*size as usize, 0);
                    EntryKind::File(d)
                }
                NodeKind::Symlink(s) => EntryKind::Symlink(s.clone()),
                NodeKind::CharDev(a, b) => EntryKind::CharDev(*a, *b),
                NodeKind::BlockDev(a, b) => EntryKind::BlockDev(*a, *b),
                NodeKind::Fifo | NodeKind::Socket => EntryKind::Fifo,
            };
            let size = if let EntryKind::File(d) = &kind { d.len() as u64 } else { 0 };
            entries.push(Entry { path: p.clone(), kind, mode: n.perm, uid: n.uid, gid: n.gid, mtime: n.mtime, size });
            if matches!(n.kind, NodeKind::Dir(_)) {
                stack.push((p, c));
            }
        }
    }
    tarball::write_tar(&entries)
}
