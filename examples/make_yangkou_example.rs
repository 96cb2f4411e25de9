//! Writes `examples/yangkou/`: a realistic 2026Q3 input for the yangkou rule set.
//!
//! Fixture code, not product code: it names the yangkou 类型 labels because it plays the clerk.
//! Every worker starts from a clean quarter (present every duty day, two full patrols a day,
//! ten satisfied respondents) and then gets the deviations listed in `deviations()`, chosen so
//! that every rule of the rule set fires at least once and the workers named in
//! `tests/yangkou_quarter.rs` can be computed by hand. Run it again with
//! `cargo run --example make_yangkou_example` after changing it; the output is deterministic.
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

#[path = "support/clerk.rs"]
mod clerk;
use clerk::{fmts, sheet, write_date, write_dt, write_time, yes_no};
use std::collections::{BTreeMap, BTreeSet};

use clerk::R;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).expect("valid date")
}
fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

/// Working days of 2026Q3 by the State Council's 2026 notice: 09-25 is a holiday, 09-20 a make-up day.
fn duty_days() -> Vec<NaiveDate> {
    d(7, 1)
        .iter_days()
        .take_while(|x| *x <= d(9, 30))
        .filter(|x| (!matches!(x.weekday(), Weekday::Sat | Weekday::Sun) && *x != d(9, 25)) || *x == d(9, 20))
        .collect()
}

struct W {
    id: &'static str,
    name: &'static str,
    village: &'static str,
    grid: &'static str,
    role: &'static str,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
}

fn roster() -> Vec<W> {
    let v = [("01", "环港村"), ("02", "古坝村"), ("03", "丰利村")];
    let names = [
        [
            "陈建国",
            "王海燕",
            "张磊",
            "李娜",
            "刘芳",
            "杨帆",
            "赵敏",
            "黄志强",
            "周丽",
            "吴刚",
        ],
        [
            "徐明", "孙静", "马超", "朱红", "胡军", "郭霞", "何伟", "高丽", "林涛", "罗琴",
        ],
        [
            "郑强", "梁雪", "谢宇", "宋佳", "唐亮", "许燕", "韩冰", "冯雷", "邓梅", "曹阳",
        ],
    ];
    let ids: [[&str; 10]; 3] = [
        [
            "0101", "0102", "0103", "0104", "0105", "0106", "0107", "0108", "0109", "0110",
        ],
        [
            "0201", "0202", "0203", "0204", "0205", "0206", "0207", "0208", "0209", "0210",
        ],
        [
            "0301", "0302", "0303", "0304", "0305", "0306", "0307", "0308", "0309", "0310",
        ],
    ];
    let grids = ["一网格", "二网格", "三网格"];
    let mut out = Vec::new();
    for (vi, (_, village)) in v.iter().enumerate() {
        for k in 0..10 {
            let role = match k {
                0 | 1 => "网格长",
                2 | 3 => "专职网格员",
                _ => "兼职网格员",
            };
            let id = ids[vi][k];
            out.push(W {
                id,
                name: names[vi][k],
                village,
                grid: grids[k % 3],
                role,
                start: (id == "0310").then(|| d(8, 3)),
                end: (id == "0309").then(|| d(9, 15)),
            });
        }
    }
    out
}

