//! Bounded resources (issue 13, 6): hostile files end in a clear error naming file, sheet and
//! cell, within bounded memory — each run here has an address-space limit of 1 GiB (setrlimit),
//! under which the valid example runs, and which every hostile file below used to blow through
//! (a 3 GB cell in a 3 MB workbook, a 100 MB shared string, a 600 MB line, a million-row
//! roster), ending in an allocation failure and an abort. A named pipe no longer hangs.
mod common;
use common::Fixture;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const LIMIT: u64 = 1 << 30;

/// Runs gridscore with its address space limited to [`LIMIT`].
fn limited(args: &[&std::ffi::OsStr]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("gridscore"));
    // The messages asserted are the English ones.
    c.env("LANG", "en_US.UTF-8");
    c.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setrlimit is async-signal-safe; the closure allocates nothing.
    unsafe {
        c.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: LIMIT,
                rlim_max: LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    c.output().unwrap()
}

fn quarter(input: &Path, out: &Path) -> Output {
    limited(&[
        "quarter".as_ref(),
        "--scheme".as_ref(),
        "yangkou".as_ref(),
        "--period".as_ref(),
        "2026Q3".as_ref(),
        "--input".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ])
}

/// Asserts exit 1 (not an abort), the message, and that nothing was written.
fn fails_with(o: &Output, said: &[&str], out: &Path) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for s in said {
        assert!(err.contains(s), "{s}: {err}");
    }
    assert!(!out.exists());
}

/// A part of a zip: its name, and its bytes as a head, `repeat` copies of one byte, a tail.
struct Part {
    name: &'static str,
    head: Vec<u8>,
    fill: u8,
    repeat: u64,
    tail: Vec<u8>,
}

fn part(name: &'static str, text: &str) -> Part {
    Part {
        name,
        head: text.as_bytes().to_vec(),
        fill: b' ',
        repeat: 0,
        tail: Vec::new(),
    }
}

