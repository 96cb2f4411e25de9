//! One scoring run, from its arguments to its committed folder: the arguments validated into
//! a configuration (the rule set in force, the period, the inputs, the archive and its
//! earlier runs, a correction's approved run), then read, scored, rendered and written as a
//! whole. `quarter|month|year` print its summary; `batch` runs many. Prints nothing but a
//! wait note.
use super::rule_set_on;
use crate::calendar::Calendar;
use crate::cli::{RunArgs, UsageError};
use crate::i18n;
use crate::period::{Period, PeriodKind};
use crate::pipeline::{score_and_render_read, Done};
use crate::{archive, input, interrupt, output, progress, rules};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The validated configuration of a run.
struct Config {
    rules: rules::RuleSet,
    period: Period,
    inputs: Vec<PathBuf>,
    out: PathBuf,
    calendar: Calendar,
    calendar_name: String,
    /// The calendar's exact text, archived with the run.
    calendar_text: String,
    /// Earlier runs a look-back rule reads: the results, their manifest entries, their files.
    history: crate::past::History,
    history_files: Vec<(archive::HistoryEntry, PathBuf)>,
    force: bool,
    quiet: bool,
    /// Where earlier runs are looked for, and where the first period scored is remembered.
    archive_root: PathBuf,
    /// The first period scored here, given by --history-from (to be remembered).
    history_from: Option<Period>,
    /// The approved run this run corrects (`--corrects`).
    corrects: Option<crate::pipeline::ApprovedRun>,
}

fn configure(kind: PeriodKind, a: RunArgs) -> anyhow::Result<Config> {
    let period = match &a.period {
        Some(p) => Period::parse(kind, p).map_err(|e| UsageError(e.to_string()))?,
        None => Period::last_completed(kind, chrono::Local::now().date_naive()),
    };
    // The version in force at the period's end: an old period is scored by the rules of then.
    let rules = rule_set_on(&a.scheme, &a.rules, Some(period.last_day()))?;
    if !rules.defines(kind) {
        let defined: Vec<&str> = rules.meta.periods.iter().map(|p| p.name()).collect();
        let args = [
            ("scheme", rules.meta.name.as_str().into()),
            ("document", rules.meta.document.as_str().into()),
            ("kind", kind.name().into()),
            ("defined", defined.join(", ").into()),
        ];
        return Err(UsageError(i18n::tr("usage-no-such-appraisal", &args)).into());
    }
    if period.last_day() < rules.meta.effective_from {
        anyhow::bail!(
            "{}",
            msg!(
                "cmd-rule-set-force-from-period",
                name = rules.meta.name,
                effective_from = rules.meta.effective_from,
                period = period
            )
        );
    }
    let (calendar, calendar_name, calendar_text) = match &a.calendar {
        Some(f) => {
            let text =
                std::fs::read_to_string(f).with_context(|| msg!("cmd-cannot-read-calendar", value = f.display()))?;
            let c = Calendar::parse(&text, &f.display().to_string())?;
            let n = format!("{} ({})", c.name, f.display());
            (c, n, text)
        }
        None => {
            let (c, text) = Calendar::builtin(&rules.meta.calendar)
                .zip(Calendar::builtin_text(&rules.meta.calendar))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}",
                        msg!(
                            "cmd-rule-set-names-calendar-which",
                            name = rules.meta.name,
                            calendar = rules.meta.calendar
                        )
                    )
                })?;
            let n = format!("{} (built-in rulesets/calendars/{}.toml)", c.name, rules.meta.calendar);
            (c, n, text.to_string())
        }
    };
    calendar.covers(period.first_day(), period.last_day())?;
    let named = !a.input.is_empty();
    let inputs = if a.input.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.input
    };
    let corrects = match &a.corrects {
        Some(dir) => Some(corrected_run(dir, &rules.meta.name, period)?),
        None => None,
    };
    let out = match (a.out, &corrects) {
        (Some(out), _) => out,
        (None, Some(c)) => correction_folder(&c.dir),
        (None, None) => PathBuf::from("out").join(format!("{}-{period}", rules.meta.name)),
    };
    refuse_overlap(&out, &inputs, named)?;
    // Earlier runs that look-back rules read, from the archive root (by default beside `out`).
    let mut wanted: Vec<Period> = rules.runs_read(period);
    let root = a.archive.clone().unwrap_or_else(|| {
        out.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    });
    let history_from = match &a.history_from {
        // Any kind of period: a year run reads month runs from a month on.
        Some(from) => Some(
            Period::parse_any(from)
                .ok_or_else(|| UsageError(i18n::tr("usage-history-from", &[("period", from.as_str().into())])))?,
        ),
        None => None,
    };
    // Without the flag, the first period this scheme was scored here, as an earlier run
    // given the flag remembered it.
    let from = match history_from {
        Some(p) => Some(p),
        None => archive::remembered_history_from(&root, &rules.meta.name)?,
    };
    if let Some(from) = from {
        wanted.retain(|p| p.first_day() >= from.first_day());
    }
    let loaded = archive::load_history(&root, &rules, &wanted).map_err(|e| anyhow::anyhow!(e))?;
    let history = crate::past::History {
        runs: loaded.iter().map(|(r, _, _)| r.clone()).collect(),
    };
    let history_files = loaded.into_iter().map(|(_, e, f)| (e, f)).collect();
    Ok(Config {
        rules,
        period,
        inputs,
        out,
        calendar,
        calendar_name,
        calendar_text,
        history,
        history_files,
        force: a.force,
        quiet: a.quiet,
        archive_root: root,
        history_from,
        corrects,
    })
}

