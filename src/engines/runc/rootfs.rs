//! runc's mount-namespace setup, in its order: specconv
//! (`CreateLibcontainerConfig`), `Validate`, `prepareRootfs` (root
//! propagation, `mountToRootfs` per mount, `/dev`), `finalizeRootfs` (the
//! deferred read-only remounts, the read-only root), then `readonlyPaths`
//! and `maskedPaths` (libcontainer/rootfs_linux.go at runc 76d9cf5d). The
//! mount(2) calls go to [`super::kernel`], which decides as Linux does.

use super::config::{create_config, ContainerConfig, CreateOpts};
use super::flags::*;
use super::host::{self, HOST_DEVICE};
use super::kernel::{self, Kernel, KernelMount};
use super::linuxfs;
use super::mount::ConfigsMount;
use super::mountpoint::{self as mp, ProcSource};
use super::report::{CgroupMode, MountEntry, RuncEvent, RuncOptions, RuncRun, RuncState};
use super::specconv::{create_libcontainer_mount, wrap_invalid_mount};
use super::validate::validate;
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::scenario::{HostInput, HostNodeInput};
use crate::vfs::{clean, join, Ctx, DirentId, FileType, MountSourceFlags, Vfs};
use oci_spec::runtime::Spec;
use std::collections::BTreeMap;

/// Stands in for the fd number in `/proc/thread-self/fd/N`, which varies.
pub const DST_FD_STANDIN: &str = "/proc/thread-self/fd/7";

/// The simulation's state while it runs.
pub(crate) struct Sim {
    pub vfs: Vfs,
    pub kernel: Kernel,
    pub host: DirentId,
    /// The bundle directory (runc's cwd), once it exists.
    pub bundle: Option<DirentId>,
    /// The rootfs as a host path (`config.Rootfs`).
    pub rootfs: String,
    /// The container's root (the rootfs bind), once made.
    pub root: Option<DirentId>,
    pub events: Vec<RuncEvent>,
    pub warnings: Vec<String>,
    pub cgroup: CgroupMode,
    pub entries: Vec<MountEntry>,
    pub state: RuncState,
    /// With a user namespace: the namespaces the container creates (and so
    /// owns); `None` without one.
    pub userns_owned: Option<Vec<String>>,
    /// `linux.devices` with a path, for `createDevices`.
    pub spec_devices: Vec<super::report::DevNode>,
}

/// A mount(2) failure as runc prints it (`mountError.Error`).
pub(crate) fn mount_error(
    source: &str,
    target: &str,
    dst_fd: bool,
    flags: u64,
    data: &str,
    errno: Errno,
) -> Error {
    let mut out = String::from("mount ");
    if !source.is_empty() {
        out.push_str(&format!("src={source}, "));
    }
    out.push_str(&format!("dst={target}"));
    if dst_fd {
        out.push_str(&format!(", dstFd={DST_FD_STANDIN}"));
    }
    if flags != 0 {
        out.push_str(&format!(", flags={}", stringify_mount_flags(flags)));
    }
    if !data.is_empty() {
        out.push_str(&format!(", data={data}"));
    }
    out.push_str(&format!(": {errno}"));
    Error::with_errno(errno, out)
}

impl Sim {
    /// runc's view of the host: `/`, with the bundle as the working
    /// directory (relative sources resolve there).
    pub fn host_ctx(&self) -> Ctx {
        Ctx {
            root: self.host,
            cwd: self.bundle.unwrap_or(self.host),
        }
    }

    /// The container's context (the host's before the rootfs bind).
    pub fn ctx(&self) -> Ctx {
        Ctx::at(self.root.unwrap_or(self.host))
    }

    fn msrc_of_mount_root(&self, d: DirentId) -> Option<crate::vfs::MsrcId> {
        self.vfs
            .dirent_inode(d)
            .ok()
            .and_then(|i| self.vfs.inode(i))
            .map(|i| i.msrc)
    }

    /// The kernel record of the mount a dirent is on.
    pub fn mount_record_of(&self, d: DirentId) -> Option<(crate::vfs::MsrcId, KernelMount)> {
        let root = self.vfs.mount_of(d)?;
        let m = self.msrc_of_mount_root(root)?;
        self.kernel.mounts.get(&m).map(|k| (m, k.clone()))
    }

    fn sync_ro(&mut self, msrc: crate::vfs::MsrcId) {
        if let Some(k) = self.kernel.mounts.get(&msrc) {
            let ro = k.mnt_flags & MS_RDONLY != 0 || k.sb.sb_flags & MS_RDONLY != 0;
            let flags = MountSourceFlags {
                read_only: ro,
                no_atime: k.mnt_flags & MS_NOATIME != 0,
            };
            let _ = self.vfs.set_mount_flags(msrc, flags);
        }
    }

    // mount(2)'s five arguments plus where the call came from.
    #[allow(clippy::too_many_arguments)]
    fn kernel_event(
        &mut self,
        index: Option<usize>,
        source: &str,
        target: &str,
        fstype: &str,
        flags: u64,
        data: &str,
        result: &Result<DirentId, Errno>,
    ) {
        self.events.push(RuncEvent::Mount {
            index,
            source: source.to_string(),
            target: target.to_string(),
            fstype: fstype.to_string(),
            flags: stringify_mount_flags(flags),
            data: data.to_string(),
            result: match result {
                Ok(_) => "ok".to_string(),
                Err(e) => e.name().unwrap_or("error").to_string(),
            },
            kernel: true,
        });
    }

