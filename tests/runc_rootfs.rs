//! runc's mount-namespace builder (`mountlab::engines::runc::build`):
//! exact mount order, `/proc/mounts` lines, errors and warnings. Each
//! expectation names the runc 76d9cf5d function (or the Linux rule) it
//! comes from.

use mountlab::engines::runc::{build, RuncOptions, RuncRun};
use mountlab::scenario::{HostInput, HostNodeInput};
use oci_spec::runtime::Spec;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn spec(v: Value) -> Spec {
    serde_json::from_value(v).expect("test spec")
}

fn default_spec() -> Value {
    serde_json::from_str(include_str!("fixtures/runc/default_spec.json")).expect("fixture")
}

fn tree(v: Value) -> BTreeMap<String, HostNodeInput> {
    serde_json::from_value(v).expect("tree")
}

fn run_with(s: Value, rootfs: Value, sources: Value) -> RuncRun {
    let sources: HostInput = serde_json::from_value(sources).expect("sources");
    build(
        &spec(s),
        &RuncOptions::default(),
        Some(&tree(rootfs)),
        &sources,
    )
}

fn run(s: Value) -> RuncRun {
    run_with(s, json!({"bin/sh": "", "etc/hostname": "c\n"}), json!({}))
}

#[test]
fn default_runc_spec() {
    let r = run(default_spec());
    assert_eq!(r.error.as_ref().map(|e| e.to_string()), None);
    for l in &r.proc_mounts {
        println!("{l}");
    }
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
}
