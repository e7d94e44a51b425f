//! The in-memory filesystems as runsc mounts them (design doc sections 7, 8
//! and 10): tmpfs options and errors, the ramfs stub tree (a port of gVisor's
//! `TestMakeDirectoryTree`, `pkg/sentry/fs/ramfs/tree_test.go`), devtmpfs and
//! its devices, devpts and sysfs.

use mountlab::fs;
use mountlab::vfs::{Ctx, DirentId, FileType, MountSourceFlags, OpenFlags, Vfs};
use mountlab::Errno;

const RW: MountSourceFlags = MountSourceFlags {
    read_only: false,
    no_atime: false,
};

fn errno<T: std::fmt::Debug>(r: mountlab::Result<T>) -> Errno {
    r.unwrap_err().errno().expect("error carries an errno")
}

/// A namespace whose root is a fresh instance of `fs_name`.
fn rooted(fs_name: &str, data: &str) -> (Vfs, Ctx) {
    rooted_seed(fs_name, data, None)
}

fn rooted_seed(fs_name: &str, data: &str, seed: Option<u64>) -> (Vfs, Ctx) {
    let mut v = match seed {
        Some(s) => Vfs::with_seed(s),
        None => Vfs::new(),
    };
    let root = fs::mount(&mut v, fs_name, "none", RW, data).unwrap();
    let r = v.create_namespace(root).unwrap();
    (v, Ctx::at(r))
}

fn tmpfs_err(data: &str) -> String {
    let mut v = Vfs::new();
    fs::mount(&mut v, "tmpfs", "", RW, data)
        .unwrap_err()
        .to_string()
}

#[test]
fn tmpfs_mode_errors_verbatim() {
    let rows = [
        (
            "mode=abc",
            "mode value not parsable 'mode=abc': strconv.ParseUint: parsing \"abc\": invalid syntax",
        ),
        (
            "mode=",
            "mode value not parsable 'mode=': strconv.ParseUint: parsing \"\": invalid syntax",
        ),
        (
            "mode",
            "mode value not parsable 'mode=': strconv.ParseUint: parsing \"\": invalid syntax",
        ),
        ("mode=2777", "invalid mode \"2777\": must be less than 1777"),
        ("mode=01000000", "invalid mode \"01000000\": must be less than 1777"),
        (
            "mode=9",
            "mode value not parsable 'mode=9': strconv.ParseUint: parsing \"9\": invalid syntax",
        ),
        (
            "mode=77777777777",
            "mode value not parsable 'mode=77777777777': strconv.ParseUint: parsing \"77777777777\": value out of range",
        ),
    ];
    for (data, want) in rows {
        assert_eq!(tmpfs_err(data), want, "{data}");
    }
}

#[test]
fn tmpfs_uid_gid_errors_print_the_parsed_value() {
    let rows = [
        (
            "uid=abc",
            "uid value not parsable 'uid=0': strconv.ParseInt: parsing \"abc\": invalid syntax",
        ),
        (
            "gid=x1",
            "gid value not parsable 'gid=0': strconv.ParseInt: parsing \"x1\": invalid syntax",
        ),
        (
            "uid=99999999999",
            "uid value not parsable 'uid=2147483647': strconv.ParseInt: parsing \"99999999999\": value out of range",
        ),
        (
            "gid=-99999999999",
            "gid value not parsable 'gid=-2147483648': strconv.ParseInt: parsing \"-99999999999\": value out of range",
        ),
    ];
    for (data, want) in rows {
        assert_eq!(tmpfs_err(data), want, "{data}");
    }
}

#[test]
fn tmpfs_unknown_options_are_listed_as_a_go_map() {
    assert_eq!(
        tmpfs_err("size=64m,mode=755,nr_inodes=10"),
        "unsupported mount options: map[nr_inodes:10 size:64m]"
    );
    assert_eq!(tmpfs_err("x=y=z"), "unsupported mount options: map[x:y=z]");
}

#[test]
fn tmpfs_root_mode_and_owner() {
    let rows: [(&str, u32, u32, u32); 5] = [
        ("", 0o777, 0, 0),
        ("mode=1777", 0o1777, 0, 0),
        ("mode=0755,uid=1000,gid=2000", 0o755, 1000, 2000),
        ("uid=5", 0o777, 5, 0),
        ("mode=0", 0, 0, 0),
    ];
    for (data, perms, uid, gid) in rows {
        let (mut v, ctx) = rooted("tmpfs", data);
        let st = v.stat(ctx, "/", true).unwrap();
        assert_eq!(st.file_type, FileType::Directory, "{data}");
        assert_eq!(st.mode, 0o040000 | perms, "{data}");
        assert_eq!((st.uid, st.gid), (uid, gid), "{data}");
    }
}

