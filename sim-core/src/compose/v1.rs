//! `docker-compose` 1.29.2 (Debian's package, the Python program): its options, the requests
//! docker-py 5.0.3 sends for them, and what it prints. Checked against the real program:
//! tests/reference/compose/v1-*.txt and sim-core/tests/compose.rs.

use crate::sort::SortSlice;
use serde_json::{json, Map, Value};

use super::api::{Api, ApiError, Client};
use super::model::{self, LoadError, Project, Service};
use super::project::{self, FindError};
use super::v1_text;
use super::v1_up;
use crate::client::transport::{ConnectError, DockerTransport};
use crate::utils::{Ctx, Io, Outcome};

pub const VERSION: &str = "1.29.2";

/// The global options before the command.
#[derive(Default)]
struct Global {
    files: Vec<String>,
    project: Option<String>,
    no_ansi: bool,
}

/// Where compose writes, and whether its streams are terminals.
pub struct Out<'a> {
    pub io: &'a mut Io,
    /// stderr is a terminal: progress lines use ANSI codes, log levels are coloured.
    pub err_tty: bool,
    pub cols: usize,
}

impl Out<'_> {
    pub fn out(&mut self, s: &str) {
        self.io.write_out(s);
    }
    pub fn err(&mut self, s: &str) {
        self.io.write_err(s);
    }
    /// `log.error(msg)`: `ERROR: ` in red on a terminal, the bare message otherwise.
    pub fn error(&mut self, msg: &str) {
        let prefix = if self.err_tty { "\x1b[31mERROR\x1b[0m: " } else { "" };
        self.err(&format!("{prefix}{msg}\n"));
    }
    pub fn warning(&mut self, msg: &str) {
        let prefix = if self.err_tty { "\x1b[33mWARNING\x1b[0m: " } else { "" };
        self.err(&format!("{prefix}{msg}\n"));
    }
    pub fn info(&mut self, msg: &str) {
        self.err(&format!("{msg}\n"));
    }
}

/// The process a command works on: the project, the API, the output.
pub struct Run<'a, 'b> {
    pub api: Api<'a>,
    pub out: Out<'b>,
    pub project: Project,
    /// The parallel writer's lines (shared by every operation of the process) and width.
    pub lines: Vec<String>,
    pub width: usize,
}

