//! xiangzhen2019 end to end on `examples/xiangzhen2019` (2026Q3), each figure against a hand
//! computation written beside it. The workers' deviations are listed in
//! `examples/make_xiangzhen2019_example.rs`. Total = 基础工作 × 0.8 + 满意率 × 100 × 0.2.
mod common;
use common::{csv_rows, Row};
use gridscore::output::said::text as said;
use std::path::Path;

fn run(out: &Path) -> (Vec<Row>, Vec<Row>) {
    common::scheme_run(
        "quarter",
        "xiangzhen2019",
        "2026Q3",
        "2026Q3",
        Path::new("examples/xiangzhen2019"),
        out,
    )
    .success();
    (csv_rows(&out.join("scores.csv")), csv_rows(&out.join("payouts.csv")))
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

/// The engine's result in-process, for the traces.
fn outcome() -> (gridscore::input::Inputs, gridscore::engine::Outcome) {
    let rules = gridscore::rules::load_builtin("xiangzhen2019").unwrap();
    let period = gridscore::period::Period::parse(gridscore::period::PeriodKind::Quarter, "2026Q3").unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/xiangzhen2019");
    let inputs = gridscore::input::load(&[dir], &rules.read_plan(period.kind), period).unwrap();
    let cal = gridscore::calendar::Calendar::builtin("cn").unwrap();
    let out = gridscore::engine::score(&inputs, &rules, period, &cal).unwrap();
    (inputs, out)
}

fn trace_of<'a>(
    inputs: &gridscore::input::Inputs,
    out: &'a gridscore::engine::Outcome,
    id: &str,
) -> &'a [gridscore::trace::TraceLine] {
    let s = out.subjects.iter().find(|s| inputs.workers[s.worker].id == id).unwrap();
    &s.trace
}

#[test]
fn totals_weigh_base_work_at_80_and_satisfaction_at_20_percent() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, _) = run(&dir.path().join("out"));
    // 0101: clean, 满意率 96%: 100 × 0.8 + 96 × 0.2 = 80 + 19.2.
    assert_eq!(of(&scores, "0101")["total"], "99.2");
    assert_eq!(of(&scores, "0101")["base"], "100");
    assert_eq!(of(&scores, "0101")["satisfaction"], "96");
    // 0104: entries thin in 3 weeks (−3), no screening in 2 (−1), a diary entry short once
    // (−1): base 95 → 76; 7 of 10 respondents satisfied → 70 × 0.2 = 14. Exactly 90.
    let w = of(&scores, "0104");
    assert_eq!(
        (
            w["base.records"].as_str(),
            w["base.screening"].as_str(),
            w["base.diary"].as_str()
        ),
        ("12", "14", "9")
    );
    assert_eq!(
        (w["base"].as_str(), w["satisfaction"].as_str(), w["total"].as_str()),
        ("95", "70", "90")
    );
    // 0103: entries −5, screening −1.5, 未代办 2 × 2, 代办不到位 1: base 88.5 → 70.8; 满意率
    // 95.95% → 95.95 × 0.2 = 19.19: 89.99.
    assert_eq!(of(&scores, "0103")["total"], "89.99");
    // 0203: 特殊人员漏访 3 (−3), August visits only on Mondays: four weeks one short (−0.4) and
    // August 5 of 20 (−1.5): visits 15.1, base 95.1 → 76.08; 满意率 60% → 12: 88.08.
    assert_eq!(of(&scores, "0203")["base.visits"], "15.1");
    assert_eq!(of(&scores, "0203")["total"], "88.08");
    // 0204: findings: records 13, opinion 0 (floored: −15), screening 14 (a 非访 at county
    // level −1), proxy 2, visits 20, diary 10, meetings 4: base 63 → 50.4; 80% → 16: 66.4.
    let w = of(&scores, "0204");
    assert_eq!(
        (w["base"].as_str(), w["base.opinion"].as_str(), w["total"].as_str()),
        ("63", "0", "66.4")
    );
}