#[test]
fn tmpfs_mount_source_keeps_name_and_flags() {
    let mut v = Vfs::new();
    let flags = MountSourceFlags {
        read_only: true,
        no_atime: true,
    };
    let root = fs::mount(&mut v, "tmpfs", "none", flags, "mode=0700").unwrap();
    let r = v.create_namespace(root).unwrap();
    let t = v.mount_table(r);
    assert_eq!((t[0].fs_name.as_str(), t[0].flags), ("tmpfs", flags));
    // Read-only: every write is EROFS, including at the root.
    let ctx = Ctx::at(r);
    assert_eq!(errno(v.mkdir(ctx, "/d", 0o755)), Errno::EROFS);
    assert_eq!(errno(v.write_file(ctx, "/f", b"", false)), Errno::EROFS);
    assert_eq!(errno(v.chmod(ctx, "/", 0o755)), Errno::EROFS);
}

#[test]
fn unknown_filesystem_name_is_an_error() {
    let mut v = Vfs::new();
    assert!(fs::mount(&mut v, "ext4", "none", RW, "").is_err());
}

/// Port of gVisor `TestMakeDirectoryTree`: every listed path is found, for
/// absolute and relative inputs with duplicates.
#[test]
fn stub_tree_port_of_gvisor_test_make_directory_tree() {
    let tables: [&[&str]; 2] = [
        &[
            "/tmp",
            "/tmp/a/b",
            "/tmp/a/c/d",
            "/tmp/c",
            "/proc",
            "/dev/a/b",
            "/tmp",
        ],
        &[
            "tmp",
            "tmp/a/b",
            "tmp/a/c/d",
            "tmp/c",
            "proc",
            "dev/a/b",
            "tmp",
        ],
    ];
    for subdirs in tables {
        let mut v = Vfs::new();
        let list: Vec<String> = subdirs.iter().map(|s| s.to_string()).collect();
        let tree = fs::make_directory_tree(&mut v, &list).unwrap();
        let r = v.create_namespace(tree).unwrap();
        for p in subdirs {
            let d = v.find_inode(r, None, p, &mut 0);
            assert!(d.is_ok(), "{p}: {d:?}");
        }
        let ctx = Ctx::at(r);
        let names: Vec<String> = v
            .readdir(ctx, "/")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["dev", "proc", "tmp"], "duplicates merge");
        let names: Vec<String> = v
            .readdir(ctx, "/tmp/a")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names, ["b", "c"]);
    }
}

#[test]
fn stub_tree_errors_verbatim() {
    let rows = [
        ("a/../b", "cannot add subdir at an unclean path: \"a/../b\""),
        ("a/", "cannot add subdir at an unclean path: \"a/\""),
        ("./a", "cannot add subdir at an unclean path: \"./a\""),
        ("a//b", "cannot add subdir at an unclean path: \"a//b\""),
        // path.Clean("") is ".", so "" fails the cleanliness check first.
        ("", "cannot add subdir at an unclean path: \"\""),
        ("/", "cannot add subdir at \"/\""),
    ];
    for (p, want) in rows {
        let mut v = Vfs::new();
        let e = fs::make_directory_tree(&mut v, &["ok".to_string(), p.to_string()]).unwrap_err();
        assert_eq!(e.to_string(), want, "{p:?}");
    }
}

#[test]
fn stub_dirs_are_root_owned_0555_directories() {
    let mut v = Vfs::new();
    let tree = fs::make_directory_tree(&mut v, &["a/b/c".to_string()]).unwrap();
    let r = v.create_namespace(tree).unwrap();
    let ctx = Ctx::at(r);
    for p in ["/", "/a", "/a/b", "/a/b/c"] {
        let st = v.stat(ctx, p, true).unwrap();
        assert_eq!(st.mode, 0o040555, "{p}");
        assert_eq!((st.uid, st.gid), (0, 0), "{p}");
    }
    assert!(v.readdir(ctx, "/a/b/c").unwrap().is_empty());
    // An empty list is an empty root.
    let empty = fs::make_directory_tree(&mut v, &[]).unwrap();
    assert!(v.is_dir(empty));
}