/// The approved run `--corrects` names, which must be of this scheme and period.
fn corrected_run(dir: &Path, scheme: &str, period: Period) -> anyhow::Result<crate::pipeline::ApprovedRun> {
    let shown = dir.display().to_string();
    let approved = crate::pipeline::approved_run(dir, &shown).map_err(|e| UsageError(format!("--corrects: {e:#}")))?;
    let m = &approved.manifest;
    if m.scheme != scheme || m.period != period.to_string() {
        let args = [
            ("run", shown.as_str().into()),
            ("was", format!("{} {}", m.scheme, m.period).into()),
            ("now", format!("{scheme} {period}").into()),
        ];
        return Err(UsageError(i18n::tr("usage-corrects-other-run", &args)).into());
    }
    Ok(approved)
}

/// A correction's default folder: beside the approved run, `<run>-更正1` (or the next free
/// number; a correction of a correction numbers on from the run's own name), never the
/// approved folder itself.
fn correction_folder(approved: &Path) -> PathBuf {
    let name = approved
        .file_name()
        .map_or_else(|| "run".to_string(), |n| n.to_string_lossy().into_owned());
    let name = match name.rsplit_once("-更正") {
        Some((base, n)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => base.to_string(),
        _ => name,
    };
    let parent = approved.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    (1..)
        .map(|n| parent.join(format!("{name}-更正{n}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| parent.join(format!("{name}-更正")))
}

/// `path` made absolute without following what does not exist yet: the deepest existing
/// ancestor is resolved (links and `..` included) and the rest appended.
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(real) = at.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an output folder that is an input, holds one (replacing it would delete the
/// clerk's files), or lies inside an input folder named with `--input` — before anything is
/// read. The default input, the current folder, may hold the default `out/`: its own files
/// are read, never its subfolders.
fn refuse_overlap(out: &Path, inputs: &[PathBuf], named: bool) -> Result<(), UsageError> {
    let o = resolved(out);
    for input in inputs {
        let i = resolved(input);
        let what = if o == i {
            i18n::t("usage-out-is")
        } else if i.starts_with(&o) {
            i18n::t("usage-out-holds")
        } else if named && i.is_dir() && o.starts_with(&i) {
            i18n::t("usage-out-inside")
        } else {
            continue;
        };
        let args = [
            ("out", out.display().to_string().into()),
            ("how", what.into()),
            ("input", input.display().to_string().into()),
        ];
        return Err(UsageError(i18n::tr("usage-out-overlaps", &args)));
    }
    Ok(())
}

/// One run, read to written; prints nothing but a wait note (unless quiet).
pub fn run_one(kind: PeriodKind, a: RunArgs) -> anyhow::Result<Done> {
    let c = configure(kind, a)?;
    // Refuse before the work, not after it (but for a previous set's hashes, checked while the
    // run works); a second run on the same place waits here for the first to finish, before
    // it reads anything.
    let quiet = c.quiet;
    let reserved = output::atomic::Stage::reserve(&c.out, c.force, &|| {
        if !quiet {
            let out = c.out.display().to_string();
            eprintln!(
                "{} {}",
                i18n::t("note-prefix"),
                i18n::tr("note-waiting", &[("out", out.into())])
            );
        }
    })?;
    let shown = progress::Progress::start(c.quiet);
    // The set is begun before the reading: each sheet's extract is written into it as the
    // sheet is read (`input::extract`), and the run's other files join it later.
    let mut stage = reserved.begin()?;
    let (mut s, extracts) = match work(&c, &stage) {
        Ok(done) => done,
        // A previous set changed since gridscore wrote it is said first (its hashes are
        // checked while the run works: `output::atomic::Check`).
        Err(e) if e.downcast_ref::<interrupt::Interrupted>().is_none() => {
            return Err(stage.refusal().map_or(e, anyhow::Error::from));
        }
        Err(e) => return Err(e),
    };
    let mut files = std::mem::take(&mut s.files);
    files.push(manifest(&c, &s.inputs, &files, &extracts));
    files.extend(archive_texts(&c));
    interrupt::check()?;
    stage.write(&files)?;
    let done = done(&c, &s, &files);
    // A province's outcome and workbooks are most of a gigabyte in millions of allocations,
    // a tenth of a second to let go: that is done beside the set's putting in place (its
    // syncs, the swap, the previous set's removal), not after it.
    std::thread::scope(|scope| {
        scope.spawn(move || drop((s, files)));
        stage.commit()
    })?;
    crate::progress::step(crate::progress::Step::Written);
    drop(shown);
    if let Some(from) = &c.history_from {
        // Remembered, so that the next run of this scheme here needs no flag.
        crate::archive::remember_history_from(&c.archive_root, &c.rules.meta.name, from)?;
    }
    Ok(done)
}

/// The run's work, its set begun: the inputs read (their extracts written into the set), the
/// earlier runs copied in, the scores and files made; the extracts' names and SHA-256.
fn work(c: &Config, stage: &output::atomic::Stage) -> anyhow::Result<(crate::pipeline::Scored, Vec<(String, String)>)> {
    let mut inputs = input::load_with(&c.inputs, &c.rules.read_plan(c.period.kind), c.period, Some(stage))?;
    let mut copies = history_copies(c);
    // A correction: the approved run's files are copied in (the set re-runs from its own
    // folder), and the inputs just read are compared with the approved run's.
    let correction = match &c.corrects {
        Some(approved) => {
            // The extracts are read back whole below: their pieces' rows joined first.
            for x in &mut inputs.extracts {
                let name = archive::extract_name(x.sheet);
                x.written
                    .complete()
                    .map_err(|source| output::atomic::WriteError::Io { path: name, source })?;
            }
            copies.extend(
                approved
                    .copies
                    .iter()
                    .map(|(from, name, sha256)| output::atomic::Copied {
                        from: from.clone(),
                        name: name.clone(),
                        sha256: sha256.clone(),
                    }),
            );
            let files: Vec<(String, Vec<String>)> = inputs
                .files
                .iter()
                .map(|f| {
                    (
                        f.display.clone(),
                        f.sheets.iter().map(|s| archive::extract_name(s)).collect(),
                    )
                })
                .collect();
            let after = crate::pipeline::sheets_of(&files, &|name| stage.read(name).ok());
            Some(approved.correction(&after))
        }
        None => None,
    };
    let written: Vec<(String, input::extract::Written)> = std::mem::take(&mut inputs.extracts)
        .into_iter()
        .map(|x| (archive::extract_name(x.sheet), x.written))
        .collect();
    let (scored, copied) = std::thread::scope(|s| {
        // The extracts are synced and hashed, and the earlier runs copied in, while the run
        // scores.
        let copying = s.spawn(|| {
            stage.copy(&copies)?;
            written
                .into_iter()
                .map(|(name, mut extract)| {
                    extract.complete().map_err(|source| output::atomic::WriteError::Io {
                        path: name.clone(),
                        source,
                    })?;
                    stage.seal(&name, &extract.file).map(|sha| (name, sha))
                })
                .collect::<Result<Vec<(String, String)>, _>>()
        });
        let scored = score_and_render_read(
            inputs,
            &c.rules,
            c.period,
            (&c.calendar, &c.calendar_name),
            (&c.history, correction.as_ref()),
            // A run writes its files and says its totals: the 明细 may let the traces go.
            crate::pipeline::Traces::LetGo,
        );
        (scored, copying.join())
    });
    let s = scored?;
    let extracts = copied.map_err(|_| anyhow::anyhow!("{}", msg!("cmd-copying-inputs-into-run-s")))??;
    Ok((s, extracts))
}

/// What a run that wrote `files` says of itself ([`Done`]).
fn done(c: &Config, s: &crate::pipeline::Scored, files: &[output::Rendered]) -> Done {
    let outcome = &s.outcome;
    Done {
        scheme: c.rules.meta.name.clone(),
        period: c.period,
        out: c.out.clone(),
        subjects: outcome.subjects.len(),
        vetoed: outcome.subjects.iter().filter(|s| !s.vetoes.is_empty()).count(),
        pending: outcome.subjects.iter().filter(|s| !s.pending.is_empty()).count(),
        decisions: outcome.decisions.len(),
        pay: (!outcome.pays.is_empty()).then(|| outcome.subjects.iter().map(|s| s.pay_total).sum()),
        files: files
            .iter()
            .map(|f| f.name.clone())
            .filter(|n| n.ends_with(".xlsx") || n.ends_with(".csv"))
            .collect(),
        notes: outcome.warnings.clone(),
        skipped: s.inputs.skipped.clone(),
    }
}

/// The earlier runs a look-back rule read, copied into the run's archive.
fn history_copies(c: &Config) -> Vec<output::atomic::Copied> {
    c.history_files
        .iter()
        .map(|(e, from)| output::atomic::Copied {
            from: from.clone(),
            name: e.file.clone(),
            sha256: e.sha256.clone(),
        })
        .collect()
}

/// The run's manifest: what produced the outputs (`outputs`), enough to re-run it.
fn manifest(
    c: &Config,
    inputs: &input::Inputs,
    outputs: &[output::Rendered],
    extracts: &[(String, String)],
) -> output::Rendered {
    let manifest = archive::Manifest {
        gridscore: output::VERSION.to_string(),
        run: c.period.kind.name().to_string(),
        period: c.period.to_string(),
        scheme: c.rules.meta.name.clone(),
        rules: archive::RulesEntry {
            source: c.rules.source.clone(),
            name: c.rules.meta.name.clone(),
            version: c.rules.meta.version.clone(),
            effective_from: c.rules.meta.effective_from.to_string(),
            sha256: c.rules.sha256.clone(),
            file: archive::RULES.to_string(),
        },
        calendar: archive::CalendarEntry {
            name: c.calendar_name.clone(),
            file: archive::CALENDAR.to_string(),
            sha256: rules::sha256_hex(c.calendar_text.as_bytes()),
        },
        params: archive::params(&inputs.params),
        inputs: inputs
            .files
            .iter()
            .map(|f| archive::InputEntry {
                file: String::new(),
                original: f.display.clone(),
                sha256: f.sha256.clone(),
                sheets: f.sheets.iter().map(|x| x.to_string()).collect(),
                extracts: f
                    .sheets
                    .iter()
                    .filter_map(|sheet| {
                        let name = archive::extract_name(sheet);
                        let (_, sha256) = extracts.iter().find(|(n, _)| *n == name)?;
                        Some(archive::ExtractEntry {
                            sheet: sheet.to_string(),
                            sha256: sha256.clone(),
                            file: name,
                        })
                    })
                    .collect(),
            })
            .collect(),
        outputs: outputs
            .iter()
            .map(|f| archive::output_entry(&f.name, &f.bytes))
            .collect(),
        history: c.history_files.iter().map(|(e, _)| e.clone()).collect(),
        skipped: inputs.skipped.clone(),
        corrects: c.corrects.as_ref().map(|a| archive::CorrectsEntry {
            original: a.shown.clone(),
            approved_by: a.approval.by.clone(),
            approved_at: a.approval.at.clone(),
            manifest_sha256: a.approval.manifest_sha256.clone(),
            files: a
                .copies
                .iter()
                .map(|(_, file, sha256)| archive::OutputEntry {
                    file: file.clone(),
                    sha256: sha256.clone(),
                })
                .collect(),
        }),
    };
    output::Rendered {
        name: archive::MANIFEST.into(),
        bytes: manifest.to_toml().into_bytes(),
    }
}

/// The rule set's and calendar's exact text, archived with the run.
fn archive_texts(c: &Config) -> [output::Rendered; 2] {
    [
        output::Rendered {
            name: archive::RULES.into(),
            bytes: c.rules.text.clone().into_bytes(),
        },
        output::Rendered {
            name: archive::CALENDAR.into(),
            bytes: c.calendar_text.clone().into_bytes(),
        },
    ]
}
