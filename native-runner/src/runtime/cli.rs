//! Subcommands over `LinuxRuntime` until the shared engine drives it:
//!
//! ```text
//! native-runner run --rootfs-tar PATH [--root DIR] [--name N] [--rm] [--net] [--subnet CIDR]
//!                   [--bridge NAME] [--masquerade] [--hostname H] [-e K=V]... [-w DIR]
//!                   [-u UID[:GID]] -- CMD ARGS...
//! native-runner exec [--root DIR] [-e K=V]... [-w DIR] [-u UID[:GID]] CONTAINER -- CMD ARGS...
//! native-runner stop [--root DIR] [-t SECONDS] [-s SIGNAL] CONTAINER
//! native-runner cleanup [--root DIR]
//! native-runner unpack [--root DIR] TARBALL
//! ```
//!
//! What a container gets by default (environment, /etc/hosts, /etc/resolv.conf, the
//! supplementary groups from the image's /etc/group) is Docker's behaviour: it is computed
//! here for now and belongs to the shared engine, which will fill `ContainerSpec` itself.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::network::NetAttachment;
use super::spawn::Stdio;
use super::{caps, sys, ContainerSpec, LinuxRuntime, RuntimeError};

pub const DEFAULT_ROOT: &str = "/var/lib/native-runner";
pub const DEFAULT_BRIDGE: &str = "nr0";
/// Not docker0's 172.17.0.0/16, nor the 172.18-31 ranges Docker gives user networks.
pub const DEFAULT_SUBNET: &str = "10.200.0.0/16";

pub const USAGE: &str = "usage: native-runner run --rootfs-tar PATH [--root DIR] [--name N] [--rm] [--net] [--subnet CIDR] [--bridge NAME] [--masquerade] [--hostname H] [-e K=V]... [-w DIR] [-u UID[:GID]] -- CMD ARGS...\n       native-runner exec [--root DIR] [-e K=V]... [-w DIR] [-u UID[:GID]] CONTAINER -- CMD ARGS...\n       native-runner stop [--root DIR] [-t SECONDS] [-s SIGNAL] CONTAINER\n       native-runner cleanup [--root DIR]\n       native-runner unpack [--root DIR] TARBALL\n";

const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Debug, Default)]
struct RunOpts {
    tar: Option<PathBuf>,
    root: Option<PathBuf>,
    name: String,
    rm: bool,
    net: bool,
    subnet: Option<String>,
    bridge: Option<String>,
    masquerade: bool,
    hostname: Option<String>,
    env: Vec<String>,
    cwd: Option<String>,
    user: Option<(u32, u32)>,
    argv: Vec<String>,
}

fn fail(msg: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("native-runner: {msg}");
    ExitCode::from(code)
}

fn parse_run(args: &[String]) -> Result<RunOpts, String> {
    let mut o = RunOpts::default();
    let mut i = 0;
    let val = |i: &mut usize, flag: &str| -> Result<String, String> {
        *i += 1;
        args.get(*i).cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
    };
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "--" => {
                o.argv = args[i + 1..].to_vec();
                break;
            }
            "--rootfs-tar" => o.tar = Some(val(&mut i, a)?.into()),
            "--root" => o.root = Some(val(&mut i, a)?.into()),
            "--name" => o.name = val(&mut i, a)?,
            "--rm" => o.rm = true,
            "--net" => o.net = true,
            "--subnet" => o.subnet = Some(val(&mut i, a)?),
            "--bridge" => o.bridge = Some(val(&mut i, a)?),
            "--masquerade" => o.masquerade = true,
            "--hostname" | "-h" => o.hostname = Some(val(&mut i, a)?),
            "-e" | "--env" => o.env.push(val(&mut i, a)?),
            "-w" | "--workdir" => o.cwd = Some(val(&mut i, a)?),
            "-u" | "--user" => {
                let v = val(&mut i, a)?;
                let (u, g) = v.split_once(':').unwrap_or((v.as_str(), ""));
                let uid = u.parse().map_err(|_| format!("--user wants numeric UID[:GID], got {v:?}"))?;
                let gid = if g.is_empty() { uid } else { g.parse().map_err(|_| format!("--user wants numeric UID[:GID], got {v:?}"))? };
                o.user = Some((uid, gid));
            }
            _ if !a.starts_with('-') && o.argv.is_empty() => {
                o.argv = args[i..].to_vec();
                break;
            }
            _ => return Err(format!("unknown option {a:?}\n{USAGE}")),
        }
        i += 1;
    }
    if o.tar.is_none() {
        return Err(format!("--rootfs-tar is required\n{USAGE}"));
    }
    if o.argv.is_empty() {
        return Err(format!("no command given\n{USAGE}"));
    }
    Ok(o)
}

fn root_of(o: &Option<PathBuf>) -> PathBuf {
    o.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_ROOT))
}

