//! Measures: each primitive turns one worker's rows into occurrences (or a rate).
//!
//! Every measure kind is one file of this folder holding its TOML shape (`Raw`, read by serde
//! with `deny_unknown_fields`), its checks, its computation and its tests; the [`kinds!`] list
//! below is the one place that names them all. A worker's rows were grouped at read time, and
//! [`WorkerDays`] indexes them by day once, so every measure is a pass over one worker's rows.
use crate::contract::SheetKind;
use crate::contract::{Session, Status};
use crate::input::records::{Attendance, Patrol, Src, Worker};
use crate::input::{Inputs, RowsOf};
use crate::period::Period;
use crate::positioned::{one_of, Checker, Node};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::ops::Range;
use toml::Spanned;

pub use crate::trace::{Absent, Source};
use events::EventScope;

/// Declares every measure kind: its name after `kind =`, its module, its type. Adding a
/// primitive is a file implementing [`Kind`] and one line here.
macro_rules! kinds {
    ($($name:literal => $module:ident :: $Kind:ident,)*) => {
        $(pub mod $module;)*

        /// Every measure kind, as written after `kind =`.
        pub const KINDS: &[&str] = &[$($name),*];

        /// A measure's primitive with its checked parameters.
        #[derive(Debug, Clone)]
        pub enum MeasureKind {
            $($Kind($module::$Kind),)*
        }

        impl MeasureKind {
            /// The name it is written with.
            pub fn name(&self) -> &'static str {
                match self {
                    $(MeasureKind::$Kind(_) => $name,)*
                }
            }
            fn stage(&self) -> Stage {
                match self {
                    $(MeasureKind::$Kind(_) => <$module::$Kind as Kind>::STAGE,)*
                }
            }
            /// The sheet a measure counts rows of; `None` for one computed from other measures
            /// (those name the sheet).
            pub fn sheet(&self) -> Option<SheetKind> {
                match self {
                    $(MeasureKind::$Kind(_) => <$module::$Kind as Kind>::SHEET,)*
                }
            }
            fn compute(&self, cx: &WorkerCx, done: &[Value]) -> Value {
                match self {
                    $(MeasureKind::$Kind(k) => k.compute(cx, done),)*
                }
            }
        }

        /// The keys a kind takes besides `kind` and `label`, as its `Raw` declares them.
        pub fn keys(kind: &str) -> Option<&'static [&'static str]> {
            Some(match kind {
                $($name => crate::positioned::keys_of::<<$module::$Kind as Kind>::Raw>(),)*
                _ => return None,
            })
        }

        /// Reads and checks a measure of kind `kind`; `None` for a kind that does not exist.
        fn check_kind(kind: &str, rest: Spanned<Node>, cx: &mut CheckCx) -> Option<Option<MeasureKind>> {
            Some(match kind {
                $($name => read_checked::<$module::$Kind>(rest, cx).map(MeasureKind::$Kind),)*
                _ => return None,
            })
        }
    };
}

kinds! {
    "events" => events::Events,
    "attendance" => attendance::AttendanceStatus,
    "missing_patrols" => missing_patrols::MissingPatrols,
    "short_patrols" => short_patrols::ShortPatrols,
    "patrol_finding" => patrol_finding::PatrolFinding,
    "daily_deadline" => daily_deadline::DailyDeadline,
    "case_deadline" => case_deadline::CaseDeadline,
    "survey_rate" => survey_rate::SurveyRate,
    "indicator" => indicator::Indicator,
    "minimum" => minimum::Minimum,
    "union" => union::Union,
    "daily_hours" => daily_hours::DailyHours,
    "ratio" => ratio::Ratio,
}

/// When a kind is computed: from the worker's rows, or from measures computed before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Rows,
    /// From measures of rows (a union).
    Joined,
    /// From any measure but another of this stage (a minimum counts a union's occurrences).
    PerBucket,
}

/// One measure primitive: its TOML shape, its checks and its computation.
pub trait Kind: Sized {
    /// The keys it takes besides `kind` and `label`; serde refuses any other.
    type Raw: DeserializeOwned;
    const SHEET: Option<SheetKind>;
    const STAGE: Stage;
    /// Checks a read table, naming every problem; `None` when it cannot be used.
    fn check(raw: Self::Raw, cx: &mut CheckCx) -> Option<Self>;
    /// One worker's value. `done` holds the values of the stages before this one.
    fn compute(&self, cx: &WorkerCx, done: &[Value]) -> Value;
}

fn read_checked<K: Kind>(rest: Spanned<Node>, cx: &mut CheckCx) -> Option<K> {
    let raw = cx.c.read::<K::Raw>(rest)?;
    K::check(raw, cx)
}

