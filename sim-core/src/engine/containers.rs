//! Containers: create, start, stop, kill, remove, exec, logs, and their JSON views.
//!
//! A running container is what the article shows: `containerd-shim-runc-v2` (a child of PID 1)
//! whose child is the container's PID 1 in new PID, mount, network, UTS and IPC namespaces;
//! its `/` is an overlay of the image's layers, an `-init` layer and its own upper layer; its
//! eth0 is one end of a veth pair whose other end is on docker0; each published port has a
//! `docker-proxy` under dockerd.

use crate::sort::SortSlice;
use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::api::{error, json_response, no_content, raw_stream, upgraded};
use super::json::{rfc3339_nanos, Stamp, ZERO_TIME};
use super::network;
use super::runtime::{self, Started};
use super::store::{random_hex64, random_link, OVERLAY2};
use super::{hostfs, Dockerd};
use crate::http::{Request, Response};
use crate::image::digest::Digest;
use crate::kernel::net::{fmt_ip, fmt_mac};
use crate::kernel::{Kernel, NsId, Pid};

pub const CONTAINERS: &str = "/var/lib/docker/containers";

#[derive(Clone, Debug, Default)]
pub struct ContainerState {
    pub running: bool,
    /// `created`, `running`, `exited`.
    pub status: String,
    /// Global PID of the container's PID 1 while it runs, else 0.
    pub pid: Pid,
    pub exit_code: i32,
    pub error: String,
    pub started_at: Option<Stamp>,
    pub finished_at: Option<Stamp>,
    /// When the PID 1 will exit by itself (a `sleep`), if it will.
    pub exits_at: Option<i64>,
    /// The host PID of PID 1 when a real runtime runs the container (`Dockerd::containerd`).
    pub host_pid: Option<i64>,
    /// `docker pause`: the cgroup freezer holds every process of the container; each one's
    /// state before, to give back on `unpause`.
    pub frozen: Option<Vec<(Pid, crate::kernel::ProcState)>>,
}