/// `docker-compose ARGS...` as a program of the simulated host.
pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv.iter().skip(1).cloned().collect();
    let err_tty = ctx.io.tty_out && ctx.io.err_to_out && ctx.io.err_redirect.is_none();
    let (g, rest) = match parse_global(&args) {
        Ok(x) => x,
        Err(code) => {
            ctx.err(v1_text::HELP);
            return Outcome::Exit(code);
        }
    };
    let Some((cmd, cmd_args)) = rest.split_first() else {
        ctx.err(v1_text::HELP);
        return Outcome::Exit(0);
    };
    match cmd.as_str() {
        "version" => {
            ctx.out(&version_text());
            return Outcome::Exit(0);
        }
        "up" | "down" | "ps" | "logs" | "pull" => {}
        _ => {
            let known = commands();
            let msg = if known.iter().any(|c| c == cmd) {
                format!("The {cmd} command is not part of this simulation.\n")
            } else {
                let list = v1_text::HELP.split("Commands:\n").nth(1).unwrap_or("").trim_end_matches('\n');
                format!("No such command: {cmd}\n\nCommands:\n{list}\n")
            };
            ctx.err(&msg);
            return Outcome::Exit(1);
        }
    }
    let opts = match parse_command(cmd, cmd_args) {
        Ok(o) => o,
        Err(()) => {
            ctx.err(usage(cmd));
            return Outcome::Exit(0);
        }
    };
    let prefix = |m: &str| if err_tty { format!("\x1b[31mERROR\x1b[0m: {m}\n") } else { format!("{m}\n") };
    let files = match project::find(ctx, &g.files, project::V1_NAMES) {
        Ok(f) => f,
        Err(FindError::NotFound) => {
            let m = "\n        Can't find a suitable configuration file in this directory or any\n        parent. Are you in the right directory?\n\n        Supported filenames: docker-compose.yml, docker-compose.yaml, compose.yml, compose.yaml\n        ";
            ctx.err(&prefix(m));
            return Outcome::Exit(1);
        }
        Err(FindError::Unreadable(name, _, e)) => {
            let class = match e {
                crate::kernel::Errno::EACCES => "PermissionError",
                crate::kernel::Errno::EISDIR => "IsADirectoryError",
                _ => "FileNotFoundError",
            };
            ctx.err(&prefix(&format!(".{class}: [Errno {}] {}: '{name}'", errno_number(e), e.message())));
            return Outcome::Exit(1);
        }
    };
    let Some(first) = files.first().cloned() else { return Outcome::Exit(1) };
    let mut project = match model::load(&first.text) {
        Ok(p) => p,
        Err(e) => {
            ctx.err(&prefix(&e.v1_message(&first.v1_name)));
            return Outcome::Exit(1);
        }
    };
    let dir = project::dirname(&first.path);
    project.working_dir = dir.clone();
    project.config_files = files.iter().map(|f| project::basename(&f.path)).collect();
    let name = g.project.clone().or_else(|| ctx.getenv("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()).map(str::to_string)).unwrap_or_else(|| project::basename(&dir));
    project.name = model::normalize_v1(&name);
    let _ = g.no_ansi;
    let release = ctx.k.uname.release.clone();
    let sock = match project::socket_path(ctx) {
        Ok(s) => s,
        Err(_) => {
            ctx.err(&no_daemon("111", "ConnectionRefusedError", "Connection refused"));
            return Outcome::Exit(1);
        }
    };
    let cols = if ctx.io.cols == 0 { 80 } else { ctx.io.cols };
    let Ctx { k, pid, io, .. } = ctx;
    let mut t = crate::engine::socket::SimTransport::new(k, *pid, &sock);
    let out = Out { io, err_tty, cols };
    run(&mut t, out, project, &release, cmd, &opts)
}

/// Runs one command against a daemon behind `t` (the integrator's entry for other
/// transports).
pub fn run(t: &mut dyn DockerTransport, out: Out, project: Project, kernel_release: &str, cmd: &str, opts: &Opts) -> Outcome {
    let ua = format!("docker-compose/{VERSION} docker-py/5.0.3 Linux/{kernel_release}");
    let mut api = Api::new(t, Client::DockerPy, &ua);
    // docker-py asks the daemon's version first (`version='auto'`), without a prefix.
    match api.raw("GET", "/version", None) {
        Ok(r) => {
            let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            if let Some(a) = v.get("ApiVersion").and_then(Value::as_str) {
                let a = if version_lt(a, "1.41") { a.to_string() } else { "1.41".into() };
                api.prefix = format!("/v{a}");
            }
        }
        Err(ApiError::Connect(e)) => {
            let mut out = out;
            let (n, name, msg) = match e {
                ConnectError::PermissionDenied => ("13", "PermissionError", "Permission denied"),
                ConnectError::NotRunning => ("111", "ConnectionRefusedError", "Connection refused"),
                ConnectError::Unreachable(_) => ("2", "FileNotFoundError", "No such file or directory"),
            };
            out.err(&no_daemon(n, name, msg));
            return Outcome::Exit(1);
        }
        Err(_) => {}
    }
    let mut r = Run { api, out, project, lines: Vec::new(), width: 0 };
    let code = match cmd {
        "up" if !opts.has("--detach") => {
            // Attached: the containers' output follows until Ctrl-C (log_printer with follow).
            let code = v1_up::up(&mut r, opts);
            if code != 0 {
                return Outcome::Exit(code);
            }
            let follow = Opts { services: opts.services.clone(), ..Opts::default() };
            if logs(&mut r, &follow) != 0 {
                return Outcome::Exit(1);
            }
            return Outcome::Running { until: None };
        }
        "up" => v1_up::up(&mut r, opts),
        "down" => v1_up::down(&mut r, opts),
        "ps" => ps(&mut r, opts),
        "logs" => logs(&mut r, opts),
        "pull" => v1_up::pull_all(&mut r, opts),
        _ => 1,
    };
    Outcome::Exit(code)
}

fn no_daemon(errno: &str, name: &str, message: &str) -> String {
    v1_text::NO_DAEMON.replace("{ERRNO}", errno).replace("{ERRNAME}", name).replace("{MESSAGE}", message)
}

fn errno_number(e: crate::kernel::Errno) -> u32 {
    use crate::kernel::Errno::*;
    match e {
        ENOENT => 2,
        EACCES => 13,
        EISDIR => 21,
        ENOTDIR => 20,
        ELOOP => 40,
        _ => 5,
    }
}

fn version_lt(a: &str, b: &str) -> bool {
    let p = |s: &str| -> (u32, u32) {
        let (x, y) = s.split_once('.').unwrap_or((s, "0"));
        (x.parse().unwrap_or(0), y.parse().unwrap_or(0))
    };
    p(a) < p(b)
}

pub fn version_text() -> String {
    format!("docker-compose version {VERSION}, build unknown\ndocker-py version: 5.0.3\nCPython version: 3.11.2\nOpenSSL version: OpenSSL 3.0.19 27 Jan 2026\n")
}

fn commands() -> Vec<String> {
    let list = v1_text::HELP.split("Commands:\n").nth(1).unwrap_or("");
    list.lines().filter_map(|l| l.split_whitespace().next().map(str::to_string)).collect()
}

fn usage(cmd: &str) -> &'static str {
    match cmd {
        "up" => v1_text::UP_USAGE,
        "ps" => v1_text::PS_USAGE,
        "logs" => v1_text::LOGS_USAGE,
        "down" => v1_text::DOWN_USAGE,
        "pull" => v1_text::PULL_USAGE,
        _ => v1_text::VERSION_USAGE,
    }
}