/// A measure: a named count per subject.
#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    pub label: String,
    /// What one occurrence is called in a trace (`3件 × 3 = 9`): the measure's `unit`, 次 by
    /// default.
    pub unit: String,
    pub kind: MeasureKind,
}

/// The 类型 (event types) a measure counts rows of: those of `events` and `case_deadline`.
pub fn event_types_read(kind: &MeasureKind) -> &[usize] {
    match kind {
        MeasureKind::Events(e) => &e.types,
        MeasureKind::CaseDeadline(c) => &c.types,
        _ => &[],
    }
}

/// What a measure's check may consult: the declarations around it.
pub struct CheckCx<'a> {
    pub c: &'a mut Checker,
    /// The measure's own table, for a problem of the measure as a whole.
    pub at: Range<usize>,
    /// Event types by name, and the levels each declares.
    pub type_ids: &'a HashMap<String, usize>,
    pub type_levels: &'a [Vec<String>],
    /// Role ids, in declaration order (a role's index).
    pub roles: &'a [String],
    /// Every measure's id and kind name, as written (a measure may name one written later).
    pub measure_ids: &'a HashMap<String, usize>,
    pub kinds: &'a [String],
}

impl CheckCx<'_> {
    /// A problem of the measure as a whole.
    pub fn say(&mut self, message: impl Into<String>) {
        self.c.span(Some(self.at.clone()), message);
    }
    /// A problem with a key's value: at the value when the key is there, else at the measure
    /// (the key is missing).
    pub fn refuse<T>(&mut self, key: &Option<Spanned<T>>, message: impl Into<String>) {
        match key {
            Some(at) => self.c.at(at, message),
            None => self.say(message),
        }
    }
    /// Event types by name; an unknown one is named with the declared ones.
    pub fn types(&mut self, names: &[Spanned<String>]) -> Vec<usize> {
        let mut out = Vec::new();
        for t in names {
            match self.type_ids.get(t.get_ref().trim()) {
                Some(i) => out.push(*i),
                None => {
                    let mut known: Vec<(&String, &usize)> = self.type_ids.iter().collect();
                    known.sort_by_key(|(_, i)| **i);
                    let known: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
                    self.c.at(
                        t,
                        msg!(
                            "rs-unknown-event-type-declared",
                            value = t.get_ref(),
                            list = known.join(", ")
                        ),
                    );
                }
            }
        }
        out
    }
    /// Another measure, by id: refused when unknown, or when it is of one of `not`.
    pub fn measure(&mut self, name: &Spanned<String>, not: &[&str], why: &str) -> Option<usize> {
        match self.measure_ids.get(name.get_ref()) {
            Some(i) if not.contains(&self.kinds[*i].as_str()) => {
                let msg = msg!(
                    "rs-key-belongs-to-kind",
                    why = why,
                    name = name.get_ref(),
                    value = self.kinds[*i]
                );
                self.c.at(name, msg);
                None
            }
            Some(i) => Some(*i),
            None => {
                self.c.at(
                    name,
                    msg!("rs-unknown-measure-define-under-measures", name = name.get_ref()),
                );
                None
            }
        }
    }
    /// An attendance status by name.
    pub fn status(&mut self, n: &Spanned<String>) -> Option<Status> {
        status(self.c, n)
    }
}

/// An attendance status by name (also read by `[duty_days]`).
pub fn status(c: &mut Checker, n: &Spanned<String>) -> Option<Status> {
    let s = Status::parse(n.get_ref());
    if s.is_none() {
        c.at(
            n,
            msg!(
                "rs-unknown-attendance-status-known",
                name = n.get_ref(),
                known = Status::known()
            ),
        );
    }
    s
}

