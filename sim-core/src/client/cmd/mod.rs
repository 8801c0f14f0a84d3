//! The commands: where each lives in the command tree, its help text (flags included),
//! how many operands it takes (`cli/required.go`'s messages), and the function that runs it.

pub mod config;
pub mod containers;
pub mod context;
pub mod df;
pub mod exec;
pub mod images;
pub mod inspect;
pub mod mount_opt;
pub mod network;
pub mod run;
pub mod system;
pub mod volume;

use super::args::Parsed;
use super::cli::{Cli, CmdInfo, R};

/// How many operands a command takes.
#[derive(Clone, Copy, Debug)]
pub enum Arity {
    None,
    Min(usize),
    Max(usize),
    Exact(usize),
    Range(usize, usize),
    /// cobra's own `ExactArgs` (not the CLI's `RequiresExactArgs`): a bare message.
    CobraExact(usize),
}

pub type Run = fn(&mut Cli, &Parsed) -> R;

pub struct Spec {
    /// `docker container ls`
    pub path: &'static str,
    pub help: &'static str,
    pub arity: Arity,
    /// Flags may follow operands (false where the operands are a command line).
    pub interspersed: bool,
    /// `None` for a management command (`docker image`).
    pub run: Option<Run>,
}

macro_rules! help {
    ($f:literal) => {
        include_str!(concat!("../help/", $f, ".txt"))
    };
}

const fn spec(path: &'static str, help: &'static str, arity: Arity, run: Run) -> Spec {
    Spec { path, help, arity, interspersed: true, run: Some(run) }
}

const fn spec_cmdline(path: &'static str, help: &'static str, arity: Arity, run: Run) -> Spec {
    Spec { path, help, arity, interspersed: false, run: Some(run) }
}

use Arity::*;

/// Top-level commands.
static TOP: &[(&str, Spec)] = &[
    ("run", spec_cmdline("docker run", help!("run"), Min(1), run::run)),
    ("exec", spec_cmdline("docker exec", help!("exec"), Min(2), exec::exec)),
    ("ps", spec("docker ps", help!("ps"), None, containers::ps)),
    ("images", spec("docker images", help!("images"), Max(1), images::images)),
    ("pull", spec("docker pull", help!("pull"), Exact(1), images::pull)),
    ("version", spec("docker version", help!("version"), None, system::version)),
    ("info", spec("docker info", help!("info"), None, system::info)),
    ("create", spec_cmdline("docker create", help!("create"), Min(1), run::create)),
    ("start", spec("docker start", help!("start"), Min(1), containers::start)),
    ("stop", spec("docker stop", help!("stop"), Min(1), containers::stop)),
    ("kill", spec("docker kill", help!("kill"), Min(1), containers::kill)),
    ("restart", spec("docker restart", help!("restart"), Min(1), containers::restart)),
    ("rm", spec("docker rm", help!("rm"), Min(1), containers::rm)),
    ("rmi", spec("docker rmi", help!("rmi"), Min(1), images::rmi)),
    ("logs", spec("docker logs", help!("logs"), Exact(1), containers::logs)),
    ("inspect", spec("docker inspect", help!("inspect"), Min(1), inspect::inspect)),
    ("top", spec_cmdline("docker top", help!("top"), Min(1), containers::top)),
    ("port", spec("docker port", help!("port"), Range(1, 2), containers::port)),
    ("rename", spec("docker rename", help!("rename"), Exact(2), containers::rename)),
    ("wait", spec("docker wait", help!("wait"), Min(1), containers::wait)),
    ("tag", spec_cmdline("docker tag", help!("tag"), Exact(2), images::tag)),
    ("save", spec("docker save", help!("save"), Min(1), images::save)),
    ("load", spec("docker load", help!("load"), None, images::load)),
    ("import", spec("docker import", help!("import"), Min(1), images::import)),
    ("history", spec("docker history", help!("history"), Exact(1), images::history)),
    ("diff", spec("docker diff", help!("diff"), Exact(1), containers::diff)),
    ("pause", spec("docker pause", help!("pause"), Min(1), containers::pause)),
    ("unpause", spec("docker unpause", help!("unpause"), Min(1), containers::unpause)),
];

