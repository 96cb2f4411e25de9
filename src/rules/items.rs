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

#[allow(clippy::too_many_arguments)]
pub(super) fn item(
    c: &mut Checker,
    it: &RawItem,
    kind: ItemKind,
    parent: &str,
    measure: &dyn Fn(&mut Checker, &Name) -> usize,
    resolve_roles: &RoleResolver,
    measures: &[Measure],
    types: &[EventType],
    seen: &mut HashSet<String>,
) -> Item {
    let id = it.id.get_ref().clone();
    let path = if parent.is_empty() {
        id.clone()
    } else {
        format!("{parent}.{id}")
    };
    if !seen.insert(path.clone()) {
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
    if let (false, Some(k)) = (parent.is_empty(), &it.kind) {
        c.at(k, msg!("rs-kind-belongs-top-level-item", path = path));
    }
    let roles = resolve_roles(c, &it.roles);
    let weight = match &it.weight {
        Some(w) if !parent.is_empty() => {
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
        Some(by) if !parent.is_empty() => {
            c.at(by, msg!("rs-weight-area-weighs-top-level", path = path));
            Vec::new()
        }
        Some(by) => {
            for v in by.get_ref().values() {
                if v.0 < Decimal::ZERO {
                    c.at(by, msg!("rs-coefficient-cannot-negative"));
                }
            }
            by.get_ref().iter().map(|(k, v)| (k.trim().to_string(), v.0)).collect()
        }
        None => Vec::new(),
    };
    let weight_param = it.weight_param.as_ref().map(|p| {
        if !parent.is_empty() {
            c.at(p, msg!("rs-weight-param-weighs-top-level", path = path));
        }
        p.get_ref().trim().to_string()
    });
    let periods = it.periods.as_ref().map(|ps| {
        if !parent.is_empty() {
            c.at(&it.id, msg!("rs-periods-limits-top-level-item", path = path));
        }
        ps.iter().filter_map(|p| period_kind(c, p)).collect::<Vec<_>>()
    });
    let max = it.max.map(|m| m.0);
    if let (ItemKind::Score, None, None) = (kind, max, &it.monthly) {
        c.at(&it.id, msg!("rs-score-item-needs-max", path = path));
    }
    if let Some(cap) = &it.cap {
        non_negative(c, cap, cap.get_ref(), &msg!("rs-what-cap"));
    }
    let body = if !it.part.is_empty() {
        if it.tier.is_some()
            || it.scale.is_some()
            || it.monthly.is_some()
            || it.sum_of_runs.is_some()
            || it.deduct.is_some()
            || it.add.is_some()
        {
            c.at(&it.id, msg!("rs-item-has-parts-so-cannot", path = path));
        }
        // A floor or cap bounds a leaf's own points; an item with parts has none of its own.
        for key in [&it.floor, &it.cap].into_iter().flatten() {
            c.at(key, msg!("rs-floor-cap-bound-leaf-s", path = path));
        }
        let parts: Vec<Item> = it
            .part
            .iter()
            .map(|p| item(c, p, kind, &path, measure, resolve_roles, measures, types, seen))
            .collect();
        if let (Some(m), ItemKind::Score) = (max, kind) {
            let sum: Decimal = parts.iter().filter_map(|p| p.max).sum();
            if sum != m {
                c.at(&it.id, msg!("rs-parts-add-up-but-max", path = path, sum = sum, m = m));
            }
        }
        ItemBody::Parts(parts)
    } else {
        let written = Written {
            tier: it.tier.as_ref(),
            scale: it.scale.as_ref(),
            monthly: it.monthly.as_ref(),
            sum_of_runs: it.sum_of_runs.as_ref(),
            deduct: it.deduct.as_deref(),
            add: it.add.as_deref(),
            cap: it.cap.as_ref(),
        };
        let type_levels: Vec<&[String]> = types.iter().map(|t| t.levels.as_slice()).collect();
        let mut cx = CheckCx {
            c,
            at: &it.id,
            path: &path,
            max,
            deduction: kind == ItemKind::Deduction,
            measure,
            roles: resolve_roles,
            measures,
            type_levels: &type_levels,
        };
        let scoring = Scoring::check(&written, &mut cx).unwrap_or_else(|| Scoring::Lines(Lines::default()));
        let floor = it.floor.as_ref().map(|f| f.get_ref().0);
        // The cap counts what deduct lines take off: anywhere else it would limit nothing.
        let deducts = matches!(&scoring, Scoring::Lines(ls) if ls.deducts());
        if let (Some(cap), false) = (&it.cap, deducts) {
            c.at(cap, msg!("rs-cap-limits-what-deduct-lines", path = path));
        }
        if it.part_period != crate::in_post::PartPeriod::Whole && kind != ItemKind::Score {
            c.at(&it.id, msg!("rs-part-period-scales-score-item"));
        }
        ItemBody::Leaf(Leaf {
            start: if kind == ItemKind::Score {
                max.unwrap_or_default()
            } else {
                Decimal::ZERO
            },
            floor,
            part_period: it.part_period,
            scoring,
        })
    };
    Item {
        id,
        path,
        label: it.label.clone(),
        kind,
        max,
        roles,
        weight,
        weight_by_area,
        weight_param,
        periods,
        body,
    }
}
