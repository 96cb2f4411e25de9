//! The committee's decisions (决定 sheet): each row resolved against the rule set once, then
//! applied at its stage of the run — exemptions (免扣) before the items count, adjustments
//! (调整) to the items and the total before grading, a veto's revocation (撤销否决) or
//! confirmation (确认否决) where vetoes are tested, tie rulings (名额裁定) where a quota group
//! is graded, and adjustments in yuan after pay. Every decision applied leaves a trace line
//! pointing at its 决定 row, with its reason, who decided and when; one that changes nothing
//! (a revocation of a veto that was not raised) is said in the run's notes.
//!
//! Why a stage of its own: the documents leave these decisions to people (经集体讨论认定,
//! 申诉), and an auditor must see each one beside the rule it overrides, never an input cell
//! quietly edited.
use crate::contract::DecisionKind;
use crate::contract::SheetKind;
use crate::grading::place::GroupResult;
use crate::input::records::{Decision, OccurrenceRef};
use crate::input::{InputProblem, Inputs};
use crate::measure::Value;
use crate::rules::{ItemBody, ItemKind, RuleSet};
use crate::trace::{DecisionSaid, Did, Said, Source, TraceLine, Unit};
use rust_decimal::Decimal;

/// What a decision does, its 项目 resolved to the rule set's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// Points added to a top-level item (its column and, weighted, the total).
    AdjustItem { top: usize },
    /// Points added to the total.
    AdjustTotal,
    /// Yuan added to one of the run's pay rules (an index into `rules.pay`).
    AdjustPay { pay: usize },
    /// A veto (or, `None`, every veto of the worker) set aside.
    RevokeVeto(Option<usize>),
    /// A veto held for confirmation (or every held veto of the worker) confirmed.
    ConfirmVeto(Option<usize>),
    /// The occurrences of a measure at a row, or on a day, exempted.
    Exempt { measure: usize, at: OccurrenceRef },
    /// A worker tied across a quota line given the grade at this index of the grading.
    Ruling { grade: usize },
}

/// One decision, resolved.
#[derive(Debug, Clone)]
pub struct Decided<'a> {
    pub row: &'a Decision,
    pub what: What,
}

impl Decided<'_> {
    fn points(&self) -> Decimal {
        self.row.points.unwrap_or_default()
    }

    /// The decision as a trace states it: `决定 调整 +2 (理由: 申诉核实; 决定人 镇考核组, 2026-10-08)`.
    pub fn said(&self, did: Did) -> Said {
        Said::Decision(Box::new(DecisionSaid {
            kind: self.row.kind,
            reason: self.row.reason.clone(),
            decided_by: self.row.decided_by.clone(),
            date: self.row.date,
            did,
        }))
    }

    fn source(&self) -> Vec<Source> {
        vec![Source::Row(self.row.src)]
    }

    fn problem(&self, expected: String) -> InputProblem {
        InputProblem {
            file: self.row.file.clone(),
            place: self.row.item_place.clone(),
            found: self.row.item.clone(),
            expected,
            ..Default::default()
        }
    }
}

/// A decision as the run's 说明 sheet lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub worker: usize,
    pub kind: DecisionKind,
    pub item: String,
    pub points: Option<Decimal>,
    pub reason: String,
    pub decided_by: String,
    pub date: chrono::NaiveDate,
    pub src: crate::input::records::Src,
}