/// Reads `[measures]`: each table's `kind` picks the primitive that reads the rest.
pub fn check_all(
    c: &mut Checker,
    raw: Vec<(String, Spanned<Node>)>,
    type_ids: &HashMap<String, usize>,
    type_levels: &[Vec<String>],
    roles: &[String],
) -> Vec<Option<Measure>> {
    let mut tables = Vec::new();
    for (id, mut node) in raw {
        let span = node.span();
        let kind = node.get_mut().take("kind");
        let label = node.get_mut().take("label");
        let unit = match node.get_mut().take("unit").map(|u| (u.span(), u.into_inner())) {
            None => "次".to_string(),
            Some((_, Node::Str(s))) if !s.trim().is_empty() && s.chars().count() <= 4 => s.trim().to_string(),
            Some((at, _)) => {
                c.span(Some(at), msg!("rs-unit-short-word-quotes"));
                "次".to_string()
            }
        };
        let name = kind
            .as_ref()
            .and_then(|k| k.get_ref().as_str())
            .unwrap_or_default()
            .to_string();
        match &kind {
            None => c.span(
                Some(span.clone()),
                msg!("rs-measure-needs-kind-one", id = id, one_of = one_of(KINDS)),
            ),
            Some(k) if k.get_ref().as_str().is_none() => c.at(k, msg!("rs-kind-name-quotes")),
            _ => {}
        }
        let label = match label.map(|l| (l.span(), l.into_inner())) {
            Some((_, Node::Str(s))) => Some(s),
            Some((at, _)) => {
                c.span(Some(at), msg!("rs-label-text-quotes"));
                None
            }
            None => {
                c.span(Some(span.clone()), msg!("rs-measure-needs-label", id = id));
                None
            }
        };
        tables.push((id, kind, name, (label, unit), node));
    }
    let measure_ids: HashMap<String, usize> = tables.iter().enumerate().map(|(i, t)| (t.0.clone(), i)).collect();
    let kinds: Vec<String> = tables.iter().map(|t| t.2.clone()).collect();
    let mut out = Vec::new();
    for (id, kind, name, (label, unit), node) in tables {
        let mut cx = CheckCx {
            at: node.span(),
            c,
            type_ids,
            type_levels,
            roles,
            measure_ids: &measure_ids,
            kinds: &kinds,
        };
        let checked = match (kind, check_kind(&name, node, &mut cx)) {
            (Some(k), None) if k.get_ref().as_str().is_some() => {
                let near = crate::spelling::nearest(&name, KINDS.iter().copied())
                    .map(|n| msg!("rs-did-you-mean", n = n))
                    .unwrap_or_default();
                cx.c.at(
                    &k,
                    msg!(
                        "rs-unknown-measure-kind-expected",
                        name = name,
                        near = near,
                        one_of = one_of(KINDS)
                    ),
                );
                None
            }
            (_, found) => found.flatten(),
        };
        out.push(
            checked
                .zip(label)
                .map(|(kind, label)| Measure { id, label, unit, kind }),
        );
    }
    out
}

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
        /// The rate's numerator and denominator (respondents' yes and answers; a ratio's
        /// done and required), for the trace.
        yes: Decimal,
        answered: Decimal,
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
pub fn working_days(cal: &crate::calendar::Calendar, period: Period) -> Vec<NaiveDate> {
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
    attendance_by_day: Grouped<'a, NaiveDate, Attendance>,
    /// Patrol rows grouped by (日期, 时段): one patrol each.
    patrols: Grouped<'a, (NaiveDate, Session), Patrol>,
}

impl<'a> WorkerDays<'a> {
    pub fn new(w: &Worker, rows: RowsOf<'a>, working: &[NaiveDate], duty_exclude: &[Status]) -> WorkerDays<'a> {
        let attendance_by_day = Grouped::new(rows.attendance, |a| a.date);
        // A day a row of which has a status that excludes it from duty is no duty day.
        let excluded = |d: &NaiveDate| {
            attendance_by_day
                .get(d)
                .iter()
                .any(|r| r.statuses.iter().any(|s| duty_exclude.contains(&s)))
        };
        let duty_days = working
            .iter()
            .copied()
            .filter(|d| w.start.is_none_or(|s| *d >= s) && w.end.is_none_or(|e| *d <= e) && !excluded(d))
            .collect();
        WorkerDays {
            duty_days,
            attendance_by_day,
            patrols: Grouped::new(rows.patrols, |p| (p.date, p.session)),
        }
    }
}

/// Rows grouped by a key: the groups in the key's order, each group's rows in file order — as
/// a `BTreeMap` of `Vec`s holds them, in two allocations where that took one a key (a
/// province's workers have about 270 days and patrols each: thirteen million allocations).
pub struct Grouped<'a, K, T> {
    /// Each group's key and where the group ends in `rows`.
    ends: Vec<(K, usize)>,
    rows: Vec<&'a T>,
}

impl<'a, K: Ord + Copy, T> Grouped<'a, K, T> {
    fn new(rows: &'a [T], key: impl Fn(&T) -> K) -> Grouped<'a, K, T> {
        let mut rows: Vec<&T> = rows.iter().collect();
        // Stable: a group keeps its rows in file order. Rows come mostly in date order,
        // which the sort takes in one pass.
        rows.sort_by_key(|r| key(r));
        let mut ends: Vec<(K, usize)> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let k = key(r);
            match ends.last_mut() {
                Some((last, end)) if *last == k => *end = i + 1,
                _ => ends.push((k, i + 1)),
            }
        }
        Grouped { ends, rows }
    }

