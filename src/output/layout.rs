//! The printed page, computed: how wide a text is, on how many lines it wraps in a column, how
//! tall its row must be, where a header may break, and how a sheet of a given width goes onto A4.
//!
//! Why computed: a spreadsheet lays text out only when it opens the file, each client with its
//! own fonts. Excel never grows a row to fit wrapped text it did not wrap itself, so a long
//! cell at the default height shows one line (LibreOffice overprints the row above), and
//! fit-to-page shrinks a 30-column ranking to microscopic type. So every width and height is
//! set here, from measures that are generous for the fonts a Chinese office has (宋体 in Excel
//! and WPS; in LibreOffice on Linux, Noto CJK with DejaVu Sans for Latin, whose digits are a
//! third wider than 宋体's): a row a little taller than needed costs nothing, a row too short
//! hides text.
use unicode_width::UnicodeWidthChar;

/// One unit of column width is the width of a digit of the workbook's default font, Calibri
/// 11, and the file holds `w` units as `w + 5/7` (the cell's padding). Excel rounds the digit
/// to 7 pixels; LibreOffice takes it as it is, 7.43 pixels (Carlito, Calibri's metric twin), so
/// its columns are 6% wider: the page is planned for the wider.
pub fn column_pt(units: f64) -> f64 {
    (units + 5.0 / 7.0) * 7.45 * 0.75
}

/// The width of one character of 11-pt text, in column units: a CJK character is a full em
/// (11 pt); Latin letters and digits are as wide as DejaVu Sans's (the widest of the fonts
/// met), narrow punctuation and spaces about half that.
fn char_units(c: char) -> f64 {
    f64::from(char_twentieths(c)) / 20.0
}

/// [`char_units`] in twentieths of a unit, where every width is whole: a text's width is
/// then summed exactly, in integers (a province measures about five million cells).
fn char_twentieths(c: char) -> u32 {
    match c {
        c if c.is_ascii() => u32::from(ASCII_TWENTIETHS[c as usize]),
        // Every CJK unified ideograph is wide; asked first, as most of a sheet's text is.
        '\u{4E00}'..='\u{9FFF}' => WIDE,
        c => match c.width() {
            Some(2) => WIDE,
            Some(0) => 0,
            _ => u32::from(OTHER),
        },
    }
}

/// A wide (CJK) character, two columns: 2.1 units, in twentieths.
const WIDE: u32 = 42;
/// Any character not named otherwise: 1.35 units, in twentieths.
const OTHER: u8 = 27;

/// The widths of the ASCII characters, in twentieths of a unit: 0.7 narrow, 1.5 wide, 2.8 a
/// tab, 1.35 any other.
const ASCII_TWENTIETHS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b' ' | b'.' | b',' | b':' | b';' | b'\'' | b'|' | b'!' | b'i' | b'l' | b'j' | b'I' | b'(' | b')' | b'['
            | b']' => 14,
            b'A'..=b'Z' | b'm' | b'w' | b'@' | b'%' | b'&' | b'#' => 30,
            b'\t' => 56,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// The width of one line of text, in column units.
pub fn text_units(s: &str) -> f64 {
    let b = s.as_bytes();
    let twentieths: u64 = if b.is_ascii() {
        b.iter().map(|&c| u64::from(ASCII_TWENTIETHS[usize::from(c)])).sum()
    } else {
        s.chars().map(|c| u64::from(char_twentieths(c))).sum()
    };
    twentieths as f64 / 20.0
}

/// The widest line of a text that may hold line breaks.
pub fn widest_line(s: &str) -> f64 {
    s.split('\n').map(text_units).fold(0.0, f64::max)
}

/// What a cell's padding and the client's rounding take from a column's width.
const PADDING_UNITS: f64 = 1.0;

/// The column width that shows a text of `units` on one line.
pub fn fitting_width(units: f64) -> f64 {
    units + PADDING_UNITS
}

/// On how many lines a text wraps in a column `width` units wide: breaks between CJK
/// characters and at spaces, as the clients do, and inside a word only where the word alone
/// is wider than the column.
pub fn lines(s: &str, width: f64) -> usize {
    let room = (width - PADDING_UNITS).max(1.0);
    let mut n = 0;
    for p in s.split('\n') {
        n += paragraph_lines(p, room);
        // Past the tallest row, further lines are not shown: stop counting.
        if n >= MAX_LINES {
            return MAX_LINES;
        }
    }
    n
}

/// The most lines a row shows ([`MAX_ROW_PT`] high).
const MAX_LINES: usize = 26;

/// Sums of character widths are compared with this much slack (ten CJK characters are 21.0
/// units, not 21.000000000000004).
const EPS: f64 = 1e-6;

