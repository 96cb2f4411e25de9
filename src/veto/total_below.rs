//! `total_below`: a total under a line vetoes (考核得分低于60分的, 实行一票否决).
//!
//! ```toml
//! [[veto]]
//! id = "low"
//! label = "总分低于60分"
//! total_below = "60"
//! ```
//! The total is the one after the committee's 调整, so an adjustment can lift a subject over
//! the line; a total exactly at the line stands.
use super::{Facts, Hit};
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct TotalBelow {
    pub limit: Decimal,
}

impl TotalBelow {
    pub(super) fn hit(&self, f: &Facts) -> Option<Hit> {
        (f.total < self.limit).then(|| Hit {
            count: f.total,
            sources: vec![],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn a_total_under_the_line_vetoes_and_one_at_it_stands() {
        let t = TotalBelow { limit: d("60") };
        let at = |total: &str| Facts {
            measures: &[],
            total: d(total),
        };
        // 59.99 < 60: vetoed, the total its count; 60 is not below 60.
        assert_eq!(t.hit(&at("59.99")).map(|h| h.count), Some(d("59.99")));
        assert_eq!(t.hit(&at("60")), None);
    }
}
