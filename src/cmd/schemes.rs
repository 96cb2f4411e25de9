//! `gridscore schemes`: the built-in rule sets.
use crate::output::sheet::display_width;
use crate::rules;

/// `s` padded to `width` terminal columns: a CJK character takes two, so `{:<w}` would misalign.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

pub fn run() -> anyhow::Result<()> {
    // One line per version: a scheme may hold several, each in force from its date.
    let mut all = rules::builtin_all()?;
    all.sort_by(|a, b| (&a.meta.name, a.meta.effective_from).cmp(&(&b.meta.name, b.meta.effective_from)));
    let mut rows = vec![[
        msg!("schemes-scheme"),
        msg!("schemes-version"),
        msg!("schemes-in-force"),
        msg!("schemes-document"),
        msg!("schemes-periods"),
        msg!("schemes-title"),
    ]];
    for r in all {
        let zh = crate::i18n::lang() == crate::i18n::Lang::Zh;
        let periods: Vec<&str> = r
            .meta
            .periods
            .iter()
            .map(|p| if zh { p.chinese() } else { p.name() })
            .collect();
        rows.push([
            r.meta.name.clone(),
            r.meta.version.clone(),
            r.meta.effective_from.to_string(),
            r.meta.document.clone(),
            periods.join(", "),
            r.meta.title.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| display_width(&r[c])).max().unwrap_or(0) + 2)
        .collect();
    for r in &rows {
        let line: String = (0..5).map(|c| pad(&r[c], widths[c])).collect();
        println!("{line}{}", r[5]);
    }
    Ok(())
}
