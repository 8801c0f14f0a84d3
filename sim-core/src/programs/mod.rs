//! Behaviour models of the programs images run: what they print, which processes they start,
//! what they do on a signal. They run on the simulated kernel like the host's utilities.

pub mod http;
pub mod nginx;

/// The program an image's executable is, by its path (image layers carry bytes, not the
/// simulation's program names). Scripts whose behaviour is modeled are listed by their path.
pub fn binary_at(path: &str) -> Option<&'static str> {
    Some(match path {
        "/usr/sbin/nginx" | "/usr/sbin/nginx-debug" => "nginx",
        "/docker-entrypoint.sh" => "nginx-entrypoint",
        "/usr/bin/curl" => "curl",
        _ => return None,
    })
}
