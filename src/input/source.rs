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
}

fn blank(cells: &[Data]) -> bool {
    super::table::is_blank(cells)
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
    row: u32,
}

impl<'a> CsvRows<'a> {
    pub fn new(body: &'a [u8]) -> CsvRows<'a> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        CsvRows {
            reader,
            record: csv::StringRecord::new(),
            buf: Vec::new(),
            row: 0,
        }
    }
}

impl RowSource for CsvRows<'_> {
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String> {
        loop {
            if !self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| format!("a well-formed CSV file ({e})"))?
            {
                return Ok(None);
            }
            let r = self.row;
            self.row += 1;
            self.buf.clear();
            self.buf.extend(self.record.iter().map(|f| {
                if f.trim().is_empty() {
                    Data::Empty
                } else {
                    Data::String(f.to_string())
                }
            }));
            if !blank(&self.buf) {
                return Ok(Some((r, &self.buf)));
            }
        }
    }
}
