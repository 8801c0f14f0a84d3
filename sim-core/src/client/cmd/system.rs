//! `docker version` and `docker info` (`cli/command/system`).

use crate::client::api::{Api, ApiError, ClientPlatform, CLIENT_API, CLIENT_VERSION};
use crate::client::args::Parsed;
use crate::client::cli::{Cli, Done, Fail, R};
use crate::client::format::parse_rfc3339;
use crate::client::humanize::bytes_size;
use crate::client::json::Json;
use crate::client::table::TabWriter;
use crate::client::template::value::{MapKind, NilKind, Struct};
use crate::client::template::{Template, V};
use std::rc::Rc;

const GO_VERSION: &str = "go1.24.3";
const GIT_COMMIT: &str = "e6534b4";
const BUILT: &str = "Fri May 30 12:07:14 2025";

/// Go's `time.ANSIC` of an RFC 3339 build time (`Thu May  7 21:09:36 2026`), or the text.
fn reformat_date(s: &str) -> String {
    match parse_rfc3339(s) {
        Some((secs, _)) => {
            let t = crate::clock::tm(secs);
            format!("{} {} {:>2} {:02}:{:02}:{:02} {}", t.wday_name(), t.mon(), t.day, t.hour, t.min, t.sec, t.year)
        }
        None => s.to_string(),
    }
}

fn strukt(name: &str, fields: Vec<(&str, V)>, json: Option<String>) -> V {
    V::Struct(Rc::new(Struct { name: name.into(), fields: fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), json, omitempty: false }))
}

fn client_fields(api_version: &str, platform: ClientPlatform, context: &str) -> Vec<(&'static str, V)> {
    vec![
        ("Platform", V::Nil(NilKind::Ptr)),
        ("Version", V::str(CLIENT_VERSION)),
        ("APIVersion", V::str(api_version)),
        ("DefaultAPIVersion", V::str(CLIENT_API)),
        ("GitCommit", V::str(GIT_COMMIT)),
        ("GoVersion", V::str(GO_VERSION)),
        ("Os", V::str(platform.os)),
        ("Arch", V::str(platform.arch)),
        ("BuildTime", V::str(BUILT)),
        ("Context", V::str(context)),
    ]
}

fn client_json(api_version: &str, platform: ClientPlatform, context: &str) -> String {
    let (os, arch) = (platform.os, platform.arch);
    let context = Json::str(context).encode(true);
    format!(
        "{{\"Version\":\"{CLIENT_VERSION}\",\"ApiVersion\":\"{api_version}\",\"DefaultAPIVersion\":\"{CLIENT_API}\",\"GitCommit\":\"{GIT_COMMIT}\",\"GoVersion\":\"{GO_VERSION}\",\"Os\":\"{os}\",\"Arch\":\"{arch}\",\"BuildTime\":\"{BUILT}\",\"Context\":{context}}}"
    )
}

