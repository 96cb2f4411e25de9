//! Writes `examples/daning/`: a 2026Q3 input for the daning rule set (months 07, 08, 09).
//!
//! Fixture code, not product code: it names the rule set's 类型 labels because it plays the
//! clerk. Each worker signs in on every weekday and files a number of valid reports a month;
//! `plan()` lists them with the deviations that `tests/daning_month.rs` computes by hand. Run
//! `cargo run --example make_daning_example` after a change; the output is deterministic.
use chrono::{Datelike, NaiveDate, Weekday};
use rust_xlsxwriter::Workbook;

#[path = "support/clerk.rs"]
mod clerk;
use clerk::{event_row, fmts, out_dir, props, sheet, write_date, R};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).expect("valid date")
}

struct W {
    id: &'static str,
    name: &'static str,
    village: &'static str,
    role: &'static str,
    /// Valid reports in July, August, September.
    reports: [u32; 3],
    /// Sign-ins left out in July (the first this many weekdays).
    missed_sign_ins_july: u32,
    /// Other rows: (类型, date, 级别, 金额).
    rows: &'static [(&'static str, (u32, u32), &'static str, &'static str)],
}

fn plan() -> Vec<W> {
    vec![
        // July: base 500 × 70% = 350; 20 of 25 reports × 7.5 = 150; 5 beyond × 5 = 25 (year end).
        W {
            id: "0101",
            name: "李建军",
            village: "三多乡古县村",
            role: "农村网格员",
            reports: [25, 25, 25],
            missed_sign_ins_july: 0,
            rows: &[],
        },
        // July: base 700; 20 of 22 × 15 = 300; a 市 commendation 20: pay 1020.
        W {
            id: "0102",
            name: "王红梅",
            village: "昕水镇东关社区",
            role: "社区兼职网格员",
            reports: [22, 20, 20],
            missed_sign_ins_july: 0,
            rows: &[("通报表扬", (7, 16), "市", "")],
        },
        // July: base 1630 × 70% = 1141; 20 of 34 × 24.5 = 490; 14 beyond × 5 = 70, capped at
        // 50; 重大信息 200 and 特别重大信息 800 from the rows: pay 2631.
        W {
            id: "0103",
            name: "张志勇",
            village: "昕水镇西城社区",
            role: "社区专职网格员",
            reports: [34, 34, 34],
            missed_sign_ins_july: 0,
            rows: &[("重大信息", (7, 8), "", "200"), ("特别重大信息", (7, 22), "", "800")],
        },
        // July: 23 weekdays, 8 sign-ins left out: 15 of 20, −50; 12 reports × 7.5 = 90 and
        // below the quota (flag); 不服从指令 −30: pay 350 + 90 − 80 = 360.
        W {
            id: "0104",
            name: "刘小平",
            village: "三多乡古县村",
            role: "农村网格员",
            reports: [12, 20, 20],
            missed_sign_ins_july: 8,
            rows: &[("不服从指令", (7, 20), "", "")],
        },
        // August: criticised at city level: vetoed; 21 reports' 490 withheld, the base paid.
        W {
            id: "0105",
            name: "赵丽娟",
            village: "昕水镇东关社区",
            role: "社区专职网格员",
            reports: [20, 21, 20],
            missed_sign_ins_july: 0,
            rows: &[("市级通报批评", (8, 12), "", "")],
        },
        // September: no valid report (flag) and an unreported dispute that became a case
        // (−100): pay 700 − 100 = 600.
        W {
            id: "0106",
            name: "陈海涛",
            village: "昕水镇西城社区",
            role: "社区兼职网格员",
            reports: [20, 20, 0],
            missed_sign_ins_july: 0,
            rows: &[("未报引发案件", (9, 15), "", "")],
        },
        // August: 配合不力被通报 (−30), a 省 commendation (+30), and a fabrication (flag).
        W {
            id: "0107",
            name: "杨文静",
            village: "曲峨镇曲峨村",
            role: "农村网格员",
            reports: [20, 20, 20],
            missed_sign_ins_july: 0,
            rows: &[
                ("配合不力被通报", (8, 5), "", ""),
                ("通报表扬", (8, 19), "省", ""),
                ("弄虚作假", (8, 26), "", ""),
            ],
        },
        // A 县 commendation (+10) and a 迟报漏报致恶性案件 (flag) in September.
        W {
            id: "0108",
            name: "郭建华",
            village: "曲峨镇曲峨村",
            role: "农村网格员",
            reports: [20, 20, 20],
            missed_sign_ins_july: 0,
            rows: &[("通报表扬", (9, 9), "县", ""), ("迟报漏报致恶性案件", (9, 23), "", "")],
        },
    ]
}

