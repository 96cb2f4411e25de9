//! What the pieces of a large CSV sheet share: each piece's extract writer, the threads
//! joined, and the pieces' records, problems and extract rows joined in file order.
//!
//! A CSV file with no quote character has a record at every line break and nowhere else, so a
//! large one is cut at line breaks into a piece per core, each parsed on its own thread and
//! numbered from the line breaks before it (`super::stream`, which reads each piece from the
//! disk). The result is what reading the file as one gives (its tests compare the two). Read
//! as one: a file with a quote anywhere, a smaller file, the sheets whose rows are checked
//! against each other as they are read (the roster's length, the events' ids), and a file
//! whose piece could not be read, so that the error names its place as it always has.
use super::*;

/// A file smaller than this per core is read as one: threads would cost more than they save.
pub(super) const PIECE_MIN: usize = 16 << 20;

/// What one piece parsed: its records and extract rows, and its problems.
pub(super) type Parsing = (Filling, Vec<InputProblem>);

/// What one piece read; `Err` when its reader failed.
pub(super) type PieceRead = Result<Parsing, String>;

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
    pub(in crate::input) struct Dir(pub std::path::PathBuf);

    impl extract::Sink for Dir {
        fn create(&self, sheet: &'static str) -> std::io::Result<std::fs::File> {
            std::fs::File::create(self.0.join(format!("{sheet}.csv")))
        }

        fn part(&self, sheet: &'static str, k: usize) -> std::io::Result<(std::path::PathBuf, std::fs::File)> {
            let path = self.0.join(format!("{sheet}.part{k}"));
            Ok((path.clone(), std::fs::File::create(path)?))
        }
    }
}
