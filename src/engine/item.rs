//! Scoring primitives for items: tiers, per-occurrence lines (with per-bucket thresholds,
//! levels and caps), floors and maxima. Each applied rule leaves a trace line.
use crate::bucket;
use crate::measure::{Occurrence, Value};
use crate::num::show;
use crate::rules::{Bucket, Item, ItemBody, Leaf, Line, Rate, RoleId, RuleSet, Scale, Scoring, Tier};
use crate::trace::{TraceLine, Unit};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn rate_text(rate: &Rate) -> String {
    match rate {
        Rate::Each(e) => format!("每次{}", show(*e)),
        Rate::ByLevel(ls) => ls
            .iter()
            .map(|(l, v)| format!("{l}{}", show(*v)))
            .collect::<Vec<_>>()
            .join("/"),
        Rate::FromRow => "按金额".to_string(),
    }
}

fn per_text(per: Bucket) -> &'static str {
    match per {
        Bucket::Period => "",
        Bucket::Month => "每月",
        Bucket::Week => "每周",
    }
}

/// Applies one line: returns (counted occurrences, unsigned points, rule text).
///
/// Without `beyond`, `up_to` or a per-bucket cap, every occurrence counts at its rate.
/// Otherwise occurrences are grouped by bucket (the month, or the whole period) in date order,
/// and in each bucket only the part of the count in (beyond, up_to] counts: 病假每月超过3天,
/// 每月20条以内, 第21条起每条5元. A cap applies per bucket when `per` is a month (每月最高50元),
/// else to the whole line.
pub fn apply_line(line: &Line, value: &Value) -> (Decimal, Decimal, String) {
    let occs = value.occurrences();
    let per_bucket_cap = line.per != Bucket::Period && line.cap.is_some();
    if line.beyond.is_none() && line.up_to.is_none() && !per_bucket_cap {
        let count: Decimal = occs.iter().map(|o| o.amount).sum();
        let points: Decimal = occs.iter().map(|o| o.amount * line.rate.of(o)).sum();
        let (capped_points, capped) = cap(points, line.cap);
        // The arithmetic as the document states it: 按时办结 3件 × 3 = 9.
        let rule = match line.rate {
            Rate::Each(e) => format!(
                "{} {}{} × {} = {}{}",
                line.label,
                show(count),
                line.unit,
                show(e),
                show(points),
                capped
            ),
            _ => format!("{} {}{}", line.label, rate_text(&line.rate), capped),
        };
        return (count, capped_points, rule);
    }
    let mut ordered: Vec<&Occurrence> = occs.iter().collect();
    ordered.sort_by_key(|o| o.date);
    // Per bucket: (all occurrences, counted ones, points).
    let mut buckets: BTreeMap<Option<NaiveDate>, (Decimal, Decimal, Decimal)> = BTreeMap::new();
    let from = line.beyond.unwrap_or_default();
    for o in ordered {
        let b = buckets
            .entry(o.date.and_then(|d| bucket::start_of(line.per, d)))
            .or_default();
        let (lo, hi) = (b.0, b.0 + o.amount);
        b.0 = hi;
        let top = line.up_to.map_or(hi, |u| hi.min(u));
        let part = (top - lo.max(from)).max(Decimal::ZERO);
        b.1 += part;
        b.2 += part * line.rate.of(o);
    }
    let mut capped_any = false;
    let mut points = Decimal::ZERO;
    for b in buckets.values_mut() {
        if per_bucket_cap {
            if let Some(c) = line.cap.filter(|c| b.2 > *c) {
                b.2 = c;
                capped_any = true;
            }
        }
        points += b.2;
    }
    let counted: Decimal = buckets.values().map(|b| b.1).sum();
    let (points, capped) = if per_bucket_cap {
        let c = line.cap.unwrap_or_default();
        (
            points,
            if capped_any {
                format!(", {}封顶{}", per_text(line.per), show(c))
            } else {
                String::new()
            },
        )
    } else {
        cap(points, line.cap)
    };
    let detail: Vec<String> = buckets
        .iter()
        .filter(|(_, b)| b.0 > Decimal::ZERO)
        .map(|(k, b)| match k {
            Some(start) => format!("{}{}", bucket::label(line.per, *start), show(b.0)),
            None => show(b.0),
        })
        .collect();
    let band = match (line.beyond, line.up_to) {
        (Some(b), None) => format!("超过{}的部分", show(b)),
        (None, Some(u)) => format!("前{}次", show(u)),
        (Some(b), Some(u)) => format!("第{}至{}次", show(b + Decimal::ONE), show(u)),
        (None, None) => String::new(),
    };
    let rule = format!(
        "{} {}{band} {} (共{}: {}){capped}",
        line.label,
        per_text(line.per),
        rate_text(&line.rate),
        show(counted),
        detail.join(", ")
    );
    (counted, points, rule)
}

