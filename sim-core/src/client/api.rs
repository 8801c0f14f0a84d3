//! The Engine API client as moby's `client` package speaks it: `HEAD /_ping` first, the API
//! version negotiated from its `Api-Version` header, then `/v1.41/...` requests with Go's
//! header order (`Host`, `User-Agent`, `Content-Length`, then the rest sorted), query strings
//! sorted by key (`url.Values.Encode`), JSON bodies as `json.Encoder` writes them, and
//! errors in the CLI's words.

use crate::sort::SortSlice;
use super::json::{self, Json};
use super::transport::{ConnectError, DockerTransport, PendingId, StreamId};
use crate::http::{query_escape, Request, Response};

/// The CLI's own version and the newest API it speaks.
pub const CLIENT_VERSION: &str = "28.2.2";
pub const CLIENT_API: &str = "1.50";
pub const USER_AGENT: &str = "Docker-Client/28.2.2 (linux)";

/// Go's `GOOS`/`GOARCH` of the CLI binary on a machine: `darwin`/`arm64` on an M1 Mac.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientPlatform {
    pub os: &'static str,
    pub arch: &'static str,
}

impl ClientPlatform {
    pub const LINUX_AMD64: ClientPlatform = ClientPlatform { os: "linux", arch: "amd64" };

    /// The platform of the docker binary built for the machine `uname` describes.
    pub fn of(k: &crate::kernel::Kernel) -> ClientPlatform {
        let os = if k.uname.sysname == "Darwin" { "darwin" } else { "linux" };
        let arch = match k.uname.machine.as_str() {
            "arm64" | "aarch64" => "arm64",
            _ => "amd64",
        };
        ClientPlatform { os, arch }
    }

    /// `Docker-Client/28.2.2 (darwin)`.
    pub fn user_agent(&self) -> String {
        USER_AGENT.replace("(linux)", &format!("({})", self.os))
    }
}
/// `Host:` for a unix socket (moby's `DummyHost`).
pub const DUMMY_HOST: &str = "api.moby.localhost";

/// An API call that failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The daemon could not be reached; the text is the CLI's whole message.
    Connect(String),
    /// The daemon answered with an error status: `Error response from daemon: <message>`.
    Daemon { status: u16, message: String },
    /// Anything else (a malformed answer): printed as is.
    Other(String),
}

impl ApiError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Daemon { status: 404, .. })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Connect(m) | ApiError::Other(m) => f.write_str(m),
            ApiError::Daemon { message, .. } => write!(f, "Error response from daemon: {message}"),
        }
    }
}

/// What the ping said about the daemon.
#[derive(Clone, Debug, Default)]
pub struct Ping {
    pub api_version: String,
    pub os_type: String,
    pub experimental: bool,
}

/// A request body.
pub enum Body {
    None,
    Json(Json),
    /// Raw bytes with a content type (`application/x-tar` for load/import).
    Raw(Vec<u8>, &'static str),
}

/// A client bound to one daemon address through a transport.
pub struct Api<'t> {
    t: &'t mut dyn DockerTransport,
    /// `unix:///var/run/docker.sock`, as `-H`/`DOCKER_HOST` named it.
    pub host: String,
    /// The API version in request paths: 1.50 until negotiated.
    pub version: String,
    negotiated: bool,
    /// The first ping's result, once tried.
    pub ping: Option<Result<Ping, ApiError>>,
    /// The CLI binary's platform (its User-Agent names the OS).
    pub platform: ClientPlatform,
}

