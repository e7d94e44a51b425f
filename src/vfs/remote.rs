//! Remote files: the interface the VFS owns for a filesystem whose files
//! live elsewhere (the sentry's 9p client, `pkg/sentry/fs/gofer`, which
//! talks to a gofer), and the inode operations that go through it.
//!
//! The VFS keeps, for each remote inode, only what its own walks need (the
//! file's id in the remote filesystem and its type, which never changes);
//! everything else (fids, open handles, cache policy, cached contents) is
//! the remote filesystem's, behind [`RemoteFs`]. The implementation is
//! installed into the [`Vfs`] by whoever mounts the first remote
//! filesystem, so the VFS depends on no filesystem and no protocol.

use super::attr::{Attr, FileType, Stat};
use super::inode::{InodeId, Node};
use super::mount_source::MsrcId;
use super::ops::DirEntry;
use super::Vfs;
use crate::errno::Errno;
use crate::error::Result;
use slotmap::new_key_type;
use std::any::Any;

new_key_type! {
    /// A file of the remote filesystem (for 9p: a walked fid and its state).
    pub struct RemoteId;
}

/// What a remote inode holds in the VFS ([`Node::Remote`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Remote {
    pub id: RemoteId,
    pub file_type: FileType,
}

/// A file the remote filesystem just walked to (or created), for the VFS
/// to make an inode of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RemoteFile {
    pub id: RemoteId,
    pub file_type: FileType,
    pub attr: Attr,
}

/// What to create in a remote directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteCreate<'a> {
    File,
    Dir,
    Symlink(&'a str),
}

