//! `gridscore schemes`: the built-in rule sets.
use crate::rules;

pub fn run() -> anyhow::Result<()> {
    println!(
        "{:<16} {:<20} {:<12} {:<22} title",
        "scheme", "document", "in force", "periods"
    );
    for name in rules::builtin_names() {
        let r = rules::load_builtin(name)?;
        let periods: Vec<&str> = r.meta.periods.iter().map(|p| p.name()).collect();
        println!(
            "{:<16} {:<20} {:<12} {:<22} {}",
            r.meta.name,
            r.meta.document,
            r.meta.effective_from,
            periods.join(", "),
            r.meta.title
        );
    }
    Ok(())
}
