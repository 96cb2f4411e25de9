//! A small table writer over rust_xlsxwriter: one header row, typed cells, column widths
//! computed from the text (CJK characters count double), and a printable page setup.
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

/// The font every cell uses: a Chinese office's default.
const FONT: &str = "宋体";

#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Points(Decimal),
    Money(Decimal),
    Int(i64),
    Blank,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    /// Display width without building the text where it can be counted directly.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => display_width(s),
            Cell::Blank => 0,
            // Digits and a separator: cheap to count exactly.
            Cell::Int(i) => i.to_string().len(),
            other => other.shown().len(),
        }
    }

    fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Points(d) => crate::num::show(*d),
            Cell::Money(d) => format!("¥{}", crate::num::show_money(*d)),
            Cell::Int(i) => i.to_string(),
            Cell::Blank => String::new(),
        }
    }
}

pub struct Table {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Printed in the page header.
    pub title: String,
    /// Columns that get a fixed generous width and tall rows (签字).
    pub signature_col: Option<usize>,
    /// Rows (0-based, in `rows`) printed in bold (totals).
    pub bold_rows: Vec<usize>,
}

/// Display width in Excel's character units: a CJK character is two.
pub fn display_width(s: &str) -> usize {
    // Most cells are printable ASCII (ids, numbers, codes): one column a character.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Whether a text is too wide for its column and wraps. A character is at most as wide as its
/// UTF-8 bytes (CJK: three bytes, two columns), so short text needs no counting.
fn wraps(s: &str) -> bool {
    s.len() + 2 > 60 && display_width(s) + 2 > 60
}

fn widths(t: &Table) -> Vec<f64> {
    (0..t.header.len())
        .map(|c| {
            // Headers wrap onto two lines (the header row is two lines tall), so a long header
            // needs only half its width.
            let hw = display_width(&t.header[c]);
            let hw = if hw > 8 { hw.div_ceil(2) } else { hw };
            let w = std::iter::once(hw)
                .chain(t.rows.iter().map(|r| r.get(c).map_or(0, Cell::width)))
                .max()
                .unwrap_or(4);
            // Padding for the cell margin, bounded so a long source list wraps instead.
            ((w + 2).clamp(6, 60)) as f64
        })
        .collect()
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
}

/// Adds a table as the workbook's next sheet, its cells held until the workbook is saved.
pub fn add(wb: &mut Workbook, t: &Table) -> Result<(), XlsxError> {
    fill(wb.add_worksheet(), t)
}

/// A sheet for a table that grows with the trace (明细), to be filled with [`fill`] on
/// another thread and then pushed into `wb`.
///
/// It is written in rust_xlsxwriter's low-memory mode: each row is laid out as XML (into a
/// temporary file) as soon as the next one is written, and only the text of strings is kept
/// for the shared-string table, so a province's detail is never all held as cells, and the
/// laying out is done on the thread that fills the sheet rather than when the workbook is
/// saved. (The "constant memory" mode would also write each string into its cell: larger
/// files, unlike what Excel writes.) Such a sheet adds its formats and strings to the
/// workbook's tables as it is filled, so it must be the only one being filled at the time:
/// the sheets filled beside it use [`add`], which adds them at save, in sheet order, and the
/// bytes stay the same from run to run.
pub fn streamed(wb: &mut Workbook) -> Result<Worksheet, XlsxError> {
    wb.new_worksheet_with_low_memory()
}

/// Writes a table into a worksheet, row by row from the top (as a streamed worksheet needs:
/// its rows can't be revisited, so the header's height and the widths are set first).
pub fn fill(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    ws.set_name(&t.name)?;
    let header = base()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_background_color("#D9E1F2");
    // Every format once per sheet, plain and bold: [text, wrap, money, points].
    let plain = [
        base(),
        base().set_text_wrap(),
        base().set_num_format("¥#,##0.00"),
        base().set_num_format("General"),
    ];
    let bolds = plain.clone().map(|f| f.set_bold());
    for (c, w) in widths(t).iter().enumerate() {
        let w = if Some(c) == t.signature_col { 16.0 } else { *w };
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_row_height(0, 30)?;
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &header)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let rr = (r + 1) as u32;
        let [text, wrap, money, points] = if t.bold_rows.contains(&r) { &bolds } else { &plain };
        for (c, cell) in row.iter().enumerate() {
            let cc = c as u16;
            match cell {
                Cell::Text(s) if wraps(s) => ws.write_string_with_format(rr, cc, s, wrap)?,
                Cell::Text(s) => ws.write_string_with_format(rr, cc, s, text)?,
                Cell::Points(d) => ws.write_with_format(rr, cc, d.normalize(), points)?,
                Cell::Money(d) => ws.write_with_format(rr, cc, crate::num::round_fen(*d), money)?,
                Cell::Int(i) => ws.write_with_format(rr, cc, Decimal::from(*i), points)?,
                Cell::Blank => ws.write_blank(rr, cc, text)?,
            };
        }
        if t.signature_col.is_some() {
            ws.set_row_height(rr, 28)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_repeat_rows(0, 0)?;
    ws.set_print_fit_to_pages(1, 0);
    ws.set_header(format!("&C&\"{FONT},Bold\"&14{}", t.title.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}
