//! `gridscore quarter|month|year`: one run (`super::run`), and its summary printed.
use super::run::run_one;
use crate::archive;
use crate::cli::RunArgs;
use crate::i18n;
use crate::input;
use crate::period::PeriodKind;
use std::path::Path;

pub fn run(kind: PeriodKind, a: RunArgs) -> anyhow::Result<()> {
    let quiet = a.quiet;
    let done = run_one(kind, a)?;
    // Notes are in the 说明 sheet; a quiet run (cron) prints none, a terminal the first few.
    if quiet {
        return Ok(());
    }
    // A county's ties across quota lines are one line (each is on the 说明 sheet); a few are
    // shown as they are.
    let (ties, others): (Vec<&String>, Vec<&String>) = done.notes.iter().partition(|n| n.contains(TIE_NOTE));
    let note = i18n::t("note-prefix");
    if ties.len() > TIES_SHOWN {
        eprintln!("{note} {}", i18n::tr("note-ties", &[("count", ties.len().into())]));
    }
    let shown = if ties.len() > TIES_SHOWN {
        others
    } else {
        done.notes.iter().collect()
    };
    for w in shown.iter().take(NOTES_SHOWN) {
        eprintln!("{note} {w}");
    }
    if shown.len() > NOTES_SHOWN {
        let more = shown.len() - NOTES_SHOWN;
        eprintln!("{note} {}", i18n::tr("note-more", &[("count", more.into())]));
    }
    let mut counts = vec![i18n::tr("run-counts-vetoed", &[("count", done.vetoed.into())])];
    if done.pending > 0 {
        counts.push(i18n::tr("run-counts-pending", &[("count", done.pending.into())]));
    }
    if done.decisions > 0 {
        counts.push(i18n::tr("run-counts-decisions", &[("count", done.decisions.into())]));
    }
    let summary = i18n::tr(
        "run-summary",
        &[
            ("scheme", done.scheme.as_str().into()),
            ("period", done.period.to_string().into()),
            ("subjects", done.subjects.into()),
            ("counts", counts.join(", ").into()),
            ("out", done.out.display().to_string().into()),
            ("files", done.files.join(", ").into()),
            ("manifest", archive::MANIFEST.into()),
        ],
    );
    println!("{summary}");
    for f in &done.skipped {
        let id = if input::is_own_output(Path::new(f)) {
            "run-skipped-own"
        } else {
            "run-skipped"
        };
        println!("{}", i18n::tr(id, &[("file", f.as_str().into())]));
    }
    Ok(())
}

/// How many of a run's notes are printed (the 说明 sheet holds them all).
const NOTES_SHOWN: usize = 10;
/// The words of a tie across a quota line's note (engine), and how many such are printed one
/// by one before they are one line.
const TIE_NOTE: &str = "同分并列跨越名额线";
const TIES_SHOWN: usize = 3;
