//! A container's mount points, as dockerd 20.10 makes them at create
//! (`registerMountPoints`, `volume/mounts/linux_parser.go`): `HostConfig.Binds`
//! (`-v SRC:DST[:MODE]`), `HostConfig.Mounts` (`--mount`) and `Config.Volumes` (anonymous
//! `-v /path` and the image's `VOLUME`), with the parser's error texts; and their JSON in
//! `inspect` and in the container list.

use serde_json::{json, Value};

use super::volumes::{self, VOLUMES};
use super::Dockerd;
use crate::kernel::Kernel;

/// dockerd's data root: a bind of it or of a directory above it gets `rslave` propagation.
const DAEMON_ROOT: &str = "/var/lib/docker";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountPoint {
    /// `volume` or `bind`.
    pub kind: String,
    /// The volume's name (volumes only).
    pub volume: Option<String>,
    /// The host path as dockerd keeps it in `MountPoint.Source`: the bind's source, a
    /// volume's `_data` (empty for `Config.Volumes`' anonymous volumes).
    pub source: String,
    pub destination: String,
    pub mode: String,
    pub rw: bool,
    pub propagation: String,
    /// A new volume is filled from the image's content at the destination.
    pub copy_data: bool,
    /// No source was named: `docker rm -v` and `--rm` remove the volume.
    pub anonymous: bool,
}

impl MountPoint {
    /// The host directory (or file) the mount shows.
    pub fn host_path(&self) -> String {
        match &self.volume {
            Some(name) => format!("{VOLUMES}/{name}/_data"),
            None => self.source.clone(),
        }
    }
}

/// `path.Clean` for the absolute paths here.
pub fn clean(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if p.starts_with('/') {
        format!("/{}", out.join("/"))
    } else {
        out.join("/")
    }
}

const PROPAGATIONS: &[&str] = &["private", "rprivate", "shared", "rshared", "slave", "rslave"];

/// `ValidMountMode`: comma-separated, at most one of each kind.
fn valid_mode(mode: &str) -> bool {
    if mode.is_empty() {
        return true;
    }
    let mut counts = [0; 5];
    for o in mode.split(',') {
        let kind = match o {
            "rw" | "ro" => 0,
            "z" | "Z" => 1,
            _ if PROPAGATIONS.contains(&o) => 2,
            "nocopy" => 3,
            "consistent" | "cached" | "delegated" => 4,
            _ => return false,
        };
        counts[kind] += 1;
    }
    counts.iter().all(|n| *n <= 1)
}

/// A `mount.Mount` as the parser validates it.
struct Spec {
    kind: String,
    source: String,
    target: String,
    read_only: bool,
    propagation: Option<String>,
    no_copy: bool,
    has_volume_options: bool,
    labels: Option<std::collections::BTreeMap<String, String>>,
}

fn config_error(kind: &str, e: &str) -> String {
    format!("invalid mount config for type \"{kind}\": {e}")
}

/// `linuxValidateMountConfig`.
fn validate(k: &Kernel, daemon: crate::kernel::Pid, s: &Spec, bind_source_must_exist: bool) -> Result<(), String> {
    let err = |e: &str| Err(config_error(&s.kind, e));
    if s.target.is_empty() {
        return err("field Target must not be empty");
    }
    if clean(&s.target) == "/" {
        return err("invalid specification: destination can't be '/'");
    }
    if !s.target.starts_with('/') {
        return err(&format!("invalid mount path: '{}' mount path must be absolute", s.target));
    }
    match s.kind.as_str() {
        "bind" => {
            if s.source.is_empty() {
                return err("field Source must not be empty");
            }
            if let Some(p) = s.propagation.as_deref().filter(|p| !p.is_empty()) {
                if !PROPAGATIONS.contains(&p) {
                    return err(&format!("invalid propagation mode: {p}"));
                }
            }
            if s.has_volume_options {
                return err("field VolumeOptions must not be specified");
            }
            if !s.source.starts_with('/') {
                return err(&format!("invalid mount path: '{}' mount path must be absolute", s.source));
            }
            if bind_source_must_exist && k.resolve(daemon, &s.source, true).is_err() {
                return err(&format!("bind source path does not exist: {}", s.source));
            }
        }
        "volume" => {
            if s.propagation.is_some() {
                return err("field BindOptions must not be specified");
            }
            if s.source.is_empty() && s.read_only {
                return err("must not set ReadOnly mode when using anonymous volumes");
            }
        }
        _ => return err("mount type unknown"),
    }
    Ok(())
}