/// Docker's /etc/hosts for a container.
pub fn docker_hosts(ip_and_name: Option<(String, String)>) -> String {
    let mut s = String::from(
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n",
    );
    if let Some((ip, name)) = ip_and_name {
        s.push_str(&format!("{ip}\t{name}\n"));
    }
    s
}

/// Docker's /etc/resolv.conf: the host's, without loopback nameservers (unusable from the
/// container's network namespace); Google's public resolvers if none is left.
pub fn docker_resolv_conf(host: &str) -> String {
    let mut out = String::new();
    let mut servers = 0;
    for line in host.lines() {
        let mut w = line.split_whitespace();
        if w.next() == Some("nameserver") {
            let ns = w.next().unwrap_or("");
            if ns.starts_with("127.") || ns == "::1" {
                continue;
            }
            servers += 1;
        }
        out.push_str(line);
        out.push('\n');
    }
    if servers == 0 {
        out.push_str("\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    }
    out
}

/// The user's name from the image's /etc/passwd, and the supplementary groups listing it
/// in /etc/group (what Docker gives the process).
pub fn image_groups(layers: &[PathBuf], uid: u32) -> Vec<u32> {
    let find = |rel: &str| layers.iter().find_map(|l| std::fs::read_to_string(l.join(rel)).ok());
    let Some(passwd) = find("etc/passwd") else { return Vec::new() };
    let Some(user) = passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2].parse() == Ok(uid)).then(|| f[0].to_string())
    }) else {
        return Vec::new();
    };
    let group = find("etc/group").unwrap_or_default();
    let mut gids: Vec<u32> = group
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 3 && f[3].split(',').any(|m| m == user)).then(|| f[2].parse().ok()).flatten()
        })
        .collect();
    gids.sort_unstable();
    gids.dedup();
    gids
}

/// Blocks the signals `run` forwards; returns the set for `sigwait`.
fn block_forwarded_signals() -> libc::sigset_t {
    // SAFETY: sigset manipulation on a local, then the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT, libc::SIGUSR1, libc::SIGUSR2] {
            libc::sigaddset(&mut set, s);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

/// `NR_TIMING=1`: phase times on stderr.
struct Timing(Option<std::time::Instant>);

impl Timing {
    fn mark(&mut self, what: &str) {
        if let Some(t) = self.0 {
            eprintln!("native-runner timing: {what} {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
            self.0 = Some(std::time::Instant::now());
        }
    }
}

pub fn run(args: &[String]) -> ExitCode {
    let mut tm = Timing(std::env::var_os("NR_TIMING").map(|_| std::time::Instant::now()));
    let o = match parse_run(args) {
        Ok(o) => o,
        Err(e) => return fail(e, 125),
    };
    // Before any thread exists, so every thread inherits the mask.
    let sigset = block_forwarded_signals();
    let rt = match LinuxRuntime::open(&root_of(&o.root)) {
        Ok(r) => Arc::new(r),
        Err(e) => return fail(e, 125),
    };
    let tar = o.tar.clone().unwrap_or_default();
    let layer = match rt.layer_store().import_file(&tar) {
        Ok(l) => l,
        Err(e) => return fail(e, 125),
    };
    tm.mark("import layer");
    let id = match sys::random_hex(32) {
        Ok(id) => id,
        Err(e) => return fail(e, 125),
    };
    let hostname = o.hostname.clone().unwrap_or_else(|| id[..12].to_string());
    let att = if o.net {
        let bridge = o.bridge.clone().unwrap_or_else(|| DEFAULT_BRIDGE.to_string());
        let subnet = o.subnet.clone().unwrap_or_else(|| DEFAULT_SUBNET.to_string());
        let made = rt
            .create_network(&bridge, &bridge, &subnet, None, o.masquerade, true)
            .and_then(|_| rt.allocate_endpoint(&bridge, &id));
        match made {
            Ok(a) => Some(a),
            Err(e) => {
                let _ = rt.cleanup_network_if_unused(&bridge);
                return fail(e, 125);
            }
        }
    } else {
        None
    };
    let (uid, gid) = o.user.unwrap_or((0, 0));
    let layers = vec![layer.diff.clone()];
    let mut env = vec![DEFAULT_PATH.to_string(), format!("HOSTNAME={hostname}")];
    if uid == 0 {
        env.push("HOME=/root".into());
    }
    env.extend(o.env.iter().cloned());
    let host_resolv = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let spec = ContainerSpec {
        id: id.clone(),
        name: o.name.clone(),
        groups: image_groups(&layers, uid),
        layers,
        hostname: hostname.clone(),
        env,
        cwd: o.cwd.clone().unwrap_or_else(|| "/".into()),
        uid,
        gid,
        argv: o.argv.clone(),
        caps: caps::DOCKER_DEFAULT,
        hosts: docker_hosts(att.as_ref().map(|a: &NetAttachment| (a.ip.to_string(), hostname.clone()))),
        hostname_file: format!("{hostname}\n"),
        resolv_conf: docker_resolv_conf(&host_resolv),
        read_only: false,
        network: att.clone(),
    };
    if let Err(e) = rt.create(&spec) {
        if let Some(a) = &att {
            let _ = rt.cleanup_network_if_unused(&a.network);
        }
        return fail(e, 125);
    }
    tm.mark("create");
    if let Err(e) = rt.start(&id, [Stdio::Null, Stdio::Inherit, Stdio::Inherit]) {
        let code = e.exit_code();
        let _ = rt.remove(&id);
        return fail(e, code as u8);
    }
    tm.mark("start");
    let fwd = Arc::clone(&rt);
    let fid = id.clone();
    std::thread::spawn(move || loop {
        let mut sig: libc::c_int = 0;
        // SAFETY: sigset is a valid set; sig a valid out pointer.
        if unsafe { libc::sigwait(&sigset, &mut sig) } == 0 && fwd.signal(&fid, sig).is_err() {
            return;
        }
    });
    let status = match rt.wait(&id) {
        Ok(s) => s,
        Err(e) => return fail(e, 125),
    };
    tm.mark("wait");
    if o.rm {
        if let Err(e) = rt.remove(&id) {
            eprintln!("native-runner: removing the container: {e}");
        }
        tm.mark("remove");
    }
    ExitCode::from(status.docker_code() as u8)
}

fn root_only(args: &[String]) -> Result<(Option<PathBuf>, Vec<String>), String> {
    let mut root = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--root" {
            root = Some(PathBuf::from(args.get(i + 1).ok_or_else(|| format!("--root needs a value\n{USAGE}"))?));
            i += 2;
        } else {
            rest.push(args[i].clone());
            i += 1;
        }
    }
    Ok((root, rest))
}

