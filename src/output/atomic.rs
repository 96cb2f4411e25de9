//! Writing a run's files as one set: never half a workbook, never a mix of two runs, and
//! never a file gridscore did not write.
//!
//! A run holds an OS lock on the output folder's parent for its whole length (`flock` on the
//! folder itself, so no lock file is left behind), so two runs aimed at one place — a clerk
//! and the month-end job — take turns instead of interleaving; the second waits. Under that
//! lock every temporary folder of the target is a dead run's, so clean-up cannot remove a live
//! run's work, and it removes only folders that carry gridscore's marker.
//!
//! What already stands at the target decides what may happen ([`Found`]): nothing or an empty
//! folder is used as it is; a folder gridscore can prove it wrote — its manifest reads and it
//! holds exactly the files that manifest lists — is replaced with `--force`; anything else (a
//! clerk's documents, a file, a run folder someone added a file to) is refused, with or without
//! `--force`, naming what is there. All of it is looked at before the run reads anything but
//! the previous set's hashes, which are checked on a thread of their own while the run works
//! ([`Check`]) and joined before anything is replaced.
//!
//! The files are written into a temporary folder beside the target (`.NAME.tmp-PID`, marked by
//! [`PARTIAL`]), each synced. A new target is then renamed into place. An existing run (with
//! `--force`) is swapped in one step with `renameat2(RENAME_EXCHANGE)`, so the target path
//! always holds a complete set; where the filesystem cannot exchange, the old folder is renamed
//! aside (`.NAME.old-PID`) and the new one in, and a crash between the two is repaired by the
//! next run (the moved-aside set is put back). A signal (`crate::interrupt`) or a failed write
//! at any step removes the temporary folder and leaves the previous set as it was.
//!
//! Two environment variables inject faults for the tests of this promise:
//! `GRIDSCORE_FAULT_DELAY_MS` sleeps after each file written and before each input copied (so
//! a test can interrupt the writing, or change an input before its copy), and `GRIDSCORE_FAULT_FULL_AFTER=N` fails the write of file N+1 as a full disk would.
use super::Rendered;
use crate::archive;
use crate::interrupt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file that marks a temporary folder as gridscore's own unfinished set.
pub const PARTIAL: &str = ".gridscore-partial";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}", msg!("out-exists", dir = dir, what = what))]
    Exists { dir: String, what: String },
    #[error("{}", msg!("out-foreign", dir = dir, listed = listed))]
    Foreign { dir: String, listed: String },
    #[error("{}", msg!("out-approved", dir = dir, what = what))]
    Approved { dir: String, what: String },
    #[error("{}", msg!("out-not-a-folder", dir = dir))]
    NotAFolder { dir: String },
    // The OS error follows in the error chain (`main` prints it with `{:#}`).
    #[error("{}", msg!("out-cannot-write", path = path))]
    Io { path: String, source: std::io::Error },
    #[error(transparent)]
    Interrupted(#[from] interrupt::Interrupted),
    #[error("{}", msg!("out-input-changed", path = path))]
    Changed { path: String },
}

/// What stands at a run's output path.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    Nothing,
    /// A folder with nothing in it: used as it is, without `--force`.
    Empty,
    /// A run folder gridscore wrote (scheme and period), replaced only with `--force`.
    Run(String),
    /// A run folder someone approved (`gridscore approve`): never replaced.
    Approved(String),
    /// Anything else: never replaced. The entries that gridscore did not write, first few.
    Foreign(Vec<String>),
    NotAFolder,
}

/// Looks at what stands at `dir` (see the module's comment).
pub fn inspect(dir: &Path) -> Result<Found, WriteError> {
    inspect_with(dir, true)
}

