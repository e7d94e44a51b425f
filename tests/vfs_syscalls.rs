//! Path-level file operations with Linux errnos (`fileops.rs`): open flags,
//! read/write/pread/pwrite, truncate, stat, readdir, mkdir, unlink, rmdir,
//! rename, symlink/readlink, link and chmod, on a tmpfs namespace.

use mountlab::fs;
use mountlab::vfs::{Ctx, FileType, MountSourceFlags, OpenFlags, Vfs};
use mountlab::Errno;

const RW: MountSourceFlags = MountSourceFlags {
    read_only: false,
    no_atime: false,
};

fn errno<T: std::fmt::Debug>(r: mountlab::Result<T>) -> Errno {
    r.unwrap_err().errno().expect("error carries an errno")
}

fn ns() -> (Vfs, Ctx) {
    let mut v = Vfs::new();
    let root = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    v.mkdir_all(ctx, "/d/sub", 0o755).unwrap();
    v.write_file(ctx, "/d/f", b"hello", false).unwrap();
    v.mkdir(ctx, "/empty", 0o700).unwrap();
    (v, ctx)
}

fn names(v: &mut Vfs, ctx: Ctx, p: &str) -> Vec<String> {
    v.readdir(ctx, p)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect()
}

#[test]
fn open_flag_errors() {
    let (mut v, ctx) = ns();
    let excl = OpenFlags {
        write: true,
        create: true,
        exclusive: true,
        ..OpenFlags::default()
    };
    let dir_flag = OpenFlags {
        read: true,
        directory: true,
        ..OpenFlags::default()
    };
    let rows: [(&str, OpenFlags, Errno); 7] = [
        ("/d/f", excl, Errno::EEXIST),
        ("/d", excl, Errno::EEXIST),
        ("/d/f", dir_flag, Errno::ENOTDIR),
        ("/d", OpenFlags::write_only(), Errno::EISDIR),
        ("/d", OpenFlags::read_write(), Errno::EISDIR),
        ("/missing", OpenFlags::READ, Errno::ENOENT),
        ("/missing/x", OpenFlags::create_truncate(), Errno::ENOENT),
    ];
    for (p, flags, want) in rows {
        assert_eq!(errno(v.open(ctx, p, flags, 0o644)), want, "{p} {flags:?}");
    }
    // O_DIRECTORY on a directory and O_CREAT|O_EXCL on a new name succeed.
    assert!(v.open(ctx, "/d", dir_flag, 0).is_ok());
    assert!(v.open(ctx, "/d/new", excl, 0o600).is_ok());
    assert_eq!(v.stat(ctx, "/d/new", true).unwrap().mode, 0o100600);
    // O_CREAT through a file as a directory.
    assert_eq!(
        errno(v.open(ctx, "/d/f/x", OpenFlags::create_truncate(), 0o644)),
        Errno::ENOTDIR
    );
}

#[test]
fn read_write_offsets_pread_pwrite() {
    let (mut v, ctx) = ns();
    let f = v.open(ctx, "/d/f", OpenFlags::read_write(), 0).unwrap();
    assert_eq!(v.read(ctx, f, 2).unwrap(), b"he");
    assert_eq!(v.read(ctx, f, 10).unwrap(), b"llo");
    assert_eq!(v.read(ctx, f, 10).unwrap(), b"", "EOF");
    assert_eq!(v.write(f, b"!!").unwrap(), 2);
    assert_eq!(v.pread(ctx, f, 0, 100).unwrap(), b"hello!!");
    // pwrite beyond the end zero-fills the gap and leaves the offset alone.
    assert_eq!(v.pwrite(f, 9, b"Z").unwrap(), 1);
    assert_eq!(v.pread(ctx, f, 0, 100).unwrap(), b"hello!!\0\0Z");
    assert_eq!(v.pread(ctx, f, 8, 2).unwrap(), b"\0Z");
    assert_eq!(v.pread(ctx, f, 100, 2).unwrap(), b"");
    assert_eq!(v.write(f, b"?").unwrap(), 1);
    assert_eq!(v.pread(ctx, f, 7, 1).unwrap(), b"?");
    v.close(f).unwrap();
    assert_eq!(errno(v.close(f)), Errno::EBADF);
    assert_eq!(errno(v.read(ctx, f, 1)), Errno::EBADF);
    // Access mode is enforced per file.
    let r = v.open(ctx, "/d/f", OpenFlags::READ, 0).unwrap();
    assert_eq!(errno(v.write(r, b"x")), Errno::EBADF);
    let w = v.open(ctx, "/d/f", OpenFlags::write_only(), 0).unwrap();
    assert_eq!(errno(v.read(ctx, w, 1)), Errno::EBADF);
}

