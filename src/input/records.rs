//! Typed records, one per input row, each knowing the row it came from.
//!
//! Parsing a sheet (`parse.rs`, a function per sheet) is one pass over its rows; the roster
//! is read first, and each other row's worker id is resolved against it as the row is read (events keep their ids until their
//! 事件编号 are checked); rows are grouped per worker in `mod.rs`, so the engine never scans a
//! whole sheet for one worker.
use super::cell;
use super::problem::InputProblem;
use super::table::Row;
use crate::contract::SheetKind;
use crate::contract::{DecisionKind, ReadPlan, Session, StatusList};
pub use crate::contract::{RoleId, TypeId};
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
    /// The value as a number, when it reads as one; a 参数 the rule set reads is checked
    /// against what it must be while the sheet is read (`checks::params`).
    pub number: Option<Decimal>,
    pub src: Src,
    /// The value's cell, for errors raised when the value is used.
    pub place: String,
    pub file: String,
}

impl Param {
    /// The rows named `name` (and 范围 `scope`) a run of `period` reads: those of the period
    /// itself, or, when there are none, the undated ones.
    pub fn for_run<'a>(params: &'a [Param], name: &str, period: Period, scope: Option<&str>) -> Vec<&'a Param> {
        let named = |p: &&Param| p.name == name && p.scope.as_deref() == scope;
        let exact: Vec<&Param> = params
            .iter()
            .filter(named)
            .filter(|p| p.period == Some(period))
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        params.iter().filter(named).filter(|p| p.period.is_none()).collect()
    }
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

/// The most occurrences one event row may stand for. With [`MAX_AMOUNT`] and the rule-set
/// bound (`num::RULE_LIMIT`) it keeps every sum the engine forms far from overflowing.
pub const MAX_COUNT: i64 = 10_000;
/// The largest amount (yuan) a cell may hold.
pub const MAX_AMOUNT: i64 = 100_000_000;

