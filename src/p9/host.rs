//! The in-memory "host" filesystem the gofer serves: regular files,
//! directories and symlinks with stable inode numbers, owners, modes and
//! timestamps taken from a logical counter (the core has no clocks).
//!
//! This stands in for the directory tree runsc's gofer process sees after
//! `chroot(spec.Root.Path)` plus the bind mounts `setupFS` made in it
//! (`runsc/container/fs.go`). Paths here are host paths, always absolute,
//! `/`-separated; symlinks are never followed (fsgofer opens everything with
//! `O_NOFOLLOW`). Names are UTF-8: the engine, its reports and the browser
//! front are all UTF-8, and the server answers a non-UTF-8 9P name with EINVAL.

use super::consts::{S_IFDIR, S_IFLNK, S_IFREG};
use crate::errno::Errno;
use crate::util::FastMap;
use std::collections::BTreeMap;

/// An inode number; stable for the node's life and never reused.
pub type Ino = u64;

/// The root directory's inode number.
pub const ROOT_INO: Ino = 1;

/// Largest single file, so a hostile `Tsetattr size=2^63` or a write at a huge
/// offset is refused with EFBIG instead of exhausting memory.
pub use crate::limits::MAX_FILE_SIZE;
/// Most nodes the tree holds; creating more gives ENOSPC.
pub use crate::limits::MAX_HOST_NODES;
/// Longest name (`NAME_MAX`) and symlink target (`PATH_MAX - 1`): longer
/// ones are ENAMETOOLONG, as the host's syscalls answer fsgofer.
use crate::limits::{MAX_NAME_BYTES, MAX_PATH_BYTES};

/// What a node holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    File(Vec<u8>),
    Dir(BTreeMap<String, Ino>),
    Symlink(String),
}

/// One inode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostNode {
    pub ino: Ino,
    pub kind: NodeKind,
    /// Permission bits only (`0o7777`); the type comes from `kind`.
    pub perm: u32,
    pub uid: u32,
    pub gid: u32,
    /// Links from directory entries (for directories: 1 while attached).
    pub links: u32,
    /// For directories, the containing directory (the root names itself).
    pub parent: Ino,
    /// Every directory entry naming this node, as `(directory, name)`: the
    /// reverse index that finds a node's links without scanning the tree.
    names: Links,
    pub atime: u64,
    pub mtime: u64,
    pub ctime: u64,
    /// Nanoseconds of `atime`/`mtime`: 0 for the logical clock's ticks, the
    /// client's value after a Tsetattr with `ATIME_SET`/`MTIME_SET`.
    pub atime_nsec: u64,
    pub mtime_nsec: u64,
    /// Fids holding the node open; an unlinked node lives until they go
    /// (so a deleted-but-open file still reads, as on Linux).
    holds: u32,
}

impl HostNode {
    /// `S_IF*` type bits.
    pub fn file_type(&self) -> u32 {
        match self.kind {
            NodeKind::File(_) => S_IFREG,
            NodeKind::Dir(_) => S_IFDIR,
            NodeKind::Symlink(_) => S_IFLNK,
        }
    }
    /// Type and permission bits, as `st_mode`.
    pub fn mode(&self) -> u32 {
        self.file_type() | (self.perm & 0o7777)
    }
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, NodeKind::Dir(_))
    }
    pub fn is_symlink(&self) -> bool {
        matches!(self.kind, NodeKind::Symlink(_))
    }
    /// `st_size`: content length, target length, or 4096 for directories.
    pub fn size(&self) -> u64 {
        match &self.kind {
            NodeKind::File(d) => d.len() as u64,
            NodeKind::Dir(_) => 4096,
            NodeKind::Symlink(t) => t.len() as u64,
        }
    }
    /// Directory entries, if a directory.
    pub fn entries(&self) -> Option<&BTreeMap<String, Ino>> {
        match &self.kind {
            NodeKind::Dir(e) => Some(e),
            _ => None,
        }
    }
    /// Content or entries changed at tick `t`: mtime and ctime move, and
    /// the nanoseconds a Tsetattr may have set are dropped.
    fn modified(&mut self, t: u64) {
        self.mtime = t;
        self.mtime_nsec = 0;
        self.ctime = t;
    }

    /// Drops `(dir, name)` from the reverse index.
    fn forget_name(&mut self, dir: Ino, name: &str) {
        self.names.remove(dir, name);
    }
}

