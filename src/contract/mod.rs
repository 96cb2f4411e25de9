//! The input contract (`input-contract.md`): sheet names, column headers and the closed
//! vocabularies of its cells. This is the product's agreement with every township's clerk,
//! so it lives here once; what a township *counts* lives in its rule set.
//!
//! It is the leaf both sides stand on: input reads sheets by it, the rule set names its
//! columns and vocabularies and builds a [`ReadPlan`] in its terms, and neither of the two
//! imports the other.
pub mod plan;
pub use plan::{ReadPlan, RoleId, TypeId};

/// A column of a sheet: the English key used in code and docs, and every header text that
/// names it (Chinese first, then aliases).
#[derive(Debug)]
pub struct Column {
    pub key: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

#[derive(Debug)]
pub struct SheetSpec {
    pub key: &'static str,
    pub names: &'static [&'static str],
    pub columns: &'static [Column],
}

impl SheetSpec {
    /// The Chinese name, as errors and traces show it.
    pub fn label(&self) -> &'static str {
        self.names[0]
    }
}

const fn col(key: &'static str, headers: &'static [&'static str], required: bool) -> Column {
    Column { key, headers, required }
}

pub const ROSTER: SheetSpec = SheetSpec {
    key: "roster",
    names: &["花名册", "roster"],
    columns: &[
        col("id", &["编号", "id"], true),
        col("name", &["姓名", "name"], true),
        col("village", &["村(社区)", "村", "社区", "village"], false),
        col("grid", &["网格", "grid"], false),
        col("role", &["岗位", "role"], true),
        col("area", &["区域", "area"], false),
        col("monthly_subsidy", &["月补贴", "monthly_subsidy"], false),
        col("no_reward", &["不享受奖励", "no_reward"], false),
        col("start", &["到岗日期", "start"], false),
        col("end", &["离岗日期", "end"], false),
        col("bank_account", &["银行卡号", "bank_account"], false),
    ],
};

pub const ATTENDANCE: SheetSpec = SheetSpec {
    key: "attendance",
    names: &["考勤", "attendance"],
    columns: &[
        col("id", &["编号", "id"], true),
        col("date", &["日期", "date"], true),
        col("status", &["状态", "status"], true),
        col("approved", &["批准", "approved"], false),
        col("sign_in", &["签到时间", "sign_in"], false),
        col("report_at", &["报告时间", "report_at"], false),
    ],
};

pub const PATROL: SheetSpec = SheetSpec {
    key: "patrol",
    names: &["巡查", "patrol"],
    columns: &[
        col("id", &["编号", "id"], true),
        col("date", &["日期", "date"], true),
        col("session", &["时段", "session"], true),
        col("start", &["开始", "start"], false),
        col("end", &["结束", "end"], false),
        col("hours", &["时长(小时)", "时长", "hours"], false),
        col("logged", &["已录入", "logged"], false),
        col("uniform", &["着装", "uniform"], false),
        col("exempt", &["免扣", "exempt"], false),
    ],
};

pub const EVENTS: SheetSpec = SheetSpec {
    key: "events",
    names: &["事件", "events"],
    columns: &[
        col("event_id", &["事件编号", "event_id"], true),
        col("id", &["编号", "id"], true),
        col("type", &["类型", "type"], true),
        col("date", &["日期", "date"], true),
        col("level", &["级别", "level"], false),
        col("valid", &["有效", "valid"], false),
        col("count", &["数量", "count"], false),
        col("assigned_at", &["交办时间", "assigned_at"], false),
        col("accepted_at", &["受理时间", "accepted_at"], false),
        col("closed_at", &["办结时间", "closed_at"], false),
        col("complex", &["疑难", "complex"], false),
        col("amount", &["金额", "amount"], false),
        col("note", &["说明", "note"], false),
    ],
};

pub const SURVEY: SheetSpec = SheetSpec {
    key: "survey",
    names: &["测评", "survey"],
    columns: &[
        col("id", &["编号", "id"], true),
        col("date", &["日期", "date"], false),
        col("aware", &["知晓", "aware"], false),
        col("covered", &["覆盖", "covered"], false),
        col("satisfied", &["满意", "satisfied"], false),
        col("aware_rate", &["知晓率", "aware_rate"], false),
        col("covered_rate", &["覆盖率", "covered_rate"], false),
        col("satisfied_rate", &["满意率", "satisfied_rate"], false),
    ],
};

pub const PARAMS: SheetSpec = SheetSpec {
    key: "params",
    names: &["参数", "params"],
    columns: &[
        col("name", &["名称", "name"], true),
        col("month", &["月份", "期间", "month", "period"], false),
        col("scope", &["范围", "scope"], false),
        col("value", &["值", "value"], true),
    ],
};

/// One row per subject (a village or community, for a scheme that appraises units) and
/// indicator: the rate as 分子/分母 or a given 值 (95%, 0.95), or a number (a score, a count).
pub const INDICATORS: SheetSpec = SheetSpec {
    key: "indicators",
    names: &["指标", "indicators"],
    columns: &[
        col("id", &["编号", "id"], true),
        col("indicator", &["指标", "indicator"], true),
        col("numerator", &["分子", "numerator"], false),
        col("denominator", &["分母", "denominator"], false),
        col("value", &["值", "value"], false),
    ],
};

/// The committee's decisions on the run (经集体讨论认定): one row per decision, each with its
/// reason, who decided and when. Read whenever an input has the sheet; no rule set needs it.
pub const DECISIONS: SheetSpec = SheetSpec {
    key: "decisions",
    names: &["决定", "decisions"],
    columns: &[
        col("id", &["编号", "id"], true),
        col("kind", &["决定", "kind"], true),
        col("item", &["项目", "item"], false),
        col("points", &["分值", "points"], false),
        col("occurrence", &["扣分记录", "记录", "occurrence"], false),
        col("reason", &["理由", "reason"], true),
        col("decided_by", &["决定人", "decided_by"], true),
        col("date", &["日期", "date"], true),
    ],
};

pub const ALL_SHEETS: [&SheetSpec; 8] = [
    &ROSTER,
    &ATTENDANCE,
    &PATROL,
    &EVENTS,
    &SURVEY,
    &INDICATORS,
    &PARAMS,
    &DECISIONS,
];

/// The kinds of committee decision (决定), each applied at its stage of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecisionKind {
    /// 调整: points added to an item or the total, or yuan to a pay rule (申诉 results).
    Adjust,
    /// 撤销否决: a veto set aside.
    RevokeVeto,
    /// 确认否决: a veto the rule set holds for confirmation (`confirm = true`) confirmed.
    ConfirmVeto,
    /// 免扣: one deduction occurrence (a row, or a day) exempted (经认定).
    Exempt,
    /// 名额裁定: a worker tied across a quota line given one of the tie's grades.
    QuotaRuling,
}

