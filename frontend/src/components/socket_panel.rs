use yew::prelude::*;

use super::processes_panel::ViewProps;
use crate::i18n::t;

/// The HTTP exchanges on /var/run/docker.sock, request and response as sent. Empty until
/// the Docker engine lands.
#[function_component(SocketPanel)]
pub fn socket_panel(props: &ViewProps) -> Html {
    let lang = props.lang;
    let v = &props.view;
    html! {
        <div class="socket-panel" id="socket-panel">
            if v.socket.is_empty() {
                <p class="panel-note">{ t(lang, "socket_placeholder") }</p>
            }
            <ol class="exchanges">
                { for v.socket.iter().map(|x| html! {
                    <li class="exchange">
                        <h5>{ t(lang, "request") }</h5><pre>{ &x.request }</pre>
                        <h5>{ t(lang, "response") }</h5><pre>{ &x.response }</pre>
                    </li>
                }) }
            </ol>
        </div>
    }
}
