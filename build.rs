//! Embeds every rule set in `rulesets/` and every calendar in `rulesets/calendars/` into the
//! binary.
//!
//! The lists are generated, not written by hand, so that no Rust file names a township:
//! adding a township is dropping a TOML file into `rulesets/`.
use std::{env, fs, path::Path};

fn list(dir: &Path, const_name: &str, out: &mut String) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("rulesets/ is part of the source tree")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    out.push_str(&format!(
        "/// (file stem, TOML text), sorted by stem.\npub const {const_name}: &[(&str, &str)] = &[\n"
    ));
    for n in &names {
        println!("cargo:rerun-if-changed={}/{n}", dir.display());
        let stem = n.trim_end_matches(".toml");
        let abs = fs::canonicalize(dir.join(n)).expect("readable rule set");
        out.push_str(&format!(
            "    ({stem:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push_str("];\n");
}

fn main() {
    let mut out = String::new();
    list(Path::new("rulesets"), "RULESETS", &mut out);
    list(Path::new("rulesets/calendars"), "CALENDARS", &mut out);
    list(Path::new("rulesets/tests"), "CASES", &mut out);
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
