//! Any bytes as a scenario: parsing, the whole engine run (root container,
//! restore environment, every step), the report and its JSON, the mount tree
//! and the 9P log never panic. Inputs over 64 KiB are skipped so each run's
//! work stays bounded (the engine's own limits bound the rest).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;
use mountlab::tree::{mount_tree, render_decisions, render_tree};

fuzz_target!(|data: &[u8]| {
    if data.len() > 64 * 1024 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::from_json(text) else {
        return;
    };
    let Ok(sb) = Loader::from_scenario(&scenario) else {
        return;
    };
    let report = sb.report();
    let json = serde_json::to_string(&report).expect("report serializes");
    assert!(!json.is_empty());
    let _ = render_decisions(&report.decisions);
    if let Some(t) = mount_tree(&sb) {
        let _ = render_tree(&t);
    }
    let _ = sb.ninep_log();
    for c in sb.containers.keys() {
        let _ = sb.proc_mounts(Some(c));
    }
});
