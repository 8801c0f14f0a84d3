//! The docker CLI never panics: arbitrary command lines (docker's words, flags, templates and
//! random text) against a daemon that answers with arbitrary statuses, headers and bytes
//! (truncated JSON, garbage streams, wrong content types), on and off a terminal.

use proptest::prelude::*;
use sim_core::client::transport::{ConnectError, DockerTransport, PendingId, StreamId};
use sim_core::http::{Request, Response};
use sim_core::shell::Shell;
use sim_core::utils::{Ctx, Io};

const WORDS: &[&str] = &[
    "ps", "-a", "-q", "--no-trunc", "--format", "{{.ID}}", "{{json .}}", "table {{.Names}}\\t{{.Status}}", "{{range .X}}", "{{.Nope",
    "json", "images", "image", "ls", "inspect", "-f", "{{.State.Pid}}", "{{index .Config.Cmd 0}}", "{{if .A}}x{{else}}y{{end}}",
    "history", "pull", "alpine", "alpine:3.15", "nginx:1.21-alpine", "Bad:1", "rmi", "tag", "save", "-o", "/tmp/x.tar", "load", "-i",
    "import", "-", "run", "-d", "-it", "-i", "-t", "--rm", "--name", "web", "-p", "8080:80", "80", "127.0.0.1:1:2/udp", "abc:def",
    "-e", "A=1", "HOME", "-w", "/tmp", "-u", "nobody", "--entrypoint", "", "--hostname", "h", "--network", "net", "--platform",
    "linux/amd64", "--pull", "never", "always", "create", "start", "stop", "-t", "1", "kill", "-s", "HUP", "restart", "rm", "-f",
    "logs", "--tail", "2", "--since", "10m", "exec", "sh", "-c", "echo hi", "top", "port", "80/tcp", "rename", "wait", "network",
    "create", "connect", "disconnect", "version", "info", "--help", "-h", "help", "container", "-H", "tcp://1.2.3.4:2375", "--",
    "-z", "--nosuch", "--last=x", "-n", "é", "\t", "",
];

/// Status, headers, body.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// A daemon answering from a list of arbitrary responses, in turn.
struct Chaos {
    answers: Vec<Answer>,
    n: usize,
    fail_at: Option<usize>,
}

impl Chaos {
    fn next(&mut self) -> Result<Response, ConnectError> {
        self.n += 1;
        if Some(self.n) == self.fail_at {
            return Err(ConnectError::PermissionDenied);
        }
        if self.answers.is_empty() {
            return Err(ConnectError::NotRunning);
        }
        let (status, headers, body) = self.answers[self.n % self.answers.len()].clone();
        let mut r = Response::new(status);
        r.headers = headers;
        r.body = body;
        Ok(r)
    }
}

impl DockerTransport for Chaos {
    fn roundtrip(&mut self, _req: &Request) -> Result<Response, ConnectError> {
        self.next()
    }
    fn hijack(&mut self, _req: &Request) -> Result<(Response, StreamId), ConnectError> {
        let r = self.next()?;
        Ok((r, self.n))
    }
    fn read_stream(&mut self, stream: StreamId) -> Vec<u8> {
        self.answers.get(stream % self.answers.len().max(1)).map(|a| a.2.clone()).unwrap_or_default()
    }
    fn write_stream(&mut self, _stream: StreamId, _data: &[u8]) {}
    fn close_write(&mut self, _stream: StreamId) {}
    fn take_terminal(&mut self, _stream: StreamId) -> Option<Box<Shell>> {
        None
    }
    fn send(&mut self, _req: &Request) -> Result<PendingId, ConnectError> {
        self.next().map(|_| self.n)
    }
    fn receive(&mut self, _id: PendingId) -> Result<Response, ConnectError> {
        self.next()
    }
    fn abandon(&mut self, _id: PendingId) {}
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        Just(b"{\"Id\":\"abc\",\"Warnings\":[\"w\"]}\n".to_vec()),
        Just(b"[{\"Id\":\"x\",\"Names\":[\"/a\"],\"Ports\":[{\"IP\":\"::\",\"PrivatePort\":80,\"PublicPort\":1,\"Type\":\"tcp\"}],\"Created\":-5}]".to_vec()),
        Just(b"[{\"Id\":\"sha256:x\",\"RepoTags\":[\"a:1\",\"<none>:<none>\"],\"RepoDigests\":[\"a@sha256:0\"],\"Size\":-1}]".to_vec()),
        Just(b"{\"status\":\"Pulling\",\"progressDetail\":{\"current\":5,\"total\":2,\"start\":1},\"id\":\"l\"}{\"errorDetail\":{\"message\":\"x\"}}".to_vec()),
        Just(b"\x01\x00\x00\x00\x00\x00\x00\x03hi\n\x02\x00\x00\x00\xff\xff\xff\xff".to_vec()),
        Just(b"{\"message\":\"No such container: x\"}".to_vec()),
        Just(b"{\"StatusCode\":300,\"Error\":{\"Message\":\"m\"}}".to_vec()),
        Just(b"{\"Titles\":[\"A\"],\"Processes\":[[\"1\",\"2\"],[]]}".to_vec()),
        "\\PC{0,60}".prop_map(|s| s.into_bytes()),
    ]
}

