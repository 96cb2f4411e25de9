//! A trace line's words: what [`Said`] holds, as the 明细 sheet and `explain` show it.
//!
//! The engine keeps what each rule found as data (`crate::trace`); this is the one place that
//! turns it into words: the document's own phrasing (`≥90% 得8`, `按比例: 10 × 18/22 = 8.18`,
//! `扣完为止 (不低于0)`) and its English for `explain --lang en`. The workbooks and CSV files
//! are always in Chinese ([`text`], [`sources_text`]): they are the office's record, and the
//! same inputs give the same bytes in either language. Labels (an item's, a grade's, a
//! sheet's) are the rule set's and the inputs' own words in either language.
//!
//! Each line's two phrasings stand side by side in one `say!`, with the same figures, so a
//! change to one is seen beside the other.
use crate::i18n::Lang;
use crate::num::{show, show_money};
use crate::period::Bucket;
use crate::scoring::lines::Rate;
use crate::trace::{
    Absent, DecisionSaid, Did, Factor, LineBanded, MonthPart, PartOfPeriod, QuotaPlace, Reading, ReadingHow, Said,
    Source, TierBound, WithheldWhy,
};
use rust_decimal::Decimal;
use std::fmt::Write;

/// Writes the Chinese or the English phrasing of one piece, with the same arguments.
macro_rules! say {
    ($o:expr, $l:expr, $zh:literal, $en:literal $(, $a:expr)* $(,)?) => {
        match $l {
            Lang::Zh => write!($o, $zh $(, $a)*),
            Lang::En => write!($o, $en $(, $a)*),
        }
    };
}

/// The line's text as the workbooks hold it.
pub fn text(s: &Said) -> String {
    text_in(s, Lang::Zh)
}

/// The line's text in a language (`explain`).
pub fn text_in(s: &Said, l: Lang) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = said(s, &mut out, l);
    out
}

