//! The CLI's contexts (`cli/context/store`, `cli/command/cli.go`): which daemon a command
//! talks to. `default` is `-H`, else `DOCKER_HOST`, else `/var/run/docker.sock`; other
//! contexts are files the CLI keeps in the user's home, in the simulated filesystem as on
//! a real machine: `~/.docker/contexts/meta/<sha256 of the name>/meta.json`, and the one
//! in use is `currentContext` in `~/.docker/config.json`. Rancher Desktop writes its
//! `rancher-desktop` context there; `docker context use` switches.

use crate::client::json::{self, Json};
use crate::image::digest::Digest;
use crate::kernel::{Kernel, Pid};

pub const DEFAULT_NAME: &str = "default";
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";
pub const DEFAULT_DESCRIPTION: &str = "Current DOCKER_HOST based configuration";

/// One context: its name, description and Docker endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    pub name: String,
    pub description: String,
    pub host: String,
}

/// Which context a command uses and the daemon address it leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    pub host: String,
    /// Why the endpoint could not be resolved (the named context has no files).
    pub error: Option<String>,
}

/// The files of the context store, for the user whose home is `home`.
#[derive(Clone, Debug)]
pub struct Store {
    pub home: String,
}

impl Store {
    pub fn config_path(&self) -> String {
        format!("{}/.docker/config.json", self.home)
    }
    pub fn meta_root(&self) -> String {
        format!("{}/.docker/contexts/meta", self.home)
    }
    /// The store keys a context's directory by the sha256 of its name.
    pub fn meta_dir(&self, name: &str) -> String {
        format!("{}/{}", self.meta_root(), Digest::of(name.as_bytes()).hex())
    }
    pub fn tls_dir(&self, name: &str) -> String {
        format!("{}/.docker/contexts/tls/{}", self.home, Digest::of(name.as_bytes()).hex())
    }
    pub fn meta_path(&self, name: &str) -> String {
        format!("{}/meta.json", self.meta_dir(name))
    }

    /// `currentContext` from config.json ("" when unset or unreadable).
    pub fn current(&self, k: &Kernel, pid: Pid) -> String {
        read(k, pid, &self.config_path()).and_then(|b| json::parse(&b).ok()).map(|j| j.s("currentContext")).unwrap_or_default()
    }

    /// A named context from its meta.json, or the CLI's "context not found" error.
    pub fn load(&self, k: &Kernel, pid: Pid, name: &str) -> Result<Context, String> {
        let path = self.meta_path(name);
        let doc = read(k, pid, &path)
            .and_then(|b| json::parse(&b).ok())
            .ok_or_else(|| format!("context \"{name}\": context not found: open {path}: no such file or directory"))?;
        let description = doc.at(&["Metadata", "Description"]).and_then(Json::as_str).unwrap_or("").to_string();
        let host = doc.at(&["Endpoints", "docker", "Host"]).and_then(Json::as_str).unwrap_or("").to_string();
        Ok(Context { name: doc.s("Name"), description, host })
    }

