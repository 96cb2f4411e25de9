//! One worker scored: the measures of its rows, each item's points with their trace, the
//! vetoes, the weights and 参数 coefficients, and the decisions of the 决定 sheet applied.
use super::*;
use crate::past::PastRun;
use crate::trace::{Factor, Said};

/// Which measures are read once every worker is scored: those a per-event pay rule pays on.
/// The rest (every patrol and sign-in a worker missed, say) are dropped as each worker is
/// scored, so that a province does not hold them all at once; the trace keeps what they show.
pub(super) fn kept_measures(rules: &RuleSet) -> Vec<bool> {
    let mut kept = vec![false; rules.measures.len()];
    for p in &rules.pay {
        if let crate::payment::PayAmount::PerEvent(pe) = &p.amount {
            kept[pe.measure] = true;
        }
    }
    kept
}

/// A top-level item's 参数 coefficient for the run (`weight_param`): its value and row.
pub(super) type Coefficient = Option<(Decimal, Source)>;

/// An item's factor in the total for a worker: its weight × the worker's 区域 coefficient × the
/// run's 参数 coefficient; with each factor for the trace (` × 权重0.3 × 区域系数(社区)1.2`, none
/// for a factor of plain 1) and the 参数 row it read.
fn weight_of(it: &Item, w: &crate::input::records::Worker, param: &Coefficient) -> (Decimal, Vec<Factor>, Vec<Source>) {
    let mut factor = it.weight;
    let mut how = Vec::new();
    if it.weight != Decimal::ONE || !it.weight_by_area.is_empty() || it.weight_param.is_some() {
        how.push(Factor::Weight(it.weight));
    }
    if !it.weight_by_area.is_empty() {
        let area = w.area.trim();
        let c = it
            .weight_by_area
            .iter()
            .find(|(a, _)| a == area)
            .map_or(Decimal::ONE, |(_, c)| *c);
        factor *= c;
        how.push(Factor::Area {
            area: area.to_string(),
            value: c,
        });
    }
    let mut sources = Vec::new();
    if let (Some(name), Some((c, src))) = (&it.weight_param, param) {
        factor *= *c;
        how.push(Factor::Param {
            name: name.clone(),
            value: *c,
        });
        sources.push(src.clone());
    }
    (factor, how, sources)
}

pub(super) fn score_worker(
    (i, rows): (usize, crate::input::RowsOf),
    inputs: &Inputs,
    rules: &RuleSet,
    (mctx, past): (&MeasureCtx, &[PastRun]),
    (working, decided, coefficients): (&[chrono::NaiveDate], &[decide::Decided], &[Coefficient]),
    kept: &[bool],
) -> Scored {
    let w = &inputs.workers[i];
    let days = WorkerDays::new(w, rows, working, &rules.duty_exclude);
    let mut measures = measure::compute_all(mctx, w, rows, &days);
    let mut trace = Vec::new();
    let mut problems = Vec::new();
    decide::exempt(decided, &mut measures, rules, &mut trace, &mut problems);
    let who = crate::scoring::Who {
        role: w.role,
        worker: w,
        run: mctx.period,
        id: &w.id,
        past,
    };
    let mut points = item_points(rules, who, &measures, coefficients, &mut trace);
    // 调整: the committee's points, after the rules and before vetoes and grades.
    let items = decide::TopItems {
        values: &mut points.values,
        top: &mut points.top,
        columns: &points.columns_of_top,
        factors: &points.factors,
    };
    let (by_kind, on_total) = decide::adjust_points(decided, rules, items, &mut trace);
    let [base, bonus, deduction] = [0, 1, 2].map(|k| points.by_kind[k] + by_kind[k]);
    let total = base + bonus + deduction + on_total;
    let raised = vetoes(rules, &measures, total, decided, &mut trace);
    let notes = decide::unused_veto_decisions(decided, &raised.raised, &format!("{} {}", w.id, w.name));
    let flags = flags(rules, w.role, &measures, &mut trace);
    let measures = measures
        .into_iter()
        .zip(kept)
        .map(|(m, &k)| if k { m } else { Value::Occurrences(Vec::new()) })
        .collect();
    let subject = Subject {
        worker: i,
        values: points.values,
        bonus,
        deduction,
        total,
        vetoes: raised.standing,
        pending: raised.pending,
        flags,
        honors: Vec::new(),
        group: String::new(),
        rank: None,
        grade: None,
        overflow: false,
        pay: Vec::new(),
        pay_total: Decimal::ZERO,
        trace,
    };
    Scored {
        subject,
        top: points.top,
        measures,
        pay_full: Vec::new(),
        notes,
        problems,
    }
}

