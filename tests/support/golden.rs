//! The golden-scenario comparison, shared by the native runner
//! (`tests/scenarios.rs`) and the browser runner (`tests/web/scenarios.rs`)
//! through `#[path]`, so that both judge a report by the same rules.
//!
//! The expected file holds the report or a subset of it. Comparison is
//! recursive: an object in the expected file lists only the keys it checks
//! (each must match), an array must have exactly the same length and every
//! element must match, and scalars must be equal. So a scenario can pin the
//! whole `proc_mounts` list while checking only `destination`, `outcome` and
//! `gofer_fd` of each decision.

#![allow(dead_code)]

use mountlab::engines::simulate;
use mountlab::scenario::Scenario;
use serde_json::{Map, Value};

/// The report `mountlab run` prints for a scenario text, as JSON.
pub fn report_of_text(text: &str) -> Result<Value, String> {
    let s = Scenario::from_json(text).map_err(|e| format!("scenario does not parse: {e}"))?;
    let sb = simulate(&s).map_err(|e| format!("sandbox not built: {e}"))?;
    serde_json::to_value(sb.report()).map_err(|e| format!("report does not serialize: {e}"))
}

/// Checks `actual` against the text of an expected file: `Err` holds one
/// line per mismatching JSON path (or why the file checks nothing).
pub fn check(expected_text: &str, actual: &Value) -> Result<(), String> {
    let expected: Value = serde_json::from_str(expected_text)
        .map_err(|e| format!("expected file is not JSON: {e}"))?;
    if expected.as_object().is_none_or(Map::is_empty) {
        return Err("expected file checks nothing".to_string());
    }
    let mut diffs = Vec::new();
    compare("report", &expected, actual, &mut diffs);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n  "))
    }
}

/// The failure message of a run over `total` scenarios.
pub fn summary(failures: &[String], total: usize) -> String {
    format!(
        "{} of {} scenarios differ from their expected report \
         (MOUNTLAB_BLESS=1 cargo test --test scenarios regenerates; check before committing):\n\n{}",
        failures.len(),
        total,
        failures.join("\n\n")
    )
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 400 {
        let mut i = 400;
        while i > 0 && !s.is_char_boundary(i) {
            i -= 1;
        }
        format!("{}…", s.get(..i).unwrap_or(""))
    } else {
        s
    }
}

/// Compares `actual` with the subset `expected`, pushing one line per
/// mismatching JSON path.
pub fn compare(path: &str, expected: &Value, actual: &Value, diffs: &mut Vec<String>) {
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
pub fn project(shape: &Value, actual: &Value) -> Value {
    match (shape, actual) {
        (Value::Object(s), Value::Object(a)) => {
            let mut out = Map::new();
            for (k, sv) in s {
                if let Some(av) = a.get(k) {
                    out.insert(k.clone(), project(sv, av));
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
                    .map(|(i, av)| match s.get(i).or(s.last()) {
                        Some(sh) => project(sh, av),
                        None => av.clone(),
                    })
                    .collect(),
            )
        }
        _ => actual.clone(),
    }
}
