//! The JSON documents dockerd answers with, keys in the order dockerd writes them: version,
//! info, and the times (`2026-11-28T23:42:48.947443482Z`) they carry.

use serde_json::{json, Value};

use super::Dockerd;
use crate::kernel::Kernel;

/// A point in time with nanoseconds, as Go's time.Time marshals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Stamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Stamp {
    /// Now, with nanoseconds from the kernel's random stream (deterministic per seed).
    pub fn now(k: &mut Kernel) -> Stamp {
        Stamp { secs: k.now, nanos: (k.random() % 1_000_000_000) as u32 }
    }
}

/// RFC 3339 with nanoseconds, trailing zeros dropped, as Go's `time.RFC3339Nano`.
pub fn rfc3339_nanos(s: &Stamp) -> String {
    let base = crate::clock::rfc3339(s.secs);
    if s.nanos == 0 {
        return base;
    }
    let frac = format!("{:09}", s.nanos);
    format!("{}.{}Z", base.trim_end_matches('Z'), frac.trim_end_matches('0'))
}

/// Go's zero time, for `FinishedAt` of a container that never stopped.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn arch(k: &Kernel) -> &'static str {
    match k.uname.machine.as_str() {
        "aarch64" => "arm64",
        _ => "amd64",
    }
}

pub fn version(d: &Dockerd, k: &Kernel) -> Value {
    let v = &d.versions;
    json!({
        "Platform": { "Name": "" },
        "Components": [
            { "Name": "Engine", "Version": v.engine, "Details": {
                "ApiVersion": v.api, "Arch": arch(k), "BuildTime": v.build_time, "Experimental": "false",
                "GitCommit": v.git_commit, "GoVersion": v.go, "KernelVersion": k.uname.release,
                "MinAPIVersion": v.min_api, "Os": "linux" } },
            { "Name": "containerd", "Version": v.containerd, "Details": { "GitCommit": v.containerd_commit } },
            { "Name": "runc", "Version": v.runc, "Details": { "GitCommit": v.runc_commit } },
            { "Name": "docker-init", "Version": v.init, "Details": { "GitCommit": "" } }
        ],
        "Version": v.engine,
        "ApiVersion": v.api,
        "MinAPIVersion": v.min_api,
        "GitCommit": v.git_commit,
        "GoVersion": v.go,
        "Os": "linux",
        "Arch": arch(k),
        "KernelVersion": k.uname.release,
        "BuildTime": v.build_time
    })
}

/// `PRETTY_NAME` of the host's /etc/os-release.
fn operating_system(d: &Dockerd, k: &Kernel) -> (String, String) {
    let text = super::hostfs::read(k, d.daemon_pid(), "/etc/os-release").unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_default()
    };
    (field("PRETTY_NAME"), field("VERSION_ID"))
}

