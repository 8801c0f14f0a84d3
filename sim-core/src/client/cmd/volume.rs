//! `docker volume create/ls/inspect/rm/prune` (`cli/command/volume`) and the volume rows'
//! formatter context (`cli/command/formatter/volume.go`).

use super::config::kv_map;
use super::containers::filters_json;
use crate::client::api::{Api, Body};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format;
use crate::client::humanize::human_size_precision;
use crate::client::json::Json;
use crate::client::template::{context, header, V};
use crate::sort::SortSlice;

pub const VOLUME_TABLE: &str = "table {{.Driver}}\t{{.Name}}";

pub fn volume_header() -> V {
    header(&[
        ("Name", "VOLUME NAME"),
        ("Driver", "DRIVER"),
        ("Scope", "SCOPE"),
        ("Mountpoint", "MOUNTPOINT"),
        ("Labels", "LABELS"),
        ("Links", "LINKS"),
        ("Size", "SIZE"),
        ("Group", "GROUP"),
        ("Availability", "AVAILABILITY"),
        ("Status", "STATUS"),
    ])
}

/// One volume row: `Links` and `Size` come from `UsageData` (`docker system df -v`), else N/A.
pub fn volume_ctx(v: &Json) -> V {
    let labels: Vec<(String, String)> = v.get("Labels").map(|l| l.as_obj().iter().map(|(k, x)| (k.clone(), x.as_str().unwrap_or("").to_string())).collect()).unwrap_or_default();
    let usage = v.get("UsageData").filter(|u| !u.is_null());
    let links = usage.map(|u| u.i("RefCount").to_string()).unwrap_or_else(|| "N/A".into());
    let size = match usage.map(|u| u.i("Size")) {
        Some(n) if n >= 0 => human_size_precision(n as f64, 3),
        _ => "N/A".into(),
    };
    context(
        "*formatter.volumeContext",
        vec![
            ("Availability", V::Str("N/A".into())),
            ("Driver", V::Str(v.s("Driver"))),
            ("Group", V::Str("N/A".into())),
            ("Label", V::Map(labels.iter().map(|(k, x)| (k.clone(), V::Str(x.clone()))).collect(), crate::client::template::value::MapKind::Typed)),
            ("Labels", V::Str(labels.iter().map(|(k, x)| format!("{k}={x}")).collect::<Vec<_>>().join(","))),
            ("Links", V::Str(links)),
            ("Mountpoint", V::Str(v.s("Mountpoint"))),
            ("Name", V::Str(v.s("Name"))),
            ("Scope", V::Str(v.s("Scope"))),
            ("Size", V::Str(size)),
            ("Status", V::Str("N/A".into())),
        ],
    )
}

pub fn create(cli: &mut Cli, p: &Parsed) -> R {
    let mut body: Vec<(&str, Json)> = vec![("Driver", Json::str(p.value("driver").unwrap_or("local")))];
    let opts = p.values("opt");
    if !opts.is_empty() {
        body.push(("DriverOpts", kv_map(&opts)));
    }
    let labels = p.values("label");
    if !labels.is_empty() {
        body.push(("Labels", kv_map(&labels)));
    }
    if let Some(name) = p.args.first().filter(|n| !n.is_empty()) {
        body.push(("Name", Json::str(name)));
    }
    cli.api.init();
    let resp = cli.api.post("/volumes/create", &[], Body::Json(Json::obj(body)))?;
    let v = Api::json(&resp)?;
    cli.out(&format!("{}\n", v.s("Name")));
    Ok(Done::Exit(0))
}

pub fn ls(cli: &mut Cli, p: &Parsed) -> R {
    let quiet = p.on("quiet");
    let format = p.value("format").unwrap_or("").to_string();
    let mut q: Vec<(&str, String)> = Vec::new();
    if let Some(f) = filters_json(&p.values("filter")) {
        q.push(("filters", f));
    }
    cli.api.init();
    let resp = cli.api.get("/volumes", &q)?;
    let list = Api::json(&resp)?;
    let mut vols: Vec<Json> = list.get("Volumes").map(|v| v.as_arr().to_vec()).unwrap_or_default();
    vols.sort_stable_by(|a, b| format::natural_cmp(&a.s("Name"), &b.s("Name")));
    let fmt = if format.is_empty() || format == "table" {
        if quiet {
            "{{.Name}}".to_string()
        } else {
            VOLUME_TABLE.to_string()
        }
    } else {
        format
    };
    let rows: Vec<V> = vols.iter().map(volume_ctx).collect();
    let out = format::write(&fmt, &rows, &volume_header()).map_err(Fail::new)?;
    cli.out(&out);
    Ok(Done::Exit(0))
}

pub fn rm(cli: &mut Cli, p: &Parsed) -> R {
    let q: Vec<(&str, String)> = if p.on("force") { vec![("force", "1".into())] } else { Vec::new() };
    cli.api.init();
    let mut errs: Vec<String> = Vec::new();
    for name in &p.args {
        match cli.api.delete(&format!("/volumes/{name}"), &q) {
            Ok(_) => cli.out(&format!("{name}\n")),
            Err(e) => errs.push(e.to_string()),
        }
    }
    if !errs.is_empty() {
        return Err(Fail::new(errs.join("\n")));
    }
    Ok(Done::Exit(0))
}

pub fn prune(cli: &mut Cli, p: &Parsed) -> R {
    let mut q: Vec<(&str, String)> = Vec::new();
    if let Some(f) = filters_json(&p.values("filter")) {
        q.push(("filters", f));
    }
    cli.api.init();
    if !p.on("force") {
        cli.out("WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ");
        // At the terminal nothing is typed ahead: the answer is an Enter (No), echoed.
        if cli.ctx.io.stdin_tty {
            cli.out("\n");
        }
        let input = String::from_utf8_lossy(&cli.ctx.io.stdin).to_string();
        let answer = input.lines().next().unwrap_or("").trim().to_lowercase();
        if answer != "y" && answer != "yes" {
            return Ok(Done::Exit(0));
        }
    }
    let resp = cli.api.post("/volumes/prune", &q, Body::None)?;
    let j = Api::json(&resp)?;
    let deleted: Vec<String> = j.get("VolumesDeleted").map(|d| d.as_arr().iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default();
    let mut out = String::new();
    if !deleted.is_empty() {
        out.push_str("Deleted Volumes:\n");
        for n in &deleted {
            out.push_str(n);
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str(&format!("Total reclaimed space: {}\n", crate::client::humanize::human_size(j.i("SpaceReclaimed") as f64)));
    cli.out(&out);
    Ok(Done::Exit(0))
}
