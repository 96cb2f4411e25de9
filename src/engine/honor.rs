//! Honours (优秀网格长): the best non-vetoed subjects of some roles, a share of the count of a
//! wider set of roles, named; a tie across the line names all and is reported.

use super::Scored;
use crate::input::Inputs;
use crate::period::Period;
use crate::rules::RuleSet;
use crate::trace::{Said, TraceLine, Unit};
use rust_decimal::Decimal;

/// Names the honours of this run's kind; returns the reports of ties across a line.
pub(super) fn name(
    scored: &mut [Scored],
    inputs: &Inputs,
    rules: &RuleSet,
    period: Period,
    tie_breakers: &[usize],
) -> Vec<String> {
    let mut honor_ties = Vec::new();
    for h in rules.honors.iter().filter(|h| h.periods.contains(&period.kind)) {
        let base = inputs.workers.iter().filter(|w| h.base_roles.contains(&w.role)).count();
        let places: usize = crate::num::round_count(Decimal::from(base) * h.share)
            .try_into()
            .unwrap_or(0);
        let cands: Vec<crate::grading::place::Candidate> = scored
            .iter()
            .enumerate()
            .filter(|(i, s)| h.roles.contains(&inputs.workers[*i].role) && s.subject.vetoes.is_empty())
            .map(|(i, s)| {
                let mut key = vec![s.subject.total];
                key.extend(tie_breakers.iter().map(|t| s.top[*t]));
                crate::grading::place::Candidate {
                    key,
                    id: inputs.workers[i].id.clone(),
                    index: i,
                }
            })
            .collect();
        let n = cands.len();
        let r = crate::grading::place::place_at(cands, vec![places.min(n), n]);
        for p in r.placed.iter().filter(|p| p.grade == 0) {
            let s = &mut scored[p.index].subject;
            s.honors.push(h.label.clone());
            s.trace.push(TraceLine {
                item: crate::trace::label(&format!("honor.{}", h.id)),
                item_label: crate::trace::label(&h.label),
                said: Said::Honor {
                    label: h.label.clone(),
                    rank: p.rank,
                    places,
                    share: h.share,
                    of: base,
                    tied: p.lifted_from.is_some(),
                },
                count: Decimal::from(p.rank),
                value: Decimal::ZERO,
                unit: Unit::Note,
                sources: vec![],
            });
        }
        for tie in &r.boundary_ties {
            let names: Vec<String> = tie
                .iter()
                .map(|i| format!("{} {}", inputs.workers[*i].id, inputs.workers[*i].name))
                .collect();
            honor_ties.push(format!(
                "{}: 同分并列跨越名额线, 一并评为: {}",
                h.label,
                names.join("、")
            ));
        }
    }
    honor_ties
}