fn cap(points: Decimal, cap: Option<Decimal>) -> (Decimal, String) {
    match cap {
        Some(c) if points > c => (c, format!(", 封顶{}", show(c))),
        _ => (points, String::new()),
    }
}

/// The tier an item's rate falls in: (points, rule text).
pub fn apply_tier(tier: &Tier, rate: Decimal) -> (Decimal, String) {
    for (threshold, points) in &tier.at_least {
        if rate >= *threshold {
            return (
                *points,
                format!("≥{}% 得{}", show(*threshold * Decimal::ONE_HUNDRED), show(*points)),
            );
        }
    }
    let lowest = tier.at_least.last().map(|(t, _)| *t).unwrap_or_default();
    (
        tier.otherwise,
        format!("<{}% 得{}", show(lowest * Decimal::ONE_HUNDRED), show(tier.otherwise)),
    )
}

/// Scores an item tree for one worker: fills `values` (one per item in [`flatten`] order) and
/// returns the item's points.
/// What an item needs to know of the subject: its role, and the months of the period its
/// 到岗–离岗 span covers in full (for monthly amounts).
#[derive(Clone, Copy)]
pub struct Who<'a> {
    pub role: RoleId,
    /// The worker (its 到岗–离岗 span, for monthly amounts).
    pub worker: &'a crate::input::records::Worker,
    /// The run's period (an item may be scored in year runs only).
    pub run: crate::period::Period,
    /// The subject's 编号, and the earlier runs (for sums over runs).
    pub id: &'a str,
    pub past: &'a [super::PastRun],
}

pub fn score_item(
    item: &Item,
    w: Who,
    measures: &[Value],
    rules: &RuleSet,
    values: &mut Vec<Decimal>,
    trace: &mut Vec<TraceLine>,
) -> Decimal {
    let slot = values.len();
    values.push(Decimal::ZERO);
    let in_run = item.periods.as_ref().is_none_or(|ps| ps.contains(&w.run.kind));
    if !RuleSet::applies(&item.roles, w.role) || !in_run {
        // Skip the parts' slots too, so columns stay aligned.
        values.extend(std::iter::repeat_n(Decimal::ZERO, count_items(item) - 1));
        return Decimal::ZERO;
    }
    let v = match &item.body {
        ItemBody::Parts(parts) => parts
            .iter()
            .map(|p| score_item(p, w, measures, rules, values, trace))
            .sum(),
        ItemBody::Leaf(leaf) => {
            let from = trace.len();
            let v = score_leaf(item, leaf, w, measures, rules, trace);
            if rules.meta.money {
                trace[from..].iter_mut().for_each(|l| l.unit = Unit::Yuan);
            }
            v
        }
    };
    values[slot] = v;
    v
}

fn count_items(item: &Item) -> usize {
    1 + match &item.body {
        ItemBody::Parts(ps) => ps.iter().map(count_items).sum(),
        ItemBody::Leaf(_) => 0,
    }
}

fn line_for(
    item: &Item,
    rule: String,
    count: Decimal,
    value: Decimal,
    sources: Vec<crate::trace::Source>,
) -> TraceLine {
    TraceLine {
        item: item.path.clone(),
        item_label: item.label.clone(),
        rule,
        count,
        value,
        // Set to yuan by `score_item` for a money scheme.
        unit: Unit::Points,
        sources,
    }
}

/// A rate measure's value, its sources and how it was found (`给定` or `yes/answered`).
fn rate_of_measure(v: &Value) -> (Decimal, Vec<crate::trace::Source>, String) {
    match v {
        Value::Rate {
            rate,
            yes,
            answered,
            given,
            sources,
        } => {
            let how = if *given {
                "给定".to_string()
            } else {
                format!("{}/{}", show(*yes), show(*answered))
            };
            (*rate, sources.clone(), how)
        }
        Value::Occurrences(_) => (Decimal::ZERO, vec![], String::new()),
    }
}

/// A rate as a percentage (95.5%); a number given as such (an inspection score) as itself.
fn value_text(rules: &RuleSet, measure: usize, v: Decimal) -> String {
    match &rules.measures[measure].kind {
        crate::rules::MeasureKind::Indicator(i) if i.mode == crate::rules::IndicatorMode::Number => show(v),
        _ => format!("{}%", show((v * Decimal::ONE_HUNDRED).round_dp(2))),
    }
}

