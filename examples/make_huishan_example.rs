//! Writes `examples/huishan/`: a 2026Q3 input for the huishan rule set (computed month by
//! month, paid per quarter).
//!
//! Fixture code, not product code: it names the rule set's 类型 labels because it plays the
//! clerk. Every worker reports six 一级 and two 二级 events a month and attends one meeting a
//! month; `plan()` lists the deviations that `tests/huishan_quarter.rs` computes by hand. Run
//! `cargo run --example make_huishan_example` after a change; the output is deterministic.
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

#[path = "support/clerk.rs"]
mod clerk;
use clerk::{event_row, fmts, out_dir, props, sheet, write_date, yes_no, R};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).expect("valid date")
}

/// An 事件 row: (事件编号, 类型, (month, day), 级别, 金额).
type Row = (&'static str, &'static str, (u32, u32), &'static str, &'static str);

struct W {
    id: &'static str,
    name: &'static str,
    village: &'static str,
    role: &'static str,
    no_reward: bool,
    /// 一级 events in July, August, September (the usual is six).
    level1: [u32; 3],
    /// 二级 events a month (the usual is two).
    level2: [u32; 3],
    /// Other 事件 rows.
    rows: &'static [Row],
    /// Meetings: (month, 状态) where not 出勤.
    meetings: &'static [(u32, &'static str)],
}

const USUAL: W = W {
    id: "",
    name: "",
    village: "",
    role: "网格员",
    no_reward: false,
    level1: [6, 6, 6],
    level2: [2, 2, 2],
    rows: &[],
    meetings: &[],
};

fn plan() -> Vec<W> {
    vec![
        // The 村书记 as 网格长 (不享受奖励): scored and listed, paid 0.
        W {
            id: "0101",
            name: "潘国平",
            village: "回山村",
            role: "网格长",
            no_reward: true,
            ..USUAL
        },
        // Clean: each month 100 + 150 + 2 × 5; the quarter 780. Late twice for the year end.
        W {
            id: "0102",
            name: "俞海英",
            village: "回山村",
            meetings: &[(7, "迟到"), (9, "迟到")],
            ..USUAL
        },
        // July three 一级 (−2 × 30), August nothing at all (−150, and flagged), September as
        // usual: 300 + 450 − 210 + 10 + 0 + 10 = 560. Absent from August's meeting.
        W {
            id: "0103",
            name: "王建新",
            village: "回山村",
            level1: [3, 0, 6],
            level2: [2, 0, 2],
            meetings: &[(8, "旷工")],
            ..USUAL
        },
        // July three 四级 (90) with the two 二级: 100 capped at 50; a 特别重大信息 of 200:
        // 300 + 450 + 50 + 10 + 10 + 200 = 1020.
        W {
            id: "0104",
            name: "吕丽君",
            village: "上坑村",
            rows: &[
                ("HS-0104-1", "事件信息", (7, 13), "四级", ""),
                ("HS-0104-2", "事件信息", (7, 14), "四级", ""),
                ("HS-0104-3", "事件信息", (7, 15), "四级", ""),
                ("HS-0104-4", "特别重大信息", (7, 20), "", "200"),
            ],
            ..USUAL
        },
        // The same event HS-DUP-1: 0105 reported it first (07-06, 一级) and it was handled at
        // 三级 (07-09); 0106 reported it later (07-07). Counted once, at 三级, for 0105: +15.
        // July 10 + 15 = 25 (capped at 50: no): the quarter 300 + 450 + 25 + 10 + 10 = 795.
        W {
            id: "0105",
            name: "张晓燕",
            village: "上坑村",
            rows: &[
                ("HS-DUP-1", "事件信息", (7, 6), "一级", ""),
                ("HS-DUP-1", "事件信息", (7, 9), "三级", ""),
            ],
            ..USUAL
        },
        // 0106's row of HS-DUP-1 counts for nothing: the quarter 780, like 0102.
        W {
            id: "0106",
            name: "陈志明",
            village: "上坑村",
            rows: &[("HS-DUP-1", "事件信息", (7, 7), "一级", "")],
            ..USUAL
        },
        // A petition in the grid in August: August's base not paid: 780 − 100 = 680.
        W {
            id: "0107",
            name: "俞建军",
            village: "上坑村",
            rows: &[("HS-0107-1", "非正常上访", (8, 18), "", "")],
            ..USUAL
        },
        // September: not supporting the work (base not paid, flagged) and a relative's
        // petition (flagged): 680.
        W {
            id: "0108",
            name: "潘美华",
            village: "回山村",
            rows: &[
                ("HS-0108-1", "不支持配合", (9, 10), "", ""),
                ("HS-0108-2", "本人或近亲属上访", (9, 21), "", ""),
            ],
            ..USUAL
        },
    ]
}

