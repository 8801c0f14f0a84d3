//! The simulated kernel: tables of processes and namespaces, and the operations on them that
//! the real kernel offers as syscalls (clone, unshare, setns, exit, mount, ...).
//!
//! **Architecture invariant:** every table is a `BTreeMap` or a `Vec`, so iteration order is
//! defined and the same operations always produce the same state.

pub mod binfmt;
pub mod creds;
pub mod errno;
pub mod guest;
pub mod net;
pub mod netfilter;
pub mod overlay;
pub mod process;
pub mod setns;
pub mod signal;
pub mod sockets;
pub mod procfs;
pub mod vfs;

use std::collections::BTreeMap;

pub use errno::Errno;
pub use net::NetNs;
pub use process::{PidNs, Process, ProcState};
pub use vfs::{MountNs, Vfs};

/// A global (host, initial PID namespace) process id.
pub type Pid = u32;

/// Identifies a namespace in one of the kernel's namespace tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NsId(pub u32);

/// The namespaces a process is in. `pid_for_children` differs from `pid` after
/// `unshare(CLONE_NEWPID)`: the caller stays, its next child is PID 1 of the new namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Namespaces {
    pub pid: NsId,
    pub pid_for_children: NsId,
    pub mnt: NsId,
    pub net: NsId,
    pub uts: NsId,
    pub ipc: NsId,
}

/// The kinds of namespace, named as in `/proc/PID/ns/` and `lsns`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NsKind {
    Cgroup,
    Ipc,
    Mnt,
    Net,
    Pid,
    PidForChildren,
    Time,
    TimeForChildren,
    User,
    Uts,
}

impl NsKind {
    /// In the order `ls /proc/self/ns` lists them.
    pub const ALL: [NsKind; 10] = [
        NsKind::Cgroup,
        NsKind::Ipc,
        NsKind::Mnt,
        NsKind::Net,
        NsKind::Pid,
        NsKind::PidForChildren,
        NsKind::Time,
        NsKind::TimeForChildren,
        NsKind::User,
        NsKind::Uts,
    ];
    pub fn file_name(self) -> &'static str {
        match self {
            NsKind::Cgroup => "cgroup",
            NsKind::Ipc => "ipc",
            NsKind::Mnt => "mnt",
            NsKind::Net => "net",
            NsKind::Pid => "pid",
            NsKind::PidForChildren => "pid_for_children",
            NsKind::Time => "time",
            NsKind::TimeForChildren => "time_for_children",
            NsKind::User => "user",
            NsKind::Uts => "uts",
        }
    }
    /// The type shown inside the link target, `pid:[4026531836]`.
    pub fn link_type(self) -> &'static str {
        match self {
            NsKind::PidForChildren => "pid",
            NsKind::TimeForChildren => "time",
            k => k.file_name(),
        }
    }
}

/// The UTS namespace: what `hostname` and `uname -n` print.
#[derive(Clone, Debug)]
pub struct UtsNs {
    pub inode: u64,
    pub hostname: String,
    pub domainname: String,
}

/// An IPC namespace: only its identity is modeled.
#[derive(Clone, Debug)]
pub struct IpcNs {
    pub inode: u64,
}

/// `uname` facts of the simulated kernel.
#[derive(Clone, Debug)]
pub struct Uname {
    pub sysname: String,
    pub release: String,
    pub version: String,
    pub machine: String,
    /// `uname -p` and `-i`: "x86_64" on Red Hat family kernels, "unknown" on Debian.
    pub processor: String,
    pub os: String,
}

