//! The clerk's files after the run (issue #19, items 2 and 3): the 公示 workbook a graded run
//! writes for the notice board, and the bank's payroll file (代发) a pay run writes when the
//! roster has accounts.
mod common;
use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{gridscore, Fixture};
use std::path::Path;

const PHONE: &str = "13912345678";
const ID_CARD: &str = "32068219900101123X";
const ACCOUNT: &str = "6228480300029000087";

use common::sheet_text as sheet;

/// Every part of a workbook, inflated, as one text.
fn inflated(book: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut part, &mut all).unwrap_or_default();
    }
    all
}

fn yangkou(rules: Option<&Path>, input: &Path, out: &Path) {
    let mut c = gridscore();
    c.arg("quarter");
    match rules {
        Some(r) => c.arg("--rules").arg(r),
        None => c.args(["--scheme", "yangkou"]),
    };
    c.args(["--period", "2026Q3", "-q", "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// yangkou's rule set with `extra` appended.
fn yangkou_with(dir: &Path, extra: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rulesets/yangkou.toml")).unwrap();
    let p = dir.join("yangkou.toml");
    std::fs::write(&p, format!("{text}\n{extra}\n")).unwrap();
    p
}

/// yangkou's example inputs in `dir`, the roster workbook (花名册 and 参数) rewritten as text
/// cells after `edit` has changed its sheets' rows.
fn yangkou_inputs(dir: &Path, edit: impl Fn(&str, &mut Vec<Vec<String>>)) -> std::path::PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(
        "examples/yangkou/2026Q3考核台账.xlsx",
        input.join("2026Q3考核台账.xlsx"),
    )
    .unwrap();
    let mut wb: Xlsx<_> = open_workbook("examples/yangkou/花名册.xlsx").unwrap();
    let mut out_wb = rust_xlsxwriter::Workbook::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let mut rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| {
                row.iter()
                    .map(|v| match v {
                        Data::Empty => String::new(),
                        // Excel's day 0 is 1899-12-30.
                        Data::DateTime(d) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                            + chrono::Days::new(d.as_f64() as u64))
                        .format("%Y-%m-%d")
                        .to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect();
        edit(&name, &mut rows);
        let ws = out_wb.add_worksheet();
        ws.set_name(&name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
    }
    out_wb.save(input.join("花名册.xlsx")).unwrap();
    input
}

#[test]
fn a_graded_run_posts_rank_name_total_and_grade_and_leaves_the_dates_blank_when_not_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou(None, Path::new("examples/yangkou"), &out);
    let rows = sheet(&out.join("publication-2026Q3.xlsx"), "公示");
    assert_eq!(rows[0], ["排名", "姓名", "村(社区)", "岗位", "总分", "等次"]);
    // 30 workers, then a blank row and the two lines below the table.
    assert_eq!(rows[1], ["1", "宋佳", "丰利村", "专职网格员", "99.5", "良好"]);
    let text: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(text.contains(&"公示期: ____年__月__日 至 ____年__月__日"), "{text:?}");
    assert!(
        text.iter()
            .any(|t| t.starts_with("公示期间如有异议, 请向 ________________")),
        "{text:?}"
    );
    // 0205 胡军 is vetoed: graded 不合格, and the notice does not say why.
    let hu = rows.iter().find(|r| r[1] == "胡军").unwrap();
    assert_eq!(hu[5], "不合格");
    assert!(!inflated(&out.join("publication-2026Q3.xlsx")).contains("网格内发生五类事件"));
}

#[test]
fn the_notice_shows_the_items_and_vetoes_the_rule_set_marks_public_and_the_dates_given() {
    let dir = tempfile::tempdir().unwrap();
    let rules = yangkou_with(
        dir.path(),
        "[office]\npublic_items = [\"survey\", \"patrol.log\"]\npublic_vetoes = [\"incident\"]",
    );
    // The dates and the contact come from 参数 rows, as the clerk writes them (名称, 月份, 值 …).
    let input = yangkou_inputs(dir.path(), |sheet, rows| {
        if sheet == "参数" {
            let header = rows.iter().position(|r| r.iter().any(|c| c == "名称")).unwrap();
            let col = |name: &str| rows[header].iter().position(|c| c == name).unwrap();
            let (n, v) = (col("名称"), col("值"));
            for (name, value) in [
                ("公示期", "2026年10月8日至10月14日"),
                ("申诉", "镇网格办 王芳 0513-86000000"),
            ] {
                let mut row = vec![String::new(); rows[header].len()];
                row[n] = name.into();
                row[v] = value.into();
                rows.push(row);
            }
        }
    });
    let out = dir.path().join("run");
    let a = gridscore()
        .args(["quarter", "--rules"])
        .arg(&rules)
        .args(["--period", "2026Q3", "-q", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert();
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    a.success();
    let rows = sheet(&out.join("publication-2026Q3.xlsx"), "公示");
    assert_eq!(
        rows[0],
        [
            "排名",
            "姓名",
            "村(社区)",
            "岗位",
            "民意测评",
            "巡查日志",
            "总分",
            "等次",
            "备注"
        ],
        "{err}"
    );
    let hu = rows.iter().find(|r| r[1] == "胡军").unwrap();
    assert_eq!(hu[8], "一票否决: 网格内发生五类事件");
    let text: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(text.contains(&"公示期: 2026年10月8日至10月14日"), "{text:?}");
    assert!(
        text.contains(&"公示期间如有异议, 请向 镇网格办 王芳 0513-86000000 反映。"),
        "{text:?}"
    );
}

#[test]
fn an_unknown_public_item_or_veto_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let rules = yangkou_with(
        dir.path(),
        "[office]\npublic_items = [\"surveys\"]\npublic_vetoes = [\"incidents\"]",
    );
    let a = gridscore().arg("check").arg(&rules).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("office.public_items: no item `surveys`"), "{err}");
    assert!(err.contains("office.public_vetoes: no veto `incidents`"), "{err}");
}

/// The minimal fixture with a phone, an ID-card number and an account for 001 (002 has none).
fn planted(dir: &Path) {
    let mut f = Fixture::minimal();
    let roster = f.sheet("花名册");
    roster[0].extend(["手机".to_string(), "身份证号".to_string(), "银行卡号".to_string()]);
    roster[1].extend([PHONE.to_string(), ID_CARD.to_string(), ACCOUNT.to_string()]);
    roster[2].extend([String::new(), String::new(), String::new()]);
    f.write(dir);
}

#[test]
fn the_notice_and_the_printed_payout_show_no_account_phone_or_id_number() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("run"));
    std::fs::create_dir_all(&input).unwrap();
    planted(&input);
    yangkou(None, &input, &out);
    let notice = inflated(&out.join("publication-2026Q3.xlsx"));
    for secret in [PHONE, ID_CARD, ACCOUNT, "0087"] {
        assert!(!notice.contains(secret), "{secret} is on the notice");
    }
    let payout = inflated(&out.join("payout-2026Q3.xlsx"));
    assert!(!payout.contains(ACCOUNT), "the printed payout shows the whole account");
    assert!(
        payout.contains("****0087"),
        "the printed payout shows the account's last four digits"
    );
}

#[test]
fn the_bank_file_lists_each_positive_amount_with_its_account_as_text_and_checks_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    yangkou(None, Path::new("examples/yangkou"), &out);
    let book = out.join("bank-2026Q3.xlsx");
    let rows = sheet(&book, "代发");
    assert_eq!(rows[0], ["账号", "户名", "金额"]);
    // 0303 谢宇: ¥1,000.00 (the payout's second row); the account kept whole, as text.
    assert!(
        rows.contains(&vec!["6228480300029000087".into(), "谢宇".into(), "1000".into()]),
        "{rows:?}"
    );
    // Workers paid 0 (12 of the 30) are not in it: 18 rows.
    assert_eq!(rows.len(), 1 + 18);
    assert!(rows.iter().flatten().all(|c| !c.is_empty()), "no empty cell: {rows:?}");
    let xml = inflated(&book);
    assert!(
        xml.contains("<v>1000</v>") && xml.contains(r#"formatCode="0.00""#),
        "amounts as numbers, 0.00"
    );
    let check = sheet(&book, "核对");
    // The payout's total, the count and the file's total: ¥8,950.00 = 18 amounts.
    assert_eq!(check[1][..3], ["发放表合计".to_string(), String::new(), "8950".into()]);
    assert_eq!(check[2][..3], ["代发笔数".to_string(), String::new(), "18".into()]);
    assert_eq!(check[3][..3], ["代发合计".to_string(), String::new(), "8950".into()]);
}

#[test]
fn the_bank_layout_is_the_rule_sets_and_a_payee_without_an_account_is_listed_for_the_clerk() {
    let dir = tempfile::tempdir().unwrap();
    let rules = yangkou_with(
        dir.path(),
        r#"[bank]
columns = [
  { field = "序号" },
  { field = "账号", header = "账户" },
  { field = "户名" },
  { field = "金额" },
  { header = "跨行标识", value = "0" },
  { header = "摘要", value = "网格员考核奖励" },
]"#,
    );
    // 0303 谢宇 (¥1,000.00) loses the account: the roster's 银行卡号 cell emptied.
    let input = yangkou_inputs(dir.path(), |sheet, rows| {
        if sheet == "花名册" {
            for row in rows.iter_mut().filter(|r| r.iter().any(|c| c == "谢宇")) {
                for c in row.iter_mut().filter(|c| *c == ACCOUNT) {
                    c.clear();
                }
            }
        }
    });
    let out = dir.path().join("run");
    yangkou(Some(&rules), &input, &out);
    let book = out.join("bank-2026Q3.xlsx");
    let rows = sheet(&book, "代发");
    assert_eq!(rows[0], ["序号", "账户", "户名", "金额", "跨行标识", "摘要"]);
    assert_eq!(rows[1][0], "1");
    assert_eq!(rows[1][4..], ["0".to_string(), "网格员考核奖励".into()]);
    assert_eq!(rows.len(), 1 + 17, "谢宇 is not in the file");
    assert!(!rows.iter().any(|r| r[2] == "谢宇"));
    let check = sheet(&book, "核对");
    assert!(
        check.contains(&vec![
            "0303".into(),
            "谢宇".into(),
            "1000".into(),
            "花名册无银行卡号".into()
        ]),
        "{check:?}"
    );
    // 8,950 in the payout = 7,950 in the file + 1,000 left out.
    assert_eq!(check[3][2], "7950");
}

#[test]
fn a_bank_layout_without_an_amount_or_with_a_blank_fixed_value_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rules = yangkou_with(
        dir.path(),
        "[bank]\ncolumns = [{ field = \"账号\" }, { field = \"户名\" }, { header = \"摘要\", value = \" \" }, { field = \"卡号\" }]",
    );
    let a = gridscore().arg("check").arg(&rules).assert().code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(err.contains("no `金额` column"), "{err}");
    assert!(err.contains("a bank refuses empty cells"), "{err}");
    assert!(err.contains("no field `卡号`"), "{err}");
}

