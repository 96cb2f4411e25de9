//! `deduct` and `add` lines: each line takes (or gives) `count × each` of a measure's
//! occurrences, or per occurrence by its level (`by_level`) or its row's 金额 (`from_row`);
//! `beyond`/`up_to` count only a band of each bucket's occurrences (病假每月超过3天, 每月20条以内,
//! 第21条起), a line's `cap` limits it (per month with `per = "month"`: 每月最高50元), and the
//! item's `cap` limits what its deduct lines take together (累计扣分不超过).
//!
//! ```toml
//! deduct = [
//!   { measure = "log_missing", each = "0.5" },
//!   { measure = "sick_days", each = "1", beyond = "3", per = "month" },
//! ]
//! ```
//! Traced as the document states it: `按时办结 3件 × 3 = 9`.
use super::{CheckCx, Facts, Trail};
use crate::bucket;
use crate::contract::RoleId;
use crate::measure::{Measure, MeasureKind, Occurrence, Value};
use crate::num::Dec;
use crate::period::Bucket;
use crate::positioned::{non_negative, one_of, Checker, Name};
use crate::trace::{LineBanded, Said};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub measure: Name,
    #[serde(default)]
    pub label: Option<String>,
    pub each: Option<Dec>,
    pub by_level: Option<Spanned<BTreeMap<String, Dec>>>,
    /// Each occurrence is worth its row's 金额 (the measure checks the range).
    #[serde(default)]
    pub from_row: bool,
    pub beyond: Option<Dec>,
    /// Per bucket, only the first this many count (每月20条以内).
    pub up_to: Option<Dec>,
    pub per: Option<Name>,
    pub roles: Option<Vec<Name>>,
    pub cap: Option<Spanned<Dec>>,
}

/// A leaf's lines, and the most its deduct lines may take off together.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    pub lines: Vec<Line>,
    /// 累计扣分不超过: the item's `cap`.
    pub cap: Option<Decimal>,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    /// The measure's unit (件), for the trace.
    pub unit: String,
    pub measure: usize,
    /// +1 for `add`, −1 for `deduct`.
    pub sign: Decimal,
    pub rate: Rate,
    /// Per bucket, only occurrences beyond this many count (病假每月超过3天).
    pub beyond: Option<Decimal>,
    /// Per bucket, only the first this many count (每月20条以内).
    pub up_to: Option<Decimal>,
    pub per: Bucket,
    pub roles: Option<Vec<RoleId>>,
    /// The most this line may give or take (per bucket when `per` is not the period).
    pub cap: Option<Decimal>,
}

/// What one occurrence is worth.
#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    Each(Decimal),
    ByLevel(Vec<(String, Decimal)>),
    /// The row's own 金额.
    FromRow,
}

impl Rate {
    /// Points (or yuan) of one occurrence under this rate. An undeclared level has no rate
    /// (validation makes that impossible); a row without 金额 under `from_row` was refused on
    /// reading.
    pub fn of(&self, o: &Occurrence) -> Decimal {
        match self {
            Rate::Each(e) => *e,
            Rate::ByLevel(levels) => o
                .level
                .as_ref()
                .and_then(|l| levels.iter().find(|(k, _)| k == l))
                .map_or(Decimal::ZERO, |(_, v)| *v),
            Rate::FromRow => o.money.unwrap_or_default(),
        }
    }
}

