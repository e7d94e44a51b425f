//! Overlays: `pkg/sentry/fs/overlay.go`, `inode_overlay.go` and `copy_up.go`.
//!
//! An overlay inode holds an optional upper and an optional lower inode. Reads
//! go to the upper when it exists, else to the lower; every mutation first
//! copies the node (and each missing ancestor) up into the upper filesystem, so
//! the lower is never written. Removing a name that exists in the lower leaves
//! a whiteout xattr on the upper directory.

use super::attr::FileType;
use super::inode::{InodeId, Node, OverlayEntry};
use super::mount_source::{MountSource, MountSourceFlags, MsrcId, MsrcKind};
use super::ops::{whiteout_xattr, DirEntry};
use super::{DirentId, Vfs};
use crate::errno::Errno;
use crate::error::{Error, Result};
use std::collections::BTreeMap;

/// The prefix of xattrs that configure an overlay (`XattrOverlayPrefix`).
const XATTR_OVERLAY_PREFIX: &str = "trusted.overlay.";

/// Most bytes copy-up reads from a lower file (the host caps files well
/// below this, so a whole file always fits).
const COPY_UP_READ_LIMIT: usize = 1 << 30;
/// Overlay events kept between two drains (one shell line makes a few).
const MAX_OVERLAY_EVENTS: usize = 64;

/// Something the overlay did that a user does not see in the tree: a
/// copy-up (`copyUpLocked`) or a whiteout (`overlayRemove`/`overlayRename`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OverlayEvent {
    /// `next` got an upper copy: `bytes` of contents read from the lower
    /// (`over_9p` when the lower is a gofer file) into an `upper_fs` upper.
    CopyUp {
        dirent: DirentId,
        kind: FileType,
        bytes: usize,
        over_9p: bool,
        upper_fs: String,
    },
    /// A whiteout for `name` was set in the upper of `parent`.
    Whiteout { parent: DirentId, name: String },
}

impl Vfs {
    /// `fs.NewOverlayRoot(upper, lower, flags)`: a directory overlay whose
    /// mount source is `overlayfs` with `flags`.
    pub fn new_overlay_root(
        &mut self,
        upper: InodeId,
        lower: InodeId,
        flags: MountSourceFlags,
    ) -> Result<InodeId> {
        if !self.is_dir(upper) {
            return Err(Error::msg("upper Inode is not a directory"));
        }
        if !self.is_dir(lower) {
            return Err(Error::msg("lower Inode is not a directory"));
        }
        if self.overlay_entry(upper).is_some() {
            return Err(Error::msg(
                "cannot nest overlay in upper file of another overlay",
            ));
        }
        let (um, lm) = (self.ino(upper)?.msrc, self.ino(lower)?.msrc);
        let msrc = self.new_overlay_msrc(um, lm, flags);
        let entry = OverlayEntry {
            upper: Some(upper),
            lower: Some(lower),
            lower_exists: true,
        };
        Ok(self.alloc_inode(msrc, 0, Node::Overlay(entry)))
    }

    /// `fs.NewOverlayRootFile(upperMS, lower, flags)`: a single-file overlay
    /// whose upper is created lazily in `upper_msrc` on first write.
    pub fn new_overlay_root_file(
        &mut self,
        upper_msrc: MsrcId,
        lower: InodeId,
        flags: MountSourceFlags,
    ) -> Result<InodeId> {
        if self.file_type(lower) != FileType::Regular {
            return Err(Error::msg("lower Inode is not a regular file"));
        }
        let lm = self.ino(lower)?.msrc;
        let msrc = self.new_overlay_msrc(upper_msrc, lm, flags);
        let entry = OverlayEntry {
            upper: None,
            lower: Some(lower),
            lower_exists: true,
        };
        Ok(self.alloc_inode(msrc, 0, Node::Overlay(entry)))
    }

    fn new_overlay_msrc(
        &mut self,
        upper: MsrcId,
        lower: MsrcId,
        flags: MountSourceFlags,
    ) -> MsrcId {
        self.msrcs.insert(MountSource::new(
            "overlayfs",
            "none",
            "",
            flags,
            MsrcKind::Overlay { upper, lower },
        ))
    }

    /// `newOverlayEntry`: only regular files, directories, symlinks and
    /// sockets may come from a lower filesystem.
    fn new_overlay_entry(
        &self,
        upper: Option<InodeId>,
        lower: Option<InodeId>,
        lower_exists: bool,
    ) -> Result<OverlayEntry> {
        if let Some(l) = lower {
            let t = self.file_type(l);
            if !matches!(
                t,
                FileType::Regular | FileType::Directory | FileType::Symlink | FileType::Socket
            ) {
                // gVisor `newOverlayEntry` only *logs* "%s not supported in
                // lower filesytem" and returns the bare `syserror.EINVAL`, so
                // callers see "invalid argument".
                return Err(Errno::EINVAL.into());
            }
        }
        Ok(OverlayEntry {
            upper,
            lower,
            lower_exists,
        })
    }

