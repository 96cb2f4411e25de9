//! Appraisal periods: a month (`2026-07`), a quarter (`2026Q3`) or a year (`2026`).
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub fn name(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            PeriodKind::Month => "月度",
            PeriodKind::Quarter => "季度",
            PeriodKind::Year => "年度",
        }
    }
}

/// One period. `index` is the month (1–12) or the quarter (1–4); 0 for a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    pub index: u32,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{}", msg!("period-bad", text = text, kind = kind, example = example))]
pub struct PeriodError {
    pub text: String,
    pub kind: &'static str,
    pub example: String,
}

impl Period {
    /// Parses the period text a user types for a run of `kind`.
    pub fn parse(kind: PeriodKind, text: &str) -> Result<Period, PeriodError> {
        let t = text.trim();
        let err = || PeriodError {
            text: text.to_string(),
            kind: kind.name(),
            example: match kind {
                PeriodKind::Month => msg!("period-example-month"),
                PeriodKind::Quarter => msg!("period-example-quarter"),
                PeriodKind::Year => msg!("period-example-year"),
            },
        };
        match Period::parse_any(t) {
            Some(p) if p.kind == kind => Ok(p),
            _ => Err(err()),
        }
    }

    /// Parses any period label: `2026-07`, `2026/7`, `2026年7月`, `2026Q3`, `2026`.
    pub fn parse_any(text: &str) -> Option<Period> {
        let t = text.trim().replace(['年', '/'], "-").replace('月', "");
        let t = t.trim_end_matches('-');
        let year_of = |s: &str| -> Option<i32> {
            let y: i32 = s.parse().ok()?;
            (1900..=9999).contains(&y).then_some(y)
        };
        if let Some((y, q)) = t.split_once(['Q', 'q']) {
            let q: u32 = q.parse().ok()?;
            return (1..=4).contains(&q).then_some(Period {
                kind: PeriodKind::Quarter,
                year: year_of(y.trim_end_matches('-'))?,
                index: q,
            });
        }
        if let Some((y, m)) = t.split_once('-') {
            let m: u32 = m.parse().ok()?;
            return (1..=12).contains(&m).then_some(Period {
                kind: PeriodKind::Month,
                year: year_of(y)?,
                index: m,
            });
        }
        Some(Period {
            kind: PeriodKind::Year,
            year: year_of(t)?,
            index: 0,
        })
    }

    /// The last period of `kind` that ended before `today`.
    pub fn last_completed(kind: PeriodKind, today: NaiveDate) -> Period {
        let (y, m) = (today.year(), today.month());
        match kind {
            PeriodKind::Month => {
                if m == 1 {
                    Period {
                        kind,
                        year: y - 1,
                        index: 12,
                    }
                } else {
                    Period {
                        kind,
                        year: y,
                        index: m - 1,
                    }
                }
            }
            PeriodKind::Quarter => {
                let q = (m - 1) / 3 + 1;
                if q == 1 {
                    Period {
                        kind,
                        year: y - 1,
                        index: 4,
                    }
                } else {
                    Period {
                        kind,
                        year: y,
                        index: q - 1,
                    }
                }
            }
            PeriodKind::Year => Period {
                kind,
                year: y - 1,
                index: 0,
            },
        }
    }

