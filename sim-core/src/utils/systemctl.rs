//! systemctl (systemd 219, Amazon Linux 2) for the units the article touches: docker.service,
//! docker.socket and containerd.service: start, stop, restart, status, is-active.
//! The status layout follows systemd 219's `print_status_info`; it is not checked against a
//! real Amazon Linux 2 here (no systemd runs on the machines we check against).

use super::{Ctx, Outcome};
use crate::engine::service;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    Docker,
    DockerSocket,
    Containerd,
}

fn unit(name: &str) -> Option<Unit> {
    match name {
        "docker" | "docker.service" => Some(Unit::Docker),
        "docker.socket" => Some(Unit::DockerSocket),
        "containerd" | "containerd.service" => Some(Unit::Containerd),
        _ => None,
    }
}

fn full(u: Unit) -> &'static str {
    match u {
        Unit::Docker => "docker.service",
        Unit::DockerSocket => "docker.socket",
        Unit::Containerd => "containerd.service",
    }
}

fn active(ctx: &Ctx, u: Unit) -> bool {
    let d = ctx.k.docker.as_ref();
    match u {
        Unit::Docker => d.is_some_and(|d| d.running()),
        Unit::DockerSocket => d.is_some_and(|d| d.socket_active),
        Unit::Containerd => d.and_then(|d| d.containerd_pid).is_some_and(|p| ctx.k.procs.contains_key(&p)),
    }
}

/// `Thu 2022-06-09 06:48:00 UTC`
fn since(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    format!("{} {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", t.wday_name(), t.year, t.month, t.day, t.hour, t.min, t.sec)
}

/// systemd's `format_timespan` to 1 minute as status prints it: `2h 33min ago`, `5s ago`.
fn ago(secs: i64) -> String {
    let s = secs.max(0);
    let (d, h, m) = (s / 86400, (s % 86400) / 3600, (s % 3600) / 60);
    let parts: Vec<String> = [(d, "day"), (h, "h"), (m, "min")]
        .iter()
        .filter(|(v, _)| *v > 0)
        .map(|(v, u)| if *u == "day" { format!("{v} {}", if *v == 1 { "day" } else { "days" }) } else { format!("{v}{u}") })
        .collect();
    if parts.is_empty() {
        format!("{s}s ago")
    } else {
        format!("{} ago", parts.join(" "))
    }
}

fn status(ctx: &mut Ctx, u: Unit) -> i32 {
    let now = ctx.k.now;
    let on = active(ctx, u);
    let d = ctx.k.docker.as_ref();
    let dot = "●";
    let mut out = String::new();
    match u {
        Unit::Docker => {
            out.push_str(&format!("{dot} docker.service - Docker Application Container Engine\n"));
            out.push_str("   Loaded: loaded (/usr/lib/systemd/system/docker.service; disabled; vendor preset: disabled)\n");
            let started = d.map(|d| d.started_at).unwrap_or(now);
            if on {
                let pid = d.and_then(|d| d.pid).unwrap_or(0);
                out.push_str(&format!("   Active: active (running) since {}; {}\n", since(started), ago(now - started)));
                out.push_str("     Docs: https://docs.docker.com\n");
                out.push_str(&format!("  Process: {} ExecStartPre=/usr/libexec/docker/docker-setup-runtimes.sh (code=exited, status=0/SUCCESS)\n", pid - 2));
                out.push_str(&format!("  Process: {} ExecStartPre=/bin/mkdir -p /run/docker (code=exited, status=0/SUCCESS)\n", pid - 5));
                out.push_str(&format!(" Main PID: {pid} (dockerd)\n"));
                out.push_str("    Tasks: 9\n   Memory: 120.6M\n   CGroup: /system.slice/docker.service\n");
                out.push_str(&format!("           └─{pid} /usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n"));
            } else {
                let stopped = d.and_then(|d| d.stopped_at).unwrap_or(now);
                let last = d.and_then(|d| d.last_pid).unwrap_or(0);
                out.push_str(&format!("   Active: inactive (dead) since {}; {}\n", since(stopped), ago(now - stopped)));
                out.push_str("     Docs: https://docs.docker.com\n");
                out.push_str(&format!("  Process: {last} ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $OPTIONS $DOCKER_STORAGE_OPTIONS $DOCKER_ADD_RUNTIMES (code=exited, status=0/SUCCESS)\n"));
                out.push_str(&format!(" Main PID: {last} (code=exited, status=0/SUCCESS)\n"));
            }
        }
        Unit::DockerSocket => {
            out.push_str(&format!("{dot} docker.socket - Docker Socket for the API\n"));
            out.push_str("   Loaded: loaded (/usr/lib/systemd/system/docker.socket; disabled; vendor preset: disabled)\n");
            if on {
                out.push_str(&format!("   Active: active (running) since {}; {}\n", since(d.map(|d| d.started_at).unwrap_or(now)), ago(now - d.map(|d| d.started_at).unwrap_or(now))));
            } else {
                out.push_str("   Active: inactive (dead)\n");
            }
            out.push_str("   Listen: /run/docker.sock (Stream)\n");
        }
        Unit::Containerd => {
            out.push_str(&format!("{dot} containerd.service - containerd container runtime\n"));
            out.push_str("   Loaded: loaded (/usr/lib/systemd/system/containerd.service; disabled; vendor preset: disabled)\n");
            let start = ctx.k.boot_time + 60;
            out.push_str(&format!("   Active: active (running) since {}; {}\n", since(start), ago(now - start)));
            out.push_str("     Docs: https://containerd.io\n");
            let pid = d.and_then(|d| d.containerd_pid).unwrap_or(0);
            out.push_str(&format!(" Main PID: {pid} (containerd)\n"));
        }
    }
    ctx.out(&out);
    if on { 0 } else { 3 }
}

