//! Nothing lost: an interrupted run or a full disk leaves either the previous set or the new
//! one, never a mix, and never half a workbook. The writer's fault-injection variables
//! (`GRIDSCORE_FAULT_DELAY_MS`, `GRIDSCORE_FAULT_FULL_AFTER`) put the failure mid-write.
mod common;

use common::Fixture;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every file of a folder (and of its subfolders: the archived inputs) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()) {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            for (k, v) in snapshot(&e.path()) {
                out.insert(format!("{name}/{k}"), v);
            }
        } else {
            out.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

/// `gridscore verify` says the run folder re-derives to the same bytes.
fn assert_verifies(out: &Path, when: &str) {
    let v = Command::new(assert_cmd::cargo::cargo_bin("gridscore"))
        .arg("verify")
        .arg(out)
        .output()
        .unwrap();
    assert!(v.status.success(), "{when}: {}", String::from_utf8_lossy(&v.stdout));
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

struct Setup {
    root: tempfile::TempDir,
    first: PathBuf,
    second: PathBuf,
    out: PathBuf,
}

/// Two inputs whose runs differ (the second has an extra adopted article), and a run of the first.
fn setup(run_first: bool) -> Setup {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    Fixture::minimal().write(&a);
    let mut f = Fixture::minimal();
    f.push("事件", &["E9", "001", "稿件录用", "2026-08-10", "国家"]);
    f.write(&b);
    let out = root.path().join("runs").join("yangkou-2026Q3");
    let s = Setup {
        first: a.join("input.xlsx"),
        second: b.join("input.xlsx"),
        out,
        root,
    };
    if run_first {
        let o = command(&s.first, &s.out, &[]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    s
}

fn command(input: &Path, out: &Path, env: &[(&str, &str)]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("gridscore"));
    // The messages asserted are the English ones.
    c.env("LANG", "en_US.UTF-8");
    c.args([
        "quarter", "--scheme", "yangkou", "--period", "2026Q3", "--force", "--input",
    ])
    .arg(input)
    .arg("--out")
    .arg(out);
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// Waits until the run has written its first output into the temporary folder: all its
/// inputs are read by then. The folder's mark and the sheets' extracts (`inputs/`) do not
/// count — they are written before and while the inputs are read, and waiting on them let
/// the input-changed test change the workbook before it was read.
fn wait_for_temporary(parent: &Path, child: &mut Child) {
    let start = Instant::now();
    let output = |e: std::fs::DirEntry| {
        let name = e.file_name().to_string_lossy().into_owned();
        name != ".gridscore-partial" && name != "inputs"
    };
    loop {
        let writing = std::fs::read_dir(parent)
            .map(|rd| {
                rd.filter_map(|e| e.ok()).any(|e| {
                    e.file_name().to_string_lossy().contains(".tmp-")
                        && std::fs::read_dir(e.path())
                            .map(|d| d.filter_map(|e| e.ok()).any(output))
                            .unwrap_or(false)
                })
            })
            .unwrap_or(false);
        if writing {
            return;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run finished before it could be interrupted"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the run never started writing"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args(["-s", sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

fn interrupted_mid_write_keeps_the_previous_set(sig: &str) {
    let s = setup(true);
    let before = snapshot(&s.out);
    let mut child = command(&s.second, &s.out, &[("GRIDSCORE_FAULT_DELAY_MS", "400")])
        .spawn()
        .unwrap();
    wait_for_temporary(s.out.parent().unwrap(), &mut child);
    signal(&child, sig);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted; nothing was written"), "{err}");
    assert_eq!(
        snapshot(&s.out),
        before,
        "the previous set is byte for byte what it was"
    );
    assert_eq!(
        names_in(s.out.parent().unwrap()),
        vec!["yangkou-2026Q3"],
        "no temporary folder is left"
    );
    // And a run without interruption then replaces it.
    assert!(command(&s.second, &s.out, &[]).status().unwrap().success());
    assert_ne!(snapshot(&s.out), before);
    drop(s.root);
}

#[test]
fn sigint_mid_write_keeps_the_previous_set() {
    interrupted_mid_write_keeps_the_previous_set("INT");
}

#[test]
fn sigterm_mid_write_keeps_the_previous_set() {
    interrupted_mid_write_keeps_the_previous_set("TERM");
}

#[test]
fn sigint_before_any_set_exists_leaves_nothing() {
    let s = setup(false);
    let mut child = command(&s.second, &s.out, &[("GRIDSCORE_FAULT_DELAY_MS", "400")])
        .spawn()
        .unwrap();
    wait_for_temporary(s.out.parent().unwrap(), &mut child);
    signal(&child, "INT");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130));
    // The folder made to hold it (`runs/`) is removed again with the temporary one.
    assert!(
        !s.out.parent().unwrap().exists(),
        "neither a run folder nor a temporary one, nor the folder made for them"
    );
}

#[test]
fn a_killed_run_leaves_the_previous_set_and_the_next_run_cleans_up() {
    let s = setup(true);
    let before = snapshot(&s.out);
    let mut child = command(&s.second, &s.out, &[("GRIDSCORE_FAULT_DELAY_MS", "400")])
        .spawn()
        .unwrap();
    wait_for_temporary(s.out.parent().unwrap(), &mut child);
    signal(&child, "KILL");
    let _ = child.wait();
    // SIGKILL cannot be handled: the temporary folder stays, but the set is untouched.
    assert_eq!(snapshot(&s.out), before);
    assert!(names_in(s.out.parent().unwrap()).iter().any(|n| n.contains(".tmp-")));
    assert!(command(&s.second, &s.out, &[]).status().unwrap().success());
    assert_eq!(
        names_in(s.out.parent().unwrap()),
        vec!["yangkou-2026Q3"],
        "the next run removed the leftovers"
    );
}

#[test]
fn a_full_disk_mid_write_keeps_the_previous_set() {
    let s = setup(true);
    let before = snapshot(&s.out);
    let o = command(&s.second, &s.out, &[("GRIDSCORE_FAULT_FULL_AFTER", "2")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("(any earlier run folder is untouched): No space left on device"),
        "{err}"
    );
    assert_eq!(snapshot(&s.out), before);
    assert_eq!(names_in(s.out.parent().unwrap()), vec!["yangkou-2026Q3"]);
}

/// A real full disk: a 768 KiB tmpfs mounted in a private mount namespace (nothing outside the
/// test sees it). The month's set (about 530 KiB with its archived sheets) fits; the quarter's
/// (about as large) cannot be written beside it.
#[test]
fn a_real_full_disk_keeps_the_previous_set() {
    const SCRIPT: &str = r#"set -eu
bin="$1"; D="$2"; W="$3"
mount -t tmpfs -o size=768k tmpfs "$D"
"$bin" month --scheme yangkou --period 2026-07 --input examples/yangkou --out "$D/run" -q
mkdir -p "$W/before" && cp -r "$D"/run/. "$W/before/"
set +e
"$bin" quarter --scheme yangkou --period 2026Q3 --input examples/yangkou --out "$D/run" --force -q 2>"$W/err"
echo "rc=$?"
ls -A "$D"
diff -r "$W/before" "$D/run" >/dev/null && echo same-as-before
"#;
    let (mnt, work) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let o = Command::new("unshare")
        .env("LANG", "en_US.UTF-8")
        .args(["-m", "--propagation", "private", "sh", "-c", SCRIPT, "sh"])
        .arg(assert_cmd::cargo::cargo_bin("gridscore"))
        .arg(mnt.path())
        .arg(work.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("unshare (util-linux) runs the script in its own mount namespace");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let err = std::fs::read_to_string(work.path().join("err")).unwrap_or_default();
    assert!(
        o.status.success(),
        "the namespace or the tmpfs could not be set up: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        vec!["rc=1", "run", "same-as-before"],
        "{stdout}\n{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
}

/// The archive holds exactly what was scored: the clerk saving the workbook again while the
/// run writes changes nothing of the run. It archives the sheets as it read them (not a copy
/// of the file taken later), records the SHA-256 of the bytes it read, and verifies.
#[test]
fn an_input_changed_during_the_run_does_not_change_what_it_archived() {
    let s = setup(true);
    let read = gridscore::rules::sha256_hex(&std::fs::read(&s.first).unwrap());
    let mut child = command(&s.first, &s.out, &[("GRIDSCORE_FAULT_DELAY_MS", "300")])
        .spawn()
        .unwrap();
    wait_for_temporary(s.out.parent().unwrap(), &mut child);
    // The clerk saves the workbook again (the second input's bytes) while the set is written.
    std::fs::copy(&s.second, &s.first).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = gridscore::archive::read(&s.out).unwrap();
    assert_eq!(m.inputs[0].sha256, read, "the SHA-256 of what was read");
    assert_verifies(&s.out, "");
    assert_eq!(names_in(s.out.parent().unwrap()), vec!["yangkou-2026Q3"]);
}

/// Issue 13, 2: two runs started together on one `--out` both exited 0 and left a set without
/// its archived inputs. Now they take turns (the second waits on the first's lock): every round
/// ends with one complete set that verifies, and nothing else beside it.
#[test]
fn racing_runs_on_one_target_leave_one_verifiable_set_every_time() {
    let s = setup(false);
    let parent = s.out.parent().unwrap().to_path_buf();
    for round in 0..8 {
        let mut a = command(&s.first, &s.out, &[]).spawn().unwrap();
        let mut b = command(&s.second, &s.out, &[]).spawn().unwrap();
        let (ra, rb) = (a.wait().unwrap(), b.wait().unwrap());
        assert!(
            ra.success() && rb.success(),
            "round {round}: both succeed, one after the other"
        );
        assert_eq!(names_in(&parent), vec!["yangkou-2026Q3"], "round {round}: no debris");
        assert_verifies(&s.out, &format!("round {round}"));
    }
}

/// Without `--force`, of two runs racing onto an empty place exactly one writes; the other is
/// told the folder now holds a run. A run with bad input started beside a good one cannot
/// remove the good one's temporary folder.
#[test]
fn of_two_runs_without_force_one_writes_and_a_bad_run_cannot_harm_a_good_one() {
    let s = setup(false);
    let parent = s.out.parent().unwrap().to_path_buf();
    let plain = |input: &Path| {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("gridscore"));
        c.env("LANG", "en_US.UTF-8");
        c.args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
            .arg(input)
            .arg("--out")
            .arg(&s.out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    };
    let a = plain(&s.first).spawn().unwrap();
    let b = plain(&s.second).spawn().unwrap();
    let (oa, ob) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [oa.status.code(), ob.status.code()];
    assert!(codes.contains(&Some(0)) && codes.contains(&Some(1)), "{codes:?}");
    let loser = if oa.status.success() { &ob } else { &oa };
    assert!(
        String::from_utf8_lossy(&loser.stderr).contains("already holds a gridscore run"),
        "{}",
        String::from_utf8_lossy(&loser.stderr)
    );
    std::fs::remove_dir_all(&s.out).unwrap();

    // A good run writing slowly, and a run of a broken workbook started while it writes.
    let bad = s.root.path().join("bad.xlsx");
    std::fs::write(&bad, "not a workbook").unwrap();
    let mut good = command(&s.first, &s.out, &[("GRIDSCORE_FAULT_DELAY_MS", "150")])
        .spawn()
        .unwrap();
    wait_for_temporary(&parent, &mut good);
    let o = command(&bad, &s.out, &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(good.wait().unwrap().success(), "the good run finishes");
    assert_eq!(names_in(&parent), vec!["yangkou-2026Q3"]);
    assert_verifies(&s.out, "");
}

/// The previous set's hashes are checked while the run works, not before: a payout the clerk
/// signed and saved still stops `--force` before anything is replaced, and a run that fails
/// for its own reasons meanwhile says the refusal, as when the hashes were checked first.
#[test]
fn a_previous_payout_saved_by_the_clerk_stops_force_even_when_the_inputs_also_fail() {
    let s = setup(true);
    let payout = s.out.join("payout-2026Q3.xlsx");
    std::fs::write(&payout, "signed by the clerk").unwrap();
    let before = snapshot(&s.out);
    let said = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).into_owned();

    // Good inputs: the whole run is done, then refused before the swap.
    let o = command(&s.second, &s.out, &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("payout-2026Q3.xlsx (changed since gridscore wrote it)"),
        "{}",
        said(&o)
    );
    assert_eq!(
        snapshot(&s.out),
        before,
        "the previous set, the clerk's file in it, as it was"
    );

    // Inputs that fail too: the refusal is what is said.
    let bad = s.root.path().join("bad.xlsx");
    std::fs::write(&bad, "not a workbook").unwrap();
    let o = command(&bad, &s.out, &[]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("changed since gridscore wrote it"), "{}", said(&o));
    assert_eq!(snapshot(&s.out), before);
    let parent = s.out.parent().unwrap();
    assert_eq!(names_in(parent), vec!["yangkou-2026Q3"], "no temporary left");
}
