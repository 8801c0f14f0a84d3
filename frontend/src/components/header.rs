use yew::prelude::*;

/// The page title and a one-line subtitle.
#[function_component(Header)]
pub fn header() -> Html {
    html! {
        <header class="page-header">
            <h1>{ "Container playground" }</h1>
            <p class="subtitle">
                { "A simulated Linux host in your browser: try ps, ip, unshare and friends. Nothing leaves this page." }
            </p>
        </header>
    }
}
