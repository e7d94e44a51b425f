//! Tests of specconv (`parseMountOptions`, `createLibcontainerMount`,
//! `CreateLibcontainerConfig`'s mount steps). Expected values follow
//! libcontainer/specconv/spec_linux.go at runc 76d9cf5d line by line; the
//! tests ported from spec_linux_test.go name the Go test.

use super::config::{create_config, CreateOpts};
use super::flags::*;
use super::mount::{IdMap, MountAttr, MountIdMapping};
use super::specconv::*;
use super::validate::validate;
use oci_spec::runtime::{Mount as SpecMount, Spec};
use serde_json::json;

fn spec_mount(v: serde_json::Value) -> SpecMount {
    serde_json::from_value(v).expect("test mount")
}

fn spec(v: serde_json::Value) -> Spec {
    serde_json::from_value(v).expect("test spec")
}

#[test]
fn mount_flags_last_one_wins() {
    let m = parse_mount_options(&["ro", "rw"]);
    assert_eq!((m.flags, m.cleared_flags), (0, MS_RDONLY));
    let m = parse_mount_options(&["rw", "ro"]);
    assert_eq!((m.flags, m.cleared_flags), (MS_RDONLY, 0));
    let m = parse_mount_options(&["nosuid", "suid", "nodev", "async"]);
    assert_eq!(m.flags, MS_NODEV);
    assert_eq!(m.cleared_flags, MS_NOSUID | MS_SYNCHRONOUS);
    assert_eq!(m.data, "");
}

#[test]
fn defaults_and_unknown_options_are_data() {
    // "defaults" is in mountFlags with flag 0, which does not count.
    let m = parse_mount_options(&["defaults", "mode=755", "acl", "custom", "size=64m"]);
    assert_eq!(m.flags, 0);
    assert_eq!(m.data, "defaults,mode=755,acl,custom,size=64m");
    assert_eq!(m.rec_attr, None);
}

#[test]
fn propagation_is_kept_in_order() {
    let m = parse_mount_options(&["rbind", "rprivate", "shared", "rprivate"]);
    assert_eq!(m.flags, MS_BIND | MS_REC);
    assert_eq!(
        m.propagation_flags,
        vec![MS_PRIVATE | MS_REC, MS_SHARED, MS_PRIVATE | MS_REC]
    );
    assert_eq!(
        propagation_names(&m.propagation_flags),
        vec!["MS_REC|MS_PRIVATE", "MS_SHARED", "MS_REC|MS_PRIVATE"]
    );
}

#[test]
fn rec_attr_flags_and_the_atime_mask() {
    let attr = |opts: &[&str]| parse_mount_options(opts).rec_attr;
    let set_clr = |attr_set, attr_clr| Some(MountAttr { attr_set, attr_clr });
    assert_eq!(attr(&["rro"]), set_clr(MOUNT_ATTR_RDONLY, 0));
    assert_eq!(attr(&["rro", "rrw"]), set_clr(0, MOUNT_ATTR_RDONLY));
    // rrelatime is 0, yet inside the atime mask: the clear set gets it.
    assert_eq!(attr(&["rrelatime"]), set_clr(0, MOUNT_ATTR__ATIME));
    assert_eq!(attr(&["rnorelatime"]), set_clr(0, MOUNT_ATTR__ATIME));
    assert_eq!(
        attr(&["rnoatime"]),
        set_clr(MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME)
    );
    assert_eq!(attr(&["rnoatime", "ratime"]), set_clr(0, MOUNT_ATTR__ATIME));
    // nodiratime is outside the atime mask.
    assert_eq!(attr(&["rnodiratime"]), set_clr(MOUNT_ATTR_NODIRATIME, 0));
    assert_eq!(
        attr(&["rnosuid", "rnodev", "rnoexec", "rnosymfollow"]),
        set_clr(
            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW,
            0
        )
    );
    assert_eq!(attr(&["ro"]), None);
}

