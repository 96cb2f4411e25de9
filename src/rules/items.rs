//! Checks of `[[item]]`: each item and part, its scoring (tier, lines, scale, monthly amount,
//! sum over runs), its floor, cap, weight and roles, resolved to the model the engine runs.
use super::check::{non_negative, period_kind};
use super::model::*;
use super::raw::*;
use crate::num::Dec;
use crate::period::PeriodKind;
use crate::positioned::{one_of, Checker};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

/// The levels a measure's occurrences can carry: the union of its event types' levels.
fn measure_levels(m: &Measure, types: &[EventType]) -> Option<Vec<String>> {
    match &m.kind {
        MeasureKind::Events(e) if !e.levels.is_empty() => Some(e.levels.clone()),
        MeasureKind::Events(crate::measure::events::Events { types: ts, .. }) => {
            let mut out: Vec<String> = Vec::new();
            for t in ts {
                for l in &types[*t].levels {
                    if !out.contains(l) {
                        out.push(l.clone());
                    }
                }
            }
            Some(out)
        }
        _ => None,
    }
}

pub(super) fn rate(
    c: &mut Checker,
    at: &Name,
    each: Option<Dec>,
    by_level: Option<&Spanned<BTreeMap<String, Dec>>>,
    m: usize,
    measures: &[Measure],
    types: &[EventType],
) -> Rate {
    match (each, by_level) {
        (Some(e), None) => {
            if e.0 < Decimal::ZERO {
                c.at(at, msg!("rs-each-cannot-negative-list-line"));
            }
            Rate::Each(e.0)
        }
        (None, Some(bl)) => {
            match measures.get(m).and_then(|mm| measure_levels(mm, types)) {
                None => c.at(bl, msg!("rs-level-needs-events-measure-one", at = at.get_ref())),
                Some(levels) => {
                    if levels.is_empty() {
                        c.at(bl, msg!("rs-level-used-but-measure-s"));
                    }
                    for l in &levels {
                        if !bl.get_ref().contains_key(l) {
                            c.at(bl, msg!("rs-level-has-amount-level", l = l));
                        }
                    }
                    for l in bl.get_ref().keys() {
                        if !levels.contains(l) {
                            c.at(
                                bl,
                                msg!("rs-level-names-level-which-event", l = l, list = levels.join(", ")),
                            );
                        }
                    }
                }
            }
            for v in bl.get_ref().values() {
                non_negative(c, bl, v, &msg!("rs-what-rate"));
            }
            // Keep the order the event types declare, so traces read naturally.
            Rate::ByLevel(bl.get_ref().iter().map(|(k, v)| (k.clone(), v.0)).collect())
        }
        _ => {
            c.at(at, msg!("rs-give-exactly-one-each-level"));
            Rate::Each(Decimal::ZERO)
        }
    }
}

