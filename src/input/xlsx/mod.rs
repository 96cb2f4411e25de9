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
//!
//! Here: the workbook's parts. `rows.rs`: the scanner of a sheet's rows. `limits.rs`: the
//! limits its inflated XML is held to, and the row count a sheet declares.
use super::source::{Merges, RowSource};
use calamine::{Data, Dimensions, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::{Cursor, Read};

mod limits;
mod rows;
pub use limits::*;
pub use rows::*;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_found_where_a_substring_search_finds_it() {
        // Every haystack of up to six bytes from an alphabet of the tags' own characters, for
        // each tag sought and one that does not begin with `<`.
        let alphabet = b"<>/vrowx";
        let needles: [&[u8]; 7] = [b"</v>", b"</f>", b"</is>", b"</row>", b"<sheetData", b"<", b"v>"];
        let mut hay = Vec::new();
        for len in 0..=6u32 {
            for mut k in 0..alphabet.len().pow(len) {
                hay.clear();
                for _ in 0..len {
                    hay.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                for n in needles {
                    assert_eq!(rows::find_tag(&hay, n), memchr::memmem::find(&hay, n), "{hay:?} {n:?}");
                }
            }
        }
        let xml = b"<c r=\"A1\"><v>1</v></c><c r=\"B1\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
        for n in needles {
            assert_eq!(rows::find_tag(xml, n), memchr::memmem::find(xml, n), "{n:?}");
        }
    }

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
