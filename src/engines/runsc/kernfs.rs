//! The kernfs filesystems today's runsc mounts that the 2018 VFS has no
//! exact match for: sysfs with its `fs/cgroup` mount point
//! (pkg/sentry/fsimpl/sys/sys.go creates it whenever a cgroup registry
//! exists, which runsc always has), the sandbox-wide cgroupfs controller
//! roots (`Loader.mountCgroupMounts`, one per `kernel.CgroupCtrls` entry)
//! and cgroup2fs. proc and sys print `dentry_cache_limit=1000` (their
//! `defaultMaxCachedDentries`); cgroupfs prints its controllers; cgroup2
//! prints `nsdelegate` (runsc calls `SetNSDelegate(k, true)` in
//! `setupCgroup2` when `--mount-cgroup-v2` is on).

use super::proc_mounts::KERNFS_DENTRY_CACHE_LIMIT;
use super::vfs_glue::{child_of, create_fixed_dir, msrc_of, set_fs_name};
use crate::error::Result;
use crate::fs;
use crate::vfs::{InodeId, MountSourceFlags, Vfs};

/// `kernel.CgroupCtrls`.
pub const CGROUP_CTRLS: [&str; 7] = [
    "cpu", "cpuacct", "cpuset", "devices", "job", "memory", "pids",
];

/// `MountOptions()` of proc and sys.
pub fn dentry_cache_options() -> String {
    format!("dentry_cache_limit={KERNFS_DENTRY_CACHE_LIMIT}")
}

/// sysfs, with `fs/cgroup`.
pub fn mount_sysfs(vfs: &mut Vfs, flags: MountSourceFlags) -> Result<InodeId> {
    let root = fs::mount(vfs, "sysfs", "none", flags, "")?;
    let fs_dir = child_of(vfs, root, "fs")?;
    create_fixed_dir(vfs, fs_dir, "cgroup", 0o755)?;
    name(vfs, root, "sysfs", &dentry_cache_options());
    Ok(root)
}

/// procfs.
pub fn mount_proc(vfs: &mut Vfs, flags: MountSourceFlags) -> Result<InodeId> {
    let root = fs::mount(vfs, "proc", "none", flags, "")?;
    name(vfs, root, "proc", &dentry_cache_options());
    Ok(root)
}

/// One controller's cgroupfs (a directory tree the app may `mkdir` in).
pub fn mount_cgroup_controller(vfs: &mut Vfs, ctrl: &str) -> Result<InodeId> {
    let root = fs::mount(
        vfs,
        "tmpfs",
        "none",
        MountSourceFlags::default(),
        "mode=0555",
    )?;
    name(vfs, root, "cgroup", ctrl);
    Ok(root)
}

/// A cgroupfs as a spec mount names it (type `cgroup` reaching
/// `getMountNameAndOptions` with its controllers as data).
pub fn mount_cgroup(vfs: &mut Vfs, flags: MountSourceFlags, data: &str) -> Result<InodeId> {
    let root = fs::mount(vfs, "tmpfs", "none", flags, "mode=0555")?;
    name(vfs, root, "cgroup", data);
    Ok(root)
}

/// cgroup2fs.
pub fn mount_cgroup2(vfs: &mut Vfs, flags: MountSourceFlags) -> Result<InodeId> {
    let root = fs::mount(vfs, "tmpfs", "none", flags, "mode=0555")?;
    name(vfs, root, "cgroup2", "nsdelegate");
    Ok(root)
}

fn name(vfs: &mut Vfs, root: InodeId, fs_name: &str, data: &str) {
    if let Some(m) = msrc_of(vfs, root) {
        set_fs_name(vfs, m, fs_name, data);
    }
}
