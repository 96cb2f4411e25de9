//! Writes `examples/chengnan/`: a 2026Q3 input for the chengnan rule set, whose subjects are
//! villages and communities.
//!
//! Fixture code, not product code: it names the rule set's 指标 and 类型 labels because it
//! plays the 办事处's clerk. `plan()` gives each unit's indicators, survey and events; the
//! totals are worked out in `tests/chengnan_quarter.rs`. Run
//! `cargo run --example make_chengnan_example` after a change; the output is deterministic.
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

#[path = "support/clerk.rs"]
mod clerk;
use clerk::{fmts, sheet, write_date, yes_no, R};

/// An indicator's row: a rate as (分子, 分母), or a 值 as typed.
enum V {
    Of(u32, u32),
    Is(&'static str),
}

struct U {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    indicators: Vec<(&'static str, V)>,
    /// (知晓率, 满意率) given, or respondents (aware yes, satisfied yes, of).
    survey: Survey,
    /// (类型, 级别, 数量).
    events: &'static [(&'static str, &'static str, u32)],
}

enum Survey {
    Given(&'static str, &'static str),
    Respondents(u32, u32, u32),
}

/// Every indicator at its best: rates 100%, no fakes, all mechanisms, full inspection score.
fn full() -> Vec<(&'static str, V)> {
    vec![
        ("网格党建覆盖率", V::Of(12, 12)),
        ("终端登录率", V::Of(12, 12)),
        ("人房关联率", V::Of(3260, 3260)),
        ("巡查走访率", V::Of(410, 410)),
        ("事件办结率", V::Is("100%")),
        ("数据完整率", V::Is("95%")),
        ("重点人员关联率", V::Is("0.96")),
        ("网格数据匹配率", V::Is("92%")),
        ("任务编号关联率", V::Is("85%")),
        ("数据反馈率", V::Is("92%")),
        ("采集不达标网格数", V::Is("0")),
        ("阵地建设", V::Is("100%")),
        ("人员配备", V::Is("100%")),
        ("未落实机制数", V::Is("0")),
        ("平安稳定数据上报得分", V::Is("8")),
    ]
}

fn with(changes: Vec<(&'static str, V)>) -> Vec<(&'static str, V)> {
    let mut v = full();
    for (k, x) in changes {
        match v.iter_mut().find(|(n, _)| *n == k) {
            Some(slot) => slot.1 = x,
            None => v.push((k, x)),
        }
    }
    v
}

fn plan() -> Vec<U> {
    vec![
        // Everything at its best: 46 + 16 + 8; 知晓 96% → 14.4, 满意 94% → 14.1: 98.5;
        // a 靖江 site meeting +2: 100.5.
        U {
            id: "CN01",
            name: "城南村",
            kind: "村",
            indicators: full(),
            survey: Survey::Given("96%", "94%"),
            events: &[("现场会", "靖江", 1)],
        },
        // See tests/chengnan_quarter.rs: 80.08 before the 五没有; 12 key persons out of
        // control would take 6, capped at 5: 75.08.
        U {
            id: "CN02",
            name: "新港村",
            kind: "村",
            indicators: with(vec![
                ("网格党建覆盖率", V::Of(9, 10)),
                ("终端登录率", V::Of(18, 20)),
                ("人房关联率", V::Of(980, 1000)),
                ("巡查走访率", V::Is("85%")),
                ("虚假数据", V::Is("3")),
                ("数据完整率", V::Is("85%")),
                ("重点人员关联率", V::Is("88%")),
                ("网格数据匹配率", V::Is("85%")),
                ("任务编号关联率", V::Is("70%")),
                ("数据反馈率", V::Is("75%")),
                ("采集不达标网格数", V::Is("4")),
                ("人员配备", V::Is("50%")),
                ("未落实机制数", V::Is("2")),
                ("平安稳定数据上报得分", V::Is("6.5")),
            ]),
            survey: Survey::Respondents(8, 9, 10),
            events: &[("重点人员漏管失控", "", 12)],
        },
        // Best indicators, 知晓 and 满意 90% (13.5 each), inspection 7.5: 96.5. 群体性事件
        // 500人以上 × 2 and 重大影响 × 1 would take 7, capped at 6; a 重大 crime −1: 89.5;
        // two news items adopted by the province +10: 99.5.
        U {
            id: "CN03",
            name: "东兴社区",
            kind: "社区",
            indicators: with(vec![("平安稳定数据上报得分", V::Is("7.5"))]),
            survey: Survey::Given("90%", "90%"),
            events: &[
                ("群体性事件", "500人以上", 2),
                ("群体性事件", "重大影响", 1),
                ("恶性刑事案件", "重大", 1),
                ("信息录用", "省", 2),
            ],
        },
        // Five rates at 80% (4.8 each, 24); completeness 65% (0.5); feedback 90% (3):
        // data 38.5; centre 16, inspection 8; 知晓 70% → 10.5, 满意 80% → 12: 85; three
        // 民转刑命案 −0.6, a crime gathering place −0.5, experience adopted by 泰州 +3: 86.9.
        U {
            id: "CN04",
            name: "西城社区",
            kind: "社区",
            indicators: with(vec![
                ("网格党建覆盖率", V::Of(8, 10)),
                ("终端登录率", V::Is("80%")),
                ("人房关联率", V::Of(2400, 3000)),
                ("巡查走访率", V::Is("0.8")),
                ("事件办结率", V::Is("80")),
                ("数据完整率", V::Is("65%")),
                ("数据反馈率", V::Is("90%")),
            ]),
            survey: Survey::Given("70%", "80%"),
            events: &[
                ("民转刑命案", "", 3),
                ("违法犯罪聚集场所", "", 1),
                ("经验采用", "泰州", 1),
            ],
        },
    ]
}

fn main() -> R<()> {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/chengnan");
    std::fs::create_dir_all(&out)?;
    let f = fmts();
    let units = plan();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("城南办事处2026年第三季度网格化社会治理考核")
            .set_author("城南办事处网格化社会治理中心")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 10, 12)?),
    );
    let ws = sheet(&mut wb, "花名册", "考核对象 (村、社区)", &["编号", "姓名", "岗位"], &f)?;
    for (i, u) in units.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, u.id, &f.text)?;
        ws.write_string(r, 1, u.name)?;
        ws.write_string(r, 2, u.kind)?;
    }
    let ws = sheet(
        &mut wb,
        "指标",
        "2026年第三季度考核指标",
        &["编号", "指标", "分子", "分母", "值"],
        &f,
    )?;
    let mut r = 3u32;
    for u in &units {
        for (name, v) in &u.indicators {
            ws.write_string_with_format(r, 0, u.id, &f.text)?;
            ws.write_string(r, 1, *name)?;
            match v {
                V::Of(n, d) => {
                    ws.write_number(r, 2, f64::from(*n))?;
                    ws.write_number(r, 3, f64::from(*d))?;
                }
                V::Is(x) => {
                    ws.write_string(r, 4, *x)?;
                }
            }
            r += 1;
        }
    }
    let ws = sheet(
        &mut wb,
        "测评",
        "群众知晓率、满意率抽样调查",
        &["编号", "知晓", "满意", "知晓率", "满意率"],
        &f,
    )?;
    let mut r = 3u32;
    for u in &units {
        match u.survey {
            Survey::Given(a, s) => {
                ws.write_string_with_format(r, 0, u.id, &f.text)?;
                ws.write_string(r, 3, a)?;
                ws.write_string(r, 4, s)?;
                r += 1;
            }
            Survey::Respondents(aware, satisfied, of) => {
                for k in 0..of {
                    ws.write_string_with_format(r, 0, u.id, &f.text)?;
                    ws.write_string(r, 1, yes_no(k < aware, k as usize))?;
                    ws.write_string(r, 2, yes_no(k < satisfied, k as usize + 1))?;
                    r += 1;
                }
            }
        }
    }
    let ws = sheet(
        &mut wb,
        "事件",
        "五没有扣分及加分事项",
        &["事件编号", "编号", "类型", "日期", "级别", "数量"],
        &f,
    )?;
    let mut r = 3u32;
    let mut n = 0usize;
    for u in &units {
        for (ty, level, count) in u.events {
            n += 1;
            ws.write_string(r, 0, format!("CN-2026Q3-{n:03}"))?;
            ws.write_string_with_format(r, 1, u.id, &f.text)?;
            ws.write_string(r, 2, *ty)?;
            let day = chrono::NaiveDate::from_ymd_opt(2026, 7 + (n % 3) as u32, 10 + n as u32).unwrap_or_default();
            write_date(ws, r, 3, day, n, &f)?;
            if !level.is_empty() {
                ws.write_string(r, 4, *level)?;
            }
            if *count != 1 {
                ws.write_number(r, 5, f64::from(*count))?;
            }
            r += 1;
        }
    }
    wb.save(out.join("2026Q3城南考核.xlsx"))?;
    println!("wrote {} ({} units)", out.display(), units.len());
    Ok(())
}
