//! The rule set as written in TOML, before validation.
//!
//! Every table refuses unknown keys, every reference keeps its span so that a validation
//! error can point at the line and column, and every number is a quoted decimal ([`Dec`]).
//! See the README's rule-set reference for what each key means.
use crate::num::Dec;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

use crate::positioned::Name;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawRuleSet {
    pub scheme: RawScheme,
    #[serde(default)]
    pub role: Vec<RawRole>,
    #[serde(default)]
    pub duty_days: Option<RawDutyDays>,
    #[serde(default)]
    pub event_type: Vec<RawEventType>,
    #[serde(default)]
    /// Each measure's table as written; its `kind` picks the primitive that reads the rest
    /// (`crate::measure`).
    pub measures: BTreeMap<String, Spanned<crate::positioned::Node>>,
    #[serde(default)]
    pub item: Vec<RawItem>,
    #[serde(default)]
    pub veto: Vec<crate::veto::Raw>,
    #[serde(default)]
    pub grading: Option<crate::grading::Raw>,
    #[serde(default)]
    pub pay: Vec<RawPay>,
    #[serde(default)]
    pub flag: Vec<RawFlag>,
    #[serde(default)]
    pub honor: Vec<RawHonor>,
    #[serde(default)]
    pub office: Option<RawOffice>,
    #[serde(default)]
    pub bank: Option<RawBank>,
}

/// `[bank]`: the column layout of the bank's payroll file (代发).
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawBank {
    pub columns: Vec<RawBankColumn>,
}

/// One column of the bank file: a field of the payment (`field`, headed by its own name or by
/// `header`), or the same text on every row (`header` and `value`).
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawBankColumn {
    pub field: Option<Name>,
    pub header: Option<Name>,
    pub value: Option<String>,
}

/// `[office]`: what the office prints on its sheets beside the numbers.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawOffice {
    /// The signature block under the payout, in print order; absent: 制表人, 审核人, 负责人, 日期
    /// with blank lines.
    pub signatures: Option<Vec<RawSignature>>,
    /// Items (paths, as in scores.csv) the 公示 sheet shows beside 总分 and 等次.
    #[serde(default)]
    pub public_items: Vec<Name>,
    /// Vetoes (ids) whose label the 公示 sheet shows for a vetoed worker; others show none.
    #[serde(default)]
    pub public_vetoes: Vec<Name>,
    /// How the printed 发放表 shows a bank account: `last4` (default: `****0087`) or `full`.
    /// The full number is always in the bank file.
    #[serde(default)]
    pub payout_account: Option<Name>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawSignature {
    pub label: Name,
    /// Printed after the label; blank leaves a line to sign on.
    #[serde(default)]
    pub name: String,
}

/// A condition on this run and earlier runs of one kind: a grade, or one of some flags, in
/// `consecutive` runs in a row (this one included), or `in_year` times in the year so far.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub per: Name,
    pub grade: Option<Name>,
    pub flags: Option<Vec<Name>>,
    pub consecutive: Option<u32>,
    pub in_year: Option<u32>,
}

/// A list of the best subjects named for an honour (优秀网格长), a share of a count base that
/// may be wider than those who can be named.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawHonor {
    pub id: Name,
    pub label: String,
    pub periods: Vec<Name>,
    /// Who may be named.
    pub roles: Vec<Name>,
    pub share: Dec,
    /// The roles whose number is the count base (default: `roles`).
    pub base_roles: Option<Vec<Name>>,
}

/// A warning on a subject that vetoes nothing (淘汰/退出 conditions for the committee).
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawFlag {
    pub id: Name,
    pub label: String,
    /// A flag raised by a measure …
    pub measure: Option<Name>,
    /// … or by the subject's history in earlier runs.
    pub history: Option<RawHistory>,
    pub roles: Option<Vec<Name>>,
    /// Raised when the measure counts at least this many (default 1) …
    pub at_least: Option<Dec>,
    /// … or fewer than this many.
    pub below: Option<Dec>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawScheme {
    pub name: Name,
    pub title: String,
    pub document: String,
    pub version: String,
    pub effective_from: Name,
    pub periods: Vec<Name>,
    #[serde(default)]
    pub subject: Option<Name>,
    #[serde(default)]
    pub calendar: Option<String>,
    /// What items count in: `points` (default) or `yuan`, for schemes whose appraisal is money.
    #[serde(default)]
    pub unit: Option<Name>,
    /// A quarter or year run also scores each of its months (a monthly scheme paid per quarter).
    #[serde(default)]
    pub by_month: bool,
    /// A year is scored from whatever months the inputs hold (the document says so); without
    /// it a year run whose inputs lack a month is refused.
    #[serde(default)]
    pub year_from_present_months: bool,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub id: Name,
    pub label: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawDutyDays {
    #[serde(default)]
    pub exclude_status: Vec<Name>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawEventType {
    pub name: Name,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub levels: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: Name,
    pub label: String,
    #[serde(default)]
    pub kind: Option<Name>,
    pub max: Option<Dec>,
    /// `whole` (default) or `full_months`: a score leaf's starting points for one in post for
    /// part of the period (a year-end amount).
    #[serde(default)]
    pub part_period: crate::in_post::PartPeriod,
    pub floor: Option<Spanned<Dec>>,
    pub cap: Option<Spanned<Dec>>,
    pub roles: Option<Vec<Name>>,
    /// A top-level item's weight in the total (基础工作占80%): total = Σ weight × points.
    pub weight: Option<Spanned<Dec>>,
    /// The weight × the coefficient of the worker's 区域 on the roster (社区类型系数); a 区域
    /// not listed is 1.
    pub weight_by_area: Option<Spanned<BTreeMap<String, Dec>>>,
    /// The weight × the value of the 参数 row of this name for the run's period (季节系数).
    pub weight_param: Option<Name>,
    /// A top-level item scored only in these runs (a year-end item); 0 in the others.
    pub periods: Option<Vec<Name>>,
    // How a leaf scores: exactly one of these (deduct and add lines together are one), each
    // read by its scoring's module.
    pub tier: Option<crate::scoring::tier::Raw>,
    pub scale: Option<crate::scoring::scale::Raw>,
    pub monthly: Option<crate::scoring::monthly::Raw>,
    pub sum_of_runs: Option<crate::scoring::sum_of_runs::Raw>,
    pub deduct: Option<Vec<crate::scoring::lines::Raw>>,
    pub add: Option<Vec<crate::scoring::lines::Raw>>,
    #[serde(default)]
    pub part: Vec<RawItem>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawPay {
    pub id: Name,
    pub label: String,
    pub roles: Option<Vec<Name>>,
    pub periods: Vec<Name>,
    #[serde(default = "yes")]
    pub withheld_when_vetoed: bool,
    // The amount: exactly one of these, each read by its pay kind's module.
    pub by_grade: Option<crate::payment::by_grade::Raw>,
    pub per_event: Option<crate::payment::per_event::Raw>,
    pub param_bands: Option<crate::payment::param_bands::Raw>,
    pub subsidy: Option<crate::payment::subsidy::Raw>,
    pub pool: Option<crate::payment::pool::Raw>,
    /// Pays an item's value (a money scheme's component), by its path.
    pub item: Option<crate::payment::item::Raw>,
    /// Pays the subjects of a grade an amount the run's 参数 sheet sets (奖励金额由镇党委决定).
    pub grade_param: Option<crate::payment::grade_param::Raw>,
    /// `whole` (default) or `full_months`: how the amount pays one in post for part of the
    /// period.
    #[serde(default)]
    pub part_period: crate::in_post::PartPeriod,
}

fn yes() -> bool {
    true
}
