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

/// Where a run's extracts are written: a file per sheet, created (or, when a sheet is read
/// again from its start, truncated) as its header is found.
pub trait Sink: Sync {
    fn create(&self, sheet: &'static str) -> std::io::Result<std::fs::File>;

    /// A file for the rows of the `k`-th piece of a sheet read in pieces (`super::pieces`),
    /// beside its extract: appended to the extract once every piece is read, then removed.
    fn part(&self, sheet: &'static str, k: usize) -> std::io::Result<(std::path::PathBuf, std::fs::File)>;
}

/// An extract written: its file, to be synced (and hashed, for the manifest) with the rest
/// of the set, off the reading's critical path; and, for a sheet read in pieces, the files of
/// its later pieces' rows, joined onto it by [`Written::complete`] there too (a province's
/// 巡查 is 200 MB of them: a core's third of a second).
#[derive(Debug)]
pub struct Written {
    pub file: std::fs::File,
    parts: Vec<std::path::PathBuf>,
}

/// An extract being written while its sheet is read, straight to its file (a province's
/// sheets are never held in memory twice).
pub struct Writer {
    /// The CSV as the csv crate writes it ([`put_record`]), buffered.
    out: std::io::BufWriter<std::fs::File>,
    /// The line being made.
    line: Vec<u8>,
    /// The columns kept, ascending; every other cell is left out.
    keep: Vec<usize>,
    field: String,
    /// The first write that failed, reported at [`Writer::finish`].
    failed: Option<std::io::Error>,
}

impl Writer {
    /// Starts an extract in `file` keeping the columns `header` maps; `header_cells` is its row.
    pub fn new(mut file: std::fs::File, header: &Header, header_cells: &[Data]) -> Writer {
        use std::io::Write;
        let failed = file.write_all(b"\xEF\xBB\xBF").err();
        let mut w = Writer::part(file, header);
        w.failed = failed;
        let width = w.keep.last().map_or(0, |c| c + 1);
        let mut first = vec!["行".to_string()];
        first.extend((0..width as u32).map(super::table::col_letters));
        if let Err(e) = put_record(&mut w.out, &mut w.line, &first) {
            w.failed.get_or_insert(e);
        }
        w.row(header.row, header_cells);
        w
    }

    /// Rows of a sheet's later piece, in `file`, to be appended to the extract [`Writer::new`]
    /// began: no byte-order mark, no line of column letters, no header row.
    pub fn part(file: std::fs::File, header: &Header) -> Writer {
        let mut keep: Vec<usize> = header.mapped_columns();
        keep.sort_unstable();
        keep.dedup();
        let out = std::io::BufWriter::with_capacity(1 << 20, file);
        Writer {
            out,
            line: Vec::new(),
            keep,
            field: String::new(),
            failed: None,
        }
    }

    /// Adds one row (zero-based absolute index, cells from column A).
    pub fn row(&mut self, r: u32, cells: &[Data]) {
        if self.failed.is_some() {
            return;
        }
        // Trailing empty cells are left out, as a CSV export does: the row ends at its last
        // kept cell that holds anything (every value's text has its tag; only an empty cell
        // is an empty field).
        let used = self
            .keep
            .iter()
            .rev()
            .find(|&&c| cells.get(c).is_some_and(|d| !matches!(d, Data::Empty)))
            .map_or(0, |&c| c + 1);
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(itoa::Buffer::new().format(u64::from(r) + 1).as_bytes());
        // Each field goes straight into the line, the columns not kept as empty fields.
        let mut next = 0;
        for &c in self.keep.iter().take_while(|&&c| c < used) {
            line.resize(line.len() + (c - next) + 1, b',');
            match cells.get(c) {
                Some(Data::String(s)) => put_field(line, "s:", s),
                Some(cell) => {
                    encode(cell, &mut self.field);
                    put_field(line, "", &self.field);
                }
                None => {}
            }
            next = c + 1;
        }
        line.push(b'\n');
        if let Err(e) = std::io::Write::write_all(&mut self.out, line) {
            self.failed = Some(e);
        }
    }

    pub fn finish(mut self) -> std::io::Result<Written> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        use std::io::Write;
        self.out.flush()?;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(Written {
            file,
            parts: Vec::new(),
        })
    }
}

/// Writes one record as the csv crate's writer does by default, byte for byte: fields joined
/// by commas, a line feed after; a field holding a comma, a quote, a carriage return or a line
/// feed in quotes, its quotes doubled (`QuoteStyle::Necessary`). A record is never one empty
/// field here (its first is the row number), the one case the crate writes otherwise. Made
/// here because the crate's writer, field by field through its state machine, was a twentieth
/// of a province's run for the extracts' ninety million fields; a test holds the two to the
/// same bytes.
fn put_record(out: &mut impl std::io::Write, line: &mut Vec<u8>, fields: &[String]) -> std::io::Result<()> {
    line.clear();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        put_field(line, "", f);
    }
    line.push(b'\n');
    out.write_all(line)
}

