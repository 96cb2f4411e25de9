//! A small table writer over rust_xlsxwriter: one header row, typed cells, column widths
//! computed from the text (CJK characters count double), and a printable page setup.
use super::layout;
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
    /// The width of the cell's widest line, in column units ([`layout::text_units`]).
    fn units(&self) -> f64 {
        match self {
            Cell::Text(s) => layout::widest_line(s),
            Cell::Blank => 0.0,
            Cell::Int(i) => layout::text_units(&i.to_string()),
            Cell::Points(d) => layout::text_units(&crate::num::show(*d)),
            // The money format's indent is a character's width more.
            Cell::Money(d) => layout::text_units(&format!("¥{}", crate::num::show_money(*d))) + 1.5,
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
    /// The leading columns that identify a row (排名, 编号, 姓名, 村): printed on every page
    /// when the sheet is too wide for one.
    pub key_columns: usize,
    /// Columns of a set width (units) that their text wraps in, in place of [`WRAP_UNITS`].
    pub widths: Vec<(usize, f64)>,
    /// Lines printed below the table across its whole width (a total in words, signatures).
    pub footer: Vec<String>,
}

impl<'a> Table<'a> {
    /// A table with nothing set beyond its name, title and header.
    pub fn new(name: &str, title: String, header: Vec<String>) -> Table<'a> {
        Table {
            name: name.into(),
            header,
            rows: Vec::new(),
            title,
            signature_col: None,
            bold_rows: Vec::new(),
            key_columns: 0,
            widths: Vec::new(),
            footer: Vec::new(),
        }
    }
}

/// Display width in Excel's character units: a CJK character is two.
pub fn display_width(s: &str) -> usize {
    // Most cells are printable ASCII (ids, numbers, codes): one column a character.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// The widest a column grows from its text; a longer text wraps at this width, in a row made
/// as tall as its lines (about nineteen CJK characters a line).
pub const WRAP_UNITS: f64 = 40.0;

/// The narrowest column.
const MIN_UNITS: f64 = 5.0;

/// The signature column: room for a name written by hand.
const SIGNATURE_UNITS: f64 = 16.0;

/// A row to sign on is at least this tall.
pub(super) const SIGNATURE_ROW_PT: f64 = 28.0;

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

/// Adds a table as the workbook's next sheet, its cells held until the workbook is saved.
pub fn add(wb: &mut Workbook, t: &Table) -> Result<(), XlsxError> {
    fill(wb.add_worksheet(), t)
}

/// What hears each string a sheet is given, in the order rust_xlsxwriter numbers them.
pub type Note<'n> = &'n mut dyn FnMut(&str) -> Result<(), XlsxError>;

/// [`add`], saying each string written to `note` as it is written (row by row, left to
/// right, as rust_xlsxwriter numbers them when it saves): the score workbook numbers its
/// strings itself (`super::rows::Strings`).
pub fn add_noting(wb: &mut Workbook, t: &Table, note: Note<'_>) -> Result<(), XlsxError> {
    let measured = measure_rows(t);
    measured_all(t, &measured)?;
    let mut f = Filler::begin_noting(wb.add_worksheet(), t, Some(note))?;
    for (r, (row, m)) in t.rows.iter().zip(&measured).enumerate() {
        f.row_measured(row, m, t.bold_rows.contains(&r))?;
    }
    f.finish()
}

/// A sheet in rust_xlsxwriter's low-memory mode, to be filled by [`fill`] or a [`Filler`]:
/// what the large sheets (明细, 排名) were before their rows were written as XML of our own
/// ([`super::rows`]), kept as the reference the tests hold that XML to. `rows` says whether
/// the table has any row below its header.
///
/// Such a sheet adds its formats and strings to the workbook's tables as it is filled, so it
/// must be the only one being filled at the time. A sheet with no row below its header is not
/// streamed: rust_xlsxwriter 0.102 writes the last row of a streamed sheet twice when that row
/// has a height of its own (the header's), which Excel reports as a damaged file. (A streamed
/// sheet whose last row is tall gets a blank cell below it for the same reason: see
/// [`Filler::finish`].)
#[cfg(test)]
pub fn streamed(wb: &mut Workbook, rows: bool) -> Result<Worksheet, XlsxError> {
    if rows {
        wb.new_worksheet_with_low_memory()
    } else {
        Ok(Worksheet::new())
    }
}

/// The most characters a cell holds (Excel's limit; rust_xlsxwriter refuses more).
pub(super) const MAX_CELL_CHARS: usize = 32_767;

/// A text cut to fit one cell, saying so: a list of ten thousand source rows, a note joined
/// from hundreds of ties. (The CSV files and `explain` keep the whole text.)
pub(super) fn fitted(s: &str) -> String {
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

/// Each column's cap in units, and whether its width is set rather than measured: a column is
/// never wider than its cap, and a text wider wraps at it.
pub fn caps(t: &Table) -> Vec<(f64, bool)> {
    (0..t.header.len())
        .map(|c| match t.widths.iter().find(|(k, _)| *k == c) {
            Some((_, w)) => (*w, true),
            None if Some(c) == t.signature_col => (SIGNATURE_UNITS, true),
            None => (WRAP_UNITS, false),
        })
        .collect()
}

/// A row's cells as laying them out needs them: each cell's widest line in units and whether
/// it wraps at its column's cap; and the lines the row is tall. Measured by [`measure`] where
/// the row is made, so that a sheet filled on one thread from rows made on another (明细)
/// spends the filling thread on writing alone.
pub struct Measure {
    pub(super) cells: Vec<(f64, bool)>,
    pub(super) lines: usize,
}

/// Measures a row against its sheet's [`caps`].
pub fn measure(row: &[Cell], caps: &[(f64, bool)]) -> Measure {
    let mut lines = 1;
    let cells = row
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            let (cap, _) = caps.get(c).copied().unwrap_or((WRAP_UNITS, false));
            match cell {
                // A character is at most 1.5 units a byte (CJK: 2.1 for three), so most texts
                // are known to fit without being wrapped.
                Cell::Text(s) if 1.5 * s.len() as f64 <= cap - 1.0 && !s.contains('\n') => {
                    (layout::text_units(s), false)
                }
                Cell::Text(s) => {
                    let units = layout::widest_line(s);
                    let wraps = units > cap - 1.0 || s.contains('\n');
                    if wraps {
                        lines = lines.max(layout::lines(s, cap));
                    }
                    (units, wraps)
                }
                _ => (cell.units(), false),
            }
        })
        .collect();
    Measure { cells, lines }
}

