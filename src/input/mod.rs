//! Input: the clerk's files → typed records grouped per worker.
//!
//! Files are read once and hashed; each needed sheet is found by name in whichever file holds
//! it, parsed in one pass (sheets in parallel), and its rows are grouped by worker. Every
//! problem is collected; if there is any, the run stops before scoring.
pub mod cell;
mod checks;
pub mod contract;
pub mod extract;
pub mod plan;
pub mod problem;
pub mod records;
pub mod source;
pub mod table;
pub mod xlsx;

use crate::period::Period;
use calamine::{Data, Reader};
use contract::SheetSpec;
pub use plan::ReadPlan;
pub use problem::{InputErrors, InputProblem};
use records::*;
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use table::Header;

/// An input file as read: its bytes' SHA-256 is recorded in the outputs.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    pub display: String,
    pub sha256: String,
    /// Which contract sheets were taken from it.
    pub sheets: Vec<&'static str>,
}

/// Everything a run reads, grouped per worker (same index as `workers`).
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    pub workers: Vec<Worker>,
    pub rows: Vec<WorkerRows>,
    pub params: Vec<Param>,
    /// The file each sheet was read from, by contract key (`attendance` → `in/考勤.xlsx`).
    pub sheet_files: HashMap<&'static str, String>,
    /// Each sheet as it was read, for the run's archive ([`extract`]), when asked for.
    pub extracts: Vec<Extracted>,
    /// Files given that hold no sheet the rule set reads: not read, not archived.
    pub skipped: Vec<String>,
}

/// A sheet as the run read it ([`extract`]): its contract label, the index of the file (in
/// [`Inputs::files`]) it came from, and the extract written.
#[derive(Debug)]
pub struct Extracted {
    pub sheet: &'static str,
    pub file: usize,
    pub written: extract::Written,
}

