//! `ratio`: a rate computed from the data, done ÷ required, clipped to 0..1 ("未完成按比例扣分").
//!
//! ```toml
//! [measures.patrol_rate]
//! kind = "ratio"
//! label = "日常巡查达标率"
//! done = "days_met"        # a measure that counts occurrences (rows, days, cases)
//! per_duty_day = "1"       # required: n × the worker's duty days; or
//! # per_bucket = "2"       #   n per week (or month) of `per` in which the worker has a duty day; or
//! # out_of = "assigned"    #   another measure's count
//! per = "period"           # or "week" / "month": Σ min(done, required) per bucket ÷ Σ required
//! ```
//!
//! Per bucket, what is done beyond what is required counts for nothing (a week's surplus does
//! not make up another week's shortfall). Nothing required (no duty day in the period) is a rate
//! of 1: nothing was missed. The trace states the arithmetic: `按比例: 10 × 18/22 = 8.18`.
use super::{CheckCx, Kind, Stage, Value, WorkerCx};
use crate::bucket;
use crate::contract::SheetKind;
use crate::num::Dec;
use crate::period::Bucket;
use crate::positioned::one_of;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    done: Option<Spanned<String>>,
    per_duty_day: Option<Dec>,
    per_bucket: Option<Dec>,
    out_of: Option<Spanned<String>>,
    per: Option<Spanned<String>>,
}

/// What is required of a worker, per bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Required {
    PerDutyDay(Decimal),
    PerBucket(Decimal),
    /// Another measure's count.
    OutOf(usize),
}

#[derive(Debug, Clone)]
pub struct Ratio {
    pub done: usize,
    pub required: Required,
    pub per: Bucket,
}

/// Σ min(done, required) ÷ Σ required over the buckets, clipped to 0..1: (rate, done counted,
/// required). Nothing required is a rate of 1.
pub fn ratio(buckets: &[(Decimal, Decimal)]) -> (Decimal, Decimal, Decimal) {
    let required: Decimal = buckets.iter().map(|(_, r)| *r).sum();
    let done: Decimal = buckets.iter().map(|(d, r)| (*d).min(*r).max(Decimal::ZERO)).sum();
    if required <= Decimal::ZERO {
        return (Decimal::ONE, done, Decimal::ZERO);
    }
    ((done / required).min(Decimal::ONE), done, required)
}

impl Kind for Ratio {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = None;
    const STAGE: Stage = Stage::PerBucket;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<Ratio> {
        const NOT: &[&str] = &["ratio", "minimum", "survey_rate", "indicator"];
        let why = msg!("rs-ratio-counts-occurrences");
        let done = match &raw.done {
            Some(d) => cx.measure(d, NOT, &why),
            None => {
                cx.say(msg!("rs-measure-kind-ratio-needs-done"));
                None
            }
        };
        let per = match raw.per.as_ref().map(|p| p.get_ref().as_str()) {
            None | Some("period") => Bucket::Period,
            Some("week") => Bucket::Week,
            Some("month") => Bucket::Month,
            Some(other) => {
                let msg = msg!("rs-per-expected", other = other, one_of = one_of(&["period", "week", "month"]));
                cx.refuse(&raw.per, msg);
                return None;
            }
        };
        let positive = |d: Dec| d.0 > Decimal::ZERO;
        let required = match (raw.per_duty_day, raw.per_bucket, &raw.out_of) {
            (Some(n), None, None) if positive(n) => Required::PerDutyDay(n.0),
            (None, Some(n), None) if positive(n) && per != Bucket::Period => Required::PerBucket(n.0),
            (None, Some(_), None) if per == Bucket::Period => {
                cx.say(msg!("rs-per-bucket-n-per-week"));
                return None;
            }
            (None, None, Some(m)) => Required::OutOf(cx.measure(m, NOT, &why)?),
            (None, None, None) => {
                cx.say(msg!("rs-measure-kind-ratio-needs-what"));
                return None;
            }
            (Some(_), None, None) | (None, Some(_), None) => {
                cx.say(msg!("rs-per-duty-day-per-bucket"));
                return None;
            }
            _ => {
                cx.say(msg!("rs-ratio-takes-one-per-duty"));
                return None;
            }
        };
        Some(Ratio {
            done: done?,
            required,
            per,
        })
    }

