//! runsc-today.md §12: every container of a pod has its own mount
//! namespace (loader.go startSubcontainer → setupContainerVFS): its own
//! mandatory mounts, `/tmp` rule and gofer, plain paths (no
//! `/__runsc_containers__`), and only its own mounts in `/proc/mounts`.
//! Pod-shared hint volumes (parsed from the first container) are shared.

#[path = "fixtures/runsc/common.rs"]
mod common;
use common::*;
use mountlab::vfs::Ctx;
use std::collections::BTreeMap;

fn pod_spec(mounts: &str) -> oci_spec::runtime::Spec {
    spec(
        mounts,
        r#""annotations":{"dev.gvisor.spec.mount.vol.source":"/pod/vol","dev.gvisor.spec.mount.vol.type":"tmpfs","dev.gvisor.spec.mount.vol.share":"pod"}"#,
    )
}

#[test]
fn a_child_has_its_own_namespace_and_shares_the_pod_volume() {
    let vol =
        r#"[{"destination":"/shared","type":"bind","source":"/pod/vol","options":["rbind"]}]"#;
    let mut r = run(&pod_spec(vol));
    ok(&r);
    let child_spec = spec(
        r#"[{"destination":"/data/v","type":"bind","source":"/pod/vol","options":["rbind"]},
            {"destination":"/cache","type":"tmpfs"}]"#,
        "",
    );
    let img = image();
    let c = r
        .add_container("web", &child_spec, Some(&img), &BTreeMap::new())
        .unwrap();
    assert!(c.setup.error.is_none(), "{:?}", c.setup.error);
    let child_root = c.setup.root.unwrap();
    let child_lines = r.children["web"].proc_mounts(&r.vfs);
    assert_eq!(
        child_lines,
        [
            "none / overlay rw 0 0",
            "none /sys sysfs rw,dentry_cache_limit=1000 0 0",
            "none /dev dev rw,mode=0755 0 0",
            "none /proc proc rw,dentry_cache_limit=1000 0 0",
            "none /cache tmpfs rw 0 0",
            "none /data/v tmpfs rw 0 0",
            "none /dev/pts devpts rw 0 0",
            "none /tmp tmpfs rw,mode=01777 0 0",
        ]
    );
    // The root container's view is unchanged.
    assert!(!r.proc_mounts().iter().any(|l| l.contains("/cache")));
    // The volume is the same files in both.
    let root = r.root.unwrap();
    r.vfs
        .write_file(Ctx::at(root), "/shared/hello", b"pod", false)
        .unwrap();
    assert_eq!(
        r.vfs
            .read_file(Ctx::at(child_root), "/data/v/hello", 10)
            .unwrap(),
        b"pod"
    );
    // Destroying the child leaves the volume with the sandbox.
    r.destroy_container("web").unwrap();
    assert_eq!(
        r.vfs.read_file(Ctx::at(root), "/shared/hello", 10).unwrap(),
        b"pod"
    );
    assert_eq!(
        r.destroy_container("web").unwrap_err().to_string(),
        "unknown container \"web\""
    );
}

#[test]
fn child_ids_are_checked() {
    let mut r = run(&spec("[]", ""));
    let s = spec("[]", "");
    assert!(r.add_container("a/b", &s, None, &BTreeMap::new()).is_err());
    r.add_container("c1", &s, None, &BTreeMap::new()).unwrap();
    assert_eq!(
        r.add_container("c1", &s, None, &BTreeMap::new())
            .err()
            .map(|e| e.to_string()),
        Some("container \"c1\" already exists".to_string())
    );
}

/// Each container binds its own `<controller>/<containerID>` of the
/// sandbox-wide cgroupfs controllers (mountCgroupSubmounts).
#[test]
fn each_container_gets_its_own_cgroup_dirs() {
    let cg = r#"[{"destination":"/sys/fs/cgroup","type":"cgroup"}]"#;
    let mut r = run(&spec(cg, ""));
    ok(&r);
    let c = r
        .add_container("c2", &spec(cg, ""), None, &BTreeMap::new())
        .unwrap();
    assert!(c.setup.error.is_none(), "{:?}", c.setup.error);
    assert!(r.children["c2"]
        .proc_mounts(&r.vfs)
        .contains(&"none /sys/fs/cgroup/memory cgroup rw,memory 0 0".to_string()));
}
