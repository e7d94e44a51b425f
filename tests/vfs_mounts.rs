//! Mount namespace tests (`sfs/mounts.go`, `sfs/dirent.go`, `sfs/proc/mounts.go`):
//! path resolution with a whole-path symlink budget, stacked mounts and
//! unmount, garbage collection, `/proc/self/mounts` and `mountinfo`, and
//! `ResolveExecutablePath`. Includes a port of gVisor's `TestFindLink`
//! (`pkg/sentry/fs/mounts_test.go`).

use mountlab::fs;
use mountlab::vfs::{Ctx, DirentId, MountSourceFlags, OpenFlags, Vfs};
use mountlab::Errno;

const RW: MountSourceFlags = MountSourceFlags {
    read_only: false,
    no_atime: false,
};

fn errno<T: std::fmt::Debug>(r: mountlab::Result<T>) -> Errno {
    r.unwrap_err().errno().expect("error carries an errno")
}

/// A tmpfs namespace filled with `d:`, `f:path=data` and `l:path->target` entries.
fn ns(spec: &[&str]) -> (Vfs, DirentId) {
    let mut v = Vfs::new();
    let root = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    for s in spec {
        let (kind, rest) = s.split_at(2);
        match kind {
            "d:" => {
                v.mkdir_all(ctx, rest, 0o755).unwrap();
            }
            "f:" => {
                let (p, c) = rest.split_once('=').unwrap_or((rest, ""));
                v.write_file(ctx, p, c.as_bytes(), false).unwrap();
            }
            "l:" => {
                let (p, t) = rest.split_once("->").unwrap();
                v.symlink(ctx, t, p).unwrap();
            }
            _ => panic!("bad spec {s}"),
        }
    }
    (v, r)
}

fn name(v: &Vfs, d: DirentId, root: DirentId) -> String {
    v.path_of(d, root)
}

/// Port of gVisor `TestFindLink`: `/foo/bar` with positive and negative
/// cases, walked with a zero symlink budget.
#[test]
fn find_link_port_of_gvisor_test_find_link() {
    let (mut v, root) = ns(&["d:foo", "f:foo/bar"]);
    let foo = v.find_link(root, None, "foo", &mut 0).unwrap();
    let positive: [(&str, DirentId, &str); 13] = [
        (".", root, "/"),
        (".", foo, "/foo"),
        ("..", foo, "/"),
        ("../../..", foo, "/"),
        ("///foo", foo, "/foo"),
        ("/foo", foo, "/foo"),
        ("/foo/bar", foo, "/foo/bar"),
        ("/foo/.///./bar", foo, "/foo/bar"),
        ("/foo///bar", foo, "/foo/bar"),
        ("/foo/../foo/bar", foo, "/foo/bar"),
        ("foo/bar", root, "/foo/bar"),
        ("foo////bar", root, "/foo/bar"),
        ("bar", foo, "/foo/bar"),
    ];
    for (path, wd, want) in positive {
        let d = v.find_link(root, Some(wd), path, &mut 0).unwrap();
        assert_eq!(name(&v, d, root), want, "FindLink({path:?})");
    }
    let negative: [(&str, DirentId, Errno); 4] = [
        ("bar", root, Errno::ENOENT),
        ("/bar", root, Errno::ENOENT),
        ("/foo/../../bar", root, Errno::ENOENT),
        ("foo", foo, Errno::ENOENT),
    ];
    for (path, wd, want) in negative {
        assert_eq!(
            errno(v.find_link(root, Some(wd), path, &mut 0)),
            want,
            "{path:?}"
        );
    }
}

