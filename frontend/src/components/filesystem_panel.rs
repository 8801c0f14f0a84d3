use yew::prelude::*;

use super::processes_panel::{ns_color, ViewProps};
use crate::i18n::t;

/// The mount table of every mount namespace; a procfs names the PID namespace it shows.
/// Image layers (overlay2) will join once images land.
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
            <p class="panel-note">{ t(lang, "fs_placeholder") }</p>
            { for boxes }
        </div>
    }
}