fn answer_strategy() -> impl Strategy<Value = Answer> {
    (
        prop_oneof![Just(200u16), Just(201), Just(204), Just(101), Just(404), Just(409), Just(500), 0u16..700],
        prop_oneof![
            Just(vec![("Api-Version".to_string(), "1.41".to_string()), ("Content-Type".to_string(), "application/json".to_string())]),
            Just(vec![("Api-Version".to_string(), "9.99".to_string())]),
            Just(vec![]),
        ],
        body_strategy(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn docker_never_panics(
        words in prop::collection::vec(prop::sample::select(WORDS), 0..9),
        extra in "\\PC{0,20}",
        answers in prop::collection::vec(answer_strategy(), 0..6),
        fail_at in prop::option::of(1usize..6),
        tty in any::<bool>(),
        cols in 0usize..200,
        stdin in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let (mut k, pid) = sim_core::host::linux::boot(1);
        let mut argv = vec!["docker".to_string()];
        argv.extend(words.iter().map(|w| w.to_string()));
        if !extra.is_empty() {
            argv.push(extra);
        }
        let io = if tty {
            Io { stdin_tty: true, err_to_out: true, tty_out: true, cols, ..Io::default() }
        } else {
            Io { stdin, cols, ..Io::default() }
        };
        let mut ctx = Ctx { k: &mut k, pid, argv, env: vec![("HOME".into(), "/root".into())], io };
        let mut t = Chaos { answers, n: 0, fail_at };
        let _ = sim_core::client::run(&mut ctx, &mut t);
    }

    #[test]
    fn raw_daemon_bytes_never_panic(
        words in prop::collection::vec(prop::sample::select(WORDS), 1..7),
        raw in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..5),
        prefix in prop::sample::select(&["HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n", "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", ""][..]),
    ) {
        // Whatever bytes the socket carries, as `http::Response::parse` makes them a response.
        let answers: Vec<Answer> = raw
            .iter()
            .filter_map(|b| {
                let mut bytes = prefix.as_bytes().to_vec();
                bytes.extend_from_slice(b);
                Response::parse(&bytes).ok().map(|(r, _)| (r.status, r.headers, r.body))
            })
            .collect();
        let (mut k, pid) = sim_core::host::linux::boot(1);
        let mut argv = vec!["docker".to_string()];
        argv.extend(words.iter().map(|w| w.to_string()));
        let mut ctx = Ctx { k: &mut k, pid, argv, env: vec![], io: Io { cols: 80, ..Io::default() } };
        let mut t = Chaos { answers, n: 0, fail_at: None };
        let _ = sim_core::client::run(&mut ctx, &mut t);
    }

    #[test]
    fn templates_never_panic(t in "\\PC{0,40}", words in prop::collection::vec(prop::sample::select(WORDS), 0..5)) {
        let text = format!("{t}{}", words.join(" "));
        if let Ok(tmpl) = sim_core::client::template::Template::parse(&text) {
            let doc = sim_core::client::json::parse(br#"{"A":{"B":[1,"x",null,{"C":true}]},"Labels":{"k":"v"},"N":null}"#).expect("json");
            let _ = tmpl.inspect(&doc, sim_core::client::template::Typing::Container);
        }
    }
}
