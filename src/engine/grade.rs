//! Grading: each subject's quota group, then each group ranked and graded by the rule set's
//! method (shares of the group with their rounding and ties, or score bands).
use super::*;
use crate::grading::place;
use crate::trace::{QuotaPlace, Said};

/// Quota groups, ranks and grades: each subject's group key, then each group graded by the
/// rule set's method (shares of the group, or score bands). Returns the groups' report and
/// the tie-breaking items.
pub(super) fn grade(
    scored: &mut [Scored],
    inputs: &Inputs,
    rules: &RuleSet,
    (period, decisions): (Period, &[Vec<decide::Decided>]),
    problems: &mut Vec<InputProblem>,
) -> (Vec<GroupReport>, Vec<usize>) {
    let graded = rules.grading.as_ref().is_some_and(|g| g.periods.contains(&period.kind));
    let scope: Vec<ScopeField> = rules.grading.as_ref().map(|g| g.scope.clone()).unwrap_or_default();
    let group_key = |w: usize| -> String {
        let wk = &inputs.workers[w];
        let parts: Vec<String> = scope
            .iter()
            .map(|f| match f {
                ScopeField::Village => wk.village.clone(),
                ScopeField::Role => rules.roles[wk.role].label.clone(),
                ScopeField::Grid => wk.grid.clone(),
                ScopeField::Area => wk.area.clone(),
            })
            .collect();
        if parts.is_empty() {
            "全部".to_string()
        } else {
            parts.join("/")
        }
    };
    let mut groups_map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, s) in scored.iter_mut().enumerate() {
        s.subject.group = group_key(i);
        groups_map.entry(s.subject.group.clone()).or_default().push(i);
    }
    let tie_breakers: Vec<usize> = rules
        .grading
        .as_ref()
        .map(|g| g.tie_breakers.clone())
        .unwrap_or_default();
    let groups = groups_map
        .iter()
        .filter_map(|(key, members)| {
            grade_group(
                (key, members),
                scored,
                (inputs, rules),
                (period, graded),
                (&tie_breakers, decisions),
                problems,
            )
        })
        .collect();
    (groups, tie_breakers)
}

/// One quota group: its eligible (non-vetoed) members placed by total and tie-breakers
/// against the grade lines, each placement traced; the vetoed given the vetoed grade. The
/// group's report when the run grades.
fn grade_group(
    (key, members): (&str, &[usize]),
    scored: &mut [Scored],
    (inputs, rules): (&Inputs, &RuleSet),
    (period, graded): (Period, bool),
    (tie_breakers, decisions): (&[usize], &[Vec<decide::Decided>]),
    problems: &mut Vec<InputProblem>,
) -> Option<GroupReport> {
    let eligible: Vec<place::Candidate> = members
        .iter()
        .filter(|i| scored[**i].subject.vetoes.is_empty())
        .map(|&i| {
            let mut k = vec![scored[i].subject.total];
            k.extend(tie_breakers.iter().map(|t| scored[i].top[*t]));
            place::Candidate {
                key: k,
                id: inputs.workers[i].id.clone(),
                index: i,
            }
        })
        .collect();
    let vetoed = members.len() - eligible.len();
    let grading = rules.grading.as_ref().filter(|_| graded);
    let lines = match grading {
        Some(g) => {
            let totals: Vec<Decimal> = eligible.iter().map(|c| c.key[0]).collect();
            let mut fixed = |name: &str| pay::count_param(&inputs.params, name, period, key);
            g.method.lines(&totals, &mut fixed)
        }
        None => vec![eligible.len()],
    };
    let grades: Vec<String> = rules.grading.as_ref().map(Grading::grades).unwrap_or_default();
    let mut r = place::place_at(eligible, lines);
    // 名额裁定: the committee settles a tie at a line (the rule's default lifts every tied
    // worker to the higher grade).
    let rulings: Vec<(usize, &decide::Decided)> = members
        .iter()
        .flat_map(|&i| {
            decisions[i]
                .iter()
                .filter(|d| matches!(d.what, decide::What::Ruling { .. }))
                .map(move |d| (i, d))
        })
        .collect();
    let mut ruling_lines = Vec::new();
    let ruled = decide::rule_ties(&mut r, &rulings, &grades, problems, &mut ruling_lines);
    for p in &r.placed {
        let s = &mut scored[p.index].subject;
        s.rank = Some(p.rank);
        if grading.is_some() {
            placed(s, p, key, &r, &grades);
        }
    }
    for (w, line) in ruling_lines {
        scored[w].subject.trace.push(line);
    }
    let g = grading?;
    for &i in members {
        if !scored[i].subject.vetoes.is_empty() {
            scored[i].subject.grade = Some(g.vetoed_grade.clone());
        }
    }
    let grades = grades
        .iter()
        .enumerate()
        .map(|(k, q)| (q.clone(), r.lines[k], r.placed.iter().filter(|p| p.grade == k).count()))
        .collect();
    Some(GroupReport {
        key: key.to_string(),
        n: r.n,
        vetoed,
        grades,
        ties: r.boundary_ties.clone(),
        ruled,
    })
}

/// A placed subject's grade, with the trace of its place: its rank and position in the group
/// against every grade's line, and the lift of a tie at a line (超额).
fn placed(s: &mut Subject, p: &place::Placed, key: &str, r: &place::GroupResult, grades: &[String]) {
    let grade = grades[p.grade].clone();
    let lifted = p.lifted_from.map(|own| (grade.clone(), grades[own].clone()));
    if lifted.is_some() {
        s.overflow = true;
    }
    let said = Said::Quota(Box::new(QuotaPlace {
        group: key.to_string(),
        rank: p.rank,
        position: p.position,
        of: r.n,
        lines: grades.iter().cloned().zip(r.lines.iter().copied()).collect(),
        lifted,
    }));
    s.trace.push(TraceLine {
        item: crate::trace::label("quota"),
        item_label: crate::trace::label("等次"),
        said,
        count: Decimal::from(p.rank),
        value: Decimal::ZERO,
        unit: Unit::Note,
        sources: vec![],
    });
    s.grade = Some(grade);
}
