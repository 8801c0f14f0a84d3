use sim_core::view::layers::{Change, ContainerFsView, LayerKind, LayerView};
use yew::prelude::*;

use super::processes_panel::{ns_color, ViewProps};
use crate::i18n::{t, Lang};

/// Each container's root filesystem as overlay2 stacks it (its upper layer with the
/// learner's changes, the init layer, the image's layers), then the mount table of every
/// mount namespace; a procfs names the PID namespace it shows.
#[function_component(FilesystemPanel)]
pub fn filesystem_panel(props: &ViewProps) -> Html {
    let v = &props.view;
    let lang = props.lang;
    let shell_mnt = v.process(v.shell_pid).map(|p| p.mnt_ns);
    let boxes = v.mount_namespaces.iter().enumerate().map(|(i, n)| {
        let title = format!(
            "{} {} — {}{}",
            t(lang, "mnt_ns"),
            n.inode,
            if n.initial { t(lang, "host_ns").to_string() } else { format!("{} {}", n.pids.len(), t(lang, "processes_in")) },
            if shell_mnt == Some(n.inode) { format!(" ◀ {}", t(lang, "you_are_in")) } else { String::new() }
        );
        html! {
            <div class={classes!("ns-box", ns_color(i))} data-mntns={n.inode.to_string()}>
                <h4>{ title }</h4>
                <table class="mounts">
                    <tbody>
                    { for n.mounts.iter().map(|m| html! {
                        <tr>
                            <td class="target">{ &m.target }</td>
                            <td class="fstype">{ &m.fstype }</td>
                            <td class="source">{ &m.source }</td>
                            <td class="extra">{ m.proc_pid_ns.map(|p| format!("{} {p}", t(lang, "pid_ns"))).unwrap_or_default() }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            </div>
        }
    });
    html! {
        <div class="filesystem-panel" id="filesystem-panel">
            if !v.containers.is_empty() {
                <p class="panel-note">{ t(lang, "layers_note") }</p>
                { for v.containers.iter().map(|c| container(c, lang)) }
            }
            <p class="panel-note">{ t(lang, "fs_placeholder") }</p>
            { for boxes }
        </div>
    }
}

fn container(c: &ContainerFsView, lang: Lang) -> Html {
    let state = if c.running { t(lang, "running") } else { t(lang, "stopped") };
    let image_layers = c.layers.iter().filter(|l| l.kind == LayerKind::Image).count();
    let mut image_no = image_layers;
    html! {
        <div class="container-fs" data-container={c.name.clone()}>
            <h4>{ format!("{} ({}) — {} — {state}", c.name, c.short_id, c.image) }</h4>
            <p class="merged"><span class="label">{ t(lang, "merged_at") }</span>{ " " }<code>{ &c.merged }</code></p>
            <ol class="layer-stack">
                { for c.layers.iter().map(|l| {
                    let title = match l.kind {
                        LayerKind::Upper => t(lang, "layer_upper").to_string(),
                        LayerKind::Init => t(lang, "layer_init").to_string(),
                        LayerKind::Image => {
                            let n = image_no;
                            image_no = image_no.saturating_sub(1);
                            format!("{} {n}/{image_layers} · diff {}", t(lang, "layer_image"), l.diff_id)
                        }
                    };
                    layer(l, title, lang)
                }) }
            </ol>
        </div>
    }
}

fn layer(l: &LayerView, title: String, lang: Lang) -> Html {
    let kind = match l.kind {
        LayerKind::Upper => "upper",
        LayerKind::Init => "init",
        LayerKind::Image => "image",
    };
    let rw = if l.kind == LayerKind::Upper { "rw" } else { "ro" };
    let count = format!("{} {}, {}", l.files, t(lang, "files"), size(l.bytes));
    let entries = html! {
        <ul class="layer-entries">
            { for l.entries.iter().map(|e| {
                let (mark, class, note) = match e.change {
                    Change::Present => ("", "present", ""),
                    Change::Added => ("+", "added", t(lang, "change_added")),
                    Change::CopiedUp => ("↑", "copied-up", t(lang, "change_copied_up")),
                    Change::Whiteout => ("✕", "whiteout", t(lang, "change_whiteout")),
                    Change::Opaque => ("▣", "opaque", t(lang, "change_opaque")),
                };
                html! {
                    <li class={classes!("entry-row", class)}>
                        <span class="mark">{ mark }</span>
                        <span class="ftype">{ e.ftype.to_string() }</span>
                        <span class="path">{ &e.path }</span>
                        if !note.is_empty() { <span class="note">{ note }</span> }
                    </li>
                }
            }) }
            if l.more > 0 { <li class="more">{ format!("… {} {}", l.more, t(lang, "more_entries")) }</li> }
        </ul>
    };
    // The upper and init layers are small and open; an image layer opens on demand.
    let open = l.kind != LayerKind::Image;
    html! {
        <li class={classes!("layer", kind)} data-layer={kind}>
            <details {open}>
                <summary>
                    <span class="layer-title">{ title }</span>
                    <span class="rw">{ format!(" [{rw}] ") }</span>
                    <span class="layer-count">{ count }</span>
                </summary>
                <p class="layer-dir"><code>{ format!("/var/lib/docker/overlay2/{}", l.dir) }</code></p>
                if l.kind == LayerKind::Upper && l.entries.is_empty() {
                    <p class="panel-note">{ t(lang, "upper_empty") }</p>
                } else {
                    { entries }
                }
            </details>
        </li>
    }
}

fn size(n: u64) -> String {
    match n {
        0..=999 => format!("{n} B"),
        1000..=999_999 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}
