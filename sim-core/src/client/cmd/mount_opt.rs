//! `--mount type=volume|bind,source=...,target=...,readonly` as the CLI's `opts.MountOpt`
//! reads it (CSV fields, `key=value`), into the `mount.Mount` JSON the daemon gets.

use crate::client::json::Json;

/// Go's `strconv.ParseBool`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[derive(Default)]
struct VolumeOptions {
    no_copy: bool,
    labels: Vec<(String, String)>,
    driver: String,
    opts: Vec<(String, String)>,
}

fn set_kv(list: &mut Vec<(String, String)>, kv: &str) {
    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
    list.retain(|(x, _)| x != k);
    list.push((k.to_string(), v.to_string()));
}

/// One `--mount` value; the error is what follows `invalid argument "..." for "--mount" flag: `.
pub fn parse(value: &str, cwd: &str) -> Result<Json, String> {
    let mut kind = "volume".to_string();
    let (mut source, mut target, mut consistency) = (String::new(), String::new(), String::new());
    let mut read_only = false;
    let mut bind: Option<(String, bool)> = None;
    let mut vol: Option<VolumeOptions> = None;
    for field in value.split(',') {
        let Some((key, val)) = field.split_once('=') else {
            match field.to_lowercase().as_str() {
                "readonly" | "ro" => read_only = true,
                "volume-nocopy" => vol.get_or_insert_with(VolumeOptions::default).no_copy = true,
                "bind-nonrecursive" => bind.get_or_insert_with(Default::default).1 = true,
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
            continue;
        };
        let key = key.to_lowercase();
        match key.as_str() {
            "type" => kind = val.to_lowercase(),
            "source" | "src" => {
                source = if val == "." || val.starts_with("./") { super::config::abs_path(cwd, val) } else { val.to_string() };
            }
            "target" | "dst" | "destination" => target = val.to_string(),
            "readonly" | "ro" => read_only = parse_bool(val).ok_or_else(|| format!("invalid value for {key}: {val}"))?,
            "consistency" => consistency = val.to_lowercase(),
            "bind-propagation" => bind.get_or_insert_with(Default::default).0 = val.to_lowercase(),
            "bind-nonrecursive" => bind.get_or_insert_with(Default::default).1 = parse_bool(val).ok_or_else(|| format!("invalid value for {key}: {val}"))?,
            "volume-driver" => vol.get_or_insert_with(VolumeOptions::default).driver = val.to_string(),
            "volume-opt" => set_kv(&mut vol.get_or_insert_with(VolumeOptions::default).opts, val),
            "volume-label" => set_kv(&mut vol.get_or_insert_with(VolumeOptions::default).labels, val),
            "volume-nocopy" => vol.get_or_insert_with(VolumeOptions::default).no_copy = parse_bool(val).ok_or_else(|| format!("invalid value for volume-nocopy: {val}"))?,
            _ => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    if kind.is_empty() {
        return Err("type is required".into());
    }
    if target.is_empty() {
        return Err("target is required".into());
    }
    if vol.is_some() && kind != "volume" {
        return Err(format!("cannot mix 'volume-*' options with mount type '{kind}'"));
    }
    if bind.is_some() && kind != "bind" {
        return Err(format!("cannot mix 'bind-*' options with mount type '{kind}'"));
    }
    let mut f: Vec<(&str, Json)> = vec![("Type", Json::str(&kind))];
    if !source.is_empty() {
        f.push(("Source", Json::str(&source)));
    }
    f.push(("Target", Json::str(&target)));
    if read_only {
        f.push(("ReadOnly", Json::Bool(true)));
    }
    if !consistency.is_empty() {
        f.push(("Consistency", Json::str(&consistency)));
    }
    if let Some((prop, nonrec)) = bind {
        let mut b: Vec<(&str, Json)> = Vec::new();
        if !prop.is_empty() {
            b.push(("Propagation", Json::str(&prop)));
        }
        if nonrec {
            b.push(("NonRecursive", Json::Bool(true)));
        }
        f.push(("BindOptions", Json::obj(b)));
    }
    if let Some(v) = vol {
        let mut o: Vec<(&str, Json)> = Vec::new();
        if v.no_copy {
            o.push(("NoCopy", Json::Bool(true)));
        }
        if !v.labels.is_empty() {
            let mut labels = v.labels.clone();
            labels.sort();
            o.push(("Labels", Json::Obj(labels.into_iter().map(|(k, x)| (k, Json::str(&x))).collect())));
        }
        let mut dc: Vec<(&str, Json)> = Vec::new();
        if !v.driver.is_empty() {
            dc.push(("Name", Json::str(&v.driver)));
        }
        if !v.opts.is_empty() {
            let mut opts = v.opts.clone();
            opts.sort();
            dc.push(("Options", Json::Obj(opts.into_iter().map(|(k, x)| (k, Json::str(&x))).collect())));
        }
        o.push(("DriverConfig", Json::obj(dc)));
        f.push(("VolumeOptions", Json::obj(o)));
    }
    Ok(Json::obj(f))
}