/// `validateBindDaemonRoot`: a bind of a directory in or above the daemon's root must not be
/// private (it would hold the daemon's mounts): an unset propagation becomes `rslave`
/// (`mount_point`), a private or plain slave/shared one is refused.
fn check_daemon_root(s: &Spec) -> Result<(), (u16, String)> {
    if s.kind != "bind" || !(s.source.starts_with(DAEMON_ROOT) || DAEMON_ROOT.starts_with(&s.source)) {
        return Ok(());
    }
    match s.propagation.as_deref() {
        None | Some("" | "rslave" | "rshared") => Ok(()),
        Some(p) => Err((400, format!("invalid mount config: must use either propagation mode \"rslave\" or \"rshared\" when mount source is within the daemon root, daemon root: \"{DAEMON_ROOT}\", bind mount source: \"{}\", propagation: \"{p}\"", s.source))),
    }
}

/// `parseMountSpec`: the mount point a valid spec makes (a volume not yet created).
fn mount_point(s: &Spec) -> MountPoint {
    let destination = clean(&s.target);
    if s.kind == "bind" {
        let mut propagation = s.propagation.clone().filter(|p| !p.is_empty()).unwrap_or_else(|| "rprivate".into());
        let src = clean(&s.source);
        // validateBindDaemonRoot: a source in or above the daemon's root is made rslave.
        if s.propagation.as_deref().is_none_or(str::is_empty) && (DAEMON_ROOT.starts_with(&src) || src.starts_with(DAEMON_ROOT)) {
            propagation = "rslave".into();
        }
        return MountPoint { kind: "bind".into(), volume: None, source: src, destination, mode: String::new(), rw: !s.read_only, propagation, copy_data: false, anonymous: false };
    }
    MountPoint {
        kind: "volume".into(),
        volume: (!s.source.is_empty()).then(|| s.source.clone()),
        source: String::new(),
        destination,
        mode: String::new(),
        rw: !s.read_only,
        propagation: String::new(),
        copy_data: !s.no_copy,
        anonymous: s.source.is_empty(),
    }
}

/// `ParseMountRaw` of one `Binds` entry.
fn parse_raw(k: &Kernel, daemon: crate::kernel::Pid, raw: &str) -> Result<MountPoint, (u16, String)> {
    let invalid = || format!("invalid volume specification: '{raw}'");
    let fail = |m: String| (500, m);
    let arr: Vec<&str> = raw.splitn(4, ':').collect();
    if arr[0].is_empty() {
        return Err(fail(invalid()));
    }
    let (source, target, mode) = match arr.len() {
        1 => ("", arr[0], ""),
        2 if valid_mode(arr[1]) => return Err(fail(invalid())),
        2 => (arr[0], arr[1], ""),
        3 => (arr[0], arr[1], arr[2]),
        _ => return Err(fail(invalid())),
    };
    if !valid_mode(mode) {
        return Err(fail(format!("invalid mode: {mode}")));
    }
    let opts: Vec<&str> = mode.split(',').collect();
    let kind = if source.starts_with('/') { "bind" } else { "volume" };
    let propagation = opts.iter().find(|o| PROPAGATIONS.contains(o)).map(|p| p.to_string());
    let spec = Spec {
        kind: kind.into(),
        source: source.into(),
        target: target.into(),
        read_only: opts.contains(&"ro"),
        propagation,
        no_copy: opts.contains(&"nocopy"),
        has_volume_options: opts.contains(&"nocopy"),
        labels: None,
    };
    validate(k, daemon, &spec, false).map_err(|e| fail(format!("{}: {e}", invalid())))?;
    check_daemon_root(&spec)?;
    let mut mp = mount_point(&spec);
    mp.mode = mode.to_string();
    Ok(mp)
}

/// One `HostConfig.Mounts` entry (`--mount`), as the client sent it.
fn parse_spec(k: &Kernel, daemon: crate::kernel::Pid, m: &Value) -> Result<(MountPoint, Spec), String> {
    let s = |key: &str| m.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let vo = m.get("VolumeOptions").filter(|v| !v.is_null());
    let spec = Spec {
        kind: s("Type"),
        source: s("Source"),
        target: s("Target"),
        read_only: m.get("ReadOnly").and_then(Value::as_bool).unwrap_or(false),
        propagation: m.get("BindOptions").filter(|v| !v.is_null()).map(|b| b.get("Propagation").and_then(Value::as_str).unwrap_or("").to_string()),
        no_copy: vo.and_then(|v| v.get("NoCopy")).and_then(Value::as_bool).unwrap_or(false),
        has_volume_options: vo.is_some(),
        labels: vo.and_then(|v| v.get("Labels")).and_then(Value::as_object).map(|l| l.iter().map(|(a, b)| (a.clone(), b.as_str().unwrap_or("").to_string())).collect()),
    };
    validate(k, daemon, &spec, true)?;
    check_daemon_root(&spec).map_err(|e| e.1)?;
    Ok((mount_point(&spec), spec))
}

