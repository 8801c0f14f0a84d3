//! `docker run`, `docker create` and `docker start -a` (`cli/command/container/run.go`,
//! `create.go`, `start.go`): create (pulling on "No such image" unless `--pull=never`), then
//! for an attached run the same sequence as the real CLI: attach (hijack), wait, start,
//! resize, the stream, the exit status.

use super::config::{self, ContainerConfig};
use super::images::pull_for_create;
use crate::client::api::{Api, ApiError, Body};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::json::Json;
use crate::client::reference;
use crate::client::stream::{demux, Dest};
use crate::shell::hold::Job;
use crate::client::transport::{PendingId, StreamId};

/// `withHelp`: `docker: ERR\n\nRun 'docker CMD --help' for more information`.
fn with_help(e: &str, cmd: &str) -> String {
    format!("docker: {e}\n\nRun 'docker {cmd} --help' for more information")
}

/// `toStatusError`: 127 for a missing executable, 126 for permission, else 125.
fn status_error(e: &str) -> Fail {
    let code = if e.contains("executable file not found") || e.contains("no such file or directory") || e.contains("system cannot find the file specified") {
        127
    } else if e.contains("permission denied") || e.contains("is a directory") {
        126
    } else {
        125
    };
    Fail::code(with_help(e, "run"), code)
}

fn validate_pull(p: &Parsed) -> Result<String, String> {
    let v = p.value("pull").unwrap_or("missing").to_string();
    match v.as_str() {
        "always" | "missing" | "never" => Ok(v),
        _ => Err(format!("invalid pull option: '{v}': must be one of \"always\", \"missing\" or \"never\"")),
    }
}

fn build_config(cli: &mut Cli, p: &Parsed) -> Result<ContainerConfig, String> {
    let env: Vec<(String, String)> = cli.ctx.env.clone();
    let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let pid = cli.ctx.pid;
    let cwd = cli.kernel().procs.get(&pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into());
    let console = cli.tty_size();
    config::build(p, &lookup, &cwd, console)
}

/// `createContainer`: returns the new container's id. Errors are the raw API/CLI errors
/// (`run` wraps them with `toStatusError`).
fn create_container(cli: &mut Cli, p: &Parsed, cfg: &ContainerConfig, pull: &str) -> Result<String, String> {
    let named = match reference::parse_normalized(&cfg.image) {
        Ok(r) => Some(r),
        Err(e) => {
            // ParseAnyReference accepts a bare image id.
            let hex = cfg.image.trim_start_matches("sha256:");
            if hex.len() == 64 && hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                None
            } else {
                return Err(e);
            }
        }
    };
    let quiet = p.on("quiet");
    let platform = p.value("platform").unwrap_or("").to_string();
    let mut q: Vec<(&str, String)> = Vec::new();
    if !platform.is_empty() {
        q.push(("platform", platform.to_lowercase()));
    }
    if let Some(n) = p.value("name") {
        if !n.is_empty() {
            q.push(("name", n.to_string()));
        }
    }
    if pull == "always" {
        pull_for_create(cli, &cfg.image, &platform, quiet)?;
    }
    cli.api.check_version().map_err(|e| e.to_string())?;
    let mut resp = cli.api.post("/containers/create", &q, Body::Json(cfg.body.clone()));
    if let Err(e) = &resp {
        if e.is_not_found() && named.is_some() && pull == "missing" {
            if !quiet {
                let shown = named.clone().map(|r| r.tag_name_only().familiar()).unwrap_or_default();
                cli.err(&format!("Unable to find image '{shown}' locally\n"));
            }
            pull_for_create(cli, &cfg.image, &platform, quiet)?;
            resp = cli.api.post("/containers/create", &q, Body::Json(cfg.body.clone()));
        }
    }
    let resp = resp.map_err(|e| e.to_string())?;
    let j = Api::json(&resp).map_err(|e| e.to_string())?;
    for w in j.strings("Warnings") {
        cli.err(&format!("WARNING: {w}\n"));
    }
    Ok(j.s("Id"))
}

pub fn create(cli: &mut Cli, p: &Parsed) -> R {
    let pull = validate_pull(p).map_err(|e| Fail::code(with_help(&e, "create"), 125))?;
    cli.api.init();
    let cfg = build_config(cli, p).map_err(|e| Fail::code(with_help(&e, "create"), 125))?;
    let id = create_container(cli, p, &cfg, &pull).map_err(Fail::new)?;
    cli.out(&format!("{id}\n"));
    Ok(Done::Exit(0))
}

