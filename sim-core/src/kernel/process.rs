//! Processes and PID namespaces.
//!
//! A process has one PID in its own PID namespace and in every ancestor namespace: the
//! nginx that is PID 1 in its container is PID 2554 on the host. `Process::ns_pids` holds
//! them from the initial namespace (index 0, the global PID) down to its own.

use crate::sort::SortSlice;
use std::collections::BTreeMap;

use super::{Errno, Kernel, Namespaces, NsId, Pid};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    Running,
    Sleeping,
    DiskSleep,
    Idle,
    Stopped,
    Zombie,
}

impl ProcState {
    pub fn letter(self) -> char {
        match self {
            ProcState::Running => 'R',
            ProcState::Sleeping => 'S',
            ProcState::DiskSleep => 'D',
            ProcState::Idle => 'I',
            ProcState::Stopped => 'T',
            ProcState::Zombie => 'Z',
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            ProcState::Running => "R (running)",
            ProcState::Sleeping => "S (sleeping)",
            ProcState::DiskSleep => "D (disk sleep)",
            ProcState::Idle => "I (idle)",
            ProcState::Stopped => "T (stopped)",
            ProcState::Zombie => "Z (zombie)",
        }
    }
}

/// A PID namespace. Its PIDs start at 1; `pids` maps them to global PIDs.
#[derive(Clone, Debug)]
pub struct PidNs {
    pub inode: u64,
    pub parent: Option<NsId>,
    pub level: usize,
    pub pids: BTreeMap<u32, Pid>,
    last: u32,
    /// Set once PID 1 of this namespace has exited: no new process may enter it.
    pub dead: bool,
    /// `/proc/sys/kernel/pid_max` as seen in this namespace (per namespace since Linux 6.14).
    pub pid_max: u32,
}

impl PidNs {
    pub fn new(inode: u64, parent: Option<NsId>, level: usize) -> PidNs {
        PidNs { inode, parent, level, pids: BTreeMap::new(), last: 0, dead: false, pid_max: 32768 }
    }
    /// The last PID given out in this namespace (`/proc/loadavg`'s last field).
    pub fn last_pid(&self) -> u32 {
        self.last
    }
    /// The global PID of this namespace's init (its PID 1), if it has one.
    pub fn init(&self) -> Option<Pid> {
        self.pids.get(&1).copied()
    }
}

/// What a new process is: the part of `clone` + `execve` the caller decides.
#[derive(Clone, Debug, Default)]
pub struct Exec {
    pub comm: String,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub exe: String,
    pub uid: u32,
    pub gid: u32,
    pub cwd: String,
    pub tty: Option<String>,
    pub vsz_kb: u64,
    pub rss_kb: u64,
    /// CPU time already used, in clock ticks (1/100 s).
    pub cpu_ticks: u64,
    pub state: Option<ProcState>,
    pub threads: u32,
    pub nice: i32,
    pub session_leader: bool,
    pub foreground: bool,
    pub kthread: bool,
    pub locked: bool,
}

#[derive(Clone, Debug)]
pub struct Process {
    pub pid: Pid,
    pub ppid: Pid,
    /// PID in each namespace from the initial one (index 0) down to the process's own.
    pub ns_pids: Vec<u32>,
    pub ns: Namespaces,
    pub uid: u32,
    pub gid: u32,
    pub comm: String,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub exe: String,
    pub cwd: String,
    pub tty: Option<String>,
    pub state: ProcState,
    pub threads: u32,
    pub nice: i32,
    pub session_leader: bool,
    pub foreground: bool,
    pub kthread: bool,
    pub locked: bool,
    /// Unix time the process started.
    pub start: i64,
    pub cpu_ticks: u64,
    pub vsz_kb: u64,
    pub rss_kb: u64,
    /// The CPU this process's program is emulated as by a binfmt_misc interpreter
    /// (`x86_64` for an amd64 program under qemu on an arm64 VM); None when native.
    pub emulated: Option<String>,
    /// The capabilities the process holds (inherited through fork and exec).
    pub caps: Caps,
}

