//! A compose file as a project: its services and what each asks of dockerd, with the checks
//! both compose versions make and the words each uses for what fails them.

use super::words;
use super::yaml::{self, Node, Value, YamlError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub host_ip: String,
    pub host_port: String,
    /// `80/tcp`
    pub container: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    pub name: String,
    pub image: Option<String>,
    pub has_build: bool,
    pub command: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    /// In the file's order; None for a variable named without a value.
    pub environment: Vec<(String, Option<String>)>,
    pub restart: Option<String>,
    pub platform: Option<String>,
    pub ports: Vec<Port>,
    pub container_name: Option<String>,
    pub pull_policy: Option<String>,
    pub depends_on: Vec<String>,
    pub tty: bool,
    pub stdin_open: bool,
    pub labels: Vec<(String, String)>,
}

impl Service {
    /// `KEY=value` (or `KEY` alone) as the create request's `Env`.
    pub fn env_list(&self) -> Vec<String> {
        self.environment.iter().map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        }).collect()
    }
    /// The image reference split into repository and tag (`mysql` -> `mysql`, `latest`).
    pub fn image_repo_tag(&self) -> (String, String) {
        let image = self.image.clone().unwrap_or_default();
        let (name, digest) = match image.split_once('@') {
            Some((n, d)) => (n.to_string(), Some(d.to_string())),
            None => (image.clone(), None),
        };
        if let Some(d) = digest {
            return (name, d);
        }
        let slash = name.rfind('/').map(|i| i + 1).unwrap_or(0);
        match name[slash..].rfind(':') {
            Some(i) => (name[..slash + i].to_string(), name[slash + i + 1..].to_string()),
            None => (name, "latest".into()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Project {
    pub name: String,
    /// The directory the project's paths are relative to (absolute).
    pub working_dir: String,
    /// The compose files, as given or found.
    pub config_files: Vec<String>,
    pub version: Option<String>,
    pub services: Vec<Service>,
}

impl Project {
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}

/// What is wrong with a compose file, before anything is sent to dockerd.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    Yaml(YamlError),
    /// The document is not a mapping (an empty file, a list, a scalar).
    TopLevel { py_type: String },
    /// `services:` is not a mapping.
    ServicesNotMapping { py_type: String },
    /// A service's definition is not a mapping.
    ServiceNotMapping { service: String, py_type: String },
    /// An option compose does not know.
    UnknownOption { service: String, key: String },
    /// An option whose value has the wrong type (`command: {a: b}`).
    WrongType { path: String, v1_expected: String, v2_expected: String },
    NoImage { service: String },
    /// `command:` that shell quoting cannot split.
    Split { service: String, error: words::SplitError },
}

impl LoadError {
    /// docker-compose 1.29.2's message for file `file` (as it names it: `./docker-compose.yml`).
    pub fn v1_message(&self, file: &str) -> String {
        match self {
            LoadError::Yaml(e) => e.pyyaml(file),
            LoadError::TopLevel { py_type } => format!("Top level object in '{file}' needs to be an object not '<class '{py_type}'>'."),
            LoadError::ServicesNotMapping { py_type } => format!("In file '{file}', service must be a mapping, not {}.", py_article(py_type)),
            LoadError::ServiceNotMapping { service, py_type } => format!("In file '{file}', service '{service}' must be a mapping not {}.", py_article(py_type)),
            LoadError::UnknownOption { service, key } => format!("The Compose file '{file}' is invalid because:\nUnsupported config option for services.{service}: '{key}'"),
            LoadError::WrongType { path, v1_expected, .. } => format!("The Compose file '{file}' is invalid because:\n{path} contains an invalid type, it should be {v1_expected}"),
            LoadError::NoImage { service } => format!("The Compose file is invalid because:\nService {service} has neither an image nor a build context specified. At least one must be provided."),
            LoadError::Split { error, .. } => match error {
                words::SplitError::NoClosingQuotation => "No closing quotation".into(),
                words::SplitError::NoEscapedCharacter => "No escaped character".into(),
            },
        }
    }

    /// compose v2.6's message (compose-go v1.2.8, go-yaml v2.4.0, gojsonschema).
    pub fn v2_message(&self) -> String {
        match self {
            LoadError::Yaml(e) => e.go(),
            LoadError::TopLevel { .. } => "Top-level object must be a mapping".into(),
            LoadError::ServicesNotMapping { .. } => "services must be a mapping".into(),
            LoadError::ServiceNotMapping { service, .. } => format!("services.{service} must be a mapping"),
            LoadError::UnknownOption { service, key } => format!("services.{service} Additional property {key} is not allowed"),
            LoadError::WrongType { path, v2_expected, .. } => format!("{path} must be a {v2_expected}"),
            LoadError::NoImage { service } => format!("service {service:?} has neither an image nor a build context specified: invalid compose project"),
            LoadError::Split { .. } => "invalid command line string".into(),
        }
    }
}

fn py_article(t: &str) -> String {
    match t {
        "list" => "an array".into(),
        "dict" => "a dict".into(),
        "str" => "a string".into(),
        "int" => "a number".into(),
        other => format!("a {other}"),
    }
}

/// The service options of the compose file formats 2.x/3.x and the Compose Specification.
const SERVICE_KEYS: &[&str] = &[
    "blkio_config", "build", "cap_add", "cap_drop", "cgroup_parent", "cgroupns_mode", "command", "configs", "container_name",
    "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset",
    "credential_spec", "depends_on", "deploy", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
    "entrypoint", "env_file", "environment", "expose", "extends", "external_links", "extra_hosts", "group_add", "healthcheck",
    "hostname", "image", "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit",
    "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "networks", "oom_kill_disable", "oom_score_adj",
    "pid", "pids_limit", "platform", "ports", "privileged", "profiles", "pull_policy", "read_only", "restart", "runtime",
    "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt",
    "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "volumes", "volumes_from", "working_dir",
];

/// The project name a directory gives: lowercased, only `[a-z0-9_-]` kept.
pub fn normalize_v1(name: &str) -> String {
    let s: String = name.to_lowercase().chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_').collect();
    if s.is_empty() { "default".into() } else { s }
}

/// compose-go's NormalizeProjectName: the same, with leading `_` and `-` trimmed.
pub fn normalize_v2(name: &str) -> String {
    let s: String = name.to_lowercase().chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_').collect();
    s.trim_start_matches(['_', '-']).to_string()
}

/// A scalar as text, the way the loaders turn numbers and booleans into strings.
fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        Value::Scalar { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// A string or a list of strings (`command:`, `entrypoint:`).
fn command_value(service: &str, key: &str, n: &Node) -> Result<Option<Vec<String>>, LoadError> {
    match &n.value {
        Value::Null => Ok(None),
        Value::Scalar { text, .. } => words::split(text).map(Some).map_err(|error| LoadError::Split { service: service.into(), error }),
        Value::Seq(items) => Ok(Some(items.iter().map(|i| scalar_text(i).unwrap_or_default()).collect())),
        Value::Map(_) => Err(LoadError::WrongType {
            path: format!("services.{service}.{key}"),
            v1_expected: "a string, or an array".into(),
            v2_expected: "string or list".into(),
        }),
    }
}

/// `environment:` as a mapping or a list of `KEY=value`.
fn environment(service: &str, n: &Node) -> Result<Vec<(String, Option<String>)>, LoadError> {
    match &n.value {
        Value::Null => Ok(Vec::new()),
        Value::Map(m) => Ok(m.iter().map(|(k, v)| (scalar_text(k).unwrap_or_default(), scalar_text(v))).collect()),
        Value::Seq(items) => Ok(items
            .iter()
            .map(|i| {
                let t = scalar_text(i).unwrap_or_default();
                match t.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                    None => (t, None),
                }
            })
            .collect()),
        Value::Scalar { .. } => Err(LoadError::WrongType {
            path: format!("services.{service}.environment"),
            v1_expected: "an object, or an array".into(),
            v2_expected: "mapping or list".into(),
        }),
    }
}

/// `ports:` in the short syntax: `"8080:80"`, `"127.0.0.1:8080:80"`, `"80"`, `"53:53/udp"`.
fn ports(n: &Node) -> Vec<Port> {
    let Value::Seq(items) = &n.value else { return Vec::new() };
    let mut out = Vec::new();
    for i in items {
        let Some(spec) = scalar_text(i) else { continue };
        let (spec, proto) = spec.split_once('/').map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or((spec.clone(), "tcp".into()));
        let parts: Vec<&str> = spec.rsplitn(3, ':').collect();
        let (host_ip, host_port, cport) = match parts.as_slice() {
            [c] => (String::new(), String::new(), c.to_string()),
            [c, h] => (String::new(), h.to_string(), c.to_string()),
            [c, h, ip] => (ip.to_string(), h.to_string(), c.to_string()),
            _ => continue,
        };
        out.push(Port { host_ip, host_port, container: format!("{cport}/{proto}") });
    }
    out
}

fn bool_of(n: Option<&Node>) -> bool {
    n.and_then(Node::as_str).map(|t| matches!(t, "true" | "True" | "TRUE" | "yes" | "Yes" | "y" | "on")).unwrap_or(false)
}

/// Reads a compose file's text into the project's services (name and paths are the
/// caller's).
pub fn load(text: &str) -> Result<Project, LoadError> {
    let doc = yaml::parse(text).map_err(LoadError::Yaml)?;
    let Some(doc) = doc else { return Err(LoadError::TopLevel { py_type: "NoneType".into() }) };
    if !matches!(doc.value, Value::Map(_)) {
        return Err(LoadError::TopLevel { py_type: doc.py_type().into() });
    }
    let version = doc.get("version").and_then(scalar_text);
    let mut project = Project { version, ..Project::default() };
    let services = match doc.get("services") {
        Some(s) => s.clone(),
        None => return Ok(project),
    };
    let entries = match &services.value {
        Value::Map(m) => m.clone(),
        Value::Null => Vec::new(),
        _ => return Err(LoadError::ServicesNotMapping { py_type: services.py_type().into() }),
    };
    for (k, v) in &entries {
        let name = scalar_text(k).unwrap_or_default();
        let Value::Map(opts) = &v.value else {
            return Err(LoadError::ServiceNotMapping { service: name, py_type: v.py_type().into() });
        };
        for (ok, _) in opts {
            let key = scalar_text(ok).unwrap_or_default();
            if !SERVICE_KEYS.contains(&key.as_str()) && !key.starts_with("x-") {
                return Err(LoadError::UnknownOption { service: name, key });
            }
        }
        for key in ["image", "restart", "platform", "container_name", "pull_policy"] {
            if let Some(n) = v.get(key) {
                if matches!(n.value, Value::Seq(_) | Value::Map(_)) {
                    return Err(LoadError::WrongType { path: format!("services.{name}.{key}"), v1_expected: "a string".into(), v2_expected: "string".into() });
                }
            }
        }
        let mut s = Service { name: name.clone(), ..Service::default() };
        s.image = v.get("image").and_then(scalar_text);
        s.has_build = v.get("build").is_some();
        if let Some(c) = v.get("command") {
            s.command = command_value(&name, "command", c)?;
        }
        if let Some(c) = v.get("entrypoint") {
            s.entrypoint = command_value(&name, "entrypoint", c)?;
        }
        if let Some(e) = v.get("environment") {
            s.environment = environment(&name, e)?;
        }
        s.restart = v.get("restart").and_then(scalar_text);
        s.platform = v.get("platform").and_then(scalar_text);
        s.container_name = v.get("container_name").and_then(scalar_text);
        s.pull_policy = v.get("pull_policy").and_then(scalar_text);
        s.ports = v.get("ports").map(ports).unwrap_or_default();
        s.tty = bool_of(v.get("tty"));
        s.stdin_open = bool_of(v.get("stdin_open"));
        s.depends_on = match v.get("depends_on").map(|d| &d.value) {
            Some(Value::Seq(items)) => items.iter().filter_map(scalar_text).collect(),
            Some(Value::Map(m)) => m.iter().filter_map(|(k, _)| scalar_text(k)).collect(),
            _ => Vec::new(),
        };
        if let Some(Value::Map(m)) = v.get("labels").map(|l| &l.value) {
            s.labels = m.iter().map(|(k, v)| (scalar_text(k).unwrap_or_default(), scalar_text(v).unwrap_or_default())).collect();
        }
        if s.image.is_none() && !s.has_build {
            return Err(LoadError::NoImage { service: name });
        }
        project.services.push(s);
    }
    Ok(project)
}

/// Services in the order they start: each after those it depends on, else in file order.
pub fn start_order(p: &Project) -> Vec<&Service> {
    let mut out: Vec<&Service> = Vec::new();
    let mut guard = 0;
    while out.len() < p.services.len() && guard <= p.services.len() {
        guard += 1;
        for s in &p.services {
            if out.iter().any(|o| o.name == s.name) {
                continue;
            }
            if s.depends_on.iter().all(|d| out.iter().any(|o| &o.name == d) || p.service(d).is_none()) {
                out.push(s);
            }
        }
    }
    for s in &p.services {
        if !out.iter().any(|o| o.name == s.name) {
            out.push(s);
        }
    }
    out
}

/// A stable digest of what a service asks for (the `com.docker.compose.config-hash` label):
/// sha256 over its options, so a changed file recreates the container.
pub fn config_hash(s: &Service) -> String {
    let text = format!("{s:?}");
    crate::image::digest::Digest::of(text.as_bytes()).hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_articles_service() {
        let p = load("version: '3.1'\n\nservices:\n\n  db:\n    image: mysql\n    platform: 'linux/amd64'\n    command: --default-authentication-plugin=mysql_native_password\n    restart: always\n    environment:\n      MYSQL_ROOT_PASSWORD: example\n").expect("loads");
        assert_eq!(p.version.as_deref(), Some("3.1"));
        let db = &p.services[0];
        assert_eq!(db.name, "db");
        assert_eq!(db.image_repo_tag(), ("mysql".to_string(), "latest".to_string()));
        assert_eq!(db.command.as_deref(), Some(&["--default-authentication-plugin=mysql_native_password".to_string()][..]));
        assert_eq!(db.env_list(), ["MYSQL_ROOT_PASSWORD=example"]);
        assert_eq!(db.platform.as_deref(), Some("linux/amd64"));
        assert_eq!(db.restart.as_deref(), Some("always"));
    }

    #[test]
    fn names_and_errors() {
        assert_eq!(normalize_v1("My App.1"), "myapp1");
        assert_eq!(normalize_v2("_Compose-Check"), "compose-check");
        let e = load("services:\n  db:\n    image: x\n    comand: y\n").expect_err("unknown");
        assert_eq!(e.v2_message(), "services.db Additional property comand is not allowed");
        assert_eq!(load("").expect_err("empty").v1_message("./docker-compose.yml"), "Top level object in './docker-compose.yml' needs to be an object not '<class 'NoneType'>'.");
        let p = load("services:\n  web:\n    image: localhost:5000/x:1\n    ports:\n      - \"8080:80\"\n").expect("ok");
        assert_eq!(p.services[0].image_repo_tag(), ("localhost:5000/x".to_string(), "1".to_string()));
        assert_eq!(p.services[0].ports, [Port { host_ip: String::new(), host_port: "8080".into(), container: "80/tcp".into() }]);
    }
}
