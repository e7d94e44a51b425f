//! runc's mount-namespace builder (`mountlab::engines::runc::build`):
//! exact mount order, `/proc/mounts` lines, errors and warnings. Each
//! expectation names the runc 76d9cf5d function or bats test it follows
//! (libcontainer/rootfs_linux.go = rfs.go), or the Linux rule when the
//! kernel decides (fs/namespace.c, fs/proc_namespace.c, mm/shmem.c).

use mountlab::engines::runc::report::RuncEvent;
use mountlab::engines::runc::{build, CgroupMode, RuncOptions, RuncRun};
use mountlab::errno::Errno;
use mountlab::scenario::{HostInput, HostNodeInput};
use mountlab::vfs::{Ctx, FileType};
use oci_spec::runtime::Spec;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn spec(v: Value) -> Spec {
    serde_json::from_value(v).expect("test spec")
}

fn default_spec() -> Value {
    serde_json::from_str(include_str!("fixtures/runc/default_spec.json")).expect("fixture")
}

fn tree(v: Value) -> BTreeMap<String, HostNodeInput> {
    serde_json::from_value(v).expect("tree")
}

fn run_opts(s: Value, rootfs: Value, sources: Value, opts: &RuncOptions) -> RuncRun {
    let sources: HostInput = serde_json::from_value(sources).expect("sources");
    build(&spec(s), opts, Some(&tree(rootfs)), &sources)
}

fn run_with(s: Value, rootfs: Value, sources: Value) -> RuncRun {
    run_opts(s, rootfs, sources, &RuncOptions::default())
}

fn base_rootfs() -> Value {
    json!({"bin/sh": "", "etc/hostname": "c\n", "tmp/": ""})
}

/// A spec with the given mounts and no masked/readonly paths.
fn with_mounts(mounts: Value) -> Value {
    json!({
        "ociVersion": "1.3.0",
        "root": {"path": "rootfs"},
        "mounts": mounts,
        "linux": {"namespaces": [{"type": "mount"}]}
    })
}

/// A run of `mounts` on the base rootfs that must succeed.
fn run_mounts(mounts: Value) -> RuncRun {
    let r = run_with(with_mounts(mounts), base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    r
}

/// A run of `mounts` on the base rootfs with the host file `/src/f`.
fn run_src(mounts: Value) -> RuncRun {
    run_with(
        with_mounts(mounts),
        base_rootfs(),
        json!({"/src": {"f": "x"}}),
    )
}

/// The error of a run of `mounts` on the base rootfs.
fn mounts_error(mounts: Value) -> Option<String> {
    err(&run_with(with_mounts(mounts), base_rootfs(), json!({})))
}

fn err(r: &RuncRun) -> Option<String> {
    r.error.as_ref().map(|e| e.to_string())
}

fn ctx(r: &RuncRun) -> Ctx {
    Ctx::at(r.root.expect("container root"))
}

fn ls(r: &mut RuncRun, path: &str) -> Vec<String> {
    let c = ctx(r);
    let mut v: Vec<String> = r
        .vfs
        .readdir(c, path)
        .expect("readdir")
        .into_iter()
        .map(|e| e.name)
        .filter(|n| n != "." && n != "..")
        .collect();
    v.sort();
    v
}

fn read(r: &mut RuncRun, path: &str) -> String {
    let c = ctx(r);
    String::from_utf8(r.vfs.read_file(c, path, 1 << 20).expect("read")).expect("utf8")
}

/// The mount(2) calls of a run as (mount index, target, "FLAGS result").
fn mount_calls(r: &RuncRun) -> Vec<(Option<usize>, String, String)> {
    r.events
        .iter()
        .filter_map(|e| match e {
            RuncEvent::Mount {
                index,
                target,
                flags,
                result,
                ..
            } => Some((*index, target.clone(), format!("{flags} {result}"))),
            _ => None,
        })
        .collect()
}

/// `linux` with a mount namespace and a user namespace mapping root to 1000.
fn userns_linux() -> Value {
    json!({
        "namespaces": [{"type": "mount"}, {"type": "user"}],
        "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}],
        "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]
    })
}

/// The mount lines below the rootfs line, for mounts the test adds.
fn lines(r: &RuncRun) -> Vec<&str> {
    r.proc_mounts.iter().skip(1).map(String::as_str).collect()
}

/// `runc spec`'s config (libcontainer/specconv/example.go), on a v2 host:
/// the seven mounts in listed order, `/dev` populated (rfs.go
/// doSetupDev), readonlyPaths then maskedPaths (standard_init_linux.go),
/// the root made read-only (finalizeRootfs). Option texts are Linux's
/// show_options: tmpfs prints size and a non-1777 mode, devpts uid/gid,
/// mode and ptmxmode; strictatime drops relatime (path_mount).
#[test]
fn default_runc_spec() {
    let mut r = run_with(default_spec(), base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.mount_order, 7);
    assert_eq!(
        r.proc_mounts,
        vec![
            "/dev/sda1 / ext4 ro,relatime 0 0",
            "proc /proc proc rw,relatime 0 0",
            "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0",
            "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0",
            "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0",
            "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0",
            "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0",
            "cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0",
            // process.terminal: the pty peer bound on /dev/console
            // (mountConsole), before finalizeRootfs.
            "devpts /dev/console devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0",
            "proc /proc/bus proc ro,relatime 0 0",
            "proc /proc/fs proc ro,relatime 0 0",
            "proc /proc/irq proc ro,relatime 0 0",
            "proc /proc/sys proc ro,relatime 0 0",
            "proc /proc/sysrq-trigger proc ro,relatime 0 0",
            "tmpfs /proc/acpi tmpfs ro,relatime,size=4k,nr_inodes=1 0 0",
            "tmpfs /proc/kcore tmpfs rw,nosuid,size=65536k,mode=755 0 0",
            "tmpfs /proc/keys tmpfs rw,nosuid,size=65536k,mode=755 0 0",
            "tmpfs /proc/timer_list tmpfs rw,nosuid,size=65536k,mode=755 0 0",
            "tmpfs /sys/firmware tmpfs ro,relatime,size=4k,nr_inodes=1 0 0",
            "tmpfs /proc/scsi tmpfs ro,relatime,size=4k,nr_inodes=1 0 0",
        ]
    );
    // maskPaths skips what the host kernel lacks (asound, latency_stats,
    // timer_stats, sched_debug on Linux 6.x).
    assert_eq!(
        r.runc.masked,
        vec![
            "/proc/acpi",
            "/proc/kcore",
            "/proc/keys",
            "/proc/timer_list",
            "/sys/firmware",
            "/proc/scsi"
        ]
    );
    let nodes: Vec<(&str, i64, i64)> = r
        .runc
        .dev_nodes
        .iter()
        .map(|d| (d.path.as_str(), d.major, d.minor))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("/dev/null", 1, 3),
            ("/dev/random", 1, 8),
            ("/dev/full", 1, 7),
            ("/dev/tty", 5, 0),
            ("/dev/zero", 1, 5),
            ("/dev/urandom", 1, 9)
        ]
    );
    assert_eq!(
        ls(&mut r, "/dev"),
        vec![
            "console", "core", "fd", "full", "mqueue", "null", "ptmx", "pts", "random", "shm",
            "stderr", "stdin", "stdout", "tty", "urandom", "zero"
        ]
    );
    assert_eq!(ls(&mut r, "/dev/pts"), vec!["0", "ptmx"]);
    let c = ctx(&r);
    assert_eq!(r.vfs.readlink(c, "/dev/ptmx").expect("ptmx"), "pts/ptmx");
    assert_eq!(r.vfs.readlink(c, "/dev/fd").expect("fd"), "/proc/self/fd");
    // The root is read-only (root.readonly), /dev is not.
    let e = r
        .vfs
        .write_file(c, "/new", b"x", false)
        .expect_err("ro root");
    assert!(e.is(Errno::EROFS));
    r.vfs
        .write_file(c, "/dev/shm/x", b"x", false)
        .expect("rw /dev/shm");
    // The shell's cat /proc/mounts shows the kernel's text.
    assert_eq!(
        read(&mut r, "/proc/mounts"),
        r.proc_mounts.join("\n") + "\n"
    );
}