/// Writes a table into a worksheet.
pub fn fill(ws: &mut Worksheet, t: &Table) -> Result<(), XlsxError> {
    fill_measured(ws, t, &measure_rows(t))
}

/// Measures every row of a table (on a thread with time to spare, ahead of [`fill_measured`]).
pub fn measure_rows(t: &Table) -> Vec<Measure> {
    let caps = caps(t);
    t.rows.iter().map(|row| measure(row, &caps)).collect()
}

/// Refuses a measure list that does not match the rows: a row without its measure would be a
/// row missing from the sheet.
pub(super) fn measured_all(t: &Table, measured: &[Measure]) -> Result<(), XlsxError> {
    if measured.len() != t.rows.len() {
        return Err(XlsxError::ParameterError(format!(
            "{}: {} rows, {} measured",
            t.name,
            t.rows.len(),
            measured.len()
        )));
    }
    Ok(())
}

/// Writes a table into a worksheet, its rows measured by [`measure_rows`].
pub fn fill_measured(ws: &mut Worksheet, t: &Table, measured: &[Measure]) -> Result<(), XlsxError> {
    measured_all(t, measured)?;
    let mut f = Filler::begin(ws, t)?;
    for (r, (row, m)) in t.rows.iter().zip(measured).enumerate() {
        f.row_measured(row, m, t.bold_rows.contains(&r))?;
    }
    f.finish()
}

