//! The yangkou example, end to end: the binary on `examples/yangkou`, checked against hand
//! computations from the rule set and its document. The deviations each worker has are listed in
//! `examples/make_yangkou_example.rs`; 2026Q3 has 66 duty days (Sept 25 a holiday, Sept 20 a
//! make-up working day).
mod common;

use common::{csv_rows, gridscore, Row};

/// Runs the example for a period into `out`; the assertion has its exit status and stderr.
fn run_example(kind: &str, period: &str, out: &std::path::Path) -> assert_cmd::assert::Assert {
    gridscore()
        .args([
            kind,
            "--scheme",
            "yangkou",
            "--period",
            period,
            "--input",
            "examples/yangkou",
            "--out",
        ])
        .arg(out)
        .assert()
        .success()
}

fn quarter() -> (tempfile::TempDir, Vec<Row>, Vec<Row>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_example("quarter", "2026Q3", &out);
    let scores = csv_rows(&out.join("scores.csv"));
    let pay = csv_rows(&out.join("payouts.csv"));
    (dir, scores, pay)
}

fn of<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

#[test]
fn grid_head_0101_scores_95_7_and_is_paid_400_for_adoptions() {
    let (_d, scores, pay) = quarter();
    let r = of(&scores, "0101");
    // survey: 知晓 9/10 = 90% → 8; 覆盖 10/10 → 10; 满意 8/10 = 80% → 6            = 24
    assert_eq!(
        (&r["survey.aware"], &r["survey.covered"], &r["survey.satisfied"]),
        (&"8".into(), &"10".into(), &"6".into())
    );
    assert_eq!(r["survey"], "24");
    // patrol: uniform 2 − 0.5 (one finding) = 1.5; twice daily 15 − 1 (one 45-minute
    // afternoon patrol, under the head's 1 h) = 14; log 3 − 3 × 0.2 (unlogged) = 2.4  = 17.9
    assert_eq!(
        (&r["patrol.uniform"], &r["patrol.twice_daily"], &r["patrol.log"]),
        (&"1.5".into(), &"14".into(), &"2.4".into())
    );
    assert_eq!(r["patrol"], "17.9");
    // duty: safety 15 − 0.1 × 2 (one 平安迟报 row with 数量 2) = 14.8; hazard 25; info 10 = 49.8
    assert_eq!(r["duty.safety"], "14.8");
    assert_eq!(r["duty"], "49.8");
    // bonus: 经验推广 at 省 level +4. Total 24 + 17.9 + 49.8 + 4 = 95.7
    assert_eq!(r["bonus"], "4");
    assert_eq!(r["total"], "95.7");
    // Two heads in 环港村: round(2 × 20%) = 0 优秀, round(2 × 80%) = 2 良好.
    assert_eq!(r["grade"], "良好");
    // Pay: 稿件录用 县 ¥200 + 信息录用 市 ¥200; heads have no grade pay.
    let p = of(&pay, "0101");
    assert_eq!(
        (&p["articles"], &p["information"], &p["grade_pay"], &p["amount"]),
        (&"200.00".into(), &"200.00".into(), &"".into(), &"400.00".into())
    );
}

#[test]
fn full_time_0103_scores_91_5_with_monthly_leave_thresholds_and_a_late_case() {
    let (_d, scores, _) = quarter();
    let r = of(&scores, "0103");
    // twice daily: 15 − 2 × 1 (two 1.5 h patrols, under full-time's 2 h) − 3 × 0.5 (three
    // afternoons missing) = 11.5. The five sick days are not duty days, so no patrol is missing.
    assert_eq!(r["patrol.twice_daily"], "11.5");
    // informatization: 10 − 1 (accepted 30 h after assignment, over 24 h); the complex case
    // closed after 240 h is within its 360 h.
    assert_eq!(r["duty.informatization"], "9");
    // sick: 5 days in July, 3 allowed → −2; personal: 2 days in August, 1 allowed → −2.
    assert_eq!(
        (&r["attendance.sick"], &r["attendance.personal"], &r["attendance"]),
        (&"-2".into(), &"-2".into(), &"-4".into())
    );
    // 30 + (2 + 11.5 + 3) + (15 + 25 + 9) − 4 = 91.5
    assert_eq!(r["total"], "91.5");
    assert_eq!(r["grade"], "良好");
}

