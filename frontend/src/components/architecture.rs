use std::rc::Rc;

use sim_core::lesson::Diagram;
use sim_core::view::MachineView;
use yew::prelude::*;

use crate::i18n::{t, Lang};

#[derive(Properties, PartialEq)]
pub struct ArchitectureProps {
    pub view: Rc<MachineView>,
    pub lang: Lang,
    pub diagram: Diagram,
}

fn layer(name: &str, class: &'static str, children: Html) -> Html {
    html! { <div class={classes!("arch-box", class)}><span class="arch-name">{ name.to_string() }</span><div class="arch-inner">{ children }</div></div> }
}

fn leaf(name: &str, class: &'static str) -> Html {
    html! { <div class={classes!("arch-box", "leaf", class)}><span class="arch-name">{ name.to_string() }</span></div> }
}

/// The picture of the current chapter, with live counts from the machine where the
/// simulation has them (namespaces, processes).
#[function_component(Architecture)]
pub fn architecture(props: &ArchitectureProps) -> Html {
    let v = &props.view;
    let lang = props.lang;
    let ja = lang == Lang::Ja;
    let w = |en: &'static str, jp: &'static str| if ja { jp } else { en };
    let user_procs = v.processes.iter().filter(|p| !p.kthread).count();
    let new_pid = v.pid_namespaces.len().saturating_sub(1);
    let new_net = v.net_namespaces.len().saturating_sub(1);
    let new_mnt = v.mount_namespaces.len().saturating_sub(1);
    let counts = html! {
        <p class="arch-counts">{ format!(
            "{}: {user_procs} · {} +{new_pid} · {} +{new_net} · {} +{new_mnt}",
            w("processes", "プロセス"), t(lang, "pid_ns"), t(lang, "net_ns"), t(lang, "mnt_ns")
        ) }</p>
    };
    let body = match props.diagram {
        Diagram::VmVsContainer => html! {
            <div class="arch-row">
                { layer(w("Virtual machines", "VM (仮想マシン)"), "vm", html! {
                    <>
                        <div class="arch-row">
                            { layer("VM 1", "guest", html! { <>{ leaf("app", "proc") }{ leaf(w("guest kernel", "ゲストカーネル"), "kernel") }</> }) }
                            { layer("VM 2", "guest", html! { <>{ leaf("app", "proc") }{ leaf(w("guest kernel", "ゲストカーネル"), "kernel") }</> }) }
                        </div>
                        { leaf(w("hypervisor (Xen on AWS)", "ハイパーバイザー (AWS は Xen)"), "hyper") }
                        { leaf(w("hardware", "ハードウェア"), "hw") }
                    </>
                }) }
                { layer(w("Containers", "コンテナ"), "ct", html! {
                    <>
                        <div class="arch-row">
                            { leaf(w("process (ns A)", "プロセス (名前空間 A)"), "proc") }
                            { leaf(w("process (ns B)", "プロセス (名前空間 B)"), "proc") }
                            { leaf(w("host processes", "ホストのプロセス"), "proc") }
                        </div>
                        { leaf(w("one Linux kernel: namespaces", "1 つの Linux カーネル: 名前空間"), "kernel") }
                        { leaf(w("hardware", "ハードウェア"), "hw") }
                    </>
                }) }
            </div>
        },
        Diagram::Namespaces => html! {
            { layer(w("Linux host (Amazon Linux 2)", "Linux ホスト (Amazon Linux 2)"), "host", html! {
                <>
                    <div class="arch-row">
                        { leaf(w("PID namespaces: ps aux", "PID 名前空間: ps aux"), "pid") }
                        { leaf(w("network namespaces: ifconfig", "ネットワーク名前空間: ifconfig"), "net") }
                        { leaf(w("mount namespaces: ls /", "マウント名前空間: ls /"), "mnt") }
                    </div>
                    { leaf(w("Linux kernel", "Linux カーネル"), "kernel") }
                </>
            }) }
        },
        Diagram::DockerSocket => html! {
            { layer(w("Linux host", "Linux ホスト"), "host", html! {
                <>
                    <div class="arch-row">
                        { leaf(w("docker (client)", "docker (クライアント)"), "client") }
                        <span class="arrow">{ "HTTP ⇄ /var/run/docker.sock ⇄" }</span>
                        { leaf("dockerd (moby)", "daemon") }
                        <span class="arrow">{ "⇄" }</span>
                        { leaf("containerd → containerd-shim-runc-v2", "daemon") }
                        <span class="arrow">{ "→" }</span>
                        { leaf(w("container: nginx (PID 1 in its ns)", "コンテナ: nginx (名前空間内で PID 1)"), "proc") }
                    </div>
                    { leaf(w("Linux kernel: namespaces", "Linux カーネル: 名前空間"), "kernel") }
                </>
            }) }
        },
        Diagram::DockerDesktop | Diagram::RancherDesktop => {
            let (host, vm) = if props.diagram == Diagram::RancherDesktop {
                (w("M1 Mac (arm64)", "M1 Mac (arm64)"), w("Linux VM (arm64, amd64 emulated)", "Linux VM (arm64、amd64 はエミュレーション)"))
            } else {
                (w("Mac / Windows", "Mac / Windows"), w("Linux VM", "Linux VM"))
            };
            html! {
                { layer(host, "host", html! {
                    <div class="arch-row">
                        { leaf(w("docker (client), browser", "docker (クライアント)、ブラウザ"), "client") }
                        <span class="arrow">{ w("docker.sock forwarded → ; ← :8080 forwarded", "docker.sock を転送 → ; ← :8080 を転送") }</span>
                        { layer(vm, "guest", html! {
                            <>
                                { leaf("dockerd → containerd → shim", "daemon") }
                                { leaf(w("containers", "コンテナ"), "proc") }
                                { leaf(w("Linux kernel", "Linux カーネル"), "kernel") }
                            </>
                        }) }
                    </div>
                }) }
            }
        }
        Diagram::Compose => html! {
            { layer(w("Linux host", "Linux ホスト"), "host", html! {
                <>
                    <div class="arch-row">
                        { leaf("docker-compose up -d", "client") }
                        <span class="arrow">{ "→ docker.sock →" }</span>
                        { leaf("dockerd", "daemon") }
                    </div>
                    <div class="arch-row">
                        { leaf("web", "proc") }{ leaf("app", "proc") }{ leaf("db (mysql)", "proc") }
                    </div>
                    { leaf(w("bridge network, veth pairs", "ブリッジネットワーク、veth ペア"), "net") }
                </>
            }) }
        },
    };
    // The Docker pictures with what the machine has now: containers, and the last
    // command's trip over the socket (into the VM on a desktop).
    let docker = matches!(props.diagram, Diagram::DockerSocket | Diagram::DockerDesktop | Diagram::RancherDesktop | Diagram::Compose);
    let live = docker.then(|| {
        let running = v.containers.iter().filter(|c| c.running).count();
        let mut text = format!("{}: {running}/{}", w("containers running", "実行中のコンテナ"), v.containers.len());
        if !v.socket.exchanges.is_empty() {
            text.push_str(&format!(" · {}: {}", w("requests of the last command", "直前のコマンドのリクエスト"), v.socket.exchanges.len() + v.socket.more));
        }
        for c in &v.socket.crossings {
            text.push_str(&format!(" · {} ⟶ VM {}", c.host_path, c.guest_path));
        }
        html! { <p class="arch-counts arch-live">{ text }</p> }
    });
    html! {
        <div class="architecture-panel" id="architecture-panel">
            { body }
            { counts }
            { for live }
        </div>
    }
}
