//! `docker compose` (the v2 plugin, v2.6.1, mid-2022): containers named `<project>-<service>-1`,
//! the progress block on stderr, compose-go's and go-yaml's errors and exit codes. No real
//! v2 runs on the machines we check against, so this follows its sources (docker/compose
//! v2.6.1: pkg/compose/{create,convergence,pull,down,ps,logs}.go, cmd/compose/ps.go,
//! cmd/formatter/logs.go, pkg/compose/metrics.go; compose-go v1.2.8 cli/options.go).

use serde_json::{json, Map, Value};

use super::api::{Api, ApiError, Client};
use super::model::{self, Project, Service};
use super::progress::{Status, Writer};
use super::project::{self, FindError};
use crate::client::transport::DockerTransport;
use crate::utils::{Ctx, Io, Outcome};

pub const VERSION: &str = "2.6.0";

/// Exit codes of compose's failure categories (pkg/compose/metrics.go).
const FILE_NOT_FOUND: i32 = 14;
const PARSE_FAILURE: i32 = 15;
const SYNTAX_FAILURE: i32 = 16;
const PULL_FAILURE: i32 = 18;
/// Not an exit status: `up` without `-d` stays attached (Ctrl-C ends it).
const RUNNING: i32 = -1;

/// `docker compose ARGS...`: `args` are the words after `compose`; `transport` reaches the
/// daemon the CLI talks to (it must not hold `ctx.k`: see `plugin_sim` for the simulated
/// socket).
pub fn plugin_main(ctx: &mut Ctx, transport: &mut dyn DockerTransport, args: &[String]) -> Outcome {
    // Run from the docker CLI, the transport holds the machine: the compose file is read there.
    let held = transport.kernel().is_some();
    if held {
        if let Some(k) = transport.kernel() {
            std::mem::swap(ctx.k, k);
        }
    }
    let prepared = prepare(ctx, args);
    if held {
        if let Some(k) = transport.kernel() {
            std::mem::swap(ctx.k, k);
        }
    }
    match prepared {
        Ok(p) => execute(p, &mut ctx.io, transport),
        Err(o) => o,
    }
}

/// `docker compose ARGS...` over the simulated socket `DOCKER_HOST` names (default
/// `/var/run/docker.sock`), connecting as the calling process.
pub fn plugin_sim(ctx: &mut Ctx, args: &[String]) -> Outcome {
    let p = match prepare(ctx, args) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let sock = match project::socket_path(ctx) {
        Ok(s) => s,
        Err(h) => {
            ctx.err(&format!("Cannot connect to the Docker daemon at {h}. Is the docker daemon running?\n"));
            return Outcome::Exit(1);
        }
    };
    let Ctx { k, pid, io, .. } = ctx;
    let mut t = crate::engine::socket::SimTransport::new(k, *pid, &sock);
    execute(p, io, &mut t)
}

/// What the command line and the compose file say, read before the daemon is contacted.
pub struct Prepared {
    cmd: String,
    opts: Opts,
    project: Project,
    err_tty: bool,
    color: bool,
    cols: usize,
}

