//! Typed records, one per input row, each knowing the row it came from.
//!
//! Parsing a sheet is one pass over its rows; the roster is read first, and each other row's
//! worker id is resolved against it as the row is read (events keep their ids until their
//! 事件编号 are checked); rows are grouped per worker in `mod.rs`, so the engine never scans a
//! whole sheet for one worker.
use super::cell;
use super::problem::InputProblem;
use super::table::Row;
use crate::contract::IndicatorMode;
use crate::contract::ReadPlan;
use crate::contract::{DecisionKind, Session, Status, StatusList};
pub use crate::contract::{RoleId, SheetKind, TypeId};
use crate::period::Period;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The source row of a record: sheet and 1-based row number, shown as `考勤!17`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Src {
    pub sheet: SheetKind,
    pub row: u32,
}

impl std::fmt::Display for Src {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}!{}", self.sheet.label(), self.row)
    }
}

#[derive(Debug, Clone)]
pub struct Worker {
    pub id: String,
    pub name: String,
    pub village: String,
    pub grid: String,
    pub role: RoleId,
    pub area: String,
    pub monthly_subsidy: Option<Decimal>,
    pub no_reward: bool,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub bank_account: Option<String>,
    pub src: Src,
}

#[cfg(test)]
impl Worker {
    /// A worker of role `role` in 村, named as its id, on roster row `row`: for unit tests.
    pub(crate) fn for_test(id: &str, role: RoleId, row: u32) -> Worker {
        Worker {
            id: id.into(),
            name: id.into(),
            village: "村".into(),
            grid: String::new(),
            role,
            area: String::new(),
            monthly_subsidy: None,
            no_reward: false,
            start: None,
            end: None,
            bank_account: None,
            src: Src {
                sheet: SheetKind::Roster,
                row,
            },
        }
    }
}

#[derive(Debug, Clone)]
pub struct Attendance {
    pub date: NaiveDate,
    pub statuses: StatusList,
    /// 批准; blank is "not approved".
    pub approved: bool,
    pub sign_in: Option<NaiveTime>,
    pub report_at: Option<NaiveTime>,
    pub src: Src,
}

#[derive(Debug, Clone)]
pub struct Patrol {
    pub date: NaiveDate,
    pub session: Session,
    /// 结束 − 开始 when both are given, else 时长; `None` when neither is.
    pub seconds: Option<Decimal>,
    pub logged: bool,
    pub uniform: bool,
    pub exempt: bool,
    pub src: Src,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub event_id: String,
    pub type_id: TypeId,
    pub date: NaiveDate,
    pub level: Option<String>,
    pub valid: bool,
    pub count: Decimal,
    pub assigned_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub complex: bool,
    pub amount: Option<Decimal>,
    pub src: Src,
    /// Whether the row's date counts in this run. A row of a type counted once per event is
    /// kept from every day the run reads (a month run reads its quarter), so that the event's
    /// first reporter and highest level are found across months (docs/decisions.md D6.3); it counts
    /// only in the month of its first report.
    pub counted: bool,
}

/// A survey row: one respondent's answers, or a worker's given rates.
#[derive(Debug, Clone)]
pub struct Survey {
    pub answers: [Option<bool>; 3],
    pub rates: [Option<Decimal>; 3],
    pub src: Src,
}

/// One 指标 row: the indicator's name and its value, a rate 0..1 or a number as the rule set
/// reads that indicator.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub name: String,
    pub value: Decimal,
    pub src: Src,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub period: Option<Period>,
    pub scope: Option<String>,
    pub value: String,
    pub src: Src,
    /// The value's cell, for errors raised when the value is used.
    pub place: String,
    pub file: String,
}

/// One committee decision (决定 sheet), as read: its worker, kind and cells; what it names
/// (an item, veto, measure, grade or pay rule) is resolved against the rule set when the run
/// is scored (`crate::engine::decide`), with an error at the 项目 cell when it names nothing.
#[derive(Debug, Clone)]
pub struct Decision {
    pub kind: DecisionKind,
    /// 项目, trimmed; `None` when blank.
    pub item: Option<String>,
    /// 分值: points, or yuan when the 项目 is a pay rule.
    pub points: Option<Decimal>,
    /// 扣分记录 of a 免扣: the source row, or the day, of the occurrence exempted.
    pub occurrence: Option<OccurrenceRef>,
    pub reason: String,
    pub decided_by: String,
    pub date: NaiveDate,
    pub src: Src,
    /// The 项目 cell (`决定!C4`), the 扣分记录 cell and the file, for errors found
    /// when the decision is resolved and applied.
    pub item_place: String,
    pub occurrence_place: String,
    pub file: String,
}

/// The occurrence a 免扣 exempts: a source row (`巡查!17`), or every occurrence on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccurrenceRef {
    Row(Src),
    Day(NaiveDate),
}