/// A filesystem whose files live elsewhere: each method is one inode
/// operation of `pkg/sentry/fs/gofer` (`inodeOperations`), and says in its
/// result what the VFS must change in its own inode (attributes).
pub trait RemoteFs {
    /// `inodeOperations.Lookup`: walks `name` from the directory.
    fn lookup(&mut self, dir: RemoteId, name: &str) -> Result<RemoteFile>;
    /// Whether the file's cached dirents must be checked on every lookup
    /// (the gofer's `cachePolicy.revalidate`).
    fn revalidates(&self, id: RemoteId) -> bool;
    /// `Revalidate` of a cached child: its fresh attributes while `name`
    /// still names the same file, `None` once it changed or vanished.
    fn revalidate(&mut self, dir: RemoteId, name: &str, child: RemoteId) -> Result<Option<Attr>>;
    /// Whether `name` exists in the directory now.
    fn exists(&mut self, dir: RemoteId, name: &str) -> Result<bool>;
    /// The directory's entries, sorted by name, without `.` and `..`.
    fn readdir(&mut self, dir: RemoteId) -> Result<Vec<DirEntry>>;
    /// Fresh attributes before a `stat`, unless the policy caches them.
    fn refresh(&mut self, id: RemoteId) -> Result<Option<Attr>>;
    /// `stat` from what the file holds, with the inode's attributes.
    fn stat(&self, id: RemoteId, attr: &Attr) -> Result<Stat>;
    /// The file's link count.
    fn nlink(&self, id: RemoteId) -> u64;
    /// `Readlink`.
    fn readlink(&mut self, id: RemoteId) -> Result<String>;
    /// Reads up to `len` bytes at `offset`.
    fn read(&mut self, id: RemoteId, offset: u64, len: usize) -> Result<Vec<u8>>;
    /// Writes `data` at `offset` (through to the remote side).
    fn write(&mut self, id: RemoteId, offset: u64, data: &[u8]) -> Result<usize>;
    /// Truncate, chmod, chown, utimes: whether anything changed (then the
    /// inode takes `new`).
    fn setattr(&mut self, id: RemoteId, old: &Attr, new: &Attr, size: Option<u64>) -> Result<bool>;
    /// Creates `name` in the directory and walks to it.
    fn create(
        &mut self,
        dir: RemoteId,
        name: &str,
        perms: u32,
        what: RemoteCreate<'_>,
    ) -> Result<RemoteFile>;
    /// A hard link to `target` under `name`.
    fn link(&mut self, dir: RemoteId, name: &str, target: RemoteId) -> Result<()>;
    /// Removes `name` (a directory when `is_dir`).
    fn remove(&mut self, dir: RemoteId, name: &str, is_dir: bool) -> Result<()>;
    /// Renames within the remote filesystem.
    fn rename(&mut self, old_dir: RemoteId, old: &str, new_dir: RemoteId, new: &str) -> Result<()>;
    /// `Release`: the inode is freed; the file's resources go back.
    fn release(&mut self, id: RemoteId);
    /// For the implementation's own accessors (its type is not the VFS's
    /// business).
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl Vfs {
    /// The remote filesystem (EIO before one is installed: no remote inode
    /// can exist then).
    fn remote_fs(&mut self) -> Result<&mut dyn RemoteFs> {
        match self.remote.as_deref_mut() {
            Some(r) => Ok(r),
            None => Err(Errno::EIO.into()),
        }
    }

    fn remote_fs_ref(&self) -> Result<&dyn RemoteFs> {
        self.remote.as_deref().ok_or_else(|| Errno::EIO.into())
    }

    /// The remote file behind an inode.
    fn remote_of(&self, id: InodeId) -> Result<Remote> {
        self.ino(id)?.remote().ok_or_else(|| Errno::EIO.into())
    }

    /// Frees an inode, giving a remote file's resources back first.
    pub(crate) fn free_inode(&mut self, id: InodeId) {
        if let Some(r) = self.inodes.get(id).and_then(|i| i.remote()) {
            self.remote_release(r);
        }
        self.inodes.remove(id);
    }

    /// A new inode of `msrc` for a file the remote filesystem walked to.
    pub(crate) fn remote_inode(&mut self, msrc: MsrcId, f: RemoteFile) -> InodeId {
        let node = Node::Remote(Remote {
            id: f.id,
            file_type: f.file_type,
        });
        let id = self.alloc_inode(msrc, f.attr.perms, node);
        self.set_attr(id, f.attr);
        id
    }

    fn set_attr(&mut self, id: InodeId, attr: Attr) {
        if let Some(i) = self.inodes.get_mut(id) {
            i.attr = attr;
        }
    }

    pub(crate) fn remote_lookup(&mut self, dir: InodeId, r: Remote, name: &str) -> Result<InodeId> {
        let msrc = self.ino(dir)?.msrc;
        let f = self.remote_fs()?.lookup(r.id, name)?;
        Ok(self.remote_inode(msrc, f))
    }

    /// `MountSource.Revalidate` for a cached child of `parent`: a remote
    /// child under `remote_revalidating` (or `none`) is re-walked; an overlay
    /// child is revalidated through its upper, as the overlay MountSource
    /// delegates to the upper's. Mount roots are never revalidated.
    pub(crate) fn cached_child_valid(
        &mut self,
        parent: InodeId,
        name: &str,
        child: InodeId,
    ) -> Result<bool> {
        match self.ino(child)?.node {
            Node::Remote(c) => {
                if !self.remote_fs_ref()?.revalidates(c.id) {
                    return Ok(true);
                }
                let p = self.remote_of(parent)?;
                self.remote_still_valid(child, p, name, c)
            }
            Node::Overlay(co) => {
                let Some(po) = self.overlay_entry(parent) else {
                    return Ok(true);
                };
                let Some(pu) = po.upper.and_then(|pu| self.revalidating(pu)) else {
                    return Ok(true);
                };
                match co.upper {
                    Some(cu) => match self.ino(cu)?.remote() {
                        Some(c) => self.remote_still_valid(cu, pu, name, c),
                        None => Ok(true),
                    },
                    // Only in the lower (a stub): stale once the host has it.
                    None => Ok(!self.remote_fs()?.exists(pu.id, name)?),
                }
            }
            Node::Dir(_)
            | Node::File(_)
            | Node::Symlink(_)
            | Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_) => Ok(true),
        }
    }

    /// The remote directory `id` is, when its cached children must be
    /// revalidated.
    fn revalidating(&self, id: InodeId) -> Option<Remote> {
        let r = self.remote_of(id).ok()?;
        self.remote_fs_ref().ok()?.revalidates(r.id).then_some(r)
    }

