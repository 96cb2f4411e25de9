//! The progress line (issue #6): on a terminal for runs longer than a second, never under cron
//! or with --quiet. A real terminal comes from `script`, which runs the binary on a pty.
mod common;
use std::process::Command;

/// Runs the example quarter with each output file delayed by `delay_ms`, on a pty when
/// `terminal`; returns what the terminal (or stderr) showed. `after_ms` is when the progress
/// line may appear (the default second when `None`).
fn run(terminal: bool, delay_ms: u32, quiet: bool) -> String {
    run_after(terminal, delay_ms, quiet, None)
}

fn run_after(terminal: bool, delay_ms: u32, quiet: bool, after_ms: Option<u32>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let bin = env!("CARGO_BIN_EXE_gridscore");
    let args = format!(
        "{bin} quarter --scheme yangkou --period 2026Q3 --input examples/yangkou --out {}{}",
        out.display(),
        if quiet { " -q" } else { "" }
    );
    let output = if terminal {
        let mut c = Command::new("script");
        if let Some(ms) = after_ms {
            c.env("GRIDSCORE_PROGRESS_AFTER_MS", ms.to_string());
        }
        c.args(["-qec", &args, "/dev/null"])
            .env("GRIDSCORE_FAULT_DELAY_MS", delay_ms.to_string())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    } else {
        let mut parts = args.split(' ');
        Command::new(parts.next().unwrap())
            .args(parts)
            .env("GRIDSCORE_FAULT_DELAY_MS", delay_ms.to_string())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    assert!(output.status.success(), "{output:?}");
    assert!(out.join("score-2026Q3.xlsx").exists());
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[test]
fn progress_shows_on_a_terminal_when_the_run_lasts_over_a_second() {
    // Four files × 400 ms: the run lasts about 1.6 s, writing for the last 0.6 s of it.
    let shown = run(true, 400, false);
    assert!(shown.contains("写出结果"), "{shown}");
}

#[test]
fn progress_stays_silent_for_a_short_run_on_a_terminal() {
    // "Short" is relative to the delay: a run of any speed ends long before ten minutes.
    let shown = run_after(true, 0, false, Some(600_000));
    assert!(!shown.contains("读取输入") && !shown.contains("写出结果"), "{shown}");
}

#[test]
fn progress_stays_silent_with_quiet_on_a_terminal() {
    let shown = run(true, 400, true);
    assert!(!shown.contains("写出结果"), "{shown}");
}

#[test]
fn progress_stays_silent_when_stderr_is_not_a_terminal() {
    // What cron sees: a long run, stderr a pipe.
    let shown = run(false, 400, false);
    assert!(!shown.contains("写出结果") && !shown.contains("读取输入"), "{shown}");
}

/// Runs the example quarter with stderr a pipe and `GRIDSCORE_STEPS` as given.
fn run_steps(steps: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    // In Chinese, the default language the step names are checked in.
    let mut c = common::yangkou_quarter(&dir.path().join("out"));
    c.args(["--lang", "zh"]).env_remove("GRIDSCORE_STEPS");
    if let Some(v) = steps {
        c.env("GRIDSCORE_STEPS", v);
    }
    let output = c.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn gridscore_steps_says_each_step_with_its_time_and_memory_and_nothing_without_it() {
    let said = run_steps(Some("1"));
    let steps: Vec<&str> = said.lines().filter(|l| l.starts_with('[')).collect();
    let names: Vec<&str> = steps.iter().map(|l| &l[1..l.find(']').unwrap()]).collect();
    assert_eq!(
        names,
        ["开始", "已读入", "已按人归并并检查", "已评分", "已排版", "已写出"],
        "{said}"
    );
    // `[已评分] 0.12 秒, 内存 61 MB, 峰值 63 MB`: a memory the process really has (more
    // than nothing), and a peak never below what it has then.
    for l in &steps {
        let numbers: Vec<f64> = l.split([' ', ',']).filter_map(|w| w.parse::<f64>().ok()).collect();
        assert_eq!(numbers.len(), 3, "{l}");
        assert!(numbers[1] > 0.0 && numbers[2] >= numbers[1], "{l}");
    }
    assert!(!run_steps(None).contains("[开始]"));
}
