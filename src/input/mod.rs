//! Input: the clerk's files → typed records grouped per worker.
//!
//! Files are read once and hashed; each needed sheet is found by name in whichever file holds
//! it, parsed in one pass (sheets in parallel), and its rows are grouped by worker. Every
//! problem is collected; if there is any, the run stops before scoring.
pub mod cell;
pub mod checks;
pub mod extract;
mod files;
mod grouping;
mod jobs;
mod parse;
mod pieces;
pub mod problem;
pub mod records;
pub mod source;
mod stream;
pub mod table;
pub mod xlsx;

use crate::contract::{self, SheetSpec};
use crate::contract::{spec_named, ReadPlan};
use crate::period::Period;
use calamine::{Data, Reader};
use files::*;
pub use files::{discover, is_own_output, MAX_CSV_LINE};
use grouping::*;
use jobs::*;
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
    /// Months of a longer period with no attendance, patrol or counted event row at all, where
    /// a rule counts by time (`checks::empty_months`): a note of the run, or an error of a
    /// year run that may not be scored from the months there are.
    pub empty_months: Vec<Period>,
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
    /// its own month run does (docs/decisions.md D6.3). The 决定 rows are left out: they
    /// decide the run, not its months.
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
                // The months beside a quarter show what the rules give; the committee's
                // decisions apply to the run itself (its total, grade and pay).
                decisions: Vec::new(),
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
            empty_months: Vec::new(),
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
    /// The committee's decisions on this worker (决定 sheet), in sheet order.
    pub decisions: Vec<Decision>,
}

/// One worker's rows as the measures read them: borrowed, so that a run may hand each worker's
/// daily rows (its attendance and patrols, nine tenths of a province's records) to the thread
/// that scores the worker, which lets them go as soon as the worker is scored
/// (`engine::score_releasing`).
#[derive(Debug, Clone, Copy)]
pub struct RowsOf<'a> {
    pub attendance: &'a [Attendance],
    pub patrols: &'a [Patrol],
    pub events: &'a [Event],
    pub survey: &'a [Survey],
    pub indicators: &'a [Indicator],
    pub decisions: &'a [Decision],
}

impl WorkerRows {
    pub fn view(&self) -> RowsOf<'_> {
        RowsOf {
            attendance: &self.attendance,
            patrols: &self.patrols,
            events: &self.events,
            survey: &self.survey,
            indicators: &self.indicators,
            decisions: &self.decisions,
        }
    }
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
    Decisions(Resolved<Decision>),
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
            "decisions" => Parsed::Decisions(Resolved::default()),
            _ => Parsed::Params(Vec::new()),
        }
    }

    /// Room for about `n` more records; `workers`, the roster's length, spreads it over the
    /// workers' lists of a sheet grouped as it is read.
    fn reserve(&mut self, n: usize, workers: usize) {
        // One list: a tenth more than the estimate, as capacity never used is never touched,
        // and one doubling of a large list would copy it all. The workers' lists are given
        // their share closely ([`Resolved::reserve`]): their unused ends lie among used ones.
        let flat = n + n / 10 + table::HEADER_SEARCH_ROWS;
        match self {
            Parsed::Roster(v) => v.reserve(flat),
            Parsed::Attendance(g) => g.reserve(n, workers),
            Parsed::Patrol(g) => g.reserve(n, workers),
            Parsed::Events(k) => k.records.reserve(flat),
            Parsed::Survey(g) => g.reserve(n, workers),
            Parsed::Indicators(g) => g.reserve(n, workers),
            Parsed::Params(v) => v.reserve(flat),
            Parsed::Decisions(g) => g.reserve(n, workers),
        }
    }

    /// Whether a sheet of this kind may be read in pieces ([`pieces`]): each of its rows is
    /// parsed on its own, and [`Parsed::append`] joins its pieces.
    fn piecewise(spec: &SheetSpec) -> bool {
        ["attendance", "patrol", "survey", "indicators", "decisions"].contains(&spec.key)
    }

    /// Adds the records of the sheet's next piece after these; `false` (nothing added) when
    /// the two are not pieces of one kind that [`Parsed::piecewise`] allows.
    fn append(&mut self, next: Parsed) -> bool {
        match (self, next) {
            (Parsed::Attendance(a), Parsed::Attendance(b)) => a.append(b),
            (Parsed::Patrol(a), Parsed::Patrol(b)) => a.append(b),
            (Parsed::Survey(a), Parsed::Survey(b)) => a.append(b),
            (Parsed::Indicators(a), Parsed::Indicators(b)) => a.append(b),
            (Parsed::Decisions(a), Parsed::Decisions(b)) => a.append(b),
            _ => return false,
        }
        true
    }

    /// Parses one data row into its typed record.
    fn push(&mut self, row: &table::Row, ctx: &Ctx, p: &mut Vec<InputProblem>) {
        match self {
            Parsed::Roster(v) => parse::roster(row, ctx, p, v),
            Parsed::Attendance(v) => parse::attendance(row, ctx, p, v),
            Parsed::Patrol(v) => parse::patrol(row, ctx, p, v),
            Parsed::Events(v) => parse::events(row, ctx, p, v),
            Parsed::Survey(v) => parse::survey(row, ctx, p, v),
            Parsed::Indicators(v) => parse::indicators(row, ctx, p, v),
            Parsed::Params(v) => parse::params(row, p, v),
            Parsed::Decisions(v) => parse::decisions(row, ctx, p, v),
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
                    found: Some(msg!("in-long-text-found", count = s.chars().count())),
                    expected: msg!("in-long-text", most = xlsx::MAX_CELL_CHARS),
                    ..Default::default()
                });
            }
        }
    }
}

