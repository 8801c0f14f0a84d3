//! One 512-byte tar header block, read and written the way Go's `archive/tar` does (the
//! library dockerd unpacks and packs layers with): the same checksum rule, the same number
//! parsing (octal with NUL/space padding, or base-256), the same field layout.

use super::TarError;

pub(super) const BLOCK: usize = 512;
pub(super) type Block = [u8; BLOCK];

// Field offsets of the V7/USTAR/GNU layouts.
const NAME: (usize, usize) = (0, 100);
const MODE: (usize, usize) = (100, 108);
const UID: (usize, usize) = (108, 116);
const GID: (usize, usize) = (116, 124);
const SIZE: (usize, usize) = (124, 136);
const MTIME: (usize, usize) = (136, 148);
const CHKSUM: (usize, usize) = (148, 156);
const TYPEFLAG: usize = 156;
const LINKNAME: (usize, usize) = (157, 257);
const MAGIC: (usize, usize) = (257, 263);
const VERSION: (usize, usize) = (263, 265);
const UNAME: (usize, usize) = (265, 297);
const GNAME: (usize, usize) = (297, 329);
const DEVMAJOR: (usize, usize) = (329, 337);
const DEVMINOR: (usize, usize) = (337, 345);
const PREFIX: (usize, usize) = (345, 500);
const STAR_PREFIX: (usize, usize) = (345, 476);
const STAR_ATIME: (usize, usize) = (476, 488);
const STAR_CTIME: (usize, usize) = (488, 500);
const STAR_TRAILER: (usize, usize) = (508, 512);
const GNU_ATIME: (usize, usize) = (345, 357);
const GNU_CTIME: (usize, usize) = (357, 369);

/// The header formats Go tells apart by magic (USTAR and PAX share one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Format {
    V7,
    Ustar,
    Star,
    Gnu,
}

/// A header as Go's `Reader.readHeader` returns it, before PAX and GNU extensions apply.
#[derive(Clone, Debug)]
pub(super) struct Header {
    pub typeflag: u8,
    pub name: Vec<u8>,
    pub linkname: Vec<u8>,
    pub size: i64,
    pub mode: i64,
    pub uid: i64,
    pub gid: i64,
    pub mtime: i64,
    pub devmajor: i64,
    pub devminor: i64,
    pub format: Format,
}

fn field(b: &Block, (start, end): (usize, usize)) -> &[u8] {
    &b[start..end]
}

/// Go's `parser.parseString`: the bytes up to the first NUL.
pub(super) fn cut_nul(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(i) => &b[..i],
        None => b,
    }
}

/// Parses numbers the way Go's `parser` does, remembering the first failure.
#[derive(Default)]
struct Parser {
    failed: bool,
}

impl Parser {
    /// Go's `parseNumeric`: base-256 when the top bit is set, octal otherwise.
    fn numeric(&mut self, b: &[u8]) -> i64 {
        match b.first() {
            Some(&first) if first & 0x80 != 0 => self.base256(b),
            _ => self.octal(b),
        }
    }

    fn base256(&mut self, b: &[u8]) -> i64 {
        let inv: u8 = if b[0] & 0x40 != 0 { 0xff } else { 0 };
        let mut x: u64 = 0;
        for (i, &c) in b.iter().enumerate() {
            let mut c = c ^ inv;
            if i == 0 {
                c &= 0x7f;
            }
            if x >> 56 > 0 {
                self.failed = true;
                return 0;
            }
            x = x << 8 | u64::from(c);
        }
        if x >> 63 > 0 {
            self.failed = true;
            return 0;
        }
        let x = x as i64; // fits: the top bit is clear
        if inv == 0xff {
            !x
        } else {
            x
        }
    }

    /// Go's `parseOctal`: NULs and spaces trimmed at both ends, then digits up to a NUL.
    fn octal(&mut self, b: &[u8]) -> i64 {
        let pad = |c: &u8| *c == b' ' || *c == 0;
        let start = b.iter().position(|c| !pad(c)).unwrap_or(b.len());
        let end = b.iter().rposition(|c| !pad(c)).map_or(start, |i| i + 1);
        let b = &b[start..end];
        if b.is_empty() {
            return 0;
        }
        match parse_octal_digits(cut_nul(b)) {
            Some(x) => x as i64, // Go converts the uint64 the same way
            None => {
                self.failed = true;
                0
            }
        }
    }
}

fn parse_octal_digits(b: &[u8]) -> Option<u64> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0u64, |acc, &c| match c {
        b'0'..=b'7' => acc.checked_mul(8)?.checked_add(u64::from(c - b'0')),
        _ => None,
    })
}

