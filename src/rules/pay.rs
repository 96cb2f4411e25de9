//! Checks of `[[pay]]`: each pay rule's periods, roles and its one amount (by grade, per
//! event, parameter bands, a subsidy, a pool, an item's value, a grade's parameter).
use super::items::RoleResolver;
use super::model::*;
use super::raw::*;
use crate::columns;
use crate::period::PeriodKind;
use crate::positioned::{non_negative, one_of, period_kind, Checker, Name};
use crate::scoring::lines::{levels_of, rate};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// What a pay rule may name: the declarations checked before it.
pub(super) struct PayScope<'a> {
    pub meta: &'a Meta,
    pub grading: Option<&'a Grading>,
    pub resolve_roles: &'a RoleResolver<'a>,
    pub measure: &'a dyn Fn(&mut Checker, &Name) -> usize,
    pub measures: &'a [Measure],
    pub event_types: &'a [EventType],
    pub seen_items: &'a HashSet<String>,
}

pub(super) fn pay_rules(c: &mut Checker, raw: &[RawPay], scope: &PayScope) -> Vec<PayRule> {
    let PayScope {
        meta,
        grading,
        resolve_roles,
        measure,
        measures,
        event_types,
        seen_items,
    } = *scope;
    let grades: Vec<String> = grading.map(Grading::grades).unwrap_or_default();
    let mut pay = Vec::new();
    let mut pay_ids = HashSet::new();
    for p in raw {
        if !pay_ids.insert(p.id.get_ref().clone()) {
            c.at(&p.id, msg!("rs-pay-declared-twice", id = p.id.get_ref()));
        }
        if columns::PAYOUTS.contains(&p.id.get_ref().as_str()) {
            c.at(
                &p.id,
                msg!(
                    "rs-pay-id-column-payouts-csv",
                    id = p.id.get_ref(),
                    one_of = one_of(&columns::PAYOUTS)
                ),
            );
        }
        let periods: Vec<PeriodKind> = p.periods.iter().filter_map(|n| period_kind(c, n)).collect();
        for (pk, n) in periods.iter().zip(&p.periods) {
            if !meta.periods.contains(pk) {
                c.at(
                    n,
                    msg!("rs-pay-runs-but-scheme-does", id = p.id.get_ref(), pk = pk.name()),
                );
            }
        }
        let roles = resolve_roles(c, &p.roles);
        let chosen = [
            p.by_grade.is_some(),
            p.per_event.is_some(),
            p.param_bands.is_some(),
            p.subsidy.is_some(),
            p.pool.is_some(),
            p.item.is_some(),
            p.grade_param.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if chosen != 1 {
            c.at(&p.id, msg!("rs-pay-rule-takes-exactly-one"));
            continue;
        }
        let vetoed_grade = grading.as_ref().map(|g| g.vetoed_grade.clone()).unwrap_or_default();
        let known_grade = |c: &mut Checker, at: &Name, g: &str| {
            if !grades.iter().any(|x| x == g) && g != vetoed_grade {
                c.at(
                    at,
                    msg!(
                        "rs-pay-names-grade-which-grading",
                        at = at.get_ref(),
                        g = g,
                        list = grades.join(", ")
                    ),
                );
            }
        };
        let amount = if let Some(bg) = &p.by_grade {
            by_grade(c, p, bg, grading)
        } else if let Some(pe) = &p.per_event {
            let m = measure(c, &pe.measure);
            let levels = measures
                .get(m)
                .and_then(|mm| levels_of(mm, &|t: usize| event_types[t].levels.as_slice()));
            let rate = rate(c, &pe.measure, pe.each, pe.by_level.as_ref(), levels);
            PayAmount::PerEvent { measure: m, rate }
        } else if let Some(sub) = &p.subsidy {
            let mut by_grade = Vec::new();
            if let Some(bg) = &sub.by_grade {
                if grading.is_none() {
                    c.at(bg, msg!("rs-subsidy-grade-needs-grading-section"));
                }
                for (g, f) in bg.get_ref() {
                    known_grade(c, &p.id, g);
                    non_negative(c, bg, f, &msg!("rs-what-factor"));
                    by_grade.push((g.clone(), f.0));
                }
            }
            PayAmount::Subsidy {
                by_grade,
                otherwise: sub.otherwise.map_or(Decimal::ONE, |d| d.0),
                part_month: sub.part_month,
            }
        } else if let Some(pool) = &p.pool {
            known_grade(c, &p.id, &pool.grade);
            self::pool(c, pool, &pay, &periods)
        } else if let Some(gp) = &p.grade_param {
            known_grade(c, &p.id, &gp.grade);
            if let Some(m) = &gp.at_most {
                non_negative(c, &p.id, m, "`at_most`");
            }
            PayAmount::GradeParam {
                grade: gp.grade.clone(),
                param: gp.param.clone(),
                at_most: gp.at_most.as_ref().map(|d| d.0),
            }
        } else if let Some(path) = &p.item {
            if !seen_items.contains(path.get_ref()) {
                c.at(path, msg!("rs-pay-item-item-rule-set", path = path.get_ref()));
            }
            PayAmount::Item(path.get_ref().clone())
        } else if let Some(pb) = &p.param_bands {
            param_bands(c, pb)
        } else {
            continue;
        };
        pay.push(PayRule {
            id: p.id.get_ref().clone(),
            label: p.label.clone(),
            roles,
            periods,
            withheld_when_vetoed: p.withheld_when_vetoed,
            amount,
            part_period: p.part_period,
        });
    }
    pay
}

/// `by_grade`: an amount for each grade the grading gives (and, optionally, the vetoed grade).
fn by_grade(
    c: &mut Checker,
    p: &RawPay,
    bg: &toml::Spanned<std::collections::BTreeMap<String, crate::num::Dec>>,
    grading: Option<&Grading>,
) -> PayAmount {
    let grades: Vec<String> = grading.map(Grading::grades).unwrap_or_default();
    if grading.is_none() {
        c.at(bg, msg!("rs-pay-grade-needs-grading-section"));
    }
    for g in &grades {
        if !bg.get_ref().contains_key(g) {
            c.at(bg, msg!("rs-pay-has-amount-grade", id = p.id.get_ref(), g = g));
        }
    }
    let vetoed = grading.map(|g| g.vetoed_grade.clone()).unwrap_or_default();
    for (g, a) in bg.get_ref() {
        if !grades.contains(g) && *g != vetoed {
            c.at(
                bg,
                msg!(
                    "rs-pay-names-grade-which-grading-2",
                    id = p.id.get_ref(),
                    g = g,
                    list = grades.join(", ")
                ),
            );
        }
        non_negative(c, bg, a, &msg!("rs-what-amount"));
    }
    PayAmount::ByGrade(bg.get_ref().iter().map(|(g, a)| (g.clone(), a.0)).collect())
}

/// `pool`: what a pay rule above it withheld, shared among a grade, in the same periods.
fn pool(c: &mut Checker, pool: &RawPool, earlier: &[PayRule], periods: &[PeriodKind]) -> PayAmount {
    // The pool shares what an earlier rule of the same runs withheld.
    let from = earlier.iter().position(|r: &PayRule| r.id == *pool.from.get_ref());
    match from {
        None => c.at(
            &pool.from,
            msg!("rs-pool-from-must-name-pay", from = pool.from.get_ref()),
        ),
        Some(f) if earlier[f].periods != periods => c.at(&pool.from, msg!("rs-pool-pay-rule-shares-must")),
        Some(_) => {}
    }
    PayAmount::Pool {
        from: from.unwrap_or_default(),
        grade: pool.grade.clone(),
    }
}

/// `param_bands`: a 参数 value looked up in increasing, non-overlapping bands.
fn param_bands(c: &mut Checker, pb: &RawParamBands) -> PayAmount {
    let mut last: Option<Decimal> = None;
    for (from, to, amount) in pb.bands.get_ref() {
        if to.0 < from.0 || last.is_some_and(|l| from.0 <= l) {
            c.at(&pb.bands, msg!("rs-param-bands-must-from-amount"));
        }
        non_negative(c, &pb.bands, amount, &msg!("rs-what-amount"));
        last = Some(to.0);
    }
    if pb.value == super::model::ParamValue::Amount {
        c.at(&pb.bands, msg!("rs-param-bands-read-rank-count"));
    }
    PayAmount::ParamBands {
        param: pb.param.clone(),
        value: pb.value,
        bands: pb.bands.get_ref().iter().map(|(a, b, x)| (a.0, b.0, x.0)).collect(),
        otherwise: pb.otherwise.0,
    }
}
