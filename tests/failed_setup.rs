//! A failed root setup is final: the sandbox never booted, so no child
//! container can be started on its half-built namespace (runsc's boot
//! fails and the sandbox process exits: `Loader` returns the error from
//! `createMountNamespace` and nothing runs after it).

use mountlab::playground::{Playground, StepKind};

fn preset(name: &str) -> String {
    let p = format!("{}/www/presets/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const REFUSED: &str = "cannot start container c1: the root container's setup failed, so the sandbox never booted; only the partial namespace can be explored";

#[test]
fn starting_a_child_after_a_failed_setup_is_refused() {
    let mut pg =
        Playground::build(&preset("symlink-destination.json"), None, None).expect("builds");
    assert!(pg.engine().sim().setup_error().is_some());
    let e = pg
        .add("c1", &preset("child-container.json"), None)
        .expect_err("refused");
    assert_eq!(e.to_string(), REFUSED);
    assert!(!e.is_fatal());
    assert!(pg.view_dto().containers.is_empty());
}

#[test]
fn a_replayed_add_after_a_failed_setup_is_refused_too() {
    let mut pg =
        Playground::build(&preset("symlink-destination.json"), None, None).expect("builds");
    let child: serde_json::Value =
        serde_json::from_str(&preset("child-container.json")).expect("json");
    let step =
        serde_json::json!({ "container": { "add": { "cid": "c1", "spec": child["spec"] } } });
    let r = pg.run_step_value(step).expect("a valid step");
    assert_eq!(r.kind, StepKind::Add);
    assert!(!r.report.ok);
    assert_eq!(r.report.error.as_deref(), Some(REFUSED));
    assert!(pg.view_dto().containers.is_empty());
}

#[test]
fn the_shell_still_explores_the_partial_namespace() {
    let mut pg =
        Playground::build(&preset("symlink-destination.json"), None, None).expect("builds");
    let r = pg.run_line("ls /tmp", None).expect("runs");
    assert!(r.report.ok, "{:?}", r.report.error);
}
