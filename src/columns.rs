//! The fixed columns of scores.csv and payouts.csv, before the items' and pay rules' own.
//!
//! One list for the file that writes them (`output::csv_out`) and the rule set that must not
//! reuse them: an item or pay id equal to one would give its file two columns of one name.
//! A leaf, so that rules can refuse such an id without importing output.

/// scores.csv: these, then `flags` and `honors` when the rule set has any, then every item.
/// `role` is the 岗位 as the roster and the rule set label it (兼职网格员), `role_id` the rule
/// set's id for it (parttime), for a program.
pub const SCORES: [&str; 9] = [
    "id", "name", "village", "role", "role_id", "rank", "total", "grade", "veto",
];
pub const FLAGS: &str = "flags";
pub const HONORS: &str = "honors";

/// payouts.csv: these, then every pay rule of the run.
pub const PAYOUTS: [&str; 6] = ["id", "name", "village", "role", "role_id", "amount"];

/// The names an item id may not take.
pub fn reserved_for_items() -> Vec<&'static str> {
    SCORES.iter().copied().chain([FLAGS, HONORS]).collect()
}
