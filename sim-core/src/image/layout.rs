//! Image archives: the OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/...`) with
//! Docker's `manifest.json` beside it, as `docker save` writes since Docker 25 and as Docker 20's
//! `docker load` reads; and reading either kind back for `docker load`.

use crate::sort::SortSlice;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::build::{BuiltImage, BuiltRepo};
use super::digest::Digest;
use super::oci::{self, Descriptor, Index, Manifest, Platform};
use super::tarball::{self, Entry, EntryKind, Limits};

/// Files of an archive by path, in the order they are written.
pub type Files = BTreeMap<String, Vec<u8>>;

/// One entry of Docker's `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveManifest {
    #[serde(rename = "Config")]
    pub config: String,
    #[serde(rename = "RepoTags", default)]
    pub repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers")]
    pub layers: Vec<String>,
}

/// `alpine:3.15` -> `docker.io/library/alpine:3.15`, as containerd names images.
pub fn full_name(name: &str) -> String {
    let (repo, tag) = split_tag(name);
    let first = repo.split('/').next().unwrap_or("");
    let has_registry = repo.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let repo = if has_registry {
        repo.to_string()
    } else if repo.contains('/') {
        format!("docker.io/{repo}")
    } else {
        format!("docker.io/library/{repo}")
    };
    format!("{repo}:{tag}")
}

/// `nginx:1.21-alpine` -> (`nginx`, `1.21-alpine`); no tag means `latest`.
pub fn split_tag(name: &str) -> (&str, &str) {
    match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (name, "latest"),
    }
}

fn blob_path(d: &Digest) -> String {
    format!("blobs/sha256/{}", d.hex())
}

/// The OCI layout of `repos` (every platform), with a `manifest.json` naming the image of
/// `platform` for each tag so that `docker load` of Docker 20 takes it too.
pub fn write(repos: &[&BuiltRepo], platform: &Platform) -> Files {
    let mut files = Files::new();
    files.insert("oci-layout".into(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec());
    let mut index = Index { schema_version: 2, media_type: Some(oci::MEDIA_INDEX.into()), manifests: Vec::new() };
    let mut save: Vec<SaveManifest> = Vec::new();
    for repo in repos {
        for img in &repo.images {
            put_image(&mut files, img);
            let (_, tag) = split_tag(&repo.name);
            let mut ann = BTreeMap::new();
            ann.insert("io.containerd.image.name".to_string(), full_name(&repo.name));
            ann.insert(oci::REF_NAME.to_string(), tag.to_string());
            index.manifests.push(Descriptor {
                media_type: oci::MEDIA_MANIFEST.into(),
                digest: img.manifest_digest().0,
                size: img.manifest_bytes.len() as u64,
                annotations: Some(ann),
                platform: Some(img.config.platform()),
            });
        }
        if let Some(img) = repo.for_platform(platform) {
            save.push(SaveManifest {
                config: blob_path(&img.id()),
                repo_tags: Some(vec![repo.name.clone()]),
                layers: img.layers.iter().map(|l| blob_path(&l.digest)).collect(),
            });
        }
    }
    files.insert("index.json".into(), oci::to_bytes(&index));
    files.insert("manifest.json".into(), oci::to_bytes(&save));
    files
}

fn put_image(files: &mut Files, img: &BuiltImage) {
    files.insert(blob_path(&img.id()), img.config_bytes.clone());
    files.insert(blob_path(&img.manifest_digest()), img.manifest_bytes.clone());
    for l in &img.layers {
        files.insert(blob_path(&l.digest), l.blob.clone());
    }
}

/// The archive as a tar (directories first, then files, sorted): same files, same bytes.
pub fn to_tar(files: &Files, mtime: i64) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for path in files.keys() {
        let mut p = path.as_str();
        while let Some((parent, _)) = p.rsplit_once('/') {
            if !dirs.iter().any(|d| d == parent) {
                dirs.push(parent.to_string());
            }
            p = parent;
        }
    }
    dirs.sort_stable();
    for d in dirs {
        entries.push(Entry { path: d, kind: EntryKind::Dir, mode: 0o755, uid: 0, gid: 0, mtime, size: 0 });
    }
    for (path, data) in files {
        entries.push(Entry { path: path.clone(), kind: EntryKind::File(data.clone()), mode: 0o644, uid: 0, gid: 0, mtime, size: data.len() as u64 });
    }
    tarball::write_tar(&entries)
}

/// An image found in an archive: its config and its layer blobs, bottom first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedImage {
    pub config_bytes: Vec<u8>,
    pub config: oci::ImageConfig,
    pub layers: Vec<Vec<u8>>,
    pub repo_tags: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The archive is not a tar, or is damaged.
    Tar(String),
    /// Neither `manifest.json` nor `index.json`: Docker 20 looks for the legacy `repositories`.
    NoManifest,
    /// A file the manifest names is missing.
    Missing(String),
    /// A JSON document does not parse.
    BadJson { file: String, error: String },
    /// No image in the index for the engine's platform.
    NoPlatform(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Tar(e) => write!(f, "{e}"),
            LoadError::NoManifest => write!(f, "open /var/lib/docker/tmp/docker-import-1046253014/repositories: no such file or directory"),
            LoadError::Missing(p) => write!(f, "open /var/lib/docker/tmp/docker-import-1046253014/{p}: no such file or directory"),
            LoadError::BadJson { file, error } => write!(f, "{file}: {error}"),
            LoadError::NoPlatform(p) => write!(f, "no matching manifest for {p} in the manifest list entries"),
        }
    }
}

