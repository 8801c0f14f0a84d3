//! The Docker socket, readably: the exchanges of dockerd's socket log parsed back into
//! request lines, headers and bodies, JSON pretty-printed (in the order it was sent),
//! streams (chunked pull progress, multiplexed output, hijacked connections) summarized.
//!
//! The page shows the exchanges of the last command; a [`SocketMark`] taken before the
//! command says where they start. On a desktop profile the daemon is in the VM
//! (`kernel.guest.kernel.docker`), and the connections crossed from the Mac's socket to the
//! VM's (`kernel.guest.crossings`).

use serde::Serialize;

use crate::engine::{Dockerd, SocketExchange};
use crate::http::{Request, Response};
use crate::kernel::Kernel;

/// Body text shown at most, per body, before it is cut.
const MAX_BODY_TEXT: usize = 6000;
/// Messages of a stream shown at the start and at the end; the middle is counted.
const STREAM_HEAD: usize = 4;
const STREAM_TAIL: usize = 3;
/// Exchanges shown for one command (a long `docker compose up` sends many).
const MAX_EXCHANGES: usize = 40;

/// Where the socket log stood before a command: the exchanges and crossings after it are
/// the command's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SocketMark {
    pub exchanges: usize,
    pub crossings: usize,
}

impl SocketMark {
    /// The mark of the machine as it is now.
    pub fn of(k: &Kernel) -> SocketMark {
        SocketMark {
            exchanges: daemon(k).map(|(d, _)| d.socket_log.len()).unwrap_or(0),
            crossings: k.guest.as_deref().map(|g| g.crossings.len()).unwrap_or(0),
        }
    }
}

/// The daemon a machine's docker CLI talks to, and whether it is in the machine's VM.
pub fn daemon(k: &Kernel) -> Option<(&Dockerd, bool)> {
    match (&k.docker, &k.guest) {
        (Some(d), _) => Some((d, false)),
        (None, Some(g)) => g.kernel.docker.as_deref().map(|d| (d, true)),
        _ => None,
    }
}

/// What the socket panel shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SocketView {
    /// The machine has a Docker daemon (here or in its VM).
    pub has_daemon: bool,
    pub daemon_running: bool,
    /// The daemon runs in the machine's VM (a desktop profile).
    pub in_vm: bool,
    /// The exchanges of the last command, oldest first.
    pub exchanges: Vec<ExchangeView>,
    /// Exchanges of the last command left out (beyond the ones shown).
    pub more: usize,
    /// Exchanges before the last command.
    pub earlier: usize,
    /// The socket crossings of the last command, from the Mac to the VM, with how many
    /// connections took each.
    pub crossings: Vec<Crossing>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Crossing {
    pub host_path: String,
    pub guest_path: String,
    pub count: usize,
}

/// One request and its response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExchangeView {
    pub method: String,
    /// The request target as sent: `/v1.41/containers/json`.
    pub target: String,
    /// 0 when the response could not be read.
    pub status: u16,
    pub request: MessageView,
    pub response: MessageView,
    /// What a hijacked connection (`101 UPGRADED`: exec, attach) carried after the upgrade.
    pub stream: Option<BodyView>,
}

/// An HTTP message: its first line, headers and body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageView {
    pub start_line: String,
    pub headers: Vec<(String, String)>,
    pub body: BodyView,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    #[default]
    Empty,
    /// One JSON document, pretty-printed.
    Json,
    /// A stream of JSON messages (pull progress, events), one per chunk.
    JsonStream,
    /// Docker's multiplexed stdout/stderr frames (logs, attach without a TTY).
    Multiplexed,
    Text,
    Binary,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BodyView {
    pub kind: BodyKind,
    /// The body for reading: pretty JSON, the stream's first and last messages, text.
    pub text: String,
    pub bytes: usize,
    /// Chunks of a chunked body (0 when it was sent whole).
    pub chunks: usize,
    /// Messages (JSON documents, frames) of a stream.
    pub messages: usize,
    /// Messages left out of `text` in the middle of a stream.
    pub elided: usize,
}

impl SocketView {
    /// The socket as it is after the command that began at `mark`.
    pub fn since(k: &Kernel, mark: SocketMark) -> SocketView {
        let Some((d, in_vm)) = daemon(k) else { return SocketView::default() };
        let from = mark.exchanges.min(d.socket_log.len());
        let new = &d.socket_log[from..];
        let mut crossings: Vec<Crossing> = Vec::new();
        if let Some(g) = k.guest.as_deref() {
            for (h, gp) in g.crossings.iter().skip(mark.crossings) {
                match crossings.iter_mut().find(|c| c.host_path == *h && c.guest_path == *gp) {
                    Some(c) => c.count += 1,
                    None => crossings.push(Crossing { host_path: h.clone(), guest_path: gp.clone(), count: 1 }),
                }
            }
        }
        SocketView {
            has_daemon: true,
            daemon_running: d.running(),
            in_vm,
            exchanges: new.iter().take(MAX_EXCHANGES).map(exchange).collect(),
            more: new.len().saturating_sub(MAX_EXCHANGES),
            earlier: from,
            crossings,
        }
    }
}