/// `types.Version` with Go field names, its dates reformatted as the CLI does.
fn server_value(sv: &Json) -> V {
    let comps: Vec<V> = sv
        .get("Components")
        .map(|c| {
            c.as_arr()
                .iter()
                .map(|c| {
                    let details: Vec<(String, V)> = c
                        .get("Details")
                        .map(|d| {
                            d.as_obj()
                                .iter()
                                .map(|(k, v)| {
                                    (k.clone(), V::Str(v.as_str().unwrap_or("").to_string()))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    strukt(
                        "types.ComponentVersion",
                        vec![("Name", V::Str(c.s("Name"))), ("Version", V::Str(c.s("Version"))), ("Details", V::Map(details, MapKind::Typed))],
                        None,
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    strukt(
        "*types.Version",
        vec![
            ("Platform", strukt("struct { Name string }", vec![("Name", V::Str(sv.at(&["Platform", "Name"]).and_then(Json::as_str).unwrap_or("").to_string()))], None)),
            ("Components", V::List(comps, false)),
            ("Version", V::Str(sv.s("Version"))),
            ("APIVersion", V::Str(sv.s("ApiVersion"))),
            ("MinAPIVersion", V::Str(sv.s("MinAPIVersion"))),
            ("GitCommit", V::Str(sv.s("GitCommit"))),
            ("GoVersion", V::Str(sv.s("GoVersion"))),
            ("Os", V::Str(sv.s("Os"))),
            ("Arch", V::Str(sv.s("Arch"))),
            ("KernelVersion", V::Str(sv.s("KernelVersion"))),
            ("Experimental", V::Bool(sv.b("Experimental"))),
            ("BuildTime", V::Str(sv.s("BuildTime"))),
        ],
        None,
    )
}

/// `GET /version`, with the Engine component's build date as the CLI rewrites it (and an
/// Engine component made up from the top-level fields when the daemon sends none).
fn fetch_version(api: &mut Api) -> Result<Json, ApiError> {
    let r = api.get("/version", &[])?;
    let mut sv = Api::json(&r)?;
    let top = sv.clone();
    if let Some(Json::Arr(comps)) = sv.get_mut("Components") {
        match comps.iter_mut().find(|c| c.s("Name") == "Engine") {
            Some(engine) => {
                if let Some(bt) = engine.get_mut("Details").and_then(|d| d.get_mut("BuildTime")) {
                    *bt = Json::Str(reformat_date(bt.as_str().unwrap_or("")));
                }
            }
            None => {
                let details: Vec<(String, Json)> = [
                    ("ApiVersion", top.s("ApiVersion")),
                    ("Arch", top.s("Arch")),
                    ("BuildTime", reformat_date(&top.s("BuildTime"))),
                    ("Experimental", top.b("Experimental").to_string()),
                    ("GitCommit", top.s("GitCommit")),
                    ("GoVersion", top.s("GoVersion")),
                    ("MinAPIVersion", top.s("MinAPIVersion")),
                    ("Os", top.s("Os")),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), Json::Str(v)))
                .collect();
                comps.push(Json::obj(vec![("Name", Json::str("Engine")), ("Version", Json::Str(top.s("Version"))), ("Details", Json::Obj(details))]));
            }
        }
    }
    Ok(sv)
}

pub fn version(cli: &mut Cli, p: &Parsed) -> R {
    let format = p.value("format").unwrap_or("").to_string();
    let custom = match format.as_str() {
        "" => None,
        "json" => Some("{{json .}}".to_string()),
        f => Some(f.to_string()),
    };
    let tmpl = match &custom {
        Some(f) => match Template::parse_named("version", f) {
            Ok(t) => Some(t),
            Err(e) => return Err(Fail::code(format!("template parsing error: {e}"), 64)),
        },
        None => None,
    };
    cli.api.init();
    let api_version = cli.api.version.clone();
    let server = fetch_version(&mut cli.api);
    match tmpl {
        None => {
            let mut s = String::from("Client:\n");
            s.push_str(&format!(" Version:\t{CLIENT_VERSION}\n"));
            s.push_str(&format!(" API version:\t{api_version}"));
            if api_version != CLIENT_API {
                s.push_str(&format!(" (downgraded from {CLIENT_API})"));
            }
            s.push_str(&format!("\n Go version:\t{GO_VERSION}\n Git commit:\t{GIT_COMMIT}\n Built:\t{BUILT}\n OS/Arch:\t{}/{}\n Context:\t{}", cli.api.platform.os, cli.api.platform.arch, cli.context.name));
            if let Ok(sv) = &server {
                let pname = sv.at(&["Platform", "Name"]).and_then(Json::as_str).unwrap_or("");
                s.push_str("\n\nServer:");
                if !pname.is_empty() {
                    s.push(' ');
                    s.push_str(pname);
                }
                for c in sv.get("Components").map(Json::as_arr).unwrap_or(&[]) {
                    let name = c.s("Name");
                    let d = c.get("Details").cloned().unwrap_or(Json::Obj(Vec::new()));
                    s.push_str(&format!("\n {name}:"));
                    if name == "Engine" {
                        s.push_str(&format!("\n  Version:\t{}", c.s("Version")));
                        s.push_str(&format!("\n  API version:\t{} (minimum version {})", d.s("ApiVersion"), d.s("MinAPIVersion")));
                        s.push_str(&format!("\n  Go version:\t{}", d.s("GoVersion")));
                        s.push_str(&format!("\n  Git commit:\t{}", d.s("GitCommit")));
                        s.push_str(&format!("\n  Built:\t{}", reformat_date(&d.s("BuildTime"))));
                        s.push_str(&format!("\n  OS/Arch:\t{}/{}", d.s("Os"), d.s("Arch")));
                        s.push_str(&format!("\n  Experimental:\t{}", d.s("Experimental")));
                    } else {
                        s.push_str(&format!("\n  Version:\t{}", c.s("Version")));
                        let mut keys: Vec<&String> = d.as_obj().iter().map(|(k, _)| k).collect();
                        keys.sort();
                        for k in keys {
                            s.push_str(&format!("\n  {k}:\t{}", d.s(k)));
                        }
                    }
                }
            }
            s.push('\n');
            let mut tw = TabWriter::new(20, 1);
            tw.write(&s);
            cli.out(&tw.finish());
        }
        Some(t) => {
            let (server_v, server_json) = match &server {
                Ok(sv) => (server_value(sv), sv.encode(false)),
                Err(_) => (V::Nil(NilKind::Ptr), "null".into()),
            };
            let data = strukt(
                "system.versionInfo",
                vec![("Client", strukt("system.clientVersion", client_fields(&api_version, cli.api.platform, &cli.context.name), Some(client_json(&api_version, cli.api.platform, &cli.context.name)))), ("Server", server_v)],
                Some(format!("{{\"Client\":{},\"Server\":{}}}", client_json(&api_version, cli.api.platform, &cli.context.name), server_json)),
            );
            let (out, err) = t.execute_opts(&data, Default::default());
            let mut tw = TabWriter::new(20, 1);
            tw.write(&out);
            tw.write("\n");
            cli.out(&tw.finish());
            if let Some(e) = err {
                return Err(Fail::new(e));
            }
        }
    }
    match server {
        Ok(_) => Ok(Done::Exit(0)),
        Err(e) => Err(e.into()),
    }
}

pub fn info(cli: &mut Cli, p: &Parsed) -> R {
    let format = p.value("format").unwrap_or("").to_string();
    cli.api.init();
    let res = cli.api.get("/info", &[]).and_then(|r| Api::json(&r));
    if !format.is_empty() {
        // runInfo: the server's info (a connection error is kept for the end), then the
        // template (a parse error is a status 64), both errors joined.
        let mut conn_err = None;
        let info = match res {
            Ok(i) => i,
            Err(ApiError::Connect(m)) => {
                conn_err = Some(m);
                Json::Obj(Vec::new())
            }
            Err(e) => {
                cli.err(&format!("{e}\n"));
                Json::Obj(Vec::new())
            }
        };
        let f = if format == "json" { "{{json .}}".to_string() } else { format };
        let (fmt_err, code) = match Template::parse(&f) {
            Err(e) => (Some(format!("template parsing error: {e}")), 64),
            Ok(t) => {
                let data = crate::client::template::typed(&info, crate::client::template::Typing::Generic);
                let (out, err) = t.execute_opts(&data, Default::default());
                cli.out(&out);
                cli.out("\n");
                (err, 1)
            }
        };
        let msgs: Vec<String> = conn_err.into_iter().chain(fmt_err).collect();
        return if msgs.is_empty() { Ok(Done::Exit(0)) } else { Err(Fail::code(msgs.join("\n"), if code == 64 { 64 } else { 1 })) };
    }
    let mut o = String::new();
    o.push_str("Client:\n");
    o.push_str(&format!(" Version:    {CLIENT_VERSION}\n Context:    {}\n Debug Mode: false\n", cli.context.name));
    o.push_str("\nServer:\n");
    let (conn_err, server_err) = match &res {
        Ok(i) => {
            server_info(i, &mut o);
            (None, None)
        }
        Err(ApiError::Connect(m)) => (Some(m.clone()), None),
        Err(e) => (None, Some(e.to_string())),
    };
    cli.out(&o);
    if let Ok(i) = &res {
        for w in i.strings("Warnings") {
            cli.err(&format!("{w}\n"));
        }
    }
    if let Some(e) = server_err {
        cli.err(&format!("ERROR: {e}\n"));
        return Err(Fail::new("errors pretty printing info"));
    }
    if let Some(m) = conn_err {
        return Err(Fail::new(m));
    }
    Ok(Done::Exit(0))
}

fn server_info(i: &Json, o: &mut String) {
    let ln = |o: &mut String, label: &str, v: String| o.push_str(&format!("{label} {v}\n"));
    let nonempty = |o: &mut String, label: &str, v: String| {
        if !v.is_empty() {
            o.push_str(&format!("{label} {v}\n"));
        }
    };
    ln(o, " Containers:", i.i("Containers").to_string());
    ln(o, "  Running:", i.i("ContainersRunning").to_string());
    ln(o, "  Paused:", i.i("ContainersPaused").to_string());
    ln(o, "  Stopped:", i.i("ContainersStopped").to_string());
    ln(o, " Images:", i.i("Images").to_string());
    nonempty(o, " Server Version:", i.s("ServerVersion"));
    nonempty(o, " Storage Driver:", i.s("Driver"));
    for pair in i.get("DriverStatus").map(Json::as_arr).unwrap_or(&[]) {
        let a = pair.as_arr();
        o.push_str(&format!("  {}: {}\n", a.first().and_then(Json::as_str).unwrap_or(""), a.get(1).and_then(Json::as_str).unwrap_or("")));
    }
    for pair in i.get("SystemStatus").map(Json::as_arr).unwrap_or(&[]) {
        let a = pair.as_arr();
        o.push_str(&format!(" {}: {}\n", a.first().and_then(Json::as_str).unwrap_or(""), a.get(1).and_then(Json::as_str).unwrap_or("")));
    }
    nonempty(o, " Logging Driver:", i.s("LoggingDriver"));
    nonempty(o, " Cgroup Driver:", i.s("CgroupDriver"));
    nonempty(o, " Cgroup Version:", i.s("CgroupVersion"));
    o.push_str(" Plugins:\n");
    let plugins = i.get("Plugins").cloned().unwrap_or(Json::Null);
    ln(o, "  Volume:", plugins.strings("Volume").join(" "));
    ln(o, "  Network:", plugins.strings("Network").join(" "));
    let authz = plugins.strings("Authorization");
    if !authz.is_empty() {
        ln(o, "  Authorization:", authz.join(" "));
    }
    ln(o, "  Log:", plugins.strings("Log").join(" "));
    let swarm = i.get("Swarm").cloned().unwrap_or(Json::Null);
    ln(o, " Swarm:", swarm.s("LocalNodeState"));
    let state = swarm.s("LocalNodeState");
    if state != "inactive" && state != "locked" {
        ln(o, "  NodeID:", swarm.s("NodeID"));
        if !swarm.s("Error").is_empty() {
            ln(o, "  Error:", swarm.s("Error"));
        }
        ln(o, "  Is Manager:", swarm.b("ControlAvailable").to_string());
        ln(o, "  Node Address:", swarm.s("NodeAddr"));
    }
    let runtimes: Vec<String> = i.get("Runtimes").map(|r| r.as_obj().iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default();
    if !runtimes.is_empty() {
        ln(o, " Runtimes:", runtimes.join(" "));
        ln(o, " Default Runtime:", i.s("DefaultRuntime"));
    }
    if i.s("OSType") == "linux" {
        ln(o, " Init Binary:", i.s("InitBinary"));
        ln(o, " containerd version:", i.at(&["ContainerdCommit", "ID"]).and_then(Json::as_str).unwrap_or("").to_string());
        ln(o, " runc version:", i.at(&["RuncCommit", "ID"]).and_then(Json::as_str).unwrap_or("").to_string());
        ln(o, " init version:", i.at(&["InitCommit", "ID"]).and_then(Json::as_str).unwrap_or("").to_string());
        let secopts = i.strings("SecurityOptions");
        if !secopts.is_empty() {
            o.push_str(" Security Options:\n");
            for so in secopts {
                let mut name = String::new();
                let mut profile = None;
                for kv in so.split(',') {
                    match kv.split_once('=') {
                        Some(("name", v)) => name = v.to_string(),
                        Some(("profile", v)) => profile = Some(v.to_string()),
                        _ => {}
                    }
                }
                o.push_str(&format!("  {name}\n"));
                if let Some(p) = profile {
                    o.push_str(&format!("   Profile: {p}\n"));
                }
            }
        }
    }
    nonempty(o, " Kernel Version:", i.s("KernelVersion"));
    nonempty(o, " Operating System:", i.s("OperatingSystem"));
    nonempty(o, " OSType:", i.s("OSType"));
    nonempty(o, " Architecture:", i.s("Architecture"));
    ln(o, " CPUs:", i.i("NCPU").to_string());
    ln(o, " Total Memory:", bytes_size(i.i("MemTotal") as f64));
    nonempty(o, " Name:", i.s("Name"));
    nonempty(o, " ID:", i.s("ID"));
    ln(o, " Docker Root Dir:", i.s("DockerRootDir"));
    ln(o, " Debug Mode:", i.b("Debug").to_string());
    if i.b("Debug") {
        ln(o, "  File Descriptors:", i.i("NFd").to_string());
        ln(o, "  Goroutines:", i.i("NGoroutines").to_string());
        ln(o, "  System Time:", i.s("SystemTime"));
        ln(o, "  EventsListeners:", i.i("NEventsListener").to_string());
    }
    nonempty(o, " HTTP Proxy:", i.s("HttpProxy"));
    nonempty(o, " HTTPS Proxy:", i.s("HttpsProxy"));
    nonempty(o, " No Proxy:", i.s("NoProxy"));
    let labels = i.strings("Labels");
    if !labels.is_empty() {
        o.push_str(" Labels:\n");
        for l in labels {
            o.push_str(&format!("  {l}\n"));
        }
    }
    ln(o, " Experimental:", i.b("ExperimentalBuild").to_string());
    let reg = i.get("RegistryConfig").cloned().unwrap_or(Json::Null);
    let cidrs = reg.get("InsecureRegistryCIDRs").map(|c| c.as_arr().to_vec()).unwrap_or_default();
    let index = reg.get("IndexConfigs").map(|c| c.as_obj().to_vec()).unwrap_or_default();
    if !cidrs.is_empty() || !index.is_empty() {
        o.push_str(" Insecure Registries:\n");
        let mut idx = index.clone();
        idx.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, rc) in &idx {
            if !rc.b("Secure") {
                o.push_str(&format!("  {}\n", rc.s("Name")));
            }
        }
        for c in &cidrs {
            match c {
                Json::Str(s) => o.push_str(&format!("  {s}\n")),
                other => o.push_str(&format!("  {}/{}\n", other.s("IP"), other.i("Mask"))),
            }
        }
    }
    let mirrors = reg.strings("Mirrors");
    if !mirrors.is_empty() {
        o.push_str(" Registry Mirrors:\n");
        for m in mirrors {
            o.push_str(&format!("  {m}\n"));
        }
    }
    ln(o, " Live Restore Enabled:", i.b("LiveRestoreEnabled").to_string());
    if !i.s("ProductLicense").is_empty() {
        ln(o, " Product License:", i.s("ProductLicense"));
    }
    let pools = i.get("DefaultAddressPools").map(|p| p.as_arr().to_vec()).unwrap_or_default();
    if !pools.is_empty() {
        o.push_str(" Default Address Pools:\n");
        for p in pools {
            o.push_str(&format!("   Base: {}, Size: {}\n", p.s("Base"), p.i("Size")));
        }
    }
    o.push('\n');
}