    fn compute(&self, cx: &WorkerCx, done: &[Value]) -> Value {
        let period = cx.run.period;
        let key = |d: NaiveDate| bucket::start_of(self.per, d);
        // Every bucket of the period, by its first day (the whole period: `None`).
        let mut buckets: BTreeMap<Option<NaiveDate>, (Decimal, Decimal)> = bucket::of_period(self.per, period)
            .into_iter()
            .map(|(first, _)| (key(first), (Decimal::ZERO, Decimal::ZERO)))
            .collect();
        let count = |m: usize, buckets: &mut BTreeMap<Option<NaiveDate>, (Decimal, Decimal)>, required: bool| {
            for o in done[m].occurrences() {
                // An undated occurrence belongs to the period as a whole.
                let k = o.date.and_then(key);
                if let Some(b) = buckets.get_mut(&k) {
                    if required {
                        b.1 += o.amount;
                    } else {
                        b.0 += o.amount;
                    }
                }
            }
        };
        count(self.done, &mut buckets, false);
        match self.required {
            Required::OutOf(m) => count(m, &mut buckets, true),
            Required::PerDutyDay(n) => {
                for d in &cx.days.duty_days {
                    if let Some(b) = buckets.get_mut(&key(*d)) {
                        b.1 += n;
                    }
                }
            }
            Required::PerBucket(n) => {
                let on_duty: std::collections::BTreeSet<Option<NaiveDate>> =
                    cx.days.duty_days.iter().map(|d| key(*d)).collect();
                for (k, b) in buckets.iter_mut() {
                    if on_duty.contains(k) {
                        b.1 += n;
                    }
                }
            }
        }
        let pairs: Vec<(Decimal, Decimal)> = buckets.values().copied().collect();
        let (rate, counted, required) = ratio(&pairs);
        let mut sources: Vec<super::Source> = done[self.done].occurrences().iter().map(|o| o.source.clone()).collect();
        sources.sort();
        sources.dedup();
        Value::Rate {
            rate,
            yes: counted,
            answered: required,
            given: false,
            sources,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_text;
    use super::super::MeasureKind;
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn a_ratio_is_done_over_required_and_a_bucket_s_surplus_makes_up_no_other() {
        // 18 of 22 duty days: 18/22.
        assert_eq!(ratio(&[(d("18"), d("22"))]), (d("18") / d("22"), d("18"), d("22")));
        // Weeks 2 of 2, 3 of 2 (one extra, not counted), 0 of 2: (2 + 2 + 0) / 6.
        let (rate, done, required) = ratio(&[(d("2"), d("2")), (d("3"), d("2")), (d("0"), d("2"))]);
        assert_eq!((done, required), (d("4"), d("6")));
        assert_eq!(rate, d("4") / d("6"));
        // More done than required in the period: 1, never above.
        assert_eq!(ratio(&[(d("30"), d("22"))]).0, Decimal::ONE);
        // Nothing required (no duty day): 1, nothing was missed.
        assert_eq!(ratio(&[(d("0"), d("0"))]), (Decimal::ONE, d("0"), d("0")));
        assert_eq!(ratio(&[]).0, Decimal::ONE);
    }

    fn events(extra: &str) -> String {
        format!("[measures.v]\nkind = \"events\"\nlabel = \"走访\"\ntypes = [\"走访\"]\n\n[measures.r]\nkind = \"ratio\"\nlabel = \"率\"\ndone = \"v\"\n{extra}")
    }

    #[test]
    fn a_ratio_names_what_is_required_once() {
        // Measures are read in id order: `r` (the ratio) is 0, `v` (the events) 1.
        let ratio = |extra: &str| match check_text(&events(extra)) {
            Ok(kinds) => match &kinds[0] {
                MeasureKind::Ratio(r) => (r.required, r.per),
                other => panic!("{other:?}"),
            },
            Err(p) => panic!("{p:?}"),
        };
        assert_eq!(ratio("per_bucket = \"2\"\nper = \"week\"\n"), (Required::PerBucket(d("2")), Bucket::Week));
        assert_eq!(ratio("out_of = \"v\"\n"), (Required::OutOf(1), Bucket::Period));
        assert_eq!(ratio("per_duty_day = \"1\"\n"), (Required::PerDutyDay(d("1")), Bucket::Period));
        let messages = |extra: &str| -> Vec<String> {
            check_text(&events(extra)).unwrap_err().into_iter().map(|p| p.1).collect()
        };
        assert!(messages("")[0].contains("needs what is required"));
        assert!(messages("per_duty_day = \"1\"\nout_of = \"v\"\n")[0].contains("takes one of"));
        assert!(messages("per_bucket = \"2\"\n")[0].contains("n per week or month"));
        assert!(messages("per_duty_day = \"0\"\n")[0].contains("positive number"));
        assert!(messages("per_duty_day = \"1\"\nper = \"day\"\n")[0].contains("per `day`"));
    }
}
