//! native-runner: drives sim-core headless from the command line.
//!
//! `native-runner sim [--profile NAME] [--script FILE|-] [--cols N] [--seed N]` feeds each
//! line of the script, as typed, to one terminal session and prints the transcript.
//! `native-runner serve [--dir DIR] [--addr HOST:PORT]` serves the built playground.
//! `native-runner build-images [--out DIR]` builds `assets/images/` into `docker load` archives.
//! `native-runner compare SCENARIO [--real-socket PATH]`: a scenario typed with the real docker
//! CLI into the simulated dockerd and real dockerd, compared (see `compare.rs`).
//! `native-runner daemon --socket PATH [--real]`: dockerd's Engine API on a unix socket,
//! containers simulated or (`--real`) real.
//! `native-runner run ... -- CMD`, `cleanup`, `unpack`: containers with real syscalls
//! (see `runtime/cli.rs`).

mod bench_engine;
mod daemon;
mod daemon_http;
mod images;
mod realdaemon;
mod runtime;
mod serve;
mod sim;

use std::process::ExitCode;

const USAGE: &str = "usage: native-runner sim [--profile NAME] [--script FILE|-] [--cols N] [--seed N]\n       native-runner serve [--dir DIR] [--addr HOST:PORT]\n       native-runner build-images [--out DIR] [--platform P] [--fill-from ARCH=TARBALL] [--repo-prefix P] [NAME...]\n       native-runner daemon --socket PATH [--real [--root DIR]]\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("sim") => sim::run(&args[1..]),
        Some("serve") => serve::run(&args[1..]),
        Some("build-images") => images::run(&args[1..]),
        Some("bench-engine") => bench_engine::run(&args[1..]),
        Some("daemon") => daemon::run(&args[1..]),
        Some("compare") => return native_runner::compare::run(&args[1..]),
        Some("run") => return runtime::cli::run(&args[1..]),
        Some("cleanup") => return runtime::cli::cleanup(&args[1..]),
        Some("exec") => return runtime::cli::exec(&args[1..]),
        Some("stop") => return runtime::cli::stop(&args[1..]),
        Some("unpack") => return runtime::cli::unpack(&args[1..]),
        Some("-h") | Some("--help") => {
            print!("{USAGE}{}{}", native_runner::compare::USAGE, runtime::cli::USAGE);
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("missing or unknown command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprint!("native-runner: {e}");
            if !e.ends_with('\n') {
                eprintln!();
            }
            ExitCode::from(2)
        }
    }
}