/// [`inspect`]; without `hashes`, a listed file is taken as unchanged (the second look, at the
/// commit, after the first one hashed them: a province's run folder is half a gigabyte).
fn inspect_with(dir: &Path, hashes: bool) -> Result<Found, WriteError> {
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(io(dir)(e)),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Ok(Found::NotAFolder);
    }
    if dir.join(crate::archive::APPROVAL).exists() {
        let what = match crate::archive::read_approval(dir) {
            Ok(Some(a)) => msg!("cmd-approved", by = a.by, at = a.at),
            _ => msg!("cmd-holds", approval = crate::archive::APPROVAL),
        };
        return Ok(Found::Approved(what));
    }
    let entries = walk(dir).map_err(io(dir))?;
    if entries.is_empty() {
        return Ok(Found::Empty);
    }
    let listed = match crate::archive::read(dir) {
        Ok(m) => m,
        Err(_) => return Ok(Found::Foreign(first_few(entries))),
    };
    let files = listed.files();
    // Every file must be one the manifest lists, unchanged, and every folder one that holds a
    // listed file: a clerk who signed the payout and saved it has made it hers.
    let mut unlisted: Vec<(String, bool)> = Vec::new();
    for (name, is_dir) in entries {
        if is_dir {
            if !files.iter().any(|(f, _)| f.starts_with(&format!("{name}/"))) {
                unlisted.push((name, true));
            }
            continue;
        }
        match files.iter().find(|(f, _)| *f == name) {
            None => unlisted.push((name, false)),
            Some((_, Some(sha))) if hashes => unlisted.extend(changed_file(dir, &name, sha)),
            Some(_) => {}
        }
    }
    if unlisted.is_empty() {
        Ok(Found::Run(format!("{} {}", listed.scheme, listed.period)))
    } else {
        Ok(Found::Foreign(first_few(unlisted)))
    }
}

/// The file `name` of the run folder `dir`, named as changed since gridscore wrote it, when it
/// no longer has the SHA-256 `sha` its manifest lists (or cannot be read); nothing when it has,
/// or is not there (a listed file deleted loses nothing when the folder is replaced).
fn changed_file(dir: &Path, name: &str, sha: &str) -> Option<(String, bool)> {
    let path = dir.join(name);
    match hash_file(&path) {
        Ok(h) if h == sha => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        _ => Some((msg!("cmd-changed-since-gridscore-wrote", name = name), false)),
    }
}

/// The SHA-256 of a file, read a mebibyte at a time (a run folder holds files of hundreds of
/// megabytes: they are never held whole).
fn hash_file(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect());
        }
        hash.update(&buf[..n]);
    }
}

/// Every file and folder below `dir`, as `/`-joined relative paths (a link counts as a file:
/// it is never followed). Sorted, so messages are the same every time.
fn walk(dir: &Path) -> std::io::Result<Vec<(String, bool)>> {
    let mut out = Vec::new();
    let mut todo = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, rel)) = todo.pop() {
        for e in fs::read_dir(&path)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let rel_name = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            let is_dir = e.file_type()?.is_dir();
            if is_dir {
                todo.push((e.path(), rel_name.clone()));
            }
            out.push((rel_name, is_dir));
        }
    }
    out.sort();
    Ok(out)
}

fn first_few(entries: Vec<(String, bool)>) -> Vec<String> {
    // Only the top-level names: a clerk's `照片/` folder is one entry, not its hundred photos.
    let mut top: Vec<String> = Vec::new();
    for (name, is_dir) in entries {
        let shown = match name.split_once('/') {
            Some((first, _)) => format!("{first}/"),
            None if is_dir => format!("{name}/"),
            None => name,
        };
        if !top.contains(&shown) {
            top.push(shown);
        }
    }
    top
}

/// Refuses what may not be replaced: `Ok(())` when the run may write `dir`.
fn allowed(dir: &Path, force: bool) -> Result<(), WriteError> {
    allowed_as(dir, force, inspect(dir)?)
}

