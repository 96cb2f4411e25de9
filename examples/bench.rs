//! The scale benchmark: `cargo run --release --example bench [-- SIZE...]`.
//!
//! For each size it generates an input (once, into target/bench-data/), then measures, in the
//! same run on the same files, each as a child process (wall time and peak RSS from `wait4`):
//!
//! - **end-to-end**: `gridscore quarter` on the input, writing its outputs;
//! - **lower bound**: reading every input sheet with calamine (`worksheet_range`) or the csv
//!   crate, both cores used, doing nothing else; then writing, one workbook per core, the very
//!   cells of gridscore's output workbooks with rust_xlsxwriter (no formats, no widths, each
//!   sheet streamed in its low-memory mode, the faster of its modes). The
//!   cells are dumped before the timed child starts, so the bound writes outputs of the same
//!   size: a bound that wrote short repeated strings would compress to nothing and flatter it.
//!
//! and prints the ratio end-to-end ÷ lower bound, and how the time grows from one size to the
//! next of the same kind of file. Sizes: town, county, county-csv, province (CSV, past Excel's
//! row limit). Each measurement is the median of three, made in three rounds that each run
//! every size's two measures in turn.
use std::path::{Path, PathBuf};

use std::process::Command;
use std::time::Instant;

const SCHEME: &str = "yangkou";
const PERIOD: &str = "2026Q3";

struct Size {
    name: &'static str,
    workers: usize,
    csv: bool,
}

const SIZES: [Size; 4] = [
    Size {
        name: "town",
        workers: 150,
        csv: false,
    },
    Size {
        name: "county",
        workers: 5_000,
        csv: false,
    },
    Size {
        name: "county-csv",
        workers: 5_000,
        csv: true,
    },
    Size {
        name: "province",
        workers: 50_000,
        csv: true,
    },
];

fn main() -> anyhow::Result<()> {
    // The end-to-end child runs gridscore inside this binary, set up as its `main` sets it up
    // (the allocator is the library's); the lower bound gets the same.
    gridscore::alloc::keep_freed_memory();
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--child-e2e") => {
            use clap::Parser;
            let cli = gridscore::cli::Cli::parse_from(
                std::iter::once("gridscore".to_string()).chain(args[2..].iter().cloned()),
            );
            return gridscore::run(cli);
        }
        Some("--child-lower") => return lower_bound(&args[2..]),
        Some("--child-dump") => return dump_outputs(Path::new(&args[2]), Path::new(&args[3])),
        _ => {}
    }
    let wanted: Vec<&str> = args[1..].iter().map(String::as_str).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    struct Plan {
        size: &'static Size,
        rows: usize,
        e2e: Vec<String>,
        lower: Vec<String>,
        e2e_runs: Vec<(f64, i64)>,
        lower_runs: Vec<(f64, i64)>,
    }
    let mut plans = Vec::new();
    for size in SIZES.iter().filter(|s| wanted.is_empty() || wanted.contains(&s.name)) {
        let input = root.join(size.name);
        let rows = ensure_input(size, &input)?;
        let out = root.join(format!("{}-out", size.name));
        let e2e: Vec<String> = [
            "--child-e2e",
            "quarter",
            "--scheme",
            SCHEME,
            "--period",
            PERIOD,
            "--force",
            "-q",
            "--input",
            &input.display().to_string(),
            "--out",
            &out.display().to_string(),
        ]
        .map(String::from)
        .to_vec();
        let first = child(&refs(&e2e))?;
        // The lower bound reads the same files and writes the same cells gridscore wrote (dumped
        // here, before the timed child starts, so that it writes outputs of the same size).
        let dump = root.join(format!("{}-cells.bin", size.name));
        // In a child: reading a province's workbook would grow this process, and a child
        // forked from it would count the parent's memory in its own peak (Linux keeps the
        // pre-exec peak in ru_maxrss).
        child(&["--child-dump", &out.display().to_string(), &dump.display().to_string()])?;
        let mut lower = vec!["--child-lower".to_string(), dump.display().to_string()];
        lower.extend(input_files(&input)?.iter().map(|p| p.display().to_string()));
        plans.push(Plan {
            size,
            rows,
            e2e,
            lower,
            e2e_runs: vec![first],
            lower_runs: Vec::new(),
        });
    }
    // Three rounds, each running every size's end-to-end and bound in turn: a slow spell of
    // this shared machine then falls on every size and on both measures alike, so that the
    // ratios, and the growth from one size to the next, compare runs made at the same time.
    for round in 0..3 {
        for p in &mut plans {
            if round > 0 {
                p.e2e_runs.push(child(&refs(&p.e2e))?);
            }
            p.lower_runs.push(child(&refs(&p.lower))?);
        }
    }
    println!("| size | workers | input rows | end-to-end | rows/s | peak RSS | lower bound | its peak RSS | ratio |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut medians = Vec::new();
    for p in &plans {
        let (e2e, lower) = (median(p.e2e_runs.clone()), median(p.lower_runs.clone()));
        println!(
            "| {} | {} | {} | {:.2} s | {:.0} | {} MB | {:.2} s | {} MB | {:.2} |",
            p.size.name,
            p.size.workers,
            p.rows,
            e2e.0,
            p.rows as f64 / e2e.0,
            e2e.1 / 1024,
            lower.0,
            lower.1 / 1024,
            e2e.0 / lower.0
        );
        medians.push((p.size, e2e.0, lower.0));
    }
    // Growth between sizes read from the same kind of file (county CSV → province).
    for (i, (a, a_e2e, a_lower)) in medians.iter().enumerate() {
        for (b, b_e2e, b_lower) in &medians[i + 1..] {
            if a.csv == b.csv && b.workers > a.workers {
                println!(
                    "\n{} → {}: {:.1}× the workers took {:.1}× the time end to end ({:.1}× for the lower bound)",
                    a.name,
                    b.name,
                    b.workers as f64 / a.workers as f64,
                    b_e2e / a_e2e,
                    b_lower / a_lower
                );
            }
        }
    }
    Ok(())
}

