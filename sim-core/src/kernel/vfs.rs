//! The VFS: filesystems (superblocks), mount namespaces with their mount tables, and path
//! resolution through mounts and symlinks as `path_lookupat` does it.

use std::collections::{BTreeMap, VecDeque};

use super::procfs::{self, ProcNode};
use super::{Errno, Kernel, NsId, Pid};

pub type Ino = usize;

/// Longest path and symlink chain the kernel follows.
pub const PATH_MAX: usize = 4096;
pub const NAME_MAX: usize = 255;
pub const MAXSYMLINKS: usize = 40;
/// The xattr overlayfs reads to make a directory opaque.
pub const OPAQUE_XATTR: &str = "trusted.overlay.opaque";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Dir(BTreeMap<String, Ino>),
    /// `size` may exceed `data.len()`: a hollow file keeps its real size without content.
    File { data: Vec<u8>, size: u64 },
    Symlink(String),
    CharDev(u32, u32),
    BlockDev(u32, u32),
    Fifo,
    Socket,
    /// A directory whose contents are another filesystem's root, without a mount: how the
    /// host sees an image layer at `/var/lib/docker/overlay2/<id>/diff`.
    Subtree(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// Permission bits including setuid/setgid/sticky (07777).
    pub perm: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
    pub nlink: u32,
    /// The program this file runs when executed (e.g. `ps`), if it is one.
    pub program: Option<String>,
    /// Extended attributes, e.g. `trusted.overlay.opaque` on an opaque directory of a layer.
    pub xattrs: BTreeMap<String, Vec<u8>>,
}

/// A filesystem made of nodes: ext4/xfs on disk, tmpfs, devtmpfs, an image layer.
#[derive(Clone, Debug, Default)]
pub struct TreeFs {
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug)]
pub enum SbKind {
    Tree(TreeFs),
    /// procfs shows the processes of the PID namespace of whoever mounted it.
    Proc { pid_ns: NsId },
    /// overlayfs: read-only `lower` layers (topmost first) under one writable `upper` layer,
    /// each a `Tree` superblock of its own, shared with every other overlay that uses it.
    Overlay { lower: Vec<usize>, upper: usize },
}

#[derive(Clone, Debug)]
pub struct SuperBlock {
    pub fstype: String,
    pub dev: u64,
    pub kind: SbKind,
    /// Size facts for `df`: total and used 1K-blocks, total and used inodes.
    pub blocks: u64,
    pub used: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Vfs {
    pub sbs: Vec<SuperBlock>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub id: u32,
    pub parent: u32,
    /// Absolute path of the mount point in its mount namespace.
    pub target: String,
    pub sb: usize,
    /// The node of `sb` the mount shows (the root, or a file or directory for a bind mount).
    pub root: Ino,
    pub source: String,
    pub opts: String,
}

#[derive(Clone, Debug)]
pub struct MountNs {
    pub inode: u64,
    pub mounts: Vec<Mount>,
}

/// Where a path leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    Tree { sb: usize, ino: Ino },
    Proc { sb: usize, node: ProcNode },
    /// A path inside overlay `sb`, shown by the topmost layer that has it: `(layer, ino)`.
    Overlay { sb: usize, path: Vec<String>, layer: usize, ino: Ino },
}

#[derive(Clone, Debug)]
pub struct Resolved {
    /// The canonical absolute path (symlinks resolved).
    pub path: String,
    pub loc: Loc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Dir,
    File,
    Symlink,
    CharDev,
    BlockDev,
    Fifo,
    Socket,
}

impl FileType {
    /// The letter `ls -l` shows.
    pub fn letter(self) -> char {
        match self {
            FileType::Dir => 'd',
            FileType::File => '-',
            FileType::Symlink => 'l',
            FileType::CharDev => 'c',
            FileType::BlockDev => 'b',
            FileType::Fifo => 'p',
            FileType::Socket => 's',
        }
    }
}

#[derive(Clone, Debug)]
pub struct Stat {
    pub ftype: FileType,
    pub perm: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub mtime: i64,
    pub nlink: u32,
    pub ino: u64,
    pub dev: u64,
    pub rdev: (u32, u32),
    /// 512-byte blocks allocated (`st_blocks`): 4K units for files and directories on a
    /// disk filesystem, none for a tmpfs directory, a symlink or a device.
    pub blocks: u64,
}

impl Node {
    pub fn dir(perm: u32, uid: u32, gid: u32, mtime: i64) -> Node {
        Node { kind: NodeKind::Dir(BTreeMap::new()), perm, uid, gid, mtime, nlink: 2, program: None, xattrs: BTreeMap::new() }
    }
    pub fn file(data: Vec<u8>, perm: u32, uid: u32, gid: u32, mtime: i64) -> Node {
        let size = data.len() as u64;
        Node { kind: NodeKind::File { data, size }, perm, uid, gid, mtime, nlink: 1, program: None, xattrs: BTreeMap::new() }
    }
    /// Any other kind of node (symlink, device, fifo, ...).
    pub fn other(kind: NodeKind, perm: u32, uid: u32, gid: u32, mtime: i64) -> Node {
        Node { kind, perm, uid, gid, mtime, nlink: 1, program: None, xattrs: BTreeMap::new() }
    }
    /// An overlay whiteout: the character device 0/0 that hides a lower layer's entry.
    pub fn is_whiteout(&self) -> bool {
        matches!(self.kind, NodeKind::CharDev(0, 0))
    }
    /// An opaque directory hides everything below it in lower layers.
    pub fn is_opaque(&self) -> bool {
        self.xattrs.get(OPAQUE_XATTR).map(|v| v.as_slice() == b"y").unwrap_or(false)
    }
    pub fn ftype(&self) -> FileType {
        match self.kind {
            NodeKind::Dir(_) | NodeKind::Subtree(_) => FileType::Dir,
            NodeKind::File { .. } => FileType::File,
            NodeKind::Symlink(_) => FileType::Symlink,
            NodeKind::CharDev(..) => FileType::CharDev,
            NodeKind::BlockDev(..) => FileType::BlockDev,
            NodeKind::Fifo => FileType::Fifo,
            NodeKind::Socket => FileType::Socket,
        }
    }
}

