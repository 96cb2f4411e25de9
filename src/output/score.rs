//! The score workbook: 排名 (the ranking), 明细 (every applied rule with its source rows, on
//! as many sheets as it needs), 名额 (quota lines and ties), 分月 (month by month) and 说明.
use super::rows;
use super::sheet::{self, Cell, Table};
use super::{
    about, amount_cell, pack, print_order, subject_cells, subject_headers, title, workbook, Report, TakenTraces,
};
use crate::engine::{ItemColumn, Subject};
use crate::output::said::sources_text;
use crate::rules::ItemKind;
use crate::trace::Unit;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, XlsxError};

/// The columns the 排名 sheet shows: score items with their parts; bonus and deduction items
/// as their totals (their parts are in 明细).
fn ranking_columns(cols: &[ItemColumn]) -> Vec<usize> {
    cols.iter()
        .enumerate()
        .filter(|(_, c)| c.kind == ItemKind::Score || c.depth == 0)
        .map(|(i, _)| i)
        .collect()
}

/// The score workbook; its 明细 is made from `traces` when given (each subject's let go once
/// its rows are made), else from the subjects' own traces.
pub fn score_workbook(r: &Report, traces: Option<TakenTraces>) -> Result<Vec<u8>, XlsxError> {
    let t = title(r, "考核排名");
    let wb = workbook(r, &t)?;
    // The 明细 sheet, the bulk of the workbook, is written as XML of its own (see `rows`) and
    // deflated as it is written, on other cores, while its rows are made on a third, a batch
    // at a time (a province's rows are never all held); the ranking's rows are made here and
    // laid out once the 明细 is written, since the 明细 numbers the workbook's strings first.
    let lines: usize = match &traces {
        Some(t) => t.0.iter().map(Vec::len).sum(),
        None => r.outcome.subjects.iter().map(|s| s.trace.len()).sum(),
    };
    // A sheet holds 1,048,575 rows below its header: a larger 明细 goes on in 明细2, 明细3 ….
    let per_sheet = detail_rows_per_sheet();
    let sheets = lines.div_ceil(per_sheet).max(1);
    std::thread::scope(|s| {
        let (batches, received) = std::sync::mpsc::sync_channel(DETAIL_BATCHES);
        let made = s.spawn(move || detail_rows(r, traces, &batches));
        let written = s.spawn(move || write_detail(r, sheets, per_sheet, received));
        score_workbook_with(r, wb, &t, Detail { made, written })
    })
}

/// Rows of 明细 below the header on one sheet: Excel's 1,048,576 less the header.
/// `GRIDSCORE_TEST_DETAIL_ROWS` sets fewer, so that a test can see the sheet go on.
fn detail_rows_per_sheet() -> usize {
    std::env::var("GRIDSCORE_TEST_DETAIL_ROWS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1_048_575)
        .min(1_048_575)
}

/// The name of the `k`-th 明细 sheet (from 0): 明细, 明细2, 明细3 ….
fn detail_name(k: usize) -> String {
    if k == 0 {
        "明细".into()
    } else {
        format!("明细{}", k + 1)
    }
}

/// Rows of the 明细 sheet sent to its filler at a time, and batches made ahead of it.
const DETAIL_BATCH: usize = 1024;
const DETAIL_BATCHES: usize = 8;

/// The threads that make and write the 明细 sheet.
struct Detail<'s> {
    made: std::thread::ScopedJoinHandle<'s, ()>,
    written: std::thread::ScopedJoinHandle<'s, Result<(rows::Strings, Vec<rows::Written>), XlsxError>>,
}

