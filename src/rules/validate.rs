//! Raw TOML → validated [`RuleSet`]. Every check that can be made before a run is made here,
//! and every failure is collected (with its position) rather than stopping at the first.
use super::model::*;
use super::raw::*;
use crate::input::contract::ScopeField;
use crate::measure::status;
use crate::num::Dec;
use crate::period::PeriodKind;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use toml::Spanned;

pub use crate::positioned::Problem;
use crate::positioned::{one_of, Checker};

fn period_kind(c: &mut Checker, n: &Name) -> Option<PeriodKind> {
    match n.get_ref().as_str() {
        "month" => Some(PeriodKind::Month),
        "quarter" => Some(PeriodKind::Quarter),
        "year" => Some(PeriodKind::Year),
        other => {
            c.at(
                n,
                format!(
                    "unknown period `{other}`; expected {}",
                    one_of(&["month", "quarter", "year"])
                ),
            );
            None
        }
    }
}

/// Validates a parsed rule set.
pub fn validate(raw: RawRuleSet, source: String, sha256: String) -> Result<RuleSet, Vec<Problem>> {
    let mut c = Checker { problems: Vec::new() };

    // --- scheme
    let s = &raw.scheme;
    let effective_from = NaiveDate::parse_from_str(s.effective_from.get_ref(), "%Y-%m-%d")
        .map_err(|_| c.at(&s.effective_from, "effective_from must be a date like \"2022-05-06\""))
        .unwrap_or_default();
    let periods: Vec<PeriodKind> = s.periods.iter().filter_map(|p| period_kind(&mut c, p)).collect();
    if s.periods.is_empty() {
        c.at(&s.name, "scheme.periods must name at least one of month, quarter, year");
    }
    let units = match s.subject.as_ref().map(|x| x.get_ref().as_str()) {
        None | Some("worker") => false,
        Some("unit") => true,
        Some(other) => {
            c.at(
                s.subject.as_ref().unwrap_or(&s.name),
                format!("subject `{other}`; expected {}", one_of(&["worker", "unit"])),
            );
            false
        }
    };
    let name = s.name.get_ref().trim().to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        c.at(
            &s.name,
            "scheme.name must be a short ASCII name (letters, digits, - or _), used in folder names",
        );
    }
    let meta = Meta {
        name,
        title: s.title.clone(),
        document: s.document.clone(),
        version: s.version.clone(),
        effective_from,
        periods,
        calendar: s.calendar.clone().unwrap_or_else(|| "cn".to_string()),
        by_month: s.by_month,
        year_from_present_months: s.year_from_present_months,
        units,
        money: match s.unit.as_ref().map(|u| u.get_ref().as_str()) {
            None | Some("points") => false,
            Some("yuan") => true,
            Some(other) => {
                c.at(
                    s.unit.as_ref().unwrap_or(&s.name),
                    format!("unit `{other}`; expected {}", one_of(&["points", "yuan"])),
                );
                false
            }
        },
    };

    // --- roles
    let mut roles = Vec::new();
    let mut role_ids: HashMap<String, usize> = HashMap::new();
    for r in &raw.role {
        if role_ids.insert(r.id.get_ref().clone(), roles.len()).is_some() {
            c.at(&r.id, format!("role `{}` is declared twice", r.id.get_ref()));
        }
        roles.push(Role {
            id: r.id.get_ref().clone(),
            label: r.label.trim().to_string(),
        });
    }
    if roles.is_empty() {
        c.say("the rule set declares no [[role]]; every roster 岗位 must map to one");
    }
    let role_list: Vec<&str> = roles.iter().map(|r| r.id.as_str()).collect();
    let resolve_roles = |c: &mut Checker, names: &Option<Vec<Name>>| -> Option<Vec<usize>> {
        names.as_ref().map(|ns| {
            ns.iter()
                .filter_map(|n| {
                    let i = role_ids.get(n.get_ref()).copied();
                    if i.is_none() {
                        c.at(
                            n,
                            format!("unknown role `{}`; declared roles: {}", n.get_ref(), one_of(&role_list)),
                        );
                    }
                    i
                })
                .collect()
        })
    };

    // --- duty days
    let duty_exclude = raw
        .duty_days
        .as_ref()
        .map(|d| d.exclude_status.iter().filter_map(|n| status(&mut c, n)).collect())
        .unwrap_or_default();

    // --- event types
    let mut event_types = Vec::new();
    let mut type_ids: HashMap<String, usize> = HashMap::new();
    for t in &raw.event_type {
        let nm = t.name.get_ref().trim().to_string();
        if type_ids.insert(nm.clone(), event_types.len()).is_some() {
            c.at(&t.name, format!("event type `{nm}` is declared twice"));
        }
        event_types.push(EventType {
            name: nm,
            note: t.note.clone(),
            levels: t.levels.clone(),
        });
    }

    // --- measures: each kind reads and checks its own table (crate::measure).
    let type_levels: Vec<Vec<String>> = event_types.iter().map(|t| t.levels.clone()).collect();
    let role_id_list: Vec<String> = roles.iter().map(|r| r.id.clone()).collect();
    let measure_ids: HashMap<String, usize> = raw.measures.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect();
    let measures: Vec<Measure> = crate::measure::check_all(
        &mut c,
        raw.measures.into_iter().collect(),
        &type_ids,
        &type_levels,
        &role_id_list,
    )
    .into_iter()
    .map(|m| {
        // A measure that failed its check keeps its place (items refer to it by index);
        // the problems already stop the rule set.
        m.unwrap_or_else(|| Measure {
            id: String::new(),
            label: String::new(),
            kind: MeasureKind::Union(crate::measure::union::Union { of: vec![] }),
        })
    })
    .collect();
    let measure = |c: &mut Checker, n: &Name| -> usize {
        match measure_ids.get(n.get_ref()) {
            Some(i) => *i,
            None => {
                c.at(
                    n,
                    format!("unknown measure `{}`; define it under [measures]", n.get_ref()),
                );
                0
            }
        }
    };

    // --- items
    let mut items = Vec::new();
    let mut seen_items = HashSet::new();
    for it in &raw.item {
        let kind = match it.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None | Some("score") => ItemKind::Score,
            Some("bonus") => ItemKind::Bonus,
            Some("deduction") => ItemKind::Deduction,
            Some(other) => {
                c.at(
                    it.kind.as_ref().unwrap_or(&it.id),
                    format!(
                        "item kind `{other}`; expected {}",
                        one_of(&["score", "bonus", "deduction"])
                    ),
                );
                ItemKind::Score
            }
        };
        let built = item(
            &mut c,
            it,
            kind,
            "",
            &measure,
            &resolve_roles,
            &measures,
            &event_types,
            &mut seen_items,
        );
        items.push(built);
    }
    if items.is_empty() {
        c.say("the rule set has no [[item]]");
    }

    // The items a sum over runs names must exist (they are columns of the earlier runs).
    fn summed<'a>(it: &'a RawItem, out: &mut Vec<&'a Name>) {
        if let Some(r) = &it.sum_of_runs {
            out.push(&r.item);
        }
        it.part.iter().for_each(|p| summed(p, out));
    }
    let mut names = Vec::new();
    raw.item.iter().for_each(|it| summed(it, &mut names));
    for n in names {
        if !seen_items.contains(n.get_ref()) {
            c.at(
                n,
                format!("sum_of_runs item `{}` is not an item of the rule set", n.get_ref()),
            );
        }
    }

    // --- vetoes
    let mut vetoes = Vec::new();
    for v in &raw.veto {
        let test = match (&v.measure, &v.total_below) {
            (Some(m), None) => VetoTest::Measure {
                measure: measure(&mut c, m),
                at_least: v.at_least.map_or(Decimal::ONE, |d| d.0),
            },
            (None, Some(t)) => VetoTest::TotalBelow(t.0),
            _ => {
                c.at(
                    &v.id,
                    "a veto takes either `measure` (with optional `at_least`) or `total_below`",
                );
                VetoTest::TotalBelow(Decimal::ZERO)
            }
        };
        vetoes.push(Veto {
            id: v.id.get_ref().clone(),
            label: v.label.clone(),
            test,
        });
    }

    // --- grading
    let grading = raw.grading.as_ref().map(|g| grading(&mut c, g, &items, &meta.periods));

    // --- pay
    let grades: Vec<String> = grading.as_ref().map(Grading::grades).unwrap_or_default();
    let mut pay = Vec::new();
    let mut pay_ids = HashSet::new();
    for p in &raw.pay {
        if !pay_ids.insert(p.id.get_ref().clone()) {
            c.at(&p.id, format!("pay `{}` is declared twice", p.id.get_ref()));
        }
        if RESERVED_COLUMNS.contains(&p.id.get_ref().as_str()) {
            c.at(
                &p.id,
                format!(
                    "pay id `{}` is a column payouts.csv already has; the reserved names: {}",
                    p.id.get_ref(),
                    one_of(RESERVED_COLUMNS)
                ),
            );
        }
        let periods: Vec<PeriodKind> = p.periods.iter().filter_map(|n| period_kind(&mut c, n)).collect();
        for (pk, n) in periods.iter().zip(&p.periods) {
            if !meta.periods.contains(pk) {
                c.at(
                    n,
                    format!(
                        "pay `{}` is for {} runs, but the scheme does not define that period",
                        p.id.get_ref(),
                        pk.name()
                    ),
                );
            }
        }
        let roles = resolve_roles(&mut c, &p.roles);
        let chosen = [
            p.by_grade.is_some(),
            p.per_event.is_some(),
            p.param_bands.is_some(),
            p.subsidy.is_some(),
            p.pool.is_some(),
            p.item.is_some(),
            p.grade_param.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if chosen != 1 {
            c.at(
                &p.id,
                "a pay rule takes exactly one of `by_grade`, `per_event`, `param_bands`, `subsidy`, `pool`, `item`, `grade_param`",
            );
            continue;
        }
        let vetoed_grade = grading.as_ref().map(|g| g.vetoed_grade.clone()).unwrap_or_default();
        let known_grade = |c: &mut Checker, at: &Name, g: &str| {
            if !grades.iter().any(|x| x == g) && g != vetoed_grade {
                c.at(
                    at,
                    format!(
                        "pay `{}` names grade `{g}`, which the grading does not give; grades: {}",
                        at.get_ref(),
                        grades.join(", ")
                    ),
                );
            }
        };
        let amount = if let Some(bg) = &p.by_grade {
            if grading.is_none() {
                c.at(bg, "pay by_grade needs a [grading] section");
            }
            for g in &grades {
                if !bg.get_ref().contains_key(g) {
                    c.at(bg, format!("pay `{}` has no amount for grade `{g}`", p.id.get_ref()));
                }
            }
            let vetoed = grading.as_ref().map(|g| g.vetoed_grade.clone()).unwrap_or_default();
            for (g, a) in bg.get_ref() {
                if !grades.contains(g) && *g != vetoed {
                    c.at(
                        bg,
                        format!(
                            "pay `{}` names grade `{g}`, which the grading does not give; grades: {}",
                            p.id.get_ref(),
                            grades.join(", ")
                        ),
                    );
                }
                non_negative(&mut c, bg, a, "an amount");
            }
            PayAmount::ByGrade(bg.get_ref().iter().map(|(g, a)| (g.clone(), a.0)).collect())
        } else if let Some(pe) = &p.per_event {
            let m = measure(&mut c, &pe.measure);
            let rate = rate(
                &mut c,
                &pe.measure,
                pe.each,
                pe.by_level.as_ref(),
                m,
                &measures,
                &event_types,
            );
            PayAmount::PerEvent { measure: m, rate }
        } else if let Some(sub) = &p.subsidy {
            let mut by_grade = Vec::new();
            if let Some(bg) = &sub.by_grade {
                if grading.is_none() {
                    c.at(bg, "a subsidy by grade needs a [grading] section");
                }
                for (g, f) in bg.get_ref() {
                    known_grade(&mut c, &p.id, g);
                    non_negative(&mut c, bg, f, "a factor");
                    by_grade.push((g.clone(), f.0));
                }
            }
            PayAmount::Subsidy {
                by_grade,
                otherwise: sub.otherwise.map_or(Decimal::ONE, |d| d.0),
                part_month: sub.part_month,
            }
        } else if let Some(pool) = &p.pool {
            known_grade(&mut c, &p.id, &pool.grade);
            // The pool shares what an earlier rule of the same runs withheld.
            let from = pay.iter().position(|r: &PayRule| r.id == *pool.from.get_ref());
            match from {
                None => c.at(
                    &pool.from,
                    format!(
                        "pool `from` must name a pay rule declared above it; `{}` is not one",
                        pool.from.get_ref()
                    ),
                ),
                Some(f) if pay[f].periods != periods => c.at(
                    &pool.from,
                    "a pool and the pay rule it shares must be paid in the same periods",
                ),
                Some(_) => {}
            }
            PayAmount::Pool {
                from: from.unwrap_or_default(),
                grade: pool.grade.clone(),
            }
        } else if let Some(gp) = &p.grade_param {
            known_grade(&mut c, &p.id, &gp.grade);
            if let Some(m) = &gp.at_most {
                non_negative(&mut c, &p.id, m, "`at_most`");
            }
            PayAmount::GradeParam {
                grade: gp.grade.clone(),
                param: gp.param.clone(),
                at_most: gp.at_most.as_ref().map(|d| d.0),
            }
        } else if let Some(path) = &p.item {
            if !seen_items.contains(path.get_ref()) {
                c.at(
                    path,
                    format!(
                        "pay item `{}` is not an item of the rule set (write its path, like `base` or `base.records`)",
                        path.get_ref()
                    ),
                );
            }
            PayAmount::Item(path.get_ref().clone())
        } else if let Some(pb) = &p.param_bands {
            let mut last: Option<Decimal> = None;
            for (from, to, amount) in pb.bands.get_ref() {
                if to.0 < from.0 || last.is_some_and(|l| from.0 <= l) {
                    c.at(
                        &pb.bands,
                        "param bands must be [from, to, amount] with from ≤ to, in increasing order, not overlapping",
                    );
                }
                non_negative(&mut c, &pb.bands, amount, "an amount");
                last = Some(to.0);
            }
            if pb.value == super::model::ParamValue::Amount {
                c.at(
                    &pb.bands,
                    "param bands read a `rank`, a `count` or a `number`, not an `amount`",
                );
            }
            PayAmount::ParamBands {
                param: pb.param.clone(),
                value: pb.value,
                bands: pb.bands.get_ref().iter().map(|(a, b, x)| (a.0, b.0, x.0)).collect(),
                otherwise: pb.otherwise.0,
            }
        } else {
            continue;
        };
        pay.push(PayRule {
            id: p.id.get_ref().clone(),
            label: p.label.clone(),
            roles,
            periods,
            withheld_when_vetoed: p.withheld_when_vetoed,
            amount,
            part_period: p.part_period,
        });
    }

    // --- flags: those of a measure first, so that history flags can name them.
    let mut flags: Vec<Flag> = Vec::new();
    for f in raw.flag.iter().filter(|f| f.history.is_none()) {
        let test = match (f.at_least, f.below) {
            (a, None) => FlagTest::AtLeast(a.map_or(Decimal::ONE, |d| d.0)),
            (None, Some(b)) => FlagTest::Below(b.0),
            (Some(_), Some(_)) => {
                c.at(&f.id, "a flag takes `at_least` or `below`, not both");
                FlagTest::AtLeast(Decimal::ONE)
            }
        };
        let Some(m) = &f.measure else {
            c.at(
                &f.id,
                "a flag needs `measure` (a count this run) or `history` (earlier runs)",
            );
            continue;
        };
        flags.push(Flag {
            id: f.id.get_ref().clone(),
            label: f.label.clone(),
            roles: resolve_roles(&mut c, &f.roles),
            rule: FlagRule::Measure {
                measure: measure(&mut c, m),
                test,
            },
        });
    }
    for f in raw.flag.iter() {
        let Some(h) = &f.history else { continue };
        if f.measure.is_some() || f.at_least.is_some() || f.below.is_some() {
            c.at(&f.id, "a history flag takes no `measure`, `at_least` or `below`");
        }
        let per = period_kind(&mut c, &h.per).unwrap_or(PeriodKind::Quarter);
        if !meta.periods.contains(&per) {
            c.at(
                &h.per,
                format!("history per {}: the scheme defines no such runs", per.name()),
            );
        }
        let holds = match (&h.grade, &h.flags) {
            (Some(g), None) => {
                // A look-back matches the grade earlier runs recorded: one the grading cannot
                // give would never match, and the flag would silently never rise.
                let given: Vec<String> = grading
                    .iter()
                    .flat_map(|gr| gr.grades().into_iter().chain([gr.vetoed_grade.clone()]))
                    .collect();
                if !given.iter().any(|x| x == g.get_ref()) {
                    c.at(
                        g,
                        format!(
                            "history names grade `{}`, which the grading does not give; grades: {}",
                            g.get_ref(),
                            given.join(", ")
                        ),
                    );
                }
                HistoryCondition::Grade(g.get_ref().clone())
            }
            (None, Some(ids)) => HistoryCondition::Flags(
                ids.iter()
                    .filter_map(|id| {
                        let found = flags.iter().find(|x| x.id == *id.get_ref()).map(|x| x.label.clone());
                        if found.is_none() {
                            c.at(
                                id,
                                format!(
                                    "history names flag `{}`, which is not a flag of a measure",
                                    id.get_ref()
                                ),
                            );
                        }
                        found
                    })
                    .collect(),
            ),
            _ => {
                c.at(&f.id, "a history takes `grade` or `flags`");
                HistoryCondition::Flags(vec![])
            }
        };
        if h.consecutive.is_none() == h.in_year.is_none() || h.consecutive == Some(0) || h.in_year == Some(0) {
            c.at(
                &f.id,
                "a history takes one of `consecutive` or `in_year`, a number of runs from 1",
            );
        }
        if h.consecutive.is_some_and(|k| k > 36) {
            c.at(&f.id, "`consecutive` reaches back at most 36 runs");
        }
        flags.push(Flag {
            id: f.id.get_ref().clone(),
            label: f.label.clone(),
            roles: resolve_roles(&mut c, &f.roles),
            rule: FlagRule::History(HistoryRule {
                per,
                holds,
                consecutive: h.consecutive,
                in_year: h.in_year,
            }),
        });
    }

    // --- honours
    let honors = raw
        .honor
        .iter()
        .map(|h| {
            let periods: Vec<PeriodKind> = h.periods.iter().filter_map(|n| period_kind(&mut c, n)).collect();
            for (pk, n) in periods.iter().zip(&h.periods) {
                if !meta.periods.contains(pk) {
                    c.at(
                        n,
                        format!(
                            "honour `{}` is for {} runs, which the scheme does not define",
                            h.id.get_ref(),
                            pk.name()
                        ),
                    );
                }
            }
            if h.share.0 < Decimal::ZERO || h.share.0 > Decimal::ONE {
                c.at(&h.id, "an honour's share is from 0 to 1");
            }
            let roles = resolve_roles(&mut c, &Some(h.roles.clone())).unwrap_or_default();
            let base_roles = match &h.base_roles {
                Some(b) => resolve_roles(&mut c, &Some(b.clone())).unwrap_or_default(),
                None => roles.clone(),
            };
            Honor {
                id: h.id.get_ref().clone(),
                label: h.label.clone(),
                periods,
                roles,
                share: h.share.0,
                base_roles,
            }
        })
        .collect();

    if c.problems.is_empty() {
        Ok(RuleSet {
            meta,
            roles,
            duty_exclude,
            event_types,
            measures,
            items,
            vetoes,
            grading,
            pay,
            flags,
            honors,
            source,
            sha256,
            text: String::new(),
        })
    } else {
        Err(c.problems)
    }
}

