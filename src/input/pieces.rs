//! A large CSV sheet read on every core.
//!
//! A province's 巡查 export is 300 MB: read as one, it sets the length of the whole reading
//! while the other core finishes 考勤 and then waits. A CSV file with no quote character in it
//! has a record at every line break and nowhere else, so such a file is cut at line breaks
//! into a piece per core, and each piece is parsed on its own thread, numbering its rows from
//! the line breaks before it. The pieces' records, problems and extract rows are then joined in
//! file order: the result is what reading the file as one gives (a test compares the two).
//!
//! Read as one, as before: a file with a quote anywhere (a cell may then hold a line break, and
//! a line break may not end a record), a file smaller than [`PIECE_MIN`] a piece, and the
//! sheets whose rows are checked against each other as they are read (the roster's length, the
//! events' ids). A piece whose reader fails has the whole file read again as one, so that the
//! error names its place as it always has.
use super::source::{CsvRows, RowSource};
use super::*;

/// A body smaller than this per core is read as one: threads would cost more than they save.
pub(super) const PIECE_MIN: usize = 16 << 20;

/// Reads a CSV sheet from its body (its byte-order mark taken off), in pieces when it can.
pub(super) fn read_csv(
    body: &[u8],
    file: &str,
    spec: &'static SheetSpec,
    ctx: &Ctx,
    p: &mut Vec<InputProblem>,
) -> Result<Read, InputProblem> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    read_csv_cut(body, (cores, PIECE_MIN), file, spec, ctx, p)
}

/// [`read_csv`] in about `pieces` pieces of at least `min` bytes each.
fn read_csv_cut(
    body: &[u8],
    (pieces, min): (usize, usize),
    file: &str,
    spec: &'static SheetSpec,
    ctx: &Ctx,
    p: &mut Vec<InputProblem>,
) -> Result<Read, InputProblem> {
    let cuts = if Parsed::piecewise(spec) {
        cuts(body, pieces, min)
    } else {
        vec![0, body.len()]
    };
    if cuts.len() > 2 {
        match in_pieces(body, &cuts, file, spec, ctx) {
            Some(Ok((read, mut problems))) => {
                p.append(&mut problems);
                return Ok(read);
            }
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    read_sheet(&mut CsvRows::new(body), file, spec, ctx, p)
}

/// Where `body` is cut into about `n` pieces: the offsets of the pieces' starts and of the
/// end, each start just after a line break. One piece (`[0, len]`) when the body holds a quote
/// character or is too small to share. No cut falls among the rows the header is searched
/// for, so the first piece holds the header.
pub(super) fn cuts(body: &[u8], n: usize, min: usize) -> Vec<usize> {
    let n = n.min(body.len() / min.max(1));
    if n < 2 || memchr::memchr(b'"', body).is_some() {
        return vec![0, body.len()];
    }
    let header_end = memchr::memchr_iter(b'\n', body)
        .nth(table::HEADER_SEARCH_ROWS)
        .map_or(body.len(), |i| i + 1);
    let mut cuts = vec![0];
    for k in 1..n {
        let at = (body.len() / n).saturating_mul(k).max(header_end);
        let Some(i) = body.get(at..).and_then(|rest| memchr::memchr(b'\n', rest)) else {
            break;
        };
        let cut = at + i + 1;
        if cut < body.len() && cuts.last().is_some_and(|&last| cut > last) {
            cuts.push(cut);
        }
    }
    cuts.push(body.len());
    cuts
}

/// Rows a piece reads before it estimates how many it holds (from the bytes they took).
const ESTIMATE_AFTER: usize = 1000;

/// What one piece parsed: its records and extract rows, and its problems.
pub(super) type Parsing = (Filling, Vec<InputProblem>);

/// What one piece read; `Err` when its reader failed.
type PieceRead = Result<Parsing, String>;

/// Reads the pieces of `body` between `cuts` on a thread each. `None` when a piece's reader
/// failed (the file is then read again as one); an `Err` is the sheet's own problem (no header,
/// an extract that cannot be written), said as reading it whole says it.
fn in_pieces(
    body: &[u8],
    cuts: &[usize],
    file: &str,
    spec: &'static SheetSpec,
    ctx: &Ctx,
) -> Option<Result<(Read, Vec<InputProblem>), InputProblem>> {
    let first = first_rows(&mut CsvRows::new(&body[..cuts[1]])).ok()?;
    let header = match Header::find(file, spec, &first) {
        Ok(h) => h,
        Err(e) => return Some(Err(e)),
    };
    let header_cells = first.iter().find(|(r, _)| *r == header.row).map(|(_, c)| c.as_slice());
    // Each piece's extract rows go to a file of its own, appended to the first piece's.
    let mut parts: Vec<std::path::PathBuf> = Vec::new();
    let extracts = match prepare_extracts(ctx, &header, header_cells, cuts.len() - 1, &mut parts) {
        Ok(x) => x,
        Err(e) => {
            remove(&parts);
            return Some(Err(unwritable(file, spec)(e)));
        }
    };
    // The line breaks before each piece, for its row numbers (a quote-free file has none
    // inside a cell).
    let mut breaks = vec![0u64];
    for w in cuts.windows(2).take(cuts.len() - 2) {
        let before = breaks.last().copied().unwrap_or(0);
        breaks.push(before + memchr::memchr_iter(b'\n', &body[w[0]..w[1]]).count() as u64);
    }
    let header = &header;
    let read: Vec<PieceRead> = std::thread::scope(|s| {
        let handles: Vec<_> = extracts
            .into_iter()
            .enumerate()
            .map(|(k, extract)| {
                let piece = &body[cuts[k]..cuts[k + 1]];
                let base = breaks[k];
                s.spawn(move || read_piece(CsvRows::at(piece, base), header, k == 0, extract, ctx))
            })
            .collect();
        finished(handles)
    });
    join(read, &parts, (file, spec))
}

/// What each piece's thread read, in order; a thread that panicked read nothing, which is
/// said as a reader's failure (the sheet is then read whole).
pub(super) fn finished<T>(
    handles: Vec<std::thread::ScopedJoinHandle<'_, Result<T, String>>>,
) -> Vec<Result<T, String>> {
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(msg!("in-internal", what = msg!("in-internal-reader"))))
        })
        .collect()
}