    fn group(&self, i: usize) -> &[&'a T] {
        let from = if i == 0 { 0 } else { self.ends[i - 1].1 };
        &self.rows[from..self.ends[i].1]
    }

    /// The rows of `key`; none when it has none.
    pub fn get(&self, key: &K) -> &[&'a T] {
        match self.ends.binary_search_by(|(k, _)| k.cmp(key)) {
            Ok(i) => self.group(i),
            Err(_) => &[],
        }
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.ends.binary_search_by(|(k, _)| k.cmp(key)).is_ok()
    }

    /// Every group, in the key's order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &[&'a T])> + '_ {
        (0..self.ends.len()).map(|i| (&self.ends[i].0, self.group(i)))
    }

    /// The groups from `first` to `last`, both included, in the key's order.
    pub fn range(&self, first: &K, last: &K) -> impl Iterator<Item = (&K, &[&'a T])> + '_ {
        let from = self.ends.partition_point(|(k, _)| k < first);
        let to = self.ends.partition_point(|(k, _)| k <= last);
        (from..to.max(from)).map(|i| (&self.ends[i].0, self.group(i)))
    }
}

/// What a measure needs besides the worker's rows.
pub struct MeasureCtx<'a> {
    pub measures: &'a [Measure],
    pub period: Period,
    /// Events counted once: the row each is credited to, and its highest level.
    pub credit: &'a HashMap<Src, Option<String>>,
    /// For event measures scoped to a grid or village: every row of the group's workers, by
    /// (scope, group name) — built once, so no worker's measure scans the whole sheet.
    pub scoped: &'a HashMap<(EventScope, String), Vec<&'a crate::input::records::Event>>,
}

