//! The simulated docker CLI against captures of the real one (docker CLI 28.2.2 talking to
//! dockerd 20.10.24, tests/reference/docker/proxy*/): given the daemon's captured answers,
//! the simulated CLI must send the same requests, byte for byte and in the same order, write
//! the same bytes into hijacked streams, and print the same stdout and stderr with the same
//! exit status. The only normalization: the CLI's clock is set to the daemon's `Date:`.

mod client_support;

use client_support::{load, shell_words, show, Capture, Replay};
use sim_core::http::Request;
use sim_core::utils::{Ctx, Io, Outcome};

#[derive(Clone, Default)]
struct Opts {
    /// argv after `docker`, when the captured command is not a plain `docker ...`.
    argv: Option<Vec<String>>,
    stdin: Vec<u8>,
    /// stdin and stdout are a terminal of this width (0: size unknown, as `script`'s pty).
    tty: Option<usize>,
    /// The capture's stdout went through a pty that turns `\n` into `\r\n`.
    crlf: bool,
    /// Files the command reads, put into the simulated filesystem first.
    files: Vec<(String, Vec<u8>)>,
    /// Do not compare what was written into hijacked streams (interactive -it captures).
    skip_stream_input: bool,
    /// The real CLI sent these requests from parallel goroutines: compare them as a set.
    unordered: bool,
}

fn argv_of(c: &Capture) -> Vec<String> {
    let w = shell_words(&c.command);
    let at = w.iter().position(|x| x == "docker").unwrap_or(0);
    w[at + 1..].to_vec()
}

struct Result_ {
    out: Vec<u8>,
    err: Vec<u8>,
    code: i32,
    replay: Replay,
    files: Vec<(String, Vec<u8>)>,
}

fn run(c: &Capture, o: &Opts, read_back: &[&str]) -> Result_ {
    let (mut k, pid) = sim_core::host::linux::boot(1);
    k.now = c.now;
    for (path, data) in &o.files {
        k.write_file(pid, path, data, false).expect("test file");
    }
    let mut argv = vec!["docker".to_string()];
    argv.extend(o.argv.clone().unwrap_or_else(|| argv_of(c)));
    let io = match o.tty {
        Some(cols) => Io { stdin: Vec::new(), stdin_tty: true, err_to_out: true, tty_out: true, cols, ..Io::default() },
        None => Io { stdin: o.stdin.clone(), stdin_tty: false, err_to_out: false, tty_out: false, cols: 80, ..Io::default() },
    };
    let env = vec![("HOME".to_string(), "/root".to_string()), ("PATH".to_string(), "/usr/local/bin:/usr/bin:/bin".to_string())];
    let mut ctx = Ctx { k: &mut k, pid, argv, env, io };
    let mut replay = Replay::new(c);
    let code = match sim_core::client::run(&mut ctx, &mut replay) {
        Outcome::Exit(c) => c,
        Outcome::Shell(_) | Outcome::Running { .. } => -1000,
    };
    let (out, err) = (ctx.io.out.clone(), ctx.io.err.clone());
    let files = read_back.iter().map(|p| (p.to_string(), ctx.read_file(p).unwrap_or_default())).collect();
    Result_ { out, err, code, replay, files }
}

/// Compares one capture; returns the differences found.
fn check(dir: &str, name: &str, o: Opts) -> Vec<String> {
    check_with(dir, name, o, &[]).0
}

fn check_with(dir: &str, name: &str, o: Opts, read_back: &[&str]) -> (Vec<String>, Vec<(String, Vec<u8>)>) {
    let c = load(dir, name);
    let r = run(&c, &o, read_back);
    let mut diffs = Vec::new();
    let mut want: Vec<Vec<u8>> = c.exchanges.iter().map(|e| e.req_bytes.clone()).collect();
    let mut sent = r.replay.sent.clone();
    if o.unordered {
        want.sort();
        sent.sort();
    }
    for (i, w) in want.iter().enumerate() {
        match sent.get(i) {
            Some(g) if g == w => {}
            Some(g) => {
                diffs.push(format!("{name}: request {i} differs\n--- real:\n{}\n--- simulated:\n{}", show(w), show(g)));
                break;
            }
            None => {
                diffs.push(format!("{name}: request {i} not sent; real:\n{}", show(w)));
                break;
            }
        }
    }
    if r.replay.sent.len() > want.len() {
        let extra: Vec<String> = r.replay.sent[want.len()..].iter().map(|b| show(b)).collect();
        diffs.push(format!("{name}: extra requests:\n{}", extra.join("\n")));
    }
    if !o.skip_stream_input {
        for (i, e) in c.exchanges.iter().enumerate() {
            if e.resp.as_ref().map(|r| r.status) == Some(101) {
                let got = r.replay.written.iter().find(|(s, _)| *s == i).map(|(_, b)| b.clone()).unwrap_or_default();
                if got != e.stream_in {
                    diffs.push(format!("{name}: stream input differs\n--- real:\n{}\n--- simulated:\n{}", show(&e.stream_in), show(&got)));
                }
                if !r.replay.closed.contains(&i) {
                    diffs.push(format!("{name}: stream {i} not half-closed"));
                }
            }
        }
    }
    let mut out = r.out.clone();
    if o.crlf {
        let mut v = Vec::new();
        for b in out {
            if b == b'\n' {
                v.push(b'\r');
            }
            v.push(b);
        }
        out = v;
    }
    // With a terminal both streams land on it; the capture recorded them together.
    let (want_out, want_err) = if o.tty.is_some() { (c.stdout.clone(), Vec::new()) } else { (c.stdout.clone(), c.stderr.clone()) };
    if out != want_out {
        diffs.push(format!("{name}: stdout differs\n--- real:\n{}\n--- simulated:\n{}", show(&want_out), show(&out)));
    }
    if r.err != want_err {
        diffs.push(format!("{name}: stderr differs\n--- real:\n{}\n--- simulated:\n{}", show(&want_err), show(&r.err)));
    }
    if r.code != c.exit {
        diffs.push(format!("{name}: exit {} (real {})", r.code, c.exit));
    }
    (diffs, r.files)
}