/// A process's capability set, as far as the simulation tells them apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Caps {
    /// Every capability: root on the host, a `--privileged` container.
    #[default]
    Full,
    /// Docker's default set for a container: no CAP_SYS_ADMIN (`setns`, `mount`) and no
    /// CAP_SYS_PTRACE (opening another user's or a more privileged process's `/proc/PID/ns/*`).
    DockerDefault,
}

impl Process {
    /// The command line as `ps` shows it: argv joined, or `[comm]` for a kernel thread.
    pub fn command(&self) -> String {
        if self.kthread || self.argv.is_empty() {
            format!("[{}]", self.comm)
        } else {
            self.argv.join(" ")
        }
    }
}

impl Kernel {
    /// The PID of `pid` as seen from PID namespace `ns`, if it is visible there.
    pub fn pid_in(&self, pid: Pid, ns: NsId) -> Option<u32> {
        let p = self.procs.get(&pid)?;
        let level = self.pid_ns.get(&ns)?.level;
        // Visible iff `ns` is the process's namespace or one of its ancestors.
        let mut cur = Some(p.ns.pid);
        while let Some(c) = cur {
            if c == ns {
                return p.ns_pids.get(level).copied();
            }
            cur = self.pid_ns.get(&c).and_then(|n| n.parent);
        }
        None
    }

    /// The global PID of the process that namespace `ns` calls `local`.
    pub fn global_pid(&self, ns: NsId, local: u32) -> Option<Pid> {
        self.pid_ns.get(&ns)?.pids.get(&local).copied()
    }

    /// Processes visible from PID namespace `ns`, ordered by their PID there.
    pub fn visible_pids(&self, ns: NsId) -> Vec<(u32, Pid)> {
        // Every process in `ns` or in a descendant has an entry in `ns.pids`.
        match self.pid_ns.get(&ns) {
            Some(n) => n.pids.iter().map(|(l, g)| (*l, *g)).collect(),
            None => Vec::new(),
        }
    }

    fn next_pid_in(&mut self, ns: NsId) -> Result<u32, Errno> {
        let n = self.pid_ns.get_mut(&ns).ok_or(Errno::EINVAL)?;
        let max = n.pid_max.max(2);
        let mut candidate = n.last;
        for _ in 0..max {
            candidate += 1;
            if candidate >= max {
                // The kernel wraps to 300 in the initial namespace, to 2 elsewhere.
                candidate = if n.level == 0 { 300 } else { 2 };
            }
            if !n.pids.contains_key(&candidate) {
                n.last = candidate;
                return Ok(candidate);
            }
        }
        Err(Errno::EAGAIN)
    }

    /// Sets where the next global PID is handed out (a profile sets this so the session's
    /// first command gets a realistic PID).
    pub fn set_last_pid(&mut self, ns: NsId, last: u32) {
        if let Some(n) = self.pid_ns.get_mut(&ns) {
            n.last = last;
        }
    }

    /// Lets `n` PIDs go by in namespace `ns`, as the short-lived helpers of a real system
    /// (runc, its init) use them up.
    pub fn skip_pids(&mut self, ns: NsId, n: u32) {
        if let Some(p) = self.pid_ns.get_mut(&ns) {
            p.last = (p.last + n).min(p.pid_max.saturating_sub(2));
        }
    }

    /// Ends a process with an exit status its waiter can collect.
    pub fn exit_with(&mut self, pid: Pid, status: i32) {
        self.exit_codes.insert(pid, status);
        self.exit(pid);
    }

    /// `clone` + `execve`: a new process, child of `parent`, in the parent's namespaces
    /// (its PID namespace being the parent's `pid_for_children`).
    pub fn spawn(&mut self, parent: Pid, exec: Exec) -> Result<Pid, Errno> {
        let ns = match self.procs.get(&parent) {
            Some(p) => {
                let mut ns = p.ns;
                ns.pid = p.ns.pid_for_children;
                ns
            }
            None if parent == 0 => self.init_ns,
            None => return Err(Errno::ESRCH),
        };
        self.spawn_in(parent, ns, exec)
    }

