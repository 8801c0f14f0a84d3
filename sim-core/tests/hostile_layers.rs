//! The hostile layers of `tests/images/hostile/` (see its README.md): each one read with the
//! default limits gives exactly what real dockerd 20.10 gave for `docker import` of the same
//! file (the daemon's message, or the layer's entries), except where the playground's own
//! limits refuse first. And `read_layer` never panics, whatever the bytes.

use std::path::PathBuf;

use proptest::prelude::*;
use sim_core::image::tarball::{gzip, read_layer, write_tar, Entry, EntryKind, Limits, TarError};

fn corpus(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/images/hostile").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// "path kind" per entry: `file:N` (N bytes), `dir`, `symlink:T`, `link:T`, `chr:M,m`, ...
fn summary(entries: &[Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            let kind = match &e.kind {
                EntryKind::File(data) => format!("file:{}", data.len()),
                EntryKind::Dir => "dir".to_string(),
                EntryKind::Symlink(t) => format!("symlink:{t}"),
                EntryKind::Hardlink(t) => format!("link:{t}"),
                EntryKind::CharDev(ma, mi) => format!("chr:{ma},{mi}"),
                EntryKind::BlockDev(ma, mi) => format!("blk:{ma},{mi}"),
                EntryKind::Fifo => "fifo".to_string(),
            };
            format!("{} {kind}", e.path)
        })
        .collect()
}

fn layer(name: &str) -> Result<Vec<String>, String> {
    read_layer(&corpus(name), &Limits::default()).map(|e| summary(&e)).map_err(|e| e.import_error())
}

fn ok(entries: &[&str]) -> Result<Vec<String>, String> {
    Ok(entries.iter().map(|s| s.to_string()).collect())
}

/// dockerd's message for an error of its unpacker child.
fn child(message: &str) -> Result<Vec<String>, String> {
    Err(format!("Error processing tar file(exit status 1): {message}"))
}

/// `n` components of `len` copies of `c`, joined by '/'.
fn run(c: &str, len: usize, n: usize) -> String {
    vec![c.repeat(len); n].join("/")
}

#[test]
fn names_climbing_out_stay_in_the_layer_as_in_dockerd() {
    assert_eq!(layer("01-dotdot-file.tar"), ok(&["evil file:8"]));
    assert_eq!(layer("02-dotdot-nested.tar"), ok(&["a dir", "evil file:8"]));
    assert_eq!(layer("03-dotdot-entry.tar"), ok(&[". dir"]));
    assert_eq!(layer("04-absolute-path.tar"), ok(&["etc dir", "etc/evil file:9"]));
    assert_eq!(layer("05-absolute-dotdot.tar"), ok(&["evil file:8"]));
    assert_eq!(layer("37-dot-slash-names.tar"), ok(&["etc dir", "etc/hostname file:5", "a/c dir"]));
    assert_eq!(layer("38-file-named-slash.tar"), child("unlinkat .//: device or resource busy"));
    assert_eq!(layer("39-file-named-dot.tar"), ok(&[]));
    assert_eq!(layer("40-dotdot-dir-mode.tar"), ok(&[". dir"]));
    let root = read_layer(&corpus("40-dotdot-dir-mode.tar"), &Limits::default()).expect("valid");
    assert_eq!(root[0].mode, 0o700, "a directory named .. sets the root's mode");
}

#[test]
fn hard_links_as_in_dockerd() {
    assert_eq!(layer("06-hardlink-escape.tar"), child("link /etc/shadow /link: no such file or directory"));
    assert_eq!(layer("07-hardlink-nonexistent.tar"), child("link /missing /link: no such file or directory"));
    assert_eq!(layer("08-hardlink-absolute.tar"), ok(&["etc dir", "etc/hostname file:3", "hn link:etc/hostname"]));
    assert_eq!(layer("09-hardlink-to-dir.tar"), child("link /etc /dirlink: operation not permitted"));
    assert_eq!(
        layer("10-hardlink-through-symlink.tar"),
        ok(&["etc dir", "etc/hostname file:3", "s symlink:/etc", "h link:s/hostname"])
    );
}

#[test]
fn writes_through_symlinks_are_left_to_the_applier() {
    // dockerd: "open /evil/passwd: no such file or directory" (its chroot has no /etc); the
    // applier decides, so the reader returns the entries.
    assert_eq!(layer("11-symlink-abs-then-write.tar"), ok(&["evil symlink:/etc", "evil/passwd file:21"]));
    assert_eq!(
        layer("12-symlink-dotdot-then-write.tar"),
        ok(&["a dir", "a/up symlink:../../../../", "a/up/tmp/pwned file:2"])
    );
    assert_eq!(layer("13-symlink-dotdot-then-dir.tar"), ok(&["up symlink:..", "up/sub dir"]));
}

