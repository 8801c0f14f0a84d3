//! Building recipes into images: each ADD, COPY and RUN becomes a tar+gzip layer with real
//! digests; the other instructions change the config and leave an `empty_layer` history entry,
//! worded as Docker's classic builder words them. The same recipe gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use super::digest::Digest;
use super::oci::{self, Descriptor, History, ImageConfig, Manifest, Platform, RootFs, RunConfig};
use super::recipe::{Recipe, Step};
use super::tarball::{self, Entry, EntryKind};
use super::tree;

/// The PATH a `FROM scratch` image gets from the builder on Linux.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltLayer {
    /// The compressed blob as a registry serves it.
    pub blob: Vec<u8>,
    /// sha256 of the blob (the manifest's layer digest).
    pub digest: Digest,
    /// sha256 of the uncompressed tar (the config's diff_id).
    pub diff_id: Digest,
}

/// One platform's image: config, layers and manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltImage {
    pub config: ImageConfig,
    pub config_bytes: Vec<u8>,
    pub layers: Vec<BuiltLayer>,
    pub manifest_bytes: Vec<u8>,
}

impl BuiltImage {
    /// The image ID: the digest of the config.
    pub fn id(&self) -> Digest {
        Digest::of(&self.config_bytes)
    }
    pub fn manifest_digest(&self) -> Digest {
        Digest::of(&self.manifest_bytes)
    }
}

/// A tag's images for every platform, and the image index that lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltRepo {
    pub name: String,
    pub images: Vec<BuiltImage>,
    pub index_bytes: Vec<u8>,
}