/// A parsed sheet, and its extract when the run archives one.
type Read = (Parsed, Option<extract::Written>);

/// A sheet's first rows, in which its header is searched for.
fn first_rows(src: &mut dyn source::RowSource) -> Result<Vec<(u32, Vec<Data>)>, String> {
    let mut first: Vec<(u32, Vec<Data>)> = Vec::new();
    while let Some((r, cells)) = src.next_row()? {
        first.push((r, cells.to_vec()));
        if r as usize >= table::HEADER_SEARCH_ROWS - 1 {
            break;
        }
    }
    Ok(first)
}

/// A problem with a sheet as a whole (not one of its cells).
fn sheet_fail(file: &str, spec: &SheetSpec) -> impl Fn(String) -> InputProblem {
    let (file, place) = (file.to_string(), spec.label().to_string());
    move |expected| InputProblem {
        file: file.clone(),
        place: place.clone(),
        found: None,
        expected,
        ..Default::default()
    }
}

/// The run's archive could not be written while a sheet was read.
fn unwritable(file: &str, spec: &SheetSpec) -> impl Fn(std::io::Error) -> InputProblem {
    let fail = sheet_fail(file, spec);
    move |e| fail(msg!("in-archive-unwritable", error = e))
}

/// A sheet's records, and its extract, as its rows arrive (a sheet read whole, or one piece
/// of a sheet read in pieces).
struct Filling {
    parsed: Parsed,
    extract: Option<extract::Writer>,
    /// Rows not yet reported to the progress line: they are reported in batches, to keep the
    /// shared counter cold.
    unreported: u64,
}

impl Filling {
    /// `rows_left`: about how many rows are to come, when the source can tell.
    fn new(spec: &SheetSpec, extract: Option<extract::Writer>, rows_left: Option<usize>, ctx: &Ctx) -> Filling {
        let mut filling = Filling {
            parsed: Parsed::new(spec),
            extract,
            unreported: 0,
        };
        filling.reserve(rows_left, ctx);
        filling
    }

    /// Room for about `rows_left` more records, when the source can tell.
    fn reserve(&mut self, rows_left: Option<usize>, ctx: &Ctx) {
        if let Some(n) = rows_left {
            self.parsed.reserve(n, ctx.roster.map_or(0, |r| r.len()));
        }
    }

    /// Parses one data row into its record (and its extract).
    fn row(&mut self, header: &Header, r: u32, cells: &[Data], ctx: &Ctx, p: &mut Vec<InputProblem>) {
        too_long(cells, r, &header.file, header.spec, p);
        self.parsed.push(&table::Row::new(header, r, cells), ctx, p);
        if let Some(x) = &mut self.extract {
            x.row(r, cells);
        }
        self.unreported += 1;
        if self.unreported == 8192 {
            crate::progress::rows_read(self.unreported);
            self.unreported = 0;
        }
    }

