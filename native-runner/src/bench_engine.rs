//! `native-runner bench-engine [--containers N] [--real-socket PATH]`: the simulated dockerd
//! under load. Starts N containers (alpine:3.15 `sleep 1000`) through the Engine API on the
//! simulated socket and reports, at 1, 100 and N running containers: the latency of a
//! `docker run` (create + start), of `docker ps` (GET /containers/json) and of `ps auxf` on
//! the host, the process's resident memory per container, and how many filesystems each
//! container adds (its layers are shared: three per container, whatever the image).
//! With `--real-socket`, real dockerd's `docker run -d` is timed in the same run (the ratio).

use std::time::Instant;

use sim_core::client::transport::DockerTransport;
use sim_core::engine::socket::SimTransport;
use sim_core::host::Profile;
use sim_core::http::Request;
use sim_core::shell::terminal::{Terminal, TerminalConfig};

const SHELL: u32 = 3031;

fn request(method: &str, target: &str, body: Option<String>) -> Request {
    let mut r = Request::new(method, target);
    r.headers.push(("Host".into(), "api.moby.localhost".into()));
    r.headers.push(("User-Agent".into(), "Docker-Client/28.2.2 (linux)".into()));
    if let Some(b) = body {
        r.headers.push(("Content-Length".into(), b.len().to_string()));
        r.headers.push(("Content-Type".into(), "application/json".into()));
        r.body = b.into_bytes();
    } else if method == "POST" {
        r.headers.push(("Content-Length".into(), "0".into()));
    }
    r
}

fn call(t: &mut Terminal, method: &str, target: &str, body: Option<String>) -> Result<Vec<u8>, String> {
    let mut s = SimTransport::new(&mut t.kernel, SHELL, "/var/run/docker.sock");
    let r = s.roundtrip(&request(method, target, body)).map_err(|e| format!("{e:?}"))?;
    if r.status >= 400 {
        return Err(String::from_utf8_lossy(&r.body).into_owned());
    }
    Ok(r.body)
}

fn run_one(t: &mut Terminal) -> Result<(), String> {
    let body = r#"{"Image":"alpine:3.15","Cmd":["sleep","1000"],"HostConfig":{"NetworkMode":"default"}}"#.to_string();
    let created = call(t, "POST", "/v1.41/containers/create", Some(body))?;
    let v: serde_json::Value = serde_json::from_slice(&created).map_err(|e| e.to_string())?;
    let id = v["Id"].as_str().ok_or("no id")?.to_string();
    call(t, "POST", &format!("/v1.41/containers/{id}/start"), None)?;
    Ok(())
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1000.0
}

fn real_run_ms(socket: &str) -> Option<f64> {
    let t = Instant::now();
    let out = std::process::Command::new("docker")
        .args(["-H", &format!("unix://{socket}"), "run", "-d", "--rm", "--pull=never", "alpine:3.15", "sleep", "5"])
        .output()
        .ok()?;
    let elapsed = t.elapsed().as_secs_f64() * 1000.0;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let _ = std::process::Command::new("docker").args(["-H", &format!("unix://{socket}"), "rm", "-f", &id]).output();
    out.status.success().then_some(elapsed)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut n = 1000usize;
    let mut real: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--containers" => n = it.next().and_then(|v| v.parse().ok()).ok_or("--containers needs a number")?,
            "--real-socket" => real = Some(it.next().ok_or("--real-socket needs a path")?.clone()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
    call(&mut t, "POST", "/v1.41/images/create?fromImage=alpine&tag=3.15", None)?;
    let sbs_before = t.kernel.vfs.sbs.len();
    let rss_before = rss_kb();
    println!("{:>10} {:>14} {:>14} {:>14}", "containers", "docker run ms", "docker ps ms", "ps auxf ms");
    let mut started = 0usize;
    let mut last_run = 0.0;
    for checkpoint in [1usize, 100, n] {
        while started < checkpoint {
            let mut res = Ok(());
            last_run = ms(|| res = run_one(&mut t));
            res?;
            started += 1;
        }
        let mut ps_res = Ok(Vec::new());
        let ps_ms = ms(|| ps_res = call(&mut t, "GET", "/v1.41/containers/json", None));
        ps_res?;
        let auxf_ms = ms(|| {
            let _ = t.run("ps auxf", t.kernel.now);
        });
        println!("{started:>10} {last_run:>14.3} {ps_ms:>14.3} {auxf_ms:>14.3}");
    }
    let per_container = (rss_kb().saturating_sub(rss_before)) as f64 / n as f64;
    let sbs_per = (t.kernel.vfs.sbs.len() - sbs_before) as f64 / n as f64;
    println!("resident memory per container: {per_container:.1} KiB");
    println!("filesystems added per container: {sbs_per:.2} (init layer, upper layer, overlay, and the mounts runc makes; image layers shared)");
    if let Some(sock) = real {
        let sim = ms(|| {
            let _ = run_one(&mut t);
        });
        match real_run_ms(&sock) {
            Some(r) => println!("docker run: simulated {sim:.3} ms, real dockerd {r:.1} ms, ratio {:.0}x", r / sim.max(0.001)),
            None => println!("docker run: simulated {sim:.3} ms; real dockerd at {sock} did not run alpine:3.15"),
        }
    }
    Ok(())
}