/// rfs.go prepareRootfs: listed order, no sort; a later parent mount hides
/// an earlier child, and both stay in /proc/mounts (the kernel lists
/// shadowed mounts).
#[test]
fn child_mount_listed_before_parent() {
    let mut r = run_mounts(json!([
        {"destination": "/a/b", "type": "tmpfs", "source": "child"},
        {"destination": "/a", "type": "tmpfs", "source": "parent"}
    ]));
    assert_eq!(
        lines(&r),
        vec![
            "child /a/b tmpfs rw,relatime 0 0",
            // /a was made (0755) for /a/b, so its mode is prepended.
            "parent /a tmpfs rw,relatime,mode=755 0 0"
        ]
    );
    assert!(ls(&mut r, "/a").is_empty());
}

/// rfs.go needsSetupDev: a bind at /dev turns the population off.
#[test]
fn dev_bind_is_not_populated() {
    let mut r = run_with(
        with_mounts(json!([
            {"destination": "/dev", "type": "bind", "source": "/hostdev", "options": ["rbind"]}
        ])),
        base_rootfs(),
        json!({"/hostdev": {"only": "x"}}),
    );
    assert_eq!(err(&r), None);
    assert!(!r.runc.dev_setup);
    assert!(r.runc.dev_nodes.is_empty());
    assert_eq!(ls(&mut r, "/dev"), vec!["only"]);
    assert_eq!(lines(&r), vec!["/dev/sda1 /dev ext4 rw,relatime 0 0"]);
    // A tmpfs at /dev is populated.
    let r = run_with(
        with_mounts(json!([{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}])),
        base_rootfs(),
        json!({}),
    );
    assert!(r.runc.dev_setup);
    assert_eq!(r.runc.dev_nodes.len(), 6);
}

/// bats "tmpfs mount with absolute symlink" and "tmpfs mount mode=
/// inherit": the absolute link restarts at the rootfs
/// (createOpenMountpoint, pathrs OpenInRoot); the existing target's mode
/// is prepended to the data (runc#4971), so /proc/mounts has mode=710.
#[test]
fn tmpfs_through_an_absolute_symlink() {
    let rootfs = json!({
        "bin/sh": "",
        "real/conf": {"type": "dir", "mode": "0710"},
        "conf": {"type": "symlink", "target": "/real/conf"}
    });
    let r = run_with(
        with_mounts(json!([
            {"destination": "/conf", "type": "tmpfs", "source": "tmpfs", "options": ["nodev", "nosuid"]}
        ])),
        rootfs,
        json!({}),
    );
    assert_eq!(err(&r), None);
    assert_eq!(r.mounts[0].mount_data.as_deref(), Some("mode=0710"));
    assert_eq!(r.mounts[0].mounted_at.as_deref(), Some("/real/conf"));
    assert_eq!(
        lines(&r),
        vec!["tmpfs /real/conf tmpfs rw,nosuid,nodev,relatime,mode=710 0 0"]
    );
}

/// bats "tmpfs mount explicit mode=": the user's mode comes after the
/// prefix and the kernel takes the last one; a missing target shows no
/// mode (bats "mode=1777 default"), its created parents are 0755.
#[test]
fn tmpfs_mode_rules() {
    let rootfs = json!({"bin/sh": "", "tmpfs": {"type": "dir", "mode": "0710"}});
    let mut r = run_with(
        with_mounts(json!([
            {"destination": "/tmpfs", "type": "tmpfs", "source": "tmpfs", "options": ["rw", "mode=1500"]},
            {"destination": "/non-existent/foo", "type": "tmpfs", "source": "tmpfs"}
        ])),
        rootfs,
        json!({}),
    );
    assert_eq!(err(&r), None);
    assert_eq!(r.mounts[0].data, "mode=1500");
    assert_eq!(
        r.mounts[0].mount_data.as_deref(),
        Some("mode=0710,mode=1500")
    );
    assert_eq!(
        lines(&r),
        vec![
            "tmpfs /tmpfs tmpfs rw,relatime,mode=1500 0 0",
            "tmpfs /non-existent/foo tmpfs rw,relatime 0 0"
        ]
    );
    let c = ctx(&r);
    assert_eq!(r.vfs.stat(c, "/tmpfs", true).expect("stat").perms(), 0o1500);
    assert_eq!(
        r.vfs.stat(c, "/non-existent", true).expect("stat").perms(),
        0o755
    );
    assert_eq!(ls(&mut r, "/non-existent"), vec!["foo"]);
}

/// bats "bind mount through a dangling symlink component" and "trailing
/// dangling symlink": internal/pathrs hallucinateUnsafePath follows the
/// links as if the missing parts existed and creates them there.
#[test]
fn bind_through_a_dangling_symlink() {
    let rootfs = json!({
        "bin/sh": "",
        "tmp/": "",
        "jump": {"type": "symlink", "target": "/tmp/foo/bar"},
        "etc/hosts": {"type": "symlink", "target": "/jump/baz/hosts"}
    });
    let mut r = run_with(
        with_mounts(json!([
            {"destination": "/etc/hosts", "source": "/src/hosts", "options": ["bind"]}
        ])),
        rootfs,
        json!({"/src": {"hosts": "127.0.0.1 localhost\n"}}),
    );
    assert_eq!(err(&r), None);
    assert_eq!(
        r.mounts[0].mounted_at.as_deref(),
        Some("/tmp/foo/bar/baz/hosts")
    );
    assert_eq!(read(&mut r, "/etc/hosts"), "127.0.0.1 localhost\n");
    assert_eq!(
        lines(&r),
        vec!["/dev/sda1 /tmp/foo/bar/baz/hosts ext4 rw,relatime 0 0"]
    );
    // A trailing dangling link, for a file and for a directory source.
    for source in ["/src/hosts", "/src"] {
        let rootfs =
            json!({"bin/sh": "", "etc/hosts": {"type": "symlink", "target": "/tmp/hosts"}});
        let r = run_with(
            with_mounts(
                json!([{"destination": "/etc/hosts", "source": source, "options": ["bind"]}]),
            ),
            rootfs,
            json!({"/src": {"hosts": "h\n"}}),
        );
        assert_eq!(err(&r), None, "{source}");
        assert_eq!(r.mounts[0].mounted_at.as_deref(), Some("/tmp/hosts"));
    }
}

/// bats "/proc is a symlink" (CVE-2019-19921): mountToRootfs's proc and
/// sysfs branch Lstats the destination; the error has no
/// "create mountpoint" layer.
#[test]
fn proc_as_a_symlink() {
    let rootfs =
        json!({"bin/sh": "", "bad-proc/": "", "proc": {"type": "symlink", "target": "/bad-proc"}});
    let r = run_with(
        with_mounts(json!([{"destination": "/proc", "type": "proc", "source": "proc"}])),
        rootfs,
        json!({}),
    );
    assert_eq!(
        err(&r).as_deref(),
        Some(
            "error mounting \"proc\" to rootfs at \"/proc\": filesystem \"proc\" must be mounted on ordinary directory"
        )
    );
    assert_eq!(r.mount_order, 0);
    assert_eq!(r.mounts.len(), 1);
}

