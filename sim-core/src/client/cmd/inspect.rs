//! `docker inspect`, `docker container inspect`, `docker image inspect`, `docker network
//! inspect` (`cli/command/inspect`, `system/inspect.go`): the raw documents re-indented
//! (`json.Indent` with four spaces), compact with `-f json`, or through a template (typed
//! first, the raw map with `missingkey=error` when that fails).

use crate::client::api::{Api, ApiError};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::json::{self, Json};
use crate::client::template::{Template, Typing};

pub(crate) enum Inspector {
    Indented(Vec<Vec<u8>>),
    Compact(Vec<Vec<u8>>),
    Template(Template, String),
}

impl Inspector {
    pub(crate) fn new(format: &str) -> Result<Inspector, Fail> {
        match format {
            "" => Ok(Inspector::Indented(Vec::new())),
            "json" => Ok(Inspector::Compact(Vec::new())),
            f => match Template::parse(f) {
                Ok(t) => Ok(Inspector::Template(t, String::new())),
                Err(e) => Err(Fail::code(format!("template parsing error: {e}"), 64)),
            },
        }
    }

    pub(crate) fn inspect(&mut self, raw: &[u8], typing: Typing) -> Result<(), String> {
        match self {
            Inspector::Indented(v) | Inspector::Compact(v) => {
                v.push(raw.to_vec());
                Ok(())
            }
            Inspector::Template(t, buf) => {
                let doc = json::parse(raw).map_err(|e| format!("unable to read inspect data: {e}"))?;
                match t.inspect(&doc, typing) {
                    Ok(s) => {
                        buf.push_str(&s);
                        buf.push('\n');
                        Ok(())
                    }
                    Err(e) => Err(format!("template parsing error: {e}")),
                }
            }
        }
    }

    pub(crate) fn flush(self) -> Vec<u8> {
        match self {
            Inspector::Indented(v) => raw_flush(v, false),
            Inspector::Compact(v) => raw_flush(v, true),
            Inspector::Template(_, buf) => {
                if buf.is_empty() {
                    b"\n".to_vec()
                } else {
                    buf.into_bytes()
                }
            }
        }
    }
}

/// `jsonInspector.Flush`: `[]` when nothing was found, else the raw documents in an array.
fn raw_flush(v: Vec<Vec<u8>>, compact: bool) -> Vec<u8> {
    if v.is_empty() {
        return b"[]\n".to_vec();
    }
    let mut all = b"[".to_vec();
    for (i, r) in v.iter().enumerate() {
        all.extend_from_slice(r);
        if i + 1 < v.len() {
            all.push(b',');
        }
    }
    all.push(b']');
    let mut out = if compact { compact_json(&all) } else { json::indent(&all, "", "    ") };
    out.push(b'\n');
    out
}