/// One field, `tag` then `text`, quoted as [`put_record`] says (a tag never needs quotes).
fn put_field(line: &mut Vec<u8>, tag: &str, text: &str) {
    let f = text.as_bytes();
    if needs_quotes(f) {
        line.push(b'"');
        line.extend_from_slice(tag.as_bytes());
        for &b in f {
            if b == b'"' {
                line.push(b'"');
            }
            line.push(b);
        }
        line.push(b'"');
    } else {
        line.extend_from_slice(tag.as_bytes());
        line.extend_from_slice(f);
    }
}

/// Whether a field holds a comma, a quote, a carriage return or a line feed. Most fields are
/// a few bytes (a province writes ninety million): a byte loop answers them before memchr's
/// searches are set up; a long one is searched.
fn needs_quotes(f: &[u8]) -> bool {
    if f.len() < 32 {
        f.iter().any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
    } else {
        memchr::memchr3(b',', b'"', b'\n', f).is_some() || memchr::memchr(b'\r', f).is_some()
    }
}

impl Written {
    /// The extract with the pieces' rows, written into the files at `parts` (by
    /// [`Writer::part`]), still to be appended to it, in order, by [`Written::complete`].
    pub fn with_parts(mut self, parts: &[std::path::PathBuf]) -> Written {
        self.parts.extend_from_slice(parts);
        self
    }

    /// Appends the pieces' rows to the extract and removes their files: the extract whole.
    /// (A part left by a failure is in the run's unfinished set, which is removed with it.)
    pub fn complete(&mut self) -> std::io::Result<()> {
        for path in std::mem::take(&mut self.parts) {
            // `io::copy` between two files is done by the kernel where it can (Linux).
            std::io::copy(&mut std::fs::File::open(&path)?, &mut self.file)?;
            std::fs::remove_file(&path)?;
        }
        Ok(())
    }
}

/// A number in its shortest exact form: a whole one as digits (`46204`, most dates), any
/// other by Ryū (the csv crate's own float writer); both read back to the same bits.
fn number(f: f64, out: &mut String) {
    if f.fract() == 0.0 && f.abs() < 1e15 && !(f == 0.0 && f.is_sign_negative()) {
        out.push_str(itoa::Buffer::new().format(f as i64));
    } else {
        out.push_str(ryu::Buffer::new().format(f));
    }
}

// Written by hand rather than with `write!`: a province's extracts are tens of millions of
// cells, on the reading's critical path.
fn encode(cell: &Data, out: &mut String) {
    out.clear();
    match cell {
        Data::Empty => {}
        Data::String(s) => {
            out.push_str("s:");
            out.push_str(s);
        }
        Data::Int(i) => {
            out.push_str("i:");
            out.push_str(itoa::Buffer::new().format(*i));
        }
        Data::Float(f) => {
            out.push_str("f:");
            number(*f, out);
        }
        Data::Bool(b) => out.push_str(if *b { "b:1" } else { "b:0" }),
        Data::DateTime(d) => {
            let e1904 = *d == ExcelDateTime::new(d.as_f64(), kind_of(d), true);
            out.push_str(if d.is_duration() { "t:" } else { "d:" });
            if d.is_duration() || e1904 || !calendar(d.as_f64(), out) {
                number(d.as_f64(), out);
            }
            if e1904 {
                out.push_str("|1904");
            }
        }
        Data::DateTimeIso(s) => {
            out.push_str("D:");
            out.push_str(s);
        }
        Data::DurationIso(s) => {
            out.push_str("T:");
            out.push_str(s);
        }
        Data::Error(e) => {
            out.push_str("e:");
            out.push_str(&e.to_string());
        }
    }
}

/// Excel's day 0 in the 1900 system, for serials from 61 (1900-03-01) on, past its leap-year bug.
fn epoch() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default()
}

