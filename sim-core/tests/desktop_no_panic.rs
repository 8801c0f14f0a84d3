//! The Mac profiles never panic on input: lines made of the Mac's and the VM's commands and
//! options, crossing into the VM and back (`rdctl shell`, `exit`) in any order.

use proptest::prelude::*;
use sim_core::{Profile, Terminal, TerminalConfig};

const WORDS: &[&str] = &[
    "ps", "aux", "-ef", "-p", "1", "-x", "-ww", "-o", "ls", "-alht", "-la", "-1", "-F", "/", "/var/run/docker.sock", ".rd", "..",
    "ifconfig", "en0", "-l", "-a", "uname", "-m", "-p", "-z", "hostname", "-s", "-d", "sw_vers", "-productVersion", "rdctl",
    "shell", "version", "exit", "cd", "/proc/sys/fs/binfmt_misc", "cat", "qemu-x86_64", "register", "|", "head", ";", "&&",
    "sudo", "sh", "-c", "echo", "$PWD", "~", "'", "\"",
];

fn run(profile: Profile, lines: &[Vec<&str>]) {
    let mut t = Terminal::new(profile, TerminalConfig { cols: 80, rows: 24, seed: 3 });
    let mut now = profile.session_start();
    for l in lines {
        now += 1;
        let _ = t.run(&l.join(" "), now);
        let _ = t.prompt();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mac_word_soup_never_panics(lines in prop::collection::vec(prop::collection::vec(prop::sample::select(WORDS), 0..6), 1..8)) {
        run(Profile::RancherDesktopM1, &lines);
        run(Profile::DockerDesktopMac, &lines);
    }
}
