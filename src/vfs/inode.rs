//! Inodes: the data of every filesystem this VFS serves.

use super::attr::{Attr, FileType};
use super::mount_source::MsrcId;
use super::remote::Remote;
use slotmap::new_key_type;
use std::collections::BTreeMap;

new_key_type! {
    /// An inode in the VFS arena (gVisor's `*fs.Inode`).
    pub struct InodeId;
}

/// A character device of devtmpfs or devpts (`pkg/sentry/fs/dev`, `pkg/sentry/fs/tty`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Device {
    /// `/dev/null`: swallows writes, reads EOF.
    Null,
    /// `/dev/zero`: reads zeros, swallows writes.
    Zero,
    /// `/dev/full`: reads zeros, writes fail with ENOSPC.
    Full,
    /// `/dev/random`: reads from the seeded generator.
    Random,
    /// `/dev/urandom`: reads from the seeded generator.
    URandom,
    /// `/dev/pts/ptmx`: the pty multiplexer (no terminals are allocated here).
    Ptmx,
    /// `/dev/tty`: the task's controlling terminal. No task here has one, so
    /// reads and writes fail with ENXIO, as gVisor's `ttyDevice.Open` does
    /// without a TTY (and Linux's `tty_open`).
    Tty,
    /// `/dev/fuse`: before a FUSE mount uses it, reads and writes fail with
    /// EPERM (gVisor's fuse `DeviceFD`, Linux's `fuse_dev_read`).
    Fuse,
}

impl Device {
    /// The memory devices by their `/dev` names (Linux's `drivers/char/mem.c`
    /// devlist, gVisor's `memdev`), in that order.
    pub const MEMORY: [(&'static str, Device); 5] = [
        ("null", Device::Null),
        ("zero", Device::Zero),
        ("full", Device::Full),
        ("random", Device::Random),
        ("urandom", Device::URandom),
    ];

    /// Linux's (major, minor) for the device.
    pub fn numbers(self) -> (u32, u32) {
        match self {
            Device::Null => (1, 3),
            Device::Zero => (1, 5),
            Device::Full => (1, 7),
            Device::Random => (1, 8),
            Device::URandom => (1, 9),
            Device::Ptmx => (5, 2),
            Device::Tty => (5, 0),
            Device::Fuse => (10, 229),
        }
    }
}

/// Files of procfs whose contents are generated on every read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratedFile {
    /// `/proc/[pid]/mounts` (`pkg/sentry/fs/proc/mounts.go` mountsFile).
    Mounts,
    /// `/proc/[pid]/mountinfo` (`pkg/sentry/fs/proc/mounts.go` mountInfoFile).
    MountInfo,
    /// `/proc/filesystems` (`pkg/sentry/fs/proc/filesystems.go`).
    Filesystems,
}

/// The overlay metadata of an inode (`fs.overlayEntry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverlayEntry {
    /// The upper inode, once it exists (after creation or copy-up).
    pub upper: Option<InodeId>,
    /// The lower inode, if the name exists in the lower filesystem.
    pub lower: Option<InodeId>,
    /// `lowerExists`: removing this name must leave a whiteout.
    pub lower_exists: bool,
}

/// What an inode holds.
#[derive(Clone, Debug)]
pub enum Node {
    /// An in-memory directory (tmpfs, ramfs, devtmpfs, sysfs, procfs dirs).
    Dir(BTreeMap<String, InodeId>),
    /// An in-memory regular file.
    File(Vec<u8>),
    /// A symbolic link.
    Symlink(String),
    /// A character device.
    CharDev(Device),
    /// A unix socket node (only ever present as an overlay lower type check).
    Socket,
    /// A file whose contents procfs generates on read.
    Generated(GeneratedFile),
    /// An overlay of an upper and a lower inode.
    Overlay(OverlayEntry),
    /// A file of a remote filesystem ([`super::RemoteFs`]: the sentry's 9p
    /// client, `pkg/sentry/fs/gofer`).
    Remote(Remote),
}

impl Node {
    /// The remote file this node is, if it is one. Every variant is named
    /// (here and in every match on `Node`), so a new kind of node is a
    /// compile error wherever it is not handled.
    pub fn remote(&self) -> Option<Remote> {
        match self {
            Node::Remote(r) => Some(*r),
            Node::Dir(_)
            | Node::File(_)
            | Node::Symlink(_)
            | Node::CharDev(_)
            | Node::Socket
            | Node::Generated(_)
            | Node::Overlay(_) => None,
        }
    }

    /// The entries, if this is an in-memory directory.
    pub fn dir(&self) -> Option<&BTreeMap<String, InodeId>> {
        if let Node::Dir(e) = self {
            Some(e)
        } else {
            None
        }
    }

    fn dir_mut(&mut self) -> Option<&mut BTreeMap<String, InodeId>> {
        if let Node::Dir(e) = self {
            Some(e)
        } else {
            None
        }
    }
}

/// Which creations a directory's inode operations accept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DirCreate {
    /// tmpfs (a `ramfs.Dir` with `CreateOps`) and gofer directories.
    #[default]
    Allowed,
    /// A `ramfs.Dir` built without `CreateOps` (procfs, devtmpfs, sysfs and
    /// their subdirectories, the stub tree): `Create`, `CreateDirectory` and
    /// `CreateLink` return `ramfs.ErrDenied`, which the syscall layer turns
    /// into EACCES; `CreateHardLink` does not check and succeeds.
    NoCreateOps,
    /// devpts's root (`tty.dirInodeOperations`): every create, hard links
    /// included, is EACCES.
    Never,
}

/// One inode.
#[derive(Clone, Debug)]
pub struct Inode {
    /// The mount source (filesystem instance) this inode belongs to.
    pub msrc: MsrcId,
    /// The inode number `stat` reports.
    pub ino: u64,
    pub attr: Attr,
    /// Link count for non-directories; directories compute theirs.
    pub nlink: u32,
    pub node: Node,
    /// Extended attributes; overlay whiteouts live here on upper directories.
    pub xattrs: Option<Box<BTreeMap<String, Vec<u8>>>>,
    /// For a directory: which creations its inode operations accept.
    pub create: DirCreate,
}

impl Inode {
    /// The type of a non-overlay inode. Overlay inodes take their type from
    /// their layers, which [`crate::vfs::Vfs::file_type`] resolves.
    pub(crate) fn own_type(&self) -> Option<FileType> {
        Some(match &self.node {
            Node::Dir(_) => FileType::Directory,
            Node::File(_) | Node::Generated(_) => FileType::Regular,
            Node::Symlink(_) => FileType::Symlink,
            Node::CharDev(_) => FileType::CharDevice,
            Node::Socket => FileType::Socket,
            Node::Remote(r) => r.file_type,
            Node::Overlay(_) => return None,
        })
    }

    /// The remote file, if this is a remote inode.
    pub fn remote(&self) -> Option<Remote> {
        self.node.remote()
    }

    /// The overlay entry, if this is an overlay inode.
    pub fn overlay(&self) -> Option<&OverlayEntry> {
        if let Node::Overlay(o) = &self.node {
            Some(o)
        } else {
            None
        }
    }

    /// The entries, if this is an in-memory directory, for changing.
    pub(crate) fn dir_mut(&mut self) -> Option<&mut BTreeMap<String, InodeId>> {
        self.node.dir_mut()
    }
}
