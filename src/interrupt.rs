//! SIGINT / SIGTERM / SIGHUP: the run stops at its next step boundary, removes what it had
//! started to write, and leaves the previous run folder as it was.
//!
//! The handler only sets a flag; the reading, scoring and writing steps check it. A second
//! signal exits at once: that is safe too, because nothing is ever written in place (see
//! `output::atomic`), at worst a temporary folder is left for the next run to clean.
use std::sync::atomic::{AtomicUsize, Ordering};

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

/// The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_CODE: u8 = 130;

#[derive(Debug, thiserror::Error)]
#[error("{}", msg!("interrupted"))]
pub struct Interrupted;

/// Installs the handler. Failing to install it (a handler already set by an embedding
/// program) is harmless: signals then end the process, which the atomic writer survives.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if SIGNALS.fetch_add(1, Ordering::SeqCst) >= 1 {
            std::process::exit(i32::from(EXIT_CODE));
        }
    });
}

pub fn requested() -> bool {
    SIGNALS.load(Ordering::SeqCst) > 0
}

/// `Err(Interrupted)` once a signal has arrived.
pub fn check() -> Result<(), Interrupted> {
    if requested() {
        Err(Interrupted)
    } else {
        Ok(())
    }
}
