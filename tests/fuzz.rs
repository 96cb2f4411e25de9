//! Never panics: property tests drive the rule-set loader and the whole input → score →
//! render pipeline with generated and damaged inputs. Each case must end in a result or an
//! error, never a panic.
//!
//! CI runs the default number of cases; a long run (recorded in the README) is
//! `PROPTEST_CASES=20000 cargo test --release --test fuzz`.
use gridscore::period::{Period, PeriodKind};
use proptest::prelude::*;
use std::path::PathBuf;

const YANGKOU: &str = include_str!("../rulesets/yangkou.toml");

fn q3() -> Period {
    Period::parse(PeriodKind::Quarter, "2026Q3").unwrap()
}

/// The whole pipeline on some files; panics are what the property forbids.
fn pipeline(paths: &[PathBuf]) {
    let rules = gridscore::rules::load_builtin("yangkou").unwrap();
    let cal = gridscore::calendar::Calendar::builtin("cn").unwrap();
    if let Ok(inputs) = gridscore::input::load(paths, &rules.read_plan(q3().kind), q3()) {
        if let Ok(outcome) = gridscore::engine::score(&inputs, &rules, q3(), &cal) {
            let r = gridscore::output::Report::new(&rules, &inputs, &outcome, "cn", &[]);
            gridscore::output::render(&r, None).expect("rendering a scored outcome never fails");
        }
    }
}

/// Cell texts that have tripped spreadsheet readers: dates in many forms and out of range,
/// times, Excel errors, huge and odd numbers, CJK, blanks.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("2026-07-01".to_string()),
        Just("2026/9/30".to_string()),
        Just("2026年8月31日".to_string()),
        Just("2026-02-30".to_string()),
        Just("0000-01-01".to_string()),
        Just("08:30".to_string()),
        Just("23:59:59".to_string()),
        Just("24:00".to_string()),
        Just("2026-07-01 25:00".to_string()),
        Just("#REF!".to_string()),
        Just("#DIV/0!".to_string()),
        Just("是".to_string()),
        Just("否".to_string()),
        Just("√".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("99999999999999999999999999999".to_string()),
        Just("0.1".to_string()),
        Just("95%".to_string()),
        Just("上午".to_string()),
        Just("下午".to_string()),
        Just("迟到、早退".to_string()),
        Just("病假".to_string()),
        Just("旷工".to_string()),
        Just("稿件录用".to_string()),
        Just("交办事件".to_string()),
        Just("重点人员漏管失控".to_string()),
        Just("国家".to_string()),
        Just("001".to_string()),
        Just("002".to_string()),
        Just("兼职网格员".to_string()),
        Just("网格长".to_string()),
        "[\\PC]{0,12}",
    ]
}

fn numeric() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-1.0),
        Just(1.0),
        Just(46204.0),
        Just(0.375),
        Just(1e300),
        Just(f64::MAX),
        -1e6..1e6f64
    ]
}

const SHEETS: [(&str, &[&str]); 6] = [
    (
        "花名册",
        &["编号", "姓名", "村(社区)", "岗位", "到岗日期", "离岗日期", "银行卡号"],
    ),
    ("考勤", &["编号", "日期", "状态", "批准", "签到时间", "报告时间"]),
    (
        "巡查",
        &[
            "编号",
            "日期",
            "时段",
            "开始",
            "结束",
            "时长(小时)",
            "已录入",
            "着装",
            "免扣",
        ],
    ),
    (
        "事件",
        &[
            "事件编号",
            "编号",
            "类型",
            "日期",
            "级别",
            "有效",
            "数量",
            "交办时间",
            "受理时间",
            "办结时间",
            "疑难",
            "金额",
        ],
    ),
    ("测评", &["编号", "知晓", "覆盖", "满意", "知晓率"]),
    ("参数", &["名称", "月份", "范围", "值"]),
];

#[derive(Debug, Clone)]
enum V {
    Text(String),
    Num(f64),
}

fn value() -> impl Strategy<Value = V> {
    prop_oneof![4 => cell().prop_map(V::Text), 1 => numeric().prop_map(V::Num)]
}

#[derive(Debug, Clone)]
struct SheetGen {
    present: bool,
    title_rows: usize,
    drop_col: Option<usize>,
    rows: Vec<Vec<V>>,
}

fn sheet_gen() -> impl Strategy<Value = SheetGen> {
    (
        prop::bool::weighted(0.9),
        0usize..3,
        prop::option::weighted(0.2, 0usize..12),
        prop::collection::vec(prop::collection::vec(value(), 0..13), 0..12),
    )
        .prop_map(|(present, title_rows, drop_col, rows)| SheetGen {
            present,
            title_rows,
            drop_col,
            rows,
        })
}

fn write_workbook(path: &std::path::Path, sheets: &[SheetGen]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for ((name, headers), g) in SHEETS.iter().zip(sheets) {
        if !g.present {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for t in 0..g.title_rows {
            ws.write_string(t as u32, 0, "标题").unwrap();
        }
        let hr = g.title_rows as u32;
        let cols: Vec<&str> = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != g.drop_col)
            .map(|(_, h)| *h)
            .collect();
        for (c, h) in cols.iter().enumerate() {
            ws.write_string(hr, c as u16, *h).unwrap();
        }
        for (r, row) in g.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate().take(cols.len() + 1) {
                let (rr, cc) = (hr + 1 + r as u32, c as u16);
                match v {
                    V::Text(s) => {
                        ws.write_string(rr, cc, s).unwrap();
                    }
                    V::Num(n) => {
                        ws.write_number(rr, cc, *n).unwrap();
                    }
                }
            }
        }
    }
    wb.save(path).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_pipeline_never_panics_on_generated_workbooks(sheets in prop::collection::vec(sheet_gen(), 6)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("in.xlsx");
        write_workbook(&p, &sheets);
        pipeline(&[p]);
    }

    #[test]
    fn the_reader_never_panics_on_damaged_workbook_bytes(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/yangkou/花名册.xlsx")).unwrap();
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("花名册.xlsx");
        std::fs::write(&p, &bytes).unwrap();
        pipeline(&[p]);
    }

    #[test]
    fn the_csv_reader_never_panics(text in "[\\PC,\"\\n\\r]{0,400}", bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("花名册.csv"), format!("编号,姓名,岗位\n{text}")).unwrap();
        std::fs::write(dir.path().join("考勤.csv"), &bytes).unwrap();
        pipeline(&[dir.path().to_path_buf()]);
    }

    #[test]
    fn the_rule_set_loader_never_panics_on_mutated_rule_sets(
        cuts in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, "[\\PC\\n\"\\[\\]{}=,.]{0,12}"), 1..6)
    ) {
        let mut text = YANGKOU.to_string();
        for (at, len, insert) in cuts {
            let mut start = at.index(text.len().max(1));
            while !text.is_char_boundary(start) { start -= 1; }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            text.replace_range(start..end, &insert);
        }
        let _ = gridscore::rules::parse(&text, "fuzz.toml");
    }

    #[test]
    fn the_rule_set_loader_never_panics_on_arbitrary_text(text in "[\\PC\\n]{0,300}") {
        let _ = gridscore::rules::parse(&text, "fuzz.toml");
    }
}
