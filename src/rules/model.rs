//! The validated rule set the engine runs. References are indices, so the engine never looks
//! anything up by name, and every value has been checked (see `validate.rs`).
use crate::contract::Status;
use crate::payment::PayAmount;
use crate::period::PeriodKind;
use crate::scoring::Scoring;
use chrono::NaiveDate;
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
    /// The signature block printed under the payout: (label, name), the name blank for a
    /// line to sign on.
    pub signatures: Vec<(String, String)>,
    /// What the 公示 sheet shows beyond rank, name, total and grade.
    pub publication: Publication,
    /// The bank file's columns, in order.
    pub bank: Vec<BankColumn>,
    /// The printed 发放表 shows bank accounts whole (else by their last four digits).
    pub payout_full_account: bool,
    /// Where it came from (`rulesets/<name>.toml` or a path) and its exact text's SHA-256.
    pub source: String,
    pub sha256: String,
    /// The exact text it was read from (archived with every run).
    pub text: String,
}

/// A column of the bank file (代发): its header and what each row holds.
#[derive(Debug, Clone, PartialEq)]
pub struct BankColumn {
    pub header: String,
    pub holds: BankField,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BankField {
    /// 序号: 1, 2, 3 … down the file.
    Number,
    /// 账号: the roster's 银行卡号, as text.
    Account,
    /// 户名: the worker's name.
    Name,
    /// 金额: the amount, 0.00.
    Amount,
    /// 编号: the worker's id.
    Id,
    /// The same text on every row (跨行标识 0, 摘要 …).
    Fixed(String),
}

impl BankField {
    /// The field names a `[bank]` column may take, with what each holds.
    pub const NAMES: [(&'static str, BankField); 5] = [
        ("序号", BankField::Number),
        ("账号", BankField::Account),
        ("户名", BankField::Name),
        ("金额", BankField::Amount),
        ("编号", BankField::Id),
    ];
}

/// `[office] public_items` and `public_vetoes`, resolved.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    /// Item paths, in the order given.
    pub items: Vec<String>,
    /// Veto labels.
    pub vetoes: Vec<String>,
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
pub use crate::contract::{RoleId, TypeId};

pub use crate::measure::case_deadline::{CaseOutcome, Deadlines};
pub use crate::measure::events::EventScope;
pub use crate::measure::indicator::IndicatorMode;
pub use crate::measure::minimum::ShortCount;
pub use crate::measure::{Measure, MeasureKind};

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
    /// Coefficients on the weight: by the roster's 区域, and a run parameter (动态权重 =
    /// 基础权重 × 社区类型系数 × 季节系数).
    pub weight_by_area: Vec<(String, Decimal)>,
    pub weight_param: Option<String>,
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
    /// How the starting points pay a worker in post for part of the period (before its
    /// lines apply).
    pub part_period: crate::in_post::PartPeriod,
    pub scoring: Scoring,
}

pub use crate::period::Bucket;

pub use crate::veto::Veto;

pub use crate::grading::Grading;

#[derive(Debug, Clone)]
pub struct PayRule {
    pub id: String,
    pub label: String,
    pub roles: Option<Vec<RoleId>>,
    pub periods: Vec<PeriodKind>,
    pub withheld_when_vetoed: bool,
    pub amount: PayAmount,
    /// How the amount pays a worker in post for part of the period.
    pub part_period: crate::in_post::PartPeriod,
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
    /// One of these flags (indices of the rule set's flags; runs record their ids).
    Flags(Vec<usize>),
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

    /// The labels of flags (by index), joined as the outputs show them.
    pub fn flag_labels(&self, flags: &[usize], sep: &str) -> String {
        let labels: Vec<&str> = flags.iter().map(|&f| self.flags[f].label.as_str()).collect();
        labels.join(sep)
    }

