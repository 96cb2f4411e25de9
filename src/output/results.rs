//! `results.toml`: what this run gave each subject, by the rule set's ids, for the later runs
//! that look back on it (`crate::past`): the grade, the ids of the flags raised, and the
//! values of the items the rule set sums over runs of this kind. scores.csv stays what people
//! and other programs read; this file is what gridscore reads, so that a flag's label reworded
//! between two months still matches, and a summed value is a typed decimal.
use super::{print_order, Report};
use crate::num::Dec;
use crate::past::{Results, ResultsSubject, RESULTS_FORMAT};

pub fn results(r: &Report) -> Result<Vec<u8>, toml::ser::Error> {
    let period = r.outcome.period;
    let items = r.rules.summed_over(period.kind);
    let at: Vec<Option<usize>> = items
        .iter()
        .map(|p| r.outcome.columns.iter().position(|c| c.path == *p))
        .collect();
    let subjects = print_order(r)
        .into_iter()
        .map(|s| ResultsSubject {
            id: r.inputs.workers[s.worker].id.clone(),
            grade: s.grade.clone().unwrap_or_default(),
            flags: s.flags.iter().map(|&f| r.rules.flags[f].id.clone()).collect(),
            values: items
                .iter()
                .zip(&at)
                .filter_map(|(p, c)| Some((p.clone(), Dec(s.values[(*c)?]))))
                .collect(),
        })
        .collect();
    let file = Results {
        format: RESULTS_FORMAT,
        scheme: r.rules.meta.name.clone(),
        period: period.to_string(),
        items,
        subjects,
    };
    Ok(file.to_text()?.into_bytes())
}

#[cfg(test)]
mod tests {
    use crate::past::{Results, ResultsSubject, RESULTS_FORMAT};
    use crate::period::Period;

    #[test]
    fn a_results_file_reads_back_as_the_run_it_records_and_refuses_another() {
        let file = Results {
            format: RESULTS_FORMAT,
            scheme: "daning".into(),
            period: "2026-07".into(),
            items: vec!["extra".into()],
            subjects: vec![ResultsSubject {
                id: "0001".into(),
                grade: String::new(),
                flags: vec!["no_report".into()],
                values: [("extra".to_string(), crate::num::Dec(rust_decimal::Decimal::new(125, 1)))].into(),
            }],
        };
        let text = file.to_text().unwrap();
        assert!(text.contains("[subject.values]\nextra = \"12.5\""), "{text}");
        let july = Period::parse_any("2026-07").unwrap();
        let run = Results::read(&text, "r.toml", "daning", july, &["extra".into()]).unwrap();
        let s = &run.subjects["0001"];
        assert_eq!(
            (s.flags.clone(), s.values["extra"].to_string()),
            (vec!["no_report".to_string()], "12.5".into())
        );
        // Another month's file, or one without an item this run sums: refused, saying so.
        let august = Period::parse_any("2026-08").unwrap();
        let err = Results::read(&text, "r.toml", "daning", august, &[]).unwrap_err();
        assert!(
            err[0].contains("daning 2026-07") && err[0].contains("daning 2026-08"),
            "{err:?}"
        );
        let err = Results::read(&text, "r.toml", "daning", july, &["bonus".into()]).unwrap_err();
        assert!(err[0].contains("`bonus`"), "{err:?}");
    }
}
