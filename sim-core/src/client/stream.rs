//! The daemon's multiplexed stream (`application/vnd.docker.raw-stream` without a TTY): each
//! frame is `[stream, 0, 0, 0, size (u32 big endian)]` + payload; 1 = stdout, 2 = stderr.
//! `demux` is moby's `stdcopy.StdCopy`: frames go to stdout or stderr in order.

/// Where a piece of output goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dest {
    Out,
    Err,
}

/// The decoded stream: pieces in arrival order, and the error StdCopy stops with (if any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Demuxed {
    pub pieces: Vec<(Dest, Vec<u8>)>,
    pub error: Option<String>,
}

impl Demuxed {
    pub fn stdout(&self) -> Vec<u8> {
        self.pieces.iter().filter(|(d, _)| *d == Dest::Out).flat_map(|(_, b)| b.clone()).collect()
    }
    pub fn stderr(&self) -> Vec<u8> {
        self.pieces.iter().filter(|(d, _)| *d == Dest::Err).flat_map(|(_, b)| b.clone()).collect()
    }
}

pub fn demux(bytes: &[u8]) -> Demuxed {
    let mut d = Demuxed::default();
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let kind = bytes[i];
        let size = u32::from_be_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]]) as usize;
        let start = i + 8;
        let end = start.saturating_add(size).min(bytes.len());
        let payload = bytes[start..end].to_vec();
        match kind {
            0 | 1 => d.pieces.push((Dest::Out, payload)),
            2 => d.pieces.push((Dest::Err, payload)),
            3 => {
                d.error = Some(format!("error from daemon in stream: {}", String::from_utf8_lossy(&payload)));
                return d;
            }
            k => {
                d.error = Some(format!("Unrecognized input header: {k}"));
                return d;
            }
        }
        i = end;
    }
    d
}

/// Frames a payload (for tests and for whoever writes streams).
pub fn frame(dest: Dest, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![if dest == Dest::Out { 1 } else { 2 }, 0, 0, 0];
    v.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    v.extend_from_slice(payload);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_in_order() {
        let mut b = frame(Dest::Out, b"out\n");
        b.extend(frame(Dest::Err, b"err\n"));
        b.extend(frame(Dest::Out, b"x"));
        let d = demux(&b);
        assert_eq!(d.stdout(), b"out\nx");
        assert_eq!(d.stderr(), b"err\n");
        assert_eq!(d.pieces.len(), 3);
        assert_eq!(d.error, None);
    }

    #[test]
    fn truncated_and_bad_headers() {
        let d = demux(b"\x01\x00\x00\x00\x00\x00\x00\x09hi");
        assert_eq!(d.stdout(), b"hi");
        assert_eq!(demux(b"\x07\x00\x00\x00\x00\x00\x00\x00").error.as_deref(), Some("Unrecognized input header: 7"));
        assert_eq!(demux(b"\x01\x00").pieces.len(), 0);
    }
}
