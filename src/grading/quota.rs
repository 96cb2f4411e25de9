//! `quota`: forced shares of the group (优秀 20% / 良好 60% / 合格 20%).
//!
//! ```toml
//! quota = [
//!   { grade = "优秀", share = "0.2", count_param = "优秀名额" },
//!   { grade = "良好", share = "0.6" },
//!   { grade = "合格", share = "0.2" },
//! ]
//! ```
//! Counts are cumulative and round half up: positions 1..round(n·s₁) take the first grade, up
//! to round(n·(s₁+s₂)) the second, and so on; the last grade takes the rest. A grade with a
//! `count_param` takes the count a 参数 row of that name sets for the group (县下达名额) instead
//! of its share.
use crate::num::{round_count, Dec};
use crate::positioned::Checker;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

/// One grade's share as written.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub grade: String,
    pub share: Dec,
    pub count_param: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Share {
    pub grade: String,
    pub share: Decimal,
    /// A params row of this name (范围 = the group) sets the count instead (县下达名额).
    pub count_param: Option<String>,
}

/// Shares from 0 that add up to 1 (100%).
pub fn check(c: &mut Checker, quota: &Spanned<Vec<Raw>>) -> Vec<Share> {
    let q: Vec<Share> = quota
        .get_ref()
        .iter()
        .map(|q| Share {
            grade: q.grade.clone(),
            share: q.share.0,
            count_param: q.count_param.clone(),
        })
        .collect();
    let total: Decimal = q.iter().map(|q| q.share).sum();
    if total != Decimal::ONE {
        c.at(quota, msg!("rs-quota-shares-add-up", total = total));
    }
    if q.iter().any(|q| q.share < Decimal::ZERO) {
        c.at(quota, msg!("rs-quota-share-cannot-negative"));
    }
    q
}

/// Cumulative lines for `n` candidates from shares, with counts fixed where given.
pub fn lines(n: usize, shares: &[Decimal], fixed: &[Option<usize>]) -> Vec<usize> {
    let mut out = Vec::with_capacity(shares.len());
    let mut cum = Decimal::ZERO;
    let mut prev = 0usize;
    for (k, share) in shares.iter().enumerate() {
        cum += *share;
        let line = if k + 1 == shares.len() {
            n
        } else if let Some(Some(c)) = fixed.get(k) {
            prev.saturating_add(*c)
        } else {
            let l: usize = round_count(Decimal::from(n) * cum).try_into().unwrap_or(n);
            l.max(prev)
        };
        let line = line.min(n);
        out.push(line);
        prev = line;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn shares() -> Vec<Decimal> {
        vec![d("0.2"), d("0.6"), d("0.2")]
    }

    #[test]
    fn quota_lines_round_half_up_on_cumulative_shares() {
        // n=10: 2 / 8 / 10. n=3: 0.6→1, 2.4→2. n=1: 0.2→0, 0.8→1. n=8: 1.6→2, 6.4→6.
        assert_eq!(lines(10, &shares(), &[]), vec![2, 8, 10]);
        assert_eq!(lines(3, &shares(), &[]), vec![1, 2, 3]);
        assert_eq!(lines(1, &shares(), &[]), vec![0, 1, 1]);
        assert_eq!(lines(8, &shares(), &[]), vec![2, 6, 8]);
        assert_eq!(lines(5, &shares(), &[]), vec![1, 4, 5], "0.2·5=1, 0.8·5=4");
        assert_eq!(lines(0, &shares(), &[]), vec![0, 0, 0]);
    }

    #[test]
    fn a_county_set_count_overrides_the_first_line_only() {
        assert_eq!(lines(10, &shares(), &[Some(3)]), vec![3, 8, 10]);
        assert_eq!(lines(10, &shares(), &[Some(12)]), vec![10, 10, 10], "never past n");
    }
}