fn score_workbook_with(r: &Report, mut wb: Workbook, t: &str, detail: Detail<'_>) -> Result<Vec<u8>, XlsxError> {
    let ranked = ranking_table(r, t);
    let measured = sheet::measure_rows(&ranked);
    // A batch not made would be a row missing from the sheet: the maker must have finished.
    let failed = |what: &str| XlsxError::ParameterError(format!("{what} the 明细 sheet failed"));
    let (mut strings, written) = detail.written.join().map_err(|_| failed("writing"))??;
    detail.made.join().map_err(|_| failed("making the rows of"))?;
    // The ranking is written after the 明细, as rust_xlsxwriter numbered their strings.
    let ranking = rows::table(&mut strings, &ranked, &measured)?;
    drop(measured);
    let mut packer = pack::Packer::new();
    let tables = std::iter::once(ranked).chain((0..written.len()).map(|k| detail_table(r, k)));
    for (t, w) in tables.zip(std::iter::once(ranking).chain(written)) {
        let mut shell = rust_xlsxwriter::Worksheet::new();
        sheet::shell(&mut shell, &t, &w.widest, w.rows)?;
        wb.push_worksheet(shell);
        // rust_xlsxwriter names a workbook's n-th worksheet sheetn.xml.
        packer.splice(pack::Splice {
            part: format!("xl/worksheets/sheet{}.xml", wb.worksheets().len()),
            dimension: w.dimension(),
            rows: w.deflated,
        });
    }

    // The sheets rust_xlsxwriter fills number their strings in the table made here.
    let mut note = |s: &str| strings.note(s);
    if r.outcome.graded {
        sheet::add_noting(&mut wb, &quota_table(r), &mut note)?;
    }

    if !r.months.is_empty() {
        sheet::add_noting(&mut wb, &by_month_table(r), &mut note)?;
    }

    let rows = about(r)
        .into_iter()
        .map(|(k, v)| vec![Cell::text(k), Cell::text(v)])
        .collect();
    sheet::add_noting(
        &mut wb,
        &Table {
            name: "说明".into(),
            header: vec!["项目".into(), "内容".into()],
            rows,
            title: title(r, "说明"),
            signature_col: None,
            bold_rows: vec![],
            key_columns: 1,
            widths: vec![(1, ABOUT_UNITS)],
            footer: vec![],
        },
        &mut note,
    )?;
    // Every sheet is in: the strings rust_xlsxwriter holds and the rows' formats take their
    // numbers, and the table made here replaces its own.
    packer.shared_strings(strings.install(&mut wb)?);
    // The score workbook is deflated on every core (see `pack`); rust_xlsxwriter writes it
    // with its fastest compression, which the packer reads back.
    wb.set_zip_compression_level(1);
    wb.save_to_writer(&mut packer)?;
    Ok(packer.finish()?)
}

/// The 排名 sheet: a row per subject in print order — rank, id, name, village, post, each score
/// item (bonus and deduction items as totals), the total, grade, vetoes, flags and notes.
fn ranking_table<'a>(r: &Report<'a>, t: &str) -> Table<'a> {
    let cols = ranking_columns(&r.outcome.columns);
    // A scheme that appraises villages and communities names them, and their kind.
    let (name, kind, total) = subject_headers(r);
    let mut header: Vec<String> = ["排名", "编号", name, "村(社区)", kind].map(String::from).to_vec();
    header.extend(cols.iter().map(|&c| r.outcome.columns[c].label.clone()));
    let flagged = !r.rules.flags.is_empty();
    header.extend([total, "等次", "否决原因"].map(String::from));
    if flagged {
        header.push("提示".into());
    }
    header.push("备注".into());
    // A money scheme's items are yuan.
    let amount = |v: Decimal| amount_cell(r, v);
    let mut rows = Vec::new();
    for s in print_order(r) {
        let mut row = subject_cells(r, s, true);
        row.extend(cols.iter().map(|&c| amount(s.values[c])));
        row.push(amount(s.total));
        row.push(Cell::text(s.grade.clone().unwrap_or_default()));
        let mut vetoes = s.vetoes.clone();
        vetoes.extend(s.pending.iter().map(|v| format!("待确认: {v}")));
        row.push(Cell::text(vetoes.join("；")));
        if flagged {
            row.push(Cell::text(r.rules.flag_labels(&s.flags, "；")));
        }
        let mut notes: Vec<&str> = s.honors.iter().map(String::as_str).collect();
        if s.overflow {
            notes.push("同分并列超额");
        }
        if !s.pending.is_empty() {
            notes.push("否决待确认, 发放暂缓");
        }
        row.push(Cell::text(notes.join("；")));
        rows.push(row);
    }
    Table {
        rows,
        key_columns: 4,
        ..Table::new("排名", t.to_string(), header)
    }
}

