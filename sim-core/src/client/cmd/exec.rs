//! `docker exec` (`cli/command/container/exec.go`): inspect the container, create the exec,
//! start it on a hijacked connection (stdin in, multiplexed or raw output back), resize
//! with `-t` on a terminal, then read the exit code from `GET /exec/ID/json`. With `-it`
//! the terminal goes to the shell on the other end.

use super::run::pump;
use crate::client::api::{Api, Body};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::json::Json;

pub fn exec(cli: &mut Cli, p: &Parsed) -> R {
    let container = p.args[0].clone();
    let cmd: Vec<String> = p.args[1..].to_vec();
    let tty = p.on("tty");
    let interactive = p.on("interactive");
    let detach = p.on("detach");
    let mut env: Vec<String> = Vec::new();
    for e in p.values("env") {
        if e.contains('=') {
            env.push(e);
        } else if let Some(v) = cli.ctx.getenv(&e) {
            env.push(format!("{e}={v}"));
        } else {
            env.push(e);
        }
    }
    let (attach_out, attach_in) = if detach { (false, false) } else { (true, interactive) };
    cli.api.init();
    cli.api.get(&format!("/containers/{container}/json"), &[])?;
    if !detach && tty && attach_in && !cli.ctx.io.stdin_tty {
        return Err(Fail::new("the input device is not a TTY"));
    }
    cli.api.check_version()?;
    let body = Json::obj(vec![
        ("User", Json::str(p.value("user").unwrap_or(""))),
        ("Privileged", Json::Bool(p.on("privileged"))),
        ("Tty", Json::Bool(tty)),
        ("AttachStdin", Json::Bool(attach_in)),
        ("AttachStderr", Json::Bool(attach_out)),
        ("AttachStdout", Json::Bool(attach_out)),
        ("Detach", Json::Bool(detach)),
        ("DetachKeys", Json::str(p.value("detach-keys").unwrap_or(""))),
        ("Env", if env.is_empty() { Json::Null } else { Json::strs(&env) }),
        ("WorkingDir", Json::str(p.value("workdir").unwrap_or(""))),
        ("Cmd", Json::strs(&cmd)),
    ]);
    let resp = cli.api.post(&format!("/containers/{container}/exec"), &[], Body::Json(body))?;
    let id = Api::json(&resp)?.s("Id");
    if id.is_empty() {
        return Err(Fail::new("exec ID empty"));
    }
    let start = Json::obj(vec![("Detach", Json::Bool(detach)), ("Tty", Json::Bool(tty))]);
    if detach {
        cli.api.post(&format!("/exec/{id}/start"), &[], Body::Json(start))?;
        return Ok(Done::Exit(0));
    }
    let stream = cli.api.hijack(&format!("/exec/{id}/start"), &[], Body::Json(start), "application/json")?;
    let terminal = tty && attach_in && cli.ctx.io.stdin_tty;
    if !terminal {
        if attach_in && !cli.ctx.io.stdin_tty {
            let data = cli.ctx.io.stdin.clone();
            cli.api.transport().write_stream(stream, &data);
        }
        cli.api.transport().close_write(stream);
    }
    if tty && cli.ctx.io.stdin_tty {
        let (h, w) = cli.tty_size();
        if h != 0 || w != 0 {
            let _ = cli.api.post(&format!("/exec/{id}/resize"), &[("h", h.to_string()), ("w", w.to_string())], Body::None);
        }
    }
    if terminal {
        if let Some(sh) = cli.api.transport().take_terminal(stream) {
            return Ok(Done::Shell(sh));
        }
        cli.api.transport().close_write(stream);
    }
    if let Some(e) = pump(cli, stream, tty) {
        return Err(Fail::new(e));
    }
    match cli.api.get(&format!("/exec/{id}/json"), &[]) {
        Ok(r) => {
            let code = Api::json(&r).map(|j| j.i("ExitCode")).unwrap_or(0) as i32;
            if code != 0 {
                return Err(Fail::code("", code));
            }
            Ok(Done::Exit(0))
        }
        Err(crate::client::api::ApiError::Connect(_)) => Err(Fail::code("", 255)),
        Err(e) => Err(e.into()),
    }
}
