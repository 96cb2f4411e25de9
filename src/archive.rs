//! A run folder is an archive: besides the workbooks and CSV files it holds `run.toml` (the
//! manifest), `rules.toml` (the rule set's exact text), `calendar.toml` and `inputs/` (copies
//! of every input file). An auditor with the folder and the gridscore binary can re-run it
//! (`gridscore verify`), explain a number (`gridscore explain`) and compare it with another run
//! (`gridscore diff`), whatever became of the clerk's working files since.
use crate::input::records::Param;
use crate::rules::sha256_hex;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "run.toml";
pub const RULES: &str = "rules.toml";
pub const CALENDAR: &str = "calendar.toml";
pub const INPUTS: &str = "inputs";
/// In an approved run folder: who approved it, when, and the files made final.
pub const APPROVAL: &str = "approval.toml";

/// An approval, as `gridscore approve` records it.
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub by: String,
    /// Local time, RFC 3339.
    pub at: String,
    #[serde(default)]
    pub note: String,
    pub gridscore: String,
    /// The SHA-256 of the run's manifest as approved.
    pub manifest_sha256: String,
    /// The files made final (the 公示 notice and the bank file), each with its SHA-256.
    #[serde(default, rename = "final")]
    pub final_files: Vec<OutputEntry>,
}

/// A run folder's approval, if it has one.
pub fn read_approval(dir: &Path) -> anyhow::Result<Option<Approval>> {
    let path = dir.join(APPROVAL);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
}

/// Beside the run folders: the first period each scheme was scored in this archive.
pub const HISTORY_FROM: &str = "history-from.toml";

/// The history-from file: scheme → the first period it was scored here.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HistoryFrom {
    #[serde(default)]
    first: std::collections::BTreeMap<String, String>,
}

fn read_history_from(root: &Path) -> anyhow::Result<HistoryFrom> {
    let path = root.join(HISTORY_FROM);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(HistoryFrom::default()),
        Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
}

/// The first period `scheme` was scored in the archive at `root`, as a run given
/// `--history-from` recorded it; `None` when none did.
pub fn remembered_history_from(root: &Path, scheme: &str) -> anyhow::Result<Option<crate::period::Period>> {
    let h = read_history_from(root)?;
    match h.first.get(scheme) {
        None => Ok(None),
        Some(p) => crate::period::Period::parse_any(p).map(Some).ok_or_else(|| {
            anyhow::anyhow!(
                "{}",
                msg!(
                    "cmd-period-like-q-2",
                    list = root.join(HISTORY_FROM).display(),
                    scheme = scheme,
                    p = p
                )
            )
        }),
    }
}

/// Records that `scheme` was first scored here in `from` (the last `--history-from` given
/// wins), written whole ([`crate::output::atomic::write_file`]).
pub fn remember_history_from(root: &Path, scheme: &str, from: &crate::period::Period) -> anyhow::Result<()> {
    let mut h = read_history_from(root)?;
    let text = from.to_string();
    if h.first.get(scheme) == Some(&text) {
        return Ok(());
    }
    h.first.insert(scheme.to_string(), text);
    let body = format!(
        "# gridscore: the first period each scheme was scored in this archive (from --history-from).\n\
         # A run here looks for no earlier run than this; edit or delete a line to change that.\n\n{}",
        toml::to_string(&h)?
    );
    let path = root.join(HISTORY_FROM);
    // The archive is where this scheme's runs will be looked for: a first run names it before
    // it exists (`--archive archive --history-from 2026-07` with the run folder elsewhere).
    let written =
        std::fs::create_dir_all(root).and_then(|()| crate::output::atomic::write_file(&path, body.as_bytes(), false));
    written.map_err(|e| {
        let file = path.display().to_string();
        anyhow::anyhow!("{}", msg!("archive-history-from-unwritable", e = e, file = file))
    })
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The gridscore version that wrote the run.
    pub gridscore: String,
    /// `month`, `quarter` or `year`.
    pub run: String,
    pub period: String,
    pub scheme: String,
    pub rules: RulesEntry,
    pub calendar: CalendarEntry,
    #[serde(default)]
    pub params: Vec<ParamEntry>,
    pub inputs: Vec<InputEntry>,
    pub outputs: Vec<OutputEntry>,
    /// Earlier runs a look-back rule read (their scores, archived here).
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// Files given that held no sheet the rule set reads: not read, not archived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// The approved run this run corrects (`--corrects`), copied under [`CORRECTS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<CorrectsEntry>,
}

