//! Checks of `[[pay]]`: each pay rule's id, periods and roles; its one amount (by grade, per
//! event, parameter bands, a subsidy, a pool, an item's value, a grade's parameter) is checked
//! by its own module in `payment/`.
use super::items::RoleResolver;
use super::model::*;
use super::raw::*;
use crate::columns;
use crate::payment::{CheckCx, PayAmount, Written};
use crate::period::PeriodKind;
use crate::positioned::{one_of, period_kind, Checker, Name};
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
    let grades: Option<Vec<String>> = scope.grading.map(Grading::grades);
    let vetoed_grade = scope.grading.map(|g| g.vetoed_grade.clone()).unwrap_or_default();
    let type_levels: Vec<&[String]> = scope.event_types.iter().map(|t| t.levels.as_slice()).collect();
    let mut pay: Vec<PayRule> = Vec::new();
    // The rules built so far, as a pool names them (by their index in `pay`).
    let mut earlier: Vec<(String, Vec<PeriodKind>)> = Vec::new();
    let mut ids = HashSet::new();
    for p in raw {
        if !ids.insert(p.id.get_ref().clone()) {
            c.at(&p.id, msg!("rs-pay-declared-twice", id = p.id.get_ref()));
        }
        if columns::PAYOUTS.contains(&p.id.get_ref().as_str()) {
            let one_of = one_of(&columns::PAYOUTS);
            c.at(
                &p.id,
                msg!("rs-pay-id-column-payouts-csv", id = p.id.get_ref(), one_of = one_of),
            );
        }
        let periods: Vec<PeriodKind> = p.periods.iter().filter_map(|n| period_kind(c, n)).collect();
        for (pk, n) in periods.iter().zip(&p.periods) {
            if !scope.meta.periods.contains(pk) {
                c.at(
                    n,
                    msg!("rs-pay-runs-but-scheme-does", id = p.id.get_ref(), pk = pk.name()),
                );
            }
        }
        let roles = (scope.resolve_roles)(c, &p.roles);
        let written = Written {
            by_grade: p.by_grade.as_ref(),
            per_event: p.per_event.as_ref(),
            param_bands: p.param_bands.as_ref(),
            subsidy: p.subsidy.as_ref(),
            pool: p.pool.as_ref(),
            item: p.item.as_ref(),
            grade_param: p.grade_param.as_ref(),
        };
        let mut cx = CheckCx {
            c,
            id: &p.id,
            periods: &periods,
            grades: grades.as_deref(),
            vetoed_grade: &vetoed_grade,
            measure: scope.measure,
            measures: scope.measures,
            type_levels: &type_levels,
            items: scope.seen_items,
            earlier: &earlier,
        };
        let Some(amount) = PayAmount::check(&written, &mut cx) else {
            continue;
        };
        earlier.push((p.id.get_ref().clone(), periods.clone()));
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