static CONTAINER: Spec = Spec { path: "docker container", help: help!("container"), arity: None, interspersed: true, run: Option::None };
static IMAGE: Spec = Spec { path: "docker image", help: help!("image"), arity: None, interspersed: true, run: Option::None };
static CONTEXT: Spec = Spec { path: "docker context", help: help!("context"), arity: None, interspersed: true, run: Option::None };
static VOLUME: Spec = Spec { path: "docker volume", help: help!("volume"), arity: None, interspersed: true, run: Option::None };
static SYSTEM: Spec = Spec { path: "docker system", help: help!("system"), arity: None, interspersed: true, run: Option::None };
static NETWORK: Spec = Spec { path: "docker network", help: help!("network"), arity: None, interspersed: true, run: Option::None };

static CONTAINER_SUB: &[(&[&str], Spec)] = &[
    (&["create"], spec_cmdline("docker container create", help!("container_create"), Min(1), run::create)),
    (&["diff"], spec("docker container diff", help!("container_diff"), Exact(1), containers::diff)),
    (&["exec"], spec_cmdline("docker container exec", help!("container_exec"), Min(2), exec::exec)),
    (&["inspect"], spec("docker container inspect", help!("container_inspect"), Min(1), inspect::container_inspect)),
    (&["kill"], spec("docker container kill", help!("container_kill"), Min(1), containers::kill)),
    (&["logs"], spec("docker container logs", help!("container_logs"), Exact(1), containers::logs)),
    (&["pause"], spec("docker container pause", help!("container_pause"), Min(1), containers::pause)),
    (&["unpause"], spec("docker container unpause", help!("container_unpause"), Min(1), containers::unpause)),
    (&["ls", "list", "ps"], spec("docker container ls", help!("container_ls"), None, containers::ps)),
    (&["port"], spec("docker container port", help!("container_port"), Range(1, 2), containers::port)),
    (&["rename"], spec("docker container rename", help!("container_rename"), Exact(2), containers::rename)),
    (&["restart"], spec("docker container restart", help!("container_restart"), Min(1), containers::restart)),
    (&["rm", "remove"], spec("docker container rm", help!("container_rm"), Min(1), containers::rm)),
    (&["run"], spec_cmdline("docker container run", help!("container_run"), Min(1), run::run)),
    (&["start"], spec("docker container start", help!("container_start"), Min(1), containers::start)),
    (&["stop"], spec("docker container stop", help!("container_stop"), Min(1), containers::stop)),
    (&["top"], spec_cmdline("docker container top", help!("container_top"), Min(1), containers::top)),
    (&["wait"], spec("docker container wait", help!("container_wait"), Min(1), containers::wait)),
];

static IMAGE_SUB: &[(&[&str], Spec)] = &[
    (&["history"], spec("docker image history", help!("image_history"), Exact(1), images::history)),
    (&["import"], spec("docker image import", help!("image_import"), Min(1), images::import)),
    (&["inspect"], spec("docker image inspect", help!("image_inspect"), Min(1), inspect::image_inspect)),
    (&["load"], spec("docker image load", help!("image_load"), None, images::load)),
    (&["ls", "list"], spec("docker image ls", help!("image_ls"), Max(1), images::images)),
    (&["pull"], spec("docker image pull", help!("image_pull"), Exact(1), images::pull)),
    (&["rm", "remove"], spec("docker image rm", help!("image_rm"), Min(1), images::rmi)),
    (&["save"], spec("docker image save", help!("image_save"), Min(1), images::save)),
    (&["tag"], spec_cmdline("docker image tag", help!("image_tag"), Exact(2), images::tag)),
];

static CONTEXT_SUB: &[(&[&str], Spec)] = &[
    (&["create"], spec("docker context create", help!("context_create"), Exact(1), context::create)),
    (&["inspect"], spec("docker context inspect", help!("context_inspect"), Min(0), context::inspect)),
    (&["ls", "list"], spec("docker context ls", help!("context_ls"), None, context::ls)),
    (&["rm", "remove"], spec("docker context rm", help!("context_rm"), Min(1), context::rm)),
    (&["show"], spec("docker context show", help!("context_show"), None, context::show)),
    (&["use"], spec("docker context use", help!("context_use"), CobraExact(1), context::use_)),
];