/// Generates the input once (the generator is deterministic); returns its row count.
fn ensure_input(size: &Size, dir: &Path) -> anyhow::Result<usize> {
    let marker = dir.join(".rows");
    if let Ok(n) = std::fs::read_to_string(&marker) {
        if let Ok(n) = n.trim().parse() {
            return Ok(n);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    let rules = gridscore::rules::load_builtin(SCHEME)?;
    let cal =
        gridscore::calendar::Calendar::builtin(&rules.meta.calendar).ok_or_else(|| anyhow::anyhow!("no calendar"))?;
    let period = gridscore::period::Period::parse_any(PERIOD).ok_or_else(|| anyhow::anyhow!("period"))?;
    let format = if size.csv {
        gridscore::sample::SampleFormat::Csv
    } else {
        gridscore::sample::SampleFormat::Xlsx
    };
    eprintln!("generating {} ({} workers) …", size.name, size.workers);
    let w = gridscore::sample::generate(&rules, &cal, period, size.workers, format, dir, 1)?;
    let rows: usize = w.rows.iter().map(|(_, n)| n).sum();
    std::fs::write(&marker, rows.to_string())?;
    Ok(rows)
}

fn input_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("xlsx") | Some("csv")))
        .collect();
    v.sort();
    Ok(v)
}

/// Runs this program as a child in one mode; returns (seconds, peak RSS in KiB). The seconds
/// are the wall time, or the time the child reports on its stdout as `seconds N` (the lower
/// bound, which leaves out loading the cells it is to write).
fn child(args: &[&str]) -> anyhow::Result<(f64, i64)> {
    use std::io::Read;
    let exe = std::env::current_exe()?;
    let start = Instant::now();
    let mut c = Command::new(exe)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let pid = c.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    anyhow::ensure!(
        r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child {args:?} failed"
    );
    let mut said = String::new();
    if let Some(mut out) = c.stdout.take() {
        out.read_to_string(&mut said)?;
    }
    let reported = said
        .lines()
        .find_map(|l| l.strip_prefix("seconds ")?.trim().parse::<f64>().ok());
    Ok((reported.unwrap_or(wall), usage.ru_maxrss))
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn median(mut v: Vec<(f64, i64)>) -> (f64, i64) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v[v.len() / 2]
}