fn parse_global(args: &[String]) -> Result<(Global, Vec<String>), i32> {
    let mut g = Global::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let take = |i: &mut usize| -> Result<String, i32> {
            *i += 1;
            args.get(*i).cloned().ok_or(1)
        };
        match a.as_str() {
            "-f" | "--file" => g.files.push(take(&mut i)?),
            "-p" | "--project-name" => g.project = Some(take(&mut i)?),
            "--project-directory" | "--env-file" | "-H" | "--host" | "--log-level" | "--profile" | "-c" | "--context" | "--ansi" => {
                take(&mut i)?;
            }
            "--no-ansi" => g.no_ansi = true,
            "--verbose" | "--compatibility" | "--skip-hostname-check" | "--tls" | "--tlsverify" => {}
            "-v" | "--version" => return Ok((g, vec!["version".into()])),
            "-h" | "--help" => return Err(0),
            "--" => return Ok((g, args[i + 1..].to_vec())),
            s if s.starts_with("--file=") => g.files.push(s["--file=".len()..].to_string()),
            s if s.starts_with("--project-name=") => g.project = Some(s["--project-name=".len()..].to_string()),
            s if s.starts_with("-f") && s.len() > 2 => g.files.push(s[2..].to_string()),
            s if s.starts_with("-p") && s.len() > 2 => g.project = Some(s[2..].to_string()),
            s if s.starts_with('-') => return Err(0),
            _ => return Ok((g, args[i..].to_vec())),
        }
        i += 1;
    }
    Ok((g, Vec::new()))
}

/// A command's options and operands.
#[derive(Default, Debug)]
pub struct Opts {
    pub flags: Vec<String>,
    pub values: Vec<(String, String)>,
    pub services: Vec<String>,
}

