//! `gridscore test RULESET`: a rule set's own test cases, written in TOML by whoever edits it.
//!
//! Like OpenFisca's YAML tests: each case gives a few sheets as CSV text (a worker or two, a
//! few rows) and the results expected for named subjects. The sheets go through the same
//! reader, engine and checks as a real run, so a township that edits its rule set can see what
//! it changed without writing Rust. A case may instead expect the run to fail, with an error
//! containing a given text (bad input as data). Built-in rule sets ship their cases in
//! `rulesets/tests/<name>.toml`; for a rule-set file, `--cases` names them, or
//! `<file stem>.tests.toml` beside it is used.
use crate::calendar::Calendar;
use crate::cli::UsageError;
use crate::engine::{self, Outcome};
use crate::input::{self, Inputs};
use crate::num::{parse_decimal, show};
use crate::period::Period;
use crate::rules::{self, RuleSet};
use anyhow::Context;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// The clause of the document the case checks, for the reader.
    #[serde(default)]
    clause: Option<String>,
    period: String,
    /// Sheet name (花名册, 考勤, …) → its CSV text, header row first.
    sheets: BTreeMap<String, String>,
    #[serde(default)]
    expect: Vec<Expect>,
    /// The run must fail with an error containing this text.
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expect {
    id: String,
    total: Option<String>,
    grade: Option<String>,
    rank: Option<u32>,
    /// Text the subject's veto reasons contain; "" for none.
    veto: Option<String>,
    /// Text the subject's flags (for the committee) contain; "" for none.
    flags: Option<String>,
    /// Text the subject's vetoes awaiting confirmation contain; "" for none.
    pending: Option<String>,
    /// Item path → points.
    #[serde(default)]
    items: BTreeMap<String, String>,
    /// Pay rule id → yuan.
    #[serde(default)]
    pay: BTreeMap<String, String>,
}

pub fn run(ruleset: &str, cases: &Option<PathBuf>) -> anyhow::Result<()> {
    let (rules, text, source) = load(ruleset, cases)?;
    let file: CaseFile = toml::from_str(&text).map_err(|e| {
        let pos = e
            .span()
            .map(|s| rules::line_col(&text, s.start))
            .map_or(String::new(), |(l, c)| format!(":{l}:{c}"));
        anyhow::anyhow!("{source}{pos}: {}", e.message().trim())
    })?;
    let cal = Calendar::builtin(&rules.meta.calendar)
        .ok_or_else(|| anyhow::anyhow!("{}", msg!("cmd-calendar-built", calendar = rules.meta.calendar)))?;
    println!("{} ({source}): {} cases", rules.meta.name, file.case.len());
    let (mut passed, mut failed) = (0, 0);
    for (n, case) in file.case.iter().enumerate() {
        let problems = run_case(&rules, &cal, case, n).unwrap_or_else(|e| vec![format!("{e:#}")]);
        let clause = case.clause.as_deref().map_or(String::new(), |c| format!(" [{c}]"));
        if problems.is_empty() {
            passed += 1;
            println!("ok      {}{clause}", case.name);
        } else {
            failed += 1;
            println!("FAILED  {}{clause}", case.name);
            for p in problems {
                println!("        {p}");
            }
        }
    }
    println!("{}", msg!("cmd-passed-failed", passed = passed, failed = failed));
    if failed > 0 {
        anyhow::bail!(
            "{}",
            msg!("cmd-cases-failed", failed = failed, failed2 = passed + failed)
        );
    }
    Ok(())
}

/// The rule set and its cases' text, with the cases' source name.
fn load(ruleset: &str, cases: &Option<PathBuf>) -> anyhow::Result<(RuleSet, String, String)> {
    let as_file = Path::new(ruleset);
    let (rules, default_cases) = if as_file.extension().is_some_and(|e| e == "toml") {
        let stem = as_file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        (
            rules::load_file(as_file)?,
            Some(as_file.with_file_name(format!("{stem}.tests.toml"))),
        )
    } else {
        (rules::load_builtin(ruleset)?, None)
    };
    let (text, source) = match cases.clone().or(default_cases) {
        Some(p) => (
            std::fs::read_to_string(&p).with_context(|| msg!("cmd-cannot-read-cases", value = p.display()))?,
            p.display().to_string(),
        ),
        None => match rules::builtin_cases(&rules.meta.name) {
            Some(t) => (t.to_string(), format!("rulesets/tests/{}.toml", rules.meta.name)),
            None => return Err(UsageError(msg!("cmd-built-scheme-ships-cases-name", name = rules.meta.name)).into()),
        },
    };
    Ok((rules, text, source))
}

