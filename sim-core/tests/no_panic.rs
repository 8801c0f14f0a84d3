//! sim-core never panics on what a user types: arbitrary lines, built from the words and
//! operators of the article's commands and from random characters, run through a terminal.

use proptest::prelude::*;
use sim_core::{Profile, Terminal, TerminalConfig};

const WORDS: &[&str] = &[
    "ps", "aux", "auxf", "-ef", "-o", "pid,comm", "ls", "-la", "-lh", "/", "/proc", "/proc/self/ns", "cat", "echo", "$?", "$$",
    "ifconfig", "ip", "addr", "link", "route", "netns", "add", "del", "exec", "x", "veth", "type", "peer", "name", "set",
    "up", "down", "sudo", "unshare", "--pid", "--fork", "--mount-proc", "--net", "--uts", "nsenter", "-t", "1", "-a",
    "sh", "bash", "-c", "exit", "cd", "..", "~", "export", "A=1", "hostname", "uname", "-a", "id", "whoami", "mount",
    "df", "env", "grep", "head", "tail", "wc", "sort", "|", "&&", "||", ";", ">", ">>", "<", "2>&1", "'", "\"", "*",
    "\\", "history", "sleep", "readlink", "-n", "--", "é", "\t",
];

/// The shell's grammar and expansions: compound commands, arithmetic, `${...}`.
const SHELL_WORDS: &[&str] = &[
    "for", "i", "in", "1", "2", "do", "done", "while", "until", "true", "false", "if", "then", "elif", "else", "fi", "case",
    "esac", "a)", "*)", ";;", "(", ")", "{", "}", ";", "|", "&&", "||", "&", "\n", "break", "continue", "2", "echo", "$i",
    "$((", "))", "1/0", "2**", "-", "+", "x=1", "$((x++))", "${x:-d}", "${x#*}", "${x%%.*}", "${#x}", "${x:?m}", "${}",
    "${x:1:2}", "$(", "`", "'", "\"", "alias", "a=echo", "a", "unalias", "[", "]", "-eq", "-f", "/", "!", "test", "read",
    "<", ">", "/tmp/f", "\"$@\"", "sh", "-c", "exit", "type", "-a", ":", "((", "((i++))", "for ((i=0;i<2;i++))", "(( 1/0 ))",
];

fn terminal() -> Terminal {
    Terminal::new(Profile::Linux, TerminalConfig { cols: 80, rows: 24, seed: 1 })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn word_soup_never_panics(lines in prop::collection::vec(prop::collection::vec(prop::sample::select(WORDS), 0..8), 1..6)) {
        let mut t = terminal();
        let mut now = Profile::Linux.session_start();
        for words in lines {
            now += 1;
            let line = words.join(" ");
            let _ = t.run(&line, now);
            let _ = t.prompt();
            let _ = t.complete(&line);
        }
    }

    #[test]
    fn random_text_never_panics(line in "\\PC{0,80}") {
        let mut t = terminal();
        let _ = t.run(&line, Profile::Linux.session_start());
        let _ = t.complete(&line);
    }

    #[test]
    fn shell_grammar_soup_never_panics(lines in prop::collection::vec(prop::collection::vec(prop::sample::select(SHELL_WORDS), 0..12), 1..4)) {
        let mut t = terminal();
        let mut now = Profile::Linux.session_start();
        for words in lines {
            now += 1;
            let line = words.join(" ");
            let _ = t.run(&line, now);
            let _ = t.run(&line.replace(' ', ""), now);
            let _ = t.prompt();
        }
    }
}