fn non_negative<T>(c: &mut Checker, at: &Spanned<T>, v: &Dec, what: &str) {
    if v.0 < Decimal::ZERO {
        c.at(at, format!("{what} cannot be negative (found {})", v.0));
    }
}

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

fn rate(
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
                c.at(at, "`each` cannot be negative: use `deduct` to take points off");
            }
            Rate::Each(e.0)
        }
        (None, Some(bl)) => {
            match measures.get(m).and_then(|mm| measure_levels(mm, types)) {
                None => c.at(
                    bl,
                    format!("by_level needs an `events` measure, and `{}` is not one", at.get_ref()),
                ),
                Some(levels) => {
                    if levels.is_empty() {
                        c.at(
                            bl,
                            "by_level is used, but the measure's event types declare no `levels`",
                        );
                    }
                    for l in &levels {
                        if !bl.get_ref().contains_key(l) {
                            c.at(bl, format!("by_level has no amount for level `{l}`"));
                        }
                    }
                    for l in bl.get_ref().keys() {
                        if !levels.contains(l) {
                            c.at(
                                bl,
                                format!(
                                    "by_level names level `{l}`, which the event types do not declare; declared: {}",
                                    levels.join(", ")
                                ),
                            );
                        }
                    }
                }
            }
            for v in bl.get_ref().values() {
                non_negative(c, bl, v, "a rate");
            }
            // Keep the order the event types declare, so traces read naturally.
            Rate::ByLevel(bl.get_ref().iter().map(|(k, v)| (k.clone(), v.0)).collect())
        }
        _ => {
            c.at(at, "give exactly one of `each` or `by_level`");
            Rate::Each(Decimal::ZERO)
        }
    }
}

