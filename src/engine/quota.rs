//! Forced quotas (优秀 20% / 良好 60% / 合格 20%) within scope groups.
//!
//! Counts are cumulative and round half up: positions 1..round(n·s₁) take the first grade,
//! up to round(n·(s₁+s₂)) the second, and so on. Workers tied on (total, tie-breakers) all
//! take the grade of the best position among them; the lines do not move, so the overflow
//! takes places from the next grade, and every such tie is reported.
use crate::num::round_count;
use rust_decimal::Decimal;

/// One candidate: its sort key (total, then tie-breaker scores, all descending) and a stable id.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub key: Vec<Decimal>,
    pub id: String,
    pub index: usize,
}

/// The result for one candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub index: usize,
    /// 1-based competition rank (tied candidates share it).
    pub rank: u32,
    /// 1-based position after sorting (ties ordered by id).
    pub position: u32,
    pub grade: usize,
    /// The grade its position alone would have given, when a tie lifted it.
    pub lifted_from: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct GroupResult {
    pub n: usize,
    /// Cumulative lines: positions ≤ lines[k] take grade k (before ties).
    pub lines: Vec<usize>,
    pub placed: Vec<Placed>,
    /// Tie groups that straddle a line: the candidate indices, in position order.
    pub boundary_ties: Vec<Vec<usize>>,
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

/// Cumulative lines for score bands, best first: a band holds the subjects whose total reaches
/// its threshold (the last band has none), at most round(n·max_share) of them; the band's
/// lower-ranked rest falls to the next band (≥90 优秀 but at most 20%, the rest 合格).
pub fn band_lines(totals: &[Decimal], bands: &[(Option<Decimal>, Option<Decimal>)]) -> Vec<usize> {
    let n = totals.len();
    let mut out = Vec::with_capacity(bands.len());
    let mut prev = 0usize;
    for (k, (at_least, max_share)) in bands.iter().enumerate() {
        let natural = match at_least {
            Some(t) if k + 1 < bands.len() => totals.iter().filter(|x| *x >= t).count(),
            _ => n,
        };
        let capped = match max_share {
            Some(s) => {
                let most: usize = round_count(Decimal::from(n) * *s).try_into().unwrap_or(n);
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

pub fn place(cands: Vec<Candidate>, shares: &[Decimal], fixed: &[Option<usize>]) -> GroupResult {
    let n = cands.len();
    place_at(cands, lines(n, shares, fixed))
}

/// Places candidates against cumulative lines (one per grade, the last = n).
pub fn place_at(mut cands: Vec<Candidate>, lines: Vec<usize>) -> GroupResult {
    cands.sort_by(|a, b| b.key.cmp(&a.key).then_with(|| a.id.cmp(&b.id)));
    let n = cands.len();
    let last = lines.len().saturating_sub(1);
    let grade_at = |pos: usize| lines.iter().position(|l| pos < *l).unwrap_or(last);
    let mut placed = Vec::with_capacity(n);
    let mut boundary_ties = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && cands[j].key == cands[i].key {
            j += 1;
        }
        let grade = grade_at(i);
        if j - i > 1 && grade_at(j - 1) != grade {
            boundary_ties.push(cands[i..j].iter().map(|c| c.index).collect());
        }
        for (pos, c) in cands.iter().enumerate().take(j).skip(i) {
            let own = grade_at(pos);
            placed.push(Placed {
                index: c.index,
                rank: i as u32 + 1,
                position: pos as u32 + 1,
                grade,
                lifted_from: (own != grade).then_some(own),
            });
        }
        i = j;
    }
    GroupResult {
        n,
        lines,
        placed,
        boundary_ties,
    }
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
    fn cand(i: usize, total: &str) -> Candidate {
        Candidate {
            key: vec![d(total)],
            id: format!("{i:03}"),
            index: i,
        }
    }

    /// Candidates in this order, one per total.
    fn cands(totals: &[&str]) -> Vec<Candidate> {
        totals.iter().enumerate().map(|(i, t)| cand(i, t)).collect()
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

    #[test]
    fn ties_at_a_line_take_the_higher_grade_and_are_reported() {
        // 10 candidates, positions 2 and 3 tied at 90: both 优秀; the 良好 line stays at 8.
        let totals = ["95", "90", "90", "85", "84", "83", "82", "81", "80", "79"];
        let r = place(
            totals.iter().enumerate().map(|(i, t)| cand(i, t)).collect(),
            &shares(),
            &[],
        );
        let grade_of = |i: usize| r.placed.iter().find(|p| p.index == i).unwrap().grade;
        assert_eq!(
            (0..10).map(grade_of).collect::<Vec<_>>(),
            vec![0, 0, 0, 1, 1, 1, 1, 1, 2, 2]
        );
        assert_eq!(r.boundary_ties, vec![vec![1, 2]]);
        let lifted = r.placed.iter().find(|p| p.index == 2).unwrap();
        assert_eq!((lifted.rank, lifted.position, lifted.lifted_from), (2, 3, Some(1)));
    }

    #[test]
    fn ties_inside_a_grade_are_not_reported() {
        let totals = ["95", "94", "90", "90", "85"];
        let r = place(
            totals.iter().enumerate().map(|(i, t)| cand(i, t)).collect(),
            &shares(),
            &[],
        );
        assert!(r.boundary_ties.is_empty());
        assert!(r.placed.iter().all(|p| p.lifted_from.is_none()));
    }

    #[test]
    fn bands_cap_the_top_band_and_the_rest_falls_to_the_next() {
        // ≥90 优秀 (at most 20%), ≥70 合格, else 不合格. Ten workers, four at
        // 90 or more: two places for 优秀, so 91 and 90 fall to 合格.
        let totals: Vec<&str> = vec!["95", "93", "91", "90", "89.99", "75", "70", "69.99", "50", "80"];
        let bands = vec![(Some(d("90")), Some(d("0.2"))), (Some(d("70")), None), (None, None)];
        let ts: Vec<Decimal> = totals.iter().map(|t| d(t)).collect();
        assert_eq!(band_lines(&ts, &bands), vec![2, 8, 10]);
        let r = place_at(
            totals.iter().enumerate().map(|(i, t)| cand(i, t)).collect(),
            band_lines(&ts, &bands),
        );
        let grade_of = |i: usize| r.placed.iter().find(|p| p.index == i).unwrap().grade;
        assert_eq!((grade_of(0), grade_of(1), grade_of(2), grade_of(3)), (0, 0, 1, 1));
        assert_eq!((grade_of(6), grade_of(7)), (1, 2));
        // A tie across the capped line: both take 优秀 and the tie is reported.
        let tied: Vec<Decimal> = ["95", "92", "92", "60", "60"].iter().map(|t| d(t)).collect();
        let r = place_at(cands(&["95", "92", "92", "60", "60"]), band_lines(&tied, &bands));
        assert_eq!(r.lines, vec![1, 3, 5]);
        assert_eq!(r.placed.iter().filter(|p| p.grade == 0).count(), 1);
        let tied_lines = band_lines(
            &tied,
            &[(Some(d("90")), Some(d("0.4"))), (Some(d("70")), None), (None, None)],
        );
        assert_eq!(tied_lines, vec![2, 3, 5]);
        let r = place_at(cands(&["95", "92", "92", "60", "60"]), vec![2, 3, 5]);
        // 95 takes the first place; the 92s share positions 2 and 3 across the 2-place line:
        // both take 优秀 (three in the band) and the tie is reported.
        assert_eq!(r.boundary_ties, vec![vec![1, 2]]);
        assert_eq!(r.placed.iter().filter(|p| p.grade == 0).count(), 3);
        // Tied at 92 across a one-place line: both take 优秀, and the tie is reported.
        let tied: Vec<Decimal> = ["92", "92", "60", "60", "60"].iter().map(|t| d(t)).collect();
        let r = place_at(cands(&["92", "92", "60", "60", "60"]), band_lines(&tied, &bands));
        assert_eq!(r.lines, vec![1, 2, 5]);
        assert_eq!(r.boundary_ties, vec![vec![0, 1]]);
        assert_eq!(r.placed.iter().filter(|p| p.grade == 0).count(), 2);
    }
}
