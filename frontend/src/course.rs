//! The built-in course: the lesson files of `assets/lessons/`, compiled into the page so
//! that it works offline, in the order of their names.

use sim_core::lesson::{self, Lesson};

const FILES: [(&str, &str); 8] = [
    ("01-containers-vs-vms.json", include_str!("../../assets/lessons/01-containers-vs-vms.json")),
    ("02-pid-namespace.json", include_str!("../../assets/lessons/02-pid-namespace.json")),
    ("03-network-namespace.json", include_str!("../../assets/lessons/03-network-namespace.json")),
    ("04-mount-namespace.json", include_str!("../../assets/lessons/04-mount-namespace.json")),
    ("05-docker-client-dockerd.json", include_str!("../../assets/lessons/05-docker-client-dockerd.json")),
    ("06-docker-desktop.json", include_str!("../../assets/lessons/06-docker-desktop.json")),
    ("07-rancher-desktop.json", include_str!("../../assets/lessons/07-rancher-desktop.json")),
    ("08-compose.json", include_str!("../../assets/lessons/08-compose.json")),
];

/// The built-in lessons. A file that fails to parse is left out (the sim-core tests
/// parse every one of them, so this does not happen in a release).
pub fn builtin() -> Vec<Lesson> {
    FILES.iter().filter_map(|(_, src)| lesson::parse(src).ok()).collect()
}

/// A teacher's lesson: parsed, or the error naming the line.
pub fn load(name: &str, src: &str) -> Result<Lesson, String> {
    lesson::parse(src).map_err(|e| format!("{name}: {e}"))
}

#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn every_builtin_lesson_parses() {
        for (name, src) in super::FILES {
            assert!(sim_core::lesson::parse(src).is_ok(), "{name}");
        }
    }
}
