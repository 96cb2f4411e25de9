//! Checks of `[grading]`: quota shares or score bands, the groups, tie-breakers and rounding.
use super::model::*;
use super::raw::*;
use crate::contract::ScopeField;
use crate::period::PeriodKind;
use crate::positioned::period_kind;
use crate::positioned::{one_of, Checker, Problem};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::ops::Range;

pub(super) fn grading(c: &mut Checker, g: &RawGrading, items: &[Item], scheme_periods: &[PeriodKind]) -> Grading {
    let periods = match &g.periods {
        Some(ps) => ps.iter().filter_map(|p| period_kind(c, p)).collect(),
        None => scheme_periods.to_vec(),
    };
    let scope = g
        .scope
        .iter()
        .filter_map(|s| {
            let f = ScopeField::parse(s.get_ref());
            if f.is_none() {
                c.at(
                    s,
                    msg!(
                        "rs-unknown-scope-expected",
                        value = s.get_ref(),
                        one_of = one_of(&["village", "role", "grid", "area"])
                    ),
                );
            }
            f
        })
        .collect();
    let tie_breakers = g
        .tie_breakers
        .iter()
        .filter_map(|t| {
            let i = items
                .iter()
                .position(|it| &it.id == t.get_ref() && it.kind == ItemKind::Score);
            if i.is_none() {
                let known: Vec<&str> = items
                    .iter()
                    .filter(|i| i.kind == ItemKind::Score)
                    .map(|i| i.id.as_str())
                    .collect();
                c.at(
                    t,
                    msg!(
                        "rs-tie-breaker-score-item-score",
                        value = t.get_ref(),
                        one_of = one_of(&known)
                    ),
                );
            }
            i
        })
        .collect();
    if g.rounding.get_ref() != "half_up" {
        c.at(&g.rounding, msg!("rs-quota-rounding-must-half-up"));
    }
    if g.ties.get_ref() != "higher_grade_and_report" {
        c.at(&g.ties, msg!("rs-ties-must-higher-grade-report"));
    }
    let mut names = HashSet::new();
    // A quota's grades are places a vetoed worker never takes; a band may be the vetoed grade
    // itself (<70 不合格, like a veto).
    let mut grade_name = |c: &mut Checker, at: Range<usize>, grade: &str, may_be_vetoed: bool| {
        if !names.insert(grade.to_string()) || (grade == g.vetoed_grade && !may_be_vetoed) {
            c.problems.push(Problem {
                span: Some(at),
                message: msg!("rs-grade-appears-twice", grade = grade),
            });
        }
    };
    let method = match (&g.quota, &g.bands) {
        (Some(quota), None) => {
            let q: Vec<QuotaShare> = quota
                .get_ref()
                .iter()
                .map(|q| QuotaShare {
                    grade: q.grade.clone(),
                    share: q.share.0,
                    count_param: q.count_param.clone(),
                })
                .collect();
            let total: Decimal = q.iter().map(|q| q.share).sum();
            if total != Decimal::ONE {
                c.at(quota, msg!("rs-quota-shares-add-up", total = total));
            }
            if q.iter().any(|q| q.share < Decimal::ZERO) {
                c.at(quota, msg!("rs-quota-share-cannot-negative"));
            }
            for x in &q {
                grade_name(c, quota.span(), &x.grade, false);
            }
            GradeMethod::Quota(q)
        }
        (None, Some(bands)) => {
            let list = bands.get_ref();
            let mut prev: Option<Decimal> = None;
            for (k, b) in list.iter().enumerate() {
                grade_name(c, bands.span(), &b.grade, true);
                match (b.at_least, k + 1 == list.len()) {
                    (Some(_), true) => c.at(bands, msg!("rs-last-band-takes-everything-below")),
                    (None, false) => c.at(bands, msg!("rs-band-needs-least-only-last", grade = b.grade)),
                    (Some(t), false) => {
                        if prev.is_some_and(|p| t.0 >= p) {
                            c.at(bands, msg!("rs-bands-must-listed-best-first"));
                        }
                        prev = Some(t.0);
                    }
                    (None, true) => {}
                }
                if let Some(sh) = b.max_share {
                    if sh.0 < Decimal::ZERO || sh.0 > Decimal::ONE {
                        c.at(bands, msg!("rs-band-s-max-share-share"));
                    }
                }
            }
            if list.len() < 2 {
                c.at(bands, msg!("rs-bands-need-least-two-grades"));
            }
            GradeMethod::Bands(
                list.iter()
                    .map(|b| Band {
                        grade: b.grade.clone(),
                        at_least: b.at_least.map(|d| d.0),
                        max_share: b.max_share.map(|d| d.0),
                    })
                    .collect(),
            )
        }
        _ => {
            c.at(&g.rounding, msg!("rs-grading-takes-exactly-one-quota"));
            GradeMethod::Quota(vec![])
        }
    };
    Grading {
        periods,
        vetoed_grade: g.vetoed_grade.clone(),
        scope,
        tie_breakers,
        method,
    }
}
