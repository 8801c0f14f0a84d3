//! Applying a layer tarball's entries to a layer directory (overlay2's `diff`), converting
//! OCI whiteouts as Docker's overlay2 driver stores them: `.wh.NAME` becomes a character
//! device 0/0 named NAME, `.wh..wh..opq` marks the directory `trusted.overlay.opaque=y`.
//!
//! A layer is applied into a fresh tree and only kept when every entry applied, so a hostile
//! tarball changes nothing. Nothing is ever followed out of the layer: a path through a symlink
//! and a hard link to something the layer does not have are refused.

use std::collections::BTreeMap;

use super::tarball::{Entry, EntryKind};
use crate::kernel::vfs::{Ino, Node, NodeKind, TreeFs, OPAQUE_XATTR};

pub const WHITEOUT_PREFIX: &str = ".wh.";
pub const OPAQUE_MARKER: &str = ".wh..wh..opq";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayerError {
    /// A path component is `..` or the path is empty.
    Breakout(String),
    /// A parent of `path` is a symlink (writing through it could leave the layer).
    ThroughSymlink { path: String, link: String },
    /// A parent of `path` exists and is not a directory.
    NotADirectory(String),
    /// A hard link whose target the layer does not hold.
    InvalidHardlink { path: String, target: String },
    /// A whiteout that names nothing (`.wh.`).
    BadWhiteout(String),
}

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayerError::Breakout(p) => write!(f, "{p:?} is outside of \"/\""),
            LayerError::ThroughSymlink { path, link } => {
                write!(f, "invalid path {path:?}: parent {link:?} is a symlink")
            }
            LayerError::NotADirectory(p) => write!(f, "mkdir {p}: not a directory"),
            LayerError::InvalidHardlink { path, target } => write!(f, "invalid hardlink {path:?} -> {target:?}"),
            LayerError::BadWhiteout(p) => write!(f, "invalid whiteout {p:?}"),
        }
    }
}

/// A layer's directory tree and the facts `docker images` sums up.
#[derive(Clone, Debug)]
pub struct AppliedLayer {
    pub tree: TreeFs,
    /// Bytes of regular files and symlink targets, hard links counted once (moby's
    /// `directory.Size` over the layer's diff directory).
    pub size: u64,
}

/// Applies `entries` in order to an empty layer directory whose root has `root_mtime`.
pub fn apply(entries: &[Entry], root_mtime: i64) -> Result<AppliedLayer, LayerError> {
    let mut tree = TreeFs::new(0o755, root_mtime);
    for e in entries {
        apply_one(&mut tree, e)?;
    }
    let size = tree_size(&tree);
    Ok(AppliedLayer { tree, size })
}

fn comps(path: &str) -> Result<Vec<&str>, LayerError> {
    let c: Vec<&str> = path.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    if c.is_empty() || c.contains(&"..") {
        return Err(LayerError::Breakout(path.to_string()));
    }
    Ok(c)
}

/// Finds (creating with 0755 where missing) the directory holding the last component.
fn parent_dir(tree: &mut TreeFs, path: &str, parents: &[&str], mtime: i64) -> Result<Ino, LayerError> {
    let mut cur = 0;
    for (i, c) in parents.iter().enumerate() {
        match tree.child(cur, c) {
            Ok(ino) => match tree.node(ino).map(|n| &n.kind) {
                Some(NodeKind::Dir(_)) => cur = ino,
                Some(NodeKind::Symlink(_)) => {
                    return Err(LayerError::ThroughSymlink { path: path.to_string(), link: parents[..=i].join("/") })
                }
                _ => return Err(LayerError::NotADirectory(parents[..=i].join("/"))),
            },
            Err(_) => {
                cur = tree
                    .insert(cur, c, Node::dir(0o755, 0, 0, mtime))
                    .map_err(|_| LayerError::Breakout(path.to_string()))?;
            }
        }
    }
    Ok(cur)
}

