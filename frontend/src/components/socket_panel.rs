use sim_core::view::socket::{BodyKind, BodyView, ExchangeView, MessageView};
use yew::prelude::*;

use super::processes_panel::ViewProps;
use crate::i18n::{t, Lang};

/// The last command's exchanges on the Docker socket, readably: the request line and the
/// status, then headers and bodies (JSON pretty-printed, streams summarized). On a desktop
/// profile, where the connection crossed from the Mac's socket into the VM's.
#[function_component(SocketPanel)]
pub fn socket_panel(props: &ViewProps) -> Html {
    let lang = props.lang;
    let s = &props.view.socket;
    let place = if !s.has_daemon {
        html! { <p class="panel-note">{ t(lang, "socket_no_daemon") }</p> }
    } else if s.in_vm {
        html! { <p class="panel-note">{ t(lang, "socket_in_vm") }</p> }
    } else {
        html! { <p class="panel-note">{ t(lang, "socket_on_host") }</p> }
    };
    let crossings = s.crossings.iter().map(|c| {
        html! {
            <p class="crossing" data-crossing="">
                <span class="side">{ t(lang, "mac_side") }</span>
                <code>{ &c.host_path }</code>
                <span class="arrow">{ " ⟶ " }</span>
                <span class="side">{ t(lang, "vm_side") }</span>
                <code>{ &c.guest_path }</code>
                <span class="count">{ format!(" ×{}", c.count) }</span>
            </p>
        }
    });
    let interesting = s.exchanges.iter().filter(|e| !e.target.ends_with("/_ping")).count();
    let summary = if s.has_daemon {
        let mut text = format!("{}: {} {}", t(lang, "last_command"), s.exchanges.len() + s.more, t(lang, "exchanges"));
        if s.earlier > 0 {
            text.push_str(&format!(" ({} {})", s.earlier, t(lang, "earlier")));
        }
        html! { <p class="socket-summary">{ text }</p> }
    } else {
        html! {}
    };
    html! {
        <div class="socket-panel" id="socket-panel">
            { place }
            { for crossings }
            if s.has_daemon && !s.daemon_running {
                <p class="socket-down">{ t(lang, "socket_down") }</p>
            }
            { summary }
            if s.has_daemon && s.exchanges.is_empty() {
                <p class="panel-note">{ t(lang, "socket_none") }</p>
            }
            <ol class="exchanges">
                { for s.exchanges.iter().map(|x| exchange(x, lang, interesting <= 2 && !x.target.ends_with("/_ping"))) }
            </ol>
            if s.more > 0 { <p class="panel-note">{ format!("… {} {}", s.more, t(lang, "more_exchanges")) }</p> }
        </div>
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "s1xx",
        200..=299 => "s2xx",
        300..=399 => "s3xx",
        400..=499 => "s4xx",
        _ => "s5xx",
    }
}

fn exchange(x: &ExchangeView, lang: Lang, open: bool) -> Html {
    let status_text = x.response.start_line.split_once(' ').map(|(_, s)| s).unwrap_or("").to_string();
    html! {
        <li class="exchange" data-method={x.method.clone()} data-target={x.target.clone()}>
            <details {open}>
                <summary>
                    <span class="method">{ &x.method }</span>{ " " }<span class="target">{ &x.target }</span>
                    <span class="arrow">{ " → " }</span>
                    <span class={classes!("status", status_class(x.status))}>{ status_text }</span>
                </summary>
                { message(&x.request, t(lang, "request"), lang) }
                { message(&x.response, t(lang, "response"), lang) }
                if let Some(stream) = &x.stream {
                    <div class="msg stream">
                        <h5>{ t(lang, "after_upgrade") }</h5>
                        <p class="body-meta">{ body_meta(stream, lang) }</p>
                        <pre class="body">{ &stream.text }</pre>
                    </div>
                }
            </details>
        </li>
    }
}

fn message(m: &MessageView, title: &str, lang: Lang) -> Html {
    let headers: String = m.headers.iter().map(|(n, v)| format!("{n}: {v}\n")).collect();
    html! {
        <div class="msg">
            <h5>{ title.to_string() }</h5>
            <pre class="head"><span class="start-line">{ &m.start_line }</span>{ "\n" }{ headers.trim_end().to_string() }</pre>
            if m.body.kind != BodyKind::Empty {
                <p class="body-meta">{ body_meta(&m.body, lang) }</p>
                <pre class={classes!("body", kind_class(m.body.kind))}>{ &m.body.text }</pre>
            }
        </div>
    }
}

fn kind_class(k: BodyKind) -> &'static str {
    match k {
        BodyKind::Empty => "empty",
        BodyKind::Json => "json",
        BodyKind::JsonStream => "json-stream",
        BodyKind::Multiplexed => "multiplexed",
        BodyKind::Text => "text",
        BodyKind::Binary => "binary",
    }
}

/// "JSON stream: 42 messages in 42 chunks, 4.1 kB (35 not shown)".
fn body_meta(b: &BodyView, lang: Lang) -> String {
    let kind = match b.kind {
        BodyKind::Empty => "",
        BodyKind::Json => "JSON",
        BodyKind::JsonStream => t(lang, "json_stream"),
        BodyKind::Multiplexed => t(lang, "multiplexed"),
        BodyKind::Text => t(lang, "text_body"),
        BodyKind::Binary => t(lang, "binary_body"),
    };
    let mut out = format!("{kind}: {}", bytes(b.bytes));
    if b.messages > 0 {
        out.push_str(&format!(", {} {}", b.messages, t(lang, "messages")));
    }
    if b.chunks > 0 {
        out.push_str(&format!(", {} {}", b.chunks, t(lang, "chunks")));
    }
    if b.elided > 0 {
        out.push_str(&format!(" ({} {})", b.elided, t(lang, "not_shown")));
    }
    out
}

fn bytes(n: usize) -> String {
    if n < 1000 {
        format!("{n} B")
    } else {
        format!("{:.1} kB", n as f64 / 1000.0)
    }
}