/// `points × rate`, rounded half up (away from zero) to the scale's places.
pub fn scale_points(sc: &Scale, rate: Decimal) -> Decimal {
    (sc.points * rate).round_dp_with_strategy(sc.dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn score_leaf(
    item: &Item,
    leaf: &Leaf,
    w: Who,
    measures: &[Value],
    rules: &RuleSet,
    trace: &mut Vec<TraceLine>,
) -> Decimal {
    let mut v = leaf.start;
    if leaf.part_period == crate::rules::PartPeriod::FullMonths && !v.is_zero() {
        if let Some((scaled, how)) = super::in_post::part_of_period(v, w.worker, w.run) {
            trace.push(line_for(item, how, Decimal::ZERO, scaled - v, vec![]));
            v = scaled;
        }
    }
    match &leaf.scoring {
        Scoring::Tier(t) => {
            let (rate, srcs, how) = rate_of_measure(&measures[t.measure]);
            let (points, rule) = apply_tier(t, rate);
            let label = &rules.measures[t.measure].label;
            trace.push(line_for(
                item,
                format!("{label} {} ({how}) {rule}", value_text(rules, t.measure, rate)),
                rate,
                points,
                srcs,
            ));
            v = points;
        }
        Scoring::Monthly {
            by_role,
            share,
            part_month,
        } => {
            let base = by_role.get(w.role).copied().flatten().unwrap_or_default();
            let per_month = base * *share;
            let (amount, months, full, parts) = super::in_post::monthly_amount(per_month, w.worker, w.run, *part_month);
            let rule = format!(
                "每月{} × {} × {}个月{parts} = {}",
                show(base),
                show(*share),
                show(full),
                show(amount)
            );
            trace.push(line_for(item, rule, months, amount, vec![]));
            v = amount;
        }
        Scoring::SumOfRuns { per, item: path } => {
            let mut parts = Vec::new();
            let mut sum = Decimal::ZERO;
            let mut runs: Vec<&super::PastRun> = w
                .past
                .iter()
                .filter(|r| r.period.kind == *per && w.run.contains(r.period.first_day()))
                .collect();
            runs.sort_by_key(|r| r.period);
            for r in runs {
                // Not on that run's roster, or the item did not apply: nothing (a value that
                // did not read was refused when the run was loaded).
                let v = r
                    .subjects
                    .get(w.id)
                    .and_then(|s| s.values.get(path))
                    .copied()
                    .unwrap_or_default();
                sum += v;
                parts.push(format!("{} {}", r.period, show(v)));
            }
            let rule = format!("{path} 各期之和: {} = {}", parts.join(" + "), show(sum));
            trace.push(line_for(item, rule, Decimal::from(parts.len()), sum, vec![]));
            v = sum;
        }
        Scoring::Scale(sc) => {
            let (rate, srcs, how) = rate_of_measure(&measures[sc.measure]);
            let points = scale_points(sc, rate);
            let label = &rules.measures[sc.measure].label;
            let rule = match (&rules.measures[sc.measure].kind, &measures[sc.measure]) {
                // A computed rate reads as the document's 按比例: 10 × 18/22 = 8.18.
                (crate::rules::MeasureKind::Ratio(_), Value::Rate { yes, answered, .. }) if !answered.is_zero() => {
                    format!(
                        "{label} 按比例: {} × {}/{} = {}",
                        show(sc.points),
                        show(*yes),
                        show(*answered),
                        show(points)
                    )
                }
                (crate::rules::MeasureKind::Ratio(_), _) => {
                    format!("{label} 无应完成, 按全额: {}", show(points))
                }
                _ => format!(
                    "{label} {} ({how}) × {} = {}",
                    value_text(rules, sc.measure, rate),
                    show(sc.points),
                    show(points)
                ),
            };
            trace.push(line_for(item, rule, rate, points, srcs));
            v = points;
        }
        Scoring::Lines(lines) => {
            let mut taken = Decimal::ZERO;
            for line in lines.iter().filter(|l| RuleSet::applies(&l.roles, w.role)) {
                let value = &measures[line.measure];
                let (count, points, rule) = apply_line(line, value);
                if count.is_zero() && points.is_zero() {
                    continue;
                }
                let signed = line.sign * points;
                if line.sign < Decimal::ZERO {
                    taken += points;
                }
                let sources = value.occurrences().iter().map(|o| o.source.clone()).collect();
                trace.push(line_for(item, rule, count, signed, sources));
                v += signed;
            }
            if let Some(c) = leaf.cap {
                if taken > c {
                    let back = taken - c;
                    trace.push(line_for(
                        item,
                        format!("累计扣分不超过{}", show(c)),
                        Decimal::ZERO,
                        back,
                        vec![],
                    ));
                    v += back;
                }
            }
        }
    }
    if let Some(f) = leaf.floor {
        if v < f {
            trace.push(line_for(
                item,
                format!("扣完为止 (不低于{})", show(f)),
                Decimal::ZERO,
                f - v,
                vec![],
            ));
            v = f;
        }
    }
    if let Some(m) = item.max {
        if v > m {
            // A score item's max is its full marks; a bonus item's, its cap (加分最多…).
            let what = if item.kind == crate::rules::ItemKind::Score {
                "不超过满分"
            } else {
                "封顶"
            };
            trace.push(line_for(
                item,
                format!("{what}{}", show(m)),
                Decimal::ZERO,
                m - v,
                vec![],
            ));
            v = m;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SheetKind;
    use crate::input::records::Src;
    use crate::trace::Source;
    use chrono::NaiveDate;

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
    fn tier() -> Tier {
        Tier {
            measure: 0,
            at_least: vec![
                (d("1"), d("10")),
                (d("0.9"), d("8")),
                (d("0.8"), d("6")),
                (d("0.7"), d("4")),
                (d("0.6"), d("2")),
            ],
            otherwise: d("0"),
        }
    }

    #[test]
    fn tier_edges_are_inclusive_and_unrounded() {
        let t = tier();
        assert_eq!(apply_tier(&t, d("1")).0, d("10"));
        assert_eq!(apply_tier(&t, d("0.9")).0, d("8"), "exactly 90% is ≥90%");
        assert_eq!(apply_tier(&t, d("0.8999")).0, d("6"), "89.99% is not rounded up");
        assert_eq!(apply_tier(&t, Decimal::from(2) / Decimal::from(3)).0, d("2"));
        assert_eq!(apply_tier(&t, d("0.5999")).0, d("0"));
    }

    #[test]
    fn per_occurrence_deduction_multiplies_counts() {
        let v = Value::Occurrences(vec![o(7, 1, "1", None), o(7, 2, "3", None)]);
        let (count, points, _) = apply_line(&line("0.5", None, Bucket::Period, None), &v);
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
        let (count, points, rule) = apply_line(&l, &v);
        assert_eq!((count, points), (d("3"), d("9")));
        assert_eq!(rule, "按时办结 3件 × 3 = 9");
        // Capped: the arithmetic, then the cap (12 × 3 = 36, 封顶30).
        let v = Value::Occurrences(vec![o(7, 1, "12", None)]);
        let (_, points, rule) = apply_line(
            &Line {
                cap: Some(d("30")),
                ..l
            },
            &v,
        );
        assert_eq!((points, rule.as_str()), (d("30"), "按时办结 12件 × 3 = 36, 封顶30"));
    }

    #[test]
    fn monthly_threshold_counts_each_month_separately() {
        // July: 5 sick days (2 beyond 3); August: 3 (none beyond); September: 4 (1 beyond).
        let mut occs: Vec<Occurrence> = (1..=5).map(|x| o(7, x, "1", None)).collect();
        occs.extend((1..=3).map(|x| o(8, x, "1", None)));
        occs.extend((1..=4).map(|x| o(9, x, "1", None)));
        let (count, points, rule) = apply_line(&line("1", Some("3"), Bucket::Month, None), &Value::Occurrences(occs));
        assert_eq!((count, points), (d("3"), d("3")), "{rule}");
        // The same 12 days over a quarter with no monthly bucket would be 9 beyond.
        let occs2: Vec<Occurrence> = (1..=12).map(|x| o(7, x, "1", None)).collect();
        let (count, ..) = apply_line(&line("1", Some("3"), Bucket::Period, None), &Value::Occurrences(occs2));
        assert_eq!(count, d("9"));
    }

    #[test]
    fn a_line_cap_limits_its_points() {
        let v = Value::Occurrences((1..=12).map(|x| o(7, x, "1", None)).collect());
        let (_, points, rule) = apply_line(&line("0.5", None, Bucket::Period, Some("5")), &v);
        assert_eq!(points, d("5"));
        assert!(rule.contains("封顶5"), "{rule}");
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
        let (count, points, _) = apply_line(&l, &v);
        assert_eq!((count, points), (d("3"), d("8")));
    }
}