#[derive(Clone)]
enum Dev {
    /// No patrol row for (date, am?).
    SkipPatrol(NaiveDate, bool),
    /// The patrol ends at this time instead (starts 08:30 am / 14:00 pm).
    EndsAt(NaiveDate, bool, NaiveTime),
    NoUniform(NaiveDate, bool),
    NotLogged(NaiveDate, bool),
    /// The patrol row is an approved exemption (免扣 = 是, no times).
    Exempt(NaiveDate, bool),
    /// Two rows for one session: 08:30–09:00 and 09:00–10:30.
    SplitAm(NaiveDate),
    /// Attendance 状态 for the day (and whether 批准).
    Status(NaiveDate, &'static str, Option<bool>),
    SignIn(NaiveDate, Option<NaiveTime>),
    Report(NaiveDate, Option<NaiveTime>),
    /// How many of the ten respondents answer 否: (知晓, 覆盖, 满意).
    SurveyNo(usize, usize, usize),
    /// Given rates instead of respondents.
    SurveyRates(&'static str, &'static str, &'static str),
    Event(Ev),
}

#[derive(Clone, Default)]
struct Ev {
    ty: &'static str,
    date: Option<NaiveDate>,
    level: &'static str,
    count: Option<u32>,
    valid: Option<bool>,
    assigned: Option<(NaiveDate, NaiveTime)>,
    accepted: Option<(NaiveDate, NaiveTime)>,
    closed: Option<(NaiveDate, NaiveTime)>,
    complex: bool,
    note: &'static str,
}

fn ev(ty: &'static str, date: NaiveDate) -> Ev {
    Ev {
        ty,
        date: Some(date),
        ..Default::default()
    }
}

fn deviations() -> BTreeMap<&'static str, Vec<Dev>> {
    use Dev::*;
    let mut m: BTreeMap<&'static str, Vec<Dev>> = BTreeMap::new();
    let (am, pm) = (true, false);
    // 0101 陈建国 (网格长): log, short patrol, uniform, late dispute reports, a bonus and two adoptions.
    m.insert(
        "0101",
        vec![
            NotLogged(d(7, 6), am),
            NotLogged(d(7, 7), pm),
            NotLogged(d(8, 12), am),
            EndsAt(d(7, 8), pm, t(14, 45)),
            NoUniform(d(7, 9), am),
            Event(Ev {
                count: Some(2),
                note: "两起纠纷迟报",
                ..ev("平安迟报", d(7, 20))
            }),
            Event(Ev {
                level: "省",
                note: "网格议事经验",
                ..ev("经验推广", d(8, 18))
            }),
            Event(Ev {
                level: "市",
                ..ev("信息录用", d(9, 8))
            }),
            Event(Ev {
                level: "县",
                ..ev("稿件录用", d(7, 30))
            }),
            SurveyNo(1, 0, 2),
        ],
    );
    m.insert("0102", vec![Event(ev("隐患漏报", d(8, 26))), NoUniform(d(9, 2), pm)]);
    // 0103 张磊 (专职): short and missing patrols, sick and personal leave over the monthly limits,
    // one case accepted late, one complex case closed in time.
    m.insert(
        "0103",
        vec![
            EndsAt(d(7, 13), am, t(10, 0)),
            EndsAt(d(7, 14), pm, t(15, 30)),
            SkipPatrol(d(7, 15), pm),
            SkipPatrol(d(7, 16), pm),
            SkipPatrol(d(7, 17), pm),
            Status(d(7, 20), "病假", None),
            Status(d(7, 21), "病假", None),
            Status(d(7, 22), "病假", None),
            Status(d(7, 23), "病假", None),
            Status(d(7, 24), "病假", None),
            Status(d(8, 10), "事假", None),
            Status(d(8, 11), "事假", None),
            Event(Ev {
                assigned: Some((d(8, 3), t(9, 0))),
                accepted: Some((d(8, 4), t(15, 0))),
                closed: Some((d(8, 6), t(10, 0))),
                note: "占道经营, 受理超过24小时",
                ..ev("交办事件", d(8, 3))
            }),
            Event(Ev {
                assigned: Some((d(9, 1), t(9, 0))),
                accepted: Some((d(9, 1), t(10, 0))),
                closed: Some((d(9, 11), t(9, 0))),
                complex: true,
                note: "邻里宅基地纠纷, 疑难, 10天办结",
                ..ev("交办事件", d(9, 1))
            }),
        ],
    );
    // 0104: an exempt patrol (counts as done) and a concealed hazard report; a visit record.
    m.insert(
        "0104",
        vec![
            Exempt(d(7, 20), pm),
            Event(ev("隐患瞒报", d(9, 9))),
            NoUniform(d(8, 5), am),
        ],
    );
    // 0105 刘芳 (兼职): late and missing sign-ins, a late report, a late arrival, too many ad-hoc leaves.
    m.insert(
        "0105",
        vec![
            SignIn(d(7, 1), Some(t(9, 20))),
            SignIn(d(7, 2), None),
            Report(d(7, 3), Some(t(17, 30))),
            Status(d(7, 6), "迟到", None),
            SignIn(d(7, 6), Some(t(9, 10))),
            Status(d(7, 8), "临时请假", None),
            Status(d(7, 15), "临时请假", None),
            Status(d(7, 22), "临时请假", None),
            Event(Ev {
                level: "镇",
                ..ev("稿件录用", d(8, 20))
            }),
        ],
    );
    m.insert("0106", vec![SplitAm(d(7, 21))]);
    m.insert("0107", vec![NoUniform(d(7, 2), am)]);
    m.insert("0108", vec![Status(d(8, 14), "迟到、早退", None)]);
    // 0109: a part-time worker's unlogged patrol costs nothing (the log rule is for heads and full-time).
    m.insert(
        "0109",
        vec![
            NotLogged(d(7, 10), am),
            NoUniform(d(7, 3), am),
            NoUniform(d(8, 3), am),
            NoUniform(d(9, 3), am),
        ],
    );
    // 0110: information adopted from a part-time worker is not paid (heads and full-time only).
    m.insert(
        "0110",
        vec![
            Event(Ev {
                level: "县",
                ..ev("信息录用", d(8, 7))
            }),
            NoUniform(d(7, 7), am),
            NoUniform(d(7, 8), am),
            NoUniform(d(8, 7), am),
            NoUniform(d(9, 7), am),
        ],
    );
    m.insert(
        "0201",
        vec![
            Event(ev("平安漏报", d(7, 14))),
            Event(Ev {
                valid: Some(false),
                note: "核实后撤销",
                ..ev("隐患严重", d(7, 15))
            }),
        ],
    );
    m.insert(
        "0202",
        vec![
            Event(ev("平安瞒报", d(8, 19))),
            Status(d(8, 6), "临时请假", None),
            Status(d(8, 13), "临时请假", None),
        ],
    );
    m.insert(
        "0203",
        vec![
            Event(Ev {
                level: "市",
                ..ev("平安前哨", d(9, 15))
            }),
            NoUniform(d(7, 31), pm),
        ],
    );
    m.insert(
        "0204",
        vec![
            Event(ev("走访记录不合格", d(8, 21))),
            Status(d(8, 3), "病假", None),
            Status(d(8, 4), "病假", None),
        ],
    );
    // 0205 胡军: a key person out of control in his grid, improper speech, a false report:
    // vetoed three times over; his adopted article is withheld.
    m.insert(
        "0205",
        vec![
            Event(Ev {
                note: "重点人员外出未报",
                ..ev("重点人员漏管失控", d(8, 5))
            }),
            Event(Ev {
                note: "微信群转发未核实信息",
                ..ev("散布不当言论", d(8, 12))
            }),
            Event(Ev {
                note: "走访记录造假",
                ..ev("上报虚假信息", d(8, 28))
            }),
            Event(Ev {
                level: "市",
                ..ev("稿件录用", d(9, 2))
            }),
        ],
    );
    m.insert("0206", vec![NoUniform(d(7, 9), am), NoUniform(d(8, 9 + 1), am)]);
    // 0207 何伟 and 0208 高丽: the same record, tied at the 优秀 line.
    m.insert("0207", vec![NoUniform(d(7, 16), pm)]);
    m.insert("0208", vec![NoUniform(d(7, 16), pm)]);
    m.insert(
        "0209",
        vec![NoUniform(d(7, 1), am), NoUniform(d(8, 3), am), NoUniform(d(9, 1), am)],
    );
    m.insert("0210", vec![Status(d(9, 10), "外勤", Some(false))]);
    m.insert(
        "0301",
        vec![
            Event(Ev {
                count: Some(2),
                note: "盗窃案同比增加2起",
                ..ev("刑事案件增加", d(9, 30))
            }),
            Event(Ev {
                level: "中央",
                ..ev("经验推广", d(9, 18))
            }),
        ],
    );
    m.insert(
        "0302",
        vec![
            Event(Ev {
                note: "协助抓获网上逃犯",
                ..ev("破案线索", d(8, 27))
            }),
            SkipPatrol(d(9, 4), am),
        ],
    );
    // 0303 谢宇 (专职): given survey rates; one case unhandled, one closed after 5 days; an
    // approved field trip; information adopted nationally.
    m.insert(
        "0303",
        vec![
            SurveyRates("95%", "100%", "85%"),
            Status(d(9, 4), "外勤", Some(true)),
            Event(Ev {
                assigned: Some((d(9, 21), t(8, 0))),
                accepted: Some((d(9, 21), t(9, 0))),
                note: "未办结",
                ..ev("交办事件", d(9, 21))
            }),
            Event(Ev {
                assigned: Some((d(8, 10), t(9, 0))),
                accepted: Some((d(8, 10), t(11, 0))),
                closed: Some((d(8, 15), t(10, 0))),
                note: "121小时办结",
                ..ev("交办事件", d(8, 10))
            }),
            Event(Ev {
                valid: Some(false),
                assigned: Some((d(7, 6), t(9, 0))),
                note: "重复派单, 无效",
                ..ev("交办事件", d(7, 6))
            }),
            Event(Ev {
                level: "国家",
                ..ev("信息录用", d(7, 28))
            }),
        ],
    );
    m.insert("0304", vec![NoUniform(d(7, 27), am)]);
    m.insert("0305", vec![NoUniform(d(7, 13), am)]);
    // 0306 许燕: absent a day and a half, early leave, an unapproved field trip, a serious
    // hazard, a poor survey: below 60, vetoed; also a late report with serious consequences
    // and a leak of system material, each a veto of its own.
    m.insert(
        "0306",
        vec![
            Status(d(7, 7), "旷工", None),
            SkipPatrol(d(7, 7), am),
            SkipPatrol(d(7, 7), pm),
            SignIn(d(7, 7), None),
            Report(d(7, 7), None),
            Status(d(8, 4), "旷工半天", None),
            SkipPatrol(d(8, 4), pm),
            Status(d(9, 3), "外勤", Some(false)),
            Status(d(9, 7), "早退", None),
            Event(Ev {
                note: "厂房消防通道堵塞未报, 造成火情",
                ..ev("隐患严重", d(8, 20))
            }),
            Event(Ev {
                note: "火情迟报, 造成严重后果",
                ..ev("迟报漏报瞒报严重后果", d(8, 20))
            }),
            Event(Ev {
                note: "将系统截图发至个人群",
                ..ev("泄露保密资料", d(9, 16))
            }),
            SurveyNo(4, 5, 3),
        ],
    );
    m.insert("0308", vec![NoUniform(d(7, 20), am), NoUniform(d(8, 20), am)]);
    m.insert("0309", vec![Event(ev("平安迟报", d(8, 24)))]);
    m.insert(
        "0310",
        vec![
            NoUniform(d(8, 24), am),
            NoUniform(d(9, 14), am),
            NoUniform(d(9, 21), pm),
        ],
    );
    m
}

fn props(title: &str) -> R<DocProperties> {
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("洋口镇网格办")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 10, 8)?))
}

