//! The interface's language (issue #17, item 1): Chinese by default — under cron's empty
//! locale too — English with `--lang en` or an English locale; the help of every subcommand,
//! the run summary, every input and rule-set problem and the commands' refusals follow it.
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
    // An input error: the heading, the prefix and the cell's own words in Chinese.
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
    assert!(err.contains("名为 事件 (events) 的表, 规则集 yangkou 需要它"), "{err}");
}

fn scored_in_chinese(args: &[&str], input: &std::path::Path, out: &std::path::Path) -> String {
    let a = gridscore_in(None)
        .args(args)
        .arg("--input")
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .code(1);
    assert!(!out.exists(), "nothing written");
    self::out(&a)
}

/// Issue 17, 2 in Chinese: the cause first (the roster row whose 编号 repeats, naming the id
/// it cost), its consequences as one line with ranges, each cell's words in Chinese.
#[test]
fn issue17_a_duplicated_roster_id_is_told_in_chinese_cause_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = common::Fixture::minimal();
    f.sheet("花名册")[2][0] = "001".into(); // 002's row now says 001
    for d in 2..=6 {
        f.push("考勤", &["002", &format!("2026-07-0{d}"), "出勤", "08:30", "16:00"]);
    }
    let input = f.write_csv(dir.path());
    let err = scored_in_chinese(
        &["quarter", "--scheme", "yangkou", "--period", "2026Q3"],
        &input,
        &dir.path().join("o"),
    );
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[1].contains("花名册!3")
            && lines[1].contains("填的是 \"001\", 应为不重复的编号; 该编号已在 花名册!2 使用")
            && lines[1].contains("因此其他表中本应属于这一行的人员可能找不到: 002 不在花名册上"),
        "{err}"
    );
    assert!(
        err.contains("填的是 \"002\", 应为花名册上的人员编号 — 共 6 行用了它: 事件!B2, 考勤!A5–A9"),
        "{err}"
    );
}

/// Issue 17, 2 in Chinese: a month run on another quarter's rows says so in one line first.
#[test]
fn issue17_a_run_on_another_periods_rows_says_so_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let err = scored_in_chinese(
        &["month", "--scheme", "yangkou", "--period", "2026-10"],
        std::path::Path::new("examples/yangkou"),
        &dir.path().join("o"),
    );
    let first = err.lines().nth(1).unwrap_or_default();
    assert!(
        first.contains("个错误的原因: 本次 2026-10 计算读取日期在 2026Q4 内的行")
            && first.contains("日期从 2026-07-01 到 2026-09-30 — 这些数据属于 2026Q3: 请计算那个期间 (--period 2026Q3"),
        "{first}"
    );
    // The grouped date errors below it in Chinese too.
    assert!(err.contains("内的日期 (本次计算的输入期间)"), "{err}");
}

/// Issue 17, 1: a rule-set problem — gridscore's own and serde's — and a refusal of the output
/// folder, in Chinese.
#[test]
fn issue17_rule_set_problems_and_refusals_are_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[scheme]\nname = \"x\"\nbogus = 1\n").unwrap();
    let a = gridscore_in(None).arg("check").arg(&bad).assert().code(1);
    let err = out(&a);
    assert!(err.contains("有 1 个错误:"), "{err}");
    assert!(
        err.contains("bad.toml:3:1: 这里不能用键 `bogus`; 可用的键: `name`"),
        "{err}"
    );
    // A folder that holds someone's files is never replaced, and says so in Chinese.
    let foreign = dir.path().join("theirs");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("工作总结.docx"), "x").unwrap();
    let a = gridscore_in(None)
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
        .arg(&foreign)
        .arg("--force")
        .assert()
        .code(1);
    let err = out(&a);
    assert!(err.contains("中有不是 gridscore 写出的文件 (工作总结.docx)"), "{err}");
    assert!(foreign.join("工作总结.docx").exists());
}
