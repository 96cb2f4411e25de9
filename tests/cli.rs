//! The command line: subcommands, exit codes (0 done, 1 input or rule errors, 2 usage), and
//! never overwriting a run silently.
mod common;

use common::{gridscore, Fixture};

#[test]
fn schemes_lists_the_built_in_rule_sets() {
    let a = gridscore().arg("schemes").assert().success();
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("yangkou")
            && out.contains("洋发〔2022〕14号")
            && out.contains("2022-05-06")
            && out.contains("month, quarter"),
        "{out}"
    );
}

#[test]
fn check_accepts_the_shipped_rule_set() {
    gridscore().args(["check", "rulesets/yangkou.toml"]).assert().success();
}

#[test]
fn check_reports_every_rule_error_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    let broken = text
        .replace(
            "measure = \"no_uniform\", each = \"0.5\"",
            "measure = \"no_unifrom\", each = \"0.5\"",
        )
        .replace(
            "{ grade = \"良好\", share = \"0.6\" }",
            "{ grade = \"良好\", share = \"0.5\" }",
        )
        .replace(
            "[\"0.9\", \"8\"], [\"0.8\", \"6\"]",
            "[\"0.8\", \"6\"], [\"0.9\", \"8\"]",
        )
        .replace("by_grade = { \"优秀\" = \"600\", ", "by_grade = { ");
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, broken).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("has 6 errors"), "{err}");
    assert!(err.contains("bad.toml:208:25: unknown measure `no_unifrom`"), "{err}");
    assert!(err.contains("quota shares add up to 0.9, not 1 (100%)"), "{err}");
    assert!(err.contains("tier thresholds must be listed highest first"), "{err}");
    assert!(err.contains("pay `grade_pay` has no amount for grade `优秀`"), "{err}");
}

#[test]
fn check_refuses_unknown_keys_and_unquoted_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        text.replace(
            "vetoed_grade = \"不合格\"",
            "vetoed_grade = \"不合格\"\ncolour = \"red\"",
        ),
    )
    .unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains(":376:1: unknown field `colour`"), "{err}");
    std::fs::write(&p, text.replace("total_below = \"60\"", "total_below = 59.5")).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("write the decimal 59.5 in quotes"), "{err}");
}

#[test]
fn check_reports_a_toml_syntax_error_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, "[scheme]\nname = \"x\"\ntitle = \"未闭合\n").unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("bad.toml:3:13: invalid basic string, expected `\"`"),
        "{err}"
    );
}

#[test]
fn check_refuses_a_negative_cap() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    let p = dir.path().join("bad.toml");
    let broken = text.replacen(
        "  max = \"2\"\n  floor = \"0\"\n",
        "  max = \"2\"\n  floor = \"0\"\n  cap = \"-1\"\n",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&p, broken).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("bad.toml:208:9: a cap cannot be negative (found -1)"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2() {
    gridscore().args(["quarter"]).assert().code(2);
    gridscore()
        .args(["quarter", "--scheme", "yangkou", "--period", "2026-07"])
        .assert()
        .code(2);
    gridscore().args(["quarter", "--bogus"]).assert().code(2);
    // A period the scheme's document does not define says so.
    for (kind, scheme, period, defines) in [
        (
            "month",
            "chengnan",
            "2026-07",
            "defines no month appraisal; it defines: quarter, year",
        ),
        (
            "quarter",
            "daning",
            "2026Q3",
            "defines no quarter appraisal; it defines: month, year",
        ),
        (
            "month",
            "xiangzhen2019",
            "2026-07",
            "defines no month appraisal; it defines: quarter",
        ),
    ] {
        let a = gridscore()
            .args([kind, "--scheme", scheme, "--period", period])
            .assert()
            .code(2);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(err.contains(defines), "{scheme}: {err}");
    }
}

/// Issue 13, 7: an unknown scheme exited 1 without a suggestion; `--scheme` with `--rules`
/// was accepted; `check` of a missing file printed the OS error twice.
#[test]
fn an_unknown_scheme_is_a_usage_error_with_the_nearest_name() {
    let a = gridscore()
        .args(["quarter", "--scheme", "yangko", "--period", "2026Q3"])
        .assert()
        .code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("no scheme `yangko` (did you mean `yangkou`?); the schemes: chengnan, daning, huishan, xiangzhen2019, yangkou"),
        "{err}"
    );
}

