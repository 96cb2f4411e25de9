//! `attendance`: attendance rows with one of some statuses, each weighted.
//!
//! ```toml
//! [measures.sick]
//! kind = "attendance"
//! label = "病假"
//! status = ["病假"]
//! weights = { "病假" = "0.5" }   # a row counts its weight (default 1)
//! approved = false              # only rows whose 批准 is (or is not) yes
//! ```
use super::{occ, row, CheckCx, Kind, Stage, Value, WorkerCx};
use crate::contract::Status;
use crate::contract::SheetKind;
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    status: Option<Vec<Spanned<String>>>,
    weights: Option<Spanned<BTreeMap<String, Dec>>>,
    approved: Option<bool>,
}

/// Attendance rows with one of these statuses, each weighted; optionally only rows whose 批准
/// is (or is not) yes.
#[derive(Debug, Clone)]
pub struct AttendanceStatus {
    pub statuses: Vec<(Status, Decimal)>,
    pub approved: Option<bool>,
}

impl Kind for AttendanceStatus {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Attendance);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<AttendanceStatus> {
        let Some(names) = &raw.status else {
            cx.say(msg!("rs-measure-kind-attendance-needs-status"));
            return None;
        };
        let weights = raw.weights.as_ref().map(|w| w.get_ref().clone()).unwrap_or_default();
        let statuses: Vec<(Status, Decimal)> = names
            .iter()
            .filter_map(|n| cx.status(n))
            .map(|st| {
                let w = weights
                    .iter()
                    .find(|(k, _)| Status::parse(k) == Some(st))
                    .map_or(Decimal::ONE, |(_, w)| w.0);
                (st, w)
            })
            .collect();
        for k in weights.keys() {
            if !statuses.iter().any(|(st, _)| Status::parse(k) == Some(*st)) {
                let msg = msg!("rs-weights-names-which-one-measure", k = k);
                cx.c.at(raw.weights.as_ref()?, msg);
            }
        }
        Some(AttendanceStatus {
            statuses,
            approved: raw.approved,
        })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let mut out = Vec::new();
        for a in cx.rows.attendance {
            if self.approved.is_some_and(|want| a.approved != want) {
                continue;
            }
            for s in a.statuses.iter() {
                if let Some((_, weight)) = self.statuses.iter().find(|(st, _)| *st == s) {
                    out.push(occ(a.date, *weight, row(a.src)));
                }
            }
        }
        Value::Occurrences(out)
    }
}
