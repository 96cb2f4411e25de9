//! `gridscore test`: a rule set's own cases, as a township editing its TOML would run them.
mod common;
use common::gridscore;

#[test]
fn every_built_in_rule_set_passes_its_own_cases() {
    let a = gridscore().arg("schemes").assert().success();
    let listing = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let names: Vec<&str> = listing
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.len() >= 2, "{listing}");
    for name in names {
        let a = gridscore().args(["test", name]).assert().success();
        let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
        let last = out.lines().last().unwrap_or_default();
        assert!(
            last.ends_with(" passed, 0 failed") && !last.starts_with("0 "),
            "{name}: {out}"
        );
    }
}

#[test]
fn a_failing_case_says_what_was_expected_and_what_came_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let cases = std::fs::read_to_string(format!("{root}/rulesets/tests/xiangzhen2019.toml")).unwrap();
    // Copy the rule set with its cases beside it, as `<stem>.tests.toml`, one expectation wrong.
    std::fs::copy(
        format!("{root}/rulesets/xiangzhen2019.toml"),
        dir.path().join("town.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("town.tests.toml"),
        cases.replace("total = \"69.52\"", "total = \"69.53\""),
    )
    .unwrap();
    let a = gridscore()
        .arg("test")
        .arg(dir.path().join("town.toml"))
        .assert()
        .code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(out.contains("FAILED  nothing done in three weeks"), "{out}");
    assert!(out.contains("0002 total: expected 69.53, got 69.52"), "{out}");
    assert!(out.trim_end().ends_with("6 passed, 1 failed"), "{out}");
}

#[test]
fn a_case_expecting_an_error_fails_when_the_run_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let cases = std::fs::read_to_string(format!("{root}/rulesets/tests/yangkou.toml")).unwrap();
    let p = dir.path().join("cases.toml");
    // The roster error case with the worker put on the roster: the run now succeeds.
    std::fs::write(&p, cases.replace("0002,2026-07-29,出勤", "0001,2026-07-29,出勤")).unwrap();
    let a = gridscore()
        .args(["test", "yangkou", "--cases"])
        .arg(&p)
        .assert()
        .code(1);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("expected an error containing \"考勤!A2\", but the run succeeded"),
        "{out}"
    );
}

#[test]
fn a_malformed_cases_file_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("cases.toml");
    std::fs::write(
        &p,
        "[[case]]\nname = \"x\"\nperiod = \"2026Q3\"\nsheets = {}\nexpect = [{ id = \"1\", totl = \"3\" }]\n",
    )
    .unwrap();
    let a = gridscore()
        .args(["test", "xiangzhen2019", "--cases"])
        .arg(&p)
        .assert()
        .code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("cases.toml:5:") && err.contains("unknown field `totl`"),
        "{err}"
    );
}

/// Issue #16: the README's tutorial works as written — every TOML block of its section is in
/// docs/tutorial/xinhe.toml, which `check` accepts and whose cases `test` passes; the template
/// it makes lists the rule set's parameter.
#[test]
fn issue16_the_tutorial_works_as_written() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let rules = std::fs::read_to_string(format!("{root}/docs/tutorial/xinhe.toml")).unwrap();
    let section = readme
        .split("### Tutorial: a township's rule set in an hour")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .expect("the README has the tutorial");
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(blocks.len() >= 5, "{} TOML blocks", blocks.len());
    for b in &blocks {
        // Indentation aside (parts are indented in the file).
        let flat = |s: &str| s.lines().map(str::trim).collect::<Vec<_>>().join("\n");
        assert!(
            flat(&rules).contains(flat(b).trim()),
            "not in docs/tutorial/xinhe.toml:\n{b}"
        );
    }
    gridscore()
        .args(["check", "docs/tutorial/xinhe.toml"])
        .assert()
        .success();
    let a = gridscore()
        .args(["test", "docs/tutorial/xinhe.toml"])
        .assert()
        .success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(out.contains("5 passed, 0 failed"), "{out}");
    let dir = tempfile::tempdir().unwrap();
    gridscore()
        .args([
            "template",
            "--rules",
            "docs/tutorial/xinhe.toml",
            "--period",
            "2026-07",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let guide = common::sheet_text(&dir.path().join("台账-2026-07.xlsx"), "填表说明");
    assert!(
        guide.iter().any(|r| r.iter().any(|c| c == "名称 = 季节系数")),
        "{guide:?}"
    );
}
