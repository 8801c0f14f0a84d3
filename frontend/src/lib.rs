//! The browser page: a terminal connected to the simulated Linux host of `sim-core`,
//! lessons beside it and panels drawn from the machine's state.
//!
//! Map: [`state`] holds the page state and its reducer; `components/` holds the Yew
//! components, one per file; [`course`] the built-in lessons, [`i18n`] the page's words,
//! [`storage`] what survives a reload, [`query`] the permalink, [`fetch`] files in and
//! out; [`clock`] is the simulated clock, [`boot`] takes over from the static terminal,
//! [`handover`] from the page's lighter build to the full one. Terminal output goes through
//! `sim_core::view::screen` (escape sequences, colours) before it is shown.

pub mod boot;
pub mod clock;
pub mod components;
pub mod course;
pub mod fetch;
pub mod handover;
pub mod i18n;
pub mod query;
pub mod state;
pub mod storage;

use wasm_bindgen::prelude::*;

pub use components::app::App;

/// Renders the app inside `root`; returns the handle that can later unmount it.
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// Entry point when the module loads: mounts into `#app` if the page has one (a test
/// page does not, and mounts where it likes with [`mount`]).
#[wasm_bindgen(start)]
pub fn start() {
    mark("wasm-start");
    // The lighter build, if it ran first, unmounts its app and hands over its session.
    handover::receive();
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    if let Some(root) = root {
        // The static terminal of index.html hands over what was typed before the app runs.
        boot::hand_over();
        // The app lives as long as the page (or until the lighter build hands over).
        handover::keep(mount(root));
    }
}

// The unit tests of this crate run in the browser, with the integration tests.
#[cfg(test)]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A `performance.mark` for the load benchmark (scripts/bench-page.sh prints them).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