#[test]
fn part_time_0105_is_last_of_six_and_graded_he_ge_with_300_plus_50() {
    let (_d, scores, pay) = quarter();
    let r = of(&scores, "0105");
    // log: sign-ins at 09:20, none, and 09:10 (three missed), a report at 17:30 (one) → 3 − 4 × 0.2 = 2.2
    assert_eq!(r["patrol.log"], "2.2");
    // 迟到 once −2; 临时请假 three times in July, two allowed → −2.
    assert_eq!(
        (&r["attendance.late_early"], &r["attendance.adhoc"]),
        (&"-2".into(), &"-2".into())
    );
    // 30 + (2 + 15 + 2.2) + 50 − 4 = 95.2
    assert_eq!(r["total"], "95.2");
    // 环港村 part-time, n = 6: 优秀 to position round(1.2) = 1, 良好 to round(4.8) = 5.
    // Totals: 0106 100, 0107 99.5, 0109 98.5, 0110 98, 0108 96, 0105 95.2 → position 6.
    assert_eq!((&r["rank"], &r["grade"]), (&"6".into(), &"合格".into()));
    assert_eq!(of(&scores, "0106")["grade"], "优秀");
    assert_eq!(of(&scores, "0108")["grade"], "良好");
    // 合格 ¥300 + 稿件录用 镇 ¥50.
    let p = of(&pay, "0105");
    assert_eq!(
        (&p["grade_pay"], &p["articles"], &p["amount"]),
        (&"300.00".into(), &"50.00".into(), &"350.00".into())
    );
}

#[test]
fn vetoed_part_time_0205_is_bu_he_ge_outside_the_quota_and_paid_nothing() {
    let (_d, scores, pay) = quarter();
    let r = of(&scores, "0205");
    // A clean quarter (100) but a 重点人员漏管失控 incident in his grid, improper speech and a
    // false report: 一票否决 on three counts, each listed.
    assert_eq!(
        (&r["total"], &r["grade"], &r["rank"]),
        (&"100".into(), &"不合格".into(), &"".into())
    );
    assert_eq!(r["veto"], "网格内发生五类事件;上报虚假信息造成影响;散布不当言论");
    // His article adopted at 市 level (¥500) is withheld, as is any grade pay.
    assert_eq!(of(&pay, "0205")["amount"], "0.00");
}

#[test]
fn part_time_0306_falls_below_60_and_is_vetoed() {
    let (_d, scores, _) = quarter();
    let r = of(&scores, "0306");
    // survey: 知晓 6/10 → 2, 覆盖 5/10 → 0, 满意 7/10 → 4                       = 6
    // patrol: twice daily 15 − 2 × 0.5 (absent day) − 0.5 (absent afternoon) = 13.5;
    //         log 3 − 0.2 (no sign-in) − 0.2 (no report) on the absent day = 2.6; uniform 2 = 18.1
    // duty:   hazard 25 − 3 (serious) = 22; safety 15; info 10                   = 47
    // deductions: 旷工 2 half days + 旷工半天 1 = 3 × 5 = −15; 外勤 unapproved −2 (the
    //         approved one costs nothing); 早退 −2                                 = −19
    // 6 + 18.1 + 47 − 19 = 52.1 < 60 → 一票否决
    assert_eq!(
        (&r["survey"], &r["patrol"], &r["duty"], &r["attendance"]),
        (&"6".into(), &"18.1".into(), &"47".into(), &"-19".into())
    );
    assert_eq!(r["total"], "52.1");
    // Her leak of system material and a late report with serious consequences are vetoes too;
    // every reason is listed, in the rule set's order.
    assert_eq!(r["grade"], "不合格");
    assert_eq!(
        r["veto"],
        "泄露网格化系统保密资料;迟报漏报瞒报综治信息造成严重后果;绩效评定60分以下"
    );
}