impl TreeFs {
    /// A filesystem whose root directory has the given attributes.
    pub fn new(root_perm: u32, mtime: i64) -> TreeFs {
        TreeFs { nodes: vec![Node::dir(root_perm, 0, 0, mtime)] }
    }

    pub fn node(&self, ino: Ino) -> Option<&Node> {
        self.nodes.get(ino)
    }

    pub fn child(&self, dir: Ino, name: &str) -> Result<Ino, Errno> {
        match self.nodes.get(dir).map(|n| &n.kind) {
            Some(NodeKind::Dir(entries)) => entries.get(name).copied().ok_or(Errno::ENOENT),
            Some(_) => Err(Errno::ENOTDIR),
            None => Err(Errno::ENOENT),
        }
    }

    /// Walks plain components (no `..`, no symlinks) from the root.
    pub fn walk(&self, comps: &[&str]) -> Result<Ino, Errno> {
        let mut cur = 0;
        for c in comps {
            cur = self.child(cur, c)?;
        }
        Ok(cur)
    }

    /// Links `node` into directory `dir` as `name`, replacing an existing entry.
    pub fn insert(&mut self, dir: Ino, name: &str, node: Node) -> Result<Ino, Errno> {
        if name.is_empty() || name == "." || name == ".." || name.contains('/') {
            return Err(Errno::EINVAL);
        }
        if name.len() > NAME_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let is_dir = matches!(node.kind, NodeKind::Dir(_));
        let ino = self.nodes.len();
        match self.nodes.get_mut(dir).map(|n| &mut n.kind) {
            Some(NodeKind::Dir(entries)) => {
                entries.insert(name.to_string(), ino);
            }
            Some(_) => return Err(Errno::ENOTDIR),
            None => return Err(Errno::ENOENT),
        }
        self.nodes.push(node);
        if is_dir {
            if let Some(d) = self.nodes.get_mut(dir) {
                d.nlink += 1;
            }
        }
        Ok(ino)
    }

    /// Creates every missing directory of an absolute path (profile building).
    pub fn mkdir_p(&mut self, path: &str, perm: u32, mtime: i64) -> Ino {
        let mut cur = 0;
        for c in path.split('/').filter(|c| !c.is_empty()) {
            cur = match self.child(cur, c) {
                Ok(i) => i,
                Err(_) => match self.insert(cur, c, Node::dir(perm, 0, 0, mtime)) {
                    Ok(i) => i,
                    Err(_) => return cur,
                },
            };
        }
        cur
    }

    /// Adds a node at an absolute path, creating parent directories (profile building).
    pub fn put(&mut self, path: &str, node: Node) -> Ino {
        let (dir, name) = split_parent(path);
        let mtime = node.mtime;
        let parent = self.mkdir_p(dir, 0o755, mtime);
        self.insert(parent, name, node).unwrap_or(parent)
    }

    pub fn stat(&self, ino: Ino, dev: u64) -> Option<Stat> {
        let n = self.nodes.get(ino)?;
        let (size, rdev) = match &n.kind {
            NodeKind::Dir(_) | NodeKind::Subtree(_) => (4096, (0, 0)),
            NodeKind::File { size, .. } => (*size, (0, 0)),
            NodeKind::Symlink(t) => (t.len() as u64, (0, 0)),
            NodeKind::CharDev(a, b) | NodeKind::BlockDev(a, b) => (0, (*a, *b)),
            NodeKind::Fifo | NodeKind::Socket => (0, (0, 0)),
        };
        Some(Stat {
            ftype: n.ftype(),
            perm: n.perm,
            uid: n.uid,
            gid: n.gid,
            size,
            mtime: n.mtime,
            nlink: n.nlink,
            ino: 1000 + ino as u64,
            dev,
            rdev,
            blocks: match n.ftype() {
                FileType::File | FileType::Dir => size.div_ceil(4096) * 8,
                _ => 0,
            },
        })
    }
}

/// Splits "/a/b/c" into ("/a/b", "c").
pub fn split_parent(path: &str) -> (&str, &str) {
    let p = path.trim_end_matches('/');
    match p.rfind('/') {
        Some(0) => ("/", &p[1..]),
        Some(i) => (&p[..i], &p[i + 1..]),
        None => (".", p),
    }
}

fn comps_of(path: &str) -> Vec<String> {
    path.split('/').filter(|c| !c.is_empty()).map(str::to_string).collect()
}

fn join(comps: &[String]) -> String {
    format!("/{}", comps.join("/"))
}

impl Vfs {
    pub fn add_sb(&mut self, fstype: &str, kind: SbKind, blocks: u64, used: u64) -> usize {
        let dev = self.sbs.len() as u64 + 1;
        self.sbs.push(SuperBlock { fstype: fstype.to_string(), dev, kind, blocks, used });
        self.sbs.len() - 1
    }
    pub fn tree(&self, sb: usize) -> Option<&TreeFs> {
        match self.sbs.get(sb).map(|s| &s.kind) {
            Some(SbKind::Tree(t)) => Some(t),
            _ => None,
        }
    }
    pub fn tree_mut(&mut self, sb: usize) -> Option<&mut TreeFs> {
        match self.sbs.get_mut(sb).map(|s| &mut s.kind) {
            Some(SbKind::Tree(t)) => Some(t),
            _ => None,
        }
    }
}

impl MountNs {
    /// Adds a mount at `target`, under the mount that currently covers it.
    pub fn mount(&mut self, target: &str, sb: usize, source: &str, opts: &str) -> u32 {
        let id = self.mounts.iter().map(|m| m.id).max().unwrap_or(20) + 1;
        let tcomps = comps_of(target);
        let parent = self.covering(&tcomps).map(|(m, _)| m.id).unwrap_or(id);
        self.mounts.push(Mount {
            id,
            parent,
            target: join(&tcomps),
            sb,
            root: 0,
            source: source.to_string(),
            opts: opts.to_string(),
        });
        id
    }