/// `json.Compact`: drops insignificant whitespace, keeps strings as they are.
fn compact_json(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut in_str = false;
    let mut esc = false;
    for &c in src {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == b'\\' {
                esc = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'"' => {
                in_str = true;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn flush_into(cli: &mut Cli, ins: Inspector) {
    let bytes = ins.flush();
    cli.out_bytes(&bytes);
}

/// What one reference resolves to: the raw document and how to type it.
type Found = Result<(Vec<u8>, Typing), ApiError>;

fn get_raw(cli: &mut Cli, path: &str, q: &[(&str, String)], typing: Typing) -> Found {
    let r = cli.api.get(path, q)?;
    Ok((r.body, typing))
}

fn container_raw(cli: &mut Cli, r: &str, size: bool) -> Found {
    let q: Vec<(&str, String)> = if size { vec![("size", "1".into())] } else { Vec::new() };
    get_raw(cli, &format!("/containers/{}/json", r.trim()), &q, Typing::Container)
}

fn image_raw(cli: &mut Cli, r: &str) -> Found {
    if r.is_empty() {
        return Err(ApiError::Other("Error: No such image: ".into()));
    }
    get_raw(cli, &format!("/images/{r}/json"), &[], Typing::Image)
}

fn network_raw(cli: &mut Cli, r: &str) -> Found {
    get_raw(cli, &format!("/networks/{}", r.trim()), &[], Typing::Network)
}

/// Finds one reference: its raw document and how to type it, or the error to report.
type Finder<'f> = dyn FnMut(&mut Cli, &str) -> Result<(Vec<u8>, Typing), String> + 'f;

fn run_inspect(cli: &mut Cli, p: &Parsed, find: &mut Finder) -> R {
    let format = p.value("format").unwrap_or("").to_string();
    let mut ins = Inspector::new(&format)?;
    cli.api.init();
    let mut errs = Vec::new();
    for r in &p.args {
        match find(cli, r) {
            Ok((raw, typing)) => {
                if let Err(e) = ins.inspect(&raw, typing) {
                    errs.push(e);
                }
            }
            Err(e) => errs.push(e),
        }
    }
    flush_into(cli, ins);
    if errs.is_empty() {
        Ok(Done::Exit(0))
    } else {
        Err(Fail::new(errs.join("\n")))
    }
}

fn skippable(e: &ApiError) -> bool {
    let s = e.to_string();
    e.is_not_found() || s.contains("not supported") || s.contains("invalid reference format")
}

pub fn inspect(cli: &mut Cli, p: &Parsed) -> R {
    let size = p.on("size");
    let kind = p.value("type").unwrap_or("").to_string();
    let types = ["config", "container", "image", "network", "node", "plugin", "secret", "service", "task", "volume"];
    if !kind.is_empty() && !types.contains(&kind.as_str()) {
        return Err(Fail::new(format!("unknown type: \"{kind}\": must be one of \"{}\"", types.join("\", \""))));
    }
    let mut find = |cli: &mut Cli, r: &str| -> Result<(Vec<u8>, Typing), String> {
        let mut swarm: Option<bool> = None;
        let order: [(&str, bool); 10] = [
            ("container", false),
            ("image", false),
            ("network", false),
            ("volume", false),
            ("service", true),
            ("task", true),
            ("node", true),
            ("plugin", false),
            ("secret", true),
            ("config", true),
        ];
        for (t, is_swarm) in order {
            if !kind.is_empty() && kind != t {
                continue;
            }
            if kind.is_empty() && is_swarm {
                let manager = match swarm {
                    Some(m) => m,
                    None => {
                        let m = match cli.api.get("/info", &[]).and_then(|r| Api::json(&r)) {
                            Ok(i) => i.at(&["Swarm", "ControlAvailable"]).and_then(Json::as_bool).unwrap_or(false),
                            Err(e) => {
                                cli.err(&format!("{e}\n"));
                                false
                            }
                        };
                        swarm = Some(m);
                        m
                    }
                };
                if !manager {
                    continue;
                }
            }
            let res = match t {
                "container" => container_raw(cli, r, size),
                "image" => image_raw(cli, r),
                "network" => network_raw(cli, r),
                "volume" => get_raw(cli, &format!("/volumes/{r}"), &[], Typing::Generic),
                "plugin" => get_raw(cli, &format!("/plugins/{r}/json"), &[], Typing::Generic),
                "service" => get_raw(cli, &format!("/services/{r}"), &[("insertDefaults", "1".into())], Typing::Generic),
                "task" => get_raw(cli, &format!("/tasks/{r}"), &[], Typing::Generic),
                "node" => get_raw(cli, &format!("/nodes/{r}"), &[], Typing::Generic),
                "secret" => get_raw(cli, &format!("/secrets/{r}"), &[], Typing::Generic),
                _ => get_raw(cli, &format!("/configs/{r}"), &[], Typing::Generic),
            };
            match res {
                Ok(found) => {
                    if size && t != "container" {
                        cli.err(&format!("WARNING: --size ignored for {t}\n"));
                    }
                    return Ok(found);
                }
                Err(e) if kind.is_empty() && skippable(&e) => continue,
                Err(e) => return Err(e.to_string()),
            }
        }
        Err(format!("Error: No such object: {r}"))
    };
    run_inspect(cli, p, &mut find)
}

pub fn container_inspect(cli: &mut Cli, p: &Parsed) -> R {
    let size = p.on("size");
    run_inspect(cli, p, &mut |cli, r| container_raw(cli, r, size).map_err(|e| e.to_string()))
}

pub fn image_inspect(cli: &mut Cli, p: &Parsed) -> R {
    run_inspect(cli, p, &mut |cli, r| image_raw(cli, r).map_err(|e| e.to_string()))
}

pub fn network_inspect(cli: &mut Cli, p: &Parsed) -> R {
    run_inspect(cli, p, &mut |cli, r| network_raw(cli, r).map_err(|e| e.to_string()))
}

pub fn volume_inspect(cli: &mut Cli, p: &Parsed) -> R {
    run_inspect(cli, p, &mut |cli, r| get_raw(cli, &format!("/volumes/{r}"), &[], Typing::Generic).map_err(|e| e.to_string()))
}
