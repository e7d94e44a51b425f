//! The `cgroup` mount type (libcontainer/rootfs_linux.go `mountCgroupV2`,
//! `mountCgroupV1`, `getCgroupMounts`).

use super::flags::*;
use super::host::CGROUP_V1_HIERARCHIES;
use super::mount::ConfigsMount;
use super::report::CgroupMode;
use super::sim::{mount_error, Sim};
use crate::errno::Errno;
use crate::error::Result;
use crate::vfs::{join, DirentId};

/// `configs.Mount` `defaultMountFlags`.
const DEFAULT_MOUNT_FLAGS: u64 = MS_NOEXEC | MS_NOSUID | MS_NODEV;

pub(crate) fn mount_cgroup(
    sim: &mut Sim,
    i: usize,
    m: &ConfigsMount,
    target: DirentId,
    cgroupns: bool,
) -> Result<()> {
    match sim.cgroup {
        CgroupMode::V2 => v2(sim, i, m, target),
        CgroupMode::V1 => v1(sim, i, m, target, cgroupns),
    }
}

/// cgroup2 with the mount's own flags and data; in a user namespace
/// without a cgroup namespace the kernel refuses (EPERM) and runc binds the
/// host's `/sys/fs/cgroup` instead.
fn v2(sim: &mut Sim, i: usize, m: &ConfigsMount, target: DirentId) -> Result<()> {
    let data = m.data.clone();
    if let Some(e) = sim.entries.get_mut(i) {
        e.mount_data = Some(data.clone());
    }
    let r = sim.sys_mount(
        Some(i),
        &m.source,
        target,
        &m.destination,
        "cgroup2",
        m.flags,
        &data,
    );
    match r {
        Ok(_) => Ok(()),
        Err(e) if e == Errno::EPERM || e == Errno::EBUSY => {
            let flags = MS_BIND | m.flags;
            let d = sim
                .sys_mount(
                    Some(i),
                    "/sys/fs/cgroup",
                    target,
                    &m.destination,
                    "bind",
                    flags,
                    "",
                )
                .map_err(|e| mount_error("/sys/fs/cgroup", &m.destination, true, flags, "", e))?;
            if flags & !(MS_BIND | MS_REC) != 0 {
                let rf = flags | MS_BIND | MS_REMOUNT;
                sim.sys_mount(Some(i), "", d, &m.destination, "", rf, "")
                    .map_err(|e| mount_error("", &m.destination, true, rf, "", e))?;
            }
            Ok(())
        }
        Err(e) => Err(mount_error(
            &m.source,
            &m.destination,
            true,
            m.flags,
            &data,
            e,
        )),
    }
}

/// A tmpfs (`mode=755`, nosuid/nodev/noexec) at the destination, one
/// bind per host hierarchy (with the mount's flags) or, with a cgroup
/// namespace, one real cgroup mount per hierarchy, and symlinks for the
/// comma-joined ones.
fn v1(sim: &mut Sim, i: usize, m: &ConfigsMount, target: DirentId, cgroupns: bool) -> Result<()> {
    let data = "mode=755";
    if let Some(e) = sim.entries.get_mut(i) {
        e.mount_data = Some(data.to_string());
    }
    let t = sim
        .sys_mount(
            Some(i),
            "tmpfs",
            target,
            &m.destination,
            "tmpfs",
            DEFAULT_MOUNT_FLAGS,
            data,
        )
        .map_err(|e| mount_error("tmpfs", &m.destination, true, DEFAULT_MOUNT_FLAGS, data, e))?;
    let ctx = sim.ctx();
    let base = sim.vfs.path_of(t, ctx.root);
    for h in CGROUP_V1_HIERARCHIES {
        let dst = join(&base, h);
        let src = format!("/sys/fs/cgroup/{h}");
        let d = sim.vfs.mkdir(ctx, &dst, 0o755)?;
        if cgroupns {
            let mut flags = DEFAULT_MOUNT_FLAGS;
            if m.flags & MS_RDONLY != 0 {
                flags |= MS_RDONLY;
            }
            let (source, data) = if *h == "systemd" {
                ("systemd", "name=systemd")
            } else {
                ("cgroup", *h)
            };
            sim.sys_mount(Some(i), source, d, &dst, "cgroup", flags, data)
                .map_err(|e| mount_error(source, &dst, true, flags, data, e))?;
            continue;
        }
        let flags = MS_BIND | MS_REC | m.flags;
        let b = sim
            .sys_mount(Some(i), &src, d, &dst, "bind", flags, "")
            .map_err(|e| mount_error(&src, &dst, true, flags, "", e))?;
        if m.flags & !(MS_BIND | MS_REC | MS_REMOUNT) != 0 || m.cleared_flags != 0 {
            let rf = flags | MS_REMOUNT;
            sim.sys_mount(Some(i), "", b, &dst, "", rf, "")
                .map_err(|e| mount_error("", &dst, true, rf, "", e))?;
        }
    }
    for h in CGROUP_V1_HIERARCHIES.iter().filter(|h| h.contains(',')) {
        for ss in h.split(',') {
            let p = join(&base, ss);
            match sim.vfs.symlink(ctx, h, &p) {
                Err(e) if !e.is(Errno::EEXIST) => return Err(e),
                _ => {}
            }
        }
    }
    Ok(())
}
