//! Blank input workbooks for a rule set and period (`gridscore template`): every sheet the
//! run reads, each with a title row, its columns (required first; the English alias and the
//! accepted forms in a note on the header), a frozen header, widths, 编号 and 银行卡号 as text so
//! leading zeros and 19-digit accounts survive, date and time columns formatted, and drop-down
//! lists for every closed vocabulary (类型, 级别, 岗位, 状态, 时段, 指标, yes/no). 参数 comes with a
//! row for each parameter the run needs; 填表说明 says what every column takes and what every
//! 类型 does, from the rule set.
//!
//! The same writer fills the template with rows (a last period's roster, or a test's pasted
//! example), so a filled template is laid out exactly as a blank one.
use crate::contract::ReadPlan;
use crate::contract::{self, Column, SheetSpec, DECISION_KINDS, STATUSES};
use crate::payment::PayAmount;
use crate::period::Period;
use crate::rules::RuleSet;
use calamine::Data;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet,
    XlsxError,
};
use std::collections::HashMap;

/// A sheet's rows to write into the template, each by contract column key.
pub type Rows = Vec<HashMap<&'static str, Data>>;

/// What a column takes, for its format, its drop-down and its note.
#[derive(Debug, Clone, PartialEq)]
enum Takes {
    /// Text kept as typed: ids with leading zeros, accounts, names.
    Text,
    Date,
    Time,
    DateTime,
    Number,
    /// One of a closed list; `several`: a cell may join several with 、 (状态).
    List {
        list: usize,
        several: bool,
    },
}

/// The closed vocabularies of this rule set's sheets, each a column of the hidden 选项 sheet.
struct Lists {
    names: Vec<&'static str>,
    values: Vec<Vec<String>>,
}

impl Lists {
    fn add(&mut self, name: &'static str, values: Vec<String>) -> usize {
        self.names.push(name);
        self.values.push(values);
        self.names.len() - 1
    }
}

/// The drop-down lists the plan's vocabularies make; `(key, list index)` per closed column.
fn lists(plan: &ReadPlan) -> (Lists, HashMap<&'static str, usize>) {
    let mut l = Lists {
        names: Vec::new(),
        values: Vec::new(),
    };
    let mut by_key = HashMap::new();
    by_key.insert(
        "role",
        l.add("岗位", plan.roles.iter().map(|r| r.label.clone()).collect()),
    );
    by_key.insert(
        "status",
        l.add("状态", STATUSES.iter().map(|(_, zh, _)| zh.to_string()).collect()),
    );
    by_key.insert("session", l.add("时段", vec!["上午".into(), "下午".into()]));
    by_key.insert(
        "type",
        l.add("类型", plan.event_types.iter().map(|t| t.name.clone()).collect()),
    );
    let mut levels: Vec<String> = Vec::new();
    for t in &plan.event_types {
        for lv in &t.levels {
            if !levels.contains(lv) {
                levels.push(lv.clone());
            }
        }
    }
    by_key.insert("level", l.add("级别", levels));
    by_key.insert(
        "indicator",
        l.add("指标", plan.indicators.iter().map(|(n, _)| n.clone()).collect()),
    );
    by_key.insert("yes_no", l.add("是否", vec!["是".into(), "否".into()]));
    by_key.insert(
        "kind",
        l.add("决定", DECISION_KINDS.iter().map(|(_, zh, _)| zh.to_string()).collect()),
    );
    (l, by_key)
}

/// What a column of a sheet takes.
fn takes(sheet: &str, col: &str, lists: &HashMap<&'static str, usize>) -> Takes {
    let list = |k: &str| lists.get(k).copied();
    match (sheet, col) {
        ("roster", "start" | "end") | (_, "date") => Takes::Date,
        ("patrol", "start" | "end") | (_, "sign_in" | "report_at") => Takes::Time,
        (_, "assigned_at" | "accepted_at" | "closed_at") => Takes::DateTime,
        (_, "approved" | "logged" | "uniform" | "exempt" | "valid" | "complex" | "no_reward") => Takes::List {
            list: list("yes_no").unwrap_or(0),
            several: false,
        },
        (_, "status") => Takes::List {
            list: list("status").unwrap_or(0),
            several: true,
        },
        (_, k @ ("role" | "session" | "type" | "level" | "indicator" | "kind")) => match list(k) {
            Some(list) => Takes::List { list, several: false },
            None => Takes::Text,
        },
        (_, "hours" | "count" | "amount" | "monthly_subsidy" | "numerator" | "denominator" | "points") => Takes::Number,
        _ => Takes::Text,
    }
}