fn main() -> R<()> {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yangkou");
    std::fs::create_dir_all(&out)?;
    let f = fmts();
    let workers = roster();
    let devs = deviations();
    let days = duty_days();

    // --- 花名册.xlsx: roster and params.
    let mut wb = Workbook::new();
    wb.set_properties(&props("洋口镇网格员花名册")?);
    let ws = sheet(
        &mut wb,
        "花名册",
        "洋口镇网格员花名册（2026年第三季度）",
        &[
            "编号",
            "姓名",
            "村(社区)",
            "网格",
            "岗位",
            "到岗日期",
            "离岗日期",
            "银行卡号",
            "备注",
        ],
        &f,
    )?;
    for (i, w) in workers.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, w.id, &f.text)?;
        ws.write_string(r, 1, w.name)?;
        ws.write_string(r, 2, w.village)?;
        ws.write_string(r, 3, format!("{}{}", w.village, w.grid))?;
        ws.write_string(r, 4, w.role)?;
        if let Some(s) = w.start {
            write_date(ws, r, 5, s, 0, &f)?;
        }
        if let Some(e) = w.end {
            write_date(ws, r, 6, e, 0, &f)?;
        }
        ws.write_string_with_format(r, 7, format!("62284803{:011}", 1_000_003 * (i + 7)), &f.text)?;
        if w.end.is_some() {
            ws.write_string(r, 8, "9月15日离岗")?;
        }
    }
    let ws = sheet(&mut wb, "参数", "考核参数", &["名称", "月份", "范围", "值"], &f)?;
    let params = [
        ("县排名", "2026-07", "", "3"),
        ("县排名", "2026-08", "", "6"),
        ("县排名", "2026-09", "", "9"),
        ("优秀名额", "2026Q3", "丰利村/兼职网格员", "2"),
    ];
    for (i, (n, m, s, v)) in params.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, *n)?;
        ws.write_string_with_format(r, 1, *m, &f.text)?;
        ws.write_string(r, 2, *s)?;
        ws.write_string(r, 3, *v)?;
    }
    wb.save(out.join("花名册.xlsx"))?;

    // --- 2026Q3考核台账.xlsx: attendance, patrol, events, survey.
    let mut wb = Workbook::new();
    wb.set_properties(&props("洋口镇2026年第三季度网格考核台账")?);
    let mut att_rows = Vec::new();
    let mut pat_rows = Vec::new();
    let mut events = Vec::new();
    let mut survey = Vec::new();
    for w in &workers {
        let mine = devs.get(w.id).cloned().unwrap_or_default();
        let on_duty = |x: &NaiveDate| w.start.is_none_or(|s| *x >= s) && w.end.is_none_or(|e| *x <= e);
        let status: BTreeMap<NaiveDate, (&str, Option<bool>)> = mine
            .iter()
            .filter_map(|x| {
                if let Dev::Status(dd, s, a) = x {
                    Some((*dd, (*s, *a)))
                } else {
                    None
                }
            })
            .collect();
        for x in days.iter().filter(|x| on_duty(x)) {
            let (st, approved) = status.get(x).copied().unwrap_or(("出勤", None));
            let leave = st == "病假" || st == "事假";
            let sign = mine.iter().rev().find_map(|v| {
                if let Dev::SignIn(dd, s) = v {
                    (dd == x).then_some(*s)
                } else {
                    None
                }
            });
            let rep = mine.iter().rev().find_map(|v| {
                if let Dev::Report(dd, s) = v {
                    (dd == x).then_some(*s)
                } else {
                    None
                }
            });
            let sign = if leave {
                None
            } else {
                sign.unwrap_or(Some(t(8, 40 + (x.day() % 15))))
            };
            let rep = if leave {
                None
            } else {
                rep.unwrap_or(Some(t(16, 30 + (x.day() % 20))))
            };
            att_rows.push((*x, w.id, st, approved, sign, rep));
            if leave {
                continue;
            }
            for am in [true, false] {
                if mine
                    .iter()
                    .any(|v| matches!(v, Dev::SkipPatrol(dd, a) if dd == x && *a == am))
                {
                    continue;
                }
                let exempt = mine
                    .iter()
                    .any(|v| matches!(v, Dev::Exempt(dd, a) if dd == x && *a == am));
                let start = if am { t(8, 30) } else { t(14, 0) };
                let end = mine.iter().find_map(|v| {
                    if let Dev::EndsAt(dd, a, e) = v {
                        (dd == x && *a == am).then_some(*e)
                    } else {
                        None
                    }
                });
                let end = end.unwrap_or(if am { t(10, 45) } else { t(16, 15) });
                let logged = !mine
                    .iter()
                    .any(|v| matches!(v, Dev::NotLogged(dd, a) if dd == x && *a == am));
                let uniform = !mine
                    .iter()
                    .any(|v| matches!(v, Dev::NoUniform(dd, a) if dd == x && *a == am));
                if am && mine.iter().any(|v| matches!(v, Dev::SplitAm(dd) if dd == x)) {
                    pat_rows.push((*x, w.id, am, Some((t(8, 30), t(9, 0))), true, true, false));
                    pat_rows.push((*x, w.id, am, Some((t(9, 0), t(10, 30))), true, true, false));
                    continue;
                }
                let times = (!exempt).then_some((start, end));
                pat_rows.push((*x, w.id, am, times, logged, uniform, exempt));
            }
        }
        for v in &mine {
            if let Dev::Event(e) = v {
                events.push((w.id, e.clone()));
            }
        }
        let given = mine.iter().find_map(|v| {
            if let Dev::SurveyRates(a, b, c) = v {
                Some((*a, *b, *c))
            } else {
                None
            }
        });
        let no = mine
            .iter()
            .find_map(|v| {
                if let Dev::SurveyNo(a, b, c) = v {
                    Some((*a, *b, *c))
                } else {
                    None
                }
            })
            .unwrap_or((0, 0, 0));
        match given {
            Some(rates) => survey.push((w.id, None, Some(rates))),
            None => {
                for k in 0..10 {
                    survey.push((w.id, Some((k >= no.0, k >= no.1, k >= no.2)), None));
                }
            }
        }
    }
    att_rows.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    pat_rows.sort_by(|a, b| (a.0, a.1, !a.2).cmp(&(b.0, b.1, !b.2)));

    let ws = sheet(
        &mut wb,
        "考勤",
        "洋口镇2026年第三季度考勤表",
        &["编号", "日期", "状态", "批准", "签到时间", "报告时间", "备注"],
        &f,
    )?;
    for (i, (x, id, st, appr, sign, rep)) in att_rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, *id, &f.text)?;
        write_date(ws, r, 1, *x, i, &f)?;
        ws.write_string(r, 2, *st)?;
        if let Some(a) = appr {
            ws.write_string(r, 3, yes_no(*a, i))?;
        }
        if let Some(s) = sign {
            write_time(ws, r, 4, *s, i, &f)?;
        }
        if let Some(s) = rep {
            write_time(ws, r, 5, *s, i + 1, &f)?;
        }
    }
    let ws = sheet(
        &mut wb,
        "巡查",
        "洋口镇2026年第三季度网格巡查记录",
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
        &f,
    )?;
    for (i, (x, id, am, times, logged, uniform, exempt)) in pat_rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, *id, &f.text)?;
        write_date(ws, r, 1, *x, i, &f)?;
        ws.write_string(r, 2, if *am { "上午" } else { "下午" })?;
        if let Some((s, e)) = times {
            write_time(ws, r, 3, *s, i, &f)?;
            write_time(ws, r, 4, *e, i + 2, &f)?;
        }
        if !exempt {
            ws.write_string(r, 6, yes_no(*logged, i))?;
            ws.write_string(r, 7, yes_no(*uniform, i + 1))?;
        } else {
            ws.write_string(r, 8, "是")?;
        }
    }
    let ws = sheet(
        &mut wb,
        "事件",
        "洋口镇2026年第三季度事件台账",
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
            "说明",
        ],
        &f,
    )?;
    events.sort_by_key(|(id, e)| (e.date, *id));
    for (i, (id, e)) in events.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, format!("SJ2026Q3-{:03}", i + 1), &f.text)?;
        ws.write_string_with_format(r, 1, *id, &f.text)?;
        ws.write_string(r, 2, e.ty)?;
        write_date(ws, r, 3, e.date.unwrap_or(d(7, 1)), 0, &f)?;
        if !e.level.is_empty() {
            ws.write_string(r, 4, e.level)?;
        }
        if let Some(v) = e.valid {
            ws.write_string(r, 5, yes_no(v, 0))?;
        }
        if let Some(c) = e.count {
            ws.write_number(r, 6, c)?;
        }
        write_dt(ws, r, 7, e.assigned, &f)?;
        write_dt(ws, r, 8, e.accepted, &f)?;
        write_dt(ws, r, 9, e.closed, &f)?;
        if e.complex {
            ws.write_string(r, 10, "是")?;
        }
        if !e.note.is_empty() {
            ws.write_string(r, 12, e.note)?;
        }
    }
    let ws = sheet(
        &mut wb,
        "测评",
        "2026年第三季度民意测评",
        &["编号", "受访者", "知晓", "覆盖", "满意", "知晓率", "覆盖率", "满意率"],
        &f,
    )?;
    let mut seen = BTreeSet::new();
    for (i, (id, ans, rates)) in survey.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, *id, &f.text)?;
        seen.insert(*id);
        if let Some((a, b, c)) = ans {
            ws.write_string(r, 1, format!("居民{}", i % 10 + 1))?;
            ws.write_string(r, 2, yes_no(*a, i))?;
            ws.write_string(r, 3, yes_no(*b, i + 1))?;
            ws.write_string(r, 4, yes_no(*c, i + 2))?;
        }
        if let Some((a, b, c)) = rates {
            ws.write_string(r, 1, "镇网格办测评")?;
            ws.write_string(r, 5, *a)?;
            ws.write_string(r, 6, *b)?;
            ws.write_string(r, 7, *c)?;
        }
    }
    wb.save(out.join("2026Q3考核台账.xlsx"))?;
    println!(
        "wrote {} (attendance {}, patrol {}, events {}, survey {} rows)",
        out.display(),
        att_rows.len(),
        pat_rows.len(),
        events.len(),
        survey.len()
    );
    Ok(())
}
