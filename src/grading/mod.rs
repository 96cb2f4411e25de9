//! Grading methods: how a quota group's subjects are given grades.
//!
//! `[grading]` names the groups (`scope`), the tie-breaking items, the rounding and the tie
//! policy, and exactly one method, each a file of this folder holding its TOML shape, its
//! checks, the grade lines it draws and its tests: `quota` (forced shares, 优秀 20% / 良好 60% /
//! 合格 20%) or `bands` (score bands, ≥90 优秀 at most 20%). [`Method`] below is the one place
//! that names them. Whatever the method, the group is then placed against its lines the same
//! way (`place.rs`): sorted by total and tie-breakers, ties at a line lifted to the better grade
//! and reported. Which subject is in which group, the vetoed grade, the committee's 名额裁定
//! and the trace are the engine's (`engine/grade.rs`). Adding a method is a file here, a
//! variant of [`Method`] and its key on [`Raw`].
//!
//! A leaf below the rule set and the engine, like `measure/`, `scoring/` and `payment/`.
pub mod bands;
pub mod place;
pub mod quota;

use crate::contract::ScopeField;
use crate::period::PeriodKind;
use crate::positioned::{one_of, period_kind, Checker, Name, Problem};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashSet;
use toml::Spanned;

/// `[grading]` as written.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    #[serde(default)]
    pub periods: Option<Vec<Name>>,
    pub vetoed_grade: String,
    #[serde(default)]
    pub scope: Vec<Name>,
    #[serde(default)]
    pub tie_breakers: Vec<Name>,
    pub rounding: Name,
    pub ties: Name,
    /// Forced shares (优秀 20% / 良好 60% / 合格 20%) …
    pub quota: Option<Spanned<Vec<quota::Raw>>>,
    /// … or score bands (≥90 优秀, at most 20%; ≥70 合格; else 不合格).
    pub bands: Option<Spanned<Vec<bands::Raw>>>,
}

/// A checked `[grading]`.
#[derive(Debug, Clone)]
pub struct Grading {
    pub periods: Vec<PeriodKind>,
    pub vetoed_grade: String,
    pub scope: Vec<ScopeField>,
    /// Score items compared, in order, when totals are equal (top-level item indices).
    pub tie_breakers: Vec<usize>,
    pub method: Method,
}

/// How the grade lines are drawn.
#[derive(Debug, Clone)]
pub enum Method {
    /// Forced shares of the group, in grade order.
    Quota(Vec<quota::Share>),
    /// Score bands, best first; the last has no threshold.
    Bands(Vec<bands::Band>),
}

/// What the checks of `[grading]` consult of the items: each top-level score item's id (the
/// tie-breakers must be among them), by item index; `None` for an item of another kind.
pub struct CheckCx<'a> {
    pub c: &'a mut Checker,
    pub score_items: &'a [Option<&'a str>],
    pub scheme_periods: &'a [PeriodKind],
}

/// Checks `[grading]`: known scope fields, score items as tie-breakers, the one rounding and
/// tie policy the documents use, exactly one method, and every grade named once.
pub fn check(cx: &mut CheckCx, g: &Raw) -> Grading {
    let c = &mut *cx.c;
    let periods = match &g.periods {
        Some(ps) => ps.iter().filter_map(|p| period_kind(c, p)).collect(),
        None => cx.scheme_periods.to_vec(),
    };
    let scope = g.scope.iter().filter_map(|s| scope_field(c, s)).collect();
    let tie_breakers = g
        .tie_breakers
        .iter()
        .filter_map(|t| tie_breaker(c, cx.score_items, t))
        .collect();
    if g.rounding.get_ref() != "half_up" {
        c.at(&g.rounding, msg!("rs-quota-rounding-must-half-up"));
    }
    if g.ties.get_ref() != "higher_grade_and_report" {
        c.at(&g.ties, msg!("rs-ties-must-higher-grade-report"));
    }
    let (method, at) = match (&g.quota, &g.bands) {
        (Some(q), None) => (Method::Quota(quota::check(c, q)), q.span()),
        (None, Some(b)) => (Method::Bands(bands::check(c, b)), b.span()),
        _ => {
            c.at(&g.rounding, msg!("rs-grading-takes-exactly-one-quota"));
            (Method::Quota(vec![]), g.rounding.span())
        }
    };
    // Every grade once. A quota's grades are places a vetoed worker never takes; a band may be
    // the vetoed grade itself (<70 不合格, like a veto).
    let mut names = HashSet::new();
    for grade in method.grades() {
        let vetoed_place = grade == g.vetoed_grade && matches!(method, Method::Quota(_));
        if !names.insert(grade.clone()) || vetoed_place {
            c.problems.push(Problem {
                span: Some(at.clone()),
                message: msg!("rs-grade-appears-twice", grade = grade),
            });
        }
    }
    Grading {
        periods,
        vetoed_grade: g.vetoed_grade.clone(),
        scope,
        tie_breakers,
        method,
    }
}

fn scope_field(c: &mut Checker, s: &Name) -> Option<ScopeField> {
    let f = ScopeField::parse(s.get_ref());
    if f.is_none() {
        let expected = one_of(&["village", "role", "grid", "area"]);
        c.at(
            s,
            msg!("rs-unknown-scope-expected", value = s.get_ref(), one_of = expected),
        );
    }
    f
}

fn tie_breaker(c: &mut Checker, score_items: &[Option<&str>], t: &Name) -> Option<usize> {
    let i = score_items.iter().position(|id| *id == Some(t.get_ref().as_str()));
    if i.is_none() {
        let known: Vec<&str> = score_items.iter().flatten().copied().collect();
        c.at(
            t,
            msg!(
                "rs-tie-breaker-score-item-score",
                value = t.get_ref(),
                one_of = one_of(&known)
            ),
        );
    }
    i
}

impl Grading {
    /// The grades a graded, non-vetoed subject can get, best first.
    pub fn grades(&self) -> Vec<String> {
        self.method.grades()
    }
}

impl Method {
    /// The method's grades, best first.
    pub fn grades(&self) -> Vec<String> {
        match self {
            Method::Quota(q) => q.iter().map(|q| q.grade.clone()).collect(),
            Method::Bands(b) => b.iter().map(|b| b.grade.clone()).collect(),
        }
    }

    /// The cumulative grade lines of a group whose eligible subjects have these totals:
    /// positions up to `lines[k]` take grade k (before ties). `fixed` gives a quota grade's
    /// count where the run sets it (a 参数 row named by `count_param`).
    pub fn lines(&self, totals: &[Decimal], fixed: &mut dyn FnMut(&str) -> Option<usize>) -> Vec<usize> {
        match self {
            Method::Quota(q) => {
                let shares: Vec<Decimal> = q.iter().map(|q| q.share).collect();
                let counts: Vec<Option<usize>> = q
                    .iter()
                    .map(|q| q.count_param.as_deref().and_then(&mut *fixed))
                    .collect();
                quota::lines(totals.len(), &shares, &counts)
            }
            Method::Bands(b) => bands::lines(totals, b),
        }
    }
}
