//! `union`: the occurrences of several measures of rows, counted together.
//!
//! "辖区内出现非正常上访 或 不支持配合" as one count, when the two are counted differently (one
//! for the grid, one for the worker): a month lost to either.
//!
//! ```toml
//! [measures.either]
//! kind = "union"
//! label = "上访或不配合"
//! measures = ["petitions_in_grid", "not_supporting"]
//! ```
use super::{CheckCx, Kind, Occurrence, Stage, Value, WorkerCx};
use crate::contract::SheetKind;
use serde::Deserialize;
use toml::Spanned;

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    measures: Option<Spanned<Vec<Spanned<String>>>>,
}

/// The occurrences of these measures together, in date order.
#[derive(Debug, Clone)]
pub struct Union {
    pub of: Vec<usize>,
}

impl Kind for Union {
    type Raw = Raw;
    const SHEET: Option<SheetKind> = None;
    const STAGE: Stage = Stage::Joined;

    fn check(raw: Raw, cx: &mut CheckCx) -> Option<Union> {
        let Some(list) = &raw.measures else {
            cx.say(msg!("rs-measure-kind-union-needs-measures"));
            return None;
        };
        let of: Vec<usize> = list
            .get_ref()
            .iter()
            .filter_map(|name| {
                cx.measure(
                    name,
                    &["minimum", "union", "survey_rate", "indicator"],
                    &msg!("rs-union-counts-rows"),
                )
            })
            .collect();
        if list.get_ref().len() < 2 {
            cx.c.at(list, msg!("rs-union-names-two-measures-more"));
        }
        Some(Union { of })
    }

    fn compute(&self, _: &WorkerCx, done: &[Value]) -> Value {
        let mut all: Vec<Occurrence> = self
            .of
            .iter()
            .flat_map(|m| done[*m].occurrences().iter().cloned())
            .collect();
        all.sort_by_key(|o| o.date);
        Value::Occurrences(all)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_text;

    #[test]
    fn a_union_names_two_measures_of_rows() {
        let text = "[measures.v]\nkind = \"events\"\nlabel = \"走访\"\ntypes = [\"走访\"]\n\n[measures.u]\nkind = \"union\"\nlabel = \"或\"\nmeasures = [\"v\"]\n";
        let p = check_text(text).unwrap_err();
        assert!(p[0].1.contains("a union names two measures or more"), "{p:?}");
        let text = "[measures.v]\nkind = \"events\"\nlabel = \"走访\"\ntypes = [\"走访\"]\n\n[measures.u]\nkind = \"union\"\nlabel = \"或\"\nmeasures = [\"v\", \"v\"]\n";
        assert!(check_text(text).is_ok());
    }
}
