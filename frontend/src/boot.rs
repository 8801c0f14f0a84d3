//! The hand-over from the static terminal of `index.html`, which takes typing while the
//! WebAssembly loads: the lines entered there (`window.__boot.lines`) and the line being
//! typed (`window.__boot.input`) are taken once, and the static terminal is removed, in the
//! same task that mounts the app, so no keystroke falls between the two.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

/// What the static terminal received.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Boot {
    pub lines: Vec<String>,
    pub input: String,
}

thread_local! {
    static TAKEN: RefCell<Option<Boot>> = const { RefCell::new(None) };
}

/// Reads and removes the static terminal (nothing happens on a page without one).
pub fn hand_over() {
    let Some(window) = web_sys::window() else { return };
    let global = JsValue::from(window.clone());
    let key = JsValue::from_str("__boot");
    let Ok(state) = js_sys::Reflect::get(&global, &key) else { return };
    if state.is_undefined() || state.is_null() {
        return;
    }
    let get = |name: &str| js_sys::Reflect::get(&state, &JsValue::from_str(name)).ok();
    let lines = get("lines")
        .map(|v| js_sys::Array::from(&v).iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    // The input's own value: a script may have set it without an input event.
    let document = window.document();
    let field = document
        .as_ref()
        .and_then(|d| d.query_selector("#boot #terminal-input").ok().flatten())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok());
    let input = field.map(|f| f.value()).or_else(|| get("input").and_then(|v| v.as_string())).unwrap_or_default();
    let _ = js_sys::Reflect::delete_property(&js_sys::Object::from(global), &key);
    if let Some(el) = document.and_then(|d| d.get_element_by_id("boot")) {
        el.remove();
    }
    TAKEN.with(|t| *t.borrow_mut() = Some(Boot { lines, input }));
}

/// What was handed over, once.
pub fn take() -> Boot {
    TAKEN.with(|t| t.borrow_mut().take()).unwrap_or_default()
}
