//! Placing a group against its grade lines, whatever method drew them (and the honours'
//! list against its one line).
//!
//! Candidates are sorted by total, then the tie-breakers, all descending, then by id. Workers
//! tied on (total, tie-breakers) all take the grade of the best position among them; the lines
//! do not move, so the overflow takes places from the next grade, and every such tie is
//! reported.
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
    use crate::grading::quota::lines;

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
    fn ties_at_a_line_take_the_higher_grade_and_are_reported() {
        // 10 candidates, positions 2 and 3 tied at 90: both 优秀; the 良好 line stays at 8.
        let totals = ["95", "90", "90", "85", "84", "83", "82", "81", "80", "79"];
        let r = place_at(cands(&totals), lines(totals.len(), &shares(), &[]));
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
        let r = place_at(cands(&totals), lines(totals.len(), &shares(), &[]));
        assert!(r.boundary_ties.is_empty());
        assert!(r.placed.iter().all(|p| p.lifted_from.is_none()));
    }
}
