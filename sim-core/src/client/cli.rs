//! The top of the docker CLI (cobra's root command as `cmd/docker` sets it up): global
//! flags, finding the command, `--help`/`help`, usage errors and exit codes, and printing
//! the error a command ends with.

use super::api::{Api, ApiError, ClientPlatform, CLIENT_VERSION};
use super::args::{self, parse_help, FlagError, HelpDoc, Parsed};
use super::cmd::{self, Spec};
use super::context::{self, Resolved, Store};
use super::transport::DockerTransport;
use crate::shell::Shell;
use crate::utils::Ctx;

/// How a command ended.
pub enum Done {
    Exit(i32),
    /// `-it` handed the terminal to a shell in the container.
    Shell(Box<Shell>),
    /// The CLI holds the terminal until Ctrl-C (attached to a server, following logs).
    Held(crate::shell::hold::Job),
}

/// An error a command returns: printed on stderr (when not empty), then the exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fail {
    pub msg: String,
    pub code: i32,
}

impl Fail {
    pub fn new(msg: impl Into<String>) -> Fail {
        Fail { msg: msg.into(), code: 1 }
    }
    pub fn code(msg: impl Into<String>, code: i32) -> Fail {
        Fail { msg: msg.into(), code }
    }
}

impl From<ApiError> for Fail {
    fn from(e: ApiError) -> Fail {
        Fail::new(e.to_string())
    }
}

pub type R = Result<Done, Fail>;

/// What the running command is called (for usage errors).
#[derive(Clone, Debug, Default)]
pub struct CmdInfo {
    /// `docker container ls`
    pub path: String,
    /// `docker container ls [OPTIONS]`
    pub use_line: String,
}

pub struct Cli<'a, 'k> {
    pub ctx: &'a mut Ctx<'k>,
    pub api: Api<'a>,
    pub cmd: CmdInfo,
    /// The context in use (`docker version`'s `Context:`, `docker context ls`'s `*`).
    pub context: Resolved,
}

impl Cli<'_, '_> {
    pub fn out(&mut self, s: &str) {
        self.ctx.out(s);
    }
    pub fn err(&mut self, s: &str) {
        self.ctx.err(s);
    }
    /// The machine the CLI runs on: while connected through the simulation's socket the
    /// transport holds it (the daemon works on it too), else the caller's.
    pub fn kernel(&mut self) -> &mut crate::kernel::Kernel {
        if self.api.transport().kernel().is_some() {
            return self.api.transport().kernel().expect("checked just above");
        }
        self.ctx.k
    }
    /// Reads a file as the CLI's process.
    pub fn read_file(&mut self, path: &str) -> Result<Vec<u8>, crate::kernel::Errno> {
        let pid = self.ctx.pid;
        let k = self.kernel();
        let r = k.resolve(pid, path, true)?;
        k.read_loc(pid, &r.loc)
    }
    pub fn out_bytes(&mut self, b: &[u8]) {
        self.ctx.io.out.extend_from_slice(b);
    }
    pub fn err_bytes(&mut self, b: &[u8]) {
        if self.ctx.io.err_to_out && self.ctx.io.err_redirect.is_none() {
            self.ctx.io.out.extend_from_slice(b);
        } else {
            self.ctx.io.err.extend_from_slice(b);
        }
    }
    /// The client's "now" in nanoseconds: the simulated kernel's clock.
    pub fn now_ns(&mut self) -> i128 {
        self.kernel().now as i128 * 1_000_000_000
    }
    pub fn stdout_tty(&self) -> bool {
        self.ctx.io.tty_out
    }
    /// `GetTtySize()` of stdout: (rows, cols), (0, 0) when not a terminal.
    pub fn tty_size(&self) -> (u64, u64) {
        if self.ctx.io.tty_out && self.ctx.io.cols > 0 {
            (TTY_ROWS, self.ctx.io.cols as u64)
        } else {
            (0, 0)
        }
    }
    /// Usage error for the running command (cobra's `FlagErrorFunc`), exit 125.
    pub fn flag_error(&self, e: &str) -> Fail {
        Fail::code(format!("{e}\n\nUsage:  {}\n\nRun '{} --help' for more information", self.cmd.use_line, self.cmd.path), 125)
    }
}

/// The simulated terminal's height when the CLI asks for it (the page does not say).
pub const TTY_ROWS: u64 = 24;

const ROOT_UP: &str = include_str!("help/docker-up.txt");

