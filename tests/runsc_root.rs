//! runsc-today.md §8 (root filesystem), §11 (`--overlay2`) and §13
//! (`/proc/mounts`): what `engines::runsc::build` mounts at `/` and how
//! `/proc/mounts` prints it. Each expectation names the gVisor function at
//! 3c5eee17 it was checked against.

#[path = "fixtures/runsc/common.rs"]
mod common;
use common::*;
use mountlab::engines::runsc::events::RunscEvent;
use mountlab::vfs::Ctx;

const GOFER_OPTS: &str = "aname=/,dfltuid=4294967294,dfltgid=4294967294,dcache=1000";

/// §13's example for the empty spec with default flags and no image
/// `/tmp` (GenerateProcMounts; proc/sys `MountOptions` with their
/// `defaultMaxCachedDentries` 1000; dev.go's `mode=0755`; mountTmp's
/// `mode=01777`; the overlay prints its upper tmpfs's options, none). The
/// order is prepareMounts' sort of the mandatory mounts, `/tmp` last.
#[test]
fn empty_spec_default_flags() {
    let img = tree(
        r#"{"bin/sh": "", "dev": {"type":"dir"}, "proc": {"type":"dir"}, "sys": {"type":"dir"}}"#,
    );
    let r = run_with(&spec("[]", ""), &Default::default(), &img, &[]);
    ok(&r);
    assert_eq!(
        r.proc_mounts(),
        [
            "none / overlay rw 0 0",
            "none /sys sysfs rw,dentry_cache_limit=1000 0 0",
            "none /dev dev rw,mode=0755 0 0",
            "none /proc proc rw,dentry_cache_limit=1000 0 0",
            "none /dev/pts devpts rw 0 0",
            "none /tmp tmpfs rw,mode=01777 0 0",
        ]
    );
    assert_eq!(
        r.mount_order(),
        ["/", "/sys", "/dev", "/proc", "/dev/pts", "/tmp"]
    );
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:self");
    assert_eq!(r.runsc.root.fs, "overlay");
    assert_eq!(
        r.runsc.root.lower_data,
        "trans=fd,rfdno=3,wfdno=3,directfs,disable_fifo_open,overlayfs_stale_read"
    );
    assert!(r.events.contains(&RunscEvent::TmpMissing));
}

/// `--overlay2=root:self` (defaultOverlay2): the filestore file is created
/// in the root's host directory (createGoferFilestoreInSelf,
/// SelfFilestorePath) and hidden from the app by a whiteout in the upper
/// (configureOverlay's overlay.CreateWhiteout).
#[test]
fn self_filestore_is_in_the_host_rootfs_and_hidden() {
    let mut r = run(&spec("[]", ""));
    ok(&r);
    let host = r.host().unwrap();
    assert!(host
        .lookup("/bundle/rootfs/.gvisor.filestore.mountlab")
        .is_ok());
    let names = ls(&mut r, "/");
    assert_eq!(names, ["bin", "dev", "etc", "proc", "sys", "tmp"]);
}

