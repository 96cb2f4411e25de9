//! `gridscore template` (issue #19, item 1): blank input workbooks for exactly what a rule set
//! reads, with drop-downs; a template filled with an example's rows scores exactly as the
//! example does, for every shipped scheme.
mod common;
use common::gridscore;
use gridscore::contract::ALL_SHEETS;
use gridscore::period::Period;
use std::collections::HashMap;
use std::path::Path;

/// Every workbook part of an xlsx, inflated, by name.
fn parts(book: &Path) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut part, &mut text).unwrap_or_default();
        out.insert(part.name().unwrap_or_default().to_string(), text);
    }
    out
}

fn score(kind: &str, scheme: &str, period: &str, extra: &[&str], input: &Path, out: &Path) {
    gridscore()
        .args([kind, "--scheme", scheme, "--period", period, "-q", "--input"])
        .arg(input)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn a_template_filled_with_an_examples_rows_scores_exactly_as_the_example_for_every_scheme() {
    for (kind, scheme, period, extra) in [
        ("quarter", "yangkou", "2026Q3", &[][..]),
        ("quarter", "xiangzhen2019", "2026Q3", &["--history-from", "2026Q3"][..]),
        ("quarter", "chengnan", "2026Q3", &[][..]),
        ("quarter", "huishan", "2026Q3", &["--history-from", "2026-07"][..]),
        ("month", "daning", "2026-07", &["--history-from", "2026-07"][..]),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(scheme);
        let as_given = dir.path().join("as-given");
        score(kind, scheme, period, extra, &example, &as_given);
        // Paste: every contract sheet of the example's files, row by row, into the template.
        let mut fill = HashMap::new();
        for file in std::fs::read_dir(&example).unwrap() {
            let file = file.unwrap().path();
            for spec in ALL_SHEETS {
                if let Ok(rows) = gridscore::template::read_rows(&file, spec) {
                    fill.insert(spec.key, rows);
                }
            }
        }
        let rules = gridscore::cmd::rule_set(&Some(scheme.to_string()), &None).unwrap();
        let p = Period::parse_any(period).unwrap();
        let bytes = gridscore::template::workbook(&rules, p, &fill).unwrap();
        let input = dir.path().join("filled");
        std::fs::create_dir_all(&input).unwrap();
        std::fs::write(input.join(format!("台账-{period}.xlsx")), bytes).unwrap();
        let filled = dir.path().join("filled-run");
        score(kind, scheme, period, extra, &input, &filled);
        for f in ["scores.csv", "payouts.csv"] {
            let (a, b) = (std::fs::read(as_given.join(f)), std::fs::read(filled.join(f)));
            assert_eq!(a.is_ok(), b.is_ok(), "{scheme}: {f} written by one run only");
            if let (Ok(a), Ok(b)) = (a, b) {
                assert!(
                    a == b,
                    "{scheme}: {f} differs between the example and its filled template"
                );
            }
        }
    }
}

#[test]
fn the_template_has_the_sheets_the_rule_set_reads_with_drop_downs_and_text_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    gridscore()
        .args(["template", "--scheme", "yangkou", "--period", "2026Q3", "--out"])
        .arg(&out)
        .assert()
        .success();
    let book = out.join("台账-2026Q3.xlsx");
    use calamine::{open_workbook, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    // yangkou reads all five sheets (and 参数, and the committee's 决定); it has no 指标
    // measure, so no 指标 sheet.
    assert_eq!(
        wb.sheet_names(),
        [
            "填表说明",
            "花名册",
            "考勤",
            "事件",
            "测评",
            "巡查",
            "参数",
            "决定",
            "选项"
        ]
    );
    let decisions = wb.worksheet_range("决定").unwrap();
    let header: Vec<String> = decisions.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header[..5],
        ["编号", "决定", "理由", "决定人", "日期"],
        "required first"
    );
    let events = wb.worksheet_range("事件").unwrap();
    let header: Vec<String> = events.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    // Required first: 事件编号, 编号, 类型, 日期.
    assert_eq!(header[..4], ["事件编号", "编号", "类型", "日期"]);
    let xml = parts(&book);
    // The 类型 list (column D of the hidden 选项 sheet) holds exactly the rule set's event types.
    let rules = gridscore::cmd::rule_set(&Some("yangkou".into()), &None).unwrap();
    let lists = wb.worksheet_range("选项").unwrap();
    let types: Vec<String> = lists
        .rows()
        .skip(1)
        .filter_map(|r| r.get(3).map(|c| c.to_string()).filter(|t| !t.is_empty()))
        .collect();
    let declared: Vec<String> = rules.event_types.iter().map(|t| t.name.clone()).collect();
    assert_eq!(types, declared);
    assert!(
        xml["xl/workbook.xml"].contains(r#"name="选项" sheetId="9" state="hidden""#),
        "the lists are hidden"
    );
    // 事件 (sheet4): a drop-down on 类型 (C) from the hidden lists, refusing other values.
    let sheet = &xml["xl/worksheets/sheet4.xml"];
    assert!(
        sheet.contains(r#"sqref="C3:C1048576""#) && sheet.contains("<formula1>'选项'!$D$2:$D$"),
        "{sheet}"
    );
    // 编号 (B) is text: a typed 0101 stays 0101.
    let styles = &xml["xl/styles.xml"];
    assert!(styles.contains(r#"formatCode="@""#), "a text format exists");
    assert!(
        sheet.contains(r#"<col min="2" max="2""#) && sheet.contains("style="),
        "{sheet}"
    );
    // Each header has a note with its English alias and its forms.
    let notes: String = xml
        .iter()
        .filter(|(k, _)| k.starts_with("xl/comments"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert!(
        notes.contains("类型 (type), 必填") && notes.contains("从下拉列表选"),
        "{notes}"
    );
    // A second template into the same folder would write over the first: refused.
    let a = gridscore()
        .args(["template", "--scheme", "yangkou", "--period", "2026Q3", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("already exists"));
}

#[test]
fn the_roster_comes_prefilled_from_last_periods_and_pay_parameters_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t");
    gridscore()
        .args([
            "template",
            "--scheme",
            "yangkou",
            "--period",
            "2026-10",
            "--roster",
            "examples/yangkou/花名册.xlsx",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let book = out.join("台账-2026-10.xlsx");
    let roster = gridscore::template::read_rows(&book, &gridscore::contract::ROSTER).unwrap();
    let last = gridscore::template::read_rows(Path::new("examples/yangkou/花名册.xlsx"), &gridscore::contract::ROSTER)
        .unwrap();
    assert_eq!(roster.len(), last.len());
    assert_eq!(
        roster[0]["id"].to_string(),
        last[0]["id"].to_string(),
        "ids keep their leading zeros"
    );
    // yangkou's month pays by the county's rank (县排名): its 参数 row is there, 值 to fill.
    let params = gridscore::template::read_rows(&book, &gridscore::contract::PARAMS).unwrap();
    assert!(
        params.iter().any(|r| r["name"] == "县排名" && r["month"] == "2026-10"),
        "{params:?}"
    );
}
