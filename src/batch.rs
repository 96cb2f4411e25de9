//! A batch file: every township's run of a month-end job, in one TOML file (`gridscore batch`).
//!
//! ```toml
//! archive = "archive"            # run folders go to <archive>/<name>/<scheme>-<period>/
//! [[run]]
//! name = "洋口镇"                 # the township; unique in the file
//! scheme = "yangkou"              # or rules = "path/to/rules.toml"
//! kind = "quarter"                # month | quarter | year
//! period = "2026Q3"               # optional: the last completed period of that kind
//! input = "洋口镇/2026Q3"         # a folder or files; paths relative to this file
//! history_from = "2026Q3"         # optional, as --history-from
//! ```
//!
//! This module reads and checks the file (every problem at its line and column, as `check`
//! does a rule set), says whether a run is already done, and renders the batch's summary; the
//! command (`cmd::batch`) schedules the runs.
use crate::output::sheet::{self, Cell, Table};
use crate::period::{Period, PeriodKind};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawBatch {
    archive: Option<Spanned<String>>,
    #[serde(default)]
    run: Vec<RawRun>,
}

/// One input path or several.
#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum Paths {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawRun {
    name: Spanned<String>,
    scheme: Option<String>,
    rules: Option<String>,
    kind: Spanned<String>,
    period: Option<Spanned<String>>,
    input: Spanned<Paths>,
    history_from: Option<Spanned<String>>,
}

/// One run of the batch, its paths made absolute from the batch file's folder.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    pub scheme: Option<String>,
    pub rules: Option<PathBuf>,
    pub kind: PeriodKind,
    pub period: Period,
    pub input: Vec<PathBuf>,
    pub history_from: Option<String>,
}

#[derive(Debug)]
pub struct Batch {
    pub archive: PathBuf,
    pub jobs: Vec<Job>,
}

impl Job {
    /// Where the township's runs go: `<archive>/<name>/`, one archive per township, so that a
    /// look-back rule finds that township's earlier runs and no other's.
    pub fn root(&self, archive: &Path) -> PathBuf {
        archive.join(&self.name)
    }
}

/// `file:line:col: message`, as `check` places a rule set's problems.
fn at(file: &str, text: &str, span: std::ops::Range<usize>, message: &str) -> String {
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{file}:{line}:{col}: {message}")
}

/// Reads a batch file; every problem found, each at its line and column.
pub fn read(path: &Path, today: chrono::NaiveDate) -> Result<Batch, Vec<String>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| vec![format!("{file}: {e}")])?;
    let raw: RawBatch = toml::from_str(&text).map_err(|e| {
        vec![match e.span() {
            Some(span) => at(&file, &text, span, e.message()),
            None => format!("{file}: {}", e.message()),
        }]
    })?;
    // Paths are relative to the batch file (its folder, or none for a file named bare).
    let base = path.parent().unwrap_or(Path::new(""));
    let mut problems = Vec::new();
    if raw.run.is_empty() {
        problems.push(msg!("cmd-run-batch-names-least-one", file = file));
    }
    let mut say = |span: std::ops::Range<usize>, m: String| problems.push(at(&file, &text, span, &m));
    let archive = base.join(raw.archive.as_ref().map_or("archive", |a| a.get_ref().as_str()));
    let mut jobs: Vec<Job> = Vec::new();
    for r in &raw.run {
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            say(r.name.span(), msg!("batch-name-blank"));
            continue;
        }
        if jobs.iter().any(|j| j.name == name) {
            say(r.name.span(), msg!("cmd-name-given-twice-each-run", name = name));
            continue;
        }
        let kind = match r.kind.get_ref().as_str() {
            "month" => PeriodKind::Month,
            "quarter" => PeriodKind::Quarter,
            "year" => PeriodKind::Year,
            other => {
                say(
                    r.kind.span(),
                    msg!("cmd-kind-expected-month-quarter-year", other = other),
                );
                continue;
            }
        };
        let period = match &r.period {
            None => Period::last_completed(kind, today),
            Some(p) => match Period::parse(kind, p.get_ref()) {
                Ok(p) => p,
                Err(e) => {
                    say(p.span(), format!("period: {e}"));
                    continue;
                }
            },
        };
        if r.scheme.is_some() == r.rules.is_some() {
            say(r.name.span(), msg!("cmd-run-give-scheme-built-rule", name = name));
            continue;
        }
        if let Some(h) = &r.history_from {
            if Period::parse_any(h.get_ref()).is_none() {
                say(h.span(), msg!("cmd-history-from-period-like-q", h = h.get_ref()));
                continue;
            }
        }
        let input: Vec<PathBuf> = match r.input.get_ref() {
            Paths::One(p) => vec![base.join(p)],
            Paths::Many(ps) => ps.iter().map(|p| base.join(p)).collect(),
        };
        if let Some(missing) = input.iter().find(|p| !p.exists()) {
            say(
                r.input.span(),
                msg!("cmd-input-does-exist", missing = missing.display()),
            );
            continue;
        }
        jobs.push(Job {
            name,
            scheme: r.scheme.clone(),
            rules: r.rules.as_ref().map(|p| base.join(p)),
            kind,
            period,
            input,
            history_from: r.history_from.as_ref().map(|h| h.get_ref().clone()),
        });
    }
    if problems.is_empty() {
        Ok(Batch { archive, jobs })
    } else {
        Err(problems)
    }
}

