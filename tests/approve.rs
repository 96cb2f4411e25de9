//! Approval (issue #20, item 3): `gridscore approve` records who approved a run and when; an
//! approved run still verifies, is never replaced (`--force` or not), and its 公示 notice and
//! bank file are final; a run that does not verify cannot be approved.
mod common;
use common::gridscore;
use std::path::Path;

fn run(out: &Path, force: bool) -> assert_cmd::assert::Assert {
    let mut c = gridscore();
    c.args([
        "quarter",
        "--scheme",
        "yangkou",
        "--period",
        "2026Q3",
        "--input",
        "examples/yangkou",
        "-q",
        "--out",
    ])
    .arg(out);
    if force {
        c.arg("--force");
    }
    c.assert()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn an_approved_run_verifies_names_its_approver_and_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run(&out, false).success();
    let a = gridscore()
        .arg("approve")
        .arg(&out)
        .args(["--by", "王主任", "--note", "镇党委会 2026-10-10"])
        .assert()
        .success();
    let said = text(&a.get_output().stdout);
    assert!(
        said.contains("approved by 王主任") && said.contains("final: publication-2026Q3.xlsx, bank-2026Q3.xlsx"),
        "{said}"
    );
    let approval = gridscore::archive::read_approval(&out).unwrap().unwrap();
    assert_eq!(
        (approval.by.as_str(), approval.note.as_str()),
        ("王主任", "镇党委会 2026-10-10")
    );
    let v = gridscore().arg("verify").arg(&out).assert().success();
    let said = text(&v.get_output().stdout);
    assert!(
        said.contains("note: approved by 王主任") && said.contains("identical"),
        "{said}"
    );
    // Final: read-only on disk, and no run replaces the folder, --force or not.
    for f in ["publication-2026Q3.xlsx", "bank-2026Q3.xlsx"] {
        assert!(
            std::fs::metadata(out.join(f)).unwrap().permissions().readonly(),
            "{f} is read-only"
        );
    }
    for force in [false, true] {
        let a = run(&out, force).code(1);
        let err = text(&a.get_output().stderr);
        assert!(
            err.contains("is an approved run (approved by 王主任") && err.contains("--force or not"),
            "{err}"
        );
    }
    assert!(out.join("approval.toml").exists(), "the approval stands");
    // Approved once only.
    let a = gridscore()
        .arg("approve")
        .arg(&out)
        .args(["--by", "李"])
        .assert()
        .code(2);
    assert!(text(&a.get_output().stderr).contains("was approved already, by 王主任"));
}

#[test]
fn a_run_that_does_not_verify_cannot_be_approved_and_a_changed_final_file_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run(&out, false).success();
    // Someone edits the payout total by hand.
    let csv = out.join("payouts.csv");
    let edited = std::fs::read_to_string(&csv).unwrap().replacen("1000.00", "1100.00", 1);
    std::fs::write(&csv, edited).unwrap();
    let a = gridscore()
        .arg("approve")
        .arg(&out)
        .args(["--by", "王主任"])
        .assert()
        .code(1);
    let err = text(&a.get_output().stderr);
    assert!(err.contains("does not verify") && err.contains("payouts.csv"), "{err}");
    assert!(!out.join("approval.toml").exists());
    // A clean run, approved, then its notice changed: verify says so.
    let out = dir.path().join("run2");
    run(&out, false).success();
    gridscore()
        .arg("approve")
        .arg(&out)
        .args(["--by", "王主任"])
        .assert()
        .success();
    let notice = out.join("publication-2026Q3.xlsx");
    let mut perm = std::fs::metadata(&notice).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&notice, perm).unwrap();
    std::fs::write(&notice, b"changed").unwrap();
    let v = gridscore().arg("verify").arg(&out).assert().code(1);
    let said = text(&v.get_output().stdout);
    assert!(
        said.contains("publication-2026Q3.xlsx: not the file that was approved as final"),
        "{said}"
    );
}

/// Verify told a note from a difference by a leading `note:`; a Chinese note reads `提示: …`,
/// so in Chinese, the clerk's language, every approved run failed to verify.
#[test]
fn an_approved_run_verifies_in_chinese_the_approval_a_note_not_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run(&out, false).success();
    gridscore()
        .args(["approve", "--lang", "zh"])
        .arg(&out)
        .args(["--by", "王主任"])
        .assert()
        .success();
    let v = gridscore()
        .args(["verify", "--lang", "zh"])
        .arg(&out)
        .assert()
        .success();
    let said = text(&v.get_output().stdout);
    assert!(said.contains("提示: 已由 王主任") && said.contains("一致"), "{said}");
}

/// Issue #15: a run folder written before results files (no results.toml, none in its
/// manifest) still verifies; the missing file is a note, not a difference.
#[test]
fn issue15_a_folder_written_before_results_files_still_verifies_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run(&out, false).success();
    std::fs::remove_file(out.join("results.toml")).unwrap();
    let manifest = std::fs::read_to_string(out.join("run.toml")).unwrap();
    let entry = manifest.find("[[outputs]]\nfile = \"results.toml\"").expect("listed");
    let end = entry + manifest[entry..].find("\n\n").unwrap() + 2;
    std::fs::write(
        out.join("run.toml"),
        format!("{}{}", &manifest[..entry], &manifest[end..]),
    )
    .unwrap();
    let v = gridscore().arg("verify").arg(&out).assert().success();
    let said = text(&v.get_output().stdout);
    assert!(
        said.contains("note: the folder was written before results.toml") && said.contains("identical"),
        "{said}"
    );
}