#[test]
fn scheme_and_rules_together_are_a_usage_error() {
    let a = gridscore()
        .args([
            "quarter",
            "--scheme",
            "yangkou",
            "--rules",
            "rulesets/yangkou.toml",
            "--period",
            "2026Q3",
        ])
        .assert()
        .code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("name either --scheme or --rules"), "{err}");
}

#[test]
fn check_of_a_missing_file_says_so_once() {
    let a = gridscore().args(["check", "no-such-rules.toml"]).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}

#[test]
fn an_existing_run_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let input = Fixture::minimal().write(dir.path());
    let out = dir.path().join("run");
    let run = |force: bool| {
        let mut c = gridscore();
        c.args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
            .arg(&input)
            .arg("--out")
            .arg(&out);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    run(false).success();
    let scores = std::fs::read(out.join("scores.csv")).unwrap();
    let a = run(false).code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("already holds a gridscore run (yangkou 2026Q3); pass --force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(out.join("scores.csv")).unwrap(),
        scores,
        "the previous set is untouched"
    );
    run(true).success();
    assert!(out.join("scores.csv").exists());
    // A file of the clerk's in the folder makes it hers: never replaced, --force or not.
    std::fs::write(out.join("工作总结.docx"), "mine").unwrap();
    for force in [false, true] {
        let a = run(force).code(1);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(
            err.contains("holds files gridscore did not write (工作总结.docx)"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_to_string(out.join("工作总结.docx")).unwrap(), "mine");
}

#[test]
fn a_period_before_the_rule_set_was_in_force_is_refused() {
    let a = gridscore()
        .args([
            "quarter",
            "--scheme",
            "yangkou",
            "--period",
            "2022Q1",
            "--input",
            "examples/yangkou",
        ])
        .assert()
        .code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("in force from 2022-05-06"), "{err}");
}

#[test]
fn a_year_missing_from_the_calendar_is_an_error() {
    let a = gridscore()
        .args([
            "quarter",
            "--scheme",
            "yangkou",
            "--period",
            "2027Q1",
            "--input",
            "examples/yangkou",
        ])
        .assert()
        .code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("has no year 2027"), "{err}");
}

#[test]
fn check_accepts_every_built_in_rule_set() {
    for f in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            gridscore().arg("check").arg(&p).assert().success();
        }
    }
}

#[test]
fn check_reports_errors_in_weights_scales_minimums_bands_and_pools() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/xiangzhen2019.toml")).unwrap();
    let broken = text
        // A minimum of a measure that does not exist, and one without `per`.
        .replace(
            "of = \"screenings\", per = \"week\"",
            "of = \"screening\", per = \"week\"",
        )
        .replace(
            "of = \"diary\", per = \"week\", at_least = \"2\"",
            "of = \"diary\", at_least = \"2\"",
        )
        // A weight on a part.
        .replace(
            "  max = \"10\"\n  floor = \"0\"\n  deduct = [{ measure = \"diary_short\"",
            "  max = \"10\"\n  weight = \"0.5\"\n  floor = \"0\"\n  deduct = [{ measure = \"diary_short\"",
        )
        // Bands out of order, and a middle band without a threshold.
        .replace(
            "{ grade = \"合格\", at_least = \"70\" }",
            "{ grade = \"合格\", at_least = \"95\" }, { grade = \"待定\" }",
        )
        // A pool from a rule that is not declared above it.
        .replace("pool = { from = \"subsidy\"", "pool = { from = \"subsidies\"")
        // A weekly threshold on a line.
        .replace(
            "{ measure = \"meeting_late\", each = \"0.5\" }",
            "{ measure = \"meeting_late\", each = \"0.5\", beyond = \"1\", per = \"week\" }",
        );
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, broken).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    for want in [
        "unknown measure `screening`",
        "measure kind `minimum` needs `per`",
        "`weight` weighs a top-level item in the total; `base.diary` is a part",
        "bands must be listed best first",
        "band `待定` needs `at_least`",
        "pool `from` must name a pay rule declared above it; `subsidies` is not one",
        "per `week`; expected `period`, `month` (count weeks with a measure of kind `minimum`)",
    ] {
        assert!(err.contains(want), "missing {want:?} in {err}");
    }
    assert!(err.contains("bad.toml:"), "positions are given: {err}");
}