/// Every worker's decisions resolved (one list per worker), or the problems at their cells.
pub fn resolve<'a>(inputs: &'a Inputs, rules: &RuleSet, graded: bool) -> (Vec<Vec<Decided<'a>>>, Vec<InputProblem>) {
    let mut problems = Vec::new();
    let lists = inputs
        .rows
        .iter()
        .map(|r| {
            let mut made: Vec<Decided> = Vec::new();
            r.decisions
                .iter()
                .filter_map(|d| match what(d, rules, graded) {
                    // The same ruling twice (a row copied, or two rulings of one tie for one
                    // worker) would leave one unused and unexplained: the second is refused.
                    // Adjustments may repeat (two appeals of one item add up).
                    Ok(what)
                        if !matches!(
                            what,
                            What::AdjustItem { .. } | What::AdjustTotal | What::AdjustPay { .. }
                        ) =>
                    {
                        let same = |x: &Decided| match (x.what, what) {
                            (What::Ruling { .. }, What::Ruling { .. }) => true,
                            (a, b) => a == b,
                        };
                        if let Some(first) = made.iter().find(|x| same(x)) {
                            problems.push(InputProblem {
                                file: d.file.clone(),
                                place: d.item_place.clone(),
                                found: d.item.clone(),
                                expected: msg!("dec-twice", kind = d.kind.label(), first = first.row.src),
                                ..Default::default()
                            });
                            return None;
                        }
                        made.push(Decided { row: d, what });
                        Some(Decided { row: d, what })
                    }
                    Ok(what) => Some(Decided { row: d, what }),
                    Err(expected) => {
                        problems.push(InputProblem {
                            file: d.file.clone(),
                            place: d.item_place.clone(),
                            found: d.item.clone(),
                            expected,
                            ..Default::default()
                        });
                        None
                    }
                })
                .collect()
        })
        .collect();
    (lists, problems)
}

/// Names, for a message: `a (A)、b (B)`.
fn choices<'a>(names: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let v: Vec<String> = names.map(|(id, label)| format!("{label} ({id})")).collect();
    if v.is_empty() {
        msg!("dec-none-in-rules")
    } else {
        v.join("、")
    }
}

fn what(d: &Decision, rules: &RuleSet, graded: bool) -> Result<What, String> {
    let item = d.item.as_deref();
    let is = |id: &str, label: &str, t: &str| id == t || label == t;
    match d.kind {
        DecisionKind::Adjust => {
            let Some(t) = item else { return Ok(What::AdjustTotal) };
            if let Some(top) = rules.items.iter().position(|i| is(&i.path, &i.label, t)) {
                return Ok(What::AdjustItem { top });
            }
            if let Some(pay) = rules.pay.iter().position(|p| is(&p.id, &p.label, t)) {
                let v = d.points.unwrap_or_default();
                if !(v * Decimal::ONE_HUNDRED).fract().is_zero() {
                    return Err(msg!("dec-pay-fen"));
                }
                return Ok(What::AdjustPay { pay });
            }
            let part = rules.items.iter().any(|i| match &i.body {
                ItemBody::Parts(ps) => ps.iter().any(|p| is(&p.path, &p.label, t) || is(&p.id, &p.label, t)),
                ItemBody::Leaf(_) => false,
            });
            let items = choices(rules.items.iter().map(|i| (i.path.as_str(), i.label.as_str())));
            let pays = choices(rules.pay.iter().map(|p| (p.id.as_str(), p.label.as_str())));
            Err(if part {
                msg!("dec-adjust-part", items = items)
            } else {
                msg!("dec-adjust-what", rules = &rules.meta.name, items = items, pays = pays)
            })
        }
        DecisionKind::RevokeVeto | DecisionKind::ConfirmVeto => {
            let confirm = d.kind == DecisionKind::ConfirmVeto;
            let held = |v: &&crate::rules::Veto| !confirm || v.confirm;
            let known = || {
                choices(
                    rules
                        .vetoes
                        .iter()
                        .filter(held)
                        .map(|v| (v.id.as_str(), v.label.as_str())),
                )
            };
            if confirm && !rules.vetoes.iter().any(|v| v.confirm) {
                return Err(msg!("dec-confirm-none", rules = &rules.meta.name));
            }
            let v = match item {
                None => None,
                Some(t) => match rules.vetoes.iter().position(|v| is(&v.id, &v.label, t)) {
                    Some(v) if confirm && !rules.vetoes[v].confirm => {
                        return Err(msg!("dec-confirm-which", known = known()))
                    }
                    Some(v) => Some(v),
                    None => return Err(msg!("dec-veto-which", known = known())),
                },
            };
            Ok(if confirm {
                What::ConfirmVeto(v)
            } else {
                What::RevokeVeto(v)
            })
        }
        DecisionKind::Exempt => {
            let t = item.unwrap_or_default();
            let Some(measure) = rules.measures.iter().position(|m| is(&m.id, &m.label, t)) else {
                let known = choices(rules.measures.iter().map(|m| (m.id.as_str(), m.label.as_str())));
                return Err(msg!("dec-exempt-measure", known = known));
            };
            let Some(at) = d.occurrence else {
                return Err(msg!("in-internal", what = msg!("dec-internal-occurrence")));
            };
            Ok(What::Exempt { measure, at })
        }
        DecisionKind::QuotaRuling => {
            let grades = rules.grading.as_ref().map(|g| g.grades()).unwrap_or_default();
            if !graded {
                return Err(msg!("dec-ruling-ungraded"));
            }
            let t = item.unwrap_or_default();
            grades
                .iter()
                .position(|g| g == t)
                .map(|grade| What::Ruling { grade })
                .ok_or_else(|| msg!("dec-ruling-grade", grades = grades.join("、")))
        }
    }
}