pub fn info(d: &Dockerd, k: &Kernel) -> Value {
    let running = d.containers.values().filter(|c| c.state.running).count();
    let paused = d.containers.values().filter(|c| c.state.frozen.is_some()).count();
    let (os, os_version) = operating_system(d, k);
    json!({
        "ID": d.engine_id(),
        "Containers": d.containers.len(),
        "ContainersRunning": running - paused,
        "ContainersPaused": paused,
        "ContainersStopped": d.containers.len() - running,
        "Images": d.store.images.len(),
        "Driver": "overlay2",
        "DriverStatus": [["Backing Filesystem", "xfs"], ["Supports d_type", "true"], ["Native Overlay Diff", "true"], ["userxattr", "false"]],
        "Plugins": {
            "Volume": ["local"],
            "Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"],
            "Authorization": null,
            "Log": ["awslogs", "fluentd", "gcplogs", "gelf", "journald", "json-file", "local", "logentries", "splunk", "syslog"]
        },
        "MemoryLimit": true,
        "SwapLimit": true,
        "KernelMemory": true,
        "KernelMemoryTCP": true,
        "CpuCfsPeriod": true,
        "CpuCfsQuota": true,
        "CPUShares": true,
        "CPUSet": true,
        "PidsLimit": true,
        "IPv4Forwarding": true,
        "BridgeNfIptables": true,
        "BridgeNfIp6tables": true,
        "Debug": false,
        "NFd": 24 + 2 * running,
        "OomKillDisable": true,
        "NGoroutines": 34 + 8 * running,
        "SystemTime": rfc3339_nanos(&Stamp { secs: k.now, nanos: 0 }),
        "LoggingDriver": "json-file",
        "CgroupDriver": "cgroupfs",
        "CgroupVersion": "1",
        "NEventsListener": 0,
        "KernelVersion": k.uname.release,
        "OperatingSystem": os,
        "OSVersion": os_version,
        "OSType": "linux",
        "Architecture": k.uname.machine,
        "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": {
            "AllowNondistributableArtifactsCIDRs": [],
            "AllowNondistributableArtifactsHostnames": [],
            "InsecureRegistryCIDRs": ["127.0.0.0/8"],
            "IndexConfigs": { "docker.io": { "Name": "docker.io", "Mirrors": [], "Secure": true, "Official": true } },
            "Mirrors": []
        },
        "NCPU": k.ncpu,
        "MemTotal": k.mem_total_kb * 1024,
        "GenericResources": null,
        "DockerRootDir": "/var/lib/docker",
        "HttpProxy": "",
        "HttpsProxy": "",
        "NoProxy": "",
        "Name": k.hostname_of(d.daemon_pid()),
        "Labels": [],
        "ExperimentalBuild": false,
        "ServerVersion": d.versions.engine,
        "Runtimes": { "io.containerd.runc.v2": { "path": "runc" }, "io.containerd.runtime.v1.linux": { "path": "runc" }, "runc": { "path": "runc" } },
        "DefaultRuntime": "runc",
        "Swarm": { "NodeID": "", "NodeAddr": "", "LocalNodeState": "inactive", "ControlAvailable": false, "Error": "", "RemoteManagers": null },
        "LiveRestoreEnabled": false,
        "Isolation": "",
        "InitBinary": "docker-init",
        "ContainerdCommit": { "ID": d.versions.containerd_commit, "Expected": d.versions.containerd_commit },
        "RuncCommit": { "ID": d.versions.runc_commit, "Expected": d.versions.runc_commit },
        "InitCommit": { "ID": "", "Expected": "" },
        "SecurityOptions": ["name=seccomp,profile=default"],
        "Warnings": null
    })
}

impl Dockerd {
    /// The engine ID `docker info` shows: 12 groups of 4 base32 characters, fixed per daemon.
    pub fn engine_id(&self) -> String {
        const ALPHA: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let seed = self.networks.first().map(|n| n.id.clone()).unwrap_or_default();
        let bytes = crate::image::digest::Digest::of(seed.as_bytes());
        let hex = bytes.hex().as_bytes().to_vec();
        let groups: Vec<String> = hex
            .chunks(4)
            .take(12)
            .map(|c| c.iter().map(|b| ALPHA[(*b as usize) % 32] as char).collect())
            .collect();
        groups.join(":")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanos_drop_trailing_zeros() {
        assert_eq!(rfc3339_nanos(&Stamp { secs: 0, nanos: 306_671_050 }), "1970-01-01T00:00:00.30667105Z");
        assert_eq!(rfc3339_nanos(&Stamp { secs: 0, nanos: 0 }), "1970-01-01T00:00:00Z");
    }
}

#[cfg(test)]
mod size_tests {
    // dockerd's progress sizes are go-units', the same the CLI uses (`client::humanize`).
    use crate::client::humanize::{go_g as format_g, human_size_precision};

    fn human_size(n: u64) -> String {
        crate::client::humanize::human_size(n as f64)
    }
    fn human_size_prec(n: u64, p: usize) -> String {
        human_size_precision(n as f64, p)
    }

    #[test]
    fn sizes_read_like_go_units() {
        assert_eq!(human_size(36_564), "36.56kB");
        assert_eq!(human_size(3_001_096), "3.001MB");
        assert_eq!(human_size(106), "106B");
        assert_eq!(human_size_prec(5_594_467, 3), "5.59MB");
        assert_eq!(human_size_prec(0, 3), "0B");
        assert_eq!(format_g(999.95, 3), "1e+03");
    }
}