impl Opts {
    pub fn has(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
    pub fn value(&self, f: &str) -> Option<&str> {
        self.values.iter().rev().find(|(n, _)| n == f).map(|(_, v)| v.as_str())
    }
}

fn parse_command(cmd: &str, args: &[String]) -> Result<Opts, ()> {
    // (short, long, takes a value)
    let spec: &[(&str, &str, bool)] = match cmd {
        "up" => &[("-d", "--detach", false), ("", "--no-color", false), ("", "--quiet-pull", false), ("", "--no-deps", false), ("", "--force-recreate", false), ("", "--always-recreate-deps", false), ("", "--no-recreate", false), ("", "--no-build", false), ("", "--no-start", false), ("", "--build", false), ("", "--abort-on-container-exit", false), ("", "--attach-dependencies", false), ("-t", "--timeout", true), ("-V", "--renew-anon-volumes", false), ("", "--remove-orphans", false), ("", "--exit-code-from", true), ("", "--scale", true), ("", "--no-log-prefix", false)],
        "down" => &[("", "--rmi", true), ("-v", "--volumes", false), ("", "--remove-orphans", false), ("-t", "--timeout", true)],
        "ps" => &[("-q", "--quiet", false), ("", "--services", false), ("", "--filter", true), ("-a", "--all", false)],
        "logs" => &[("", "--no-color", false), ("-f", "--follow", false), ("-t", "--timestamps", false), ("", "--tail", true), ("", "--no-log-prefix", false)],
        "pull" => &[("", "--ignore-pull-failures", false), ("", "--parallel", false), ("", "--no-parallel", false), ("-q", "--quiet", false), ("", "--include-deps", false)],
        _ => &[],
    };
    let mut o = Opts::default();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let a = &args[i];
        if only_operands || !a.starts_with('-') || a == "-" {
            o.services.push(a.clone());
            i += 1;
            continue;
        }
        if a == "--" {
            only_operands = true;
            i += 1;
            continue;
        }
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        if name.starts_with("--") {
            let Some((_, long, val)) = spec.iter().find(|(_, l, _)| *l == name) else { return Err(()) };
            if *val {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i).cloned().ok_or(())?
                    }
                };
                o.values.push((long.to_string(), v));
            } else {
                o.flags.push(long.to_string());
            }
        } else {
            // Bundled short flags: `-dV`.
            let chars: Vec<char> = name[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let short = format!("-{}", chars[j]);
                let Some((_, long, val)) = spec.iter().find(|(s, _, _)| *s == short) else { return Err(()) };
                if *val {
                    let rest: String = chars[j + 1..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest
                    } else {
                        i += 1;
                        args.get(i).cloned().ok_or(())?
                    };
                    o.values.push((long.to_string(), v));
                    break;
                }
                o.flags.push(long.to_string());
                j += 1;
            }
        }
        i += 1;
    }
    Ok(o)
}

impl Run<'_, '_> {
    /// The project's labels for a container list, `legacy` with `-` and `_` taken out of
    /// the project name (compose < 1.21 named projects so).
    pub fn labels(&self, legacy: bool, one_off: Option<bool>, service: Option<&str>) -> Vec<String> {
        let name = if legacy { self.project.name.replace(['-', '_'], "") } else { self.project.name.clone() };
        let mut v = vec![format!("com.docker.compose.project={name}")];
        if let Some(s) = service {
            v.push(format!("com.docker.compose.service={s}"));
        }
        if let Some(o) = one_off {
            v.push(format!("com.docker.compose.oneoff={}", if o { "True" } else { "False" }));
        }
        v
    }

    /// `_labeled_containers` / `service.containers`: the project's name, then the legacy one
    /// if that found nothing.
    pub fn containers(&mut self, all: bool, one_off: Option<bool>, service: Option<&str>) -> Result<Vec<Value>, ApiError> {
        let l = self.labels(false, one_off, service);
        let found = self.api.containers(&l, all)?;
        if !found.is_empty() {
            return Ok(found);
        }
        let l = self.labels(true, one_off, service);
        let legacy = self.api.containers(&l, all)?;
        // Only containers whose name carries the legacy project name count.
        let prefix = format!("/{}_", self.project.name.replace(['-', '_'], ""));
        Ok(legacy.into_iter().filter(|c| names_of(c).iter().any(|n| n.starts_with(&prefix))).collect())
    }