static NETWORK_SUB: &[(&[&str], Spec)] = &[
    (&["connect"], spec("docker network connect", help!("network_connect"), Exact(2), network::connect)),
    (&["create"], spec("docker network create", help!("network_create"), Exact(1), network::create)),
    (&["disconnect"], spec("docker network disconnect", help!("network_disconnect"), Exact(2), network::disconnect)),
    (&["inspect"], spec("docker network inspect", help!("network_inspect"), Min(1), inspect::network_inspect)),
    (&["ls", "list"], spec("docker network ls", help!("network_ls"), None, network::ls)),
    (&["rm", "remove"], spec("docker network rm", help!("network_rm"), Min(1), network::rm)),
];

static VOLUME_SUB: &[(&[&str], Spec)] = &[
    (&["create"], spec("docker volume create", help!("volume_create"), Max(1), volume::create)),
    (&["inspect"], spec("docker volume inspect", help!("volume_inspect"), Min(1), inspect::volume_inspect)),
    (&["ls", "list"], spec("docker volume ls", help!("volume_ls"), None, volume::ls)),
    (&["prune"], spec("docker volume prune", help!("volume_prune"), None, volume::prune)),
    (&["rm", "remove"], spec("docker volume rm", help!("volume_rm"), Min(1), volume::rm)),
];

static SYSTEM_SUB: &[(&[&str], Spec)] = &[
    (&["df"], spec("docker system df", help!("system_df"), None, df::df)),
    (&["info"], spec("docker system info", help!("system_info"), None, system::info)),
];

/// Finds the command the words name; returns it and how many words named it. Flags before
/// a management command's subcommand are not supported (cobra's Find skips them).
pub fn find(words: &[String]) -> Option<(&'static Spec, usize)> {
    let first = words.first()?.as_str();
    if let Some((_, s)) = TOP.iter().find(|(n, _)| *n == first) {
        return Some((s, 1));
    }
    let (mgmt, subs) = match first {
        "container" => (&CONTAINER, CONTAINER_SUB),
        "image" => (&IMAGE, IMAGE_SUB),
        "network" => (&NETWORK, NETWORK_SUB),
        "context" => (&CONTEXT, CONTEXT_SUB),
        "volume" => (&VOLUME, VOLUME_SUB),
        "system" => (&SYSTEM, SYSTEM_SUB),
        _ => return Option::None,
    };
    match words.get(1) {
        Some(w) => match subs.iter().find(|(names, _)| names.contains(&w.as_str())) {
            Some((_, s)) => Some((s, 2)),
            Option::None => Some((mgmt, 1)),
        },
        Option::None => Some((mgmt, 1)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "argument"
    } else {
        "arguments"
    }
}

/// cobra's `Args` check, with `cli/required.go`'s messages (the typo `SRun` included).
pub fn check_args(spec: &Spec, info: &CmdInfo, args: &[String]) -> Result<(), String> {
    let (path, usage) = (&info.path, &info.use_line);
    let n = args.len();
    match spec.arity {
        Arity::None if n == 0 => Ok(()),
        Arity::None => {
            if spec.run.is_none() {
                Err(format!("docker: unknown command: {path} {}\n\nUsage:  {usage}\n\nRun '{path} --help' for more information", args[0]))
            } else {
                Err(format!("docker: '{path}' accepts no arguments\n\nUsage:  {usage}\n\nRun '{path} --help' for more information"))
            }
        }
        Arity::Min(m) if n >= m => Ok(()),
        Arity::Min(m) => Err(format!("docker: '{path}' requires at least {m} {}\n\nUsage:  {usage}\n\nSee '{path} --help' for more information", plural(m))),
        Arity::Max(m) if n <= m => Ok(()),
        Arity::Max(m) => Err(format!("docker: '{path}' requires at most {m} {}\n\nUsage:  {usage}\n\nSRun '{path} --help' for more information", plural(m))),
        Arity::Exact(m) if n == m => Ok(()),
        Arity::Exact(m) => Err(format!("docker: '{path}' requires {m} {}\n\nUsage:  {usage}\n\nRun '{path} --help' for more information", plural(m))),
        Arity::CobraExact(m) if n == m => Ok(()),
        Arity::CobraExact(m) => Err(format!("accepts {m} arg(s), received {n}")),
        Arity::Range(a, b) if n >= a && n <= b => Ok(()),
        Arity::Range(a, b) => Err(format!(
            "docker: '{path}' requires at least {a} and at most {b} {}\n\nUsage:  {usage}\n\nRun '{path} --help' for more information",
            plural(b)
        )),
    }
}
