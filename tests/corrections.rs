//! Corrections of an approved run (issue #20, item 4): `--corrects RUN_DIR` scores the corrected
//! inputs into a folder of its own, with corrections-<period>.xlsx (each worker's approved and
//! corrected total, grade and pay, and the difference: 补发 or 扣回) and a bank file that pays
//! only the differences; the approved run is never touched.
mod common;
use common::{gridscore, sheet_text, yangkou_copy, YANGKOU_DECISIONS as DECISIONS};
use std::path::Path;

/// Every file of a folder with its bytes, for "nothing changed".
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir(dir);
    v.sort();
    v
}

fn walkdir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

/// The shipped yangkou 2026Q3 scored into `<root>/yangkou-2026Q3`; returns its folder.
fn scored(root: &Path) -> std::path::PathBuf {
    let input = root.join("in");
    yangkou_copy(&input, &[]);
    let run = root.join("yangkou-2026Q3");
    gridscore()
        .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "-q", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    run
}

fn approve(run: &Path) {
    gridscore()
        .arg("approve")
        .arg(run)
        .args(["--by", "王主任"])
        .assert()
        .success();
}

/// That run, approved.
fn approved(root: &Path) -> std::path::PathBuf {
    let run = scored(root);
    approve(&run);
    run
}

fn correct(root: &Path, run: &Path, decisions: &str) -> assert_cmd::assert::Assert {
    let input = root.join("corrected");
    if !input.exists() {
        yangkou_copy(&input, &[]);
    }
    std::fs::write(input.join("决定.csv"), decisions).unwrap();
    gridscore()
        .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
        .arg(&input)
        .arg("--corrects")
        .arg(run)
        .assert()
}

#[test]
fn issue20_a_correction_pays_exactly_the_difference_in_a_folder_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let run = approved(dir.path());
    let before = files(&run);
    correct(dir.path(), &run, DECISIONS).success();
    assert_eq!(files(&run), before, "the approved run is untouched");
    let fix = dir.path().join("yangkou-2026Q3-更正1");

    let book = fix.join("corrections-2026Q3.xlsx");
    let rows = sheet_text(&book, "更正");
    let row = |id: &str| {
        rows.iter()
            .find(|r| r.get(1).map(String::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}: {rows:?}"))
            .clone()
    };
    // (原等次, 更正等次, 原发放, 更正发放, 差额, 类别), yangkou's 兼职 pay 合格 300 / 良好 450 /
    // 优秀 600 a quarter:
    let pay = |id: &str| row(id)[6..12].to_vec();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // 0306's vetoes revoked: 不合格 (nothing) → 合格 300: 补发 300.
    assert_eq!(pay("0306"), s(&["不合格", "合格", "0", "300", "300", "补发"]));
    // 0306 back in 丰利村/兼职's base lifts 0310 from 合格 to 良好: 补发 150.
    assert_eq!(pay("0310"), s(&["合格", "良好", "300", "450", "150", "补发"]));
    // 0208 placed below the 优秀 line: 600 → 450, 扣回 150.
    assert_eq!(pay("0208"), s(&["优秀", "良好", "600", "450", "-150", "扣回"]));
    // 0101: 稿件录用奖励 200 − 50 (and the exempted row moves points, not pay): 扣回 50.
    assert_eq!(pay("0101"), s(&["良好", "良好", "400", "350", "-50", "扣回"]));
    // 0103's total moves (91.5 → 92.5), its pay does not: listed, no difference.
    assert_eq!(
        (
            row("0103")[4].as_str(),
            row("0103")[5].as_str(),
            row("0103")[10].as_str()
        ),
        ("91.5", "92.5", "0")
    );
    assert_eq!(
        rows.len(),
        1 + 1 + 5 + 2,
        "title, header, the five who moved, two footer lines"
    );
    // 补发 300 + 150 = 450; 扣回 150 + 50 = 200; net 250.
    assert!(
        rows.iter()
            .any(|r| r[0].contains("补发合计 ¥450.00, 扣回合计 ¥200.00, 净额 ¥250.00; 其余 25 人无变化")),
        "{rows:?}"
    );
    let changes = sheet_text(&book, "输入变更");
    assert!(
        changes
            .iter()
            .any(|r| r[1] == "决定!6" && r[3].starts_with("0101 | 调整 | 稿件录用奖励 | -50")),
        "{changes:?}"
    );

    // The bank file pays only the differences owed: 0306 300 and 0310 150; the recoveries are in 核对.
    let bank = fix.join("bank-2026Q3.xlsx");
    let paid: Vec<Vec<String>> = sheet_text(&bank, "代发").into_iter().skip(1).collect();
    assert_eq!(paid.len(), 2, "{paid:?}");
    assert!(paid
        .iter()
        .any(|r| r.contains(&"许燕".to_string()) && r.contains(&"300".to_string())));
    assert!(paid
        .iter()
        .any(|r| r.contains(&"曹阳".to_string()) && r.contains(&"150".to_string())));
    let check = sheet_text(&bank, "核对");
    assert!(
        check.iter().any(|r| r[0] == "更正差额合计" && r[2] == "250"),
        "{check:?}"
    );
    assert!(
        check
            .iter()
            .any(|r| r[0] == "0208" && r[3] == "扣回, 不能代发, 请另行扣回"),
        "{check:?}"
    );

    // The correction re-runs from its own folder (it holds a copy of the approved run), and is
    // itself approved like any run.
    let v = gridscore().arg("verify").arg(&fix).assert().success();
    let v = String::from_utf8(v.get_output().stdout.clone()).unwrap();
    assert!(v.contains("identical"), "{v}");
    approve(&fix);
    // A correction of the correction numbers on: 更正2, against the approved 更正1.
    correct(dir.path(), &fix, "编号,决定,项目,分值,扣分记录,理由,决定人,日期\n").success();
    let second = dir.path().join("yangkou-2026Q3-更正2");
    let rows = sheet_text(&second.join("corrections-2026Q3.xlsx"), "更正");
    // Without the decisions, everything 更正1 changed changes back.
    assert!(
        rows.iter()
            .any(|r| r[0].contains("补发合计 ¥200.00, 扣回合计 ¥450.00, 净额 ¥-250.00")),
        "{rows:?}"
    );
}

#[test]
fn issue20_only_an_approved_run_of_the_same_scheme_and_period_is_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let run = scored(dir.path());
    let input = dir.path().join("in");
    let a = correct(dir.path(), &run, DECISIONS).code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("is not approved") && err.contains("--force"), "{err}");
    assert!(!dir.path().join("yangkou-2026Q3-更正1").exists());
    approve(&run);
    let a = gridscore()
        .args(["month", "--scheme", "yangkou", "--period", "2026-07", "--input"])
        .arg(&input)
        .arg("--corrects")
        .arg(&run)
        .assert()
        .code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("is a run of yangkou 2026Q3"), "{err}");
}
