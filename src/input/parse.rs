//! Each contract sheet's rows, parsed into the typed records of [`super::records`]: one
//! function per sheet (花名册, 考勤, 巡查, 事件, 测评, 指标, 参数, 决定), called once per row as
//! the sheet is read. Each cell is read by `cell`, each problem is placed at its cell, and a
//! row that cannot be a record adds its problems and nothing else.
use super::cell;
use super::problem::InputProblem;
use super::records::*;
use super::table::Row;
use crate::contract::{DecisionKind, IndicatorMode, Session, SheetKind, Status, StatusList};
use crate::period::Period;
use rust_decimal::Decimal;

fn src(sheet: SheetKind, row: &Row) -> Src {
    Src {
        sheet,
        row: row.number(),
    }
}

/// Reads a 扣分记录 cell: `巡查!17` (also `patrol!17`, `巡查!A17`) or a date.
fn occurrence_ref(d: &calamine::Data) -> cell::CellResult<OccurrenceRef> {
    let expected = || msg!("in-occurrence-ref");
    if let Ok(Some(day)) = cell::date(d) {
        return Ok(Some(OccurrenceRef::Day(day)));
    }
    let Some(t) = cell::text(d)? else { return Ok(None) };
    let t = t.trim().replace('！', "!");
    let Some((sheet, row)) = t.split_once('!') else {
        return Err(expected());
    };
    let sheet = SheetKind::named(sheet).ok_or_else(expected)?;
    let digits = row.trim().trim_start_matches(|c: char| c.is_ascii_alphabetic());
    match digits.parse::<u32>() {
        Ok(row) if row >= 2 => Ok(Some(OccurrenceRef::Row(Src { sheet, row }))),
        _ => Err(expected()),
    }
}

pub fn decisions(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Resolved<Decision>) {
    let id = row.require("id", cell::id_ref, p);
    let kind = row.require("kind", cell::text, p).and_then(|t| {
        let k = DecisionKind::parse(&t);
        if k.is_none() {
            p.push(row.problem("kind", msg!("in-decision-kind", known = DecisionKind::known())));
        }
        k
    });
    let item = row
        .read("item", cell::text, p)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let points = row.read("points", cell::decimal, p);
    let occurrence = row.read("occurrence", occurrence_ref, p);
    // The audit trail needs all three: a decision nobody can account for is not applied.
    let reason = row.require("reason", cell::text, p);
    let decided_by = row.require("decided_by", cell::text, p);
    let date = row.require("date", cell::date, p);
    let Some(kind) = kind else { return };
    let before = p.len();
    match kind {
        DecisionKind::Adjust => match points {
            None => p.push(row.problem("points", msg!("in-decision-points"))),
            Some(v) if v.is_zero() || v.abs() > Decimal::from(MAX_AMOUNT) => {
                p.push(row.problem("points", msg!("in-decision-points-range", most = MAX_AMOUNT)))
            }
            Some(_) => {}
        },
        _ if points.is_some() => p.push(row.problem("points", msg!("in-decision-points-blank", kind = kind.label()))),
        _ => {}
    }
    match kind {
        DecisionKind::Exempt if item.is_none() => p.push(row.problem("item", msg!("in-decision-exempt-item"))),
        DecisionKind::Exempt if occurrence.is_none() => {
            p.push(row.problem("occurrence", msg!("in-decision-exempt-occurrence")))
        }
        DecisionKind::QuotaRuling if item.is_none() => p.push(row.problem("item", msg!("in-decision-ruling-grade"))),
        DecisionKind::Exempt => {}
        _ if occurrence.is_some() => {
            p.push(row.problem("occurrence", msg!("in-decision-occurrence-blank", kind = kind.label())))
        }
        _ => {}
    }
    if p.len() != before {
        return;
    }
    if let (Some(id), Some(reason), Some(decided_by), Some(date)) = (id, reason, decided_by, date) {
        let rec = Decision {
            kind,
            item,
            points,
            occurrence,
            reason: reason.trim().to_string(),
            decided_by: decided_by.trim().to_string(),
            date,
            src: src(SheetKind::Decisions, row),
            item_place: row.place("item"),
            occurrence_place: row.place("occurrence"),
            file: row.header().file.clone(),
        };
        out.push(row, ctx, p, &id, rec);
    }
}

