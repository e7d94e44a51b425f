//! Inode-level operations, dispatched on what the inode holds (gVisor's
//! `InodeOperations` of each filesystem, and the read-only overlay paths of
//! `inode_overlay.go`). Mutations of overlay inodes need a dirent for copy-up
//! and live in `overlay.rs`; the functions here with a `plain_` prefix act on a
//! single non-overlay filesystem.

use super::attr::{Attr, FileType, Stat};
use super::inode::{Device, DirCreate, Inode, InodeId, Node, OverlayEntry};
use super::mount_source::MsrcId;
use super::remote::Remote;
use super::{Ctx, Vfs};
use crate::errno::Errno;
use crate::error::Result;
use serde::Serialize;
use std::collections::BTreeMap;

/// One directory entry as `readdir` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirEntry {
    pub name: String,
    pub file_type: FileType,
    pub ino: u64,
}

/// The xattr name of a whiteout for `name` (`XattrOverlayWhiteout`).
pub(crate) fn whiteout_xattr(name: &str) -> String {
    format!("trusted.overlay.whiteout.{name}")
}

impl Vfs {
    /// Allocates an inode of `msrc` with root ownership and `perms`.
    pub(crate) fn alloc_inode(&mut self, msrc: MsrcId, perms: u32, node: Node) -> InodeId {
        let now = self.tick();
        let ino = self.alloc_ino();
        self.inodes.insert(Inode {
            msrc,
            ino,
            attr: Attr::new(perms, now),
            nlink: 1,
            node,
            xattrs: None,
            create: DirCreate::Allowed,
        })
    }

    /// The inode behind an id. Ids handed out by this VFS stay valid until the
    /// garbage collector frees unreachable objects.
    pub(crate) fn ino(&self, id: InodeId) -> Result<&Inode> {
        self.inodes.get(id).ok_or_else(|| Errno::ESTALE.into())
    }

    pub(crate) fn ino_mut(&mut self, id: InodeId) -> Result<&mut Inode> {
        self.inodes.get_mut(id).ok_or_else(|| Errno::ESTALE.into())
    }

    /// Public read access to an inode (for reports and tests).
    pub fn inode(&self, id: InodeId) -> Option<&Inode> {
        self.inodes.get(id)
    }

    /// The type of an inode; an overlay takes its upper's, else its lower's.
    pub fn file_type(&self, id: InodeId) -> FileType {
        let mut cur = id;
        // Overlays nest only through lowers; the loop ends at a plain inode.
        for _ in 0..64 {
            let Some(i) = self.inodes.get(cur) else {
                return FileType::Regular;
            };
            match i.overlay() {
                Some(o) => match o.upper.or(o.lower) {
                    Some(next) => cur = next,
                    None => return FileType::Regular,
                },
                None => return i.own_type().unwrap_or(FileType::Regular),
            }
        }
        FileType::Regular
    }

    /// True when the inode is a directory.
    pub fn is_dir(&self, id: InodeId) -> bool {
        self.file_type(id) == FileType::Directory
    }

    /// The overlay entry of an inode, if it is an overlay inode.
    pub(crate) fn overlay_entry(&self, id: InodeId) -> Option<OverlayEntry> {
        self.inodes.get(id).and_then(|i| i.overlay().copied())
    }

    /// The inode whose data a read of `id` sees: through overlays, the upper
    /// if present, else the lower.
    pub(crate) fn data_inode(&self, id: InodeId) -> InodeId {
        let mut cur = id;
        for _ in 0..64 {
            match self.overlay_entry(cur) {
                Some(o) => match o.upper.or(o.lower) {
                    Some(next) => cur = next,
                    None => return cur,
                },
                None => return cur,
            }
        }
        cur
    }

    /// `InodeOperations.Lookup` (and `overlayLookup` for overlay inodes).
    pub(crate) fn lookup_inode(&mut self, dir: InodeId, name: &str) -> Result<InodeId> {
        match self.ino(dir)?.node.dir_kind()? {
            DirKind::Plain(entries) => entries
                .get(name)
                .copied()
                .ok_or_else(|| Errno::ENOENT.into()),
            DirKind::Overlay => self.overlay_lookup(dir, name),
            DirKind::Remote(r) => self.remote_lookup(dir, r, name),
        }
    }

