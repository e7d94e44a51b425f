//! #13.8: control characters from a spec never reach the terminal through
//! our own views (the preview tree, the decision log), and NUL in host-tree
//! names is refused when the scenario is loaded, naming the JSON path.
//! (`/proc/mounts` text stays raw: gVisor's `mountsFile` prints paths as is.)

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;
use mountlab::tree::{mount_tree, render_decisions, render_tree};

fn sandbox(v: serde_json::Value) -> Loader {
    Loader::from_scenario(&Scenario::from_json(&v.to_string()).unwrap()).unwrap()
}

#[test]
fn tree_and_decisions_escape_newlines_and_escape_sequences() {
    let dest = "/evil\nFAKE LINE\u{1b}[31m";
    let sb = sandbox(serde_json::json!({
        "spec": {"ociVersion": "1", "mounts": [{"destination": dest, "type": "tmpfs"}]}
    }));
    let tree = render_tree(&mount_tree(&sb).unwrap());
    assert!(!tree.contains('\u{1b}'), "{tree}");
    assert!(!tree.lines().any(|l| l.starts_with("FAKE")), "{tree}");
    assert!(tree.contains("/evil\\nFAKE LINE\\x1b[31m"), "{tree}");
    let log = render_decisions(&sb.rec.decisions);
    assert!(!log.contains('\u{1b}'), "{log}");
    assert!(!log.lines().any(|l| l.starts_with("FAKE")), "{log}");
    // /proc/mounts stays as gVisor prints it.
    let report = sb.report();
    assert!(report.proc_mounts.iter().any(|l| l.contains("/evil")));
}

#[test]
fn nul_in_host_tree_names_is_refused_at_load() {
    let e = Scenario::from_json(
        &serde_json::json!({"spec": {"ociVersion": "1"}, "host": {"/": {"etc/a\u{0}b": "x"}}})
            .to_string(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "host./.etc/a\\0b: a host-tree name cannot contain NUL"
    );
    let e = Scenario::from_json(
        &serde_json::json!({"spec": {"ociVersion": "1"},
            "host": {"/": {"l": {"type": "symlink", "target": "a\u{0}"}}}})
        .to_string(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "host./.l.target: a symlink target cannot contain NUL"
    );
}
