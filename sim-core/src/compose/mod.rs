//! Docker Compose in the simulation: `docker-compose` (1.29.2, the Python one the article's
//! host would have installed) and `docker compose` (the v2 plugin, as of v2.6, mid-2022).
//!
//! Both read the compose file through the simulated filesystem as the calling process, and
//! talk to dockerd only through the Engine API on the socket, with the requests the real
//! ones send (network, pull, create, start, list by label, stop, remove, logs): what they do
//! is visible in the socket inspector and in the kernel's tables, like any docker command.
//!
//! - `yaml`: the YAML subset compose files use, with PyYAML's and go-yaml's error words.
//! - `model`: the compose file as a project (services, their options) and its checks.
//! - `words`: shell-like splitting of `command:` strings (Python's shlex, go-shellwords).
//! - `api`: the Engine API calls, over `client::transport::DockerTransport`.
//! - `v1`: docker-compose 1.29.2's commands and output (checked against the real one).
//! - `v2`: compose v2.6's commands and output (from its sources), with `progress`.
//! - `table`: texttable's layout, which docker-compose 1.29.2's `ps` prints.

pub mod api;
pub mod model;
pub mod progress;
pub mod project;
pub mod table;
pub mod v1;
pub mod v1_text;
pub mod v1_up;
pub mod v2;
pub mod words;
pub mod yaml;

pub use v1::main as v1_main;
pub use v2::{plugin_main, plugin_sim};

/// Where docker-compose is installed on the article's host (the 1.29.2 release binary that
/// the install instructions of the time downloaded): `/usr/local/bin/docker-compose`.
pub const V1_PATH: &str = "/usr/local/bin/docker-compose";
/// The size of the docker-compose-Linux-x86_64 1.29.2 release binary.
pub const V1_SIZE: u64 = 12_737_304;

/// Puts the docker-compose program on the host (as root would have: `curl -L ... -o
/// /usr/local/bin/docker-compose; chmod +x`).
pub fn install(k: &mut crate::kernel::Kernel) {
    use crate::kernel::vfs::{Node, NodeKind};
    let mut n = Node::other(NodeKind::File { data: Vec::new(), size: V1_SIZE }, 0o755, 0, 0, k.now);
    n.program = Some("docker-compose".into());
    let _ = crate::engine::hostfs::put(k, 1, V1_PATH, n);
}
