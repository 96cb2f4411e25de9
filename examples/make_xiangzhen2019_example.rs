//! Writes `examples/xiangzhen2019/`: a 2026Q3 input for the xiangzhen2019 rule set.
//!
//! Fixture code, not product code: it names the rule set's 类型 labels because it plays the
//! clerk. Ten workers in a village (农村: two platform entries a week) and a community (社区:
//! five). Every worker starts from a diligent quarter, written for every day from Monday
//! 2026-06-29 (the first week of Q3 holds its Thursday 07-02) to 09-30 (whose week belongs to
//! Q4): entries, a weekly screening, a household visit every weekday, two diary entries a week.
//! Then each gets the deviations of `plan()`, chosen so that `tests/xiangzhen2019_quarter.rs`
//! can compute them by hand. Run `cargo run --example make_xiangzhen2019_example` after a
//! change; the output is deterministic.
use chrono::{Datelike, NaiveDate, Weekday};
use rust_xlsxwriter::Workbook;

#[path = "support/clerk.rs"]
mod clerk;
use clerk::{event_row, fmts, out_dir, props, sheet, write_date, yes_no, R};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).expect("valid date")
}

struct W {
    id: &'static str,
    name: &'static str,
    village: &'static str,
    area: &'static str,
    subsidy: &'static str,
    start: Option<NaiveDate>,
    /// Platform entries on these weekdays (Mon = 0).
    entries: &'static [u32],
    /// Screenings skipped in these weeks (Monday dates).
    no_screening: &'static [(u32, u32)],
    /// Entries left out in these weeks (Monday dates): the week keeps only its first entry.
    thin_entry_weeks: &'static [(u32, u32)],
    /// A diary entry left out in these weeks.
    thin_diary_weeks: &'static [(u32, u32)],
    /// Household visits only on Mondays in this month.
    visits_mondays_only_in: Option<u32>,
    /// Does nothing weekly at all (the worker who fails).
    idle: bool,
    /// Findings: (类型, 级别, 数量).
    findings: &'static [(&'static str, &'static str, u32)],
    /// Given 满意率 text, or respondents (yes, of).
    satisfaction: Sat,
}

