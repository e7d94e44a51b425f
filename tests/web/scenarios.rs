//! Every golden scenario of `tests/scenarios/`, run by the wasm build in a
//! real browser (`wasm-pack test --headless --chrome tests/web`) and judged
//! by the native runner's rules (`tests/support/golden.rs`, shared).
//!
//! Each scenario goes through the binding the playground uses
//! (`web::Sandbox::new(text).report()`, handed to JavaScript and read back
//! as JSON), which must give the engine's own report unchanged, and that
//! report must match the expected file.
#![cfg(target_arch = "wasm32")]

#[path = "../support/golden.rs"]
mod golden;

use js_sys::JSON;
use mountlab::web::Sandbox;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One embedded scenario (see `build.rs`).
pub struct Golden {
    pub name: &'static str,
    pub scenario: &'static str,
    pub expected: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// The report as the page receives it, read back as JSON.
fn report_through_binding(text: &str) -> Result<Value, String> {
    let sb = Sandbox::new(JsValue::from_str(text), JsValue::UNDEFINED)
        .map_err(|e| format!("Sandbox::new: {:?}", JsValue::from(e)))?;
    let report = sb
        .report()
        .map_err(|e| format!("report: {:?}", JsValue::from(e)))?;
    let json: String = JSON::stringify(&report)
        .map_err(|e| format!("JSON.stringify: {e:?}"))?
        .into();
    serde_json::from_str(&json).map_err(|e| format!("report is not JSON: {e}"))
}

fn check_one(g: &Golden) -> Result<(), String> {
    let direct = golden::report_of_text(g.scenario)?;
    let page = report_through_binding(g.scenario)?;
    if page != direct {
        let mut diffs = Vec::new();
        golden::compare("report", &direct, &page, &mut diffs);
        return Err(format!(
            "the binding changes the report:\n  {}",
            diffs.join("\n  ")
        ));
    }
    let expected = g.expected.ok_or("no expected file")?;
    golden::check(expected, &page)
}

#[wasm_bindgen_test]
fn every_golden_scenario_matches_its_expected_report() {
    assert!(!SCENARIOS.is_empty(), "no scenarios embedded");
    let failures: Vec<String> = SCENARIOS
        .iter()
        .filter_map(|g| check_one(g).err().map(|d| format!("{}:\n  {d}", g.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{}",
        golden::summary(&failures, SCENARIOS.len())
    );
    console_log!(
        "{n} of {n} scenarios identical to native",
        n = SCENARIOS.len()
    );
}
