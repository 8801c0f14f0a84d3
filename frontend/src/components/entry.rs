use sim_core::view::screen::Line;
use yew::prelude::*;

use crate::state::Entry;

#[derive(Properties, PartialEq)]
pub struct EntryProps {
    pub entry: Entry,
}

/// One scrollback block: the prompt line as it was typed, then the output as the terminal
/// shows it: lines of text, coloured runs as spans (`fg-N`, `bg-N`, `bold`, ...).
#[function_component(EntryView)]
pub fn entry_view(props: &EntryProps) -> Html {
    let Entry { command, output } = &props.entry;
    html! {
        <div class="entry">
            if let Some(cmd) = command {
                <div class="prompt-line">
                    <span class="prompt">{ cmd.prompt.to_string() }</span>
                    <span class="line">{ cmd.line.to_string() }</span>
                </div>
            }
            if !output.is_empty() {
                <div class="output">{ lines(output) }</div>
            }
        </div>
    }
}

/// Lines with a newline between them; plain output is one text node.
fn lines(output: &[Line]) -> Html {
    if output.iter().all(|l| l.iter().all(|s| s.style.is_plain())) {
        let text: Vec<String> = output.iter().map(|l| l.iter().map(|s| s.text.as_str()).collect()).collect();
        return html! { { text.join("\n") } };
    }
    let last = output.len().saturating_sub(1);
    output
        .iter()
        .enumerate()
        .map(|(i, line)| {
            html! {
                <>
                    { for line.iter().map(|span| if span.style.is_plain() {
                        html! { { span.text.clone() } }
                    } else {
                        html! { <span class={span.style.classes()}>{ span.text.clone() }</span> }
                    }) }
                    if i < last { { "\n" } }
                </>
            }
        })
        .collect()
}
