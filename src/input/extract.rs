//! A sheet as the run read it: the archive's copy of an input.
//!
//! A run's archive must let an auditor re-derive every output byte, yet it must not keep what
//! no rule reads: a roster's phone and ID-card columns, a contact list saved in the same
//! workbook, a title row with a mobile number. So the archive holds, per sheet read, an
//! *extract*: the header row and every row below it, each at its original row number, with
//! only the columns the input contract maps (every other cell left out), each cell as the
//! exact typed value the reader produced. Re-read through [`ExtractRows`] those rows give the
//! reader the very cells the run parsed, so a re-run gives the same records, the same traces
//! (`考勤!17` stays row 17, `考勤!B17` column B) and the same bytes.
//!
//! The file is CSV (UTF-8 with a byte-order mark, so Excel opens it): a first line `行,A,B,…`
//! naming the columns, then one record per row: the row number as Excel shows it, then one
//! field per column, tagged by type (`s:` text, `i:` whole number, `f:` number, `b:` yes/no,
//! `d:` date or time and `t:` duration as an Excel serial, with a trailing `|1904` in a 1904
//! workbook, `D:` and `T:` an ISO date and duration, `e:` an Excel error; an empty field is an
//! empty cell). Numbers are written in Rust's shortest round-trip form, so they read back to
//! the same bits. Every text field begins with its tag, so no field can start a formula.
use super::table::Header;
use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};

/// The suffix that marks an extract among a run's inputs (`inputs/考勤.cells.csv`).
pub const SUFFIX: &str = ".cells.csv";

/// An extract being written while its sheet is read.
pub struct Writer {
    out: csv::Writer<Vec<u8>>,
    /// The columns kept, ascending; every other cell is left out.
    keep: Vec<usize>,
    field: String,
    record: Vec<String>,
}

impl Writer {
    /// Starts an extract keeping the columns `header` maps; `header_cells` is its row.
    pub fn new(header: &Header, header_cells: &[Data]) -> Writer {
        let mut keep: Vec<usize> = header.mapped_columns();
        keep.sort_unstable();
        keep.dedup();
        let width = keep.last().map_or(0, |c| c + 1);
        let mut out = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        let mut first = vec!["行".to_string()];
        first.extend((0..width as u32).map(super::table::col_letters));
        // Writing into a Vec cannot fail.
        let _ = out.write_record(&first);
        let mut w = Writer {
            out,
            keep,
            field: String::new(),
            record: Vec::new(),
        };
        w.row(header.row, header_cells);
        w
    }

    /// Adds one row (zero-based absolute index, cells from column A).
    pub fn row(&mut self, r: u32, cells: &[Data]) {
        let width = self.keep.last().map_or(0, |c| c + 1);
        self.record.resize(width + 1, String::new());
        for f in &mut self.record {
            f.clear();
        }
        self.record[0] = (u64::from(r) + 1).to_string();
        for &c in &self.keep {
            if let Some(cell) = cells.get(c) {
                encode(cell, &mut self.field);
                std::mem::swap(&mut self.record[c + 1], &mut self.field);
            }
        }
        // Trailing empty cells are left out, as a CSV export does.
        let used = self.record.iter().rposition(|f| !f.is_empty()).map_or(1, |i| i + 1);
        let _ = self.out.write_record(&self.record[..used]);
    }

    pub fn finish(self) -> Vec<u8> {
        self.out.into_inner().unwrap_or_default()
    }
}

fn encode(cell: &Data, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    let _ = match cell {
        Data::Empty => Ok(()),
        Data::String(s) => write!(out, "s:{s}"),
        Data::Int(i) => write!(out, "i:{i}"),
        Data::Float(f) => write!(out, "f:{f}"),
        Data::Bool(b) => write!(out, "b:{}", u8::from(*b)),
        Data::DateTime(d) => {
            let tag = if d.is_duration() { 't' } else { 'd' };
            let e1904 = *d == ExcelDateTime::new(d.as_f64(), kind_of(d), true);
            write!(out, "{tag}:{}{}", d.as_f64(), if e1904 { "|1904" } else { "" })
        }
        Data::DateTimeIso(s) => write!(out, "D:{s}"),
        Data::DurationIso(s) => write!(out, "T:{s}"),
        Data::Error(e) => write!(out, "e:{e}"),
    };
}

fn kind_of(d: &ExcelDateTime) -> ExcelDateTimeType {
    if d.is_duration() {
        ExcelDateTimeType::TimeDelta
    } else {
        ExcelDateTimeType::DateTime
    }
}

const ERRORS: [CellErrorType; 8] = [
    CellErrorType::Div0,
    CellErrorType::NA,
    CellErrorType::Name,
    CellErrorType::Null,
    CellErrorType::Num,
    CellErrorType::Ref,
    CellErrorType::Value,
    CellErrorType::GettingData,
];