/// devtmpfs as a namespace root.
fn dev() -> (Vfs, Ctx) {
    rooted("devtmpfs", "")
}

#[test]
fn devtmpfs_entries_types_and_modes() {
    let (mut v, ctx) = dev();
    let st = v.stat(ctx, "/", true).unwrap();
    assert_eq!(st.mode, 0o040555);
    let rows: [(&str, u32, Option<&str>); 12] = [
        ("fd", 0o120777, Some("/proc/self/fd")),
        ("full", 0o020666, None),
        ("null", 0o020666, None),
        ("ptmx", 0o120777, Some("pts/ptmx")),
        ("pts", 0o040555, None),
        ("random", 0o020444, None),
        ("shm", 0o040777, None),
        ("stderr", 0o120777, Some("/proc/self/fd/2")),
        ("stdin", 0o120777, Some("/proc/self/fd/0")),
        ("stdout", 0o120777, Some("/proc/self/fd/1")),
        ("urandom", 0o020444, None),
        ("zero", 0o020666, None),
    ];
    let names: Vec<String> = v
        .readdir(ctx, "/")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    let want: Vec<&str> = rows.iter().map(|r| r.0).collect();
    assert_eq!(names, want);
    for (name, mode, target) in rows {
        let p = format!("/{name}");
        let st = v.stat(ctx, &p, false).unwrap();
        assert_eq!(st.mode, mode, "{name}");
        match target {
            Some(t) => assert_eq!(v.readlink(ctx, &p).unwrap(), t, "{name}"),
            None => assert_eq!(errno(v.readlink(ctx, &p)), Errno::EINVAL, "{name}"),
        }
    }
    // No tty or console.
    for p in ["/tty", "/console"] {
        assert_eq!(errno(v.stat(ctx, p, false)), Errno::ENOENT);
    }
    let rdev: Vec<(u32, u32)> = ["null", "zero", "full", "random", "urandom"]
        .iter()
        .map(|n| {
            let s = v.stat(ctx, &format!("/{n}"), true).unwrap();
            (s.rdev_major, s.rdev_minor)
        })
        .collect();
    assert_eq!(rdev, [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9)]);
}

fn rw_open(v: &mut Vfs, ctx: Ctx, p: &str) -> mountlab::vfs::FileId {
    v.open(ctx, p, OpenFlags::read_write(), 0).unwrap()
}

#[test]
fn dev_null_swallows_writes_and_reads_eof() {
    let (mut v, ctx) = dev();
    let f = rw_open(&mut v, ctx, "/null");
    assert_eq!(v.write(f, b"gone").unwrap(), 4);
    assert_eq!(v.read(ctx, f, 100).unwrap(), b"");
    assert_eq!(v.pread(ctx, f, 0, 100).unwrap(), b"");
    assert_eq!(v.stat(ctx, "/null", true).unwrap().size, 0);
}

#[test]
fn dev_zero_reads_zeros() {
    let (mut v, ctx) = dev();
    let f = rw_open(&mut v, ctx, "/zero");
    assert_eq!(v.read(ctx, f, 7).unwrap(), vec![0u8; 7]);
    assert_eq!(v.write(f, b"ignored").unwrap(), 7);
    assert_eq!(v.read(ctx, f, 3).unwrap(), vec![0u8; 3]);
}

#[test]
fn dev_full_fails_writes_with_enospc() {
    let (mut v, ctx) = dev();
    let f = rw_open(&mut v, ctx, "/full");
    let e = v.write(f, b"x").unwrap_err();
    assert_eq!(e.errno(), Some(Errno::ENOSPC));
    assert_eq!(e.to_string(), "no space left on device");
    assert_eq!(v.read(ctx, f, 4).unwrap(), vec![0u8; 4]);
}

