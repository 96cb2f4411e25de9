//! The fast `.xlsx` reader against calamine: on every sheet it reads, every row and cell must be
//! the one calamine's cell reader gives; where it gives up, the run reads the sheet with calamine.
mod common;

use calamine::{Data, Reader};
use gridscore::input::source::{RowSource, XlsxRows};
use gridscore::input::xlsx::{Book, SheetRows};
use proptest::prelude::*;
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet};
use std::io::Cursor;

type Rows = Vec<(u32, Vec<Data>)>;

fn drain(src: &mut dyn RowSource) -> Result<Rows, String> {
    let mut v = Vec::new();
    while let Some((r, cells)) = src.next_row()? {
        v.push((r, cells.to_vec()));
    }
    Ok(v)
}

fn calamine_rows(bytes: &[u8], sheet: &str) -> Rows {
    let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
    let reader = wb.worksheet_cells_reader(sheet).unwrap();
    let rows = drain(&mut XlsxRows::new(reader, None)).unwrap();
    rows
}

/// The fast reader's rows, or `None` when it gave up.
fn fast_rows(bytes: &[u8], sheet: &str) -> Option<Rows> {
    let book = Book::open(bytes).ok()?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let path = book.sheet_path(sheet)?.to_string();
    let entry = zip.by_name(&path).unwrap();
    let mut rows = SheetRows::new(entry, &book, None, &path, sheet);
    let r = drain(&mut rows);
    match rows.gave_up() {
        Some(_) => None,
        None => Some(r.unwrap()),
    }
}

/// Compares every sheet of a workbook; returns how many sheets the fast reader read.
fn compare(bytes: &[u8]) -> usize {
    let names = calamine::Xlsx::new(Cursor::new(bytes)).unwrap().sheet_names();
    let mut read = 0;
    for n in names {
        if let Some(fast) = fast_rows(bytes, &n) {
            assert_eq!(fast, calamine_rows(bytes, &n), "sheet {n}");
            read += 1;
        }
    }
    read
}

#[test]
fn reads_every_shipped_example_exactly_as_calamine() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut books = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().and_then(|e| e.to_str()) != Some("xlsx") {
                continue;
            }
            let bytes = std::fs::read(&f).unwrap();
            let sheets = calamine::Xlsx::new(Cursor::new(&bytes[..]))
                .unwrap()
                .sheet_names()
                .len();
            // The examples are plain: every sheet must be read by the fast reader, not handed back.
            assert_eq!(compare(&bytes), sheets, "{}", f.display());
            books += 1;
        }
    }
    assert!(books >= 5, "found only {books} example workbooks");
}

/// One cell of a generated sheet.
#[derive(Debug, Clone)]
enum Gen {
    Text(String),
    Number(f64),
    Date(f64),
    Duration(f64),
    Bool(bool),
    FormulaText(String),
    FormulaNumber(f64),
    Blank,
}

fn gen_cell() -> impl Strategy<Value = Gen> {
    let text = || prop::string::string_regex("[ a-zA-Z0-9中文网格&<>\"'_\t]{0,12}").unwrap();
    prop_oneof![
        text().prop_map(Gen::Text),
        prop::sample::select(vec![" 前后空格 ", "_x000D_", "a&amp;b", "x\ny", "0001", "TRUE"])
            .prop_map(|s| Gen::Text(s.to_string())),
        (-1e12f64..1e12).prop_map(Gen::Number),
        prop::sample::select(vec![0.1, 1e-7, 123456789012.5, -0.0, 1e20, 3.0]).prop_map(Gen::Number),
        (1.0f64..60000.0).prop_map(Gen::Date),
        (0.0f64..3.0).prop_map(Gen::Duration),
        any::<bool>().prop_map(Gen::Bool),
        text().prop_map(Gen::FormulaText),
        (-1e6f64..1e6).prop_map(Gen::FormulaNumber),
        Just(Gen::Blank),
    ]
}

fn write_cells(ws: &mut Worksheet, rows: &[Vec<Gen>], skip_every: usize) {
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let duration = Format::new().set_num_format("[h]:mm");
    let blank = Format::new().set_bold();
    for (r, row) in rows.iter().enumerate() {
        // Gaps between rows, so that row numbers must come from the file.
        let rr = (r * skip_every) as u32;
        for (c, g) in row.iter().enumerate() {
            let c = c as u16;
            match g {
                Gen::Text(s) => ws.write_string(rr, c, s).map(|_| ()),
                Gen::Number(n) => ws.write_number(rr, c, *n).map(|_| ()),
                Gen::Date(n) => ws.write_number_with_format(rr, c, *n, &date).map(|_| ()),
                Gen::Duration(n) => ws.write_number_with_format(rr, c, *n, &duration).map(|_| ()),
                Gen::Bool(b) => ws.write_boolean(rr, c, *b).map(|_| ()),
                Gen::FormulaText(s) => ws
                    .write_formula(rr, c, Formula::new("=A1&\"\"").set_result(s.clone()))
                    .map(|_| ()),
                Gen::FormulaNumber(n) => ws
                    .write_formula(rr, c, Formula::new("=1+1").set_result(n.to_string()))
                    .map(|_| ()),
                Gen::Blank => ws.write_blank(rr, c, &blank).map(|_| ()),
            }
            .unwrap();
        }
    }
}

