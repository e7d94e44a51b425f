//! Finds kept as regression tests (stable). Fuzz finds go here with the
//! input inline; property-test finds with their minimal case.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;

fn outputs(json: &str) -> Vec<String> {
    let s = Scenario::from_json(json).expect("parses");
    let sb = Loader::from_scenario(&s).expect("builds");
    sb.report()
        .steps
        .iter()
        .map(|s| s.output.clone().or(s.error.clone()).unwrap_or_default())
        .collect()
}

/// prop_shell find: under `--overlay`, appending to (or renaming) a file
/// that exists only in the 9p lower copies it up with empty contents.
/// gVisor's copy-up copies the contents (`copy_up.go` copyUpLocked reads
/// the lower file through its FileOperations).
#[test]
fn overlay_copy_up_of_a_9p_lower_file_keeps_its_contents() {
    let out = outputs(
        r#"{"spec": {"ociVersion": "1.0.0", "root": {"path": "rootfs"}}, "config": {"overlay": true},
            "host": {"/": {"w/a": "ABC", "w/b": "B"}},
            "steps": [{"sh": "append /w/a x"}, {"sh": "cat /w/a"}, {"sh": "mv /w/b /w/c"}, {"sh": "cat /w/c"}]}"#,
    );
    assert_eq!(out[1], "ABCx");
    assert_eq!(out[3], "B");
}

/// The 100 000 mounts the brief promises work, end to end (JSON in, report out).
#[test]
fn a_hundred_thousand_mounts_work() {
    let mounts: Vec<serde_json::Value> = (0..100_000)
        .map(|i| serde_json::json!({"destination": format!("/m/{i}"), "type": "tmpfs"}))
        .collect();
    let text = serde_json::json!({"spec": {"ociVersion": "1.0.0", "mounts": mounts}}).to_string();
    let s = Scenario::from_json(&text).expect("parses");
    let sb = Loader::from_scenario(&s).expect("builds");
    let r = sb.report();
    assert_eq!(r.error, None);
    assert_eq!(r.proc_mounts.len(), 100_000 + 7);
    assert_eq!(
        r.proc_mounts.last().map(String::as_str),
        Some("none /__runsc_containers__ tmpfs rw 0 0")
    );
}
