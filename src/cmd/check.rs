//! `gridscore check FILE`: validates a rule set without running it.
use crate::rules;
use std::path::Path;

pub fn run(file: &Path) -> anyhow::Result<()> {
    let r = rules::load_file(file)?;
    println!(
        "{}: ok — scheme {} ({}), {} roles, {} event types, {} measures, {} items, {} vetoes, {} pay rules; SHA-256 {}",
        file.display(),
        r.meta.name,
        r.meta.document,
        r.roles.len(),
        r.event_types.len(),
        r.measures.len(),
        r.leaves().len(),
        r.vetoes.len(),
        r.pay.len(),
        r.sha256
    );
    Ok(())
}