/// A node's links, `(directory, name)`: the first inline (most nodes have
/// one), hard links beyond it in a vector, so the index costs a node about
/// 40 bytes plus its name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Links {
    first: Option<(Ino, Box<str>)>,
    more: Vec<(Ino, Box<str>)>,
}

impl Links {
    fn add(&mut self, dir: Ino, name: &str) {
        let link = (dir, Box::from(name));
        if self.first.is_none() {
            self.first = Some(link);
        } else {
            self.more.push(link);
        }
    }
    fn remove(&mut self, dir: Ino, name: &str) {
        let is = |l: &(Ino, Box<str>)| l.0 == dir && &*l.1 == name;
        if self.first.as_ref().is_some_and(is) {
            self.first = self.more.pop();
        } else if let Some(i) = self.more.iter().position(is) {
            self.more.swap_remove(i);
        }
    }
    fn iter(&self) -> impl Iterator<Item = (Ino, &str)> {
        self.first.iter().chain(&self.more).map(|(d, n)| (*d, &**n))
    }
}

/// A node as reports show it (`list`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryInfo {
    pub ino: Ino,
    /// `"file"`, `"dir"` or `"symlink"`.
    pub kind: &'static str,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub target: Option<String>,
}

/// The host tree.
#[derive(Clone, Debug)]
pub struct HostFs {
    /// Hashed, not ordered: every 9P request looks nodes up by inode
    /// number, and nothing needs them in order.
    nodes: FastMap<Ino, HostNode>,
    next_ino: Ino,
    clock: u64,
    /// Bytes stored, against `capacity`: file content, symlink targets and
    /// the names of directory entries.
    used: u64,
    /// Total byte budget (`limits::MAX_HOST_BYTES`); more gives ENOSPC.
    pub capacity: u64,
    /// Node budget (`limits::MAX_HOST_NODES`): inodes, and directory
    /// entries (so hard links count too); more gives ENOSPC.
    pub max_nodes: usize,
    /// Directory entries, against `max_nodes`.
    entries: usize,
}

impl Default for HostFs {
    fn default() -> Self {
        HostFs::new()
    }
}

/// Splits an absolute or relative host path into its names, ignoring empty
/// components and `.`; `..` is refused (host paths given to the builder API
/// are literal, never resolved).
fn components(path: &str) -> Result<Vec<&str>, Errno> {
    let mut v = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(Errno::EINVAL),
            c => v.push(c),
        }
    }
    Ok(v)
}

