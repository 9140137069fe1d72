//! How rankday creates files: every file atomically ([`atomic_write`]),
//! and every run's outputs as one set ([`OutputDir`]).
//!
//! # One file
//!
//! [`atomic_write`] writes to a hidden temporary file in the target's own
//! directory (same file system, so the final `rename` is atomic), flushes
//! and `fsync`s it, then renames it over the target. On any error, or a
//! panic in the caller's closure, the temporary file is removed and the
//! target is untouched.
//!
//! # A run's outputs
//!
//! A command writes several tables (`levels`, `divisors`, `halts`, …),
//! sometimes a market directory and a report; a reader must see either the
//! previous run's complete set or the new complete set, never a mixture,
//! even when the run fails half-way or is killed. So a command writes
//! through an [`OutputDir`]:
//!
//! 1. [`OutputDir::stage`] makes a hidden staging directory *beside*
//!    `--out` (`.<name>.rankday-stage.<pid>.<n>`, same file system);
//! 2. every table, file and market goes into it;
//! 3. [`OutputDir::publish`] brings over (hard links, no copies) whatever
//!    the old `--out` held that this run did not replace, then swaps the
//!    staging directory and `--out` in one `renameat2(RENAME_EXCHANGE)`
//!    (or one `rename` when `--out` did not exist), and removes the old
//!    tree.
//!
//! Until step 3's swap `--out` is exactly as it was; after it, it holds the
//! new set. A run that fails or is dropped removes its staging directory; a
//! killed one leaves it behind, and the next run on the same `--out`
//! removes it (its process is gone).
//!
//! What a run *replaces*: each name it writes (a table in one format also
//! replaces that table in the other format, so a directory never holds
//! `levels.csv` and `levels.parquet` of different runs; a market
//! subdirectory is replaced whole). Everything else in `--out` is kept.
//!
//! Limits, said plainly: the swap replaces the directory `--out` names (a
//! shell whose working directory is inside it keeps seeing the old one);
//! where the exchange is not available (not Linux, or a file system without
//! it) publishing falls back to two renames, with an instant in which
//! `--out` is absent but never partial; where `--out` is a mount point
//! (nothing beside it on the same file system) the set is staged inside it
//! and each file is renamed in on its own.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rankday_core::Market;