/// How a column's cells may be written, for its note and for 填表说明.
fn forms(t: &Takes, lists: &Lists) -> String {
    match t {
        Takes::Text => "文本, 照原样保存 (编号的前导零、19 位银行卡号不会丢)".into(),
        Takes::Date => "日期: 2026-07-01、2026/7/1 或 Excel 日期".into(),
        Takes::Time => "时间: 08:30 或 Excel 时间".into(),
        Takes::DateTime => "日期和时间: 2026-07-01 08:30".into(),
        Takes::Number => "数字".into(),
        Takes::List { list, several } => {
            let v = lists.values[*list].join("、");
            if *several {
                format!("从下拉列表选 ({v}); 一格可写多个, 用、分隔")
            } else {
                format!("从下拉列表选: {v}")
            }
        }
    }
}

/// The columns a sheet of this plan shows: required first, then the optional ones a rule of
/// this run can read (月补贴 only where a pay rule pays it, 级别 where a 类型 has levels, 金额
/// where one pays its own amount, the case times where a deadline counts; 测评's 日期 never).
fn columns(spec: &SheetSpec, plan: &ReadPlan) -> Vec<&'static Column> {
    let shown = |c: &Column| match (spec.key, c.key) {
        ("roster", "monthly_subsidy") => !plan.subsidies.is_empty(),
        ("events", "level") => plan.event_types.iter().any(|t| !t.levels.is_empty()),
        ("events", "amount") => plan.event_types.iter().any(|t| t.amount.is_some()),
        ("events", "assigned_at" | "accepted_at" | "closed_at" | "complex") => {
            plan.event_types.iter().any(|t| t.assigned)
        }
        // A 测评 sheet with a 日期 column must date every row (a respondent counts in its own
        // period); most surveys are one per period and undated, so the blank template has none.
        ("survey", "date") => false,
        _ => true,
    };
    let all: &'static [Column] = spec.columns;
    let mut out: Vec<&'static Column> = all.iter().filter(|c| c.required).collect();
    out.extend(all.iter().filter(|c| !c.required && shown(c)));
    out
}

/// Each 参数 this run reads, with what it is: the pay rules' parameters, the quota lines set
/// by the county (optional: the share applies without one), and the notice's two lines.
pub fn parameters(rules: &RuleSet, period: Period, graded: bool) -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = Vec::new();
    for p in rules.pay.iter().filter(|p| p.periods.contains(&period.kind)) {
        match &p.amount {
            PayAmount::ParamBands(pb) => {
                out.push((pb.param.clone(), format!("{}: 按此值所在的档发放", p.label), true));
            }
            PayAmount::GradeParam(gp) => {
                out.push((gp.param.clone(), format!("{}: {}的金额 (元)", p.label, gp.grade), true));
            }
            _ => {}
        }
    }
    for it in &rules.items {
        if let Some(name) = &it.weight_param {
            if !out.iter().any(|(n, _, _)| n == name) {
                out.push((name.clone(), format!("{}: 权重系数 (如 1.1)", it.label), true));
            }
        }
    }
    let shares = match rules.grading.as_ref().map(|g| &g.method) {
        Some(crate::grading::Method::Quota(shares)) => shares.as_slice(),
        _ => &[],
    };
    {
        for q in shares {
            if let Some(name) = &q.count_param {
                out.push((
                    name.clone(),
                    format!("{}名额 (人数, 范围 = 组); 不填则按比例", q.grade),
                    false,
                ));
            }
        }
    }
    if graded {
        out.push((
            crate::output::publication::PERIOD_PARAM.into(),
            "公示表上的公示期, 如 2026年10月8日至10月14日; 不填则留空线".into(),
            false,
        ));
        out.push((
            crate::output::publication::APPEAL_PARAM.into(),
            "公示表上的申诉受理人和电话; 不填则留空线".into(),
            false,
        ));
    }
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The template workbook, blank or with `fill`'s rows (a sheet given rows has no pre-filled
/// 参数 rows).
pub fn workbook(rules: &RuleSet, period: Period, fill: &HashMap<&'static str, Rows>) -> Result<Vec<u8>, XlsxError> {
    let plan = rules.read_plan(period.kind);
    let graded = rules.grading.as_ref().is_some_and(|g| g.periods.contains(&period.kind));
    let (lists, by_key) = lists(&plan);
    let params = parameters(rules, period, graded);
    let mut wb = Workbook::new();
    // A fixed creation date (the period's first day): the same template, the same bytes.
    use chrono::Datelike;
    let first = period.first_day();
    let created =
        rust_xlsxwriter::ExcelDateTime::from_ymd(first.year() as u16, first.month() as u8, first.day() as u8)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("{} {} 台账模板", rules.meta.title, period.chinese()))
            .set_author(format!("gridscore {}", crate::output::VERSION))
            .set_creation_datetime(&created),
    );
    let mut sheets: Vec<&'static SheetSpec> = plan.sheets.clone();
    sheets.push(&contract::PARAMS);
    sheets.push(&contract::DECISIONS);
    guide(&mut wb, rules, period, &plan, &sheets, &lists, &by_key, &params)?;
    for spec in &sheets {
        let ws = wb.add_worksheet();
        let title = format!("{} {} {}", rules.meta.title, period.chinese(), spec.label());
        let prefilled: Rows = if spec.key == "params" {
            params
                .iter()
                .filter(|(_, _, needed)| *needed)
                .map(|(name, _, _)| {
                    HashMap::from([
                        ("name", Data::String(name.clone())),
                        ("month", Data::String(period.to_string())),
                    ])
                })
                .collect()
        } else {
            Vec::new()
        };
        let rows = fill.get(spec.key).unwrap_or(&prefilled);
        sheet(ws, spec, &plan, &title, &lists, &by_key, rows)?;
        if spec.key == "params" {
            meanings(ws, columns(spec, &plan).len() as u16, rows, &params)?;
        }
    }
    let ws = wb.add_worksheet();
    ws.set_name("选项")?;
    for (c, (name, values)) in lists.names.iter().zip(&lists.values).enumerate() {
        ws.write_string(0, c as u16, *name)?;
        for (r, v) in values.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    ws.set_hidden(true);
    wb.save_to_buffer()
}