/// Resolves a list of role ids to indices, reporting unknown ones.
pub(super) type RoleResolver<'a> = dyn Fn(&mut Checker, &Option<Vec<Name>>) -> Option<Vec<usize>> + 'a;

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
        let scoring = leaf_scoring(c, it, kind, &path, max, measure, resolve_roles, (measures, types));
        let floor = it.floor.as_ref().map(|f| f.get_ref().0);
        // The cap counts what deduct lines take off: anywhere else it would limit nothing.
        let deducts = matches!(&scoring, Scoring::Lines(ls) if ls.iter().any(|l| l.sign < Decimal::ZERO));
        if let (Some(cap), false) = (&it.cap, deducts) {
            c.at(cap, msg!("rs-cap-limits-what-deduct-lines", path = path));
        }
        if it.part_period != super::model::PartPeriod::Whole && kind != ItemKind::Score {
            c.at(&it.id, msg!("rs-part-period-scales-score-item"));
        }
        ItemBody::Leaf(Leaf {
            start: if kind == ItemKind::Score {
                max.unwrap_or_default()
            } else {
                Decimal::ZERO
            },
            floor,
            cap: it.cap.as_ref().map(|x| x.get_ref().0),
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

/// How a leaf scores: a tier, lines, a scale, a monthly amount or a sum over runs — exactly one.
#[allow(clippy::too_many_arguments)]
fn leaf_scoring(
    c: &mut Checker,
    it: &RawItem,
    kind: ItemKind,
    path: &str,
    max: Option<Decimal>,
    measure: &dyn Fn(&mut Checker, &Name) -> usize,
    resolve_roles: &RoleResolver,
    (measures, types): (&[Measure], &[EventType]),
) -> Scoring {
    match (&it.tier, &it.deduct, &it.add) {
        (None, None, None) if it.sum_of_runs.is_some() && it.monthly.is_none() && it.scale.is_none() => {
            let r = it.sum_of_runs.as_ref().map(|r| {
                let per = period_kind(c, &r.per).unwrap_or(PeriodKind::Month);
                Scoring::SumOfRuns {
                    per,
                    item: r.item.get_ref().clone(),
                }
            });
            r.unwrap_or(Scoring::Lines(vec![]))
        }
        (None, None, None) if it.monthly.is_some() && it.scale.is_none() => {
            let f = it.monthly.as_ref().map(|f| {
                let ids: Vec<Name> = f
                    .by_role
                    .get_ref()
                    .keys()
                    .map(|k| Spanned::new(f.by_role.span(), k.clone()))
                    .collect();
                let resolved = resolve_roles(c, &Some(ids)).unwrap_or_default();
                let n = resolved.iter().max().map_or(0, |m| m + 1);
                let mut by_role = vec![None; n];
                for (ri, (_, amount)) in resolved.iter().zip(f.by_role.get_ref()) {
                    non_negative(c, &f.by_role, amount, &msg!("rs-what-amount"));
                    by_role[*ri] = Some(amount.0);
                }
                let share = f.share.map_or(Decimal::ONE, |s| s.0);
                if share < Decimal::ZERO {
                    c.at(&f.by_role, msg!("rs-share-cannot-negative"));
                }
                Scoring::Monthly {
                    by_role,
                    share,
                    part_month: f.part_month,
                }
            });
            f.unwrap_or(Scoring::Lines(vec![]))
        }
        (None, None, None) if it.scale.is_some() => {
            let sc = it.scale.as_ref().map(|sc| {
                let mi = measure(c, &sc.measure);
                let rate_like = match measures.get(mi).map(|m| &m.kind) {
                    Some(MeasureKind::SurveyRate(_) | MeasureKind::Ratio(_)) => true,
                    Some(MeasureKind::Indicator(i)) => i.mode != IndicatorMode::Count,
                    _ => false,
                };
                if !rate_like {
                    c.at(&sc.measure, msg!("rs-scale-scores-rate-given-number"));
                }
                if let Some(m) = max {
                    if sc.points.0 > m {
                        c.at(
                            &sc.measure,
                            msg!("rs-scale-points-exceed-item-s", value = sc.points.0, m = m),
                        );
                    }
                }
                if sc.dp > 10 {
                    c.at(&sc.measure, msg!("rs-dp-keeps-most-decimal-places"));
                }
                Scale {
                    measure: mi,
                    points: sc.points.0,
                    dp: sc.dp.min(10),
                }
            });
            match sc {
                Some(sc) => Scoring::Scale(sc),
                None => Scoring::Lines(vec![]),
            }
        }
        (Some(t), None, None) if it.scale.is_none() && it.monthly.is_none() => {
            let mut prev: Option<Decimal> = None;
            for (th, pts) in t.at_least.get_ref() {
                if prev.is_some_and(|p| th.0 >= p) {
                    c.at(&t.at_least, msg!("rs-tier-thresholds-must-listed-highest"));
                }
                if let Some(m) = max {
                    if pts.0 > m {
                        c.at(&t.at_least, msg!("rs-tier-points-exceed-item-s", value = pts.0, m = m));
                    }
                }
                prev = Some(th.0);
            }
            Scoring::Tier(Tier {
                measure: measure(c, &t.measure),
                at_least: t.at_least.get_ref().iter().map(|(a, b)| (a.0, b.0)).collect(),
                otherwise: t.otherwise.0,
            })
        }
        (None, d, a) if (d.is_some() || a.is_some()) && it.scale.is_none() && it.monthly.is_none() => {
            if kind == ItemKind::Deduction && a.is_some() {
                c.at(&it.id, msg!("rs-deduction-item-takes-deduct-lines", path = path));
            }
            let mut lines = Vec::new();
            for (sign, list) in [(Decimal::NEGATIVE_ONE, d), (Decimal::ONE, a)] {
                for l in list.iter().flat_map(|v| v.iter()) {
                    let mi = measure(c, &l.measure);
                    let per = match l.per.as_ref().map(|p| p.get_ref().as_str()) {
                        None | Some("period") => Bucket::Period,
                        Some("month") => Bucket::Month,
                        Some(other) => {
                            // Not `week`: a line counts the period's own days, and a week
                            // may reach outside it. Weeks are counted by a `minimum` measure.
                            c.at(
                                l.per.as_ref().unwrap_or(&l.measure),
                                msg!(
                                    "rs-per-expected-count-weeks-measure",
                                    other = other,
                                    one_of = one_of(&["period", "month"])
                                ),
                            );
                            Bucket::Period
                        }
                    };
                    if l.per.is_some() && l.beyond.is_none() && l.up_to.is_none() && l.cap.is_none() {
                        c.at(&l.measure, msg!("rs-per-only-matters-beyond-up"));
                    }
                    if let (Some(b), Some(u)) = (l.beyond, l.up_to) {
                        if u.0 < b.0 {
                            c.at(&l.measure, msg!("rs-up-must-below-beyond"));
                        }
                    }
                    if l.up_to.is_some_and(|u| u.0 < Decimal::ZERO) {
                        c.at(&l.measure, msg!("rs-up-cannot-negative"));
                    }
                    if let Some(cap) = &l.cap {
                        non_negative(c, cap, cap.get_ref(), &msg!("rs-what-cap"));
                    }
                    if let Some(b) = l.beyond {
                        if b.0 < Decimal::ZERO {
                            c.at(&l.measure, msg!("rs-beyond-cannot-negative"));
                        }
                    }
                    if matches!(
                        measures.get(mi).map(|m| &m.kind),
                        Some(MeasureKind::SurveyRate { .. } | MeasureKind::Ratio { .. })
                    ) {
                        c.at(&l.measure, msg!("rs-rate-scored-tier-scale-line"));
                    }
                    lines.push(Line {
                        label: l
                            .label
                            .clone()
                            .unwrap_or_else(|| measures.get(mi).map(|m| m.label.clone()).unwrap_or_default()),
                        unit: measures.get(mi).map(|m| m.unit.clone()).unwrap_or_default(),
                        measure: mi,
                        sign,
                        rate: if l.from_row {
                            if l.each.is_some() || l.by_level.is_some() {
                                c.at(&l.measure, msg!("rs-from-row-pays-row-s"));
                            }
                            if !matches!(
                                measures.get(mi).map(|m| &m.kind),
                                Some(MeasureKind::Events(crate::measure::events::Events {
                                    amount: Some(_),
                                    ..
                                }))
                            ) {
                                c.at(&l.measure, msg!("rs-from-row-needs-events-measure"));
                            }
                            Rate::FromRow
                        } else {
                            rate(c, &l.measure, l.each, l.by_level.as_ref(), mi, measures, types)
                        },
                        beyond: l.beyond.map(|b| b.0),
                        up_to: l.up_to.map(|u| u.0),
                        per,
                        roles: resolve_roles(c, &l.roles),
                        cap: l.cap.as_ref().map(|x| x.get_ref().0),
                    });
                }
            }
            Scoring::Lines(lines)
        }
        _ => {
            c.at(&it.id, msg!("rs-leaf-item-needs-exactly-one", path = path));
            Scoring::Lines(vec![])
        }
    }
}
