//! The runtime's state directory: what exists on the host on behalf of each container and
//! network, written before the thing it describes is created, so that a runtime killed at
//! any point leaves enough on disk for `cleanup` to remove everything.
//!
//! ```text
//! <root>/lock                       flock: network and IP changes, cleanup
//! <root>/layers/<sha256>/diff       the layer store
//! <root>/containers/<id>/state      key=value record (ContainerRecord)
//! <root>/containers/<id>/{upper,work,rootfs,hosts,hostname,resolv.conf}
//! <root>/names/<name>               the id owning a name
//! <root>/networks/<name>/config     key=value record (NetworkRecord)
//! <root>/networks/<name>/ips/<ip>   the id holding an address
//! ```

use std::collections::BTreeMap;
use std::io;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerRecord {
    pub id: String,
    pub name: String,
    /// The runtime process that owns the container (and the start time of that PID).
    pub owner_pid: i32,
    pub owner_start: u64,
    pub init_pid: i32,
    pub init_start: u64,
    /// created | running | exited
    pub status: String,
    pub exit_code: Option<i32>,
    pub network: String,
    pub ip: String,
    pub host_veth: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkRecord {
    pub name: String,
    pub bridge: String,
    pub subnet: String,
    pub gateway: String,
    pub masquerade: bool,
    /// Created on demand by `run`: removed by the last container that leaves it.
    pub auto_remove: bool,
}

fn parse_kv(s: &str) -> BTreeMap<String, String> {
    s.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Writes via a temporary file and rename, so a reader never sees half a record.
pub fn write_atomic(path: &Path, content: &str) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
    }
    std::fs::rename(&tmp, path)
}

impl ContainerRecord {
    pub fn encode(&self) -> String {
        format!(
            "id={}\nname={}\nowner_pid={}\nowner_start={}\ninit_pid={}\ninit_start={}\nstatus={}\nexit_code={}\nnetwork={}\nip={}\nhost_veth={}\n",
            self.id,
            self.name,
            self.owner_pid,
            self.owner_start,
            self.init_pid,
            self.init_start,
            self.status,
            self.exit_code.map(|c| c.to_string()).unwrap_or_default(),
            self.network,
            self.ip,
            self.host_veth
        )
    }
    pub fn decode(s: &str) -> ContainerRecord {
        let m = parse_kv(s);
        let g = |k: &str| m.get(k).cloned().unwrap_or_default();
        ContainerRecord {
            id: g("id"),
            name: g("name"),
            owner_pid: g("owner_pid").parse().unwrap_or(0),
            owner_start: g("owner_start").parse().unwrap_or(0),
            init_pid: g("init_pid").parse().unwrap_or(0),
            init_start: g("init_start").parse().unwrap_or(0),
            status: g("status"),
            exit_code: g("exit_code").parse().ok(),
            network: g("network"),
            ip: g("ip"),
            host_veth: g("host_veth"),
        }
    }
}

impl NetworkRecord {
    pub fn encode(&self) -> String {
        format!(
            "name={}\nbridge={}\nsubnet={}\ngateway={}\nmasquerade={}\nauto_remove={}\n",
            self.name, self.bridge, self.subnet, self.gateway, self.masquerade, self.auto_remove
        )
    }
    pub fn decode(s: &str) -> NetworkRecord {
        let m = parse_kv(s);
        let g = |k: &str| m.get(k).cloned().unwrap_or_default();
        NetworkRecord {
            name: g("name"),
            bridge: g("bridge"),
            subnet: g("subnet"),
            gateway: g("gateway"),
            masquerade: g("masquerade") == "true",
            auto_remove: g("auto_remove") == "true",
        }
    }
}

/// Paths under the runtime's root.
#[derive(Clone, Debug)]
pub struct StateDir {
    pub root: PathBuf,
}