impl Inputs {
    /// The same inputs with only the rows dated in `month` (a month of the run's period, for
    /// a scheme scored month by month) — and, of the event types in `shared` (counted once per
    /// event), every row, counted only in its month, so that each month credits an event as
    /// its own month run does (docs/decisions.md D6.3).
    pub fn for_month(&self, month: Period, shared: &[usize]) -> Inputs {
        let rows = self
            .rows
            .iter()
            .map(|r| WorkerRows {
                attendance: r
                    .attendance
                    .iter()
                    .filter(|a| month.contains(a.date))
                    .cloned()
                    .collect(),
                patrols: r.patrols.iter().filter(|p| month.contains(p.date)).cloned().collect(),
                events: r
                    .events
                    .iter()
                    .filter(|e| month.contains(e.date) || shared.contains(&e.type_id))
                    .map(|e| Event {
                        counted: e.counted && month.contains(e.date),
                        ..e.clone()
                    })
                    .collect(),
                survey: r.survey.clone(),
                indicators: r.indicators.clone(),
            })
            .collect();
        Inputs {
            files: self.files.clone(),
            workers: self.workers.clone(),
            rows,
            params: self.params.clone(),
            sheet_files: self.sheet_files.clone(),
            extracts: Vec::new(),
            skipped: self.skipped.clone(),
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct WorkerRows {
    pub attendance: Vec<Attendance>,
    pub patrols: Vec<Patrol>,
    pub events: Vec<Event>,
    pub survey: Vec<Survey>,
    pub indicators: Vec<Indicator>,
}

const WORKBOOK_EXTS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

fn ext_of(p: &Path) -> String {
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
        };
        match std::fs::metadata(p) {
            Err(e) => problems.push(prob(format!("cannot read it: {e}"))),
            Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
                Err(e) => problems.push(prob(format!("cannot list the folder: {e}"))),
                Ok(rd) => {
                    let mut files: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|f| f.is_file() && wanted(f))
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        problems.push(prob(
                            "a folder holding the input workbooks (.xlsx, .xls, .ods) or CSV files; it has none".into(),
                        ));
                    }
                    out.extend(files);
                }
            },
            // A named pipe would make the read wait for ever, a device read without end.
            Ok(m) if !m.is_file() => problems.push(prob(format!(
                "a regular file (a workbook or a .csv file); this is {}",
                special_kind(&m)
            ))),
            Ok(_) if wanted(p) => out.push(p.clone()),
            Ok(_) => problems.push(prob(
                "a workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) or a .csv file".into(),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// What a path that is neither a folder nor a regular file is, for a message.
fn special_kind(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = m;
    "not a regular file"
}

enum Source {
    Workbook(Vec<u8>),
    Csv(Lazy),
    /// A sheet as an earlier run archived it ([`extract`]).
    Extract(Lazy),
}

/// A CSV file's bytes, read by whichever needs them first: the thread that parses the sheet
/// or the one that hashes the file (the other waits). A CSV sheet is known by its file's name,
/// so nothing needs its bytes before then, and each is read on the core that parses it, beside
/// the other sheets, rather than every file one after another before any parsing starts.
struct Lazy {
    path: PathBuf,
    bytes: std::sync::OnceLock<Result<Vec<u8>, String>>,
}

/// The longest line a CSV file may have: a row of the contract's columns, each of Excel's
/// 32,767 characters, is far shorter. A longer line is not a sheet (a 5 GB file of one line):
/// it is refused as the file is read, before it is held.
pub const MAX_CSV_LINE: usize = 4 << 20;

/// Reads a CSV file, refusing a line longer than [`MAX_CSV_LINE`] as soon as it is seen.
fn read_csv_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
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
            Err(e) => return Err(format!("cannot read the file: {e}")),
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

fn long_line(line: u64) -> String {
    format!(
        "a CSV file whose lines are at most {} MiB; line {line} is longer (a damaged file, or not a sheet saved as CSV)",
        MAX_CSV_LINE >> 20
    )
}

impl Lazy {
    fn get(&self, display: &str) -> Result<&[u8], InputProblem> {
        let read = || read_csv_file(&self.path);
        match self.bytes.get_or_init(read) {
            Ok(b) => Ok(b),
            Err(expected) => Err(InputProblem {
                file: display.to_string(),
                place: String::new(),
                found: None,
                expected: expected.clone(),
            }),
        }
    }
}

/// The sheet parts of an `.ods` (content.xml) or `.xlsb` (xl/worksheets/*.bin), checked
/// whole: calamine reads them whole.
fn check_zip_sheets(bytes: &[u8]) -> Result<(), String> {
    check_all_sheets(bytes)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("a readable workbook ({e})"))?;
    let has_content = zip.by_name("content.xml").is_ok();
    if has_content {
        xlsx::check_part(bytes, "content.xml", None)?;
    }
    Ok(())
}

fn is_extract(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(extract::SUFFIX))
}

/// Reads a workbook's bytes, and refuses files that only pretend to be workbooks. A CSV file's
/// bytes are read when they are first needed ([`Lazy`]).
fn open(path: &Path, display: &str) -> Result<Source, InputProblem> {
    let prob = |expected: String| InputProblem {
        file: display.to_string(),
        place: String::new(),
        found: None,
        expected,
    };
    let e = ext_of(path);
    if is_extract(path) {
        return Ok(Source::Extract(Lazy {
            path: path.to_path_buf(),
            bytes: std::sync::OnceLock::new(),
        }));
    }
    if e == "csv" {
        return Ok(Source::Csv(Lazy {
            path: path.to_path_buf(),
            bytes: std::sync::OnceLock::new(),
        }));
    }
    let bytes = std::fs::read(path).map_err(|e| prob(format!("cannot read the file: {e}")))?;
    if bytes.is_empty() {
        return Err(prob("a workbook; the file is empty (0 bytes)".into()));
    }
    let zip = bytes.starts_with(b"PK\x03\x04");
    let ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if !zip && !ole {
        let what = if head.starts_with('<') {
            "an HTML or XML page"
        } else {
            "text (probably CSV)"
        };
        return Err(prob(format!(
            "a real .{e} workbook, but the file is {what} saved under a workbook name (a common \"export to Excel\"); open it in Excel and save it as .xlsx, or rename it to .csv"
        )));
    }
    if ole && matches!(e.as_str(), "xlsx" | "xlsm" | "xlsb") {
        // An OOXML workbook inside an OLE container is an encrypted one.
        return Err(prob("a workbook without a password: this one is encrypted; remove the password (文件 → 信息 → 保护工作簿) and save again".into()));
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
fn guarded<T>(file: &str, f: impl FnOnce() -> Result<T, InputProblem>) -> Result<T, InputProblem> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(InputProblem {
            file: file.to_string(),
            place: String::new(),
            found: None,
            expected:
                "an undamaged workbook: the reader failed on this file's contents; open it in Excel and save it again"
                    .into(),
        }),
    }
}

fn open_workbook<'a>(bytes: &'a [u8], ext: &str) -> Result<calamine::Sheets<Cursor<&'a [u8]>>, String> {
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
            "a workbook without a password: this one is password-protected; remove the password and save again"
                .to_string()
        } else {
            format!("a readable workbook ({e})")
        }
    })
}

/// The CSV text of a file: without its byte-order mark, and refused when it is not UTF-8.
fn csv_body<'a>(bytes: &'a [u8], display: &str) -> Result<&'a [u8], InputProblem> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(body) {
        return Err(InputProblem {
            file: display.to_string(),
            place: String::new(),
            found: None,
            expected: format!(
                "UTF-8 text; byte {} is not UTF-8 — the file is probably GBK (what Excel's plain \"CSV\" writes on a Chinese Windows); save it as \"CSV UTF-8\"",
                e.valid_up_to() + 1
            ),
        });
    }
    Ok(body)
}

/// The contract's label of a sheet named in Chinese or English (`attendance` → `考勤`).
pub fn sheet_label(name: &str) -> Option<&'static str> {
    spec_named(name).map(|s| s.label())
}

/// The contract sheet named in Chinese or English.
pub fn spec_named(name: &str) -> Option<&'static SheetSpec> {
    let n = name.trim().to_lowercase();
    contract::ALL_SHEETS
        .iter()
        .copied()
        .find(|s| s.names.iter().any(|x| x.to_lowercase() == n))
}

/// One sheet to parse: the file index, its spec, and the sheet's name in that file (None: CSV).
struct Job {
    file: usize,
    spec: &'static SheetSpec,
    sheet: Option<String>,
}

enum Parsed {
    Roster(Vec<Worker>),
    Attendance(Resolved<Attendance>),
    Patrol(Resolved<Patrol>),
    Events(Keyed<Event>),
    Survey(Resolved<Survey>),
    Indicators(Resolved<Indicator>),
    Params(Vec<Param>),
}

