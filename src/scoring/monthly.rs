//! `monthly`: a fixed amount a month by role, times a share, times the months of the period
//! the worker's 到岗–离岗 span covers in full (a subsidy's base part: 1630 × 70%), a month
//! covered in part paid as `part_month` says (docs/decisions.md D6.5).
//!
//! ```toml
//! monthly = { by_role = { rural = "500", community_fulltime = "1630" }, share = "0.7", part_month = "pro_rata" }
//! ```
//! Traced as `每月1630 × 0.7 × 3个月 = 3423`. A `score` item with it needs no `max`.
use super::{CheckCx, Facts, Trail};
use crate::in_post::{monthly_amount, PartMonth};
use crate::num::Dec;
use crate::positioned::{non_negative, Name};
use crate::trace::Said;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub by_role: Spanned<BTreeMap<String, Dec>>,
    pub share: Option<Dec>,
    /// `none` (default), `pro_rata` or `full`: how a month covered in part pays.
    #[serde(default)]
    pub part_month: PartMonth,
}

/// A fixed amount a month by role × share × the months of the period the worker's span covers.
#[derive(Debug, Clone)]
pub struct Monthly {
    /// By role index; `None` where the role has none.
    pub by_role: Vec<Option<Decimal>>,
    pub share: Decimal,
    /// How a month the worker's span covers only in part pays.
    pub part_month: PartMonth,
}

/// Declared roles, amounts and a share that are not negative.
pub fn check(f: &Raw, cx: &mut CheckCx) -> Monthly {
    let ids: Vec<Name> = f
        .by_role
        .get_ref()
        .keys()
        .map(|k| Spanned::new(f.by_role.span(), k.clone()))
        .collect();
    let resolved = (cx.roles)(cx.c, &Some(ids)).unwrap_or_default();
    let n = resolved.iter().max().map_or(0, |m| m + 1);
    let mut by_role = vec![None; n];
    for (ri, (_, amount)) in resolved.iter().zip(f.by_role.get_ref()) {
        non_negative(cx.c, &f.by_role, amount, &msg!("rs-what-amount"));
        by_role[*ri] = Some(amount.0);
    }
    let share = f.share.map_or(Decimal::ONE, |s| s.0);
    if share < Decimal::ZERO {
        cx.c.at(&f.by_role, msg!("rs-share-cannot-negative"));
    }
    Monthly {
        by_role,
        share,
        part_month: f.part_month,
    }
}

impl Monthly {
    pub(super) fn score(&self, f: &Facts, trail: &mut Trail) -> Decimal {
        let w = f.who;
        let base = self.by_role.get(w.role).copied().flatten().unwrap_or_default();
        let per_month = base * self.share;
        let (amount, months, full, parts) = monthly_amount(per_month, w.worker, w.run, self.part_month);
        let said = Said::Monthly(Box::new(crate::trace::Monthly {
            base,
            share: self.share,
            full_months: full,
            parts,
            amount,
        }));
        trail.push(said, months, amount, vec![]);
        amount
    }
}
