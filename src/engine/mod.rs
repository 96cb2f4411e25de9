//! Engine: typed records + validated rules → scores, grades and pay, each with its trace.
//!
//! Per worker (on both cores): duty days, every measure, every item, vetoes. Then per quota
//! group: ranks and grades. Then per worker: pay. Nothing here knows a township.
pub mod decide;
mod grade;
pub mod honor;
pub mod item;
pub mod lookback;
pub mod pay;
mod worker;

use crate::calendar::Calendar;
use crate::contract::ScopeField;
use crate::input::{InputErrors, InputProblem, Inputs};
use crate::measure::{self, MeasureCtx, Value, WorkerDays};
use crate::num::show;
use crate::past::History;
use crate::payment::PayAmount;
use crate::period::Period;
use crate::rules::{FlagRule, FlagTest, Grading, Item, ItemBody, ItemKind, RuleSet};
use crate::trace::{Source, TraceLine, Unit};
use grade::grade;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use worker::{kept_measures, score_worker, Coefficient};

/// A column of the score table: an item or a part, in rule-set order.
#[derive(Debug, Clone)]
pub struct ItemColumn {
    pub path: String,
    pub label: String,
    pub depth: usize,
    pub kind: ItemKind,
}

#[derive(Debug, Clone)]
pub struct Subject {
    pub worker: usize,
    /// One per [`ItemColumn`].
    pub values: Vec<Decimal>,
    pub bonus: Decimal,
    /// Negative or zero.
    pub deduction: Decimal,
    pub total: Decimal,
    pub vetoes: Vec<String>,
    /// Vetoes raised that the rule set holds for the committee's confirmation and no 确认否决
    /// has confirmed: the subject is graded as not vetoed, shown as 待确认, and its pay held.
    pub pending: Vec<String>,
    /// Warnings for the committee that veto nothing (退出/淘汰 conditions): indices of the
    /// rule set's flags, in the order raised.
    pub flags: Vec<usize>,
    /// Honours the subject is named for (优秀网格长).
    pub honors: Vec<String>,
    pub group: String,
    pub rank: Option<u32>,
    pub grade: Option<String>,
    /// A tie lifted this worker past a quota line.
    pub overflow: bool,
    /// One per pay rule of the run; `None` where the rule is not for this role.
    pub pay: Vec<Option<Decimal>>,
    pub pay_total: Decimal,
    pub trace: Vec<TraceLine>,
}

#[derive(Debug, Clone)]
pub struct GroupReport {
    pub key: String,
    pub n: usize,
    pub vetoed: usize,
    /// Per grade: (grade, line position, how many got it).
    pub grades: Vec<(String, usize, usize)>,
    /// Boundary ties: worker indices.
    pub ties: Vec<Vec<usize>>,
    /// Per tie: how many of its workers a 名额裁定 placed, and whether that settled it (nobody
    /// over a line).
    pub ruled: Vec<(usize, bool)>,
}

#[derive(Debug)]
pub struct Outcome {
    pub period: Period,
    pub columns: Vec<ItemColumn>,
    pub graded: bool,
    /// Indices into `rules.pay` of the pay rules this run's period pays.
    pub pays: Vec<usize>,
    pub subjects: Vec<Subject>,
    pub groups: Vec<GroupReport>,
    pub warnings: Vec<String>,
    /// The committee's decisions the run applied (决定 sheet), in sheet order.
    pub decisions: Vec<decide::Listed>,
}

pub fn columns(rules: &RuleSet) -> Vec<ItemColumn> {
    fn walk(it: &Item, depth: usize, out: &mut Vec<ItemColumn>) {
        out.push(ItemColumn {
            path: it.path.clone(),
            label: it.label.clone(),
            depth,
            kind: it.kind,
        });
        if let ItemBody::Parts(ps) = &it.body {
            ps.iter().for_each(|p| walk(p, depth + 1, out));
        }
    }
    let mut out = Vec::new();
    rules.items.iter().for_each(|i| walk(i, 0, &mut out));
    out
}

