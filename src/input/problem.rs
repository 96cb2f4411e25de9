//! Input errors: each names the file, the sheet and cell, the value found and what was
//! expected. A run collects all of them, reports them, and writes nothing.
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputProblem {
    pub file: String,
    /// `考勤!C17`, a sheet name, or empty for a whole-file problem.
    pub place: String,
    pub found: Option<String>,
    pub expected: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            write!(f, "{}: ", self.file)?;
        } else {
            write!(f, "{} ({}): ", self.place, self.file)?;
        }
        match &self.found {
            Some(v) => write!(f, "found \"{}\", expected {}", super::cell::escaped(v), self.expected),
            None => write!(f, "{}", self.expected),
        }
    }
}

/// All the problems of one run, reported together.
#[derive(Debug, thiserror::Error)]
pub struct InputErrors(pub Vec<InputProblem>);

/// How many problems are listed one by one; the rest are summarised.
pub const LISTED: usize = 200;

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} input error{}; nothing was written:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.0.iter().take(LISTED) {
            write!(f, "\n  {p}")?;
        }
        if n > LISTED {
            let mut by_place: std::collections::BTreeMap<String, usize> = Default::default();
            for p in &self.0[LISTED..] {
                let sheet = p.place.split('!').next().unwrap_or("").to_string();
                *by_place.entry(format!("{} {}", p.file, sheet)).or_default() += 1;
            }
            write!(f, "\n  … and {} more:", n - LISTED)?;
            for (k, c) in by_place {
                write!(f, "\n    {c} in {k}")?;
            }
        }
        Ok(())
    }
}
