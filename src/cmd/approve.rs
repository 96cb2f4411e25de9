//! `gridscore approve RUN_DIR --by NAME [--note TEXT]`: records who approved a run and when,
//! in the run folder. An approval certifies numbers that a re-run gives: a folder that does not
//! verify is refused. Once approved, the run is final — no run replaces it, `--force` or not —
//! and its 公示 notice and bank file are marked final: listed with their SHA-256 in the
//! approval (so `verify` tells if one changed) and made read-only on disk.
use crate::archive::{self, Approval};
use crate::cli::UsageError;
use std::path::Path;

pub fn run(dir: &Path, by: &str, note: &Option<String>) -> anyhow::Result<()> {
    let by = by.trim();
    if by.is_empty() {
        return Err(UsageError(crate::i18n::t("usage-by-blank")).into());
    }
    if let Some(a) = archive::read_approval(dir)? {
        let args = [
            ("dir", dir.display().to_string().into()),
            ("by", a.by.as_str().into()),
            ("at", a.at.as_str().into()),
        ];
        return Err(UsageError(crate::i18n::tr("usage-approved-already", &args)).into());
    }
    let (m, found) = crate::audit::findings(dir)?;
    let differences = &found.differences;
    if !differences.is_empty() {
        anyhow::bail!(
            "{}",
            msg!(
                "cmd-does-verify-differences-first-approval",
                dir = dir.display(),
                count = differences.len(),
                value = differences[0]
            )
        );
    }
    let manifest = archive::read_file(dir, archive::MANIFEST)?;
    let final_files: Vec<archive::OutputEntry> = m
        .outputs
        .iter()
        .filter(|o| o.file.starts_with("publication-") || o.file.starts_with("bank-"))
        .cloned()
        .collect();
    let approval = Approval {
        by: by.to_string(),
        at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        note: note.clone().unwrap_or_default().trim().to_string(),
        gridscore: crate::output::VERSION.to_string(),
        manifest_sha256: crate::rules::sha256_hex(&manifest),
        final_files,
    };
    let body = format!(
        "# gridscore: this run was approved; it is final and no run replaces it.\n\n{}",
        toml::to_string(&approval)?
    );
    // Whole or not at all, and never over an approval written meanwhile.
    let path = dir.join(archive::APPROVAL);
    let written = crate::output::atomic::write_file(&path, body.as_bytes(), true);
    written.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    for f in &approval.final_files {
        let p = dir.join(&f.file);
        if let Ok(meta) = std::fs::metadata(&p) {
            let mut perm = meta.permissions();
            perm.set_readonly(true);
            let _ = std::fs::set_permissions(&p, perm);
        }
    }
    let finals: Vec<&str> = approval.final_files.iter().map(|f| f.file.as_str()).collect();
    let finals = if finals.is_empty() {
        crate::i18n::t("approve-no-finals")
    } else {
        finals.join(", ")
    };
    let said = crate::i18n::tr(
        "approve-done",
        &[
            ("dir", dir.display().to_string().into()),
            ("scheme", m.scheme.as_str().into()),
            ("period", m.period.as_str().into()),
            ("by", approval.by.as_str().into()),
            ("at", approval.at.as_str().into()),
            ("finals", finals.into()),
        ],
    );
    println!("{said}");
    Ok(())
}