#[test]
fn broken_compression_as_in_dockerd() {
    assert_eq!(layer("15-gzip-not-tar.tar.gz"), child("unexpected EOF"));
    assert_eq!(layer("16-gzip-truncated.tar.gz"), child("unexpected EOF"));
    assert_eq!(
        layer("17-gzip-corrupt.tar.gz"),
        Err("Error processing tar file(flate: corrupt input before offset 65): ".into())
    );
    assert_eq!(layer("18-gzip-bad-crc.tar.gz"), Err("Error processing tar file(gzip: invalid checksum): ".into()));
    assert_eq!(
        layer("45-gzip-trailing-garbage.tar.gz"),
        Err("Error processing tar file(gzip: invalid header): ".into())
    );
    assert_eq!(layer("46-gzip-short-header.tar.gz"), Err("unexpected EOF".into()));
    assert_eq!(layer("47-gzip-two-members.tar.gz"), ok(&["etc dir", "etc/hostname file:3"]));
}

#[test]
fn broken_tar_structure_as_in_dockerd() {
    let invalid = child("archive/tar: invalid tar header");
    assert_eq!(layer("19-garbage.bin"), invalid);
    assert_eq!(layer("20-truncated-data.tar"), child("unexpected EOF"));
    assert_eq!(layer("21-truncated-header.tar"), child("unexpected EOF"));
    assert_eq!(layer("22-bad-checksum.tar"), invalid);
    assert_eq!(layer("23-zero-block-then-garbage.tar"), invalid);
    assert_eq!(layer("24-huge-size-field.tar"), child("unexpected EOF"));
    assert_eq!(layer("25-negative-size.tar"), invalid);
    assert_eq!(layer("26-unhandled-type.tar"), child("unhandled tar header type 90"));
    assert_eq!(layer("27-bad-pax-record.tar"), invalid);
    assert_eq!(layer("28-empty.tar"), ok(&[]));
    assert_eq!(layer("29-only-end-blocks.tar"), ok(&[]));
    assert_eq!(layer("32-gnu-longname-too-long.tar.gz"), child("archive/tar: header field too long"));
    assert_eq!(layer("48-gnu-sparse.tar"), invalid);
}

#[test]
fn names_the_kernel_refuses_as_in_dockerd() {
    let too_long = |call: String| child(&format!("{call}: file name too long"));
    assert_eq!(layer("31-long-path.tar.gz"), too_long(format!("open /{}", run("n", 250, 20))));
    assert_eq!(layer("41-symlink-long-target.tar.gz"), too_long(format!("symlink {} /s", "t".repeat(5000))));
    assert_eq!(layer("42-long-component.tar"), too_long(format!("open /{}", "c".repeat(256))));
    assert_eq!(layer("43-long-dir.tar.gz"), too_long(format!("mkdir /{}", run("m", 250, 17))));
    assert_eq!(layer("44-hardlink-long-target.tar.gz"), too_long(format!("link /{} /l", run("k", 250, 17))));
}

#[test]
fn extensions_and_special_entries_as_in_dockerd() {
    let q = format!("p/{}", "q".repeat(200));
    let t = format!("/{}", "t".repeat(150));
    let pax = ["p dir".to_string(), format!("{q} file:4"), format!("p/s symlink:{t}"), format!("p/h link:{q}")];
    assert_eq!(layer("33-pax-long-names.tar"), Ok(pax.to_vec()));
    let r = format!("g/{}", "r".repeat(200));
    assert_eq!(
        layer("34-gnu-long-names.tar"),
        Ok(vec!["g dir".into(), format!("{r} file:4"), format!("g/h link:{r}")])
    );
    assert_eq!(
        layer("35-whiteouts.tar"),
        ok(&["dir dir", "dir/.wh..wh..opq file:0", ".wh.gone file:0", "dir/.wh.old file:0"])
    );
    assert_eq!(layer("36-devices.tar"), ok(&["dev dir", "dev/null chr:1,3", "dev/sda blk:8,0", "dev/fifo fifo"]));
    let renamed = read_layer(&corpus("49-pax-overrides.tar"), &Limits::default()).expect("valid");
    assert_eq!(summary(&renamed), ["renamed file:4"]);
    assert_eq!((renamed[0].uid, renamed[0].gid, renamed[0].mtime), (1000, 1000, 1234));
}

