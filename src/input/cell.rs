//! Reading one cell as the type a column expects, in every form the input contract lists.
//!
//! Each parser returns `Ok(None)` for a blank cell, `Err(expected)` with a description of what
//! was expected when the cell cannot be read; the caller adds file, sheet and cell.
use crate::num::{decimal_from_cell_number, parse_decimal};
use calamine::Data;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use std::borrow::Cow;

pub type CellResult<T> = Result<Option<T>, String>;

/// The cell as the clerk sees it, for error messages.
pub fn shown(d: &Data) -> String {
    match d {
        Data::Empty => "(blank)".to_string(),
        Data::String(s) if s.trim().is_empty() => "(blank)".to_string(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match excel_serial(dt.as_f64(), dt_is_1904(dt)) {
            Some(x) if x.time() == NaiveTime::MIN => x.date().to_string(),
            Some(x) => x.to_string(),
            None => format!("{}", dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn dt_is_1904(dt: &calamine::ExcelDateTime) -> bool {
    // calamine keeps the epoch private; its own conversion knows it, so compare both readings.
    // Below serial 61 (times of day, early 1900) the date part is never used.
    if dt.as_f64() < 61.0 {
        return false;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    let ours = excel_serial(dt.as_f64(), false).map(|x| x.date());
    ours != NaiveDate::from_ymd_opt(y as i32, m as u32, d as u32)
}

fn error_cell(d: &Data) -> Option<String> {
    match d {
        Data::Error(e) => Some(msg!("in-excel-error", error = e)),
        _ => None,
    }
}

/// Converts an Excel serial (days since 1899-12-30, time as the fraction) to a date-time,
/// rounded to the second.
pub fn excel_serial(v: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !v.is_finite() || !(0.0..2_958_466.0).contains(&v) {
        return None;
    }
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let secs = (v * 86_400.0).round() as i64;
    epoch
        .and_time(NaiveTime::MIN)
        .checked_add_signed(Duration::seconds(secs))
}

fn from_excel_dt(dt: &calamine::ExcelDateTime) -> Option<NaiveDateTime> {
    excel_serial(dt.as_f64(), dt_is_1904(dt))
}

/// `str::trim`, said at the two ends' bytes for nearly every cell: when the first and the last
/// byte are ASCII characters that are not white space, nothing is trimmed (a character that
/// begins or ends with an ASCII byte is that character). A province's eighty million cells
/// were each trimmed by decoding characters from both ends, several times over.
pub(super) fn trimmed(s: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' '));
    let b = s.as_bytes();
    if plain(b.first()) && plain(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// Text, trimmed; numbers shown as typed (an integral number without `.0`).
pub fn text(d: &Data) -> CellResult<String> {
    Ok(text_ref(d)?.map(Cow::into_owned))
}

/// [`text`], borrowed from the cell where it can be: for a column that is only looked at
/// (a session, a status) or kept once for many rows (a worker id), not copied per row.
///
/// Control characters other than tab and line breaks are refused: nothing a clerk types
/// makes them, and in a name they would reach the workbooks and CSV files (a terminal escape,
/// a NUL that ends the text early in some programs).
pub fn text_ref(d: &Data) -> CellResult<Cow<'_, str>> {
    if let Some(e) = error_cell(d) {
        return Err(e);
    }
    Ok(match d {
        Data::Empty => None,
        Data::String(s) => {
            if let Some(c) = s.chars().find(|c| is_control(*c)) {
                return Err(msg!("in-control-char", code = format!("U+{:04X}", c as u32)));
            }
            let t = trimmed(s);
            (!t.is_empty()).then_some(Cow::Borrowed(t))
        }
        Data::Float(f) => Some(Cow::Owned(format!("{f}"))),
        other => Some(Cow::Owned(shown(other))),
    })
}

/// A control character that text may not hold: C0 but tab, line feed and carriage return;
/// DEL; C1.
pub fn is_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// A character that shows as nothing but makes two texts differ, or reorders what is shown
/// around it: zero-width spaces and joiners, the byte-order mark, bidirectional embeddings,
/// overrides and isolates. `0101` and `0101` + U+200B look the same in every message and
/// every workbook, so an id or name holding one is refused.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

/// Refuses an id or a name with an invisible character in it ([`is_invisible`]).
fn visible<'a>(t: Option<Cow<'a, str>>) -> CellResult<Cow<'a, str>> {
    match &t {
        Some(v) => match v.chars().find(|c| is_invisible(*c)) {
            Some(c) => Err(msg!("in-invisible-char", code = format!("U+{:04X}", c as u32))),
            None => Ok(t),
        },
        None => Ok(t),
    }
}

/// A name (a worker's, a village's, a grid's, an event's id): text without invisible
/// characters.
pub fn name(d: &Data) -> CellResult<String> {
    Ok(visible(text_ref(d)?)?.map(Cow::into_owned))
}

/// Text as an error message shows it: a control or invisible character written as `\u{200B}`
/// (a tab `\t`, a line break `\n`), and a long text cut after 60 characters with its length.
pub fn escaped(s: &str) -> String {
    let mut out = String::new();
    let n = s.chars().count();
    for (i, c) in s.chars().enumerate() {
        if i == 60 && n > 70 {
            out.push_str(&format!("… ({n} characters)"));
            break;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_control(c) || is_invisible(c) => out.push_str(&format!("\\u{{{:04X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

const YES: [&str; 11] = ["是", "y", "yes", "true", "1", "√", "✓", "有", "t", "对", "是的"];
const NO: [&str; 10] = ["否", "n", "no", "false", "0", "×", "✗", "无", "f", "x"];

pub fn yes_no(d: &Data) -> CellResult<bool> {
    let expected = || msg!("in-yes-no");
    if let Some(e) = error_cell(d) {
        return Err(e);
    }
    match d {
        Data::Empty => Ok(None),
        Data::Bool(b) => Ok(Some(*b)),
        Data::Int(1) => Ok(Some(true)),
        Data::Int(0) => Ok(Some(false)),
        Data::Float(f) if *f == 1.0 => Ok(Some(true)),
        Data::Float(f) if *f == 0.0 => Ok(Some(false)),
        Data::String(s) => {
            // Every listed word is ASCII or has no case: ASCII case folding is the whole of it,
            // and needs no new string per cell.
            let t = trimmed(s);
            let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(t));
            if t.is_empty() {
                Ok(None)
            } else if is(&YES) {
                Ok(Some(true))
            } else if is(&NO) {
                Ok(Some(false))
            } else {
                Err(expected())
            }
        }
        _ => Err(expected()),
    }
}

/// `n` ASCII digits as a number; `None` for anything else (or more than 4 digits).
fn digits(p: &str) -> Option<u32> {
    let p = trimmed(p);
    if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

fn parse_date_text(s: &str) -> Option<NaiveDate> {
    // The common form, 2026-07-01 or 2026/7/1, without building a new string.
    let plain = trimmed(s);
    let t: std::borrow::Cow<str> = if plain.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        plain.into()
    } else {
        plain.replace(['年', '月', '/', '.'], "-").replace('日', "").into()
    };
    let mut it = t.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(y)? as i32, digits(m)?, digits(d)?)
}

/// 08:30 or 08:30:15 (also 8点30分, 08：30): hours, minutes and seconds of one or two digits.
fn parse_time_text(s: &str) -> Option<NaiveTime> {
    // `08:30` and `08:30:15`, the forms of nearly every time a sheet holds (a province's
    // fifteen million), read by position; any other text as below.
    let b = trimmed(s).as_bytes();
    let two = |i: usize| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0');
    let digits_at = |at: &[usize]| at.iter().all(|&i| b[i].is_ascii_digit() && b[i + 1].is_ascii_digit());
    match b.len() {
        5 if b[2] == b':' && digits_at(&[0, 3]) => return NaiveTime::from_hms_opt(two(0), two(3), 0),
        8 if b[2] == b':' && b[5] == b':' && digits_at(&[0, 3, 6]) => {
            return NaiveTime::from_hms_opt(two(0), two(3), two(6))
        }
        _ => {}
    }
    parse_time_any(s)
}

/// A time of day as text in any form [`time`] reads: `8:30`, `8点30分`, `08：30`.
fn parse_time_any(s: &str) -> Option<NaiveTime> {
    let plain = trimmed(s);
    let t: std::borrow::Cow<str> = if plain.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        plain.into()
    } else {
        plain.replace(['：', '点', '时'], ":").replace(['分', '秒'], "").into()
    };
    let t = t.trim_end_matches(':');
    let mut it = t.split(':');
    let two = |p: Option<&str>| p.filter(|p| !p.is_empty() && p.len() <= 2).and_then(digits);
    let (h, m) = (two(it.next())?, two(it.next())?);
    let sec = match it.next() {
        None => 0,
        Some(x) => two(Some(x))?,
    };
    if it.next().is_some() {
        return None;
    }
    NaiveTime::from_hms_opt(h, m, sec)
}

fn parse_datetime_text(s: &str) -> Option<NaiveDateTime> {
    // `2026-07-01`, the form of nearly every date a sheet holds as text (a province's ten
    // million), read by position; any other text as below.
    let b = trimmed(s).as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let number = |r: std::ops::Range<usize>| {
            b[r].iter()
                .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (number(0..4), number(5..7), number(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d).map(|x| x.and_time(NaiveTime::MIN));
        }
    }
    parse_datetime_any(s)
}

/// A date, or a date and time, as text in any form [`date`] and [`datetime`] read.
fn parse_datetime_any(s: &str) -> Option<NaiveDateTime> {
    let t = trimmed(s);
    let (d, tm): (std::borrow::Cow<str>, Option<&str>) = match t.split_once([' ', 'T', '\t', '\u{3000}']) {
        Some((d, tm)) => (d.into(), Some(trimmed(tm))),
        None => match t.split_once('日') {
            Some((d, tm)) if !trimmed(tm).is_empty() => (format!("{d}日").into(), Some(trimmed(tm))),
            _ => (t.into(), None),
        },
    };
    let date = parse_date_text(&d)?;
    match tm {
        None => Some(date.and_time(NaiveTime::MIN)),
        Some(tm) => Some(date.and_time(parse_time_text(tm)?)),
    }
}

/// A plausible Excel serial typed into a General-formatted date column (2000–2099).
fn serial_date(v: f64) -> Option<NaiveDateTime> {
    (36_526.0..73_051.0)
        .contains(&v)
        .then(|| excel_serial(v, false))
        .flatten()
}

pub fn date(d: &Data) -> CellResult<NaiveDate> {
    Ok(datetime_any(d, || msg!("in-date"))?.map(|x| x.date()))
}

fn datetime_any(d: &Data, expected: impl FnOnce() -> String) -> CellResult<NaiveDateTime> {
    if let Some(e) = error_cell(d) {
        return Err(e);
    }
    let v = match d {
        Data::Empty => return Ok(None),
        Data::DateTime(dt) => from_excel_dt(dt),
        Data::DateTimeIso(s) => parse_datetime_text(s),
        Data::Float(f) => serial_date(*f),
        Data::Int(i) => serial_date(*i as f64),
        Data::String(s) if trimmed(s).is_empty() => return Ok(None),
        Data::String(s) => parse_datetime_text(s),
        _ => None,
    };
    v.map(Some).ok_or_else(expected)
}

pub fn datetime(d: &Data) -> CellResult<NaiveDateTime> {
    datetime_any(d, || msg!("in-datetime"))
}

pub fn time(d: &Data) -> CellResult<NaiveTime> {
    let expected = || msg!("in-time");
    if let Some(e) = error_cell(d) {
        return Err(e);
    }
    let v = match d {
        Data::Empty => return Ok(None),
        Data::DateTime(dt) => from_excel_dt(dt).map(|x| x.time()),
        Data::Float(f) if (0.0..1.0).contains(f) => excel_serial(*f, false).map(|x| x.time()),
        Data::DateTimeIso(s) => parse_datetime_text(s).map(|x| x.time()).or_else(|| parse_time_text(s)),
        Data::String(s) if trimmed(s).is_empty() => return Ok(None),
        Data::String(s) => parse_time_text(s).or_else(|| parse_datetime_text(s).map(|x| x.time())),
        _ => None,
    };
    v.map(Some).ok_or_else(expected)
}

pub fn decimal(d: &Data) -> CellResult<Decimal> {
    let expected = || msg!("in-number");
    if let Some(e) = error_cell(d) {
        return Err(e);
    }
    match d {
        Data::Empty => Ok(None),
        Data::Int(i) => Ok(Some(Decimal::from(*i))),
        Data::Float(f) => decimal_from_cell_number(*f).map(Some).ok_or_else(expected),
        Data::String(s) if trimmed(s).is_empty() => Ok(None),
        Data::String(s) => parse_decimal(s).map(Some).ok_or_else(expected),
        _ => Err(expected()),
    }
}

/// A rate 0..1: `95%`, 95 (a percent, since > 1), or 0.95 (a fraction, as a %-formatted cell
/// stores it). Anything above 100% is refused.
pub fn rate(d: &Data) -> CellResult<Decimal> {
    let expected = || msg!("in-rate");
    let v = match d {
        Data::String(s) if trimmed(s).ends_with(['%', '％']) => {
            let t = trimmed(s).trim_end_matches(['%', '％']);
            parse_decimal(t)
                .map(|p| p / Decimal::ONE_HUNDRED)
                .ok_or_else(expected)?
        }
        _ => match decimal(d).map_err(|_| expected())? {
            None => return Ok(None),
            Some(v) if v > Decimal::ONE => v / Decimal::ONE_HUNDRED,
            Some(v) => v,
        },
    };
    if v < Decimal::ZERO || v > Decimal::ONE {
        return Err(expected());
    }
    Ok(Some(v))
}

/// A worker id: text as typed. A number is shown without `.0`; leading zeros survive only
/// when the cell is text, which is why the contract asks for text.
pub fn id(d: &Data) -> CellResult<String> {
    Ok(id_ref(d)?.map(Cow::into_owned))
}

/// [`id`], borrowed from the cell where it can be.
pub fn id_ref(d: &Data) -> CellResult<Cow<'_, str>> {
    if let Some(e) = error_cell(d) {
        return Err(e);
    }
    match d {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(Cow::Owned(format!("{}", *f as i64)))),
        _ => visible(text_ref(d)?).map(|t| t.map(halfwidth)),
    }
}

/// An id typed with a Chinese input method's full-width digits and letters (０１０２, Ａ１) is
/// the id in ASCII (0102, A1): the compatibility mapping NFKC gives those characters (U+FF01 to
/// U+FF5E, and U+3000 the ideographic space), so that the roster and every sheet agree.
pub fn halfwidth(t: Cow<'_, str>) -> Cow<'_, str> {
    if !t
        .chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
        return t;
    }
    let mapped: String = t
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect();
    Cow::Owned(mapped.trim().to_string())
}

/// A bank account number. One stored as a number of more than 15 digits was already rounded
/// by Excel (it keeps 15 significant digits): refuse it rather than pay into a wrong account.
pub fn bank_account(d: &Data) -> CellResult<String> {
    match d {
        Data::Float(f) if f.abs() >= 1e15 => Err(msg!("in-account-number", number = format!("{f:e}"))),
        Data::Int(i) if i.unsigned_abs() >= 1_000_000_000_000_000 => Ok(Some(i.to_string())),
        _ => id(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn control_characters_are_refused_in_any_text_and_invisible_ones_in_ids_and_names() {
        // Issue 13, 4 and 7.
        assert!(text(&s("甲\u{7}乙")).unwrap_err().contains("U+0007"));
        assert!(text(&s("\u{1b}[31m红")).unwrap_err().contains("U+001B"));
        assert_eq!(text(&s("两行\n文本\t")), Ok(Some("两行\n文本".to_string())));
        assert!(id(&s("0101\u{200B}")).unwrap_err().contains("U+200B"));
        assert!(name(&s("张\u{202E}三")).unwrap_err().contains("U+202E"));
        assert_eq!(name(&s(" 张三 ")), Ok(Some("张三".to_string())));
        // Elsewhere (a 说明 column) an invisible character is only text.
        assert_eq!(text(&s("注\u{200B}")), Ok(Some("注\u{200B}".to_string())));
    }

    #[test]
    fn an_id_in_full_width_digits_is_the_same_id() {
        // Issue 17, 3: ０１０２ on the roster and 0102 on every other sheet were two workers.
        assert_eq!(id(&s("０１０２")), Ok(Some("0102".to_string())));
        assert_eq!(id(&s("Ａ－１２")), Ok(Some("A-12".to_string())));
        assert_eq!(id(&s("0102")), Ok(Some("0102".to_string())));
    }

    #[test]
    fn a_message_shows_hidden_characters_escaped_and_a_long_text_cut() {
        assert_eq!(escaped("0101\u{200B}"), "0101\\u{200B}");
        assert_eq!(escaped("\t=1+1"), "\\t=1+1");
        let long = "长".repeat(1000);
        let shown = escaped(&long);
        assert!(
            shown.ends_with("… (1000 characters)") && shown.chars().count() < 90,
            "{shown}"
        );
    }

    fn s(v: &str) -> Data {
        Data::String(v.to_string())
    }
    fn date_of(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_every_listed_form() {
        for v in ["2026-07-01", "2026/7/1", "2026年7月1日", " 2026.07.01 "] {
            assert_eq!(date(&s(v)), Ok(Some(date_of(2026, 7, 1))), "{v}");
        }
        let cell = Data::DateTime(ExcelDateTime::new(46204.0, ExcelDateTimeType::DateTime, false));
        assert_eq!(date(&cell), Ok(Some(date_of(2026, 7, 1))));
        assert_eq!(date(&Data::Float(46204.0)), Ok(Some(date_of(2026, 7, 1))));
        assert!(date(&s("2026-13-01")).is_err());
        assert!(date(&Data::Float(12.0)).is_err(), "12 is not a plausible date");
        assert_eq!(date(&Data::Empty), Ok(None));
    }

    #[test]
    fn times_and_date_times() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(time(&s("08:30")), Ok(Some(t(8, 30))));
        assert_eq!(time(&s("8:30:00")), Ok(Some(t(8, 30))));
        assert_eq!(time(&Data::Float(0.375)), Ok(Some(t(9, 0))));
        let cell = Data::DateTime(ExcelDateTime::new(17.0 / 24.0, ExcelDateTimeType::DateTime, false));
        assert_eq!(time(&cell), Ok(Some(t(17, 0))));
        let dt = datetime(&s("2026-07-01 08:30")).unwrap().unwrap();
        assert_eq!(dt, date_of(2026, 7, 1).and_time(t(8, 30)));
        let dt = datetime(&s("2026年7月1日 8:30")).unwrap().unwrap();
        assert_eq!(dt, date_of(2026, 7, 1).and_time(t(8, 30)));
        assert!(time(&s("25:00")).is_err());
    }

    #[test]
    fn yes_no_in_every_listed_form() {
        for v in ["是", "Y", "yes", "TRUE", "1", "√"] {
            assert_eq!(yes_no(&s(v)), Ok(Some(true)), "{v}");
        }
        for v in ["否", "n", "No", "false", "0", "×"] {
            assert_eq!(yes_no(&s(v)), Ok(Some(false)), "{v}");
        }
        assert_eq!(yes_no(&Data::Bool(true)), Ok(Some(true)));
        assert_eq!(yes_no(&Data::Empty), Ok(None));
        assert!(yes_no(&s("maybe")).is_err());
    }

    #[test]
    fn excel_error_cells_are_named() {
        let e = decimal(&Data::Error(calamine::CellErrorType::Ref)).unwrap_err();
        assert!(e.contains("#REF!"), "{e}");
    }

    #[test]
    fn ids_keep_leading_zeros_and_drop_float_tails() {
        assert_eq!(id(&s("007")), Ok(Some("007".into())));
        assert_eq!(id(&Data::Float(1001.0)), Ok(Some("1001".into())));
    }

    #[test]
    fn long_bank_accounts_stored_as_numbers_are_refused() {
        assert!(bank_account(&Data::Float(6.222021234567891e18)).is_err());
        assert_eq!(
            bank_account(&s("6222021234567891234")),
            Ok(Some("6222021234567891234".into()))
        );
    }

    #[test]
    fn rates_as_percent_number_or_fraction() {
        let d = |v: &str| Decimal::from_str_exact(v).unwrap();
        assert_eq!(rate(&s("95%")), Ok(Some(d("0.95"))));
        assert_eq!(rate(&Data::Float(95.0)), Ok(Some(d("0.95"))));
        assert_eq!(rate(&Data::Float(0.95)), Ok(Some(d("0.95"))));
        assert_eq!(rate(&Data::Float(1.0)), Ok(Some(d("1"))));
        assert!(rate(&Data::Float(120.0)).is_err());
    }

    #[test]
    fn date_and_time_text_forms() {
        let d = |s: &str| parse_date_text(s).map(|x| x.to_string());
        assert_eq!(d("2026-07-01").as_deref(), Some("2026-07-01"));
        assert_eq!(d(" 2026/7/1 ").as_deref(), Some("2026-07-01"));
        assert_eq!(d("2026年7月1日").as_deref(), Some("2026-07-01"));
        assert_eq!(d("2026.07.01").as_deref(), Some("2026-07-01"));
        for bad in ["2026-07-32", "2026-07", "2026-07-01-02", "26-7-1x", "", "2026--01"] {
            assert_eq!(d(bad), None, "{bad}");
        }
        let t = |s: &str| parse_time_text(s).map(|x| x.to_string());
        assert_eq!(t("08:30").as_deref(), Some("08:30:00"));
        assert_eq!(t("8:05:09").as_deref(), Some("08:05:09"));
        assert_eq!(t("8点30分").as_deref(), Some("08:30:00"));
        assert_eq!(t("08：30").as_deref(), Some("08:30:00"));
        for bad in ["24:00", "08:60", "830", "08:30:00:00", "08::30", "008:30", ""] {
            assert_eq!(t(bad), None, "{bad}");
        }
        let dt = |s: &str| parse_datetime_text(s).map(|x| x.to_string());
        assert_eq!(dt("2026-07-01 08:30").as_deref(), Some("2026-07-01 08:30:00"));
        assert_eq!(dt("2026-07-01T08:30:05").as_deref(), Some("2026-07-01 08:30:05"));
        assert_eq!(dt("2026年7月1日8点30分").as_deref(), Some("2026-07-01 08:30:00"));
        assert_eq!(dt("2026-07-01\u{3000}08:30").as_deref(), Some("2026-07-01 08:30:00"));
        assert_eq!(dt("2026-07-01").as_deref(), Some("2026-07-01 00:00:00"));
    }

    #[test]
    fn trimmed_is_trim_for_every_ascii_byte_at_either_end_and_for_unicode_spaces() {
        let mut texts: Vec<String> = Vec::new();
        for b in 0u8..128 {
            let c = b as char;
            texts.extend([
                format!("{c}"),
                format!("{c}7"),
                format!("7{c}"),
                format!("{c}编号{c}"),
                format!(" {c}"),
            ]);
        }
        texts.extend(
            [
                "",
                "\u{3000}编号",
                "编号\u{a0}",
                "\u{85}",
                "a\u{2028}",
                "编号",
                "\u{feff}1",
            ]
            .map(String::from),
        );
        for t in &texts {
            assert_eq!(trimmed(t), t.trim(), "{t:?}");
        }
    }

    /// Every text each of `forms` makes of three characters of `alphabet` (with repeats).
    fn every_three(alphabet: &[char], forms: &[fn(char, char, char) -> String]) -> Vec<String> {
        let mut texts = Vec::new();
        for &a in alphabet {
            for &b in alphabet {
                for &c in alphabet {
                    texts.extend(forms.iter().map(|f| f(a, b, c)));
                }
            }
        }
        texts
    }

    #[test]
    fn a_time_read_by_position_is_the_time_read_in_any_form() {
        // Every 5- and 8-byte text of digits, colons, a space and a letter around the colon
        // places, and the forms that are not read by position.
        let mut texts = every_three(
            &['0', '1', '2', '3', '5', '9', ':', ' ', 'a'],
            &[
                |a, b, c| format!("{a}{b}:{c}5"),
                |a, b, c| format!("1{a}:{b}{c}"),
                |a, b, c| format!("{a}{b}:{c}5:30"),
                |a, b, c| format!("12:3{a}:{b}{c}"),
                |a, b, c| format!("{a}{b}{c}30"),
            ],
        );
        texts.extend(
            [
                "24:00",
                "23:60",
                "23:59:60",
                " 08:30 ",
                "8:30",
                "08:30:1",
                "8点30分",
                "08：30",
            ]
            .map(String::from),
        );
        for t in &texts {
            assert_eq!(parse_time_text(t), parse_time_any(t), "{t:?}");
        }
        assert_eq!(parse_time_text("08:30"), NaiveTime::from_hms_opt(8, 30, 0));
    }

    #[test]
    fn a_date_read_by_position_is_the_date_read_in_any_form() {
        let mut texts = every_three(
            &['0', '1', '2', '3', '9', '-', ' ', 'a', '/'],
            &[
                |a, b, c| format!("20{a}{b}-0{c}-01"),
                |a, b, c| format!("2026{a}0{b}-{c}1"),
                |a, b, c| format!("2026-{a}{b}-3{c}"),
                |a, b, c| format!("2026-07{a}{b}{c}1"),
            ],
        );
        texts.extend(
            [
                "2026-02-29",
                "2028-02-29",
                "2026-13-01",
                "2026-00-10",
                " 2026-07-01 ",
                "2026-7-1",
                "2026年7月1日",
                "2026-07-01 08:30",
            ]
            .map(String::from),
        );
        for t in &texts {
            assert_eq!(parse_datetime_text(t), parse_datetime_any(t), "{t:?}");
        }
        assert_eq!(
            parse_datetime_text("2026-07-01").map(|x| x.date()),
            NaiveDate::from_ymd_opt(2026, 7, 1)
        );
    }
}
