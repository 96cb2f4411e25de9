//! An item tree scored for one worker: the parts summed, a leaf's starting points (its `max`,
//! scaled to a part of the period), its one scoring (`scoring/`), then its floor and maximum.
//! Each applied rule leaves a trace line.
use crate::measure::Value;
use crate::rules::{Item, ItemBody, ItemKind, Leaf, RuleSet};
use crate::scoring::{Facts, Trail, Who};
use crate::trace::{Said, TraceLine, Unit};
use rust_decimal::Decimal;

/// Scores an item tree for one worker: fills `values` (one per item in [`flatten`] order) and
/// returns the item's points.
pub fn score_item(
    item: &Item,
    w: Who,
    measures: &[Value],
    rules: &RuleSet,
    values: &mut Vec<Decimal>,
    trace: &mut Vec<TraceLine>,
) -> Decimal {
    let slot = values.len();
    values.push(Decimal::ZERO);
    let in_run = item.periods.as_ref().is_none_or(|ps| ps.contains(&w.run.kind));
    if !RuleSet::applies(&item.roles, w.role) || !in_run {
        // Skip the parts' slots too, so columns stay aligned.
        values.extend(std::iter::repeat_n(Decimal::ZERO, count_items(item) - 1));
        return Decimal::ZERO;
    }
    let v = match &item.body {
        ItemBody::Parts(parts) => parts
            .iter()
            .map(|p| score_item(p, w, measures, rules, values, trace))
            .sum(),
        ItemBody::Leaf(leaf) => {
            let from = trace.len();
            let v = score_leaf(item, leaf, w, measures, rules, trace);
            if rules.meta.money {
                trace[from..].iter_mut().for_each(|l| l.unit = Unit::Yuan);
            }
            v
        }
    };
    values[slot] = v;
    v
}

fn count_items(item: &Item) -> usize {
    1 + match &item.body {
        ItemBody::Parts(ps) => ps.iter().map(count_items).sum(),
        ItemBody::Leaf(_) => 0,
    }
}

fn score_leaf(
    item: &Item,
    leaf: &Leaf,
    w: Who,
    measures: &[Value],
    rules: &RuleSet,
    trace: &mut Vec<TraceLine>,
) -> Decimal {
    let mut trail = Trail {
        path: &item.path,
        label: &item.label,
        lines: trace,
    };
    let mut start = leaf.start;
    if leaf.part_period == crate::in_post::PartPeriod::FullMonths && !start.is_zero() {
        if let Some((scaled, how)) = crate::in_post::part_of_period(start, w.worker, w.run) {
            trail.push(Said::PartPeriod(how), Decimal::ZERO, scaled - start, vec![]);
            start = scaled;
        }
    }
    let facts = Facts {
        who: w,
        measures: &rules.measures,
        values: measures,
    };
    let mut v = leaf.scoring.score(start, &facts, &mut trail);
    if let Some(f) = leaf.floor {
        if v < f {
            trail.push(Said::Floor { floor: f }, Decimal::ZERO, f - v, vec![]);
            v = f;
        }
    }
    if let Some(m) = item.max {
        if v > m {
            // A score item's max is its full marks; a bonus item's, its cap (加分最多…).
            let said = Said::Max {
                max: m,
                full_marks: item.kind == ItemKind::Score,
            };
            trail.push(said, Decimal::ZERO, m - v, vec![]);
            v = m;
        }
    }
    v
}
