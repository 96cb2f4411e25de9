//! Measures: each primitive turns one worker's rows into occurrences (or a rate).
//!
//! A worker's rows were grouped at read time, and [`WorkerDays`] indexes them by day once, so
//! every measure here is a pass over one worker's own rows.
use super::bucket;
use super::trace::Source;
use crate::calendar::Calendar;
use crate::input::contract::{DailyField, PatrolFinding, Session};
use crate::input::records::{Attendance, Patrol, SheetKind, Src, Survey, Worker};
use crate::input::{InputProblem, Inputs, WorkerRows};
use crate::num::show;
use crate::period::Period;
use crate::rules::{Bucket, CaseOutcome, EventScope, IndicatorMode, MeasureKind, RuleSet, ShortCount};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One counted occurrence: how many (数量 or a weight), when, at which level, from where.
#[derive(Debug, Clone)]
pub struct Occurrence {
    pub date: Option<NaiveDate>,
    pub amount: Decimal,
    pub level: Option<String>,
    /// The row's 金额, for lines that pay it.
    pub money: Option<Decimal>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub enum Value {
    Occurrences(Vec<Occurrence>),
    Rate {
        rate: Decimal,
        yes: u32,
        answered: u32,
        given: bool,
        sources: Vec<Source>,
    },
}

impl Value {
    pub fn occurrences(&self) -> &[Occurrence] {
        match self {
            Value::Occurrences(o) => o,
            Value::Rate { .. } => &[],
        }
    }
    pub fn total(&self) -> Decimal {
        self.occurrences().iter().map(|o| o.amount).sum()
    }
}

/// The calendar's working days of the period, computed once per run.
pub fn working_days(cal: &Calendar, period: Period) -> Vec<NaiveDate> {
    period
        .first_day()
        .iter_days()
        .take_while(|d| *d <= period.last_day())
        .filter(|d| cal.is_working_day(*d))
        .collect()
}

/// One worker's rows indexed by day, and the worker's duty days.
pub struct WorkerDays<'a> {
    pub duty_days: Vec<NaiveDate>,
    attendance_by_day: BTreeMap<NaiveDate, Vec<&'a Attendance>>,
    /// Patrol rows grouped by (日期, 时段): one patrol each.
    patrols: BTreeMap<(NaiveDate, Session), Vec<&'a Patrol>>,
}

impl<'a> WorkerDays<'a> {
    pub fn new(w: &Worker, rows: &'a WorkerRows, working: &[NaiveDate], rules: &RuleSet) -> WorkerDays<'a> {
        let mut attendance_by_day: BTreeMap<NaiveDate, Vec<&Attendance>> = BTreeMap::new();
        for a in &rows.attendance {
            attendance_by_day.entry(a.date).or_default().push(a);
        }
        let excluded: BTreeSet<NaiveDate> = attendance_by_day
            .iter()
            .filter(|(_, rs)| {
                rs.iter()
                    .any(|r| r.statuses.iter().any(|s| rules.duty_exclude.contains(&s)))
            })
            .map(|(d, _)| *d)
            .collect();
        let duty_days = working
            .iter()
            .copied()
            .filter(|d| w.start.is_none_or(|s| *d >= s) && w.end.is_none_or(|e| *d <= e) && !excluded.contains(d))
            .collect();
        let mut patrols: BTreeMap<(NaiveDate, Session), Vec<&Patrol>> = BTreeMap::new();
        for p in &rows.patrols {
            patrols.entry((p.date, p.session)).or_default().push(p);
        }
        WorkerDays {
            duty_days,
            attendance_by_day,
            patrols,
        }
    }
}

/// What a measure needs besides the worker's rows.
pub struct MeasureCtx<'a> {
    pub rules: &'a RuleSet,
    pub period: Period,
    /// The file each sheet came from (by contract key), for errors found while measuring.
    pub files: &'a std::collections::HashMap<&'static str, String>,
    /// Events counted once: the row each is credited to, and its highest level.
    pub credit: &'a HashMap<Src, Option<String>>,
    /// Earlier runs, for items summed over runs.
    pub past: &'a [super::PastRun],
    /// For event measures scoped to a grid or village: every row of the group's workers, by
    /// (scope, group name) — built once, so no worker's measure scans the whole sheet.
    pub scoped: &'a HashMap<(EventScope, String), Vec<&'a crate::input::records::Event>>,
}