/// In a correction's run folder: the approved run it corrects, as copied there (its manifest
/// and approval, its scores.csv and payouts.csv, its archived inputs), so that the correction
/// re-runs from its own folder.
pub const CORRECTS: &str = "corrects";

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CorrectsEntry {
    /// The approved run folder, as the correction was given it.
    pub original: String,
    pub approved_by: String,
    pub approved_at: String,
    /// The approved manifest's SHA-256, as its approval records it.
    pub manifest_sha256: String,
    /// The files copied under `corrects/`, each with its SHA-256.
    pub files: Vec<OutputEntry>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    pub period: String,
    /// The archived copy of that run's results (`history/<scheme>-<period>.toml`; `.csv`, its
    /// scores.csv, for a run folder written before results files), relative to this run folder.
    pub file: String,
    /// The run folder it was read from.
    pub original: String,
    pub sha256: String,
}

/// An earlier run as look-back rules read it, from its results file (`file` ending `.toml`)
/// or, for a run folder written before results files, its scores.csv. `file` names it in
/// messages.
pub fn read_past(
    period: crate::period::Period,
    file: &str,
    bytes: &[u8],
    rules: &crate::rules::RuleSet,
) -> Result<crate::past::PastRun, Vec<String>> {
    let summed = rules.summed_over(period.kind);
    if file.ends_with(".toml") {
        let text = std::str::from_utf8(bytes).map_err(|e| vec![msg!("past-results-unreadable", file = file, e = e)])?;
        return crate::past::Results::read(text, file, &rules.meta.name, period, &summed);
    }
    // scores.csv records flags by label: read back to the ids of the flags that carry them now
    // (a label reworded since cannot be matched, which is why results files record ids).
    let mut run = past_run(period, file, bytes, &summed)?;
    for s in run.subjects.values_mut() {
        s.flags = s
            .flags
            .iter()
            .filter_map(|label| rules.flags.iter().find(|f| f.label == *label).map(|f| f.id.clone()))
            .collect();
    }
    Ok(run)
}

/// An earlier run's scores as look-back rules read them: subject → grade, flag labels and the
/// values of the items this run sums over such runs (`summed`), typed here. Each summed item
/// must be a column of it; every problem is named (file, row, column, the value found), none
/// becomes a 0. `file` names it in messages; columns no rule reads are left alone.
fn past_run(
    period: crate::period::Period,
    file: &str,
    scores_csv: &[u8],
    summed: &[String],
) -> Result<crate::past::PastRun, Vec<String>> {
    let body = scores_csv.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(scores_csv);
    let mut r = csv::Reader::from_reader(body);
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return Err(vec![msg!("cmd-scores-csv-gridscore-can-read", file = file, e = e)]),
    };
    let mut problems = Vec::new();
    for path in summed {
        if !header.contains(path) {
            problems.push(msg!(
                "cmd-has-column-which-run-sums",
                file = file,
                path = path,
                kind = period.kind.name()
            ));
        }
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let (id_at, grade_at, flags_at) = (col("id"), col("grade"), col("flags"));
    let summed_at: Vec<(&String, Option<usize>)> = summed.iter().map(|p| (p, col(p))).collect();
    let mut subjects = std::collections::BTreeMap::new();
    for (n, rec) in r.records().enumerate() {
        // Row 1 is the header.
        let row = n + 2;
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                problems.push(msg!("cmd-row-cannot-read", file = file, row = row, e = e));
                continue;
            }
        };
        let cell = |at: Option<usize>| {
            at.and_then(|i| rec.get(i))
                .map(|f| crate::output::csv_out::unguarded(f).to_string())
                .unwrap_or_default()
        };
        let mut subject = crate::past::PastSubject {
            grade: cell(grade_at),
            flags: cell(flags_at)
                .split(';')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect(),
            values: std::collections::BTreeMap::new(),
        };
        for &(name, at) in &summed_at {
            let text = cell(at);
            if text.is_empty() {
                continue;
            }
            match crate::num::parse_decimal(&text) {
                Some(v) => {
                    subject.values.insert(name.clone(), v);
                }
                None => problems.push(msg!(
                    "cmd-row-column-found-expected-number",
                    file = file,
                    row = row,
                    name = name,
                    text = text
                )),
            }
        }
        let id = cell(id_at);
        if !id.is_empty() {
            subjects.insert(id, subject);
        }
    }
    if problems.is_empty() {
        Ok(crate::past::PastRun { period, subjects })
    } else {
        Err(problems)
    }
}