/// The unsigned and signed sums of the block with the checksum field read as spaces.
fn checksums(b: &Block) -> (i64, i64) {
    let (mut unsigned, mut signed) = (0i64, 0i64);
    for (i, &c) in b.iter().enumerate() {
        let c = if (CHKSUM.0..CHKSUM.1).contains(&i) { b' ' } else { c };
        unsigned += i64::from(c);
        signed += i64::from(c as i8);
    }
    (unsigned, signed)
}

/// Go's `block.GetFormat`: `None` when the checksum does not match (an invalid header).
pub(super) fn format_of(b: &Block) -> Option<Format> {
    let mut p = Parser::default();
    let value = p.octal(field(b, CHKSUM));
    let (unsigned, signed) = checksums(b);
    if p.failed || (value != unsigned && value != signed) {
        return None;
    }
    let magic = field(b, MAGIC);
    Some(match () {
        _ if magic == b"ustar\0" && field(b, STAR_TRAILER) == b"tar\0" => Format::Star,
        _ if magic == b"ustar\0" => Format::Ustar,
        _ if magic == b"ustar " && field(b, VERSION) == b" \0" => Format::Gnu,
        _ => Format::V7,
    })
}

/// Go's `Reader.readHeader` for a block that is not all zeros.
pub(super) fn parse(b: &Block) -> Result<Header, TarError> {
    let format = format_of(b).ok_or(TarError::InvalidHeader)?;
    let mut p = Parser::default();
    let mut h = Header {
        typeflag: b[TYPEFLAG],
        name: cut_nul(field(b, NAME)).to_vec(),
        linkname: cut_nul(field(b, LINKNAME)).to_vec(),
        size: p.numeric(field(b, SIZE)),
        mode: p.numeric(field(b, MODE)),
        uid: p.numeric(field(b, UID)),
        gid: p.numeric(field(b, GID)),
        mtime: p.numeric(field(b, MTIME)),
        devmajor: 0,
        devminor: 0,
        format,
    };
    if format != Format::V7 {
        h.devmajor = p.numeric(field(b, DEVMAJOR));
        h.devminor = p.numeric(field(b, DEVMINOR));
        let prefix = prefix_of(b, format, &mut p);
        if !prefix.is_empty() {
            let mut name = prefix;
            name.push(b'/');
            name.extend_from_slice(&h.name);
            h.name = name;
        }
    }
    if p.failed {
        return Err(TarError::InvalidHeader);
    }
    Ok(h)
}

/// The USTAR/STAR prefix; for GNU, the fallback Go keeps for pre-Go1.8 writers.
fn prefix_of(b: &Block, format: Format, p: &mut Parser) -> Vec<u8> {
    match format {
        Format::Ustar => cut_nul(field(b, PREFIX)).to_vec(),
        Format::Star => {
            p.numeric(field(b, STAR_ATIME));
            p.numeric(field(b, STAR_CTIME));
            cut_nul(field(b, STAR_PREFIX)).to_vec()
        }
        Format::Gnu => {
            let mut p2 = Parser::default();
            for f in [GNU_ATIME, GNU_CTIME] {
                if b[f.0] != 0 {
                    p2.numeric(field(b, f));
                }
            }
            let prefix = cut_nul(field(b, PREFIX));
            if p2.failed && prefix.is_ascii() {
                prefix.to_vec()
            } else {
                Vec::new()
            }
        }
        Format::V7 => Vec::new(),
    }
}

/// What a header block is made of, for writing (Go's `templateV7Plus` inputs).
pub(super) struct Fields<'a> {
    pub name: &'a [u8],
    pub linkname: &'a [u8],
    pub mode: i64,
    pub uid: i64,
    pub gid: i64,
    pub size: i64,
    pub mtime: i64,
    pub typeflag: u8,
    pub uname: &'a [u8],
    pub gname: &'a [u8],
    /// `None` leaves the device fields NUL, as Go does for its PAX header blocks.
    pub dev: Option<(i64, i64)>,
    pub prefix: &'a [u8],
}