/// The container's mount points from its create request: volumes named there are created
/// (or found), anonymous ones made with random names. `image_volumes` are `Config.Volumes`
/// (the image's and the request's). Errors are dockerd's texts and status codes: a `Binds`
/// entry it cannot parse is a 500, the rest 400.
pub fn register(d: &mut Dockerd, k: &mut Kernel, host_config: &Value, config_volumes: &[String]) -> Result<Vec<MountPoint>, (u16, String)> {
    let daemon = d.daemon_pid();
    let mut points: Vec<MountPoint> = Vec::new();
    let taken = |points: &[MountPoint], dest: &str| points.iter().any(|p| p.destination == dest);
    for raw in host_config.get("Binds").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        let mut mp = parse_raw(k, daemon, raw)?;
        if taken(&points, &mp.destination) {
            return Err((400, format!("Duplicate mount point: {}", mp.destination)));
        }
        if mp.kind == "volume" {
            let name = volumes::create(d, k, mp.volume.as_deref(), None, None)?;
            mp.source = format!("{VOLUMES}/{name}/_data");
            mp.volume = Some(name);
            if mp.mode.is_empty() {
                mp.mode = "z".into();
            }
        }
        points.push(mp);
    }
    for m in host_config.get("Mounts").and_then(Value::as_array).into_iter().flatten() {
        let (mut mp, spec) = parse_spec(k, daemon, m).map_err(|e| (400, e))?;
        if taken(&points, &mp.destination) {
            return Err((400, format!("Duplicate mount point: {}", spec.target)));
        }
        if mp.kind == "volume" {
            let name = volumes::create(d, k, mp.volume.as_deref(), spec.labels.clone(), None)?;
            mp.source = format!("{VOLUMES}/{name}/_data");
            mp.volume = Some(name);
            mp.mode = "z".into();
        }
        points.push(mp);
    }
    for dest in config_volumes {
        let destination = clean(dest);
        if taken(&points, &destination) {
            continue;
        }
        let name = volumes::create(d, k, None, None, None)?;
        points.push(MountPoint { kind: "volume".into(), volume: Some(name), source: String::new(), destination, mode: String::new(), rw: true, propagation: String::new(), copy_data: true, anonymous: true });
    }
    Ok(points)
}

/// A mount point in the container list (`/containers/json`): `Source` as kept.
pub fn list_json(mp: &MountPoint) -> Value {
    entry_json(mp, mp.source.clone())
}

/// A mount point in `inspect`: a volume's `Source` is its path.
pub fn inspect_json(mp: &MountPoint) -> Value {
    entry_json(mp, mp.host_path())
}

fn entry_json(mp: &MountPoint, source: String) -> Value {
    match &mp.volume {
        Some(name) => json!({ "Type": mp.kind, "Name": name, "Source": source, "Destination": mp.destination, "Driver": "local", "Mode": mp.mode, "RW": mp.rw, "Propagation": mp.propagation }),
        None => json!({ "Type": mp.kind, "Source": source, "Destination": mp.destination, "Mode": mp.mode, "RW": mp.rw, "Propagation": mp.propagation }),
    }
}

/// The order runc mounts them in (`sortMounts`): fewer path components first.
pub fn mount_order(points: &[MountPoint]) -> Vec<MountPoint> {
    let mut v = points.to_vec();
    crate::sort::SortSlice::sort_stable_by_key(&mut v[..], |m| m.destination.matches('/').count());
    v
}

/// Removes the anonymous volumes of a removed container (`docker rm -v`, `--rm`); a volume
/// another container still uses stays.
pub fn remove_anonymous(d: &mut Dockerd, k: &mut Kernel, points: &[MountPoint]) {
    for mp in points.iter().filter(|m| m.anonymous) {
        if let Some(name) = &mp.volume {
            let _ = volumes::remove(d, k, name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_as_dockerd_validates_them() {
        assert!(valid_mode("ro") && valid_mode("rw,z") && valid_mode("ro,rshared,nocopy") && valid_mode(""));
        assert!(!valid_mode("bad") && !valid_mode("ro,rw") && !valid_mode("ro,"));
        assert_eq!(clean("/a/./b/../c/"), "/a/c");
        assert_eq!(clean("/"), "/");
    }
}
