//! `gridscore explain RUN_DIR ID`: one subject's derivation in the terminal, re-derived from
//! the run's archive: each item and the rules that applied (count, tier or threshold, points
//! or yuan, source rows), the quota step with the rank and the lines, vetoes, flags, honours
//! and pay.
use crate::archive;
use crate::num::{show, show_money};
use crate::output::said::{sources_text_in, text_in};
use crate::pipeline::rerun;
use crate::trace::{TraceLine, Unit};
use std::path::Path;

/// How many characters of source rows a line shows (the 明细 sheet has them all).
const SOURCES: usize = 160;

fn line(l: &TraceLine) -> String {
    let value = match l.unit {
        Unit::Points => format!("{:>8}", show(l.value)),
        Unit::Yuan => format!("{:>8}", format!("¥{}", show_money(l.value))),
        Unit::Note => String::new(),
    };
    let src = sources_text_in(&l.sources, SOURCES, crate::i18n::lang());
    let src = if src.is_empty() {
        String::new()
    } else {
        format!("  ← {src}")
    };
    format!("    {value}  {}{src}", text_in(&l.said, crate::i18n::lang()))
}

/// The subject an id names: the id as written; else the one id that is it without its leading
/// zeros (205 → 0205); else the one subject of that name.
fn find<'o>(
    dir: &Path,
    id: &str,
    inputs: &crate::input::Inputs,
    out: &'o crate::engine::Outcome,
) -> anyhow::Result<&'o crate::engine::Subject> {
    let who = |x: &&crate::engine::Subject| &inputs.workers[x.worker];
    let wanted = id.trim();
    let exact: Vec<_> = out.subjects.iter().filter(|x| who(x).id == wanted).collect();
    let unzeroed: Vec<_> = out
        .subjects
        .iter()
        .filter(|x| !wanted.is_empty() && who(x).id.trim_start_matches('0') == wanted.trim_start_matches('0'))
        .collect();
    let named: Vec<_> = out.subjects.iter().filter(|x| who(x).name == wanted).collect();
    let found = [exact, unzeroed, named]
        .into_iter()
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    match found.as_slice() {
        [one] => Ok(*one),
        [] => {
            let ids: Vec<&str> = inputs.workers.iter().take(12).map(|w| w.id.as_str()).collect();
            anyhow::bail!(
                "{}",
                msg!(
                    "cmd-subject-id-id-without-leading",
                    id = id,
                    dir = dir.display(),
                    count = inputs.workers.len(),
                    list = ids.join(", "),
                    value = if inputs.workers.len() > 12 { ", …" } else { "" }
                )
            );
        }
        many => {
            let list: Vec<String> = many.iter().map(|x| format!("{} {}", who(x).id, who(x).name)).collect();
            anyhow::bail!(
                "{}",
                msg!(
                    "cmd-names-subjects-give",
                    id = id,
                    count = many.len(),
                    list = list.join(", ")
                )
            );
        }
    }
}

pub fn run(dir: &Path, id: &str) -> anyhow::Result<()> {
    let m = archive::read(dir)?;
    let (rules, s) = rerun(dir, &m)?;
    let (inputs, out) = (&s.inputs, &s.outcome);
    let subject = find(dir, id, inputs, out)?;
    let w = &inputs.workers[subject.worker];
    println!(
        "{} {} ({} {} {}) — {} {}, {} {}",
        w.id, w.name, w.village, w.grid, rules.roles[w.role].label, m.scheme, m.period, m.rules.name, m.rules.version
    );
    let (total, grade, rank) = (
        show(subject.total),
        subject.grade.as_deref().unwrap_or("—"),
        subject.rank.map_or("—".to_string(), |r| r.to_string()),
    );
    let group = &subject.group;
    if rules.meta.money {
        println!(
            "{}",
            msg!(
                "cmd-explain-total-money",
                total = total,
                grade = grade,
                rank = rank,
                group = group
            )
        );
    } else {
        println!(
            "{}",
            msg!(
                "cmd-explain-total",
                total = total,
                grade = grade,
                rank = rank,
                group = group
            )
        );
    }
    println!();
    // Items in rule-set order, each with the lines that produced it.
    for (i, col) in out.columns.iter().enumerate() {
        let indent = "  ".repeat(col.depth);
        println!("{indent}{} ({}): {}", col.label, col.path, show(subject.values[i]));
        for l in subject.trace.iter().filter(|l| *l.item == *col.path) {
            println!("{indent}{}", line(l));
        }
    }
    let others: Vec<&TraceLine> = subject
        .trace
        .iter()
        .filter(|l| !out.columns.iter().any(|c| *c.path == *l.item))
        .collect();
    for (title, pick) in [
        (msg!("cmd-explain-quota"), "quota"),
        (msg!("cmd-explain-vetoes"), "veto."),
        (msg!("cmd-explain-flags"), "flag."),
        (msg!("cmd-explain-decisions"), "decision"),
        (msg!("cmd-explain-honours"), "honor."),
    ] {
        let ls: Vec<&&TraceLine> = others.iter().filter(|l| l.item.starts_with(pick)).collect();
        if !ls.is_empty() {
            println!("{title}:");
            for l in ls {
                println!("{}", line(l));
            }
        }
    }
    let pays: Vec<&&TraceLine> = others
        .iter()
        .filter(|l| {
            !["quota", "veto.", "flag.", "honor.", "decision"]
                .iter()
                .any(|p| l.item.starts_with(p))
        })
        .collect();
    if !out.pays.is_empty() {
        println!("{}", msg!("cmd-explain-pay", amount = show_money(subject.pay_total)));
        for l in pays {
            println!("  {}:{}", l.item_label, line(l));
        }
    }
    Ok(())
}