#[test]
fn a_negative_amount_is_never_a_bank_row_but_is_listed_for_the_clerk() {
    // daning takes penalties from the month's pay, unfloored: 0001 甲 is absent all month
    // (20 × −10) and five cases went unreported (5 × −100): 350 − 200 − 500 = −350.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("花名册.csv"),
        "编号,姓名,岗位,银行卡号\n0001,甲,农村网格员,6230481200003115838\n0002,乙,社区兼职网格员,6230481200003131676\n",
    )
    .unwrap();
    let mut att = String::from("编号,日期,状态\n");
    for d in 1..=20 {
        att.push_str(&format!("0001,2026-07-{d:02},旷工\n0002,2026-07-{d:02},出勤\n"));
    }
    std::fs::write(input.join("考勤.csv"), att).unwrap();
    let mut events = String::from("事件编号,编号,类型,日期,数量\nB1,0002,有效信息,2026-07-03,20\n");
    for k in 1..=5 {
        events.push_str(&format!("U{k},0001,未报引发案件,2026-07-1{k},1\n"));
    }
    std::fs::write(input.join("事件.csv"), events).unwrap();
    let out = dir.path().join("run");
    gridscore()
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
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let payouts = common::csv_rows(&out.join("payouts.csv"));
    let jia = payouts.iter().find(|r| r["id"] == "0001").unwrap();
    assert_eq!(jia["amount"], "-350.00");
    let book = out.join("bank-2026-07.xlsx");
    let rows = sheet(&book, "代发");
    assert_eq!(rows.len(), 2, "only 乙's 1,000: {rows:?}");
    assert_eq!(rows[1], ["6230481200003131676", "乙", "1000"]);
    let check = sheet(&book, "核对");
    // The payout's 650 = the file's 1,000 + the −350 left out.
    assert_eq!(check[1][2], "650");
    assert_eq!(check[3][2], "1000");
    assert!(
        check.contains(&vec![
            "0001".into(),
            "甲".into(),
            "-350".into(),
            "金额为负, 不能代发, 请另行处理".into()
        ]),
        "{check:?}"
    );
}