    /// `overlayHasWhiteout(parent, name)` on an upper directory.
    pub(crate) fn has_whiteout(&self, upper_dir: InodeId, name: &str) -> bool {
        self.getxattr(upper_dir, &whiteout_xattr(name))
            .is_ok_and(|v| v == b"y")
    }

    /// `overlayLookup`: upper first (a whiteout hides the lower), then the
    /// lower, merged only when the types agree.
    pub(crate) fn overlay_lookup(&mut self, dir: InodeId, name: &str) -> Result<InodeId> {
        let msrc = self.ino(dir)?.msrc;
        let parent = self.overlay_entry(dir).ok_or(Errno::EIO)?;
        let mut upper = None;
        if let Some(pu) = parent.upper {
            match self.lookup_inode(pu, name) {
                Ok(c) => upper = Some(c),
                Err(e) if e.is(Errno::ENOENT) => {}
                Err(e) => return Err(e),
            }
            if self.has_whiteout(pu, name) {
                let Some(u) = upper else {
                    return Err(Errno::ENOENT.into());
                };
                let entry = self.new_overlay_entry(Some(u), None, false)?;
                return Ok(self.alloc_inode(msrc, 0, Node::Overlay(entry)));
            }
        }
        let mut lower = None;
        if let Some(pl) = parent.lower {
            match self.lookup_inode(pl, name) {
                Ok(c) => {
                    if upper.is_none_or(|u| self.file_type(u) == self.file_type(c)) {
                        lower = Some(c);
                    }
                }
                Err(e) if e.is(Errno::ENOENT) => {}
                Err(e) => return Err(e),
            }
        }
        if upper.is_none() && lower.is_none() {
            return Err(Errno::ENOENT.into());
        }
        let lower_exists = lower.is_some();
        // For non-directories the upper alone serves reads and writes once
        // it exists; only its stable attributes come from the lower.
        if let (Some(u), Some(_)) = (upper, lower) {
            if !self.is_dir(u) {
                lower = None;
            }
        }
        let entry = self.new_overlay_entry(upper, lower, lower_exists)?;
        let id = self.alloc_inode(msrc, 0, Node::Overlay(entry));
        if let (Some(_), true, None) = (upper, lower_exists, lower) {
            // Remember the lower's inode number for stat, as gVisor's upper
            // "steals" the lower's StableAttr.
            if let Some(Ok(l)) = parent.lower.map(|pl| self.lookup_inode(pl, name)) {
                let ino = self.stable_ino(l);
                if let Ok(i) = self.ino_mut(id) {
                    i.ino = ino;
                }
            }
        }
        Ok(id)
    }

    /// `readdirEntries` of an overlay directory: upper entries, then lower
    /// entries neither whited out nor shadowed, sorted by name.
    pub(crate) fn overlay_readdir(&mut self, dir: InodeId) -> Result<Vec<DirEntry>> {
        let o = self.overlay_entry(dir).ok_or(Errno::EIO)?;
        let upper = match o.upper {
            Some(u) => self.readdir_inode(u)?,
            None => Vec::new(),
        };
        let lower = match o.lower {
            Some(l) => self.readdir_inode(l)?,
            None => Vec::new(),
        };
        // Whiteouts are xattrs of the upper directory: none at all means no
        // per-name check (and no per-name xattr key to build).
        let may_whiteout = o
            .upper
            .is_some_and(|u| self.inodes.get(u).is_some_and(|i| i.xattrs.is_some()));
        let hidden =
            |v: &Vfs, name: &str| may_whiteout && o.upper.is_some_and(|u| v.has_whiteout(u, name));
        let sorted = |v: &[DirEntry]| v.windows(2).all(|w| w[0].name < w[1].name);
        if sorted(&upper) && sorted(&lower) {
            // Both layers list each name once, in order: merge them in one
            // pass, the upper winning a name both have.
            let mut out = Vec::with_capacity(upper.len() + lower.len());
            let mut lower = lower.into_iter().peekable();
            for u in upper {
                while let Some(l) = lower.next_if(|l| l.name < u.name) {
                    if !hidden(self, &l.name) {
                        out.push(l);
                    }
                }
                lower.next_if(|l| l.name == u.name);
                out.push(u);
            }
            for l in lower {
                if !hidden(self, &l.name) {
                    out.push(l);
                }
            }
            return Ok(out);
        }
        let mut merged: BTreeMap<String, DirEntry> = BTreeMap::new();
        for e in upper {
            merged.insert(e.name.clone(), e);
        }
        for e in lower {
            if merged.contains_key(&e.name) || hidden(self, &e.name) {
                continue;
            }
            merged.insert(e.name.clone(), e);
        }
        Ok(merged.into_values().collect())
    }