/// The rows of the event types that grid- or village-scoped measures count, grouped by the
/// named worker's 网格 or 村 (docs/decisions.md D6.4). Workers with a blank 网格 (村) form no group:
/// their own rows count for them alone.
pub fn scoped_events<'a>(
    inputs: &'a Inputs,
    rules: &RuleSet,
) -> HashMap<(EventScope, String), Vec<&'a crate::input::records::Event>> {
    // Per scope, the union of the types its measures count (so that each row is listed once).
    let mut wanted: Vec<(EventScope, Vec<usize>)> = Vec::new();
    for m in &rules.measures {
        if let MeasureKind::Events { types, scope, .. } = &m.kind {
            if *scope == EventScope::Own {
                continue;
            }
            match wanted.iter_mut().find(|(s, _)| s == scope) {
                Some((_, ts)) => ts.extend(types.iter().filter(|t| !ts.contains(t)).copied().collect::<Vec<_>>()),
                None => wanted.push((*scope, types.clone())),
            }
        }
    }
    let mut out: HashMap<(EventScope, String), Vec<&crate::input::records::Event>> = HashMap::new();
    if wanted.is_empty() {
        return out;
    }
    for (w, rows) in inputs.workers.iter().zip(&inputs.rows) {
        for (scope, types) in &wanted {
            let group = match scope {
                EventScope::Grid => &w.grid,
                EventScope::Village => &w.village,
                EventScope::Own => continue,
            };
            if group.is_empty() {
                continue;
            }
            let list = out.entry((*scope, group.clone())).or_default();
            list.extend(rows.events.iter().filter(|e| types.contains(&e.type_id)));
        }
    }
    // In row order, as a worker's own rows are.
    for list in out.values_mut() {
        list.sort_by_key(|e| e.src.row);
    }
    out
}

/// For event types counted once per event (several rows sharing a 事件编号): the row each
/// event is credited to — its first reporter's (earliest 日期, then the row above) — and the
/// highest level any of its rows records (同一事件涉及多级别的以高级为准). One pass over all rows.
pub fn event_credit(inputs: &Inputs, rules: &RuleSet) -> HashMap<Src, Option<String>> {
    let shared = rules.shared_event_types();
    if shared.is_empty() {
        return HashMap::new();
    }
    // Per 事件编号: the first report, and the highest level as (rank, name).
    type Seen<'a> = ((NaiveDate, Src), Option<(usize, &'a str)>);
    let mut events: HashMap<&str, Seen> = HashMap::new();
    for e in inputs.rows.iter().flat_map(|r| &r.events) {
        if !e.valid || !shared.contains(&e.type_id) {
            continue;
        }
        let levels = &rules.event_types[e.type_id].levels;
        let level = e
            .level
            .as_deref()
            .map(|l| (levels.iter().position(|x| x == l).unwrap_or(0), l));
        let entry = events.entry(e.event_id.as_str()).or_insert(((e.date, e.src), level));
        entry.0 = entry.0.min((e.date, e.src));
        entry.1 = entry.1.max(level);
    }
    events
        .into_values()
        .map(|((_, src), level)| (src, level.map(|(_, l)| l.to_string())))
        .collect()
}

impl MeasureCtx<'_> {
    fn file(&self, key: &str) -> String {
        self.files.get(key).cloned().unwrap_or_default()
    }
}

fn row(src: crate::input::records::Src) -> Source {
    Source::Row(src)
}

fn occ(date: NaiveDate, amount: Decimal, source: Source) -> Occurrence {
    Occurrence {
        date: Some(date),
        amount,
        level: None,
        money: None,
        source,
    }
}

