//! The ramfs stub tree (`sfs/ramfs/tree.go` MakeDirectoryTree): empty 0555
//! directories laid under submount points as the *lower* of an overlay.

use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{clean, InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// Stub directories are root-owned and mode 0555 (`emptyDir`).
const STUB_PERMS: u32 = 0o555;

/// `ramfs.MakeDirectoryTree(ctx, msrc, subdirs)` on a fresh non-caching
/// mount source. Every path must be clean and neither `""` nor `"/"`;
/// duplicates merge.
pub fn make_directory_tree(vfs: &mut Vfs, subdirs: &[String]) -> Result<InodeId> {
    for s in subdirs {
        if clean(s) != *s {
            return Err(Error::msg(format!(
                "cannot add subdir at an unclean path: {}",
                quote(s)
            )));
        }
        if s.is_empty() || s == "/" {
            return Err(Error::msg(format!("cannot add subdir at {}", quote(s))));
        }
    }
    let msrc = vfs.new_mount_source("ramfs", "none", "", MountSourceFlags::default());
    let root = vfs.alloc_inode(msrc, STUB_PERMS, Node::Dir(BTreeMap::new()));
    for s in subdirs {
        let mut dir = root;
        for comp in s.split('/').filter(|c| !c.is_empty()) {
            dir = match vfs.lookup_inode(dir, comp) {
                Ok(existing) => existing,
                Err(_) => vfs.plain_create(dir, comp, STUB_PERMS, Node::Dir(BTreeMap::new()))?,
            };
        }
    }
    Ok(root)
}
