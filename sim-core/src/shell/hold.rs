//! A foreground program that holds the terminal: no prompt comes back until it ends, and
//! Ctrl-C is how the learner ends it (`docker run` of a server without `-d`, `docker logs -f`).
//! What Ctrl-C does depends on the program, so the hold names the job.

use crate::kernel::Pid;

/// What holds the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// The docker CLI attached to a running container (`docker run` without `-d`,
    /// `docker start -a`): with sig-proxy it forwards SIGINT to the container and ends with
    /// it; the third SIGINT makes it give up (`got 3 SIGTERM/SIGINTs, forcefully exiting`).
    DockerAttached {
        /// The daemon's socket path and the API version the CLI negotiated.
        socket: String,
        version: String,
        container: String,
        /// The first log entry not yet shown, and whether the container has a TTY (raw
        /// bytes, not frames).
        from: usize,
        tty: bool,
        sig_proxy: bool,
        interrupts: u8,
    },
    /// A follower with no handler (`docker logs -f`): SIGINT ends it.
    Follow,
}

/// The foreground process `pid` (of the foreground shell's machine) holds the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub pid: Pid,
    pub job: Job,
}
