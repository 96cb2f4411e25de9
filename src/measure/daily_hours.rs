//! `daily_hours`: duty days by the hours patrolled that day, all its sessions summed
//! ("每日巡查不少于2小时").
//!
//! ```toml
//! [measures.short_days]
//! kind = "daily_hours"
//! label = "当日巡查不足2小时"
//! at_least_hours = "2"     # the day's 时长 (or 结束 − 开始) over every row, summed
//! count = "short"          # duty days under it (default); "met": duty days reaching it
//! ```
//!
//! A duty day with no patrol row is short (0 hours). A day with a row marked 免扣 (exempt,
//! 经认定) is never short, and counts as met. Only duty days count: a Sunday's patrol is
//! neither short nor met. A row without a duration adds nothing to its day.
use super::{occ, row, Absent, CheckCx, Kind, Source, Stage, Value, WorkerCx};
use crate::contract::SheetKind;
use crate::num::Dec;
use crate::positioned::one_of;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    at_least_hours: Option<Dec>,
    count: Option<Spanned<String>>,
}

/// Duty days whose patrol hours, summed over the day's rows, are under (or reach) a minimum.
#[derive(Debug, Clone)]
pub struct DailyHours {
    /// The minimum, in seconds.
    pub at_least: Decimal,
    /// Count the days that reach it (for a rate: days meeting the standard ÷ duty days).
    pub met: bool,
}

impl Kind for DailyHours {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Patrol);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<DailyHours> {
        let met = match raw.count.as_ref().map(|c| c.get_ref().as_str()) {
            None | Some("short") => false,
            Some("met") => true,
            Some(other) => {
                let msg = msg!("rs-count-expected", other = other, one_of = one_of(&["short", "met"]));
                cx.c.at(raw.count.as_ref()?, msg);
                return None;
            }
        };
        match raw.at_least_hours {
            Some(h) if h.0 > Decimal::ZERO && h.0 <= Decimal::from(24) => Some(DailyHours {
                at_least: h.0 * Decimal::from(3600),
                met,
            }),
            _ => {
                cx.say(msg!("rs-daily-hours-needs-least-hours"));
                None
            }
        }
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let mut out = Vec::new();
        for d in &cx.days.duty_days {
            let rows: Vec<_> = cx
                .days
                .patrols
                .range(&(*d, crate::contract::Session::Am), &(*d, crate::contract::Session::Pm))
                .flat_map(|(_, ps)| ps.iter())
                .collect();
            let exempt = rows.iter().any(|p| p.exempt);
            let seconds: Decimal = rows.iter().filter_map(|p| p.seconds).sum();
            let met = exempt || seconds >= self.at_least;
            if met != self.met {
                continue;
            }
            if rows.is_empty() {
                let source = Source::Missing {
                    sheet: SheetKind::Patrol,
                    date: *d,
                    why: Absent::NoPatrol,
                };
                out.push(occ(*d, Decimal::ONE, source));
            } else {
                // The day's first row stands for the day.
                out.push(occ(*d, Decimal::ONE, row(rows[0].src)));
            }
        }
        Value::Occurrences(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_text;
    use super::super::MeasureKind;
    use rust_decimal::Decimal;

    #[test]
    fn daily_hours_takes_a_minimum_of_hours_and_what_to_count() {
        let text = "[measures.d]\nkind = \"daily_hours\"\nlabel = \"不足\"\nat_least_hours = \"2\"\n";
        let Ok(kinds) = check_text(text) else { panic!() };
        let MeasureKind::DailyHours(d) = &kinds[0] else { panic!() };
        // 2 hours = 7,200 seconds; short days by default.
        assert_eq!((d.at_least, d.met), (Decimal::from(7200), false));
        let text = "[measures.d]\nkind = \"daily_hours\"\nlabel = \"达标\"\nat_least_hours = \"2\"\ncount = \"met\"\n";
        let Ok(kinds) = check_text(text) else { panic!() };
        assert!(matches!(&kinds[0], MeasureKind::DailyHours(d) if d.met));
        let text = "[measures.d]\nkind = \"daily_hours\"\nlabel = \"x\"\nat_least_hours = \"25\"\ncount = \"all\"\n";
        let messages: Vec<String> = check_text(text).unwrap_err().into_iter().map(|p| p.1).collect();
        assert_eq!(messages, ["count `all`; expected `short`, `met`"]);
        let text = "[measures.d]\nkind = \"daily_hours\"\nlabel = \"x\"\nat_least_hours = \"25\"\n";
        let messages: Vec<String> = check_text(text).unwrap_err().into_iter().map(|p| p.1).collect();
        assert!(messages[0].contains("at most 24"), "{messages:?}");
    }
}
