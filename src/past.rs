//! Earlier runs as a run reads them: what each gave each subject (grade, flags, the points of
//! items summed over runs), loaded from the archive and typed there, so a value that does not
//! read is refused when the run is loaded, never a 0 in a sum. A leaf: look-back flags
//! (engine) and sums over runs (scoring) read it, the archive writes it.
use crate::period::Period;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

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
    /// The labels of the flags raised (as that run's scores.csv records them).
    pub flags: Vec<String>,
    /// The points (or yuan) of the items a rule sums over runs, by path; one that did not
    /// apply (a blank cell) is absent.
    pub values: BTreeMap<String, Decimal>,
}

impl PastRun {
    /// A subject's grade and flag labels in that run.
    pub fn grade_and_flags(&self, id: &str) -> Option<(String, Vec<String>)> {
        let s = self.subjects.get(id)?;
        Some((s.grade.clone(), s.flags.clone()))
    }
}
