//! `bands`: score bands, best first (≥90 优秀, at most 20%; ≥70 合格; else 不合格).
//!
//! ```toml
//! bands = [
//!   { grade = "优秀", at_least = "90", max_share = "0.2" },
//!   { grade = "合格", at_least = "70" },
//!   { grade = "不合格" },
//! ]
//! ```
//! A band holds the subjects whose total reaches its threshold (the last band has none), at
//! most round(n·max_share) of them; the band's lower-ranked rest falls to the next band, and a
//! tie across that line all stays (reported). A band may be the vetoed grade itself.
use crate::num::{round_count, Dec};
use crate::positioned::Checker;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

/// One band as written.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub grade: String,
    /// The lowest total of the band; the last band has none (everything below).
    pub at_least: Option<Dec>,
    /// At most this share of the group's graded subjects (rounded half up); the band's
    /// lower-ranked rest falls to the next band.
    pub max_share: Option<Dec>,
}

#[derive(Debug, Clone)]
pub struct Band {
    pub grade: String,
    pub at_least: Option<Decimal>,
    pub max_share: Option<Decimal>,
}

/// At least two bands, best first, each but the last with a lower threshold than the one
/// before, the last with none, every max_share a share from 0 to 1.
pub fn check(c: &mut Checker, bands: &Spanned<Vec<Raw>>) -> Vec<Band> {
    let list = bands.get_ref();
    let mut prev: Option<Decimal> = None;
    for (k, b) in list.iter().enumerate() {
        match (b.at_least, k + 1 == list.len()) {
            (Some(_), true) => c.at(bands, msg!("rs-last-band-takes-everything-below")),
            (None, false) => c.at(bands, msg!("rs-band-needs-least-only-last", grade = b.grade)),
            (Some(t), false) => {
                if prev.is_some_and(|p| t.0 >= p) {
                    c.at(bands, msg!("rs-bands-must-listed-best-first"));
                }
                prev = Some(t.0);
            }
            (None, true) => {}
        }
        if let Some(sh) = b.max_share {
            if sh.0 < Decimal::ZERO || sh.0 > Decimal::ONE {
                c.at(bands, msg!("rs-band-s-max-share-share"));
            }
        }
    }
    if list.len() < 2 {
        c.at(bands, msg!("rs-bands-need-least-two-grades"));
    }
    list.iter()
        .map(|b| Band {
            grade: b.grade.clone(),
            at_least: b.at_least.map(|d| d.0),
            max_share: b.max_share.map(|d| d.0),
        })
        .collect()
}

/// Cumulative lines for score bands, best first: a band holds the subjects whose total reaches
/// its threshold (the last band has none), at most round(n·max_share) of them; the band's
/// lower-ranked rest falls to the next band (≥90 优秀 but at most 20%, the rest 合格).
pub fn lines(totals: &[Decimal], bands: &[Band]) -> Vec<usize> {
    let n = totals.len();
    let mut out = Vec::with_capacity(bands.len());
    let mut prev = 0usize;
    for (k, b) in bands.iter().enumerate() {
        let natural = match &b.at_least {
            Some(t) if k + 1 < bands.len() => totals.iter().filter(|x| *x >= t).count(),
            _ => n,
        };
        let capped = match b.max_share {
            Some(s) => {
                let most: usize = round_count(Decimal::from(n) * s).try_into().unwrap_or(n);
                natural.min(prev.saturating_add(most))
            }
            None => natural,
        };
        let line = capped.max(prev).min(n);
        out.push(line);
        prev = line;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::place::{place_at, Candidate};

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }
    fn band(grade: &str, at_least: Option<&str>, max_share: Option<&str>) -> Band {
        Band {
            grade: grade.into(),
            at_least: at_least.map(d),
            max_share: max_share.map(d),
        }
    }
    /// Candidates in this order, one per total.
    fn cands(totals: &[&str]) -> Vec<Candidate> {
        totals
            .iter()
            .enumerate()
            .map(|(i, t)| Candidate {
                key: vec![d(t)],
                id: format!("{i:03}"),
                index: i,
            })
            .collect()
    }
    fn totals(ts: &[&str]) -> Vec<Decimal> {
        ts.iter().map(|t| d(t)).collect()
    }

    #[test]
    fn bands_cap_the_top_band_and_the_rest_falls_to_the_next() {
        // ≥90 优秀 (at most 20%), ≥70 合格, else 不合格. Ten workers, four at
        // 90 or more: two places for 优秀, so 91 and 90 fall to 合格.
        let ts = ["95", "93", "91", "90", "89.99", "75", "70", "69.99", "50", "80"];
        let bands = vec![
            band("优秀", Some("90"), Some("0.2")),
            band("合格", Some("70"), None),
            band("不合格", None, None),
        ];
        assert_eq!(lines(&totals(&ts), &bands), vec![2, 8, 10]);
        let r = place_at(cands(&ts), lines(&totals(&ts), &bands));
        let grade_of = |i: usize| r.placed.iter().find(|p| p.index == i).unwrap().grade;
        assert_eq!((grade_of(0), grade_of(1), grade_of(2), grade_of(3)), (0, 0, 1, 1));
        assert_eq!((grade_of(6), grade_of(7)), (1, 2));
        // A tie across the capped line: both take 优秀 and the tie is reported.
        let tied = ["95", "92", "92", "60", "60"];
        let r = place_at(cands(&tied), lines(&totals(&tied), &bands));
        assert_eq!(r.lines, vec![1, 3, 5]);
        assert_eq!(r.placed.iter().filter(|p| p.grade == 0).count(), 1);
        let wider = vec![
            band("优秀", Some("90"), Some("0.4")),
            band("合格", Some("70"), None),
            band("不合格", None, None),
        ];
        assert_eq!(lines(&totals(&tied), &wider), vec![2, 3, 5]);
        let r = place_at(cands(&tied), vec![2, 3, 5]);
        // 95 takes the first place; the 92s share positions 2 and 3 across the 2-place line:
        // both take 优秀 (three in the band) and the tie is reported.
        assert_eq!(r.boundary_ties, vec![vec![1, 2]]);
        assert_eq!(r.placed.iter().filter(|p| p.grade == 0).count(), 3);
        // Tied at 92 across a one-place line: both take 优秀, and the tie is reported.
        let tied = ["92", "92", "60", "60", "60"];
        let r = place_at(cands(&tied), lines(&totals(&tied), &bands));
        assert_eq!(r.lines, vec![1, 2, 5]);
        assert_eq!(r.boundary_ties, vec![vec![0, 1]]);
        assert_eq!(r.placed.iter().filter(|p| p.grade == 0).count(), 2);
    }
}
