//! The auditor's re-run (issue #5): an archived run verifies, a tampered one does not, two runs
//! diff subject by subject, one subject's numbers are explained, an old period takes the rules
//! of then, and look-back rules read earlier runs from the archive.
mod common;
use common::{csv_rows, gridscore};
use std::path::{Path, PathBuf};

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

fn yangkou_run(out: &Path) {
    common::yangkou_quarter(out).assert().success();
}

/// A small daning month as CSV: 0001 filed `reports` valid reports and signed in 20 times.
fn daning_input(dir: &Path, reports: u32, late_row: bool) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("花名册.csv"),
        "编号,姓名,岗位\n0001,甲,农村网格员\n0002,乙,社区兼职网格员\n",
    )
    .unwrap();
    let mut att = String::from("编号,日期,状态\n");
    for d in 1..=20 {
        let status = if late_row && d == 2 { "迟到" } else { "出勤" };
        att.push_str(&format!("0001,2026-07-{d:02},{status}\n0002,2026-07-{d:02},出勤\n"));
    }
    std::fs::write(dir.join("考勤.csv"), att).unwrap();
    std::fs::write(
        dir.join("事件.csv"),
        format!(
            "事件编号,编号,类型,日期,数量\nA1,0001,有效信息,2026-07-03,{reports}\nB1,0002,有效信息,2026-07-03,20\n"
        ),
    )
    .unwrap();
}

fn daning_run(input: &Path, out: &Path) {
    common::scheme_run("month", "daning", "2026-07", "2026-07", input, out).success();
}

#[test]
fn a_run_folder_archives_its_inputs_rules_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou_run(&out);
    let m = gridscore::archive::read(&out).unwrap();
    assert_eq!(
        (m.scheme.as_str(), m.period.as_str(), m.run.as_str()),
        ("yangkou", "2026Q3", "quarter")
    );
    assert_eq!(m.rules.version, "2022.1");
    assert_eq!(m.inputs.len(), 2);
    for i in &m.inputs {
        // The original's SHA-256 (the one 说明 shows) is the clerk's file as it was read …
        let original = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(&i.original)).unwrap();
        assert_eq!(gridscore::rules::sha256_hex(&original), i.sha256, "{}", i.original);
        assert!(i.original.starts_with("examples/yangkou/"), "{}", i.original);
        // … and the archive holds each sheet read from it, as read.
        assert_eq!(i.extracts.len(), i.sheets.len());
        for x in &i.extracts {
            let bytes = std::fs::read(out.join(&x.file)).unwrap();
            assert_eq!(gridscore::rules::sha256_hex(&bytes), x.sha256, "{}", x.file);
            assert_eq!(x.file, format!("inputs/{}.cells.csv", x.sheet));
        }
    }
    // Every 参数 row, with its row.
    assert!(m
        .params
        .iter()
        .any(|p| p.name == "县排名" && p.period.as_deref() == Some("2026-07") && p.value == "3"));
    // Every output with its SHA-256: the score and payout workbooks, the two CSV files, the
    // results later runs read, the 公示 notice and the bank file; the rule set's exact text.
    let names: Vec<&str> = m.outputs.iter().map(|o| o.file.as_str()).collect();
    assert_eq!(
        names,
        [
            "score-2026Q3.xlsx",
            "scores.csv",
            "results.toml",
            "publication-2026Q3.xlsx",
            "payout-2026Q3.xlsx",
            "payouts.csv",
            "bank-2026Q3.xlsx"
        ]
    );
    let rules = std::fs::read(out.join("rules.toml")).unwrap();
    assert_eq!(gridscore::rules::sha256_hex(&rules), m.rules.sha256);
}

#[test]
fn verify_says_identical_for_an_untouched_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou_run(&out);
    let a = gridscore().arg("verify").arg(&out).assert().success();
    assert!(stdout(&a).contains("identical"), "{}", stdout(&a));
}

#[test]
fn verify_lists_every_difference_when_an_archived_input_was_altered() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("run"));
    daning_input(&input, 25, false);
    daning_run(&input, &out);
    // Someone edits the archive: 25 reports become 10.
    let ev = out.join("inputs/事件.cells.csv");
    let text = std::fs::read_to_string(&ev).unwrap().replace(",s:25\n", ",s:10\n");
    std::fs::write(&ev, text).unwrap();
    let a = gridscore().arg("verify").arg(&out).assert().code(1);
    let o = stdout(&a);
    assert!(
        o.contains("inputs/事件.cells.csv: the archived input is not the one the run used"),
        "{o}"
    );
    // 0001: 350 + 20 × 7.5 (+ 5 × 5 accrued) = 525 then; 350 + 10 × 7.5 = 425 now.
    assert!(o.contains("0001 甲 total: 525 → 425"), "{o}");
    assert!(o.contains("0001 甲 reports: 150.00 → 75.00"), "{o}");
    assert!(!o.contains("0002"), "0002 is unchanged: {o}");
}

