//! gVisor's `dev` filesystem (pkg/sentry/fsimpl/dev/dev.go at 3c5eee17):
//! a tmpfs created with data `mode=0755` (drivers/base/devtmpfs.c's
//! defaults), filled by `userspaceInit` and then with one node per
//! registered device that has a pathname, each with its udev-style
//! `/dev/char/<major>:<minor>` symlink (`createDeviceNumberSymlink`).
//!
//! Unlike 2018's devtmpfs it is an ordinary tmpfs: the app may create files
//! in it. Left out: `net/tun`, which is registered only with netstack;
//! `linux.devices` (`createDeviceFiles`) is not modelled either.

use super::vfs_glue::{create_in, set_fs_name};
use crate::error::Result;
use crate::fs;
use crate::vfs::{Device, InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// `dev.Name`.
pub const NAME: &str = "dev";
/// The data `GetFilesystem` gives the tmpfs under it; it is also what
/// `/proc/mounts` prints for `/dev`.
pub const DATA: &str = "mode=0755";

/// The memory devices (`pkg/sentry/devices/memdev`), all 0666.
/// Beside memdev's devices, registerFilesystems (vfs.go) calls
/// ttydev.Register and fuse.Register, which name their devices "tty"
/// (TTYAUX_MAJOR, 0) and "fuse" (MISC_MAJOR, 229), both 0666.
const OTHER_DEVICES: [(&str, Device); 2] = [("tty", Device::Tty), ("fuse", Device::Fuse)];

/// `FilesystemType.GetFilesystem`: the filled `dev` root.
pub fn mount(vfs: &mut Vfs, flags: MountSourceFlags) -> Result<InodeId> {
    let root = fs::mount(vfs, "tmpfs", "none", flags, DATA)?;
    if let Some(m) = super::vfs_glue::msrc_of(vfs, root) {
        set_fs_name(vfs, m, NAME, DATA);
    }
    // userspaceInit: the systemd symlinks, then `shm` and `pts` (0755).
    for (name, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
        ("ptmx", "pts/ptmx"),
    ] {
        create_in(vfs, root, name, 0o777, Node::Symlink(target.into()))?;
    }
    for dir in ["shm", "pts"] {
        create_in(vfs, root, dir, 0o755, Node::Dir(BTreeMap::new()))?;
    }
    let char_dir = create_in(vfs, root, "char", 0o755, Node::Dir(BTreeMap::new()))?;
    for (name, dev) in Device::MEMORY.into_iter().chain(OTHER_DEVICES) {
        create_in(vfs, root, name, 0o666, Node::CharDev(dev))?;
        let (major, minor) = dev.numbers();
        create_in(
            vfs,
            char_dir,
            &format!("{major}:{minor}"),
            0o777,
            Node::Symlink(format!("../{name}")),
        )?;
    }
    Ok(root)
}