fn prepare(ctx: &mut Ctx, args: &[String]) -> Result<Prepared, Outcome> {
    let flag_error = |ctx: &mut Ctx, m: &str| Err(flag_error(ctx, m));
    let mut files = Vec::new();
    let mut name = None;
    let mut i = 0;
    let mut ansi = "auto".to_string();
    while i < args.len() {
        let a = args[i].as_str();
        let value = |i: &mut usize| -> Option<String> {
            *i += 1;
            args.get(*i).cloned()
        };
        match a {
            "-f" | "--file" => match value(&mut i) {
                Some(v) => files.push(v),
                None => return flag_error(ctx, "flag needs an argument: 'f' in -f"),
            },
            "-p" | "--project-name" => match value(&mut i) {
                Some(v) => name = Some(v),
                None => return flag_error(ctx, "flag needs an argument: 'p' in -p"),
            },
            "--ansi" => ansi = value(&mut i).unwrap_or_default(),
            "--project-directory" | "--env-file" | "--profile" | "--workdir" => {
                value(&mut i);
            }
            "--compatibility" | "--verbose" => {}
            s if s.starts_with("--file=") => files.push(s["--file=".len()..].to_string()),
            s if s.starts_with("--project-name=") => name = Some(s["--project-name=".len()..].to_string()),
            s if s.starts_with("--ansi=") => ansi = s["--ansi=".len()..].to_string(),
            s if s.starts_with('-') => return flag_error(ctx, &format!("unknown flag: {s}")),
            _ => break,
        }
        i += 1;
    }
    let Some((cmd, rest)) = args[i.min(args.len())..].split_first() else {
        ctx.out("\nUsage:  docker compose [OPTIONS] COMMAND\n\nDocker Compose\n\n");
        return Err(Outcome::Exit(0));
    };
    let rest: Vec<String> = rest.to_vec();
    if cmd == "version" {
        ctx.out(&format!("Docker Compose version v{VERSION}\n"));
        return Err(Outcome::Exit(0));
    }
    if !matches!(cmd.as_str(), "up" | "down" | "ps" | "logs" | "pull") {
        ctx.err(&format!("docker: '{cmd}' is not a docker command.\nSee 'docker --help'\n"));
        return Err(Outcome::Exit(1));
    }
    let opts = match parse(cmd, &rest) {
        Ok(o) => o,
        Err(m) => return flag_error(ctx, &m),
    };
    // compose-go: `-p` must already be a normalized name.
    if let Some(n) = &name {
        if *n != model::normalize_v2(n) {
            ctx.err(&format!("{n:?} is not a valid project name\n"));
            return Err(Outcome::Exit(PARSE_FAILURE));
        }
    }
    let found = match project::find(ctx, &files, project::V2_NAMES) {
        Ok(f) => f,
        Err(FindError::NotFound) => {
            ctx.err("no configuration file provided: not found\n");
            return Err(Outcome::Exit(FILE_NOT_FOUND));
        }
        Err(FindError::Unreadable(_, path, e)) => {
            ctx.err(&format!("open {path}: {}\n", e.message().to_lowercase()));
            return Err(Outcome::Exit(FILE_NOT_FOUND));
        }
    };
    let Some(first) = found.first().cloned() else { return Err(Outcome::Exit(FILE_NOT_FOUND)) };
    let mut p = match model::load(&first.text) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&format!("{}\n", e.v2_message()));
            return Err(Outcome::Exit(PARSE_FAILURE));
        }
    };
    let dir = project::dirname(&first.path);
    p.working_dir = dir.clone();
    p.config_files = found.iter().map(|f| f.path.clone()).collect();
    let env_name = ctx.getenv("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()).map(str::to_string);
    p.name = model::normalize_v2(&name.or(env_name).unwrap_or_else(|| project::basename(&dir)));
    let err_tty = ctx.io.tty_out && ctx.io.err_to_out && ctx.io.err_redirect.is_none();
    let color = match ansi.as_str() {
        "always" => true,
        "never" => false,
        _ => ctx.io.tty_out,
    };
    let cols = if ctx.io.cols == 0 { 80 } else { ctx.io.cols };
    Ok(Prepared { cmd: cmd.clone(), opts, project: p, err_tty, color, cols })
}

fn execute(p: Prepared, io: &mut Io, transport: &mut dyn DockerTransport) -> Outcome {
    let mut api = Api::new(transport, Client::Go, "Docker-Client/unknown-version (linux)");
    if let Err(e) = api.raw("HEAD", "/_ping", None) {
        io.write_err(&format!("{}\n", e.message()));
        return Outcome::Exit(1);
    }
    let mut r = V2 { api, io, project: p.project, err_tty: p.err_tty, color: p.color, cols: p.cols };
    let opts = p.opts;
    let code = match p.cmd.as_str() {
        "up" => match r.up(&opts) {
            RUNNING => return Outcome::Running { until: None },
            c => c,
        },
        "down" => r.down(),
        "ps" => r.ps(&opts),
        "logs" => r.logs(&opts),
        "pull" => r.pull_cmd(),
        _ => 1,
    };
    Outcome::Exit(code)
}

fn flag_error(ctx: &mut Ctx, m: &str) -> Outcome {
    ctx.err(&format!("{m}\n"));
    Outcome::Exit(SYNTAX_FAILURE)
}

#[derive(Default)]
struct Opts {
    flags: Vec<String>,
    services: Vec<String>,
}

