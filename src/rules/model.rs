//! The validated rule set the engine runs. References are indices, so the engine never looks
//! anything up by name, and every value has been checked (see `validate.rs`).
use crate::input::contract::{DailyField, PatrolFinding, ScopeField, Status, SurveyField};
use crate::input::records::SheetKind;
use crate::period::PeriodKind;
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub meta: Meta,
    pub roles: Vec<Role>,
    pub duty_exclude: Vec<Status>,
    pub event_types: Vec<EventType>,
    pub measures: Vec<Measure>,
    pub items: Vec<Item>,
    pub vetoes: Vec<Veto>,
    pub grading: Option<Grading>,
    pub pay: Vec<PayRule>,
    pub flags: Vec<Flag>,
    pub honors: Vec<Honor>,
    /// Where it came from (`rulesets/<name>.toml` or a path) and its exact text's SHA-256.
    pub source: String,
    pub sha256: String,
    /// The exact text it was read from (archived with every run).
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub name: String,
    pub title: String,
    pub document: String,
    pub version: String,
    pub effective_from: NaiveDate,
    pub periods: Vec<PeriodKind>,
    pub calendar: String,
    /// The subjects are units (villages, communities), not workers.
    pub units: bool,
    /// Items count yuan, not points (a scheme whose appraisal is its pay).
    pub money: bool,
    /// A quarter or year run also scores each of its months, shown beside the run's sum.
    pub by_month: bool,
    /// A year is scored from whatever months the inputs hold (else a missing month is an error).
    pub year_from_present_months: bool,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct EventType {
    pub name: String,
    pub note: String,
    pub levels: Vec<String>,
}

pub type MeasureId = usize;
pub type RoleId = usize;
pub type TypeId = usize;

#[derive(Debug, Clone)]
pub struct Measure {
    pub id: String,
    pub label: String,
    pub kind: MeasureKind,
}

#[derive(Debug, Clone)]
pub enum MeasureKind {
    /// Valid event rows of these types, each counting its 数量; with `amount`, each row's 金额
    /// must lie in the range and is carried for lines that pay it.
    Events {
        types: Vec<TypeId>,
        amount: Option<(Decimal, Decimal)>,
        /// Rows sharing a 事件编号 are one event: counted once, at its highest level, for its
        /// first reporter (同一事件以高级为准, 以最先上报者为准).
        once_per_event: bool,
        /// Only occurrences at these levels (after `once_per_event` chose the event's level);
        /// empty for all.
        levels: Vec<String>,
        /// Whose rows count for a worker: the worker's own, or every row of the worker's grid or
        /// village (docs/decisions.md D6.4).
        scope: EventScope,
    },
    /// Attendance rows with one of these statuses, each weighted; optionally only rows whose
    /// 批准 is (or is not) yes.
    Attendance {
        statuses: Vec<(Status, Decimal)>,
        approved: Option<bool>,
    },
    /// Patrols expected per duty day minus distinct (日期, 时段) patrols done on it.
    MissingPatrols { per_duty_day: Decimal },
    /// Patrols shorter than the role's minimum (hours, indexed by role).
    ShortPatrols { minimum_hours: Vec<Decimal> },
    /// Patrols whose yes/no column says 否.
    PatrolFinding { finding: PatrolFinding },
    /// Duty days without an attendance time at or before `by`.
    DailyDeadline { field: DailyField, by: NaiveTime },
    /// Assigned cases that ended in `outcome` at the period's end.
    CaseDeadline {
        types: Vec<TypeId>,
        outcome: CaseOutcome,
        deadlines: Deadlines,
    },
    /// A survey rate, 0..1: respondents' yes / answers, or the given rate.
    SurveyRate { field: SurveyField },
    /// A row of the 指标 sheet for the subject: a rate or a number (given, for tiers and
    /// scales) or a count (occurrences, for lines).
    Indicator { name: String, mode: IndicatorMode },
    /// Buckets (weeks or months of the period) in which another measure counted fewer than
    /// `at_least`; each short bucket counts its shortfall, or one.
    Minimum {
        of: MeasureId,
        per: Bucket,
        at_least: Decimal,
        /// By the roster's 区域 (农村 2, 社区 5); `at_least` for any other.
        by_area: Vec<(String, Decimal)>,
        count: ShortCount,
    },
    /// The occurrences of these measures together: "辖区内出现非正常上访 或 不支持配合" as one
    /// count, when the two are counted differently (one for the grid, one for the worker).
    Union { of: Vec<MeasureId> },
}

