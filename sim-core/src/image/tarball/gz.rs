//! gzip as dockerd reads it (Go's `compress/gzip`: multistream, checked CRC-32 and size,
//! the same header rules), streamed through a bounded window so a bomb is stopped as soon as
//! it inflates past its bound; and a deterministic gzip writer.

use flate2::{Compress, Compression, Crc, Decompress, FlushCompress, FlushDecompress, Status};

use super::read::Stream;
use super::{GzipFault, Limits, TarError};

/// The magic dockerd's `DetectCompression` looks for.
pub(super) const MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Inflate this much at a time: the window the tar reader works through.
const WINDOW: usize = 64 * 1024;

/// Below this many inflated bytes the compression-ratio limit does not apply: a small layer
/// of empty files and tar padding legitimately shrinks a hundredfold.
pub const RATIO_GRACE_BYTES: u64 = 8 << 20;

const FLAG_HCRC: u8 = 1 << 1;
const FLAG_EXTRA: u8 = 1 << 2;
const FLAG_NAME: u8 = 1 << 3;
const FLAG_COMMENT: u8 = 1 << 4;

/// How much a stream of `compressed` bytes may inflate to, and which limit that is.
#[derive(Clone, Copy)]
pub(super) struct Bound {
    bytes: u64,
    by_ratio: bool,
}

impl Bound {
    pub(super) fn new(compressed: usize, limits: &Limits) -> Bound {
        let by_ratio = limits.max_compression_ratio.saturating_mul(compressed as u64).max(RATIO_GRACE_BYTES);
        if by_ratio < limits.max_unpacked_bytes {
            Bound { bytes: by_ratio, by_ratio: true }
        } else {
            Bound { bytes: limits.max_unpacked_bytes, by_ratio: false }
        }
    }

