use sim_core::sort::SortSlice;
use std::collections::BTreeMap;
use std::rc::Rc;

use sim_core::view::{MachineView, ProcessView};
use yew::prelude::*;

use crate::i18n::{t, Lang};

#[derive(Properties, PartialEq)]
pub struct ViewProps {
    pub view: Rc<MachineView>,
    pub lang: Lang,
}

/// Colour class of the `i`th namespace (the stylesheet has six, repeated).
pub fn ns_color(i: usize) -> String {
    format!("ns-c{}", i % 6)
}

/// The process tree, one box per PID namespace (outermost first). Each process shows its
/// PID in every namespace it is visible in, each in that namespace's colour.
#[function_component(ProcessesPanel)]
pub fn processes_panel(props: &ViewProps) -> Html {
    let v = &props.view;
    let lang = props.lang;
    let mut namespaces: Vec<_> = v.pid_namespaces.iter().collect();
    namespaces.sort_stable_by_key(|n| (n.level, n.inode));
    let color: BTreeMap<u64, usize> = namespaces.iter().enumerate().map(|(i, n)| (n.inode, i)).collect();
    let kthreads = v.processes.iter().filter(|p| p.kthread).count();
    let boxes = namespaces.iter().map(|ns| {
        let members: Vec<&ProcessView> = v.processes.iter().filter(|p| p.pid_ns == ns.inode && !p.kthread).collect();
        let in_ns = |pid: u32| members.iter().any(|p| p.pid == pid);
        let roots: Vec<&ProcessView> = members.iter().copied().filter(|p| !in_ns(p.ppid) || p.ppid == p.pid).collect();
        let mut rows = Vec::new();
        for r in roots {
            tree_rows(r, &members, 0, v.shell_pid, &color, &mut rows);
        }
        let title = if ns.level == 0 {
            format!("{} {} — {}", t(lang, "pid_ns"), ns.inode, t(lang, "host_ns"))
        } else {
            format!("{} {} — {} {}", t(lang, "pid_ns"), ns.inode, t(lang, "level"), ns.level)
        };
        html! {
            <div class={classes!("ns-box", ns_color(color.get(&ns.inode).copied().unwrap_or(0)))} data-pidns={ns.inode.to_string()}>
                <h4>{ title }</h4>
                <ul class="proc-tree">{ for rows }</ul>
            </div>
        }
    });
    html! {
        <div class="processes-panel" id="processes-panel">
            { for boxes }
            <p class="panel-note">{ format!("{kthreads} {}", t(lang, "kthreads_hidden")) }</p>
        </div>
    }
}

fn tree_rows(p: &ProcessView, members: &[&ProcessView], depth: usize, shell: u32, color: &BTreeMap<u64, usize>, out: &mut Vec<Html>) {
    if depth > 64 {
        return;
    }
    let chips = p.pids.iter().map(|np| {
        let c = ns_color(color.get(&np.ns_inode).copied().unwrap_or(0));
        html! { <span class={classes!("pid-chip", c)} title={format!("PID {} in {}", np.pid, np.ns_inode)}>{ np.pid }</span> }
    });
    let you = p.pid == shell;
    out.push(html! {
        <li class={classes!("proc", you.then_some("you"))} style={format!("--depth:{depth}")} data-comm={p.comm.clone()}>
            <span class="pids">{ for chips }</span>
            <span class="cmd">{ &p.cmdline }</span>
            if you { <span class="you-mark">{ " ◀ you" }</span> }
        </li>
    });
    for c in members.iter().filter(|c| c.ppid == p.pid && c.pid != p.pid) {
        tree_rows(c, members, depth + 1, shell, color, out);
    }
}
