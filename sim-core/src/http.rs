//! HTTP/1.1 messages as they travel on `/var/run/docker.sock`: parse and emit, byte-exact, for
//! the docker CLI (client) and dockerd (server) on both sides of the simulated socket, and for
//! native-runner's real socket. Bodies are whole (`Content-Length`) or chunked.

/// Largest head (request line + headers) accepted, as Go's net/http server: its default
/// MaxHeaderBytes (1 MiB) plus the 4096 bytes of slack it reads beyond.
pub const MAX_HEAD: usize = (1 << 20) + 4096;
/// Largest body accepted on the simulated socket.
pub const MAX_BODY: usize = 512 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// More bytes are needed to finish the message.
    Incomplete,
    /// The bytes are not HTTP/1.x; the text says what is wrong.
    Malformed(String),
    TooLarge,
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpError::Incomplete => f.write_str("unexpected EOF"),
            HttpError::Malformed(m) => f.write_str(m),
            HttpError::TooLarge => f.write_str("request too large"),
        }
    }
}

pub type Headers = Vec<(String, String)>;

fn header<'a>(h: &'a Headers, name: &str) -> Option<&'a str> {
    h.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent: `/v1.41/containers/json?all=1`.
    pub target: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
    /// Send the body with `Transfer-Encoding: chunked` (streams: pull progress, logs).
    pub chunked: bool,
    /// With `chunked`: the length of each chunk, in order (their sum is `body.len()`); empty
    /// means the whole body is one chunk. Streams send one JSON message or frame per chunk.
    pub chunks: Vec<usize>,
}

impl Request {
    pub fn new(method: &str, target: &str) -> Request {
        Request { method: method.into(), target: target.into(), headers: Vec::new(), body: Vec::new() }
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    /// The path without the query, percent-decoded.
    pub fn path(&self) -> String {
        percent_decode(self.target.split('?').next().unwrap_or(""))
    }
    /// Query parameters in order, decoded (`+` is a space).
    pub fn query(&self) -> Vec<(String, String)> {
        let Some((_, q)) = self.target.split_once('?') else { return Vec::new() };
        q.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " ")))
            })
            .collect()
    }
    pub fn query_value(&self, key: &str) -> Option<String> {
        self.query().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn emit(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\n", self.method, self.target).into_bytes();
        for (n, v) in &self.headers {
            out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }

    /// Parses one request from the front of `bytes`; returns it and how many bytes it used.
    pub fn parse(bytes: &[u8]) -> Result<(Request, usize), HttpError> {
        let (start, headers, head_len) = parse_head(bytes)?;
        let mut parts = start.splitn(3, ' ');
        let (method, target, version) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        // Any token is a method (Go's validMethod); the router answers the ones it does not know.
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)) {
            return Err(HttpError::Malformed(format!("malformed HTTP request {start:?}")));
        }
        if !target.starts_with('/') {
            return Err(HttpError::Malformed(format!("invalid request target {target:?}")));
        }
        // Go's ParseHTTPVersion for HTTP/1: "HTTP/1.Y" with one digit.
        let minor = version.strip_prefix("HTTP/1.").map(str::as_bytes);
        if !matches!(minor, Some([d]) if d.is_ascii_digit()) {
            return Err(HttpError::Malformed(format!("malformed HTTP version {version:?}")));
        }
        let (body, used) = parse_body(&bytes[head_len..], &headers, false)?;
        Ok((Request { method: method.into(), target: target.into(), headers, body }, head_len + used))
    }
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response { status, headers: Vec::new(), body: Vec::new(), chunked: false, chunks: Vec::new() }
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
    /// Appends one chunk of a streamed (chunked) body.
    pub fn push_chunk(&mut self, bytes: &[u8]) {
        self.chunked = true;
        self.body.extend_from_slice(bytes);
        self.chunks.push(bytes.len());
    }

    pub fn emit(&self) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status)).into_bytes();
        for (n, v) in &self.headers {
            out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        if self.chunked {
            let whole = [self.body.len()];
            let sizes = if self.chunks.iter().sum::<usize>() == self.body.len() && !self.chunks.is_empty() { &self.chunks[..] } else { &whole[..] };
            let mut at = 0;
            for &n in sizes.iter().filter(|&&n| n > 0) {
                out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
                out.extend_from_slice(&self.body[at..at + n]);
                out.extend_from_slice(b"\r\n");
                at += n;
            }
            out.extend_from_slice(b"0\r\n\r\n");
        } else {
            out.extend_from_slice(&self.body);
        }
        out
    }

    /// Parses one response; a body without length or chunking runs to the end of `bytes`
    /// (the connection closes after it), unless the status has no body.
    pub fn parse(bytes: &[u8]) -> Result<(Response, usize), HttpError> {
        let (start, headers, head_len) = parse_head(bytes)?;
        let mut parts = start.splitn(3, ' ');
        let version = parts.next().unwrap_or("");
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| HttpError::Malformed(format!("malformed HTTP status code {start:?}")))?;
        if !version.starts_with("HTTP/1.") {
            return Err(HttpError::Malformed(format!("malformed HTTP response {start:?}")));
        }
        let chunked = header(&headers, "Transfer-Encoding").map(|v| v.eq_ignore_ascii_case("chunked")).unwrap_or(false);
        let no_body = status == 204 || status == 304 || (100..200).contains(&status);
        let (body, used, chunks) = if no_body {
            (Vec::new(), 0, Vec::new())
        } else if chunked {
            parse_chunked(&bytes[head_len..])?
        } else {
            let (b, u) = parse_body(&bytes[head_len..], &headers, true)?;
            (b, u, Vec::new())
        };
        Ok((Response { status, headers, body, chunked, chunks }, head_len + used))
    }
}

