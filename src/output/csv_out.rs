//! CSV exports: UTF-8 with a byte-order mark so that Excel opens them as UTF-8, and stable
//! English headers for other programs.
//!
//! A text field that a spreadsheet would take for a formula — one beginning with `=`, `+`,
//! `-`, `@`, a tab or a carriage return, such as a name typed as `=HYPERLINK("http://x","点我")`
//! — is written with a leading apostrophe (`'=HYPERLINK(…)`), as OWASP recommends for CSV
//! injection: Excel, WPS and LibreOffice then show it as text, and the apostrophe shows what
//! was done. Numbers are numbers and are left alone (`-2.5` stays a negative number). A reader
//! of gridscore's own CSV (a look-back) takes the apostrophe off again ([`unguarded`]).
use super::{csv_points, payees, print_order, Report};
use crate::columns;
use crate::num::show_money;

/// The characters that make a spreadsheet read a field as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text field, safe to open in a spreadsheet (see the module's comment).
pub fn guarded(text: &str) -> String {
    if text.starts_with(FORMULA_START) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A text field as it was before [`guarded`].
pub fn unguarded(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest,
        _ => field,
    }
}

fn finish(w: csv::Writer<Vec<u8>>) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    // Writing into a Vec cannot fail.
    out.extend(w.into_inner().unwrap_or_default());
    out
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// `id,name,village,role,role_id,rank,total,grade,veto`, `flags` when the rule set has any, then one
/// column per item and part.
pub fn scores(r: &Report) -> Vec<u8> {
    let mut w = writer();
    let flagged = !r.rules.flags.is_empty();
    let mut header: Vec<String> = columns::SCORES.map(String::from).to_vec();
    if flagged {
        header.push(columns::FLAGS.into());
    }
    let honored = !r.rules.honors.is_empty();
    if honored {
        header.push(columns::HONORS.into());
    }
    header.extend(r.outcome.columns.iter().map(|c| c.path.clone()));
    let _ = w.write_record(&header);
    for s in print_order(r) {
        let wk = &r.inputs.workers[s.worker];
        let mut row = vec![
            guarded(&wk.id),
            guarded(&wk.name),
            guarded(&wk.village),
            guarded(&r.rules.roles[wk.role].label),
            guarded(&r.rules.roles[wk.role].id),
            s.rank.map(|x| x.to_string()).unwrap_or_default(),
            csv_points(s.total),
            guarded(&s.grade.clone().unwrap_or_default()),
            guarded(&s.vetoes.join(";")),
        ];
        if flagged {
            row.push(guarded(&r.rules.flag_labels(&s.flags, ";")));
        }
        if honored {
            row.push(guarded(&s.honors.join(";")));
        }
        row.extend(s.values.iter().map(|v| csv_points(*v)));
        let _ = w.write_record(&row);
    }
    finish(w)
}

/// `id,name,village,role,role_id,amount`, then one column per pay component.
pub fn payouts(r: &Report) -> Vec<u8> {
    let mut w = writer();
    let mut header: Vec<String> = columns::PAYOUTS.map(String::from).to_vec();
    header.extend(r.outcome.pays.iter().map(|&i| r.rules.pay[i].id.clone()));
    let _ = w.write_record(&header);
    for s in payees(r) {
        let wk = &r.inputs.workers[s.worker];
        let mut row = vec![
            guarded(&wk.id),
            guarded(&wk.name),
            guarded(&wk.village),
            guarded(&r.rules.roles[wk.role].label),
            guarded(&r.rules.roles[wk.role].id),
            show_money(s.pay_total),
        ];
        row.extend(s.pay.iter().map(|a| a.map(show_money).unwrap_or_default()));
        let _ = w.write_record(&row);
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_that_would_start_a_formula_is_written_as_text_and_read_back_as_it_was() {
        for t in [
            "=HYPERLINK(\"http://x\",\"点我\")",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1",
            "-1",
            "\t=1+1",
            "\r=1",
        ] {
            let g = guarded(t);
            assert_eq!(g, format!("'{t}"));
            assert_eq!(unguarded(&g), t);
        }
        assert_eq!(guarded("张三"), "张三");
        // A name that really begins with an apostrophe is left as it is, both ways.
        assert_eq!(guarded("'阿三"), "'阿三");
        assert_eq!(unguarded("'阿三"), "'阿三");
    }
}