    /// mount(2) (fs/namespace.c `path_mount`): `target` is the resolved
    /// mount point; `source` is resolved on the host for a bind. The
    /// returned dirent is the mount's root (or the target for a change).
    // mount(2)'s five arguments, the resolved target and the mount's index.
    #[allow(clippy::too_many_arguments)]
    pub fn sys_mount(
        &mut self,
        index: Option<usize>,
        source: &str,
        target: DirentId,
        target_name: &str,
        fstype: &str,
        flags: u64,
        data: &str,
    ) -> Result<DirentId, Errno> {
        let r = self.sys_mount_inner(source, target, fstype, flags, data);
        self.kernel_event(index, source, target_name, fstype, flags, data, &r);
        r
    }

    fn sys_mount_inner(
        &mut self,
        source: &str,
        target: DirentId,
        fstype: &str,
        flags: u64,
        data: &str,
    ) -> Result<DirentId, Errno> {
        let is_root = self.vfs.is_mount_root(target);
        if flags & (MS_REMOUNT | MS_BIND) == MS_REMOUNT | MS_BIND {
            // do_reconfigure_mnt: only on a mount's root.
            if !is_root {
                return Err(Errno::EINVAL);
            }
            let m = self.msrc_of_mount_root(target).ok_or(Errno::EINVAL)?;
            if let Some(k) = self.kernel.mounts.get_mut(&m) {
                let new = kernel::remount_mnt_flags(k.mnt_flags, flags);
                if !k.can_change_locked_flags(new) {
                    return Err(Errno::EPERM);
                }
                k.mnt_flags = new;
            }
            self.sync_ro(m);
            return Ok(target);
        }
        if flags & MS_REMOUNT != 0 {
            // do_remount: the superblock's flags and data, on a mount root.
            if !is_root {
                return Err(Errno::EINVAL);
            }
            let m = self.msrc_of_mount_root(target).ok_or(Errno::EINVAL)?;
            if let Some(k) = self.kernel.mounts.get_mut(&m) {
                k.sb.sb_flags = (k.sb.sb_flags & !MS_RDONLY) | (flags & MS_RDONLY);
                k.mnt_flags = kernel::remount_mnt_flags(k.mnt_flags, flags);
            }
            self.sync_ro(m);
            return Ok(target);
        }
        if flags & MS_BIND != 0 {
            return self.sys_bind(source, target, flags & MS_REC != 0);
        }
        if flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE) != 0 {
            if !is_root {
                return Err(Errno::EINVAL);
            }
            let m = self.msrc_of_mount_root(target).ok_or(Errno::EINVAL)?;
            let mut all = vec![m];
            if flags & MS_REC != 0 {
                all.extend(self.vfs.submounts(m));
            }
            for msrc in all {
                self.kernel.change_type(msrc, flags);
            }
            return Ok(target);
        }
        // do_new_mount: the type, its options, then mount_capable.
        let (fs, sb_data) = kernel::new_fs(fstype, data)?;
        if let Some(owned) = &self.userns_owned {
            if !kernel::userns_may_mount(&fs.fstype, owned) {
                return Err(Errno::EPERM);
            }
        }
        let tinode = self.vfs.dirent_inode(target).map_err(|_| Errno::ENOENT)?;
        if !self.vfs.is_dir(tinode) {
            return Err(Errno::ENOTDIR);
        }
        let root = linuxfs::instantiate(&mut self.vfs, &fs, source, data).map_err(err_errno)?;
        let parent_shared = self.parent_is_shared(target);
        let d = self.vfs.mount(target, root).map_err(err_errno)?;
        if let Some(m) = self.msrc_of_mount_root(d) {
            let sb = kernel::Superblock {
                devname: source.to_string(),
                fstype: fs.fstype.clone(),
                sb_flags: kernel::sb_flags_for(flags, sb_data),
                fs_opts: fs.fs_opts.clone(),
                dev: self.kernel.anon_dev(),
            };
            let mut rec = KernelMount::new(sb, kernel::mnt_flags_for(flags));
            if parent_shared {
                // attach_recursive_mnt: a mount under a shared parent is
                // shared too, in a new group.
                rec.shared = Some(self.kernel.new_group());
            }
            self.kernel.mounts.insert(m, rec);
            self.sync_ro(m);
        }
        Ok(d)
    }

    /// `do_loopback`: the source path (looked up on the host, following
    /// symlinks) bound at `target`; both must be directories or neither.
    fn sys_bind(&mut self, source: &str, target: DirentId, rec: bool) -> Result<DirentId, Errno> {
        if source.is_empty() {
            return Err(Errno::ENOENT);
        }
        let ctx = self.host_ctx();
        let src = self.vfs.lookup(ctx, source, true).map_err(err_errno)?;
        // `copy_tree` runs before the copy is attached: collect the
        // submounts first (a bind into its own source sees no copy of itself).
        let subs = if rec {
            self.submounts_below(src)
        } else {
            Vec::new()
        };
        let d = self.bind_dirent(src, target)?;
        for (rel, sub_root) in subs {
            // copy_tree skips unbindable submounts.
            if self
                .mount_record_of(sub_root)
                .is_some_and(|(_, k)| k.unbindable)
            {
                continue;
            }
            let ctx = Ctx::at(d);
            if let Ok(t) = self.vfs.lookup(ctx, &rel, false) {
                self.bind_dirent(sub_root, t)?;
            }
        }
        Ok(d)
    }

    /// Whether the mount `target` is on is shared (a new mount there joins
    /// propagation).
    fn parent_is_shared(&self, target: DirentId) -> bool {
        self.mount_record_of(target)
            .is_some_and(|(_, k)| k.shared.is_some())
    }

    /// The container's `/proc/self/mountinfo` lines.
    pub fn mountinfo(&self) -> Vec<String> {
        let Some(root) = self.root else {
            return Vec::new();
        };
        self.vfs
            .mount_table(root)
            .iter()
            .filter_map(|mi| {
                self.kernel
                    .mounts
                    .get(&mi.msrc)
                    .map(|k| kernel::mountinfo_line(mi.id, mi.parent_id, &mi.path, k))
            })
            .collect()
    }

    /// The mounts below `src` (not its own), in mount order, as (path
    /// relative to `src`, mount root): what `MS_REC` copies.
    fn submounts_below(&self, src: DirentId) -> Vec<(String, DirentId)> {
        let own = self.vfs.mount_of(src);
        self.vfs
            .mount_table(src)
            .into_iter()
            .filter(|mi| Some(mi.root) != own && mi.root != src)
            .map(|mi| (mi.path, mi.root))
            .collect()
    }

    pub fn bind_dirent(&mut self, src: DirentId, target: DirentId) -> Result<DirentId, Errno> {
        let sinode = self.vfs.dirent_inode(src).map_err(err_errno)?;
        let tinode = self.vfs.dirent_inode(target).map_err(err_errno)?;
        if self.vfs.is_dir(sinode) != self.vfs.is_dir(tinode) {
            return Err(Errno::ENOTDIR);
        }
        let (_, mut rec) = self.mount_record_of(src).ok_or(Errno::EINVAL)?;
        if rec.unbindable {
            return Err(Errno::EINVAL);
        }
        // clone_mnt: the copy shows the source's path inside its
        // filesystem, joins a shared source's peer group and keeps its
        // master; attaching under a shared parent makes it shared too.
        if let Some(mroot) = self.vfs.mount_of(src) {
            let rel = self.vfs.full_name(src, mroot).0;
            rec.root = join(&rec.root, &rel);
        }
        let parent_shared = self.parent_is_shared(target);
        let flags = MountSourceFlags::default();
        let root = self
            .vfs
            .new_bind_root(sinode, &rec.sb.fstype, &rec.sb.devname, flags)
            .map_err(err_errno)?;
        let d = self.vfs.mount(target, root).map_err(err_errno)?;
        if parent_shared && rec.shared.is_none() {
            rec.shared = Some(self.kernel.new_group());
        }
        if let Some(m) = self.msrc_of_mount_root(d) {
            self.kernel.mounts.insert(m, rec);
            self.sync_ro(m);
        }
        Ok(d)
    }

    /// An event for a bind made from a dirent (no path lookup).
    pub fn kernel_bind_event(&mut self, source: &str, target: &str, flags: u64) {
        self.events.push(RuncEvent::Mount {
            index: None,
            source: source.to_string(),
            target: target.to_string(),
            fstype: String::new(),
            flags: stringify_mount_flags(flags),
            data: String::new(),
            result: "ok".into(),
            kernel: true,
        });
    }

    /// The per-mount flags of the mount whose root is `d` (statfs's view).
    pub fn mnt_flags_of(&self, d: DirentId) -> u64 {
        self.msrc_of_mount_root(d)
            .and_then(|m| self.kernel.mounts.get(&m))
            .map_or(0, |k| k.mnt_flags)
    }

    /// The container's `/proc/mounts` lines.
    pub fn proc_mounts(&self) -> Vec<String> {
        let Some(root) = self.root else {
            return Vec::new();
        };
        self.vfs
            .mount_table(root)
            .iter()
            .filter_map(|mi| {
                self.kernel
                    .mounts
                    .get(&mi.msrc)
                    .map(|k| kernel::proc_mounts_line(&mi.path, k))
            })
            .collect()
    }
}