pub const DECISION_KINDS: [(DecisionKind, &str, &str); 5] = [
    (DecisionKind::Adjust, "调整", "adjust"),
    (DecisionKind::RevokeVeto, "撤销否决", "revoke_veto"),
    (DecisionKind::ConfirmVeto, "确认否决", "confirm_veto"),
    (DecisionKind::Exempt, "免扣", "exempt"),
    (DecisionKind::QuotaRuling, "名额裁定", "quota_ruling"),
];

impl DecisionKind {
    /// Accepts the Chinese label or the English key.
    pub fn parse(s: &str) -> Option<DecisionKind> {
        let t = s.trim();
        DECISION_KINDS
            .iter()
            .find(|(_, zh, en)| *zh == t || en.eq_ignore_ascii_case(t))
            .map(|(k, _, _)| *k)
    }
    pub fn label(self) -> &'static str {
        DECISION_KINDS.iter().find(|(k, _, _)| *k == self).map_or("", |x| x.1)
    }
    /// The English key (`adjust`), as a 决定 row may give it.
    pub fn key(self) -> &'static str {
        DECISION_KINDS.iter().find(|(k, _, _)| *k == self).map_or("", |x| x.2)
    }
    pub fn known() -> String {
        DECISION_KINDS
            .iter()
            .map(|(_, zh, en)| format!("{zh} ({en})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Attendance statuses (状态). Several may share one cell, joined by 、 or ,.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Present,
    Late,
    Early,
    AbsentHalf,
    Absent,
    Sick,
    Personal,
    Field,
    AdhocLeave,
}

pub const STATUSES: [(Status, &str, &str); 9] = [
    (Status::Present, "出勤", "present"),
    (Status::Late, "迟到", "late"),
    (Status::Early, "早退", "early"),
    (Status::AbsentHalf, "旷工半天", "absent_half"),
    (Status::Absent, "旷工", "absent"),
    (Status::Sick, "病假", "sick"),
    (Status::Personal, "事假", "personal"),
    (Status::Field, "外勤", "field"),
    (Status::AdhocLeave, "临时请假", "adhoc_leave"),
];

impl Status {
    /// Accepts the Chinese label or the English key.
    pub fn parse(s: &str) -> Option<Status> {
        let t = s.trim();
        STATUSES
            .iter()
            .find(|(_, zh, en)| *zh == t || en.eq_ignore_ascii_case(t))
            .map(|(st, _, _)| *st)
    }
    pub fn label(self) -> &'static str {
        STATUSES.iter().find(|(s, _, _)| *s == self).map_or("", |x| x.1)
    }
    pub fn known() -> String {
        STATUSES
            .iter()
            .map(|(_, zh, en)| format!("{zh} ({en})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The statuses of one attendance cell, in the order written, duplicates kept, at most
/// [`StatusList::MAX`]. Held in one word (four bits a status), where a list on the heap would
/// cost a province three million allocations and about 130 MB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusList(u32);

impl StatusList {
    pub const MAX: usize = 8;

    /// Adds a status after the others; false (and nothing added) when the list is full.
    pub fn push(&mut self, s: Status) -> bool {
        let n = self.iter().count();
        if n == Self::MAX {
            return false;
        }
        // A status is stored as its place in STATUSES plus one: zero marks the end.
        self.0 |= (s as u32 + 1) << (4 * n);
        true
    }

    pub fn iter(self) -> impl Iterator<Item = Status> {
        (0..Self::MAX)
            .map(move |k| (self.0 >> (4 * k)) & 0xF)
            .take_while(|&code| code != 0)
            .map(|code| STATUSES[code as usize - 1].0)
    }
}

impl FromIterator<Status> for StatusList {
    /// The first [`StatusList::MAX`] statuses (a test's convenience; the reader refuses more).
    fn from_iter<I: IntoIterator<Item = Status>>(it: I) -> StatusList {
        let mut l = StatusList::default();
        for s in it {
            l.push(s);
        }
        l
    }
}

/// Patrol session (时段).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Session {
    Am,
    Pm,
}

impl Session {
    /// 上午/早/上 or AM, 下午/晚/下 or PM (any case), around spaces. (Asked of every patrol
    /// row: nothing is allocated.)
    pub fn parse(s: &str) -> Option<Session> {
        match s.trim() {
            "上午" | "早" | "上" => Some(Session::Am),
            "下午" | "晚" | "下" => Some(Session::Pm),
            t if t.eq_ignore_ascii_case("am") => Some(Session::Am),
            t if t.eq_ignore_ascii_case("pm") => Some(Session::Pm),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Session::Am => "上午",
            Session::Pm => "下午",
        }
    }
    /// The session in English words.
    pub fn key(self) -> &'static str {
        match self {
            Session::Am => "morning",
            Session::Pm => "afternoon",
        }
    }
}

/// A yes/no column of the patrol sheet that a `patrol_finding` measure counts when it is 否.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatrolFinding {
    /// 已录入 = 否: the patrol was not entered in the information system.
    NotLogged,
    /// 着装 = 否: found without the uniform.
    NoUniform,
}

impl PatrolFinding {
    pub fn parse(s: &str) -> Option<PatrolFinding> {
        match s {
            "not_logged" => Some(PatrolFinding::NotLogged),
            "no_uniform" => Some(PatrolFinding::NoUniform),
            _ => None,
        }
    }
}

/// The attendance time columns a `daily_deadline` measure checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DailyField {
    SignIn,
    ReportAt,
}

impl DailyField {
    pub fn parse(s: &str) -> Option<DailyField> {
        match s {
            "sign_in" => Some(DailyField::SignIn),
            "report_at" => Some(DailyField::ReportAt),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DailyField::SignIn => "签到时间",
            DailyField::ReportAt => "报告时间",
        }
    }
}

/// The three survey questions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyField {
    Aware,
    Covered,
    Satisfied,
}