    fn finish(self) -> std::io::Result<Read> {
        crate::progress::rows_read(self.unreported);
        let written = self.extract.map(extract::Writer::finish).transpose()?;
        Ok((self.parsed, written))
    }
}

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
    let fail = sheet_fail(file, spec);
    let first = first_rows(src).map_err(&fail)?;
    let header = Header::find(file, spec, &first)?;
    let extract = match (ctx.keep, first.iter().find(|(r, _)| *r == header.row)) {
        (Some(sink), Some((_, cells))) => Some(extract::Writer::new(
            sink.create(spec.label()).map_err(unwritable(file, spec))?,
            &header,
            cells,
        )),
        _ => None,
    };
    let mut filling = Filling::new(spec, extract, src.rows_left(), ctx);
    filling.unreported = first.len() as u64;
    let mut rows = 0usize;
    for (r, cells) in first.iter().filter(|(r, _)| *r > header.row) {
        rows += 1;
        filling.row(&header, *r, cells, ctx, p);
    }
    while let Some((r, cells)) = src.next_row().map_err(&fail)? {
        rows += 1;
        if spec.key == contract::ROSTER.key && rows > MAX_SUBJECTS {
            return Err(InputProblem {
                place: format!("{}!{}", spec.label(), r + 1),
                ..fail(msg!("in-roster-too-long", most = MAX_SUBJECTS))
            });
        }
        filling.row(&header, r, cells, ctx, p);
    }
    filling.finish().map_err(unwritable(file, spec))
}

/// Reads every input a run for `period` needs, as the rule set's plan says.
pub fn load(paths: &[PathBuf], plan: &ReadPlan, period: Period) -> Result<Inputs, InputErrors> {
    load_with(paths, plan, period, None)
}

/// [`load`], writing each sheet's extract for the run's archive into `keep` when given.
///
/// The stages: open every file, locate each sheet the plan needs, read them (the roster
/// first, then the rest on both cores, the files hashed beside), then group the records per
/// worker and check them against the plan. Every problem of every stage is reported together.
pub fn load_with(
    paths: &[PathBuf],
    plan: &ReadPlan,
    period: Period,
    keep: Option<&dyn extract::Sink>,
) -> Result<Inputs, InputErrors> {
    crate::progress::step(crate::progress::Step::Start);
    let files = discover(paths).map_err(InputErrors)?;
    let (mut sources, mut problems) = open_all(files);
    let jobs = locate(&sources, plan, &mut problems);
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
    let (results, roster) = read_all(&jobs, &mut sources, &ctx, &mut problems)?;
    crate::progress::step(crate::progress::Step::Read);
    let inputs = assemble(&jobs, results, roster, sources, (&ctx, plan), &mut problems);
    crate::progress::step(crate::progress::Step::Grouped);
    if problems.is_empty() {
        Ok(inputs)
    } else {
        problems.sort();
        problems.dedup();
        let mut problems = grouped_unknown_workers(problems);
        let cause = all_out_of_period(&problems, period);
        problems = grouped_alike(problems);
        if let Some(cause) = cause {
            problems.insert(0, cause);
        }
        Err(InputErrors(problems))
    }
}

/// Opens every input file; one that cannot be opened is a problem, and stays in the list
/// (as `None`) so that its sheets are not also reported missing.
fn open_all(files: Vec<PathBuf>) -> (Vec<(InputFile, Option<Source>)>, Vec<InputProblem>) {
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
    (sources, problems)
}