/// A sheet being written row by row from the top, as a streamed worksheet needs (its rows
/// can't be revisited), and as rows that are made while they are written need: the column
/// widths are measured on the way and set at the end, which rust_xlsxwriter allows since it
/// lays out the columns' widths when the workbook is saved. A row's height is set as it is
/// written, from the width its text wraps at: a column is never wider than its cap
/// ([`WRAP_UNITS`] or its set width), and a text wider than the cap wraps at exactly the cap.
pub struct Filler<'w> {
    ws: &'w mut Worksheet,
    /// The widest one-line text of each column so far, in units.
    widest: Vec<f64>,
    /// Each column's cap, and whether its width is set rather than measured.
    caps: Vec<(f64, bool)>,
    next_row: u32,
    /// Every format once per sheet, plain and bold: [text, wrap, money, points].
    plain: [Format; 4],
    bold: [Format; 4],
    title: String,
    signature_col: Option<usize>,
    key_columns: usize,
    footer: Vec<String>,
    /// Whether the last row written has a height of its own.
    last_tall: bool,
    note: Option<Note<'w>>,
}

impl<'w> Filler<'w> {
    /// Names the sheet and writes its header row, each header on one line or broken at a
    /// natural place ([`layout::header_lines`]).
    pub fn begin(ws: &'w mut Worksheet, t: &Table) -> Result<Filler<'w>, XlsxError> {
        Filler::begin_noting(ws, t, None)
    }

    /// [`Filler::begin`], saying each string written to `note` ([`add_noting`]).
    fn begin_noting(ws: &'w mut Worksheet, t: &Table, mut note: Option<Note<'w>>) -> Result<Filler<'w>, XlsxError> {
        ws.set_name(&t.name)?;
        let formats = formats();
        let caps = caps(t);
        let h = header(t, &caps);
        for (c, text) in h.texts.iter().enumerate() {
            if let Some(note) = note.as_mut() {
                note(text)?;
            }
            ws.write_string_with_format(0, c as u16, text, &formats.header)?;
        }
        ws.set_row_height(0, h.height)?;
        Ok(Filler {
            note,
            ws,
            widest: h.widest,
            caps,
            next_row: 1,
            plain: formats.plain,
            bold: formats.bold,
            title: t.title.clone(),
            signature_col: t.signature_col,
            key_columns: t.key_columns,
            footer: t.footer.clone(),
            last_tall: true,
        })
    }

    /// Writes the next row; cells past the header's columns are written and not measured.
    pub fn row(&mut self, row: &[Cell], bold: bool) -> Result<(), XlsxError> {
        let m = measure(row, &self.caps);
        self.row_measured(row, &m, bold)
    }

    /// Writes the next row, measured where it was made ([`measure`] with this sheet's
    /// [`caps`]).
    pub fn row_measured(&mut self, row: &[Cell], m: &Measure, bold: bool) -> Result<(), XlsxError> {
        let rr = self.next_row;
        let [text, wrap, money, points] = if bold { &self.bold } else { &self.plain };
        for (c, cell) in row.iter().enumerate() {
            let (cap, _) = self.caps.get(c).copied().unwrap_or((WRAP_UNITS, false));
            let cc = c as u16;
            let (units, wrapped) = m.cells.get(c).copied().unwrap_or((0.0, false));
            if let Some(w) = self.widest.get_mut(c).filter(|w| **w < cap) {
                *w = w.max(units);
            }
            if let (Cell::Text(s), Some(note)) = (cell, self.note.as_mut()) {
                if s.len() > MAX_CELL_CHARS {
                    note(&fitted(s))?;
                } else {
                    note(s)?;
                }
            }
            match cell {
                Cell::Text(s) if s.len() > MAX_CELL_CHARS => {
                    self.ws.write_string_with_format(rr, cc, fitted(s), wrap)?
                }
                Cell::Text(s) if wrapped => self.ws.write_string_with_format(rr, cc, s.as_ref(), wrap)?,
                Cell::Text(s) => self.ws.write_string_with_format(rr, cc, s.as_ref(), text)?,
                Cell::Points(d) => self.ws.write_with_format(rr, cc, d.normalize(), points)?,
                Cell::Money(d) => self.ws.write_with_format(rr, cc, crate::num::round_fen(*d), money)?,
                Cell::Int(i) => self.ws.write_with_format(rr, cc, Decimal::from(*i), points)?,
                Cell::Blank => self.ws.write_blank(rr, cc, text)?,
            };
        }
        let mut height = if m.lines > 1 {
            Some(layout::row_pt(m.lines))
        } else {
            None
        };
        // Tall rows for signing.
        if self.signature_col.is_some() {
            height = Some(height.unwrap_or(0.0).max(SIGNATURE_ROW_PT));
        }
        if let Some(h) = height {
            self.ws.set_row_height(rr, h)?;
        }
        self.last_tall = height.is_some();
        self.next_row += 1;
        Ok(())
    }

