//! The lesson files of `assets/lessons/`: each parses, and every step of a lesson that
//! is not a draft is not passed before its solution is typed and passed after.
//! Parsing never panics on arbitrary or damaged input.

use std::path::PathBuf;

use proptest::prelude::*;

use super::{parse, Outcome, World};
use crate::{Profile, Terminal, TerminalConfig};

fn lesson_files() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/lessons");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("assets/lessons")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json"))
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).expect("readable")))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "lessons in {}", dir.display());
    files
}

#[test]
fn every_lesson_file_parses() {
    for (path, src) in lesson_files() {
        if let Err(e) = parse(&src) {
            panic!("{path}: {e}");
        }
    }
}

#[test]
fn solutions_solve_every_ready_step() {
    let mut ready = Vec::new();
    for (path, src) in lesson_files() {
        let lesson = parse(&src).expect("parses");
        if lesson.draft {
            continue;
        }
        // Each lesson on its machine, as the page boots it.
        let profile = Profile::from_name(&lesson.profile).expect("a known profile");
        ready.push((lesson.chapter, profile));
        let mut t = Terminal::new(profile, TerminalConfig::default());
        let mut now = profile.session_start();
        let eval = |t: &Terminal, typed: &[String], check: &super::Check| {
            check.eval(&World { kernel: t.shell_kernel(), shell: t.shell().pid, commands: typed })
        };
        for step in &lesson.steps {
            let mut typed: Vec<String> = Vec::new();
            let before = eval(&t, &typed, &step.check);
            assert_eq!(before, Outcome::NotYet, "{path} step {}: passed before its solution", step.id);
            let mut transcript = String::new();
            for line in &step.solution {
                now += 1;
                let out = t.run(line, now);
                transcript.push_str(&format!("$ {line}\n{out}"));
                typed.push(line.clone());
            }
            let after = eval(&t, &typed, &step.check);
            assert_eq!(after, Outcome::Passed, "{path} step {}: not passed after {:?}:\n{transcript}", step.id, step.solution);
        }
    }
    assert!(ready.len() >= 7, "ready lessons: {ready:?}");
    for p in Profile::ALL {
        assert!(ready.iter().any(|(_, q)| *q == p), "a ready lesson runs on {p:?}: {ready:?}");
    }
}

#[test]
fn docker_steps_read_the_daemon() {
    let src = lesson_files().into_iter().find(|(p, _)| p.contains("docker-client")).expect("docker lesson").1;
    let lesson = parse(&src).expect("parses");
    let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
    let out = lesson.steps[0].check.eval(&World { kernel: &t.kernel, shell: t.shell().pid, commands: &[] });
    assert_eq!(out, Outcome::NotYet, "the host has dockerd, and nothing has happened yet");
    t.kernel.docker = None;
    let out = lesson.steps[0].check.eval(&World { kernel: &t.kernel, shell: t.shell().pid, commands: &[] });
    assert_eq!(out, Outcome::Unavailable("docker"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,400}") {
        let _ = parse(&src);
    }

    #[test]
    fn damaged_lessons_never_panic(cut in 0usize..6000, len in 0usize..40, insert in "[\\[\\]{}\":,a-z0-9 \\\\]{0,8}") {
        let files = lesson_files();
        let src = &files[cut % files.len()].1;
        let mut bytes = src.as_bytes().to_vec();
        let at = cut.min(bytes.len());
        let end = (at + len).min(bytes.len());
        bytes.splice(at..end, insert.bytes());
        let damaged = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse(&damaged) {
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed(depth in 1usize..3000) {
        let check = format!("{}{{ \"ran\": {{ \"program\": \"ps\" }} }}{}", "{ \"not\": ".repeat(depth), " }".repeat(depth));
        let src = format!(r#"{{ "format": 1, "id": "x", "draft": true, "title": {{"en": "t"}}, "intro": {{"en": "i"}},
            "steps": [ {{ "id": "s", "goal": {{"en": "g"}}, "check": {check}, "solution": ["ps"], "explain": {{"en": "e"}} }} ] }}"#);
        let r = parse(&src);
        prop_assert_eq!(r.is_ok(), depth < super::format::MAX_CHECK_DEPTH);
    }
}
