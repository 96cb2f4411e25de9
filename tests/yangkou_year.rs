//! yangkou's year run (正文 五(一)(二)): the full-time year-end pay by the county's annual rank,
//! and the excellent grid heads, 10% of the heads and part-time workers together. Inputs are
//! written here as CSV: ten workers who join on 2026-12-29, so each has three duty days
//! (12-29, 12-30, 12-31), two patrols a day, and the part-time their sign-ins and reports.
mod common;
use common::{csv_rows, gridscore, Row};
use std::fmt::Write;
use std::path::Path;

const DAYS: [&str; 3] = ["2026-12-29", "2026-12-30", "2026-12-31"];

/// Writes the inputs; `skip` is a (worker, day index, session) patrol left out.
fn inputs(dir: &Path, skips: &[(&str, usize, &str)], events: &str) {
    let workers = [
        ("H1", "网格长"),
        ("H2", "网格长"),
        ("F1", "专职网格员"),
        ("F2", "专职网格员"),
        ("P1", "兼职网格员"),
        ("P2", "兼职网格员"),
        ("P3", "兼职网格员"),
        ("P4", "兼职网格员"),
        ("P5", "兼职网格员"),
        ("P6", "兼职网格员"),
        ("P7", "兼职网格员"),
    ];
    let mut roster = String::from("编号,姓名,村(社区),岗位,到岗日期,离岗日期\n");
    let mut patrol = String::from("编号,日期,时段,开始,结束,已录入\n");
    let mut attendance = String::from("编号,日期,状态,签到时间,报告时间\n");
    let mut survey = String::from("编号,知晓率,覆盖率,满意率\n");
    for (id, role) in workers {
        writeln!(roster, "{id},{id}号,环港村,{role},2026-12-29,").unwrap();
        writeln!(survey, "{id},100%,100%,100%").unwrap();
        for (k, day) in DAYS.iter().enumerate() {
            for (session, start, end) in [("上午", "08:30", "10:45"), ("下午", "14:00", "16:15")] {
                if !skips.contains(&(id, k, session)) {
                    writeln!(patrol, "{id},{day},{session},{start},{end},是").unwrap();
                }
            }
            if role == "兼职网格员" {
                writeln!(attendance, "{id},{day},出勤,08:30,16:30").unwrap();
            }
        }
    }
    // Two full-time workers in post for half the year (D6.8): F3 from 07-01, F4 until 06-30,
    // each patrolling twice on every day of their span.
    for (id, from, to) in [("F3", (7, 1), (12, 31)), ("F4", (1, 1), (6, 30))] {
        let day = |(m, d): (u32, u32)| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let (start, end) = if id == "F3" {
            (day(from).to_string(), String::new())
        } else {
            (String::new(), day(to).to_string())
        };
        writeln!(roster, "{id},{id}号,环港村,专职网格员,{start},{end}").unwrap();
        writeln!(survey, "{id},100%,100%,100%").unwrap();
        let mut d = day(from);
        while d <= day(to) {
            for (session, s, e) in [("上午", "08:30", "10:45"), ("下午", "14:00", "16:15")] {
                writeln!(patrol, "{id},{d},{session},{s},{e},是").unwrap();
            }
            d = d.succ_opt().unwrap();
        }
    }
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in [
        ("花名册", roster),
        ("巡查", patrol),
        ("考勤", attendance),
        ("测评", survey),
        ("事件", format!("事件编号,编号,类型,日期\n{events}")),
        ("参数", "名称,月份,值\n县年度排名,2026,3\n".to_string()),
    ] {
        std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
    }
}

fn year(input: &Path, out: &Path) -> (Vec<Row>, Vec<Row>, String) {
    let a = gridscore()
        .args(["year", "--scheme", "yangkou", "--period", "2026", "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    (
        csv_rows(&out.join("scores.csv")),
        csv_rows(&out.join("payouts.csv")),
        err,
    )
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn ten_percent_of_heads_and_part_time_names_one_excellent_grid_head() {
    let dir = tempfile::tempdir().unwrap();
    // H2 misses a patrol (−0.5): 99.5 against H1's 100. An incident in F2's grid vetoes F2.
    inputs(
        &dir.path().join("in"),
        &[("H2", 1, "下午")],
        "E1,F2,民转刑案件,2026-12-30\n",
    );
    let (scores, pays, _) = year(&dir.path().join("in"), &dir.path().join("out"));
    assert_eq!(of(&scores, "H1")["total"], "100");
    assert_eq!(of(&scores, "H2")["total"], "99.5");
    // 2 heads + 7 part-time = 9; 10% of 9 rounds to 1 place: H1.
    assert_eq!(of(&scores, "H1")["honors"], "优秀网格长");
    assert_eq!(of(&scores, "H2")["honors"], "");
    // Part-time workers count in the base but are never named.
    assert!(scores
        .iter()
        .filter(|r| r["id"].starts_with('P'))
        .all(|r| r["honors"].is_empty()));
    // 县年度排名 3 is 第一等次: 3000 to the full-time, × the full months in post ÷ 12 (D6.8).
    // F1 joined on 12-29: no full month, 3000 × 0/12 = 0. F3 joined on 07-01 and F4 left on
    // 06-30: six full months each, 3000 × 6/12 = 1500. F2's veto withholds it.
    assert_eq!(of(&pays, "F1")["year_end_pay"], "0.00");
    assert_eq!(of(&pays, "F3")["year_end_pay"], "1500.00");
    assert_eq!(of(&pays, "F4")["year_end_pay"], "1500.00");
    assert_eq!(of(&pays, "F2")["year_end_pay"], "0.00");
    assert_eq!(of(&scores, "F2")["veto"], "网格内发生五类事件");
}

#[test]
fn heads_tied_across_the_line_are_both_named_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    inputs(&dir.path().join("in"), &[], "");
    let (scores, _, err) = year(&dir.path().join("in"), &dir.path().join("out"));
    assert_eq!(of(&scores, "H1")["honors"], "优秀网格长");
    assert_eq!(of(&scores, "H2")["honors"], "优秀网格长");
    assert!(
        err.contains("优秀网格长: 同分并列跨越名额线, 一并评为: H1 H1号、H2 H2号"),
        "{err}"
    );
}
