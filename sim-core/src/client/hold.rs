//! The docker CLI while it holds the terminal, attached to a container that runs on
//! ([`Job::DockerAttached`]), and what Ctrl-C does to it: with sig-proxy (the default) it
//! forwards the signal (`POST /containers/ID/kill?signal=INT`, as `ForwardAllSignals`
//! names it) and ends with the container, printing what its attach stream still carries;
//! after three SIGINTs that ended nothing it gives up, as docker CLI 28 does here.

use super::api::{Api, Body};
use super::stream::demux;
use crate::kernel::{Kernel, Pid};
use crate::shell::hold::Job;
use crate::utils::{Ctx, Io};

/// Ctrl-C for CLI process `pid` holding the terminal: the bytes for the terminal after the
/// echoed `^C`, and the CLI's exit status when it ends (None: it still holds the terminal).
pub fn interrupt(k: &mut Kernel, pid: Pid, job: &mut Job, cols: usize) -> (Vec<u8>, Option<i32>) {
    let Job::DockerAttached { socket, version, container, from, tty, sig_proxy, interrupts } = job else {
        return (b"\n".to_vec(), Some(130));
    };
    let env = k.procs.get(&pid).map(|p| p.env.clone()).unwrap_or_default();
    let mut ctx = Ctx { k, pid, argv: vec!["docker".into()], env, io: Io::terminal(cols) };
    let host = format!("unix://{socket}");
    let mut transport = super::connect(&mut ctx, &host);
    if *sig_proxy {
        let mut api = Api::new(transport.as_mut(), &host);
        api.assume_negotiated(version);
        let _ = api.post(&format!("/containers/{container}/kill"), &[("signal", "INT".to_string())], Body::None);
    }
    *interrupts = interrupts.saturating_add(1);
    let (bytes, exit) = transport.attached_since(container, from);
    if let Some(kk) = transport.release_kernel() {
        *ctx.k = *kk;
    }
    // The terminal shows the CLI's stdout and stderr in the order they come.
    let mut screen = Vec::new();
    if *tty {
        screen.extend_from_slice(&bytes);
    } else {
        for (_, b) in &demux(&bytes).pieces {
            screen.extend_from_slice(b);
        }
    }
    let status = match exit {
        Some(code) => Some(code),
        None if *interrupts >= 3 => {
            screen.extend_from_slice(b"\ngot 3 SIGTERM/SIGINTs, forcefully exiting\n");
            Some(1)
        }
        None => None,
    };
    (screen, status)
}
