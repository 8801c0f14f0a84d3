//! `GET /system/df` (`docker system df`): the layers' total size, the images with how many
//! containers use them and the size they share with other images, the containers with the
//! size of their writable layer, the volumes with their size and users, and the build cache
//! (none: nothing is built through BuildKit here).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::containers::{list_entry, Container};
use super::volumes::{tree_size, usage_json};
use super::Dockerd;
use crate::image::digest::Digest;
use crate::kernel::Kernel;
use crate::sort::SortSlice;

/// The bytes in a container's writable layer (`SizeRw`).
pub fn size_rw(d: &Dockerd, k: &Kernel, c: &Container) -> u64 {
    if let Some(size) = d.containerd.as_ref().and_then(|rt| rt.upper_size(&c.id)) {
        return size;
    }
    tree_size(k, d.daemon_pid(), &format!("{}/{}/diff", super::store::OVERLAY2, c.rootfs.cache_id))
}

pub fn system_df(d: &Dockerd, k: &Kernel) -> Value {
    // How many images use each layer: a layer of two or more is shared.
    let mut users: BTreeMap<&Digest, usize> = BTreeMap::new();
    for img in d.store.images.values() {
        for ch in &img.chain {
            *users.entry(ch).or_default() += 1;
        }
    }
    let layers_size: u64 = d.store.layers.values().map(|l| l.size).sum();
    let mut imgs: Vec<_> = d.store.images.values().collect();
    imgs.sort_stable_by_key(|i| std::cmp::Reverse((super::images::created_unix(i), i.id.clone())));
    let images: Vec<Value> = imgs
        .iter()
        .map(|i| {
            let size = d.store.size(i);
            let shared: u64 = i.chain.iter().filter(|ch| users.get(ch).copied().unwrap_or(0) > 1).filter_map(|ch| d.store.layers.get(ch)).map(|l| l.size).sum();
            json!({
                "Containers": d.containers.values().filter(|c| c.image_id == i.id).count(),
                "Created": super::images::created_unix(i),
                "Id": i.id.0,
                "Labels": i.config.config.labels,
                "ParentId": "",
                "RepoDigests": if i.repo_digests.is_empty() { if i.repo_tags.is_empty() { json!(["<none>@<none>"]) } else { Value::Null } } else { json!(i.repo_digests) },
                "RepoTags": if i.repo_tags.is_empty() { json!(["<none>:<none>"]) } else { json!(i.repo_tags) },
                "SharedSize": shared,
                "Size": size,
                "VirtualSize": size
            })
        })
        .collect();
    let mut cs: Vec<&Container> = d.containers.values().collect();
    cs.sort_stable_by_key(|c| std::cmp::Reverse((c.created.secs, c.created.nanos)));
    let containers: Vec<Value> = cs
        .iter()
        .map(|c| with_sizes(d, k, c))
        .collect();
    let volumes: Vec<Value> = d.volumes.values().map(|v| usage_json(d, k, v)).collect();
    json!({
        "LayersSize": layers_size,
        "Images": images,
        "Containers": containers,
        "Volumes": volumes,
        "BuildCache": null,
        "BuilderSize": 0
    })
}

/// A container as `/containers/json?size=1` and `/system/df` list it: `SizeRw` and
/// `SizeRootFs` (each omitted when 0) after `Ports`.
pub fn with_sizes(d: &Dockerd, k: &Kernel, c: &Container) -> Value {
    let entry = list_entry(d, k, c);
    let rw = size_rw(d, k, c);
    let root = rw + d.store.images.get(&c.image_id).map(|i| d.store.size(i)).unwrap_or(0);
    let mut out = serde_json::Map::new();
    for (key, v) in entry.as_object().into_iter().flatten() {
        out.insert(key.clone(), v.clone());
        if key == "Ports" {
            if rw > 0 {
                out.insert("SizeRw".into(), json!(rw));
            }
            if root > 0 {
                out.insert("SizeRootFs".into(), json!(root));
            }
        }
    }
    Value::Object(out)
}
