//! `docker run`/`create` options to the `POST /containers/create` body
//! (`cli/command/container/opts.go`'s `parse`): the same keys in the same order as the Go
//! structs `container.Config`, `HostConfig` and `NetworkingConfig` encode, with their
//! `omitempty` rules and the option errors the CLI prints.

use crate::sort::SortSlice;
use crate::client::args::{parse_cpus, parse_go_int, ram_in_bytes, Parsed};
use crate::client::json::Json;

/// What `parse` produces for the create request and the run flow.
pub struct ContainerConfig {
    pub body: Json,
    pub image: String,
    pub tty: bool,
    pub open_stdin: bool,
    pub attach_stdin: bool,
    pub attach_stdout: bool,
    pub attach_stderr: bool,
    pub auto_remove: bool,
}

fn strs_or_null(v: &[String]) -> Json {
    if v.is_empty() {
        Json::Null
    } else {
        Json::strs(v)
    }
}

/// `nat.ParsePortRange`.
fn port_range(s: &str) -> Result<(u64, u64), ()> {
    if s.is_empty() {
        return Err(());
    }
    let p = |x: &str| -> Result<u64, ()> {
        if x.is_empty() || !x.bytes().all(|c| c.is_ascii_digit()) {
            return Err(());
        }
        x.parse::<u64>().ok().filter(|n| *n <= 65535).ok_or(())
    };
    match s.split_once('-') {
        None => {
            let n = p(s)?;
            Ok((n, n))
        }
        Some((a, b)) => {
            let (a, b) = (p(a)?, p(b)?);
            if b < a {
                return Err(());
            }
            Ok((a, b))
        }
    }
}

/// `nat.SplitProtoPort`.
fn split_proto_port(raw: &str) -> (String, String) {
    let parts: Vec<&str> = raw.split('/').collect();
    if raw.is_empty() || parts[0].is_empty() {
        return (String::new(), String::new());
    }
    if parts.len() == 1 || parts[1].is_empty() {
        return ("tcp".into(), parts[0].to_string());
    }
    (parts[1].to_string(), parts[0].to_string())
}

/// `nat.ParsePortSpecs` over the `-p` values: exposed ports and bindings, in key order.
#[allow(clippy::type_complexity)]
fn parse_ports(specs: &[String]) -> Result<(Vec<String>, Vec<(String, Vec<(String, String)>)>), String> {
    let mut exposed: Vec<String> = Vec::new();
    let mut bindings: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for raw0 in specs {
        // Long syntax `published=8080,target=80[,protocol=udp]`.
        let raw = if raw0.contains('=') {
            let mut published = String::new();
            let mut target = String::new();
            let mut proto = "tcp".to_string();
            for param in raw0.split(',') {
                match param.split_once('=') {
                    Some((k, v)) if !k.is_empty() => match k {
                        "published" => published = v.into(),
                        "target" => target = v.into(),
                        "protocol" => proto = v.into(),
                        _ => {}
                    },
                    _ => return Err(format!("invalid publish opts format (should be name=value but got '{param}')")),
                }
            }
            format!("{published}:{target}/{proto}")
        } else {
            raw0.clone()
        };
        let parts: Vec<&str> = raw.split(':').collect();
        let n = parts.len();
        let container = parts[n - 1].to_string();
        let (mut ip, host) = match n {
            1 => (String::new(), String::new()),
            2 => (String::new(), parts[0].to_string()),
            3 => (parts[0].to_string(), parts[1].to_string()),
            _ => (parts[..n - 2].join(":"), parts[n - 2].to_string()),
        };
        let (proto, cport) = split_proto_port(&container);
        if ip.starts_with('[') {
            match ip.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                Some(inner) => ip = inner.to_string(),
                None => return Err(format!("invalid IP address {ip}: address {ip}:: missing ']' in address")),
            }
        }
        if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
            return Err(format!("invalid IP address: {ip}"));
        }
        if cport.is_empty() {
            return Err(format!("no port specified: {raw}<empty>"));
        }
        let (start, end) = port_range(&cport).map_err(|_| format!("invalid containerPort: {cport}"))?;
        let (hstart, hend) = if host.is_empty() { (0, 0) } else { port_range(&host).map_err(|_| format!("invalid hostPort: {host}"))? };
        if !host.is_empty() && (end - start) != (hend.wrapping_sub(hstart)) && end != start {
            return Err(format!("invalid ranges specified for container and host Ports: {cport} and {host}"));
        }
        let proto = proto.to_lowercase();
        if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
            return Err(format!("invalid proto: {proto}"));
        }
        for i in 0..=(end - start) {
            let cp = format!("{}/{}", start + i, proto);
            let mut hp = if host.is_empty() { String::new() } else { (hstart + i).to_string() };
            if start == end && hstart != hend {
                hp = format!("{hp}-{hend}");
            }
            if !exposed.contains(&cp) {
                exposed.push(cp.clone());
            }
            match bindings.iter_mut().find(|(k, _)| *k == cp) {
                Some((_, v)) => v.push((ip.clone(), hp)),
                None => bindings.push((cp, vec![(ip.clone(), hp)])),
            }
        }
    }
    exposed.sort_stable();
    bindings.sort_stable_by(|a, b| a.0.cmp(&b.0));
    Ok((exposed, bindings))
}

