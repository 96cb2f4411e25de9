//! `gridscore diff RUN_A RUN_B`: two runs of a period (before and after a corrected sheet),
//! subject by subject — total, grade, rank, item and pay changes — and the input rows that
//! differ. Printed as a table; `--xlsx FILE` writes the same as a workbook.
use crate::archive::{self, Manifest};
use crate::compare::{csv_changes, Change, RowChange};
use crate::output::sheet::{self, Cell, Table};
use crate::pipeline::{archived_sheets, sheet_changes};
use std::path::Path;

fn results(dir: &Path, m: &Manifest) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let read = |name: &str| {
        m.outputs
            .iter()
            .any(|o| o.file == name)
            .then(|| archive::read_file(dir, name).ok())
            .flatten()
    };
    (read("scores.csv"), read("payouts.csv"))
}

pub fn run(a: &Path, b: &Path, xlsx: &Option<std::path::PathBuf>) -> anyhow::Result<()> {
    let (ma, mb) = (archive::read(a)?, archive::read(b)?);
    if ma.scheme != mb.scheme || ma.period != mb.period {
        println!(
            "{}",
            msg!(
                "cmd-note-runs-are-comparing-them",
                scheme = ma.scheme,
                period = ma.period,
                scheme2 = mb.scheme,
                period2 = mb.period
            )
        );
    }
    if ma.rules.sha256 != mb.rules.sha256 {
        println!(
            "{}",
            msg!(
                "cmd-note-rule-sets-differ",
                name = ma.rules.name,
                version = ma.rules.version,
                name2 = mb.rules.name,
                version2 = mb.rules.version
            )
        );
    }
    let ((sa, pa), (sb, pb)) = (results(a, &ma), results(b, &mb));
    let mut changes: Vec<Change> = csv_changes(sa.as_deref(), sb.as_deref(), "");
    changes.extend(
        csv_changes(pa.as_deref(), pb.as_deref(), "pay.")
            .into_iter()
            .filter(|c| !["pay.village", "pay.role", "pay.role_id"].contains(&c.field.as_str())),
    );
    // Inputs: sheets paired by name, whichever archived file holds each (a whole copy in runs
    // written before extracts, a sheet's extract in newer ones), so that an old run and a new
    // one of the same inputs show no difference.
    let (sa_rows, sb_rows) = (archived_sheets(a, &ma), archived_sheets(b, &mb));
    let rows: Vec<RowChange> = sheet_changes(&sa_rows, &sb_rows);
    println!("{} → {}", a.display(), b.display());
    if changes.is_empty() {
        println!("{}", msg!("cmd-results-subject-changed"));
    } else {
        println!("{}", msg!("cmd-results-changes", count = changes.len()));
        println!("  编号       姓名     字段                                  A → B");
        for c in &changes {
            println!("  {:<10} {:<8} {:<24} {:>14} → {}", c.id, c.name, c.field, c.old, c.new);
        }
    }
    if rows.is_empty() {
        println!("{}", msg!("cmd-inputs-row-differs"));
    } else {
        println!("{}", msg!("cmd-inputs-rows-differ", count = rows.len()));
        for r in &rows {
            println!(
                "  {} {}: {} → {}",
                r.file,
                r.place,
                r.old.as_deref().unwrap_or("—"),
                r.new.as_deref().unwrap_or("—")
            );
        }
    }
    if let Some(path) = xlsx {
        write_workbook(path, &changes, &rows)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

fn write_workbook(path: &Path, changes: &[Change], rows: &[RowChange]) -> anyhow::Result<()> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    sheet::add(
        &mut wb,
        &Table {
            name: "结果变化".into(),
            header: ["编号", "姓名", "字段", "运行A", "运行B"].map(String::from).to_vec(),
            rows: changes
                .iter()
                .map(|c| {
                    [&c.id, &c.name, &c.field, &c.old, &c.new]
                        .map(|x| Cell::text(x.as_str()))
                        .to_vec()
                })
                .collect(),
            title: "两次运行的结果变化".into(),
            signature_col: None,
            bold_rows: vec![],
            key_columns: 2,
            widths: vec![],
            footer: vec![],
        },
    )?;
    sheet::add(
        &mut wb,
        &Table {
            name: "输入变化".into(),
            header: ["文件", "位置", "运行A", "运行B"].map(String::from).to_vec(),
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(&r.file),
                        Cell::text(&r.place),
                        Cell::text(r.old.clone().unwrap_or_default()),
                        Cell::text(r.new.clone().unwrap_or_default()),
                    ]
                })
                .collect(),
            title: "两次运行的输入变化".into(),
            signature_col: None,
            bold_rows: vec![],
            key_columns: 1,
            widths: vec![],
            footer: vec![],
        },
    )?;
    let bytes = wb.save_to_buffer()?;
    // Written beside the target and renamed: never half a workbook.
    let tmp = path.with_extension("xlsx.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
