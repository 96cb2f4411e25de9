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
    f.differences.extend(archive_findings(dir, &m));
    if m.gridscore != crate::output::VERSION {
        f.notes.push(msg!(
            "cmd-note-run-was-written-gridscore",
            gridscore = m.gridscore,
            version = crate::output::VERSION
        ));
    }
    rerun_findings(dir, &m, &mut f);
    Ok((m, f))
}

/// Every archived file whose bytes are no longer those the manifest recorded.
fn archive_findings(dir: &Path, m: &archive::Manifest) -> Vec<String> {
    let mut found = Vec::new();
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
    for c in m.corrects.iter().flat_map(|c| &c.files) {
        check(&c.file, &c.sha256, &msg!("cmd-archived-corrected"));
    }
    found
}

/// The re-run from the archive, compared file by file with what the run wrote.
fn rerun_findings(dir: &Path, m: &archive::Manifest, f: &mut Findings) {
    let s = match rerun(dir, m) {
        Ok((_, s)) => s,
        Err(e) => {
            let e = format!("{e:#}");
            f.differences.push(msg!("cmd-archived-run-longer-runs", e = e));
            return;
        }
    };
    for file in &s.files {
        let old = archive::read_file(dir, &file.name).ok();
        if old.as_deref() == Some(file.bytes.as_slice()) {
            continue;
        }
        // A folder written before results files has none, and its manifest lists none: not a
        // difference (later runs read its scores.csv instead).
        let listed = m.outputs.iter().any(|o| o.file == file.name);
        if old.is_none() && file.name == crate::past::RESULTS && !listed {
            f.notes.push(msg!("cmd-note-no-results-file", file = file.name));
        } else if file.name.ends_with(".csv") {
            let changes = csv_changes(old.as_deref(), Some(&file.bytes), "");
            for c in &changes {
                f.differences
                    .push(format!("{} {} {}: {} → {}", c.id, c.name, c.field, c.old, c.new));
            }
            if changes.is_empty() {
                f.differences.push(msg!("cmd-bytes-differ", name = file.name));
            }
        } else {
            f.differences
                .push(msg!("cmd-bytes-differ-from-re-run", name = file.name));
        }
    }
    for o in &m.outputs {
        if !s.files.iter().any(|x| x.name == o.file) {
            f.differences.push(msg!("cmd-re-run-writes-such-file", file = o.file));
        }
    }
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
    for done in &a.final_files {
        match archive::read_file(dir, &done.file) {
            Ok(bytes) if sha256_hex(&bytes) == done.sha256 => {}
            _ => found.push(msg!("cmd-file-was-approved-final", file = done.file)),
        }
    }
    Ok(())
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
