//! Layer extraction against a hostile corpus, built here: `../` escapes, writes through a
//! symlink to a directory outside, an absolute symlink to /etc then a file under it, hard
//! links to /etc/passwd. Nothing may be written outside the layer store, whatever the
//! tarball holds; whiteouts become what overlayfs reads. Runs `native-runner unpack`.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn skip(test: &str) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED {test}: layer extraction writes owners, devices and trusted.* xattrs: needs root");
        return true;
    }
    false
}

enum E<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    CharDev(&'a str, u32, u32),
}

/// A gzip'd tar whose names are written raw into the headers (the tar crate's path
/// setters refuse `..`, which is the point here).
fn tarball(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        let (name, kind, link, data): (&str, tar::EntryType, Option<&str>, &[u8]) = match e {
            E::File(n, d) => (n, tar::EntryType::Regular, None, d),
            E::Dir(n) => (n, tar::EntryType::Directory, None, &[]),
            E::Symlink(n, t) => (n, tar::EntryType::Symlink, Some(t), &[]),
            E::Hardlink(n, t) => (n, tar::EntryType::Link, Some(t), &[]),
            E::CharDev(n, ma, mi) => {
                h.set_device_major(*ma).expect("major");
                h.set_device_minor(*mi).expect("minor");
                (n, tar::EntryType::Char, None, &[])
            }
        };
        {
            let old = h.as_old_mut();
            old.name = [0; 100];
            old.name[..name.len()].copy_from_slice(name.as_bytes());
            if let Some(l) = link {
                old.linkname = [0; 100];
                old.linkname[..l.len()].copy_from_slice(l.as_bytes());
            }
        }
        h.set_entry_type(kind);
        h.set_size(data.len() as u64);
        h.set_mode(if matches!(e, E::Dir(_)) { 0o755 } else { 0o644 });
        h.set_mtime(1_600_000_000);
        h.set_cksum();
        b.append(&h, data).expect("append");
    }
    let tar = b.into_inner().expect("tar");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &tar).expect("gzip");
    gz.finish().expect("gzip")
}

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unpack(root: &Path, tar: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_native-runner"))
        .args(["unpack", "--root"])
        .arg(root)
        .arg(tar)
        .output()
        .expect("native-runner unpack")
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            out.push(e.path().display().to_string());
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                out.extend(tree(&e.path()));
            }
        }
    }
    out
}

