//! The Engine API as compose uses it: requests built as the real clients build them (docker-py
//! 5.0.3 for docker-compose 1.29.2, the Go client for compose v2), sent through the
//! transport, answers decoded. Nothing here reads dockerd's state directly.

use serde_json::Value;

use crate::client::transport::{ConnectError, DockerTransport};
use crate::http::{query_escape, Request, Response};

/// Which client library's requests to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// docker-py 5.0.3 under python-requests: `Host: localhost`, keep-alive, JSON bodies with
    /// `", "` and `": "` separators (Python's json.dumps).
    DockerPy,
    /// The Go client compose v2 links: `Host` and `User-Agent`, compact JSON.
    Go,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    Connect(ConnectError),
    /// The daemon answered with an error status and this message.
    Status(u16, String),
}

impl ApiError {
    /// The daemon's message, or what a failed connection means.
    pub fn message(&self) -> String {
        match self {
            ApiError::Status(_, m) => m.clone(),
            ApiError::Connect(_) => "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?".into(),
        }
    }
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Status(404, _))
    }
}

pub struct Api<'a> {
    pub t: &'a mut dyn DockerTransport,
    pub client: Client,
    pub user_agent: String,
    /// `/v1.41`, once the version is known.
    pub prefix: String,
    /// The `Date` header of the last response: the daemon's clock, for progress timers.
    pub last_date: Option<String>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl<'a> Api<'a> {
    pub fn new(t: &'a mut dyn DockerTransport, client: Client, user_agent: &str) -> Api<'a> {
        Api { t, client, user_agent: user_agent.to_string(), prefix: "/v1.41".into(), last_date: None }
    }

    fn request(&self, method: &str, target: &str, body: Option<&[u8]>) -> Request {
        let mut r = Request::new(method, target);
        match self.client {
            Client::DockerPy => {
                r.headers.push(("Host".into(), "localhost".into()));
                r.headers.push(("User-Agent".into(), self.user_agent.clone()));
                r.headers.push(("Accept-Encoding".into(), "gzip, deflate".into()));
                r.headers.push(("Accept".into(), "*/*".into()));
                r.headers.push(("Connection".into(), "keep-alive".into()));
                match body {
                    Some(b) => {
                        r.headers.push(("Content-Type".into(), "application/json".into()));
                        r.headers.push(("Content-Length".into(), b.len().to_string()));
                        r.body = b.to_vec();
                    }
                    None if method == "POST" => r.headers.push(("Content-Length".into(), "0".into())),
                    None => {}
                }
            }
            Client::Go => {
                // The Go client of docker 20.10 names the daemon `docker` in the Host header.
                r.headers.push(("Host".into(), "docker".into()));
                r.headers.push(("User-Agent".into(), self.user_agent.clone()));
                match body {
                    Some(b) => {
                        r.headers.push(("Content-Length".into(), b.len().to_string()));
                        r.headers.push(("Content-Type".into(), "application/json".into()));
                        r.body = b.to_vec();
                    }
                    None if method == "POST" => r.headers.push(("Content-Length".into(), "0".into())),
                    None => {}
                }
            }
        }
        r
    }

    /// One request under the API version prefix (`path` starts with `/`).
    pub fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> ApiResult<Response> {
        let target = format!("{}{path}", self.prefix);
        self.raw(method, &target, body)
    }

    /// One request to `target` as given.
    pub fn raw(&mut self, method: &str, target: &str, body: Option<&Value>) -> ApiResult<Response> {
        let bytes = body.map(|b| self.encode(b));
        let req = self.request(method, target, bytes.as_deref());
        let resp = self.t.roundtrip(&req).map_err(ApiError::Connect)?;
        if let Some(d) = resp.header("Date") {
            self.last_date = Some(d.to_string());
        }
        if resp.status >= 400 {
            let v: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
            let msg = v.get("message").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| String::from_utf8_lossy(&resp.body).trim().to_string());
            return Err(ApiError::Status(resp.status, msg));
        }
        Ok(resp)
    }

    pub fn json(&mut self, method: &str, path: &str, body: Option<&Value>) -> ApiResult<Value> {
        let r = self.call(method, path, body)?;
        Ok(serde_json::from_slice(&r.body).unwrap_or(Value::Null))
    }

    /// The body as the client library serializes it.
    pub fn encode(&self, v: &Value) -> Vec<u8> {
        match self.client {
            Client::DockerPy => python_json(v).into_bytes(),
            Client::Go => serde_json::to_vec(v).unwrap_or_default(),
        }
    }

    /// `filters=` as the client encodes it: docker-py sends `{"label": ["a=b", ...]}` through
    /// json.dumps, the Go client `{"label":{"a=b":true}}`.
    pub fn filters(&self, key: &str, values: &[String]) -> String {
        let v = match self.client {
            Client::DockerPy => serde_json::json!({ key: values }),
            Client::Go => {
                let mut m = serde_json::Map::new();
                for x in values {
                    m.insert(x.clone(), Value::Bool(true));
                }
                serde_json::json!({ key: m })
            }
        };
        let text = match self.client {
            Client::DockerPy => python_json(&v),
            Client::Go => v.to_string(),
        };
        query_escape(&text)
    }

    /// Containers of `project` (all states), newest first as dockerd lists them.
    pub fn containers(&mut self, labels: &[String], all: bool) -> ApiResult<Vec<Value>> {
        let f = self.filters("label", labels);
        let path = match self.client {
            Client::DockerPy => format!("/containers/json?limit=-1&all={}&size=0&trunc_cmd=0&filters={f}", u8::from(all)),
            Client::Go => format!("/containers/json?{}filters={f}", if all { "all=1&" } else { "" }),
        };
        let v = self.json("GET", &path, None)?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// Pulls `repo:tag` (for `platform` if given); the stream's JSON messages.
    pub fn pull(&mut self, repo: &str, tag: &str, platform: Option<&str>) -> ApiResult<Vec<Value>> {
        let mut q = match self.client {
            Client::DockerPy => format!("tag={}&fromImage={}", query_escape(tag), query_escape(repo)),
            Client::Go => format!("fromImage={}&tag={}", query_escape(repo), query_escape(tag)),
        };
        if let Some(p) = platform {
            q.push_str(&format!("&platform={}", query_escape(p)));
        }
        let r = self.call("POST", &format!("/images/create?{q}"), None)?;
        let text = String::from_utf8_lossy(&r.body).to_string();
        Ok(text.lines().filter_map(|l| serde_json::from_str(l.trim()).ok()).collect())
    }

    /// A container's log, demultiplexed: (stream, bytes) per frame; raw with a TTY.
    pub fn logs(&mut self, id: &str, tty: bool, query: &str) -> ApiResult<Vec<(u8, Vec<u8>)>> {
        let r = self.call("GET", &format!("/containers/{id}/logs?{query}"), None)?;
        if tty {
            return Ok(vec![(1, r.body)]);
        }
        let mut out = Vec::new();
        let mut b = &r.body[..];
        while b.len() >= 8 {
            let n = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) as usize;
            let end = (8 + n).min(b.len());
            out.push((b[0], b[8..end].to_vec()));
            b = &b[end..];
        }
        Ok(out)
    }
}

/// Python's `json.dumps` with its default separators (`", "`, `": "`), keys in order,
/// non-ASCII escaped as `\uXXXX`.
pub fn python_json(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => if *b { "true".into() } else { "false".into() },
        Value::Number(n) => n.to_string(),
        Value::String(s) => python_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(python_json).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!("{{{}}}", m.iter().map(|(k, v)| format!("{}: {}", python_str(k), python_json(v))).collect::<Vec<_>>().join(", ")),
    }
}

fn python_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_separators() {
        let v = serde_json::json!({ "Name": "compose-check_default", "CheckDuplicate": true, "Labels": { "a": "é" }, "L": [1, 2] });
        assert_eq!(python_json(&v), r#"{"Name": "compose-check_default", "CheckDuplicate": true, "Labels": {"a": "\u00e9"}, "L": [1, 2]}"#);
    }
}
