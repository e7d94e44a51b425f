//! The root container's namespace and the mounts in it, in fs.go's order:
//! `createMountNamespace` (fs.go:86-118), `createRootMount` (193-231),
//! `addOverlay` (233-250), `mountSubmount` (295-353) and
//! `addSubmountOverlay` (491-504). Each is the Go function plus the events
//! it logs ([`Event`]); the log's texts and what it says about layers live
//! in `decisions.rs` and `describe.rs`.

use super::compile::{compile_mounts, CompiledMount};
use super::config::BootConfig;
use super::decisions::{Event, Origin, Recorder};
use super::fds::FdDispenser;
use super::options::{
    get_mount_name_and_options, mount_device, mount_flags, p9_mount_options, MountNameAndOptions,
};
use super::subtargets::SubtargetIndex;
use super::{MountSpec, SpecView};
use crate::error::{Error, Result};
use crate::fs;
use crate::gostr::quote;
use crate::vfs::{DirentId, InodeId, MountSourceFlags, Vfs};

/// Where child containers' roots are mounted (`ChildContainersDir`).
pub const CHILD_CONTAINERS_DIR: &str = "/__runsc_containers__";
/// The root filesystem's device string (`rootDevice`).
pub const ROOT_DEVICE: &str = "9pfs-/";
/// The root filesystem's name (`rootFsName`).
const ROOT_FS_NAME: &str = "9p";

/// The compiled mount list of one container with its subtarget index.
pub struct MountList {
    pub mounts: Vec<CompiledMount>,
    index: SubtargetIndex,
}

impl MountList {
    pub fn new(mounts: Vec<CompiledMount>) -> MountList {
        let dests: Vec<&str> = mounts
            .iter()
            .map(|m| m.mount.destination.as_str())
            .collect();
        let index = SubtargetIndex::new(&dests);
        MountList { mounts, index }
    }

    /// `subtargets(root, mounts)`.
    pub fn subtargets(&self, root: &str) -> Vec<String> {
        self.index.subtargets(root)
    }

    /// The mounts in order, as `for _, m := range mounts` walks them.
    pub fn iter(&self) -> impl Iterator<Item = &MountSpec> {
        self.mounts.iter().map(|c| &c.mount)
    }
}

/// `createMountNamespace(spec, conf, goferFDs)`: the root container's
/// namespace. Returns the namespace root; `fds` keeps what was consumed.
pub fn create_mount_namespace(
    vfs: &mut Vfs,
    spec: &SpecView,
    conf: &BootConfig,
    fds: &mut FdDispenser,
    rec: &mut Recorder,
) -> Result<DirentId> {
    let mut mounts = compile_mounts(&spec.mounts, rec);
    // Create a tmpfs mount where we create and mount a root filesystem for
    // each child container (fs.go:89-94).
    mounts.push(CompiledMount {
        mount: MountSpec::new("tmpfs", CHILD_CONTAINERS_DIR),
        origin: Origin::ChildContainersDir,
        spec_index: None,
    });
    let mounts = MountList::new(mounts);
    rec.begin_root(&spec.root_path);
    let root_inode = create_root_mount(vfs, spec, conf, fds, Some(&mounts), rec)
        .map_err(super::errorf("failed to create root mount"))?;
    let root = vfs.create_namespace(root_inode)?;
    rec.event(Event::NamespaceRoot { vfs, root });
    let first = rec.plan(&mounts.mounts);
    for (i, m) in mounts.iter().enumerate() {
        rec.reach(first + i);
        mount_submount(vfs, conf, root, fds, m, &mounts, rec)
            .map_err(|e| rec.failed(e))
            .map_err(super::errorf("mount submount"))?;
    }
    rec.select(None);
    if !fds.is_empty() {
        return Err(Error::msg(format!(
            "not all mount points were consumed, remaining: {fds}"
        )));
    }
    Ok(root)
}

/// `createRootMount(spec, conf, fds, mounts)`: the 9P root over a stub tree
/// (`dev sys proc tmp` plus every subtarget of `/`), with a tmpfs upper when
/// `--overlay` is on and the root is writable. `mounts` is `None` for child
/// containers, whose roots get only the four mandatory stubs.
pub fn create_root_mount(
    vfs: &mut Vfs,
    spec: &SpecView,
    conf: &BootConfig,
    fds: &mut FdDispenser,
    mounts: Option<&MountList>,
    rec: &mut Recorder,
) -> Result<InodeId> {
    // First construct the filesystem from the spec.Root (fs.go:194).
    let mf = MountSourceFlags {
        read_only: spec.root_readonly,
        no_atime: false,
    };
    let fd = fds.remove()?;
    let opts = p9_mount_options(fd, conf.file_access).join(",");
    let mut root_inode = fs::mount(vfs, ROOT_FS_NAME, ROOT_DEVICE, mf, &opts)
        .map_err(|e| e.wrap("failed to generate root mount point"))?;
    // "We need to overlay the root on top of a ramfs with stub directories
    // for submount paths. "/dev" "/sys" "/proc" and "/tmp" are always
    // mounted even if they are not in the spec." (fs.go:211-213)
    let mut submounts = mounts.map(|l| l.subtargets("/")).unwrap_or_default();
    submounts.extend(["/dev", "/sys", "/proc", "/tmp"].map(String::from));
    root_inode = add_submount_overlay(vfs, root_inode, &submounts)
        .map_err(|e| e.wrap("error adding submount overlay"))?;
    if conf.overlay && !spec.root_readonly {
        // Overlay a tmpfs filesystem on top of the root (fs.go:222).
        root_inode = add_overlay(vfs, root_inode, "root-overlay-upper", mf)?;
    }
    rec.event(Event::RootMounted {
        vfs,
        inode: root_inode,
        fd,
        stubs: &submounts,
        overlay: conf.overlay,
    });
    Ok(root_inode)
}