    /// The original `readdirEntries` merge, kept as the reference the
    /// one-pass merge above is tested against.
    #[cfg(test)]
    pub(crate) fn overlay_readdir_reference(&mut self, dir: InodeId) -> Result<Vec<DirEntry>> {
        let o = self.overlay_entry(dir).ok_or(Errno::EIO)?;
        let mut merged: BTreeMap<String, DirEntry> = BTreeMap::new();
        if let Some(u) = o.upper {
            for e in self.readdir_inode(u)? {
                merged.insert(e.name.clone(), e);
            }
        }
        if let Some(l) = o.lower {
            for e in self.readdir_inode(l)? {
                if merged.contains_key(&e.name) {
                    continue;
                }
                if let Some(u) = o.upper {
                    if self.has_whiteout(u, &e.name) {
                        continue;
                    }
                }
                merged.insert(e.name.clone(), e);
            }
        }
        Ok(merged.into_values().collect())
    }

    /// `copyUp`: makes sure the overlay node at `d` has an upper inode,
    /// creating every missing ancestor first, top-down.
    pub(crate) fn copy_up(&mut self, d: DirentId) -> Result<()> {
        // Each round copies one component; a path is at most this deep.
        for _ in 0..4096 {
            let inode = self.dirent(d)?.inode;
            let o = self.overlay_entry(inode).ok_or(Errno::EIO)?;
            if o.upper.is_some() {
                return Ok(());
            }
            let next = self.find_next_copy_up(d)?;
            self.do_copy_up(next)?;
        }
        Err(Errno::ELOOP.into())
    }

    /// `findNextCopyUp`: the highest ancestor of `d` (or `d` itself) whose
    /// parent already has an upper.
    fn find_next_copy_up(&self, d: DirentId) -> Result<DirentId> {
        let mut next = d;
        loop {
            let Some(parent) = self.dirent(next)?.parent else {
                return Ok(next);
            };
            match self.overlay_entry(self.dirent(parent)?.inode) {
                Some(po) if po.upper.is_none() => next = parent,
                // A parent with an upper, or a parent outside the overlay
                // (the root of a single-file overlay).
                _ => return Ok(next),
            }
        }
    }

