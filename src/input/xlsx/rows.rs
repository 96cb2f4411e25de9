//! The byte scanner of a worksheet's `<row>`, `<c>`, `<v>`, `<f>` and `<is><t>`: a sheet's rows
//! as they inflate, giving up (never guessing) on any shape calamine would read otherwise.
use super::*;

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

/// Where `needle` first is in `hay`, as `memchr::memmem::find` says; a needle beginning with
/// `<` (every tag sought here) is found by trying each `<` in turn. A tag is mostly sought a
/// few bytes ahead (`</v>` after a number), where building memmem's searcher on every call
/// cost more than the search: 2.7% of a batch of towns' CPU time.
pub(super) fn find_tag(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.first() != Some(&b'<') {
        return memchr::memmem::find(hay, needle);
    }
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &hay[at..]) {
        let p = at + i;
        // Compared byte by byte, not by `starts_with` (a call to memcmp for each `<` of a
        // row while its `</row>` is sought): most differ at their second or third byte.
        let here = &hay[p..];
        if here.len() >= needle.len() && needle.iter().zip(here).all(|(a, b)| a == b) {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

pub(super) fn is_delim(b: Option<&u8>) -> bool {
    matches!(b, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

/// The index of the `>` ending the tag that opens at `lt`, and whether it is self-closing;
/// `None` when the slice ends first. Quotes are honoured: `>` may stand in an attribute value.
pub(super) fn tag_end(s: &[u8], lt: usize) -> Option<(usize, bool)> {
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
pub(super) fn attrs<'s, const N: usize>(mut s: &'s [u8], want: [&[u8]; N]) -> Fast<[Option<&'s [u8]>; N]> {
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

pub(super) fn digits(s: &[u8]) -> Fast<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return Err(GaveUp("a malformed number"));
    }
    Ok(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `C17` → (16, 2).
pub(super) fn cell_ref(s: &[u8]) -> Fast<(u32, u32)> {
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
pub(super) fn plain_number(s: &[u8]) -> Fast<f64> {
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
pub(super) fn text(s: &[u8]) -> Fast<String> {
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
            if let Some(i) = find_tag(&self.buf[at..], needle) {
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
pub(super) fn cells(s: &[u8], row: u32, book: &Book, out: &mut Vec<Data>) -> Fast<()> {
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
                    find_tag(&s[gt + 1..], tag)
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
pub(super) fn inline_text(s: &[u8]) -> Fast<String> {
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
pub(super) fn cell_value(v: &[u8], style: Option<&[u8]>, ty: Option<&[u8]>, book: &Book) -> Fast<Data> {
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
                    if !super::super::table::is_blank(&self.cells) {
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