fn allowed_as(dir: &Path, force: bool, found: Found) -> Result<(), WriteError> {
    let shown = dir.display().to_string();
    match found {
        Found::Nothing | Found::Empty => Ok(()),
        Found::Run(_) if force => Ok(()),
        Found::Run(what) => Err(WriteError::Exists { dir: shown, what }),
        Found::NotAFolder => Err(WriteError::NotAFolder { dir: shown }),
        Found::Approved(what) => Err(WriteError::Approved { dir: shown, what }),
        Found::Foreign(names) => {
            let n = names.len();
            let mut listed: Vec<String> = names.into_iter().take(5).collect();
            if n > 5 {
                listed.push(msg!("cmd-more", value = n - 5));
            }
            Err(WriteError::Foreign {
                dir: shown,
                listed: listed.join(", "),
            })
        }
    }
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

fn parent_of(dir: &Path) -> PathBuf {
    dir.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf()
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    dir.with_file_name(format!(".{}.{tag}-{}", name_of(dir), std::process::id()))
}

/// Leftovers of an earlier run of this target that stopped abruptly — temporary folders, and
/// a set moved aside by the two-rename fallback — that carry gridscore's mark: a [`PARTIAL`]
/// file, or a manifest listing exactly what they hold. A folder of the same name without it
/// is someone else's and is left alone.
fn leftovers(dir: &Path, tag: &str) -> Vec<PathBuf> {
    let prefix = format!(".{}.{tag}-", name_of(dir));
    let mut v: Vec<PathBuf> = fs::read_dir(parent_of(dir))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| e.path())
                .filter(|p| p.join(PARTIAL).is_file() || matches!(inspect(p), Ok(Found::Run(_))))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Puts back a set that a crash left moved aside, and removes dead runs' temporary folders.
/// Only called with the target's lock held: no live run is writing any of them.
fn recover(dir: &Path) -> Result<(), WriteError> {
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

/// The lock every run on one output place holds from before it reads until its set is in
/// place: the OS's own advisory lock (`flock`) on the target's parent folder, released by the
/// OS when the process ends however it ends, so a crashed run never leaves it held.
pub struct Lock {
    _file: fs::File,
    /// Folders created to hold the target (`out/`), deepest first: removed again, if still
    /// empty, when the run ends without its set in place — a refused run leaves nothing.
    created: Vec<PathBuf>,
    kept: bool,
}

impl Lock {
    /// Takes the lock of `dir`'s place, calling `waiting` once if another run holds it, and
    /// waits; a signal while waiting stops the run.
    pub fn take(dir: &Path, waiting: &dyn Fn()) -> Result<Lock, WriteError> {
        let parent = parent_of(dir);
        let created: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(&parent).map_err(io(&parent))?;
        let file = lock_file(&parent).map_err(io(&parent))?;
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return Ok(Lock {
                        _file: file,
                        created,
                        kept: false,
                    })
                }
                Err(fs::TryLockError::WouldBlock) => {
                    if !told {
                        waiting();
                        told = true;
                    }
                    interrupt::check()?;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(fs::TryLockError::Error(e)) => return Err(io(&parent)(e)),
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if !self.kept {
            // `remove_dir` removes only an empty folder: another run's files are never touched.
            for d in &self.created {
                if fs::remove_dir(d).is_err() {
                    break;
                }
            }
        }
    }
}

/// What is locked: the folder itself where the system can lock a folder (nothing is left
/// behind), else a lock file in it.
#[cfg(unix)]
fn lock_file(parent: &Path) -> std::io::Result<fs::File> {
    fs::File::open(parent)
}

#[cfg(not(unix))]
fn lock_file(parent: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(parent.join(".gridscore.lock"))
}

/// Refuses early when the target may not be written (see [`allowed`]). Takes the lock for
/// the look, so a run finishing meanwhile is seen whole.
pub fn check_target(dir: &Path, force: bool) -> Result<(), WriteError> {
    let _lock = Lock::take(dir, &|| {})?;
    recover(dir)?;
    allowed(dir, force)
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

/// Writes one file whole, beside the run folders (a template, an approval, a batch summary):
/// into a temporary file in the same folder, synced, then put in place — by a rename, which
/// replaces what was there, or with `keep_existing` by a hard link, which fails with
/// `AlreadyExists` where the name is taken, so nothing a person typed is written over. Either
/// way a reader finds the old file or the whole new one, never half of it.
pub fn write_file(path: &Path, bytes: &[u8], keep_existing: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        if keep_existing {
            fs::hard_link(&tmp, path)
        } else {
            fs::rename(&tmp, path)
        }
    })();
    let _ = fs::remove_file(&tmp);
    if written.is_ok() {
        sync_dir(dir);
    }
    written
}

/// Writes `files` as the folder `dir`, replacing an existing run only when `force` is set.
pub fn replace_dir(dir: &Path, files: &[Rendered], force: bool) -> Result<(), WriteError> {
    replace_dir_with(dir, files, &[], force)
}

/// [`replace_dir`], with input files copied into the set as well (the run's archive).
pub fn replace_dir_with(dir: &Path, files: &[Rendered], copies: &[Copied], force: bool) -> Result<(), WriteError> {
    let stage = Stage::begin(dir, force, &|| {})?;
    stage.copy(copies)?;
    stage.write(files)?;
    stage.commit()
}

/// A set being written: the temporary folder beside the target, filled by [`Stage::copy`]
/// and [`Stage::write`] (from any thread, in any order) and put in place by
/// [`Stage::commit`]. Dropped uncommitted — an error, a signal, a panic — it removes the
/// temporary folder and the previous set stays as it was. It holds the target's [`Lock`]
/// from `begin` to its end.
///
/// A run begins its stage before it reads, so that a second run waits for the first before
/// doing any work, and copies its inputs into the archive while it is still scoring.
pub struct Stage {
    dir: PathBuf,
    parent: PathBuf,
    tmp: PathBuf,
    force: bool,
    check: Option<Check>,
    _lock: Lock,
}

/// A target claimed for a run: its lock held and what stands there checked, before the run
/// reads anything, so that a second run waits before doing any work and a refused target is
/// refused before the work, not after it — but for the hashes of a previous set being
/// replaced (`--force`), which are checked while the run works ([`Check`]). [`Reserved::begin`]
/// then starts the set.
pub struct Reserved {
    dir: PathBuf,
    force: bool,
    check: Option<Check>,
    lock: Lock,
}

/// The files of the run folder being replaced hashed against its manifest, on a thread of
/// their own while the run reads and scores. A province's previous set is 700 MB: hashed
/// before the reading, it held the run half a second on one core with the other idle. Nothing
/// of it is touched before the check is in ([`Stage::commit`] waits for it), so a file a clerk
/// changed since gridscore wrote it still stops the run before anything is replaced — later
/// than before, and closer to the replacing. A run that fails meanwhile says this refusal
/// rather than its own error ([`Stage::refusal`]), as when the hashes were checked first.
struct Check {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The files found changed, as [`inspect`] names them.
    hashing: Option<std::thread::JoinHandle<Vec<(String, bool)>>>,
    changed: Option<Vec<(String, bool)>>,
}

impl Check {
    fn start(dir: &Path) -> Check {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (dir, stopped) = (dir.to_path_buf(), std::sync::Arc::clone(&stop));
        let hashing = std::thread::spawn(move || changed_since_written(&dir, &stopped));
        Check {
            stop,
            hashing: Some(hashing),
            changed: None,
        }
    }

    /// The files changed since gridscore wrote them, once hashed.
    fn changed(&mut self) -> &[(String, bool)] {
        if let Some(h) = self.hashing.take() {
            // A thread that failed proved nothing: the folder is taken as changed.
            let failed = || {
                vec![(
                    msg!("cmd-changed-since-gridscore-wrote", name = archive::MANIFEST),
                    false,
                )]
            };
            self.changed = Some(h.join().unwrap_or_else(|_| failed()));
        }
        self.changed.as_deref().unwrap_or_default()
    }
}

impl Drop for Check {
    /// A run stopped early does not wait for the rest of the hashing.
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.hashing.take() {
            let _ = h.join();
        }
    }
}

