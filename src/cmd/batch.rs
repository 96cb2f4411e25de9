//! `gridscore batch FILE`: every township's run of a batch file, each on its own — one
//! failing run stops no other — on as many cores as there are, then a summary of all.
use crate::batch::{self, Job, Status};
use crate::cli::{BatchArgs, RunArgs, UsageError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

pub fn run(a: BatchArgs) -> anyhow::Result<()> {
    let today = chrono::Local::now().date_naive();
    let b = batch::read(&a.file, today).map_err(|p| UsageError(p.join("\n")))?;
    std::fs::create_dir_all(&b.archive)?;
    // Two batches on one archive never interleave: the second waits for the first.
    let lock = std::fs::File::create(b.archive.join(".batch.lock"))?;
    if lock.try_lock().is_err() {
        if !a.quiet {
            let on = b.archive.display().to_string();
            let note = crate::i18n::tr("batch-waiting", &[("archive", on.into())]);
            eprintln!("{} {note}", crate::i18n::t("note-prefix"));
        }
        lock.lock()?;
    }
    let workers = a.jobs.unwrap_or(crate::cores::machine()).clamp(1, b.jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<Option<Status>>> = b.jobs.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(job) = b.jobs.get(i) else { break };
                // The runs at once share the cores (`crate::cores`): as many as there are
                // workers, fewer at the batch's end, when a run left alone may use them all.
                crate::cores::share_among(workers.min(b.jobs.len() - i));
                let status = if crate::interrupt::requested() {
                    Status::Failed {
                        out: PathBuf::new(),
                        error: msg!("batch-stopped"),
                    }
                } else {
                    run_job(&b.archive, job, a.force)
                };
                say(job, &status, a.quiet);
                if let Ok(mut slot) = done[i].lock() {
                    *slot = Some(status);
                }
            });
        }
    });
    let statuses: Vec<Status> = done
        .into_iter()
        .map(|m| {
            m.into_inner().ok().flatten().unwrap_or(Status::Failed {
                out: PathBuf::new(),
                error: msg!("batch-unfinished"),
            })
        })
        .collect();
    write_summary(&b.archive, &b.jobs, &statuses)?;
    let failed = statuses.iter().filter(|s| matches!(s, Status::Failed { .. })).count();
    drop(lock);
    if failed > 0 {
        anyhow::bail!(
            "{}",
            msg!(
                "cmd-runs-failed-every-run-listed",
                failed = failed,
                count = statuses.len(),
                list = b.archive.join("batch-summary.csv").display()
            )
        );
    }
    Ok(())
}

/// One run: its rule set, whether it is done already, then the run itself. Never panics out:
/// a panic is one failed run, not a failed batch.
fn run_job(archive: &Path, job: &Job, force: bool) -> Status {
    let root = job.root(archive);
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Status {
        let rules = match super::rule_set_on(&job.scheme, &job.rules, Some(job.period.last_day())) {
            Ok(r) => r,
            Err(e) => {
                return Status::Failed {
                    out: root.clone(),
                    error: first_error(&e),
                }
            }
        };
        let out = root.join(format!("{}-{}", rules.meta.name, job.period));
        if !force {
            match batch::already_done(&out, job, &rules.sha256) {
                Ok(true) => return Status::Skipped { out },
                Ok(false) => {}
                Err(error) => return Status::Failed { out, error },
            }
        }
        let args = RunArgs {
            scheme: job.scheme.clone(),
            rules: job.rules.clone(),
            period: Some(job.period.to_string()),
            input: job.input.clone(),
            out: Some(out.clone()),
            calendar: None,
            force,
            archive: Some(root.clone()),
            history_from: job.history_from.clone(),
            quiet: true,
            corrects: None,
        };
        match super::run::run_one(job.kind, args) {
            Ok(d) => Status::Done(d),
            Err(e) => Status::Failed {
                out,
                error: first_error(&e),
            },
        }
    }));
    attempt.unwrap_or_else(|_| Status::Failed {
        out: root,
        error: msg!("batch-panicked"),
    })
}

/// An error's cause in one line: its first line, and the first problem under a heading
/// (`3 input errors; nothing was written: 考勤!C5 …`).
fn first_error(e: &anyhow::Error) -> String {
    let text = format!("{e:#}");
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default().to_string();
    match lines.next() {
        Some(next) if first.ends_with(':') => format!("{first} {next}"),
        _ => first,
    }
}

/// A line per finished run; a quiet batch prints only the failures.
fn say(job: &Job, s: &Status, quiet: bool) {
    // The scheme's name once its rule set was read; before that, the file named.
    let scheme = match s {
        Status::Done(d) => d.scheme.clone(),
        _ => job
            .scheme
            .clone()
            .unwrap_or_else(|| job.rules.as_ref().map(|r| r.display().to_string()).unwrap_or_default()),
    };
    let head = format!("{} {scheme} {}", job.name, job.period);
    match s {
        Status::Failed { error, .. } => {
            eprintln!(
                "{head}: {}",
                crate::i18n::tr("batch-failed", &[("error", error.as_str().into())])
            )
        }
        _ if quiet => {}
        Status::Skipped { out } => {
            let out = out.display().to_string();
            println!("{head}: {}", crate::i18n::tr("batch-skipped", &[("out", out.into())]));
        }
        Status::Done(d) => {
            let pay = d
                .pay
                .map(|p| crate::i18n::tr("batch-pay", &[("pay", crate::num::show_money_grouped(p).into())]))
                .unwrap_or_default();
            let said = crate::i18n::tr(
                "batch-done",
                &[
                    ("subjects", d.subjects.into()),
                    ("vetoed", d.vetoed.into()),
                    ("pay", pay.into()),
                    ("out", d.out.display().to_string().into()),
                ],
            );
            println!("{head}: {said}");
        }
    }
}

/// batch-summary.csv and batch-summary.xlsx in the archive, each written whole and renamed.
fn write_summary(archive: &Path, jobs: &[Job], statuses: &[Status]) -> anyhow::Result<()> {
    let files = [
        ("batch-summary.csv", batch::summary_csv(jobs, statuses)),
        ("batch-summary.xlsx", batch::summary_xlsx(jobs, statuses)?),
    ];
    for (name, bytes) in files {
        let path = archive.join(name);
        crate::output::atomic::write_file(&path, &bytes, false)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    Ok(())
}