/// The earlier runs of `scheme` a run of `period` looks back on, read from `root`
/// (`<root>/<scheme>-<period>/results.toml`, or the scores.csv of a folder written before
/// results files). Every missing one is named.
pub fn load_history(
    root: &Path,
    rules: &crate::rules::RuleSet,
    periods: &[crate::period::Period],
) -> Result<Vec<(crate::past::PastRun, HistoryEntry, PathBuf)>, String> {
    let scheme = &rules.meta.name;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    for p in periods {
        let dir = root.join(format!("{scheme}-{p}"));
        let (file, ext) = match dir.join(crate::past::RESULTS) {
            f if f.is_file() => (f, "toml"),
            _ => (dir.join("scores.csv"), "csv"),
        };
        match std::fs::read(&file) {
            Ok(bytes) => out.push((
                match read_past(*p, &file.display().to_string(), &bytes, rules) {
                    Ok(run) => run,
                    Err(problems) => {
                        unreadable.extend(problems);
                        continue;
                    }
                },
                HistoryEntry {
                    period: p.to_string(),
                    file: format!("history/{scheme}-{p}.{ext}"),
                    original: dir.display().to_string(),
                    sha256: sha256_hex(&bytes),
                },
                file,
            )),
            Err(_) => missing.push(format!("{p} ({})", dir.display())),
        }
    }
    if !unreadable.is_empty() {
        return Err(format!("{}\n  {}", msg!("history-unreadable"), unreadable.join("\n  ")));
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(msg!(
            "cmd-rule-looks-back-earlier-runs",
            scheme = scheme,
            list = missing.join(", ")
        ))
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RulesEntry {
    /// Where the rule set came from, as the run's 说明 sheet names it.
    pub source: String,
    pub name: String,
    pub version: String,
    pub effective_from: String,
    pub sha256: String,
    /// The archived copy, relative to the run folder.
    pub file: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CalendarEntry {
    /// As the run's 说明 sheet names it.
    pub name: String,
    pub file: String,
    pub sha256: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ParamEntry {
    pub name: String,
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    pub value: String,
    /// `参数!3`.
    pub row: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InputEntry {
    /// Runs written before extracts: the archived copy of the whole file, relative to the
    /// run folder (`inputs/考勤.xlsx`). Empty in newer runs, which archive `extracts`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// The path the run was given.
    pub original: String,
    /// The SHA-256 of the file as it was read (the one the 说明 sheet shows).
    pub sha256: String,
    pub sheets: Vec<String>,
    /// Each sheet read from the file, as the run read it (`crate::input::extract`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extracts: Vec<ExtractEntry>,
}

/// A sheet's extract in the archive.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ExtractEntry {
    pub sheet: String,
    /// Relative to the run folder (`inputs/考勤.cells.csv`).
    pub file: String,
    pub sha256: String,
}

impl InputEntry {
    /// The archived files that stand for this input, with their SHA-256.
    pub fn archived(&self) -> Vec<(String, String)> {
        if self.extracts.is_empty() {
            vec![(self.file.clone(), self.sha256.clone())]
        } else {
            self.extracts
                .iter()
                .map(|x| (x.file.clone(), x.sha256.clone()))
                .collect()
        }
    }
}

/// The archive's name of a sheet's extract.
pub fn extract_name(sheet: &str) -> String {
    format!("{INPUTS}/{sheet}{}", crate::input::extract::SUFFIX)
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutputEntry {
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{}", msg!("archive-not-a-run", dir = .0, manifest = MANIFEST))]
    NotARun(String),
    #[error("{}", msg!("archive-cannot-read", path = path, error = source))]
    Read { path: String, source: std::io::Error },
    #[error("{}", msg!("archive-bad-manifest", path = path, message = message))]
    Bad { path: String, message: String },
}

/// Reads a run folder's manifest.
pub fn read(dir: &Path) -> Result<Manifest, ArchiveError> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Err(ArchiveError::NotARun(dir.display().to_string()));
    }
    let text = std::fs::read_to_string(&path).map_err(|source| ArchiveError::Read {
        path: path.display().to_string(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| ArchiveError::Bad {
        path: path.display().to_string(),
        message: e.message().to_string(),
    })
}

/// Reads a file of a run folder.
pub fn read_file(dir: &Path, name: &str) -> Result<Vec<u8>, ArchiveError> {
    let path = dir.join(name);
    std::fs::read(&path).map_err(|source| ArchiveError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// The archived name of each input, in order: `inputs/<file name>`, numbered when two inputs
/// share a name (two folders' 花名册.xlsx).
pub fn input_names(originals: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(originals.len());
    for (k, p) in originals.iter().enumerate() {
        let base = p
            .file_name()
            .map_or_else(|| format!("input-{}", k + 1), |n| n.to_string_lossy().into_owned());
        let mut name = format!("{INPUTS}/{base}");
        if out.contains(&name) {
            name = format!("{INPUTS}/{}-{base}", k + 1);
        }
        out.push(name);
    }
    out
}

pub fn params(params: &[Param]) -> Vec<ParamEntry> {
    params
        .iter()
        .map(|p| ParamEntry {
            name: p.name.clone(),
            period: p.period.map(|x| x.to_string()),
            scope: p.scope.clone(),
            value: p.value.clone(),
            row: p.src.to_string(),
        })
        .collect()
}

pub fn output_entry(name: &str, bytes: &[u8]) -> OutputEntry {
    OutputEntry {
        file: name.to_string(),
        sha256: sha256_hex(bytes),
    }
}

impl Manifest {
    /// Every file of the run folder, relative to it, with the SHA-256 the manifest records
    /// (none for the manifest itself): what gridscore wrote there and nothing else. An output
    /// folder holding anything more, or a file changed since, is not gridscore's to replace.
    pub fn files(&self) -> Vec<(String, Option<String>)> {
        let mut v = vec![
            (MANIFEST.to_string(), None),
            (self.rules.file.clone(), Some(self.rules.sha256.clone())),
            (self.calendar.file.clone(), Some(self.calendar.sha256.clone())),
        ];
        v.extend(
            self.inputs
                .iter()
                .flat_map(|i| i.archived())
                .map(|(f, sha)| (f, Some(sha))),
        );
        v.extend(self.outputs.iter().map(|o| (o.file.clone(), Some(o.sha256.clone()))));
        v.extend(self.history.iter().map(|h| (h.file.clone(), Some(h.sha256.clone()))));
        v
    }

    pub fn to_toml(&self) -> String {
        // A manifest is plain data: serialising it cannot fail.
        let body = toml::to_string(self).unwrap_or_default();
        format!("# gridscore run manifest: what produced this folder, enough to re-run it.\n# `gridscore verify <this folder>` re-runs it and compares every byte.\n\n{body}")
    }
}