/// One exchange of the log, parsed for reading.
pub fn exchange(e: &SocketExchange) -> ExchangeView {
    let (request, method, target) = match Request::parse(&e.request) {
        Ok((r, _)) => {
            let ctype = r.header("Content-Type").unwrap_or("").to_string();
            let body = body_view(&r.body, &ctype, &[]);
            let start = format!("{} {} HTTP/1.1", r.method, r.target);
            (MessageView { start_line: start, headers: r.headers, body }, r.method, r.target)
        }
        Err(_) => {
            let text = String::from_utf8_lossy(&e.request).into_owned();
            let first = text.lines().next().unwrap_or("").to_string();
            let mut parts = first.split(' ');
            let (m, t) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
            (raw_message(&e.request), m, t)
        }
    };
    let (response, status) = match Response::parse(&e.response) {
        Ok((r, _)) => {
            let ctype = r.header("Content-Type").unwrap_or("").to_string();
            let body = body_view(&r.body, &ctype, &r.chunks);
            let start = e.response.split(|b| *b == b'\r').next().map(|l| String::from_utf8_lossy(l).into_owned()).unwrap_or_default();
            (MessageView { start_line: start, headers: r.headers, body }, r.status)
        }
        Err(_) => (raw_message(&e.response), 0),
    };
    let stream = (!e.stream.is_empty()).then(|| stream_view(&e.stream));
    ExchangeView { method, target, status, request, response, stream }
}

fn raw_message(bytes: &[u8]) -> MessageView {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut lines = text.split("\r\n");
    let start = lines.next().unwrap_or("").to_string();
    MessageView { start_line: start, headers: Vec::new(), body: BodyView { kind: BodyKind::Text, text: cut(lines.collect::<Vec<_>>().join("\n")), bytes: bytes.len(), ..BodyView::default() } }
}

/// A body by its content type and content.
pub fn body_view(body: &[u8], content_type: &str, chunks: &[usize]) -> BodyView {
    let mut v = BodyView { bytes: body.len(), chunks: chunks.len(), ..BodyView::default() };
    if body.is_empty() {
        return v;
    }
    let ctype = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if ctype == "application/vnd.docker.multiplexed-stream" || (ctype.is_empty() && is_multiplexed(body)) {
        return multiplexed(body, v);
    }
    if ctype == "application/x-tar" || ctype == "application/octet-stream" {
        v.kind = BodyKind::Binary;
        v.text = format!("({} bytes)", body.len());
        return v;
    }
    if let Ok(text) = std::str::from_utf8(body) {
        if ctype.ends_with("json") || ctype.is_empty() {
            if is_json(text.trim()) {
                v.kind = BodyKind::Json;
                v.text = cut(pretty_json(text.trim()));
                return v;
            }
            // A stream: one JSON message per chunk, or per line.
            let messages: Vec<&str> = if chunks.len() > 1 { split_chunks(text, chunks) } else { text.lines().collect() };
            let messages: Vec<&str> = messages.into_iter().map(str::trim).filter(|m| !m.is_empty()).collect();
            if messages.len() > 1 && messages.iter().all(|m| is_json(m)) {
                v.kind = BodyKind::JsonStream;
                v.messages = messages.len();
                let (shown, elided) = head_tail(&messages);
                v.elided = elided;
                v.text = cut(shown);
                return v;
            }
        }
        v.kind = BodyKind::Text;
        v.text = cut(text.to_string());
        return v;
    }
    v.kind = BodyKind::Binary;
    v.text = format!("({} bytes)", body.len());
    v
}

/// What a hijacked connection carried: Docker's frames, or a terminal's raw bytes.
fn stream_view(bytes: &[u8]) -> BodyView {
    let v = BodyView { bytes: bytes.len(), ..BodyView::default() };
    if is_multiplexed(bytes) {
        return multiplexed(bytes, v);
    }
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    let (shown, elided) = head_tail(&lines);
    BodyView { kind: BodyKind::Text, text: cut(super::screen::Screen::of(&shown).text()), messages: lines.len(), elided, ..v }
}

