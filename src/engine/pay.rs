//! Pay: each pay rule of the run for each subject (by grade, per event, parameter bands, a
//! subsidy, an item's value, a grade's parameter), then pools shared among a grade. Every
//! amount is rounded to the fen (四舍五入); withheld amounts are traced with their reason.
use super::Scored;
use crate::in_post::{part_of_period, PartPeriod};
use crate::input::records::Param;
use crate::input::{InputProblem, Inputs};
use crate::num::{round_fen, show_money};
use crate::payment::Facts;
use crate::period::Period;
use crate::rules::{PayRule, RuleSet};
use crate::trace::{Said, Source, TraceLine, Unit, WithheldWhy};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Pays one subject every pay rule of the run: what the rule's kind finds (`payment/`), scaled
/// for a part period, to the fen, then withheld for one the roster says takes no reward or one
/// vetoed under a rule that withholds; each step traced.
pub(super) fn pay_worker(
    s: &mut Scored,
    inputs: &Inputs,
    rules: &RuleSet,
    (period, items): (Period, &[(&str, &str)]),
    pays: &[usize],
    params: &BTreeMap<String, Option<(Decimal, Source)>>,
) {
    let w = &inputs.workers[s.subject.worker];
    let vetoed = !s.subject.vetoes.is_empty();
    let mut total = Decimal::ZERO;
    for &pi in pays {
        let rule = &rules.pay[pi];
        if !RuleSet::applies(&rule.roles, w.role) {
            s.subject.pay.push(None);
            s.pay_full.push(Decimal::ZERO);
            continue;
        }
        let facts = Facts {
            worker: w,
            period,
            grade: s.subject.grade.as_deref(),
            measures: &rules.measures,
            values: &s.measures,
            items,
            item_values: &s.subject.values,
            params,
        };
        let due = rule.amount.due(&facts);
        let full = rule.amount.full(&facts);
        let (amount, said) = match rule.part_period {
            PartPeriod::FullMonths if !due.amount.is_zero() => match part_of_period(due.amount, w, period) {
                Some((scaled, how)) => (scaled, Said::PayScaled(Box::new((due.said, how)))),
                None => (due.amount, due.said),
            },
            _ => (due.amount, due.said),
        };
        let amount = round_fen(amount);
        // What the rule pays with nothing withheld: a subsidy at its full factor.
        s.pay_full.push(full.unwrap_or(amount));
        let withheld = if w.no_reward {
            Some(WithheldWhy::NoReward)
        } else if vetoed && rule.withheld_when_vetoed {
            Some(WithheldWhy::Vetoed)
        } else {
            None
        };
        let line = |said: Said, count, value, sources| TraceLine {
            item: crate::trace::label(&rule.id),
            item_label: crate::trace::label(&rule.label),
            said,
            count,
            value,
            unit: Unit::Yuan,
            sources,
        };
        let paid = match withheld {
            _ if amount.is_zero() => Decimal::ZERO,
            Some(why) => {
                let said = Said::Withheld { why, amount };
                s.subject.trace.push(line(said, Decimal::ZERO, Decimal::ZERO, vec![]));
                Decimal::ZERO
            }
            None => {
                s.subject.trace.push(line(said, due.count, amount, due.sources));
                amount
            }
        };
        s.subject.pay.push(Some(paid));
        total += paid;
    }
    s.subject.pay_total = total;
}

/// A pool: what pay rule `from_col` withheld from everyone, shared equally among the subjects
/// graded `grade` that the pool's rule pays, to the fen; the remainder fen go one each to the
/// highest ranked (by total, then tie-breakers, then id). Nobody to share it with is reported.
pub(super) fn share_pool(
    scored: &mut [Scored],
    inputs: &Inputs,
    rule: &PayRule,
    from_label: &str,
    (col, from_col): (usize, usize),
    grade: &str,
    warnings: &mut Vec<String>,
) {
    let withheld: Decimal = scored
        .iter()
        .map(|s| s.pay_full[from_col] - s.subject.pay[from_col].unwrap_or_default())
        .sum();
    let mut takers: Vec<usize> = (0..scored.len())
        .filter(|&i| {
            let w = &inputs.workers[scored[i].subject.worker];
            scored[i].subject.grade.as_deref() == Some(grade) && RuleSet::applies(&rule.roles, w.role) && !w.no_reward
        })
        .collect();
    let key = |i: &usize| {
        let s = &scored[*i];
        (
            std::cmp::Reverse(s.subject.total),
            std::cmp::Reverse(s.top.clone()),
            inputs.workers[s.subject.worker].id.clone(),
        )
    };
    takers.sort_by_key(key);
    if takers.is_empty() {
        if !withheld.is_zero() {
            warnings.push(format!(
                "{}: 扣发{}元无{grade}人员可分, 未发放",
                rule.label,
                show_money(withheld)
            ));
        }
        return;
    }
    let k = Decimal::from(takers.len());
    let share = (withheld * Decimal::ONE_HUNDRED / k).floor() / Decimal::ONE_HUNDRED;
    let remainder_fen = ((withheld - share * k) * Decimal::ONE_HUNDRED).round();
    for (pos, &i) in takers.iter().enumerate() {
        let extra = if Decimal::from(pos) < remainder_fen {
            Decimal::new(1, 2)
        } else {
            Decimal::ZERO
        };
        let amount = share + extra;
        let s = &mut scored[i];
        let said = Said::Pool {
            from: from_label.to_string(),
            withheld,
            takers: takers.len(),
            share,
            remainder_at: (!extra.is_zero()).then_some(pos + 1),
        };
        s.subject.trace.push(TraceLine {
            item: crate::trace::label(&rule.id),
            item_label: crate::trace::label(&rule.label),
            said,
            count: Decimal::ONE,
            value: amount,
            unit: Unit::Yuan,
            sources: vec![],
        });
        s.subject.pay[col] = Some(amount);
        s.subject.pay_total += amount;
    }
}

/// A run-wide parameter (县排名 for the month), its value and row. Its rows were checked while
/// the 参数 sheet was read (`input::checks`): one per period, each what the rule needs. What is
/// left is the case reading could not know: a parameter needed only because someone is paid
/// by it, and absent — an error, never a guess.
pub(super) fn run_param(
    params: &[Param],
    name: &str,
    period: Period,
    (problems, needed_by): (&mut Vec<InputProblem>, &str),
) -> Option<(Decimal, Source)> {
    let Some(p) = Param::for_run(params, name, period, None).first().copied() else {
        problems.push(InputProblem::missing_param(name, period, needed_by));
        return None;
    };
    Some((p.number?, Source::Row(p.src)))
}

/// A county-set count for one quota group (范围 = the group), if given (a whole number from
/// 0, checked as the sheet was read).
pub(super) fn count_param(params: &[Param], name: &str, period: Period, group: &str) -> Option<usize> {
    let p = Param::for_run(params, name, period, Some(group)).first().copied()?;
    p.number?.try_into().ok()
}
