//! runsc-today.md §3.1 (cgroup mounts: mountCgroupSubmounts, cgroup2) and
//! §10 (mount hints: mount_hints.go, getSharedMount, mountSharedSubmount)
//! through `engines::runsc::build`, checked against runsc/boot/vfs.go and
//! mount_hints.go at 3c5eee17.

#[path = "fixtures/runsc/common.rs"]
mod common;
use common::*;
use mountlab::engines::runsc::config::RunscConfig;
use mountlab::engines::runsc::events::RunscEvent;

const CGROUP: &str = r#"{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}"#;

/// v1: the mount becomes a tmpfs (options filtered as tmpfs's: `nodev`,
/// `relatime` warn), then every `kernel.CgroupCtrls` controller's
/// `<root>/<containerID>` is bound at `/sys/fs/cgroup/<ctrl>`, read-write
/// (clones of the sandbox-wide controller mounts), the tmpfs read-only
/// again afterwards.
#[test]
fn cgroup_v1_expands_to_seven_controller_binds() {
    let r = run(&spec(&format!("[{CGROUP}]"), ""));
    ok(&r);
    let pm: Vec<String> = r
        .proc_mounts()
        .into_iter()
        .filter(|l| l.contains("/sys/fs/cgroup"))
        .collect();
    assert_eq!(
        pm,
        [
            "none /sys/fs/cgroup tmpfs ro,noexec,nosuid 0 0",
            "none /sys/fs/cgroup/cpu cgroup rw,cpu 0 0",
            "none /sys/fs/cgroup/cpuacct cgroup rw,cpuacct 0 0",
            "none /sys/fs/cgroup/cpuset cgroup rw,cpuset 0 0",
            "none /sys/fs/cgroup/devices cgroup rw,devices 0 0",
            "none /sys/fs/cgroup/job cgroup rw,job 0 0",
            "none /sys/fs/cgroup/memory cgroup rw,memory 0 0",
            "none /sys/fs/cgroup/pids cgroup rw,pids 0 0",
        ]
    );
    assert_eq!(
        r.warnings,
        [
            "ignoring unknown mount option \"nodev\"",
            "ignoring unknown mount option \"relatime\""
        ]
    );
}

/// A second surviving cgroup mount (one before `/sys/fs/cgroup` in spec
/// order survives compileMounts) fails: the per-container directory in
/// each controller root already exists (the doc's derived example).
#[test]
fn a_second_cgroup_mount_fails() {
    let s = spec(
        r#"[{"destination":"/sys/fs/cgroup/cpu","type":"cgroup"},
            {"destination":"/sys/fs/cgroup","type":"cgroup"}]"#,
        "",
    );
    let r = run(&s);
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount cgroup \"/sys/fs/cgroup/cpu\": file exists"
    );
}

/// Derived, not in the doc: a cgroup mount elsewhere, sorted before
/// `/sys/fs/cgroup` is mounted, binds its controllers at the hard-coded
/// `/sys/fs/cgroup/<ctrl>` inside sysfs, whose `fs/cgroup` takes no new
/// children (kernfs: EPERM). MakeSyntheticMountpoint only warns, then BindAt
/// finds no mount point.
#[test]
fn a_cgroup_mount_outside_sys_fs_cgroup_fails() {
    let s = spec(r#"[{"destination":"/cgroup","type":"cgroup"}]"#, "");
    let r = run(&s);
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount cgroup \"/cgroup\": no such file or directory"
    );
    assert_eq!(
        r.warnings,
        ["Failed to create mount point \"/sys/fs/cgroup/cpu\": failed to create mountpoint \"/sys/fs/cgroup/cpu\": failed to create directory \"/sys/fs/cgroup/cpu\": operation not permitted"]
    );
}

/// `--mount-cgroup-v2`: one cgroup2 filesystem, no options consumed, and
/// `nsdelegate` (setupCgroup2's SetNSDelegate).
#[test]
fn cgroup_v2() {
    let conf = RunscConfig {
        mount_cgroup_v2: true,
        ..RunscConfig::default()
    };
    let r = run_with(&spec(&format!("[{CGROUP}]"), ""), &conf, &image(), &[]);
    ok(&r);
    assert!(r
        .proc_mounts()
        .contains(&"none /sys/fs/cgroup cgroup2 ro,noexec,nosuid,nsdelegate 0 0".to_string()));
}

