//! `native-runner daemon` against what no docker CLI sends: garbage, broken request lines and
//! headers, huge headers, bad JSON bodies, unknown endpoints. Each gets the bytes real dockerd
//! 20.10 answers (captured here; compared live with real dockerd too when it runs), and the
//! daemon carries on serving. Then 50 clients at once.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const REAL: &str = "/tmp/playground-real-docker/docker.sock";

struct Daemon {
    child: Child,
    dir: PathBuf,
    sock: String,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_daemon(tag: &str) -> Daemon {
    let dir = std::env::temp_dir().join(format!("nr-robust-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sock = dir.join("d.sock").to_string_lossy().into_owned();
    let child = Command::new(env!("CARGO_BIN_EXE_native-runner")).args(["daemon", "--socket", &sock]).stderr(Stdio::null()).spawn().expect("daemon starts");
    let d = Daemon { child, dir, sock };
    let start = Instant::now();
    while exchange(&d.sock, PING).is_none_or(|r| !r.starts_with("HTTP/1.1 200 OK")) {
        assert!(start.elapsed() < Duration::from_secs(20), "daemon did not come up");
        std::thread::sleep(Duration::from_millis(20));
    }
    d
}

const PING: &[u8] = b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n";

/// Sends the bytes (then half-closes) and reads until the server closes; the Date header is
/// dropped (it is the clock's). None if the connection could not be made or nothing came.
fn exchange(sock: &str, request: &[u8]) -> Option<String> {
    let mut s = UnixStream::connect(sock).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    // The server may close before reading everything (431): what it wrote still arrives.
    let _ = s.write_all(request);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(_) => break,
        }
    }
    if out.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    Some(text.split("\r\n").filter(|l| !l.starts_with("Date: ")).collect::<Vec<_>>().join("\r\n"))
}

fn huge_header(size: usize) -> Vec<u8> {
    let mut r = b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\nX-Big: ".to_vec();
    r.extend(std::iter::repeat_n(b'a', size));
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn post(path: &str, content_type: Option<&str>, body: &str) -> Vec<u8> {
    let ct = content_type.map(|c| format!("Content-Type: {c}\r\n")).unwrap_or_default();
    format!("POST {path} HTTP/1.1\r\nHost: docker\r\n{ct}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes()
}

fn plain(public: &str) -> String {
    format!("HTTP/1.1 {public}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n{public}")
}

fn api_error(status: &str, message: &str) -> String {
    let body = format!("{{\"message\":{}}}\n", serde_json::to_string(message).expect("json string"));
    format!("HTTP/1.1 {status}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nDocker-Experimental: false\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

const NOT_FOUND: &str = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 29\r\nConnection: close\r\n\r\n{\"message\":\"page not found\"}\n";
const PING_OK: &str = "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nCache-Control: no-cache, no-store, must-revalidate\r\nDocker-Experimental: false\r\nOstype: linux\r\nPragma: no-cache\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nOK";

/// (what, request bytes, the answer of real dockerd 20.10.24 without its Date header).
fn cases() -> Vec<(&'static str, Vec<u8>, String)> {
    let bad = plain("400 Bad Request");
    vec![
        ("garbage", b"garbage\r\n\r\n".to_vec(), bad.clone()),
        ("binary bytes", b"\x00\x01\x02\xff\xfe\r\n\r\n".to_vec(), bad.clone()),
        ("method only", b"GET\r\n\r\n".to_vec(), bad.clone()),
        ("no HTTP version", b"GET /_ping\r\n\r\n".to_vec(), bad.clone()),
        ("HTTP/9.9", b"GET /_ping HTTP/9.9\r\nHost: x\r\n\r\n".to_vec(), plain("505 HTTP Version Not Supported: unsupported protocol version")),
        ("target without /", b"GET _ping HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), bad.clone()),
        ("header line without colon", b"GET /_ping HTTP/1.1\r\nBadHeader\r\n\r\n".to_vec(), bad.clone()),
        ("no Host", b"GET /_ping HTTP/1.1\r\n\r\n".to_vec(), plain("400 Bad Request: missing required Host header")),
        ("bad Content-Length", b"POST /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}".to_vec(), bad.clone()),
        ("cut short", b"GET /_ping HTTP/1.1\r\nHo".to_vec(), bad.clone()),
        ("lowercase method", b"get /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), NOT_FOUND.into()),
        ("1 MiB header", huge_header(1 << 20), PING_OK.into()),
        ("2 MiB header", huge_header(2 << 20), plain("431 Request Header Fields Too Large")),
        ("unknown endpoint", b"GET /nosuch HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), NOT_FOUND.into()),
        ("unknown versioned endpoint", b"GET /v1.41/nosuch/thing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), NOT_FOUND.into()),
        ("unknown method", b"DELETE /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), NOT_FOUND.into()),
        ("bad JSON body", post("/v1.41/containers/create", Some("application/json"), "{bad js"), api_error("500 Internal Server Error", "invalid character 'b' looking for beginning of object key string")),
        ("empty JSON body", post("/v1.41/containers/create", Some("application/json"), ""), api_error("500 Internal Server Error", "EOF")),
        ("cut JSON body", post("/v1.41/containers/create", Some("application/json"), "{\"Image\":"), api_error("500 Internal Server Error", "unexpected EOF")),
        ("JSON array body", post("/v1.41/containers/create", Some("application/json"), "[]"), api_error("500 Internal Server Error", "json: cannot unmarshal array into Go value of type runconfig.ContainerConfigWrapper")),
        ("text body", post("/v1.41/containers/create", Some("text/plain"), "{}"), api_error("400 Bad Request", "Content-Type specified (text/plain) must be 'application/json'")),
        ("bad filters", b"GET /v1.41/containers/json?filters=%7Bbad HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), api_error("500 Internal Server Error", "invalid character 'b' looking for beginning of object key string")),
        ("API version too new", b"GET /v9.99/_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(), {
            let body = "{\"message\":\"client version 9.99 is too new. Maximum supported API version is 1.41\"}\n";
            format!("HTTP/1.1 400 Bad Request\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nOstype: linux\r\nServer: Docker/20.10.24+dfsg1 (linux)\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
        }),
    ]
}

fn real_dockerd() -> Option<&'static str> {
    let root = std::fs::read_to_string("/proc/self/status").ok()?.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
    if !root {
        eprintln!("SKIPPED (live comparison only): not root");
        return None;
    }
    match exchange(REAL, PING) {
        Some(r) if r.starts_with("HTTP/1.1 200") => Some(REAL),
        _ => {
            eprintln!("SKIPPED (live comparison only): real dockerd is not running at {REAL} (bash scripts/real-dockerd.sh start)");
            None
        }
    }
}

#[test]
fn malformed_requests_get_dockerds_answers_and_the_daemon_carries_on() {
    let d = start_daemon("malformed");
    let real = real_dockerd();
    let mut wrong = Vec::new();
    for (what, request, expected) in cases() {
        let got = exchange(&d.sock, &request).unwrap_or_default();
        if got != expected {
            wrong.push(format!("{what}: simulated daemon answered\n{got:?}\nexpected\n{expected:?}"));
        }
        if let Some(real) = real {
            let r = exchange(real, &request).unwrap_or_default();
            if r != expected {
                wrong.push(format!("{what}: real dockerd answered\n{r:?}\nexpected (the test's capture is out of date)\n{expected:?}"));
            }
        }
        // The daemon goes on serving after each.
        let after = exchange(&d.sock, PING).unwrap_or_default();
        assert_eq!(after, PING_OK, "after {what}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// 50 connections open at once, each asking for `/_ping` and then (same connection, kept
/// alive) `/containers/json`: every one gets both answers.
#[test]
fn fifty_clients_at_once() {
    let d = start_daemon("fifty");
    let n = 50;
    let barrier = Arc::new(Barrier::new(n));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let sock = d.sock.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || -> Result<(), String> {
                let mut s = UnixStream::connect(&sock).map_err(|e| format!("client {i}: connect: {e}"))?;
                s.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
                // Every client is connected before any sends.
                barrier.wait();
                let req = b"GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\nGET /v1.41/containers/json HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n";
                s.write_all(req).map_err(|e| format!("client {i}: write: {e}"))?;
                let mut out = Vec::new();
                s.read_to_end(&mut out).map_err(|e| format!("client {i}: read: {e}"))?;
                let text = String::from_utf8_lossy(&out);
                let answers: Vec<&str> = text.split("HTTP/1.1 ").skip(1).collect();
                if answers.len() != 2 || !answers[0].starts_with("200 OK") || !answers[0].ends_with("\r\n\r\nOK") || !answers[1].starts_with("200 OK") || !answers[1].ends_with("\r\n\r\n[]\n") {
                    return Err(format!("client {i}: {text:?}"));
                }
                Ok(())
            })
        })
        .collect();
    let results: Vec<Result<(), String>> = threads.into_iter().map(|t| t.join().unwrap_or_else(|_| Err("client thread panicked".into()))).collect();
    let failed: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(failed.is_empty(), "{} of {n} clients failed: {failed:?}", failed.len());
}
