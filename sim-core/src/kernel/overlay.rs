//! overlayfs as Docker's overlay2 driver uses it: a container's `/` is the image's layers
//! (read-only, shared by every container of the image) under the container's own upper layer.
//!
//! Lookup goes from the top layer down: a whiteout (character device 0/0) hides the name in
//! the layers below, a directory marked `trusted.overlay.opaque=y` hides everything below it,
//! and a non-directory ends the search. Writing copies the file (and its parent directories)
//! up into the upper layer first; deleting something a lower layer has leaves a whiteout.

use std::collections::BTreeMap;

use super::vfs::{Ino, Loc, Node, NodeKind, SbKind, TreeFs, OPAQUE_XATTR};
use super::{Errno, Kernel};

/// Deepest copy-up the kernel performs: bounded by the path length limit anyway.
const MAX_DEPTH: usize = 2048;

impl Kernel {
    /// Creates an overlay superblock over existing tree superblocks.
    pub fn add_overlay(&mut self, lower: Vec<usize>, upper: usize) -> usize {
        self.vfs.add_sb("overlay", SbKind::Overlay { lower, upper }, 0, 0)
    }

    /// The layers of overlay `ov`, topmost (the upper) first.
    pub fn overlay_layers(&self, ov: usize) -> Result<Vec<usize>, Errno> {
        match self.vfs.sbs.get(ov).map(|s| &s.kind) {
            Some(SbKind::Overlay { lower, upper }) => {
                let mut v = vec![*upper];
                v.extend(lower.iter().copied());
                Ok(v)
            }
            _ => Err(Errno::EINVAL),
        }
    }

    /// The stack of directories that make up `comps` in overlay `ov` (topmost first), or the
    /// one non-directory that the path names.
    fn overlay_stack(&self, ov: usize, comps: &[&str]) -> Result<Vec<(usize, Ino)>, Errno> {
        let mut stack: Vec<(usize, Ino)> = Vec::new();
        for layer in self.overlay_layers(ov)? {
            let t = self.vfs.tree(layer).ok_or(Errno::EIO)?;
            let root = t.node(0).ok_or(Errno::EIO)?;
            stack.push((layer, 0));
            if root.is_opaque() {
                break;
            }
        }
        for c in comps {
            // Walking on through a file fails like any lookup below a non-directory.
            if let Some(&(layer, ino)) = stack.first() {
                let n = self.vfs.tree(layer).and_then(|t| t.node(ino)).ok_or(Errno::EIO)?;
                if !matches!(n.kind, NodeKind::Dir(_)) {
                    return Err(Errno::ENOTDIR);
                }
            }
            let mut next = Vec::new();
            for &(layer, dir) in &stack {
                let t = self.vfs.tree(layer).ok_or(Errno::EIO)?;
                let Ok(ino) = t.child(dir, c) else { continue };
                let n = t.node(ino).ok_or(Errno::EIO)?;
                if n.is_whiteout() {
                    break;
                }
                if !matches!(n.kind, NodeKind::Dir(_)) {
                    // A file shadows everything below; below a directory it is hidden.
                    if next.is_empty() {
                        next.push((layer, ino));
                    }
                    break;
                }
                next.push((layer, ino));
                if n.is_opaque() {
                    break;
                }
            }
            if next.is_empty() {
                return Err(Errno::ENOENT);
            }
            stack = next;
        }
        Ok(stack)
    }

    /// How many layers have a directory at `path` (1 for a directory only one layer has).
    pub fn overlay_layers_at(&self, ov: usize, path: &[String]) -> usize {
        let comps: Vec<&str> = path.iter().map(String::as_str).collect();
        self.overlay_stack(ov, &comps).map(|s| s.len()).unwrap_or(1)
    }

    /// What `comps` names inside overlay `ov`.
    pub fn overlay_lookup(&self, ov: usize, comps: &[&str]) -> Result<Loc, Errno> {
        let stack = self.overlay_stack(ov, comps)?;
        let &(layer, ino) = stack.first().ok_or(Errno::ENOENT)?;
        Ok(Loc::Overlay { sb: ov, path: comps.iter().map(|c| c.to_string()).collect(), layer, ino })
    }

    /// The merged directory listing: every name from every layer of the stack, minus the
    /// whited-out ones, each shown by its topmost layer.
    pub fn overlay_read_dir(&self, ov: usize, path: &[String]) -> Result<Vec<(String, Loc)>, Errno> {
        let comps: Vec<&str> = path.iter().map(String::as_str).collect();
        let stack = self.overlay_stack(ov, &comps)?;
        let mut seen: BTreeMap<String, Option<Loc>> = BTreeMap::new();
        for (layer, dir) in stack {
            let t = self.vfs.tree(layer).ok_or(Errno::EIO)?;
            let entries = match &t.node(dir).ok_or(Errno::EIO)?.kind {
                NodeKind::Dir(e) => e,
                _ => return Err(Errno::ENOTDIR),
            };
            for (name, &ino) in entries {
                if seen.contains_key(name) {
                    continue;
                }
                let n = t.node(ino).ok_or(Errno::EIO)?;
                let shown = if n.is_whiteout() {
                    None
                } else {
                    let mut p = path.to_vec();
                    p.push(name.clone());
                    Some(Loc::Overlay { sb: ov, path: p, layer, ino })
                };
                seen.insert(name.clone(), shown);
            }
        }
        Ok(seen.into_iter().filter_map(|(n, l)| l.map(|l| (n, l))).collect())
    }