    /// Every stored context (not `default`), in name order.
    pub fn list(&self, k: &Kernel, pid: Pid) -> Vec<Context> {
        let Ok(r) = k.resolve(pid, &self.meta_root(), true) else { return Vec::new() };
        let Ok(entries) = k.read_dir(pid, &r.loc) else { return Vec::new() };
        let mut out: Vec<Context> = entries
            .iter()
            .filter_map(|(dir, _)| {
                let b = read(k, pid, &format!("{}/{dir}/meta.json", self.meta_root()))?;
                let name = json::parse(&b).ok()?.s("Name");
                self.load(k, pid, &name).ok()
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Writes a context's meta.json as the CLI does (compact JSON).
    pub fn save(&self, k: &mut Kernel, pid: Pid, c: &Context) -> Result<(), String> {
        let metadata = if c.description.is_empty() { Json::Obj(Vec::new()) } else { Json::obj(vec![("Description", Json::str(&c.description))]) };
        let doc = Json::obj(vec![
            ("Name", Json::str(&c.name)),
            ("Metadata", metadata),
            ("Endpoints", Json::obj(vec![("docker", Json::obj(vec![("Host", Json::str(&c.host)), ("SkipTLSVerify", Json::Bool(false))]))])),
        ]);
        let dir = self.meta_dir(&c.name);
        for d in [format!("{}/.docker", self.home), format!("{}/.docker/contexts", self.home), self.meta_root(), dir.clone()] {
            if k.resolve(pid, &d, true).is_err() {
                k.mkdir(pid, &d, 0o755).map_err(|e| format!("mkdir {d}: {}", e.message().to_lowercase()))?;
            }
        }
        let path = format!("{dir}/meta.json");
        k.write_file(pid, &path, doc.encode(true).as_bytes(), false).map_err(|e| format!("open {path}: {}", e.message().to_lowercase()))
    }

    pub fn remove(&self, k: &mut Kernel, pid: Pid, name: &str) -> Result<(), String> {
        let dir = self.meta_dir(name);
        k.unlink(pid, &format!("{dir}/meta.json")).map_err(|e| e.message().to_string())?;
        k.rmdir(pid, &dir).map_err(|e| e.message().to_string())
    }

    /// Sets (or, for `default`, removes) `currentContext` in config.json, keeping the rest.
    pub fn set_current(&self, k: &mut Kernel, pid: Pid, name: &str) -> Result<(), String> {
        let path = self.config_path();
        let mut fields = match read(k, pid, &path).and_then(|b| json::parse(&b).ok()) {
            Some(Json::Obj(f)) => f,
            _ => vec![("auths".to_string(), Json::Obj(Vec::new()))],
        };
        fields.retain(|(key, _)| key != "currentContext");
        if name != DEFAULT_NAME {
            fields.push(("currentContext".to_string(), Json::str(name)));
        }
        // Go's json.MarshalIndent with a tab.
        let text = json::indent(Json::Obj(fields).encode(true).as_bytes(), "", "\t");
        if k.resolve(pid, &format!("{}/.docker", self.home), true).is_err() {
            k.mkdir(pid, &format!("{}/.docker", self.home), 0o755).map_err(|e| e.message().to_string())?;
        }
        k.write_file(pid, &path, &text, false).map_err(|e| format!("open {path}: {}", e.message().to_lowercase()))
    }
}

fn read(k: &Kernel, pid: Pid, path: &str) -> Option<Vec<u8>> {
    let r = k.resolve(pid, path, true).ok()?;
    k.read_loc(pid, &r.loc).ok()
}

/// The daemon address a `-H`/`DOCKER_HOST` value names.
pub fn normalize_host(h: &str) -> String {
    if h.starts_with('/') {
        format!("unix://{h}")
    } else {
        h.to_string()
    }
}

/// `resolveContextName` and `resolveDockerEndpoint`: `--context`, else `default` when `-H`
/// or `DOCKER_HOST` is given, else `DOCKER_CONTEXT`, else config.json's `currentContext`.
pub fn resolve(k: &Kernel, pid: Pid, store: &Store, flag_host: Option<&str>, flag_context: Option<&str>, env_host: Option<&str>, env_context: Option<&str>) -> Resolved {
    let env_host = env_host.filter(|h| !h.is_empty());
    let default_host = flag_host.or(env_host).map(normalize_host).unwrap_or_else(|| DEFAULT_HOST.to_string());
    let name = match (flag_context, flag_host, env_host, env_context.filter(|c| !c.is_empty())) {
        (Some(c), _, _, _) => c.to_string(),
        (None, Some(_), _, _) | (None, None, Some(_), _) => DEFAULT_NAME.to_string(),
        (None, None, None, Some(c)) => c.to_string(),
        (None, None, None, None) => {
            let c = store.current(k, pid);
            if c.is_empty() {
                DEFAULT_NAME.to_string()
            } else {
                c
            }
        }
    };
    if name == DEFAULT_NAME {
        return Resolved { name, host: default_host, error: None };
    }
    match store.load(k, pid, &name) {
        Ok(c) => Resolved { name, host: c.host, error: None },
        Err(e) => Resolved { name, host: default_host, error: Some(e) },
    }
}

/// `validateContextName`: the names a context may have.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("context name cannot be empty".into());
    }
    if name == DEFAULT_NAME {
        return Err(format!("\"{name}\" is a reserved context name"));
    }
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest: Vec<char> = chars.collect();
    let rest_ok = !rest.is_empty() && rest.iter().all(|c| c.is_ascii_alphanumeric() || "_.+-".contains(*c));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(format!("context name {name:?} is invalid, names are validated against regexp \"^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_the_cli_checks_them() {
        assert!(check_name("rancher-desktop").is_ok());
        assert_eq!(check_name("default").err().as_deref(), Some("\"default\" is a reserved context name"));
        assert_eq!(
            check_name("b").err().as_deref(),
            Some("context name \"b\" is invalid, names are validated against regexp \"^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$\"")
        );
        assert!(check_name("-x1").is_err());
    }

    #[test]
    fn the_store_keys_directories_by_sha256_of_the_name() {
        // As the real CLI wrote it for `docker context create rancher-desktop` in /tmp/ctxhome.
        let s = Store { home: "/tmp/ctxhome".into() };
        assert_eq!(s.meta_path("rancher-desktop"), "/tmp/ctxhome/.docker/contexts/meta/b547d66a5de60e5f0843aba28283a8875c2ad72e99ba076060ef9ec7c09917c8/meta.json");
    }
}