impl Parsed {
    fn new(spec: &SheetSpec) -> Parsed {
        match spec.key {
            "roster" => Parsed::Roster(Vec::new()),
            "attendance" => Parsed::Attendance(Resolved::default()),
            "patrol" => Parsed::Patrol(Resolved::default()),
            "events" => Parsed::Events(Keyed::default()),
            "survey" => Parsed::Survey(Resolved::default()),
            "indicators" => Parsed::Indicators(Resolved::default()),
            _ => Parsed::Params(Vec::new()),
        }
    }

    fn reserve(&mut self, n: usize) {
        match self {
            Parsed::Roster(v) => v.reserve(n),
            Parsed::Attendance(g) => g.records.reserve(n),
            Parsed::Patrol(g) => g.records.reserve(n),
            Parsed::Events(k) => k.records.reserve(n),
            Parsed::Survey(g) => g.records.reserve(n),
            Parsed::Indicators(g) => g.records.reserve(n),
            Parsed::Params(v) => v.reserve(n),
        }
    }

    /// Parses one data row into its typed record.
    fn push(&mut self, row: &table::Row, ctx: &Ctx, p: &mut Vec<InputProblem>) {
        match self {
            Parsed::Roster(v) => records::roster(row, ctx, p, v),
            Parsed::Attendance(v) => records::attendance(row, ctx, p, v),
            Parsed::Patrol(v) => records::patrol(row, ctx, p, v),
            Parsed::Events(v) => records::events(row, ctx, p, v),
            Parsed::Survey(v) => records::survey(row, ctx, p, v),
            Parsed::Indicators(v) => records::indicators(row, ctx, p, v),
            Parsed::Params(v) => records::params(row, p, v),
        }
    }
}

/// The most subjects one run scores: four times a province of 50,000 workers. A larger roster
/// (a million rows) is refused while it is read, before anything is scored.
pub const MAX_SUBJECTS: usize = 200_000;

/// A cell longer than Excel allows (32,767 characters) is an error at its cell. (The readers
/// refuse far longer ones before they are held; this catches the rest, from any source.)
fn too_long(cells: &[Data], r: u32, file: &str, spec: &SheetSpec, p: &mut Vec<InputProblem>) {
    for (c, cell) in cells.iter().enumerate() {
        if let Data::String(s) = cell {
            if s.len() > xlsx::MAX_CELL_CHARS && s.chars().count() > xlsx::MAX_CELL_CHARS {
                p.push(InputProblem {
                    file: file.to_string(),
                    place: format!("{}!{}", spec.label(), table::cell_name(r, c as u32)),
                    found: Some(format!("a text of {} characters", s.chars().count())),
                    expected: format!("a cell of at most {} characters (Excel's limit)", xlsx::MAX_CELL_CHARS),
                });
            }
        }
    }
}

/// A parsed sheet, and its extract when the run archives one.
type Read = (Parsed, Option<extract::Written>);

/// Reads one sheet from its source in a single pass: the first rows are kept to find the
/// header, then every row is parsed as it arrives (and, when the run archives its sheets,
/// written to its extract: `ctx.keep`).
fn read_sheet(
    src: &mut dyn source::RowSource,
    file: &str,
    spec: &'static SheetSpec,
    ctx: &Ctx,
    p: &mut Vec<InputProblem>,
) -> Result<Read, InputProblem> {
    let fail = |e: String| InputProblem {
        file: file.to_string(),
        place: spec.label().to_string(),
        found: None,
        expected: e,
    };
    let mut first: Vec<(u32, Vec<Data>)> = Vec::new();
    while let Some((r, cells)) = src.next_row().map_err(fail)? {
        first.push((r, cells.to_vec()));
        if r as usize >= table::HEADER_SEARCH_ROWS - 1 {
            break;
        }
    }
    let header = Header::find(file, spec, &first)?;
    let unwritable = |e: std::io::Error| InputProblem {
        file: file.to_string(),
        place: spec.label().to_string(),
        found: None,
        expected: format!("a run folder the sheet can be archived into (cannot write its copy: {e})"),
    };
    let mut extract = match (ctx.keep, first.iter().find(|(r, _)| *r == header.row)) {
        (Some(sink), Some((_, cells))) => Some(extract::Writer::new(
            sink.create(spec.label()).map_err(unwritable)?,
            &header,
            cells,
        )),
        _ => None,
    };
    let mut parsed = Parsed::new(spec);
    if let Some(n) = src.rows_left() {
        // A tenth more than the estimate: capacity never used is never touched, so costs
        // nothing; one doubling of ten million records would copy them all.
        parsed.reserve(n + n / 10 + first.len());
    }
    let mut rows = 0usize;
    for (r, cells) in first.iter().filter(|(r, _)| *r > header.row) {
        rows += 1;
        too_long(cells, *r, file, spec, p);
        parsed.push(&table::Row::new(&header, *r, cells), ctx, p);
        if let Some(x) = &mut extract {
            x.row(*r, cells);
        }
    }
    // Rows are reported to the progress line in batches, to keep the shared counter cold.
    let mut batch = first.len() as u64;
    while let Some((r, cells)) = src.next_row().map_err(fail)? {
        rows += 1;
        if spec.key == contract::ROSTER.key && rows > MAX_SUBJECTS {
            return Err(InputProblem {
                file: file.to_string(),
                place: format!("{}!{}", spec.label(), r + 1),
                found: None,
                expected: format!(
                    "a roster of at most {MAX_SUBJECTS} subjects, what one run scores (its workbooks and memory are sized for it); this one has more: split the run, by village or by township"
                ),
            });
        }
        too_long(cells, r, file, spec, p);
        parsed.push(&table::Row::new(&header, r, cells), ctx, p);
        if let Some(x) = &mut extract {
            x.row(r, cells);
        }
        batch += 1;
        if batch == 8192 {
            crate::progress::rows_read(batch);
            batch = 0;
        }
    }
    crate::progress::rows_read(batch);
    let written = extract.map(extract::Writer::finish).transpose().map_err(unwritable)?;
    Ok((parsed, written))
}

