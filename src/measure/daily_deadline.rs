//! `daily_deadline`: duty days without an attendance time at or before a deadline.
//!
//! ```toml
//! [measures.late]
//! kind = "daily_deadline"
//! label = "未按时签到"
//! field = "sign_in"     # 签到时间; or "report_at" (日报时间)
//! by = "09:00"
//! ```
use super::{occ, row, Absent, CheckCx, Kind, Source, Stage, Value, WorkerCx};
use crate::contract::DailyField;
use crate::contract::SheetKind;
use crate::input::records::Attendance;
use crate::positioned::one_of;
use chrono::NaiveTime;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    field: Option<Spanned<String>>,
    by: Option<Spanned<String>>,
}

/// Duty days without an attendance time at or before `by`.
#[derive(Debug, Clone)]
pub struct DailyDeadline {
    pub field: DailyField,
    pub by: NaiveTime,
}

impl Kind for DailyDeadline {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Attendance);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<DailyDeadline> {
        let field = raw.field.as_ref().and_then(|f| DailyField::parse(f.get_ref()));
        if field.is_none() {
            let msg = msg!("rs-daily-deadline-needs-field-one", one_of = one_of(&["sign_in", "report_at"]));
            cx.refuse(&raw.field, msg);
        }
        let by = raw.by.as_ref().and_then(|b| {
            NaiveTime::parse_from_str(b.get_ref(), "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(b.get_ref(), "%H:%M"))
                .ok()
        });
        if by.is_none() {
            let msg = msg!("rs-daily-deadline-by");
            cx.refuse(&raw.by, msg);
        }
        Some(DailyDeadline { field: field?, by: by? })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let days = cx.days;
        let mut out = Vec::new();
        for d in &days.duty_days {
            let rs = days.attendance_by_day.get(d);
            let at = |a: &Attendance| match self.field {
                DailyField::SignIn => a.sign_in,
                DailyField::ReportAt => a.report_at,
            };
            // A day is in time if any of its rows is.
            if rs.iter().any(|a| at(a).is_some_and(|t| t <= self.by)) {
                continue;
            }
            let source = match rs.iter().find(|a| at(a).is_some()).or(rs.first()) {
                Some(a) => row(a.src),
                None => Source::Missing {
                    sheet: SheetKind::Attendance,
                    date: *d,
                    why: Absent::NoValue(self.field),
                },
            };
            out.push(occ(*d, Decimal::ONE, source));
        }
        Value::Occurrences(out)
    }
}
