#![recursion_limit = "256"]
//! sim-core: a simulated Linux host, deterministic and free of I/O.
//!
//! The caller owns time and identity: every call that can change the machine takes the
//! current time from outside, and nothing here reads a clock, a file or a random source.
//! The same script therefore yields the same transcript, byte for byte, everywhere.
//!
//! Map (see ARCHITECTURE.md at the repository root):
//! - [`kernel`]: processes and PID namespaces, mount namespaces and the VFS (with `/proc`
//!   generated from kernel state), network namespaces, UTS namespaces.
//! - [`host`]: machine profiles, i.e. the initial state of a kernel (the article's EC2 host).
//! - [`shell`]: the terminal session: a small POSIX shell that runs programs as processes.
//! - [`utils`]: the programs the shell runs (`ps`, `ls`, `ip`, `unshare`, ...), each printing
//!   in the format of the real tool it stands for.
//! - [`lesson`]: lessons as data files and their checks on the simulated state.
//! - [`view`]: read-only snapshots of the machine for the page's panels.

pub mod client;
pub mod compose;
pub mod engine;
pub mod clock;
pub mod host;
pub mod http;
pub mod image;
pub mod kernel;
pub mod lesson;
pub mod lite;
pub mod programs;
pub mod shell;
pub mod sort;
pub mod text;
pub mod utils;
pub mod view;

pub use host::Profile;
pub use shell::terminal::{Terminal, TerminalConfig};
