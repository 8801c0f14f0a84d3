use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct PromptInputProps {
    pub prompt: AttrValue,
    pub value: AttrValue,
    pub label: &'static str,
    pub input_ref: NodeRef,
    pub on_action: Callback<Action>,
}

/// The live prompt and the line being typed: a plain `<input>`, so that selection, copy
/// and paste behave as the browser makes them. Keys a shell handles become [`Action`]s.
#[function_component(PromptInput)]
pub fn prompt_input(props: &PromptInputProps) -> Html {
    let oninput = props.on_action.reform(|e: InputEvent| Action::Input(e.target_unchecked_into::<HtmlInputElement>().value()));
    let onkeydown = {
        let on_action = props.on_action.clone();
        move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(action) = key_action(&e, &input) {
                e.prevent_default();
                on_action.emit(action);
            }
        }
    };
    html! {
        <div class="prompt-line live">
            <span class="prompt">{ props.prompt.clone() }</span>
            <input
                id="terminal-input"
                ref={props.input_ref.clone()}
                type="text"
                value={props.value.clone()}
                autofocus=true
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                aria-label={props.label}
                {oninput}
                {onkeydown}
            />
        </div>
    }
}

/// What a key press means to the shell, or None to leave it to the browser.
fn key_action(e: &KeyboardEvent, input: &HtmlInputElement) -> Option<Action> {
    let line = input.value();
    let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
    match e.key().as_str() {
        "Enter" if plain => Some(Action::Submit(line)),
        // On an empty line Tab leaves the terminal, so that the keyboard is never trapped
        // (Shift-Tab always does).
        "Tab" if plain && !e.shift_key() && !line.is_empty() => Some(Action::Complete(line)),
        "ArrowUp" if plain => Some(Action::HistoryPrev(line)),
        "ArrowDown" if plain => Some(Action::HistoryNext),
        // Ctrl-C copies when text is selected; otherwise it interrupts, as in a terminal.
        "c" | "C" if e.ctrl_key() && !e.shift_key() && !has_selection(input) => Some(Action::Interrupt(line)),
        "l" | "L" if e.ctrl_key() && !e.shift_key() => Some(Action::ClearScreen),
        _ => None,
    }
}

fn has_selection(input: &HtmlInputElement) -> bool {
    let in_input = matches!((input.selection_start(), input.selection_end()), (Ok(Some(a)), Ok(Some(b))) if a != b);
    let on_page = web_sys::window()
        .and_then(|w| w.get_selection().ok().flatten())
        .map(|s| !String::from(s.to_string()).is_empty())
        .unwrap_or(false);
    in_input || on_page
}
