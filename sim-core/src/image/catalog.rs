//! The images the tutorial uses, built from the recipes in `assets/images/` (compiled in, so
//! the page needs no files): the registry inside the simulation serves these.

use super::build::{self, BuildContext, BuildError, BuiltImage, BuiltRepo};
use super::oci::Platform;
use super::recipe;

/// A recipe directory: its Dockerfile and the files it adds.
pub struct RecipeDir {
    pub dir: &'static str,
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! asset {
    ($dir:literal, $file:literal) => {
        ($file, include_str!(concat!("../../../assets/images/", $dir, "/", $file)))
    };
}

/// In build order: an image comes after the image it is FROM.
pub const RECIPES: &[RecipeDir] = &[
    RecipeDir {
        dir: "alpine-3.15",
        files: &[
            asset!("alpine-3.15", "Dockerfile"),
            asset!("alpine-3.15", "rootfs-amd64.tree"),
            asset!("alpine-3.15", "rootfs-arm64.tree"),
        ],
    },
    RecipeDir {
        dir: "nginx-1.21-alpine",
        files: &[
            asset!("nginx-1.21-alpine", "Dockerfile"),
            asset!("nginx-1.21-alpine", "install.tree"),
            asset!("nginx-1.21-alpine", "docker-entrypoint.sh"),
            asset!("nginx-1.21-alpine", "10-listen-on-ipv6-by-default.sh"),
            asset!("nginx-1.21-alpine", "20-envsubst-on-templates.sh"),
            asset!("nginx-1.21-alpine", "30-tune-worker-processes.sh"),
            asset!("nginx-1.21-alpine", "nginx.conf"),
            asset!("nginx-1.21-alpine", "default.conf"),
            asset!("nginx-1.21-alpine", "index.html"),
            asset!("nginx-1.21-alpine", "50x.html"),
        ],
    },
    RecipeDir {
        dir: "mysql-5.7",
        files: &[
            asset!("mysql-5.7", "Dockerfile"),
            asset!("mysql-5.7", "oraclelinux-7-slim.tree"),
            asset!("mysql-5.7", "user.tree"),
            asset!("mysql-5.7", "gosu.tree"),
            asset!("mysql-5.7", "initdb.tree"),
            asset!("mysql-5.7", "server.tree"),
            asset!("mysql-5.7", "compat.tree"),
            asset!("mysql-5.7", "docker-entrypoint.sh"),
        ],
    },
];

/// Real bytes for hollow files, per platform and path (see `BuildContext::fill`).
pub type Fill = std::collections::BTreeMap<(String, String), Vec<u8>>;

struct Ctx<'a> {
    dir: &'a RecipeDir,
    built: &'a [BuiltRepo],
    fill: &'a Fill,
}

impl BuildContext for Ctx<'_> {
    fn file(&self, name: &str) -> Option<String> {
        self.dir.files.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string())
    }
    fn base(&self, name: &str, platform: &Platform) -> Option<BuiltImage> {
        self.built.iter().find(|r| r.name == name)?.for_platform(platform).cloned()
    }
    fn fill(&self, platform: &Platform, path: &str, size: u64) -> Option<Vec<u8>> {
        self.fill.get(&(platform.architecture.clone(), path.to_string())).filter(|d| d.len() as u64 == size).cloned()
    }
}

/// The image name a recipe directory builds (its `# image:` header).
pub fn name_of(dir: &RecipeDir) -> Option<String> {
    let text = dir.files.iter().find(|(n, _)| *n == "Dockerfile")?.1;
    recipe::parse(text).ok().map(|r| r.name)
}

/// Builds the recipes whose names `want` accepts, and the images they are FROM.
pub fn build_matching(want: &dyn Fn(&str) -> bool) -> Result<Vec<BuiltRepo>, BuildError> {
    build_filled(want, &Fill::new())
}

/// Like `build_matching`, with hollow files filled from real bytes where `fill` has them.
pub fn build_filled(want: &dyn Fn(&str) -> bool, fill: &Fill) -> Result<Vec<BuiltRepo>, BuildError> {
    let mut built: Vec<BuiltRepo> = Vec::new();
    let mut needed: Vec<String> = RECIPES.iter().filter_map(name_of).filter(|n| want(n)).collect();
    // Pull in bases: walk FROM lines until nothing new is needed.
    let mut i = 0;
    while i < needed.len() {
        if let Some(dir) = RECIPES.iter().find(|d| name_of(d).as_deref() == Some(&needed[i])) {
            let text = dir.files.iter().find(|(n, _)| *n == "Dockerfile").map(|f| f.1).unwrap_or("");
            if let Ok(r) = recipe::parse(text) {
                for s in &r.steps {
                    if let recipe::Step::From(b) = s {
                        if b != "scratch" && !needed.contains(b) {
                            needed.push(b.clone());
                        }
                    }
                }
            }
        }
        i += 1;
    }
    for dir in RECIPES {
        let Some(text) = dir.files.iter().find(|(n, _)| *n == "Dockerfile").map(|f| f.1) else { continue };
        let r = recipe::parse(text).map_err(|e| BuildError(format!("{}: {e}", dir.dir)))?;
        if !needed.contains(&r.name) {
            continue;
        }
        let repo = build::build(&r, &Ctx { dir, built: &built, fill }).map_err(|e| BuildError(format!("{}: {e}", dir.dir)))?;
        built.push(repo);
    }
    Ok(built)
}

pub fn build_all() -> Result<Vec<BuiltRepo>, BuildError> {
    build_matching(&|_| true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recipe_builds_reproducibly() {
        let a = build_all().expect("recipes build");
        let b = build_all().expect("recipes build");
        assert_eq!(a.len(), RECIPES.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.index_digest(), y.index_digest(), "{}", x.name);
        }
        let nginx = a.iter().find(|r| r.name == "nginx:1.21-alpine").expect("nginx");
        let amd = nginx.for_platform(&Platform::parse("linux/amd64").expect("p")).expect("amd64");
        let c = &amd.config.config;
        assert_eq!(c.entrypoint.as_deref(), Some(&["/docker-entrypoint.sh".to_string()][..]));
        assert_eq!(c.cmd.as_deref(), Some(&["nginx".into(), "-g".into(), "daemon off;".to_string()][..]));
        assert_eq!(c.stop_signal.as_deref(), Some("SIGQUIT"));
        assert!(c.exposed_ports.as_ref().is_some_and(|p| p.contains_key("80/tcp")));
        // alpine's one layer, then the RUN and the four COPYs.
        assert_eq!(amd.layers.len(), 6);
        let alpine = a.iter().find(|r| r.name == "alpine:3.15").expect("alpine");
        assert_eq!(amd.layers[0], alpine.for_platform(&Platform::parse("linux/amd64").expect("p")).expect("a").layers[0]);
    }

    #[test]
    fn building_one_pulls_in_its_base() {
        let only = build_matching(&|n| n == "nginx:1.21-alpine").expect("builds");
        let names: Vec<&str> = only.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["alpine:3.15", "nginx:1.21-alpine"]);
    }
}