fn book_of(rows: &[Vec<Gen>], constant_memory: bool, skip_every: usize) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = if constant_memory {
        wb.add_worksheet_with_constant_memory().unwrap()
    } else {
        wb.add_worksheet()
    };
    write_cells(ws, rows, skip_every);
    wb.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Shared strings (a workbook as Excel writes it) and inline strings (as large exports
    /// are written), every kind of cell: the fast reader's rows are calamine's.
    #[test]
    fn reads_generated_sheets_exactly_as_calamine(
        rows in prop::collection::vec(prop::collection::vec(gen_cell(), 0..8), 1..20),
        constant_memory in any::<bool>(),
        skip_every in 1usize..3,
    ) {
        let bytes = book_of(&rows, constant_memory, skip_every);
        let read = compare(&bytes);
        // Formula strings with a carriage return or an entity may be handed back; plain text
        // cells never are.
        let plain = rows.iter().flatten().all(|g| matches!(g, Gen::Number(_) | Gen::Date(_) | Gen::Bool(_) | Gen::Blank));
        if plain {
            prop_assert_eq!(read, 1);
        }
    }
}

#[test]
fn gives_up_on_rich_text_in_a_cell_and_calamine_reads_it() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    ws.set_name("花名册").unwrap();
    let bold = Format::new().set_bold();
    ws.write_string(0, 0, "编号").unwrap();
    ws.write_rich_string(1, 0, &[(&bold, "网格"), (&Format::default(), "员")])
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert_eq!(
        fast_rows(&bytes, "花名册"),
        None,
        "inline rich text is not the fast reader's"
    );
    let rows = calamine_rows(&bytes, "花名册");
    assert_eq!(rows[1].1[0], Data::String("网格员".into()));
}

#[test]
fn a_run_on_a_sheet_the_fast_reader_gives_up_on_scores_as_calamine_reads_it() {
    // The minimal fixture with its 花名册 written inline, one village in rich text: the run must
    // read it through calamine and show the village as calamine reads the cell.
    let dir = tempfile::tempdir().unwrap();
    let fixture = common::Fixture::minimal();
    let plain = fixture.write(dir.path());
    let expected = scores(&plain, &dir.path().join("plain"));

    let rich_dir = dir.path().join("rich");
    std::fs::create_dir(&rich_dir).unwrap();
    let p = rich_dir.join("input.xlsx");
    let mut wb = Workbook::new();
    for (name, rows) in &fixture.sheets {
        let ws = wb.add_worksheet_with_constant_memory().unwrap();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                if *name == "花名册" && r == 1 && c == 2 {
                    // The first worker's village, split into two runs.
                    let split = v.char_indices().nth(1).unwrap().0;
                    let bold = Format::new().set_bold();
                    ws.write_rich_string(
                        r as u32,
                        c as u16,
                        &[(&bold, &v[..split]), (&Format::default(), &v[split..])],
                    )
                    .unwrap();
                } else {
                    ws.write_string(r as u32, c as u16, v).unwrap();
                }
            }
        }
    }
    wb.save(&p).unwrap();
    let bytes = std::fs::read(&p).unwrap();
    assert_eq!(fast_rows(&bytes, "花名册"), None);
    assert_eq!(scores(&p, &dir.path().join("rich-out")), expected);
}

/// A yangkou 2026Q3 run on `input`, its scores.csv rows.
fn scores(input: &std::path::Path, out: &std::path::Path) -> Vec<common::Row> {
    common::gridscore()
        .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "-q", "--input"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    common::csv_rows(&out.join("scores.csv"))
}

