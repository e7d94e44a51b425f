//! The mount namespace (`pkg/sentry/fs/mounts.go`): mount, unmount, path resolution
//! with a whole-path symlink budget, and executable lookup.

use super::inode::InodeId;
use super::mount_source::{MountSourceFlags, MsrcId};
use super::perm::PermMask;
use super::{Ctx, DirentId, Vfs};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::util::path::{join, split_first};
use serde::Serialize;

pub use super::dirent::NAME_MAX;

/// `linux.MaxSymlinkTraversals`: the budget for executable lookup.
pub use crate::limits::MAX_SYMLINK_TRAVERSALS;

/// One mount as `/proc/[pid]/mounts` and `mountinfo` see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountInfo {
    pub id: u64,
    pub parent_id: u64,
    /// `FullName(taskRoot)` of the mount root.
    pub path: String,
    pub fs_name: String,
    pub flags: MountSourceFlags,
    pub major: u32,
    pub minor: u32,
    #[serde(skip)]
    pub msrc: MsrcId,
    #[serde(skip)]
    pub root: DirentId,
}

impl Vfs {
    /// `fs.NewMountNamespace(root)`: the root dirent is named `/`, its mount
    /// source gets id 1 and the next id is 2.
    pub fn create_namespace(&mut self, root_inode: InodeId) -> Result<DirentId> {
        let msrc = self.ino(root_inode)?.msrc;
        let d = self.new_dirent("/", None, root_inode);
        self.dirent_mut(d)?.mounted = true;
        let m = self.msrcs.get_mut(msrc).ok_or(Errno::ESTALE)?;
        m.root = Some(d);
        m.id = 1;
        self.ns_root = Some(d);
        self.mounts.clear();
        self.next_mount_id = 2;
        Ok(d)
    }

    /// The namespace root dirent.
    pub fn namespace_root(&self) -> Result<DirentId> {
        self.ns_root.ok_or_else(|| Error::msg("no mount namespace"))
    }

    /// `MountNamespace.Mount(node, inode)`: covers `node` with `inode`. The
    /// namespace root gives EBUSY and a symlink inode EINVAL; a second mount
    /// at the same place stacks on the first.
    pub fn mount(&mut self, node: DirentId, inode: InodeId) -> Result<DirentId> {
        let (name, parent, node_inode) = {
            let n = self.dirent(node)?;
            (n.name.clone(), n.parent, n.inode)
        };
        let Some(parent) = parent else {
            return Err(Errno::EBUSY.into());
        };
        if self.dirent(node)?.deleted {
            return Err(Errno::ENOENT.into());
        }
        if self.file_type(inode) == super::FileType::Symlink {
            return Err(Errno::EINVAL.into());
        }
        let replacement = self.new_dirent(&name, Some(parent), inode);
        self.dirent_mut(replacement)?.mounted = true;
        self.dirent_mut(parent)?.children.insert(name, replacement);

        let parent_msrc = self.ino(node_inode)?.msrc;
        let child_msrc = self.ino(inode)?.msrc;
        let id = self.next_mount_id;
        self.next_mount_id += 1;
        if let Some(p) = self.msrcs.get_mut(parent_msrc) {
            p.children.push(child_msrc);
        }
        let c = self.msrcs.get_mut(child_msrc).ok_or(Errno::ESTALE)?;
        c.parent = Some(parent_msrc);
        c.root = Some(replacement);
        c.id = id;

        let stack = match self.mounts.remove(&node) {
            Some(mut s) => {
                s.push(node);
                s
            }
            None => vec![node],
        };
        self.mounts.insert(replacement, stack);
        Ok(replacement)
    }

    /// `MountNamespace.Unmount(node, detachOnly)`: EINVAL when `node` is not a
    /// mount root; without `detach_only`, EBUSY while files are open inside.
    /// The covered dirent comes back. Call [`Vfs::collect_garbage`] to free
    /// what was detached.
    pub fn unmount(&mut self, node: DirentId, detach_only: bool) -> Result<()> {
        // gVisor `MountNamespace.Unmount` looks `node` up in `mns.mounts`
        // first; the namespace root is never in that map, so it is EINVAL
        // like any other non-mount.
        if !self.mounts.contains_key(&node) {
            return Err(Errno::EINVAL.into());
        }
        let parent = self.dirent(node)?.parent.ok_or(Errno::EINVAL)?;
        let Some(mut origs) = self.mounts.remove(&node) else {
            return Err(Errno::EINVAL.into());
        };
        let inode = self.dirent(node)?.inode;
        let msrc = self.ino(inode)?.msrc;
        if !detach_only && self.open_files_under(node) {
            self.mounts.insert(node, origs);
            return Err(Errno::EBUSY.into());
        }
        let Some(original) = origs.pop() else {
            return Err(Error::fatal("cannot unmount initial dirent"));
        };
        if let Some(pm) = self.msrcs.get(msrc).and_then(|m| m.parent) {
            if let Some(p) = self.msrcs.get_mut(pm) {
                p.children.retain(|c| *c != msrc);
            }
        }
        if let Some(m) = self.msrcs.get_mut(msrc) {
            m.parent = None;
            m.root = None;
        }
        let name = self.dirent(node)?.name.clone();
        self.dirent_mut(parent)?.children.insert(name, original);
        if !origs.is_empty() {
            self.mounts.insert(original, origs);
        }
        Ok(())
    }

