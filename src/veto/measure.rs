//! `measure`: a measure reaching a count vetoes (a 重大责任事故, 3 次未到岗).
//!
//! ```toml
//! [[veto]]
//! id = "accident"
//! label = "发生重大安全事故"
//! measure = "major_accidents"
//! at_least = "1"          # default 1
//! ```
//! A measure that counts nothing never vetoes, whatever `at_least` says: a veto needs an
//! occurrence to point at.
use super::{Facts, Hit};
use crate::num::Dec;
use crate::positioned::{Checker, Name};
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct AtLeast {
    pub measure: usize,
    pub at_least: Decimal,
}

/// The measure named, and `at_least` (default 1) above zero: a line of 0 would veto everyone.
pub fn check(
    c: &mut Checker,
    name: &Name,
    at_least: Option<&Dec>,
    measure: &dyn Fn(&mut Checker, &Name) -> usize,
) -> AtLeast {
    let at_least = at_least.map_or(Decimal::ONE, |d| d.0);
    if at_least <= Decimal::ZERO {
        c.at(name, msg!("rs-veto-at-least-above-zero", value = at_least));
    }
    AtLeast {
        measure: measure(c, name),
        at_least,
    }
}

impl AtLeast {
    pub(super) fn hit(&self, f: &Facts) -> Option<Hit> {
        let val = f.measures.get(self.measure)?;
        let t = val.total();
        (t >= self.at_least && !t.is_zero()).then(|| Hit {
            count: t,
            sources: val.occurrences().iter().map(|o| o.source.clone()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::SheetKind;
    use crate::measure::{Occurrence, Value};
    use crate::trace::{Absent, Source};

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    fn times(n: usize) -> Value {
        Value::Occurrences(
            (0..n)
                .map(|k| {
                    let date = chrono::NaiveDate::from_ymd_opt(2026, 7, 1 + k as u32).unwrap();
                    Occurrence {
                        date: Some(date),
                        amount: Decimal::ONE,
                        level: None,
                        money: None,
                        source: Source::Missing {
                            sheet: SheetKind::Attendance,
                            date,
                            why: Absent::NotAtPost,
                        },
                    }
                })
                .collect(),
        )
    }

    #[test]
    fn a_measure_vetoes_from_its_line_and_points_at_its_rows() {
        let t = AtLeast {
            measure: 0,
            at_least: d("3"),
        };
        fn facts(v: &Value) -> Facts<'_> {
            Facts {
                measures: std::slice::from_ref(v),
                total: Decimal::from(90),
            }
        }
        // 2 absences < 3: no veto; 3 ≥ 3: vetoed, the three days its sources.
        assert_eq!(t.hit(&facts(&times(2))), None);
        let hit = t.hit(&facts(&times(3))).unwrap();
        assert_eq!(hit.count, d("3"));
        assert_eq!(hit.sources.len(), 3);
    }

    #[test]
    fn nothing_counted_never_vetoes() {
        // Even a line the check refuses (0) does not veto a subject with no occurrence.
        let t = AtLeast {
            measure: 0,
            at_least: Decimal::ZERO,
        };
        let none = times(0);
        let f = Facts {
            measures: std::slice::from_ref(&none),
            total: d("90"),
        };
        assert_eq!(t.hit(&f), None);
    }
}