/// `opts.ParseRestartPolicy`.
fn restart_policy(policy: &str) -> Result<(String, i64), String> {
    if policy.is_empty() {
        return Ok((String::new(), 0));
    }
    let (k, v) = match policy.split_once(':') {
        Some((k, v)) => {
            if k.is_empty() {
                return Err("invalid restart policy format: no policy provided before colon".into());
            }
            (k, v)
        }
        None => (policy, ""),
    };
    let count = if v.is_empty() { 0 } else { v.parse::<i64>().map_err(|_| "invalid restart policy format: maximum retry count must be an integer".to_string())? };
    Ok((k.to_string(), count))
}

/// `normalizeCapabilities`: upper case, `CAP_` prefix, sorted, unique.
fn capabilities(caps: &[String]) -> Json {
    let mut v: Vec<String> = Vec::new();
    for c in caps {
        let mut c = c.to_uppercase();
        if c != "ALL" && !c.starts_with("CAP_") {
            c = format!("CAP_{c}");
        }
        if !v.contains(&c) {
            v.push(c);
        }
    }
    v.sort_stable();
    strs_or_null(&v)
}

/// `KEY=VALUE` options as a JSON object (`opts.ConvertKVStringsToMap`), keys sorted as Go
/// encodes a map; a later key wins.
pub fn kv_map(list: &[String]) -> Json {
    let mut m: Vec<(String, Json)> = Vec::new();
    for l in list {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        match m.iter_mut().find(|(n, _)| n == k) {
            Some(slot) => slot.1 = Json::str(v),
            None => m.push((k.to_string(), Json::str(v))),
        }
    }
    m.sort_stable_by(|a, b| a.0.cmp(&b.0));
    Json::Obj(m)
}

