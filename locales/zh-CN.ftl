# gridscore 的中文界面 (默认)。这里的每个 id 在 en.ftl 中也有; 测试保证两者一致, 并覆盖全部命令行帮助。

## 帮助: 版式
help-layout = {"{"}about-with-newline{"}"}
    用法: {"{"}usage{"}"}

    {"{"}all-args{"}"}
heading-commands = 命令
heading-command = 命令
heading-arguments = 参数
heading-options = 选项
help-flag = 显示帮助
help-version = 显示版本

## 帮助: 命令及其参数
help-gridscore = 网格员绩效考核: 按镇里的考核办法 (规则集), 从台账计算每位网格员的得分、等次和奖励
help-gridscore-lang = 界面语言: zh (默认) 或 en; 不给时, 英文环境 (LANG=en_US.UTF-8) 用英文
help-quarter = 季度考核: 评分、等次、名额和当季奖励
help-month = 月度考核: 评分和当月奖励
help-year = 年度考核 (办法中规定了年度考核的方案)
help-run-scheme = 内置方案名 (见 `gridscore schemes`)
help-run-rules = 使用规则集文件, 代替内置方案
help-run-period = 期间: 2026Q3、2026-07 或 2026。默认: 最近一个已结束的期间
help-run-input = 台账文件夹或文件 (工作簿、CSV)。默认: 当前文件夹
help-run-out = 结果文件夹。默认: out/<方案>-<期间>/
help-run-calendar = 使用工作日历文件, 代替规则集内置的日历
help-run-force = 替换已有的结果文件夹 (整套一次替换)
help-run-archive = 以往结果所在位置 (回溯以往期间的规则要用)。默认: 结果文件夹的上一级
help-run-history_from = 本方案在此第一次计算的期间: 更早的期间不再查找, 需要它们的回溯规则不触发。不给时, 缺少以往结果是错误
help-run-quiet = 只输出错误 (定时任务用)
help-run-corrects = 更正这个已审批的结果: 新结果写到单独的文件夹 (默认在其旁边, <结果文件夹>-更正1), 附 corrections-<期间>.xlsx 列出每人的补发或扣回; 银行代发文件只含差额
help-schemes = 列出内置方案
help-sample = 为规则集生成一份模拟台账 (试用和性能测试用)
help-sample-scheme = 内置方案名
help-sample-rules = 使用规则集文件
help-sample-period = 期间: 2026Q3、2026-07 或 2026 [默认: 该方案第一种考核的最近一个已结束期间]
help-sample-size = town (150 人)、county (5,000 人)、province (50,000 人), 或人数
help-sample-csv = 每张表写一个 CSV 文件, 不写工作簿 (超过 Excel 的 1,048,576 行时需要)
help-sample-seed = 生成器的种子: 相同的种子生成相同的文件
help-sample-out = 输出文件夹 [默认: <方案>-sample]; 已有的文件夹必须为空
help-batch = 批量计算: 按批量文件逐镇计算 (月底定时任务), 各镇互不影响
help-batch-file = 批量文件 (TOML): 存档文件夹, 每个镇一段 [[run]]
help-batch-jobs = 同时运行的个数 [默认: CPU 核数]
help-batch-force = 已完成的也重新计算, 台账有变化的也替换
help-batch-quiet = 只输出失败的镇的错误 (定时任务用)
help-template = 为规则集和期间写出空白台账 (台账模板), 带下拉列表
help-template-scheme = 内置方案名
help-template-rules = 使用规则集文件
help-template-period = 台账所属期间: 2026Q3、2026-07 或 2026 [默认: 该方案第一种考核的最近一个已结束期间]
help-template-roster = 上期花名册 (含"花名册"表的工作簿, 或 花名册.csv): 其中各行带入新花名册
help-template-out = 输出文件夹 [默认: <方案>-template]; 模板为其中的 台账-<期间>.xlsx, 不覆盖已有文件
help-check = 检查规则集文件, 列出每个错误及其行号和列号
help-check-file = 规则集 TOML 文件
help-verify = 用存档重算一个结果文件夹, 逐字节比对每个输出 (有差异时退出码为 1)
help-verify-run = 结果文件夹 (out/<方案>-<期间>)
help-approve = 记录审批人和审批时间 (审批); 审批后的结果为定稿
help-approve-run = 结果文件夹 (out/<方案>-<期间>)
help-approve-by = 审批人 (审核人)
help-approve-note = 随审批保存的说明 (会议、文号等)
help-diff = 逐人比较两次结果, 逐行比较其台账
help-diff-a = 之前的结果文件夹
help-diff-b = 之后的结果文件夹
help-diff-xlsx = 同时把比较结果写成工作簿
help-explain = 说明某人每一分、每一元的来历 (从结果文件夹)
help-explain-run = 结果文件夹 (out/<方案>-<期间>)
help-explain-id = 编号 (也可以是姓名, 或去掉前导零的编号)
help-test = 运行规则集的测试用例: 用 TOML 写的小台账和预期结果
help-test-ruleset = 内置方案名, 或规则集 TOML 文件
help-test-cases = 用例文件。默认: 内置用例, 或规则集旁边的 <文件名>.tests.toml

