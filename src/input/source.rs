//! Row sources: a sheet's rows one at a time, never the whole sheet in memory.
//!
//! `.xlsx` streams through calamine's cell reader, CSV through the csv crate; other formats
//! (`.xls`, `.xlsb`, `.ods`) have no streaming reader in calamine and come from a materialised
//! range. Every source yields non-blank rows as (zero-based absolute row, cells from column A).
use calamine::{Data, DataRef, Dimensions, Range};
use std::io::{Read, Seek};

pub trait RowSource {
    /// The next non-blank row, or `None` at the end; `Err` with what went wrong.
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String>;

    /// About how many rows are left, when the source can tell cheaply: the records of a large
    /// sheet are then held in one allocation instead of one copied at each doubling.
    fn rows_left(&self) -> Option<usize> {
        None
    }
}

fn blank(cells: &[Data]) -> bool {
    super::table::is_blank(cells)
}

/// Whether a CSV field is blank (`str::trim` leaves nothing), said at its first byte for
/// nearly every field: an ASCII character that is not white space (`char::is_whitespace`'s
/// ASCII ones are tab, line feed, vertical tab, form feed, carriage return and space) ends the
/// question, where trimming decoded characters from both ends of each of a province's eighty
/// million fields.
fn blank_text(f: &str) -> bool {
    match f.as_bytes().first() {
        None => true,
        Some(&b) if b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ') => false,
        Some(_) => f.trim().is_empty(),
    }
}

/// A materialised range (formats without a streaming reader).
pub struct RangeRows {
    range: Range<Data>,
    next: usize,
    buf: Vec<Data>,
}

impl RangeRows {
    pub fn new(range: Range<Data>) -> RangeRows {
        RangeRows {
            range,
            next: 0,
            buf: Vec::new(),
        }
    }
}

impl RowSource for RangeRows {
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String> {
        let (r0, c0) = self.range.start().unwrap_or((0, 0));
        let height = self.range.height();
        while self.next < height {
            let i = self.next;
            self.next += 1;
            self.buf.clear();
            self.buf.resize(c0 as usize, Data::Empty);
            let width = self.range.width();
            for j in 0..width {
                self.buf.push(self.range.get((i, j)).cloned().unwrap_or(Data::Empty));
            }
            if !blank(&self.buf) {
                return Ok(Some((r0 + i as u32, &self.buf)));
            }
        }
        Ok(None)
    }
}

fn owned(d: &DataRef) -> Data {
    match d {
        DataRef::Int(i) => Data::Int(*i),
        DataRef::Float(f) => Data::Float(*f),
        DataRef::String(s) => Data::String(s.clone()),
        DataRef::SharedString(s) => Data::String((*s).to_string()),
        DataRef::Bool(b) => Data::Bool(*b),
        DataRef::DateTime(x) => Data::DateTime(*x),
        DataRef::DateTimeIso(s) => Data::DateTimeIso(s.clone()),
        DataRef::DurationIso(s) => Data::DurationIso(s.clone()),
        DataRef::Error(e) => Data::Error(e.clone()),
        DataRef::Empty => Data::Empty,
    }
}

/// Merged regions, filled as rows stream by: the top-left value is captured when its row
/// passes and written into every cell the region covers (a header merged over two rows, a
/// village merged down a block of rows).
pub(super) struct Merges {
    regions: Vec<(Dimensions, Option<Data>)>,
}

impl Merges {
    /// `None` when there are no merged regions to fill.
    pub(super) fn new(merges: Option<Vec<Dimensions>>) -> Option<Merges> {
        merges.filter(|m| !m.is_empty()).map(|m| Merges {
            regions: m.into_iter().map(|d| (d, None)).collect(),
        })
    }

    pub(super) fn apply(&mut self, row: u32, buf: &mut Vec<Data>) {
        for (m, value) in &mut self.regions {
            if row < m.start.0 || row > m.end.0 {
                continue;
            }
            if row == m.start.0 {
                *value = buf
                    .get(m.start.1 as usize)
                    .cloned()
                    .filter(|v| !matches!(v, Data::Empty));
            }
            let Some(v) = value else { continue };
            if buf.len() <= m.end.1 as usize {
                buf.resize(m.end.1 as usize + 1, Data::Empty);
            }
            for c in m.start.1..=m.end.1 {
                if (row, c) != m.start {
                    buf[c as usize] = v.clone();
                }
            }
        }
    }
}

