//! `compareEngines`: the page's Compare view, over `crate::compare` (the
//! same diff `mountlab diff --format json` prints). The "mounts that
//! changed" marks are `mountChanges` (web/ninep.rs), over the same diff.

use super::{err, str_arg, JsResult};
use crate::compare::run::compare_views;
use crate::compare::CompareFlags;
use crate::report::{Decision, MountNode};
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

/// `compareEngines`'s answer: the diff, and each engine's lean view keyed
/// by engine name.
#[derive(Serialize)]
struct EnginesDto<'a> {
    diff: &'a crate::compare::MountDiff,
    views: BTreeMap<&'a str, LeanView<'a>>,
}

/// What the Compare view reads of an engine: its tree and its decisions
/// (`Sandbox.view()`'s `tree` and `report.decisions`, same shape), not the
/// rest of a view (9P connections and hex frames, host reports, tables):
/// 91 KB instead of 152 KB for Docker's default on three engines.
#[derive(Serialize)]
struct LeanView<'a> {
    engine: &'a str,
    tree: &'a Option<MountNode>,
    report: LeanReport<'a>,
}

#[derive(Serialize)]
struct LeanReport<'a> {
    decisions: &'a [Decision],
}

fn from_js<T: serde::de::DeserializeOwned + Default>(v: JsValue, what: &str) -> JsResult<T> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(v).map_err(|e| err(format!("{what}: {e}")))
}

/// `compareEngines(text, {engines, overlay, overlay2, rootless,
/// file_access})`: the spec through each engine with its own flags,
/// answered as JSON text (engine.js parses it): building JS objects field
/// by field through serde-wasm-bindgen, then structured-cloning them out of
/// the worker, costs several times `JSON.parse` on the page.
#[wasm_bindgen(js_name = compareEngines)]
pub fn compare_engines(text: JsValue, options: JsValue) -> JsResult<String> {
    super::install_panic_hook();
    let text = str_arg(&text, "compareEngines: text")?;
    let flags: CompareFlags = from_js(options, "compareEngines: options")?;
    let (diff, runs) = compare_views(&text, &flags).map_err(err)?;
    let dto = EnginesDto {
        diff: &diff,
        views: runs
            .iter()
            .map(|r| {
                let engine = r.report.engine.name();
                let report = LeanReport {
                    decisions: &r.report.decisions,
                };
                (
                    engine,
                    LeanView {
                        engine,
                        tree: &r.tree,
                        report,
                    },
                )
            })
            .collect(),
    };
    serde_json::to_string(&dto).map_err(|e| err(format!("compareEngines: {e}")))
}
