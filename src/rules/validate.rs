//! Raw TOML → validated [`RuleSet`]. Every check that can be made before a run is made here,
//! and every failure is collected (with its position) rather than stopping at the first.
use super::items::{item, ItemCx, RoleResolver};
use super::model::*;
use super::raw::*;
use crate::measure::status;
use crate::period::PeriodKind;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

pub use crate::positioned::Problem;
use crate::positioned::{one_of, period_kind, Checker, Name};

/// Validates a parsed rule set.
pub fn validate(raw: RawRuleSet, source: String, sha256: String) -> Result<RuleSet, Vec<Problem>> {
    let mut c = Checker { problems: Vec::new() };

    let meta = scheme(&mut c, &raw.scheme);

    let (roles, role_ids) = roles(&mut c, &raw.role);
    let role_list: Vec<&str> = roles.iter().map(|r| r.id.as_str()).collect();
    let resolve_roles = |c: &mut Checker, names: &Option<Vec<Name>>| -> Option<Vec<usize>> {
        names.as_ref().map(|ns| {
            ns.iter()
                .filter_map(|n| {
                    let i = role_ids.get(n.get_ref()).copied();
                    if i.is_none() {
                        c.at(
                            n,
                            msg!(
                                "rs-unknown-role-declared-roles",
                                name = n.get_ref(),
                                one_of = one_of(&role_list)
                            ),
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

    let (event_types, type_ids) = event_types(&mut c, &raw.event_type);

    // --- measures: each kind reads and checks its own table (crate::measure).
    let measure_ids: HashMap<String, usize> = raw.measures.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect();
    let measures = measures(&mut c, raw.measures, &type_ids, &event_types, &roles);
    let measure = |c: &mut Checker, n: &Name| -> usize {
        match measure_ids.get(n.get_ref()) {
            Some(i) => *i,
            None => {
                c.at(n, msg!("rs-unknown-measure-define-under-measures", name = n.get_ref()));
                0
            }
        }
    };

    let (items, seen_items) = items(&mut c, &raw.item, &measure, &resolve_roles, &measures, &event_types);

    // --- vetoes
    let vetoes: Vec<Veto> = raw
        .veto
        .iter()
        .map(|v| crate::veto::check(&mut c, v, &measure))
        .collect();

    let grading = raw.grading.as_ref().map(|g| grading(&mut c, g, &items, &meta));

    // --- pay
    let pay = super::pay::pay_rules(
        &mut c,
        &raw.pay,
        &super::pay::PayScope {
            meta: &meta,
            grading: grading.as_ref(),
            resolve_roles: &resolve_roles,
            measure: &measure,
            measures: &measures,
            event_types: &event_types,
            seen_items: &seen_items,
        },
    );

    let names = Names {
        measure: &measure,
        resolve_roles: &resolve_roles,
    };
    let flags = flags(&mut c, &raw.flag, &names, grading.as_ref(), &meta);
    let honors = honors(&mut c, &raw.honor, &resolve_roles, &meta);
    let signatures = signatures(&mut c, raw.office.as_ref());
    let publication = publication(&mut c, raw.office.as_ref(), &items, &vetoes);
    let payout_full_account = payout_account(&mut c, raw.office.as_ref());
    let bank = bank(&mut c, raw.bank.as_ref());

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
            signatures,
            publication,
            payout_full_account,
            bank,
            source,
            sha256,
            text: String::new(),
        })
    } else {
        Err(c.problems)
    }
}

/// `[measures]`: each kind reads and checks its own table (`crate::measure`). A measure that
/// failed its check keeps its place (items refer to it by index); its problems already stop
/// the rule set.
fn measures(
    c: &mut Checker,
    raw: std::collections::BTreeMap<String, toml::Spanned<crate::positioned::Node>>,
    type_ids: &HashMap<String, usize>,
    event_types: &[EventType],
    roles: &[Role],
) -> Vec<Measure> {
    let type_levels: Vec<Vec<String>> = event_types.iter().map(|t| t.levels.clone()).collect();
    let role_id_list: Vec<String> = roles.iter().map(|r| r.id.clone()).collect();
    crate::measure::check_all(c, raw.into_iter().collect(), type_ids, &type_levels, &role_id_list)
        .into_iter()
        .map(|m| {
            m.unwrap_or_else(|| Measure {
                id: String::new(),
                label: String::new(),
                unit: String::new(),
                kind: MeasureKind::Union(crate::measure::union::Union { of: vec![] }),
            })
        })
        .collect()
}

/// `[grading]`, its tie-breakers among the top-level score items (`crate::grading`).
fn grading(c: &mut Checker, g: &crate::grading::Raw, items: &[Item], meta: &Meta) -> Grading {
    let score_items: Vec<Option<&str>> = items
        .iter()
        .map(|it| (it.kind == ItemKind::Score).then_some(it.id.as_str()))
        .collect();
    let mut cx = crate::grading::CheckCx {
        c,
        score_items: &score_items,
        scheme_periods: &meta.periods,
    };
    crate::grading::check(&mut cx, g)
}

/// `[[role]]`: each id once, at least one; the roles and their indices by id.
fn roles(c: &mut Checker, raw: &[RawRole]) -> (Vec<Role>, HashMap<String, usize>) {
    let mut roles = Vec::new();
    let mut role_ids: HashMap<String, usize> = HashMap::new();
    for r in raw {
        if role_ids.insert(r.id.get_ref().clone(), roles.len()).is_some() {
            c.at(&r.id, msg!("rs-role-declared-twice", id = r.id.get_ref()));
        }
        roles.push(Role {
            id: r.id.get_ref().clone(),
            label: r.label.trim().to_string(),
        });
    }
    if roles.is_empty() {
        c.say(msg!("rs-rule-set-declares-role-every"));
    }
    (roles, role_ids)
}

/// `[[event_type]]`: each name once; the types and their indices by name.
fn event_types(c: &mut Checker, raw: &[RawEventType]) -> (Vec<EventType>, HashMap<String, usize>) {
    let mut event_types = Vec::new();
    let mut type_ids: HashMap<String, usize> = HashMap::new();
    for t in raw {
        let nm = t.name.get_ref().trim().to_string();
        if type_ids.insert(nm.clone(), event_types.len()).is_some() {
            c.at(&t.name, msg!("rs-event-type-declared-twice", nm = nm));
        }
        event_types.push(EventType {
            name: nm,
            note: t.note.clone(),
            levels: t.levels.clone(),
        });
    }
    (event_types, type_ids)
}

/// `[[item]]`: each top-level item's kind, then its tree (`items.rs`); at least one item, and
/// every item a sum over runs names among them. The items, and every path declared.
fn items(
    c: &mut Checker,
    raw: &[RawItem],
    measure: &dyn Fn(&mut Checker, &Name) -> usize,
    resolve_roles: &RoleResolver,
    measures: &[Measure],
    event_types: &[EventType],
) -> (Vec<Item>, HashSet<String>) {
    let type_levels: Vec<&[String]> = event_types.iter().map(|t| t.levels.as_slice()).collect();
    let mut cx = ItemCx {
        measure,
        resolve_roles,
        measures,
        type_levels: &type_levels,
        seen: HashSet::new(),
    };
    let mut items = Vec::new();
    for it in raw {
        let kind = match it.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None | Some("score") => ItemKind::Score,
            Some("bonus") => ItemKind::Bonus,
            Some("deduction") => ItemKind::Deduction,
            Some(other) => {
                c.at(
                    it.kind.as_ref().unwrap_or(&it.id),
                    msg!(
                        "rs-item-kind-expected",
                        other = other,
                        one_of = one_of(&["score", "bonus", "deduction"])
                    ),
                );
                ItemKind::Score
            }
        };
        items.push(item(c, it, kind, "", &mut cx));
    }
    if items.is_empty() {
        c.say(msg!("rs-rule-set-has-item"));
    }
    // The items a sum over runs names must exist (they are columns of the earlier runs).
    fn summed<'a>(it: &'a RawItem, out: &mut Vec<&'a Name>) {
        if let Some(r) = &it.sum_of_runs {
            out.push(&r.item);
        }
        it.part.iter().for_each(|p| summed(p, out));
    }
    let mut names = Vec::new();
    raw.iter().for_each(|it| summed(it, &mut names));
    let seen_items = cx.seen;
    for n in names {
        if !seen_items.contains(n.get_ref()) {
            c.at(n, msg!("rs-sum-runs-item-item-rule", name = n.get_ref()));
        }
    }
    (items, seen_items)
}

/// The lookups of names that flags and pay rules make.
struct Names<'a> {
    measure: &'a dyn Fn(&mut Checker, &Name) -> usize,
    resolve_roles: &'a RoleResolver<'a>,
}

/// The signature block a payout ends with when `[office]` names none.
const SIGNATURES: [&str; 4] = ["制表人", "审核人", "负责人", "日期"];

/// `[office] signatures`: each label once and not blank; absent, the four of [`SIGNATURES`].
fn signatures(c: &mut Checker, office: Option<&super::raw::RawOffice>) -> Vec<(String, String)> {
    let Some(given) = office.and_then(|o| o.signatures.as_ref()) else {
        return SIGNATURES.iter().map(|l| (l.to_string(), String::new())).collect();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for s in given {
        let label = s.label.get_ref().trim();
        if label.is_empty() {
            c.at(&s.label, msg!("rs-office-signatures-label-blank-write"));
        } else if out.iter().any(|(l, _)| l == label) {
            c.at(&s.label, msg!("rs-office-signatures-listed-twice", label = label));
        } else {
            out.push((label.to_string(), s.name.trim().to_string()));
        }
    }
    out
}

/// `[office] public_items` and `public_vetoes`: each an item path or a veto id of this rule set.
fn publication(
    c: &mut Checker,
    office: Option<&super::raw::RawOffice>,
    items: &[super::model::Item],
    vetoes: &[super::model::Veto],
) -> super::model::Publication {
    let mut out = super::model::Publication::default();
    let Some(o) = office else { return out };
    let mut paths = Vec::new();
    fn walk<'a>(items: &'a [super::model::Item], into: &mut Vec<&'a str>) {
        for i in items {
            into.push(&i.path);
            if let super::model::ItemBody::Parts(parts) = &i.body {
                walk(parts, into);
            }
        }
    }
    walk(items, &mut paths);
    for id in &o.public_items {
        let id_text = id.get_ref().as_str();
        if paths.contains(&id_text) {
            out.items.push(id_text.to_string());
        } else {
            c.at(
                id,
                msg!(
                    "rs-office-public-items-item-expected",
                    id_text = id_text,
                    one_of = one_of(&paths)
                ),
            );
        }
    }
    for id in &o.public_vetoes {
        match vetoes.iter().find(|v| v.id == *id.get_ref()) {
            Some(v) => out.vetoes.push(v.label.clone()),
            None => {
                let ids: Vec<&str> = vetoes.iter().map(|v| v.id.as_str()).collect();
                c.at(
                    id,
                    msg!(
                        "rs-office-public-vetoes-veto-expected",
                        id = id.get_ref(),
                        one_of = one_of(&ids)
                    ),
                );
            }
        }
    }
    out
}

/// `[bank] columns`: each a known field or a fixed, non-blank text (banks refuse empty cells),
/// with 账号, 户名 and 金额 among them; absent, those three.
fn bank(c: &mut Checker, bank: Option<&super::raw::RawBank>) -> Vec<BankColumn> {
    let Some(b) = bank else {
        return BankField::NAMES[1..4]
            .iter()
            .map(|(n, f)| BankColumn {
                header: n.to_string(),
                holds: f.clone(),
            })
            .collect();
    };
    let names: Vec<&str> = BankField::NAMES.iter().map(|(n, _)| *n).collect();
    let mut out: Vec<BankColumn> = Vec::new();
    for col in &b.columns {
        let header = col.header.as_ref().map(|h| h.get_ref().trim().to_string());
        let holds = match (&col.field, &col.value) {
            (Some(f), None) => match BankField::NAMES.iter().find(|(n, _)| n == f.get_ref()) {
                Some((_, holds)) => holds.clone(),
                None => {
                    c.at(
                        f,
                        msg!(
                            "rs-bank-columns-field-expected",
                            value = f.get_ref(),
                            one_of = one_of(&names)
                        ),
                    );
                    continue;
                }
            },
            (None, Some(v)) if !v.trim().is_empty() && header.as_deref().is_some_and(|h| !h.is_empty()) => {
                BankField::Fixed(v.trim().to_string())
            }
            (None, Some(_)) => {
                let at = col.header.as_ref();
                let message = msg!("rs-bank-fixed-blank");
                match at {
                    Some(h) => c.at(h, message),
                    None => c.say(message),
                }
                continue;
            }
            (Some(f), Some(_)) => {
                c.at(f, msg!("rs-bank-columns-column-field-fixed"));
                continue;
            }
            (None, None) => {
                let message = msg!("rs-bank-column-empty");
                match col.header.as_ref() {
                    Some(h) => c.at(h, message),
                    None => c.say(message),
                }
                continue;
            }
        };
        let header = header.filter(|h| !h.is_empty()).unwrap_or_else(|| match &col.field {
            Some(f) => f.get_ref().clone(),
            None => String::new(),
        });
        out.push(BankColumn { header, holds });
    }
    for needed in [BankField::Account, BankField::Name, BankField::Amount] {
        if !out.iter().any(|c| c.holds == needed) {
            let name = BankField::NAMES
                .iter()
                .find(|(_, f)| *f == needed)
                .map_or("", |(n, _)| *n);
            c.say(msg!("rs-bank-columns-column-payroll-file", name = name));
        }
    }
    out
}

/// `[office] payout_account`: `last4` (default) or `full`.
fn payout_account(c: &mut Checker, office: Option<&super::raw::RawOffice>) -> bool {
    match office.and_then(|o| o.payout_account.as_ref()) {
        None => false,
        Some(n) if n.get_ref() == "last4" => false,
        Some(n) if n.get_ref() == "full" => true,
        Some(n) => {
            c.at(
                n,
                msg!(
                    "rs-office-payout-account-expected",
                    name = n.get_ref(),
                    one_of = one_of(&["last4", "full"])
                ),
            );
            false
        }
    }
}

/// `[scheme]`: name, document, version, the date it is in force from, its periods and units.
fn scheme(c: &mut Checker, s: &RawScheme) -> Meta {
    let effective_from = NaiveDate::parse_from_str(s.effective_from.get_ref(), "%Y-%m-%d")
        .map_err(|_| c.at(&s.effective_from, msg!("rs-effective-from-must-date-like")))
        .unwrap_or_default();
    let periods: Vec<PeriodKind> = s.periods.iter().filter_map(|p| period_kind(c, p)).collect();
    if s.periods.is_empty() {
        c.at(&s.name, msg!("rs-scheme-periods-must-name-least"));
    }
    let units = match s.subject.as_ref().map(|x| x.get_ref().as_str()) {
        None | Some("worker") => false,
        Some("unit") => true,
        Some(other) => {
            c.at(
                s.subject.as_ref().unwrap_or(&s.name),
                msg!(
                    "rs-subject-expected",
                    other = other,
                    one_of = one_of(&["worker", "unit"])
                ),
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
        c.at(&s.name, msg!("rs-scheme-name-must-short-ascii"));
    }
    Meta {
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
                    msg!("rs-unit-expected", other = other, one_of = one_of(&["points", "yuan"])),
                );
                false
            }
        },
    }
}

