//! Pay kinds: how a `[[pay]]` rule finds one subject's amount.
//!
//! Every kind is one file of this folder holding its TOML shape (`Raw`, read by serde with
//! `deny_unknown_fields`), its checks, its computation with what its trace says (a `Said`), and its
//! tests; [`PayAmount`] below is the one place that names them all. A rule carries exactly one,
//! and the key it is written under says which: `by_grade`, `per_event`, `param_bands`,
//! `subsidy`, `pool`, `item` or `grade_param`. What every rule does around its amount — its
//! roles and periods, a part period, rounding to the fen, withholding on a veto — is the
//! engine's (`engine/pay.rs`), and so is sharing a pool once everyone else is paid. Adding a
//! kind is a file here, a variant and a key of [`Written`], and the key on `RawPay`.
//!
//! A leaf below the rule set and the engine, like `measure/` and `scoring/`: the rules check a
//! kind through [`CheckCx`], the engine pays it through [`Facts`], and it imports neither.
pub mod by_grade;
pub mod grade_param;
pub mod item;
pub mod param_bands;
pub mod per_event;
pub mod pool;
pub mod subsidy;

use crate::contract::ParamValue;
use crate::input::records::Worker;
use crate::measure::{Measure, Value};
use crate::period::{Period, PeriodKind};
use crate::positioned::{Checker, Name};
use crate::trace::Source;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};

/// A pay rule's amount, with its checked parameters.
#[derive(Debug, Clone)]
pub enum PayAmount {
    ByGrade(by_grade::ByGrade),
    PerEvent(per_event::PerEvent),
    ParamBands(param_bands::ParamBands),
    Subsidy(subsidy::Subsidy),
    Pool(pool::Pool),
    Item(item::ItemValue),
    GradeParam(grade_param::GradeParam),
}

/// The amount keys of one pay rule as written, each read by its kind's module.
pub struct Written<'a> {
    pub by_grade: Option<&'a by_grade::Raw>,
    pub per_event: Option<&'a per_event::Raw>,
    pub param_bands: Option<&'a param_bands::Raw>,
    pub subsidy: Option<&'a subsidy::Raw>,
    pub pool: Option<&'a pool::Raw>,
    pub item: Option<&'a item::Raw>,
    pub grade_param: Option<&'a grade_param::Raw>,
}

/// What a pay kind's checks may consult: the rule and the declarations before it.
pub struct CheckCx<'a> {
    pub c: &'a mut Checker,
    /// The rule's id, where a problem of the rule as a whole is said.
    pub id: &'a Name,
    /// The runs the rule pays in.
    pub periods: &'a [PeriodKind],
    /// The grades the grading gives (`None` without a `[grading]`), and its vetoed grade.
    pub grades: Option<&'a [String]>,
    pub vetoed_grade: &'a str,
    /// A measure by name, its index (a problem at the name when there is none).
    pub measure: &'a dyn Fn(&mut Checker, &Name) -> usize,
    pub measures: &'a [Measure],
    /// The levels (级别) each event type declares, by type index.
    pub type_levels: &'a [&'a [String]],
    /// Every item path of the rule set.
    pub items: &'a HashSet<String>,
    /// The pay rules above this one: their ids and the runs they pay in.
    pub earlier: &'a [(String, Vec<PeriodKind>)],
}

impl CheckCx<'_> {
    /// A problem at `at` when `g` is neither a grade of the grading nor its vetoed grade.
    fn known_grade(&mut self, at: &Name, g: &str) {
        let grades = self.grades.unwrap_or_default();
        if !grades.iter().any(|x| x == g) && g != self.vetoed_grade {
            let list = grades.join(", ");
            self.c.at(
                at,
                msg!(
                    "rs-pay-names-grade-which-grading",
                    at = at.get_ref(),
                    g = g,
                    list = list
                ),
            );
        }
    }
}

impl PayAmount {
    /// Reads the one amount a rule carries; `None` (with a problem at the rule's id) when it
    /// carries none or more than one.
    pub fn check(w: &Written, cx: &mut CheckCx) -> Option<PayAmount> {
        let given = [
            w.by_grade.is_some(),
            w.per_event.is_some(),
            w.param_bands.is_some(),
            w.subsidy.is_some(),
            w.pool.is_some(),
            w.item.is_some(),
            w.grade_param.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            cx.c.at(cx.id, msg!("rs-pay-rule-takes-exactly-one"));
            return None;
        }
        Some(if let Some(r) = w.by_grade {
            PayAmount::ByGrade(by_grade::check(r, cx))
        } else if let Some(r) = w.per_event {
            PayAmount::PerEvent(per_event::check(r, cx))
        } else if let Some(r) = w.subsidy {
            PayAmount::Subsidy(subsidy::check(r, cx))
        } else if let Some(r) = w.pool {
            PayAmount::Pool(pool::check(r, cx))
        } else if let Some(r) = w.grade_param {
            PayAmount::GradeParam(grade_param::check(r, cx))
        } else if let Some(r) = w.item {
            PayAmount::Item(item::check(r, cx))
        } else {
            PayAmount::ParamBands(param_bands::check(w.param_bands?, cx))
        })
    }