    pub fn applies(roles: &Option<Vec<RoleId>>, role: RoleId) -> bool {
        crate::contract::plan::applies(roles, role)
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
            MeasureKind::Events(e) if e.types.contains(&t) => e.amount,
            _ => None,
        })
    }

    /// How the rule set reads an indicator of the 指标 sheet, if it reads it.
    pub fn indicator_mode(&self, name: &str) -> Option<IndicatorMode> {
        self.measures.iter().find_map(|m| match &m.kind {
            MeasureKind::Indicator(i) if i.name == name.trim() => Some(i.mode),
            _ => None,
        })
    }

    pub fn indicator_names(&self) -> Vec<&str> {
        self.measures
            .iter()
            .filter_map(|m| match &m.kind {
                MeasureKind::Indicator(i) => Some(i.name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The event types whose rows may share a 事件编号 (one event reported several times).
    pub fn shared_event_types(&self) -> Vec<TypeId> {
        crate::measure::shared_event_types(&self.measures)
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
                    scoring: Scoring::SumOfRuns(s),
                    ..
                }),
            ) = (in_run, &it.body)
            {
                out.extend(period.within(s.per));
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

    /// The item paths a run sums over earlier runs of `kind` (each must be a column of them).
    pub fn summed_over(&self, kind: PeriodKind) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, it) in self.leaves() {
            if let ItemBody::Leaf(Leaf {
                scoring: Scoring::SumOfRuns(s),
                ..
            }) = &it.body
            {
                if s.per == kind && !out.contains(&s.item) {
                    out.push(s.item.clone());
                }
            }
        }
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
                MeasureKind::MissingPatrols(_)
                    | MeasureKind::DailyDeadline(_)
                    | MeasureKind::AttendanceStatus(_)
                    | MeasureKind::Minimum(_)
                    | MeasureKind::DailyHours(_)
                    | MeasureKind::Ratio(_)
            )
        });
        fn monthly(it: &Item) -> bool {
            match &it.body {
                ItemBody::Parts(ps) => ps.iter().any(monthly),
                ItemBody::Leaf(l) => matches!(l.scoring, Scoring::Monthly(_)),
            }
        }
        measures || self.items.iter().any(monthly)
    }

    pub fn counts_weeks(&self) -> bool {
        self.measures.iter().any(|m| match &m.kind {
            MeasureKind::Minimum(x) => x.per == Bucket::Week,
            MeasureKind::Ratio(x) => x.per == Bucket::Week,
            _ => false,
        })
    }

    /// Each 指标 a measure reads, and how it reads it.
    pub fn indicators(&self) -> Vec<(String, IndicatorMode)> {
        self.measures
            .iter()
            .filter_map(|m| match &m.kind {
                MeasureKind::Indicator(i) => Some((i.name.clone(), i.mode)),
                _ => None,
            })
            .collect()
    }

    /// The 参数 a run of `kind` reads: each item's weight coefficient (always), each pay
    /// rule's parameter (where someone is paid by it), each quota grade's county-set count.
    fn planned_params(&self, kind: PeriodKind) -> Vec<crate::contract::plan::PlannedParam> {
        use crate::contract::plan::PlannedParam;
        use crate::contract::ParamValue;
        let mut out = Vec::new();
        for it in &self.items {
            if let Some(name) = &it.weight_param {
                out.push(PlannedParam {
                    name: name.clone(),
                    value: ParamValue::Coefficient,
                    at_most: None,
                    scoped: false,
                    required_by: Some(msg!("cmd-item-s-weight-weight-param", path = it.path)),
                });
            }
        }
        for p in self.pay.iter().filter(|p| p.periods.contains(&kind)) {
            if let Some(read) = p.amount.param() {
                out.push(PlannedParam {
                    name: read.name.to_string(),
                    value: read.value,
                    at_most: read.at_most,
                    scoped: false,
                    required_by: None,
                });
            }
        }
        let quota = self.grading.as_ref().filter(|g| g.periods.contains(&kind));
        if let Some(crate::grading::Method::Quota(shares)) = quota.map(|g| &g.method) {
            for name in shares.iter().filter_map(|q| q.count_param.as_ref()) {
                out.push(PlannedParam {
                    name: name.clone(),
                    value: ParamValue::Count,
                    at_most: None,
                    scoped: true,
                    required_by: None,
                });
            }
        }
        out
    }

    /// What a run of `kind` must read: the sheets its rules count rows of, and the
    /// vocabulary each sheet is checked against as it is read.
    pub fn read_plan(&self, kind: PeriodKind) -> crate::contract::ReadPlan {
        use crate::contract;
        use crate::contract::plan::{PlannedRole, PlannedType};
        use crate::contract::SheetKind;
        let mut plan = crate::contract::ReadPlan::roster_only(&self.meta.name);
        if !self.duty_exclude.is_empty() {
            plan.need(&contract::ATTENDANCE);
        }
        for m in &self.measures {
            match m.kind.sheet() {
                Some(SheetKind::Attendance) => plan.need(&contract::ATTENDANCE),
                Some(SheetKind::Patrol) => plan.need(&contract::PATROL),
                Some(SheetKind::Events) => plan.need(&contract::EVENTS),
                Some(SheetKind::Survey) => plan.need(&contract::SURVEY),
                Some(SheetKind::Indicators) => plan.need(&contract::INDICATORS),
                Some(SheetKind::Roster | SheetKind::Params | SheetKind::Decisions) | None => {}
            }
        }
        plan.params = self.planned_params(kind);
        plan.counts_by_time = self.counts_by_time();
        plan.year_from_present_months = self.meta.year_from_present_months;
        // A county-set quota count is optional, and read when the sheet is there.
        plan.params_needed = self
            .pay
            .iter()
            .any(|p| p.periods.contains(&kind) && p.amount.param().is_some())
            || self.items.iter().any(|it| it.weight_param.is_some());
        plan.roles = self
            .roles
            .iter()
            .map(|r| PlannedRole {
                id: r.id.clone(),
                label: r.label.clone(),
            })
            .collect();
        let shared = self.shared_event_types();
        let assigned: Vec<usize> = self
            .measures
            .iter()
            .filter_map(|m| match &m.kind {
                MeasureKind::CaseDeadline(c) => Some(c.types.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        plan.event_types = (0..self.event_types.len())
            .map(|t| PlannedType {
                name: self.event_types[t].name.clone(),
                levels: self.event_types[t].levels.clone(),
                amount: self.amount_range(t),
                shared: shared.contains(&t),
                assigned: assigned.contains(&t),
            })
            .collect();
        plan.survey_fields = self
            .measures
            .iter()
            .filter_map(|m| match &m.kind {
                MeasureKind::SurveyRate(s) => Some(s.field.index()),
                _ => None,
            })
            .collect();
        plan.survey_fields.sort_unstable();
        plan.survey_fields.dedup();
        plan.subsidies = self
            .pay
            .iter()
            .filter(|p| p.periods.contains(&kind) && matches!(p.amount, PayAmount::Subsidy(_)))
            .map(|p| (p.label.clone(), p.roles.clone()))
            .collect();
        plan.indicators = self.indicators();
        plan.weeks = self.counts_weeks();
        plan
    }

    pub fn defines(&self, kind: PeriodKind) -> bool {
        self.meta.periods.contains(&kind)
    }
}
