//! `gridscore verify RUN_DIR`: re-runs an archived run from its own inputs, rule set and
//! calendar, and compares every output byte with what the run wrote. Identical means
//! identical bytes; anything else is listed (subject, field, old value, new value), exit 1.
use super::score::{score_and_render, Scored};
use crate::archive::{self, Manifest};
use crate::calendar::Calendar;
use crate::compare::csv_changes;
use crate::period::Period;
use crate::rules::{self, sha256_hex};
use anyhow::Context;
use std::path::{Path, PathBuf};

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

pub fn run(dir: &Path) -> anyhow::Result<()> {
    let m = archive::read(dir)?;
    let mut found: Vec<String> = Vec::new();
    // The archive as the manifest recorded it.
    let mut check = |file: &str, want: &str, what: &str| match archive::read_file(dir, file) {
        Ok(bytes) if sha256_hex(&bytes) == want => {}
        Ok(bytes) => found.push(format!(
            "{file}: the archived {what} is not the one the run used (SHA-256 {} in {}, {} now)",
            short(want),
            archive::MANIFEST,
            short(&sha256_hex(&bytes))
        )),
        Err(e) => found.push(format!("{file}: {e}")),
    };
    check(&m.rules.file, &m.rules.sha256, "rule set");
    check(&m.calendar.file, &m.calendar.sha256, "calendar");
    for (file, sha) in m.inputs.iter().flat_map(|i| i.archived()) {
        check(&file, &sha, "input");
    }
    for o in &m.outputs {
        check(&o.file, &o.sha256, "output");
    }
    for h in &m.history {
        check(&h.file, &h.sha256, "earlier run's scores");
    }
    if m.gridscore != crate::output::VERSION {
        found.push(format!(
            "note: the run was written by gridscore {}, this is {}; a difference may come from the version",
            m.gridscore,
            crate::output::VERSION
        ));
    }
    // The re-run, compared file by file.
    match rerun(dir, &m) {
        Err(e) => found.push(format!("the archived run no longer runs: {e:#}")),
        Ok((_, s)) => {
            for f in &s.files {
                let old = archive::read_file(dir, &f.name).ok();
                if old.as_deref() == Some(f.bytes.as_slice()) {
                    continue;
                }
                if f.name.ends_with(".csv") {
                    let changes = csv_changes(old.as_deref(), Some(&f.bytes), "");
                    for c in &changes {
                        found.push(format!("{} {} {}: {} → {}", c.id, c.name, c.field, c.old, c.new));
                    }
                    if changes.is_empty() {
                        found.push(format!("{}: the bytes differ", f.name));
                    }
                } else {
                    found.push(format!("{}: the bytes differ from the re-run's", f.name));
                }
            }
            for o in &m.outputs {
                if !s.files.iter().any(|f| f.name == o.file) {
                    found.push(format!("{}: the re-run writes no such file", o.file));
                }
            }
        }
    }
    let differences = found.iter().filter(|f| !f.starts_with("note:")).count();
    if differences == 0 {
        for f in &found {
            println!("{f}");
        }
        println!(
            "{}: identical — {} {} re-run from its archived inputs and rule set ({} {}) gives the same bytes in all {} files",
            dir.display(),
            m.scheme,
            m.period,
            m.rules.name,
            m.rules.version,
            m.outputs.len()
        );
        return Ok(());
    }
    println!("{}: {differences} differences", dir.display());
    for f in &found {
        println!("  {f}");
    }
    anyhow::bail!("{} does not verify: {differences} differences", dir.display())
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