/// Computes every measure of the rule set for one worker.
///
/// `minimum` measures count another measure's occurrences per bucket, so they run second, on
/// the others' occurrences as found. A weekly bucket may reach outside the period (a week
/// belongs to the period of its Thursday), so rows from those days were read; every other
/// measure counts only the period's own days.
pub fn compute_all(
    ctx: &MeasureCtx,
    w: &Worker,
    rows: &WorkerRows,
    days: &WorkerDays,
    problems: &mut Vec<InputProblem>,
) -> Vec<Value> {
    let kinds = ctx.rules.measures.iter().map(|m| &m.kind);
    let mut values: Vec<Value> = kinds
        .clone()
        .map(|k| match k {
            MeasureKind::Minimum { .. } | MeasureKind::Union { .. } => Value::Occurrences(Vec::new()),
            k => compute(ctx, k, w, rows, days, problems),
        })
        .collect();
    // Unions join measures of rows (computed above), in date order.
    for (i, k) in kinds.clone().enumerate() {
        if let MeasureKind::Union { of } = k {
            let mut all: Vec<Occurrence> = of
                .iter()
                .flat_map(|m| values[*m].occurrences().iter().cloned())
                .collect();
            all.sort_by_key(|o| o.date);
            values[i] = Value::Occurrences(all);
        }
    }
    let mut minimums = Vec::new();
    for (i, k) in kinds.enumerate() {
        if let MeasureKind::Minimum {
            of,
            per,
            at_least,
            by_area,
            count,
        } = k
        {
            let need = by_area
                .iter()
                .find(|(area, _)| *area == w.area)
                .map_or(*at_least, |(_, n)| *n);
            let sheet = ctx.rules.measures[*of].kind.sheet().unwrap_or(SheetKind::Events);
            minimums.push((i, minimum(&values[*of], *per, need, *count, sheet, w, ctx.period)));
        }
    }
    for v in &mut values {
        if let Value::Occurrences(o) = v {
            o.retain(|o| o.date.is_none_or(|d| ctx.period.contains(d)));
        }
    }
    for (i, v) in minimums {
        values[i] = v;
    }
    values
}

/// The buckets of the period in which `of` counted fewer than `need`. A bucket counts only
/// when the worker's 到岗–离岗 span covers all of it: nobody falls short of a week they were
/// not yet (or no longer) employed for.
fn minimum(
    of: &Value,
    per: Bucket,
    need: Decimal,
    count: ShortCount,
    sheet: SheetKind,
    w: &Worker,
    period: Period,
) -> Value {
    let mut have: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    for o in of.occurrences() {
        if let Some(k) = o.date.and_then(|d| bucket::start_of(per, d)) {
            *have.entry(k).or_default() += o.amount;
        }
    }
    let mut out = Vec::new();
    for (start, end) in bucket::of_period(per, period) {
        if w.start.is_some_and(|s| s > start) || w.end.is_some_and(|e| e < end) {
            continue;
        }
        let got = have.get(&start).copied().unwrap_or_default();
        if got >= need {
            continue;
        }
        let amount = match count {
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
                note: format!("{} {}/{}", bucket::label(per, start), show(got), show(need)),
            },
        });
    }
    Value::Occurrences(out)
}