/// 免扣: removes the exempted occurrences from the worker's measures, each traced; one that
/// names no occurrence is a problem at its 扣分记录 cell.
pub fn exempt(
    ds: &[Decided],
    measures: &mut [Value],
    rules: &RuleSet,
    trace: &mut Vec<TraceLine>,
    problems: &mut Vec<InputProblem>,
) {
    for d in ds {
        let What::Exempt { measure, at } = d.what else { continue };
        let m = &rules.measures[measure];
        let Value::Occurrences(occs) = &mut measures[measure] else {
            problems.push(d.problem(msg!("dec-exempt-rate", label = &m.label, id = &m.id)));
            continue;
        };
        let hit = |o: &crate::measure::Occurrence| match (at, &o.source) {
            (OccurrenceRef::Row(r), Source::Row(s)) => r == *s,
            (OccurrenceRef::Day(day), Source::Missing { date, .. }) => day == *date,
            (OccurrenceRef::Day(day), Source::Row(_)) => o.date == Some(day),
            (OccurrenceRef::Row(_), Source::Missing { .. }) => false,
        };
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(occs).into_iter().partition(|o| hit(o));
        *occs = kept;
        if gone.is_empty() {
            let sheet_hint = match at {
                OccurrenceRef::Row(s) if s.sheet == SheetKind::Decisions => msg!("dec-exempt-sheet-hint"),
                _ => String::new(),
            };
            problems.push(InputProblem {
                file: d.row.file.clone(),
                place: d.row.occurrence_place.clone(),
                found: Some(at.to_string()),
                expected: msg!(
                    "dec-exempt-nothing",
                    label = &m.label,
                    id = &m.id,
                    hint = sheet_hint,
                    at = at
                ),
                ..Default::default()
            });
            continue;
        }
        let n: Decimal = gone.iter().map(|o| o.amount).sum();
        trace.push(TraceLine {
            item: crate::trace::label(&format!("decision.{}", d.row.src.row)),
            item_label: crate::trace::label(&m.label),
            said: d.said(Did::Exempt {
                measure: m.label.clone(),
                at,
                count: n,
            }),
            count: n,
            value: Decimal::ZERO,
            unit: Unit::Note,
            sources: gone.into_iter().map(|o| o.source).chain(d.source()).collect(),
        });
    }
}

/// A worker's top-level items as scored: every column's value, each top-level item's points,
/// its column and its factor in the total (weight × coefficients).
pub struct TopItems<'a> {
    pub values: &'a mut [Decimal],
    pub top: &'a mut [Decimal],
    pub columns: &'a [usize],
    pub factors: &'a [Decimal],
}