/// What one worker's scoring yields before grading.
struct Scored {
    subject: Subject,
    /// Top-level item points, for tie-breakers.
    top: Vec<Decimal>,
    /// The measures pay rules read after grading ([`PayAmount::PerEvent`]); the others are
    /// emptied once the worker is scored (see [`kept_measures`]).
    measures: Vec<Value>,
    /// Per pay rule of the run: what it would pay with nothing withheld (a pool shares the
    /// difference).
    pay_full: Vec<Decimal>,
    /// Decisions that changed nothing, for the run's notes.
    notes: Vec<String>,
    /// Decisions that could not be applied, at their cells.
    problems: Vec<InputProblem>,
}

pub fn score(inputs: &Inputs, rules: &RuleSet, period: Period, cal: &Calendar) -> Result<Outcome, InputErrors> {
    score_with(inputs, rules, period, cal, &History::default())
}

/// [`score`], with the earlier runs that history flags read (the caller loads every run
/// [`crate::rules::HistoryRule::earlier`] names; one missing here raises nothing).
pub fn score_with(
    inputs: &Inputs,
    rules: &RuleSet,
    period: Period,
    cal: &Calendar,
    history: &History,
) -> Result<Outcome, InputErrors> {
    score_rows(inputs, Vec::new(), rules, period, (cal, history))
}

/// [`score_with`], letting each worker's attendance and patrol rows go as soon as the worker
/// is scored: a province holds 400 MB of them, and its trace grows to as much while the
/// workers are scored, so holding both would double the run's memory. Nothing after a
/// worker's own scoring reads those rows (the scoped events and the decisions, which other
/// workers' scoring reads, stay); `inputs` keeps the other rows.
pub fn score_releasing(
    inputs: &mut Inputs,
    rules: &RuleSet,
    period: Period,
    cal: &Calendar,
    history: &History,
) -> Result<Outcome, InputErrors> {
    let daily: Vec<Daily> = inputs
        .rows
        .iter_mut()
        .map(|r| (std::mem::take(&mut r.attendance), std::mem::take(&mut r.patrols)))
        .collect();
    score_rows(inputs, daily, rules, period, (cal, history))
}

/// A worker's attendance and patrol rows, owned by the thread that scores the worker.
type Daily = (
    Vec<crate::input::records::Attendance>,
    Vec<crate::input::records::Patrol>,
);