#[test]
fn weekly_minimums_count_weeks_by_their_thursday_and_by_area() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, _) = run(&dir.path().join("out"));
    // 0101 (农村, two entries a week on Tuesday and Thursday): the week 06-29–07-05 belongs to Q3
    // (its Thursday is 07-02) and its Tuesday entry is dated 06-30, outside the quarter: read
    // and counted, so no week is short. The rows of 09-28–09-30 belong to Q4's first week.
    assert_eq!(of(&scores, "0101")["base.records"], "15");
    // 0202 (社区, needs five) makes four a week: every one of Q3's 13 weeks is short — not 14,
    // so the week of 09-28 is not Q3's — at −1 each: records 15 − 13 = 2.
    assert_eq!(of(&scores, "0202")["base.records"], "2");
    let (inputs, out) = outcome();
    let short: Vec<String> = trace_of(&inputs, &out, "0202")
        .iter()
        .map(|l| said(&l.said))
        .filter(|t| t.starts_with("每周录入不足"))
        .collect();
    assert_eq!(short.len(), 1);
    let line = trace_of(&inputs, &out, "0202")
        .iter()
        .find(|l| said(&l.said).starts_with("每周录入不足"))
        .unwrap();
    assert_eq!(line.count.to_string(), "13");
    let sources = gridscore::output::said::sources_text(&line.sources, 10_000);
    assert!(sources.starts_with("事件:2026-06-29(6/29–7/5周 4/5)"), "{sources}");
    assert!(
        sources.contains("9/21–9/27周 4/5") && !sources.contains("9/28"),
        "{sources}"
    );
    // 0105 does nothing weekly: 13 weeks short of screening at 0.5 = 6.5, and each month 20
    // household visits short: 3 × 20 × 0.1 = 6, with 13 × 2 × 0.1 = 2.6 for the weeks.
    let w = of(&scores, "0105");
    assert_eq!(
        (w["base.screening"].as_str(), w["base.visits"].as_str()),
        ("8.5", "11.4")
    );
    // 13 weeks × 2 diary entries = 26 points against 10: floored at 0, the floor traced.
    assert_eq!(w["base.diary"], "0");
    assert!(trace_of(&inputs, &out, "0105")
        .iter()
        .any(|l| &*l.item == "base.diary" && said(&l.said).starts_with("扣完为止")));
}

#[test]
fn a_worker_who_joins_mid_quarter_is_checked_and_paid_from_then_on() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run(&dir.path().join("out"));
    // 0205 joins on 08-01: July's weeks and month are not checked (no shortfall), and the
    // subsidy pays the two months the span covers: 1000 × 2.
    assert_eq!(of(&scores, "0205")["base"], "100");
    assert_eq!(of(&pays, "0205")["subsidy"], "2000.00");
}

#[test]
fn only_20_percent_may_be_excellent_and_the_rest_of_the_band_is_qualified() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, _) = run(&dir.path().join("out"));
    // Ten workers: round(10 × 20%) = 2 places. Five reach 90 (99.2, 99, 98.6, 98.4, 90).
    let grade = |id: &str| of(&scores, id)["grade"].clone();
    assert_eq!((grade("0101"), grade("0102")), ("优秀".to_string(), "优秀".to_string()));
    for id in ["0201", "0205", "0104"] {
        assert_eq!(grade(id), "合格", "{id} reaches 90 but is past the 20% line");
    }
    // 89.99 is below 90; 70 and above is 合格, below 不合格.
    assert_eq!(grade("0103"), "合格");
    assert_eq!(
        (grade("0204"), grade("0105")),
        ("不合格".to_string(), "不合格".to_string())
    );
    assert_eq!(of(&scores, "0104")["rank"], "5");
}

#[test]
fn failing_workers_get_70_percent_and_the_pool_goes_to_the_excellent_to_the_fen() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pays) = run(&dir.path().join("out"));
    // 0105: 月补贴 1000.01 × 3 = 3000.03; × 70% = 2100.021 → 2100.02; withheld 900.01.
    assert_eq!(of(&pays, "0105")["subsidy"], "2100.02");
    // 0204: 3000 × 70% = 2100; withheld 900.
    assert_eq!(of(&pays, "0204")["subsidy"], "2100.00");
    // The pool, 1800.01, shared by the two 优秀: 900.00 each, and the remainder fen to the
    // higher ranked, 0101.
    assert_eq!(of(&pays, "0101")["excellence"], "900.01");
    assert_eq!(of(&pays, "0102")["excellence"], "900.00");
    assert_eq!(of(&pays, "0101")["amount"], "3900.01");
    assert_eq!(of(&pays, "0201")["excellence"], "0.00");
    let (inputs, out) = outcome();
    let line = trace_of(&inputs, &out, "0101")
        .iter()
        .find(|l| &*l.item == "excellence")
        .unwrap();
    assert_eq!(
        said(&line.said),
        "季度补贴合计扣发1800.01元 ÷ 2人 = 900.00元 + 余数0.01元 (第1位)"
    );
}

#[test]
fn the_example_exercises_every_rule_of_the_rule_set() {
    common::assert_every_rule_fires("xiangzhen2019", "examples/xiangzhen2019", "2026Q3");
}

#[test]
fn a_void_row_counts_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, _) = run(&dir.path().join("out"));
    // 0201 has a 非访 at city level with 有效 = 否: its screening stays 15.
    assert_eq!(of(&scores, "0201")["base.screening"], "15");
}