pub fn roster(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Vec<Worker>) {
    let id = row.require("id", cell::id, p);
    let name = row.require("name", cell::name, p);
    let role_text = row.require("role", cell::text, p);
    let role = role_text.as_ref().and_then(|r| {
        let i = ctx.plan.role_index(r);
        if i.is_none() {
            let known: Vec<&str> = ctx.plan.roles.iter().map(|r| r.label.as_str()).collect();
            p.push(row.problem(
                "role",
                msg!("in-role", known = known.join(", "), hint = did_you_mean(r, &known)),
            ));
        }
        i
    });
    let start = row.read("start", cell::date, p);
    let end = row.read("end", cell::date, p);
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            p.push(row.problem("end", msg!("in-end-after-start", start = s)));
        }
    }
    let monthly_subsidy = row.read("monthly_subsidy", cell::decimal, p);
    if monthly_subsidy.is_some_and(|m| m < Decimal::ZERO || m > Decimal::from(MAX_AMOUNT)) {
        p.push(row.problem("monthly_subsidy", msg!("in-amount", most = MAX_AMOUNT)));
    }
    let w = Worker {
        id: id.unwrap_or_default(),
        name: name.unwrap_or_default(),
        village: row.read("village", cell::name, p).unwrap_or_default(),
        grid: row.read("grid", cell::name, p).unwrap_or_default(),
        role: role.unwrap_or(0),
        area: row.read("area", cell::text, p).unwrap_or_default(),
        monthly_subsidy,
        no_reward: row.read("no_reward", cell::yes_no, p).unwrap_or(false),
        start,
        end,
        bank_account: row.read("bank_account", cell::bank_account, p),
        src: src(SheetKind::Roster, row),
    };
    out.push(w);
}