    /// The columns' widths: measured, bounded by the cap, or as set.
    fn widths(&self) -> Vec<f64> {
        widths(&self.widest, &self.caps)
    }

    /// Sets the widths, writes the footer, and sets the page: A4 (portrait when the table fits
    /// one at full size, else landscape), the header row
    /// repeated, the title above, at a scale computed from the widths ([`layout::page_plan`]).
    pub fn finish(mut self) -> Result<(), XlsxError> {
        let widths = self.widths();
        let last_col = widths.len().saturating_sub(1) as u16;
        if !self.footer.is_empty() {
            let total: f64 = widths.iter().sum();
            let f = Format::new()
                .set_font_name(FONT)
                .set_font_size(11)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter);
            // A blank row between the table and what is written below it.
            self.next_row += 1;
            for line in std::mem::take(&mut self.footer) {
                if let Some(note) = self.note.as_mut() {
                    note(&line)?;
                }
                let r = self.next_row;
                let lines = layout::lines(&line, total);
                self.ws.set_row_height(r, layout::row_pt(lines).max(SIGNATURE_ROW_PT))?;
                if last_col > 0 {
                    self.ws.merge_range(r, 0, r, last_col, &line, &f)?;
                } else {
                    self.ws.write_string_with_format(r, 0, &line, &f)?;
                }
                self.next_row += 1;
            }
            self.last_tall = true;
        }
        let last_row = self.next_row - 1;
        if self.last_tall {
            // rust_xlsxwriter 0.102 writes a streamed sheet's last row twice when it has a
            // height of its own (a damaged file to Excel); a blank cell below it, outside the
            // print area, makes that row not the last.
            self.ws
                .write_blank(self.next_row, 0, &Format::new().set_font_name(FONT))?;
        }
        page(self.ws, &widths, last_row, &self.title, self.key_columns)
    }
}

/// Each column's width: as measured (its widest one-line text), bounded by its cap, or as set.
fn widths(widest: &[f64], caps: &[(f64, bool)]) -> Vec<f64> {
    widest
        .iter()
        .zip(caps)
        .map(|(w, (cap, set))| {
            if *set {
                *cap
            } else {
                layout::fitting_width(*w).clamp(MIN_UNITS, *cap)
            }
        })
        .collect()
}