/// A workbook with its zip rewritten: each part renamed and edited by `edit`.
fn rezip(bytes: &[u8], edit: impl Fn(&str, String) -> (String, String)) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        let (name, text) = edit(&name, text);
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A small dated sheet: a header, then two rows with a date, a time and a text each.
fn dated_book() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("考勤").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("hh:mm");
    for (c, h) in ["编号", "日期", "签到时间"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=2u32 {
        ws.write_string(r, 0, format!("00{r}")).unwrap();
        ws.write_number_with_format(r, 1, 44000.0 + f64::from(r), &date)
            .unwrap();
        ws.write_number_with_format(r, 2, 0.375, &time).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The rows gridscore reads from a sheet: the fast reader's, or calamine's where it gives up.
fn read_rows(bytes: &[u8], sheet: &str) -> Rows {
    fast_rows(bytes, sheet).unwrap_or_else(|| calamine_rows(bytes, sheet))
}

/// Issue 13, 8: a styles part named `xl/Styles.xml`, or parts named with backslashes, were
/// read with every cell unformatted (a date column became plain numbers). Excel, LibreOffice
/// and calamine look parts up case-insensitively, as ECMA-376 Part 2 says.
#[test]
fn parts_named_in_another_case_or_with_backslashes_read_as_calamine_reads_them() {
    let plain = dated_book();
    let expected = calamine_rows(&plain, "考勤");
    assert!(
        matches!(expected[1].1[1], Data::DateTime(_)),
        "the date is a date: {expected:?}"
    );
    let capitalised = rezip(&plain, |name, text| match name {
        "xl/styles.xml" => ("xl/Styles.xml".into(), text),
        "xl/worksheets/sheet1.xml" => ("XL/Worksheets/Sheet1.xml".into(), text),
        _ => (name.into(), text),
    });
    let backslashed = rezip(&plain, |name, text| (name.replace('/', "\\"), text));
    for (what, bytes) in [("capitalised", &capitalised), ("backslashed", &backslashed)] {
        assert_eq!(
            calamine_rows(bytes, "考勤"),
            expected,
            "calamine reads the {what} workbook as the plain one"
        );
        assert_eq!(read_rows(bytes, "考勤"), expected, "and so does gridscore ({what})");
    }
    assert!(
        fast_rows(&capitalised, "考勤").is_some(),
        "the fast reader reads it, not gives up"
    );
}

#[test]
fn a_1904_workbook_reads_its_dates_in_the_1904_system() {
    let plain = dated_book();
    let b1904 = rezip(&plain, |name, text| {
        if name == "xl/workbook.xml" {
            let text = if text.contains("<workbookPr") {
                text.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
            } else {
                text.replacen("<bookViews>", "<workbookPr date1904=\"1\"/><bookViews>", 1)
            };
            (name.into(), text)
        } else {
            (name.into(), text)
        }
    });
    let expected = calamine_rows(&b1904, "考勤");
    assert_eq!(read_rows(&b1904, "考勤"), expected);
    // Serial 44001 in 1904 is 2024-06-20, not the 1900 system's 2020-06-19.
    let Data::DateTime(d) = &expected[1].1[1] else {
        panic!("{expected:?}")
    };
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    assert_eq!((y, m, day), (2024, 6, 20));
}

#[test]
fn rows_out_of_order_or_twice_with_one_number_read_as_calamine_reads_them() {
    let plain = dated_book();
    let swapped = rezip(&plain, |name, text| {
        if name == "xl/worksheets/sheet1.xml" {
            // Row 3 before row 2.
            let (a, b) = (text.find("<row r=\"2\"").unwrap(), text.find("<row r=\"3\"").unwrap());
            let end = text.find("</sheetData>").unwrap();
            let swapped = format!("{}{}{}{}", &text[..a], &text[b..end], &text[a..b], &text[end..]);
            (name.into(), swapped)
        } else {
            (name.into(), text)
        }
    });
    assert_eq!(read_rows(&swapped, "考勤"), calamine_rows(&swapped, "考勤"));
    assert!(
        fast_rows(&swapped, "考勤").is_none(),
        "the fast reader hands it to calamine"
    );
    let twice = rezip(&plain, |name, text| {
        if name == "xl/worksheets/sheet1.xml" {
            (
                name.into(),
                text.replace("<row r=\"3\"", "<row r=\"2\"")
                    .replace("r=\"A3\"", "r=\"A2\"")
                    .replace("r=\"B3\"", "r=\"B2\"")
                    .replace("r=\"C3\"", "r=\"C2\""),
            )
        } else {
            (name.into(), text)
        }
    });
    assert_eq!(read_rows(&twice, "考勤"), calamine_rows(&twice, "考勤"));
}

#[test]
fn two_parts_equal_but_for_case_are_refused() {
    let plain = dated_book();
    let mut zip = zip::ZipArchive::new(Cursor::new(&plain[..])).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
    let doubled = {
        use std::io::Write;
        let base = rezip(&plain, |n, t| (n.into(), t));
        let mut z = zip::ZipWriter::new_append(Cursor::new(base)).unwrap();
        z.start_file("xl/worksheets/Sheet1.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(sheet.replace("001", "999").as_bytes()).unwrap();
        z.finish().unwrap().into_inner()
    };
    // The English message is asserted; this test runs the library in its own process.
    gridscore::i18n::set(gridscore::i18n::Lang::En);
    let e = gridscore::input::xlsx::check_parts(&doubled).unwrap_err();
    assert!(
        e.contains("xl/worksheets/sheet1.xml and xl/worksheets/Sheet1.xml differ only in case"),
        "{e}"
    );
}