impl BuiltRepo {
    pub fn index_digest(&self) -> Digest {
        Digest::of(&self.index_bytes)
    }
    /// The image for a platform, as an engine picks it from the index.
    pub fn for_platform(&self, want: &Platform) -> Option<&BuiltImage> {
        self.images.iter().find(|i| i.config.platform().matches(want))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a build reads: the recipe's own files, and images built before (for FROM).
pub trait BuildContext {
    fn file(&self, name: &str) -> Option<String>;
    fn base(&self, name: &str, platform: &Platform) -> Option<BuiltImage>;
    /// The real bytes of a hollow file (same path, same size), when a build for real
    /// machines has them (native-runner fills from a rootfs tarball); None keeps it hollow.
    fn fill(&self, _platform: &Platform, _path: &str, _size: u64) -> Option<Vec<u8>> {
        None
    }
}

pub fn build(recipe: &Recipe, ctx: &dyn BuildContext) -> Result<BuiltRepo, BuildError> {
    let mut images = Vec::new();
    for p in &recipe.platforms {
        images.push(build_platform(recipe, p, ctx)?);
    }
    let manifests = images
        .iter()
        .map(|i| Descriptor {
            media_type: oci::MEDIA_MANIFEST.into(),
            digest: i.manifest_digest().0,
            size: i.manifest_bytes.len() as u64,
            annotations: None,
            platform: Some(i.config.platform()),
        })
        .collect();
    let index = oci::Index { schema_version: 2, media_type: Some(oci::MEDIA_INDEX.into()), manifests };
    Ok(BuiltRepo { name: recipe.name.clone(), images, index_bytes: oci::to_bytes(&index) })
}

/// `${TARGETARCH}` and `${TARGETVARIANT}` in a source name, as BuildKit fills them.
fn for_platform(s: &str, p: &Platform) -> String {
    s.replace("${TARGETARCH}", &p.architecture).replace("${TARGETVARIANT}", p.variant.as_deref().unwrap_or(""))
}

fn layer_of(entries: &[Entry]) -> (BuiltLayer, Digest) {
    let tar = tarball::write_tar(entries);
    let diff_id = Digest::of(&tar);
    let blob = tarball::gzip(&tar);
    let digest = Digest::of(&blob);
    (BuiltLayer { blob, digest, diff_id: diff_id.clone() }, diff_id)
}

/// Entries for an ADD/COPY source placed under `dest` (inside it when `dest` is a directory
/// the build made, or ends with `/`).
fn source_entries(ctx: &dyn BuildContext, p: &Platform, src: &str, dest: &str, mtime: i64, dirs: &BTreeSet<String>) -> Result<Vec<Entry>, BuildError> {
    let text = ctx.file(src).ok_or_else(|| BuildError(format!("COPY failed: file not found in build context: {src}")))?;
    let into_dir = dest.ends_with('/') || dirs.contains(dest.trim_matches('/'));
    let dest = dest.trim_matches('/');
    let dest = if into_dir && !src.ends_with(".tree") {
        format!("{dest}/{}", src.rsplit('/').next().unwrap_or(src)).trim_start_matches('/').to_string()
    } else {
        dest.to_string()
    };
    let dest = dest.as_str();
    if src.ends_with(".tree") {
        let entries = tree::parse_with(&text, &|n| ctx.file(n)).map_err(|e| BuildError(format!("{src}: {e}")))?;
        return Ok(entries
            .into_iter()
            .map(|mut e| {
                if !dest.is_empty() {
                    e.path = format!("{dest}/{}", e.path);
                }
                if let EntryKind::File(d) = &e.kind {
                    if !d.is_empty() && d.iter().all(|b| *b == 0) {
                        if let Some(real) = ctx.fill(p, &e.path, e.size) {
                            e.kind = EntryKind::File(real);
                        }
                    }
                }
                e
            })
            .collect());
    }
    // A single file: its parent directories, then the file (executable if it is a script).
    let mut out = Vec::new();
    let parts: Vec<&str> = dest.split('/').filter(|c| !c.is_empty()).collect();
    for i in 1..parts.len() {
        out.push(Entry { path: parts[..i].join("/"), kind: EntryKind::Dir, mode: 0o755, uid: 0, gid: 0, mtime, size: 0 });
    }
    let mode = if text.starts_with("#!") { 0o775 } else { 0o644 };
    let size = text.len() as u64;
    out.push(Entry { path: dest.to_string(), kind: EntryKind::File(text.into_bytes()), mode, uid: 0, gid: 0, mtime, size });
    Ok(out)
}

/// Go's `%q`-joined form Docker uses in history: `["nginx" "-g" "daemon off;"]`.
fn go_list(v: &[String]) -> String {
    let q: Vec<String> = v.iter().map(|s| serde_json::to_string(s).unwrap_or_default()).collect();
    format!("[{}]", q.join(" "))
}

fn nop(text: String) -> String {
    format!("/bin/sh -c #(nop)  {text}")
}

fn build_platform(recipe: &Recipe, p: &Platform, ctx: &dyn BuildContext) -> Result<BuiltImage, BuildError> {
    let mtime = parse_rfc3339(&recipe.created).ok_or_else(|| BuildError(format!("bad created time {:?}", recipe.created)))?;
    let mut config = RunConfig::default();
    let mut history: Vec<History> = Vec::new();
    let mut layers: Vec<BuiltLayer> = Vec::new();
    let mut diff_ids: Vec<String> = Vec::new();
    let created = Some(recipe.created.clone());
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    let note_dirs = |dirs: &mut BTreeSet<String>, entries: &[Entry]| {
        dirs.extend(entries.iter().filter(|e| e.kind == EntryKind::Dir).map(|e| e.path.clone()));
    };
    for step in &recipe.steps {
        let (created_by, layer) = match step {
            Step::From(name) if name == "scratch" => {
                config.env = Some(vec![DEFAULT_PATH.to_string()]);
                continue;
            }
            Step::From(name) => {
                let base = ctx.base(name, p).ok_or_else(|| BuildError(format!("base image {name} not built for {}", p.to_string_full())))?;
                config = base.config.config.clone();
                history = base.config.history.clone();
                layers = base.layers.clone();
                diff_ids = base.config.rootfs.diff_ids.clone();
                continue;
            }
            Step::Add { copy, src, dest } => {
                let entries = source_entries(ctx, p, &for_platform(src, p), dest, mtime, &dirs)?;
                note_dirs(&mut dirs, &entries);
                let (layer, diff_id) = layer_of(&entries);
                let word = if *copy { "COPY" } else { "ADD" };
                (format!("/bin/sh -c #(nop) {word} file:{} in {dest} ", diff_id.hex()), Some(layer))
            }
            Step::Run { command, effects } => {
                let entries = match effects {
                    Some(f) => source_entries(ctx, p, &for_platform(f, p), "/", mtime, &dirs)?,
                    None => Vec::new(),
                };
                note_dirs(&mut dirs, &entries);
                (format!("/bin/sh -c {command}"), Some(layer_of(&entries).0))
            }
            Step::Env(kv) => {
                let env = config.env.get_or_insert_with(Vec::new);
                for (k, v) in kv {
                    env.retain(|e| e.split('=').next() != Some(k));
                    env.push(format!("{k}={v}"));
                }
                let shown: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
                (nop(format!("ENV {}", shown.join(" "))), None)
            }
            Step::Label(kv) => {
                let labels = config.labels.get_or_insert_with(BTreeMap::new);
                for (k, v) in kv {
                    labels.insert(k.clone(), v.clone());
                }
                let shown: Vec<String> = kv.iter().map(|(k, v)| format!("{k}={v}")).collect();
                (nop(format!("LABEL {}", shown.join(" "))), None)
            }
            Step::Workdir(d) => {
                config.working_dir = Some(d.clone());
                (format!("/bin/sh -c #(nop) WORKDIR {d}"), None)
            }
            Step::User(u) => {
                config.user = Some(u.clone());
                (nop(format!("USER {u}")), None)
            }
            Step::Expose(ports) => {
                let map = config.exposed_ports.get_or_insert_with(BTreeMap::new);
                for port in ports {
                    let key = if port.contains('/') { port.clone() } else { format!("{port}/tcp") };
                    map.insert(key, serde_json::json!({}));
                }
                (nop(format!("EXPOSE {}", ports.join(" "))), None)
            }
            Step::Entrypoint(v) => {
                config.entrypoint = Some(v.clone());
                config.cmd = None;
                (nop(format!("ENTRYPOINT {}", go_list(v))), None)
            }
            Step::Cmd(v) => {
                config.cmd = Some(v.clone());
                (nop(format!("CMD {}", go_list(v))), None)
            }
            Step::StopSignal(s) => {
                config.stop_signal = Some(s.clone());
                (nop(format!("STOPSIGNAL {s}")), None)
            }
            Step::Volume(v) => {
                let map = config.volumes.get_or_insert_with(BTreeMap::new);
                for vol in v {
                    map.insert(vol.clone(), serde_json::json!({}));
                }
                (nop(format!("VOLUME {}", go_list(v))), None)
            }
        };
        let empty = layer.is_none();
        if let Some(l) = layer {
            diff_ids.push(l.diff_id.0.clone());
            layers.push(l);
        }
        history.push(History { created: created.clone(), created_by: Some(created_by), comment: None, empty_layer: empty.then_some(true) });
    }
    let image_config = ImageConfig {
        architecture: p.architecture.clone(),
        author: None,
        config,
        created: created.clone(),
        docker_version: None,
        history,
        os: p.os.clone(),
        rootfs: RootFs { kind: "layers".into(), diff_ids },
        variant: p.variant.clone(),
    };
    let config_bytes = oci::to_bytes(&image_config);
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(oci::MEDIA_MANIFEST.into()),
        config: Descriptor {
            media_type: oci::MEDIA_CONFIG.into(),
            digest: Digest::of(&config_bytes).0,
            size: config_bytes.len() as u64,
            annotations: None,
            platform: None,
        },
        layers: layers
            .iter()
            .map(|l| Descriptor {
                media_type: oci::MEDIA_LAYER_GZIP.into(),
                digest: l.digest.0.clone(),
                size: l.blob.len() as u64,
                annotations: None,
                platform: None,
            })
            .collect(),
    };
    Ok(BuiltImage { config: image_config, config_bytes, layers, manifest_bytes: oci::to_bytes(&manifest) })
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS(.frac)?Z`.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    Some(crate::clock::days_from_civil(y, mo as u32, d as u32) * 86400 + h * 3600 + mi * 60 + se)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::recipe;

    struct Files(Vec<(&'static str, &'static str)>);
    impl BuildContext for Files {
        fn file(&self, name: &str) -> Option<String> {
            self.0.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string())
        }
        fn base(&self, _: &str, _: &Platform) -> Option<BuiltImage> {
            None
        }
    }

    fn sample() -> (Recipe, Files) {
        let r = recipe::parse(
            "# image: t:1\n# created: 2023-11-30T11:55:09Z\n# platforms: linux/amd64 linux/arm64/v8\n\
             FROM scratch\nADD root-${TARGETARCH}.tree /\nENV A=1\nCMD [\"/bin/sh\"]\n",
        )
        .expect("recipe");
        let files = Files(vec![
            ("root-amd64.tree", "d 0755 0 0 1 bin\nf 0755 0 0 1 bin/busybox size=10\n"),
            ("root-arm64.tree", "d 0755 0 0 1 bin\nf 0755 0 0 1 bin/busybox size=12\n"),
        ]);
        (r, files)
    }

    #[test]
    fn builds_are_reproducible_and_per_platform() {
        let (r, f) = sample();
        let a = build(&r, &f).expect("builds");
        let b = build(&r, &f).expect("builds");
        assert_eq!(a.index_digest(), b.index_digest());
        assert_eq!(a.images.len(), 2);
        assert_ne!(a.images[0].id(), a.images[1].id());
        let arm = a.for_platform(&Platform::parse("linux/arm64/v8").expect("p")).expect("arm64 image");
        assert_eq!(arm.config.architecture, "arm64");
        let h: Vec<_> = a.images[0].config.history.iter().map(|h| h.created_by.clone().unwrap_or_default()).collect();
        assert!(h[0].starts_with("/bin/sh -c #(nop) ADD file:") && h[0].ends_with(" in / "));
        assert_eq!(h[2], "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]");
        assert_eq!(a.images[0].config.config.env.as_deref(), Some(&[DEFAULT_PATH.to_string(), "A=1".to_string()][..]));
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2023-11-30T11:55:09Z"), Some(1701345309));
        assert_eq!(parse_rfc3339("2023-13-30T11:55:09Z"), None);
    }
}
