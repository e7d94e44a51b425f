//! Property test of runc's builder: for generated mount lists (symlinked,
//! relative, `..`-laden and nested destinations; every mount type runc
//! knows and some it does not; flags, propagation and recursive
//! attributes), `build` never panics, `mount_order` never passes the list,
//! every listed mount's `/proc/mounts` line has the kernel's six fields,
//! and mountinfo ids are unique with parents that are listed (or the
//! container root's own parent).

use mountlab::engines::runc::{build, CgroupMode, RuncOptions};
use mountlab::scenario::HostInput;
use oci_spec::runtime::Spec;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

fn destination() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "a", "b", "proc", "dev", "sys", "link", "dangling", "..", ".", "etc", "pts",
    ]);
    (prop::collection::vec(name, 0..=4), any::<bool>()).prop_map(|(v, abs)| {
        let p = v.join("/");
        if abs {
            format!("/{p}")
        } else {
            p
        }
    })
}

fn mount() -> impl Strategy<Value = Value> {
    let typ = prop::sample::select(vec![
        "tmpfs", "tmpfs", "bind", "proc", "sysfs", "cgroup", "devpts", "mqueue", "none", "bogus",
    ]);
    let opt = prop::sample::select(vec![
        "ro",
        "rw",
        "bind",
        "rbind",
        "nosuid",
        "strictatime",
        "rro",
        "rnoatime",
        "tmpcopyup",
        "rprivate",
        "rshared",
        "runbindable",
        "mode=700",
        "size=1m",
        "remount",
        "noatime",
    ]);
    (
        destination(),
        typ,
        prop::collection::vec(opt, 0..4),
        any::<bool>(),
    )
        .prop_map(|(d, t, opts, host_src)| {
            let source = if host_src { "/src" } else { "/bundle/rootfs/a" };
            json!({"destination": d, "type": t, "source": source, "options": opts})
        })
}

fn rootfs() -> BTreeMap<String, mountlab::scenario::HostNodeInput> {
    serde_json::from_value(json!({
        "bin/sh": "",
        "a/f": "x",
        "etc/hostname": "h",
        "link": {"type": "symlink", "target": "/a"},
        "dangling": {"type": "symlink", "target": "/nowhere/x"}
    }))
    .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn builder_holds_its_invariants(
        mounts in prop::collection::vec(mount(), 0..7),
        masked in any::<bool>(),
        rootless in any::<bool>(),
        v1 in any::<bool>(),
    ) {
        let mut spec = json!({
            "ociVersion": "1.3.0",
            "root": {"path": "rootfs", "readonly": masked},
            "process": {"terminal": masked, "cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}},
            "mounts": mounts,
            "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}
        });
        if masked {
            spec["linux"]["maskedPaths"] = json!(["/a", "/etc/hostname", "/proc/kcore"]);
            spec["linux"]["readonlyPaths"] = json!(["/proc/sys", "/link"]);
        }
        if rootless {
            spec["linux"]["namespaces"] = json!([{"type": "mount"}, {"type": "pid"}, {"type": "user"}]);
            spec["linux"]["uidMappings"] = json!([{"containerID": 0, "hostID": 1000, "size": 1}]);
            spec["linux"]["gidMappings"] = json!([{"containerID": 0, "hostID": 1000, "size": 1}]);
        }
        let spec: Spec = serde_json::from_value(spec).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sources: HostInput =
            serde_json::from_value(json!({"/src": {"g": "y"}})).unwrap_or_default();
        let opts = RuncOptions {
            rootless,
            cgroup: if v1 { CgroupMode::V1 } else { CgroupMode::V2 },
            ..RuncOptions::default()
        };
        let r = build(&spec, &opts, Some(&rootfs()), &sources);
        prop_assert!(r.mount_order <= r.mounts.len());
        for l in &r.proc_mounts {
            let fields: Vec<&str> = l.split(' ').collect();
            prop_assert_eq!(fields.len(), 6, "{}", l);
            prop_assert!(fields[3].starts_with("rw") || fields[3].starts_with("ro"), "{}", l);
            prop_assert_eq!(&fields[4..], &["0", "0"]);
        }
        let mut ids = BTreeSet::new();
        let mut parents = Vec::new();
        for l in &r.mountinfo {
            let mut f = l.split(' ');
            let id: u64 = f.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            let parent: u64 = f.next().and_then(|x| x.parse().ok()).unwrap_or(0);
            prop_assert!(ids.insert(id), "duplicate id in {}", l);
            parents.push(parent);
        }
        let root_parent = parents.first().copied();
        for p in parents {
            prop_assert!(ids.contains(&p) || Some(p) == root_parent, "parent {} unlisted", p);
        }
        prop_assert_eq!(r.proc_mounts.len(), r.mountinfo.len());
        let _ = serde_json::to_string(&r).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
