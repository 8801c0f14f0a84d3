//! The hand-over from the page's lighter build to the full one.
//!
//! A first visit loads the lighter build (cargo feature `lite`, see sim-core's `lite.rs`):
//! the Linux host without Docker's code. When a command reaches Docker (or a lesson boots
//! another machine), the session stops typing and asks `index.html` to load the full build
//! (`window.__loadFull`). The full build, as it starts, calls back into the lighter one
//! (`window.__handOver`), which unmounts its app and gives it the session as saved JSON;
//! the full build types it again, the command that needed it included, as after a reload.
//! The lighter build's page stays on screen until then. Later visits load the full build
//! at once (`localStorage` `container-playground.build`, read by `index.html`).

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::storage::Saved;

/// Whether this is the lighter build.
pub const LITE: bool = cfg!(feature = "lite");

/// The key `index.html` reads to load the full build first.
const BUILD_KEY: &str = "container-playground.build";

thread_local! {
    /// The mounted app, so that the hand-over can unmount it.
    static APP: RefCell<Option<yew::AppHandle<crate::App>>> = const { RefCell::new(None) };
    /// The session as the full build must find it, kept current while it loads.
    static SESSION: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether the full build was asked for (once).
    static ASKED: RefCell<bool> = const { RefCell::new(false) };
    /// In the full build: the session handed over.
    static RECEIVED: RefCell<Option<Saved>> = const { RefCell::new(None) };
}

/// Keeps the mounted app for the life of the page (or until it hands over).
pub fn keep(app: yew::AppHandle<crate::App>) {
    APP.with(|a| *a.borrow_mut() = Some(app));
}

/// The lighter build needs the full one for `saved` (called again with the newest session
/// while the full build loads): the first call starts loading it.
pub fn ask_for_full(saved: &Saved) {
    SESSION.with(|s| *s.borrow_mut() = Some(saved.to_json()));
    if ASKED.with(|a| a.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    if let Ok(Some(store)) = window.local_storage() {
        let _ = store.set_item(BUILD_KEY, "full");
    }
    let global = JsValue::from(window);
    // What the full build calls as it starts: unmount this app and give the session.
    let give = Closure::<dyn FnMut() -> JsValue>::new(|| {
        if let Some(app) = APP.with(|a| a.borrow_mut().take()) {
            app.destroy();
        }
        // A new, untouched element for the full build's app.
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some((doc, old)) = doc.as_ref().and_then(|d| Some((d, d.get_element_by_id("app")?))) {
            if let Ok(fresh) = doc.create_element("div") {
                fresh.set_id("app");
                let _ = old.replace_with_with_node_1(&fresh);
            }
        }
        SESSION.with(|s| s.borrow_mut().take()).map(|json| JsValue::from_str(&json)).unwrap_or(JsValue::NULL)
    });
    let _ = js_sys::Reflect::set(&global, &JsValue::from_str("__handOver"), give.as_ref());
    give.forget();
    let load = js_sys::Reflect::get(&global, &JsValue::from_str("__loadFull")).ok();
    if let Some(load) = load.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = load.call0(&JsValue::NULL);
    }
}

/// In the full build as it starts, before it mounts: takes the session the lighter build
/// hands over, if it does (see [`take`]).
pub fn receive() {
    let saved = received();
    RECEIVED.with(|r| *r.borrow_mut() = saved);
}

/// The session the lighter build handed over, once.
pub fn take() -> Option<Saved> {
    RECEIVED.with(|r| r.borrow_mut().take())
}

fn received() -> Option<Saved> {
    let window = web_sys::window()?;
    let global = JsValue::from(window);
    let key = JsValue::from_str("__handOver");
    let give = js_sys::Reflect::get(&global, &key).ok()?.dyn_into::<js_sys::Function>().ok()?;
    let _ = js_sys::Reflect::delete_property(&js_sys::Object::from(global), &key);
    let json = give.call0(&JsValue::NULL).ok()?.as_string()?;
    Saved::from_json(&json).ok()
}
