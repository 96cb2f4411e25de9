//! Formula and character injection (issue 13, 4): a name that a spreadsheet would run as a
//! formula reaches the CSV files as text, and the workbooks as text cells; control characters
//! are refused at their cell, and invisible ones in ids and names, shown escaped.
mod common;
use common::{csv_rows, gridscore, Fixture};

fn run(f: &Fixture, dir: &std::path::Path) -> assert_cmd::assert::Assert {
    let input = f.write_csv(dir);
    gridscore()
        .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
        .arg(input)
        .arg("--out")
        .arg(dir.join("run"))
        .assert()
}

#[test]
fn a_name_that_is_a_formula_is_written_as_text_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Fixture::minimal();
    f.sheet("花名册")[1][1] = "=HYPERLINK(\"http://x\",\"点我\")".into();
    // A leading tab is trimmed as the cell is read, which leaves `=1+1`.
    f.sheet("花名册")[2][1] = "\t=1+1".into();
    f.sheet("花名册")[2][2] = "@SUM(1+1)*cmd|' /C calc'!A0".into();
    run(&f, dir.path()).success();
    let out = dir.path().join("run");
    let scores = csv_rows(&out.join("scores.csv"));
    let by_id = |id: &str| scores.iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(by_id("001")["name"], "'=HYPERLINK(\"http://x\",\"点我\")");
    assert_eq!(by_id("002")["name"], "'=1+1");
    assert_eq!(by_id("002")["village"], "'@SUM(1+1)*cmd|' /C calc'!A0");
    let text = std::fs::read_to_string(out.join("scores.csv")).unwrap();
    for line in text.lines().skip(1) {
        for field in line.split(',') {
            let f = field.trim_start_matches('"');
            assert!(!f.starts_with(['=', '+', '@', '\t', '\r']), "{line}");
        }
    }
    // In the workbooks the names are text cells: no formula anywhere.
    for book in ["score-2026Q3.xlsx", "payout-2026Q3.xlsx"] {
        let bytes = std::fs::read(out.join(book)).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut strings = String::new();
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().unwrap_or_default().to_string();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
            if name.starts_with("xl/worksheets/") {
                assert!(
                    !xml.contains("<f>") && !xml.contains("<f "),
                    "{book} {name} holds a formula"
                );
            }
            strings.push_str(&xml);
        }
        assert!(strings.contains("=HYPERLINK("), "{book} shows the name as text");
    }
}

#[test]
fn a_control_character_or_an_invisible_one_in_an_id_is_refused_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Fixture::minimal();
    f.sheet("花名册")[1][1] = "甲\u{1b}[31m".into();
    f.sheet("花名册")[2][0] = "002\u{200B}".into();
    let a = run(&f, dir.path()).code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("花名册!B2") && err.contains("found \"甲\\u{001B}[31m\"") && err.contains("U+001B"),
        "{err}"
    );
    assert!(
        err.contains("花名册!A3") && err.contains("found \"002\\u{200B}\"") && err.contains("invisible"),
        "{err}"
    );
    assert!(!dir.path().join("run").exists());
}
