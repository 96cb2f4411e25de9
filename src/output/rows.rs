//! A large sheet's rows (the 明细's: a province's six hundred thousand) written as XML here,
//! not through rust_xlsxwriter's cells.
//!
//! Why: rust_xlsxwriter hashes each cell's whole `Format` and its string with SipHash as it
//! stores it, on the one thread that fills the sheet — a third of that thread on a province,
//! with the other core half idle — and deflates the sheet's XML (236 MB) only once the whole
//! workbook is laid out. Here each row is written as the very XML rust_xlsxwriter's low-memory
//! mode writes for it (`<row r="2" ht="68.25" customHeight="1">`, `<c r="A2" s="2" t="s">
//! <v>9</v></c>`), its strings numbered in a table of its own with a fast hash, and the XML is
//! deflated as it is made, on the other core ([`pack::Stream`]). rust_xlsxwriter saves the
//! sheet empty (its name, columns, page) and the packer puts these rows in it ([`pack::Splice`]).
//!
//! The numbers in the rows must be the workbook's. rust_xlsxwriter numbers strings from 0 in
//! the order they are first written and formats from 1 in the order they are first used, so
//! the rows number theirs the same way, as the first sheets filled. The shared-string table
//! is made here too ([`Strings`]): each string's `<si>` element is written, and deflated on
//! other cores, as it is first numbered, while the rows are written — a province's table is
//! half a million strings, which rust_xlsxwriter took in, hashed, sorted, wrote and deflated
//! on one core with the other idle, a second of the run's end. The sheets rust_xlsxwriter
//! still fills (the small ones after) note their strings here as they are filled
//! ([`Strings::note`]), in the order it numbers them; [`Strings::install`] then gives it just
//! those, at their numbers, and registers the rows' formats in their order, and the packer
//! puts this table in place of its own ([`pack::SharedStrings`]). The workbook is the one it
//! was when rust_xlsxwriter filled the 明细 itself (every part's content the same, but for the
//! blank cell that worked around a bug of its streamed sheets, needed no more, and a text that
//! looks like rich text's XML, which rust_xlsxwriter writes into its table unescaped).
use super::pack;
use super::sheet::{self, Cell, Measure, Table};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use rustc_hash::FxHashMap;
use std::io::Write;

/// The formats a row's cell may take: the header's, then [`sheet::Formats`]' plain and bold.
const STYLES: usize = 9;
const HEADER: usize = 0;

/// The last row a sheet has (Excel's 1,048,576th, from 0).
const LAST_ROW: u32 = 1_048_575;

/// The longest text a cell holds, in UTF-16 units (rust_xlsxwriter refuses a longer one).
const MAX_STRING_UNITS: usize = 32_767;

/// A row height rust_xlsxwriter does not write: its default, 20 pixels.
const DEFAULT_ROW_PX: u32 = 20;

/// The strings and formats of the sheets written, numbered as the workbook will number them,
/// and the workbook's shared-string table, made as the strings are numbered.
pub struct Strings {
    numbers: FxHashMap<Box<str>, u32>,
    /// String cells written (rust_xlsxwriter's `count`; `numbers` holds the `uniqueCount`).
    cells: u64,
    /// Each style's format number, 0 until it is first used; and the styles in that order.
    xf: [u32; STYLES],
    used: Vec<usize>,
    threads: usize,
    /// The table's `<si>` elements in number order, deflated as they are written.
    table: pack::Stream,
    si: Vec<u8>,
    /// The strings of sheets rust_xlsxwriter fills, each once, with their numbers.
    noted: Vec<(u32, Box<str>)>,
    noted_numbers: rustc_hash::FxHashSet<u32>,
}

/// A sheet's rows, written: deflated, how many (the header's among them), each column's
/// widest text, for [`sheet::shell`].
pub struct Written {
    pub rows: u32,
    pub widest: Vec<f64>,
    pub columns: usize,
    pub deflated: pack::Deflated,
}

impl Written {
    /// The range the rows cover: `A1:I600106`.
    pub fn dimension(&self) -> String {
        let mut out = Vec::new();
        column_name(self.columns.saturating_sub(1), &mut out);
        format!("A1:{}{}", String::from_utf8_lossy(&out), self.rows.max(1))
    }
}

impl Strings {
    /// Deflating on `threads` threads.
    pub fn new(threads: usize) -> Strings {
        Strings {
            numbers: FxHashMap::default(),
            cells: 0,
            xf: [0; STYLES],
            used: Vec::new(),
            threads,
            table: pack::Stream::new(threads),
            si: Vec::with_capacity(256),
            noted: Vec::new(),
            noted_numbers: Default::default(),
        }
    }