/// The rows of the event types that grid- or village-scoped measures count, grouped by the
/// named worker's 网格 or 村 (docs/decisions.md D6.4). Workers with a blank 网格 (村) form no group:
/// their own rows count for them alone.
pub fn scoped_events<'a>(
    inputs: &'a Inputs,
    measures: &[Measure],
) -> HashMap<(EventScope, String), Vec<&'a crate::input::records::Event>> {
    // Per scope, the union of the types its measures count (so that each row is listed once).
    let mut wanted: Vec<(EventScope, Vec<usize>)> = Vec::new();
    for m in measures {
        if let MeasureKind::Events(events::Events { types, scope, .. }) = &m.kind {
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
pub fn event_credit(
    inputs: &Inputs,
    measures: &[Measure],
    type_levels: &[Vec<String>],
) -> HashMap<Src, Option<String>> {
    let shared = shared_event_types(measures);
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
        let levels = &type_levels[e.type_id];
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

/// The event types whose rows may share a 事件编号 (one event reported several times).
pub fn shared_event_types(measures: &[Measure]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for m in measures {
        if let MeasureKind::Events(e) = &m.kind {
            if e.once_per_event {
                for t in &e.types {
                    if !out.contains(t) {
                        out.push(*t);
                    }
                }
            }
        }
    }
    out
}

/// One worker's measuring: the run's context, the worker, the worker's rows and days.
///
/// A measure reads the worker's own rows here, and other workers' only through
/// [`MeasureCtx`] (the scoped events): a run lets each worker's attendance and patrols go as
/// soon as that worker is scored (`engine::score_releasing`), so no measure may reach for
/// another worker's daily rows.
pub struct WorkerCx<'a> {
    pub run: &'a MeasureCtx<'a>,
    pub worker: &'a Worker,
    pub rows: RowsOf<'a>,
    pub days: &'a WorkerDays<'a>,
}

/// Computes every measure of the rule set for one worker, stage by stage ([`Stage`]).
///
/// A weekly bucket may reach outside the period (a week belongs to the period of its
/// Thursday), so rows from those days were read and the per-bucket measures count them; every
/// other measure then keeps only the period's own days.
pub fn compute_all<'a>(
    ctx: &'a MeasureCtx<'a>,
    w: &'a Worker,
    rows: RowsOf<'a>,
    days: &'a WorkerDays<'a>,
) -> Vec<Value> {
    let cx = WorkerCx {
        run: ctx,
        worker: w,
        rows,
        days,
    };
    let mut values: Vec<Value> = vec![Value::Occurrences(Vec::new()); ctx.measures.len()];
    for stage in [Stage::Rows, Stage::Joined, Stage::PerBucket] {
        for (i, m) in ctx.measures.iter().enumerate() {
            if m.kind.stage() == stage {
                values[i] = m.kind.compute(&cx, &values);
            }
        }
    }
    for (v, m) in values.iter_mut().zip(ctx.measures) {
        if let (Value::Occurrences(o), false) = (v, m.kind.stage() == Stage::PerBucket) {
            o.retain(|o| o.date.is_none_or(|d| ctx.period.contains(d)));
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_grouped_by_key_come_in_key_order_each_group_in_file_order_as_a_btree_map_of_vecs() {
        // (key, row number) in file order, keys scrambled and repeated.
        let rows: Vec<(u32, u32)> = [5, 3, 5, 1, 3, 5, 9, 1, 7, 7, 2]
            .into_iter()
            .enumerate()
            .map(|(i, k)| (k, i as u32 + 2))
            .collect();
        let grouped = Grouped::new(&rows, |r| r.0);
        let mut reference: std::collections::BTreeMap<u32, Vec<&(u32, u32)>> = Default::default();
        for r in &rows {
            reference.entry(r.0).or_default().push(r);
        }
        let got: Vec<(u32, Vec<&(u32, u32)>)> = grouped.iter().map(|(k, g)| (*k, g.to_vec())).collect();
        let want: Vec<(u32, Vec<&(u32, u32)>)> = reference.iter().map(|(k, g)| (*k, g.clone())).collect();
        assert_eq!(got, want);
        // 5 is on rows 2, 4 and 7, in that order; 4 and 10 have none.
        assert_eq!(grouped.get(&5).iter().map(|r| r.1).collect::<Vec<_>>(), [2, 4, 7]);
        assert!(grouped.get(&4).is_empty() && !grouped.contains_key(&4) && grouped.contains_key(&9));
        assert!(grouped.get(&10).is_empty() && grouped.get(&0).is_empty());
        // From 2 to 5, both included: 2, 3, 5; from 6 to 8: 7; from 10 to 20 and 4 to 4: none.
        let keys = |a, b| grouped.range(&a, &b).map(|(k, _)| *k).collect::<Vec<u32>>();
        assert_eq!(keys(2, 5), [2, 3, 5]);
        assert_eq!(keys(6, 8), [7]);
        assert!(keys(10, 20).is_empty() && keys(4, 4).is_empty() && keys(5, 2).is_empty());
        assert!(Grouped::new(&[] as &[(u32, u32)], |r| r.0).iter().next().is_none());
    }

    /// The README's table of measure kinds: `(kind, keys column)` per row.
    fn readme_rows() -> Vec<(String, String)> {
        let readme = include_str!("../../README.md");
        let section = readme.split("### Measures").nth(1).unwrap_or_default();
        section
            .lines()
            .skip_while(|l| !l.starts_with("| kind |"))
            .skip(2)
            .take_while(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.split(" | ").collect();
                (
                    cells[0].trim_start_matches("| ").trim_matches('`').to_string(),
                    cells.last().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn the_readme_lists_every_measure_kind_and_each_key_it_takes() {
        let rows = readme_rows();
        let listed: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
        let mut want = KINDS.to_vec();
        let mut got = listed.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want, "the README's measure table and the kinds! list");
        for (kind, keys) in &rows {
            for key in super::keys(kind).unwrap() {
                assert!(
                    keys.contains(&format!("`{key}")),
                    "README row `{kind}` does not name `{key}`: {keys}"
                );
            }
        }
    }

    /// Checks the `[measures]` of `text` against one event type `走访` (levels 一级, 二级) and
    /// roles `head`, `full`: each measure, or the problems with the text each points at.
    pub(crate) fn check_text(text: &str) -> Result<Vec<MeasureKind>, Vec<(String, String)>> {
        #[derive(serde::Deserialize)]
        struct Doc {
            measures: std::collections::BTreeMap<String, Spanned<Node>>,
        }
        let doc: Doc = toml::from_str(text).unwrap();
        let mut c = Checker::default();
        let types = HashMap::from([("走访".to_string(), 0)]);
        let levels = vec![vec!["一级".to_string(), "二级".to_string()]];
        let roles = vec!["head".to_string(), "full".to_string()];
        let out = check_all(&mut c, doc.measures.into_iter().collect(), &types, &levels, &roles);
        if c.problems.is_empty() {
            return Ok(out.into_iter().map(|m| m.unwrap().kind).collect());
        }
        Err(c
            .problems
            .into_iter()
            .map(|p| (p.span.map(|s| text[s].to_string()).unwrap_or_default(), p.message))
            .collect())
    }

    #[test]
    fn a_kind_takes_the_keys_its_shape_declares() {
        assert_eq!(keys("missing_patrols"), Some(&["per_duty_day"][..]));
        assert_eq!(keys("union"), Some(&["measures"][..]));
        assert_eq!(keys("nothing"), None);
    }
}
