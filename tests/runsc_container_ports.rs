//! Ports of gVisor 3c5eee17's runsc/container tests that decide mounts
//! (container_test.go), run through `engines::runsc::build` instead of a
//! sandbox: what each test checks inside the container is checked on the
//! built namespace.

#[path = "fixtures/runsc/common.rs"]
mod common;
use common::*;
use mountlab::errno::Errno;
use mountlab::vfs::{Ctx, OpenFlags};

/// `TestMountNewDir`: a bind at a new nested directory, with a read-only
/// root ("extra points"): the gofer makes the mount point on the host
/// before the root is remounted read-only, and `ls` of it works.
#[test]
fn test_mount_new_dir() {
    let s = spec(
        r#"[{"destination":"/root/dir/anotherdir","type":"bind","source":"/root/src/dir/anotherdir"}]"#,
        r#""root":{"path":"rootfs","readonly":true}"#,
    );
    for conf in overlay_settings() {
        let mut r = run_with(&s, &conf, &image(), &[]);
        ok(&r);
        assert!(ls(&mut r, "/root/dir/anotherdir").is_empty());
    }
}

/// `TestReadonlyMount`: an `ro` bind shows `ro` in the mount table and
/// refuses new files.
#[test]
fn test_readonly_mount() {
    let s = spec(
        r#"[{"destination":"/ro-mount","type":"bind","source":"/ro-mount","options":["ro"]}]"#,
        "",
    );
    for conf in overlay_settings() {
        let mut r = run_with(&s, &conf, &image(), &[]);
        ok(&r);
        let line = r
            .proc_mounts()
            .into_iter()
            .find(|l| l.starts_with("none /ro-mount "))
            .unwrap();
        assert!(line.starts_with("none /ro-mount 9p ro,"), "{line}");
        let root = r.root.unwrap();
        let e = r
            .vfs
            .open(
                Ctx::at(root),
                "/ro-mount/file",
                OpenFlags::create_truncate(),
                0o644,
            )
            .unwrap_err();
        assert!(e.is(Errno::EROFS), "{e}");
    }
}

/// `TestMountSymlink`: a bind whose destination is a symlink is mounted
/// where the link points, so the source's file is at the target.
#[test]
fn test_mount_symlink() {
    let img = tree(
        r#"{"bin/sh": "", "tmp": {"type":"dir"}, "dir/target": {"type":"dir"},
            "dir/link": {"type":"symlink","target":"/dir/target"}}"#,
    );
    let s = spec(
        r#"[{"destination":"/dir/link","type":"bind","source":"/dir/source"}]"#,
        "",
    );
    for conf in [overlay2("root:self"), overlay2("none")] {
        let mut r = run_with(&s, &conf, &img, &[("/dir/source", tree(r#"{"file": ""}"#))]);
        ok(&r);
        let root = r.root.unwrap();
        let st = r.vfs.stat(Ctx::at(root), "/dir/target/file", true).unwrap();
        assert_eq!(st.mode & 0o170000, 0o100000);
    }
}