    /// Directory entries of `dir`, sorted by name, without `.` and `..`
    /// (`readdirEntries` for overlays).
    pub(crate) fn readdir_inode(&mut self, dir: InodeId) -> Result<Vec<DirEntry>> {
        match self.ino(dir)?.node.dir_kind()? {
            // One copy of each name, straight from the (sorted) directory.
            DirKind::Plain(entries) => Ok(entries
                .iter()
                .map(|(name, &id)| DirEntry {
                    file_type: self.file_type(id),
                    ino: self.stable_ino(id),
                    name: name.clone(),
                })
                .collect()),
            DirKind::Overlay => self.overlay_readdir(dir),
            DirKind::Remote(r) => self.remote_readdir(r),
        }
    }

    /// The inode number `stat` shows: an overlay keeps its lower's (the upper
    /// "steals" the lower's stable attributes in `overlayLookup`).
    pub(crate) fn stable_ino(&self, id: InodeId) -> u64 {
        match self.inodes.get(id) {
            Some(i) => match i.overlay() {
                Some(o) => match (o.lower, o.upper) {
                    (Some(l), _) => self.stable_ino(l),
                    // `overlayLookup` found the name in both layers and
                    // dropped the lower of a non-directory after the upper
                    // "stole" its StableAttr; the stolen number was stored on
                    // this overlay inode.
                    (None, Some(_)) if o.lower_exists => i.ino,
                    (None, Some(u)) => self.stable_ino(u),
                    (None, None) => i.ino,
                },
                None => i.ino,
            },
            None => 0,
        }
    }

    /// `stat` of an inode.
    pub fn stat_inode(&self, id: InodeId) -> Result<Stat> {
        let data = self.data_inode(id);
        let i = self.ino(data)?;
        let file_type = self.file_type(id);
        let ((size, nlink), (rdev_major, rdev_minor)) = match &i.node {
            Node::Remote(r) => {
                let mut st = self.remote_stat(data, *r)?;
                st.ino = self.stable_ino(id);
                return Ok(st);
            }
            Node::Dir(entries) => {
                let subdirs = entries.values().filter(|c| self.is_dir(**c)).count() as u64;
                ((0, 2 + subdirs), (0, 0))
            }
            Node::File(d) => ((d.len() as u64, u64::from(i.nlink)), (0, 0)),
            Node::Symlink(t) => ((t.len() as u64, u64::from(i.nlink)), (0, 0)),
            Node::CharDev(d) => ((0, u64::from(i.nlink)), d.numbers()),
            Node::Socket | Node::Generated(_) | Node::Overlay(_) => {
                ((0, u64::from(i.nlink)), (0, 0))
            }
        };
        Ok(Stat {
            file_type,
            mode: file_type.mode_bits() | i.attr.perms,
            ino: self.stable_ino(id),
            nlink,
            uid: i.attr.uid,
            gid: i.attr.gid,
            size,
            rdev_major,
            rdev_minor,
            atime: i.attr.atime,
            mtime: i.attr.mtime,
            ctime: i.attr.ctime,
        })
    }