fn body_of(c: &Capture, method_path: &str) -> Vec<u8> {
    c.exchanges
        .iter()
        .find(|e| format!("{} {}", e.req.method, e.req.path()).contains(method_path))
        .map(|e| e.req.body.clone())
        .unwrap_or_default()
}

fn stream_in_of(c: &Capture) -> Vec<u8> {
    c.exchanges.iter().find(|e| e.resp.as_ref().map(|r| r.status) == Some(101)).map(|e| e.stream_in.clone()).unwrap_or_default()
}

/// Replaces the capture's temporary directory in the command with `/tmp`.
fn argv_tmp(c: &Capture) -> Vec<String> {
    argv_of(c)
        .into_iter()
        .map(|a| match a.find("/tmp/cli-cap.") {
            Some(i) => {
                let file = a.rsplit('/').next().unwrap_or("");
                format!("{}/tmp/{file}", &a[..i])
            }
            None => a,
        })
        .collect()
}

const PLAIN: &[&str] = &[
    "cli-ps", "cli-ps-a-filter", "cli-ps-q", "cli-ps-notrunc", "cli-ps-format", "cli-ps-format-table", "cli-ps-json", "cli-ps-s",
    "cli-ps-last", "cli-container-ls", "cli-ps-bad-format", "cli-ps-unclosed", "cli-ps-extra-arg", "cli-ps-unknown-flag", "cli-images",
    "cli-images-q", "cli-images-alpine", "cli-images-notrunc", "cli-images-format", "cli-image-ls-digests", "cli-image-inspect",
    "cli-image-inspect-f", "cli-image-inspect-nosuch", "cli-history", "cli-history-q", "cli-history-H", "cli-tag", "cli-tag-nosuch",
    "cli-tag-bad", "cli-rmi", "cli-rmi-nosuch", "cli-rmi-in-use", "cli-pull", "cli-pull-again", "cli-pull-q", "cli-pull-default-tag",
    "cli-pull-bad-ref", "cli-run-pull", "cli-create-missing", "cli-inspect", "cli-inspect-f", "cli-inspect-bad-field",
    "cli-inspect-bad-template", "cli-inspect-two", "cli-inspect-image", "cli-container-inspect-nosuch", "cli-inspect-size", "cli-logs",
    "cli-logs-t-tail", "cli-logs-nosuch", "cli-top", "cli-top-args", "cli-port", "cli-port-80", "cli-port-81", "cli-rename",
    "cli-rename-nosuch", "cli-start-a", "cli-wait", "cli-start", "cli-start-nosuch", "cli-stop-t", "cli-stop-signal", "cli-restart",
    "cli-kill", "cli-kill-again", "cli-kill-s", "cli-rm-running", "cli-rm-f", "cli-rm-two", "cli-rm-f-nosuch", "cli-run-fg",
    "cli-run-d-opts", "cli-run-p-multi", "cli-run-entrypoint", "cli-run-t", "cli-run-it-notty", "cli-run-bad-p", "cli-run-bad-pull",
    "cli-run-nosuchcmd", "cli-run-exit-d", "cli-run-unknown-flag", "cli-run-no-args", "cli-create", "cli-create-dup", "cli-exec",
    "cli-exec-opts", "cli-exec-d", "cli-exec-t", "cli-exec-it-notty", "cli-exec-nosuch", "cli-exec-stopped", "cli-network-create",
    "cli-network-create-dup", "cli-network-ls", "cli-network-ls-q", "cli-network-ls-format", "cli-network-inspect",
    "cli-network-inspect-f", "cli-network-inspect-nosuch", "cli-run-network", "cli-network-connect", "cli-network-disconnect",
    "cli-network-rm-in-use", "cli-network-rm", "cli-network-rm-nosuch", "cli-version", "cli-version-f", "cli-version-json", "cli-info",
    "cli-info-f", "cli-help", "cli-run-help", "cli-ps-help", "cli-image-noargs", "cli-unknown",
];

