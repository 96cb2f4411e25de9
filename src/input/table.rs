//! A sheet as a table: finds the header row below any title rows, maps the contract's columns
//! by header text, and gives each data row with its cell addresses.
use super::contract::{Column, SheetSpec};
use super::problem::InputProblem;
use calamine::{Data, Range};

/// Where the header row may be: the first row within this many that holds every required header.
pub const HEADER_SEARCH_ROWS: usize = 10;

pub struct Table {
    pub file: String,
    pub spec: &'static SheetSpec,
    range: Range<Data>,
    /// Absolute (row, column) of the range's first cell.
    origin: (u32, u32),
    header_row: usize,
    /// Column index (relative) per contract column, in `spec.columns` order.
    columns: Vec<Option<usize>>,
}

/// Normalises header text: no spaces, ASCII parentheses, lower case.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn col_letters(mut c: u32) -> String {
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

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn matches(col: &Column, header: &str) -> bool {
    let h = norm(header);
    col.headers.iter().any(|name| norm(name) == h)
}

impl Table {
    /// Finds the header and maps columns; a problem when a required column is missing.
    pub fn new(file: &str, spec: &'static SheetSpec, range: Range<Data>) -> Result<Table, InputProblem> {
        let origin = range.start().unwrap_or((0, 0));
        let problem = |place: String, expected: String| InputProblem {
            file: file.to_string(),
            place,
            found: None,
            expected,
        };
        if range.is_empty() {
            return Err(problem(
                spec.label().to_string(),
                format!(
                    "sheet {} is empty; expected a header row with {}",
                    spec.label(),
                    required_list(spec)
                ),
            ));
        }
        let header_texts = |row: &[Data]| -> Vec<String> {
            row.iter()
                .map(|c| super::cell::text(c).ok().flatten().unwrap_or_default())
                .collect()
        };
        // Rows above the sheet's first used row are blank; count them toward the search window.
        let window = HEADER_SEARCH_ROWS.saturating_sub(origin.0 as usize);
        let mut best: Option<(usize, usize, Vec<String>)> = None;
        for (i, row) in range.rows().take(window.max(1)).enumerate() {
            let texts = header_texts(row);
            let found = spec
                .columns
                .iter()
                .filter(|c| c.required && texts.iter().any(|t| matches(c, t)))
                .count();
            let need = spec.columns.iter().filter(|c| c.required).count();
            if found == need {
                let columns = spec
                    .columns
                    .iter()
                    .map(|c| texts.iter().position(|t| matches(c, t)))
                    .collect();
                return Ok(Table {
                    file: file.to_string(),
                    spec,
                    range,
                    origin,
                    header_row: i,
                    columns,
                });
            }
            if best.as_ref().is_none_or(|b| found > b.1) {
                best = Some((i, found, texts));
            }
        }
        // Say which columns are missing from the likeliest header row, with the nearest header seen.
        let (i, _, texts) = best.unwrap_or_default();
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
                    Some((_, t)) => format!("{} ({}) — did you mean the header \"{t}\"?", c.headers[0], c.key),
                    None => format!("{} ({})", c.headers[0], c.key),
                }
            })
            .collect();
        Err(problem(
            format!("{}!{}", spec.label(), origin.0 as usize + i + 1),
            format!(
                "a header row within the first {HEADER_SEARCH_ROWS} rows with every required column; missing: {}",
                missing.join("; ")
            ),
        ))
    }

    /// Data rows below the header, skipping blank rows: (absolute row index, cells).
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.range
            .rows()
            .enumerate()
            .skip(self.header_row + 1)
            .filter(|(_, cells)| {
                cells
                    .iter()
                    .any(|c| !matches!(c, Data::Empty) && !matches!(c, Data::String(s) if s.trim().is_empty()))
            })
            .map(move |(i, cells)| Row {
                table: self,
                abs_row: self.origin.0 + i as u32,
                cells,
            })
    }

    pub fn has(&self, key: &str) -> bool {
        self.index(key).is_some()
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.spec
            .columns
            .iter()
            .position(|c| c.key == key)
            .and_then(|i| self.columns[i])
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

pub struct Row<'a> {
    table: &'a Table,
    /// Zero-based absolute row index in the sheet.
    pub abs_row: u32,
    cells: &'a [Data],
}

