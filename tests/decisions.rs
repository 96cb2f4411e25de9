//! The committee's decisions (issue #20, items 1 and 2): a 决定 sheet beside the shipped yangkou
//! example, each decision applied at its stage and shown in the audit trail (明细, explain,
//! diff, 说明, the run summary); and a veto the rule set holds for confirmation, which grades
//! the worker as not vetoed and holds the pay until a 确认否决 row confirms it.
mod common;
use common::{csv_rows, gridscore, sheet_text, yangkou_copy, Row, YANGKOU_DECISIONS as DECISIONS};
use std::path::Path;

fn run(input: &Path, out: &Path, rules: Option<&Path>) -> String {
    let mut c = gridscore();
    c.args(["quarter", "--period", "2026Q3"]);
    match rules {
        Some(r) => c.arg("--rules").arg(r),
        None => c.args(["--scheme", "yangkou"]),
    };
    let a = c.arg("--input").arg(input).arg("--out").arg(out).assert().success();
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn issue20_each_decision_applies_at_its_stage_and_stands_in_the_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let (plain_in, with_in) = (dir.path().join("plain"), dir.path().join("with"));
    yangkou_copy(&plain_in, &[]);
    yangkou_copy(&with_in, &[("决定.csv", DECISIONS)]);
    let (plain, with) = (dir.path().join("a"), dir.path().join("b"));
    run(&plain_in, &plain, None);
    let summary = run(&with_in, &with, None);
    assert!(summary.contains("5 决定 applied"), "{summary}");
    let (a, b) = (csv_rows(&plain.join("scores.csv")), csv_rows(&with.join("scores.csv")));

    // 免扣 巡查!178 (an unlogged patrol): 0101's log 3 − 3 × 0.2 = 2.4 becomes 3 − 2 × 0.2 = 2.6,
    // and the total 95.7 + 0.2 = 95.9.
    assert_eq!(
        (&of(&a, "0101")["patrol.log"][..], &of(&b, "0101")["patrol.log"][..]),
        ("2.4", "2.6")
    );
    assert_eq!(of(&b, "0101")["total"], "95.9");
    // 调整 民意测评 +1: 0103's survey 30 → 31 (an adjustment is the committee's, not capped),
    // total 91.5 → 92.5.
    assert_eq!(
        (&of(&b, "0103")["survey"][..], &of(&b, "0103")["total"][..]),
        ("31", "92.5")
    );
    // 撤销否决 (blank: all three of 0306's vetoes): graded with the others again.
    assert_eq!(of(&a, "0306")["grade"], "不合格");
    assert_eq!(
        (&of(&b, "0306")["veto"][..], &of(&b, "0306")["grade"][..]),
        ("", "合格")
    );
    // 名额裁定: 0207 and 0208 tie at 99.5 across 古坝村/兼职网格员's 优秀 line (one place); both
    // were 优秀 by the rule's default; the committee places 0208 below it.
    assert_eq!(
        (&of(&a, "0207")["grade"][..], &of(&a, "0208")["grade"][..]),
        ("优秀", "优秀")
    );
    assert_eq!(
        (&of(&b, "0207")["grade"][..], &of(&b, "0208")["grade"][..]),
        ("优秀", "良好")
    );
    // 调整 稿件录用奖励 −50 yuan: 0101's 200 → 150, paid 400 → 350.
    let pay = csv_rows(&with.join("payouts.csv"));
    assert_eq!(
        (&of(&pay, "0101")["articles"][..], &of(&pay, "0101")["amount"][..]),
        ("150.00", "350.00")
    );

    // explain: each decision beside the rule, with its reason and its 决定 row.
    let e = gridscore()
        .args(["--lang", "zh", "explain"])
        .arg(&with)
        .arg("0101")
        .assert()
        .success();
    let e = String::from_utf8(e.get_output().stdout.clone()).unwrap();
    assert!(
        e.contains("决定 免扣 巡查未录入系统 巡查!178") && e.contains("决定!2"),
        "{e}"
    );
    assert!(
        e.contains("决定 调整 -50.00元 (理由: 重复计发; 决定人 镇考核组, 2026-10-09)"),
        "{e}"
    );
    // 说明: the list of decisions, and the tie said settled.
    let about = sheet_text(&with.join("score-2026Q3.xlsx"), "说明");
    let about: Vec<String> = about.iter().map(|r| r.join(" | ")).collect();
    assert!(
        about.iter().any(|r| r.starts_with("决定 decisions | 5 条")),
        "{about:?}"
    );
    assert!(
        about
            .iter()
            .any(|r| r.starts_with("决定 决定!5") && r.contains("0208 高丽: 名额裁定 良好")),
        "{about:?}"
    );
    assert!(
        about.iter().any(|r| r.contains("0207 何伟、0208 高丽 — 已由名额裁定")),
        "{about:?}"
    );
    // 明细: the decision's own line, at its source row.
    let detail = sheet_text(&with.join("score-2026Q3.xlsx"), "明细");
    assert!(
        detail
            .iter()
            .any(|r| r.iter().any(|c| c.contains("决定 撤销否决")) && r.iter().any(|c| c == "决定!4")),
        "no 撤销否决 line in 明细"
    );
    // diff: the results that moved and the 决定 rows that moved them.
    let d = gridscore().arg("diff").arg(&plain).arg(&with).assert().success();
    let d = String::from_utf8(d.get_output().stdout.clone()).unwrap();
    assert!(d.contains("0208 | 名额裁定 | 良好"), "{d}");
    assert!(
        d.lines().any(|l| l.contains("0306") && l.contains("不合格 → 合格")),
        "{d}"
    );
    // And the run verifies: a re-run applies the same decisions.
    gridscore().arg("verify").arg(&with).assert().success();
}

