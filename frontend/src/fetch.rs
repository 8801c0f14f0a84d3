//! Files in and out of the page: reading a chosen file, fetching a lesson by URL,
//! offering text as a download.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::Callback;

use crate::state::Action;

/// Reads the first file chosen in `input`; `done` gets its name and text, or why not.
pub fn read_file(input: &HtmlInputElement, done: Callback<Result<(String, String), String>>) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    let name = file.name();
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move {
        let text = JsFuture::from(file.text()).await;
        done.emit(match text.ok().and_then(|v| v.as_string()) {
            Some(text) => Ok((name, text)),
            None => Err(format!("{name}: the file could not be read as text")),
        });
    });
}

/// Fetches a lesson file and hands it to the reducer (which parses it and reports errors
/// with their line); a failed fetch is reported with the URL.
pub fn lesson_from_url(url: String, on_action: Callback<Action>) {
    let url = url.trim().to_string();
    if url.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let result = fetch_text(&url).await.map(|text| (url.clone(), text)).map_err(|e| format!("{url}: {e}"));
        on_action.emit(Action::LessonLoaded(result));
    });
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| js_message(&e))?;
    let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
    if !resp.ok() {
        return Err(format!("HTTP {} {}", resp.status(), resp.status_text()));
    }
    let text = resp.text().map_err(|e| js_message(&e))?;
    let text = JsFuture::from(text).await.map_err(|e| js_message(&e))?;
    text.as_string().ok_or_else(|| "the response is not text".to_string())
}

fn js_message(v: &wasm_bindgen::JsValue) -> String {
    v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| v.as_string()).unwrap_or_else(|| "network error".into())
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(a) = document.create_element("a").and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().map_err(Into::into)) {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