#[test]
fn walk_error_rules() {
    let (mut v, root) = ns(&["d:etc", "f:etc/passwd=root", "d:a/b"]);
    let long = "x".repeat(256);
    let ok255 = "y".repeat(255);
    let cases: [(String, Errno); 5] = [
        ("/etc/passwd/x".into(), Errno::ENOTDIR),
        ("/etc/passwd/".into(), Errno::ENOTDIR),
        ("/nope/../x".into(), Errno::ENOENT),
        (format!("/a/{long}"), Errno::ENAMETOOLONG),
        (format!("/{long}/b"), Errno::ENAMETOOLONG),
    ];
    for (p, want) in cases {
        let r = v.find_inode(root, None, &p, &mut 0);
        // `/etc/passwd/` has its trailing slash trimmed by SplitFirst, so it
        // names the file (gVisor does not enforce the trailing-slash rule).
        if p == "/etc/passwd/" {
            assert!(r.is_ok(), "{p}");
            continue;
        }
        assert_eq!(errno(r), want, "{p}");
    }
    // A 255-byte component is fine (it just does not exist).
    assert_eq!(
        errno(v.find_inode(root, None, &format!("/a/{ok255}"), &mut 0)),
        Errno::ENOENT
    );
}

#[test]
fn dotdot_at_root_stays_and_relative_paths_use_wd() {
    let (mut v, root) = ns(&["d:a/b/c", "f:a/b/c/f=x"]);
    for p in ["/..", "/../..", "..", "/../../a/.."] {
        let d = v.find_inode(root, None, p, &mut 0).unwrap();
        assert_eq!(d, root, "{p}");
    }
    let b = v.find_inode(root, None, "/a/b", &mut 0).unwrap();
    let ctx = Ctx { root, cwd: b };
    assert_eq!(v.read_file(ctx, "c/f", 10).unwrap(), b"x");
    assert_eq!(v.read_file(ctx, "../b/./c/f", 10).unwrap(), b"x");
    assert_eq!(v.read_file(ctx, "/a/b/c/f", 10).unwrap(), b"x");
    // `..` cannot leave a walk root that is not the namespace root.
    let c = v.find_inode(root, None, "/a/b/c", &mut 0).unwrap();
    let d = v.find_inode(c, None, "../../..", &mut 0).unwrap();
    assert_eq!(d, c);
    let chroot = Ctx::at(c);
    assert_eq!(v.read_file(chroot, "/../../f", 10).unwrap(), b"x");
}

#[test]
fn dotdot_from_mount_root_goes_to_mount_points_parent() {
    let (mut v, root) = ns(&["d:x/mnt", "f:x/sibling=s"]);
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/x/mnt", &mut 0).unwrap();
    let m = v.mount(at, t).unwrap();
    let up = v.find_inode(root, Some(m), "..", &mut 0).unwrap();
    assert_eq!(name(&v, up, root), "/x");
    let ctx = Ctx { root, cwd: m };
    assert_eq!(v.read_file(ctx, "../sibling", 10).unwrap(), b"s");
}

#[test]
fn zero_budget_fails_on_any_symlink() {
    let (mut v, root) = ns(&[
        "d:real/dir",
        "f:real/dir/f=x",
        "l:link->real",
        "l:real/flink->dir/f",
    ]);
    let cases = [
        ("/link", true),        // final symlink, followed by FindInode
        ("/link/dir/f", true),  // intermediate
        ("/real/flink", true),  // final
        ("/real/dir/f", false), // no symlink at all
    ];
    for (p, eloop) in cases {
        let r = v.find_inode(root, None, p, &mut 0);
        if eloop {
            let e = r.unwrap_err();
            assert_eq!(e.errno(), Some(Errno::ELOOP), "{p}");
            assert_eq!(e.to_string(), "too many levels of symbolic links");
        } else {
            assert!(r.is_ok(), "{p}");
        }
    }
    // FindLink does not resolve the final component, so it succeeds.
    let l = v.find_link(root, None, "/link", &mut 0).unwrap();
    assert_eq!(name(&v, l, root), "/link");
    // With a budget of 40 all of them resolve.
    for p in ["/link", "/link/dir/f", "/real/flink"] {
        let mut b = 40;
        assert!(v.find_inode(root, None, p, &mut b).is_ok(), "{p}");
    }
}

