//! Scenario files for `native-runner compare` (format in tests/README.md): one docker command
//! per line, words split as a POSIX shell splits them (single and double quotes, backslash),
//! without expansions, pipes or redirections.
//!
//! ```text
//! # a comment (whole lines only)
//! image alpine:3.15                         # needed on both daemons (never pulled from a registry)
//! setup docker rm -f cmp-web                # run on both, output not compared
//! docker run -d --name cmp-web --pull=never alpine:3.15 sleep 1000
//! docker inspect -f '{{.State.Status}}' cmp-web
//! cleanup docker rm -f cmp-web              # run on both after the last step
//! ```

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Compared: stdout, stderr and exit code must be equal after normalizing.
    Step,
    /// Run on both, in order with the steps; its output is not compared.
    Setup,
    /// Run on both after all steps, even when steps differed.
    Cleanup,
    /// The image must be present: pulled into the simulation from its registry, checked
    /// (never pulled) on the real daemon.
    Image,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the file.
    pub number: usize,
    pub kind: Kind,
    /// The docker CLI's arguments (after `docker`), or the image reference.
    pub args: Vec<String>,
}

/// Parses a scenario; errors name the file's line.
pub fn parse(text: &str, name: &str) -> Result<Vec<Line>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let err = |msg: String| format!("{name}:{number}: {msg}");
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let words = split_words(trimmed).map_err(err)?;
        let (kind, rest) = match words.first().map(String::as_str) {
            Some("docker") => (Kind::Step, &words[1..]),
            Some("setup") => (Kind::Setup, &words[1..]),
            Some("cleanup") => (Kind::Cleanup, &words[1..]),
            Some("image") => (Kind::Image, &words[1..]),
            Some(w) => return Err(err(format!("expected 'docker', 'setup docker', 'cleanup docker' or 'image', found '{w}'"))),
            None => continue,
        };
        let args = match kind {
            Kind::Setup | Kind::Cleanup => match rest.first().map(String::as_str) {
                Some("docker") => rest[1..].to_vec(),
                _ => return Err(err("expected 'docker' after setup/cleanup".into())),
            },
            Kind::Image if rest.len() != 1 => return Err(err("'image' takes one image reference".into())),
            _ => rest.to_vec(),
        };
        if args.is_empty() {
            return Err(err("a docker command needs arguments".into()));
        }
        out.push(Line { number, kind, args });
    }
    if !out.iter().any(|l| l.kind == Kind::Step) {
        return Err(format!("{name}: no steps (lines starting with 'docker')"));
    }
    Ok(out)
}

/// Splits a line into words like sh: '...' literal, "..." with \\ \" \$ \` escapes, \x
/// outside (sim-core's POSIX splitter, the one Compose's `command:` uses).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    use sim_core::compose::words::{split, SplitError};
    split(line).map_err(|e| match e {
        SplitError::NoClosingQuotation => "unterminated quote".to_string(),
        SplitError::NoEscapedCharacter => "backslash at end of line".to_string(),
    })
}

/// The words as one would type them again (quoted where the shell would need it).
pub fn quote_words(words: &[String]) -> String {
    let plain = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    words.iter().map(|w| if plain(w) { w.clone() } else { format!("'{}'", w.replace('\'', r"'\''")) }).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_like_sh() {
        assert_eq!(split_words(r#"inspect -f '{{.State.Status}} x' "a\"b" c\ d"#).unwrap(), vec!["inspect", "-f", "{{.State.Status}} x", "a\"b", "c d"]);
        assert_eq!(split_words("a ''").unwrap(), vec!["a", ""]);
        assert!(split_words("a 'b").is_err());
        assert_eq!(quote_words(&["sh".into(), "-c".into(), "echo it's".into()]), r"sh -c 'echo it'\''s'");
    }

    #[test]
    fn lines_and_errors() {
        let s = parse("# c\n\nimage alpine:3.15\nsetup docker rm -f x\ndocker ps\ncleanup docker rm -f x\n", "t").unwrap();
        assert_eq!(s.iter().map(|l| (l.number, l.kind)).collect::<Vec<_>>(), vec![(3, Kind::Image), (4, Kind::Setup), (5, Kind::Step), (6, Kind::Cleanup)]);
        assert_eq!(s[1].args, vec!["rm", "-f", "x"]);
        assert_eq!(parse("ls /\n", "t").unwrap_err(), "t:1: expected 'docker', 'setup docker', 'cleanup docker' or 'image', found 'ls'");
        assert!(parse("# nothing\n", "t").is_err());
        assert!(parse("docker\n", "t").is_err());
        assert!(parse("setup rm x\n", "t").is_err());
    }
}