/// Reads every input a run for `period` needs, as the rule set's plan says.
pub fn load(paths: &[PathBuf], plan: &ReadPlan, period: Period) -> Result<Inputs, InputErrors> {
    load_with(paths, plan, period, None)
}

/// [`load`], writing each sheet's extract for the run's archive into `keep` when given.
pub fn load_with(
    paths: &[PathBuf],
    plan: &ReadPlan,
    period: Period,
    keep: Option<&dyn extract::Sink>,
) -> Result<Inputs, InputErrors> {
    let files = discover(paths).map_err(InputErrors)?;
    let mut problems = Vec::new();
    let mut sources: Vec<(InputFile, Option<Source>)> = Vec::new();
    for path in files {
        let display = path.display().to_string();
        let src = open(&path, &display);
        // The hash is taken beside the parsing, below: it is only needed once all reads well.
        let file = InputFile {
            path,
            display,
            sha256: String::new(),
            sheets: Vec::new(),
        };
        match src {
            Ok(s) => sources.push((file, Some(s))),
            Err(e) => {
                problems.push(e);
                sources.push((file, None));
            }
        }
    }

    // Locate each contract sheet in whichever file holds it.
    let mut jobs: Vec<Job> = Vec::new();
    let mut seen: HashMap<&'static str, String> = HashMap::new();
    let mut sheet_lists: Vec<String> = Vec::new();
    for (i, (file, src)) in sources.iter().enumerate() {
        let mut found: Vec<(&'static SheetSpec, Option<String>)> = Vec::new();
        match src {
            Some(Source::Extract(_)) => {
                let name = file.path.file_name().and_then(|s| s.to_str()).unwrap_or("");
                match spec_named(name.trim_end_matches(extract::SUFFIX)) {
                    Some(s) => found.push((s, None)),
                    None => problems.push(InputProblem {
                        file: file.display.clone(),
                        place: String::new(),
                        found: Some(name.to_string()),
                        expected: format!("an archived sheet named after its sheet (花名册{})", extract::SUFFIX),
                    }),
                }
            }
            Some(Source::Csv(_)) => {
                let stem = file.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                match spec_named(stem) {
                    Some(s) => found.push((s, None)),
                    None => problems.push(InputProblem {
                        file: file.display.clone(),
                        place: String::new(),
                        found: Some(stem.to_string()),
                        expected: "a CSV file named after its sheet (花名册.csv, 考勤.csv, 巡查.csv, 事件.csv, 测评.csv, 参数.csv or the English names)".into(),
                    }),
                }
            }
            Some(Source::Workbook(b)) => match guarded(&file.display, || {
                open_workbook(b, &ext_of(&file.path))
                    .map(|wb| wb.sheet_names())
                    .map_err(|expected| InputProblem {
                        file: file.display.clone(),
                        place: String::new(),
                        found: None,
                        expected,
                    })
            }) {
                Err(p) => problems.push(p),
                Ok(names) => {
                    sheet_lists.push(format!("{}: {}", file.display, names.join(", ")));
                    for n in names {
                        if let Some(s) = spec_named(&n) {
                            found.push((s, Some(n)));
                        }
                    }
                }
            },
            None => {}
        }
        for (spec, sheet) in found {
            if let Some(other) = seen.insert(spec.key, file.display.clone()) {
                problems.push(InputProblem {
                    file: file.display.clone(),
                    place: spec.label().to_string(),
                    found: None,
                    expected: format!(
                        "one sheet {} across the inputs, but {other} has one too; remove one of them",
                        spec.label()
                    ),
                });
                continue;
            }
            jobs.push(Job { file: i, spec, sheet });
        }
    }
    let mut needed = plan.sheets.clone();
    if plan.params_needed {
        needed.push(&contract::PARAMS);
    }
    for spec in &needed {
        if !seen.contains_key(spec.key) && sources.iter().all(|(_, s)| s.is_some()) {
            problems.push(InputProblem {
                file: sources
                    .iter()
                    .map(|(f, _)| f.display.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                place: String::new(),
                found: None,
                expected: format!(
                    "a sheet named {} ({}), needed by rule set {}; sheets found: {}",
                    spec.label(),
                    spec.key,
                    plan.scheme,
                    if sheet_lists.is_empty() {
                        "none".to_string()
                    } else {
                        sheet_lists.join("; ")
                    }
                ),
            });
        }
    }
    // Sheets the rule set does not read are left alone (they cost time and can't matter).
    jobs.retain(|j| needed.iter().any(|n| n.key == j.spec.key) || j.spec.key == "params");
    if !problems.is_empty() {
        problems.sort();
        return Err(InputErrors(problems));
    }

    let ctx = Ctx {
        plan,
        period,
        window: period.input_window(),
        reach: plan.weeks.then(|| period.week_reach()),
        roster: None,
        keep,
    };
    // The roster is read first (it is small), so that every other sheet's rows find their
    // worker as they are read: a worker index per record rather than an id, and a roster that
    // cannot be read is reported once, not as every row's unknown worker.
    let (roster_jobs, other_jobs): (Vec<Numbered>, Vec<Numbered>) =
        jobs.iter().enumerate().partition(|(_, j)| j.spec.key == "roster");
    let fast: Vec<std::sync::OnceLock<Option<xlsx::Book>>> =
        sources.iter().map(|_| std::sync::OnceLock::new()).collect();
    let mut results: Vec<Option<JobResult>> = (0..jobs.len()).map(|_| None).collect();
    let mut roster: Option<(Roster, Vec<Worker>)> = None;
    for ((i, _), r) in roster_jobs.iter().zip(parse_all(&roster_jobs, &sources, &ctx, &fast)) {
        results[*i] = Some(match r {
            Ok(((Parsed::Roster(workers), extract), mut probs)) => {
                let (index, mut dups) = Roster::new(&workers, &sources[jobs[*i].file].0.display);
                probs.append(&mut dups);
                roster = Some((index, workers));
                Ok(((Parsed::Roster(Vec::new()), extract), probs))
            }
            other => other,
        });
    }
    let with_roster = Ctx {
        roster: roster.as_ref().map(|(r, _)| r),
        ..ctx
    };
    // Hashing the files (for the run's manifest) fills a core while the other finishes the
    // largest sheet; on a province's CSV it would otherwise add seconds in front of the parse.
    let read: Vec<bool> = (0..sources.len()).map(|i| jobs.iter().any(|j| j.file == i)).collect();
    let hashes = std::thread::scope(|s| {
        let hashes = s.spawn(|| {
            sources
                .iter()
                .zip(&read)
                .map(|((file, src), read)| match src {
                    // A file that supplies no sheet the run reads is not read at all.
                    _ if !read => Ok(String::new()),
                    Some(Source::Workbook(b)) => Ok(crate::digest::sha256_hex(b)),
                    // A file that cannot be read is reported here and by its sheet's reader
                    // alike (the same problem twice is said once).
                    Some(Source::Csv(lazy) | Source::Extract(lazy)) => {
                        lazy.get(&file.display).map(crate::digest::sha256_hex)
                    }
                    None => Ok(String::new()),
                })
                .collect::<Vec<_>>()
        });
        for ((i, _), r) in other_jobs
            .iter()
            .zip(parse_all(&other_jobs, &sources, &with_roster, &fast))
        {
            results[*i] = Some(r);
        }
        hashes.join()
    });
    let hashes = hashes.map_err(|_| {
        InputErrors(vec![InputProblem {
            file: String::new(),
            place: String::new(),
            found: None,
            expected: "input files that hash (an internal error)".into(),
        }])
    })?;
    for ((file, src), h) in sources.iter_mut().zip(hashes) {
        match h {
            Ok(h) => file.sha256 = h,
            Err(p) => problems.push(p),
        }
        *src = None;
    }
    let mut by_kind: BTreeMap<&'static str, Parsed> = BTreeMap::new();
    let mut extracts: Vec<(usize, &'static str, extract::Written)> = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result.unwrap_or_else(|| Err(internal("a sheet reader that finished"))) {
            Ok(((p, extract), mut probs)) => {
                problems.append(&mut probs);
                by_kind.insert(job.spec.key, p);
                if let Some(w) = extract {
                    extracts.push((job.file, job.spec.label(), w));
                }
            }
            Err(p) => problems.push(p),
        }
        sources[job.file].0.sheets.push(job.spec.label());
    }

    let file_of: HashMap<&'static str, String> = jobs
        .iter()
        .map(|j| (j.spec.key, sources[j.file].0.display.clone()))
        .collect();
    let mut inputs = resolve(by_kind, roster, &file_of, &ctx, &mut problems);
    inputs.sheet_files = file_of.clone();
    checks::rows_against_plan(&inputs, plan, &mut problems);
    // The files read, in the order given; the others are named as skipped.
    let mut index_of: Vec<Option<usize>> = Vec::with_capacity(sources.len());
    for (file, _) in sources {
        if file.sheets.is_empty() {
            index_of.push(None);
            inputs.skipped.push(file.display);
        } else {
            index_of.push(Some(inputs.files.len()));
            inputs.files.push(file);
        }
    }
    inputs.extracts = extracts
        .into_iter()
        .filter_map(|(file, sheet, written)| {
            Some(Extracted {
                sheet,
                file: index_of[file]?,
                written,
            })
        })
        .collect();
    inputs.sheet_files = file_of;
    if problems.is_empty() {
        Ok(inputs)
    } else {
        problems.sort();
        problems.dedup();
        let mut problems = grouped_unknown_workers(problems);
        if let Some(cause) = all_out_of_period(&problems, period) {
            problems.insert(0, cause);
        }
        Err(InputErrors(problems))
    }
}

/// Rows naming a worker not on the roster, one line per id, with its rows as ranges
/// (`考勤!A300–A319, 巡查!A468–A490, …`) rather than one error a row; and a 编号 used twice on
/// the roster — the likeliest cause (the worker whose id was overwritten) — shown first, with
/// the ids it may have cost.
fn grouped_unknown_workers(problems: Vec<InputProblem>) -> Vec<InputProblem> {
    const UNKNOWN: &str = "a worker 编号 on the roster";
    let mut by_id: BTreeMap<String, Vec<InputProblem>> = BTreeMap::new();
    let mut rest = Vec::new();
    for p in problems {
        match &p.found {
            Some(id) if p.expected.starts_with(UNKNOWN) => by_id.entry(id.clone()).or_default().push(p),
            _ => rest.push(p),
        }
    }
    let unknown_ids: Vec<String> = by_id.keys().cloned().collect();
    let mut out: Vec<InputProblem> = Vec::new();
    // The roster's duplicated ids first: the cause.
    let (dups, others): (Vec<InputProblem>, Vec<InputProblem>) = rest
        .into_iter()
        .partition(|p| p.expected.starts_with("a unique 编号; it is already used at 花名册"));
    for mut d in dups {
        if !unknown_ids.is_empty() {
            let shown: Vec<&str> = unknown_ids.iter().take(5).map(String::as_str).collect();
            d.expected.push_str(&format!(
                "; so rows of other sheets may name a worker this row was meant for: {} not on the roster ({}{})",
                if unknown_ids.len() == 1 {
                    "this id is"
                } else {
                    "these ids are"
                },
                shown.join(", "),
                if unknown_ids.len() > 5 { ", …" } else { "" }
            ));
        }
        out.push(d);
    }
    out.extend(others);
    for (_, rows) in by_id {
        if rows.len() == 1 {
            out.extend(rows);
            continue;
        }
        let n = rows.len();
        let places: Vec<&str> = rows.iter().map(|p| p.place.as_str()).collect();
        let first = &rows[0];
        out.push(InputProblem {
            file: first.file.clone(),
            place: String::new(),
            found: first.found.clone(),
            expected: format!("{} — {n} rows name it: {}", first.expected, ranges(&places)),
        });
    }
    out.sort();
    // The duplicates (the cause) stay in front.
    let (mut front, back): (Vec<_>, Vec<_>) = out
        .into_iter()
        .partition(|p| p.expected.starts_with("a unique 编号; it is already used at 花名册"));
    front.extend(back);
    front
}

/// Cell places as runs of consecutive rows per sheet and column: `考勤!A300–A319, 巡查!A4`.
fn ranges(places: &[&str]) -> String {
    let mut runs: Vec<(String, String, u64, u64)> = Vec::new();
    for p in places {
        let (sheet, cell) = p.split_once('!').unwrap_or((p, ""));
        let letters = cell.bytes().take_while(u8::is_ascii_uppercase).count();
        let (col, row) = cell.split_at(letters);
        let Ok(r) = row.parse::<u64>() else {
            runs.push((p.to_string(), String::new(), 0, 0));
            continue;
        };
        match runs.last_mut() {
            Some((s, c, _, to)) if s == sheet && c == col && *to + 1 == r => *to = r,
            _ => runs.push((sheet.to_string(), col.to_string(), r, r)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(6)
        .map(|(s, c, a, b)| match (a, b) {
            (0, 0) => s.clone(),
            (a, b) if a == b => format!("{s}!{c}{a}"),
            (a, b) => format!("{s}!{c}{a}–{c}{b}"),
        })
        .collect();
    let more = if runs.len() > 6 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// When every problem is a row dated outside the run's period (another period's ledger, or
/// the wrong `--period`), one line that says so first, naming where the data is: thousands of
/// "a date within 2026Q4" are one mistake.
fn all_out_of_period(problems: &[InputProblem], period: Period) -> Option<InputProblem> {
    const SAID: &str = "(the input period of this run)";
    if problems.len() < 2 || !problems.iter().all(|p| p.expected.contains(SAID)) {
        return None;
    }
    let dates: Vec<chrono::NaiveDate> = problems
        .iter()
        .filter_map(|p| p.found.as_deref())
        .filter_map(|f| chrono::NaiveDate::parse_from_str(f.get(..10).unwrap_or(f), "%Y-%m-%d").ok())
        .collect();
    let (first, last) = (dates.iter().min()?, dates.iter().max()?);
    let of = Period::parse_any(&format!(
        "{}Q{}",
        chrono::Datelike::year(first),
        (chrono::Datelike::month(first) - 1) / 3 + 1
    ));
    let same_quarter = of.is_some_and(|q| q.contains(*last));
    let window = period.input_window();
    let hint = match of {
        Some(q) if same_quarter => {
            format!(" — in {q}: run that period (--period {q}, or one of its months), or give {window}'s sheets")
        }
        _ => format!("; give {window}'s sheets"),
    };
    Some(InputProblem {
        file: String::new(),
        place: String::new(),
        found: None,
        expected: format!(
            "the cause of all {} errors below: this {period} run reads rows dated in {window}, and every dated row lies outside it, from {first} to {last}{hint}",
            problems.len()
        ),
    })
}

/// A problem that only a bug in gridscore can cause, said as such.
fn internal(what: &str) -> InputProblem {
    InputProblem {
        file: String::new(),
        place: String::new(),
        found: None,
        expected: format!("{what} (an internal error)"),
    }
}

type JobResult = Result<(Read, Vec<InputProblem>), InputProblem>;

/// A job with its place in the list of all jobs.
type Numbered<'a> = (usize, &'a Job);

/// Parses the sheets on both cores: each thread takes the next sheet, largest kinds first, and
/// opens each workbook it needs once with calamine; the fast reader's parts of a workbook are
/// read once in all.
fn parse_all(
    jobs: &[Numbered],
    sources: &[(InputFile, Option<Source>)],
    ctx: &Ctx,
    fast: &[std::sync::OnceLock<Option<xlsx::Book>>],
) -> Vec<JobResult> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let order: Vec<usize> = {
        let weight = |k: &str| match k {
            "patrol" => 0,
            "attendance" => 1,
            "events" => 2,
            "survey" => 3,
            _ => 4,
        };
        let mut o: Vec<usize> = (0..jobs.len()).collect();
        o.sort_by_key(|i| weight(jobs[*i].1.spec.key));
        o
    };
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<JobResult>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len())
        .max(1);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut books: HashMap<usize, calamine::Sheets<Cursor<&[u8]>>> = HashMap::new();
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    let Some(&j) = order.get(k) else { break };
                    let job = jobs[j].1;
                    let r = guarded(&sources[job.file].0.display, || {
                        run_job(job, sources, ctx, &mut books, fast)
                    });
                    if r.is_err() {
                        // A reader that failed may be left half-way; open the file afresh next time.
                        books.remove(&job.file);
                    }
                    if let Ok(mut all) = results.lock() {
                        all[j] = Some(r);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(internal("a sheet reader that finished"))))
        .collect()
}

/// Reads a sheet with the fast `.xlsx` reader; `None` when it cannot (a workbook or sheet in a
/// shape it does not read), and the sheet is to be read by calamine from the start.
fn read_fast(
    bytes: &[u8],
    book: Option<&xlsx::Book>,
    sheet: &str,
    merges: Option<Vec<calamine::Dimensions>>,
    file: &str,
    spec: &'static SheetSpec,
    ctx: &Ctx,
) -> Option<(Result<Read, InputProblem>, Vec<InputProblem>)> {
    let book = book?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let path = book.sheet_path(sheet)?;
    let entry = zip.by_name(path).ok()?;
    let mut rows = xlsx::SheetRows::new(entry, book, merges, path, sheet);
    let mut problems = Vec::new();
    let r = read_sheet(&mut rows, file, spec, ctx, &mut problems);
    rows.gave_up().is_none().then_some((r, problems))
}

/// Checks every worksheet of a workbook whose layout the fast reader does not know, before
/// calamine reads one ([`xlsx::check_part`]).
fn check_all_sheets(bytes: &[u8]) -> Result<(), String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("a readable workbook ({e})"))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| xlsx::normal_name(n).starts_with("xl/worksheets/"))
        .collect();
    for n in names {
        xlsx::check_part(bytes, &n, None)?;
    }
    Ok(())
}