## 消息
error-prefix = 错误:
note-prefix = 提示:
note-ties = { $count } 个组同分并列跨越名额线, 见评分表的说明表和名额表
note-more = … 另有 { $count } 条提示, 全部在评分表的说明表中
note-waiting = 另一个 gridscore 正在 { $out } 旁写出结果; 等待其完成
run-counts-vetoed = { $count } 人被否决
run-counts-pending = { $count } 人否决待确认 (奖励暂缓)
run-counts-decisions = 已计入 { $count } 条决定
run-summary = { $scheme } { $period }: 已评分 { $subjects } 人 ({ $counts }); 写出 { $out }: { $files } (存档: { $manifest })
run-skipped-own = 跳过 { $file }: 这是 gridscore 以往运行的结果, 不是台账 (未读取, 未存档)
run-skipped = 跳过 { $file }: 其中没有本规则集读取的表 (未读取, 未存档)
input-errors-heading = { $count } 个输入错误, 未写出任何文件:
input-errors-heading-lines = { $rows } 个输入错误 (共 { $lines } 条); 未写出任何文件:
input-errors-more = … 另有 { $count } 个:
approve-done = { $dir }: { $scheme } { $period } 已由 { $by } 于 { $at } 审批; 定稿: { $finals }
approve-no-finals = (无公示表和银行代发文件)
batch-waiting = 另一个批量任务正在使用 { $archive }; 等待其完成
batch-failed = 失败: { $error }
batch-skipped = 跳过: 已完成, 见 { $out }
batch-pay = , 发放 ¥{ $pay }
batch-done = 完成: 已评分 { $subjects } 人 ({ $vetoed } 人被否决){ $pay } → { $out }
check-ok = { $file }: 无误 — 方案 { $scheme } ({ $document }), { $roles } 个岗位, { $types } 个事件类型, { $measures } 个计量, { $items } 个评分项, { $vetoes } 个否决情形, { $pay } 个发放项; SHA-256 { $sha }
sample-wrote = 已写出 { $out } ({ $workers } 人, { $period }): { $rows }
template-wrote = 已写出 { $path } ({ $title } { $period })
verify-identical = { $dir }: 一致 — { $scheme } { $period } 用存档的台账和规则集 ({ $rules }) 重算, 全部 { $files } 个文件逐字节相同
verify-differences = { $dir }: { $count } 处不同
usage-several-schemes = { $dir } 中有几个方案的规则集 ({ $names }); 用 --scheme 指定一个
usage-scheme-and-rules = --scheme 和 --rules { $file } 只能给一个 (--rules 是文件夹时, 用 --scheme 从其中选方案)
usage-no-scheme = 用 --scheme 指定方案 (内置: { $names }), 或用 --rules 指定规则集文件
usage-not-a-period = `{ $period }` 不是期间, 应写作 2026Q3、2026-07 或 2026
usage-no-such-appraisal = 方案 { $scheme } ({ $document }) 没有规定 { $kind } 考核; 规定的是: { $defined }
usage-history-from = --history-from: `{ $period }` 不是期间, 应写作 2026-07、2026Q3 或 2026
usage-out-overlaps = 结果文件夹 { $out } 与台账 { $input } 重叠 ({ $how }); gridscore 从不在读取的位置写出: 用 --out 指定台账以外的文件夹
usage-by-blank = --by: 审批人姓名不能为空
usage-approved-already = { $dir } 已于 { $at } 由 { $by } 审批
usage-template-exists = { $path } 已存在 (其中可能有已填的内容); 用 --out 指定别的文件夹
usage-sample-not-empty = { $out } 中已有文件; 用 --out 指定空的或新的文件夹
usage-sample-size = --size `{ $size }`: 应为 town、county、province 或人数
corrects-not-approved = { $run } 尚未审批: --corrects 只更正已审批的结果 (`gridscore approve`); 未审批的结果直接加 --force 重新计算
corrects-manifest-changed = { $run }: { $manifest } 已不是审批时的清单
usage-corrects-other-run = --corrects: { $run } 是 { $was } 的结果; 更正须为同一方案、同一期间 ({ $now })
