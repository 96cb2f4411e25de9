//! The limits a workbook's inflated XML is held to as it is read (a hostile cell, a part past
//! its size), and a sheet's declared row count, read before the sheet itself.
use super::*;

/// How much inflated XML is read at a time.
pub(super) const CHUNK: usize = 256 * 1024;

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
pub(super) fn part_limit(name: &str) -> u64 {
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
    check_part_seeing(bytes, name, sheet, &mut |_| {})
}

/// [`check_part`], showing `see` each chunk of the inflated part as it is checked.
fn check_part_seeing(bytes: &[u8], name: &str, sheet: Option<&str>, see: &mut dyn FnMut(&[u8])) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    let entry = zip
        .by_name(name)
        .map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    check_entry_seeing(entry, name, sheet, see)
}

/// [`check_part`] for a worksheet, saying too whether it may merge cells: `false` when its
/// XML is ASCII-compatible (it holds `<sheetData`) and never holds the bytes `mergeCells`, so
/// that no `<mergeCells>` element, prefixed or not, can be in it and calamine's search for
/// one (a parse of the whole sheet, a third of a small run's time) would find none. A
/// UTF-16 part, or one naming `mergeCells` anywhere (even in a text), may.
pub fn check_sheet_part(bytes: &[u8], name: &str, sheet: &str) -> Result<bool, String> {
    let mut seen = [Seen::new(b"<sheetData"), Seen::new(b"mergeCells")];
    check_part_seeing(bytes, name, Some(sheet), &mut |chunk| {
        for s in &mut seen {
            s.look(chunk);
        }
    })?;
    let [sheet_data, merge_cells] = seen;
    Ok(!sheet_data.found || merge_cells.found)
}

/// Whether a needle of at most 16 bytes is in a text given chunk by chunk, across their joins.
struct Seen {
    finder: memchr::memmem::Finder<'static>,
    /// The previous chunk's last bytes, for a needle across the join.
    tail: Vec<u8>,
    found: bool,
}

impl Seen {
    fn new(needle: &'static [u8]) -> Seen {
        debug_assert!(needle.len() <= 16);
        Seen {
            finder: memchr::memmem::Finder::new(needle),
            tail: Vec::with_capacity(32),
            found: false,
        }
    }

    fn look(&mut self, chunk: &[u8]) {
        if self.found || chunk.is_empty() {
            return;
        }
        let keep = self.finder.needle().len() - 1;
        // Across the join: the previous chunks' last bytes, then this one's first.
        self.tail.extend_from_slice(&chunk[..chunk.len().min(keep)]);
        if self.finder.find(&self.tail).is_some() || self.finder.find(chunk).is_some() {
            self.found = true;
            return;
        }
        // The last bytes seen, for the next join: this chunk's, or, for a chunk shorter than
        // the needle, the join's.
        if chunk.len() >= keep {
            self.tail.clear();
            self.tail.extend_from_slice(&chunk[chunk.len() - keep..]);
        } else {
            let from = self.tail.len().saturating_sub(keep);
            self.tail.drain(..from);
        }
    }
}

pub(super) fn check_entry(entry: impl Read, name: &str, sheet: Option<&str>) -> Result<(), String> {
    check_entry_seeing(entry, name, sheet, &mut |_| {})
}

/// [`check_entry`], showing `see` each chunk of the inflated part as it is checked.
fn check_entry_seeing(
    mut entry: impl Read,
    name: &str,
    sheet: Option<&str>,
    see: &mut dyn FnMut(&[u8]),
) -> Result<(), String> {
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
        see(&buf[..n]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_needle_is_seen_however_the_text_is_cut_into_chunks() {
        let text = b"<worksheet><sheetData><row/></sheetData><mergeCells count=\"1\"/></worksheet>";
        for needle in [&b"<sheetData"[..], b"mergeCells", b"<w", b"t>"] {
            let whole = memchr::memmem::find(text, needle).is_some();
            // Every cut into two, and chunks of every size from one byte.
            for cut in 0..=text.len() {
                let mut s = Seen::new(needle);
                s.look(&text[..cut]);
                s.look(&text[cut..]);
                assert_eq!(s.found, whole, "{needle:?} cut at {cut}");
            }
            for size in 1..=text.len() {
                let mut s = Seen::new(needle);
                for chunk in text.chunks(size) {
                    s.look(chunk);
                }
                assert_eq!(s.found, whole, "{needle:?} in chunks of {size}");
            }
        }
        // Not there: never seen, however cut.
        let mut s = Seen::new(b"mergeCells");
        for chunk in b"<sheetData>mergeCell</sheetData>mergeCel".chunks(3) {
            s.look(chunk);
        }
        assert!(!s.found);
    }

    /// A workbook of one sheet whose XML is `sheet`.
    fn book(sheet: &[u8]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, sheet).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_sheet_may_merge_cells_unless_it_never_names_merge_cells() {
        let may = |xml: &[u8]| check_sheet_part(&book(xml), "xl/worksheets/sheet1.xml", "花名册").unwrap();
        assert!(!may(b"<worksheet><sheetData><row r=\"1\"/></sheetData></worksheet>"));
        assert!(may(
            b"<worksheet><sheetData/><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>"
        ));
        assert!(
            may(b"<x:worksheet><x:sheetData/><x:mergeCells/></x:worksheet>"),
            "prefixed"
        );
        // Named in a text, where no element is: may all the same (calamine is asked).
        assert!(may(
            b"<worksheet><sheetData><is><t>mergeCells</t></is></sheetData></worksheet>"
        ));
        // UTF-16: its ASCII bytes are not its text; calamine is asked.
        let utf16: Vec<u8> = "<worksheet><sheetData/></worksheet>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(may(&utf16));
    }
}
