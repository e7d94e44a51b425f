//! runsc-today.md §2 (compileMounts), §3 (prepareMounts' sort), §4
//! (getMountNameAndOptions' types), §5 (options), §6 (mountSubmount and
//! makeMountPoint) and §9 (ValidateSpec's mount checks), through
//! `engines::runsc::build`. Each expectation names the gVisor function at
//! 3c5eee17 it was checked against.

#[path = "fixtures/runsc/common.rs"]
mod common;
use common::*;
use mountlab::engines::runsc::events::RunscEvent;
use mountlab::engines::runsc::mount_point::make_mount_point;
use mountlab::vfs::Ctx;

/// Docker's default spec plus four `/data/*` tmpfs mounts: 14 compiled
/// mounts (no mandatory one is added), past pdqsort's insertion-sort
/// threshold, so equal lengths do not keep spec order. The order below is
/// what Go 1.26.3's `sort.Slice` (the Go gVisor 3c5eee17's go.mod names)
/// printed for these 14 destinations, and Go 1.19 prints the same; it is
/// runsc-today.md §3's `runsc-now/sort-unstable-14` prefix. `/dev/mqueue` is
/// an unknown type (skipped), `/sys/fs/cgroup` adds the seven controller
/// binds, `/tmp` comes last.
#[test]
fn fourteen_mounts_sort_as_go_does() {
    let docker = std::fs::read_to_string("tests/fixtures/docker-default-config.json").unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&docker).unwrap();
    let mounts = v["mounts"].as_array_mut().unwrap();
    for d in ["/data/a", "/data/b", "/data/c", "/data/d"] {
        mounts.push(serde_json::json!({"destination": d, "type": "tmpfs"}));
    }
    let spec: oci_spec::runtime::Spec = serde_json::from_value(v).unwrap();
    let src = "/var/lib/docker/containers/4f2b8a9c1d3e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a";
    let files: Vec<(String, _)> = ["hosts", "hostname", "resolv.conf"]
        .iter()
        .map(|f| (format!("{src}/{f}"), tree(r#"{".": "x\n"}"#)))
        .collect();
    let sources: Vec<(&str, _)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let img = tree(
        r#"{"bin/sh": "", "etc/hosts": "", "etc/hostname": "", "etc/resolv.conf": "", "tmp": {"type":"dir"}}"#,
    );
    let r = run_with(&spec, &Default::default(), &img, &sources);
    ok(&r);
    let ctrls = [
        "cpu", "cpuacct", "cpuset", "devices", "job", "memory", "pids",
    ];
    let mut want: Vec<String> = [
        "/",
        "/dev",
        "/sys",
        "/proc",
        "/data/a",
        "/data/d",
        "/data/c",
        "/data/b",
        "/dev/shm",
        "/dev/pts",
        "/etc/hosts",
        "/etc/hostname",
        "/sys/fs/cgroup",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    want.extend(ctrls.iter().map(|c| format!("/sys/fs/cgroup/{c}")));
    want.push("/etc/resolv.conf".into());
    want.push("/tmp".into());
    assert_eq!(r.mount_order(), want);
    assert!(r.events.contains(&RunscEvent::UnknownType {
        destination: "/dev/mqueue".into(),
        typ: "mqueue".into()
    }));
    assert!(r
        .warnings
        .contains(&"ignoring unknown filesystem type \"mqueue\"".to_string()));
}

/// ≤12 mounts: insertion sort, so equal lengths keep compiled order
/// (mandatory first, then spec order); `/tmp/`'s trailing slash counts.
#[test]
fn few_mounts_sort_stably_by_length() {
    let s = spec(
        r#"[{"destination":"/bb","type":"tmpfs"},{"destination":"/aa","type":"tmpfs"},
            {"destination":"/c","type":"tmpfs"}]"#,
        "",
    );
    let r = run(&s);
    ok(&r);
    assert_eq!(
        r.mount_order(),
        ["/", "/c", "/bb", "/aa", "/sys", "/dev", "/proc", "/dev/pts", "/tmp"]
    );
}

/// compileMounts: `/dev` of any type becomes `dev`, `/dev/pts` `devpts`;
/// the spec's own replace the mandatory ones. The `dev` fs consumes no
/// options, so a tmpfs's `mode`/`size` warn (ParseMountOptions).
#[test]
fn dev_types_are_forced() {
    let s = spec(
        r#"[{"destination":"/dev","type":"tmpfs","options":["nosuid","mode=755"]},
            {"destination":"/dev/pts","type":"tmpfs","options":["noexec"]}]"#,
        "",
    );
    let mut r = run(&s);
    ok(&r);
    let pm = r.proc_mounts();
    assert!(
        pm.contains(&"none /dev dev rw,nosuid,mode=0755 0 0".to_string()),
        "{pm:?}"
    );
    assert!(
        pm.contains(&"none /dev/pts devpts rw,noexec 0 0".to_string()),
        "{pm:?}"
    );
    assert_eq!(r.warnings, ["ignoring unknown mount option \"mode=755\""]);
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:self");
    // dev.go userspaceInit, then one node (with its udev symlink) per
    // registered device with a pathname: the memdev nodes, ttydev's `tty`
    // and fuse's `fuse` (registerFilesystems, vfs.go).
    let root = r.root.unwrap();
    let names = ls(&mut r, "/dev");
    assert_eq!(
        names,
        [
            "char", "fd", "full", "fuse", "null", "ptmx", "pts", "random", "shm", "stderr",
            "stdin", "stdout", "tty", "urandom", "zero"
        ]
    );
    assert_eq!(
        r.vfs.readlink(Ctx::at(root), "/dev/char/1:3").unwrap(),
        "../null"
    );
    assert_eq!(
        r.vfs.readlink(Ctx::at(root), "/dev/char/5:0").unwrap(),
        "../tty"
    );
    assert_eq!(
        r.vfs.readlink(Ctx::at(root), "/dev/char/10:229").unwrap(),
        "../fuse"
    );
}

/// Derived: a `/dev/pts` *bind* took a gofer conf and FD on the host
/// (initGoferConfs sees a bind with a source), but compileMounts makes it
/// `devpts`, so prepareMounts never takes the FD and checkDispenser fails
/// (runsc prints the `fdDispenser` with `%v`: FD pointers there, numbers
/// here).
#[test]
fn a_dev_pts_bind_leaves_its_fd() {
    let r = run(&spec(
        r#"[{"destination":"/dev/pts","type":"bind","source":"/x"}]"#,
        "",
    ));
    assert_eq!(r.runsc.gofer_mount_confs, "lisafs:self,lisafs:none");
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: not all gofer FDs were consumed, remaining: {[4]}"
    );
}

