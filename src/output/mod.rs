//! Output: the outcome rendered to bytes (score and payout workbooks, CSV exports), then
//! written as one set into the run folder by [`atomic::replace_dir`].
pub mod atomic;
mod bank;
pub mod corrections;
pub mod csv_out;
pub mod layout;
pub mod pack;
mod payout;
pub mod publication;
pub mod results;
mod rmb;
mod rows;
pub mod said;
mod score;
pub mod sheet;

use crate::engine::{Outcome, Subject};
use crate::input::Inputs;
use crate::num::show;
use crate::rules::RuleSet;
pub use payout::payout_workbook;
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
pub use score::score_workbook;

/// Everything a rendering needs.
pub struct Report<'a> {
    pub rules: &'a RuleSet,
    pub inputs: &'a Inputs,
    pub outcome: &'a Outcome,
    pub calendar: &'a str,
    /// Each month of the run scored on its own, for a scheme scored month by month.
    pub months: &'a [Outcome],
    /// The approved run this run corrects (`--corrects`): the bank file then pays the
    /// differences, and `corrections-<period>.xlsx` lists them.
    pub correction: Option<&'a corrections::Correction>,
    /// The subjects' print order, sorted once for every sheet and file that lists them: each
    /// one's index in `outcome.subjects`.
    order_index: Vec<usize>,
}

/// The subjects' trace lines taken out of the outcome, indexed as `outcome.subjects`, for the
/// 明细 to let go as it writes them: a province's are about 230 MB (600,000 lines, 3.5 million
/// sources), otherwise held until every workbook is laid out. A run that needs the traces
/// afterwards (`explain`) renders without taking them.
pub struct TakenTraces(Vec<Vec<crate::trace::TraceLine>>);

impl TakenTraces {
    /// Takes every subject's trace out of `outcome`, leaving each empty.
    pub fn take(outcome: &mut Outcome) -> TakenTraces {
        TakenTraces(
            outcome
                .subjects
                .iter_mut()
                .map(|s| std::mem::take(&mut s.trace))
                .collect(),
        )
    }
}

impl<'a> Report<'a> {
    pub fn new(
        rules: &'a RuleSet,
        inputs: &'a Inputs,
        outcome: &'a Outcome,
        calendar: &'a str,
        months: &'a [Outcome],
    ) -> Report<'a> {
        // By group, then rank (vetoed last), then id.
        let subjects = &outcome.subjects;
        let mut order_index: Vec<usize> = (0..subjects.len()).collect();
        order_index.sort_by(|&a, &b| {
            let (a, b) = (&subjects[a], &subjects[b]);
            a.group
                .cmp(&b.group)
                .then(a.rank.unwrap_or(u32::MAX).cmp(&b.rank.unwrap_or(u32::MAX)))
                .then_with(|| inputs.workers[a.worker].id.cmp(&inputs.workers[b.worker].id))
        });
        Report {
            rules,
            inputs,
            outcome,
            calendar,
            months,
            correction: None,
            order_index,
        }
    }
}

/// A rendered file: its name in the run folder and its bytes.
#[derive(Clone)]
pub struct Rendered {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Subjects in print order: by group, then rank (vetoed last), then id.
pub fn print_order<'a>(r: &Report<'a>) -> Vec<&'a Subject> {
    r.order_index.iter().map(|&i| &r.outcome.subjects[i]).collect()
}

impl Report<'_> {
    /// Each subject's index in `outcome.subjects`, in print order ([`print_order`]).
    pub fn print_index(&self) -> impl Iterator<Item = usize> + '_ {
        self.order_index.iter().copied()
    }
}

/// Subjects on the payout: those at least one of the run's pay rules applies to (a month run
/// of a scheme that pays full-time workers monthly lists only them).
pub fn payees<'a>(r: &Report<'a>) -> Vec<&'a Subject> {
    print_order(r)
        .into_iter()
        .filter(|s| s.pay.iter().any(Option::is_some))
        .collect()
}

fn workbook(r: &Report, title: &str) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation date (the period's first day) keeps the bytes reproducible.
    let p = r.outcome.period.first_day();
    use chrono::Datelike;
    let created = ExcelDateTime::from_ymd(p.year() as u16, p.month() as u8, p.day() as u8)?;
    let props = DocProperties::new()
        .set_title(title)
        .set_author(format!("gridscore {VERSION}"))
        .set_company(r.rules.meta.title.as_str())
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    Ok(wb)
}

/// The headers naming a subject and its kind: 姓名 and 岗位, or 名称 and 类型 for a scheme that
/// appraises villages and communities; and the total's: 总分, or 合计(元) for a money scheme.
fn subject_headers(r: &Report) -> (&'static str, &'static str, &'static str) {
    let total = if r.rules.meta.money { "合计(元)" } else { "总分" };
    if r.rules.meta.units {
        ("名称", "类型", total)
    } else {
        ("姓名", "岗位", total)
    }
}

/// The cells that name a subject at the start of its row: rank, its 编号 (unless a notice),
/// name, village and 岗位.
fn subject_cells<'a>(r: &Report<'a>, s: &Subject, with_id: bool) -> Vec<sheet::Cell<'a>> {
    use sheet::Cell;
    let w = &r.inputs.workers[s.worker];
    let mut row = vec![s.rank.map_or(Cell::Blank, |x| Cell::Int(x.into()))];
    if with_id {
        row.push(Cell::text(&w.id));
    }
    row.extend([
        Cell::text(&w.name),
        Cell::text(&w.village),
        Cell::text(&r.rules.roles[w.role].label),
    ]);
    row
}

