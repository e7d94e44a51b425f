//! devpts (`pkg/sentry/fs/tty`): a root directory holding `ptmx`. Its
//! `dirInodeOperations` refuse every creation with EACCES.

use super::ramfs::deny_creates;
use crate::errno::Errno;
use crate::error::Result;
use crate::vfs::{Device, DirCreate, InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// A new devpts instance. Any mount data gives EINVAL (runsc passes none).
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags, data: &str) -> Result<InodeId> {
    if !data.is_empty() {
        return Err(Errno::EINVAL.into());
    }
    let msrc = vfs.new_mount_source("devpts", device, data, flags);
    let root = vfs.alloc_inode(msrc, 0o555, Node::Dir(BTreeMap::new()));
    vfs.plain_create(root, "ptmx", 0o666, Node::CharDev(Device::Ptmx))?;
    deny_creates(vfs, &[root], DirCreate::Never);
    Ok(root)
}