impl SurveyField {
    pub fn parse(s: &str) -> Option<SurveyField> {
        match s {
            "aware" => Some(SurveyField::Aware),
            "covered" => Some(SurveyField::Covered),
            "satisfied" => Some(SurveyField::Satisfied),
            _ => None,
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Roster fields a quota or ranking can be scoped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeField {
    Village,
    Role,
    Grid,
    Area,
}

impl ScopeField {
    pub fn parse(s: &str) -> Option<ScopeField> {
        match s {
            "village" => Some(ScopeField::Village),
            "role" => Some(ScopeField::Role),
            "grid" => Some(ScopeField::Grid),
            "area" => Some(ScopeField::Area),
            _ => None,
        }
    }
}

/// How a row of the 指标 sheet is read: the rule set says, for each 指标 it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorMode {
    /// 0..1: a 值 (95%, 0.95) or 分子 / 分母. A subject without the row is an error.
    Rate,
    /// A number as given (an inspection score). A subject without the row is an error.
    Number,
    /// A whole number of occurrences (虚假网格员 3 个); none when the row is absent.
    Count,
}

/// A sheet of the contract, as records and traces name it (`考勤!17`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SheetKind {
    Roster,
    Attendance,
    Patrol,
    Events,
    Survey,
    Indicators,
    Params,
    Decisions,
}

impl SheetKind {
    /// Every kind, in the contract's order.
    pub const ALL: [SheetKind; 8] = [
        SheetKind::Roster,
        SheetKind::Attendance,
        SheetKind::Patrol,
        SheetKind::Events,
        SheetKind::Survey,
        SheetKind::Indicators,
        SheetKind::Params,
        SheetKind::Decisions,
    ];

