//! The layer store: each layer tarball unpacked once into `<store>/<sha256>/diff`, keyed by
//! the sha256 of the tarball's bytes. Unpacking goes to a private temporary directory that
//! is renamed into place only when complete, so a crash never leaves a half layer under a
//! digest; temporaries of dead processes are removed by `remove_stale_tmp`.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::layer_source::{read_layer, Limits, TarError};
use super::sys;
use super::unpack::{open_dir, unpack_into, UnpackError};

#[derive(Debug)]
pub enum LayerError {
    Read { path: PathBuf, err: std::io::Error },
    Tar(TarError),
    Unpack(UnpackError),
    Store { op: &'static str, path: PathBuf, err: std::io::Error },
}

impl std::fmt::Display for LayerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayerError::Read { path, err } => write!(f, "reading layer {}: {err}", path.display()),
            LayerError::Tar(e) => e.fmt(f),
            LayerError::Unpack(e) => e.fmt(f),
            LayerError::Store { op, path, err } => write!(f, "layer store: {op} {}: {err}", path.display()),
        }
    }
}

impl std::error::Error for LayerError {}

/// A layer in the store.
#[derive(Clone, Debug)]
pub struct Layer {
    /// `sha256:` + 64 hex digits of the tarball.
    pub digest: String,
    /// The unpacked directory, an overlay lower dir.
    pub diff: PathBuf,
}

pub struct LayerStore {
    dir: PathBuf,
    limits: Limits,
}

/// Removes a temporary unpack directory unless committed.
struct TmpGuard(Option<PathBuf>);

impl Drop for TmpGuard {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl LayerStore {
    pub fn open(dir: PathBuf) -> Result<LayerStore, LayerError> {
        std::fs::create_dir_all(&dir).map_err(|err| LayerError::Store { op: "create", path: dir.clone(), err })?;
        Ok(LayerStore { dir, limits: Limits::default() })
    }

    pub fn diff_dir(&self, hex: &str) -> PathBuf {
        self.dir.join(hex).join("diff")
    }

    /// Unpacks the tarball at `path` unless a layer with its digest is already stored. The
    /// digest of a file is remembered under its (device, inode, size, mtime, ctime), as git's
    /// index does, so an unchanged tarball is not read and hashed again.
    pub fn import_file(&self, path: &Path) -> Result<Layer, LayerError> {
        use std::os::unix::fs::MetadataExt;
        let read_err = |err| LayerError::Read { path: path.to_path_buf(), err };
        let m = std::fs::metadata(path).map_err(read_err)?;
        let memo = self.dir.join(format!(
            ".stat-{}-{}-{}-{}.{}-{}.{}",
            m.dev(),
            m.ino(),
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ));
        if let Ok(hex) = std::fs::read_to_string(&memo) {
            let diff = self.diff_dir(hex.trim());
            if hex.trim().len() == 64 && diff.is_dir() {
                return Ok(Layer { digest: format!("sha256:{}", hex.trim()), diff });
            }
        }
        let bytes = std::fs::read(path).map_err(read_err)?;
        let layer = self.import_bytes(&bytes)?;
        let _ = std::fs::write(&memo, layer.digest.trim_start_matches("sha256:"));
        Ok(layer)
    }

    pub fn import_bytes(&self, bytes: &[u8]) -> Result<Layer, LayerError> {
        let hex = sha256_hex(bytes);
        let final_dir = self.dir.join(&hex);
        let diff = final_dir.join("diff");
        if diff.is_dir() {
            return Ok(Layer { digest: format!("sha256:{hex}"), diff });
        }
        let entries = read_layer(bytes, &self.limits).map_err(LayerError::Tar)?;
        let me = std::process::id() as i32;
        let start = sys::proc_start_time(me).map(|s| s.0).unwrap_or(0);
        let rand = sys::random_hex(4).map_err(|err| LayerError::Store { op: "random", path: self.dir.clone(), err })?;
        let tmp = self.dir.join(format!(".tmp-{me}-{start}-{rand}"));
        let tmp_diff = tmp.join("diff");
        let mut guard = TmpGuard(Some(tmp.clone()));
        std::fs::create_dir_all(&tmp_diff).map_err(|err| LayerError::Store { op: "create", path: tmp_diff.clone(), err })?;
        let root = open_dir(&tmp_diff).map_err(|err| LayerError::Store { op: "open", path: tmp_diff.clone(), err })?;
        unpack_into(&root, &entries).map_err(LayerError::Unpack)?;
        drop(root);
        match std::fs::rename(&tmp, &final_dir) {
            Ok(()) => {
                guard.0 = None;
            }
            // Another process stored the same layer first: keep theirs, drop ours (guard).
            Err(_) if diff.is_dir() => {}
            Err(err) => return Err(LayerError::Store { op: "rename", path: final_dir, err }),
        }
        Ok(Layer { digest: format!("sha256:{hex}"), diff })
    }

    /// Removes unpack temporaries whose process is gone.
    pub fn remove_stale_tmp(&self) -> usize {
        let mut n = 0;
        let Ok(rd) = std::fs::read_dir(&self.dir) else { return 0 };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(rest) = name.strip_prefix(".tmp-") else { continue };
            let mut it = rest.split('-');
            let pid: i32 = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let start: u64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            if !sys::process_alive(pid, start) && std::fs::remove_dir_all(e.path()).is_ok() {
                n += 1;
            }
        }
        n
    }
}
