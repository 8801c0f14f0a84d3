//! The Engine API router: HTTP requests in, responses out, with dockerd 20.10's headers,
//! status codes and `{"message":"..."}` errors.

use serde_json::{json, Value};

use super::{containers, images, network, volumes, Dockerd};
use crate::http::{Request, Response};
use crate::kernel::Kernel;

/// `Date: Sat, 28 Nov 2026 23:46:21 GMT` (Go's http.TimeFormat).
pub fn http_date(unix: i64) -> String {
    let t = crate::clock::tm(unix);
    let day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][t.wday as usize % 7];
    format!("{day}, {:02} {} {} {:02}:{:02}:{:02} GMT", t.day, t.mon(), t.year, t.hour, t.min, t.sec)
}

/// The headers every dockerd response starts with.
fn base_headers(d: &Dockerd, r: &mut Response) {
    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
}

fn tail_headers(d: &Dockerd, k: &Kernel, r: &mut Response) {
    r.headers.push(("Docker-Experimental".into(), "false".into()));
    r.headers.push(("Ostype".into(), "linux".into()));
    r.headers.push(("Server".into(), format!("Docker/{} (linux)", d.versions.engine)));
    r.headers.push(("Date".into(), http_date(k.now)));
}

/// A JSON response (`application/json`, body followed by a newline as Go's encoder writes).
pub fn json_response(d: &Dockerd, k: &Kernel, status: u16, v: &Value) -> Response {
    let mut r = Response::new(status);
    base_headers(d, &mut r);
    r.headers.push(("Content-Type".into(), "application/json".into()));
    tail_headers(d, k, &mut r);
    r.body = serde_json::to_vec(v).unwrap_or_default();
    r.body.push(b'\n');
    r.headers.push(("Content-Length".into(), r.body.len().to_string()));
    r
}

pub fn error(d: &Dockerd, k: &Kernel, status: u16, message: &str) -> Response {
    json_response(d, k, status, &json!({ "message": message }))
}

/// httputils.CheckForJSON: a body must come as `application/json` (parameters allowed); no
/// Content-Type is fine only without a body. 400 otherwise.
pub fn check_json(d: &Dockerd, k: &Kernel, req: &Request) -> Option<Response> {
    let ct = req.header("Content-Type").unwrap_or("");
    if ct.is_empty() && req.body.is_empty() {
        return None;
    }
    let media = ct.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/json") {
        return None;
    }
    Some(error(d, k, 400, &format!("Content-Type specified ({ct}) must be 'application/json'")))
}

/// The `filters` parameter as `filters.FromJSON` refuses it (500, encoding/json's words).
pub fn filters_error(d: &Dockerd, k: &Kernel, req: &Request) -> Option<Response> {
    let text = req.query_value("filters").filter(|t| !t.is_empty())?;
    let msg = super::gojson::unmarshal_syntax_error(text.as_bytes()).or_else(|| match text.trim_start().as_bytes().first() {
        Some(b'{') | Some(b'n') => None,
        Some(b'[') => Some("array".to_string()),
        Some(b'"') => Some("string".to_string()),
        Some(b't' | b'f') => Some("bool".to_string()),
        _ => Some("number".to_string()),
    }.map(|kind| format!("json: cannot unmarshal {kind} into Go value of type map[string]map[string]bool")))?;
    Some(error(d, k, 500, &msg))
}

/// `204 No Content` (start, stop, kill, rename, ...).
pub fn no_content(d: &Dockerd, k: &Kernel) -> Response {
    let mut r = Response::new(204);
    base_headers(d, &mut r);
    tail_headers(d, k, &mut r);
    r
}

/// A streamed JSON response: one message per chunk (pull, load, import).
pub fn json_stream(d: &Dockerd, k: &Kernel, messages: &[Value]) -> Response {
    let mut r = Response::new(200);
    base_headers(d, &mut r);
    r.headers.push(("Content-Type".into(), "application/json".into()));
    tail_headers(d, k, &mut r);
    r.headers.push(("Transfer-Encoding".into(), "chunked".into()));
    for m in messages {
        let mut line = serde_json::to_vec(m).unwrap_or_default();
        line.extend_from_slice(b"\r\n");
        r.push_chunk(&line);
    }
    r.chunked = true;
    r
}

/// A raw stream with no Content-Type, chunked (logs).
pub fn raw_stream(d: &Dockerd, k: &Kernel, frames: &[Vec<u8>]) -> Response {
    let mut r = Response::new(200);
    base_headers(d, &mut r);
    tail_headers(d, k, &mut r);
    r.headers.push(("Transfer-Encoding".into(), "chunked".into()));
    for f in frames {
        r.push_chunk(f);
    }
    r.chunked = true;
    r
}

/// `101 UPGRADED` for a hijacked connection (attach, exec start).
pub fn upgraded(d: &Dockerd, k: &Kernel) -> Response {
    let mut r = Response::new(101);
    r.headers.push(("Content-Type".into(), "application/vnd.docker.raw-stream".into()));
    r.headers.push(("Connection".into(), "Upgrade".into()));
    r.headers.push(("Upgrade".into(), "tcp".into()));
    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
    let _ = k;
    r
}

