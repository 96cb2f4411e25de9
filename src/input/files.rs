//! Finding and opening the input files: the folders' files by extension, each opened once
//! (a workbook's bytes read, a CSV file's checked line by line), the damaged and the unusual
//! refused at the file with a reason, and a reader panic caught and reported as such.
use super::problem::InputProblem;
use super::*;

pub(super) const WORKBOOK_EXTS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

pub(super) fn ext_of(p: &Path) -> String {
    p.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The files a run reads: each path is a file, or a folder whose workbooks and CSV files are
/// read (not its subfolders). Office lock files (`~$…`) are skipped.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<InputProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let wanted = |p: &Path| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let e = ext_of(p);
        !name.starts_with("~$") && !name.starts_with('.') && (WORKBOOK_EXTS.contains(&e.as_str()) || e == "csv")
    };
    for p in paths {
        let prob = |expected: String| InputProblem {
            file: p.display().to_string(),
            place: String::new(),
            found: None,
            expected,
            ..Default::default()
        };
        match std::fs::metadata(p) {
            Err(e) => problems.push(prob(msg!("in-path-unreadable", error = e))),
            Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
                Err(e) => problems.push(prob(msg!("in-folder-unlistable", error = e))),
                Ok(rd) => {
                    let mut files: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|f| f.is_file() && wanted(f))
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        problems.push(prob(msg!("in-folder-empty")));
                    }
                    out.extend(files);
                }
            },
            // A named pipe would make the read wait for ever, a device read without end.
            Ok(m) if !m.is_file() => problems.push(prob(msg!("in-not-regular", kind = special_kind(&m)))),
            Ok(_) if wanted(p) => out.push(p.clone()),
            Ok(_) => problems.push(prob(msg!("in-not-input-file"))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The CSV files gridscore writes into a run folder or an archive.
const OWN_CSV: [&str; 3] = ["scores.csv", "payouts.csv", "batch-summary.csv"];

/// Whether a CSV file is one gridscore wrote: by its name, and either the run folder's
/// manifest (run.toml beside it) lists it as an output, or its header is gridscore's own.
pub fn is_own_output(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    if !OWN_CSV.contains(&name) {
        return false;
    }
    #[derive(serde::Deserialize)]
    struct Output {
        file: String,
    }
    #[derive(serde::Deserialize)]
    struct Listed {
        #[serde(default)]
        outputs: Vec<Output>,
    }
    let manifest = path.with_file_name(crate::archive::MANIFEST);
    let listed = std::fs::read_to_string(manifest)
        .ok()
        .and_then(|t| toml::from_str::<Listed>(&t).ok())
        .is_some_and(|m| m.outputs.iter().any(|o| o.file == name));
    if listed {
        return true;
    }
    // The first line only: a header gridscore writes (id,name,village,… or the batch's).
    use std::io::{BufRead, Read};
    let Ok(f) = std::fs::File::open(path) else { return false };
    let mut first = String::new();
    if std::io::BufReader::new(f.take(4096)).read_line(&mut first).is_err() {
        return false;
    }
    let first = first.trim_start_matches('\u{feff}');
    first.starts_with(&crate::columns::PAYOUTS[..4].join(",")) || first.starts_with("名称,方案,期间,状态")
}

/// What a path that is neither a folder nor a regular file is, for a message.
pub(super) fn special_kind(m: &std::fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return msg!("in-kind-fifo");
        }
        if t.is_socket() {
            return msg!("in-kind-socket");
        }
        if t.is_char_device() || t.is_block_device() {
            return msg!("in-kind-device");
        }
    }
    let _ = m;
    msg!("in-kind-other")
}

pub(super) enum Source {
    Workbook(Vec<u8>),
    Csv(Lazy),
    /// A sheet as an earlier run archived it ([`extract`]).
    Extract(Lazy),
}

/// A CSV file's bytes, read by whichever needs them first: the thread that parses the sheet
/// or the one that hashes the file (the other waits). A CSV sheet is known by its file's name,
/// so nothing needs its bytes before then, and each is read on the core that parses it, beside
/// the other sheets, rather than every file one after another before any parsing starts.
pub(super) struct Lazy {
    pub(super) path: PathBuf,
    /// The file's length when it was found: whether a sheet in it is read from the disk in
    /// pieces (`stream::streams`) is decided by it, alike for the reader and the hasher.
    pub(super) size: u64,
    bytes: std::sync::OnceLock<Result<Vec<u8>, String>>,
    /// The CRC-32 and length of the text a sheet's reader parsed, where the hasher reads the
    /// file on its own (`stream`): the two are held against each other once both are done.
    pub(super) parsed: std::sync::OnceLock<super::stream::TextCrc>,
}

/// The longest line a CSV file may have: a row of the contract's columns, each of Excel's
/// 32,767 characters, is far shorter. A longer line is not a sheet (a 5 GB file of one line):
/// it is refused as the file is read, before it is held.
pub const MAX_CSV_LINE: usize = 4 << 20;

/// Reads a CSV file, refusing a line longer than [`MAX_CSV_LINE`] as soon as it is seen.
pub(super) fn read_csv_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| msg!("in-file-unreadable", error = e))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    // Room for the whole file at once where it can be had (untouched room costs nothing),
    // else grown as it is read: a hostile file is refused long before its end.
    let mut out: Vec<u8> = Vec::new();
    let _ = out.try_reserve_exact(usize::try_from(size).unwrap_or(0));
    let mut buf = vec![0u8; 1 << 20];
    let (mut run, mut lines) = (0usize, 1u64);
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(msg!("in-file-unreadable", error = e)),
        };
        let chunk = &buf[..n];
        match memchr::memrchr(b'\n', chunk) {
            Some(last) => {
                let first = memchr::memchr(b'\n', chunk).unwrap_or(last);
                if run + first > MAX_CSV_LINE {
                    return Err(long_line(lines));
                }
                lines += memchr::memchr_iter(b'\n', chunk).count() as u64;
                run = n - last - 1;
            }
            None => run += n,
        }
        // Lines inside one chunk are shorter than the chunk, so shorter than the limit.
        if run > MAX_CSV_LINE {
            return Err(long_line(lines));
        }
        out.extend_from_slice(chunk);
    }
}

