//! Checks on the simulated machine: what a step's goal means, evaluated after every
//! command against the kernel's tables (and, for `ran`, the lines the learner typed).
//!
//! A check file names a check as `{ "kind": { fields } }`, e.g.
//! `{ "process": { "comm": "sh", "pid_ns": "new", "pid": 1 } }`. Checks on the Docker
//! engine read the daemon the machine's docker CLI reaches (on a desktop profile, the one
//! in the VM); on a machine without one they evaluate to [`Outcome::Unavailable`].

use serde::{Deserialize, Serialize};

use crate::kernel::net::{fmt_ip, LinkKind, NetNs};
use crate::kernel::{Kernel, NsId, Pid};

/// Which PID namespace a process must be in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WhichNs {
    #[default]
    Any,
    /// The host's (initial) namespace.
    Initial,
    /// Any namespace but the initial one.
    New,
}

/// A kind of namespace, as named in `/proc/PID/ns/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NsName {
    Pid,
    Mnt,
    Net,
    Uts,
    Ipc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKindName {
    Loopback,
    Ether,
    Dummy,
    Bridge,
    Veth,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The learner typed a line running `program` (after `sudo`, `env`, `VAR=x`), with
    /// each of `args` among its words, since the step began.
    Ran {
        program: String,
        #[serde(default)]
        args: Vec<String>,
    },
    /// A process with this `comm` exists, in the given kind of PID namespace, with PID
    /// `pid` in its own namespace if given.
    Process {
        comm: String,
        #[serde(default)]
        pid_ns: WhichNs,
        #[serde(default)]
        pid: Option<u32>,
    },
    /// The learner's shell is in a namespace of this kind other than the host's.
    ShellInNewNs { ns: NsName },
    /// The learner's shell's `/proc` shows its own PID namespace (`--mount-proc`).
    ProcShowsOwnPidNs {},
    /// A mount at `target` (with `fstype` if given) in the learner's mount namespace.
    Mount {
        target: String,
        #[serde(default)]
        fstype: Option<String>,
    },
    /// A network namespace named `name` (`ip netns add`).
    NetnsExists { name: String },
    /// A link in a network namespace (`netns` absent: the host's).
    Link {
        #[serde(default)]
        netns: Option<String>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        kind: Option<LinkKindName>,
        #[serde(default)]
        up: Option<bool>,
        #[serde(default)]
        master: Option<String>,
    },
    /// The link `link` in `netns` (absent: the host's) has `address` ("10.0.0.1/24").
    Address {
        #[serde(default)]
        netns: Option<String>,
        link: String,
        address: String,
    },
    /// A veth pair with one end in `a` and the other in `b` (absent: the host's).
    VethBetween {
        #[serde(default)]
        a: Option<String>,
        #[serde(default)]
        b: Option<String>,
    },
    /// A file or directory the learner's shell can see at `path`.
    FileExists { path: String },
    /// The hostname the learner's shell sees.
    Hostname { name: String },
    All(Vec<Check>),
    Any(Vec<Check>),
    Not(Box<Check>),
    // The Docker engine's state.
    ContainerRunning { name: String },
    ContainerExists { name: String },
    ImagePresent { reference: String },
    SocketRequest {
        method: String,
        path: String,
    },
    PortPublished { port: u16 },
    ComposeServiceRunning { service: String },
    ImagePlatform { reference: String, platform: String },
}

/// The result of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    NotYet,
    /// The check needs something this profile does not simulate yet (e.g. "docker").
    Unavailable(&'static str),
}

impl Outcome {
    pub fn passed(self) -> bool {
        self == Outcome::Passed
    }
}

/// What a check looks at: the machine, the learner's shell, and the lines typed since
/// the step began.
pub struct World<'a> {
    pub kernel: &'a Kernel,
    pub shell: Pid,
    pub commands: &'a [String],
}

impl Check {
    /// Nesting depth (1 for a leaf).
    pub fn depth(&self) -> usize {
        match self {
            Check::All(v) | Check::Any(v) => 1 + v.iter().map(Check::depth).max().unwrap_or(0),
            Check::Not(c) => 1 + c.depth(),
            _ => 1,
        }
    }

    /// A problem a well-formed file can still have (an empty `all`, a bad address...).
    pub fn problem(&self) -> Option<String> {
        match self {
            Check::All(v) | Check::Any(v) if v.is_empty() => Some("an `all` or `any` check needs at least one check".into()),
            Check::All(v) | Check::Any(v) => v.iter().find_map(Check::problem),
            Check::Not(c) => c.problem(),
            Check::Ran { program, .. } if program.trim().is_empty() => Some("`ran` needs a program name".into()),
            Check::Address { address, .. } if parse_cidr(address).is_none() => {
                Some(format!("{address:?} is not an IPv4 address with a prefix, like \"10.0.0.1/24\""))
            }
            Check::FileExists { path } | Check::Mount { target: path, .. } if !path.starts_with('/') => {
                Some(format!("{path:?} must be an absolute path"))
            }
            _ => None,
        }
    }

