//! The trace: every point and yuan with the rule and the source rows that produced it.
use crate::contract::{DailyField, Session, SheetKind};
use crate::input::records::Src;
use crate::period::Bucket;
use crate::scoring::lines::Rate;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Where an occurrence came from: a row, or a row that should have been there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Row(Src),
    /// An expected row that is absent (a missed patrol or sign-in), on a date.
    Missing {
        sheet: SheetKind,
        date: NaiveDate,
        why: Absent,
    },
}

/// Why an expected row counts as absent, as data (`output::said` words it): a province's
/// missed patrols are hundreds of thousands of these, so no text is made until one is shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Absent {
    /// No sign-in on a duty day (未到岗).
    NotAtPost,
    /// The day's rows have no value in this column (无签到时间).
    NoValue(DailyField),
    /// No patrol row on a duty day (无巡查记录).
    NoPatrol,
    /// One session patrolled where more were due (仅上午).
    OnlySession(Session),
    /// Fewer patrols than due (巡查不足).
    TooFewPatrols,
    /// A bucket's count below its minimum (`7月 2/3`); the bucket starts on the source's date.
    /// Boxed: a province's trace holds three million sources, nearly all rows and days, and
    /// two figures here would make every one of them twice as large.
    BelowMinimum(Box<Shortfall>),
}

/// A bucket's count and the minimum it fell short of ([`Absent::BelowMinimum`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shortfall {
    pub per: Bucket,
    pub got: Decimal,
    pub need: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Points,
    Yuan,
    /// A note that moves nothing (a quota position, a withheld payment's reason).
    Note,
}

/// A rule's id or label as a trace line names it: shared, not copied ([`label`]).
pub type Label = std::sync::Arc<str>;

/// `text` as a [`Label`], the same allocation for the same text on this thread: a province's
/// 600,000 trace lines name a few hundred items, and two strings of their own per line were
/// 35 MB held through the whole rendering.
pub fn label(text: &str) -> Label {
    thread_local! {
        static LABELS: std::cell::RefCell<std::collections::HashSet<Label>> = Default::default();
    }
    LABELS.with(|labels| {
        let mut labels = labels.borrow_mut();
        match labels.get(text) {
            Some(l) => l.clone(),
            None => {
                let l: Label = text.into();
                labels.insert(l.clone());
                l
            }
        }
    })
}

/// One applied rule for one subject.
#[derive(Debug, Clone)]
pub struct TraceLine {
    /// Item path (`patrol.twice_daily`), veto id, `quota` or a pay id.
    pub item: Label,
    pub item_label: Label,
    /// The rule that applied and its figures, as data (`output::said` words it).
    pub said: Said,
    pub count: Decimal,
    pub value: Decimal,
    pub unit: Unit,
    pub sources: Vec<Source>,
}

