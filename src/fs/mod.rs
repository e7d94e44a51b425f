//! The filesystem registry (`fs.FindFilesystem`) and each in-memory
//! filesystem that runsc mounts: tmpfs, the ramfs stub tree, devtmpfs, devpts,
//! procfs and sysfs.

mod dev;
mod devpts;
mod gofer;
mod options;
mod proc;
mod ramfs;
mod sys;
mod tmpfs;

pub use gofer::{
    parse_options as parse_9p_options, CachePolicy, ConnRef, GoferOptions, GoferSet, RemoteNode,
};
pub use options::{generic_mount_source_options, go_map};
pub use proc::{filesystems_text, mountinfo_text, mounts_text, pin_text};
pub use ramfs::make_directory_tree;
pub use tmpfs::new_tmpfs;

use crate::error::{Error, Result};
use crate::vfs::{InodeId, MountSource, MountSourceFlags, MsrcKind, Vfs};

/// The filesystems `/proc/filesystems` lists, sorted by name as
/// `fs.GetFilesystems` returns them; all are `nodev`.
pub const REGISTERED: &[&str] = &["9p", "devpts", "devtmpfs", "proc", "sysfs", "tmpfs"];

/// `FindFilesystem(name).Mount(ctx, device, flags, data)`: a fresh instance of
/// the named filesystem, returning its root inode.
pub fn mount(
    vfs: &mut Vfs,
    fs_name: &str,
    device: &str,
    flags: MountSourceFlags,
    data: &str,
) -> Result<InodeId> {
    match fs_name {
        "tmpfs" => tmpfs::mount(vfs, device, flags, data),
        "devtmpfs" => Ok(dev::mount(vfs, device, flags)),
        "devpts" => devpts::mount(vfs, device, flags, data),
        "proc" => proc::mount(vfs, device, flags, data),
        "sysfs" => Ok(sys::mount(vfs, device, flags)),
        "9p" => gofer::mount(vfs, device, flags, data),
        _ => Err(Error::msg(format!("filesystem {fs_name:?} not found"))),
    }
}

impl Vfs {
    /// Registers a new plain mount source.
    pub fn new_mount_source(
        &mut self,
        fs_name: &str,
        device: &str,
        data: &str,
        flags: MountSourceFlags,
    ) -> crate::vfs::MsrcId {
        self.msrcs.insert(MountSource::new(
            fs_name,
            device,
            data,
            flags,
            MsrcKind::Plain,
        ))
    }
}