pub fn main(ctx: &mut Ctx) -> Outcome {
    let args: Vec<String> = ctx.argv[1..].iter().filter(|a| !a.starts_with('-')).cloned().collect();
    let Some(verb) = args.first().cloned() else {
        ctx.err("systemctl: simulated units only: docker, docker.socket, containerd\n");
        return Outcome::Exit(1);
    };
    let names: Vec<String> = args[1..].to_vec();
    let mut units = Vec::new();
    for n in &names {
        match unit(n) {
            Some(u) => units.push(u),
            None => {
                let shown = if n.contains('.') { n.clone() } else { format!("{n}.service") };
                ctx.err(&format!("Failed to {verb} {shown}: Unit not found.\n"));
                return Outcome::Exit(5);
            }
        }
    }
    let root = ctx.uid() == 0;
    match verb.as_str() {
        "status" => {
            let mut code = 0;
            for u in &units {
                code = code.max(status(ctx, *u));
            }
            Outcome::Exit(code)
        }
        "is-active" => {
            let mut code = 0;
            for u in &units {
                let on = active(ctx, *u);
                ctx.out(if on { "active\n" } else { "inactive\n" });
                if !on {
                    code = 3;
                }
            }
            Outcome::Exit(code)
        }
        "start" | "stop" | "restart" if !root => {
            let shown = units.first().map(|u| full(*u)).unwrap_or("");
            ctx.err(&format!("Failed to {verb} {shown}: Interactive authentication required.\nSee system logs and 'systemctl status {shown}' for details.\n"));
            Outcome::Exit(1)
        }
        "stop" => {
            // Stopped together, so neither can re-activate the other.
            for u in &units {
                match u {
                    Unit::DockerSocket => {
                        if let Some(d) = ctx.k.docker.as_mut() {
                            d.socket_active = false;
                        }
                    }
                    Unit::Docker => service::stop(ctx.k),
                    Unit::Containerd => {}
                }
            }
            if units.contains(&Unit::Docker) && !units.contains(&Unit::DockerSocket) && active(ctx, Unit::DockerSocket) {
                ctx.err("Warning: Stopping docker.service, but it can still be activated by:\n  docker.socket\n");
            }
            Outcome::Exit(0)
        }
        "start" | "restart" => {
            for u in &units {
                match u {
                    Unit::Docker => {
                        if verb == "restart" {
                            service::stop(ctx.k);
                        }
                        service::start(ctx.k);
                    }
                    Unit::DockerSocket => {
                        if let Some(d) = ctx.k.docker.as_mut() {
                            d.socket_active = true;
                        }
                    }
                    Unit::Containerd => {}
                }
            }
            Outcome::Exit(0)
        }
        other => {
            ctx.err(&format!("Unknown operation '{other}'.\n"));
            Outcome::Exit(1)
        }
    }
}