impl ContainerState {
    /// The `State` word of the API: a paused container is `paused`, though it runs.
    pub fn shown(&self) -> &str {
        if self.frozen.is_some() {
            "paused"
        } else {
            &self.status
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortBinding {
    /// `80/tcp`
    pub port: String,
    pub host_ip: String,
    pub host_port: String,
}

/// One line a container wrote, for `docker logs`.
#[derive(Clone, Debug)]
pub struct LogLine {
    /// 1 = stdout, 2 = stderr.
    pub stream: u8,
    pub at: Stamp,
    pub bytes: Vec<u8>,
}

/// The container's layers: `<id>-init` and `<id>` under overlay2/, and the overlay of them.
#[derive(Clone, Debug)]
pub struct Rootfs {
    pub cache_id: String,
    pub link: String,
    pub init_link: String,
    pub init_sb: usize,
    pub upper_sb: usize,
    pub overlay_sb: usize,
    /// The `lowerdir=` option: short links, topmost first.
    pub lowerdir: String,
}

#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    /// With the leading slash, as dockerd keeps names: `/nginx`.
    pub name: String,
    pub created: Stamp,
    /// The image as the user named it (`nginx:1.21-alpine`).
    pub image: String,
    pub image_id: Digest,
    pub path: String,
    pub args: Vec<String>,
    /// The merged config (create body over the image's), as `.Config` shows it.
    pub config: Value,
    pub host_config: Value,
    pub ports: Vec<PortBinding>,
    pub auto_remove: bool,
    pub network_mode: String,
    /// `--pid=host`: PID 1 and its children stay in the host's (the VM's) PID namespace.
    pub pid_host: bool,
    /// `--privileged`: every capability, instead of Docker's default set.
    pub privileged: bool,
    /// Volumes and bind mounts (`-v`, `--mount`, the image's VOLUME).
    pub mounts: Vec<super::mounts::MountPoint>,
    pub state: ContainerState,
    pub rootfs: Rootfs,
    pub logs: Vec<LogLine>,
    pub shim_pid: Option<Pid>,
    pub proxies: Vec<Pid>,
    pub netns: Option<NsId>,
    pub sandbox_id: String,
    pub restart_count: u32,
    pub exec_ids: Vec<String>,
    pub tty: bool,
    /// The interactive shell PID 1 runs, when started with `-it`, until a client attaches.
    pub terminal: Option<Box<crate::shell::Shell>>,
}

impl Container {
    pub fn short_id(&self) -> &str {
        &self.id[..12.min(self.id.len())]
    }
    pub fn hostname(&self) -> String {
        self.config.get("Hostname").and_then(Value::as_str).unwrap_or("").to_string()
    }
    pub fn env(&self) -> Vec<String> {
        str_list(self.config.get("Env"))
    }
    /// The whole command: ENTRYPOINT then CMD.
    pub fn argv(&self) -> Vec<String> {
        let mut v = vec![self.path.clone()];
        v.extend(self.args.iter().cloned());
        v
    }
    pub fn stop_signal(&self) -> String {
        self.config.get("StopSignal").and_then(Value::as_str).unwrap_or("SIGTERM").to_string()
    }
}

/// An exec instance (`POST /containers/{id}/exec`).
#[derive(Clone, Debug)]
pub struct ExecInstance {
    pub id: String,
    pub container: String,
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub user: String,
    pub workdir: String,
    pub tty: bool,
    pub attach_stdin: bool,
    /// `docker exec --privileged`.
    pub privileged: bool,
    pub running: bool,
    pub exit_code: Option<i32>,
    pub pid: Pid,
    /// Its host PID when a real runtime runs it.
    pub host_pid: Option<i64>,
}

pub fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// Finds a container by full ID, name (with or without `/`), or unique ID prefix.
pub fn find(d: &Dockerd, r: &str) -> Option<String> {
    if d.containers.contains_key(r) {
        return Some(r.to_string());
    }
    let slashed = format!("/{}", r.trim_start_matches('/'));
    if let Some(c) = d.containers.values().find(|c| c.name == slashed) {
        return Some(c.id.clone());
    }
    let m: Vec<&String> = d.containers.keys().filter(|id| !r.is_empty() && id.starts_with(r)).collect();
    (m.len() == 1).then(|| m[0].clone())
}

fn no_such(d: &Dockerd, k: &Kernel, r: &str) -> Response {
    error(d, k, 404, &format!("No such container: {r}"))
}

pub fn route(d: &mut Dockerd, k: &mut Kernel, req: &Request, segs: &[&str]) -> Response {
    let m = req.method.as_str();
    match (m, segs) {
        ("GET", ["json"]) => list(d, k, req),
        ("POST", ["create"]) => create(d, k, req),
        ("POST", [r, "wait"]) if find(d, r).is_none() && d.removed.contains_key(*r) => {
            // `wait?condition=removed` of a `--rm` container that is already gone.
            let code = d.removed.get(*r).map(|x| x.0).unwrap_or(0);
            let mut resp = super::api::json_stream(d, k, &[]);
            let mut body = serde_json::to_vec(&json!({ "Error": null, "StatusCode": code })).unwrap_or_default();
            body.push(b'\n');
            resp.push_chunk(&body);
            resp
        }
        (_, [r, rest @ ..]) => {
            let Some(id) = find(d, r) else {
                if m == "POST" && rest == ["kill"] {
                    return error(d, k, 404, &format!("Cannot kill container: {r}: No such container: {r}"));
                }
                return no_such(d, k, r);
            };
            match (m, rest) {
                ("GET", ["json"]) => json_response(d, k, 200, &inspect(d, &id)),
                ("POST", ["start"]) => start(d, k, &id),
                ("POST", ["stop"]) => {
                    let t = req.query_value("t").and_then(|t| t.parse().ok());
                    stop(d, k, &id, t);
                    no_content(d, k)
                }
                ("POST", ["restart"]) => {
                    let t = req.query_value("t").and_then(|t| t.parse().ok());
                    stop(d, k, &id, t);
                    if let Some(c) = d.containers.get_mut(&id) {
                        c.restart_count = 0;
                    }
                    start(d, k, &id)
                }
                ("POST", ["kill"]) => kill(d, k, &id, &req.query_value("signal").unwrap_or_else(|| "KILL".into())),
                ("POST", ["wait"]) => wait(d, k, &id),
                ("POST", ["rename"]) => rename(d, k, &id, &req.query_value("name").unwrap_or_default()),
                ("POST", ["resize"]) => {
                    let mut r = Response::new(200);
                    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
                    r.headers.push(("Content-Length".into(), "0".into()));
                    r
                }
                ("POST", ["attach"]) => upgraded(d, k),
                ("POST", ["exec"]) if d.containers.get(&id).is_some_and(|c| c.state.frozen.is_some()) => {
                    error(d, k, 409, &format!("Container {r} is paused, unpause the container before exec"))
                }
                ("POST", ["exec"]) => exec_create(d, k, &id, req),
                ("POST", ["pause"]) => pause(d, k, &id),
                ("POST", ["unpause"]) => unpause(d, k, &id),
                ("GET", ["logs"]) => logs(d, k, &id, req),
                ("GET", ["top"]) => top(d, k, &id, req),
                ("GET", ["changes"]) => {
                    let v = d.containers.get(&id).map(|c| super::changes::json(k, d, c)).unwrap_or(Value::Null);
                    json_response(d, k, 200, &v)
                }
                ("DELETE", []) => remove(d, k, &id, super::api::flag(req, "force"), super::api::flag(req, "v")),
                _ => super::api::not_found(k),
            }
        }
        _ => super::api::not_found(k),
    }
}

/// `[a-zA-Z0-9][a-zA-Z0-9_.-]+`
fn valid_name(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() >= 2
        && b[0].is_ascii_alphanumeric()
        && b[1..].iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

fn create(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    if let Some(refused) = super::api::check_json(d, k, req) {
        return refused;
    }
    if let Some(msg) = super::gojson::decode_error(&req.body, "runconfig.ContainerConfigWrapper") {
        return error(d, k, 500, &msg);
    }
    let body: Value = match serde_json::from_slice(&req.body) {
        Ok(v) => v,
        Err(e) => return error(d, k, 400, &format!("invalid character in request body: {e}")),
    };
    let image_ref = body.get("Image").and_then(Value::as_str).unwrap_or("").to_string();
    let Some(img) = d.store.lookup(&image_ref).cloned() else {
        return error(d, k, 404, &format!("No such image: {}", super::store::normalize_ref(&image_ref)));
    };
    let name = match req.query_value("name").filter(|n| !n.is_empty()) {
        Some(n) => {
            let n = n.trim_start_matches('/').to_string();
            if !valid_name(&n) {
                return error(d, k, 400, &format!("Invalid container name ({n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
            }
            n
        }
        None => random_name(d, k),
    };
    if let Some(other) = d.containers.values().find(|c| c.name == format!("/{name}")) {
        return error(d, k, 409, &format!(
            "Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
            other.id));
    }
    let id = random_hex64(k);
    let ic = &img.config.config;
    let given = |key: &str| body.get(key).filter(|v| !v.is_null());
    let entrypoint: Vec<String> = match given("Entrypoint") {
        // `--entrypoint ''` sends [""]: no entrypoint at all, not the image's.
        Some(e) if str_list(Some(e)) == [""] => Vec::new(),
        Some(e) => str_list(Some(e)),
        None => ic.entrypoint.clone().unwrap_or_default(),
    };
    let cmd: Vec<String> = match given("Cmd").filter(|c| c.as_array().is_some_and(|a| !a.is_empty())) {
        Some(c) => str_list(Some(c)),
        None if given("Entrypoint").is_some() => Vec::new(),
        None => ic.cmd.clone().unwrap_or_default(),
    };
    let mut full: Vec<String> = entrypoint.clone();
    full.extend(cmd.iter().cloned());
    if full.is_empty() {
        return error(d, k, 400, "No command specified");
    }
    let mut env: Vec<String> = ic.env.clone().unwrap_or_default();
    for e in str_list(body.get("Env")) {
        let key = e.split('=').next().unwrap_or("").to_string();
        env.retain(|x| x.split('=').next() != Some(key.as_str()));
        env.push(e);
    }
    let mut exposed = serde_json::Map::new();
    for p in ic.exposed_ports.iter().flat_map(|m| m.keys()) {
        exposed.insert(p.clone(), json!({}));
    }
    if let Some(Value::Object(m)) = body.get("ExposedPorts") {
        for p in m.keys() {
            exposed.insert(p.clone(), json!({}));
        }
    }
    let hostname = body.get("Hostname").and_then(Value::as_str).filter(|h| !h.is_empty()).map(str::to_string).unwrap_or_else(|| id[..12].to_string());
    let workdir = body.get("WorkingDir").and_then(Value::as_str).filter(|w| !w.is_empty()).map(str::to_string).or(ic.working_dir.clone()).unwrap_or_default();
    let user = body.get("User").and_then(Value::as_str).filter(|u| !u.is_empty()).map(str::to_string).or(ic.user.clone()).unwrap_or_default();
    let tty = body.get("Tty").and_then(Value::as_bool).unwrap_or(false);
    let open_stdin = body.get("OpenStdin").and_then(Value::as_bool).unwrap_or(false);
    let mut labels = serde_json::Map::new();
    for (k2, v) in ic.labels.iter().flatten() {
        labels.insert(k2.clone(), json!(v));
    }
    if let Some(Value::Object(given)) = body.get("Labels") {
        for (k2, v) in given {
            labels.insert(k2.clone(), v.clone());
        }
    }
    let b = |key: &str| body.get(key).and_then(Value::as_bool).unwrap_or(false);
    // Config.Volumes: the request's, with the image's VOLUMEs added.
    let mut config_volumes: Vec<String> = body.get("Volumes").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    for v in ic.volumes.iter().flat_map(|m| m.keys()) {
        if !config_volumes.contains(v) {
            config_volumes.push(v.clone());
        }
    }
    config_volumes.sort_stable();
    let mut config = json!({
        "Hostname": hostname,
        "Domainname": "",
        "User": user,
        "AttachStdin": b("AttachStdin"),
        "AttachStdout": b("AttachStdout"),
        "AttachStderr": b("AttachStderr"),
        "ExposedPorts": if exposed.is_empty() { Value::Null } else { Value::Object(exposed) },
        "Tty": tty,
        "OpenStdin": open_stdin,
        "StdinOnce": b("StdinOnce"),
        "Env": env,
        "Cmd": if cmd.is_empty() { Value::Null } else { json!(cmd) },
        "Image": image_ref,
        "Volumes": if config_volumes.is_empty() { Value::Null } else { Value::Object(config_volumes.iter().map(|v| (v.clone(), json!({}))).collect()) },
        "WorkingDir": workdir,
        "Entrypoint": if entrypoint.is_empty() { Value::Null } else { json!(entrypoint) },
        "OnBuild": null,
        "Labels": labels,
        "StopSignal": ic.stop_signal
    });
    if let Value::Object(m) = &mut config {
        for key in ["ExposedPorts", "StopSignal"] {
            if m.get(key).is_some_and(Value::is_null) {
                m.shift_remove(key);
            }
        }
    }
    let host_config = super::hostconfig::from_request(body.get("HostConfig").unwrap_or(&Value::Null));
    let policy = host_config.get("RestartPolicy").and_then(|p| p.get("Name")).and_then(Value::as_str).unwrap_or("");
    if !matches!(policy, "" | "no" | "always" | "unless-stopped" | "on-failure") {
        return error(d, k, 400, &format!("invalid restart policy '{policy}'"));
    }
    let mut ports = Vec::new();
    if let Some(Value::Object(pb)) = host_config.get("PortBindings") {
        for (port, list) in pb {
            for b in list.as_array().into_iter().flatten() {
                let host_ip = b.get("HostIp").and_then(Value::as_str).unwrap_or("").to_string();
                let host_port = b.get("HostPort").and_then(Value::as_str).unwrap_or("").to_string();
                ports.push(PortBinding { port: port.clone(), host_ip, host_port });
            }
        }
    }
    let network_mode = host_config.get("NetworkMode").and_then(Value::as_str).unwrap_or("default").to_string();
    if !matches!(network_mode.as_str(), "default" | "bridge" | "host" | "none") && network::find(d, &network_mode).is_none() {
        return error(d, k, 404, &format!("network {network_mode} not found"));
    }
    // The CLI checks the mode's syntax; dockerd takes what it is sent.
    let pid_host = host_config.get("PidMode").and_then(Value::as_str) == Some("host");
    let privileged = host_config.get("Privileged").and_then(Value::as_bool).unwrap_or(false);
    let auto_remove = host_config.get("AutoRemove").and_then(Value::as_bool).unwrap_or(false);
    let mounts = match super::mounts::register(d, k, &host_config, &config_volumes) {
        Ok(m) => m,
        Err((status, msg)) => return error(d, k, status, &msg),
    };
    let Some(rootfs) = make_rootfs(d, k, &id, &img) else { return error(d, k, 500, "failed to create the container's layers") };
    let c = Container {
        id: id.clone(),
        name: format!("/{name}"),
        created: Stamp::now(k),
        image: image_ref,
        image_id: img.id.clone(),
        path: full.first().cloned().unwrap_or_default(),
        args: full.iter().skip(1).cloned().collect(),
        config,
        host_config,
        ports,
        auto_remove,
        network_mode,
        pid_host,
        privileged,
        mounts,
        state: ContainerState { status: "created".into(), ..ContainerState::default() },
        rootfs,
        logs: Vec::new(),
        shim_pid: None,
        proxies: Vec::new(),
        netns: None,
        sandbox_id: String::new(),
        restart_count: 0,
        exec_ids: Vec::new(),
        tty,
        terminal: None,
    };
    let daemon = d.daemon_pid();
    let dir = format!("{CONTAINERS}/{id}");
    let _ = hostfs::mkdir_p(k, daemon, &format!("{dir}/mounts"), 0o710);
    let _ = hostfs::write(k, daemon, &format!("{dir}/config.v2.json"), b"{}", 0o600);
    let _ = hostfs::write(k, daemon, &format!("{dir}/hostconfig.json"), &serde_json::to_vec(&c.host_config).unwrap_or_default(), 0o644);
    d.containers.insert(id.clone(), c);
    // An image for another CPU, run without asking for its platform: dockerd warns.
    let mut warnings: Vec<String> = Vec::new();
    let asked = req.query_value("platform").is_some_and(|p| !p.is_empty());
    if !img.config.platform().matches(&d.platform) && !asked {
        warnings.push(format!(
            "The requested image's platform ({}) does not match the detected host platform ({}) and no specific platform was requested",
            img.config.platform().to_string_full(),
            d.platform.to_string_full()
        ));
    }
    json_response(d, k, 201, &json!({ "Id": id, "Warnings": warnings }))
}

/// The `-init` layer (what every container gets: .dockerenv, /dev and /etc mount points) and
/// the container's own empty upper layer, laid out under overlay2/ as dockerd does.
fn make_rootfs(d: &mut Dockerd, k: &mut Kernel, id: &str, img: &super::store::StoredImage) -> Option<Rootfs> {
    use crate::kernel::vfs::{Node, NodeKind, SbKind, TreeFs};
    let now = k.now;
    let mut init = TreeFs::new(0o755, now);
    for f in ["/.dockerenv", "/dev/console", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf"] {
        init.put(f, Node::file(Vec::new(), 0o755, 0, 0, now));
    }
    init.put("/dev/pts", Node::dir(0o755, 0, 0, now));
    init.put("/dev/shm", Node::dir(0o755, 0, 0, now));
    init.put("/etc/mtab", Node::other(NodeKind::Symlink("/proc/mounts".into()), 0o777, 0, 0, now));
    let init_sb = k.vfs.add_sb("xfs", SbKind::Tree(init), 0, 0);
    let upper_sb = k.vfs.add_sb("xfs", SbKind::Tree(TreeFs::new(0o755, now)), 0, 0);
    let mut lower = vec![init_sb];
    lower.extend(d.store.layer_sbs(img));
    let overlay_sb = k.add_overlay(lower, upper_sb);
    let (link, init_link) = (random_link(k), random_link(k));
    let image_lower = img.chain.last().map(|t| d.store.lower_of(t)).unwrap_or_default();
    let init_lowerfile = image_lower.clone();
    let lowerfile = if image_lower.is_empty() { format!("l/{init_link}") } else { format!("l/{init_link}:{image_lower}") };
    let daemon = d.daemon_pid();
    for (dir, sb, lk, lowerf, committed) in [
        (format!("{OVERLAY2}/{id}-init"), init_sb, &init_link, &init_lowerfile, true),
        (format!("{OVERLAY2}/{id}"), upper_sb, &link, &lowerfile, false),
    ] {
        hostfs::mkdir_p(k, daemon, &format!("{dir}/work/work"), 0o700).ok()?;
        hostfs::graft(k, daemon, &format!("{dir}/diff"), sb).ok()?;
        hostfs::write(k, daemon, &format!("{dir}/link"), lk.as_bytes(), 0o644).ok()?;
        if !lowerf.is_empty() {
            hostfs::write(k, daemon, &format!("{dir}/lower"), lowerf.as_bytes(), 0o644).ok()?;
        }
        if committed {
            hostfs::write(k, daemon, &format!("{dir}/committed"), b"", 0o600).ok()?;
        }
        let target = format!("../{}/diff", dir.rsplit('/').next().unwrap_or(""));
        hostfs::symlink(k, daemon, &format!("{OVERLAY2}/l/{lk}"), &target).ok()?;
    }
    let lowerdir = lowerfile.split(':').map(|l| format!("{OVERLAY2}/{l}")).collect::<Vec<_>>().join(":");
    Some(Rootfs { cache_id: id.to_string(), link, init_link, init_sb, upper_sb, overlay_sb, lowerdir })
}

/// Docker's names generator: `adjective_surname`.
fn random_name(d: &Dockerd, k: &mut Kernel) -> String {
    const LEFT: &[&str] = &["admiring", "affectionate", "agitated", "amazing", "angry", "awesome", "blissful", "bold", "boring", "brave", "busy", "charming", "clever", "cool", "compassionate", "competent", "condescending", "confident", "cranky", "crazy", "dazzling", "determined", "distracted", "dreamy", "eager", "ecstatic", "elastic", "elated", "elegant", "eloquent", "epic", "exciting", "fervent", "festive", "flamboyant", "focused", "friendly", "frosty", "funny", "gallant", "gifted", "goofy", "gracious", "great", "happy", "hardcore", "heuristic", "hopeful", "hungry", "infallible", "inspiring", "interesting", "intelligent", "jolly", "jovial", "keen", "kind", "laughing", "loving", "lucid", "magical", "modest", "musing", "mystifying", "naughty", "nervous", "nice", "nifty", "nostalgic", "objective", "optimistic", "peaceful", "pedantic", "pensive", "practical", "priceless", "quirky", "quizzical", "recursing", "relaxed", "reverent", "romantic", "sad", "serene", "sharp", "silly", "sleepy", "stoic", "strange", "stupefied", "suspicious", "sweet", "tender", "thirsty", "trusting", "unruffled", "upbeat", "vibrant", "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial", "youthful", "zealous", "zen"];
    const RIGHT: &[&str] = &["albattani", "allen", "almeida", "archimedes", "ardinghelli", "aryabhata", "austin", "babbage", "banach", "bardeen", "bartik", "bassi", "beaver", "bell", "benz", "bhabha", "bhaskara", "black", "blackburn", "blackwell", "bohr", "booth", "borg", "bose", "bouman", "boyd", "brahmagupta", "brattain", "brown", "buck", "burnell", "cannon", "carson", "cartwright", "carver", "cerf", "chandrasekhar", "chaplygin", "chatelet", "chatterjee", "chebyshev", "cohen", "colden", "cori", "cray", "curie", "darwin", "davinci", "dewdney", "dhawan", "diffie", "dijkstra", "dirac", "driscoll", "dubinsky", "easley", "edison", "einstein", "elbakyan", "elgamal", "elion", "ellis", "engelbart", "euclid", "euler", "faraday", "feistel", "fermat", "fermi", "feynman", "franklin", "gagarin", "galileo", "galois", "ganguly", "gates", "gauss", "germain", "goldberg", "goldstine", "goldwasser", "golick", "goodall", "gould", "greider", "grothendieck", "haibt", "hamilton", "haslett", "hawking", "heisenberg", "hellman", "hermann", "herschel", "hertz", "heyrovsky", "hodgkin", "hofstadter", "hoover", "hopper", "hugle", "hypatia", "jackson", "jang", "jemison", "jennings", "jepsen", "johnson", "joliot", "jones", "kalam", "kapitsa", "kare", "keldysh", "keller", "kepler", "khayyam", "khorana", "kilby", "kirch", "knuth", "kowalevski", "lalande", "lamarr", "lamport", "leakey", "leavitt", "lederberg", "lehmann", "lewin", "lichterman", "liskov", "lovelace", "lumiere", "mahavira", "margulis", "matsumoto", "maxwell", "mayer", "mccarthy", "mcclintock", "mclaren", "mclean", "mcnulty", "meitner", "mendel", "mendeleev", "meninsky", "merkle", "mestorf", "mirzakhani", "montalcini", "moore", "morse", "moser", "murdock", "napier", "nash", "neumann", "newton", "nightingale", "nobel", "noether", "northcutt", "noyce", "panini", "pare", "pascal", "pasteur", "payne", "perlman", "pike", "poincare", "poitras", "proskuriakova", "ptolemy", "raman", "ramanujan", "rhodes", "ride", "ritchie", "robinson", "roentgen", "rosalind", "rubin", "saha", "sammet", "sanderson", "satoshi", "shamir", "shannon", "shaw", "shirley", "shockley", "shtern", "sinoussi", "snyder", "solomon", "spence", "stonebraker", "sutherland", "swanson", "swartz", "swirles", "taussig", "tesla", "tharp", "thompson", "torvalds", "tu", "turing", "varahamihira", "vaughan", "villani", "visvesvaraya", "volhard", "wescoff", "wilbur", "wiles", "williams", "williamson", "wilson", "wing", "wozniak", "wright", "wu", "yalow", "yonath", "zhukovsky"];
    loop {
        let r = k.random();
        let name = format!("{}_{}", LEFT[(r % LEFT.len() as u64) as usize], RIGHT[((r >> 32) % RIGHT.len() as u64) as usize]);
        if !d.containers.values().any(|c| c.name == format!("/{name}")) {
            return name;
        }
    }
}

fn start(d: &mut Dockerd, k: &mut Kernel, id: &str) -> Response {
    let Some(c) = d.containers.get(id).cloned() else { return no_such(d, k, id) };
    if c.state.frozen.is_some() {
        return error(d, k, 409, "cannot start a paused container, try unpause instead");
    }
    if c.state.running {
        let mut r = Response::new(304);
        r.headers.push(("Api-Version".into(), d.versions.api.clone()));
        return r;
    }
    // Host ports first: a port another container holds fails the start.
    for p in &c.ports {
        if let Ok(port) = p.host_port.parse::<u16>() {
            if d.ports_in_use.get(&port).is_some_and(|o| o != id) {
                let ep = random_hex64(k);
                let ip = if p.host_ip.is_empty() { "0.0.0.0" } else { p.host_ip.as_str() };
                let msg = format!("driver failed programming external connectivity on endpoint {} ({ep}): Bind for {ip}:{port} failed: port is already allocated", c.name.trim_start_matches('/'));
                return error(d, k, 500, &msg);
            }
        }
    }
    match runtime::start(d, k, id) {
        Ok(Started { .. }) => {
            finish_if_exited(d, k, id);
            no_content(d, k)
        }
        Err(e) => {
            let mut auto_remove = false;
            if let Some(c) = d.containers.get_mut(id) {
                c.state.exit_code = e.exit_code;
                c.state.error = e.message.clone();
                auto_remove = c.auto_remove;
            }
            // A --rm container that could not start is removed as well.
            if auto_remove {
                runtime::destroy(d, k, id);
            }
            error(d, k, 400, &format!("failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {}: unknown", e.message))
        }
    }
}

/// If PID 1 has already ended (a command that ran to completion), the container stops now.
pub fn finish_if_exited(d: &mut Dockerd, k: &mut Kernel, id: &str) {
    let Some(c) = d.containers.get(id) else { return };
    if c.state.running && !k.procs.contains_key(&c.state.pid) {
        let code = k.exit_codes.get(&c.state.pid).copied().unwrap_or(0);
        runtime::stopped(d, k, id, code);
    }
}

/// Brings the daemon up to date with the clock: containers whose PID 1 ran out of time exit.
pub fn reap(d: &mut Dockerd, k: &mut Kernel) {
    let due: Vec<(i64, String)> = d
        .containers
        .values()
        .filter(|c| c.state.running)
        .filter_map(|c| c.state.exits_at.filter(|t| *t <= k.now).map(|t| (t, c.id.clone())))
        .collect();
    for (_, id) in due {
        runtime::stopped(d, k, &id, 0);
    }
    // Containers a real runtime runs: their output so far, and their end.
    let real: Vec<String> = d.containers.values().filter(|c| c.state.running && c.state.host_pid.is_some()).map(|c| c.id.clone()).collect();
    for id in real {
        runtime::collect_output(d, &id);
        if let Some(code) = runtime::real(d, &id).and_then(|rt| rt.exited(&id)) {
            runtime::stopped(d, k, &id, code);
        }
    }
    let gone: Vec<String> = d.containers.values().filter(|c| c.state.running && !k.procs.contains_key(&c.state.pid)).map(|c| c.id.clone()).collect();
    for id in gone {
        finish_if_exited(d, k, &id);
    }
}

/// `docker stop`: the image's stop signal, then SIGKILL when `timeout` seconds pass.
pub fn stop(d: &mut Dockerd, k: &mut Kernel, id: &str, timeout: Option<i64>) {
    let Some(c) = d.containers.get(id) else { return };
    if !c.state.running {
        return;
    }
    let sig = c.stop_signal();
    if c.state.frozen.is_some() {
        // Frozen, PID 1 cannot take the stop signal: the timeout passes, then SIGKILL.
        k.now += timeout.unwrap_or(10).max(0);
        thaw(d, k, id);
        runtime::stopped(d, k, id, 137);
        return;
    }
    if runtime::stop_real(d, k, id, &sig, timeout.unwrap_or(10)) {
        return;
    }
    match runtime::signal(d, k, id, &sig) {
        Some(code) => runtime::ended_by_signal(d, k, id, &sig, code),
        None => {
            k.now += timeout.unwrap_or(10).max(0);
            reap(d, k);
            if d.containers.get(id).is_some_and(|c| c.state.running) {
                runtime::stopped(d, k, id, 137);
            }
        }
    }
}

/// moby's `signal.SignalMap` for Linux: the names `docker kill -s` accepts (with or without
/// `SIG`, any case), besides non-zero numbers.
const SIGNAL_NAMES: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP",
    "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
];

/// `signal.ParseSignal`: a non-zero number, a name of the map, or RTMIN+n / RTMAX-n (1..=15).
fn valid_signal(raw: &str) -> bool {
    if let Ok(n) = raw.parse::<i64>() {
        return n != 0;
    }
    let up = raw.to_ascii_uppercase();
    let name = up.strip_prefix("SIG").unwrap_or(&up);
    let rt = |prefix: &str| name.strip_prefix(prefix).and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| (1..=15).contains(&n));
    SIGNAL_NAMES.contains(&name) || rt("RTMIN+") || rt("RTMAX-")
}

fn kill(d: &mut Dockerd, k: &mut Kernel, id: &str, signal: &str) -> Response {
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    if !valid_signal(signal) {
        return error(d, k, 400, &format!("Invalid signal: {signal}"));
    }
    if !c.state.running {
        let name = c.name.trim_start_matches('/').to_string();
        return error(d, k, 409, &format!("Cannot kill container: {name}: Container {id} is not running"));
    }
    let sig = if signal.starts_with("SIG") || signal.parse::<u32>().is_ok() { signal.to_string() } else { format!("SIG{signal}") };
    if c.state.frozen.is_some() {
        // Frozen: SIGKILL still ends it; any other signal waits for the thaw.
        if matches!(sig.as_str(), "SIGKILL" | "9") {
            thaw(d, k, id);
            runtime::stopped(d, k, id, 137);
        }
        return no_content(d, k);
    }
    if let Some(code) = runtime::signal(d, k, id, &sig) {
        runtime::ended_by_signal(d, k, id, &sig, code);
    }
    no_content(d, k)
}

/// `docker pause`: the freezer stops every process of the container's PID namespace (they
/// show as `D`, uninterruptible, in the host's `ps`).
fn pause(d: &mut Dockerd, k: &mut Kernel, id: &str) -> Response {
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    if !c.state.running {
        return error(d, k, 409, &format!("Container {id} is not running"));
    }
    if c.state.frozen.is_some() {
        return error(d, k, 409, &format!("Container {id} is already paused"));
    }
    let ns = k.procs.get(&c.state.pid).map(|p| p.ns.pid);
    let mut frozen = Vec::new();
    for p in k.procs.values_mut().filter(|p| Some(p.ns.pid) == ns) {
        frozen.push((p.pid, p.state));
        p.state = crate::kernel::ProcState::DiskSleep;
    }
    if let Some(c) = d.containers.get_mut(id) {
        c.state.frozen = Some(frozen);
    }
    no_content(d, k)
}

fn unpause(d: &mut Dockerd, k: &mut Kernel, id: &str) -> Response {
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    if c.state.frozen.is_none() {
        return error(d, k, 409, &format!("Container {id} is not paused"));
    }
    thaw(d, k, id);
    no_content(d, k)
}

/// The freezer lets the container's processes go, each in the state it was in.
fn thaw(d: &mut Dockerd, k: &mut Kernel, id: &str) {
    let Some(frozen) = d.containers.get_mut(id).and_then(|c| c.state.frozen.take()) else { return };
    for (pid, state) in frozen {
        if let Some(p) = k.procs.get_mut(&pid) {
            p.state = state;
        }
    }
}

fn wait(d: &mut Dockerd, k: &mut Kernel, id: &str) -> Response {
    // The wait ends when the container does: time runs on to a PID 1 that ends by itself.
    if let Some(t) = d.containers.get(id).filter(|c| c.state.running).and_then(|c| c.state.exits_at) {
        k.now = k.now.max(t);
        reap(d, k);
    }
    let code = d.containers.get(id).map(|c| c.state.exit_code).unwrap_or(0);
    // The head goes out at once, the body when the container stops: a stream of one message.
    let mut r = super::api::json_stream(d, k, &[]);
    let mut body = serde_json::to_vec(&json!({ "Error": null, "StatusCode": code })).unwrap_or_default();
    body.push(b'\n');
    r.push_chunk(&body);
    r
}

fn rename(d: &mut Dockerd, k: &mut Kernel, id: &str, new: &str) -> Response {
    let new = new.trim_start_matches('/');
    if !valid_name(new) {
        return error(d, k, 400, &format!("Invalid container name ({new}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
    }
    if d.containers.get(id).is_some_and(|c| c.name == format!("/{new}")) {
        return error(d, k, 400, "Renaming a container with the same name as its current name");
    }
    if let Some(o) = d.containers.values().find(|c| c.name == format!("/{new}")) {
        let msg = format!("Error when allocating new name: Conflict. The container name \"/{new}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.", o.id);
        return error(d, k, 409, &msg);
    }
    if let Some(c) = d.containers.get_mut(id) {
        c.name = format!("/{new}");
    }
    no_content(d, k)
}

pub fn remove(d: &mut Dockerd, k: &mut Kernel, id: &str, force: bool, volumes: bool) -> Response {
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    let (frozen, running) = (c.state.frozen.is_some(), c.state.running);
    if frozen && !force {
        return error(d, k, 409, &format!("You cannot remove a paused container {id}. Unpause and then stop the container before attempting removal or force remove"));
    }
    if frozen {
        thaw(d, k, id);
    }
    if running {
        if !force {
            return error(d, k, 409, &format!("You cannot remove a running container {id}. Stop the container before attempting removal or force remove"));
        }
        if !runtime::stop_real(d, k, id, "SIGKILL", 0) {
            if let Some(code) = runtime::signal(d, k, id, "SIGKILL") {
                runtime::stopped(d, k, id, code);
            }
        }
    }
    let mounts = d.containers.get(id).map(|c| c.mounts.clone()).unwrap_or_default();
    runtime::destroy(d, k, id);
    if volumes {
        super::mounts::remove_anonymous(d, k, &mounts);
    }
    no_content(d, k)
}

/// `docker logs`: the stored lines as stream frames (raw bytes with a TTY).
fn logs(d: &Dockerd, k: &Kernel, id: &str, req: &Request) -> Response {
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    let tail: Option<usize> = req.query_value("tail").and_then(|t| t.parse().ok());
    raw_stream(d, k, &log_frames(c, req, 0, tail))
}

/// The frames `docker logs` sends for the container's log lines from index `from` on, as the
/// request asks (`stdout`, `stderr`, `timestamps`; the last `tail` lines).
pub fn log_frames(c: &Container, req: &Request, from: usize, tail: Option<usize>) -> Vec<Vec<u8>> {
    let out = super::api::flag(req, "stdout");
    let err = super::api::flag(req, "stderr");
    let ts = super::api::flag(req, "timestamps");
    let lines: Vec<&LogLine> = c.logs.iter().skip(from).filter(|l| (l.stream == 1 && out) || (l.stream == 2 && err)).collect();
    let skip = tail.map(|t| lines.len().saturating_sub(t)).unwrap_or(0);
    lines
        .into_iter()
        .skip(skip)
        .map(|l| {
            let mut payload = Vec::new();
            if ts {
                payload.extend_from_slice(format!("{} ", rfc3339_nanos(&l.at)).as_bytes());
            }
            payload.extend_from_slice(&l.bytes);
            if c.tty {
                payload
            } else {
                frame(l.stream, &payload)
            }
        })
        .collect()
}

/// A multiplexed stream frame: `[stream, 0, 0, 0, size (u32 big-endian)]` then the bytes.
pub fn frame(stream: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![stream, 0, 0, 0];
    f.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// `docker top`: `ps -ef` of the container's processes, host PIDs.
fn top(d: &Dockerd, k: &Kernel, id: &str, req: &Request) -> Response {
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    if !c.state.running {
        return error(d, k, 409, &format!("Container {id} is not running"));
    }
    let pid_ns = k.procs.get(&c.state.pid).map(|p| p.ns.pid);
    // `docker top C -o pid,comm`: ps -o with the columns asked for.
    let ps_args = req.query_value("ps_args").unwrap_or_default();
    if let Some(rt) = runtime::real(d, id) {
        return match rt.top(id, &ps_args) {
            Ok((titles, procs)) => json_response(d, k, 200, &json!({ "Processes": procs, "Titles": titles })),
            Err(e) => error(d, k, 500, &e),
        };
    }
    let words: Vec<&str> = ps_args.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| *w == "-o") {
        let cols: Vec<&str> = words.get(i + 1).map(|c| c.split(',').collect()).unwrap_or_default();
        if let Some(bad) = cols.iter().find(|c| !crate::utils::ps::is_format_specifier(c)) {
            let name = bad.split_once('=').map_or(*bad, |(n, _)| n);
            return error(d, k, 500, &format!("ps: error: unknown user-defined format specifier \"{name}\""));
        }
        fn title(c: &str) -> String {
            match c {
                "pid" => "PID",
                "ppid" => "PPID",
                "comm" | "args" | "cmd" => "COMMAND",
                "user" => "USER",
                "uid" => "UID",
                "stat" => "STAT",
                other => return other.to_uppercase(),
            }
            .to_string()
        }
        let mut procs: Vec<Value> = Vec::new();
        for p in k.procs.values().filter(|p| Some(p.ns.pid) == pid_ns) {
            let row: Vec<String> = cols
                .iter()
                .map(|c| match *c {
                    "pid" => p.pid.to_string(),
                    "ppid" => p.ppid.to_string(),
                    "comm" => p.comm.clone(),
                    "args" | "cmd" => p.command(),
                    "user" => if p.uid == 0 { "root".to_string() } else { p.uid.to_string() },
                    "uid" => p.uid.to_string(),
                    "stat" => p.state.letter().to_string(),
                    _ => "-".to_string(),
                })
                .collect();
            procs.push(json!(row));
        }
        let titles: Vec<String> = cols.iter().map(|c| title(c)).collect();
        return json_response(d, k, 200, &json!({ "Processes": procs, "Titles": titles }));
    }
    let mut procs: Vec<Value> = Vec::new();
    for p in k.procs.values().filter(|p| Some(p.ns.pid) == pid_ns) {
        let user = if p.uid == 0 { "root".to_string() } else { p.uid.to_string() };
        let stime = {
            let t = crate::clock::tm(p.start);
            format!("{:02}:{:02}", t.hour, t.min)
        };
        let cputime = format!("{:02}:{:02}:{:02}", p.cpu_ticks / 360_000, (p.cpu_ticks / 6000) % 60, (p.cpu_ticks / 100) % 60);
        let tty = p.tty.clone().unwrap_or_else(|| "?".into());
        procs.push(json!([user, p.pid.to_string(), p.ppid.to_string(), "0", stime, tty, cputime, p.command()]));
    }
    json_response(d, k, 200, &json!({ "Processes": procs, "Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"] }))
}

fn ports_json(c: &Container) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(Value::Object(e)) = c.config.get("ExposedPorts") {
        for p in e.keys() {
            out.insert(p.clone(), Value::Null);
        }
    }
    if c.state.running {
        for b in &c.ports {
            let ips = if b.host_ip.is_empty() { vec!["0.0.0.0", "::"] } else { vec![b.host_ip.as_str()] };
            let list = out.entry(b.port.clone()).or_insert_with(|| json!([]));
            if !list.is_array() {
                *list = json!([]);
            }
            if let Value::Array(a) = list {
                for ip in ips {
                    a.push(json!({ "HostIp": ip, "HostPort": b.host_port }));
                }
            }
        }
    }
    Value::Object(out)
}

fn list(d: &Dockerd, k: &Kernel, req: &Request) -> Response {
    if let Some(refused) = super::api::filters_error(d, k, req) {
        return refused;
    }
    let all = super::api::flag(req, "all");
    let filters = super::api::filters(req);
    let mut cs: Vec<&Container> = d.containers.values().filter(|c| all || c.state.running).filter(|c| matches_filters(c, &filters)).collect();
    cs.sort_stable_by_key(|c| std::cmp::Reverse((c.created.secs, c.created.nanos)));
    let sizes = super::api::flag(req, "size");
    let list: Vec<Value> = cs.iter().map(|c| if sizes { super::diskusage::with_sizes(d, k, c) } else { list_entry(d, k, c) }).collect();
    json_response(d, k, 200, &Value::Array(list))
}

/// A container as `/containers/json` lists it.
pub fn list_entry(d: &Dockerd, k: &Kernel, c: &Container) -> Value {
    let mut ports: Vec<Value> = Vec::new();
    if c.state.running {
        for b in &c.ports {
            let (num, proto) = b.port.split_once('/').unwrap_or((&b.port, "tcp"));
            let private: u64 = num.parse().unwrap_or(0);
            let public: u64 = b.host_port.parse().unwrap_or(0);
            for ip in if b.host_ip.is_empty() { vec!["0.0.0.0", "::"] } else { vec![b.host_ip.as_str()] } {
                ports.push(json!({ "IP": ip, "PrivatePort": private, "PublicPort": public, "Type": proto }));
            }
        }
    }
    if let Some(Value::Object(e)) = c.config.get("ExposedPorts") {
        for p in e.keys() {
            if !c.state.running || !c.ports.iter().any(|b| &b.port == p) {
                let (num, proto) = p.split_once('/').unwrap_or((p, "tcp"));
                ports.push(json!({ "PrivatePort": num.parse::<u64>().unwrap_or(0), "Type": proto }));
            }
        }
    }
    // daemon/list.go: the path, then the arguments, those with a space in single quotes.
    let command = std::iter::once(c.path.clone()).chain(c.args.iter().map(|a| if a.contains(' ') { format!("'{a}'") } else { a.clone() })).collect::<Vec<_>>().join(" ");
    json!({
        "Id": c.id,
        "Names": [c.name],
        "Image": c.image,
        "ImageID": c.image_id.0,
        "Command": command,
        "Created": c.created.secs,
        "Ports": ports,
        "Labels": c.config.get("Labels").cloned().unwrap_or(json!({})),
        "State": c.state.shown(),
        "Status": status_words(c, k.now),
        "HostConfig": { "NetworkMode": c.network_mode },
        "NetworkSettings": { "Networks": networks_json(d, c) },
        "Mounts": c.mounts.iter().map(super::mounts::list_json).collect::<Vec<_>>()
    })
}

/// `filters={"label":["k=v"],"name":["x"]}` (docker-py's lists, or the Go client's
/// `{"label":{"k=v":true}}`): every key must match one of its values.
fn matches_filters(c: &Container, filters: &[(String, Vec<String>)]) -> bool {
    let labels = c.config.get("Labels");
    filters.iter().all(|(key, values)| match key.as_str() {
        "label" => values.iter().all(|want| match want.split_once('=') {
            Some((k, v)) => labels.and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v),
            None => labels.and_then(|l| l.get(want.as_str())).is_some(),
        }),
        "name" => values.iter().any(|n| c.name.trim_start_matches('/').contains(n.trim_start_matches('/'))),
        "status" => values.iter().any(|s| s == c.state.shown()),
        "id" => values.iter().any(|i| c.id.starts_with(i.as_str())),
        "ancestor" => values.iter().any(|a| c.image == *a || c.image_id.0 == *a),
        _ => true,
    })
}

/// The `Status` text dockerd sends: `Up 3 minutes`, `Exited (137) 2 seconds ago`, `Created`.
pub fn status_words(c: &Container, now: i64) -> String {
    match c.state.status.as_str() {
        "running" => {
            let up = human_duration(now - c.state.started_at.map(|s| s.secs).unwrap_or(now));
            if c.state.frozen.is_some() {
                format!("Up {up} (Paused)")
            } else {
                format!("Up {up}")
            }
        }
        "exited" => format!("Exited ({}) {} ago", c.state.exit_code, human_duration(now - c.state.finished_at.map(|s| s.secs).unwrap_or(now))),
        _ => "Created".into(),
    }
}

/// go-units `HumanDuration` of whole seconds (the CLI's `client::humanize`).
pub fn human_duration(secs: i64) -> String {
    crate::client::humanize::human_duration(secs.max(0) as i128 * 1_000_000_000)
}

fn networks_json(d: &Dockerd, c: &Container) -> Value {
    let mut out = serde_json::Map::new();
    for n in &d.networks {
        let attached = match c.network_mode.as_str() {
            "default" | "bridge" => n.name == "bridge",
            m => n.name == m || n.id == m,
        };
        if !attached {
            continue;
        }
        let ep = n.endpoints.get(&c.id);
        let prefix = n.subnet.map(|s| s.1).unwrap_or(0);
        out.insert(
            n.name.clone(),
            json!({
                "IPAMConfig": null,
                "Links": null,
                "Aliases": if n.default_bridge || n.driver != "bridge" { Value::Null } else { json!([c.short_id()]) },
                "NetworkID": n.id,
                "EndpointID": ep.map(|e| e.id.clone()).unwrap_or_default(),
                "Gateway": if ep.is_some() { n.gateway.map(fmt_ip).unwrap_or_default() } else { String::new() },
                "IPAddress": ep.map(|e| fmt_ip(e.ip)).unwrap_or_default(),
                "IPPrefixLen": if ep.is_some() { prefix } else { 0 },
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "MacAddress": ep.map(|e| fmt_mac(e.mac)).unwrap_or_default(),
                "DriverOpts": null
            }),
        );
    }
    Value::Object(out)
}

pub fn inspect(d: &Dockerd, id: &str) -> Value {
    let Some(c) = d.containers.get(id) else { return Value::Null };
    let dir = format!("{CONTAINERS}/{}", c.id);
    let s = &c.state;
    let bridge_ep = d.networks.iter().find(|n| n.default_bridge).and_then(|n| n.endpoints.get(&c.id).map(|e| (n, e)));
    let (ip, gw, mac, prefix, epid) = match bridge_ep {
        Some((n, e)) => (fmt_ip(e.ip), n.gateway.map(fmt_ip).unwrap_or_default(), fmt_mac(e.mac), n.subnet.map(|s| s.1).unwrap_or(0), e.id.clone()),
        None => (String::new(), String::new(), String::new(), 0, String::new()),
    };
    let mut hc = c.host_config.clone();
    if let Value::Object(m) = &mut hc {
        m.entry("ShmSize").or_insert(json!(67_108_864));
        m.insert("MaskedPaths".into(), json!(["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"]));
        m.insert("ReadonlyPaths".into(), json!(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]));
    }
    // An exec leaves the container's list when its process exits (created or running stay).
    let live: Vec<&String> = c.exec_ids.iter().filter(|e| d.execs.get(*e).is_some_and(|x| x.exit_code.is_none())).collect();
    let exec_ids = if live.is_empty() { Value::Null } else { json!(live) };
    let upper = format!("{OVERLAY2}/{}", c.rootfs.cache_id);
    let lower_dirs: Vec<String> = c.rootfs.lowerdir.split(':').map(|l| {
        let link = l.rsplit('/').next().unwrap_or("");
        let cache = d.store.layers.values().find(|x| x.link == link).map(|x| x.cache_id.clone()).unwrap_or_else(|| format!("{}-init", c.rootfs.cache_id));
        format!("{OVERLAY2}/{cache}/diff")
    }).collect();
    json!({
        "Id": c.id,
        "Created": rfc3339_nanos(&c.created),
        "Path": c.path,
        "Args": c.args,
        "State": {
            "Status": s.shown(),
            "Running": s.running,
            "Paused": s.frozen.is_some(),
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": if s.running { s.host_pid.unwrap_or(i64::from(s.pid)) } else { 0 },
            "ExitCode": s.exit_code,
            "Error": s.error,
            "StartedAt": s.started_at.map(|t| rfc3339_nanos(&t)).unwrap_or_else(|| ZERO_TIME.into()),
            "FinishedAt": s.finished_at.map(|t| rfc3339_nanos(&t)).unwrap_or_else(|| ZERO_TIME.into())
        },
        "Image": c.image_id.0,
        "ResolvConfPath": format!("{dir}/resolv.conf"),
        "HostnamePath": format!("{dir}/hostname"),
        "HostsPath": format!("{dir}/hosts"),
        "LogPath": format!("{dir}/{}-json.log", c.id),
        "Name": c.name,
        "RestartCount": c.restart_count,
        "Driver": "overlay2",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "ExecIDs": exec_ids,
        "HostConfig": hc,
        "GraphDriver": {
            "Data": {
                "LowerDir": lower_dirs.join(":"),
                "MergedDir": format!("{upper}/merged"),
                "UpperDir": format!("{upper}/diff"),
                "WorkDir": format!("{upper}/work")
            },
            "Name": "overlay2"
        },
        "Mounts": c.mounts.iter().map(super::mounts::inspect_json).collect::<Vec<_>>(),
        "Config": c.config,
        "NetworkSettings": {
            "Bridge": "",
            "SandboxID": c.sandbox_id,
            "HairpinMode": false,
            "LinkLocalIPv6Address": "",
            "LinkLocalIPv6PrefixLen": 0,
            "Ports": ports_json(c),
            "SandboxKey": if c.sandbox_id.is_empty() { String::new() } else { format!("/var/run/docker/netns/{}", &c.sandbox_id[..12]) },
            "SecondaryIPAddresses": null,
            "SecondaryIPv6Addresses": null,
            "EndpointID": epid,
            "Gateway": gw,
            "GlobalIPv6Address": "",
            "GlobalIPv6PrefixLen": 0,
            "IPAddress": ip,
            "IPPrefixLen": prefix,
            "IPv6Gateway": "",
            "MacAddress": mac,
            "Networks": networks_json(d, c)
        }
    })
}

fn exec_create(d: &mut Dockerd, k: &mut Kernel, id: &str, req: &Request) -> Response {
    if let Some(refused) = super::api::check_json(d, k, req) {
        return refused;
    }
    match super::gojson::decode_error(&req.body, "types.ExecConfig").as_deref() {
        Some("EOF") => return error(d, k, 400, "got EOF while reading request body"),
        Some(msg) => return error(d, k, 400, msg),
        None => {}
    }
    let Some(c) = d.containers.get(id) else { return no_such(d, k, id) };
    if !c.state.running {
        return error(d, k, 409, &format!("Container {id} is not running"));
    }
    let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
    let argv = str_list(body.get("Cmd"));
    if argv.is_empty() {
        return error(d, k, 400, "No exec command specified");
    }
    let eid = random_hex64(k);
    let e = ExecInstance {
        id: eid.clone(),
        container: id.to_string(),
        argv,
        env: str_list(body.get("Env")),
        user: body.get("User").and_then(Value::as_str).unwrap_or("").to_string(),
        workdir: body.get("WorkingDir").and_then(Value::as_str).unwrap_or("").to_string(),
        tty: body.get("Tty").and_then(Value::as_bool).unwrap_or(false),
        attach_stdin: body.get("AttachStdin").and_then(Value::as_bool).unwrap_or(false),
        privileged: body.get("Privileged").and_then(Value::as_bool).unwrap_or(false),
        running: false,
        exit_code: None,
        pid: 0,
        host_pid: None,
    };
    d.execs.insert(eid.clone(), e);
    if let Some(c) = d.containers.get_mut(id) {
        c.exec_ids.push(eid.clone());
    }
    json_response(d, k, 201, &json!({ "Id": eid }))
}

pub fn route_exec(d: &mut Dockerd, k: &mut Kernel, req: &Request, segs: &[&str]) -> Response {
    let Some(eid) = segs.first().map(|s| s.to_string()) else { return super::api::not_found(k) };
    if !d.execs.contains_key(&eid) {
        return error(d, k, 404, &format!("No such exec instance: {eid}"));
    }
    match (req.method.as_str(), &segs[1..]) {
        ("POST", ["start"]) => upgraded(d, k),
        ("POST", ["resize"]) => {
            let mut r = Response::new(201);
            r.headers.push(("Api-Version".into(), d.versions.api.clone()));
            r.headers.push(("Content-Length".into(), "0".into()));
            r
        }
        ("GET", ["json"]) => {
            let Some(e) = d.execs.get(&eid) else { return error(d, k, 404, "no such exec") };
            let v = json!({
                "ID": e.id,
                "Running": e.running,
                "ExitCode": e.exit_code,
                "ProcessConfig": { "tty": e.tty, "entrypoint": e.argv.first(), "arguments": e.argv.iter().skip(1).collect::<Vec<_>>(), "privileged": e.privileged },
                "OpenStdin": e.attach_stdin,
                "OpenStderr": true,
                "OpenStdout": true,
                "CanRemove": false,
                "ContainerID": e.container,
                "DetachKeys": "",
                "Pid": if e.running { e.host_pid.unwrap_or(i64::from(e.pid)) } else { 0 }
            });
            json_response(d, k, 200, &v)
        }
        _ => super::api::not_found(k),
    }
}

/// The container's `/etc/hosts` as dockerd writes it.
pub fn hosts_file(ip: Option<[u8; 4]>, hostname: &str) -> String {
    let mut s = String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
    if let Some(ip) = ip {
        s.push_str(&format!("{}\t{hostname}\n", fmt_ip(ip)));
    }
    s
}

/// Stream output of a hijacked connection: frames without a TTY, raw bytes with one.
pub fn stream_bytes(tty: bool, out: &[u8], err: &[u8]) -> Vec<u8> {
    stream_segments(tty, &[(1, out.to_vec()), (2, err.to_vec())])
}

/// A process's output in the order it was written, as runs of (stream, bytes): as it is
/// (a TTY joins the streams) or in stdcopy frames, one per run.
pub fn stream_segments(tty: bool, segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut v = Vec::new();
    for (stream, bytes) in segments.iter().filter(|(_, b)| !b.is_empty()) {
        if tty {
            v.extend_from_slice(bytes);
        } else {
            v.extend(frame(*stream, bytes));
        }
    }
    v
}

/// Splits output into log lines (each keeps its newline).
pub fn log_lines(stream: u8, at: Stamp, bytes: &[u8]) -> Vec<LogLine> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| LogLine { stream, at, bytes: l.to_vec() })
        .collect()
}

pub type ExecMap = BTreeMap<String, ExecInstance>;

/// Appends output of process `pid` to the log of the container it runs in (nginx's access
/// lines, written by a worker long after the container started).
pub fn log_for_pid(k: &mut Kernel, pid: Pid, stream: u8, bytes: &[u8]) {
    let Some(ns) = k.procs.get(&pid).map(|p| p.ns.pid) else { return };
    if k.docker.is_none() {
        // dockerd is serving a request (another container's program runs): later.
        let now = k.now;
        k.pending_logs.push((ns, stream, now, bytes.to_vec()));
        return;
    }
    let inits: Vec<(String, Pid)> = k.docker.as_ref().map(|d| d.containers.values().filter(|c| c.state.running).map(|c| (c.id.clone(), c.state.pid)).collect()).unwrap_or_default();
    let Some(id) = inits.iter().find(|(_, p)| k.procs.get(p).map(|x| x.ns.pid) == Some(ns)).map(|(id, _)| id.clone()) else { return };
    let at = Stamp { secs: k.now, nanos: (k.random() % 1_000_000_000) as u32 };
    if let Some(c) = k.docker.as_mut().and_then(|d| d.containers.get_mut(&id)) {
        c.logs.extend(log_lines(stream, at, bytes));
    }
}