/// getMountNameAndOptions: `none` is sysfs; unknown types (and 2018's
/// `devtmpfs`) are skipped with a warning and get no mount point.
#[test]
fn type_table() {
    let s = spec(
        r#"[{"destination":"/n","type":"none"},{"destination":"/dt","type":"devtmpfs"},
            {"destination":"/mq","type":"mqueue"}]"#,
        "",
    );
    let mut r = run(&s);
    ok(&r);
    assert!(r
        .proc_mounts()
        .contains(&"none /n sysfs rw,dentry_cache_limit=1000 0 0".to_string()));
    assert_eq!(
        r.warnings,
        [
            "ignoring unknown filesystem type \"devtmpfs\"",
            "ignoring unknown filesystem type \"mqueue\""
        ]
    );
    let root = r.root.unwrap();
    assert!(r.vfs.stat(Ctx::at(root), "/mq", true).is_err());
}

/// A bind without a source has no mount config, so no FD (HasMountConfig).
#[test]
fn sourceless_bind_has_no_fd() {
    let r = run(&spec(r#"[{"destination":"/b","type":"bind"}]"#, ""));
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount submount \"/b\": mountOptions failed: gofer mount requires a connection FD"
    );
}

/// parseMountOption: three `=`-parts fail the whole setup.
#[test]
fn two_equals_is_fatal_to_the_setup() {
    let r = run(&spec(
        r#"[{"destination":"/data","type":"tmpfs","options":["x=y=z"]}]"#,
        "",
    ));
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount submount \"/data\": mountOptions failed: invalid option \"x=y=z\""
    );
}

/// tmpfs GetFilesystem: a bad value is a bare EINVAL, wrapped by
/// mountSubmount with `%v` of the `*vfs.MountOptions` (checked with Go).
#[test]
fn bad_tmpfs_value_is_einval() {
    let r = run(&spec(
        r#"[{"destination":"/data","type":"tmpfs","options":["noatime","mode=abc"]}]"#,
        "",
    ));
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount submount \"/data\": mounting \"\" (type:tmpfs, dest: \"/data\"): invalid argument, opts: &{{false true false false} false {true mode=abc <nil>} false}"
    );
}