/// The lower bound: read every sheet of every input as fast as the machine allows (both cores),
/// then write workbooks shaped like `out`'s with rust_xlsxwriter.
fn lower_bound(args: &[String]) -> anyhow::Result<()> {
    use calamine::Reader;
    // Loading the dumped cells is the benchmark's own scaffolding, not reading or writing: it
    // took a quarter of the province's bound. The bound's time starts after it.
    let books = load_dump(Path::new(&args[0]))?;
    let start = Instant::now();
    let files: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
    // Jobs: every (file, sheet), largest first, shared by two threads.
    let mut jobs: Vec<(PathBuf, Option<String>, u64)> = Vec::new();
    for f in &files {
        if f.extension().and_then(|e| e.to_str()) == Some("csv") {
            jobs.push((f.clone(), None, std::fs::metadata(f)?.len()));
        } else {
            let wb = calamine::open_workbook_auto(f)?;
            for n in wb.sheet_names() {
                // Sheet sizes are unknown before reading: the contract's big sheets first.
                let w = match n.as_str() {
                    "巡查" => 3,
                    "考勤" => 2,
                    _ => 1,
                };
                jobs.push((f.clone(), Some(n), w));
            }
        }
    }
    jobs.sort_by_key(|j| std::cmp::Reverse(j.2));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let cells = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let mut books: std::collections::HashMap<PathBuf, calamine::Sheets<_>> = Default::default();
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((f, sheet, _)) = jobs.get(k) else { break };
                    let n = match sheet {
                        None => {
                            let mut r = csv::ReaderBuilder::new()
                                .has_headers(false)
                                .flexible(true)
                                .from_path(f)
                                .expect("csv");
                            let mut rec = csv::StringRecord::new();
                            let mut n = 0;
                            while r.read_record(&mut rec).expect("csv record") {
                                n += rec.len();
                            }
                            n
                        }
                        Some(name) => {
                            let wb = books
                                .entry(f.clone())
                                .or_insert_with(|| calamine::open_workbook_auto(f).expect("workbook"));
                            let range = wb.worksheet_range(name).expect("sheet");
                            range.used_cells().count()
                        }
                    };
                    cells.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    // Write the same cells, one workbook per core, as plainly as rust_xlsxwriter allows: no
    // formats, and every sheet in its low-memory mode, which was the faster of its two modes
    // here (province: 9.1 s against 13.8 s in the standard mode).
    std::thread::scope(|s| {
        for sheets in &books {
            s.spawn(move || {
                let mut wb = rust_xlsxwriter::Workbook::new();
                for rows in sheets {
                    let ws = wb.add_worksheet_with_low_memory().expect("sheet");
                    for (r, row) in rows.iter().enumerate() {
                        for (c, cell) in row.iter().enumerate() {
                            match cell {
                                Dumped::Text(t) => ws.write_string(r as u32, c as u16, t).map(|_| ()),
                                Dumped::Number(n) => ws.write_number(r as u32, c as u16, *n).map(|_| ()),
                                Dumped::Empty => Ok(()),
                            }
                            .expect("write");
                        }
                    }
                }
                let bytes = wb.save_to_buffer().expect("save");
                std::hint::black_box(bytes.len());
            });
        }
    });
    std::hint::black_box(cells.into_inner());
    println!("seconds {}", start.elapsed().as_secs_f64());
    Ok(())
}

enum Dumped {
    Empty,
    Text(String),
    Number(f64),
}

/// Workbooks → sheets → rows → cells.
type Books = Vec<Vec<Vec<Vec<Dumped>>>>;

/// Writes every cell of gridscore's output workbooks in `dir` to `dump`: a line per cell as
/// `workbook sheet row col kind value` would be slow to parse, so a tab-separated line per row,
/// `B` opening a workbook and `S` a sheet; text cells are `t…`, numbers `n…`, empties blank.
fn dump_outputs(dir: &Path, dump: &Path) -> anyhow::Result<()> {
    use calamine::{Data, Reader};
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|f| f.extension().and_then(|e| e.to_str()) == Some("xlsx"))
        .collect();
    files.sort();
    let mut text = String::new();
    for f in files {
        text.push_str("B\n");
        let mut wb = calamine::open_workbook_auto(&f)?;
        for n in wb.sheet_names() {
            text.push_str("S\n");
            let range = wb.worksheet_range(&n)?;
            for row in range.rows() {
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::Float(x) => format!("n{x}"),
                        Data::Int(x) => format!("n{x}"),
                        other => format!("t{}", other.to_string().replace(['\t', '\n'], " ")),
                    })
                    .collect();
                text.push_str(&cells.join("\t"));
                text.push('\n');
            }
        }
    }
    std::fs::write(dump, text)?;
    Ok(())
}

fn load_dump(dump: &Path) -> anyhow::Result<Books> {
    let text = std::fs::read_to_string(dump)?;
    let mut books: Books = Vec::new();
    for line in text.lines() {
        match line {
            "B" => books.push(Vec::new()),
            "S" => books
                .last_mut()
                .ok_or_else(|| anyhow::anyhow!("dump: sheet before workbook"))?
                .push(Vec::new()),
            row => {
                let sheet = books
                    .last_mut()
                    .and_then(|b| b.last_mut())
                    .ok_or_else(|| anyhow::anyhow!("dump: row before sheet"))?;
                sheet.push(
                    row.split('\t')
                        .map(|c| match c.split_at_checked(1) {
                            Some(("n", x)) => x.parse().map(Dumped::Number).unwrap_or(Dumped::Empty),
                            Some(("t", x)) => Dumped::Text(x.to_string()),
                            _ => Dumped::Empty,
                        })
                        .collect(),
                );
            }
        }
    }
    Ok(books)
}