    fn month_range(&self) -> (u32, u32) {
        match self.kind {
            PeriodKind::Month => (self.index, self.index),
            PeriodKind::Quarter => (self.index * 3 - 2, self.index * 3),
            PeriodKind::Year => (1, 12),
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        let (m, _) = self.month_range();
        NaiveDate::from_ymd_opt(self.year, m, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(&self) -> NaiveDate {
        let (_, m) = self.month_range();
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, m + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The Monday–Sunday weeks of the period: those whose Thursday falls in it, so a week
    /// straddling two periods belongs to the one holding most of its working days.
    pub fn weeks(&self) -> Vec<(NaiveDate, NaiveDate)> {
        let first = self.first_day();
        let to_thursday = (3 + 7 - i64::from(first.weekday().num_days_from_monday())) % 7;
        let mut thursday = first + chrono::Duration::days(to_thursday);
        let mut out = Vec::new();
        while thursday <= self.last_day() {
            out.push((
                thursday - chrono::Duration::days(3),
                thursday + chrono::Duration::days(3),
            ));
            thursday += chrono::Duration::days(7);
        }
        out
    }

    /// The days from the period's first week's Monday to its last day (or its last week's
    /// Sunday, if later): what a run with weekly rules must read.
    pub fn week_reach(&self) -> (NaiveDate, NaiveDate) {
        let w = self.weeks();
        let first = w.first().map_or(self.first_day(), |x| x.0).min(self.first_day());
        let last = w.last().map_or(self.last_day(), |x| x.1).max(self.last_day());
        (first, last)
    }

    /// The periods of kind `per` inside this one (the months of a year, its quarters).
    pub fn within(&self, per: PeriodKind) -> Vec<Period> {
        let months = self.months();
        match per {
            PeriodKind::Month => months,
            PeriodKind::Quarter => {
                let mut qs: Vec<Period> = months
                    .iter()
                    .map(|m| Period {
                        kind: PeriodKind::Quarter,
                        year: m.year,
                        index: (m.index - 1) / 3 + 1,
                    })
                    .collect();
                qs.dedup();
                qs
            }
            PeriodKind::Year => vec![Period {
                kind: PeriodKind::Year,
                year: self.year,
                index: 1,
            }],
        }
    }

    /// The period of the same kind that ends the day before this one starts.
    pub fn previous(&self) -> Period {
        let (year, index) = match (self.kind, self.index) {
            (PeriodKind::Year, _) => (self.year - 1, 1),
            (PeriodKind::Quarter, 1) => (self.year - 1, 4),
            (PeriodKind::Month, 1) => (self.year - 1, 12),
            (_, i) => (self.year, i - 1),
        };
        Period {
            kind: self.kind,
            year,
            index,
        }
    }

    /// Whether `d` falls in the period: its year, and a month of the period's (asked of every
    /// dated row a run reads, so no date is made to compare with).
    pub fn contains(&self, d: NaiveDate) -> bool {
        let (first, last) = self.month_range();
        d.year() == self.year && (first..=last).contains(&d.month())
    }

    /// The months of the period, in order.
    pub fn months(&self) -> Vec<Period> {
        let (a, b) = self.month_range();
        (a..=b)
            .map(|m| Period {
                kind: PeriodKind::Month,
                year: self.year,
                index: m,
            })
            .collect()
    }

    /// The span of dates the input sheets may hold for this run: a month run reads the
    /// quarter's workbooks (other months are skipped), a quarter or year run its own period.
    /// A date outside the window is a typo, not a row to skip.
    pub fn input_window(&self) -> Period {
        match self.kind {
            PeriodKind::Month => Period {
                kind: PeriodKind::Quarter,
                year: self.year,
                index: (self.index - 1) / 3 + 1,
            },
            _ => *self,
        }
    }

    /// The month a date falls in.
    pub fn month_of(d: NaiveDate) -> Period {
        Period {
            kind: PeriodKind::Month,
            year: d.year(),
            index: d.month(),
        }
    }

    /// Chinese label for printed headers: 2026年第3季度, 2026年7月, 2026年度.
    pub fn chinese(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}年{}月", self.year, self.index),
            PeriodKind::Quarter => format!("{}年第{}季度", self.year, self.index),
            PeriodKind::Year => format!("{}年度", self.year),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            PeriodKind::Month => write!(f, "{}-{:02}", self.year, self.index),
            PeriodKind::Quarter => write!(f, "{}Q{}", self.year, self.index),
            PeriodKind::Year => write!(f, "{}", self.year),
        }
    }
}

/// The span a count is taken over: the whole period, each calendar month, or each week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bucket {
    Period,
    Month,
    /// Monday to Sunday; a week belongs to the period that holds its Thursday.
    Week,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_period_contains_the_days_from_its_first_to_its_last_and_no_other() {
        let q3 = Period::parse_any("2026Q3").unwrap();
        // 1 July to 30 September; not the day before nor after, nor the same days a year on.
        assert!(q3.contains(date(2026, 7, 1)) && q3.contains(date(2026, 9, 30)));
        assert!(!q3.contains(date(2026, 6, 30)) && !q3.contains(date(2026, 10, 1)));
        assert!(!q3.contains(date(2027, 8, 1)));
        let feb = Period::parse_any("2028-02").unwrap();
        assert!(feb.contains(date(2028, 2, 29)) && !feb.contains(date(2028, 3, 1)));
        let year = Period::parse_any("2026").unwrap();
        assert!(year.contains(date(2026, 1, 1)) && year.contains(date(2026, 12, 31)));
        assert!(!year.contains(date(2025, 12, 31)) && !year.contains(date(2027, 1, 1)));
        for p in [q3, feb, year] {
            for d in [p.first_day(), p.last_day()] {
                assert!(p.contains(d), "{p} contains its own {d}");
            }
        }
    }

    #[test]
    fn parses_each_kind_and_rejects_the_wrong_one() {
        let q = Period::parse(PeriodKind::Quarter, "2026Q3").unwrap();
        assert_eq!((q.first_day(), q.last_day()), (date(2026, 7, 1), date(2026, 9, 30)));
        let m = Period::parse(PeriodKind::Month, "2026年2月").unwrap();
        assert_eq!(m.last_day(), date(2026, 2, 28));
        assert_eq!(m.to_string(), "2026-02");
        assert!(Period::parse(PeriodKind::Month, "2026Q3").is_err());
        assert!(Period::parse(PeriodKind::Quarter, "2026Q5").is_err());
        assert!(Period::parse(PeriodKind::Month, "2026-13").is_err());
    }

    #[test]
    fn last_completed_period_crosses_the_year() {
        let jan = date(2026, 1, 15);
        assert_eq!(Period::last_completed(PeriodKind::Quarter, jan).to_string(), "2025Q4");
        assert_eq!(Period::last_completed(PeriodKind::Month, jan).to_string(), "2025-12");
        let nov = date(2026, 11, 21);
        assert_eq!(Period::last_completed(PeriodKind::Quarter, nov).to_string(), "2026Q3");
    }

    #[test]
    fn a_month_reads_its_quarters_window() {
        let m = Period::parse(PeriodKind::Month, "2026-08").unwrap();
        assert_eq!(m.input_window().to_string(), "2026Q3");
    }
}