fn compute(
    ctx: &MeasureCtx,
    kind: &MeasureKind,
    w: &Worker,
    rows: &WorkerRows,
    days: &WorkerDays,
    problems: &mut Vec<InputProblem>,
) -> Value {
    let mut out = Vec::new();
    match kind {
        MeasureKind::Events {
            types,
            once_per_event,
            levels,
            scope,
            ..
        } => {
            let group = match scope {
                EventScope::Own => None,
                EventScope::Grid => ctx.scoped.get(&(*scope, w.grid.clone())),
                EventScope::Village => ctx.scoped.get(&(*scope, w.village.clone())),
            };
            let own: Vec<&crate::input::records::Event> = rows.events.iter().collect();
            for e in group
                .unwrap_or(&own)
                .iter()
                .copied()
                .filter(|e| e.counted && e.valid && types.contains(&e.type_id) && !e.count.is_zero())
            {
                // Counted once per event: only the credited row counts, at the event's level.
                let level = match (once_per_event, ctx.credit.get(&e.src)) {
                    (false, _) => e.level.clone(),
                    (true, Some(level)) => level.clone(),
                    (true, None) => continue,
                };
                if !levels.is_empty() && !level.as_ref().is_some_and(|l| levels.contains(l)) {
                    continue;
                }
                out.push(Occurrence {
                    date: Some(e.date),
                    amount: e.count,
                    level,
                    money: e.amount,
                    source: row(e.src),
                });
            }
        }
        MeasureKind::Attendance { statuses, approved } => {
            for a in &rows.attendance {
                if approved.is_some_and(|want| a.approved != want) {
                    continue;
                }
                for s in a.statuses.iter() {
                    if let Some((_, weight)) = statuses.iter().find(|(st, _)| *st == s) {
                        out.push(occ(a.date, *weight, row(a.src)));
                    }
                }
            }
        }
        MeasureKind::MissingPatrols { per_duty_day } => {
            for d in &days.duty_days {
                let done: Vec<Session> = [Session::Am, Session::Pm]
                    .into_iter()
                    .filter(|s| days.patrols.contains_key(&(*d, *s)))
                    .collect();
                let missing = *per_duty_day - Decimal::from(done.len());
                if missing > Decimal::ZERO {
                    let note = match done.as_slice() {
                        [] => "无巡查记录".to_string(),
                        [s] => format!("仅{}", s.label()),
                        _ => "巡查不足".to_string(),
                    };
                    out.push(occ(
                        *d,
                        missing,
                        Source::Missing {
                            sheet: SheetKind::Patrol,
                            date: *d,
                            note,
                        },
                    ));
                }
            }
        }
        MeasureKind::ShortPatrols { minimum_hours } => {
            let min_secs = minimum_hours.get(w.role).copied().unwrap_or_default() * Decimal::from(3600);
            for ((d, _), ps) in &days.patrols {
                // Several rows for one patrol: short only if every row is, never when exempt.
                let exempt = ps.iter().any(|p| p.exempt);
                let short = ps.iter().all(|p| p.seconds.is_some_and(|s| s < min_secs));
                if !exempt && short {
                    out.push(occ(*d, Decimal::ONE, row(ps[0].src)));
                }
            }
        }
        MeasureKind::PatrolFinding { finding } => {
            for ((d, _), ps) in &days.patrols {
                if ps.iter().any(|p| p.exempt) {
                    continue;
                }
                let hit = match finding {
                    PatrolFinding::NotLogged => (!ps.iter().any(|p| p.logged)).then_some(ps[0]),
                    PatrolFinding::NoUniform => ps.iter().find(|p| !p.uniform).copied(),
                };
                if let Some(p) = hit {
                    out.push(occ(*d, Decimal::ONE, row(p.src)));
                }
            }
        }
        MeasureKind::DailyDeadline { field, by } => {
            for d in &days.duty_days {
                let rs = days.attendance_by_day.get(d).map(Vec::as_slice).unwrap_or(&[]);
                let at = |a: &Attendance| match field {
                    DailyField::SignIn => a.sign_in,
                    DailyField::ReportAt => a.report_at,
                };
                // A day is in time if any of its rows is.
                if rs.iter().any(|a| at(a).is_some_and(|t| t <= *by)) {
                    continue;
                }
                let source = match rs.iter().find(|a| at(a).is_some()).or(rs.first()) {
                    Some(a) => row(a.src),
                    None => Source::Missing {
                        sheet: SheetKind::Attendance,
                        date: *d,
                        note: format!("无{}", field.label()),
                    },
                };
                out.push(occ(*d, Decimal::ONE, source));
            }
        }
        MeasureKind::CaseDeadline {
            types,
            outcome,
            deadlines,
        } => {
            // A timestamp after the period's end counts as absent.
            let end = (ctx.period.last_day() + Duration::days(1)).and_time(NaiveTime::MIN);
            let seen = |t: Option<NaiveDateTime>| t.filter(|t| *t < end);
            for e in rows
                .events
                .iter()
                .filter(|e| e.counted && e.valid && types.contains(&e.type_id) && !e.count.is_zero())
            {
                let Some(assigned) = e.assigned_at else {
                    problems.push(InputProblem {
                        file: ctx.file("events"),
                        place: e.src.to_string(),
                        found: Some(format!("事件编号 {} with a blank 交办时间", e.event_id)),
                        expected: "a 交办时间 (assigned at) for an assigned case, so its deadlines can be checked"
                            .into(),
                    });
                    continue;
                };
                let (acc, closed) = (seen(e.accepted_at), seen(e.closed_at));
                let unhandled = acc.is_none() || closed.is_none();
                let hit = match (outcome, acc, closed) {
                    (CaseOutcome::Unhandled, _, _) => unhandled,
                    (CaseOutcome::Overdue, Some(a), Some(c)) => {
                        let close_limit = if e.complex {
                            deadlines.complex_close_within
                        } else {
                            deadlines.close_within
                        };
                        (a - assigned).num_seconds() > deadlines.accept_within
                            || (c - assigned).num_seconds() > close_limit
                    }
                    (CaseOutcome::Overdue, _, _) => false,
                };
                if hit {
                    out.push(Occurrence {
                        date: Some(e.date),
                        amount: e.count,
                        level: e.level.clone(),
                        money: None,
                        source: row(e.src),
                    });
                }
            }
        }
        MeasureKind::SurveyRate { field } => return survey_rate(&rows.survey, field.index(), w, ctx, problems),
        // Computed from another measure by `compute_all`.
        MeasureKind::Minimum { .. } | MeasureKind::Union { .. } => {}
        MeasureKind::Indicator { name, mode } => return indicator(rows, name, *mode, w, ctx, problems),
    }
    Value::Occurrences(out)
}