#[test]
fn a_tie_at_the_you_xiu_line_gives_both_workers_you_xiu_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let assert = run_example("quarter", "2026Q3", &out);
    // 古坝村 part-time: 0205 is vetoed, so n = 5 and 优秀 is one place (round(1.0)).
    // 0207 and 0208 both lose 0.5 for one uniform finding: 99.5, patrol 19.5, survey 30 —
    // tied on total and both tie-breakers. Both take 优秀; the 良好 line stays at 4.
    let scores = csv_rows(&out.join("scores.csv"));
    for id in ["0207", "0208"] {
        let r = of(&scores, id);
        assert_eq!(
            (&r["total"], &r["rank"], &r["grade"]),
            (&"99.5".into(), &"1".into(), &"优秀".into()),
            "{id}"
        );
    }
    assert_eq!(of(&scores, "0206")["grade"], "良好");
    assert_eq!(of(&scores, "0209")["grade"], "良好");
    assert_eq!(of(&scores, "0210")["grade"], "合格");
    let pay = csv_rows(&out.join("payouts.csv"));
    assert_eq!(of(&pay, "0208")["grade_pay"], "600.00");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("古坝村/兼职网格员: 同分并列跨越名额线") && stderr.contains("0208 高丽"),
        "{stderr}"
    );
}

#[test]
fn a_county_set_count_gives_feng_li_two_you_xiu_places() {
    let (_d, scores, _) = quarter();
    // 丰利村 part-time: 0306 vetoed, n = 5; 参数 优秀名额 = 2 for 丰利村/兼职网格员 replaces
    // round(5 × 20%) = 1. 0307 (100) and 0309 (99.9) are 优秀; 良好 stays at round(4) = 4.
    assert_eq!(of(&scores, "0307")["grade"], "优秀");
    assert_eq!(of(&scores, "0309")["grade"], "优秀");
    assert_eq!(of(&scores, "0308")["grade"], "良好");
    assert_eq!(of(&scores, "0310")["grade"], "合格");
}

#[test]
fn given_survey_rates_and_case_deadlines_for_0303() {
    let (_d, scores, pay) = quarter();
    let r = of(&scores, "0303");
    // Given rates 95% → 8, 100% → 10, 85% → 6.
    assert_eq!(r["survey"], "24");
    // One case never closed −0.5; one closed 121 h after assignment (over 120 h) −1; an
    // invalid (有效 = 否) case counts for nothing.
    assert_eq!(r["duty.informatization"], "8.5");
    assert_eq!(r["total"], "92.5");
    assert_eq!(of(&pay, "0303")["information"], "1000.00");
    // A part-time worker's adopted information is not paid (heads and full-time only).
    assert_eq!(of(&pay, "0110")["information"], "");
}

#[test]
fn month_runs_pay_full_time_by_the_county_rank_of_that_month() {
    let dir = tempfile::tempdir().unwrap();
    for (month, amount) in [("2026-07", "600.00"), ("2026-08", "400.00"), ("2026-09", "0.00")] {
        let out = dir.path().join(month);
        run_example("month", month, &out);
        let pay = csv_rows(&out.join("payouts.csv"));
        // 县排名: July 3 (1–4 → ¥600), August 6 (5–8 → ¥400), September 9 (none).
        assert_eq!(of(&pay, "0103")["amount"], amount, "{month}");
        assert!(
            pay.iter()
                .all(|p| p["role"] == "专职网格员" && p["role_id"] == "fulltime"),
            "the month run pays full-time workers only"
        );
    }
    // July alone for 0103: 30 + (2 + 15 − 2 − 1.5 + 3) + 50 − 2 (5 sick days, 3 allowed) = 94.5
    let scores = csv_rows(&dir.path().join("2026-07").join("scores.csv"));
    assert_eq!(of(&scores, "0103")["total"], "94.5");
    assert_eq!(of(&scores, "0103")["grade"], "", "grades are given per quarter");
}

