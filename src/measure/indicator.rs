//! `indicator`: the subject's row of the 指标 sheet, as a rate, a number or a count.
//!
//! ```toml
//! [measures.inspection]
//! kind = "indicator"
//! label = "督查得分"
//! indicator = "督查得分"    # the 指标 name in the indicators sheet
//! value = "number"          # "rate" (0..1, default), "number" (given) or "count"
//! ```
use super::{row, CheckCx, Kind, Occurrence, Stage, Value, WorkerCx};
pub use crate::contract::IndicatorMode;
use crate::contract::SheetKind;
use crate::positioned::one_of;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    indicator: Option<String>,
    value: Option<Spanned<String>>,
}

/// A row of the 指标 sheet for the subject: a rate or a number (given, for tiers and scales)
/// or a count (occurrences, for lines).
#[derive(Debug, Clone)]
pub struct Indicator {
    pub name: String,
    pub mode: IndicatorMode,
}

impl Kind for Indicator {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Indicators);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<Indicator> {
        let mode = match raw.value.as_ref().map(|v| v.get_ref().as_str()) {
            None | Some("rate") => IndicatorMode::Rate,
            Some("number") => IndicatorMode::Number,
            Some("count") => IndicatorMode::Count,
            Some(other) => {
                let msg = msg!("rs-value-expected", other = other, one_of = one_of(&["rate", "number", "count"]));
                cx.c.at(raw.value.as_ref()?, msg);
                IndicatorMode::Rate
            }
        };
        let Some(name) = raw.indicator.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) else {
            cx.say(msg!("rs-measure-kind-indicator-needs-indicator"));
            return None;
        };
        Some(Indicator { name, mode })
    }

    /// The subject's row (reading made sure a rate or a number has exactly one; a count that
    /// is absent counts none).
    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let name = &self.name;
        let found: Vec<&crate::input::records::Indicator> =
            cx.rows.indicators.iter().filter(|i| &i.name == name).collect();
        let given = |rate: Decimal, sources| Value::Rate {
            rate,
            yes: Decimal::ZERO,
            answered: Decimal::ZERO,
            given: true,
            sources,
        };
        match (found.first(), self.mode) {
            (Some(i), IndicatorMode::Count) => Value::Occurrences(vec![Occurrence {
                date: None,
                amount: i.value,
                level: None,
                money: None,
                source: row(i.src),
            }]),
            (None, IndicatorMode::Count) => Value::Occurrences(vec![]),
            (Some(i), _) => given(i.value, vec![row(i.src)]),
            // A missing rate or number was refused while reading (input/checks.rs).
            (None, _) => given(Decimal::ZERO, vec![]),
        }
    }
}
