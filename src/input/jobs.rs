//! Reading the sheets on both cores: a job a sheet, the largest kinds first; each workbook
//! opened once, by the fast `.xlsx` reader where it can and calamine where it cannot; each
//! job's rows parsed into typed records (and its extract written) with every problem placed.
use super::problem::InputProblem;
use super::*;

pub(super) type JobResult = Result<(Read, Vec<InputProblem>), InputProblem>;

/// A job with its place in the list of all jobs.
pub(super) type Numbered<'a> = (usize, &'a Job);

/// Parses the sheets on both cores: each thread takes the next sheet, largest kinds first, and
/// opens each workbook it needs once with calamine; the fast reader's parts of a workbook are
/// read once in all.
pub(super) fn parse_all(
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
    let threads = crate::cores::available().min(jobs.len()).max(1);
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
        .map(|r| r.unwrap_or_else(|| Err(internal(&msg!("in-internal-reader")))))
        .collect()
}

/// Reads a sheet with the fast `.xlsx` reader; `None` when it cannot (a workbook or sheet in a
/// shape it does not read), and the sheet is to be read by calamine from the start.
pub(super) fn read_fast(
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
pub(super) fn check_all_sheets(bytes: &[u8]) -> Result<(), String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
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
pub(super) const MERGE_SEARCH_ROWS: u32 = 50_000;

pub(super) fn run_job<'a>(
    job: &Job,
    sources: &'a [(InputFile, Option<Source>)],
    ctx: &Ctx,
    books: &mut HashMap<usize, calamine::Sheets<Cursor<&'a [u8]>>>,
    fast: &[std::sync::OnceLock<Option<xlsx::Book>>],
) -> JobResult {
    let (file, src) = &sources[job.file];
    let prob = sheet_problem(file, job);
    let mut problems = Vec::new();
    let parsed = match (src, &job.sheet) {
        (Some(Source::Extract(lazy)), _) => read_sheet(
            &mut extract::ExtractRows::new(lazy.get(&file.display)?),
            &file.display,
            job.spec,
            ctx,
            &mut problems,
        )?,
        (Some(Source::Csv(lazy)), _) if stream::streams(job.spec, lazy.size) => {
            // Read from the disk in pieces where the file allows, else held whole; either
            // way what was parsed is held against the file's hash (`read_all`).
            match stream::read(&lazy.path, &file.display, job.spec, ctx) {
                Some((read, text)) => {
                    let (read, mut probs) = read?;
                    let _ = lazy.parsed.set(text);
                    problems.append(&mut probs);
                    read
                }
                None => {
                    let body = csv_body(lazy.get(&file.display)?, &file.display)?;
                    let _ = lazy.parsed.set(stream::parsed_whole(body));
                    read_sheet(
                        &mut source::CsvRows::new(body),
                        &file.display,
                        job.spec,
                        ctx,
                        &mut problems,
                    )?
                }
            }
        }
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
            read_workbook_sheet((job, file, b, name), ctx, (books, fast), &mut problems)?
        }
        _ => return Err(prob(msg!("in-file-unreadable-kind"))),
    };
    Ok((parsed, problems))
}

/// The workbooks calamine has opened, by file index (each opened once, however many of its
/// sheets are read).
type Books<'a> = HashMap<usize, calamine::Sheets<Cursor<&'a [u8]>>>;
/// Each file's fast `.xlsx` reader, opened by the first sheet that needs it.
type FastBook = std::sync::OnceLock<Option<xlsx::Book>>;

/// Reads a sheet of a workbook: an `.xlsx` by the fast reader when it can (calamine when it
/// gives up, and once more with merged cells when a header is not found), any other format by
/// calamine's range.
fn read_workbook_sheet<'a>(
    (job, file, b, name): (&Job, &InputFile, &'a [u8], &str),
    ctx: &Ctx,
    (books, fast): (&mut Books<'a>, &[FastBook]),
    problems: &mut Vec<InputProblem>,
) -> Result<Read, InputProblem> {
    let prob = sheet_problem(file, job);
    let wb = match books.entry(job.file) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(open_workbook(b, &ext_of(&file.path)).map_err(prob)?),
    };
    let read = match wb {
        calamine::Sheets::Xlsx(x) => {
            // calamine holds a cell's whole text as it reads: no part of the sheet
            // reaches it before the part is checked against the limits (a 3 GB cell in
            // a 3 MB file). The fast reader checks as it goes.
            let fast_book = fast[job.file].get_or_init(|| xlsx::Book::open(b).ok()).as_ref();
            let part = fast_book.and_then(|bk| bk.sheet_path(name)).map(str::to_string);
            let checked = std::cell::Cell::new(false);
            // Whether the sheet may merge cells, as its check found (`xlsx::check_sheet_part`).
            let may_merge = std::cell::Cell::new(true);
            let check = || -> Result<(), InputProblem> {
                if !checked.get() {
                    match &part {
                        Some(p) => may_merge.set(xlsx::check_sheet_part(b, p, name).map_err(prob)?),
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
                        .map_err(|e| prob(msg!("in-sheet-unreadable", error = e)))?
                }
            };
            let merges = if rows <= MERGE_SEARCH_ROWS {
                check()?;
                // A sheet that names no `mergeCells` has none: calamine's search, a parse of
                // the whole sheet, would find none.
                if may_merge.get() {
                    x.merge_cells_by_sheet_name(name).ok()
                } else {
                    Some(Vec::new())
                }
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
                        .map_err(|e| prob(msg!("in-sheet-unreadable", error = e)))?;
                    read_sheet(
                        &mut source::XlsxRows::new(reader, merges),
                        &file.display,
                        job.spec,
                        ctx,
                        problems,
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
                        .map_err(|e| prob(msg!("in-sheet-unreadable", error = e)))?;
                    read_sheet(
                        &mut source::XlsxRows::new(reader, Some(merges)),
                        &file.display,
                        job.spec,
                        ctx,
                        problems,
                    )?
                }
                r => r?,
            }
        }
        other => {
            let range = other
                .worksheet_range(name)
                .map_err(|e| prob(msg!("in-sheet-unreadable", error = e)))?;
            read_sheet(
                &mut source::RangeRows::new(range),
                &file.display,
                job.spec,
                ctx,
                problems,
            )?
        }
    };
    Ok(read)
}

/// A problem of a whole sheet (`file`, `考勤`): what was expected of it.
fn sheet_problem<'a>(file: &'a InputFile, job: &'a Job) -> impl Fn(String) -> InputProblem + Copy + 'a {
    |expected: String| InputProblem {
        file: file.display.clone(),
        place: job.spec.label().to_string(),
        found: None,
        expected,
        ..Default::default()
    }
}
