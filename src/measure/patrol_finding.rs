//! `patrol_finding`: patrols whose yes/no column says 否 (not logged, no uniform).
//!
//! ```toml
//! [measures.no_uniform]
//! kind = "patrol_finding"
//! label = "未着装"
//! finding = "no_uniform"     # or "not_logged"
//! ```
use super::{occ, row, CheckCx, Kind, Stage, Value, WorkerCx};
use crate::contract::PatrolFinding as Finding;
use crate::contract::SheetKind;
use crate::positioned::one_of;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    finding: Option<Spanned<String>>,
}

/// Patrols whose yes/no column says 否.
#[derive(Debug, Clone)]
pub struct PatrolFinding {
    pub finding: Finding,
}

impl Kind for PatrolFinding {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Patrol);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<PatrolFinding> {
        let f = raw.finding.as_ref().and_then(|f| Finding::parse(f.get_ref()));
        if f.is_none() {
            let msg = msg!("rs-patrol-finding-needs-finding-one", one_of = one_of(&["not_logged", "no_uniform"]));
            cx.refuse(&raw.finding, msg);
        }
        Some(PatrolFinding { finding: f? })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let mut out = Vec::new();
        for ((d, _), ps) in cx.days.patrols.iter() {
            if ps.iter().any(|p| p.exempt) {
                continue;
            }
            let hit = match self.finding {
                Finding::NotLogged => (!ps.iter().any(|p| p.logged)).then_some(ps[0]),
                Finding::NoUniform => ps.iter().find(|p| !p.uniform).copied(),
            };
            if let Some(p) = hit {
                out.push(occ(*d, Decimal::ONE, row(p.src)));
            }
        }
        Value::Occurrences(out)
    }
}
