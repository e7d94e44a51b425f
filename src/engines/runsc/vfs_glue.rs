//! The few crate-internal VFS operations today's runsc needs that the
//! public `Vfs` API (built for the 2018 engine) does not offer, kept in this
//! one file so that a refactoring of `vfs` internals touches the engine in
//! one place. Each is a one-liner over a `pub(crate)` item; the report of
//! issue #15 lists them as the public methods this engine would like.

use crate::error::Result;
use crate::vfs::{InodeId, MountSourceFlags, MsrcId, Node, Vfs};

/// The mount source an inode belongs to.
pub fn msrc_of(vfs: &Vfs, inode: InodeId) -> Option<MsrcId> {
    vfs.inode(inode).map(|i| i.msrc)
}

/// `VirtualFilesystem.SetMountReadOnly(mnt, ro)`: flips the read-only flag
/// of a mounted filesystem (runsc does it while it places mounts below a
/// read-only one).
pub fn set_read_only(vfs: &mut Vfs, msrc: MsrcId, ro: bool) {
    if let Some(m) = vfs.msrcs.get_mut(msrc) {
        m.flags.read_only = ro;
    }
}

/// Names a mount source as today's gVisor names the filesystem (`dev`,
/// `overlay`, `cgroup`, ...) and records its mount data, for the VFS's own
/// `/proc/mounts` and the tree view.
pub fn set_fs_name(vfs: &mut Vfs, msrc: MsrcId, fs_name: &str, data: &str) {
    if let Some(m) = vfs.msrcs.get_mut(msrc) {
        m.fs_name = fs_name.to_string();
        m.data = data.to_string();
    }
}

/// The flags a mount source has now.
pub fn flags_of(vfs: &Vfs, msrc: MsrcId) -> MountSourceFlags {
    vfs.msrcs.get(msrc).map(|m| m.flags).unwrap_or_default()
}

/// Creates `name` in a directory of an in-memory filesystem before it is
/// mounted (gVisor fills `dev` and cgroupfs that way).
pub fn create_in(
    vfs: &mut Vfs,
    dir: InodeId,
    name: &str,
    perms: u32,
    node: Node,
) -> Result<InodeId> {
    vfs.plain_create(dir, name, perms, node)
}

/// Sets the root's permission bits and owner (tmpfs `mode`, `uid`, `gid`;
/// an overlay upper taking its lower root's).
pub fn set_owner_mode(vfs: &mut Vfs, inode: InodeId, perms: u32, uid: u32, gid: u32) -> Result<()> {
    vfs.plain_setattr(inode, |a| {
        a.perms = perms & 0o7777;
        a.uid = uid;
        a.gid = gid;
    })
}

/// Creates a directory in a directory whose inode operations refuse
/// creations (a kernfs directory gVisor builds with the child already in
/// it, such as sysfs's `fs/cgroup`).
pub fn create_fixed_dir(vfs: &mut Vfs, dir: InodeId, name: &str, perms: u32) -> Result<InodeId> {
    let before = vfs.ino(dir)?.create;
    vfs.ino_mut(dir)?.create = crate::vfs::DirCreate::Allowed;
    let made = vfs.plain_create(dir, name, perms, Node::Dir(Default::default()));
    vfs.ino_mut(dir)?.create = before;
    let child = made?;
    vfs.ino_mut(child)?.create = before;
    Ok(child)
}

/// The child `name` of a directory inode of an in-memory filesystem.
pub fn child_of(vfs: &mut Vfs, dir: InodeId, name: &str) -> Result<InodeId> {
    vfs.lookup_inode(dir, name)
}

/// Whether a dirent's inode is served by the gofer (a 9P remote file).
pub fn is_remote(vfs: &Vfs, d: crate::vfs::DirentId) -> bool {
    vfs.dirent_inode(d)
        .ok()
        .and_then(|i| vfs.inode(i))
        .is_some_and(|i| matches!(i.node, Node::Remote(_)))
}

/// The gofer client's synthetic mount point (`newSyntheticDentry`): a
/// directory that exists only in the sentry's dentry tree, made when the
/// host refuses the `mkdir` (a read-only root).
pub fn synthetic_dir(
    vfs: &mut Vfs,
    parent: crate::vfs::DirentId,
    name: &str,
    perms: u32,
) -> Result<crate::vfs::DirentId> {
    let pinode = vfs.dirent_inode(parent)?;
    let msrc = vfs.ino(pinode)?.msrc;
    let inode = vfs.alloc_inode(msrc, perms, Node::Dir(Default::default()));
    vfs.cache_child(parent, name, inode)
}

/// A mount namespace root for a container other than the first
/// (`NewMountNamespace` per container): like `Vfs::create_namespace`, but
/// the sandbox's namespace, mount table and mount-id counter stay (mount ids
/// are sandbox-global, `vfs.lastMountID`).
pub fn new_namespace_root(vfs: &mut Vfs, root_inode: InodeId) -> Result<crate::vfs::DirentId> {
    let msrc = vfs.ino(root_inode)?.msrc;
    let d = vfs.new_dirent("/", None, root_inode);
    vfs.dirent_mut(d)?.mounted = true;
    let id = vfs.next_mount_id;
    vfs.next_mount_id += 1;
    let m = vfs.msrcs.get_mut(msrc).ok_or(crate::errno::Errno::ESTALE)?;
    m.root = Some(d);
    m.id = id;
    Ok(d)
}
