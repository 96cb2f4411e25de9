//! A run's bytes do not depend on how many threads made them: a batch runs each township on
//! its share of the cores (`gridscore::cores`), a run alone on all of them, and an auditor
//! re-running either must get the same files. (The only test of this binary: the share is
//! the process's.)
use std::path::PathBuf;

/// Every file of the yangkou example's quarter, made with the cores shared among `runs`.
fn files_sharing_among(runs: usize) -> Vec<(String, Vec<u8>)> {
    gridscore::cores::share_among(runs);
    let rules = gridscore::rules::load_builtin("yangkou").unwrap();
    let period = gridscore::period::Period::parse(gridscore::period::PeriodKind::Quarter, "2026Q3").unwrap();
    let cal = gridscore::calendar::Calendar::builtin("cn").unwrap();
    let input = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/yangkou");
    let s = gridscore::pipeline::score_and_render(
        &rules,
        period,
        (&cal, "cn"),
        &[input],
        &|_| {},
        &gridscore::past::History::default(),
        None,
    )
    .unwrap();
    s.files.into_iter().map(|f| (f.name, f.bytes)).collect()
}

#[test]
fn a_run_on_one_thread_writes_the_bytes_a_run_on_every_core_writes() {
    let alone = files_sharing_among(1);
    let one_thread = files_sharing_among(usize::MAX);
    gridscore::cores::share_among(1);
    assert!(
        alone.iter().any(|(n, _)| n == "score-2026Q3.xlsx"),
        "the workbooks are made"
    );
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&alone), names(&one_thread));
    for ((name, a), (_, b)) in alone.iter().zip(&one_thread) {
        assert!(a == b, "{name} differs between every core and one thread");
    }
}
