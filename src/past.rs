//! Earlier runs as a run reads them: what each gave each subject (grade, flags, the points of
//! items summed over runs), loaded from the archive and typed there, so a value that does not
//! read is refused when the run is loaded, never a 0 in a sum. A leaf: look-back flags
//! (engine) and sums over runs (scoring) read it, the archive writes it.
//!
//! Each run folder holds [`RESULTS`], what later runs read of it, by the rule set's ids: the
//! grade, the ids of the flags raised (not their labels, so a label reworded between runs
//! still matches), and the values of the items the rule set sums over runs, by path. A folder
//! written before it existed is read from its scores.csv instead (`archive::past_run`).
use crate::num::Dec;
use crate::period::Period;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The results file of a run folder.
pub const RESULTS: &str = "results.toml";

/// The version of [`Results`]' layout; a file of another is refused, naming both.
pub const RESULTS_FORMAT: u32 = 1;

/// [`RESULTS`] as written: what a run gave each subject, for the runs that look back on it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub format: u32,
    pub scheme: String,
    pub period: String,
    /// The item paths whose values each subject records (those the rule set sums over runs).
    pub items: Vec<String>,
    #[serde(default, rename = "subject")]
    pub subjects: Vec<ResultsSubject>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResultsSubject {
    pub id: String,
    /// Absent in a run that does not grade.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub grade: String,
    /// The ids of the flags raised; absent when none was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Path → value of each recorded item; absent when the run records none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, Dec>,
}

impl Results {
    /// The file's text: a comment saying what it is, then the table.
    pub fn to_text(&self) -> Result<String, toml::ser::Error> {
        let body = toml::to_string(self)?;
        Ok(format!(
            "# gridscore: what this run gave each subject, by the rule set's ids (grade, flag ids,\n\
             # the items summed over runs), for the later runs that look back on it.\n{body}"
        ))
    }

    /// Reads a results file as a run of `period`, needing the values of `summed`; `file` names
    /// it in messages. Every problem is said: another layout, scheme or period, an item that is
    /// not recorded.
    pub fn read(
        text: &str,
        file: &str,
        scheme: &str,
        period: Period,
        summed: &[String],
    ) -> Result<PastRun, Vec<String>> {
        let r: Results = toml::from_str(text).map_err(|e| vec![msg!("past-results-unreadable", file = file, e = e)])?;
        let mut problems = Vec::new();
        if r.format != RESULTS_FORMAT {
            problems.push(msg!(
                "past-results-format",
                file = file,
                found = r.format,
                expected = RESULTS_FORMAT
            ));
        }
        if r.scheme != scheme || r.period != period.to_string() {
            let found = format!("{} {}", r.scheme, r.period);
            let expected = format!("{scheme} {period}");
            problems.push(msg!(
                "past-results-other-run",
                file = file,
                found = found,
                expected = expected
            ));
        }
        for path in summed {
            if !r.items.contains(path) {
                problems.push(msg!(
                    "past-results-lacks-item",
                    file = file,
                    path = path,
                    kind = period.kind.name()
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let subjects = r
            .subjects
            .into_iter()
            .map(|s| {
                let values = s.values.into_iter().map(|(k, v)| (k, v.0)).collect();
                let subject = PastSubject {
                    grade: s.grade,
                    flags: s.flags,
                    values,
                };
                (s.id, subject)
            })
            .collect();
        Ok(PastRun { period, subjects })
    }
}

/// What earlier runs of the scheme gave each subject, for rules that look back.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub runs: Vec<PastRun>,
}

/// An earlier run as look-back rules read it: typed when it is loaded, so a value that does
/// not read is an error then, never a 0 in a sum.
#[derive(Debug, Clone)]
pub struct PastRun {
    pub period: Period,
    /// By subject 编号.
    pub subjects: BTreeMap<String, PastSubject>,
}

/// What one earlier run gave one subject.
#[derive(Debug, Clone, Default)]
pub struct PastSubject {
    pub grade: String,
    /// The ids of the flags raised (a scores.csv of a folder older than [`RESULTS`] records
    /// labels; they are read back to the ids of the flags that carry them now).
    pub flags: Vec<String>,
    /// The points (or yuan) of the items a rule sums over runs, by path; one that did not
    /// apply (a blank cell) is absent.
    pub values: BTreeMap<String, Decimal>,
}

impl PastRun {
    /// A subject's grade and flag ids in that run.
    pub fn grade_and_flags(&self, id: &str) -> Option<(String, Vec<String>)> {
        let s = self.subjects.get(id)?;
        Some((s.grade.clone(), s.flags.clone()))
    }
}