fn split_chunks<'a>(text: &'a str, chunks: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    for &n in chunks {
        match text.get(at..at + n) {
            Some(s) => out.push(s),
            None => return text.lines().collect(),
        }
        at += n;
    }
    out
}

/// The first and last few of `items`, one per line, with the count of those between.
fn head_tail(items: &[&str]) -> (String, usize) {
    if items.len() <= STREAM_HEAD + STREAM_TAIL + 1 {
        return (items.join("\n"), 0);
    }
    let elided = items.len() - STREAM_HEAD - STREAM_TAIL;
    let mut out: Vec<String> = items[..STREAM_HEAD].iter().map(|s| s.to_string()).collect();
    out.push(format!("… {elided} more …"));
    out.extend(items[items.len() - STREAM_TAIL..].iter().map(|s| s.to_string()));
    (out.join("\n"), elided)
}

/// Whether `bytes` look like Docker's stream frames: `[stream, 0, 0, 0, size (4 bytes BE)]`.
fn is_multiplexed(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    let mut frames = 0;
    while !rest.is_empty() {
        if rest.len() < 8 || rest[0] > 2 || rest[1..4] != [0, 0, 0] {
            return false;
        }
        let size = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let Some(end) = size.checked_add(8).filter(|e| *e <= rest.len()) else { return false };
        rest = &rest[end..];
        frames += 1;
    }
    frames > 0
}

