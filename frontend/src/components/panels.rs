use sim_core::lesson::Panel;
use yew::prelude::*;

use super::architecture::Architecture;
use super::filesystem_panel::FilesystemPanel;
use super::network_panel::NetworkPanel;
use super::processes_panel::ProcessesPanel;
use super::socket_panel::SocketPanel;
use crate::i18n::t;
use crate::state::{Action, Session};

const ALL: [Panel; 5] = [Panel::Processes, Panel::Network, Panel::Filesystem, Panel::Socket, Panel::Architecture];

/// The key of a panel's name in the page's texts.
pub fn panel_key(p: Panel) -> &'static str {
    match p {
        Panel::Processes => "panel_processes",
        Panel::Network => "panel_network",
        Panel::Filesystem => "panel_filesystem",
        Panel::Socket => "panel_socket",
        Panel::Architecture => "panel_architecture",
    }
}

fn panel_id(p: Panel) -> &'static str {
    match p {
        Panel::Processes => "processes",
        Panel::Network => "network",
        Panel::Filesystem => "filesystem",
        Panel::Socket => "socket",
        Panel::Architecture => "architecture",
    }
}

#[derive(Properties)]
pub struct PanelsProps {
    pub session: UseReducerHandle<Session>,
    pub on_action: Callback<Action>,
}

impl PartialEq for PanelsProps {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// The panels drawn from the machine's state, as tabs; the step's panels are marked.
#[function_component(Panels)]
pub fn panels(props: &PanelsProps) -> Html {
    let s = &*props.session;
    let lang = s.lang;
    let marked = s.step_panels();
    let tabs = ALL.iter().map(|p| {
        let p = *p;
        let selected = s.panel == p;
        html! {
            <button role="tab" id={format!("tab-{}", panel_id(p))} aria-selected={selected.to_string()}
                aria-controls={format!("panel-{}", panel_id(p))}
                class={classes!("tab", marked.contains(&p).then_some("marked"))}
                onclick={props.on_action.reform(move |_| Action::ShowPanel(p))}>
                { t(lang, panel_key(p)) }
            </button>
        }
    });
    let diagram = s.lesson().map(|l| l.diagram).unwrap_or_default();
    let body = match s.panel {
        Panel::Processes => html! { <ProcessesPanel view={s.view.clone()} {lang} /> },
        Panel::Network => html! { <NetworkPanel view={s.view.clone()} {lang} /> },
        Panel::Filesystem => html! { <FilesystemPanel view={s.view.clone()} {lang} /> },
        Panel::Socket => html! { <SocketPanel view={s.view.clone()} {lang} /> },
        Panel::Architecture => html! { <Architecture view={s.view.clone()} {lang} {diagram} /> },
    };
    html! {
        <aside class="panels" aria-label={t(lang, "panels")}>
            <div class="tabs" role="tablist">{ for tabs }</div>
            <section class="panel" role="tabpanel" id={format!("panel-{}", panel_id(s.panel))}
                aria-labelledby={format!("tab-{}", panel_id(s.panel))} tabindex="0">
                { body }
            </section>
        </aside>
    }
}