impl Opts {
    fn has(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
}

fn parse(cmd: &str, args: &[String]) -> Result<Opts, String> {
    let known: &[(&str, &str)] = match cmd {
        "up" => &[("-d", "--detach"), ("", "--force-recreate"), ("", "--no-recreate"), ("", "--no-start"), ("", "--remove-orphans"), ("", "--quiet-pull"), ("", "--no-deps"), ("", "--build"), ("", "--no-build"), ("", "--no-color"), ("", "--no-log-prefix")],
        "down" => &[("-v", "--volumes"), ("", "--remove-orphans")],
        "ps" => &[("-q", "--quiet"), ("", "--services"), ("-a", "--all")],
        "logs" => &[("-f", "--follow"), ("-t", "--timestamps"), ("", "--no-color"), ("", "--no-log-prefix")],
        "pull" => &[("-q", "--quiet"), ("", "--ignore-pull-failures")],
        _ => &[],
    };
    let mut o = Opts::default();
    for a in args {
        if let Some(f) = known.iter().find(|(s, l)| a == s || a == l) {
            o.flags.push(f.1.to_string());
        } else if a.starts_with("--") {
            return Err(format!("unknown flag: {a}"));
        } else if let Some(s) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            for c in s.chars() {
                let short = format!("-{c}");
                match known.iter().find(|(s, _)| *s == short) {
                    Some(f) => o.flags.push(f.1.to_string()),
                    None => return Err(format!("unknown shorthand flag: '{c}' in {a}")),
                }
            }
        } else {
            o.services.push(a.clone());
        }
    }
    Ok(o)
}

struct V2<'a, 'b> {
    api: Api<'a>,
    io: &'b mut Io,
    project: Project,
    err_tty: bool,
    color: bool,
    cols: usize,
}

/// Simulated durations of the daemon's work, for the progress timers (ms).
const NETWORK_MS: u64 = 100;
const CREATE_MS: u64 = 100;
const START_MS: u64 = 400;
const REMOVE_MS: u64 = 100;
const STOP_MS: u64 = 300;
const PULL_MS: u64 = 2400;