fn err_errno(e: Error) -> Errno {
    e.errno().unwrap_or(Errno::EINVAL)
}

/// Runs runc's mount-namespace setup for `spec`.
///
/// * `rootfs`: the rootfs tree (relative path -> node, the scenario's
///   `host["/"]` format), placed at the bundle's `root.path`; `None` is the
///   default rootfs of the other engines.
/// * `sources`: host path -> tree, the bind sources.
pub fn build(
    spec: &Spec,
    opts: &RuncOptions,
    rootfs: Option<&BTreeMap<String, HostNodeInput>>,
    sources: &HostInput,
) -> RuncRun {
    let mut sim = Sim {
        vfs: Vfs::new(),
        kernel: Kernel::default(),
        host: DirentId::default(),
        bundle: None,
        rootfs: String::new(),
        root: None,
        events: Vec::new(),
        warnings: Vec::new(),
        cgroup: opts.cgroup,
        entries: Vec::new(),
        state: RuncState::default(),
        spec_devices: spec_devices(spec),
        userns_owned: None,
    };
    let (error, mount_order) = match run(&mut sim, spec, opts, rootfs, sources) {
        Ok(n) => (None, n),
        Err((e, n)) => (Some(e), n),
    };
    let proc_mounts = sim.proc_mounts();
    let mountinfo = sim.mountinfo();
    fill_proc_file(&mut sim, "1/mounts", &proc_mounts);
    fill_proc_file(&mut sim, "1/mountinfo", &mountinfo);
    RuncRun {
        root: sim.root,
        host_root: Some(sim.host),
        events: sim.events,
        warnings: sim.warnings,
        error,
        mounts: sim.entries,
        mount_order,
        runc: sim.state,
        proc_mounts,
        mountinfo,
        vfs: sim.vfs,
    }
}

