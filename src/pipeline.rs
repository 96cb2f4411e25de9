//! A run as the library carries it: read, score and render, everything but the writing.
//!
//! `quarter|month|year` write what this returns; `verify` and `explain` re-run an archived run
//! through [`rerun`] and compare or show it. Subcommands call this, never each other.
use crate::archive::{self, Manifest};
use crate::calendar::Calendar;
use crate::compare::{row_changes, sheet_rows, KeyedRow};
use crate::output::corrections::{self, Correction};
use crate::period::Period;
use crate::{engine, input, interrupt, output, progress, rules};
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one run scored and rendered, before anything is written.
pub struct Scored {
    /// The inputs read, without their records: those are the measures' input alone and are let
    /// go once scored (see [`score_and_render_read`]); the workers, files and parameters stay.
    pub inputs: input::Inputs,
    /// The outcome; its subjects' traces are empty when rendered with [`Traces::LetGo`].
    pub outcome: engine::Outcome,
    pub files: Vec<output::Rendered>,
}

/// What becomes of the subjects' traces once the files are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Traces {
    /// Kept in the outcome, for a caller that reads them (`explain`).
    Kept,
    /// Let go by the 明细 as it writes them ([`output::TakenTraces`]): a run that only writes its
    /// files (a province's traces are about 230 MB, otherwise held through the whole layout).
    LetGo,
}

/// What a finished run wrote, for its summary line (and a batch's summary row).
#[derive(Debug, Clone)]
pub struct Done {
    pub scheme: String,
    pub period: Period,
    pub out: PathBuf,
    pub subjects: usize,
    pub vetoed: usize,
    /// Subjects whose veto awaits the committee's confirmation (pay held).
    pub pending: usize,
    /// The committee's decisions applied.
    pub decisions: usize,
    /// The payout's total, when the run pays.
    pub pay: Option<rust_decimal::Decimal>,
    /// The workbooks and CSV files written.
    pub files: Vec<String>,
    pub notes: Vec<String>,
    /// Input files that held no sheet the rule set reads.
    pub skipped: Vec<String>,
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
    history: &crate::past::History,
    correction: Option<&Correction>,
) -> anyhow::Result<Scored> {
    let mut inputs = input::load(input_paths, &rules.read_plan(period.kind), period)?;
    inputs_as(&mut inputs);
    score_and_render_read(inputs, rules, period, calendar, (history, correction), Traces::Kept)
}

/// Runs of at least this many workers give their freed memory back before the layout (a
/// county has 5,000, a township a few hundred).
const RELEASE_FROM_WORKERS: usize = 2_000;