/// 调整 of items and the total: the points each adds to the total (weighted for an item), the
/// item's column and tie-breaking points moved too. Returns (the added points by item kind:
/// score, bonus, deduction; the total's own adjustment).
pub fn adjust_points(
    ds: &[Decided],
    rules: &RuleSet,
    items: TopItems,
    trace: &mut Vec<TraceLine>,
) -> ([Decimal; 3], Decimal) {
    let TopItems {
        values,
        top,
        columns: columns_of_top,
        factors,
    } = items;
    let unit = if rules.meta.money { Unit::Yuan } else { Unit::Points };
    let mut by_kind = [Decimal::ZERO; 3];
    let mut total = Decimal::ZERO;
    for d in ds {
        match d.what {
            What::AdjustItem { top: k } => {
                let it = &rules.items[k];
                let p = d.points();
                top[k] += p;
                values[columns_of_top[k]] += p;
                let counted = p * factors[k];
                by_kind[match it.kind {
                    ItemKind::Score => 0,
                    ItemKind::Bonus => 1,
                    ItemKind::Deduction => 2,
                }] += counted;
                let weighted = (factors[k] != Decimal::ONE).then_some((factors[k], counted));
                trace.push(TraceLine {
                    item: crate::trace::label(&it.path),
                    item_label: crate::trace::label(&it.label),
                    said: d.said(Did::AdjustItem { points: p, weighted }),
                    count: p,
                    value: counted,
                    unit,
                    sources: d.source(),
                });
            }
            What::AdjustTotal => {
                let p = d.points();
                total += p;
                trace.push(TraceLine {
                    item: crate::trace::label("decision"),
                    item_label: crate::trace::label("总分"),
                    said: d.said(Did::AdjustTotal { points: p }),
                    count: p,
                    value: p,
                    unit,
                    sources: d.source(),
                });
            }
            _ => {}
        }
    }
    (by_kind, total)
}

/// How a raised veto stands after the decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VetoStands {
    Applies,
    /// Held for confirmation: graded as not vetoed, pay held.
    Pending,
    Revoked,
}

/// Whether a raised veto applies, is held or was revoked, with the decision's trace line.
pub fn veto_stands(ds: &[Decided], rules: &RuleSet, veto: usize, trace: &mut Vec<TraceLine>) -> VetoStands {
    let v = &rules.vetoes[veto];
    let line = |d: &Decided, did: Did| TraceLine {
        item: crate::trace::label(&format!("veto.{}", v.id)),
        item_label: crate::trace::label("一票否决"),
        said: d.said(did),
        count: Decimal::ZERO,
        value: Decimal::ZERO,
        unit: Unit::Note,
        sources: d.source(),
    };
    let names = |w: Option<usize>| w.is_none_or(|w| w == veto);
    if let Some(d) = ds.iter().find(|d| matches!(d.what, What::RevokeVeto(w) if names(w))) {
        trace.push(line(d, Did::RevokeVeto { veto: v.label.clone() }));
        return VetoStands::Revoked;
    }
    if !v.confirm {
        return VetoStands::Applies;
    }
    match ds.iter().find(|d| matches!(d.what, What::ConfirmVeto(w) if names(w))) {
        Some(d) => {
            trace.push(line(d, Did::ConfirmVeto { veto: v.label.clone() }));
            VetoStands::Applies
        }
        None => {
            trace.push(TraceLine {
                item: crate::trace::label(&format!("veto.{}", v.id)),
                item_label: crate::trace::label("一票否决"),
                said: Said::VetoPending { label: v.label.clone() },
                count: Decimal::ZERO,
                value: Decimal::ZERO,
                unit: Unit::Note,
                sources: vec![],
            });
            VetoStands::Pending
        }
    }
}

