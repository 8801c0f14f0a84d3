//! The lesson file: types, parsing and validation. Errors carry the line and column
//! of the problem so that a teacher can fix a file without reading Rust.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::check::Check;

/// The format version this playground reads.
pub const FORMAT: u32 = 1;
/// Larger files are refused before parsing.
pub const MAX_BYTES: usize = 1 << 20;
/// Deepest nesting of `all`/`any`/`not` accepted.
pub const MAX_CHECK_DEPTH: usize = 16;

/// A text in every language of the playground.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    #[serde(default)]
    pub ja: String,
}

impl Text {
    /// The text in `lang` ("en" or "ja"), falling back to English when missing.
    pub fn get(&self, lang: &str) -> &str {
        match lang {
            "ja" if !self.ja.is_empty() => &self.ja,
            _ => &self.en,
        }
    }
}

/// A panel of the page a step points the learner at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Panel {
    Processes,
    Network,
    Filesystem,
    Socket,
    Architecture,
}

/// Which architecture picture a lesson shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Diagram {
    VmVsContainer,
    #[default]
    Namespaces,
    DockerSocket,
    DockerDesktop,
    RancherDesktop,
    Compose,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub goal: Text,
    pub check: Check,
    #[serde(default)]
    pub hints: Vec<Text>,
    /// The lines that solve the step, typed in order.
    pub solution: Vec<String>,
    pub explain: Text,
    #[serde(default)]
    pub panels: Vec<Panel>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub format: u32,
    pub id: String,
    /// Position in the article (1 = containers vs VMs, ...).
    #[serde(default)]
    pub chapter: u32,
    /// A draft may lack Japanese text and may use checks no profile offers yet.
    #[serde(default)]
    pub draft: bool,
    /// The machine profile the lesson runs on: `linux` (the article's EC2 host),
    /// `docker-desktop-mac`, `rancher-desktop-m1`; the page boots it for the lesson.
    #[serde(default = "default_profile")]
    pub profile: String,
    #[serde(default)]
    pub diagram: Diagram,
    pub title: Text,
    pub intro: Text,
    pub steps: Vec<Step>,
}

fn default_profile() -> String {
    "linux".into()
}

/// Why a lesson file was refused: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.message)
        } else {
            write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for LessonError {}

/// Parses and validates a lesson file.
pub fn parse(src: &str) -> Result<Lesson, LessonError> {
    if src.len() > MAX_BYTES {
        return Err(LessonError { line: 0, column: 0, message: format!("the file is larger than {MAX_BYTES} bytes") });
    }
    if src.trim().is_empty() {
        return Err(LessonError { line: 0, column: 0, message: "the file is empty".into() });
    }
    let lesson: Lesson = serde_json::from_str(src).map_err(|e| {
        let text = e.to_string();
        // serde_json appends " at line L column C"; the position is reported apart.
        let message = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        LessonError { line: e.line(), column: e.column(), message }
    })?;
    validate(&lesson, src)?;
    Ok(lesson)
}

fn validate(lesson: &Lesson, src: &str) -> Result<(), LessonError> {
    let at = |key: &str, value: &str, message: String| {
        let (line, column) = locate(src, key, value);
        LessonError { line, column, message }
    };
    if lesson.format != FORMAT {
        return Err(at("format", &lesson.format.to_string(), format!("format {} is not supported; this playground reads format {FORMAT}", lesson.format)));
    }
    if !valid_id(&lesson.id) {
        return Err(at("id", &lesson.id, format!("the lesson id {:?} must be 1-64 characters of a-z, 0-9 and -", lesson.id)));
    }
    if crate::Profile::from_name(&lesson.profile).is_none() {
        let names: Vec<&str> = crate::Profile::ALL.iter().map(|p| p.name()).collect();
        return Err(at("profile", &lesson.profile, format!("the profile {:?} is not a machine of this playground: {}", lesson.profile, names.join(", "))));
    }
    if lesson.steps.is_empty() {
        return Err(at("steps", "", "the lesson has no steps".into()));
    }
    if !lesson.draft {
        missing_ja(&lesson.title, "title").or(missing_ja(&lesson.intro, "intro")).map_or(Ok(()), |field| {
            Err(at(field, "", format!("the lesson's {field} has no Japanese text (\"ja\"); only a draft may lack it")))
        })?;
    }
    let mut seen = BTreeSet::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        let n = i + 1;
        if !valid_id(&step.id) {
            return Err(at("id", &step.id, format!("step {n}: the id {:?} must be 1-64 characters of a-z, 0-9 and -", step.id)));
        }
        if !seen.insert(step.id.as_str()) {
            return Err(at_nth(src, &step.id, 2, format!("step {n}: the id {:?} is used by an earlier step", step.id)));
        }
        if step.solution.iter().all(|l| l.trim().is_empty()) {
            return Err(at("id", &step.id, format!("step {:?} has no solution line", step.id)));
        }
        if step.goal.en.trim().is_empty() {
            return Err(at("id", &step.id, format!("step {:?} has an empty goal", step.id)));
        }
        if !lesson.draft {
            let field = missing_ja(&step.goal, "goal")
                .or(missing_ja(&step.explain, "explain"))
                .or(step.hints.iter().find_map(|h| missing_ja(h, "hints")));
            if let Some(field) = field {
                return Err(at("id", &step.id, format!("step {:?}: its {field} has no Japanese text (\"ja\"); only a draft may lack it", step.id)));
            }
        }
        let depth = step.check.depth();
        if depth > MAX_CHECK_DEPTH {
            return Err(at("id", &step.id, format!("step {:?}: its check is nested {depth} deep; at most {MAX_CHECK_DEPTH}", step.id)));
        }
        if let Some(problem) = step.check.problem() {
            return Err(at("id", &step.id, format!("step {:?}: {problem}", step.id)));
        }
    }
    Ok(())
}

