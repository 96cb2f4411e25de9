//! The interface's language (issue #17, item 1): Chinese by default — under cron's empty
//! locale too — English with `--lang en` or an English locale; the help of every subcommand,
//! the run summary and the input-error heading follow it.
mod common;

/// gridscore with no locale at all (as cron runs it), or with `lang` as LANG.
fn gridscore_in(lang: Option<&str>) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("gridscore").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    if let Some(l) = lang {
        c.env("LANG", l);
    }
    c
}

fn out(a: &assert_cmd::assert::Assert) -> String {
    let o = a.get_output();
    String::from_utf8(o.stdout.clone()).unwrap() + &String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn issue17_help_is_chinese_by_default_and_english_on_request() {
    let zh = out(&gridscore_in(None).arg("--help").assert().success());
    assert!(
        zh.contains("用法: gridscore") && zh.contains("命令:") && zh.contains("季度考核: 评分、等次、名额和当季奖励"),
        "{zh}"
    );
    assert!(zh.contains("-h, --help          显示帮助"), "{zh}");
    let sub = out(&gridscore_in(Some("C.UTF-8"))
        .args(["quarter", "--help"])
        .assert()
        .success());
    assert!(
        sub.contains("--period <PERIOD>") && sub.contains("期间: 2026Q3、2026-07 或 2026"),
        "{sub}"
    );
    let en = out(&gridscore_in(Some("en_US.UTF-8"))
        .args(["quarter", "--help"])
        .assert()
        .success());
    assert!(
        en.contains("Usage: gridscore quarter") && en.contains("The period: 2026Q3, 2026-07 or 2026"),
        "{en}"
    );
    // The flag wins over the locale, either way.
    let en = out(&gridscore_in(None)
        .args(["template", "--help", "--lang", "en"])
        .assert()
        .success());
    assert!(en.contains("Write blank input workbooks"), "{en}");
    let zh = out(&gridscore_in(Some("en_US.UTF-8"))
        .args(["--lang=zh", "explain", "--help"])
        .assert()
        .success());
    assert!(zh.contains("编号 (也可以是姓名, 或去掉前导零的编号)"), "{zh}");
}

#[test]
fn issue17_the_run_summary_and_the_error_heading_are_in_the_language_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let run = |lang: Option<&str>, out_dir: &str| {
        gridscore_in(lang)
            .args([
                "quarter",
                "--scheme",
                "yangkou",
                "--period",
                "2026Q3",
                "--input",
                "examples/yangkou",
                "--out",
            ])
            .arg(dir.path().join(out_dir))
            .assert()
            .success()
    };
    let zh = out(&run(None, "a"));
    assert!(zh.contains("yangkou 2026Q3: 已评分 30 人 (2 人被否决); 写出"), "{zh}");
    assert!(zh.contains("提示: 古坝村/兼职网格员: 同分并列跨越名额线"), "{zh}");
    let en = out(&run(Some("en_GB.UTF-8"), "b"));
    assert!(en.contains("yangkou 2026Q3: 30 scored (2 vetoed); wrote"), "{en}");
    // An input error: the heading (and the prefix) in Chinese; the cell's own words are still
    // English with Chinese nouns (their move to the resources is the next step).
    let bad = dir.path().join("bad");
    common::write_sheets(&bad, &[("花名册", "编号,姓名,村(社区),岗位\n0001,甲,东村,无此岗位\n")]);
    let a = gridscore_in(None)
        .args(["quarter", "--scheme", "yangkou", "--period", "2026Q3", "--input"])
        .arg(&bad)
        .arg("--out")
        .arg(dir.path().join("c"))
        .assert()
        .code(1);
    let err = out(&a);
    assert!(err.starts_with("错误: "), "{err}");
    assert!(err.contains("个输入错误, 未写出任何文件:"), "{err}");
}
