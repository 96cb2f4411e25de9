//! A deterministic generator of realistic inputs for any rule set, at any size: the roster,
//! a quarter (or month, or year) of attendance and patrols, events of the rule set's own
//! 类型 and levels, survey respondents, and the parameters its pay rules read.
//!
//! Everything township-specific comes from the rule set: roles, event types and their levels,
//! which types are assigned cases (a `case_deadline` measure names them) and which are veto
//! incidents (a veto's measure names them, and they are kept rare). Used by the benchmark and
//! by anyone who wants a large input to try.
use crate::calendar::Calendar;
use crate::payment::PayAmount;
use crate::period::Period;
use crate::rules::{MeasureKind, RuleSet};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

/// A 金额 in whole yuan inside a type's range, or blank for a type not paid its own amount.
fn paid_amount(range: Option<(i64, i64)>, rng: &mut Rng) -> V<'static> {
    match range {
        Some((lo, hi)) => V::N(lo + rng.below((hi - lo + 1) as u64) as i64),
        None => V::Blank,
    }
}

/// splitmix64: small, fast, and the same numbers on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    /// true with probability per_mille / 1000
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleFormat {
    Xlsx,
    Csv,
}

/// Named sizes: a town, a county, a province slice.
pub fn size_of(name: &str) -> Option<usize> {
    match name {
        "town" => Some(150),
        "county" => Some(5_000),
        "province" => Some(50_000),
        n => n.parse().ok().filter(|n| *n > 0),
    }
}

/// A table being written, as xlsx (constant memory) or CSV.
enum Out<'a> {
    Xlsx {
        ws: &'a mut Worksheet,
        date: &'a Format,
        time: &'a Format,
        dt: &'a Format,
        row: u32,
    },
    Csv {
        w: Box<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    },
}

#[derive(Clone, Copy)]
enum V<'s> {
    S(&'s str),
    Date(NaiveDate),
    Time(NaiveTime),
    DateTime(NaiveDate, NaiveTime),
    N(i64),
    Blank,
}

