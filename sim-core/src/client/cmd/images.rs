//! Image commands (`cli/command/image`): `images`, `history`, `pull`, `rmi`, `tag`, `save`,
//! `load`, `import`, and the pull `run`/`create` do when the image is missing.

use super::containers::filters_json;
use crate::client::api::{Api, ApiError, Body};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format::{self, history_ctx, history_header, image_header, image_rows, HISTORY_TABLE, HISTORY_TABLE_NONHUMAN, IMAGE_TABLE, IMAGE_TABLE_DIGEST};
use crate::client::progress::{self, Term};
use crate::client::reference::{self, Reference};

/// `X-Registry-Auth` for no credentials: base64url of `{}`.
const NO_AUTH: &str = "e30=";

pub fn images(cli: &mut Cli, p: &Parsed) -> R {
    let quiet = p.on("quiet");
    let all = p.on("all");
    let no_trunc = p.on("no-trunc");
    let digests = p.on("digests");
    let format = p.value("format").unwrap_or("").to_string();
    let mut filters = p.values("filter");
    if let Some(m) = p.args.first() {
        filters.push(format!("reference={m}"));
    }
    cli.api.init();
    cli.api.check_version()?;
    let mut q: Vec<(&str, String)> = Vec::new();
    if let Some(f) = filters_json(&filters) {
        q.push(("filters", f));
    }
    if all {
        q.push(("all", "1".into()));
    }
    let resp = cli.api.get("/images/json", &q)?;
    let list = Api::json(&resp)?;
    let fmt = if format.is_empty() || format == "table" {
        if quiet {
            "{{.ID}}".to_string()
        } else if digests {
            IMAGE_TABLE_DIGEST.to_string()
        } else {
            IMAGE_TABLE.to_string()
        }
    } else if format == "raw" {
        if quiet {
            "image_id: {{.ID}}".into()
        } else if digests {
            "repository: {{ .Repository }}\ntag: {{.Tag}}\ndigest: {{.Digest}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n".into()
        } else {
            "repository: {{ .Repository }}\ntag: {{.Tag}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n".into()
        }
    } else if format.starts_with("table") && digests && !format.contains("{{.Digest}}") {
        format!("{format}\t{{{{.Digest}}}}")
    } else {
        format
    };
    let need_digest = digests || fmt.contains("{{.Digest}}");
    let now = cli.now_ns();
    let rows: Vec<_> = list.as_arr().iter().flat_map(|i| image_rows(i, !no_trunc, digests, need_digest, now)).collect();
    let out = format::write(&fmt, &rows, &image_header()).map_err(Fail::new)?;
    cli.out(&out);
    if let Some(m) = p.args.first() {
        let called_as_images = cli.cmd.path == "docker images";
        let ambiguous = ["build", "history", "import", "inspect", "list", "load", "ls", "prune", "pull", "push", "rm", "save", "tag"];
        if list.as_arr().is_empty() && called_as_images && ambiguous.contains(&m.as_str()) {
            cli.err(&format!("\nNo images found matching \"{m}\": did you mean \"docker image {m}\"?\n"));
        }
    }
    Ok(Done::Exit(0))
}

pub fn history(cli: &mut Cli, p: &Parsed) -> R {
    let human = p.value("human").map(|v| crate::client::args::parse_bool(v).unwrap_or(true)).unwrap_or(true);
    let quiet = p.on("quiet");
    let no_trunc = p.on("no-trunc");
    let format = p.value("format").unwrap_or("").to_string();
    cli.api.init();
    let resp = cli.api.get(&format!("/images/{}/history", p.args[0]), &[])?;
    let list = Api::json(&resp)?;
    let fmt = if format.is_empty() || format == "table" {
        if quiet {
            "{{.ID}}".to_string()
        } else if !human {
            HISTORY_TABLE_NONHUMAN.to_string()
        } else {
            HISTORY_TABLE.to_string()
        }
    } else {
        format
    };
    let now = cli.now_ns();
    let rows: Vec<_> = list.as_arr().iter().map(|h| history_ctx(h, !no_trunc, human, now)).collect();
    let out = format::write(&fmt, &rows, &history_header()).map_err(Fail::new)?;
    cli.out(&out);
    Ok(Done::Exit(0))
}

