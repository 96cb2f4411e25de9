//! `minimum`: the buckets (weeks or months) in which another measure counted too few.
//!
//! ```toml
//! [measures.weekly_visits_short]
//! kind = "minimum"
//! label = "每周走访不足"
//! of = "visits"                      # a measure that counts rows (or a union)
//! per = "week"                       # Monday–Sunday, in the period of its Thursday; or "month"
//! at_least = "2"
//! at_least_by_area = { "社区" = "5" }  # by the roster's 区域
//! count = "bucket"                   # each short bucket counts one; "shortfall" (default): each missing one
//! ```
use super::{Absent, CheckCx, Kind, Occurrence, Source, Stage, Value, WorkerCx};
use crate::bucket;
use crate::contract::SheetKind;
use crate::input::records::Worker;
use crate::num::Dec;
use crate::period::{Bucket, Period};
use crate::positioned::one_of;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    of: Option<Spanned<String>>,
    per: Option<Spanned<String>>,
    at_least: Option<Dec>,
    at_least_by_area: Option<BTreeMap<String, Dec>>,
    count: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortCount {
    /// Each missing occurrence counts (每少一次扣…).
    Shortfall,
    /// Each short bucket counts once (每周未达…扣…).
    Bucket,
}

/// Buckets of the period in which another measure counted fewer than `at_least`; each short
/// bucket counts its shortfall, or one.
#[derive(Debug, Clone)]
pub struct Minimum {
    pub of: usize,
    pub per: Bucket,
    pub at_least: Decimal,
    /// By the roster's 区域 (农村 2, 社区 5); `at_least` for any other.
    pub by_area: Vec<(String, Decimal)>,
    pub count: ShortCount,
}

impl Kind for Minimum {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = None;
    const STAGE: Stage = Stage::PerBucket;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<Minimum> {
        let Some(of) = &raw.of else {
            cx.say(msg!("rs-measure-kind-minimum-needs-measure"));
            return None;
        };
        let of = cx.measure(of, &["minimum", "survey_rate"], &msg!("rs-minimum-of-counts-rows"));
        let per = match raw.per.as_ref().map(|p| p.get_ref().as_str()) {
            Some("week") => Some(Bucket::Week),
            Some("month") => Some(Bucket::Month),
            _ => {
                let msg = msg!("rs-measure-kind-minimum-needs-per", one_of = one_of(&["week", "month"]));
                cx.refuse(&raw.per, msg);
                None
            }
        };
        let count = match raw.count.as_ref().map(|p| p.get_ref().as_str()) {
            None | Some("shortfall") => ShortCount::Shortfall,
            Some("bucket") => ShortCount::Bucket,
            Some(other) => {
                let msg = msg!("rs-count-expected", other = other, one_of = one_of(&["shortfall", "bucket"]));
                cx.c.at(raw.count.as_ref()?, msg);
                ShortCount::Shortfall
            }
        };
        if raw.at_least.is_none() && raw.at_least_by_area.is_none() {
            cx.say(msg!("rs-measure-kind-minimum-needs-least"));
        }
        let by_area: Vec<(String, Decimal)> = raw
            .at_least_by_area
            .iter()
            .flatten()
            .map(|(a, n)| (a.trim().to_string(), n.0))
            .collect();
        let at_least = raw.at_least.map(|d| d.0);
        if at_least.iter().chain(by_area.iter().map(|(_, n)| n)).any(|n| *n < Decimal::ZERO) {
            cx.say(msg!("rs-minimum-cannot-negative"));
        }
        Some(Minimum {
            of: of?,
            per: per?,
            // With only `at_least_by_area`, a roster 区域 it does not name needs nothing.
            at_least: at_least.unwrap_or_default(),
            by_area,
            count,
        })
    }

    fn compute(&self, cx: &WorkerCx, done: &[Value]) -> Value {
        let w = cx.worker;
        let need = self
            .by_area
            .iter()
            .find(|(area, _)| *area == w.area)
            .map_or(self.at_least, |(_, n)| *n);
        let sheet = cx.run.measures[self.of].kind.sheet().unwrap_or(SheetKind::Events);
        short_buckets(&done[self.of], self, need, sheet, w, cx.run.period)
    }
}

/// The buckets of the period in which `of` counted fewer than `need`. A bucket counts only
/// when the worker's 到岗–离岗 span covers all of it: nobody falls short of a week they were
/// not yet (or no longer) employed for.
fn short_buckets(of: &Value, m: &Minimum, need: Decimal, sheet: SheetKind, w: &Worker, period: Period) -> Value {
    let mut have: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    for o in of.occurrences() {
        if let Some(k) = o.date.and_then(|d| bucket::start_of(m.per, d)) {
            *have.entry(k).or_default() += o.amount;
        }
    }
    let mut out = Vec::new();
    for (start, end) in bucket::of_period(m.per, period) {
        if w.start.is_some_and(|s| s > start) || w.end.is_some_and(|e| e < end) {
            continue;
        }
        let got = have.get(&start).copied().unwrap_or_default();
        if got >= need {
            continue;
        }
        let amount = match m.count {
            ShortCount::Shortfall => need - got,
            ShortCount::Bucket => Decimal::ONE,
        };
        out.push(Occurrence {
            date: Some(start),
            amount,
            level: None,
            money: None,
            source: Source::Missing {
                sheet,
                date: start,
                why: Absent::BelowMinimum(Box::new(crate::trace::Shortfall { per: m.per, got, need })),
            },
        });
    }
    Value::Occurrences(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_text;

    #[test]
    fn a_minimum_of_an_unknown_measure_or_of_a_rate_is_refused_at_of() {
        let text = "[measures.m]\nkind = \"minimum\"\nlabel = \"每周\"\nof = \"visits\"\nper = \"week\"\nat_least = \"2\"\n";
        let p = check_text(text).unwrap_err();
        assert_eq!(p[0].0, "\"visits\"");
        assert!(p[0].1.contains("unknown measure `visits`"), "{p:?}");
        let text = "[measures.r]\nkind = \"survey_rate\"\nlabel = \"知晓率\"\nfield = \"aware\"\n\n[measures.m]\nkind = \"minimum\"\nlabel = \"每周\"\nof = \"r\"\nper = \"week\"\nat_least = \"2\"\n";
        let p = check_text(text).unwrap_err();
        assert!(p[0].1.contains("`of` must be a measure that counts rows, and `r` is a survey_rate"), "{p:?}");
    }

    #[test]
    fn a_minimum_needs_a_bucket_and_an_amount() {
        let text = "[measures.v]\nkind = \"events\"\nlabel = \"走访\"\ntypes = [\"走访\"]\n\n[measures.m]\nkind = \"minimum\"\nlabel = \"每周\"\nof = \"v\"\n";
        let messages: Vec<String> = check_text(text).unwrap_err().into_iter().map(|p| p.1).collect();
        assert!(messages[0].contains("needs `per`, one of `week`, `month`"), "{messages:?}");
        assert!(messages[1].contains("needs `at_least`"), "{messages:?}");
    }
}
