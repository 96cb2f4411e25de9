use std::process::ExitCode;

fn main() -> ExitCode {
    // `gridscore diff … | head`: a closed pipe ends the process quietly, as it does any Unix
    // tool, instead of making `println!` panic.
    #[cfg(unix)]
    // SAFETY: resetting a signal's disposition to its default at start-up, before any thread.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    gridscore::alloc::keep_freed_memory();
    let cli = gridscore::cli::Cli::parse_localized();
    gridscore::interrupt::install();
    match gridscore::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{} {e:#}", gridscore::i18n::t("error-prefix"));
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
