//! `missing_patrols`: patrols expected per duty day minus the distinct (日期, 时段) patrols done.
//!
//! ```toml
//! [measures.missed]
//! kind = "missing_patrols"
//! label = "未按要求巡查"
//! per_duty_day = 2     # 上午、下午各一次
//! ```
use super::{occ, Absent, CheckCx, Kind, Source, Stage, Value, WorkerCx};
use crate::contract::Session;
use crate::contract::SheetKind;
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    per_duty_day: Option<Dec>,
}

/// Patrols expected per duty day minus distinct (日期, 时段) patrols done on it.
#[derive(Debug, Clone)]
pub struct MissingPatrols {
    pub per_duty_day: Decimal,
}

impl Kind for MissingPatrols {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Patrol);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<MissingPatrols> {
        match raw.per_duty_day {
            Some(d) if d.0 > Decimal::ZERO => Some(MissingPatrols { per_duty_day: d.0 }),
            _ => {
                cx.say(msg!("rs-missing-patrols-needs-per-duty"));
                None
            }
        }
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let days = cx.days;
        let mut out = Vec::new();
        for d in &days.duty_days {
            let done: Vec<Session> = [Session::Am, Session::Pm]
                .into_iter()
                .filter(|s| days.patrols.contains_key(&(*d, *s)))
                .collect();
            let missing = self.per_duty_day - Decimal::from(done.len());
            if missing > Decimal::ZERO {
                let why = match done.as_slice() {
                    [] => Absent::NoPatrol,
                    [s] => Absent::OnlySession(*s),
                    _ => Absent::TooFewPatrols,
                };
                let source = Source::Missing {
                    sheet: SheetKind::Patrol,
                    date: *d,
                    why,
                };
                out.push(occ(*d, missing, source));
            }
        }
        Value::Occurrences(out)
    }
}