/// The path with the `/v1.xx` prefix taken off, and whether that version is acceptable.
fn strip_version<'a>(d: &Dockerd, path: &'a str) -> Result<&'a str, String> {
    let Some(rest) = path.strip_prefix("/v") else { return Ok(path) };
    let (ver, tail) = rest.split_once('/').map(|(v, t)| (v, &path[path.len() - t.len() - 1..])).unwrap_or((rest, ""));
    let parse = |s: &str| -> Option<(u32, u32)> {
        let (a, b) = s.split_once('.')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    };
    let Some(v) = parse(ver) else { return Ok(path) };
    let max = parse(&d.versions.api).unwrap_or((1, 41));
    let min = parse(&d.versions.min_api).unwrap_or((1, 12));
    if v > max {
        return Err(format!("client version {ver} is too new. Maximum supported API version is {}", d.versions.api));
    }
    if v < min {
        return Err(format!("client version {ver} is too old. Minimum supported API version is {}, please upgrade your client to a newer version", d.versions.min_api));
    }
    Ok(tail)
}

pub fn handle(d: &mut Dockerd, k: &mut Kernel, req: &Request) -> Response {
    let full = req.path();
    let path = match strip_version(d, &full) {
        Ok(p) => p.to_string(),
        Err(m) => {
            // The version middleware answers before the experimental one adds its header.
            let mut r = error(d, k, 400, &m);
            r.headers.retain(|(n, _)| n != "Docker-Experimental");
            return r;
        }
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let m = req.method.as_str();
    match (m, segs.as_slice()) {
        ("GET" | "HEAD", ["_ping"]) => ping(d, k, m == "HEAD"),
        ("GET", ["version"]) => json_response(d, k, 200, &super::json::version(d, k)),
        ("GET", ["info"]) => {
            let v = super::json::info(d, k);
            json_response(d, k, 200, &v)
        }
        (_, ["images", ..]) => images::route(d, k, req, &segs[1..]),
        (_, ["containers", ..]) => containers::route(d, k, req, &segs[1..]),
        (_, ["exec", ..]) => containers::route_exec(d, k, req, &segs[1..]),
        (_, ["networks", ..]) => network::route(d, k, req, &segs[1..]),
        (_, ["volumes", ..]) => volumes::route(d, k, req, &segs[1..]),
        ("GET", ["system", "df"]) => json_response(d, k, 200, &super::diskusage::system_df(d, k)),
        _ => not_found(k),
    }
}

/// No route matched: the router's own 404, without the middleware's headers (Api-Version,
/// Server, ...): `tests/reference/docker/api-curl-404-path.txt`.
pub fn not_found(k: &Kernel) -> Response {
    let mut r = Response::new(404);
    r.headers.push(("Content-Type".into(), "application/json".into()));
    r.headers.push(("Date".into(), http_date(k.now)));
    r.body = b"{\"message\":\"page not found\"}\n".to_vec();
    r.headers.push(("Content-Length".into(), r.body.len().to_string()));
    r
}

/// `HEAD /_ping` sets Content-Length and Content-Type itself (sorted in with the rest); for
/// `GET` Go's server adds them after Date (tests/reference/docker/api-curl-ping.txt).
fn ping(d: &Dockerd, k: &Kernel, head: bool) -> Response {
    let mut r = Response::new(200);
    r.headers.push(("Api-Version".into(), d.versions.api.clone()));
    r.headers.push(("Cache-Control".into(), "no-cache, no-store, must-revalidate".into()));
    if head {
        r.headers.push(("Content-Length".into(), "0".into()));
        r.headers.push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
    }
    r.headers.push(("Docker-Experimental".into(), "false".into()));
    r.headers.push(("Ostype".into(), "linux".into()));
    r.headers.push(("Pragma".into(), "no-cache".into()));
    r.headers.push(("Server".into(), format!("Docker/{} (linux)", d.versions.engine)));
    r.headers.push(("Date".into(), http_date(k.now)));
    if !head {
        r.headers.push(("Content-Length".into(), "2".into()));
        r.headers.push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
        r.body = b"OK".to_vec();
    }
    r
}

/// The `filters` query parameter: each key with its values, from either JSON form the
/// clients send (`{"label":["a=b"]}` or `{"label":{"a=b":true}}`).
pub fn filters(req: &Request) -> Vec<(String, Vec<String>)> {
    let Some(text) = req.query_value("filters") else { return Vec::new() };
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&text) else { return Vec::new() };
    m.into_iter()
        .map(|(k, v)| {
            let values = match v {
                Value::Array(a) => a.into_iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
                Value::Object(o) => o.into_iter().filter(|(_, b)| b.as_bool() != Some(false)).map(|(x, _)| x).collect(),
                Value::String(s) => vec![s],
                _ => Vec::new(),
            };
            (k, values)
        })
        .collect()
}

/// A boolean query parameter as Docker reads it (`1`, `true`, `True`).
pub fn flag(req: &Request, key: &str) -> bool {
    matches!(req.query_value(key).as_deref(), Some("1" | "true" | "True" | "TRUE"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_go_http_dates() {
        assert_eq!(http_date(1_795_909_581), "Sat, 28 Nov 2026 23:46:21 GMT");
    }
}