    fn xf(&mut self, style: usize) -> u32 {
        if self.xf[style] == 0 {
            self.used.push(style);
            self.xf[style] = self.used.len() as u32;
        }
        self.xf[style]
    }

    /// The number of a string cell written here.
    fn number(&mut self, s: &str) -> Result<u32, XlsxError> {
        self.cells += 1;
        self.numbered(s)
    }

    /// The string's number; a string new to the table is given the next and written into it.
    fn numbered(&mut self, s: &str) -> Result<u32, XlsxError> {
        if let Some(&n) = self.numbers.get(s) {
            return Ok(n);
        }
        let n = self.numbers.len() as u32;
        self.numbers.insert(s.into(), n);
        // As rust_xlsxwriter writes a table string, but for a text that looks like rich
        // text's XML (`<r>…</r>`), which it writes unescaped: here it is the text it is.
        let si = &mut self.si;
        si.clear();
        let ws = ['\t', '\n', ' '];
        if s.starts_with(ws) || s.ends_with(ws) {
            si.extend_from_slice(b"<si><t xml:space=\"preserve\">");
        } else {
            si.extend_from_slice(b"<si><t>");
        }
        escape(s, si);
        si.extend_from_slice(b"</t></si>");
        self.table.write(&self.si).map_err(io)?;
        Ok(n)
    }

    /// A string cell rust_xlsxwriter writes into a sheet it fills ([`sheet::add_noting`]):
    /// numbered here, in the order it numbers them (sheet by sheet, row by row, left to
    /// right), for [`Strings::install`] to give it. Its `count` counts the cell, not ours.
    pub fn note(&mut self, s: &str) -> Result<(), XlsxError> {
        // An empty text is a blank cell to rust_xlsxwriter, not a string.
        if s.is_empty() {
            return Ok(());
        }
        let n = self.numbered(s)?;
        if self.noted_numbers.insert(n) {
            self.noted.push((n, s.into()));
        }
        Ok(())
    }

    /// Gives `wb` the strings of the sheets it filled at their numbers, and the formats of
    /// the rows written here in their order; returns the shared-string table, for the packer
    /// to put in place of `wb`'s. `wb` must not have a format registered, nor a sheet in
    /// its low-memory mode (which numbers formats as it is filled): the numbers would be
    /// others.
    pub fn install(self, wb: &mut Workbook) -> Result<pack::SharedStrings, XlsxError> {
        let f = sheet::formats();
        let all: [&Format; STYLES] = [
            &f.header,
            &f.plain[0],
            &f.plain[1],
            &f.plain[2],
            &f.plain[3],
            &f.bold[0],
            &f.bold[1],
            &f.bold[2],
            &f.bold[3],
        ];
        for &style in &self.used {
            wb.register_format(all[style]);
        }
        for (n, s) in &self.noted {
            wb.populate_string_table(s, *n);
        }
        Ok(pack::SharedStrings {
            body: self.table.finish().map_err(io)?,
            unique: self.numbers.len() as u64,
            cells: self.cells,
            given: self.noted.len() as u64,
        })
    }
}

/// Writes one sheet's rows from the top: its header, then each row as it comes.
pub struct Rows<'s> {
    strings: &'s mut Strings,
    stream: pack::Stream,
    caps: Vec<(f64, bool)>,
    widest: Vec<f64>,
    columns: usize,
    /// Rows to sign on are tall.
    signed: bool,
    next_row: u32,
    xml: Vec<u8>,
}

fn io(e: std::io::Error) -> XlsxError {
    XlsxError::IoError(e)
}

