//! CSV exports: UTF-8 with a byte-order mark so that Excel opens them as UTF-8, and stable
//! English headers for other programs.
use super::{csv_points, payees, print_order, Report};
use crate::num::show_money;

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

/// `id,name,village,role,rank,total,grade,veto`, `flags` when the rule set has any, then one
/// column per item and part.
pub fn scores(r: &Report) -> Vec<u8> {
    let mut w = writer();
    let flagged = !r.rules.flags.is_empty();
    let mut header: Vec<String> = ["id", "name", "village", "role", "rank", "total", "grade", "veto"]
        .map(String::from)
        .to_vec();
    if flagged {
        header.push("flags".into());
    }
    let honored = !r.rules.honors.is_empty();
    if honored {
        header.push("honors".into());
    }
    header.extend(r.outcome.columns.iter().map(|c| c.path.clone()));
    let _ = w.write_record(&header);
    for s in print_order(r) {
        let wk = &r.inputs.workers[s.worker];
        let mut row = vec![
            wk.id.clone(),
            wk.name.clone(),
            wk.village.clone(),
            r.rules.roles[wk.role].id.clone(),
            s.rank.map(|x| x.to_string()).unwrap_or_default(),
            csv_points(s.total),
            s.grade.clone().unwrap_or_default(),
            s.vetoes.join(";"),
        ];
        if flagged {
            row.push(s.flags.join(";"));
        }
        if honored {
            row.push(s.honors.join(";"));
        }
        row.extend(s.values.iter().map(|v| csv_points(*v)));
        let _ = w.write_record(&row);
    }
    finish(w)
}

/// `id,name,village,role,amount`, then one column per pay component.
pub fn payouts(r: &Report) -> Vec<u8> {
    let mut w = writer();
    let mut header: Vec<String> = ["id", "name", "village", "role", "amount"].map(String::from).to_vec();
    header.extend(r.outcome.pays.iter().map(|&i| r.rules.pay[i].id.clone()));
    let _ = w.write_record(&header);
    for s in payees(r) {
        let wk = &r.inputs.workers[s.worker];
        let mut row = vec![
            wk.id.clone(),
            wk.name.clone(),
            wk.village.clone(),
            r.rules.roles[wk.role].id.clone(),
            show_money(s.pay_total),
        ];
        row.extend(s.pay.iter().map(|a| a.map(show_money).unwrap_or_default()));
        let _ = w.write_record(&row);
    }
    finish(w)
}