fn missing_ja<'a>(t: &Text, field: &'a str) -> Option<&'a str> {
    (!t.en.trim().is_empty() && t.ja.trim().is_empty()).then_some(field)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Line and column (1-based) of `"key": "value"` (or of `"key"` when value is empty) in
/// the source; (1, 1) when not found.
fn locate(src: &str, key: &str, value: &str) -> (usize, usize) {
    let quoted_key = format!("\"{key}\"");
    let mut from = 0;
    while let Some(off) = src.get(from..).and_then(|s| s.find(&quoted_key)) {
        let start = from + off;
        let rest = src.get(start + quoted_key.len()..).unwrap_or("");
        let rest = rest.trim_start();
        let matches = value.is_empty()
            || rest
                .strip_prefix(':')
                .map(str::trim_start)
                .map(|r| r.starts_with(&format!("\"{value}\"")) || r.starts_with(value))
                .unwrap_or(false);
        if matches {
            return position(src, start);
        }
        from = start + quoted_key.len();
    }
    (1, 1)
}

/// Position of the `n`th `"value"` in the source.
fn at_nth(src: &str, value: &str, n: usize, message: String) -> LessonError {
    let quoted = format!("\"{value}\"");
    let found = src.match_indices(&quoted).nth(n.saturating_sub(1)).map(|(i, _)| i);
    let (line, column) = found.map(|i| position(src, i)).unwrap_or((1, 1));
    LessonError { line, column, message }
}

fn position(src: &str, byte: usize) -> (usize, usize) {
    let before = src.get(..byte).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "format": 1,
  "id": "demo",
  "title": { "en": "Demo", "ja": "デモ" },
  "intro": { "en": "Intro", "ja": "導入" },
  "steps": [
    {
      "id": "one",
      "goal": { "en": "Run ps", "ja": "ps を実行" },
      "check": { "ran": { "program": "ps" } },
      "solution": ["ps aux"],
      "explain": { "en": "It lists.", "ja": "一覧します。" }
    }
  ]
}"#;

    #[test]
    fn parses_a_minimal_lesson() {
        let l = parse(MINIMAL).expect("valid");
        assert_eq!(l.steps.len(), 1);
        assert_eq!(l.profile, "linux");
        assert_eq!(l.steps[0].goal.get("ja"), "ps を実行");
    }

    #[test]
    fn syntax_error_names_the_line() {
        let bad = MINIMAL.replace("\"solution\": [\"ps aux\"],", "\"solution\": [\"ps aux\"]");
        let e = parse(&bad).expect_err("missing comma");
        assert_eq!(e.line, 12, "{e}");
        assert!(e.message.contains("expected"), "{e}");
    }

    #[test]
    fn unknown_check_names_line_and_choices() {
        let bad = MINIMAL.replace("\"ran\"", "\"rann\"");
        let e = parse(&bad).expect_err("unknown check");
        assert_eq!(e.line, 10, "{e}");
        assert!(e.message.contains("unknown variant `rann`"), "{e}");
    }

    #[test]
    fn semantic_errors_name_the_step_line() {
        let bad = MINIMAL.replace("\"ps aux\"", "\"  \"");
        let e = parse(&bad).expect_err("empty solution");
        assert_eq!((e.line, e.message.contains("no solution")), (8, true), "{e}");
        let bad = MINIMAL.replace("\"ja\": \"ps を実行\"", "\"ja\": \"\"");
        let e = parse(&bad).expect_err("no Japanese");
        assert!(e.message.contains("Japanese"), "{e}");
        let e = parse(&MINIMAL.replace("\"format\": 1", "\"format\": 7")).expect_err("format");
        assert_eq!(e.line, 2, "{e}");
        assert_eq!(parse("").expect_err("empty").to_string(), "the file is empty");
    }
}