/// createOpenMountpoint: nothing may be mounted at / (runc#5070).
#[test]
fn mount_on_root() {
    assert_eq!(
        mounts_error(json!([{"destination": "/", "type": "tmpfs", "source": "tmpfs"}])).as_deref(),
        Some(
            "error mounting \"tmpfs\" to rootfs at \"/\": create mountpoint for / mount: mountpoint \"/bundle/rootfs\" is on the top of rootfs \"/bundle/rootfs\""
        )
    );
}

/// mounts_recursive.bats: `rro` is mount_setattr(MOUNT_ATTR_RDONLY,
/// AT_RECURSIVE) on the bind; `ro` alone is the bind remount (rfs.go
/// mountToRootfs "bind"). Writes through a rw bind land in the source.
#[test]
fn rro_ro_and_rw_binds() {
    let mut r = run_with(
        with_mounts(json!([
            {"destination": "/rro", "source": "/data", "options": ["rbind", "rro"]},
            {"destination": "/ro", "source": "/data", "options": ["rbind", "ro"]},
            {"destination": "/rw", "source": "/data", "options": ["bind"]}
        ])),
        base_rootfs(),
        json!({"/data": {"f": "data\n"}}),
    );
    assert_eq!(err(&r), None);
    assert_eq!(r.mounts[0].rec_attr_set, vec!["MOUNT_ATTR_RDONLY"]);
    assert!(r.mounts[0].rec_attr_clr.is_empty());
    assert_eq!(r.mounts[1].flags, vec!["MS_RDONLY", "MS_BIND", "MS_REC"]);
    assert_eq!(
        lines(&r),
        vec![
            "/dev/sda1 /rro ext4 ro,relatime 0 0",
            "/dev/sda1 /ro ext4 ro,relatime 0 0",
            "/dev/sda1 /rw ext4 rw,relatime 0 0"
        ]
    );
    // The bind remount only comes with flags beyond MS_BIND|MS_REC.
    let remounts: Vec<usize> = r
        .events
        .iter()
        .filter_map(|e| match e {
            RuncEvent::BindRemount { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    assert_eq!(remounts, vec![1]);
    let c = ctx(&r);
    for p in ["/rro/f", "/ro/f"] {
        let e = r.vfs.write_file(c, p, b"x", false).expect_err(p);
        assert!(e.is(Errno::EROFS), "{p}");
    }
    r.vfs
        .write_file(c, "/rw/new", b"through\n", false)
        .expect("rw bind");
    let h = Ctx::at(r.host_root.expect("host"));
    assert_eq!(
        r.vfs.read_file(h, "/data/new", 100).expect("host file"),
        b"through\n"
    );
    assert_eq!(read(&mut r, "/ro/new"), "through\n");
}

/// bats "tmpcopyup": the tmpfs gets the directory's contents, a 0777
/// subdir stays drwxrwxrwx (rfs.go doTmpfsCopyUp).
#[test]
fn tmpcopyup() {
    let rootfs = json!({
        "bin/sh": "",
        "dir1/dir2": {"type": "dir", "mode": "0777"},
        "dir1/file": "kept\n"
    });
    let mut r = run_with(
        with_mounts(json!([
            {"destination": "/dir1", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}
        ])),
        rootfs,
        json!({}),
    );
    assert_eq!(err(&r), None);
    assert_eq!(r.mounts[0].extensions, vec!["EXT_COPYUP"]);
    assert_eq!(ls(&mut r, "/dir1"), vec!["dir2", "file"]);
    assert_eq!(read(&mut r, "/dir1/file"), "kept\n");
    let c = ctx(&r);
    assert_eq!(
        r.vfs.stat(c, "/dir1/dir2", true).expect("stat").perms(),
        0o777
    );
    assert_eq!(
        lines(&r),
        vec!["tmpfs /dir1 tmpfs rw,relatime,mode=755 0 0"]
    );
    r.vfs
        .write_file(c, "/dir1/new", b"x", false)
        .expect("write");
}

/// mask.bats: files get /dev/null, directories a read-only tmpfs, later
/// directories share it ("directories share tmpfs"); missing paths are
/// skipped; masked paths need a mount namespace (validate security).
#[test]
fn masked_paths() {
    let mut s = with_mounts(json!([{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}]));
    s["linux"]["maskedPaths"] = json!([
        "/testdir",
        "/testfile",
        "/missing",
        "/testdir2",
        "/testdir/"
    ]);
    let rootfs =
        json!({"bin/sh": "", "testdir/x": "secret", "testdir2/y": "s", "testfile": "secret"});
    let mut r = run_with(s.clone(), rootfs.clone(), json!({}));
    assert_eq!(err(&r), None);
    assert_eq!(r.runc.masked, vec!["/testdir", "/testfile", "/testdir2"]);
    assert_eq!(
        lines(&r),
        vec![
            "tmpfs /dev tmpfs rw,relatime 0 0",
            "tmpfs /testdir tmpfs ro,relatime,size=4k,nr_inodes=1 0 0",
            "tmpfs /testfile tmpfs rw,relatime 0 0",
            "tmpfs /testdir2 tmpfs ro,relatime,size=4k,nr_inodes=1 0 0"
        ]
    );
    assert!(ls(&mut r, "/testdir").is_empty());
    assert_eq!(read(&mut r, "/testfile"), "");
    let c = ctx(&r);
    let e = r
        .vfs
        .write_file(c, "/testdir/new", b"x", false)
        .expect_err("ro mask");
    assert!(e.is(Errno::EROFS));
    let st = r.vfs.stat(c, "/testfile", true).expect("stat");
    assert_eq!(st.file_type, FileType::CharDevice);
    // Without a mount namespace: refused before anything is mounted.
    s["linux"]["namespaces"] = json!([]);
    let r = run_with(s, rootfs, json!({}));
    assert_eq!(
        err(&r).as_deref(),
        Some("unable to restrict sys entries without a private MNT namespace")
    );
    assert_eq!(r.mount_order, 0);
    assert_eq!(r.mounts.len(), 1);
}

/// bats "ro tmpfs mount" / "ro /dev mount": tmpfs and /dev are mounted rw
/// (mountPropagate) and remounted read-only in finalizeRootfs.
#[test]
fn deferred_readonly_remounts() {
    let r = run_mounts(json!([
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nosuid", "mode=755"]},
        {"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nodev", "nosuid", "mode=755"]}
    ]));
    assert_eq!(
        lines(&r),
        vec![
            "tmpfs /dev tmpfs ro,nosuid,relatime,mode=755 0 0",
            "tmpfs /mnt tmpfs ro,nosuid,nodev,relatime,mode=755 0 0"
        ]
    );
    let first_mount_flags = r.events.iter().find_map(|e| match e {
        RuncEvent::Mount {
            index: Some(1),
            flags,
            ..
        } => Some(flags.clone()),
        _ => None,
    });
    assert_eq!(first_mount_flags.as_deref(), Some("MS_NOSUID|MS_NODEV"));
    assert_eq!(r.runc.dev_nodes.len(), 6);
}

/// checkProcMount: inside /proc only the lxcfs files; the full host path
/// is quoted.
#[test]
fn mounts_inside_proc() {
    let proc = json!({"destination": "/proc", "type": "proc", "source": "proc"});
    let r = run_src(
        json!([proc, {"destination": "/proc/version", "source": "/src/f", "options": ["bind"]}]),
    );
    assert_eq!(
        err(&r).as_deref(),
        Some(
            "error mounting \"/src/f\" to rootfs at \"/proc/version\": create mountpoint for /proc/version mount: check proc-safety of /proc/version mount: \"/bundle/rootfs/proc/version\" cannot be mounted because it is inside /proc"
        )
    );
    assert_eq!(r.mount_order, 1);
    let mut r = run_with(
        with_mounts(
            json!([proc, {"destination": "/proc/meminfo", "source": "/src/f", "options": ["bind"]}]),
        ),
        base_rootfs(),
        json!({"/src": {"f": "lxcfs\n"}}),
    );
    assert_eq!(err(&r), None);
    assert_eq!(read(&mut r, "/proc/meminfo"), "lxcfs\n");
    // A tmpfs over /proc itself is not of type proc.
    assert_eq!(
        mounts_error(json!([{"destination": "/proc", "type": "tmpfs", "source": "tmpfs"}])).as_deref(),
        Some(
            "error mounting \"tmpfs\" to rootfs at \"/proc\": create mountpoint for /proc mount: check proc-safety of /proc mount: \"/bundle/rootfs/proc\" cannot be mounted because it is not of type proc"
        )
    );
}

/// What the kernel refuses (Linux, not runc): `type: bind` without a bind
/// option reaches mount(2) as fstype "bind" (ENODEV, derived in the doc);
/// an unknown type is ENODEV; a tmpfs over a file is ENOTDIR; tmpfs data
/// it does not know is EINVAL. runc wraps each as a mountError.
#[test]
fn kernel_errors() {
    let cases = [
        (
            json!({"destination": "/mnt", "type": "bind", "source": "src"}),
            "error mounting \"src\" to rootfs at \"/mnt\": mount src=src, dst=/mnt, dstFd=/proc/thread-self/fd/7: no such device",
        ),
        (
            json!({"destination": "/mnt", "type": "nosuchfs", "source": "x", "options": ["nosuid"]}),
            "error mounting \"x\" to rootfs at \"/mnt\": mount src=x, dst=/mnt, dstFd=/proc/thread-self/fd/7, flags=MS_NOSUID: no such device",
        ),
        (
            json!({"destination": "/etc/hostname", "type": "tmpfs", "source": "tmpfs"}),
            "error mounting \"tmpfs\" to rootfs at \"/etc/hostname\": mount src=tmpfs, dst=/etc/hostname, dstFd=/proc/thread-self/fd/7, data=mode=0644: not a directory",
        ),
        (
            json!({"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["defaults"]}),
            "error mounting \"tmpfs\" to rootfs at \"/mnt\": mount src=tmpfs, dst=/mnt, dstFd=/proc/thread-self/fd/7, data=mode=0755,defaults: invalid argument",
        ),
    ];
    let rootfs = json!({"bin/sh": "", "etc/hostname": "h\n", "mnt/": ""});
    for (m, want) in cases {
        let r = run_with(with_mounts(json!([m])), rootfs.clone(), json!({}));
        assert_eq!(err(&r).as_deref(), Some(want));
        let kernel_said = r
            .events
            .iter()
            .any(|e| matches!(e, RuncEvent::Mount { kernel: true, result, .. } if result != "ok"));
        assert!(kernel_said, "{want}");
    }
}

/// createOpenMountpoint stats a missing bind target's source relative to
/// runc's cwd, the bundle; `type: bind` counts (Device is "bind").
#[test]
fn bind_type_source_is_stat_in_the_bundle() {
    let r = run_with(
        with_mounts(json!([{"destination": "/mnt", "type": "bind", "source": "src"}])),
        base_rootfs(),
        json!({}),
    );
    assert_eq!(
        err(&r).as_deref(),
        Some("error mounting \"src\" to rootfs at \"/mnt\": create mountpoint for /mnt mount: stat src: no such file or directory")
    );
    let r = run_with(
        with_mounts(json!([{"destination": "/mnt", "type": "bind", "source": "src"}])),
        base_rootfs(),
        json!({"/bundle/src": {"f": "x"}}),
    );
    assert_eq!(
        err(&r).as_deref(),
        Some("error mounting \"src\" to rootfs at \"/mnt\": mount src=src, dst=/mnt, dstFd=/proc/thread-self/fd/7: no such device")
    );
}

/// Validation (val.go mountsStrict) runs before anything is mounted; the
/// mounts list still has every entry specconv produced.
#[test]
fn bind_with_data_is_refused() {
    let r = run_src(json!([
        {"destination": "/a", "type": "tmpfs", "source": "tmpfs"},
        {"destination": "/mnt", "source": "/src", "options": ["bind", "mode=755"]}
    ]));
    assert_eq!(
        err(&r).as_deref(),
        Some(
            "invalid mount &{Source:/src Destination:/mnt Device:bind Flags:4096 ClearedFlags:0 PropagationFlags:[] Data:mode=755 Relabel: RecAttr:<nil> Extensions:0 IDMapping:<nil>}: bind mounts cannot have any filesystem-specific options applied"
        )
    );
    assert_eq!(r.mounts.len(), 2);
    assert_eq!(r.mount_order, 0);
    assert!(r.mounts.iter().all(|m| m.mount_data.is_none()));
}

/// createLibcontainerMount and mountsWarn both warn about a relative
/// destination; it is used as /rel (LexicallyStripRoot).
#[test]
fn relative_destination() {
    let r = run_mounts(json!([{"destination": "rel/path", "type": "tmpfs", "source": "tmpfs"}]));
    assert_eq!(
        r.warnings,
        vec![
            "mount destination rel/path is not absolute. Support for non-absolute mount destinations will be removed in a future release.",
            "mount &{Source:tmpfs Destination:rel/path Device:tmpfs Flags:0 ClearedFlags:0 PropagationFlags:[] Data: Relabel: RecAttr:<nil> Extensions:0 IDMapping:<nil>}: relative destination path is **deprecated**, using it as relative to /"
        ]
    );
    assert_eq!(lines(&r), vec!["tmpfs /rel/path tmpfs rw,relatime 0 0"]);
}

/// bats "mount order, container bind-mount source": rbind sources inside
/// the rootfs carry the earlier mounts with them (MS_REC copies submounts,
/// fs/namespace.c copy_tree); the final file is a's.
#[test]
fn mount_order_with_container_sources() {
    let rfs = "/bundle/rootfs";
    let bind = |src: String, dst: String, opt: &str| json!({"source": src, "destination": dst, "type": "bind", "options": [opt, "rprivate"]});
    let mounts = json!([
        bind("/src/a".into(), "/mnt".into(), "bind"),
        bind("/src/sym-b".into(), "/mnt/x".into(), "bind"),
        bind("/src/c".into(), "/mnt/x/y".into(), "bind"),
        bind("/src/sym-a".into(), "/mnt/x/y/z".into(), "bind"),
        bind(
            format!("{rfs}/mnt/x"),
            format!("{rfs}/mnt/x/y/z/x"),
            "rbind"
        ),
        bind(
            format!("{rfs}/mnt/x/y"),
            format!("{rfs}/mnt/x/y/z"),
            "rbind"
        ),
        bind(format!("{rfs}/mnt"), format!("{rfs}/final"), "rbind"),
    ]);
    let sources = json!({"/src": {
        "a/x/file": "a/x\n", "b/y/file": "b/y\n", "c/z/file": "c/z\n",
        "sym-a": {"type": "symlink", "target": "a"},
        "sym-b": {"type": "symlink", "target": "b"},
        "sym-c": {"type": "symlink", "target": "c"}
    }});
    let rootfs = json!({"bin/sh": "", "mnt/": "", "final/": ""});
    let mut r = run_with(with_mounts(mounts), rootfs, sources);
    assert_eq!(err(&r), None);
    assert_eq!(read(&mut r, "/final/x/y/z/z/x/y/z/x/file"), "a/x\n");
}

/// cgroup v1 host with a cgroup namespace: real cgroup mounts per
/// hierarchy (mountCgroupV1), read-only with `ro`.
#[test]
fn cgroup_v1_with_cgroupns() {
    let opts = RuncOptions {
        cgroup: CgroupMode::V1,
        ..RuncOptions::default()
    };
    let mut s = with_mounts(json!([
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
    ]));
    s["linux"]["namespaces"] = json!([{"type": "mount"}, {"type": "cgroup"}]);
    let r = run_opts(s, base_rootfs(), json!({}), &opts);
    assert_eq!(err(&r), None);
    let l = lines(&r);
    assert_eq!(l.len(), 14);
    assert_eq!(
        l[2],
        "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup ro,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0"
    );
    assert_eq!(
        l[13],
        "systemd /sys/fs/cgroup/systemd cgroup ro,nosuid,nodev,noexec,relatime,name=systemd 0 0"
    );
}

/// cgroup v1 host: a tmpfs, one bind per hierarchy, every one read-only
/// with `ro` (bats test_ro_cgroup_mount), and the comma-joined symlinks.
#[test]
fn cgroup_v1_read_only() {
    let opts = RuncOptions {
        cgroup: CgroupMode::V1,
        ..RuncOptions::default()
    };
    let mut r = run_opts(
        with_mounts(json!([
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
        ])),
        base_rootfs(),
        json!({}),
        &opts,
    );
    assert_eq!(err(&r), None);
    let ls_cg = ls(&mut r, "/sys/fs/cgroup");
    assert!(ls_cg.contains(&"cpu".to_string()) && ls_cg.contains(&"cpu,cpuacct".to_string()));
    let cg: Vec<&str> = lines(&r);
    assert_eq!(
        cg[0],
        "tmpfs /sys/fs/cgroup tmpfs rw,nosuid,nodev,noexec,relatime,mode=755 0 0"
    );
    assert_eq!(cg.len(), 14);
    for l in &cg[1..] {
        assert!(l.contains(" cgroup ro,"), "{l}");
    }
    assert_eq!(
        cg[2],
        "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup ro,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0"
    );
}

/// The 62 real-world specs run through the builder without a panic.
#[test]
fn realworld_specs_do_not_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/specs/realworld");
    let dir = if dir.exists() {
        dir
    } else {
        std::path::PathBuf::from("/work/shared/specs/realworld")
    };
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("realworld dir") {
        let p = e.expect("entry").path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&p).expect("read");
        let Ok(s) = serde_json::from_str::<Spec>(&text) else {
            continue;
        };
        for (rootless, cgroup) in [
            (false, CgroupMode::V2),
            (true, CgroupMode::V2),
            (false, CgroupMode::V1),
        ] {
            let opts = RuncOptions {
                rootless,
                cgroup,
                ..RuncOptions::default()
            };
            let r = build(&s, &opts, None, &HostInput::new());
            let _ = serde_json::to_string(&r).expect("serialize");
        }
        n += 1;
    }
    assert!(n >= 50, "only {n} specs parsed");
}

/// `runc spec --rootless` (ToRootless: /sys an rbind, no gid= on devpts,
/// a user namespace): the device nodes are binds of the host's
/// (createDevices in a user namespace), `rbind,ro` of /sys is read-only at
/// the top only, so the host's cgroup2 copied below it stays rw, and the
/// container's own cgroup2 stacks on it read-only. Masked files get the
/// container's /dev/null, itself the host's.
#[test]
fn rootless_spec() {
    let s: Value =
        serde_json::from_str(include_str!("fixtures/runc/rootless_spec.json")).expect("fixture");
    let opts = RuncOptions {
        rootless: true,
        ..RuncOptions::default()
    };
    let r = run_opts(s.clone(), base_rootfs(), json!({}), &opts);
    assert_eq!(err(&r), None);
    let l = lines(&r);
    assert_eq!(
        &l[5..9],
        &[
            "sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0",
            "cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0",
            "cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0",
            "udev /dev/null devtmpfs rw,nosuid,relatime,mode=755 0 0",
        ]
    );
    assert!(l.contains(&"udev /proc/kcore devtmpfs rw,nosuid,relatime,mode=755 0 0"));
    assert_eq!(
        l[2],
        "devpts /dev/pts devpts rw,nosuid,noexec,relatime,mode=620,ptmxmode=666 0 0"
    );
    // Without a cgroup namespace the kernel refuses cgroup2 (EPERM) and
    // runc binds the host's /sys/fs/cgroup (mountCgroupV2).
    let mut s2 = s;
    s2["linux"]["namespaces"] =
        json!([{"type": "pid"}, {"type": "ipc"}, {"type": "mount"}, {"type": "user"}]);
    let r = run_opts(s2.clone(), base_rootfs(), json!({}), &opts);
    assert_eq!(err(&r), None);
    assert_eq!(
        lines(&r)[7],
        "cgroup2 /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0"
    );
    let refused = r.events.iter().any(|e| {
        matches!(e, RuncEvent::Mount { fstype, result, kernel: true, .. } if fstype == "cgroup2" && result == "EPERM")
    });
    assert!(refused);
    // The kernel's mount_capable: sysfs needs a network namespace of the
    // user namespace's own (why ToRootless makes /sys an rbind), mqueue an
    // ipc namespace.
    let mut s3 = s2.clone();
    s3["mounts"][5] = json!({"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]});
    assert_eq!(
        err(&run_opts(s3, base_rootfs(), json!({}), &opts)).as_deref(),
        Some("error mounting \"sysfs\" to rootfs at \"/sys\": mount src=sysfs, dst=/sys, dstFd=/proc/thread-self/fd/7, flags=MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC: operation not permitted")
    );
    s2["linux"]["namespaces"] = json!([{"type": "pid"}, {"type": "mount"}, {"type": "user"}]);
    assert_eq!(
        err(&run_opts(s2, base_rootfs(), json!({}), &opts)).as_deref(),
        Some("error mounting \"mqueue\" to rootfs at \"/dev/mqueue\": mount src=mqueue, dst=/dev/mqueue, dstFd=/proc/thread-self/fd/7, flags=MS_NOSUID|MS_NODEV|MS_NOEXEC: operation not permitted")
    );
}

/// mounts_recursive.bats: `rbind,ro` is read-only at the top only;
/// `rro` (and `ro,rro`) makes every mount below read-only too. The
/// volume's submount is made by the spec itself here.
#[test]
fn rbind_ro_versus_rro() {
    for (opts, sub_ro) in [
        (json!(["rbind", "ro"]), false),
        (json!(["rbind", "rro"]), true),
        (json!(["rbind", "ro", "rro"]), true),
    ] {
        let mut r = run_with(
            with_mounts(json!([
                {"destination": "/vol", "type": "tmpfs", "source": "none"},
                {"destination": "/vol/subvol", "type": "tmpfs", "source": "none"},
                {"destination": "/mnt", "source": "/bundle/rootfs/vol", "options": opts}
            ])),
            base_rootfs(),
            json!({}),
        );
        assert_eq!(err(&r), None);
        let c = ctx(&r);
        let e = r
            .vfs
            .write_file(c, "/mnt/foo", b"x", false)
            .expect_err("top ro");
        assert!(e.is(Errno::EROFS));
        let sub = r.vfs.write_file(c, "/mnt/subvol/bar", b"x", false);
        assert_eq!(sub.is_err(), sub_ro, "{opts}");
        let want_sub = if sub_ro {
            "none /mnt/subvol tmpfs ro,relatime 0 0"
        } else {
            "none /mnt/subvol tmpfs rw,relatime 0 0"
        };
        assert_eq!(lines(&r)[3], want_sub, "{opts}");
    }
}

/// setupAndMountToRootfs: a bind source runc cannot stat is asked of its
/// host side (open_tree), whose failure ends the run without the
/// "error mounting" layer (process_linux.go procMountPlease).
#[test]
fn missing_bind_source() {
    let rootfs = json!({"bin/sh": "", "mnt/": ""});
    let r = run_with(
        with_mounts(json!([{"destination": "/mnt", "source": "/nope", "options": ["bind"]}])),
        rootfs.clone(),
        json!({}),
    );
    assert_eq!(
        err(&r).as_deref(),
        Some("failed to fulfil mount request: open_tree(OPEN_TREE_CLONE) /nope: no such file or directory")
    );
    assert_eq!(r.mount_order, 0);
    // Rootless runc gets no help: createOpenMountpoint finds /mnt, the
    // bind itself is the kernel's ENOENT.
    let opts = RuncOptions {
        rootless: true,
        ..RuncOptions::default()
    };
    let mut s =
        with_mounts(json!([{"destination": "/mnt", "source": "/nope", "options": ["bind"]}]));
    s["linux"] = userns_linux();
    let r = run_opts(s, rootfs, json!({}), &opts);
    assert_eq!(
        err(&r).as_deref(),
        Some("error mounting \"/nope\" to rootfs at \"/mnt\": mount src=/nope, dst=/mnt, dstFd=/proc/thread-self/fd/7, flags=MS_BIND: no such file or directory")
    );
}

/// bats "setgid / + mkdirall": created directories inherit setgid
/// (runc#4401) and keep 0755 otherwise.
#[test]
fn setgid_mkdirall() {
    let rootfs = json!({"bin/sh": "", "setgid": {"type": "dir", "mode": "7755"}});
    let r = run_with(
        with_mounts(json!([
            {"destination": "/setgid/a/b/c", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "nodev", "nosuid"]}
        ])),
        rootfs,
        json!({}),
    );
    assert_eq!(err(&r), None);
    let h = Ctx::at(r.host_root.expect("host"));
    let mut vfs = r.vfs;
    for (p, mode) in [
        ("/bundle/rootfs/setgid", 0o7755),
        ("/bundle/rootfs/setgid/a", 0o2755),
        ("/bundle/rootfs/setgid/a/b", 0o2755),
    ] {
        assert_eq!(vfs.stat(h, p, true).expect(p).perms(), mode, "{p}");
    }
}

/// Creating a mount point inside procfs: Linux's vfs_mkdir gives EPERM for
/// a directory without a mkdir operation; pathrs-lite names the path.
#[test]
fn mountpoint_in_procfs_is_eperm() {
    assert_eq!(
        mounts_error(json!([
            {"destination": "/proc", "type": "proc", "source": "proc"},
            {"destination": "/proc/foo", "type": "tmpfs", "source": "tmpfs"}
        ])).as_deref(),
        Some("error mounting \"tmpfs\" to rootfs at \"/proc/foo\": create mountpoint for /proc/foo mount: make mountpoint \"/proc/foo\": mkdirat /bundle/rootfs/proc/foo: operation not permitted")
    );
}

/// mask.bats "directories share tmpfs" and "duplicate paths": the second
/// and third directories are binds of the first mask tmpfs; a duplicate
/// path is mounted once.
#[test]
fn masked_directories_share_one_tmpfs() {
    let mut s = with_mounts(json!([{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}]));
    s["linux"]["maskedPaths"] = json!(["/testdir", "/testdir2", "/testdir3", "/testdir"]);
    s["root"]["readonly"] = json!(true);
    let rootfs = json!({"bin/sh": "", "testdir/": "", "testdir2/": "", "testdir3/": ""});
    let mut r = run_with(s, rootfs, json!({}));
    assert_eq!(err(&r), None);
    let hows: Vec<(String, String)> = r
        .events
        .iter()
        .filter_map(|e| match e {
            RuncEvent::MaskPath { path, how } => Some((path.clone(), how.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        hows,
        vec![
            ("/testdir".to_string(), "read-only tmpfs".to_string()),
            ("/testdir2".into(), "bind of the shared mask tmpfs".into()),
            ("/testdir3".into(), "bind of the shared mask tmpfs".into()),
            ("/testdir".into(), "skipped: duplicate".into()),
        ]
    );
    assert_eq!(
        lines(&r)
            .iter()
            .filter(|l| l.contains(" /testdir "))
            .count(),
        1
    );
    assert!(ls(&mut r, "/testdir").is_empty());
    let c = ctx(&r);
    let e = r
        .vfs
        .write_file(c, "/testdir2/foo", b"x", false)
        .expect_err("ro");
    assert!(e.is(Errno::EROFS));
}

/// setupConsole needs the container's devpts: safeAllocPty opens
/// /dev/pts/ptmx, and a /dev/pts that is not devpts fails checkPtmxHandle.
#[test]
fn terminal_needs_devpts() {
    let mut s = with_mounts(json!([{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}]));
    s["process"] =
        json!({"terminal": true, "cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}});
    let r = run_with(s.clone(), base_rootfs(), json!({}));
    assert_eq!(
        err(&r).as_deref(),
        Some("open /dev/pts/ptmx: no such file or directory")
    );
    assert_eq!(r.mount_order, 1);
    s["mounts"] = json!([
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs"},
        {"destination": "/dev/pts", "type": "tmpfs", "source": "tmpfs"}
    ]);
    let rootfs = json!({"bin/sh": "", "dev/pts/ptmx": ""});
    let r = run_with(s, rootfs, json!({}));
    // A tmpfs at /dev/pts hides the rootfs's file: still ENOENT.
    assert_eq!(
        err(&r).as_deref(),
        Some("open /dev/pts/ptmx: no such file or directory")
    );
}

/// prepareRoot and rootfsParentMountPropagation: `/` becomes rslave, the
/// nearest mount above the rootfs private (EINVAL until a mount root is
/// reached: the kernel's do_change_type), the rootfs is bound onto itself;
/// a shared root propagation is applied after pivot_root.
#[test]
fn root_propagation() {
    let mut s = with_mounts(json!([]));
    s["linux"]["rootfsPropagation"] = json!("shared");
    let r = run_with(s, base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    let calls: Vec<(String, String)> = mount_calls(&r)
        .into_iter()
        .map(|(_, target, call)| (target, call))
        .collect();
    let want = [
        ("/", "MS_SHARED ok"),
        ("/bundle/rootfs", "MS_PRIVATE EINVAL"),
        ("/bundle", "MS_PRIVATE EINVAL"),
        ("/", "MS_PRIVATE ok"),
        ("/bundle/rootfs", "MS_BIND|MS_REC ok"),
        ("/", "MS_SHARED ok"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(calls, want);
}

/// specconv createDevices: a device type other than p, c, u, b.
#[test]
fn invalid_device_type() {
    let mut s = with_mounts(json!([]));
    s["linux"]["devices"] = json!([{"path": "/dev/x", "type": "a", "major": 1, "minor": 1}]);
    let r = run_with(s, base_rootfs(), json!({}));
    assert_eq!(err(&r).as_deref(), Some("invalid device type \"a\""));
}

/// In a user namespace the inherited mounts are locked (the kernel's
/// lock_mnt_tree, can_change_locked_flags): the bind remount fails with
/// EPERM and runc retries with the source's locked flags (mountToRootfs
/// "bind"), unless the user clears a locked flag or changes the atime.
#[test]
fn locked_flags_in_a_user_namespace() {
    let userns = |opts: Value| {
        let mut s =
            with_mounts(json!([{"destination": "/mnt", "source": "/dev", "options": opts}]));
        s["linux"] = userns_linux();
        let o = RuncOptions {
            rootless: true,
            ..RuncOptions::default()
        };
        run_opts(s, base_rootfs(), json!({}), &o)
    };
    let r = userns(json!(["rbind", "ro"]));
    assert_eq!(err(&r), None);
    assert_eq!(
        lines(&r)[0],
        "udev /mnt devtmpfs ro,nosuid,relatime,mode=755 0 0"
    );
    let results: Vec<String> = mount_calls(&r)
        .into_iter()
        .filter(|(index, _, _)| *index == Some(0))
        .map(|(_, _, call)| call)
        .collect();
    assert_eq!(
        results,
        vec![
            // mountPropagate passes all the flags; do_loopback ignores them.
            "MS_RDONLY|MS_BIND|MS_REC ok",
            "MS_RDONLY|MS_REMOUNT|MS_BIND|MS_REC EPERM",
            "MS_RDONLY|MS_NOSUID|MS_REMOUNT|MS_BIND|MS_REC|MS_RELATIME ok"
        ]
    );
    assert_eq!(
        err(&userns(json!(["bind", "suid"]))).as_deref(),
        Some("error mounting \"/dev\" to rootfs at \"/mnt\": failed to set user-requested vfs flags on bind-mount: cannot clear locked flags MS_NOSUID: mount dst=/mnt, dstFd=/proc/thread-self/fd/7, flags=MS_REMOUNT|MS_BIND: operation not permitted")
    );
    assert_eq!(
        err(&userns(json!(["bind", "noatime"]))).as_deref(),
        Some("error mounting \"/dev\" to rootfs at \"/mnt\": failed to set user-requested vfs flags on bind-mount: cannot change locked atime flags MS_RELATIME: mount dst=/mnt, dstFd=/proc/thread-self/fd/7, flags=MS_REMOUNT|MS_NOATIME|MS_BIND: operation not permitted")
    );
    // Without a user namespace nothing is locked.
    let r =
        run_mounts(json!([{"destination": "/mnt", "source": "/dev", "options": ["bind", "suid"]}]));
    assert_eq!(lines(&r)[0], "udev /mnt devtmpfs rw,relatime,mode=755 0 0");
}

/// setReadonly in a user namespace: the rootfs's mount (here a nosuid
/// devtmpfs: the bundle is under the host's /dev) has nosuid locked, so the
/// plain read-only remount is EPERM and the retry adds statfs's flags.
#[test]
fn readonly_root_with_locked_flags() {
    let mut s = with_mounts(json!([]));
    s["root"]["readonly"] = json!(true);
    s["linux"] = userns_linux();
    let o = RuncOptions {
        rootless: true,
        bundle: "/dev/bundle".into(),
        ..RuncOptions::default()
    };
    let r = run_opts(s, base_rootfs(), json!({}), &o);
    assert_eq!(err(&r), None);
    assert_eq!(
        r.proc_mounts[0],
        "udev / devtmpfs ro,nosuid,relatime,mode=755 0 0"
    );
    let root_remounts: Vec<String> = mount_calls(&r)
        .into_iter()
        .filter(|(_, target, call)| target == "/" && call.contains("MS_REMOUNT"))
        .map(|(_, _, call)| call)
        .collect();
    assert_eq!(
        root_remounts,
        vec![
            "MS_RDONLY|MS_REMOUNT|MS_BIND EPERM",
            "MS_RDONLY|MS_NOSUID|MS_REMOUNT|MS_BIND ok"
        ]
    );
}

/// createDevices: `linux.devices` follow the defaults, a same-path entry
/// replaces a default; in a user namespace each node is a bind of the
/// host's (bindMountDeviceNode), so a node the host lacks is ENOENT.
#[test]
fn spec_devices() {
    let mut s = with_mounts(json!([{"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}]));
    s["linux"]["devices"] = json!([
        {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438},
        {"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 384}
    ]);
    let r = run_with(s.clone(), base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    let nodes: Vec<(&str, i64, &str)> = r
        .runc
        .dev_nodes
        .iter()
        .map(|d| (d.path.as_str(), d.minor, d.mode.as_str()))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("/dev/null", 3, "0600"),
            ("/dev/random", 8, "0666"),
            ("/dev/full", 7, "0666"),
            ("/dev/tty", 0, "0666"),
            ("/dev/zero", 5, "0666"),
            ("/dev/urandom", 9, "0666"),
            ("/dev/fuse", 229, "0666")
        ]
    );
    s["linux"]["namespaces"] = json!([{"type": "mount"}, {"type": "user"}]);
    s["linux"]["uidMappings"] = json!([{"containerID": 0, "hostID": 1000, "size": 1}]);
    s["linux"]["gidMappings"] = json!([{"containerID": 0, "hostID": 1000, "size": 1}]);
    let r = run_with(s, base_rootfs(), json!({}));
    assert_eq!(
        err(&r).as_deref(),
        Some("configuring container /dev: error creating device nodes: mount src=/dev/fuse, dst=/bundle/rootfs/dev/fuse, dstFd=/proc/thread-self/fd/7, flags=MS_BIND: no such file or directory")
    );
}

/// `/proc/self/mountinfo` (fs/proc_namespace.c show_mountinfo): the root
/// inside the filesystem (a masked file shows the /dev tmpfs's `/null`),
/// per-mount options before ` - `, superblock options after, and the
/// propagation fields: after prepareRoot's rslave, host mounts bound in
/// receive from their host peer group (`master:N`); the host's `/` was
/// made private, so the rootfs and binds from it carry none; `rshared`
/// makes a new group, `runbindable` refuses a later bind (EINVAL).
#[test]
fn mountinfo_and_propagation() {
    let mut s = default_spec();
    let extra = json!([
        {"destination": "/hostdev", "source": "/dev", "options": ["rbind"]},
        {"destination": "/shared", "source": "/src", "options": ["rbind", "rshared"]},
        {"destination": "/unbindable", "source": "/src", "options": ["bind", "runbindable"]}
    ]);
    if let (Some(m), Some(x)) = (s["mounts"].as_array_mut(), extra.as_array()) {
        m.extend(x.iter().cloned());
    }
    let r = run_with(s.clone(), base_rootfs(), json!({"/src": {"f": "x"}}));
    assert_eq!(err(&r), None);
    let mi = &r.mountinfo;
    assert_eq!(
        mi[0],
        "6 1 8:1 /bundle/rootfs / ro,relatime - ext4 /dev/sda1 rw"
    );
    assert_eq!(
        mi[2],
        "8 6 0:25 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755"
    );
    assert_eq!(
        mi[8],
        "14 6 0:20 / /hostdev rw,nosuid,relatime master:2 - devtmpfs udev rw,mode=755"
    );
    assert_eq!(
        mi[9],
        "15 6 8:1 /src /shared rw,relatime shared:6 - ext4 /dev/sda1 rw"
    );
    assert_eq!(
        mi[10],
        "16 6 8:1 /src /unbindable rw,relatime unbindable - ext4 /dev/sda1 rw"
    );
    assert!(mi.contains(
        &"24 7 0:25 /null /proc/kcore rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755".to_string()
    ));
    let c = ctx(&r);
    let mut vfs = r.vfs;
    let text = vfs
        .read_file(c, "/proc/self/mountinfo", 1 << 20)
        .expect("mountinfo");
    assert_eq!(
        String::from_utf8_lossy(&text),
        r.mountinfo.join("\n") + "\n"
    );
    // A bind of an unbindable mount: EINVAL from do_loopback.
    if let Some(m) = s["mounts"].as_array_mut() {
        m.push(json!({"destination": "/again", "source": "/bundle/rootfs/unbindable", "options": ["bind"]}));
    }
    let r = run_with(s, base_rootfs(), json!({"/src": {"f": "x"}}));
    assert_eq!(
        err(&r).as_deref(),
        Some("error mounting \"/bundle/rootfs/unbindable\" to rootfs at \"/again\": mount src=/bundle/rootfs/unbindable, dst=/again, dstFd=/proc/thread-self/fd/7, flags=MS_BIND: invalid argument")
    );
}

/// An id-mapped bind (`idmap` with mount mappings): runc asks its host
/// side for an open_tree fd; the kernel prints `idmapped` among the
/// mount's options (show_mnt_opts).
#[test]
fn idmapped_bind() {
    let mut s = with_mounts(json!([{
        "destination": "/mnt", "source": "/src", "options": ["bind", "idmap"],
        "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
        "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]
    }]));
    s["linux"]["namespaces"] = json!([{"type": "mount"}]);
    let r = run_with(s, base_rootfs(), json!({"/src": {"f": "x"}}));
    assert_eq!(err(&r), None);
    assert_eq!(
        lines(&r),
        vec!["/dev/sda1 /mnt ext4 rw,relatime,idmapped 0 0"]
    );
}

/// The end of prepareRootfs: `/dev/null` must be the real device
/// (reOpenDevNull), and the process's cwd is created (os.MkdirAll, 0755).
#[test]
fn dev_null_check_and_cwd() {
    let mut s = with_mounts(json!([]));
    s["process"] = json!({"cwd": "/work/dir", "args": ["sh"], "user": {"uid": 0, "gid": 0}});
    let mut r = run_with(s.clone(), base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    assert_eq!(ls(&mut r, "/work"), vec!["dir"]);
    // A regular file at /dev/null survives mknod's EEXIST, then fails.
    let rootfs = json!({"bin/sh": "", "dev/null": "not a device"});
    let r = run_with(s, rootfs, json!({}));
    assert_eq!(
        err(&r).as_deref(),
        Some("error reopening /dev/null inside container: can't reopen /dev/null: container's /dev/null is invalid")
    );
}

/// CreateLibcontainerConfig refuses a spec without `root` before it
/// converts any mount, so no mount is listed.
#[test]
fn root_must_be_specified() {
    let mut s = with_mounts(json!([{"destination": "/a", "type": "tmpfs", "source": "tmpfs"}]));
    if let Some(o) = s.as_object_mut() {
        o.remove("root");
    }
    let r = run_with(s, base_rootfs(), json!({}));
    assert_eq!(err(&r).as_deref(), Some("root must be specified"));
    assert!(r.mounts.is_empty());
    assert!(r.root.is_none());
}

/// validate.rootfs: the rootfs may not be reached through a symlink.
#[test]
fn rootfs_through_a_symlink() {
    let mut s = with_mounts(json!([]));
    s["root"]["path"] = json!("link");
    let r = run_with(
        s,
        base_rootfs(),
        json!({"/bundle": {"link": {"type": "symlink", "target": "/real"}}, "/real": {}}),
    );
    assert_eq!(
        err(&r).as_deref(),
        Some("invalid rootfs: not an absolute path, or a symlink")
    );
}

/// devtmpfs is one superblock (devtmpfs_get_tree): a container mount of it
/// is the host's /dev, so runc's /dev setup writes into the host's; in a
/// user namespace the kernel refuses it (not FS_USERNS_MOUNT).
#[test]
fn devtmpfs_is_the_hosts() {
    let m = json!([{"destination": "/dev", "type": "devtmpfs", "source": "devtmpfs"}]);
    let r = run_mounts(m.clone());
    assert_eq!(
        lines(&r),
        vec!["devtmpfs /dev devtmpfs rw,relatime,mode=755 0 0"]
    );
    let h = r.host_ctx().expect("host");
    let mut vfs = r.vfs;
    assert_eq!(vfs.readlink(h, "/dev/ptmx").expect("host ptmx"), "pts/ptmx");
    let mut s = with_mounts(m);
    s["linux"] = userns_linux();
    let o = RuncOptions {
        rootless: true,
        ..RuncOptions::default()
    };
    assert_eq!(
        err(&run_opts(s, base_rootfs(), json!({}), &o)).as_deref(),
        Some("error mounting \"devtmpfs\" to rootfs at \"/dev\": mount src=devtmpfs, dst=/dev, dstFd=/proc/thread-self/fd/7: operation not permitted")
    );
}

/// The shell works on the built namespace: `cat /proc/mounts` prints the
/// kernel's lines, writes obey the read-only root, `ls -l /dev` shows the
/// nodes (the integrator's views read the same VFS).
#[test]
fn shell_on_the_container() {
    let mut r = run_with(default_spec(), base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    let root = r.root.expect("root");
    let mut cwd = root;
    let mut sh = |vfs: &mut mountlab::vfs::Vfs, line: &str| {
        let task = mountlab::shell::Task {
            root,
            cwd: &mut cwd,
            env: &[],
            wd: "/",
        };
        mountlab::shell::run(vfs, task, line)
    };
    let out = sh(&mut r.vfs, "cat /proc/mounts");
    assert_eq!(out.output, r.proc_mounts.join("\n") + "\n");
    let out = sh(&mut r.vfs, "touch /x");
    assert_eq!(out.errno.as_deref(), Some("EROFS"));
    let out = sh(&mut r.vfs, "ls /dev/pts");
    assert_eq!(out.output, "0\nptmx\n");
}

/// mounts_recursive.bats "check rbind,r*atime mounts": the atime
/// attributes apply to the bind and its submounts alike (setRecAttr,
/// mount_setattr's MOUNT_ATTR__ATIME rule); the volume and its submount
/// are made by the spec itself here.
#[test]
fn recursive_atime_attributes() {
    // mode=755 gives each tmpfs an option after the atime word, like the
    // bats volume's.
    let mut mounts = vec![
        json!({"destination": "/vol", "type": "tmpfs", "source": "none", "options": ["mode=755"]}),
        json!({"destination": "/vol/subvol", "type": "tmpfs", "source": "none", "options": ["mode=755"]}),
    ];
    let cases = [
        ("/mnt1", "ratime", "rw,relatime,"),
        ("/mnt2", "rnoatime", "rw,noatime,"),
        ("/mnt3", "rstrictatime", "rw,mode=755"),
        ("/mnt4", "rnostrictatime", "rw,relatime,"),
        ("/mnt5", "rrelatime", "rw,relatime,"),
        ("/mnt6", "rnorelatime", "rw,relatime,"),
    ];
    for (dst, opt, _) in cases {
        mounts.push(
            json!({"destination": dst, "source": "/bundle/rootfs/vol", "options": ["rbind", opt]}),
        );
    }
    let r = run_mounts(Value::Array(mounts));
    let options = |path: &str| {
        r.table
            .iter()
            .find(|t| t.path == path)
            .map(|t| t.options.clone())
            .unwrap_or_default()
    };
    for (dst, opt, want) in cases {
        assert!(
            options(dst).starts_with(want),
            "{dst} {opt}: {}",
            options(dst)
        );
        let sub = format!("{dst}/subvol");
        assert!(
            options(&sub).starts_with(want),
            "{sub} {opt}: {}",
            options(&sub)
        );
    }
}

/// mounts_propagation.bats "rootfsPropagation shared": findmnt shows `/`
/// shared.
#[test]
fn rootfs_propagation_shared() {
    let mut s = with_mounts(json!([]));
    s["linux"]["rootfsPropagation"] = json!("shared");
    let r = run_with(s, base_rootfs(), json!({}));
    assert_eq!(err(&r), None);
    let root = r.table.first().expect("root row");
    assert_eq!(root.path, "/");
    assert_eq!(root.propagation.len(), 1);
    assert!(root.propagation[0].starts_with("shared:"));
}
