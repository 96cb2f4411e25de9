//! Pay: each pay rule of the run for each subject (by grade, per event, parameter bands, a
//! subsidy, an item's value, a grade's parameter), then pools shared among a grade. Every
//! amount is rounded to the fen (四舍五入); withheld amounts are traced with their reason.
use super::{ItemColumn, Scored};
use crate::in_post::{monthly_amount, part_of_period};
use crate::input::records::Param;
use crate::input::{InputProblem, Inputs};
use crate::num::{round_fen, show, show_money};
use crate::period::Period;
use crate::rules::{PayAmount, PayRule, RuleSet};
use crate::trace::{Source, TraceLine, Unit};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub(super) fn pay_worker(
    s: &mut Scored,
    inputs: &Inputs,
    rules: &RuleSet,
    (period, cols): (Period, &[ItemColumn]),
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
        let note = |s: &mut Scored, text: String| {
            s.subject.trace.push(TraceLine {
                item: rule.id.clone(),
                item_label: rule.label.clone(),
                rule: text,
                count: Decimal::ZERO,
                value: Decimal::ZERO,
                unit: Unit::Yuan,
                sources: vec![],
            });
        };
        let (amount, rule_text, count, sources) = match &rule.amount {
            PayAmount::ByGrade(table) => {
                let g = s.subject.grade.clone().unwrap_or_default();
                let a = table.iter().find(|(k, _)| *k == g).map_or(Decimal::ZERO, |(_, v)| *v);
                (a, format!("等次 {g} → {}元", show_money(a)), Decimal::ONE, vec![])
            }
            PayAmount::PerEvent { measure, rate } => {
                let val = &s.measures[*measure];
                let occs = val.occurrences();
                let a: Decimal = occs.iter().map(|o| o.amount * rate.of(o)).sum();
                if occs.is_empty() {
                    (Decimal::ZERO, String::new(), Decimal::ZERO, vec![])
                } else {
                    let mut by_level: BTreeMap<String, Decimal> = BTreeMap::new();
                    for o in occs {
                        *by_level.entry(o.level.clone().unwrap_or_default()).or_default() += o.amount;
                    }
                    let detail: Vec<String> = by_level.iter().map(|(l, c)| format!("{l}{}条", show(*c))).collect();
                    (
                        a,
                        format!(
                            "{} {} = {}元",
                            rules.measures[*measure].label,
                            detail.join("、"),
                            show_money(a)
                        ),
                        val.total(),
                        occs.iter().map(|o| o.source.clone()).collect(),
                    )
                }
            }
            PayAmount::Subsidy {
                by_grade,
                otherwise,
                part_month,
            } => match w.monthly_subsidy {
                Some(monthly) => {
                    let g = s.subject.grade.clone().unwrap_or_default();
                    let factor = by_grade.iter().find(|(k, _)| *k == g).map_or(*otherwise, |(_, f)| *f);
                    let (due, months, full, parts) = monthly_amount(monthly, w, period, *part_month);
                    let a = due * factor;
                    (
                        a,
                        format!(
                            "月补贴{}元 × {}个月{parts} × {} ({g}) = {}元",
                            show_money(monthly),
                            show(full),
                            show(factor),
                            show_money(round_fen(a))
                        ),
                        months,
                        vec![Source::Row(w.src)],
                    )
                }
                // A blank 月补贴 was refused while reading (input/checks.rs).
                None => (Decimal::ZERO, String::new(), Decimal::ZERO, vec![]),
            },
            PayAmount::GradeParam { grade, param, .. } => {
                match (
                    s.subject.grade.as_deref() == Some(grade.as_str()),
                    params.get(param).cloned().flatten(),
                ) {
                    (true, Some((v, src))) => (
                        v,
                        format!("{grade}: {param} = {}元", show_money(v)),
                        Decimal::ONE,
                        vec![src],
                    ),
                    _ => (Decimal::ZERO, String::new(), Decimal::ZERO, vec![]),
                }
            }
            PayAmount::Item(path) => {
                let v = cols
                    .iter()
                    .position(|c| c.path == *path)
                    .map_or(Decimal::ZERO, |i| s.subject.values[i]);
                let label = cols.iter().find(|c| c.path == *path).map_or("", |c| c.label.as_str());
                (
                    v,
                    format!("{label} {}元", show_money(round_fen(v))),
                    Decimal::ONE,
                    vec![],
                )
            }
            // Shared after every worker's other pay is known (see `share_pool`).
            PayAmount::Pool { .. } => (Decimal::ZERO, String::new(), Decimal::ZERO, vec![]),
            PayAmount::ParamBands {
                param,
                bands,
                otherwise,
                ..
            } => match params.get(param).cloned().flatten() {
                Some((v, src)) => {
                    let a = bands
                        .iter()
                        .find(|(from, to, _)| v >= *from && v <= *to)
                        .map_or(*otherwise, |(_, _, a)| *a);
                    (a, format!("{param} = {} → {}元", show(v), show_money(a)), v, vec![src])
                }
                None => (Decimal::ZERO, String::new(), Decimal::ZERO, vec![]),
            },
        };
        let (amount, rule_text) = match rule.part_period {
            crate::in_post::PartPeriod::FullMonths if !amount.is_zero() => match part_of_period(amount, w, period) {
                Some((scaled, how)) => (scaled, format!("{rule_text}; {how}")),
                None => (amount, rule_text),
            },
            _ => (amount, rule_text),
        };
        let amount = round_fen(amount);
        // What the rule pays with nothing withheld: a subsidy at its full factor.
        s.pay_full.push(match &rule.amount {
            PayAmount::Subsidy { part_month, .. } => {
                round_fen(monthly_amount(w.monthly_subsidy.unwrap_or_default(), w, period, *part_month).0)
            }
            _ => amount,
        });
        let paid = if w.no_reward && !amount.is_zero() {
            note(s, format!("不享受奖励 (花名册), 应得{}元不予发放", show_money(amount)));
            Decimal::ZERO
        } else if vetoed && rule.withheld_when_vetoed && !amount.is_zero() {
            note(s, format!("一票否决, 应得{}元不予发放", show_money(amount)));
            Decimal::ZERO
        } else {
            if !amount.is_zero() {
                s.subject.trace.push(TraceLine {
                    item: rule.id.clone(),
                    item_label: rule.label.clone(),
                    rule: rule_text,
                    count,
                    value: amount,
                    unit: Unit::Yuan,
                    sources,
                });
            }
            amount
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
        let text = format!(
            "{}合计扣发{}元 ÷ {}人 = {}元{}",
            from_label,
            show_money(withheld),
            show(k),
            show_money(share),
            if extra.is_zero() {
                String::new()
            } else {
                format!(" + 余数0.01元 (第{}位)", pos + 1)
            }
        );
        s.subject.trace.push(TraceLine {
            item: rule.id.clone(),
            item_label: rule.label.clone(),
            rule: text,
            count: Decimal::ONE,
            value: amount,
            unit: Unit::Yuan,
            sources: vec![],
        });
        s.subject.pay[col] = Some(amount);
        s.subject.pay_total += amount;
    }
}