/// The extract writer of each piece, when the run archives its sheets: the first begins the
/// sheet's extract, each later one writes a part file (its path pushed on `parts`).
pub(super) fn prepare_extracts(
    ctx: &Ctx,
    header: &Header,
    header_cells: Option<&[Data]>,
    pieces: usize,
    parts: &mut Vec<std::path::PathBuf>,
) -> std::io::Result<Vec<Option<extract::Writer>>> {
    let (Some(sink), Some(cells)) = (ctx.keep, header_cells) else {
        return Ok((0..pieces).map(|_| None).collect());
    };
    let mut writers = vec![Some(extract::Writer::new(
        sink.create(header.spec.label())?,
        header,
        cells,
    ))];
    for k in 1..pieces {
        let (path, file) = sink.part(header.spec.label(), k)?;
        parts.push(path);
        writers.push(Some(extract::Writer::part(file, header)));
    }
    Ok(writers)
}

/// Parses one piece's rows; the first piece leaves out its header and the rows above it.
fn read_piece(
    mut rows: CsvRows,
    header: &Header,
    first: bool,
    extract: Option<extract::Writer>,
    ctx: &Ctx,
) -> PieceRead {
    let mut filling = Filling::new(header.spec, extract, None, ctx);
    let mut problems = Vec::new();
    let mut read = 0usize;
    loop {
        if read == ESTIMATE_AFTER {
            // The piece's length over its rows so far: its records in one allocation.
            filling.reserve(rows.rows_left(), ctx);
        }
        let Some((r, cells)) = rows.next_row()? else { break };
        read += 1;
        if first && r <= header.row {
            continue;
        }
        filling.row(header, r, cells, ctx, &mut problems);
    }
    Ok((filling, problems))
}