#[test]
fn budget_counts_across_the_whole_path() {
    // l0 -> l1 -> ... -> l{n-1} -> target
    fn chain(n: usize) -> (Vfs, DirentId) {
        let mut spec: Vec<String> = vec!["d:target".into(), "f:target/f=x".into()];
        for i in 0..n {
            let to = if i + 1 == n {
                "target".to_string()
            } else {
                format!("l{}", i + 1)
            };
            spec.push(format!("l:l{i}->{to}"));
        }
        let refs: Vec<&str> = spec.iter().map(String::as_str).collect();
        ns(&refs)
    }
    let (mut v, root) = chain(40);
    let mut b = 40;
    let d = v.find_inode(root, None, "/l0", &mut b).unwrap();
    assert_eq!(name(&v, d, root), "/target");
    assert_eq!(b, 0, "all 40 traversals used");
    // The same chain as an intermediate component also needs 40.
    let mut b = 40;
    assert!(v.find_inode(root, None, "/l0/f", &mut b).is_ok());
    let mut b = 39;
    assert_eq!(
        errno(v.find_inode(root, None, "/l0/f", &mut b)),
        Errno::ELOOP
    );

    let (mut v, root) = chain(41);
    let mut b = 40;
    assert_eq!(errno(v.find_inode(root, None, "/l0", &mut b)), Errno::ELOOP);
    // Two chains of 20 in one path draw on the same budget: 40 is enough,
    // 39 is not.
    let (mut v, root) = ns(&[
        "d:t/u",
        "f:t/u/f=x",
        "l:a0->a1",
        "l:a1->t",
        "l:t/b0->b1",
        "l:t/b1->u",
    ]);
    let mut b = 4;
    assert!(v.find_inode(root, None, "/a0/b0/f", &mut b).is_ok());
    assert_eq!(b, 0);
    let mut b = 3;
    assert_eq!(
        errno(v.find_inode(root, None, "/a0/b0/f", &mut b)),
        Errno::ELOOP
    );
}

#[test]
fn symlinks_resolve_relative_to_their_parent_and_absolute_to_root() {
    let (mut v, root) = ns(&[
        "d:a/b",
        "f:a/b/f=rel",
        "f:top=abs",
        "l:a/rel->b/f",
        "l:a/abs->/top",
        "l:a/up->../top",
        "l:loop->loop",
    ]);
    let ctx = Ctx::at(root);
    assert_eq!(v.read_file(ctx, "/a/rel", 10).unwrap(), b"rel");
    assert_eq!(v.read_file(ctx, "/a/abs", 10).unwrap(), b"abs");
    assert_eq!(v.read_file(ctx, "/a/up", 10).unwrap(), b"abs");
    assert_eq!(errno(v.read_file(ctx, "/loop", 10)), Errno::ELOOP);
    // In a chroot an absolute target is relative to the chroot.
    let a = v.find_inode(root, None, "/a", &mut 0).unwrap();
    v.write_file(ctx, "/a/top", b"inside", false).unwrap();
    assert_eq!(v.read_file(Ctx::at(a), "/abs", 10).unwrap(), b"inside");
}

#[test]
fn stacked_mounts_get_ids_in_order_and_unmount_pops() {
    let (mut v, root) = ns(&["d:m"]);
    let ctx = Ctx::at(root);
    let mut tops = Vec::new();
    for i in 0..3 {
        let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
        let at = v.find_inode(root, None, "/m", &mut 0).unwrap();
        let top = v.mount(at, t).unwrap();
        v.write_file(ctx, &format!("/m/layer{i}"), b"", false)
            .unwrap();
        tops.push(top);
    }
    let ids: Vec<(u64, u64)> = v
        .mount_table(root)
        .iter()
        .map(|m| (m.id, m.parent_id))
        .collect();
    // The second mount's parent is the first (the mount containing the
    // covered dirent), and so on.
    assert_eq!(ids, [(1, 1), (2, 1), (3, 2), (4, 3)]);
    let names = |v: &mut Vfs| -> Vec<String> {
        v.readdir(ctx, "/m")
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect()
    };
    assert_eq!(names(&mut v), ["layer2"]);
    for (i, want) in [(2, vec!["layer1"]), (1, vec!["layer0"]), (0, vec![])] {
        let top = v.find_inode(root, None, "/m", &mut 0).unwrap();
        assert_eq!(top, tops[i]);
        v.unmount(top, false).unwrap();
        assert_eq!(names(&mut v), want);
    }
    assert_eq!(v.mount_table(root).len(), 1);
    // The next mount keeps counting.
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/m", &mut 0).unwrap();
    v.mount(at, t).unwrap();
    assert_eq!(v.mount_table(root)[1].id, 5);
}