/// Issue 13, 1: `--out` equal to `--input` replaced the clerk's input folder with a run set.
#[test]
fn an_output_folder_that_is_inside_or_around_an_input_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("台账");
    std::fs::create_dir_all(&folder).unwrap();
    let input = Fixture::minimal().write(&folder);
    let before = std::fs::read(&input).unwrap();
    let cases = [
        (&folder, folder.clone(), "is the input"),
        (&folder, dir.path().to_path_buf(), "holds the input"),
        (&folder, folder.join("out"), "lies inside the input"),
        (&input, input.clone(), "is the input"),
        (&input, folder.clone(), "holds the input"),
    ];
    for (given, out, said) in cases {
        let a = gridscore()
            .args([
                "quarter", "--scheme", "yangkou", "--period", "2026Q3", "--force", "--input",
            ])
            .arg(given)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2);
        let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
        assert!(
            err.contains(said) && err.contains("never writes where it reads"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input is untouched");
    assert!(!folder.join("out").exists());
}

/// Issue 17, 4: `--quiet` printed the notes (a county prints about 95 tie lines), so cron
/// mailed every run. A quiet run prints nothing on success; the notes are in the 说明 sheet.
#[test]
fn a_quiet_run_prints_nothing_on_success_and_its_notes_are_in_the_about_sheet() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("town");
    gridscore()
        .args([
            "sample", "--scheme", "yangkou", "--period", "2026Q3", "--size", "town", "--out",
        ])
        .arg(&sample)
        .assert()
        .success();
    for (input, out) in [
        (std::path::PathBuf::from("examples/yangkou"), dir.path().join("a")),
        (sample, dir.path().join("b")),
    ] {
        let a = gridscore()
            .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "-q", "--input"])
            .arg(&input)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let o = a.get_output();
        assert!(
            o.stdout.is_empty() && o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("a/score-2026Q3.xlsx")).unwrap();
    let about = wb.worksheet_range("说明").unwrap();
    assert!(
        about
            .rows()
            .any(|r| r.iter().any(|c| c.to_string().contains("同分并列跨越名额线"))),
        "the tie note is on the 说明 sheet"
    );
}

/// `check` on yangkou's rule set with `from` replaced by `to`: its stderr, and the 1-based
/// line of the first line of `to` in the changed text (where the error must point).
fn check_changed(from: &str, to: &str) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    assert!(text.contains(from), "yangkou.toml holds {from}");
    let changed = text.replacen(from, to, 1);
    let line = changed[..changed.find(to).unwrap()].matches('\n').count() + 1;
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, changed).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    (String::from_utf8(a.get_output().stderr.clone()).unwrap(), line)
}

#[test]
fn issue15_a_key_another_measure_kind_takes_is_refused_at_its_line_and_column() {
    // `status` belongs to `attendance`; on an `events` measure it means nothing. The measure
    // is an inline table on one line: the key stands at column 90 of it.
    let from = r#"safety_late = { kind = "events", label = "矛盾纠纷迟报", types = ["平安迟报"] }"#;
    let to = r#"safety_late = { kind = "events", label = "矛盾纠纷迟报", types = ["平安迟报"], status = ["病假"] }"#;
    let (err, line) = check_changed(from, to);
    let col = to[..to.find("status").unwrap()].chars().count() + 1;
    assert!(
        err.contains(&format!(":{line}:{col}: unknown field `status`, expected one of")),
        "{err}"
    );
}