/// An item's value or a total as a cell: yuan for a money scheme, points otherwise.
fn amount_cell<'a>(r: &Report, v: Decimal) -> sheet::Cell<'a> {
    if r.rules.meta.money {
        sheet::Cell::Money(v)
    } else {
        sheet::Cell::Points(v)
    }
}

fn title(r: &Report, what: &str) -> String {
    format!("{} {} {}", r.rules.meta.title, r.outcome.period.chinese(), what)
}

/// The 说明 sheet: what produced these numbers, enough to reproduce them.
pub fn about(r: &Report) -> Vec<(String, String)> {
    let m = &r.rules.meta;
    let mut v = vec![
        ("方案 scheme".to_string(), m.name.clone()),
        ("办法 title".to_string(), m.title.clone()),
        ("文号 document".to_string(), m.document.clone()),
        (
            "规则集版本 rule-set version".to_string(),
            format!("{} (自 {} 起施行)", m.version, m.effective_from),
        ),
        ("规则集 rule set".to_string(), r.rules.source.clone()),
        ("规则集 SHA-256".to_string(), r.rules.sha256.clone()),
        (
            "期间 period".to_string(),
            format!("{} ({})", r.outcome.period, r.outcome.period.chinese()),
        ),
        ("工作日历 calendar".to_string(), r.calendar.to_string()),
        ("人数 subjects".to_string(), r.outcome.subjects.len().to_string()),
        ("gridscore 版本".to_string(), VERSION.to_string()),
    ];
    for f in &r.inputs.files {
        v.push((
            format!("输入文件 {}", f.display),
            // The hash on a line of its own, so that it prints whole.
            format!("SHA-256 {}\n工作表: {}", f.sha256, f.sheets.join("、")),
        ));
    }
    if r.rules.pay.is_empty() {
        v.push((
            "发放 pay".to_string(),
            "本办法不涉及资金, 不出发放表 (no pay rules: no payout workbook)".into(),
        ));
    }
    if !r.outcome.decisions.is_empty() {
        v.push((
            "决定 decisions".to_string(),
            format!("{} 条, 均已计入 (见明细)", r.outcome.decisions.len()),
        ));
    }
    for d in &r.outcome.decisions {
        let w = &r.inputs.workers[d.worker];
        let mut what = d.kind.label().to_string();
        if !d.item.is_empty() {
            what.push(' ');
            what.push_str(&d.item);
        }
        if let Some(p) = d.points {
            what.push_str(&format!(" {}{}", if p.is_sign_negative() { "" } else { "+" }, show(p)));
        }
        v.push((
            format!("决定 {}", d.src),
            format!(
                "{} {}: {what}\n理由: {}; 决定人: {}; 日期: {}",
                w.id, w.name, d.reason, d.decided_by, d.date
            ),
        ));
    }
    for w in &r.outcome.warnings {
        v.push(("提示 note".to_string(), w.clone()));
    }
    v
}

/// An error of the workbook writer, naming the workbook (its own messages name none).
fn named(workbook: &str, e: XlsxError) -> XlsxError {
    XlsxError::ParameterError(format!("{workbook}: {e}"))
}

/// Every file of a run, rendered; the 明细 lets go of `traces`, when given, as it writes them
/// (the subjects' own traces are then empty and not read).
pub fn render(r: &Report, traces: Option<TakenTraces>) -> Result<Vec<Rendered>, XlsxError> {
    let p = r.outcome.period;
    let paid = !r.outcome.pays.is_empty();
    // The two workbooks are the costly part and independent: one per core. The CSV files go
    // with the payout workbook, the smaller of the two.
    let (score, rest) = std::thread::scope(|s| {
        let score = s.spawn(move || score_workbook(r, traces));
        let rest = (|| -> Result<Vec<Rendered>, XlsxError> {
            let mut v = vec![
                Rendered {
                    name: "scores.csv".into(),
                    bytes: csv_out::scores(r),
                },
                Rendered {
                    name: crate::past::RESULTS.into(),
                    bytes: results::results(r)
                        .map_err(|e| XlsxError::ParameterError(format!("{}: {e}", crate::past::RESULTS)))?,
                },
            ];
            if r.outcome.graded {
                let name = format!("publication-{p}.xlsx");
                v.push(Rendered {
                    bytes: publication::publication_workbook(r).map_err(|e| named(&name, e))?,
                    name,
                });
            }
            if let Some(c) = r.correction {
                let name = format!("corrections-{p}.xlsx");
                v.push(Rendered {
                    bytes: corrections::corrections_workbook(r, c).map_err(|e| named(&name, e))?,
                    name,
                });
            }
            if paid {
                let name = format!("payout-{p}.xlsx");
                v.push(Rendered {
                    bytes: payout_workbook(r).map_err(|e| named(&name, e))?,
                    name,
                });
                v.push(Rendered {
                    name: "payouts.csv".into(),
                    bytes: csv_out::payouts(r),
                });
                if bank::wanted(r) {
                    let name = format!("bank-{p}.xlsx");
                    v.push(Rendered {
                        bytes: bank::bank_workbook(r).map_err(|e| named(&name, e))?,
                        name,
                    });
                }
            }
            Ok(v)
        })();
        // Rendering panics only on a bug; report it as a failed render rather than crash.
        let score = score
            .join()
            .unwrap_or_else(|_| Err(XlsxError::ParameterError("rendering the score workbook failed".into())));
        (score, rest)
    });
    let name = format!("score-{p}.xlsx");
    let mut out = vec![Rendered {
        bytes: score.map_err(|e| named(&name, e))?,
        name,
    }];
    out.extend(rest?);
    Ok(out)
}

/// Points as CSV text: exact, no trailing zeros.
pub fn csv_points(d: Decimal) -> String {
    show(d)
}