    /// Like [`Kernel::spawn`] but with the namespaces given (used by `setns`-style entries).
    pub fn spawn_in(&mut self, parent: Pid, ns: Namespaces, exec: Exec) -> Result<Pid, Errno> {
        // The chain of PID namespaces from the process's own up to the initial one.
        let mut chain = Vec::new();
        let mut cur = Some(ns.pid);
        while let Some(c) = cur {
            let n = self.pid_ns.get(&c).ok_or(Errno::EINVAL)?;
            if n.dead {
                // fork() in a namespace whose init has exited fails with ENOMEM in Linux;
                // the shell reports it as "Cannot allocate memory". EAGAIN is our closest.
                return Err(Errno::EAGAIN);
            }
            chain.push(c);
            cur = n.parent;
        }
        chain.reverse();
        let mut ns_pids = Vec::with_capacity(chain.len());
        for c in &chain {
            ns_pids.push(self.next_pid_in(*c)?);
        }
        let pid = ns_pids[0];
        for (c, local) in chain.iter().zip(&ns_pids) {
            if let Some(n) = self.pid_ns.get_mut(c) {
                n.pids.insert(*local, pid);
            }
        }
        let proc = Process {
            pid,
            ppid: parent,
            ns_pids,
            ns,
            uid: exec.uid,
            gid: exec.gid,
            comm: exec.comm,
            argv: exec.argv,
            env: exec.env,
            exe: exec.exe,
            cwd: exec.cwd,
            tty: exec.tty,
            state: exec.state.unwrap_or(ProcState::Sleeping),
            threads: exec.threads.max(1),
            nice: exec.nice,
            session_leader: exec.session_leader,
            foreground: exec.foreground,
            kthread: exec.kthread,
            locked: exec.locked,
            start: self.now,
            cpu_ticks: exec.cpu_ticks,
            vsz_kb: exec.vsz_kb,
            rss_kb: exec.rss_kb,
            // A forked child is still the same (possibly emulated) program.
            emulated: self.procs.get(&parent).and_then(|p| p.emulated.clone()),
            caps: self.procs.get(&parent).map(|p| p.caps).unwrap_or_default(),
        };
        self.procs.insert(pid, proc);
        Ok(pid)
    }

    /// `execve` in an existing process: a new program image, same PID.
    pub fn exec(&mut self, pid: Pid, exec: Exec) -> Result<(), Errno> {
        let p = self.procs.get_mut(&pid).ok_or(Errno::ESRCH)?;
        p.comm = exec.comm;
        p.argv = exec.argv;
        p.env = exec.env;
        p.exe = exec.exe;
        p.vsz_kb = exec.vsz_kb;
        p.rss_kb = exec.rss_kb;
        p.uid = exec.uid;
        p.gid = exec.gid;
        // A new image runs natively until binfmt says otherwise (`Kernel::binfmt_exec`).
        p.emulated = None;
        Ok(())
    }

    /// `unshare(CLONE_NEWPID)` for `pid`: its children will be created in a new namespace.
    pub fn unshare_pid(&mut self, pid: Pid) -> Result<NsId, Errno> {
        let parent_ns = self.procs.get(&pid).ok_or(Errno::ESRCH)?.ns.pid_for_children;
        let parent = self.pid_ns.get(&parent_ns).ok_or(Errno::EINVAL)?;
        let level = parent.level + 1;
        let pid_max = self.new_pid_ns_pid_max.unwrap_or(parent.pid_max);
        if level > 32 {
            // The kernel limits PID namespace nesting to 32 levels.
            return Err(Errno::EAGAIN);
        }
        let (id, inode) = self.alloc_ns();
        let mut ns = PidNs::new(inode, Some(parent_ns), level);
        ns.pid_max = pid_max;
        self.pid_ns.insert(id, ns);
        if let Some(p) = self.procs.get_mut(&pid) {
            p.ns.pid_for_children = id;
        }
        Ok(id)
    }