#[test]
fn the_playground_limits_refuse_what_dockerd_accepts() {
    // dockerd imports both; the playground's default limits do not.
    let bomb = layer("14-gzip-bomb.tar.gz");
    assert_eq!(bomb, child("layer inflates more than 100 times its compressed size"));
    assert_eq!(
        layer("30-deep-path.tar.gz"),
        child(&format!("/{}/f: more than 256 levels of directories", run("d", 1, 300)))
    );
    let lenient = Limits { max_compression_ratio: 10_000, max_depth: 1000, ..Limits::default() };
    let zeros = read_layer(&corpus("14-gzip-bomb.tar.gz"), &lenient).expect("within lenient limits");
    assert_eq!(summary(&zeros), ["zeros file:16777216"]);
    assert!(read_layer(&corpus("30-deep-path.tar.gz"), &lenient).is_ok());
}

/// A header for a file of `size` bytes (its data not included).
fn file_header(size: u64) -> Vec<u8> {
    let entry =
        Entry { path: "big".into(), kind: EntryKind::File(Vec::new()), mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 0 };
    let mut block = write_tar(&[entry])[..512].to_vec();
    block[124..136].copy_from_slice(format!("{size:011o}\0").as_bytes());
    let sum: u32 =
        block.iter().enumerate().map(|(i, &c)| if (148..156).contains(&i) { 32 } else { u32::from(c) }).sum();
    block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    block
}

#[test]
fn a_gigabyte_bomb_stops_at_the_bound() {
    // 1024 gzip members of 1 MiB of zeros each: ~1 GiB from ~1 MB.
    let zeros = gzip(&vec![0; 1 << 20]);
    let limits = Limits { max_compression_ratio: 2, ..Limits::default() };
    for head in [file_header(1 << 30), Vec::new()] {
        // With the header, the file's data trips the bound; without, the tar ends at the
        // first zero blocks and checking the rest of the stream does.
        let mut bomb = gzip(&head);
        for _ in 0..1024 {
            bomb.extend_from_slice(&zeros);
        }
        assert_eq!(read_layer(&bomb, &limits), Err(TarError::CompressionRatio { limit: 2 }));
        let tiny = Limits { max_unpacked_bytes: 1 << 20, ..Limits::default() };
        assert_eq!(read_layer(&bomb, &tiny), Err(TarError::TooLarge { limit: 1 << 20 }));
    }
}

fn valid_layer() -> Vec<u8> {
    let entry =
        |path: &str, kind: EntryKind| Entry { path: path.into(), kind, mode: 0o755, uid: 0, gid: 0, mtime: 1, size: 0 };
    write_tar(&[
        entry("etc", EntryKind::Dir),
        entry("etc/hostname", EntryKind::File(b"host\n".to_vec())),
        entry(&format!("etc/{}", "x".repeat(180)), EntryKind::File(vec![1; 700])),
        entry("etc/link", EntryKind::Hardlink("etc/hostname".into())),
        entry("bin/sh", EntryKind::Symlink("busybox".into())),
        entry("dev/null", EntryKind::CharDev(1, 3)),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read_layer(&bytes, &Limits::default());
        let mut gz = vec![0x1f, 0x8b, 0x08];
        gz.extend_from_slice(&bytes);
        let _ = read_layer(&gz, &Limits::default());
    }

    #[test]
    fn mutated_archives_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        compress in any::<bool>(),
    ) {
        let mut bytes = valid_layer();
        if compress {
            bytes = gzip(&bytes);
        }
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = read_layer(&bytes, &Limits::default());
        bytes.truncate(cut.index(bytes.len() + 1));
        let _ = read_layer(&bytes, &Limits::default());
    }

    #[test]
    fn header_fields_of_any_value_never_panic(field in 0usize..512, value in prop::collection::vec(any::<u8>(), 1..20)) {
        let mut bytes = valid_layer();
        let end = (field + value.len()).min(512);
        bytes[field..end].copy_from_slice(&value[..end - field]);
        // Keep the checksum right so the fields themselves get parsed.
        let sum: u32 = bytes[..512].iter().enumerate().map(|(i, &c)| if (148..156).contains(&i) { 32 } else { u32::from(c) }).sum();
        bytes[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let _ = read_layer(&bytes, &Limits::default());
    }
}
