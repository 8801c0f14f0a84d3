//! A container's `HostConfig` as dockerd 20.10 keeps it: the request's fields decoded into
//! Go's `container.HostConfig` (every field, in struct order, unknown ones dropped), then the
//! daemon's defaults filled in (json-file logs, runc, private IPC, 64 MiB /dev/shm). Clients
//! send different subsets (the CLI 28 its own struct's fields, docker-py a handful); what
//! `inspect` shows is always the whole struct (captured from real dockerd in
//! tests/reference/docker and native-runner/tests/python_docker.rs).

use serde_json::{json, Map, Value};

/// Go's `container.HostConfig` (API 1.41) fields in order, with their zero values. The
/// masked and read-only paths follow; `containers::inspect` adds them.
fn zero() -> Vec<(&'static str, Value)> {
    vec![
        ("Binds", Value::Null),
        ("ContainerIDFile", json!("")),
        ("LogConfig", json!({ "Type": "", "Config": null })),
        ("NetworkMode", json!("")),
        ("PortBindings", Value::Null),
        ("RestartPolicy", json!({ "Name": "", "MaximumRetryCount": 0 })),
        ("AutoRemove", json!(false)),
        ("VolumeDriver", json!("")),
        ("VolumesFrom", Value::Null),
        ("CapAdd", Value::Null),
        ("CapDrop", Value::Null),
        ("CgroupnsMode", json!("")),
        ("Dns", Value::Null),
        ("DnsOptions", Value::Null),
        ("DnsSearch", Value::Null),
        ("ExtraHosts", Value::Null),
        ("GroupAdd", Value::Null),
        ("IpcMode", json!("")),
        ("Cgroup", json!("")),
        ("Links", Value::Null),
        ("OomScoreAdj", json!(0)),
        ("PidMode", json!("")),
        ("Privileged", json!(false)),
        ("PublishAllPorts", json!(false)),
        ("ReadonlyRootfs", json!(false)),
        ("SecurityOpt", Value::Null),
        ("UTSMode", json!("")),
        ("UsernsMode", json!("")),
        ("ShmSize", json!(0)),
        ("Runtime", json!("")),
        ("ConsoleSize", json!([0, 0])),
        ("Isolation", json!("")),
        ("CpuShares", json!(0)),
        ("Memory", json!(0)),
        ("NanoCpus", json!(0)),
        ("CgroupParent", json!("")),
        ("BlkioWeight", json!(0)),
        ("BlkioWeightDevice", Value::Null),
        ("BlkioDeviceReadBps", Value::Null),
        ("BlkioDeviceWriteBps", Value::Null),
        ("BlkioDeviceReadIOps", Value::Null),
        ("BlkioDeviceWriteIOps", Value::Null),
        ("CpuPeriod", json!(0)),
        ("CpuQuota", json!(0)),
        ("CpuRealtimePeriod", json!(0)),
        ("CpuRealtimeRuntime", json!(0)),
        ("CpusetCpus", json!("")),
        ("CpusetMems", json!("")),
        ("Devices", Value::Null),
        ("DeviceCgroupRules", Value::Null),
        ("DeviceRequests", Value::Null),
        ("KernelMemory", json!(0)),
        ("KernelMemoryTCP", json!(0)),
        ("MemoryReservation", json!(0)),
        ("MemorySwap", json!(0)),
        ("MemorySwappiness", Value::Null),
        ("OomKillDisable", json!(false)),
        ("PidsLimit", Value::Null),
        ("Ulimits", Value::Null),
        ("CpuCount", json!(0)),
        ("CpuPercent", json!(0)),
        ("IOMaximumIOps", json!(0)),
        ("IOMaximumBandwidth", json!(0)),
    ]
}

/// The stored HostConfig for what a client sent (`sent` may be null or partial).
pub fn from_request(sent: &Value) -> Value {
    let mut out = Map::new();
    for (key, zero) in zero() {
        let v = match sent.get(key) {
            // A struct field decoded from JSON keeps its zero value for null.
            Some(Value::Null) if !zero.is_null() => zero,
            Some(v) => v.clone(),
            None => zero,
        };
        out.insert(key.to_string(), v);
    }
    // `Mounts` (`--mount`) follows the resources, omitted when empty; kept as sent (the CLI
    // encodes the same Go struct dockerd re-encodes).
    if let Some(Value::Array(m)) = sent.get("Mounts").filter(|m| m.as_array().is_some_and(|a| !a.is_empty())) {
        out.insert("Mounts".into(), Value::Array(m.clone()));
    }
    // The daemon's defaults for what was left empty.
    let empty = |v: Option<&Value>| v.is_none_or(|v| v.as_str() == Some("") || v.as_i64() == Some(0));
    if let Some(Value::Object(log)) = out.get_mut("LogConfig") {
        if empty(log.get("Type")) {
            log.insert("Type".into(), json!("json-file"));
        }
        if log.get("Config").is_none_or(Value::is_null) {
            log.insert("Config".into(), json!({}));
        }
    }
    for (key, default) in [("NetworkMode", json!("default")), ("IpcMode", json!("private")), ("CgroupnsMode", json!("host")), ("Runtime", json!("runc")), ("ShmSize", json!(67_108_864))] {
        if empty(out.get(key)) {
            out.insert(key.to_string(), default);
        }
    }
    // "Unlimited" and "the kernel's default" are kept as no value: the CLI's -1 and 0.
    if out.get("MemorySwappiness").and_then(Value::as_i64) == Some(-1) {
        out.insert("MemorySwappiness".into(), Value::Null);
    }
    if out.get("PidsLimit").and_then(Value::as_i64).is_some_and(|n| n <= 0) {
        out.insert("PidsLimit".into(), Value::Null);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_struct_with_daemon_defaults() {
        // What docker-py 5 sends, and what real dockerd 20.10 then shows (keys in order).
        let hc = from_request(&json!({ "NetworkMode": "default" }));
        let keys: Vec<&str> = hc.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(keys.len(), 63);
        assert_eq!(&keys[..6], ["Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy"]);
        assert_eq!(hc["LogConfig"], json!({ "Type": "json-file", "Config": {} }));
        assert_eq!((hc["Runtime"].clone(), hc["IpcMode"].clone(), hc["ShmSize"].clone()), (json!("runc"), json!("private"), json!(67_108_864)));
        // What the client chose stays; unknown fields go.
        let hc = from_request(&json!({ "MemorySwappiness": -1, "PidsLimit": 0 }));
        assert_eq!((hc["MemorySwappiness"].clone(), hc["PidsLimit"].clone()), (Value::Null, Value::Null));
        let hc = from_request(&json!({ "AutoRemove": true, "PortBindings": {}, "Bogus": 1, "IpcMode": "host" }));
        assert_eq!((hc["AutoRemove"].clone(), hc["PortBindings"].clone(), hc.get("Bogus"), hc["IpcMode"].clone()), (json!(true), json!({}), None, json!("host")));
    }
}