/// Sends `POST /containers/ID/wait?condition=...` (`waitExitOrRemoved`).
fn send_wait(cli: &mut Cli, id: &str, auto_remove: bool) -> Result<PendingId, ApiError> {
    cli.api.check_version()?;
    let cond = if auto_remove { "removed" } else { "next-exit" };
    cli.api.post_pending(&format!("/containers/{id}/wait"), &[("condition", cond.to_string())])
}

/// The exit status a wait ends with (125 when it fails).
fn wait_status(cli: &mut Cli, id: &str, pending: Result<PendingId, ApiError>) -> i32 {
    let Ok(pid) = pending else { return 125 };
    match cli.api.receive(pid, &format!("/containers/{id}/wait")).and_then(|r| Api::json(&r)) {
        Ok(j) => {
            if j.get("Error").is_some_and(|e| !e.is_null()) {
                125
            } else {
                j.i("StatusCode") as i32
            }
        }
        Err(_) => 125,
    }
}

fn attach(cli: &mut Cli, id: &str, stdin: bool, stdout: bool, stderr: bool) -> Result<StreamId, ApiError> {
    let mut q: Vec<(&str, String)> = vec![("stream", "1".into())];
    if stdin {
        q.push(("stdin", "1".into()));
    }
    if stdout {
        q.push(("stdout", "1".into()));
    }
    if stderr {
        q.push(("stderr", "1".into()));
    }
    cli.api.hijack(&format!("/containers/{id}/attach"), &q, Body::None, "text/plain")
}

/// Feeds stdin into the stream (with `-i` and piped input) and half-closes it.
fn feed_stdin(cli: &mut Cli, stream: StreamId, stdin: bool) {
    if stdin && !cli.ctx.io.stdin_tty {
        let data = cli.ctx.io.stdin.clone();
        cli.api.transport().write_stream(stream, &data);
    }
    cli.api.transport().close_write(stream);
}

/// Prints what the stream carries: raw with a TTY, else demultiplexed.
pub fn pump(cli: &mut Cli, stream: StreamId, tty: bool) -> Option<String> {
    let bytes = cli.api.transport().read_stream(stream);
    if tty {
        cli.out_bytes(&bytes);
        return None;
    }
    let d = demux(&bytes);
    for (dest, b) in &d.pieces {
        match dest {
            Dest::Out => cli.out_bytes(b),
            Dest::Err => cli.err_bytes(b),
        }
    }
    d.error
}

/// An attached container that runs on (a server): the CLI keeps the terminal until Ctrl-C.
pub fn holds_terminal(cli: &mut Cli, id: &str, tty: bool, sig_proxy: bool) -> Option<Job> {
    let from = cli.api.transport().runs_on(id)?;
    let socket = cli.api.host.strip_prefix("unix://").unwrap_or(&cli.api.host).to_string();
    Some(Job::DockerAttached { socket, version: cli.api.version.clone(), container: id.to_string(), from, tty, sig_proxy, interrupts: 0 })
}

fn resize(cli: &mut Cli, path: &str) {
    let (h, w) = cli.tty_size();
    if h == 0 && w == 0 {
        return;
    }
    let _ = cli.api.post(&format!("{path}/resize"), &[("h", h.to_string()), ("w", w.to_string())], Body::None);
}

