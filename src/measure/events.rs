//! `events`: the valid rows of some event types, each counting its 数量.
//!
//! ```toml
//! [measures.visits]
//! kind = "events"
//! label = "走访"
//! types = ["走访"]            # the 类型 counted
//! once_per_event = true       # rows sharing a 事件编号 are one event (同一事件以高级为准)
//! levels = ["市级"]           # only these 级别 (after once_per_event chose the level)
//! amount_between = ["0", "200"]  # each row's 金额 lies in [min, max], for lines paying it
//! scope = "grid"              # every row of the worker's 网格 (or `village`: 村) counts
//! ```
use super::{row, CheckCx, Kind, Occurrence, Stage, Value, WorkerCx};
use crate::contract::SheetKind;
use crate::input::records::Event;
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    types: Option<Vec<Spanned<String>>>,
    amount_between: Option<Spanned<(Dec, Dec)>>,
    once_per_event: Option<bool>,
    levels: Option<Vec<Spanned<String>>>,
    scope: Option<Spanned<String>>,
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

/// Valid event rows of these types, each counting its 数量; with `amount`, each row's 金额
/// must lie in the range and is carried for lines that pay it.
#[derive(Debug, Clone)]
pub struct Events {
    pub types: Vec<usize>,
    pub amount: Option<(Decimal, Decimal)>,
    /// Rows sharing a 事件编号 are one event: counted once, at its highest level, for its
    /// first reporter (同一事件以高级为准, 以最先上报者为准).
    pub once_per_event: bool,
    /// Only occurrences at these levels (after `once_per_event` chose the event's level);
    /// empty for all.
    pub levels: Vec<String>,
    /// Whose rows count for a worker (docs/decisions.md D6.4).
    pub scope: EventScope,
}

impl Kind for Events {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = Some(SheetKind::Events);
    const STAGE: Stage = Stage::Rows;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<Events> {
        let amount = raw.amount_between.as_ref().map(|r| (r.get_ref().0 .0, r.get_ref().1 .0));
        if let (Some(at), Some((lo, hi))) = (&raw.amount_between, amount) {
            if lo > hi || lo < Decimal::ZERO {
                cx.c.at(at, msg!("rs-amount-between-min-max-min"));
            }
        }
        let Some(names) = &raw.types else {
            cx.say(msg!("rs-measure-kind-events-needs-types"));
            return None;
        };
        let types = cx.types(names);
        let mut levels = Vec::new();
        for l in raw.levels.iter().flatten() {
            if !types.iter().any(|t| cx.type_levels[*t].contains(l.get_ref())) {
                cx.c.at(l, msg!("rs-level-declared-measure-s-event", l = l.get_ref()));
            }
            levels.push(l.get_ref().clone());
        }
        let scope = match raw.scope.as_ref().map(|s| s.get_ref().as_str()) {
            None => EventScope::Own,
            Some("grid") => EventScope::Grid,
            Some("village") => EventScope::Village,
            Some(other) => {
                let msg = msg!("rs-event-scope-grid-village-rows", other = other);
                cx.c.at(raw.scope.as_ref()?, msg);
                EventScope::Own
            }
        };
        Some(Events {
            types,
            amount,
            once_per_event: raw.once_per_event.unwrap_or(false),
            levels,
            scope,
        })
    }

    fn compute(&self, cx: &WorkerCx, _: &[Value]) -> Value {
        let (w, run) = (cx.worker, cx.run);
        let group = match self.scope {
            EventScope::Own => None,
            EventScope::Grid => run.scoped.get(&(self.scope, w.grid.clone())),
            EventScope::Village => run.scoped.get(&(self.scope, w.village.clone())),
        };
        let own: Vec<&Event> = cx.rows.events.iter().collect();
        let mut out = Vec::new();
        for e in group
            .unwrap_or(&own)
            .iter()
            .copied()
            .filter(|e| e.counted && e.valid && self.types.contains(&e.type_id) && !e.count.is_zero())
        {
            // Counted once per event: only the credited row counts, at the event's level.
            let level = match (self.once_per_event, run.credit.get(&e.src)) {
                (false, _) => e.level.clone(),
                (true, Some(level)) => level.clone(),
                (true, None) => continue,
            };
            if !self.levels.is_empty() && !level.as_ref().is_some_and(|l| self.levels.contains(l)) {
                continue;
            }
            out.push(Occurrence {
                date: Some(e.date),
                amount: e.count,
                level,
                money: e.amount,
                source: row(e.src),
            });
        }
        Value::Occurrences(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_text;
    use super::*;

    #[test]
    fn an_events_measure_reads_its_types_levels_and_scope() {
        let text = "[measures.v]\nkind = \"events\"\nlabel = \"走访\"\ntypes = [\"走访\"]\nlevels = [\"二级\"]\nscope = \"grid\"\n";
        let Ok(ks) = check_text(text) else { panic!("{:?}", check_text(text)) };
        let super::super::MeasureKind::Events(e) = &ks[0] else { panic!() };
        assert_eq!((e.types.clone(), e.levels.clone(), e.scope), (vec![0], vec!["二级".to_string()], EventScope::Grid));
        assert!(!e.once_per_event, "once_per_event is off unless said");
    }

    #[test]
    fn an_undeclared_level_an_unknown_type_and_a_bad_scope_are_each_named_at_their_value() {
        let text = "[measures.v]\nkind = \"events\"\nlabel = \"走访\"\ntypes = [\"走访\", \"巡逻\"]\nlevels = [\"三级\"]\nscope = \"town\"\n";
        let problems = check_text(text).unwrap_err();
        let at: Vec<&str> = problems.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(at, ["\"巡逻\"", "\"三级\"", "\"town\""], "{problems:?}");
    }
}
