//! What a run must read, said in the sheets' own terms: which sheets, which 岗位, 类型, 级别 and
//! 指标 the rule set declares, and how each is checked as it is read.
//!
//! The rule set builds it (`RuleSet::read_plan`) and reading takes it, so input never looks
//! into the rules and the rules never into a sheet: the two meet only here, and in the
//! contract of sheets and columns ([`crate::contract`]).
use crate::contract::{self, IndicatorMode, SheetSpec};

/// A role's index in the rule set (and the plan) that the roster's 岗位 names.
pub type RoleId = usize;

/// Whether a rule limited to `roles` (none: every role) applies to a subject of `role`; the
/// one test every item, line, flag, pay rule and input check makes.
pub fn applies(roles: &Option<Vec<RoleId>>, role: RoleId) -> bool {
    roles.as_ref().is_none_or(|r| r.contains(&role))
}
/// An event type's index in the rule set (and the plan).
pub type TypeId = usize;
use rust_decimal::Decimal;

/// A role as the roster may name it: by its label (岗位) or its id.
#[derive(Debug, Clone)]
pub struct PlannedRole {
    pub id: String,
    pub label: String,
}

/// A 参数 the rule set reads, and what its value must be: checked on every row of that name
/// the run reads (undated, or of the run's period or a month of it) while the sheet is read,
/// so that scoring finds each value already typed.
#[derive(Debug, Clone)]
pub struct PlannedParam {
    pub name: String,
    pub value: contract::ParamValue,
    /// At most this (a 奖励金额 the rule set caps).
    pub at_most: Option<Decimal>,
    /// Read per quota group (范围 = the group's key, 县下达名额), else run-wide.
    pub scoped: bool,
    /// What cannot do without it in any run (an item's weight): a missing row is an error
    /// then. `None`: needed only where someone would be paid by it, which grading decides
    /// (the engine says so then), or optional (a county-set count).
    pub required_by: Option<String>,
}

/// An event type (类型) the rule set declares, and what its rows must carry.
#[derive(Debug, Clone)]
pub struct PlannedType {
    pub name: String,
    /// Its 级别, in rank order; a row of a type with levels must name one.
    pub levels: Vec<String>,
    /// A row paid its own 金额 must carry one in this range.
    pub amount: Option<(Decimal, Decimal)>,
    /// Rows may share a 事件编号 (one event reported several times, counted once).
    pub shared: bool,
    /// An assigned case (交办): a counted row needs its 交办时间.
    pub assigned: bool,
}

#[derive(Debug, Clone)]
pub struct ReadPlan {
    /// The scheme's name, for messages.
    pub scheme: String,
    /// The sheets read: the roster always, then those a rule counts rows of.
    pub sheets: Vec<&'static SheetSpec>,
    /// The 参数 sheet must be there (a pay rule of this run reads a parameter); without it the
    /// sheet is read when present.
    pub params_needed: bool,
    pub roles: Vec<PlannedRole>,
    pub event_types: Vec<PlannedType>,
    /// Each 指标 read, and how.
    pub indicators: Vec<(String, IndicatorMode)>,
    /// A rule counts per week, so the days a week reaches beyond the period are read.
    pub weeks: bool,
    /// The survey columns read as rates (their index in a survey row).
    pub survey_fields: Vec<usize>,
    /// The pay rules of this run that pay from the roster's 月补贴: label, and the roles paid
    /// (`None`: all).
    pub subsidies: Vec<(String, Option<Vec<usize>>)>,
    /// The 参数 the run reads.
    pub params: Vec<PlannedParam>,
    /// A rule counts what was done day by day, week by week or month by month, so a month of
    /// the period with no row at all would be scored as a month of nothing done.
    pub counts_by_time: bool,
    /// A year run may be scored from the months there are (the rule set says so).
    pub year_from_present_months: bool,
}

impl ReadPlan {
    /// The plan's sheet for a kind of rows, added once.
    pub fn need(&mut self, sheet: &'static SheetSpec) {
        if !self.sheets.iter().any(|n| n.key == sheet.key) {
            self.sheets.push(sheet);
        }
    }

    /// A plan that reads only the roster (the start of every plan).
    pub fn roster_only(scheme: &str) -> ReadPlan {
        ReadPlan {
            scheme: scheme.to_string(),
            sheets: vec![&contract::ROSTER],
            params_needed: false,
            roles: Vec::new(),
            event_types: Vec::new(),
            indicators: Vec::new(),
            weeks: false,
            survey_fields: Vec::new(),
            subsidies: Vec::new(),
            params: Vec::new(),
            counts_by_time: false,
            year_from_present_months: false,
        }
    }

    pub fn role_index(&self, label: &str) -> Option<usize> {
        let t = label.trim();
        self.roles.iter().position(|r| r.label == t || r.id == t)
    }

    pub fn type_index(&self, name: &str) -> Option<usize> {
        let t = name.trim();
        self.event_types.iter().position(|e| e.name == t)
    }

    pub fn amount_range(&self, t: usize) -> Option<(Decimal, Decimal)> {
        self.event_types.get(t).and_then(|e| e.amount)
    }

    pub fn indicator_mode(&self, name: &str) -> Option<IndicatorMode> {
        let t = name.trim();
        self.indicators.iter().find(|(n, _)| n == t).map(|(_, m)| *m)
    }

    pub fn indicator_names(&self) -> Vec<&str> {
        self.indicators.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The event types whose rows may share a 事件编号.
    pub fn shared_event_types(&self) -> Vec<usize> {
        (0..self.event_types.len())
            .filter(|t| self.event_types[*t].shared)
            .collect()
    }
}
