//! How many problems a run shows, and in what order: a cause before its consequences. Rows
//! naming a worker not on the roster are one line per id with their rows as ranges, a 编号
//! used twice on the roster comes first with the ids it may have cost, and a ledger whose every
//! row lies in another period is said in one line.
use super::problem::{InputProblem, ProblemKind};
use super::*;

/// Rows naming a worker not on the roster, one line per id, with its rows as ranges
/// (`考勤!A300–A319, 巡查!A468–A490, …`) rather than one error a row; and a 编号 used twice on
/// the roster — the likeliest cause (the worker whose id was overwritten) — shown first, with
/// the ids it may have cost.
pub(super) fn grouped_unknown_workers(problems: Vec<InputProblem>) -> Vec<InputProblem> {
    let mut by_id: BTreeMap<String, Vec<InputProblem>> = BTreeMap::new();
    let mut rest = Vec::new();
    for p in problems {
        match &p.found {
            Some(id) if p.kind == ProblemKind::UnknownWorker => by_id.entry(id.clone()).or_default().push(p),
            _ => rest.push(p),
        }
    }
    let unknown_ids: Vec<String> = by_id.keys().cloned().collect();
    let mut out: Vec<InputProblem> = Vec::new();
    // The roster's duplicated ids first: the cause.
    let (dups, others): (Vec<InputProblem>, Vec<InputProblem>) =
        rest.into_iter().partition(|p| p.kind == ProblemKind::DuplicateId);
    for mut d in dups {
        if !unknown_ids.is_empty() {
            let shown: Vec<&str> = unknown_ids.iter().take(5).map(String::as_str).collect();
            let ids = format!("{}{}", shown.join(", "), if unknown_ids.len() > 5 { ", …" } else { "" });
            d.expected
                .push_str(&msg!("in-duplicate-id-costs", count = unknown_ids.len(), ids = ids));
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
            expected: msg!(
                "in-unknown-rows",
                expected = &first.expected,
                count = n,
                places = ranges(&places)
            ),
            kind: ProblemKind::UnknownWorker,
            rows: n,
        });
    }
    out.sort();
    // The duplicates (the cause) stay in front.
    let (mut front, back): (Vec<_>, Vec<_>) = out.into_iter().partition(|p| p.kind == ProblemKind::DuplicateId);
    front.extend(back);
    front
}

/// How many problems of one kind, in one column, are listed one by one before they are one
/// line.
const ALIKE_LISTED: usize = 3;

/// Many rows with one kind of error in one column (a date column all in another month, a
/// 类型 misspelt the same way down the sheet) are one line: the rows as ranges, their count, and
/// the first few values found — `事件!D2 (…): 10234 rows (事件!D2–D10235): found "2026-11-09",
/// "2026-11-16", "2026-11-18", …; expected a date within 2026Q3`. A kind met three times or
/// fewer is listed row by row. The groups keep the place of their first row.
pub(super) fn grouped_alike(problems: Vec<InputProblem>) -> Vec<InputProblem> {
    let column = |p: &InputProblem| -> Option<(String, String)> {
        let (sheet, cell) = p.place.split_once('!')?;
        let letters = cell.bytes().take_while(u8::is_ascii_uppercase).count();
        (letters > 0 && cell[letters..].parse::<u64>().is_ok())
            .then(|| (sheet.to_string(), cell[..letters].to_string()))
    };
    // (file, sheet, column, expected): one kind of error in one column.
    type Kind = (String, String, String, String);
    let mut groups: Vec<(Option<Kind>, Vec<InputProblem>)> = Vec::new();
    let mut index: HashMap<Kind, usize> = HashMap::new();
    for p in problems {
        let key = column(&p).map(|(s, c)| (p.file.clone(), s, c, p.expected.clone()));
        match key.as_ref().and_then(|k| index.get(k)) {
            Some(&i) => groups[i].1.push(p),
            None => {
                if let Some(k) = &key {
                    index.insert(k.clone(), groups.len());
                }
                groups.push((key, vec![p]));
            }
        }
    }
    let mut out = Vec::new();
    for (key, members) in groups {
        if key.is_none() || members.len() <= ALIKE_LISTED {
            out.extend(members);
            continue;
        }
        let n = members.len();
        let places: Vec<&str> = members.iter().map(|p| p.place.as_str()).collect();
        let mut seen: Vec<&str> = Vec::new();
        for f in members.iter().filter_map(|p| p.found.as_deref()) {
            if !seen.contains(&f) {
                seen.push(f);
            }
            if seen.len() > ALIKE_LISTED {
                break;
            }
        }
        let examples: Vec<String> = seen
            .iter()
            .take(ALIKE_LISTED)
            .map(|f| format!("\"{}\"", super::cell::escaped(f)))
            .collect();
        let more = if seen.len() > ALIKE_LISTED { ", …" } else { "" };
        let first = &members[0];
        out.push(InputProblem {
            file: first.file.clone(),
            place: first.place.clone(),
            found: None,
            expected: msg!(
                "in-alike-rows",
                count = n,
                places = ranges(&places),
                found = format!("{}{more}", examples.join(", ")),
                expected = &first.expected
            ),
            kind: first.kind,
            rows: n,
        });
    }
    out
}

/// Cell places as runs of consecutive rows per sheet and column: `考勤!A300–A319, 巡查!A4`.
pub(super) fn ranges(places: &[&str]) -> String {
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
pub(super) fn all_out_of_period(problems: &[InputProblem], period: Period) -> Option<InputProblem> {
    if problems.len() < 2 || !problems.iter().all(|p| p.kind == ProblemKind::OutOfPeriod) {
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
        Some(q) if same_quarter => msg!("in-out-of-period-hint-quarter", quarter = q, window = window),
        _ => msg!("in-out-of-period-hint", window = window),
    };
    Some(InputProblem {
        expected: msg!(
            "in-out-of-period-cause",
            count = problems.len(),
            period = period,
            window = window,
            first = first,
            last = last,
            hint = hint
        ),
        kind: ProblemKind::Cause,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(place: &str, found: &str, expected: &str) -> InputProblem {
        InputProblem {
            file: "in.xlsx".into(),
            place: place.into(),
            found: Some(found.into()),
            expected: expected.into(),
            ..Default::default()
        }
    }

    #[test]
    fn many_rows_with_one_kind_of_error_in_one_column_are_one_line_a_few_are_not() {
        let late = "a date within 2026Q3 (the input period of this run)";
        let mut problems: Vec<InputProblem> = (2..=6).map(|r| p(&format!("考勤!B{r}"), "2026-11-02", late)).collect();
        problems.push(p("考勤!B9", "2026-11-03", late));
        // Another kind, and the same kind in another column: listed row by row.
        problems.push(p("考勤!C4", "休假", "a 状态"));
        problems.push(p("巡查!B2", "2026-11-02", late));
        let out = grouped_alike(problems);
        assert_eq!(out.len(), 3, "{out:?}");
        // Six rows, two runs; the values found once each, in order.
        assert_eq!(out[0].place, "考勤!B2");
        assert_eq!(
            out[0].expected,
            format!("6 rows (考勤!B2–B6, 考勤!B9): found \"2026-11-02\", \"2026-11-03\"; expected {late}")
        );
        assert_eq!(rows_of_test(&out[0]), 6);
        assert_eq!((out[1].place.as_str(), out[2].place.as_str()), ("考勤!C4", "巡查!B2"));
    }

    fn rows_of_test(p: &InputProblem) -> usize {
        // As the error list counts it (problem.rs): the count the grouped line states.
        let errors = InputErrors(vec![p.clone()]);
        errors
            .to_string()
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}
