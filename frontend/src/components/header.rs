use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::tools::Tools;
use crate::i18n::{t, Lang};
use crate::state::{Action, Mode, Session};

#[derive(Properties)]
pub struct HeaderProps {
    pub session: UseReducerHandle<Session>,
    pub on_action: Callback<Action>,
}

impl PartialEq for HeaderProps {
    fn eq(&self, other: &Self) -> bool {
        // The session changes with every action; children render with the page.
        let _ = (self, other);
        false
    }
}

/// The title and the toolbar: language, lesson or sandbox, undo, reset, presenter mode,
/// and the tools (permalink, export/import, loading a lesson).
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let s = &*props.session;
    let lang = s.lang;
    let on_lang = props.on_action.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetLang(Lang::from_code(&v).unwrap_or_default())
    });
    let on_lesson = props.on_action.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        match v.parse::<usize>() {
            Ok(i) => Action::OpenLesson(i),
            Err(_) => Action::OpenSandbox,
        }
    });
    let selected = match s.mode {
        Mode::Sandbox => "sandbox".to_string(),
        Mode::Lesson(i) => i.to_string(),
    };
    html! {
        <header class="page-header">
            <div class="titles">
                <h1>{ t(lang, "title") }</h1>
                <p class="subtitle">{ t(lang, "subtitle") }</p>
            </div>
            <nav class="toolbar" aria-label="toolbar">
                <label>
                    <span class="label">{ t(lang, "lesson_menu") }</span>
                    <select id="lesson-select" onchange={on_lesson}>
                        <option value="sandbox" selected={selected == "sandbox"}>{ t(lang, "sandbox") }</option>
                        { for s.lessons.iter().enumerate().map(|(i, l)| {
                            let mark = if s.lesson_done(i) { "✓ " } else { "" };
                            let draft = if l.draft { format!(" ({})", t(lang, "draft")) } else { String::new() };
                            let num = if l.chapter > 0 && !s.is_custom(i) { format!("{}. ", l.chapter) } else { String::new() };
                            html! {
                                <option value={i.to_string()} selected={selected == i.to_string()}>
                                    { format!("{mark}{num}{}{draft}", l.title.get(lang.code())) }
                                </option>
                            }
                        }) }
                    </select>
                </label>
                <label>
                    <span class="label">{ t(lang, "language") }</span>
                    <select id="lang-select" onchange={on_lang}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.code()} selected={*l == lang}>{ l.native_name() }</option>
                        }) }
                    </select>
                </label>
                <button id="undo" title={t(lang, "undo_title")} disabled={!s.can_undo()}
                    onclick={props.on_action.reform(|_| Action::Undo)}>{ t(lang, "undo") }</button>
                <button id="reset" title={t(lang, "reset_title")}
                    onclick={props.on_action.reform(|_| Action::Reset)}>{ t(lang, "reset") }</button>
                <button id="presenter" title={t(lang, "presenter_title")} aria-pressed={s.presenter.to_string()}
                    onclick={props.on_action.reform(|_| Action::TogglePresenter)}>{ t(lang, "presenter") }</button>
                <Tools session={props.session.clone()} on_action={props.on_action.clone()} />
            </nav>
        </header>
    }
}