/// Scores every worker: with `daily` empty, from the rows in `inputs`; else each worker's
/// attendance and patrols are `daily`'s, let go once the worker is scored.
fn score_rows(
    inputs: &Inputs,
    daily: Vec<Daily>,
    rules: &RuleSet,
    period: Period,
    (cal, history): (&Calendar, &History),
) -> Result<Outcome, InputErrors> {
    let working = measure::working_days(cal, period);
    let type_levels: Vec<Vec<String>> = rules.event_types.iter().map(|t| t.levels.clone()).collect();
    let credit = measure::event_credit(inputs, &rules.measures, &type_levels);
    let scoped = measure::scoped_events(inputs, &rules.measures);
    let mctx = MeasureCtx {
        measures: &rules.measures,
        period,
        credit: &credit,
        scoped: &scoped,
    };
    let cols = columns(rules);
    let kept = kept_measures(rules);
    let graded = rules.grading.as_ref().is_some_and(|g| g.periods.contains(&period.kind));
    // The inputs were checked against the rules while read; what remains are the decisions'
    // 项目 (resolved here, against the rule set) and the 参数 values the quota and the pay
    // rules read below.
    let (decisions, mut problems) = decide::resolve(inputs, rules, graded);
    let coefficients: Vec<Coefficient> = rules
        .items
        .iter()
        .map(|it| {
            let name = it.weight_param.as_ref()?;
            let why = msg!("cmd-item-s-weight-weight-param", path = it.path);
            pay::run_param(&inputs.params, name, period, (&mut problems, &why))
        })
        .collect();
    let mut scored = score_workers(
        (inputs, daily),
        rules,
        (&mctx, history),
        (&working, &decisions, &coefficients),
        &kept,
    )?;
    let mut warnings: Vec<String> = Vec::new();
    for s in &mut scored {
        problems.append(&mut s.problems);
        warnings.append(&mut s.notes);
    }
    let (groups, tie_breakers) = grade(&mut scored, inputs, rules, (period, &decisions), &mut problems);

    // Look-back flags and honours, once grades are known.
    lookback::raise(&mut scored, inputs, rules, period, history);
    warnings.extend(honor::name(&mut scored, inputs, rules, period, &tie_breakers));
    let pays = pay_all(
        &mut scored,
        (inputs, &decisions),
        rules,
        (period, &cols),
        &mut problems,
        &mut warnings,
    );
    month_notes(inputs, period, &mut warnings);
    if !problems.is_empty() {
        problems.sort();
        problems.dedup();
        return Err(InputErrors(problems));
    }
    for g in &groups {
        for (tie, &ruled) in g.ties.iter().zip(&g.ruled) {
            let names: Vec<String> = tie
                .iter()
                .map(|i| format!("{} {}", inputs.workers[*i].id, inputs.workers[*i].name))
                .collect();
            let settled = match ruled {
                (0, _) => String::new(),
                (_, true) => " — 已由名额裁定".to_string(),
                (k, false) => format!(" — 名额裁定 {k} 人, 仍有人按较高等次超额"),
            };
            warnings.push(format!(
                "{}: 同分并列跨越名额线 (总分 {}): {}{settled}",
                g.key,
                show(scored[tie[0]].subject.total),
                names.join("、")
            ));
        }
    }
    Ok(Outcome {
        period,
        columns: cols,
        graded,
        pays,
        // A trace grows line by line to about a third more room than it holds: a province's
        // 600,000 lines (45 MB of room) are held through the rendering, so each is fitted.
        subjects: scored
            .into_iter()
            .map(|s| {
                let mut subject = s.subject;
                subject.trace.shrink_to_fit();
                subject
            })
            .collect(),
        groups,
        warnings,
        decisions: decide::listed(&decisions),
    })
}