#[test]
fn hostile_layers_never_write_outside_the_store() {
    if skip("hostile_layers_never_write_outside_the_store") {
        return;
    }
    let tag = std::process::id();
    let s = Scratch(std::env::temp_dir().join(format!("nr-test-layers-{tag}")));
    let root = s.0.join("root");
    let outside = s.0.join("outside");
    std::fs::create_dir_all(&outside).expect("outside dir");
    let out_s = outside.to_str().expect("utf-8").to_string();
    let etc_probe = format!("/etc/nr-pwned-{tag}");
    let tmp_probe = format!("/tmp/nr-escape-{tag}");
    let passwd_before = std::fs::metadata("/etc/passwd").expect("passwd");
    let passwd_text = std::fs::read("/etc/passwd").expect("passwd");
    let deep = format!("../../../../../../../../..{tmp_probe}");
    let via_etc = format!("etc/nr-pwned-{tag}");

    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("dot-dot file", tarball(&[E::File(&deep, b"x")])),
        ("dot-dot inside a path", tarball(&[E::Dir("a"), E::File("a/../../escape", b"x")])),
        ("write through a symlink to a dir outside", tarball(&[E::Symlink("link", &out_s), E::File("link/pwned", b"x")])),
        ("absolute symlink to /etc, then a file under it", tarball(&[E::Symlink("etc", "/etc"), E::File(&via_etc, b"x")])),
        ("relative symlink climbing out, then a dir under it", tarball(&[E::Symlink("up", "../../../../../../.."), E::Dir("up/tmp/nr-x")])),
        ("hard link to /etc/passwd", tarball(&[E::Hardlink("pw", "/etc/passwd")])),
        ("hard link climbing to /etc/passwd", tarball(&[E::Hardlink("pw", "../../../../../../../etc/passwd")])),
        ("hard link through a symlink to /etc", tarball(&[E::Symlink("l", "/etc"), E::Hardlink("pw", "l/passwd")])),
        ("dir replaced by a symlink, then written through", tarball(&[E::Dir("x"), E::File("x/y", b"1"), E::Symlink("x", &out_s), E::File("x/z", b"x")])),
        ("whiteout of ..", tarball(&[E::Dir("d"), E::File("d/.wh...", b"")])),
        ("symlink at a whiteout's parent", tarball(&[E::Symlink("w", &out_s), E::File("w/.wh.passwd", b"")])),
        ("opaque marker through a symlink", tarball(&[E::Symlink("o", &out_s), E::File("o/.wh..wh..opq", b"")])),
    ];
    for (i, (what, bytes)) in hostile.iter().enumerate() {
        let p = s.0.join(format!("hostile-{i}.tar.gz"));
        std::fs::write(&p, bytes).expect("write tarball");
        let o = unpack(&root, &p);
        assert!(!o.status.success(), "{what}: unpack should refuse the layer");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("layer entry"), "{what}: {err}");
        assert!(tree(&outside).is_empty(), "{what}: wrote outside: {:?}", tree(&outside));
        assert!(!Path::new(&etc_probe).exists(), "{what}: wrote {etc_probe}");
        assert!(!Path::new(&tmp_probe).exists(), "{what}: wrote {tmp_probe}");
        assert!(!Path::new("/tmp/nr-x").exists(), "{what}: made /tmp/nr-x");
        assert!(!s.0.join("root/layers/escape").exists() && !s.0.join("escape").exists(), "{what}: escaped");
        let leftovers: Vec<String> = tree(&root.join("layers")).into_iter().filter(|p| !p.contains("/.stat-")).collect();
        assert!(leftovers.is_empty(), "{what}: a refused layer leaves nothing: {leftovers:?}");
    }
    let after = std::fs::metadata("/etc/passwd").expect("passwd");
    assert_eq!((after.nlink(), after.ino()), (passwd_before.nlink(), passwd_before.ino()), "/etc/passwd was linked");
    assert_eq!(std::fs::read("/etc/passwd").expect("passwd"), passwd_text);

    // A benign layer: a symlink stays a symlink, a dir entry replaces a symlink (nothing
    // written through it), whiteouts as overlayfs reads them, hard links inside the layer.
    let ok = tarball(&[
        E::Symlink("d", &out_s),
        E::Dir("d"),
        E::File("d/f", b"inside"),
        E::Symlink("abs", "/etc/passwd"),
        E::File("etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
        E::Hardlink("etc/passwd-link", "/etc/passwd"),
        E::Dir("gone"),
        E::File("gone/.wh.old", b""),
        E::Dir("opq"),
        E::File("opq/.wh..wh..opq", b""),
        E::CharDev("dev-null", 1, 3),
    ]);
    let p = s.0.join("benign.tar.gz");
    std::fs::write(&p, &ok).expect("write tarball");
    let o = unpack(&root, &p);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = String::from_utf8_lossy(&o.stdout).into_owned();
    let diff = PathBuf::from(line.split_whitespace().nth(1).expect("diff path"));
    assert!(tree(&outside).is_empty(), "benign layer wrote outside");
    assert_eq!(std::fs::read(diff.join("d/f")).expect("d/f"), b"inside");
    assert_eq!(std::fs::read_link(diff.join("abs")).expect("symlink kept"), Path::new("/etc/passwd"));
    let a = std::fs::metadata(diff.join("etc/passwd")).expect("passwd in layer");
    let b = std::fs::metadata(diff.join("etc/passwd-link")).expect("link in layer");
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2), "hard link to the layer's own file");
    let wh = std::fs::symlink_metadata(diff.join("gone/old")).expect("whiteout");
    assert_eq!(wh.mode() & libc::S_IFMT, libc::S_IFCHR, "whiteout is a char device");
    assert_eq!(wh.rdev(), 0, "whiteout is 0/0");
    assert!(!diff.join("gone/.wh.old").exists());
    let mut v = [0u8; 4];
    let c = std::ffi::CString::new(diff.join("opq").to_str().expect("utf-8")).expect("path");
    // SAFETY: valid C strings and buffer.
    let n = unsafe { libc::getxattr(c.as_ptr(), c"trusted.overlay.opaque".as_ptr(), v.as_mut_ptr().cast(), v.len()) };
    assert_eq!((n, v[0]), (1, b'y'), "opaque dir marked for overlayfs");
    assert!(!diff.join("opq/.wh..wh..opq").exists());
    let dn = std::fs::symlink_metadata(diff.join("dev-null")).expect("device");
    assert_eq!((dn.mode() & libc::S_IFMT, dn.rdev()), (libc::S_IFCHR, libc::makedev(1, 3)));

    // Imported once: the same tarball again is the same layer, not unpacked twice.
    let again = unpack(&root, &p);
    assert_eq!(String::from_utf8_lossy(&again.stdout), line);
}
