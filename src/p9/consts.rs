//! The 9P2000.L constants both sides use: the gofer (`server`, `host`,
//! `fsgofer`) and the sentry's 9p client filesystem (`fs/gofer.rs`, over
//! `client`). Declared once here (`pkg/p9/p9.go` and Linux's
//! `include/net/9p/9p.h` spell the same numbers).

/// `O_ACCMODE` and the access modes of Tlopen/Tlcreate flags (Linux's).
pub const O_RDONLY: u32 = 0;
pub const O_WRONLY: u32 = 1;
pub const O_RDWR: u32 = 2;
pub const O_ACCMODE: u32 = 3;

/// Tunlinkat flag for directories (Linux `AT_REMOVEDIR`).
pub const AT_REMOVEDIR: u32 = 0x200;

/// Tgetattr mask bits the server fills (`AttrMask`; Linux `P9_GETATTR_BASIC`).
pub const GETATTR_BASIC: u64 = 0x7ff;

/// Tgetattr mask the client asks for: everything (`p9.AttrMaskAll`, Linux
/// `P9_GETATTR_ALL` without data version and gen).
pub const GETATTR_ALL: u64 = 0x3fff;

/// Tsetattr `valid` bits (`SetAttrMask`; Linux `P9_ATTR_*`).
pub mod setattr_mask {
    pub const MODE: u32 = 0x1;
    pub const UID: u32 = 0x2;
    pub const GID: u32 = 0x4;
    pub const SIZE: u32 = 0x8;
    pub const ATIME: u32 = 0x10;
    pub const MTIME: u32 = 0x20;
    pub const CTIME: u32 = 0x40;
    pub const ATIME_SET: u32 = 0x80;
    pub const MTIME_SET: u32 = 0x100;
}

/// File type bits of a 9P `mode` (Linux `S_IF*`).
pub const S_IFMT: u32 = 0o170000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFCHR: u32 = 0o020000;
pub const S_IFSOCK: u32 = 0o140000;

/// QID type bits (`pkg/p9/p9.go` `QIDType`).
pub mod qid_type {
    pub const DIR: u8 = 0x80;
    pub const APPEND: u8 = 0x40;
    pub const EXCL: u8 = 0x20;
    pub const MOUNT: u8 = 0x10;
    pub const AUTH: u8 = 0x08;
    pub const TEMPORARY: u8 = 0x04;
    pub const SYMLINK: u8 = 0x02;
    pub const LINK: u8 = 0x01;
    pub const REGULAR: u8 = 0x00;
}

/// `V9FS_MAGIC`, the f_type Linux reports for 9p (Rstatfs).
pub const V9FS_MAGIC: u32 = 0x0102_1997;
