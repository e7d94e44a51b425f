//! Scenario tests: every `tests/scenarios/NAME.json` runs through
//! `Loader::from_scenario`, and its report is compared with
//! `tests/scenarios/NAME.expected.json` by the rules of
//! `tests/support/golden.rs` (the browser runner, `tests/web/scenarios.rs`,
//! uses the same file).
//!
//! `MOUNTLAB_BLESS=1 cargo test --test scenarios` rewrites the expected files
//! from the engine's output, keeping the shape (the keys) each file already
//! has; a scenario without an expected file gets its top-level report minus
//! `decisions` and `host`. A blessed file is a proposal: check every value
//! against the semantics doc and gVisor before committing it.
//! `MOUNTLAB_SCENARIO=substring` runs only the matching scenarios.

#[path = "support/golden.rs"]
mod golden;

use golden::{check, compare, project, report_of_text, summary};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// Every scenario input, sorted, filtered by `MOUNTLAB_SCENARIO`.
fn scenarios() -> Vec<PathBuf> {
    let filter = std::env::var("MOUNTLAB_SCENARIO").unwrap_or_default();
    let mut out: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".json") && !name.ends_with(".expected.json") && name.contains(&filter)
        })
        .collect();
    out.sort();
    out
}

fn expected_path(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("utf-8 scenario name");
    scenario.with_file_name(format!("{stem}.expected.json"))
}

fn report_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable scenario");
    report_of_text(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bless(expected_file: &Path, actual: &Value) {
    let shape = match std::fs::read_to_string(expected_file) {
        Ok(t) => serde_json::from_str(&t).expect("expected file is JSON"),
        Err(_) => {
            let mut full = actual.clone();
            if let Value::Object(o) = &mut full {
                o.remove("decisions");
                o.remove("host");
            }
            full
        }
    };
    let out = project(&shape, actual);
    let text = serde_json::to_string_pretty(&out).expect("serializes") + "\n";
    std::fs::write(expected_file, text).expect("expected file is writable");
}

#[test]
fn scenarios_match_their_expected_reports() {
    let blessing = std::env::var("MOUNTLAB_BLESS").is_ok_and(|v| v == "1");
    let all = scenarios();
    assert!(!all.is_empty(), "no scenarios found");
    let mut failures = Vec::new();
    for path in &all {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let actual = report_of(path);
        let exp_path = expected_path(path);
        if blessing {
            bless(&exp_path, &actual);
            continue;
        }
        let r = match std::fs::read_to_string(&exp_path) {
            Ok(text) => check(&text, &actual),
            Err(e) => Err(format!("no expected file {}: {e}", exp_path.display())),
        };
        if let Err(diffs) = r {
            failures.push(format!("{name}:\n  {diffs}"));
        }
    }
    assert!(failures.is_empty(), "{}", summary(&failures, all.len()));
}

/// The real binary agrees with the library: `run` prints the same report
/// and exits 0 when it is ok, 1 when setup or a step failed.
#[test]
fn binary_run_exit_codes_match_reports() {
    let bin = env!("CARGO_BIN_EXE_mountlab");
    for path in scenarios() {
        let name = path.display().to_string();
        let actual = report_of(&path);
        let out = Command::new(bin)
            .arg("run")
            .arg(&path)
            .output()
            .expect("mountlab runs");
        let want = if actual["ok"] == Value::Bool(true) {
            0
        } else {
            1
        };
        assert_eq!(
            out.status.code(),
            Some(want),
            "{name}: exit code; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: stdout is not JSON: {e}"));
        assert_eq!(printed, actual, "{name}: the binary's report differs");
    }
}

#[test]
fn the_comparison_reports_each_field() {
    let expected: Value = serde_json::json!({
        "ok": true,
        "proc_mounts": ["a", "b"],
        "decisions": [{"destination": "/x"}],
        "missing": 1
    });
    let actual: Value = serde_json::json!({
        "ok": false,
        "proc_mounts": ["a", "c"],
        "decisions": [{"destination": "/x", "outcome": "mounted"}]
    });
    let mut diffs = Vec::new();
    compare("report", &expected, &actual, &mut diffs);
    // One line per path, in the expected file's key order.
    assert_eq!(diffs.len(), 3, "{diffs:#?}");
    assert!(diffs[0].starts_with("report.ok:"), "{}", diffs[0]);
    assert!(
        diffs[1].starts_with("report.proc_mounts[1]:"),
        "{}",
        diffs[1]
    );
    assert!(diffs[2].starts_with("report.missing: missing in report"));
    let mut diffs = Vec::new();
    compare(
        "report",
        &expected["decisions"],
        &actual["decisions"],
        &mut diffs,
    );
    assert!(diffs.is_empty());
    assert_eq!(
        project(&expected["decisions"], &actual["decisions"]),
        serde_json::json!([{"destination": "/x"}])
    );
}
