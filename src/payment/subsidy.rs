//! `subsidy`: the roster's 月补贴 × the months of the period the worker's 到岗–离岗 span covers
//! (a month covered in part as `part_month` says), times a factor by grade (不合格 70%).
//!
//! ```toml
//! subsidy = { by_grade = { "不合格" = "0.7" }, otherwise = "1", part_month = "pro_rata" }
//! ```
//! Traced as `月补贴600.00元 × 3个月 × 0.7 (不合格) = 1,260.00元`, its source the roster row. What
//! the factor keeps back is what a pool shares.
use super::{CheckCx, Due, Facts};
use crate::in_post::{monthly_amount, PartMonth};
use crate::num::{round_fen, Dec};
use crate::positioned::non_negative;
use crate::trace::Said;
use crate::trace::Source;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default)]
    pub by_grade: Option<Spanned<BTreeMap<String, Dec>>>,
    #[serde(default)]
    pub otherwise: Option<Dec>,
    /// `none` (default), `pro_rata` or `full`: how a month covered in part pays.
    #[serde(default)]
    pub part_month: PartMonth,
}

#[derive(Debug, Clone)]
pub struct Subsidy {
    /// The factor for a grade; `otherwise` for any other.
    pub by_grade: Vec<(String, Decimal)>,
    pub otherwise: Decimal,
    /// How a month the worker's span covers only in part pays.
    pub part_month: PartMonth,
}

/// Factors by a grade the grading gives, none negative; 1 for any other grade by default.
pub fn check(sub: &Raw, cx: &mut CheckCx) -> Subsidy {
    let mut by_grade = Vec::new();
    if let Some(bg) = &sub.by_grade {
        if cx.grades.is_none() {
            cx.c.at(bg, msg!("rs-subsidy-grade-needs-grading-section"));
        }
        for (g, f) in bg.get_ref() {
            let id = cx.id;
            cx.known_grade(id, g);
            non_negative(cx.c, bg, f, &msg!("rs-what-factor"));
            by_grade.push((g.clone(), f.0));
        }
    }
    Subsidy {
        by_grade,
        otherwise: sub.otherwise.map_or(Decimal::ONE, |d| d.0),
        part_month: sub.part_month,
    }
}

impl Subsidy {
    pub(super) fn due(&self, f: &Facts) -> Due {
        let w = f.worker;
        // A blank 月补贴 was refused while reading (input/checks.rs).
        let Some(monthly) = w.monthly_subsidy else {
            return Due::NOTHING;
        };
        let g = f.grade.unwrap_or_default();
        let factor = self
            .by_grade
            .iter()
            .find(|(k, _)| k == g)
            .map_or(self.otherwise, |(_, x)| *x);
        let (due, months, full, parts) = monthly_amount(monthly, w, f.period, self.part_month);
        let a = due * factor;
        Due {
            amount: a,
            said: Said::PaySubsidy(Box::new(crate::trace::Subsidy {
                monthly,
                full_months: full,
                parts,
                factor,
                grade: g.to_string(),
                amount: round_fen(a),
            })),
            count: months,
            sources: vec![Source::Row(w.src)],
        }
    }

    /// The subsidy at its full factor, to the fen.
    pub(super) fn full(&self, f: &Facts) -> Decimal {
        let w = f.worker;
        round_fen(monthly_amount(w.monthly_subsidy.unwrap_or_default(), w, f.period, self.part_month).0)
    }
}
