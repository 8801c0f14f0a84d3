#!/usr/bin/env python3
"""Writes the hostile layer tarballs of this directory, deterministically.

    python3 tests/images/hostile/make_corpus.py

Every file is rebuilt from this script alone: fixed mtimes, owners and names, gzip with mtime 0 and
no file name, and a fixed-seed generator for the "random" bytes. Running it twice gives the same
bytes (sim-core/tests/hostile_layers.rs reads the files; README.md says what each one attempts).
"""
import gzip
import io
import os
import tarfile

OUT = os.path.dirname(os.path.abspath(__file__))
MTIME = 1_600_000_000


def info(name, kind=tarfile.REGTYPE, size=0, link="", mode=0o644, devmajor=0, devminor=0):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.size = size
    ti.linkname = link
    ti.mode = mode
    ti.mtime = MTIME
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = "root"
    ti.devmajor, ti.devminor = devmajor, devminor
    return ti


def file(name, data=b"", mode=0o644):
    return info(name, size=len(data), mode=mode), data


def d(name):
    return info(name, tarfile.DIRTYPE, mode=0o755), None


def symlink(name, target):
    return info(name, tarfile.SYMTYPE, link=target, mode=0o777), None


def hardlink(name, target):
    return info(name, tarfile.LNKTYPE, link=target), None