/// The pieces joined in file order: records, problems, and the extract with the parts'
/// rows appended. `None` when a piece's reader failed.
pub(super) fn join(
    read: Vec<PieceRead>,
    parts: &[std::path::PathBuf],
    (file, spec): (&str, &'static SheetSpec),
) -> Option<Result<(Read, Vec<InputProblem>), InputProblem>> {
    let mut joined: Option<(Parsed, Option<extract::Written>)> = None;
    let mut problems = Vec::new();
    for piece in read {
        let (filling, mut probs) = match piece {
            Ok(x) => x,
            Err(_) => {
                remove(parts);
                return None;
            }
        };
        problems.append(&mut probs);
        let (parsed, written) = match filling.finish() {
            Ok(x) => x,
            Err(e) => {
                remove(parts);
                return Some(Err(unwritable(file, spec)(e)));
            }
        };
        match &mut joined {
            None => joined = Some((parsed, written)),
            Some((all, _)) => {
                if !all.append(parsed) {
                    remove(parts);
                    return None;
                }
            }
        }
    }
    let (parsed, written) = joined?;
    // The parts are appended when the extract is sealed, beside the scoring.
    let written = written.map(|w| w.with_parts(parts));
    Some(Ok(((parsed, written), problems)))
}

/// Removes the pieces' part files after a failure (the run's set is then not written).
pub(super) fn remove(parts: &[std::path::PathBuf]) {
    for p in parts {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// yangkou's read plan for a quarter, and a roster of workers 0001 to 0005.
    pub(in crate::input) fn five_workers() -> (ReadPlan, Roster) {
        let rules = crate::rules::load_builtin("yangkou").unwrap();
        let plan = rules.read_plan(Period::parse_any("2026Q3").unwrap().kind);
        let workers: Vec<Worker> = (1..=5u32).map(|i| Worker::for_test(&format!("{i:04}"), 0, i)).collect();
        (plan, Roster::new(&workers, "花名册.csv").0)
    }

    /// A yangkou 2026Q3 read of the sheets with `roster` (and extracts into `keep`).
    pub(in crate::input) fn ctx<'a>(
        plan: &'a ReadPlan,
        roster: &'a Roster,
        keep: Option<&'a dyn extract::Sink>,
    ) -> Ctx<'a> {
        let period = Period::parse_any("2026Q3").unwrap();
        Ctx {
            plan,
            period,
            window: period.input_window(),
            reach: plan.weeks.then(|| period.week_reach()),
            roster: Some(roster),
            keep,
        }
    }

    /// A 巡查 sheet of workers 0001 to 0005: a header, a blank line, then `rows` rows ending in
    /// CRLF and LF by turns, among them rows of a worker not on the roster (every 997th, from
    /// the first) and rows ending before they start (every 1301st, from the eighth).
    pub(in crate::input) fn patrol_body(rows: usize) -> String {
        let mut body = String::from("编号,日期,时段,开始,结束,已录入\n\n");
        for n in 0..rows {
            let id = if n % 997 == 0 {
                "0099".to_string()
            } else {
                format!("{:04}", n % 5 + 1)
            };
            let (start, end) = if n % 1301 == 7 {
                ("11:00", "09:00")
            } else {
                ("08:30", "11:30")
            };
            let eol = if n % 2 == 0 { "\r\n" } else { "\n" };
            body.push_str(&format!("{id},2026-07-{:02},上午,{start},{end},是{eol}", n % 28 + 1));
        }
        body
    }

    /// Extracts written into a folder, as a run's set holds them.
    struct Dir(std::path::PathBuf);

    impl extract::Sink for Dir {
        fn create(&self, sheet: &'static str) -> std::io::Result<std::fs::File> {
            std::fs::File::create(self.0.join(format!("{sheet}.csv")))
        }

        fn part(&self, sheet: &'static str, k: usize) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
            let path = self.0.join(format!("{sheet}.part{k}"));
            Ok((path.clone(), std::fs::File::create(path)?))
        }
    }

    #[test]
    fn a_sheet_read_in_pieces_gives_what_it_gives_read_as_one() {
        let (plan, roster) = five_workers();
        // 3,000 rows, among them 4 of an unknown worker and 3 that end before they start.
        let body = patrol_body(3000);
        assert_eq!(cuts(body.as_bytes(), 3, 1024).len(), 4, "three pieces");
        let dir = tempfile::tempdir().unwrap();
        let sink = Dir(dir.path().to_path_buf());
        let ctx = ctx(&plan, &roster, Some(&sink));
        let read = |pieces: usize| {
            let mut problems = Vec::new();
            let cut = (pieces, 1024);
            let (parsed, written) =
                read_csv_cut(body.as_bytes(), cut, "巡查.csv", &contract::PATROL, &ctx, &mut problems).unwrap();
            written.unwrap().complete().unwrap();
            let Parsed::Patrol(patrols) = parsed else {
                panic!("a patrol sheet gives patrols")
            };
            let records: Vec<String> = patrols.all().map(|r| format!("{r:?}")).collect();
            let extract = std::fs::read(dir.path().join("巡查.csv")).unwrap();
            (records, problems, extract)
        };
        let (whole, pieces) = (read(1), read(3));
        // 3,000 rows less 4 of the unknown worker (n = 0, 997, 1994, 2991) and 3 that end
        // before they start (n = 7, 1308, 2609), which are kept without a duration.
        assert_eq!(whole.0.len(), 2996);
        assert_eq!(pieces.0, whole.0, "the same records in the same order");
        assert_eq!(pieces.1, whole.1, "the same problems");
        assert_eq!(whole.1.len(), 7);
        // Row numbers are the file's: the header is row 1, a blank row 2, n = 0 is row 3.
        assert_eq!(whole.1[0].place, "巡查!A3");
        assert_eq!(whole.1[6].place, "巡查!A2994", "n = 2991 is row 2994");
        assert_eq!(pieces.2, whole.2, "the same extract, byte for byte");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 1, "the pieces' files are removed: {left:?}");
    }

    #[test]
    fn a_body_is_cut_just_after_line_breaks_past_the_header_rows() {
        // 64 lines of 1 MiB each: three pieces of at least 16 MiB (PIECE_MIN) for three cores.
        let line = format!("{}\n", "x".repeat((1 << 20) - 1));
        let body = line.repeat(64).into_bytes();
        let cuts = cuts(&body, 3, PIECE_MIN);
        // 64 MiB / 3 = 21.3 MiB, inside the line that ends at 22 MiB; 42.7 MiB, at 43 MiB.
        assert_eq!(cuts, [0, 22 << 20, 43 << 20, 64 << 20]);
        for c in &cuts[1..3] {
            assert_eq!(body[c - 1], b'\n', "cut at {c} follows a line break");
        }
        // Four cores ask for four pieces; 64 MiB holds four of 16 MiB; two, for two cores.
        assert_eq!(super::cuts(&body, 4, PIECE_MIN).len(), 5);
        assert_eq!(super::cuts(&body, 2, PIECE_MIN), [0, 33 << 20, 64 << 20]);
    }

    #[test]
    fn a_quote_anywhere_or_a_small_body_is_read_as_one() {
        let line = format!("{}\n", "x".repeat((1 << 20) - 1));
        let mut body = line.repeat(40).into_bytes();
        assert_eq!(
            cuts(&body[..(20 << 20)], 2, PIECE_MIN).len(),
            2,
            "20 MiB is less than 16 MiB a piece"
        );
        assert_eq!(cuts(&body, 1, PIECE_MIN).len(), 2, "one core");
        body[30 << 20] = b'"';
        assert_eq!(cuts(&body, 2, PIECE_MIN), vec![0, body.len()]);
    }

    #[test]
    fn no_cut_falls_among_the_rows_searched_for_the_header() {
        // Twelve long lines then short ones: the header search's ten rows end after line 11.
        let mut body = format!("{}\n", "h".repeat(4 << 20)).repeat(12).into_bytes();
        body.extend("a,b\n".repeat(1 << 20).into_bytes());
        let cuts = cuts(&body, 2, PIECE_MIN);
        let header_end = (4 << 20) * 11 + 11;
        assert!(cuts.len() == 2 || cuts[1] >= header_end, "{cuts:?}");
    }
}