    /// A bind mount: node `root` of filesystem `sb` shown at `target`.
    pub fn bind(&mut self, target: &str, sb: usize, root: Ino, source: &str, opts: &str) -> u32 {
        let id = self.mount(target, sb, source, opts);
        if let Some(m) = self.mounts.iter_mut().find(|m| m.id == id) {
            m.root = root;
        }
        id
    }

    /// The mount covering a path (the last-mounted among the longest matching targets),
    /// and how many of the path's components its target uses.
    pub fn covering(&self, comps: &[String]) -> Option<(&Mount, usize)> {
        let mut best: Option<(&Mount, usize)> = None;
        for m in &self.mounts {
            let mc = comps_of(&m.target);
            if mc.len() <= comps.len() && mc.iter().zip(comps).all(|(a, b)| a == b)
                && best.map(|(_, n)| mc.len() >= n).unwrap_or(true) {
                    best = Some((m, mc.len()));
                }
        }
        best
    }
}

impl Kernel {
    fn mount_ns_of(&self, viewer: Pid) -> Result<&MountNs, Errno> {
        let p = self.procs.get(&viewer).ok_or(Errno::ESRCH)?;
        self.mnt_ns.get(&p.ns.mnt).ok_or(Errno::ENOENT)
    }

    /// Finds what canonical components lead to, without following a final symlink.
    pub fn locate(&self, viewer: Pid, comps: &[String]) -> Result<Loc, Errno> {
        let ns = self.mount_ns_of(viewer)?;
        let (m, used) = ns.covering(comps).ok_or(Errno::ENOENT)?;
        let rest: Vec<&str> = comps[used..].iter().map(String::as_str).collect();
        let sb = self.vfs.sbs.get(m.sb).ok_or(Errno::ENOENT)?;
        match &sb.kind {
            SbKind::Tree(_) => self.tree_walk(m.sb, m.root, &rest),
            SbKind::Proc { pid_ns } => {
                Ok(Loc::Proc { sb: m.sb, node: procfs::lookup(self, *pid_ns, viewer, &rest)? })
            }
            SbKind::Overlay { .. } => self.overlay_lookup(m.sb, &rest),
        }
    }

    /// Walks plain components through a tree filesystem, crossing into subtrees.
    fn tree_walk(&self, sb: usize, root: Ino, comps: &[&str]) -> Result<Loc, Errno> {
        let mut loc = self.enter_subtree(sb, root);
        for c in comps {
            let Loc::Tree { sb, ino } = loc else { return Err(Errno::EIO) };
            let child = self.vfs.tree(sb).ok_or(Errno::EIO)?.child(ino, c)?;
            loc = self.enter_subtree(sb, child);
        }
        Ok(loc)
    }

    /// A node that is a subtree stands for the root of the filesystem it names.
    fn enter_subtree(&self, sb: usize, ino: Ino) -> Loc {
        match self.vfs.tree(sb).and_then(|t| t.node(ino)).map(|n| &n.kind) {
            Some(NodeKind::Subtree(target)) if self.vfs.tree(*target).is_some() => Loc::Tree { sb: *target, ino: 0 },
            _ => Loc::Tree { sb, ino },
        }
    }

    /// The node a tree or overlay location shows (procfs has none).
    pub fn node_of(&self, loc: &Loc) -> Option<&Node> {
        match loc {
            Loc::Tree { sb, ino } | Loc::Overlay { layer: sb, ino, .. } => self.vfs.tree(*sb)?.node(*ino),
            Loc::Proc { .. } => None,
        }
    }

    /// Where a write to `loc` lands: the node itself, or its copy in the overlay's upper layer.
    pub fn writable(&mut self, loc: &Loc) -> Result<(usize, Ino), Errno> {
        match loc {
            Loc::Tree { sb, ino } => Ok((*sb, *ino)),
            Loc::Overlay { sb, path, .. } => {
                let upper = *self.overlay_layers(*sb)?.first().ok_or(Errno::EIO)?;
                Ok((upper, self.copy_up(*sb, path)?))
            }
            Loc::Proc { .. } => Err(Errno::EACCES),
        }
    }

    /// Creates `node` as `name` in directory `dir`.
    pub fn create_at(&mut self, dir: &Loc, name: &str, node: Node) -> Result<(), Errno> {
        match dir {
            Loc::Tree { sb, ino } => self.vfs.tree_mut(*sb).ok_or(Errno::EROFS)?.insert(*ino, name, node).map(|_| ()),
            Loc::Overlay { sb, path, .. } => self.overlay_create(*sb, &path.clone(), name, node).map(|_| ()),
            Loc::Proc { .. } => Err(Errno::ENOENT),
        }
    }

    /// Removes the entry `name` from directory `dir` (the caller checked what it is).
    pub fn remove_at(&mut self, dir: &Loc, name: &str) -> Result<(), Errno> {
        match dir {
            Loc::Tree { sb, ino } => {
                let t = self.vfs.tree_mut(*sb).ok_or(Errno::EROFS)?;
                let child = t.child(*ino, name)?;
                let was_dir = matches!(t.node(child).map(|n| &n.kind), Some(NodeKind::Dir(_)));
                if let Some(n) = t.nodes.get_mut(*ino) {
                    if let NodeKind::Dir(e) = &mut n.kind {
                        e.remove(name);
                    }
                    if was_dir {
                        n.nlink = n.nlink.saturating_sub(1);
                    }
                }
                Ok(())
            }
            Loc::Overlay { sb, path, .. } => self.overlay_remove(*sb, &path.clone(), name),
            Loc::Proc { .. } => Err(Errno::EACCES),
        }
    }

