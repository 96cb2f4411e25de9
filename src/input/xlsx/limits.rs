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
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    let entry = zip
        .by_name(name)
        .map_err(|e| msg!("in-workbook-unreadable", error = e))?;
    check_entry(entry, name, sheet)
}

pub(super) fn check_entry(mut entry: impl Read, name: &str, sheet: Option<&str>) -> Result<(), String> {
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