/// [`score_and_render`] once the inputs are read.
pub fn score_and_render_read(
    mut inputs: input::Inputs,
    rules: &rules::RuleSet,
    period: Period,
    (calendar, calendar_name): (&Calendar, &str),
    (history, correction): (&crate::past::History, Option<&Correction>),
    traces: Traces,
) -> anyhow::Result<Scored> {
    interrupt::check()?;
    progress::phase(progress::Phase::Scoring);
    // A monthly scheme paid per quarter shows each month beside the quarter's sum, scored
    // from the same rows; otherwise each worker's daily rows are let go once it is scored.
    let by_month = rules.meta.by_month && period.months().len() > 1;
    let mut outcome = if by_month {
        engine::score_with(&inputs, rules, period, calendar, history)?
    } else {
        engine::score_releasing(&mut inputs, rules, period, calendar, history)?
    };
    progress::step(progress::Step::Scored);
    interrupt::check()?;
    progress::phase(progress::Phase::Writing);
    let shared = rules.shared_event_types();
    let months: Vec<engine::Outcome> = if by_month {
        period
            .months()
            .into_iter()
            .map(|m| engine::score(&inputs.for_month(m, &shared), rules, m, calendar))
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    // The outputs name workers, files and parameters, never a record: the records left (all of
    // them for a scheme scored by month, a province's 440 MB; else the events, survey and
    // decisions) are let go before the workbooks are laid out, and what the run freed is
    // given back: the layout's large buffers do not fit in it (`alloc::release_freed_memory`).
    // A small run's memory is a few megabytes, reused by its layout: giving it back would only
    // cost page faults, and in a batch, the other run's (the setting is the process's).
    inputs.rows = Vec::new();
    let release = inputs.workers.len() >= RELEASE_FROM_WORKERS;
    if release {
        crate::alloc::release_freed_memory();
    }
    let taken = (traces == Traces::LetGo).then(|| output::TakenTraces::take(&mut outcome));
    let mut report = output::Report::new(rules, &inputs, &outcome, calendar_name, &months);
    report.correction = correction;
    let files = output::render(&report, taken).context(msg!("cmd-rendering-workbooks"));
    if release {
        crate::alloc::keep_freed_memory();
    }
    let files = files?;
    progress::step(progress::Step::Rendered);
    Ok(Scored { inputs, outcome, files })
}

/// Re-runs an archived run in memory: the archived inputs, shown by the paths the run was
/// given, with the archived rule set and calendar.
pub fn rerun(dir: &Path, m: &Manifest) -> anyhow::Result<(rules::RuleSet, Scored)> {
    let text = String::from_utf8(archive::read_file(dir, &m.rules.file)?).context(msg!("cmd-archived-rule-set-utf"))?;
    let rules = rules::parse(&text, &m.rules.source)?;
    let cal_text =
        String::from_utf8(archive::read_file(dir, &m.calendar.file)?).context(msg!("cmd-archived-calendar-utf"))?;
    let calendar = Calendar::parse(&cal_text, &m.calendar.file)?;
    let period = Period::parse_any(&m.period).ok_or_else(|| {
        anyhow::anyhow!(
            "{}",
            msg!(
                "cmd-period-one-gridscore-reads",
                manifest = archive::MANIFEST,
                period = m.period
            )
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
                sheets: e
                    .sheets
                    .iter()
                    .filter_map(|s| crate::contract::sheet_label(s))
                    .collect(),
            })
            .collect();
        for (key, file) in inputs.sheet_files.iter_mut() {
            let label = crate::contract::sheet_label(key);
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
    let mut history = crate::past::History::default();
    for h in &m.history {
        let p = Period::parse_any(&h.period).ok_or_else(|| {
            anyhow::anyhow!(
                "{}",
                msg!(
                    "cmd-history-period-one-gridscore-reads",
                    manifest = archive::MANIFEST,
                    period = h.period
                )
            )
        })?;
        let bytes = archive::read_file(dir, &h.file)?;
        let run = archive::read_past(p, &h.file, &bytes, &rules)
            .map_err(|problems| anyhow::anyhow!("{}", problems.join("\n  ")))?;
        history.runs.push(run);
    }
    // A correction re-runs against its own copy of the approved run.
    let correction = match &m.corrects {
        Some(c) => {
            let approved = approved_run(&dir.join(archive::CORRECTS), &c.original)?;
            Some(approved.correction(&archived_sheets(dir, m)))
        }
        None => None,
    };
    let scored = score_and_render(
        &rules,
        period,
        (&calendar, &m.calendar.name),
        &paths,
        &shown_as,
        &history,
        correction.as_ref(),
    )?;
    Ok((rules, scored))
}

/// Input sheets as a run archived them: sheet → (the file it came from, as the run was given
/// it, and its rows). `files` lists each input's original name and archived files; `read`
/// gives an archived file's bytes (from a run folder, or from a set being written).
pub type Sheets = BTreeMap<String, (String, Vec<KeyedRow>)>;

pub fn sheets_of(files: &[(String, Vec<String>)], read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Sheets {
    let mut out = BTreeMap::new();
    for (original, archived) in files {
        for file in archived {
            let bytes = read(file).unwrap_or_default();
            for (sheet, rows) in sheet_rows(file, &bytes) {
                out.insert(sheet, (original.clone(), rows));
            }
        }
    }
    out
}

/// Every sheet a run folder archived.
pub fn archived_sheets(dir: &Path, m: &Manifest) -> Sheets {
    let files: Vec<(String, Vec<String>)> = m
        .inputs
        .iter()
        .map(|i| (i.original.clone(), i.archived().into_iter().map(|(f, _)| f).collect()))
        .collect();
    sheets_of(&files, &|f| archive::read_file(dir, f).ok())
}

/// The rows that differ between two runs' sheets, sheet by sheet (paired by key).
pub fn sheet_changes(a: &Sheets, b: &Sheets) -> Vec<crate::compare::RowChange> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let empty = (String::new(), Vec::new());
    let mut rows = Vec::new();
    for sheet in names {
        let (x, y) = (a.get(sheet).unwrap_or(&empty), b.get(sheet).unwrap_or(&empty));
        let file = if y.0.is_empty() { &x.0 } else { &y.0 };
        rows.extend(row_changes(file, sheet, &x.1, &y.1));
    }
    rows
}

/// An approved run, as a correction reads it: its manifest and approval, what it gave each
/// subject, and its input sheets.
pub struct ApprovedRun {
    pub shown: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub approval: archive::Approval,
    pub was: BTreeMap<String, corrections::Was>,
    pub sheets: Sheets,
    /// The files a correction copies under `corrects/`: (the file, its name in the run folder,
    /// its SHA-256).
    pub copies: Vec<(PathBuf, String, String)>,
}

impl ApprovedRun {
    /// The correction of this run by a run whose inputs are `after`.
    pub fn correction(&self, after: &Sheets) -> Correction {
        Correction {
            shown: self.shown.clone(),
            approved_by: self.approval.by.clone(),
            approved_at: self.approval.at.clone(),
            was: self.was.clone(),
            changes: sheet_changes(&self.sheets, after),
        }
    }
}

/// Reads the approved run in `dir` (a run folder, or a correction's copy of one); `shown` names
/// it in messages and outputs. A run not approved, or whose manifest is not the one approved,
/// is refused.
pub fn approved_run(dir: &Path, shown: &str) -> anyhow::Result<ApprovedRun> {
    let manifest = archive::read(dir)?;
    let Some(approval) = archive::read_approval(dir)? else {
        anyhow::bail!("{}", crate::i18n::tr("corrects-not-approved", &[("run", shown.into())]));
    };
    let bytes = archive::read_file(dir, archive::MANIFEST)?;
    if crate::rules::sha256_hex(&bytes) != approval.manifest_sha256 {
        let args = [("run", shown.into()), ("manifest", archive::MANIFEST.into())];
        anyhow::bail!("{}", crate::i18n::tr("corrects-manifest-changed", &args));
    }
    let read = |name: &str| -> anyhow::Result<Option<Vec<u8>>> {
        match manifest.outputs.iter().find(|o| o.file == name) {
            Some(o) => {
                let b = archive::read_file(dir, name)?;
                if crate::rules::sha256_hex(&b) != o.sha256 {
                    anyhow::bail!("{}", msg!("cmd-one-approved-run-wrote", shown = shown, name = name));
                }
                Ok(Some(b))
            }
            None => Ok(None),
        }
    };
    let scores = read("scores.csv")?.ok_or_else(|| anyhow::anyhow!("{}", msg!("corrects-no-scores", shown = shown)))?;
    let payouts = read("payouts.csv")?;
    let was =
        corrections::approved_subjects(&scores, payouts.as_deref()).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    let sheets = archived_sheets(dir, &manifest);
    let mut copies = Vec::new();
    let mut add = |name: &str, sha: String| {
        copies.push((dir.join(name), format!("{}/{name}", archive::CORRECTS), sha));
    };
    add(archive::MANIFEST, approval.manifest_sha256.clone());
    let approval_bytes = archive::read_file(dir, archive::APPROVAL)?;
    add(archive::APPROVAL, crate::rules::sha256_hex(&approval_bytes));
    for o in manifest
        .outputs
        .iter()
        .filter(|o| o.file == "scores.csv" || o.file == "payouts.csv")
    {
        add(&o.file, o.sha256.clone());
    }
    for (file, sha) in manifest.inputs.iter().flat_map(|i| i.archived()) {
        add(&file, sha);
    }
    Ok(ApprovedRun {
        shown: shown.to_string(),
        dir: dir.to_path_buf(),
        manifest,
        approval,
        was,
        sheets,
        copies,
    })
}