/// Writes a zip whose parts are deflated as a stream of fully flushed blocks: a mebibyte of
/// one byte compresses to the same few hundred bytes every time, so a part of gigabytes costs
/// a few megabytes and no time to make. The CRCs are right (crc32fast combines the pieces).
fn write_zip(path: &Path, parts: &[Part]) {
    use flate2::{Compress, Compression, FlushCompress};
    let deflate = |c: &mut Compress, input: &[u8], flush: FlushCompress| -> Vec<u8> {
        let mut out = Vec::with_capacity(input.len() / 2 + 1024);
        let mut at = 0;
        loop {
            out.reserve(64 * 1024);
            let before = c.total_in();
            c.compress_vec(&input[at..], &mut out, flush).unwrap();
            at += (c.total_in() - before) as usize;
            if at == input.len() && out.len() < out.capacity() {
                return out;
            }
        }
    };
    let mut file: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    for p in parts {
        let mut c = Compress::new(Compression::best(), false);
        let mut data = deflate(&mut c, &p.head, FlushCompress::Full);
        let mut crc = crc32fast::Hasher::new();
        crc.update(&p.head);
        const MIB: u64 = 1 << 20;
        if p.repeat > 0 {
            let chunk = vec![p.fill; MIB as usize];
            let block = deflate(&mut c, &chunk, FlushCompress::Full);
            let again = deflate(&mut c, &chunk, FlushCompress::Full);
            assert_eq!(
                block, again,
                "a fully flushed block does not depend on what came before"
            );
            let mut chunk_crc = crc32fast::Hasher::new();
            chunk_crc.update(&chunk);
            for _ in 0..p.repeat / MIB {
                data.extend_from_slice(&block);
                crc.combine(&chunk_crc);
            }
            let rest = vec![p.fill; (p.repeat % MIB) as usize];
            data.extend(deflate(&mut c, &rest, FlushCompress::Full));
            crc.update(&rest);
            // The second block above (`again`) was compressed but not used: a fresh stream
            // for the rest would be the same, since a full flush resets the window.
        }
        data.extend(deflate(&mut c, &p.tail, FlushCompress::Finish));
        crc.update(&p.tail);
        let size = p.head.len() as u64 + p.repeat + p.tail.len() as u64;
        let (crc, size) = (crc.finalize(), u32::try_from(size).unwrap());
        let offset = u32::try_from(file.len()).unwrap();
        let name = p.name.as_bytes();
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // made by
            }
            h.extend(20u16.to_le_bytes()); // needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(8u16.to_le_bytes()); // deflate
            h.extend(0u32.to_le_bytes()); // time, date
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0u8; 6]); // comment length, disk, internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(name);
            h
        };
        file.extend(header(0x0403_4b50, false));
        file.extend(&data);
        central.extend(header(0x0201_4b50, true));
    }
    let at = file.len() as u32;
    let n = parts.len() as u16;
    file.extend(&central);
    file.extend(0x0605_4b50u32.to_le_bytes());
    file.extend([0u8; 4]);
    file.extend(n.to_le_bytes());
    file.extend(n.to_le_bytes());
    file.extend((central.len() as u32).to_le_bytes());
    file.extend(at.to_le_bytes());
    file.extend(0u16.to_le_bytes());
    std::fs::write(path, file).unwrap();
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A roster workbook (sheet 花名册) whose sheet and shared strings are given, beside the rest
/// of the minimal fixture as CSV files.
fn hostile_roster(dir: &Path, sheet: Part, strings: Part) -> std::path::PathBuf {
    let mut f = Fixture::minimal();
    f.sheets.retain(|(n, _)| *n != "花名册");
    let folder = f.write_csv(dir);
    write_zip(
        &folder.join("花名册.xlsx"),
        &[
            part("[Content_Types].xml", CONTENT_TYPES),
            part("_rels/.rels", RELS),
            part("xl/workbook.xml", WORKBOOK),
            part("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            strings,
            sheet,
        ],
    );
    folder
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E3"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>编号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c><c r="C1" t="inlineStr"><is><t>村(社区)</t></is></c><c r="D1" t="inlineStr"><is><t>岗位</t></is></c><c r="E1" t="inlineStr"><is><t>备注</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>001</t></is></c>"#;
const SHEET_TAIL: &str = r#"<c r="C2" t="inlineStr"><is><t>东村</t></is></c><c r="D2" t="inlineStr"><is><t>兼职网格员</t></is></c></row></sheetData></worksheet>"#;
const NO_STRINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#;

#[test]
fn a_three_gigabyte_cell_in_a_small_workbook_is_refused_at_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = Part {
        name: "xl/worksheets/sheet1.xml",
        head: format!(r#"{SHEET_HEAD}<c r="B2" t="inlineStr"><is><t>"#).into_bytes(),
        fill: b'a',
        repeat: 3 << 30,
        tail: format!("</t></is></c>{SHEET_TAIL}").into_bytes(),
    };
    let input = hostile_roster(dir.path(), sheet, part("xl/sharedStrings.xml", NO_STRINGS));
    assert!(std::fs::metadata(input.join("花名册.xlsx")).unwrap().len() < 20 << 20);
    let out = dir.path().join("run");
    let o = quarter(&input, &out);
    fails_with(
        &o,
        &[
            "花名册.xlsx",
            "a cell of at most 32767 characters",
            "花名册!B2 holds a longer text",
        ],
        &out,
    );
}

#[test]
fn a_one_gigabyte_note_in_a_column_no_rule_reads_is_refused_too() {
    // The 备注 column is not the contract's, but the reader holds every cell of a row.
    let dir = tempfile::tempdir().unwrap();
    let sheet = Part {
        name: "xl/worksheets/sheet1.xml",
        head: format!(r#"{SHEET_HEAD}<c r="B2" t="inlineStr"><is><t>甲</t></is></c><c r="E2" t="inlineStr"><is><t>"#)
            .into_bytes(),
        fill: b'x',
        repeat: 1 << 30,
        tail: format!("</t></is></c>{SHEET_TAIL}")
            .replace("<c r=\"C2\"", "<c r=\"F2\"")
            .into_bytes(),
    };
    let input = hostile_roster(dir.path(), sheet, part("xl/sharedStrings.xml", NO_STRINGS));
    let out = dir.path().join("run");
    let o = quarter(&input, &out);
    fails_with(&o, &["花名册!E2 holds a longer text"], &out);
}

#[test]
fn a_hundred_megabyte_shared_string_is_refused_before_it_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let strings = Part {
        name: "xl/sharedStrings.xml",
        head: br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#.to_vec(),
        fill: b'z',
        repeat: 100 << 20,
        tail: b"</t></si></sst>".to_vec(),
    };
    let sheet = part(
        "xl/worksheets/sheet1.xml",
        &format!(r#"{SHEET_HEAD}<c r="B2" t="s"><v>0</v></c>{SHEET_TAIL}"#),
    );
    let input = hostile_roster(dir.path(), sheet, strings);
    assert!(std::fs::metadata(input.join("花名册.xlsx")).unwrap().len() < 1 << 20);
    let out = dir.path().join("run");
    let o = quarter(&input, &out);
    fails_with(&o, &["花名册.xlsx", "xl/sharedStrings.xml holds a longer one"], &out);
}

#[test]
fn a_csv_file_of_one_enormous_line_is_refused_as_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = Fixture::minimal().write_csv(dir.path());
    let mut f = std::fs::File::create(folder.join("考勤.csv")).unwrap();
    f.write_all("编号,日期,状态\n001,2026-07-01,".as_bytes()).unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..600 {
        f.write_all(&block).unwrap();
    }
    drop(f);
    let out = dir.path().join("run");
    let o = quarter(&folder, &out);
    fails_with(&o, &["考勤.csv", "lines are at most 4 MiB; line 2 is longer"], &out);
}

#[test]
fn a_roster_of_a_million_rows_is_refused_while_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = Fixture::minimal().write_csv(dir.path());
    let mut text = String::with_capacity(30 << 20);
    text.push_str("编号,姓名,村(社区),岗位\n");
    for i in 0..1_048_575u32 {
        text.push_str(&format!("{i:07},甲{i},东村,兼职网格员\n"));
    }
    std::fs::write(folder.join("花名册.csv"), text).unwrap();
    let out = dir.path().join("run");
    let o = quarter(&folder, &out);
    fails_with(&o, &["花名册!200002", "a roster of at most 200000 subjects"], &out);
}

#[test]
fn the_valid_example_runs_under_the_same_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let o = quarter(Path::new("examples/yangkou"), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_named_pipe_given_as_input_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("花名册.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out = dir.path().join("run");
    let start = std::time::Instant::now();
    let o = quarter(&fifo, &out);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "it did not wait on the pipe"
    );
    fails_with(
        &o,
        &[
            "花名册.csv",
            "a regular file (a workbook or a .csv file); this is a named pipe (FIFO)",
        ],
        &out,
    );
}

/// A 明细 past a sheet's 1,048,575 rows goes on in 明细2, 明细3 … (the test hook
/// `GRIDSCORE_TEST_DETAIL_ROWS` puts the line at 50 rows), every row once, each sheet headed.
#[test]
fn a_detail_sheet_past_its_rows_goes_on_in_the_next_sheet() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let (whole, split) = (dir.path().join("whole"), dir.path().join("split"));
    for (out, rows) in [(&whole, None), (&split, Some("50"))] {
        let mut c = common::yangkou_quarter(out);
        if let Some(n) = rows {
            c.env("GRIDSCORE_TEST_DETAIL_ROWS", n);
        }
        c.assert().success();
    }
    let rows_of = |dir: &Path| -> Vec<(String, Vec<Vec<String>>)> {
        let mut wb: Xlsx<_> = open_workbook(dir.join("score-2026Q3.xlsx")).unwrap();
        wb.sheet_names()
            .into_iter()
            .filter(|n| n.starts_with("明细"))
            .map(|n| {
                let range = wb.worksheet_range(&n).unwrap();
                let rows = range
                    .rows()
                    .map(|r| r.iter().map(|c| c.to_string()).collect())
                    .collect();
                (n, rows)
            })
            .collect()
    };
    let (one, many) = (rows_of(&whole), rows_of(&split));
    assert_eq!(one.len(), 1);
    let lines = one[0].1.len() - 1;
    assert_eq!(many.len(), lines.div_ceil(50), "{lines} rows, 50 a sheet");
    for (k, (name, rows)) in many.iter().enumerate() {
        let want = if k == 0 {
            "明细".to_string()
        } else {
            format!("明细{}", k + 1)
        };
        assert_eq!(name, &want);
        assert_eq!(rows[0], one[0].1[0], "{name} has the header");
    }
    let joined: Vec<&Vec<String>> = many.iter().flat_map(|(_, r)| r[1..].iter()).collect();
    let original: Vec<&Vec<String>> = one[0].1[1..].iter().collect();
    assert_eq!(joined, original, "every row once, in order");
}
