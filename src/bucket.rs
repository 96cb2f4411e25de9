//! Buckets of a period: calendar months, or Monday–Sunday weeks that belong to the period
//! holding their Thursday (input-contract.md, "Duty days"), so a week straddling two quarters
//! is counted once, in the quarter that has most of its working days.
use crate::period::Bucket;
use crate::period::Period;
use chrono::{Datelike, Duration, NaiveDate};

/// The first day of the bucket holding `d`; `None` for the whole-period bucket.
pub fn start_of(per: Bucket, d: NaiveDate) -> Option<NaiveDate> {
    match per {
        Bucket::Period => None,
        Bucket::Month => d.with_day(1),
        Bucket::Week => Some(d - Duration::days(i64::from(d.weekday().num_days_from_monday()))),
    }
}

/// The buckets a period checks, each as (first day, last day).
pub fn of_period(per: Bucket, period: Period) -> Vec<(NaiveDate, NaiveDate)> {
    match per {
        Bucket::Period => vec![(period.first_day(), period.last_day())],
        Bucket::Month => period.months().iter().map(|m| (m.first_day(), m.last_day())).collect(),
        Bucket::Week => period.weeks(),
    }
}

/// How a trace names a bucket: `7月`, `7/6–7/12周`.
pub fn label(per: Bucket, start: NaiveDate) -> String {
    match per {
        Bucket::Period => String::new(),
        Bucket::Month => format!("{}月", start.month()),
        Bucket::Week => {
            let end = start + Duration::days(6);
            format!("{}/{}–{}/{}周", start.month(), start.day(), end.month(), end.day())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::PeriodKind;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weeks_belong_to_the_quarter_of_their_thursday() {
        let q3 = Period::parse(PeriodKind::Quarter, "2026Q3").unwrap();
        let weeks = of_period(Bucket::Week, q3);
        // 2026-07-01 is a Wednesday: its week (Thursday 07-02) is Q3's first, from 06-29.
        assert_eq!(weeks[0], (day("2026-06-29"), day("2026-07-05")));
        // 2026-09-28..10-04 has its Thursday on 10-01: Q4's. Q3 ends with 09-21..09-27.
        assert_eq!(*weeks.last().unwrap(), (day("2026-09-21"), day("2026-09-27")));
        assert_eq!(weeks.len(), 13);
        assert_eq!(q3.week_reach(), (day("2026-06-29"), day("2026-09-30")));
        let q4 = Period::parse(PeriodKind::Quarter, "2026Q4").unwrap();
        assert_eq!(of_period(Bucket::Week, q4)[0].0, day("2026-09-28"));
    }

    #[test]
    fn a_day_falls_in_the_week_of_its_monday() {
        assert_eq!(start_of(Bucket::Week, day("2026-07-05")), Some(day("2026-06-29")));
        assert_eq!(start_of(Bucket::Week, day("2026-07-06")), Some(day("2026-07-06")));
        assert_eq!(start_of(Bucket::Month, day("2026-07-31")), Some(day("2026-07-01")));
        assert_eq!(label(Bucket::Week, day("2026-06-29")), "6/29–7/5周");
    }
}
