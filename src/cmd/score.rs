//! `gridscore quarter|month|year`: read, score, write.
use crate::calendar::Calendar;
use crate::cli::{RunArgs, UsageError};
use crate::period::{Period, PeriodKind};
use crate::{engine, input, interrupt, output, progress, rules};
use anyhow::Context;
use std::path::PathBuf;

/// The validated configuration of a run.
struct Config {
    rules: rules::RuleSet,
    period: Period,
    inputs: Vec<PathBuf>,
    out: PathBuf,
    calendar: Calendar,
    calendar_name: String,
    force: bool,
    quiet: bool,
}

/// The rule set named by `--scheme` or `--rules`.
pub fn rule_set(scheme: &Option<String>, file: &Option<PathBuf>) -> anyhow::Result<rules::RuleSet> {
    let rules = match (scheme, file) {
        (_, Some(file)) => rules::load_file(file)?,
        (Some(name), None) => rules::load_builtin(name)?,
        (None, None) => {
            return Err(UsageError(format!(
                "name a scheme with --scheme (built-in: {}) or a rule-set file with --rules",
                rules::builtin_names().join(", ")
            ))
            .into())
        }
    };
    if let (Some(name), Some(_)) = (scheme, file) {
        if *name != rules.meta.name {
            return Err(UsageError(format!(
                "--scheme {name} and --rules name different schemes (the file is {})",
                rules.meta.name
            ))
            .into());
        }
    }
    Ok(rules)
}

fn configure(kind: PeriodKind, a: RunArgs) -> anyhow::Result<Config> {
    let rules = rule_set(&a.scheme, &a.rules)?;
    if !rules.defines(kind) {
        let defined: Vec<&str> = rules.meta.periods.iter().map(|p| p.name()).collect();
        return Err(UsageError(format!(
            "scheme {} ({}) defines no {} appraisal; it defines: {}",
            rules.meta.name,
            rules.meta.document,
            kind.name(),
            defined.join(", ")
        ))
        .into());
    }
    let period = match &a.period {
        Some(p) => Period::parse(kind, p).map_err(|e| UsageError(e.to_string()))?,
        None => Period::last_completed(kind, chrono::Local::now().date_naive()),
    };
    if period.last_day() < rules.meta.effective_from {
        anyhow::bail!(
            "rule set {} is in force from {}; period {period} ends before that",
            rules.meta.name,
            rules.meta.effective_from
        );
    }
    let (calendar, calendar_name) = match &a.calendar {
        Some(f) => {
            let text = std::fs::read_to_string(f).with_context(|| format!("cannot read calendar {}", f.display()))?;
            let c = Calendar::parse(&text, &f.display().to_string())?;
            let n = format!("{} ({})", c.name, f.display());
            (c, n)
        }
        None => {
            let c = Calendar::builtin(&rules.meta.calendar).ok_or_else(|| {
                anyhow::anyhow!(
                    "rule set {} names calendar `{}`, which is not built in; pass --calendar FILE",
                    rules.meta.name,
                    rules.meta.calendar
                )
            })?;
            let n = format!("{} (built-in rulesets/calendars/{}.toml)", c.name, rules.meta.calendar);
            (c, n)
        }
    };
    calendar.covers(period.first_day(), period.last_day())?;
    let inputs = if a.input.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.input
    };
    let out = a
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}-{period}", rules.meta.name)));
    Ok(Config {
        rules,
        period,
        inputs,
        out,
        calendar,
        calendar_name,
        force: a.force,
        quiet: a.quiet,
    })
}

pub fn run(kind: PeriodKind, a: RunArgs) -> anyhow::Result<()> {
    let c = configure(kind, a)?;
    // Refuse before the work, not after it.
    output::atomic::check_target(&c.out, c.force)?;
    let shown = progress::Progress::start(c.quiet);
    let inputs = input::load(&c.inputs, &c.rules, c.period)?;
    interrupt::check()?;
    progress::phase(progress::Phase::Scoring);
    let outcome = engine::score(&inputs, &c.rules, c.period, &c.calendar)?;
    interrupt::check()?;
    progress::phase(progress::Phase::Writing);
    // A monthly scheme paid per quarter shows each month beside the quarter's sum.
    let months: Vec<engine::Outcome> = if c.rules.meta.by_month && c.period.months().len() > 1 {
        c.period
            .months()
            .into_iter()
            .map(|m| engine::score(&inputs.for_month(m), &c.rules, m, &c.calendar))
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let report = output::Report {
        rules: &c.rules,
        inputs: &inputs,
        outcome: &outcome,
        calendar: &c.calendar_name,
        months: &months,
    };
    let files = output::render(&report).context("rendering the workbooks")?;
    interrupt::check()?;
    output::atomic::replace_dir(&c.out, &files, c.force)?;
    drop(shown);
    for w in &outcome.warnings {
        eprintln!("note: {w}");
    }
    if !c.quiet {
        let vetoed = outcome.subjects.iter().filter(|s| !s.vetoes.is_empty()).count();
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        println!(
            "{} {}: {} scored ({} vetoed); wrote {}: {}",
            c.rules.meta.name,
            c.period,
            outcome.subjects.len(),
            vetoed,
            c.out.display(),
            names.join(", ")
        );
    }
    Ok(())
}