/// `[[flag]]`: warnings raised by a measure, then those raised by earlier runs' grades or flags.
fn flags(c: &mut Checker, raw: &[RawFlag], names: &Names, grading: Option<&Grading>, meta: &Meta) -> Vec<Flag> {
    let Names { measure, resolve_roles } = *names;
    let mut flags: Vec<Flag> = Vec::new();
    for f in raw.iter().filter(|f| f.history.is_none()) {
        let test = match (f.at_least, f.below) {
            (a, None) => FlagTest::AtLeast(a.map_or(Decimal::ONE, |d| d.0)),
            (None, Some(b)) => FlagTest::Below(b.0),
            (Some(_), Some(_)) => {
                c.at(&f.id, msg!("rs-flag-takes-least-below-both"));
                FlagTest::AtLeast(Decimal::ONE)
            }
        };
        let Some(m) = &f.measure else {
            c.at(&f.id, msg!("rs-flag-needs-measure-count-run"));
            continue;
        };
        flags.push(Flag {
            id: f.id.get_ref().clone(),
            label: f.label.clone(),
            roles: resolve_roles(c, &f.roles),
            rule: FlagRule::Measure {
                measure: measure(c, m),
                test,
            },
        });
    }
    for f in raw.iter() {
        let Some(h) = &f.history else { continue };
        if f.measure.is_some() || f.at_least.is_some() || f.below.is_some() {
            c.at(&f.id, msg!("rs-history-flag-takes-measure-least"));
        }
        let per = period_kind(c, &h.per).unwrap_or(PeriodKind::Quarter);
        if !meta.periods.contains(&per) {
            c.at(&h.per, msg!("rs-history-per-scheme-defines-such", per = per.name()));
        }
        let holds = match (&h.grade, &h.flags) {
            (Some(g), None) => {
                // A look-back matches the grade earlier runs recorded: one the grading cannot
                // give would never match, and the flag would silently never rise.
                // The vetoed grade is usually also the lowest band's: listed once.
                let mut given: Vec<String> = Vec::new();
                for x in grading
                    .iter()
                    .flat_map(|gr| gr.grades().into_iter().chain([gr.vetoed_grade.clone()]))
                {
                    if !given.contains(&x) {
                        given.push(x);
                    }
                }
                if !given.iter().any(|x| x == g.get_ref()) {
                    c.at(
                        g,
                        msg!(
                            "rs-history-names-grade-which-grading",
                            g = g.get_ref(),
                            list = given.join(", ")
                        ),
                    );
                }
                HistoryCondition::Grade(g.get_ref().clone())
            }
            (None, Some(ids)) => HistoryCondition::Flags(
                ids.iter()
                    .filter_map(|id| {
                        let found = flags.iter().position(|x| x.id == *id.get_ref());
                        if found.is_none() {
                            c.at(id, msg!("rs-history-names-flag-which-flag", id = id.get_ref()));
                        }
                        found
                    })
                    .collect(),
            ),
            _ => {
                c.at(&f.id, msg!("rs-history-takes-grade-flags"));
                HistoryCondition::Flags(vec![])
            }
        };
        if h.consecutive.is_none() == h.in_year.is_none() || h.consecutive == Some(0) || h.in_year == Some(0) {
            c.at(&f.id, msg!("rs-history-takes-one-consecutive-year"));
        }
        if h.consecutive.is_some_and(|k| k > 36) {
            c.at(&f.id, msg!("rs-consecutive-reaches-back-most-runs"));
        }
        flags.push(Flag {
            id: f.id.get_ref().clone(),
            label: f.label.clone(),
            roles: resolve_roles(c, &f.roles),
            rule: FlagRule::History(HistoryRule {
                per,
                holds,
                consecutive: h.consecutive,
                in_year: h.in_year,
            }),
        });
    }
    flags
}

/// `[[honor]]`: lists of the best subjects named for an honour.
fn honors(c: &mut Checker, raw: &[RawHonor], resolve_roles: &RoleResolver, meta: &Meta) -> Vec<Honor> {
    raw.iter()
        .map(|h| {
            let periods: Vec<PeriodKind> = h.periods.iter().filter_map(|n| period_kind(c, n)).collect();
            for (pk, n) in periods.iter().zip(&h.periods) {
                if !meta.periods.contains(pk) {
                    c.at(
                        n,
                        msg!("rs-honour-runs-which-scheme-does", id = h.id.get_ref(), pk = pk.name()),
                    );
                }
            }
            if h.share.0 < Decimal::ZERO || h.share.0 > Decimal::ONE {
                c.at(&h.id, msg!("rs-honour-s-share-from"));
            }
            let roles = resolve_roles(c, &Some(h.roles.clone())).unwrap_or_default();
            let base_roles = match &h.base_roles {
                Some(b) => resolve_roles(c, &Some(b.clone())).unwrap_or_default(),
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
        .collect()
}