    /// The kind a sheet name (Chinese or English, as the contract names it) stands for.
    pub fn named(name: &str) -> Option<SheetKind> {
        let label = sheet_label(name)?;
        SheetKind::ALL.into_iter().find(|k| k.label() == label)
    }

    pub fn label(self) -> &'static str {
        match self {
            SheetKind::Roster => "花名册",
            SheetKind::Attendance => "考勤",
            SheetKind::Patrol => "巡查",
            SheetKind::Events => "事件",
            SheetKind::Survey => "测评",
            SheetKind::Indicators => "指标",
            SheetKind::Params => "参数",
            SheetKind::Decisions => "决定",
        }
    }
}

/// The contract's label of a sheet named in Chinese or English (`attendance` → `考勤`).
pub fn sheet_label(name: &str) -> Option<&'static str> {
    spec_named(name).map(|s| s.label())
}

/// The contract sheet named in Chinese or English.
pub fn spec_named(name: &str) -> Option<&'static SheetSpec> {
    let n = name.trim().to_lowercase();
    ALL_SHEETS
        .iter()
        .copied()
        .find(|s| s.names.iter().any(|x| x.to_lowercase() == n))
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
    /// A coefficient on a weight (季节系数): a number from 0 to 100.
    Coefficient,
}

impl ParamValue {
    /// `None` when `v` is such a value, else what was expected instead.
    pub fn refuses(self, v: rust_decimal::Decimal) -> Option<String> {
        let whole = v.fract().is_zero();
        match self {
            ParamValue::Rank if !whole || v < rust_decimal::Decimal::ONE => Some(msg!("par-rank")),
            ParamValue::Count if !whole || v.is_sign_negative() => Some(msg!("par-count")),
            ParamValue::Amount if v.is_sign_negative() || v.normalize().scale() > 2 => Some(msg!("par-amount")),
            ParamValue::Coefficient if v.is_sign_negative() || v > rust_decimal::Decimal::ONE_HUNDRED => {
                Some(msg!("par-coefficient"))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_list_keeps_the_order_written_and_repeats_and_refuses_a_ninth() {
        let mut l = StatusList::default();
        assert_eq!(l.iter().count(), 0);
        let written = [
            Status::Late,
            Status::AdhocLeave,
            Status::Late,
            Status::Present,
            Status::Field,
            Status::Absent,
            Status::Sick,
            Status::Early,
        ];
        for s in written {
            assert!(l.push(s));
        }
        assert_eq!(l.iter().collect::<Vec<_>>(), written);
        assert!(!l.push(Status::Personal), "full at eight");
        assert_eq!(l.iter().collect::<Vec<_>>(), written, "unchanged when full");
    }
}

#[cfg(test)]
mod session_tests {
    use super::Session;

    #[test]
    fn a_session_is_read_in_chinese_or_as_am_and_pm_in_any_case_around_spaces() {
        for am in ["上午", "早", "上", "am", "AM", " Am "] {
            assert_eq!(Session::parse(am), Some(Session::Am), "{am}");
        }
        for pm in ["下午", "晚", "下", "pm", "PM", "\tpM"] {
            assert_eq!(Session::parse(pm), Some(Session::Pm), "{pm}");
        }
        for neither in ["", "中午", "a.m.", "amp", "上午班"] {
            assert_eq!(Session::parse(neither), None, "{neither}");
        }
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
