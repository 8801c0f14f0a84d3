//! Reading requests off a real socket as dockerd's HTTP server (Go 1.19's net/http) reads
//! them, and refusing what it refuses with its bytes: a request it cannot parse gets
//! `400 Bad Request` (no details), a header block over `MaxHeaderBytes` (1 MiB + 4096) gets
//! `431`, an HTTP major version other than 1 gets `505`, an HTTP/1.1 request without Host
//! gets `400 Bad Request: missing required Host header`; then the connection closes.
//! Checked against real dockerd 20.10 in `tests/daemon_robustness.rs`.

use std::io::Read;

use sim_core::http::{HttpError, Request, Response};

/// Go's `http.DefaultMaxHeaderBytes` plus the 4096 bytes of slack its server allows.
pub const MAX_HEADER_BYTES: usize = (1 << 20) + 4096;

/// Why a connection ends without the request reaching the daemon.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `400 Bad Request`, with Go's detail for the few errors it details.
    BadRequest(Option<&'static str>),
    HeaderTooLarge,
    VersionNotSupported,
    /// The peer went away or the read failed: nothing to answer.
    Gone,
}

impl Refusal {
    /// What Go's server writes before closing (`HTTP/1.1 ` + error + headers + error).
    pub fn bytes(&self) -> Vec<u8> {
        let public = match self {
            Refusal::BadRequest(None) => "400 Bad Request".to_string(),
            Refusal::BadRequest(Some(detail)) => format!("400 Bad Request: {detail}"),
            Refusal::HeaderTooLarge => "431 Request Header Fields Too Large".to_string(),
            Refusal::VersionNotSupported => "505 HTTP Version Not Supported: unsupported protocol version".to_string(),
            Refusal::Gone => return Vec::new(),
        };
        format!("HTTP/1.1 {public}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n{public}").into_bytes()
    }
}

/// Go's `ParseHTTPVersion`: "HTTP/1.0", "HTTP/1.1", or "HTTP/X.Y" with one digit each.
fn http_version(v: &str) -> Option<(u32, u32)> {
    match v {
        "HTTP/1.1" => return Some((1, 1)),
        "HTTP/1.0" => return Some((1, 0)),
        _ => {}
    }
    let b = v.strip_prefix("HTTP/")?.as_bytes();
    if b.len() != 3 || b[1] != b'.' || !b[0].is_ascii_digit() || !b[2].is_ascii_digit() {
        return None;
    }
    Some(((b[0] - b'0') as u32, (b[2] - b'0') as u32))
}

/// The checks Go makes on the request line and Host before the handler sees the request.
fn check_head(head: &[u8]) -> Result<(), Refusal> {
    let text = std::str::from_utf8(head).map_err(|_| Refusal::BadRequest(None))?;
    let mut lines = text.split("\r\n");
    let start = lines.next().unwrap_or("");
    let parts: Vec<&str> = start.splitn(3, ' ').collect();
    let [method, target, proto] = parts[..] else { return Err(Refusal::BadRequest(None)) };
    let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if method.is_empty() || !method.chars().all(tchar) || !target.starts_with('/') {
        return Err(Refusal::BadRequest(None));
    }
    let (major, minor) = http_version(proto).ok_or(Refusal::BadRequest(None))?;
    if major != 1 {
        return Err(Refusal::VersionNotSupported);
    }
    // textproto: every header line is `Name: value`, the name without spaces.
    let lines: Vec<&str> = lines.collect();
    if lines.iter().any(|l| l.split_once(':').is_none_or(|(n, _)| n.is_empty() || n.contains([' ', '\t']))) {
        return Err(Refusal::BadRequest(None));
    }
    let hosts = lines.iter().filter(|l| l.split_once(':').is_some_and(|(n, _)| n.eq_ignore_ascii_case("host"))).count();
    match hosts {
        0 if minor >= 1 => Err(Refusal::BadRequest(Some("missing required Host header"))),
        n if n > 1 => Err(Refusal::BadRequest(Some("too many Host headers"))),
        _ => Ok(()),
    }
}