#[test]
fn extensions_and_idmap_options() {
    assert_eq!(parse_mount_options(&["tmpcopyup"]).extensions, EXT_COPYUP);
    let m = parse_mount_options(&["idmap"]);
    assert_eq!(m.id_mapping, Some(MountIdMapping::default()));
    assert_eq!(m.data, "");
    let m = parse_mount_options(&["ridmap"]);
    assert!(m.id_mapping.is_some_and(|i| i.recursive));
    let m = parse_mount_options(&["ridmap", "idmap"]);
    assert!(m.id_mapping.is_some_and(|i| !i.recursive));
}

#[test]
fn known_mount_options_lists_four_tables() {
    let known = known_mount_options();
    assert_eq!(known.len(), 33 + 8 + 18 + 1);
    assert_eq!(known.first(), Some(&"async"));
    assert_eq!(known.last(), Some(&"unbindable"));
    assert!(known.contains(&"defaults") && known.contains(&"tmpcopyup"));
    assert!(!known.contains(&"idmap") && !known.contains(&"acl"));
}

#[test]
fn bind_sets_device_and_joins_a_relative_source() {
    let m = spec_mount(
        json!({"destination": "/data", "type": "none", "source": "data",
        "options": ["rbind", "ro"]}),
    );
    let (mnt, warnings) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert!(warnings.is_empty());
    assert_eq!(mnt.device, "bind");
    assert_eq!(mnt.source, "/bundle/data");
    assert_eq!(mnt.flags, MS_BIND | MS_REC | MS_RDONLY);
    let m = spec_mount(json!({"destination": "/data", "source": "../x/./y/", "options": ["bind"]}));
    let (mnt, _) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(mnt.source, "/x/y");
    let m = spec_mount(json!({"destination": "/data", "options": ["bind"]}));
    let (mnt, _) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(mnt.source, "/bundle");
}

#[test]
fn bind_type_without_bind_option_is_not_a_bind() {
    let m = spec_mount(json!({"destination": "/x", "type": "bind", "source": "rel"}));
    let (mnt, _) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(mnt.device, "bind");
    assert_eq!(mnt.source, "rel");
    assert_eq!(mnt.flags, 0);
    assert!(!mnt.is_bind());
}

#[test]
fn relative_destination_warns_and_is_kept_raw() {
    let m = spec_mount(json!({"destination": "rel/../path/", "type": "tmpfs", "source": "tmpfs"}));
    let (mnt, warnings) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(mnt.destination, "rel/../path/");
    assert_eq!(
        warnings,
        vec![
            "mount destination rel/../path/ is not absolute. Support for non-absolute mount \
             destinations will be removed in a future release."
        ]
    );
    let m = spec_mount(json!({"destination": "/a/../b/", "type": "tmpfs"}));
    let (mnt, warnings) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(mnt.destination, "/a/../b/");
    assert!(warnings.is_empty());
}

#[test]
fn mount_mappings_make_an_id_mapping() {
    let m = spec_mount(
        json!({"destination": "/x", "source": "/s", "options": ["bind"],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}),
    );
    let (mnt, _) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(
        mnt.id_mapping,
        Some(MountIdMapping {
            uid_mappings: Some(vec![IdMap::new(0, 1000, 1)]),
            ..MountIdMapping::default()
        })
    );
    // An empty list is not nil: it still makes the mapping.
    let m = spec_mount(json!({"destination": "/x", "options": ["ridmap"], "gidMappings": []}));
    let (mnt, _) = create_libcontainer_mount("/bundle", &m).expect("converts");
    assert_eq!(
        mnt.id_mapping,
        Some(MountIdMapping {
            recursive: true,
            gid_mappings: Some(vec![]),
            ..MountIdMapping::default()
        })
    );
}

