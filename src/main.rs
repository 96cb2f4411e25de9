use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    gridscore::alloc::keep_freed_memory();
    let cli = gridscore::cli::Cli::parse();
    gridscore::interrupt::install();
    match gridscore::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<gridscore::cli::UsageError>().is_some() {
                ExitCode::from(2)
            } else if gridscore::interrupt::requested() {
                ExitCode::from(gridscore::interrupt::EXIT_CODE)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