/// Writes the kernel's text into `file` (`1/mounts`, `1/mountinfo`) of
/// every procfs the container sees, so `cat /proc/mounts` in the shell
/// shows it.
fn fill_proc_file(sim: &mut Sim, file: &str, lines: &[String]) {
    let Some(root) = sim.root else { return };
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    for mi in sim.vfs.mount_table(root) {
        if mi.fs_name != "proc" {
            continue;
        }
        let path = join(&mi.path, file);
        let ctx = Ctx::at(root);
        if let Ok(d) = sim.vfs.lookup(ctx, &path, false) {
            if let Ok(i) = sim.vfs.dirent_inode(d) {
                if let Ok(inode) = sim.vfs.ino_mut(i) {
                    inode.node = crate::vfs::Node::File(text.clone().into_bytes());
                }
            }
        }
    }
}

type Failed = (Error, usize);

/// `linux.devices` as `createDevices` sees them.
fn spec_devices(spec: &Spec) -> Vec<super::report::DevNode> {
    use oci_spec::runtime::LinuxDeviceType as T;
    let devs = spec.linux().as_ref().and_then(|l| l.devices().clone());
    devs.unwrap_or_default()
        .iter()
        .map(|d| super::report::DevNode {
            path: d.path().to_string_lossy().into_owned(),
            typ: match d.typ() {
                T::C => "c",
                T::U => "u",
                T::B => "b",
                T::P => "p",
                T::A => "a",
            }
            .to_string(),
            major: d.major(),
            minor: d.minor(),
            mode: format!("{:04o}", d.file_mode().unwrap_or(0o666) & 0o7777),
        })
        .collect()
}

fn run(
    sim: &mut Sim,
    spec: &Spec,
    opts: &RuncOptions,
    rootfs: Option<&BTreeMap<String, HostNodeInput>>,
    sources: &HostInput,
) -> std::result::Result<usize, Failed> {
    let at0 = |e: Error| (e, 0usize);
    sim.host = host::new_host(&mut sim.vfs, &mut sim.kernel, opts.cgroup).map_err(at0)?;
    let hctx = sim.host_ctx();
    for (path, nodes) in sources {
        host::place_tree(&mut sim.vfs, hctx, path, Some(nodes)).map_err(at0)?;
    }
    let bundle = sim.vfs.mkdir_all(hctx, &opts.bundle, 0o755).map_err(at0)?;
    sim.bundle = Some(bundle);
    let hctx = sim.host_ctx();
    // specconv, mount by mount, so the list survives a later failure.
    for (i, m) in spec
        .mounts()
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match create_libcontainer_mount(&opts.bundle, m) {
            Ok((cm, w)) => {
                sim.warnings.extend(w);
                sim.events.push(RuncEvent::Converted {
                    index: i,
                    destination: cm.destination.clone(),
                    device: cm.device.clone(),
                });
                sim.entries.push(MountEntry::from_config(&cm));
            }
            Err(e) => return Err(at0(wrap_invalid_mount(m, e))),
        }
    }
    let create = CreateOpts {
        no_pivot_root: opts.no_pivot,
        rootless_euid: opts.rootless,
    };
    // specconv createDevices: only p, c, u and b name a device node.
    if let Some(d) = sim
        .spec_devices
        .iter()
        .find(|d| !matches!(d.typ.as_str(), "p" | "c" | "u" | "b"))
    {
        return Err(at0(Error::msg(format!(
            "invalid device type {}",
            quote(&d.typ)
        ))));
    }
    let (mut config, _) = create_config(&opts.bundle, spec, create).map_err(at0)?;
    sim.rootfs = config.rootfs.clone();
    if spec.root().is_some() {
        host::place_tree(&mut sim.vfs, hctx, &config.rootfs, rootfs).map_err(at0)?;
    }
    let warns = {
        let vfs = &mut sim.vfs;
        validate(&config, |p| {
            vfs.stat(hctx, p, true)
                .map_err(|e| Error::msg(format!("stat {p}: {e}")))?;
            mp::secure_join(vfs, hctx, p)
        })
        .map_err(at0)?
    };
    sim.warnings.extend(warns);
    prepare_rootfs(sim, &mut config)?;
    let n = config.mounts.len();
    let terminal = spec
        .process()
        .as_ref()
        .and_then(|p| p.terminal())
        .unwrap_or(false);
    if terminal {
        super::console::setup_console(sim).map_err(|e| (e, n))?;
    }
    finalize_rootfs(sim, &config).map_err(|e| (e, n))?;
    super::mask::readonly_paths(sim, &config).map_err(|e| (e, n))?;
    super::mask::mask_paths(sim, &config).map_err(|e| (e, n))?;
    Ok(n)
}

/// `prepareRoot`: `/` gets the root propagation, the rootfs is
/// bind-mounted onto itself (the container's `/` from then on).
fn prepare_root(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    let flag = if config.root_propagation != 0 {
        config.root_propagation
    } else {
        MS_SLAVE | MS_REC
    };
    let host = sim.host;
    sim.sys_mount(None, "", host, "/", "", flag, "")
        .map_err(|e| mount_error("", "/", false, flag, "", e))?;
    rootfs_parent_mount_propagation(sim, config.root_propagation)?;
    let hctx = sim.host_ctx();
    let rootfs = sim.rootfs.clone();
    let d = sim.vfs.lookup(hctx, &rootfs, true)?;
    let root = sim
        .sys_mount(None, &rootfs, d, &rootfs, "bind", MS_BIND | MS_REC, "")
        .map_err(|e| mount_error(&rootfs, &rootfs, false, MS_BIND | MS_REC, "", e))?;
    sim.root = Some(root);
    sim.events.push(RuncEvent::PrepareRoot {
        propagation: stringify_mount_flags(flag),
        rootfs,
    });
    Ok(())
}