/// The 名额 sheet: per quota group the number graded and vetoed, each grade's line and count,
/// and the ties across a line.
fn quota_table<'a>(r: &Report<'a>) -> Table<'a> {
    let grades: Vec<String> = r.rules.grading.iter().flat_map(|g| g.grades()).collect();
    let mut header: Vec<String> = ["组", "参评人数", "否决人数"].map(String::from).to_vec();
    for g in &grades {
        header.push(format!("{g}名额线"));
        header.push(format!("{g}人数"));
    }
    header.push("跨线并列(超额)".into());
    header.push("超出名额".into());
    let rows = r
        .outcome
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![Cell::text(&g.key), Cell::Int(g.n as i64), Cell::Int(g.vetoed as i64)];
            for (_, line, count) in &g.grades {
                row.push(Cell::Int(*line as i64));
                row.push(Cell::Int(*count as i64));
            }
            let ties: Vec<String> = g
                .ties
                .iter()
                .map(|t| {
                    t.iter()
                        .map(|i| format!("{} {}", r.inputs.workers[*i].id, r.inputs.workers[*i].name))
                        .collect::<Vec<_>>()
                        .join("、")
                })
                .collect();
            row.push(Cell::text(ties.join("；")));
            row.push(Cell::text(over_quota(&g.grades)));
            row
        })
        .collect();
    Table {
        rows,
        key_columns: 1,
        ..Table::new("名额", title(r, "等次名额"), header)
    }
}

/// The 说明 sheet's 内容 column: a SHA-256 (64 hex digits, 86 units) and its label on one line.
const ABOUT_UNITS: f64 = 100.0;

/// How far ties lifted a grade past its line, per grade (`优秀 +1`): the grade's count and those
/// above it, against its cumulative line. Empty when no grade is over.
fn over_quota(grades: &[(String, usize, usize)]) -> String {
    let mut through = 0usize;
    let mut out = Vec::new();
    for (k, (grade, line, count)) in grades.iter().enumerate() {
        through += count;
        if k + 1 < grades.len() && through > *line {
            out.push(format!("{grade} +{}", through - line));
        }
    }
    out.join("；")
}

/// The 分月 sheet: each subject's total (and pay) month by month beside the run's, for a
/// scheme scored month by month and paid per quarter.
fn by_month_table<'a>(r: &Report<'a>) -> Table<'a> {
    let paid = !r.outcome.pays.is_empty();
    // A month's pay shows only where month runs pay something (a scheme paid per quarter).
    let months_paid = r.months.iter().any(|m| !m.pays.is_empty());
    let total_label = if r.rules.meta.money { "合计" } else { "总分" };
    let mut header: Vec<String> = ["编号", "姓名", "村(社区)", "岗位"].map(String::from).to_vec();
    for m in r.months {
        header.push(format!("{}月{total_label}", m.period.index));
        if months_paid {
            header.push(format!("{}月应发", m.period.index));
        }
    }
    header.push(format!("{}{total_label}", r.outcome.period.chinese()));
    if paid {
        header.push(format!("{}应发", r.outcome.period.chinese()));
    }
    let amount = |v: Decimal| {
        if r.rules.meta.money {
            Cell::Money(v)
        } else {
            Cell::Points(v)
        }
    };
    // Each month's subjects by worker, looked up per row (not searched: a province lists
    // tens of thousands).
    let by_worker: Vec<Vec<Option<&Subject>>> = r
        .months
        .iter()
        .map(|m| {
            let mut v = vec![None; r.inputs.workers.len()];
            for x in &m.subjects {
                if let Some(slot) = v.get_mut(x.worker) {
                    *slot = Some(x);
                }
            }
            v
        })
        .collect();
    let rows = print_order(r)
        .into_iter()
        .map(|s| {
            let w = &r.inputs.workers[s.worker];
            let mut row = vec![
                Cell::text(&w.id),
                Cell::text(&w.name),
                Cell::text(&w.village),
                Cell::text(&r.rules.roles[w.role].label),
            ];
            for month in &by_worker {
                let ms = month.get(s.worker).copied().flatten();
                row.push(ms.map_or(Cell::Blank, |x| amount(x.total)));
                if months_paid {
                    row.push(ms.map_or(Cell::Blank, |x| Cell::Money(x.pay_total)));
                }
            }
            row.push(amount(s.total));
            if paid {
                row.push(Cell::Money(s.pay_total));
            }
            row
        })
        .collect();
    Table {
        name: "分月".into(),
        header,
        rows,
        title: title(r, "分月明细"),
        signature_col: None,
        bold_rows: vec![],
        key_columns: 3,
        widths: vec![],
        footer: vec![],
    }
}

