//! Docker Compose in the simulation, against the real docker-compose 1.29.2 captured in
//! tests/reference/compose/ (see its README for the commands), and the v2 plugin against
//! what its sources print. Each step runs in the simulated host's shell as the article's user
//! and is compared after normalizing container IDs only.

use serde_json::Value;
use sim_core::client::transport::DockerTransport;
use sim_core::engine::socket::SimTransport;
use sim_core::host::Profile;
use sim_core::http::Request;
use sim_core::shell::terminal::{Terminal, TerminalConfig};
use sim_core::utils::{Ctx, Io, Outcome};

const USER_SHELL: u32 = 3031;
const NOW: i64 = 1_654_766_500;

fn reference_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/compose")
}

/// A capture: (stdout, stderr, exit code); for a TTY capture stdout is the one stream with
/// the pty's `\r\n` turned back into the program's `\n`.
struct Capture {
    out: String,
    err: String,
    code: i32,
}

fn capture(name: &str) -> Capture {
    let text = std::fs::read_to_string(reference_dir().join(name)).expect("reference file");
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let tty = lines.first().is_some_and(|l| l.contains("under a TTY"));
    lines.remove(0);
    let mut code = 0;
    if let Some(last) = lines.last() {
        if let Some(c) = last.trim_end().strip_prefix("# exit: ") {
            code = c.parse().expect("exit code");
            lines.pop();
        }
    }
    let mut out = String::new();
    let mut err = String::new();
    let mut in_err = false;
    let mut no_newline = false;
    for l in lines {
        if l == "# stderr:\n" {
            in_err = true;
            continue;
        }
        if l == "# (no newline at end)\n" {
            no_newline = true;
            continue;
        }
        if in_err { err.push_str(l) } else { out.push_str(l) }
    }
    if no_newline {
        let s = if in_err { &mut err } else { &mut out };
        if s.ends_with('\n') {
            s.pop();
        }
    }
    if tty {
        out = out.replace("\r\n", "\n");
    }
    Capture { out, err, code }
}

fn terminal() -> Terminal {
    let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
    // The real daemon had alpine:3.15 already (imported); here it is pulled beforehand.
    api(&mut t, "POST", "/v1.41/images/create?fromImage=alpine&tag=3.15");
    t
}

fn api(t: &mut Terminal, method: &str, target: &str) -> Value {
    let mut s = SimTransport::new(&mut t.kernel, USER_SHELL, "/var/run/docker.sock");
    let mut r = Request::new(method, target);
    r.headers.push(("Host".into(), "api.moby.localhost".into()));
    if method == "POST" {
        r.headers.push(("Content-Length".into(), "0".into()));
    }
    let resp = s.roundtrip(&r).expect("dockerd answers");
    serde_json::from_slice(&resp.body).unwrap_or(Value::Null)
}

fn put(t: &mut Terminal, path: &str, text: &str) {
    let dir = &path[..path.rfind('/').unwrap_or(0)];
    sim_core::engine::hostfs::mkdir_p(&mut t.kernel, USER_SHELL, dir, 0o775).expect("mkdir");
    sim_core::engine::hostfs::write(&mut t.kernel, USER_SHELL, path, text.as_bytes(), 0o664).expect("write");
}

fn file(name: &str) -> String {
    std::fs::read_to_string(reference_dir().join("files").join(name)).expect("compose file")
}

/// Runs the program `cmd` (words split on spaces) as a child of the login shell in `dir`, at
/// time `now`, with stdout and stderr apart (`tty` false, as `cap` ran it) or both on an
/// 80-column terminal.
fn exec(t: &mut Terminal, dir: &str, cmd: &str, now: i64, tty: bool) -> Capture {
    t.kernel.now = t.kernel.now.max(now);
    let argv: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
    let saved = t.kernel.procs.get(&USER_SHELL).map(|p| p.cwd.clone()).unwrap_or_default();
    if let Some(p) = t.kernel.procs.get_mut(&USER_SHELL) {
        p.cwd = dir.into();
    }
    let mut io = if tty { Io::terminal(80) } else { Io::default() };
    io.cols = 80;
    let env = vec![("HOME".to_string(), "/home/ec2-user".to_string()), ("PATH".to_string(), "/usr/local/bin:/usr/bin".to_string())];
    let mut ctx = Ctx { k: &mut t.kernel, pid: USER_SHELL, argv, env, io };
    let code = match sim_core::compose::v1_main(&mut ctx) {
        Outcome::Exit(c) => c,
        _ => -1,
    };
    let out = String::from_utf8_lossy(&ctx.io.out).to_string();
    let err = String::from_utf8_lossy(&ctx.io.err).to_string();
    if let Some(p) = t.kernel.procs.get_mut(&USER_SHELL) {
        p.cwd = saved;
    }
    Capture { out, err, code }
}