    /// Resolves `path` for process `viewer` (relative to its cwd), following symlinks in
    /// every component and in the last one when `follow` is set.
    pub fn resolve(&self, viewer: Pid, path: &str, follow: bool) -> Result<Resolved, Errno> {
        if path.is_empty() {
            return Err(Errno::ENOENT);
        }
        if path.len() >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let cwd = self.procs.get(&viewer).map(|p| p.cwd.clone()).ok_or(Errno::ESRCH)?;
        let mut queue: VecDeque<String> = VecDeque::new();
        if !path.starts_with('/') {
            queue.extend(comps_of(&cwd));
        }
        queue.extend(comps_of(path));
        let mut cur: Vec<String> = Vec::new();
        let mut links = 0;
        let mut loc = self.locate(viewer, &cur)?;
        while let Some(c) = queue.pop_front() {
            if c == "." {
                continue;
            }
            if c == ".." {
                cur.pop();
                loc = self.locate(viewer, &cur)?;
                continue;
            }
            if c.len() > NAME_MAX {
                return Err(Errno::ENAMETOOLONG);
            }
            if self.stat_loc(&loc).map(|s| s.ftype) != Some(FileType::Dir) {
                return Err(Errno::ENOTDIR);
            }
            cur.push(c);
            loc = self.locate(viewer, &cur)?;
            let last = queue.is_empty();
            if !last || follow {
                if let Some(target) = self.readlink_loc(viewer, &loc) {
                    links += 1;
                    if links > MAXSYMLINKS {
                        return Err(Errno::ELOOP);
                    }
                    cur.pop();
                    if target.starts_with('/') {
                        cur.clear();
                    }
                    for (i, t) in comps_of(&target).into_iter().enumerate() {
                        queue.insert(i, t);
                    }
                    loc = self.locate(viewer, &cur)?;
                }
            }
        }
        // A trailing slash demands a directory.
        if path.ends_with('/') && self.stat_loc(&loc).map(|s| s.ftype) != Some(FileType::Dir) {
            return Err(Errno::ENOTDIR);
        }
        Ok(Resolved { path: join(&cur), loc })
    }

    pub fn stat_loc(&self, loc: &Loc) -> Option<Stat> {
        match loc {
            Loc::Tree { sb, ino } => {
                let s = self.vfs.sbs.get(*sb)?;
                let mut st = self.vfs.tree(*sb)?.stat(*ino, s.dev)?;
                if st.ftype == FileType::Dir {
                    let entries = match self.vfs.tree(*sb)?.node(*ino).map(|n| &n.kind) {
                        Some(NodeKind::Dir(e)) => e.len() as u64,
                        _ => 0,
                    };
                    match s.fstype.as_str() {
                        // tmpfs counts 20 bytes per entry, `.` and `..` included, and no blocks.
                        "tmpfs" | "mqueue" | "shm" => {
                            st.size = 20 * (entries + 2);
                            st.blocks = 0;
                        }
                        "devpts" | "cgroup" | "sysfs" => {
                            st.size = 0;
                            st.blocks = 0;
                        }
                        _ => {}
                    }
                }
                Some(st)
            }
            Loc::Overlay { sb, path, layer, ino } => {
                let s = self.vfs.sbs.get(*sb)?;
                let mut st = self.vfs.tree(*layer)?.stat(*ino, s.dev)?;
                // overlayfs reports one link for a directory merged from several layers;
                // a directory only one layer has keeps its own count.
                if st.ftype == FileType::Dir && self.overlay_layers_at(*sb, path) > 1 {
                    st.nlink = 1;
                }
                Some(st)
            }
            Loc::Proc { sb, node } => {
                let dev = self.vfs.sbs.get(*sb)?.dev;
                procfs::stat(self, node, dev)
            }
        }
    }

    /// The target of a symlink, or None if `loc` is not one.
    pub fn readlink_loc(&self, viewer: Pid, loc: &Loc) -> Option<String> {
        match loc {
            Loc::Tree { .. } | Loc::Overlay { .. } => match &self.node_of(loc)?.kind {
                NodeKind::Symlink(t) => Some(t.clone()),
                _ => None,
            },
            Loc::Proc { sb, node } => {
                let pid_ns = match self.vfs.sbs.get(*sb)?.kind {
                    SbKind::Proc { pid_ns } => pid_ns,
                    _ => return None,
                };
                procfs::readlink(self, pid_ns, viewer, node)
            }
        }
    }

    /// Directory entries (without `.` and `..`), in the order the filesystem keeps them.
    pub fn read_dir(&self, viewer: Pid, loc: &Loc) -> Result<Vec<(String, Loc)>, Errno> {
        match loc {
            Loc::Tree { sb, ino } => {
                let t = self.vfs.tree(*sb).ok_or(Errno::ENOENT)?;
                match &t.node(*ino).ok_or(Errno::ENOENT)?.kind {
                    NodeKind::Dir(e) => Ok(e
                        .iter()
                        .map(|(n, i)| (n.clone(), self.enter_subtree(*sb, *i)))
                        .collect()),
                    _ => Err(Errno::ENOTDIR),
                }
            }
            Loc::Overlay { sb, path, .. } => self.overlay_read_dir(*sb, path),
            Loc::Proc { sb, node } => {
                let pid_ns = match self.vfs.sbs.get(*sb).map(|s| &s.kind) {
                    Some(SbKind::Proc { pid_ns }) => *pid_ns,
                    _ => return Err(Errno::ENOENT),
                };
                Ok(procfs::read_dir(self, pid_ns, viewer, node)?
                    .into_iter()
                    .map(|(n, node)| (n, Loc::Proc { sb: *sb, node }))
                    .collect())
            }
        }
    }

