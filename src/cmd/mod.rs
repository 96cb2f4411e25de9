//! One module per subcommand, each with a short `run`; what several share (naming the rule
//! set) is here, and the run itself is the library's (`crate::pipeline`).
pub mod approve;
pub mod batch;
pub mod check;
pub mod diff;
pub mod explain;
pub mod run;
pub mod sample;
pub mod schemes;
pub mod score;
pub mod template;
pub mod test;
pub mod verify;

use crate::cli::UsageError;
use crate::rules;
use std::path::PathBuf;

/// The rule set named by `--scheme` or `--rules` (a file, or a folder of a scheme's versions),
/// in the version in force on `day` when one is given.
pub fn rule_set_on(
    scheme: &Option<String>,
    file: &Option<PathBuf>,
    day: Option<chrono::NaiveDate>,
) -> anyhow::Result<rules::RuleSet> {
    let rules = match (scheme, file) {
        (_, Some(dir)) if dir.is_dir() => {
            let versions = rules::load_dir(dir)?;
            let mut names: Vec<String> = versions.iter().map(|r| r.meta.name.clone()).collect();
            names.sort();
            names.dedup();
            let name = match (scheme, names.as_slice()) {
                (Some(n), _) => n.clone(),
                (None, [one]) => one.clone(),
                (None, _) => {
                    let args = [
                        ("dir", dir.display().to_string().into()),
                        ("names", names.join(", ").into()),
                    ];
                    return Err(UsageError(crate::i18n::tr("usage-several-schemes", &args)).into());
                }
            };
            rules::version_on(versions, &name, day).map_err(usage_if_unknown)?
        }
        (Some(_), Some(file)) => {
            let args = [("file", file.display().to_string().into())];
            return Err(UsageError(crate::i18n::tr("usage-scheme-and-rules", &args)).into());
        }
        (None, Some(file)) => rules::load_file(file)?,
        (Some(name), None) => rules::version_on(rules::builtin_all()?, name, day).map_err(usage_if_unknown)?,
        (None, None) => {
            let args = [("names", rules::builtin_names().join(", ").into())];
            return Err(UsageError(crate::i18n::tr("usage-no-scheme", &args)).into());
        }
    };
    Ok(rules)
}

/// An unknown scheme name is a usage error (exit 2), with the nearest name offered.
fn usage_if_unknown(e: rules::LoadError) -> anyhow::Error {
    match e {
        rules::LoadError::UnknownScheme { .. } => UsageError(e.to_string()).into(),
        other => other.into(),
    }
}

/// The rule set named by `--scheme` or `--rules`, in its latest version.
pub fn rule_set(scheme: &Option<String>, file: &Option<PathBuf>) -> anyhow::Result<rules::RuleSet> {
    rule_set_on(scheme, file, None)
}

/// The period a command that writes input (sample, template) is for: the one given, or the
/// last completed period of the scheme's first kind of run — what a newcomer would score.
pub fn input_period(rules: &rules::RuleSet, given: &Option<String>) -> anyhow::Result<crate::period::Period> {
    use crate::period::{Period, PeriodKind};
    match given {
        Some(p) => Ok(Period::parse_any(p).ok_or_else(|| {
            crate::cli::UsageError(crate::i18n::tr("usage-not-a-period", &[("period", p.as_str().into())]))
        })?),
        None => {
            let kind = rules.meta.periods.first().copied().unwrap_or(PeriodKind::Quarter);
            Ok(Period::last_completed(kind, chrono::Local::now().date_naive()))
        }
    }
}
