//! The month-end batch (issue #21): every township's run of a batch file, one failure
//! stopping no other, a summary of all, runs already done skipped, changed inputs refused,
//! and history remembered so that no flag must be carried from month to month.
mod common;
use common::{csv_rows, gridscore};
use std::path::Path;

/// A small daning month as CSV for `month` (2026-07 or 2026-08): 0001 reports 20 items.
fn daning_month(dir: &Path, month: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("花名册.csv"),
        "编号,姓名,岗位\n0001,甲,农村网格员\n0002,乙,社区兼职网格员\n",
    )
    .unwrap();
    let mut att = String::from("编号,日期,状态\n");
    for d in 1..=20 {
        att.push_str(&format!("0001,{month}-{d:02},出勤\n0002,{month}-{d:02},出勤\n"));
    }
    std::fs::write(dir.join("考勤.csv"), att).unwrap();
    std::fs::write(
        dir.join("事件.csv"),
        format!("事件编号,编号,类型,日期,数量\nA1,0001,有效信息,{month}-03,20\nB1,0002,有效信息,{month}-03,20\n"),
    )
    .unwrap();
}

const BATCH: &str = r#"archive = "archive"

[[run]]
name = "洋口镇"
scheme = "yangkou"
kind = "quarter"
period = "2026Q3"
input = "洋口"

[[run]]
name = "大宁县"
scheme = "daning"
kind = "month"
period = "2026-07"
input = "大宁"
history_from = "2026-07"

[[run]]
name = "坏镇"
scheme = "yangkou"
kind = "quarter"
period = "2026Q3"
input = "坏镇"
"#;

/// A batch folder: yangkou's example, a daning month, and a township whose roster names a
/// 岗位 yangkou does not have.
fn county(dir: &Path) {
    let yk = dir.join("洋口");
    std::fs::create_dir_all(&yk).unwrap();
    for f in std::fs::read_dir("examples/yangkou").unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, yk.join(f.file_name().unwrap())).unwrap();
    }
    daning_month(&dir.join("大宁"), "2026-07");
    let bad = dir.join("坏镇");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join("花名册.csv"), "编号,姓名,岗位\n0001,甲,不存在的岗位\n").unwrap();
    std::fs::write(dir.join("batch.toml"), BATCH).unwrap();
}

fn batch(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    gridscore()
        .arg("batch")
        .arg(dir.join("batch.toml"))
        .args(extra)
        .assert()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_failing_township_stops_no_other_and_the_summary_lists_every_run() {
    let dir = tempfile::tempdir().unwrap();
    county(dir.path());
    let a = batch(dir.path(), &[]).code(1);
    let err = text(&a.get_output().stderr);
    assert!(err.contains("坏镇 yangkou 2026Q3: 失败"), "{err}");
    assert!(err.contains("1 of 3 runs failed"), "{err}");
    let archive = dir.path().join("archive");
    assert!(archive.join("洋口镇/yangkou-2026Q3/scores.csv").exists());
    assert!(archive.join("大宁县/daning-2026-07/payouts.csv").exists());
    assert!(
        !archive.join("坏镇/yangkou-2026Q3").exists(),
        "a failed run writes nothing"
    );
    let rows = csv_rows(&archive.join("batch-summary.csv"));
    let status: Vec<(&str, &str)> = rows.iter().map(|r| (r["名称"].as_str(), r["状态"].as_str())).collect();
    assert_eq!(status, [("洋口镇", "完成"), ("大宁县", "完成"), ("坏镇", "失败")]);
    // yangkou's 2026Q3: 30 scored, 2 vetoed, ¥8,950.00 paid.
    assert_eq!(
        (
            rows[0]["人数"].as_str(),
            rows[0]["否决"].as_str(),
            rows[0]["发放合计"].as_str()
        ),
        ("30", "2", "8950.00")
    );
    assert!(rows[2]["首个错误"].contains("input error"), "{:?}", rows[2]);
    assert!(archive.join("batch-summary.xlsx").exists());
}

#[test]
fn a_run_already_done_is_skipped_one_whose_inputs_changed_is_refused_and_force_rescores() {
    let dir = tempfile::tempdir().unwrap();
    county(dir.path());
    std::fs::remove_dir_all(dir.path().join("坏镇")).unwrap();
    std::fs::write(
        dir.path().join("batch.toml"),
        BATCH.split("[[run]]\nname = \"坏镇\"").next().unwrap(),
    )
    .unwrap();
    batch(dir.path(), &["-q"]).success();
    let a = batch(dir.path(), &[]).success();
    let out = text(&a.get_output().stdout);
    assert!(
        out.contains("洋口镇 yangkou 2026Q3: 跳过") && out.contains("大宁县 daning 2026-07: 跳过"),
        "{out}"
    );
    // A correction to 大宁's attendance after its run: refused, naming the file.
    let att = dir.path().join("大宁/考勤.csv");
    let changed = std::fs::read_to_string(&att).unwrap().replacen("出勤", "迟到", 1);
    std::fs::write(&att, changed).unwrap();
    let a = batch(dir.path(), &[]).code(1);
    let err = text(&a.get_output().stderr);
    assert!(
        err.contains("大宁县 daning 2026-07: 失败") && err.contains("考勤.csv"),
        "{err}"
    );
    assert!(err.contains("--force re-scores it"), "{err}");
    let a = batch(dir.path(), &["--force"]).success();
    assert!(text(&a.get_output().stdout).contains("大宁县 daning 2026-07: 完成"));
}

#[test]
fn a_quiet_batch_prints_only_the_failures() {
    let dir = tempfile::tempdir().unwrap();
    county(dir.path());
    let a = batch(dir.path(), &["-q"]).code(1);
    assert_eq!(text(&a.get_output().stdout), "", "nothing on stdout");
    let err = text(&a.get_output().stderr);
    assert!(
        err.contains("坏镇") && !err.contains("洋口镇") && !err.contains("大宁县"),
        "{err}"
    );
}

#[test]
fn a_bad_batch_file_is_refused_at_its_line_and_column_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    county(dir.path());
    let bad =
        BATCH
            .replace("kind = \"month\"", "kind = \"monthly\"")
            .replacen("name = \"坏镇\"", "name = \"洋口镇\"", 1);
    std::fs::write(dir.path().join("batch.toml"), &bad).unwrap();
    let a = batch(dir.path(), &[]).code(2);
    let err = text(&a.get_output().stderr);
    let line_of = |needle: &str| bad[..bad.find(needle).unwrap()].matches('\n').count() + 1;
    assert!(
        err.contains(&format!(
            "batch.toml:{}:8: kind `monthly`; expected `month`, `quarter` or `year`",
            line_of("kind = \"monthly\"")
        )),
        "{err}"
    );
    let second = bad.rfind("name = \"洋口镇\"").unwrap();
    let line = bad[..second].matches('\n').count() + 1;
    assert!(
        err.contains(&format!("batch.toml:{line}:8: name `洋口镇` is given twice")),
        "{err}"
    );
    // An unknown key, at its place.
    std::fs::write(
        dir.path().join("batch.toml"),
        BATCH.replace("input = \"洋口\"", "inputs = \"洋口\""),
    )
    .unwrap();
    let a = batch(dir.path(), &[]).code(2);
    assert!(
        text(&a.get_output().stderr).contains("unknown field `inputs`"),
        "{}",
        text(&a.get_output().stderr)
    );
    assert!(!dir.path().join("archive/洋口镇").exists(), "nothing ran");
}

