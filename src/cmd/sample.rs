//! `gridscore sample`: a realistic input of a given size, for trying gridscore and for the benchmark.
use crate::calendar::Calendar;
use crate::cli::{SampleArgs, UsageError};
use crate::sample::{self, SampleFormat};

pub fn run(a: SampleArgs) -> anyhow::Result<()> {
    let rules = super::rule_set(&a.scheme, &a.rules)?;
    let period = super::input_period(&rules, &a.period)?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| format!("{}-sample", rules.meta.name).into());
    // A sample is written beside nothing: an existing folder with files in it may hold a
    // clerk's own input.xlsx, which a sample must never replace.
    if std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(UsageError(crate::i18n::tr(
            "usage-sample-not-empty",
            &[("out", out.display().to_string().into())],
        ))
        .into());
    }
    let workers = sample::size_of(&a.size).ok_or_else(|| {
        UsageError(crate::i18n::tr(
            "usage-sample-size",
            &[("size", a.size.as_str().into())],
        ))
    })?;
    let cal = Calendar::builtin(&rules.meta.calendar)
        .ok_or_else(|| anyhow::anyhow!("{}", msg!("cmd-calendar-built", calendar = rules.meta.calendar)))?;
    cal.covers(period.first_day(), period.last_day())?;
    let format = if a.csv { SampleFormat::Csv } else { SampleFormat::Xlsx };
    let w = sample::generate(&rules, &cal, period, workers, format, &out, a.seed)?;
    let rows: Vec<String> = w.rows.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let said = crate::i18n::tr(
        "sample-wrote",
        &[
            ("out", out.display().to_string().into()),
            ("workers", workers.into()),
            ("period", period.to_string().into()),
            ("rows", rows.join(", ").into()),
        ],
    );
    println!("{said}");
    Ok(())
}
