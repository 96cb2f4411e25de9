//! Item scorings: how a leaf item turns one worker's measures into points (or yuan).
//!
//! Every scoring is one file of this folder holding its TOML shape (`Raw`, read by serde with
//! `deny_unknown_fields`), its checks, its computation with the trace line it leaves, and its
//! tests; [`Scoring`] below is the one place that names them all. A leaf carries exactly one,
//! and the key it is written under says which: `tier = {…}`, `scale`, `monthly`,
//! `sum_of_runs`, or `deduct`/`add` lines. What every leaf does around its scoring (its
//! starting points, floor and maximum) is the engine's (`engine/item.rs`); adding a scoring is a
//! file here, a variant and a key of [`Written`], and the key on the rule set's `[[item]]`.
//!
//! A leaf below both the rule set and the engine, like `measure/`: the rules check a scoring
//! through [`CheckCx`] and the engine scores it through [`Facts`], and it imports neither.
pub mod lines;
pub mod monthly;
pub mod scale;
pub mod sum_of_runs;
pub mod tier;

use crate::contract::RoleId;
use crate::input::records::Worker;
use crate::measure::{Measure, MeasureKind, Value};
use crate::past::PastRun;
use crate::period::Period;
use crate::positioned::{Checker, Name};
use crate::trace::{Reading, ReadingHow, Said, Source, TraceLine, Unit};
use rust_decimal::Decimal;
use toml::Spanned;

/// How a leaf scores, with its checked parameters.
#[derive(Debug, Clone)]
pub enum Scoring {
    Tier(tier::Tier),
    Lines(lines::Lines),
    Scale(scale::Scale),
    Monthly(monthly::Monthly),
    SumOfRuns(sum_of_runs::SumOfRuns),
}

/// The scoring keys of one leaf as written (each read by its module's `Raw`), and the item's
/// `cap`, which only deduct lines use.
pub struct Written<'a> {
    pub tier: Option<&'a tier::Raw>,
    pub scale: Option<&'a scale::Raw>,
    pub monthly: Option<&'a monthly::Raw>,
    pub sum_of_runs: Option<&'a sum_of_runs::Raw>,
    pub deduct: Option<&'a [lines::Raw]>,
    pub add: Option<&'a [lines::Raw]>,
    pub cap: Option<&'a Spanned<crate::num::Dec>>,
}

/// Resolves a list of role ids to indices, naming unknown ones.
pub type RoleResolver<'a> = dyn Fn(&mut Checker, &Option<Vec<Name>>) -> Option<Vec<RoleId>> + 'a;

/// What a scoring's checks may consult: the item it scores and the declarations around it.
pub struct CheckCx<'a> {
    pub c: &'a mut Checker,
    /// The item's id, where a problem of the item as a whole is said, and its path
    /// (`daily.log`), which the message names.
    pub at: &'a Name,
    pub path: &'a str,
    /// The item's `max`: no tier or scale may give more.
    pub max: Option<Decimal>,
    /// A deduction item takes deduct lines only.
    pub deduction: bool,
    /// A measure by name, its index (a problem at the name when there is none).
    pub measure: &'a dyn Fn(&mut Checker, &Name) -> usize,
    pub roles: &'a RoleResolver<'a>,
    /// Every measure, by index.
    pub measures: &'a [Measure],
    /// The levels (级别) each event type declares, by type index.
    pub type_levels: &'a [&'a [String]],
}

impl Scoring {
    /// Reads the one scoring a leaf carries; `None` (with a problem at the item) when it
    /// carries none or more than one: deduct and add lines together are one.
    pub fn check(w: &Written, cx: &mut CheckCx) -> Option<Scoring> {
        let lines = w.deduct.is_some() || w.add.is_some();
        let given = [
            w.tier.is_some(),
            w.scale.is_some(),
            w.monthly.is_some(),
            w.sum_of_runs.is_some(),
            lines,
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            cx.c.at(cx.at, msg!("rs-leaf-item-needs-exactly-one", path = cx.path));
            return None;
        }
        if let Some(t) = w.tier {
            return Some(Scoring::Tier(tier::check(t, cx)));
        }
        if let Some(s) = w.scale {
            return Some(Scoring::Scale(scale::check(s, cx)));
        }
        if let Some(m) = w.monthly {
            return Some(Scoring::Monthly(monthly::check(m, cx)));
        }
        if let Some(s) = w.sum_of_runs {
            return Some(Scoring::SumOfRuns(sum_of_runs::check(s, cx)));
        }
        Some(Scoring::Lines(lines::check(
            w.deduct.unwrap_or_default(),
            w.add.unwrap_or_default(),
            w.cap,
            cx,
        )))
    }

