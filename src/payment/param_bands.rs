//! `param_bands`: a 参数 value of the run (县年度排名) looked up in inclusive bands, increasing
//! and not overlapping; `otherwise` outside them.
//!
//! ```toml
//! param_bands = { param = "县年度排名", value = "rank", bands = [["1", "3", "3000"], ["4", "10", "1500"]], otherwise = "0" }
//! ```
//! Traced as `县年度排名 = 2 → 3,000.00元`, its source the 参数 row. `value` says what the row
//! must hold — `rank` (a whole number from 1), `count` (from 0) or `number` (the default) — and
//! is checked at the 参数 cell, so that a rank of 3.5 is an error, never a band missed.
use super::{CheckCx, Due, Facts};
use crate::contract::ParamValue;
use crate::num::Dec;
use crate::positioned::non_negative;
use crate::trace::Said;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub param: String,
    /// What the parameter is: `rank` (a whole number from 1), `count` (from 0) or `number`.
    #[serde(default = "any_number")]
    pub value: ParamValue,
    pub bands: Spanned<Vec<(Dec, Dec, Dec)>>,
    pub otherwise: Dec,
}

fn any_number() -> ParamValue {
    ParamValue::Number
}

/// A 参数 value (a rank) looked up in inclusive bands (from, to, amount).
#[derive(Debug, Clone)]
pub struct ParamBands {
    pub param: String,
    /// What the parameter is (a rank, a count, a number).
    pub value: ParamValue,
    pub bands: Vec<(Decimal, Decimal, Decimal)>,
    pub otherwise: Decimal,
}

/// Bands in increasing order, each from ≤ to, not overlapping, amounts not negative; a value
/// that is a rank, a count or a number (an amount is what `grade_param` reads).
pub fn check(pb: &Raw, cx: &mut CheckCx) -> ParamBands {
    let mut last: Option<Decimal> = None;
    for (from, to, amount) in pb.bands.get_ref() {
        if to.0 < from.0 || last.is_some_and(|l| from.0 <= l) {
            cx.c.at(&pb.bands, msg!("rs-param-bands-must-from-amount"));
        }
        non_negative(cx.c, &pb.bands, amount, &msg!("rs-what-amount"));
        last = Some(to.0);
    }
    if pb.value == ParamValue::Amount {
        cx.c.at(&pb.bands, msg!("rs-param-bands-read-rank-count"));
    }
    ParamBands {
        param: pb.param.clone(),
        value: pb.value,
        bands: pb.bands.get_ref().iter().map(|(a, b, x)| (a.0, b.0, x.0)).collect(),
        otherwise: pb.otherwise.0,
    }
}

impl ParamBands {
    /// The band `v` falls in, its amount; `otherwise` outside every band.
    pub fn amount_at(&self, v: Decimal) -> Decimal {
        self.bands
            .iter()
            .find(|(from, to, _)| v >= *from && v <= *to)
            .map_or(self.otherwise, |(_, _, a)| *a)
    }

    pub(super) fn due(&self, f: &Facts) -> Due {
        let Some((v, src)) = f.params.get(&self.param).cloned().flatten() else {
            return Due::NOTHING;
        };
        let a = self.amount_at(v);
        Due {
            amount: a,
            said: Said::PayParamBands {
                param: self.param.clone(),
                value: v,
                amount: a,
            },
            count: v,
            sources: vec![src],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn a_value_is_paid_the_band_it_falls_in_edges_included() {
        let pb = ParamBands {
            param: "县年度排名".into(),
            value: ParamValue::Rank,
            bands: vec![(d("1"), d("3"), d("3000")), (d("4"), d("10"), d("1500"))],
            otherwise: d("0"),
        };
        // Ranks 1 and 3 are the first band's edges, 4 and 10 the second's; 11 is outside both.
        assert_eq!(pb.amount_at(d("1")), d("3000"));
        assert_eq!(pb.amount_at(d("3")), d("3000"));
        assert_eq!(pb.amount_at(d("4")), d("1500"));
        assert_eq!(pb.amount_at(d("10")), d("1500"));
        assert_eq!(pb.amount_at(d("11")), d("0"));
    }
}