#[test]
fn mount_and_unmount_errors() {
    let (mut v, root) = ns(&["d:d", "f:f", "l:l->d"]);
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    // Mount on the namespace root: EBUSY, with Go's text.
    let e = v.mount(root, t).unwrap_err();
    assert_eq!(e.errno(), Some(Errno::EBUSY));
    assert_eq!(e.to_string(), "device or resource busy");
    // A symlink inode cannot be mounted.
    let l = v.find_link(root, None, "/l", &mut 0).unwrap();
    let link_inode = v.dirent_inode(l).unwrap();
    let d = v.find_inode(root, None, "/d", &mut 0).unwrap();
    assert_eq!(errno(v.mount(d, link_inode)), Errno::EINVAL);
    // Unmount of something that is not a mount root: EINVAL, including the
    // namespace root, which is not in the mount table.
    assert_eq!(errno(v.unmount(d, false)), Errno::EINVAL);
    assert_eq!(errno(v.unmount(root, false)), Errno::EINVAL);
    assert_eq!(errno(v.unmount(root, true)), Errno::EINVAL);
    // No type check: a directory can go over a file.
    let f = v.find_inode(root, None, "/f", &mut 0).unwrap();
    let m = v.mount(f, t).unwrap();
    v.write_file(Ctx::at(root), "/f/inside", b"", false)
        .unwrap();
    v.unmount(m, false).unwrap();
    assert_eq!(errno(v.unmount(m, false)), Errno::EINVAL);
}

#[test]
fn unmount_is_busy_with_open_files_unless_detached() {
    let (mut v, root) = ns(&["d:m"]);
    let ctx = Ctx::at(root);
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/m", &mut 0).unwrap();
    let m = v.mount(at, t).unwrap();
    v.write_file(ctx, "/m/file", b"data", false).unwrap();
    let f = v.open(ctx, "/m/file", OpenFlags::READ, 0).unwrap();
    assert_eq!(errno(v.unmount(m, false)), Errno::EBUSY);
    assert_eq!(v.mount_table(root).len(), 2, "still mounted");
    v.unmount(m, true).unwrap();
    assert_eq!(v.mount_table(root).len(), 1);
    // The open file keeps working on the detached mount.
    assert_eq!(v.read(ctx, f, 10).unwrap(), b"data");
    assert!(v.readdir(ctx, "/m").unwrap().is_empty());
    v.close(f).unwrap();
}

