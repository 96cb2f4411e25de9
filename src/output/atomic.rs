//! Writing a run's files as one set: never half a workbook, never a mix of two runs.
//!
//! The files are written into a temporary folder beside the target (`.NAME.tmp-PID`), each
//! synced. A new target is then renamed into place. An existing one (with `--force`) is
//! swapped in one step with `renameat2(RENAME_EXCHANGE)`, so the target path always holds a
//! complete set; where the filesystem cannot exchange, the old folder is renamed aside
//! (`.NAME.old-PID`) and the new one in, and a crash between the two is repaired by the next
//! run (the moved-aside set is put back). A signal (`crate::interrupt`) or a failed write at any
//! step removes the temporary folder and leaves the previous set as it was.
//!
//! Two environment variables inject faults for the tests of this promise:
//! `GRIDSCORE_FAULT_DELAY_MS` sleeps after each file written and before each input copied (so
//! a test can interrupt the writing, or change an input before its copy), and `GRIDSCORE_FAULT_FULL_AFTER=N` fails the write of file N+1 as a full disk would.
use super::Rendered;
use crate::interrupt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{dir} already holds a run; pass --force to replace it (the whole set is replaced at once)")]
    Exists { dir: String },
    // The OS error follows in the error chain (`main` prints it with `{:#}`).
    #[error("cannot write {path} (any earlier run folder is untouched)")]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Interrupted(#[from] interrupt::Interrupted),
    #[error("{path} changed while the run was reading it (its SHA-256 is no longer the one scored); nothing was written — run again")]
    Changed { path: String },
}

/// An input file copied into the run folder's archive, checked against the SHA-256 it had
/// when it was read, so the archive holds exactly what was scored.
pub struct Copied {
    pub from: PathBuf,
    /// Relative to the run folder (`inputs/考勤.xlsx`).
    pub name: String,
    pub sha256: String,
}

/// Streams `from` into `to`, returning the SHA-256 of what was copied.
fn copy_hashed(from: &Path, to: &Path) -> Result<String, WriteError> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut src = fs::File::open(from).map_err(io(from))?;
    let mut dst = fs::File::create(to).map_err(io(to))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        // A large input takes seconds to copy: a signal should not wait for it.
        interrupt::check()?;
        let n = src.read(&mut buf).map_err(io(from))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(io(to))?;
    }
    dst.sync_all().map_err(io(to))?;
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn name_of(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into())
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    dir.with_file_name(format!(".{}.{tag}-{}", name_of(dir), std::process::id()))
}

