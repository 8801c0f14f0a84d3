use sim_core::lesson::{Outcome, Panel};
use sim_core::Profile;
use yew::prelude::*;

use super::panels::panel_key;
use crate::i18n::t;
use crate::state::{Action, Session};

#[derive(Properties)]
pub struct LessonPaneProps {
    pub session: UseReducerHandle<Session>,
    pub on_action: Callback<Action>,
    pub type_for_me: Callback<()>,
}

impl PartialEq for LessonPaneProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// The open lesson's current step: goal, check status, hints, solution, explanation,
/// the panels to look at, and the buttons to move between steps. In the sandbox, a line
/// saying what the sandbox is.
#[function_component(LessonPane)]
pub fn lesson_pane(props: &LessonPaneProps) -> Html {
    let s = &*props.session;
    let lang = s.lang;
    let code = lang.code();
    let Some(lesson) = s.lesson() else {
        return html! {
            <section class="lesson-pane sandbox" id="lesson" aria-label={t(lang, "sandbox")}>
                <p>{ t(lang, "sandbox_intro") }</p>
            </section>
        };
    };
    let Some(step) = lesson.steps.get(s.step) else { return html! {} };
    let done = s.step_done();
    let last = s.step + 1 == lesson.steps.len();
    let status = match (done, s.outcome) {
        (true, _) if last => html! { <p class="status done" id="step-status">{ format!("✓ {} {}", t(lang, "done"), t(lang, "lesson_done")) }</p> },
        (true, _) => html! { <p class="status done" id="step-status">{ format!("✓ {} {}", t(lang, "done"), t(lang, "step_done")) }</p> },
        (false, Some(Outcome::Unavailable(_))) => html! { <p class="status unavailable" id="step-status">{ t(lang, "unavailable") }</p> },
        (false, Some(Outcome::NotYet)) => html! { <p class="status not-yet" id="step-status">{ t(lang, "not_yet") }</p> },
        _ => html! { <p class="status" id="step-status"></p> },
    };
    let hints = step.hints.iter().take(s.hints_shown).map(|h| html! { <li>{ h.get(code) }</li> });
    let more_hints = s.hints_shown < step.hints.len();
    let panels = step.panels.iter().map(|p: &Panel| {
        let p = *p;
        html! { <button class="panel-link" onclick={props.on_action.reform(move |_| Action::ShowPanel(p))}>{ t(lang, panel_key(p)) }</button> }
    });
    // A lesson on another machine than the article's Linux host says which one.
    let profile_note = (s.profile != Profile::Linux).then(|| {
        html! { <p class="machine-note" id="lesson-machine">{ format!("{}: {}", t(lang, "runs_on"), t(lang, machine_key(s.profile))) }</p> }
    });
    html! {
        <section class="lesson-pane" id="lesson" aria-labelledby="lesson-title">
            <h2 id="lesson-title">{ lesson.title.get(code) }
                if lesson.draft { <span class="badge">{ t(lang, "draft") }</span> }
            </h2>
            if s.step == 0 { <p class="intro">{ lesson.intro.get(code) }</p> }
            { for profile_note }
            <ol class="step-dots" aria-hidden="true">
                { for lesson.steps.iter().enumerate().map(|(i, st)| {
                    let is_done = s.progress.get(&lesson.id).is_some_and(|d| d.contains(&st.id));
                    html! { <li class={classes!(is_done.then_some("done"), (i == s.step).then_some("current"))}></li> }
                }) }
            </ol>
            <h3 id="step-goal">
                <span class="step-no">{ format!("{} {} {} {}", t(lang, "step"), s.step + 1, t(lang, "of"), lesson.steps.len()) }</span>
                { step.goal.get(code) }
            </h3>
            <div role="status" aria-live="polite">{ status }</div>
            if done {
                <div class="explain" id="step-explain">
                    <p>{ step.explain.get(code) }</p>
                    if !step.panels.is_empty() { <p class="look-at">{ t(lang, "look_at") }{ ": " }{ for panels }</p> }
                </div>
            }
            if s.hints_shown > 0 { <ul class="hints" id="hints">{ for hints }</ul> }
            if s.solution_shown {
                <div class="solution" id="solution">
                    <span class="label">{ t(lang, "solution") }{ ":" }</span>
                    { for step.solution.iter().map(|l| html! { <code>{ l }</code> }) }
                </div>
            }
            <div class="step-buttons">
                <button id="prev-step" disabled={s.step == 0} onclick={props.on_action.reform(|_| Action::PrevStep)}>{ t(lang, "prev") }</button>
                if !done {
                    <button id="hint" disabled={!more_hints} onclick={props.on_action.reform(|_| Action::ShowHint)}>
                        { if s.hints_shown == 0 { t(lang, "hint") } else if more_hints { t(lang, "more_hint") } else { t(lang, "no_more_hints") } }
                    </button>
                    <button id="show-solution" onclick={props.on_action.reform(|_| Action::ShowSolution)}>{ t(lang, "show_solution") }</button>
                    <button id="type-for-me" title="Alt+T" onclick={props.type_for_me.reform(|_| ())}>{ t(lang, "type_for_me") }</button>
                }
                <button id="next-step" class={classes!(done.then_some("primary"))} disabled={last}
                    onclick={props.on_action.reform(|_| Action::NextStep)}>{ t(lang, "next") }</button>
            </div>
        </section>
    }
}

/// The key of a machine profile's name in the page's texts.
pub fn machine_key(p: Profile) -> &'static str {
    match p {
        Profile::Linux => "machine_linux",
        Profile::DockerDesktopMac => "machine_docker_desktop_mac",
        Profile::RancherDesktopM1 => "machine_rancher_desktop_m1",
    }
}
