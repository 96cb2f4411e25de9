//! A sheet as a table: finds the header row below any title rows, maps the contract's columns
//! by header text, and gives each data row with its cell addresses.
use super::problem::InputProblem;
use crate::contract::{Column, SheetSpec};
use crate::spelling::{edit_distance, norm};
use calamine::Data;

/// Where the header row may be: the first row within this many that holds every required header.
pub const HEADER_SEARCH_ROWS: usize = 10;

/// A sheet's header: where it is, and which column holds each contract column.
pub struct Header {
    pub file: String,
    pub spec: &'static SheetSpec,
    /// Zero-based absolute row index of the header row.
    pub row: u32,
    /// Absolute column index per contract column, in `spec.columns` order.
    columns: Vec<Option<usize>>,
}

pub(crate) fn col_letters(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push((b'A' + (c % 26) as u8) as char);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.iter().rev().collect()
}

/// `C17` for a zero-based absolute row and column.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), row + 1)
}

fn matches(col: &Column, header: &str) -> bool {
    let h = norm(header);
    col.headers.iter().any(|name| norm(name) == h)
}

impl Header {
    /// Finds the header among a sheet's first rows (absolute row index, cells from column A):
    /// the first row within the first [`HEADER_SEARCH_ROWS`] that holds every required header.
    pub fn find(file: &str, spec: &'static SheetSpec, first: &[(u32, Vec<Data>)]) -> Result<Header, InputProblem> {
        let problem = |place: String, expected: String| InputProblem {
            file: file.to_string(),
            place,
            found: None,
            expected,
            ..Default::default()
        };
        if first.is_empty() {
            return Err(problem(
                spec.label().to_string(),
                msg!("in-sheet-empty", sheet = spec.label(), columns = required_list(spec)),
            ));
        }
        let header_texts = |row: &[Data]| -> Vec<String> {
            row.iter()
                .map(|c| super::cell::text(c).ok().flatten().unwrap_or_default())
                .collect()
        };
        let need = spec.columns.iter().filter(|c| c.required).count();
        let mut best: Option<(u32, usize, Vec<String>)> = None;
        for (r, row) in first.iter().filter(|(r, _)| (*r as usize) < HEADER_SEARCH_ROWS) {
            let texts = header_texts(row);
            let found = spec
                .columns
                .iter()
                .filter(|c| c.required && texts.iter().any(|t| matches(c, t)))
                .count();
            if found == need {
                let columns = spec
                    .columns
                    .iter()
                    .map(|c| texts.iter().position(|t| matches(c, t)))
                    .collect();
                return Ok(Header {
                    file: file.to_string(),
                    spec,
                    row: *r,
                    columns,
                });
            }
            if best.as_ref().is_none_or(|b| found > b.1) {
                best = Some((*r, found, texts));
            }
        }
        // Say which columns are missing from the likeliest header row, with the nearest header seen.
        let (r, _, texts) = best.unwrap_or((first[0].0, 0, Vec::new()));
        let missing: Vec<String> = spec
            .columns
            .iter()
            .filter(|c| c.required && !texts.iter().any(|t| matches(c, t)))
            .map(|c| {
                let near = texts
                    .iter()
                    .filter(|t| !t.is_empty())
                    .filter_map(|t| {
                        // Near: at most two edits, and something in common (fewer edits than
                        // the longer name has characters), so 开始 is not offered for 时段.
                        c.headers
                            .iter()
                            .map(|h| (norm(h), norm(t)))
                            .map(|(h, tt)| (edit_distance(&h, &tt), h.chars().count().max(tt.chars().count())))
                            .filter(|(d, longest)| *d <= 2 && d < longest)
                            .map(|(d, _)| d)
                            .min()
                            .map(|d| (d, t))
                    })
                    .min();
                match near {
                    Some((_, t)) => msg!("in-header-near", header = c.headers[0], key = c.key, near = t),
                    None => format!("{} ({})", c.headers[0], c.key),
                }
            })
            .collect();
        Err(problem(
            format!("{}!{}", spec.label(), r + 1),
            msg!(
                "in-header-missing",
                rows = HEADER_SEARCH_ROWS,
                missing = missing.join("; ")
            ),
        ))
    }

    /// The columns the contract maps in this sheet (what the run reads of it).
    pub fn mapped_columns(&self) -> Vec<usize> {
        self.columns.iter().flatten().copied().collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.index(key).is_some()
    }

    /// The absolute column index of a contract column, when the sheet has it.
    pub fn index(&self, key: &str) -> Option<usize> {
        // Keys are string literals, usually one shared address: compare that first.
        let i = self
            .spec
            .columns
            .iter()
            .position(|c| std::ptr::eq(c.key, key))
            .or_else(|| self.spec.columns.iter().position(|c| c.key == key))?;
        self.columns[i]
    }
}

fn required_list(spec: &SheetSpec) -> String {
    spec.columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.headers[0])
        .collect::<Vec<_>>()
        .join(", ")
}

static EMPTY: Data = Data::Empty;