/// GenerateProcMounts' `opts = ",noatime"` bug, any `ro` winning
/// (ParseMountOptions: `rw` is a no-op), and tmpfs' printed options.
#[test]
fn option_flags_and_the_noatime_quirk() {
    let r = run(&spec(
        r#"[{"destination":"/x","type":"tmpfs","options":["noatime","mode=755"]},
            {"destination":"/y","type":"tmpfs","options":["ro","rw","nosuid","size=1m","nodev"]}]"#,
        "",
    ));
    ok(&r);
    let pm = r.proc_mounts();
    assert!(
        pm.contains(&"none /x tmpfs ,noatime,mode=755 0 0".to_string()),
        "{pm:?}"
    );
    assert!(
        pm.contains(&"none /y tmpfs ro,nosuid,size=1024k 0 0".to_string()),
        "{pm:?}"
    );
    assert_eq!(r.warnings, ["ignoring unknown mount option \"nodev\""]);
    let y = r.mounts.iter().find(|m| m.destination == "/y").unwrap();
    assert!(y.ro);
    assert_eq!(y.flags, ["nosuid"]);
    assert_eq!(y.data, "size=1m");
}

/// makeMountPoint: a directory mount over a file.
#[test]
fn dir_over_file() {
    let r = run(&spec(
        r#"[{"destination":"/etc/passwd","type":"tmpfs"}]"#,
        "",
    ));
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount submount \"/etc/passwd\": creating mount point \"/etc/passwd\": mountpoint \"/etc/passwd\" isn't a directory, got mode S_IFREG|0o644"
    );
}

/// makeMountPoint: a file root over a directory (gVisor's "isn't not a
/// file" text, sic).
#[test]
fn file_over_dir() {
    let mut r = run(&spec("[]", ""));
    ok(&r);
    let root = r.root.unwrap();
    let e = make_mount_point(&mut r.vfs, root, "/etc", 0o100644).unwrap_err();
    assert_eq!(
        e.to_string(),
        "mountpoint \"/etc\" isn't not a file, got mode S_IFDIR|0o755"
    );
}

