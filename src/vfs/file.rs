//! Open files (`fs.File`): a dirent, the open flags and an offset.

use super::DirentId;
use slotmap::new_key_type;

new_key_type! {
    /// An open file in the VFS arena.
    pub struct FileId;
}

/// The flags of `open(2)` that this VFS honours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenFlags {
    pub read: bool,
    pub write: bool,
    pub append: bool,
    pub create: bool,
    pub exclusive: bool,
    pub truncate: bool,
    pub directory: bool,
    pub no_follow: bool,
}

impl OpenFlags {
    /// `O_RDONLY`.
    pub const READ: OpenFlags = OpenFlags {
        read: true,
        write: false,
        append: false,
        create: false,
        exclusive: false,
        truncate: false,
        directory: false,
        no_follow: false,
    };

    /// `O_WRONLY`.
    pub fn write_only() -> OpenFlags {
        OpenFlags {
            write: true,
            ..OpenFlags::default()
        }
    }

    /// `O_RDWR`.
    pub fn read_write() -> OpenFlags {
        OpenFlags {
            read: true,
            write: true,
            ..OpenFlags::default()
        }
    }

    /// `O_WRONLY|O_CREAT|O_TRUNC`, what `>` in a shell does.
    pub fn create_truncate() -> OpenFlags {
        OpenFlags {
            write: true,
            create: true,
            truncate: true,
            ..OpenFlags::default()
        }
    }

    /// `O_WRONLY|O_CREAT|O_APPEND`, what `>>` in a shell does.
    pub fn create_append() -> OpenFlags {
        OpenFlags {
            write: true,
            create: true,
            append: true,
            ..OpenFlags::default()
        }
    }
}

/// One open file.
#[derive(Clone, Debug)]
pub struct OpenFile {
    pub dirent: DirentId,
    pub flags: OpenFlags,
    pub offset: u64,
}
