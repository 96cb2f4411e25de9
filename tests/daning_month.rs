//! daning end to end on `examples/daning` (months of 2026Q3, and the year-end run), each
//! figure against a hand computation written beside it. The workers' rows are listed in
//! `examples/make_daning_example.rs`. The appraisal is money: items count yuan.
mod common;
use common::{csv_rows, Row};
use std::path::Path;

fn run(kind: &str, period: &str, input: &Path, out: &Path) -> (Vec<Row>, Vec<Row>) {
    common::scheme_run(kind, "daning", period, period, input, out).success();
    (csv_rows(&out.join("scores.csv")), csv_rows(&out.join("payouts.csv")))
}

/// The example's three month runs, archived under `dir/out` as a month-end batch leaves them.
fn three_months(dir: &Path) -> std::path::PathBuf {
    let archive = dir.join("out");
    for m in ["2026-07", "2026-08", "2026-09"] {
        run("month", m, &example(), &archive.join(format!("daning-{m}")));
    }
    archive
}

/// The year run on the months in `archive`, which must fail and write nothing: its stderr.
fn year_fails(archive: &Path) -> String {
    let args = [
        "year",
        "--scheme",
        "daning",
        "--period",
        "2026",
        "--history-from",
        "2026-07",
    ];
    common::run_fails(&args, &example(), &archive.join("daning-2026"))
}

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/daning")
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn july_pays_the_base_the_reports_up_to_20_and_the_rewards() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run("month", "2026-07", &example(), &dir.path().join("out"));
    // 0101 农村: 500 × 70% = 350; 25 reports, the first 20 × 7.5 = 150.
    let p = of(&pays, "0101");
    assert_eq!(
        (p["base"].as_str(), p["reports"].as_str(), p["amount"].as_str()),
        ("350.00", "150.00", "500.00")
    );
    // … and 5 beyond the quota × 5 = 25, accrued for the year end, not paid in the month.
    assert_eq!(of(&scores, "0101")["extra"], "25");
    // 0102 社区兼职: 700 + 20 × 15 + a 市 commendation 20 = 1020.
    assert_eq!(of(&pays, "0102")["amount"], "1020.00");
    // 0103 社区专职: 1630 × 70% = 1141; 20 × 24.5 = 490; 重大信息 200 + 特别重大信息 800 from
    // the rows' 金额: 2631. 14 beyond the quota × 5 = 70, capped at 50 a month.
    let p = of(&pays, "0103");
    assert_eq!(
        (p["base"].as_str(), p["reports"].as_str(), p["major"].as_str()),
        ("1141.00", "490.00", "1000.00")
    );
    assert_eq!(p["amount"], "2631.00");
    assert_eq!(of(&scores, "0103")["extra"], "50");
}

#[test]
fn penalties_and_flags_for_a_short_month() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run("month", "2026-07", &example(), &dir.path().join("out"));
    // 0104: 15 sign-ins of 20 (−5 × 10) and 不服从指令 (−30): −80; 12 reports × 7.5 = 90.
    let p = of(&pays, "0104");
    assert_eq!(
        (p["reports"].as_str(), p["penalties"].as_str(), p["amount"].as_str()),
        ("90.00", "-80.00", "360.00")
    );
    // Both shortfalls fail the month (flags, for the committee; nothing is vetoed).
    let s = of(&scores, "0104");
    assert_eq!(s["flags"], "签到不足20次(考核不合格);有效信息不足20条(考核不合格)");
    assert_eq!(s["veto"], "");
    // A community part-timer has no report quota: 0102's 22 reports raise nothing either way.
    assert_eq!(of(&scores, "0102")["flags"], "");
}

#[test]
fn a_city_criticism_vetoes_the_month_withholding_performance_but_not_the_base() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run("month", "2026-08", &example(), &dir.path().join("out"));
    // 0105 in August: 21 reports would pay 490; vetoed, it pays the base 1141 only.
    assert_eq!(of(&scores, "0105")["veto"], "被市以上通报批评");
    let p = of(&pays, "0105");
    assert_eq!(
        (p["reports"].as_str(), p["base"].as_str(), p["amount"].as_str()),
        ("0.00", "1141.00", "1141.00")
    );
    // 0107: 配合不力被通报 −30 and a 省 commendation +30; the fabrication is flagged.
    let p = of(&pays, "0107");
    assert_eq!(
        (
            p["commendation"].as_str(),
            p["penalties"].as_str(),
            p["amount"].as_str()
        ),
        ("30.00", "-30.00", "500.00")
    );
    assert!(of(&scores, "0107")["flags"].contains("捏造事实弄虚作假(淘汰)"));
}

