//! The rule set as written in TOML, before validation.
//!
//! Every table refuses unknown keys, every reference keeps its span so that a validation
//! error can point at the line and column, and every number is a quoted decimal ([`Dec`]).
//! See the README's rule-set reference for what each key means.
use crate::num::Dec;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

pub type Name = Spanned<String>;

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
    pub measures: BTreeMap<String, Spanned<RawMeasure>>,
    #[serde(default)]
    pub item: Vec<RawItem>,
    #[serde(default)]
    pub veto: Vec<RawVeto>,
    #[serde(default)]
    pub grading: Option<RawGrading>,
    #[serde(default)]
    pub pay: Vec<RawPay>,
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

/// One measure: a named count per subject, computed by one primitive (`kind`). The keys a
/// kind takes are checked in validation, so that a misplaced key is named precisely.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawMeasure {
    pub kind: Name,
    pub label: String,
    pub types: Option<Vec<Name>>,
    pub status: Option<Vec<Name>>,
    pub weights: Option<BTreeMap<String, Dec>>,
    pub approved: Option<bool>,
    pub per_duty_day: Option<Dec>,
    pub minimum_hours: Option<BTreeMap<String, Dec>>,
    pub finding: Option<Name>,
    pub field: Option<Name>,
    pub by: Option<Name>,
    pub outcome: Option<Name>,
    pub accept_within_hours: Option<Dec>,
    pub close_within_hours: Option<Dec>,
    pub complex_close_within_hours: Option<Dec>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub id: Name,
    pub label: String,
    #[serde(default)]
    pub kind: Option<Name>,
    pub max: Option<Dec>,
    pub floor: Option<Spanned<Dec>>,
    pub cap: Option<Spanned<Dec>>,
    pub roles: Option<Vec<Name>>,
    pub tier: Option<RawTier>,
    pub deduct: Option<Vec<RawLine>>,
    pub add: Option<Vec<RawLine>>,
    #[serde(default)]
    pub part: Vec<RawItem>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawTier {
    pub measure: Name,
    pub at_least: Spanned<Vec<(Dec, Dec)>>,
    pub otherwise: Dec,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawLine {
    pub measure: Name,
    #[serde(default)]
    pub label: Option<String>,
    pub each: Option<Dec>,
    pub by_level: Option<Spanned<BTreeMap<String, Dec>>>,
    pub beyond: Option<Dec>,
    pub per: Option<Name>,
    pub roles: Option<Vec<Name>>,
    pub cap: Option<Spanned<Dec>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawVeto {
    pub id: Name,
    pub label: String,
    pub measure: Option<Name>,
    pub at_least: Option<Dec>,
    pub total_below: Option<Dec>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawGrading {
    #[serde(default)]
    pub periods: Option<Vec<Name>>,
    pub vetoed_grade: String,
    #[serde(default)]
    pub scope: Vec<Name>,
    #[serde(default)]
    pub tie_breakers: Vec<Name>,
    pub rounding: Name,
    pub ties: Name,
    pub quota: Spanned<Vec<RawQuota>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawQuota {
    pub grade: String,
    pub share: Dec,
    pub count_param: Option<String>,
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
    pub by_grade: Option<Spanned<BTreeMap<String, Dec>>>,
    pub per_event: Option<RawPerEvent>,
    pub param_bands: Option<RawParamBands>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawPerEvent {
    pub measure: Name,
    pub each: Option<Dec>,
    pub by_level: Option<Spanned<BTreeMap<String, Dec>>>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct RawParamBands {
    pub param: String,
    pub bands: Spanned<Vec<(Dec, Dec, Dec)>>,
    pub otherwise: Dec,
}
