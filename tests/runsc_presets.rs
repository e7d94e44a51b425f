//! The Docker default spec and the `runc spec` default through today's
//! runsc with default flags and the default image: the whole
//! `/proc/mounts`, line by line as runsc-today.md predicts it, each line
//! checked against gVisor 3c5eee17 (GenerateProcMounts; ParseMountOptions
//! for the flags; the fs's `MountOptions()`: dev.go `mode=0755`, proc/sys
//! `dentry_cache_limit=1000`, tmpfs's rebuilt `size,…,mode`, the gofer
//! client's list; mountCgroupSubmounts' seven binds; mountTmp last).

use mountlab::engines::runsc::build;
use mountlab::engines::runsc::host::HostTree;
use std::collections::BTreeMap;

const G9P: &str = "aname=/,dfltuid=4294967294,dfltgid=4294967294,dcache=1000";

fn spec(path: &str) -> oci_spec::runtime::Spec {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cgroup_lines() -> Vec<String> {
    [
        "cpu", "cpuacct", "cpuset", "devices", "job", "memory", "pids",
    ]
    .iter()
    .map(|c| format!("none /sys/fs/cgroup/{c} cgroup rw,{c} 0 0"))
    .collect()
}

#[test]
fn docker_default() {
    let src = "/var/lib/docker/containers/4f2b8a9c1d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a";
    let file: HostTree = serde_json::from_str(r#"{".": "x\n"}"#).unwrap();
    let sources: BTreeMap<String, HostTree> = ["hosts", "hostname", "resolv.conf"]
        .iter()
        .map(|f| (format!("{src}/{f}"), file.clone()))
        .collect();
    let r = build(
        &spec("tests/fixtures/docker-default-config.json"),
        &Default::default(),
        None,
        &sources,
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    let bind = |fd: u32, flags: &str| {
        format!("9p rw{flags},trans=fd,rfdno={fd},wfdno={fd},{G9P},cache=remote_revalidating,disable_fifo_open,directfs 0 0")
    };
    let mut want = vec![
        "none / overlay rw 0 0".to_string(),
        "none /dev dev rw,nosuid,mode=0755 0 0".into(),
        "none /sys sysfs ro,noexec,nosuid,dentry_cache_limit=1000 0 0".into(),
        "none /proc proc rw,noexec,nosuid,dentry_cache_limit=1000 0 0".into(),
        "none /dev/pts devpts rw,noexec,nosuid 0 0".into(),
        format!("none /dev/shm {}", bind(4, ",noexec,nosuid")),
        format!("none /etc/hosts {}", bind(7, "")),
        format!("none /etc/hostname {}", bind(6, "")),
        "none /sys/fs/cgroup tmpfs ro,noexec,nosuid 0 0".into(),
    ];
    want.extend(cgroup_lines());
    want.push(format!("none /etc/resolv.conf {}", bind(5, "")));
    want.push("none /tmp tmpfs rw,mode=01777 0 0".into());
    assert_eq!(r.proc_mounts(), want);
    assert_eq!(
        r.runsc.gofer_mount_confs,
        "lisafs:self,lisafs:none,lisafs:none,lisafs:none,lisafs:none"
    );
}

#[test]
fn runc_spec_default() {
    let r = build(
        &spec("tests/fixtures/runc-spec-config.json"),
        &Default::default(),
        None,
        &BTreeMap::new(),
    );
    assert!(r.error.is_none(), "{:?}", r.error);
    let mut want = vec![
        format!("none / 9p ro,trans=fd,rfdno=3,wfdno=3,{G9P},cache=fscache,disable_fifo_open,overlayfs_stale_read,directfs 0 0"),
        "none /dev dev rw,nosuid,mode=0755 0 0".into(),
        "none /sys sysfs ro,noexec,nosuid,dentry_cache_limit=1000 0 0".into(),
        "none /proc proc rw,dentry_cache_limit=1000 0 0".into(),
        "none /dev/pts devpts rw,noexec,nosuid 0 0".into(),
        "none /dev/shm tmpfs rw,noexec,nosuid,size=65536k,mode=1777 0 0".into(),
        "none /sys/fs/cgroup tmpfs ro,noexec,nosuid 0 0".into(),
    ];
    want.extend(cgroup_lines());
    want.push("none /tmp tmpfs rw,mode=01777 0 0".into());
    assert_eq!(r.proc_mounts(), want);
    assert_eq!(
        r.warnings,
        [
            "ignoring unknown mount option \"strictatime\"",
            "ignoring unknown mount option \"mode=755\"",
            "ignoring unknown mount option \"size=65536k\"",
            "ignoring unknown mount option \"nodev\"",
            "ignoring unknown mount option \"newinstance\"",
            "ignoring unknown mount option \"ptmxmode=0666\"",
            "ignoring unknown mount option \"mode=0620\"",
            "ignoring unknown mount option \"gid=5\"",
            "ignoring unknown mount option \"nodev\"",
            "ignoring unknown filesystem type \"mqueue\"",
            "ignoring unknown mount option \"nodev\"",
            "ignoring unknown mount option \"relatime\""
        ]
    );
}

/// A playground preset on today's runsc, as the page's engine selector
/// runs it.
fn preset_on_runsc(name: &str) -> mountlab::report::Report {
    let text = std::fs::read_to_string(format!("www/presets/{name}")).unwrap();
    mountlab::playground::Playground::build_with(
        &text,
        &mountlab::playground::Overrides {
            engine: Some("runsc".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .view_dto()
    .report
}

/// The "nosuid, noexec, nodev" preset: `ParseMountOptions` (vfs.go) keeps
/// noexec and nosuid on the bind and the tmpfs and warns about nodev, once
/// per mount; the gofer client's options follow the flags.
#[test]
fn nosuid_noexec_preset() {
    let r = preset_on_runsc("nosuid-noexec.json");
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(
        r.proc_mounts,
        [
            "none / overlay rw 0 0".to_string(),
            "none /sys sysfs rw,dentry_cache_limit=1000 0 0".into(),
            "none /dev dev rw,mode=0755 0 0".into(),
            "none /proc proc rw,dentry_cache_limit=1000 0 0".into(),
            format!("none /data 9p rw,noexec,nosuid,trans=fd,rfdno=4,wfdno=4,{G9P},cache=remote_revalidating,disable_fifo_open,directfs 0 0"),
            "none /dev/pts devpts rw 0 0".into(),
            "none /scratch tmpfs rw,noexec,nosuid,size=1024k 0 0".into(),
            "none /tmp tmpfs rw,mode=01777 0 0".into(),
        ]
    );
    assert_eq!(
        r.warnings,
        [
            "ignoring unknown mount option \"nodev\"",
            "ignoring unknown mount option \"nodev\""
        ]
    );
}

/// "The image's /tmp is not empty": `mountTmp` skips the internal tmpfs
/// when /tmp holds more than "." and "..", so no /tmp line.
#[test]
fn non_empty_tmp_preset() {
    let r = preset_on_runsc("tmp-not-empty.json");
    assert!(r.error.is_none(), "{:?}", r.error);
    assert!(
        !r.proc_mounts.iter().any(|l| l.contains(" /tmp ")),
        "{:?}",
        r.proc_mounts
    );
}