#[test]
fn september_flags_a_month_without_a_valid_report() {
    let dir = tempfile::tempdir().unwrap();
    let (scores, pays) = run("month", "2026-09", &example(), &dir.path().join("out"));
    // 0106: no report (flag), 未报引发案件 −100: 700 − 100 = 600.
    assert_eq!(of(&pays, "0106")["amount"], "600.00");
    assert!(of(&scores, "0106")["flags"].contains("当月无有效信息"));
    // 0108: a 县 commendation +10; 迟报漏报致恶性案件 is flagged.
    assert_eq!(of(&pays, "0108")["amount"], "510.00");
    assert!(of(&scores, "0108")["flags"].contains("迟报漏报致恶性案件(淘汰)"));
}

#[test]
fn the_year_end_is_built_from_the_month_runs_and_names_those_missing() {
    // The year-end reward sums the month runs' accruals (第十一条 1, 年底发放): with only the
    // example's three months in the archive, the year run names the three it lacks.
    let dir = tempfile::tempdir().unwrap();
    let archive = three_months(dir.path());
    let err = year_fails(&archive);
    assert!(
        err.contains("not in the archive: 2026-10") && err.contains("2026-12"),
        "{err}"
    );
    assert!(!err.contains("2026-07 ("), "{err}");
}

#[test]
fn an_amount_outside_its_range_is_an_error_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    // 重大信息 pays 100 to 300 元; 350 is refused, and so is a blank amount.
    common::write_sheets(
        &input,
        &[
            ("花名册", "编号,姓名,岗位\n0001,甲,农村网格员\n"),
            ("考勤", "编号,日期,状态\n0001,2026-07-01,出勤\n"),
            (
                "事件",
                "事件编号,编号,类型,日期,金额\nA1,0001,重大信息,2026-07-08,350\nA2,0001,重大信息,2026-07-09,\nA3,0001,特别重大信息,2026-07-10,800\n",
            ),
        ],
    );
    let args = [
        "month",
        "--scheme",
        "daning",
        "--period",
        "2026-07",
        "--history-from",
        "2026-07",
    ];
    let err = common::run_fails(&args, &input, &dir.path().join("out"));
    assert!(err.contains("事件!E2") && err.contains("found \"350\""), "{err}");
    assert!(err.contains("a 金额 from 100 to 300 for this 类型"), "{err}");
    assert!(err.contains("事件!E3"), "a blank amount is refused too: {err}");
    assert!(!err.contains("事件!E4"), "800 is within 500–1000: {err}");
}

#[test]
fn the_example_exercises_every_rule_of_the_rule_set() {
    // The year-end pay rule (extra) is exercised by the_year_end_run_pays_the_extra_reports….
    common::assert_every_rule_fires_in("daning", "examples/daning", &["2026-07", "2026-08", "2026-09"]);
}

#[test]
fn issue15_an_earlier_run_whose_value_does_not_read_is_refused_never_summed_as_0() {
    // The year-end reward sums each month run's `extra`. An August whose `extra` was edited to
    // text, and a September scored without the item, are named (file, row, column, value) —
    // before, each counted 0 and the year paid less without a word.
    let dir = tempfile::tempdir().unwrap();
    let archive = three_months(dir.path());
    // Folders written before results files, whose scores.csv later runs read instead.
    let edit = |m: &str, f: &dyn Fn(Vec<String>) -> Vec<String>| {
        std::fs::remove_file(archive.join(format!("daning-{m}/results.toml"))).unwrap();
        let p = archive.join(format!("daning-{m}/scores.csv"));
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<String> = text.split("\r\n").map(str::to_string).collect();
        std::fs::write(&p, f(lines).join("\r\n")).unwrap();
    };
    let extra_at = |header: &str| {
        header
            .trim_start_matches('\u{feff}')
            .split(',')
            .position(|c| c == "extra")
            .unwrap()
    };
    edit("2026-08", &|mut lines| {
        let at = extra_at(&lines[0]);
        let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
        cells[at] = "二十五".into();
        lines[1] = cells.join(",");
        lines
    });
    edit("2026-09", &|lines| {
        let at = extra_at(&lines[0]);
        lines
            .into_iter()
            .map(|l| {
                let mut cells: Vec<&str> = l.split(',').collect();
                if cells.len() > at {
                    cells.remove(at);
                }
                cells.join(",")
            })
            .collect()
    });
    let err = year_fails(&archive);
    assert!(
        err.contains("daning-2026-08/scores.csv: row 2, column `extra`: found `二十五`, expected a number"),
        "{err}"
    );
    assert!(
        err.contains("daning-2026-09/scores.csv has no column `extra`, which this run sums over its month runs"),
        "{err}"
    );
}