/// Resolves a list of role ids to indices, reporting unknown ones.
type RoleResolver<'a> = dyn Fn(&mut Checker, &Option<Vec<Name>>) -> Option<Vec<usize>> + 'a;

/// The columns of scores.csv and payouts.csv before the items' and pay rules' own: an item or
/// pay id among them would give a file two columns of one name.
pub const RESERVED_COLUMNS: &[&str] = &[
    "id", "name", "village", "role", "rank", "total", "grade", "veto", "flags", "honors", "amount",
];

#[allow(clippy::too_many_arguments)]
fn item(
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
        c.at(&it.id, format!("item `{path}` is declared twice"));
    }
    if id.contains('.') || id.is_empty() {
        c.at(&it.id, "an item id must be non-empty and contain no `.`");
    }
    if parent.is_empty() && RESERVED_COLUMNS.contains(&id.as_str()) {
        c.at(
            &it.id,
            format!(
                "item id `{id}` is a column scores.csv already has; the reserved names: {}",
                one_of(RESERVED_COLUMNS)
            ),
        );
    }
    if let (false, Some(k)) = (parent.is_empty(), &it.kind) {
        c.at(
            k,
            format!("`kind` belongs to a top-level item; `{path}` is a part and counts as its parent does"),
        );
    }
    let roles = resolve_roles(c, &it.roles);
    let weight = match &it.weight {
        Some(w) if !parent.is_empty() => {
            c.at(
                w,
                format!("`weight` weighs a top-level item in the total; `{path}` is a part"),
            );
            Decimal::ONE
        }
        Some(w) => {
            non_negative(c, w, w.get_ref(), "a weight");
            w.get_ref().0
        }
        None => Decimal::ONE,
    };
    let periods = it.periods.as_ref().map(|ps| {
        if !parent.is_empty() {
            c.at(
                &it.id,
                format!("`periods` limits a top-level item to some runs; `{path}` is a part"),
            );
        }
        ps.iter().filter_map(|p| period_kind(c, p)).collect::<Vec<_>>()
    });
    let max = it.max.map(|m| m.0);
    if let (ItemKind::Score, None, None) = (kind, max, &it.monthly) {
        c.at(&it.id, format!("score item `{path}` needs `max`"));
    }
    if let Some(cap) = &it.cap {
        non_negative(c, cap, cap.get_ref(), "a cap");
    }
    let body = if !it.part.is_empty() {
        if it.tier.is_some()
            || it.scale.is_some()
            || it.monthly.is_some()
            || it.sum_of_runs.is_some()
            || it.deduct.is_some()
            || it.add.is_some()
        {
            c.at(
                &it.id,
                format!("item `{path}` has parts, so it cannot also have tier/scale/deduct/add"),
            );
        }
        let parts: Vec<Item> = it
            .part
            .iter()
            .map(|p| item(c, p, kind, &path, measure, resolve_roles, measures, types, seen))
            .collect();
        if let (Some(m), ItemKind::Score) = (max, kind) {
            let sum: Decimal = parts.iter().filter_map(|p| p.max).sum();
            if sum != m {
                c.at(
                    &it.id,
                    format!("the parts of `{path}` add up to {sum}, but its max is {m}"),
                );
            }
        }
        ItemBody::Parts(parts)
    } else {
        let scoring = match (&it.tier, &it.deduct, &it.add) {
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
                        non_negative(c, &f.by_role, amount, "an amount");
                        by_role[*ri] = Some(amount.0);
                    }
                    let share = f.share.map_or(Decimal::ONE, |s| s.0);
                    if share < Decimal::ZERO {
                        c.at(&f.by_role, "a share cannot be negative");
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
                        Some(MeasureKind::SurveyRate(_)) => true,
                        Some(MeasureKind::Indicator(i)) => i.mode != IndicatorMode::Count,
                        _ => false,
                    };
                    if !rate_like {
                        c.at(
                            &sc.measure,
                            "`scale` scores a rate or a given number: a `survey_rate`, or an `indicator` read as a rate or a number",
                        );
                    }
                    if let Some(m) = max {
                        if sc.points.0 > m {
                            c.at(
                                &sc.measure,
                                format!("scale points {} exceed the item's max {m}", sc.points.0),
                            );
                        }
                    }
                    if sc.dp > 10 {
                        c.at(&sc.measure, "`dp` keeps at most 10 decimal places");
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
                        c.at(
                            &t.at_least,
                            "tier thresholds must be listed highest first, each lower than the one before",
                        );
                    }
                    if let Some(m) = max {
                        if pts.0 > m {
                            c.at(&t.at_least, format!("tier points {} exceed the item's max {m}", pts.0));
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
                    c.at(
                        &it.id,
                        format!("deduction item `{path}` takes `deduct` lines, not `add`"),
                    );
                }
                if kind == ItemKind::Bonus && d.is_some() {
                    c.at(&it.id, format!("bonus item `{path}` takes `add` lines, not `deduct`"));
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
                                    format!(
                                        "per `{other}`; expected {} (count weeks with a measure of kind `minimum`)",
                                        one_of(&["period", "month"])
                                    ),
                                );
                                Bucket::Period
                            }
                        };
                        if l.per.is_some() && l.beyond.is_none() && l.up_to.is_none() && l.cap.is_none() {
                            c.at(
                                &l.measure,
                                "`per` only matters with `beyond`, `up_to` or `cap` (which then apply per bucket)",
                            );
                        }
                        if let (Some(b), Some(u)) = (l.beyond, l.up_to) {
                            if u.0 < b.0 {
                                c.at(&l.measure, "`up_to` must not be below `beyond`");
                            }
                        }
                        if l.up_to.is_some_and(|u| u.0 < Decimal::ZERO) {
                            c.at(&l.measure, "`up_to` cannot be negative");
                        }
                        if let Some(cap) = &l.cap {
                            non_negative(c, cap, cap.get_ref(), "a cap");
                        }
                        if let Some(b) = l.beyond {
                            if b.0 < Decimal::ZERO {
                                c.at(&l.measure, "`beyond` cannot be negative");
                            }
                        }
                        if matches!(measures.get(mi).map(|m| &m.kind), Some(MeasureKind::SurveyRate { .. })) {
                            c.at(&l.measure, "a survey rate is a ratio: score it with `tier`, not a line");
                        }
                        lines.push(Line {
                            label: l
                                .label
                                .clone()
                                .unwrap_or_else(|| measures.get(mi).map(|m| m.label.clone()).unwrap_or_default()),
                            measure: mi,
                            sign,
                            rate: if l.from_row {
                                if l.each.is_some() || l.by_level.is_some() {
                                    c.at(&l.measure, "`from_row` pays the row's 金额: give no `each` or `by_level`");
                                }
                                if !matches!(
                                    measures.get(mi).map(|m| &m.kind),
                                    Some(MeasureKind::Events(crate::measure::events::Events { amount: Some(_), .. }))
                                ) {
                                    c.at(
                                        &l.measure,
                                        "`from_row` needs an `events` measure with `amount_between` (the range each 金额 must lie in)",
                                    );
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
                c.at(
                    &it.id,
                    format!(
                        "leaf item `{path}` needs exactly one of `tier`, `scale`, or `deduct`/`add` lines, or `part`s"
                    ),
                );
                Scoring::Lines(vec![])
            }
        };
        let floor = it.floor.as_ref().map(|f| f.get_ref().0);
        if it.part_period != super::model::PartPeriod::Whole && kind != ItemKind::Score {
            c.at(
                &it.id,
                "`part_period` scales a score item's starting points (its `max`); this item starts at 0",
            );
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
        periods,
        body,
    }
}

fn grading(c: &mut Checker, g: &RawGrading, items: &[Item], scheme_periods: &[PeriodKind]) -> Grading {
    let periods = match &g.periods {
        Some(ps) => ps.iter().filter_map(|p| period_kind(c, p)).collect(),
        None => scheme_periods.to_vec(),
    };
    let scope = g
        .scope
        .iter()
        .filter_map(|s| {
            let f = ScopeField::parse(s.get_ref());
            if f.is_none() {
                c.at(
                    s,
                    format!(
                        "unknown scope `{}`; expected {}",
                        s.get_ref(),
                        one_of(&["village", "role", "grid", "area"])
                    ),
                );
            }
            f
        })
        .collect();
    let tie_breakers = g
        .tie_breakers
        .iter()
        .filter_map(|t| {
            let i = items
                .iter()
                .position(|it| &it.id == t.get_ref() && it.kind == ItemKind::Score);
            if i.is_none() {
                let known: Vec<&str> = items
                    .iter()
                    .filter(|i| i.kind == ItemKind::Score)
                    .map(|i| i.id.as_str())
                    .collect();
                c.at(
                    t,
                    format!(
                        "tie breaker `{}` is not a score item; score items: {}",
                        t.get_ref(),
                        one_of(&known)
                    ),
                );
            }
            i
        })
        .collect();
    if g.rounding.get_ref() != "half_up" {
        c.at(
            &g.rounding,
            "quota rounding must be `half_up` (the only one the documents use)",
        );
    }
    if g.ties.get_ref() != "higher_grade_and_report" {
        c.at(
            &g.ties,
            "ties must be `higher_grade_and_report`: tied workers take the better grade and the overflow is listed",
        );
    }
    let mut names = HashSet::new();
    // A quota's grades are places a vetoed worker never takes; a band may be the vetoed grade
    // itself (<70 不合格, like a veto).
    let mut grade_name = |c: &mut Checker, at: Range<usize>, grade: &str, may_be_vetoed: bool| {
        if !names.insert(grade.to_string()) || (grade == g.vetoed_grade && !may_be_vetoed) {
            c.problems.push(Problem {
                span: Some(at),
                message: format!("grade `{grade}` appears twice"),
            });
        }
    };
    let method = match (&g.quota, &g.bands) {
        (Some(quota), None) => {
            let q: Vec<QuotaShare> = quota
                .get_ref()
                .iter()
                .map(|q| QuotaShare {
                    grade: q.grade.clone(),
                    share: q.share.0,
                    count_param: q.count_param.clone(),
                })
                .collect();
            let total: Decimal = q.iter().map(|q| q.share).sum();
            if total != Decimal::ONE {
                c.at(quota, format!("quota shares add up to {total}, not 1 (100%)"));
            }
            if q.iter().any(|q| q.share < Decimal::ZERO) {
                c.at(quota, "a quota share cannot be negative");
            }
            for x in &q {
                grade_name(c, quota.span(), &x.grade, false);
            }
            GradeMethod::Quota(q)
        }
        (None, Some(bands)) => {
            let list = bands.get_ref();
            let mut prev: Option<Decimal> = None;
            for (k, b) in list.iter().enumerate() {
                grade_name(c, bands.span(), &b.grade, true);
                match (b.at_least, k + 1 == list.len()) {
                    (Some(_), true) => c.at(bands, "the last band takes everything below: give it no `at_least`"),
                    (None, false) => c.at(
                        bands,
                        format!("band `{}` needs `at_least` (only the last band has none)", b.grade),
                    ),
                    (Some(t), false) => {
                        if prev.is_some_and(|p| t.0 >= p) {
                            c.at(
                                bands,
                                "bands must be listed best first, each threshold lower than the one before",
                            );
                        }
                        prev = Some(t.0);
                    }
                    (None, true) => {}
                }
                if let Some(sh) = b.max_share {
                    if sh.0 < Decimal::ZERO || sh.0 > Decimal::ONE {
                        c.at(bands, "a band's max_share is a share from 0 to 1");
                    }
                }
            }
            if list.len() < 2 {
                c.at(bands, "bands need at least two grades");
            }
            GradeMethod::Bands(
                list.iter()
                    .map(|b| Band {
                        grade: b.grade.clone(),
                        at_least: b.at_least.map(|d| d.0),
                        max_share: b.max_share.map(|d| d.0),
                    })
                    .collect(),
            )
        }
        _ => {
            c.at(
                &g.rounding,
                "[grading] takes exactly one of `quota` (forced shares) or `bands` (score bands)",
            );
            GradeMethod::Quota(vec![])
        }
    };
    Grading {
        periods,
        vetoed_grade: g.vetoed_grade.clone(),
        scope,
        tie_breakers,
        method,
    }
}