    fn error(self, limits: &Limits) -> TarError {
        if self.by_ratio {
            TarError::CompressionRatio { limit: limits.max_compression_ratio }
        } else {
            TarError::TooLarge { limit: limits.max_unpacked_bytes }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    Member,
    Done,
    Fault(GzipFault),
}

/// A gzip stream inflated window by window.
pub(super) struct GzStream<'a> {
    input: &'a [u8],
    pos: usize,
    inflater: Decompress,
    crc: Crc,
    member_len: u32,
    window: Vec<u8>,
    start: usize,
    end: usize,
    total_out: u64,
    bound: Bound,
    limit_error: TarError,
    phase: Phase,
}

impl<'a> GzStream<'a> {
    /// Reads the first member's header, as `gzip.NewReader` does before any data flows.
    pub(super) fn open(input: &'a [u8], limits: &Limits) -> Result<GzStream<'a>, TarError> {
        let bound = Bound::new(input.len(), limits);
        let mut s = GzStream {
            input,
            pos: 0,
            inflater: Decompress::new(false),
            crc: Crc::new(),
            member_len: 0,
            window: vec![0; WINDOW],
            start: 0,
            end: 0,
            total_out: 0,
            bound,
            limit_error: bound.error(limits),
            phase: Phase::Member,
        };
        match s.member_header() {
            Ok(()) => Ok(s),
            Err(fault) => Err(TarError::Gzip { fault, opening: true }),
        }
    }

    /// The inflated size the last trailer claims (the whole size for one member), within the
    /// bound: attacker-controlled, so only a capacity hint.
    fn size_hint(&self) -> u64 {
        let claimed = match self.input.len().checked_sub(4).and_then(|i| self.input.get(i..)) {
            Some(t) => u64::from(u32::from_le_bytes([t[0], t[1], t[2], t[3]])),
            None => 0,
        };
        claimed.min(self.bound.bytes)
    }

    /// The fault that ended the stream early, if any (seen by dockerd's copy to the unpacker).
    pub(super) fn fault(&self) -> Option<GzipFault> {
        match &self.phase {
            Phase::Fault(f) => Some(f.clone()),
            _ => None,
        }
    }

    /// Inflates everything left, to check the trailers after the tar's end.
    pub(super) fn drain(&mut self) -> Result<(), TarError> {
        loop {
            let n = self.fill()?.len();
            if n == 0 {
                return Ok(());
            }
            self.consume(n);
        }
    }

    /// Go's `Reader.readHeader` at `pos`.
    fn member_header(&mut self) -> Result<(), GzipFault> {
        let h = self.take(10).ok_or(GzipFault::UnexpectedEof)?;
        if h[..3] != MAGIC {
            return Err(GzipFault::InvalidHeader);
        }
        let flags = h[3];
        let mut digest = Crc::new();
        digest.update(h);
        if flags & FLAG_EXTRA != 0 {
            let len = self.take(2).ok_or(GzipFault::UnexpectedEof)?;
            digest.update(len);
            let n = usize::from(u16::from_le_bytes([len[0], len[1]]));
            digest.update(self.take(n).ok_or(GzipFault::UnexpectedEof)?);
        }
        for flag in [FLAG_NAME, FLAG_COMMENT] {
            if flags & flag != 0 {
                let s = self.zero_terminated()?;
                digest.update(s);
            }
        }
        if flags & FLAG_HCRC != 0 {
            let sum = self.take(2).ok_or(GzipFault::UnexpectedEof)?;
            if u16::from_le_bytes([sum[0], sum[1]]) != digest.sum() as u16 {
                return Err(GzipFault::InvalidHeader);
            }
        }
        self.inflater.reset(false);
        self.crc.reset();
        self.member_len = 0;
        Ok(())
    }

    /// Go's `readString`: at most 512 bytes with the NUL; EOF inside is a bare `io.EOF`.
    fn zero_terminated(&mut self) -> Result<&'a [u8], GzipFault> {
        let rest = &self.input[self.pos..];
        match rest.iter().take(512).position(|&c| c == 0) {
            Some(i) => {
                self.pos += i + 1;
                Ok(&rest[..=i])
            }
            None if rest.len() < 512 => Err(GzipFault::Eof),
            None => Err(GzipFault::InvalidHeader),
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let input: &'a [u8] = self.input;
        let bytes = input.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(bytes)
    }

    /// After a member's deflate stream: the trailer, then the next member or the end.
    fn end_member(&mut self) -> Phase {
        let Some(t) = self.take(8) else { return Phase::Fault(GzipFault::UnexpectedEof) };
        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
        if crc != self.crc.sum() || size != self.member_len {
            return Phase::Fault(GzipFault::Checksum);
        }
        if self.pos == self.input.len() {
            return Phase::Done;
        }
        match self.member_header() {
            Ok(()) => Phase::Member,
            // An EOF inside the next header's name is a clean end for Go's multistream reader.
            Err(GzipFault::Eof) => Phase::Done,
            Err(fault) => Phase::Fault(fault),
        }
    }

    /// Inflates the next window's worth; `Ok(0)` once the stream has ended or failed.
    fn inflate_window(&mut self) -> Result<usize, TarError> {
        while self.phase == Phase::Member {
            let (in_before, out_before) = (self.inflater.total_in(), self.inflater.total_out());
            let result = self.inflater.decompress(&self.input[self.pos..], &mut self.window, FlushDecompress::None);
            let consumed = (self.inflater.total_in() - in_before) as usize;
            let produced = (self.inflater.total_out() - out_before) as usize;
            self.pos += consumed;
            self.account(produced)?;
            match result {
                Ok(Status::StreamEnd) => self.phase = self.end_member(),
                Ok(_) if produced == 0 && consumed == 0 => self.phase = Phase::Fault(GzipFault::UnexpectedEof),
                Ok(_) => {}
                Err(_) => {
                    let offset = self.inflater.total_in();
                    self.phase = Phase::Fault(GzipFault::Corrupt(offset));
                }
            }
            if produced > 0 {
                return Ok(produced);
            }
        }
        Ok(0)
    }

    fn account(&mut self, produced: usize) -> Result<(), TarError> {
        let out = &self.window[..produced];
        self.crc.update(out);
        self.member_len = self.member_len.wrapping_add(produced as u32);
        self.total_out += produced as u64;
        if self.total_out > self.bound.bytes {
            return Err(self.limit_error.clone());
        }
        Ok(())
    }
}

impl Stream for GzStream<'_> {
    fn fill(&mut self) -> Result<&[u8], TarError> {
        if self.start == self.end {
            self.start = 0;
            self.end = self.inflate_window()?;
        }
        Ok(&self.window[self.start..self.end])
    }

    fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    fn remaining_hint(&self) -> u64 {
        (self.end - self.start) as u64 + self.bound.bytes.saturating_sub(self.total_out)
    }
}

/// Inflates a whole gzip stream (every member), bounded like [`GzStream`].
pub(super) fn gunzip(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, TarError> {
    let mut s = GzStream::open(bytes, limits)?;
    let mut out = Vec::with_capacity(s.size_hint() as usize);
    loop {
        let chunk = s.fill()?;
        if chunk.is_empty() {
            break;
        }
        out.extend_from_slice(chunk);
        let n = chunk.len();
        s.consume(n);
    }
    match s.fault() {
        Some(fault) => Err(TarError::Gzip { fault, opening: false }),
        None => Ok(out),
    }
}

/// One gzip member: mtime 0, no name, XFL 0, OS 255 (Go's header), deflate level 1 (in a
/// browser, 7 times faster than level 6 for 13% more bytes).
pub(super) fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
    deflate_into(bytes, &mut out);
    let mut crc = Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out
}

fn deflate_into(bytes: &[u8], out: &mut Vec<u8>) {
    let mut deflater = Compress::new(Compression::new(1), false);
    loop {
        if out.capacity() - out.len() < 4096 {
            out.reserve(out.capacity().max(4096));
        }
        let consumed = deflater.total_in() as usize;
        let status = deflater.compress_vec(&bytes[consumed..], out, FlushCompress::Finish);
        match status {
            Ok(Status::StreamEnd) => return,
            Ok(_) => {}
            // The in-memory deflater has no failure mode but a full buffer, handled above.
            Err(_) => return,
        }
    }
}
