//! tmpfs (`pkg/sentry/fs/tmpfs/fs.go`): an in-memory filesystem with no size limit whose
//! root takes `mode`, `uid` and `gid` from the mount data.

use super::options::{generic_mount_source_options, go_map};
use crate::error::{Error, Result};
use crate::gostr::{parse_int, parse_uint, quote};
use crate::vfs::{InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// The root directory's default permissions: 0777, no sticky bit.
const ROOT_DEFAULT_PERMS: u32 = 0o777;
/// `modeMask`: only permission bits and sticky are accepted.
const MODE_MASK: u64 = 0o1777;

/// `Filesystem.Mount` of tmpfs.
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags, data: &str) -> Result<InodeId> {
    let mut options = generic_mount_source_options(data);
    let mut perms = ROOT_DEFAULT_PERMS;
    if let Some(m) = options.remove("mode") {
        let i = parse_uint(&m, 8, 32)
            .map_err(|e| Error::msg(format!("mode value not parsable 'mode={m}': {}", e.text)))?;
        if i & !MODE_MASK != 0 {
            return Err(Error::msg(format!(
                "invalid mode {}: must be less than {:o}",
                quote(&m),
                MODE_MASK
            )));
        }
        perms = i as u32;
    }
    let mut uid = 0u32;
    if let Some(s) = options.remove("uid") {
        // gVisor prints the value ParseInt returned, not the text given.
        let v = parse_int(&s, 10, 32).map_err(|e| {
            Error::msg(format!(
                "uid value not parsable 'uid={}': {}",
                e.value, e.text
            ))
        })?;
        uid = v as u32;
    }
    let mut gid = 0u32;
    if let Some(s) = options.remove("gid") {
        let v = parse_int(&s, 10, 32).map_err(|e| {
            Error::msg(format!(
                "gid value not parsable 'gid={}': {}",
                e.value, e.text
            ))
        })?;
        gid = v as u32;
    }
    if !options.is_empty() {
        return Err(Error::msg(format!(
            "unsupported mount options: {}",
            go_map(&options)
        )));
    }
    let msrc = vfs.new_mount_source("tmpfs", device, data, flags);
    let root = vfs.alloc_inode(msrc, perms, Node::Dir(BTreeMap::new()));
    vfs.plain_setattr(root, |a| {
        a.uid = uid;
        a.gid = gid;
    })?;
    Ok(root)
}

/// A new, empty tmpfs instance with default options (the `--overlay` uppers).
pub fn new_tmpfs(vfs: &mut Vfs, device: &str, flags: MountSourceFlags) -> InodeId {
    let msrc = vfs.new_mount_source("tmpfs", device, "", flags);
    vfs.alloc_inode(msrc, ROOT_DEFAULT_PERMS, Node::Dir(BTreeMap::new()))
}