/// The files of the run folder `dir` that its manifest lists with a SHA-256 they no longer
/// have ([`changed_file`]), named as [`inspect`] names them; stops early, saying nothing, when
/// `stop` is set.
fn changed_since_written(dir: &Path, stop: &std::sync::atomic::AtomicBool) -> Vec<(String, bool)> {
    let listed = match archive::read(dir) {
        Ok(m) => m,
        Err(_) => {
            return vec![(
                msg!("cmd-changed-since-gridscore-wrote", name = archive::MANIFEST),
                false,
            )]
        }
    };
    let mut files = listed.files();
    files.sort();
    let mut out = Vec::new();
    for (name, sha) in files {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Vec::new();
        }
        if let Some(sha) = sha {
            out.extend(changed_file(dir, &name, &sha));
        }
    }
    out
}

impl Reserved {
    /// Creates the temporary folder, marked as gridscore's.
    pub fn begin(self) -> Result<Stage, WriteError> {
        let tmp = sibling(&self.dir, "tmp");
        // A folder of this name is a dead run's of the same process id (the lock is held).
        if tmp.join(PARTIAL).is_file() {
            fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io(&tmp))?;
        let stage = Stage {
            parent: parent_of(&self.dir),
            dir: self.dir,
            tmp,
            force: self.force,
            check: self.check,
            _lock: self.lock,
        };
        fs::write(stage.tmp.join(PARTIAL), b"an unfinished gridscore run\n").map_err(io(&stage.tmp))?;
        Ok(stage)
    }
}