/// An `.xlsx` sheet, cell by cell.
pub struct XlsxRows<'a, RS: Read + Seek> {
    reader: calamine::XlsxCellReader<'a, RS>,
    pending: Option<(u32, u32, Data)>,
    buf: Vec<Data>,
    merges: Option<Merges>,
    done: bool,
}

impl<'a, RS: Read + Seek> XlsxRows<'a, RS> {
    /// `merges`: the sheet's merged regions, when they were looked up.
    pub fn new(reader: calamine::XlsxCellReader<'a, RS>, merges: Option<Vec<Dimensions>>) -> XlsxRows<'a, RS> {
        XlsxRows {
            reader,
            pending: None,
            buf: Vec::new(),
            merges: Merges::new(merges),
            done: false,
        }
    }
}

impl<RS: Read + Seek> RowSource for XlsxRows<'_, RS> {
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String> {
        loop {
            if self.done && self.pending.is_none() {
                return Ok(None);
            }
            self.buf.clear();
            let row = match self.pending.take() {
                Some((r, c, v)) => {
                    self.buf.resize(c as usize, Data::Empty);
                    self.buf.push(v);
                    r
                }
                None => match self.reader.next_cell().map_err(|e| e.to_string())? {
                    None => {
                        self.done = true;
                        return Ok(None);
                    }
                    Some(cell) => {
                        let (r, c) = cell.get_position();
                        self.buf.resize(c as usize, Data::Empty);
                        self.buf.push(owned(cell.get_value()));
                        r
                    }
                },
            };
            // The rest of this row's cells.
            loop {
                match self.reader.next_cell().map_err(|e| e.to_string())? {
                    None => {
                        self.done = true;
                        break;
                    }
                    Some(cell) => {
                        let (r, c) = cell.get_position();
                        if r != row {
                            self.pending = Some((r, c, owned(cell.get_value())));
                            break;
                        }
                        if (c as usize) < self.buf.len() {
                            // A cell out of order (hand-edited XML): keep the last value.
                            self.buf[c as usize] = owned(cell.get_value());
                        } else {
                            self.buf.resize(c as usize, Data::Empty);
                            self.buf.push(owned(cell.get_value()));
                        }
                    }
                }
            }
            if let Some(m) = &mut self.merges {
                m.apply(row, &mut self.buf);
            }
            if !blank(&self.buf) {
                return Ok(Some((row, &self.buf)));
            }
        }
    }
}

/// A CSV file (UTF-8, with or without a byte-order mark), record by record.
pub struct CsvRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    buf: Vec<Data>,
    body: &'a [u8],
    /// How far `breaks_before` has counted.
    scanned: usize,
    /// Line breaks before the last record.
    breaks_before: u64,
    /// Line breaks inside the cells of the records read so far.
    breaks_inside: u64,
    /// Line breaks before `body` in its file, when `body` is a piece of it.
    base: u64,
}

