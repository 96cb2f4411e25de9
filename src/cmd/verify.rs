//! `gridscore verify RUN_DIR`: re-runs an archived run from its own inputs, rule set and
//! calendar, and compares every output byte with what the run wrote. Identical means
//! identical bytes; anything else is listed (subject, field, old value, new value), exit 1.
use crate::audit::findings;
use std::path::Path;

pub fn run(dir: &Path) -> anyhow::Result<()> {
    let (m, f) = findings(dir)?;
    let differences = f.differences.len();
    if differences == 0 {
        for n in &f.notes {
            println!("{n}");
        }
        let said = crate::i18n::tr(
            "verify-identical",
            &[
                ("dir", dir.display().to_string().into()),
                ("scheme", m.scheme.as_str().into()),
                ("period", m.period.as_str().into()),
                ("rules", format!("{} {}", m.rules.name, m.rules.version).into()),
                ("files", m.outputs.len().into()),
            ],
        );
        println!("{said}");
        return Ok(());
    }
    let args = [("dir", dir.display().to_string().into()), ("count", differences.into())];
    println!("{}", crate::i18n::tr("verify-differences", &args));
    for line in f.notes.iter().chain(&f.differences) {
        println!("  {line}");
    }
    anyhow::bail!(
        "{}",
        msg!(
            "cmd-does-verify-differences",
            dir = dir.display(),
            differences = differences
        )
    )
}