/// Params rows named `name` for this run: an exact period match first, then undated rows.
fn params_for<'a>(params: &'a [Param], name: &str, period: Period, scope: Option<&str>) -> Vec<&'a Param> {
    let named = |p: &&Param| p.name == name && p.scope.as_deref() == scope;
    let exact: Vec<&Param> = params
        .iter()
        .filter(named)
        .filter(|p| p.period == Some(period))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    params.iter().filter(named).filter(|p| p.period.is_none()).collect()
}

fn param_value(p: &Param, problems: &mut Vec<InputProblem>) -> Option<Decimal> {
    let v = crate::num::parse_decimal(&p.value);
    if v.is_none() {
        problems.push(InputProblem {
            file: p.file.clone(),
            place: p.place.clone(),
            found: Some(p.value.clone()),
            expected: msg!("par-number", name = &p.name),
            ..Default::default()
        });
    }
    v
}

fn one_param<'a>(found: Vec<&'a Param>, problems: &mut Vec<InputProblem>) -> Option<&'a Param> {
    if found.len() > 1 {
        problems.push(InputProblem {
            file: found[1].file.clone(),
            place: found[1].place.clone(),
            found: Some(found[1].value.clone()),
            expected: msg!("par-twice", name = &found[1].name, first = &found[0].place),
            ..Default::default()
        });
    }
    found.first().copied()
}

/// A run-wide parameter (县排名 for the month): missing is an error, never a guess; so is a
/// value that is not what the rule reading it needs (a rank of 3.5, an amount past its cap).
pub(super) fn run_param(
    params: &[Param],
    name: &str,
    period: Period,
    (value, at_most): (crate::rules::ParamValue, Option<Decimal>),
    (problems, needed_by): (&mut Vec<InputProblem>, &str),
) -> Option<(Decimal, Source)> {
    let Some(p) = one_param(params_for(params, name, period, None), problems) else {
        problems.push(InputProblem {
            file: "参数".into(),
            place: "参数".into(),
            found: None,
            expected: msg!("par-missing", name = name, period = period, needed_by = needed_by),
            ..Default::default()
        });
        return None;
    };
    let v = param_value(p, problems)?;
    let refused = value.refuses(v).or_else(|| {
        at_most
            .filter(|m| v > *m)
            .map(|m| msg!("par-at-most", most = show_money(m)))
    });
    if let Some(expected) = refused {
        problems.push(InputProblem {
            file: p.file.clone(),
            place: p.place.clone(),
            found: Some(p.value.clone()),
            expected: msg!("par-refused", expected = expected, name = name),
            ..Default::default()
        });
        return None;
    }
    Some((v, Source::Row(p.src)))
}

/// A county-set count for one quota group (范围 = the group), if given.
pub(super) fn count_param(
    params: &[Param],
    name: &str,
    period: Period,
    group: &str,
    problems: &mut Vec<InputProblem>,
) -> Option<usize> {
    let p = one_param(params_for(params, name, period, Some(group)), problems)?;
    let v = param_value(p, problems)?;
    if v < Decimal::ZERO || !v.fract().is_zero() {
        problems.push(InputProblem {
            file: p.file.clone(),
            place: p.place.clone(),
            found: Some(p.value.clone()),
            expected: msg!("par-places", name = name),
            ..Default::default()
        });
        return None;
    }
    v.try_into().ok()
}