/// The simulated kernel.
#[derive(Clone, Debug)]
pub struct Kernel {
    pub uname: Uname,
    /// Unix time of boot.
    pub boot_time: i64,
    /// Unix time now, as last given by the caller.
    pub now: i64,
    pub mem_total_kb: u64,
    pub ncpu: u32,
    /// `/proc/sys/kernel/pid_max` of the initial namespace; procps sizes PID columns by it.
    pub pid_max: u32,
    /// pid_max a new PID namespace starts with: None on kernels where it is global (before
    /// 6.14, e.g. Amazon Linux 2), Some(4194304) on newer ones.
    pub new_pid_ns_pid_max: Option<u32>,
    pub procs: BTreeMap<Pid, Process>,
    pub pid_ns: BTreeMap<NsId, PidNs>,
    pub mnt_ns: BTreeMap<NsId, MountNs>,
    pub net_ns: BTreeMap<NsId, NetNs>,
    pub uts_ns: BTreeMap<NsId, UtsNs>,
    pub ipc_ns: BTreeMap<NsId, IpcNs>,
    pub vfs: Vfs,
    /// `ip netns` names: the bind mounts under /run/netns that keep a namespace alive.
    pub named_netns: Vec<(String, NsId)>,
    /// Inodes of the namespaces the simulation has a single instance of.
    pub fixed_ns_inodes: BTreeMap<NsKind, u64>,
    /// The namespaces of PID 1: where `nsenter`, `ip netns` and the initial mounts live.
    pub init_ns: Namespaces,
    /// State of the deterministic random source (see [`Kernel::random`]).
    pub rng: u64,
    /// Exit statuses of ended processes, for whoever waits on them (dockerd for a container).
    pub exit_codes: BTreeMap<Pid, i32>,
    /// The Docker daemon running on this machine, if Docker is installed. It is userland
    /// state the kernel only carries: programs reach it through its socket.
    pub docker: Option<Box<crate::engine::Dockerd>>,
    /// The names Docker's embedded DNS server answers, by network: (network id, names, address)
    /// of each container attached to a user-defined network (see `engine::dns`).
    pub embedded_dns: Vec<(String, Vec<String>, [u8; 4])>,
    /// Lines a container's process wrote for its log while dockerd was busy (taken out of
    /// the kernel to serve a request): (its PID namespace, stream, time, bytes), handed to
    /// the daemon when it is back (`engine::give_back`).
    pub pending_logs: Vec<(NsId, u8, i64, Vec<u8>)>,
    /// The Linux VM the desktop app runs (Docker Desktop's, Rancher Desktop's Lima VM): a
    /// machine of its own, reached through forwarded sockets and ports. None on Linux hosts.
    pub guest: Option<Box<guest::Guest>>,
    /// binfmt_misc, when mounted at /proc/sys/fs/binfmt_misc: foreign binaries run through
    /// the interpreters registered there (see [`Kernel::emulation_for`]).
    pub binfmt: Option<binfmt::Binfmt>,
    /// The CPU architecture the binaries of a filesystem are built for, by superblock (an
    /// image layer pulled for `linux/amd64`): exec of a file there may need binfmt_misc.
    pub sb_arch: BTreeMap<usize, String>,
    /// Set when a command reached a part the page's lighter build leaves out
    /// ([`crate::lite`]): the caller runs the session again on the full build.
    pub wants_full: bool,
    /// Listening and bound sockets of every network namespace, and who holds them.
    pub sockets: sockets::Sockets,
    next_ns_id: u32,
    next_ns_inode: u64,
}

/// The inode numbers real kernels give their initial namespaces.
pub const INITIAL_NS_INODES: [(NsKind, u64); 7] = [
    (NsKind::Time, 4026531834),
    (NsKind::Cgroup, 4026531835),
    (NsKind::Pid, 4026531836),
    (NsKind::User, 4026531837),
    (NsKind::Uts, 4026531838),
    (NsKind::Ipc, 4026531839),
    (NsKind::Mnt, 4026531840),
];

/// The initial network namespace's inode on a typical kernel.
pub const INITIAL_NET_NS_INODE: u64 = 4026531992;

impl Kernel {
    /// A kernel with the initial namespaces and no processes. The host profile fills it.
    pub fn new(uname: Uname, boot_time: i64, mem_total_kb: u64, ncpu: u32, pid_max: u32) -> Kernel {
        let ino = |k: NsKind| {
            INITIAL_NS_INODES
                .iter()
                .find(|(kind, _)| *kind == k)
                .map(|(_, i)| *i)
                .unwrap_or(0)
        };
        let init = Namespaces {
            pid: NsId(0),
            pid_for_children: NsId(0),
            mnt: NsId(0),
            net: NsId(0),
            uts: NsId(0),
            ipc: NsId(0),
        };
        let mut k = Kernel {
            uname,
            boot_time,
            now: boot_time,
            mem_total_kb,
            ncpu,
            pid_max,
            new_pid_ns_pid_max: None,
            procs: BTreeMap::new(),
            pid_ns: BTreeMap::new(),
            mnt_ns: BTreeMap::new(),
            net_ns: BTreeMap::new(),
            uts_ns: BTreeMap::new(),
            ipc_ns: BTreeMap::new(),
            vfs: Vfs::default(),
            named_netns: Vec::new(),
            fixed_ns_inodes: INITIAL_NS_INODES.iter().copied().collect(),
            init_ns: init,
            rng: 0,
            exit_codes: BTreeMap::new(),
            docker: None,
            embedded_dns: Vec::new(),
            pending_logs: Vec::new(),
            guest: None,
            binfmt: None,
            sb_arch: BTreeMap::new(),
            wants_full: false,
            sockets: sockets::Sockets::default(),
            next_ns_id: 1,
            // New namespaces on a running system get inodes from here on.
            next_ns_inode: 4026532160,
        };
        let mut root = PidNs::new(ino(NsKind::Pid), None, 0);
        root.pid_max = pid_max;
        k.pid_ns.insert(NsId(0), root);
        k.mnt_ns.insert(NsId(0), MountNs { inode: ino(NsKind::Mnt), mounts: Vec::new() });
        k.net_ns.insert(NsId(0), NetNs::new(INITIAL_NET_NS_INODE));
        k.uts_ns.insert(
            NsId(0),
            UtsNs { inode: ino(NsKind::Uts), hostname: "localhost".into(), domainname: "(none)".into() },
        );
        k.ipc_ns.insert(NsId(0), IpcNs { inode: ino(NsKind::Ipc) });
        k
    }

