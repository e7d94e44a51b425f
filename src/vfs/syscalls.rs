//! Path-level file operations: what the shell, the UI and the 9P server call.
//! Each follows the Linux syscall it is named after, with Linux errnos, and
//! routes overlay nodes through copy-up (`Dirent.Create`, `Dirent.Remove`,
//! `Dirent.Rename`, `overlayGetFile`, ...).

use super::attr::{Attr, FileType, Stat};
use super::file::{FileId, OpenFile, OpenFlags};
use super::inode::{InodeId, Node};
use super::mounts::MAX_SYMLINK_TRAVERSALS;
use super::ops::DirEntry;
use super::perm::PermMask;
use super::{Ctx, DirentId, Vfs};
use crate::errno::Errno;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// The longest path a syscall accepts (`linux.PATH_MAX`).
pub use crate::limits::MAX_PATH_BYTES as PATH_MAX;

/// What to create in [`Vfs::mknod_at`].
enum NewKind<'a> {
    File,
    Dir,
    Symlink(&'a str),
}

impl Vfs {
    /// Resolves `path` for a task, following a final symlink when `follow`.
    pub fn lookup(&mut self, ctx: Ctx, path: &str, follow: bool) -> Result<DirentId> {
        check_path(path)?;
        let mut budget = MAX_SYMLINK_TRAVERSALS;
        if follow {
            self.find_inode(ctx.root, Some(ctx.cwd), path, &mut budget)
        } else {
            self.find_link(ctx.root, Some(ctx.cwd), path, &mut budget)
        }
    }