fn decode(field: &str) -> Option<Data> {
    if field.is_empty() {
        return Some(Data::Empty);
    }
    let (tag, v) = field.split_at_checked(2)?;
    Some(match tag {
        "s:" => Data::String(v.to_string()),
        "i:" => Data::Int(v.parse().ok()?),
        "f:" => Data::Float(v.parse().ok()?),
        "b:" => Data::Bool(v == "1"),
        "d:" | "t:" => {
            let (n, e1904) = match v.strip_suffix("|1904") {
                Some(n) => (n, true),
                None => (v, false),
            };
            let kind = if tag == "t:" {
                ExcelDateTimeType::TimeDelta
            } else {
                ExcelDateTimeType::DateTime
            };
            Data::DateTime(ExcelDateTime::new(n.parse().ok()?, kind, e1904))
        }
        "D:" => Data::DateTimeIso(v.to_string()),
        "T:" => Data::DurationIso(v.to_string()),
        "e:" => Data::Error(ERRORS.iter().find(|e| e.to_string() == v)?.clone()),
        _ => return None,
    })
}

/// An extract read back, row by row, as the sheet it was taken from.
pub struct ExtractRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    record: csv::StringRecord,
    buf: Vec<Data>,
}

impl<'a> ExtractRows<'a> {
    pub fn new(bytes: &'a [u8]) -> ExtractRows<'a> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        ExtractRows {
            reader: csv::ReaderBuilder::new().flexible(true).from_reader(body),
            record: csv::StringRecord::new(),
            buf: Vec::new(),
        }
    }
}

impl super::source::RowSource for ExtractRows<'_> {
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String> {
        let bad = |line: u64| format!("an archived sheet as gridscore writes it; line {line} is not");
        loop {
            if !self
                .reader
                .read_record(&mut self.record)
                .map_err(|e| format!("{} ({e})", bad(0)))?
            {
                return Ok(None);
            }
            let line = self.record.position().map_or(0, |p| p.line());
            let mut fields = self.record.iter();
            let r: u32 = fields
                .next()
                .and_then(|n| n.parse::<u32>().ok())
                .and_then(|n| n.checked_sub(1))
                .ok_or_else(|| bad(line))?;
            self.buf.clear();
            for f in fields {
                self.buf.push(decode(f).ok_or_else(|| bad(line))?);
            }
            if !super::table::is_blank(&self.buf) {
                return Ok(Some((r, &self.buf)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source::RowSource;

    #[test]
    fn every_kind_of_cell_reads_back_as_the_same_value() {
        let cells = vec![
            Data::String("0101".into()),
            Data::Empty,
            Data::Int(-7),
            Data::Float(0.36180555555555555),
            Data::Float(0.1 + 0.2),
            Data::Bool(true),
            Data::DateTime(ExcelDateTime::new(46204.375, ExcelDateTimeType::DateTime, false)),
            Data::DateTime(ExcelDateTime::new(44000.0, ExcelDateTimeType::DateTime, true)),
            Data::DateTime(ExcelDateTime::new(1.25, ExcelDateTimeType::TimeDelta, false)),
            Data::DateTimeIso("2026-07-01T08:30:00".into()),
            Data::DurationIso("PT2H".into()),
            Data::Error(CellErrorType::Ref),
            Data::String("=HYPERLINK(\"http://x\",\"点我\")".into()),
            Data::String(String::new()),
            Data::String("多行\n文本, 带\"引号\"".into()),
        ];
        for (i, cell) in cells.iter().enumerate() {
            let mut s = String::new();
            encode(cell, &mut s);
            assert_eq!(decode(&s).as_ref(), Some(cell), "cell {i} as {s:?}");
            assert!(!s.starts_with(['=', '+', '-', '@']), "no field starts a formula: {s}");
        }
    }

    #[test]
    fn an_extract_keeps_the_rows_where_they_were_and_only_the_mapped_columns() {
        use crate::input::contract;
        let text = |s: &str| Data::String(s.into());
        // Row 1 a title, row 2 the header with an extra 手机 column, rows 3 and 5 data.
        let first = vec![
            (0, vec![text("洋口镇花名册 联系电话 13800000000")]),
            (1, vec![text("编号"), text("手机"), text("姓名"), text("岗位")]),
        ];
        let header = Header::find("花名册.xlsx", &contract::ROSTER, &first).unwrap();
        let mut w = Writer::new(&header, &first[1].1);
        w.row(
            2,
            &[text("0101"), text("13911112222"), text("张三"), text("兼职网格员")],
        );
        w.row(
            4,
            &[text("0102"), text("13933334444"), text("李四"), text("专职网格员")],
        );
        let bytes = w.finish();
        let shown = String::from_utf8(bytes.clone()).unwrap();
        assert!(!shown.contains("139") && !shown.contains("138"), "{shown}");
        let mut rows = ExtractRows::new(&bytes);
        let mut got = Vec::new();
        while let Some((r, cells)) = rows.next_row().unwrap() {
            got.push((r, cells.to_vec()));
        }
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, 1, "the header stays on row 2");
        assert_eq!(got[1].0, 2);
        assert_eq!(got[2].0, 4, "row 5 stays row 5");
        assert_eq!(
            got[2].1,
            vec![text("0102"), Data::Empty, text("李四"), text("专职网格员")]
        );
        let again = Header::find("x", &contract::ROSTER, &got[..1]).unwrap();
        assert_eq!(again.row, header.row);
    }
}