#[test]
fn o_trunc_and_o_append() {
    let (mut v, ctx) = ns();
    let f = v
        .open(ctx, "/d/f", OpenFlags::create_append(), 0o644)
        .unwrap();
    v.write(f, b" world").unwrap();
    // O_APPEND writes at the end even after the file grew elsewhere.
    v.write_file(ctx, "/d/f", b"+", true).unwrap();
    v.write(f, b"!").unwrap();
    assert_eq!(v.read_file(ctx, "/d/f", 100).unwrap(), b"hello world+!");
    let t = v
        .open(ctx, "/d/f", OpenFlags::create_truncate(), 0o644)
        .unwrap();
    assert_eq!(v.stat(ctx, "/d/f", true).unwrap().size, 0);
    v.write(t, b"new").unwrap();
    assert_eq!(v.read_file(ctx, "/d/f", 100).unwrap(), b"new");
    // O_TRUNC on a read-only open does not truncate.
    v.open(
        ctx,
        "/d/f",
        OpenFlags {
            read: true,
            truncate: true,
            ..OpenFlags::default()
        },
        0,
    )
    .unwrap();
    assert_eq!(v.stat(ctx, "/d/f", true).unwrap().size, 3);
}

#[test]
fn truncate_grows_and_shrinks() {
    let (mut v, ctx) = ns();
    v.truncate(ctx, "/d/f", 2).unwrap();
    assert_eq!(v.read_file(ctx, "/d/f", 100).unwrap(), b"he");
    v.truncate(ctx, "/d/f", 4).unwrap();
    assert_eq!(v.read_file(ctx, "/d/f", 100).unwrap(), b"he\0\0");
    assert_eq!(errno(v.truncate(ctx, "/d", 0)), Errno::EISDIR);
    assert_eq!(errno(v.truncate(ctx, "/nope", 0)), Errno::ENOENT);
}

#[test]
fn stat_modes_nlink_and_sizes() {
    let (mut v, ctx) = ns();
    v.symlink(ctx, "f", "/d/ln").unwrap();
    let d = v.stat(ctx, "/d", true).unwrap();
    assert_eq!((d.file_type, d.mode), (FileType::Directory, 0o040755));
    // `.`, the entry in `/`, and `sub/..`.
    assert_eq!(d.nlink, 3);
    assert_eq!(v.stat(ctx, "/empty", true).unwrap().nlink, 2);
    // `/` has d and empty as subdirectories.
    assert_eq!(v.stat(ctx, "/", true).unwrap().nlink, 4);
    let f = v.stat(ctx, "/d/f", true).unwrap();
    assert_eq!((f.mode, f.size, f.nlink), (0o100644, 5, 1));
    let l = v.stat(ctx, "/d/ln", false).unwrap();
    assert_eq!(
        (l.file_type, l.mode, l.size),
        (FileType::Symlink, 0o120777, 1)
    );
    // stat follows the link, lstat does not.
    assert_eq!(v.stat(ctx, "/d/ln", true).unwrap().ino, f.ino);
    assert_ne!(l.ino, f.ino);
}

#[test]
fn readdir_is_sorted_and_rejects_files() {
    let (mut v, ctx) = ns();
    for n in ["zeta", "alpha", "Mid", "_x", "b"] {
        v.write_file(ctx, &format!("/empty/{n}"), b"", false)
            .unwrap();
    }
    assert_eq!(
        names(&mut v, ctx, "/empty"),
        ["Mid", "_x", "alpha", "b", "zeta"]
    );
    assert_eq!(errno(v.readdir(ctx, "/d/f")), Errno::ENOTDIR);
    let entries = v.readdir(ctx, "/d").unwrap();
    let kinds: Vec<FileType> = entries.iter().map(|e| e.file_type).collect();
    assert_eq!(kinds, [FileType::Regular, FileType::Directory]);
}

#[test]
fn mkdir_and_mkdir_all() {
    let (mut v, ctx) = ns();
    assert_eq!(errno(v.mkdir(ctx, "/d", 0o755)), Errno::EEXIST);
    assert_eq!(errno(v.mkdir(ctx, "/d/f", 0o755)), Errno::EEXIST);
    assert_eq!(errno(v.mkdir(ctx, "/x/y", 0o755)), Errno::ENOENT);
    assert_eq!(errno(v.mkdir(ctx, "/d/f/y", 0o755)), Errno::ENOTDIR);
    let long = format!("/{}", "n".repeat(256));
    assert_eq!(errno(v.mkdir(ctx, &long, 0o755)), Errno::ENAMETOOLONG);
    v.mkdir(ctx, "/m", 0o1750).unwrap();
    assert_eq!(v.stat(ctx, "/m", true).unwrap().mode, 0o041750);
    v.mkdir_all(ctx, "/p/q/r", 0o700).unwrap();
    v.mkdir_all(ctx, "/p/q/r", 0o700).unwrap();
    assert_eq!(v.stat(ctx, "/p/q", true).unwrap().mode, 0o040700);
    assert_eq!(errno(v.mkdir_all(ctx, "/d/f/z", 0o755)), Errno::ENOTDIR);
    // Relative to the working directory.
    let d = v.lookup(ctx, "/d", true).unwrap();
    let wd = Ctx {
        root: ctx.root,
        cwd: d,
    };
    v.mkdir(wd, "rel", 0o755).unwrap();
    assert_eq!(names(&mut v, ctx, "/d"), ["f", "rel", "sub"]);
}