impl std::fmt::Display for OccurrenceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OccurrenceRef::Row(s) => write!(f, "{s}"),
            OccurrenceRef::Day(d) => write!(f, "{d}"),
        }
    }
}

/// Reads a 扣分记录 cell: `巡查!17` (also `patrol!17`, `巡查!A17`) or a date.
fn occurrence_ref(d: &calamine::Data) -> cell::CellResult<OccurrenceRef> {
    const EXPECTED: &str = "a source row such as 巡查!17, or a date";
    if let Ok(Some(day)) = cell::date(d) {
        return Ok(Some(OccurrenceRef::Day(day)));
    }
    let Some(t) = cell::text(d)? else { return Ok(None) };
    let t = t.trim().replace('！', "!");
    let Some((sheet, row)) = t.split_once('!') else {
        return Err(EXPECTED.into());
    };
    let sheet = SheetKind::named(sheet).ok_or_else(|| EXPECTED.to_string())?;
    let digits = row.trim().trim_start_matches(|c: char| c.is_ascii_alphabetic());
    match digits.parse::<u32>() {
        Ok(row) if row >= 2 => Ok(Some(OccurrenceRef::Row(Src { sheet, row }))),
        _ => Err(EXPECTED.into()),
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

/// The most occurrences one event row may stand for. With [`MAX_AMOUNT`] and the rule-set
/// bound (`num::RULE_LIMIT`) it keeps every sum the engine forms far from overflowing.
pub const MAX_COUNT: i64 = 10_000;
/// The largest amount (yuan) a cell may hold.
pub const MAX_AMOUNT: i64 = 100_000_000;

/// What reading needs to know: the run's period and the rule set's vocabulary.
pub struct Ctx<'a> {
    pub plan: &'a ReadPlan,
    pub period: Period,
    pub window: Period,
    /// Days a weekly rule needs beyond the window (the Monday and Tuesday of a week whose
    /// Thursday is the period's): read and kept, though only weekly rules count them.
    pub reach: Option<(NaiveDate, NaiveDate)>,
    /// The roster's ids, once it is read: the other sheets' rows find their worker as they are
    /// read. `None` while the roster is read, or when it could not be (its problems are
    /// reported; the rows are then not checked against it).
    pub roster: Option<&'a Roster>,
    /// Where each sheet's extract is written, for the run's archive (`super::extract`).
    pub keep: Option<&'a dyn super::extract::Sink>,
}

impl Ctx<'_> {
    fn reached(&self, d: NaiveDate) -> bool {
        self.reach.is_some_and(|(a, b)| a <= d && d <= b)
    }

    /// Reads the row's date: a problem when blank, unreadable or outside the input window.
    fn dated(&self, row: &Row, problems: &mut Vec<InputProblem>) -> Option<NaiveDate> {
        let d = row.require("date", cell::date, problems)?;
        if !self.window.contains(d) && !self.reached(d) {
            let within = match self.reach {
                Some((a, b)) if a < self.window.first_day() || b > self.window.last_day() => {
                    msg!(
                        "in-window-with-weeks",
                        window = self.window,
                        from = a.min(self.window.first_day()),
                        to = b.max(self.window.last_day())
                    )
                }
                _ => self.window.to_string(),
            };
            let mut problem = row.problem("date", msg!("in-date-within", within = within));
            problem.kind = super::problem::ProblemKind::OutOfPeriod;
            problems.push(problem);
            return None;
        }
        Some(d)
    }

    /// Whether a row dated `d` (inside the window) counts in this run: a month run skips the
    /// other months of its quarter.
    pub fn counts(&self, d: NaiveDate) -> bool {
        self.period.contains(d) || self.reached(d)
    }
}

fn src(sheet: SheetKind, row: &Row) -> Src {
    Src {
        sheet,
        row: row.number(),
    }
}

/// The roster's worker ids, each with its worker's index (the first row, when an id repeats:
/// the repeat is a problem of its own).
pub struct Roster {
    index: HashMap<String, usize>,
    /// Each id without its leading zeros → the smallest id that reads so, built the first time
    /// an unknown id needs it (not a scan of the roster for every unknown row).
    unzeroed: std::sync::OnceLock<HashMap<String, String>>,
}

