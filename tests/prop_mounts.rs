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