impl Stage {
    /// Claims `dir` ([`Reserved`]): takes its lock (calling `waiting` if another run holds it),
    /// repairs what a crashed run left, and refuses a target that may not be written.
    pub fn reserve(dir: &Path, force: bool, waiting: &dyn Fn()) -> Result<Reserved, WriteError> {
        let lock = Lock::take(dir, waiting)?;
        recover(dir)?;
        // Everything but the previous set's hashes is looked at now; those are checked while
        // the run works ([`Check`]).
        let found = inspect_with(dir, false)?;
        let replacing = matches!(found, Found::Run(_));
        allowed_as(dir, force, found)?;
        Ok(Reserved {
            dir: dir.to_path_buf(),
            force,
            check: replacing.then(|| Check::start(dir)),
            lock,
        })
    }

    /// The refusal the previous set's hashes call for ([`Check`]), once they are checked: a
    /// run that failed says it instead of its own error, as the target was refused first
    /// when they were checked before the work.
    pub fn refusal(&mut self) -> Option<WriteError> {
        let changed = self.check.as_mut()?.changed().to_vec();
        if changed.is_empty() {
            return None;
        }
        allowed_as(&self.dir, self.force, Found::Foreign(first_few(changed))).err()
    }

    /// [`Stage::reserve`] and [`Reserved::begin`] at once.
    pub fn begin(dir: &Path, force: bool, waiting: &dyn Fn()) -> Result<Stage, WriteError> {
        Stage::reserve(dir, force, waiting)?.begin()
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
    pub fn commit(mut self) -> Result<(), WriteError> {
        let done = self.put_in_place();
        // The folders made for the target now hold the set.
        self._lock.kept = done.is_ok();
        done
    }

    fn put_in_place(&mut self) -> Result<(), WriteError> {
        // The previous set's files must be as gridscore wrote them before it is replaced.
        if let Some(refused) = self.refusal() {
            return Err(refused);
        }
        let (dir, tmp, parent) = (&self.dir, &self.tmp, &self.parent);
        // The target may have changed since `begin`: a clerk saving a file into it.
        let found = inspect_with(dir, false)?;
        allowed_as(dir, self.force, found.clone())?;
        let marker = tmp.join(PARTIAL);
        fs::remove_file(&marker).map_err(io(&marker))?;
        sync_dir(tmp);
        // The last point at which stopping leaves nothing behind.
        interrupt::check()?;
        match found {
            Found::Run(_) => {
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
            }
            _ => {
                // An empty folder is removed first (`remove_dir` removes only an empty one),
                // as not every system renames a folder onto an empty one.
                if found == Found::Empty {
                    fs::remove_dir(dir).map_err(io(dir))?;
                }
                fs::rename(tmp, dir).map_err(io(dir))?;
            }
        }
        sync_dir(parent);
        Ok(())
    }
}

/// A run's extracts are written straight into the set, as its sheets are read.
impl crate::input::extract::Sink for Stage {
    fn create(&self, sheet: &'static str) -> std::io::Result<fs::File> {
        let name = crate::archive::extract_name(sheet);
        let path = self.tmp.join(&name);
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::File::create(path)
    }

    fn part(&self, sheet: &'static str, k: usize) -> std::io::Result<(PathBuf, fs::File)> {
        let path = self
            .tmp
            .join(format!("{}.part{k}", crate::archive::extract_name(sheet)));
        let file = fs::File::create(&path)?;
        Ok((path, file))
    }
}

impl Stage {
    /// A file already in the set being written (an extract, once its sheet is read), read
    /// back: a correction compares the inputs it read with the approved run's.
    pub fn read(&self, name: &str) -> std::io::Result<Vec<u8>> {
        fs::read(self.tmp.join(name))
    }