/// Mount points are created (0755 dirs, parents too) and exist afterwards.
#[test]
fn mount_points_are_created() {
    let mut r = run(&spec(r#"[{"destination":"/a/b/c","type":"tmpfs"}]"#, ""));
    ok(&r);
    assert!(r.events.contains(&RunscEvent::MountPointCreated {
        destination: "/a/b/c".into(),
        kind: "dir".into()
    }));
    let root = r.root.unwrap();
    let st = r.vfs.stat(Ctx::at(root), "/a/b", true).unwrap();
    assert_eq!(st.mode, 0o040755);
}

/// A symlinked destination of a non-bind mount is followed inside the
/// container root (absolute targets restart at the root), and the mount is
/// where the link points.
#[test]
fn symlinked_destination_is_followed() {
    let img = tree(
        r#"{"bin/sh": "", "var/run": {"type":"symlink","target":"/run"}, "run": {"type":"dir"}, "tmp": {"type":"dir"}}"#,
    );
    let r = run_with(
        &spec(r#"[{"destination":"/var/run/x","type":"tmpfs"}]"#, ""),
        &Default::default(),
        &img,
        &[],
    );
    ok(&r);
    let m = r
        .mounts
        .iter()
        .find(|m| m.destination == "/var/run/x")
        .unwrap();
    assert_eq!(m.mounted_at.as_deref(), Some("/run/x"));
    assert!(r
        .proc_mounts()
        .contains(&"none /run/x tmpfs rw 0 0".to_string()));
}

/// Derived (runsc-today.md §6): a dangling final symlink stats ENOENT, then
/// the mkdir of the link's own name is EEXIST.
#[test]
fn dangling_symlink_destination() {
    let img = tree(
        r#"{"bin/sh": "", "x": {"type":"symlink","target":"/nowhere"}, "tmp": {"type":"dir"}}"#,
    );
    let r = run_with(
        &spec(r#"[{"destination":"/x","type":"tmpfs"}]"#, ""),
        &Default::default(),
        &img,
        &[],
    );
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount submount \"/x\": creating mount point \"/x\": failed to create directory mountpoint \"/x\": file exists"
    );
}

/// ValidateSpec's validateMount (specutils/fs.go).
#[test]
fn relative_destination_is_refused() {
    let r = run(&spec(
        r#"[{"destination":"dst","type":"tmpfs","source":"src"}]"#,
        "",
    ));
    assert_eq!(
        error(&r),
        "Mount.Destination must be an absolute path: &{dst tmpfs src [] [] []}"
    );
}

/// Read-only toggling (mountSubmounts): a read-only mount is read-write
/// while mounts below it are placed, so their mount points can be created,
/// and read-only again at the end.
#[test]
fn mount_points_inside_a_readonly_mount() {
    let r = run(&spec(
        r#"[{"destination":"/ro","type":"tmpfs","options":["ro"]},
            {"destination":"/ro/inner","type":"tmpfs"}]"#,
        "",
    ));
    ok(&r);
    let pm = r.proc_mounts();
    assert!(pm.contains(&"none /ro tmpfs ro 0 0".to_string()), "{pm:?}");
    assert!(
        pm.contains(&"none /ro/inner tmpfs rw 0 0".to_string()),
        "{pm:?}"
    );
    let toggles: Vec<(String, bool)> = r
        .events
        .iter()
        .filter_map(|e| match e {
            RunscEvent::ReadOnlyToggled {
                destination,
                read_only,
            } => Some((destination.clone(), *read_only)),
            _ => None,
        })
        .collect();
    assert_eq!(
        toggles,
        [("/ro".to_string(), false), ("/ro".to_string(), true)]
    );
}

/// createDeviceFiles after the mounts (runsc-today.md §14): the node with
/// its udev link, EEXIST ignored, an `a` type refused with
/// createDeviceFile's text.
#[test]
fn linux_devices() {
    let s = spec(
        "[]",
        r#""linux":{"devices":[{"path":"/dev/mynull","type":"c","major":1,"minor":3,"fileMode":420},
                               {"path":"/dev/null","type":"c","major":1,"minor":3}]}"#,
    );
    let mut r = run(&s);
    ok(&r);
    let root = r.root.unwrap();
    let st = r.vfs.stat(Ctx::at(root), "/dev/mynull", true).unwrap();
    assert_eq!((st.mode, st.rdev_major, st.rdev_minor), (0o020644, 1, 3));
    assert!(r.events.contains(&RunscEvent::Device {
        path: "/dev/null".into(),
        outcome: "existed".into()
    }));
    let s = spec(
        "[]",
        r#""linux":{"devices":[{"path":"/dev/x","type":"a","major":1,"minor":3}]}"#,
    );
    assert_eq!(
        error(&run(&s)),
        "failed to create device files: specified device at \"/dev/x\" has invalid type \"a\""
    );
}

/// MkdirAllAt's own wrappers inside makeMountPoint's: a parent that is a
/// dangling symlink stats ENOENT, then its mkdir is EEXIST.
#[test]
fn dangling_symlink_parent() {
    let img = tree(
        r#"{"bin/sh": "", "tmp": {"type":"dir"}, "var/run": {"type":"symlink","target":"/run"}}"#,
    );
    let r = run_with(
        &spec(r#"[{"destination":"/var/run/x","type":"tmpfs"}]"#, ""),
        &Default::default(),
        &img,
        &[],
    );
    assert_eq!(
        error(&r),
        "failed to setupFS: mounting submounts: mount submount \"/var/run/x\": creating mount point \"/var/run/x\": failed to create parent directory of mountpoint \"/var/run/x\": failed to create directory \"/var/run\": file exists"
    );
}

/// A destination 2000 components deep (under PATH_MAX) is created level by
/// level without exhausting the stack, even a small one (a browser's wasm
/// stack is about 1 MiB; this runs on 512 KiB).
#[test]
fn deep_destination() {
    let t = std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(|| {
            let dest = "/a".repeat(2000);
            let r = run(&spec(
                &format!(r#"[{{"destination":"{dest}","type":"tmpfs"}}]"#),
                "",
            ));
            ok(&r);
            assert!(r
                .proc_mounts()
                .contains(&format!("none {dest} tmpfs rw 0 0")));
        })
        .unwrap();
    t.join().unwrap();
}
