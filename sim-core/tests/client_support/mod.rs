//! Replays captures of the real docker CLI talking to the real dockerd
//! (tests/reference/docker/proxy*/NAME.raw.jsonl + NAME.txt): a transport that answers the
//! simulated CLI with the daemon's captured bytes and records what the CLI sends, and the
//! parsing of the capture's command, stdout, stderr and exit status.

#![allow(dead_code)]

use sim_core::client::transport::{ConnectError, DockerTransport, PendingId, StreamId};
use sim_core::http::{Request, Response};
use sim_core::shell::Shell;
use std::path::PathBuf;

pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/reference/docker")
}

fn b64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a' + 26) as u32,
            b'0'..=b'9' => (c - b'0' + 52) as u32,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        })
    };
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// One request and its answer, as captured.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub t: f64,
    pub conn: u64,
    pub req_bytes: Vec<u8>,
    pub req: Request,
    pub resp: Option<Response>,
    /// After a `101`: what dockerd sent on the stream, and what the CLI sent.
    pub stream_out: Vec<u8>,
    pub stream_in: Vec<u8>,
}

/// A capture: its exchanges in the order the CLI sent the requests, and the command's
/// outputs.
pub struct Capture {
    pub name: String,
    pub command: String,
    pub exchanges: Vec<Exchange>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit: i32,
    /// The daemon's clock (the latest `Date:` it sent), Unix seconds.
    pub now: i64,
}

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b't' => out.push(b'\t'),
                b'\\' => out.push(b'\\'),
                b'x' if i + 3 < b.len() => {
                    let h = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("00");
                    out.push(u8::from_str_radix(h, 16).unwrap_or(0));
                    i += 4;
                    continue;
                }
                c => {
                    out.push(b'\\');
                    out.push(c);
                }
            }
            i += 2;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `Sat, 28 Nov 2026 23:47:29 GMT` to Unix seconds.
fn http_date(s: &str) -> Option<i64> {
    let p: Vec<&str> = s.split_whitespace().collect();
    let day: i64 = p.get(1)?.parse().ok()?;
    let mname = *p.get(2)?;
    let mon = MONTHS.iter().position(|m| *m == mname)? as i64 + 1;
    let year: i64 = p.get(3)?.parse().ok()?;
    let hms: Vec<i64> = p.get(4)?.split(':').filter_map(|x| x.parse().ok()).collect();
    let days = sim_core::clock::days_from_civil(year, mon as u32, day as u32);
    Some(days * 86_400 + hms.first()? * 3600 + hms.get(1)? * 60 + hms.get(2)?)
}

pub fn load(dir: &str, name: &str) -> Capture {
    let base = reference_dir().join(dir);
    let raw = std::fs::read_to_string(base.join(format!("{name}.raw.jsonl"))).expect("raw capture");
    let txt = std::fs::read_to_string(base.join(format!("{name}.txt"))).expect("rendered capture");
    // Per connection: the bytes each way, with the time each byte arrived.
    #[derive(Default)]
    struct Conn {
        c2s: Vec<u8>,
        c2s_t: Vec<(usize, f64)>,
        s2c: Vec<u8>,
    }
    let mut conns: std::collections::BTreeMap<u64, Conn> = Default::default();
    for line in raw.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json line");
        let conn = v["conn"].as_u64().unwrap_or(0);
        let t = v["t"].as_f64().unwrap_or(0.0);
        let data = b64(v["data"].as_str().unwrap_or(""));
        let c = conns.entry(conn).or_default();
        match v["dir"].as_str().unwrap_or("") {
            "c2s" => {
                c.c2s_t.push((c.c2s.len(), t));
                c.c2s.extend_from_slice(&data);
            }
            "s2c" => c.s2c.extend_from_slice(&data),
            _ => {}
        }
    }
    let mut exchanges = Vec::new();
    let mut now = 0;
    for (id, c) in &conns {
        let (mut ci, mut si) = (0usize, 0usize);
        while ci < c.c2s.len() {
            let Ok((req, used)) = Request::parse(&c.c2s[ci..]) else { break };
            let t = c.c2s_t.iter().rev().find(|(off, _)| *off <= ci).map(|(_, t)| *t).unwrap_or(0.0);
            let req_bytes = c.c2s[ci..ci + used].to_vec();
            ci += used;
            let resp = if req.method == "HEAD" {
                // A HEAD answer has no body whatever its Content-Length says.
                match Response::parse(&c.s2c[si..]) {
                    Ok((mut r, _)) => {
                        let end = c.s2c[si..].windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4).unwrap_or(0);
                        si += end;
                        r.body.clear();
                        Some(r)
                    }
                    Err(_) => None,
                }
            } else {
                match Response::parse(&c.s2c[si..]) {
                    Ok((r, used)) => {
                        si += used;
                        Some(r)
                    }
                    Err(_) => None,
                }
            };
            if let Some(r) = &resp {
                if let Some(d) = r.header("Date").and_then(http_date) {
                    now = now.max(d);
                }
            }
            let hijacked = resp.as_ref().map(|r| r.status == 101).unwrap_or(false);
            let mut ex = Exchange { t, conn: *id, req_bytes, req, resp, stream_out: Vec::new(), stream_in: Vec::new() };
            if hijacked {
                ex.stream_out = c.s2c[si..].to_vec();
                ex.stream_in = c.c2s[ci..].to_vec();
                exchanges.push(ex);
                break;
            }
            exchanges.push(ex);
        }
    }
    exchanges.sort_by(|a, b| a.t.partial_cmp(&b.t).unwrap_or(std::cmp::Ordering::Equal));
    let mut command = String::new();
    let (mut stdout, mut stderr, mut exit) = (Vec::new(), Vec::new(), 0);
    for l in txt.lines() {
        if let Some(c) = l.strip_prefix("# command: ") {
            command = c.to_string();
        } else if let Some(s) = l.strip_prefix("## command stdout (escaped): ") {
            stdout = unescape(s);
        } else if let Some(s) = l.strip_prefix("## command stderr (escaped): ") {
            stderr = unescape(s);
        } else if l.starts_with("# command ran from") {
            exit = l.rsplit("exit ").next().and_then(|x| x.trim().parse().ok()).unwrap_or(-1);
        }
    }
    Capture { name: name.to_string(), command, exchanges, stdout, stderr, exit, now }
}

