//! Checks of `[[item]]`: each item and part, its floor, cap, weight and roles, resolved to the
//! model the engine runs; a leaf's scoring (tier, lines, scale, monthly amount, sum over runs)
//! is checked by its own module in `scoring/`.
use super::model::*;
use super::raw::*;
use crate::positioned::{non_negative, one_of, period_kind, Checker, Name};
use crate::scoring::lines::Lines;
use crate::scoring::{CheckCx, Scoring, Written};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Resolves a list of role ids to indices, reporting unknown ones.
pub(super) use crate::scoring::RoleResolver;

/// What every item's check consults: the declarations before `[[item]]`, and the paths
/// declared so far (each once).
pub(super) struct ItemCx<'a> {
    pub measure: &'a dyn Fn(&mut Checker, &Name) -> usize,
    pub resolve_roles: &'a RoleResolver<'a>,
    pub measures: &'a [Measure],
    /// The levels (级别) each event type declares, by type index.
    pub type_levels: &'a [&'a [String]],
    pub seen: HashSet<String>,
}

/// One item and its parts: its path declared once, a top-level id that is no output column,
/// the keys only a top-level item takes, then its parts or its scoring.
pub(super) fn item(c: &mut Checker, it: &RawItem, kind: ItemKind, parent: &str, cx: &mut ItemCx) -> Item {
    let id = it.id.get_ref().clone();
    let path = if parent.is_empty() {
        id.clone()
    } else {
        format!("{parent}.{id}")
    };
    if !cx.seen.insert(path.clone()) {
        c.at(&it.id, msg!("rs-item-declared-twice", path = path));
    }
    if id.contains('.') || id.is_empty() {
        c.at(&it.id, msg!("rs-item-id-must-non-empty"));
    }
    let reserved = crate::columns::reserved_for_items();
    if parent.is_empty() && reserved.contains(&id.as_str()) {
        c.at(
            &it.id,
            msg!("rs-item-id-column-scores-csv", id = id, one_of = one_of(&reserved)),
        );
    }
    let roles = (cx.resolve_roles)(c, &it.roles);
    let top = top_level(c, it, &path, parent.is_empty());
    let max = it.max.map(|m| m.0);
    if let (ItemKind::Score, None, None) = (kind, max, &it.monthly) {
        c.at(&it.id, msg!("rs-score-item-needs-max", path = path));
    }
    if let Some(cap) = &it.cap {
        non_negative(c, cap, cap.get_ref(), &msg!("rs-what-cap"));
    }
    let body = if it.part.is_empty() {
        ItemBody::Leaf(leaf(c, it, kind, &path, max, cx))
    } else {
        ItemBody::Parts(parts(c, it, kind, &path, max, cx))
    };
    Item {
        id,
        path,
        label: it.label.clone(),
        kind,
        max,
        roles,
        weight: top.weight,
        weight_by_area: top.weight_by_area,
        weight_param: top.weight_param,
        periods: top.periods,
        body,
    }
}

/// What only a top-level item takes: its kind, how it weighs in the total, the runs it is
/// scored in. On a part each is refused (a part counts as its parent does).
struct TopLevel {
    weight: Decimal,
    weight_by_area: Vec<(String, Decimal)>,
    weight_param: Option<String>,
    periods: Option<Vec<crate::period::PeriodKind>>,
}