    /// Splits `path` into its resolved parent directory and final name.
    /// A path whose last component is `/`, `.` or `..` has no name to create.
    fn parent_and_name<'p>(&mut self, ctx: Ctx, path: &'p str) -> Result<(DirentId, &'p str)> {
        check_path(path)?;
        let trimmed = path.trim_end_matches('/');
        if trimmed.is_empty() {
            return Ok((ctx.root, ""));
        }
        let (dir, name) = match trimmed.rfind('/') {
            Some(i) => (&trimmed[..=i], &trimmed[i + 1..]),
            None => ("", trimmed),
        };
        let parent = if dir.is_empty() {
            ctx.cwd
        } else {
            self.lookup(ctx, dir, true)?
        };
        let inode = self.dirent(parent)?.inode;
        if !self.is_dir(inode) {
            return Err(Errno::ENOTDIR.into());
        }
        if name.len() > super::NAME_MAX {
            return Err(Errno::ENAMETOOLONG.into());
        }
        Ok((parent, name))
    }

    /// EROFS unless the inode's mount source (an overlay's upper) is writable.
    fn check_writable_fs(&self, inode: InodeId) -> Result<()> {
        self.check_permission(inode, PermMask::WRITE)
    }

    /// The checks every create shares: write and search permission on the
    /// parent (EROFS on a read-only mount), and EEXIST when the name exists.
    fn check_can_create(
        &mut self,
        ctx: Ctx,
        parent: DirentId,
        pinode: InodeId,
        name: &str,
    ) -> Result<()> {
        self.check_permission(pinode, PermMask::WRITE_EXEC)?;
        match self.walk_child(parent, ctx.root, name) {
            Ok(_) => Err(Errno::EEXIST.into()),
            Err(e) if e.is(Errno::ENOENT) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Creates `name` under `parent` after the checks every create shares.
    fn mknod_at(
        &mut self,
        ctx: Ctx,
        parent: DirentId,
        name: &str,
        perms: u32,
        kind: NewKind<'_>,
    ) -> Result<DirentId> {
        if name.is_empty() || name == "." || name == ".." {
            return Err(Errno::EEXIST.into());
        }
        let pinode = self.dirent(parent)?.inode;
        self.check_can_create(ctx, parent, pinode, name)?;
        let node = match kind {
            NewKind::File => Node::File(Vec::new()),
            NewKind::Dir => Node::Dir(BTreeMap::new()),
            NewKind::Symlink(t) => Node::Symlink(t.to_string()),
        };
        let child = if self.overlay_entry(pinode).is_some() {
            self.overlay_create(parent, name, perms, node)?
        } else {
            self.plain_create(pinode, name, perms, node)?
        };
        self.cache_child(parent, name, child)
    }

    /// `mkdir(2)`.
    pub fn mkdir(&mut self, ctx: Ctx, path: &str, perms: u32) -> Result<DirentId> {
        let (parent, name) = self.parent_and_name(ctx, path)?;
        self.mknod_at(ctx, parent, name, perms & 0o7777, NewKind::Dir)
    }

    /// `mkdir -p`: every missing component, existing directories accepted.
    pub fn mkdir_all(&mut self, ctx: Ctx, path: &str, perms: u32) -> Result<DirentId> {
        check_path(path)?;
        let mut cur = if path.starts_with('/') {
            ctx.root
        } else {
            ctx.cwd
        };
        for comp in path.split('/').filter(|c| !c.is_empty()) {
            let sub = Ctx {
                root: ctx.root,
                cwd: cur,
            };
            cur = match self.lookup(sub, comp, true) {
                Ok(d) => {
                    if !self.is_dir(self.dirent(d)?.inode) {
                        return Err(Errno::ENOTDIR.into());
                    }
                    d
                }
                Err(e) if e.is(Errno::ENOENT) => {
                    self.mknod_at(ctx, cur, comp, perms & 0o7777, NewKind::Dir)?
                }
                Err(e) => return Err(e),
            };
        }
        Ok(cur)
    }

    /// `symlink(2)`: creates `path` pointing at `target`.
    pub fn symlink(&mut self, ctx: Ctx, target: &str, path: &str) -> Result<DirentId> {
        if target.is_empty() {
            return Err(Errno::ENOENT.into());
        }
        let (parent, name) = self.parent_and_name(ctx, path)?;
        self.mknod_at(ctx, parent, name, 0o777, NewKind::Symlink(target))
    }

    /// `link(2)`: a new name for an existing non-directory.
    pub fn link(&mut self, ctx: Ctx, old: &str, new: &str) -> Result<()> {
        let target = self.lookup(ctx, old, false)?;
        let (parent, name) = self.parent_and_name(ctx, new)?;
        if name.is_empty() || name == "." || name == ".." {
            return Err(Errno::EEXIST.into());
        }
        let tinode = self.dirent(target)?.inode;
        if self.is_dir(tinode) {
            return Err(Errno::EPERM.into());
        }
        let pinode = self.dirent(parent)?.inode;
        if self.ino(pinode)?.msrc != self.ino(tinode)?.msrc {
            return Err(Errno::EXDEV.into());
        }
        self.check_can_create(ctx, parent, pinode, name)?;
        let child = if self.overlay_entry(pinode).is_some() {
            self.overlay_link(parent, name, target)?
        } else {
            self.plain_link(pinode, name, tinode)?;
            tinode
        };
        self.cache_child(parent, name, child)?;
        Ok(())
    }

    /// `unlink(2)` (`dir == false`) and `rmdir(2)` (`dir == true`).
    pub fn remove(&mut self, ctx: Ctx, path: &str, dir: bool) -> Result<()> {
        let (parent, name) = self.parent_and_name(ctx, path)?;
        match name {
            "" => return Err(Errno::EBUSY.into()),
            "." => return Err(Errno::EINVAL.into()),
            ".." => return Err(Errno::ENOTEMPTY.into()),
            _ => {}
        }
        let child = self.walk_child(parent, ctx.root, name)?;
        if self.dirent(child)?.mounted {
            return Err(Errno::EBUSY.into());
        }
        let cinode = self.dirent(child)?.inode;
        let is_dir = self.is_dir(cinode);
        if dir && !is_dir {
            return Err(Errno::ENOTDIR.into());
        }
        if !dir && is_dir {
            return Err(Errno::EISDIR.into());
        }
        let pinode = self.dirent(parent)?.inode;
        self.check_permission(pinode, PermMask::WRITE_EXEC)?;
        if dir && !self.readdir_inode(cinode)?.is_empty() {
            return Err(Errno::ENOTEMPTY.into());
        }
        if self.overlay_entry(pinode).is_some() {
            self.overlay_remove(parent, child)?;
        } else {
            self.plain_remove(pinode, name, dir)?;
        }
        self.uncache_child(parent, name)?;
        self.reap(child);
        Ok(())
    }

    /// Frees a removed dirent and its inode at once when nothing else refers
    /// to them, so create/remove loops do not wait for a full collection.
    fn reap(&mut self, child: DirentId) {
        if self.files.values().any(|f| f.dirent == child) {
            return;
        }
        let Some(d) = self.dirents.get(child) else {
            return;
        };
        if !d.children.is_empty() {
            return;
        }
        let inode = d.inode;
        self.dirents.remove(child);
        let mut victims = vec![inode];
        if let Some(o) = self.overlay_entry(inode) {
            victims.extend(o.upper);
        }
        for v in victims {
            let free = match self.inodes.get(v) {
                // Every lookup walks a 9p inode of its own, so it goes with
                // its dirent, unless `link` cached it under a second name.
                Some(i) => match &i.node {
                    Node::Overlay(_) => true,
                    Node::Remote(r) => self.remote_nlink(*r) <= 1,
                    Node::Dir(_)
                    | Node::File(_)
                    | Node::Symlink(_)
                    | Node::CharDev(_)
                    | Node::Socket
                    | Node::Generated(_) => i.nlink == 0,
                },
                None => false,
            };
            if free {
                self.free_inode(v);
            }
        }
    }

    /// `rename(2)`.
    pub fn rename(&mut self, ctx: Ctx, old: &str, new: &str) -> Result<()> {
        let (op, oname) = self.parent_and_name(ctx, old)?;
        let (np, nname) = self.parent_and_name(ctx, new)?;
        for n in [oname, nname] {
            if n.is_empty() || n == "." || n == ".." {
                return Err(Errno::EBUSY.into());
            }
        }
        let renamed = self.walk_child(op, ctx.root, oname)?;
        if self.dirent(renamed)?.mounted {
            return Err(Errno::EBUSY.into());
        }
        if self.is_descendant_of(np, renamed) {
            return Err(Errno::EINVAL.into());
        }
        let replaced = match self.walk_child(np, ctx.root, nname) {
            Ok(d) => Some(d),
            Err(e) if e.is(Errno::ENOENT) => None,
            Err(e) => return Err(e),
        };
        if let Some(r) = replaced {
            if r == renamed {
                return Ok(());
            }
            if self.dirent(r)?.mounted {
                return Err(Errno::EBUSY.into());
            }
            let (ri, mi) = (self.dirent(r)?.inode, self.dirent(renamed)?.inode);
            match (self.is_dir(mi), self.is_dir(ri)) {
                (true, false) => return Err(Errno::ENOTDIR.into()),
                (false, true) => return Err(Errno::EISDIR.into()),
                (true, true) if !self.readdir_inode(ri)?.is_empty() => {
                    return Err(Errno::ENOTEMPTY.into())
                }
                _ => {}
            }
        }
        let (opi, npi) = (self.dirent(op)?.inode, self.dirent(np)?.inode);
        self.check_permission(opi, PermMask::WRITE_EXEC)?;
        self.check_permission(npi, PermMask::WRITE_EXEC)?;
        // `Rename` refuses to cross mounts (`oldParent` and `newParent` must
        // share a MountSource).
        if self.ino(opi)?.msrc != self.ino(npi)?.msrc {
            return Err(Errno::EXDEV.into());
        }
        let overlay = self.overlay_entry(opi).is_some() || self.overlay_entry(npi).is_some();
        if overlay {
            self.overlay_rename(op, renamed, np, nname)?;
        } else {
            self.plain_rename(opi, oname, npi, nname)?;
        }
        if replaced.is_some() {
            self.uncache_child(np, nname)?;
        }
        self.dirent_mut(op)?.children.remove(oname);
        if overlay {
            // The overlay node still points at its old lower; let the next
            // lookup rebuild it from the layers as they are now.
            self.dirent_mut(renamed)?.deleted = true;
        } else {
            let d = self.dirent_mut(renamed)?;
            d.name = nname.to_string();
            d.parent = Some(np);
            self.dirent_mut(np)?
                .children
                .insert(nname.to_string(), renamed);
        }
        Ok(())
    }

    /// `stat(2)` (`follow`) and `lstat(2)`.
    pub fn stat(&mut self, ctx: Ctx, path: &str, follow: bool) -> Result<Stat> {
        let d = self.lookup(ctx, path, follow)?;
        let data = self.data_inode(self.dirent(d)?.inode);
        self.remote_refresh(data)?;
        self.stat_inode(self.dirent(d)?.inode)
    }

    /// `readlink(2)`.
    pub fn readlink(&mut self, ctx: Ctx, path: &str) -> Result<String> {
        let d = self.lookup(ctx, path, false)?;
        self.readlink_inode(self.dirent(d)?.inode)
    }

    /// `getdents(2)` of a directory, sorted, without `.` and `..`.
    pub fn readdir(&mut self, ctx: Ctx, path: &str) -> Result<Vec<DirEntry>> {
        let d = self.lookup(ctx, path, true)?;
        let inode = self.dirent(d)?.inode;
        if !self.is_dir(inode) {
            return Err(Errno::ENOTDIR.into());
        }
        self.check_permission(inode, PermMask::READ)?;
        self.readdir_inode(inode)
    }

    /// Applies an attribute change, copying an overlay node up first.
    fn setattr_at(&mut self, d: DirentId, f: impl FnOnce(&mut Attr)) -> Result<()> {
        let inode = self.dirent(d)?.inode;
        self.check_writable_fs(inode)?;
        let target = if self.overlay_entry(inode).is_some() {
            self.overlay_upper_of(d)?
        } else {
            inode
        };
        self.plain_setattr(target, f)
    }

    /// `chmod(2)`.
    pub fn chmod(&mut self, ctx: Ctx, path: &str, perms: u32) -> Result<()> {
        let d = self.lookup(ctx, path, true)?;
        self.setattr_at(d, |a| a.perms = perms & 0o7777)
    }

    /// `chown(2)`.
    pub fn chown(&mut self, ctx: Ctx, path: &str, uid: u32, gid: u32) -> Result<()> {
        let d = self.lookup(ctx, path, true)?;
        self.setattr_at(d, |a| {
            a.uid = uid;
            a.gid = gid;
        })
    }

    /// `utimes(2)` with explicit times (logical nanoseconds).
    pub fn utimes(&mut self, ctx: Ctx, path: &str, atime: u64, mtime: u64) -> Result<()> {
        let d = self.lookup(ctx, path, true)?;
        self.setattr_at(d, |a| {
            a.atime = atime;
            a.mtime = mtime;
        })
    }

    /// `truncate(2)`.
    pub fn truncate(&mut self, ctx: Ctx, path: &str, size: u64) -> Result<()> {
        let d = self.lookup(ctx, path, true)?;
        self.truncate_at(d, size)
    }

    fn truncate_at(&mut self, d: DirentId, size: u64) -> Result<()> {
        let inode = self.dirent(d)?.inode;
        match self.file_type(inode) {
            FileType::Directory => return Err(Errno::EISDIR.into()),
            FileType::Regular | FileType::CharDevice => {}
            _ => return Err(Errno::EINVAL.into()),
        }
        self.check_permission(inode, PermMask::WRITE)?;
        let target = if self.overlay_entry(inode).is_some() {
            self.overlay_upper_of(d)?
        } else {
            inode
        };
        self.plain_truncate(target, size)
    }

    /// `open(2)`.
    pub fn open(&mut self, ctx: Ctx, path: &str, flags: OpenFlags, perms: u32) -> Result<FileId> {
        let d = if flags.create {
            let (parent, name) = self.parent_and_name(ctx, path)?;
            if name.is_empty() {
                return Err(Errno::EISDIR.into());
            }
            match self.walk_child(parent, ctx.root, name) {
                Ok(_) => {
                    if flags.exclusive {
                        return Err(Errno::EEXIST.into());
                    }
                    let sub = Ctx {
                        root: ctx.root,
                        cwd: parent,
                    };
                    self.lookup(sub, name, !flags.no_follow)?
                }
                Err(e) if e.is(Errno::ENOENT) => {
                    self.mknod_at(ctx, parent, name, perms & 0o7777, NewKind::File)?
                }
                Err(e) => return Err(e),
            }
        } else {
            self.lookup(ctx, path, !flags.no_follow)?
        };
        self.open_dirent(d, flags)
    }

    /// Opens an already resolved dirent (`Inode.GetFile`, `overlayGetFile`).
    pub fn open_dirent(&mut self, d: DirentId, flags: OpenFlags) -> Result<FileId> {
        let inode = self.dirent(d)?.inode;
        let t = self.file_type(inode);
        if t == FileType::Symlink {
            return Err(Errno::ELOOP.into());
        }
        if flags.directory && t != FileType::Directory {
            return Err(Errno::ENOTDIR.into());
        }
        if t == FileType::Directory && (flags.write || flags.truncate) {
            return Err(Errno::EISDIR.into());
        }
        if t == FileType::Socket {
            return Err(Errno::ENXIO.into());
        }
        self.check_permission(
            inode,
            PermMask {
                read: flags.read,
                write: flags.write,
                execute: false,
            },
        )?;
        if flags.write && self.overlay_entry(inode).is_some() {
            self.copy_up(d)?;
        }
        if flags.truncate && flags.write && t == FileType::Regular {
            self.truncate_at(d, 0)?;
        }
        Ok(self.files.insert(OpenFile {
            dirent: d,
            flags,
            offset: 0,
        }))
    }

    /// `close(2)`.
    pub fn close(&mut self, f: FileId) -> Result<()> {
        self.files
            .remove(f)
            .map(|_| ())
            .ok_or_else(|| Errno::EBADF.into())
    }

    /// `read(2)`: up to `len` bytes at the file offset.
    pub fn read(&mut self, ctx: Ctx, f: FileId, len: usize) -> Result<Vec<u8>> {
        let file = self.files.get(f).ok_or(Errno::EBADF)?.clone();
        let bytes = self.pread(ctx, f, file.offset, len)?;
        if let Some(x) = self.files.get_mut(f) {
            x.offset += bytes.len() as u64;
        }
        Ok(bytes)
    }

    /// `pread(2)`.
    pub fn pread(&mut self, ctx: Ctx, f: FileId, offset: u64, len: usize) -> Result<Vec<u8>> {
        let file = self.files.get(f).ok_or(Errno::EBADF)?.clone();
        if !file.flags.read {
            return Err(Errno::EBADF.into());
        }
        let inode = self.dirent(file.dirent)?.inode;
        if self.is_dir(inode) {
            return Err(Errno::EISDIR.into());
        }
        self.read_inode(ctx, inode, offset, len)
    }

    /// `write(2)` at the file offset (at the end with `O_APPEND`).
    pub fn write(&mut self, f: FileId, data: &[u8]) -> Result<usize> {
        let file = self.files.get(f).ok_or(Errno::EBADF)?.clone();
        let offset = if file.flags.append {
            let inode = self.dirent(file.dirent)?.inode;
            self.stat_inode(inode)?.size
        } else {
            file.offset
        };
        let n = self.pwrite(f, offset, data)?;
        if let Some(x) = self.files.get_mut(f) {
            x.offset = offset + n as u64;
        }
        Ok(n)
    }

    /// `pwrite(2)`.
    pub fn pwrite(&mut self, f: FileId, offset: u64, data: &[u8]) -> Result<usize> {
        let file = self.files.get(f).ok_or(Errno::EBADF)?.clone();
        if !file.flags.write {
            return Err(Errno::EBADF.into());
        }
        let inode = self.dirent(file.dirent)?.inode;
        let target = match self.overlay_entry(inode) {
            // Opening for write copied the node up.
            Some(o) => o.upper.ok_or(Errno::EIO)?,
            None => inode,
        };
        self.plain_write(target, offset, data)
    }

    /// Reads a whole file (up to `limit` bytes).
    pub fn read_file(&mut self, ctx: Ctx, path: &str, limit: usize) -> Result<Vec<u8>> {
        let f = self.open(ctx, path, OpenFlags::READ, 0)?;
        let out = self.pread(ctx, f, 0, limit);
        self.close(f)?;
        out
    }

    /// Writes a whole file: creates or truncates it, or appends.
    pub fn write_file(&mut self, ctx: Ctx, path: &str, data: &[u8], append: bool) -> Result<()> {
        let flags = if append {
            OpenFlags::create_append()
        } else {
            OpenFlags::create_truncate()
        };
        let f = self.open(ctx, path, flags, 0o644)?;
        let r = self.write(f, data);
        self.close(f)?;
        r.map(|_| ())
    }

    /// The absolute path of a dirent as seen from `root` (for `pwd`, reports).
    pub fn path_of(&self, d: DirentId, root: DirentId) -> String {
        self.full_name(d, root).0
    }

    /// Resolves a path to the mount containing it: (mount root dirent, inode).
    pub fn mount_of(&self, d: DirentId) -> Option<DirentId> {
        let mut cur = Some(d);
        while let Some(c) = cur {
            if self.is_mount_root(c) {
                return Some(c);
            }
            cur = self.dirents.get(c).and_then(|x| x.parent);
        }
        None
    }
}

/// Rejects paths the kernel would: empty (ENOENT), NUL bytes (EINVAL) and
/// longer than `PATH_MAX` (ENAMETOOLONG).
fn check_path(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(Errno::ENOENT.into());
    }
    if path.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG.into());
    }
    if path.contains('\0') {
        return Err(Error::from(Errno::EINVAL));
    }
    Ok(())
}