    /// `Readlink`: the target of a symlink, EINVAL otherwise.
    pub(crate) fn readlink_inode(&mut self, id: InodeId) -> Result<String> {
        let data = self.data_inode(id);
        match &self.ino(data)?.node {
            Node::Symlink(t) => Ok(t.clone()),
            Node::Remote(r) if r.file_type == FileType::Symlink => self.remote_readlink(*r),
            Node::Remote(_)
            | Node::Dir(_)
            | Node::File(_)
            | Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_)
            | Node::Overlay(_) => Err(Errno::EINVAL.into()),
        }
    }

    /// Reads up to `len` bytes at `offset` from a file or device.
    pub(crate) fn read_inode(
        &mut self,
        ctx: Ctx,
        id: InodeId,
        offset: u64,
        len: usize,
    ) -> Result<Vec<u8>> {
        let data = self.data_inode(id);
        let node = self.ino(data)?.node.clone_shallow();
        match node {
            Shallow::File => {
                let Node::File(bytes) = &self.ino(data)?.node else {
                    return Err(Errno::EIO.into());
                };
                Ok(slice_at(bytes, offset, len).to_vec())
            }
            Shallow::Generated(g) => {
                let text = self.generate(ctx, g);
                if offset == 0 && len >= text.len() {
                    // The whole file: hand the text over without a copy.
                    return Ok(text.into_bytes());
                }
                Ok(slice_at(text.as_bytes(), offset, len).to_vec())
            }
            Shallow::Dev(Device::Null) => Ok(Vec::new()),
            Shallow::Dev(Device::Zero | Device::Full) => Ok(vec![0; len]),
            Shallow::Dev(Device::Random | Device::URandom) => {
                let mut buf = vec![0; len];
                self.fill_random(&mut buf);
                Ok(buf)
            }
            Shallow::Dev(Device::Ptmx) => Err(Errno::EIO.into()),
            Shallow::Dev(Device::Tty) => Err(Errno::ENXIO.into()),
            Shallow::Dev(Device::Fuse) => Err(Errno::EPERM.into()),
            Shallow::Remote(r) => self.remote_read(r, offset, len),
            Shallow::Dir => Err(Errno::EISDIR.into()),
            Shallow::Other => Err(Errno::EINVAL.into()),
        }
    }

    /// Writes `data` at `offset` into a plain (non-overlay) file or device.
    pub(crate) fn plain_write(&mut self, id: InodeId, offset: u64, data: &[u8]) -> Result<usize> {
        if let Some(r) = self.ino(id)?.remote() {
            return self.remote_write(id, r, offset, data);
        }
        let now = self.tick();
        let inode = self.ino_mut(id)?;
        match &mut inode.node {
            Node::File(bytes) => {
                let off = usize::try_from(offset).map_err(|_| Errno::EFBIG)?;
                let end = off.checked_add(data.len()).ok_or(Errno::EFBIG)?;
                if bytes.len() < end {
                    bytes.resize(end, 0);
                }
                bytes[off..end].copy_from_slice(data);
                inode.attr.mtime = now;
                inode.attr.ctime = now;
                Ok(data.len())
            }
            Node::CharDev(Device::Full) => Err(Errno::ENOSPC.into()),
            Node::CharDev(Device::Ptmx) => Err(Errno::EIO.into()),
            Node::CharDev(Device::Tty) => Err(Errno::ENXIO.into()),
            Node::CharDev(Device::Fuse) => Err(Errno::EPERM.into()),
            Node::CharDev(_) => Ok(data.len()),
            Node::Dir(_) => Err(Errno::EISDIR.into()),
            Node::Generated(_) => Err(Errno::EACCES.into()),
            // Remote files were written above.
            Node::Remote(_) | Node::Symlink(_) | Node::Socket | Node::Overlay(_) => {
                Err(Errno::EINVAL.into())
            }
        }
    }

    /// Sets the size of a plain regular file.
    pub(crate) fn plain_truncate(&mut self, id: InodeId, size: u64) -> Result<()> {
        if let Some(r) = self.ino(id)?.remote() {
            let attr = self.ino(id)?.attr;
            return self.remote_setattr(id, r, attr, Some(size));
        }
        let now = self.tick();
        let inode = self.ino_mut(id)?;
        match &mut inode.node {
            Node::File(bytes) => {
                let n = usize::try_from(size).map_err(|_| Errno::EFBIG)?;
                bytes.resize(n, 0);
                inode.attr.mtime = now;
                inode.attr.ctime = now;
                Ok(())
            }
            Node::Dir(_) => Err(Errno::EISDIR.into()),
            Node::CharDev(_) => Ok(()),
            // Remote files were truncated above.
            Node::Remote(_)
            | Node::Symlink(_)
            | Node::Socket
            | Node::Generated(_)
            | Node::Overlay(_) => Err(Errno::EINVAL.into()),
        }
    }

    /// Creates `name` in a plain directory. EEXIST when taken.
    pub(crate) fn plain_create(
        &mut self,
        dir: InodeId,
        name: &str,
        perms: u32,
        node: Node,
    ) -> Result<InodeId> {
        let i = self.ino(dir)?;
        let msrc = i.msrc;
        match i.node.dir_kind()? {
            DirKind::Plain(entries) if entries.contains_key(name) => {
                return Err(Errno::EEXIST.into())
            }
            // ramfs `Dir.Create`/`CreateDirectory`/`CreateLink` without
            // CreateOps: ErrDenied (EACCES); tty's dir: EACCES.
            DirKind::Plain(_) if i.create != DirCreate::Allowed => return Err(Errno::EACCES.into()),
            DirKind::Plain(_) => {}
            DirKind::Overlay => return Err(Errno::EIO.into()),
            DirKind::Remote(r) => return self.remote_create(dir, r, name, perms, &node),
        }
        let child = self.alloc_inode(msrc, perms, node);
        self.dir_insert(dir, name, child)?;
        Ok(child)
    }

    /// Inserts an existing inode under `name` in a plain directory.
    pub(crate) fn dir_insert(&mut self, dir: InodeId, name: &str, child: InodeId) -> Result<()> {
        let now = self.tick();
        let inode = self.ino_mut(dir)?;
        let entries = inode.dir_mut().ok_or(Errno::ENOTDIR)?;
        entries.insert(name.to_string(), child);
        inode.attr.mtime = now;
        inode.attr.ctime = now;
        Ok(())
    }

    /// Adds a hard link to `target` in a plain directory.
    pub(crate) fn plain_link(&mut self, dir: InodeId, name: &str, target: InodeId) -> Result<()> {
        if self.is_dir(target) {
            return Err(Errno::EPERM.into());
        }
        if let Some(r) = self.ino(dir)?.remote() {
            return self.remote_link(r, name, target);
        }
        if matches!(&self.ino(dir)?.node, Node::Dir(e) if e.contains_key(name)) {
            return Err(Errno::EEXIST.into());
        }
        // ramfs `Dir.CreateHardLink` does not look at CreateOps; tty's does
        // not link at all.
        if self.ino(dir)?.create == DirCreate::Never {
            return Err(Errno::EACCES.into());
        }
        self.dir_insert(dir, name, target)?;
        let t = self.ino_mut(target)?;
        t.nlink = t.nlink.saturating_add(1);
        Ok(())
    }

    /// Removes `name` from a plain directory: `want_dir` selects rmdir rules.
    pub(crate) fn plain_remove(&mut self, dir: InodeId, name: &str, want_dir: bool) -> Result<()> {
        let child = match &self.ino(dir)?.node {
            Node::Dir(entries) => *entries.get(name).ok_or(Errno::ENOENT)?,
            Node::Remote(r) => return self.remote_remove(*r, name, want_dir),
            Node::File(_)
            | Node::Symlink(_)
            | Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_)
            | Node::Overlay(_) => return Err(Errno::ENOTDIR.into()),
        };
        let is_dir = self.is_dir(child);
        if want_dir && !is_dir {
            return Err(Errno::ENOTDIR.into());
        }
        if !want_dir && is_dir {
            return Err(Errno::EISDIR.into());
        }
        if want_dir {
            if let Node::Dir(entries) = &self.ino(child)?.node {
                if !entries.is_empty() {
                    return Err(Errno::ENOTEMPTY.into());
                }
            }
        }
        let now = self.tick();
        let inode = self.ino_mut(dir)?;
        if let Node::Dir(entries) = &mut inode.node {
            entries.remove(name);
        }
        inode.attr.mtime = now;
        inode.attr.ctime = now;
        let c = self.ino_mut(child)?;
        c.nlink = c.nlink.saturating_sub(1);
        Ok(())
    }

    /// Renames within or across plain directories of one filesystem.
    pub(crate) fn plain_rename(
        &mut self,
        old_dir: InodeId,
        old: &str,
        new_dir: InodeId,
        new: &str,
    ) -> Result<()> {
        if self.ino(old_dir)?.msrc != self.ino(new_dir)?.msrc {
            return Err(Errno::EXDEV.into());
        }
        if let Some(r) = self.ino(old_dir)?.remote() {
            return self.remote_rename(r, old, new_dir, new);
        }
        let old_entries = self.ino(old_dir)?.node.dir().ok_or(Errno::ENOTDIR)?;
        let moving = *old_entries.get(old).ok_or(Errno::ENOENT)?;
        if old_dir == new_dir && old == new {
            return Ok(());
        }
        let moving_is_dir = self.is_dir(moving);
        // A directory may not move below itself.
        if moving_is_dir && self.inode_is_ancestor(moving, new_dir) {
            return Err(Errno::EINVAL.into());
        }
        let new_entries = self.ino(new_dir)?.node.dir().ok_or(Errno::ENOTDIR)?;
        let existing = new_entries.get(new).copied();
        if let Some(victim) = existing {
            let victim_is_dir = self.is_dir(victim);
            match (moving_is_dir, victim_is_dir) {
                (true, false) => return Err(Errno::ENOTDIR.into()),
                (false, true) => return Err(Errno::EISDIR.into()),
                _ => {}
            }
            self.plain_remove(new_dir, new, victim_is_dir)?;
        }
        if let Node::Dir(e) = &mut self.ino_mut(old_dir)?.node {
            e.remove(old);
        }
        self.dir_insert(new_dir, new, moving)?;
        let now = self.tick();
        self.ino_mut(moving)?.attr.ctime = now;
        Ok(())
    }

    /// True when directory inode `anc` contains `node` (or is it), searching
    /// in-memory directories. Used to refuse renaming a directory into itself.
    fn inode_is_ancestor(&self, anc: InodeId, node: InodeId) -> bool {
        if anc == node {
            return true;
        }
        let mut stack = vec![anc];
        let mut seen = 0usize;
        while let Some(d) = stack.pop() {
            seen += 1;
            if seen > 1_000_000 {
                return false;
            }
            if let Some(Inode {
                node: Node::Dir(e), ..
            }) = self.inodes.get(d)
            {
                for c in e.values() {
                    if *c == node {
                        return true;
                    }
                    stack.push(*c);
                }
            }
        }
        false
    }

    /// `SetPermissions`/`SetOwner`/`SetTimestamps` on a plain inode.
    pub(crate) fn plain_setattr(&mut self, id: InodeId, f: impl FnOnce(&mut Attr)) -> Result<()> {
        if let Some(r) = self.ino(id)?.remote() {
            let mut attr = self.ino(id)?.attr;
            f(&mut attr);
            return self.remote_setattr(id, r, attr, None);
        }
        let now = self.tick();
        let inode = self.ino_mut(id)?;
        f(&mut inode.attr);
        inode.attr.ctime = now;
        Ok(())
    }

    /// `Getxattr` on a plain inode (ENODATA when absent).
    pub fn getxattr(&self, id: InodeId, name: &str) -> Result<Vec<u8>> {
        let i = self.ino(id)?;
        i.xattrs
            .as_ref()
            .and_then(|x| x.get(name))
            .cloned()
            .ok_or_else(|| Errno::ENODATA.into())
    }

    /// `Setxattr` on a plain inode.
    pub fn setxattr(&mut self, id: InodeId, name: &str, value: &[u8]) -> Result<()> {
        // The 2018 gofer inode has no extended attributes
        // (`fsutil.InodeNoExtendedAttributes`), so a whiteout on a 9p upper
        // fails.
        if self.ino(id)?.remote().is_some() {
            return Err(Errno::EOPNOTSUPP.into());
        }
        let i = self.ino_mut(id)?;
        i.xattrs
            .get_or_insert_with(|| Box::new(BTreeMap::new()))
            .insert(name.to_string(), value.to_vec());
        Ok(())
    }
}

