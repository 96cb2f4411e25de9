//! `gridscore schemes`: the built-in rule sets.
use crate::output::sheet::display_width;
use crate::rules;

/// `s` padded to `width` terminal columns: a CJK character takes two, so `{:<w}` would misalign.
fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

pub fn run() -> anyhow::Result<()> {
    let mut rows = vec![[
        "scheme".to_string(),
        "document".into(),
        "in force".into(),
        "periods".into(),
        "title".into(),
    ]];
    for name in rules::builtin_names() {
        let r = rules::load_builtin(name)?;
        let periods: Vec<&str> = r.meta.periods.iter().map(|p| p.name()).collect();
        rows.push([
            r.meta.name.clone(),
            r.meta.document.clone(),
            r.meta.effective_from.to_string(),
            periods.join(", "),
            r.meta.title.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| display_width(&r[c])).max().unwrap_or(0) + 2)
        .collect();
    for r in &rows {
        let line: String = (0..4).map(|c| pad(&r[c], widths[c])).collect();
        println!("{line}{}", r[4]);
    }
    Ok(())
}
