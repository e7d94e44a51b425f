//! `mountToRootfs` and what `setupAndMountToRootfs` does around it
//! (libcontainer/rootfs_linux.go): the open_tree request for unstatable
//! bind sources, `createOpenMountpoint`, `mountPropagate`, and each mount
//! type's branch (bind with its remount and recursive attributes, tmpfs
//! and `tmpcopyup`, proc and sysfs, cgroup, the rest).

use super::flags::*;
use super::kernel;
use super::mount::ConfigsMount;
use super::mountpoint::{self as mp, ProcSource};
use super::report::{RuncEvent, RuncMountEntry};
use super::sim::{mount_error, Sim};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{clean, join, Ctx, DirentId, FileType, Vfs};

/// `setupAndMountToRootfs`: a bind whose source the container cannot
/// stat (and every id-mapped mount) asks runc's host side for an
/// open_tree(2) fd; the host side's failure ends the run there
/// (process_linux.go `procMountPlease`: `failed to fulfil mount request`),
/// without the `error mounting` layer.
pub(crate) fn want_source_file(sim: &mut Sim, m: &ConfigsMount, rootless: bool) -> Result<()> {
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

fn set_entry(sim: &mut Sim, i: usize, f: impl FnOnce(&mut RuncMountEntry)) {
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
pub(crate) fn mount_to_rootfs(
    sim: &mut Sim,
    i: usize,
    m: &mut ConfigsMount,
    cgroupns: bool,
) -> Result<()> {
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
    // mountPropagate's error comes back as it is (no tmpcopyup prefix).
    let tmp = mount_propagate(sim, i, m, sd)?;
    let ctx = sim.ctx();
    let tpath = sim.vfs.path_of(target, ctx.root);
    let mut copied = Vec::new();
    copy_dir(&mut sim.vfs, ctx, &tpath, Ctx::at(tmp), "/", &mut copied).map_err(|e| {
        e.wrap(format_args!(
            "tmpcopyup: failed to copy {} to {} ({scratch})",
            m.destination,
            super::sim::DST_FD_STANDIN
        ))
    })?;
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
