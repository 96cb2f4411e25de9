//! Command-line arguments as typed, before validation (which `cmd` does).
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gridscore",
    version,
    about = "网格员绩效考核: score grid workers from the office's sheets by a township's rule set"
)]
pub struct Cli {
    /// The language of help and messages: zh (the default) or en; without it, an English
    /// locale (LANG=en_US.UTF-8) chooses English.
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line with its help in the language it asks for (`--lang`, else the
    /// locale): the language must be known before clap renders any help.
    pub fn parse_localized() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let flag = args.iter().enumerate().find_map(|(i, a)| {
            let a = a.to_str()?;
            match a.strip_prefix("--lang") {
                Some("") => args.get(i + 1).and_then(|v| v.to_str()).map(String::from),
                Some(rest) => rest.strip_prefix('=').map(String::from),
                None => None,
            }
        });
        crate::i18n::set(
            flag.as_deref()
                .and_then(crate::i18n::Lang::parse)
                .unwrap_or_else(crate::i18n::Lang::from_env),
        );
        let matches = crate::i18n::localized(Cli::command()).get_matches_from(args);
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Score a quarter: grades, quota, and the quarter's pay (季度考核).
    Quarter(RunArgs),
    /// Score a month and its monthly pay (月度考核).
    Month(RunArgs),
    /// Score a year (年度考核), for schemes that define one.
    Year(RunArgs),
    /// List the built-in rule sets.
    Schemes,
    /// Write a realistic sample input for a rule set (for trying gridscore, and the benchmark).
    Sample(SampleArgs),
    /// Run every township's appraisal of a batch file (the month-end job), each on its own.
    Batch(BatchArgs),
    /// Write blank input workbooks for a rule set and period (台账模板), with drop-down lists.
    Template(TemplateArgs),
    /// Validate a rule-set file and report every error with its line and column.
    Check {
        /// The rule-set TOML file.
        file: PathBuf,
    },
    /// Re-run an archived run folder and compare every output byte (exit 1 on a difference).
    Verify {
        /// A run folder (out/<scheme>-<period>).
        run: PathBuf,
    },
    /// Record who approved a run and when (审批); an approved run is final.
    Approve {
        /// A run folder (out/<scheme>-<period>).
        run: PathBuf,
        /// Who approves (审核人).
        #[arg(long, value_name = "NAME")]
        by: String,
        /// A note kept with the approval (会议, 文号 …).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Compare two runs subject by subject, and their inputs row by row.
    Diff {
        a: PathBuf,
        b: PathBuf,
        /// Also write the comparison as a workbook.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
    },
    /// Show how one subject's numbers were derived, from a run folder.
    Explain {
        run: PathBuf,
        /// The subject's 编号.
        id: String,
    },
    /// Run a rule set's test cases: small inputs with expected results, written in TOML.
    Test {
        /// A built-in scheme name, or a rule-set TOML file.
        ruleset: String,
        /// The cases file. Default: the built-in cases, or <stem>.tests.toml beside the file.
        #[arg(long, value_name = "FILE")]
        cases: Option<PathBuf>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Built-in scheme name (see `gridscore schemes`).
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// A rule-set file to use instead of a built-in scheme.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The period: 2026Q3, 2026-07 or 2026. Default: the last completed one.
    #[arg(long)]
    pub period: Option<String>,
    /// Input folders or files (workbooks, CSV). Default: the current folder.
    #[arg(long, value_name = "DIR|FILE", num_args = 1..)]
    pub input: Vec<PathBuf>,
    /// Output folder. Default: out/<scheme>-<period>/.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A duty-day calendar file instead of the rule set's built-in one.
    #[arg(long, value_name = "FILE")]
    pub calendar: Option<PathBuf>,
    /// Replace an existing run folder (the whole set, at once).
    #[arg(long)]
    pub force: bool,
    /// Where earlier runs are (for rules that look back). Default: the output folder's parent.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// The first period gridscore scored this scheme: earlier runs are not looked for, and a
    /// look-back rule that needs them cannot fire. Without it, a missing earlier run is an error.
    #[arg(long, value_name = "PERIOD")]
    pub history_from: Option<String>,
    /// Print nothing but errors (for cron).
    #[arg(long, short)]
    pub quiet: bool,
    /// Correct this approved run folder: the new set goes to its own folder (default: beside it,
    /// <RUN_DIR>-更正1) with corrections-<period>.xlsx, each worker's 补发 or 扣回; its bank
    /// file pays only the differences.
    #[arg(long, value_name = "RUN_DIR")]
    pub corrects: Option<PathBuf>,
}

/// A command line that parsed but cannot be run as given (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

#[derive(Args, Debug, Clone)]
pub struct BatchArgs {
    /// The batch file (TOML): the archive folder and a [[run]] per township.
    pub file: PathBuf,
    /// Runs at a time [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Re-score runs already done, and replace runs whose inputs changed since.
    #[arg(long)]
    pub force: bool,
    /// Print only the failed runs' errors (for cron).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct TemplateArgs {
    /// Built-in scheme name.
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// A rule-set file instead.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The period the sheets are for: 2026Q3, 2026-07 or 2026 [default: the last completed
    /// period of the scheme's first kind of run].
    #[arg(long)]
    pub period: Option<String>,
    /// Last period's roster (a workbook with a 花名册 sheet, or 花名册.csv): its rows are
    /// copied into the new roster.
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
    /// Output folder [default: <scheme>-template]; the template is 台账-<period>.xlsx in it,
    /// never written over an existing file.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct SampleArgs {
    /// Built-in scheme name.
    #[arg(long, value_name = "NAME")]
    pub scheme: Option<String>,
    /// A rule-set file instead.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// The period: 2026Q3, 2026-07 or 2026 [default: the last completed period of the
    /// scheme's first kind of run].
    #[arg(long)]
    pub period: Option<String>,
    /// town (150 workers), county (5,000), province (50,000), or a number of workers.
    #[arg(long, default_value = "town")]
    pub size: String,
    /// Write one CSV per sheet instead of a workbook (needed past Excel's 1,048,576 rows).
    #[arg(long)]
    pub csv: bool,
    /// Seed of the generator: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder [default: <scheme>-sample]; an existing folder must be empty.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}