/// Whether the real CLI's root help lists `name` as a command (`  cp          Copy files...`).
fn is_real_command(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && ROOT_UP.lines().any(|l| l.strip_prefix("  ").and_then(|r| r.strip_prefix(name)).is_some_and(|rest| rest.starts_with("  ") && !l.starts_with("   ")))
}
const ROOT_DOWN: &str = include_str!("help/docker-down.txt");
const ROOT_USE: &str = "docker [OPTIONS] COMMAND [ARG...]";

/// The context and daemon address a command line uses: `--context`, `-H`/`--host`,
/// `DOCKER_HOST`, `DOCKER_CONTEXT`, the current context of `~/.docker/config.json`.
pub fn resolve_context(ctx: &Ctx) -> Resolved {
    resolve_context_in(ctx, ctx.k)
}

/// Like [`resolve_context`], reading the context files from machine `k` (the one the
/// transport holds while the CLI runs).
fn resolve_context_in(ctx: &Ctx, k: &crate::kernel::Kernel) -> Resolved {
    let argv: Vec<String> = ctx.argv.iter().skip(1).cloned().collect();
    let doc = parse_help(ROOT_UP);
    let (host, context) = match args::parse(&doc.flags, &argv, false) {
        Ok(p) => (p.values("host").last().cloned(), p.value("context").map(str::to_string)),
        Err(_) => (None, None),
    };
    let store = Store { home: home_dir(ctx) };
    context::resolve(k, ctx.pid, &store, host.as_deref(), context.as_deref(), ctx.getenv("DOCKER_HOST"), ctx.getenv("DOCKER_CONTEXT"))
}

/// The daemon address the command line leads to.
pub fn daemon_host(ctx: &Ctx) -> String {
    resolve_context(ctx).host
}

pub fn home_dir(ctx: &Ctx) -> String {
    ctx.getenv("HOME").unwrap_or("/root").to_string()
}

/// Terminal width for help texts (`term.GetWinsize(0)`: stdin's), 80 when stdin is no terminal.
fn help_width(ctx: &Ctx) -> usize {
    if ctx.io.stdin_tty && ctx.io.cols > 0 {
        ctx.io.cols
    } else {
        80
    }
}

fn root_help(cli: &mut Cli) -> String {
    let up = cli.api.daemon_up();
    let text = if up { ROOT_UP } else { ROOT_DOWN };
    let home = home_dir(cli.ctx);
    let text = text.replace("/root/.docker", &format!("{home}/.docker"));
    let doc = parse_help(&text);
    args::render_help(&doc, help_width(cli.ctx), up)
}

/// Help hides flags the daemon does not support, which needs a ping; cobra only asks the
/// daemon when the command has such flags.
fn command_help(cli: &mut Cli, spec: &Spec) -> String {
    let up = if spec.help.contains("\n!") || spec.run.is_none() { cli.api.daemon_up() } else { true };
    let doc: HelpDoc = parse_help(spec.help);
    args::render_help(&doc, help_width(cli.ctx), up)
}

/// The use line from a help text's first line (`Usage:  docker ps [OPTIONS]`).
pub fn use_line_of(help: &str) -> String {
    help.lines().next().and_then(|l| l.strip_prefix("Usage:  ")).unwrap_or("").to_string()
}

/// Runs the CLI with the given argv (in `ctx`) against a transport.
pub fn run(ctx: &mut Ctx, transport: &mut dyn DockerTransport) -> Done {
    let argv: Vec<String> = ctx.argv.iter().skip(1).cloned().collect();
    let (context, platform) = match transport.kernel() {
        Some(k) => (resolve_context_in(ctx, k), ClientPlatform::of(k)),
        None => (resolve_context(ctx), ClientPlatform::of(ctx.k)),
    };
    let host = context.host.clone();
    let mut api = Api::new(transport, &host);
    api.platform = platform;
    let mut cli = Cli { ctx, api, cmd: CmdInfo { path: "docker".into(), use_line: ROOT_USE.into() }, context };
    match dispatch(&mut cli, &argv) {
        Ok(d) => d,
        Err(f) => {
            if !f.msg.is_empty() {
                cli.err(&format!("{}\n", f.msg));
            }
            Done::Exit(f.code)
        }
    }
}

