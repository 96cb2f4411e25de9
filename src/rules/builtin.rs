//! The rule sets and calendars shipped in `rulesets/`, embedded at build time by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
