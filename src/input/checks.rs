//! What the rule set requires of each subject's rows, checked once the rows are grouped, so
//! that every input problem is found while reading and scoring cannot fail on input: an
//! assigned case needs its 交办时间, a 指标 read as a rate or a number needs exactly one row
//! per subject, a survey gives a worker's rate at most once, and a subsidy needs the 月补贴.
use super::problem::InputProblem;
use super::records::Param;
use super::records::Worker;
use super::{Inputs, WorkerRows};
use crate::contract::plan::PlannedParam;
use crate::contract::IndicatorMode;
use crate::contract::ReadPlan;
use crate::period::Period;

/// Every problem of the grouped rows against the plan, in no particular order.
pub fn rows_against_plan(inputs: &Inputs, plan: &ReadPlan, period: Period, problems: &mut Vec<InputProblem>) {
    params(&inputs.params, plan, period, problems);
    let file = |key: &str| inputs.sheet_files.get(key).cloned().unwrap_or_default();
    for (w, rows) in inputs.workers.iter().zip(&inputs.rows) {
        assigned_cases(rows, plan, &file("events"), problems);
        indicators(w, rows, plan, &file("indicators"), problems);
        given_rates(w, rows, plan, &file("survey"), problems);
        subsidy(w, plan, &file("roster"), problems);
    }
}

/// The 参数 the rules read, every row of them the run reads (undated, or of its period or a
/// month of it): one row per name, 范围 and 月份; a value that is what the rule needs (a rank
/// from 1, a whole number of places, an amount within its cap); and a row for each one the
/// run cannot do without. A parameter needed only where someone is paid by it is looked for
/// by the engine once grades are known; its value, if there, is checked here all the same.
fn params(rows: &[Param], plan: &ReadPlan, period: Period, problems: &mut Vec<InputProblem>) {
    let read = |p: &Param| {
        p.period
            .is_none_or(|q| q.first_day() >= period.first_day() && q.last_day() <= period.last_day())
    };
    for planned in &plan.params {
        let named: Vec<&Param> = rows
            .iter()
            .filter(|p| p.name == planned.name && p.scope.is_some() == planned.scoped && read(p))
            .collect();
        for (k, p) in named.iter().enumerate() {
            match named[..k].iter().find(|q| q.period == p.period && q.scope == p.scope) {
                Some(first) => problems.push(param_problem(
                    p,
                    msg!("par-twice", name = &p.name, first = &first.place),
                )),
                None => param_value(p, planned, problems),
            }
        }
        if let Some(needed_by) = &planned.required_by {
            if Param::for_run(rows, &planned.name, period, None).is_empty() {
                problems.push(InputProblem::missing_param(&planned.name, period, needed_by));
            }
        }
    }
}

/// A month of the period with no row in any sheet is almost always missing input (a year run
/// given one quarter's ledger): every rule that counts day by day or month by month would
/// count it as nothing done. A year run refuses it, unless the rule set scores a year from the
/// months there are; otherwise the months are the run's note (`engine`). A rule set that
/// counts nothing by time (chengnan's indicators) is not concerned.
pub fn empty_months(inputs: &Inputs, plan: &ReadPlan, period: Period, problems: &mut Vec<InputProblem>) -> Vec<Period> {
    if period.months().len() <= 1 || inputs.workers.is_empty() || !plan.counts_by_time {
        return Vec::new();
    }
    // The months not yet seen; the search stops once every month has a row (on real input,
    // within the first worker's rows rather than after ten million).
    let mut unseen: Vec<Period> = period.months();
    'rows: for r in &inputs.rows {
        let dates = r.attendance.iter().map(|a| a.date);
        let dates = dates
            .chain(r.patrols.iter().map(|p| p.date))
            .chain(r.events.iter().filter(|e| e.counted).map(|e| e.date));
        for d in dates {
            let (y, m) = (chrono::Datelike::year(&d), chrono::Datelike::month(&d));
            unseen.retain(|p| (p.year, p.index) != (y, m));
            if unseen.is_empty() {
                break 'rows;
            }
        }
    }
    if !unseen.is_empty() && period.kind == crate::period::PeriodKind::Year && !plan.year_from_present_months {
        let files: std::collections::BTreeSet<&String> = inputs.sheet_files.values().collect();
        let files: Vec<&str> = files.into_iter().map(String::as_str).collect();
        let months: Vec<String> = unseen.iter().map(|m| m.to_string()).collect();
        problems.push(InputProblem {
            file: files.join(", "),
            place: String::new(),
            found: None,
            expected: msg!(
                "in-year-months-missing",
                rules = &plan.scheme,
                months = months.join(", ")
            ),
            ..Default::default()
        });
    }
    unseen
}