use crate::{FileFormat, IoError, Table};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Removes a path unless disarmed (a temporary file or a staging tree).
struct Cleanup {
    path: PathBuf,
    dir: bool,
    armed: bool,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if self.armed {
            let _ = if self.dir {
                fs::remove_dir_all(&self.path)
            } else {
                fs::remove_file(&self.path)
            };
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
    let mut guard = Cleanup {
        path: tmp.clone(),
        dir: false,
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

/// A command's outputs, staged beside `--out` and published together (see
/// the module docs).
///
/// ```no_run
/// # fn main() -> Result<(), rankday_io::IoError> {
/// use rankday_io::{Column, FileFormat, OutputDir, Table};
/// let mut out = OutputDir::stage(std::path::Path::new("rankday-out"))?;
/// let t = Table::new().with("a", Column::I64(vec![1, 2]));
/// let levels = out.write_table("levels", &t, FileFormat::Csv)?; // rankday-out/levels.csv, once published
/// out.publish()?; // all files appear together, or none does
/// # let _ = levels; Ok(()) }
/// ```
pub struct OutputDir {
    /// `--out`, with its parent made absolute and symlinks resolved.
    target: PathBuf,
    /// Where the run writes.
    stage: PathBuf,
    /// Staged inside the target (a mount point): publish file by file.
    inside: bool,
    /// Top-level names this run writes, and names it makes stale.
    written: BTreeSet<String>,
    superseded: BTreeSet<String>,
    cleanup: Cleanup,
}

impl OutputDir {
    /// Starts a run writing to `out` (created on publish if missing). Removes
    /// staging directories of earlier runs on `out` whose process is gone.
    pub fn stage(out: &Path) -> Result<OutputDir, IoError> {
        let target = resolve_target(out)?;
        let parent = target.parent().expect("resolved targets have a parent");
        let name = file_name(&target);
        remove_abandoned(parent, &name);
        let inside = target.is_dir() && is_mount_point(&target, parent);
        if inside {
            remove_abandoned(&target, "");
        }
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let stage_name = format!(".{name}.rankday-stage.{}.{n}", std::process::id());
        let stage = if inside {
            target.join(stage_name)
        } else {
            parent.join(stage_name)
        };
        fs::create_dir(&stage).map_err(|e| {
            IoError::file(
                out,
                format!(
                    "cannot write the outputs there: creating {} failed: {}",
                    stage.display(),
                    crate::error::os_message(&e)
                ),
            )
        })?;
        Ok(OutputDir {
            target,
            cleanup: Cleanup {
                path: stage.clone(),
                dir: true,
                armed: true,
            },
            stage,
            inside,
            written: BTreeSet::new(),
            superseded: BTreeSet::new(),
        })
    }

    /// The directory the outputs will be in once published.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The directory the run writes into, for a check of what was written
    /// before it is published (read back a staged market, say).
    pub fn staged(&self) -> &Path {
        &self.stage
    }

    /// Where `name` will be once published.
    pub fn final_path(&self, name: &str) -> PathBuf {
        self.target.join(name)
    }

    fn claim(&mut self, name: &str) -> Result<PathBuf, IoError> {
        check_name(name)?;
        self.written.insert(name.to_string());
        self.superseded.remove(name);
        Ok(self.stage.join(name))
    }

    /// Writes the table `name` (`name.csv` or `name.parquet`); the same
    /// table in the other format is dropped from the published set. Returns
    /// its published path.
    pub fn write_table(
        &mut self,
        name: &str,
        t: &Table,
        format: FileFormat,
    ) -> Result<PathBuf, IoError> {
        let file = format!("{name}.{}", format.extension());
        self.claim(&file)?;
        crate::write_table(&self.stage, name, t, format)?;
        self.supersede(&format!("{name}.{}", format.other().extension()));
        Ok(self.final_path(&file))
    }

    /// Writes the file `name` with `f` (e.g. a report). Returns its published path.
    pub fn write_file(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut BufWriter<File>) -> Result<(), IoError>,
    ) -> Result<PathBuf, IoError> {
        let path = self.claim(name)?;
        atomic_write(&path, f)?;
        Ok(self.final_path(name))
    }

    /// Writes the file `name` holding `bytes`. Returns its published path.
    pub fn write_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<PathBuf, IoError> {
        let path = self.stage.join(name);
        self.write_file(name, |w| {
            w.write_all(bytes).map_err(|e| IoError::io(&path, e))
        })
    }

    /// Writes a market directory: in the subdirectory `subdir` (replaced
    /// whole), or, with `None`, as the output directory itself (for
    /// `generate` and the importers), where each table in the other format
    /// is dropped. Returns the published market directory.
    pub fn write_market(
        &mut self,
        subdir: Option<&str>,
        m: &Market,
        format: FileFormat,
    ) -> Result<PathBuf, IoError> {
        match subdir {
            Some(sub) => {
                let dir = self.claim(sub)?;
                crate::write_market(m, &dir, format)?;
                Ok(self.final_path(sub))
            }
            None => {
                crate::write_market(m, &self.stage, format)?;
                for t in ["securities", "daily", "actions"] {
                    self.written.insert(format!("{t}.{}", format.extension()));
                    self.supersede(&format!("{t}.{}", format.other().extension()));
                }
                self.written.insert("format.toml".into());
                Ok(self.target.clone())
            }
        }
    }

    /// Drops the table `name` (either format) from the published set unless
    /// this run writes it: a table the command owns but did not write this
    /// time would otherwise sit beside tables of another run.
    pub fn supersede_table(&mut self, name: &str) {
        for f in [FileFormat::Csv, FileFormat::Parquet] {
            self.supersede(&format!("{name}.{}", f.extension()));
        }
    }

    /// Drops `name` from the published set if the old `--out` has it (a
    /// stale table this run makes wrong).
    pub fn supersede(&mut self, name: &str) {
        if !self.written.contains(name) {
            self.superseded.insert(name.to_string());
        }
    }

    /// Makes the outputs visible, all together (see the module docs).
    pub fn publish(mut self) -> Result<PathBuf, IoError> {
        self.check_collisions()?;
        if self.inside {
            return self.publish_inside();
        }
        if self.target.exists() {
            self.carry_over()?;
            if let Ok(meta) = fs::metadata(&self.target) {
                let _ = fs::set_permissions(&self.stage, meta.permissions());
            }
            sync_dir(&self.stage);
            if exchange(&self.stage, &self.target)? {
                // The stage path now holds the old tree: the cleanup removes it.
                sync_parent(&self.target);
                return Ok(self.target.clone());
            }
            // No exchange: move the old tree aside, then the new one in.
            let old = self.stage.with_file_name(format!(
                ".{}.rankday-old.{}.{}",
                file_name(&self.target),
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            fs::rename(&self.target, &old).map_err(|e| IoError::io(&self.target, e))?;
            if let Err(e) = fs::rename(&self.stage, &self.target) {
                let _ = fs::rename(&old, &self.target);
                return Err(IoError::io(&self.target, e));
            }
            self.cleanup.path = old;
        } else {
            sync_dir(&self.stage);
            fs::rename(&self.stage, &self.target).map_err(|e| IoError::io(&self.target, e))?;
            self.cleanup.armed = false;
        }
        sync_parent(&self.target);
        Ok(self.target.clone())
    }

    /// An output may replace a file of the same name, never a directory
    /// (or a file where the run writes a directory): what is there is not
    /// an earlier output, and replacing it would delete the user's data.
    fn check_collisions(&self) -> Result<(), IoError> {
        for name in &self.written {
            let (old, new) = (self.target.join(name), self.stage.join(name));
            let (Ok(o), Ok(n)) = (fs::symlink_metadata(&old), fs::symlink_metadata(&new)) else {
                continue;
            };
            if o.is_dir() != n.is_dir() {
                let what = if o.is_dir() { "a directory" } else { "a file" };
                return Err(IoError::file(
                    &old,
                    format!("is {what} where this run writes its {name}; move it away (nothing was written)"),
                ));
            }
        }
        Ok(())
    }

    /// Hard-links (or copies) what the old `--out` holds and this run does
    /// not replace into the stage.
    fn carry_over(&self) -> Result<(), IoError> {
        let entries = fs::read_dir(&self.target).map_err(|e| IoError::io(&self.target, e))?;
        for e in entries {
            let e = e.map_err(|e| IoError::io(&self.target, e))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if self.written.contains(&name) || self.superseded.contains(&name) {
                continue;
            }
            link_tree(&e.path(), &self.stage.join(&name))?;
        }
        Ok(())
    }

    /// The mount-point case: each staged entry renamed in on its own.
    fn publish_inside(self) -> Result<PathBuf, IoError> {
        for name in &self.superseded {
            let p = self.target.join(name);
            if p.exists() {
                remove_tree(&p)?;
            }
        }
        for name in &self.written {
            let (from, to) = (self.stage.join(name), self.target.join(name));
            if to.is_dir() && from.is_dir() {
                remove_tree(&to)?;
            }
            fs::rename(&from, &to).map_err(|e| IoError::io(&to, e))?;
        }
        Ok(self.target.clone())
    }
}

/// A plain name inside the output directory.
fn check_name(name: &str) -> Result<(), IoError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(IoError::Usage(format!(
            "output name '{name}' must be a plain file name (no path separators, not hidden)"
        )));
    }
    Ok(())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `out` with an absolute, existing parent and symlinks resolved, so the
/// staging directory lands beside the real directory (swapping a symlink
/// would replace the link, not the outputs).
fn resolve_target(out: &Path) -> Result<PathBuf, IoError> {
    if out.as_os_str().is_empty() {
        return Err(IoError::Usage("the output directory is empty".into()));
    }
    if out.exists() {
        let real = out.canonicalize().map_err(|e| IoError::io(out, e))?;
        if !real.is_dir() {
            return Err(IoError::file(
                out,
                "exists and is not a directory (the output directory must be a directory)",
            ));
        }
        if real.parent().is_none() {
            return Err(IoError::file(
                out,
                "cannot be the root directory (outputs are staged beside it)",
            ));
        }
        return Ok(real);
    }
    let name = out.file_name().ok_or_else(|| {
        IoError::file(
            out,
            "does not name a directory (it ends in '..' or is a root)",
        )
    })?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| {
        IoError::file(
            out,
            format!(
                "cannot create its parent directory {}: {}",
                parent.display(),
                crate::error::os_message(&e)
            ),
        )
    })?;
    let parent = parent.canonicalize().map_err(|e| IoError::io(&parent, e))?;
    Ok(parent.join(name))
}

/// Whether `dir` is on another device than its parent.
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(dir), fs::metadata(parent)) {
            (Ok(a), Ok(b)) => a.dev() != b.dev(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (dir, parent);
        false
    }
}

/// Removes staging and old trees of runs on `name` whose process is gone
/// (killed runs); `name` empty matches every name (stages inside a mount
/// point).
fn remove_abandoned(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let f = e.file_name().to_string_lossy().into_owned();
        let rest = [".rankday-stage.", ".rankday-old."].iter().find_map(|tag| {
            if name.is_empty() {
                f.split_once(tag)
                    .filter(|(a, _)| a.starts_with('.'))
                    .map(|(_, r)| r)
            } else {
                f.strip_prefix(&format!(".{name}{tag}"))
            }
        });
        let Some(rest) = rest else { continue };
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid {
            if pid != std::process::id() && !process_alive(pid) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        // Without a cheap check, assume alive: a stale stage is only litter.
        true
    }
}

/// Recreates `from` at `to`: directories made, files hard-linked (copied
/// where linking fails), symlinks recreated.
fn link_tree(from: &Path, to: &Path) -> Result<(), IoError> {
    let meta = fs::symlink_metadata(from).map_err(|e| IoError::io(from, e))?;
    if meta.is_dir() {
        fs::create_dir(to).map_err(|e| IoError::io(to, e))?;
        let _ = fs::set_permissions(to, meta.permissions());
        for e in fs::read_dir(from).map_err(|e| IoError::io(from, e))? {
            let e = e.map_err(|e| IoError::io(from, e))?;
            link_tree(&e.path(), &to.join(e.file_name()))?;
        }
        return Ok(());
    }
    #[cfg(unix)]
    if meta.file_type().is_symlink() {
        let link = fs::read_link(from).map_err(|e| IoError::io(from, e))?;
        return std::os::unix::fs::symlink(link, to).map_err(|e| IoError::io(to, e));
    }
    if fs::hard_link(from, to).is_err() {
        fs::copy(from, to).map_err(|e| IoError::io(from, e))?;
    }
    Ok(())
}

fn remove_tree(p: &Path) -> Result<(), IoError> {
    let r = if fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()) {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    };
    r.map_err(|e| IoError::io(p, e))
}

