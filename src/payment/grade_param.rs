//! `grade_param`: pays the subjects of one grade the amount a 参数 row of the run sets
//! (奖励金额由镇党委决定), at most `at_most` when the document bounds it.
//!
//! ```toml
//! grade_param = { grade = "优秀", param = "优秀奖励", at_most = "2000" }
//! ```
//! Traced as `优秀: 优秀奖励 = 1,500.00元`, its source the 参数 row. The row is read and checked
//! (yuan, to the fen, within `at_most`) before anyone is paid, and only when someone of the
//! grade is paid by the rule.
use super::{CheckCx, Due, Facts};
use crate::num::Dec;
use crate::positioned::non_negative;
use crate::trace::Said;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub grade: String,
    pub param: String,
    /// The most the amount may be (奖励金额由镇党委决定, up to a ceiling).
    pub at_most: Option<Dec>,
}

#[derive(Debug, Clone)]
pub struct GradeParam {
    pub grade: String,
    pub param: String,
    /// The most the parameter may set, when the document bounds it.
    pub at_most: Option<Decimal>,
}

/// A grade the grading gives, and a ceiling that is not negative.
pub fn check(gp: &Raw, cx: &mut CheckCx) -> GradeParam {
    let id = cx.id;
    cx.known_grade(id, &gp.grade);
    if let Some(m) = &gp.at_most {
        non_negative(cx.c, id, m, "`at_most`");
    }
    GradeParam {
        grade: gp.grade.clone(),
        param: gp.param.clone(),
        at_most: gp.at_most.as_ref().map(|d| d.0),
    }
}

impl GradeParam {
    pub(super) fn due(&self, f: &Facts) -> Due {
        match (
            f.grade == Some(self.grade.as_str()),
            f.params.get(&self.param).cloned().flatten(),
        ) {
            (true, Some((v, src))) => Due {
                amount: v,
                said: Said::PayGradeParam {
                    grade: self.grade.clone(),
                    param: self.param.clone(),
                    amount: v,
                },
                count: Decimal::ONE,
                sources: vec![src],
            },
            _ => Due::NOTHING,
        }
    }
}
