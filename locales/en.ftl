# gridscore's interface in English (`--lang en`, or an English locale). Every id here is also
# in zh-CN.ftl; a test holds the two files to each other and to the command line.

## Help: layout
help-layout = {"{"}about-with-newline{"}"}
    Usage: {"{"}usage{"}"}

    {"{"}all-args{"}"}
heading-commands = Commands
heading-command = COMMAND
heading-arguments = Arguments
heading-options = Options
help-flag = Print help
help-version = Print version

## Help: commands and their arguments
help-gridscore = 网格员绩效考核: score grid workers from the office's sheets by a township's rule set
help-gridscore-lang = The language of help and messages: zh (the default) or en; without it, an English locale (LANG=en_US.UTF-8) chooses English
help-quarter = Score a quarter: grades, quota, and the quarter's pay (季度考核)
help-month = Score a month and its monthly pay (月度考核)
help-year = Score a year (年度考核), for schemes that define one
help-run-scheme = Built-in scheme name (see `gridscore schemes`)
help-run-rules = A rule-set file to use instead of a built-in scheme
help-run-period = The period: 2026Q3, 2026-07 or 2026. Default: the last completed one
help-run-input = Input folders or files (workbooks, CSV). Default: the current folder
help-run-out = Output folder. Default: out/<scheme>-<period>/
help-run-calendar = A duty-day calendar file instead of the rule set's built-in one
help-run-force = Replace an existing run folder (the whole set, at once)
help-run-archive = Where earlier runs are (for rules that look back). Default: the output folder's parent
help-run-history_from = The first period gridscore scored this scheme: earlier runs are not looked for, and a look-back rule that needs them cannot fire. Without it, a missing earlier run is an error
help-run-quiet = Print nothing but errors (for cron)
help-run-corrects = Correct this approved run folder: the new set goes to its own folder (default: beside it, <RUN_DIR>-更正1) with corrections-<period>.xlsx, each worker's 补发 or 扣回; its bank file pays only the differences
help-schemes = List the built-in rule sets
help-sample = Write a realistic sample input for a rule set (for trying gridscore, and the benchmark)
help-sample-scheme = Built-in scheme name
help-sample-rules = A rule-set file instead
help-sample-period = The period: 2026Q3, 2026-07 or 2026 [default: the last completed period of the scheme's first kind of run]
help-sample-size = town (150 workers), county (5,000), province (50,000), or a number of workers
help-sample-csv = Write one CSV per sheet instead of a workbook (needed past Excel's 1,048,576 rows)
help-sample-seed = Seed of the generator: the same seed gives the same files
help-sample-out = Output folder [default: <scheme>-sample]; an existing folder must be empty
help-batch = Run every township's appraisal of a batch file (the month-end job), each on its own
help-batch-file = The batch file (TOML): the archive folder and a [[run]] per township
help-batch-jobs = Runs at a time [default: the number of cores]
help-batch-force = Re-score runs already done, and replace runs whose inputs changed since
help-batch-quiet = Print only the failed runs' errors (for cron)
help-template = Write blank input workbooks for a rule set and period (台账模板), with drop-down lists
help-template-scheme = Built-in scheme name
help-template-rules = A rule-set file instead
help-template-period = The period the sheets are for: 2026Q3, 2026-07 or 2026 [default: the last completed period of the scheme's first kind of run]
help-template-roster = Last period's roster (a workbook with a 花名册 sheet, or 花名册.csv): its rows are copied into the new roster
help-template-out = Output folder [default: <scheme>-template]; the template is 台账-<period>.xlsx in it, never written over an existing file
help-check = Validate a rule-set file and report every error with its line and column
help-check-file = The rule-set TOML file
help-verify = Re-run an archived run folder and compare every output byte (exit 1 on a difference)
help-verify-run = A run folder (out/<scheme>-<period>)
help-approve = Record who approved a run and when (审批); an approved run is final
help-approve-run = A run folder (out/<scheme>-<period>)
help-approve-by = Who approves (审核人)
help-approve-note = A note kept with the approval (会议, 文号 …)
help-diff = Compare two runs subject by subject, and their inputs row by row
help-diff-a = The run before (a run folder)
help-diff-b = The run after (a run folder)
help-diff-xlsx = Also write the comparison as a workbook
help-explain = Show how one subject's numbers were derived, from a run folder
help-explain-run = A run folder (out/<scheme>-<period>)
help-explain-id = The subject's 编号 (or its name, or the 编号 without its leading zeros)
help-test = Run a rule set's test cases: small inputs with expected results, written in TOML
help-test-ruleset = A built-in scheme name, or a rule-set TOML file
help-test-cases = The cases file. Default: the built-in cases, or <stem>.tests.toml beside the file

## Messages
error-prefix = error:
note-prefix = note:
note-ties = { $count } quota groups tie across a quota line: see the 说明 and 名额 sheets of the score workbook
note-more = … and { $count } more notes, all in the 说明 sheet of the score workbook
note-waiting = another gridscore run is writing beside { $out }; waiting for it to finish
run-counts-vetoed = { $count } vetoed
run-counts-pending = { $count } 否决待确认 (pay held)
run-counts-decisions = { $count } 决定 applied
run-summary = { $scheme } { $period }: { $subjects } scored ({ $counts }); wrote { $out }: { $files } (and the run's archive: { $manifest })
run-skipped-own = skipped { $file }: gridscore's own output of an earlier run, not an input (not read, not archived)
run-skipped = skipped { $file }: no sheet this rule set reads (not read, not archived)
input-errors-heading = { $count ->
    [one] 1 input error; nothing was written:
   *[other] { $count } input errors; nothing was written:
}
input-errors-heading-lines = { $rows } input errors, in { $lines ->
    [one] 1 line
   *[other] { $lines } lines
}; nothing was written:
input-errors-more = … and { $count } more:
approve-done = { $dir }: { $scheme } { $period } approved by { $by } at { $at }; final: { $finals }
approve-no-finals = (no notice or bank file)
batch-waiting = another batch is running on { $archive }; waiting for it to finish
batch-failed = 失败 failed: { $error }
batch-skipped = 跳过 skipped, already done in { $out }
batch-pay = , pay ¥{ $pay }
batch-done = 完成 done, { $subjects } scored ({ $vetoed } vetoed){ $pay } → { $out }
check-ok = { $file }: ok — scheme { $scheme } ({ $document }), { $roles } roles, { $types } event types, { $measures } measures, { $items } items, { $vetoes } vetoes, { $pay } pay rules; SHA-256 { $sha }
sample-wrote = wrote { $out } ({ $workers } workers, { $period }): { $rows }
template-wrote = wrote { $path } ({ $title } { $period })
verify-identical = { $dir }: identical — { $scheme } { $period } re-run from its archived inputs and rule set ({ $rules }) gives the same bytes in all { $files } files
verify-differences = { $dir }: { $count } differences
usage-several-schemes = { $dir } holds rule sets of several schemes ({ $names }); name one with --scheme
usage-scheme-and-rules = name either --scheme or --rules { $file }, not both (--scheme picks a scheme among the files of a --rules folder)
usage-no-scheme = name a scheme with --scheme (built-in: { $names }) or a rule-set file with --rules
usage-not-a-period = `{ $period }` is not a period like 2026Q3, 2026-07 or 2026
usage-no-such-appraisal = scheme { $scheme } ({ $document }) defines no { $kind } appraisal; it defines: { $defined }
usage-history-from = --history-from: `{ $period }` is not a period like 2026-07, 2026Q3 or 2026
usage-out-overlaps = the output folder { $out } { $how } the input { $input }; gridscore never writes where it reads: name an --out outside the inputs
usage-by-blank = --by: the name of who approves, not blank
usage-approved-already = { $dir } was approved already, by { $by } at { $at }
usage-template-exists = { $path } already exists (it may hold what a clerk typed); give --out another folder
usage-sample-not-empty = { $out } already holds files; give --out an empty or new folder
usage-sample-size = --size `{ $size }`: town, county, province or a number of workers
corrects-not-approved = { $run } is not approved: --corrects corrects an approved run (`gridscore approve`); a run not yet approved is scored again with --force instead
corrects-manifest-changed = { $run }: { $manifest } is not the manifest that was approved
usage-corrects-other-run = --corrects: { $run } is a run of { $was }; a correction is of the same scheme and period ({ $now })

## Input problems: each names its cell; `expected` is what the cell should hold
in-found-expected = found "{ $found }", expected { $expected }
input-errors-more-in = { $count } in { $place }
in-duplicate-id-costs = ; so rows of other sheets may name a worker this row was meant for: { $count ->
        [1] this id is
       *[other] these ids are
    } not on the roster ({ $ids })
in-unknown-rows = { $expected } — { $count } rows name it: { $places }
in-alike-rows = { $count } rows ({ $places }): found { $found }; expected { $expected }
in-out-of-period-hint-quarter = { " " }— in { $quarter }: run that period (--period { $quarter }, or one of its months), or give { $window }'s sheets
in-out-of-period-hint = ; give { $window }'s sheets
in-out-of-period-cause = the cause of all { $count } errors below: this { $period } run reads rows dated in { $window }, and every dated row lies outside it, from { $first } to { $last }{ $hint }
in-decision-kind = a 决定: { $known }
in-decision-points = the 分值 of a 调整: points (or yuan) to add, negative to take off
in-decision-points-range = a 分值 other than 0, at most { $most } either way
in-decision-points-blank = a blank 分值: only a 调整 adds points, not a { $kind }
in-decision-exempt-item = the measure a 免扣 exempts (its id or label)
in-decision-exempt-occurrence = the 扣分记录 a 免扣 exempts: its source row (巡查!17) or its date
in-decision-ruling-grade = the grade a 名额裁定 gives the worker (one of the tie's grades)
in-decision-occurrence-blank = a blank 扣分记录: only a 免扣 names one, not a { $kind }
in-window-with-weeks = { $window } or the weeks it counts ({ $from } to { $to })
in-date-within = a date within { $within } (the input period of this run)
in-duplicate-id = a unique 编号; it is already used at { $first }
in-unknown-worker-zero = { " " }(the roster has { $id }: was the leading zero lost when the cell became a number?)
in-unknown-worker = a worker 编号 on the roster (花名册){ $hint }
in-role = a role (岗位) the rule set declares: { $known }{ $hint }
in-end-after-start = a 离岗日期 on or after the 到岗日期 { $start }
in-amount = an amount from 0 to { $most }
in-status-count = at most { $most } statuses in one cell
in-status = statuses joined by 、 from: { $known }
in-session = a session: 上午 (am) or 下午 (pm)
in-hours = a number of hours from 0 to 24
in-end-time = an end time (结束) after the start time (开始) { $start }
in-did-you-mean = { " " }— did you mean { $near }?
in-did-you-mean-many = { " " }— did you mean one of { $near }?
in-type = a 类型 the rule set declares: { $known }{ $hint }
in-level = a 级别 for { $event_type }: { $known }{ $hint }
in-count = a whole number of occurrences from 0 to { $most } (blank means 1)
in-type-amount = a 金额 from { $low } to { $high } for this 类型 (the rule set pays the row's own amount)
in-survey-both = either a respondent's answers (知晓/覆盖/满意) or given rates (知晓率/覆盖率/满意率) on one row, not both
in-indicator = an 指标 the rule set reads: { $known }
in-numerator = a 分子 from 0 to the 分母, and a 分母 above 0
in-rate-value = a rate: a 值 (95%, 0.95) or a 分子 and a 分母
in-value-whole = a whole number of occurrences from 0 to { $most }
in-value-number = a number from 0 to { $most }
in-period = a period: a month 2026-07, a quarter 2026Q3 or a year 2026
