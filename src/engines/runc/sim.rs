//! The simulated mount namespace runc works in: the VFS holding host and
//! container, the kernel's record of each mount, and mount(2) itself
//! (fs/namespace.c `path_mount`: bind, bind remount, remount, propagation
//! change, new mount), with runc's `mountError` text for its failures.
//! What the kernel decides is logged as `Mount { kernel: true }`.

use super::flags::*;
use super::kernel::{self, Kernel, KernelMount};
use super::linuxfs;
use super::report::{CgroupMode, DevNode, RuncEvent, RuncMountEntry, RuncState};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::vfs::{join, Ctx, DirentId, MountSourceFlags, Vfs};

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
    pub entries: Vec<RuncMountEntry>,
    pub state: RuncState,
    /// With a user namespace: the namespaces the container creates (and so
    /// owns); `None` without one.
    pub userns_owned: Option<Vec<String>>,
    /// `linux.devices` with a path, for `createDevices`.
    pub spec_devices: Vec<DevNode>,
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

    pub fn msrc_of_mount_root(&self, d: DirentId) -> Option<crate::vfs::MsrcId> {
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

    pub fn sync_ro(&mut self, msrc: crate::vfs::MsrcId) {
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
        let (fs, sb_data) = super::fsparams::new_fs(fstype, data)?;
        if let Some(owned) = &self.userns_owned {
            if !super::fsparams::userns_may_mount(&fs.fstype, owned) {
                return Err(Errno::EPERM);
            }
        }
        let tinode = self.vfs.dirent_inode(target).map_err(|_| Errno::ENOENT)?;
        if !self.vfs.is_dir(tinode) {
            return Err(Errno::ENOTDIR);
        }
        if fs.fstype == "devtmpfs" {
            return self.mount_devtmpfs(source, target, flags);
        }
        let root = linuxfs::instantiate(&mut self.vfs, &fs, source, data).map_err(err_errno)?;
        let sb = kernel::Superblock {
            devname: source.to_string(),
            fstype: fs.fstype.clone(),
            sb_flags: kernel::sb_flags_for(flags, sb_data),
            fs_opts: fs.fs_opts.clone(),
            dev: self.kernel.anon_dev(),
        };
        self.attach_new(target, root, sb, flags)
    }

    /// Attaches a new mount of `sb` (root inode `root`) at `target`: a
    /// mount under a shared parent is shared too, in a new group
    /// (attach_recursive_mnt).
    fn attach_new(
        &mut self,
        target: DirentId,
        root: crate::vfs::InodeId,
        sb: kernel::Superblock,
        flags: u64,
    ) -> Result<DirentId, Errno> {
        let parent_shared = self.parent_is_shared(target);
        let d = self.vfs.mount(target, root).map_err(err_errno)?;
        if let Some(m) = self.msrc_of_mount_root(d) {
            let mut rec = KernelMount::new(sb, kernel::mnt_flags_for(flags));
            if parent_shared {
                rec.shared = Some(self.kernel.new_group());
            }
            self.kernel.mounts.insert(m, rec);
            self.sync_ro(m);
        }
        Ok(d)
    }

    /// devtmpfs is a singleton (`devtmpfs_get_tree`): a new mount of it is
    /// the host's `/dev` superblock again, under the given device name.
    fn mount_devtmpfs(
        &mut self,
        source: &str,
        target: DirentId,
        flags: u64,
    ) -> Result<DirentId, Errno> {
        let hctx = self.host_ctx();
        let dev = self.vfs.lookup(hctx, "/dev", true).map_err(err_errno)?;
        let (_, host) = self
            .mount_record_of(dev)
            .filter(|(_, k)| k.sb.fstype == "devtmpfs")
            .ok_or(Errno::ENODEV)?;
        let root_dirent = self.vfs.mount_of(dev).ok_or(Errno::ENODEV)?;
        let inode = self.vfs.dirent_inode(root_dirent).map_err(err_errno)?;
        let root = self
            .vfs
            .new_bind_root(inode, "devtmpfs", source, MountSourceFlags::default())
            .map_err(err_errno)?;
        let sb = kernel::Superblock {
            devname: source.to_string(),
            ..host.sb
        };
        self.attach_new(target, root, sb, flags)
    }

    /// `do_loopback`: the source path (looked up on the host, following
    /// symlinks) bound at `target`; both must be directories or neither.
    fn sys_bind(&mut self, source: &str, target: DirentId, rec: bool) -> Result<DirentId, Errno> {
        if source.is_empty() {
            return Err(Errno::ENOENT);
        }
        let ctx = self.host_ctx();
        let src = self.vfs.lookup(ctx, source, true).map_err(err_errno)?;
        self.bind_tree(src, target, rec)
    }

    /// A bind of the mount tree at `src` (with its submounts when `rec`).
    fn bind_tree(&mut self, src: DirentId, target: DirentId, rec: bool) -> Result<DirentId, Errno> {
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

    /// A bind from an open file (`mountViaFds` with a source fd: masks,
    /// the console, read-only paths), logged like any mount(2).
    pub fn bind_fd(
        &mut self,
        source_name: &str,
        src: DirentId,
        target: DirentId,
        target_name: &str,
        flags: u64,
    ) -> Result<DirentId, Errno> {
        let r = self.bind_tree(src, target, flags & MS_REC != 0);
        self.kernel_event(None, source_name, target_name, "", flags, "", &r);
        r
    }

    /// Whether the mount `target` is on is shared (a new mount there joins
    /// propagation).
    fn parent_is_shared(&self, target: DirentId) -> bool {
        self.mount_record_of(target)
            .is_some_and(|(_, k)| k.shared.is_some())
    }

    /// The container's `/proc/self/mountinfo` lines.
    pub fn mountinfo(&self) -> Vec<String> {
        self.container_mounts(|mi, k| kernel::mountinfo_line(mi.id, mi.parent_id, &mi.path, k))
    }

    /// One item per mount the container sees, in mount order (the mount
    /// table the VFS keeps, with the kernel's record of each).
    fn container_mounts<T>(
        &self,
        item: impl Fn(&crate::vfs::MountInfo, &KernelMount) -> T,
    ) -> Vec<T> {
        let Some(root) = self.root else {
            return Vec::new();
        };
        self.vfs
            .mount_table(root)
            .iter()
            .filter_map(|mi| self.kernel.mounts.get(&mi.msrc).map(|k| item(mi, k)))
            .collect()
    }

    /// The mounts below `src` (not its own), in mount order, as (path
    /// relative to `src`, mount root): what `MS_REC` copies.
    pub fn submounts_below(&self, src: DirentId) -> Vec<(String, DirentId)> {
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

    /// The per-mount flags of the mount whose root is `d` (statfs's view).
    pub fn mnt_flags_of(&self, d: DirentId) -> u64 {
        self.msrc_of_mount_root(d)
            .and_then(|m| self.kernel.mounts.get(&m))
            .map_or(0, |k| k.mnt_flags)
    }

    /// The container's mounts, structured.
    pub fn table(&self) -> Vec<super::report::RuncMountRow> {
        self.container_mounts(|mi, k| super::report::RuncMountRow {
            id: mi.id,
            parent_id: mi.parent_id,
            path: mi.path.clone(),
            source: kernel::devname(k).to_string(),
            fstype: k.sb.fstype.clone(),
            options: kernel::proc_mounts_options(k),
            root: k.root.clone(),
            propagation: kernel::propagation_words(k),
        })
    }

    /// The container's `/proc/mounts` lines.
    pub fn proc_mounts(&self) -> Vec<String> {
        self.container_mounts(|mi, k| kernel::proc_mounts_line(&mi.path, k))
    }
}

pub(crate) fn err_errno(e: Error) -> Errno {
    e.errno().unwrap_or(Errno::EINVAL)
}
