//! Command lines that need no daemon, against what the real docker CLI 28.2.2 printed for them
//! with nothing listening on its socket (tests/reference/docker/client-args/: `cases.txt`,
//! `real.txt` from `gen.sh`): argument and flag errors, help, usage texts, exit codes.

mod client_support;

use client_support::{reference_dir, shell_words, show};
use sim_core::client::transport::{ConnectError, NoDaemon};
use sim_core::utils::{Ctx, Io, Outcome};

#[test]
fn argument_handling_as_real() {
    let dir = reference_dir().join("client-args");
    let real = std::fs::read_to_string(dir.join("real.txt")).expect("real.txt");
    let mut diffs = Vec::new();
    let mut n = 0;
    for block in real.split("=== ").skip(1) {
        let (args, rest) = block.split_once('\n').unwrap_or((block, ""));
        let (out, rest) = rest.split_once("--- err\n").unwrap_or((rest, ""));
        let (err, exit) = rest.rsplit_once("--- exit ").unwrap_or((rest, "0"));
        let exit: i32 = exit.trim().parse().unwrap_or(-1);
        let (mut k, pid) = sim_core::host::linux::boot(1);
        let mut argv = vec!["docker".to_string()];
        argv.extend(shell_words(args));
        let env = vec![("HOME".to_string(), "/root".to_string()), ("DOCKER_HOST".to_string(), "unix:///tmp/nonexistent.sock".to_string())];
        let mut ctx = Ctx { k: &mut k, pid, argv, env, io: Io { cols: 80, ..Io::default() } };
        let mut t = NoDaemon(ConnectError::NotRunning);
        let code = match sim_core::client::run(&mut ctx, &mut t) {
            Outcome::Exit(c) => c,
            Outcome::Shell(_) | Outcome::Running { .. } => -1000,
        };
        n += 1;
        if ctx.io.out != out.as_bytes() || ctx.io.err != err.as_bytes() || code != exit {
            diffs.push(format!(
                "docker {args}\n--- real (exit {exit}):\n{}--- err:\n{}\n--- simulated (exit {code}):\n{}--- err:\n{}",
                show(out.as_bytes()),
                show(err.as_bytes()),
                show(&ctx.io.out),
                show(&ctx.io.err)
            ));
        }
    }
    assert!(n > 80, "only {n} cases read");
    assert!(diffs.is_empty(), "{} of {n} differ:\n{}", diffs.len(), diffs.join("\n\n"));
}