/// The levels a measure's occurrences can carry: the union of its event types' levels
/// (`None` for a measure of no events).
pub fn levels_of(m: &Measure, type_levels: &[&[String]]) -> Option<Vec<String>> {
    match &m.kind {
        MeasureKind::Events(e) if !e.levels.is_empty() => Some(e.levels.clone()),
        MeasureKind::Events(e) => {
            let mut out: Vec<String> = Vec::new();
            for t in &e.types {
                for l in type_levels[*t] {
                    if !out.contains(l) {
                        out.push(l.clone());
                    }
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// A rate written as `each` or `by_level` (exactly one); a pay rule's per-event rate too.
/// `levels` are those the measure's occurrences can carry ([`levels_of`]).
pub fn rate(
    c: &mut Checker,
    at: &Name,
    each: Option<Dec>,
    by_level: Option<&Spanned<BTreeMap<String, Dec>>>,
    levels: Option<Vec<String>>,
) -> Rate {
    match (each, by_level) {
        (Some(e), None) => {
            if e.0 < Decimal::ZERO {
                c.at(at, msg!("rs-each-cannot-negative-list-line"));
            }
            Rate::Each(e.0)
        }
        (None, Some(bl)) => {
            match levels {
                None => c.at(bl, msg!("rs-level-needs-events-measure-one", at = at.get_ref())),
                Some(levels) => {
                    if levels.is_empty() {
                        c.at(bl, msg!("rs-level-used-but-measure-s"));
                    }
                    for l in &levels {
                        if !bl.get_ref().contains_key(l) {
                            c.at(bl, msg!("rs-level-has-amount-level", l = l));
                        }
                    }
                    for l in bl.get_ref().keys() {
                        if !levels.contains(l) {
                            c.at(
                                bl,
                                msg!("rs-level-names-level-which-event", l = l, list = levels.join(", ")),
                            );
                        }
                    }
                }
            }
            for v in bl.get_ref().values() {
                non_negative(c, bl, v, &msg!("rs-what-rate"));
            }
            // Keep the order the event types declare, so traces read naturally.
            Rate::ByLevel(bl.get_ref().iter().map(|(k, v)| (k.clone(), v.0)).collect())
        }
        _ => {
            c.at(at, msg!("rs-give-exactly-one-each-level"));
            Rate::Each(Decimal::ZERO)
        }
    }
}

/// The deduct and add lines of a leaf (a deduction item takes deduct lines only) and the
/// item's `cap`; whether the cap limits anything is the item's check.
pub fn check(deduct: &[Raw], add: &[Raw], cap: Option<&Spanned<Dec>>, cx: &mut CheckCx) -> Lines {
    if cx.deduction && !add.is_empty() {
        cx.c.at(cx.at, msg!("rs-deduction-item-takes-deduct-lines", path = cx.path));
    }
    let mut lines = Vec::new();
    for (sign, list) in [(Decimal::NEGATIVE_ONE, deduct), (Decimal::ONE, add)] {
        for l in list {
            lines.push(check_line(l, sign, cx));
        }
    }
    Lines {
        lines,
        cap: cap.map(|x| x.get_ref().0),
    }
}

fn check_line(l: &Raw, sign: Decimal, cx: &mut CheckCx) -> Line {
    let c = &mut *cx.c;
    let mi = (cx.measure)(c, &l.measure);
    let measure = cx.measures.get(mi);
    let per = match l.per.as_ref().map(|p| p.get_ref().as_str()) {
        None | Some("period") => Bucket::Period,
        Some("month") => Bucket::Month,
        Some(other) => {
            // Not `week`: a line counts the period's own days, and a week may reach outside
            // it. Weeks are counted by a `minimum` measure.
            c.at(
                l.per.as_ref().unwrap_or(&l.measure),
                msg!(
                    "rs-per-expected-count-weeks-measure",
                    other = other,
                    one_of = one_of(&["period", "month"])
                ),
            );
            Bucket::Period
        }
    };
    if l.per.is_some() && l.beyond.is_none() && l.up_to.is_none() && l.cap.is_none() {
        c.at(&l.measure, msg!("rs-per-only-matters-beyond-up"));
    }
    if let (Some(b), Some(u)) = (l.beyond, l.up_to) {
        if u.0 < b.0 {
            c.at(&l.measure, msg!("rs-up-must-below-beyond"));
        }
    }
    if l.up_to.is_some_and(|u| u.0 < Decimal::ZERO) {
        c.at(&l.measure, msg!("rs-up-cannot-negative"));
    }
    if let Some(cap) = &l.cap {
        non_negative(c, cap, cap.get_ref(), &msg!("rs-what-cap"));
    }
    if let Some(b) = l.beyond {
        if b.0 < Decimal::ZERO {
            c.at(&l.measure, msg!("rs-beyond-cannot-negative"));
        }
    }
    if matches!(
        measure.map(|m| &m.kind),
        Some(MeasureKind::SurveyRate { .. } | MeasureKind::Ratio { .. })
    ) {
        c.at(&l.measure, msg!("rs-rate-scored-tier-scale-line"));
    }
    let rate = if l.from_row {
        if l.each.is_some() || l.by_level.is_some() {
            c.at(&l.measure, msg!("rs-from-row-pays-row-s"));
        }
        if !matches!(
            measure.map(|m| &m.kind),
            Some(MeasureKind::Events(crate::measure::events::Events {
                amount: Some(_),
                ..
            }))
        ) {
            c.at(&l.measure, msg!("rs-from-row-needs-events-measure"));
        }
        Rate::FromRow
    } else {
        let levels = measure.and_then(|m| levels_of(m, cx.type_levels));
        rate(c, &l.measure, l.each, l.by_level.as_ref(), levels)
    };
    Line {
        label: l
            .label
            .clone()
            .unwrap_or_else(|| measure.map(|m| m.label.clone()).unwrap_or_default()),
        unit: measure.map(|m| m.unit.clone()).unwrap_or_default(),
        measure: mi,
        sign,
        rate,
        beyond: l.beyond.map(|b| b.0),
        up_to: l.up_to.map(|u| u.0),
        per,
        roles: (cx.roles)(c, &l.roles),
        cap: l.cap.as_ref().map(|x| x.get_ref().0),
    }
}

impl Lines {
    /// Whether a deduct line is among them (the item's `cap` limits only those).
    pub fn deducts(&self) -> bool {
        self.lines.iter().any(|l| l.sign < Decimal::ZERO)
    }

    /// `start` plus every line that applies to the worker's role, then the item's cap on what
    /// the deduct lines took.
    pub(super) fn score(&self, start: Decimal, f: &Facts, trail: &mut Trail) -> Decimal {
        let mut v = start;
        let mut taken = Decimal::ZERO;
        for line in self
            .lines
            .iter()
            .filter(|l| crate::contract::plan::applies(&l.roles, f.who.role))
        {
            let value = &f.values[line.measure];
            let (count, points, said) = line.apply(value);
            if count.is_zero() && points.is_zero() {
                continue;
            }
            let signed = line.sign * points;
            if line.sign < Decimal::ZERO {
                taken += points;
            }
            let sources = value.occurrences().iter().map(|o| o.source.clone()).collect();
            trail.push(said, count, signed, sources);
            v += signed;
        }
        if let Some(c) = self.cap {
            if taken > c {
                let back = taken - c;
                trail.push(Said::DeductionsCapped { cap: c }, Decimal::ZERO, back, vec![]);
                v += back;
            }
        }
        v
    }
}

/// The points under a cap, and the cap when it held.
fn cap(points: Decimal, cap: Option<Decimal>) -> (Decimal, Option<Decimal>) {
    match cap {
        Some(c) if points > c => (c, Some(c)),
        _ => (points, None),
    }
}

impl Line {
    /// Applies the line: returns (counted occurrences, unsigned points, what the trace says).
    ///
    /// Without `beyond`, `up_to` or a per-bucket cap, every occurrence counts at its rate.
    /// Otherwise occurrences are grouped by bucket (the month, or the whole period) in date
    /// order, and in each bucket only the part of the count in (beyond, up_to] counts:
    /// 病假每月超过3天, 每月20条以内, 第21条起每条5元. A cap applies per bucket when `per` is a
    /// month (每月最高50元), else to the whole line.
    pub fn apply(&self, value: &Value) -> (Decimal, Decimal, Said) {
        let occs = value.occurrences();
        let per_bucket_cap = self.per != Bucket::Period && self.cap.is_some();
        if self.beyond.is_none() && self.up_to.is_none() && !per_bucket_cap {
            let count: Decimal = occs.iter().map(|o| o.amount).sum();
            let points: Decimal = occs.iter().map(|o| o.amount * self.rate.of(o)).sum();
            let (capped_points, capped) = cap(points, self.cap);
            // The arithmetic as the document states it: 按时办结 3件 × 3 = 9.
            let said = match self.rate {
                Rate::Each(each) => Said::LineEach {
                    label: crate::trace::label(&self.label),
                    count,
                    unit: crate::trace::label(&self.unit),
                    each,
                    points,
                    capped,
                },
                _ => Said::LineRate {
                    label: crate::trace::label(&self.label),
                    rate: self.rate.clone(),
                    capped,
                },
            };
            return (count, capped_points, said);
        }
        let mut ordered: Vec<&Occurrence> = occs.iter().collect();
        ordered.sort_by_key(|o| o.date);
        // Per bucket: (all occurrences, counted ones, points).
        let mut buckets: BTreeMap<Option<NaiveDate>, (Decimal, Decimal, Decimal)> = BTreeMap::new();
        let from = self.beyond.unwrap_or_default();
        for o in ordered {
            let b = buckets
                .entry(o.date.and_then(|d| bucket::start_of(self.per, d)))
                .or_default();
            let (lo, hi) = (b.0, b.0 + o.amount);
            b.0 = hi;
            let top = self.up_to.map_or(hi, |u| hi.min(u));
            let part = (top - lo.max(from)).max(Decimal::ZERO);
            b.1 += part;
            b.2 += part * self.rate.of(o);
        }
        let mut capped_any = false;
        let mut points = Decimal::ZERO;
        for b in buckets.values_mut() {
            if per_bucket_cap {
                if let Some(c) = self.cap.filter(|c| b.2 > *c) {
                    b.2 = c;
                    capped_any = true;
                }
            }
            points += b.2;
        }
        let counted: Decimal = buckets.values().map(|b| b.1).sum();
        let (points, capped) = if per_bucket_cap {
            (points, self.cap.filter(|_| capped_any))
        } else {
            cap(points, self.cap)
        };
        let said = Said::LineBanded(Box::new(LineBanded {
            label: self.label.clone(),
            per: self.per,
            beyond: self.beyond,
            up_to: self.up_to,
            rate: self.rate.clone(),
            counted,
            buckets: buckets
                .iter()
                .filter(|(_, b)| b.0 > Decimal::ZERO)
                .map(|(k, b)| (*k, b.0))
                .collect(),
            capped,
        }));
        (counted, points, said)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SheetKind;
    use crate::input::records::Src;
    use crate::output::said::text;
    use crate::trace::Source;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn o(m: u32, day: u32, amount: &str, level: Option<&str>) -> Occurrence {
        Occurrence {
            date: NaiveDate::from_ymd_opt(2026, m, day),
            amount: d(amount),
            level: level.map(str::to_string),
            money: None,
            source: Source::Row(Src {
                sheet: SheetKind::Attendance,
                row: day + 1,
            }),
        }
    }
    fn line(each: &str, beyond: Option<&str>, per: Bucket, cap: Option<&str>) -> Line {
        Line {
            label: "x".into(),
            unit: "次".into(),
            measure: 0,
            sign: Decimal::NEGATIVE_ONE,
            rate: Rate::Each(d(each)),
            beyond: beyond.map(d),
            up_to: None,
            per,
            roles: None,
            cap: cap.map(d),
        }
    }
    #[test]
    fn per_occurrence_deduction_multiplies_counts() {
        let v = Value::Occurrences(vec![o(7, 1, "1", None), o(7, 2, "3", None)]);
        let (count, points, _) = line("0.5", None, Bucket::Period, None).apply(&v);
        assert_eq!((count, points), (d("4"), d("2.0")));
    }

    #[test]
    fn a_line_s_trace_states_its_arithmetic_in_the_measure_s_unit() {
        // 3 cases on time × 3 = 9 (issue #16: 按时办结 3件 × 3 = 9).
        let v = Value::Occurrences(vec![o(7, 1, "2", None), o(7, 2, "1", None)]);
        let l = Line {
            label: "按时办结".into(),
            unit: "件".into(),
            sign: Decimal::ONE,
            ..line("3", None, Bucket::Period, None)
        };
        let (count, points, rule) = l.apply(&v);
        assert_eq!((count, points), (d("3"), d("9")));
        assert_eq!(text(&rule), "按时办结 3件 × 3 = 9");
        // Capped: the arithmetic, then the cap (12 × 3 = 36, 封顶30).
        let v = Value::Occurrences(vec![o(7, 1, "12", None)]);
        let (_, points, rule) = Line {
            cap: Some(d("30")),
            ..l
        }
        .apply(&v);
        assert_eq!(
            (points, text(&rule).as_str()),
            (d("30"), "按时办结 12件 × 3 = 36, 封顶30")
        );
    }

    #[test]
    fn monthly_threshold_counts_each_month_separately() {
        // July: 5 sick days (2 beyond 3); August: 3 (none beyond); September: 4 (1 beyond).
        let mut occs: Vec<Occurrence> = (1..=5).map(|x| o(7, x, "1", None)).collect();
        occs.extend((1..=3).map(|x| o(8, x, "1", None)));
        occs.extend((1..=4).map(|x| o(9, x, "1", None)));
        let (count, points, rule) = line("1", Some("3"), Bucket::Month, None).apply(&Value::Occurrences(occs));
        assert_eq!((count, points), (d("3"), d("3")), "{}", text(&rule));
        // The same 12 days over a quarter with no monthly bucket would be 9 beyond.
        let occs2: Vec<Occurrence> = (1..=12).map(|x| o(7, x, "1", None)).collect();
        let (count, ..) = line("1", Some("3"), Bucket::Period, None).apply(&Value::Occurrences(occs2));
        assert_eq!(count, d("9"));
    }

    #[test]
    fn a_line_cap_limits_its_points() {
        let v = Value::Occurrences((1..=12).map(|x| o(7, x, "1", None)).collect());
        let (_, points, rule) = line("0.5", None, Bucket::Period, Some("5")).apply(&v);
        assert_eq!(points, d("5"));
        assert!(text(&rule).contains("封顶5"), "{}", text(&rule));
    }

    #[test]
    fn by_level_rates_each_occurrence_by_its_level() {
        let l = Line {
            rate: Rate::ByLevel(vec![
                ("市".into(), d("2")),
                ("省".into(), d("4")),
                ("中央".into(), d("6")),
            ]),
            sign: Decimal::ONE,
            ..line("0", None, Bucket::Period, None)
        };
        let v = Value::Occurrences(vec![o(7, 1, "1", Some("省")), o(7, 2, "2", Some("市"))]);
        let (count, points, _) = l.apply(&v);
        assert_eq!((count, points), (d("3"), d("8")));
    }
}
