//! huishan end to end on `examples/huishan` (2026Q3, computed month by month and paid per
//! quarter; and the year end), each figure against a hand computation written beside it. The
//! workers' rows are listed in `examples/make_huishan_example.rs`. Items count yuan.
mod common;
use common::{csv_rows, Row};
use std::path::Path;

fn run(kind: &str, period: &str, out: &Path) -> (Vec<Row>, Option<Vec<Row>>) {
    common::scheme_run(kind, "huishan", period, period, Path::new("examples/huishan"), out).success();
    let pays = out.join("payouts.csv");
    (
        csv_rows(&out.join("scores.csv")),
        pays.exists().then(|| csv_rows(&pays)),
    )
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn the_quarter_pays_the_sum_of_its_months() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pays) = run("quarter", "2026Q3", &dir.path().join("out"));
    let pays = pays.expect("a quarter run pays");
    // 0102, clean: each month base 100 + info 150 + two 二级 × 5 = 260; the quarter 780.
    let p = of(&pays, "0102");
    assert_eq!(
        (p["base"].as_str(), p["info"].as_str(), p["info_reward"].as_str()),
        ("300.00", "450.00", "30.00")
    );
    assert_eq!(p["amount"], "780.00");
    // 0103: July 3 一级 of 5 (−60), August none (−5 × 30 = −150, the month's whole 150):
    // info_short −210; rewards 10 + 0 + 10: 300 + 450 − 210 + 20 = 560.
    let p = of(&pays, "0103");
    assert_eq!((p["info_short"].as_str(), p["amount"].as_str()), ("-210.00", "560.00"));
    // 0104: July three 四级 (90) and two 二级 (10): 100, capped at 50 a month; August and
    // September 10 each: 70. 特别重大信息 200 from its row. 0104 works in 0107's grid
    // (上坑村1号网格), where August has a 非正常上访: its August base is not paid either (D6.4,
    // "辖区内"): 300 − 100 + 450 + 70 + 200 = 920.
    let p = of(&pays, "0104");
    assert_eq!(
        (
            p["info_reward"].as_str(),
            p["special"].as_str(),
            p["base_lost"].as_str(),
            p["amount"].as_str()
        ),
        ("70.00", "200.00", "-100.00", "920.00")
    );
    // 0107: a petition in the grid in August: that month's base is not paid: 780 − 100.
    assert_eq!(of(&pays, "0107")["base_lost"], "-100.00");
    assert_eq!(of(&pays, "0107")["amount"], "680.00");
    // 0102, in another grid, keeps its August base.
    assert_eq!(of(&pays, "0102")["base_lost"], "0.00");
}

#[test]
fn an_event_reported_twice_counts_once_at_its_highest_level_for_the_first_reporter() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pays) = run("quarter", "2026Q3", &dir.path().join("out"));
    let pays = pays.unwrap();
    // HS-DUP-1: 0105 reported it on 07-06 (一级) and it was handled at 三级 (07-09); 0106
    // reported it on 07-07. It counts once, at 三级 (15), for 0105: July 10 + 15 = 25,
    // the quarter 25 + 10 + 10 = 45. 0106 gets nothing for it: 30, like 0102.
    assert_eq!(of(&pays, "0105")["info_reward"], "45.00");
    assert_eq!(of(&pays, "0106")["info_reward"], "30.00");
    // Neither's 一级 quota counts it (its level is 三级): both keep their usual six.
    assert_eq!(of(&pays, "0105")["info_short"], "0.00");
}

#[test]
fn a_worker_without_reward_is_listed_and_paid_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run("quarter", "2026Q3", &dir.path().join("out"));
    // 0101, the 村书记 as 网格长 (不享受奖励): scored like 0102, paid 0.
    assert_eq!(of(&scores, "0101")["total"], "780");
    assert_eq!(of(&pays.unwrap(), "0101")["amount"], "0.00");
}