/// Picks one of two words.
fn pick(l: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match l {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn said(s: &Said, o: &mut String, l: Lang) -> std::fmt::Result {
    match s {
        Said::Nothing => Ok(()),
        Said::Tier { .. }
        | Said::Scale { .. }
        | Said::ScaleRatio { .. }
        | Said::ScaleNothingRequired { .. }
        | Said::Monthly(_)
        | Said::SumOfRuns { .. } => leaf(s, o, l),
        Said::LineEach {
            label,
            count,
            unit,
            each,
            points,
            capped,
        } => write!(
            o,
            "{label} {}{unit} × {} = {}{}",
            show(*count),
            show(*each),
            show(*points),
            cap_text(Bucket::Period, *capped, l)
        ),
        Said::LineRate { label, rate, capped } => {
            write!(
                o,
                "{label} {}{}",
                rate_text(rate, l),
                cap_text(Bucket::Period, *capped, l)
            )
        }
        Said::LineBanded(b) => banded(b, o, l),
        Said::DeductionsCapped { cap } => say!(o, l, "累计扣分不超过{}", "deductions at most {} in all", show(*cap)),
        Said::PartPeriod(p) => part_of_period(p, o, l),
        Said::Floor { floor } => say!(o, l, "扣完为止 (不低于{})", "deductions stop at {}", show(*floor)),
        Said::Max { max, full_marks } => {
            // A score item's max is its full marks; a bonus item's, its cap (加分最多…).
            let what = match full_marks {
                true => pick(l, "不超过满分", "capped at full marks "),
                false => pick(l, "封顶", "capped at "),
            };
            write!(o, "{what}{}", show(*max))
        }
        Said::Counted {
            points,
            factors,
            counted,
        } => counted_text(*points, factors, *counted, o, l),
        Said::Veto { label } => write!(o, "{label}"),
        Said::VetoPending { label } => say!(
            o,
            l,
            "{label} 待确认 (规则集: 须经集体讨论认定): 暂按未否决评定, 发放暂缓",
            "{label} awaiting confirmation (the rule set: the committee decides): graded as not vetoed \
             for now, pay held"
        ),
        Said::Flag { label, measure, value } => write!(o, "{label} ({measure} {})", show(*value)),
        Said::LookBack { label, runs } => {
            let runs: Vec<String> = runs.iter().map(|p| p.to_string()).collect();
            write!(o, "{label} ({})", runs.join(pick(l, "、", ", ")))
        }
        Said::Quota(q) => quota(q, o, l),
        Said::Honor { .. } => honor(s, o, l),
        Said::Decision(d) => decision(d, o, l),
        Said::PayByGrade { .. }
        | Said::PayGradeParam { .. }
        | Said::PayItem { .. }
        | Said::PayParamBands { .. }
        | Said::PayPerEvent { .. }
        | Said::PaySubsidy(_)
        | Said::PayScaled(_)
        | Said::Withheld { .. }
        | Said::Pool { .. } => pay(s, o, l),
    }
}

/// How a leaf scored from its measure: a tier, a scale, a monthly amount, a sum over runs.
fn leaf(s: &Said, o: &mut String, l: Lang) -> std::fmt::Result {
    match s {
        Said::Tier {
            label,
            reading,
            bound,
            points,
        } => {
            write!(o, "{label} {} ({}) ", value(reading), how(reading, l))?;
            match bound {
                TierBound::AtLeast(t) => say!(o, l, "≥{}% 得{}", "≥{}%: {} points", percent(*t), show(*points)),
                TierBound::Below(t) => say!(o, l, "<{}% 得{}", "<{}%: {} points", percent(*t), show(*points)),
            }
        }
        Said::Scale {
            label,
            reading,
            full,
            points,
        } => write!(
            o,
            "{label} {} ({}) × {} = {}",
            value(reading),
            how(reading, l),
            show(*full),
            show(*points)
        ),
        Said::ScaleRatio {
            label,
            full,
            done,
            required,
            points,
        } => say!(
            o,
            l,
            "{label} 按比例: {} × {}/{} = {}",
            "{label} pro rata: {} × {}/{} = {}",
            show(*full),
            show(*done),
            show(*required),
            show(*points)
        ),
        Said::ScaleNothingRequired { label, points } => say!(
            o,
            l,
            "{label} 无应完成, 按全额: {}",
            "{label} nothing required, full marks: {}",
            show(*points)
        ),
        Said::Monthly(m) => say!(
            o,
            l,
            "每月{} × {} × {}{}{} = {}",
            "{} a month × {} × {}{}{} = {}",
            show(m.base),
            show(m.share),
            show(m.full_months),
            months(m.full_months, l, "个月"),
            parts_in(&m.parts, l),
            show(m.amount)
        ),
        Said::SumOfRuns { item, runs, sum } => {
            let each: Vec<String> = runs.iter().map(|(p, v)| format!("{p} {}", show(*v))).collect();
            say!(
                o,
                l,
                "{item} 各期之和: {} = {}",
                "{item} sum over the runs: {} = {}",
                each.join(" + "),
                show(*sum)
            )
        }
        // `said` sends only these lines here.
        _ => Ok(()),
    }
}

/// A pay rule's line: `等次 优秀 → 1,200.00元`, `月补贴…`, a withheld payment's reason.
fn pay(s: &Said, o: &mut String, l: Lang) -> std::fmt::Result {
    match s {
        Said::PayByGrade { grade, amount } => {
            say!(
                o,
                l,
                "等次 {grade} → {}元",
                "grade {grade} → {} yuan",
                show_money(*amount)
            )
        }
        Said::PayGradeParam { grade, param, amount } => {
            say!(
                o,
                l,
                "{grade}: {param} = {}元",
                "{grade}: {param} = {} yuan",
                show_money(*amount)
            )
        }
        Said::PayItem { label, amount } => say!(o, l, "{label} {}元", "{label} {} yuan", show_money(*amount)),
        Said::PayParamBands { param, value, amount } => say!(
            o,
            l,
            "{param} = {} → {}元",
            "{param} = {} → {} yuan",
            show(*value),
            show_money(*amount)
        ),
        Said::PayPerEvent {
            label,
            by_level,
            amount,
        } => {
            let each: Vec<String> = by_level
                .iter()
                .map(|(lv, c)| match l {
                    Lang::Zh => format!("{lv}{}条", show(*c)),
                    Lang::En => format!("{lv} × {}", show(*c)),
                })
                .collect();
            say!(
                o,
                l,
                "{label} {} = {}元",
                "{label} {} = {} yuan",
                each.join(pick(l, "、", ", ")),
                show_money(*amount)
            )
        }
        Said::PaySubsidy(s) => say!(
            o,
            l,
            "月补贴{}元 × {}{}{} × {} ({}) = {}元",
            "subsidy {} yuan a month × {}{}{} × {} ({}) = {} yuan",
            show_money(s.monthly),
            show(s.full_months),
            months(s.full_months, l, "个月"),
            parts_in(&s.parts, l),
            show(s.factor),
            s.grade,
            show_money(s.amount)
        ),
        Said::PayScaled(b) => {
            let (due, part) = &**b;
            said(due, o, l)?;
            o.push_str("; ");
            part_of_period(part, o, l)
        }
        Said::Withheld { why, amount } => match why {
            WithheldWhy::NoReward => say!(
                o,
                l,
                "不享受奖励 (花名册), 应得{}元不予发放",
                "not rewarded (the roster): {} yuan due, not paid",
                show_money(*amount)
            ),
            WithheldWhy::Vetoed => say!(
                o,
                l,
                "一票否决, 应得{}元不予发放",
                "vetoed: {} yuan due, not paid",
                show_money(*amount)
            ),
        },
        Said::Pool {
            from,
            withheld,
            takers,
            share,
            remainder_at,
        } => {
            say!(
                o,
                l,
                "{from}合计扣发{}元 ÷ {takers}人 = {}元",
                "{from}: {} yuan withheld in all ÷ {takers} = {} yuan",
                show_money(*withheld),
                show_money(*share)
            )?;
            match remainder_at {
                Some(pos) => say!(
                    o,
                    l,
                    " + 余数0.01元 (第{pos}位)",
                    " + the remaining 0.01 yuan (place {pos})"
                ),
                None => Ok(()),
            }
        }
        // `said` sends only the pay lines here, and words every other line itself.
        _ => Ok(()),
    }
}

/// `计入总分: 8 × 权重0.5 × 区域系数(城区)1.1 = 4.4`.
fn counted_text(points: Decimal, factors: &[Factor], counted: Decimal, o: &mut String, l: Lang) -> std::fmt::Result {
    say!(o, l, "计入总分: {}", "counted in the total: {}", show(points))?;
    for f in factors {
        match f {
            Factor::Weight(w) => say!(o, l, " × 权重{}", " × weight {}", show(*w))?,
            Factor::Area { area, value } => {
                let shown = if area.is_empty() {
                    pick(l, "未填", "blank")
                } else {
                    area
                };
                say!(
                    o,
                    l,
                    " × 区域系数({shown}){}",
                    " × area factor ({shown}) {}",
                    show(*value)
                )?
            }
            Factor::Param { name, value } => write!(o, " × {name}{}", show(*value))?,
        }
    }
    write!(o, " = {}", show(counted))
}

/// `优秀网格长 第3名; 名额 4 = 0.2 × 20人 (四舍五入)`, and a tie taken in with it.
fn honor(s: &Said, o: &mut String, l: Lang) -> std::fmt::Result {
    let Said::Honor {
        label,
        rank,
        places,
        share,
        of,
        tied,
    } = s
    else {
        return Ok(());
    };
    let tie = match tied {
        true => pick(l, "; 同分并列, 一并评为", "; tied at the line, named too"),
        false => "",
    };
    say!(
        o,
        l,
        "{label} 第{rank}名; 名额 {places} = {} × {of}人 (四舍五入){tie}",
        "{label} rank {rank}; places {places} = {} × {of} (rounded half up){tie}",
        show(*share)
    )
}

/// The sources as one cell's text: `考勤!12, 巡查:2026-07-03(无巡查记录)`, shortened past
/// `limit` bytes with a count of what was left out (Excel cells hold 32,767 characters).
pub fn sources_text(sources: &[Source], limit: usize) -> String {
    sources_text_in(sources, limit, Lang::Zh)
}

/// The sources in a language (`explain`): a row is its sheet and row in either.
pub fn sources_text_in(sources: &[Source], limit: usize, l: Lang) -> String {
    let mut out = String::new();
    let mut piece = String::new();
    for (i, s) in sources.iter().enumerate() {
        piece.clear();
        let _ = source(s, &mut piece, l);
        if out.len() + piece.len() + 2 > limit {
            let _ = say!(out, l, " …(另{}条)", " …(+{} more)", sources.len() - i);
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&piece);
    }
    out
}

/// A row as `考勤!12`; an absent one as its sheet, date and why (`巡查:2026-07-03(仅上午)`).
fn source(s: &Source, o: &mut String, l: Lang) -> std::fmt::Result {
    match s {
        // As `Src` shows itself, without the formatting machinery: a province's 明细 names
        // three and a half million rows.
        Source::Row(src) => {
            o.push_str(src.sheet.label());
            o.push('!');
            o.push_str(itoa::Buffer::new().format(src.row));
            Ok(())
        }
        Source::Missing { sheet, date, why } => {
            write!(o, "{}:{date}(", sheet.label())?;
            match why {
                Absent::NotAtPost => o.push_str(pick(l, "未到岗", "not at post")),
                Absent::NoValue(field) => say!(o, l, "无{}", "no {}", field.label())?,
                Absent::NoPatrol => o.push_str(pick(l, "无巡查记录", "no patrol")),
                Absent::OnlySession(s) => match l {
                    Lang::Zh => write!(o, "仅{}", s.label())?,
                    Lang::En => write!(o, "only the {}", s.key())?,
                },
                Absent::TooFewPatrols => o.push_str(pick(l, "巡查不足", "too few patrols")),
                Absent::BelowMinimum(s) => {
                    write!(o, "{} {}/{}", bucket_label(s.per, *date, l), show(s.got), show(s.need))?
                }
            }
            o.push(')');
            Ok(())
        }
    }
}

/// A bucket as `7月` or `7/6–7/12周`; in English as `month 7`, `week 7/6–7/12`.
fn bucket_label(per: Bucket, start: chrono::NaiveDate, l: Lang) -> String {
    use chrono::Datelike;
    match (l, per) {
        (Lang::Zh, _) | (_, Bucket::Period) => crate::bucket::label(per, start),
        (Lang::En, Bucket::Month) => format!("month {}", start.month()),
        (Lang::En, Bucket::Week) => {
            let end = start + chrono::Duration::days(6);
            format!("week {}/{}–{}/{}", start.month(), start.day(), end.month(), end.day())
        }
    }
}

/// A share as a percentage's figure: 0.9 → 90.
fn percent(t: Decimal) -> String {
    show(t * Decimal::ONE_HUNDRED)
}

/// A reading as a percentage (95.5%), or a number given as such (an inspection score) as itself.
fn value(r: &Reading) -> String {
    if r.number {
        show(r.value)
    } else {
        format!("{}%", show((r.value * Decimal::ONE_HUNDRED).round_dp(2)))
    }
}

/// How a reading was found: `给定`, or `yes/answered`.
fn how(r: &Reading, l: Lang) -> String {
    match &r.how {
        ReadingHow::Given => pick(l, "给定", "given").to_string(),
        ReadingHow::Of { yes, answered } => format!("{}/{}", show(*yes), show(*answered)),
        ReadingHow::None => String::new(),
    }
}

fn rate_text(rate: &Rate, l: Lang) -> String {
    match rate {
        Rate::Each(e) => match l {
            Lang::Zh => format!("每次{}", show(*e)),
            Lang::En => format!("{} each", show(*e)),
        },
        Rate::ByLevel(ls) => ls
            .iter()
            .map(|(lv, v)| format!("{lv}{}", show(*v)))
            .collect::<Vec<_>>()
            .join("/"),
        Rate::FromRow => pick(l, "按金额", "by the row's amount").to_string(),
    }
}

fn per_text(per: Bucket, l: Lang) -> &'static str {
    match per {
        Bucket::Period => "",
        Bucket::Month => pick(l, "每月", " a month"),
        Bucket::Week => pick(l, "每周", " a week"),
    }
}

/// `, 封顶5` (or `, 每月封顶50` for a cap per bucket), when the cap held.
fn cap_text(per: Bucket, capped: Option<Decimal>, l: Lang) -> String {
    match (capped, l) {
        (Some(c), Lang::Zh) => format!(", {}封顶{}", per_text(per, l), show(c)),
        (Some(c), Lang::En) => format!(", capped at {}{}", show(c), per_text(per, l)),
        (None, _) => String::new(),
    }
}

/// `病假 每月超过3的部分 每次1 (共5: 7月4, 8月1), 每月封顶…`.
fn banded(b: &LineBanded, o: &mut String, l: Lang) -> std::fmt::Result {
    let detail: Vec<String> = b
        .buckets
        .iter()
        .map(|(k, n)| match k {
            Some(start) => match l {
                Lang::Zh => format!("{}{}", bucket_label(b.per, *start, l), show(*n)),
                Lang::En => format!("{}: {}", bucket_label(b.per, *start, l), show(*n)),
            },
            None => show(*n),
        })
        .collect();
    let band = match (b.beyond, b.up_to, l) {
        (Some(x), None, Lang::Zh) => format!("超过{}的部分", show(x)),
        (None, Some(u), Lang::Zh) => format!("前{}次", show(u)),
        (Some(x), Some(u), Lang::Zh) => format!("第{}至{}次", show(x + Decimal::ONE), show(u)),
        (Some(x), None, Lang::En) => format!(" beyond the first {}", show(x)),
        (None, Some(u), Lang::En) => format!(" the first {}", show(u)),
        (Some(x), Some(u), Lang::En) => format!(" occurrences {} to {}", show(x + Decimal::ONE), show(u)),
        (None, None, _) => String::new(),
    };
    // Chinese puts the bucket before the band (每月超过3的部分), English after it (beyond the
    // first 3 a month).
    let scope = match l {
        Lang::Zh => format!(" {}{band}", per_text(b.per, l)),
        Lang::En => format!("{band}{}", per_text(b.per, l)),
    };
    say!(
        o,
        l,
        "{}{scope} {} (共{}: {}){}",
        "{}{scope}: {} (in all {}: {}){}",
        b.label,
        rate_text(&b.rate, l),
        show(b.counted),
        detail.join(", "),
        cap_text(b.per, b.capped, l)
    )
}

fn part_of_period(p: &PartOfPeriod, o: &mut String, l: Lang) -> std::fmt::Result {
    say!(
        o,
        l,
        "在岗{0}{4}: {1} × {0}/{2} = {3}",
        "in post {0} whole{4} of {2}: {1} × {0}/{2} = {3}",
        show(p.months),
        show(p.amount),
        show(p.of),
        show(p.scaled),
        months(p.months, l, "个整月")
    )
}

/// The word after a count of months: Chinese has one (`个月`, `个整月`); English, ` month`
/// or ` months`.
fn months(n: Decimal, l: Lang, zh: &'static str) -> &'static str {
    match l {
        Lang::Zh => zh,
        Lang::En if n == Decimal::ONE => " month",
        Lang::En => " months",
    }
}

/// What the part months add: ` + 9月在岗10天按整月 600`, ` + 9月在岗10/30天 600 × 10/30 = 200`.
pub fn parts(ps: &[MonthPart]) -> String {
    parts_in(ps, Lang::Zh)
}

fn parts_in(ps: &[MonthPart], l: Lang) -> String {
    let mut o = String::new();
    for p in ps {
        let _ = match p {
            MonthPart::Full { month, days, amount } => say!(
                o,
                l,
                " + {month}月在岗{}天按整月 {}",
                " + month {month}: {} days in post, paid as a whole month {}",
                show(*days),
                show(*amount)
            ),
            MonthPart::ProRata {
                month,
                days,
                of,
                per_month,
                amount,
            } => say!(
                o,
                l,
                " + {month}月在岗{0}/{1}天 {2} × {0}/{1} = {3}",
                " + month {month}: in post {0}/{1} days, {2} × {0}/{1} = {3}",
                show(*days),
                show(*of),
                show(*per_month),
                show(*amount)
            ),
        };
    }
    o
}

/// `全部 组内第3名 (排序第3位) / 共20人; 优秀至第4名, 良好至第16名, 合格至第20名`, and a tie's lift.
fn quota(q: &QuotaPlace, o: &mut String, l: Lang) -> std::fmt::Result {
    let lines: Vec<String> = q
        .lines
        .iter()
        .map(|(g, n)| match l {
            Lang::Zh => format!("{g}至第{n}名"),
            Lang::En => format!("{g} down to rank {n}"),
        })
        .collect();
    say!(
        o,
        l,
        "{} 组内第{}名 (排序第{}位) / 共{}人; {}",
        "{} rank {} in the group (place {} in order) of {}; {}",
        q.group,
        q.rank,
        q.position,
        q.of,
        lines.join(", ")
    )?;
    match &q.lifted {
        Some((grade, own)) => say!(
            o,
            l,
            "; 同分并列, 按较高等次评为{grade} (按位次应为{own}), 列入超额名单",
            "; tied across the line: given the higher grade {grade} ({own} by its place), listed as over the quota"
        ),
        None => Ok(()),
    }
}

/// `决定 调整 +2 (理由: 申诉核实; 决定人 镇考核组, 2026-10-08)`.
fn decision(d: &DecisionSaid, o: &mut String, l: Lang) -> std::fmt::Result {
    let kind = match l {
        Lang::Zh => d.kind.label(),
        Lang::En => d.kind.key(),
    };
    say!(o, l, "决定 {kind} ", "decision {kind}: ")?;
    match &d.did {
        Did::Exempt { measure, at, count } => say!(
            o,
            l,
            "{measure} {at}: {} 次不计",
            "{measure} {at}: {} not counted",
            show(*count)
        )?,
        Did::AdjustItem { points, weighted } => {
            o.push_str(&signed(*points, show));
            if let Some((factor, counted)) = weighted {
                write!(o, " × {} = {}", show(*factor), signed(*counted, show))?;
            }
        }
        Did::AdjustTotal { points } => o.push_str(&signed(*points, show)),
        Did::AdjustPay { amount } => say!(o, l, "{}元", "{} yuan", signed(*amount, show_money))?,
        Did::RevokeVeto { veto } => say!(o, l, "{veto} 不予否决", "{veto} set aside")?,
        Did::ConfirmVeto { veto } => say!(o, l, "{veto} 确认", "{veto} confirmed")?,
        Did::Ruling { grade } => say!(
            o,
            l,
            "同分并列跨越名额线, 评为{grade}",
            "tied across a quota line, graded {grade}"
        )?,
    }
    say!(
        o,
        l,
        " (理由: {}; 决定人 {}, {})",
        " (reason: {}; decided by {}, {})",
        d.reason,
        d.decided_by,
        d.date
    )
}

/// A figure with its sign, `+2` or `-1.5` (a 调整 says which way it went).
fn signed(v: Decimal, shown: fn(Decimal) -> String) -> String {
    if v.is_sign_negative() {
        shown(v)
    } else {
        format!("+{}", shown(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::DecisionKind;
    use crate::input::records::{OccurrenceRef, Src};
    use crate::period::Period;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn of(yes: &str, answered: &str) -> ReadingHow {
        ReadingHow::Of {
            yes: d(yes),
            answered: d(answered),
        }
    }

    /// Each kind of absent row says its sheet, its date and why, in either language; a long list
    /// is cut with a count.
    #[test]
    fn a_source_reads_as_its_row_or_as_the_absent_row_s_sheet_date_and_why() {
        use crate::contract::{DailyField, SheetKind};
        let day = chrono::NaiveDate::from_ymd_opt(2026, 7, 3).unwrap();
        let gone = |sheet, why| Source::Missing { sheet, date: day, why };
        let all = [
            Source::Row(Src {
                sheet: SheetKind::Attendance,
                row: 12,
            }),
            gone(SheetKind::Attendance, Absent::NotAtPost),
            gone(SheetKind::Attendance, Absent::NoValue(DailyField::SignIn)),
            gone(SheetKind::Patrol, Absent::NoPatrol),
            gone(SheetKind::Patrol, Absent::OnlySession(crate::contract::Session::Am)),
            gone(SheetKind::Patrol, Absent::TooFewPatrols),
            gone(
                SheetKind::Patrol,
                Absent::BelowMinimum(Box::new(crate::trace::Shortfall {
                    per: Bucket::Month,
                    got: d("2"),
                    need: d("3"),
                })),
            ),
        ];
        assert_eq!(
            sources_text(&all, 1000),
            "考勤!12, 考勤:2026-07-03(未到岗), 考勤:2026-07-03(无签到时间), 巡查:2026-07-03(无巡查记录), \
             巡查:2026-07-03(仅上午), 巡查:2026-07-03(巡查不足), 巡查:2026-07-03(7月 2/3)"
        );
        // `考勤!12` (9 bytes) fits in 20; the next, 29 bytes, would pass it: cut, 6 left out.
        assert_eq!(sources_text(&all, 20), "考勤!12 …(另6条)");
        // In English (`explain --lang en`): the sheets keep their names, the reasons are worded.
        assert_eq!(
            sources_text_in(&all, 1000, Lang::En),
            "考勤!12, 考勤:2026-07-03(not at post), 考勤:2026-07-03(no 签到时间), 巡查:2026-07-03(no patrol), \
             巡查:2026-07-03(only the morning), 巡查:2026-07-03(too few patrols), 巡查:2026-07-03(month 7 2/3)"
        );
        assert_eq!(sources_text_in(&all, 20, Lang::En), "考勤!12 …(+6 more)");
        // A row reads as its source shows itself, on every sheet, at any row.
        for sheet in SheetKind::ALL {
            for row in [1, 9, 10, 1_048_576, u32::MAX] {
                let src = Src { sheet, row };
                assert_eq!(sources_text(&[Source::Row(src)], 100), src.to_string());
            }
        }
    }

    /// Every kind of line in the document's own words and in English, each beside the figures
    /// it was given.
    #[test]
    fn every_line_reads_as_the_document_states_its_rule() {
        let q3: Period = Period::parse_any("2026Q3").unwrap();
        let cases: Vec<(Said, &str, &str)> = vec![
            (
                Said::Tier {
                    label: "入户走访率".into(),
                    reading: Reading {
                        value: d("0.95"),
                        number: false,
                        how: of("19", "20"),
                    },
                    bound: TierBound::AtLeast(d("0.9")),
                    points: d("8"),
                },
                "入户走访率 95% (19/20) ≥90% 得8",
                "入户走访率 95% (19/20) ≥90%: 8 points",
            ),
            (
                Said::Tier {
                    label: "检查得分".into(),
                    reading: Reading {
                        value: d("55"),
                        number: true,
                        how: ReadingHow::Given,
                    },
                    bound: TierBound::Below(d("0.6")),
                    points: d("0"),
                },
                "检查得分 55 (给定) <60% 得0",
                "检查得分 55 (given) <60%: 0 points",
            ),
            (
                // 2/3 shown to two places of the percentage.
                Said::Scale {
                    label: "满意率".into(),
                    reading: Reading {
                        value: d("2") / d("3"),
                        number: false,
                        how: of("2", "3"),
                    },
                    full: d("10"),
                    points: d("6.67"),
                },
                "满意率 66.67% (2/3) × 10 = 6.67",
                "满意率 66.67% (2/3) × 10 = 6.67",
            ),
            (
                Said::ScaleRatio {
                    label: "日常巡查达标率".into(),
                    full: d("10"),
                    done: d("18"),
                    required: d("22"),
                    points: d("8.18"),
                },
                "日常巡查达标率 按比例: 10 × 18/22 = 8.18",
                "日常巡查达标率 pro rata: 10 × 18/22 = 8.18",
            ),
            (
                Said::ScaleNothingRequired {
                    label: "重点区域".into(),
                    points: d("10"),
                },
                "重点区域 无应完成, 按全额: 10",
                "重点区域 nothing required, full marks: 10",
            ),
            (
                Said::Monthly(Box::new(crate::trace::Monthly {
                    base: d("600"),
                    share: d("1"),
                    full_months: d("2"),
                    parts: vec![MonthPart::ProRata {
                        month: 9,
                        days: d("10"),
                        of: d("30"),
                        per_month: d("600"),
                        amount: d("200"),
                    }],
                    amount: d("1400"),
                })),
                "每月600 × 1 × 2个月 + 9月在岗10/30天 600 × 10/30 = 200 = 1400",
                "600 a month × 1 × 2 months + month 9: in post 10/30 days, 600 × 10/30 = 200 = 1400",
            ),
            (
                Said::SumOfRuns {
                    item: "monthly".into(),
                    runs: vec![(Period::parse_any("2026-07").unwrap(), d("3")), (Period::parse_any("2026-08").unwrap(), d("4"))],
                    sum: d("7"),
                },
                "monthly 各期之和: 2026-07 3 + 2026-08 4 = 7",
                "monthly sum over the runs: 2026-07 3 + 2026-08 4 = 7",
            ),
            (
                Said::LineEach {
                    label: "按时办结".into(),
                    count: d("12"),
                    unit: "件".into(),
                    each: d("3"),
                    points: d("36"),
                    capped: Some(d("30")),
                },
                "按时办结 12件 × 3 = 36, 封顶30",
                "按时办结 12件 × 3 = 36, capped at 30",
            ),
            (
                Said::LineRate {
                    label: "上报".into(),
                    rate: Rate::ByLevel(vec![("市".into(), d("2")), ("省".into(), d("4"))]),
                    capped: None,
                },
                "上报 市2/省4",
                "上报 市2/省4",
            ),
            (
                Said::LineBanded(Box::new(LineBanded {
                    label: "病假".into(),
                    per: Bucket::Month,
                    beyond: Some(d("3")),
                    up_to: None,
                    rate: Rate::Each(d("1")),
                    counted: d("3"),
                    buckets: vec![
                        (chrono::NaiveDate::from_ymd_opt(2026, 7, 1), d("5")),
                        (chrono::NaiveDate::from_ymd_opt(2026, 9, 1), d("4")),
                    ],
                    capped: Some(d("2")),
                })),
                "病假 每月超过3的部分 每次1 (共3: 7月5, 9月4), 每月封顶2",
                "病假 beyond the first 3 a month: 1 each (in all 3: month 7: 5, month 9: 4), capped at 2 a month",
            ),
            (
                Said::LineBanded(Box::new(LineBanded {
                    label: "录入".into(),
                    per: Bucket::Period,
                    beyond: Some(d("20")),
                    up_to: Some(d("30")),
                    rate: Rate::FromRow,
                    counted: d("10"),
                    buckets: vec![(None, d("35"))],
                    capped: None,
                })),
                "录入 第21至30次 按金额 (共10: 35)",
                "录入 occurrences 21 to 30: by the row's amount (in all 10: 35)",
            ),
            (Said::DeductionsCapped { cap: d("2") }, "累计扣分不超过2", "deductions at most 2 in all"),
            (
                Said::PartPeriod(PartOfPeriod {
                    months: d("2"),
                    of: d("3"),
                    amount: d("30"),
                    scaled: d("20"),
                }),
                "在岗2个整月: 30 × 2/3 = 20",
                "in post 2 whole months of 3: 30 × 2/3 = 20",
            ),
            (Said::Floor { floor: d("0") }, "扣完为止 (不低于0)", "deductions stop at 0"),
            (
                Said::Max {
                    max: d("20"),
                    full_marks: true,
                },
                "不超过满分20",
                "capped at full marks 20",
            ),
            (
                Said::Max {
                    max: d("5"),
                    full_marks: false,
                },
                "封顶5",
                "capped at 5",
            ),
            (
                Said::Counted {
                    points: d("10"),
                    factors: vec![
                        Factor::Weight(d("0.3")),
                        Factor::Area {
                            area: String::new(),
                            value: d("1"),
                        },
                        Factor::Param {
                            name: "季节系数".into(),
                            value: d("1.1"),
                        },
                    ],
                    counted: d("3.3"),
                },
                "计入总分: 10 × 权重0.3 × 区域系数(未填)1 × 季节系数1.1 = 3.3",
                "counted in the total: 10 × weight 0.3 × area factor (blank) 1 × 季节系数1.1 = 3.3",
            ),
            (Said::Veto { label: "重大事件".into() }, "重大事件", "重大事件"),
            (
                Said::VetoPending { label: "重大事件".into() },
                "重大事件 待确认 (规则集: 须经集体讨论认定): 暂按未否决评定, 发放暂缓",
                "重大事件 awaiting confirmation (the rule set: the committee decides): graded as not vetoed for now, pay held",
            ),
            (
                Said::Flag {
                    label: "约谈".into(),
                    measure: "缺勤".into(),
                    value: d("3"),
                },
                "约谈 (缺勤 3)",
                "约谈 (缺勤 3)",
            ),
            (
                Said::LookBack {
                    label: "连续不合格".into(),
                    runs: vec![Period::parse_any("2026Q2").unwrap(), q3],
                },
                "连续不合格 (2026Q2、2026Q3)",
                "连续不合格 (2026Q2, 2026Q3)",
            ),
            (
                Said::Quota(Box::new(QuotaPlace {
                    group: "全部".into(),
                    rank: 4,
                    position: 5,
                    of: 20,
                    lines: vec![("优秀".into(), 4), ("良好".into(), 16)],
                    lifted: Some(("优秀".into(), "良好".into())),
                })),
                "全部 组内第4名 (排序第5位) / 共20人; 优秀至第4名, 良好至第16名; 同分并列, 按较高等次评为优秀 (按位次应为良好), 列入超额名单",
                "全部 rank 4 in the group (place 5 in order) of 20; 优秀 down to rank 4, 良好 down to rank 16; tied across the line: given the higher grade 优秀 (良好 by its place), listed as over the quota",
            ),
            (
                Said::Honor {
                    label: "优秀网格员".into(),
                    rank: 2,
                    places: 3,
                    share: d("0.1"),
                    of: 25,
                    tied: true,
                },
                "优秀网格员 第2名; 名额 3 = 0.1 × 25人 (四舍五入); 同分并列, 一并评为",
                "优秀网格员 rank 2; places 3 = 0.1 × 25 (rounded half up); tied at the line, named too",
            ),
            (
                Said::PayByGrade {
                    grade: "优秀".into(),
                    amount: d("600"),
                },
                "等次 优秀 → 600.00元",
                "grade 优秀 → 600.00 yuan",
            ),
            (
                Said::PayGradeParam {
                    grade: "优秀".into(),
                    param: "优秀奖金".into(),
                    amount: d("800"),
                },
                "优秀: 优秀奖金 = 800.00元",
                "优秀: 优秀奖金 = 800.00 yuan",
            ),
            (
                Said::PayItem {
                    label: "绩效".into(),
                    amount: d("1234.5"),
                },
                "绩效 1234.50元",
                "绩效 1234.50 yuan",
            ),
            (
                Said::PayParamBands {
                    param: "县排名".into(),
                    value: d("3"),
                    amount: d("500"),
                },
                "县排名 = 3 → 500.00元",
                "县排名 = 3 → 500.00 yuan",
            ),
            (
                Said::PayPerEvent {
                    label: "上报".into(),
                    by_level: vec![("市".into(), d("2")), ("省".into(), d("1"))],
                    amount: d("40"),
                },
                "上报 市2条、省1条 = 40.00元",
                "上报 市 × 2, 省 × 1 = 40.00 yuan",
            ),
            (
                Said::PaySubsidy(Box::new(crate::trace::Subsidy {
                    monthly: d("350"),
                    full_months: d("3"),
                    parts: vec![],
                    factor: d("0.8"),
                    grade: "合格".into(),
                    amount: d("840"),
                })),
                "月补贴350.00元 × 3个月 × 0.8 (合格) = 840.00元",
                "subsidy 350.00 yuan a month × 3 months × 0.8 (合格) = 840.00 yuan",
            ),
            (
                Said::PayScaled(Box::new((
                    Said::PayByGrade {
                        grade: "良好".into(),
                        amount: d("300"),
                    },
                    PartOfPeriod {
                        months: d("1"),
                        of: d("3"),
                        amount: d("300"),
                        scaled: d("100"),
                    },
                ))),
                "等次 良好 → 300.00元; 在岗1个整月: 300 × 1/3 = 100",
                "grade 良好 → 300.00 yuan; in post 1 whole month of 3: 300 × 1/3 = 100",
            ),
            (
                Said::Withheld {
                    why: WithheldWhy::NoReward,
                    amount: d("600"),
                },
                "不享受奖励 (花名册), 应得600.00元不予发放",
                "not rewarded (the roster): 600.00 yuan due, not paid",
            ),
            (
                Said::Withheld {
                    why: WithheldWhy::Vetoed,
                    amount: d("600"),
                },
                "一票否决, 应得600.00元不予发放",
                "vetoed: 600.00 yuan due, not paid",
            ),
            (
                Said::Pool {
                    from: "季度补贴".into(),
                    withheld: d("1800.01"),
                    takers: 2,
                    share: d("900"),
                    remainder_at: Some(1),
                },
                "季度补贴合计扣发1800.01元 ÷ 2人 = 900.00元 + 余数0.01元 (第1位)",
                "季度补贴: 1800.01 yuan withheld in all ÷ 2 = 900.00 yuan + the remaining 0.01 yuan (place 1)",
            ),
        ];
        for (said, zh, en) in cases {
            assert_eq!(text(&said), zh, "{said:?}");
            assert_eq!(text_in(&said, Lang::En), en, "{said:?}");
        }
    }

    #[test]
    fn a_decision_names_its_kind_what_it_did_its_reason_who_and_when() {
        let decided = |kind, did, l| {
            text_in(
                &Said::Decision(Box::new(DecisionSaid {
                    kind,
                    reason: "申诉核实".into(),
                    decided_by: "镇考核组".into(),
                    date: chrono::NaiveDate::from_ymd_opt(2026, 10, 8).unwrap(),
                    did,
                })),
                l,
            )
        };
        let tail = " (理由: 申诉核实; 决定人 镇考核组, 2026-10-08)";
        let cases = [
            (
                DecisionKind::Adjust,
                Did::AdjustItem {
                    points: d("2"),
                    weighted: None,
                },
                "决定 调整 +2",
                "decision adjust: +2",
            ),
            // An item weighted 0.3: +2 counts +0.6 in the total.
            (
                DecisionKind::Adjust,
                Did::AdjustItem {
                    points: d("2"),
                    weighted: Some((d("0.3"), d("0.6"))),
                },
                "决定 调整 +2 × 0.3 = +0.6",
                "decision adjust: +2 × 0.3 = +0.6",
            ),
            (
                DecisionKind::Adjust,
                Did::AdjustTotal { points: d("-1.5") },
                "决定 调整 -1.5",
                "decision adjust: -1.5",
            ),
            (
                DecisionKind::Adjust,
                Did::AdjustPay { amount: d("50") },
                "决定 调整 +50.00元",
                "decision adjust: +50.00 yuan",
            ),
            (
                DecisionKind::RevokeVeto,
                Did::RevokeVeto {
                    veto: "重大事件".into(),
                },
                "决定 撤销否决 重大事件 不予否决",
                "decision revoke_veto: 重大事件 set aside",
            ),
            (
                DecisionKind::ConfirmVeto,
                Did::ConfirmVeto {
                    veto: "重大事件".into(),
                },
                "决定 确认否决 重大事件 确认",
                "decision confirm_veto: 重大事件 confirmed",
            ),
            (
                DecisionKind::QuotaRuling,
                Did::Ruling { grade: "良好".into() },
                "决定 名额裁定 同分并列跨越名额线, 评为良好",
                "decision quota_ruling: tied across a quota line, graded 良好",
            ),
            (
                DecisionKind::Exempt,
                Did::Exempt {
                    measure: "漏巡".into(),
                    at: OccurrenceRef::Row(Src {
                        sheet: crate::contract::SheetKind::Patrol,
                        row: 17,
                    }),
                    count: d("1"),
                },
                "决定 免扣 漏巡 巡查!17: 1 次不计",
                "decision exempt: 漏巡 巡查!17: 1 not counted",
            ),
        ];
        let tail_en = " (reason: 申诉核实; decided by 镇考核组, 2026-10-08)";
        for (kind, did, head, head_en) in cases {
            assert_eq!(decided(kind, did.clone(), Lang::Zh), format!("{head}{tail}"));
            assert_eq!(decided(kind, did, Lang::En), format!("{head_en}{tail_en}"));
        }
    }
}
