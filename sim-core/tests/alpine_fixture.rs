//! The modeled alpine:3.15 against the real Alpine 3.15 minirootfs (../shared/fixtures): the
//! image built from assets/images/alpine-3.15 must hold the same tree, entry for entry: type,
//! mode, owner, mtime, size, link target, and the content of every file the recipe carries.
//! Skipped, loudly, where the fixture is not present.

use std::collections::BTreeMap;

use sim_core::image::oci::Platform;
use sim_core::image::tarball::{self, Entry, EntryKind, Limits};
use sim_core::image::{catalog, layer};

fn fixture(arch: &str) -> Option<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/alpine-3.15");
    std::fs::read(dir.join(format!("alpine-minirootfs-3.15.11-{arch}.tar.gz"))).ok()
}

fn by_path(entries: Vec<Entry>) -> BTreeMap<String, Entry> {
    entries.into_iter().map(|e| (e.path.clone(), e)).collect()
}

fn built_layer(platform: &str) -> Vec<Entry> {
    let repos = catalog::build_matching(&|n| n == "alpine:3.15").expect("alpine builds");
    let img = repos[0].for_platform(&Platform::parse(platform).expect("platform")).expect("image for platform");
    assert_eq!(img.layers.len(), 1, "alpine is one layer");
    tarball::read_layer(&img.layers[0].blob, &Limits::default()).expect("our layer reads back")
}

fn compare(arch: &str, platform: &str) {
    let Some(real) = fixture(arch) else {
        eprintln!("SKIPPED: the alpine fixture for {arch} is not present");
        return;
    };
    let real = by_path(tarball::read_layer(&real, &Limits::default()).expect("fixture reads"));
    let ours = by_path(built_layer(platform));
    let real_paths: Vec<&String> = real.keys().collect();
    let our_paths: Vec<&String> = ours.keys().collect();
    assert_eq!(our_paths, real_paths, "same paths");
    let mut carried = 0;
    for (path, r) in &real {
        let o = &ours[path];
        assert_eq!((o.mode, o.uid, o.gid, o.mtime), (r.mode, r.uid, r.gid, r.mtime), "{path}: mode/owner/mtime");
        match (&o.kind, &r.kind) {
            (EntryKind::File(a), EntryKind::File(b)) => {
                assert_eq!(a.len(), b.len(), "{path}: size");
                if a.iter().any(|&x| x != 0) {
                    assert_eq!(a, b, "{path}: content");
                    carried += 1;
                }
            }
            (a, b) => assert_eq!(a, b, "{path}: kind"),
        }
    }
    assert!(carried >= 30, "the recipe carries /etc's text files ({carried})");
    // The image's size as Docker reports it: 5.59MB for the real amd64 import.
    let applied = layer::apply(&built_layer(platform), 0).expect("applies");
    if arch == "x86_64" {
        assert_eq!(applied.size, 5_594_467);
    }
}

#[test]
fn amd64_matches_the_minirootfs() {
    compare("x86_64", "linux/amd64");
}

#[test]
fn arm64_matches_the_minirootfs() {
    compare("aarch64", "linux/arm64/v8");
}
