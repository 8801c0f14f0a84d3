use std::collections::BTreeMap;

use yew::prelude::*;

use super::processes_panel::{ns_color, ViewProps};
use crate::i18n::t;

/// Network namespaces as boxes, with their links: kind, state, addresses, the bridge a
/// link is enslaved to, and for a veth the namespace and name of its other end (both ends
/// of a pair share a colour).
#[function_component(NetworkPanel)]
pub fn network_panel(props: &ViewProps) -> Html {
    let v = &props.view;
    let lang = props.lang;
    let label: BTreeMap<u64, String> = v
        .net_namespaces
        .iter()
        .map(|n| {
            let name = if n.initial { t(lang, "host_ns").to_string() } else if n.names.is_empty() { t(lang, "anonymous").to_string() } else { n.names.join(", ") };
            (n.inode, name)
        })
        .collect();
    // Number the veth pairs so that both ends get the same colour.
    let mut pairs: BTreeMap<(u64, String), usize> = BTreeMap::new();
    for n in &v.net_namespaces {
        for l in &n.links {
            if let Some(peer) = &l.peer {
                let key = (n.inode, l.name.clone());
                let other = (peer.ns_inode, peer.ifname.clone());
                let id = pairs.get(&other).copied().unwrap_or(pairs.len());
                pairs.insert(key, id);
            }
        }
    }
    let boxes = v.net_namespaces.iter().enumerate().map(|(i, n)| {
        let links = n.links.iter().map(|l| {
            let pair = pairs.get(&(n.inode, l.name.clone())).map(|p| format!("pair-c{}", p % 6));
            let state = if l.up { t(lang, "up") } else { t(lang, "down") };
            html! {
                <li class={classes!("link", l.kind, pair, l.up.then_some("is-up"))} data-link={l.name.clone()}>
                    <span class="ifname">{ &l.name }</span>
                    <span class="kind">{ l.kind }</span>
                    <span class="state">{ state }</span>
                    { for l.addrs.iter().map(|a| html! { <span class="addr">{ a }</span> }) }
                    if let Some(m) = &l.master { <span class="master">{ format!("{} {m}", t(lang, "master")) }</span> }
                    if let Some(p) = &l.peer {
                        <span class="peer">{ format!("↔ {} @ {}", p.ifname, label.get(&p.ns_inode).cloned().unwrap_or_else(|| p.ns_inode.to_string())) }</span>
                    }
                </li>
            }
        });
        html! {
            <div class={classes!("ns-box", ns_color(i))} data-netns={n.names.join(",")}>
                <h4>{ format!("{} {} — {}", t(lang, "net_ns"), n.inode, label.get(&n.inode).cloned().unwrap_or_default()) }</h4>
                <ul class="links">{ for links }</ul>
                <p class="panel-note">{ format!("{} {}", n.pids.len(), t(lang, "processes_in")) }</p>
            </div>
        }
    });
    html! { <div class="network-panel" id="network-panel">{ for boxes }</div> }
}
