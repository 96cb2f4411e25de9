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

/// One input row as an auditor compares it: its 1-based row number, its key (the columns that
/// say which record it is: 编号 + 日期 + 时段 for a patrol, 事件编号 for an event …), and its
/// contract columns as text.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedRow {
    pub row: u32,
    pub key: String,
    pub text: String,
}

/// The columns that name a record of each sheet; rows are paired by them, not by row number,
/// so a sorted or re-saved sheet shows no change.
fn key_columns(sheet: &str) -> &'static [&'static str] {
    match sheet {
        "roster" => &["id"],
        "attendance" => &["id", "date"],
        "patrol" => &["id", "date", "session"],
        "events" => &["event_id", "id"],
        "survey" => &["id", "date"],
        "indicators" => &["id", "indicator"],
        "params" => &["name", "month", "scope"],
        "decisions" => &["id", "kind", "item", "occurrence"],
        _ => &[],
    }
}

/// The sheets of an archived input as an auditor compares them: (sheet, its rows).
/// An extract (`inputs/考勤.cells.csv`) is one sheet; so is a CSV file, named after the file;
/// a workbook (a whole copy, in runs written before extracts) is every contract sheet in it.
pub fn sheet_rows(name: &str, bytes: &[u8]) -> Vec<(String, Vec<KeyedRow>)> {
    use crate::input::{extract, source};
    let file = name.rsplit('/').next().unwrap_or(name);
    let lower = file.to_lowercase();
    if let Some(stem) = file.strip_suffix(extract::SUFFIX) {
        return contract_rows(stem, &mut extract::ExtractRows::new(bytes))
            .into_iter()
            .collect();
    }
    if lower.ends_with(".csv") {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let stem = &file[..file.len() - 4];
        return contract_rows(stem, &mut source::CsvRows::new(body))
            .into_iter()
            .collect();
    }
    // A reader panic on a damaged file is not the auditor's problem here: it shows as no sheets.
    let Ok(Ok(mut wb)) = std::panic::catch_unwind(|| calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for sheet in wb.sheet_names() {
        if let Ok(range) = wb.worksheet_range(&sheet) {
            out.extend(contract_rows(&sheet, &mut source::RangeRows::new(range)));
        }
    }
    out
}

/// A contract sheet's rows from its header down, as text: only the columns the contract
/// maps (a roster's phone or ID-card column, a sheet no rule reads, never show), dates and
/// times as such, and a bank account masked to its last four digits. `None` for a sheet that
/// is not the contract's or whose header is not found.
fn contract_rows(sheet: &str, src: &mut dyn crate::input::source::RowSource) -> Option<(String, Vec<KeyedRow>)> {
    use crate::input::table::{Header, HEADER_SEARCH_ROWS};
    let spec = crate::contract::spec_named(sheet)?;
    let mut rows: Vec<(u32, Vec<calamine::Data>)> = Vec::new();
    while let Ok(Some((r, cells))) = src.next_row() {
        rows.push((r, cells.to_vec()));
    }
    let first: Vec<(u32, Vec<calamine::Data>)> = rows
        .iter()
        .filter(|(r, _)| (*r as usize) < HEADER_SEARCH_ROWS)
        .cloned()
        .collect();
    let header = Header::find(sheet, spec, &first).ok()?;
    let columns: Vec<(usize, &str)> = spec
        .columns
        .iter()
        .filter_map(|c| header.index(c.key).map(|i| (i, c.key)))
        .collect();
    let keys = key_columns(spec.key);
    let text: Vec<KeyedRow> = rows
        .iter()
        .filter(|(r, _)| *r >= header.row)
        .map(|(r, cells)| {
            let shown: Vec<(&str, String)> = columns
                .iter()
                .map(|(i, key)| {
                    let cell = cells.get(*i).map(cell_text).unwrap_or_default();
                    if *key == "bank_account" && *r > header.row {
                        (*key, masked(&cell))
                    } else {
                        (*key, cell)
                    }
                })
                .collect();
            let key = if *r == header.row {
                "(表头)".to_string()
            } else {
                keys.iter()
                    .map(|k| shown.iter().find(|(c, _)| c == k).map_or("", |(_, v)| v.as_str()))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            let joined: Vec<&str> = shown.iter().map(|(_, v)| v.as_str()).collect();
            KeyedRow {
                row: r + 1,
                key,
                text: joined.join(" | ").trim_end_matches([' ', '|']).to_string(),
            }
        })
        .collect();
    Some((spec.label().to_string(), text))
}

/// A cell as the clerk sees it: dates as 2026-07-01, times as 08:30:00.
fn cell_text(c: &calamine::Data) -> String {
    use crate::input::cell;
    match c {
        calamine::Data::Empty => String::new(),
        calamine::Data::String(s) if s.trim().is_empty() => String::new(),
        calamine::Data::DateTime(d) if !d.is_duration() && d.as_f64() < 1.0 => {
            cell::excel_serial(d.as_f64(), false).map_or_else(|| cell::shown(c), |t| t.time().to_string())
        }
        // A value, not its binary spelling: 0.36180555555555555 and 0.3618055555555555 (one
        // program's float printing against another's) are the same number to the clerk.
        calamine::Data::Float(f) if f.is_finite() => {
            let rounded = format!("{f:.10}");
            let t = rounded.trim_end_matches('0').trim_end_matches('.');
            if t == "-0" {
                "0".to_string()
            } else {
                t.to_string()
            }
        }
        other => cell::shown(other),
    }
}

/// A bank account shown by its last four digits only (`****0087`).
pub fn masked(account: &str) -> String {
    let digits: Vec<char> = account.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return String::new();
    }
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

/// Rows that differ between two versions of one input file, sheet by sheet.
pub fn input_changes(file: &str, old: &[u8], new: &[u8]) -> Vec<RowChange> {
    let (a, b) = (sheet_rows(file, old), sheet_rows(file, new));
    let names: BTreeSet<&String> = a.iter().map(|(n, _)| n).chain(b.iter().map(|(n, _)| n)).collect();
    let mut out = Vec::new();
    for sheet in names {
        let ra = a
            .iter()
            .find(|(n, _)| n == sheet)
            .map_or(&[][..], |(_, r)| r.as_slice());
        let rb = b
            .iter()
            .find(|(n, _)| n == sheet)
            .map_or(&[][..], |(_, r)| r.as_slice());
        out.extend(row_changes(file, sheet, ra, rb));
    }
    out
}

/// The rows of one sheet that differ between two runs, paired by their key (the n-th row of a
/// key with the n-th of the same key): a changed row, one only in the old run (removed), one
/// only in the new (added). Rows in another order, or a sheet re-saved by another program,
/// show nothing.
pub fn row_changes(file: &str, sheet: &str, a: &[KeyedRow], b: &[KeyedRow]) -> Vec<RowChange> {
    let group = |rows: &[KeyedRow]| {
        let mut m: BTreeMap<String, Vec<KeyedRow>> = BTreeMap::new();
        for r in rows.iter().filter(|r| !r.text.is_empty()) {
            m.entry(r.key.clone()).or_default().push(r.clone());
        }
        m
    };
    let (ga, gb) = (group(a), group(b));
    let keys: BTreeSet<&String> = ga.keys().chain(gb.keys()).collect();
    let none = Vec::new();
    let mut out: Vec<(u32, RowChange)> = Vec::new();
    for k in keys {
        let (xa, xb) = (ga.get(k).unwrap_or(&none), gb.get(k).unwrap_or(&none));
        for i in 0..xa.len().max(xb.len()) {
            let (x, y) = (xa.get(i), xb.get(i));
            if x.map(|r| &r.text) == y.map(|r| &r.text) {
                continue;
            }
            let at = y.or(x).map_or(0, |r| r.row);
            out.push((
                at,
                RowChange {
                    file: file.to_string(),
                    place: format!("{sheet}!{at}"),
                    old: x.map(|r| r.text.clone()),
                    new: y.map(|r| r.text.clone()),
                },
            ));
        }
    }
    out.sort_by_key(|(row, _)| *row);
    out.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bank_account_is_shown_by_its_last_four_digits() {
        assert_eq!(masked("6228480300029000087"), "****0087");
        assert_eq!(masked("12"), "****12");
        assert_eq!(masked(""), "");
    }

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

    /// A workbook sheet as the reader sees it: rows of cells from the top.
    fn range(rows: &[Vec<calamine::Data>]) -> calamine::Range<calamine::Data> {
        let width = rows.iter().map(Vec::len).max().unwrap_or(1) as u32;
        let mut r = calamine::Range::new((0, 0), (rows.len() as u32 - 1, width - 1));
        for (i, row) in rows.iter().enumerate() {
            for (j, c) in row.iter().enumerate() {
                r.set_value((i as u32, j as u32), c.clone());
            }
        }
        r
    }

    #[test]
    fn issue20_rows_pair_by_key_and_compare_as_values_so_a_resave_shows_nothing() {
        use calamine::Data::{Float, String as S};
        let header = vec![
            S("编号".into()),
            S("日期".into()),
            S("时段".into()),
            S("时长(小时)".into()),
        ];
        let a = range(&[
            header.clone(),
            vec![
                S("0101".into()),
                S("2026-07-01".into()),
                S("上午".into()),
                Float(0.36180555555555555),
            ],
            vec![S("0102".into()), S("2026-07-01".into()), S("上午".into()), Float(2.0)],
        ]);
        // Another program's save: the rows in another order, the float spelled its own way.
        let b = range(&[
            header.clone(),
            vec![S("0102".into()), S("2026-07-01".into()), S("上午".into()), Float(2.0)],
            vec![
                S("0101".into()),
                S("2026-07-01".into()),
                S("上午".into()),
                Float(0.3618055555555555),
            ],
        ]);
        let rows = |r| {
            contract_rows("巡查", &mut crate::input::source::RangeRows::new(r))
                .unwrap()
                .1
        };
        let (ra, rb) = (rows(a), rows(b.clone()));
        assert!(row_changes("f", "巡查", &ra, &rb).is_empty(), "{ra:?} {rb:?}");
        // One real edit: 0102's hours 2 → 2.5, at its row in the new file (row 2).
        let c = range(&[
            header,
            vec![S("0102".into()), S("2026-07-01".into()), S("上午".into()), Float(2.5)],
            vec![
                S("0101".into()),
                S("2026-07-01".into()),
                S("上午".into()),
                Float(0.3618055555555555),
            ],
        ]);
        let changes = row_changes("f", "巡查", &ra, &rows(c));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].place, "巡查!2");
        assert_eq!(changes[0].old.as_deref(), Some("0102 | 2026-07-01 | 上午 | 2"));
        assert_eq!(changes[0].new.as_deref(), Some("0102 | 2026-07-01 | 上午 | 2.5"));
    }

    #[test]
    fn input_changes_are_rows_of_sheets() {
        let a = "编号,日期,状态,手机\n01,2026-07-01,出勤,13800000000\n01,2026-07-02,迟到,13800000000\n".as_bytes();
        let b = "编号,日期,状态,手机\n01,2026-07-01,出勤,13900000000\n01,2026-07-02,出勤,13900000000\n".as_bytes();
        let c = input_changes("inputs/考勤.csv", a, b);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].place, "考勤!3");
        // Only the contract's columns: the changed phone number is not shown, nor compared.
        assert_eq!(c[0].old.as_deref(), Some("01 | 2026-07-02 | 迟到"));
    }
}
