//! The ramfs stub tree (`pkg/sentry/fs/ramfs/tree.go` MakeDirectoryTree): empty 0555
//! directories laid under submount points as the *lower* of an overlay.

use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{clean, DirCreate, InodeId, MountSourceFlags, Node, Vfs};
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
    let mut dirs = vec![root];
    for s in subdirs {
        let mut dir = root;
        for comp in s.split('/').filter(|c| !c.is_empty()) {
            dir = match vfs.lookup_inode(dir, comp) {
                Ok(existing) => existing,
                Err(_) => {
                    let d = vfs.plain_create(dir, comp, STUB_PERMS, Node::Dir(BTreeMap::new()))?;
                    dirs.push(d);
                    d
                }
            };
        }
    }
    // `emptyDir`: traversable but not writable.
    deny_creates(vfs, &dirs, DirCreate::NoCreateOps);
    Ok(root)
}

/// Marks directories whose gVisor inode operations refuse creations
/// (`ramfs.Dir` built without `CreateOps`, or tty's directory), once the
/// filesystem has laid its own entries in them.
pub(crate) fn deny_creates(vfs: &mut Vfs, dirs: &[InodeId], how: DirCreate) {
    for d in dirs {
        if let Ok(i) = vfs.ino_mut(*d) {
            i.create = how;
        }
    }
}
