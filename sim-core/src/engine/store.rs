//! dockerd's image store with the overlay2 graph driver: layers by chain ID, each unpacked
//! once into its own filesystem and shown on the host as
//! `/var/lib/docker/overlay2/<cache-id>/{diff,link,lower,work,committed}` with a short link
//! `l/<26 chars> -> ../<cache-id>/diff`; images by config digest with their tags.

use std::collections::BTreeMap;

use super::hostfs;
use crate::image::digest::{chain_ids, Digest};
use crate::image::layer;
use crate::image::oci::ImageConfig;
use crate::image::tarball::{self, Limits};
use crate::kernel::vfs::SbKind;
use crate::kernel::{Kernel, Pid};

pub const OVERLAY2: &str = "/var/lib/docker/overlay2";

#[derive(Clone, Debug)]
pub struct StoredLayer {
    pub chain_id: Digest,
    pub diff_id: Digest,
    pub parent: Option<Digest>,
    /// The directory name under overlay2/ (random, as Docker's cache IDs are).
    pub cache_id: String,
    /// The 26-character short name under overlay2/l/.
    pub link: String,
    /// The superblock holding the layer's files.
    pub sb: usize,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct StoredImage {
    pub id: Digest,
    pub config: ImageConfig,
    pub config_bytes: Vec<u8>,
    pub repo_tags: Vec<String>,
    pub repo_digests: Vec<String>,
    /// Chain IDs of the layers, bottom first.
    pub chain: Vec<Digest>,
    pub last_tag_time: i64,
    /// `Imported from -` for `docker import`.
    pub comment: Option<String>,
    pub docker_version: String,
}

#[derive(Clone, Debug, Default)]
pub struct ImageStore {
    pub images: BTreeMap<Digest, StoredImage>,
    pub layers: BTreeMap<Digest, StoredLayer>,
    /// Registry blob digest -> diff ID, so a pull knows which layers it already has.
    pub blob_diff_ids: BTreeMap<Digest, Digest>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    Layer(String),
    /// The config's diff_ids do not match the layers given.
    DiffIdMismatch { expected: Digest, got: Digest },
    Config(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Layer(e) => f.write_str(e),
            StoreError::DiffIdMismatch { expected, got } => {
                write!(f, "invalid diffID for layer: expected {expected:?}, got {got:?}")
            }
            StoreError::Config(e) => f.write_str(e),
        }
    }
}

/// 64 lowercase hex digits from the kernel's random stream (container and cache IDs).
pub fn random_hex64(k: &mut Kernel) -> String {
    (0..4).map(|_| format!("{:016x}", k.random())).collect()
}

/// Docker's short layer link names: 26 characters of base32 (A-Z, 2-7).
pub fn random_link(k: &mut Kernel) -> String {
    const ALPHA: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut s = String::with_capacity(26);
    let mut bits = 0u64;
    let mut left = 0;
    for _ in 0..26 {
        if left < 5 {
            bits = k.random();
            left = 64;
        }
        s.push(ALPHA[(bits & 31) as usize] as char);
        bits >>= 5;
        left -= 5;
    }
    s
}

impl ImageStore {
    /// Unpacks a layer (a tar, gzipped or not) on top of `parent`, unless the store has it.
    pub fn add_layer(&mut self, k: &mut Kernel, daemon: Pid, parent: Option<&Digest>, blob: &[u8]) -> Result<Digest, StoreError> {
        self.add_layer_limited(k, daemon, parent, blob, &Limits::default())
    }

    /// A layer from the simulation's own registry: its hollow files compress far beyond what
    /// a tarball from outside may, so only the size limits apply.
    pub fn add_trusted_layer(&mut self, k: &mut Kernel, daemon: Pid, parent: Option<&Digest>, blob: &[u8]) -> Result<Digest, StoreError> {
        let limits = Limits { max_compression_ratio: u64::MAX, ..Limits::default() };
        self.add_layer_limited(k, daemon, parent, blob, &limits)
    }

    fn add_layer_limited(&mut self, k: &mut Kernel, daemon: Pid, parent: Option<&Digest>, blob: &[u8], limits: &Limits) -> Result<Digest, StoreError> {
        let raw = if tarball::is_gzip(blob) {
            tarball::gunzip(blob, limits).map_err(|e| StoreError::Layer(e.to_string()))?
        } else {
            blob.to_vec()
        };
        let diff_id = Digest::of(&raw);
        let chain_id = match parent {
            None => diff_id.clone(),
            Some(p) => Digest::of(format!("{p} {diff_id}").as_bytes()),
        };
        if self.layers.contains_key(&chain_id) {
            return Ok(chain_id);
        }
        let entries = tarball::read_layer(&raw, limits).map_err(|e| StoreError::Layer(e.to_string()))?;
        let applied = layer::apply(&entries, k.now).map_err(|e| StoreError::Layer(e.to_string()))?;
        let sb = k.vfs.add_sb("xfs", SbKind::Tree(applied.tree), 0, 0);
        let cache_id = random_hex64(k);
        let link = random_link(k);
        let dir = format!("{OVERLAY2}/{cache_id}");
        let lower = parent.map(|p| self.lower_of(p)).unwrap_or_default();
        let _ = hostfs::mkdir_p(k, daemon, &dir, 0o710);
        let _ = hostfs::graft(k, daemon, &format!("{dir}/diff"), sb);
        let _ = hostfs::write(k, daemon, &format!("{dir}/link"), link.as_bytes(), 0o644);
        if !lower.is_empty() {
            let _ = hostfs::write(k, daemon, &format!("{dir}/lower"), lower.as_bytes(), 0o644);
            let _ = hostfs::mkdir_p(k, daemon, &format!("{dir}/work"), 0o700);
        }
        let _ = hostfs::write(k, daemon, &format!("{dir}/committed"), b"", 0o600);
        let _ = hostfs::symlink(k, daemon, &format!("{OVERLAY2}/l/{link}"), &format!("../{cache_id}/diff"));
        self.layers.insert(
            chain_id.clone(),
            StoredLayer { chain_id: chain_id.clone(), diff_id, parent: parent.cloned(), cache_id, link, sb, size: applied.size },
        );
        Ok(chain_id)
    }

