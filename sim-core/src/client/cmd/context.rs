//! `docker context ls|use|show|inspect|create|rm` (`cli/command/context`): the contexts
//! live in the user's `~/.docker` (see [`crate::client::context`]); none of these talks to
//! the daemon.

use crate::client::args::Parsed;
use crate::client::cli::{home_dir, Cli, Done, Fail, R};
use crate::client::cmd::inspect::Inspector;
use crate::client::context::{check_name, normalize_host, Context, Store, DEFAULT_DESCRIPTION, DEFAULT_NAME};
use crate::client::format;
use crate::client::json::Json;
use crate::client::template::{context as row, header, Typing, V};

const TABLE: &str = "table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}";

fn store(cli: &Cli) -> Store {
    Store { home: home_dir(cli.ctx) }
}

fn env_host(cli: &Cli) -> Option<String> {
    cli.ctx.getenv("DOCKER_HOST").filter(|h| !h.is_empty()).map(str::to_string)
}

/// The `default` context: what `-H`/`DOCKER_HOST` say, else the default socket.
fn default_context(cli: &Cli) -> Context {
    let host = if cli.context.name == DEFAULT_NAME { cli.context.host.clone() } else { env_host(cli).map(|h| normalize_host(&h)).unwrap_or_else(|| crate::client::context::DEFAULT_HOST.into()) };
    Context { name: DEFAULT_NAME.into(), description: DEFAULT_DESCRIPTION.into(), host }
}

