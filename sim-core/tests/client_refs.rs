//! The simulated docker CLI against the real CLI's outputs in tests/reference/docker/*.txt
//! (`# command:`, stdout, `# stderr:`, `# exit:`), where the daemon's answers were not
//! captured: a scripted daemon answers with the messages the real dockerd sent (the texts
//! in the reference files), and the printed bytes and exit codes must match exactly.
//! Help texts are checked at several terminal widths, with and without a daemon.

mod client_support;

use client_support::{reference_dir, shell_words, show};
use sim_core::client::stream::{frame, Dest};
use sim_core::client::transport::{ConnectError, DockerTransport, NoDaemon, PendingId, StreamId};
use sim_core::http::{Request, Response};
use sim_core::shell::Shell;
use sim_core::utils::{Ctx, Io, Outcome};

/// A reference file: command, stdout, stderr, exit status.
struct Ref {
    command: String,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    exit: i32,
}

fn parse_ref(name: &str) -> Ref {
    let text = std::fs::read_to_string(reference_dir().join(format!("{name}.txt"))).expect("reference file");
    let mut command = String::new();
    let (mut out, mut err) = (String::new(), String::new());
    let mut in_err = false;
    let mut exit = 0;
    for line in text.split_inclusive('\n') {
        if let Some(c) = line.strip_prefix("# command: ").or_else(|| line.strip_prefix("# command (under a TTY: script -qec): ")) {
            command = c.trim_end().to_string();
        } else if line.starts_with("# stderr:") {
            in_err = true;
        } else if let Some(e) = line.strip_prefix("# exit: ") {
            exit = e.trim().parse().unwrap_or(-1);
        } else if line.starts_with("# (no newline at end)") {
            let t = if in_err { &mut err } else { &mut out };
            if t.ends_with('\n') {
                t.pop();
            }
        } else if in_err {
            err.push_str(line);
        } else {
            out.push_str(line);
        }
    }
    Ref { command, stdout: out.into_bytes(), stderr: err.into_bytes(), exit }
}