fn dispatch(cli: &mut Cli, argv: &[String]) -> R {
    let root = parse_help(ROOT_UP);
    let g = match args::parse(&root.flags, argv, false) {
        Ok(g) => g,
        Err(FlagError(e)) => return Err(cli.flag_error(&e)),
    };
    for n in &g.notices {
        cli.out(n);
    }
    if g.values("host").len() > 1 {
        return Err(Fail::new("Specify only one -H"));
    }
    if !g.values("host").is_empty() && g.value("context").is_some() {
        return Err(Fail::new("conflicting options: cannot specify both --host and --context"));
    }
    if g.args.is_empty() {
        if g.on("version") {
            cli.out(&format!("Docker version {CLIENT_VERSION}, build e6534b4\n"));
            return Ok(Done::Exit(0));
        }
        let h = root_help(cli);
        if g.help() {
            cli.out(&h);
        } else {
            cli.err(&h);
        }
        return Ok(Done::Exit(0));
    }
    let words = &g.args;
    if words[0] == "help" {
        return help_command(cli, &words[1..]);
    }
    // `docker compose`: the compose v2 plugin, talking to the same daemon.
    if words[0] == "compose" {
        let rest: Vec<String> = words[1..].to_vec();
        return Ok(match crate::compose::plugin_main(cli.ctx, cli.api.transport(), &rest) {
            crate::utils::Outcome::Exit(c) => Done::Exit(c),
            crate::utils::Outcome::Shell(sh) => Done::Shell(sh),
            crate::utils::Outcome::Running { .. } => Done::Exit(0),
        });
    }
    let Some((spec, used)) = cmd::find(words) else {
        if g.on("version") {
            cli.out(&format!("Docker version {CLIENT_VERSION}, build e6534b4\n"));
            return Ok(Done::Exit(0));
        }
        // A command the real CLI has (its root help lists it) that the playground does not
        // model: say so, rather than call it unknown.
        if is_real_command(&words[0]) {
            return Err(Fail::new(format!("docker: 'docker {}' is not simulated in this playground", words[0])));
        }
        return Err(Fail::new(format!("docker: unknown command: docker {}\n\nRun 'docker --help' for more information", words[0])));
    };
    // Commands that need the daemon fail when the context has no endpoint; `docker
    // context` itself still runs, so the learner can repair it.
    if let Some(e) = &cli.context.error {
        if !spec.path.starts_with("docker context") {
            return Err(Fail::new(format!("Failed to initialize: unable to resolve docker endpoint: {e}")));
        }
    }
    cli.cmd = CmdInfo { path: spec.path.to_string(), use_line: spec_use_line(spec) };
    let rest = &words[used..];
    let doc = parse_help(spec.help);
    let p: Parsed = match args::parse(&doc.flags, rest, spec.interspersed) {
        Ok(p) => p,
        Err(FlagError(e)) => {
            if spec.help.contains("\n!") {
                cli.api.init();
            }
            return Err(cli.flag_error(&e));
        }
    };
    for n in &p.notices {
        cli.out(n);
    }
    // The root's --help before the command asks for the command's help.
    if p.help() || g.help() {
        let h = command_help(cli, spec);
        cli.out(&h);
        return Ok(Done::Exit(0));
    }
    if let Err(e) = cmd::check_args(spec, &cli.cmd, &p.args) {
        return Err(Fail::new(e));
    }
    if spec.run.is_some() && (g.on("tls") || g.on("tlsverify") || cli.ctx.getenv("DOCKER_TLS_VERIFY").is_some_and(|v| !v.is_empty())) {
        // TLS needs the client's certificates, which this machine does not have.
        let dir = g.value("config").map(str::to_string).unwrap_or_else(|| format!("{}/.docker", home_dir(cli.ctx)));
        let ca = g.value("tlscacert").map(str::to_string).unwrap_or_else(|| format!("{dir}/ca.pem"));
        if cli.read_file(&ca).is_err() {
            return Err(Fail::new(format!("Failed to initialize: unable to resolve docker endpoint: open {ca}: no such file or directory")));
        }
    }
    match spec.run {
        Some(run) => run(cli, &p),
        None => {
            // `docker image` alone: the usage on stderr.
            let h = command_help(cli, spec);
            cli.err(&h);
            Ok(Done::Exit(0))
        }
    }
}

fn spec_use_line(spec: &Spec) -> String {
    match spec.run {
        None => spec.path.to_string(),
        Some(_) => use_line_of(spec.help),
    }
}

/// `docker help [COMMAND...]`.
fn help_command(cli: &mut Cli, words: &[String]) -> R {
    if words.is_empty() {
        let h = root_help(cli);
        cli.out(&h);
        return Ok(Done::Exit(0));
    }
    match cmd::find(words) {
        Some((spec, used)) if used == words.len() => {
            let h = command_help(cli, spec);
            cli.out(&h);
            Ok(Done::Exit(0))
        }
        Some((_, used)) => Err(Fail::new(format!("unknown help topic: {}", words[used..].join(" ")))),
        None => Err(Fail::new(format!("unknown help topic: {}", words.join(" ")))),
    }
}