fn pod_hint(extra: &[(&str, &str)]) -> String {
    let mut ann = vec![
        ("dev.gvisor.spec.mount.vol.source", "/pod/vol"),
        ("dev.gvisor.spec.mount.vol.type", "tmpfs"),
        ("dev.gvisor.spec.mount.vol.share", "pod"),
    ];
    ann.extend_from_slice(extra);
    let body: Vec<String> = ann.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("\"annotations\":{{{}}}", body.join(","))
}

const VOL: &str = r#"[{"destination":"/v","type":"bind","source":"/pod/vol","options":["rbind"]}]"#;
const VOL_NOEXEC: &str =
    r#"[{"destination":"/v","type":"bind","source":"/pod/vol","options":["rbind","noexec"]}]"#;

/// A pod-shared tmpfs hint: the bind's conf is `none:self` (a
/// sandbox-internal tmpfs backed by `<source>/.gvisor.filestore.<id>`),
/// prepareMounts makes it a tmpfs, the master is mounted with the hint's
/// options, and the mount is marked with its hint.
#[test]
fn pod_shared_tmpfs() {
    let s = spec(
        VOL_NOEXEC,
        &pod_hint(&[("dev.gvisor.spec.mount.vol.options", "noexec")]),
    );
    let r = run(&s);
    ok(&r);
    assert!(r
        .proc_mounts()
        .contains(&"none /v tmpfs rw,noexec 0 0".to_string()));
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:self,none:self");
    assert!(r
        .host()
        .unwrap()
        .lookup("/pod/vol/.gvisor.filestore.mountlab")
        .is_ok());
    let m = r.mounts.iter().find(|m| m.destination == "/v").unwrap();
    assert_eq!(m.fs, "tmpfs");
    assert_eq!(m.shared_hint.as_deref(), Some("vol"));
    assert!(r.events.contains(&RunscEvent::SharedMaster {
        name: "vol".into(),
        source: "/pod/vol".into(),
        typ: "tmpfs".into()
    }));
    let h = &r.runsc.hints["vol"];
    assert_eq!(
        (h.share.as_str(), h.file_access.as_str(), h.should_share),
        ("pod", "exclusive", true)
    );
}

/// checkCompatible: a read-only master and a read-write replica.
#[test]
fn shared_master_readonly_vs_rw_replica() {
    let s = spec(
        VOL,
        &pod_hint(&[("dev.gvisor.spec.mount.vol.options", "ro")]),
    );
    let r = run(&s);
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount shared mount \"vol\" to \"/v\": cannot mount read-write shared mount because master is read-only, mount: &{Destination:/v Type:tmpfs Source:/pod/vol Options:[] UIDMappings:[] GIDMappings:[]}"
    );
}

