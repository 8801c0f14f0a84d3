use yew::prelude::*;

use crate::state::Entry;

#[derive(Properties, PartialEq)]
pub struct EntryProps {
    pub entry: Entry,
}

/// One scrollback block: the prompt line as it was typed, then the output.
#[function_component(EntryView)]
pub fn entry_view(props: &EntryProps) -> Html {
    let Entry { command, output } = &props.entry;
    // A trailing newline ends the last line; it is not an extra empty line.
    let output = output.strip_suffix('\n').unwrap_or(output);
    html! {
        <div class="entry">
            if let Some(cmd) = command {
                <div class="prompt-line">
                    <span class="prompt">{ cmd.prompt.to_string() }</span>
                    <span class="line">{ cmd.line.to_string() }</span>
                </div>
            }
            if !output.is_empty() {
                <div class="output">{ output.to_string() }</div>
            }
        </div>
    }
}