/// NAME_MAX: a longer name is ENAMETOOLONG (as Linux's lookup answers).
fn check_name(name: &str) -> Result<(), Errno> {
    if name.len() > MAX_NAME_BYTES {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

impl HostFs {
    /// An empty tree: just `/`, mode 0755, owned by root.
    pub fn new() -> HostFs {
        let mut nodes = FastMap::default();
        nodes.insert(
            ROOT_INO,
            HostNode {
                ino: ROOT_INO,
                kind: NodeKind::Dir(BTreeMap::new()),
                perm: 0o755,
                uid: 0,
                gid: 0,
                links: 1,
                parent: ROOT_INO,
                names: Links::default(),
                atime: 0,
                mtime: 0,
                ctime: 0,
                atime_nsec: 0,
                mtime_nsec: 0,
                holds: 0,
            },
        );
        HostFs {
            nodes,
            next_ino: ROOT_INO + 1,
            clock: 0,
            used: 0,
            capacity: crate::limits::MAX_HOST_BYTES,
            max_nodes: MAX_HOST_NODES,
            entries: 0,
        }
    }

    /// Advances the logical clock and returns the new time.
    pub fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The current logical time.
    pub fn now(&self) -> u64 {
        self.clock
    }

    pub fn node(&self, ino: Ino) -> Option<&HostNode> {
        self.nodes.get(&ino)
    }

    /// Direct mutable access, for host-side changes the UI simulates.
    pub fn node_mut(&mut self, ino: Ino) -> Option<&mut HostNode> {
        self.nodes.get_mut(&ino)
    }

    /// Number of live inodes.
    pub fn inode_count(&self) -> usize {
        self.nodes.len()
    }

    /// Bytes stored (content, targets, entry names).
    pub fn used_bytes(&self) -> u64 {
        self.used
    }

    fn get(&self, ino: Ino) -> Result<&HostNode, Errno> {
        self.nodes.get(&ino).ok_or(Errno::ESTALE)
    }

    fn get_mut(&mut self, ino: Ino) -> Result<&mut HostNode, Errno> {
        self.nodes.get_mut(&ino).ok_or(Errno::ESTALE)
    }

    /// True while some directory entry names the node (false once unlinked).
    pub fn is_linked(&self, ino: Ino) -> bool {
        self.nodes.get(&ino).is_some_and(|n| n.links > 0)
    }

    /// The entry `name` of directory `dir`, never following symlinks.
    pub fn child(&self, dir: Ino, name: &str) -> Result<Ino, Errno> {
        check_name(name)?;
        match &self.get(dir)?.kind {
            NodeKind::Dir(e) => e.get(name).copied().ok_or(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// Looks a path up from the root without following any symlink; a
    /// symlink or file in the middle gives ENOTDIR.
    pub fn lookup(&self, path: &str) -> Result<Ino, Errno> {
        let mut cur = ROOT_INO;
        for name in components(path)? {
            cur = self.child(cur, name)?;
        }
        Ok(cur)
    }

    /// The path of a directory (or of any node through `hint`), for reports.
    pub fn path_of(&self, ino: Ino) -> Option<String> {
        let mut names = Vec::new();
        let mut cur = ino;
        while cur != ROOT_INO {
            let (parent, name) = self.find_link(cur, None)?;
            names.push(name);
            cur = parent;
            if names.len() > self.nodes.len() {
                return None;
            }
        }
        names.reverse();
        Some(format!("/{}", names.join("/")))
    }

    /// Finds a directory entry naming `ino`: first `hint` (a remembered
    /// parent and name), then another name in the hint's directory, then the
    /// lowest-numbered directory holding a link (so the answer does not
    /// depend on any map's order). The node's reverse index answers without
    /// a scan, however large the tree.
    pub fn find_link(&self, ino: Ino, hint: Option<(Ino, &str)>) -> Option<(Ino, String)> {
        if let Some((p, name)) = hint {
            if self.child(p, name).ok() == Some(ino) {
                return Some((p, name.to_string()));
            }
        }
        let node = self.nodes.get(&ino)?;
        if node.links == 0 || ino == ROOT_INO {
            return None;
        }
        let in_hint = hint.and_then(|(p, _)| node.names.iter().filter(|(d, _)| *d == p).min());
        in_hint
            .or_else(|| node.names.iter().min())
            .map(|(d, n)| (d, n.to_string()))
    }

    fn alloc(&mut self, kind: NodeKind, perm: u32, uid: u32, gid: u32, parent: Ino) -> Ino {
        let ino = self.next_ino;
        self.next_ino += 1;
        let t = self.tick();
        self.nodes.insert(
            ino,
            HostNode {
                ino,
                kind,
                perm: perm & 0o7777,
                uid,
                gid,
                links: 0,
                parent,
                names: Links::default(),
                atime: t,
                mtime: t,
                ctime: t,
                atime_nsec: 0,
                mtime_nsec: 0,
                holds: 0,
            },
        );
        ino
    }

    fn touch_dir(&mut self, dir: Ino) {
        let t = self.tick();
        if let Some(n) = self.nodes.get_mut(&dir) {
            n.modified(t);
        }
    }

    /// Links a fresh node into `dir` under `name`. `name` must already be a
    /// single safe component (the server checks; the builder splits paths).
    pub fn create_in(
        &mut self,
        dir: Ino,
        name: &str,
        kind: NodeKind,
        perm: u32,
        uid: u32,
        gid: u32,
    ) -> Result<Ino, Errno> {
        match &self.get(dir)?.kind {
            NodeKind::Dir(e) if e.contains_key(name) => return Err(Errno::EEXIST),
            NodeKind::Dir(_) => {}
            _ => return Err(Errno::ENOTDIR),
        }
        if self.get(dir)?.links == 0 {
            return Err(Errno::ENOENT);
        }
        let size = match &kind {
            NodeKind::File(d) => d.len() as u64,
            NodeKind::Symlink(t) if t.len() >= MAX_PATH_BYTES => return Err(Errno::ENAMETOOLONG),
            _ => 0,
        };
        if self.nodes.len() >= self.max_nodes {
            return Err(Errno::ENOSPC);
        }
        let target = match &kind {
            NodeKind::Symlink(t) => t.len(),
            _ => 0,
        };
        self.room_for_entry(name, 0, size.saturating_add(target as u64))?;
        self.charge(0, size)?;
        self.used = self.used.saturating_add(target as u64);
        let ino = self.alloc(kind, perm, uid, gid, dir);
        self.link_entry(dir, name, ino);
        Ok(ino)
    }

    /// ENAMETOOLONG for a name over NAME_MAX; ENOSPC when one more entry
    /// named `name` (replacing one of `freed` name bytes), plus `extra`
    /// bytes of content or target, is over budget.
    fn room_for_entry(&self, name: &str, freed: usize, extra: u64) -> Result<(), Errno> {
        check_name(name)?;
        if self.entries + 1 >= self.max_nodes {
            return Err(Errno::ENOSPC);
        }
        let bytes = (name.len().saturating_sub(freed) as u64).saturating_add(extra);
        if self.used.saturating_add(bytes) > self.capacity {
            return Err(Errno::ENOSPC);
        }
        Ok(())
    }

    /// Gives back bytes of a name or target.
    fn uncharge(&mut self, n: usize) {
        self.used = self.used.saturating_sub(n as u64);
    }

    /// Links `ino` as `name` in `dir`; the caller checked
    /// [`HostFs::room_for_entry`].
    fn link_entry(&mut self, dir: Ino, name: &str, ino: Ino) {
        if let Some(NodeKind::Dir(e)) = self.nodes.get_mut(&dir).map(|n| &mut n.kind) {
            if e.insert(name.to_string(), ino).is_none() {
                self.entries += 1;
                self.used = self.used.saturating_add(name.len() as u64);
            }
        }
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.names.add(dir, name);
            n.links += 1;
            if n.is_dir() {
                n.parent = dir;
            }
        }
        self.touch_dir(dir);
    }

    /// Accounts a content size change from `old` to `new` bytes.
    fn charge(&mut self, old: u64, new: u64) -> Result<(), Errno> {
        if new > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let used = self.used - old.min(self.used) + new;
        if new > old && used > self.capacity {
            return Err(Errno::ENOSPC);
        }
        self.used = used;
        Ok(())
    }

    /// Removes the entry and drops the node if nothing references it.
    fn unlink_entry(&mut self, dir: Ino, name: &str) -> Option<Ino> {
        let ino = match self.nodes.get_mut(&dir).map(|n| &mut n.kind) {
            Some(NodeKind::Dir(e)) => e.remove(name)?,
            _ => return None,
        };
        self.entries = self.entries.saturating_sub(1);
        self.uncharge(name.len());
        self.touch_dir(dir);
        let t = self.now();
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.forget_name(dir, name);
            n.links = n.links.saturating_sub(1);
            n.ctime = t;
        }
        self.maybe_free(ino);
        Some(ino)
    }

    fn maybe_free(&mut self, ino: Ino) {
        let free = self
            .nodes
            .get(&ino)
            .is_some_and(|n| n.links == 0 && n.holds == 0 && ino != ROOT_INO);
        if !free {
            return;
        }
        if let Some(n) = self.nodes.remove(&ino) {
            match n.kind {
                NodeKind::File(d) => self.used -= (d.len() as u64).min(self.used),
                NodeKind::Dir(e) => {
                    // A directory replaced wholesale by a builder call takes its
                    // subtree with it.
                    for (name, child) in e {
                        self.entries = self.entries.saturating_sub(1);
                        self.uncharge(name.len());
                        if let Some(c) = self.nodes.get_mut(&child) {
                            c.forget_name(ino, &name);
                            c.links = c.links.saturating_sub(1);
                        }
                        self.maybe_free(child);
                    }
                }
                NodeKind::Symlink(t) => self.uncharge(t.len()),
            }
        }
    }

    /// A fid starts referencing `ino` (fsgofer keeps the host fd open).
    pub fn hold(&mut self, ino: Ino) {
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.holds += 1;
        }
    }

    /// A fid stops referencing `ino`; an unlinked node is freed at the last.
    pub fn release(&mut self, ino: Ino) {
        if let Some(n) = self.nodes.get_mut(&ino) {
            n.holds = n.holds.saturating_sub(1);
        }
        self.maybe_free(ino);
    }

    /// `unlinkat(dir, name, flags)`: `rmdir` semantics when `remove_dir`.
    pub fn unlink_in(&mut self, dir: Ino, name: &str, remove_dir: bool) -> Result<(), Errno> {
        let ino = self.child(dir, name)?;
        let node = self.get(ino)?;
        match (&node.kind, remove_dir) {
            (NodeKind::Dir(e), true) if !e.is_empty() => return Err(Errno::ENOTEMPTY),
            (NodeKind::Dir(_), true) => {}
            (NodeKind::Dir(_), false) => return Err(Errno::EISDIR),
            (_, true) => return Err(Errno::ENOTDIR),
            (_, false) => {}
        }
        self.unlink_entry(dir, name);
        Ok(())
    }

    /// `renameat(olddir, oldname, newdir, newname)` with POSIX replacement rules.
    pub fn rename_in(
        &mut self,
        olddir: Ino,
        oldname: &str,
        newdir: Ino,
        newname: &str,
    ) -> Result<(), Errno> {
        let src = self.child(olddir, oldname)?;
        if !self.get(newdir)?.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        if self.get(newdir)?.links == 0 {
            return Err(Errno::ENOENT);
        }
        let src_is_dir = self.get(src)?.is_dir();
        if src_is_dir {
            // Moving a directory under itself would detach a cycle.
            let mut cur = newdir;
            loop {
                if cur == src {
                    return Err(Errno::EINVAL);
                }
                if cur == ROOT_INO {
                    break;
                }
                cur = self.get(cur)?.parent;
            }
        }
        self.room_for_entry(newname, oldname.len(), 0)?;
        match self.child(newdir, newname) {
            Ok(dst) if dst == src => return Ok(()),
            Ok(dst) => {
                let d = self.get(dst)?;
                match (&d.kind, src_is_dir) {
                    (NodeKind::Dir(e), true) if !e.is_empty() => return Err(Errno::ENOTEMPTY),
                    (NodeKind::Dir(_), true) => {}
                    (NodeKind::Dir(_), false) => return Err(Errno::EISDIR),
                    (_, true) => return Err(Errno::ENOTDIR),
                    (_, false) => {}
                }
                self.unlink_entry(newdir, newname);
            }
            Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        // Keep the node alive across the unlink/relink pair.
        self.hold(src);
        self.unlink_entry(olddir, oldname);
        self.link_entry(newdir, newname, src);
        self.release(src);
        Ok(())
    }

    /// `linkat`: a new name for a non-directory.
    pub fn link_in(&mut self, dir: Ino, name: &str, target: Ino) -> Result<(), Errno> {
        if self.get(target)?.is_dir() {
            return Err(Errno::EPERM);
        }
        if self.get(target)?.links == 0 {
            return Err(Errno::ENOENT);
        }
        match self.child(dir, name) {
            Ok(_) => return Err(Errno::EEXIST),
            Err(Errno::ENOENT) => {}
            Err(e) => return Err(e),
        }
        self.room_for_entry(name, 0, 0)?;
        self.link_entry(dir, name, target);
        let t = self.now();
        self.get_mut(target)?.ctime = t;
        Ok(())
    }

    /// Reads up to `count` bytes at `offset` of a regular file.
    pub fn read(&mut self, ino: Ino, offset: u64, count: usize) -> Result<Vec<u8>, Errno> {
        let n = self.get(ino)?;
        let data = match &n.kind {
            NodeKind::File(d) => d,
            NodeKind::Dir(_) => return Err(Errno::EISDIR),
            NodeKind::Symlink(_) => return Err(Errno::EINVAL),
        };
        let len = data.len() as u64;
        if offset >= len {
            return Ok(Vec::new());
        }
        let start = offset as usize;
        let end = start.saturating_add(count).min(data.len());
        Ok(data.get(start..end).map(<[u8]>::to_vec).unwrap_or_default())
    }

    /// Writes `buf` at `offset`, growing the file (holes read as zeros).
    pub fn write(&mut self, ino: Ino, offset: u64, buf: &[u8]) -> Result<usize, Errno> {
        let old = match &self.get(ino)?.kind {
            NodeKind::File(d) => d.len() as u64,
            NodeKind::Dir(_) => return Err(Errno::EISDIR),
            NodeKind::Symlink(_) => return Err(Errno::EINVAL),
        };
        let end = offset.checked_add(buf.len() as u64).ok_or(Errno::EFBIG)?;
        let new = old.max(end);
        self.charge(old, new)?;
        let t = self.tick();
        let n = self.get_mut(ino)?;
        if let NodeKind::File(d) = &mut n.kind {
            // `new <= MAX_FILE_SIZE`, checked by `charge`, so these fit usize.
            let (start, end) = (offset as usize, end as usize);
            if start == d.len() {
                // Appending (every sequential write): no zero fill first.
                d.extend_from_slice(buf);
            } else {
                if d.len() < end {
                    d.resize(end, 0);
                }
                if let Some(dst) = d.get_mut(start..end) {
                    dst.copy_from_slice(buf);
                }
            }
        }
        n.modified(t);
        Ok(buf.len())
    }

    /// `truncate(2)`.
    pub fn truncate(&mut self, ino: Ino, size: u64) -> Result<(), Errno> {
        let old = match &self.get(ino)?.kind {
            NodeKind::File(d) => d.len() as u64,
            NodeKind::Dir(_) => return Err(Errno::EISDIR),
            NodeKind::Symlink(_) => return Err(Errno::EINVAL),
        };
        self.charge(old, size)?;
        let t = self.tick();
        let n = self.get_mut(ino)?;
        if let NodeKind::File(d) = &mut n.kind {
            d.resize(size as usize, 0);
        }
        n.modified(t);
        Ok(())
    }

    // ---- builder API: host paths, parents implied 0755 ----

    /// `mkdir -p`: creates missing directories with `mode` (existing ones are
    /// kept); a non-directory in the way is ENOTDIR.
    pub fn mkdir_all(&mut self, path: &str, mode: u32) -> Result<Ino, Errno> {
        let names = components(path)?;
        let mut cur = ROOT_INO;
        for (i, name) in names.iter().enumerate() {
            cur = match self.child(cur, name) {
                Ok(ino) if self.get(ino)?.is_dir() => ino,
                Ok(_) => return Err(Errno::ENOTDIR),
                Err(Errno::ENOENT) => {
                    let perm = if i + 1 == names.len() { mode } else { 0o755 };
                    self.create_in(cur, name, NodeKind::Dir(BTreeMap::new()), perm, 0, 0)?
                }
                Err(e) => return Err(e),
            };
        }
        Ok(cur)
    }

    /// Splits a path into (parent dir created 0755 as needed, last name).
    fn parent_of<'p>(&mut self, path: &'p str) -> Result<(Ino, &'p str), Errno> {
        let names = components(path)?;
        let Some((last, dirs)) = names.split_last() else {
            return Err(Errno::EEXIST); // the root itself
        };
        let parent = self.mkdir_all(&dirs.join("/"), 0o755)?;
        Ok((parent, last))
    }

    /// Puts a regular file at `path`. An existing entry there (of any kind)
    /// is replaced: a file keeps its inode number and gets the new content
    /// and mode; anything else is unlinked first. This is how a host-side
    /// change is simulated, and how a file bind mount's source is expressed.
    pub fn insert_file(&mut self, path: &str, mode: u32, bytes: &[u8]) -> Result<Ino, Errno> {
        let (dir, name) = self.parent_of(path)?;
        if let Ok(ino) = self.child(dir, name) {
            if let NodeKind::File(old) = &self.get(ino)?.kind {
                let old_len = old.len() as u64;
                self.charge(old_len, bytes.len() as u64)?;
                let t = self.tick();
                let n = self.get_mut(ino)?;
                n.kind = NodeKind::File(bytes.to_vec());
                n.perm = mode & 0o7777;
                n.modified(t);
                return Ok(ino);
            }
            self.unlink_entry(dir, name);
        }
        self.create_in(dir, name, NodeKind::File(bytes.to_vec()), mode, 0, 0)
    }

    /// Creates a symlink at `path` (EEXIST if something is there).
    pub fn symlink(&mut self, path: &str, target: &str) -> Result<Ino, Errno> {
        let (dir, name) = self.parent_of(path)?;
        self.create_in(
            dir,
            name,
            NodeKind::Symlink(target.to_string()),
            0o777,
            0,
            0,
        )
    }

    /// Removes `path` and, for a directory, everything under it.
    pub fn remove_all(&mut self, path: &str) -> Result<(), Errno> {
        let names = components(path)?;
        let Some((last, dirs)) = names.split_last() else {
            return Err(Errno::EBUSY);
        };
        let dir = self.lookup(&dirs.join("/"))?;
        self.child(dir, last)?;
        self.unlink_entry(dir, last);
        Ok(())
    }

    /// Renames a host path (a host-side change under the sandbox's feet).
    pub fn rename_path(&mut self, from: &str, to: &str) -> Result<(), Errno> {
        let fnames = components(from)?;
        let tnames = components(to)?;
        let (Some((fl, fd)), Some((tl, td))) = (fnames.split_last(), tnames.split_last()) else {
            return Err(Errno::EBUSY);
        };
        let fdir = self.lookup(&fd.join("/"))?;
        let tdir = self.lookup(&td.join("/"))?;
        self.rename_in(fdir, fl, tdir, tl)
    }

    /// Sets owner of a path (builder convenience).
    pub fn chown(&mut self, path: &str, uid: u32, gid: u32) -> Result<(), Errno> {
        let ino = self.lookup(path)?;
        let t = self.tick();
        let n = self.get_mut(ino)?;
        n.uid = uid;
        n.gid = gid;
        n.ctime = t;
        Ok(())
    }

    /// The file content at `path`, if it is a regular file.
    pub fn file_content(&self, path: &str) -> Result<&[u8], Errno> {
        match &self.get(self.lookup(path)?)?.kind {
            NodeKind::File(d) => Ok(d),
            NodeKind::Dir(_) => Err(Errno::EISDIR),
            NodeKind::Symlink(_) => Err(Errno::EINVAL),
        }
    }

    /// Report form of one node.
    pub fn info(&self, ino: Ino) -> Option<EntryInfo> {
        let n = self.nodes.get(&ino)?;
        let (kind, target) = match &n.kind {
            NodeKind::File(_) => ("file", None),
            NodeKind::Dir(_) => ("dir", None),
            NodeKind::Symlink(t) => ("symlink", Some(t.clone())),
        };
        Some(EntryInfo {
            ino,
            kind,
            mode: n.mode(),
            uid: n.uid,
            gid: n.gid,
            size: n.size(),
            target,
        })
    }

    /// The whole tree under `path` (not following symlinks), as
    /// `(relative path, info)` in name order, depth first. The node at
    /// `path` itself is listed first with relative path `""`.
    pub fn list(&self, path: &str) -> Result<Vec<(String, EntryInfo)>, Errno> {
        let top = self.lookup(path)?;
        let mut out = Vec::new();
        let mut stack = vec![(String::new(), top)];
        while let Some((rel, ino)) = stack.pop() {
            let Some(info) = self.info(ino) else { continue };
            out.push((rel.clone(), info));
            if let Some(e) = self.nodes.get(&ino).and_then(HostNode::entries) {
                for (name, &child) in e.iter().rev() {
                    let p = if rel.is_empty() {
                        name.clone()
                    } else {
                        format!("{rel}/{name}")
                    };
                    stack.push((p, child));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_implies_parents_and_keeps_inodes() {
        let mut h = HostFs::new();
        let f = h
            .insert_file("/etc/hosts", 0o644, b"127.0.0.1 localhost\n")
            .unwrap();
        let etc = h.lookup("/etc").unwrap();
        assert_eq!(h.node(etc).unwrap().mode(), S_IFDIR | 0o755);
        assert_eq!(h.node(f).unwrap().mode(), S_IFREG | 0o644);
        // Replacing content keeps the inode number.
        assert_eq!(h.insert_file("/etc/hosts", 0o600, b"x").unwrap(), f);
        assert_eq!(h.file_content("/etc/hosts").unwrap(), b"x");
        h.symlink("/etc/mtab", "/proc/self/mounts").unwrap();
        assert_eq!(h.symlink("/etc/mtab", "x"), Err(Errno::EEXIST));
        // No symlink is followed by lookup.
        assert_eq!(h.lookup("/etc/mtab/x"), Err(Errno::ENOTDIR));
        let listing: Vec<String> = h.list("/").unwrap().into_iter().map(|(p, _)| p).collect();
        assert_eq!(listing, ["", "etc", "etc/hosts", "etc/mtab"]);
    }

    #[test]
    fn file_replaces_directory_for_file_binds() {
        let mut h = HostFs::new();
        h.mkdir_all("/data/sub", 0o700).unwrap();
        h.insert_file("/data/sub/x", 0o644, b"abc").unwrap();
        // Content and entry names: 3 + "data" + "sub" + "x".
        assert_eq!(h.used_bytes(), 3 + 4 + 3 + 1);
        h.insert_file("/data", 0o644, b"now a file").unwrap();
        assert_eq!(h.file_content("/data").unwrap(), b"now a file");
        assert_eq!(h.used_bytes(), 10 + 4);
        assert_eq!(h.inode_count(), 2);
    }

    #[test]
    fn unlinked_but_held_nodes_survive_until_release() {
        let mut h = HostFs::new();
        let f = h.insert_file("/f", 0o644, b"data").unwrap();
        h.hold(f);
        h.unlink_in(ROOT_INO, "f", false).unwrap();
        assert!(!h.is_linked(f));
        assert_eq!(h.read(f, 0, 10).unwrap(), b"data");
        h.release(f);
        assert!(h.node(f).is_none());
        assert_eq!(h.used_bytes(), 0);
    }

    #[test]
    fn rename_rules() {
        let mut h = HostFs::new();
        let a = h.mkdir_all("/a/b", 0o755).unwrap();
        let root = ROOT_INO;
        let adir = h.lookup("/a").unwrap();
        assert_eq!(h.rename_in(root, "a", a, "x"), Err(Errno::EINVAL));
        h.insert_file("/f", 0o644, b"").unwrap();
        assert_eq!(h.rename_in(root, "f", adir, "b"), Err(Errno::EISDIR));
        assert_eq!(h.rename_in(adir, "b", root, "f"), Err(Errno::ENOTDIR));
        h.rename_in(root, "f", adir, "g").unwrap();
        assert_eq!(h.path_of(a).unwrap(), "/a/b");
        h.rename_in(adir, "b", root, "b2").unwrap();
        assert_eq!(h.path_of(a).unwrap(), "/b2");
        assert_eq!(h.unlink_in(root, "a", true), Err(Errno::ENOTEMPTY));
    }

    #[test]
    fn writes_append_overwrite_and_leave_holes() {
        let mut h = HostFs::new();
        let f = h.insert_file("/f", 0o644, b"").unwrap();
        assert_eq!(h.write(f, 0, b"abcd"), Ok(4));
        assert_eq!(h.write(f, 4, b"ef"), Ok(2));
        assert_eq!(h.write(f, 1, b"XY"), Ok(2));
        assert_eq!(h.read(f, 0, 100).unwrap(), b"aXYdef");
        assert_eq!(h.write(f, 8, b"z"), Ok(1));
        assert_eq!(h.read(f, 0, 100).unwrap(), b"aXYdef\0\0z");
    }

    #[test]
    fn sizes_are_bounded() {
        let mut h = HostFs::new();
        let f = h.insert_file("/f", 0o644, b"").unwrap();
        assert_eq!(h.truncate(f, u64::MAX), Err(Errno::EFBIG));
        assert_eq!(h.write(f, u64::MAX - 1, b"ab"), Err(Errno::EFBIG));
        h.capacity = 5; // the name "f" and 4 bytes
        assert_eq!(h.write(f, 0, b"12345"), Err(Errno::ENOSPC));
        assert_eq!(h.write(f, 0, b"1234"), Ok(4));
    }
}
