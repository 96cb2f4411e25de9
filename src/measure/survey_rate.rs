//! `survey_rate`: a survey rate, 0..1: respondents' yes ÷ answers, or the rate given.
//!
//! ```toml
//! [measures.aware]
//! kind = "survey_rate"
//! label = "知晓率"
//! field = "aware"      # or "covered", "satisfied"
//! ```
use super::{row, CheckCx, Kind, Stage, Value, WorkerCx};
use crate::contract::SurveyField;
use crate::contract::SheetKind;
use crate::input::records::Survey;
use crate::positioned::one_of;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    field: Option<Spanned<String>>,
}

/// A survey rate, 0..1: respondents' yes / answers, or the given rate.
#[derive(Debug, Clone)]
pub struct SurveyRate {
    pub field: SurveyField,
}

impl Kind for SurveyRate {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Survey);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<SurveyRate> {
        let f = raw.field.as_ref().and_then(|f| SurveyField::parse(f.get_ref()));
        if f.is_none() {
            let msg = msg!("rs-survey-rate-needs-field-one", one_of = one_of(&["aware", "covered", "satisfied"]));
            cx.refuse(&raw.field, msg);
        }
        Some(SurveyRate { field: f? })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let (rows, f) = (cx.rows.survey, self.field.index());
        let given: Vec<&Survey> = rows.iter().filter(|s| s.rates[f].is_some()).collect();
        // A second given rate was refused while reading (input/checks.rs).
        if let Some(g) = given.first() {
            return Value::Rate {
                rate: g.rates[f].unwrap_or_default(),
                yes: Decimal::ZERO,
                answered: Decimal::ZERO,
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
            yes: Decimal::from(yes),
            answered: Decimal::from(n),
            given: false,
            sources: answered.iter().map(|s| row(s.src)).collect(),
        }
    }
}