/// A daemon answering from a script: (method, path without /v1.41, status, body); a body
/// starting with `{` or `[` is JSON. `101` rules answer a hijack with the body as stream.
struct Scripted {
    rules: Vec<(&'static str, String, u16, Vec<u8>)>,
    sent: Vec<Request>,
    streams: Vec<Vec<u8>>,
    pending: Vec<Response>,
}

fn daemon_headers(r: &mut Response, json: bool) {
    r.headers.push(("Api-Version".into(), "1.41".into()));
    if json {
        r.headers.push(("Content-Type".into(), "application/json".into()));
    }
    r.headers.push(("Docker-Experimental".into(), "false".into()));
    r.headers.push(("Ostype".into(), "linux".into()));
    r.headers.push(("Server".into(), "Docker/20.10.24+dfsg1 (linux)".into()));
}

impl Scripted {
    fn new(rules: Vec<(&'static str, &str, u16, &[u8])>) -> Scripted {
        Scripted {
            rules: rules.into_iter().map(|(m, p, s, b)| (m, p.to_string(), s, b.to_vec())).collect(),
            sent: Vec::new(),
            streams: Vec::new(),
            pending: Vec::new(),
        }
    }
    fn answer(&mut self, req: &Request) -> Response {
        self.sent.push(req.clone());
        let path = req.path();
        let path = path.strip_prefix("/v1.41").unwrap_or(&path).to_string();
        if path == "/_ping" {
            let mut r = Response::new(200);
            daemon_headers(&mut r, false);
            return r;
        }
        for (m, p, s, b) in &self.rules {
            if *m == req.method && *p == path {
                let mut r = Response::new(*s);
                daemon_headers(&mut r, matches!(b.first(), Some(b'{') | Some(b'[')));
                if *s == 101 {
                    self.streams.push(b.clone());
                } else {
                    r.body = b.clone();
                }
                return r;
            }
        }
        let mut r = Response::new(404);
        r.headers.push(("Content-Type".into(), "application/json".into()));
        r.body = b"{\"message\":\"page not found\"}\n".to_vec();
        r
    }
}

impl DockerTransport for Scripted {
    fn roundtrip(&mut self, req: &Request) -> Result<Response, ConnectError> {
        Ok(self.answer(req))
    }
    fn hijack(&mut self, req: &Request) -> Result<(Response, StreamId), ConnectError> {
        let r = self.answer(req);
        Ok((r, self.streams.len().saturating_sub(1)))
    }
    fn read_stream(&mut self, stream: StreamId) -> Vec<u8> {
        self.streams.get_mut(stream).map(std::mem::take).unwrap_or_default()
    }
    fn write_stream(&mut self, _stream: StreamId, _data: &[u8]) {}
    fn close_write(&mut self, _stream: StreamId) {}
    fn take_terminal(&mut self, _stream: StreamId) -> Option<Box<Shell>> {
        None
    }
    fn send(&mut self, req: &Request) -> Result<PendingId, ConnectError> {
        let r = self.answer(req);
        self.pending.push(r);
        Ok(self.pending.len() - 1)
    }
    fn receive(&mut self, id: PendingId) -> Result<Response, ConnectError> {
        self.pending.get(id).cloned().ok_or(ConnectError::NotRunning)
    }
    fn abandon(&mut self, _id: PendingId) {}
}

#[derive(Default, Clone, Copy)]
struct Term {
    tty: bool,
    cols: usize,
}

fn run_cli(argv: &[String], t: &mut dyn DockerTransport, term: Term, env: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>, i32) {
    let (mut k, pid) = sim_core::host::linux::boot(1);
    let mut args = vec!["docker".to_string()];
    args.extend(argv.iter().cloned());
    let io = if term.tty {
        Io { stdin_tty: true, err_to_out: false, tty_out: true, cols: term.cols, ..Io::default() }
    } else {
        Io { cols: 80, ..Io::default() }
    };
    let mut e: Vec<(String, String)> = env.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    if !env.iter().any(|(k, _)| *k == "HOME") {
        e.push(("HOME".into(), "/root".into()));
    }
    let mut ctx = Ctx { k: &mut k, pid, argv: args, env: e, io };
    let code = match sim_core::client::run(&mut ctx, t) {
        Outcome::Exit(c) => c,
        Outcome::Shell(_) | Outcome::Running { .. } => -1000,
    };
    (ctx.io.out.clone(), ctx.io.err.clone(), code)
}

fn argv_of(cmd: &str) -> Vec<String> {
    let w = shell_words(cmd);
    let at = w.iter().position(|x| x == "docker").unwrap_or(0);
    let mut v = w[at + 1..].to_vec();
    if let Some(p) = v.iter().position(|x| x == "|" || x == ";" || x == "&&") {
        v.truncate(p);
    }
    v
}

fn compare(name: &str, got: (Vec<u8>, Vec<u8>, i32), r: &Ref, diffs: &mut Vec<String>) {
    if got.0 != r.stdout {
        diffs.push(format!("{name}: stdout\n--- real:\n{}\n--- simulated:\n{}", show(&r.stdout), show(&got.0)));
    }
    if got.1 != r.stderr {
        diffs.push(format!("{name}: stderr\n--- real:\n{}\n--- simulated:\n{}", show(&r.stderr), show(&got.1)));
    }
    if got.2 != r.exit {
        diffs.push(format!("{name}: exit {} (real {})", got.2, r.exit));
    }
}

fn msg(m: &str) -> Vec<u8> {
    format!("{{\"message\":{}}}\n", sim_core::client::json::quote(m, true)).into_bytes()
}

/// The message of the first `Error response from daemon: ` line of a reference's stderr.
fn daemon_msg(r: &Ref) -> String {
    let e = String::from_utf8_lossy(&r.stderr).to_string();
    e.lines()
        .find_map(|l| l.split_once("Error response from daemon: ").map(|(_, m)| m.to_string()))
        .unwrap_or_default()
}

fn inspect_json(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(reference_dir().join(format!("{name}.txt"))).expect("reference");
    let body: String = text.lines().filter(|l| !l.starts_with("# ")).collect::<Vec<_>>().join("\n");
    let arr = sim_core::client::json::parse(body.as_bytes()).expect("json");
    let mut b = arr.as_arr().first().map(|d| d.encode(false)).unwrap_or_default().into_bytes();
    b.push(b'\n');
    b
}

#[test]
fn daemon_errors_as_real() {
    let mut diffs = Vec::new();
    // (reference, method, path, status) answered with the reference's daemon message.
    let single: &[(&str, &str, &str, u16)] = &[
        ("err-rm-running", "DELETE", "/containers/ref-web", 409),
        ("err-rm-nosuch", "DELETE", "/containers/nosuch", 404),
        ("err-kill-not-running", "POST", "/containers/ref-stop/kill", 409),
        ("err-stop-nosuch", "POST", "/containers/nosuch/stop", 404),
        ("err-start-nosuch", "POST", "/containers/nosuch/start", 404),
        ("err-top-not-running", "GET", "/containers/ref-web/top", 409),
        ("err-logs-nosuch", "GET", "/containers/nosuch/json", 404),
        ("err-exec-nosuch-container", "GET", "/containers/nosuch/json", 404),
        ("err-inspect-nosuch-container", "GET", "/containers/nosuch/json", 404),
        ("err-rename-nosuch", "POST", "/containers/nosuch/rename", 404),
        ("err-rename-taken", "POST", "/containers/ref-dup2/rename", 409),
        ("err-net-create-dup", "POST", "/networks/create", 409),
        ("err-net-inspect-nosuch", "GET", "/networks/nosuch", 404),
        ("err-net-rm-bridge", "DELETE", "/networks/bridge", 403),
        ("err-net-rm-in-use", "DELETE", "/networks/ref-net", 403),
        ("err-net-rm-nosuch", "DELETE", "/networks/ref-net", 404),
        ("img-rmi-nosuch", "DELETE", "/images/nosuch", 404),
        ("img-rmi-in-use-running", "DELETE", "/images/alpine:3.15", 409),
        ("img-rmi-in-use-stopped-id", "DELETE", "/images/019e7e6ea52f", 409),
        ("img-rmi-in-use-running-id", "DELETE", "/images/019e7e6ea52f", 409),
        ("img-rmi-id-multiple-tags", "DELETE", "/images/019e7e6ea52f", 409),
        ("img-tag-nosuch", "POST", "/images/nosuch:1/tag", 404),
        ("img-inspect-nosuch", "GET", "/images/nosuch/json", 404),
        ("img-pull-offline", "POST", "/images/create", 500),
        ("img-pull-offline-tag", "POST", "/images/create", 500),
        ("img-pull-offline-platform", "POST", "/images/create", 500),
        ("img-pull-loopback-refused", "POST", "/images/create", 500),
        ("img-pull-loopback-registry-manifest-unknown", "POST", "/images/create", 404),
        ("img-create-pull-never-nosuch", "POST", "/containers/create", 404),
        ("img-run-pull-never-nosuch", "POST", "/containers/create", 404),
        ("err-run-bad-name", "POST", "/containers/create", 400),
        ("err-run-duplicate-name", "POST", "/containers/create", 409),
        ("err-run-network-nosuch", "POST", "/containers/create", 404),
    ];
    for (name, m, p, status) in single {
        let r = parse_ref(name);
        let body = msg(&daemon_msg(&r));
        let mut t = Scripted::new(vec![(m, p, *status, &body)]);
        let got = run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]);
        compare(name, got, &r, &mut diffs);
    }
    // `docker port`: the container's ports, none published for 80.
    let r = parse_ref("err-port-no-public");
    let mut doc = inspect_json("ctr-inspect");
    doc = String::from_utf8_lossy(&doc).replace("\"Ports\":{\"80/tcp\"", "\"Ports\":{\"81/tcp\"").into_bytes();
    let mut t = Scripted::new(vec![("GET", "/containers/ref-web/json", 200, &doc)]);
    compare("err-port-no-public", run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    // `docker inspect nosuch` tries every kind of object.
    let r = parse_ref("img-inspect-nosuch-generic");
    let info = b"{\"Swarm\":{\"ControlAvailable\":false}}\n";
    let mut t = Scripted::new(vec![("GET", "/info", 200, info)]);
    compare("img-inspect-nosuch-generic", run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn run_failures_as_real() {
    let mut diffs = Vec::new();
    // The container is created, start fails: -d has printed the id already.
    for (name, id) in [
        ("err-run-exec-not-found", "e1631b5491c5d5c5c917a98cbc1c569666e03288bcb0aad72387c83e8207e3d3"),
        ("err-run-port-allocated", "fc543c770039c3a43755c39549dde75e2cf30d5dc4d3de9c353f5408c443a1f8"),
        ("err-run-not-executable", "aaaa"),
        ("err-run-exec-not-found-sync", "bbbb"),
    ] {
        let r = parse_ref(name);
        let created = format!("{{\"Id\":\"{id}\",\"Warnings\":[]}}\n");
        let start = format!("/containers/{id}/start");
        let wait = format!("/containers/{id}/wait");
        let attach = format!("/containers/{id}/attach");
        let m = msg(&daemon_msg(&r));
        let mut t = Scripted::new(vec![
            ("POST", "/containers/create", 201, created.as_bytes()),
            ("POST", &attach, 101, b""),
            ("POST", &wait, 200, b"{\"Error\":null,\"StatusCode\":127}\n"),
            ("POST", &start, 500, &m),
        ]);
        compare(name, run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    }
    // Foreground run: stdout and stderr from the stream, the exit status from wait.
    let r = parse_ref("ctr-run-fg-exit");
    let mut stream = frame(Dest::Out, b"out\n");
    stream.extend(frame(Dest::Err, b"err\n"));
    let mut t = Scripted::new(vec![
        ("POST", "/containers/create", 201, b"{\"Id\":\"c1\",\"Warnings\":[]}\n"),
        ("POST", "/containers/c1/attach", 101, &stream),
        ("POST", "/containers/c1/wait", 200, b"{\"Error\":null,\"StatusCode\":4}\n"),
        ("POST", "/containers/c1/start", 204, b""),
    ]);
    compare("ctr-run-fg-exit", run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn client_side_errors_as_real() {
    let mut diffs = Vec::new();
    for name in [
        "err-unknown-command", "err-unknown-shorthand", "err-run-unknown-flag", "err-ps-unknown-flag", "err-exec-no-command",
        "err-run-no-image", "err-run-bad-p", "err-run-bad-p2", "err-run-bad-p3", "err-run-invalid-ref", "img-run-pull-bad-value",
        "img-pull-bad-ref", "err-ps-bad-format", "err-inspect-bad-template", "client-version-flag",
    ] {
        let r = parse_ref(name);
        let mut t = Scripted::new(vec![]);
        compare(name, run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    }
    // `docker exec -it` with stdin not a terminal.
    for name in ["err-exec-it-no-tty", "err-exec-it-no-tty-stdin-file"] {
        let r = parse_ref(name);
        let mut t = Scripted::new(vec![("GET", "/containers/ref-web/json", 200, b"{}\n")]);
        compare(name, run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    }
    // `docker save` to a terminal.
    let r = parse_ref("img-save-to-terminal");
    let mut t = Scripted::new(vec![]);
    let (out, err, code) = run_cli(&argv_of(&r.command), &mut t, Term { tty: true, cols: 80 }, &[]);
    // On the pty stdout and stderr were one stream, with \r\n.
    let mut both = out;
    both.extend(err);
    let both: Vec<u8> = String::from_utf8_lossy(&both).replace('\n', "\r\n").into_bytes();
    compare("img-save-to-terminal", (both, Vec::new(), code), &r, &mut diffs);
    // A missing input file.
    let r = parse_ref("img-load-nosuchfile");
    let mut t = Scripted::new(vec![]);
    compare("img-load-nosuchfile", run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn diff_as_real() {
    let r = parse_ref("cow-diff");
    let changes = br#"[{"Kind":0,"Path":"/etc"},{"Kind":1,"Path":"/etc/newfile"},{"Kind":0,"Path":"/etc/profile"},{"Kind":2,"Path":"/etc/motd"},{"Kind":0,"Path":"/media"},{"Kind":2,"Path":"/media/usb"},{"Kind":1,"Path":"/data"},{"Kind":1,"Path":"/data/f"},{"Kind":0,"Path":"/tmp"},{"Kind":1,"Path":"/tmp/t"}]"#;
    let mut t = Scripted::new(vec![("GET", "/containers/ref-cow/changes", 200, changes)]);
    let mut diffs = Vec::new();
    compare("cow-diff", run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn no_daemon_as_real() {
    let mut diffs = Vec::new();
    for name in ["daemon-not-running", "daemon-not-running-images", "daemon-not-running-version"] {
        let r = parse_ref(name);
        let mut t = NoDaemon(ConnectError::NotRunning);
        compare(name, run_cli(&argv_of(&r.command), &mut t, Term::default(), &[]), &r, &mut diffs);
    }
    let r = parse_ref("daemon-permission-denied");
    let mut t = NoDaemon(ConnectError::PermissionDenied);
    let env = [("DOCKER_HOST", "unix:///tmp/playground-real-docker/docker.sock")];
    compare("daemon-permission-denied", run_cli(&argv_of(&r.command), &mut t, Term::default(), &env), &r, &mut diffs);
    let r = parse_ref("daemon-permission-denied-default-sock");
    let mut t = NoDaemon(ConnectError::PermissionDenied);
    let env = [("DOCKER_HOST", "unix:///tmp/ref-perm/docker.sock")];
    compare("daemon-permission-denied-default-sock", run_cli(&argv_of(&r.command), &mut t, Term::default(), &env), &r, &mut diffs);
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

fn help_file(name: &str) -> Vec<u8> {
    std::fs::read(reference_dir().join("client-help").join(name)).expect("help reference")
}

#[test]
fn help_texts_as_real() {
    let mut diffs = Vec::new();
    let up = |argv: &str, term: Term| {
        let mut t = Scripted::new(vec![]);
        run_cli(&shell_words(argv), &mut t, term, &[]).0
    };
    let down = |argv: &str, term: Term| {
        let mut t = NoDaemon(ConnectError::NotRunning);
        run_cli(&shell_words(argv), &mut t, term, &[]).0
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("ps-80.txt", up("ps --help", Term::default())),
        ("run-80.txt", up("run --help", Term::default())),
        ("run-80-nodaemon.txt", down("run --help", Term::default())),
        ("run-132.txt", up("run --help", Term { tty: true, cols: 132 })),
        ("exec-40.txt", up("exec --help", Term { tty: true, cols: 40 })),
        ("docker-80.txt", up("--help", Term::default())),
        ("docker-80-nodaemon.txt", down("--help", Term::default())),
    ];
    for (file, got) in cases {
        let mut want = help_file(file);
        if file.ends_with("132.txt") || file.ends_with("40.txt") {
            // Captured through a pty: \r\n already turned into \n by the capture.
            want = String::from_utf8_lossy(&want).to_string().into_bytes();
        }
        if got != want {
            diffs.push(format!("{file}\n--- real:\n{}\n--- simulated:\n{}", show(&want), show(&got)));
        }
    }
    for name in ["img-help", "img-pull-help", "docker-nocmd-help"] {
        let r = parse_ref(name);
        let got = up(&argv_of(&r.command).join(" "), Term::default());
        compare(name, (got, Vec::new(), 0), &r, &mut diffs);
    }
    // `docker` alone: the same help on stderr, exit 0.
    let mut t = Scripted::new(vec![]);
    let (out, err, code) = run_cli(&[], &mut t, Term::default(), &[]);
    if !out.is_empty() || err != help_file("docker-80.txt") || code != 0 {
        diffs.push(format!("docker alone: out {:?} code {code}", out.len()));
    }
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn home_in_root_help() {
    let mut t = Scripted::new(vec![]);
    let (out, _, _) = run_cli(&shell_words("--help"), &mut t, Term::default(), &[("HOME", "/home/ec2-user")]);
    let s = String::from_utf8_lossy(&out);
    assert!(s.contains("\"/home/ec2-user/.docker\")") && !s.contains("/root"), "{s}");
}