    /// The bytes of a regular file.
    pub fn read_loc(&self, viewer: Pid, loc: &Loc) -> Result<Vec<u8>, Errno> {
        let st = self.stat_loc(loc).ok_or(Errno::ENOENT)?;
        if st.ftype == FileType::Dir {
            return Err(Errno::EISDIR);
        }
        if !self.may(viewer, &st, 4) {
            return Err(Errno::EACCES);
        }
        match loc {
            Loc::Tree { .. } | Loc::Overlay { .. } => {
                match &self.node_of(loc).ok_or(Errno::ENOENT)?.kind {
                    NodeKind::File { data, size } => {
                        let mut d = data.clone();
                        // A hollow file reads as zeros up to its size.
                        d.resize((*size as usize).min(1 << 20).max(d.len()), 0);
                        Ok(d)
                    }
                    NodeKind::CharDev(1, 3) | NodeKind::CharDev(1, 5) => Ok(Vec::new()),
                    _ => Err(Errno::EINVAL),
                }
            }
            Loc::Proc { sb, node } => {
                let pid_ns = match self.vfs.sbs.get(*sb).map(|s| &s.kind) {
                    Some(SbKind::Proc { pid_ns }) => *pid_ns,
                    _ => return Err(Errno::ENOENT),
                };
                procfs::read(self, pid_ns, viewer, node)
            }
        }
    }

    /// Permission check: `want` is 4 (read), 2 (write) or 1 (execute/search).
    pub fn may(&self, viewer: Pid, st: &Stat, want: u32) -> bool {
        let Some(p) = self.procs.get(&viewer) else { return false };
        if p.uid == 0 {
            return want != 1 || st.perm & 0o111 != 0 || st.ftype == FileType::Dir;
        }
        let bits = if p.uid == st.uid {
            st.perm >> 6
        } else if p.gid == st.gid {
            st.perm >> 3
        } else {
            st.perm
        };
        bits & want == want
    }

    /// Writes (or appends to) a regular file, creating it if missing: `>` and `>>`.
    pub fn write_file(&mut self, viewer: Pid, path: &str, bytes: &[u8], append: bool) -> Result<(), Errno> {
        let (uid, gid) = self.procs.get(&viewer).map(|p| (p.uid, p.gid)).ok_or(Errno::ESRCH)?;
        let now = self.now;
        match self.resolve(viewer, path, true) {
            Ok(r) => {
                let st = self.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
                match st.ftype {
                    FileType::Dir => return Err(Errno::EISDIR),
                    FileType::CharDev => return Ok(()),
                    _ => {}
                }
                self.check_mount_writable(viewer, &r.path)?;
                if !self.may(viewer, &st, 2) {
                    return Err(Errno::EACCES);
                }
                match r.loc {
                    Loc::Tree { .. } | Loc::Overlay { .. } => {
                        let (sb, ino) = self.writable(&r.loc)?;
                        let t = self.vfs.tree_mut(sb).ok_or(Errno::EROFS)?;
                        let n = t.nodes.get_mut(ino).ok_or(Errno::ENOENT)?;
                        if let NodeKind::File { data, size } = &mut n.kind {
                            if !append {
                                data.clear();
                            }
                            data.extend_from_slice(bytes);
                            *size = data.len() as u64;
                            n.mtime = now;
                            Ok(())
                        } else {
                            Err(Errno::EINVAL)
                        }
                    }
                    Loc::Proc { .. } => Err(Errno::EACCES),
                }
            }
            Err(Errno::ENOENT) => {
                let (dir, name) = split_parent(path);
                let dir = if path.starts_with('/') || dir != "." { dir } else { "." };
                let parent = self.resolve(viewer, dir, true)?;
                let st = self.stat_loc(&parent.loc).ok_or(Errno::ENOENT)?;
                if st.ftype != FileType::Dir {
                    return Err(Errno::ENOTDIR);
                }
                self.check_mount_writable(viewer, &parent.path)?;
                if !self.may(viewer, &st, 2) {
                    return Err(Errno::EACCES);
                }
                self.create_at(&parent.loc, name, Node::file(bytes.to_vec(), 0o644, uid, gid, now))
            }
            Err(e) => Err(e),
        }
    }

    /// The mounts a process sees, in mount order.
    pub fn mounts_of(&self, viewer: Pid) -> Vec<Mount> {
        self.mount_ns_of(viewer).map(|n| n.mounts.clone()).unwrap_or_default()
    }

    /// `unshare(CLONE_NEWNS)`: a copy of the caller's mount table in a new namespace.
    pub fn unshare_mnt(&mut self, pid: Pid) -> Result<NsId, Errno> {
        let cur = self.procs.get(&pid).ok_or(Errno::ESRCH)?.ns.mnt;
        let mounts = self.mnt_ns.get(&cur).ok_or(Errno::ENOENT)?.mounts.clone();
        let (id, inode) = self.alloc_ns();
        // Mount ids are global in the kernel: the copies get fresh ones.
        let base = self.mnt_ns.values().flat_map(|n| n.mounts.iter().map(|m| m.id)).max().unwrap_or(20);
        let remap: BTreeMap<u32, u32> =
            mounts.iter().enumerate().map(|(i, m)| (m.id, base + 1 + i as u32)).collect();
        let mounts = mounts
            .into_iter()
            .map(|mut m| {
                m.id = remap.get(&m.id).copied().unwrap_or(m.id);
                m.parent = remap.get(&m.parent).copied().unwrap_or(m.parent);
                m
            })
            .collect();
        self.mnt_ns.insert(id, MountNs { inode, mounts });
        if let Some(p) = self.procs.get_mut(&pid) {
            p.ns.mnt = id;
        }
        Ok(id)
    }

    /// Moves `pid` into a new, empty mount namespace (a container's, whose mounts the runtime
    /// then makes one by one, starting with its root).
    pub fn enter_empty_mount_ns(&mut self, pid: Pid) -> Result<NsId, Errno> {
        self.procs.get(&pid).ok_or(Errno::ESRCH)?;
        let (id, inode) = self.alloc_ns();
        self.mnt_ns.insert(id, MountNs { inode, mounts: Vec::new() });
        if let Some(p) = self.procs.get_mut(&pid) {
            p.ns.mnt = id;
        }
        Ok(id)
    }

