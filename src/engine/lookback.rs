//! Look-back flags: a grade, or one of some flags, held in this run and the runs before it
//! (counted over consecutive runs, or times in the year). The earlier runs come
//! from the archive (`crate::archive::load_history`); one missing there was refused before.
use super::Scored;
use crate::input::Inputs;
use crate::past::History;
use crate::period::Period;
use crate::rules::{FlagRule, HistoryCondition, RuleSet};
use crate::trace::{Said, TraceLine, Unit};
use rust_decimal::Decimal;

/// Raises the rule set's history flags of this run's kind on every subject they hold for.
pub(super) fn raise(scored: &mut [Scored], inputs: &Inputs, rules: &RuleSet, period: Period, history: &History) {
    for (fi, f) in rules.flags.iter().enumerate() {
        let FlagRule::History(h) = &f.rule else { continue };
        if h.per != period.kind {
            continue;
        }
        // `raised(k)`: whether the run raised flag k (this run holds indices, earlier runs
        // recorded ids).
        let holds = |grade: &str, raised: &dyn Fn(usize) -> bool| match &h.holds {
            HistoryCondition::Grade(g) => grade == g,
            HistoryCondition::Flags(wanted) => wanted.iter().any(|&k| raised(k)),
        };
        for (i, s) in scored.iter_mut().enumerate() {
            let w = &inputs.workers[i];
            if !RuleSet::applies(&f.roles, w.role) {
                continue;
            }
            let now = holds(s.subject.grade.as_deref().unwrap_or(""), &|k| {
                s.subject.flags.contains(&k)
            });
            if !now {
                continue;
            }
            let past = |p: Period| {
                history
                    .runs
                    .iter()
                    .find(|r| r.period == p)
                    .and_then(|r| r.grade_and_flags(&w.id))
                    .is_some_and(|(g, ids)| holds(&g, &|k| ids.contains(&rules.flags[k].id)))
            };
            let earlier = h.earlier(period);
            let (hit, seen): (bool, Vec<Period>) = match (h.consecutive, h.in_year) {
                (Some(k), _) => {
                    let run: Vec<Period> = earlier.iter().take(k as usize - 1).copied().collect();
                    (run.iter().all(|p| past(*p)), run)
                }
                (None, Some(n)) => {
                    let times: Vec<Period> = earlier.iter().copied().filter(|p| past(*p)).collect();
                    (times.len() + 1 >= n as usize, times)
                }
                (None, None) => (false, vec![]),
            };
            if hit {
                let mut runs = seen;
                runs.reverse();
                runs.push(period);
                let n = Decimal::from(runs.len());
                s.subject.flags.push(fi);
                s.subject.trace.push(TraceLine {
                    item: crate::trace::label(&format!("flag.{}", f.id)),
                    item_label: crate::trace::label("提示"),
                    said: Said::LookBack {
                        label: f.label.clone(),
                        runs,
                    },
                    count: n,
                    value: Decimal::ZERO,
                    unit: Unit::Note,
                    sources: vec![],
                });
            }
        }
    }
}
