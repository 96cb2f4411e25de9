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
    let entry = zip.by_name(book.sheet_path(sheet)?).unwrap();
    let mut rows = SheetRows::new(entry, &book, None);
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
