use yew::prelude::*;

use super::header::Header;
use super::screen::Screen;
use crate::query;
use crate::state::Session;

/// The page: a header and the terminal. All state lives in one [`Session`] reducer.
#[function_component(App)]
pub fn app() -> Html {
    let session = use_reducer(|| Session::new(query::run_commands()));
    let on_action = {
        let dispatcher = session.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };
    html! {
        <main class="page">
            <Header />
            <Screen
                entries={session.entries.clone()}
                prompt={AttrValue::from(session.prompt.to_string())}
                input={AttrValue::from(session.input.clone())}
                {on_action}
            />
        </main>
    }
}
