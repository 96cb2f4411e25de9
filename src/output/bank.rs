//! The bank file (代发): the payroll the bank imports — one row per worker paid a positive
//! amount, in the rule set's `[bank]` column layout (账号, 户名, 金额 by default), the account
//! as text (19 digits are not a number), the amount as 0.00, no empty cell (some banks refuse
//! them). A second sheet, 核对, checks it against the payout: the payout's total, the file's
//! count and total, and every payee left out with the reason (无银行卡号, or a negative amount,
//! which a clerk settles by hand and a bank file never carries). A worker paid 0 or withheld
//! is simply not in it.
use super::sheet::{self, Cell, Table};
use super::{payees, title, workbook, Report};
use crate::rules::BankField;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, XlsxError};

/// Whether a run writes a bank file: it pays, and the roster has accounts.
pub fn wanted(r: &Report) -> bool {
    !r.outcome.pays.is_empty() && r.inputs.workers.iter().any(|w| w.bank_account.is_some())
}

/// In a correction (`--corrects`), the file pays only the differences: what each payee is owed
/// beyond the approved run's pay (补发); a recovery (扣回) cannot be paid and is listed in 核对.
pub fn bank_workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let t = title(
        r,
        if r.correction.is_some() {
            "代发 (更正差额)"
        } else {
            "代发"
        },
    );
    let mut wb = workbook(r, &t)?;
    let p = sorted(r);
    // The file and what was left out make up the payout, to the fen.
    if p.listed_total + p.left_out_total != p.payout_total {
        return Err(XlsxError::ParameterError(msg!(
            "cmd-bank-file-s-total-left",
            listed_total = p.listed_total,
            left_out_total = p.left_out_total,
            payout_total = p.payout_total
        )));
    }
    payroll(wb.add_worksheet(), &r.rules.bank, &p.listed)?;
    sheet::add(&mut wb, &checks(r, p))?;
    // Fast deflate, as the score workbook: a province's rows cost seconds at the default level.
    wb.set_zip_compression_level(1);
    wb.save_to_buffer()
}

/// The payees sorted into the file and what is left out of it (with the reason), and the sums
/// that must make up the payout.
struct Sorted<'a> {
    /// (worker, account, amount), in payout order.
    listed: Vec<(&'a crate::input::records::Worker, &'a str, Decimal)>,
    listed_total: Decimal,
    left_out: Vec<Vec<Cell<'a>>>,
    left_out_total: Decimal,
    payout_total: Decimal,
}

fn sorted<'a>(r: &Report<'a>) -> Sorted<'a> {
    let mut p = Sorted {
        listed: Vec::new(),
        listed_total: Decimal::ZERO,
        left_out: Vec::new(),
        left_out_total: Decimal::ZERO,
        payout_total: Decimal::ZERO,
    };
    for s in payees(r) {
        let w = &r.inputs.workers[s.worker];
        let pay = crate::num::round_fen(s.pay_total) - r.correction.map_or(Decimal::ZERO, |c| c.approved_pay(&w.id));
        p.payout_total += pay;
        let account = w.bank_account.as_deref().map(str::trim).unwrap_or_default();
        let reason = if pay.is_zero() {
            continue;
        } else if !s.pending.is_empty() {
            "一票否决待确认, 暂缓发放"
        } else if pay < Decimal::ZERO && r.correction.is_some() {
            "扣回, 不能代发, 请另行扣回"
        } else if pay < Decimal::ZERO {
            "金额为负, 不能代发, 请另行处理"
        } else if account.is_empty() {
            "花名册无银行卡号"
        } else {
            ""
        };
        if reason.is_empty() {
            p.listed_total += pay;
            p.listed.push((w, account, pay));
        } else {
            p.left_out_total += pay;
            p.left_out.push(vec![
                Cell::text(&w.id),
                Cell::text(&w.name),
                Cell::Money(pay),
                Cell::text(reason),
            ]);
        }
    }
    p
}

/// The 代发 sheet: a header row of the layout's columns, then a row per listed payee, every
/// cell text but the amount (0.00) and the number.
fn payroll(
    ws: &mut rust_xlsxwriter::Worksheet,
    columns: &[crate::rules::BankColumn],
    listed: &[(&crate::input::records::Worker, &str, Decimal)],
) -> Result<(), XlsxError> {
    ws.set_name("代发")?;
    let text = Format::new().set_num_format("@");
    let amount = Format::new().set_num_format("0.00");
    for (c, col) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, &col.header, &text)?;
        let width = super::layout::fitting_width(super::layout::text_units(&col.header)).max(match col.holds {
            BankField::Account => 24.0,
            BankField::Amount => 12.0,
            _ => 8.0,
        });
        ws.set_column_width(c as u16, width)?;
    }
    for (row, (w, account, pay)) in (1u32..).zip(listed) {
        for (c, col) in columns.iter().enumerate() {
            let c = c as u16;
            match &col.holds {
                BankField::Number => ws.write_number(row, c, row)?,
                BankField::Account => ws.write_string_with_format(row, c, *account, &text)?,
                BankField::Name => ws.write_string_with_format(row, c, &w.name, &text)?,
                BankField::Id => ws.write_string_with_format(row, c, &w.id, &text)?,
                BankField::Amount => ws.write_with_format(row, c, *pay, &amount)?,
                BankField::Fixed(v) => ws.write_string_with_format(row, c, v, &text)?,
            };
        }
    }
    Ok(())
}

/// The 核对 sheet: the payout's total, the file's count and total, then every payee left out
/// with the reason.
fn checks<'a>(r: &Report, p: Sorted<'a>) -> Table<'a> {
    let mut rows = vec![
        vec![
            Cell::text(if r.correction.is_some() {
                "更正差额合计"
            } else {
                "发放表合计"
            }),
            Cell::Blank,
            Cell::Money(p.payout_total),
            Cell::Blank,
        ],
        vec![
            Cell::text("代发笔数"),
            Cell::Blank,
            Cell::Int((p.listed.len() as u32).into()),
            Cell::Blank,
        ],
        vec![
            Cell::text("代发合计"),
            Cell::Blank,
            Cell::Money(p.listed_total),
            Cell::Blank,
        ],
    ];
    let summary = rows.len();
    rows.extend(p.left_out);
    Table {
        rows,
        bold_rows: (0..summary).collect(),
        key_columns: 2,
        ..Table::new(
            "核对",
            title(r, "代发核对"),
            ["编号", "姓名", "金额", "未列入代发的原因"].map(String::from).to_vec(),
        )
    }
}