/// Seconds since the epoch of an HTTP date (`Sat, 28 Nov 2026 23:46:21 GMT`).
fn date_secs(d: &str) -> Option<i64> {
    let parts: Vec<&str> = d.split_whitespace().collect();
    let [_, day, mon, year, time, _] = parts.as_slice() else { return None };
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = months.iter().position(|x| x == mon)? as i64 + 1;
    let (y, dd): (i64, i64) = (year.parse().ok()?, day.parse().ok()?);
    let hms: Vec<i64> = time.split(':').filter_map(|x| x.parse().ok()).collect();
    let [h, mi, s] = hms.as_slice() else { return None };
    // days from civil (Howard Hinnant)
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

impl V2<'_, '_> {
    fn project_label(&self) -> String {
        format!("com.docker.compose.project={}", self.project.name)
    }

    fn network(&self) -> String {
        format!("{}_default", self.project.name)
    }

    fn container_name(&self, s: &Service, n: u32) -> String {
        s.container_name.clone().unwrap_or_else(|| format!("{}-{}-{n}", self.project.name, s.name))
    }

    fn writer(&self) -> Writer {
        Writer::new(self.err_tty, self.cols)
    }

    fn flush(&mut self, w: &mut Writer) {
        let s = w.finish();
        self.io.write_err(&s);
    }

    /// The daemon's error as the Go client words it.
    fn daemon_error(e: &ApiError) -> String {
        match e {
            ApiError::Status(_, m) => format!("Error response from daemon: {m}"),
            other => other.message(),
        }
    }

    fn fail(&mut self, msg: &str, code: i32) -> i32 {
        self.io.write_err(&format!("{msg}\n"));
        code
    }

    fn containers(&mut self, labels: &[String], all: bool) -> Result<Vec<Value>, ApiError> {
        self.api.containers(labels, all)
    }

    fn up(&mut self, o: &Opts) -> i32 {
        if let Some(bad) = o.services.iter().find(|s| self.project.service(s).is_none()) {
            return self.fail(&format!("no such service: {bad}"), PARSE_FAILURE);
        }
        let pl = self.project_label();
        let observed = match self.containers(std::slice::from_ref(&pl), true) {
            Ok(c) => c,
            Err(e) => return self.fail(&Self::daemon_error(&e), 1),
        };
        // Images: those missing are pulled first, in a progress block of their own.
        let services: Vec<Service> = model::start_order(&self.project).into_iter().filter(|s| o.services.is_empty() || o.services.contains(&s.name)).cloned().collect();
        let mut missing = Vec::new();
        for s in &services {
            let Some(img) = &s.image else { continue };
            if s.pull_policy.as_deref() == Some("never") {
                continue;
            }
            if self.api.call("GET", &format!("/images/{img}/json"), None).is_err() || s.pull_policy.as_deref() == Some("always") {
                missing.push(s.clone());
            }
        }
        if !missing.is_empty() {
            let _ = self.api.call("GET", "/info", None);
            let mut w = self.writer();
            for s in &missing {
                if let Err(m) = self.pull_service(&mut w, s) {
                    self.flush(&mut w);
                    return self.fail(&m, PULL_FAILURE);
                }
            }
            self.flush(&mut w);
        }
        let mut w = self.writer();
        // The project network.
        let net = self.network();
        let filter = self.api.filters("name", std::slice::from_ref(&net));
        let exists = match self.api.json("GET", &format!("/networks?filters={filter}"), None) {
            Ok(v) => v.as_array().is_some_and(|a| !a.is_empty()),
            Err(e) => return self.fail(&Self::daemon_error(&e), 1),
        };
        if !exists {
            let id = format!("Network {net}");
            w.status(&id, Status::Working, "Creating");
            let body = json!({
                "CheckDuplicate": false, "Driver": "", "Scope": "", "EnableIPv6": false, "IPAM": null, "Internal": false,
                "Attachable": false, "Ingress": false, "ConfigOnly": false, "ConfigFrom": null, "Options": null,
                "Labels": { "com.docker.compose.network": "default", "com.docker.compose.project": self.project.name, "com.docker.compose.version": VERSION },
                "Name": net
            });
            let res = self.api.call("POST", "/networks/create", Some(&body));
            w.advance(NETWORK_MS);
            if let Err(e) = res {
                w.status(&id, Status::Error, "Error");
                self.flush(&mut w);
                return self.fail(&format!("failed to create network {net}: {}", Self::daemon_error(&e)), 1);
            }
            w.status(&id, Status::Done, "Created");
        }
        // Converge: one container per service.
        for s in &services {
            let hash = model::config_hash(s);
            let mine: Vec<&Value> = observed.iter().filter(|c| super::v1::label(c, "com.docker.compose.service") == s.name).collect();
            match mine.first() {
                None => {
                    let name = self.container_name(s, 1);
                    if let Err(m) = self.create(&mut w, s, &name, &hash) {
                        self.flush(&mut w);
                        return self.fail(&m, 1);
                    }
                }
                Some(c) => {
                    let cname = format!("Container {}", super::v1::name_of(c));
                    let same = super::v1::label(c, "com.docker.compose.config-hash") == hash && !o.has("--force-recreate");
                    if !same && !o.has("--no-recreate") {
                        w.status(&cname, Status::Working, "Recreate");
                        let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
                        let _ = self.api.call("POST", &format!("/containers/{id}/stop"), None);
                        let _ = self.api.call("DELETE", &format!("/containers/{id}?force=1"), None);
                        let name = super::v1::name_of(c);
                        if let Err(m) = self.create_quiet(s, &name, &hash) {
                            self.flush(&mut w);
                            return self.fail(&m, 1);
                        }
                        w.advance(CREATE_MS);
                        w.status(&cname, Status::Done, "Recreated");
                    } else if c.get("State").and_then(Value::as_str) == Some("running") {
                        w.status(&cname, Status::Done, "Running");
                    } else {
                        w.status(&cname, Status::Done, "Created");
                    }
                }
            }
        }
        if o.has("--no-start") {
            self.flush(&mut w);
            return 0;
        }
        let attached = !o.has("--detach");
        if attached {
            // up.go: the progress block ends with the creation; `attach` prints the names,
            // and the containers start without progress events, their output following.
            self.flush(&mut w);
            let labels = ["com.docker.compose.oneoff=False".to_string(), pl.clone()];
            let mut names: Vec<String> = match self.containers(&labels, true) {
                Ok(cs) => cs.iter().filter(|c| o.services.is_empty() || o.services.iter().any(|s| s == super::v1::label(c, "com.docker.compose.service"))).map(super::v1::name_of).collect(),
                Err(e) => return self.fail(&Self::daemon_error(&e), 1),
            };
            names.sort();
            self.io.write_out(&format!("Attaching to {}\n", names.join(", ")));
        }
        // Start what is not running.
        for s in &services {
            let labels = ["com.docker.compose.oneoff=False".to_string(), pl.clone(), format!("com.docker.compose.service={}", s.name)];
            let cs = match self.containers(&labels, true) {
                Ok(c) => c,
                Err(e) => {
                    self.flush(&mut w);
                    return self.fail(&Self::daemon_error(&e), 1);
                }
            };
            for c in cs.iter().filter(|c| c.get("State").and_then(Value::as_str) != Some("running")) {
                let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
                let ev = format!("Container {}", super::v1::name_of(c));
                if attached {
                    if let Err(e) = self.api.call("POST", &format!("/containers/{id}/start"), None) {
                        return self.fail(&Self::daemon_error(&e), 1);
                    }
                    continue;
                }
                w.status(&ev, Status::Working, "Starting");
                let res = self.api.call("POST", &format!("/containers/{id}/start"), None);
                w.advance(START_MS);
                match res {
                    Ok(_) => w.status(&ev, Status::Done, "Started"),
                    Err(e) => {
                        w.status(&ev, Status::Error, "Error");
                        self.flush(&mut w);
                        return self.fail(&Self::daemon_error(&e), 1);
                    }
                }
            }
        }
        if attached {
            let follow = Opts { flags: Vec::new(), services: o.services.clone() };
            return if self.logs(&follow) == 0 { RUNNING } else { 1 };
        }
        self.flush(&mut w);
        0
    }

    fn pull_service(&mut self, w: &mut Writer, s: &Service) -> Result<(), String> {
        w.event(&s.name, "", "Pulling", Status::Working, "");
        let (repo, tag) = s.image_repo_tag();
        let res = self.api.pull(&repo, &tag, s.platform.as_deref());
        w.advance(PULL_MS);
        let events = match res {
            Ok(e) => e,
            Err(e) => {
                w.event(&s.name, "", "Error", Status::Error, "");
                return Err(Self::daemon_error(&e));
            }
        };
        for jm in &events {
            if let Some(m) = jm.get("errorDetail").and_then(|d| d.get("message")).and_then(Value::as_str) {
                return Err(m.to_string());
            }
            let (Some(id), Some(_)) = (jm.get("id").and_then(Value::as_str), jm.get("progressDetail")) else { continue };
            let st = jm.get("status").and_then(Value::as_str).unwrap_or("");
            let text = jm.get("progress").and_then(Value::as_str).unwrap_or("").to_string();
            let done = st == "Pull complete" || st == "Already exists" || st.contains("Image is up to date") || st.contains("Downloaded newer image");
            w.event(id, &s.name, st, if done { Status::Done } else { Status::Working }, &text);
        }
        w.event(&s.name, "", "Pulled", Status::Done, "");
        let img = s.image.clone().unwrap_or_default();
        let _ = self.api.call("GET", &format!("/images/{img}/json"), None);
        Ok(())
    }

    fn create(&mut self, w: &mut Writer, s: &Service, name: &str, hash: &str) -> Result<(), String> {
        let ev = format!("Container {name}");
        w.status(&ev, Status::Working, "Creating");
        let res = self.create_quiet(s, name, hash);
        w.advance(CREATE_MS);
        match res {
            Ok(()) => {
                w.status(&ev, Status::Done, "Created");
                Ok(())
            }
            Err(m) => {
                w.status(&ev, Status::Error, "Error");
                Err(m)
            }
        }
    }

    /// `createMobyContainer`: create (with `platform`), inspect; the network aliases are
    /// already the short ID's, so no reconnect is needed.
    fn create_quiet(&mut self, s: &Service, name: &str, hash: &str) -> Result<(), String> {
        let body = self.create_body(s, hash);
        let mut path = format!("/containers/create?name={}", crate::http::query_escape(name));
        if let Some(p) = &s.platform {
            path.push_str(&format!("&platform={}", crate::http::query_escape(p)));
        }
        let v = self.api.json("POST", &path, Some(&body)).map_err(|e| Self::daemon_error(&e))?;
        let id = v.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
        let _ = self.api.call("GET", &format!("/containers/{id}/json"), None);
        Ok(())
    }

    /// `container.Config` + `HostConfig` + `NetworkingConfig` as the Go client marshals them.
    fn create_body(&self, s: &Service, hash: &str) -> Value {
        let p = &self.project;
        let net = self.network();
        let mut labels: Vec<(String, String)> = s.labels.clone();
        labels.push(("com.docker.compose.config-hash".into(), hash.into()));
        labels.push(("com.docker.compose.container-number".into(), "1".into()));
        labels.push(("com.docker.compose.depends_on".into(), String::new()));
        labels.push(("com.docker.compose.oneoff".into(), "False".into()));
        labels.push(("com.docker.compose.project".into(), p.name.clone()));
        labels.push(("com.docker.compose.project.config_files".into(), p.config_files.join(",")));
        labels.push(("com.docker.compose.project.working_dir".into(), p.working_dir.clone()));
        labels.push(("com.docker.compose.service".into(), s.name.clone()));
        labels.push(("com.docker.compose.version".into(), VERSION.into()));
        labels.sort();
        let labels: Map<String, Value> = labels.into_iter().map(|(k, v)| (k, json!(v))).collect();
        let mut env = s.env_list();
        env.sort();
        let mut exposed = Map::new();
        let mut bindings = Map::new();
        for port in &s.ports {
            exposed.insert(port.container.clone(), json!({}));
            let list = bindings.entry(port.container.clone()).or_insert_with(|| json!([]));
            if let Value::Array(a) = list {
                a.push(json!({ "HostIp": port.host_ip, "HostPort": port.host_port }));
            }
        }
        let (rp, count) = match &s.restart {
            Some(r) => r.split_once(':').map(|(n, c)| (n.to_string(), c.parse::<u64>().unwrap_or(0))).unwrap_or((r.clone(), 0)),
            None => (String::new(), 0),
        };
        let mut config = json!({
            "Hostname": "", "Domainname": "", "User": "", "AttachStdin": false, "AttachStdout": true, "AttachStderr": true,
        });
        if let Value::Object(m) = &mut config {
            if !exposed.is_empty() {
                m.insert("ExposedPorts".into(), Value::Object(exposed));
            }
            m.insert("Tty".into(), json!(s.tty));
            m.insert("OpenStdin".into(), json!(s.stdin_open));
            m.insert("StdinOnce".into(), json!(false));
            m.insert("Env".into(), if env.is_empty() { Value::Null } else { json!(env) });
            m.insert("Cmd".into(), s.command.as_ref().map(|c| json!(c)).unwrap_or(Value::Null));
            m.insert("Image".into(), json!(s.image.clone().unwrap_or_default()));
            m.insert("Volumes".into(), Value::Null);
            m.insert("WorkingDir".into(), json!(""));
            m.insert("Entrypoint".into(), s.entrypoint.as_ref().map(|c| json!(c)).unwrap_or(Value::Null));
            m.insert("OnBuild".into(), Value::Null);
            m.insert("Labels".into(), Value::Object(labels));
            m.insert("HostConfig".into(), json!({
                "Binds": null, "ContainerIDFile": "", "LogConfig": { "Type": "", "Config": null }, "NetworkMode": net,
                "PortBindings": bindings, "RestartPolicy": { "Name": rp, "MaximumRetryCount": count }, "AutoRemove": false,
                "VolumeDriver": "", "VolumesFrom": null, "CapAdd": null, "CapDrop": null, "CgroupnsMode": "", "Dns": null,
                "DnsOptions": null, "DnsSearch": null, "ExtraHosts": [], "GroupAdd": null, "IpcMode": "", "Cgroup": "",
                "Links": null, "OomScoreAdj": 0, "PidMode": "", "Privileged": false, "PublishAllPorts": false,
                "ReadonlyRootfs": false, "SecurityOpt": null, "UTSMode": "", "UsernsMode": "", "ShmSize": 0,
                "Isolation": "", "CpuShares": 0, "Memory": 0, "NanoCpus": 0, "CgroupParent": "", "BlkioWeight": 0,
                "BlkioWeightDevice": null, "BlkioDeviceReadBps": null, "BlkioDeviceWriteBps": null,
                "BlkioDeviceReadIOps": null, "BlkioDeviceWriteIOps": null, "CpuPeriod": 0, "CpuQuota": 0,
                "CpuRealtimePeriod": 0, "CpuRealtimeRuntime": 0, "CpusetCpus": "", "CpusetMems": "", "Devices": null,
                "DeviceCgroupRules": null, "DeviceRequests": null, "KernelMemory": 0, "KernelMemoryTCP": 0,
                "MemoryReservation": 0, "MemorySwap": 0, "MemorySwappiness": null, "OomKillDisable": false,
                "PidsLimit": null, "Ulimits": null, "CpuCount": 0, "CpuPercent": 0, "IOMaximumIOps": 0,
                "IOMaximumBandwidth": 0, "MaskedPaths": null, "ReadonlyPaths": null
            }));
            m.insert("NetworkingConfig".into(), json!({ "EndpointsConfig": { net: {
                "IPAMConfig": null, "Links": null, "Aliases": [s.name], "NetworkID": "", "EndpointID": "", "Gateway": "",
                "IPAddress": "", "IPPrefixLen": 0, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0,
                "MacAddress": "", "DriverOpts": null
            } } }));
        }
        config
    }

    fn down(&mut self) -> i32 {
        let pl = self.project_label();
        let cs = match self.containers(&[pl], true) {
            Ok(c) => c,
            Err(e) => return self.fail(&Self::daemon_error(&e), 1),
        };
        let mut w = self.writer();
        // Services in reverse dependency order; their containers in list order.
        let order: Vec<String> = model::start_order(&self.project).into_iter().rev().map(|s| s.name.clone()).collect();
        let mut listed: Vec<&Value> = Vec::new();
        for s in &order {
            listed.extend(cs.iter().filter(|c| super::v1::label(c, "com.docker.compose.service") == s));
        }
        listed.extend(cs.iter().filter(|c| !order.iter().any(|s| s == super::v1::label(c, "com.docker.compose.service"))));
        for c in &listed {
            let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
            let ev = format!("Container {}", super::v1::name_of(c));
            w.status(&ev, Status::Working, "Stopping");
            w.status(&ev, Status::Working, "Stopping");
            let before = self.api.last_date.as_deref().and_then(date_secs);
            let res = self.api.call("POST", &format!("/containers/{id}/stop"), None);
            match res {
                Ok(_) => {
                    // dockerd's clock moved while it waited (10 s for a PID 1 that ignores
                    // SIGTERM): the timer shows it.
                    let after = self.api.last_date.as_deref().and_then(date_secs);
                    let waited = before.zip(after).map(|(a, b)| (b - a).max(0) as u64).unwrap_or(0);
                    w.advance(STOP_MS + waited * 1000);
                    w.status(&ev, Status::Done, "Stopped");
                }
                Err(e) => {
                    w.status(&ev, Status::Error, "Error while Stopping");
                    self.flush(&mut w);
                    return self.fail(&Self::daemon_error(&e), 1);
                }
            }
            w.status(&ev, Status::Working, "Removing");
            let res = self.api.call("DELETE", &format!("/containers/{id}?force=1"), None);
            w.advance(REMOVE_MS);
            match res {
                Ok(_) => w.status(&ev, Status::Done, "Removed"),
                Err(e) => {
                    w.status(&ev, Status::Error, "Error while Removing");
                    self.flush(&mut w);
                    return self.fail(&Self::daemon_error(&e), 1);
                }
            }
        }
        let net = self.network();
        let mut removed_net = false;
        if self.api.call("GET", &format!("/networks/{net}"), None).is_ok() {
            let ev = format!("Network {net}");
            w.status(&ev, Status::Working, "Removing");
            let res = self.api.call("DELETE", &format!("/networks/{net}"), None);
            w.advance(NETWORK_MS);
            match res {
                Ok(_) => w.status(&ev, Status::Done, "Removed"),
                Err(e) => {
                    w.status(&ev, Status::Error, "Error");
                    self.flush(&mut w);
                    return self.fail(&format!("failed to remove network {net}: {}", Self::daemon_error(&e)), 1);
                }
            }
            removed_net = true;
        }
        if cs.is_empty() && !removed_net {
            let n = self.project.name.clone();
            self.io.write_err(&format!("Warning: No resource found to remove for project {n:?}.\n"));
        }
        self.flush(&mut w);
        0
    }

    fn ps(&mut self, o: &Opts) -> i32 {
        let mut labels = vec![self.project_label()];
        if !o.has("--all") {
            labels.push("com.docker.compose.oneoff=False".into());
        }
        let cs = match self.containers(&labels, true) {
            Ok(c) => c,
            Err(e) => return self.fail(&Self::daemon_error(&e), 1),
        };
        let mut cs: Vec<Value> = cs.into_iter().filter(|c| o.services.is_empty() || o.services.iter().any(|s| s == super::v1::label(c, "com.docker.compose.service"))).collect();
        for s in &o.services {
            if !cs.iter().any(|c| super::v1::label(c, "com.docker.compose.service") == s) {
                return self.fail(&format!("no such service: {s}"), 1);
            }
        }
        for c in &cs {
            let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
            let _ = self.api.call("GET", &format!("/containers/{id}/json"), None);
        }
        cs.sort_by_key(super::v1::name_of);
        if o.has("--quiet") {
            for c in &cs {
                let id = c.get("Id").and_then(Value::as_str).unwrap_or("");
                self.io.write_out(&format!("{id}\n"));
            }
            return 0;
        }
        if o.has("--services") {
            let mut names: Vec<String> = Vec::new();
            for c in &cs {
                let s = super::v1::label(c, "com.docker.compose.service").to_string();
                if !names.contains(&s) {
                    names.push(s);
                }
            }
            self.io.write_out(&format!("{}\n", names.join("\n")));
            return 0;
        }
        let mut rows: Vec<Vec<String>> = vec![["NAME", "COMMAND", "SERVICE", "STATUS", "PORTS"].iter().map(|s| s.to_string()).collect()];
        for c in &cs {
            let state = c.get("State").and_then(Value::as_str).unwrap_or("").to_string();
            let status = if state == "exited" || state == "dead" {
                let code = c.get("Status").and_then(Value::as_str).and_then(|s| s.split(['(', ')']).nth(1)).unwrap_or("0").to_string();
                format!("{state} ({code})")
            } else {
                state
            };
            let command = c.get("Command").and_then(Value::as_str).unwrap_or("");
            let command = if command.chars().count() > 20 { format!("{}…", command.chars().take(19).collect::<String>()) } else { command.to_string() };
            rows.push(vec![super::v1::name_of(c), format!("{command:?}"), super::v1::label(c, "com.docker.compose.service").to_string(), status, ports(c)]);
        }
        self.io.write_out(&tabwriter(&rows, 20, 3));
        0
    }

    fn logs(&mut self, o: &Opts) -> i32 {
        let labels = ["com.docker.compose.oneoff=False".to_string(), self.project_label()];
        let cs = match self.containers(&labels, true) {
            Ok(c) => c,
            Err(e) => return self.fail(&Self::daemon_error(&e), 1),
        };
        let mut cs: Vec<Value> = cs.into_iter().filter(|c| o.services.is_empty() || o.services.iter().any(|s| s == super::v1::label(c, "com.docker.compose.service"))).collect();
        cs.sort_by_key(super::v1::name_of);
        let width = cs.iter().map(|c| super::v1::name_of(c).len()).max().unwrap_or(0) + 1;
        const RAINBOW: [&str; 10] = ["36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"];
        for (i, c) in cs.iter().enumerate() {
            let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
            let tty = self.api.json("GET", &format!("/containers/{id}/json"), None).ok().and_then(|v| v["Config"]["Tty"].as_bool()).unwrap_or(false);
            let q = if o.has("--timestamps") { "stderr=1&stdout=1&tail=all&timestamps=1" } else { "stderr=1&stdout=1&tail=all" };
            let frames = match self.api.logs(&id, tty, q) {
                Ok(f) => f,
                Err(e) => return self.fail(&Self::daemon_error(&e), 1),
            };
            let name = super::v1::name_of(c);
            let prefix = if o.has("--no-log-prefix") {
                String::new()
            } else {
                let p = format!("{name:<width$} | ");
                if self.color && !o.has("--no-color") { format!("\x1b[{}m{p}\x1b[0m", RAINBOW[i % RAINBOW.len()]) } else { p }
            };
            let bytes: Vec<u8> = frames.into_iter().flat_map(|(_, b)| b).collect();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            for line in text.strip_suffix('\n').unwrap_or(&text).split('\n').filter(|_| !text.is_empty()) {
                self.io.write_out(&format!("{prefix}{line}\n"));
            }
        }
        0
    }

    fn pull_cmd(&mut self) -> i32 {
        let services = self.project.services.clone();
        let _ = self.api.call("GET", "/info", None);
        let mut w = self.writer();
        for s in &services {
            if let Err(m) = self.pull_service(&mut w, s) {
                self.flush(&mut w);
                return self.fail(&m, PULL_FAILURE);
            }
        }
        self.flush(&mut w);
        0
    }
}

/// The docker CLI's `DisplayablePorts`, for single ports: `0.0.0.0:8080->80/tcp, :::8080->80/tcp`.
fn ports(c: &Value) -> String {
    let mut list: Vec<&Value> = c.get("Ports").and_then(Value::as_array).map(|a| a.iter().collect()).unwrap_or_default();
    list.sort_by_key(|p| p["PrivatePort"].as_u64().unwrap_or(0));
    list.iter()
        .map(|p| {
            let private = p["PrivatePort"].as_u64().unwrap_or(0);
            let proto = p["Type"].as_str().unwrap_or("tcp");
            match p["PublicPort"].as_u64().filter(|x| *x > 0) {
                Some(public) => {
                    let ip = p["IP"].as_str().unwrap_or("");
                    let ip = if ip.contains(':') { format!("[{ip}]") } else { ip.to_string() };
                    let ip = if ip == "[::]" { "::".to_string() } else { ip };
                    format!("{ip}:{public}->{private}/{proto}")
                }
                None => format!("{private}/{proto}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Go's text/tabwriter with `minwidth`, padding, spaces, flags 0: every cell but the last of
/// a line is padded to its column's width.
fn tabwriter(rows: &[Vec<String>], minwidth: usize, padding: usize) -> String {
    let ncols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; ncols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                widths[i] = widths[i].max((c.chars().count() + padding).max(minwidth));
            }
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                out.push_str(&format!("{c:<w$}", w = widths[i]));
            } else {
                out.push_str(c);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_tables() {
        assert_eq!(date_secs("Sat, 28 Nov 2026 23:46:21 GMT"), Some(1_795_909_581));
        let rows = vec![vec!["NAME".to_string(), "PORTS".into()], vec!["x-db-1".into(), "".into()]];
        assert_eq!(tabwriter(&rows, 20, 3), "NAME                PORTS\nx-db-1              \n");
    }
}