/// Reads one request (head and body); Ok(None) at a clean end of the connection. `buf` keeps
/// bytes read past this request (a pipelined next one).
pub fn read_request(conn: &mut impl Read, buf: &mut Vec<u8>) -> Result<Option<Request>, Refusal> {
    let mut scanned: usize = 0;
    let mut head_checked = false;
    loop {
        if !head_checked {
            let from = scanned.saturating_sub(3);
            match buf[from..].windows(4).position(|w| w == b"\r\n\r\n").map(|i| from + i) {
                Some(end) if end + 4 > MAX_HEADER_BYTES => return Err(Refusal::HeaderTooLarge),
                Some(end) => {
                    check_head(&buf[..end])?;
                    head_checked = true;
                }
                None if buf.len() > MAX_HEADER_BYTES => return Err(Refusal::HeaderTooLarge),
                None => scanned = buf.len(),
            }
        }
        if head_checked {
            match Request::parse(buf) {
                Ok((req, used)) => {
                    buf.drain(..used);
                    return Ok(Some(req));
                }
                Err(HttpError::Incomplete) => {}
                Err(_) => return Err(Refusal::BadRequest(None)),
            }
        }
        let mut chunk = [0u8; 65536];
        let n = conn.read(&mut chunk).map_err(|_| Refusal::Gone)?;
        if n == 0 {
            // Go answers a request cut short with 400 and says nothing to a quiet hang-up.
            return if buf.is_empty() { Ok(None) } else { Err(Refusal::BadRequest(None)) };
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The client asked to close after this exchange (`Connection: close`, or HTTP/1.0 without
/// keep-alive): Go says so in the response and closes.
pub fn wants_close(req: &Request) -> bool {
    let conn = req.header("Connection").unwrap_or("");
    let has = |t: &str| conn.split(',').any(|x| x.trim().eq_ignore_ascii_case(t));
    has("close")
}

/// Adds `Connection: close` where Go's server writes it: after Date and Content-Length,
/// before Transfer-Encoding.
pub fn mark_close(resp: &mut Response) {
    let at = resp.headers.iter().position(|(n, _)| n.eq_ignore_ascii_case("Transfer-Encoding")).unwrap_or(resp.headers.len());
    resp.headers.insert(at, ("Connection".into(), "close".into()));
}

/// Waits (at most `limit`) until the peer has read everything written so far (the unix
/// socket's send queue, SIOCOUTQ, is empty). A hijacked stream's first bytes then never share
/// a read with the 101 head: clients such as docker-py read the head through a buffer and
/// the stream from the raw socket, losing what the buffer took, and a real process's output
/// comes only after runc has started it.
pub fn wait_until_read(conn: &std::os::unix::net::UnixStream, limit: std::time::Duration) {
    use std::os::fd::AsRawFd;
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        let mut queued: libc::c_int = 0;
        // SAFETY: TIOCOUTQ (== SIOCOUTQ) writes one int through the pointer we pass.
        let rc = unsafe { libc::ioctl(conn.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
        if rc != 0 || queued == 0 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Option<Request>, Refusal> {
        let mut buf = Vec::new();
        read_request(&mut &bytes[..], &mut buf)
    }

    #[test]
    fn go_refusals() {
        assert_eq!(read(b"garbage\r\n\r\n").unwrap_err(), Refusal::BadRequest(None));
        assert_eq!(read(b"GET /_ping HTTP/9.9\r\nHost: x\r\n\r\n").unwrap_err(), Refusal::VersionNotSupported);
        assert_eq!(read(b"GET /_ping HTTP/1.1\r\n\r\n").unwrap_err(), Refusal::BadRequest(Some("missing required Host header")));
        assert!(read(b"GET /_ping HTTP/1.0\r\n\r\n").is_ok());
        assert_eq!(read(b"GET /_ping HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n").unwrap_err(), Refusal::BadRequest(Some("too many Host headers")));
        assert_eq!(read(b"GET /_ping HTTP/1.1\r\nBadHeader\r\n\r\n").unwrap_err(), Refusal::BadRequest(None));
        assert_eq!(read(b"GET /_ping HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n").unwrap_err(), Refusal::BadRequest(None));
        assert_eq!(read(b"GET /_ping HTTP/1.1\r\nHo").unwrap_err(), Refusal::BadRequest(None));
        assert_eq!(read(b"").unwrap(), None);
        let mut big = b"GET /_ping HTTP/1.1\r\nHost: x\r\nX: ".to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_HEADER_BYTES));
        assert_eq!(read(&big).unwrap_err(), Refusal::HeaderTooLarge);
        assert!(Refusal::HeaderTooLarge.bytes().starts_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"));
    }
}