/// `rootfsParentMountPropagation`: the nearest mount above the rootfs is
/// made private (slave if the root propagation has slave), trying each
/// parent directory while the kernel says EINVAL (not a mount root).
fn rootfs_parent_mount_propagation(sim: &mut Sim, root_propagation: u64) -> Result<()> {
    let flags = if root_propagation & MS_SLAVE != 0 {
        MS_SLAVE
    } else {
        MS_PRIVATE
    };
    let hctx = sim.host_ctx();
    let mut path = sim.rootfs.clone();
    loop {
        let d = sim.vfs.lookup(hctx, &path, true)?;
        match sim.sys_mount(None, "", d, &path, "", flags, "") {
            Ok(_) => return Ok(()),
            Err(Errno::EINVAL) if path != "/" => {
                path = match path.rsplit_once('/') {
                    Some(("", _)) | None => "/".to_string(),
                    Some((p, _)) => p.to_string(),
                };
            }
            Err(e) => {
                return Err(Error::with_errno(
                    e,
                    format!(
                        "remount-propagation dst={path}, flags={}: {e}",
                        stringify_mount_flags(flags)
                    ),
                ))
            }
        }
    }
}

fn prepare_rootfs(sim: &mut Sim, config: &mut ContainerConfig) -> std::result::Result<(), Failed> {
    if config.contains_ns("user") {
        sim.userns_owned = Some(
            config
                .namespaces
                .iter()
                .filter(|n| n.path.is_empty())
                .map(|n| n.typ.clone())
                .collect(),
        );
        // The container's mount namespace is made inside its user
        // namespace: every mount it inherits is locked (lock_mnt_tree).
        for k in sim.kernel.mounts.values_mut() {
            k.lock();
        }
    }
    prepare_root(sim, config).map_err(|e| (e.wrap("error preparing rootfs"), 0))?;
    let cgroupns = config.contains_ns("cgroup");
    for i in 0..config.mounts.len() {
        let mut m = config.mounts[i].clone();
        if let Err(e) = want_source_file(sim, &m, config.rootless_euid) {
            return Err((e, i));
        }
        if let Err(e) = mount_to_rootfs(sim, i, &mut m, cgroupns) {
            let e = e.wrap(format_args!(
                "error mounting {} to rootfs at {}",
                quote(&m.source),
                quote(&m.destination)
            ));
            return Err((e, i));
        }
        config.mounts[i] = m;
    }
    let n = config.mounts.len();
    super::dev::setup_dev(sim, config).map_err(|e| (e.wrap("configuring container /dev"), n))?;
    // The jail: pivot_root with a mount namespace, MS_MOVE with
    // --no-pivot, chroot without one. The container's view is the same
    // tree in each; the old root's detach is not modelled.
    let jail = if config.no_pivot_root {
        "msMoveRoot (MS_MOVE of the rootfs onto /, then chroot)"
    } else if config.contains_ns("mount") {
        "pivot_root (the old root detached)"
    } else {
        "chroot (no mount namespace: the mounts above were made in the host's)"
    };
    sim.events.push(RuncEvent::NotModelled {
        what: format!("prestart and createContainer hooks; {jail}"),
    });
    if config.root_propagation != 0 && config.root_propagation & (MS_PRIVATE | MS_SLAVE) == 0 {
        let root = sim.root.unwrap_or(sim.host);
        let p = config.root_propagation;
        sim.sys_mount(None, "", root, "/", "", p, "").map_err(|e| {
            (
                mount_error("", "/", false, p, "", e)
                    .wrap("unable to apply root propagation flags"),
                n,
            )
        })?;
    }
    Ok(())
}

/// `setupAndMountToRootfs`: a bind whose source the container cannot
/// stat (and every id-mapped mount) asks runc's host side for an
/// open_tree(2) fd; the host side's failure ends the run there
/// (process_linux.go `procMountPlease`: `failed to fulfil mount request`),
/// without the `error mounting` layer.
fn want_source_file(sim: &mut Sim, m: &ConfigsMount, rootless: bool) -> Result<()> {
    let mut want = m.is_id_mapped();
    let hctx = sim.host_ctx();
    if m.is_bind() && !rootless && sim.vfs.stat(hctx, &m.source, true).is_err() {
        want = true;
    }
    if !want {
        return Ok(());
    }
    if rootless {
        return Err(Error::msg(
            "cannot fulfil mount requests as a rootless user",
        ));
    }
    match sim.vfs.stat(hctx, &m.source, true) {
        Ok(_) => {
            sim.events.push(RuncEvent::NotModelled {
                what: format!(
                    "open_tree(OPEN_TREE_CLONE) of {} (mounted as a plain bind; an id-mapping is \
                     shown, not applied to file ownership)",
                    m.source
                ),
            });
            Ok(())
        }
        Err(e) => Err(Error::with_errno(
            e.errno().unwrap_or(Errno::ENOENT),
            format!("open_tree(OPEN_TREE_CLONE) {}: {e}", m.source),
        )
        .wrap("failed to fulfil mount request")),
    }
}

fn set_entry(sim: &mut Sim, i: usize, f: impl FnOnce(&mut MountEntry)) {
    if let Some(e) = sim.entries.get_mut(i) {
        f(e);
    }
}

