//! The docker CLI (28.2.2 as on this machine, talking to a 20.10 daemon): arguments ->
//! Engine API requests over the socket -> the CLI's output, byte for byte.
//!
//! - [`cli`]: the root command (global flags, finding the command, help, usage errors).
//! - [`cmd`]: the commands, one module per group; [`args`] parses their flags (pflag).
//! - [`api`]: the Engine API client (ping, version negotiation, headers, errors) over a
//!   [`transport::DockerTransport`], which the simulated kernel's socket implements.
//! - [`format`], [`table`], [`template`], [`humanize`]: the CLI's output formatting.
//! - [`stream`], [`progress`]: multiplexed streams and JSON progress messages.

pub mod api;
pub mod args;
pub mod cli;
pub mod cmd;
pub mod context;
pub mod format;
pub mod hold;
pub mod humanize;
pub mod json;
pub mod progress;
pub mod reference;
pub mod stream;
pub mod table;
pub mod template;
pub mod transport;

use crate::utils::{Ctx, Outcome};
use transport::{ConnectError, DockerTransport, NoDaemon};

/// Runs `docker ARGS...` (argv in `ctx`) against a daemon reached through `transport`.
pub fn run(ctx: &mut Ctx, transport: &mut dyn DockerTransport) -> Outcome {
    match cli::run(ctx, transport) {
        cli::Done::Exit(code) => Outcome::Exit(code),
        cli::Done::Shell(sh) => Outcome::Shell(sh),
        cli::Done::Held(job) => {
            ctx.io.holds = Some(Box::new(job));
            Outcome::Running { until: None }
        }
    }
}

/// The `docker` program: finds the daemon address (`-H`, `DOCKER_HOST`, the default
/// socket), connects, runs.
pub fn main(ctx: &mut Ctx) -> Outcome {
    let host = cli::daemon_host(ctx);
    let mut transport = connect(ctx, &host);
    let outcome = run(ctx, transport.as_mut());
    if let Some(k) = transport.release_kernel() {
        *ctx.k = *k;
    }
    outcome
}

/// A connection to the daemon at `host` (`unix:///var/run/docker.sock`, `tcp://...`).
/// The integrator wires this to the simulated kernel's socket; until then nothing listens,
/// which is what a machine without a running dockerd answers.
pub fn connect(ctx: &mut Ctx, host: &str) -> Box<dyn DockerTransport> {
    match host.strip_prefix("unix://") {
        Some(path) => {
            // The transport holds the machine while the CLI runs: the daemon works on it
            // between the CLI's steps. `main` gives it back.
            let k = std::mem::replace(ctx.k, crate::kernel::Kernel::placeholder());
            Box::new(crate::engine::socket::SimTransport::holding(Box::new(k), ctx.pid, path))
        }
        // No TCP routes to a daemon in the simulation.
        None => Box::new(NoDaemon(ConnectError::NotRunning)),
    }
}