    /// `Revalidate` of a cached remote dirent: true when the remote side
    /// still has the same file under `name` (its attributes are refreshed).
    fn remote_still_valid(
        &mut self,
        child: InodeId,
        dir: Remote,
        name: &str,
        c: Remote,
    ) -> Result<bool> {
        match self.remote_fs()?.revalidate(dir.id, name, c.id)? {
            Some(attr) => {
                self.set_attr(child, attr);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Brings a remote inode's attributes up to date before a `stat`.
    pub(crate) fn remote_refresh(&mut self, id: InodeId) -> Result<()> {
        let Some(r) = self.ino(id)?.remote() else {
            return Ok(());
        };
        if let Some(attr) = self.remote_fs()?.refresh(r.id)? {
            self.set_attr(id, attr);
        }
        Ok(())
    }

    pub(crate) fn remote_stat(&self, id: InodeId, r: Remote) -> Result<Stat> {
        let attr = self.ino(id)?.attr;
        self.remote_fs_ref()?.stat(r.id, &attr)
    }

    pub(crate) fn remote_nlink(&self, r: Remote) -> u64 {
        self.remote_fs_ref().map_or(0, |fs| fs.nlink(r.id))
    }

    pub(crate) fn remote_readlink(&mut self, r: Remote) -> Result<String> {
        self.remote_fs()?.readlink(r.id)
    }

    pub(crate) fn remote_read(&mut self, r: Remote, offset: u64, len: usize) -> Result<Vec<u8>> {
        self.remote_fs()?.read(r.id, offset, len)
    }

    pub(crate) fn remote_readdir(&mut self, r: Remote) -> Result<Vec<DirEntry>> {
        self.remote_fs()?.readdir(r.id)
    }

    /// A write goes through, then the inode's mtime moves.
    pub(crate) fn remote_write(
        &mut self,
        id: InodeId,
        r: Remote,
        offset: u64,
        data: &[u8],
    ) -> Result<usize> {
        let n = self.remote_fs()?.write(r.id, offset, data)?;
        let now = self.tick();
        if let Some(i) = self.inodes.get_mut(id) {
            i.attr.mtime = now;
        }
        Ok(n)
    }

    pub(crate) fn remote_setattr(
        &mut self,
        id: InodeId,
        r: Remote,
        new: Attr,
        size: Option<u64>,
    ) -> Result<()> {
        let old = self.ino(id)?.attr;
        if self.remote_fs()?.setattr(r.id, &old, &new, size)? {
            self.set_attr(id, new);
        }
        Ok(())
    }

    pub(crate) fn remote_create(
        &mut self,
        dir: InodeId,
        r: Remote,
        name: &str,
        perms: u32,
        node: &Node,
    ) -> Result<InodeId> {
        let what = match node {
            Node::Dir(_) => RemoteCreate::Dir,
            Node::Symlink(target) => RemoteCreate::Symlink(target),
            Node::File(_) => RemoteCreate::File,
            Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_)
            | Node::Overlay(_)
            | Node::Remote(_) => return Err(Errno::EPERM.into()),
        };
        let msrc = self.ino(dir)?.msrc;
        let f = self.remote_fs()?.create(r.id, name, perms, what)?;
        Ok(self.remote_inode(msrc, f))
    }

    pub(crate) fn remote_link(&mut self, dir: Remote, name: &str, target: InodeId) -> Result<()> {
        let t = self.remote_of(target)?;
        self.remote_fs()?.link(dir.id, name, t.id)
    }

    pub(crate) fn remote_remove(&mut self, dir: Remote, name: &str, is_dir: bool) -> Result<()> {
        self.remote_fs()?.remove(dir.id, name, is_dir)
    }

    pub(crate) fn remote_rename(
        &mut self,
        old_dir: Remote,
        old: &str,
        new_dir: InodeId,
        new: &str,
    ) -> Result<()> {
        let nd = self.remote_of(new_dir)?;
        self.remote_fs()?.rename(old_dir.id, old, nd.id, new)
    }

    /// `inodeFileState.Release`: a remote inode being freed gives its
    /// resources back (for 9p: clunks its fids, so create/unlink loops do
    /// not run the connection out of fids).
    pub(crate) fn remote_release(&mut self, r: Remote) {
        if let Ok(fs) = self.remote_fs() {
            fs.release(r.id);
        }
    }
}
