//! devtmpfs (`pkg/sentry/fs/dev/dev.go` New): the fixed `/dev` of a sandbox. Image
//! `/dev` contents are hidden; there is no `/dev/tty` or `/dev/console`.
//! The root and `pts` are `ramfs.Dir`s without `CreateOps`, so nothing can
//! be created in them (EACCES); `shm` is a tmpfs directory and can.

use super::ramfs::deny_creates;
use crate::vfs::{Device, DirCreate, InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// A new devtmpfs instance: a 0555 root holding the standard entries.
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags) -> InodeId {
    let msrc = vfs.new_mount_source("devtmpfs", device, "", flags);
    let root = vfs.alloc_inode(msrc, 0o555, Node::Dir(BTreeMap::new()));
    let entries: [(&str, u32, Node); 12] = [
        ("fd", 0o777, Node::Symlink("/proc/self/fd".into())),
        ("stdin", 0o777, Node::Symlink("/proc/self/fd/0".into())),
        ("stdout", 0o777, Node::Symlink("/proc/self/fd/1".into())),
        ("stderr", 0o777, Node::Symlink("/proc/self/fd/2".into())),
        ("null", 0o666, Node::CharDev(Device::Null)),
        ("zero", 0o666, Node::CharDev(Device::Zero)),
        ("full", 0o666, Node::CharDev(Device::Full)),
        ("random", 0o444, Node::CharDev(Device::Random)),
        ("urandom", 0o444, Node::CharDev(Device::URandom)),
        // A tmpfs directory inside devtmpfs, not a separate mount.
        ("shm", 0o777, Node::Dir(BTreeMap::new())),
        // Empty directory for devpts to be mounted over.
        ("pts", 0o555, Node::Dir(BTreeMap::new())),
        ("ptmx", 0o777, Node::Symlink("pts/ptmx".into())),
    ];
    let mut denying = vec![root];
    for (name, perms, node) in entries {
        // Names are fixed and the root is fresh, so insertion cannot clash.
        let made = vfs.plain_create(root, name, perms, node);
        if let (Ok(d), "pts") = (made, name) {
            // `newDirectory`: a bare ramfs.Dir.
            denying.push(d);
        }
    }
    deny_creates(vfs, &denying, DirCreate::NoCreateOps);
    root
}