pub fn cleanup(args: &[String]) -> ExitCode {
    let (root, rest) = match root_only(args) {
        Ok(r) => r,
        Err(e) => return fail(e, 2),
    };
    if !rest.is_empty() {
        return fail(format!("unexpected argument {:?}\n{USAGE}", rest[0]), 2);
    }
    let root = root_of(&root);
    if !root.exists() {
        return ExitCode::SUCCESS;
    }
    let report = LinuxRuntime::open(&root).and_then(|rt| rt.cleanup_stale());
    match report {
        Ok(r) => {
            println!(
                "removed {} containers ({} processes killed, {} veths), {} addresses, {} networks, {} layer temporaries",
                r.containers, r.processes_killed, r.veths, r.addresses, r.networks, r.layer_temporaries
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, 1),
    }
}

pub fn unpack(args: &[String]) -> ExitCode {
    let (root, rest) = match root_only(args) {
        Ok(r) => r,
        Err(e) => return fail(e, 2),
    };
    let [tar] = rest.as_slice() else { return fail(format!("unpack takes one tarball\n{USAGE}"), 2) };
    let res = LinuxRuntime::open(&root_of(&root)).and_then(|rt| rt.layer_store().import_file(Path::new(tar)).map_err(RuntimeError::Layer));
    match res {
        Ok(l) => {
            println!("{} {}", l.digest, l.diff.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, 1),
    }
}

/// `TERM`, `SIGTERM` or `15`.
pub fn parse_signal(s: &str) -> Option<i32> {
    if let Ok(n) = s.parse::<i32>() {
        return (1..=64).contains(&n).then_some(n);
    }
    let name = s.strip_prefix("SIG").unwrap_or(s);
    let table = [
        ("HUP", libc::SIGHUP),
        ("INT", libc::SIGINT),
        ("QUIT", libc::SIGQUIT),
        ("KILL", libc::SIGKILL),
        ("USR1", libc::SIGUSR1),
        ("USR2", libc::SIGUSR2),
        ("TERM", libc::SIGTERM),
        ("STOP", libc::SIGSTOP),
        ("CONT", libc::SIGCONT),
        ("WINCH", libc::SIGWINCH),
    ];
    table.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

pub fn stop(args: &[String]) -> ExitCode {
    let (root, rest) = match root_only(args) {
        Ok(r) => r,
        Err(e) => return fail(e, 2),
    };
    let mut time = 10u64;
    let mut sig = libc::SIGTERM;
    let mut name = None;
    let mut i = 0;
    while i < rest.len() {
        match rest[i].as_str() {
            "-t" | "--time" => match rest.get(i + 1).and_then(|v| v.parse().ok()) {
                Some(t) => {
                    time = t;
                    i += 1;
                }
                None => return fail(format!("-t wants seconds\n{USAGE}"), 2),
            },
            "-s" | "--signal" => match rest.get(i + 1).and_then(|v| parse_signal(v)) {
                Some(s) => {
                    sig = s;
                    i += 1;
                }
                None => return fail(format!("-s wants a signal\n{USAGE}"), 2),
            },
            n if name.is_none() && !n.starts_with('-') => name = Some(n.to_string()),
            o => return fail(format!("unexpected argument {o:?}\n{USAGE}"), 2),
        }
        i += 1;
    }
    let Some(name) = name else { return fail(format!("stop needs a container\n{USAGE}"), 2) };
    let res = LinuxRuntime::open(&root_of(&root))
        .and_then(|rt| rt.resolve(&name).and_then(|id| rt.stop(&id, sig, std::time::Duration::from_secs(time))));
    match res {
        Ok(_) => {
            println!("{name}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, 1),
    }
}

pub fn exec(args: &[String]) -> ExitCode {
    let (root, rest) = match root_only(args) {
        Ok(r) => r,
        Err(e) => return fail(e, 2),
    };
    let mut env = Vec::new();
    let mut cwd = None;
    let mut user = None;
    let mut name = None;
    let mut argv = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let a = rest[i].as_str();
        match a {
            "--" => {
                argv = rest[i + 1..].to_vec();
                break;
            }
            "-e" | "--env" | "-w" | "--workdir" | "-u" | "--user" => {
                let Some(v) = rest.get(i + 1).cloned() else { return fail(format!("{a} needs a value\n{USAGE}"), 2) };
                match a {
                    "-e" | "--env" => env.push(v),
                    "-w" | "--workdir" => cwd = Some(v),
                    _ => {
                        let (u, g) = v.split_once(':').unwrap_or((v.as_str(), ""));
                        let (Ok(uid), gid) = (u.parse::<u32>(), g.parse::<u32>().ok()) else {
                            return fail(format!("--user wants numeric UID[:GID]\n{USAGE}"), 2);
                        };
                        user = Some((uid, gid.unwrap_or(uid)));
                    }
                }
                i += 1;
            }
            n if name.is_none() && !n.starts_with('-') => name = Some(n.to_string()),
            n if !n.starts_with('-') => {
                argv = rest[i..].to_vec();
                break;
            }
            o => return fail(format!("unexpected argument {o:?}\n{USAGE}"), 2),
        }
        i += 1;
    }
    let (Some(name), false) = (name, argv.is_empty()) else { return fail(format!("exec needs a container and a command\n{USAGE}"), 2) };
    let rt = match LinuxRuntime::open(&root_of(&root)) {
        Ok(r) => r,
        Err(e) => return fail(e, 125),
    };
    let started = rt.resolve(&name).and_then(|id| {
        let spec = rt.spec(&id)?;
        let (uid, gid) = user.unwrap_or((spec.uid, spec.gid));
        let mut full_env = spec.env.clone();
        full_env.extend(env);
        let es = super::ExecSpec {
            argv,
            env: full_env,
            cwd: cwd.unwrap_or(spec.cwd.clone()),
            uid,
            gid,
            groups: if user.is_some() { Vec::new() } else { spec.groups.clone() },
            tty: false,
        };
        rt.exec(&id, &es)
    });
    let mut child = match started {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code() as u8;
            return fail(e, code);
        }
    };
    drop(child.stdin.take());
    let pumps: Vec<_> = [(child.stdout.take(), true), (child.stderr.take(), false)]
        .into_iter()
        .filter_map(|(f, out)| f.map(|f| (f, out)))
        .map(|(mut f, out)| {
            std::thread::spawn(move || {
                let _ = if out { std::io::copy(&mut f, &mut std::io::stdout()) } else { std::io::copy(&mut f, &mut std::io::stderr()) };
            })
        })
        .collect();
    let status = child.wait();
    for p in pumps {
        let _ = p.join();
    }
    match status {
        Ok(s) => ExitCode::from(s.docker_code() as u8),
        Err(e) => fail(e, 125),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolv_conf_drops_loopback() {
        assert_eq!(docker_resolv_conf("nameserver 10.255.255.53\n"), "nameserver 10.255.255.53\n");
        assert!(docker_resolv_conf("nameserver 127.0.0.53\nsearch x\n").ends_with("nameserver 8.8.8.8\nnameserver 8.8.4.4\n"));
    }

    #[test]
    fn run_options() {
        let a: Vec<String> = ["--rootfs-tar", "x.tgz", "--rm", "--net", "-e", "A=1", "--", "sh", "-c", "true"].iter().map(|s| s.to_string()).collect();
        let o = parse_run(&a).expect("parses");
        assert!(o.rm && o.net);
        assert_eq!(o.argv, ["sh", "-c", "true"]);
        assert_eq!(o.env, ["A=1"]);
    }
}