pub(super) fn long_line(line: u64) -> String {
    msg!("in-csv-long-line", mib = MAX_CSV_LINE >> 20, line = line)
}

impl Lazy {
    pub(super) fn get(&self, display: &str) -> Result<&[u8], InputProblem> {
        let read = || read_csv_file(&self.path);
        match self.bytes.get_or_init(read) {
            Ok(b) => Ok(b),
            Err(expected) => Err(InputProblem {
                file: display.to_string(),
                place: String::new(),
                found: None,
                expected: expected.clone(),
                ..Default::default()
            }),
        }
    }
}

/// The sheet parts of an `.ods` (content.xml) or `.xlsb` (xl/worksheets/*.bin), checked
/// whole: calamine reads them whole.
pub(super) fn check_zip_sheets(bytes: &[u8]) -> Result<(), String> {
    check_all_sheets(bytes)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    let has_content = zip.by_name("content.xml").is_ok();
    if has_content {
        xlsx::check_part(bytes, "content.xml", None)?;
    }
    Ok(())
}

pub(super) fn is_extract(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(extract::SUFFIX))
}

/// Reads a workbook's bytes, and refuses files that only pretend to be workbooks. A CSV file's
/// bytes are read when they are first needed ([`Lazy`]).
pub(super) fn open(path: &Path, display: &str) -> Result<Source, InputProblem> {
    let prob = |expected: String| InputProblem {
        file: display.to_string(),
        place: String::new(),
        found: None,
        expected,
        ..Default::default()
    };
    let e = ext_of(path);
    let lazy = || Lazy {
        path: path.to_path_buf(),
        size: std::fs::metadata(path).map_or(0, |m| m.len()),
        bytes: std::sync::OnceLock::new(),
        parsed: std::sync::OnceLock::new(),
    };
    if is_extract(path) {
        return Ok(Source::Extract(lazy()));
    }
    if e == "csv" {
        return Ok(Source::Csv(lazy()));
    }
    let bytes = std::fs::read(path).map_err(|e| prob(msg!("in-file-unreadable", error = e)))?;
    if bytes.is_empty() {
        return Err(prob(msg!("in-workbook-empty")));
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if !zip && !ole {
        let what = if head.starts_with('<') {
            msg!("in-fake-workbook-html")
        } else {
            msg!("in-fake-workbook-text")
        };
        return Err(prob(msg!("in-fake-workbook", ext = e, what = what)));
    }
    if ole && matches!(e.as_str(), "xlsx" | "xlsm" | "xlsb") {
        // An OOXML workbook inside an OLE container is an encrypted one.
        return Err(prob(msg!("in-workbook-encrypted")));
    }
    if zip {
        // calamine reads the shared strings, styles and the workbook whole when it opens the
        // file: they are held to their limits first (see `xlsx::check_parts`).
        xlsx::check_parts(&bytes).map_err(prob)?;
        if e == "ods" || e == "xlsb" {
            // calamine reads these formats' sheets whole too.
            check_zip_sheets(&bytes).map_err(prob)?;
        }
    }
    Ok(Source::Workbook(bytes))
}

/// Runs a third-party reader step, turning a panic inside it (a damaged file can trigger one)
/// into an input problem: nothing may panic on any input.
pub(super) fn guarded<T>(file: &str, f: impl FnOnce() -> Result<T, InputProblem>) -> Result<T, InputProblem> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(InputProblem {
            file: file.to_string(),
            place: String::new(),
            found: None,
            expected: msg!("in-workbook-damaged"),
            ..Default::default()
        }),
    }
}

pub(super) fn open_workbook<'a>(bytes: &'a [u8], ext: &str) -> Result<calamine::Sheets<Cursor<&'a [u8]>>, String> {
    use calamine::{Ods, Sheets, Xls, Xlsb, Xlsx};
    let c = Cursor::new(bytes);
    let r = match ext {
        "xls" => Xls::new(c).map(Sheets::Xls).map_err(|e| e.to_string()),
        "xlsb" => Xlsb::new(c).map(Sheets::Xlsb).map_err(|e| e.to_string()),
        "ods" => Ods::new(c).map(Sheets::Ods).map_err(|e| e.to_string()),
        _ => Xlsx::new(c).map(Sheets::Xlsx).map_err(|e| e.to_string()),
    };
    r.map_err(|e| {
        if e.to_lowercase().contains("password") || e.to_lowercase().contains("encrypt") {
            msg!("in-workbook-password")
        } else {
            msg!("in-workbook-unreadable", error = e)
        }
    })
}

/// The CSV text of a file: without its byte-order mark, and refused when it is not UTF-8.
pub(super) fn csv_body<'a>(bytes: &'a [u8], display: &str) -> Result<&'a [u8], InputProblem> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(body) {
        return Err(InputProblem {
            file: display.to_string(),
            place: String::new(),
            found: None,
            expected: msg!("in-csv-not-utf8", byte = e.valid_up_to() + 1),
            ..Default::default()
        });
    }
    Ok(body)
}