fn xdate(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

impl Out<'_> {
    fn row(&mut self, cells: &[V]) -> Result<(), SampleError> {
        match self {
            Out::Xlsx {
                ws,
                date,
                time,
                dt,
                row,
            } => {
                for (c, v) in cells.iter().enumerate() {
                    let c = c as u16;
                    match v {
                        V::S(s) => {
                            ws.write_string(*row, c, *s)?;
                        }
                        V::Date(d) => {
                            ws.write_datetime_with_format(*row, c, xdate(*d)?, date)?;
                        }
                        V::Time(t) => {
                            ws.write_datetime_with_format(
                                *row,
                                c,
                                ExcelDateTime::from_hms(t.hour() as u16, t.minute() as u8, 0)?,
                                time,
                            )?;
                        }
                        V::DateTime(d, t) => {
                            ws.write_datetime_with_format(
                                *row,
                                c,
                                xdate(*d)?.and_hms(t.hour() as u16, t.minute() as u8, 0)?,
                                dt,
                            )?;
                        }
                        V::N(n) => {
                            ws.write_number(*row, c, *n as f64)?;
                        }
                        V::Blank => {}
                    }
                }
                *row += 1;
            }
            Out::Csv { w } => {
                let text: Vec<String> = cells
                    .iter()
                    .map(|v| match v {
                        V::S(s) => s.to_string(),
                        V::Date(d) => d.to_string(),
                        V::Time(t) => t.format("%H:%M").to_string(),
                        V::DateTime(d, t) => format!("{d} {}", t.format("%H:%M")),
                        V::N(n) => n.to_string(),
                        V::Blank => String::new(),
                    })
                    .collect();
                w.write_record(&text)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What was written: files and row counts per sheet.
#[derive(Debug, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
    pub rows: Vec<(&'static str, usize)>,
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str =
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅鑫波斌宇浩凯健俊帆帅旭宁婷雪琳晨欣悦";

/// Writes a sample input of `workers` workers for `period` into `dir`.
pub fn generate(
    rules: &RuleSet,
    cal: &Calendar,
    period: Period,
    workers: usize,
    format: SampleFormat,
    dir: &Path,
    seed: u64,
) -> Result<Written, SampleError> {
    std::fs::create_dir_all(dir)?;
    let mut g = Gen::new(rules, cal, period, workers, seed);
    let mut sink = Sink::new(format, dir, period)?;
    let roster = ["编号", "姓名", "村(社区)", "网格", "岗位", "区域", "月补贴", "银行卡号"];
    sink.table("花名册", &roster, &mut |out| g.roster(out))?;
    // Leave days per worker, so attendance and patrols agree.
    let mut leave: Vec<Vec<NaiveDate>> = vec![Vec::new(); workers];
    let attendance = ["编号", "日期", "状态", "批准", "签到时间", "报告时间"];
    sink.table("考勤", &attendance, &mut |out| g.attendance(out, &mut leave))?;
    let patrols = ["编号", "日期", "时段", "开始", "结束", "已录入", "着装", "免扣"];
    sink.table("巡查", &patrols, &mut |out| g.patrols(out, &leave))?;
    let events = g.events_header();
    sink.table("事件", &events, &mut |out| g.events(out))?;
    sink.table("测评", &["编号", "知晓", "覆盖", "满意"], &mut |out| {
        g.survey(out)
    })?;
    if !g.indicators.is_empty() {
        sink.table("指标", &["编号", "指标", "值"], &mut |out| g.indicators(out))?;
    }
    sink.table("参数", &["名称", "月份", "值"], &mut |out| g.params(out))?;
    sink.finish()
}

/// Where the tables go: one workbook of sheets, or a CSV file per sheet.
struct Sink<'d> {
    format: SampleFormat,
    dir: &'d Path,
    wb: Workbook,
    date: Format,
    time: Format,
    dt: Format,
    written: Written,
}

impl<'d> Sink<'d> {
    fn new(format: SampleFormat, dir: &'d Path, period: Period) -> Result<Sink<'d>, SampleError> {
        // A fixed creation date (the period's first day): the same seed, the same bytes.
        let first = period.first_day();
        let created = ExcelDateTime::from_ymd(first.year() as u16, first.month() as u8, first.day() as u8)?;
        let mut wb = Workbook::new();
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
        Ok(Sink {
            format,
            dir,
            wb,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            time: Format::new().set_num_format("hh:mm"),
            dt: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            written: Written::default(),
        })
    }

    /// One table: its header row, then what `fill` writes (it returns its row count).
    fn table(
        &mut self,
        name: &'static str,
        header: &[&str],
        fill: &mut dyn FnMut(&mut Out) -> Result<usize, SampleError>,
    ) -> Result<(), SampleError> {
        let head: Vec<V> = header.iter().map(|h| V::S(h)).collect();
        let n = match self.format {
            SampleFormat::Xlsx => {
                let ws = self.wb.add_worksheet_with_constant_memory()?;
                ws.set_name(name)?;
                let mut out = Out::Xlsx {
                    ws,
                    date: &self.date,
                    time: &self.time,
                    dt: &self.dt,
                    row: 0,
                };
                out.row(&head)?;
                fill(&mut out)?
            }
            SampleFormat::Csv => {
                let path = self.dir.join(format!("{name}.csv"));
                let f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
                let mut out = Out::Csv {
                    w: Box::new(csv::Writer::from_writer(f)),
                };
                out.row(&head)?;
                let n = fill(&mut out)?;
                if let Out::Csv { mut w } = out {
                    w.flush()?;
                }
                self.written.files.push(path);
                n
            }
        };
        self.written.rows.push((name, n));
        Ok(())
    }

    fn finish(mut self) -> Result<Written, SampleError> {
        if self.format == SampleFormat::Xlsx {
            let path = self.dir.join("input.xlsx");
            self.wb.save(&path)?;
            self.written.files.push(path);
        }
        Ok(self.written)
    }
}

/// What the tables are drawn from: the rule set's roles, event types and parameters, the
/// period's working days, and one random stream (drawn from in sheet order, so a seed gives
/// the same files every time).
struct Gen<'r> {
    rules: &'r RuleSet,
    period: Period,
    rng: Rng,
    days: Vec<NaiveDate>,
    ids: Vec<String>,
    /// Event types that are assigned cases (交办 … 办结 times).
    case_types: Vec<usize>,
    /// Event types a veto counts (kept rare), and the others.
    veto_types: Vec<usize>,
    ordinary: Vec<usize>,
    /// Per event type, the whole-yuan range of the 金额 its rows are paid, if any.
    amounts: Vec<Option<(i64, i64)>>,
    indicators: Vec<(String, crate::rules::IndicatorMode)>,
}

impl<'r> Gen<'r> {
    fn new(rules: &'r RuleSet, cal: &Calendar, period: Period, workers: usize, seed: u64) -> Gen<'r> {
        let days: Vec<NaiveDate> = period
            .first_day()
            .iter_days()
            .take_while(|d| *d <= period.last_day())
            .filter(|d| cal.is_working_day(*d))
            .collect();
        let case_types: Vec<usize> = rules
            .measures
            .iter()
            .filter_map(|m| {
                if let MeasureKind::CaseDeadline(crate::measure::case_deadline::CaseDeadline { types, .. }) = &m.kind {
                    Some(types.clone())
                } else {
                    None
                }
            })
            .flatten()
            .collect();
        let veto_types: Vec<usize> = rules
            .vetoes
            .iter()
            .filter_map(|v| match &rules.measures[v.test.measure()?].kind {
                MeasureKind::Events(e) => Some(e.types.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        let ordinary: Vec<usize> = (0..rules.event_types.len())
            .filter(|t| !veto_types.contains(t))
            .collect();
        // A type whose rows are paid their own 金额 must carry one in its range; the column is
        // written only where a rule set pays one (so other samples keep their shape).
        let amounts = (0..rules.event_types.len())
            .map(|t| {
                rules.amount_range(t).map(|(lo, hi)| {
                    use rust_decimal::prelude::ToPrimitive;
                    // Whole yuan inside the range (a range narrower than a yuan gets its low end).
                    let lo = lo.ceil().to_i64().unwrap_or(0);
                    (lo, hi.floor().to_i64().unwrap_or(lo).max(lo))
                })
            })
            .collect();
        Gen {
            rules,
            period,
            rng: Rng::new(seed),
            days,
            ids: (0..workers).map(|i| format!("{:06}", i + 1)).collect(),
            case_types,
            veto_types,
            ordinary,
            amounts,
            indicators: rules.indicators(),
        }
    }

    fn roster(&mut self, out: &mut Out) -> Result<usize, SampleError> {
        let surnames: Vec<char> = SURNAMES.chars().collect();
        let given: Vec<char> = GIVEN.chars().collect();
        for (i, id) in self.ids.iter().enumerate() {
            let name: String = [
                surnames[i % surnames.len()],
                given[(i / surnames.len()) % given.len()],
                given[(i * 7 + 3) % given.len()],
            ]
            .iter()
            .collect();
            let village = format!("第{}村", i / 30 + 1);
            let grid = format!("第{}网格", i / 10 + 1);
            let roles = &self.rules.roles;
            let role = &roles[match i % 10 {
                0 => 0,
                1 | 2 => 1,
                _ => 2,
            } % roles.len()];
            let account = format!("6228{:015}", 480_000_000_000_000u64 + i as u64);
            out.row(&[
                V::S(id),
                V::S(&name),
                V::S(&village),
                V::S(&grid),
                V::S(&role.label),
                V::S(if i % 2 == 0 { "农村" } else { "社区" }),
                V::S("1000"),
                V::S(&account),
            ])?;
        }
        Ok(self.ids.len())
    }

    /// A row per worker and working day, now and then late, on leave or out; the leave days
    /// noted so that no patrol falls on them.
    fn attendance(&mut self, out: &mut Out, leave: &mut [Vec<NaiveDate>]) -> Result<usize, SampleError> {
        let rng = &mut self.rng;
        let mut n = 0;
        for d in &self.days {
            for (i, id) in self.ids.iter().enumerate() {
                let r = rng.below(1000);
                let (status, approved) = match r {
                    0..=9 => ("迟到", V::Blank),
                    10..=14 => ("病假", V::Blank),
                    15..=17 => ("事假", V::Blank),
                    18..=19 => ("外勤", V::S(if rng.chance(500) { "是" } else { "否" })),
                    20..=22 => ("临时请假", V::Blank),
                    23 => ("旷工半天", V::Blank),
                    24 => ("早退", V::Blank),
                    _ => ("出勤", V::Blank),
                };
                if status == "病假" || status == "事假" {
                    leave[i].push(*d);
                    out.row(&[V::S(id), V::Date(*d), V::S(status), approved, V::Blank, V::Blank])?;
                } else {
                    let sign = NaiveTime::from_hms_opt(if rng.chance(30) { 9 } else { 8 }, rng.below(60) as u32, 0)
                        .unwrap_or_default();
                    let report = NaiveTime::from_hms_opt(if rng.chance(30) { 17 } else { 16 }, rng.below(60) as u32, 0)
                        .unwrap_or_default();
                    out.row(&[
                        V::S(id),
                        V::Date(*d),
                        V::S(status),
                        approved,
                        V::Time(sign),
                        V::Time(report),
                    ])?;
                }
                n += 1;
            }
        }
        Ok(n)
    }

    /// A morning and an afternoon patrol per worker and day off leave, a few skipped, short,
    /// not logged or out of uniform.
    fn patrols(&mut self, out: &mut Out, leave: &[Vec<NaiveDate>]) -> Result<usize, SampleError> {
        let rng = &mut self.rng;
        let mut n = 0;
        for d in &self.days {
            for (i, id) in self.ids.iter().enumerate() {
                if leave[i].contains(d) {
                    continue;
                }
                for (session, start_h) in [("上午", 8u32), ("下午", 14u32)] {
                    if rng.chance(20) {
                        continue;
                    }
                    let start = NaiveTime::from_hms_opt(start_h, 30, 0).unwrap_or_default();
                    let end = start + Duration::minutes(50 + rng.below(100) as i64);
                    let logged = if rng.chance(30) { "否" } else { "是" };
                    let uniform = if rng.chance(20) { "否" } else { "是" };
                    out.row(&[
                        V::S(id),
                        V::Date(*d),
                        V::S(session),
                        V::Time(start),
                        V::Time(end),
                        V::S(logged),
                        V::S(uniform),
                        V::Blank,
                    ])?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    fn events_header(&self) -> Vec<&'static str> {
        let mut header = vec![
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
        ];
        if self.amounts.iter().any(Option::is_some) {
            header.push("金额");
        }
        header
    }

    /// Up to four events per worker, of the rule set's types (half of them veto incidents
    /// where there are any, one in a thousand), cases with their times.
    fn events(&mut self, out: &mut Out) -> Result<usize, SampleError> {
        let paid = self.amounts.iter().any(Option::is_some);
        let rng = &mut self.rng;
        let mut n = 0;
        for id in &self.ids {
            let k = rng.below(5);
            for _ in 0..k {
                let t = if !self.veto_types.is_empty() && rng.chance(2) {
                    self.veto_types[rng.below(self.veto_types.len() as u64) as usize]
                } else if self.ordinary.is_empty() {
                    continue;
                } else {
                    self.ordinary[rng.below(self.ordinary.len() as u64) as usize]
                };
                let et = &self.rules.event_types[t];
                let d = self.days[rng.below(self.days.len() as u64) as usize];
                let level = if et.levels.is_empty() {
                    V::Blank
                } else {
                    V::S(&et.levels[rng.below(et.levels.len() as u64) as usize])
                };
                n += 1;
                let eid = format!("E{n:08}");
                // 事件编号, 编号, 类型, 日期, 级别, 有效; then 数量 and the case's times, or the
                // case's times with a blank 数量; then 金额 where the rule set pays one.
                let mut cells = vec![V::S(&eid), V::S(id), V::S(&et.name), V::Date(d), level, V::Blank];
                if self.case_types.contains(&t) {
                    let at = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
                    let assigned = d.and_time(at);
                    let accepted = assigned + Duration::hours(1 + rng.below(30) as i64);
                    let closed = accepted + Duration::hours(2 + rng.below(200) as i64);
                    cells.extend([
                        V::Blank,
                        V::DateTime(assigned.date(), assigned.time()),
                        V::DateTime(accepted.date(), accepted.time()),
                        V::DateTime(closed.date(), closed.time()),
                        V::S(if rng.chance(200) { "是" } else { "否" }),
                    ]);
                } else {
                    cells.extend([V::N(1 + rng.below(2) as i64), V::Blank, V::Blank, V::Blank, V::Blank]);
                }
                if paid {
                    cells.push(paid_amount(self.amounts[t], rng));
                }
                out.row(&cells)?;
            }
        }
        Ok(n)
    }

    /// Ten respondents per worker, each answer 是 93% of the time.
    fn survey(&mut self, out: &mut Out) -> Result<usize, SampleError> {
        let mut n = 0;
        for id in &self.ids {
            for _ in 0..10 {
                let a = |r: &mut Rng| V::S(if r.chance(930) { "是" } else { "否" });
                let (x, y, z) = (a(&mut self.rng), a(&mut self.rng), a(&mut self.rng));
                out.row(&[V::S(id), x, y, z])?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// A row per worker and 指标 the rule set reads, in the value's own form.
    fn indicators(&mut self, out: &mut Out) -> Result<usize, SampleError> {
        let mut n = 0;
        for id in &self.ids {
            for (name, mode) in &self.indicators {
                let v = match mode {
                    // 85%–100%, as Excel shows a rate.
                    crate::rules::IndicatorMode::Rate => format!("{}%", 85 + self.rng.below(16)),
                    crate::rules::IndicatorMode::Number => (80 + self.rng.below(21)).to_string(),
                    crate::rules::IndicatorMode::Count => self.rng.below(2).to_string(),
                };
                out.row(&[V::S(id), V::S(name), V::S(&v)])?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// A value for each month of every 参数 a `param_bands` pay rule reads.
    fn params(&mut self, out: &mut Out) -> Result<usize, SampleError> {
        let params: Vec<&str> = self
            .rules
            .pay
            .iter()
            .filter_map(|p| match &p.amount {
                PayAmount::ParamBands(pb) => Some(pb.param.as_str()),
                _ => None,
            })
            .collect();
        let mut n = 0;
        for p in params {
            for m in self.period.months() {
                let month = m.to_string();
                let v = (1 + self.rng.below(12)).to_string();
                out.row(&[V::S(p), V::S(&month), V::S(&v)])?;
                n += 1;
            }
        }
        Ok(n)
    }
}