/// Finds each contract sheet the plan needs in whichever file holds it: a sheet in two files,
/// or in none, is a problem. Sheets the plan does not read are left out.
fn locate(sources: &[(InputFile, Option<Source>)], plan: &ReadPlan, problems: &mut Vec<InputProblem>) -> Vec<Job> {
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
                        expected: msg!("in-extract-name", suffix = extract::SUFFIX),
                        ..Default::default()
                    }),
                }
            }
            Some(Source::Csv(_)) => {
                let stem = file.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                match spec_named(stem) {
                    Some(s) => found.push((s, None)),
                    // A run's own scores.csv in a folder of inputs (an earlier run's folder
                    // given as input) holds no sheet: skipped, like a workbook without one.
                    None if files::is_own_output(&file.path) => {}
                    None => problems.push(InputProblem {
                        file: file.display.clone(),
                        place: String::new(),
                        found: Some(stem.to_string()),
                        expected: msg!(
                            "in-csv-name",
                            names = contract::ALL_SHEETS
                                .iter()
                                .map(|s| format!("{}.csv", s.label()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        ..Default::default()
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
                        ..Default::default()
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
                    expected: msg!("in-sheet-twice", sheet = spec.label(), other = other),
                    ..Default::default()
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
                expected: msg!(
                    "in-sheet-missing",
                    sheet = spec.label(),
                    key = spec.key,
                    scheme = &plan.scheme,
                    found = if sheet_lists.is_empty() {
                        msg!("in-sheet-missing-none")
                    } else {
                        sheet_lists.join("; ")
                    }
                ),
                ..Default::default()
            });
        }
    }
    // Sheets the rule set does not read are left alone (they cost time and can't matter).
    // 参数 and 决定 are read wherever they are: no rule names them, any run may have them.
    jobs.retain(|j| needed.iter().any(|n| n.key == j.spec.key) || ["params", "decisions"].contains(&j.spec.key));
    jobs
}

/// Reads every located sheet: the roster first, then the others on both cores while the
/// files are hashed; each file's hash is set, and its bytes let go.
#[allow(clippy::type_complexity)]
fn read_all(
    jobs: &[Job],
    sources: &mut [(InputFile, Option<Source>)],
    ctx: &Ctx,
    problems: &mut Vec<InputProblem>,
) -> Result<(Vec<Option<JobResult>>, Option<(Roster, Vec<Worker>)>), InputErrors> {
    // The roster is read first (it is small), so that every other sheet's rows find their
    // worker as they are read: a worker index per record rather than an id, and a roster that
    // cannot be read is reported once, not as every row's unknown worker.
    let (roster_jobs, other_jobs): (Vec<Numbered>, Vec<Numbered>) =
        jobs.iter().enumerate().partition(|(_, j)| j.spec.key == "roster");
    let fast: Vec<std::sync::OnceLock<Option<xlsx::Book>>> =
        sources.iter().map(|_| std::sync::OnceLock::new()).collect();
    let mut results: Vec<Option<JobResult>> = (0..jobs.len()).map(|_| None).collect();
    let mut roster: Option<(Roster, Vec<Worker>)> = None;
    for ((i, _), r) in roster_jobs.iter().zip(parse_all(&roster_jobs, sources, ctx, &fast)) {
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
        ..*ctx
    };
    // Hashing the files (for the run's manifest) fills a core while the other finishes the
    // largest sheet; on a province's CSV it would otherwise add seconds in front of the parse.
    let read: Vec<bool> = (0..sources.len()).map(|i| jobs.iter().any(|j| j.file == i)).collect();
    // A large CSV file whose sheet is read from the disk in pieces is hashed from a read of
    // its own; what was parsed is held against it below.
    let streamed = |i: usize, lazy: &Lazy| jobs.iter().any(|j| j.file == i && stream::streams(j.spec, lazy.size));
    let hashes = std::thread::scope(|s| {
        let hashes = s.spawn(|| {
            sources
                .iter()
                .zip(&read)
                .enumerate()
                .map(|(i, ((file, src), read))| match src {
                    // A file that supplies no sheet the run reads is not read at all.
                    _ if !read => Ok((String::new(), None)),
                    Some(Source::Csv(lazy)) if streamed(i, lazy) => stream::hash(&lazy.path)
                        .map(|h| (h.sha256, Some(h.text)))
                        .map_err(|e| unreadable(&file.display, e)),
                    Some(Source::Workbook(b)) => Ok((crate::digest::sha256_hex(b), None)),
                    // A file that cannot be read is reported here and by its sheet's reader
                    // alike (the same problem twice is said once).
                    Some(Source::Csv(lazy) | Source::Extract(lazy)) => {
                        lazy.get(&file.display).map(|b| (crate::digest::sha256_hex(b), None))
                    }
                    None => Ok((String::new(), None)),
                })
                .collect::<Vec<_>>()
        });
        for ((i, _), r) in other_jobs
            .iter()
            .zip(parse_all(&other_jobs, sources, &with_roster, &fast))
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
            expected: msg!("in-internal", what = msg!("in-internal-hash")),
            ..Default::default()
        }])
    })?;
    for ((file, src), h) in sources.iter_mut().zip(hashes) {
        let text = match h {
            Ok((h, hashed)) => {
                file.sha256 = h;
                hashed
            }
            Err(p) => {
                problems.push(p);
                None
            }
        };
        // The bytes parsed must be the bytes hashed, or the run would record the hash of a
        // file it did not score (one saved again while it was read).
        if let Some(Source::Csv(lazy)) = &*src {
            problems.extend(stream::changed(&file.display, lazy.parsed.get(), text.as_ref()));
        }
        *src = None;
    }
    Ok((results, roster))
}