    /// Seals a file written into the set by another (an extract, through [`Sink`]): syncs it
    /// and returns its SHA-256 for the manifest, read back while the run scores.
    ///
    /// [`Sink`]: crate::input::extract::Sink
    pub fn seal(&self, name: &str, file: &fs::File) -> Result<String, WriteError> {
        interrupt::check()?;
        let path = self.tmp.join(name);
        file.sync_all().map_err(io(&path))?;
        hash_file(&path).map_err(io(&path))
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
    use crate::archive::{self, Manifest};

    fn file(name: &str, body: &str) -> Rendered {
        Rendered {
            name: name.into(),
            bytes: body.as_bytes().to_vec(),
        }
    }

    /// A set as a run writes it: the files, the rule set and calendar, and a manifest that
    /// lists them all.
    fn set(files: &[Rendered]) -> Vec<Rendered> {
        let mut all = files.to_vec();
        let (rules, calendar) = ("[scheme]", "name = \"cn\"");
        all.push(file(archive::RULES, rules));
        all.push(file(archive::CALENDAR, calendar));
        let m = Manifest {
            gridscore: "test".into(),
            run: "quarter".into(),
            period: "2026Q3".into(),
            scheme: "demo".into(),
            rules: archive::RulesEntry {
                source: "demo.toml".into(),
                name: "demo".into(),
                version: "1".into(),
                effective_from: "2026-01-01".into(),
                sha256: crate::rules::sha256_hex(rules.as_bytes()),
                file: archive::RULES.into(),
            },
            calendar: archive::CalendarEntry {
                name: "cn".into(),
                file: archive::CALENDAR.into(),
                sha256: crate::rules::sha256_hex(calendar.as_bytes()),
            },
            params: Vec::new(),
            inputs: Vec::new(),
            outputs: files.iter().map(|f| archive::output_entry(&f.name, &f.bytes)).collect(),
            history: Vec::new(),
            skipped: Vec::new(),
            corrects: None,
        };
        all.push(file(archive::MANIFEST, &m.to_toml()));
        all
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_a_run_only_with_force_and_leaves_no_temporaries() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out").join("run");
        replace_dir(&dir, &set(&[file("a.csv", "1"), file("b.csv", "2")]), false).unwrap();
        let refused = replace_dir(&dir, &set(&[file("a.csv", "3")]), false);
        assert!(
            matches!(&refused, Err(WriteError::Exists { what, .. }) if what == "demo 2026Q3"),
            "{refused:?}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("a.csv")).unwrap(),
            "1",
            "refusal leaves the old set"
        );
        replace_dir(&dir, &set(&[file("a.csv", "3")]), true).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "3");
        assert!(!dir.join("b.csv").exists(), "the whole set is replaced, not merged");
        assert_eq!(names_in(dir.parent().unwrap()), ["run"]);
    }

    #[test]
    fn a_folder_holding_a_clerks_files_is_never_replaced_even_with_force() {
        // Issue 13, 1: `--force` deleted 工作总结.docx and 照片/.
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("年终");
        fs::create_dir_all(dir.join("照片")).unwrap();
        fs::write(dir.join("照片").join("1.jpg"), "jpg").unwrap();
        fs::write(dir.join("工作总结.docx"), "docx").unwrap();
        for force in [false, true] {
            let e = replace_dir(&dir, &set(&[file("a.csv", "1")]), force).unwrap_err();
            assert!(
                matches!(&e, WriteError::Foreign { listed, .. } if listed == "工作总结.docx, 照片/"),
                "{e}"
            );
        }
        assert_eq!(fs::read_to_string(dir.join("工作总结.docx")).unwrap(), "docx");
        assert_eq!(fs::read_to_string(dir.join("照片").join("1.jpg")).unwrap(), "jpg");
        assert_eq!(names_in(root.path()), ["年终"], "no temporary folder is left");
    }

    #[test]
    fn a_run_folder_with_a_file_added_is_no_longer_replaced() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        replace_dir(&dir, &set(&[file("a.csv", "1")]), false).unwrap();
        fs::write(dir.join("审批意见.docx"), "signed").unwrap();
        let e = replace_dir(&dir, &set(&[file("a.csv", "2")]), true).unwrap_err();
        assert!(
            matches!(&e, WriteError::Foreign { listed, .. } if listed == "审批意见.docx"),
            "{e}"
        );
        assert_eq!(fs::read_to_string(dir.join("审批意见.docx")).unwrap(), "signed");
    }

    /// A run folder in `root` whose payout the clerk signed and saved since it was written.
    fn a_run_with_a_signed_payout(root: &Path) -> PathBuf {
        let dir = root.join("run");
        replace_dir(&dir, &set(&[file("payout.xlsx", "as written")]), false).unwrap();
        fs::write(dir.join("payout.xlsx"), "signed by the clerk").unwrap();
        dir
    }

