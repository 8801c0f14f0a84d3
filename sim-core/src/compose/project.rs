//! Finding and reading the compose file as the calling process (its cwd, its permissions),
//! and the connection to the daemon `DOCKER_HOST` names.

use crate::kernel::Errno;
use crate::utils::Ctx;

/// A compose file that was read.
#[derive(Clone, Debug)]
pub struct File {
    /// Absolute path.
    pub path: String,
    /// As docker-compose 1.29.2 names it in messages: `./docker-compose.yml`, `./../x.yml`.
    pub v1_name: String,
    pub text: String,
}

/// Why no file could be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindError {
    /// Nothing found in the directory or its parents.
    NotFound,
    /// A named file could not be read: (v1's name, absolute path, errno).
    Unreadable(String, String, Errno),
}

/// docker-compose 1.29.2's search order.
pub const V1_NAMES: &[&str] = &["docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"];
/// compose-go's (v2) search order.
pub const V2_NAMES: &[&str] = &["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];

pub fn cwd(ctx: &Ctx) -> String {
    ctx.k.procs.get(&ctx.pid).map(|p| p.cwd.clone()).unwrap_or_else(|| "/".into())
}

/// `a` joined with `b` and cleaned (`.` and `..` resolved lexically).
pub fn join(a: &str, b: &str) -> String {
    let full = if b.starts_with('/') { b.to_string() } else { format!("{a}/{b}") };
    let mut parts: Vec<&str> = Vec::new();
    for p in full.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    format!("/{}", parts.join("/"))
}

pub fn dirname(p: &str) -> String {
    match p.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => p[..i].to_string(),
    }
}

pub fn basename(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_string()
}

fn exists(ctx: &Ctx, path: &str) -> bool {
    ctx.k.resolve(ctx.pid, path, true).is_ok()
}

fn read(ctx: &Ctx, path: &str, v1_name: &str) -> Result<File, FindError> {
    match ctx.read_file(path) {
        Ok(b) => Ok(File { path: path.to_string(), v1_name: v1_name.to_string(), text: String::from_utf8_lossy(&b).into_owned() }),
        Err(e) => Err(FindError::Unreadable(v1_name.to_string(), path.to_string(), e)),
    }
}

/// The files `-f` names, or the first of `names` found in the cwd or the nearest parent.
pub fn find(ctx: &Ctx, explicit: &[String], names: &[&str]) -> Result<Vec<File>, FindError> {
    let cwd = cwd(ctx);
    if !explicit.is_empty() {
        return explicit
            .iter()
            .map(|f| {
                let shown = if f.starts_with('/') { f.clone() } else { format!("./{f}") };
                read(ctx, &join(&cwd, f), &shown)
            })
            .collect();
    }
    let mut dir = cwd.clone();
    let mut rel = ".".to_string();
    loop {
        if let Some(n) = names.iter().find(|n| exists(ctx, &join(&dir, n))) {
            return Ok(vec![read(ctx, &join(&dir, n), &format!("{rel}/{n}"))?]);
        }
        if dir == "/" {
            return Err(FindError::NotFound);
        }
        dir = dirname(&dir);
        rel = format!("{rel}/..");
    }
}

/// The socket `DOCKER_HOST` names (`unix:///path`), or the default one. A `tcp://` host is
/// returned as Err with its text.
pub fn socket_path(ctx: &Ctx) -> Result<String, String> {
    match ctx.getenv("DOCKER_HOST").filter(|h| !h.is_empty()) {
        None => Ok(crate::engine::socket::DEFAULT_SOCKET.to_string()),
        Some(h) => match h.strip_prefix("unix://") {
            Some(p) => Ok(p.to_string()),
            None => Err(h.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(join("/home/ec2-user", "../x/./y.yml"), "/home/x/y.yml");
        assert_eq!(join("/a", "/b"), "/b");
        assert_eq!(dirname("/a/b.yml"), "/a");
        assert_eq!(dirname("/b.yml"), "/");
        assert_eq!(basename("/tmp/compose-check"), "compose-check");
    }
}