/// `createOpenMountpoint`: resolves the destination inside the rootfs,
/// creating it if missing; the tmpfs mode prefix; the checks.
fn create_open_mountpoint(sim: &mut Sim, i: usize, m: &mut ConfigsMount) -> Result<DirentId> {
    let ctx = sim.ctx();
    let unsafe_path = mp::lexically_strip_root(&sim.rootfs, &m.destination);
    let (d, resolved, created) = match sim.vfs.lookup(ctx, &unsafe_path, true) {
        Ok(d) => {
            if m.device == "tmpfs" {
                let st = sim.vfs.stat_inode(sim.vfs.dirent_inode(d)?)?;
                let mode = format!("mode={:04o}", st.perms());
                sim.events.push(RuncEvent::TmpfsMode {
                    index: i,
                    mode: mode.clone(),
                });
                m.data = if m.data.is_empty() {
                    mode
                } else {
                    format!("{mode},{}", m.data)
                };
            }
            let resolved = mp::secure_join(&mut sim.vfs, ctx, &unsafe_path)?;
            (d, resolved, None)
        }
        Err(e) if e.is(Errno::ENOENT) => {
            let mut dst_is_file = false;
            if m.device == "bind" {
                let hctx = sim.host_ctx();
                let st = sim
                    .vfs
                    .stat(hctx, &m.source, true)
                    .map_err(|e| Error::msg(format!("stat {}: {e}", m.source)))?;
                dst_is_file = st.file_type != FileType::Directory;
            }
            let made = if dst_is_file {
                mp::create_in_root(&mut sim.vfs, ctx, &sim.rootfs, &unsafe_path)
                    .map(|(d, p)| (d, p, Some("file".to_string())))
            } else {
                mp::mkdir_all_in_root(&mut sim.vfs, ctx, &sim.rootfs, &unsafe_path, 0o755)
                    .map(|(d, p, _)| (d, p, Some("dir".to_string())))
            };
            made.map_err(|e| e.wrap(format_args!("make mountpoint {}", quote(&m.destination))))?
        }
        Err(e) => return Err(e.wrap("lookup mountpoint target")),
    };
    let full = join(&sim.rootfs, &resolved);
    sim.events.push(RuncEvent::Mountpoint {
        index: i,
        destination: m.destination.clone(),
        resolved: resolved.clone(),
        created,
    });
    if resolved != mp::lexically_clean_path(&unsafe_path) {
        set_entry(sim, i, |e| e.mounted_at = Some(resolved.clone()));
    }
    if resolved == "/" {
        return Err(Error::msg(format!(
            "mountpoint {} is on the top of rootfs {}",
            quote(&full),
            quote(&sim.rootfs)
        )));
    }
    let src = proc_source(sim, m);
    if let Some(w) = mp::check_proc_mount(&sim.rootfs, &full, &src)
        .map_err(|e| e.wrap(format_args!("check proc-safety of {} mount", m.destination)))?
    {
        sim.warnings.push(w);
    }
    Ok(d)
}

fn proc_source(sim: &mut Sim, m: &ConfigsMount) -> ProcSource {
    let mut src = ProcSource {
        is_bind: m.is_bind(),
        device: m.device.clone(),
        source_is_procfs: false,
        source_is_proc_root: false,
        source_ino: 0,
        source: m.source.clone(),
    };
    if m.is_bind() {
        let hctx = sim.host_ctx();
        if let Ok(d) = sim.vfs.lookup(hctx, &m.source, true) {
            if let Some((_, k)) = sim.mount_record_of(d) {
                src.source_is_procfs = k.sb.fstype == "proc";
                src.source_is_proc_root = sim.vfs.mount_of(d) == Some(d);
                // Linux gives the procfs root inode 1 (PROC_ROOT_INO).
                src.source_ino = if src.source_is_proc_root {
                    1
                } else {
                    sim.vfs
                        .dirent_inode(d)
                        .ok()
                        .and_then(|i| sim.vfs.stat_inode(i).ok())
                        .map_or(0, |st| st.ino)
                };
            }
        }
    }
    src
}

/// `mountPropagate`: mount(2) through the target's fd (read-write at first
/// for tmpfs and `/dev`), then each propagation flag.
fn mount_propagate(
    sim: &mut Sim,
    i: usize,
    m: &ConfigsMount,
    target: DirentId,
) -> Result<DirentId> {
    let mut flags = m.flags;
    if m.device == "tmpfs" || mp::lexically_clean_path(&m.destination) == "/dev" {
        flags &= !MS_RDONLY;
    }
    let data = m.data.clone();
    set_entry(sim, i, |e| e.mount_data = Some(data.clone()));
    let d = sim
        .sys_mount(
            Some(i),
            &m.source,
            target,
            &m.destination,
            &m.device,
            flags,
            &data,
        )
        .map_err(|e| mount_error(&m.source, &m.destination, true, flags, &data, e))?;
    for &p in &m.propagation_flags {
        sim.sys_mount(Some(i), "", d, &m.destination, "", p, "")
            .map_err(|e| {
                mount_error("", &m.destination, true, p, "", e)
                    .wrap("change mount propagation through procfd")
            })?;
    }
    Ok(d)
}

