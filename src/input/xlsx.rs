//! A fast reader for the usual shape of `.xlsx` worksheets, with calamine behind it.
//!
//! Why it exists: calamine's cell reader walks a sheet through a general XML parser (quick-xml
//! events, attribute iterators, a buffer copy per value). On a county's 巡查 sheet, 240 MB of
//! XML, that was most of a run, on one core (issue #6). This reader scans the bytes of
//! `<row>`, `<c>`, `<v>`, `<f>` and `<is><t>` directly.
//!
//! It accepts only what it understands exactly as calamine 0.38 does, and gives up on anything
//! else: rich text or phonetic runs in a cell, entities in a number, error cells (`t="e"`), ISO
//! dates (`t="d"`), `_xHHHH_` escapes, carriage returns, prefixed element names, a cell that
//! names another row, a number that is not plain decimal notation. Giving up is never an error:
//! the caller reads the sheet again with calamine, from the start. So every value is the one
//! calamine would give, by construction and by test (`tests/xlsx_reader.rs` compares every
//! cell of generated workbooks, of every shape, with calamine's).
//!
//! The workbook's parts (sheet paths, shared strings, number formats, the 1904 flag) are read
//! once per file with quick-xml, following calamine's own code for them; the number-format
//! detection below is calamine's (MIT, © Johann Tuffe), kept in step with the version in
//! Cargo.lock.
use super::source::{Merges, RowSource};
use calamine::{Data, Dimensions, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// Why the fast reader gave up; the sheet is then read by calamine.
#[derive(Debug, Clone, PartialEq)]
pub struct GaveUp(pub &'static str);

type Fast<T> = Result<T, GaveUp>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Other,
    DateTime,
    TimeDelta,
}

/// A workbook's parts that its sheets' cells refer to.
pub struct Book {
    /// Sheet name → the zip entry of its XML.
    sheets: HashMap<String, String>,
    strings: Vec<String>,
    formats: Vec<Format>,
    is_1904: bool,
}

fn xml_reader<R: std::io::BufRead>(r: R) -> quick_xml::Reader<R> {
    // The configuration calamine reads every part with.
    let mut x = quick_xml::Reader::from_reader(r);
    let c = x.config_mut();
    c.check_end_names = false;
    c.trim_text(false);
    c.check_comments = false;
    c.expand_empty_elements = true;
    x
}

/// A part name as the standard compares them (ECMA-376 Part 2: case-insensitively), with
/// backslashes as slashes — how calamine looks parts up, and how Excel and LibreOffice read them.
pub fn normal_name(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// The zip's entry names by their normal form ([`normal_name`]). Two entries equal but for
/// case are refused: the standard forbids them, and readers would pick different ones.
pub fn part_names(zip: &zip::ZipArchive<Cursor<&[u8]>>) -> Result<HashMap<String, String>, String> {
    let mut names: HashMap<String, String> = HashMap::with_capacity(zip.len());
    for n in zip.file_names() {
        let n = n.map_err(|e| msg!("in-workbook-unreadable", error = e))?;
        if let Some(other) = names.insert(normal_name(&n), n.to_string()) {
            return Err(msg!("in-parts-case", first = other, second = n));
        }
    }
    Ok(names)
}

fn part(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    names: &HashMap<String, String>,
    name: &str,
) -> Fast<Option<Vec<u8>>> {
    let Some(name) = names.get(&normal_name(name)) else {
        return Ok(None);
    };
    match zip.by_name(name) {
        Ok(mut f) => {
            let mut v = Vec::new();
            f.read_to_end(&mut v)
                .map_err(|_| GaveUp("a part that does not inflate"))?;
            Ok(Some(v))
        }
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(_) => Err(GaveUp("an unreadable zip")),
    }
}

fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Fast<Option<String>> {
    for a in e.attributes() {
        let a = a.map_err(|_| GaveUp("a malformed attribute"))?;
        if a.key.as_ref() == name {
            // As calamine's decode_attr: entities resolved, nothing normalised.
            let v = quick_xml::escape::unescape(&a.value).map_err(|_| GaveUp("an attribute with an unknown entity"))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

impl Book {
    /// Reads the parts of a workbook in the standard layout (`xl/workbook.xml`).
    pub fn open(bytes: &[u8]) -> Fast<Book> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| GaveUp("an unreadable zip"))?;
        let names = part_names(&zip).map_err(|_| GaveUp("parts equal but for case"))?;
        let root = part(&mut zip, &names, "_rels/.rels")?.ok_or(GaveUp("no _rels/.rels"))?;
        if memchr::memmem::find(&root, b"Target=\"xl/workbook.xml\"").is_none() {
            return Err(GaveUp("a workbook outside xl/workbook.xml"));
        }
        let wb = part(&mut zip, &names, "xl/workbook.xml")?.ok_or(GaveUp("no xl/workbook.xml"))?;
        let rels = part(&mut zip, &names, "xl/_rels/workbook.xml.rels")?.ok_or(GaveUp("no workbook rels"))?;
        let mut targets: HashMap<String, String> = HashMap::new();
        let mut x = xml_reader(&rels[..]);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match x.read_event_into(&mut buf).map_err(|_| GaveUp("malformed rels"))? {
                Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                    if let (Some(id), Some(t)) = (attr(&e, "Id")?, attr(&e, "Target")?) {
                        let path = match t.strip_prefix('/') {
                            Some(abs) => abs.to_string(),
                            None => format!("xl/{t}"),
                        };
                        targets.insert(id, path);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let mut sheets = HashMap::new();
        let mut is_1904 = false;
        let mut x = xml_reader(&wb[..]);
        loop {
            buf.clear();
            match x
                .read_event_into(&mut buf)
                .map_err(|_| GaveUp("malformed workbook.xml"))?
            {
                Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                    let name = attr(&e, "name")?.ok_or(GaveUp("a sheet without a name"))?;
                    let id = attr(&e, "r:id")?.ok_or(GaveUp("a sheet without r:id"))?;
                    let path = targets.get(&id).ok_or(GaveUp("a sheet without a relationship"))?;
                    // The entry as the zip names it, found as the standard says.
                    let entry = names
                        .get(&normal_name(path))
                        .ok_or(GaveUp("a sheet part that is not there"))?;
                    sheets.insert(name, entry.clone());
                }
                Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                    if let Some(v) = attr(&e, "date1904")? {
                        is_1904 = v == "1" || v == "true";
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let strings = match part(&mut zip, &names, "xl/sharedStrings.xml")? {
            Some(sst) => shared_strings(&sst)?,
            None => Vec::new(),
        };
        let formats = match part(&mut zip, &names, "xl/styles.xml")? {
            Some(st) => number_formats(&st)?,
            None => Vec::new(),
        };
        Ok(Book {
            sheets,
            strings,
            formats,
            is_1904,
        })
    }

    /// The zip entry holding a sheet's XML.
    pub fn sheet_path(&self, name: &str) -> Option<&str> {
        self.sheets.get(name).map(String::as_str)
    }
}

/// `<si>` strings, as calamine reads them (rich runs joined, phonetic runs left out).
fn shared_strings(xml: &[u8]) -> Fast<Vec<String>> {
    let bad = |_| GaveUp("malformed sharedStrings.xml");
    let mut x = xml_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        buf.clear();
        match x.read_event_into(&mut buf).map_err(bad)? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                let name = e.name().as_ref().to_string();
                let mut rich: Option<String> = None;
                let mut phonetic = false;
                let mut inner = Vec::new();
                loop {
                    inner.clear();
                    match x.read_event_into(&mut inner).map_err(bad)? {
                        Event::Start(e) if e.local_name().as_ref() == "r" && rich.is_none() => {
                            rich = Some(String::new())
                        }
                        Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
                        Event::End(e) if e.name().as_ref() == name => break,
                        Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
                        Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                            let preserve = attr(&e, "xml:space")?.is_some_and(|v| v == "preserve");
                            let tname = e.name().as_ref().to_string();
                            let mut value = String::new();
                            let mut tb = Vec::new();
                            loop {
                                tb.clear();
                                match x.read_event_into(&mut tb).map_err(bad)? {
                                    Event::Text(t) => value.push_str(&t.xml10_content()),
                                    Event::CData(t) => value.push_str(&t.xml10_content()),
                                    Event::GeneralRef(r) => {
                                        if let Some(s) = quick_xml::escape::resolve_xml_entity(r.as_ref()) {
                                            value.push_str(s);
                                        } else if let Some(c) = r.resolve_char_ref().map_err(bad)? {
                                            value.push(c);
                                        } else {
                                            return Err(GaveUp("an unknown entity"));
                                        }
                                    }
                                    Event::End(end) if end.name().as_ref() == tname => break,
                                    Event::Eof => return Err(GaveUp("sharedStrings.xml ends early")),
                                    _ => {}
                                }
                            }
                            let value = if preserve {
                                unescape_xml(&value)
                            } else {
                                unescape_xml(value.trim_matches([' ', '\t', '\r', '\n']))
                            };
                            match &mut rich {
                                Some(s) => s.push_str(&value),
                                None => rich = Some(value),
                            }
                        }
                        Event::Eof => return Err(GaveUp("sharedStrings.xml ends early")),
                        _ => {}
                    }
                }
                out.push(rich.unwrap_or_default());
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => break,
            Event::Eof => return Err(GaveUp("sharedStrings.xml ends early")),
            _ => {}
        }
    }
    Ok(out)
}

/// The number format of every cell style (`cellXfs`), as date, duration or other.
fn number_formats(xml: &[u8]) -> Fast<Vec<Format>> {
    let bad = |_| GaveUp("malformed styles.xml");
    let mut x = xml_reader(xml);
    let mut buf = Vec::new();
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    let mut in_xfs = false;
    loop {
        buf.clear();
        match x.read_event_into(&mut buf).map_err(bad)? {
            Event::Start(e) if e.local_name().as_ref() == "numFmt" => {
                if let (Some(id), Some(code)) = (attr(&e, "numFmtId")?, attr(&e, "formatCode")?) {
                    custom.insert(id, code);
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = true,
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
            Event::Start(e) if in_xfs && e.local_name().as_ref() == "xf" => {
                out.push(match attr(&e, "numFmtId")? {
                    None => Format::Other,
                    Some(id) => match custom.get(&id) {
                        Some(code) => custom_format(code),
                        None => builtin_format(&id),
                    },
                });
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// calamine's `detect_custom_number_format`.
fn custom_format(format: &str) -> Format {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return Format::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return Format::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return Format::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => return Format::DateTime,
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    Format::Other
}

/// calamine's `builtin_format_by_id`.
fn builtin_format(id: &str) -> Format {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" => Format::DateTime,
        "27" | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51" | "52" | "53" | "54"
        | "55" | "56" | "57" | "58" => Format::DateTime,
        "46" => Format::TimeDelta,
        _ => Format::Other,
    }
}

/// calamine's `unescape_xml`: `_xHHHH_` is a UTF-16 code unit (`_x000D_` a carriage return).
fn unescape_xml(s: &str) -> String {
    fn unit(s: &str, i: usize) -> Option<u16> {
        let b = s.as_bytes().get(i..i + 7)?;
        if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
    }
    if !s.contains("_x") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = s[i..].find('_') {
        let at = i + off;
        let Some(u) = unit(s, at) else {
            i = at + 1;
            continue;
        };
        out.push_str(&s[copied..at]);
        let mut next = at + 7;
        match u {
            0xD800..=0xDBFF => match unit(s, next) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let cp = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                    next += 7;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = next;
        i = next;
    }
    out.push_str(&s[copied..]);
    out
}

/// How much inflated XML is read at a time.
const CHUNK: usize = 256 * 1024;

/// The most characters a cell holds in Excel (and so in any workbook a clerk saves).
pub const MAX_CELL_CHARS: usize = 32_767;

/// The longest run of XML bytes without a `<` that a valid part can hold: a text or an
/// attribute of [`MAX_CELL_CHARS`] characters, each written as the longest character
/// reference (`&#x10FFFF;`). A longer run is a hostile cell, refused as it is inflated — before
/// it is held — so a 3 MB workbook holding a 3 GB cell costs a few hundred kilobytes.
/// Larger than [`CHUNK`], so that only runs spanning reads need tracking.
pub const MAX_TEXT_BYTES: usize = MAX_CELL_CHARS * 10 + 64;

/// The most inflated bytes of one worksheet part (about four times a full sheet of Excel's
/// 1,048,576 rows of the contract's columns).
pub const MAX_SHEET_PART: u64 = 4 << 30;
/// The most inflated bytes of the shared-strings table.
pub const MAX_STRINGS_PART: u64 = 512 << 20;
/// The most inflated bytes of any other part (workbook, styles, relationships, themes).
pub const MAX_OTHER_PART: u64 = 64 << 20;

/// Tracks what a part's inflated bytes may not exceed ([`MAX_TEXT_BYTES`], a part's size) as
/// they arrive, chunk by chunk.
#[derive(Debug, Default)]
pub struct Bounds {
    /// Bytes since the last `<`.
    run: usize,
    total: u64,
    /// The bytes around the last `<` seen: they name the cell a long text is in.
    context: Vec<u8>,
}

impl Bounds {
    /// Takes the next inflated chunk of `part`; an error says which limit it passed.
    pub fn take(&mut self, chunk: &[u8], part: &str, limit: u64, sheet: Option<&str>) -> Result<(), String> {
        self.total += chunk.len() as u64;
        if self.total > limit {
            return Err(msg!("in-part-too-big-hostile", mib = limit >> 20, part = part));
        }
        match (memchr::memchr(b'<', chunk), memchr::memrchr(b'<', chunk)) {
            (Some(first), Some(last)) => {
                if self.run + first > MAX_TEXT_BYTES {
                    return Err(self.too_long(part, sheet));
                }
                self.run = chunk.len() - last - 1;
                self.context.clear();
                self.context
                    .extend_from_slice(&chunk[last.saturating_sub(400)..(last + 64).min(chunk.len())]);
            }
            _ => {
                self.run += chunk.len();
                if self.run > MAX_TEXT_BYTES {
                    return Err(self.too_long(part, sheet));
                }
            }
        }
        Ok(())
    }

    fn too_long(&self, part: &str, sheet: Option<&str>) -> String {
        // The last cell opened before the text, as `<c r="B2"`.
        let cell = memchr::memmem::rfind(&self.context, b"<c r=\"").and_then(|i| {
            let rest = &self.context[i + 6..];
            let end = memchr::memchr(b'"', rest)?;
            std::str::from_utf8(&rest[..end]).ok()
        });
        match (sheet, cell) {
            (Some(sheet), Some(cell)) => msg!(
                "in-cell-xml-too-long",
                most = MAX_CELL_CHARS,
                place = format!("{sheet}!{cell}"),
                kb = MAX_TEXT_BYTES / 1000
            ),
            _ => msg!(
                "in-part-text-too-long",
                most = MAX_CELL_CHARS,
                part = part,
                kb = MAX_TEXT_BYTES / 1000
            ),
        }
    }
}

/// The limit of a part, by its name (looked up as the standard says: case-insensitively).
fn part_limit(name: &str) -> u64 {
    let n = normal_name(name);
    if n.starts_with("xl/worksheets/") || n == "content.xml" {
        MAX_SHEET_PART
    } else if n.starts_with("xl/sharedstrings") {
        MAX_STRINGS_PART
    } else {
        MAX_OTHER_PART
    }
}

/// Inflates one part of a workbook, keeping nothing, to check it against its limits before a
/// reader that holds whole values (calamine) reads it. `sheet` names the sheet, for messages.
pub fn check_part(bytes: &[u8], name: &str, sheet: Option<&str>) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    let entry = zip
        .by_name(name)
        .map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    check_entry(entry, name, sheet)
}

fn check_entry(mut entry: impl Read, name: &str, sheet: Option<&str>) -> Result<(), String> {
    let xml = !name.to_ascii_lowercase().ends_with(".bin");
    let limit = part_limit(name);
    let mut bounds = Bounds::default();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match entry.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(msg!("in-part-not-inflating", part = name, error = e)),
        };
        if xml {
            bounds.take(&buf[..n], name, limit, sheet)?;
        } else {
            bounds.total += n as u64;
            if bounds.total > limit {
                return Err(msg!("in-part-too-big", mib = limit >> 20, part = name));
            }
        }
    }
}

/// Checks every part of a zip workbook except its worksheets (which are checked as they are
/// read, or before calamine reads them): calamine reads the shared strings, styles and the
/// workbook whole when it opens a file.
pub fn check_parts(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    part_names(&zip)?;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if normal_name(&name).starts_with("xl/worksheets/") || entry.is_dir() {
            continue;
        }
        check_entry(entry, &name, None)?;
    }
    Ok(())
}

/// The last row (zero-based) a worksheet's `<dimension>` declares, read as calamine's
/// `dimensions()` gives it (0 without one), inflating only the part before `<sheetData>`.
pub fn declared_rows(bytes: &[u8], name: &str, sheet: &str) -> Result<u32, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    let mut entry = zip
        .by_name(name)
        .map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    let mut bounds = Bounds::default();
    let mut head: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = entry
            .read(&mut buf)
            .map_err(|e| msg!("in-part-not-inflating", part = name, error = e))?;
        if n == 0 {
            break;
        }
        bounds.take(&buf[..n], name, MAX_SHEET_PART, Some(sheet))?;
        head.extend_from_slice(&buf[..n]);
        if memchr::memmem::find(&head, b"<sheetData").is_some() || head.len() > 4 * MAX_TEXT_BYTES {
            break;
        }
    }
    let Some(at) = memchr::memmem::find(&head, b"<dimension") else {
        return Ok(0);
    };
    let Some((gt, _)) = tag_end(&head, at) else {
        return Ok(0);
    };
    let Ok([Some(r)]) = attrs(&head[at + 10..gt], [b"ref"]) else {
        return Ok(0);
    };
    let last = r.rsplit(|b| *b == b':').next().unwrap_or(r);
    Ok(cell_ref(last).map_or(0, |(row, _)| row))
}

/// A sheet's rows, scanned from its XML as it inflates.
pub struct SheetRows<'b, R: Read> {
    src: R,
    book: &'b Book,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    started: bool,
    done: bool,
    row_index: u32,
    cells: Vec<Data>,
    merges: Option<Merges>,
    gave_up: Option<GaveUp>,
    /// The limits its XML is held to, and what passed one: an error, not a reason to give up
    /// (calamine would hold the whole value).
    bounds: Bounds,
    part: String,
    sheet: String,
    refused: Option<String>,
}

fn is_delim(b: Option<&u8>) -> bool {
    matches!(b, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

/// The index of the `>` ending the tag that opens at `lt`, and whether it is self-closing;
/// `None` when the slice ends first. Quotes are honoured: `>` may stand in an attribute value.
fn tag_end(s: &[u8], lt: usize) -> Option<(usize, bool)> {
    let mut quote = 0u8;
    for (i, &b) in s.iter().enumerate().skip(lt + 1) {
        match b {
            b'"' | b'\'' if quote == 0 => quote = b,
            q if q == quote && quote != 0 => quote = 0,
            b'>' if quote == 0 => return Some((i, s[i - 1] == b'/')),
            _ => {}
        }
    }
    None
}

/// The raw values of the attributes named in `want` (in its order) from a start tag's text.
fn attrs<'s, const N: usize>(mut s: &'s [u8], want: [&[u8]; N]) -> Fast<[Option<&'s [u8]>; N]> {
    let mut out = [None; N];
    loop {
        let start = s.iter().position(|b| !b.is_ascii_whitespace());
        let Some(start) = start else { return Ok(out) };
        s = &s[start..];
        if s == b"/" {
            return Ok(out);
        }
        let eq = memchr::memchr(b'=', s).ok_or(GaveUp("a malformed attribute"))?;
        let name = s[..eq].trim_ascii_end();
        let rest = s[eq + 1..].trim_ascii_start();
        let q = *rest.first().ok_or(GaveUp("a malformed attribute"))?;
        if q != b'"' && q != b'\'' {
            return Err(GaveUp("an unquoted attribute"));
        }
        let end = memchr::memchr(q, &rest[1..]).ok_or(GaveUp("a malformed attribute"))?;
        let value = &rest[1..1 + end];
        if let Some(i) = want.iter().position(|w| *w == name) {
            if value.contains(&b'&') {
                return Err(GaveUp("an entity in an attribute"));
            }
            out[i] = Some(value);
        }
        s = &rest[end + 2..];
    }
}

fn digits(s: &[u8]) -> Fast<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return Err(GaveUp("a malformed number"));
    }
    Ok(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `C17` → (16, 2).
fn cell_ref(s: &[u8]) -> Fast<(u32, u32)> {
    let letters = s.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if letters == 0 || letters > 3 {
        return Err(GaveUp("a cell reference it does not read"));
    }
    let col = s[..letters].iter().fold(0u32, |c, b| c * 26 + u32::from(b - b'A') + 1);
    let row = digits(&s[letters..])?;
    if row == 0 {
        return Err(GaveUp("row 0"));
    }
    Ok((row - 1, col - 1))
}

/// A plain decimal number, the only notation read here (`-12`, `0.5`, `4.6E+4`).
fn plain_number(s: &[u8]) -> Fast<f64> {
    let mut i = usize::from(s.first() == Some(&b'-'));
    let int = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    i += int;
    if int == 0 {
        return Err(GaveUp("a number it does not read"));
    }
    if s.get(i) == Some(&b'.') {
        let frac = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if frac == 0 {
            return Err(GaveUp("a number it does not read"));
        }
        i += 1 + frac;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 {
            return Err(GaveUp("a number it does not read"));
        }
        i += exp;
    }
    if i != s.len() {
        return Err(GaveUp("a number it does not read"));
    }
    // ASCII digits only, so valid UTF-8; Rust's parse rounds correctly, as calamine's does.
    std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or(GaveUp("a number it does not read"))
}

/// Text content with the five predefined entities and character references decoded.
fn text(s: &[u8]) -> Fast<String> {
    let s = std::str::from_utf8(s).map_err(|_| GaveUp("text that is not UTF-8"))?;
    if s.contains('\r') {
        return Err(GaveUp("a carriage return"));
    }
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';').ok_or(GaveUp("a malformed entity"))? + amp;
        let name = &rest[amp + 1..semi];
        match (quick_xml::escape::resolve_xml_entity(name), name.strip_prefix('#')) {
            (Some(v), _) => out.push_str(v),
            (None, Some(num)) => {
                let n = match num.strip_prefix('x') {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => num.parse(),
                }
                .map_err(|_| GaveUp("a malformed character reference"))?;
                // quick-xml refuses U+0000 and what is not a character; leave those to it.
                match char::from_u32(n).filter(|c| *c != '\0') {
                    Some(c) => out.push(c),
                    None => return Err(GaveUp("an odd character reference")),
                }
            }
            _ => return Err(GaveUp("an unknown entity")),
        }
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

impl<'b, R: Read> SheetRows<'b, R> {
    /// Reads the worksheet `part` (the sheet `sheet`) from its inflating entry `src`.
    pub fn new(src: R, book: &'b Book, merges: Option<Vec<Dimensions>>, part: &str, sheet: &str) -> SheetRows<'b, R> {
        SheetRows {
            bounds: Bounds::default(),
            part: part.to_string(),
            sheet: sheet.to_string(),
            refused: None,
            src,
            book,
            buf: Vec::with_capacity(2 * CHUNK),
            pos: 0,
            eof: false,
            started: false,
            done: false,
            row_index: 0,
            cells: Vec::new(),
            merges: Merges::new(merges),
            gave_up: None,
        }
    }

    /// Why it gave up, if it did: the sheet must then be read by calamine.
    pub fn gave_up(&self) -> Option<&GaveUp> {
        self.gave_up.as_ref()
    }

    /// Appends the next inflated chunk; false at the end of the entry.
    fn fill(&mut self) -> Fast<bool> {
        if self.eof {
            return Ok(false);
        }
        let len = self.buf.len();
        self.buf.resize(len + CHUNK, 0);
        let n = loop {
            match self.src.read(&mut self.buf[len..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.buf.truncate(len);
                    return Err(GaveUp("a sheet that does not inflate"));
                }
            }
        };
        self.buf.truncate(len + n);
        self.eof = n == 0;
        if let Err(e) = self
            .bounds
            .take(&self.buf[len..], &self.part, MAX_SHEET_PART, Some(&self.sheet))
        {
            self.refused = Some(e);
            return Err(GaveUp("a limit"));
        }
        Ok(n > 0)
    }

    /// The absolute index of `needle` at or after `from`, reading on as needed.
    fn find(&mut self, from: usize, needle: &[u8]) -> Fast<Option<usize>> {
        let mut at = from;
        loop {
            if let Some(i) = memchr::memmem::find(&self.buf[at..], needle) {
                return Ok(Some(at + i));
            }
            at = self.buf.len().saturating_sub(needle.len() - 1).max(from);
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// The end of the tag opening at `lt`, reading on as needed.
    fn tag(&mut self, lt: usize) -> Fast<(usize, bool)> {
        loop {
            if let Some(t) = tag_end(&self.buf, lt) {
                return Ok(t);
            }
            if !self.fill()? {
                return Err(GaveUp("a sheet that ends inside a tag"));
            }
        }
    }

    /// The next row that holds cells: its index, its cells in `self.cells`.
    fn next_cells(&mut self) -> Fast<Option<u32>> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            let at = self.find(0, b"<sheetData")?.ok_or(GaveUp("no <sheetData>"))?;
            if !is_delim(self.buf.get(at + 10)) {
                return Err(GaveUp("an odd <sheetData>"));
            }
            let (end, empty) = self.tag(at)?;
            self.started = true;
            self.pos = end + 1;
            if empty {
                self.done = true;
                return Ok(None);
            }
        }
        loop {
            // Keep the buffer short: drop what has been read, at a row boundary.
            if self.pos > 4 * CHUNK {
                self.buf.drain(..self.pos);
                self.pos = 0;
            }
            let lt = self
                .find(self.pos, b"<")?
                .ok_or(GaveUp("a sheet that ends inside <sheetData>"))?;
            while self.buf.len() < lt + 12 && self.fill()? {}
            let tail = &self.buf[lt..];
            if tail.starts_with(b"</sheetData") {
                self.done = true;
                return Ok(None);
            }
            if !(tail.starts_with(b"<row") && is_delim(tail.get(4))) {
                return Err(GaveUp("an element other than <row> in <sheetData>"));
            }
            let (gt, empty) = self.tag(lt)?;
            let [r] = attrs(&self.buf[lt + 4..gt], [b"r"])?;
            if let Some(r) = r {
                let r = digits(r)?.checked_sub(1).ok_or(GaveUp("row 0"))?;
                // A row numbered as or before the last one (two <row>s of one number, which
                // calamine merges; rows out of order) is calamine's to read.
                if r < self.row_index {
                    return Err(GaveUp("rows out of order"));
                }
                self.row_index = r;
            }
            if self.row_index >= 1_048_576 {
                return Err(GaveUp("a row past Excel's last"));
            }
            let row = self.row_index;
            if empty {
                self.row_index += 1;
                self.pos = gt + 1;
                continue;
            }
            let close = self
                .find(gt + 1, b"</row>")?
                .ok_or(GaveUp("a <row> that does not close"))?;
            self.cells.clear();
            let (buf, book) = (&self.buf, self.book);
            cells(&buf[gt + 1..close], row, book, &mut self.cells)?;
            self.pos = close + 6;
            self.row_index = self.row_index.checked_add(1).ok_or(GaveUp("too many rows"))?;
            if !self.cells.is_empty() {
                return Ok(Some(row));
            }
        }
    }
}

/// The cells of one row's content into `out`, which the caller has emptied (from column A,
/// blanks as `Data::Empty`; left empty for a row without cells).
fn cells(s: &[u8], row: u32, book: &Book, out: &mut Vec<Data>) -> Fast<()> {
    let mut col: u32 = 0;
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &s[i..]) {
        let lt = i + k;
        if !(s[lt + 1..].starts_with(b"c") && is_delim(s.get(lt + 2))) {
            return Err(GaveUp("an element other than <c> in a row"));
        }
        let (gt, empty) = tag_end(s, lt).ok_or(GaveUp("a malformed <c>"))?;
        let [r, style, ty] = attrs(&s[lt + 2..gt], [b"r", b"s", b"t"])?;
        if let Some(r) = r {
            let (cr, cc) = cell_ref(r)?;
            if cr != row {
                return Err(GaveUp("a cell that names another row"));
            }
            col = cc;
        }
        let mut value = Data::Empty;
        i = gt + 1;
        if !empty {
            // The cell's children, the last one giving the value (as calamine has it).
            loop {
                let k = memchr::memchr(b'<', &s[i..]).ok_or(GaveUp("a <c> that does not close"))?;
                let lt = i + k;
                if s[lt..].starts_with(b"</c>") {
                    i = lt + 4;
                    break;
                }
                let (gt, empty) = tag_end(s, lt).ok_or(GaveUp("a malformed tag"))?;
                let name_end = s[lt + 1..gt]
                    .iter()
                    .position(|b| is_delim(Some(b)))
                    .map_or(gt, |p| lt + 1 + p);
                let name = &s[lt + 1..name_end];
                let close = |tag: &[u8]| -> Fast<usize> {
                    memchr::memmem::find(&s[gt + 1..], tag)
                        .map(|p| gt + 1 + p)
                        .ok_or(GaveUp("an element that does not close"))
                };
                match name {
                    b"v" if empty => {
                        if !matches!(ty, None | Some(b"n" | b"s" | b"b" | b"inlineStr" | b"is")) {
                            return Err(GaveUp("an empty value of this type"));
                        }
                        value = Data::Empty;
                        i = gt + 1;
                    }
                    b"v" => {
                        let end = close(b"</v>")?;
                        value = cell_value(&s[gt + 1..end], style, ty, book)?;
                        i = end + 4;
                    }
                    b"f" => {
                        value = Data::Empty;
                        i = if empty { gt + 1 } else { close(b"</f>")? + 4 };
                    }
                    b"is" if empty => {
                        value = Data::String(String::new());
                        i = gt + 1;
                    }
                    b"is" => {
                        let end = close(b"</is>")?;
                        value = Data::String(inline_text(&s[gt + 1..end])?);
                        i = end + 5;
                    }
                    _ => return Err(GaveUp("a cell element it does not read")),
                }
            }
        }
        let c = col as usize;
        if c < out.len() {
            // A cell out of order: keep the last value, as the calamine path does.
            out[c] = value;
        } else {
            out.resize(c, Data::Empty);
            out.push(value);
        }
        col = col.checked_add(1).ok_or(GaveUp("too many columns"))?;
    }
    Ok(())
}

/// The content of `<is>`: one `<t>`, as calamine reads it (trimmed unless xml:space="preserve").
fn inline_text(s: &[u8]) -> Fast<String> {
    let s = s.trim_ascii();
    if s.is_empty() {
        return Ok(String::new());
    }
    if !(s.starts_with(b"<t") && is_delim(s.get(2))) {
        return Err(GaveUp("rich text in a cell"));
    }
    let (gt, empty) = tag_end(s, 0).ok_or(GaveUp("a malformed <t>"))?;
    let [space] = attrs(&s[2..gt], [b"xml:space"])?;
    let body = if empty {
        if gt + 1 != s.len() {
            return Err(GaveUp("rich text in a cell"));
        }
        &s[0..0]
    } else {
        if !s.ends_with(b"</t>") || gt + 1 > s.len() - 4 {
            return Err(GaveUp("rich text in a cell"));
        }
        &s[gt + 1..s.len() - 4]
    };
    if body.contains(&b'<') {
        return Err(GaveUp("rich text in a cell"));
    }
    let t = text(body)?;
    Ok(if space == Some(b"preserve") {
        unescape_xml(&t)
    } else {
        unescape_xml(t.trim_matches([' ', '\t', '\r', '\n']))
    })
}

/// A `<v>` as calamine's `read_v` reads it, for the types read here.
fn cell_value(v: &[u8], style: Option<&[u8]>, ty: Option<&[u8]>, book: &Book) -> Fast<Data> {
    if v.contains(&b'<') {
        return Err(GaveUp("markup inside <v>"));
    }
    match ty {
        Some(b"inlineStr" | b"is") => Ok(Data::Empty),
        Some(b"s") => {
            if v.is_empty() {
                return Ok(Data::Empty);
            }
            let i = digits(v)? as usize;
            book.strings
                .get(i)
                .map(|s| Data::String(s.clone()))
                .ok_or(GaveUp("a shared string that is not there"))
        }
        Some(b"b") => match v.trim_ascii() {
            b"" => Ok(Data::Empty),
            b"0" => Ok(Data::Bool(false)),
            b"1" => Ok(Data::Bool(true)),
            _ => Err(GaveUp("a boolean it does not read")),
        },
        Some(b"str") => {
            let t = text(v)?;
            Ok(Data::String(unescape_xml(&t)))
        }
        Some(b"n") | None => {
            if v.is_empty() {
                return Ok(Data::Empty);
            }
            let n = plain_number(v)?;
            let format = match style {
                Some(s) => book.formats.get(digits(s)? as usize).copied(),
                None => Some(Format::Other),
            };
            Ok(match format {
                Some(Format::DateTime) => {
                    Data::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::DateTime, book.is_1904))
                }
                Some(Format::TimeDelta) => {
                    Data::DateTime(ExcelDateTime::new(n, ExcelDateTimeType::TimeDelta, book.is_1904))
                }
                _ => Data::Float(n),
            })
        }
        _ => Err(GaveUp("a cell type it does not read")),
    }
}

impl<R: Read> RowSource for SheetRows<'_, R> {
    fn next_row(&mut self) -> Result<Option<(u32, &[Data])>, String> {
        loop {
            match self.next_cells() {
                Ok(None) => return Ok(None),
                Ok(Some(row)) => {
                    if let Some(m) = &mut self.merges {
                        m.apply(row, &mut self.cells);
                    }
                    if !super::table::is_blank(&self.cells) {
                        return Ok(Some((row, &self.cells)));
                    }
                }
                Err(_) if self.refused.is_some() => {
                    self.done = true;
                    return Err(self.refused.clone().unwrap_or_default());
                }
                Err(g) => {
                    let why = format!("(the fast reader gave up: {})", g.0);
                    self.gave_up = Some(g);
                    self.done = true;
                    return Err(why);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_plain_numbers_and_refuses_the_rest() {
        assert_eq!(plain_number(b"-12.5E+3"), Ok(-12500.0));
        assert_eq!(plain_number(b"46204"), Ok(46204.0));
        for odd in [&b"1."[..], b".5", b"1e", b" 1", b"inf", b"0x1", b""] {
            assert!(plain_number(odd).is_err(), "{odd:?}");
        }
    }

    #[test]
    fn reads_cell_references() {
        assert_eq!(cell_ref(b"A1"), Ok((0, 0)));
        assert_eq!(cell_ref(b"AB12"), Ok((11, 27)));
        assert!(cell_ref(b"a1").is_err());
        assert!(cell_ref(b"A0").is_err());
    }

    #[test]
    fn decodes_entities_and_excel_escapes_like_calamine() {
        assert_eq!(text(b"a&amp;b&#x4E2D;&#25991;").unwrap(), "a&b中文");
        assert!(text(b"&nbsp;").is_err());
        assert_eq!(unescape_xml("x_x000A_y"), "x\ny");
        assert_eq!(unescape_xml("_xD83D__xDCF7_"), "📷");
        assert_eq!(unescape_xml("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_xml("no escapes_x12"), "no escapes_x12");
    }

    #[test]
    fn trims_inline_text_unless_told_to_preserve_it() {
        // rust_xlsxwriter always marks such text xml:space="preserve"; other writers may not.
        assert_eq!(inline_text(b"<t> a b\n</t>").unwrap(), "a b");
        assert_eq!(inline_text(b"<t xml:space=\"preserve\"> a </t>").unwrap(), " a ");
        assert_eq!(inline_text(b" <t/> ").unwrap(), "");
        assert!(inline_text(b"<r><t>a</t></r>").is_err());
        assert!(inline_text(b"<t>a</t><rPh><t>b</t></rPh>").is_err());
    }

    #[test]
    fn finds_dates_in_number_formats() {
        assert_eq!(custom_format("yyyy-mm-dd"), Format::DateTime);
        assert_eq!(custom_format("[h]:mm"), Format::TimeDelta);
        assert_eq!(custom_format("0.00;[Red]-0.00"), Format::Other);
        assert_eq!(custom_format("\"day\" 0"), Format::Other);
        assert_eq!(builtin_format("14"), Format::DateTime);
        assert_eq!(builtin_format("2"), Format::Other);
    }
}
