use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = gridscore::cli::Cli::parse();
    match gridscore::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<gridscore::cli::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