/// The 明细 sheet's columns.
const DETAIL_HEADER: [&str; 9] = [
    "编号",
    "姓名",
    "村(社区)",
    "项目",
    "规则",
    "次数",
    "分值",
    "单位",
    "来源",
];

/// A batch of 明细 rows, each measured for laying out.
type DetailBatch<'a> = Vec<(Vec<Cell<'a>>, sheet::Measure)>;

/// The 明细 table without its rows: what each of its sheets is begun with.
fn detail_table(r: &Report, k: usize) -> Table<'static> {
    Table {
        key_columns: 2,
        ..Table::new(
            &detail_name(k),
            title(r, "评分明细"),
            DETAIL_HEADER.map(String::from).to_vec(),
        )
    }
}

/// The 明细 sheet's rows, a row per applied rule with its source rows, each measured here
/// (this thread has time to spare; the filler has not), sent in batches; stops early if the
/// filler has stopped (it failed, and says so). A subject's lines in `traces` are let go once
/// its rows are made.
fn detail_rows<'a>(
    r: &Report<'a>,
    mut traces: Option<TakenTraces>,
    batches: &std::sync::mpsc::SyncSender<DetailBatch<'a>>,
) {
    let caps = sheet::caps(&detail_table(r, 0));
    let mut batch = Vec::with_capacity(DETAIL_BATCH);
    for k in r.print_index() {
        let s = &r.outcome.subjects[k];
        let w = &r.inputs.workers[s.worker];
        let taken = traces
            .as_mut()
            .map(|t| t.0.get_mut(k).map(std::mem::take).unwrap_or_default());
        for l in taken.as_deref().unwrap_or(&s.trace) {
            let unit = match l.unit {
                Unit::Points => "分",
                Unit::Yuan => "元",
                Unit::Note => "",
            };
            let row = vec![
                Cell::text(&w.id),
                Cell::text(&w.name),
                Cell::text(&w.village),
                Cell::text(format!("{} ({})", l.item_label, l.item)),
                Cell::text(crate::output::said::text(&l.said)),
                Cell::Points(l.count),
                if l.unit == Unit::Yuan {
                    Cell::Money(l.value)
                } else {
                    Cell::Points(l.value)
                },
                Cell::text(unit),
                Cell::text(sources_text(&l.sources, 32_000)),
            ];
            let measured = sheet::measure(&row, &caps);
            batch.push((row, measured));
            if batch.len() == DETAIL_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(DETAIL_BATCH));
                if batches.send(full).is_err() {
                    return;
                }
            }
        }
    }
    if !batch.is_empty() {
        let _ = batches.send(batch);
    }
}

/// Writes the 明细 sheets' rows as they arrive, `per_sheet` on each, `sheets` sheets (every
/// one begun with its header, however few rows come), one after another.
fn write_detail(
    r: &Report,
    sheets: usize,
    per_sheet: usize,
    batches: std::sync::mpsc::Receiver<DetailBatch>,
) -> Result<(rows::Strings, Vec<rows::Written>), XlsxError> {
    let mut strings = rows::Strings::new(pack::cores());
    let mut written = Vec::with_capacity(sheets);
    let too_many = || XlsxError::ParameterError("more 明细 rows than its sheets were made for".into());
    let mut f = rows::Rows::begin(&mut strings, &detail_table(r, 0))?;
    let mut on_sheet = 0usize;
    for batch in batches {
        for (row, measured) in &batch {
            if on_sheet == per_sheet {
                written.push(f.finish()?);
                if written.len() == sheets {
                    return Err(too_many());
                }
                f = rows::Rows::begin(&mut strings, &detail_table(r, written.len()))?;
                on_sheet = 0;
            }
            f.row_measured(row, measured, false)?;
            on_sheet += 1;
        }
    }
    written.push(f.finish()?);
    // Sheets made for rows that did not come (none, when the count was right) have a header.
    while written.len() < sheets {
        written.push(rows::Rows::begin(&mut strings, &detail_table(r, written.len()))?.finish()?);
    }
    Ok((strings, written))
}
