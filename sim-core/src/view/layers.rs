//! A container's root filesystem as overlay2 stacks it: the container's upper layer (what
//! the learner changed: new files, files copied up from below before a write, whiteouts
//! where something was deleted), the init layer dockerd writes (`/etc/hosts`, ...), then
//! the image's layers, read-only and shared with every container of the image.

use crate::sort::SortSlice;
use serde::Serialize;

use crate::engine::changes::{exists, tree};
use crate::engine::containers::Container;
use crate::engine::store::OVERLAY2;
use crate::engine::Dockerd;
use crate::kernel::vfs::{Ino, NodeKind, TreeFs};
use crate::kernel::Kernel;

/// Entries listed per layer; the rest are counted.
const MAX_ENTRIES: usize = 200;
/// Entries visited per layer (an image layer has thousands of files at most).
const MAX_VISIT: usize = 50_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerFsView {
    /// Without the leading slash.
    pub name: String,
    pub short_id: String,
    pub image: String,
    pub running: bool,
    /// Where overlay2 mounts the merged view on the daemon's machine.
    pub merged: String,
    /// Topmost first: the upper layer, the init layer, then the image's layers.
    pub layers: Vec<LayerView>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// The container's writable layer (`upperdir`).
    Upper,
    /// `<id>-init`: what dockerd prepares for every container.
    Init,
    /// A layer of the image (read-only, shared).
    Image,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerView {
    pub kind: LayerKind,
    /// The directory under /var/lib/docker/overlay2/.
    pub dir: String,
    /// For an image layer: its diff ID (`sha256:...`), shortened to 12 hex digits.
    pub diff_id: String,
    /// Files, links and devices in the layer (directories not counted).
    pub files: usize,
    pub bytes: u64,
    /// What the layer holds: for the upper layer every change, else its entries.
    pub entries: Vec<LayerEntry>,
    /// Entries not listed.
    pub more: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In a read-only layer, or in the init layer: just there.
    Present,
    /// New in the upper layer: nothing below has this path.
    Added,
    /// In the upper layer and in a layer below: copied up when it was written.
    CopiedUp,
    /// A character device 0/0 in the upper layer: the path below is deleted.
    Whiteout,
    /// A directory marked opaque: nothing below it shows through.
    Opaque,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerEntry {
    pub path: String,
    /// `ls -l`'s type letter: `-`, `d`, `l`, `c`, `b`, `p`, `s`.
    pub ftype: char,
    pub change: Change,
    pub size: u64,
}

/// The layers of every container of the daemon `d` running on kernel `k`, in the order
/// dockerd lists them (newest first).
pub fn containers(k: &Kernel, d: &Dockerd) -> Vec<ContainerFsView> {
    let mut list: Vec<&Container> = d.containers.values().collect();
    list.sort_stable_by(|a, b| (b.created.secs, b.created.nanos).cmp(&(a.created.secs, a.created.nanos)).then_with(|| a.id.cmp(&b.id)));
    list.into_iter().map(|c| container(k, d, c)).collect()
}

fn container(k: &Kernel, d: &Dockerd, c: &Container) -> ContainerFsView {
    let image_layers: Vec<(String, String, usize)> = d
        .store
        .images
        .get(&c.image_id)
        .map(|img| {
            img.chain
                .iter()
                .rev()
                .filter_map(|chain| d.store.layers.get(chain))
                .map(|l| (l.cache_id.clone(), l.diff_id.hex().chars().take(12).collect::<String>(), l.sb))
                .collect()
        })
        .unwrap_or_default();
    let lowers: Vec<&TreeFs> = std::iter::once(c.rootfs.init_sb).chain(image_layers.iter().map(|l| l.2)).filter_map(|sb| tree(k, sb)).collect();
    let mut layers = Vec::new();
    if let Some(t) = tree(k, c.rootfs.upper_sb) {
        layers.push(layer(LayerKind::Upper, format!("{}/diff", c.rootfs.cache_id), String::new(), t, &lowers));
    }
    if let Some(t) = tree(k, c.rootfs.init_sb) {
        layers.push(layer(LayerKind::Init, format!("{}-init/diff", c.rootfs.cache_id), String::new(), t, &[]));
    }
    for (cache, diff, sb) in &image_layers {
        if let Some(t) = tree(k, *sb) {
            layers.push(layer(LayerKind::Image, format!("{cache}/diff"), diff.clone(), t, &[]));
        }
    }
    ContainerFsView {
        name: c.name.trim_start_matches('/').to_string(),
        short_id: c.short_id().to_string(),
        image: c.image.clone(),
        running: c.state.running,
        merged: format!("{OVERLAY2}/{}/merged", c.rootfs.cache_id),
        layers,
    }
}

/// One layer's entries (files, links, devices, empty directories). With `below` (the upper
/// layer), entries are classified against the layers below.
fn layer(kind: LayerKind, dir: String, diff_id: String, t: &TreeFs, below: &[&TreeFs]) -> LayerView {
    let mut out = LayerView { kind, dir, diff_id, files: 0, bytes: 0, entries: Vec::new(), more: 0 };
    let mut stack: Vec<(String, Ino)> = vec![(String::new(), 0)];
    let mut visited = 0;
    while let Some((path, ino)) = stack.pop() {
        let Some(node) = t.node(ino) else { continue };
        let NodeKind::Dir(children) = &node.kind else { continue };
        // Reversed so that the stack pops them in name order.
        for (name, child) in children.iter().rev() {
            visited += 1;
            if visited > MAX_VISIT {
                return out;
            }
            let Some(n) = t.node(*child) else { continue };
            let p = format!("{path}/{name}");
            let (ftype, size) = match &n.kind {
                NodeKind::Dir(_) | NodeKind::Subtree(_) => ('d', 0),
                NodeKind::File { size, .. } => ('-', *size),
                NodeKind::Symlink(target) => ('l', target.len() as u64),
                NodeKind::CharDev(..) => ('c', 0),
                NodeKind::BlockDev(..) => ('b', 0),
                NodeKind::Fifo => ('p', 0),
                NodeKind::Socket => ('s', 0),
            };
            let change = if kind != LayerKind::Upper {
                Change::Present
            } else if n.is_whiteout() {
                Change::Whiteout
            } else if ftype == 'd' && n.is_opaque() {
                Change::Opaque
            } else if below.iter().any(|l| exists(l, &p)) {
                Change::CopiedUp
            } else {
                Change::Added
            };
            if ftype == 'd' {
                stack.push((p.clone(), *child));
            } else {
                out.files += 1;
                out.bytes += size;
            }
            // Directories are listed when they are a change of their own (new, opaque) or
            // empty; one that exists below is only the way to a change deeper down.
            let empty_dir = matches!(&n.kind, NodeKind::Dir(c) if c.is_empty());
            let shown = ftype != 'd' || empty_dir || matches!(change, Change::Added | Change::Opaque);
            if shown {
                if out.entries.len() < MAX_ENTRIES {
                    out.entries.push(LayerEntry { path: p, ftype, change, size });
                } else {
                    out.more += 1;
                }
            }
        }
    }
    out.entries.sort_stable_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Profile, Terminal, TerminalConfig};

    fn run(profile: Profile, lines: &[&str]) -> Terminal {
        let mut t = Terminal::new(profile, TerminalConfig::default());
        let mut now = profile.session_start();
        for l in lines {
            now += 1;
            t.run(l, now);
        }
        t
    }

    fn fs(t: &Terminal) -> Vec<ContainerFsView> {
        let (d, k) = match (&t.kernel.docker, &t.kernel.guest) {
            (Some(d), _) => (d.as_ref(), &t.kernel),
            (None, Some(g)) => (g.kernel.docker.as_deref().expect("dockerd"), &g.kernel),
            _ => panic!("no daemon"),
        };
        containers(k, d)
    }

    #[test]
    fn a_fresh_container_has_upper_init_and_image_layers() {
        let t = run(Profile::Linux, &["docker run -d --name nginx -p 8080:80 nginx:1.21-alpine"]);
        let v = fs(&t);
        assert_eq!(v.len(), 1);
        let c = &v[0];
        assert_eq!((c.name.as_str(), c.running), ("nginx", true));
        let kinds: Vec<LayerKind> = c.layers.iter().map(|l| l.kind).collect();
        assert_eq!(kinds[..2], [LayerKind::Upper, LayerKind::Init]);
        assert_eq!(kinds.len(), 2 + 6, "nginx:1.21-alpine has six layers");
        let init = &c.layers[1];
        let init_paths: Vec<&str> = init.entries.iter().map(|e| e.path.as_str()).collect();
        assert!(init_paths.contains(&"/etc/hosts") && init_paths.contains(&"/.dockerenv"), "{init_paths:?}");
        let base = c.layers.last().expect("alpine");
        assert!(base.files > 50, "{}", base.files);
        assert!(base.entries.iter().any(|e| e.path == "/bin/busybox"), "{:?}", base.entries);
        assert!(base.entries.iter().all(|e| e.change == Change::Present));
        assert_eq!(base.diff_id.len(), 12);
    }

    #[test]
    fn changes_show_as_copy_up_added_and_whiteout() {
        let t = run(
            Profile::Linux,
            &[
                "docker run -d --name nginx nginx:1.21-alpine",
                "docker exec nginx sh -c 'echo hi >> /etc/nginx/nginx.conf; echo new > /tmp/new.txt; rm /etc/motd'",
            ],
        );
        let v = fs(&t);
        let upper = &v[0].layers[0];
        let find = |p: &str| upper.entries.iter().find(|e| e.path == p).map(|e| (e.ftype, e.change));
        assert_eq!(find("/etc/nginx/nginx.conf"), Some(('-', Change::CopiedUp)), "{:?}", upper.entries);
        assert_eq!(find("/tmp/new.txt"), Some(('-', Change::Added)), "{:?}", upper.entries);
        assert_eq!(find("/etc/motd"), Some(('c', Change::Whiteout)), "{:?}", upper.entries);
        assert_eq!(find("/etc"), None, "a directory on the way is not a change");
    }

    #[test]
    fn desktop_layers_are_read_in_the_vm() {
        let t = run(Profile::RancherDesktopM1, &["docker run -d --name nginx nginx:1.21-alpine"]);
        let v = fs(&t);
        assert_eq!(v.len(), 1);
        assert!(v[0].layers.len() > 2);
    }
}