impl Row<'_> {
    /// The cell of a contract column (blank when the column is absent).
    pub fn get(&self, key: &str) -> &Data {
        self.table.index(key).and_then(|i| self.cells.get(i)).unwrap_or(&EMPTY)
    }

    /// The 1-based row number as Excel shows it.
    pub fn number(&self) -> u32 {
        self.abs_row + 1
    }

    /// `考勤!C17` for a column, or `考勤!17` when the column is absent.
    pub fn place(&self, key: &str) -> String {
        let label = self.table.spec.label();
        match self.table.index(key) {
            Some(i) => format!("{label}!{}", cell_name(self.abs_row, self.table.origin.1 + i as u32)),
            None => format!("{label}!{}", self.number()),
        }
    }

    /// A problem at a column's cell, showing the value found.
    pub fn problem(&self, key: &str, expected: impl Into<String>) -> InputProblem {
        InputProblem {
            file: self.table.file.clone(),
            place: self.place(key),
            found: Some(super::cell::shown(self.get(key))),
            expected: expected.into(),
        }
    }

    /// The Chinese header of a contract column, as messages name it.
    fn header<'k>(&self, key: &'k str) -> &'k str {
        self.table
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
        parse: fn(&Data) -> super::cell::CellResult<T>,
        problems: &mut Vec<InputProblem>,
    ) -> Option<T> {
        match parse(self.get(key)) {
            Ok(v) => v,
            Err(expected) => {
                problems.push(self.problem(key, format!("{expected} in column {}", self.header(key))));
                None
            }
        }
    }

    /// Like [`Row::read`], and a blank cell is a problem too.
    pub fn require<T>(
        &self,
        key: &str,
        parse: fn(&Data) -> super::cell::CellResult<T>,
        problems: &mut Vec<InputProblem>,
    ) -> Option<T> {
        let before = problems.len();
        let v = self.read(key, parse, problems);
        if v.is_none() && problems.len() == before {
            problems.push(self.problem(key, format!("a value in the required column {}", self.header(key))));
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::contract::ATTENDANCE;

    fn range(rows: &[&[&str]]) -> Range<Data> {
        let h = rows.len() as u32;
        let w = rows.iter().map(|r| r.len()).max().unwrap_or(1) as u32;
        let mut r = Range::new((0, 0), (h - 1, w - 1));
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    r.set_value((i as u32, j as u32), Data::String(v.to_string()));
                }
            }
        }
        r
    }

    #[test]
    fn finds_the_header_below_title_rows_and_columns_in_any_order() {
        let t = Table::new(
            "f.xlsx",
            &ATTENDANCE,
            range(&[
                &["洋口镇2026年第三季度考勤表"],
                &[],
                &["状态", "日期", "编号", "备注"],
                &["迟到", "2026-07-01", "001", "x"],
            ]),
        )
        .unwrap();
        let rows: Vec<_> = t.rows().collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].place("id"), "考勤!C4");
        assert_eq!(cell::text(rows[0].get("status")), Ok(Some("迟到".into())));
        assert!(matches!(rows[0].get("sign_in"), Data::Empty));
    }

    use crate::input::cell;

    #[test]
    fn a_missing_column_is_named_with_the_nearest_header() {
        let e = Table::new(
            "f.xlsx",
            &ATTENDANCE,
            range(&[&["编号", "日期", "状 况"], &["001", "2026-07-01", "迟到"]]),
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
        let t = Table::new(
            "f",
            &crate::input::contract::PATROL,
            range(&[&["ID", "date", "Session", "时长（小时）"]]),
        )
        .unwrap();
        assert!(t.has("hours"));
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(16, 2), "C17");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
    }
}
