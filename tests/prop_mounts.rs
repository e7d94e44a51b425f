//! Property test: for generated specs with nested mounts (and a child
//! container with its own), mount IDs are unique and every
//! `/proc/self/mountinfo` parent ID names a mount in the table.

use mountlab::engines::runsc2018::loader::Loader;
use mountlab::scenario::Scenario;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn destination() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec!["a", "b", "proc", "tmp", "dev", "sys", "x"]);
    prop::collection::vec(name, 1..=3).prop_map(|v| format!("/{}", v.join("/")))
}

fn mount() -> impl Strategy<Value = serde_json::Value> {
    let typ = prop::sample::select(vec!["tmpfs", "tmpfs", "bind", "proc", "sysfs", "cgroup"]);
    (destination(), typ, any::<bool>()).prop_map(|(d, t, ro)| {
        let mut m = serde_json::json!({"destination": d, "type": t});
        if t == "bind" {
            m["source"] = serde_json::json!(format!("/host{d}"));
        }
        if ro {
            m["options"] = serde_json::json!(["ro"]);
        }
        m
    })
}

fn check_mountinfo(lines: &[String]) -> Result<(), TestCaseError> {
    let mut ids = BTreeSet::new();
    let mut parents = Vec::new();
    for l in lines {
        let mut f = l.split(' ');
        let id: u64 = f.next().and_then(|x| x.parse().ok()).expect("id");
        let parent: u64 = f.next().and_then(|x| x.parse().ok()).expect("parent");
        prop_assert!(ids.insert(id), "mount id {} twice in {:#?}", id, lines);
        parents.push((id, parent));
    }
    for (id, parent) in parents {
        prop_assert!(
            ids.contains(&parent),
            "mount {} has parent {} not in {:#?}",
            id,
            parent,
            lines
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mount_ids_unique_and_parents_exist(
        mounts in prop::collection::vec(mount(), 0..10),
        child in prop::collection::vec(mount(), 0..5),
        overlay in any::<bool>(),
        destroy in any::<bool>(),
    ) {
        let mut steps = vec![serde_json::json!({"container": {"add": {"cid": "c1",
            "spec": {"ociVersion": "1.0.0", "mounts": child}}}})];
        if destroy {
            steps.push(serde_json::json!({"container": {"destroy": "c1"}}));
        }
        let scenario = serde_json::json!({
            "spec": {"ociVersion": "1.0.0", "mounts": mounts},
            "config": {"overlay": overlay},
            "steps": steps,
        });
        let s = Scenario::from_json(&scenario.to_string()).expect("scenario parses");
        let sb = Loader::from_scenario(&s).expect("sandbox");
        let report = sb.report();
        check_mountinfo(&report.mountinfo)?;
        if let Ok(table) = sb.mount_table(Some("c1")) {
            let ids: BTreeSet<_> = table.iter().map(|m| m.id).collect();
            prop_assert_eq!(ids.len(), table.len(), "child mount ids repeat");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `mountlab diff`'s core on generated specs: every engine runs, the
    /// diff neither panics nor loses a destination, and every differing
    /// row has a reason with a part per engine.
    #[test]
    fn diff_never_panics_and_explains_every_difference(
        mounts in prop::collection::vec(mount(), 0..10),
        overlay in any::<bool>(),
        rootless in any::<bool>(),
    ) {
        use mountlab::compare::{compare_engines, text::render, CompareFlags};
        let spec = serde_json::json!({"ociVersion": "1.0.0", "root": {"path": "rootfs"}, "mounts": mounts});
        let flags = CompareFlags {
            overlay: Some(overlay),
            rootless: Some(rootless),
            ..CompareFlags::default()
        };
        let (d, _) = compare_engines(&spec.to_string(), &flags).expect("every engine takes it");
        prop_assert_eq!(&d.engines, &["runsc-2018", "runsc", "runc"]);
        for m in &mounts {
            let dest = m["destination"].as_str().unwrap_or_default();
            prop_assert!(d.rows.iter().any(|r| r.destination == dest), "{} has no row", dest);
        }
        for r in &d.rows {
            prop_assert_eq!(r.engines.0.len(), 3);
            if r.differs {
                let reason = r.reason.as_deref().unwrap_or_default();
                for label in ["runsc 2018 ", "; runsc ", "; runc "] {
                    prop_assert!(reason.contains(label), "{}: {}", r.destination, reason);
                }
            }
        }
        let _ = render(&d, true);
    }
}