#[test]
fn collect_garbage_frees_what_unmount_detaches() {
    let (mut v, root) = ns(&["d:m"]);
    let ctx = Ctx::at(root);
    v.collect_garbage();
    let before = v.stats();
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/m", &mut 0).unwrap();
    let m = v.mount(at, t).unwrap();
    v.mkdir_all(ctx, "/m/a/b/c", 0o755).unwrap();
    for i in 0..10 {
        v.write_file(ctx, &format!("/m/a/f{i}"), b"x", false)
            .unwrap();
    }
    let during = v.stats();
    assert!(during.inodes >= before.inodes + 14, "{during:?}");
    assert_eq!(during.mount_sources, before.mount_sources + 1);
    v.unmount(m, false).unwrap();
    let freed = v.collect_garbage();
    assert!(freed > 14, "freed {freed}");
    let after = v.stats();
    assert_eq!(after.inodes, before.inodes);
    assert_eq!(after.mount_sources, before.mount_sources);
    assert_eq!(
        after.dirents, before.dirents,
        "the covered /m dirent is back"
    );
    // A file held open keeps its detached mount alive until closed.
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/m", &mut 0).unwrap();
    let m = v.mount(at, t).unwrap();
    v.write_file(ctx, "/m/held", b"h", false).unwrap();
    let f = v.open(ctx, "/m/held", OpenFlags::READ, 0).unwrap();
    v.unmount(m, true).unwrap();
    v.collect_garbage();
    assert_eq!(v.read(ctx, f, 10).unwrap(), b"h");
    v.close(f).unwrap();
    v.collect_garbage();
    assert_eq!(v.stats().inodes, before.inodes);
    assert_eq!(v.stats().mount_sources, before.mount_sources);
}

/// A hand-built namespace: overlay root, proc, an RO noatime tmpfs, a sysfs
/// under a stub overlay, a container tmpfs holding a child root.
#[test]
fn proc_mounts_and_mountinfo_exact_text() {
    let mut v = Vfs::new();
    let ro_noatime = MountSourceFlags {
        read_only: true,
        no_atime: true,
    };
    let noatime = MountSourceFlags {
        read_only: false,
        no_atime: true,
    };
    let upper = fs::new_tmpfs(&mut v, "none", RW);
    let stubs = fs::make_directory_tree(
        &mut v,
        &[
            "proc".into(),
            "data".into(),
            "sys".into(),
            "__runsc_containers__".into(),
        ],
    )
    .unwrap();
    let root_inode = v.new_overlay_root(upper, stubs, RW).unwrap();
    let r = v.create_namespace(root_inode).unwrap();
    let ctx = Ctx::at(r);
    let mount_at = |v: &mut Vfs, path: &str, inode| {
        let d = v.find_inode(r, None, path, &mut 0).unwrap();
        v.mount(d, inode).unwrap()
    };
    let p = fs::mount(&mut v, "proc", "none", RW, "").unwrap();
    mount_at(&mut v, "/proc", p); // 2
    let t = fs::mount(&mut v, "tmpfs", "none", ro_noatime, "mode=0755").unwrap();
    mount_at(&mut v, "/data", t); // 3
    let s = fs::mount(&mut v, "sysfs", "none", ro_noatime, "").unwrap();
    let sstub = fs::make_directory_tree(&mut v, &["fs/cgroup".into()]).unwrap();
    let s = v
        .new_overlay_root(s, sstub, MountSourceFlags::default())
        .unwrap();
    mount_at(&mut v, "/sys", s); // 4
    let c = fs::mount(&mut v, "tmpfs", "none", noatime, "").unwrap();
    mount_at(&mut v, "/__runsc_containers__", c); // 5
                                                  // A child container root under the containers tmpfs, and a proc in it.
    v.mkdir(ctx, "/__runsc_containers__/cid", 0o755).unwrap();
    let child_upper = fs::new_tmpfs(&mut v, "none", RW);
    let child_stubs = fs::make_directory_tree(&mut v, &["proc".into()]).unwrap();
    let child = v.new_overlay_root(child_upper, child_stubs, RW).unwrap();
    let croot = mount_at(&mut v, "/__runsc_containers__/cid", child); // 6
    let cp = fs::mount(&mut v, "proc", "none", RW, "").unwrap();
    let cproc = v.find_inode(croot, None, "/proc", &mut 0).unwrap();
    v.mount(cproc, cp).unwrap(); // 7

    let mounts =
        String::from_utf8(v.read_file(ctx, "/proc/self/mounts", 1 << 16).unwrap()).unwrap();
    assert_eq!(
        mounts,
        "none / overlayfs rw 0 0\n\
         none /proc proc rw 0 0\n\
         none /data tmpfs ro 0 0\n\
         none /sys overlayfs rw 0 0\n\
         none /__runsc_containers__ tmpfs rw 0 0\n\
         none /__runsc_containers__/cid overlayfs rw 0 0\n\
         none /__runsc_containers__/cid/proc proc rw 0 0\n"
    );
    let info =
        String::from_utf8(v.read_file(ctx, "/proc/self/mountinfo", 1 << 16).unwrap()).unwrap();
    assert_eq!(
        info,
        "1 1 0:0 / / rw - overlayfs none rw\n\
         2 1 0:0 / /proc rw - proc none rw\n\
         3 1 0:0 / /data ro,noatime - tmpfs none ro,noatime\n\
         4 1 0:0 / /sys rw - overlayfs none rw\n\
         5 1 0:0 / /__runsc_containers__ rw,noatime - tmpfs none rw,noatime\n\
         6 5 0:0 / /__runsc_containers__/cid rw - overlayfs none rw\n\
         7 6 0:0 / /__runsc_containers__/cid/proc rw - proc none rw\n"
    );
    // `/proc/mounts` is a symlink to `self/mounts` and reads the same.
    assert_eq!(v.readlink(ctx, "/proc/mounts").unwrap(), "self/mounts");
    assert_eq!(
        String::from_utf8(v.read_file(ctx, "/proc/mounts", 1 << 16).unwrap()).unwrap(),
        mounts
    );
    // The child's own view: its mounts only, relative to its root.
    let cctx = Ctx::at(croot);
    let cm = String::from_utf8(v.read_file(cctx, "/proc/mounts", 1 << 16).unwrap()).unwrap();
    assert_eq!(cm, "none / overlayfs rw 0 0\nnone /proc proc rw 0 0\n");
    let ci =
        String::from_utf8(v.read_file(cctx, "/proc/self/mountinfo", 1 << 16).unwrap()).unwrap();
    assert_eq!(
        ci,
        "6 5 0:0 / / rw - overlayfs none rw\n7 6 0:0 / /proc rw - proc none rw\n"
    );
}

