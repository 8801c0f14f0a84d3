//! What survives a reload: progress, the language, the lesson position, the sandbox's
//! and the lesson's commands, presenter mode, a teacher's lessons. Kept as JSON in
//! `localStorage`; the same JSON is the export/import file.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub const KEY: &str = "container-playground.v1";
pub const VERSION: u32 = 1;

/// A line the learner typed and when (simulated Unix seconds), so that a replay gives the
/// same machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Typed {
    pub line: String,
    pub at: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Saved {
    pub version: u32,
    pub lang: String,
    /// The open lesson's id; None in the sandbox.
    pub lesson: Option<String>,
    pub step: usize,
    /// Completed step ids, per lesson id.
    pub progress: BTreeMap<String, BTreeSet<String>>,
    pub sandbox: Vec<Typed>,
    /// The commands typed in the open lesson.
    pub lesson_session: Vec<Typed>,
    /// Where the open lesson's current step began in `lesson_session`.
    pub step_start: usize,
    pub presenter: bool,
    /// Sources of lessons a teacher loaded.
    pub custom_lessons: Vec<String>,
}

impl Saved {
    /// Reads a saved state or an imported file; an error names the problem.
    pub fn from_json(text: &str) -> Result<Saved, String> {
        let saved: Saved = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if saved.version != VERSION {
            return Err(format!("version {} is not {VERSION}", saved.version));
        }
        Ok(saved)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What was saved: Ok(None) when nothing was, Err when something was but is damaged
/// (the damaged entry is removed so that the next load starts clean).
pub fn load() -> Result<Option<Saved>, String> {
    let Some(store) = local_storage() else { return Ok(None) };
    let Ok(Some(text)) = store.get_item(KEY) else { return Ok(None) };
    match Saved::from_json(&text) {
        Ok(s) => Ok(Some(s)),
        Err(e) => {
            let _ = store.remove_item(KEY);
            Err(e)
        }
    }
}

pub fn save(saved: &Saved) {
    if let Some(store) = local_storage() {
        // A full or disabled storage only loses persistence, never the session.
        let _ = store.set_item(KEY, &saved.to_json());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn round_trips_and_refuses_damage() {
        let mut s = Saved { version: VERSION, lang: "ja".into(), ..Saved::default() };
        s.progress.entry("pid-namespace".into()).or_default().insert("unshare".into());
        s.sandbox.push(Typed { line: "ps aux".into(), at: 5 });
        assert_eq!(Saved::from_json(&s.to_json()), Ok(s));
        assert!(Saved::from_json("{\"version\": 1, \"progress\": [").is_err());
        assert!(Saved::from_json("{\"version\": 9}").is_err());
        assert!(Saved::from_json("null").is_err());
    }
}
