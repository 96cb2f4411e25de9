//! The payout workbook: 发放表 (a row per payee, to sign) and 汇总 (per village).
use super::sheet::{self, Cell, Table};
use super::{payees, title, workbook, Report};
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;

pub fn payout_workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let t = title(r, "奖励发放表");
    let mut wb = workbook(r, &t)?;
    let pays: Vec<&crate::rules::PayRule> = r.outcome.pays.iter().map(|&i| &r.rules.pay[i]).collect();
    let (table, sums, grand) = payout_table(r, &pays, t);
    sheet::add(&mut wb, &table)?;
    drop(table);

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
            key_columns: 1,
            widths: vec![],
            footer: vec![],
        },
    )?;
    wb.save_to_buffer()
}

/// The 发放表: a row per payee with each pay rule's amount, their total, the bank account and
/// a column to sign in; then the totals, the grand total in words (人民币大写) and the office's
/// signature block. A column no payee has a value in (等次 on a month run that grades none) is
/// left out. Returns the table with each rule's sum and the grand total.
fn payout_table<'a>(r: &Report<'a>, pays: &[&crate::rules::PayRule], t: String) -> (Table<'a>, Vec<Decimal>, Decimal) {
    let with_bank = r.inputs.workers.iter().any(|w| w.bank_account.is_some());
    let mut header: Vec<String> = ["序号", "编号", "姓名", "村(社区)", "岗位", "等次"]
        .map(String::from)
        .to_vec();
    header.extend(pays.iter().map(|p| p.label.clone()));
    header.push("合计".into());
    if with_bank {
        header.push("银行卡号".into());
    }
    // A held payee (a veto awaiting the committee's confirmation) is listed, marked; the bank
    // file leaves it out. The column goes when nobody is held.
    header.push("备注".into());
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
            // Printed and posted by hand: the last four digits unless the office wants all;
            // the bank file has the whole number.
            let account = w.bank_account.clone().unwrap_or_default();
            row.push(Cell::text(if r.rules.payout_full_account {
                account
            } else {
                crate::compare::masked(&account)
            }));
        }
        row.push(if s.pending.is_empty() {
            Cell::Blank
        } else {
            // Short, so the sheet still prints one page wide: which veto is on 排名 and 明细.
            Cell::text("暂缓发放 (否决待确认)")
        });
        row.push(Cell::Blank);
        rows.push(row);
    }
    // Columns with nothing in any payee's row, but the one to sign in.
    let sig = header.len() - 1;
    let empty: Vec<usize> = (0..sig).filter(|&c| rows.iter().all(|row| is_empty(&row[c]))).collect();
    let mut total_row = vec![Cell::text("合计")];
    total_row.extend(std::iter::repeat_n(Cell::Blank, 5));
    total_row.extend(sums.iter().map(|s| Cell::Money(*s)));
    total_row.push(Cell::Money(grand));
    if with_bank {
        total_row.push(Cell::Blank);
    }
    total_row.push(Cell::Blank);
    total_row.push(Cell::Blank);
    let bold = vec![rows.len()];
    rows.push(total_row);
    let keep = |c: &usize| !empty.contains(c);
    let header: Vec<String> = header
        .into_iter()
        .enumerate()
        .filter(|(c, _)| keep(c))
        .map(|(_, h)| h)
        .collect();
    let rows = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .filter(|(c, _)| keep(c))
                .map(|(_, x)| x)
                .collect()
        })
        .collect();
    let mut footer = vec![match super::rmb::in_words(grand) {
        Some(words) => format!(
            "合计金额 (大写): 人民币{words}    (小写: ¥{})",
            crate::num::show_money_grouped(grand)
        ),
        None => format!("合计金额: ¥{}", crate::num::show_money_grouped(grand)),
    }];
    if !r.rules.signatures.is_empty() {
        let block: Vec<String> = r
            .rules
            .signatures
            .iter()
            .map(|(label, name)| {
                if name.is_empty() {
                    format!("{label}: ____________")
                } else {
                    format!("{label}: {name}")
                }
            })
            .collect();
        footer.push(block.join("        "));
    }
    let table = Table {
        signature_col: Some(header.len() - 1),
        bold_rows: bold,
        key_columns: 3,
        footer,
        rows,
        ..Table::new("发放表", t, header)
    };
    (table, sums, grand)
}

/// A cell with nothing to print.
fn is_empty(c: &Cell) -> bool {
    match c {
        Cell::Blank => true,
        Cell::Text(s) => s.trim().is_empty(),
        _ => false,
    }
}