#[test]
fn unlink_and_rmdir_errnos() {
    let (mut v, ctx) = ns();
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    v.mkdir(ctx, "/mnt", 0o755).unwrap();
    let at = v.lookup(ctx, "/mnt", true).unwrap();
    v.mount(at, t).unwrap();
    let rows: [(&str, bool, Errno); 8] = [
        ("/d", false, Errno::EISDIR),
        ("/d/f", true, Errno::ENOTDIR),
        ("/d", true, Errno::ENOTEMPTY),
        ("/mnt", true, Errno::EBUSY),
        ("/nope", false, Errno::ENOENT),
        ("/d/sub/.", true, Errno::EINVAL),
        ("/d/sub/..", true, Errno::ENOTEMPTY),
        ("/", true, Errno::EBUSY),
    ];
    for (p, dir, want) in rows {
        assert_eq!(errno(v.remove(ctx, p, dir)), want, "{p} dir={dir}");
    }
    v.remove(ctx, "/d/f", false).unwrap();
    v.remove(ctx, "/d/sub", true).unwrap();
    v.remove(ctx, "/d", true).unwrap();
    assert_eq!(names(&mut v, ctx, "/"), ["empty", "mnt"]);
    assert_eq!(errno(v.stat(ctx, "/d", true)), Errno::ENOENT);
}

#[test]
fn rename_rules() {
    let (mut v, ctx) = ns();
    v.mkdir_all(ctx, "/full/x", 0o755).unwrap();
    v.write_file(ctx, "/g", b"G", false).unwrap();
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    v.mkdir(ctx, "/mnt", 0o755).unwrap();
    let at = v.lookup(ctx, "/mnt", true).unwrap();
    v.mount(at, t).unwrap();
    let rows: [(&str, &str, Errno); 7] = [
        ("/d/f", "/mnt/f", Errno::EXDEV),
        ("/empty", "/full", Errno::ENOTEMPTY),
        ("/d", "/d/sub/inside", Errno::EINVAL),
        ("/d", "/d/new", Errno::EINVAL),
        ("/d", "/g", Errno::ENOTDIR),
        ("/g", "/empty", Errno::EISDIR),
        ("/mnt", "/mnt2", Errno::EBUSY),
    ];
    for (a, b, want) in rows {
        assert_eq!(errno(v.rename(ctx, a, b)), want, "{a} -> {b}");
    }
    // Replacing a file.
    v.rename(ctx, "/g", "/d/f").unwrap();
    assert_eq!(v.read_file(ctx, "/d/f", 10).unwrap(), b"G");
    assert_eq!(errno(v.stat(ctx, "/g", true)), Errno::ENOENT);
    // Replacing an empty directory, and moving a directory with children.
    v.rename(ctx, "/d", "/empty").unwrap();
    assert_eq!(names(&mut v, ctx, "/empty"), ["f", "sub"]);
    assert_eq!(v.read_file(ctx, "/empty/f", 10).unwrap(), b"G");
    // Renaming to itself is a no-op.
    v.rename(ctx, "/empty/f", "/empty/f").unwrap();
    assert_eq!(v.read_file(ctx, "/empty/f", 10).unwrap(), b"G");
    // An open file follows its renamed dirent.
    let f = v.open(ctx, "/empty/f", OpenFlags::READ, 0).unwrap();
    v.rename(ctx, "/empty", "/moved").unwrap();
    assert_eq!(v.read(ctx, f, 10).unwrap(), b"G");
    assert_eq!(names(&mut v, ctx, "/"), ["full", "mnt", "moved"]);
}

