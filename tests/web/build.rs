//! Embeds every golden scenario of `tests/scenarios/` in the browser test
//! (`scenarios.rs`): wasm has no filesystem, so the list and the texts are
//! compiled in, with each scenario's report as the *native* engine makes it
//! (this script runs on the host), so the browser can check that the wasm
//! build gives the very same report. A scenario added to the folder is
//! picked up on the next build; a missing expected file is embedded as
//! `None`, which the test reports as the native runner does.

#[path = "../support/golden.rs"]
mod golden;

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = PathBuf::from(manifest).join("../scenarios");
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: the golden scenarios: {e}", dir.display()));
    println!("cargo:rerun-if-changed={}", dir.display());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
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
        let text = std::fs::read_to_string(&scenario)
            .unwrap_or_else(|e| panic!("{}: {e}", scenario.display()));
        // The native report, or why there is none (the browser must then
        // fail the same way).
        let native = match golden::report_of_text(&text) {
            Ok(v) => v.to_string(),
            Err(e) => format!("error: {e}"),
        };
        let native_file = out_dir.join(format!("{stem}.native.json"));
        write(&native_file, &native);
        let _ = writeln!(
            out,
            "    Golden {{ name: {name:?}, scenario: include_str!({:?}), expected: {expected}, native: include_str!({:?}) }},",
            scenario.display().to_string(),
            native_file.display().to_string()
        );
    }
    out.push_str("];\n");
    write(&out_dir.join("scenarios.rs"), &out);
}