    /// An empty machine, standing in for one that is elsewhere for a moment (the docker CLI's
    /// transport holds the real one while the CLI runs).
    pub fn placeholder() -> Kernel {
        let uname = Uname { sysname: String::new(), release: String::new(), version: String::new(), machine: String::new(), processor: String::new(), os: String::new() };
        Kernel::new(uname, 0, 0, 1, 32768)
    }

    /// Allocates a namespace id and an inode number for a new namespace.
    pub fn alloc_ns(&mut self) -> (NsId, u64) {
        let id = NsId(self.next_ns_id);
        self.next_ns_id += 1;
        let inode = self.next_ns_inode;
        self.next_ns_inode += 1;
        (id, inode)
    }

    /// The inode shown in `/proc/PID/ns/KIND` for a process.
    pub fn ns_inode(&self, p: &Process, kind: NsKind) -> u64 {
        let fixed = |k| self.fixed_ns_inodes.get(&k).copied().unwrap_or(0);
        match kind {
            NsKind::Pid => self.pid_ns.get(&p.ns.pid).map(|n| n.inode).unwrap_or(0),
            NsKind::PidForChildren => {
                self.pid_ns.get(&p.ns.pid_for_children).map(|n| n.inode).unwrap_or(0)
            }
            NsKind::Mnt => self.mnt_ns.get(&p.ns.mnt).map(|n| n.inode).unwrap_or(0),
            NsKind::Net => self.net_ns.get(&p.ns.net).map(|n| n.inode).unwrap_or(0),
            NsKind::Uts => self.uts_ns.get(&p.ns.uts).map(|n| n.inode).unwrap_or(0),
            NsKind::Ipc => self.ipc_ns.get(&p.ns.ipc).map(|n| n.inode).unwrap_or(0),
            NsKind::TimeForChildren => fixed(NsKind::Time),
            k => fixed(k),
        }
    }

    /// `unshare(CLONE_NEWUTS)`: a new UTS namespace starting with a copy of the names.
    pub fn unshare_uts(&mut self, pid: Pid) -> Result<NsId, Errno> {
        let cur = self.procs.get(&pid).ok_or(Errno::ESRCH)?.ns.uts;
        let names = self.uts_ns.get(&cur).cloned().ok_or(Errno::EINVAL)?;
        let (id, inode) = self.alloc_ns();
        self.uts_ns.insert(id, UtsNs { inode, ..names });
        if let Some(p) = self.procs.get_mut(&pid) {
            p.ns.uts = id;
        }
        Ok(id)
    }

    /// `unshare(CLONE_NEWIPC)`.
    pub fn unshare_ipc(&mut self, pid: Pid) -> Result<NsId, Errno> {
        if !self.procs.contains_key(&pid) {
            return Err(Errno::ESRCH);
        }
        let (id, inode) = self.alloc_ns();
        self.ipc_ns.insert(id, IpcNs { inode });
        if let Some(p) = self.procs.get_mut(&pid) {
            p.ns.ipc = id;
        }
        Ok(id)
    }

    /// Seconds since boot.
    pub fn uptime(&self) -> i64 {
        (self.now - self.boot_time).max(0)
    }

    /// The hostname a process sees.
    pub fn hostname_of(&self, pid: Pid) -> String {
        self.procs
            .get(&pid)
            .and_then(|p| self.uts_ns.get(&p.ns.uts))
            .map(|u| u.hostname.clone())
            .unwrap_or_default()
    }
}

