//! The OCI image format's JSON documents (image-spec v1): the image index, the manifest,
//! descriptors and the image config, with the keys and media types real tools write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const MEDIA_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const MEDIA_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
/// Docker's own media types, which registries and `docker save` also use.
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
/// The annotation naming a tag in an OCI layout's index.json.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub variant: Option<String>,
}

impl Platform {
    pub fn new(os: &str, arch: &str, variant: Option<&str>) -> Platform {
        Platform { os: os.into(), architecture: arch.into(), variant: variant.map(str::to_string) }
    }
    /// Parses `linux/arm64/v8`, `linux/amd64`, `arm64` ...
    pub fn parse(s: &str) -> Option<Platform> {
        let parts: Vec<&str> = s.split('/').collect();
        let p = match parts.as_slice() {
            [os, arch] => Platform::new(os, arch, None),
            [os, arch, v] => Platform::new(os, arch, Some(v)),
            _ => return None,
        };
        (!p.os.is_empty() && !p.architecture.is_empty()).then_some(p)
    }
    /// `linux/arm64/v8` as Docker prints it.
    pub fn to_string_full(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{}", self.os, self.architecture, v),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
    /// Whether an image for `self` is what an engine asking for `want` takes (arm64 with no
    /// variant matches arm64/v8, as containerd's platform matcher normalizes it).
    pub fn matches(&self, want: &Platform) -> bool {
        let norm = |p: &Platform| {
            let v = match (p.architecture.as_str(), p.variant.as_deref()) {
                ("arm64", None) => Some("v8".to_string()),
                (_, v) => v.map(str::to_string),
            };
            (p.os.clone(), p.architecture.clone(), v)
        };
        norm(self) == norm(want)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Descriptor {
    #[serde(rename = "mediaType")]
    pub media_type: String,
    pub digest: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub annotations: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub platform: Option<Platform>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "mediaType", skip_serializing_if = "Option::is_none", default)]
    pub media_type: Option<String>,
    pub manifests: Vec<Descriptor>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(rename = "schemaVersion")]
    pub schema_version: u32,
    #[serde(rename = "mediaType", skip_serializing_if = "Option::is_none", default)]
    pub media_type: Option<String>,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// The runtime part of an image config (`.Config` in `docker image inspect`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    #[serde(rename = "User", skip_serializing_if = "Option::is_none", default)]
    pub user: Option<String>,
    #[serde(rename = "ExposedPorts", skip_serializing_if = "Option::is_none", default)]
    pub exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(rename = "Env", skip_serializing_if = "Option::is_none", default)]
    pub env: Option<Vec<String>>,
    #[serde(rename = "Entrypoint", skip_serializing_if = "Option::is_none", default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(rename = "Cmd", skip_serializing_if = "Option::is_none", default)]
    pub cmd: Option<Vec<String>>,
    #[serde(rename = "Volumes", skip_serializing_if = "Option::is_none", default)]
    pub volumes: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(rename = "WorkingDir", skip_serializing_if = "Option::is_none", default)]
    pub working_dir: Option<String>,
    #[serde(rename = "Labels", skip_serializing_if = "Option::is_none", default)]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(rename = "StopSignal", skip_serializing_if = "Option::is_none", default)]
    pub stop_signal: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub empty_layer: Option<bool>,
}

/// The image config (`application/vnd.oci.image.config.v1+json`); its digest is the image ID.
/// Keys are in alphabetical order, as Docker writes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub architecture: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub author: Option<String>,
    #[serde(default)]
    pub config: RunConfig,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub docker_version: Option<String>,
    #[serde(default)]
    pub history: Vec<History>,
    pub os: String,
    pub rootfs: RootFs,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub variant: Option<String>,
}

impl ImageConfig {
    pub fn platform(&self) -> Platform {
        Platform { os: self.os.clone(), architecture: self.architecture.clone(), variant: self.variant.clone() }
    }
}

/// Serializes a document compactly, as the digests of real images are taken over.
pub fn to_bytes<T: Serialize>(doc: &T) -> Vec<u8> {
    serde_json::to_vec(doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_parse_and_match() {
        let m1 = Platform::parse("linux/arm64/v8").expect("valid");
        assert!(Platform::new("linux", "arm64", None).matches(&m1));
        assert!(!Platform::new("linux", "amd64", None).matches(&m1));
        assert_eq!(m1.to_string_full(), "linux/arm64/v8");
        assert!(Platform::parse("linux").is_none());
        assert!(Platform::parse("/amd64").is_none());
    }

    #[test]
    fn config_round_trips_with_sorted_keys() {
        let c = ImageConfig {
            architecture: "amd64".into(),
            author: None,
            config: RunConfig { cmd: Some(vec!["/bin/sh".into()]), ..RunConfig::default() },
            created: Some("2023-11-30T11:55:00Z".into()),
            docker_version: None,
            history: vec![],
            os: "linux".into(),
            rootfs: RootFs { kind: "layers".into(), diff_ids: vec!["sha256:00".into()] },
            variant: None,
        };
        let b = to_bytes(&c);
        assert_eq!(
            String::from_utf8_lossy(&b),
            r#"{"architecture":"amd64","config":{"Cmd":["/bin/sh"]},"created":"2023-11-30T11:55:00Z","history":[],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:00"]}}"#
        );
        let back: ImageConfig = serde_json::from_slice(&b).expect("parses");
        assert_eq!(back, c);
    }
}