    /// The `lower` file of a layer stacked on `top`: `l/TOP:l/BELOW:...`, topmost first.
    pub fn lower_of(&self, top: &Digest) -> String {
        let mut out = Vec::new();
        let mut cur = self.layers.get(top);
        while let Some(l) = cur {
            out.push(format!("l/{}", l.link));
            cur = l.parent.as_ref().and_then(|p| self.layers.get(p));
        }
        out.join(":")
    }

    /// Registers an image whose layers are all in the store.
    pub fn add_image(&mut self, config_bytes: Vec<u8>, now: i64, comment: Option<String>, docker_version: &str) -> Result<Digest, StoreError> {
        let config: ImageConfig = serde_json::from_slice(&config_bytes).map_err(|e| StoreError::Config(e.to_string()))?;
        let diff_ids: Vec<Digest> = config.rootfs.diff_ids.iter().map(|d| Digest(d.clone())).collect();
        let chain = chain_ids(&diff_ids);
        for (c, d) in chain.iter().zip(&diff_ids) {
            match self.layers.get(c) {
                Some(l) if &l.diff_id == d => {}
                Some(l) => return Err(StoreError::DiffIdMismatch { expected: d.clone(), got: l.diff_id.clone() }),
                None => return Err(StoreError::Layer(format!("layer {c} not found"))),
            }
        }
        let id = Digest::of(&config_bytes);
        let entry = self.images.entry(id.clone()).or_insert(StoredImage {
            id: id.clone(),
            config,
            config_bytes,
            repo_tags: Vec::new(),
            repo_digests: Vec::new(),
            chain,
            last_tag_time: now,
            comment,
            docker_version: docker_version.to_string(),
        });
        entry.last_tag_time = now;
        Ok(id)
    }

    /// Points `name` (repo:tag) at image `id`, taking it from any other image. Returns the
    /// image that lost the tag, if one did.
    pub fn tag(&mut self, id: &Digest, name: &str, now: i64) -> Option<Digest> {
        let mut lost = None;
        for img in self.images.values_mut() {
            if &img.id != id && img.repo_tags.iter().any(|t| t == name) {
                img.repo_tags.retain(|t| t != name);
                lost = Some(img.id.clone());
            }
        }
        if let Some(img) = self.images.get_mut(id) {
            if !img.repo_tags.iter().any(|t| t == name) {
                img.repo_tags.push(name.to_string());
            }
            img.last_tag_time = now;
        }
        lost
    }

    /// Finds an image by `name:tag` (tag defaults to latest), full or short ID, or digest.
    pub fn lookup(&self, reference: &str) -> Option<&StoredImage> {
        let normalized = normalize_ref(reference);
        if let Some(i) = self.images.values().find(|i| i.repo_tags.contains(&normalized)) {
            return Some(i);
        }
        if let Some(i) = self.images.values().find(|i| i.repo_digests.iter().any(|d| d == reference)) {
            return Some(i);
        }
        let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
        if hex.len() >= 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let found: Vec<&StoredImage> = self.images.values().filter(|i| i.id.hex().starts_with(hex)).collect();
            if found.len() == 1 {
                return found.first().copied();
            }
        }
        None
    }

    /// Apparent size of an image: the sum of its layers.
    pub fn size(&self, img: &StoredImage) -> u64 {
        img.chain.iter().filter_map(|c| self.layers.get(c)).map(|l| l.size).sum()
    }

    /// The superblocks of an image's layers, topmost first (an overlay's lowerdir order).
    pub fn layer_sbs(&self, img: &StoredImage) -> Vec<usize> {
        img.chain.iter().rev().filter_map(|c| self.layers.get(c)).map(|l| l.sb).collect()
    }
}

/// `nginx` -> `nginx:latest`; `docker.io/library/nginx:1` -> `nginx:1`.
pub fn normalize_ref(r: &str) -> String {
    let r = r.strip_prefix("docker.io/").unwrap_or(r);
    let r = r.strip_prefix("library/").unwrap_or(r);
    let last = r.rsplit('/').next().unwrap_or(r);
    if last.contains(':') || r.contains('@') {
        r.to_string()
    } else {
        format!("{r}:latest")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize_like_docker() {
        assert_eq!(normalize_ref("nginx"), "nginx:latest");
        assert_eq!(normalize_ref("docker.io/library/nginx:1.21-alpine"), "nginx:1.21-alpine");
        assert_eq!(normalize_ref("localhost:5000/x"), "localhost:5000/x:latest");
    }
}
