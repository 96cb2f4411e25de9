//! The payout workbook: 发放表 (a row per payee, to sign) and 汇总 (per village).
use super::sheet::{self, Cell, Table};
use super::{payees, title, workbook, Report};
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;

pub fn payout_workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let t = title(r, "奖励发放表");
    let mut wb = workbook(r, &t)?;
    let pays: Vec<&crate::rules::PayRule> = r.outcome.pays.iter().map(|&i| &r.rules.pay[i]).collect();
    let with_bank = r.inputs.workers.iter().any(|w| w.bank_account.is_some());
    let mut header: Vec<String> = ["序号", "编号", "姓名", "村(社区)", "岗位", "等次"]
        .map(String::from)
        .to_vec();
    header.extend(pays.iter().map(|p| p.label.clone()));
    header.push("合计".into());
    if with_bank {
        header.push("银行卡号".into());
    }
    header.push("签字".into());
    let mut rows = Vec::new();
    let mut sums = vec![Decimal::ZERO; pays.len()];
    let mut grand = Decimal::ZERO;
    for (n, s) in payees(r).into_iter().enumerate() {
        let w = &r.inputs.workers[s.worker];
        let mut row = vec![
            Cell::Int(n as i64 + 1),
            Cell::text(&w.id),
            Cell::text(&w.name),
            Cell::text(&w.village),
            Cell::text(&r.rules.roles[w.role].label),
            Cell::text(s.grade.clone().unwrap_or_default()),
        ];
        for (k, a) in s.pay.iter().enumerate() {
            row.push(a.map_or(Cell::Blank, Cell::Money));
            sums[k] += a.unwrap_or_default();
        }
        row.push(Cell::Money(s.pay_total));
        grand += s.pay_total;
        if with_bank {
            row.push(Cell::text(w.bank_account.clone().unwrap_or_default()));
        }
        row.push(Cell::Blank);
        rows.push(row);
    }
    let mut total_row = vec![
        Cell::text("合计"),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
    ];
    total_row.extend(sums.iter().map(|s| Cell::Money(*s)));
    total_row.push(Cell::Money(grand));
    if with_bank {
        total_row.push(Cell::Blank);
    }
    total_row.push(Cell::Blank);
    let bold = vec![rows.len()];
    rows.push(total_row);
    let sig = header.len() - 1;
    sheet::add(
        &mut wb,
        &Table {
            name: "发放表".into(),
            header,
            rows,
            title: t.clone(),
            signature_col: Some(sig),
            bold_rows: bold,
        },
    )?;

    // 汇总: per village and the grand total.
    let mut by_village: std::collections::BTreeMap<&str, (usize, Vec<Decimal>, Decimal)> = Default::default();
    let listed = payees(r);
    for s in &listed {
        let e = by_village
            .entry(r.inputs.workers[s.worker].village.as_str())
            .or_insert_with(|| (0, vec![Decimal::ZERO; pays.len()], Decimal::ZERO));
        e.0 += 1;
        for (k, a) in s.pay.iter().enumerate() {
            e.1[k] += a.unwrap_or_default();
        }
        e.2 += s.pay_total;
    }
    let mut header: Vec<String> = vec!["村(社区)".into(), "人数".into()];
    header.extend(pays.iter().map(|p| p.label.clone()));
    header.push("合计".into());
    let mut rows: Vec<Vec<Cell>> = by_village
        .iter()
        .map(|(v, (n, parts, total))| {
            let mut row = vec![Cell::text(*v), Cell::Int(*n as i64)];
            row.extend(parts.iter().map(|a| Cell::Money(*a)));
            row.push(Cell::Money(*total));
            row
        })
        .collect();
    let mut total_row = vec![Cell::text("总计"), Cell::Int(listed.len() as i64)];
    total_row.extend(sums.iter().map(|s| Cell::Money(*s)));
    total_row.push(Cell::Money(grand));
    let bold = vec![rows.len()];
    rows.push(total_row);
    sheet::add(
        &mut wb,
        &Table {
            name: "汇总".into(),
            header,
            rows,
            title: title(r, "奖励汇总"),
            signature_col: None,
            bold_rows: bold,
        },
    )?;
    wb.save_to_buffer()
}