    /// A line of the parallel writer: added (for the width), then written plain.
    pub fn par_initial(&mut self, msg: &str, name: &str) {
        let key = format!("{msg}{name}");
        self.lines.push(key);
        self.width = self.width.max(msg.len() + 1 + name.len());
        let line = format!("{:<w$} ... \r\n", format!("{msg} {name}"), w = self.width);
        self.out.err(&line);
    }

    /// The writer's status for a line: over it with ANSI codes on a terminal, a new line
    /// otherwise.
    pub fn par_status(&mut self, msg: &str, name: &str, status: &str) {
        let padded = format!("{:<w$}", format!("{msg} {name}"), w = self.width);
        if self.out.err_tty {
            let key = format!("{msg}{name}");
            let pos = self.lines.iter().position(|l| *l == key).unwrap_or(0);
            let diff = self.lines.len() - pos;
            let colored = match status {
                "done" => format!("\x1b[32m{status}\x1b[0m"),
                _ => format!("\x1b[31m{status}\x1b[0m"),
            };
            self.out.err(&format!("\x1b[{diff}A\x1b[2K\r{padded} ... {colored}\r\x1b[{diff}B"));
        } else {
            self.out.err(&format!("{padded} ... {status}\r\n"));
        }
    }
}

pub fn names_of(c: &Value) -> Vec<String> {
    c.get("Names").and_then(Value::as_array).map(|a| a.iter().filter_map(|n| n.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// The container's name as compose takes it from a list entry (the shortest name).
pub fn name_of(c: &Value) -> String {
    let names = names_of(c);
    let n = names.iter().min_by_key(|n| n.split('/').count()).cloned().unwrap_or_default();
    n.rsplit('/').next().unwrap_or("").to_string()
}

pub fn label<'v>(c: &'v Value, key: &str) -> &'v str {
    c.get("Labels").and_then(|l| l.get(key)).and_then(Value::as_str).unwrap_or("")
}

/// `name_without_project`: `db_1` for `x_db_1`.
fn short_name(project: &str, c: &Value) -> String {
    let name = name_of(c);
    let service = label(c, "com.docker.compose.service");
    if name.starts_with(&format!("{project}_{service}")) {
        return format!("{service}_{}", label(c, "com.docker.compose.container-number"));
    }
    name
}

fn ps(r: &mut Run, o: &Opts) -> i32 {
    if o.has("--quiet") && o.has("--services") {
        r.out.error("--quiet and --services cannot be combined");
        return 1;
    }
    if let Some(bad) = o.services.iter().find(|s| r.project.service(s).is_none()) {
        r.out.error(&format!("No such service: {bad}"));
        return 1;
    }
    if o.has("--services") {
        let names: Vec<String> = r.project.services.iter().map(|s| s.name.clone()).collect();
        r.out.out(&format!("{}\n", names.join("\n")));
        return 0;
    }
    let mut cs = match r.containers(true, Some(false), None) {
        Ok(c) => c,
        Err(e) => return api_failed(r, &e),
    };
    match r.containers(false, Some(true), None) {
        Ok(mut one_off) => cs.append(&mut one_off),
        Err(e) => return api_failed(r, &e),
    }
    if !o.services.is_empty() {
        cs.retain(|c| o.services.iter().any(|s| s == label(c, "com.docker.compose.service")));
    }
    cs.sort_stable_by_key(name_of);
    if o.has("--quiet") {
        for c in &cs {
            let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
            r.out.out(&format!("{id}\n"));
        }
        return 0;
    }
    let mut rows = Vec::new();
    for c in &cs {
        let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
        let inspect = match r.api.json("GET", &format!("/containers/{id}/json"), None) {
            Ok(v) => v,
            Err(e) => return api_failed(r, &e),
        };
        let mut command: Vec<String> = Vec::new();
        for key in ["Entrypoint", "Cmd"] {
            command.extend(inspect["Config"][key].as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)));
        }
        let mut command = command.join(" ");
        if command.chars().count() > 30 {
            command = format!("{} ...", command.chars().take(26).collect::<String>());
        }
        let st = &inspect["State"];
        let state = if st["Paused"].as_bool() == Some(true) {
            "Paused".to_string()
        } else if st["Restarting"].as_bool() == Some(true) {
            "Restarting".to_string()
        } else if st["Running"].as_bool() == Some(true) {
            "Up".to_string()
        } else {
            format!("Exit {}", st["ExitCode"].as_i64().unwrap_or(0))
        };
        rows.push(vec![name_of(c), command, state, human_ports(&inspect["NetworkSettings"]["Ports"])]);
    }
    let width = if r.out.io.tty_out { r.out.cols } else { 999 };
    let table = super::table::draw(&["Name", "Command", "State", "Ports"], &rows, width);
    r.out.out(&format!("{table}\n"));
    0
}