#[test]
fn exit_conditions_are_flagged_not_vetoed() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, _) = run("quarter", "2026Q3", &dir.path().join("out"));
    let s = of(&scores, "0103");
    assert_eq!(s["flags"], "信息考核未完成;一个月未报送任何事件(退出)");
    assert_eq!(s["veto"], "");
    assert_eq!(
        of(&scores, "0108")["flags"],
        "不支持配合(退出);本人或近亲属非正常上访(退出)"
    );
    assert_eq!(of(&scores, "0102")["flags"], "");
}

#[test]
fn the_quarter_workbook_shows_each_month_beside_the_sum() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run("quarter", "2026Q3", &out);
    let mut wb: Xlsx<_> = open_workbook(out.join("score-2026Q3.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["排名", "明细", "分月", "说明"]);
    let sheet = wb.worksheet_range("分月").unwrap();
    let mut rows = sheet.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |h: &str| {
        header
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("no {h} in {header:?}"))
    };
    // Month runs pay nothing (paid per quarter): each month's 合计 beside the quarter's.
    assert!(!header.iter().any(|h| h == "7月应发"), "{header:?}");
    let (jul, aug, sep, q) = (col("7月合计"), col("8月合计"), col("9月合计"), col("2026年第3季度合计"));
    let row = rows
        .find(|r| r[0] == Data::String("0103".into()))
        .expect("0103 on 分月");
    let n = |c: usize| match &row[c] {
        Data::Float(x) => *x,
        other => panic!("{other:?}"),
    };
    // 0103: July 100 + 150 − 60 + 10 = 200; August 100 + 150 − 150 = 100; September 260.
    assert_eq!((n(jul), n(aug), n(sep)), (200.0, 100.0, 260.0));
    assert_eq!(n(q), 560.0, "the quarter is the sum of its months");
}

#[test]
fn a_month_is_computed_but_not_paid() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run("month", "2026-08", &dir.path().join("out"));
    // 二(四)2: paid per quarter; the month's run scores (0107's August: 260 − 100) and pays nothing.
    assert_eq!(of(&scores, "0107")["total"], "160");
    assert!(pays.is_none());
}

/// Issue 14, 7: a year run on one quarter of data exited 0 with a note. huishan counts its year
/// month by month (lateness, monthly quotas), so nine months without a row are an error.
#[test]
fn a_year_run_on_one_quarters_inputs_is_refused_naming_the_missing_months() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = common::run_fails(
        &[
            "year",
            "--scheme",
            "huishan",
            "--period",
            "2026",
            "--history-from",
            "2026",
        ],
        Path::new("examples/huishan"),
        &out,
    );
    assert!(
        err.contains("a year's inputs: rule set huishan counts the year month by month, and no sheet has a row in 2026-01, 2026-02, 2026-03, 2026-04, 2026-05, 2026-06, 2026-10, 2026-11, 2026-12"),
        "{err}"
    );
}

/// The year end on the example's quarter, scored from the months it has: a copy of the rule
/// set that declares `year_from_present_months` (the built-in one refuses, as above).
#[test]
fn the_year_end_pays_600_less_lateness_and_the_committees_award_to_the_top_20_percent() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("rulesets/huishan.toml").unwrap();
    let rules = dir.path().join("huishan.toml");
    std::fs::write(
        &rules,
        text.replacen("[scheme]\n", "[scheme]\nyear_from_present_months = true\n", 1),
    )
    .unwrap();
    let out = dir.path().join("out");
    let a = common::gridscore()
        .args(["year", "--rules"])
        .arg(&rules)
        .args([
            "--period",
            "2026",
            "--history-from",
            "2026",
            "--input",
            "examples/huishan",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let said = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        said.contains("年度按已有月份评分 (规则集声明): 2026-01"),
        "the run says so: {said}"
    );
    let (scores, pays) = (
        csv_rows(&out.join("scores.csv")),
        Some(csv_rows(&out.join("payouts.csv"))),
    );
    let pays = pays.unwrap();
    // 0102: late twice: 600 − 2 × 25 = 550. 0103: absent once: 600 − 50 = 550.
    assert_eq!(of(&pays, "0102")["yearend"], "550.00");
    assert_eq!(of(&pays, "0103")["yearend"], "550.00");
    // 20% of 8 rounds to 2 优秀, the best year totals: 0104 and 0105, each the 参数 优秀奖励 500.
    let excellent: Vec<&str> = scores
        .iter()
        .filter(|s| s["grade"] == "优秀")
        .map(|s| s["id"].as_str())
        .collect();
    assert_eq!(excellent, vec!["0104", "0105"]);
    assert_eq!(of(&pays, "0104")["excellent"], "500.00");
    assert_eq!(of(&pays, "0106")["excellent"], "0.00");
    assert_eq!(of(&pays, "0101")["amount"], "0.00", "不享受奖励");
}

