//! How many problems a run shows, and in what order: a cause before its consequences. Rows
//! naming a worker not on the roster are one line per id with their rows as ranges, a 编号
//! used twice on the roster comes first with the ids it may have cost, and a ledger whose every
//! row lies in another period is said in one line.
use super::problem::InputProblem;
use super::*;

/// Rows naming a worker not on the roster, one line per id, with its rows as ranges
/// (`考勤!A300–A319, 巡查!A468–A490, …`) rather than one error a row; and a 编号 used twice on
/// the roster — the likeliest cause (the worker whose id was overwritten) — shown first, with
/// the ids it may have cost.
pub(super) fn grouped_unknown_workers(problems: Vec<InputProblem>) -> Vec<InputProblem> {
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
