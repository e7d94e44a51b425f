//! Overlay tests (`sfs/overlay.go`, `inode_overlay.go`, `copy_up.go`), with
//! ports of gVisor's `TestLookup`, `TestLookupRevalidation`, `TestReaddir` and
//! `TestReaddirRevalidation` (`pkg/sentry/fs/inode_overlay_test.go`,
//! `file_overlay_test.go`) and the semantics of section 9 of the design doc.

use mountlab::fs;
use mountlab::vfs::{
    Ctx, DirentId, FileType, InodeId, MountSourceFlags, Node, OpenFlags, OverlayEntry, Vfs,
};
use mountlab::Errno;

const RW: MountSourceFlags = MountSourceFlags {
    read_only: false,
    no_atime: false,
};

fn errno<T: std::fmt::Debug>(r: mountlab::Result<T>) -> Errno {
    r.unwrap_err().errno().expect("error carries an errno")
}

/// Fills the tmpfs rooted at `root` through a scratch namespace. Entries:
/// `d:path` a directory, `f:path=contents` a file, `l:path->target` a symlink.
fn populate(v: &mut Vfs, root: InodeId, spec: &[&str]) {
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
}

struct Ov {
    v: Vfs,
    ctx: Ctx,
    upper: InodeId,
    lower: InodeId,
}

/// An overlay namespace: a tmpfs upper over a tmpfs lower, each filled from a spec.
fn overlay(upper_spec: &[&str], lower_spec: &[&str]) -> Ov {
    let mut v = Vfs::new();
    let upper = fs::new_tmpfs(&mut v, "upper", RW);
    let lower = fs::new_tmpfs(&mut v, "lower", RW);
    populate(&mut v, upper, upper_spec);
    populate(&mut v, lower, lower_spec);
    let root = v.new_overlay_root(upper, lower, RW).unwrap();
    let r = v.create_namespace(root).unwrap();
    Ov {
        v,
        ctx: Ctx::at(r),
        upper,
        lower,
    }
}

impl Ov {
    fn entry(&mut self, path: &str) -> OverlayEntry {
        let d = self.v.lookup(self.ctx, path, false).unwrap();
        self.entry_of(d)
    }
    fn entry_of(&self, d: DirentId) -> OverlayEntry {
        let i = self.v.dirent_inode(d).unwrap();
        *self.v.inode(i).unwrap().overlay().expect("overlay inode")
    }
    fn names(&mut self, path: &str) -> Vec<String> {
        self.v
            .readdir(self.ctx, path)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect()
    }
    fn read(&mut self, path: &str) -> String {
        String::from_utf8(self.v.read_file(self.ctx, path, 1 << 16).unwrap()).unwrap()
    }
    /// Entry names of a plain (non-overlay) directory inode.
    fn plain_names(&self, dir: InodeId) -> Vec<String> {
        match &self.v.inode(dir).unwrap().node {
            Node::Dir(e) => e.keys().cloned().collect(),
            n => panic!("not a plain dir: {n:?}"),
        }
    }
    fn plain_child(&self, dir: InodeId, name: &str) -> Option<InodeId> {
        match &self.v.inode(dir).unwrap().node {
            Node::Dir(e) => e.get(name).copied(),
            n => panic!("not a plain dir: {n:?}"),
        }
    }
    /// Walks plain directories from `dir` by components.
    fn plain_at(&self, dir: InodeId, path: &str) -> Option<InodeId> {
        let mut cur = dir;
        for c in path.split('/').filter(|c| !c.is_empty()) {
            cur = self.plain_child(cur, c)?;
        }
        Some(cur)
    }
    fn plain_bytes(&self, id: InodeId) -> Vec<u8> {
        match &self.v.inode(id).unwrap().node {
            Node::File(b) => b.clone(),
            n => panic!("not a file: {n:?}"),
        }
    }
}

fn whiteout(v: &mut Vfs, upper_dir: InodeId, name: &str) {
    v.setxattr(upper_dir, &format!("trusted.overlay.whiteout.{name}"), b"y")
        .unwrap();
}