/// A date or time serial as the clerk reads it — `2026-07-01`, `08:30:00`, `2026-07-01 08:30:00`
/// — when that text gives back exactly the same serial (whole seconds, as Excel keeps them);
/// `false` (nothing written) otherwise, and the serial is written as a number.
fn calendar(v: f64, out: &mut String) -> bool {
    use chrono::Datelike;
    if !(0.0..2_958_466.0).contains(&v) || (1.0..61.0).contains(&v) {
        return false;
    }
    let n = (v * 86_400.0).round() as i64;
    if (n as f64 / 86_400.0).to_bits() != v.to_bits() {
        return false;
    }
    let (days, secs) = (n / 86_400, n % 86_400);
    let two = |out: &mut String, x: i64| {
        if x < 10 {
            out.push('0');
        }
        out.push_str(itoa::Buffer::new().format(x));
    };
    if v >= 1.0 {
        // Rows of one sheet share few dates: the last one's text is kept.
        thread_local! {
            static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((-1, String::new())) };
        }
        let ok = LAST.with_borrow_mut(|(d, text)| {
            if *d != days {
                let Some(date) = epoch().checked_add_days(chrono::Days::new(days as u64)) else {
                    return false;
                };
                text.clear();
                text.push_str(itoa::Buffer::new().format(date.year()));
                text.push('-');
                two(text, i64::from(date.month()));
                text.push('-');
                two(text, i64::from(date.day()));
                *d = days;
            }
            out.push_str(text);
            true
        });
        if !ok {
            return false;
        }
        if secs == 0 {
            return true;
        }
        out.push(' ');
    }
    two(out, secs / 3600);
    out.push(':');
    two(out, secs / 60 % 60);
    out.push(':');
    two(out, secs % 60);
    true
}

