//! `gridscore sample`: a realistic input of a given size, for trying gridscore and for the benchmark.
use crate::calendar::Calendar;
use crate::cli::{SampleArgs, UsageError};
use crate::period::Period;
use crate::sample::{self, SampleFormat};

pub fn run(a: SampleArgs) -> anyhow::Result<()> {
    let rules = super::score::rule_set(&a.scheme, &a.rules)?;
    let period = Period::parse_any(&a.period)
        .ok_or_else(|| UsageError(format!("`{}` is not a period like 2026Q3, 2026-07 or 2026", a.period)))?;
    let workers = sample::size_of(&a.size).ok_or_else(|| {
        UsageError(format!(
            "--size `{}`: town, county, province or a number of workers",
            a.size
        ))
    })?;
    let cal = Calendar::builtin(&rules.meta.calendar)
        .ok_or_else(|| anyhow::anyhow!("calendar `{}` is not built in", rules.meta.calendar))?;
    cal.covers(period.first_day(), period.last_day())?;
    let format = if a.csv { SampleFormat::Csv } else { SampleFormat::Xlsx };
    let w = sample::generate(&rules, &cal, period, workers, format, &a.out, a.seed)?;
    let rows: Vec<String> = w.rows.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!(
        "wrote {} ({} workers, {period}): {}",
        a.out.display(),
        workers,
        rows.join(", ")
    );
    Ok(())
}
