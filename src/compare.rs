//! Comparing two runs' results and inputs, for `gridscore verify` and `gridscore diff`.
//!
//! Results are compared through the CSV exports (one row per subject, keyed by `id`), so a
//! difference reads as subject, field, old value, new value. Inputs are compared sheet by
//! sheet and row by row, as text.
use calamine::Reader;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

/// One field of one subject that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub id: String,
    pub name: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

type Table = (Vec<String>, BTreeMap<String, BTreeMap<String, String>>);

/// A CSV export as (header, id → field → value); a missing or unreadable file is empty.
fn table(bytes: Option<&[u8]>) -> Table {
    let Some(bytes) = bytes else {
        return (Vec::new(), BTreeMap::new());
    };
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::Reader::from_reader(body);
    let header: Vec<String> = r
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let mut rows = BTreeMap::new();
    for rec in r.records().flatten() {
        let row: BTreeMap<String, String> = header.iter().cloned().zip(rec.iter().map(str::to_string)).collect();
        if let Some(id) = row.get("id").cloned() {
            rows.insert(id, row);
        }
    }
    (header, rows)
}

/// Every field that differs between two exports of the same kind (`scores.csv`), subject by
/// subject; `prefix` names the export's fields (`pay.`) where two exports are merged.
pub fn csv_changes(old: Option<&[u8]>, new: Option<&[u8]>, prefix: &str) -> Vec<Change> {
    let (oh, old) = table(old);
    let (nh, new) = table(new);
    let mut fields: Vec<String> = oh.clone();
    fields.extend(nh.iter().filter(|h| !oh.contains(h)).cloned());
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = Vec::new();
    for id in ids {
        let (o, n) = (old.get(id), new.get(id));
        let name = n.or(o).and_then(|r| r.get("name")).cloned().unwrap_or_default();
        match (o, n) {
            (Some(_), None) | (None, Some(_)) => out.push(Change {
                id: id.clone(),
                name,
                field: format!("{prefix}(subject)"),
                old: if o.is_some() { "present".into() } else { "—".into() },
                new: if n.is_some() { "present".into() } else { "—".into() },
            }),
            (Some(o), Some(n)) => {
                for f in fields.iter().filter(|f| *f != "id" && *f != "name") {
                    let (a, b) = (
                        o.get(f).cloned().unwrap_or_default(),
                        n.get(f).cloned().unwrap_or_default(),
                    );
                    if a != b {
                        out.push(Change {
                            id: id.clone(),
                            name: name.clone(),
                            field: format!("{prefix}{f}"),
                            old: a,
                            new: b,
                        });
                    }
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// One input row that differs: `考勤!17` (1-based row), its cells as text in each run.
#[derive(Debug, Clone, PartialEq)]
pub struct RowChange {
    pub file: String,
    pub place: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The sheets of an input file as text rows: (sheet name, rows). CSV files are one sheet
/// named after the file.
fn sheets(name: &str, bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    if name.to_lowercase().ends_with(".csv") {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        let rows = r
            .records()
            .flatten()
            .map(|rec| rec.iter().collect::<Vec<_>>().join(" | "))
            .collect();
        let stem = name
            .rsplit('/')
            .next()
            .unwrap_or(name)
            .trim_end_matches(".csv")
            .to_string();
        return vec![(stem, rows)];
    }
    // A reader panic on a damaged file is not the auditor's problem here: it shows as no sheets.
    let Ok(Ok(mut wb)) = std::panic::catch_unwind(|| calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for sheet in wb.sheet_names() {
        if let Ok(range) = wb.worksheet_range(&sheet) {
            let (r0, _) = range.start().unwrap_or((0, 0));
            let mut rows = vec![String::new(); r0 as usize];
            rows.extend(range.rows().map(|r| {
                let cells: Vec<String> = r.iter().map(|c| c.to_string()).collect();
                cells.join(" | ").trim_end_matches([' ', '|']).to_string()
            }));
            out.push((sheet, rows));
        }
    }
    out
}

/// Rows that differ between two versions of one input file, sheet by sheet, row by row.
pub fn input_changes(file: &str, old: &[u8], new: &[u8]) -> Vec<RowChange> {
    let (a, b) = (sheets(file, old), sheets(file, new));
    let mut out = Vec::new();
    let names: BTreeSet<&String> = a.iter().map(|(n, _)| n).chain(b.iter().map(|(n, _)| n)).collect();
    for sheet in names {
        let ra = a
            .iter()
            .find(|(n, _)| n == sheet)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[]);
        let rb = b
            .iter()
            .find(|(n, _)| n == sheet)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[]);
        for i in 0..ra.len().max(rb.len()) {
            let (x, y) = (ra.get(i).filter(|s| !s.is_empty()), rb.get(i).filter(|s| !s.is_empty()));
            if x != y {
                out.push(RowChange {
                    file: file.to_string(),
                    place: format!("{sheet}!{}", i + 1),
                    old: x.cloned(),
                    new: y.cloned(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_changes_name_the_subject_and_the_field() {
        let a = "\u{feff}id,name,total,grade\r\n01,甲,90,优秀\r\n02,乙,80,合格\r\n".as_bytes();
        let b = "\u{feff}id,name,total,grade\r\n01,甲,90,优秀\r\n02,乙,82.5,合格\r\n03,丙,70,合格\r\n".as_bytes();
        let c = csv_changes(Some(a), Some(b), "");
        assert_eq!(c.len(), 2);
        assert_eq!(
            (
                c[0].id.as_str(),
                c[0].field.as_str(),
                c[0].old.as_str(),
                c[0].new.as_str()
            ),
            ("02", "total", "80", "82.5")
        );
        assert_eq!(
            (c[1].id.as_str(), c[1].field.as_str(), c[1].new.as_str()),
            ("03", "(subject)", "present")
        );
    }

    #[test]
    fn input_changes_are_rows_of_sheets() {
        let a = "编号,日期,状态\n01,2026-07-01,出勤\n01,2026-07-02,迟到\n".as_bytes();
        let b = "编号,日期,状态\n01,2026-07-01,出勤\n01,2026-07-02,出勤\n".as_bytes();
        let c = input_changes("inputs/考勤.csv", a, b);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].place, "考勤!3");
        assert_eq!(c[0].old.as_deref(), Some("01 | 2026-07-02 | 迟到"));
    }
}