/// `human_readable_ports`: `0.0.0.0:8080->80/tcp,:::8080->80/tcp, 3306/tcp`, sorted.
fn human_ports(ports: &Value) -> String {
    let Some(m) = ports.as_object() else { return String::new() };
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_stable();
    keys.iter()
        .map(|k| match m.get(*k).and_then(Value::as_array) {
            Some(list) if !list.is_empty() => list
                .iter()
                .map(|p| format!("{}:{}->{k}", p["HostIp"].as_str().unwrap_or(""), p["HostPort"].as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(","),
            _ => k.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn logs(r: &mut Run, o: &Opts) -> i32 {
    if let Some(bad) = o.services.iter().find(|s| r.project.service(s).is_none()) {
        r.out.error(&format!("No such service: {bad}"));
        return 1;
    }
    let tail = o.value("--tail").unwrap_or("all").to_string();
    if tail != "all" && !tail.chars().all(|c| c.is_ascii_digit()) {
        r.out.error("tail flag must be all or a number");
        return 1;
    }
    let mut cs = match r.containers(true, Some(false), None) {
        Ok(c) => c,
        Err(e) => return api_failed(r, &e),
    };
    if !o.services.is_empty() {
        cs.retain(|c| o.services.iter().any(|s| s == label(c, "com.docker.compose.service")));
    }
    let names: Vec<String> = cs.iter().map(name_of).collect();
    r.out.out(&format!("Attaching to {}\n", names.join(", ")));
    let width = r.project.services.iter().map(|s| s.name.len()).max().unwrap_or(0) + 3;
    let mut sorted = cs.clone();
    sorted.sort_stable_by_key(name_of);
    const RAINBOW: [&str; 10] = ["36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"];
    let project = r.project.name.clone();
    for (i, c) in sorted.iter().enumerate() {
        let id = c.get("Id").and_then(Value::as_str).unwrap_or("").to_string();
        let tty = match r.api.json("GET", &format!("/containers/{id}/json"), None) {
            Ok(v) => v["Config"]["Tty"].as_bool().unwrap_or(false),
            Err(e) => return api_failed(r, &e),
        };
        let q = format!("stderr=1&stdout=1&timestamps={}&follow=0&tail={tail}", u8::from(o.has("--timestamps")));
        let frames = match r.api.logs(&id, tty, &q) {
            Ok(f) => f,
            Err(e) => return api_failed(r, &e),
        };
        let bytes: Vec<u8> = frames.into_iter().flat_map(|(_, b)| b).collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let prefix = if o.has("--no-log-prefix") {
            String::new()
        } else {
            let p = format!("{:<width$} |", short_name(&project, c));
            if o.has("--no-color") { format!("{p} ") } else { format!("\x1b[{}m{p}\x1b[0m ", RAINBOW[i % RAINBOW.len()]) }
        };
        for line in text.split_inclusive('\n') {
            r.out.out(&format!("{prefix}{line}"));
        }
    }
    0
}

/// An API failure where compose has no words of its own: the daemon's explanation.
pub fn api_failed(r: &mut Run, e: &ApiError) -> i32 {
    r.out.error(&e.message());
    1
}

/// The create request's body, key for key as docker-py 5.0.3 builds it for compose.
pub fn create_body(r: &Run, s: &Service, number: u32, hash: &str) -> Value {
    let p = &r.project;
    let net = format!("{}_default", p.name);
    let mut body = Map::new();
    if !s.ports.is_empty() {
        let mut e = Map::new();
        for port in &s.ports {
            e.insert(port.container.clone(), json!({}));
        }
        body.insert("ExposedPorts".into(), Value::Object(e));
    }
    for key in ["Tty", "OpenStdin", "StdinOnce", "AttachStdin", "AttachStdout", "AttachStderr"] {
        let v = match key {
            "Tty" => s.tty,
            "OpenStdin" => s.stdin_open,
            _ => false,
        };
        body.insert(key.into(), json!(v));
    }
    if !s.environment.is_empty() {
        body.insert("Env".into(), json!(s.env_list()));
    }
    if let Some(c) = &s.command {
        body.insert("Cmd".into(), json!(c));
    }
    body.insert("Image".into(), json!(s.image.clone().unwrap_or_default()));
    body.insert("Volumes".into(), json!({}));
    body.insert("NetworkDisabled".into(), json!(false));
    if let Some(e) = &s.entrypoint {
        body.insert("Entrypoint".into(), json!(e));
    }
    let mut hc = Map::new();
    hc.insert("NetworkMode".into(), json!(net));
    if let Some(rp) = &s.restart {
        let (name, count) = rp.split_once(':').map(|(n, c)| (n.to_string(), c.parse::<u64>().unwrap_or(0))).unwrap_or((rp.clone(), 0));
        hc.insert("RestartPolicy".into(), json!({ "Name": name, "MaximumRetryCount": count }));
    }
    hc.insert("VolumesFrom".into(), json!([]));
    hc.insert("Binds".into(), json!([]));
    let mut pb = Map::new();
    for port in &s.ports {
        let list = pb.entry(port.container.clone()).or_insert_with(|| json!([]));
        if let Value::Array(a) = list {
            a.push(json!({ "HostIp": port.host_ip, "HostPort": port.host_port }));
        }
    }
    hc.insert("PortBindings".into(), Value::Object(pb));
    hc.insert("Links".into(), json!([]));
    hc.insert("LogConfig".into(), json!({ "Type": "", "Config": {} }));
    body.insert("HostConfig".into(), Value::Object(hc));
    body.insert("NetworkingConfig".into(), json!({ "EndpointsConfig": { net: { "Aliases": [s.name], "IPAMConfig": {} } } }));
    let mut labels = Map::new();
    for (k, v) in &s.labels {
        labels.insert(k.clone(), json!(v));
    }
    labels.insert("com.docker.compose.project".into(), json!(p.name));
    labels.insert("com.docker.compose.service".into(), json!(s.name));
    labels.insert("com.docker.compose.oneoff".into(), json!("False"));
    labels.insert("com.docker.compose.project.working_dir".into(), json!(p.working_dir));
    labels.insert("com.docker.compose.project.config_files".into(), json!(p.config_files.join(",")));
    labels.insert("com.docker.compose.container-number".into(), json!(number.to_string()));
    labels.insert("com.docker.compose.version".into(), json!(VERSION));
    labels.insert("com.docker.compose.config-hash".into(), json!(hash));
    body.insert("Labels".into(), Value::Object(labels));
    Value::Object(body)
}

/// The error a load failure gives, for callers that load files themselves.
pub fn load_error(e: &LoadError, file: &str) -> String {
    e.v1_message(file)
}
