//! `corrections-<period>.xlsx`: a correction of an approved run (`--corrects RUN_DIR`), paid as
//! a difference. Sheet 更正 lists every subject whose total, grade or pay moved — the approved
//! and the corrected value of each, and the pay's difference, 补发 (to pay) or 扣回 (to take
//! back) — with the sums under it; sheet 输入变更 the input rows that differ from the approved
//! run's, paired by key as `gridscore diff` pairs them.
//!
//! Why a difference: an approved period is paid and published; payroll practice corrects it
//! by paying or recovering what changed, never by rewriting the approved run.
use super::sheet::{self, Cell, Table};
use super::{print_order, title, workbook, Report};
use crate::compare::RowChange;
use crate::num::{round_fen, show_money_grouped};
use rust_decimal::Decimal;
use rust_xlsxwriter::XlsxError;
use std::collections::BTreeMap;

/// What the approved run gave one subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Was {
    pub name: String,
    pub village: String,
    pub total: Option<Decimal>,
    pub grade: String,
    /// `None` when the approved run paid nothing (a run without pay rules).
    pub pay: Option<Decimal>,
}

/// The approved run a correction corrects, and what changed in the inputs since.
#[derive(Debug, Clone)]
pub struct Correction {
    /// The approved run folder, as the correction was given it.
    pub shown: String,
    pub approved_by: String,
    pub approved_at: String,
    /// By 编号, in the approved run's order.
    pub was: BTreeMap<String, Was>,
    /// The input rows that differ from the approved run's.
    pub changes: Vec<RowChange>,
}

impl Correction {
    /// The approved pay of a subject (0 for one the approved run did not pay).
    pub fn approved_pay(&self, id: &str) -> Decimal {
        self.was.get(id).and_then(|w| w.pay).unwrap_or_default()
    }
}

/// One row of 更正.
struct Moved<'a> {
    id: &'a str,
    name: &'a str,
    village: &'a str,
    was: Option<&'a Was>,
    total: Option<Decimal>,
    grade: String,
    pay: Option<Decimal>,
}

impl Moved<'_> {
    fn difference(&self) -> Decimal {
        round_fen(self.pay.unwrap_or_default()) - self.was.and_then(|w| w.pay).unwrap_or_default()
    }
    fn changed(&self) -> bool {
        let Some(w) = self.was else { return true };
        w.total != self.total || w.grade != self.grade || !self.difference().is_zero()
    }
}

/// Every subject of the run, in print order, beside what the approved run gave it; then each
/// subject of the approved run no longer on the roster (all of its pay is taken back).
fn moved<'a>(r: &'a Report, c: &'a Correction) -> Vec<Moved<'a>> {
    let paid = !r.outcome.pays.is_empty();
    let mut moved: Vec<Moved> = print_order(r)
        .into_iter()
        .map(|s| {
            let w = &r.inputs.workers[s.worker];
            Moved {
                id: &w.id,
                name: &w.name,
                village: &w.village,
                was: c.was.get(&w.id),
                total: Some(s.total),
                grade: s.grade.clone().unwrap_or_default(),
                pay: paid.then_some(s.pay_total),
            }
        })
        .collect();
    for (id, w) in &c.was {
        if !r.inputs.workers.iter().any(|x| x.id == *id) {
            moved.push(Moved {
                id,
                name: &w.name,
                village: &w.village,
                was: Some(w),
                total: None,
                grade: String::new(),
                pay: None,
            });
        }
    }
    moved
}

