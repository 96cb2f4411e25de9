//! chengnan end to end on `examples/chengnan` (2026Q3): the subjects are villages and
//! communities, scored from the 指标 sheet, the survey and incident rows, and ranked; no money.
//! Each total against a hand computation written beside it; the units' inputs are listed in
//! `examples/make_chengnan_example.rs`.
mod common;
use common::{csv_rows, gridscore, Row};
use std::path::Path;

fn run(input: &Path, out: &Path) -> Vec<Row> {
    gridscore()
        .args(["quarter", "--scheme", "chengnan", "--period", "2026Q3", "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    csv_rows(&out.join("scores.csv"))
}

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengnan")
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn units_are_scored_from_their_indicators_and_ranked() {
    let dir = tempfile::tempdir().unwrap();
    let scores = run(&example(), &dir.path().join("out"));
    // CN01, every indicator at its best: 46 + 16 + 8; 知晓 96% × 15 = 14.4, 满意 94% × 15 =
    // 14.1: 98.5; a 靖江 site meeting +2: 100.5 (the total is not capped).
    assert_eq!(of(&scores, "CN01")["total"], "100.5");
    // CN02: 党建 9/10 × 6 = 5.4, 登录 18/20 → 5.4, 人房 980/1000 → 5.88, 走访 85% → 5.1,
    // 办结 6; 虚假 3 × 0.1 → 1.7; 完整率 85% → 1.5; 关联 88% → 0, 85% → 1, 70% → 1; 反馈
    // 75% → 2; 采集 4 grids × 0.1 → 2.6: data 37.58. 阵地 3, 人员 50% → 1.5, 机制 2 missing →
    // 6: 10.5. Inspection 6.5. Respondents 8 and 9 of 10: 12 and 13.5. 80.08.
    let w = of(&scores, "CN02");
    assert_eq!(w["data"], "37.58");
    assert_eq!(
        (w["centre"].as_str(), w["safety"].as_str(), w["aware"].as_str()),
        ("10.5", "6.5", "12")
    );
    // CN04: five rates at 80% → 24; 完整率 65% → 0.5; the rest full: data 38.5; 85 before
    // three 民转刑命案 (−0.6), a crime gathering place (−0.5) and 泰州 adopting its
    // experience (+3): 86.9.
    assert_eq!(of(&scores, "CN04")["data"], "38.5");
    assert_eq!(of(&scores, "CN04")["total"], "86.9");
    // Ranked over all units.
    let order: Vec<&str> = scores.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(order, vec!["CN01", "CN03", "CN04", "CN02"]);
    assert_eq!(of(&scores, "CN02")["rank"], "4");
}

#[test]
fn a_unit_hitting_a_deduction_cap_loses_only_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let scores = run(&example(), &dir.path().join("out"));
    // CN02: 12 key persons out of control × 0.5 = 6, capped at 5: 80.08 − 5 = 75.08.
    let w = of(&scores, "CN02");
    assert_eq!(
        (w["five_nones.out_of_control"].as_str(), w["total"].as_str()),
        ("-5", "75.08")
    );
    // CN03: 群体性事件 2 × 2 + 3 = 7, capped at 6; a 重大 crime −1 (its own cap): −7; two items
    // of news adopted by the province +10: 96.5 − 7 + 10 = 99.5.
    let w = of(&scores, "CN03");
    assert_eq!(
        (w["five_nones.mass_incident"].as_str(), w["five_nones"].as_str()),
        ("-6", "-7")
    );
    assert_eq!(w["total"], "99.5");
}

#[test]
fn there_is_no_payout_and_the_workbook_says_so() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run(&example(), &out);
    assert!(!out.join("payout-2026Q3.xlsx").exists() && !out.join("payouts.csv").exists());
    let mut wb: Xlsx<_> = open_workbook(out.join("score-2026Q3.xlsx")).unwrap();
    let rank = wb.worksheet_range("排名").unwrap();
    let header: Vec<String> = rank.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert!(
        header.contains(&"名称".to_string()) && header.contains(&"类型".to_string()),
        "{header:?}"
    );
    let about = wb.worksheet_range("说明").unwrap();
    assert!(about
        .rows()
        .any(|r| r.iter().any(|c| c.to_string().contains("不涉及资金"))));
}

/// Runs chengnan on one unit with these 指标 rows; returns stderr (the run must fail).
fn fails_with_indicators(indicators: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let indicators = format!("编号,指标,分子,分母,值\n{indicators}");
    common::write_sheets(
        &input,
        &[
            ("花名册", "编号,姓名,岗位\nCN01,城南村,村\n"),
            ("指标", &indicators),
            ("测评", "编号,知晓率,满意率\nCN01,90%,90%\n"),
            ("事件", "事件编号,编号,类型,日期\n"),
        ],
    );
    common::run_fails(
        &["quarter", "--scheme", "chengnan", "--period", "2026Q3"],
        &input,
        &dir.path().join("out"),
    )
}

#[test]
fn an_unknown_indicator_or_an_impossible_rate_is_an_error_naming_the_cell() {
    // 党建覆盖 is not an indicator the rule set reads; 11 of 10 is no rate.
    let err = fails_with_indicators("CN01,党建覆盖,9,10,\nCN01,网格党建覆盖率,11,10,\n");
    assert!(
        err.contains("指标!B2") && err.contains("an 指标 the rule set reads: ") && err.contains("网格党建覆盖率"),
        "{err}"
    );
    assert!(
        err.contains("指标!C3") && err.contains("a 分子 from 0 to the 分母"),
        "{err}"
    );
}

#[test]
fn a_missing_indicator_is_an_error_never_a_zero() {
    // Only 网格党建覆盖率 is given: every other rate or number the rule set reads is missing
    // (counts may be absent: none).
    let err = fails_with_indicators("CN01,网格党建覆盖率,9,10,\n");
    assert!(err.contains("no row 指标 = 终端登录率 for CN01 城南村"), "{err}");
    assert!(
        err.contains("no row 指标 = 平安稳定数据上报得分 for CN01 城南村"),
        "{err}"
    );
    assert!(!err.contains("no row 指标 = 虚假数据"), "a count may be absent: {err}");
}

#[test]
fn the_example_exercises_every_rule_of_the_rule_set() {
    common::assert_every_rule_fires("chengnan", "examples/chengnan", "2026Q3");
}
