//! The real-world OCI specs of `../shared/specs/realworld/` through
//! today's runsc (`engines::runsc::build`) under several `--overlay2` and
//! cgroup settings, without a Rust panic. Each run either fails with a
//! setup error or mounts `/` first and lists it first in `/proc/mounts`;
//! the mount list and `/proc/mounts` agree on how many mounts are
//! reachable. Specs `oci_spec` cannot parse (the 2018 engine refuses them
//! too, see tests/realworld.rs) are skipped; the count that runs is fixed.

use mountlab::engines::runsc::config::RunscConfig;
use mountlab::engines::runsc::overlay2::Overlay2;
use std::collections::BTreeMap;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/specs/realworld");

fn configs() -> Vec<RunscConfig> {
    let mut out = Vec::new();
    for o in ["root:self", "none", "all:self", "all:memory,size=1m"] {
        out.push(RunscConfig {
            overlay2: Overlay2::parse(o).unwrap(),
            ..RunscConfig::default()
        });
    }
    out.push(RunscConfig {
        mount_cgroup_v2: true,
        ..RunscConfig::default()
    });
    out
}

#[test]
fn every_realworld_spec_builds_without_a_panic() {
    let mut paths: Vec<_> = std::fs::read_dir(SPECS)
        .expect("the realworld specs folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 62);
    let mut ran = 0;
    let mut failed = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        let Ok(spec) = serde_json::from_str::<oci_spec::runtime::Spec>(&text) else {
            continue;
        };
        ran += 1;
        for conf in configs() {
            let r = mountlab::engines::runsc::build(&spec, &conf, None, &BTreeMap::new());
            match &r.error {
                Some(e) => {
                    assert!(!e.to_string().is_empty());
                    failed.push(format!("{}: {e}", p.file_name().unwrap().to_string_lossy()));
                }
                None => {
                    let pm = r.proc_mounts();
                    assert!(pm[0].starts_with("none / "), "{p:?}: {pm:?}");
                    assert_eq!(r.mounts[0].destination, "/");
                    assert!(pm.len() <= r.mounts.len(), "{p:?}");
                }
            }
        }
    }
    assert_eq!(ran, 58, "specs that parse");
    eprintln!("setup errors: {failed:?}");
}
