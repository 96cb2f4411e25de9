//! `gridscore check FILE`: validates a rule set without running it.
use crate::rules;
use std::path::Path;

pub fn run(file: &Path) -> anyhow::Result<()> {
    let r = rules::load_file(file)?;
    let said = crate::i18n::tr(
        "check-ok",
        &[
            ("file", file.display().to_string().into()),
            ("scheme", r.meta.name.as_str().into()),
            ("document", r.meta.document.as_str().into()),
            ("roles", r.roles.len().into()),
            ("types", r.event_types.len().into()),
            ("measures", r.measures.len().into()),
            ("items", r.leaves().len().into()),
            ("vetoes", r.vetoes.len().into()),
            ("pay", r.pay.len().into()),
            ("sha", r.sha256.as_str().into()),
        ],
    );
    println!("{said}");
    Ok(())
}
