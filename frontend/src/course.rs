//! The built-in course: the lesson files of `assets/lessons/`, compiled into the page so
//! that it works offline, in the order of their names.
//!
//! The lighter first build (feature `lite`) carries the Linux host's lessons (1–4) only:
//! the Docker lessons need the full build anyway, so it lists them by their titles
//! ([`LATER`]), and choosing one hands the session over to the full build, which has them.

use sim_core::lesson::{self, Diagram, Lesson, Text};

const HOST_LESSONS: [(&str, &str); 4] = [
    ("01-containers-vs-vms.json", include_str!("../../assets/lessons/01-containers-vs-vms.json")),
    ("02-pid-namespace.json", include_str!("../../assets/lessons/02-pid-namespace.json")),
    ("03-network-namespace.json", include_str!("../../assets/lessons/03-network-namespace.json")),
    ("04-mount-namespace.json", include_str!("../../assets/lessons/04-mount-namespace.json")),
];

#[cfg(not(feature = "lite"))]
const DOCKER_LESSONS: [(&str, &str); 4] = [
    ("05-docker-client-dockerd.json", include_str!("../../assets/lessons/05-docker-client-dockerd.json")),
    ("06-docker-desktop.json", include_str!("../../assets/lessons/06-docker-desktop.json")),
    ("07-rancher-desktop.json", include_str!("../../assets/lessons/07-rancher-desktop.json")),
    ("08-compose.json", include_str!("../../assets/lessons/08-compose.json")),
];

/// The Docker lessons as the lighter build lists them: id, chapter, profile, diagram and
/// title (a test checks them against the files).
pub const LATER: [(&str, u32, &str, Diagram, &str, &str); 4] = [
    ("docker-client-dockerd", 5, "linux", Diagram::DockerSocket, "The docker client and dockerd, over docker.sock", "Docker クライアントと dockerd"),
    ("docker-desktop", 6, "docker-desktop-mac", Diagram::DockerDesktop, "Docker Desktop for Mac: a Linux VM in between", "Docker Desktop for Mac: 間に Linux VM"),
    ("rancher-desktop", 7, "rancher-desktop-m1", Diagram::RancherDesktop, "Rancher Desktop on an M1 Mac: CPU emulation", "M1 Mac の Rancher Desktop: CPU Emulation"),
    ("compose", 8, "linux", Diagram::Compose, "docker-compose up -d", "docker-compose up -d"),
];

/// The built-in lessons. A file that fails to parse is left out (the sim-core tests
/// parse every one of them, so this does not happen in a release).
pub fn builtin() -> Vec<Lesson> {
    let mut v: Vec<Lesson> = HOST_LESSONS.iter().filter_map(|(_, src)| lesson::parse(src).ok()).collect();
    #[cfg(not(feature = "lite"))]
    v.extend(DOCKER_LESSONS.iter().filter_map(|(_, src)| lesson::parse(src).ok()));
    #[cfg(feature = "lite")]
    v.extend(LATER.iter().map(|l| stand_in(*l)));
    v
}

/// A Docker lesson in the lighter build: its title, no steps.
#[cfg_attr(not(feature = "lite"), allow(dead_code))]
fn stand_in((id, chapter, profile, diagram, en, ja): (&str, u32, &str, Diagram, &str, &str)) -> Lesson {
    Lesson {
        format: 1,
        id: id.into(),
        chapter,
        draft: false,
        profile: profile.into(),
        diagram,
        title: Text { en: en.into(), ja: ja.into() },
        intro: Text::default(),
        steps: Vec::new(),
    }
}

/// Whether a lesson is the lighter build's stand-in for one only the full build has.
pub fn is_stand_in(l: &Lesson) -> bool {
    l.steps.is_empty()
}

/// A teacher's lesson: parsed, or the error naming the line.
pub fn load(name: &str, src: &str) -> Result<Lesson, String> {
    lesson::parse(src).map_err(|e| format!("{name}: {e}"))
}

#[cfg(test)]
mod tests {
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn every_builtin_lesson_parses() {
        for (name, src) in super::HOST_LESSONS {
            assert!(sim_core::lesson::parse(src).is_ok(), "{name}");
        }
        #[cfg(not(feature = "lite"))]
        for (name, src) in super::DOCKER_LESSONS {
            assert!(sim_core::lesson::parse(src).is_ok(), "{name}");
        }
    }

    /// The lighter build's stand-ins say what the lesson files say.
    #[cfg(not(feature = "lite"))]
    #[wasm_bindgen_test::wasm_bindgen_test]
    fn stand_ins_match_the_lessons() {
        for (later, (_, src)) in super::LATER.iter().zip(super::DOCKER_LESSONS) {
            let full = sim_core::lesson::parse(src).expect("parses");
            let s = super::stand_in(*later);
            assert_eq!((&s.id, s.chapter, &s.profile, s.diagram, &s.title), (&full.id, full.chapter, &full.profile, full.diagram, &full.title));
        }
    }
}