    /// A process exits. Its children go to the child reaper of their namespace; if it was
    /// a namespace's init, every other process in that namespace is killed (SIGKILL).
    pub fn exit(&mut self, pid: Pid) {
        let Some(p) = self.procs.remove(&pid) else { return };
        self.close_sockets_of(pid);
        for (level, local) in p.ns_pids.iter().enumerate() {
            if let Some(ns) = self.ns_at_level(&p, level) {
                if let Some(n) = self.pid_ns.get_mut(&ns) {
                    n.pids.remove(local);
                }
            }
        }
        let own_ns = p.ns.pid;
        let was_init = p.ns_pids.last() == Some(&1) && own_ns != NsId(0);
        if was_init {
            if let Some(n) = self.pid_ns.get_mut(&own_ns) {
                n.dead = true;
            }
            let members: Vec<Pid> = self.visible_pids(own_ns).into_iter().map(|(_, g)| g).collect();
            for m in members {
                self.exit(m);
            }
        }
        // Reparent orphans to the reaper of the namespace they are in.
        let orphans: Vec<Pid> =
            self.procs.values().filter(|c| c.ppid == pid).map(|c| c.pid).collect();
        for o in orphans {
            let reaper = self
                .procs
                .get(&o)
                .and_then(|c| self.pid_ns.get(&c.ns.pid))
                .and_then(|n| n.init())
                .filter(|r| *r != o)
                .unwrap_or(1);
            if let Some(c) = self.procs.get_mut(&o) {
                c.ppid = reaper;
            }
        }
        self.gc_namespaces();
    }

    fn ns_at_level(&self, p: &Process, level: usize) -> Option<NsId> {
        let mut cur = Some(p.ns.pid);
        while let Some(c) = cur {
            let n = self.pid_ns.get(&c)?;
            if n.level == level {
                return Some(c);
            }
            cur = n.parent;
        }
        None
    }

    /// Drops namespaces no process holds any more (a named network namespace is held by
    /// its bind mount under /run/netns).
    pub fn gc_namespaces(&mut self) {
        let held = |f: &dyn Fn(&Process) -> Vec<NsId>, procs: &BTreeMap<Pid, Process>| {
            let mut v: Vec<NsId> = procs.values().flat_map(f).collect();
            v.sort_stable();
            v.dedup();
            v
        };
        let pids = held(&|p: &Process| vec![p.ns.pid, p.ns.pid_for_children], &self.procs);
        // Keep ancestors of held namespaces.
        let mut keep_pid = pids.clone();
        for id in &pids {
            let mut cur = self.pid_ns.get(id).and_then(|n| n.parent);
            while let Some(c) = cur {
                keep_pid.push(c);
                cur = self.pid_ns.get(&c).and_then(|n| n.parent);
            }
        }
        self.pid_ns.retain(|id, _| id.0 == 0 || keep_pid.contains(id));
        let mnts = held(&|p: &Process| vec![p.ns.mnt], &self.procs);
        self.mnt_ns.retain(|id, _| id.0 == 0 || mnts.contains(id));
        let nets = held(&|p: &Process| vec![p.ns.net], &self.procs);
        let named: Vec<NsId> = self.named_netns().into_iter().map(|(_, id)| id).collect();
        let dropped: Vec<NsId> = self
            .net_ns
            .keys()
            .filter(|id| id.0 != 0 && !nets.contains(id) && !named.contains(id))
            .copied()
            .collect();
        for id in dropped {
            self.destroy_netns(id);
        }
        let utss = held(&|p: &Process| vec![p.ns.uts], &self.procs);
        self.uts_ns.retain(|id, _| id.0 == 0 || utss.contains(id));
        let ipcs = held(&|p: &Process| vec![p.ns.ipc], &self.procs);
        self.ipc_ns.retain(|id, _| id.0 == 0 || ipcs.contains(id));
    }

    /// Children of `pid`, ordered by start time then PID.
    pub fn children(&self, pid: Pid) -> Vec<Pid> {
        let mut v: Vec<&Process> = self.procs.values().filter(|p| p.ppid == pid).collect();
        v.sort_stable_by_key(|p| (p.start, p.pid));
        v.into_iter().map(|p| p.pid).collect()
    }
}