/// The serial of a date or time written by [`calendar`].
fn serial(text: &str) -> Option<f64> {
    let (date, time) = match text.split_once(' ') {
        Some((d, t)) => (Some(d), Some(t)),
        None if text.contains(':') => (None, Some(text)),
        None => (Some(text), None),
    };
    let days = match date {
        Some(d) => {
            let d = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
            (d - epoch()).num_days()
        }
        None => 0,
    };
    let secs = match time {
        Some(t) => {
            let mut parts = t.split(':').map(|p| p.parse::<i64>().ok());
            let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
            h * 3600 + m * 60 + s
        }
        None => 0,
    };
    Some((days * 86_400 + secs) as f64 / 86_400.0)
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
            // Calendar text is `2026-07-01…` or `08:30:00`; a number (`1e-7`, `-3`) has no colon
            // and no dash in its fifth place.
            let text = n.contains(':') || n.as_bytes().get(4) == Some(&b'-');
            let v = if tag == "d:" && text {
                serial(n)?
            } else {
                n.parse().ok()?
            };
            Data::DateTime(ExcelDateTime::new(v, kind, e1904))
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
        let bad = |line: u64| msg!("in-extract-line", line = line);
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
            Data::Float(-0.0),
            Data::Float(1e21),
            Data::Float(5e-324),
            Data::Float(46204.0),
            Data::Bool(true),
            Data::DateTime(ExcelDateTime::new(46204.375, ExcelDateTimeType::DateTime, false)),
            Data::DateTime(ExcelDateTime::new(46204.0, ExcelDateTimeType::DateTime, false)),
            Data::DateTime(ExcelDateTime::new(
                0.3541666666666667,
                ExcelDateTimeType::DateTime,
                false,
            )),
            Data::DateTime(ExcelDateTime::new(
                0.36180555555555555,
                ExcelDateTimeType::DateTime,
                false,
            )),
            Data::DateTime(ExcelDateTime::new(0.123456789, ExcelDateTimeType::DateTime, false)),
            Data::DateTime(ExcelDateTime::new(30.5, ExcelDateTimeType::DateTime, false)),
            Data::DateTime(ExcelDateTime::new(-3.0, ExcelDateTimeType::DateTime, false)),
            // A serial Ryū writes with an exponent (`1e-7`) is a number, not a date.
            Data::DateTime(ExcelDateTime::new(1e-7, ExcelDateTimeType::DateTime, false)),
            Data::DateTime(ExcelDateTime::new(12345e-10, ExcelDateTimeType::DateTime, false)),
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
            let back = decode(&s);
            assert_eq!(back.as_ref(), Some(cell), "cell {i} as {s:?}");
            match (&back, cell) {
                (Some(Data::Float(b)), Data::Float(a)) => assert_eq!(b.to_bits(), a.to_bits(), "the same bits: {s}"),
                (Some(Data::DateTime(b)), Data::DateTime(a)) => {
                    assert_eq!(b.as_f64().to_bits(), a.as_f64().to_bits(), "the same bits: {s}")
                }
                _ => {}
            }
            assert!(!s.starts_with(['=', '+', '-', '@']), "no field starts a formula: {s}");
        }
    }

    #[test]
    fn dates_and_times_are_written_as_the_clerk_reads_them_when_that_is_exact() {
        let shown = |v: f64| {
            let mut s = String::new();
            encode(
                &Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false)),
                &mut s,
            );
            s
        };
        assert_eq!(shown(46204.0), "d:2026-07-01");
        assert_eq!(shown(46204.375), "d:2026-07-01 09:00:00");
        assert_eq!(shown(0.3541666666666667), "d:08:30:00");
        // Not whole seconds: the serial itself.
        assert_eq!(shown(0.123456789), "d:0.123456789");
        // Before 1900-03-01 Excel's calendar has its leap-year bug: the serial itself.
        assert_eq!(shown(30.5), "d:30.5");
    }

    #[test]
    fn an_extract_keeps_the_rows_where_they_were_and_only_the_mapped_columns() {
        use crate::contract;
        let text = |s: &str| Data::String(s.into());
        // Row 1 a title, row 2 the header with an extra 手机 column, rows 3 and 5 data.
        let first = vec![
            (0, vec![text("洋口镇花名册 联系电话 13800000000")]),
            (1, vec![text("编号"), text("手机"), text("姓名"), text("岗位")]),
        ];
        let header = Header::find("花名册.xlsx", &contract::ROSTER, &first).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("花名册.cells.csv");
        let mut w = Writer::new(std::fs::File::create(&path).unwrap(), &header, &first[1].1);
        w.row(
            2,
            &[text("0101"), text("13911112222"), text("张三"), text("兼职网格员")],
        );
        w.row(
            4,
            &[text("0102"), text("13933334444"), text("李四"), text("专职网格员")],
        );
        w.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
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

    #[test]
    fn a_record_is_written_as_the_csv_crate_writes_it() {
        let pieces = [
            "",
            "s:",
            "a",
            ",",
            "\"",
            "\r",
            "\n",
            "\r\n",
            " ",
            "s:\"x\",y",
            "编号",
            "'",
            "=1",
            "\t",
            // Past 32 bytes a field is searched rather than looped over: with and without
            // a character that needs quotes, at its start or its end.
            "网格员网格员网格员网格员网格员",
            "0123456789abcdefghijklmnopqrstuvwxyz",
            "0123456789abcdefghijklmnopqrstuvwxyz\r",
            "\"0123456789abcdefghijklmnopqrstuvwxyz",
        ];
        let mut records: Vec<Vec<String>> = Vec::new();
        for a in pieces {
            for b in pieces {
                records.push(vec!["7".into(), a.into(), format!("{a}{b}")]);
                records.push(vec!["12".into(), format!("s:{b}"), String::new(), b.into()]);
            }
        }
        let mut ours: Vec<u8> = Vec::new();
        let mut line = Vec::new();
        let mut theirs = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        for r in &records {
            super::put_record(&mut ours, &mut line, r).unwrap();
            theirs.write_record(r).unwrap();
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }

    #[test]
    fn a_row_is_its_record_written_as_the_csv_crate_writes_it() {
        // The reference: each kept cell encoded into its column's field, the others empty,
        // trailing empty fields left out, the record written by `put_record` (held to the
        // csv crate's writer above).
        fn reference(keep: &[usize], r: u32, cells: &[Data]) -> Vec<u8> {
            let width = keep.last().map_or(0, |c| c + 1);
            let mut record = vec![String::new(); width + 1];
            record[0] = (r + 1).to_string();
            for &c in keep {
                if let Some(cell) = cells.get(c) {
                    super::encode(cell, &mut record[c + 1]);
                }
            }
            let used = record.iter().rposition(|f| !f.is_empty()).map_or(1, |i| i + 1);
            let mut out = Vec::new();
            super::put_record(&mut out, &mut Vec::new(), &record[..used]).unwrap();
            out
        }
        let values = [
            Data::Empty,
            Data::String(String::new()),
            Data::String("a,\"b\"".into()),
            Data::String("编号\n2".into()),
            Data::Int(7),
            Data::Float(0.5),
            Data::Bool(true),
        ];
        let dir = tempfile::tempdir().unwrap();
        for keep in [vec![0usize, 1, 2], vec![1, 3], vec![0, 4], vec![]] {
            for a in &values {
                for b in &values {
                    let cells = vec![a.clone(), b.clone(), a.clone(), b.clone()];
                    let path = dir.path().join("x.csv");
                    let mut w = super::Writer {
                        out: std::io::BufWriter::new(std::fs::File::create(&path).unwrap()),
                        line: Vec::new(),
                        keep: keep.clone(),
                        field: String::new(),
                        failed: None,
                    };
                    w.row(16, &cells);
                    w.finish().unwrap();
                    let got = std::fs::read(&path).unwrap();
                    assert_eq!(
                        String::from_utf8(got).unwrap(),
                        String::from_utf8(reference(&keep, 16, &cells)).unwrap(),
                        "{keep:?} {cells:?}"
                    );
                }
            }
        }
    }
}
