//! Cross-checks `docker context` with the real docker CLI: each line of
//! `tests/transcripts/docker-context.script` runs with the real CLI in a fresh temporary
//! home (no daemon is needed: the script only talks to sockets where nothing listens) and in
//! the simulation; the transcripts must be equal once the real home's path reads as the
//! simulated user's. Without a `docker` binary the test says it was skipped, loudly.

use std::path::PathBuf;
use std::process::Command;

use sim_core::{Profile, Terminal, TerminalConfig};

const SIM_HOME: &str = "/home/ec2-user";
const PROMPT: &str = "[ec2-user@ip-172-30-1-40 ~]$ ";

fn script() -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/transcripts/docker-context.script");
    std::fs::read_to_string(p).expect("the script is in the repository")
}

#[test]
fn docker_context_matches_the_real_cli() {
    // The simulation is the docker CLI 28 of this machine kind (/usr/local/bin/docker);
    // Debian's docker.io CLI is 20.10, whose `context ls` has other columns.
    let version = Command::new("docker").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default();
    if !version.starts_with("Docker version 28.") {
        eprintln!("SKIPPED docker_context_matches_the_real_cli: needs the docker CLI 28 first on PATH, found {version:?}");
        return;
    }
    let home = std::env::temp_dir().join(format!("context-crosscheck-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("temporary home");
    let home_s = home.to_string_lossy().to_string();
    let script = script();
    let mut real = String::new();
    for line in script.lines() {
        real.push_str(PROMPT);
        real.push_str(line);
        real.push('\n');
        let out = Command::new("env")
            .args(["-i", "PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", &format!("HOME={home_s}"), "bash", "-c", &format!("{line} 2>&1")])
            .current_dir(&home)
            .output()
            .expect("bash runs");
        real.push_str(&String::from_utf8_lossy(&out.stdout).replace(&home_s, SIM_HOME));
    }
    let _ = std::fs::remove_dir_all(&home);
    let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
    let sim = t.transcript(&script, Profile::Linux.session_start(), 1);
    let (real_lines, sim_lines): (Vec<&str>, Vec<&str>) = (real.lines().collect(), sim.lines().collect());
    for (i, (a, b)) in real_lines.iter().zip(&sim_lines).enumerate() {
        assert_eq!(a, b, "line {} differs (real, then simulated)", i + 1);
    }
    assert_eq!(real_lines.len(), sim_lines.len(), "real:\n{real}\nsimulated:\n{sim}");
}
