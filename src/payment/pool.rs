//! `pool`: what a pay rule above it withheld from everyone (due − paid), shared equally among
//! the subjects of `grade`, to the fen; the remainder fen go one each to the highest ranked.
//!
//! ```toml
//! pool = { from = "subsidy", grade = "优秀" }
//! ```
//! The sharing needs every subject's other pay, so the engine does it once all are paid
//! (engine/pay.rs `share_pool`); this module holds the shape and its checks.
use super::CheckCx;
use crate::positioned::Name;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub from: Name,
    pub grade: String,
}

#[derive(Debug, Clone)]
pub struct Pool {
    /// The pay rule whose withheld amounts it shares, by index.
    pub from: usize,
    pub grade: String,
}

/// A grade the grading gives, and a rule above this one paying in the same runs.
pub fn check(pool: &Raw, cx: &mut CheckCx) -> Pool {
    let id = cx.id;
    cx.known_grade(id, &pool.grade);
    // The pool shares what an earlier rule of the same runs withheld.
    let from = cx.earlier.iter().position(|(id, _)| id == pool.from.get_ref());
    match from {
        None => cx.c.at(
            &pool.from,
            msg!("rs-pool-from-must-name-pay", from = pool.from.get_ref()),
        ),
        Some(f) if cx.earlier[f].1 != cx.periods => cx.c.at(&pool.from, msg!("rs-pool-pay-rule-shares-must")),
        Some(_) => {}
    }
    Pool {
        from: from.unwrap_or_default(),
        grade: pool.grade.clone(),
    }
}