    /// True when `d` is a mount root in this namespace.
    pub fn is_mount_root(&self, d: DirentId) -> bool {
        self.mounts.contains_key(&d) || self.ns_root == Some(d)
    }

    /// `MountSource.Submounts()`: every mount below `msrc`, depth first.
    pub fn submounts(&self, msrc: MsrcId) -> Vec<MsrcId> {
        let mut out = Vec::new();
        let mut stack: Vec<MsrcId> = self
            .msrcs
            .get(msrc)
            .map(|m| m.children.iter().rev().copied().collect())
            .unwrap_or_default();
        while let Some(m) = stack.pop() {
            out.push(m);
            if let Some(ms) = self.msrcs.get(m) {
                stack.extend(ms.children.iter().rev().copied());
            }
        }
        out
    }

    /// The mounts a task rooted at `task_root` sees, sorted by id, with
    /// paths relative to its root (`pkg/sentry/fs/proc/mounts.go forEachMountSource`).
    pub fn mount_table(&self, task_root: DirentId) -> Vec<MountInfo> {
        let Some(root_msrc) = self
            .dirents
            .get(task_root)
            .and_then(|d| self.inodes.get(d.inode))
            .map(|i| i.msrc)
        else {
            return Vec::new();
        };
        let mut all = self.submounts(root_msrc);
        all.push(root_msrc);
        // Sort the (id, source) pairs, not the finished rows: a stable sort
        // by id either way, without moving every MountInfo around.
        let mut keyed: Vec<(u64, MsrcId)> = all
            .into_iter()
            .filter_map(|m| self.msrcs.get(m).map(|ms| (ms.id, m)))
            .collect();
        keyed.sort_by_key(|(id, _)| *id);
        let mut out = Vec::with_capacity(keyed.len());
        for (_, m) in keyed {
            let Some(ms) = self.msrcs.get(m) else {
                continue;
            };
            let Some(root) = ms.root else { continue };
            let (path, reachable) = self.full_name(root, task_root);
            if !reachable {
                continue;
            }
            let parent_id = ms
                .parent
                .and_then(|p| self.msrcs.get(p))
                .map(|p| p.id)
                .unwrap_or(ms.id);
            // Only a device has numbers; checking the type first keeps a
            // full `stat` (which counts a directory's subdirectories) off
            // every mount root.
            let (major, minor) = self
                .dirents
                .get(root)
                .filter(|d| self.file_type(d.inode) == super::FileType::CharDevice)
                .and_then(|d| self.stat_inode(d.inode).ok())
                .map(|s| (s.rdev_major, s.rdev_minor))
                .unwrap_or((0, 0));
            out.push(MountInfo {
                id: ms.id,
                parent_id,
                path,
                fs_name: ms.fs_name.clone(),
                flags: ms.flags,
                major,
                minor,
                msrc: m,
                root,
            });
        }
        out
    }

    /// `MountNamespace.FindLink(root, wd, path, &remaining)`: walks `path`
    /// without resolving a final symlink. Intermediate symlinks draw on the
    /// same budget as the whole path; 0 means any symlink gives ELOOP.
    pub fn find_link(
        &mut self,
        root: DirentId,
        wd: Option<DirentId>,
        path: &str,
        remaining: &mut u32,
    ) -> Result<DirentId> {
        if path.is_empty() {
            return Err(Error::fatal("MountNamespace.FindLink: path is empty"));
        }
        let (mut first, mut rest) = split_first(path);
        let mut current = wd.unwrap_or(root);
        while first == "/" {
            if rest.is_empty() {
                return Ok(root);
            }
            current = root;
            (first, rest) = split_first(rest);
        }
        loop {
            if current != root {
                let inode = self.dirent(current)?.inode;
                if !self.is_dir(inode) {
                    return Err(Errno::ENOTDIR.into());
                }
                self.check_permission(inode, PermMask::EXEC)?;
            }
            let next = self.walk_child(current, root, first)?;
            if rest.is_empty() {
                return Ok(next);
            }
            current = self.resolve(root, next, remaining)?;
            (first, rest) = split_first(rest);
        }
    }