/// Every context, `default` first, then the stored ones by name.
fn all(cli: &mut Cli) -> Vec<Context> {
    let mut v = vec![default_context(cli)];
    let (pid, st) = (cli.ctx.pid, store(cli));
    v.extend(st.list(cli.kernel(), pid));
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

fn load(cli: &mut Cli, name: &str) -> Result<Context, String> {
    if name == DEFAULT_NAME {
        return Ok(default_context(cli));
    }
    let (pid, st) = (cli.ctx.pid, store(cli));
    st.load(cli.kernel(), pid, name)
}

pub fn ls(cli: &mut Cli, p: &Parsed) -> R {
    let format = p.value("format").unwrap_or("").to_string();
    let fmt = match (p.on("quiet"), format.as_str()) {
        (true, _) => "{{.Name}}".to_string(),
        (false, "" | "table") => TABLE.to_string(),
        (false, f) => f.to_string(),
    };
    let current = cli.context.name.clone();
    let mut rows = Vec::new();
    let mut listed_current = false;
    for c in all(cli) {
        let is_current = c.name == current;
        listed_current |= is_current;
        rows.push(ctx_row(&c.name, &c.description, &c.host, is_current, ""));
    }
    // A current context whose files are gone is listed with the error.
    if let (false, Some(e)) = (listed_current, cli.context.error.clone()) {
        rows.push(ctx_row(&current, "", "", true, &e));
    }
    // No header for Current: `{{if .Current}}` is false in the header row.
    let hdr = header(&[("Name", "NAME"), ("Description", "DESCRIPTION"), ("DockerEndpoint", "DOCKER ENDPOINT"), ("Error", "ERROR")]);
    let out = format::write(&fmt, &rows, &hdr).map_err(Fail::new)?;
    cli.out(&out);
    if env_host(cli).is_some() && p.value("format").is_none() && !p.on("quiet") {
        cli.err("Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.\n");
    }
    Ok(Done::Exit(0))
}

fn ctx_row(name: &str, description: &str, host: &str, current: bool, error: &str) -> V {
    row(
        "*context.ClientContext",
        vec![
            ("Current", V::Bool(current)),
            ("Description", V::str(description)),
            ("DockerEndpoint", V::str(host)),
            ("Error", V::str(error)),
            ("Name", V::str(name)),
        ],
    )
}

pub fn show(cli: &mut Cli, _p: &Parsed) -> R {
    let name = cli.context.name.clone();
    cli.out(&format!("{name}\n"));
    Ok(Done::Exit(0))
}

pub fn use_(cli: &mut Cli, p: &Parsed) -> R {
    let name = p.args[0].clone();
    if name != DEFAULT_NAME {
        check_name(&name).map_err(Fail::new)?;
        load(cli, &name).map_err(Fail::new)?;
    }
    let (pid, st) = (cli.ctx.pid, store(cli));
    st.set_current(cli.kernel(), pid, &name).map_err(Fail::new)?;
    cli.out(&format!("{name}\n"));
    cli.err(&format!("Current context is now \"{name}\"\n"));
    if env_host(cli).is_some() {
        cli.err(&format!("Warning: DOCKER_HOST environment variable overrides the active context. To use \"{name}\", either set the global --context flag, or unset DOCKER_HOST environment variable.\n"));
    }
    Ok(Done::Exit(0))
}

/// The document `docker context inspect` prints for one context.
fn inspect_doc(st: &Store, c: &Context) -> Json {
    let (meta_path, tls_path) = if c.name == DEFAULT_NAME { ("<IN MEMORY>".to_string(), "<IN MEMORY>".to_string()) } else { (st.meta_dir(&c.name), st.tls_dir(&c.name)) };
    let metadata = if c.description.is_empty() || c.name == DEFAULT_NAME { Json::Obj(Vec::new()) } else { Json::obj(vec![("Description", Json::str(&c.description))]) };
    Json::obj(vec![
        ("Name", Json::str(&c.name)),
        ("Metadata", metadata),
        ("Endpoints", Json::obj(vec![("docker", Json::obj(vec![("Host", Json::str(&c.host)), ("SkipTLSVerify", Json::Bool(false))]))])),
        ("TLSMaterial", Json::Obj(Vec::new())),
        ("Storage", Json::obj(vec![("MetadataPath", Json::str(&meta_path)), ("TLSPath", Json::str(&tls_path))])),
    ])
}

pub fn inspect(cli: &mut Cli, p: &Parsed) -> R {
    let mut ins = Inspector::new(p.value("format").unwrap_or(""))?;
    let names = if p.args.is_empty() { vec![cli.context.name.clone()] } else { p.args.clone() };
    let st = store(cli);
    let mut errs = Vec::new();
    for n in &names {
        match load(cli, n) {
            Ok(c) => {
                if let Err(e) = ins.inspect(inspect_doc(&st, &c).encode(true).as_bytes(), Typing::Generic) {
                    errs.push(e);
                }
            }
            Err(e) => errs.push(e),
        }
    }
    cli.out_bytes(&ins.flush());
    if errs.is_empty() {
        Ok(Done::Exit(0))
    } else {
        Err(Fail::new(errs.join("\n")))
    }
}

pub fn create(cli: &mut Cli, p: &Parsed) -> R {
    let name = p.args[0].clone();
    check_name(&name).map_err(Fail::new)?;
    let mut host = None;
    for kv in p.values("docker").iter().flat_map(|v| v.split(',').map(str::to_string).collect::<Vec<_>>()) {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(cli.flag_error(&format!("invalid argument \"{kv}\" for \"--docker\" flag: {kv} must be formatted as key=value")));
        };
        match k {
            "host" => {
                if !v.contains("://") && !v.starts_with('/') {
                    return Err(Fail::new(format!("unable to create docker endpoint config: unable to apply docker endpoint options: unable to parse docker host `{v}`")));
                }
                host = Some(normalize_host(v));
            }
            "from" | "ca" | "cert" | "key" | "skip-tls-verify" => {}
            other => return Err(Fail::new(format!("unable to create docker endpoint config: unrecognized config key: {other}"))),
        }
    }
    if load(cli, &name).is_ok() {
        return Err(Fail::new(format!("context \"{name}\" already exists")));
    }
    // Without --docker the new context copies the endpoint (and description) in use.
    let base = match host {
        Some(h) => Context { name: name.clone(), description: String::new(), host: h },
        None => {
            let cur = cli.context.name.clone();
            let c = load(cli, &cur).map_err(Fail::new)?;
            Context { name: name.clone(), ..c }
        }
    };
    let description = p.value("description").map(str::to_string).unwrap_or(base.description.clone());
    let c = Context { description, ..base };
    let (pid, st) = (cli.ctx.pid, store(cli));
    st.save(cli.kernel(), pid, &c).map_err(Fail::new)?;
    cli.out(&format!("{name}\n"));
    cli.err(&format!("Successfully created context \"{name}\"\n"));
    Ok(Done::Exit(0))
}

pub fn rm(cli: &mut Cli, p: &Parsed) -> R {
    let force = p.on("force");
    let mut errs = Vec::new();
    for name in &p.args {
        if name == DEFAULT_NAME {
            errs.push(format!("context \"{name}\" cannot be removed"));
            continue;
        }
        if *name == cli.context.name && !force {
            errs.push(format!("context \"{name}\" is in use, set -f flag to force remove"));
            continue;
        }
        if load(cli, name).is_err() {
            if !force {
                errs.push(format!("context \"{name}\" does not exist"));
            } else {
                cli.out(&format!("{name}\n"));
            }
            continue;
        }
        let (pid, st) = (cli.ctx.pid, store(cli));
        if *name == cli.context.name {
            st.set_current(cli.kernel(), pid, DEFAULT_NAME).map_err(Fail::new)?;
        }
        match st.remove(cli.kernel(), pid, name) {
            Ok(()) => cli.out(&format!("{name}\n")),
            Err(e) => errs.push(e),
        }
    }
    if errs.is_empty() {
        Ok(Done::Exit(0))
    } else {
        Err(Fail::new(errs.join("\n")))
    }
}
