//! The progress line on stderr: for a person watching a long run, never for cron.
//!
//! It appears only when stderr is a terminal, the run is not `--quiet`, and the run has lasted
//! more than a second (a town's run finishes before anyone would read it). Reading is the long
//! step, so the reader reports rows as it parses them through [`rows_read`], a counter cheap
//! enough to bump from both reading threads; a drawing thread shows it ten times a second.
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

static ROWS: AtomicU64 = AtomicU64::new(0);
static PHASE: AtomicU8 = AtomicU8::new(0);

/// The steps of a run, as the line names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    Reading = 0,
    Scoring = 1,
    Writing = 2,
}

impl Phase {
    fn label(self) -> String {
        match self {
            Phase::Reading => msg!("progress-reading"),
            Phase::Scoring => msg!("progress-scoring"),
            Phase::Writing => msg!("progress-writing"),
        }
    }
    fn current() -> Phase {
        match PHASE.load(Ordering::Relaxed) {
            0 => Phase::Reading,
            1 => Phase::Scoring,
            _ => Phase::Writing,
        }
    }
}

/// Counts input rows parsed; the reader calls it in batches.
pub fn rows_read(n: u64) {
    ROWS.fetch_add(n, Ordering::Relaxed);
}

pub fn phase(p: Phase) {
    PHASE.store(p as u8, Ordering::Relaxed);
}

/// The steps [`step`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Start,
    Read,
    Grouped,
    Scored,
    Rendered,
    Written,
}

/// `GRIDSCORE_STEPS=1`: each step of a run said on stderr as it ends, with the seconds since
/// the run began and the process's memory then and at its peak (`VmRSS`, `VmHWM` of
/// /proc/self/status): how a province's peak was taken apart step by step (README,
/// "Performance"). For whoever measures gridscore; a run without the variable says nothing.
pub fn step(s: Step) {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    if std::env::var_os("GRIDSCORE_STEPS").is_none() {
        return;
    }
    let start = *START.get_or_init(Instant::now);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    // `VmRSS:     978224 kB` → 955 (MB); 0 where the system does not say.
    let mb = |key: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    let name = match s {
        Step::Start => msg!("progress-step-start"),
        Step::Read => msg!("progress-step-read"),
        Step::Grouped => msg!("progress-step-grouped"),
        Step::Scored => msg!("progress-step-scored"),
        Step::Rendered => msg!("progress-step-rendered"),
        Step::Written => msg!("progress-step-written"),
    };
    eprintln!(
        "{}",
        msg!(
            "progress-step",
            step = name,
            secs = format!("{:.2}", start.elapsed().as_secs_f64()),
            rss = mb("VmRSS:"),
            peak = mb("VmHWM:")
        )
    );
}

/// The drawing thread of one run; dropping it clears the line.
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// How long a run goes before its progress line appears: a second, or
/// `GRIDSCORE_PROGRESS_AFTER_MS` (so that a test need not depend on how fast a run is).
fn delay() -> Duration {
    std::env::var("GRIDSCORE_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(1), Duration::from_millis)
}

impl Progress {
    /// Starts the line for a run, or nothing when it must stay silent.
    pub fn start(quiet: bool) -> Progress {
        ROWS.store(0, Ordering::Relaxed);
        phase(Phase::Reading);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || draw(&stop))
        });
        Progress { stop, thread }
    }
}

fn draw(stop: &AtomicBool) {
    let started = Instant::now();
    let wait = delay();
    while started.elapsed() < wait {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    while !stop.load(Ordering::Relaxed) {
        let p = Phase::current();
        let rows = ROWS.load(Ordering::Relaxed);
        bar.set_message(match p {
            Phase::Reading => msg!("progress-rows", phase = p.label(), rows = rows),
            _ => msg!("progress-rows-after", phase = p.label(), rows = rows),
        });
        bar.tick();
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
