//! Helpers for laying a profile's filesystem and processes into a kernel.

use crate::kernel::process::Exec;
use crate::kernel::vfs::{Node, NodeKind, TreeFs};
use crate::kernel::{Kernel, Pid, ProcState};

/// A directory node.
pub fn dir(perm: u32, mtime: i64) -> Node {
    Node::dir(perm, 0, 0, mtime)
}

/// A text file owned by root.
pub fn text(content: &str, perm: u32, mtime: i64) -> Node {
    Node::file(content.as_bytes().to_vec(), perm, 0, 0, mtime)
}

/// An executable that runs `program`, with the real binary's size but no content.
pub fn program(program: &str, size: u64, perm: u32, mtime: i64) -> Node {
    let mut n = Node::other(NodeKind::File { data: Vec::new(), size }, perm, 0, 0, mtime);
    n.program = Some(program.to_string());
    n
}

pub fn symlink(target: &str, mtime: i64) -> Node {
    Node::other(NodeKind::Symlink(target.to_string()), 0o777, 0, 0, mtime)
}

pub fn chardev(major: u32, minor: u32, perm: u32, gid: u32, mtime: i64) -> Node {
    Node::other(NodeKind::CharDev(major, minor), perm, 0, gid, mtime)
}

pub fn blockdev(major: u32, minor: u32, perm: u32, gid: u32, mtime: i64) -> Node {
    Node::other(NodeKind::BlockDev(major, minor), perm, 0, gid, mtime)
}

/// Puts a node, owned by uid:gid.
pub fn put_owned(t: &mut TreeFs, path: &str, mut node: Node, uid: u32, gid: u32) {
    node.uid = uid;
    node.gid = gid;
    t.put(path, node);
}

/// A process description for a profile: who, what, and its `ps` facts.
pub struct ProcSpec<'a> {
    pub pid: Pid,
    pub ppid: Pid,
    pub uid: u32,
    pub argv: &'a str,
    pub comm: &'a str,
    pub stat: &'a str,
    pub tty: Option<&'a str>,
    pub vsz: u64,
    pub rss: u64,
    /// Seconds after boot it started.
    pub started: i64,
    pub cpu_ticks: u64,
}

/// Creates a process at a fixed PID (profiles only; the kernel allocates PIDs afterwards).
pub fn place(k: &mut Kernel, s: &ProcSpec) {
    let kthread = s.argv.is_empty();
    let state = match s.stat.chars().next() {
        Some('R') => ProcState::Running,
        Some('I') => ProcState::Idle,
        Some('D') => ProcState::DiskSleep,
        _ => ProcState::Sleeping,
    };
    let threads = if s.stat.contains('l') { 4 } else { 1 };
    let nice = if s.stat.contains('<') { -20 } else if s.stat.contains('N') { 19 } else { 0 };
    let exec = Exec {
        comm: s.comm.to_string(),
        argv: if kthread { Vec::new() } else { s.argv.split(' ').map(str::to_string).collect() },
        env: Vec::new(),
        exe: String::new(),
        uid: s.uid,
        gid: s.uid,
        cwd: "/".into(),
        tty: s.tty.map(str::to_string),
        vsz_kb: s.vsz,
        rss_kb: s.rss,
        cpu_ticks: s.cpu_ticks,
        state: Some(state),
        threads,
        nice,
        session_leader: s.stat.contains('s'),
        foreground: s.stat.contains('+'),
        kthread,
        locked: s.stat.contains('L'),
    };
    k.set_last_pid(crate::kernel::NsId(0), s.pid - 1);
    let saved = k.now;
    k.now = k.boot_time + s.started;
    if let Ok(pid) = k.spawn(s.ppid, exec) {
        // argv with spaces inside one argument (e.g. "daemon off;") keep their text.
        if let Some(p) = k.procs.get_mut(&pid) {
            if !kthread && s.argv.starts_with("sshd:") {
                p.argv = vec![s.argv.to_string()];
            }
        }
    }
    k.now = saved;
}
