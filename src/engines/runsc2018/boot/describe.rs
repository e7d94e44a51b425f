//! What the decision log says about a mount's inode stack, read back from
//! the VFS that fs.go's functions built, so the log cannot disagree with the
//! namespace: the layers (`addOverlay`'s tmpfs upper, the mounted
//! filesystem, `addSubmountOverlay`'s ramfs stubs), what `/proc/mounts`
//! shows the mount as, and its mount id.

use super::decisions::{Layer, LayerRole};
use crate::vfs::{DirentId, InodeId, MountSource, MsrcKind, Node, Vfs};

/// The device prefix `mountDevice` gives 9p mounts (fs.go:401); what
/// follows it is the mount's destination, the gofer's attach point.
const P9_DEVICE_PREFIX: &str = "9pfs-";

/// What a mount source is in a mount's inode stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// `addOverlay`'s tmpfs upper.
    Upper,
    /// The filesystem `mountSubmount` or `createRootMount` mounted.
    Mount,
    /// `addSubmountOverlay`'s ramfs stub tree.
    Stubs,
}

/// The mount sources under `inode`, top first.
fn stack(vfs: &Vfs, inode: InodeId) -> Vec<(Role, &MountSource)> {
    let mut out = Vec::new();
    let mut cur = Some(inode);
    while let Some(i) = cur.take().and_then(|id| vfs.inode(id)) {
        let Some(msrc) = vfs.msrcs.get(i.msrc) else {
            break;
        };
        let (Node::Overlay(o), MsrcKind::Overlay { upper, lower }) = (&i.node, msrc.kind) else {
            out.push((Role::Mount, msrc));
            break;
        };
        let (Some(u), Some(l)) = (vfs.msrcs.get(upper), vfs.msrcs.get(lower)) else {
            break;
        };
        if l.fs_name == "ramfs" {
            // addSubmountOverlay: the mount (upper) over the stub tree.
            out.extend(o.upper.map(|u| stack(vfs, u)).unwrap_or_default());
            out.push((Role::Stubs, l));
            break;
        }
        // addOverlay: a tmpfs upper over the mount (lower).
        out.push((Role::Upper, u));
        cur = o.lower;
    }
    out
}

/// The layers of `inode`, top first. `stubs` is the list the stub tree was
/// made from (`MakeDirectoryTree` merges duplicates, the log keeps them);
/// `typ` is the mount's spec type, naming a file's lazily created upper.
pub fn describe_layers(vfs: &Vfs, inode: InodeId, stubs: &[String], typ: &str) -> Vec<Layer> {
    stack(vfs, inode)
        .into_iter()
        .map(|(role, m)| match role {
            Role::Upper => Layer::new(LayerRole::Upper, &m.fs_name, upper_name(m, typ)),
            Role::Mount => Layer::new(
                LayerRole::Mount,
                &m.fs_name,
                attach_point(m).unwrap_or_default().into(),
            ),
            Role::Stubs => Layer::new(LayerRole::Lower, &m.fs_name, stubs.join(" ")),
        })
        .collect()
}

/// The mount source of the filesystem mounted under any overlays.
pub fn mounted_source(vfs: &Vfs, inode: InodeId) -> Option<&MountSource> {
    stack(vfs, inode)
        .into_iter()
        .find_map(|(role, m)| (role == Role::Mount).then_some(m))
}

/// Whether `inode` lies over a stub tree.
pub fn has_stubs(vfs: &Vfs, inode: InodeId) -> bool {
    stack(vfs, inode)
        .iter()
        .any(|(role, _)| *role == Role::Stubs)
}

/// What `/proc/mounts` prints as the filesystem of a mount of `inode`.
pub fn shown_as(vfs: &Vfs, inode: InodeId) -> Option<String> {
    let i = vfs.inode(inode)?;
    vfs.msrcs.get(i.msrc).map(|m| m.fs_name.clone())
}

/// The mount id of the mount whose root is `d`.
pub fn mount_id_of(vfs: &Vfs, d: DirentId) -> Option<u64> {
    let inode = vfs.dirent_inode(d).ok()?;
    let msrc = vfs.inode(inode)?.msrc;
    vfs.msrcs.get(msrc).map(|m| m.id)
}

/// The 9p attach point, from the device `mountDevice` built; other
/// filesystems have none.
pub fn attach_point(m: &MountSource) -> Option<&str> {
    m.device
        .strip_prefix(P9_DEVICE_PREFIX)
        .filter(|_| m.fs_name == "9p")
}

/// A directory's upper is the tmpfs `addOverlay` mounted as `name-upper`
/// (fs.go:245). A file's upper is made lazily in an unnamed mount source
/// (fs.go:238-241); the log names it after the spec type as `addOverlay`
/// would have.
fn upper_name(m: &MountSource, typ: &str) -> String {
    if m.device == "none" {
        format!("{typ}-upper")
    } else {
        m.device.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::runsc2018::boot::{add_overlay, add_submount_overlay};
    use crate::vfs::MountSourceFlags;

    fn roles(layers: &[Layer]) -> Vec<(LayerRole, &str, &str)> {
        layers
            .iter()
            .map(|l| (l.role, l.fs.as_str(), l.detail.as_str()))
            .collect()
    }

    /// The upper's name is the device of the tmpfs `addOverlay` mounted,
    /// whatever name it was given; the stubs keep their list.
    #[test]
    fn layers_are_read_from_the_inode_stack() {
        let mut vfs = Vfs::new();
        let flags = MountSourceFlags::default();
        let mount = crate::fs::mount(&mut vfs, "tmpfs", "none", flags, "").unwrap();
        let stubs = ["a".to_string(), "a".to_string(), "b/c".to_string()];
        let stubbed = add_submount_overlay(&mut vfs, mount, &stubs).unwrap();
        let top = add_overlay(&mut vfs, stubbed, "some-name", flags).unwrap();
        assert_eq!(
            roles(&describe_layers(&vfs, top, &stubs, "bind")),
            [
                (LayerRole::Upper, "tmpfs", "some-name-upper"),
                (LayerRole::Mount, "tmpfs", ""),
                (LayerRole::Lower, "ramfs", "a a b/c"),
            ]
        );
        assert_eq!(shown_as(&vfs, top).as_deref(), Some("overlayfs"));
        assert_eq!(shown_as(&vfs, mount).as_deref(), Some("tmpfs"));
        assert!(has_stubs(&vfs, top) && !has_stubs(&vfs, mount));
        assert_eq!(
            roles(&describe_layers(&vfs, mount, &[], "tmpfs")),
            [(LayerRole::Mount, "tmpfs", "")]
        );
        assert_eq!(
            mounted_source(&vfs, top).map(|m| m.fs_name.as_str()),
            Some("tmpfs")
        );
    }
}
