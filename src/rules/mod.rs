//! Rule sets: TOML text → validated [`RuleSet`].
//!
//! `raw` is the TOML as written, `validate` checks it and resolves every name to an index,
//! `model` is what the engine runs. Errors carry the file and a line:column.
pub mod builtin;
mod items;
pub mod model;
mod pay;
pub mod raw;
pub mod validate;

pub use model::*;

use std::fmt;
use std::path::Path;

/// Every problem found in one rule set, each positioned in its source.
#[derive(Debug, thiserror::Error)]
pub struct RuleErrors {
    pub source_name: String,
    pub problems: Vec<(Option<(usize, usize)>, String)>,
}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{}", msg!("rs-errors-heading", name = self.source_name, count = n))?;
        for (pos, msg) in &self.problems {
            match pos {
                Some((l, c)) => write!(f, "\n  {}:{l}:{c}: {msg}", self.source_name)?,
                None => write!(f, "\n  {}: {msg}", self.source_name)?,
            }
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let upto = &text[..end];
    let line = upto.matches('\n').count() + 1;
    let col = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

pub use crate::digest::sha256_hex;

/// Parses and validates rule-set text. `source_name` names it in messages.
pub fn parse(text: &str, source_name: &str) -> Result<RuleSet, RuleErrors> {
    let fail = |problems| RuleErrors {
        source_name: source_name.to_string(),
        problems,
    };
    let raw: raw::RawRuleSet = toml::from_str(text).map_err(|e| {
        let pos = e.span().map(|s| line_col(text, s.start));
        fail(vec![(pos, crate::positioned::serde_message(e.message().trim()))])
    })?;
    let mut rules = validate::validate(raw, source_name.to_string(), sha256_hex(text.as_bytes())).map_err(|ps| {
        fail(
            ps.into_iter()
                .map(|p| (p.span.map(|s| line_col(text, s.start)), p.message))
                .collect(),
        )
    })?;
    rules.text = text.to_string();
    Ok(rules)
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", msg!("rs-unknown-scheme", name = name, near = near, known = known))]
    UnknownScheme { name: String, near: String, known: String },
    // The OS error follows in the error chain (`main` prints it with `{:#}`), once.
    #[error("{}", msg!("rs-cannot-read", path = path))]
    Read { path: String, source: std::io::Error },
    #[error(transparent)]
    Invalid(#[from] RuleErrors),
    #[error("{}", msg!("rs-not-in-force", name = name, day = day, versions = versions))]
    NotInForce {
        name: String,
        day: String,
        versions: String,
    },
}

/// Every built-in rule set: each file of `rulesets/` is a version of the scheme it names.
/// Parsed once a process (a batch's runs each load one: twenty towns parsed every version of
/// every scheme twenty times) and given out as copies.
pub fn builtin_all() -> Result<Vec<RuleSet>, LoadError> {
    static PARSED: std::sync::OnceLock<Vec<RuleSet>> = std::sync::OnceLock::new();
    if let Some(all) = PARSED.get() {
        return Ok(all.clone());
    }
    let all: Vec<RuleSet> = builtin::RULESETS
        .iter()
        .map(|(stem, text)| Ok(parse(text, &format!("rulesets/{stem}.toml"))?))
        .collect::<Result<_, LoadError>>()?;
    // A built-in that does not parse is an error each time it is asked for, never kept.
    Ok(PARSED.get_or_init(|| all).clone())
}

/// The names of the built-in schemes, each once.
pub fn builtin_names() -> Vec<String> {
    let mut names: Vec<String> = builtin_all()
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.meta.name)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The test cases shipped for a built-in scheme (`rulesets/tests/<name>.toml`).
pub fn builtin_cases(name: &str) -> Option<&'static str> {
    builtin::CASES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The latest version of a built-in scheme.
pub fn load_builtin(name: &str) -> Result<RuleSet, LoadError> {
    version_on(builtin_all()?, name, None)
}

/// The version of the scheme `name` in force on `day` (the latest `effective_from` on or
/// before it), or with no day the latest version.
pub fn version_on(versions: Vec<RuleSet>, name: &str, day: Option<chrono::NaiveDate>) -> Result<RuleSet, LoadError> {
    let mut names: Vec<String> = versions.iter().map(|r| r.meta.name.clone()).collect();
    names.sort();
    names.dedup();
    let mut of_name: Vec<RuleSet> = versions.into_iter().filter(|r| r.meta.name == name).collect();
    if of_name.is_empty() {
        let near = crate::spelling::nearest(name, names.iter().map(String::as_str));
        return Err(LoadError::UnknownScheme {
            name: name.to_string(),
            near: near.map(|n| msg!("rs-did-you-mean", n = n)).unwrap_or_default(),
            known: names.join(", "),
        });
    }
    of_name.sort_by_key(|r| r.meta.effective_from);
    let listed: Vec<String> = of_name
        .iter()
        .map(|r| {
            msg!(
                "rs-force-from",
                version = r.meta.version,
                effective_from = r.meta.effective_from
            )
        })
        .collect();
    let chosen = match day {
        None => of_name.pop(),
        Some(d) => of_name.into_iter().rev().find(|r| r.meta.effective_from <= d),
    };
    chosen.ok_or_else(|| LoadError::NotInForce {
        name: name.to_string(),
        day: day.map(|d| d.to_string()).unwrap_or_default(),
        versions: listed.join(", "),
    })
}

/// Every version in a folder of rule-set files (`*.toml`, not `*.tests.toml`).
pub fn load_dir(dir: &Path) -> Result<Vec<RuleSet>, LoadError> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| LoadError::Read {
            path: dir.display().to_string(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            n.ends_with(".toml") && !n.ends_with(".tests.toml")
        })
        .collect();
    files.sort();
    files.iter().map(|f| load_file(f)).collect()
}

pub fn load_file(path: &Path) -> Result<RuleSet, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok(parse(&text, &path.display().to_string())?)
}