/// A folder of its own for one case's sheets, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs one case; returns what did not match.
fn run_case(rules: &RuleSet, cal: &Calendar, case: &Case, n: usize) -> anyhow::Result<Vec<String>> {
    let period = Period::parse_any(&case.period)
        .ok_or_else(|| anyhow::anyhow!("{}", msg!("cmd-period-like-q", period = case.period)))?;
    let dir = Scratch(std::env::temp_dir().join(format!("gridscore-test-{}-{n}", std::process::id())));
    std::fs::create_dir_all(&dir.0)?;
    for (sheet, csv) in &case.sheets {
        // Indented TOML strings are fine: each line is trimmed.
        let body: String = csv
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.0.join(format!("{sheet}.csv")), body)?;
    }
    let result = input::load(std::slice::from_ref(&dir.0), &rules.read_plan(period.kind), period)
        .map_err(|e| format!("{e}"))
        .and_then(|inputs| {
            engine::score(&inputs, rules, period, cal)
                .map(|o| (inputs, o))
                .map_err(|e| format!("{e}"))
        });
    Ok(match (result, &case.error) {
        (Err(e), Some(want)) if e.contains(want.as_str()) => vec![],
        (Err(e), Some(want)) => vec![msg!(
            "cmd-expected-error-containing-got",
            want = format!("{:?}", want),
            e = e
        )],
        (Err(e), None) => vec![msg!("cmd-run-failed", e = e)],
        (Ok(_), Some(want)) => vec![msg!(
            "cmd-expected-error-containing-but-run",
            want = format!("{:?}", want)
        )],
        (Ok((inputs, out)), None) => case
            .expect
            .iter()
            .flat_map(|x| compare(rules, &inputs, &out, x))
            .collect(),
    })
}

/// Equal as numbers when both read as decimals (`900` = `900.00`), else as text.
fn same(expected: &str, got: &str) -> bool {
    match (parse_decimal(expected), parse_decimal(got)) {
        (Some(a), Some(b)) => a == b,
        _ => expected.trim() == got.trim(),
    }
}

fn compare(rules: &RuleSet, inputs: &Inputs, out: &Outcome, x: &Expect) -> Vec<String> {
    let Some(s) = out.subjects.iter().find(|s| inputs.workers[s.worker].id == x.id) else {
        return vec![msg!("cmd-such-subject-roster", id = x.id)];
    };
    // (what, expected, got) for every field the case names.
    let mut pairs: Vec<(String, String, String)> = Vec::new();
    let mut problems = Vec::new();
    if let Some(t) = &x.total {
        pairs.push(("total".into(), t.clone(), show(s.total)));
    }
    if let Some(g) = &x.grade {
        pairs.push(("grade".into(), g.clone(), s.grade.clone().unwrap_or_default()));
    }
    if let Some(r) = x.rank {
        pairs.push((
            "rank".into(),
            r.to_string(),
            s.rank.map_or(String::new(), |r| r.to_string()),
        ));
    }
    for (what, want, got) in [
        ("veto", &x.veto, s.vetoes.join("；")),
        ("flags", &x.flags, rules.flag_labels(&s.flags, "；")),
        ("pending", &x.pending, s.pending.join("；")),
    ] {
        let Some(v) = want else { continue };
        let ok = if v.is_empty() {
            got.is_empty()
        } else {
            got.contains(v.as_str())
        };
        if !ok {
            problems.push(msg!(
                "cmd-expected-got",
                id = x.id,
                what = what,
                v = format!("{:?}", v),
                got = format!("{:?}", got)
            ));
        }
    }
    for (path, want) in &x.items {
        match out.columns.iter().position(|c| c.path == *path) {
            Some(i) => pairs.push((path.clone(), want.clone(), show(s.values[i]))),
            None => problems.push(msg!("cmd-rule-set-has-item", id = x.id, path = path)),
        }
    }
    for (id, want) in &x.pay {
        match out.pays.iter().position(|&p| rules.pay[p].id == *id) {
            Some(i) => pairs.push((
                format!("pay {id}"),
                want.clone(),
                s.pay.get(i).copied().flatten().map_or("—".to_string(), show),
            )),
            None => problems.push(msg!(
                "cmd-pay-paid-run",
                id = x.id,
                id2 = id,
                kind = out.period.kind.name()
            )),
        }
    }
    for (what, expected, got) in pairs {
        if !same(&expected, &got) {
            problems.push(msg!(
                "cmd-expected-got-2",
                id = x.id,
                what = what,
                expected = expected,
                got = got
            ));
        }
    }
    problems
}