#[test]
fn diff_shows_what_a_corrected_sheet_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (a_in, b_in) = (dir.path().join("a"), dir.path().join("b"));
    // Before: 0001 signed in late once (a 迟到 row is no sign-in: 19 of 20, −10); after the
    // correction it is 出勤.
    daning_input(&a_in, 20, true);
    daning_input(&b_in, 20, false);
    let (a_out, b_out) = (dir.path().join("run-a"), dir.path().join("run-b"));
    daning_run(&a_in, &a_out);
    daning_run(&b_in, &b_out);
    let book = dir.path().join("diff.xlsx");
    let a = gridscore()
        .arg("diff")
        .arg(&a_out)
        .arg(&b_out)
        .arg("--xlsx")
        .arg(&book)
        .assert()
        .success();
    let o = stdout(&a);
    assert!(
        o.contains("0001") && o.contains("total") && o.contains("490 → 500"),
        "{o}"
    );
    assert!(o.contains("pay.penalties") && o.contains("-10.00 → 0.00"), "{o}");
    assert!(
        o.contains("b/考勤.csv 考勤!4: 0001 | 2026-07-02 | 迟到 → 0001 | 2026-07-02 | 出勤"),
        "{o}"
    );
    assert!(!o.contains("事件.csv"), "the events did not change: {o}");
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    assert_eq!(wb.sheet_names(), vec!["结果变化", "输入变化"]);
    // A date prints as a date, not as Excel's serial (46205) (issue #18).
    let rows = wb.worksheet_range("输入变化").unwrap();
    let cells: Vec<String> = rows.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "0001 | 2026-07-02 | 迟到"), "{cells:?}");
}

#[test]
fn explain_shows_a_vetoed_worker_and_one_at_a_quota_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou_run(&out);
    // 0205: vetoed by an incident in the grid; its article reward withheld.
    let a = gridscore()
        .args(["--lang", "zh", "explain"])
        .arg(&out)
        .arg("0205")
        .assert()
        .success();
    let o = stdout(&a);
    assert!(o.contains("0205 胡军") && o.contains("等次 不合格"), "{o}");
    assert!(
        o.contains("一票否决:") && o.contains("网格内发生五类事件  ← 事件!11"),
        "{o}"
    );
    assert!(o.contains("一票否决, 应得500.00元不予发放"), "{o}");
    // The same in English: the headings and the rules' words; the rule set's labels as it
    // gives them.
    let a = gridscore()
        .args(["--lang", "en", "explain"])
        .arg(&out)
        .arg("0205")
        .assert()
        .success();
    let o = stdout(&a);
    assert!(o.contains("grade 不合格") && o.contains("vetoes:"), "{o}");
    assert!(o.contains("vetoed: 500.00 yuan due, not paid"), "{o}");
    // 0208: tied with 0207 at the 优秀 line: both 优秀, the tie said in the quota step.
    let a = gridscore()
        .args(["--lang", "zh", "explain"])
        .arg(&out)
        .arg("0208")
        .assert()
        .success();
    let o = stdout(&a);
    assert!(o.contains("等次:") && o.contains("同分并列, 按较高等次评为优秀"), "{o}");
    assert!(o.contains("巡查日志 (patrol.log)"), "every item is listed: {o}");
    let a = gridscore()
        .args(["--lang", "en", "explain"])
        .arg(&out)
        .arg("0208")
        .assert()
        .success();
    let o = stdout(&a);
    assert!(
        o.contains("quota:") && o.contains("tied across the line: given the higher grade 优秀"),
        "{o}"
    );
    // An unknown subject is named.
    let a = gridscore().arg("explain").arg(&out).arg("9999").assert().code(1);
    assert!(stderr(&a).contains("no subject 9999"), "{}", stderr(&a));
}

/// Two versions of one scheme in a folder: 不合格 keeps 70% until June, 60% from July.
fn versions(dir: &Path) -> PathBuf {
    let root = dir.join("rules");
    std::fs::create_dir_all(&root).unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/xiangzhen2019.toml")).unwrap();
    let old = text
        .replace("version = \"2019.1\"", "version = \"2026.1\"")
        .replace("effective_from = \"2019-01-01\"", "effective_from = \"2026-01-01\"");
    let new = old
        .replace("version = \"2026.1\"", "version = \"2026.2\"")
        .replace("effective_from = \"2026-01-01\"", "effective_from = \"2026-07-01\"")
        .replace("\"不合格\" = \"0.7\"", "\"不合格\" = \"0.6\"");
    std::fs::write(root.join("v2026-1.toml"), old).unwrap();
    std::fs::write(root.join("v2026-2.toml"), new).unwrap();
    root
}

