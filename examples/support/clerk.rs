//! How a clerk's workbook looks, shared by the example generators: a title row above the
//! header, 宋体, dates and times mostly as real cells and sometimes as text, yes/no in the
//! forms offices use. Fixture code: it plays the clerk, so that gridscore reads what it will
//! meet.
#![allow(dead_code)]
use chrono::{Datelike, NaiveDate, NaiveTime};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};

pub type R<T> = Result<T, Box<dyn std::error::Error>>;

pub struct Fmt {
    pub title: Format,
    pub header: Format,
    pub date: Format,
    pub time: Format,
    pub datetime: Format,
    pub text: Format,
}

pub fn fmts() -> Fmt {
    let base = Format::new().set_font_name("宋体");
    Fmt {
        title: base.clone().set_bold().set_font_size(14),
        header: base.clone().set_bold().set_background_color("#E2EFDA"),
        date: base.clone().set_num_format("yyyy-mm-dd"),
        time: base.clone().set_num_format("hh:mm"),
        datetime: base.clone().set_num_format("yyyy-mm-dd hh:mm"),
        text: base.set_num_format("@"),
    }
}

pub fn sheet<'a>(wb: &'a mut Workbook, name: &str, title: &str, headers: &[&str], f: &Fmt) -> R<&'a mut Worksheet> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.write_string_with_format(0, 0, title, &f.title)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, 12)?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(ws)
}

/// Writes a date in the forms clerks use: mostly real dates, sometimes text.
pub fn write_date(ws: &mut Worksheet, r: u32, c: u16, x: NaiveDate, n: usize, f: &Fmt) -> R<()> {
    match n % 13 {
        5 => ws.write_string_with_format(r, c, format!("{}/{}/{}", x.year(), x.month(), x.day()), &f.text)?,
        9 => ws.write_string_with_format(r, c, format!("{}年{}月{}日", x.year(), x.month(), x.day()), &f.text)?,
        _ => ws.write_datetime_with_format(
            r,
            c,
            ExcelDateTime::from_ymd(x.year() as u16, x.month() as u8, x.day() as u8)?,
            &f.date,
        )?,
    };
    Ok(())
}

pub fn write_time(ws: &mut Worksheet, r: u32, c: u16, x: NaiveTime, n: usize, f: &Fmt) -> R<()> {
    use chrono::Timelike;
    if n % 7 == 3 {
        ws.write_string_with_format(r, c, x.format("%H:%M").to_string(), &f.text)?;
    } else {
        ws.write_datetime_with_format(
            r,
            c,
            ExcelDateTime::from_hms(x.hour() as u16, x.minute() as u8, 0)?,
            &f.time,
        )?;
    }
    Ok(())
}

pub fn write_dt(ws: &mut Worksheet, r: u32, c: u16, x: Option<(NaiveDate, NaiveTime)>, f: &Fmt) -> R<()> {
    use chrono::Timelike;
    if let Some((dd, tt)) = x {
        let v = ExcelDateTime::from_ymd(dd.year() as u16, dd.month() as u8, dd.day() as u8)?.and_hms(
            tt.hour() as u16,
            tt.minute() as u8,
            0,
        )?;
        ws.write_datetime_with_format(r, c, v, &f.datetime)?;
    }
    Ok(())
}

pub fn yes_no(v: bool, n: usize) -> &'static str {
    match (v, n % 5) {
        (true, 2) => "Y",
        (true, 4) => "√",
        (true, _) => "是",
        (false, 2) => "N",
        (false, _) => "否",
    }
}

/// The first columns of an 事件 row: 事件编号, 编号 (as text), 类型, 日期 (in the clerk's
/// forms), and 级别 when there is one. `n` varies the date's form.
pub fn event_row(
    ws: &mut Worksheet,
    r: u32,
    n: usize,
    (event_id, worker, ty, date, level): (&str, &str, &str, NaiveDate, &str),
    f: &Fmt,
) -> R<()> {
    ws.write_string(r, 0, event_id)?;
    ws.write_string_with_format(r, 1, worker, &f.text)?;
    ws.write_string(r, 2, ty)?;
    write_date(ws, r, 3, date, n, f)?;
    if !level.is_empty() {
        ws.write_string(r, 4, level)?;
    }
    Ok(())
}

/// The folder `examples/<name>/`, created.
pub fn out_dir(name: &str) -> R<std::path::PathBuf> {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    std::fs::create_dir_all(&out)?;
    Ok(out)
}

/// A workbook's properties, with a fixed creation date so the example's bytes are stable.
pub fn props(title: &str, author: &str, (y, m, d): (u16, u8, u8)) -> R<DocProperties> {
    Ok(DocProperties::new()
        .set_title(title)
        .set_author(author)
        .set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?))
}
