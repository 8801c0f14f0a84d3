//! Transcript tests: each `tests/transcripts/NAME.script` at the repository root is typed
//! into a fresh terminal, line by line; the transcript must equal `NAME.expected` byte for
//! byte. The expected files were reviewed against the real tools (see tests/README.md).
//! `UPDATE_TRANSCRIPTS=1 cargo test -p sim-core --test transcripts` rewrites them.

use std::path::PathBuf;

use sim_core::{Profile, Terminal, TerminalConfig};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts")
}

/// A script may start with `#profile NAME` (a line the runner takes, not typed): the machine
/// it runs on. Without it, the article's Linux host.
fn transcript(script: &str) -> String {
    let (profile, body) = match script.strip_prefix("#profile ") {
        Some(rest) => {
            let (name, body) = rest.split_once('\n').unwrap_or((rest, ""));
            (Profile::from_name(name.trim()).expect("known profile"), body)
        }
        None => (Profile::Linux, script),
    };
    let mut t = Terminal::new(profile, TerminalConfig::default());
    t.transcript(body, profile.session_start(), 1)
}

#[test]
fn transcripts_match() {
    let update = std::env::var_os("UPDATE_TRANSCRIPTS").is_some();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|e| e == "script").unwrap_or(false))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no transcript scripts found");
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
            let first = got.lines().zip(expected.lines()).position(|(a, b)| a != b).unwrap_or(0);
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
fn same_script_same_bytes() {
    let script = std::fs::read_to_string(dir().join("netns-veth.script")).expect("script");
    assert_eq!(transcript(&script), transcript(&script));
}