/// xiangzhen2019 input for one quarter: A does nothing (fails); B joins on the quarter's last
/// day when `b_passes` (nothing is checked: 100 and 100%), else does nothing too.
fn xz_input(dir: &Path, last_day: &str, b_passes: bool) {
    std::fs::create_dir_all(dir).unwrap();
    let b_start = if b_passes { last_day } else { "" };
    std::fs::write(
        dir.join("花名册.csv"),
        format!("编号,姓名,岗位,区域,月补贴,到岗日期\nA,甲,网格员,农村,1000,\nB,乙,网格员,农村,1000,{b_start}\n"),
    )
    .unwrap();
    std::fs::write(dir.join("事件.csv"), "事件编号,编号,类型,日期\n").unwrap();
    std::fs::write(dir.join("测评.csv"), "编号,满意率\nA,0%\nB,100%\n").unwrap();
}

/// Runs xiangzhen2019 for `period`, earlier runs looked for from `history_from` on.
fn xz_run(
    rules: Option<&Path>,
    (period, history_from): (&str, &str),
    input: &Path,
    out: &Path,
) -> assert_cmd::assert::Assert {
    let mut c = gridscore();
    c.args([
        "quarter",
        "--scheme",
        "xiangzhen2019",
        "--period",
        period,
        "--history-from",
        history_from,
    ]);
    if let Some(r) = rules {
        c.arg("--rules").arg(r);
    }
    c.arg("--input").arg(input).arg("--out").arg(out).assert()
}