/// Every worker scored on its own, the workers split among the cores.
fn score_workers(
    (inputs, daily): (&Inputs, Vec<Daily>),
    rules: &RuleSet,
    (mctx, history): (&MeasureCtx, &History),
    (working, decisions, coefficients): (&[chrono::NaiveDate], &[Vec<decide::Decided>], &[Coefficient]),
    kept: &[bool],
) -> Result<Vec<Scored>, InputErrors> {
    let n = inputs.workers.len();
    let threads = crate::cores::available().clamp(1, 8);
    let chunk = n.div_ceil(threads).max(1);
    let idx: Vec<usize> = (0..n).collect();
    let mut scored: Vec<Scored> = Vec::with_capacity(n);
    let mut daily = daily.into_iter();
    std::thread::scope(|s| {
        let handles: Vec<_> = idx
            .chunks(chunk)
            .map(|part| {
                // This thread's workers' own daily rows, when they were handed over.
                let mine: Vec<Daily> = daily.by_ref().take(part.len()).collect();
                s.spawn(move || {
                    let mut mine = mine.into_iter();
                    part.iter()
                        .map(|&i| {
                            let own = mine.next();
                            let shared = inputs.rows[i].view();
                            let rows = match &own {
                                Some((attendance, patrols)) => crate::input::RowsOf {
                                    attendance,
                                    patrols,
                                    ..shared
                                },
                                None => shared,
                            };
                            let days = (working, &decisions[i][..], coefficients);
                            let scored = score_worker((i, rows), inputs, rules, (mctx, &history.runs), days, kept);
                            // The worker's rows go now, not with the run's: see score_releasing.
                            drop(own);
                            scored
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A scoring thread cannot panic on input (no unwrap on data); if it did, say so.
            match h.join() {
                Ok(v) => scored.extend(v),
                Err(_) => scored.clear(),
            }
        }
    });
    if scored.len() != n {
        return Err(InputErrors(vec![InputProblem {
            file: String::new(),
            place: String::new(),
            found: None,
            expected: msg!("in-internal", what = msg!("in-internal-scoring")),
            ..Default::default()
        }]));
    }
    Ok(scored)
}

/// Pay: the 参数 values the run's pay rules read (only where someone would be paid by them),
/// each subject's pay, then the pools. Returns the pay rules of the run.
fn pay_all(
    scored: &mut [Scored],
    (inputs, decisions): (&Inputs, &[Vec<decide::Decided>]),
    rules: &RuleSet,
    (period, cols): (Period, &[ItemColumn]),
    problems: &mut Vec<InputProblem>,
    warnings: &mut Vec<String>,
) -> Vec<usize> {
    let pays: Vec<usize> = rules
        .pay
        .iter()
        .enumerate()
        .filter(|(_, p)| p.periods.contains(&period.kind))
        .map(|(i, _)| i)
        .collect();
    let mut param_cache: BTreeMap<String, Option<(Decimal, Source)>> = BTreeMap::new();
    for &pi in &pays {
        let rule = &rules.pay[pi];
        // A parameter is needed when someone the rule pays would be paid by it.
        let needed_for = |grade: Option<&str>| {
            scored.iter().any(|s| {
                RuleSet::applies(&rule.roles, inputs.workers[s.subject.worker].role)
                    && grade.is_none_or(|g| s.subject.grade.as_deref() == Some(g))
            })
        };
        if let Some(read) = rule.amount.param() {
            let v = if needed_for(read.grade) {
                pay::run_param(
                    &inputs.params,
                    read.name,
                    period,
                    (problems, &msg!("par-needed-by-pay")),
                )
            } else {
                None
            };
            param_cache.insert(read.name.to_string(), v);
        }
    }
    let items: Vec<(&str, &str)> = cols.iter().map(|c| (c.path.as_str(), c.label.as_str())).collect();
    for s in scored.iter_mut() {
        pay::pay_worker(s, inputs, rules, (period, &items), &pays, &param_cache);
    }
    for (col, &pi) in pays.iter().enumerate() {
        if let PayAmount::Pool(pool) = &rules.pay[pi].amount {
            if let Some(from_col) = pays.iter().position(|p| *p == pool.from) {
                let rule = &rules.pay[pi];
                let from_label = rules.pay[pool.from].label.as_str();
                pay::share_pool(scored, inputs, rule, from_label, (col, from_col), &pool.grade, warnings);
            }
        }
    }
    // 调整 in yuan, after everything the rules pay.
    for s in scored.iter_mut() {
        let sub = &mut s.subject;
        decide::adjust_pay(
            &decisions[sub.worker],
            rules,
            &pays,
            (&mut sub.pay, &mut sub.pay_total),
            &mut sub.trace,
            problems,
        );
    }

    pays
}

/// The months of the period with no row at all (found as the inputs were read, where a
/// year run that may not do without them was refused), as the run's note.
fn month_notes(inputs: &Inputs, period: Period, warnings: &mut Vec<String>) {
    if inputs.empty_months.is_empty() {
        return;
    }
    let empty: Vec<String> = inputs.empty_months.iter().map(|m| m.to_string()).collect();
    if period.kind == crate::period::PeriodKind::Year {
        warnings.push(format!(
            "年度按已有月份评分 (规则集声明): {} 无任何考勤、巡查或事件记录",
            empty.join("、")
        ));
    } else {
        warnings.push(format!(
            "{} 无任何考勤、巡查或事件记录: 这些月份按未完成计算, 请确认输入是否齐全",
            empty.join("、")
        ));
    }
}

#[cfg(test)]
mod tests {
    //! The primitives through the whole engine, on a rule set written for the test: no
    //! township's rule set is needed to check them.
    use super::*;
    use crate::contract::SheetKind;
    use crate::contract::{Session, Status};
    use crate::input::records::{Attendance, Event, Param, Patrol, Src, Worker};
    use crate::input::WorkerRows;
    use chrono::NaiveDate;

    const RULES: &str = r#"
[scheme]
name = "t"
title = "t"
document = "t"
version = "1"
effective_from = "2020-01-01"
periods = ["month", "quarter"]

[[role]]
id = "a"
label = "甲岗"
[[role]]
id = "b"
label = "乙岗"

[[event_type]]
name = "差错"
[[event_type]]
name = "奖"
levels = ["高", "低"]
[[event_type]]
name = "否决"

[measures]
errors = { kind = "events", label = "差错", types = ["差错"] }
prizes = { kind = "events", label = "奖", types = ["奖"] }
vetoes = { kind = "events", label = "否决", types = ["否决"] }
late = { kind = "attendance", label = "迟到", status = ["late"] }
missing = { kind = "missing_patrols", label = "少巡", per_duty_day = 2 }

[[item]]
id = "work"
label = "工作"
max = "10"
  [[item.part]]
  id = "floored"
  label = "扣完为止"
  max = "4"
  floor = "0"
  deduct = [{ measure = "errors", each = "1.5" }]
  [[item.part]]
  id = "capped"
  label = "封顶"
  max = "6"
  cap = "2"
  deduct = [{ measure = "errors", each = "1" }, { measure = "late", each = "1", roles = ["b"] }]

[[item]]
id = "plus"
label = "加分"
kind = "bonus"
  [[item.part]]
  id = "prize"
  label = "奖"
  add = [{ measure = "prizes", by_level = { "高" = "3", "低" = "1" } }]

[[item]]
id = "minus"
label = "扣分"
kind = "deduction"
  [[item.part]]
  id = "patrol"
  label = "少巡"
  deduct = [{ measure = "missing", each = "0.5" }]

[[veto]]
id = "v"
label = "否决事项"
measure = "vetoes"
[[veto]]
id = "low"
label = "低于5分"
total_below = "5"

[grading]
vetoed_grade = "差"
scope = ["role"]
tie_breakers = ["work"]
rounding = "half_up"
ties = "higher_grade_and_report"
quota = [{ grade = "好", share = "0.5" }, { grade = "中", share = "0.5" }]

[[pay]]
id = "g"
label = "等次奖"
periods = ["quarter"]
by_grade = { "好" = "100.005", "中" = "50" }
[[pay]]
id = "r"
label = "排名奖"
roles = ["a"]
periods = ["quarter"]
param_bands = { param = "名次", bands = [["1", "2", "30"], ["3", "5", "10"]], otherwise = "0" }
"#;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn day(m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, dd).unwrap()
    }
    fn worker(id: &str, role: usize) -> Worker {
        Worker::for_test(id, role, 2)
    }
    fn event(ty: usize, n: &str, level: Option<&str>, row: u32) -> Event {
        Event {
            event_id: format!("E{row}"),
            type_id: ty,
            date: day(7, 6),
            level: level.map(str::to_string),
            valid: true,
            count: d(n),
            assigned_at: None,
            accepted_at: None,
            closed_at: None,
            complex: false,
            amount: None,
            counted: true,
            src: Src {
                sheet: SheetKind::Events,
                row,
            },
        }
    }
    /// Both patrols on every working day of 2026Q3, so `missing` is 0 unless a test removes some.
    fn full_patrols() -> Vec<Patrol> {
        let cal = Calendar::builtin("cn").unwrap();
        let q = Period::parse(crate::period::PeriodKind::Quarter, "2026Q3").unwrap();
        measure::working_days(&cal, q)
            .into_iter()
            .flat_map(|x| [Session::Am, Session::Pm].map(|s| (x, s)))
            .map(|(date, session)| Patrol {
                date,
                session,
                seconds: None,
                logged: true,
                uniform: true,
                exempt: false,
                src: Src {
                    sheet: SheetKind::Patrol,
                    row: 2,
                },
            })
            .collect()
    }

    fn run(workers: Vec<(Worker, WorkerRows)>, params: Vec<Param>) -> (RuleSet, Result<Outcome, InputErrors>) {
        let rules = crate::rules::parse(RULES, "test.toml").unwrap();
        let (workers, rows): (Vec<_>, Vec<_>) = workers.into_iter().unzip();
        let mut inputs = Inputs {
            files: vec![],
            workers,
            rows,
            params,
            sheet_files: Default::default(),
            extracts: Vec::new(),
            skipped: Vec::new(),
            empty_months: Vec::new(),
        };
        let q = Period::parse(crate::period::PeriodKind::Quarter, "2026Q3").unwrap();
        // As reading finds them (input::checks), the months without a row.
        let plan = rules.read_plan(q.kind);
        inputs.empty_months = crate::input::checks::empty_months(&inputs, &plan, q, &mut Vec::new());
        let out = score(&inputs, &rules, q, &Calendar::builtin("cn").unwrap());
        (rules, out)
    }
    fn rank_param(v: &str) -> Param {
        Param {
            name: "名次".into(),
            period: None,
            scope: None,
            value: v.into(),
            number: crate::num::parse_decimal(v),
            src: Src {
                sheet: SheetKind::Params,
                row: 2,
            },
            place: "参数!C2".into(),
            file: "p.xlsx".into(),
        }
    }
    fn col(rules: &RuleSet, o: &Outcome, w: usize, path: &str) -> Decimal {
        let _ = rules;
        let i = o.columns.iter().position(|c| c.path == path).unwrap();
        o.subjects[w].values[i]
    }

    #[test]
    fn deductions_stop_at_the_floor_and_the_trace_shows_it() {
        // Three errors: floored 4 − 3 × 1.5 = −0.5 → 0; capped 6 − 3 = 3... capped at 2 taken → 4.
        let rows = WorkerRows {
            events: vec![event(0, "3", None, 2)],
            patrols: full_patrols(),
            ..Default::default()
        };
        let (rules, o) = run(vec![(worker("1", 0), rows)], vec![rank_param("1")]);
        let o = o.unwrap();
        assert_eq!(col(&rules, &o, 0, "work.floored"), d("0"));
        assert_eq!(col(&rules, &o, 0, "work.capped"), d("4"));
        assert_eq!(col(&rules, &o, 0, "work"), d("4"));
        let floor_line = o.subjects[0]
            .trace
            .iter()
            .find(|l| matches!(l.said, crate::trace::Said::Floor { .. }))
            .unwrap();
        assert_eq!(floor_line.value, d("0.5"), "the floor gives back what went below it");
        let cap_line = o.subjects[0]
            .trace
            .iter()
            .find(|l| l.said == crate::trace::Said::DeductionsCapped { cap: d("2") })
            .unwrap();
        assert_eq!(cap_line.value, d("1"));
        // The trace sums to the total: every point is explained.
        let traced: Decimal = o.subjects[0]
            .trace
            .iter()
            .filter(|l| l.unit == crate::trace::Unit::Points)
            .map(|l| l.value)
            .sum();
        assert_eq!(traced + d("10"), o.subjects[0].total);
    }

    #[test]
    fn a_role_limited_line_skips_other_roles() {
        let late = |row| Attendance {
            date: day(7, 7),
            statuses: [Status::Late].into_iter().collect(),
            approved: false,
            sign_in: None,
            report_at: None,
            src: Src {
                sheet: SheetKind::Attendance,
                row,
            },
        };
        let rows_a = WorkerRows {
            attendance: vec![late(2)],
            patrols: full_patrols(),
            ..Default::default()
        };
        let rows_b = WorkerRows {
            attendance: vec![late(3)],
            patrols: full_patrols(),
            ..Default::default()
        };
        let (rules, o) = run(
            vec![(worker("1", 0), rows_a), (worker("2", 1), rows_b)],
            vec![rank_param("1")],
        );
        let o = o.unwrap();
        assert_eq!(col(&rules, &o, 0, "work.capped"), d("6"), "role a is not charged");
        assert_eq!(col(&rules, &o, 1, "work.capped"), d("5"), "role b is");
    }

    #[test]
    fn a_month_of_the_quarter_with_no_row_in_any_sheet_is_named_in_a_note() {
        // A worker's events, one a month named, on the 3rd.
        let in_months = |months: &[u32]| WorkerRows {
            events: months
                .iter()
                .map(|&m| Event {
                    date: day(m, 3),
                    ..event(1, "1", Some("低"), m)
                })
                .collect(),
            ..Default::default()
        };
        let note = |a: &[u32], b: &[u32]| {
            let workers = vec![(worker("1", 0), in_months(a)), (worker("2", 0), in_months(b))];
            let (_, o) = run(workers, vec![rank_param("1")]);
            o.unwrap()
                .warnings
                .into_iter()
                .find(|w| w.contains("无任何考勤、巡查或事件记录"))
        };
        let n = note(&[7], &[9]);
        assert!(n.as_deref().is_some_and(|n| n.starts_with("2026-08 ")), "{n:?}");
        assert_eq!(
            note(&[7], &[8, 9]),
            None,
            "every month has a row, on one worker or another"
        );
    }

    #[test]
    fn levels_bonuses_and_missing_patrols_add_up() {
        let mut patrols = full_patrols();
        patrols.retain(|p| !(p.date == day(7, 1) || (p.date == day(7, 2) && p.session == Session::Pm)));
        let rows = WorkerRows {
            events: vec![event(1, "2", Some("高"), 2), event(1, "1", Some("低"), 3)],
            patrols,
            ..Default::default()
        };
        let (rules, o) = run(vec![(worker("1", 0), rows)], vec![rank_param("1")]);
        let o = o.unwrap();
        assert_eq!(col(&rules, &o, 0, "plus"), d("7"), "2 × 3 + 1 × 1");
        assert_eq!(col(&rules, &o, 0, "minus"), d("-1.5"), "three patrols missing × 0.5");
        assert_eq!(o.subjects[0].total, d("15.5"));
    }

    #[test]
    fn a_veto_grades_vetoed_withholds_pay_and_leaves_the_quota_base() {
        let clean = || WorkerRows {
            patrols: full_patrols(),
            ..Default::default()
        };
        let vetoed = WorkerRows {
            events: vec![event(2, "1", None, 2)],
            patrols: full_patrols(),
            ..Default::default()
        };
        let (_, o) = run(
            vec![
                (worker("1", 0), clean()),
                (worker("2", 0), vetoed),
                (worker("3", 0), clean()),
            ],
            vec![rank_param("1")],
        );
        let o = o.unwrap();
        let s = &o.subjects;
        assert_eq!(s[1].vetoes, vec!["否决事项".to_string()]);
        assert_eq!(
            (s[1].grade.as_deref(), s[1].rank, s[1].pay_total),
            (Some("差"), None, d("0"))
        );
        // The two others tie on 10 (work 10): n = 2, 好 to round(1.0) = 1; the tie lifts both.
        assert_eq!((s[0].grade.as_deref(), s[2].grade.as_deref()), (Some("好"), Some("好")));
        assert_eq!(o.groups[0].ties, vec![vec![0, 2]]);
        assert!(s[2].overflow);
        // Grade pay 100.005 rounds half away from zero to 100.01; rank 1 pays 30.
        assert_eq!(s[0].pay, vec![Some(d("100.01")), Some(d("30"))]);
        assert_eq!(s[0].pay_total, d("130.01"));
    }

    #[test]
    fn a_total_below_the_line_vetoes() {
        let rows = WorkerRows {
            events: vec![event(0, "3", None, 2)],
            ..Default::default()
        };
        // No patrols at all: 66 days × 2 × 0.5 = −66; total = 4 − 66 < 5.
        let (_, o) = run(vec![(worker("1", 0), rows)], vec![rank_param("1")]);
        let o = o.unwrap();
        assert_eq!(o.subjects[0].total, d("-62"));
        assert_eq!(o.subjects[0].vetoes, vec!["低于5分".to_string()]);
    }

    #[test]
    fn pay_bands_look_up_the_parameter_and_a_missing_one_is_an_error() {
        let rows = || WorkerRows {
            patrols: full_patrols(),
            ..Default::default()
        };
        for (rank, want) in [("2", "30"), ("3", "10"), ("5", "10"), ("6", "0")] {
            let (_, o) = run(vec![(worker("1", 0), rows())], vec![rank_param(rank)]);
            assert_eq!(o.unwrap().subjects[0].pay[1], Some(d(want)), "rank {rank}");
        }
        let (_, o) = run(vec![(worker("1", 0), rows())], vec![]);
        let e = o.unwrap_err().to_string();
        assert!(e.contains("a row 名称 = 名次"), "{e}");
        // Only role b: the parameter is not needed, and its column is blank.
        let (_, o) = run(vec![(worker("1", 1), rows())], vec![]);
        assert_eq!(o.unwrap().subjects[0].pay[1], None);
        // A value that is no rank (第一) is refused while the 参数 sheet is read, before any
        // scoring (tests/bad_input.rs: a_parameter_s_value_is_checked_as_the_sheet_is_read…).
    }

    #[test]
    fn scoring_that_lets_the_daily_rows_go_scores_every_worker_as_scoring_that_keeps_them() {
        // Five workers (two scoring threads or more), each with its own share of the patrols
        // missing and its own events: every worker must be scored from its own rows.
        let mut all = Vec::new();
        for k in 0..5 {
            let mut patrols = full_patrols();
            patrols.truncate(patrols.len() - 3 * k);
            let rows = WorkerRows {
                events: (0..k).map(|e| event(0, "1", None, 2 + (10 * k + e) as u32)).collect(),
                patrols,
                ..Default::default()
            };
            all.push((worker(&format!("{k}"), 0), rows));
        }
        let rules = crate::rules::parse(RULES, "test.toml").unwrap();
        let (workers, rows): (Vec<_>, Vec<_>) = all.into_iter().unzip();
        let mut inputs = Inputs {
            workers,
            rows,
            params: vec![rank_param("1")],
            ..Default::default()
        };
        let q = Period::parse(crate::period::PeriodKind::Quarter, "2026Q3").unwrap();
        let cal = Calendar::builtin("cn").unwrap();
        let kept = score(&inputs, &rules, q, &cal).unwrap();
        let released = score_releasing(&mut inputs, &rules, q, &cal, &History::default()).unwrap();
        assert_eq!(format!("{released:?}"), format!("{kept:?}"));
        // The workers differ (3 patrols fewer each), so a mix-up of rows would show above.
        assert_ne!(kept.subjects[0].total, kept.subjects[4].total);
        // The daily rows are gone; the events, which other workers' scoring may read, stay.
        assert!(inputs
            .rows
            .iter()
            .all(|r| r.attendance.is_empty() && r.patrols.is_empty()));
        assert_eq!(inputs.rows[4].events.len(), 4);
    }
}