#[test]
fn dev_random_is_reproducible_per_seed() {
    let read = |seed: Option<u64>, dev: &str| -> Vec<u8> {
        let (mut v, ctx) = rooted_seed("devtmpfs", "", seed);
        let f = v.open(ctx, dev, OpenFlags::READ, 0).unwrap();
        let mut out = v.read(ctx, f, 16).unwrap();
        out.extend(v.read(ctx, f, 13).unwrap());
        out
    };
    for dev in ["/random", "/urandom"] {
        let a = read(Some(42), dev);
        assert_eq!(a.len(), 29);
        assert_eq!(a, read(Some(42), dev), "{dev} same seed");
        assert_ne!(a, read(Some(43), dev), "{dev} other seed");
        assert_ne!(a, vec![0u8; 29]);
        assert_eq!(read(None, dev), read(None, dev), "default seed is fixed");
    }
    // Consecutive reads continue the stream rather than repeating it.
    let (mut v, ctx) = rooted_seed("devtmpfs", "", Some(7));
    let f = v.open(ctx, "/urandom", OpenFlags::READ, 0).unwrap();
    let x = v.read(ctx, f, 8).unwrap();
    let y = v.read(ctx, f, 8).unwrap();
    assert_ne!(x, y);
}

#[test]
fn dev_shm_is_a_writable_dir_inside_devtmpfs() {
    let (mut v, ctx) = dev();
    v.write_file(ctx, "/shm/seg", b"abc", false).unwrap();
    assert_eq!(v.read_file(ctx, "/shm/seg", 10).unwrap(), b"abc");
    // Not a separate mount.
    assert_eq!(v.mount_table(ctx.root).len(), 1);
}

#[test]
fn devpts_has_ptmx_and_rejects_data() {
    let (mut v, ctx) = rooted("devpts", "");
    let names: Vec<String> = v
        .readdir(ctx, "/")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["ptmx"]);
    let st = v.stat(ctx, "/ptmx", true).unwrap();
    assert_eq!((st.mode, st.rdev_major, st.rdev_minor), (0o020666, 5, 2));
    let mut v2 = Vfs::new();
    for data in ["newinstance", "mode=0620", "x"] {
        let e = fs::mount(&mut v2, "devpts", "none", RW, data).unwrap_err();
        assert_eq!(e.errno(), Some(Errno::EINVAL), "{data}");
        assert_eq!(e.to_string(), "invalid argument");
    }
}

#[test]
fn dev_ptmx_symlink_resolves_through_a_devpts_mount() {
    let (mut v, ctx) = dev();
    let pts = fs::mount(&mut v, "devpts", "none", RW, "").unwrap();
    let at: DirentId = v.lookup(ctx, "/pts", true).unwrap();
    v.mount(at, pts).unwrap();
    let st = v.stat(ctx, "/ptmx", true).unwrap();
    assert_eq!(st.file_type, FileType::CharDevice);
    assert_eq!((st.rdev_major, st.rdev_minor), (5, 2));
}

#[test]
fn sysfs_tree() {
    let (mut v, ctx) = rooted("sysfs", "");
    let names = |v: &mut Vfs, p: &str| -> Vec<String> {
        v.readdir(ctx, p)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect()
    };
    assert_eq!(
        names(&mut v, "/"),
        [
            "block", "bus", "class", "dev", "devices", "firmware", "fs", "kernel", "module",
            "power"
        ]
    );
    assert_eq!(names(&mut v, "/class"), ["power_supply"]);
    assert_eq!(names(&mut v, "/devices"), ["system"]);
    assert_eq!(names(&mut v, "/devices/system"), ["cpu"]);
    assert_eq!(
        names(&mut v, "/devices/system/cpu"),
        ["cpu0", "cpu1", "online", "possible", "present"]
    );
    for f in ["online", "possible", "present"] {
        let p = format!("/devices/system/cpu/{f}");
        assert_eq!(v.read_file(ctx, &p, 100).unwrap(), b"0-1\n", "{f}");
    }
    let t = v.mount_table(ctx.root);
    assert_eq!(t[0].fs_name, "sysfs");
}

#[test]
fn proc_tree_basics() {
    let (mut v, ctx) = rooted("proc", "");
    assert_eq!(v.readlink(ctx, "/self").unwrap(), "1");
    assert_eq!(v.readlink(ctx, "/mounts").unwrap(), "self/mounts");
    assert_eq!(
        String::from_utf8(v.read_file(ctx, "/1/mounts", 100).unwrap()).unwrap(),
        "none / proc rw 0 0\n"
    );
    assert_eq!(
        String::from_utf8(v.read_file(ctx, "/self/mountinfo", 100).unwrap()).unwrap(),
        "1 1 0:0 / / rw - proc none rw\n"
    );
    // Generated files are not writable.
    let f = v
        .open(ctx, "/1/mounts", OpenFlags::write_only(), 0)
        .unwrap();
    assert!(v.write(f, b"x").is_err());
}