#[test]
fn issue20_a_decision_that_names_nothing_is_an_error_at_its_cell_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "编号,决定,项目,分值,扣分记录,理由,决定人,日期
0101,免扣,not_logged,,巡查!179,x,镇考核组,2026-10-08
0306,撤销否决,秘密,,,x,镇党委,2026-10-09
0207,名额裁定,合格,,,x,镇党委,2026-10-09
0101,名额裁定,良好,,,x,镇党委,2026-10-09
0102,调整,patrol.log,1,,x,y,2026-10-09
";
    let input = dir.path().join("in");
    yangkou_copy(&input, &[("决定.csv", bad)]);
    let out = dir.path().join("out");
    let err = common::run_fails(&["quarter", "--scheme", "yangkou", "--period", "2026Q3"], &input, &out);
    for (cell, says) in [
        // 巡查!179 is a logged patrol of 0101: nothing to exempt there.
        ("决定!E2", "none is at 巡查!179"),
        ("决定!C3", "a veto of the rule set"),
        // 0207's tie spans 优秀 and 良好 only.
        ("决定!C4", "one of the grades this tie spans: 优秀、良好"),
        // 0101 is tied with nobody at a line.
        ("决定!C5", "tied with others across a quota line"),
        ("决定!C6", "a top-level item"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(cell) && l.contains(says)),
            "{cell} {says}: {err}"
        );
    }
}

/// The yangkou rule set with its three event vetoes of 0205 held for the committee.
fn held_rules(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets/yangkou.toml")).unwrap();
    let mut held = text.clone();
    for m in ["veto_incidents", "veto_false_report", "veto_speech"] {
        held = held.replace(
            &format!("measure = \"{m}\"\n"),
            &format!("measure = \"{m}\"\nconfirm = true\n"),
        );
    }
    assert_eq!(held.matches("confirm = true").count(), 3);
    let path = dir.join("held.toml");
    std::fs::write(&path, held).unwrap();
    path
}

#[test]
fn issue20_a_veto_held_for_confirmation_grades_the_worker_and_holds_the_pay_until_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let rules = held_rules(dir.path());
    let input = dir.path().join("in");
    yangkou_copy(&input, &[]);
    let out = dir.path().join("held");
    let summary = run(&input, &out, Some(&rules));
    assert!(summary.contains("1 否决待确认 (pay held)"), "{summary}");
    let scores = csv_rows(&out.join("scores.csv"));
    // 0205 (100 points, three vetoes raised) is graded as not vetoed: first of 古坝村/兼职网格员's
    // six, the one 优秀 place (round(6 × 20%) = 1); so 0207 and 0208 (99.5) tie inside 良好.
    let r = of(&scores, "0205");
    assert_eq!((&r["veto"][..], &r["grade"][..], &r["rank"][..]), ("", "优秀", "1"));
    assert_eq!(of(&scores, "0208")["grade"], "良好");
    // 排名 shows the held vetoes; the 发放表 lists the pay, marked held; the bank file leaves it out.
    let ranking = sheet_text(&out.join("score-2026Q3.xlsx"), "排名");
    let row = ranking.iter().find(|r| r.iter().any(|c| c == "0205")).unwrap();
    assert!(row.iter().any(|c| c.contains("待确认: 网格内发生五类事件")), "{row:?}");
    let payout = sheet_text(&out.join("payout-2026Q3.xlsx"), "发放表");
    let row = payout.iter().find(|r| r.iter().any(|c| c == "0205")).unwrap();
    assert!(row.iter().any(|c| c == "暂缓发放 (否决待确认)"), "{row:?}");
    assert!(row.iter().any(|c| c == "600"), "优秀 600 yuan: {row:?}");
    let bank = out.join("bank-2026Q3.xlsx");
    let listed = sheet_text(&bank, "代发");
    assert!(
        !listed
            .iter()
            .any(|r| r.iter().any(|c| c == "0205" || c == "朱红" || c == "胡军")),
        "{listed:?}"
    );
    let check = sheet_text(&bank, "核对");
    assert!(
        check
            .iter()
            .any(|r| r[0] == "0205" && r[3] == "一票否决待确认, 暂缓发放"),
        "{check:?}"
    );

    // Confirmed (blank 项目: every held veto of 0205): vetoed, as the plain rule set vetoes.
    let confirmed = dir.path().join("confirmed-in");
    yangkou_copy(
        &confirmed,
        &[(
            "决定.csv",
            "编号,决定,项目,分值,扣分记录,理由,决定人,日期\n0205,确认否决,,,,经集体讨论认定,镇党委,2026-10-09\n",
        )],
    );
    let out2 = dir.path().join("confirmed");
    let summary = run(&confirmed, &out2, Some(&rules));
    assert!(!summary.contains("待确认"), "{summary}");
    let r = csv_rows(&out2.join("scores.csv"));
    let r = of(&r, "0205");
    assert!(r["veto"].contains("网格内发生五类事件"), "{r:?}");
    assert_eq!(r["grade"], "不合格");
}