impl StateDir {
    pub fn open(root: &Path) -> io::Result<StateDir> {
        for d in ["layers", "containers", "names", "networks"] {
            std::fs::create_dir_all(root.join(d))?;
        }
        Ok(StateDir { root: root.to_path_buf() })
    }
    pub fn lock_path(&self) -> PathBuf {
        self.root.join("lock")
    }
    pub fn layers(&self) -> PathBuf {
        self.root.join("layers")
    }
    pub fn container(&self, id: &str) -> PathBuf {
        self.root.join("containers").join(id)
    }
    /// Where runtime `owner` (pid, start time) makes container `id`'s directory before it
    /// renames it into place: hidden, so `container_ids` does not list it.
    pub fn making(&self, id: &str, owner: (i32, u64)) -> PathBuf {
        self.root.join("containers").join(format!(".{id}.{}.{}", owner.0, owner.1))
    }
    /// The hidden directories of `making`, with the runtime that was making each.
    pub fn makings(&self) -> Vec<(String, (i32, u64))> {
        let Ok(rd) = std::fs::read_dir(self.root.join("containers")) else { return Vec::new() };
        rd.flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let mut parts = name.strip_prefix('.')?.rsplitn(3, '.');
                let start = parts.next()?.parse().ok()?;
                let pid = parts.next()?.parse().ok()?;
                Some((name, (pid, start)))
            })
            .collect()
    }
    pub fn container_ids(&self) -> Vec<String> {
        list(&self.root.join("containers"))
    }
    pub fn read_container(&self, id: &str) -> Option<ContainerRecord> {
        std::fs::read_to_string(self.container(id).join("state")).ok().map(|s| ContainerRecord::decode(&s))
    }
    pub fn write_container(&self, r: &ContainerRecord) -> io::Result<()> {
        write_atomic(&self.container(&r.id).join("state"), &r.encode())
    }
    pub fn name_file(&self, name: &str) -> PathBuf {
        self.root.join("names").join(name)
    }
    pub fn network(&self, name: &str) -> PathBuf {
        self.root.join("networks").join(name)
    }
    pub fn network_names(&self) -> Vec<String> {
        list(&self.root.join("networks"))
    }
    pub fn read_network(&self, name: &str) -> Option<NetworkRecord> {
        std::fs::read_to_string(self.network(name).join("config")).ok().map(|s| NetworkRecord::decode(&s))
    }
    pub fn ip_file(&self, network: &str, ip: &str) -> PathBuf {
        self.network(network).join("ips").join(ip)
    }
    pub fn ips_in_use(&self, network: &str) -> Vec<String> {
        list(&self.network(network).join("ips"))
    }
    /// Fills a just-reserved address file: the container it is for, and the runtime that
    /// reserved it (pid and start time), so a runtime killed before it wrote the
    /// container's record does not hold the address, and its network, for ever.
    pub fn write_ip_holder(&self, file: &Path, id: &str, owner: (i32, u64)) -> io::Result<()> {
        std::fs::write(file, format!("{id}\n{} {}\n", owner.0, owner.1))
    }
    /// The container an address file is for, and its reserving runtime when recorded.
    pub fn read_ip_holder(&self, network: &str, ip: &str) -> Option<(String, Option<(i32, u64)>)> {
        let text = std::fs::read_to_string(self.ip_file(network, ip)).ok()?;
        let mut lines = text.lines();
        let id = lines.next().filter(|id| !id.is_empty())?.to_string();
        let owner = lines.next().and_then(|l| {
            let (pid, start) = l.split_once(' ')?;
            Some((pid.parse().ok()?, start.parse().ok()?))
        });
        Some((id, owner))
    }
}

fn list(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| !n.starts_with('.')).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Names of containers and networks: Docker's `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphanumeric())
        && c.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-'))
        && n.len() <= 128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let r = ContainerRecord { id: "ab".into(), owner_pid: 3, exit_code: Some(137), status: "exited".into(), ..Default::default() };
        assert_eq!(ContainerRecord::decode(&r.encode()), r);
        let n = NetworkRecord { name: "n".into(), bridge: "nr0".into(), masquerade: true, ..Default::default() };
        assert_eq!(NetworkRecord::decode(&n.encode()), n);
        assert!(valid_name("rt-web") && !valid_name("-x") && !valid_name("a/b") && !valid_name(".."));
    }
}