impl Kernel {
    /// The next value of the kernel's deterministic random source (splitmix64), seeded by
    /// the caller through the profile.
    pub fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random locally administered unicast MAC, as the kernel gives a new veth.
    pub fn random_mac(&mut self) -> [u8; 6] {
        let r = self.random().to_be_bytes();
        [(r[0] & 0xfe) | 0x02, r[1], r[2], r[3], r[4], r[5]]
    }
}

impl Kernel {
    /// The interpreter binfmt_misc runs a binary of architecture `arch` (`amd64`, `arm64`,
    /// `x86_64`, `aarch64`) through on this machine, or None when the CPU runs it natively
    /// or nothing is registered for it.
    ///
    /// How exec uses it (the integrator wires this where an image's executable is run):
    /// after `Kernel::exec` of a file whose architecture is known (the image's platform for
    /// files of a container's layers), call [`Kernel::binfmt_exec`]; it leaves a native
    /// binary alone, fails with ENOEXEC (`exec format error`) when no entry matches, and
    /// otherwise turns the process into the interpreter running the file, as ps shows it.
    pub fn emulation_for(&self, arch: &str) -> Option<String> {
        let machine = binfmt::elf_machine(arch)?;
        if binfmt::elf_machine(&self.uname.machine) == Some(machine) {
            return None;
        }
        let head = binfmt::elf_header(machine);
        self.binfmt.as_ref()?.handler(&head).map(|e| e.interpreter.clone())
    }

    /// Applies binfmt_misc to process `pid`, which has just exec'd `filename` (built for
    /// `arch`) with `argv`: a foreign binary becomes `INTERP FILENAME ARGS` (argv[0] kept
    /// only with the `P` flag), keeps the file's basename as comm, has the interpreter as
    /// exe, and reports the emulated machine to `uname` ([`Kernel::machine_of`]).
    pub fn binfmt_exec(&mut self, pid: Pid, arch: &str, filename: &str) -> Result<(), Errno> {
        let Some(machine) = binfmt::elf_machine(arch) else { return Err(Errno::ENOEXEC) };
        if binfmt::elf_machine(&self.uname.machine) == Some(machine) {
            if let Some(p) = self.procs.get_mut(&pid) {
                p.emulated = None;
            }
            return Ok(());
        }
        let head = binfmt::elf_header(machine);
        let entry = self.binfmt.as_ref().and_then(|b| b.handler(&head)).cloned().ok_or(Errno::ENOEXEC)?;
        let exe = self.resolve(pid, &entry.interpreter, true).map(|r| r.path).unwrap_or_else(|_| entry.interpreter.clone());
        let p = self.procs.get_mut(&pid).ok_or(Errno::ESRCH)?;
        p.argv = binfmt::interpreter_argv(&entry, filename, &p.argv);
        p.comm = filename.rsplit('/').next().unwrap_or(filename).chars().take(15).collect();
        p.exe = exe;
        p.emulated = binfmt::uname_machine(arch).map(str::to_string);
        // qemu-user's own threads and its translation cache (seen for real: Sl, ~224 MiB VSZ).
        p.threads = p.threads.max(2);
        p.vsz_kb += 220_000;
        p.rss_kb += 10_000;
        Ok(())
    }

    /// The machine `uname -m` reports to process `pid`: the emulated CPU for a process run
    /// by qemu-user, else the kernel's own.
    pub fn machine_of(&self, pid: Pid) -> String {
        self.procs.get(&pid).and_then(|p| p.emulated.clone()).unwrap_or_else(|| self.uname.machine.clone())
    }
}

impl Kernel {
    /// The architecture the file at `path` (as `pid` resolves it) is built for, when its
    /// filesystem is tagged in [`Kernel::sb_arch`] (for an overlay, the layer that has it).
    pub fn file_arch(&self, pid: Pid, path: &str) -> Option<String> {
        let r = self.resolve(pid, path, true).ok()?;
        let sb = match r.loc {
            vfs::Loc::Tree { sb, .. } => sb,
            vfs::Loc::Overlay { layer, .. } => layer,
            vfs::Loc::Proc { .. } => return None,
        };
        self.sb_arch.get(&sb).cloned()
    }

    /// The one line `execve` needs after `Kernel::exec(pid, ..)` of `path`: a file of a
    /// foreign architecture runs through binfmt_misc ([`Kernel::binfmt_exec`]); ENOEXEC
    /// (`exec format error`) when nothing is registered for it. Files of untagged
    /// filesystems are native.
    pub fn binfmt_exec_file(&mut self, pid: Pid, path: &str) -> Result<(), Errno> {
        match self.file_arch(pid, path) {
            Some(arch) => self.binfmt_exec(pid, &arch, path),
            None => Ok(()),
        }
    }
}