/// One 参数 row's value against what the rule reading it needs.
fn param_value(p: &Param, planned: &PlannedParam, problems: &mut Vec<InputProblem>) {
    let Some(v) = p.number else {
        problems.push(param_problem(p, msg!("par-number", name = &p.name)));
        return;
    };
    let refused = if planned.scoped {
        (v < rust_decimal::Decimal::ZERO || !v.fract().is_zero()).then(|| msg!("par-places", name = &p.name))
    } else {
        let kind = planned.value.refuses(v);
        kind.or_else(|| {
            let most = planned.at_most.filter(|m| v > *m)?;
            Some(msg!("par-at-most", most = crate::num::show_money(most)))
        })
        .map(|expected| msg!("par-refused", expected = expected, name = &p.name))
    };
    if let Some(expected) = refused {
        problems.push(param_problem(p, expected));
    }
}

fn param_problem(p: &Param, expected: String) -> InputProblem {
    InputProblem {
        file: p.file.clone(),
        place: p.place.clone(),
        found: Some(p.value.clone()),
        expected,
        ..Default::default()
    }
}

/// A counted row of an assigned-case type needs its 交办时间: its deadlines run from it.
fn assigned_cases(rows: &WorkerRows, plan: &ReadPlan, file: &str, problems: &mut Vec<InputProblem>) {
    for e in rows.events.iter().filter(|e| {
        e.counted
            && e.valid
            && !e.count.is_zero()
            && e.assigned_at.is_none()
            && plan.event_types.get(e.type_id).is_some_and(|t| t.assigned)
    }) {
        problems.push(InputProblem {
            file: file.to_string(),
            place: e.src.to_string(),
            found: Some(msg!("in-case-blank-assigned-found", event = &e.event_id)),
            expected: msg!("in-case-blank-assigned"),
            ..Default::default()
        });
    }
}

/// A 指标 read as a rate or a number must be there once (a missing one is an omission, never
/// a 0); one read as a count may be absent (none), but not twice.
fn indicators(w: &Worker, rows: &WorkerRows, plan: &ReadPlan, file: &str, problems: &mut Vec<InputProblem>) {
    for (name, mode) in &plan.indicators {
        let found: Vec<_> = rows.indicators.iter().filter(|i| &i.name == name).collect();
        if found.len() > 1 {
            problems.push(InputProblem {
                file: file.to_string(),
                place: found[1].src.to_string(),
                found: Some(msg!("in-indicator-twice-found", indicator = name, id = &w.id)),
                expected: msg!("in-indicator-twice", first = found[0].src),
                ..Default::default()
            });
        }
        if found.is_empty() && *mode != IndicatorMode::Count {
            problems.push(InputProblem {
                file: file.to_string(),
                place: "指标".into(),
                found: Some(msg!(
                    "in-indicator-missing-found",
                    indicator = name,
                    id = &w.id,
                    name = &w.name
                )),
                expected: msg!("in-indicator-missing"),
                ..Default::default()
            });
        }
    }
}

/// A worker's rate given outright (not from respondents) is given once per period.
fn given_rates(w: &Worker, rows: &WorkerRows, plan: &ReadPlan, file: &str, problems: &mut Vec<InputProblem>) {
    for &f in &plan.survey_fields {
        let given: Vec<_> = rows.survey.iter().filter(|s| s.rates[f].is_some()).collect();
        if given.len() > 1 {
            problems.push(InputProblem {
                file: file.to_string(),
                place: given[1].src.to_string(),
                found: Some(msg!("in-rate-twice-found", id = &w.id)),
                expected: msg!("in-rate-twice", first = given[0].src),
                ..Default::default()
            });
        }
    }
}

/// A pay rule of this run that pays from the 月补贴 needs it for every worker it pays.
fn subsidy(w: &Worker, plan: &ReadPlan, file: &str, problems: &mut Vec<InputProblem>) {
    if w.monthly_subsidy.is_some() {
        return;
    }
    for (label, roles) in &plan.subsidies {
        if crate::contract::plan::applies(roles, w.role) {
            problems.push(InputProblem {
                file: file.to_string(),
                place: w.src.to_string(),
                found: Some(msg!("in-subsidy-blank-found", id = &w.id, name = &w.name)),
                expected: msg!("in-subsidy-blank", rule = label),
                ..Default::default()
            });
        }
    }
}