#[test]
fn client_captures_replay_byte_exact() {
    let mut diffs = Vec::new();
    for name in PLAIN {
        let unordered = *name == "cli-rm-two";
        let o = Opts { argv: Some(argv_tmp(&load("proxy-client", name))), unordered, ..Opts::default() };
        diffs.extend(check("proxy-client", name, o));
    }
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn client_captures_with_input_replay_byte_exact() {
    let mut diffs = Vec::new();
    for name in ["cli-run-i", "cli-exec-i"] {
        let c = load("proxy-client", name);
        diffs.extend(check("proxy-client", name, Opts { stdin: stream_in_of(&c), ..Opts::default() }));
    }
    for name in ["cli-load-stdin", "cli-import-stdin"] {
        let c = load("proxy-client", name);
        let body = body_of(&c, "POST /v1.41/images/");
        diffs.extend(check("proxy-client", name, Opts { stdin: body, ..Opts::default() }));
    }
    for (name, path) in [("cli-load", "POST /v1.41/images/load"), ("cli-import", "POST /v1.41/images/create")] {
        let c = load("proxy-client", name);
        let body = body_of(&c, path);
        let argv = argv_tmp(&c);
        let file = argv.iter().find(|a| a.starts_with("/tmp/")).cloned().unwrap_or_default();
        diffs.extend(check("proxy-client", name, Opts { argv: Some(argv), files: vec![(file, body)], ..Opts::default() }));
    }
    // save -o writes the daemon's tar into the file.
    let c = load("proxy-client", "cli-save");
    let argv = argv_tmp(&c);
    let tar = c.exchanges.iter().find(|e| e.req.path().ends_with("/images/get")).and_then(|e| e.resp.clone()).map(|r| r.body).unwrap_or_default();
    let (d, files) = check_with("proxy-client", "cli-save", Opts { argv: Some(argv), ..Opts::default() }, &["/tmp/tiny-save.tar"]);
    diffs.extend(d);
    if files.first().map(|(_, b)| b.as_slice()) != Some(tar.as_slice()) || tar.is_empty() {
        diffs.push("cli-save: the file is not the daemon's tar".into());
    }
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn original_proxy_captures_replay_byte_exact() {
    let mut diffs = Vec::new();
    let plain = [
        "version", "ps", "ps-a", "images", "run-d", "run-p", "run-rm-echo", "run-nosuch-image", "exec-echo", "exec-nosuchcmd",
        "exec-stderr-exit", "logs", "logs-out-err", "logs-timestamps", "inspect", "inspect-f-pid", "inspect-nosuch", "top", "port", "stop",
        "rm", "rm-f", "pull-nosuch", "rmi-nosuch", "network-ls",
    ];
    for name in plain {
        diffs.extend(check("proxy", name, Opts::default()));
    }
    // `echo hello-stdin | docker exec -i ref-x cat`
    diffs.extend(check(
        "proxy",
        "exec-i-stdin",
        Opts { argv: Some(shell_words("exec -i ref-x cat")), stdin: b"hello-stdin\n".to_vec(), ..Opts::default() },
    ));
    // `timeout 2 docker logs -f ref-logs2`: the CLI reads what the daemon has sent when the
    // stream ends (the capture ended with the timeout's 124, the simulation's logs end).
    let c = load("proxy", "logs-follow");
    let r = run(&c, &Opts::default(), &[]);
    if r.out != c.stdout || r.err != c.stderr || r.replay.sent.first() != c.exchanges.first().map(|e| &e.req_bytes) {
        diffs.push(format!("logs-follow: output differs:\n{}\n{}", show(&r.out), show(&r.err)));
    }
    // Under `script`: a pty of unknown size (0x0), the CLI's stdout through the pty.
    for (name, argv, cols) in [
        ("exec-it-sh", "exec -it ref-x sh", 0),
        ("exec-it-sh-80x24", "exec -it ref-web sh", 80),
        ("run-it", "run -it --rm --name ref-it2 --pull=never alpine:3.15 sh", 0),
    ] {
        diffs.extend(check("proxy", name, Opts { argv: Some(shell_words(argv)), tty: Some(cols), skip_stream_input: true, ..Opts::default() }));
    }
    for (name, cols) in [("pull-loopback-registry-tty", 0), ("pull-loopback-registry-tty-80cols", 80)] {
        diffs.extend(check(
            "proxy",
            name,
            Opts { argv: Some(shell_words("pull localhost:5999/ref-pullsrc:1")), tty: Some(cols), crlf: true, ..Opts::default() },
        ));
    }
    assert!(diffs.is_empty(), "{} mismatches:\n{}", diffs.len(), diffs.join("\n\n"));
}

#[test]
fn requests_parse_as_http() {
    // The CLI's requests are well-formed HTTP/1.1 for the daemon's parser.
    let c = load("proxy-client", "cli-run-d-opts");
    let r = run(&c, &Opts::default(), &[]);
    for b in &r.replay.sent {
        let (req, used) = Request::parse(b).expect("parses");
        assert_eq!(used, b.len());
        assert_eq!(req.header("Host"), Some("api.moby.localhost"));
    }
}
