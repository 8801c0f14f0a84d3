//! Counting what a container runtime can leave behind on the host: mounts, network
//! namespaces, veths, bridges, iptables rules, processes, state entries. Shared by the
//! runtime's leak test and `daemon --real`'s.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn sh(cmd: &str) -> String {
    let o = Command::new("sh").arg("-c").arg(cmd).output().expect("sh");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[derive(Debug, PartialEq, Eq)]
pub struct Counts {
    pub mounts_total: usize,
    pub mounts_ours: usize,
    pub netns_total: usize,
    pub veths_total: usize,
    pub veths_on_our_bridge: usize,
    pub bridges_total: usize,
    pub our_bridge: bool,
    pub iptables_total: usize,
    pub iptables_ours: usize,
    pub marker_processes: usize,
    pub runtime_processes: usize,
    pub state_entries: usize,
}

pub fn count(root: &Path, marker: &str, bridge: &str) -> Counts {
    let r = root.to_str().expect("utf-8 root");
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut netns = BTreeSet::new();
    let mut marker_processes = 0;
    let mut runtime_processes = 0;
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(l) = std::fs::read_link(e.path().join("ns/net")) {
            netns.insert(l);
        }
        let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
        if cmd.contains(marker) {
            marker_processes += 1;
        }
        if cmd.contains("native-runner") && cmd.contains(r) {
            runtime_processes += 1;
        }
    }
    let netns_files = std::fs::read_dir("/run/netns").map(|d| d.count()).unwrap_or(0);
    let links: Vec<String> = std::fs::read_dir("/sys/class/net")
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let master = |l: &str| std::fs::read_link(format!("/sys/class/net/{l}/master")).ok().and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()));
    let ipt = sh("iptables-save 2>/dev/null");
    let state_entries = ["containers", "names", "networks"]
        .iter()
        .map(|d| std::fs::read_dir(root.join(d)).map(|x| x.count()).unwrap_or(0))
        .sum();
    Counts {
        mounts_total: mountinfo.lines().count(),
        mounts_ours: mountinfo.lines().filter(|l| l.contains(r)).count(),
        netns_total: netns.len() + netns_files,
        veths_total: links.iter().filter(|l| Path::new(&format!("/sys/class/net/{l}/veth")).exists() || l.starts_with("veth")).count(),
        veths_on_our_bridge: links.iter().filter(|l| master(l).as_deref() == Some(bridge)).count(),
        bridges_total: links.iter().filter(|l| Path::new(&format!("/sys/class/net/{l}/bridge")).exists()).count(),
        our_bridge: links.iter().any(|l| l == bridge),
        iptables_total: ipt.lines().filter(|l| l.starts_with("-A")).count(),
        iptables_ours: ipt.lines().filter(|l| l.contains("native-runner:")).count(),
        marker_processes,
        runtime_processes,
        state_entries,
    }
}

/// Network namespaces and veths recorded while containers ran: none may survive.
#[derive(Default)]
pub struct Seen {
    pub netns: BTreeSet<PathBuf>,
    pub veths: BTreeSet<String>,
}

pub fn record_running(root: &Path, seen: &mut Seen) {
    for e in std::fs::read_dir(root.join("containers")).into_iter().flatten().flatten() {
        let st = std::fs::read_to_string(e.path().join("state")).unwrap_or_default();
        for l in st.lines() {
            if let Some(p) = l.strip_prefix("init_pid=") {
                if p != "0" {
                    if let Ok(ns) = std::fs::read_link(format!("/proc/{p}/ns/net")) {
                        seen.netns.insert(ns);
                    }
                }
            }
            if let Some(v) = l.strip_prefix("host_veth=") {
                if !v.is_empty() {
                    seen.veths.insert(v.to_string());
                }
            }
        }
    }
}

pub fn live_netns() -> BTreeSet<PathBuf> {
    let mut s = BTreeSet::new();
    for e in std::fs::read_dir("/proc").expect("/proc").flatten() {
        if let Ok(l) = std::fs::read_link(e.path().join("ns/net")) {
            s.insert(l);
        }
    }
    s
}


/// The checks every leak test ends with: no state entries, none of the container network
/// namespaces or veths recorded while running still alive, and a note (not a failure) when
/// a global count moved, since other users of the machine may have moved it.
pub fn assert_traces_gone(before: &Counts, after: &Counts, seen: &Seen) {
    assert_eq!(after.state_entries, 0, "state entries");
    let live = live_netns();
    let survivors: Vec<_> = seen.netns.iter().filter(|n| live.contains(*n)).collect();
    assert!(survivors.is_empty(), "container network namespaces still used: {survivors:?}");
    let veths: Vec<_> = seen.veths.iter().filter(|v| Path::new(&format!("/sys/class/net/{v}")).exists()).collect();
    assert!(veths.is_empty(), "veths left: {veths:?}");
    for (what, b, a) in [
        ("mounts", before.mounts_total, after.mounts_total),
        ("netns", before.netns_total, after.netns_total),
        ("veths", before.veths_total, after.veths_total),
        ("bridges", before.bridges_total, after.bridges_total),
        ("iptables rules", before.iptables_total, after.iptables_total),
    ] {
        if a != b {
            eprintln!("NOTE: global {what} {b} -> {a} (other users of this machine?)");
        }
    }
}