/// What became of one run.
#[derive(Debug, Clone)]
pub enum Status {
    Done(crate::pipeline::Done),
    /// Already done: its folder holds a run of the same inputs and rule set.
    Skipped {
        out: PathBuf,
    },
    /// The first error, in one line.
    Failed {
        out: PathBuf,
        error: String,
    },
}

impl Status {
    pub fn label(&self) -> &'static str {
        match self {
            Status::Done(_) => "完成",
            Status::Skipped { .. } => "跳过",
            Status::Failed { .. } => "失败",
        }
    }
}

/// Whether the run folder `out` already holds this run: a manifest of the same scheme, period
/// and rule set whose inputs are the files there now, byte for byte. `Err` names what changed
/// when the folder holds a run of other inputs or rules.
pub fn already_done(out: &Path, job: &Job, rules_sha: &str) -> Result<bool, String> {
    let Ok(m) = crate::archive::read(out) else {
        return Ok(false);
    };
    if m.rules.sha256 != rules_sha {
        return Err(msg!(
            "cmd-holds-run-scored-another-rule",
            out = out.display(),
            version = m.rules.version
        ));
    }
    let mut changed = Vec::new();
    // The files the run would read, found as the run finds them; inputs it could not list are
    // left to the run, which says why.
    let Ok(files) = crate::input::discover(&job.input) else {
        return Ok(false);
    };
    let mut seen = Vec::new();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            changed.push(format!("{} (unreadable)", f.display()));
            continue;
        };
        let sha = crate::digest::sha256_hex(&bytes);
        let name = f.display().to_string();
        if m.inputs.iter().any(|i| i.sha256 == sha) {
            seen.push(sha);
        } else if !m.skipped.iter().any(|s| s.starts_with(&name)) {
            changed.push(name);
        }
    }
    for i in &m.inputs {
        if !seen.contains(&i.sha256) {
            changed.push(msg!("cmd-gone-changed", original = i.original));
        }
    }
    if changed.is_empty() {
        Ok(true)
    } else {
        changed.sort();
        changed.dedup();
        Err(msg!(
            "cmd-holds-run-other-inputs-changed",
            out = out.display(),
            list = changed.join(", ")
        ))
    }
}

/// The summary's header and one row per run.
fn summary_rows(jobs: &[Job], done: &[Status]) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let header = vec![
        "名称",
        "方案",
        "期间",
        "状态",
        "人数",
        "否决",
        "发放合计",
        "文件夹",
        "首个错误",
    ];
    let rows = jobs
        .iter()
        .zip(done)
        .map(|(j, s)| {
            let scheme = j
                .scheme
                .clone()
                .unwrap_or_else(|| j.rules.as_ref().map(|r| r.display().to_string()).unwrap_or_default());
            let (subjects, vetoed, pay, out, error) = match s {
                Status::Done(d) => (
                    d.subjects.to_string(),
                    d.vetoed.to_string(),
                    d.pay.map(crate::num::show_money).unwrap_or_default(),
                    d.out.display().to_string(),
                    String::new(),
                ),
                Status::Skipped { out } => (
                    String::new(),
                    String::new(),
                    String::new(),
                    out.display().to_string(),
                    String::new(),
                ),
                Status::Failed { out, error } => (
                    String::new(),
                    String::new(),
                    String::new(),
                    out.display().to_string(),
                    error.clone(),
                ),
            };
            vec![
                j.name.clone(),
                scheme,
                j.period.to_string(),
                s.label().to_string(),
                subjects,
                vetoed,
                pay,
                out,
                error,
            ]
        })
        .collect();
    (header, rows)
}

/// `batch-summary.csv`: UTF-8 with a BOM, each text guarded against formula injection.
pub fn summary_csv(jobs: &[Job], done: &[Status]) -> Vec<u8> {
    let (header, rows) = summary_rows(jobs, done);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(&header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| crate::output::csv_out::guarded(c)));
    }
    w.into_inner().unwrap_or_default()
}

/// `batch-summary.xlsx`: the same, printable.
pub fn summary_xlsx(jobs: &[Job], done: &[Status]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let (header, rows) = summary_rows(jobs, done);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let rows = rows
        .into_iter()
        .map(|r| r.into_iter().map(Cell::text).collect())
        .collect();
    sheet::add(
        &mut wb,
        &Table {
            rows,
            key_columns: 1,
            ..Table::new(
                "批量运行",
                "批量运行汇总".into(),
                header.into_iter().map(String::from).collect(),
            )
        },
    )?;
    wb.save_to_buffer()
}