fn top_level(c: &mut Checker, it: &RawItem, path: &str, is_top: bool) -> TopLevel {
    if let (false, Some(k)) = (is_top, &it.kind) {
        c.at(k, msg!("rs-kind-belongs-top-level-item", path = path));
    }
    let weight = match &it.weight {
        Some(w) if !is_top => {
            c.at(w, msg!("rs-weight-weighs-top-level-item", path = path));
            Decimal::ONE
        }
        Some(w) => {
            non_negative(c, w, w.get_ref(), &msg!("rs-what-weight"));
            w.get_ref().0
        }
        None => Decimal::ONE,
    };
    let weight_by_area: Vec<(String, Decimal)> = match &it.weight_by_area {
        Some(by) if !is_top => {
            c.at(by, msg!("rs-weight-area-weighs-top-level", path = path));
            Vec::new()
        }
        Some(by) => {
            if by.get_ref().values().any(|v| v.0 < Decimal::ZERO) {
                c.at(by, msg!("rs-coefficient-cannot-negative"));
            }
            by.get_ref().iter().map(|(k, v)| (k.trim().to_string(), v.0)).collect()
        }
        None => Vec::new(),
    };
    let weight_param = it.weight_param.as_ref().map(|p| {
        if !is_top {
            c.at(p, msg!("rs-weight-param-weighs-top-level", path = path));
        }
        p.get_ref().trim().to_string()
    });
    let periods = it.periods.as_ref().map(|ps| {
        if !is_top {
            c.at(&it.id, msg!("rs-periods-limits-top-level-item", path = path));
        }
        ps.iter().filter_map(|p| period_kind(c, p)).collect::<Vec<_>>()
    });
    TopLevel {
        weight,
        weight_by_area,
        weight_param,
        periods,
    }
}

/// An item with parts: no scoring, floor or cap of its own, and a score item's parts' maxima
/// adding up to its own.
fn parts(
    c: &mut Checker,
    it: &RawItem,
    kind: ItemKind,
    path: &str,
    max: Option<Decimal>,
    cx: &mut ItemCx,
) -> Vec<Item> {
    let scored = [
        it.tier.is_some(),
        it.scale.is_some(),
        it.monthly.is_some(),
        it.sum_of_runs.is_some(),
        it.deduct.is_some(),
        it.add.is_some(),
    ];
    if scored.contains(&true) {
        c.at(&it.id, msg!("rs-item-has-parts-so-cannot", path = path));
    }
    // A floor or cap bounds a leaf's own points; an item with parts has none of its own.
    for key in [&it.floor, &it.cap].into_iter().flatten() {
        c.at(key, msg!("rs-floor-cap-bound-leaf-s", path = path));
    }
    let parts: Vec<Item> = it.part.iter().map(|p| item(c, p, kind, path, cx)).collect();
    if let (Some(m), ItemKind::Score) = (max, kind) {
        let sum: Decimal = parts.iter().filter_map(|p| p.max).sum();
        if sum != m {
            c.at(&it.id, msg!("rs-parts-add-up-but-max", path = path, sum = sum, m = m));
        }
    }
    parts
}

/// A leaf: exactly one scoring (checked by its module in `scoring/`), a cap only where deduct
/// lines take something off, a part period only on a score item.
fn leaf(c: &mut Checker, it: &RawItem, kind: ItemKind, path: &str, max: Option<Decimal>, cx: &mut ItemCx) -> Leaf {
    let written = Written {
        tier: it.tier.as_ref(),
        scale: it.scale.as_ref(),
        monthly: it.monthly.as_ref(),
        sum_of_runs: it.sum_of_runs.as_ref(),
        deduct: it.deduct.as_deref(),
        add: it.add.as_deref(),
        cap: it.cap.as_ref(),
    };
    let mut scx = CheckCx {
        c,
        at: &it.id,
        path,
        max,
        deduction: kind == ItemKind::Deduction,
        measure: cx.measure,
        roles: cx.resolve_roles,
        measures: cx.measures,
        type_levels: cx.type_levels,
    };
    let scoring = Scoring::check(&written, &mut scx).unwrap_or_else(|| Scoring::Lines(Lines::default()));
    // The cap counts what deduct lines take off: anywhere else it would limit nothing.
    let deducts = matches!(&scoring, Scoring::Lines(ls) if ls.deducts());
    if let (Some(cap), false) = (&it.cap, deducts) {
        c.at(cap, msg!("rs-cap-limits-what-deduct-lines", path = path));
    }
    if it.part_period != crate::in_post::PartPeriod::Whole && kind != ItemKind::Score {
        c.at(&it.id, msg!("rs-part-period-scales-score-item"));
    }
    Leaf {
        start: if kind == ItemKind::Score {
            max.unwrap_or_default()
        } else {
            Decimal::ZERO
        },
        floor: it.floor.as_ref().map(|f| f.get_ref().0),
        part_period: it.part_period,
        scoring,
    }
}