    pub fn eval(&self, w: &World) -> Outcome {
        let ok = |b: bool| if b { Outcome::Passed } else { Outcome::NotYet };
        let k = w.kernel;
        let shell = k.procs.get(&w.shell);
        match self {
            Check::Ran { program, args } => ok(w.commands.iter().any(|line| ran(line, program, args))),
            Check::Process { comm, pid_ns, pid } => ok(k.procs.values().any(|p| {
                let own_ns_is_initial = p.ns.pid == k.init_ns.pid;
                p.comm == *comm
                    && match pid_ns {
                        WhichNs::Any => true,
                        WhichNs::Initial => own_ns_is_initial,
                        WhichNs::New => !own_ns_is_initial,
                    }
                    && pid.map(|want| p.ns_pids.last() == Some(&want)).unwrap_or(true)
            })),
            Check::ShellInNewNs { ns } => ok(shell
                .map(|p| match ns {
                    NsName::Pid => p.ns.pid != k.init_ns.pid,
                    NsName::Mnt => p.ns.mnt != k.init_ns.mnt,
                    NsName::Net => p.ns.net != k.init_ns.net,
                    NsName::Uts => p.ns.uts != k.init_ns.uts,
                    NsName::Ipc => p.ns.ipc != k.init_ns.ipc,
                })
                .unwrap_or(false)),
            Check::ProcShowsOwnPidNs {} => ok(shell
                .map(|p| {
                    let mounts = k.mnt_ns.get(&p.ns.mnt).map(|n| n.mounts.as_slice()).unwrap_or(&[]);
                    // The last mount on /proc is the one a path lookup finds.
                    mounts.iter().rev().find(|m| m.target == "/proc").and_then(|m| k.vfs.sbs.get(m.sb)).map(|sb| {
                        matches!(sb.kind, crate::kernel::vfs::SbKind::Proc { pid_ns } if pid_ns == p.ns.pid)
                    }) == Some(true)
                })
                .unwrap_or(false)),
            Check::Mount { target, fstype } => ok(shell
                .and_then(|p| k.mnt_ns.get(&p.ns.mnt))
                .map(|n| {
                    n.mounts.iter().any(|m| {
                        m.target == *target
                            && fstype.as_ref().map(|f| k.vfs.sbs.get(m.sb).map(|s| s.fstype == *f) == Some(true)).unwrap_or(true)
                    })
                })
                .unwrap_or(false)),
            Check::NetnsExists { name } => ok(k.named_netns.iter().any(|(n, _)| n == name)),
            Check::Link { netns, name, kind, up, master } => ok(net(k, netns.as_deref()).is_some_and(|ns| {
                ns.links.values().any(|l| {
                    name.as_ref().is_none_or(|n| l.name == *n)
                        && kind.is_none_or(|want| kind_name(&l.kind) == want)
                        && up.is_none_or(|u| l.up == u)
                        && master.as_ref().is_none_or(|m| {
                            l.master.and_then(|i| ns.links.get(&i)).map(|b| b.name == *m) == Some(true)
                        })
                })
            })),
            Check::Address { netns, link, address } => ok(match (net(k, netns.as_deref()), parse_cidr(address)) {
                (Some(ns), Some((addr, prefix))) => ns
                    .by_name(link)
                    .is_some_and(|l| l.addrs.iter().any(|a| a.addr == addr && a.prefix == prefix)),
                _ => false,
            }),
            Check::VethBetween { a, b } => {
                let (Some(a_id), Some(b_id)) = (net_id(k, a.as_deref()), net_id(k, b.as_deref())) else {
                    return Outcome::NotYet;
                };
                ok(k.net_ns.get(&a_id).is_some_and(|ns| {
                    ns.links.values().any(|l| matches!(l.kind, LinkKind::Veth { peer_ns, .. } if peer_ns == b_id))
                }))
            }
            Check::FileExists { path } => ok(k.resolve(w.shell, path, true).is_ok()),
            Check::Hostname { name } => ok(k.hostname_of(w.shell) == *name),
            Check::All(v) => {
                let mut out = Outcome::Passed;
                for c in v {
                    match c.eval(w) {
                        Outcome::Passed => {}
                        Outcome::NotYet => out = if out == Outcome::Passed { Outcome::NotYet } else { out },
                        u @ Outcome::Unavailable(_) => return u,
                    }
                }
                out
            }
            Check::Any(v) => {
                let mut out = Outcome::NotYet;
                for c in v {
                    match c.eval(w) {
                        Outcome::Passed => return Outcome::Passed,
                        Outcome::NotYet => {}
                        u @ Outcome::Unavailable(_) => out = u,
                    }
                }
                out
            }
            Check::Not(c) => match c.eval(w) {
                Outcome::Passed => Outcome::NotYet,
                Outcome::NotYet => Outcome::Passed,
                u => u,
            },
            // The daemon the machine's docker CLI reaches: its own, or its VM's (a desktop).
            docker => match crate::view::socket::daemon(k) {
                Some((d, _)) => ok(docker_check(docker, d)),
                None => Outcome::Unavailable("docker"),
            },
        }
    }
}