/// Whether a row holds anything (blank rows between data are skipped).
pub fn is_blank(cells: &[Data]) -> bool {
    cells
        .iter()
        .all(|c| matches!(c, Data::Empty) || matches!(c, Data::String(s) if s.trim().is_empty()))
}

/// One data row: cells from column A, and the header that names them.
pub struct Row<'a> {
    header: &'a Header,
    /// Zero-based absolute row index in the sheet.
    pub abs_row: u32,
    cells: &'a [Data],
}

impl<'a> Row<'a> {
    pub fn new(header: &'a Header, abs_row: u32, cells: &'a [Data]) -> Row<'a> {
        Row { header, abs_row, cells }
    }

    pub fn header(&self) -> &Header {
        self.header
    }

    /// The cell of a contract column (blank when the column is absent).
    pub fn get(&self, key: &str) -> &'a Data {
        self.header.index(key).and_then(|i| self.cells.get(i)).unwrap_or(&EMPTY)
    }

    /// The 1-based row number as Excel shows it.
    pub fn number(&self) -> u32 {
        self.abs_row + 1
    }

    /// `考勤!C17` for a column, or `考勤!17` when the column is absent.
    pub fn place(&self, key: &str) -> String {
        let label = self.header.spec.label();
        match self.header.index(key) {
            Some(i) => format!("{label}!{}", cell_name(self.abs_row, i as u32)),
            None => format!("{label}!{}", self.number()),
        }
    }

    /// A problem at a column's cell, showing the value found.
    pub fn problem(&self, key: &str, expected: impl Into<String>) -> InputProblem {
        InputProblem {
            file: self.header.file.clone(),
            place: self.place(key),
            found: Some(super::cell::shown(self.get(key))),
            expected: expected.into(),
            ..Default::default()
        }
    }

    /// The Chinese header of a contract column, as messages name it.
    fn column_name<'k>(&self, key: &'k str) -> &'k str {
        self.header
            .spec
            .columns
            .iter()
            .find(|c| c.key == key)
            .map_or(key, |c| c.headers[0])
    }

    /// Reads a column with a cell parser, recording a problem on failure.
    pub fn read<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&'a Data) -> super::cell::CellResult<T>,
        problems: &mut Vec<InputProblem>,
    ) -> Option<T> {
        match parse(self.get(key)) {
            Ok(v) => v,
            Err(expected) => {
                problems.push(self.problem(
                    key,
                    msg!("in-in-column", expected = expected, column = self.column_name(key)),
                ));
                None
            }
        }
    }

    /// Like [`Row::read`], and a blank cell is a problem too.
    pub fn require<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&'a Data) -> super::cell::CellResult<T>,
        problems: &mut Vec<InputProblem>,
    ) -> Option<T> {
        let before = problems.len();
        let v = self.read(key, parse, problems);
        if v.is_none() && problems.len() == before {
            problems.push(self.problem(key, msg!("in-required", column = self.column_name(key))));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::ATTENDANCE;
    use crate::input::cell;

    fn rows(rows: &[&[&str]]) -> Vec<(u32, Vec<Data>)> {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| !r.is_empty())
            .map(|(i, r)| {
                (
                    i as u32,
                    r.iter()
                        .map(|v| {
                            if v.is_empty() {
                                Data::Empty
                            } else {
                                Data::String(v.to_string())
                            }
                        })
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_the_header_below_title_rows_and_columns_in_any_order() {
        let first = rows(&[
            &["某镇2026年第三季度考勤表"],
            &[],
            &["状态", "日期", "编号", "备注"],
            &["迟到", "2026-07-01", "001", "x"],
        ]);
        let h = Header::find("f.xlsx", &ATTENDANCE, &first).unwrap();
        assert_eq!(h.row, 2);
        let row = Row::new(&h, first[2].0, &first[2].1);
        assert_eq!(row.place("id"), "考勤!C4");
        assert_eq!(cell::text(row.get("status")), Ok(Some("迟到".into())));
        assert!(matches!(row.get("sign_in"), Data::Empty));
    }

    #[test]
    fn a_missing_column_is_named_with_the_nearest_header() {
        let e = Header::find(
            "f.xlsx",
            &ATTENDANCE,
            &rows(&[&["编号", "日期", "状 况"], &["001", "2026-07-01", "迟到"]]),
        )
        .err()
        .unwrap();
        assert!(e.expected.contains("状态 (status)"), "{}", e.expected);
        assert!(
            e.expected.contains("did you mean the header \"状 况\""),
            "{}",
            e.expected
        );
        assert_eq!(e.place, "考勤!1");
    }

    #[test]
    fn english_aliases_and_full_width_parentheses_match() {
        let h = Header::find(
            "f",
            &crate::contract::PATROL,
            &rows(&[&["ID", "date", "Session", "时长（小时）"]]),
        )
        .unwrap();
        assert!(h.has("hours"));
    }

    #[test]
    fn an_empty_sheet_is_named() {
        let e = Header::find("f", &ATTENDANCE, &[]).err().unwrap();
        assert!(e.expected.contains("sheet 考勤 is empty"));
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(16, 2), "C17");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
    }
}