/// What a trace line says, as data: the rule that applied and the figures it applied to, never
/// a finished sentence. The words are the output's (`output::said`), so a line reads the same in
/// the 明细 sheet and in `explain`, and a figure is never parsed back out of a text. Each
/// primitive builds its own variant where it computes (the `tier` scoring builds
/// [`Said::Tier`] in `scoring/tier.rs`); labels are the rule set's and the inputs' own words.
#[derive(Debug, Clone, PartialEq)]
pub enum Said {
    /// Nothing to say: a pay rule that found nothing due (never shown).
    Nothing,
    /// `tier`: the measure's reading and the tier it falls in (`≥90% 得8`).
    Tier {
        label: Label,
        reading: Reading,
        bound: TierBound,
        points: Decimal,
    },
    /// `scale` of a rate read or given: `满意率 95% (19/20) × 10 = 9.5`.
    Scale {
        label: Label,
        reading: Reading,
        full: Decimal,
        points: Decimal,
    },
    /// `scale` of a `ratio`: the document's 按比例, `10 × 18/22 = 8.18`.
    ScaleRatio {
        label: Label,
        full: Decimal,
        done: Decimal,
        required: Decimal,
        points: Decimal,
    },
    /// `scale` of a `ratio` with nothing required: full marks.
    ScaleNothingRequired { label: Label, points: Decimal },
    /// `monthly`: a role's amount a month × its share × the months in post, part months added.
    Monthly(Box<Monthly>),
    /// `sum_of_runs`: an item's value in each earlier run of the year, summed.
    SumOfRuns {
        item: String,
        runs: Vec<(crate::period::Period, Decimal)>,
        sum: Decimal,
    },
    /// A `lines` line at one rate for every occurrence: `按时办结 3件 × 3 = 9`.
    LineEach {
        label: Label,
        count: Decimal,
        unit: Label,
        each: Decimal,
        points: Decimal,
        capped: Option<Decimal>,
    },
    /// A `lines` line at a rate by level or from the row, every occurrence counted.
    LineRate {
        label: Label,
        rate: Rate,
        capped: Option<Decimal>,
    },
    /// A `lines` line counted by bucket or within a band of occurrences.
    LineBanded(Box<LineBanded>),
    /// A `lines` item's deductions held to its cap (`cap`).
    DeductionsCapped { cap: Decimal },
    /// An item's start (or a pay rule's amount) scaled to the whole months in post.
    PartPeriod(PartOfPeriod),
    /// An item held at its floor (扣完为止).
    Floor { floor: Decimal },
    /// An item held at its maximum: full marks for a score item, else a cap.
    Max { max: Decimal, full_marks: bool },
    /// An item's points as they count in the total: weight and coefficients.
    Counted {
        points: Decimal,
        factors: Vec<Factor>,
        counted: Decimal,
    },
    /// A veto raised: its label.
    Veto { label: String },
    /// A veto the rule set holds for the committee's confirmation, not yet confirmed.
    VetoPending { label: String },
    /// A flag raised on a measure, and the measure's value.
    Flag {
        label: String,
        measure: String,
        value: Decimal,
    },
    /// A look-back flag, and the runs (oldest first, this one last) it held in.
    LookBack {
        label: String,
        runs: Vec<crate::period::Period>,
    },
    /// A subject's place in its quota group and the grade it gives.
    Quota(Box<QuotaPlace>),
    /// An honour given by rank: the rank and the places.
    Honor {
        label: String,
        rank: u32,
        places: usize,
        share: Decimal,
        of: usize,
        tied: bool,
    },
    /// A committee decision (决定 sheet) and what it did.
    Decision(Box<DecisionSaid>),
    /// `by_grade` pay.
    PayByGrade { grade: String, amount: Decimal },
    /// `grade_param` pay.
    PayGradeParam {
        grade: String,
        param: String,
        amount: Decimal,
    },
    /// `item` pay: an item's value in yuan, to the fen.
    PayItem { label: String, amount: Decimal },
    /// `param_bands` pay: the 参数 value and the band's amount.
    PayParamBands {
        param: String,
        value: Decimal,
        amount: Decimal,
    },
    /// `per_event` pay: the measure's occurrences by level.
    PayPerEvent {
        label: String,
        by_level: Vec<(String, Decimal)>,
        amount: Decimal,
    },
    /// `subsidy` pay: the roster's 月补贴 over the months in post, by the grade's factor.
    PaySubsidy(Box<Subsidy>),
    /// A pay rule's amount scaled to the whole months in post.
    PayScaled(Box<(Said, PartOfPeriod)>),
    /// A pay rule's amount withheld, and why.
    Withheld { why: WithheldWhy, amount: Decimal },
    /// A pool's share: what a rule withheld from everyone, shared among a grade.
    Pool {
        from: String,
        withheld: Decimal,
        takers: usize,
        share: Decimal,
        /// The taker's position (from 1) when it takes one of the remainder's fen.
        remainder_at: Option<usize>,
    },
}

/// A rate or number a `tier` or `scale` reads, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub value: Decimal,
    /// A number given as such (an inspection score), not a rate shown as a percentage.
    pub number: bool,
    pub how: ReadingHow,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadingHow {
    /// Given as such in the 测评 sheet.
    Given,
    /// Yes answers over answers.
    Of { yes: Decimal, answered: Decimal },
    /// Not a rate (an occurrence measure).
    None,
}

/// The tier a reading fell in: at or above a threshold, or below the lowest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TierBound {
    AtLeast(Decimal),
    Below(Decimal),
}

