//! How an amount pays one in post for part of a period: the months a worker's 到岗–离岗 span
//! covers in full, a monthly amount over them (a part month paid as its rule says, D6.5), and a
//! whole-period amount scaled to them (D6.8). Shared by items (monthly amounts, score leaves)
//! and pay rules (subsidies, year-end amounts).
use crate::input::records::Worker;
use crate::num::round_fen;
use crate::period::Period;
use crate::trace::{MonthPart, PartOfPeriod};
use rust_decimal::Decimal;

/// How an amount for a whole period (a year-end reward) pays a worker whose 到岗–离岗 span
/// covers only part of it (docs/decisions.md D6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartPeriod {
    /// The whole amount, in post or not (titles, committee awards).
    #[default]
    Whole,
    /// The amount × the months of the period the span covers in full ÷ the period's months,
    /// to the fen (四舍五入): a year-end 3000 for one who joined on 07-01 is 1500.
    FullMonths,
}

/// How a monthly amount pays a month that the worker's 到岗–离岗 span covers only in part
/// (docs/decisions.md D6.5). Every monthly amount states it; the default is `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartMonth {
    /// Nothing for a part month: only months covered in full pay.
    #[default]
    None,
    /// The amount × calendar days in post ÷ days of the month, to the fen (四舍五入).
    ProRata,
    /// The whole amount for any month with a day in post.
    Full,
}

/// The months of the period the worker's 到岗–离岗 span covers in full: what a subsidy or a
/// monthly amount pays (one who joins on 8月1日 is paid August and September of Q3).
pub fn months_on_roster(w: &Worker, period: Period) -> Decimal {
    let covered = period
        .months()
        .iter()
        .filter(|m| w.start.is_none_or(|s| s <= m.first_day()) && w.end.is_none_or(|e| e >= m.last_day()))
        .count();
    Decimal::from(covered)
}

/// An amount for the whole period scaled to the months of it the worker's 到岗–离岗 span covers
/// in full (docs/decisions.md D6.8), to the fen, with its trace; `None` for one in post throughout.
pub fn part_of_period(amount: Decimal, w: &Worker, period: Period) -> Option<(Decimal, PartOfPeriod)> {
    let months = months_on_roster(w, period);
    let all = Decimal::from(period.months().len());
    if months == all {
        return None;
    }
    let scaled = round_fen(amount * months / all);
    Some((
        scaled,
        PartOfPeriod {
            months,
            of: all,
            amount,
            scaled,
        },
    ))
}

/// A monthly amount over the period for one worker, and its trace: `per_month` for each month
/// the 到岗–离岗 span covers in full, and for a month covered in part what `part` says
/// (docs/decisions.md D6.5) — pro rata by calendar days in post, each such month rounded half away
/// from zero to the fen. Returns the amount, the months counted (a part month as its
/// fraction), the months covered in full, and what each part month adds, for the trace (none
/// when no month is covered in part).
pub fn monthly_amount(
    per_month: Decimal,
    w: &Worker,
    period: Period,
    part: PartMonth,
) -> (Decimal, Decimal, Decimal, Vec<MonthPart>) {
    let full = months_on_roster(w, period);
    let mut amount = per_month * full;
    let mut months = full;
    let mut parts = Vec::new();
    for m in period.months() {
        let (first, last) = (m.first_day(), m.last_day());
        let from = w.start.map_or(first, |s| s.max(first));
        let to = w.end.map_or(last, |e| e.min(last));
        let covered = w.start.is_none_or(|s| s <= first) && w.end.is_none_or(|e| e >= last);
        if covered || from > to {
            continue;
        }
        let days = Decimal::from((to - from).num_days() + 1);
        let of = Decimal::from((last - first).num_days() + 1);
        match part {
            PartMonth::None => {}
            PartMonth::Full => {
                amount += per_month;
                months += Decimal::ONE;
                parts.push(MonthPart::Full {
                    month: m.index,
                    days,
                    amount: per_month,
                });
            }
            PartMonth::ProRata => {
                let a = round_fen(per_month * days / of);
                amount += a;
                months += days / of;
                parts.push(MonthPart::ProRata {
                    month: m.index,
                    days,
                    of,
                    per_month,
                    amount: a,
                });
            }
        }
    }
    (amount, months, full, parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::records::Worker;
    use std::str::FromStr;

    fn on(start: Option<(u32, u32)>, end: Option<(u32, u32)>) -> Worker {
        let day = |(m, d): (u32, u32)| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        Worker {
            start: start.map(day),
            end: end.map(day),
            ..Worker::for_test("1", 0, 2)
        }
    }

    #[test]
    fn a_part_month_pays_by_its_rule_none_pro_rata_or_full() {
        let q = Period::parse(crate::period::PeriodKind::Quarter, "2026Q3").unwrap();
        let w = on(Some((7, 15)), Some((9, 10)));
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // August in full; July 17 of 31 days, September 10 of 30.
        assert_eq!(monthly_amount(d("350"), &w, q, PartMonth::None).0, d("350"));
        // 350 + 350 × 17/31 (191.935… → 191.94) + 350 × 10/30 (116.666… → 116.67).
        let (a, months, full, parts) = monthly_amount(d("350"), &w, q, PartMonth::ProRata);
        let text = crate::output::said::parts(&parts);
        assert_eq!((a, full), (d("658.61"), d("1")));
        assert!(months > d("1.88") && months < d("1.89"), "{months}");
        assert!(
            text.contains("7月在岗17/31天") && text.contains("9月在岗10/30天"),
            "{text}"
        );
        assert_eq!(monthly_amount(d("350"), &w, q, PartMonth::Full).0, d("1050"));
        // In post all quarter: three months whatever the rule.
        assert_eq!(
            monthly_amount(d("350"), &on(None, None), q, PartMonth::ProRata).0,
            d("1050")
        );
    }
}