fn paragraph_lines(p: &str, room: f64) -> usize {
    let mut lines = 1;
    let mut used = 0.0;
    for word in words(p) {
        if lines >= MAX_LINES {
            break;
        }
        let w = text_units(word);
        if used + w <= room + EPS {
            used += w;
            continue;
        }
        if used > 0.0 && word.trim().is_empty() {
            // A space at a line's end does not wrap.
            continue;
        }
        if w <= room + EPS {
            lines += 1;
            used = w;
            continue;
        }
        // A word wider than the column is broken where it reaches the edge.
        if used > 0.0 {
            lines += 1;
            used = 0.0;
        }
        for c in word.chars() {
            let cw = char_units(c);
            if used + cw > room + EPS && used > 0.0 {
                lines += 1;
                used = 0.0;
            }
            used += cw;
        }
    }
    lines
}

/// The pieces a line may break between: a run of non-space Latin text, a run of spaces, or
/// one wide (CJK) character.
fn words(p: &str) -> impl Iterator<Item = &str> {
    let mut rest = p;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        // Wide: a width of two columns, 2.1 units (`char_twentieths`, faster than asking
        // the width table again).
        let wide = |c: char| char_twentieths(c) == WIDE;
        let end = if wide(first) {
            first.len_utf8()
        } else {
            let space = first == ' ';
            chars
                .find(|&(_, c)| wide(c) || (c == ' ') != space)
                .map_or(rest.len(), |(i, _)| i)
        };
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

/// The height of one line of 11-pt text: 宋体 needs 14.25 pt, Noto Sans CJK 16.
pub const LINE_PT: f64 = 16.0;

/// The tallest row a spreadsheet allows; a cell with more lines shows their beginning (the
/// CSV files and `explain` hold the whole text).
pub const MAX_ROW_PT: f64 = 409.0;

/// The height of a row whose tallest cell has `lines` lines.
pub fn row_pt(lines: usize) -> f64 {
    (lines as f64 * LINE_PT + 4.0).min(MAX_ROW_PT)
}

/// A header as it is printed: on one line, or on two at a natural break (before a bracket,
/// after a slash, a space or 、) when it is long — never inside a word, so 网格责任落实 stays
/// whole. Returns the text with its line break.
pub fn header_lines(h: &str) -> String {
    /// A header up to this wide stays on one line (five CJK characters).
    const ONE_LINE: f64 = 11.0;
    if text_units(h) <= ONE_LINE || h.contains('\n') {
        return h.to_string();
    }
    let breaks = h.char_indices().filter_map(|(i, c)| match c {
        '(' | '（' | '[' | '【' if i > 0 => Some(i),
        '/' | ' ' | '、' | '·' => Some(i + c.len_utf8()),
        _ => None,
    });
    // The break that leaves the longer of the two lines shortest.
    let best = breaks
        .filter(|&i| i < h.len())
        .map(|i| (text_units(&h[..i]).max(text_units(&h[i..])), i))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, i)) => format!("{}\n{}", h[..i].trim_end(), h[i..].trim_start()),
        None => h.to_string(),
    }
}

/// The page: A4 with narrow margins (inches, as the page setup takes them).
pub const MARGIN_SIDE_IN: f64 = 0.4;
pub const MARGIN_TOP_IN: f64 = 0.75;
pub const MARGIN_HEADER_IN: f64 = 0.3;
/// A4's sides, 297 mm and 210 mm, in points.
const A4_LONG_PT: f64 = 841.89;
const A4_SHORT_PT: f64 = 595.28;

/// The width a landscape A4 page prints on.
pub fn printable_pt() -> f64 {
    A4_LONG_PT - 2.0 * MARGIN_SIDE_IN * 72.0
}

/// The width a portrait A4 page prints on.
pub fn printable_portrait_pt() -> f64 {
    A4_SHORT_PT - 2.0 * MARGIN_SIDE_IN * 72.0
}

/// The smallest print scale: 11-pt text at 80% is still read without a lens.
pub const MIN_SCALE: u16 = 80;

/// How a sheet goes onto paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagePlan {
    /// Narrow enough for a portrait page at full size (a notice, a summary).
    Portrait,
    /// One page wide, landscape, at this scale (100 or down to [`MIN_SCALE`]).
    OneWide { scale: u16 },
    /// Too wide for one page at [`MIN_SCALE`]: printed at full size across pages, the first
    /// `repeat` columns (the identifying ones) on each.
    Across { repeat: u16 },
}