/// A `lines` line counted by bucket (each week or month) or within a band of occurrences.
#[derive(Debug, Clone, PartialEq)]
pub struct LineBanded {
    pub label: String,
    pub per: crate::period::Bucket,
    /// Counted beyond the first `beyond`, up to the `up_to`-th.
    pub beyond: Option<Decimal>,
    pub up_to: Option<Decimal>,
    pub rate: Rate,
    pub counted: Decimal,
    /// Each bucket's start (none for the whole period) and its occurrences.
    pub buckets: Vec<(Option<NaiveDate>, Decimal)>,
    /// The cap, when it held (per bucket when `per` is a week or month).
    pub capped: Option<Decimal>,
}

/// Whole months in post of a period: `在岗2个整月: 30 × 2/3 = 20`.
#[derive(Debug, Clone, PartialEq)]
pub struct PartOfPeriod {
    pub months: Decimal,
    pub of: Decimal,
    pub amount: Decimal,
    pub scaled: Decimal,
}

/// A month covered in part by the 到岗–离岗 span, and what it adds.
#[derive(Debug, Clone, PartialEq)]
pub enum MonthPart {
    /// Counted as a whole month.
    Full { month: u32, days: Decimal, amount: Decimal },
    /// Pro rata by calendar days.
    ProRata {
        month: u32,
        days: Decimal,
        of: Decimal,
        per_month: Decimal,
        amount: Decimal,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Monthly {
    pub base: Decimal,
    pub share: Decimal,
    pub full_months: Decimal,
    pub parts: Vec<MonthPart>,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Subsidy {
    pub monthly: Decimal,
    pub full_months: Decimal,
    pub parts: Vec<MonthPart>,
    pub factor: Decimal,
    pub grade: String,
    pub amount: Decimal,
}

/// One factor of an item's weight in the total.
#[derive(Debug, Clone, PartialEq)]
pub enum Factor {
    Weight(Decimal),
    /// The 区域 coefficient: the roster's 区域 (blank when not filled) and its value.
    Area {
        area: String,
        value: Decimal,
    },
    /// A 参数 coefficient: its name and value.
    Param {
        name: String,
        value: Decimal,
    },
}

/// A subject's place in its quota group.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaPlace {
    pub group: String,
    pub rank: u32,
    pub position: u32,
    pub of: usize,
    /// Each grade and the last position it reaches.
    pub lines: Vec<(String, usize)>,
    /// A tie at a line lifted the subject: (the grade given, the grade its position gives).
    pub lifted: Option<(String, String)>,
}

/// A decision of the 决定 sheet as the trace states it: the row's kind, reason, who decided and
/// when, and what it did.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionSaid {
    pub kind: crate::contract::DecisionKind,
    pub reason: String,
    pub decided_by: String,
    pub date: NaiveDate,
    pub did: Did,
}

/// What a decision did.
#[derive(Debug, Clone, PartialEq)]
pub enum Did {
    /// 免扣: occurrences of a measure not counted.
    Exempt {
        measure: String,
        at: crate::input::records::OccurrenceRef,
        count: Decimal,
    },
    /// 调整 of an item, and what it adds to the total when the item is weighted.
    AdjustItem {
        points: Decimal,
        weighted: Option<(Decimal, Decimal)>,
    },
    AdjustTotal {
        points: Decimal,
    },
    AdjustPay {
        amount: Decimal,
    },
    RevokeVeto {
        veto: String,
    },
    ConfirmVeto {
        veto: String,
    },
    Ruling {
        grade: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithheldWhy {
    /// The roster says the worker takes no reward.
    NoReward,
    /// Vetoed under a rule that withholds.
    Vetoed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_given_out_once_per_text_and_thread_and_reads_as_its_text() {
        let (a, b) = (label("巡查时间不足"), label("巡查时间不足"));
        assert!(std::sync::Arc::ptr_eq(&a, &b), "the same text, the same allocation");
        assert_eq!(&*a, "巡查时间不足");
        let other = label("迟到早退");
        assert!(!std::sync::Arc::ptr_eq(&a, &other));
        // Another thread keeps labels of its own: no lock between the scoring threads.
        let there = std::thread::spawn(|| label("巡查时间不足")).join().unwrap();
        assert_eq!(there, a, "equal text");
        assert!(!std::sync::Arc::ptr_eq(&there, &a), "its own allocation");
    }
}
