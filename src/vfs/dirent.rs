//! Dirents: the cached name tree (`pkg/sentry/fs/dirent.go`).
//!
//! A dirent names an inode under a parent. Mounting replaces a dirent in its
//! parent's child map with a new one for the mounted inode (`Dirent.mount`), so
//! walks see the mount and `..` from a mount root lands in the parent of the
//! mount point.

use super::inode::InodeId;
use super::{DirentId, Vfs};
use crate::errno::Errno;
use crate::error::Result;
use crate::util::FastMap;

/// Linux `NAME_MAX`: the longest single component.
pub use crate::limits::MAX_NAME_BYTES as NAME_MAX;

/// One cached name.
#[derive(Clone, Debug)]
pub struct Dirent {
    pub name: String,
    pub parent: Option<DirentId>,
    pub inode: InodeId,
    /// Cached children by name; a mount root replaces the dirent it covers.
    pub children: FastMap<String, DirentId>,
    /// True for a mount root (a replacement dirent made by `mount`).
    pub mounted: bool,
    /// Set once the name was unlinked; `FullName` then appends ` (deleted)`.
    pub deleted: bool,
}

impl Vfs {
    pub(crate) fn dirent(&self, d: DirentId) -> Result<&Dirent> {
        self.dirents.get(d).ok_or_else(|| Errno::ESTALE.into())
    }

    pub(crate) fn dirent_mut(&mut self, d: DirentId) -> Result<&mut Dirent> {
        self.dirents.get_mut(d).ok_or_else(|| Errno::ESTALE.into())
    }

    /// The inode a dirent names.
    pub fn dirent_inode(&self, d: DirentId) -> Result<InodeId> {
        Ok(self.dirent(d)?.inode)
    }

    /// The name and parent of a dirent.
    pub fn dirent_name(&self, d: DirentId) -> Option<(&str, Option<DirentId>)> {
        self.dirents.get(d).map(|x| (x.name.as_str(), x.parent))
    }

    /// A new dirent with no cached children.
    pub(crate) fn new_dirent(
        &mut self,
        name: &str,
        parent: Option<DirentId>,
        inode: InodeId,
    ) -> DirentId {
        self.dirents.insert(Dirent {
            name: name.to_string(),
            parent,
            inode,
            children: FastMap::default(),
            mounted: false,
            deleted: false,
        })
    }

    /// `Dirent.Walk(root, name)`: one component. `""` and `.` stay, `..` goes
    /// to the parent but never above `root`, anything else is looked up and
    /// cached.
    pub(crate) fn walk_child(
        &mut self,
        d: DirentId,
        root: DirentId,
        name: &str,
    ) -> Result<DirentId> {
        match name {
            "" | "." => return Ok(d),
            ".." => {
                if d == root {
                    return Ok(d);
                }
                return Ok(self.dirent(d)?.parent.unwrap_or(d));
            }
            _ => {}
        }
        if name.len() > NAME_MAX {
            return Err(Errno::ENAMETOOLONG.into());
        }
        let parent = self.dirent(d)?;
        if parent.deleted {
            return Err(Errno::ENOENT.into());
        }
        let dir_inode = parent.inode;
        if let Some(&c) = parent.children.get(name) {
            let Some(cached) = self.dirents.get(c) else {
                return Err(Errno::ESTALE.into());
            };
            if cached.mounted {
                return Ok(c);
            }
            let child_inode = cached.inode;
            if self.cached_child_valid(dir_inode, name, child_inode)? {
                return Ok(c);
            }
            // The gofer's file changed or vanished: drop the stale dirent
            // (open files keep it, marked deleted) and look the name up again.
            self.uncache_child(d, name)?;
        }
        let child_inode = self.lookup_inode(dir_inode, name)?;
        let child = self.new_dirent(name, Some(d), child_inode);
        self.dirent_mut(d)?.children.insert(name.to_string(), child);
        Ok(child)
    }

    /// Caches a freshly created child under `d`.
    pub(crate) fn cache_child(
        &mut self,
        d: DirentId,
        name: &str,
        inode: InodeId,
    ) -> Result<DirentId> {
        let child = self.new_dirent(name, Some(d), inode);
        self.dirent_mut(d)?.children.insert(name.to_string(), child);
        Ok(child)
    }

    /// Drops `name` from `d`'s cache and marks the old child deleted.
    pub(crate) fn uncache_child(&mut self, d: DirentId, name: &str) -> Result<()> {
        if let Some(c) = self.dirent_mut(d)?.children.remove(name) {
            if let Some(child) = self.dirents.get_mut(c) {
                child.deleted = true;
            }
        }
        Ok(())
    }

    /// True when `d` is `anc` or below it in the dirent tree.
    pub fn is_descendant_of(&self, d: DirentId, anc: DirentId) -> bool {
        let mut cur = Some(d);
        while let Some(c) = cur {
            if c == anc {
                return true;
            }
            cur = self.dirents.get(c).and_then(|x| x.parent);
        }
        false
    }

    /// `Dirent.FullName(root)`: the path of `d` as seen from `root`, with
    /// ` (deleted)` appended for an unlinked dirent. The second value is false
    /// when `d` is not below `root` (the name is then from the tree's top).
    pub fn full_name(&self, d: DirentId, root: DirentId) -> (String, bool) {
        let mut parts: Vec<&str> = Vec::new();
        let mut cur = d;
        let mut reachable = false;
        loop {
            if cur == root {
                reachable = true;
                break;
            }
            let Some(x) = self.dirents.get(cur) else {
                break;
            };
            match x.parent {
                Some(p) => {
                    parts.push(&x.name);
                    cur = p;
                }
                None => break,
            }
        }
        let mut s = String::new();
        for p in parts.iter().rev() {
            s.push('/');
            s.push_str(p);
        }
        if s.is_empty() {
            s.push('/');
        }
        if self.dirents.get(d).is_some_and(|x| x.deleted) {
            s.push_str(" (deleted)");
        }
        (s, reachable)
    }
}
