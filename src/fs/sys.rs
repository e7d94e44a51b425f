//! sysfs (`pkg/sentry/fs/sys`): the fixed top-level tree runsc's sandbox shows.
//! Every directory is a `ramfs.Dir` without `CreateOps` (`newDir`), so
//! nothing can be created in sysfs (EACCES).

use super::ramfs::deny_creates;
use crate::vfs::{DirCreate, InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// CPUs the simulated kernel reports (`k.ApplicationCores()`).
pub const APPLICATION_CORES: u32 = 2;

/// A new sysfs instance.
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags) -> InodeId {
    let msrc = vfs.new_mount_source("sysfs", device, "", flags);
    let root = vfs.alloc_inode(msrc, 0o555, Node::Dir(BTreeMap::new()));
    let mut dirs = vec![root];
    let mut dir = |vfs: &mut Vfs, parent: InodeId, name: &str| -> InodeId {
        let d = vfs
            .plain_create(parent, name, 0o555, Node::Dir(BTreeMap::new()))
            .unwrap_or(parent);
        dirs.push(d);
        d
    };
    for name in [
        "block", "bus", "dev", "firmware", "fs", "kernel", "module", "power",
    ] {
        dir(vfs, root, name);
    }
    let class = dir(vfs, root, "class");
    dir(vfs, class, "power_supply");
    let devices = dir(vfs, root, "devices");
    let system = dir(vfs, devices, "system");
    let cpu = dir(vfs, system, "cpu");
    // `newPossible` and friends: "0-<maxCore>\n".
    let range = format!("0-{}\n", APPLICATION_CORES - 1);
    for name in ["online", "possible", "present"] {
        let _ = vfs.plain_create(cpu, name, 0o444, Node::File(range.clone().into_bytes()));
    }
    for i in 0..APPLICATION_CORES {
        dir(vfs, cpu, &format!("cpu{i}"));
    }
    deny_creates(vfs, &dirs, DirCreate::NoCreateOps);
    root
}