/// Swaps two directories atomically; `Ok(false)` where the system cannot.
fn exchange(a: &Path, b: &Path) -> Result<bool, IoError> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(e)
                if e == rustix::io::Errno::INVAL
                    || e == rustix::io::Errno::NOSYS
                    || e == rustix::io::Errno::OPNOTSUPP =>
            {
                Ok(false)
            }
            Err(e) => Err(IoError::io(b, e.into())),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Persists a directory's entries (best effort: not every platform can).
fn sync_dir(p: &Path) {
    if let Ok(f) = File::open(p) {
        let _ = f.sync_all();
    }
}

fn sync_parent(p: &Path) {
    if let Some(parent) = p.parent() {
        sync_dir(parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
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

    fn table(v: i64) -> Table {
        Table::new().with("a", Column::I64(vec![v]))
    }

    fn text(p: &Path) -> String {
        fs::read_to_string(p).unwrap()
    }

    #[test]
    fn nothing_appears_before_publish_and_everything_after() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let mut o = OutputDir::stage(&out).unwrap();
        let p = o.write_table("levels", &table(1), FileFormat::Csv).unwrap();
        o.write_file("report.html", |w| {
            w.write_all(b"<html>").map_err(|e| IoError::io("r", e))
        })
        .unwrap();
        assert_eq!(p, d.path().canonicalize().unwrap().join("out/levels.csv"));
        assert!(!out.exists(), "nothing before publish");
        o.publish().unwrap();
        assert_eq!(leftovers(&out), ["levels.csv", "report.html"]);
        assert_eq!(text(&out.join("levels.csv")), "a\n1\n");
        assert_eq!(leftovers(d.path()), ["out"], "no staging left");
    }

    #[test]
    fn a_dropped_run_leaves_out_exactly_as_it_was() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        let mut o = OutputDir::stage(&out).unwrap();
        o.write_table("levels", &table(1), FileFormat::Csv).unwrap();
        o.write_table("halts", &table(1), FileFormat::Csv).unwrap();
        o.publish().unwrap();
        let mut o = OutputDir::stage(&out).unwrap();
        o.write_table("levels", &table(2), FileFormat::Csv).unwrap();
        drop(o); // the run failed before publishing
        assert_eq!(leftovers(&out), ["halts.csv", "levels.csv"]);
        assert_eq!(text(&out.join("levels.csv")), "a\n1\n");
        assert_eq!(leftovers(d.path()), ["out"]);
    }

    #[test]
    fn publish_keeps_other_files_and_replaces_the_other_format() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        fs::create_dir(out.join("sub")).unwrap();
        fs::write(out.join("sub").join("x"), "x").unwrap();
        fs::write(out.join("levels.parquet"), "stale").unwrap();
        let mut o = OutputDir::stage(&out).unwrap();
        o.write_table("levels", &table(3), FileFormat::Csv).unwrap();
        o.publish().unwrap();
        assert_eq!(leftovers(&out), ["levels.csv", "notes.txt", "sub"]);
        assert_eq!(text(&out.join("notes.txt")), "mine");
        assert_eq!(text(&out.join("sub").join("x")), "x");
    }

    #[test]
    fn a_market_subdirectory_is_replaced_whole() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir_all(out.join("market")).unwrap();
        fs::write(out.join("market").join("daily.csv"), "old").unwrap();
        let m = rankday_core::MarketBuilder::new().build().unwrap();
        let mut o = OutputDir::stage(&out).unwrap();
        o.write_market(Some("market"), &m, FileFormat::Parquet)
            .unwrap();
        o.publish().unwrap();
        assert_eq!(
            leftovers(&out.join("market")),
            [
                "actions.parquet",
                "daily.parquet",
                "format.toml",
                "securities.parquet"
            ]
        );
    }

    #[test]
    fn abandoned_stages_of_dead_runs_are_removed() {
        let d = tempfile::tempdir().unwrap();
        // A pid no process has (above the kernel's pid_max).
        let dead = d.path().join(".out.rankday-stage.4194305.0");
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join("levels.csv"), "half").unwrap();
        let other = d.path().join(".outer.rankday-stage.4194305.0");
        fs::create_dir(&other).unwrap();
        let o = OutputDir::stage(&d.path().join("out")).unwrap();
        drop(o);
        assert!(!dead.exists());
        assert!(
            other.exists(),
            "another output's stage is not ours to remove"
        );
    }

    #[test]
    fn an_output_never_replaces_a_directory() {
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir_all(out.join("halts.csv")).unwrap();
        fs::write(out.join("levels.csv"), "old").unwrap();
        let mut o = OutputDir::stage(&out).unwrap();
        o.write_table("levels", &table(1), FileFormat::Csv).unwrap();
        o.write_table("halts", &table(1), FileFormat::Csv).unwrap();
        let e = o.publish().unwrap_err().to_string();
        assert!(
            e.contains("halts.csv: is a directory where this run writes its halts.csv"),
            "{e}"
        );
        assert_eq!(text(&out.join("levels.csv")), "old");
        assert!(out.join("halts.csv").is_dir());
        assert_eq!(leftovers(d.path()), ["out"]);
    }

    #[test]
    fn bad_targets_are_errors_naming_them() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("file");
        fs::write(&f, "x").unwrap();
        let e = OutputDir::stage(&f).err().unwrap().to_string();
        assert!(e.contains("exists and is not a directory"), "{e}");
        let mut o = OutputDir::stage(&d.path().join("o")).unwrap();
        let e = o
            .write_table("../x", &table(1), FileFormat::Csv)
            .unwrap_err()
            .to_string();
        assert!(e.contains("plain file name"), "{e}");
    }
}
