//! Input errors: each names the file, the sheet and cell, the value found and what was
//! expected. A run collects all of them, reports them, and writes nothing.
use std::fmt;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputProblem {
    pub file: String,
    /// `考勤!C17`, a sheet name, or empty for a whole-file problem.
    pub place: String,
    pub found: Option<String>,
    /// What the cell should hold, in the language in use.
    pub expected: String,
    /// What the grouping of causes and consequences needs to know, whatever the language.
    pub kind: ProblemKind,
    /// How many rows the problem stands for when it groups alike rows (0 or 1: itself).
    pub rows: usize,
}

impl InputProblem {
    /// No 参数 row `name` for `period`, which `needed_by` cannot do without.
    pub fn missing_param(name: &str, period: crate::period::Period, needed_by: &str) -> InputProblem {
        InputProblem {
            file: "参数".into(),
            place: "参数".into(),
            found: None,
            expected: msg!("par-missing", name = name, period = period, needed_by = needed_by),
            ..Default::default()
        }
    }
}

/// The problems the report groups or puts first ([`super::grouping`]); the rest are `Other`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    #[default]
    Other,
    /// A row naming a worker 编号 the roster does not have.
    UnknownWorker,
    /// A roster 编号 used a second time: the likeliest cause of unknown workers.
    DuplicateId,
    /// A row dated outside the run's input window.
    OutOfPeriod,
    /// The one line saying every dated row lies in another period: it stands for no row.
    Cause,
}

/// A place as a clerk reads down a sheet: the sheet, then the row as a number (考勤!B9 before
/// 考勤!B10 before 考勤!B100), then the column (A … Z, AA …).
fn place_key(place: &str) -> (&str, u64, usize, &str) {
    let Some((sheet, cell)) = place.split_once('!') else {
        return (place, 0, 0, "");
    };
    let letters = cell.bytes().take_while(u8::is_ascii_uppercase).count();
    let (col, row) = cell.split_at(letters);
    match row.parse::<u64>() {
        Ok(r) => (sheet, r, col.len(), col),
        Err(_) => (sheet, u64::MAX, 0, cell),
    }
}

impl Ord for InputProblem {
    /// By file, then sheet, row number and column, as the clerk will fix them.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (
            &self.file,
            place_key(&self.place),
            &self.place,
            &self.found,
            &self.expected,
        )
            .cmp(&(
                &other.file,
                place_key(&other.place),
                &other.place,
                &other.found,
                &other.expected,
            ))
    }
}

impl PartialOrd for InputProblem {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() && self.file.is_empty() {
        } else if self.place.is_empty() {
            write!(f, "{}: ", self.file)?;
        } else {
            write!(f, "{} ({}): ", self.place, self.file)?;
        }
        match &self.found {
            Some(v) => {
                let found = super::cell::escaped(v);
                write!(
                    f,
                    "{}",
                    msg!("in-found-expected", found = found, expected = &self.expected)
                )
            }
            None => write!(f, "{}", self.expected),
        }
    }
}

/// All the problems of one run, reported together.
#[derive(Debug, thiserror::Error)]
pub struct InputErrors(pub Vec<InputProblem>);

/// How many problems are listed one by one; the rest are summarised.
pub const LISTED: usize = 200;

/// How many rows a problem stands for: the count of one that groups alike rows
/// (`9810 rows (事件!D2–D9811): …`), else 1.
fn rows_of(p: &InputProblem) -> usize {
    p.rows.max(1)
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        // The cause line (every row in another period) stands for none of them.
        let rows: usize = self
            .0
            .iter()
            .filter(|p| p.kind != ProblemKind::Cause)
            .map(rows_of)
            .sum();
        use crate::i18n;
        if rows > n {
            let args = [("rows", rows.into()), ("lines", n.into())];
            write!(f, "{}", i18n::tr("input-errors-heading-lines", &args))?;
        } else {
            write!(f, "{}", i18n::tr("input-errors-heading", &[("count", n.into())]))?;
        }
        for p in self.0.iter().take(LISTED) {
            write!(f, "\n  {p}")?;
        }
        if n > LISTED {
            let mut by_place: std::collections::BTreeMap<String, usize> = Default::default();
            for p in &self.0[LISTED..] {
                let sheet = p.place.split('!').next().unwrap_or("").to_string();
                *by_place.entry(format!("{} {}", p.file, sheet)).or_default() += 1;
            }
            let more = crate::i18n::tr("input-errors-more", &[("count", (n - LISTED).into())]);
            write!(f, "\n  {more}")?;
            for (k, c) in by_place {
                write!(f, "\n    {}", msg!("input-errors-more-in", count = c, place = k))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(place: &str) -> InputProblem {
        InputProblem {
            file: "台账.xlsx".into(),
            place: place.into(),
            found: None,
            ..Default::default()
        }
    }

    #[test]
    fn problems_sort_by_sheet_then_row_number_then_column() {
        // Issue 17: errors sorted as text put B100 before B11.
        let mut v = [
            at("考勤!B100"),
            at("考勤!B10"),
            at("考勤!AA9"),
            at("考勤!B9"),
            at("事件!C2"),
            at("考勤"),
        ];
        v.sort();
        let places: Vec<&str> = v.iter().map(|p| p.place.as_str()).collect();
        assert_eq!(
            places,
            ["事件!C2", "考勤", "考勤!B9", "考勤!AA9", "考勤!B10", "考勤!B100"]
        );
    }

    #[test]
    fn more_than_200_lines_are_listed_to_200_then_summarised_by_sheet() {
        let errors = InputErrors((2..252).map(|r| at(&format!("考勤!B{r}"))).collect());
        let text = errors.to_string();
        // In either language the heading opens with the count.
        assert!(text.starts_with("250 "), "{text}");
        assert_eq!(text.matches("考勤!B").count(), 200, "200 listed one by one");
        assert!(
            text.contains(" 50 ") && text.contains(":\n    50 in 台账.xlsx 考勤"),
            "{text}"
        );
    }
}