/// Port of gVisor `TestLookup`. gVisor builds overlay directories with a nil
/// upper or lower directly; here the directory under test is `/sub`, which
/// exists in one or both layers, so a missing layer is a missing `sub`.
#[test]
fn lookup_table_port_of_gvisor_test_lookup() {
    struct Case {
        desc: &'static str,
        upper: &'static [&'static str],
        lower: &'static [&'static str],
        whiteouts: &'static [&'static str],
        name: &'static str,
        found: bool,
        has_upper: bool,
        has_lower: bool,
        lower_exists: bool,
    }
    let cases = [
        Case {
            desc: "no upper, lower has name",
            upper: &[],
            lower: &["d:sub", "f:sub/a"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: false,
            has_lower: true,
            lower_exists: true,
        },
        Case {
            desc: "no lower, upper has name",
            upper: &["d:sub", "f:sub/a"],
            lower: &[],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: true,
            has_lower: false,
            lower_exists: false,
        },
        Case {
            desc: "upper and lower, only lower has name",
            upper: &["d:sub", "f:sub/b"],
            lower: &["d:sub", "f:sub/a"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: false,
            has_lower: true,
            lower_exists: true,
        },
        Case {
            desc: "upper and lower, only upper has name",
            upper: &["d:sub", "f:sub/a"],
            lower: &["d:sub", "f:sub/b"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: true,
            has_lower: false,
            lower_exists: false,
        },
        Case {
            desc: "upper and lower, both have file",
            upper: &["d:sub", "f:sub/a"],
            lower: &["d:sub", "f:sub/a"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: true,
            // The lower of a non-directory is dropped, but remembered.
            has_lower: false,
            lower_exists: true,
        },
        Case {
            desc: "upper and lower, both have directory",
            upper: &["d:sub/a"],
            lower: &["d:sub/a"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: true,
            has_lower: true,
            lower_exists: true,
        },
        Case {
            desc: "upper and lower, upper negative masks lower file",
            upper: &["d:sub"],
            lower: &["d:sub", "f:sub/a"],
            whiteouts: &["a"],
            name: "a",
            found: false,
            has_upper: false,
            has_lower: false,
            lower_exists: false,
        },
        Case {
            desc: "upper and lower, upper negative does not mask lower file",
            upper: &["d:sub"],
            lower: &["d:sub", "f:sub/a"],
            whiteouts: &["b"],
            name: "a",
            found: true,
            has_upper: false,
            has_lower: true,
            lower_exists: true,
        },
        Case {
            desc: "whiteout with an upper file: upper only, lower forgotten",
            upper: &["d:sub", "f:sub/a"],
            lower: &["d:sub", "f:sub/a"],
            whiteouts: &["a"],
            name: "a",
            found: true,
            has_upper: true,
            has_lower: false,
            lower_exists: false,
        },
        Case {
            desc: "upper file over lower dir of a different type: upper wins, not merged",
            upper: &["d:sub", "f:sub/a"],
            lower: &["d:sub/a", "f:sub/a/inner"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: true,
            has_lower: false,
            lower_exists: false,
        },
        Case {
            desc: "upper symlink over lower stub dir: upper wins",
            upper: &["d:sub", "l:sub/a->/elsewhere"],
            lower: &["d:sub/a"],
            whiteouts: &[],
            name: "a",
            found: true,
            has_upper: true,
            has_lower: false,
            lower_exists: false,
        },
        Case {
            desc: "neither layer has name",
            upper: &["d:sub"],
            lower: &["d:sub"],
            whiteouts: &[],
            name: "a",
            found: false,
            has_upper: false,
            has_lower: false,
            lower_exists: false,
        },
    ];
    for c in cases {
        let mut o = overlay(c.upper, c.lower);
        if !c.whiteouts.is_empty() {
            let sub = o.entry("/sub").upper.expect("sub in upper");
            for w in c.whiteouts {
                whiteout(&mut o.v, sub, w);
            }
        }
        let path = format!("/sub/{}", c.name);
        match o.v.lookup(o.ctx, &path, false) {
            Err(e) => {
                assert!(!c.found, "{}: lookup failed: {e}", c.desc);
                assert_eq!(e.errno(), Some(Errno::ENOENT), "{}", c.desc);
            }
            Ok(d) => {
                assert!(c.found, "{}: found unexpectedly", c.desc);
                let e = o.entry_of(d);
                assert_eq!(e.upper.is_some(), c.has_upper, "{}: has upper", c.desc);
                assert_eq!(e.lower.is_some(), c.has_lower, "{}: has lower", c.desc);
                assert_eq!(e.lower_exists, c.lower_exists, "{}: lowerExists", c.desc);
            }
        }
    }
}

/// Port of gVisor `TestLookupRevalidation`, non-revalidating rows: tmpfs
/// layers never ask for revalidation, so a second walk returns the same
/// cached dirent whichever layer the file came from.
#[test]
fn lookup_twice_returns_same_cached_dirent() {
    let rows: [(&str, &[&str], &[&str]); 3] = [
        ("file from upper", &["f:foofile"], &[]),
        ("file from lower", &[], &["f:foofile"]),
        ("file from upper and lower", &["f:foofile"], &["f:foofile"]),
    ];
    for (desc, upper, lower) in rows {
        let mut o = overlay(upper, lower);
        let first = o.v.lookup(o.ctx, "/foofile", false).unwrap();
        let second = o.v.lookup(o.ctx, "/foofile", false).unwrap();
        assert_eq!(first, second, "{desc}");
    }
}

/// Port of gVisor `TestReaddir` (our readdir omits `.` and `..`, which gVisor
/// lists first), plus rows for type shadowing and whiteouts over upper files.
#[test]
fn readdir_table_port_of_gvisor_test_readdir() {
    type Row = (
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
    );
    let rows: [Row; 8] = [
        (
            "no upper, lower has entries",
            &[],
            &["d:sub", "f:sub/a", "f:sub/b"],
            &[],
            &["a", "b"],
        ),
        (
            "upper has entries, no lower",
            &["d:sub", "f:sub/a", "f:sub/b"],
            &[],
            &[],
            &["a", "b"],
        ),
        (
            "upper and lower, entries combine",
            &["d:sub", "f:sub/a"],
            &["d:sub", "f:sub/b"],
            &[],
            &["a", "b"],
        ),
        (
            "upper and lower, entries combine, none are masked",
            &["d:sub", "f:sub/a"],
            &["d:sub", "f:sub/c"],
            &["b"],
            &["a", "c"],
        ),
        (
            "upper and lower, entries combine, upper masks some of lower",
            &["d:sub", "f:sub/a"],
            &["d:sub", "f:sub/b", "f:sub/c"],
            &["b"],
            &["a", "c"],
        ),
        (
            "merged result is sorted across layers",
            &["d:sub", "f:sub/m", "f:sub/b"],
            &["d:sub", "f:sub/z", "f:sub/a", "f:sub/n"],
            &[],
            &["a", "b", "m", "n", "z"],
        ),
        (
            "name in both layers is listed once",
            &["d:sub", "f:sub/a"],
            &["d:sub", "f:sub/a", "f:sub/b"],
            &[],
            &["a", "b"],
        ),
        (
            "whiteout does not hide an upper entry of the same name",
            &["d:sub", "f:sub/a"],
            &["d:sub", "f:sub/a"],
            &["a"],
            &["a"],
        ),
    ];
    for (desc, upper, lower, whiteouts, want) in rows {
        let mut o = overlay(upper, lower);
        if !whiteouts.is_empty() {
            let sub = o.entry("/sub").upper.unwrap();
            for w in whiteouts {
                whiteout(&mut o.v, sub, w);
            }
        }
        assert_eq!(o.names("/sub"), want, "{desc}");
    }
}

#[test]
fn readdir_reports_the_upper_type_when_it_shadows_a_lower_dir() {
    let mut o = overlay(&["f:x=file"], &["d:x/inner", "d:y"]);
    let entries = o.v.readdir(o.ctx, "/").unwrap();
    let types: Vec<(String, FileType)> =
        entries.into_iter().map(|e| (e.name, e.file_type)).collect();
    assert_eq!(
        types,
        [
            ("x".to_string(), FileType::Regular),
            ("y".to_string(), FileType::Directory)
        ]
    );
    // The lower directory's children are unreachable through the file.
    assert_eq!(errno(o.v.lookup(o.ctx, "/x/inner", false)), Errno::ENOTDIR);
    assert_eq!(o.read("/x"), "file");
}

/// Port of gVisor `TestReaddirRevalidation`: the upper is changed behind the
/// overlay's back (here through a second mount of the same tmpfs), and the
/// next readdir shows the change.
#[test]
fn readdir_sees_upper_changes_made_behind_the_overlay() {
    let mut o = overlay(&["f:a", "d:mnt"], &["f:b"]);
    assert_eq!(o.names("/"), ["a", "b", "mnt"]);
    let mnt = o.v.lookup(o.ctx, "/mnt", true).unwrap();
    let upper = o.upper;
    o.v.mount(mnt, upper).unwrap();
    o.v.remove(o.ctx, "/mnt/a", false).unwrap();
    o.v.write_file(o.ctx, "/mnt/c", b"", false).unwrap();
    assert_eq!(o.names("/"), ["b", "c", "mnt"]);
}

#[test]
fn copy_up_three_deep_on_write_leaves_lower_untouched() {
    let mut o = overlay(
        &[],
        &[
            "d:a/b/c",
            "f:a/b/c/file=lower contents",
            "f:a/b/sibling=s",
            "f:a/top=t",
        ],
    );
    let lower_file = o.entry("/a/b/c/file").lower.unwrap();
    let f =
        o.v.open(o.ctx, "/a/b/c/file", OpenFlags::read_write(), 0)
            .unwrap();
    assert_eq!(o.v.pwrite(f, 0, b"UPPER").unwrap(), 5);
    o.v.close(f).unwrap();
    assert_eq!(o.read("/a/b/c/file"), "UPPER contents");
    // The lower file is byte for byte what it was.
    assert_eq!(o.plain_bytes(lower_file), b"lower contents");
    assert_eq!(o.plain_at(o.lower, "a/b/c/file"), Some(lower_file));
    // Every ancestor now exists in the upper; directories were created
    // empty (children are not copied), only the path to the file.
    assert_eq!(o.plain_names(o.upper), ["a"]);
    let ua = o.plain_at(o.upper, "a").unwrap();
    assert_eq!(o.plain_names(ua), ["b"]);
    let ub = o.plain_at(o.upper, "a/b").unwrap();
    assert_eq!(o.plain_names(ub), ["c"]);
    let uf = o.plain_at(o.upper, "a/b/c/file").unwrap();
    assert_eq!(o.plain_bytes(uf), b"UPPER contents");
    // The merged view still shows the lower siblings.
    assert_eq!(o.names("/a/b"), ["c", "sibling"]);
    assert_eq!(o.names("/a"), ["b", "top"]);
}

#[test]
fn copy_up_keeps_owner_times_and_xattrs_but_not_overlay_xattrs() {
    let mut v = Vfs::new();
    let upper = fs::new_tmpfs(&mut v, "upper", RW);
    let lower = fs::new_tmpfs(&mut v, "lower", RW);
    let r = v.create_namespace(lower).unwrap();
    let lctx = Ctx::at(r);
    v.mkdir_all(lctx, "/a/b/c", 0o750).unwrap();
    v.write_file(lctx, "/a/b/c/file", b"data", false).unwrap();
    v.chmod(lctx, "/a/b/c/file", 0o640).unwrap();
    v.chown(lctx, "/a/b/c/file", 1000, 2000).unwrap();
    v.chown(lctx, "/a/b", 7, 8).unwrap();
    v.utimes(lctx, "/a/b/c/file", 111, 222).unwrap();
    let lf = v.lookup(lctx, "/a/b/c/file", true).unwrap();
    let lf = v.dirent_inode(lf).unwrap();
    v.setxattr(lf, "user.keep", b"me").unwrap();
    v.setxattr(lf, "trusted.overlay.opaque", b"y").unwrap();
    let lower_before = v.inode(lf).unwrap().clone();

    let root = v.new_overlay_root(upper, lower, RW).unwrap();
    let r = v.create_namespace(root).unwrap();
    let mut o = Ov {
        v,
        ctx: Ctx::at(r),
        upper,
        lower,
    };
    // chmod triggers copy-up without touching the times.
    o.v.chmod(o.ctx, "/a/b/c/file", 0o600).unwrap();
    let st = o.v.stat(o.ctx, "/a/b/c/file", true).unwrap();
    assert_eq!((st.uid, st.gid), (1000, 2000));
    assert_eq!((st.atime, st.mtime), (111, 222));
    assert_eq!(st.perms(), 0o600);
    assert_eq!(st.size, 4);
    let uf = o.entry("/a/b/c/file").upper.unwrap();
    assert_eq!(o.v.getxattr(uf, "user.keep").unwrap(), b"me");
    assert_eq!(
        o.v.getxattr(uf, "trusted.overlay.opaque")
            .unwrap_err()
            .errno(),
        Some(Errno::ENODATA)
    );
    // The copied-up ancestor keeps its owner and mode too.
    let ub = o.plain_at(o.upper, "a/b").unwrap();
    let ubi = o.v.inode(ub).unwrap();
    assert_eq!((ubi.attr.uid, ubi.attr.gid, ubi.attr.perms), (7, 8, 0o750));
    // Lower attributes unchanged.
    let after = o.v.inode(lf).unwrap();
    assert_eq!(after.attr, lower_before.attr);
    assert_eq!(after.xattrs, lower_before.xattrs);
    assert_eq!(o.plain_bytes(lf), b"data");
}

#[test]
fn attribute_changes_copy_up_and_leave_lower_untouched() {
    type Op = fn(&mut Vfs, Ctx);
    type Check = fn(&mountlab::vfs::Stat) -> bool;
    let ops: [(&str, Op, Check); 5] = [
        (
            "chmod",
            |v, c| v.chmod(c, "/d/f", 0o711).unwrap(),
            |s| s.perms() == 0o711,
        ),
        (
            "chown",
            |v, c| v.chown(c, "/d/f", 5, 6).unwrap(),
            |s| (s.uid, s.gid) == (5, 6),
        ),
        (
            "utimes",
            |v, c| v.utimes(c, "/d/f", 9, 10).unwrap(),
            |s| (s.atime, s.mtime) == (9, 10),
        ),
        (
            "truncate",
            |v, c| v.truncate(c, "/d/f", 2).unwrap(),
            |s| s.size == 2,
        ),
        (
            "open O_TRUNC",
            |v, c| {
                let f = v
                    .open(
                        c,
                        "/d/f",
                        OpenFlags {
                            write: true,
                            truncate: true,
                            ..OpenFlags::default()
                        },
                        0,
                    )
                    .unwrap();
                v.close(f).unwrap();
            },
            |s| s.size == 0,
        ),
    ];
    for (desc, op, check) in ops {
        let mut o = overlay(&[], &["d:d", "f:d/f=hello"]);
        let lower_file = o.entry("/d/f").lower.unwrap();
        let before = o.v.inode(lower_file).unwrap().attr;
        assert!(o.entry("/d/f").upper.is_none());
        op(&mut o.v, o.ctx);
        assert!(o.entry("/d/f").upper.is_some(), "{desc}: copied up");
        let st = o.v.stat(o.ctx, "/d/f", true).unwrap();
        assert!(check(&st), "{desc}: {st:?}");
        assert_eq!(
            o.v.inode(lower_file).unwrap().attr,
            before,
            "{desc}: lower attrs"
        );
        assert_eq!(o.plain_bytes(lower_file), b"hello", "{desc}: lower data");
    }
}

#[test]
fn open_for_read_does_not_copy_up() {
    let mut o = overlay(&[], &["d:d", "f:d/f=hello"]);
    assert_eq!(o.read("/d/f"), "hello");
    assert!(o.entry("/d/f").upper.is_none());
    assert!(o.entry("/d").upper.is_none());
    assert!(o.plain_names(o.upper).is_empty());
}

#[test]
fn stat_keeps_the_lower_inode_number_across_copy_up() {
    let mut o = overlay(&[], &["f:f=x"]);
    let before = o.v.stat(o.ctx, "/f", true).unwrap().ino;
    o.v.write_file(o.ctx, "/f", b"y", true).unwrap();
    assert!(o.entry("/f").upper.is_some());
    let after = o.v.stat(o.ctx, "/f", true).unwrap().ino;
    assert_eq!(before, after);
}

#[test]
fn create_in_lower_only_dir_copies_up_ancestors() {
    let mut o = overlay(&[], &["d:x/y", "f:x/y/old=o"]);
    o.v.write_file(o.ctx, "/x/y/new", b"n", false).unwrap();
    o.v.mkdir(o.ctx, "/x/y/sub", 0o700).unwrap();
    o.v.symlink(o.ctx, "new", "/x/y/ln").unwrap();
    assert_eq!(o.names("/x/y"), ["ln", "new", "old", "sub"]);
    let uy = o.plain_at(o.upper, "x/y").unwrap();
    assert_eq!(o.plain_names(uy), ["ln", "new", "sub"]);
    let ly = o.plain_at(o.lower, "x/y").unwrap();
    assert_eq!(o.plain_names(ly), ["old"]);
    assert_eq!(o.read("/x/y/ln"), "n");
}

#[test]
fn remove_lower_name_writes_whiteout_and_recreate_shadows_it() {
    let mut o = overlay(&[], &["d:d", "f:d/f=lower", "f:d/g"]);
    o.v.remove(o.ctx, "/d/f", false).unwrap();
    let ud = o.entry("/d").upper.unwrap();
    assert_eq!(
        o.v.getxattr(ud, "trusted.overlay.whiteout.f").unwrap(),
        b"y"
    );
    assert_eq!(errno(o.v.lookup(o.ctx, "/d/f", false)), Errno::ENOENT);
    assert_eq!(o.names("/d"), ["g"]);
    // The lower still has it.
    let ld = o.plain_at(o.lower, "d").unwrap();
    assert_eq!(o.plain_names(ld), ["f", "g"]);
    // Re-create over the whiteout: upper-only, new contents, listed once.
    o.v.write_file(o.ctx, "/d/f", b"again", false).unwrap();
    assert_eq!(o.read("/d/f"), "again");
    let e = o.entry("/d/f");
    assert!(e.upper.is_some() && e.lower.is_none());
    assert_eq!(o.names("/d"), ["f", "g"]);
    // Removing the re-created file keeps the lower hidden.
    o.v.remove(o.ctx, "/d/f", false).unwrap();
    assert_eq!(errno(o.v.lookup(o.ctx, "/d/f", false)), Errno::ENOENT);
    assert_eq!(o.names("/d"), ["g"]);
}

#[test]
fn remove_upper_only_name_writes_no_whiteout() {
    let mut o = overlay(&["f:u"], &[]);
    o.v.remove(o.ctx, "/u", false).unwrap();
    assert!(o.v.getxattr(o.upper, "trusted.overlay.whiteout.u").is_err());
    assert!(o.names("/").is_empty());
}

#[test]
fn rmdir_of_merged_dirs_checks_the_merged_contents() {
    let mut o = overlay(&["d:d"], &["d:d", "f:d/lowerchild", "d:e"]);
    assert_eq!(errno(o.v.remove(o.ctx, "/d", true)), Errno::ENOTEMPTY);
    o.v.remove(o.ctx, "/d/lowerchild", false).unwrap();
    o.v.remove(o.ctx, "/d", true).unwrap();
    assert_eq!(o.names("/"), ["e"]);
    // A lower-only empty directory is removed with a whiteout.
    o.v.remove(o.ctx, "/e", true).unwrap();
    assert_eq!(
        o.v.getxattr(o.upper, "trusted.overlay.whiteout.e").unwrap(),
        b"y"
    );
    assert!(o.names("/").is_empty());
}

#[test]
fn rename_of_lower_file_whites_out_old_name() {
    let mut o = overlay(&[], &["d:d", "f:d/f=content", "d:e"]);
    o.v.rename(o.ctx, "/d/f", "/e/g").unwrap();
    assert_eq!(o.read("/e/g"), "content");
    assert_eq!(errno(o.v.lookup(o.ctx, "/d/f", false)), Errno::ENOENT);
    let ud = o.entry("/d").upper.unwrap();
    assert_eq!(
        o.v.getxattr(ud, "trusted.overlay.whiteout.f").unwrap(),
        b"y"
    );
    assert!(o.names("/d").is_empty());
    assert_eq!(o.names("/e"), ["g"]);
    let ld = o.plain_at(o.lower, "d").unwrap();
    assert_eq!(o.plain_names(ld), ["f"]);
}

#[test]
fn rename_errors_exdev_and_enotempty() {
    let mut o = overlay(&["d:mnt", "f:file"], &["d:full", "f:full/x", "d:empty"]);
    // A non-overlay participant: a tmpfs mounted inside the overlay.
    let t = fs::mount(&mut o.v, "tmpfs", "none", RW, "").unwrap();
    let mnt = o.v.lookup(o.ctx, "/mnt", true).unwrap();
    o.v.mount(mnt, t).unwrap();
    o.v.write_file(o.ctx, "/mnt/inner", b"", false).unwrap();
    assert_eq!(errno(o.v.rename(o.ctx, "/file", "/mnt/file")), Errno::EXDEV);
    assert_eq!(
        errno(o.v.rename(o.ctx, "/mnt/inner", "/inner")),
        Errno::EXDEV
    );
    // A directory target whose contents live only in the lower is not empty.
    o.v.mkdir(o.ctx, "/newdir", 0o755).unwrap();
    assert_eq!(
        errno(o.v.rename(o.ctx, "/newdir", "/full")),
        Errno::ENOTEMPTY
    );
    // Nothing was copied up by the failed rename.
    assert!(o.entry("/full").upper.is_none());
    // An empty lower directory may be replaced.
    o.v.rename(o.ctx, "/newdir", "/empty").unwrap();
    assert_eq!(o.names("/"), ["empty", "file", "full", "mnt"]);
}

#[test]
fn char_device_in_lower_gives_einval() {
    let mut v = Vfs::new();
    let upper = fs::new_tmpfs(&mut v, "upper", RW);
    let dev = fs::mount(&mut v, "devtmpfs", "none", RW, "").unwrap();
    let root = v.new_overlay_root(upper, dev, RW).unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    for name in ["/null", "/zero", "/full", "/random", "/urandom"] {
        let e = v.lookup(ctx, name, false).unwrap_err();
        assert_eq!(e.errno(), Some(Errno::EINVAL), "{name}");
        // gVisor only logs the type; the error is the bare errno.
        assert_eq!(e.to_string(), "invalid argument", "{name}");
    }
    // Directories and symlinks are allowed lower types.
    assert!(v.lookup(ctx, "/shm", false).is_ok());
    assert_eq!(v.readlink(ctx, "/stdin").unwrap(), "/proc/self/fd/0");
}

#[test]
fn new_overlay_root_errors_verbatim() {
    let mut v = Vfs::new();
    let dir = fs::new_tmpfs(&mut v, "d", RW);
    let other = fs::new_tmpfs(&mut v, "o", RW);
    populate(&mut v, other, &["f:file"]);
    let r = v.create_namespace(other).unwrap();
    let d = v.lookup(Ctx::at(r), "/file", true).unwrap();
    let file = v.dirent_inode(d).unwrap();
    assert_eq!(
        v.new_overlay_root(file, dir, RW).unwrap_err().to_string(),
        "upper Inode is not a directory"
    );
    assert_eq!(
        v.new_overlay_root(dir, file, RW).unwrap_err().to_string(),
        "lower Inode is not a directory"
    );
    let ov = v.new_overlay_root(dir, other, RW).unwrap();
    assert_eq!(
        v.new_overlay_root(ov, other, RW).unwrap_err().to_string(),
        "cannot nest overlay in upper file of another overlay"
    );
    // An overlay may be a lower.
    let up2 = fs::new_tmpfs(&mut v, "u2", RW);
    assert!(v.new_overlay_root(up2, ov, RW).is_ok());
    // A single-file overlay needs a regular lower.
    let msrc = v.inode(up2).unwrap().msrc;
    assert_eq!(
        v.new_overlay_root_file(msrc, dir, RW)
            .unwrap_err()
            .to_string(),
        "lower Inode is not a regular file"
    );
}

#[test]
fn overlay_mount_source_is_overlayfs_with_given_flags() {
    let mut v = Vfs::new();
    let up = fs::new_tmpfs(&mut v, "u", RW);
    let lo = fs::new_tmpfs(&mut v, "l", RW);
    let flags = MountSourceFlags {
        read_only: true,
        no_atime: true,
    };
    let root = v.new_overlay_root(up, lo, flags).unwrap();
    let r = v.create_namespace(root).unwrap();
    let table = v.mount_table(r);
    assert_eq!(table.len(), 1);
    assert_eq!(table[0].fs_name, "overlayfs");
    assert_eq!(table[0].flags, flags);
}

#[test]
fn single_file_overlay_has_a_lazy_upper() {
    let mut v = Vfs::new();
    let host = fs::new_tmpfs(&mut v, "host", RW);
    populate(&mut v, host, &["f:app.conf=lower"]);
    let r = v.create_namespace(host).unwrap();
    let d = v.lookup(Ctx::at(r), "/app.conf", true).unwrap();
    let lower_file = v.dirent_inode(d).unwrap();
    // The sandbox root: a plain tmpfs with a file to mount over.
    let root = fs::new_tmpfs(&mut v, "root", RW);
    let bind_upper = fs::new_tmpfs(&mut v, "bind-upper", RW);
    let upper_msrc = v.inode(bind_upper).unwrap().msrc;
    let ov = v.new_overlay_root_file(upper_msrc, lower_file, RW).unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    v.write_file(ctx, "/app.conf", b"", false).unwrap();
    let at = v.lookup(ctx, "/app.conf", true).unwrap();
    let m = v.mount(at, ov).unwrap();
    let entry = |v: &Vfs| {
        *v.inode(v.dirent_inode(m).unwrap())
            .unwrap()
            .overlay()
            .unwrap()
    };
    assert!(entry(&v).upper.is_none());
    assert_eq!(v.read_file(ctx, "/app.conf", 100).unwrap(), b"lower");
    assert!(entry(&v).upper.is_none(), "a read does not copy up");
    let f = v
        .open(ctx, "/app.conf", OpenFlags::write_only(), 0)
        .unwrap();
    v.pwrite(f, 0, b"UPPER").unwrap();
    v.close(f).unwrap();
    let up = entry(&v).upper.expect("copied up on write");
    assert_eq!(v.inode(up).unwrap().msrc, upper_msrc);
    assert_eq!(v.read_file(ctx, "/app.conf", 100).unwrap(), b"UPPER");
    match &v.inode(lower_file).unwrap().node {
        Node::File(b) => assert_eq!(b, b"lower"),
        n => panic!("{n:?}"),
    }
}

#[test]
fn erofs_on_read_only_upper_and_lower_never_written() {
    let mut v = Vfs::new();
    let ro = MountSourceFlags {
        read_only: true,
        no_atime: false,
    };
    let lower = fs::new_tmpfs(&mut v, "lower", RW);
    populate(&mut v, lower, &["d:stub", "f:l=low"]);
    // The upper's mount source is read-only; the lower's is writable.
    let ro_upper = fs::new_tmpfs(&mut v, "ro-upper", ro);
    let root = v.new_overlay_root(ro_upper, lower, RW).unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    type Op = fn(&mut Vfs, Ctx) -> mountlab::Result<()>;
    let cases: [(&str, Op); 8] = [
        ("create", |v, c| v.write_file(c, "/new", b"x", false)),
        ("create in stub", |v, c| {
            v.write_file(c, "/stub/new", b"x", false)
        }),
        ("mkdir", |v, c| v.mkdir(c, "/d", 0o755).map(|_| ())),
        ("write lower file", |v, c| {
            v.write_file(c, "/l", b"x", false)
        }),
        ("chmod", |v, c| v.chmod(c, "/l", 0o600)),
        ("truncate", |v, c| v.truncate(c, "/l", 0)),
        ("unlink", |v, c| v.remove(c, "/l", false)),
        ("rename", |v, c| v.rename(c, "/l", "/m")),
    ];
    for (desc, op) in cases {
        assert_eq!(errno(op(&mut v, ctx)), Errno::EROFS, "{desc}");
    }
    // The overlay's own flags say rw, as `/proc/mounts` shows for a RO root.
    assert_eq!(v.mount_table(r)[0].flags, RW);
    // Reads still work, and nothing reached either layer.
    assert_eq!(v.read_file(ctx, "/l", 10).unwrap(), b"low");
    match &v.inode(ro_upper).unwrap().node {
        Node::Dir(e) => assert!(e.is_empty(), "RO upper untouched"),
        n => panic!("{n:?}"),
    }
    let names: Vec<String> = v
        .readdir(ctx, "/")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["l", "stub"]);
}

#[test]
fn read_only_lower_is_ignored_and_writes_go_to_upper() {
    let mut v = Vfs::new();
    let ro = MountSourceFlags {
        read_only: true,
        no_atime: false,
    };
    let upper = fs::new_tmpfs(&mut v, "upper", RW);
    let lower = fs::mount(&mut v, "tmpfs", "none", ro, "").unwrap();
    // A read-only inner overlay (RO tmpfs over a stub tree) as the lower.
    let stubs = fs::make_directory_tree(&mut v, &["a/b".to_string()]).unwrap();
    let inner = v.new_overlay_root(lower, stubs, ro).unwrap();
    let root = v.new_overlay_root(upper, inner, RW).unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    v.write_file(ctx, "/a/b/f", b"ok", false).unwrap();
    assert_eq!(v.read_file(ctx, "/a/b/f", 10).unwrap(), b"ok");
    match &v.inode(lower).unwrap().node {
        Node::Dir(e) => assert!(e.is_empty(), "RO lower untouched"),
        n => panic!("{n:?}"),
    }
}

#[test]
fn upper_steals_the_lower_inode_number_on_lookup() {
    let mut o = overlay(&["f:f=u", "f:only"], &["f:f=l"]);
    let lf = o.plain_at(o.lower, "f").unwrap();
    let uf = o.plain_at(o.upper, "f").unwrap();
    let (lino, uino) = (o.v.inode(lf).unwrap().ino, o.v.inode(uf).unwrap().ino);
    assert_ne!(lino, uino);
    let st = o.v.stat(o.ctx, "/f", true).unwrap();
    assert_eq!(st.ino, lino);
    // Contents come from the upper all the same.
    assert_eq!(o.read("/f"), "u");
    let only = o.plain_at(o.upper, "only").unwrap();
    assert_eq!(
        o.v.stat(o.ctx, "/only", true).unwrap().ino,
        o.v.inode(only).unwrap().ino
    );
}