/// The Docker checks, on the state of the machine's dockerd.
fn docker_check(c: &Check, d: &crate::engine::Dockerd) -> bool {
    let named = |name: &str| d.containers.values().find(|x| x.name.trim_start_matches('/') == name);
    match c {
        Check::ContainerRunning { name } => named(name).is_some_and(|x| x.state.running),
        Check::ContainerExists { name } => named(name).is_some(),
        Check::ImagePresent { reference } => d.store.lookup(reference).is_some(),
        Check::SocketRequest { method, path } => d.socket_log.iter().any(|e| {
            let line = String::from_utf8_lossy(e.request.split(|b| *b == b'\r').next().unwrap_or(&[])).into_owned();
            let mut parts = line.split(' ');
            let (m, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            // `/v1.41/containers/json?all=1` matches the path `/containers/json`.
            let unversioned = match target.strip_prefix("/v") {
                Some(rest) => rest.find('/').map(|i| &rest[i..]).unwrap_or(target),
                None => target,
            };
            m == method && unversioned.split('?').next() == Some(path.as_str())
        }),
        Check::PortPublished { port } => d.ports_in_use.contains_key(port),
        Check::ComposeServiceRunning { service } => d.containers.values().any(|x| {
            x.state.running && x.config.get("Labels").and_then(|l| l.get("com.docker.compose.service")).and_then(|v| v.as_str()) == Some(service)
        }),
        Check::ImagePlatform { reference, platform } => {
            d.store.lookup(reference).is_some_and(|i| i.config.platform().to_string_full() == *platform || format!("{}/{}", i.config.os, i.config.architecture) == *platform)
        }
        _ => false,
    }
}

fn kind_name(k: &LinkKind) -> LinkKindName {
    match k {
        LinkKind::Loopback => LinkKindName::Loopback,
        LinkKind::Ether => LinkKindName::Ether,
        LinkKind::Dummy => LinkKindName::Dummy,
        LinkKind::Bridge => LinkKindName::Bridge,
        LinkKind::Veth { .. } => LinkKindName::Veth,
    }
}

/// The network namespace named `name` by `ip netns`, or the host's when None.
fn net_id(k: &Kernel, name: Option<&str>) -> Option<NsId> {
    match name {
        None => Some(k.init_ns.net),
        Some(n) => k.named_netns.iter().find(|(m, _)| m == n).map(|(_, id)| *id),
    }
}

fn net<'k>(k: &'k Kernel, name: Option<&str>) -> Option<&'k NetNs> {
    net_id(k, name).and_then(|id| k.net_ns.get(&id))
}

fn parse_cidr(s: &str) -> Option<([u8; 4], u8)> {
    let (a, p) = s.split_once('/')?;
    let addr = crate::kernel::net::parse_ip(a)?;
    let prefix: u8 = p.parse().ok().filter(|p| *p <= 32)?;
    // Normalized through the same formatter `ip` uses.
    (fmt_ip(addr) == a).then_some((addr, prefix))
}

/// Whether `line` runs `program` with all of `args` among its words: each simple
/// command of the line (split at `;`, `&&`, `||`, `|`) is read past `sudo` and its
/// options, `env` and assignments.
pub fn ran(line: &str, program: &str, args: &[String]) -> bool {
    let mut cmds = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ';' | '|' | '&' => {
                if matches!(chars.peek(), Some('|') | Some('&')) {
                    chars.next();
                }
                cmds.push(String::new());
            }
            c => {
                if let Some(cur) = cmds.last_mut() {
                    cur.push(c);
                }
            }
        }
    }
    cmds.iter().any(|cmd| {
        let words: Vec<&str> = cmd.split_whitespace().map(|w| w.trim_matches(|c| c == '\'' || c == '"')).collect();
        let mut i = 0;
        while let Some(w) = words.get(i) {
            let prefix = *w == "sudo" || *w == "env" || *w == "exec" || w.starts_with('-') && i > 0 && words.first() == Some(&"sudo") || is_assignment(w);
            if !prefix {
                break;
            }
            i += 1;
        }
        let Some(first) = words.get(i) else { return false };
        let name = first.rsplit('/').next().unwrap_or(first);
        name == program && args.iter().all(|a| words[i + 1..].contains(&a.as_str()))
    })
}

