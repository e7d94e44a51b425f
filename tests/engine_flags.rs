//! The page's engine selector shows each engine's own flags (`--overlay`
//! for runsc 2018, `--overlay2` for today's runsc, `rootless` for runc):
//! each reaches its engine through the playground's overrides, changes what
//! the engine does, and lands in the scenario download, so the download
//! replays on the engine and flags it ran with.

use mountlab::playground::{Overrides, Playground};
use mountlab::scenario::Scenario;
use serde_json::Value;

fn preset(name: &str) -> String {
    std::fs::read_to_string(format!("{}/www/presets/{name}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn build(text: &str, o: Overrides) -> Playground {
    Playground::build_with(text, &o).unwrap_or_else(|e| panic!("{e}"))
}

fn first_mount(p: &Playground) -> String {
    p.view_dto()
        .report
        .proc_mounts
        .first()
        .cloned()
        .unwrap_or_default()
}

/// `--overlay2=none` (runsc's `Overlay2.Set`) leaves the root a plain gofer
/// mount; the default, `root:self`, overlays it.
#[test]
fn overlay2_reaches_todays_runsc_and_its_download() {
    let text = preset("docker-default.json");
    let runsc = |overlay2: Option<&str>| {
        build(
            &text,
            Overrides {
                engine: Some("runsc".into()),
                overlay2: overlay2.map(str::to_string),
                ..Default::default()
            },
        )
    };
    assert_eq!(first_mount(&runsc(None)), "none / overlay rw 0 0");
    let p = runsc(Some("none"));
    assert!(
        first_mount(&p).starts_with("none / 9p rw,trans=fd,"),
        "{}",
        first_mount(&p)
    );
    let exported = p.scenario_value();
    assert_eq!(exported["config"]["engine"], "runsc");
    assert_eq!(exported["config"]["overlay2"], "none");
    let again = build(&exported.to_string(), Overrides::default());
    assert_eq!(
        again.view_dto().report.proc_mounts,
        p.view_dto().report.proc_mounts
    );
    // A value runsc refuses is runsc's own flag error, a failed setup.
    let bad = runsc(Some("sometimes"));
    assert_eq!(
        bad.view_dto().report.error.as_deref(),
        Some("invalid value \"sometimes\" for flag -overlay2: expected format is --overlay2={mount}:{medium}[,size={size}], got \"sometimes\"")
    );
}

/// `runc --rootless`: libcontainer/configs/validate's `rootlessEUID`
/// refuses a spec without a user namespace (`runc spec` writes none; `runc
/// spec --rootless` would add one).
#[test]
fn rootless_reaches_runc_and_its_download() {
    let text = preset("runc-spec.json");
    let runc = |rootless: Option<bool>| {
        build(
            &text,
            Overrides {
                engine: Some("runc".into()),
                rootless,
                ..Default::default()
            },
        )
    };
    assert_eq!(runc(None).view_dto().report.error, None);
    let p = runc(Some(true));
    let err = p.view_dto().report.error.unwrap_or_default();
    assert!(
        err.contains("rootless container requires user namespaces"),
        "{err}"
    );
    let exported = p.scenario_value();
    assert_eq!(exported["config"]["engine"], "runc");
    assert_eq!(exported["config"]["rootless"], true);
    let again = Scenario::from_json(&exported.to_string()).expect("re-parses");
    assert_eq!(again.engine.name(), "runc");
    let again = build(&exported.to_string(), Overrides::default());
    assert_eq!(again.view_dto().report.error, p.view_dto().report.error);
}

/// A flag of another engine is set aside, as a scenario's key is: it does
/// not reach the engine nor the download.
#[test]
fn another_engines_flag_stays_out() {
    let text = preset("docker-default.json");
    let p = build(
        &text,
        Overrides {
            engine: Some("runc".into()),
            overlay2: Some("none".into()),
            ..Default::default()
        },
    );
    assert_eq!(p.view_dto().report.error, None);
    let exported = p.scenario_value();
    assert_eq!(exported["config"].get("overlay2"), None::<&Value>);
    let p = build(
        &text,
        Overrides {
            engine: Some("runsc".into()),
            rootless: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(p.scenario_value()["config"].get("rootless"), None::<&Value>);
}

/// The page's flag controls start from the scenario's own values.
#[test]
fn analysis_names_the_scenarios_own_flags() {
    let a = mountlab::playground::analyze_text(
        r#"{"spec": {"ociVersion": "1.0.0", "root": {"path": "r"}}, "config": {"engine": "runsc", "overlay2": "none"}}"#,
    );
    assert!(a.ok);
    assert_eq!(a.overlay2.as_deref(), Some("none"));
    assert_eq!(a.rootless, None);
    let a = mountlab::playground::analyze_text(
        r#"{"spec": {"ociVersion": "1.0.0", "root": {"path": "r"}}, "config": {"engine": "runc", "rootless": true}}"#,
    );
    assert_eq!((a.overlay2, a.rootless), (None, Some(true)));
}
