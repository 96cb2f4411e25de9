//! Shared test helpers: the binary, CSV outputs as maps, and small input workbooks.
#![allow(dead_code)]
use std::collections::BTreeMap;
use std::path::Path;

pub type Row = BTreeMap<String, String>;

/// The gridscore binary, run from the crate root so that `examples/` resolves.
pub fn gridscore() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("gridscore").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    // The tests read gridscore's English messages; Chinese, the default, has tests of its own
    // (tests/language.rs).
    c.env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

/// `gridscore quarter` on the shipped yangkou example for 2026Q3, writing into `out`: the run
/// most tests start from (add flags after it).
pub fn yangkou_quarter(out: &Path) -> assert_cmd::Command {
    let mut c = gridscore();
    c.args([
        "quarter",
        "--scheme",
        "yangkou",
        "--period",
        "2026Q3",
        "--input",
        "examples/yangkou",
        "--out",
    ])
    .arg(out);
    c
}

/// A CSV output (UTF-8 with BOM) as one map per row.
pub fn csv_rows(path: &Path) -> Vec<Row> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("CSV starts with a BOM");
    let mut r = csv::Reader::from_reader(body);
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Writes a workbook of text cells: each sheet is (name, rows).
pub fn write_book(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn rows(v: &[&[&str]]) -> Vec<Vec<String>> {
    v.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
}

/// A small, valid yangkou input: two part-time workers in one village, a few days of July 2026.
pub struct Fixture {
    pub sheets: Vec<(&'static str, Vec<Vec<String>>)>,
}

impl Fixture {
    pub fn minimal() -> Fixture {
        Fixture {
            sheets: vec![
                (
                    "花名册",
                    rows(&[
                        &["编号", "姓名", "村(社区)", "岗位"],
                        &["001", "甲", "东村", "兼职网格员"],
                        &["002", "乙", "东村", "兼职网格员"],
                    ]),
                ),
                (
                    "考勤",
                    rows(&[
                        &["测试考勤表"],
                        &[],
                        &["编号", "日期", "状态", "签到时间", "报告时间"],
                        &["001", "2026-07-01", "出勤", "08:30", "16:00"],
                    ]),
                ),
                (
                    "巡查",
                    rows(&[
                        &["编号", "日期", "时段", "开始", "结束"],
                        &["001", "2026-07-01", "上午", "08:30", "10:00"],
                    ]),
                ),
                (
                    "事件",
                    rows(&[
                        &["事件编号", "编号", "类型", "日期", "级别"],
                        &["E1", "002", "稿件录用", "2026-07-10", "县"],
                    ]),
                ),
                (
                    "测评",
                    rows(&[&["编号", "知晓", "覆盖", "满意"], &["001", "是", "是", "否"]]),
                ),
                ("参数", rows(&[&["名称", "月份", "值"], &["县排名", "2026-07", "3"]])),
            ],
        }
    }

    pub fn sheet(&mut self, name: &str) -> &mut Vec<Vec<String>> {
        &mut self.sheets.iter_mut().find(|(n, _)| *n == name).unwrap().1
    }

    pub fn push(&mut self, sheet: &str, row: &[&str]) -> &mut Self {
        self.sheet(sheet).push(row.iter().map(|s| s.to_string()).collect());
        self
    }

    pub fn write(&self, dir: &Path) -> std::path::PathBuf {
        self.write_with(dir, |_, _| {})
    }

    /// Writes the fixture as a folder of CSV files, one a sheet (`考勤.csv`), and returns it.
    pub fn write_csv(&self, dir: &Path) -> std::path::PathBuf {
        let folder = dir.join("csv");
        let quoted = |v: &String| {
            if v.contains([',', '"', '\n']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.clone()
            }
        };
        let sheets: Vec<(&str, String)> = self
            .sheets
            .iter()
            .map(|(name, rows)| {
                let text: String = rows
                    .iter()
                    .map(|r| r.iter().map(quoted).collect::<Vec<_>>().join(",") + "\n")
                    .collect();
                (*name, text)
            })
            .collect();
        let refs: Vec<(&str, &str)> = sheets.iter().map(|(n, t)| (*n, t.as_str())).collect();
        write_sheets(&folder, &refs);
        folder
    }

    /// Writes the fixture, then lets `tweak` change each sheet (a number, a formula, merged
    /// cells); a sheet it lays out itself is cleared in the fixture first.
    pub fn write_with(
        &self,
        dir: &Path,
        mut tweak: impl FnMut(&str, &mut rust_xlsxwriter::Worksheet),
    ) -> std::path::PathBuf {
        let p = dir.join("input.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, rows) in &self.sheets {
            let ws = wb.add_worksheet();
            ws.set_name(*name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if !v.is_empty() {
                        ws.write_string(r as u32, c as u16, v).unwrap();
                    }
                }
            }
            tweak(name, ws);
        }
        wb.save(&p).unwrap();
        p
    }
}

/// Scores a shipped example in-process and asserts that every leaf's tier, scale, monthly
/// amount or line, every veto, every flag and every pay rule of the run fires for someone: an
/// example that leaves a rule untouched cannot show it works.
pub fn assert_every_rule_fires(scheme: &str, example: &str, quarter: &str) {
    assert_every_rule_fires_in(scheme, example, &[quarter]);
}

/// The same over several runs of an example (a monthly scheme's months): each rule must fire
/// in one of them.
pub fn assert_every_rule_fires_in(scheme: &str, example: &str, periods: &[&str]) {
    use gridscore::rules::ItemBody;
    use gridscore::scoring::Scoring;
    let mut rules = gridscore::rules::load_builtin(scheme).unwrap();
    // An example is one quarter: its year runs are scored from the months it has (a year run
    // of the built-in rule set refuses nine missing months; tests/huishan_quarter.rs shows it).
    rules.meta.year_from_present_months = true;
    let cal = gridscore::calendar::Calendar::builtin(&rules.meta.calendar).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
    let mut traced: Vec<(String, String)> = Vec::new();
    let mut paid: Vec<usize> = Vec::new();
    for text in periods {
        let period = gridscore::period::Period::parse_any(text).unwrap();
        let inputs = gridscore::input::load(std::slice::from_ref(&dir), &rules.read_plan(period.kind), period).unwrap();
        let out = gridscore::engine::score(&inputs, &rules, period, &cal).unwrap();
        traced.extend(out.subjects.iter().flat_map(|s| {
            s.trace
                .iter()
                .map(|l| (l.item.to_string(), gridscore::output::said::text(&l.said)))
        }));
        for &p in &out.pays {
            if !paid.contains(&p) {
                paid.push(p);
            }
        }
    }
    let fired = |item: &str, label: &str| traced.iter().any(|(i, r)| i == item && r.starts_with(label));
    for (_, leaf) in rules.leaves() {
        let ItemBody::Leaf(l) = &leaf.body else { unreachable!() };
        match &l.scoring {
            Scoring::Tier(t) => assert!(
                fired(&leaf.path, &rules.measures[t.measure].label),
                "tier {}",
                leaf.path
            ),
            Scoring::Scale(sc) => {
                assert!(
                    fired(&leaf.path, &rules.measures[sc.measure].label),
                    "scale {}",
                    leaf.path
                )
            }
            Scoring::Monthly(_) => assert!(fired(&leaf.path, "每月"), "monthly {}", leaf.path),
            // Sums over archived runs are exercised by tests/auditor.rs.
            Scoring::SumOfRuns(_) => {}
            Scoring::Lines(lines) => {
                for line in &lines.lines {
                    assert!(
                        fired(&leaf.path, &line.label),
                        "line `{}` of {} never fires in the example",
                        line.label,
                        leaf.path
                    );
                }
            }
        }
    }
    for v in &rules.vetoes {
        assert!(fired(&format!("veto.{}", v.id), &v.label), "veto {} never fires", v.id);
    }
    // Flags that look back on earlier runs are exercised by tests/auditor.rs.
    for f in rules
        .flags
        .iter()
        .filter(|f| matches!(f.rule, gridscore::rules::FlagRule::Measure { .. }))
    {
        assert!(fired(&format!("flag.{}", f.id), &f.label), "flag {} never fires", f.id);
    }
    for p in paid {
        let id = &rules.pay[p].id;
        assert!(traced.iter().any(|(i, _)| i == id), "pay {id} never applies");
    }
}

/// Writes CSV sheets, each (sheet name, its text), into `dir`, which is created.
pub fn write_sheets(dir: &Path, sheets: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in sheets {
        std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
    }
}

/// Runs `gridscore KIND --scheme SCHEME --period PERIOD --history-from FROM --input INPUT
/// --out OUT`: a run as a clerk or a month-end batch makes it.
pub fn scheme_run(
    kind: &str,
    scheme: &str,
    period: &str,
    history_from: &str,
    input: &Path,
    out: &Path,
) -> assert_cmd::assert::Assert {
    gridscore()
        .args([
            kind,
            "--scheme",
            scheme,
            "--period",
            period,
            "--history-from",
            history_from,
        ])
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
}

/// Runs gridscore with `args` then `--input input --out out`, which must fail with exit 1 and
/// write nothing; returns what it printed on stderr.
pub fn run_fails(args: &[&str], input: &Path, out: &Path) -> String {
    let a = gridscore()
        .args(args)
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .code(1);
    assert!(!out.exists(), "nothing is written");
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

/// A workbook sheet's rows as text (numbers as calamine shows them, blanks empty).
pub fn sheet_text(book: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(book).unwrap_or_else(|e| panic!("{}: {e}", book.display()));
    let range = wb
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("{}: sheet {name}: {e}", book.display()));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A copy of the shipped yangkou example in `dir`, with `extra` files (name, text) beside it.
pub fn yangkou_copy(dir: &Path, extra: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yangkou");
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// A 决定 sheet for the shipped yangkou example: one of each decision, on workers whose numbers
/// the yangkou tests compute by hand (tests/yangkou_quarter.rs).
pub const YANGKOU_DECISIONS: &str = "编号,决定,项目,分值,扣分记录,理由,决定人,日期
0101,免扣,not_logged,,巡查!178,系统故障经认定,镇考核组,2026-10-08
0103,调整,民意测评,1,,申诉复核: 测评漏计一份,镇考核组,2026-10-08
0306,撤销否决,,,,复查不属实,镇党委,2026-10-09
0208,名额裁定,良好,,,集体讨论,镇党委,2026-10-09
0101,调整,稿件录用奖励,-50,,重复计发,镇考核组,2026-10-09
";