pub fn corrections_workbook(r: &Report, c: &Correction) -> Result<Vec<u8>, XlsxError> {
    let t = title(r, "更正");
    let mut wb = workbook(r, &t)?;
    let moved = moved(r, c);
    let unchanged = moved.iter().filter(|m| !m.changed()).count();
    let (mut back_pay, mut recovered) = (Decimal::ZERO, Decimal::ZERO);
    let points = |v: Option<Decimal>| v.map_or(Cell::Blank, Cell::Points);
    let mut rows = Vec::new();
    for (n, m) in moved.iter().filter(|m| m.changed()).enumerate() {
        let d = m.difference();
        if d > Decimal::ZERO {
            back_pay += d;
        } else {
            recovered += d;
        }
        rows.push(vec![
            Cell::Int(n as i64 + 1),
            Cell::text(m.id),
            Cell::text(m.name),
            Cell::text(m.village),
            points(m.was.and_then(|w| w.total)),
            points(m.total),
            Cell::text(m.was.map_or("", |w| w.grade.as_str())),
            Cell::text(m.grade.as_str()),
            m.was.and_then(|w| w.pay).map_or(Cell::Blank, Cell::Money),
            m.pay.map_or(Cell::Blank, |p| Cell::Money(round_fen(p))),
            Cell::Money(d),
            Cell::text(if d > Decimal::ZERO {
                "补发"
            } else if d < Decimal::ZERO {
                "扣回"
            } else {
                ""
            }),
        ]);
    }
    let footer = vec![
        format!(
            "更正 {} (批准: {}, {}); 补发合计 ¥{}, 扣回合计 ¥{}, 净额 ¥{}; 其余 {} 人无变化",
            c.shown,
            c.approved_by,
            c.approved_at,
            show_money_grouped(back_pay),
            show_money_grouped(-recovered),
            show_money_grouped(back_pay + recovered),
            unchanged
        ),
        format!("输入变更 {} 行, 见“输入变更”表", c.changes.len()),
    ];
    let header = [
        "序号",
        "编号",
        "姓名",
        "村(社区)",
        "原总分",
        "更正总分",
        "原等次",
        "更正等次",
        "原发放",
        "更正发放",
        "差额",
        "类别",
    ]
    .map(String::from)
    .to_vec();
    sheet::add(
        &mut wb,
        &Table {
            rows,
            key_columns: 3,
            footer,
            ..Table::new("更正", t, header)
        },
    )?;
    let rows = c
        .changes
        .iter()
        .map(|ch| {
            vec![
                Cell::text(ch.file.as_str()),
                Cell::text(ch.place.as_str()),
                Cell::text(ch.old.as_deref().unwrap_or("—")),
                Cell::text(ch.new.as_deref().unwrap_or("—")),
            ]
        })
        .collect();
    sheet::add(
        &mut wb,
        &Table {
            rows,
            key_columns: 2,
            ..Table::new(
                "输入变更",
                title(r, "输入变更"),
                ["文件", "位置", "原批准", "更正"].map(String::from).to_vec(),
            )
        },
    )?;
    wb.save_to_buffer()
}

/// Reads the approved run's scores.csv and payouts.csv into what each subject was given.
/// `Err` names the file and row of a value that does not read.
pub fn approved_subjects(scores: &[u8], payouts: Option<&[u8]>) -> Result<BTreeMap<String, Was>, String> {
    let rows = |bytes: &[u8], file: &str| -> Result<Vec<BTreeMap<String, String>>, String> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut r = csv::Reader::from_reader(body);
        let headers = r.headers().map_err(|e| format!("{file}: {e}"))?.clone();
        r.records()
            .map(|rec| {
                let rec = rec.map_err(|e| format!("{file}: {e}"))?;
                Ok(headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect())
            })
            .collect()
    };
    let number = |v: &str, file: &str, row: usize, col: &str| -> Result<Option<Decimal>, String> {
        // The CSV writes what the run computed; a formula-guard quote would precede text only.
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        Decimal::from_str_exact(v)
            .map(Some)
            .map_err(|_| msg!("cmd-row-number", file = file, value = row + 2, col = col, v = v))
    };
    let mut out = BTreeMap::new();
    for (i, r) in rows(scores, "scores.csv")?.iter().enumerate() {
        let get = |k: &str| r.get(k).cloned().unwrap_or_default();
        out.insert(
            get("id"),
            Was {
                name: get("name"),
                village: get("village"),
                total: number(&get("total"), "scores.csv", i, "total")?,
                grade: get("grade"),
                pay: None,
            },
        );
    }
    if let Some(p) = payouts {
        for (i, r) in rows(p, "payouts.csv")?.iter().enumerate() {
            let id = r.get("id").cloned().unwrap_or_default();
            let amount = number(r.get("amount").map_or("", String::as_str), "payouts.csv", i, "amount")?;
            match out.get_mut(&id) {
                Some(w) => w.pay = amount,
                None => return Err(msg!("corrections-payee-unknown", row = i + 2, id = id)),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_approved_subjects_read_from_the_run_s_two_csv_files() {
        let scores = "\u{feff}id,name,village,role,role_id,rank,total,grade,veto\n0101,陈,环港村,网格长,head,2,95.7,良好,\n0102,王,环港村,网格长,head,,52,不合格,x\n";
        let pay = "\u{feff}id,name,village,role,role_id,amount,a\n0101,陈,环港村,网格长,head,400.00,400.00\n";
        let was = approved_subjects(scores.as_bytes(), Some(pay.as_bytes())).unwrap();
        assert_eq!(was["0101"].total, Some(Decimal::new(957, 1)));
        assert_eq!(was["0101"].pay, Some(Decimal::new(40000, 2)));
        assert_eq!((was["0102"].grade.as_str(), was["0102"].pay), ("不合格", None));
        let bad = "\u{feff}id,name,village,role,role_id,rank,total,grade,veto\n0101,陈,环港村,网格长,head,2,9x,良好,\n";
        assert_eq!(
            approved_subjects(bad.as_bytes(), None).unwrap_err(),
            "scores.csv row 2: total `9x` is not a number"
        );
    }
}
