//! The registry inside the simulation (Docker Hub's part in the story): it serves the images
//! built from `assets/images/` with their real index, manifests, configs and layer blobs, so a
//! pull moves real bytes and checks real digests. Built lazily, on the first pull of a tag.

use std::collections::BTreeMap;

use crate::image::build::{BuildError, BuiltRepo};
use crate::image::catalog;

#[derive(Clone, Debug, Default)]
pub struct Registry {
    built: BTreeMap<String, BuiltRepo>,
}

/// Why a pull found nothing, in Docker Hub's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryError {
    /// The repository does not exist (or is private).
    NoRepository(String),
    /// The repository exists, the tag does not.
    NoTag { repo: String, tag: String },
    Build(String),
}

/// Tags that name another tag's images. The simulation's Hub holds one alpine and one mysql,
/// and `latest` names them: `docker run alpine ...` (Docker Desktop's known `nsenter` line)
/// and the article's compose file (`image: mysql`, linux/amd64 only in mid-2022) find them.
const ALIASES: &[(&str, &str)] = &[("alpine:latest", "alpine:3.15"), ("mysql:latest", "mysql:5.7")];

impl Registry {
    /// The repositories the registry holds (`library/nginx` style names are shown as `nginx`).
    pub fn repositories() -> Vec<String> {
        catalog::RECIPES.iter().filter_map(catalog::name_of).collect()
    }

    /// The index of `repo:tag` (repo as the user wrote it, `docker.io/library/` optional).
    pub fn resolve(&mut self, repo: &str, tag: &str) -> Result<&BuiltRepo, RegistryError> {
        let short = repo.strip_prefix("docker.io/").unwrap_or(repo);
        let short = short.strip_prefix("library/").unwrap_or(short).to_string();
        let asked = format!("{short}:{tag}");
        let name = ALIASES.iter().find(|(alias, _)| *alias == asked).map(|(_, real)| real.to_string()).unwrap_or(asked);
        let known = Self::repositories();
        if !known.iter().any(|n| n.split(':').next() == Some(short.as_str())) {
            return Err(RegistryError::NoRepository(short));
        }
        if !known.contains(&name) {
            return Err(RegistryError::NoTag { repo: short, tag: tag.to_string() });
        }
        if !self.built.contains_key(&name) {
            let repos = catalog::build_matching(&|n| n == name).map_err(|e: BuildError| RegistryError::Build(e.0))?;
            for r in repos {
                self.built.entry(r.name.clone()).or_insert(r);
            }
        }
        self.built.get(&name).ok_or(RegistryError::NoTag { repo: short, tag: tag.to_string() })
    }
}
