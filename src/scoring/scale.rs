//! `scale`: points in proportion to a rate, `points × rate`, rounded half up (away from zero)
//! to `dp` places (default 2).
//!
//! ```toml
//! scale = { measure = "satisfied_rate", points = "100", dp = 2 }
//! ```
//! The measure is a `survey_rate`, a `ratio` (traced as the document's 按比例: `10 × 18/22 =
//! 8.18`) or an `indicator` (a given number with `points = "1"` is the number itself).
use super::{CheckCx, Facts, Trail};
use crate::measure::indicator::IndicatorMode;
use crate::measure::{MeasureKind, Value};
use crate::num::Dec;
use crate::positioned::Name;
use crate::trace::Said;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub measure: Name,
    pub points: Dec,
    #[serde(default = "two")]
    pub dp: u32,
}

fn two() -> u32 {
    2
}

/// Points in proportion to a rate (满意率 × 100).
#[derive(Debug, Clone)]
pub struct Scale {
    pub measure: usize,
    pub points: Decimal,
    /// Decimal places kept, rounding half up.
    pub dp: u32,
}

/// A rate (or a given number), at most the item's `max`, at most 10 places.
pub fn check(sc: &Raw, cx: &mut CheckCx) -> Scale {
    let mi = (cx.measure)(cx.c, &sc.measure);
    let rate_like = match cx.measures.get(mi).map(|m| &m.kind) {
        Some(MeasureKind::SurveyRate(_) | MeasureKind::Ratio(_)) => true,
        Some(MeasureKind::Indicator(i)) => i.mode != IndicatorMode::Count,
        _ => false,
    };
    if !rate_like {
        cx.c.at(&sc.measure, msg!("rs-scale-scores-rate-given-number"));
    }
    if let Some(m) = cx.max {
        if sc.points.0 > m {
            cx.c.at(
                &sc.measure,
                msg!("rs-scale-points-exceed-item-s", value = sc.points.0, m = m),
            );
        }
    }
    if sc.dp > 10 {
        cx.c.at(&sc.measure, msg!("rs-dp-keeps-most-decimal-places"));
    }
    Scale {
        measure: mi,
        points: sc.points.0,
        dp: sc.dp.min(10),
    }
}

impl Scale {
    /// `points × rate`, rounded half up (away from zero) to the scale's places.
    pub fn points_of(&self, rate: Decimal) -> Decimal {
        (self.points * rate).round_dp_with_strategy(self.dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }

    pub(super) fn score(&self, f: &Facts, trail: &mut Trail) -> Decimal {
        let (reading, sources) = f.reading(self.measure);
        let rate = reading.value;
        let points = self.points_of(rate);
        let measure = &f.measures[self.measure];
        let label = crate::trace::label(&measure.label);
        let said = match (&measure.kind, &f.values[self.measure]) {
            // A computed rate reads as the document's 按比例: 10 × 18/22 = 8.18.
            (MeasureKind::Ratio(_), Value::Rate { yes, answered, .. }) if !answered.is_zero() => Said::ScaleRatio {
                label,
                full: self.points,
                done: *yes,
                required: *answered,
                points,
            },
            (MeasureKind::Ratio(_), _) => Said::ScaleNothingRequired { label, points },
            _ => Said::Scale {
                label,
                reading,
                full: self.points,
                points,
            },
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

    #[test]
    fn a_scale_rounds_half_away_from_zero_to_its_places() {
        let sc = Scale {
            measure: 0,
            points: d("10"),
            dp: 2,
        };
        // 10 × 18/22 = 8.1818… → 8.18; 10 × 0.12345 = 1.2345 → 1.23; 10 × 0.0625 = 0.625 → 0.63
        // (half away from zero, not to even: banker's rounding would give 0.62).
        assert_eq!(sc.points_of(d("18") / d("22")), d("8.18"));
        assert_eq!(sc.points_of(d("0.12345")), d("1.23"));
        assert_eq!(sc.points_of(d("0.0625")), d("0.63"));
        let whole = Scale { dp: 0, ..sc };
        // 10 × 0.85 = 8.5 → 9 at no places.
        assert_eq!(whole.points_of(d("0.85")), d("9"));
    }
}
