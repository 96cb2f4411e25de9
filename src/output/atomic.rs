//! Writing a run's files as one set: never half a workbook, never a mix of two runs.
//!
//! The files go into a temporary folder beside the target, each synced; then the folder is
//! renamed into place. An existing run folder is moved aside first and removed only after the
//! new one is in place, so a failure at any step leaves the previous set whole.
use super::Rendered;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{dir} already holds a run; pass --force to replace it (the whole set is replaced at once)")]
    Exists { dir: String },
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Refuses early when the folder exists and `force` is not given.
pub fn check_target(dir: &Path, force: bool) -> Result<(), WriteError> {
    if dir.exists() && !force {
        return Err(WriteError::Exists {
            dir: dir.display().to_string(),
        });
    }
    Ok(())
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    dir.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

fn sync_dir(dir: &Path) {
    // Directory fsync makes the renames durable; not every filesystem supports it.
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// Writes `files` as the folder `dir`, replacing an existing one only when `force` is set.
pub fn replace_dir(dir: &Path, files: &[Rendered], force: bool) -> Result<(), WriteError> {
    check_target(dir, force)?;
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io(parent))?;
    let tmp = sibling(dir, "tmp");
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io(&tmp))?;
    let result = (|| {
        for f in files {
            let path = tmp.join(&f.name);
            let mut file = fs::File::create(&path).map_err(io(&path))?;
            file.write_all(&f.bytes).map_err(io(&path))?;
            file.sync_all().map_err(io(&path))?;
        }
        sync_dir(&tmp);
        if dir.exists() {
            let old = sibling(dir, "old");
            fs::rename(dir, &old).map_err(io(dir))?;
            if let Err(e) = fs::rename(&tmp, dir) {
                // Put the previous set back before reporting.
                let _ = fs::rename(&old, dir);
                return Err(io(dir)(e));
            }
            sync_dir(parent);
            let _ = fs::remove_dir_all(&old);
        } else {
            fs::rename(&tmp, dir).map_err(io(dir))?;
        }
        sync_dir(parent);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
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
        // A file name that cannot be created makes the new set fail half-way.
        let bad = [file("a.csv", "new"), file("no/such/dir.csv", "x")];
        assert!(replace_dir(&dir, &bad, true).is_err());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert_eq!(
            fs::read_dir(root.path()).unwrap().count(),
            1,
            "the temporary folder is cleaned up"
        );
    }
}
