//! The payout as a clerk signs it (issue #18): the grand total in 人民币大写 under the table, the
//! office's signature block from the rule set (blank lines by default), no column that is empty
//! for every payee.
mod common;
use calamine::{open_workbook, Data, Reader, Xlsx};
use common::gridscore;
use std::path::Path;

/// Every text on the 发放表 sheet, and its header row.
fn payout_sheet(run: &Path, period: &str) -> (Vec<String>, Vec<String>) {
    let mut wb: Xlsx<_> = open_workbook(run.join(format!("payout-{period}.xlsx"))).unwrap();
    let range = wb.worksheet_range("发放表").unwrap();
    let header = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let texts = range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    (header, texts)
}

fn yangkou(rules: Option<&Path>, out: &Path) {
    let mut c = gridscore();
    c.arg("quarter");
    match rules {
        Some(r) => c.arg("--rules").arg(r),
        None => c.args(["--scheme", "yangkou"]),
    };
    c.args(["--period", "2026Q3", "--input", "examples/yangkou", "-q", "--out"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn the_payout_ends_with_the_total_in_words_and_blank_signature_lines_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou(None, &out);
    let (_, texts) = payout_sheet(&out, "2026Q3");
    // yangkou's 2026Q3 payout: ¥8,950.00 in all (payouts.csv sums to it).
    let total: rust_decimal::Decimal = common::csv_rows(&out.join("payouts.csv"))
        .iter()
        .map(|r| r["amount"].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(total.to_string(), "8950.00");
    assert!(
        texts.contains(&"合计金额 (大写): 人民币捌仟玖佰伍拾元整    (小写: ¥8,950.00)".to_string()),
        "{texts:?}"
    );
    let block = texts
        .iter()
        .find(|t| t.starts_with("制表人"))
        .expect("a signature block");
    assert_eq!(
        block,
        "制表人: ____________        审核人: ____________        负责人: ____________        日期: ____________"
    );
}

#[test]
fn the_signature_block_takes_the_offices_labels_and_names_from_the_rule_set() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    let rules = dir.path().join("yangkou.toml");
    let office = "\n[office]\nsignatures = [{ label = \"制表\", name = \"王芳\" }, { label = \"镇分管领导\" }]\n";
    std::fs::write(&rules, format!("{text}{office}")).unwrap();
    let out = dir.path().join("run");
    yangkou(Some(&rules), &out);
    let (_, texts) = payout_sheet(&out, "2026Q3");
    assert!(
        texts.contains(&"制表: 王芳        镇分管领导: ____________".to_string()),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("审核人")),
        "only the labels given: {texts:?}"
    );
}

#[test]
fn a_signature_label_given_twice_or_blank_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    let rules = dir.path().join("bad.toml");
    let office = "\n[office]\nsignatures = [{ label = \"审核人\" }, { label = \"审核人\" }, { label = \" \" }]\n";
    let changed = format!("{text}{office}");
    let line = changed.lines().count();
    std::fs::write(&rules, &changed).unwrap();
    let a = gridscore().arg("check").arg(&rules).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(&format!(":{line}:")) && err.contains("`审核人` is listed twice"),
        "{err}"
    );
    assert!(err.contains("a label is blank"), "{err}");
}

#[test]
fn a_column_no_payee_has_a_value_in_is_left_out() {
    // daning's month: nobody is graded, so the 等次 column would be empty on every row.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    gridscore()
        .args([
            "month",
            "--scheme",
            "daning",
            "--period",
            "2026-07",
            "--input",
            "examples/daning",
        ])
        .args(["--history-from", "2026-07", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let (header, _) = payout_sheet(&out, "2026-07");
    assert!(!header.contains(&"等次".to_string()), "{header:?}");
    assert!(
        header.contains(&"姓名".to_string()) && header.contains(&"签字".to_string()),
        "{header:?}"
    );
    // The quarter's payout grades: its 等次 column stays.
    let out = dir.path().join("yangkou");
    yangkou(None, &out);
    let (header, _) = payout_sheet(&out, "2026Q3");
    assert!(header.contains(&"等次".to_string()), "{header:?}");
}
