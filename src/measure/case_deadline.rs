//! `case_deadline`: assigned cases (交办) unhandled, overdue or handled on time at the period's end.
//!
//! ```toml
//! [measures.overdue]
//! kind = "case_deadline"
//! label = "交办事项超时"
//! types = ["交办"]
//! outcome = "overdue"              # or "unhandled" (not accepted or not closed by the period's
//!                                  # end), or "on_time" (accepted and closed within the limits)
//! accept_within_hours = "2"        # overdue: 交办→受理
//! close_within_hours = "72"        # overdue: 交办→办结
//! complex_close_within_hours = "168"  # a 复杂 case (default: close_within_hours)
//! ```
use super::{row, CheckCx, Kind, Occurrence, Stage, Value, WorkerCx};
use crate::contract::SheetKind;
use crate::num::Dec;
use crate::positioned::one_of;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    types: Option<Vec<Spanned<String>>>,
    outcome: Option<Spanned<String>>,
    accept_within_hours: Option<Dec>,
    close_within_hours: Option<Dec>,
    complex_close_within_hours: Option<Dec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOutcome {
    Unhandled,
    Overdue,
    /// Accepted and closed within the limits: the credit "24小时内妥善处理得3分" gives.
    OnTime,
}

/// Exact durations in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deadlines {
    pub accept_within: i64,
    pub close_within: i64,
    pub complex_close_within: i64,
}

/// Assigned cases that ended in `outcome` at the period's end.
#[derive(Debug, Clone)]
pub struct CaseDeadline {
    pub types: Vec<usize>,
    pub outcome: CaseOutcome,
    pub deadlines: Deadlines,
}

fn hours(cx: &mut CheckCx, v: Option<Dec>, key: &str) -> i64 {
    match v {
        Some(h) if h.0 > Decimal::ZERO => (h.0 * Decimal::from(3600)).trunc().try_into().unwrap_or(i64::MAX),
        Some(_) => {
            cx.say(msg!("rs-must-positive-number-hours", key = key));
            0
        }
        None => {
            cx.say(msg!("rs-kind-case-deadline-outcome-overdue", key = key));
            0
        }
    }
}

impl Kind for CaseDeadline {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Events);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<CaseDeadline> {
        let Some(names) = &raw.types else {
            cx.say(msg!("rs-measure-kind-case-deadline-needs"));
            return None;
        };
        let types = cx.types(names);
        let outcome = match raw.outcome.as_ref().map(|o| o.get_ref().as_str()) {
            Some("unhandled") => CaseOutcome::Unhandled,
            Some("overdue") => CaseOutcome::Overdue,
            Some("on_time") => CaseOutcome::OnTime,
            _ => {
                let msg = msg!("rs-case-deadline-needs-outcome-one", one_of = one_of(&["unhandled", "overdue", "on_time"]));
                cx.refuse(&raw.outcome, msg);
                return None;
            }
        };
        let deadlines = if outcome != CaseOutcome::Unhandled {
            let close_within = hours(cx, raw.close_within_hours, "close_within_hours");
            Deadlines {
                accept_within: hours(cx, raw.accept_within_hours, "accept_within_hours"),
                close_within,
                complex_close_within: match raw.complex_close_within_hours {
                    None => close_within,
                    v => hours(cx, v, "complex_close_within_hours"),
                },
            }
        } else {
            Deadlines::default()
        };
        Some(CaseDeadline {
            types,
            outcome,
            deadlines,
        })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        // A timestamp after the period's end counts as absent.
        let end = (cx.run.period.last_day() + Duration::days(1)).and_time(NaiveTime::MIN);
        let seen = |t: Option<NaiveDateTime>| t.filter(|t| *t < end);
        let mut out = Vec::new();
        for e in cx
            .rows
            .events
            .iter()
            .filter(|e| e.counted && e.valid && self.types.contains(&e.type_id) && !e.count.is_zero())
        {
            // A blank 交办时间 was refused while reading (input/checks.rs).
            let Some(assigned) = e.assigned_at else { continue };
            let (acc, closed) = (seen(e.accepted_at), seen(e.closed_at));
            let hit = match (self.outcome, acc, closed) {
                (CaseOutcome::Unhandled, _, _) => acc.is_none() || closed.is_none(),
                (CaseOutcome::Overdue | CaseOutcome::OnTime, Some(a), Some(c)) => {
                    let d = &self.deadlines;
                    let close_limit = if e.complex { d.complex_close_within } else { d.close_within };
                    let late =
                        (a - assigned).num_seconds() > d.accept_within || (c - assigned).num_seconds() > close_limit;
                    late == (self.outcome == CaseOutcome::Overdue)
                }
                // Not both accepted and closed: unhandled, neither overdue nor on time.
                (CaseOutcome::Overdue | CaseOutcome::OnTime, _, _) => false,
            };
            if hit {
                out.push(Occurrence {
                    date: Some(e.date),
                    amount: e.count,
                    level: e.level.clone(),
                    money: None,
                    source: row(e.src),
                });
            }
        }
        Value::Occurrences(out)
    }
}