/// Sets the columns' widths, and the page: A4 (portrait when the table fits one at full size,
/// else landscape), the header row repeated, the title above, at a scale computed from the
/// widths ([`layout::page_plan`]), the rows to `last_row` printed.
fn page(ws: &mut Worksheet, widths: &[f64], last_row: u32, title: &str, key_columns: usize) -> Result<(), XlsxError> {
    let last_col = widths.len().saturating_sub(1) as u16;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_print_area(0, 0, last_row, last_col)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(9); // A4
    let plan = layout::page_plan(widths, key_columns);
    if plan != layout::PagePlan::Portrait {
        ws.set_landscape();
    }
    ws.set_margins(
        layout::MARGIN_SIDE_IN,
        layout::MARGIN_SIDE_IN,
        layout::MARGIN_TOP_IN,
        layout::MARGIN_TOP_IN,
        layout::MARGIN_HEADER_IN,
        layout::MARGIN_HEADER_IN,
    );
    ws.set_repeat_rows(0, 0)?;
    match plan {
        layout::PagePlan::Portrait => {}
        layout::PagePlan::OneWide { scale } => {
            ws.set_print_scale(scale);
        }
        layout::PagePlan::Across { repeat } => {
            if repeat > 0 {
                ws.set_repeat_columns(0, repeat - 1)?;
            }
            // A row's pages follow one another: over, then down.
            ws.set_page_order(false);
        }
    }
    ws.set_header(format!("&C&\"{FONT},Bold\"&14{}", title.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// A sheet whose cells are written elsewhere ([`super::rows`]), left empty for them: named,
/// its columns as wide as `widest` makes them, its page set as a filled sheet's, `rows` rows
/// in all (the header's among them).
pub fn shell(ws: &mut Worksheet, t: &Table, widest: &[f64], rows: u32) -> Result<(), XlsxError> {
    ws.set_name(&t.name)?;
    let widths = widths(widest, &caps(t));
    page(ws, &widths, rows.saturating_sub(1), &t.title, t.key_columns)
}

/// The formats a table's cells are written in: its header's, and its cells' — text, text that
/// wraps, money, points — plain and bold.
pub struct Formats {
    pub header: Format,
    pub plain: [Format; 4],
    pub bold: [Format; 4],
}

pub fn formats() -> Formats {
    let header = base()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap()
        .set_background_color("#D9E1F2");
    let plain = [
        base(),
        base().set_text_wrap(),
        base()
            .set_num_format("¥#,##0.00")
            .set_align(FormatAlign::Right)
            .set_indent(1),
        base().set_num_format("General"),
    ];
    let bold = plain.clone().map(|f| f.set_bold());
    Formats { header, plain, bold }
}

/// A table's header row as laid out: each header on one line or broken at a natural place
/// ([`layout::header_lines`]), each column's widest text so far, and the row's height.
pub struct Header {
    pub texts: Vec<String>,
    pub widest: Vec<f64>,
    pub height: f64,
}

pub fn header(t: &Table, caps: &[(f64, bool)]) -> Header {
    let mut widest = Vec::with_capacity(t.header.len());
    let mut lines = 1;
    let texts = t
        .header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let h = layout::header_lines(h);
            let cap = caps.get(c).map_or(WRAP_UNITS, |c| c.0);
            // Bold CJK is no wider; a header never wraps past its own break.
            widest.push(layout::widest_line(&h).min(cap));
            lines = lines.max(layout::lines(&h, cap));
            h
        })
        .collect();
    Header {
        texts,
        widest,
        height: layout::row_pt(lines).max(24.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The XML of the first worksheet of a saved workbook.
    fn sheet_xml(bytes: Vec<u8>) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut xml).unwrap();
        xml
    }

    #[test]
    fn a_long_text_wraps_in_a_row_as_tall_as_its_lines() {
        let mut wb = Workbook::new();
        let mut t = Table::new("表", "标题".into(), vec!["编号".into(), "否决原因".into()]);
        // 45 CJK characters (94.5 units) in a column capped at 40 (39 of room, 18 a line): 3 lines.
        t.rows.push(vec![Cell::text("01"), Cell::text("网".repeat(45))]);
        t.rows.push(vec![Cell::text("02"), Cell::text("短")]);
        add(&mut wb, &t).unwrap();
        let xml = sheet_xml(wb.save_to_buffer().unwrap());
        // 3 × 16 + 4 = 52 pt; rust_xlsxwriter stores pixels (69), shown as 51.75.
        assert!(
            xml.contains(r#"<row r="2" spans="1:2" ht="51.75" customHeight="1">"#),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<row r="3" spans="1:2">"#),
            "a one-line row keeps the default height: {xml}"
        );
        assert!(xml.contains(r#"<col min="2" max="2" width="40.7109375""#), "{xml}");
    }

    #[test]
    fn a_streamed_sheet_whose_last_row_is_tall_is_written_once() {
        let mut wb = Workbook::new();
        let mut ws = streamed(&mut wb, true).unwrap();
        let mut t = Table::new("表", "标题".into(), vec!["编号".into(), "否决原因".into()]);
        t.rows.push(vec![Cell::text("01"), Cell::text("网".repeat(45))]);
        fill(&mut ws, &t).unwrap();
        wb.push_worksheet(ws);
        let xml = sheet_xml(wb.save_to_buffer().unwrap());
        assert_eq!(xml.matches(r#"<row r="2""#).count(), 1, "{xml}");
        // The blank cell below, outside the print area, is what keeps it once.
        assert!(xml.contains(r#"<row r="3">"#), "{xml}");
    }

    #[test]
    fn a_text_longer_than_a_cell_is_cut_to_fit_and_says_so() {
        let long = "行".repeat(40_000);
        let f = fitted(&long);
        assert_eq!(f.chars().count(), MAX_CELL_CHARS);
        assert!(f.ends_with("…(共 40000 字, 超出单元格上限, 其余从略)"), "{f:.20}");
        assert_eq!(fitted("短"), "短");
    }
}