    /// Mounts a new procfs for the caller's PID namespace at /proc, as `--mount-proc` does.
    pub fn mount_proc(&mut self, pid: Pid, target: &str) -> Result<(), Errno> {
        let p = self.procs.get(&pid).ok_or(Errno::ESRCH)?;
        let (pid_ns, mnt) = (p.ns.pid, p.ns.mnt);
        let sb = self.vfs.add_sb("proc", SbKind::Proc { pid_ns }, 0, 0);
        let ns = self.mnt_ns.get_mut(&mnt).ok_or(Errno::ENOENT)?;
        ns.mount(target, sb, "proc", "rw,nosuid,nodev,noexec,relatime");
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Directory-entry operations (mkdir, rmdir, unlink, symlink, link, rename, utimes), as the
// syscalls of the same names: the caller's permissions and mounts apply. Written against
// `resolve`/`stat_loc`/`may`; only the final change touches a tree filesystem's nodes.
// ---------------------------------------------------------------------------------------

impl Kernel {
    /// The directory that would hold `path`, and the entry's name: the parent must exist,
    /// be a directory, and let the caller write and search it.
    fn entry_parent(&self, viewer: Pid, path: &str) -> Result<(Resolved, String), Errno> {
        let trimmed = path.trim_end_matches('/');
        let (dir, name) = if trimmed.is_empty() { ("/", ".") } else { split_parent(trimmed) };
        if name.is_empty() || name == "." || name == ".." {
            return Err(if trimmed.is_empty() { Errno::EBUSY } else { Errno::EINVAL });
        }
        if name.len() > NAME_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let parent = self.resolve(viewer, dir, true)?;
        let st = self.stat_loc(&parent.loc).ok_or(Errno::ENOENT)?;
        if st.ftype != FileType::Dir {
            return Err(Errno::ENOTDIR);
        }
        self.check_mount_writable(viewer, &parent.path)?;
        if !self.may(viewer, &st, 2) || !self.may(viewer, &st, 1) {
            return Err(Errno::EACCES);
        }
        Ok((parent, name.to_string()))
    }

    /// EROFS when the mount holding canonical path `path` is read-only (`ro` bind mounts,
    /// `--read-only`'s root, /sys in a container): `mnt_want_write` fails.
    pub fn check_mount_writable(&self, viewer: Pid, path: &str) -> Result<(), Errno> {
        let ns = self.mount_ns_of(viewer)?;
        let comps = comps_of(path);
        match ns.covering(&comps) {
            // macOS's sealed system volume is read-only, but its firmlinks (not modelled: one
            // tree here) put /Users, /private, /usr/local on the writable Data volume.
            Some((m, _)) if self.vfs.sbs.get(m.sb).is_some_and(|sb| sb.fstype == "apfs") => Ok(()),
            Some((m, _)) if m.opts.split(',').any(|o| o == "ro") => Err(Errno::EROFS),
            _ => Ok(()),
        }
    }

    /// Whether a canonical path is a mount point in the caller's namespace.
    fn is_mount_point(&self, viewer: Pid, canonical: &str) -> bool {
        self.mounts_of(viewer).iter().any(|m| m.target == canonical)
    }

    /// Links an existing node of a tree filesystem into a directory of the same one.
    fn tree_link_entry(&mut self, dir: &Loc, name: &str, node: Ino) -> Result<(), Errno> {
        let Loc::Tree { sb, ino } = dir else { return Err(Errno::EPERM) };
        let t = self.vfs.tree_mut(*sb).ok_or(Errno::EROFS)?;
        match t.nodes.get_mut(*ino).map(|n| &mut n.kind) {
            Some(NodeKind::Dir(entries)) => {
                entries.insert(name.to_string(), node);
            }
            _ => return Err(Errno::ENOTDIR),
        }
        Ok(())
    }

    /// Removes a directory entry; returns the node it named.
    fn tree_unlink_entry(&mut self, dir: &Loc, name: &str) -> Result<Ino, Errno> {
        let Loc::Tree { sb, ino } = dir else { return Err(Errno::EPERM) };
        let t = self.vfs.tree_mut(*sb).ok_or(Errno::EROFS)?;
        match t.nodes.get_mut(*ino).map(|n| &mut n.kind) {
            Some(NodeKind::Dir(entries)) => entries.remove(name).ok_or(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn touch_dir(&mut self, dir: &Loc, nlink_delta: i32) {
        let now = self.now;
        let dir = &match dir {
            Loc::Overlay { .. } => match self.writable(dir) {
                Ok((sb, ino)) => Loc::Tree { sb, ino },
                Err(_) => return,
            },
            other => other.clone(),
        };
        if let Loc::Tree { sb, ino } = dir {
            if let Some(n) = self.vfs.tree_mut(*sb).and_then(|t| t.nodes.get_mut(*ino)) {
                n.mtime = now;
                n.nlink = (n.nlink as i64 + nlink_delta as i64).max(1) as u32;
            }
        }
    }

    /// `mkdir(2)`: a new directory owned by the caller.
    pub fn mkdir(&mut self, viewer: Pid, path: &str, perm: u32) -> Result<(), Errno> {
        let (uid, gid) = self.procs.get(&viewer).map(|p| (p.uid, p.gid)).ok_or(Errno::ESRCH)?;
        if self.resolve(viewer, path.trim_end_matches('/'), false).is_ok() {
            return Err(Errno::EEXIST);
        }
        let (parent, name) = self.entry_parent(viewer, path)?;
        let now = self.now;
        self.create_at(&parent.loc, &name, Node::dir(perm & 0o7777, uid, gid, now))?;
        self.touch_dir(&parent.loc, 0);
        Ok(())
    }

    /// `unlink(2)`: removes a name that is not a directory.
    pub fn unlink(&mut self, viewer: Pid, path: &str) -> Result<(), Errno> {
        let r = self.resolve(viewer, path, false)?;
        let st = self.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
        if st.ftype == FileType::Dir {
            return Err(Errno::EISDIR);
        }
        let (parent, name) = self.entry_parent(viewer, path)?;
        if let Loc::Overlay { .. } = parent.loc {
            // The upper copy goes; what a lower layer has is hidden by a whiteout.
            self.remove_at(&parent.loc, &name)?;
            self.touch_dir(&parent.loc, 0);
            return Ok(());
        }
        let node = self.tree_unlink_entry(&parent.loc, &name)?;
        if let Loc::Tree { sb, .. } = parent.loc {
            if let Some(n) = self.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(node)) {
                n.nlink = n.nlink.saturating_sub(1);
            }
        }
        self.touch_dir(&parent.loc, 0);
        Ok(())
    }

    /// `rmdir(2)`: removes an empty directory that is not a mount point.
    pub fn rmdir(&mut self, viewer: Pid, path: &str) -> Result<(), Errno> {
        let r = self.resolve(viewer, path, false)?;
        let st = self.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
        if path.trim_end_matches('/').ends_with("/.") || path == "." {
            return Err(Errno::EINVAL);
        }
        // may_delete: the parent's permissions before what the entry is.
        let (parent, name) = self.entry_parent(viewer, path)?;
        if st.ftype != FileType::Dir {
            return Err(Errno::ENOTDIR);
        }
        if self.is_mount_point(viewer, &r.path) {
            return Err(Errno::EBUSY);
        }
        if !self.read_dir(viewer, &r.loc)?.is_empty() {
            return Err(Errno::ENOTEMPTY);
        }
        if let Loc::Overlay { .. } = parent.loc {
            self.remove_at(&parent.loc, &name)?;
        } else {
            self.tree_unlink_entry(&parent.loc, &name)?;
        }
        self.touch_dir(&parent.loc, -1);
        Ok(())
    }

    /// `symlink(2)`: `path` becomes a symlink to `target`.
    pub fn symlink(&mut self, viewer: Pid, target: &str, path: &str) -> Result<(), Errno> {
        let (uid, gid) = self.procs.get(&viewer).map(|p| (p.uid, p.gid)).ok_or(Errno::ESRCH)?;
        if self.resolve(viewer, path, false).is_ok() {
            return Err(Errno::EEXIST);
        }
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        let (parent, name) = self.entry_parent(viewer, path)?;
        let now = self.now;
        let node = Node::other(NodeKind::Symlink(target.to_string()), 0o777, uid, gid, now);
        self.create_at(&parent.loc, &name, node)?;
        self.touch_dir(&parent.loc, 0);
        Ok(())
    }

    /// `link(2)`: a second name for an existing file (not a directory) on the same
    /// filesystem.
    pub fn link(&mut self, viewer: Pid, old: &str, new: &str) -> Result<(), Errno> {
        let src = self.resolve(viewer, old, false)?;
        let st = self.stat_loc(&src.loc).ok_or(Errno::ENOENT)?;
        if st.ftype == FileType::Dir {
            return Err(Errno::EPERM);
        }
        if self.resolve(viewer, new, false).is_ok() {
            return Err(Errno::EEXIST);
        }
        // fs.protected_hardlinks=1: only to a file the caller owns or may read and write.
        let uid = self.procs.get(&viewer).map(|p| p.uid).ok_or(Errno::ESRCH)?;
        if uid != 0 && uid != st.uid && !(self.may(viewer, &st, 4) && self.may(viewer, &st, 2)) {
            return Err(Errno::EPERM);
        }
        let (parent, name) = self.entry_parent(viewer, new)?;
        if let (Loc::Overlay { sb: a, .. }, Loc::Overlay { sb: b, path: dpath, .. }) = (&src.loc, &parent.loc) {
            if a != b {
                return Err(Errno::EXDEV);
            }
            // overlayfs copies the file up and links it in the upper layer.
            let (upper, node) = self.writable(&src.loc)?;
            let dir = self.copy_up(*b, &dpath.clone())?;
            self.tree_link_entry(&Loc::Tree { sb: upper, ino: dir }, &name, node)?;
            if let Some(n) = self.vfs.tree_mut(upper).and_then(|t| t.nodes.get_mut(node)) {
                n.nlink += 1;
            }
            return Ok(());
        }
        let (Loc::Tree { sb: s1, ino: node }, Loc::Tree { sb: s2, .. }) = (&src.loc, &parent.loc) else {
            return Err(Errno::EXDEV);
        };
        if s1 != s2 {
            return Err(Errno::EXDEV);
        }
        let (sb, node) = (*s1, *node);
        self.tree_link_entry(&parent.loc, &name, node)?;
        if let Some(n) = self.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(node)) {
            n.nlink += 1;
        }
        self.touch_dir(&parent.loc, 0);
        Ok(())
    }

    /// `rename(2)`: moves an entry within one filesystem, replacing a file (or an empty
    /// directory when moving a directory) at the destination.
    pub fn rename(&mut self, viewer: Pid, old: &str, new: &str) -> Result<(), Errno> {
        let src = self.resolve(viewer, old, false)?;
        let sst = self.stat_loc(&src.loc).ok_or(Errno::ENOENT)?;
        if self.is_mount_point(viewer, &src.path) {
            return Err(Errno::EBUSY);
        }
        let (sparent, sname) = self.entry_parent(viewer, old)?;
        let (dparent, dname) = self.entry_parent(viewer, new)?;
        let same_fs = match (&sparent.loc, &dparent.loc) {
            (Loc::Tree { sb: a, .. }, Loc::Tree { sb: b, .. }) => a == b,
            (Loc::Overlay { sb: a, .. }, Loc::Overlay { sb: b, .. }) if a == b => {
                return self.overlay_rename(viewer, &src, sst.ftype, &sparent, &sname, &dparent, &dname);
            }
            _ => false,
        };
        if !same_fs {
            return Err(Errno::EXDEV);
        }
        let dest_path = format!("{}/{}", dparent.path.trim_end_matches('/'), dname);
        if sst.ftype == FileType::Dir && (dest_path == src.path || dest_path.starts_with(&format!("{}/", src.path))) {
            if dest_path == src.path {
                return Ok(());
            }
            return Err(Errno::EINVAL);
        }
        if let Ok(d) = self.resolve(viewer, new, false) {
            if d.loc == src.loc {
                return Ok(());
            }
            let dst = self.stat_loc(&d.loc).ok_or(Errno::ENOENT)?;
            match (sst.ftype == FileType::Dir, dst.ftype == FileType::Dir) {
                (true, true) => {
                    if !self.read_dir(viewer, &d.loc)?.is_empty() {
                        return Err(Errno::ENOTEMPTY);
                    }
                    self.tree_unlink_entry(&dparent.loc, &dname)?;
                    self.touch_dir(&dparent.loc, -1);
                }
                (true, false) => return Err(Errno::ENOTDIR),
                (false, true) => return Err(Errno::EISDIR),
                (false, false) => {
                    let gone = self.tree_unlink_entry(&dparent.loc, &dname)?;
                    if let Loc::Tree { sb, .. } = dparent.loc {
                        if let Some(n) = self.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(gone)) {
                            n.nlink = n.nlink.saturating_sub(1);
                        }
                    }
                }
            }
        }
        // Re-resolve: removing the destination may have changed nothing else.
        let (sparent, _) = self.entry_parent(viewer, old)?;
        let (dparent, _) = self.entry_parent(viewer, new)?;
        let node = self.tree_unlink_entry(&sparent.loc, &sname)?;
        self.tree_link_entry(&dparent.loc, &dname, node)?;
        let is_dir = sst.ftype == FileType::Dir;
        self.touch_dir(&sparent.loc, if is_dir { -1 } else { 0 });
        self.touch_dir(&dparent.loc, if is_dir { 1 } else { 0 });
        Ok(())
    }

    /// rename(2) inside an overlay: a file is copied up, linked under the new name in the
    /// upper layer, and its old name removed (a whiteout if a lower layer has it). Renaming a
    /// directory a lower layer holds fails with EXDEV, as overlayfs without redirect_dir
    /// does (`mv` then copies).
    #[allow(clippy::too_many_arguments)]
    fn overlay_rename(&mut self, viewer: Pid, src: &Resolved, ftype: FileType, sparent: &Resolved, sname: &str, dparent: &Resolved, dname: &str) -> Result<(), Errno> {
        let Loc::Overlay { sb, layer, .. } = &src.loc else { return Err(Errno::EXDEV) };
        let upper = *self.overlay_layers(*sb)?.first().ok_or(Errno::EIO)?;
        if ftype == FileType::Dir && *layer != upper {
            return Err(Errno::EXDEV);
        }
        if let Ok(d) = self.resolve(viewer, &format!("{}/{dname}", dparent.path.trim_end_matches('/')), false) {
            let dst = self.stat_loc(&d.loc).ok_or(Errno::ENOENT)?;
            if dst.ftype == FileType::Dir {
                return Err(if ftype == FileType::Dir { Errno::EXDEV } else { Errno::EISDIR });
            }
            self.remove_at(&dparent.loc, dname)?;
        }
        let (_, node) = self.writable(&src.loc)?;
        let Loc::Overlay { path: dpath, .. } = &dparent.loc else { return Err(Errno::EXDEV) };
        let dir = self.copy_up(*sb, &dpath.clone())?;
        self.tree_link_entry(&Loc::Tree { sb: upper, ino: dir }, dname, node)?;
        self.remove_at(&sparent.loc, sname)?;
        self.touch_dir(&sparent.loc, 0);
        Ok(())
    }

    /// `utimensat(2)` for the modification time (following symlinks when asked).
    pub fn utimes(&mut self, viewer: Pid, path: &str, mtime: i64, follow: bool) -> Result<(), Errno> {
        let r = self.resolve(viewer, path, follow)?;
        let st = self.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
        let uid = self.procs.get(&viewer).map(|p| p.uid).ok_or(Errno::ESRCH)?;
        if uid != 0 && uid != st.uid && !self.may(viewer, &st, 2) {
            return Err(Errno::EACCES);
        }
        self.check_mount_writable(viewer, &r.path)?;
        let (sb, ino) = self.writable(&r.loc).map_err(|_| Errno::EPERM)?;
        let n = self.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(ino)).ok_or(Errno::ENOENT)?;
        n.mtime = mtime;
        Ok(())
    }

    /// `chown(2)` as root (following symlinks); None leaves that id as it is.
    pub fn chown(&mut self, viewer: Pid, path: &str, uid: Option<u32>, gid: Option<u32>) -> Result<(), Errno> {
        let r = self.resolve(viewer, path, true)?;
        if self.procs.get(&viewer).map(|p| p.uid).ok_or(Errno::ESRCH)? != 0 {
            return Err(Errno::EPERM);
        }
        let (sb, ino) = self.writable(&r.loc).map_err(|_| Errno::EPERM)?;
        let n = self.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(ino)).ok_or(Errno::ENOENT)?;
        if let Some(u) = uid {
            n.uid = u;
        }
        if let Some(g) = gid {
            n.gid = g;
        }
        Ok(())
    }

    /// `chmod(2)`: the permission bits of a file the caller owns (or any, as root).
    pub fn chmod(&mut self, viewer: Pid, path: &str, perm: u32) -> Result<(), Errno> {
        let r = self.resolve(viewer, path, true)?;
        let st = self.stat_loc(&r.loc).ok_or(Errno::ENOENT)?;
        let uid = self.procs.get(&viewer).map(|p| p.uid).ok_or(Errno::ESRCH)?;
        if uid != 0 && uid != st.uid {
            return Err(Errno::EPERM);
        }
        self.check_mount_writable(viewer, &r.path)?;
        let (sb, ino) = self.writable(&r.loc).map_err(|_| Errno::EPERM)?;
        let n = self.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(ino)).ok_or(Errno::ENOENT)?;
        n.perm = perm & 0o7777;
        Ok(())
    }
}
