//! The sandbox VFS: gVisor's 2018 `pkg/sentry/fs` as far as `runsc/boot/fs.go`
//! touches it.
//!
//! Everything lives in one [`Vfs`] value made of arenas with typed ids:
//! inodes, dirents, mount sources and open files. Dirents form the cached name
//! tree exactly as gVisor's do (a mount *replaces* a dirent in its parent's
//! child map, `..` follows the dirent parent), inodes carry the filesystem
//! data, and mount sources carry the flags and the mount ids that
//! `/proc/self/mountinfo` prints. Detached objects are reclaimed by
//! [`Vfs::collect_garbage`], which unmount and container destroy call.

mod attr;
mod dirent;
mod file;
mod gc;
mod inode;
mod mount_source;
mod mounts;
mod ops;
mod overlay;
mod perm;
mod remote;
mod syscalls;

pub use crate::util::path::{clean, clean_cow, join, split_first};
pub use attr::{Attr, FileType, Stat};
pub use file::{FileId, OpenFlags};
pub use inode::{Device, DirCreate, GeneratedFile, Inode, InodeId, Node, OverlayEntry};
pub use mount_source::{MountSource, MountSourceFlags, MsrcId, MsrcKind};
pub use mounts::{MountInfo, MAX_SYMLINK_TRAVERSALS, NAME_MAX};
pub use ops::DirEntry;
pub use overlay::OverlayEvent;
pub use perm::PermMask;
pub use remote::{Remote, RemoteCreate, RemoteFile, RemoteFs, RemoteId};
pub use syscalls::PATH_MAX;

use crate::util::FastMap;
use dirent::Dirent;
use file::OpenFile;
use slotmap::{new_key_type, SlotMap};

new_key_type! {
    /// A cached name in the tree (gVisor's `*fs.Dirent`).
    pub struct DirentId;
}

/// Who is asking: the task's root and working directory (gVisor's context
/// `RootFromContext` and the task's cwd). Everything runs as root (uid 0) with
/// full capabilities, as runsc's `rootCtx` and the shell do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ctx {
    pub root: DirentId,
    pub cwd: DirentId,
}

impl Ctx {
    /// A context whose root and working directory are both `root`.
    pub fn at(root: DirentId) -> Ctx {
        Ctx { root, cwd: root }
    }
}

/// Counts of live objects, for tests that check that detaching frees memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct VfsStats {
    pub inodes: usize,
    pub dirents: usize,
    pub mount_sources: usize,
    pub open_files: usize,
}

/// The whole in-memory kernel filesystem state of one sandbox.
pub struct Vfs {
    pub(crate) inodes: SlotMap<InodeId, Inode>,
    pub(crate) dirents: SlotMap<DirentId, Dirent>,
    pub(crate) msrcs: SlotMap<MsrcId, MountSource>,
    pub(crate) files: SlotMap<FileId, OpenFile>,
    /// The namespace root dirent (`MountNamespace.root`), once created.
    pub(crate) ns_root: Option<DirentId>,
    /// `MountNamespace.mounts`: the last mounted dirent -> stack of dirents it
    /// covers, oldest first.
    pub(crate) mounts: FastMap<DirentId, Vec<DirentId>>,
    /// `MountNamespace.mountID`: the next mount id to hand out.
    pub(crate) next_mount_id: u64,
    next_ino: u64,
    /// Logical clock: a counter, so runs are reproducible and no clock is needed.
    clock: u64,
    /// State of the seeded generator behind `/dev/random` and `/dev/urandom`.
    rng: u64,
    /// The remote filesystem (the 9p client and its gofers, one per
    /// container start), installed by the first 9p mount.
    pub(crate) remote: Option<Box<dyn RemoteFs>>,
    /// Copy-ups and whiteouts not yet named to the user (drained by the
    /// shell after each line).
    pub(crate) overlay_events: Vec<OverlayEvent>,
}

impl Default for Vfs {
    fn default() -> Self {
        Vfs::new()
    }
}

impl Vfs {
    /// An empty VFS with no namespace yet.
    pub fn new() -> Vfs {
        Vfs::with_seed(0x6d6f_756e_746c_6162) // "mountlab"
    }

    /// An empty VFS whose random devices are seeded with `seed`.
    pub fn with_seed(seed: u64) -> Vfs {
        Vfs {
            inodes: SlotMap::with_key(),
            dirents: SlotMap::with_key(),
            msrcs: SlotMap::with_key(),
            files: SlotMap::with_key(),
            ns_root: None,
            mounts: FastMap::default(),
            next_mount_id: 2,
            next_ino: 1,
            clock: 1,
            rng: seed,
            remote: None,
            overlay_events: Vec::new(),
        }
    }

    /// Live object counts.
    pub fn stats(&self) -> VfsStats {
        VfsStats {
            inodes: self.inodes.len(),
            dirents: self.dirents.len(),
            mount_sources: self.msrcs.len(),
            open_files: self.files.len(),
        }
    }

    /// The next logical timestamp (nanoseconds of a fake clock).
    pub(crate) fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// A fresh inode number, unique within this VFS.
    pub(crate) fn alloc_ino(&mut self) -> u64 {
        let n = self.next_ino;
        self.next_ino += 1;
        n
    }

    /// Fills `buf` from the seeded generator (splitmix64), for `/dev/[u]random`.
    pub(crate) fn fill_random(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            let bytes = z.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}
