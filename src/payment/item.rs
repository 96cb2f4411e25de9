//! `item`: pays an item's value, by its path (a money scheme's component: the item's yuan).
//!
//! ```toml
//! item = "reports"
//! ```
//! Traced as `有效信息绩效 150.00元`.
use super::{CheckCx, Due, Facts};
use crate::num::round_fen;
use crate::positioned::Name;
use crate::trace::Said;
use rust_decimal::Decimal;

/// The item's path, as written.
pub type Raw = Name;

#[derive(Debug, Clone)]
pub struct ItemValue {
    pub path: String,
}

/// An item of the rule set.
pub fn check(path: &Raw, cx: &mut CheckCx) -> ItemValue {
    if !cx.items.contains(path.get_ref()) {
        cx.c.at(path, msg!("rs-pay-item-item-rule-set", path = path.get_ref()));
    }
    ItemValue {
        path: path.get_ref().clone(),
    }
}

impl ItemValue {
    pub(super) fn due(&self, f: &Facts) -> Due {
        let at = f.items.iter().position(|(p, _)| *p == self.path);
        let v = at.map_or(Decimal::ZERO, |i| f.item_values[i]);
        let label = at.map_or("", |i| f.items[i].1);
        Due {
            amount: v,
            said: Said::PayItem {
                label: label.to_string(),
                amount: round_fen(v),
            },
            count: Decimal::ONE,
            sources: vec![],
        }
    }
}