#[test]
fn the_same_worker_reporting_an_event_twice_at_one_level_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    // A1 twice by 0001 at 一级 is a duplicate; by 0002, or at 二级, it is the same event again.
    common::write_sheets(
        &input,
        &[
            ("花名册", "编号,姓名,岗位\n0001,甲,网格员\n0002,乙,网格员\n"),
            ("考勤", "编号,日期,状态\n"),
            (
                "事件",
                "事件编号,编号,类型,日期,级别\nA1,0001,事件信息,2026-07-03,一级\nA1,0002,事件信息,2026-07-04,一级\nA1,0001,事件信息,2026-07-05,二级\nA1,0001,事件信息,2026-07-06,一级\nB1,0001,非正常上访,2026-07-07,\nB1,0002,非正常上访,2026-07-08,\n",
            ),
        ],
    );
    let args = [
        "month",
        "--scheme",
        "huishan",
        "--period",
        "2026-07",
        "--history-from",
        "2026-07",
    ];
    let err = common::run_fails(&args, &input, &dir.path().join("out"));
    assert!(
        err.contains("事件!5") && err.contains("one row per worker and 级别 for an event"),
        "{err}"
    );
    // A 类型 not counted once per event keeps 事件编号 unique.
    assert!(
        err.contains("事件!7") && err.contains("a unique 事件编号; it is already used at 事件!6"),
        "{err}"
    );
    assert!(!err.contains("事件!3 ") && !err.contains("事件!4 "), "{err}");
}

#[test]
fn the_example_exercises_every_rule_of_the_rule_set() {
    common::assert_every_rule_fires_in("huishan", "examples/huishan", &["2026Q3", "2026"]);
}

/// Issue 14 (D6.3): for a scheme scored month by month, the quarter's 分月 months are exactly
/// its month runs' totals, for every worker, and add up to its 合计. (An event reported across
/// a month boundary was credited in both months, or to the wrong worker, by the month runs.)
#[test]
fn every_month_on_the_quarters_sheet_is_the_month_run_and_they_add_up_to_the_quarter() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q");
    run("quarter", "2026Q3", &out);
    let mut wb: Xlsx<_> = open_workbook(out.join("score-2026Q3.xlsx")).unwrap();
    let sheet = wb.worksheet_range("分月").unwrap();
    let mut rows = sheet.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let num = |c: &Data| match c {
        Data::Float(x) => rust_decimal::Decimal::try_from(*x).unwrap(),
        Data::Int(x) => rust_decimal::Decimal::from(*x),
        other => panic!("{other:?}"),
    };
    let months: Vec<(usize, Vec<Row>)> = [7, 8, 9]
        .iter()
        .map(|m| {
            let (scores, _) = run("month", &format!("2026-{m:02}"), &dir.path().join(format!("m{m}")));
            (col(&format!("{m}月合计")), scores)
        })
        .collect();
    let quarter = col("2026年第3季度合计");
    let mut checked = 0;
    for row in rows {
        let id = row[0].to_string();
        let mut sum = rust_decimal::Decimal::ZERO;
        for (c, scores) in &months {
            let month: rust_decimal::Decimal = of(scores, &id)["total"].parse().unwrap();
            assert_eq!(num(&row[*c]), month, "{id}, {}", header[*c]);
            sum += month;
        }
        assert_eq!(num(&row[quarter]), sum, "{id}: the months add up to the quarter");
        checked += 1;
    }
    assert!(checked >= 8, "{checked} workers");
}
