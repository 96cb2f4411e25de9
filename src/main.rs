use clap::Parser;
use std::process::ExitCode;

// mimalloc: a province's run allocates and frees tens of millions of small blocks on both
// cores (cells, records, trace lines); glibc's allocator spent about a sixth of the run's CPU
// time on them and on returning pages it then had to fault back in.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
