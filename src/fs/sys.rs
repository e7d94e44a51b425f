//! sysfs (`sfs/sys`): the fixed top-level tree runsc's sandbox shows.

use crate::vfs::{InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// CPUs the simulated kernel reports (`k.ApplicationCores()`).
pub const APPLICATION_CORES: u32 = 2;

/// A new sysfs instance.
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags) -> InodeId {
    let msrc = vfs.new_mount_source("sysfs", device, "", flags);
    let dir = |vfs: &mut Vfs, parent: InodeId, name: &str| -> InodeId {
        vfs.plain_create(parent, name, 0o555, Node::Dir(BTreeMap::new()))
            .unwrap_or(parent)
    };
    let root = vfs.alloc_inode(msrc, 0o555, Node::Dir(BTreeMap::new()));
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
    root
}