pub fn run(cli: &mut Cli, p: &Parsed) -> R {
    let pull = validate_pull(p).map_err(|e| Fail::code(with_help(&e, "run"), 125))?;
    cli.api.init();
    let mut cfg = build_config(cli, p).map_err(|e| Fail::code(with_help(&e, "run"), 125))?;
    let detach = p.on("detach");
    if !detach {
        if cfg.tty && cfg.attach_stdin && !cli.ctx.io.stdin_tty {
            return Err(Fail::new("the input device is not a TTY"));
        }
    } else {
        if !p.values("attach").is_empty() {
            return Err(Fail::new("conflicting options: cannot specify both --attach and --detach"));
        }
        cfg.attach_stdin = false;
        cfg.attach_stdout = false;
        cfg.attach_stderr = false;
        if let Json::Obj(fields) = &mut cfg.body {
            for (k, v) in fields.iter_mut() {
                if matches!(k.as_str(), "AttachStdin" | "AttachStdout" | "AttachStderr" | "StdinOnce") {
                    *v = Json::Bool(false);
                }
            }
        }
    }
    let id = create_container(cli, p, &cfg, &pull).map_err(|e| status_error(&e))?;
    let attached = cfg.attach_stdin || cfg.attach_stdout || cfg.attach_stderr;
    if !attached {
        cli.out(&format!("{id}\n"));
    }
    let mut stream = None;
    if attached {
        stream = Some(attach(cli, &id, cfg.attach_stdin, cfg.attach_stdout, cfg.attach_stderr)?);
        if let Some(s) = stream {
            if !(cfg.attach_stdin && cfg.tty && cli.ctx.io.stdin_tty) {
                feed_stdin(cli, s, cfg.attach_stdin);
            }
        }
    }
    let wait = send_wait(cli, &id, cfg.auto_remove);
    if let Err(e) = cli.api.post(&format!("/containers/{id}/start"), &[], Body::None) {
        if cfg.auto_remove {
            let _ = wait_status(cli, &id, wait);
        } else if let Ok(w) = wait {
            cli.api.transport().abandon(w);
        }
        return Err(status_error(&e.to_string()));
    }
    let Some(s) = stream else {
        if let Ok(w) = wait {
            cli.api.transport().abandon(w);
        }
        return Ok(Done::Exit(0));
    };
    if cfg.tty && cli.stdout_tty() {
        resize(cli, &format!("/containers/{id}"));
    }
    if cfg.tty && cfg.attach_stdin && cli.ctx.io.stdin_tty {
        if let Some(sh) = cli.api.transport().take_terminal(s) {
            return Ok(Done::Shell(sh));
        }
        cli.api.transport().close_write(s);
    }
    let err = pump(cli, s, cfg.tty);
    if err.is_none() {
        if let Some(job) = holds_terminal(cli, &id, cfg.tty, p.value("sig-proxy").is_none_or(|v| v != "false")) {
            if let Ok(w) = wait {
                cli.api.transport().abandon(w);
            }
            return Ok(Done::Held(job));
        }
    }
    let status = wait_status(cli, &id, wait);
    let _ = pump(cli, s, cfg.tty);
    if let Some(e) = err {
        return Err(Fail::new(e));
    }
    if status != 0 {
        return Err(Fail::code("", status));
    }
    Ok(Done::Exit(0))
}

/// `docker start -a/-i`: inspect, attach, wait, start, stream.
pub fn start_attached(cli: &mut Cli, p: &Parsed) -> R {
    if p.args.len() > 1 {
        return Err(Fail::new("you cannot start and attach multiple containers at once"));
    }
    cli.api.init();
    let name = p.args[0].clone();
    let resp = cli.api.get(&format!("/containers/{name}/json"), &[])?;
    let c = Api::json(&resp)?;
    let id = c.s("Id");
    let tty = c.at(&["Config", "Tty"]).and_then(Json::as_bool).unwrap_or(false);
    let open_stdin = c.at(&["Config", "OpenStdin"]).and_then(Json::as_bool).unwrap_or(false);
    let auto_remove = c.at(&["HostConfig", "AutoRemove"]).and_then(Json::as_bool).unwrap_or(false);
    let stdin = p.on("interactive") && open_stdin;
    let s = attach(cli, &id, stdin, true, true)?;
    if !(stdin && tty && cli.ctx.io.stdin_tty) {
        feed_stdin(cli, s, stdin);
    }
    let wait = send_wait(cli, &id, auto_remove);
    if let Err(e) = cli.api.post(&format!("/containers/{id}/start"), &[], Body::None) {
        if auto_remove {
            let _ = wait_status(cli, &id, wait);
        } else if let Ok(w) = wait {
            cli.api.transport().abandon(w);
        }
        return Err(e.into());
    }
    if tty && cli.stdout_tty() {
        resize(cli, &format!("/containers/{id}"));
    }
    if tty && stdin && cli.ctx.io.stdin_tty {
        if let Some(sh) = cli.api.transport().take_terminal(s) {
            return Ok(Done::Shell(sh));
        }
    }
    let err = pump(cli, s, tty);
    if err.is_none() {
        if let Some(job) = holds_terminal(cli, &id, tty, true) {
            if let Ok(w) = wait {
                cli.api.transport().abandon(w);
            }
            return Ok(Done::Held(job));
        }
    }
    let status = wait_status(cli, &id, wait);
    if let Some(e) = err {
        return Err(Fail::new(e));
    }
    if status != 0 {
        return Err(Fail::code("", status));
    }
    Ok(Done::Exit(0))
}
