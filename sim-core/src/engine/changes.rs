//! `GET /containers/{id}/changes` (`docker diff`): what the container's writable layer holds
//! against the layers below it (the init layer and the image's), as moby's overlay
//! `changes` walk reports it: a whiteout is a deletion (`D`, Kind 2); anything else is an
//! addition (`A`, 1) unless a lower layer has the path, then a modification (`C`, 0); the
//! parent of an addition or deletion is a modification too. A directory that exists below
//! counts as modified: its copy in the upper layer never has the lower one's size.
//!
//! Order: real dockerd walks the upper directory in the order the disk lists it (hash
//! order on xfs and ext4, so it varies by machine); the simulation walks it by name.

use serde_json::{json, Value};

use super::containers::Container;
use super::Dockerd;
use crate::kernel::vfs::{Ino, NodeKind, SbKind, TreeFs};
use crate::kernel::Kernel;

/// Entries visited at most (a layer of a few thousand files is the most a learner makes).
const MAX_VISIT: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Modify = 0,
    Add = 1,
    Delete = 2,
}

/// The changes of container `c`, in the API's JSON (`null` when there are none).
pub fn json(k: &Kernel, d: &Dockerd, c: &Container) -> Value {
    let list = changes(k, d, c);
    if list.is_empty() {
        return Value::Null;
    }
    Value::Array(list.into_iter().map(|(path, kind)| json!({ "Path": path, "Kind": kind as u8 })).collect())
}

/// The tree filesystem of superblock `sb` (a layer, an upper dir), if it is one.
pub fn tree(k: &Kernel, sb: usize) -> Option<&TreeFs> {
    match k.vfs.sbs.get(sb).map(|s| &s.kind) {
        Some(SbKind::Tree(t)) => Some(t),
        _ => None,
    }
}

pub fn changes(k: &Kernel, d: &Dockerd, c: &Container) -> Vec<(String, Kind)> {
    let Some(upper) = tree(k, c.rootfs.upper_sb) else { return Vec::new() };
    let image_sbs: Vec<usize> = d
        .store
        .images
        .get(&c.image_id)
        .map(|img| img.chain.iter().rev().filter_map(|chain| d.store.layers.get(chain)).map(|l| l.sb).collect())
        .unwrap_or_default();
    let lowers: Vec<&TreeFs> = std::iter::once(c.rootfs.init_sb).chain(image_sbs).filter_map(|sb| tree(k, sb)).collect();
    let mut walk = Walk { upper, lowers, out: Vec::new(), changed_dirs: Vec::new(), visited: 0 };
    walk.dir("", 0, 0);
    walk.out
}

struct Walk<'a> {
    upper: &'a TreeFs,
    lowers: Vec<&'a TreeFs>,
    out: Vec<(String, Kind)>,
    changed_dirs: Vec<String>,
    visited: usize,
}

/// Directories deeper than this are not walked (PATH_MAX allows about 2000 levels).
const MAX_DEPTH: usize = 1024;

impl Walk<'_> {
    /// The changes under directory `path` (inode `ino` of the upper layer), depth first by name.
    fn dir(&mut self, path: &str, ino: Ino, depth: usize) {
        let upper = self.upper;
        let Some(NodeKind::Dir(children)) = upper.node(ino).map(|n| &n.kind) else { return };
        for (name, child) in children.iter() {
            self.visited += 1;
            if self.visited > MAX_VISIT {
                return;
            }
            let Some(n) = upper.node(*child) else { continue };
            let p = format!("{path}/{name}");
            let is_dir = matches!(n.kind, NodeKind::Dir(_) | NodeKind::Subtree(_));
            let below = self.lowers.iter().any(|l| exists(l, &p));
            let kind = if n.is_whiteout() || (is_dir && n.is_opaque() && below) {
                Kind::Delete
            } else if below {
                Kind::Modify
            } else {
                Kind::Add
            };
            if is_dir {
                self.changed_dirs.push(p.clone());
            }
            // The parent of an addition or a deletion is modified (not `/`).
            if kind != Kind::Modify && !path.is_empty() && !self.changed_dirs.iter().any(|d| d == path) {
                self.out.push((path.to_string(), Kind::Modify));
                self.changed_dirs.push(path.to_string());
            }
            self.out.push((p.clone(), kind));
            if is_dir && !n.is_whiteout() && depth < MAX_DEPTH {
                self.dir(&p, *child, depth + 1);
            }
        }
    }
}

/// Whether a layer has `path` (not as a whiteout).
pub fn exists(t: &TreeFs, path: &str) -> bool {
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    match t.walk(&comps) {
        Ok(ino) => t.node(ino).is_some_and(|n| !n.is_whiteout()),
        Err(_) => false,
    }
}