/// A USTAR block with Go's formatting: zero-padded octal and a NUL, checksum "%06o\0 ".
pub(super) fn format(f: &Fields) -> Block {
    let mut b = [0u8; BLOCK];
    put_string(&mut b, NAME, f.name);
    put_string(&mut b, LINKNAME, f.linkname);
    put_number(&mut b, MODE, f.mode);
    put_number(&mut b, UID, f.uid);
    put_number(&mut b, GID, f.gid);
    put_number(&mut b, SIZE, f.size);
    put_number(&mut b, MTIME, f.mtime);
    b[TYPEFLAG] = f.typeflag;
    put_string(&mut b, UNAME, f.uname);
    put_string(&mut b, GNAME, f.gname);
    if let Some((major, minor)) = f.dev {
        put_number(&mut b, DEVMAJOR, major);
        put_number(&mut b, DEVMINOR, minor);
    }
    put_string(&mut b, PREFIX, f.prefix);
    b[MAGIC.0..MAGIC.1].copy_from_slice(b"ustar\0");
    b[VERSION.0..VERSION.1].copy_from_slice(b"00");
    let (sum, _) = checksums(&b);
    let digits = format!("{sum:06o}");
    b[CHKSUM.0..CHKSUM.0 + 6].copy_from_slice(&digits.as_bytes()[digits.len() - 6..]);
    b[CHKSUM.0 + 6] = 0;
    b[CHKSUM.0 + 7] = b' ';
    b
}

/// Go's `formatter.formatString`: truncated to the field, NUL-terminated when shorter, and a
/// trailing '/' of a truncated name replaced by NUL.
fn put_string(b: &mut Block, (start, end): (usize, usize), s: &[u8]) {
    let dst = &mut b[start..end];
    let n = s.len().min(dst.len());
    dst[..n].copy_from_slice(&s[..n]);
    if s.len() < dst.len() {
        dst[s.len()] = 0;
    }
    if s.len() > dst.len() && dst[dst.len() - 1] == b'/' {
        let kept = s[..dst.len() - 1].iter().rposition(|&c| c != b'/').map_or(0, |i| i + 1);
        dst[kept] = 0;
    }
}

/// Whether `x` fits the octal digits of a field of `len` bytes (one byte kept for the NUL).
pub(super) fn fits_octal(len: usize, x: i64) -> bool {
    let bits = (len - 1) * 3;
    x >= 0 && (bits >= 63 || x < 1i64 << bits)
}

/// Zero-padded octal with a NUL when it fits; base-256 (GNU) otherwise.
fn put_number(b: &mut Block, (start, end): (usize, usize), x: i64) {
    let dst = &mut b[start..end];
    let n = dst.len();
    if fits_octal(n, x) {
        let digits = format!("{:0width$o}", x, width = n - 1);
        dst[..n - 1].copy_from_slice(digits.as_bytes());
        dst[n - 1] = 0;
    } else {
        let bytes = x.to_be_bytes();
        let fill = if x < 0 { 0xff } else { 0 };
        for (i, d) in dst.iter_mut().enumerate() {
            *d = if i + 8 >= n { bytes[i + 8 - n] } else { fill };
        }
        dst[0] |= 0x80;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_fields_as_go_reads_them() {
        let mut p = Parser::default();
        assert_eq!(p.octal(b"0000644\0"), 0o644);
        assert_eq!(p.octal(b"  644 \0\0"), 0o644);
        assert_eq!(p.octal(b"\0\0\0\0\0\0\0\0"), 0);
        assert!(!p.failed);
        p.octal(b"0000x44\0");
        assert!(p.failed);
    }

    #[test]
    fn base256_both_signs() {
        let mut p = Parser::default();
        assert_eq!(p.numeric(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]), 256);
        assert_eq!(p.numeric(&[0xff; 12]), -1);
        assert!(!p.failed);
    }

    #[test]
    fn written_block_reads_back() {
        let f = Fields {
            name: b"etc/hostname",
            linkname: b"",
            mode: 0o100644,
            uid: 0,
            gid: 0,
            size: 3,
            mtime: 1_600_000_000,
            typeflag: b'0',
            uname: b"root",
            gname: b"root",
            dev: Some((0, 0)),
            prefix: b"",
        };
        let b = format(&f);
        assert!(b[148..154].iter().all(u8::is_ascii_digit) && &b[154..156] == b"\0 ");
        let h = parse(&b).expect("a block we wrote");
        assert_eq!(h.name, b"etc/hostname");
        assert_eq!((h.size, h.mode, h.mtime, h.format), (3, 0o100644, 1_600_000_000, Format::Ustar));
    }

    #[test]
    fn big_numbers_go_base256() {
        let mut b = [0u8; BLOCK];
        put_number(&mut b, SIZE, 1 << 40);
        assert_eq!(Parser::default().numeric(field(&b, SIZE)), 1 << 40);
        put_number(&mut b, MTIME, -5);
        assert_eq!(Parser::default().numeric(field(&b, MTIME)), -5);
    }
}
