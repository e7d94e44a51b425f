//! The root container's namespace: `createMountNamespace`, `createRootMount`,
//! `addOverlay`, `addSubmountOverlay` and `mountSubmount` (fs.go:86-353).

use super::compile::{compile_mounts, CompiledMount};
use super::config::Config;
use super::decisions::{Decision, Layer, Origin, Outcome, Recorder};
use super::fds::FdDispenser;
use super::options::{get_mount_name_and_options, mount_device, mount_flags, p9_mount_options};
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
}

/// `createMountNamespace(spec, conf, goferFDs)`: the root container's
/// namespace. Returns the namespace root; `fds` keeps what was consumed.
pub fn create_mount_namespace(
    vfs: &mut Vfs,
    spec: &SpecView,
    conf: &Config,
    fds: &mut FdDispenser,
    rec: &mut Recorder,
) -> Result<DirentId> {
    let mut mounts = compile_mounts(&spec.mounts, Some((rec, None)));
    mounts.push(CompiledMount {
        mount: MountSpec::new("tmpfs", CHILD_CONTAINERS_DIR),
        origin: Origin::ChildContainersDir,
        spec_index: None,
    });
    let list = MountList::new(mounts);
    let root_inode = create_root_mount(vfs, spec, conf, fds, Some(&list), None, rec)
        .map_err(super::errorf("failed to create root mount"))?;
    let root = vfs.create_namespace(root_inode)?;
    // fs.NewMountNamespace gives the root mount ID 1; record it on the root's
    // decision (createRootMount could not know it yet).
    if let Some(d) = rec
        .decisions
        .iter_mut()
        .rev()
        .find(|d| d.container.is_none() && d.origin == Origin::Root)
    {
        d.mount_id = mount_id_of(vfs, root);
    }
    // Decisions for every compiled mount, so the ones never reached show too.
    let first = rec.decisions.len();
    for c in &list.mounts {
        rec.decisions
            .push(Decision::new(None, c.origin, c.spec_index, &c.mount));
    }
    for (i, c) in list.mounts.iter().enumerate() {
        rec.select(Some(first + i));
        if c.origin == Origin::Mandatory {
            rec.note("compileMounts", mandatory_reason(&c.mount.destination));
        } else if c.origin == Origin::ChildContainersDir {
            rec.note(
                "createMountNamespace",
                "tmpfs where child containers' roots are mounted; added last, root container only",
            );
        }
        mount_submount(vfs, conf, root, fds, c, &list, rec)
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

fn mandatory_reason(dest: &str) -> &'static str {
    match dest {
        "/dev" => "/dev is always mounted (devtmpfs); image /dev contents are hidden",
        "/dev/pts" => "/dev/pts is always mounted (devpts)",
        "/tmp" => "not in the spec: an empty tmpfs is prepended, hiding the image's /tmp",
        _ => "not in the spec: prepended as a mandatory mount, before /dev",
    }
}

/// `createRootMount(spec, conf, fds, mounts)`: the 9P root over a stub tree
/// (`dev sys proc tmp` plus every subtarget of `/`), with a tmpfs upper when
/// `--overlay` is on and the root is writable. `mounts` is `None` for child
/// containers, whose roots get only the four mandatory stubs.
pub fn create_root_mount(
    vfs: &mut Vfs,
    spec: &SpecView,
    conf: &Config,
    fds: &mut FdDispenser,
    mounts: Option<&MountList>,
    cid: Option<&str>,
    rec: &mut Recorder,
) -> Result<InodeId> {
    let mf = MountSourceFlags {
        read_only: spec.root_readonly,
        no_atime: false,
    };
    let root_spec = MountSpec {
        destination: "/".into(),
        typ: "9p".into(),
        source: spec.root_path.clone(),
        options: Vec::new(),
    };
    let mut d = Decision::new(cid, Origin::Root, None, &root_spec);
    let idx = rec.begin(d.clone());
    let fd = fds.remove()?;
    let opts = p9_mount_options(fd, conf.file_access).join(",");
    d.gofer_fd = Some(fd);
    d.attach_point = Some("/".into());
    d.fs_name = Some("9p".into());
    d.device = Some(ROOT_DEVICE.into());
    d.data = Some(opts.clone());
    d.flags = Some(mf);
    d.reason(
        "createRootMount",
        format!("the root filesystem comes over 9P from the gofer on FD {fd} (attach point \"/\")"),
    );
    let mut inode = fs::mount(vfs, "9p", ROOT_DEVICE, mf, &opts)
        .map_err(|e| e.wrap("failed to generate root mount point"))?;
    let mut submounts = mounts.map(|l| l.subtargets("/")).unwrap_or_default();
    submounts.extend(["/dev", "/sys", "/proc", "/tmp"].map(String::from));
    d.stubs = submounts
        .iter()
        .map(|s| s.trim_start_matches('/').to_string())
        .collect();
    d.reason("createRootMount", "the root is overlaid on a ramfs stub tree (lower) so every mount point exists, even on a read-only root");
    inode = add_submount_overlay(vfs, inode, &submounts)
        .map_err(|e| e.wrap("error adding submount overlay"))?;
    let mut layers = vec![
        Layer {
            role: "mount".into(),
            fs: "9p".into(),
            detail: "/".into(),
        },
        stub_layer(&d.stubs),
    ];
    if conf.overlay && !spec.root_readonly {
        inode = add_overlay(vfs, inode, "root-overlay-upper", mf)?;
        layers.insert(
            0,
            Layer {
                role: "upper".into(),
                fs: "tmpfs".into(),
                detail: "root-overlay-upper-upper".into(),
            },
        );
        d.reason(
            "addOverlay",
            "--overlay: writes to / go to a tmpfs upper and never reach the gofer",
        );
    } else if conf.overlay {
        d.reason(
            "createRootMount",
            "--overlay is on but the root is read-only, so it is never overlaid",
        );
    }
    d.layers = layers;
    d.shown_as = Some("overlayfs".into());
    d.outcome = Outcome::Mounted;
    d.mount_path = Some("/".into());
    if let Some(slot) = rec.decisions.get_mut(idx) {
        *slot = d;
    }
    rec.select(None);
    Ok(inode)
}

fn stub_layer(stubs: &[String]) -> Layer {
    Layer {
        role: "lower".into(),
        fs: "ramfs".into(),
        detail: stubs.join(" "),
    }
}

/// `addOverlay(conf, lower, name, lowerFlags)`: a tmpfs upper over a
/// directory, or a lazily created upper over a file.
pub fn add_overlay(
    vfs: &mut Vfs,
    lower: InodeId,
    name: &str,
    lower_flags: MountSourceFlags,
) -> Result<InodeId> {
    let flags = MountSourceFlags {
        read_only: false,
        ..lower_flags
    };
    if !vfs.is_dir(lower) {
        let msrc = vfs.new_mount_source("tmpfs", "none", "", flags);
        return vfs.new_overlay_root_file(msrc, lower, flags);
    }
    let upper = fs::mount(vfs, "tmpfs", &format!("{name}-upper"), flags, "")
        .map_err(|e| e.wrap("failed to create tmpfs overlay"))?;
    vfs.new_overlay_root(upper, lower, flags)
}

/// `addSubmountOverlay(inode, submounts)`: `inode` over a ramfs stub tree.
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

/// `mountSubmount(conf, mns, root, fds, m, mounts)`: one mount, relative to
/// `root` (the namespace root, or a child container's root). The decision
/// to fill is the recorder's current one.
pub fn mount_submount(
    vfs: &mut Vfs,
    conf: &Config,
    root: DirentId,
    fds: &mut FdDispenser,
    c: &CompiledMount,
    list: &MountList,
    rec: &mut Recorder,
) -> Result<()> {
    let r = mount_submount_inner(vfs, conf, root, fds, c, list, rec);
    if let Some(d) = rec.current() {
        match &r {
            Ok(()) if d.outcome == Outcome::NotReached => d.outcome = Outcome::Mounted,
            Ok(()) => {}
            Err(e) => {
                d.outcome = Outcome::Failed;
                d.error = Some(e.to_string());
            }
        }
    }
    r
}

fn mount_submount_inner(
    vfs: &mut Vfs,
    conf: &Config,
    root: DirentId,
    fds: &mut FdDispenser,
    c: &CompiledMount,
    list: &MountList,
    rec: &mut Recorder,
) -> Result<()> {
    let m = &c.mount;
    let names = get_mount_name_and_options(conf, m, fds, rec)?;
    if let Some(d) = rec.current() {
        d.gofer_fd = names.fd;
    }
    if names.fs_name.is_empty() {
        if let Some(d) = rec.current() {
            d.outcome = Outcome::Ignored;
        }
        return Ok(());
    }
    let mut mf = mount_flags(&m.options, rec);
    if names.use_overlay {
        mf.read_only = true;
    }
    let device = mount_device(m);
    let data = names.opts.join(",");
    if let Some(d) = rec.current() {
        d.fs_name = Some(names.fs_name.clone());
        d.device = Some(device.clone());
        d.data = Some(data.clone());
        d.flags = Some(mf);
        if names.fs_name == "9p" {
            d.attach_point = Some(m.destination.clone());
        }
    }
    let mut inode = fs::mount(vfs, &names.fs_name, &device, mf, &data).map_err(|e| {
        e.wrap(format!(
            "failed to create mount with source {}",
            quote(&m.source)
        ))
    })?;
    let mut layers = vec![Layer {
        role: "mount".into(),
        fs: names.fs_name.clone(),
        detail: if names.fs_name == "9p" {
            m.destination.clone()
        } else {
            String::new()
        },
    }];
    let submounts = list.subtargets(&m.destination);
    if !submounts.is_empty() {
        rec.note(
            "mountSubmount",
            format!(
                "mounts nested below it need stub directories: {}",
                submounts.join(" ")
            ),
        );
        inode = add_submount_overlay(vfs, inode, &submounts)
            .map_err(|e| e.wrap("error adding submount overlay"))?;
        layers.push(stub_layer(&submounts));
        if let Some(d) = rec.current() {
            d.stubs = submounts.clone();
        }
    }
    if names.use_overlay {
        inode = add_overlay(vfs, inode, &m.typ, mf)?;
        layers.insert(
            0,
            Layer {
                role: "upper".into(),
                fs: "tmpfs".into(),
                detail: format!("{}-upper", m.typ),
            },
        );
    }
    let mut budget = 0u32;
    let dirent = vfs
        .find_inode(root, Some(root), &m.destination, &mut budget)
        .map_err(|e| {
            e.wrap(format!(
                "failed to find mount destination {}",
                quote(&m.destination)
            ))
        })?;
    let replacement = vfs.mount(dirent, inode).map_err(|e| {
        e.wrap(format!(
            "failed to mount at destination {}",
            quote(&m.destination)
        ))
    })?;
    let global = vfs.namespace_root()?;
    let path = vfs.path_of(replacement, global);
    let id = mount_id_of(vfs, replacement);
    rec.mount_order.push(path.clone());
    if let Some(d) = rec.current() {
        d.shown_as = Some(if layers.len() > 1 {
            "overlayfs".into()
        } else {
            names.fs_name.clone()
        });
        d.layers = layers;
        d.mount_path = Some(path);
        d.mount_id = id;
        d.outcome = Outcome::Mounted;
    }
    Ok(())
}

/// The mount id of the mount whose root is `d`.
pub fn mount_id_of(vfs: &Vfs, d: DirentId) -> Option<u64> {
    let inode = vfs.dirent_inode(d).ok()?;
    let msrc = vfs.inode(inode)?.msrc;
    vfs.msrcs.get(msrc).map(|m| m.id)
}
