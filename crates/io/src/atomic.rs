//! Atomic file creation: every file rankday writes goes through
//! [`atomic_write`], so a reader (or a crash) never sees half a table.
//!
//! How: write to a hidden temporary file in the target's own directory (same
//! file system, so the final `rename` is atomic), flush and `fsync` it, then
//! rename it over the target. On any error, or a panic in the caller's
//! closure, the temporary file is removed and the target is untouched.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::IoError;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Removes the temporary file unless the write was committed.
struct TempGuard {
    path: PathBuf,
    armed: bool,
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The temporary sibling used while `path` is being written.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

/// Creates (or replaces) `path` atomically with what `f` writes.
///
/// The parent directory must exist (callers such as [`crate::write_table`]
/// create it). The buffer handed to `f` is 1 MiB; `f` should return
/// [`IoError`]s naming what it failed to produce.
pub fn atomic_write(
    path: &Path,
    f: impl FnOnce(&mut BufWriter<File>) -> Result<(), IoError>,
) -> Result<(), IoError> {
    let tmp = temp_path(path);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| IoError::io(&tmp, e))?;
    let mut guard = TempGuard {
        path: tmp.clone(),
        armed: true,
    };
    let mut w = BufWriter::with_capacity(1 << 20, file);
    f(&mut w)?;
    w.flush().map_err(|e| IoError::io(path, e))?;
    let file = w
        .into_inner()
        .map_err(|e| IoError::io(path, e.into_error()))?;
    file.sync_all().map_err(|e| IoError::io(path, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| IoError::io(path, e))?;
    guard.armed = false;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn failed_closure_leaves_target_unchanged_and_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("t.csv");
        atomic_write(&p, |w| w.write_all(b"old").map_err(|e| IoError::io(&p, e))).unwrap();
        let r = atomic_write(&p, |w| {
            w.write_all(b"new, half").unwrap();
            Err(IoError::Usage("injected".into()))
        });
        assert_eq!(r.unwrap_err().to_string(), "injected");
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(leftovers(d.path()), vec!["t.csv".to_string()]);
    }

    #[test]
    fn failed_closure_on_new_target_creates_nothing() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("new.parquet");
        let r = atomic_write(&p, |_| Err(IoError::Usage("boom".into())));
        assert!(r.is_err());
        assert!(leftovers(d.path()).is_empty());
    }

    #[test]
    fn missing_directory_is_an_io_error_naming_the_temp_path() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("nope").join("x.csv");
        let e = atomic_write(&p, |_| Ok(())).unwrap_err();
        assert!(matches!(e, IoError::Io { .. }), "{e}");
        assert!(e.to_string().contains("nope"), "{e}");
        assert!(!p.exists());
    }

    #[test]
    fn panic_in_closure_removes_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("p.csv");
        let r = std::panic::catch_unwind(|| {
            let _ = atomic_write(&p, |_| panic!("caller bug"));
        });
        assert!(r.is_err());
        assert!(leftovers(d.path()).is_empty());
    }
}