    /// The refusal of a folder whose payout was signed, and the payout as the clerk left it.
    fn assert_the_signed_payout_refused_and_kept(e: &WriteError, dir: &Path) {
        assert!(
            matches!(e, WriteError::Foreign { listed, .. } if listed == "payout.xlsx (changed since gridscore wrote it)"),
            "{e}"
        );
        assert_eq!(
            fs::read_to_string(dir.join("payout.xlsx")).unwrap(),
            "signed by the clerk"
        );
    }

    #[test]
    fn a_run_whose_payout_was_edited_and_saved_is_no_longer_replaced() {
        let root = tempfile::tempdir().unwrap();
        let dir = a_run_with_a_signed_payout(root.path());
        let e = replace_dir(&dir, &set(&[file("payout.xlsx", "new")]), true).unwrap_err();
        assert_the_signed_payout_refused_and_kept(&e, &dir);
    }

    #[test]
    fn a_previous_set_changed_since_written_is_found_while_the_run_works_and_refused_at_the_commit() {
        let root = tempfile::tempdir().unwrap();
        let dir = a_run_with_a_signed_payout(root.path());
        // Begun: only the hashes were left to check, on their own thread.
        let mut stage = Stage::begin(&dir, true, &|| {}).unwrap();
        let refused = stage.refusal().expect("the change is found");
        assert!(refused.to_string().contains("payout.xlsx"), "{refused}");
        stage.write(&set(&[file("payout.xlsx", "new")])).unwrap();
        let e = stage.commit().unwrap_err();
        assert_the_signed_payout_refused_and_kept(&e, &dir);
        assert_eq!(names_in(root.path()), ["run"], "no temporary left");

        // An unchanged set: nothing to refuse, and it is replaced.
        fs::remove_dir_all(&dir).unwrap();
        replace_dir(&dir, &set(&[file("payout.xlsx", "as written")]), false).unwrap();
        let mut stage = Stage::begin(&dir, true, &|| {}).unwrap();
        assert!(stage.refusal().is_none());
        stage.write(&set(&[file("payout.xlsx", "new")])).unwrap();
        stage.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("payout.xlsx")).unwrap(), "new");

        // A listed file deleted is not a change: nothing is lost by replacing the folder, as
        // when the hashes were checked before the work.
        fs::remove_file(dir.join("payout.xlsx")).unwrap();
        let mut stage = Stage::begin(&dir, true, &|| {}).unwrap();
        assert!(stage.refusal().is_none());
        stage.write(&set(&[file("payout.xlsx", "again")])).unwrap();
        stage.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("payout.xlsx")).unwrap(), "again");
    }

    #[test]
    fn a_run_that_fails_leaves_no_folder_it_made_for_its_target() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out").join("deeper").join("run");
        {
            let _stage = Stage::begin(&dir, false, &|| {}).unwrap();
            assert!(dir.parent().unwrap().is_dir());
            // Dropped uncommitted, as when the inputs have errors.
        }
        assert_eq!(names_in(root.path()), Vec::<String>::new(), "out/deeper/ is gone again");
        replace_dir(&dir, &set(&[file("a.csv", "1")]), false).unwrap();
        assert!(dir.join("a.csv").is_file(), "a committed set keeps its folders");
    }

    #[test]
    fn an_empty_folder_is_used_without_force() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        fs::create_dir(&dir).unwrap();
        assert_eq!(inspect(&dir).unwrap(), Found::Empty);
        replace_dir(&dir, &set(&[file("a.csv", "1")]), false).unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "1");
        assert_eq!(names_in(root.path()), ["run"]);
    }

    #[test]
    fn a_file_at_the_target_is_refused_and_no_temporary_is_left() {
        // Issue 13, 7: `--force` onto a regular file left `.NAME.tmp-PID` behind.
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        fs::write(&dir, "a clerk's file").unwrap();
        let e = replace_dir(&dir, &set(&[file("a.csv", "1")]), true).unwrap_err();
        assert!(matches!(e, WriteError::NotAFolder { .. }), "{e}");
        assert_eq!(fs::read_to_string(&dir).unwrap(), "a clerk's file");
        assert_eq!(names_in(root.path()), ["run"]);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_set_whole() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        replace_dir(&dir, &set(&[file("a.csv", "old")]), false).unwrap();
        // A file name that cannot be created (a NUL byte) makes the new set fail half-way.
        let bad = set(&[file("a.csv", "new"), file("bad\0name.csv", "x")]);
        assert!(replace_dir(&dir, &bad, true).is_err());
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert_eq!(names_in(root.path()), ["run"], "the temporary folder is cleaned up");
    }

    #[test]
    fn a_stage_dropped_before_its_commit_leaves_the_previous_set_and_no_temporaries() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        replace_dir(&dir, &set(&[file("a.csv", "old")]), false).unwrap();
        let input = root.path().join("input.csv");
        fs::write(&input, "编号\n001\n").unwrap();
        let copied = Copied {
            from: input.clone(),
            name: "history/input.csv".into(),
            sha256: crate::rules::sha256_hex(&fs::read(&input).unwrap()),
        };
        {
            // As a run does: the copy on another thread while the rendering goes on.
            let stage = Stage::begin(&dir, true, &|| {}).unwrap();
            std::thread::scope(|s| {
                s.spawn(|| stage.copy(std::slice::from_ref(&copied)).unwrap());
                stage.write(&set(&[file("a.csv", "new")])).unwrap();
            });
            // Dropped here, as when the scoring fails after the copy began.
        }
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "old");
        assert_eq!(names_in(root.path()), ["input.csv", "run"]);
        let stage = Stage::begin(&dir, true, &|| {}).unwrap();
        stage.copy(&[copied]).unwrap();
        stage.write(&set(&[file("a.csv", "new")])).unwrap();
        stage.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "new");
        assert_eq!(
            fs::read(dir.join("history/input.csv")).unwrap(),
            fs::read(&input).unwrap()
        );
        assert_eq!(
            names_in(root.path()),
            ["input.csv", "run"],
            "the exchanged old set is removed"
        );
    }

    #[test]
    fn a_set_moved_aside_by_a_crash_is_put_back_and_only_marked_temporaries_removed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        // What a crash between the fallback's two renames leaves: the set aside, the new one unfinished.
        let aside = root.path().join(".run.old-4242");
        for f in set(&[file("a.csv", "previous")]) {
            fs::create_dir_all(&aside).unwrap();
            fs::write(aside.join(&f.name), &f.bytes).unwrap();
        }
        fs::create_dir(root.path().join(".run.tmp-4242")).unwrap();
        fs::write(root.path().join(".run.tmp-4242").join(PARTIAL), "").unwrap();
        // A folder that only looks like a temporary one, without the mark, is not ours.
        fs::create_dir(root.path().join(".run.tmp-clerk")).unwrap();
        fs::write(root.path().join(".run.tmp-clerk").join("notes.txt"), "mine").unwrap();
        assert!(
            matches!(check_target(&dir, false), Err(WriteError::Exists { .. })),
            "the previous set is back"
        );
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "previous");
        assert_eq!(names_in(root.path()), [".run.tmp-clerk", "run"]);
    }

    #[test]
    fn a_second_stage_on_the_same_place_waits_for_the_first() {
        // Issue 13, 2: two runs on one target interleaved, and one removed the other's work.
        use std::sync::atomic::{AtomicBool, Ordering};
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        let first = Stage::begin(&dir, false, &|| {}).unwrap();
        let waited = AtomicBool::new(false);
        let second_began = AtomicBool::new(false);
        std::thread::scope(|s| {
            let second = s.spawn(|| {
                let r = Stage::begin(&dir, false, &|| waited.store(true, Ordering::SeqCst));
                second_began.store(true, Ordering::SeqCst);
                r.map(|_| ())
            });
            while !waited.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            assert!(
                !second_began.load(Ordering::SeqCst),
                "the second waits while the first writes"
            );
            first.write(&set(&[file("a.csv", "first")])).unwrap();
            first.commit().unwrap();
            let e = second.join().unwrap().unwrap_err();
            assert!(matches!(e, WriteError::Exists { .. }), "then sees the first's set: {e}");
        });
        assert_eq!(fs::read_to_string(dir.join("a.csv")).unwrap(), "first");
        assert_eq!(names_in(root.path()), ["run"]);
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
