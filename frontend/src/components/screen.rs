use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::entry::EntryView;
use super::prompt_input::PromptInput;
use crate::i18n::{t, Lang};
use crate::state::{Action, Entry, DEFAULT_COLS};

#[derive(Properties, PartialEq)]
pub struct ScreenProps {
    pub entries: Rc<Vec<Entry>>,
    pub prompt: AttrValue,
    pub input: AttrValue,
    pub lang: Lang,
    pub on_action: Callback<Action>,
}

/// The terminal window: scrollback, then the live prompt. It keeps the newest line in
/// view, gives the keyboard to the input when clicked, and reports its width in columns.
#[function_component(Screen)]
pub fn screen(props: &ScreenProps) -> Html {
    let screen_ref = use_node_ref();
    let scrollback_ref = use_node_ref();
    let probe_ref = use_node_ref();
    let input_ref = use_node_ref();

    // Measure the width now and whenever the window is resized.
    {
        let (scrollback_ref, probe_ref, input_ref) = (scrollback_ref.clone(), probe_ref.clone(), input_ref.clone());
        let on_action = props.on_action.clone();
        use_effect_with((), move |_| {
            let measure = move || {
                let cols = measure_cols(&scrollback_ref, &probe_ref).unwrap_or(DEFAULT_COLS);
                on_action.emit(Action::SetCols(cols));
            };
            measure();
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
                crate::mark("terminal-focused");
            }
            let listener = Closure::<dyn Fn()>::new(measure);
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
                }
            }
        });
    }

    // Keep the bottom in view after every change of the scrollback or the line.
    {
        let screen_ref = screen_ref.clone();
        use_effect_with((props.entries.clone(), props.input.clone()), move |_| {
            if let Some(el) = screen_ref.cast::<Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    // A click gives the keyboard to the input, unless it ended a text selection (copy).
    let onclick = {
        let input_ref = input_ref.clone();
        move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .map(|s| !String::from(s.to_string()).is_empty())
                .unwrap_or(false);
            if let (false, Some(input)) = (selecting, input_ref.cast::<HtmlInputElement>()) {
                let _ = input.focus();
            }
        }
    };

    html! {
        <section class="screen" ref={screen_ref} {onclick} aria-label={t(props.lang, "terminal")}>
            <span class="probe" ref={probe_ref} aria-hidden="true">{ "0000000000" }</span>
            <div id="terminal" ref={scrollback_ref} role="log" aria-live="polite">
                { for props.entries.iter().map(|entry| html! { <EntryView entry={entry.clone()} /> }) }
            </div>
            <PromptInput
                prompt={props.prompt.clone()}
                value={props.input.clone()}
                label={t(props.lang, "command_line")}
                {input_ref}
                on_action={props.on_action.clone()}
            />
        </section>
    }
}

/// Columns that fit in the scrollback's width, from the width of ten probe characters.
fn measure_cols(area: &NodeRef, probe: &NodeRef) -> Option<usize> {
    let area = area.cast::<HtmlElement>()?;
    let char_width = probe.cast::<Element>()?.get_bounding_client_rect().width() / 10.0;
    let width = f64::from(area.client_width());
    if char_width <= 0.0 || width <= 0.0 {
        return None;
    }
    // Bounded by the screen's pixel width, far below usize::MAX.
    Some(((width / char_width).floor() as usize).max(20))
}