    /// What the rule finds for one subject, before a part period, rounding and withholding.
    pub fn due(&self, f: &Facts) -> Due {
        match self {
            PayAmount::ByGrade(k) => k.due(f),
            PayAmount::PerEvent(k) => k.due(f),
            PayAmount::ParamBands(k) => k.due(f),
            PayAmount::Subsidy(k) => k.due(f),
            // Shared after every worker's other pay is known (engine/pay.rs `share_pool`).
            PayAmount::Pool(_) => Due::NOTHING,
            PayAmount::Item(k) => k.due(f),
            PayAmount::GradeParam(k) => k.due(f),
        }
    }

    /// What the rule would pay with nothing withheld, when that is not what it pays (a subsidy
    /// at its full factor: a pool shares the difference).
    pub fn full(&self, f: &Facts) -> Option<Decimal> {
        match self {
            PayAmount::Subsidy(k) => Some(k.full(f)),
            _ => None,
        }
    }

    /// The 参数 row the rule reads, what its value must be, and the grade it pays (`None`: all
    /// it pays): its value is checked wherever the row is read (`input::checks`), and the row
    /// required only when someone is paid by it.
    pub fn param(&self) -> Option<ParamRead<'_>> {
        match self {
            PayAmount::ParamBands(k) => Some(ParamRead {
                name: &k.param,
                value: k.value,
                at_most: None,
                grade: None,
            }),
            PayAmount::GradeParam(k) => Some(ParamRead {
                name: &k.param,
                value: ParamValue::Amount,
                at_most: k.at_most,
                grade: Some(&k.grade),
            }),
            _ => None,
        }
    }
}

/// A 参数 row a pay rule reads.
pub struct ParamRead<'a> {
    pub name: &'a str,
    pub value: ParamValue,
    pub at_most: Option<Decimal>,
    pub grade: Option<&'a str>,
}

/// What a pay kind reads of one subject and the run.
pub struct Facts<'a> {
    pub worker: &'a Worker,
    pub period: Period,
    /// The subject's grade, once graded.
    pub grade: Option<&'a str>,
    /// The measures as declared, and the subject's values of those pay rules read (the
    /// others were let go once the subject was scored).
    pub measures: &'a [Measure],
    pub values: &'a [Value],
    /// Every item's path and label, and the subject's points (or yuan) of each, in order.
    pub items: &'a [(&'a str, &'a str)],
    pub item_values: &'a [Decimal],
    /// The run's 参数 values pay rules read, each with its row; `None` when it was not needed.
    pub params: &'a BTreeMap<String, Option<(Decimal, Source)>>,
}

/// What a rule finds for one subject: the amount, what the trace says of it, what was
/// counted, and the source rows.
pub struct Due {
    pub amount: Decimal,
    pub said: crate::trace::Said,
    pub count: Decimal,
    pub sources: Vec<Source>,
}

impl Due {
    /// Nothing due, and nothing to say.
    pub const NOTHING: Due = Due {
        amount: Decimal::ZERO,
        said: crate::trace::Said::Nothing,
        count: Decimal::ZERO,
        sources: Vec::new(),
    };
}

#[cfg(test)]
mod tests {
    use crate::positioned::keys_of;

    /// The README's reference block of `[[pay]]`, from the first rule to the block's end.
    fn readme_block() -> &'static str {
        let readme = include_str!("../../README.md");
        let at = readme
            .find("[[pay]]                       # one column")
            .unwrap_or(readme.len());
        let rest = &readme[at..];
        &rest[..rest.find("```").unwrap_or(rest.len())]
    }

    #[test]
    fn the_readme_shows_every_pay_kind_and_each_key_it_takes() {
        let block = readme_block();
        let kinds: [(&str, &[&str]); 7] = [
            ("by_grade", &[]),
            ("per_event", keys_of::<super::per_event::Raw>()),
            ("param_bands", keys_of::<super::param_bands::Raw>()),
            ("subsidy", keys_of::<super::subsidy::Raw>()),
            ("pool", keys_of::<super::pool::Raw>()),
            ("item", &[]),
            ("grade_param", keys_of::<super::grade_param::Raw>()),
        ];
        for (kind, keys) in kinds {
            let Some(line) = block.lines().find(|l| l.contains(&format!("{kind} = "))) else {
                panic!("the README's [[pay]] block does not show `{kind}`");
            };
            for key in keys {
                assert!(
                    line.contains(&format!("{key} = ")),
                    "the README's `{kind}` line does not show `{key}`: {line}"
                );
            }
        }
    }
}