/// Sheets with at most this many rows are searched for merged cells (a search is a second
/// pass over the sheet's XML). Larger sheets are system exports, which do not merge cells; a
/// header merged in one is still found, by a search made only when the header is not.
const MERGE_SEARCH_ROWS: u32 = 50_000;

fn run_job<'a>(
    job: &Job,
    sources: &'a [(InputFile, Option<Source>)],
    ctx: &Ctx,
    books: &mut HashMap<usize, calamine::Sheets<Cursor<&'a [u8]>>>,
    fast: &[std::sync::OnceLock<Option<xlsx::Book>>],
) -> JobResult {
    let (file, src) = &sources[job.file];
    let prob = |expected: String| InputProblem {
        file: file.display.clone(),
        place: job.spec.label().to_string(),
        found: None,
        expected,
    };
    let mut problems = Vec::new();
    let parsed = match (src, &job.sheet) {
        (Some(Source::Extract(lazy)), _) => read_sheet(
            &mut extract::ExtractRows::new(lazy.get(&file.display)?),
            &file.display,
            job.spec,
            ctx,
            &mut problems,
        )?,
        (Some(Source::Csv(lazy)), _) => {
            let body = csv_body(lazy.get(&file.display)?, &file.display)?;
            read_sheet(
                &mut source::CsvRows::new(body),
                &file.display,
                job.spec,
                ctx,
                &mut problems,
            )?
        }
        (Some(Source::Workbook(b)), Some(name)) => {
            let wb = match books.entry(job.file) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(open_workbook(b, &ext_of(&file.path)).map_err(prob)?)
                }
            };
            match wb {
                calamine::Sheets::Xlsx(x) => {
                    // calamine holds a cell's whole text as it reads: no part of the sheet
                    // reaches it before the part is checked against the limits (a 3 GB cell in
                    // a 3 MB file). The fast reader checks as it goes.
                    let fast_book = fast[job.file].get_or_init(|| xlsx::Book::open(b).ok()).as_ref();
                    let part = fast_book.and_then(|bk| bk.sheet_path(name)).map(str::to_string);
                    let checked = std::cell::Cell::new(false);
                    let check = || -> Result<(), InputProblem> {
                        if !checked.get() {
                            match &part {
                                Some(p) => xlsx::check_part(b, p, Some(name)).map_err(prob)?,
                                None => check_all_sheets(b).map_err(prob)?,
                            }
                            checked.set(true);
                        }
                        Ok(())
                    };
                    let rows = match &part {
                        Some(p) => xlsx::declared_rows(b, p, name).map_err(prob)?,
                        None => {
                            check()?;
                            x.worksheet_cells_reader(name)
                                .map(|r| r.dimensions().end.0)
                                .map_err(|e| prob(format!("a readable sheet ({e})")))?
                        }
                    };
                    let merges = if rows <= MERGE_SEARCH_ROWS {
                        check()?;
                        x.merge_cells_by_sheet_name(name).ok()
                    } else {
                        None
                    };
                    let searched = merges.is_some();
                    let attempt = match read_fast(b, fast_book, name, merges.clone(), &file.display, job.spec, ctx) {
                        Some((r, mut probs)) => {
                            problems.append(&mut probs);
                            r
                        }
                        None => {
                            check()?;
                            let reader = x
                                .worksheet_cells_reader(name)
                                .map_err(|e| prob(format!("a readable sheet ({e})")))?;
                            read_sheet(
                                &mut source::XlsxRows::new(reader, merges),
                                &file.display,
                                job.spec,
                                ctx,
                                &mut problems,
                            )
                        }
                    };
                    match attempt {
                        // A header not found may be merged: search, and read once more.
                        Err(e) if !searched => {
                            check()?;
                            let merges = x
                                .merge_cells_by_sheet_name(name)
                                .ok()
                                .filter(|m| !m.is_empty())
                                .ok_or(e)?;
                            problems.clear();
                            let reader = x
                                .worksheet_cells_reader(name)
                                .map_err(|e| prob(format!("a readable sheet ({e})")))?;
                            read_sheet(
                                &mut source::XlsxRows::new(reader, Some(merges)),
                                &file.display,
                                job.spec,
                                ctx,
                                &mut problems,
                            )?
                        }
                        r => r?,
                    }
                }
                other => {
                    let range = other
                        .worksheet_range(name)
                        .map_err(|e| prob(format!("a readable sheet ({e})")))?;
                    read_sheet(
                        &mut source::RangeRows::new(range),
                        &file.display,
                        job.spec,
                        ctx,
                        &mut problems,
                    )?
                }
            }
        }
        _ => return Err(prob("a readable file".into())),
    };
    Ok((parsed, problems))
}