/// An invalid annotation key is an error of NewPodMountHints, wrapped by
/// cont.go; an invalid value only warns.
#[test]
fn hint_errors_and_warnings() {
    let s = spec("[]", r#""annotations":{"dev.gvisor.spec.mount.a.b.c":"x"}"#);
    assert_eq!(
        error(&run(&s)),
        "error creating pod mount hints: invalid mount annotation: dev.gvisor.spec.mount.a.b.c=x"
    );
    let s = spec(
        VOL,
        &pod_hint(&[("dev.gvisor.spec.mount.vol.share", "nope")]),
    );
    let r = run(&s);
    assert!(r.warnings.contains(
        &"ignoring invalid mount annotation (name = \"vol\", key = \"share\", value = \"nope\"): invalid share value \"nope\"".to_string()
    ));
    assert!(r.warnings.contains(
        &"ignoring mount annotations for \"vol\" because of missing required field(s)".to_string()
    ));
}

/// checkCompatible: a noexec master and an exec replica.
#[test]
fn shared_master_noexec_vs_exec_replica() {
    let s = spec(
        VOL,
        &pod_hint(&[("dev.gvisor.spec.mount.vol.options", "noexec")]),
    );
    assert_eq!(
        error(&run(&s)),
        "failed to setupFS: mounting submounts: mount shared mount \"vol\" to \"/v\": cannot mount exec enabled shared mount because master is noexec, mount: &{Destination:/v Type:tmpfs Source:/pod/vol Options:[] UIDMappings:[] GIDMappings:[]}"
    );
}

fn hint(typ: &str, share: &str) -> String {
    format!(
        r#""annotations":{{"dev.gvisor.spec.mount.vol.source":"/pod/vol","dev.gvisor.spec.mount.vol.type":"{typ}","dev.gvisor.spec.mount.vol.share":"{share}"}}"#
    )
}

/// A `bind` hint shared by `container`: a `self` overlay over the bind
/// (initGoferConfs), exclusive access so no `cache=` (fileAccessType,
/// goferMountData), not a shared mount.
#[test]
fn bind_hint_container_is_an_exclusive_self_overlay() {
    let r = run(&spec(VOL, &hint("bind", "container")));
    ok(&r);
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:self,lisafs:self");
    assert!(r
        .host()
        .unwrap()
        .lookup("/pod/vol/.gvisor.filestore.mountlab")
        .is_ok());
    let m = r.mounts.iter().find(|m| m.destination == "/v").unwrap();
    assert_eq!((m.fs.as_str(), m.shared_hint.as_deref()), ("overlay", None));
    assert_eq!(
        m.data,
        "trans=fd,rfdno=4,wfdno=4,directfs,disable_fifo_open"
    );
}

/// `share=shared`: a plain bind with shared access.
#[test]
fn shared_hint_is_a_plain_bind() {
    let r = run(&spec(VOL, &hint("bind", "shared")));
    ok(&r);
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:self,lisafs:none");
    let m = r.mounts.iter().find(|m| m.destination == "/v").unwrap();
    assert_eq!(m.fs, "9p");
    assert_eq!(
        m.data,
        "trans=fd,rfdno=4,wfdno=4,cache=remote_revalidating,directfs,disable_fifo_open"
    );
}

/// The rootfs hint's `directfs=off` (createMountNamespace's
/// suppressDirectFS) and an `overlay` it does not give (no root overlay).
#[test]
fn rootfs_hint_directfs_off() {
    let s = spec(
        "[]",
        r#""annotations":{"dev.gvisor.spec.rootfs.source":"/img","dev.gvisor.spec.rootfs.type":"bind","dev.gvisor.spec.rootfs.directfs":"off"}"#,
    );
    let r = run(&s);
    ok(&r);
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:none");
    assert_eq!(
        r.runsc.root.lower_data,
        "trans=fd,rfdno=3,wfdno=3,disable_fifo_open,overlayfs_stale_read"
    );
}

/// `dev.gvisor.flag.overlay2` overrides the flag with memory or self only
/// (Config.Override, checkOverlay2).
#[test]
fn overlay2_annotation_override() {
    let s = spec(
        "[]",
        r#""annotations":{"dev.gvisor.flag.overlay2":"root:memory"}"#,
    );
    let r = run(&s);
    ok(&r);
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:memory");
    let s = spec(
        "[]",
        r#""annotations":{"dev.gvisor.flag.overlay2":"root:dir=/x"}"#,
    );
    assert_eq!(
        error(&run(&s)),
        "error setting flag overlay2=\"root:dir=/x\": \"root:dir=/x\" overlay medium requires flag \"allow-flag-override\" to be enabled"
    );
}

/// Two mounts of one pod-shared volume in a container see the same files
/// (each is a mount of the master's filesystem).
#[test]
fn two_users_of_a_shared_volume_share_files() {
    let m = r#"[{"destination":"/v","type":"bind","source":"/pod/vol","options":["rbind"]},
                {"destination":"/w","type":"bind","source":"/pod/vol","options":["rbind","ro"]}]"#;
    let mut r = run(&spec(m, &pod_hint(&[])));
    ok(&r);
    let root = r.root.unwrap();
    let ctx = mountlab::vfs::Ctx::at(root);
    r.vfs.write_file(ctx, "/v/f", b"hi", false).unwrap();
    assert_eq!(r.vfs.read_file(ctx, "/w/f", 10).unwrap(), b"hi");
    let pm = r.proc_mounts();
    assert!(pm.contains(&"none /v tmpfs rw 0 0".to_string()), "{pm:?}");
    assert!(pm.contains(&"none /w tmpfs ro 0 0".to_string()), "{pm:?}");
    assert!(r.events.contains(&RunscEvent::SharedExisting {
        name: "vol".into(),
        source: "/pod/vol".into(),
        typ: "tmpfs".into()
    }));
}