/// The plan for columns of these widths (units), the first `key_columns` identifying a row.
pub fn page_plan(widths: &[f64], key_columns: usize) -> PagePlan {
    let total: f64 = widths.iter().map(|&w| column_pt(w)).sum();
    if total <= printable_portrait_pt() {
        return PagePlan::Portrait;
    }
    let room = printable_pt();
    if total <= room {
        return PagePlan::OneWide { scale: 100 };
    }
    let scale = (100.0 * room / total).floor() as u16;
    if scale >= MIN_SCALE {
        PagePlan::OneWide { scale }
    } else {
        PagePlan::Across {
            repeat: key_columns.min(widths.len()) as u16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cjk_character_is_a_full_em_and_a_digit_about_two_thirds() {
        // 网格员: three characters of 11 pt = 33 pt = 6.3 units of 5.25 pt.
        assert!((text_units("网格员") - 6.3).abs() < 1e-9);
        // A SHA-256 in hex: 64 × 1.35 (digits and a–f) = 86.4 units.
        assert!((text_units(&"ab12".repeat(16)) - 86.4).abs() < 1e-9);
    }

    /// The widths as first written, one match on the character: the table and the CJK
    /// shortcut must give every character the same.
    fn units_as_written(c: char) -> f64 {
        match c {
            ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'l' | 'j' | 'I' | '(' | ')' | '[' | ']' => 0.7,
            'A'..='Z' | 'm' | 'w' | '@' | '%' | '&' | '#' => 1.5,
            '\t' => 2.8,
            c if c.is_ascii() => 1.35,
            c => match c.width() {
                Some(2) => 2.1,
                Some(0) => 0.0,
                _ => 1.35,
            },
        }
    }

    #[test]
    fn every_character_up_to_the_supplementary_planes_is_as_wide_as_the_width_table_says() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(char_units(c), units_as_written(c), "{c:?} U+{:04X}", c as u32);
            // A text of one character is that character's width.
            assert!((text_units(c.encode_utf8(&mut [0; 4])) - units_as_written(c)).abs() < 1e-12);
        }
        // A character is wide, a piece of its own between which lines break, exactly
        // when the width table gives it two columns.
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(char_twentieths(c) == WIDE, c.width() == Some(2), "U+{:04X}", c as u32);
        }
        // Mixed: 网格员 6.3 + "A1" 2.85 + a space 0.7 + （ 2.1 = 11.95, summed exactly.
        assert_eq!(text_units("网格员A1 （"), 11.95);
    }

    #[test]
    fn text_wraps_between_cjk_characters_and_at_spaces_not_inside_words() {
        // 20 CJK characters = 42 units, in a column 22 wide (21 of room): two lines.
        assert_eq!(lines(&"考".repeat(20), 22.0), 2);
        assert_eq!(lines(&"考".repeat(10), 22.0), 1);
        // Two Latin words of 10 × 1.35 = 13.5 units each, room 19: the second on line 2.
        assert_eq!(lines("aaaaaaaaaa bbbbbbbbbb", 20.0), 2);
        // A word wider than the column is broken: 40 × 1.35 = 54 units in 19 of room: 3.
        assert_eq!(lines(&"a".repeat(40), 20.0), 3);
        // Explicit breaks count: two short lines.
        assert_eq!(lines("一\n二", 20.0), 2);
    }

    #[test]
    fn a_hash_on_its_own_line_stays_whole_in_a_column_wide_enough() {
        let hash = "0123456789abcdef".repeat(4);
        // "SHA-256 " then the hash: 8 + 64 characters, on one line of a 100-unit column.
        assert_eq!(lines(&format!("SHA-256 {hash}"), 100.0), 1);
    }

    #[test]
    fn a_row_is_as_tall_as_its_lines_and_never_taller_than_a_spreadsheet_allows() {
        assert_eq!(row_pt(1), 20.0);
        assert_eq!(row_pt(3), 52.0);
        assert_eq!(row_pt(1000), MAX_ROW_PT);
    }

    #[test]
    fn headers_break_only_at_natural_places() {
        assert_eq!(header_lines("网格责任落实"), "网格责任落实", "short: one line");
        assert_eq!(
            header_lines("网格化服务管理工作评价"),
            "网格化服务管理工作评价",
            "no break point: whole"
        );
        assert_eq!(header_lines("季度考核奖励(元)"), "季度考核奖励\n(元)");
        assert_eq!(header_lines("跨线并列(超额)"), "跨线并列\n(超额)");
        assert_eq!(header_lines("合计(元)"), "合计(元)", "short enough for one line");
    }

    #[test]
    fn a_sheet_fits_one_page_wide_down_to_80_percent_and_runs_across_pages_below() {
        // Printable width: 841.89 − 2 × 28.8 = 784.29 pt. A column of 10 units is
        // 10.714 × 7.45 × 0.75 = 59.87 pt; ten of them 598.7 pt, more than a portrait page's
        // 595.28 − 57.6 = 537.7; eight (479 pt) fit one.
        assert_eq!(page_plan(&[10.0; 8], 3), PagePlan::Portrait);
        assert_eq!(page_plan(&[10.0; 10], 3), PagePlan::OneWide { scale: 100 });
        // Fifteen: 898.0 pt → 784.29 / 898.0 = 87%.
        assert_eq!(page_plan(&[10.0; 15], 3), PagePlan::OneWide { scale: 87 });
        // Thirty: 1,796 pt → 43%, too small: across pages, three columns repeated.
        assert_eq!(page_plan(&[10.0; 30], 3), PagePlan::Across { repeat: 3 });
    }
}