    /// `MountNamespace.FindInode`: `find_link`, then resolve a final symlink.
    pub fn find_inode(
        &mut self,
        root: DirentId,
        wd: Option<DirentId>,
        path: &str,
        remaining: &mut u32,
    ) -> Result<DirentId> {
        let d = self.find_link(root, wd, path, remaining)?;
        self.resolve(root, d, remaining)
    }

    /// `MountNamespace.resolve`: follows `node` if it is a symlink, relative
    /// to its parent, charging one traversal.
    fn resolve(&mut self, root: DirentId, node: DirentId, remaining: &mut u32) -> Result<DirentId> {
        let inode = self.dirent(node)?.inode;
        if self.file_type(inode) != super::FileType::Symlink {
            return Ok(node);
        }
        if *remaining == 0 {
            return Err(Errno::ELOOP.into());
        }
        let target = self.readlink_inode(inode)?;
        *remaining -= 1;
        let parent = self.dirent(node)?.parent;
        if target.is_empty() {
            return Err(Errno::ENOENT.into());
        }
        self.find_inode(root, parent, &target, remaining)
    }

    /// `MountNamespace.ResolveExecutablePath(ctx, wd, name, paths)` with the
    /// process root of `ctx`.
    pub fn resolve_executable_path(
        &mut self,
        ctx: Ctx,
        wd: &str,
        name: &str,
        paths: &[String],
    ) -> Result<String> {
        if name.starts_with('/') {
            return Ok(name.to_string());
        }
        if name.find('/').is_some_and(|i| i > 0) {
            let wd = if wd.is_empty() { "/" } else { wd };
            if !wd.starts_with('/') {
                // Go's `%q`, not Rust's `{:?}` (they differ on control bytes).
                return Err(Error::msg(format!(
                    "working directory {} must be absolute",
                    crate::gostr::quote(wd)
                )));
            }
            return Ok(join(wd, name));
        }
        for p in paths {
            let bin_path = join(p, name);
            let mut traversals = MAX_SYMLINK_TRAVERSALS;
            let d = match self.find_inode(ctx.root, None, &bin_path, &mut traversals) {
                Ok(d) => d,
                Err(e) if e.is(Errno::ENOENT) || e.is(Errno::EACCES) => continue,
                Err(e) => return Err(e),
            };
            let inode = self.dirent(d)?.inode;
            if self.check_permission(inode, PermMask::READ_EXEC).is_err() {
                continue;
            }
            return Ok(join("/", &join(p, name)));
        }
        Err(Errno::ENOENT.into())
    }

    /// True when an open file refers to a dirent at or below `d`.
    pub(crate) fn open_files_under(&self, d: DirentId) -> bool {
        self.files
            .values()
            .any(|f| self.is_descendant_of(f.dirent, d))
    }
}

impl Vfs {
    /// A Linux bind mount's root (`mount --bind`, fs/namespace.c
    /// `do_loopback`), for the runc engine: a new mount source with its own
    /// `flags` over the very inodes below `source`, so reads show the
    /// source's files and writes land in them, while a read-only bind is
    /// EROFS without touching the source. Built as an upper-only overlay
    /// (no lower: nothing is ever copied up); a source that is itself such a
    /// bind is unwrapped, so binds of binds share the same inodes.
    pub fn new_bind_root(
        &mut self,
        source: InodeId,
        fs_name: &str,
        device: &str,
        flags: MountSourceFlags,
    ) -> Result<InodeId> {
        let source = match self.overlay_entry(source) {
            Some(super::OverlayEntry {
                upper: Some(u),
                lower: None,
                ..
            }) => u,
            Some(_) => return Err(Errno::EINVAL.into()),
            None => source,
        };
        let src_msrc = self.ino(source)?.msrc;
        let msrc = self.msrcs.insert(super::MountSource::new(
            fs_name,
            device,
            "",
            flags,
            super::MsrcKind::Overlay {
                upper: src_msrc,
                lower: src_msrc,
            },
        ));
        let entry = super::OverlayEntry {
            upper: Some(source),
            lower: None,
            lower_exists: false,
        };
        Ok(self.alloc_inode(msrc, 0, super::Node::Overlay(entry)))
    }

    /// Sets a mount source's flags (a Linux remount changes them in place).
    pub fn set_mount_flags(&mut self, msrc: MsrcId, flags: MountSourceFlags) -> Result<()> {
        self.msrcs.get_mut(msrc).ok_or(Errno::ESTALE)?.flags = flags;
        Ok(())
    }
}
