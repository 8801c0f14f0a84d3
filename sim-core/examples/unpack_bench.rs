//! Times `read_layer` against GNU `tar -xzf` on the same layer.
//!
//!     cargo run --release -p sim-core --example unpack_bench -- \
//!         /work/shared/fixtures/alpine-3.15/alpine-minirootfs-3.15.11-x86_64.tar.gz 50
//!
//! Prints the median of N runs of each and their ratio. `tar` extracts into a fresh
//! temporary directory per run (created and removed outside the timing).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sim_core::image::tarball::{read_layer, Limits};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time_read_layer(bytes: &[u8], n: usize) -> (Duration, usize) {
    let mut entries = 0;
    let runs = (0..n)
        .map(|_| {
            let start = Instant::now();
            let layer = read_layer(bytes, &Limits::default()).expect("the fixture is a valid layer");
            let elapsed = start.elapsed();
            entries = layer.len();
            elapsed
        })
        .collect();
    (median(runs), entries)
}

fn scratch_dir(i: usize) -> PathBuf {
    std::env::temp_dir().join(format!("unpack-bench-{}-{i}", std::process::id()))
}

fn time_tar(path: &Path, n: usize) -> Duration {
    let runs = (0..n)
        .map(|i| {
            let dir = scratch_dir(i);
            std::fs::create_dir_all(&dir).expect("create a scratch directory");
            let start = Instant::now();
            let status = Command::new("tar").arg("-xzf").arg(path).arg("-C").arg(&dir).status().expect("run tar");
            let elapsed = start.elapsed();
            assert!(status.success(), "tar -xzf failed: {status}");
            std::fs::remove_dir_all(&dir).expect("remove the scratch directory");
            elapsed
        })
        .collect();
    median(runs)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(args.next().expect("usage: unpack_bench LAYER.tar.gz [N]"));
    let n: usize = args.next().map_or(20, |s| s.parse().expect("N is a number"));
    let bytes = std::fs::read(&path).expect("read the layer");
    let (ours, entries) = time_read_layer(&bytes, n);
    let theirs = time_tar(&path, n);
    println!("layer: {} ({} bytes, {entries} entries), {n} runs each", path.display(), bytes.len());
    println!("read_layer median: {:.2} ms", ours.as_secs_f64() * 1e3);
    println!("tar -xzf median:   {:.2} ms", theirs.as_secs_f64() * 1e3);
    println!("read_layer / tar:  {:.2}", ours.as_secs_f64() / theirs.as_secs_f64());
}