#[test]
fn the_score_workbook_has_the_four_sheets_and_traces_rows() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_example("quarter", "2026Q3", &out);
    let mut wb: Xlsx<_> = open_workbook(out.join("score-2026Q3.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["排名", "明细", "名额", "说明"]);
    let rank = wb.worksheet_range("排名").unwrap();
    let header: Vec<String> = rank.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    for h in [
        "排名",
        "编号",
        "姓名",
        "村(社区)",
        "岗位",
        "民意测评",
        "知晓率",
        "网格巡查",
        "一日双巡",
        "加分",
        "扣分",
        "总分",
        "等次",
        "否决原因",
    ] {
        assert!(header.contains(&h.to_string()), "排名 lacks {h}: {header:?}");
    }
    // 明细: 0101's unlogged patrols trace to their 巡查 rows.
    let detail = wb.worksheet_range("明细").unwrap();
    let line = detail
        .rows()
        .find(|r| r[0] == "0101" && r[4].to_string().starts_with("巡查未录入系统"))
        .expect("trace line");
    assert_eq!(line[5].to_string(), "3");
    assert_eq!(line[6].to_string(), "-0.6");
    assert_eq!(line[8].to_string().matches("巡查!").count(), 3, "{}", line[8]);
    let about = wb.worksheet_range("说明").unwrap();
    let text: String = about.rows().map(|r| format!("{} {}\n", r[0], r[1])).collect();
    assert!(
        text.contains("洋发〔2022〕14号") && text.contains("SHA-256") && text.contains("2026Q3考核台账.xlsx"),
        "{text}"
    );
    let mut pay: Xlsx<_> = open_workbook(out.join("payout-2026Q3.xlsx")).unwrap();
    assert_eq!(pay.sheet_names(), vec!["发放表", "汇总"]);
    let sheet = pay.worksheet_range("发放表").unwrap();
    let head: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(head.last().map(String::as_str), Some("签字"));
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for n in ["a", "b"] {
        let out = dir.path().join(n);
        run_example("quarter", "2026Q3", &out);
        outs.push(out);
    }
    for f in [
        "score-2026Q3.xlsx",
        "payout-2026Q3.xlsx",
        "publication-2026Q3.xlsx",
        "bank-2026Q3.xlsx",
        "scores.csv",
        "payouts.csv",
    ] {
        assert_eq!(
            std::fs::read(outs[0].join(f)).unwrap(),
            std::fs::read(outs[1].join(f)).unwrap(),
            "{f} differs"
        );
    }
    let csv = std::fs::read(outs[0].join("scores.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}id,name,village,role,role_id,rank,total,grade,veto,".as_bytes()),
        "UTF-8 BOM and stable header"
    );
}

#[test]
fn the_example_exercises_every_rule_of_the_rule_set() {
    // The month rule (monthly_rank_pay) is exercised by month_runs_pay_full_time_by_the_county_rank_of_that_month.
    common::assert_every_rule_fires("yangkou", "examples/yangkou", "2026Q3");
}

/// Each worksheet of a workbook numbers its rows in strictly increasing order, as Excel needs
/// (a row written twice makes Excel call the file damaged).
fn assert_rows_once(book: &std::path::Path) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    let mut sheets = 0;
    for name in names.iter().filter(|n| n.starts_with("xl/worksheets/sheet")) {
        sheets += 1;
        let mut xml = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
        let numbers: Vec<u32> = xml
            .split("<row r=\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
            .collect();
        assert!(!numbers.is_empty(), "{name} of {} has no header row", book.display());
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "{name} of {} numbers its rows {numbers:?}",
            book.display()
        );
    }
    assert!(sheets >= 2, "{}", book.display());
}

#[test]
fn every_sheet_of_both_workbooks_writes_each_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_example("quarter", "2026Q3", &out);
    assert_rows_once(&out.join("score-2026Q3.xlsx"));
    assert_rows_once(&out.join("payout-2026Q3.xlsx"));
}

