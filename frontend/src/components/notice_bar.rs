use yew::prelude::*;

use crate::i18n::{t, Lang};
use crate::state::{Action, Notice};

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub lang: Lang,
    pub notice: Option<Notice>,
    pub on_action: Callback<Action>,
}

/// A message about the page itself (damaged storage, a refused lesson file), announced
/// to screen readers, until dismissed.
#[function_component(NoticeBar)]
pub fn notice_bar(props: &NoticeProps) -> Html {
    let Some(notice) = &props.notice else {
        return html! { <div class="notice-slot" role="status" aria-live="polite"></div> };
    };
    let text = match notice {
        Notice::Key(k) => t(props.lang, k).to_string(),
        Notice::KeyDetail(k, detail) => format!("{}: {detail}", t(props.lang, k)),
    };
    let error = matches!(notice, Notice::KeyDetail("lesson_error" | "import_failed", _) | Notice::Key("storage_damaged"));
    html! {
        <div class="notice-slot" role="status" aria-live="polite">
            <div class={classes!("notice", error.then_some("error"))} id="notice">
                <span class="notice-text">{ text }</span>
                <button onclick={props.on_action.reform(|_| Action::DismissNotice)}>{ t(props.lang, "close") }</button>
            </div>
        </div>
    }
}