fn main() -> R<()> {
    let out = out_dir("huishan")?;
    let f = fmts();
    let workers = plan();
    let props = |title: &str| props(title, "回山镇综合信息指挥室", (2026, 10, 6));

    let mut wb = Workbook::new();
    wb.set_properties(&props("回山镇网格员花名册")?);
    let ws = sheet(
        &mut wb,
        "花名册",
        "回山镇网格员花名册",
        &["编号", "姓名", "村(社区)", "网格", "岗位", "不享受奖励"],
        &f,
    )?;
    for (i, w) in workers.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, w.id, &f.text)?;
        ws.write_string(r, 1, w.name)?;
        ws.write_string(r, 2, w.village)?;
        ws.write_string(r, 3, format!("{}{}号网格", w.village, i % 3 + 1))?;
        ws.write_string(r, 4, w.role)?;
        if w.no_reward {
            ws.write_string(r, 5, yes_no(true, 0))?;
        }
    }
    // 参数: the committee's award for the year's 优秀 (二(三)2).
    let ws = sheet(&mut wb, "参数", "考核参数", &["名称", "月份", "值"], &f)?;
    ws.write_string(3, 0, "优秀奖励")?;
    ws.write_string(3, 1, "2026")?;
    ws.write_number(3, 2, 500.0)?;
    wb.save(out.join("花名册.xlsx"))?;

    let mut wb = Workbook::new();
    wb.set_properties(&props("回山镇网格员2026年第三季度考核台账")?);
    let ws = sheet(
        &mut wb,
        "事件",
        "网格事件信息上报确认台账",
        &["事件编号", "编号", "类型", "日期", "级别", "金额"],
        &f,
    )?;
    let mut r = 3u32;
    let mut n = 0usize;
    for w in &workers {
        for (mi, m) in (7..=9u32).enumerate() {
            let usual = (0..w.level1[mi])
                .map(|k| ("一级", 2 + 4 * k))
                .chain((0..w.level2[mi]).map(|k| ("二级", 5 + 7 * k)));
            for (level, day) in usual {
                n += 1;
                event_row(ws, r, n, (&format!("HS{n:05}"), w.id, "事件信息", d(m, day), level), &f)?;
                r += 1;
            }
        }
    }
    // The other rows, shared events among them, after the usual ones (as a ledger grows).
    for w in &workers {
        for (id, ty, (m, day), level, amount) in w.rows {
            n += 1;
            event_row(ws, r, n, (id, w.id, ty, d(*m, *day), level), &f)?;
            if !amount.is_empty() {
                ws.write_number(r, 5, amount.parse::<f64>()?)?;
            }
            r += 1;
        }
    }
    // 考勤: one meeting a month (the 10th).
    let ws = sheet(&mut wb, "考勤", "网格员例会及培训签到", &["编号", "日期", "状态"], &f)?;
    let mut r = 3u32;
    for w in &workers {
        for m in 7..=9u32 {
            let status = w.meetings.iter().find(|(mm, _)| *mm == m).map_or("出勤", |(_, s)| *s);
            ws.write_string_with_format(r, 0, w.id, &f.text)?;
            write_date(ws, r, 1, d(m, 10), r as usize, &f)?;
            ws.write_string(r, 2, status)?;
            r += 1;
        }
    }
    wb.save(out.join("2026Q3考核台账.xlsx"))?;
    println!("wrote {} ({n} event rows)", out.display());
    Ok(())
}
