use mountlab::fs;
use mountlab::vfs::{Ctx, MountSourceFlags, Vfs};

#[test]
fn default_like_namespace_prints_proc_mounts() {
    let mut v = Vfs::new();
    let f = MountSourceFlags::default();
    let upper = fs::new_tmpfs(&mut v, "none", f);
    let stubs = fs::make_directory_tree(
        &mut v,
        &[
            "proc".into(),
            "sys".into(),
            "tmp".into(),
            "dev".into(),
            "__runsc_containers__".into(),
        ],
    )
    .unwrap();
    let root = v.new_overlay_root(upper, stubs, f).unwrap();
    let r = v.create_namespace(root).unwrap();
    let ctx = Ctx::at(r);
    for (fsname, dest) in [("proc", "/proc"), ("sysfs", "/sys"), ("tmpfs", "/tmp")] {
        let i = fs::mount(&mut v, fsname, "none", f, "").unwrap();
        let mut budget = 0;
        let d = v.find_inode(r, None, dest, &mut budget).unwrap();
        v.mount(d, i).unwrap();
    }
    let dev = fs::mount(&mut v, "devtmpfs", "none", f, "").unwrap();
    let pts_stub = fs::make_directory_tree(&mut v, &["pts".into()]).unwrap();
    let dev = v.new_overlay_root(dev, pts_stub, f).unwrap();
    let d = v.find_inode(r, None, "/dev", &mut 0).unwrap();
    v.mount(d, dev).unwrap();
    let pts = fs::mount(&mut v, "devpts", "none", f, "").unwrap();
    let d = v.find_inode(r, None, "/dev/pts", &mut 0).unwrap();
    v.mount(d, pts).unwrap();
    let c = fs::mount(&mut v, "tmpfs", "none", f, "").unwrap();
    let d = v
        .find_inode(r, None, "/__runsc_containers__", &mut 0)
        .unwrap();
    v.mount(d, c).unwrap();
    let text = String::from_utf8(v.read_file(ctx, "/proc/mounts", 1 << 20).unwrap()).unwrap();
    assert_eq!(
        text,
        "none / overlayfs rw 0 0\nnone /proc proc rw 0 0\nnone /sys sysfs rw 0 0\nnone /tmp tmpfs rw 0 0\nnone /dev overlayfs rw 0 0\nnone /dev/pts devpts rw 0 0\nnone /__runsc_containers__ tmpfs rw 0 0\n"
    );
    let info =
        String::from_utf8(v.read_file(ctx, "/proc/self/mountinfo", 1 << 20).unwrap()).unwrap();
    assert!(
        info.starts_with("1 1 0:0 / / rw - overlayfs none rw\n2 1 0:0 / /proc rw - proc none rw\n"),
        "{info}"
    );
    assert!(info.contains("6 5 0:0 / /dev/pts rw - devpts none rw\n7 1 0:0 / /__runsc_containers__ rw - tmpfs none rw\n"), "{info}");
    let names: Vec<String> = v
        .readdir(ctx, "/dev")
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(
        names,
        [
            "fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr", "stdin", "stdout",
            "urandom", "zero"
        ]
    );
    v.write_file(ctx, "/etc/hostname", b"x", false).unwrap_err();
    v.mkdir_all(ctx, "/etc", 0o755).unwrap();
    v.write_file(ctx, "/etc/hostname", b"sandbox\n", false)
        .unwrap();
    assert_eq!(
        v.read_file(ctx, "/etc/hostname", 100).unwrap(),
        b"sandbox\n"
    );
}
