//! Never leak (issue 13, 3): what no rule reads never leaves its sheet. The archive holds only
//! the sheets a run read, and of those only the contract's columns; a file holding no sheet
//! the rule set reads is skipped and named; `diff` shows no phone or ID number and a bank
//! account by its last four digits; the full account appears only in the bank file.
mod common;
use common::{gridscore, write_book, Fixture};
use std::path::Path;

const PHONE: &str = "13912345678";
const ID_CARD: &str = "32068219900101123X";
const ACCOUNT: &str = "6228480300029000087";
const CONTACT_PHONE: &str = "13787654321";

/// Every file below `dir` as text to search: a workbook's parts inflated, others as they are.
fn texts(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap()) {
        let path = e.path();
        if path.is_dir() {
            out.extend(texts(&path));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        if bytes.starts_with(b"PK") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let mut text = String::new();
                std::io::Read::read_to_string(&mut part, &mut text).unwrap_or_default();
                out.push((format!("{name}:{}", part.name().unwrap_or_default()), text));
            }
        } else {
            out.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// The minimal fixture with a phone, an ID-card and a bank-account column on the roster, and
/// a contact list in a workbook of its own.
fn planted(dir: &Path) {
    let mut f = Fixture::minimal();
    let roster = f.sheet("花名册");
    roster[0].extend(["手机".to_string(), "身份证号".to_string(), "银行卡号".to_string()]);
    roster[1].extend([PHONE.to_string(), ID_CARD.to_string(), ACCOUNT.to_string()]);
    roster[2].extend([String::new(), String::new(), String::new()]);
    f.write(dir);
    let rows =
        |r: &[&[&str]]| -> Vec<Vec<String>> { r.iter().map(|x| x.iter().map(|s| s.to_string()).collect()).collect() };
    write_book(
        &dir.join("通讯录.xlsx"),
        &[("通讯录", rows(&[&["姓名", "手机"], &["甲", CONTACT_PHONE]]))],
    );
}

#[test]
fn no_phone_or_id_number_reaches_any_output_or_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("run"));
    std::fs::create_dir_all(&input).unwrap();
    planted(&input);
    let a = gridscore()
        .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let said = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        said.contains("通讯录.xlsx: no sheet this rule set reads (not read, not archived)"),
        "{said}"
    );
    let m = gridscore::archive::read(&out).unwrap();
    assert_eq!(m.skipped.len(), 1, "{:?}", m.skipped);
    assert!(m.inputs.iter().all(|i| !i.original.contains("通讯录")));
    for (file, text) in texts(&out) {
        assert!(!text.contains(PHONE), "the phone number is in {file}");
        assert!(!text.contains(ID_CARD), "the ID-card number is in {file}");
        assert!(!text.contains(CONTACT_PHONE), "the contact list is in {file}");
        // The account belongs in the bank file (which pays it) and in the archived roster
        // (which the bank file is re-derived from), nowhere else: the printed payout shows
        // its last four digits.
        if text.contains(ACCOUNT) {
            assert!(
                file.contains("bank-") || file.ends_with("inputs/花名册.cells.csv"),
                "the bank account is in {file}"
            );
        }
    }
    gridscore().arg("verify").arg(&out).assert().success();
}

#[test]
fn diff_shows_no_phone_or_id_number_and_masks_the_bank_account() {
    let dir = tempfile::tempdir().unwrap();
    let (a_in, b_in) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a_in).unwrap();
    std::fs::create_dir_all(&b_in).unwrap();
    planted(&a_in);
    planted(&b_in);
    // The correction: 乙 moves village, and 甲's account is re-typed with a new last digit.
    let mut f = Fixture::minimal();
    let roster = f.sheet("花名册");
    roster[0].extend(["手机".to_string(), "身份证号".to_string(), "银行卡号".to_string()]);
    roster[1].extend([
        PHONE.to_string(),
        ID_CARD.to_string(),
        "6228480300029000088".to_string(),
    ]);
    roster[2][2] = "西村".into();
    roster[2].extend([String::new(), String::new(), String::new()]);
    f.write(&b_in);
    let (a_out, b_out) = (dir.path().join("run-a"), dir.path().join("run-b"));
    for (i, o) in [(&a_in, &a_out), (&b_in, &b_out)] {
        gridscore()
            .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
            .arg(i)
            .arg("--out")
            .arg(o)
            .assert()
            .success();
    }
    let book = dir.path().join("diff.xlsx");
    let a = gridscore()
        .arg("diff")
        .arg(&a_out)
        .arg(&b_out)
        .arg("--xlsx")
        .arg(&book)
        .assert()
        .success();
    let o = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        o.contains("花名册!2") && o.contains("****0087 → ") && o.contains("****0088"),
        "{o}"
    );
    assert!(o.contains("西村"), "{o}");
    for secret in [PHONE, ID_CARD, ACCOUNT, "6228480300029000088"] {
        assert!(!o.contains(secret), "{secret} printed: {o}");
    }
    for (file, text) in texts(dir.path().join("diff.xlsx").parent().unwrap())
        .into_iter()
        .filter(|(f, _)| f.contains("diff.xlsx"))
    {
        for secret in [PHONE, ID_CARD, ACCOUNT, "6228480300029000088"] {
            assert!(!text.contains(secret), "{secret} in {file}");
        }
    }
}