/// Groups each sheet's rows (their workers found as they were read) per worker, and checks
/// the events' ids across the sheet.
fn resolve(
    mut by_kind: BTreeMap<&'static str, Parsed>,
    roster: Option<(Roster, Vec<Worker>)>,
    file_of: &HashMap<&'static str, String>,
    ctx: &Ctx,
    problems: &mut Vec<InputProblem>,
) -> Inputs {
    let file = |k: &str| file_of.get(k).cloned().unwrap_or_default();
    let (index, workers) = match roster {
        Some((index, workers)) => (Some(index), workers),
        None => (None, Vec::new()),
    };
    let mut rows: Vec<WorkerRows> = vec![WorkerRows::default(); workers.len()];
    // Each worker's rows are moved into a list allocated to its exact length.
    macro_rules! group {
        ($kind:literal, $variant:ident, $field:ident) => {
            if let Some(Parsed::$variant(resolved)) = by_kind.remove($kind) {
                let mut counts = vec![0usize; rows.len()];
                for (i, _) in &resolved.records {
                    counts[*i as usize] += 1;
                }
                for (r, n) in rows.iter_mut().zip(counts) {
                    r.$field.reserve_exact(n);
                }
                for (i, record) in resolved.records {
                    rows[i as usize].$field.push(record);
                }
            }
        };
    }
    group!("attendance", Attendance, attendance);
    group!("patrol", Patrol, patrols);
    group!("survey", Survey, survey);
    group!("indicators", Indicators, indicators);
    if let Some(Parsed::Events(mut keyed)) = by_kind.remove("events") {
        // A 事件编号 is unique, except on rows of a type the rule set counts once per event
        // (one event reported by several workers, or at several levels): there only the same
        // worker reporting it again at the same level is a duplicate.
        let shared = ctx.plan.shared_event_types();
        let records = std::mem::take(&mut keyed.records);
        let mut ids: HashMap<(String, Option<u32>, Option<String>), Src> = HashMap::with_capacity(records.len());
        for (k, record) in records {
            let key = if shared.contains(&record.type_id) {
                (record.event_id.clone(), Some(k), record.level.clone())
            } else {
                (record.event_id.clone(), None, None)
            };
            if let Some(first) = ids.insert(key, record.src) {
                let expected = if shared.contains(&record.type_id) {
                    format!("one row per worker and 级别 for an event; this 事件编号, worker and 级别 are already at {first}")
                } else {
                    format!("a unique 事件编号; it is already used at {first}")
                };
                problems.push(InputProblem {
                    file: file("events"),
                    place: format!("{}", record.src),
                    found: Some(record.event_id.clone()),
                    expected,
                });
                continue;
            }
            // Without a roster (its own problems are reported) the workers are not checked.
            let Some(index) = &index else { continue };
            let id = &keyed.ids[k as usize];
            match index.get(id) {
                Some(i) if ctx.counts(record.date) => rows[i].events.push(record),
                // An event counted once is found across every day the run reads (D6.3).
                Some(i) if shared.contains(&record.type_id) => rows[i].events.push(Event {
                    counted: false,
                    ..record
                }),
                Some(_) => {}
                None => problems.push(index.unknown(id, keyed.place(record.src), file("events"))),
            }
        }
    }
    let params = match by_kind.remove("params") {
        Some(Parsed::Params(p)) => p,
        _ => Vec::new(),
    };
    Inputs {
        files: Vec::new(),
        workers,
        rows,
        params,
        sheet_files: HashMap::new(),
        extracts: Vec::new(),
        skipped: Vec::new(),
    }
}