/// The last row a drop-down and a column format reach (Excel's last).
const LAST_ROW: u32 = 1_048_575;

/// One input sheet: title, header with notes, formats, drop-downs, and any rows given.
fn sheet(
    ws: &mut Worksheet,
    spec: &SheetSpec,
    plan: &ReadPlan,
    title: &str,
    lists: &Lists,
    by_key: &HashMap<&'static str, usize>,
    rows: &Rows,
) -> Result<(), XlsxError> {
    ws.set_name(spec.label())?;
    let cols = columns(spec, plan);
    let font = || Format::new().set_font_name("宋体").set_font_size(11);
    let title_format = font().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    // 参数 has a 说明 column of its own beside the contract's (see `meanings`): the title spans it.
    let (span, beside) = if spec.key == "params" {
        (cols.len() + 1, MEANING_UNITS)
    } else {
        (cols.len(), 0.0)
    };
    if span > 1 {
        ws.merge_range(0, 0, 0, span as u16 - 1, title, &title_format)?;
    } else {
        ws.write_string_with_format(0, 0, title, &title_format)?;
    }
    let mut widths = Vec::with_capacity(cols.len());
    ws.set_row_height(0, 24)?;
    let header = font()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2")
        .set_align(FormatAlign::Center);
    let required = header.clone().set_font_color("#C00000");
    for (c, col) in cols.iter().enumerate() {
        let c16 = c as u16;
        let t = takes(spec.key, col.key, by_key);
        let label = col.headers[0];
        ws.write_string_with_format(1, c16, label, if col.required { &required } else { &header })?;
        let alias = col.headers.last().copied().unwrap_or(col.key);
        let note = format!(
            "{label} ({alias}){}\n{}",
            if col.required { ", 必填" } else { ", 选填" },
            forms(&t, lists)
        );
        ws.insert_note(
            1,
            c16,
            &Note::new(note).set_author("gridscore").add_author_prefix(false),
        )?;
        let format = match t {
            Takes::Text => font().set_num_format("@"),
            Takes::Date => font().set_num_format("yyyy-mm-dd"),
            Takes::Time => font().set_num_format("hh:mm"),
            Takes::DateTime => font().set_num_format("yyyy-mm-dd hh:mm"),
            _ => font(),
        };
        let units = crate::output::layout::text_units(label) + 4.0;
        let width = units.max(match t {
            Takes::Date | Takes::DateTime => 16.0,
            Takes::List { .. } => 14.0,
            _ => 10.0,
        });
        ws.set_column_width(c16, width)?;
        widths.push(width);
        ws.set_column_format(c16, &format)?;
        if let Takes::List { list, several } = t {
            if !lists.values[list].is_empty() {
                let n = lists.values[list].len() + 1;
                let letter = rust_xlsxwriter::utility::column_number_to_name(list as u16);
                let v = DataValidation::new()
                    .allow_list_formula(Formula::new(format!("='选项'!${letter}$2:${letter}${n}")))
                    .set_error_style(if several {
                        // 迟到、早退 is one cell of two statuses: warned, not refused.
                        DataValidationErrorStyle::Warning
                    } else {
                        DataValidationErrorStyle::Stop
                    });
                ws.add_data_validation(2, c16, LAST_ROW, c16, &v)?;
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let rr = r as u32 + 2;
            match row.get(col.key) {
                None | Some(Data::Empty) => {}
                Some(Data::Float(f)) => {
                    ws.write_number_with_format(rr, c16, *f, &format)?;
                }
                Some(Data::Int(i)) => {
                    ws.write_number_with_format(rr, c16, *i as f64, &format)?;
                }
                Some(Data::DateTime(d)) => {
                    ws.write_number_with_format(rr, c16, d.as_f64(), &format)?;
                }
                Some(Data::Bool(b)) => {
                    ws.write_string_with_format(rr, c16, if *b { "是" } else { "否" }, &format)?;
                }
                Some(other) => {
                    ws.write_string_with_format(rr, c16, other.to_string(), &format)?;
                }
            }
        }
    }
    // A centred title wider than its merged cells is cut at both ends (seen in LibreOffice on
    // 参数's four narrow columns): the last column takes what the 14 pt title needs.
    let needed = crate::output::layout::text_units(title) * 14.0 / 11.0 + 4.0;
    let have: f64 = widths.iter().sum::<f64>() + beside;
    if let Some(last) = widths.last() {
        if have < needed {
            ws.set_column_width(widths.len() as u16 - 1, last + (needed - have))?;
        }
    }
    ws.set_freeze_panes(2, 0)?;
    // A blank form may be printed to fill by hand: A4 landscape, one page wide (a sheet of a
    // dozen columns prints at about its full size), the title and header on every page.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 1)?;
    Ok(())
}

/// The width of 参数's 说明 column.
const MEANING_UNITS: f64 = 48.0;

/// A 说明 column beside 参数's own (the reader ignores a column the contract does not name): what
/// each parameter row is for.
fn meanings(ws: &mut Worksheet, col: u16, rows: &Rows, params: &[(String, String, bool)]) -> Result<(), XlsxError> {
    let font = || Format::new().set_font_name("宋体").set_font_size(11);
    let header = font()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2");
    ws.write_string_with_format(1, col, "说明", &header)?;
    ws.set_column_width(col, MEANING_UNITS)?;
    for (r, row) in rows.iter().enumerate() {
        let name = row.get("name").map(|d| d.to_string()).unwrap_or_default();
        if let Some((_, meaning, _)) = params.iter().find(|(n, _, _)| *n == name) {
            ws.write_string_with_format(r as u32 + 2, col, meaning, &font())?;
        }
    }
    Ok(())
}

/// 填表说明: how to fill each sheet, column by column, and what each 类型 does.
#[allow(clippy::too_many_arguments)]
fn guide(
    wb: &mut Workbook,
    rules: &RuleSet,
    period: Period,
    plan: &ReadPlan,
    sheets: &[&'static SheetSpec],
    lists: &Lists,
    by_key: &HashMap<&'static str, usize>,
    params: &[(String, String, bool)],
) -> Result<(), XlsxError> {
    use crate::output::sheet::{self, Cell, Table};
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for spec in sheets {
        for col in columns(spec, plan) {
            let t = takes(spec.key, col.key, by_key);
            rows.push(vec![
                Cell::text(spec.label()),
                Cell::text(col.headers[0]),
                Cell::text(if col.required { "必填" } else { "选填" }),
                Cell::text(forms(&t, lists)),
            ]);
        }
    }
    for (name, meaning, needed) in params {
        rows.push(vec![
            Cell::text("参数"),
            Cell::text(format!("名称 = {name}")),
            Cell::text(if *needed { "必填" } else { "选填" }),
            Cell::text(meaning.clone()),
        ]);
    }
    for (t, et) in rules.event_types.iter().enumerate() {
        let counted: Vec<&str> = rules
            .measures
            .iter()
            .filter(|m| crate::measure::event_types_read(&m.kind).contains(&t))
            .map(|m| m.label.as_str())
            .collect();
        let mut what = et.note.clone();
        if !counted.is_empty() {
            if !what.is_empty() {
                what.push_str("; ");
            }
            what.push_str(&format!("计入: {}", counted.join("、")));
        }
        if !et.levels.is_empty() {
            what.push_str(&format!("; 级别: {}", et.levels.join("、")));
        }
        rows.push(vec![
            Cell::text("事件"),
            Cell::text(format!("类型 = {}", et.name)),
            Cell::Blank,
            Cell::text(what),
        ]);
    }
    for (kind, what) in decision_kinds(rules) {
        rows.push(vec![
            Cell::text("决定"),
            Cell::text(format!("决定 = {kind}")),
            Cell::Blank,
            Cell::text(what),
        ]);
    }
    let title = format!("{} {} 填表说明", rules.meta.title, period.chinese());
    sheet::add(
        wb,
        &Table {
            rows,
            key_columns: 2,
            ..Table::new(
                "填表说明",
                title,
                ["工作表", "列", "必填", "填写方式 / 作用"].map(String::from).to_vec(),
            )
        },
    )
}

/// Each kind of committee decision and what its row names, in this rule set's words.
fn decision_kinds(rules: &RuleSet) -> Vec<(&'static str, String)> {
    let names = |v: Vec<&str>| if v.is_empty() { "无".to_string() } else { v.join("、") };
    let items = names(rules.items.iter().map(|i| i.label.as_str()).collect());
    let pays = names(rules.pay.iter().map(|p| p.label.as_str()).collect());
    let vetoes = names(rules.vetoes.iter().map(|v| v.label.as_str()).collect());
    let held = names(
        rules
            .vetoes
            .iter()
            .filter(|v| v.confirm)
            .map(|v| v.label.as_str())
            .collect(),
    );
    let measures = names(rules.measures.iter().map(|m| m.label.as_str()).collect());
    let grades = rules
        .grading
        .as_ref()
        .map(|g| g.grades().join("、"))
        .unwrap_or_else(|| "无".into());
    vec![
        (
            "调整",
            format!("项目: 评分项目 ({items}) 加减分, 或发放项目 ({pays}) 加减元; 空白为总分。分值: 正数加, 负数减"),
        ),
        ("撤销否决", format!("项目: 否决情形 ({vetoes}); 空白为该人员全部否决")),
        (
            "确认否决",
            format!("项目: 须经集体讨论认定的否决 ({held}); 未确认前按未否决评定, 发放暂缓"),
        ),
        (
            "免扣",
            format!("项目: 扣分依据 ({measures}); 扣分记录: 来源行 (如 巡查!17) 或日期 (当日全部免扣)"),
        ),
        ("名额裁定", format!("项目: 同分并列跨越名额线时裁定的等次 ({grades})")),
    ]
}

/// A contract sheet's rows from a file a clerk has (last period's roster): each row by column
/// key, from the sheet's header down; `Err` says why nothing could be read.
pub fn read_rows(path: &std::path::Path, spec: &'static SheetSpec) -> Result<Rows, String> {
    use crate::input::source::{CsvRows, RangeRows, RowSource};
    use crate::input::table::{Header, HEADER_SEARCH_ROWS};
    use calamine::Reader;
    let display = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{display}: {e}"))?;
    let is_csv = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    let mut rows: Vec<(u32, Vec<Data>)> = Vec::new();
    let mut collect = |src: &mut dyn RowSource| -> Result<(), String> {
        while let Some((r, cells)) = src.next_row()? {
            rows.push((r, cells.to_vec()));
        }
        Ok(())
    };
    if is_csv {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        collect(&mut CsvRows::new(body))?;
    } else {
        let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
            .map_err(|e| msg!("cmd-workbook-gridscore-can-read", display = display, e = e))?;
        let name = wb
            .sheet_names()
            .into_iter()
            .find(|n| spec.names.iter().any(|s| s == n))
            .ok_or_else(|| msg!("cmd-sheet-named", display = display, label = spec.label()))?;
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| format!("{display} {name}: {e}"))?;
        collect(&mut RangeRows::new(range))?;
    }
    let first: Vec<(u32, Vec<Data>)> = rows
        .iter()
        .filter(|(r, _)| (*r as usize) < HEADER_SEARCH_ROWS)
        .cloned()
        .collect();
    let header = Header::find(&display, spec, &first).map_err(|p| format!("{}: {}", display, p.expected))?;
    Ok(rows
        .into_iter()
        .filter(|(r, _)| *r > header.row)
        .map(|(_, cells)| {
            spec.columns
                .iter()
                .filter_map(|c| {
                    let i = header.index(c.key)?;
                    Some((c.key, cells.get(i).cloned().unwrap_or(Data::Empty)))
                })
                .collect()
        })
        .collect())
}
