//! `sum_of_runs`: the sum of an item over the earlier runs of `per` inside this run's period,
//! read from the archive like a look-back (a year-end reward accrued month by month).
//!
//! ```toml
//! sum_of_runs = { per = "month", item = "extra" }
//! ```
//! Traced as `extra 各期之和: 2026-07 10 + 2026-08 0 + 2026-09 5 = 15`. A missing run, or one
//! whose value for the item does not read, was refused when the run was loaded (archive.rs):
//! neither is ever summed as 0.
use super::{CheckCx, Facts, Trail};
use crate::past::PastRun;
use crate::period::PeriodKind;
use crate::positioned::{period_kind, Name};
use crate::trace::Said;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub per: Name,
    pub item: Name,
}

/// The sum of item `item` (a path) in the runs of `per` within this run's period.
#[derive(Debug, Clone)]
pub struct SumOfRuns {
    pub per: PeriodKind,
    pub item: String,
}

/// A period kind; the item summed is checked against the whole rule set (validate.rs), since
/// it may be declared after this one.
pub fn check(r: &Raw, cx: &mut CheckCx) -> SumOfRuns {
    SumOfRuns {
        per: period_kind(cx.c, &r.per).unwrap_or(PeriodKind::Month),
        item: r.item.get_ref().clone(),
    }
}

impl SumOfRuns {
    pub(super) fn score(&self, f: &Facts, trail: &mut Trail) -> Decimal {
        let w = f.who;
        let mut parts = Vec::new();
        let mut sum = Decimal::ZERO;
        let mut runs: Vec<&PastRun> = w
            .past
            .iter()
            .filter(|r| r.period.kind == self.per && w.run.contains(r.period.first_day()))
            .collect();
        runs.sort_by_key(|r| r.period);
        for r in runs {
            // Not on that run's roster, or the item did not apply: nothing (a value that did
            // not read was refused when the run was loaded).
            let v = r
                .subjects
                .get(w.id)
                .and_then(|s| s.values.get(&self.item))
                .copied()
                .unwrap_or_default();
            sum += v;
            parts.push((r.period, v));
        }
        let n = Decimal::from(parts.len());
        let said = Said::SumOfRuns {
            item: self.item.clone(),
            runs: parts,
            sum,
        };
        trail.push(said, n, sum, vec![]);
        sum
    }
}