#[test]
fn issue21_the_next_month_needs_no_history_flag_once_one_run_gave_it() {
    let dir = tempfile::tempdir().unwrap();
    let (july, august) = (dir.path().join("07"), dir.path().join("08"));
    daning_month(&july, "2026-07");
    daning_month(&august, "2026-08");
    let out = dir.path().join("out");
    common::scheme_run(
        "month",
        "daning",
        "2026-07",
        "2026-07",
        &july,
        &out.join("daning-2026-07"),
    )
    .success();
    // Remembered beside the run folders …
    let remembered = std::fs::read_to_string(out.join("history-from.toml")).unwrap();
    assert!(remembered.contains("daning = \"2026-07\""), "{remembered}");
    // … so August needs no --history-from (it would otherwise ask for 2026-01 … 2026-06).
    gridscore()
        .args(["month", "--scheme", "daning", "--period", "2026-08", "-q", "--input"])
        .arg(&august)
        .arg("--out")
        .arg(out.join("daning-2026-08"))
        .assert()
        .success();
    // Without the record, August is refused for the months before July.
    std::fs::remove_file(out.join("history-from.toml")).unwrap();
    let a = gridscore()
        .args([
            "month", "--scheme", "daning", "--period", "2026-08", "-q", "--force", "--input",
        ])
        .arg(&august)
        .arg("--out")
        .arg(out.join("daning-2026-08"))
        .assert()
        .code(1);
    assert!(
        text(&a.get_output().stderr).contains("2026-06"),
        "{}",
        text(&a.get_output().stderr)
    );
}

#[test]
fn a_run_may_name_its_rule_set_file_and_a_list_of_input_files() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml"),
        rules.join("洋口.toml"),
    )
    .unwrap();
    let yk = dir.path().join("洋口");
    std::fs::create_dir_all(&yk).unwrap();
    for f in ["2026Q3考核台账.xlsx", "花名册.xlsx"] {
        std::fs::copy(Path::new("examples/yangkou").join(f), yk.join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("batch.toml"),
        r#"[[run]]
name = "洋口镇"
rules = "rules/洋口.toml"
kind = "quarter"
period = "2026Q3"
input = ["洋口/2026Q3考核台账.xlsx", "洋口/花名册.xlsx"]
"#,
    )
    .unwrap();
    let a = batch(dir.path(), &[]).success();
    assert!(
        text(&a.get_output().stdout).contains("洋口镇 yangkou 2026Q3: 完成"),
        "{}",
        text(&a.get_output().stdout)
    );
    // The archive defaults to `archive` beside the batch file; the folder is named by scheme.
    let scores = dir.path().join("archive/洋口镇/yangkou-2026Q3/scores.csv");
    assert_eq!(csv_rows(&scores).len(), 30);
    let rows = csv_rows(&dir.path().join("archive/batch-summary.csv"));
    assert!(rows[0]["方案"].ends_with("洋口.toml"), "{:?}", rows[0]);
}

/// A first run that names an archive folder not yet made (`--archive`, the run folder
/// elsewhere) used to write the run and then fail with a bare "No such file or directory"
/// on history-from.toml; the archive is made and the first period remembered.
#[test]
fn a_first_run_naming_an_archive_not_yet_made_remembers_its_first_period_there() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("not/yet");
    common::gridscore()
        .args([
            "month",
            "--scheme",
            "daning",
            "--period",
            "2026-07",
            "--history-from",
            "2026-07",
            "-q",
        ])
        .arg("--input")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/daning"))
        .arg("--archive")
        .arg(&archive)
        .arg("--out")
        .arg(dir.path().join("run"))
        .assert()
        .success();
    let remembered = std::fs::read_to_string(archive.join("history-from.toml")).unwrap();
    assert!(remembered.contains("daning = \"2026-07\""), "{remembered}");
}