#[test]
fn symlink_and_readlink() {
    let (mut v, ctx) = ns();
    v.symlink(ctx, "../d/f", "/empty/rel").unwrap();
    v.symlink(ctx, "/nowhere", "/dangling").unwrap();
    assert_eq!(v.readlink(ctx, "/empty/rel").unwrap(), "../d/f");
    assert_eq!(v.read_file(ctx, "/empty/rel", 10).unwrap(), b"hello");
    assert_eq!(errno(v.readlink(ctx, "/d/f")), Errno::EINVAL);
    assert_eq!(errno(v.read_file(ctx, "/dangling", 10)), Errno::ENOENT);
    assert_eq!(errno(v.symlink(ctx, "x", "/d/f")), Errno::EEXIST);
    assert_eq!(errno(v.symlink(ctx, "", "/e")), Errno::ENOENT);
    // Creating through a dangling link's parent is fine; O_CREAT through the
    // link follows it to a missing parent.
    assert_eq!(
        errno(v.write_file(ctx, "/dangling", b"x", false)),
        Errno::ENOENT
    );
    // O_NOFOLLOW on a symlink.
    let nofollow = OpenFlags {
        read: true,
        no_follow: true,
        ..OpenFlags::default()
    };
    assert_eq!(errno(v.open(ctx, "/empty/rel", nofollow, 0)), Errno::ELOOP);
}

#[test]
fn hard_links_share_data_and_count() {
    let (mut v, ctx) = ns();
    v.link(ctx, "/d/f", "/empty/f2").unwrap();
    assert_eq!(v.stat(ctx, "/d/f", true).unwrap().nlink, 2);
    v.write_file(ctx, "/empty/f2", b"shared", false).unwrap();
    assert_eq!(v.read_file(ctx, "/d/f", 10).unwrap(), b"shared");
    assert_eq!(
        v.stat(ctx, "/d/f", true).unwrap().ino,
        v.stat(ctx, "/empty/f2", true).unwrap().ino
    );
    v.remove(ctx, "/d/f", false).unwrap();
    assert_eq!(v.stat(ctx, "/empty/f2", true).unwrap().nlink, 1);
    assert_eq!(v.read_file(ctx, "/empty/f2", 10).unwrap(), b"shared");
    assert_eq!(errno(v.link(ctx, "/d", "/dl")), Errno::EPERM);
    assert_eq!(errno(v.link(ctx, "/empty/f2", "/d/sub")), Errno::EEXIST);
    assert_eq!(errno(v.link(ctx, "/nope", "/x")), Errno::ENOENT);
    let t = fs::mount(&mut v, "tmpfs", "none", RW, "").unwrap();
    v.mkdir(ctx, "/mnt", 0o755).unwrap();
    let at = v.lookup(ctx, "/mnt", true).unwrap();
    v.mount(at, t).unwrap();
    assert_eq!(errno(v.link(ctx, "/empty/f2", "/mnt/x")), Errno::EXDEV);
}

#[test]
fn chmod_chown_utimes() {
    let (mut v, ctx) = ns();
    v.chmod(ctx, "/d/f", 0o4755).unwrap();
    assert_eq!(v.stat(ctx, "/d/f", true).unwrap().mode, 0o104755);
    // Only the permission bits are taken.
    v.chmod(ctx, "/d", 0o170700).unwrap();
    assert_eq!(v.stat(ctx, "/d", true).unwrap().mode, 0o040700);
    let c0 = v.stat(ctx, "/d/f", true).unwrap().ctime;
    v.chown(ctx, "/d/f", 1, 2).unwrap();
    v.utimes(ctx, "/d/f", 10, 20).unwrap();
    let st = v.stat(ctx, "/d/f", true).unwrap();
    assert_eq!((st.uid, st.gid, st.atime, st.mtime), (1, 2, 10, 20));
    assert!(st.ctime > c0, "ctime moves on every change");
    assert_eq!(errno(v.chmod(ctx, "/nope", 0o644)), Errno::ENOENT);
    // A write sets mtime to the (logical) clock again.
    v.write_file(ctx, "/d/f", b"x", true).unwrap();
    assert_ne!(v.stat(ctx, "/d/f", true).unwrap().mtime, 20);
}

#[test]
fn path_syntax_errors() {
    let (mut v, ctx) = ns();
    assert_eq!(errno(v.stat(ctx, "", true)), Errno::ENOENT);
    assert_eq!(errno(v.stat(ctx, "/d\0", true)), Errno::EINVAL);
    let huge = format!("/{}", "a/".repeat(2100));
    assert_eq!(errno(v.stat(ctx, &huge, true)), Errno::ENAMETOOLONG);
    // Trailing slashes and dots are harmless on directories.
    assert!(v.stat(ctx, "/d/./sub/", true).is_ok());
    assert!(v.stat(ctx, "//d//sub", true).is_ok());
}

#[test]
fn create_and_remove_loops_do_not_grow_the_arena() {
    let (mut v, ctx) = ns();
    v.collect_garbage();
    let before = v.stats();
    for i in 0..50 {
        let p = format!("/empty/tmp{i}");
        v.write_file(ctx, &p, b"x", false).unwrap();
        v.remove(ctx, &p, false).unwrap();
    }
    let after = v.stats();
    assert_eq!(after.inodes, before.inodes);
    assert_eq!(after.dirents, before.dirents);
    assert_eq!(after.open_files, 0);
}