#[test]
fn null_bytes_are_refused_with_runc_wrapping() {
    for m in [
        json!({"destination": "/x", "type": "tmpfs", "source": "a\u{0}b"}),
        json!({"destination": "/x\u{0}", "type": "tmpfs"}),
        json!({"destination": "/x", "type": "tmp\u{0}fs"}),
        json!({"destination": "/x", "source": "r\u{0}", "options": ["bind"]}),
    ] {
        let err = create_libcontainer_mount("/bundle", &spec_mount(m)).expect_err("NUL");
        assert_eq!(err.to_string(), "mount field contains null byte");
    }
    // The check runs on the converted mount: a bind's type is replaced by
    // "bind" first, so a NUL in it passes.
    let m = spec_mount(
        json!({"destination": "/x", "type": "b\u{0}", "source": "/s",
        "options": ["bind"]}),
    );
    assert_eq!(
        create_libcontainer_mount("/bundle", &m).map(|(m, _)| m.device),
        Ok("bind".to_string())
    );
    // Options are not checked: a NUL there is data.
    let m = spec_mount(json!({"destination": "/x", "type": "tmpfs", "options": ["a\u{0}"]}));
    assert!(create_libcontainer_mount("/bundle", &m).is_ok());

    let s = spec(json!({"ociVersion": "1.3.0", "root": {"path": "rootfs"},
        "mounts": [{"destination": "/x", "type": "tmpfs", "source": "a\u{0}b",
            "options": ["ro", "mode=1777"],
            "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}]}));
    let err = create_config("/bundle", &s, CreateOpts::default()).expect_err("NUL");
    assert_eq!(
        err.to_string(),
        "invalid mount {Destination:/x Type:tmpfs Source:a\u{0}b Options:[ro mode=1777] \
         UIDMappings:[{ContainerID:0 HostID:1000 Size:1}] GIDMappings:[]}: \
         mount field contains null byte"
    );
}

#[test]
fn rootfs_propagation() {
    assert_eq!(
        parse_rootfs_propagation("rslave", false),
        Ok(MS_SLAVE | MS_REC)
    );
    assert_eq!(
        parse_rootfs_propagation("rslave", true),
        Ok(MS_SLAVE | MS_REC)
    );
    assert_eq!(parse_rootfs_propagation("shared", true), Ok(MS_SHARED));
    assert_eq!(
        parse_rootfs_propagation("bogus", false)
            .expect_err("unknown")
            .to_string(),
        "rootfsPropagation=bogus is not supported"
    );
    // Only the mount options' names: "bind" is not a propagation.
    assert!(parse_rootfs_propagation("bind", false).is_err());
    for p in ["private", "rprivate"] {
        assert_eq!(
            parse_rootfs_propagation(p, true)
                .expect_err("no pivot")
                .to_string(),
            "rootfsPropagation of [r]private is not safe without pivot_root"
        );
    }
    let s = spec(json!({"ociVersion": "1.3.0", "root": {"path": "/r"},
        "linux": {"rootfsPropagation": "rshared"}}));
    let (c, _) = create_config("/b", &s, CreateOpts::default()).expect("converts");
    assert_eq!(c.root_propagation, MS_SHARED | MS_REC);
    let s = spec(json!({"ociVersion": "1.3.0", "root": {"path": "/r"},
        "linux": {"rootfsPropagation": "slave-ish"}}));
    let err = create_config("/b", &s, CreateOpts::default()).expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "rootfsPropagation=slave-ish is not supported"
    );
}

#[test]
fn create_config_root_and_mount_order() {
    let s = spec(json!({"ociVersion": "1.3.0"}));
    let err = create_config("/b", &s, CreateOpts::default()).expect_err("no root");
    assert_eq!(err.to_string(), "root must be specified");
    let s = spec(
        json!({"ociVersion": "1.3.0", "root": {"path": "rootfs", "readonly": true},
        "mounts": [
            {"destination": "/a/b", "type": "tmpfs"},
            {"destination": "rel", "type": "tmpfs"},
            {"destination": "/a", "type": "tmpfs"},
            {"destination": "/a", "type": "tmpfs"}]}),
    );
    let (c, warnings) = create_config("/bundle", &s, CreateOpts::default()).expect("converts");
    assert_eq!(c.rootfs, "/bundle/rootfs");
    assert!(c.readonlyfs);
    let dests: Vec<&str> = c.mounts.iter().map(|m| m.destination.as_str()).collect();
    assert_eq!(dests, ["/a/b", "rel", "/a", "/a"]);
    assert_eq!(warnings, vec![relative_destination_warning("rel")]);
}

/// Ports `TestDupNamespaces`.
#[test]
fn test_dup_namespaces() {
    let s = spec(json!({"ociVersion": "1.3.0", "root": {"path": "rootfs"},
        "linux": {"namespaces": [{"type": "pid"}, {"type": "pid", "path": "/proc/1/ns/pid"}]}}));
    let err = create_config("/b", &s, CreateOpts::default()).expect_err("dup");
    assert_eq!(
        err.to_string(),
        "malformed spec file: duplicated ns {\"pid\" \"/proc/1/ns/pid\"}"
    );
}

#[test]
fn idmap_without_mappings_takes_the_userns_ones() {
    let mounts = json!([
        {"destination": "/i", "source": "/s", "options": ["rbind", "idmap"]},
        {"destination": "/j", "source": "/s", "options": ["bind", "idmap"],
            "uidMappings": [{"containerID": 0, "hostID": 5, "size": 1}]}]);
    let s = spec(
        json!({"ociVersion": "1.3.0", "root": {"path": "rootfs"}, "mounts": mounts,
        "linux": {"namespaces": [{"type": "user"}],
            "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
            "gidMappings": [{"containerID": 0, "hostID": 2000, "size": 10}]}}),
    );
    let (c, _) = create_config("/b", &s, CreateOpts::default()).expect("converts");
    let first = c.mounts.first().and_then(|m| m.id_mapping.clone());
    assert_eq!(
        first,
        Some(MountIdMapping {
            uid_mappings: Some(vec![IdMap::new(0, 1000, 10)]),
            gid_mappings: Some(vec![IdMap::new(0, 2000, 10)]),
            ..MountIdMapping::default()
        })
    );
    // Mount mappings of its own (even uid only) are kept as they are.
    let second = c.mounts.get(1).and_then(|m| m.id_mapping.clone());
    assert_eq!(
        second.and_then(|i| i.gid_mappings),
        None,
        "a mount with uid mappings keeps nil gid mappings"
    );
    assert_eq!(
        validate(&c, |_| Ok("/b/rootfs".into()))
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(
            "invalid mount &{Source:/s Destination:/j Device:bind Flags:4096 ClearedFlags:0 \
             PropagationFlags:[] Data: Relabel: RecAttr:<nil> Extensions:0 \
             IDMapping:0xc000010000}: id-mapped mounts must have both uid and gid mappings \
             specified"
                .to_string()
        )
    );

    // Joining a userns by path stashes the path instead.
    let s = spec(
        json!({"ociVersion": "1.3.0", "root": {"path": "rootfs"}, "mounts": mounts,
        "linux": {"namespaces": [{"type": "user", "path": "/proc/7/ns/user"}]}}),
    );
    let (c, _) = create_config("/b", &s, CreateOpts::default()).expect("converts");
    let first = c.mounts.first().and_then(|m| m.id_mapping.clone());
    assert_eq!(
        first,
        Some(MountIdMapping {
            userns_path: "/proc/7/ns/user".into(),
            ..MountIdMapping::default()
        })
    );
}

#[test]
fn userns_without_mappings_fails_in_specconv() {
    let s = spec(json!({"ociVersion": "1.3.0", "root": {"path": "rootfs"},
        "linux": {"namespaces": [{"type": "user"}]}}));
    let err = create_config("/b", &s, CreateOpts::default()).expect_err("no maps");
    assert_eq!(
        err.to_string(),
        "user namespaces enabled, but no uid mappings found"
    );
    let s = spec(json!({"ociVersion": "1.3.0", "root": {"path": "rootfs"},
        "linux": {"namespaces": [{"type": "user"}],
            "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
            "gidMappings": [{"containerID": 1, "hostID": 1000, "size": 1}]}}));
    let err = create_config("/b", &s, CreateOpts::default()).expect_err("no root gid");
    assert_eq!(
        err.to_string(),
        "user namespaces enabled, but no mapping found for gid 0"
    );
}

/// `specconv.Example()`'s mounts, namespaces and paths (example.go).
fn example_spec() -> serde_json::Value {
    json!({"ociVersion": "1.3.0", "root": {"path": "/", "readonly": true},
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
                "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
                "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
                "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
                "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
                "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}],
        "linux": {
            "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                "/proc/sched_debug", "/sys/firmware", "/proc/scsi"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                "/proc/sysrq-trigger"],
            "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}]}})
}

/// Ports `TestSpecconvExampleValidate` (its mount part): the example spec
/// converts and validates, and its mounts hold what specconv makes of them.
#[test]
fn test_specconv_example_validate() {
    let (c, warnings) = create_config("/bundle", &spec(example_spec()), CreateOpts::default())
        .expect("Couldn't create libcontainer config");
    assert!(warnings.is_empty());
    assert_eq!(validate(&c, |_| Ok("/".into())), Ok(vec![]));
    let got: Vec<(&str, &str, u64, &str)> = c
        .mounts
        .iter()
        .map(|m| {
            (
                m.destination.as_str(),
                m.device.as_str(),
                m.flags,
                m.data.as_str(),
            )
        })
        .collect();
    let nse = MS_NOSUID | MS_NOEXEC;
    assert_eq!(
        got,
        vec![
            ("/proc", "proc", 0, ""),
            (
                "/dev",
                "tmpfs",
                MS_NOSUID | MS_STRICTATIME,
                "mode=755,size=65536k"
            ),
            (
                "/dev/pts",
                "devpts",
                nse,
                "newinstance,ptmxmode=0666,mode=0620,gid=5"
            ),
            ("/dev/shm", "tmpfs", nse | MS_NODEV, "mode=1777,size=65536k"),
            ("/dev/mqueue", "mqueue", nse | MS_NODEV, ""),
            ("/sys", "sysfs", nse | MS_NODEV | MS_RDONLY, ""),
            (
                "/sys/fs/cgroup",
                "cgroup",
                nse | MS_NODEV | MS_RELATIME | MS_RDONLY,
                ""
            ),
        ]
    );
    assert_eq!(c.mask_paths.len(), 10);
    assert_eq!(c.readonly_paths.len(), 5);
}

/// Ports `TestSpecconvNoLinuxSection`.
#[test]
fn test_specconv_no_linux_section() {
    let mut v = example_spec();
    if let Some(o) = v.as_object_mut() {
        o.remove("linux");
    }
    let (c, _) = create_config("/bundle", &spec(v), CreateOpts::default()).expect("converts");
    assert!(c.namespaces.is_empty() && c.mask_paths.is_empty());
    assert_eq!(validate(&c, |_| Ok("/".into())), Ok(vec![]));
}

/// Ports `TestNonZeroEUIDCompatibleSpecconvValidate`: the example after
/// `ToRootless` (euid/egid 1000) passes rootless validation.
#[test]
fn test_non_zero_euid_compatible_specconv_validate() {
    let mut v = example_spec();
    // ToRootless: /sys becomes an rbind of the host's, uid=/gid= options go,
    // the network ns goes and a user ns with single-id mappings comes.
    v["mounts"][2]["options"] = json!([
        "nosuid",
        "noexec",
        "newinstance",
        "ptmxmode=0666",
        "mode=0620"
    ]);
    v["mounts"][5] = json!({"destination": "/sys", "type": "none", "source": "/sys",
        "options": ["rbind", "nosuid", "noexec", "nodev", "ro"]});
    v["linux"]["namespaces"] = json!([{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
        {"type": "mount"}, {"type": "cgroup"}, {"type": "user"}]);
    v["linux"]["uidMappings"] = json!([{"containerID": 0, "hostID": 1000, "size": 1}]);
    v["linux"]["gidMappings"] = json!([{"containerID": 0, "hostID": 1000, "size": 1}]);
    let opts = CreateOpts {
        rootless_euid: true,
        ..CreateOpts::default()
    };
    let (c, _) = create_config("/bundle", &spec(v.clone()), opts).expect("converts");
    assert_eq!(c.mounts.get(5).map(|m| m.device.as_str()), Some("bind"));
    assert_eq!(validate(&c, |_| Ok("/".into())), Ok(vec![]));

    // Without ToRootless's stripping, devpts's gid=5 is refused.
    v["mounts"][2]["options"] = json!(["newinstance", "gid=5"]);
    let (c, _) = create_config("/bundle", &spec(v), opts).expect("converts");
    assert_eq!(
        validate(&c, |_| Ok("/".into())).map_err(|e| e.to_string()),
        Err("cannot specify gid=5 mount option for rootless container: \
             user namespaces enabled, but no mapping found for gid 5"
            .to_string())
    );
}