#[test]
fn issue15_an_earlier_run_s_results_file_whose_value_does_not_read_is_refused_at_its_line() {
    // The year reads each month's results.toml: an `extra` edited to text is named with its
    // line, never summed as 0.
    let dir = tempfile::tempdir().unwrap();
    let archive = three_months(dir.path());
    let p = archive.join("daning-2026-08/results.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text.replacen("extra = \"", "extra = \"二十五", 1);
    assert_ne!(edited, text);
    std::fs::write(&p, edited).unwrap();
    let err = year_fails(&archive);
    assert!(
        err.contains("daning-2026-08/results.toml: not a results file gridscore can read") && err.contains("line "),
        "{err}"
    );
}

/// A worker with sign-ins in August and September and no report in either: 当月无有效信息 in
/// both months, so September raises 连续两个月无有效信息 — a look-back on the flag's id.
fn no_report_in_august_and_september(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("in");
    let mut attendance = String::from("编号,日期,状态\n");
    for d in ["2026-08-03", "2026-08-04", "2026-09-01", "2026-09-02"] {
        attendance.push_str(&format!("0001,{d},出勤\n"));
    }
    common::write_sheets(
        &input,
        &[
            ("花名册", "编号,姓名,岗位\n0001,甲,农村网格员\n"),
            ("考勤", &attendance),
            ("事件", "事件编号,编号,类型,日期\n"),
        ],
    );
    input
}

#[test]
fn issue15_a_flag_reworded_between_months_is_still_looked_back_on_by_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let input = no_report_in_august_and_september(dir.path());
    let archive = dir.path().join("out");
    let (august, _) = run("month", "2026-08", &input, &archive.join("daning-2026-08"));
    assert!(of(&august, "0001")["flags"].contains("当月无有效信息(连续两月淘汰)"));
    // September's rule set rewords the flag's label; its id stays `no_report`.
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/daning.toml")).unwrap();
    let reworded = text.replacen(
        "label = \"当月无有效信息(连续两月淘汰)\"",
        "label = \"本月无有效信息\"",
        1,
    );
    assert_ne!(reworded, text);
    let rules = dir.path().join("daning.toml");
    std::fs::write(&rules, reworded).unwrap();
    let september = |out: &str| {
        common::gridscore()
            .args(["month", "--period", "2026-09", "--history-from", "2026-08", "--rules"])
            .arg(&rules)
            .arg("--input")
            .arg(&input)
            .arg("--archive")
            .arg(&archive)
            .arg("--out")
            .arg(archive.join(out))
            .assert()
            .success();
        csv_rows(&archive.join(out).join("scores.csv"))
    };
    // August's results.toml records the id: the look-back holds.
    let flags = of(&september("daning-2026-09"), "0001")["flags"].clone();
    assert!(
        flags.contains("本月无有效信息") && flags.contains("连续两个月无有效信息(淘汰)"),
        "{flags}"
    );
    // A folder written before results files records labels only: the old label matches no
    // flag of the reworded rule set, so the look-back cannot hold (why results record ids).
    std::fs::remove_file(archive.join("daning-2026-08/results.toml")).unwrap();
    let flags = of(&september("daning-2026-09b"), "0001")["flags"].clone();
    assert!(
        flags.contains("本月无有效信息") && !flags.contains("连续两个月无有效信息"),
        "{flags}"
    );
}