/// Builds the create request body from the run/create options.
/// `env_lookup` resolves `-e NAME` from the client's environment; `cwd` makes `./x` binds
/// absolute; `console` is stdout's terminal size (rows, cols).
pub fn build(p: &Parsed, env_lookup: &dyn Fn(&str) -> Option<String>, cwd: &str, console: (u64, u64)) -> Result<ContainerConfig, String> {
    let image = p.args.first().cloned().unwrap_or_default();
    let cmd_args: Vec<String> = p.args.iter().skip(1).cloned().collect();
    let attach = p.values("attach");
    let stdin = p.on("interactive");
    let tty = p.on("tty");
    let mut attach_stdin = attach.iter().any(|a| a.eq_ignore_ascii_case("stdin"));
    let mut attach_stdout = attach.iter().any(|a| a.eq_ignore_ascii_case("stdout"));
    let mut attach_stderr = attach.iter().any(|a| a.eq_ignore_ascii_case("stderr"));
    for a in &attach {
        if !matches!(a.to_lowercase().as_str(), "stdin" | "stdout" | "stderr") {
            return Err(format!("invalid argument \"{a}\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR"));
        }
    }
    if stdin {
        attach_stdin = true;
    }
    if attach.is_empty() {
        attach_stdout = true;
        attach_stderr = true;
    }
    if let Some(s) = p.value("memory-swappiness") {
        let v = parse_go_int(s).unwrap_or(-1);
        if v != -1 && !(0..=100).contains(&v) {
            return Err(format!("invalid value: {v}. Valid memory swappiness range is 0-100"));
        }
    }
    // Volumes: `-v /ctr` is an anonymous volume, anything with a source is a bind.
    let mut binds: Vec<String> = Vec::new();
    let mut volumes: Vec<String> = Vec::new();
    for v in p.values("volume") {
        let parts: Vec<&str> = v.split(':').collect();
        if parts.len() == 1 {
            if !volumes.contains(&v) {
                volumes.push(v.clone());
            }
            continue;
        }
        let (host, rest) = v.split_once(':').unwrap_or((&v, ""));
        let host = if !host.starts_with('/') && host.starts_with('.') {
            let joined = format!("{}/{}", cwd.trim_end_matches('/'), host);
            normalize_path(&joined)
        } else {
            host.to_string()
        };
        binds.push(format!("{host}:{rest}"));
    }
    volumes.sort_stable();
    let mut mounts: Vec<Json> = Vec::new();
    for m in p.values("mount") {
        mounts.push(super::mount_opt::parse(&m, cwd).map_err(|e| format!("invalid argument \"{m}\" for \"--mount\" flag: {e}"))?);
    }
    let entrypoint = match p.value("entrypoint") {
        Some(e) if !e.is_empty() => Json::strs(&[e.to_string()]),
        Some(_) => Json::strs(&[String::new()]),
        None => Json::Null,
    };
    let (exposed_p, bindings) = parse_ports(&p.values("publish"))?;
    let mut exposed = exposed_p;
    for e in p.values("expose") {
        if e.contains(':') {
            return Err(format!("invalid port format for --expose: {e}"));
        }
        let (proto, port) = split_proto_port(&e);
        let (s, t) = port_range(&port).map_err(|_| format!("invalid range format for --expose: {e}, error: strconv.ParseUint: parsing \"{port}\": invalid syntax"))?;
        for i in s..=t {
            let k = format!("{i}/{proto}");
            if !exposed.contains(&k) {
                exposed.push(k);
            }
        }
    }
    exposed.sort_stable();
    let mut env: Vec<String> = Vec::new();
    for e in p.values("env") {
        if e.contains('=') {
            env.push(e);
        } else if let Some(v) = env_lookup(&e) {
            env.push(format!("{e}={v}"));
        } else {
            env.push(e);
        }
    }
    let mut labels: Vec<String> = p.values("label");
    labels.retain(|l| !l.is_empty());
    for mode in [("pid", "--pid: invalid PID mode"), ("uts", "--uts: invalid UTS mode"), ("userns", "--userns: invalid USER mode")] {
        if let Some(v) = p.value(mode.0) {
            let ok = v.is_empty() || v == "host" || (mode.0 == "pid" && v.starts_with("container:"));
            if !ok {
                return Err(mode.1.to_string());
            }
        }
    }
    if let Some(v) = p.value("cgroupns") {
        if !(v.is_empty() || v == "host" || v == "private") {
            return Err("--cgroupns: invalid CGROUP mode".into());
        }
    }
    let restart = restart_policy(p.value("restart").unwrap_or("no"))?;
    let auto_remove = p.on("rm");
    if auto_remove && !(restart.0.is_empty() || restart.0 == "no") {
        return Err("conflicting options: cannot specify both --restart and --rm".into());
    }
    let open_stdin = stdin;
    let stdin_once = open_stdin && attach_stdin;
    let bytes = |name: &str| -> Result<i64, String> {
        match p.value(name) {
            Some(v) if !v.is_empty() => ram_in_bytes(v).map_err(|e| format!("invalid argument \"{v}\" for \"--{name}\" flag: {e}")),
            _ => Ok(0),
        }
    };
    let memory = bytes("memory")?;
    let memory_reservation = bytes("memory-reservation")?;
    let memory_swap = match p.value("memory-swap") {
        Some("-1") => -1,
        _ => bytes("memory-swap")?,
    };
    let shm = bytes("shm-size")?;
    let nano_cpus = match p.value("cpus") {
        Some(v) => parse_cpus(v).map_err(|e| format!("invalid argument \"{v}\" for \"--cpus\" flag: {e}"))?,
        None => 0,
    };
    let int = |name: &str| p.value(name).and_then(|v| parse_go_int(v).ok()).unwrap_or(0);
    // Networks.
    let networks = p.values("network");
    let net_mode = networks.first().cloned().unwrap_or_else(|| "default".into());
    let aliases = p.values("network-alias");
    let ip4 = p.value("ip").unwrap_or("").to_string();
    let ip6 = p.value("ip6").unwrap_or("").to_string();
    let user_defined = |n: &str| !matches!(n, "default" | "bridge" | "host" | "none") && !n.starts_with("container:");
    let endpoint = |target: &str, with_opts: bool| -> Result<(Json, bool), String> {
        if target.trim().is_empty() {
            return Err("no name set for network".into());
        }
        let al: Vec<String> = if with_opts { aliases.clone() } else { Vec::new() };
        if !user_defined(target) && !al.is_empty() {
            return Err("network-scoped aliases are only supported for user-defined networks".into());
        }
        let ipam = if with_opts && (!ip4.is_empty() || !ip6.is_empty()) {
            let mut f = Vec::new();
            if !ip4.is_empty() {
                f.push(("IPv4Address", Json::str(&ip4)));
            }
            if !ip6.is_empty() {
                f.push(("IPv6Address", Json::str(&ip6)));
            }
            Json::obj(f)
        } else {
            Json::Null
        };
        let empty = al.is_empty() && ipam.is_null();
        let ep = Json::obj(vec![
            ("IPAMConfig", ipam),
            ("Links", Json::Null),
            ("Aliases", strs_or_null(&al)),
            ("MacAddress", Json::str("")),
            ("DriverOpts", Json::Null),
            ("GwPriority", Json::int(0)),
            ("NetworkID", Json::str("")),
            ("EndpointID", Json::str("")),
            ("Gateway", Json::str("")),
            ("IPAddress", Json::str("")),
            ("IPPrefixLen", Json::int(0)),
            ("IPv6Gateway", Json::str("")),
            ("GlobalIPv6Address", Json::str("")),
            ("GlobalIPv6PrefixLen", Json::int(0)),
            ("DNSNames", Json::Null),
        ]);
        Ok((ep, empty))
    };
    let mut endpoints: Vec<(String, Json)> = Vec::new();
    if networks.is_empty() {
        endpoints.push(("default".into(), endpoint("default", true)?.0));
    }
    let (mut has_user, mut has_other) = (false, false);
    for (i, n) in networks.iter().enumerate() {
        if user_defined(n) {
            has_user = true;
        } else {
            has_other = true;
        }
        let (ep, empty) = endpoint(n, i == 0)?;
        if endpoints.iter().any(|(k, _)| k == n) {
            return Err(format!("network \"{n}\" is specified multiple times"));
        }
        if i == 0 && networks.len() == 1 && empty {
            continue;
        }
        endpoints.push((n.clone(), ep));
    }
    if has_user && has_other {
        return Err("conflicting options: cannot attach both user-defined and non-user-defined network-modes".into());
    }
    endpoints.sort_stable_by(|a, b| a.0.cmp(&b.0));

    // container.Config
    let mut cfg: Vec<(&str, Json)> = vec![
        ("Hostname", Json::str(p.value("hostname").unwrap_or(""))),
        ("Domainname", Json::str(p.value("domainname").unwrap_or(""))),
        ("User", Json::str(p.value("user").unwrap_or(""))),
        ("AttachStdin", Json::Bool(attach_stdin)),
        ("AttachStdout", Json::Bool(attach_stdout)),
        ("AttachStderr", Json::Bool(attach_stderr)),
    ];
    if !exposed.is_empty() {
        cfg.push(("ExposedPorts", Json::Obj(exposed.iter().map(|e| (e.clone(), Json::Obj(Vec::new()))).collect())));
    }
    cfg.extend([
        ("Tty", Json::Bool(tty)),
        ("OpenStdin", Json::Bool(open_stdin)),
        ("StdinOnce", Json::Bool(stdin_once)),
        ("Env", strs_or_null(&env)),
        ("Cmd", strs_or_null(&cmd_args)),
    ]);
    if p.on("no-healthcheck") {
        cfg.push(("Healthcheck", Json::obj(vec![("Test", Json::strs(&["NONE".to_string()]))])));
    }
    cfg.extend([
        ("Image", Json::str(&image)),
        ("Volumes", Json::Obj(volumes.iter().map(|v| (v.clone(), Json::Obj(Vec::new()))).collect())),
        ("WorkingDir", Json::str(p.value("workdir").unwrap_or(""))),
        ("Entrypoint", entrypoint),
        ("OnBuild", Json::Null),
        ("Labels", kv_map(&labels)),
    ]);
    if let Some(s) = p.value("stop-signal") {
        if !s.is_empty() {
            cfg.push(("StopSignal", Json::str(s)));
        }
    }
    if p.has("stop-timeout") {
        cfg.push(("StopTimeout", Json::int(int("stop-timeout"))));
    }
    // HostConfig
    let port_bindings = Json::Obj(
        bindings
            .iter()
            .map(|(k, v)| {
                (k.clone(), Json::Arr(v.iter().map(|(ip, hp)| Json::obj(vec![("HostIp", Json::str(ip)), ("HostPort", Json::str(hp))])).collect()))
            })
            .collect(),
    );
    let mut hc: Vec<(&str, Json)> = vec![
        ("Binds", strs_or_null(&binds)),
        ("ContainerIDFile", Json::str(p.value("cidfile").unwrap_or(""))),
        (
            "LogConfig",
            Json::obj(vec![("Type", Json::str(p.value("log-driver").unwrap_or(""))), ("Config", kv_map(&p.values("log-opt")))]),
        ),
        ("NetworkMode", Json::str(&net_mode)),
        ("PortBindings", port_bindings),
        ("RestartPolicy", Json::obj(vec![("Name", Json::str(&restart.0)), ("MaximumRetryCount", Json::int(restart.1))])),
        ("AutoRemove", Json::Bool(auto_remove)),
        ("VolumeDriver", Json::str(p.value("volume-driver").unwrap_or(""))),
        ("VolumesFrom", strs_or_null(&p.values("volumes-from"))),
        ("ConsoleSize", Json::Arr(vec![Json::int(console.0 as i64), Json::int(console.1 as i64)])),
        ("CapAdd", capabilities(&p.values("cap-add"))),
        ("CapDrop", capabilities(&p.values("cap-drop"))),
        ("CgroupnsMode", Json::str(p.value("cgroupns").unwrap_or(""))),
        ("Dns", Json::strs(&p.values("dns"))),
        ("DnsOptions", Json::strs(&p.values("dns-option"))),
        ("DnsSearch", Json::strs(&p.values("dns-search"))),
        ("ExtraHosts", strs_or_null(&p.values("add-host"))),
        ("GroupAdd", strs_or_null(&p.values("group-add"))),
        ("IpcMode", Json::str(p.value("ipc").unwrap_or(""))),
        ("Cgroup", Json::str("")),
        ("Links", strs_or_null(&p.values("link"))),
        ("OomScoreAdj", Json::int(int("oom-score-adj"))),
        ("PidMode", Json::str(p.value("pid").unwrap_or(""))),
        ("Privileged", Json::Bool(p.on("privileged"))),
        ("PublishAllPorts", Json::Bool(p.on("publish-all"))),
        ("ReadonlyRootfs", Json::Bool(p.on("read-only"))),
        ("SecurityOpt", strs_or_null(&p.values("security-opt"))),
    ];
    let tmpfs = p.values("tmpfs");
    if !tmpfs.is_empty() {
        let mut m: Vec<(String, Json)> = tmpfs.iter().map(|t| {
            let (k, v) = t.split_once(':').unwrap_or((t, ""));
            (k.to_string(), Json::str(v))
        }).collect();
        m.sort_stable_by(|a, b| a.0.cmp(&b.0));
        hc.push(("Tmpfs", Json::Obj(m)));
    }
    hc.extend([
        ("UTSMode", Json::str(p.value("uts").unwrap_or(""))),
        ("UsernsMode", Json::str(p.value("userns").unwrap_or(""))),
        ("ShmSize", Json::int(shm)),
    ]);
    let sysctls = p.values("sysctl");
    if !sysctls.is_empty() {
        hc.push(("Sysctls", kv_map(&sysctls)));
    }
    if let Some(rt) = p.value("runtime") {
        if !rt.is_empty() {
            hc.push(("Runtime", Json::str(rt)));
        }
    }
    hc.extend([
        ("Isolation", Json::str(p.value("isolation").unwrap_or(""))),
        ("CpuShares", Json::int(int("cpu-shares"))),
        ("Memory", Json::int(memory)),
        ("NanoCpus", Json::int(nano_cpus)),
        ("CgroupParent", Json::str(p.value("cgroup-parent").unwrap_or(""))),
        ("BlkioWeight", Json::int(int("blkio-weight"))),
        ("BlkioWeightDevice", Json::Arr(Vec::new())),
        ("BlkioDeviceReadBps", Json::Arr(Vec::new())),
        ("BlkioDeviceWriteBps", Json::Arr(Vec::new())),
        ("BlkioDeviceReadIOps", Json::Arr(Vec::new())),
        ("BlkioDeviceWriteIOps", Json::Arr(Vec::new())),
        ("CpuPeriod", Json::int(int("cpu-period"))),
        ("CpuQuota", Json::int(int("cpu-quota"))),
        ("CpuRealtimePeriod", Json::int(int("cpu-rt-period"))),
        ("CpuRealtimeRuntime", Json::int(int("cpu-rt-runtime"))),
        ("CpusetCpus", Json::str(p.value("cpuset-cpus").unwrap_or(""))),
        ("CpusetMems", Json::str(p.value("cpuset-mems").unwrap_or(""))),
        ("Devices", Json::Arr(Vec::new())),
        ("DeviceCgroupRules", strs_or_null(&p.values("device-cgroup-rule"))),
        ("DeviceRequests", Json::Null),
        ("MemoryReservation", Json::int(memory_reservation)),
        ("MemorySwap", Json::int(memory_swap)),
        ("MemorySwappiness", Json::int(p.value("memory-swappiness").and_then(|v| parse_go_int(v).ok()).unwrap_or(-1))),
        ("OomKillDisable", Json::Bool(p.on("oom-kill-disable"))),
        ("PidsLimit", Json::int(int("pids-limit"))),
        ("Ulimits", Json::Arr(Vec::new())),
        ("CpuCount", Json::int(0)),
        ("CpuPercent", Json::int(0)),
        ("IOMaximumIOps", Json::int(0)),
        ("IOMaximumBandwidth", Json::int(0)),
    ]);
    if !mounts.is_empty() {
        hc.push(("Mounts", Json::Arr(mounts)));
    }
    hc.extend([
        ("MaskedPaths", Json::Null),
        ("ReadonlyPaths", Json::Null),
    ]);
    if p.has("init") {
        hc.push(("Init", Json::Bool(p.on("init"))));
    }
    cfg.push(("HostConfig", Json::obj(hc)));
    cfg.push(("NetworkingConfig", Json::obj(vec![("EndpointsConfig", Json::Obj(endpoints))])));
    Ok(ContainerConfig {
        body: Json::obj(cfg),
        image,
        tty,
        open_stdin,
        attach_stdin,
        attach_stdout,
        attach_stderr,
        auto_remove,
    })
}

/// `filepath.Abs`: a relative path joined to the working directory, cleaned.
pub fn abs_path(cwd: &str, p: &str) -> String {
    normalize_path(&format!("{}/{}", cwd.trim_end_matches('/'), p))
}

fn normalize_path(p: &str) -> String {
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
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs_as_nat() {
        let ok = |s: &str| parse_ports(&[s.to_string()]).expect("parses");
        assert_eq!(ok("8082:80"), (vec!["80/tcp".to_string()], vec![("80/tcp".to_string(), vec![(String::new(), "8082".to_string())])]));
        assert_eq!(ok("127.0.0.1:53:53/udp").1[0].1[0], ("127.0.0.1".to_string(), "53".to_string()));
        assert_eq!(ok("80").1[0].1[0], (String::new(), String::new()));
        let err = |s: &str| parse_ports(&[s.to_string()]).err();
        assert_eq!(err("80:nosuch").as_deref(), Some("invalid containerPort: nosuch"));
        assert_eq!(err("99999:80").as_deref(), Some("invalid hostPort: 99999"));
        assert_eq!(err("abc").as_deref(), Some("invalid containerPort: abc"));
    }
}
