//! Checks every section of a rule set shares: a period kind by name, a number that must not be
//! negative. A leaf: the section checkers (validate, items, grading, pay) all use it.
use super::raw::Name;
use crate::num::Dec;
use crate::period::PeriodKind;
use crate::positioned::{one_of, Checker};
use rust_decimal::Decimal;
use toml::Spanned;

pub(super) fn period_kind(c: &mut Checker, n: &Name) -> Option<PeriodKind> {
    match n.get_ref().as_str() {
        "month" => Some(PeriodKind::Month),
        "quarter" => Some(PeriodKind::Quarter),
        "year" => Some(PeriodKind::Year),
        other => {
            c.at(
                n,
                msg!(
                    "rs-unknown-period-expected",
                    other = other,
                    one_of = one_of(&["month", "quarter", "year"])
                ),
            );
            None
        }
    }
}

pub(super) fn non_negative<T>(c: &mut Checker, at: &Spanned<T>, v: &Dec, what: &str) {
    if v.0 < Decimal::ZERO {
        c.at(at, msg!("rs-cannot-negative-found", what = what, value = v.0));
    }
}