fn multiplexed(bytes: &[u8], mut v: BodyView) -> BodyView {
    let mut rest = bytes;
    let mut lines: Vec<String> = Vec::new();
    let mut frames = 0;
    while rest.len() >= 8 {
        let size = u32::from_be_bytes([rest[4], rest[5], rest[6], rest[7]]) as usize;
        let name = match rest[0] {
            0 => "stdin",
            1 => "stdout",
            _ => "stderr",
        };
        let end = size.saturating_add(8).min(rest.len());
        let payload = String::from_utf8_lossy(&rest[8..end]);
        let shown = super::screen::Screen::of(&payload).text();
        lines.push(format!("[{name} {size} B] {}", shown.replace('\n', "⏎")));
        rest = &rest[end..];
        frames += 1;
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let (shown, elided) = head_tail(&refs);
    v.kind = BodyKind::Multiplexed;
    v.messages = frames;
    v.elided = elided;
    v.text = cut(shown);
    v
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_BODY_TEXT {
        let mut end = MAX_BODY_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push_str("\n…");
    }
    s
}

fn is_json(s: &str) -> bool {
    (s.starts_with('{') || s.starts_with('[')) && serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok()
}

/// JSON re-indented by two spaces, keys in the order they were sent. Expects valid JSON.
pub fn pretty_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut depth: usize = 0;
    let mut in_str = false;
    let mut escaped = false;
    let mut chars = s.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Empty containers stay on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Profile, Terminal, TerminalConfig};

    fn after(profile: Profile, lines: &[&str]) -> (Terminal, SocketMark) {
        let mut t = Terminal::new(profile, TerminalConfig::default());
        let mut now = profile.session_start();
        let mut mark = SocketMark::default();
        for l in lines {
            mark = SocketMark::of(&t.kernel);
            now += 1;
            t.run(l, now);
        }
        (t, mark)
    }

    #[test]
    fn pretty_json_keeps_key_order() {
        assert_eq!(pretty_json(r#"{"b":1,"a":[1,{"x":"y, z: {"}],"e":{},"f":[]}"#), "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    {\n      \"x\": \"y, z: {\"\n    }\n  ],\n  \"e\": {},\n  \"f\": []\n}");
        assert_eq!(pretty_json(r#"["a\"]"]"#), "[\n  \"a\\\"]\"\n]");
    }

    #[test]
    fn docker_ps_is_one_get_of_containers_json() {
        let (t, mark) = after(Profile::Linux, &["docker run -d --name nginx -p 8080:80 nginx:1.21-alpine", "docker ps"]);
        let v = SocketView::since(&t.kernel, mark);
        assert!(v.has_daemon && v.daemon_running && !v.in_vm);
        assert!(v.earlier > 0);
        let targets: Vec<String> = v.exchanges.iter().map(|e| format!("{} {}", e.method, e.target)).collect();
        assert!(targets.contains(&"GET /v1.41/containers/json".to_string()), "{targets:?}");
        let get = v.exchanges.iter().find(|e| e.target == "/v1.41/containers/json").expect("the list");
        assert_eq!(get.status, 200);
        assert_eq!(get.request.start_line, "GET /v1.41/containers/json HTTP/1.1");
        assert!(get.request.headers.iter().any(|(n, _)| n == "User-Agent"));
        assert_eq!(get.response.body.kind, BodyKind::Json);
        assert!(get.response.body.text.starts_with("[\n  {\n    \"Id\": \""), "{}", get.response.body.text);
        assert!(get.response.body.text.contains("\"Names\": [\n      \"/nginx\"\n    ]"), "{}", get.response.body.text);
    }

    #[test]
    fn a_pull_is_a_summarized_json_stream() {
        let (t, mark) = after(Profile::Linux, &["docker pull nginx:1.21-alpine"]);
        let v = SocketView::since(&t.kernel, mark);
        let pull = v.exchanges.iter().find(|e| e.target.contains("/images/create")).expect("the pull");
        assert_eq!(pull.method, "POST");
        let b = &pull.response.body;
        assert_eq!(b.kind, BodyKind::JsonStream, "{b:?}");
        assert!(b.messages > 10 && b.elided > 0 && b.chunks > 1, "{b:?}");
        assert!(b.text.contains("Pulling from library/nginx"), "{}", b.text);
        assert!(b.text.contains("Downloaded newer image"), "{}", b.text);
        assert!(b.text.contains(&format!("… {} more …", b.elided)));
    }

    #[test]
    fn exec_shows_the_upgrade() {
        let (t, mark) = after(Profile::Linux, &["docker run -d --name nginx nginx:1.21-alpine", "docker exec nginx ps"]);
        let v = SocketView::since(&t.kernel, mark);
        let start = v.exchanges.iter().find(|e| e.target.ends_with("/start") && e.target.contains("/exec/")).expect("exec start");
        assert_eq!(start.status, 101, "{start:?}");
        assert!(start.response.headers.iter().any(|(n, v)| n == "Upgrade" && v == "tcp"), "{start:?}");
        let stream = start.stream.as_ref().expect("the stream");
        assert!(stream.text.contains("nginx: master process"), "{stream:?}");
    }

    #[test]
    fn the_daemon_down_leaves_no_exchange() {
        let (t, mark) = after(Profile::Linux, &["sudo systemctl stop docker.socket docker", "docker ps"]);
        let v = SocketView::since(&t.kernel, mark);
        assert!(v.has_daemon && !v.daemon_running);
        assert!(v.exchanges.is_empty());
    }

    #[test]
    fn desktop_exchanges_are_read_in_the_vm_with_the_crossing() {
        for p in [Profile::DockerDesktopMac, Profile::RancherDesktopM1] {
            let (t, mark) = after(p, &["docker ps"]);
            let v = SocketView::since(&t.kernel, mark);
            assert!(v.in_vm && v.daemon_running, "{p:?}");
            assert!(v.exchanges.iter().any(|e| e.target == "/v1.41/containers/json"), "{p:?}: {:?}", v.exchanges);
            assert_eq!(v.crossings.len(), 1, "{p:?}: {:?}", v.crossings);
            let c = &v.crossings[0];
            assert!(c.host_path.ends_with(".sock") && c.guest_path == "/var/run/docker.sock", "{c:?}");
            assert!(c.count >= 1);
        }
    }

    #[test]
    fn multiplexed_frames_are_named() {
        let mut b = vec![1, 0, 0, 0, 0, 0, 0, 3];
        b.extend_from_slice(b"hi\n");
        b.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 2]);
        b.extend_from_slice(b"oh");
        let v = body_view(&b, "application/vnd.docker.multiplexed-stream", &[]);
        assert_eq!(v.kind, BodyKind::Multiplexed);
        assert_eq!(v.text, "[stdout 3 B] hi\n[stderr 2 B] oh");
    }

    #[test]
    fn a_frame_longer_than_the_body_is_cut() {
        let b = [1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, b'x'];
        let v = body_view(&b, "application/vnd.docker.multiplexed-stream", &[]);
        assert_eq!(v.text, "[stdout 4294967295 B] x");
        assert_eq!(body_view(&b, "", &[]).kind, BodyKind::Binary);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(request in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
                                       body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
                                       ctype in "(application/json|application/vnd.docker.multiplexed-stream|text/plain|)") {
            let mut response = format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            response.extend_from_slice(&body);
            let _ = exchange(&SocketExchange { request: request.clone(), response, stream: body.clone() });
            let _ = exchange(&SocketExchange { request: body.clone(), response: request, stream: Vec::new() });
            let _ = body_view(&body, &ctype, &[1, 2, 3, body.len()]);
        }
    }

    #[test]
    fn garbage_is_shown_raw() {
        let e = SocketExchange { request: b"\xff\xfe nonsense".to_vec(), response: b"HTTP/1.1 999".to_vec(), stream: vec![0xff; 3] };
        let v = exchange(&e);
        assert_eq!(v.status, 0);
        assert!(v.stream.is_some());
    }
}