fn is_assignment(w: &str) -> bool {
    match w.split_once('=') {
        Some((name, _)) => !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Profile, Terminal, TerminalConfig};

    fn world_after(lines: &[&str]) -> (Terminal, Vec<String>) {
        let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
        let now = Profile::Linux.session_start();
        for l in lines {
            t.run(l, now);
        }
        (t, lines.iter().map(|s| s.to_string()).collect())
    }

    fn eval(c: &Check, t: &Terminal, cmds: &[String]) -> Outcome {
        c.eval(&World { kernel: &t.kernel, shell: t.shell().pid, commands: cmds })
    }

    #[test]
    fn ran_reads_past_sudo_and_pipes() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(ran("sudo unshare --pid --fork sh", "unshare", &a(&["--pid"])));
        assert!(ran("ps aux | grep sh", "grep", &[]));
        assert!(ran("LANG=C /usr/bin/ps auxf", "ps", &a(&["auxf"])));
        assert!(!ran("echo unshare", "unshare", &[]));
        assert!(!ran("ps", "ps", &a(&["aux"])));
    }

    #[test]
    fn pid_namespace_checks_follow_the_kernel() {
        let in_new = Check::Process { comm: "sh".into(), pid_ns: WhichNs::New, pid: Some(1) };
        let shell_new = Check::ShellInNewNs { ns: NsName::Pid };
        let (t, c) = world_after(&[]);
        assert_eq!(eval(&in_new, &t, &c), Outcome::NotYet);
        assert_eq!(eval(&Check::ProcShowsOwnPidNs {}, &t, &c), Outcome::Passed);
        let (t, c) = world_after(&["sudo unshare --pid --fork sh"]);
        assert_eq!(eval(&in_new, &t, &c), Outcome::Passed);
        assert_eq!(eval(&shell_new, &t, &c), Outcome::Passed);
        assert_eq!(eval(&Check::ProcShowsOwnPidNs {}, &t, &c), Outcome::NotYet, "no --mount-proc");
        let (t, c) = world_after(&["sudo unshare --pid --fork --mount-proc sh"]);
        assert_eq!(eval(&Check::ProcShowsOwnPidNs {}, &t, &c), Outcome::Passed);
        assert_eq!(eval(&Check::ShellInNewNs { ns: NsName::Mnt }, &t, &c), Outcome::Passed);
        let (t, c) = world_after(&["sudo unshare --pid --fork --mount-proc sh", "exit"]);
        assert_eq!(eval(&shell_new, &t, &c), Outcome::NotYet);
    }

    #[test]
    fn network_checks_follow_the_kernel() {
        let (t, c) = world_after(&[
            "sudo ip netns add red",
            "sudo ip link add veth0 type veth peer name veth1",
            "sudo ip link set veth1 netns red",
            "sudo ip netns exec red ip addr add 10.0.0.2/24 dev veth1",
            "sudo ip netns exec red ip link set veth1 up",
        ]);
        let yes = |ch: Check| assert_eq!(eval(&ch, &t, &c), Outcome::Passed, "{ch:?}");
        yes(Check::NetnsExists { name: "red".into() });
        yes(Check::VethBetween { a: None, b: Some("red".into()) });
        yes(Check::Link { netns: Some("red".into()), name: Some("veth1".into()), kind: Some(LinkKindName::Veth), up: Some(true), master: None });
        yes(Check::Address { netns: Some("red".into()), link: "veth1".into(), address: "10.0.0.2/24".into() });
        let no = Check::Link { netns: Some("red".into()), name: Some("veth0".into()), kind: None, up: None, master: None };
        assert_eq!(eval(&no, &t, &c), Outcome::NotYet);
        assert_eq!(eval(&Check::Not(Box::new(no)), &t, &c), Outcome::Passed);
    }

    #[test]
    fn docker_checks_read_the_daemon_and_combine() {
        let (mut t, c) = world_after(&[]);
        let docker = Check::ContainerRunning { name: "nginx".into() };
        assert_eq!(eval(&docker, &t, &c), Outcome::NotYet);
        assert_eq!(eval(&Check::All(vec![Check::FileExists { path: "/etc".into() }, docker.clone()]), &t, &c), Outcome::NotYet);
        assert_eq!(eval(&Check::Any(vec![Check::FileExists { path: "/etc".into() }, docker.clone()]), &t, &c), Outcome::Passed);
        t.kernel.docker = None;
        assert_eq!(eval(&docker, &t, &c), Outcome::Unavailable("docker"));
    }
}