fn month_days(m: u32) -> Vec<NaiveDate> {
    d(m, 1).iter_days().take_while(|x| x.month() == m).collect()
}

fn main() -> R<()> {
    let out = out_dir("daning")?;
    let f = fmts();
    let workers = plan();
    let props = |title: &str| props(title, "大宁县综治中心", (2026, 10, 3));

    let mut wb = Workbook::new();
    wb.set_properties(&props("大宁县网格员花名册")?);
    let ws = sheet(
        &mut wb,
        "花名册",
        "大宁县网格员花名册",
        &["编号", "姓名", "村(社区)", "岗位", "区域", "银行卡号"],
        &f,
    )?;
    for (i, w) in workers.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, w.id, &f.text)?;
        ws.write_string(r, 1, w.name)?;
        ws.write_string(r, 2, w.village)?;
        ws.write_string(r, 3, w.role)?;
        ws.write_string(
            r,
            4,
            if w.role.starts_with("农村") {
                "农村"
            } else {
                "社区"
            },
        )?;
        ws.write_string_with_format(r, 5, format!("62304812{:011}", 3_100_000 + i * 7919), &f.text)?;
    }
    wb.save(out.join("花名册.xlsx"))?;

    let mut wb = Workbook::new();
    wb.set_properties(&props("大宁县网格员2026年第三季度考核台账")?);
    // 考勤: one 出勤 row per weekday = one sign-in in the app.
    let ws = sheet(&mut wb, "考勤", "平安山西APP签到记录", &["编号", "日期", "状态"], &f)?;
    let mut r = 3u32;
    for w in &workers {
        for m in 7..=9 {
            let weekdays = month_days(m)
                .into_iter()
                .filter(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun));
            for (k, x) in weekdays.enumerate() {
                if m == 7 && (k as u32) < w.missed_sign_ins_july {
                    continue;
                }
                ws.write_string_with_format(r, 0, w.id, &f.text)?;
                write_date(ws, r, 1, x, r as usize, &f)?;
                ws.write_string(r, 2, "出勤")?;
                r += 1;
            }
        }
    }
    // 事件: valid reports spread over each month, then the other rows.
    let ws = sheet(
        &mut wb,
        "事件",
        "网格员上报信息及奖惩记录",
        &["事件编号", "编号", "类型", "日期", "级别", "金额", "说明"],
        &f,
    )?;
    let mut r = 3u32;
    let mut n = 0usize;
    for w in &workers {
        for (mi, m) in (7..=9).enumerate() {
            let days = month_days(m);
            let count = w.reports[mi] as usize;
            for k in 0..count {
                n += 1;
                let x = days[k * days.len() / count.max(1)];
                event_row(ws, r, n, (&format!("SX{n:06}"), w.id, "有效信息", x, ""), &f)?;
                r += 1;
            }
        }
        for (ty, (m, day), level, amount) in w.rows {
            n += 1;
            event_row(ws, r, n, (&format!("SX{n:06}"), w.id, ty, d(*m, *day), level), &f)?;
            if !amount.is_empty() {
                ws.write_number(r, 5, amount.parse::<f64>()?)?;
            }
            r += 1;
        }
    }
    wb.save(out.join("2026Q3考核台账.xlsx"))?;
    println!("wrote {} ({n} event rows)", out.display());
    Ok(())
}