#[test]
fn issue15_an_unknown_measure_kind_is_named_with_the_nearest_one() {
    let from = r#"safety_late = { kind = "events","#;
    let (err, line) = check_changed(from, r#"safety_late = { kind = "event","#);
    assert!(
        err.contains(&format!(
            ":{line}:24: unknown measure kind `event` (did you mean `events`?)"
        )),
        "{err}"
    );
}

#[test]
fn issue15_kind_on_a_part_is_refused_for_a_part_counts_as_its_parent() {
    let from = "  id = \"aware\"\n  label = \"知晓率\"\n";
    let to = "  id = \"aware\"\n  kind = \"deduction\"\n  label = \"知晓率\"\n";
    let (err, line) = check_changed(from, to);
    assert!(
        err.contains(&format!(
            ":{}:10: `kind` belongs to a top-level item; `survey.aware` is a part",
            line + 1
        )),
        "{err}"
    );
}

#[test]
fn issue15_an_item_or_pay_id_that_is_an_output_column_is_refused() {
    let (err, line) = check_changed("id = \"survey\"\n", "id = \"flags\"\n");
    assert!(
        err.contains(&format!(
            ":{line}:6: item id `flags` is a column scores.csv already has"
        )),
        "{err}"
    );
}

#[test]
fn issue15_a_look_back_on_a_grade_the_grading_does_not_give_is_refused() {
    let from = "[[item]]\nid = \"survey\"\n";
    let flag = "[[flag]]\nid = \"twice_failed\"\nlabel = \"连续两季不合格\"\nhistory = { per = \"quarter\", grade = \"不合 格\", consecutive = 2 }\n\n";
    let (err, line) = check_changed(from, &format!("{flag}{from}"));
    // At the grade's value, on the fourth line of the flag.
    let history = flag.lines().nth(3).unwrap();
    let col = history[..history.find("\"不合 格\"").unwrap()].chars().count() + 1;
    assert!(
        err.contains(&format!(
            ":{}:{col}: history names grade `不合 格`, which the grading does not give; grades: 优秀, 良好, 合格, 不合格",
            line + 3
        )),
        "{err}"
    );
}

/// xiangzhen2019's lowest band is also its vetoed grade: the list of grades names 不合格 once.
#[test]
fn a_refused_look_back_lists_each_grade_once() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/xiangzhen2019.toml")).unwrap();
    let from = r#"history = { per = "quarter", grade = "不合格", consecutive = 2 }"#;
    assert!(text.contains(from));
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, text.replacen(from, &from.replace("不合格", "不合 格"), 1)).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("; grades: 优秀, 合格, 不合格\n"), "{err}");
}