/// A worker's items as the rules score them, before the committee's 调整.
struct Points {
    /// Every item's column value, in column order.
    values: Vec<Decimal>,
    /// Each top-level item's points, and the column it starts at.
    top: Vec<Decimal>,
    columns_of_top: Vec<usize>,
    /// Each top-level item's factor in the total (weight × coefficients).
    factors: Vec<Decimal>,
    /// What score, bonus and deduction items add to the total.
    by_kind: [Decimal; 3],
}

/// Every item scored for one worker, each top-level item counted into the total by its kind,
/// times its weight and coefficients (traced when that is not plain 1).
fn item_points(
    rules: &RuleSet,
    who: crate::scoring::Who,
    measures: &[Value],
    coefficients: &[Coefficient],
    trace: &mut Vec<TraceLine>,
) -> Points {
    let n = rules.items.len();
    let mut p = Points {
        values: Vec::new(),
        top: Vec::with_capacity(n),
        columns_of_top: Vec::with_capacity(n),
        factors: Vec::with_capacity(n),
        by_kind: [Decimal::ZERO; 3],
    };
    for (k, it) in rules.items.iter().enumerate() {
        p.columns_of_top.push(p.values.len());
        let v = item::score_item(it, who, measures, rules, &mut p.values, trace);
        p.top.push(v);
        // A weighted item (基础工作占80%) counts weight × its points, the weight times its
        // coefficients (社区类型系数 by 区域, 季节系数 from 参数); its column shows the points.
        let (factor, how, sources) = weight_of(it, who.worker, &coefficients[k]);
        p.factors.push(factor);
        let counted = v * factor;
        if !how.is_empty() {
            trace.push(TraceLine {
                item: crate::trace::label(&it.path),
                item_label: crate::trace::label(&it.label),
                said: Said::Counted {
                    points: v,
                    factors: how,
                    counted,
                },
                count: v,
                value: counted,
                unit: Unit::Points,
                sources,
            });
        }
        let kind = match it.kind {
            ItemKind::Score => 0,
            ItemKind::Bonus => 1,
            ItemKind::Deduction => 2,
        };
        p.by_kind[kind] += counted;
    }
    p
}

/// The vetoes raised on a worker (by rule-set index), and what became of them: standing, held
/// for the committee's confirmation, or revoked (in neither list).
struct Raised {
    raised: Vec<usize>,
    standing: Vec<String>,
    pending: Vec<String>,
}

/// Every veto tested (`crate::veto`), each raised one traced with its sources, and the
/// committee's decisions on it applied.
fn vetoes(
    rules: &RuleSet,
    measures: &[Value],
    total: Decimal,
    decided: &[decide::Decided],
    trace: &mut Vec<TraceLine>,
) -> Raised {
    let mut r = Raised {
        raised: Vec::new(),
        standing: Vec::new(),
        pending: Vec::new(),
    };
    let facts = crate::veto::Facts { measures, total };
    for (vi, v) in rules.vetoes.iter().enumerate() {
        let Some(crate::veto::Hit { count, sources }) = v.test.hit(&facts) else {
            continue;
        };
        r.raised.push(vi);
        trace.push(TraceLine {
            item: crate::trace::label(&format!("veto.{}", v.id)),
            item_label: crate::trace::label("一票否决"),
            said: Said::Veto { label: v.label.clone() },
            count,
            value: Decimal::ZERO,
            unit: Unit::Note,
            sources,
        });
        match decide::veto_stands(decided, rules, vi, trace) {
            decide::VetoStands::Applies => r.standing.push(v.label.clone()),
            decide::VetoStands::Pending => r.pending.push(v.label.clone()),
            decide::VetoStands::Revoked => {}
        }
    }
    r
}