enum Sat {
    Given(&'static str),
    Respondents(u32, u32),
}

const RURAL: &[u32] = &[1, 3];
const COMMUNITY: &[u32] = &[0, 1, 2, 3, 4];

fn plan() -> Vec<W> {
    let w = |id, name, village, area, subsidy, entries| W {
        id,
        name,
        village,
        area,
        subsidy,
        start: None,
        entries,
        no_screening: &[],
        thin_entry_weeks: &[],
        thin_diary_weeks: &[],
        visits_mondays_only_in: None,
        idle: false,
        findings: &[],
        satisfaction: Sat::Given("95%"),
    };
    vec![
        // Clean: 80 + 19.2 = 99.2, first.
        W {
            satisfaction: Sat::Given("96%"),
            ..w("0101", "陈立新", "东湖村", "农村", "1000", RURAL)
        },
        // Clean: 80 + 19 = 99.
        W {
            satisfaction: Sat::Given("0.95"),
            ..w("0102", "王秀英", "东湖村", "农村", "1000", RURAL)
        },
        // 89.99: entries thin in 5 weeks (−5), no screening in 3 (−1.5), 未代办 ×2 (−4), 代办不到位
        // (−1): base 88.5 → 70.8; 满意率 95.95% → 19.19.
        W {
            thin_entry_weeks: &[(7, 6), (7, 13), (7, 20), (8, 3), (8, 10)],
            no_screening: &[(8, 17), (8, 24), (9, 7)],
            findings: &[("未代办", "", 2), ("代办不到位", "", 1)],
            satisfaction: Sat::Given("95.95%"),
            ..w("0103", "刘建华", "东湖村", "农村", "1000", RURAL)
        },
        // Exactly 90: entries thin in 3 weeks (−3), no screening in 2 (−1), a diary entry short
        // once (−1): base 95 → 76; respondents 7 of 10 → 14.
        W {
            thin_entry_weeks: &[(7, 27), (8, 31), (9, 14)],
            no_screening: &[(7, 6), (9, 21)],
            thin_diary_weeks: &[(8, 17)],
            satisfaction: Sat::Respondents(7, 10),
            ..w("0104", "张桂兰", "东湖村", "农村", "800", RURAL)
        },
        // Fails: nothing weekly all quarter. Entries −13 (records 2), screening −6.5 (8.5),
        // visits −2.6 weekly −6 monthly (11.4), diary −26 floored (0): base 61.9 → 49.52;
        // 满意率 50% → 10: 59.52, 不合格. Subsidy 1000.01 × 3 × 0.7 = 2100.021 → 2100.02.
        W {
            idle: true,
            satisfaction: Sat::Given("50"),
            ..w("0105", "赵德明", "东湖村", "农村", "1000.01", RURAL)
        },
        // Community, clean: 80 + 18.6 = 98.6, third: beyond the two 优秀 places, 合格.
        W {
            satisfaction: Sat::Given("93%"),
            ..w("0201", "孙丽华", "城关社区", "社区", "1200", COMMUNITY)
        },
        // Community at the village pace, four entries a week: 13 short weeks (−13): base 87 →
        // 69.6; 满意率 90% → 18: 87.6.
        W {
            entries: &[0, 1, 2, 3],
            satisfaction: Sat::Given("90%"),
            ..w("0202", "周志强", "城关社区", "社区", "1200", &[])
        },
        // 特殊人员漏访 3 (−3); in August household visits only on Mondays: 4 weeks one short
        // (−0.4), August 5 visits of 20 (−1.5): visits 15.1, base 95.1 → 76.08; 满意率 60% → 12:
        // 88.08.
        W {
            visits_mondays_only_in: Some(8),
            findings: &[("特殊人员漏访", "", 3)],
            satisfaction: Sat::Given("60%"),
            ..w("0203", "吴海燕", "城关社区", "社区", "1000", COMMUNITY)
        },
        // Fails on findings: records −2 (13), opinion −15 (0), screening: a 非访 at county
        // level −1 (14), proxy −13 (2), meetings −6 (4): base 63 → 50.4; 满意率 80% → 16: 66.4,
        // 不合格. Subsidy 3000 × 0.7 = 2100.
        W {
            findings: &[
                ("信息不全", "", 1),
                ("信息未更新", "", 1),
                ("非访", "县", 1),
                ("未通报", "", 6),
                ("未收集民意", "", 5),
                ("党员底数不清", "", 1),
                ("困难党员未服务", "", 3),
                ("未代办", "", 5),
                ("未协助核查", "", 3),
                ("例会缺席", "", 4),
                ("例会迟到早退", "", 2),
                ("汇报未交", "", 2),
            ],
            satisfaction: Sat::Given("80%"),
            ..w("0204", "郑国庆", "城关社区", "社区", "1000", COMMUNITY)
        },
        // Joins on 08-01: weeks and months before are not checked, and the subsidy pays
        // August and September only (2000). Clean from then: 80 + 18.4 = 98.4.
        W {
            start: Some(d(8, 1)),
            satisfaction: Sat::Given("92%"),
            ..w("0205", "何晓东", "城关社区", "社区", "1000", COMMUNITY)
        },
    ]
}

fn monday(x: NaiveDate) -> NaiveDate {
    x - chrono::Duration::days(i64::from(x.weekday().num_days_from_monday()))
}

/// The 事件 rows of one worker: (类型, date, 级别, 数量).
fn events(w: &W) -> Vec<(&'static str, NaiveDate, &'static str, u32)> {
    let mut out = Vec::new();
    let first = w.start.unwrap_or(d(6, 29)).max(d(6, 29));
    let in_list = |list: &[(u32, u32)], x: NaiveDate| list.iter().any(|(m, dd)| monday(x) == d(*m, *dd));
    for x in first.iter_days().take_while(|x| *x <= d(9, 30)) {
        if w.idle {
            break;
        }
        let wd = x.weekday().num_days_from_monday();
        let entries: Vec<u32> = if in_list(w.thin_entry_weeks, x) {
            w.entries.iter().take(1).copied().collect()
        } else {
            w.entries.to_vec()
        };
        if entries.contains(&wd) {
            out.push(("平台录入", x, "", 1));
        }
        if x.weekday() == Weekday::Wed && !in_list(w.no_screening, x) {
            out.push(("排查", x, "", 1));
        }
        let visits = match w.visits_mondays_only_in {
            Some(m) if x.month() == m => x.weekday() == Weekday::Mon,
            _ => wd < 5,
        };
        if visits {
            out.push(("走访居民", x, "", 1));
        }
        let diary = match x.weekday() {
            Weekday::Mon => true,
            Weekday::Fri => !in_list(w.thin_diary_weeks, x),
            _ => false,
        };
        if diary {
            out.push(("民情日志", x, "", 1));
        }
    }
    for (i, (ty, level, n)) in w.findings.iter().enumerate() {
        out.push((ty, d(7, 10) + chrono::Duration::days(7 * i as i64), level, *n));
    }
    out
}

fn main() -> R<()> {
    let out = out_dir("xiangzhen2019")?;
    let f = fmts();
    let workers = plan();
    let props = |title: &str| props(title, "镇网格化管理工作领导小组办公室", (2026, 10, 9));

    // --- 花名册.xlsx
    let mut wb = Workbook::new();
    wb.set_properties(&props("网格员花名册")?);
    let ws = sheet(
        &mut wb,
        "花名册",
        "2026年网格员花名册",
        &["编号", "姓名", "村(社区)", "网格", "岗位", "区域", "月补贴", "到岗日期"],
        &f,
    )?;
    for (i, w) in workers.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, w.id, &f.text)?;
        ws.write_string(r, 1, w.name)?;
        ws.write_string(r, 2, w.village)?;
        ws.write_string(r, 3, format!("{}网格", &w.id[2..]))?;
        ws.write_string(r, 4, "网格员")?;
        ws.write_string(r, 5, w.area)?;
        ws.write_number(r, 6, w.subsidy.parse::<f64>()?)?;
        if let Some(s) = w.start {
            write_date(ws, r, 7, s, i, &f)?;
        }
    }
    wb.save(out.join("花名册.xlsx"))?;

    // --- 2026Q3考核台账.xlsx: 事件 and 测评.
    let mut wb = Workbook::new();
    wb.set_properties(&props("2026年第三季度网格员考核台账")?);
    let ws = sheet(
        &mut wb,
        "事件",
        "2026年第三季度网格员工作记录及考核发现",
        &["事件编号", "编号", "类型", "日期", "级别", "有效", "数量", "说明"],
        &f,
    )?;
    let mut r = 3u32;
    let mut n = 0usize;
    for w in &workers {
        for (ty, x, level, count) in events(w) {
            n += 1;
            event_row(ws, r, n, (&format!("X{n:05}"), w.id, ty, x, level), &f)?;
            if n.is_multiple_of(17) {
                ws.write_string(r, 5, yes_no(true, n))?;
            }
            if count != 1 {
                ws.write_number(r, 6, f64::from(count))?;
            }
            r += 1;
        }
    }
    // A 非访 row that 有效 = 否 voids: it counts for nothing (0201 stays clean).
    n += 1;
    event_row(ws, r, n, (&format!("X{n:05}"), "0201", "非访", d(9, 9), "市"), &f)?;
    ws.write_string(r, 5, "否")?;
    ws.write_string(r, 7, "经核实不属实")?;
    let events_rows = n;

    let ws = sheet(
        &mut wb,
        "测评",
        "2026年第三季度居民满意度测评",
        &["编号", "满意", "满意率"],
        &f,
    )?;
    let mut r = 3u32;
    for w in &workers {
        match w.satisfaction {
            Sat::Given(rate) => {
                ws.write_string_with_format(r, 0, w.id, &f.text)?;
                ws.write_string(r, 2, rate)?;
                r += 1;
            }
            Sat::Respondents(yes, of) => {
                for k in 0..of {
                    ws.write_string_with_format(r, 0, w.id, &f.text)?;
                    ws.write_string(r, 1, yes_no(k < yes, k as usize))?;
                    r += 1;
                }
            }
        }
    }
    wb.save(out.join("2026Q3考核台账.xlsx"))?;
    println!("wrote {} (events {events_rows}, survey {} rows)", out.display(), r - 3);
    Ok(())
}
