//! The duty-day calendar: which dates are working days.
//!
//! Data, not code: a calendar is TOML (`rulesets/calendars/*.toml`, or a file given with
//! `--calendar`) listing each year's public holidays and make-up working days (调休).
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
pub struct Calendar {
    pub name: String,
    years: BTreeMap<i32, Year>,
}

#[derive(Debug, Clone, Default)]
struct Year {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("{}", msg!("calendar-invalid", name = source_name, message = message))]
    Invalid { source_name: String, message: String },
    #[error("{}", msg!("calendar-missing-year", name = name, year = year))]
    MissingYear { name: String, year: i32 },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    calendar: RawHead,
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    name: String,
    #[serde(default)]
    #[allow(dead_code)]
    title: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    workdays: Vec<String>,
}

impl Calendar {
    /// Parses a calendar file. `source_name` names it in errors.
    pub fn parse(text: &str, source_name: &str) -> Result<Calendar, CalendarError> {
        let invalid = |message: String| CalendarError::Invalid {
            source_name: source_name.to_string(),
            message,
        };
        let raw: RawCalendar = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut years = BTreeMap::new();
        for y in raw.year {
            let mut entry = Year::default();
            for (list, target) in [(&y.holidays, &mut entry.holidays), (&y.workdays, &mut entry.workdays)] {
                for spec in list {
                    let days = expand(y.year, spec)
                        .ok_or_else(|| invalid(msg!("cmd-year-day-range", year = y.year, spec = spec)))?;
                    target.extend(days);
                }
            }
            if years.insert(y.year, entry).is_some() {
                return Err(invalid(msg!("cmd-year-listed-twice", year = y.year)));
            }
        }
        Ok(Calendar {
            name: raw.calendar.name,
            years,
        })
    }

    /// The built-in calendar of that name.
    pub fn builtin(name: &str) -> Option<Calendar> {
        crate::rules::builtin::CALENDARS
            .iter()
            .find(|(stem, _)| *stem == name)
            .and_then(|(stem, text)| Calendar::parse(text, &msg!("cmd-built-calendar", stem = stem)).ok())
    }

    /// The exact text of a built-in calendar (archived with every run).
    pub fn builtin_text(name: &str) -> Option<&'static str> {
        crate::rules::builtin::CALENDARS
            .iter()
            .find(|(stem, _)| *stem == name)
            .map(|(_, text)| *text)
    }

    /// Checks that every year of a span is covered.
    pub fn covers(&self, from: NaiveDate, to: NaiveDate) -> Result<(), CalendarError> {
        for year in from.year()..=to.year() {
            if !self.years.contains_key(&year) {
                return Err(CalendarError::MissingYear {
                    name: self.name.clone(),
                    year,
                });
            }
        }
        Ok(())
    }

    /// Whether `d` is a working day. Call [`Calendar::covers`] first; an uncovered year
    /// counts weekdays only.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        match self.years.get(&d.year()) {
            Some(y) if y.workdays.contains(&d) => true,
            Some(y) if y.holidays.contains(&d) => false,
            _ => weekday,
        }
    }
}

fn day(year: i32, md: &str) -> Option<NaiveDate> {
    let (m, d) = md.trim().split_once('-')?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

fn expand(year: i32, spec: &str) -> Option<Vec<NaiveDate>> {
    match spec.split_once("..") {
        None => Some(vec![day(year, spec)?]),
        Some((a, b)) => {
            let (a, b) = (day(year, a)?, day(year, b)?);
            if b < a {
                return None;
            }
            Some(a.iter_days().take_while(|d| *d <= b).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn builtin_calendar_knows_2026_holidays_and_makeup_days() {
        let c = Calendar::builtin("cn").unwrap();
        assert!(!c.is_working_day(date(2026, 10, 1)), "national day");
        assert!(c.is_working_day(date(2026, 9, 20)), "a Sunday made a working day");
        assert!(!c.is_working_day(date(2026, 9, 25)), "a Friday made a holiday");
        assert!(c.is_working_day(date(2026, 7, 1)));
        assert!(!c.is_working_day(date(2026, 7, 4)), "Saturday");
        let q3 = date(2026, 7, 1).iter_days().take_while(|d| *d <= date(2026, 9, 30));
        assert_eq!(q3.filter(|d| c.is_working_day(*d)).count(), 66);
    }

    #[test]
    fn a_missing_year_is_an_error_not_a_guess() {
        let c = Calendar::builtin("cn").unwrap();
        let e = c.covers(date(2027, 1, 1), date(2027, 3, 31)).unwrap_err();
        assert!(e.to_string().contains("no year 2027"));
    }

    #[test]
    fn a_reversed_range_is_refused() {
        let text = "[calendar]\nname='x'\n[[year]]\nyear=2026\nholidays=['02-04..01-28']\n";
        assert!(Calendar::parse(text, "t").is_err());
    }
}