#[test]
fn every_schemes_sample_scores_without_an_error() {
    // A sample is what a newcomer tries first: each built-in scheme's must score (exit 0), with
    // the 金额 its paid types need and the 指标 sheet its indicators read.
    for (kind, scheme, period, from) in [
        ("quarter", "yangkou", "2026Q3", "2026Q3"),
        ("quarter", "xiangzhen2019", "2026Q3", "2026Q3"),
        ("quarter", "chengnan", "2026Q3", "2026Q3"),
        ("quarter", "huishan", "2026Q3", "2026-07"),
        ("month", "daning", "2026-07", "2026-07"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        gridscore()
            .args([
                "sample", "--scheme", scheme, "--period", period, "--size", "30", "--out",
            ])
            .arg(&input)
            .assert()
            .success();
        let a = common::scheme_run(kind, scheme, period, from, &input, &dir.path().join("out"));
        let out = a.get_output();
        assert!(
            out.status.success(),
            "{scheme}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--seed`'s help promises the same files for the same seed: the workbook used to carry the
/// second it was written in, so two samples a second apart differed.
#[test]
fn the_same_seed_writes_the_same_workbook_bytes_a_second_later() {
    let dir = tempfile::tempdir().unwrap();
    let sample = |name: &str| {
        gridscore()
            .args([
                "sample", "--scheme", "yangkou", "--period", "2026Q3", "--size", "12", "--out",
            ])
            .arg(dir.path().join(name))
            .assert()
            .success();
        std::fs::read(dir.path().join(name).join("input.xlsx")).unwrap()
    };
    let first = sample("a");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(first == sample("b"), "two samples of seed 1 differ");
}

#[test]
fn sample_defaults_to_the_last_completed_period_and_a_folder_named_after_the_scheme() {
    let dir = tempfile::tempdir().unwrap();
    gridscore()
        .current_dir(dir.path())
        .args(["sample", "--scheme", "yangkou", "--size", "10"])
        .assert()
        .success();
    assert!(dir.path().join("yangkou-sample/input.xlsx").exists());
    // A second time the folder holds files: refused, the first sample untouched.
    let before = std::fs::read(dir.path().join("yangkou-sample/input.xlsx")).unwrap();
    let a = gridscore()
        .current_dir(dir.path())
        .args(["sample", "--scheme", "yangkou", "--size", "10", "--seed", "2"])
        .assert()
        .code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("yangkou-sample already holds files"), "{err}");
    assert_eq!(
        std::fs::read(dir.path().join("yangkou-sample/input.xlsx")).unwrap(),
        before
    );
}

#[test]
fn issue15_a_cap_on_a_leaf_without_deduct_lines_or_a_floor_on_an_item_with_parts_is_refused() {
    // A tier leaf takes nothing off, so a cap there would limit nothing: named at the cap.
    let from = "  max = \"10\"\n  tier = { measure = \"aware_rate\"";
    let (err, line) = check_changed(
        from,
        "  max = \"10\"\n  cap = \"5\"\n  tier = { measure = \"aware_rate\"",
    );
    assert!(
        err.contains(&format!(
            ":{}:9: `cap` limits what `deduct` lines take off together; `survey.aware` has none",
            line + 1
        )),
        "{err}"
    );
    // survey has parts: its own points are their sum, so a floor there bounds nothing.
    let (err, line) = check_changed("id = \"survey\"\n", "id = \"survey\"\nfloor = \"0\"\n");
    assert!(
        err.contains(&format!(
            ":{}:9: `floor` and `cap` bound a leaf's points; `survey` has parts",
            line + 1
        )),
        "{err}"
    );
}

/// Issue #15: a leaf scores one way. `tier` and `sum_of_runs` on one leaf used to pass `check`
/// and score the tier alone, the other key ignored.
#[test]
fn issue15_a_leaf_with_two_scorings_is_refused_at_its_id() {
    let from = "  id = \"aware\"\n  label = \"知晓率\"\n  max = \"10\"\n";
    let to = "  id = \"aware\"\n  label = \"知晓率\"\n  max = \"10\"\n  sum_of_runs = { per = \"month\", item = \"survey\" }\n";
    let (err, line) = check_changed(from, to);
    // `id = "aware"` is the first line changed; its value starts at column 8.
    assert!(
        err.contains(&format!(
            ":{line}:8: leaf item `survey.aware` needs exactly one of `tier`, `scale`, `monthly`, `sum_of_runs` or `deduct`/`add` lines"
        )),
        "{err}"
    );
}

/// Issue #15: a key of one veto test beside another test means nothing. `at_least` beside
/// `total_below` used to pass `check` and be ignored; a line of 0 would veto everyone.
#[test]
fn issue15_a_veto_s_at_least_without_its_measure_or_at_zero_is_refused() {
    let from = "id = \"low_total\"\nlabel = \"绩效评定60分以下\"\ntotal_below = \"60\"\n";
    let to = "id = \"low_total\"\nlabel = \"绩效评定60分以下\"\ntotal_below = \"60\"\nat_least = \"2\"\n";
    let (err, line) = check_changed(from, to);
    // `id = "low_total"`: its value starts at column 6.
    assert!(
        err.contains(&format!(
            ":{line}:6: veto `low_total`: `at_least` goes with `measure`; beside `total_below` it would be ignored; remove it"
        )),
        "{err}"
    );
    let from = "measure = \"veto_speech\"\n";
    let (err, line) = check_changed(from, "measure = \"veto_speech\"\nat_least = \"0\"\n");
    // The measure's name, column 11, is where the line is said.
    assert!(
        err.contains(&format!(
            ":{line}:11: a veto's `at_least` must be above 0 (found 0): 0 would veto everyone"
        )),
        "{err}"
    );
}

#[test]
fn an_unquoted_time_in_a_measure_is_named_with_what_to_write() {
    let from = r#"field = "sign_in", by = "09:00" }"#;
    let (err, line) = check_changed(from, r#"field = "sign_in", by = 09:00 }"#);
    assert!(
        err.contains(&format!(
            ":{line}:84: a time or date is written in quotes here, like \"09:00\""
        )),
        "{err}"
    );
}

/// Issue #16: what `check` says of the new shapes' misuse, at the line — a weight coefficient
/// on a part, a ratio without what is required, a deduction item with `add` lines (pointing at
/// the bonus item that may have both).
#[test]
fn issue16_check_places_the_new_shapes_misuse_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tutorial/xinhe.toml")).unwrap();
    let broken = text
        .replacen("  max = \"20\"\n", "  max = \"20\"\n  weight_param = \"季节系数\"\n", 1)
        .replacen(", per_duty_day = \"1\" }", " }", 1)
        .replacen("kind = \"bonus\"", "kind = \"deduction\"", 1);
    assert_ne!(broken, text);
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, broken).unwrap();
    let a = gridscore().arg("check").arg(&p).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    for says in [
        "`weight_param` weighs a top-level item in the total; `daily.patrol` is a part",
        "measure kind `ratio` needs what is required",
        "an item that adds and deducts under one max is a bonus item",
    ] {
        assert!(err.contains(says), "{says}: {err}");
    }
}

/// Issue #17: a county's many ties across quota lines are one line of the run summary (each is
/// on the 说明 sheet), and `--quiet` prints nothing at all on success.
#[test]
fn issue17_many_ties_are_one_summary_line_and_quiet_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    // Four villages of three part-time workers with identical (empty) ledgers: every group
    // ties across its 优秀 line.
    let mut roster = String::from("编号,姓名,村(社区),岗位\n");
    let mut survey = String::from("编号,知晓率,覆盖率,满意率\n");
    for v in 1..=4 {
        for w in 1..=3 {
            roster.push_str(&format!("0{v}0{w},人{v}{w},村{v},兼职网格员\n"));
            survey.push_str(&format!("0{v}0{w},100%,100%,100%\n"));
        }
    }
    common::write_sheets(
        &input,
        &[
            ("花名册", &roster),
            ("考勤", "编号,日期,状态\n"),
            ("巡查", "编号,日期,时段\n"),
            ("事件", "事件编号,编号,类型,日期\n"),
            ("测评", &survey),
            ("参数", "名称,月份,值\n"),
        ],
    );
    let run = |out: &str, quiet: bool| {
        let mut c = gridscore();
        c.args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
            .arg(&input)
            .arg("--out")
            .arg(dir.path().join(out));
        if quiet {
            c.arg("-q");
        }
        let a = c.assert().success();
        (
            String::from_utf8(a.get_output().stdout.clone()).unwrap(),
            String::from_utf8(a.get_output().stderr.clone()).unwrap(),
        )
    };
    let (_, err) = run("a", false);
    assert!(
        err.contains(
            "note: 4 quota groups tie across a quota line: see the 说明 and 名额 sheets of the score workbook"
        ),
        "{err}"
    );
    assert!(!err.contains("村1/兼职网格员: 同分并列"), "the ties one by one: {err}");
    let (out, err) = run("b", true);
    assert_eq!((out.as_str(), err.as_str()), ("", ""), "quiet on success");
}

/// Issue #15: the README's architecture section is where a newcomer finds a module; a module
/// added without a line there (src/veto/, src/grading/, src/audit.rs this session) is refused.
#[test]
fn the_readme_s_layout_names_every_module_of_the_library() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs")).unwrap();
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod ")?.strip_suffix(';'))
        .collect();
    assert!(modules.len() > 20, "{modules:?}");
    let unnamed: Vec<&&str> = modules
        .iter()
        .filter(|m| {
            let folder = std::path::Path::new(root).join("src").join(m).is_dir();
            let named = if folder { format!("src/{m}/") } else { format!("{m}.rs") };
            !readme.contains(&named)
        })
        .collect();
    assert!(unnamed.is_empty(), "the README's layout does not name {unnamed:?}");
}
