//! `readonlyPaths` and `maskedPaths`, applied after the rootfs is final
//! (libcontainer/standard_init_linux.go; rootfs_linux.go `readonlyPath`,
//! `maskPaths`, `maskDir`). Paths are container paths.

use super::config::ContainerConfig;
use super::flags::*;
use super::mountpoint::lexically_clean_path;
use super::report::RuncEvent;
use super::sim::{mount_error, Sim};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{DirentId, FileType};

fn errno_of(e: &Error) -> Errno {
    e.errno().unwrap_or(Errno::EINVAL)
}

/// `readonlyPath(p)` for each path in order, wrapped `can't make %q read-only`.
pub(crate) fn readonly_paths(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    for p in &config.readonly_paths {
        let applied = readonly_path(sim, p)
            .map_err(|e| e.wrap(format_args!("can't make {} read-only", quote(p))))?;
        sim.events.push(RuncEvent::ReadonlyPath {
            path: p.clone(),
            applied,
        });
        if applied {
            sim.state.readonly.push(p.clone());
        }
    }
    Ok(())
}

/// A recursive self-bind (ENOENT: skipped), then a read-only bind remount
/// keeping nosuid/nodev/noexec from statfs.
fn readonly_path(sim: &mut Sim, p: &str) -> Result<bool> {
    let ctx = sim.ctx();
    let flags = MS_BIND | MS_REC;
    let src = match sim.vfs.lookup(ctx, p, true) {
        Ok(d) => d,
        Err(e) if e.is(Errno::ENOENT) => return Ok(false),
        Err(e) => return Err(mount_error(p, p, false, flags, "", errno_of(&e))),
    };
    let d = sim
        .bind_fd(p, src, src, p, flags)
        .map_err(|e| mount_error(p, p, false, flags, "", e))?;
    let keep = sim.mnt_flags_of(d) & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
    let flags = keep | MS_BIND | MS_REMOUNT | MS_RDONLY;
    sim.sys_mount(None, p, d, p, "", flags, "")
        .map_err(|e| mount_error(p, p, false, flags, "", e))?;
    Ok(true)
}

/// `maskPaths`: missing paths and duplicates skipped; a file gets
/// `/dev/null` bound on it, the first directory a read-only tmpfs, and the
/// later directories a bind of that tmpfs.
pub(crate) fn mask_paths(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    if config.mask_paths.is_empty() {
        return Ok(());
    }
    let ctx = sim.ctx();
    let dev_null = sim
        .vfs
        .lookup(ctx, "/dev/null", true)
        .map_err(|e| Error::msg(format!("open /dev/null: {e}")).wrap("can't mask paths"))?;
    let st = sim.vfs.stat_inode(sim.vfs.dirent_inode(dev_null)?)?;
    if st.file_type != FileType::CharDevice || (st.rdev_major, st.rdev_minor) != (1, 3) {
        return Err(Error::msg("container's /dev/null is invalid").wrap("can't mask paths"));
    }
    let mut shared: Option<DirentId> = None;
    let mut seen: Vec<String> = Vec::new();
    for path in &config.mask_paths {
        let d = match sim.vfs.lookup(ctx, path, true) {
            Ok(d) => d,
            Err(e) if e.is(Errno::ENOENT) => {
                sim.events.push(RuncEvent::MaskPath {
                    path: path.clone(),
                    how: "skipped: does not exist".into(),
                });
                continue;
            }
            Err(e) => return Err(e.wrap(format_args!("can't mask path {}", quote(path)))),
        };
        let clean = lexically_clean_path(path);
        if seen.contains(&clean) {
            sim.events.push(RuncEvent::MaskPath {
                path: path.clone(),
                how: "skipped: duplicate".into(),
            });
            continue;
        }
        seen.push(clean);
        let is_dir = sim.vfs.is_dir(sim.vfs.dirent_inode(d)?);
        let (how, r) = if !is_dir {
            let r = sim
                .bind_fd("/dev/null", dev_null, d, path, MS_BIND)
                .map_err(|e| mount_error("", path, true, MS_BIND, "", e));
            ("bind of /dev/null", r.map(drop))
        } else if let Some(src) = shared {
            let r = sim
                .bind_fd("(shared mask tmpfs)", src, d, path, MS_BIND)
                .map_err(|e| mount_error("", path, true, MS_BIND, "", e));
            ("bind of the shared mask tmpfs", r.map(drop))
        } else {
            let data = "nr_blocks=1,nr_inodes=1";
            let r = sim
                .sys_mount(None, "tmpfs", d, path, "tmpfs", MS_RDONLY, data)
                .map_err(|e| mount_error("tmpfs", path, false, MS_RDONLY, data, e));
            if let Ok(t) = &r {
                shared = Some(*t);
            }
            ("read-only tmpfs", r.map(drop))
        };
        let kind = if is_dir { "dir" } else { "path" };
        r.map_err(|e| e.wrap(format_args!("can't mask {kind} {}", quote(path))))?;
        sim.events.push(RuncEvent::MaskPath {
            path: path.clone(),
            how: how.into(),
        });
        sim.state.masked.push(path.clone());
    }
    Ok(())
}