/// Splits a simple shell command line: words, '...', "..." (with \ escapes).
pub fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut have = false;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            ' ' | '\t' => {
                if have {
                    out.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
            '\'' => {
                have = true;
                for d in it.by_ref() {
                    if d == '\'' {
                        break;
                    }
                    cur.push(d);
                }
            }
            '"' => {
                have = true;
                while let Some(d) = it.next() {
                    match d {
                        '"' => break,
                        '\\' => {
                            if let Some(&n) = it.peek() {
                                if matches!(n, '"' | '\\' | '$' | '`') {
                                    cur.push(n);
                                    it.next();
                                    continue;
                                }
                            }
                            cur.push('\\');
                        }
                        d => cur.push(d),
                    }
                }
            }
            '\\' => {
                have = true;
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            c => {
                have = true;
                cur.push(c);
            }
        }
    }
    if have {
        out.push(cur);
    }
    out
}

/// A transport that answers with the captured daemon bytes, in the captured order, and
/// records what the CLI does.
pub struct Replay {
    pub exchanges: Vec<Exchange>,
    pub next: usize,
    /// Requests the CLI sent, emitted to bytes.
    pub sent: Vec<Vec<u8>>,
    /// Bytes the CLI wrote into each stream, and whether it half-closed.
    pub written: Vec<(StreamId, Vec<u8>)>,
    pub closed: Vec<StreamId>,
    pub abandoned: Vec<PendingId>,
    read: Vec<StreamId>,
    used: Vec<usize>,
    pending: Vec<(PendingId, Option<Response>)>,
}

impl Replay {
    pub fn new(c: &Capture) -> Replay {
        Replay {
            exchanges: c.exchanges.clone(),
            next: 0,
            sent: Vec::new(),
            written: Vec::new(),
            closed: Vec::new(),
            abandoned: Vec::new(),
            read: Vec::new(),
            used: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The captured exchange answering this request: the first unanswered one with the
    /// same method and target (parallel requests may be captured in another order), else the
    /// next unanswered one.
    fn take(&mut self, req: &Request) -> Option<usize> {
        self.sent.push(req.emit());
        let free = |i: &usize| !self.used.contains(i);
        let same = (0..self.exchanges.len()).filter(free).find(|&i| self.exchanges[i].req.method == req.method && self.exchanges[i].req.target == req.target);
        let pick = same.or_else(|| (0..self.exchanges.len()).find(free))?;
        self.used.push(pick);
        self.next += 1;
        Some(pick)
    }
}

impl DockerTransport for Replay {
    fn roundtrip(&mut self, req: &Request) -> Result<Response, ConnectError> {
        match self.take(req) {
            Some(i) => self.exchanges[i].resp.clone().ok_or(ConnectError::NotRunning),
            None => Err(ConnectError::NotRunning),
        }
    }
    fn hijack(&mut self, req: &Request) -> Result<(Response, StreamId), ConnectError> {
        match self.take(req) {
            Some(i) => match self.exchanges[i].resp.clone() {
                Some(r) => Ok((r, i)),
                None => Err(ConnectError::NotRunning),
            },
            None => Err(ConnectError::NotRunning),
        }
    }
    fn read_stream(&mut self, stream: StreamId) -> Vec<u8> {
        if self.read.contains(&stream) {
            return Vec::new();
        }
        self.read.push(stream);
        self.exchanges.get(stream).map(|e| e.stream_out.clone()).unwrap_or_default()
    }
    fn write_stream(&mut self, stream: StreamId, data: &[u8]) {
        match self.written.iter_mut().find(|(s, _)| *s == stream) {
            Some((_, v)) => v.extend_from_slice(data),
            None => self.written.push((stream, data.to_vec())),
        }
    }
    fn close_write(&mut self, stream: StreamId) {
        self.closed.push(stream);
    }
    fn take_terminal(&mut self, _stream: StreamId) -> Option<Box<Shell>> {
        None
    }
    fn send(&mut self, req: &Request) -> Result<PendingId, ConnectError> {
        match self.take(req) {
            Some(i) => {
                self.pending.push((i, self.exchanges[i].resp.clone()));
                Ok(i)
            }
            None => Err(ConnectError::NotRunning),
        }
    }
    fn receive(&mut self, id: PendingId) -> Result<Response, ConnectError> {
        self.pending.iter().find(|(p, _)| *p == id).and_then(|(_, r)| r.clone()).ok_or(ConnectError::NotRunning)
    }
    fn abandon(&mut self, id: PendingId) {
        self.abandoned.push(id);
    }
}

/// Bytes for a failure message: escaped so that a diff is readable.
pub fn show(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b {
        match c {
            b'\n' => s.push_str("\\n\n"),
            b'\r' => s.push_str("\\r"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s
}
