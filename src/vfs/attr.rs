//! File types and attributes (gVisor's `StableAttr` and `UnstableAttr`).

use serde::Serialize;

/// The type of an inode (`fs.InodeType`), narrowed to what this VFS serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    CharDevice,
    Socket,
}

impl FileType {
    /// The `S_IFMT` bits of this type.
    pub fn mode_bits(self) -> u32 {
        match self {
            FileType::Regular => 0o100000,
            FileType::Directory => 0o040000,
            FileType::Symlink => 0o120000,
            FileType::CharDevice => 0o020000,
            FileType::Socket => 0o140000,
        }
    }

    /// The letter `ls -l` prints for this type.
    pub fn letter(self) -> char {
        match self {
            FileType::Regular => '-',
            FileType::Directory => 'd',
            FileType::Symlink => 'l',
            FileType::CharDevice => 'c',
            FileType::Socket => 's',
        }
    }

    /// A word for humans (`stat` output, reports).
    pub fn word(self) -> &'static str {
        match self {
            FileType::Regular => "file",
            FileType::Directory => "dir",
            FileType::Symlink => "symlink",
            FileType::CharDevice => "chardev",
            FileType::Socket => "socket",
        }
    }
}

/// The mutable attributes an in-memory inode keeps (`fs.UnstableAttr` minus size,
/// which is derived from the data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr {
    /// Permission bits including setuid, setgid and sticky (`mode & 07777`).
    pub perms: u32,
    pub uid: u32,
    pub gid: u32,
    pub atime: u64,
    pub mtime: u64,
    pub ctime: u64,
}

impl Attr {
    /// Attributes for a new object owned by root at logical time `now`.
    pub fn new(perms: u32, now: u64) -> Attr {
        Attr {
            perms: perms & 0o7777,
            uid: 0,
            gid: 0,
            atime: now,
            mtime: now,
            ctime: now,
        }
    }
}

/// What `stat` reports for a node, after overlay and 9P resolution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stat {
    pub file_type: FileType,
    /// `S_IFMT | perms`, as `st_mode`.
    pub mode: u32,
    pub ino: u64,
    pub nlink: u64,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub rdev_major: u32,
    pub rdev_minor: u32,
    pub atime: u64,
    pub mtime: u64,
    pub ctime: u64,
}

impl Stat {
    /// The permission bits alone.
    pub fn perms(&self) -> u32 {
        self.mode & 0o7777
    }
}