fn apply_one(tree: &mut TreeFs, e: &Entry) -> Result<(), LayerError> {
    // `.` (or `./`) is the layer's root directory: only its attributes change.
    if e.path.split('/').all(|c| c.is_empty() || c == ".") {
        if e.kind == EntryKind::Dir {
            if let Some(n) = tree.nodes.get_mut(0) {
                (n.perm, n.uid, n.gid, n.mtime) = (e.mode & 0o7777, e.uid, e.gid, e.mtime);
            }
        }
        return Ok(());
    }
    let c = comps(&e.path)?;
    let (name, parents) = c.split_last().ok_or_else(|| LayerError::Breakout(e.path.clone()))?;
    let dir = parent_dir(tree, &e.path, parents, e.mtime)?;
    if *name == OPAQUE_MARKER {
        if let Some(n) = tree.nodes.get_mut(dir) {
            n.xattrs.insert(OPAQUE_XATTR.to_string(), b"y".to_vec());
        }
        return Ok(());
    }
    if let Some(hidden) = name.strip_prefix(WHITEOUT_PREFIX) {
        if hidden.is_empty() || hidden == "." || hidden == ".." {
            return Err(LayerError::BadWhiteout(e.path.clone()));
        }
        let node = Node::other(NodeKind::CharDev(0, 0), 0, 0, 0, e.mtime);
        return tree.insert(dir, hidden, node).map(|_| ()).map_err(|_| LayerError::BadWhiteout(e.path.clone()));
    }
    let kind = match &e.kind {
        EntryKind::Dir => {
            // A directory entry over an existing directory only changes its attributes.
            if let Ok(ino) = tree.child(dir, name) {
                if let Some(n) = tree.nodes.get_mut(ino) {
                    if matches!(n.kind, NodeKind::Dir(_)) {
                        (n.perm, n.uid, n.gid, n.mtime) = (e.mode & 0o7777, e.uid, e.gid, e.mtime);
                        return Ok(());
                    }
                }
            }
            NodeKind::Dir(BTreeMap::new())
        }
        // A file of zeros is kept hollow: its size without the bytes (what a hollow image
        // binary is); reading it gives the zeros back.
        EntryKind::File(data) if data.len() > 4096 && data.iter().all(|b| *b == 0) => {
            NodeKind::File { data: Vec::new(), size: data.len() as u64 }
        }
        EntryKind::File(data) => NodeKind::File { data: data.clone(), size: e.size.max(data.len() as u64) },
        EntryKind::Symlink(t) => NodeKind::Symlink(t.clone()),
        EntryKind::Hardlink(target) => return link(tree, e, dir, name, target),
        EntryKind::CharDev(a, b) => NodeKind::CharDev(*a, *b),
        EntryKind::BlockDev(a, b) => NodeKind::BlockDev(*a, *b),
        EntryKind::Fifo => NodeKind::Fifo,
    };
    let mut node = Node::other(kind, e.mode & 0o7777, e.uid, e.gid, e.mtime);
    if matches!(node.kind, NodeKind::Dir(_)) {
        node.nlink = 2;
    }
    tree.insert(dir, name, node).map(|_| ()).map_err(|_| LayerError::Breakout(e.path.clone()))
}

/// A hard link: the same inode under a second name, inside this layer only.
fn link(tree: &mut TreeFs, e: &Entry, dir: Ino, name: &str, target: &str) -> Result<(), LayerError> {
    let bad = || LayerError::InvalidHardlink { path: e.path.clone(), target: target.to_string() };
    let tc = comps(target).map_err(|_| bad())?;
    let ino = tree.walk(&tc).map_err(|_| bad())?;
    match tree.node(ino).map(|n| &n.kind) {
        Some(NodeKind::Dir(_)) | None => return Err(bad()),
        Some(_) => {}
    }
    match tree.nodes.get_mut(dir).map(|n| &mut n.kind) {
        Some(NodeKind::Dir(entries)) => {
            entries.insert(name.to_string(), ino);
        }
        _ => return Err(bad()),
    }
    if let Some(n) = tree.nodes.get_mut(ino) {
        n.nlink += 1;
    }
    Ok(())
}

/// Apparent size of a tree as moby's `directory.Size` counts it.
pub fn tree_size(tree: &TreeFs) -> u64 {
    let mut seen = vec![false; tree.nodes.len()];
    let mut total = 0u64;
    let mut stack = vec![0usize];
    while let Some(ino) = stack.pop() {
        let Some(n) = tree.node(ino) else { continue };
        match &n.kind {
            NodeKind::Dir(e) => stack.extend(e.values().copied()),
            _ if seen.get(ino).copied().unwrap_or(true) => {}
            NodeKind::File { size, .. } => total += size,
            NodeKind::Symlink(t) => total += t.len() as u64,
            _ => {}
        }
        if let Some(s) = seen.get_mut(ino) {
            *s = true;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, kind: EntryKind) -> Entry {
        let size = if let EntryKind::File(d) = &kind { d.len() as u64 } else { 0 };
        Entry { path: path.into(), kind, mode: 0o644, uid: 0, gid: 0, mtime: 1, size }
    }

    #[test]
    fn whiteouts_become_char_devices_and_opaque_dirs() {
        let l = apply(
            &[
                entry("etc", EntryKind::Dir),
                entry("etc/.wh.motd", EntryKind::File(vec![])),
                entry("var/.wh..wh..opq", EntryKind::File(vec![])),
            ],
            0,
        )
        .expect("applies");
        let motd = l.tree.walk(&["etc", "motd"]).expect("whiteout present");
        assert!(l.tree.node(motd).expect("node").is_whiteout());
        let var = l.tree.walk(&["var"]).expect("parent created");
        assert!(l.tree.node(var).expect("node").is_opaque());
    }

    #[test]
    fn hostile_paths_are_refused() {
        assert!(matches!(apply(&[entry("../x", EntryKind::Dir)], 0), Err(LayerError::Breakout(_))));
        let through = apply(&[entry("l", EntryKind::Symlink("/etc".into())), entry("l/passwd", EntryKind::File(b"x".to_vec()))], 0);
        assert!(matches!(through, Err(LayerError::ThroughSymlink { .. })));
        let hl = apply(&[entry("h", EntryKind::Hardlink("etc/passwd".into()))], 0);
        assert!(matches!(hl, Err(LayerError::InvalidHardlink { .. })));
        assert!(matches!(apply(&[entry("a/.wh.", EntryKind::File(vec![]))], 0), Err(LayerError::BadWhiteout(_))));
    }

    #[test]
    fn hard_links_share_the_inode_and_count_once() {
        let l = apply(&[entry("a", EntryKind::File(b"12345".to_vec())), entry("b", EntryKind::Hardlink("a".into()))], 0)
            .expect("applies");
        assert_eq!(l.tree.walk(&["a"]), l.tree.walk(&["b"]));
        assert_eq!(l.size, 5);
        assert_eq!(l.tree.node(l.tree.walk(&["a"]).expect("a")).expect("n").nlink, 2);
    }
}
