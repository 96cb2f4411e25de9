//! `per_event`: an amount per occurrence of a measure, `each` or by the occurrence's level.
//!
//! ```toml
//! per_event = { measure = "experience", by_level = { "市" = "200", "省" = "500" } }
//! ```
//! Traced as `经验推广 市1条、省2条 = 1,200.00元`, with the source rows.
use super::{CheckCx, Due, Facts};
use crate::num::Dec;
use crate::positioned::Name;
use crate::scoring::lines::{levels_of, rate, Rate};
use crate::trace::Said;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub measure: Name,
    pub each: Option<Dec>,
    pub by_level: Option<Spanned<BTreeMap<String, Dec>>>,
}

#[derive(Debug, Clone)]
pub struct PerEvent {
    /// The measure whose occurrences it pays (kept for pay once its worker is scored).
    pub measure: usize,
    pub rate: Rate,
}

/// A measure, and a rate as a deduct or add line's (`each`, or `by_level` over the levels its
/// event types declare).
pub fn check(pe: &Raw, cx: &mut CheckCx) -> PerEvent {
    let m = (cx.measure)(cx.c, &pe.measure);
    let levels = cx.measures.get(m).and_then(|mm| levels_of(mm, cx.type_levels));
    let rate = rate(cx.c, &pe.measure, pe.each, pe.by_level.as_ref(), levels);
    PerEvent { measure: m, rate }
}

impl PerEvent {
    pub(super) fn due(&self, f: &Facts) -> Due {
        let val = &f.values[self.measure];
        let occs = val.occurrences();
        if occs.is_empty() {
            return Due::NOTHING;
        }
        let a: Decimal = occs.iter().map(|o| o.amount * self.rate.of(o)).sum();
        let mut by_level: BTreeMap<String, Decimal> = BTreeMap::new();
        for o in occs {
            *by_level.entry(o.level.clone().unwrap_or_default()).or_default() += o.amount;
        }
        Due {
            amount: a,
            said: Said::PayPerEvent {
                label: f.measures[self.measure].label.clone(),
                by_level: by_level.into_iter().collect(),
                amount: a,
            },
            count: val.total(),
            sources: occs.iter().map(|o| o.source.clone()).collect(),
        }
    }
}