    /// Copies `path` up into the upper layer (parents first) and returns its inode there.
    pub fn copy_up(&mut self, ov: usize, path: &[String]) -> Result<Ino, Errno> {
        if path.len() > MAX_DEPTH {
            return Err(Errno::ENAMETOOLONG);
        }
        let upper = *self.overlay_layers(ov)?.first().ok_or(Errno::EIO)?;
        let mut dir: Ino = 0;
        for i in 0..path.len() {
            let name = path[i].as_str();
            let existing = self.vfs.tree(upper).ok_or(Errno::EIO)?.child(dir, name).ok();
            let upper_node = existing.and_then(|ino| self.vfs.tree(upper).and_then(|t| t.node(ino)));
            if let Some(n) = upper_node {
                if !n.is_whiteout() {
                    dir = existing.ok_or(Errno::EIO)?;
                    continue;
                }
            }
            // Not in the upper layer yet: copy the visible node, without its children.
            let comps: Vec<&str> = path[..=i].iter().map(String::as_str).collect();
            let Loc::Overlay { layer, ino, .. } = self.overlay_lookup(ov, &comps)? else { return Err(Errno::EIO) };
            let src = self.vfs.tree(layer).and_then(|t| t.node(ino)).ok_or(Errno::EIO)?;
            let mut copy = src.clone();
            if let NodeKind::Dir(_) = copy.kind {
                copy.kind = NodeKind::Dir(BTreeMap::new());
                copy.nlink = 2;
                copy.xattrs.remove(OPAQUE_XATTR);
            }
            let t = self.vfs.tree_mut(upper).ok_or(Errno::EIO)?;
            dir = insert_keep_attrs(t, dir, name, copy)?;
        }
        Ok(dir)
    }

    /// Removes `name` from overlay directory `dir`: from the upper layer if it is there, and a
    /// whiteout in its place if a lower layer still has it.
    pub fn overlay_remove(&mut self, ov: usize, dir: &[String], name: &str) -> Result<(), Errno> {
        let layers = self.overlay_layers(ov)?;
        let mut full = dir.to_vec();
        full.push(name.to_string());
        let comps: Vec<&str> = full.iter().map(String::as_str).collect();
        // Does anything below the upper layer show through at this path?
        let stack = self.overlay_stack(ov, &comps)?;
        let in_lower = stack.iter().any(|(l, _)| Some(l) != layers.first());
        let upper = *layers.first().ok_or(Errno::EIO)?;
        let parent = self.copy_up(ov, dir)?;
        let t = self.vfs.tree_mut(upper).ok_or(Errno::EIO)?;
        if let Some(NodeKind::Dir(e)) = t.nodes.get_mut(parent).map(|n| &mut n.kind) {
            e.remove(name);
        }
        if in_lower {
            let mtime = t.node(parent).map(|n| n.mtime).unwrap_or(0);
            t.insert(parent, name, Node::other(NodeKind::CharDev(0, 0), 0, 0, 0, mtime))?;
        }
        Ok(())
    }

    /// Creates `node` as `name` in overlay directory `dir` (copied up first). A directory
    /// created where a lower layer's entry was deleted is opaque, as overlayfs makes it.
    pub fn overlay_create(&mut self, ov: usize, dir: &[String], name: &str, mut node: Node) -> Result<Ino, Errno> {
        let upper = *self.overlay_layers(ov)?.first().ok_or(Errno::EIO)?;
        let parent = self.copy_up(ov, dir)?;
        let t = self.vfs.tree(upper).ok_or(Errno::EIO)?;
        let over_whiteout = t.child(parent, name).ok().and_then(|i| t.node(i)).map(Node::is_whiteout).unwrap_or(false);
        if over_whiteout && matches!(node.kind, NodeKind::Dir(_)) {
            node.xattrs.insert(OPAQUE_XATTR.to_string(), b"y".to_vec());
        }
        let t = self.vfs.tree_mut(upper).ok_or(Errno::EIO)?;
        t.insert(parent, name, node)
    }
}

/// Inserts a copied-up node, keeping its link count and attributes as they were.
fn insert_keep_attrs(t: &mut TreeFs, dir: Ino, name: &str, node: Node) -> Result<Ino, Errno> {
    let nlink = node.nlink;
    let ino = t.insert(dir, name, node)?;
    if let Some(n) = t.nodes.get_mut(ino) {
        n.nlink = nlink;
    }
    Ok(ino)
}