def tar_bytes(members, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        for ti, data in members:
            tf.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        g.write(data)
    return buf.getvalue()


def lcg_bytes(n, seed=0x5EED):
    """Deterministic pseudo-random bytes (a 64-bit LCG, high byte of each state)."""
    out = bytearray()
    x = seed
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        out.append(x >> 56)
    return bytes(out)


def checksum(block):
    block = bytearray(block)
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\x00 " % sum(block)
    return bytes(block)


def raw_header(name, typeflag=b"0", size_field=b"%011o\x00" % 0, linkname=b""):
    """One ustar header with the given raw fields and a correct checksum."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\x00"
    h[108:116] = b"0000000\x00"
    h[116:124] = b"0000000\x00"
    h[124:136] = size_field
    h[136:148] = b"%011o\x00" % MTIME
    h[156:157] = typeflag
    h[157:157 + len(linkname)] = linkname
    h[257:265] = b"ustar\x0000"
    return checksum(h)


END = b"\x00" * 1024


def corpus():
    files = {}
    ok = [d("etc/"), file("etc/hostname", b"ok\n")]

    # Paths that climb out of the layer root.
    files["01-dotdot-file.tar"] = tar_bytes([file("../evil", b"escaped\n")])
    files["02-dotdot-nested.tar"] = tar_bytes([d("a/"), file("a/../../evil", b"escaped\n")])
    files["03-dotdot-entry.tar"] = tar_bytes([d("..")])
    # Absolute names: Docker cleans them and joins them under the root.
    files["04-absolute-path.tar"] = tar_bytes([d("/etc/"), file("/etc/evil", b"absolute\n")])
    files["05-absolute-dotdot.tar"] = tar_bytes([file("/../../evil", b"clamped\n")])
    # Hard links.
    files["06-hardlink-escape.tar"] = tar_bytes(ok + [hardlink("link", "../../../etc/shadow")])
    files["07-hardlink-nonexistent.tar"] = tar_bytes(ok + [hardlink("link", "missing")])
    files["08-hardlink-absolute.tar"] = tar_bytes(ok + [hardlink("hn", "/etc/hostname")])
    files["09-hardlink-to-dir.tar"] = tar_bytes(ok + [hardlink("dirlink", "etc")])
    files["10-hardlink-through-symlink.tar"] = tar_bytes(
        ok + [symlink("s", "/etc"), hardlink("h", "s/hostname")])
    # Symlink, then a write through it (the layer applier must refuse the write).
    files["11-symlink-abs-then-write.tar"] = tar_bytes(
        [symlink("evil", "/etc"), file("evil/passwd", b"root::0:0::/:/bin/sh\n")])
    files["12-symlink-dotdot-then-write.tar"] = tar_bytes(
        [d("a/"), symlink("a/up", "../../../../"), file("a/up/tmp/pwned", b"x\n")])
    files["13-symlink-dotdot-then-dir.tar"] = tar_bytes(
        [symlink("up", ".."), d("up/sub/")])
    # Compression: a bomb, gzip that is not a tar, broken gzip.
    bomb = tar_bytes([file("zeros", b"\x00" * (16 << 20))])
    files["14-gzip-bomb.tar.gz"] = gz(bomb)
    files["15-gzip-not-tar.tar.gz"] = gz(b"this is not a tar archive\n" * 4)
    good = tar_bytes(ok)
    g = gz(good)
    files["16-gzip-truncated.tar.gz"] = g[: len(g) // 2]
    corrupt = bytearray(g)
    corrupt[20:40] = b"\xff" * 20
    files["17-gzip-corrupt.tar.gz"] = bytes(corrupt)
    bad_crc = bytearray(g)
    bad_crc[-8] ^= 0xFF
    files["18-gzip-bad-crc.tar.gz"] = bytes(bad_crc)
    # Broken tar structure.
    files["19-garbage.bin"] = lcg_bytes(4096)
    t = tar_bytes([file("big", b"A" * 5000)])
    files["20-truncated-data.tar"] = t[: 512 + 2000]  # the header and 2000 of 5000 data bytes
    files["21-truncated-header.tar"] = t[:300]
    bad = bytearray(tar_bytes(ok))
    bad[148] = ord("7") if bad[148] != ord("7") else ord("6")
    files["22-bad-checksum.tar"] = bytes(bad)
    files["23-zero-block-then-garbage.tar"] = b"\x00" * 512 + lcg_bytes(512, 7) + END
    files["24-huge-size-field.tar"] = raw_header(b"huge", size_field=b"77777777777\x00") + b"x" * 512
    files["25-negative-size.tar"] = raw_header(b"neg", size_field=b"\xff" * 12) + END
    files["26-unhandled-type.tar"] = raw_header(b"odd", typeflag=b"Z") + END
    files["27-bad-pax-record.tar"] = pax_raw(b"999 path=x\n") + raw_header(b"f") + END
    files["28-empty.tar"] = b""
    files["29-only-end-blocks.tar"] = END
    # Names that are too deep or too long for the simulation's limits.
    deep = "/".join(["d"] * 300) + "/f"
    files["30-deep-path.tar.gz"] = gz(tar_bytes([file(deep, b"deep\n")]))
    long_ = "/".join(["n" * 250] * 20)  # 5019 bytes: more than PATH_MAX
    files["31-long-path.tar.gz"] = gz(tar_bytes([file(long_, b"long\n")]))
    gnu_name = info("x" * (2 << 20))  # a GNU long name of 2 MiB: more than Go reads
    files["32-gnu-longname-too-long.tar.gz"] = gz(tar_bytes([(gnu_name, b"")], tarfile.GNU_FORMAT))
    # Valid archives that need the extensions or keep special entries.
    name200 = "p/" + "q" * 200
    files["33-pax-long-names.tar"] = tar_bytes(
        [d("p/"), file(name200, b"pax\n"), symlink("p/s", "/" + "t" * 150), hardlink("p/h", name200)])
    files["34-gnu-long-names.tar"] = tar_bytes(
        [d("g/"), file("g/" + "r" * 200, b"gnu\n"), hardlink("g/h", "g/" + "r" * 200)], tarfile.GNU_FORMAT)
    files["35-whiteouts.tar"] = tar_bytes(
        [d("dir/"), file("dir/.wh..wh..opq"), file(".wh.gone"), file("dir/.wh.old")])
    files["36-devices.tar"] = tar_bytes([
        d("dev/"),
        (info("dev/null", tarfile.CHRTYPE, mode=0o666, devmajor=1, devminor=3), None),
        (info("dev/sda", tarfile.BLKTYPE, mode=0o660, devmajor=8, devminor=0), None),
        (info("dev/fifo", tarfile.FIFOTYPE, mode=0o600), None),
    ])
    files["37-dot-slash-names.tar"] = tar_bytes(
        [d("./"), d("./etc/"), file("./etc//./hostname", b"dots\n"), d("./a/b/../c/")])
    # Names that resolve to the root itself.
    files["38-file-named-slash.tar"] = tar_bytes([file("/", b"root?\n")])
    files["39-file-named-dot.tar"] = tar_bytes([file(".", b"dot\n")])
    files["40-dotdot-dir-mode.tar"] = tar_bytes([(info("..", tarfile.DIRTYPE, mode=0o700), None)])
    # More names the kernel refuses: a long symlink target, a long component, a long directory,
    # a hard link whose target is too long.
    files["41-symlink-long-target.tar.gz"] = gz(tar_bytes([symlink("s", "t" * 5000)]))
    files["42-long-component.tar"] = tar_bytes([file("c" * 256, b"x\n")])
    files["43-long-dir.tar.gz"] = gz(tar_bytes([d("/".join(["m" * 250] * 17) + "/")]))
    files["44-hardlink-long-target.tar.gz"] = gz(tar_bytes(ok + [hardlink("l", "/".join(["k" * 250] * 17))]))
    # gzip framing.
    files["45-gzip-trailing-garbage.tar.gz"] = g + b"GARBAGE!GARBAGE!"
    files["46-gzip-short-header.tar.gz"] = g[:5]
    files["47-gzip-two-members.tar.gz"] = gz(good[:512]) + gz(good[512:])
    # Other types and PAX fields.
    files["48-gnu-sparse.tar"] = raw_header(b"sparse", typeflag=b"S") + END
    files["49-pax-overrides.tar"] = pax_raw(
        b"13 size=0004\n19 mtime=1234.5678\n12 uid=1000\n12 gid=1000\n16 path=renamed\n") + \
        raw_header(b"f", size_field=b"%011o\x00" % 7) + b"abcd" + b"\x00" * 508 + END
    return files


def pax_raw(records):
    """A PAX extended header whose record block is given raw (possibly malformed)."""
    h = bytearray(raw_header(b"PaxHeaders/f", typeflag=b"x", size_field=b"%011o\x00" % len(records)))
    data = records + b"\x00" * (-len(records) % 512)
    return bytes(h) + data


def main():
    for name, data in sorted(corpus().items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