impl<'s> Rows<'s> {
    /// Begins a sheet of `t`'s columns with its header row (as [`sheet::Filler::begin`]).
    /// A table with lines below it (a footer of merged cells) is not written here.
    pub fn begin(strings: &'s mut Strings, t: &Table) -> Result<Rows<'s>, XlsxError> {
        if !t.footer.is_empty() {
            return Err(XlsxError::ParameterError(format!(
                "{}: a footer is not written as rows",
                t.name
            )));
        }
        let caps = sheet::caps(t);
        let h = sheet::header(t, &caps);
        let threads = strings.threads;
        let mut rows = Rows {
            strings,
            stream: pack::Stream::new(threads),
            caps,
            widest: h.widest,
            columns: t.header.len(),
            signed: t.signature_col.is_some(),
            next_row: 0,
            xml: Vec::with_capacity(4096),
        };
        let header: Vec<Cell> = h.texts.into_iter().map(Cell::text).collect();
        rows.write(&header, None, Some(h.height), |_, _| HEADER)?;
        Ok(rows)
    }

    /// Writes the next row, measured where it was made ([`sheet::measure`] with this sheet's
    /// [`sheet::caps`]), as [`sheet::Filler::row_measured`] does.
    pub fn row_measured(&mut self, row: &[Cell], m: &Measure, bold: bool) -> Result<(), XlsxError> {
        let first = if bold { 5 } else { 1 };
        for c in 0..row.len() {
            let cap = self.caps.get(c).map_or(sheet::WRAP_UNITS, |c| c.0);
            let (units, _) = m.cells.get(c).copied().unwrap_or((0.0, false));
            if let Some(w) = self.widest.get_mut(c).filter(|w| **w < cap) {
                *w = w.max(units);
            }
        }
        let mut height = (m.lines > 1).then(|| super::layout::row_pt(m.lines));
        if self.signed {
            height = Some(height.unwrap_or(0.0).max(sheet::SIGNATURE_ROW_PT));
        }
        // [text, wrap, money, points], as the filler's formats.
        self.write(row, Some(m), height, |cell, wrapped| {
            first
                + match cell {
                    Cell::Text(s) if s.len() > sheet::MAX_CELL_CHARS || wrapped => 1,
                    Cell::Text(_) | Cell::Blank => 0,
                    Cell::Money(_) => 2,
                    Cell::Points(_) | Cell::Int(_) => 3,
                }
        })
    }

    fn write(
        &mut self,
        row: &[Cell],
        m: Option<&Measure>,
        height_pt: Option<f64>,
        style: impl Fn(&Cell, bool) -> usize,
    ) -> Result<(), XlsxError> {
        if self.next_row > LAST_ROW {
            return Err(XlsxError::RowColumnLimitError);
        }
        let r = self.next_row + 1;
        let x = &mut self.xml;
        x.clear();
        x.extend_from_slice(b"<row r=\"");
        x.extend_from_slice(itoa::Buffer::new().format(r).as_bytes());
        // rust_xlsxwriter keeps a height in pixels and writes it back in points.
        let px = height_pt.map_or(DEFAULT_ROW_PX, |h| (h * 4.0 / 3.0).round() as u32);
        if px != DEFAULT_ROW_PX {
            write!(x, "\" ht=\"{}\" customHeight=\"1", f64::from(px) * 0.75).map_err(io)?;
        }
        x.extend_from_slice(b"\">");
        for (c, cell) in row.iter().enumerate() {
            let wrapped = m.and_then(|m| m.cells.get(c)).is_some_and(|(_, w)| *w);
            let xf = self.strings.xf(style(cell, wrapped));
            let x = &mut self.xml;
            x.extend_from_slice(b"<c r=\"");
            column_name(c, x);
            x.extend_from_slice(itoa::Buffer::new().format(r).as_bytes());
            x.extend_from_slice(b"\" s=\"");
            x.extend_from_slice(itoa::Buffer::new().format(xf).as_bytes());
            x.push(b'"');
            match cell {
                Cell::Text(s) => {
                    let fitted;
                    let s: &str = if s.len() > sheet::MAX_CELL_CHARS {
                        fitted = sheet::fitted(s);
                        &fitted
                    } else {
                        s
                    };
                    // A text has at most as many UTF-16 units as bytes: only a long one is counted.
                    if s.len() > MAX_STRING_UNITS && s.encode_utf16().count() > MAX_STRING_UNITS {
                        return Err(XlsxError::MaxStringLengthExceeded);
                    }
                    // An empty text is a blank cell in its format, as rust_xlsxwriter writes it.
                    if s.is_empty() {
                        self.xml.extend_from_slice(b"/>");
                    } else if s.starts_with("<r>") && s.ends_with("</r>") {
                        // rust_xlsxwriter writes a table string that looks like rich text's
                        // XML as that XML, unescaped: such a text goes in its cell instead.
                        inline(s, &mut self.xml);
                    } else {
                        let n = self.strings.number(s)?;
                        let x = &mut self.xml;
                        x.extend_from_slice(b" t=\"s\"><v>");
                        x.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
                        x.extend_from_slice(b"</v></c>");
                    }
                }
                Cell::Points(d) => number(d.normalize(), x)?,
                Cell::Money(d) => number(crate::num::round_fen(*d), x)?,
                Cell::Int(i) => number(Decimal::from(*i), x)?,
                Cell::Blank => x.extend_from_slice(b"/>"),
            }
        }
        self.xml.extend_from_slice(b"</row>");
        self.stream.write(&self.xml).map_err(io)?;
        self.next_row += 1;
        Ok(())
    }

    /// The sheet's rows, deflated.
    pub fn finish(self) -> Result<Written, XlsxError> {
        Ok(Written {
            rows: self.next_row,
            widest: self.widest,
            columns: self.columns,
            deflated: self.stream.finish().map_err(io)?,
        })
    }
}

/// Writes a whole table, its rows measured by [`sheet::measure_rows`].
pub fn table(strings: &mut Strings, t: &Table, measured: &[Measure]) -> Result<Written, XlsxError> {
    sheet::measured_all(t, measured)?;
    let mut rows = Rows::begin(strings, t)?;
    for (k, (row, m)) in t.rows.iter().zip(measured).enumerate() {
        rows.row_measured(row, m, t.bold_rows.contains(&k))?;
    }
    rows.finish()
}

/// A number cell's value, as rust_xlsxwriter writes a `Decimal`: as the nearest `f64`.
fn number(d: Decimal, x: &mut Vec<u8>) -> Result<(), XlsxError> {
    let f = d
        .to_f64()
        .filter(|f| f.is_finite())
        .ok_or_else(|| XlsxError::ParameterError(format!("Cannot represent Decimal {d:?} as an Excel f64 value.")))?;
    write!(x, "><v>{f}</v></c>").map_err(io)
}

/// A text written in its cell, escaped as rust_xlsxwriter escapes one.
fn inline(s: &str, x: &mut Vec<u8>) {
    let ws = ['\t', '\n', ' '];
    let preserve = s.starts_with(ws) || s.ends_with(ws);
    x.extend_from_slice(b" t=\"inlineStr\"><is><t");
    if preserve {
        x.extend_from_slice(b" xml:space=\"preserve\"");
    }
    x.push(b'>');
    escape(s, x);
    x.extend_from_slice(b"</t></is></c>");
}

/// XML's escapes, and Excel's `_xHHHH_` for control characters (and for a text that would read
/// as one, its underscore escaped: `_x005F_x0041_`).
fn escape(s: &str, x: &mut Vec<u8>) {
    let b = s.as_bytes();
    for (i, ch) in s.char_indices() {
        match ch {
            '&' => x.extend_from_slice(b"&amp;"),
            '<' => x.extend_from_slice(b"&lt;"),
            '>' => x.extend_from_slice(b"&gt;"),
            '\t' | '\n' => x.push(ch as u8),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(x, "_x{:04X}_", ch as u32);
            }
            '_' if b.len() >= i + 7
                && b[i + 1] == b'x'
                && b[i + 6] == b'_'
                && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit) =>
            {
                x.extend_from_slice(b"_x005F_");
            }
            _ => {
                let mut buf = [0u8; 4];
                x.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// A column's letters: A … Z, AA … .
fn column_name(c: usize, x: &mut Vec<u8>) {
    let mut n = c + 1;
    let mut letters = [0u8; 4];
    let mut k = letters.len();
    while n > 0 && k > 0 {
        k -= 1;
        letters[k] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    x.extend_from_slice(&letters[k..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(c: usize) -> String {
        let mut x = Vec::new();
        column_name(c, &mut x);
        String::from_utf8(x).unwrap()
    }

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(name(0), "A");
        assert_eq!(name(8), "I");
        assert_eq!(name(25), "Z");
        // 26 + 1: AA; 26 × 27 = 702: the first of three letters.
        assert_eq!(name(26), "AA");
        assert_eq!(name(701), "ZZ");
        assert_eq!(name(702), "AAA");
    }

    #[test]
    fn a_text_in_its_cell_is_escaped_as_rust_xlsxwriter_escapes_it() {
        let mut x = Vec::new();
        escape("a&b<c>d\u{1}e_x0041_f_x12_\t\n", &mut x);
        assert_eq!(
            String::from_utf8(x).unwrap(),
            "a&amp;b&lt;c&gt;d_x0001_e_x005F_x0041_f_x12_\t\n"
        );
    }

    /// Every part of a saved workbook: its name and content.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut f, &mut data).unwrap();
                (f.name().unwrap().to_string(), data)
            })
            .collect()
    }

    /// A table of every kind of cell: texts short, long (wrapping, in a tall row), on two
    /// lines, empty, to be escaped; money, points, counts, blanks; its last row one line tall.
    fn sample(k0: i64) -> Table<'static> {
        let mut t = Table::new(
            "明细",
            "标题".into(),
            ["编号", "姓名", "规则", "分值", "金额", "次数"]
                .map(String::from)
                .to_vec(),
        );
        for k in k0..k0 + 40 {
            t.rows.push(vec![
                Cell::text(format!("{k:04}")),
                Cell::text(if k % 3 == 0 { "陈建国" } else { " 王芳" }),
                Cell::text(match k % 4 {
                    0 => "网".repeat(45),
                    1 => "a & b < c > d _x0041_ \u{1}".to_string(),
                    2 => String::new(),
                    _ => "第二行\n换行".to_string(),
                }),
                Cell::Points(Decimal::new(-5 * k, 1)),
                Cell::Money(Decimal::new(123_456_789 + k, 5)),
                if k % 4 == 0 { Cell::Blank } else { Cell::Int(k) },
            ]);
        }
        t.rows.push(vec![Cell::text("9999"), Cell::text("短")]);
        t
    }

    /// A sheet filled after, sharing a string with the table and adding one.
    fn after() -> Table<'static> {
        let mut t = Table::new("排名", "标题".into(), vec!["姓名".into(), "编号".into()]);
        t.rows.push(vec![Cell::text("陈建国"), Cell::text("新的")]);
        t
    }

