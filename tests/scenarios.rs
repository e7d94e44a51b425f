//! Scenario tests: every `tests/scenarios/NAME.json` runs through
//! `Sandbox::from_scenario`, and its report is compared with
//! `tests/scenarios/NAME.expected.json`.
//!
//! The expected file holds the report or a subset of it. Comparison is
//! recursive: an object in the expected file lists only the keys it checks
//! (each must match), an array must have exactly the same length and every
//! element must match, and scalars must be equal. So a scenario can pin the
//! whole `proc_mounts` list while checking only `destination`, `outcome` and
//! `gofer_fd` of each decision.
//!
//! `MOUNTLAB_BLESS=1 cargo test --test scenarios` rewrites the expected files
//! from the engine's output, keeping the shape (the keys) each file already
//! has; a scenario without an expected file gets its top-level report minus
//! `decisions` and `host`. A blessed file is a proposal: check every value
//! against the semantics doc and gVisor before committing it.
//! `MOUNTLAB_SCENARIO=substring` runs only the matching scenarios.

use mountlab::sandbox::Sandbox;
use mountlab::scenario::Scenario;
use serde_json::{Map, Value};
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
    let s = Scenario::from_json(&text)
        .unwrap_or_else(|e| panic!("{}: scenario does not parse: {e}", path.display()));
    let sb = Sandbox::from_scenario(&s)
        .unwrap_or_else(|e| panic!("{}: sandbox not built: {e}", path.display()));
    serde_json::to_value(sb.report()).expect("report serializes")
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 400 {
        format!("{}…", &s[..s.floor_char_boundary_compat(400)])
    } else {
        s
    }
}

/// `str::floor_char_boundary` is unstable; this is the stable equivalent.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// Compares `actual` with the subset `expected`, pushing one line per
/// mismatching JSON path.
fn compare(path: &str, expected: &Value, actual: &Value, diffs: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => compare(&p, ev, av, diffs),
                    None => diffs.push(format!("{p}: missing in report (expected {})", short(ev))),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                diffs.push(format!(
                    "{path}: length {} but expected {}\n      expected: {}\n      actual:   {}",
                    a.len(),
                    e.len(),
                    short(expected),
                    short(actual)
                ));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                compare(&format!("{path}[{i}]"), ev, av, diffs);
            }
        }
        _ if expected == actual => {}
        _ => diffs.push(format!(
            "{path}:\n      expected: {}\n      actual:   {}",
            short(expected),
            short(actual)
        )),
    }
}

/// `actual` cut down to the shape of `shape` (for blessing).
fn project(shape: &Value, actual: &Value) -> Value {
    match (shape, actual) {
        (Value::Object(s), Value::Object(a)) => {
            let mut out = Map::new();
            for k in s.keys() {
                if let Some(av) = a.get(k) {
                    out.insert(k.clone(), project(&s[k], av));
                }
            }
            Value::Object(out)
        }
        (Value::Array(s), Value::Array(a)) if !s.is_empty() => {
            // Elements keep the shape of the matching expected element, or of
            // the last one when the array grew.
            Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, av)| project(s.get(i).unwrap_or(&s[s.len() - 1]), av))
                    .collect(),
            )
        }
        _ => actual.clone(),
    }
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
        let text = match std::fs::read_to_string(&exp_path) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!(
                    "{name}: no expected file {}: {e}",
                    exp_path.display()
                ));
                continue;
            }
        };
        let expected: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: expected file is not JSON: {e}"));
                continue;
            }
        };
        if !expected.is_object() || expected.as_object().is_some_and(Map::is_empty) {
            failures.push(format!("{name}: expected file checks nothing"));
            continue;
        }
        let mut diffs = Vec::new();
        compare("report", &expected, &actual, &mut diffs);
        if !diffs.is_empty() {
            failures.push(format!("{name}:\n  {}", diffs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ from their expected report \
         (MOUNTLAB_BLESS=1 regenerates; check before committing):\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
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
    assert_eq!(diffs.len(), 3, "{diffs:#?}");
    assert!(diffs[0].starts_with("report.missing: missing in report"));
    assert!(diffs[1].starts_with("report.ok:"));
    assert!(
        diffs[2].starts_with("report.proc_mounts[1]:"),
        "{}",
        diffs[2]
    );
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