/// What kind of directory a node is, for the operations each kind answers
/// its own way (lookup, readdir, create). Every kind of node is named in
/// [`Node::dir_kind`], so a new one must say whether it is a directory.
enum DirKind<'a> {
    Plain(&'a BTreeMap<String, InodeId>),
    Overlay,
    Remote(Remote),
}

/// The variant of a node without its payload, so a read can dispatch without
/// holding a borrow of the arena.
enum Shallow {
    File,
    Dir,
    Dev(Device),
    Generated(super::inode::GeneratedFile),
    Remote(Remote),
    Other,
}

impl Node {
    /// The directory this node is, or ENOTDIR.
    fn dir_kind(&self) -> Result<DirKind<'_>> {
        match self {
            Node::Dir(entries) => Ok(DirKind::Plain(entries)),
            Node::Overlay(_) => Ok(DirKind::Overlay),
            Node::Remote(r) if r.file_type == FileType::Directory => Ok(DirKind::Remote(*r)),
            Node::Remote(_)
            | Node::File(_)
            | Node::Symlink(_)
            | Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_) => Err(Errno::ENOTDIR.into()),
        }
    }

    fn clone_shallow(&self) -> Shallow {
        match self {
            Node::File(_) => Shallow::File,
            Node::Dir(_) => Shallow::Dir,
            Node::CharDev(d) => Shallow::Dev(*d),
            Node::Generated(g) => Shallow::Generated(*g),
            Node::Remote(r) if r.file_type != FileType::Directory => Shallow::Remote(*r),
            Node::Remote(_) => Shallow::Dir,
            Node::Symlink(_) | Node::Socket | Node::Overlay(_) => Shallow::Other,
        }
    }
}

/// `bytes[offset..offset+len]`, clamped to the data.
fn slice_at(bytes: &[u8], offset: u64, len: usize) -> &[u8] {
    let start = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let end = start.saturating_add(len).min(bytes.len());
    bytes.get(start..end).unwrap_or(&[])
}
