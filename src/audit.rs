//! What verifying a run folder finds: the archive against its manifest, an approval against
//! what was approved, and every output against a re-run from the archived inputs, rule set
//! and calendar. A library stage: `verify` prints it, `approve` refuses a folder with any
//! difference, and neither calls the other.
use crate::archive;
use crate::compare::csv_changes;
use crate::pipeline::rerun;
use crate::rules::sha256_hex;
use std::path::Path;

/// What verifying a run folder found: notes (who approved it, another version wrote it),
/// which are not differences, and the differences.
#[derive(Debug, Default)]
pub struct Findings {
    pub notes: Vec<String>,
    pub differences: Vec<String>,
}

/// Everything that differs between a run folder and its re-run (and, for an approved run,
/// between the folder and what was approved), and the notes beside.
///
/// Notes are kept apart by kind, not by their words: in Chinese a note reads `提示: …`, and
/// telling them by a leading `note:` once made every approved run fail to verify in Chinese.
pub fn findings(dir: &Path) -> anyhow::Result<(archive::Manifest, Findings)> {
    let m = archive::read(dir)?;
    let mut f = Findings::default();
    approval_findings(dir, &mut f)?;
    let found = &mut f.differences;
    // The archive as the manifest recorded it.
    let mut check = |file: &str, want: &str, what: &str| match archive::read_file(dir, file) {
        Ok(bytes) if sha256_hex(&bytes) == want => {}
        Ok(bytes) => found.push(msg!(
            "cmd-archived-one-run-used-sha",
            file = file,
            what = what,
            short = short(want),
            manifest = archive::MANIFEST,
            short2 = short(&sha256_hex(&bytes))
        )),
        Err(e) => found.push(format!("{file}: {e}")),
    };
    check(&m.rules.file, &m.rules.sha256, &msg!("cmd-archived-rule-set"));
    check(&m.calendar.file, &m.calendar.sha256, &msg!("cmd-archived-calendar"));
    for (file, sha) in m.inputs.iter().flat_map(|i| i.archived()) {
        check(&file, &sha, "input");
    }
    for o in &m.outputs {
        check(&o.file, &o.sha256, &msg!("cmd-archived-output"));
    }
    for h in &m.history {
        check(&h.file, &h.sha256, &msg!("cmd-archived-history"));
    }
    for f in m.corrects.iter().flat_map(|c| &c.files) {
        check(&f.file, &f.sha256, &msg!("cmd-archived-corrected"));
    }
    if m.gridscore != crate::output::VERSION {
        f.notes.push(msg!(
            "cmd-note-run-was-written-gridscore",
            gridscore = m.gridscore,
            version = crate::output::VERSION
        ));
    }
    let found = &mut f.differences;
    // The re-run, compared file by file.
    match rerun(dir, &m) {
        Err(e) => found.push(msg!("cmd-archived-run-longer-runs", e = format!("{:#}", e))),
        Ok((_, s)) => {
            let notes = &mut f.notes;
            for f in &s.files {
                let old = archive::read_file(dir, &f.name).ok();
                if old.as_deref() == Some(f.bytes.as_slice()) {
                    continue;
                }
                // A folder written before results files has none, and its manifest lists none:
                // not a difference (later runs read its scores.csv instead).
                if old.is_none() && f.name == crate::past::RESULTS && !m.outputs.iter().any(|o| o.file == f.name) {
                    notes.push(msg!("cmd-note-no-results-file", file = f.name));
                    continue;
                }
                if f.name.ends_with(".csv") {
                    let changes = csv_changes(old.as_deref(), Some(&f.bytes), "");
                    for c in &changes {
                        found.push(format!("{} {} {}: {} → {}", c.id, c.name, c.field, c.old, c.new));
                    }
                    if changes.is_empty() {
                        found.push(msg!("cmd-bytes-differ", name = f.name));
                    }
                } else {
                    found.push(msg!("cmd-bytes-differ-from-re-run", name = f.name));
                }
            }
            for o in &m.outputs {
                if !s.files.iter().any(|f| f.name == o.file) {
                    found.push(msg!("cmd-re-run-writes-such-file", file = o.file));
                }
            }
        }
    }
    Ok((m, f))
}

/// An approved run: who approved it and when, and that the manifest and the final files are
/// still the ones approved.
fn approval_findings(dir: &Path, f: &mut Findings) -> anyhow::Result<()> {
    let Some(a) = archive::read_approval(dir)? else {
        return Ok(());
    };
    let note = if a.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", a.note)
    };
    f.notes
        .push(msg!("cmd-note-approved", by = a.by, at = a.at, note = note));
    let found = &mut f.differences;
    let manifest = archive::read_file(dir, archive::MANIFEST)
        .map(|b| sha256_hex(&b))
        .unwrap_or_default();
    if manifest != a.manifest_sha256 {
        found.push(msg!("cmd-manifest-was-approved", manifest = archive::MANIFEST));
    }
    for f in &a.final_files {
        match archive::read_file(dir, &f.file) {
            Ok(bytes) if sha256_hex(&bytes) == f.sha256 => {}
            _ => found.push(msg!("cmd-file-was-approved-final", file = f.file)),
        }
    }
    Ok(())
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