#[test]
fn mounts_outside_the_task_root_are_skipped() {
    let (mut v, root) = ns(&["d:data/sub/x", "d:data/other", "d:proc"]);
    let ctx = Ctx::at(root);
    let p = fs::mount(&mut v, "proc", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/proc", &mut 0).unwrap();
    v.mount(at, p).unwrap();
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/data", &mut 0).unwrap();
    v.mount(at, t).unwrap();
    // The tmpfs at /data is fresh; recreate the tree inside it.
    v.mkdir_all(ctx, "/data/sub/x", 0o755).unwrap();
    v.mkdir_all(ctx, "/data/other", 0o755).unwrap();
    for p in ["/data/sub/x", "/data/other"] {
        let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
        let at = v.find_inode(root, None, p, &mut 0).unwrap();
        v.mount(at, t).unwrap();
    }
    // A task chrooted at /data/sub (inside the /data mount) sees only the
    // mount below its root: not `/`, not `/data` itself, not `/data/other`.
    let sub = v.find_inode(root, None, "/data/sub", &mut 0).unwrap();
    let table = v.mount_table(sub);
    let rows: Vec<(u64, String)> = table.iter().map(|m| (m.id, m.path.clone())).collect();
    assert_eq!(rows, [(4, "/x".to_string())]);
    assert_eq!(fs::mounts_text(&table), "none /x tmpfs rw 0 0\n");
    // From the namespace root everything shows, sorted by id.
    let all: Vec<String> = v.mount_table(root).iter().map(|m| m.path.clone()).collect();
    assert_eq!(all, ["/", "/proc", "/data", "/data/sub/x", "/data/other"]);
}

#[test]
fn proc_filesystems_lists_registered_names() {
    let (mut v, root) = ns(&["d:proc"]);
    let p = fs::mount(&mut v, "proc", "none", RW, "").unwrap();
    let at = v.find_inode(root, None, "/proc", &mut 0).unwrap();
    v.mount(at, p).unwrap();
    let text = String::from_utf8(
        v.read_file(Ctx::at(root), "/proc/filesystems", 1 << 12)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        text,
        "nodev\t9p\nnodev\tdevpts\nnodev\tdevtmpfs\nnodev\tproc\nnodev\tsysfs\nnodev\ttmpfs\n"
    );
    assert_eq!(
        fs::mount(&mut v, "proc", "none", RW, "x=1")
            .unwrap_err()
            .to_string(),
        "unsupported mount options: map[x:1]"
    );
}

#[test]
fn resolve_executable_path_branches() {
    let (mut v, root) = ns(&[
        "d:bin",
        "d:usr/bin",
        "d:sbin",
        "d:noexec",
        "d:dirbin/tool",
        "f:usr/bin/ls",
        "f:noexec/ls",
        "f:sbin/only",
        "f:bin/plain",
        "l:bin/viasym->../usr/bin/ls",
        "f:etc",
    ]);
    let ctx = Ctx::at(root);
    for p in ["/usr/bin/ls", "/sbin/only"] {
        v.chmod(ctx, p, 0o755).unwrap();
    }
    v.chmod(ctx, "/noexec/ls", 0o644).unwrap();
    v.chmod(ctx, "/bin/plain", 0o600).unwrap();
    v.chmod(ctx, "/dirbin/tool", 0o555).unwrap();
    let paths = |s: &str| -> Vec<String> { s.split(':').map(String::from).collect() };
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        Result<&'static str, &'static str>,
    );
    let rows: [Row; 16] = [
        // Absolute: returned as-is, no existence check.
        ("/", "/does/not/exist", "", Ok("/does/not/exist")),
        ("rel", "/x", "/bin", Ok("/x")),
        // A slash after the first byte: joined to wd.
        ("/w", "./x", "", Ok("/w/x")),
        ("", "./x", "", Ok("/x")),
        ("/w", "a/../b", "", Ok("/w/b")),
        (
            "x",
            "./y",
            "",
            Err("working directory \"x\" must be absolute"),
        ),
        (
            "a\u{1}",
            "./y",
            "",
            Err("working directory \"a\\x01\" must be absolute"),
        ),
        // PATH search.
        ("/", "ls", "/noexec:/nope:/usr/bin", Ok("/usr/bin/ls")),
        ("/", "only", "/bin:/sbin", Ok("/sbin/only")),
        ("/", "ls", "/noexec", Err("no such file or directory")),
        ("/", "plain", "/bin", Err("no such file or directory")),
        ("/", "tool", "/dirbin", Ok("/dirbin/tool")),
        ("/", "viasym", "/bin", Ok("/bin/viasym")),
        ("/", "ls", "usr/bin", Ok("/usr/bin/ls")),
        // ENOTDIR is not skipped: it is returned.
        ("/", "x", "/etc:/usr/bin", Err("not a directory")),
        (
            "/",
            "missing",
            "/bin:/usr/bin",
            Err("no such file or directory"),
        ),
    ];
    for (wd, name, path, want) in rows {
        let got = v
            .resolve_executable_path(ctx, wd, name, &paths(path))
            .map_err(|e| e.to_string());
        let want = want.map(String::from).map_err(String::from);
        assert_eq!(got, want, "wd={wd:?} name={name:?} PATH={path:?}");
    }
    // No PATH at all.
    let e = v.resolve_executable_path(ctx, "/", "ls", &[]).unwrap_err();
    assert_eq!(e.errno(), Some(Errno::ENOENT));
    // The search starts at the task root (a child container's root).
    let usr = v.find_inode(root, None, "/usr", &mut 0).unwrap();
    let got = v
        .resolve_executable_path(Ctx::at(usr), "/", "ls", &paths("/bin"))
        .unwrap();
    assert_eq!(got, "/bin/ls");
}