    /// The tables as rust_xlsxwriter writes them in streamed sheets, then [`after`].
    /// A workbook created on a fixed day, as a run's are: rust_xlsxwriter otherwise dates it
    /// now, and two made in different seconds differ (this test failed so, now and then).
    fn dated() -> Workbook {
        let mut wb = Workbook::new();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 7, 1).unwrap();
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&day));
        wb
    }

    fn by_rust_xlsxwriter(tables: &[Table]) -> Vec<u8> {
        let mut wb = dated();
        for t in tables {
            let mut ws = sheet::streamed(&mut wb, true).unwrap();
            sheet::fill(&mut ws, t).unwrap();
            wb.push_worksheet(ws);
        }
        sheet::add(&mut wb, &after()).unwrap();
        wb.save_to_buffer().unwrap()
    }

    /// The same written here and spliced into sheets rust_xlsxwriter saves empty.
    fn by_rows(tables: &[Table], threads: usize) -> Vec<u8> {
        let mut strings = Strings::new(threads);
        let mut written = Vec::new();
        for t in tables {
            written.push(table(&mut strings, t, &sheet::measure_rows(t)).unwrap());
        }
        let mut wb = dated();
        let mut packer = pack::Packer::with_threads(threads);
        for (t, w) in tables.iter().zip(written) {
            let mut shell = rust_xlsxwriter::Worksheet::new();
            sheet::shell(&mut shell, t, &w.widest, w.rows).unwrap();
            wb.push_worksheet(shell);
            packer.splice(pack::Splice {
                part: format!("xl/worksheets/sheet{}.xml", wb.worksheets().len()),
                dimension: w.dimension(),
                rows: w.deflated,
            });
        }
        sheet::add_noting(&mut wb, &after(), &mut |s| strings.note(s)).unwrap();
        packer.shared_strings(strings.install(&mut wb).unwrap());
        wb.save_to_writer(&mut packer).unwrap();
        packer.finish().unwrap()
    }

    #[test]
    fn rows_written_here_make_the_workbook_rust_xlsxwriter_makes_of_them() {
        // Two sheets (明细, 明细2 …) sharing one string table, then a sheet of rust_xlsxwriter's.
        let mut second = sample(40);
        second.name = "明细2".into();
        let tables = [sample(0), second];
        let ours = by_rows(&tables, 2);
        assert_eq!(ours, by_rows(&tables, 1), "the same bytes whatever the cores");
        let (theirs, ours) = (parts(&by_rust_xlsxwriter(&tables)), parts(&ours));
        let names = |p: &[(String, Vec<u8>)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&theirs), names(&ours));
        for ((name, a), (_, b)) in theirs.iter().zip(&ours) {
            // Every part alike: the same strings at the same numbers (and the count of them),
            // the same formats in the same order, the same rows, heights and widths.
            assert!(
                a == b,
                "{name}:\n{}\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
        let sheet = String::from_utf8_lossy(&ours[ours.iter().position(|(n, _)| n.ends_with("sheet1.xml")).unwrap()].1)
            .into_owned();
        // 41 rows below the header; the wrapping text's row is tall.
        assert!(sheet.contains(r#"<dimension ref="A1:F42"/>"#), "{sheet}");
        assert!(sheet.contains(r#" ht="51.75" customHeight="1">"#), "{sheet}");
    }

    #[test]
    fn rows_to_sign_on_are_tall_and_rows_in_bold_have_formats_of_their_own() {
        let mut t = sample(0);
        t.bold_rows = vec![0];
        t.signature_col = Some(1);
        t.rows.truncate(2);
        let bytes = by_rows(&[t], 1);
        let xml = String::from_utf8(
            parts(&bytes)
                .into_iter()
                .find(|(n, _)| n.ends_with("sheet1.xml"))
                .unwrap()
                .1,
        )
        .unwrap();
        // Row 2 wraps on 3 lines: 52 pt (69 px, 51.75); row 3 is one line, raised to 28 pt
        // (37 px, 27.75) to sign on.
        assert!(xml.contains(r#"<row r="2" ht="51.75" customHeight="1">"#), "{xml}");
        assert!(xml.contains(r#"<row r="3" ht="27.75" customHeight="1">"#), "{xml}");
        // Formats by first use: the header 1, then row 2's bold text 2 …, row 3's plain text after.
        assert!(xml.contains(r#"<c r="A2" s="2" t="s">"#), "{xml}");
        assert!(!xml.contains(r#"<c r="A3" s="2" "#), "{xml}");
    }

    #[test]
    fn a_text_that_looks_like_rich_text_is_written_in_its_cell_and_reads_back_as_it_was() {
        let mut t = Table::new("明细", "标题".into(), vec!["规则".into()]);
        t.rows.push(vec![Cell::text("<r>看似富文本 & </r>")]);
        let bytes = by_rows(&[t], 1);
        let xml = String::from_utf8(
            parts(&bytes)
                .into_iter()
                .find(|(n, _)| n.ends_with("sheet1.xml"))
                .unwrap()
                .1,
        )
        .unwrap();
        assert!(
            xml.contains(r#"<c r="A2" s="2" t="inlineStr"><is><t>&lt;r&gt;看似富文本 &amp; &lt;/r&gt;</t></is></c>"#),
            "{xml}"
        );
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("明细").unwrap();
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "<r>看似富文本 & </r>");
    }

    #[test]
    fn a_text_like_rich_text_in_a_sheet_rust_xlsxwriter_fills_is_in_the_table_as_it_is() {
        // rust_xlsxwriter would write it into its table unescaped (its XML, not the text);
        // the table made here holds the text, escaped.
        let mut after = Table::new("说明", "标题".into(), vec!["内容".into()]);
        after.rows.push(vec![Cell::text("<r>看似富文本 & </r>")]);
        let mut strings = Strings::new(1);
        let t = sample(0);
        let w = table(&mut strings, &t, &sheet::measure_rows(&t)).unwrap();
        let mut wb = Workbook::new();
        let mut packer = pack::Packer::with_threads(1);
        let mut shell = rust_xlsxwriter::Worksheet::new();
        sheet::shell(&mut shell, &t, &w.widest, w.rows).unwrap();
        wb.push_worksheet(shell);
        packer.splice(pack::Splice {
            part: "xl/worksheets/sheet1.xml".into(),
            dimension: w.dimension(),
            rows: w.deflated,
        });
        sheet::add_noting(&mut wb, &after, &mut |s| strings.note(s)).unwrap();
        packer.shared_strings(strings.install(&mut wb).unwrap());
        wb.save_to_writer(&mut packer).unwrap();
        let bytes = packer.finish().unwrap();
        let sst = parts(&bytes)
            .into_iter()
            .find(|(n, _)| n == "xl/sharedStrings.xml")
            .unwrap()
            .1;
        let sst = String::from_utf8(sst).unwrap();
        assert!(
            sst.contains("<si><t>&lt;r&gt;看似富文本 &amp; &lt;/r&gt;</t></si>"),
            "{sst}"
        );
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("说明").unwrap();
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "<r>看似富文本 & </r>");
        // The 明细's strings are still where its cells say: row 2's 编号 is 0000.
        let range = wb.worksheet_range("明细").unwrap();
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "0000");
    }
}