/// The records of every sheet grouped per worker and checked against the plan; the files
/// read, in the order given (the others named as skipped), and the extracts written.
fn assemble(
    jobs: &[Job],
    results: Vec<Option<JobResult>>,
    roster: Option<(Roster, Vec<Worker>)>,
    mut sources: Vec<(InputFile, Option<Source>)>,
    (ctx, plan): (&Ctx, &ReadPlan),
    problems: &mut Vec<InputProblem>,
) -> Inputs {
    let mut by_kind: BTreeMap<&'static str, Parsed> = BTreeMap::new();
    let mut extracts: Vec<(usize, &'static str, extract::Written)> = Vec::new();
    for (job, result) in jobs.iter().zip(results) {
        match result.unwrap_or_else(|| Err(internal(&msg!("in-internal-reader")))) {
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
    let mut inputs = resolve(by_kind, roster, &file_of, ctx, problems);
    inputs.sheet_files = file_of.clone();
    checks::rows_against_plan(&inputs, plan, ctx.period, problems);
    inputs.empty_months = checks::empty_months(&inputs, plan, ctx.period, problems);
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
    inputs
}

/// A file the hasher could not read.
fn unreadable(display: &str, e: std::io::Error) -> InputProblem {
    InputProblem {
        file: display.to_string(),
        place: String::new(),
        found: None,
        expected: msg!("in-file-unreadable", error = e),
        ..Default::default()
    }
}

/// A problem that only a bug in gridscore can cause, said as such.
fn internal(what: &str) -> InputProblem {
    InputProblem {
        file: String::new(),
        place: String::new(),
        found: None,
        expected: msg!("in-internal", what = what),
        ..Default::default()
    }
}

/// A sheet's records per worker (`n` of them), in file order; none when the sheet was not
/// read. (They were grouped as they were read: [`Resolved`].)
fn grouped<T>(resolved: Option<Resolved<T>>, n: usize) -> Vec<Vec<T>> {
    resolved.unwrap_or_default().into_lists(n)
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
    let n = workers.len();
    macro_rules! take {
        ($kind:literal, $variant:ident) => {
            match by_kind.remove($kind) {
                Some(Parsed::$variant(resolved)) => Some(resolved),
                _ => None,
            }
        };
    }
    let (attendance, patrols) = (take!("attendance", Attendance), take!("patrol", Patrol));
    // The two large sheets are grouped on a core each (a province: ten million rows).
    let (attendance, patrols) = std::thread::scope(|s| {
        let attendance = s.spawn(move || grouped(attendance, n));
        let patrols = grouped(patrols, n);
        (attendance.join(), patrols)
    });
    let attendance = attendance.unwrap_or_else(|p| std::panic::resume_unwind(p));
    let (survey, indicators, decisions) = (
        grouped(take!("survey", Survey), n),
        grouped(take!("indicators", Indicators), n),
        grouped(take!("decisions", Decisions), n),
    );
    let mut rows: Vec<WorkerRows> = attendance
        .into_iter()
        .zip(patrols)
        .zip(survey.into_iter().zip(indicators).zip(decisions))
        .map(
            |((attendance, patrols), ((survey, indicators), decisions))| WorkerRows {
                attendance,
                patrols,
                events: Vec::new(),
                survey,
                indicators,
                decisions,
            },
        )
        .collect();
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
                    msg!("in-event-level-twice", first = first)
                } else {
                    msg!("in-event-id-twice", first = first)
                };
                problems.push(InputProblem {
                    file: file("events"),
                    place: format!("{}", record.src),
                    found: Some(record.event_id.clone()),
                    expected,
                    ..Default::default()
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
        empty_months: Vec::new(),
    }
}