/// `mountToRootfs`.
fn mount_to_rootfs(sim: &mut Sim, i: usize, m: &mut ConfigsMount, cgroupns: bool) -> Result<()> {
    if m.device == "proc" || m.device == "sysfs" {
        return mount_proc_sys(sim, i, m);
    }
    let target = create_open_mountpoint(sim, i, m).map_err(|e| {
        e.wrap(format_args!(
            "create mountpoint for {} mount",
            m.destination
        ))
    })?;
    match m.device.as_str() {
        "tmpfs" if m.extensions & EXT_COPYUP != 0 => tmpcopyup(sim, i, m, target),
        "bind" => {
            let d = mount_propagate(sim, i, m, target)?;
            if m.is_id_mapped() {
                if let Some(k) = sim
                    .msrc_of_mount_root(d)
                    .and_then(|msrc| sim.kernel.mounts.get_mut(&msrc))
                {
                    k.idmapped = true;
                }
            }
            if m.flags & !(MS_BIND | MS_REC | MS_REMOUNT) != 0 || m.cleared_flags != 0 {
                bind_remount(sim, i, m, d)
                    .map_err(|e| e.wrap("failed to set user-requested vfs flags on bind-mount"))?;
            }
            if let Some(a) = m.rec_attr {
                sim.events.push(RuncEvent::RecAttr {
                    index: i,
                    set: mount_attr_names(a.attr_set),
                    clr: mount_attr_names(a.attr_clr),
                });
                // AT_RECURSIVE: the bind and every mount below it.
                let mut roots = vec![d];
                roots.extend(sim.submounts_below(d).into_iter().map(|(_, r)| r));
                for root in roots {
                    if let Some(msrc) = sim.msrc_of_mount_root(root) {
                        if let Some(k) = sim.kernel.mounts.get_mut(&msrc) {
                            k.mnt_flags =
                                kernel::apply_mount_attr(k.mnt_flags, a.attr_set, a.attr_clr);
                        }
                        sim.sync_ro(msrc);
                    }
                }
            }
            Ok(())
        }
        "cgroup" => super::cgroup::mount_cgroup(sim, i, m, target, cgroupns),
        _ => mount_propagate(sim, i, m, target).map(drop),
    }
}

/// `mntLockFlags` / `mntAtimeFlags` (rfs.go).
const MNT_ATIME_FLAGS: u64 = MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME;
const MNT_LOCK_FLAGS: u64 = MS_RDONLY | MS_NODEV | MS_NOEXEC | MS_NOSUID | MNT_ATIME_FLAGS;

/// The bind's `MS_BIND|MS_REMOUNT` with the user's flags; when the kernel
/// refuses (locked flags in a user namespace), the source's locked flags
/// are added and it is retried, unless the user asked to clear one or to
/// change a locked atime.
fn bind_remount(sim: &mut Sim, i: usize, m: &ConfigsMount, d: DirentId) -> Result<()> {
    let mut flags = m.flags | MS_BIND | MS_REMOUNT;
    sim.events.push(RuncEvent::BindRemount {
        index: i,
        flags: stringify_mount_flags(flags),
    });
    let first = match sim.sys_mount(Some(i), "", d, &m.destination, "", flags, "") {
        Ok(_) => return Ok(()),
        Err(e) => mount_error("", &m.destination, true, flags, "", e),
    };
    let hctx = sim.host_ctx();
    let src = sim
        .vfs
        .lookup(hctx, &m.source, true)
        .map_err(|e| Error::msg(format!("statfs {}: {e}", m.source)))?;
    let src_flags = sim
        .mount_record_of(src)
        .map_or(0, |(_, k)| k.statfs_mount_flags());
    let cannot_clear = src_flags & m.cleared_flags & MNT_LOCK_FLAGS;
    if cannot_clear != 0 {
        return Err(first.wrap(format_args!(
            "cannot clear locked flags {}",
            stringify_mount_flags(cannot_clear)
        )));
    }
    if m.flags & MNT_ATIME_FLAGS != 0 && m.flags & MNT_ATIME_FLAGS != src_flags & MNT_ATIME_FLAGS {
        return Err(first.wrap(format_args!(
            "cannot change locked atime flags {}",
            stringify_mount_flags(src_flags & MNT_ATIME_FLAGS)
        )));
    }
    flags |= src_flags & MNT_LOCK_FLAGS;
    sim.sys_mount(Some(i), "", d, &m.destination, "", flags, "")
        .map(drop)
        .map_err(|e| {
            mount_error("", &m.destination, true, flags, "", e).wrap(format_args!(
                "remount with locked flags {} re-applied",
                stringify_mount_flags(src_flags & MNT_LOCK_FLAGS)
            ))
        })
}

/// The `proc` / `sysfs` branch: no symlink may be the mount point.
fn mount_proc_sys(sim: &mut Sim, i: usize, m: &ConfigsMount) -> Result<()> {
    let mut dest = clean(&m.destination);
    if !mp::is_lexically_in_root(&sim.rootfs, &dest) {
        dest = join(&sim.rootfs, &dest);
    }
    let src = proc_source(sim, m);
    if let Some(w) = mp::check_proc_mount(&sim.rootfs, &dest, &src)? {
        sim.warnings.push(w);
    }
    // os.Lstat on the host path: intermediate symlinks resolve on the host.
    let hctx = sim.host_ctx();
    match sim.vfs.lookup(hctx, &dest, false) {
        Ok(d) => {
            let inode = sim.vfs.dirent_inode(d)?;
            if sim.vfs.file_type(inode) != FileType::Directory {
                return Err(Error::msg(format!(
                    "filesystem {} must be mounted on ordinary directory",
                    quote(&m.device)
                )));
            }
        }
        Err(e) if e.is(Errno::ENOENT) => {}
        Err(e) => return Err(Error::msg(format!("lstat {dest}: {e}"))),
    }
    let ctx = sim.ctx();
    let unsafe_path = mp::lexically_strip_root(&sim.rootfs, &dest);
    let (d, resolved, created) =
        mp::mkdir_all_in_root(&mut sim.vfs, ctx, &sim.rootfs, &unsafe_path, 0o755)?;
    sim.events.push(RuncEvent::Mountpoint {
        index: i,
        destination: m.destination.clone(),
        resolved: resolved.clone(),
        created: created.then(|| "dir".to_string()),
    });
    if resolved != unsafe_path {
        set_entry(sim, i, |e| e.mounted_at = Some(resolved.clone()));
    }
    mount_propagate(sim, i, m, d).map(drop)
}