impl<'a> CsvRows<'a> {
    pub fn new(body: &'a [u8]) -> CsvRows<'a> {
        CsvRows::at(body, 0)
    }

    /// The rows of `body`, a piece of a file that begins just after a line break, with
    /// `breaks_before` line breaks (none inside a quoted cell) before it in the file: its
    /// rows are numbered as the file's.
    pub fn at(body: &'a [u8], breaks_before: u64) -> CsvRows<'a> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        CsvRows {
            reader,
            record: csv::StringRecord::new(),
            buf: Vec::new(),
            body,
            scanned: 0,
            breaks_before: 0,
            breaks_inside: 0,
            base: breaks_before,
        }
    }
}

impl RowSource for CsvRows<'_> {
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String> {
        loop {
            if !self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| msg!("in-csv-malformed", error = e))?
            {
                return Ok(None);
            }
            // The row as Excel shows the file: the line breaks before the record's first
            // byte, less those inside earlier quoted cells (Excel keeps such a cell in one
            // row). The csv crate skips blank lines, which Excel shows as blank rows; its own
            // line count lags a CRLF, so the breaks are counted here, each byte once.
            let from = self.record.position().map_or(self.scanned, |p| p.byte() as usize);
            let rest = self.body.get(from..).unwrap_or_default();
            let start = from + rest.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            let seen = self.body.get(self.scanned..start).unwrap_or_default();
            self.breaks_before += seen.iter().filter(|&&b| b == b'\n').count() as u64;
            self.scanned = self.scanned.max(start);
            let r =
                u32::try_from((self.base + self.breaks_before).saturating_sub(self.breaks_inside)).unwrap_or(u32::MAX);
            self.breaks_inside += memchr::memchr_iter(b'\n', self.record.as_slice().as_bytes()).count() as u64;
            // Each cell's text goes into the string the same column held on the row before:
            // a province's ten million rows would otherwise allocate (and free) a string per
            // cell. A blank field stays an empty string, which every cell reader takes as blank.
            let n = self.record.len();
            self.buf.truncate(n);
            for (i, f) in self.record.iter().enumerate() {
                let f = if blank_text(f) { "" } else { f };
                match self.buf.get_mut(i) {
                    Some(Data::String(s)) => {
                        s.clear();
                        s.push_str(f);
                    }
                    Some(other) => *other = Data::String(f.to_string()),
                    None => self.buf.push(Data::String(f.to_string())),
                }
            }
            if !blank(&self.buf) {
                return Ok(Some((r, &self.buf)));
            }
        }
    }

    fn rows_left(&self) -> Option<usize> {
        // The bytes left over the bytes a row has taken so far (an estimate: rows of one
        // export are alike).
        let read = self.scanned.max(1);
        let rows = usize::try_from(self.breaks_before).ok()?.max(1);
        Some(self.body.len().saturating_sub(read) / read.div_ceil(rows).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<(u32, Vec<String>)> {
        let mut src = CsvRows::new(text.as_bytes());
        let mut out = Vec::new();
        while let Some((r, cells)) = src.next_row().unwrap() {
            let cells = cells
                .iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => format!("{other:?}"),
                })
                .collect();
            out.push((r, cells));
        }
        out
    }

    #[test]
    fn csv_rows_are_numbered_as_excel_shows_the_file() {
        // A blank line is a blank row; a quoted cell's line breaks stay in its row.
        let rows = all("编号,备注\n\n001,\"两行\n备注\"\n002,x\r\n\r\n003,\"a\r\nb\"\n004,y\n");
        let numbers: Vec<u32> = rows.iter().map(|(r, _)| *r).collect();
        assert_eq!(numbers, [0, 2, 3, 5, 6]);
        assert_eq!(rows[1].1, ["001", "两行\n备注"]);
        assert_eq!(rows[3].1, ["003", "a\r\nb"]);
    }

    #[test]
    fn csv_rows_left_is_estimated_from_the_rows_read() {
        let text: String = (0..1000).map(|i| format!("{i:04},2026-07-01,上午\n")).collect();
        let mut src = CsvRows::new(text.as_bytes());
        for _ in 0..10 {
            src.next_row().unwrap();
        }
        let left = src.rows_left().unwrap();
        assert!((980..=1000).contains(&left), "{left} rows estimated, 990 left");
    }

    #[test]
    fn csv_cells_from_one_row_never_leak_into_the_next() {
        // Cells reuse the previous row's strings: a shorter row, a blank cell and a cell of
        // spaces must each read as they are.
        let rows = all("a,bbbb,c\nx,,\ny\n  ,z\n, ,\n");
        assert_eq!(rows[0].1, ["a", "bbbb", "c"]);
        assert_eq!(rows[1].1, ["x", "", ""]);
        assert_eq!(rows[2].1, ["y"]);
        assert_eq!(rows[3].1, ["", "z"]);
        assert_eq!(rows.len(), 4, "a row of blanks is skipped: {rows:?}");
    }

    #[test]
    fn a_field_is_blank_exactly_when_trimming_leaves_nothing() {
        // Every ASCII byte alone, before text and after it, and the Unicode spaces.
        let mut fields: Vec<String> = (0u8..128).map(|b| (b as char).to_string()).collect();
        fields.extend((0u8..128).map(|b| format!("{}x", b as char)));
        fields.extend((0u8..128).map(|b| format!("x{}", b as char)));
        fields.extend(
            [
                "",
                "\u{3000}",
                "\u{a0} ",
                "\u{85}",
                "\u{2028}\t",
                "\u{3000}编号",
                "编号",
                "\u{feff}",
            ]
            .map(String::from),
        );
        for f in &fields {
            assert_eq!(blank_text(f), f.trim().is_empty(), "{f:?}");
        }
    }
}
