//! A small table writer over rust_xlsxwriter: one header row, typed cells, column widths
//! computed from the text (CJK characters count double), and a printable page setup.
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::borrow::Cow;
use unicode_width::UnicodeWidthStr;

/// The font every cell uses: a Chinese office's default.
const FONT: &str = "宋体";

#[derive(Debug, Clone)]
pub enum Cell<'a> {
    /// Borrowed where the text already exists (a worker's name, a trace line's rule), so a
    /// province's hundreds of thousands of detail rows copy no text to be laid out.
    Text(Cow<'a, str>),
    Points(Decimal),
    Money(Decimal),
    Int(i64),
    Blank,
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }
    /// Display width without building the text where it can be counted directly.
    fn width(&self) -> usize {
        match self {
            Cell::Text(s) => display_width(s),
            Cell::Blank => 0,
            // Digits and a separator: cheap to count exactly.
            Cell::Int(i) => i.to_string().len(),
            Cell::Points(d) => crate::num::show(*d).len(),
            Cell::Money(d) => format!("¥{}", crate::num::show_money(*d)).len(),
        }
    }
}

pub struct Table<'a> {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell<'a>>>,
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

/// A column is as wide as its widest cell (or half its header, which wraps onto two lines),
/// plus the cell margin, bounded so that a long source list wraps instead.
fn column_width(widest: usize) -> f64 {
    ((widest + 2).clamp(6, 60)) as f64
}

/// The widest cell past which a column's width no longer grows ([`column_width`]'s bound):
/// wider cells need not be measured.
const WIDEST: usize = 58;

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

/// A sheet for a table that grows with the run (明细, 排名), to be filled (by [`fill`] or a
/// [`Filler`], on any thread) and then pushed into `wb`; `rows` says whether the table has
/// any row below its header.
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
///
/// A sheet with no row below its header is not streamed: rust_xlsxwriter 0.102 writes the last
/// row of a streamed sheet twice when that row has a height of its own (the header's), which
/// Excel reports as a damaged file. (The same is why the tall rows of a sheet with a signature
/// column are never streamed.)
pub fn streamed(wb: &mut Workbook, rows: bool) -> Result<Worksheet, XlsxError> {
    if rows {
        wb.new_worksheet_with_low_memory()
    } else {
        Ok(Worksheet::new())
    }
}

/// The most characters a cell holds (Excel's limit; rust_xlsxwriter refuses more).
const MAX_CELL_CHARS: usize = 32_767;

/// A text cut to fit one cell, saying so: a list of ten thousand source rows, a note joined
/// from hundreds of ties. (The CSV files and `explain` keep the whole text.)
fn fitted(s: &str) -> String {
    let n = s.chars().count();
    if n <= MAX_CELL_CHARS {
        return s.to_string();
    }
    let tail = format!(" …(共 {n} 字, 超出单元格上限, 其余从略)");
    let keep = MAX_CELL_CHARS - tail.chars().count();
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(&tail);
    out
}

/// Writes a table into a worksheet.
pub fn fill(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    let mut f = Filler::begin(ws, &t.name, &t.header, &t.title, t.signature_col)?;
    for (r, row) in t.rows.iter().enumerate() {
        f.row(row, t.bold_rows.contains(&r))?;
    }
    f.finish()
}

/// A sheet being written row by row from the top, as a streamed worksheet needs (its rows
/// can't be revisited), and as rows that are made while they are written need: the column
/// widths are measured on the way and set at the end, which rust_xlsxwriter allows since it
/// lays out the columns' widths when the workbook is saved.
pub struct Filler<'w> {
    ws: &'w mut Worksheet,
    /// The widest cell of each column so far (the header counts half when it wraps).
    widest: Vec<usize>,
    next_row: u32,
    /// Every format once per sheet, plain and bold: [text, wrap, money, points].
    plain: [Format; 4],
    bold: [Format; 4],
    title: String,
    signature_col: Option<usize>,
}

impl<'w> Filler<'w> {
    /// Names the sheet and writes its header row.
    pub fn begin(
        ws: &'w mut Worksheet,
        name: &str,
        header: &[String],
        title: &str,
        signature_col: Option<usize>,
    ) -> Result<Filler<'w>, XlsxError> {
        ws.set_name(name)?;
        let header_format = base()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap()
            .set_background_color("#D9E1F2");
        ws.set_row_height(0, 30)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &header_format)?;
        }
        let plain = [
            base(),
            base().set_text_wrap(),
            base().set_num_format("¥#,##0.00"),
            base().set_num_format("General"),
        ];
        let bold = plain.clone().map(|f| f.set_bold());
        // Headers wrap onto two lines (the header row is two lines tall), so a long header
        // needs only half its width.
        let widest = header
            .iter()
            .map(|h| {
                let w = display_width(h);
                if w > 8 {
                    w.div_ceil(2)
                } else {
                    w
                }
            })
            .collect();
        Ok(Filler {
            ws,
            widest,
            next_row: 1,
            plain,
            bold,
            title: title.to_string(),
            signature_col,
        })
    }

    /// Writes the next row; cells past the header's columns are written and not measured.
    pub fn row(&mut self, row: &[Cell], bold: bool) -> Result<(), XlsxError> {
        let rr = self.next_row;
        let [text, wrap, money, points] = if bold { &self.bold } else { &self.plain };
        // Tall rows for signing; such a sheet is never streamed (see `streamed`).
        if self.signature_col.is_some() {
            self.ws.set_row_height(rr, 28)?;
        }
        for (c, cell) in row.iter().enumerate() {
            if let Some(w) = self.widest.get_mut(c) {
                if *w < WIDEST {
                    *w = (*w).max(cell.width());
                }
            }
            let cc = c as u16;
            match cell {
                Cell::Text(s) if s.len() > MAX_CELL_CHARS => {
                    self.ws.write_string_with_format(rr, cc, fitted(s), wrap)?
                }
                Cell::Text(s) if wraps(s) => self.ws.write_string_with_format(rr, cc, s.as_ref(), wrap)?,
                Cell::Text(s) => self.ws.write_string_with_format(rr, cc, s.as_ref(), text)?,
                Cell::Points(d) => self.ws.write_with_format(rr, cc, d.normalize(), points)?,
                Cell::Money(d) => self.ws.write_with_format(rr, cc, crate::num::round_fen(*d), money)?,
                Cell::Int(i) => self.ws.write_with_format(rr, cc, Decimal::from(*i), points)?,
                Cell::Blank => self.ws.write_blank(rr, cc, text)?,
            };
        }
        self.next_row += 1;
        Ok(())
    }

    /// Sets the widths and the page: A4 landscape, the header row repeated, the title above.
    pub fn finish(self) -> Result<(), XlsxError> {
        let ws = self.ws;
        for (c, w) in self.widest.iter().enumerate() {
            let w = if Some(c) == self.signature_col {
                16.0
            } else {
                column_width(*w)
            };
            ws.set_column_width(c as u16, w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_paper_size(9); // A4
        ws.set_landscape();
        ws.set_repeat_rows(0, 0)?;
        ws.set_print_fit_to_pages(1, 0);
        ws.set_header(format!("&C&\"{FONT},Bold\"&14{}", self.title.replace('&', "&&")));
        ws.set_footer("&C第 &P 页，共 &N 页");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_is_cut_to_fit_and_says_so() {
        let long = "行".repeat(40_000);
        let f = fitted(&long);
        assert_eq!(f.chars().count(), MAX_CELL_CHARS);
        assert!(f.ends_with("…(共 40000 字, 超出单元格上限, 其余从略)"), "{f:.20}");
        assert_eq!(fitted("短"), "短");
    }
}