/// Leftovers of an earlier run of this target that stopped abruptly: temporary folders, and
/// a set moved aside by the two-rename fallback.
fn leftovers(dir: &Path, tag: &str) -> Vec<PathBuf> {
    let prefix = format!(".{}.{tag}-", name_of(dir));
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut v: Vec<PathBuf> = fs::read_dir(parent)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Puts back a set that a crash left moved aside, and removes stale temporary folders.
pub fn recover(dir: &Path) -> Result<(), WriteError> {
    if !dir.exists() {
        if let Some(old) = leftovers(dir, "old").pop() {
            fs::rename(&old, dir).map_err(io(dir))?;
        }
    }
    for stale in leftovers(dir, "tmp").into_iter().chain(leftovers(dir, "old")) {
        let _ = fs::remove_dir_all(stale);
    }
    Ok(())
}

/// Refuses early when the folder exists and `force` is not given.
pub fn check_target(dir: &Path, force: bool) -> Result<(), WriteError> {
    recover(dir)?;
    if dir.exists() && !force {
        return Err(WriteError::Exists {
            dir: dir.display().to_string(),
        });
    }
    Ok(())
}

fn sync_dir(dir: &Path) {
    // Directory fsync makes the renames durable; not every filesystem supports it.
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

fn fault_delay() {
    if let Some(ms) = std::env::var("GRIDSCORE_FAULT_DELAY_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

fn fault_full(written: usize) -> std::io::Result<()> {
    match std::env::var("GRIDSCORE_FAULT_FULL_AFTER")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        Some(n) if written >= n => Err(std::io::Error::from_raw_os_error(libc::ENOSPC)),
        _ => Ok(()),
    }
}

/// Swaps two existing paths in one step. `false` when the system cannot (then the caller
/// falls back to two renames).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call; renameat2 only reads them.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::ENOTSUP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Writes `files` as the folder `dir`, replacing an existing one only when `force` is set.
pub fn replace_dir(dir: &Path, files: &[Rendered], force: bool) -> Result<(), WriteError> {
    replace_dir_with(dir, files, &[], force)
}

/// [`replace_dir`], with input files copied into the set as well (the run's archive).
pub fn replace_dir_with(dir: &Path, files: &[Rendered], copies: &[Copied], force: bool) -> Result<(), WriteError> {
    let stage = Stage::begin(dir, force)?;
    stage.copy(copies)?;
    stage.write(files)?;
    stage.commit()
}

/// A set being written: the temporary folder beside the target, filled by [`Stage::copy`]
/// and [`Stage::write`] (from any thread, in any order) and put in place by
/// [`Stage::commit`]. Dropped uncommitted — an error, a signal, a panic — it removes the
/// temporary folder and the previous set stays as it was.
///
/// A run copies its inputs into the archive while it is still scoring: a province's 430 MB
/// of inputs take seconds to write and sync, which would otherwise follow the rendering.
pub struct Stage {
    dir: PathBuf,
    parent: PathBuf,
    tmp: PathBuf,
    force: bool,
}

impl Stage {
    pub fn begin(dir: &Path, force: bool) -> Result<Stage, WriteError> {
        check_target(dir, force)?;
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        let tmp = sibling(dir, "tmp");
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io(&tmp))?;
        Ok(Stage {
            dir: dir.to_path_buf(),
            parent,
            tmp,
            force,
        })
    }

    /// A path inside the set, its folder created.
    fn path(&self, name: &str) -> Result<PathBuf, WriteError> {
        let path = self.tmp.join(name);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).map_err(io(p))?;
        }
        Ok(path)
    }

    /// Copies input files in, each checked against the SHA-256 it had when it was read.
    pub fn copy(&self, copies: &[Copied]) -> Result<(), WriteError> {
        for c in copies {
            let path = self.path(&c.name)?;
            fault_delay();
            interrupt::check()?;
            if copy_hashed(&c.from, &path)? != c.sha256 {
                return Err(WriteError::Changed {
                    path: c.from.display().to_string(),
                });
            }
        }
        Ok(())
    }

    /// Writes rendered files in, each synced.
    pub fn write(&self, files: &[Rendered]) -> Result<(), WriteError> {
        for (n, f) in files.iter().enumerate() {
            interrupt::check()?;
            let path = self.path(&f.name)?;
            let mut file = fs::File::create(&path).map_err(io(&path))?;
            fault_full(n).map_err(io(&path))?;
            file.write_all(&f.bytes).map_err(io(&path))?;
            file.sync_all().map_err(io(&path))?;
            fault_delay();
        }
        Ok(())
    }

    /// Puts the set in place of the target in one step (see the module's comment).
    pub fn commit(self) -> Result<(), WriteError> {
        let (dir, tmp, parent) = (&self.dir, &self.tmp, &self.parent);
        sync_dir(tmp);
        // The last point at which stopping leaves nothing behind.
        interrupt::check()?;
        // The target may have appeared since `begin` (another run finishing first).
        if dir.exists() && !self.force {
            return Err(WriteError::Exists {
                dir: dir.display().to_string(),
            });
        }
        if dir.exists() {
            if exchange(tmp, dir).map_err(io(dir))? {
                // `tmp` now holds the previous set, which the drop below removes.
                sync_dir(parent);
                return Ok(());
            }
            let old = sibling(dir, "old");
            fs::rename(dir, &old).map_err(io(dir))?;
            if let Err(e) = fs::rename(tmp, dir) {
                // Put the previous set back before reporting.
                let _ = fs::rename(&old, dir);
                return Err(io(dir)(e));
            }
            sync_dir(parent);
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(tmp, dir).map_err(io(dir))?;
        }
        sync_dir(parent);
        Ok(())
    }
}

