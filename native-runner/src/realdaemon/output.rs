//! A container's stdout and stderr, read as they come and kept as whole lines, each with the
//! time it was read, until the engine takes them into its log (a line split across reads
//! stays one log line).

use std::io::Read;
use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use sim_core::engine::containerd::Output;

/// Lines written and not yet taken.
#[derive(Default)]
pub struct Sink {
    lines: Mutex<Vec<Output>>,
}

impl Sink {
    fn push(&self, stream: u8, bytes: Vec<u8>) {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let o = Output { stream, secs: now.as_secs() as i64, nanos: now.subsec_nanos(), bytes };
        if let Ok(mut l) = self.lines.lock() {
            l.push(o);
        }
    }

    pub fn take(&self) -> Vec<Output> {
        self.lines.lock().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default()
    }
}

/// Reads `fd` until EOF on a thread of its own; whole lines go to `sink` as they end, the
/// rest at EOF.
pub fn read_into(fd: OwnedFd, stream: u8, sink: Arc<Sink>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut f = std::fs::File::from(fd);
        let mut pending: Vec<u8> = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            let n = match f.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            while let Some(i) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=i).collect();
                sink.push(stream, line);
            }
        }
        if !pending.is_empty() {
            sink.push(stream, pending);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_stay_whole_across_reads() {
        let (r, w) = crate::runtime::sys::pipe().expect("pipe");
        let sink = Arc::new(Sink::default());
        let h = read_into(r, 1, Arc::clone(&sink));
        let mut wf = std::fs::File::from(w);
        use std::io::Write;
        wf.write_all(b"he").expect("write");
        wf.flush().expect("flush");
        std::thread::sleep(std::time::Duration::from_millis(20));
        wf.write_all(b"llo\nwor").expect("write");
        drop(wf);
        h.join().expect("join");
        let got: Vec<(u8, Vec<u8>)> = sink.take().into_iter().map(|o| (o.stream, o.bytes)).collect();
        assert_eq!(got, vec![(1, b"hello\n".to_vec()), (1, b"wor".to_vec())]);
        assert!(sink.take().is_empty());
    }
}
