//! `by_grade`: an amount for each grade the grading gives (and, optionally, the vetoed grade).
//!
//! ```toml
//! by_grade = { "优秀" = "1200", "合格" = "800", "不合格" = "0" }
//! ```
//! Traced as `等次 优秀 → 1,200.00元`.
use super::{CheckCx, Due, Facts};
use crate::num::Dec;
use crate::positioned::non_negative;
use crate::trace::Said;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use toml::Spanned;

/// Grade → amount, as written.
pub type Raw = Spanned<BTreeMap<String, Dec>>;

#[derive(Debug, Clone)]
pub struct ByGrade {
    pub amounts: Vec<(String, Decimal)>,
}

/// A `[grading]` to give the grades, an amount for each of them, none for a grade it does not
/// give, none negative.
pub fn check(bg: &Raw, cx: &mut CheckCx) -> ByGrade {
    if cx.grades.is_none() {
        cx.c.at(bg, msg!("rs-pay-grade-needs-grading-section"));
    }
    let grades = cx.grades.unwrap_or_default();
    for g in grades {
        if !bg.get_ref().contains_key(g) {
            cx.c.at(bg, msg!("rs-pay-has-amount-grade", id = cx.id.get_ref(), g = g));
        }
    }
    for (g, a) in bg.get_ref() {
        if !grades.contains(g) && g != cx.vetoed_grade {
            let list = grades.join(", ");
            cx.c.at(
                bg,
                msg!(
                    "rs-pay-names-grade-which-grading-2",
                    id = cx.id.get_ref(),
                    g = g,
                    list = list
                ),
            );
        }
        non_negative(cx.c, bg, a, &msg!("rs-what-amount"));
    }
    ByGrade {
        amounts: bg.get_ref().iter().map(|(g, a)| (g.clone(), a.0)).collect(),
    }
}

impl ByGrade {
    pub(super) fn due(&self, f: &Facts) -> Due {
        let g = f.grade.unwrap_or_default();
        let a = self
            .amounts
            .iter()
            .find(|(k, _)| k == g)
            .map_or(Decimal::ZERO, |(_, v)| *v);
        Due {
            amount: a,
            said: Said::PayByGrade {
                grade: g.to_string(),
                amount: a,
            },
            count: Decimal::ONE,
            sources: vec![],
        }
    }
}
