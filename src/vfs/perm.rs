//! Permission checks (`Inode.CheckPermission`, `GenericCheckPermission`).

use super::inode::InodeId;
use super::mount_source::MsrcKind;
use super::Vfs;
use crate::errno::Errno;
use crate::error::Result;

/// `fs.PermMask`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PermMask {
    pub read: bool,
    pub write: bool,
    pub execute: bool,
}

impl PermMask {
    pub const READ: PermMask = PermMask {
        read: true,
        write: false,
        execute: false,
    };
    pub const WRITE: PermMask = PermMask {
        read: false,
        write: true,
        execute: false,
    };
    pub const EXEC: PermMask = PermMask {
        read: false,
        write: false,
        execute: true,
    };
    pub const READ_EXEC: PermMask = PermMask {
        read: true,
        write: false,
        execute: true,
    };
    /// What changing a directory's entries needs (create, remove, rename).
    pub const WRITE_EXEC: PermMask = PermMask {
        read: false,
        write: true,
        execute: true,
    };
}

impl Vfs {
    /// `Inode.CheckPermission`: EROFS when writing to a read-only mount
    /// source, or for an overlay when its *upper* mount source is read-only
    /// (lower layers being read-only never matters); then the mode check.
    pub fn check_permission(&self, inode: InodeId, p: PermMask) -> Result<()> {
        let msrc = self.ino(inode)?.msrc;
        if p.write {
            let m = self.msrcs.get(msrc).ok_or(Errno::ESTALE)?;
            if m.flags.read_only {
                return Err(Errno::EROFS.into());
            }
            if let MsrcKind::Overlay { upper, .. } = m.kind {
                if self.msrcs.get(upper).is_some_and(|u| u.flags.read_only) {
                    return Err(Errno::EROFS.into());
                }
            }
        }
        self.check_mode(inode, p)
    }

    /// `Inode.check` / `overlayCheck`: an overlay checks its upper, or its
    /// lower for read instead of write (copy-up only needs to read it).
    fn check_mode(&self, inode: InodeId, mut p: PermMask) -> Result<()> {
        if let Some(o) = self.overlay_entry(inode) {
            if let Some(u) = o.upper {
                return self.check_mode(u, p);
            }
            if p.write {
                p.write = false;
                p.read = true;
            }
            return match o.lower {
                Some(l) => self.check_mode(l, p),
                None => Err(Errno::EIO.into()),
            };
        }
        // Every caller here is root with full capabilities
        // (`GenericCheckPermission` with CAP_DAC_OVERRIDE): reads and writes
        // always pass; execute needs a directory or at least one x bit.
        if p.execute && !self.is_dir(inode) {
            let perms = self.ino(inode)?.attr.perms;
            if perms & 0o111 == 0 {
                return Err(Errno::EACCES.into());
            }
        }
        Ok(())
    }
}