impl<'t> Api<'t> {
    pub fn new(t: &'t mut dyn DockerTransport, host: &str) -> Api<'t> {
        Api { t, host: host.to_string(), version: CLIENT_API.into(), negotiated: false, ping: None, platform: ClientPlatform::LINUX_AMD64 }
    }

    pub fn transport(&mut self) -> &mut dyn DockerTransport {
        self.t
    }

    fn host_header(&self) -> String {
        match self.host.strip_prefix("tcp://") {
            Some(h) => h.trim_end_matches('/').to_string(),
            None => DUMMY_HOST.into(),
        }
    }

    /// The URL Go puts in its error messages: `http://%2Fvar%2Frun%2Fdocker.sock/v1.50/...`.
    fn url_for(&self, target: &str) -> String {
        let addr = match self.host.strip_prefix("unix://") {
            Some(p) => p.replace('/', "%2F"),
            None => self.host.trim_start_matches("tcp://").trim_end_matches('/').to_string(),
        };
        format!("http://{addr}{target}")
    }

    fn connect_error(&self, e: &ConnectError, method: &str, target: &str) -> ApiError {
        let verb = {
            let m = method.to_ascii_lowercase();
            let mut c = m.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        };
        let url = self.url_for(target);
        match e {
            ConnectError::NotRunning => ApiError::Connect(format!("Cannot connect to the Docker daemon at {}. Is the docker daemon running?", self.host)),
            ConnectError::PermissionDenied => {
                let path = self.host.strip_prefix("unix://").unwrap_or(&self.host);
                ApiError::Connect(format!(
                    "permission denied while trying to connect to the Docker daemon socket at {}: {verb} \"{url}\": dial unix {path}: connect: permission denied",
                    self.host
                ))
            }
            ConnectError::Unreachable(why) if why.is_empty() => {
                ApiError::Connect(format!("Cannot connect to the Docker daemon at {}. Is the docker daemon running?", self.host))
            }
            ConnectError::Unreachable(why) => ApiError::Connect(format!("error during connect: {verb} \"{url}\": {why}")),
        }
    }

    /// A request with the CLI's headers. `target` is the path with query, unversioned.
    pub fn request(&self, method: &str, target: &str, body: &Body, extra: &[(&str, String)]) -> Request {
        let mut r = Request::new(method, target);
        r.headers.push(("Host".into(), self.host_header()));
        r.headers.push(("User-Agent".into(), self.platform.user_agent()));
        let mut rest: Vec<(String, String)> = extra.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        match body {
            Body::None => {
                if matches!(method, "POST" | "PUT" | "PATCH") {
                    r.headers.push(("Content-Length".into(), "0".into()));
                }
            }
            Body::Json(j) => {
                let mut b = j.encode(true).into_bytes();
                b.push(b'\n');
                r.headers.push(("Content-Length".into(), b.len().to_string()));
                rest.push(("Content-Type".into(), "application/json".into()));
                r.body = b;
            }
            Body::Raw(b, ctype) => {
                r.headers.push(("Content-Length".into(), b.len().to_string()));
                rest.push(("Content-Type".into(), ctype.to_string()));
                r.body = b.clone();
            }
        }
        // Later values of a header replace earlier ones (Header.Set), then Go sorts.
        let mut dedup: Vec<(String, String)> = Vec::new();
        for (k, v) in rest {
            match dedup.iter_mut().find(|(n, _)| *n == k) {
                Some(slot) => slot.1 = v,
                None => dedup.push((k, v)),
            }
        }
        dedup.sort_stable_by(|a, b| a.0.cmp(&b.0));
        r.headers.extend(dedup);
        r
    }

    /// `HEAD /_ping` (once): negotiates the API version.
    pub fn do_ping(&mut self) -> Result<Ping, ApiError> {
        let req = self.request("HEAD", "/_ping", &Body::None, &[]);
        let r = match self.t.roundtrip(&req) {
            Ok(resp) => {
                let p = Ping {
                    api_version: resp.header("Api-Version").unwrap_or("").to_string(),
                    os_type: resp.header("Ostype").unwrap_or("").to_string(),
                    experimental: resp.header("Docker-Experimental") == Some("true"),
                };
                let mut v = if p.api_version.is_empty() { "1.24".to_string() } else { p.api_version.clone() };
                if version_less(CLIENT_API, &v) {
                    v = CLIENT_API.into();
                }
                self.version = v;
                self.negotiated = true;
                Ok(p)
            }
            Err(e) => Err(self.connect_error(&e, "HEAD", "/_ping")),
        };
        if self.ping.is_none() {
            self.ping = Some(r.clone());
        }
        r
    }

    /// The first contact of every command (`DockerCli.initialize`): ping once.
    /// Takes a version negotiated earlier by the same CLI process (it holds the terminal and
    /// sends one more request): no new `_ping`.
    pub fn assume_negotiated(&mut self, version: &str) {
        self.version = version.to_string();
        self.negotiated = true;
        self.ping = Some(Ok(Ping::default()));
    }

    pub fn init(&mut self) {
        if self.ping.is_none() {
            let _ = self.do_ping();
        }
    }

    pub fn daemon_up(&mut self) -> bool {
        self.init();
        matches!(self.ping, Some(Ok(_)))
    }

    /// `checkVersion`: client methods that must know the version first fail on the ping's error.
    pub fn check_version(&mut self) -> Result<(), ApiError> {
        if self.negotiated {
            return Ok(());
        }
        self.do_ping().map(|_| ())
    }

    /// `/v1.41/containers/json?all=1`.
    pub fn target(&mut self, path: &str, query: &[(&str, String)]) -> String {
        if !self.negotiated {
            let _ = self.do_ping();
        }
        let mut q: Vec<(&str, String)> = query.to_vec();
        q.sort_stable_by(|a, b| a.0.cmp(b.0));
        let qs: Vec<String> = q.iter().map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v))).collect();
        let mut t = format!("/v{}{}", self.version, path);
        if !qs.is_empty() {
            t.push('?');
            t.push_str(&qs.join("&"));
        }
        t
    }

    /// Sends a request and checks the status like `checkResponseErr`.
    pub fn send(&mut self, req: &Request) -> Result<Response, ApiError> {
        match self.t.roundtrip(req) {
            Ok(resp) => self.check(req, resp),
            Err(e) => Err(self.connect_error(&e, &req.method, &req.target)),
        }
    }

    fn check(&self, req: &Request, resp: Response) -> Result<Response, ApiError> {
        if resp.status < 400 {
            return Ok(resp);
        }
        let status_msg = format!("{} {}", resp.status, crate::http::reason(resp.status));
        if resp.body.is_empty() {
            return Err(ApiError::Other(format!(
                "request returned {status_msg} for API route and version {}, check if the server supports the requested API version",
                self.url_for(&req.target)
            )));
        }
        let message = if resp.header("Content-Type") == Some("application/json") {
            match json::parse(&resp.body) {
                Ok(j) => {
                    let m = j.s("message");
                    if m.is_empty() {
                        return Err(ApiError::Other(format!(
                            "API returned a {} ({}) but provided no error-message",
                            resp.status,
                            crate::http::reason(resp.status)
                        )));
                    }
                    m.trim().to_string()
                }
                Err(e) => return Err(ApiError::Other(format!("Error reading JSON: {e}"))),
            }
        } else {
            String::from_utf8_lossy(&resp.body).trim().to_string()
        };
        Err(ApiError::Daemon { status: resp.status, message })
    }

    pub fn get(&mut self, path: &str, query: &[(&str, String)]) -> Result<Response, ApiError> {
        let t = self.target(path, query);
        let req = self.request("GET", &t, &Body::None, &[]);
        self.send(&req)
    }

    pub fn post(&mut self, path: &str, query: &[(&str, String)], body: Body) -> Result<Response, ApiError> {
        self.post_with(path, query, body, &[])
    }

    pub fn post_with(&mut self, path: &str, query: &[(&str, String)], body: Body, headers: &[(&str, String)]) -> Result<Response, ApiError> {
        let t = self.target(path, query);
        let req = self.request("POST", &t, &body, headers);
        self.send(&req)
    }

    pub fn delete(&mut self, path: &str, query: &[(&str, String)]) -> Result<Response, ApiError> {
        let t = self.target(path, query);
        let req = self.request("DELETE", &t, &Body::None, &[]);
        self.send(&req)
    }

    /// Decodes a JSON answer (`json.NewDecoder(resp.Body).Decode`).
    pub fn json(resp: &Response) -> Result<Json, ApiError> {
        let (docs, err) = json::parse_stream(&resp.body);
        match docs.into_iter().next() {
            Some(d) => Ok(d),
            None => Err(ApiError::Other(err.unwrap_or_else(|| "EOF".into()))),
        }
    }

    /// A request answered by upgrading the connection (attach, exec start).
    pub fn hijack(&mut self, path: &str, query: &[(&str, String)], body: Body, ctype: &str) -> Result<StreamId, ApiError> {
        let t = self.target(path, query);
        let extra = [("Content-Type", ctype.to_string()), ("Connection", "Upgrade".to_string()), ("Upgrade", "tcp".to_string())];
        let body = match body {
            Body::None => Body::Raw(Vec::new(), "text/plain"),
            b => b,
        };
        let mut req = self.request("POST", &t, &body, &extra);
        // postHijacked always has a body (possibly empty) and sets the content type given.
        for h in req.headers.iter_mut() {
            if h.0 == "Content-Type" {
                h.1 = ctype.to_string();
            }
        }
        match self.t.hijack(&req) {
            Ok((resp, id)) => {
                if resp.status != 101 {
                    // The daemon refused to upgrade: its error, as checkResponseErr reads it.
                    self.check(&req, resp.clone())?;
                    return Err(ApiError::Other(format!("unable to upgrade to tcp, received {}", resp.status)));
                }
                Ok(id)
            }
            Err(e) => Err(self.connect_error(&e, "POST", &t)),
        }
    }

    /// Sends a request whose answer comes later (`wait`).
    pub fn post_pending(&mut self, path: &str, query: &[(&str, String)]) -> Result<PendingId, ApiError> {
        let t = self.target(path, query);
        let req = self.request("POST", &t, &Body::None, &[]);
        match self.t.send(&req) {
            Ok(id) => Ok(id),
            Err(e) => Err(self.connect_error(&e, "POST", &t)),
        }
    }

    /// The answer to a pending request, checked.
    pub fn receive(&mut self, id: PendingId, path_for_errors: &str) -> Result<Response, ApiError> {
        match self.t.receive(id) {
            Ok(resp) => {
                let req = Request::new("POST", path_for_errors);
                self.check(&req, resp)
            }
            Err(e) => Err(self.connect_error(&e, "POST", path_for_errors)),
        }
    }
}

/// `versions.LessThan(a, b)` on dotted versions.
pub fn version_less(a: &str, b: &str) -> bool {
    let pa: Vec<u64> = a.split('.').map(|x| x.parse().unwrap_or(0)).collect();
    let pb: Vec<u64> = b.split('.').map(|x| x.parse().unwrap_or(0)).collect();
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (pa.get(i).copied().unwrap_or(0), pb.get(i).copied().unwrap_or(0));
        if x != y {
            return x < y;
        }
    }
    false
}