fn run(t: &mut Terminal, dir: &str, cmd: &str, now: i64) -> Capture {
    exec(t, dir, cmd, now, false)
}

fn run_tty(t: &mut Terminal, dir: &str, cmd: &str, now: i64) -> Capture {
    exec(t, dir, cmd, now, true)
}

fn same(name: &str, got: &Capture) {
    let want = capture(name);
    assert_eq!(got.out, want.out, "{name}: stdout");
    assert_eq!(got.err, want.err, "{name}: stderr");
    assert_eq!(got.code, want.code, "{name}: exit code");
}

/// Lines compared as a set: the real program's threads finish in any order.
fn same_unordered(name: &str, got: &Capture) {
    let want = capture(name);
    // `Attaching to a, b` lists newest first; the simulated daemon's creation stamps within
    // one second carry random nanoseconds, so the names are compared as a set too.
    let norm = |s: &str| {
        let mut v: Vec<String> = s
            .lines()
            .map(|l| match l.strip_prefix("Attaching to ") {
                Some(names) => {
                    let mut n: Vec<&str> = names.split(", ").collect();
                    n.sort();
                    format!("Attaching to {}", n.join(", "))
                }
                None => l.split_whitespace().collect::<Vec<_>>().join(" "),
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(norm(&got.out), norm(&want.out), "{name}: stdout");
    assert_eq!(norm(&got.err), norm(&want.err), "{name}: stderr");
    assert_eq!(got.code, want.code, "{name}: exit code");
}

const DIR: &str = "/tmp/compose-check";

#[test]
fn v1_up_ps_logs_down_as_the_real_one() {
    let mut t = terminal();
    put(&mut t, &format!("{DIR}/docker-compose.yml"), &file("article.yml"));
    same("v1-up.txt", &run(&mut t, DIR, "docker-compose up -d", NOW));
    same("v1-up-again.txt", &run(&mut t, DIR, "docker-compose up -d", NOW + 1));
    same("v1-ps.txt", &run(&mut t, DIR, "docker-compose ps", NOW + 2));
    same("v1-ps-q-services.txt", &run(&mut t, DIR, "docker-compose ps --services", NOW + 3));
    same("v1-logs.txt", &run(&mut t, DIR, "docker-compose logs", NOW + 4));
    same("v1-logs-no-prefix.txt", &run(&mut t, DIR, "docker-compose logs --no-log-prefix", NOW + 5));
    same("v1-down.txt", &run(&mut t, DIR, "docker-compose down", NOW + 6));
    same("v1-ps-after-down.txt", &run(&mut t, DIR, "docker-compose ps", NOW + 30));
    same("v1-down-again.txt", &run(&mut t, DIR, "docker-compose down", NOW + 31));
    // The daemon holds nothing of the project any more.
    assert_eq!(api(&mut t, "GET", "/v1.41/containers/json?all=1"), serde_json::json!([]));
}

#[test]
fn v1_on_the_terminal() {
    let mut t = terminal();
    put(&mut t, &format!("{DIR}/docker-compose.yml"), &file("article.yml"));
    same("v1-up-tty.txt", &run_tty(&mut t, DIR, "docker-compose up -d", NOW));
    same("v1-up-again-tty.txt", &run_tty(&mut t, DIR, "docker-compose up -d", NOW + 1));
    same("v1-logs-tty.txt", &run_tty(&mut t, DIR, "docker-compose logs", NOW + 2));
    same("v1-down-tty.txt", &run_tty(&mut t, DIR, "docker-compose down", NOW + 3));
    same("v1-down-again-tty.txt", &run_tty(&mut t, DIR, "docker-compose down", NOW + 30));
}

#[test]
fn v1_two_services_with_f_and_p() {
    let mut t = terminal();
    put(&mut t, &format!("{DIR}/two.yml"), &file("two.yml"));
    let p = "docker-compose -f two.yml -p compose-two";
    same_unordered("v1-two-up.txt", &run(&mut t, DIR, &format!("{p} up -d"), NOW));
    same("v1-two-ps.txt", &run(&mut t, DIR, &format!("{p} ps"), NOW + 1));
    let logs = run(&mut t, DIR, &format!("{p} logs"), NOW + 2);
    same_unordered("v1-two-logs.txt", &logs);
    same("v1-two-logs-web.txt", &run(&mut t, DIR, &format!("{p} logs web"), NOW + 3));
    same_unordered("v1-two-down.txt", &run(&mut t, DIR, &format!("{p} down"), NOW + 4));
}

#[test]
fn v1_file_and_yaml_errors() {
    let mut t = terminal();
    sim_core::engine::hostfs::mkdir_p(&mut t.kernel, USER_SHELL, "/tmp/compose-empty", 0o775).expect("mkdir");
    same("v1-no-file.txt", &run(&mut t, "/tmp/compose-empty", "docker-compose up -d", NOW));
    same("v1-no-file-tty.txt", &run_tty(&mut t, "/tmp/compose-empty", "docker-compose up -d", NOW));
    same("v1-no-file-f.txt", &run(&mut t, "/tmp/compose-empty", "docker-compose -f nosuch.yml up -d", NOW));
    for name in ["err-mapping-values", "err-indent", "err-tab", "err-unclosed-quote", "err-block-seq", "err-flow-unclosed", "err-unknown-key", "err-no-image", "err-services-list", "err-empty", "err-restart", "dup-key"] {
        put(&mut t, "/tmp/compose-yaml/docker-compose.yml", &file(&format!("{name}.yml")));
        same(&format!("v1-{name}.txt"), &run(&mut t, "/tmp/compose-yaml", "docker-compose up -d", NOW + 1));
        run(&mut t, "/tmp/compose-yaml", "docker-compose down", NOW + 2);
    }
    put(&mut t, "/tmp/compose-yaml/docker-compose.yml", &file("err-mapping-values.yml"));
    same("v1-err-mapping-values-tty.txt", &run_tty(&mut t, "/tmp/compose-yaml", "docker-compose up -d", NOW + 3));
    put(&mut t, "/tmp/compose-yaml/docker-compose.yml", &file("err-restart.yml"));
    same("v1-err-restart-tty.txt", &run_tty(&mut t, "/tmp/compose-yaml", "docker-compose up -d", NOW + 4));
    same("v1-bad-command.txt", &run(&mut t, DIR, "docker-compose frobnicate", NOW + 5));
    same("v1-version.txt", &run(&mut t, "/tmp", "docker-compose version", NOW + 5));
    same("v1-no-args.txt", &run(&mut t, "/tmp", "docker-compose", NOW + 5));
    put(&mut t, "/tmp/compose-yaml/docker-compose.yml", &file("article.yml"));
    same("v1-up-bad-option.txt", &run(&mut t, "/tmp/compose-yaml", "docker-compose up --bogus", NOW + 6));
}

#[test]
fn v1_requests_on_the_socket_are_the_real_ones() {
    let mut t = terminal();
    put(&mut t, &format!("{DIR}/docker-compose.yml"), &file("article.yml"));
    let before = t.kernel.docker.as_ref().map(|d| d.socket_log.len()).unwrap_or(0);
    run(&mut t, DIR, "docker-compose up -d", NOW);
    let log: Vec<String> = t.kernel.docker.as_ref().expect("docker").socket_log[before..]
        .iter()
        .map(|x| String::from_utf8_lossy(&x.request).lines().next().unwrap_or("").to_string())
        .collect();
    let f = |labels: &str| format!("filters=%7B%22label%22%3A+%5B{labels}%5D%7D");
    let p = "%22com.docker.compose.project%3Dcompose-check%22%2C+";
    let legacy = "%22com.docker.compose.project%3Dcomposecheck%22%2C+";
    let one = "%22com.docker.compose.oneoff%3DFalse%22";
    let svc = "%22com.docker.compose.service%3Ddb%22%2C+";
    let want = [
        "GET /version HTTP/1.1".to_string(),
        "GET /v1.41/networks/composecheck_default HTTP/1.1".into(),
        "GET /v1.41/info HTTP/1.1".into(),
        "GET /v1.41/networks/compose-check_default HTTP/1.1".into(),
        "POST /v1.41/networks/create HTTP/1.1".into(),
        format!("GET /v1.41/containers/json?limit=-1&all=0&size=0&trunc_cmd=0&{} HTTP/1.1", f(&format!("{p}{one}"))),
        format!("GET /v1.41/containers/json?limit=-1&all=0&size=0&trunc_cmd=0&{} HTTP/1.1", f(&format!("{legacy}{one}"))),
        format!("GET /v1.41/containers/json?limit=-1&all=1&size=0&trunc_cmd=0&{} HTTP/1.1", f(&format!("{p}{one}"))),
        format!("GET /v1.41/containers/json?limit=-1&all=1&size=0&trunc_cmd=0&{} HTTP/1.1", f(&format!("{legacy}{one}"))),
        format!("GET /v1.41/containers/json?limit=-1&all=1&size=0&trunc_cmd=0&{} HTTP/1.1", f(&format!("{p}{svc}{one}"))),
        format!("GET /v1.41/containers/json?limit=-1&all=1&size=0&trunc_cmd=0&{} HTTP/1.1", f(&format!("{legacy}{svc}{one}"))),
        "GET /v1.41/images/alpine:3.15/json HTTP/1.1".into(),
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(log.get(i), Some(w), "request {i}: {log:#?}");
    }
    let tail: Vec<&str> = log.iter().rev().take(5).rev().map(|s| s.split('/').take(3).collect::<Vec<_>>().join("/")).map(|s| Box::leak(s.into_boxed_str()) as &str).collect();
    assert!(log.iter().any(|l| l.starts_with("POST /v1.41/containers/create?name=compose-check_db_1 ")), "{log:#?}");
    assert!(tail.last().is_some_and(|l| l.starts_with("POST /v1.41/containers")), "{log:#?}");
    // The create body, as docker-py 5.0.3 wrote it (Python's separators, this key order).
    let create = t.kernel.docker.as_ref().expect("docker").socket_log.iter().find(|x| x.request.starts_with(b"POST /v1.41/containers/create")).expect("create").request.clone();
    let body = String::from_utf8_lossy(&create).split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    assert!(body.starts_with(r#"{"Tty": false, "OpenStdin": false, "StdinOnce": false, "AttachStdin": false, "AttachStdout": false, "AttachStderr": false, "Env": ["MYSQL_ROOT_PASSWORD=example"], "Cmd": ["sleep", "1000"], "Image": "alpine:3.15", "Volumes": {}, "NetworkDisabled": false, "HostConfig": {"NetworkMode": "compose-check_default", "RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}, "VolumesFrom": [], "Binds": [], "PortBindings": {}, "Links": [], "LogConfig": {"Type": "", "Config": {}}}, "NetworkingConfig": {"EndpointsConfig": {"compose-check_default": {"Aliases": ["db"], "IPAMConfig": {}}}}, "Labels": {"com.docker.compose.project": "compose-check", "com.docker.compose.service": "db", "com.docker.compose.oneoff": "False", "com.docker.compose.project.working_dir": "/tmp/compose-check", "com.docker.compose.project.config_files": "docker-compose.yml", "com.docker.compose.container-number": "1", "com.docker.compose.version": "1.29.2", "com.docker.compose.config-hash": ""#), "{body}");
    // The network carries compose's labels.
    let nets = api(&mut t, "GET", "/v1.41/networks/compose-check_default");
    assert_eq!(nets["Labels"]["com.docker.compose.project"], "compose-check");
    assert_eq!(nets["Labels"]["com.docker.compose.network"], "default");
}

/// The article's file with mysql:5.7 (the catalog's mysql) in a directory named `app`.
fn article_mysql(t: &mut Terminal, platform: bool) {
    let mut text = String::from("version: '3.1'\n\nservices:\n\n  db:\n    image: mysql:5.7\n");
    if platform {
        text.push_str("    platform: 'linux/amd64'\n");
    }
    text.push_str("    command: --default-authentication-plugin=mysql_native_password\n    restart: always\n    environment:\n      MYSQL_ROOT_PASSWORD: example\n");
    put(t, "/home/ec2-user/app/docker-compose.yml", &text);
}

/// `docker compose ...` as the CLI's `compose` subcommand will run it (`plugin_sim`: the
/// simulated socket, as the login shell's child in ~/app).
fn plugin(t: &mut Terminal, args: &str, tty: bool) -> (String, String, i32) {
    let mut io = if tty { Io::terminal(80) } else { Io::default() };
    io.cols = 80;
    let argv: Vec<String> = args.split_whitespace().map(str::to_string).collect();
    let env = vec![("HOME".to_string(), "/home/ec2-user".to_string())];
    let saved = t.kernel.procs.get(&USER_SHELL).map(|p| p.cwd.clone()).unwrap_or_default();
    if let Some(p) = t.kernel.procs.get_mut(&USER_SHELL) {
        p.cwd = "/home/ec2-user/app".into();
    }
    let mut ctx = Ctx { k: &mut t.kernel, pid: USER_SHELL, argv: std::iter::once("docker".to_string()).chain(argv.iter().cloned()).collect(), env, io };
    let code = match sim_core::compose::plugin_sim(&mut ctx, &argv) {
        Outcome::Exit(c) => c,
        _ => -1,
    };
    let out = String::from_utf8_lossy(&ctx.io.out).to_string();
    let err = String::from_utf8_lossy(&ctx.io.err).to_string();
    if let Some(p) = t.kernel.procs.get_mut(&USER_SHELL) {
        p.cwd = saved;
    }
    (out, err, code)
}

#[test]
fn v2_plugin_up_ps_logs_down_plain() {
    let mut t = terminal();
    article_mysql(&mut t, true);
    let (out, err, code) = plugin(&mut t, "up -d", false);
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("db ") && !l.starts_with(char::is_alphanumeric) || l.starts_with("Network") || l.starts_with("Container")).filter(|l| l.starts_with("Network") || l.starts_with("Container")).collect();
    assert_eq!(lines, ["Network app_default  Creating", "Network app_default  Created", "Container app-db-1  Creating", "Container app-db-1  Created", "Container app-db-1  Starting", "Container app-db-1  Started"], "{err}");
    assert!(err.starts_with("db Pulling \n"), "{err}");
    assert!(err.contains("db Pulled \n"), "{err}");
    // The pull asked for the platform the file pins; the container is the service's.
    let log = &t.kernel.docker.as_ref().expect("docker").socket_log;
    let reqs: Vec<String> = log.iter().map(|x| String::from_utf8_lossy(&x.request).lines().next().unwrap_or("").to_string()).collect();
    assert!(reqs.iter().any(|r| r.starts_with("POST /v1.41/images/create?fromImage=mysql&tag=5.7&platform=linux%2Famd64 ")), "{reqs:#?}");
    assert!(reqs.iter().any(|r| r.starts_with("POST /v1.41/containers/create?name=app-db-1&platform=linux%2Famd64 ")), "{reqs:#?}");
    let list = api(&mut t, "GET", "/v1.41/containers/json?filters=%7B%22label%22%3A%7B%22com.docker.compose.project%3Dapp%22%3Atrue%7D%7D");
    assert_eq!(list[0]["Names"][0], "/app-db-1");
    assert_eq!(list[0]["Labels"]["com.docker.compose.service"], "db");
    assert_eq!(list[0]["State"], "running");
    let (out, _, code) = plugin(&mut t, "ps", false);
    assert_eq!(code, 0);
    assert_eq!(out, "NAME                COMMAND                  SERVICE             STATUS              PORTS\napp-db-1            \"docker-entrypoint.s…\"   db                  running             3306/tcp, 33060/tcp\n");
    let (out, _, _) = plugin(&mut t, "logs", false);
    assert!(out.lines().all(|l| l.starts_with("app-db-1  | ")), "{out}");
    assert!(out.contains("[Note] [Entrypoint]: Entrypoint script for MySQL Server"), "{out}");
    let (out, err, code) = plugin(&mut t, "down", false);
    assert_eq!((out.as_str(), code), ("", 0));
    assert_eq!(err, "Container app-db-1  Stopping\nContainer app-db-1  Stopping\nContainer app-db-1  Stopped\nContainer app-db-1  Removing\nContainer app-db-1  Removed\nNetwork app_default  Removing\nNetwork app_default  Removed\n");
    let (_, err, _) = plugin(&mut t, "down", false);
    assert_eq!(err, "Warning: No resource found to remove for project \"app\".\n");
}

#[test]
fn v2_plugin_on_a_tty_draws_the_progress_block() {
    let mut t = terminal();
    article_mysql(&mut t, true);
    api(&mut t, "POST", "/v1.41/images/create?fromImage=mysql&tag=5.7");
    let (err, _, code) = plugin(&mut t, "up -d", true);
    assert_eq!(code, 0);
    let last = err.rsplit("\x1b[?25l").next().unwrap_or("");
    assert!(last.starts_with("\x1b[34m[+] Running 2/2\x1b[0m\n"), "{last:?}");
    // The status column starts after the longest `ID Text` (pkg/progress/tty.go).
    assert!(last.contains("\x1b[34m ⠿ Network app_default  Created      "), "{last:?}");
    assert!(last.contains("\x1b[34m ⠿ Container app-db-1   Started      "), "{last:?}");
    assert!(last.lines().nth(1).is_some_and(|l| l.ends_with("   0.1s")), "{last:?}");
}

#[test]
fn m1_without_platform_has_no_matching_manifest() {
    let mut t = terminal();
    t.kernel.docker.as_mut().expect("docker").platform = sim_core::image::oci::Platform::new("linux", "arm64", Some("v8"));
    article_mysql(&mut t, false);
    let (err, _, code) = plugin(&mut t, "up -d", true);
    assert_eq!(code, 18, "{err}");
    // dockerd streams "Pulling from" before it finds the platform missing, so the error
    // comes inside the pull's stream (a 200): compose's pullServiceImage returns it as it is,
    // with no "Error" event, and the service's line stays at "Pulling".
    assert!(err.ends_with("\x1b[?25hno matching manifest for linux/arm64/v8 in the manifest list entries\n"), "{err:?}");
    assert!(!err.contains("Error response from daemon"), "{err:?}");
    let last = err.rsplit("\x1b[?25l").next().unwrap_or("");
    assert!(last.starts_with("[+] Running 0/1\n\x1b[37m ⠼ db Pulling"), "{last:?}");
    // docker-compose 1.29.2 says it its way.
    let c = run(&mut t, "/home/ec2-user/app", "docker-compose up -d", NOW);
    assert_eq!(c.code, 1);
    assert!(c.err.ends_with("Pulling db (mysql:5.7)...\nno matching manifest for linux/arm64/v8 in the manifest list entries\n"), "{:?}", c.err);
    // With the platform pinned, amd64 is pulled and runs (under emulation on the M1).
    article_mysql(&mut t, true);
    let (_, err, code) = plugin(&mut t, "up -d", false);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Container app-db-1  Started"), "{err}");
}

#[test]
fn v2_errors_and_exit_codes() {
    let mut t = terminal();
    put(&mut t, "/home/ec2-user/app/compose.yaml", "version: \"3.1\"\nservices:\n  db:\n    image: alpine:3.15\n    command: sleep: 1000\n");
    let (_, err, code) = plugin(&mut t, "up -d", false);
    assert_eq!((err.as_str(), code), ("yaml: line 5: mapping values are not allowed in this context\n", 15));
    put(&mut t, "/home/ec2-user/app/compose.yaml", "services:\n  db:\n    image: alpine:3.15\n    comand: x\n");
    let (_, err, code) = plugin(&mut t, "up -d", false);
    assert_eq!((err.as_str(), code), ("services.db Additional property comand is not allowed\n", 15));
    let (_, err, code) = plugin(&mut t, "-f nosuch.yml ps", false);
    assert_eq!((err.as_str(), code), ("open /home/ec2-user/app/nosuch.yml: no such file or directory\n", 14));
    let (out, _, code) = plugin(&mut t, "version", false);
    assert_eq!((out.as_str(), code), ("Docker Compose version v2.6.0\n", 0));
}

#[test]
fn docker_compose_is_installed_on_the_article_host() {
    let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
    assert_eq!(t.run("which docker-compose", NOW), "/usr/local/bin/docker-compose\n");
}

mod yaml_never_panics {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text(s in "[ \\-:#\\[\\]{},'\"|>a-z0-9\\t\\n]{0,200}") {
            let _ = sim_core::compose::yaml::parse(&s);
            let _ = sim_core::compose::model::load(&s);
        }

        #[test]
        fn any_structure(lines in prop::collection::vec(prop::sample::select(vec![
            "services:", "  db:", "    image: alpine:3.15", "- a: 1", "  - b", "    c: d", "e:", "  f: [x, \"y\"", "- - z",
            "g: |", "   text", "'q'", "\"r", "h: {i: j}", "\t- k", "  # c", "---", "l: m: n", "  -", "    - o: p",
            "      q: r", "s: >-", "]", "}", "t: 'u", "v: \"w\\x\"", "  x:", "y", ":", "- ", "   command: sleep 1000",
        ]), 0..14)) {
            let text = lines.join("\n");
            let _ = sim_core::compose::yaml::parse(&text);
            let _ = sim_core::compose::model::load(&text);
        }

        #[test]
        fn any_unicode(s in "\\PC{0,120}") {
            let _ = sim_core::compose::model::load(&s);
        }
    }
}
