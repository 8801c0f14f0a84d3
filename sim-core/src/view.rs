//! Read-only views of the simulated machine for the page's panels: plain structs made
//! from the kernel's public tables, with nothing borrowed, so a page can keep one per
//! command and compare them. Nothing here changes the kernel.
//!
//! Namespaces are named by their inode number (what `/proc/PID/ns/*` and `lsns` show),
//! never by the kernel's internal table ids.
//!
//! - [`screen`]: a terminal screen model, what a terminal shows after output bytes.
//! - [`socket`]: the Docker socket's exchanges, parsed for reading.
//! - [`layers`]: a container's overlay layers and the changes in its upper layer.

pub mod layers;
pub mod screen;
pub mod socket;

use serde::Serialize;

use crate::kernel::net::{fmt_ip, fmt_mac, LinkKind};
use crate::kernel::vfs::SbKind;
use crate::kernel::{Kernel, NsId, Pid};
use crate::Terminal;

pub use layers::ContainerFsView;
pub use socket::{SocketMark, SocketView};

/// Everything the panels draw, taken after a command has run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MachineView {
    pub pid_namespaces: Vec<PidNsView>,
    pub processes: Vec<ProcessView>,
    pub net_namespaces: Vec<NetNsView>,
    pub mount_namespaces: Vec<MountNsView>,
    /// The Docker socket: the exchanges of the last command (see [`SocketMark`]).
    pub socket: SocketView,
    /// The containers of the machine's dockerd (in its VM on a desktop) and their layers.
    pub containers: Vec<ContainerFsView>,
    /// Global PID of the foreground shell (the one the learner types into).
    pub shell_pid: Pid,
    /// The shell runs in the machine's VM (`rdctl shell`): the tables above are the VM's.
    pub in_vm: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PidNsView {
    pub inode: u64,
    /// Depth below the initial namespace (0 = the host's).
    pub level: usize,
    pub parent_inode: Option<u64>,
    /// Set once its PID 1 has exited.
    pub dead: bool,
}