/// Reads the files of a (possibly gzipped) tar archive.
pub fn read_files(bytes: &[u8], limits: &Limits) -> Result<Files, LoadError> {
    let entries = tarball::read_layer(bytes, limits).map_err(|e| LoadError::Tar(e.to_string()))?;
    Ok(entries
        .into_iter()
        .filter_map(|e| match e.kind {
            EntryKind::File(d) => Some((e.path, d)),
            _ => None,
        })
        .collect())
}

fn json<T: for<'de> Deserialize<'de>>(files: &Files, path: &str) -> Result<T, LoadError> {
    let bytes = files.get(path).ok_or_else(|| LoadError::Missing(path.to_string()))?;
    serde_json::from_slice(bytes).map_err(|e| LoadError::BadJson { file: path.to_string(), error: e.to_string() })
}

/// The images of an archive: by `manifest.json` when present, else by the OCI `index.json`
/// (the manifest for `platform` under each tag).
pub fn read(files: &Files, platform: &Platform) -> Result<Vec<LoadedImage>, LoadError> {
    if files.contains_key("manifest.json") {
        let save: Vec<SaveManifest> = json(files, "manifest.json")?;
        return save
            .into_iter()
            .map(|m| {
                let config_bytes = files.get(&m.config).cloned().ok_or_else(|| LoadError::Missing(m.config.clone()))?;
                let config = serde_json::from_slice(&config_bytes)
                    .map_err(|e| LoadError::BadJson { file: m.config.clone(), error: e.to_string() })?;
                let layers = m
                    .layers
                    .iter()
                    .map(|l| files.get(l).cloned().ok_or_else(|| LoadError::Missing(l.clone())))
                    .collect::<Result<_, _>>()?;
                Ok(LoadedImage { config_bytes, config, layers, repo_tags: m.repo_tags.unwrap_or_default() })
            })
            .collect();
    }
    if !files.contains_key("index.json") {
        return Err(LoadError::NoManifest);
    }
    let index: Index = json(files, "index.json")?;
    let mut out = Vec::new();
    for d in index.manifests {
        if let Some(p) = &d.platform {
            if !p.matches(platform) {
                continue;
            }
        }
        let name = d.annotations.as_ref().and_then(|a| a.get("io.containerd.image.name")).cloned();
        let manifest: Manifest = json(files, &blob_of(&d.digest))?;
        let config_path = blob_of(&manifest.config.digest);
        let config_bytes = files.get(&config_path).cloned().ok_or_else(|| LoadError::Missing(config_path.clone()))?;
        let config = serde_json::from_slice(&config_bytes)
            .map_err(|e| LoadError::BadJson { file: config_path.clone(), error: e.to_string() })?;
        let layers = manifest
            .layers
            .iter()
            .map(|l| files.get(&blob_of(&l.digest)).cloned().ok_or_else(|| LoadError::Missing(blob_of(&l.digest))))
            .collect::<Result<_, _>>()?;
        let repo_tags = name.map(|n| vec![n.trim_start_matches("docker.io/library/").trim_start_matches("docker.io/").to_string()]);
        out.push(LoadedImage { config_bytes, config, layers, repo_tags: repo_tags.unwrap_or_default() });
    }
    if out.is_empty() {
        return Err(LoadError::NoPlatform(platform.to_string_full()));
    }
    Ok(out)
}

fn blob_of(digest: &str) -> String {
    format!("blobs/sha256/{}", digest.strip_prefix("sha256:").unwrap_or(digest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::catalog;

    #[test]
    fn names() {
        assert_eq!(full_name("alpine:3.15"), "docker.io/library/alpine:3.15");
        assert_eq!(full_name("bitnami/mysql"), "docker.io/bitnami/mysql:latest");
        assert_eq!(full_name("localhost:5000/x:1"), "localhost:5000/x:1");
        assert_eq!(split_tag("localhost:5000/x"), ("localhost:5000/x", "latest"));
    }

    #[test]
    fn written_archives_read_back() {
        let repos = catalog::build_matching(&|n| n == "alpine:3.15").expect("builds");
        let amd = Platform::parse("linux/amd64").expect("p");
        let files = write(&[&repos[0]], &amd);
        let tar = to_tar(&files, 0);
        let back = read_files(&tar, &Limits::default()).expect("reads");
        assert_eq!(back, files);
        let imgs = read(&back, &amd).expect("images");
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].repo_tags, ["alpine:3.15"]);
        // Without manifest.json the OCI index is used, per platform.
        let mut oci_only = back.clone();
        oci_only.remove("manifest.json");
        let arm = read(&oci_only, &Platform::parse("linux/arm64/v8").expect("p")).expect("arm64");
        assert_eq!(arm[0].config.architecture, "arm64");
        let mut none = oci_only.clone();
        none.remove("index.json");
        assert_eq!(read(&none, &amd), Err(LoadError::NoManifest));
    }
}