impl Roster {
    /// The index of `workers`, and a problem for each id used twice.
    pub fn new(workers: &[Worker], file: &str) -> (Roster, Vec<InputProblem>) {
        let mut index: HashMap<String, usize> = HashMap::with_capacity(workers.len());
        let mut problems = Vec::new();
        for (i, w) in workers.iter().enumerate() {
            if w.id.is_empty() {
                continue;
            }
            match index.get(&w.id) {
                Some(&first) => problems.push(InputProblem {
                    file: file.to_string(),
                    place: format!("{}", w.src),
                    found: Some(w.id.clone()),
                    expected: msg!("in-duplicate-id", first = workers[first].src),
                    kind: super::problem::ProblemKind::DuplicateId,
                    rows: 1,
                }),
                None => {
                    index.insert(w.id.clone(), i);
                }
            }
        }
        let roster = Roster {
            index,
            unzeroed: std::sync::OnceLock::new(),
        };
        (roster, problems)
    }

    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The problem of a row naming `id`, which is not on the roster; when the roster has the
    /// same number with leading zeros, it says so (a text id that Excel turned into a number).
    pub fn unknown(&self, id: &str, place: String, file: String) -> InputProblem {
        let hint = if id.trim_start_matches('0') != id || id.chars().all(|c| c.is_ascii_digit()) {
            let unzeroed = self.unzeroed.get_or_init(|| {
                let mut m: HashMap<String, String> = HashMap::new();
                for k in self.index.keys() {
                    let e = m
                        .entry(k.trim_start_matches('0').to_string())
                        .or_insert_with(|| k.clone());
                    // The smallest such id, so the message is the same from run to run.
                    if k < e {
                        *e = k.clone();
                    }
                }
                m
            });
            unzeroed
                .get(id.trim_start_matches('0'))
                .map(|k| msg!("in-unknown-worker-zero", id = k))
                .unwrap_or_default()
        } else {
            String::new()
        };
        InputProblem {
            file,
            place,
            found: Some(id.to_string()),
            expected: msg!("in-unknown-worker", hint = hint),
            kind: super::problem::ProblemKind::UnknownWorker,
            rows: 1,
        }
    }
}

/// A sheet's records, each with the index of its worker on the roster, looked up as the row
/// is read. (Grouping them into each worker's list as they are read was tried: fifty thousand
/// lists growing by doubling held a fifth more memory at the peak than one list grouped into
/// lists of exact length afterwards, which is what `mod.rs` does.)
pub struct Resolved<T> {
    pub records: Vec<(u32, T)>,
}

impl<T> Default for Resolved<T> {
    fn default() -> Self {
        Resolved { records: Vec::new() }
    }
}

impl<T> Resolved<T> {
    fn push(&mut self, row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, id: &str, record: T) {
        let Some(roster) = ctx.roster else { return };
        match roster.get(id) {
            // A roster has far fewer than 2³² rows.
            Some(i) => self.records.push((i as u32, record)),
            None => p.push(roster.unknown(id, row.place("id"), row.header().file.clone())),
        }
    }
}

/// The events, each with the worker id it names: their 事件编号 are checked across the whole
/// sheet before the rows are grouped (`mod.rs`). An id repeats on every row of its worker:
/// each is kept once, and a record holds its index.
pub struct Keyed<T> {
    /// Each record with the index of its id in `ids`.
    pub records: Vec<(u32, T)>,
    pub ids: Vec<String>,
    lookup: HashMap<String, u32>,
    /// The sheet's id column, to name the cell of an id that is not on the roster.
    id_col: Option<u32>,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed {
            records: Vec::new(),
            ids: Vec::new(),
            lookup: HashMap::new(),
            id_col: None,
        }
    }
}

impl<T> Keyed<T> {
    fn push(&mut self, row: &Row, id: &str, record: T) {
        let k = match self.lookup.get(id) {
            Some(&k) => k,
            None => {
                // An id is an index into a Vec; a sheet has far fewer than 2³² distinct ids.
                let k = self.ids.len() as u32;
                self.ids.push(id.to_string());
                self.lookup.insert(id.to_string(), k);
                if self.id_col.is_none() {
                    self.id_col = row.header().index("id").map(|c| c as u32);
                }
                k
            }
        };
        self.records.push((k, record));
    }

    /// `考勤!C17`: the id cell of a record from `src`.
    pub fn place(&self, src: Src) -> String {
        match self.id_col {
            Some(c) => format!("{}!{}", src.sheet.label(), super::table::cell_name(src.row - 1, c)),
            None => src.to_string(),
        }
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

    fn worker(id: &str, row: u32) -> Worker {
        Worker::for_test(id, 0, row)
    }

    #[test]
    fn an_unknown_id_that_lost_its_leading_zeros_is_named_with_the_roster_s_id() {
        let workers = [worker("007", 2), worker("0007", 3), worker("A1", 4), worker("007", 5)];
        let (roster, dups) = Roster::new(&workers, "in.xlsx");
        assert_eq!(dups.len(), 1, "007 twice");
        assert_eq!(dups[0].place, "花名册!5");
        assert_eq!(roster.get("007"), Some(0), "the first row keeps the id");
        let p = roster.unknown("7", "考勤!A9".into(), "in.xlsx".into());
        // Two roster ids read as 7: the smallest is named, every run the same.
        assert!(p.expected.contains("the roster has 0007"), "{}", p.expected);
        assert_eq!(p.found.as_deref(), Some("7"));
        let p = roster.unknown("B2", "考勤!A9".into(), "in.xlsx".into());
        assert_eq!(p.expected, "a worker 编号 on the roster (花名册)");
    }
}
