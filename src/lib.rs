//! gridscore: township grid-worker appraisals from the office's own sheets.
//!
//! The data flows one way: `rules` (TOML → validated rule set) yields a read plan that
//! `input` takes (sheets → typed records; input never looks into the rules); `measure` (one
//! file per measure kind) turns each worker's records into values; `engine` scores, grades and
//! pays them with traces, which `output` renders (workbooks, CSV). `cmd` holds one module per
//! subcommand. The README's "Architecture" section draws the stages.
// First, so that `msg!` is in scope in every module after it.
#[macro_use]
pub mod i18n;
pub mod alloc;
pub mod archive;
pub mod audit;
pub mod batch;
pub mod bucket;
pub mod calendar;
pub mod cli;
pub mod cmd;
pub mod columns;
pub mod compare;
pub mod contract;
pub mod cores;
pub mod digest;
pub mod engine;
pub mod grading;
pub mod in_post;
pub mod input;
pub mod interrupt;
pub mod measure;
pub mod num;
pub mod output;
pub mod past;
pub mod payment;
pub mod period;
pub mod pipeline;
pub mod positioned;
pub mod progress;
pub mod rules;
pub mod sample;
pub mod scoring;
pub mod spelling;
pub mod template;
pub mod trace;
pub mod veto;

/// Runs one command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    match cli.command {
        cli::Command::Quarter(a) => cmd::score::run(period::PeriodKind::Quarter, a),
        cli::Command::Month(a) => cmd::score::run(period::PeriodKind::Month, a),
        cli::Command::Year(a) => cmd::score::run(period::PeriodKind::Year, a),
        cli::Command::Schemes => cmd::schemes::run(),
        cli::Command::Sample(a) => cmd::sample::run(a),
        cli::Command::Template(a) => cmd::template::run(a),
        cli::Command::Batch(a) => cmd::batch::run(a),
        cli::Command::Check { file } => cmd::check::run(&file),
        cli::Command::Test { ruleset, cases } => cmd::test::run(&ruleset, &cases),
        cli::Command::Verify { run } => cmd::verify::run(&run),
        cli::Command::Approve { run, by, note } => cmd::approve::run(&run, &by, &note),
        cli::Command::Diff { a, b, xlsx } => cmd::diff::run(&a, &b, &xlsx),
        cli::Command::Explain { run, id } => cmd::explain::run(&run, &id),
    }
}