    /// `doCopyUp` + `copyUpLocked`: creates `next` in its parent's upper and
    /// copies owner, timestamps, non-overlay xattrs and contents. Any failure
    /// is a generic EIO, as in gVisor.
    fn do_copy_up(&mut self, next: DirentId) -> Result<()> {
        let inode = self.dirent(next)?.inode;
        let o = self.overlay_entry(inode).ok_or(Errno::EIO)?;
        if o.upper.is_some() {
            return Ok(());
        }
        let lower = o.lower.ok_or(Errno::EIO)?;
        let t = self.file_type(lower);
        if !matches!(
            t,
            FileType::Regular | FileType::Directory | FileType::Symlink
        ) {
            return Err(Errno::EINVAL.into());
        }
        let name = self.dirent(next)?.name.clone();
        let parent_upper = match self
            .dirent(next)?
            .parent
            .map(|p| self.dirent(p).map(|pd| pd.inode))
        {
            Some(Ok(p)) => self.overlay_entry(p).and_then(|po| po.upper),
            _ => None,
        };
        let lower_stat = self.stat_inode(lower).map_err(|_| Errno::EIO)?;
        let perms = lower_stat.perms();
        let node = match t {
            FileType::Directory => Node::Dir(BTreeMap::new()),
            FileType::Symlink => Node::Symlink(self.readlink_inode(lower).map_err(|_| Errno::EIO)?),
            _ => Node::File(Vec::new()),
        };
        let upper = match parent_upper {
            Some(pu) => self
                .plain_create(pu, &name, perms, node)
                .map_err(|_| Errno::EIO)?,
            None => {
                // The single-file overlay root: its upper is a detached file
                // in the overlay's upper mount source.
                let msrc = self.ino(inode)?.msrc;
                let upper_msrc = match self.msrcs.get(msrc).map(|m| m.kind) {
                    Some(MsrcKind::Overlay { upper, .. }) => upper,
                    _ => return Err(Errno::EIO.into()),
                };
                self.alloc_inode(upper_msrc, perms, node)
            }
        };
        // copyAttributesLocked: owner, atime/mtime, xattrs except overlay ones.
        let lower_data = self.data_inode(lower);
        let xattrs: Vec<(String, Vec<u8>)> = self
            .ino(lower_data)?
            .xattrs
            .as_ref()
            .map(|x| {
                x.iter()
                    .filter(|(k, _)| !k.starts_with(XATTR_OVERLAY_PREFIX))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        // copyContentsLocked: the lower's bytes through its own read path, so
        // a 9p lower is read from the gofer (Tread) like any other file.
        // Every kind of node is named, so a new one cannot be copied up
        // empty by accident (a missed 9p arm once lost a file's contents).
        let contents = match &self.ino(lower_data)?.node {
            Node::File(bytes) if t == FileType::Regular => bytes.clone(),
            Node::Remote(r) if t == FileType::Regular => {
                let r = *r;
                self.remote_read(r, 0, COPY_UP_READ_LIMIT)
                    .map_err(|_| Errno::EIO)?
            }
            Node::File(_)
            | Node::Remote(_)
            | Node::Dir(_)
            | Node::Symlink(_)
            | Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_)
            | Node::Overlay(_) => Vec::new(),
        };
        let up = self.ino_mut(upper)?;
        up.attr.uid = lower_stat.uid;
        up.attr.gid = lower_stat.gid;
        up.attr.atime = lower_stat.atime;
        up.attr.mtime = lower_stat.mtime;
        if !xattrs.is_empty() {
            up.xattrs
                .get_or_insert_with(Default::default)
                .extend(xattrs);
        }
        let copied = contents.len();
        if let Node::File(bytes) = &mut up.node {
            *bytes = contents;
        }
        if let Some(Node::Overlay(e)) = self.inodes.get_mut(inode).map(|i| &mut i.node) {
            e.upper = Some(upper);
        }
        let upper_fs = self
            .ino(upper)
            .ok()
            .and_then(|u| self.msrcs.get(u.msrc))
            .map(|m| m.fs_name.clone())
            .unwrap_or_default();
        let over_9p = matches!(self.ino(lower_data)?.node, Node::Remote(_));
        self.note_overlay(OverlayEvent::CopyUp {
            dirent: next,
            kind: t,
            bytes: copied,
            over_9p,
            upper_fs,
        });
        Ok(())
    }

    /// Records what the overlay just did, for the shell to name (bounded:
    /// a scenario run nobody drains keeps only the first few).
    fn note_overlay(&mut self, e: OverlayEvent) {
        if self.overlay_events.len() < MAX_OVERLAY_EVENTS {
            self.overlay_events.push(e);
        }
    }

    /// The overlay's copy-ups and whiteouts since the last call.
    pub fn take_overlay_events(&mut self) -> Vec<OverlayEvent> {
        std::mem::take(&mut self.overlay_events)
    }

    /// The upper inode of an overlay directory dirent, after copying it up.
    pub(crate) fn overlay_upper_of(&mut self, d: DirentId) -> Result<InodeId> {
        self.copy_up(d)?;
        let inode = self.dirent(d)?.inode;
        self.overlay_entry(inode)
            .and_then(|o| o.upper)
            .ok_or_else(|| Errno::EIO.into())
    }

    /// `overlayCreate`/`CreateDirectory`/`CreateLink`: creates in the parent's
    /// upper and returns a new overlay inode for the child.
    pub(crate) fn overlay_create(
        &mut self,
        parent: DirentId,
        name: &str,
        perms: u32,
        node: Node,
    ) -> Result<InodeId> {
        let pu = self.overlay_upper_of(parent)?;
        let child = self.plain_create(pu, name, perms, node)?;
        let msrc = self.ino(self.dirent(parent)?.inode)?.msrc;
        let entry = self.new_overlay_entry(Some(child), None, false)?;
        Ok(self.alloc_inode(msrc, 0, Node::Overlay(entry)))
    }

    /// `overlayCreateHardLink`: both the parent and the target are copied up.
    pub(crate) fn overlay_link(
        &mut self,
        parent: DirentId,
        name: &str,
        target: DirentId,
    ) -> Result<InodeId> {
        let pu = self.overlay_upper_of(parent)?;
        let tu = self.overlay_upper_of(target)?;
        self.plain_link(pu, name, tu)?;
        let msrc = self.ino(self.dirent(parent)?.inode)?.msrc;
        let entry = self.new_overlay_entry(Some(tu), None, false)?;
        Ok(self.alloc_inode(msrc, 0, Node::Overlay(entry)))
    }

    /// `overlayRemove`: removes the upper entry if any, then whites out a
    /// lower one.
    pub(crate) fn overlay_remove(&mut self, parent: DirentId, child: DirentId) -> Result<()> {
        let pu = self.overlay_upper_of(parent)?;
        let ci = self.dirent(child)?.inode;
        let name = self.dirent(child)?.name.clone();
        let co = self.overlay_entry(ci).ok_or(Errno::EIO)?;
        if let Some(u) = co.upper {
            let is_dir = self.is_dir(u);
            self.plain_remove(pu, &name, is_dir)?;
        }
        if co.lower_exists {
            self.setxattr(pu, &whiteout_xattr(&name), b"y")?;
            self.note_overlay(OverlayEvent::Whiteout { parent, name });
        }
        Ok(())
    }

    /// `overlayRename`: every participant must be an overlay (else EXDEV); a
    /// non-empty directory target is ENOTEMPTY, checked before copying up.
    pub(crate) fn overlay_rename(
        &mut self,
        old_parent: DirentId,
        renamed: DirentId,
        new_parent: DirentId,
        new_name: &str,
    ) -> Result<()> {
        let is_ov = |v: &Vfs, d: DirentId| v.dirent(d).map(|x| v.overlay_entry(x.inode).is_some());
        if !is_ov(self, renamed)? || !is_ov(self, new_parent)? || !is_ov(self, old_parent)? {
            return Err(Errno::EXDEV.into());
        }
        let np_inode = self.dirent(new_parent)?.inode;
        match self.lookup_inode(np_inode, new_name) {
            Ok(replaced) => {
                if self.is_dir(replaced) && !self.readdir_inode(replaced)?.is_empty() {
                    return Err(Errno::ENOTEMPTY.into());
                }
            }
            Err(e) if e.is(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        self.copy_up(renamed)?;
        let npu = self.overlay_upper_of(new_parent)?;
        let opu = self.overlay_upper_of(old_parent)?;
        let old_name = self.dirent(renamed)?.name.clone();
        self.plain_rename(opu, &old_name, npu, new_name)?;
        let lower_exists = self
            .overlay_entry(self.dirent(renamed)?.inode)
            .is_some_and(|o| o.lower_exists);
        if lower_exists {
            self.setxattr(opu, &whiteout_xattr(&old_name), b"y")?;
            self.note_overlay(OverlayEvent::Whiteout {
                parent: old_parent,
                name: old_name,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::Ctx;

    #[test]
    fn one_pass_merge_matches_the_reference() {
        let mut v = Vfs::new();
        let flags = MountSourceFlags::default();
        // Two tmpfs-like roots, made here so the VFS's tests need no
        // filesystem module.
        let tmpfs = |v: &mut Vfs, device: &str| {
            let m = MountSource::new("tmpfs", device, "", flags, MsrcKind::Plain);
            let msrc = v.msrcs.insert(m);
            v.alloc_inode(msrc, 0o777, Node::Dir(BTreeMap::new()))
        };
        let lower = tmpfs(&mut v, "lower");
        let upper = tmpfs(&mut v, "upper");
        for name in ["a", "b", "c", "d", "e"] {
            v.plain_create(lower, name, 0o644, Node::File(Vec::new()))
                .unwrap();
        }
        v.plain_create(lower, "dir", 0o755, Node::Dir(BTreeMap::new()))
            .unwrap();
        let root = v.new_overlay_root(upper, lower, flags).unwrap();
        let d = v.create_namespace(root).unwrap();
        let ctx = Ctx::at(d);
        let merged = |v: &mut Vfs| {
            let fast = v.overlay_readdir(root).unwrap();
            let slow = v.overlay_readdir_reference(root).unwrap();
            assert_eq!(fast, slow);
            fast.into_iter().map(|e| e.name).collect::<Vec<_>>()
        };
        assert_eq!(merged(&mut v), ["a", "b", "c", "d", "dir", "e"]);
        // Shadowing, whiteouts, and names only in the upper.
        v.write_file(ctx, "/b", b"new", false).unwrap();
        v.remove(ctx, "/c", false).unwrap();
        v.write_file(ctx, "/0first", b"", false).unwrap();
        v.write_file(ctx, "/zlast", b"", false).unwrap();
        v.write_file(ctx, "/cc", b"", false).unwrap();
        v.remove(ctx, "/e", false).unwrap();
        assert_eq!(
            merged(&mut v),
            ["0first", "a", "b", "cc", "d", "dir", "zlast"]
        );
    }
}