/// `POST /images/create?fromImage=...&tag=...` (with `X-Registry-Auth`); returns the
/// progress stream.
fn image_create(cli: &mut Cli, r: &Reference, platform: &str) -> Result<Vec<u8>, ApiError> {
    let tag = match &r.digest {
        Some(d) => d.clone(),
        None => r.tag.clone().unwrap_or_else(|| "latest".into()),
    };
    let mut q: Vec<(&str, String)> = vec![("fromImage", r.name()), ("tag", tag)];
    if !platform.is_empty() {
        q.push(("platform", platform.to_lowercase()));
    }
    let resp = cli.api.post_with("/images/create", &q, Body::None, &[("X-Registry-Auth", NO_AUTH.to_string())])?;
    Ok(resp.body)
}

/// Shows a JSON message stream; returns its error.
fn show_progress(cli: &mut Cli, stream: &[u8], to_stderr: bool) -> Option<String> {
    let is_tty = if to_stderr { cli.stdout_tty() && cli.ctx.io.err_to_out && cli.ctx.io.err_redirect.is_none() } else { cli.stdout_tty() };
    let term = Term { is_tty, width: cli.ctx.io.cols, now: cli.kernel().now };
    let (text, err) = progress::display(stream, term);
    if to_stderr {
        cli.err(&text);
    } else {
        cli.out(&text);
    }
    err
}