fn statuses(row: &Row, p: &mut Vec<InputProblem>) -> Option<StatusList> {
    let text = row.require("status", cell::text_ref, p)?;
    let mut out = StatusList::default();
    for part in text
        .split(['、', ',', '，', ';', '；', '/'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match Status::parse(part) {
            Some(s) if out.push(s) => {}
            Some(_) => {
                let most = StatusList::MAX;
                p.push(row.problem("status", msg!("in-status-count", most = most)));
                return None;
            }
            None => {
                p.push(row.problem("status", msg!("in-status", known = Status::known())));
                return None;
            }
        }
    }
    Some(out)
}

pub fn attendance(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Resolved<Attendance>) {
    let id = row.require("id", cell::id_ref, p);
    let date = ctx.dated(row, p);
    let st = statuses(row, p);
    let approved = row.read("approved", cell::yes_no, p).unwrap_or(false);
    let sign_in = row.read("sign_in", cell::time, p);
    let report_at = row.read("report_at", cell::time, p);
    if let (Some(id), Some(date), Some(statuses)) = (id, date.filter(|d| ctx.counts(*d)), st) {
        let rec = Attendance {
            date,
            statuses,
            approved,
            sign_in,
            report_at,
            src: src(SheetKind::Attendance, row),
        };
        out.push(row, ctx, p, &id, rec);
    }
}

pub fn patrol(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Resolved<Patrol>) {
    let id = row.require("id", cell::id_ref, p);
    let date = ctx.dated(row, p);
    let session = row.require("session", cell::text_ref, p).and_then(|s| {
        let v = Session::parse(&s);
        if v.is_none() {
            p.push(row.problem("session", msg!("in-session")));
        }
        v
    });
    let start = row.read("start", cell::time, p);
    let end = row.read("end", cell::time, p);
    let hours = row.read("hours", cell::decimal, p);
    if hours.is_some_and(|h| h < Decimal::ZERO || h > Decimal::from(24)) {
        p.push(row.problem("hours", msg!("in-hours")));
    }
    let seconds = match (start, end) {
        (Some(s), Some(e)) if e < s => {
            p.push(row.problem("end", msg!("in-end-time", start = s)));
            None
        }
        (Some(s), Some(e)) => Some(Decimal::from((e - s).num_seconds())),
        _ => hours.map(|h| h * Decimal::from(3600)),
    };
    let logged = row.read("logged", cell::yes_no, p).unwrap_or(true);
    let uniform = row.read("uniform", cell::yes_no, p).unwrap_or(true);
    let exempt = row.read("exempt", cell::yes_no, p).unwrap_or(false);
    if let (Some(id), Some(date), Some(session)) = (id, date.filter(|d| ctx.counts(*d)), session) {
        let rec = Patrol {
            date,
            session,
            seconds,
            logged,
            uniform,
            exempt,
            src: src(SheetKind::Patrol, row),
        };
        out.push(row, ctx, p, &id, rec);
    }
}

/// ` — did you mean 稿件录用?` when one of `known` is a near miss of `found` (a typo).
fn did_you_mean(found: &str, known: &[&str]) -> String {
    let near = crate::spelling::near_misses(found, known.iter().copied());
    match near.as_slice() {
        [] => String::new(),
        [one] => msg!("in-did-you-mean", near = one),
        many => msg!("in-did-you-mean-many", near = many.join("、")),
    }
}

pub fn events(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Keyed<Event>) {
    let event_id = row.require("event_id", cell::name, p);
    let id = row.require("id", cell::id_ref, p);
    let type_id = row.require("type", cell::text, p).and_then(|ty| {
        let i = ctx.plan.type_index(&ty);
        if i.is_none() {
            let known: Vec<&str> = ctx.plan.event_types.iter().map(|e| e.name.as_str()).collect();
            p.push(row.problem(
                "type",
                msg!("in-type", known = known.join("、"), hint = did_you_mean(&ty, &known)),
            ));
        }
        i
    });
    let date = ctx.dated(row, p);
    let level = row.read("level", cell::text, p);
    let level = match type_id.map(|t| &ctx.plan.event_types[t]) {
        Some(et) if !et.levels.is_empty() => match &level {
            Some(l) if et.levels.contains(l) => level,
            _ => {
                let levels: Vec<&str> = et.levels.iter().map(String::as_str).collect();
                let hint = level.as_deref().map(|l| did_you_mean(l, &levels)).unwrap_or_default();
                p.push(row.problem(
                    "level",
                    msg!(
                        "in-level",
                        event_type = &et.name,
                        known = levels.join("、"),
                        hint = hint
                    ),
                ));
                None
            }
        },
        _ => level,
    };
    let count = row.read("count", cell::decimal, p).unwrap_or(Decimal::ONE);
    if count < Decimal::ZERO || !count.fract().is_zero() || count > Decimal::from(MAX_COUNT) {
        p.push(row.problem("count", msg!("in-count", most = MAX_COUNT)));
    }
    let amount = row.read("amount", cell::decimal, p);
    if amount.is_some_and(|a| a < Decimal::ZERO || a > Decimal::from(MAX_AMOUNT)) {
        p.push(row.problem("amount", msg!("in-amount", most = MAX_AMOUNT)));
    }
    // Read every cell before deciding, so that all of a row's problems are reported.
    let valid = row.read("valid", cell::yes_no, p).unwrap_or(true);
    // A type whose rows are paid their own 金额 (重大信息 100–300元) must carry one in range.
    if let Some((lo, hi)) = type_id.filter(|_| valid).and_then(|t| ctx.plan.amount_range(t)) {
        match amount {
            Some(a) if a >= lo && a <= hi => {}
            _ => p.push(row.problem(
                "amount",
                msg!(
                    "in-type-amount",
                    low = crate::num::show(lo),
                    high = crate::num::show(hi)
                ),
            )),
        }
    }
    let assigned_at = row.read("assigned_at", cell::datetime, p);
    let accepted_at = row.read("accepted_at", cell::datetime, p);
    let closed_at = row.read("closed_at", cell::datetime, p);
    let complex = row.read("complex", cell::yes_no, p).unwrap_or(false);
    if let (Some(event_id), Some(id), Some(type_id), Some(date)) = (event_id, id, type_id, date) {
        let rec = Event {
            event_id,
            type_id,
            date,
            level,
            valid,
            count,
            assigned_at,
            accepted_at,
            closed_at,
            complex,
            amount,
            src: src(SheetKind::Events, row),
            counted: true,
        };
        // Kept even outside a month run's month: event ids are unique across the sheet.
        out.push(row, &id, rec);
    }
}

pub fn survey(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Resolved<Survey>) {
    let dated = row.header().has("date");
    let id = row.require("id", cell::id_ref, p);
    let in_period = if dated {
        // A respondent counts in its own period only: a weekly rule's reach is not for surveys.
        ctx.dated(row, p).map(|d| ctx.period.contains(d))
    } else {
        Some(true)
    };
    let answers = [
        row.read("aware", cell::yes_no, p),
        row.read("covered", cell::yes_no, p),
        row.read("satisfied", cell::yes_no, p),
    ];
    let rates = [
        row.read("aware_rate", cell::rate, p),
        row.read("covered_rate", cell::rate, p),
        row.read("satisfied_rate", cell::rate, p),
    ];
    if answers.iter().any(Option::is_some) && rates.iter().any(Option::is_some) {
        p.push(row.problem("id", msg!("in-survey-both")));
    }
    if let (Some(id), Some(true)) = (id, in_period) {
        out.push(
            row,
            ctx,
            p,
            &id,
            Survey {
                answers,
                rates,
                src: src(SheetKind::Survey, row),
            },
        );
    }
}

pub fn indicators(row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, out: &mut Resolved<Indicator>) {
    let id = row.require("id", cell::id_ref, p);
    let name = row.require("indicator", cell::text, p);
    let mode = name.as_ref().and_then(|n| {
        let m = ctx.plan.indicator_mode(n);
        if m.is_none() {
            let known = ctx.plan.indicator_names();
            p.push(row.problem("indicator", msg!("in-indicator", known = known.join("、"))));
        }
        m
    });
    let value = match mode {
        Some(IndicatorMode::Rate) => match row.read("value", cell::rate, p) {
            Some(v) => Some(v),
            None => {
                // No 值: the rate is 分子 / 分母.
                let num = row.read("numerator", cell::decimal, p);
                let den = row.read("denominator", cell::decimal, p);
                match (num, den) {
                    (Some(n), Some(d)) if d > Decimal::ZERO && n >= Decimal::ZERO && n <= d => Some(n / d),
                    (Some(_), Some(_)) => {
                        p.push(row.problem("numerator", msg!("in-numerator")));
                        None
                    }
                    _ => {
                        p.push(row.problem("value", msg!("in-rate-value")));
                        None
                    }
                }
            }
        },
        Some(IndicatorMode::Number | IndicatorMode::Count) => {
            let v = row.require("value", cell::decimal, p);
            let whole = mode == Some(IndicatorMode::Count);
            match v {
                Some(x) if x < Decimal::ZERO || x > Decimal::from(MAX_AMOUNT) || (whole && !x.fract().is_zero()) => {
                    let what = if whole {
                        msg!("in-value-whole", most = MAX_AMOUNT)
                    } else {
                        msg!("in-value-number", most = MAX_AMOUNT)
                    };
                    p.push(row.problem("value", what));
                    None
                }
                v => v,
            }
        }
        None => None,
    };
    if let (Some(id), Some(name), Some(value)) = (id, name, value) {
        let rec = Indicator {
            name: name.trim().to_string(),
            value,
            src: src(SheetKind::Indicators, row),
        };
        out.push(row, ctx, p, &id, rec);
    }
}

pub fn params(row: &Row, p: &mut Vec<InputProblem>, out: &mut Vec<Param>) {
    let name = row.require("name", cell::text, p);
    // A 月份 cell may be a real date (Excel turns 2026-07 into 2026-07-01): take its month.
    let period = match row.get("month") {
        calamine::Data::DateTime(_) => row.read("month", cell::date, p).map(Period::month_of),
        _ => match row.read("month", cell::text, p) {
            None => None,
            Some(s) => {
                let v = Period::parse_any(&s);
                if v.is_none() {
                    p.push(row.problem("month", msg!("in-period")));
                }
                v
            }
        },
    };
    let scope = row.read("scope", cell::text, p);
    let value = row.require("value", cell::text, p);
    if let (Some(name), Some(value)) = (name, value) {
        out.push(Param {
            name,
            period,
            scope,
            number: crate::num::parse_decimal(&value),
            value,
            src: src(SheetKind::Params, row),
            place: row.place("value"),
            file: row.header().file.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{tr_in, Lang};
    use calamine::Data;

    #[test]
    fn an_occurrence_is_a_source_row_or_a_day_and_anything_else_is_said_in_the_run_s_language() {
        // 巡查!A17 names row 17 of 巡查 (the column letter is allowed and dropped).
        let row = occurrence_ref(&Data::String("巡查！A17".into())).unwrap();
        assert_eq!(row.map(|r| r.to_string()).as_deref(), Some("巡查!17"));
        // Row 1 is the header, and a sheet outside the contract is no source.
        for bad in ["巡查!1", "工资!3", "17"] {
            assert_eq!(
                occurrence_ref(&Data::String(bad.into())).unwrap_err(),
                "a source row such as 巡查!17, or a date",
                "{bad}"
            );
        }
        assert_eq!(tr_in(Lang::Zh, "in-occurrence-ref", &[]), "来源行 (如 巡查!17) 或日期");
    }
}
