//! What dockerd and runc do at start for a container's volumes and bind mounts: a missing
//! host directory of a `-v /host:/ctr` is made, an empty volume is filled with what the
//! image has at the mount point (`copyExistingContents`, ownership and mode too), the mount
//! point is made in the container's root, and the host directory is bind-mounted there in
//! the container's mount namespace (`/dev/nvme0n1p1 on /data type xfs (rw,...)`: a bind of
//! the host's disk, like /etc/hosts).

use super::hostfs;
use super::mounts::{mount_order, MountPoint};
use crate::kernel::vfs::{FileType, Loc, Node, NodeKind};
use crate::kernel::{Kernel, Pid};

/// A bind mount ready to be made: where, what (superblock and node), and its options.
pub struct PreparedBind {
    pub target: String,
    pub sb: usize,
    pub ino: usize,
    pub read_only: bool,
}

/// The host side and the mount point of each mount, in runc's order. `init` sees the
/// container's root (mounted already) and nothing over it yet.
pub fn prepare(k: &mut Kernel, daemon: Pid, init: Pid, points: &[MountPoint]) -> Vec<PreparedBind> {
    let mut out = Vec::new();
    for mp in mount_order(points) {
        let host = mp.host_path();
        if mp.kind == "bind" && k.resolve(daemon, &host, true).is_err() {
            // `-v /host:/ctr` of a missing path: dockerd makes the directory.
            let _ = hostfs::mkdir_p(k, daemon, &host, 0o755);
        }
        if mp.volume.is_some() && mp.copy_data {
            copy_up(k, init, &mp.destination, daemon, &host);
        }
        let Ok(src) = k.resolve(daemon, &host, true) else { continue };
        let Loc::Tree { sb, ino } = src.loc else { continue };
        let is_dir = k.stat_loc(&src.loc).map(|s| s.ftype) == Some(FileType::Dir);
        make_mount_point(k, init, &mp.destination, is_dir);
        out.push(PreparedBind { target: mp.destination.clone(), sb, ino, read_only: !mp.rw });
    }
    out
}

/// runc creates the mount point in the container's root: directories, or an empty file for
/// a file's bind.
fn make_mount_point(k: &mut Kernel, init: Pid, dest: &str, is_dir: bool) {
    let mut cur = String::new();
    let comps: Vec<&str> = dest.split('/').filter(|c| !c.is_empty()).collect();
    for (i, c) in comps.iter().enumerate() {
        cur = format!("{cur}/{c}");
        if k.resolve(init, &cur, true).is_ok() {
            continue;
        }
        if i + 1 == comps.len() && !is_dir {
            let _ = k.write_file(init, &cur, b"", false);
        } else {
            let _ = k.mkdir(init, &cur, 0o755);
        }
    }
}

/// Fills an empty volume directory with the image's content at `dest` (seen by `init`), and
/// gives the directory the image directory's owner and mode.
fn copy_up(k: &mut Kernel, init: Pid, dest: &str, daemon: Pid, host: &str) {
    let Ok(src) = k.resolve(init, dest, true) else { return };
    let Some(st) = k.stat_loc(&src.loc) else { return };
    if st.ftype != FileType::Dir {
        return;
    }
    let Ok(dst) = k.resolve(daemon, host, true) else { return };
    if !k.read_dir(daemon, &dst.loc).map(|e| e.is_empty()).unwrap_or(false) {
        return;
    }
    copy_dir(k, init, &src.loc, &dst.loc);
    if let Loc::Tree { sb, ino } = dst.loc {
        if let Some(n) = k.vfs.tree_mut(sb).and_then(|t| t.nodes.get_mut(ino)) {
            n.perm = st.perm;
            n.uid = st.uid;
            n.gid = st.gid;
        }
    }
}

/// Copies the entries of directory `from` into the (host tree) directory `to`.
fn copy_dir(k: &mut Kernel, viewer: Pid, from: &Loc, to: &Loc) {
    let Ok(entries) = k.read_dir(viewer, from) else { return };
    for (name, loc) in entries {
        let Some(node) = k.node_of(&loc).cloned() else { continue };
        match node.kind {
            NodeKind::Dir(_) => {
                let dir = Node::dir(node.perm, node.uid, node.gid, node.mtime);
                if k.create_at(to, &name, dir).is_err() {
                    continue;
                }
                let Loc::Tree { sb, ino } = to else { continue };
                let Some(child) = k.vfs.tree(*sb).and_then(|t| t.child(*ino, &name).ok()) else { continue };
                copy_dir(k, viewer, &loc, &Loc::Tree { sb: *sb, ino: child });
            }
            NodeKind::Subtree(_) => {}
            _ => {
                let mut copy = node.clone();
                copy.nlink = 1;
                let _ = k.create_at(to, &name, copy);
            }
        }
    }
}