impl Drop for Stage {
    /// Removes the temporary folder: the unfinished set after a failure, the previous set after
    /// an exchange, and nothing after a rename (it is the target now).
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, body: &str) -> Rendered {
        Rendered {
            name: name.into(),
            bytes: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_a_set_only_with_force_and_leaves_no_temporaries() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out").join("run");
        replace_dir(&dir, &[file("a.csv", "1"), file("b.csv", "2")], false).unwrap();
        assert!(matches!(
            replace_dir(&dir, &[file("a.csv", "3")], false),
            Err(WriteError::Exists { .. })
        ));
        assert_eq!(
            fs::read_to_string(dir.join("a.csv")).unwrap(),
            "1",
            "refusal leaves the old set"
        );
        replace_dir(&dir, &[file("a.csv", "3")], true).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "3");
        assert!(!dir.join("b.csv").exists(), "the whole set is replaced, not merged");
        let left: Vec<_> = fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("run")]);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_set_whole() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        replace_dir(&dir, &[file("a.csv", "old")], false).unwrap();
        // A file name that cannot be created (a NUL byte) makes the new set fail half-way.
        let bad = [file("a.csv", "new"), file("bad\0name.csv", "x")];
        assert!(replace_dir(&dir, &bad, true).is_err());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "the temporary folder is cleaned up"
        );
    }

    #[test]
    fn a_stage_dropped_before_its_commit_leaves_the_previous_set_and_no_temporaries() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        replace_dir(&dir, &[file("a.csv", "old")], false).unwrap();
        let input = root.path().join("input.csv");
        fs::write(&input, "编号\n001\n").unwrap();
        let copied = Copied {
            from: input.clone(),
            name: "inputs/input.csv".into(),
            sha256: crate::rules::sha256_hex(&fs::read(&input).unwrap()),
        };
        {
            // As a run does: the copy on another thread while the rendering goes on.
            let stage = Stage::begin(&dir, true).unwrap();
            std::thread::scope(|s| {
                s.spawn(|| stage.copy(std::slice::from_ref(&copied)).unwrap());
                stage.write(&[file("a.csv", "new")]).unwrap();
            });
            // Dropped here, as when the scoring fails after the copy began.
        }
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 2, "run and input.csv only");
        let stage = Stage::begin(&dir, true).unwrap();
        stage.copy(&[copied]).unwrap();
        stage.write(&[file("a.csv", "new")]).unwrap();
        stage.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        assert_eq!(
            fs::read(dir.join("inputs/input.csv")).unwrap(),
            fs::read(&input).unwrap()
        );
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            2,
            "the exchanged old set is removed"
        );
    }

    #[test]
    fn a_set_moved_aside_by_a_crash_is_put_back_and_stale_temporaries_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        // What a crash between the fallback's two renames leaves: the set aside, the new one unfinished.
        fs::create_dir(root.path().join(".run.old-4242")).unwrap();
        fs::write(root.path().join(".run.old-4242").join("a.csv"), "previous").unwrap();
        fs::create_dir(root.path().join(".run.tmp-4242")).unwrap();
        assert!(
            matches!(check_target(&dir, false), Err(WriteError::Exists { .. })),
            "the previous set is back"
        );
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "previous");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders_in_one_step() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("x"), "A").unwrap();
        fs::write(b.join("x"), "B").unwrap();
        if exchange(&a, &b).unwrap() {
            assert_eq!(fs::read_to_string(b.join("x")).unwrap(), "A");
            assert_eq!(fs::read_to_string(a.join("x")).unwrap(), "B");
        }
    }
}