/// The notes for revocations and confirmations that found no raised veto: they change
/// nothing, which the committee should know.
pub fn unused_veto_decisions(ds: &[Decided], raised: &[usize], worker: &str) -> Vec<String> {
    ds.iter()
        .filter_map(|d| {
            let w = match d.what {
                What::RevokeVeto(w) | What::ConfirmVeto(w) => w,
                _ => return None,
            };
            let used = match w {
                None => !raised.is_empty(),
                Some(v) => raised.contains(&v),
            };
            (!used).then(|| {
                format!(
                    "{}: {} {} 未触发所指否决, 该决定未改变结果",
                    d.row.src,
                    worker,
                    d.row.kind.label()
                )
            })
        })
        .collect()
}

/// 名额裁定 in one graded group: each ruled worker of a boundary tie takes the grade ruled
/// (one of the tie's grades), the unruled keep the tie's (the higher) grade; within the tie the
/// ruled-higher take the first positions, so that only a real overflow is marked as one. A
/// ruling on a worker not tied across a line is a problem at its 项目 cell. Returns, per tie,
/// how many of its workers were ruled and whether the tie is settled (nobody over a line).
pub fn rule_ties(
    r: &mut GroupResult,
    rulings: &[(usize, &Decided)],
    grades: &[String],
    problems: &mut Vec<InputProblem>,
    lines_out: &mut Vec<(usize, TraceLine)>,
) -> Vec<(usize, bool)> {
    let lines = r.lines.clone();
    let last = lines.len().saturating_sub(1);
    let grade_at = |pos: usize| lines.iter().position(|l| pos < *l).unwrap_or(last);
    let mut ruled_counts = Vec::with_capacity(r.boundary_ties.len());
    let mut used = vec![false; rulings.len()];
    for tie in &r.boundary_ties {
        let at: Vec<usize> = tie
            .iter()
            .filter_map(|w| r.placed.iter().position(|p| p.index == *w))
            .collect();
        let Some(&first) = at.first() else {
            ruled_counts.push((0, false));
            continue;
        };
        let first_pos = r.placed[first].position as usize - 1;
        let (hi, lo) = (grade_at(first_pos), grade_at(first_pos + at.len() - 1));
        let mut assigned: Vec<(usize, usize, usize)> = Vec::with_capacity(at.len());
        let mut ruled = 0;
        for (k, &pi) in at.iter().enumerate() {
            let w = r.placed[pi].index;
            let mut g = r.placed[pi].grade;
            if let Some((ri, (_, d))) = rulings.iter().enumerate().find(|(_, (rw, _))| *rw == w) {
                used[ri] = true;
                let What::Ruling { grade } = d.what else { continue };
                if grade < hi || grade > lo {
                    problems.push(d.problem(msg!("dec-ruling-span", grades = grades[hi..=lo].join("、"))));
                } else {
                    g = grade;
                    ruled += 1;
                    lines_out.push((
                        w,
                        TraceLine {
                            item: crate::trace::label("quota"),
                            item_label: crate::trace::label("等次"),
                            said: d.said(Did::Ruling {
                                grade: grades[g].clone(),
                            }),
                            count: Decimal::ZERO,
                            value: Decimal::ZERO,
                            unit: Unit::Note,
                            sources: d.source(),
                        },
                    ));
                }
            }
            assigned.push((g, k, pi));
        }
        // The ruled-higher first, then by the tie's own order (编号).
        assigned.sort();
        let placed: Vec<_> = assigned.iter().map(|(_, _, pi)| r.placed[*pi].clone()).collect();
        for (n, ((g, _, _), mut p)) in assigned.iter().zip(placed).enumerate() {
            let pos = first_pos + n;
            p.position = pos as u32 + 1;
            p.grade = *g;
            let own = grade_at(pos);
            p.lifted_from = (own != *g).then_some(own);
            r.placed[at[n]] = p;
        }
        let settled = at.iter().all(|&pi| r.placed[pi].lifted_from.is_none());
        ruled_counts.push((ruled, settled));
    }
    for (k, (_, d)) in rulings.iter().enumerate() {
        if !used[k] {
            problems.push(d.problem(msg!("dec-ruling-untied")));
        }
    }
    ruled_counts
}

