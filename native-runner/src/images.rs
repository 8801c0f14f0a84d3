//! `native-runner build-images [--out DIR] [--platform P] [NAME...]`: builds the recipes in
//! `assets/images/` into image archives (`DIR/<name>.tar`, an OCI layout with Docker's
//! `manifest.json`, loadable by `docker load`), and prints each tag with its digests.

use std::path::PathBuf;

use sim_core::image::{catalog, layout, oci::Platform};

pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = PathBuf::from("target/images");
    let mut platform = Platform::new("linux", "amd64", None);
    let mut names: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(it.next().ok_or("--out needs a directory")?),
            "--platform" => {
                let p = it.next().ok_or("--platform needs a value")?;
                platform = Platform::parse(p).ok_or_else(|| format!("bad platform {p:?}"))?;
            }
            n if !n.starts_with('-') => names.push(n.to_string()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let repos = catalog::build_matching(&|n| names.is_empty() || names.iter().any(|w| w == n)).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for repo in &repos {
        if !names.is_empty() && !names.contains(&repo.name) {
            continue;
        }
        let files = layout::write(&[repo], &platform);
        let tar = layout::to_tar(&files, 0);
        let path = out.join(format!("{}.tar", repo.name.replace([':', '/'], "-")));
        std::fs::write(&path, &tar).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}\tindex {}\t{}", repo.name, repo.index_digest(), path.display());
        for img in &repo.images {
            println!("  {}\tid {}\tmanifest {}", img.config.platform().to_string_full(), img.id(), img.manifest_digest());
        }
    }
    Ok(())
}
