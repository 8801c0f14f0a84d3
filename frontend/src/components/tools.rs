use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::t;
use crate::state::{Action, Session};
use crate::{fetch, query};

#[derive(Properties)]
pub struct ToolsProps {
    pub session: UseReducerHandle<Session>,
    pub on_action: Callback<Action>,
}

impl PartialEq for ToolsProps {
    fn eq(&self, other: &Self) -> bool {
        // The session changes with every action; children render with the page.
        let _ = (self, other);
        false
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    None,
    Permalink,
    Progress,
    Load,
}

/// The permalink, exporting and importing progress, and loading a teacher's lesson
/// from a file or a URL: buttons that open a small box below the toolbar.
#[function_component(Tools)]
pub fn tools(props: &ToolsProps) -> Html {
    let lang = props.session.lang;
    let open = use_state(|| Open::None);
    let url_ref = use_node_ref();
    let import_ref = use_node_ref();
    let toggle = |which: Open| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(if *open == which { Open::None } else { which }))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(Open::None))
    };
    let body = match *open {
        Open::None => html! {},
        Open::Permalink => {
            let link = query::permalink(&props.session.link());
            let onfocus = |e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select();
            html! {
                <div class="tool-box" id="permalink-box">
                    <label>{ t(lang, "permalink") }
                        <input id="permalink-url" type="text" readonly=true value={link.clone()} {onfocus} />
                    </label>
                    <a href={link}>{ t(lang, "permalink") }</a>
                    <button onclick={close}>{ t(lang, "close") }</button>
                </div>
            }
        }
        Open::Progress => {
            let json = props.session.saved().to_json();
            let on_export = {
                let json = json.clone();
                Callback::from(move |_: MouseEvent| fetch::download("container-playground-progress.json", &json))
            };
            let on_file = {
                let on_action = props.on_action.clone();
                Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    fetch::read_file(&input, on_action.reform(|r: Result<(String, String), String>| match r {
                        Ok((_, text)) => Action::Import(text),
                        Err(e) => Action::Import(e),
                    }));
                })
            };
            let on_paste = {
                let (import_ref, on_action) = (import_ref.clone(), props.on_action.clone());
                Callback::from(move |_: MouseEvent| {
                    if let Some(area) = import_ref.cast::<HtmlTextAreaElement>() {
                        on_action.emit(Action::Import(area.value()));
                    }
                })
            };
            html! {
                <div class="tool-box" id="progress-box">
                    <button id="export-progress" onclick={on_export}>{ t(lang, "export") }</button>
                    <label>{ t(lang, "import") }
                        <input id="import-file" type="file" accept=".json,application/json" onchange={on_file} />
                    </label>
                    <textarea id="import-text" ref={import_ref} rows="3" aria-label={t(lang, "import")} defaultvalue={json} />
                    <button id="import-button" onclick={on_paste}>{ t(lang, "import") }</button>
                    <button onclick={close}>{ t(lang, "close") }</button>
                </div>
            }
        }
        Open::Load => {
            let on_file = {
                let on_action = props.on_action.clone();
                Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    fetch::read_file(&input, on_action.reform(|r: Result<(String, String), String>| {
                        Action::LessonLoaded(r)
                    }));
                })
            };
            let on_url = {
                let (url_ref, on_action) = (url_ref.clone(), props.on_action.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    if let Some(input) = url_ref.cast::<HtmlInputElement>() {
                        fetch::lesson_from_url(input.value(), on_action.clone());
                    }
                })
            };
            html! {
                <div class="tool-box" id="load-box">
                    <label>{ t(lang, "lesson_file") }
                        <input id="lesson-file" type="file" accept=".json,application/json" onchange={on_file} />
                    </label>
                    <form onsubmit={on_url}>
                        <label>{ t(lang, "lesson_url") }
                            <input id="lesson-url" type="url" ref={url_ref} placeholder="https://…/lesson.json" />
                        </label>
                        <button type="submit">{ t(lang, "load_from_url") }</button>
                    </form>
                    <button onclick={close}>{ t(lang, "close") }</button>
                </div>
            }
        }
    };
    html! {
        <>
            <button id="permalink" title={t(lang, "permalink_title")} aria-expanded={(*open == Open::Permalink).to_string()}
                onclick={toggle(Open::Permalink)}>{ t(lang, "permalink") }</button>
            <button id="progress" aria-expanded={(*open == Open::Progress).to_string()}
                onclick={toggle(Open::Progress)}>{ format!("{} / {}", t(lang, "export"), t(lang, "import")) }</button>
            <button id="load-lesson" aria-expanded={(*open == Open::Load).to_string()}
                onclick={toggle(Open::Load)}>{ t(lang, "load_lesson") }</button>
            { body }
        </>
    }
}