/// 调整 in yuan: added to the pay rule's amount after pay and pools. A pay rule this run does
/// not pay, or does not pay this worker, is a problem at the 项目 cell.
pub fn adjust_pay(
    ds: &[Decided],
    rules: &RuleSet,
    pays: &[usize],
    (pay, pay_total): (&mut [Option<Decimal>], &mut Decimal),
    trace: &mut Vec<TraceLine>,
    problems: &mut Vec<InputProblem>,
) {
    for d in ds {
        let What::AdjustPay { pay: pi } = d.what else { continue };
        let rule = &rules.pay[pi];
        let slot = pays.iter().position(|p| *p == pi).and_then(|col| pay[col].as_mut());
        let Some(slot) = slot else {
            problems.push(d.problem(msg!("dec-pay-not-paid", label = &rule.label, id = &rule.id)));
            continue;
        };
        let p = d.points();
        *slot += p;
        *pay_total += p;
        trace.push(TraceLine {
            item: crate::trace::label(&rule.id),
            item_label: crate::trace::label(&rule.label),
            said: d.said(Did::AdjustPay { amount: p }),
            count: Decimal::ONE,
            value: p,
            unit: Unit::Yuan,
            sources: d.source(),
        });
    }
}

/// The decisions of the run, for the 说明 sheet: every one, in sheet order.
pub fn listed(lists: &[Vec<Decided>]) -> Vec<Listed> {
    let mut out: Vec<Listed> = lists
        .iter()
        .enumerate()
        .flat_map(|(w, ds)| {
            ds.iter().map(move |d| Listed {
                worker: w,
                kind: d.row.kind,
                item: d.row.item.clone().unwrap_or_default(),
                points: d.row.points,
                reason: d.row.reason.clone(),
                decided_by: d.row.decided_by.clone(),
                date: d.row.date,
                src: d.row.src,
            })
        })
        .collect();
    out.sort_by_key(|l| l.src);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::place::{place_at, Candidate};
    use crate::input::records::Src;

    fn decision(kind: DecisionKind, item: &str, row: u32) -> Decision {
        Decision {
            kind,
            item: Some(item.into()),
            points: None,
            occurrence: None,
            reason: "集体讨论".into(),
            decided_by: "镇党委".into(),
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap(),
            src: Src {
                sheet: SheetKind::Decisions,
                row,
            },
            item_place: format!("决定!C{row}"),
            occurrence_place: format!("决定!E{row}"),
            file: "决定.csv".into(),
        }
    }

    /// Ten candidates, 优秀 20% / 良好 60% / 合格 20% → lines 2, 8, 10; candidates 1 and 2 tie
    /// at 90 on positions 2 and 3, across the 优秀 line.
    fn tied() -> GroupResult {
        let totals = [95, 90, 90, 85, 84, 83, 82, 81, 80, 79];
        let cands = totals
            .iter()
            .enumerate()
            .map(|(i, t)| Candidate {
                key: vec![Decimal::from(*t)],
                id: format!("{i:03}"),
                index: i,
            })
            .collect();
        place_at(cands, vec![2, 8, 10])
    }

    fn grades() -> Vec<String> {
        ["优秀", "良好", "合格"].map(String::from).to_vec()
    }

    fn grade_of(r: &GroupResult, i: usize) -> (usize, u32, Option<usize>) {
        let p = r.placed.iter().find(|p| p.index == i).unwrap();
        (p.grade, p.position, p.lifted_from)
    }

    #[test]
    fn a_ruling_below_the_line_settles_a_tie_and_the_other_keeps_the_place() {
        let mut r = tied();
        // By default both are lifted to 优秀, candidate 2 over the line.
        assert_eq!(grade_of(&r, 2), (0, 3, Some(1)));
        let d = decision(DecisionKind::QuotaRuling, "良好", 5);
        let ruled = Decided {
            row: &d,
            what: What::Ruling { grade: 1 },
        };
        let (mut problems, mut lines) = (Vec::new(), Vec::new());
        // The committee places candidate 1 (the first by 编号) below the line.
        let out = rule_ties(&mut r, &[(1, &ruled)], &grades(), &mut problems, &mut lines);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out, vec![(1, true)], "one ruled; nobody over a line: settled");
        // Candidate 2 takes position 2 (优秀, not lifted); candidate 1 position 3 (良好).
        assert_eq!(grade_of(&r, 2), (0, 2, None));
        assert_eq!(grade_of(&r, 1), (1, 3, None));
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].0, 1);
        let said = crate::output::said::text(&lines[0].1.said);
        assert!(said.contains("评为良好"), "{said}");
    }

    #[test]
    fn a_ruling_outside_the_tie_s_grades_or_for_an_untied_worker_is_a_problem_at_its_cell() {
        let mut r = tied();
        let (low, untied) = (
            decision(DecisionKind::QuotaRuling, "合格", 4),
            decision(DecisionKind::QuotaRuling, "良好", 6),
        );
        let rulings = [
            (
                1,
                &Decided {
                    row: &low,
                    what: What::Ruling { grade: 2 },
                },
            ),
            (
                5,
                &Decided {
                    row: &untied,
                    what: What::Ruling { grade: 1 },
                },
            ),
        ];
        let (mut problems, mut lines) = (Vec::new(), Vec::new());
        let out = rule_ties(&mut r, &rulings, &grades(), &mut problems, &mut lines);
        assert_eq!(out, vec![(0, false)], "nothing ruled; candidate 2 still over the line");
        let places: Vec<&str> = problems.iter().map(|p| p.place.as_str()).collect();
        assert_eq!(places, ["决定!C4", "决定!C6"]);
        assert!(problems[0].expected.contains("优秀、良好"), "{}", problems[0].expected);
        assert!(lines.is_empty());
    }

    #[test]
    fn an_exemption_by_day_takes_every_occurrence_of_that_day_and_one_by_row_only_its_row() {
        use crate::measure::Occurrence;
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 7, d).unwrap();
        let row = |n: u32| Src {
            sheet: SheetKind::Patrol,
            row: n,
        };
        let occ = |source: Source, date| Occurrence {
            date: Some(date),
            amount: Decimal::ONE,
            level: None,
            money: None,
            source,
        };
        // Two missed patrols on 07-30 and one short one (巡查!9) on 07-31.
        let value = || {
            Value::Occurrences(vec![
                occ(
                    Source::Missing {
                        sheet: SheetKind::Patrol,
                        date: day(30),
                        why: crate::trace::Absent::OnlySession(crate::contract::Session::Am),
                    },
                    day(30),
                ),
                occ(
                    Source::Missing {
                        sheet: SheetKind::Patrol,
                        date: day(30),
                        why: crate::trace::Absent::OnlySession(crate::contract::Session::Pm),
                    },
                    day(30),
                ),
                occ(Source::Row(row(9)), day(31)),
            ])
        };
        let rules = crate::rules::load_builtin("yangkou").unwrap();
        let m = rules.measures.iter().position(|m| m.id == "missing_patrols").unwrap();
        let mut measures: Vec<Value> = rules.measures.iter().map(|_| Value::Occurrences(vec![])).collect();
        for (at, left) in [(OccurrenceRef::Day(day(30)), 1), (OccurrenceRef::Row(row(9)), 2)] {
            measures[m] = value();
            let mut d = decision(DecisionKind::Exempt, "missing_patrols", 2);
            d.occurrence = Some(at);
            let ds = [Decided {
                row: &d,
                what: What::Exempt { measure: m, at },
            }];
            let (mut trace, mut problems) = (Vec::new(), Vec::new());
            exempt(&ds, &mut measures, &rules, &mut trace, &mut problems);
            assert!(problems.is_empty());
            assert_eq!(measures[m].occurrences().len(), left, "{at}");
            assert_eq!(trace.len(), 1);
        }
    }
}
