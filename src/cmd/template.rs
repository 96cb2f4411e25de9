//! `gridscore template`: the blank input workbook of a rule set and period (see
//! [`crate::template`]), with last period's roster copied in when given.
use crate::cli::{TemplateArgs, UsageError};
use crate::contract;
use std::collections::HashMap;

pub fn run(a: TemplateArgs) -> anyhow::Result<()> {
    let rules = super::rule_set(&a.scheme, &a.rules)?;
    let period = super::input_period(&rules, &a.period)?;
    if !rules.meta.periods.contains(&period.kind) {
        return Err(UsageError(msg!(
            "cmd-does-define-runs-runs-are",
            name = rules.meta.name,
            chinese = period.kind.chinese(),
            value = rules
                .meta
                .periods
                .iter()
                .map(|k| k.chinese())
                .collect::<Vec<_>>()
                .join("、")
        ))
        .into());
    }
    let mut fill = HashMap::new();
    if let Some(roster) = &a.roster {
        let rows = crate::template::read_rows(roster, &contract::ROSTER).map_err(UsageError)?;
        fill.insert(contract::ROSTER.key, rows);
    }
    let bytes = crate::template::workbook(&rules, period, &fill)?;
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| format!("{}-template", rules.meta.name).into());
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("台账-{period}.xlsx"));
    // A clerk may already have typed into last run's template: never write over it, and never
    // leave half a workbook under the name.
    crate::output::atomic::write_file(&path, &bytes, true).map_err(|e| -> anyhow::Error {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            exists(&path).into()
        } else {
            anyhow::anyhow!("{}: {e}", path.display())
        }
    })?;
    let said = crate::i18n::tr(
        "template-wrote",
        &[
            ("path", path.display().to_string().into()),
            ("title", rules.meta.title.as_str().into()),
            ("period", period.chinese().into()),
        ],
    );
    println!("{said}");
    Ok(())
}

fn exists(path: &std::path::Path) -> UsageError {
    UsageError(crate::i18n::tr(
        "usage-template-exists",
        &[("path", path.display().to_string().into())],
    ))
}
