//! dockerd's own file operations on the host (as root, in the host's mount namespace): the
//! layer directories under `/var/lib/docker`, container files, the socket. They go through
//! the VFS like any process's writes, so what the daemon makes is what `ls` on the host shows.

use crate::kernel::vfs::{split_parent, Node, NodeKind};
use crate::kernel::{Errno, Kernel, Pid};

/// Creates every missing directory of `path` (mode 0700 for Docker's private dirs, else 0755).
pub fn mkdir_p(k: &mut Kernel, pid: Pid, path: &str, perm: u32) -> Result<(), Errno> {
    let mut cur = String::new();
    for c in path.split('/').filter(|c| !c.is_empty()) {
        let parent = if cur.is_empty() { "/".to_string() } else { cur.clone() };
        cur = format!("{cur}/{c}");
        if k.resolve(pid, &cur, true).is_ok() {
            continue;
        }
        let dir = k.resolve(pid, &parent, true)?;
        let now = k.now;
        k.create_at(&dir.loc, c, Node::dir(perm, 0, 0, now))?;
    }
    Ok(())
}

/// Puts `node` at `path` (replacing what was there), creating parent directories.
pub fn put(k: &mut Kernel, pid: Pid, path: &str, node: Node) -> Result<(), Errno> {
    let (dir, name) = split_parent(path);
    mkdir_p(k, pid, dir, 0o755)?;
    let d = k.resolve(pid, dir, true)?;
    if k.resolve(pid, path, false).is_ok() {
        k.remove_at(&d.loc, name)?;
    }
    k.create_at(&d.loc, name, node)
}

pub fn write(k: &mut Kernel, pid: Pid, path: &str, data: &[u8], perm: u32) -> Result<(), Errno> {
    let now = k.now;
    put(k, pid, path, Node::file(data.to_vec(), perm, 0, 0, now))
}

pub fn symlink(k: &mut Kernel, pid: Pid, path: &str, target: &str) -> Result<(), Errno> {
    let now = k.now;
    put(k, pid, path, Node::other(NodeKind::Symlink(target.to_string()), 0o777, 0, 0, now))
}

/// Shows filesystem `sb` at `path` (a layer's `diff` directory is the layer itself).
pub fn graft(k: &mut Kernel, pid: Pid, path: &str, sb: usize) -> Result<(), Errno> {
    let now = k.now;
    put(k, pid, path, Node::other(NodeKind::Subtree(sb), 0o755, 0, 0, now))
}

/// Removes `path` and everything under it, if it exists.
pub fn remove_all(k: &mut Kernel, pid: Pid, path: &str) -> Result<(), Errno> {
    let (dir, name) = split_parent(path);
    let Ok(d) = k.resolve(pid, dir, true) else { return Ok(()) };
    if k.resolve(pid, path, false).is_err() {
        return Ok(());
    }
    k.remove_at(&d.loc, name)
}

pub fn read(k: &Kernel, pid: Pid, path: &str) -> Option<Vec<u8>> {
    let r = k.resolve(pid, path, true).ok()?;
    k.read_loc(pid, &r.loc).ok()
}
