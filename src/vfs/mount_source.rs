//! Mount sources: one per filesystem instance (`fs.MountSource`).

use serde::Serialize;
use slotmap::new_key_type;

new_key_type! {
    /// A mount source in the VFS arena.
    pub struct MsrcId;
}

/// `fs.MountSourceFlags` as runsc 2018 uses them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct MountSourceFlags {
    pub read_only: bool,
    pub no_atime: bool,
}

/// The flags as mountinfo and every view print them: `rw`, `ro`,
/// `rw,noatime` (the labels the CLI and the page share).
impl std::fmt::Display for MountSourceFlags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.read_only { "ro" } else { "rw" })?;
        if self.no_atime {
            f.write_str(",noatime")?;
        }
        Ok(())
    }
}

/// What kind of mount source this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsrcKind {
    /// An ordinary filesystem whose inodes hold their own data.
    Plain,
    /// `newOverlayMountSource(upper, lower, flags)`.
    Overlay { upper: MsrcId, lower: MsrcId },
}

/// One mount source.
#[derive(Clone, Debug)]
pub struct MountSource {
    /// `Filesystem.Name()`: what `/proc/mounts` prints (`tmpfs`, `overlayfs`, ...).
    pub fs_name: String,
    /// The device string passed to `Mount` (`none`, `9pfs-/data`, ...).
    pub device: String,
    /// The data string passed to `Mount` (`mode=1777,uid=0`, 9P options, ...).
    pub data: String,
    pub flags: MountSourceFlags,
    pub kind: MsrcKind,
    /// The mount id; 0 until the source is mounted (root is 1).
    pub id: u64,
    /// The mount this one is mounted inside (`MountSource.parent`).
    pub parent: Option<MsrcId>,
    /// Mounts made inside this one (`MountSource.children`), in mount order.
    pub children: Vec<MsrcId>,
    /// The root dirent of the mount, once mounted.
    pub root: Option<super::DirentId>,
}

impl MountSource {
    /// A fresh, unmounted mount source.
    pub fn new(
        fs_name: &str,
        device: &str,
        data: &str,
        flags: MountSourceFlags,
        kind: MsrcKind,
    ) -> Self {
        MountSource {
            fs_name: fs_name.to_string(),
            device: device.to_string(),
            data: data.to_string(),
            flags,
            kind,
            id: 0,
            parent: None,
            children: Vec::new(),
            root: None,
        }
    }
}