    /// Scores one worker: the leaf's points from `start` (its `max` for a score item, 0
    /// otherwise, already scaled to a part of the period), each step traced in `trail`.
    pub fn score(&self, start: Decimal, f: &Facts, trail: &mut Trail) -> Decimal {
        match self {
            Scoring::Tier(t) => t.score(f, trail),
            Scoring::Lines(l) => l.score(start, f, trail),
            Scoring::Scale(s) => s.score(f, trail),
            Scoring::Monthly(m) => m.score(f, trail),
            Scoring::SumOfRuns(s) => s.score(f, trail),
        }
    }
}

/// Who a leaf is scored for: the worker, its role, the run, and the earlier runs.
#[derive(Clone, Copy)]
pub struct Who<'a> {
    pub role: RoleId,
    /// The worker (its 到岗–离岗 span, for monthly amounts).
    pub worker: &'a Worker,
    /// The run's period (an item may be scored in year runs only).
    pub run: Period,
    /// The subject's 编号, and the earlier runs (for sums over runs).
    pub id: &'a str,
    pub past: &'a [PastRun],
}

/// What a scoring reads: who is scored, the measures as declared and their values for them.
pub struct Facts<'a> {
    pub who: Who<'a>,
    pub measures: &'a [Measure],
    pub values: &'a [Value],
}

impl Facts<'_> {
    /// A rate measure's reading as the trace states it (its value, given or `yes/answered`, a
    /// number or a rate), and its sources.
    fn reading(&self, measure: usize) -> (Reading, Vec<Source>) {
        let number = matches!(
            &self.measures[measure].kind,
            MeasureKind::Indicator(i) if i.mode == crate::measure::indicator::IndicatorMode::Number
        );
        match &self.values[measure] {
            Value::Rate {
                rate,
                yes,
                answered,
                given,
                sources,
            } => {
                let how = if *given {
                    ReadingHow::Given
                } else {
                    ReadingHow::Of {
                        yes: *yes,
                        answered: *answered,
                    }
                };
                (
                    Reading {
                        value: *rate,
                        number,
                        how,
                    },
                    sources.clone(),
                )
            }
            Value::Occurrences(_) => (
                Reading {
                    value: Decimal::ZERO,
                    number,
                    how: ReadingHow::None,
                },
                vec![],
            ),
        }
    }
}

/// The trace lines of one item: each step of its scoring, under the item's path and label.
pub struct Trail<'a> {
    pub path: &'a str,
    pub label: &'a str,
    pub lines: &'a mut Vec<TraceLine>,
}

impl Trail<'_> {
    /// One step: the rule as the document states it, what was counted, the points it gives
    /// (signed) and the source rows.
    pub fn push(&mut self, said: Said, count: Decimal, value: Decimal, sources: Vec<Source>) {
        self.lines.push(TraceLine {
            item: crate::trace::label(self.path),
            item_label: crate::trace::label(self.label),
            said,
            count,
            value,
            // Set to yuan by the engine for a money scheme.
            unit: Unit::Points,
            sources,
        });
    }
}

#[cfg(test)]
mod tests {
    /// The README's bullet on each scoring (`- **tier**: …` up to the next bullet).
    fn readme_bullet(name: &str) -> String {
        let readme = include_str!("../../README.md");
        let start = format!("- **{name}**:");
        let Some(at) = readme.find(&start) else {
            return String::new();
        };
        let rest = &readme[at + start.len()..];
        let end = rest.find("\n- **").unwrap_or(rest.len());
        rest[..end].to_string()
    }

    #[test]
    fn the_readme_describes_every_scoring_and_each_key_it_takes() {
        let shapes: [(&str, &[&str]); 5] = [
            ("tier", crate::positioned::keys_of::<super::tier::Raw>()),
            ("scale", crate::positioned::keys_of::<super::scale::Raw>()),
            ("monthly", crate::positioned::keys_of::<super::monthly::Raw>()),
            ("sum_of_runs", crate::positioned::keys_of::<super::sum_of_runs::Raw>()),
            ("lines", crate::positioned::keys_of::<super::lines::Raw>()),
        ];
        for (name, keys) in shapes {
            let bullet = readme_bullet(name);
            assert!(!bullet.is_empty(), "the README has no `- **{name}**:` bullet");
            for key in keys {
                // Named in the prose (`per`) or written in its example (`per = "month"`).
                assert!(
                    bullet.contains(&format!("`{key}")) || bullet.contains(&format!("{key} = ")),
                    "the README's {name} bullet does not name `{key}`"
                );
            }
        }
    }

    #[test]
    fn the_keys_a_scoring_takes_are_those_its_shape_declares() {
        // A key that is not in the shape is refused by serde at its line and column.
        assert_eq!(
            crate::positioned::keys_of::<super::tier::Raw>(),
            &["measure", "at_least", "otherwise"][..]
        );
        assert_eq!(
            crate::positioned::keys_of::<super::sum_of_runs::Raw>(),
            &["per", "item"][..]
        );
    }
}
