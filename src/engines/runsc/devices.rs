//! `createDeviceFiles` / `createDeviceFile` (runsc/boot/vfs.go) and
//! dev.go's `CreateDeviceFile`: after all mounts, each `linux.devices`
//! entry is made in the container (parents 0755, EEXIST ignored, the mode
//! `0666` unless `fileMode`), with its `/dev/char/<major>:<minor>` link.
//! setupContainerVFS wraps an error as `failed to create device files: %w`.
//!
//! The VFS has nodes only for the memory devices and `ptmx`; another
//! character or block device, or a FIFO, is reported as not modelled
//! instead of being made.

use super::vfs_glue::create_in;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{Ctx, Device, DirentId, Node, Vfs};
use oci_spec::runtime::{LinuxDevice, LinuxDeviceType};

/// What happened to one `linux.devices` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceOutcome {
    Created,
    /// It existed already (EEXIST is ignored, as runc does).
    Existed,
    /// The VFS has no node for this device.
    NotModelled,
}

fn known(major: i64, minor: i64) -> Option<Device> {
    [
        Device::Null,
        Device::Zero,
        Device::Full,
        Device::Random,
        Device::URandom,
        Device::Ptmx,
        Device::Tty,
        Device::Fuse,
    ]
    .into_iter()
    .find(|d| {
        let (ma, mi) = d.numbers();
        i64::from(ma) == major && i64::from(mi) == minor
    })
}

/// `createDeviceFile` for one entry.
pub fn create_device_file(
    vfs: &mut Vfs,
    root: DirentId,
    dev: &LinuxDevice,
) -> Result<DeviceOutcome> {
    let path = dev.path().to_string_lossy().into_owned();
    let char_like = match dev.typ() {
        LinuxDeviceType::C | LinuxDeviceType::U => true,
        LinuxDeviceType::B | LinuxDeviceType::P => false,
        other => {
            return Err(Error::msg(format!(
                "specified device at {} has invalid type {}",
                quote(&path),
                quote(other.as_str())
            )))
        }
    };
    let Some(device) = known(dev.major(), dev.minor()).filter(|_| char_like) else {
        return Ok(DeviceOutcome::NotModelled);
    };
    let ctx = Ctx::at(root);
    let (parent, name) = match path.trim_end_matches('/').rsplit_once('/') {
        Some((p, n)) => (if p.is_empty() { "/" } else { p }, n),
        None => ("/", path.as_str()),
    };
    super::mount_point::mkdir_all_at(vfs, root, parent, false).map_err(|e| {
        Error::msg(format!(
            "failed to create device parent directory {}: {e}",
            quote(parent)
        ))
    })?;
    let pd = vfs.lookup(ctx, parent, true)?;
    let pinode = vfs.dirent_inode(pd)?;
    if vfs.lookup(ctx, &path, false).is_ok() {
        return Ok(DeviceOutcome::Existed);
    }
    let perms = dev.file_mode().unwrap_or(0o666) & 0o777;
    create_in(vfs, pinode, name, perms, Node::CharDev(device))
        .map_err(|e| e.wrap(format!("failed to create device file at {}", quote(&path))))?;
    // createDeviceNumberSymlink: only under /dev.
    if let Some(rel) = path.strip_prefix("/dev/") {
        let (major, minor) = device.numbers();
        let _ = vfs.mkdir_all(ctx, "/dev/char", 0o755);
        let _ = vfs.symlink(
            ctx,
            &format!("../{rel}"),
            &format!("/dev/char/{major}:{minor}"),
        );
    }
    Ok(DeviceOutcome::Created)
}