#[test]
fn an_old_period_takes_the_rule_set_version_in_force_then() {
    let dir = tempfile::tempdir().unwrap();
    let rules = versions(dir.path());
    let input = dir.path().join("in");
    xz_input(&input, "2026-03-31", false);
    let (q1, q3) = (dir.path().join("q1"), dir.path().join("q3"));
    xz_run(Some(&rules), ("2026Q1", "2026Q1"), &input, &q1).success();
    xz_input(&input, "2026-09-30", false);
    xz_run(Some(&rules), ("2026Q3", "2026Q3"), &input, &q3).success();
    assert_eq!(gridscore::archive::read(&q1).unwrap().rules.version, "2026.1");
    assert_eq!(gridscore::archive::read(&q3).unwrap().rules.version, "2026.2");
    // A fails both quarters: 3000 × 70% under the old version, × 60% under the new.
    let pay = |d: &Path| {
        csv_rows(&d.join("payouts.csv"))
            .into_iter()
            .find(|r| r["id"] == "A")
            .unwrap()["subsidy"]
            .clone()
    };
    assert_eq!((pay(&q1), pay(&q3)), ("2100.00".to_string(), "1800.00".to_string()));
    // Before the first version: none is in force, and the versions are listed.
    let a = xz_run(Some(&rules), ("2025Q4", "2025Q4"), &input, &dir.path().join("q0")).code(1);
    assert!(
        stderr(&a).contains("no version of xiangzhen2019 is in force on 2025-12-31; its versions: 2026.1 (in force from 2026-01-01), 2026.2 (in force from 2026-07-01)"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn look_back_rules_read_three_archived_runs_and_name_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("out");
    let input = dir.path().join("in");
    let run = |q: &str, last: &str, b_passes: bool| {
        xz_input(&input, last, b_passes);
        xz_run(None, (q, "2026Q1"), &input, &archive.join(format!("xiangzhen2019-{q}")))
    };
    // A fails every quarter; B fails only in Q2.
    run("2026Q1", "2026-03-31", true).success();
    run("2026Q2", "2026-06-30", false).success();
    run("2026Q3", "2026-09-30", true).success();
    let flags = |q: &str, id: &str| {
        csv_rows(&archive.join(format!("xiangzhen2019-{q}/scores.csv")))
            .into_iter()
            .find(|r| r["id"] == id)
            .unwrap()["flags"]
            .clone()
    };
    assert_eq!(
        flags("2026Q1", "A"),
        "",
        "history starts at Q1: no earlier quarter to count"
    );
    assert_eq!(flags("2026Q2", "A"), "连续两个季度不合格(通报批评)");
    assert_eq!(
        flags("2026Q3", "A"),
        "连续两个季度不合格(通报批评);连续三个季度不合格(下一年不予续用)"
    );
    assert_eq!(flags("2026Q2", "B"), "", "B failed once, not twice in a row");
    // The run keeps the earlier results it read: it verifies even without them in the archive.
    let q3 = archive.join("xiangzhen2019-2026Q3");
    assert_eq!(gridscore::archive::read(&q3).unwrap().history.len(), 2);
    std::fs::remove_dir_all(archive.join("xiangzhen2019-2026Q2")).unwrap();
    gridscore().arg("verify").arg(&q3).assert().success();
    // Re-running Q3 now: the missing Q2 is named, never taken as a pass.
    let a = run("2026Q3", "2026-09-30", true).code(1);
    let err = stderr(&a);
    assert!(
        err.contains("not in the archive: 2026Q2") && err.contains("xiangzhen2019-2026Q2"),
        "{err}"
    );
}

#[test]
fn daning_counts_failed_months_in_a_row_and_in_the_year() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("out");
    let input = dir.path().join("in");
    // 0001 signs in `n` times in month `m` (20 needed) and files 20 reports.
    let month = |m: u32, n: u32| {
        std::fs::create_dir_all(&input).unwrap();
        std::fs::write(input.join("花名册.csv"), "编号,姓名,岗位\n0001,甲,农村网格员\n").unwrap();
        let mut att = String::from("编号,日期,状态\n");
        for d in 1..=n {
            att.push_str(&format!("0001,2026-{m:02}-{d:02},出勤\n"));
        }
        std::fs::write(input.join("考勤.csv"), att).unwrap();
        std::fs::write(
            input.join("事件.csv"),
            format!("事件编号,编号,类型,日期,数量\nA{m},0001,有效信息,2026-{m:02}-03,20\n"),
        )
        .unwrap();
        let p = format!("2026-{m:02}");
        common::scheme_run(
            "month",
            "daning",
            &p,
            "2026-07",
            &input,
            &archive.join(format!("daning-{p}")),
        )
        .success();
        csv_rows(&archive.join(format!("daning-{p}/scores.csv"))).remove(0)["flags"].clone()
    };
    // July and August short of sign-ins; September fine; October short again.
    assert_eq!(month(7, 15), "签到不足20次(考核不合格)");
    assert_eq!(month(8, 18), "签到不足20次(考核不合格);连续两个月考核不合格(淘汰)");
    assert_eq!(month(9, 20), "");
    assert_eq!(month(10, 19), "签到不足20次(考核不合格);年内累计三次考核不合格(淘汰)");
}

#[test]
fn daning_pays_at_year_end_the_sum_of_the_month_runs() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("out");
    let input = dir.path().join("in");
    // One ledger for October to December: 0001 files 31, 22 and 20 valid reports.
    common::write_sheets(
        &input,
        &[
            ("花名册", "编号,姓名,岗位\n0001,甲,农村网格员\n"),
            ("考勤", "编号,日期,状态\n"),
            (
                "事件",
                "事件编号,编号,类型,日期,数量\nA,0001,有效信息,2026-10-08,31\nB,0001,有效信息,2026-11-09,22\nC,0001,有效信息,2026-12-10,20\n",
            ),
        ],
    );
    let run = |kind: &str, period: &str| {
        common::scheme_run(
            kind,
            "daning",
            period,
            "2026-10",
            &input,
            &archive.join(format!("daning-{period}")),
        )
    };
    for m in ["2026-10", "2026-11", "2026-12"] {
        run("month", m).success();
    }
    run("year", "2026").success();
    // October 11 beyond 20 × 5 = 55, capped at 50; November 2 × 5 = 10; December none: 60.
    let pays = csv_rows(&archive.join("daning-2026/payouts.csv"));
    assert_eq!(pays[0]["extra"], "60.00");
    // The year run keeps the month results it summed, and verifies from its own folder.
    let year = archive.join("daning-2026");
    assert_eq!(gridscore::archive::read(&year).unwrap().history.len(), 3);
    gridscore().arg("verify").arg(&year).assert().success();
    let a = gridscore()
        .args(["--lang", "zh", "explain"])
        .arg(&year)
        .arg("0001")
        .assert()
        .success();
    assert!(
        stdout(&a).contains("extra 各期之和: 2026-10 50 + 2026-11 10 + 2026-12 0 = 60"),
        "{}",
        stdout(&a)
    );
}

/// Issue 17, 3: `explain` with an id missing its leading zero, or with a name, said only
/// "no subject". Both find the one subject they mean; a name two share asks for the 编号.
#[test]
fn explain_finds_a_subject_by_an_id_without_its_leading_zeros_or_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou_run(&out);
    for asked in ["205", "胡军"] {
        let a = gridscore().arg("explain").arg(&out).arg(asked).assert().success();
        assert!(stdout(&a).contains("0205 胡军"), "{asked}: {}", stdout(&a));
    }
    let a = gridscore().arg("explain").arg(&out).arg("无此人").assert().code(1);
    assert!(
        stderr(&a).contains("an id, an id without its leading zeros, or a name"),
        "{}",
        stderr(&a)
    );
}
