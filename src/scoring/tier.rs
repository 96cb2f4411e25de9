//! `tier`: the first threshold a rate meets gives its points, compared unrounded.
//!
//! ```toml
//! tier = { measure = "aware_rate", at_least = [["1", "10"], ["0.9", "8"], ["0.6", "2"]], otherwise = "0" }
//! ```
//! Traced as `知晓率 95% (19/20) ≥90% 得8`.
use super::{CheckCx, Facts, Trail};
use crate::num::Dec;
use crate::positioned::Name;
use crate::trace::{Said, TierBound};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub measure: Name,
    pub at_least: Spanned<Vec<(Dec, Dec)>>,
    pub otherwise: Dec,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub measure: usize,
    /// (threshold, points), highest threshold first; the first met gives its points.
    pub at_least: Vec<(Decimal, Decimal)>,
    pub otherwise: Decimal,
}

/// Thresholds listed highest first, and no tier above the item's `max`.
pub fn check(t: &Raw, cx: &mut CheckCx) -> Tier {
    let mut prev: Option<Decimal> = None;
    for (th, pts) in t.at_least.get_ref() {
        if prev.is_some_and(|p| th.0 >= p) {
            cx.c.at(&t.at_least, msg!("rs-tier-thresholds-must-listed-highest"));
        }
        if let Some(m) = cx.max {
            if pts.0 > m {
                cx.c.at(&t.at_least, msg!("rs-tier-points-exceed-item-s", value = pts.0, m = m));
            }
        }
        prev = Some(th.0);
    }
    Tier {
        measure: (cx.measure)(cx.c, &t.measure),
        at_least: t.at_least.get_ref().iter().map(|(a, b)| (a.0, b.0)).collect(),
        otherwise: t.otherwise.0,
    }
}

impl Tier {
    /// The tier `rate` falls in: its points and its bound.
    pub fn apply(&self, rate: Decimal) -> (Decimal, TierBound) {
        for (threshold, points) in &self.at_least {
            if rate >= *threshold {
                return (*points, TierBound::AtLeast(*threshold));
            }
        }
        let lowest = self.at_least.last().map(|(t, _)| *t).unwrap_or_default();
        (self.otherwise, TierBound::Below(lowest))
    }

    pub(super) fn score(&self, f: &Facts, trail: &mut Trail) -> Decimal {
        let (reading, sources) = f.reading(self.measure);
        let rate = reading.value;
        let (points, bound) = self.apply(rate);
        let said = Said::Tier {
            label: crate::trace::label(&f.measures[self.measure].label),
            reading,
            bound,
            points,
        };
        trail.push(said, rate, points, sources);
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn tier() -> Tier {
        Tier {
            measure: 0,
            at_least: vec![
                (d("1"), d("10")),
                (d("0.9"), d("8")),
                (d("0.8"), d("6")),
                (d("0.7"), d("4")),
                (d("0.6"), d("2")),
            ],
            otherwise: d("0"),
        }
    }

    #[test]
    fn tier_edges_are_inclusive_and_unrounded() {
        let t = tier();
        assert_eq!(t.apply(d("1")).0, d("10"));
        assert_eq!(t.apply(d("0.9")).0, d("8"), "exactly 90% is ≥90%");
        assert_eq!(t.apply(d("0.8999")).0, d("6"), "89.99% is not rounded up");
        assert_eq!(t.apply(Decimal::from(2) / Decimal::from(3)).0, d("2"));
        assert_eq!(t.apply(d("0.5999")).0, d("0"));
    }

    #[test]
    fn a_rate_below_every_threshold_says_the_lowest() {
        // 55% is below the lowest tier (60%): otherwise, 0.
        // Shown `<60% 得0` and `≥90% 得8` (output::said).
        assert_eq!(tier().apply(d("0.55")), (d("0"), TierBound::Below(d("0.6"))));
        assert_eq!(tier().apply(d("0.95")), (d("8"), TierBound::AtLeast(d("0.9"))));
    }
}