/// The flags on this run's measures a worker's role has, each hit traced (look-back flags are
/// raised once every worker is graded).
fn flags(rules: &RuleSet, role: crate::rules::RoleId, measures: &[Value], trace: &mut Vec<TraceLine>) -> Vec<usize> {
    let mut flags = Vec::new();
    for (fi, f) in rules.flags.iter().enumerate() {
        if !RuleSet::applies(&f.roles, role) {
            continue;
        }
        let FlagRule::Measure { measure, test } = &f.rule else {
            continue;
        };
        let val = &measures[*measure];
        let n = match val {
            Value::Rate { rate, .. } => *rate,
            Value::Occurrences(_) => val.total(),
        };
        let hit = match *test {
            FlagTest::AtLeast(k) => n >= k && !n.is_zero(),
            FlagTest::Below(k) => n < k,
        };
        if hit {
            flags.push(fi);
            trace.push(TraceLine {
                item: crate::trace::label(&format!("flag.{}", f.id)),
                item_label: crate::trace::label("提示"),
                said: Said::Flag {
                    label: f.label.clone(),
                    measure: rules.measures[*measure].label.clone(),
                    value: n,
                },
                count: n,
                value: Decimal::ZERO,
                unit: Unit::Note,
                sources: val.occurrences().iter().map(|o| o.source.clone()).collect(),
            });
        }
    }
    flags
}

#[cfg(test)]
mod weight_tests {
    use super::*;
    use crate::contract::SheetKind;
    use crate::input::records::{Src, Worker};

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn item(weight: &str, by_area: &[(&str, &str)], param: Option<&str>) -> Item {
        Item {
            id: "daily".into(),
            path: "daily".into(),
            label: "日常工作".into(),
            kind: ItemKind::Score,
            max: Some(d("60")),
            roles: None,
            weight: d(weight),
            weight_by_area: by_area.iter().map(|(a, c)| (a.to_string(), d(c))).collect(),
            weight_param: param.map(String::from),
            periods: None,
            body: ItemBody::Parts(vec![]),
        }
    }

    fn in_area(area: &str) -> Worker {
        Worker {
            area: area.into(),
            ..Worker::for_test("0001", 0, 2)
        }
    }

    #[test]
    fn a_weight_is_times_the_area_s_coefficient_and_the_run_s_parameter() {
        let param: Coefficient = Some((
            d("1.1"),
            Source::Row(Src {
                sheet: SheetKind::Params,
                row: 2,
            }),
        ));
        let it = item("1", &[("社区", "1.2"), ("农村", "1.0")], Some("季节系数"));
        // 1 × 1.2 × 1.1 = 1.32, the 参数 row its source.
        let (f, how, sources) = weight_of(&it, &in_area("社区"), &param);
        assert_eq!(f, d("1.32"));
        let area = |a: &str, v: &str| Factor::Area {
            area: a.into(),
            value: d(v),
        };
        let season = Factor::Param {
            name: "季节系数".into(),
            value: d("1.1"),
        };
        // Shown ` × 权重1 × 区域系数(社区)1.2 × 季节系数1.1` (output::said).
        assert_eq!(how, vec![Factor::Weight(d("1")), area("社区", "1.2"), season.clone()]);
        assert_eq!(sources.len(), 1);
        // An area not listed (or blank) is 1.
        assert_eq!(weight_of(&it, &in_area("园区"), &param).0, d("1.1"));
        assert!(weight_of(&it, &in_area(""), &param).1.contains(&area("", "1")));
        // A plain weight of 1 says nothing; 0.8 says so.
        assert_eq!(weight_of(&item("1", &[], None), &in_area("社区"), &None).1, vec![]);
        assert_eq!(
            weight_of(&item("0.8", &[], None), &in_area("社区"), &None),
            (d("0.8"), vec![Factor::Weight(d("0.8"))], vec![])
        );
    }
}
