//! busybox in an alpine-like container: transcripts typed into the container's `sh` (PID 1
//! of its namespaces, `/` the sandbox's alpine tree). Each `tests/busybox/NAME.script` at
//! the repository root must give `NAME.expected` byte for byte. The expected files were
//! captured from the real busybox of the alpine 3.15 fixture by `tests/busybox/capture.sh`
//! (an interactive `sh` in a chroot of the minirootfs, in new namespaces, on an 80x24
//! terminal). `UPDATE_BUSYBOX=1` rewrites them from the simulation instead (for review).

use std::path::PathBuf;

use sim_core::kernel::vfs::SbKind;
use sim_core::shell::exec::exec_program;
use sim_core::utils::busybox::sandbox::{self, Start};
use sim_core::utils::{Io, Outcome};
use sim_core::{Profile, Terminal, TerminalConfig};

/// 2026-06-01 12:00:00 UTC: when the transcripts are typed (after every date the scripts set).
const T0: i64 = 1_780_315_200;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/busybox")
}

/// A terminal attached to `sh` running as PID 1 of an alpine container.
pub fn alpine_terminal(mark_program: bool) -> Terminal {
    let mut t = Terminal::new(Profile::Linux, TerminalConfig { cols: 80, rows: 24, seed: 1 });
    t.kernel.now = T0;
    let sb = t.kernel.vfs.add_sb("overlay", SbKind::Tree(sandbox::alpine_tree(mark_program)), 0, 0);
    let env: Vec<(String, String)> = [
        ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
        ("HOSTNAME", "bbtest"),
        ("TERM", "xterm"),
        ("HOME", "/root"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let start = Start { hostname: "bbtest".into(), argv: vec!["sh".into()], env: env.clone(), tty: Some("pts/0".into()), uid: 0, gid: 0 };
    let pid = sandbox::start(&mut t.kernel, 1, sb, &start).expect("container starts");
    let (outcome, _) = exec_program(&mut t.kernel, pid, vec!["sh".into()], env, Io::terminal(80)).ok().expect("sh runs");
    match outcome {
        Outcome::Shell(sh) => t.attach_shell(*sh),
        Outcome::Exit(c) => panic!("sh exited with {c}"),
        Outcome::Running { .. } => panic!("sh kept running without a terminal"),
    }
    t
}

fn transcript(script: &str) -> String {
    let mut t = alpine_terminal(false);
    t.transcript(script, T0, 1)
}

#[test]
fn busybox_transcripts_match() {
    let update = std::env::var_os("UPDATE_BUSYBOX").is_some();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/busybox exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|e| e == "script").unwrap_or(false))
        .collect();
    scripts.sort();
    let mut failures = Vec::new();
    for script in &scripts {
        let text = std::fs::read_to_string(script).expect("script readable");
        let got = transcript(&text);
        let expected_path = script.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &got).expect("write expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            let first = got.lines().zip(expected.lines()).position(|(a, b)| a != b).unwrap_or(got.lines().count().min(expected.lines().count()));
            failures.push(format!(
                "{}: differs at line {}\n  expected: {:?}\n  got:      {:?}",
                script.display(),
                first + 1,
                expected.lines().nth(first).unwrap_or("<end>"),
                got.lines().nth(first).unwrap_or("<end>")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn program_marked_and_known_binary_agree() {
    let script = "ls -l /bin/ls\nps\n";
    assert_eq!(alpine_terminal(true).transcript(script, T0, 1), alpine_terminal(false).transcript(script, T0, 1));
}

/// `BB_CMDS='ls;ps' cargo test -p sim-core --test busybox explore -- --ignored --nocapture`
#[test]
#[ignore]
fn explore() {
    let cmds = std::env::var("BB_CMDS").unwrap_or_default();
    let script: String = cmds.split(";;").map(|c| format!("{c}\n")).collect();
    print!("{}", transcript(&script));
}

mod no_panic {
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "ls", "-l", "-la", "-R", "-h", "-w", "0", "-1", "/", "/proc", "/bin", "/tmp", ".", "..", "ps", "-o", "pid,args", "aux",
        "cat", "head", "-n", "tail", "-c", "+1", "wc", "-L", "grep", "-r", "[", "(", "sort", "-k", "2n", "-t", ",", "find",
        "-name", "*", "-exec", "{}", ";", "!", "-o", "stat", "-c", "%n%", "du", "-s", "mkdir", "-p", "rmdir", "rm", "-rf",
        "cp", "-r", "mv", "ln", "-s", "touch", "-d", "2020-01-01", "x", "y/z", "echo", "-e", "\\x4", "\\0", "env", "-i",
        "id", "hostname", "uname", "-a", "date", "+%s%", "uptime", "free", "-h", "df", "mount", "ifconfig", "ip", "a",
        "route", "get", "link", "set", "kill", "-9", "1", "-l", "sh", "-c", "exit", "cd", "export", "1a", "busybox", "--list",
        "which", "sleep", "|", "&&", ";", ">", "<", "2>&1", "'", "\"", "$?", "$0", "$1",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn busybox_word_soup_never_panics(lines in prop::collection::vec(prop::collection::vec(prop::sample::select(WORDS), 0..7), 1..5)) {
            let mut t = super::alpine_terminal(false);
            let mut now = super::T0;
            for words in lines {
                now += 1;
                let line = words.join(" ");
                let _ = t.run(&line, now);
                let _ = t.prompt();
            }
        }

        #[test]
        fn busybox_random_text_never_panics(line in "\\PC{0,60}") {
            let mut t = super::alpine_terminal(false);
            for applet in ["ls", "ps -o", "find", "date -d", "touch -d", "stat -c", "grep", "sort -k", "ip", "sh -c"] {
                let _ = t.run(&format!("{applet} {line}"), super::T0);
            }
        }
    }
}

#[test]
fn a_script_running_itself_ends() {
    let mut t = alpine_terminal(false);
    let out = t.transcript("echo 'sh /tmp/self.sh' > /tmp/self.sh\nsh /tmp/self.sh; echo done $?\n", T0, 1);
    assert!(out.contains("can't fork"), "{out}");
    assert!(out.ends_with("done 2\n"), "{out}");
}
