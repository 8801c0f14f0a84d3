use std::collections::VecDeque;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::header::Header;
use super::lesson_pane::LessonPane;
use super::notice_bar::NoticeBar;
use super::panels::Panels;
use super::screen::Screen;
use crate::state::{Action, Session};
use crate::{query, storage};

/// Milliseconds between two characters of "type it for me".
const TYPE_DELAY_MS: u32 = 45;

/// The page: the toolbar, the lesson, the terminal and the panels. All state lives in
/// one [`Session`] reducer; it is saved to `localStorage` whenever it changed.
#[function_component(App)]
pub fn app() -> Html {
    let session = use_reducer(|| {
        let mut s = match crate::handover::take() {
            // The lighter build's session, on the full build.
            Some(saved) => {
                let mut s = Session::new(query::Link::default(), Ok(Some(saved)));
                s.resume_clock();
                s
            }
            None => Session::new(query::current(), storage::load()),
        };
        s.boot(crate::boot::take());
        crate::mark("session-ready");
        s
    });
    let on_action = {
        let dispatcher = session.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };

    // Persist after every change worth keeping.
    use_effect_with(session.generation, {
        let session = session.clone();
        move |_| storage::save(&session.saved())
    });

    // The lighter build reached Docker: the full build takes over (it asks for the session
    // as it starts, so the newest one is kept for it).
    use_effect_with((session.needs_full, session.deferred.clone(), session.generation), {
        let session = session.clone();
        move |(needs_full, _, _)| {
            if *needs_full {
                let saved = session.saved();
                storage::save(&saved);
                crate::handover::ask_for_full(&saved);
            }
        }
    });

    // A teacher's lesson named in the URL (?lesson-url=...).
    use_effect_with((), {
        let on_action = on_action.clone();
        move |_| {
            if let Some(url) = query::current().lesson_url {
                crate::fetch::lesson_from_url(url, on_action);
            }
            query::forget();
        }
    });

    // "Type it for me": lines waiting to be typed, one character per tick.
    let typing = use_state(|| Rc::new(VecDeque::<String>::new()));
    {
        let (typing, on_action, input) = (typing.clone(), on_action.clone(), session.input.clone());
        use_effect_with((typing.clone(), input), move |(queue, input)| {
            let timer = queue.front().cloned().map(|line| {
                let input = input.clone();
                Timeout::new(TYPE_DELAY_MS, move || {
                    if line.starts_with(&input) && input.len() < line.len() {
                        let next = line.chars().take(input.chars().count() + 1).collect::<String>();
                        on_action.emit(Action::Input(next));
                    } else {
                        let mut rest = (**typing).clone();
                        rest.pop_front();
                        on_action.emit(Action::Submit(line));
                        typing.set(Rc::new(rest));
                    }
                })
            });
            move || drop(timer)
        });
    }
    let type_for_me = {
        let (typing, session) = (typing.clone(), session.clone());
        Callback::from(move |_| {
            let Some(step) = session.lesson().and_then(|l| l.steps.get(session.step)) else { return };
            if typing.is_empty() {
                session.dispatcher().dispatch(Action::Input(String::new()));
                typing.set(Rc::new(step.solution.iter().cloned().collect()));
            }
        })
    };

    // Presenter keys, anywhere on the page: PageDown/PageUp (what slide clickers send)
    // and Alt+arrows step through the lesson, Alt+T types the solution.
    {
        let (on_action, type_for_me, presenter) = (on_action.clone(), type_for_me.clone(), session.presenter);
        use_effect_with(presenter, move |presenter| {
            let presenter = *presenter;
            let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
                let action = match (e.key().as_str(), e.alt_key(), e.ctrl_key() || e.meta_key()) {
                    ("ArrowRight", true, false) => Some(Action::NextStep),
                    ("ArrowLeft", true, false) => Some(Action::PrevStep),
                    ("PageDown", false, false) if presenter => Some(Action::NextStep),
                    ("PageUp", false, false) if presenter => Some(Action::PrevStep),
                    ("t" | "T" | "†", true, false) => {
                        e.prevent_default();
                        type_for_me.emit(());
                        None
                    }
                    _ => None,
                };
                if let Some(a) = action {
                    e.prevent_default();
                    on_action.emit(a);
                }
            });
            let doc = web_sys::window().and_then(|w| w.document());
            if let Some(d) = &doc {
                let _ = d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = &doc {
                    let _ = d.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
                }
            }
        });
    }

    // The panels are drawn just after the first frame, so that the terminal is
    // interactive as early as possible.
    let panels_ready = use_state(|| false);
    use_effect_with((), {
        let panels_ready = panels_ready.clone();
        move |_| {
            crate::mark("first-render");
            let t = Timeout::new(0, move || panels_ready.set(true));
            move || drop(t)
        }
    });

    let class = classes!("page", session.presenter.then_some("presenter"));
    html! {
        <main {class} lang={session.lang.code()}>
            <Header session={session.clone()} on_action={on_action.clone()} />
            <NoticeBar lang={session.lang} notice={session.notice.clone()} on_action={on_action.clone()} />
            <div class="workspace">
                <div class="left">
                    <LessonPane session={session.clone()} on_action={on_action.clone()} type_for_me={type_for_me} />
                    <Screen
                        entries={session.entries.clone()}
                        prompt={AttrValue::from(session.prompt.to_string())}
                        input={AttrValue::from(session.input.clone())}
                        lang={session.lang}
                        on_action={on_action.clone()}
                    />
                </div>
                if *panels_ready {
                    <Panels session={session.clone()} on_action={on_action} />
                } else {
                    <aside class="panels"></aside>
                }
            </div>
        </main>
    }
}