/// What reading needs to know: the run's period and the rule set's vocabulary.
#[derive(Clone, Copy)]
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
    pub(super) fn reached(&self, d: NaiveDate) -> bool {
        self.reach.is_some_and(|(a, b)| a <= d && d <= b)
    }

    /// Reads the row's date: a problem when blank, unreadable or outside the input window.
    pub(super) fn dated(&self, row: &Row, problems: &mut Vec<InputProblem>) -> Option<NaiveDate> {
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

/// The roster's worker ids, each with its worker's index (the first row, when an id repeats:
/// the repeat is a problem of its own).
pub struct Roster {
    index: HashMap<String, usize>,
    /// Each roster row's id, by index, where the row is the one [`Roster::index`] gives for it
    /// (`None` for a blank id or a repeat): the rows [`Roster::get_near`] tries first.
    ids: Vec<Option<Box<str>>>,
    /// Each id without its leading zeros → the smallest id that reads so, built the first time
    /// an unknown id needs it (not a scan of the roster for every unknown row).
    unzeroed: std::sync::OnceLock<HashMap<String, String>>,
}

impl Roster {
    /// The index of `workers`, and a problem for each id used twice.
    pub fn new(workers: &[Worker], file: &str) -> (Roster, Vec<InputProblem>) {
        let mut index: HashMap<String, usize> = HashMap::with_capacity(workers.len());
        let mut problems = Vec::new();
        let mut ids = vec![None; workers.len()];
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
                    ids[i] = Some(w.id.as_str().into());
                }
            }
        }
        let roster = Roster {
            index,
            ids,
            unzeroed: std::sync::OnceLock::new(),
        };
        (roster, problems)
    }

    /// How many rows the roster has (the workers' indices are below it).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// [`Roster::get`], trying first the worker `last` found and the one after it: a sheet
    /// lists a worker's rows together, or each day's rows in the roster's order, so a row
    /// names the worker of the row above it or the next one on the roster. A province's ten
    /// million rows each looked up in the table spent that time waiting for memory (the probe
    /// missed the cache); the roster's ids in order are read as they lie. The answer is the
    /// table's always: only a row the table gives for its id is tried.
    pub fn get_near(&self, id: &str, last: &mut usize) -> Option<usize> {
        for k in [*last, last.saturating_add(1)] {
            if self.ids.get(k).and_then(|x| x.as_deref()) == Some(id) {
                *last = k;
                return Some(k);
            }
        }
        let i = self.get(id)?;
        *last = i;
        Some(i)
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

/// A sheet's records grouped per worker as they are read: each row finds its worker on the
/// roster and goes straight into that worker's list, in file order.
///
/// Why not one list of the sheet's records, grouped afterwards: a province's 巡查 and 考勤 are
/// ten million records (400 MB), and grouping them after reading held them twice for a moment
/// (the sheet's list and the workers' lists), which set the run's peak once the files are no
/// longer held whole (`super::stream`). Lists that grow are reserved for the rows a worker is
/// likely to have ([`Resolved::reserve`]), so they hold little more than lists of exact length
/// (grown by doubling from one record, they held a fifth more, as measured before).
pub struct Resolved<T> {
    /// Per roster row, its records in file order (empty until the roster is known).
    pub by_worker: Vec<Vec<T>>,
    /// The worker of the last record, where the next row's worker is looked for first
    /// ([`Roster::get_near`]).
    last: usize,
    /// Room each worker's list is given when it gets its first record: the rows expected per
    /// worker ([`Resolved::reserve`]); 0 until an estimate is known.
    per_worker: usize,
}

impl<T> Default for Resolved<T> {
    fn default() -> Self {
        Resolved {
            by_worker: Vec::new(),
            last: 0,
            per_worker: 0,
        }
    }
}

impl<T> Resolved<T> {
    /// Adds the records of the sheet's next piece after these, worker by worker (each piece's
    /// list let go as it is taken, so the sheet is never held twice).
    pub(super) fn append(&mut self, next: Resolved<T>) {
        if self.by_worker.len() < next.by_worker.len() {
            self.by_worker.resize_with(next.by_worker.len(), Vec::new);
        }
        for (mine, mut theirs) in self.by_worker.iter_mut().zip(next.by_worker) {
            if mine.is_empty() {
                *mine = theirs;
            } else {
                mine.append(&mut theirs);
            }
        }
    }

    /// Room for about `rows` more records spread over the roster's workers: each worker's
    /// list is given its share (and a little more) once, rather than growing by doubling from
    /// one record, which would leave a province's lists a quarter empty on average.
    pub(super) fn reserve(&mut self, rows: usize, workers: usize) {
        if workers == 0 {
            return;
        }
        let share = rows / workers;
        self.per_worker = share + share / 32 + 1;
        for list in self.by_worker.iter_mut().filter(|l| !l.is_empty()) {
            list.reserve_exact(self.per_worker);
        }
    }

    /// Every record, worker by worker.
    #[cfg(test)]
    pub(super) fn all(&self) -> impl Iterator<Item = &T> {
        self.by_worker.iter().flatten()
    }

    /// The records per worker, `n` lists (the roster's length).
    pub(super) fn into_lists(mut self, n: usize) -> Vec<Vec<T>> {
        self.by_worker.resize_with(n, Vec::new);
        self.by_worker
    }

    pub(super) fn push(&mut self, row: &Row, ctx: &Ctx, p: &mut Vec<InputProblem>, id: &str, record: T) {
        let Some(roster) = ctx.roster else { return };
        match roster.get_near(id, &mut self.last) {
            Some(i) => {
                if self.by_worker.len() <= i {
                    self.by_worker.resize_with(roster.len().max(i + 1), Vec::new);
                }
                let list = &mut self.by_worker[i];
                if list.capacity() == 0 {
                    list.reserve_exact(self.per_worker.max(1));
                }
                list.push(record)
            }
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
    pub(super) fn push(&mut self, row: &Row, id: &str, record: T) {
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
        // Looked up near a worker, the answer is the table's: a repeated id is its first row's.
        for last in 0..6 {
            for id in ["007", "0007", "A1", "7", "", "B2"] {
                let mut near = last;
                assert_eq!(roster.get_near(id, &mut near), roster.get(id), "{id} after {last}");
                if let Some(i) = roster.get(id) {
                    assert_eq!(near, i, "the next lookup starts at {id}'s row");
                }
            }
        }
        let p = roster.unknown("B2", "考勤!A9".into(), "in.xlsx".into());
        assert_eq!(p.expected, "a worker 编号 on the roster (花名册)");
    }
}