impl MeasureKind {
    /// The sheet a measure counts rows of; `None` for a `minimum`, which counts another
    /// measure's occurrences (that measure names the sheet).
    pub fn sheet(&self) -> Option<SheetKind> {
        Some(match self {
            MeasureKind::Events { .. } | MeasureKind::CaseDeadline { .. } => SheetKind::Events,
            MeasureKind::Attendance { .. } | MeasureKind::DailyDeadline { .. } => SheetKind::Attendance,
            MeasureKind::MissingPatrols { .. }
            | MeasureKind::ShortPatrols { .. }
            | MeasureKind::PatrolFinding { .. } => SheetKind::Patrol,
            MeasureKind::SurveyRate { .. } => SheetKind::Survey,
            MeasureKind::Indicator { .. } => SheetKind::Indicators,
            MeasureKind::Minimum { .. } | MeasureKind::Union { .. } => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorMode {
    /// 0..1: a 值 (95%, 0.95) or 分子 / 分母. A subject without the row is an error.
    Rate,
    /// A number as given (an inspection score). A subject without the row is an error.
    Number,
    /// A whole number of occurrences (虚假网格员 3 个); none when the row is absent.
    Count,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortCount {
    /// Each missing occurrence counts (每少一次扣…).
    Shortfall,
    /// Each short bucket counts once (每周未达…扣…).
    Bucket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOutcome {
    Unhandled,
    Overdue,
}

/// Exact durations in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deadlines {
    pub accept_within: i64,
    pub close_within: i64,
    pub complex_close_within: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// Part of the base score.
    Score,
    /// Added on top (加分).
    Bonus,
    /// Taken off (扣分); its points are negative.
    Deduction,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    /// `parent.child` for parts; how traces and CSV columns name it.
    pub path: String,
    pub label: String,
    pub kind: ItemKind,
    pub max: Option<Decimal>,
    /// Only these roles are scored by it; others get nothing from it.
    pub roles: Option<Vec<RoleId>>,
    /// Its weight in the total (top-level items only; 1 unless the document weighs parts).
    pub weight: Decimal,
    /// Scored only in these runs (top-level items only); `None` for every run.
    pub periods: Option<Vec<PeriodKind>>,
    pub body: ItemBody,
}

#[derive(Debug, Clone)]
pub enum ItemBody {
    Parts(Vec<Item>),
    Leaf(Leaf),
}

#[derive(Debug, Clone)]
pub struct Leaf {
    /// The points before lines apply: the item's max for a score item, 0 otherwise.
    pub start: Decimal,
    /// 扣完为止: the leaf never goes below this.
    pub floor: Option<Decimal>,
    /// 累计扣分不超过: the most its deduction lines may take off together.
    pub cap: Option<Decimal>,
    /// How the starting points pay a worker in post for part of the period (before its
    /// lines apply).
    pub part_period: PartPeriod,
    pub scoring: Scoring,
}

#[derive(Debug, Clone)]
pub enum Scoring {
    Tier(Tier),
    Lines(Vec<Line>),
    Scale(Scale),
    /// A fixed amount a month by role (indexed by role; `None` where the role has none) ×
    /// share × the months of the period the worker's 到岗–离岗 span covers in full.
    Monthly {
        by_role: Vec<Option<Decimal>>,
        share: Decimal,
        /// How a month the worker's span covers only in part pays.
        part_month: PartMonth,
    },
    /// The sum of item `item` (a path) in the runs of `per` within this run's period, read
    /// from the archive (the year-end reward of twelve month runs).
    SumOfRuns {
        per: PeriodKind,
        item: String,
    },
}

/// Points in proportion to a rate (满意率 × 100).
#[derive(Debug, Clone)]
pub struct Scale {
    pub measure: MeasureId,
    pub points: Decimal,
    /// Decimal places kept, rounding half up.
    pub dp: u32,
}

#[derive(Debug, Clone)]
pub struct Tier {
    pub measure: MeasureId,
    /// (threshold, points), highest threshold first; the first met gives its points.
    pub at_least: Vec<(Decimal, Decimal)>,
    pub otherwise: Decimal,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub label: String,
    pub measure: MeasureId,
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

#[derive(Debug, Clone)]
pub enum Rate {
    Each(Decimal),
    ByLevel(Vec<(String, Decimal)>),
    /// The row's own 金额.
    FromRow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    Period,
    Month,
    /// Monday to Sunday; a week belongs to the period that holds its Thursday.
    Week,
}

#[derive(Debug, Clone)]
pub struct Veto {
    pub id: String,
    pub label: String,
    pub test: VetoTest,
}

#[derive(Debug, Clone)]
pub enum VetoTest {
    Measure { measure: MeasureId, at_least: Decimal },
    TotalBelow(Decimal),
}

#[derive(Debug, Clone)]
pub struct Grading {
    pub periods: Vec<PeriodKind>,
    pub vetoed_grade: String,
    pub scope: Vec<ScopeField>,
    /// Score items compared, in order, when totals are equal.
    pub tie_breakers: Vec<usize>,
    pub method: GradeMethod,
}

#[derive(Debug, Clone)]
pub enum GradeMethod {
    /// Forced shares of the group, in grade order.
    Quota(Vec<QuotaShare>),
    /// Score bands, best first; the last has no threshold.
    Bands(Vec<Band>),
}

#[derive(Debug, Clone)]
pub struct Band {
    pub grade: String,
    pub at_least: Option<Decimal>,
    pub max_share: Option<Decimal>,
}

impl Grading {
    /// The grades a graded, non-vetoed subject can get, best first.
    pub fn grades(&self) -> Vec<String> {
        match &self.method {
            GradeMethod::Quota(q) => q.iter().map(|q| q.grade.clone()).collect(),
            GradeMethod::Bands(b) => b.iter().map(|b| b.grade.clone()).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct QuotaShare {
    pub grade: String,
    pub share: Decimal,
    /// A params row of this name (范围 = the group) sets the count instead (县下达名额).
    pub count_param: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PayRule {
    pub id: String,
    pub label: String,
    pub roles: Option<Vec<RoleId>>,
    pub periods: Vec<PeriodKind>,
    pub withheld_when_vetoed: bool,
    pub amount: PayAmount,
    /// How the amount pays a worker in post for part of the period.
    pub part_period: PartPeriod,
}

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

/// Whose event rows count for a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EventScope {
    /// The rows that name the worker.
    #[default]
    Own,
    /// Every row naming a worker of the same 网格 (roster): "辖区内未出现非正常上访".
    Grid,
    /// Every row naming a worker of the same 村(社区).
    Village,
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

/// What a 参数 value that a pay rule reads must be: checked at the 参数 cell, so that a rank of
/// 3.5, 0 or −1 is an error rather than a band silently missed (and 0 paid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamValue {
    /// A place in a ranking: a whole number from 1.
    Rank,
    /// A number of things: a whole number from 0.
    Count,
    /// Any number.
    Number,
    /// Yuan: from 0, to the fen (at most two decimal places).
    Amount,
}

impl ParamValue {
    /// `None` when `v` is such a value, else what was expected instead.
    pub fn refuses(self, v: rust_decimal::Decimal) -> Option<&'static str> {
        let whole = v.fract().is_zero();
        match self {
            ParamValue::Rank if !whole || v < rust_decimal::Decimal::ONE => {
                Some("a rank: a whole number from 1 (1 is first)")
            }
            ParamValue::Count if !whole || v.is_sign_negative() => Some("a count: a whole number from 0"),
            ParamValue::Amount if v.is_sign_negative() || v.normalize().scale() > 2 => {
                Some("an amount in yuan from 0, to the fen (at most two decimal places)")
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum PayAmount {
    ByGrade(Vec<(String, Decimal)>),
    PerEvent {
        measure: MeasureId,
        rate: Rate,
    },
    /// A params value (a rank) looked up in inclusive bands (from, to, amount).
    ParamBands {
        param: String,
        /// What the parameter is (a rank, a count, a number).
        value: ParamValue,
        bands: Vec<(Decimal, Decimal, Decimal)>,
        otherwise: Decimal,
    },
    /// The roster's 月补贴 × the period's months × a factor by grade.
    Subsidy {
        by_grade: Vec<(String, Decimal)>,
        otherwise: Decimal,
        /// How a month the worker's span covers only in part pays.
        part_month: PartMonth,
    },
    /// What pay rule `from` withheld (its full amount less what it paid), shared equally
    /// among the subjects of `grade`.
    Pool {
        from: usize,
        grade: String,
    },
    /// An item's value, by its path (a money scheme's component).
    Item(String),
    /// The amount a 参数 row names, for the subjects of one grade.
    GradeParam {
        grade: String,
        param: String,
        /// The most the parameter may set, when the document bounds it.
        at_most: Option<Decimal>,
    },
}

/// The best non-vetoed subjects of `roles`, by total (then the grading's tie-breakers), named
/// for an honour: round-half-up(share × the number of subjects of `base_roles`) of them; a tie
/// across that line names all and is reported.
#[derive(Debug, Clone)]
pub struct Honor {
    pub id: String,
    pub label: String,
    pub periods: Vec<PeriodKind>,
    pub roles: Vec<RoleId>,
    pub share: Decimal,
    pub base_roles: Vec<RoleId>,
}

/// A warning on a subject that vetoes nothing (淘汰/退出 conditions for the committee).
#[derive(Debug, Clone)]
pub struct Flag {
    pub id: String,
    pub label: String,
    pub roles: Option<Vec<RoleId>>,
    pub rule: FlagRule,
}

#[derive(Debug, Clone)]
pub enum FlagRule {
    Measure {
        measure: MeasureId,
        test: FlagTest,
    },
    /// Raised in runs of `per` when the condition held in this run and earlier ones.
    History(HistoryRule),
}

#[derive(Debug, Clone)]
pub struct HistoryRule {
    pub per: PeriodKind,
    pub holds: HistoryCondition,
    /// In this many runs in a row, this one included.
    pub consecutive: Option<u32>,
    /// This many times in the year so far, this run included.
    pub in_year: Option<u32>,
}

#[derive(Debug, Clone)]
pub enum HistoryCondition {
    Grade(String),
    /// One of these flags (by label, as runs record them).
    Flags(Vec<String>),
}

impl HistoryRule {
    /// The earlier runs this rule reads for a run of `period`.
    pub fn earlier(&self, period: crate::period::Period) -> Vec<crate::period::Period> {
        let mut out = Vec::new();
        let mut p = period;
        for _ in 1..self.consecutive.unwrap_or(1) {
            p = p.previous();
            out.push(p);
        }
        if self.in_year.is_some() {
            let mut p = period;
            while p.index > 1 && p.kind != PeriodKind::Year {
                p = p.previous();
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy)]
pub enum FlagTest {
    AtLeast(Decimal),
    Below(Decimal),
}

impl RuleSet {
    pub fn role_index(&self, label: &str) -> Option<RoleId> {
        let t = label.trim();
        self.roles.iter().position(|r| r.label == t || r.id == t)
    }

    pub fn type_index(&self, name: &str) -> Option<TypeId> {
        let t = name.trim();
        self.event_types.iter().position(|e| e.name == t)
    }

    pub fn applies(roles: &Option<Vec<RoleId>>, role: RoleId) -> bool {
        roles.as_ref().is_none_or(|r| r.contains(&role))
    }

    /// Every leaf item, depth first, with its top-level item index.
    pub fn leaves(&self) -> Vec<(usize, &Item)> {
        fn walk<'a>(top: usize, it: &'a Item, out: &mut Vec<(usize, &'a Item)>) {
            match &it.body {
                ItemBody::Leaf(_) => out.push((top, it)),
                ItemBody::Parts(ps) => ps.iter().for_each(|p| walk(top, p, out)),
            }
        }
        let mut out = Vec::new();
        for (i, it) in self.items.iter().enumerate() {
            walk(i, it, &mut out);
        }
        out
    }

    /// The range a type's 金额 must lie in, when a measure pays rows of that type their amount.
    pub fn amount_range(&self, t: TypeId) -> Option<(Decimal, Decimal)> {
        self.measures.iter().find_map(|m| match &m.kind {
            MeasureKind::Events {
                types,
                amount: Some(range),
                ..
            } if types.contains(&t) => Some(*range),
            _ => None,
        })
    }

    /// How the rule set reads an indicator of the 指标 sheet, if it reads it.
    pub fn indicator_mode(&self, name: &str) -> Option<IndicatorMode> {
        self.measures.iter().find_map(|m| match &m.kind {
            MeasureKind::Indicator { name: n, mode } if n == name.trim() => Some(*mode),
            _ => None,
        })
    }

    pub fn indicator_names(&self) -> Vec<&str> {
        self.measures
            .iter()
            .filter_map(|m| match &m.kind {
                MeasureKind::Indicator { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The event types whose rows may share a 事件编号 (one event reported several times).
    pub fn shared_event_types(&self) -> Vec<TypeId> {
        let mut out = Vec::new();
        for m in &self.measures {
            if let MeasureKind::Events {
                types,
                once_per_event: true,
                ..
            } = &m.kind
            {
                for t in types {
                    if !out.contains(t) {
                        out.push(*t);
                    }
                }
            }
        }
        out
    }

    /// The earlier runs a run of `period` reads: those of look-back flags and of items summed
    /// over runs.
    pub fn runs_read(&self, period: crate::period::Period) -> Vec<crate::period::Period> {
        let mut out: Vec<crate::period::Period> = Vec::new();
        for f in &self.flags {
            if let FlagRule::History(h) = &f.rule {
                if h.per == period.kind {
                    out.extend(h.earlier(period));
                }
            }
        }
        for (top, it) in self.leaves() {
            let in_run = self.items[top]
                .periods
                .as_ref()
                .is_none_or(|ps| ps.contains(&period.kind));
            if let (
                true,
                ItemBody::Leaf(Leaf {
                    scoring: Scoring::SumOfRuns { per, .. },
                    ..
                }),
            ) = (in_run, &it.body)
            {
                out.extend(period.within(*per));
            }
        }
        let mut seen = Vec::new();
        out.retain(|p| {
            let new = !seen.contains(p);
            seen.push(*p);
            new
        });
        out
    }

    /// Whether any rule counts per week (and so reads the days its weeks reach).
    /// Whether a rule counts what was done day by day, week by week or month by month (duty-day
    /// patrols, daily deadlines, attendance, minimums, monthly amounts), so that a month of the
    /// period with no row at all would be scored as a month of nothing done.
    pub fn counts_by_time(&self) -> bool {
        let measures = self.measures.iter().any(|m| {
            matches!(
                m.kind,
                MeasureKind::MissingPatrols { .. }
                    | MeasureKind::DailyDeadline { .. }
                    | MeasureKind::Attendance { .. }
                    | MeasureKind::Minimum { .. }
            )
        });
        fn monthly(it: &Item) -> bool {
            match &it.body {
                ItemBody::Parts(ps) => ps.iter().any(monthly),
                ItemBody::Leaf(l) => matches!(l.scoring, Scoring::Monthly { .. }),
            }
        }
        measures || self.items.iter().any(monthly)
    }

    pub fn counts_weeks(&self) -> bool {
        self.measures
            .iter()
            .any(|m| matches!(m.kind, MeasureKind::Minimum { per: Bucket::Week, .. }))
    }

    pub fn defines(&self, kind: PeriodKind) -> bool {
        self.meta.periods.contains(&kind)
    }
}

#[cfg(test)]
mod param_value_tests {
    use super::ParamValue;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_rank_is_whole_from_one_a_count_whole_from_zero_an_amount_to_the_fen() {
        for bad in ["3.5", "0", "-1", "4.9999999999999999999999999999"] {
            assert!(ParamValue::Rank.refuses(d(bad)).is_some(), "rank {bad}");
        }
        assert_eq!(ParamValue::Rank.refuses(d("4")), None);
        assert_eq!(ParamValue::Rank.refuses(d("4.00")), None, "4.00 is the whole number 4");
        assert!(ParamValue::Count.refuses(d("-1")).is_some());
        assert_eq!(ParamValue::Count.refuses(d("0")), None);
        assert!(ParamValue::Amount.refuses(d("0.005")).is_some(), "below the fen");
        assert!(ParamValue::Amount.refuses(d("-10")).is_some());
        assert_eq!(ParamValue::Amount.refuses(d("1200.50")), None);
        assert_eq!(ParamValue::Number.refuses(d("-3.25")), None);
    }
}
