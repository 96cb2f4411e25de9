//! The 公示 workbook: what a township posts on its notice board after a graded run — each
//! worker's rank, name, village, post, total and grade (and the items the rule set marks
//! public), the 公示期 and whom to appeal to. It holds nothing else: no bank account, phone or
//! ID number, no deduction detail, and a veto's reason only where `[office] public_vetoes`
//! names that veto.
use super::sheet::{self, Cell, Table};
use super::{amount_cell, print_order, subject_cells, subject_headers, title, workbook, Report};
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;

/// The 参数 names the notice's two lines come from. Neither is invented when absent: the line
/// is left for the clerk to fill by hand.
pub const PERIOD_PARAM: &str = "公示期";
pub const APPEAL_PARAM: &str = "申诉";

pub fn publication_workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let t = title(r, "考核结果公示");
    let mut wb = workbook(r, &t)?;
    sheet::add(&mut wb, &publication_table(r, t))?;
    // Fast deflate, as the score workbook: a province's rows cost seconds at the default level.
    wb.set_zip_compression_level(1);
    wb.save_to_buffer()
}

/// A parameter's value for this run: one given for the run's period, else one given for no
/// period.
fn param<'a>(r: &'a Report, name: &str) -> Option<&'a str> {
    let given = r.inputs.params.iter().filter(|p| p.name == name);
    let mut fallback = None;
    for p in given {
        match p.period {
            Some(period) if period == r.outcome.period && !p.value.trim().is_empty() => return Some(p.value.trim()),
            None => fallback = Some(p.value.trim()),
            _ => {}
        }
    }
    fallback.filter(|v| !v.is_empty())
}

fn publication_table<'a>(r: &Report<'a>, t: String) -> Table<'a> {
    let (name, kind, total) = subject_headers(r);
    let public = &r.rules.publication;
    let columns: Vec<usize> = public
        .items
        .iter()
        .filter_map(|path| r.outcome.columns.iter().position(|c| &c.path == path))
        .collect();
    let mut header: Vec<String> = ["排名", name, "村(社区)", kind].map(String::from).to_vec();
    header.extend(columns.iter().map(|&c| r.outcome.columns[c].label.clone()));
    header.extend([total, "等次"].map(String::from));
    let with_note = !public.vetoes.is_empty();
    if with_note {
        header.push("备注".into());
    }
    let amount = |v: Decimal| amount_cell(r, v);
    let mut rows = Vec::new();
    for s in print_order(r) {
        let mut row = subject_cells(r, s, false);
        row.extend(columns.iter().map(|&c| amount(s.values[c])));
        row.push(amount(s.total));
        row.push(Cell::text(s.grade.clone().unwrap_or_default()));
        if with_note {
            let shown: Vec<&str> = s
                .vetoes
                .iter()
                .filter(|v| public.vetoes.contains(v))
                .map(String::as_str)
                .collect();
            row.push(Cell::text(if shown.is_empty() {
                String::new()
            } else {
                format!("一票否决: {}", shown.join("；"))
            }));
        }
        rows.push(row);
    }
    let footer = vec![
        match param(r, PERIOD_PARAM) {
            Some(v) => format!("公示期: {v}"),
            None => "公示期: ____年__月__日 至 ____年__月__日".to_string(),
        },
        match param(r, APPEAL_PARAM) {
            Some(v) => format!("公示期间如有异议, 请向 {v} 反映。"),
            None => "公示期间如有异议, 请向 ________________ 反映 (电话: ____________)。".to_string(),
        },
    ];
    Table {
        rows,
        key_columns: 2,
        footer,
        ..Table::new("公示", t, header)
    }
}
