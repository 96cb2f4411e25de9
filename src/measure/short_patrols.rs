//! `short_patrols`: patrols shorter than the role's minimum hours.
//!
//! ```toml
//! [measures.short]
//! kind = "short_patrols"
//! label = "巡查时长不足"
//! minimum_hours = { head = "2", full = "1.5" }   # every role, by id
//! ```
use super::{occ, row, CheckCx, Kind, Stage, Value, WorkerCx};
use crate::contract::SheetKind;
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    minimum_hours: Option<Spanned<BTreeMap<String, Dec>>>,
}

/// Patrols shorter than the role's minimum (hours, indexed by role).
#[derive(Debug, Clone)]
pub struct ShortPatrols {
    pub minimum_hours: Vec<Decimal>,
}

impl Kind for ShortPatrols {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Patrol);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<ShortPatrols> {
        let mins = raw.minimum_hours.as_ref().map(|m| m.get_ref().clone()).unwrap_or_default();
        let mut out = Vec::new();
        for r in cx.roles {
            match mins.get(r) {
                Some(h) => out.push(h.0),
                None => {
                    let msg = msg!("rs-short-patrols-needs-minimum-hours", r = r);
                    cx.c.span(Some(cx.at.clone()), msg);
                    out.push(Decimal::ZERO);
                }
            }
        }
        for k in mins.keys() {
            if !cx.roles.contains(k) {
                let msg = msg!("rs-minimum-hours-names-unknown-role", k = k);
                cx.c.at(raw.minimum_hours.as_ref()?, msg);
            }
        }
        Some(ShortPatrols { minimum_hours: out })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let min_secs = self.minimum_hours.get(cx.worker.role).copied().unwrap_or_default() * Decimal::from(3600);
        let mut out = Vec::new();
        for ((d, _), ps) in cx.days.patrols.iter() {
            // Several rows for one patrol: short only if every row is, never when exempt.
            let exempt = ps.iter().any(|p| p.exempt);
            let short = ps.iter().all(|p| p.seconds.is_some_and(|s| s < min_secs));
            if !exempt && short {
                out.push(occ(*d, Decimal::ONE, row(ps[0].src)));
            }
        }
        Value::Occurrences(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_text;

    #[test]
    fn short_patrols_needs_every_role_and_no_other() {
        let text = "[measures.s]\nkind = \"short_patrols\"\nlabel = \"短\"\nminimum_hours = { head = \"2\", boss = \"1\" }\n";
        let messages: Vec<String> = check_text(text).unwrap_err().into_iter().map(|p| p.1).collect();
        assert_eq!(
            messages,
            ["short_patrols needs `minimum_hours` for role `full`", "minimum_hours names unknown role `boss`"]
        );
    }
}