/// The subject's row of an indicator. A rate or a number must be there (a missing one is an
/// omission, never a 0); a count that is absent counts none. Two rows are an error.
fn indicator(
    rows: &WorkerRows,
    name: &str,
    mode: IndicatorMode,
    w: &Worker,
    ctx: &MeasureCtx,
    problems: &mut Vec<InputProblem>,
) -> Value {
    let found: Vec<&crate::input::records::Indicator> = rows.indicators.iter().filter(|i| i.name == name).collect();
    if found.len() > 1 {
        problems.push(InputProblem {
            file: ctx.file("indicators"),
            place: found[1].src.to_string(),
            found: Some(format!("a second row 指标 = {name} for {}", w.id)),
            expected: format!("one row per subject and 指标 (the first is at {})", found[0].src),
        });
    }
    match (found.first(), mode) {
        (Some(i), IndicatorMode::Count) => Value::Occurrences(vec![Occurrence {
            date: None,
            amount: i.value,
            level: None,
            money: None,
            source: row(i.src),
        }]),
        (None, IndicatorMode::Count) => Value::Occurrences(vec![]),
        (Some(i), _) => Value::Rate {
            rate: i.value,
            yes: 0,
            answered: 0,
            given: true,
            sources: vec![row(i.src)],
        },
        (None, _) => {
            problems.push(InputProblem {
                file: ctx.file("indicators"),
                place: "指标".into(),
                found: Some(format!("no row 指标 = {name} for {} {}", w.id, w.name)),
                expected: "a row for every subject and every 指标 the rule set reads as a rate or a number".into(),
            });
            Value::Rate {
                rate: Decimal::ZERO,
                yes: 0,
                answered: 0,
                given: true,
                sources: vec![],
            }
        }
    }
}

fn survey_rate(rows: &[Survey], f: usize, w: &Worker, ctx: &MeasureCtx, problems: &mut Vec<InputProblem>) -> Value {
    let given: Vec<&Survey> = rows.iter().filter(|s| s.rates[f].is_some()).collect();
    if given.len() > 1 {
        problems.push(InputProblem {
            file: ctx.file("survey"),
            place: given[1].src.to_string(),
            found: Some(format!("a second given rate for {}", w.id)),
            expected: format!(
                "one given rate per worker and period (the first is at {})",
                given[0].src
            ),
        });
    }
    if let Some(g) = given.first() {
        return Value::Rate {
            rate: g.rates[f].unwrap_or_default(),
            yes: 0,
            answered: 0,
            given: true,
            sources: vec![row(g.src)],
        };
    }
    let answered: Vec<&Survey> = rows.iter().filter(|s| s.answers[f].is_some()).collect();
    let yes = answered.iter().filter(|s| s.answers[f] == Some(true)).count() as u32;
    let n = answered.len() as u32;
    // A worker with no respondents has rate 0 (a rule-set decision: nobody asked, nobody satisfied).
    let rate = if n == 0 {
        Decimal::ZERO
    } else {
        Decimal::from(yes) / Decimal::from(n)
    };
    Value::Rate {
        rate,
        yes,
        answered: n,
        given: false,
        sources: answered.iter().map(|s| row(s.src)).collect(),
    }
}
