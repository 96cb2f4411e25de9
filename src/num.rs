//! Exact numbers: every point and yuan is a `rust_decimal::Decimal`.
//!
//! Rule sets write decimals in quotes (`"0.5"`) so that they never pass through a binary
//! float; [`Dec`] refuses a bare TOML float for that reason. Money is rounded half away from
//! zero (四舍五入) to the fen, never banker's rounding.
use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;
use std::str::FromStr;

/// The largest magnitude a rule set may state. Bounding every rule-set number (and every
/// input count and amount, see `input::records`) keeps every sum the engine forms far inside
/// `Decimal`'s range, so no arithmetic on them can overflow.
pub const RULE_LIMIT: i64 = 1_000_000_000_000;

/// A decimal read from TOML: a quoted string (`"0.5"`) or an integer (`60`), never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(pub Decimal);

/// Written as it is read: a quoted decimal, exact, without trailing zeros.
impl serde::Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&show(self.0))
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal in quotes, like \"0.5\", or a whole number")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Dec, E> {
                let v = parse_decimal(s).ok_or_else(|| E::custom(msg!("rs-not-a-decimal", text = s)))?;
                bounded(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
                bounded(Decimal::from(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
                bounded(Decimal::from(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
                Err(E::custom(msg!("rs-float-unquoted", value = v)))
            }
        }
        d.deserialize_any(V)
    }
}

fn bounded<E: de::Error>(v: Decimal) -> Result<Dec, E> {
    if v.abs() > Decimal::from(RULE_LIMIT) {
        return Err(E::custom(msg!("rs-number-too-large", value = v, limit = RULE_LIMIT)));
    }
    Ok(Dec(v))
}

/// Parses a plain decimal (`12`, `-0.5`, `1,200.50`); `None` when it is not one.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim().replace([',', '，'], "");
    if t.is_empty() || t.contains(['e', 'E']) {
        return None;
    }
    Decimal::from_str_exact(&t).ok()
}

/// The exact decimal a spreadsheet number cell shows. Excel stores an IEEE double; its shortest
/// round-trip text (what Excel displays) is the number the clerk typed, so we go through text.
pub fn decimal_from_cell_number(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{v}")).ok()
}

/// Money to the fen, half away from zero (四舍五入): 0.125 → 0.13, −0.125 → −0.13.
pub fn round_fen(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Half-up rounding to a whole count, as quotas use it: 2.5 → 3.
pub fn round_count(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
}

/// Text for a decimal without trailing zeros (`15`, `0.5`, `97.3`).
pub fn show(v: Decimal) -> String {
    let n = v.normalize();
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

/// Text for money with two decimals (`600.00`).
pub fn show_money(v: Decimal) -> String {
    format!("{:.2}", round_fen(v))
}

/// Money as the workbooks show it, grouped in thousands (`12,600.00`, `-1,000.50`).
pub fn show_money_grouped(v: Decimal) -> String {
    let plain = show_money(v);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_in_thousands() {
        assert_eq!(show_money_grouped(d("12600")), "12,600.00");
        assert_eq!(show_money_grouped(d("999.5")), "999.50");
        assert_eq!(show_money_grouped(d("-1000.505")), "-1,000.51", "half away from zero");
        assert_eq!(show_money_grouped(d("1234567")), "1,234,567.00");
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn money_rounds_half_away_from_zero_not_to_even() {
        assert_eq!(round_fen(d("0.125")), d("0.13"));
        assert_eq!(round_fen(d("0.135")), d("0.14"));
        assert_eq!(round_fen(d("-0.125")), d("-0.13"));
        assert_eq!(round_fen(d("2.004")), d("2.00"));
    }

    #[test]
    fn counts_round_half_up() {
        assert_eq!(round_count(d("2.5")), d("3"));
        assert_eq!(round_count(d("1.4")), d("1"));
        assert_eq!(round_count(d("0.5")), d("1"));
    }

    #[test]
    fn cell_numbers_keep_the_typed_decimal() {
        assert_eq!(decimal_from_cell_number(0.1), Some(d("0.1")));
        assert_eq!(decimal_from_cell_number(1.5), Some(d("1.5")));
        assert_eq!(decimal_from_cell_number(f64::NAN), None);
    }

    #[test]
    fn toml_floats_are_refused_and_strings_accepted() {
        #[derive(Deserialize)]
        struct T {
            v: Dec,
        }
        let ok: T = toml::from_str("v = \"0.5\"").unwrap();
        assert_eq!(ok.v.0, d("0.5"));
        let int: T = toml::from_str("v = 60").unwrap();
        assert_eq!(int.v.0, d("60"));
        let err = toml::from_str::<T>("v = 0.5").err().unwrap().to_string();
        assert!(err.contains("in quotes"), "{err}");
    }

    #[test]
    fn rule_set_numbers_beyond_the_bound_are_refused() {
        #[derive(Deserialize)]
        struct T {
            #[allow(dead_code)]
            v: Dec,
        }
        let err = toml::from_str::<T>("v = \"10000000000000\"").err().unwrap().to_string();
        assert!(err.contains("no rule needs a number that large"), "{err}");
    }

    #[test]
    fn parse_decimal_accepts_thousands_separators_only() {
        assert_eq!(parse_decimal("1,200.50"), Some(d("1200.50")));
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("abc"), None);
    }
}
