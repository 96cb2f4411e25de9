//! Veto tests (一票否决): what vetoes one subject whatever its points.
//!
//! Every test is one file of this folder holding its checks, its test of a scored subject and
//! its unit tests; [`Test`] below is the one place that names them all. A `[[veto]]` carries
//! exactly one, and the key it is written under says which: `measure` (a measure reaching
//! `at_least`) or `total_below` (a total under a line). What a veto does once it is raised — the
//! vetoed grade, withheld pay, the committee's 确认否决 / 撤销否决 — is the engine's and the
//! grading's. Adding a test is a file here, a variant of [`Test`] and its key on [`Raw`].
//!
//! A leaf below the rule set and the engine, like `measure/`, `scoring/` and `payment/`: the
//! rules check a test through [`check`], the engine tests a subject through [`Facts`], and it
//! imports neither.
pub mod measure;
pub mod total_below;

use crate::measure::Value;
use crate::num::Dec;
use crate::positioned::{Checker, Name};
use crate::trace::Source;
use rust_decimal::Decimal;
use serde::Deserialize;

/// A `[[veto]]` table as written.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub id: Name,
    pub label: String,
    /// The `measure` test: the measure, and the total it must reach (default 1).
    pub measure: Option<Name>,
    pub at_least: Option<Dec>,
    /// The `total_below` test: the line the total must stay at or above.
    pub total_below: Option<Dec>,
    /// The veto takes effect only once the committee confirms it (经集体讨论认定): a 确认否决
    /// row of the 决定 sheet. Until then the worker is graded as not vetoed, shown as 待确认,
    /// and its pay held.
    #[serde(default)]
    pub confirm: bool,
}

/// A checked veto.
#[derive(Debug, Clone)]
pub struct Veto {
    pub id: String,
    pub label: String,
    pub test: Test,
    /// Held for the committee's 确认否决 before it takes effect.
    pub confirm: bool,
}

/// What raises a veto.
#[derive(Debug, Clone)]
pub enum Test {
    Measure(measure::AtLeast),
    TotalBelow(total_below::TotalBelow),
}

/// Checks one veto: exactly one test, and no key of the other. `measure` resolves a measure's
/// name to its index (a problem at the name when there is none).
pub fn check(c: &mut Checker, v: &Raw, measure: &dyn Fn(&mut Checker, &Name) -> usize) -> Veto {
    let test = match (&v.measure, &v.total_below) {
        (Some(m), None) => Test::Measure(measure::check(c, m, v.at_least.as_ref(), measure)),
        (None, Some(t)) => {
            if v.at_least.is_some() {
                // `at_least` belongs to a measure; beside a total line it would be ignored.
                c.at(&v.id, msg!("rs-veto-at-least-needs-measure", id = v.id.get_ref()));
            }
            Test::TotalBelow(total_below::TotalBelow { limit: t.0 })
        }
        _ => {
            c.at(&v.id, msg!("rs-veto-takes-either-measure-optional"));
            Test::TotalBelow(total_below::TotalBelow { limit: Decimal::ZERO })
        }
    };
    Veto {
        id: v.id.get_ref().clone(),
        label: v.label.clone(),
        test,
        confirm: v.confirm,
    }
}

/// What a test may consult of one scored subject.
pub struct Facts<'a> {
    /// The subject's measures, by measure index.
    pub measures: &'a [Value],
    /// Its total after the committee's 调整.
    pub total: Decimal,
}

/// A raised veto: the number that raised it (the measure's total, or the total score) and the
/// source rows behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub count: Decimal,
    pub sources: Vec<Source>,
}

impl Test {
    /// The hit, when this test vetoes the subject.
    pub fn hit(&self, f: &Facts) -> Option<Hit> {
        match self {
            Test::Measure(t) => t.hit(f),
            Test::TotalBelow(t) => t.hit(f),
        }
    }

    /// The measure the test reads, if any (the sample generator writes its events apart).
    pub fn measure(&self) -> Option<usize> {
        match self {
            Test::Measure(t) => Some(t.measure),
            Test::TotalBelow(_) => None,
        }
    }
}