/// A PID a process has in one namespace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NsPid {
    pub ns_inode: u64,
    pub pid: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessView {
    /// The global PID (in the initial namespace).
    pub pid: Pid,
    pub ppid: Pid,
    pub comm: String,
    pub cmdline: String,
    pub uid: u32,
    pub kthread: bool,
    /// The PID in every namespace the process is visible in, the initial one first and
    /// its own last.
    pub pids: Vec<NsPid>,
    pub pid_ns: u64,
    pub net_ns: u64,
    pub mnt_ns: u64,
    pub uts_ns: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NetNsView {
    pub inode: u64,
    /// `ip netns` names bound to it (empty for an anonymous one).
    pub names: Vec<String>,
    pub initial: bool,
    pub links: Vec<LinkView>,
    /// Global PIDs of the processes in it.
    pub pids: Vec<Pid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkView {
    pub ifindex: u32,
    pub name: String,
    /// "loopback", "ether", "dummy", "bridge" or "veth".
    pub kind: &'static str,
    pub mac: String,
    pub mtu: u32,
    pub up: bool,
    pub carrier: bool,
    /// Name of the bridge this link is enslaved to.
    pub master: Option<String>,
    /// Addresses as `a.b.c.d/prefix`.
    pub addrs: Vec<String>,
    /// For a veth: the namespace inode and name of the other end.
    pub peer: Option<PeerView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PeerView {
    pub ns_inode: u64,
    pub ifname: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountNsView {
    pub inode: u64,
    pub initial: bool,
    pub mounts: Vec<MountView>,
    pub pids: Vec<Pid>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountView {
    pub target: String,
    pub source: String,
    pub fstype: String,
    pub opts: String,
    /// For a procfs: the inode of the PID namespace whose processes it shows.
    pub proc_pid_ns: Option<u64>,
}

impl MachineView {
    /// The view of a terminal's machine: the kernel its foreground shell runs on, and the
    /// socket exchanges since `mark` (taken before the last command).
    pub fn of_terminal(t: &Terminal, mark: SocketMark) -> MachineView {
        let mut v = MachineView::of_since(t.shell_kernel(), t.shell().pid, mark);
        if !std::ptr::eq(t.shell_kernel(), &t.kernel) {
            // In the VM: the socket and the containers are still read from the terminal's
            // machine (the daemon is the VM's either way).
            v.socket = SocketView::since(&t.kernel, mark);
            v.containers = containers_of(&t.kernel);
            v.in_vm = true;
        }
        v
    }

    /// The view of `kernel` as the learner's foreground shell `shell_pid` is running, with
    /// every socket exchange.
    pub fn of(kernel: &Kernel, shell_pid: Pid) -> MachineView {
        MachineView::of_since(kernel, shell_pid, SocketMark::default())
    }

    /// The view of `kernel` with the socket exchanges since `mark`.
    pub fn of_since(kernel: &Kernel, shell_pid: Pid, mark: SocketMark) -> MachineView {
        let pid_inode = |id: &NsId| kernel.pid_ns.get(id).map(|n| n.inode).unwrap_or(0);
        let net_inode = |id: &NsId| kernel.net_ns.get(id).map(|n| n.inode).unwrap_or(0);
        let pid_namespaces = kernel
            .pid_ns
            .values()
            .map(|n| PidNsView {
                inode: n.inode,
                level: n.level,
                parent_inode: n.parent.as_ref().map(pid_inode),
                dead: n.dead,
            })
            .collect();
        let processes = kernel
            .procs
            .values()
            .map(|p| {
                // The namespace chain from the process's own up to the initial one.
                let mut chain = Vec::new();
                let mut cur = Some(p.ns.pid);
                while let Some(id) = cur {
                    if chain.len() > 64 {
                        break;
                    }
                    chain.push(pid_inode(&id));
                    cur = kernel.pid_ns.get(&id).and_then(|n| n.parent);
                }
                chain.reverse();
                let pids = chain
                    .iter()
                    .zip(p.ns_pids.iter())
                    .map(|(ns_inode, pid)| NsPid { ns_inode: *ns_inode, pid: *pid })
                    .collect();
                ProcessView {
                    pid: p.pid,
                    ppid: p.ppid,
                    comm: p.comm.clone(),
                    cmdline: if p.kthread || p.argv.is_empty() { format!("[{}]", p.comm) } else { p.argv.join(" ") },
                    uid: p.uid,
                    kthread: p.kthread,
                    pids,
                    pid_ns: pid_inode(&p.ns.pid),
                    net_ns: net_inode(&p.ns.net),
                    mnt_ns: kernel.mnt_ns.get(&p.ns.mnt).map(|n| n.inode).unwrap_or(0),
                    uts_ns: kernel.uts_ns.get(&p.ns.uts).map(|n| n.inode).unwrap_or(0),
                }
            })
            .collect();
        let net_namespaces = kernel
            .net_ns
            .iter()
            .map(|(id, ns)| {
                let links = ns
                    .links
                    .values()
                    .map(|l| LinkView {
                        ifindex: l.ifindex,
                        name: l.name.clone(),
                        kind: match l.kind {
                            LinkKind::Loopback => "loopback",
                            LinkKind::Ether => "ether",
                            LinkKind::Dummy => "dummy",
                            LinkKind::Bridge => "bridge",
                            LinkKind::Veth { .. } => "veth",
                        },
                        mac: fmt_mac(l.mac),
                        mtu: l.mtu,
                        up: l.up,
                        carrier: l.carrier,
                        master: l.master.and_then(|m| ns.links.get(&m)).map(|m| m.name.clone()),
                        addrs: l.addrs.iter().map(|a| format!("{}/{}", fmt_ip(a.addr), a.prefix)).collect(),
                        peer: match &l.kind {
                            LinkKind::Veth { peer_ns, peer_ifindex } => Some(PeerView {
                                ns_inode: net_inode(peer_ns),
                                ifname: kernel
                                    .net_ns
                                    .get(peer_ns)
                                    .and_then(|n| n.links.get(peer_ifindex))
                                    .map(|p| p.name.clone())
                                    .unwrap_or_default(),
                            }),
                            _ => None,
                        },
                    })
                    .collect();
                NetNsView {
                    inode: ns.inode,
                    names: kernel.named_netns.iter().filter(|(_, n)| n == id).map(|(name, _)| name.clone()).collect(),
                    initial: *id == kernel.init_ns.net,
                    links,
                    pids: kernel.procs.values().filter(|p| p.ns.net == *id).map(|p| p.pid).collect(),
                }
            })
            .collect();
        let mount_namespaces = kernel
            .mnt_ns
            .iter()
            .map(|(id, ns)| MountNsView {
                inode: ns.inode,
                initial: *id == kernel.init_ns.mnt,
                mounts: ns
                    .mounts
                    .iter()
                    .map(|m| {
                        let sb = kernel.vfs.sbs.get(m.sb);
                        MountView {
                            target: m.target.clone(),
                            source: m.source.clone(),
                            fstype: sb.map(|s| s.fstype.clone()).unwrap_or_default(),
                            opts: m.opts.clone(),
                            proc_pid_ns: match sb.map(|s| &s.kind) {
                                Some(SbKind::Proc { pid_ns }) => Some(pid_inode(pid_ns)),
                                _ => None,
                            },
                        }
                    })
                    .collect(),
                pids: kernel.procs.values().filter(|p| p.ns.mnt == *id).map(|p| p.pid).collect(),
            })
            .collect();
        let socket = SocketView::since(kernel, mark);
        let containers = containers_of(kernel);
        MachineView { pid_namespaces, processes, net_namespaces, mount_namespaces, socket, containers, shell_pid, in_vm: false }
    }

    pub fn process(&self, pid: Pid) -> Option<&ProcessView> {
        self.processes.iter().find(|p| p.pid == pid)
    }

    /// The inode of the initial (host) PID namespace.
    pub fn initial_pid_ns(&self) -> u64 {
        self.pid_namespaces.iter().find(|n| n.level == 0).map(|n| n.inode).unwrap_or(0)
    }
}

/// The containers of the daemon the machine's docker CLI reaches, with their layers.
fn containers_of(k: &Kernel) -> Vec<ContainerFsView> {
    if crate::lite::LITE {
        return Vec::new();
    }
    match (&k.docker, &k.guest) {
        (Some(d), _) => layers::containers(k, d),
        (None, Some(g)) => g.kernel.docker.as_deref().map(|d| layers::containers(&g.kernel, d)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Profile, Terminal, TerminalConfig};

    fn shell_view(t: &Terminal) -> MachineView {
        MachineView::of(&t.kernel, t.shell().pid)
    }

    #[test]
    fn a_process_in_a_new_pid_ns_has_two_pids() {
        let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
        let now = Profile::Linux.session_start();
        t.run("sudo unshare --pid --fork --mount-proc sh", now);
        let v = shell_view(&t);
        assert_eq!(v.pid_namespaces.len(), 2);
        let sh = v.process(v.shell_pid).expect("shell");
        assert_eq!(sh.pids.len(), 2);
        assert_eq!(sh.pids[1].pid, 1);
        assert_eq!(sh.pids[0].ns_inode, v.initial_pid_ns());
        let mnt = v.mount_namespaces.iter().find(|m| m.inode == sh.mnt_ns).expect("mnt ns");
        assert!(!mnt.initial);
        assert!(mnt.mounts.iter().any(|m| m.target == "/proc" && m.proc_pid_ns == Some(sh.pid_ns)));
    }

    #[test]
    fn veth_pair_across_named_netns() {
        let mut t = Terminal::new(Profile::Linux, TerminalConfig::default());
        let now = Profile::Linux.session_start();
        for l in ["sudo ip netns add red", "sudo ip link add veth0 type veth peer name veth1", "sudo ip link set veth1 netns red"] {
            t.run(l, now);
        }
        let v = shell_view(&t);
        let red = v.net_namespaces.iter().find(|n| n.names == ["red"]).expect("red");
        let veth1 = red.links.iter().find(|l| l.name == "veth1").expect("veth1");
        let host = v.net_namespaces.iter().find(|n| n.initial).expect("host");
        assert_eq!(veth1.peer, Some(PeerView { ns_inode: host.inode, ifname: "veth0".into() }));
    }
}