/// `addOverlay(conf, lower, name, lowerFlags)`: a tmpfs upper over a
/// directory, or a lazily created upper over a file.
pub fn add_overlay(
    vfs: &mut Vfs,
    lower: InodeId,
    name: &str,
    lower_flags: MountSourceFlags,
) -> Result<InodeId> {
    // Upper layer uses the same flags as lower, but it must be read-write
    // (fs.go:234).
    let flags = MountSourceFlags {
        read_only: false,
        ..lower_flags
    };
    if !vfs.is_dir(lower) {
        // Create overlay on top of mount file, e.g. /etc/hostname (fs.go:239).
        let msrc = vfs.new_mount_source("tmpfs", "none", "", flags);
        return vfs.new_overlay_root_file(msrc, lower, flags);
    }
    // Create overlay on top of mount dir (fs.go:244).
    let upper = fs::mount(vfs, "tmpfs", &format!("{name}-upper"), flags, "")
        .map_err(|e| e.wrap("failed to create tmpfs overlay"))?;
    vfs.new_overlay_root(upper, lower, flags)
}

/// `mountSubmount(conf, mns, root, fds, m, mounts)`: one mount, relative to
/// `root` (the namespace root, or a child container's root). Mounts may be
/// read-only, so a lower ramfs overlay is added to create the mount point
/// dir, and a tmpfs upper when `--overlay` is on (fs.go:291-294). The
/// decision to fill is the recorder's current one.
pub fn mount_submount(
    vfs: &mut Vfs,
    conf: &BootConfig,
    root: DirentId,
    fds: &mut FdDispenser,
    m: &MountSpec,
    mounts: &MountList,
    rec: &mut Recorder,
) -> Result<()> {
    // Map mount type to filesystem name, and parse out the options that we
    // are capable of dealing with (fs.go:296-297).
    let MountNameAndOptions {
        fs_name,
        opts,
        use_overlay,
        fd,
    } = get_mount_name_and_options(conf, m, fds, rec)?;
    if fs_name.is_empty() {
        return Ok(());
    }
    let mut mf = mount_flags(&m.options, rec);
    if use_overlay {
        // All writes go to upper, be paranoid and make lower readonly (fs.go:313).
        mf.read_only = true;
    }
    let (device, data) = (mount_device(m), opts.join(","));
    rec.event(Event::Mounting {
        fs_name: &fs_name,
        device: &device,
        flags: mf,
        data: &data,
        fd,
    });
    let mut inode = fs::mount(vfs, &fs_name, &device, mf, &data).map_err(|e| {
        e.wrap(format!(
            "failed to create mount with source {}",
            quote(&m.source)
        ))
    })?;
    // If there are submounts, we need to overlay the mount on top of a
    // ramfs with stub directories for submount paths (fs.go:322-323).
    let submounts = mounts.subtargets(&m.destination);
    if !submounts.is_empty() {
        rec.event(Event::SubmountOverlay { stubs: &submounts });
        inode = add_submount_overlay(vfs, inode, &submounts)
            .map_err(|e| e.wrap("error adding submount overlay"))?;
    }
    if use_overlay {
        inode = add_overlay(vfs, inode, &m.typ, mf)?;
    }
    rec.event(Event::Built {
        vfs,
        inode,
        stubs: &submounts,
    });
    if !m.destination.starts_with('/') {
        rec.event(Event::RelativeDestination {
            destination: &m.destination,
        });
    }
    let mut max_traversals = 0u32;
    let dirent = vfs
        .find_inode(root, Some(root), &m.destination, &mut max_traversals)
        .map_err(|e| {
            e.wrap(format!(
                "failed to find mount destination {}",
                quote(&m.destination)
            ))
        })?;
    let mount = vfs.mount(dirent, inode).map_err(|e| {
        e.wrap(format!(
            "failed to mount at destination {}",
            quote(&m.destination)
        ))
    })?;
    rec.event(Event::Mounted { vfs, mount });
    Ok(())
}

/// `addSubmountOverlay(inode, submounts)`: `inode` over a ramfs stub tree.
/// "There is no real filesystem backing this ramfs tree" (fs.go:492).
pub fn add_submount_overlay(
    vfs: &mut Vfs,
    inode: InodeId,
    submounts: &[String],
) -> Result<InodeId> {
    let tree =
        fs::make_directory_tree(vfs, submounts).map_err(|e| e.wrap("error creating mount tree"))?;
    vfs.new_overlay_root(inode, tree, MountSourceFlags::default())
        .map_err(|e| e.wrap("failed to make mount overlay"))
}