#[test]
fn a_run_with_nobody_on_the_roster_writes_workbooks_excel_can_open() {
    // Found when the 明细 sheet was streamed: its header row, the last row of an empty sheet,
    // came out twice.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for (name, text) in [
        ("花名册.csv", "编号,姓名,村(社区),岗位\n"),
        ("考勤.csv", "编号,日期,状态,签到时间,报告时间\n"),
        ("巡查.csv", "编号,日期,时段,开始,结束\n"),
        ("事件.csv", "事件编号,编号,类型,日期,级别\n"),
        ("测评.csv", "编号,知晓,覆盖,满意\n"),
        (
            "参数.csv",
            "名称,月份,值\n县排名,2026-07,3\n县排名,2026-08,3\n县排名,2026-09,3\n",
        ),
    ] {
        std::fs::write(input.join(name), text).unwrap();
    }
    let out = dir.path().join("run");
    common::scheme_run("quarter", "yangkou", "2026Q3", "2026Q3", &input, &out).success();
    assert_rows_once(&out.join("score-2026Q3.xlsx"));
    assert_rows_once(&out.join("payout-2026Q3.xlsx"));
}

/// Issue 14 (D6.2): the 名额 sheet shows how far a tie lifted a grade past its line. 古坝村's
/// part-time workers 0207 and 0208 tie at 99.5 across the 优秀 line: both 优秀, one over.
#[test]
fn the_quota_sheet_shows_how_far_a_tie_lifted_a_grade_past_its_line() {
    use calamine::{open_workbook, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    run_example("quarter", "2026Q3", &out);
    let mut wb: Xlsx<_> = open_workbook(out.join("score-2026Q3.xlsx")).unwrap();
    let sheet = wb.worksheet_range("名额").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let col = rows[0].iter().position(|h| h == "超出名额").expect("a 超出名额 column");
    let row = rows.iter().find(|r| r[0] == "古坝村/兼职网格员").expect("the group");
    assert_eq!(row[col], "优秀 +1", "{row:?}");
    // A group without a tie across a line is over nothing.
    assert!(rows[1..]
        .iter()
        .filter(|r| r[0] != "古坝村/兼职网格员")
        .all(|r| r[col].is_empty() || r[col].contains('+')));
    assert!(rows[1..].iter().any(|r| r[col].is_empty()));
}

/// A run lets each subject's trace lines go once the 明细 has written them (a province's are
/// about 230 MB); the files must be those made from the lines kept in the outcome, byte for
/// byte, as `explain` and `verify` make them.
#[test]
fn the_files_rendered_letting_the_traces_go_are_those_rendered_keeping_them() {
    use gridscore::output::{render, Report, TakenTraces};
    let rules = gridscore::rules::load_builtin("yangkou").unwrap();
    let period = gridscore::period::Period::parse(gridscore::period::PeriodKind::Quarter, "2026Q3").unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yangkou");
    let inputs = gridscore::input::load(&[dir], &rules.read_plan(period.kind), period).unwrap();
    let cal = gridscore::calendar::Calendar::builtin("cn").unwrap();
    let kept = gridscore::engine::score(&inputs, &rules, period, &cal).unwrap();
    let mut emptied = gridscore::engine::score(&inputs, &rules, period, &cal).unwrap();
    let taken = TakenTraces::take(&mut emptied);
    let lines: usize = kept.subjects.iter().map(|s| s.trace.len()).sum();
    assert!(lines > 100, "the example's 明细 has {lines} lines");
    assert!(
        emptied.subjects.iter().all(|s| s.trace.is_empty()),
        "taken out, not copied"
    );

    let a = render(&Report::new(&rules, &inputs, &kept, "cn", &[]), None).unwrap();
    let b = render(&Report::new(&rules, &inputs, &emptied, "cn", &[]), Some(taken)).unwrap();
    let names = |v: &[gridscore::output::Rendered]| v.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b));
    assert!(names(&a).contains(&"score-2026Q3.xlsx".to_string()));
    for (x, y) in a.iter().zip(&b) {
        assert!(x.bytes == y.bytes, "{} differs", x.name);
    }
}
