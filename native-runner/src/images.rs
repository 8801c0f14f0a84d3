//! `native-runner build-images [--out DIR] [--platform P] [--fill-from ARCH=TARBALL]...
//! [--repo-prefix PREFIX] [NAME...]`: builds the recipes in `assets/images/` into image
//! archives (`DIR/<name>.tar`, an OCI layout with Docker's `manifest.json`, loadable by
//! `docker load`), and prints each tag with its digests.
//!
//! The page's images are hollow (binaries have their size, not their bytes). `--fill-from`
//! gives hollow files their real bytes from a rootfs tarball (e.g. the Alpine minirootfs), so
//! a real dockerd can run the image; `--repo-prefix` renames the tags so they do not replace
//! images of the same name in that dockerd.

use std::path::PathBuf;

use sim_core::image::catalog::{self, Fill};
use sim_core::image::tarball::{self, EntryKind, Limits};
use sim_core::image::{layout, oci::Platform};

fn fill_from(fill: &mut Fill, spec: &str) -> Result<(), String> {
    let (arch, path) = spec.split_once('=').ok_or("--fill-from takes ARCH=TARBALL (arch as in linux/ARCH)")?;
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let entries = tarball::read_layer(&bytes, &Limits::default()).map_err(|e| format!("{path}: {e}"))?;
    for e in entries {
        if let EntryKind::File(d) = e.kind {
            fill.insert((arch.to_string(), e.path), d);
        }
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = PathBuf::from("target/images");
    let mut platform = Platform::new("linux", "amd64", None);
    let mut names: Vec<String> = Vec::new();
    let mut fill = Fill::new();
    let mut prefix = String::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(it.next().ok_or("--out needs a directory")?),
            "--platform" => {
                let p = it.next().ok_or("--platform needs a value")?;
                platform = Platform::parse(p).ok_or_else(|| format!("bad platform {p:?}"))?;
            }
            "--fill-from" => fill_from(&mut fill, it.next().ok_or("--fill-from needs ARCH=TARBALL")?)?,
            "--repo-prefix" => prefix = it.next().ok_or("--repo-prefix needs a value")?.clone(),
            n if !n.starts_with('-') => names.push(n.to_string()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let mut repos = catalog::build_filled(&|n| names.is_empty() || names.iter().any(|w| w == n), &fill).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for repo in repos.iter_mut() {
        if !names.is_empty() && !names.contains(&repo.name) {
            continue;
        }
        let file_name = format!("{}.tar", repo.name.replace([':', '/'], "-"));
        repo.name = format!("{prefix}{}", repo.name);
        let files = layout::write(&[repo], &platform);
        let tar = layout::to_tar(&files, 0);
        let path = out.join(file_name);
        std::fs::write(&path, &tar).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}\tindex {}\t{}", repo.name, repo.index_digest(), path.display());
        for img in &repo.images {
            println!("  {}\tid {}\tmanifest {}", img.config.platform().to_string_full(), img.id(), img.manifest_digest());
        }
    }
    Ok(())
}
