//! What the rule set requires of each subject's rows, checked once the rows are grouped, so
//! that every input problem is found while reading and scoring cannot fail on input: an
//! assigned case needs its 交办时间, a 指标 read as a rate or a number needs exactly one row
//! per subject, a survey gives a worker's rate at most once, and a subsidy needs the 月补贴.
use super::problem::InputProblem;
use super::records::Worker;
use super::{Inputs, WorkerRows};
use crate::contract::IndicatorMode;
use crate::contract::ReadPlan;

/// Every problem of the grouped rows against the plan, in no particular order.
pub fn rows_against_plan(inputs: &Inputs, plan: &ReadPlan, problems: &mut Vec<InputProblem>) {
    let file = |key: &str| inputs.sheet_files.get(key).cloned().unwrap_or_default();
    for (w, rows) in inputs.workers.iter().zip(&inputs.rows) {
        assigned_cases(rows, plan, &file("events"), problems);
        indicators(w, rows, plan, &file("indicators"), problems);
        given_rates(w, rows, plan, &file("survey"), problems);
        subsidy(w, plan, &file("roster"), problems);
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