/// `doTmpfsCopyUp`: the tmpfs is mounted on a host scratch directory, the
/// target's entries are copied in, and it is moved onto the target.
fn tmpcopyup(sim: &mut Sim, i: usize, m: &ConfigsMount, target: DirentId) -> Result<()> {
    let hctx = sim.host_ctx();
    let scratch = "/tmp/runctop1/runctmpdir1";
    let sd = sim.vfs.mkdir_all(hctx, scratch, 0o700)?;
    let tmp = mount_propagate(sim, i, m, sd).map_err(|e| e.wrap("tmpcopyup"))?;
    let ctx = sim.ctx();
    let tpath = sim.vfs.path_of(target, ctx.root);
    let mut copied = Vec::new();
    copy_dir(&mut sim.vfs, ctx, &tpath, Ctx::at(tmp), "/", &mut copied)
        .map_err(|e| e.wrap("tmpcopyup: failed to copy"))?;
    sim.events.push(RuncEvent::TmpCopyUp {
        index: i,
        entries: copied,
    });
    // MS_MOVE: detach from the scratch dir, attach at the target.
    let root_inode = sim.vfs.dirent_inode(tmp)?;
    let msrc = sim.msrc_of_mount_root(tmp);
    let rec = msrc.and_then(|m| sim.kernel.mounts.remove(&m));
    sim.vfs.unmount(tmp, true)?;
    let d = sim.vfs.mount(target, root_inode)?;
    if let (Some(m), Some(rec)) = (sim.msrc_of_mount_root(d), rec) {
        sim.kernel.mounts.insert(m, rec);
    }
    sim.events.push(RuncEvent::Mount {
        index: Some(i),
        source: scratch.to_string(),
        target: m.destination.clone(),
        fstype: String::new(),
        flags: stringify_mount_flags(MS_MOVE),
        data: String::new(),
        result: "ok".into(),
        kernel: true,
    });
    Ok(())
}

/// Copies a directory's entries (recursively) from one context to another.
fn copy_dir(
    vfs: &mut Vfs,
    from: Ctx,
    from_path: &str,
    to: Ctx,
    to_path: &str,
    copied: &mut Vec<String>,
) -> Result<()> {
    for e in vfs.readdir(from, from_path)? {
        if e.name == "." || e.name == ".." {
            continue;
        }
        let src = join(from_path, &e.name);
        let dst = join(to_path, &e.name);
        let st = vfs.stat(from, &src, false)?;
        match e.file_type {
            FileType::Directory => {
                vfs.mkdir(to, &dst, st.perms())?;
                copied.push(dst.clone());
                copy_dir(vfs, from, &src, to, &dst, copied)?;
            }
            FileType::Symlink => {
                let t = vfs.readlink(from, &src)?;
                vfs.symlink(to, &t, &dst)?;
                copied.push(dst);
            }
            FileType::Regular => {
                let data = vfs.read_file(from, &src, crate::limits::MAX_FILE_SIZE as usize)?;
                vfs.write_file(to, &dst, &data, false)?;
                vfs.chmod(to, &dst, st.perms())?;
                copied.push(dst);
            }
            _ => {}
        }
    }
    Ok(())
}

/// `finalizeRootfs`: tmpfs and `/dev` mounts with `MS_RDONLY` are remounted
/// read-only now; then the read-only root.
fn finalize_rootfs(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    let ctx = sim.ctx();
    for m in &config.mounts {
        if m.flags & MS_RDONLY == 0 {
            continue;
        }
        if m.device == "tmpfs" || mp::lexically_clean_path(&m.destination) == "/dev" {
            let flags = m.flags | MS_REMOUNT | MS_BIND | MS_RDONLY;
            let d = sim
                .vfs
                .lookup(ctx, &m.destination, true)
                .map_err(|e| mount_error("", &m.destination, false, flags, "", err_errno(e)))?;
            sim.sys_mount(None, "", d, &m.destination, "", flags, "")
                .map_err(|e| mount_error("", &m.destination, false, flags, "", e))?;
            sim.events.push(RuncEvent::ReadonlyRemount {
                destination: m.destination.clone(),
            });
        }
    }
    if config.readonlyfs {
        set_readonly(sim).map_err(|e| e.wrap("error setting rootfs as readonly"))?;
        sim.events.push(RuncEvent::ReadonlyRoot);
    }
    Ok(())
}

/// `setReadonly`: a read-only bind remount of `/`; if the kernel refuses,
/// again with statfs(2)'s `f_flags` added as they are (so ST_RELATIME,
/// 0x1000, lands on MS_BIND's bit and relatime comes back as the default).
fn set_readonly(sim: &mut Sim) -> Result<()> {
    let mut flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    let root = sim.root.unwrap_or(sim.host);
    if sim.sys_mount(None, "", root, "/", "", flags, "").is_ok() {
        return Ok(());
    }
    let st = sim
        .mount_record_of(root)
        .map_or(0, |(_, k)| k.statfs_mount_flags());
    let same_bits = MS_RDONLY
        | MS_NOSUID
        | MS_NODEV
        | MS_NOEXEC
        | MS_SYNCHRONOUS
        | MS_MANDLOCK
        | MS_NOATIME
        | MS_NODIRATIME;
    flags |= st & same_bits;
    if st & MS_RELATIME != 0 {
        flags |= 0x1000; // ST_RELATIME
    }
    sim.sys_mount(None, "", root, "/", "", flags, "")
        .map(drop)
        .map_err(|e| mount_error("", "/", false, flags, "", e))
}

/// The host device name a rootfs bind shows in `/proc/mounts`.
pub fn host_device() -> &'static str {
    HOST_DEVICE
}
