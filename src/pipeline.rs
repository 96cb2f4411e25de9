//! A run as the library carries it: read, score and render, everything but the writing.
//!
//! `quarter|month|year` write what this returns; `verify` and `explain` re-run an archived run
//! through [`rerun`] and compare or show it. Subcommands call this, never each other.
use crate::archive::{self, Manifest};
use crate::calendar::Calendar;
use crate::period::Period;
use crate::{engine, input, interrupt, output, progress, rules};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// What one run scored and rendered, before anything is written.
pub struct Scored {
    pub inputs: input::Inputs,
    pub outcome: engine::Outcome,
    pub files: Vec<output::Rendered>,
}

/// Reads, scores and renders a run: the whole of it but the writing, so that `verify` and
/// `explain` re-run an archived run exactly as it ran. `inputs_as` renames the input files as
/// the outputs name them (an archived copy is shown by the path the run was given).
pub fn score_and_render(
    rules: &rules::RuleSet,
    period: Period,
    calendar: (&Calendar, &str),
    input_paths: &[PathBuf],
    inputs_as: &dyn Fn(&mut input::Inputs),
    history: &engine::History,
) -> anyhow::Result<Scored> {
    let mut inputs = input::load(input_paths, &rules.read_plan(period.kind), period)?;
    inputs_as(&mut inputs);
    score_and_render_read(inputs, rules, period, calendar, history)
}

/// [`score_and_render`] once the inputs are read.
pub fn score_and_render_read(
    inputs: input::Inputs,
    rules: &rules::RuleSet,
    period: Period,
    (calendar, calendar_name): (&Calendar, &str),
    history: &engine::History,
) -> anyhow::Result<Scored> {
    interrupt::check()?;
    progress::phase(progress::Phase::Scoring);
    let outcome = engine::score_with(&inputs, rules, period, calendar, history)?;
    interrupt::check()?;
    progress::phase(progress::Phase::Writing);
    // A monthly scheme paid per quarter shows each month beside the quarter's sum.
    let shared = rules.shared_event_types();
    let months: Vec<engine::Outcome> = if rules.meta.by_month && period.months().len() > 1 {
        period
            .months()
            .into_iter()
            .map(|m| engine::score(&inputs.for_month(m, &shared), rules, m, calendar))
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let report = output::Report::new(rules, &inputs, &outcome, calendar_name, &months);
    let files = output::render(&report).context("rendering the workbooks")?;
    Ok(Scored { inputs, outcome, files })
}

/// Re-runs an archived run in memory: the archived inputs, shown by the paths the run was
/// given, with the archived rule set and calendar.
pub fn rerun(dir: &Path, m: &Manifest) -> anyhow::Result<(rules::RuleSet, Scored)> {
    let text =
        String::from_utf8(archive::read_file(dir, &m.rules.file)?).context("the archived rule set is not UTF-8")?;
    let rules = rules::parse(&text, &m.rules.source)?;
    let cal_text =
        String::from_utf8(archive::read_file(dir, &m.calendar.file)?).context("the archived calendar is not UTF-8")?;
    let calendar = Calendar::parse(&cal_text, &m.calendar.file)?;
    let period = Period::parse_any(&m.period).ok_or_else(|| {
        anyhow::anyhow!(
            "{}: period `{}` is not one gridscore reads",
            archive::MANIFEST,
            m.period
        )
    })?;
    let paths: Vec<PathBuf> = m
        .inputs
        .iter()
        .flat_map(|i| i.archived())
        .map(|(f, _)| dir.join(f))
        .collect();
    // The archived files are shown as the files the run was given: a whole copy by its
    // original path; extracts as the files they were taken from, with those files' SHA-256.
    let shown_as = |inputs: &mut crate::input::Inputs| {
        if m.inputs.iter().all(|e| e.extracts.is_empty()) {
            for f in &mut inputs.files {
                if let Some(e) = m.inputs.iter().find(|e| dir.join(&e.file) == f.path) {
                    f.display = e.original.clone();
                }
            }
            return;
        }
        inputs.files = m
            .inputs
            .iter()
            .map(|e| crate::input::InputFile {
                path: PathBuf::from(&e.original),
                display: e.original.clone(),
                sha256: e.sha256.clone(),
                sheets: e.sheets.iter().filter_map(|s| crate::input::sheet_label(s)).collect(),
            })
            .collect();
        for (key, file) in inputs.sheet_files.iter_mut() {
            let label = crate::input::sheet_label(key);
            if let Some(e) = m
                .inputs
                .iter()
                .find(|e| e.sheets.iter().any(|s| Some(s.as_str()) == label))
            {
                *file = e.original.clone();
            }
        }
        inputs.skipped = m.skipped.clone();
    };
    // The earlier runs a look-back rule read, as archived with this run.
    let mut history = crate::engine::History::default();
    for h in &m.history {
        let p = Period::parse_any(&h.period).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: history period `{}` is not one gridscore reads",
                archive::MANIFEST,
                h.period
            )
        })?;
        let bytes = archive::read_file(dir, &h.file)?;
        let run = archive::past_run(p, &h.file, &bytes, &rules.summed_over(p.kind))
            .map_err(|problems| anyhow::anyhow!("{}", problems.join("\n  ")))?;
        history.runs.push(run);
    }
    let scored = score_and_render(
        &rules,
        period,
        (&calendar, &m.calendar.name),
        &paths,
        &shown_as,
        &history,
    )?;
    Ok((rules, scored))
}