/// A read-only root is never overlaid (initGoferConfs) and shows `ro`; its
/// 9p options are the gofer client's `MountOptions()` in its order, with
/// `cache=fscache` for `--file-access=exclusive`.
#[test]
fn readonly_root_is_9p_ro() {
    let s = spec("[]", r#""root":{"path":"rootfs","readonly":true}"#);
    let r = run(&s);
    ok(&r);
    assert_eq!(
        r.proc_mounts()[0],
        format!("none / 9p ro,trans=fd,rfdno=3,wfdno=3,{GOFER_OPTS},cache=fscache,disable_fifo_open,overlayfs_stale_read,directfs 0 0")
    );
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:none");
    // mountAll switched the root read-write for the submounts, then back.
    let toggles: Vec<&RunscEvent> = r
        .events
        .iter()
        .filter(
            |e| matches!(e, RunscEvent::ReadOnlyToggled { destination, .. } if destination == "/"),
        )
        .collect();
    assert_eq!(toggles.len(), 2);
    assert!(r
        .host()
        .unwrap()
        .lookup("/bundle/rootfs/.gvisor.filestore.mountlab")
        .is_err());
}

/// A read-only root whose image lacks a mount point: the host refuses the
/// mkdir and the gofer client makes a synthetic directory
/// (gofer/filesystem.go MkdirAt with ForSyntheticMountpoint).
#[test]
fn readonly_root_gets_synthetic_mount_points() {
    let s = spec(
        r#"[{"destination":"/data/x","type":"tmpfs"}]"#,
        r#""root":{"path":"rootfs","readonly":true}"#,
    );
    let r = run_with(&s, &Default::default(), &tree(r#"{"bin/sh": ""}"#), &[]);
    ok(&r);
    assert!(r
        .proc_mounts()
        .contains(&"none /data/x tmpfs rw 0 0".to_string()));
    // Nothing was created on the host.
    assert!(r.host().unwrap().lookup("/bundle/rootfs/data").is_err());
}

/// `--overlay2=none`: a writable 9p root; missing mount points are made on
/// the host through the gofer.
#[test]
fn overlay2_none_root_is_9p_rw_and_mount_points_reach_the_host() {
    let r = run_with(
        &spec(r#"[{"destination":"/data","type":"tmpfs"}]"#, ""),
        &overlay2("none"),
        &image(),
        &[],
    );
    ok(&r);
    assert_eq!(
        r.proc_mounts()[0],
        format!("none / 9p rw,trans=fd,rfdno=3,wfdno=3,{GOFER_OPTS},cache=fscache,disable_fifo_open,overlayfs_stale_read,directfs 0 0")
    );
    assert!(r.host().unwrap().lookup("/bundle/rootfs/data").is_ok());
}

/// `root:memory,size=1g`: no filestore; the overlay prints its upper's
/// `size=` in KiB (tmpfs GetFilesystem's printedOpts).
#[test]
fn overlay2_memory_with_size() {
    let r = run_with(
        &spec("[]", ""),
        &overlay2("root:memory,size=1g"),
        &image(),
        &[],
    );
    ok(&r);
    assert_eq!(r.proc_mounts()[0], "none / overlay rw,size=1048576k 0 0");
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:memory:size=1g");
    assert!(r
        .host()
        .unwrap()
        .lookup("/bundle/rootfs/.gvisor.filestore.mountlab")
        .is_err());
    assert_eq!(r.runsc.overlay2.root_medium, "memory");
    assert_eq!(r.runsc.overlay2.root_size, "1g");
}

/// `all:self`: every writable gofer bind is overlaid with a filestore in its
/// source; `ro` binds are not (initGoferConfs); a file source falls back to
/// memory with createGoferConf's warning.
#[test]
fn overlay2_all_self() {
    let s = spec(
        r#"[{"destination":"/data","type":"bind","source":"/src/data","options":["rbind"]},
            {"destination":"/ro","type":"bind","source":"/src/ro","options":["rbind","ro"]},
            {"destination":"/etc/hosts","type":"bind","source":"/src/hosts","options":["rbind"]}]"#,
        "",
    );
    let r = run_with(
        &s,
        &overlay2("all:self"),
        &image(),
        &[("/src/hosts", tree(r#"{".": "10.0.0.1 x\n"}"#))],
    );
    ok(&r);
    assert_eq!(
        r.runsc.gofer_mount_confs,
        "lisafs:self,lisafs:self,lisafs:none,lisafs:memory"
    );
    assert_eq!(
        r.warnings,
        ["self filestore is only supported for directory mounts, but mount \"/src/hosts\" is not a directory, falling back to memory"]
    );
    let host = r.host().unwrap();
    assert!(host.lookup("/src/data/.gvisor.filestore.mountlab").is_ok());
    assert!(host.lookup("/src/ro/.gvisor.filestore.mountlab").is_err());
    let pm = r.proc_mounts();
    assert!(
        pm.contains(&"none /data overlay rw 0 0".to_string()),
        "{pm:?}"
    );
    assert!(
        pm.contains(&"none /etc/hosts overlay rw 0 0".to_string()),
        "{pm:?}"
    );
    assert!(pm.contains(&format!("none /ro 9p ro,trans=fd,rfdno=5,wfdno=5,{GOFER_OPTS},cache=remote_revalidating,disable_fifo_open,directfs 0 0")), "{pm:?}");
}

/// Two non-shared mounts of one source with a self filestore: the second
/// `O_EXCL` create fails (createGoferFilestoreInSelf's text, with the
/// `/proc/<gofer pid>/root` prefix runsc opens it through).
#[test]
fn repeated_self_source_fails() {
    let s = spec(
        r#"[{"destination":"/a","type":"bind","source":"/src","options":["rbind"]},
            {"destination":"/b","type":"bind","source":"/src","options":["rbind"]}]"#,
        "",
    );
    let r = run_with(&s, &overlay2("all:self"), &image(), &[]);
    assert_eq!(
        error(&r),
        "\"/src\" mount source already has a filestore file at \"/proc/2/root/src/.gvisor.filestore.mountlab\"; repeated submounts are not supported with overlay optimizations"
    );
}

/// Config.Validate and Overlay2.Set errors are setup errors.
#[test]
fn flag_errors() {
    let conf = mountlab::engines::runsc::config::RunscConfig {
        file_access: mountlab::engines::runsc::config::FileAccessType::Shared,
        ..Default::default()
    };
    let r = run_with(&spec("[]", ""), &conf, &image(), &[]);
    assert_eq!(
        error(&r),
        "overlay flag is incompatible with shared file access for rootfs"
    );
}

/// A gofer bind: `9p` with `cache=remote_revalidating` (`--file-access-mounts`
/// default shared), FDs after the root's.
#[test]
fn gofer_bind_options() {
    let s = spec(
        r#"[{"destination":"/data","type":"bind","source":"/src","options":["rbind","dcache=0","noexec"]}]"#,
        "",
    );
    let r = run_with(
        &s,
        &Default::default(),
        &image(),
        &[("/src", tree(r#"{"f": "x"}"#))],
    );
    ok(&r);
    assert!(r.proc_mounts().contains(&"none /data 9p rw,noexec,trans=fd,rfdno=4,wfdno=4,aname=/,dfltuid=4294967294,dfltgid=4294967294,dcache=0,cache=remote_revalidating,disable_fifo_open,directfs 0 0".to_string()));
    let m = r.mounts.iter().find(|m| m.destination == "/data").unwrap();
    assert_eq!(
        m.data,
        "dcache=0,trans=fd,rfdno=4,wfdno=4,cache=remote_revalidating,directfs,disable_fifo_open"
    );
    assert_eq!(m.flags, ["noexec"]);
    let root = r.root.unwrap();
    let mut vfs = r.vfs;
    assert_eq!(vfs.read_file(Ctx::at(root), "/data/f", 10).unwrap(), b"x");
}

/// A bind destination through a symlink in the image is resolved on the
/// host (ss/fs.go ResolveSymlinks) and the sentry sees the resolved path
/// (ResolveMounts).
#[test]
fn bind_destination_resolved_on_the_host() {
    let img = tree(
        r#"{"bin/sh": "", "var/run": {"type":"symlink","target":"/run"}, "run": {"type":"dir"}, "tmp": {"type":"dir"}}"#,
    );
    let s = spec(
        r#"[{"destination":"/var/run/app","type":"bind","source":"/src","options":["rbind"]}]"#,
        "",
    );
    let r = run_with(&s, &Default::default(), &img, &[]);
    ok(&r);
    assert!(
        r.mount_order().contains(&"/run/app".to_string()),
        "{:?}",
        r.mount_order()
    );
    assert!(r.host().unwrap().lookup("/bundle/rootfs/run/app").is_ok());
}

/// A dir bind over an image file fails on the host (the gofer's mount(2):
/// ENOTDIR) before the sentry runs.
#[test]
fn dir_bind_over_file_fails_on_the_host() {
    let s = spec(
        r#"[{"destination":"/etc/hosts","type":"bind","source":"/src","options":["rbind"]}]"#,
        "",
    );
    let r = run(&s);
    assert_eq!(
        error(&r),
        "error setting up FS: mounting {Destination:/etc/hosts Type:bind Source:/src Options:[rbind] UIDMappings:[] GIDMappings:[]}: not a directory"
    );
    assert!(r.mounts.is_empty());
}

/// setupContainerVFS creates the process's working directory after the
/// mounts (MkdirAllAt, 0755); on a read-only root it is EROFS, unwrapped by
/// "failed to setupFS" (that prefix is mountAll's only).
#[test]
fn working_directory_is_created() {
    let mut s = spec("[]", "");
    let mut p = s.process().clone().unwrap();
    p.set_cwd("/work/dir".into());
    s.set_process(Some(p.clone()));
    let mut r = run(&s);
    ok(&r);
    let root = r.root.unwrap();
    assert!(r.vfs.stat(Ctx::at(root), "/work/dir", true).is_ok());
    let mut ro = spec("[]", r#""root":{"path":"rootfs","readonly":true}"#);
    ro.set_process(Some(p));
    assert_eq!(
        error(&run(&ro)),
        "failed to create process working directory \"/work/dir\": failed to create directory \"/work\": read-only file system"
    );
}

/// The shell and the VFS's views work on the built namespace.
#[test]
fn the_shell_runs_in_the_container() {
    let mut r = run(&spec(r#"[{"destination":"/data","type":"tmpfs"}]"#, ""));
    ok(&r);
    let mut cwd = r.root.unwrap();
    let out = mountlab::shell::run_within(
        &mut r.vfs,
        mountlab::shell::Task {
            root: cwd,
            cwd: &mut cwd,
            env: &[],
            wd: "/",
        },
        "ls /",
        Default::default(),
    );
    assert_eq!(out.error, None);
    assert_eq!(out.output, "bin\ndata\ndev\netc\nproc\nsys\ntmp\n");
}

/// `--overlay2=root:dir=/abs`: the filestore is an unlinked temporary file
/// in that host directory (createGoferFilestoreInDir), so nothing is left
/// in the host tree; a missing directory fails the start.
#[test]
fn overlay2_dir_medium() {
    let r = run_with(
        &spec("[]", ""),
        &overlay2("root:dir=/scratch"),
        &image(),
        &[("/scratch", tree("{}"))],
    );
    ok(&r);
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:anon");
    assert_eq!(r.proc_mounts()[0], "none / overlay rw 0 0");
    let host = r.host().unwrap();
    assert_eq!(
        host.list("/scratch").unwrap().len(),
        1,
        "only the directory itself"
    );
    let r = run_with(&spec("[]", ""), &overlay2("root:dir=/nope"), &image(), &[]);
    assert_eq!(
        error(&r),
        "failed to stat filestore directory \"/nope\": stat /nope: no such file or directory"
    );
}

/// The gofer's host-side ResolveSymlinks errors (ss/fs.go): a symlink loop
/// (255 follows) and an `os.Lstat` through a file.
#[test]
fn host_symlink_resolution_errors() {
    let img =
        tree(r#"{"bin/sh": "", "etc/passwd": "", "loop": {"type":"symlink","target":"/loop"}}"#);
    let bind = |d: &str| {
        spec(
            &format!(r#"[{{"destination":"{d}","type":"bind","source":"/s"}}]"#),
            "",
        )
    };
    let r = run_with(&bind("/loop/x"), &Default::default(), &img, &[]);
    assert_eq!(
        error(&r),
        "error setting up FS: resolving symlinks to \"/loop/x\": too many symlinks to follow, path: \"/bundle/rootfs/loop\""
    );
    let r = run_with(&bind("/etc/passwd/x"), &Default::default(), &img, &[]);
    assert_eq!(
        error(&r),
        "error setting up FS: resolving symlinks to \"/etc/passwd/x\": lstat /bundle/rootfs/etc/passwd/x: not a directory"
    );
}

/// The summary's fields and names (snake_case, optional fields left out).
#[test]
fn summary_serializes_with_the_issue_field_names() {
    let img = tree(
        r#"{"bin/sh": "", "tmp": {"type":"dir"}, "run": {"type":"dir"}, "var/run": {"type":"symlink","target":"/run"}}"#,
    );
    let r = run_with(
        &spec(
            r#"[{"destination":"/var/run/x","type":"tmpfs","options":["noexec","ro"]}]"#,
            "",
        ),
        &Default::default(),
        &img,
        &[],
    );
    ok(&r);
    let v = serde_json::to_value(r.summary()).unwrap();
    assert_eq!(v["engine"], "runsc");
    assert_eq!(v["ok"], true);
    let m = v["mounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["destination"] == "/var/run/x")
        .unwrap();
    assert_eq!(
        m,
        &serde_json::json!({"destination": "/var/run/x", "fs": "tmpfs", "source": "", "ro": true,
            "flags": ["noexec"], "data": "", "mounted_at": "/run/x"})
    );
    assert!(v["mount_order"]
        .as_array()
        .unwrap()
        .contains(&"/run/x".into()));
    assert_eq!(v["runsc"]["gofer_mount_confs"], "lisafs:self");
    assert_eq!(v["runsc"]["root"]["fs"], "overlay");
    assert_eq!(v["runsc"]["overlay2"]["root_medium"], "self");
    assert_eq!(
        r.host_trees(),
        [("/".to_string(), "/bundle/rootfs".to_string())]
    );
}

/// Restore's spec check against the running container
/// (restore.go validateSpecForContainer): mounts matched by destination,
/// options in any order, sources ignored; a changed type is refused.
#[test]
fn restore_check() {
    let m = r#"[{"destination":"/data","type":"tmpfs","source":"a","options":["ro","mode=755"]}]"#;
    let r = run(&spec(m, ""));
    ok(&r);
    let same =
        r#"[{"destination":"/data","type":"tmpfs","source":"b","options":["mode=755","ro"]}]"#;
    r.check_restore(&spec(same, "")).unwrap();
    let other =
        r#"[{"destination":"/data","type":"bind","source":"a","options":["ro","mode=755"]}]"#;
    let e = r.check_restore(&spec(other, "")).unwrap_err().to_string();
    assert!(
        e.starts_with("failed to validate restore spec: failed to validate spec for container \"\": \"Mounts\" does not match across checkpoint restore for container: \"\", checkpoint []specs.Mount{specs.Mount{Destination:\"/data\", Type:\"tmpfs\""),
        "{e}"
    );
}