/// The pull `run`/`create` do: progress on stderr (nothing with `-q`).
pub fn pull_for_create(cli: &mut Cli, image: &str, platform: &str, quiet: bool) -> Result<(), String> {
    let r = reference::parse_normalized(image)?;
    let stream = image_create(cli, &r, platform).map_err(|e| e.to_string())?;
    if quiet {
        let (_, err) = progress::display(&stream, Term { is_tty: false, width: 0, now: 0 });
        return match err {
            Some(e) => Err(e),
            None => Ok(()),
        };
    }
    match show_progress(cli, &stream, true) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

pub fn pull(cli: &mut Cli, p: &Parsed) -> R {
    let all = p.on("all-tags");
    let quiet = p.on("quiet");
    let mut r = reference::parse_normalized(&p.args[0]).map_err(Fail::new)?;
    if all && !r.is_name_only() {
        return Err(Fail::new("tag can't be used with --all-tags/-a"));
    }
    if !all && r.is_name_only() {
        r = r.tag_name_only();
        if !quiet {
            cli.out(&format!("Using default tag: {}\n", r.tag.clone().unwrap_or_default()));
        }
    }
    cli.api.init();
    let platform = p.value("platform").unwrap_or("").to_string();
    let mut q: Vec<(&str, String)> = vec![("fromImage", r.name())];
    if !all {
        let tag = match &r.digest {
            Some(d) => d.clone(),
            None => r.tag.clone().unwrap_or_else(|| "latest".into()),
        };
        q.push(("tag", tag));
    }
    if !platform.is_empty() {
        q.push(("platform", platform.to_lowercase()));
    }
    let resp = cli.api.post_with("/images/create", &q, Body::None, &[("X-Registry-Auth", NO_AUTH.to_string())])?;
    let err = if quiet {
        progress::display(&resp.body, Term { is_tty: false, width: 0, now: 0 }).1
    } else {
        show_progress(cli, &resp.body, false)
    };
    if let Some(e) = err {
        return Err(Fail::new(e));
    }
    cli.out(&format!("{}\n", r.full()));
    Ok(Done::Exit(0))
}

pub fn rmi(cli: &mut Cli, p: &Parsed) -> R {
    let force = p.on("force");
    let mut q: Vec<(&str, String)> = Vec::new();
    if force {
        q.push(("force", "1".into()));
    }
    if p.on("no-prune") {
        q.push(("noprune", "1".into()));
    }
    cli.api.init();
    let mut errs: Vec<String> = Vec::new();
    let mut fatal = false;
    for img in &p.args {
        match cli.api.delete(&format!("/images/{img}"), &q).and_then(|r| Api::json(&r)) {
            Ok(dels) => {
                for d in dels.as_arr() {
                    let deleted = d.s("Deleted");
                    if !deleted.is_empty() {
                        cli.out(&format!("Deleted: {deleted}\n"));
                    } else {
                        cli.out(&format!("Untagged: {}\n", d.s("Untagged")));
                    }
                }
            }
            Err(e) => {
                if !e.is_not_found() {
                    fatal = true;
                }
                errs.push(e.to_string());
            }
        }
    }
    if errs.is_empty() {
        return Ok(Done::Exit(0));
    }
    if !force || fatal {
        return Err(Fail::new(errs.join("\n")));
    }
    cli.err(&format!("{}\n", errs.join("\n")));
    Ok(Done::Exit(0))
}

pub fn tag(cli: &mut Cli, p: &Parsed) -> R {
    let (source, target) = (p.args[0].clone(), p.args[1].clone());
    cli.api.init();
    if let Err(e) = reference::parse_normalized(&source) {
        let hex = source.trim_start_matches("sha256:");
        if !(hex.len() == 64 && hex.bytes().all(|c| c.is_ascii_hexdigit())) {
            return Err(Fail::new(format!("Error parsing reference: \"{source}\" is not a valid repository/tag: {e}")));
        }
    }
    let r = reference::parse_normalized(&target).map_err(|e| Fail::new(format!("Error parsing reference: \"{target}\" is not a valid repository/tag: {e}")))?;
    if r.digest.is_some() {
        return Err(Fail::new("refusing to create a tag with a digest reference"));
    }
    let r = r.tag_name_only();
    let mut q: Vec<(&str, String)> = vec![("repo", r.name())];
    if let Some(t) = &r.tag {
        q.push(("tag", t.clone()));
    }
    cli.api.post(&format!("/images/{source}/tag"), &q, Body::None)?;
    Ok(Done::Exit(0))
}

pub fn save(cli: &mut Cli, p: &Parsed) -> R {
    let output = p.value("output").unwrap_or("").to_string();
    if output.is_empty() && cli.stdout_tty() {
        return Err(Fail::new("cowardly refusing to save to a terminal. Use the -o flag or redirect"));
    }
    cli.api.init();
    let q: Vec<(&str, String)> = p.args.iter().map(|n| ("names", n.clone())).collect();
    let resp = cli.api.get("/images/get", &q)?;
    if output.is_empty() {
        cli.out_bytes(&resp.body);
        return Ok(Done::Exit(0));
    }
    atomic_write(cli, &output, &resp.body).map_err(|e| Fail::new(format!("failed to save image: {e}")))?;
    Ok(Done::Exit(0))
}

/// moby's `atomicwriter.New(path, 0o600)`: a new file (mode 0600) replaces the target.
fn atomic_write(cli: &mut Cli, path: &str, data: &[u8]) -> Result<(), String> {
    use crate::kernel::vfs::{split_parent, Node};
    let pid = cli.ctx.pid;
    let (dir, name) = split_parent(path);
    let dir = if path.starts_with('/') || dir != "." { dir.to_string() } else { ".".to_string() };
    let parent = match cli.kernel().resolve(pid, &dir, true) {
        Ok(p) => p,
        Err(_) => return Err(format!("invalid output path: directory \"{dir}\" does not exist")),
    };
    let Some(st) = cli.kernel().stat_loc(&parent.loc) else {
        return Err(format!("invalid output path: directory \"{dir}\" does not exist"));
    };
    if st.ftype != crate::kernel::vfs::FileType::Dir {
        return Err(format!("invalid output path: \"{dir}\" is not a directory"));
    }
    if !cli.kernel().may(pid, &st, 2) {
        return Err(format!("open {dir}/.tmp-{name}: permission denied"));
    }
    let (uid, gid) = cli.kernel().procs.get(&pid).map(|p| (p.uid, p.gid)).unwrap_or((0, 0));
    let now = cli.kernel().now;
    if let Ok(existing) = cli.kernel().resolve(pid, path, false) {
        if cli.kernel().stat_loc(&existing.loc).map(|s| s.ftype == crate::kernel::vfs::FileType::Dir).unwrap_or(false) {
            return Err(format!("rename {path}: file exists"));
        }
        cli.kernel().remove_at(&parent.loc, name).map_err(|e| e.message().to_lowercase())?;
    }
    cli.kernel().create_at(&parent.loc, name, Node::file(data.to_vec(), 0o600, uid, gid, now)).map_err(|e| format!("open {path}: {}", e.message().to_lowercase()))
}

/// A request body as Go sends a file or stdin: `Transfer-Encoding: chunked`, 32 KiB chunks.
fn chunked_body(cli: &mut Cli, path: &str, query: &[(&str, String)], data: &[u8], ctype: Option<&str>) -> Result<crate::http::Response, ApiError> {
    let target = cli.api.target(path, query);
    let mut req = cli.api.request("POST", &target, &Body::None, &[]);
    req.headers.retain(|(k, _)| k != "Content-Length");
    req.headers.push(("Transfer-Encoding".into(), "chunked".into()));
    if let Some(ct) = ctype {
        req.headers.push(("Content-Type".into(), ct.into()));
    }
    let mut body = Vec::with_capacity(data.len() + 64);
    for chunk in data.chunks(32 * 1024) {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    req.body = body;
    cli.api.send(&req)
}

fn read_input(cli: &mut Cli, file: &str) -> Result<Vec<u8>, String> {
    cli.read_file(file).map_err(|e| format!("open {file}: {}", e.message().to_lowercase()))
}

pub fn load(cli: &mut Cli, p: &Parsed) -> R {
    let input = p.value("input").unwrap_or("").to_string();
    let data = if input.is_empty() {
        if cli.ctx.io.stdin_tty {
            return Err(Fail::new("requested load from stdin, but stdin is empty"));
        }
        cli.ctx.io.stdin.clone()
    } else {
        read_input(cli, &input).map_err(Fail::new)?
    };
    let quiet = p.on("quiet") || !cli.stdout_tty();
    cli.api.init();
    let q = vec![("quiet", if quiet { "1" } else { "0" }.to_string())];
    let resp = chunked_body(cli, "/images/load", &q, &data, Some("application/x-tar"))?;
    if resp.header("Content-Type") == Some("application/json") {
        if let Some(e) = show_progress(cli, &resp.body, false) {
            return Err(Fail::new(e));
        }
    } else {
        cli.out_bytes(&resp.body);
    }
    Ok(Done::Exit(0))
}

pub fn import(cli: &mut Cli, p: &Parsed) -> R {
    let source = p.args[0].clone();
    let repo = p.args.get(1).cloned().unwrap_or_default();
    let (data, src_name): (Option<Vec<u8>>, String) = if source == "-" {
        (Some(cli.ctx.io.stdin.clone()), "-".into())
    } else if source.starts_with("http://") || source.starts_with("https://") {
        (None, source.clone())
    } else {
        (Some(read_input(cli, &source).map_err(Fail::new)?), "-".into())
    };
    cli.api.init();
    if !repo.is_empty() {
        reference::parse_normalized(&repo).map_err(Fail::new)?;
    }
    let mut q: Vec<(&str, String)> = vec![("fromSrc", src_name)];
    if !repo.is_empty() {
        q.push(("repo", repo));
    }
    if let Some(m) = p.value("message") {
        if !m.is_empty() {
            q.push(("message", m.to_string()));
        }
    }
    if let Some(pl) = p.value("platform") {
        if !pl.is_empty() {
            q.push(("platform", pl.to_lowercase()));
        }
    }
    for c in p.values("change") {
        q.push(("changes", c));
    }
    let resp = match data {
        Some(d) => chunked_body(cli, "/images/create", &q, &d, Some("text/plain"))?,
        None => cli.api.post("/images/create", &q, Body::None)?,
    };
    if let Some(e) = show_progress(cli, &resp.body, false) {
        return Err(Fail::new(e));
    }
    Ok(Done::Exit(0))
}
