//! Embeds every golden scenario of `tests/scenarios/` in the browser test
//! (`scenarios.rs`): wasm has no filesystem, so the list and the texts are
//! compiled in. A scenario added to the folder is picked up on the next
//! build; a scenario without an expected file is embedded as `None`, which
//! the test reports as the native runner does.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = PathBuf::from(manifest).join("../scenarios");
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: the golden scenarios: {e}", dir.display()));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".expected.json"))
        .collect();
    names.sort();
    let mut out = String::from("/// Every golden scenario, sorted by file name.\n");
    out.push_str("pub const SCENARIOS: &[Golden] = &[\n");
    for name in &names {
        let stem = name.trim_end_matches(".json");
        let scenario = dir.join(name);
        let expected = dir.join(format!("{stem}.expected.json"));
        let expected = if expected.exists() {
            format!("Some(include_str!({:?}))", expected.display().to_string())
        } else {
            "None".to_string()
        };
        let _ = writeln!(
            out,
            "    Golden {{ name: {name:?}, scenario: include_str!({:?}), expected: {expected} }},",
            scenario.display().to_string()
        );
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let dest = PathBuf::from(out_dir).join("scenarios.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
