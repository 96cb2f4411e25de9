//! The trace: every point and yuan with the rule and the source rows that produced it.
use crate::contract::SheetKind;
use crate::input::records::Src;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

/// Where an occurrence came from: a row, or a row that should have been there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Row(Src),
    /// An expected row that is absent (a missed patrol or sign-in), on a date.
    Missing {
        sheet: SheetKind,
        date: NaiveDate,
        note: String,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Row(s) => write!(f, "{s}"),
            Source::Missing { sheet, date, note } => write!(f, "{}:{date}({note})", sheet.label()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Points,
    Yuan,
    /// A note that moves nothing (a quota position, a withheld payment's reason).
    Note,
}

/// One applied rule for one subject.
#[derive(Debug, Clone)]
pub struct TraceLine {
    /// Item path (`patrol.twice_daily`), veto id, `quota` or a pay id.
    pub item: String,
    pub item_label: String,
    pub rule: String,
    pub count: Decimal,
    pub value: Decimal,
    pub unit: Unit,
    pub sources: Vec<Source>,
}

/// The sources as one cell's text: `考勤!12, 考勤!15`, shortened past `limit` characters
/// with a count of what was left out (Excel cells hold 32,767 characters).
pub fn sources_text(sources: &[Source], limit: usize) -> String {
    let mut out = String::new();
    for (i, s) in sources.iter().enumerate() {
        let piece = s.to_string();
        if out.len() + piece.len() + 2 > limit {
            out.push_str(&format!(" …(+{} more)", sources.len() - i));
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&piece);
    }
    out
}