/// The start line, the headers, and the length of the head including the blank line.
fn parse_head(bytes: &[u8]) -> Result<(String, Headers, usize), HttpError> {
    let end = match find(bytes, b"\r\n\r\n") {
        Some(e) => e,
        None if bytes.len() > MAX_HEAD => return Err(HttpError::TooLarge),
        None => return Err(HttpError::Incomplete),
    };
    if end > MAX_HEAD {
        return Err(HttpError::TooLarge);
    }
    let head = std::str::from_utf8(&bytes[..end]).map_err(|_| HttpError::Malformed("malformed MIME header: not UTF-8".into()))?;
    let mut lines = head.split("\r\n");
    let start = lines.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    for l in lines {
        let (n, v) = l.split_once(':').ok_or_else(|| HttpError::Malformed(format!("malformed MIME header line: {l}")))?;
        if n.is_empty() || n.contains(' ') {
            return Err(HttpError::Malformed(format!("malformed MIME header line: {l}")));
        }
        headers.push((n.to_string(), v.trim().to_string()));
    }
    Ok((start, headers, end + 4))
}

fn parse_body(rest: &[u8], headers: &Headers, to_eof: bool) -> Result<(Vec<u8>, usize), HttpError> {
    if header(headers, "Transfer-Encoding").map(|v| v.eq_ignore_ascii_case("chunked")).unwrap_or(false) {
        return parse_chunked(rest).map(|(b, u, _)| (b, u));
    }
    match header(headers, "Content-Length") {
        Some(v) => {
            let n: usize = v.parse().map_err(|_| HttpError::Malformed(format!("bad Content-Length {v:?}")))?;
            if n > MAX_BODY {
                return Err(HttpError::TooLarge);
            }
            if rest.len() < n {
                return Err(HttpError::Incomplete);
            }
            Ok((rest[..n].to_vec(), n))
        }
        None if to_eof => Ok((rest.to_vec(), rest.len())),
        None => Ok((Vec::new(), 0)),
    }
}

fn parse_chunked(mut rest: &[u8]) -> Result<(Vec<u8>, usize, Vec<usize>), HttpError> {
    let total = rest.len();
    let mut body = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let line_end = find(rest, b"\r\n").ok_or(HttpError::Incomplete)?;
        let size_text = std::str::from_utf8(&rest[..line_end]).unwrap_or("");
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| HttpError::Malformed("invalid byte in chunk length".into()))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            // Trailers are not used on the socket: expect the final CRLF.
            if rest.len() < 2 {
                return Err(HttpError::Incomplete);
            }
            rest = &rest[2..];
            return Ok((body, total - rest.len(), sizes));
        }
        if body.len() + size > MAX_BODY {
            return Err(HttpError::TooLarge);
        }
        if rest.len() < size + 2 {
            return Err(HttpError::Incomplete);
        }
        body.extend_from_slice(&rest[..size]);
        sizes.push(size);
        rest = &rest[size + 2..];
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's url.QueryEscape: what the docker CLI uses for query values.
pub fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The reason phrases Go's net/http sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trip() {
        let mut r = Request::new("POST", "/v1.41/containers/create?name=nginx");
        r.headers.push(("Host".into(), "api.moby.localhost".into()));
        r.headers.push(("Content-Type".into(), "application/json".into()));
        r.body = br#"{"Image":"nginx:1.21-alpine"}"#.to_vec();
        r.headers.push(("Content-Length".into(), r.body.len().to_string()));
        let bytes = r.emit();
        let (back, used) = Request::parse(&bytes).expect("parses");
        assert_eq!((back.clone(), used), (r, bytes.len()));
        assert_eq!(back.path(), "/v1.41/containers/create");
        assert_eq!(back.query_value("name").as_deref(), Some("nginx"));
    }

    #[test]
    fn chunked_response_round_trip() {
        let mut r = Response::new(200);
        r.headers.push(("Transfer-Encoding".into(), "chunked".into()));
        r.push_chunk(b"{\"status\":\"Pulling\"}\r\n");
        r.push_chunk(b"{\"status\":\"Done\"}\r\n");
        let bytes = r.emit();
        assert!(bytes.ends_with(b"16\r\n{\"status\":\"Pulling\"}\r\n\r\n13\r\n{\"status\":\"Done\"}\r\n\r\n0\r\n\r\n"));
        let (back, used) = Response::parse(&bytes).expect("parses");
        assert_eq!(used, bytes.len());
        assert_eq!(back, r);
    }

    #[test]
    fn incomplete_and_malformed() {
        assert_eq!(Request::parse(b"GET /_ping HTTP/1.1\r\nHost: x\r\n"), Err(HttpError::Incomplete));
        // Any token is a method (the router refuses it); a space or a slash is not.
        assert_eq!(Request::parse(b"get / HTTP/1.1\r\n\r\n").map(|(r, _)| r.method), Ok("get".to_string()));
        assert!(matches!(Request::parse(b"G/T / HTTP/1.1\r\n\r\n"), Err(HttpError::Malformed(_))));
        assert!(matches!(Request::parse(b"GET / HTTP/2.0\r\n\r\n"), Err(HttpError::Malformed(_))));
        assert!(matches!(Request::parse(b"GET / HTTP/1.1\r\nNoColon\r\n\r\n"), Err(HttpError::Malformed(_))));
        assert_eq!(Request::parse(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab"), Err(HttpError::Incomplete));
        assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
        assert_eq!(query_escape("{\"a\":1} x"), "%7B%22a%22%3A1%7D+x");
    }
}
