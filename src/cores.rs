//! How many threads a run's parallel steps use: the machine's cores, or, in a batch running
//! several runs at once, each run's share of them.
//!
//! Why a share: a run is parallel inside (its sheets read, its workers scored, its workbooks
//! deflated on every core), so a batch running two runs at once on two cores ran four
//! threads, each run waiting on the other's for a core. A small run spends much of its time
//! where it cannot use two cores, and two of them at once on a thread each kept both cores
//! busy. The share only decides how work is split; a run's bytes are the same for any number
//! of threads.
use std::sync::atomic::{AtomicUsize, Ordering};

/// The threads a run may use; 0 for every core.
static SHARE: AtomicUsize = AtomicUsize::new(0);

/// The machine's cores, as the system gives them to this process.
pub fn machine() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The threads a run's parallel step may use now: its share, else every core.
pub fn available() -> usize {
    match SHARE.load(Ordering::Relaxed) {
        0 => machine(),
        n => n,
    }
}

/// Shares the cores among `runs` runs at once (from now on, for every run of the process):
/// each gets its part, at least one thread.
pub fn share_among(runs: usize) {
    SHARE.store((machine() / runs.max(1)).max(1), Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_at_once_share_the_cores_and_each_has_at_least_one() {
        share_among(1);
        assert_eq!(available(), machine(), "one run: every core");
        share_among(machine());
        assert_eq!(available(), 1, "a run a core");
        share_among(machine() * 4);
        assert_eq!(available(), 1, "never none");
        share_among(0);
        assert_eq!(available(), machine());
    }
}
