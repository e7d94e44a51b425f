//! Setting up and tearing down a container's filesystem, in fs.go's order:
//! `setupContainerFS` (fs.go:530-626), both its root and its child branch,
//! `setExecutablePath` (630-638) and `destroyContainerFS` (642-709).

use super::compile::compile_mounts;
use super::config::BootConfig;
use super::decisions::{Event, Recorder};
use super::fds::FdDispenser;
use super::namespace::{
    create_mount_namespace, create_root_mount, mount_submount, MountList, CHILD_CONTAINERS_DIR,
};
use super::SpecView;
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{clean, Ctx, DirentId, Vfs};

/// `setupContainerFS`: the mounts of container `cid` (`None` for the root
/// container, which runsc sets up first). Returns the container's root.
/// Errors carry fs.go's wording; the loader adds `failed to create new
/// process: ` for a child. `fds` is the container's `fdDispenser`, the
/// caller's so that what a failed setup took can still be reported.
pub fn setup_container_fs(
    vfs: &mut Vfs,
    spec: &SpecView,
    conf: &BootConfig,
    fds: &mut FdDispenser,
    cid: Option<&str>,
    rec: &mut Recorder,
) -> Result<DirentId> {
    rec.set_container(cid);
    // "If this is the root container, we also need to setup the root mount
    // namespace." (fs.go:555-570; a child always has an id.)
    let (Ok(global), Some(cid)) = (vfs.namespace_root(), cid) else {
        return create_mount_namespace(vfs, spec, conf, fds, rec)
            .map_err(super::errorf("error creating mounts"));
    };
    // Setup a child container: its root under `/__runsc_containers__/<cid>`,
    // only the four mandatory stubs, then its compiled mounts relative to
    // it. No leftover-FD check; running out of FDs is still fatal.
    rec.begin_root(&spec.root_path);
    let root_inode = create_root_mount(vfs, spec, conf, fds, None, rec)
        .map_err(super::errorf("error creating filesystem for container"))?;
    // Create mount point for the container's rootfs (fs.go:585).
    let mut max_traversals = 0u32;
    let cont_dir = vfs
        .find_inode(global, None, CHILD_CONTAINERS_DIR, &mut max_traversals)
        .map_err(|e| {
            e.wrap(format!(
                "couldn't find child container dir {}",
                quote(CHILD_CONTAINERS_DIR)
            ))
        })?;
    let in_dir = Ctx {
        root: global,
        cwd: cont_dir,
    };
    vfs.mkdir(in_dir, cid, 0o755)
        .map_err(|e| e.wrap(format!("create directory {}", quote(cid))))?;
    let container_root = vfs
        .lookup(in_dir, cid, false)
        .map_err(|e| e.wrap(format!("walk to {} failed", quote(cid))))?;
    let mounted = vfs
        .mount(container_root, root_inode)
        .map_err(|e| e.wrap("mount container root"))?;
    // "We have to re-walk to the dirent to find the mounted directory. The
    // old dirent is invalid at this point." (fs.go:605-606)
    let container_root = vfs
        .lookup(in_dir, cid, false)
        .map_err(|e| e.wrap(format!("find container mount point {}", quote(cid))))?;
    debug_assert_eq!(mounted, container_root);
    rec.event(Event::ChildRootMounted {
        vfs,
        root: container_root,
    });
    // Mount all submounts (fs.go:614).
    let mounts = MountList::new(compile_mounts(&spec.mounts, rec));
    let first = rec.plan(&mounts.mounts);
    for (i, m) in mounts.iter().enumerate() {
        rec.reach(first + i);
        mount_submount(vfs, conf, container_root, fds, m, &mounts, rec)
            .map_err(|e| rec.failed(e))
            .map_err(super::errorf("error mounting filesystem for container"))?;
    }
    rec.select(None);
    Ok(container_root)
}

/// `setExecutablePath`: resolves `argv0` against the process env's PATH from
/// the process root `ctx.root`. The loader wraps failures as
/// `error setting executable path for %+v: %v`.
pub fn set_executable_path(
    vfs: &mut Vfs,
    ctx: Ctx,
    argv0: &str,
    env: &[String],
    wd: &str,
) -> Result<String> {
    let paths = get_path(env).unwrap_or_default();
    vfs.resolve_executable_path(ctx, wd, argv0, &paths)
}

/// `destroyContainerFS(cid)`: unmounts every submount of the child's root
/// (detach only; EINVAL ignored), then the root itself, then removes the
/// directory. A container that is already gone is not an error.
pub fn destroy_container_fs(vfs: &mut Vfs, cid: &str) -> Result<()> {
    let global = vfs.namespace_root()?;
    // path.Join(ChildContainersDir, cid)
    let container_root = clean(&format!("{CHILD_CONTAINERS_DIR}/{cid}"));
    let mut budget = 0u32;
    let root_d = match vfs.find_inode(global, None, &container_root, &mut budget) {
        Ok(d) => d,
        Err(e) if e.is(Errno::ENOENT) => return Ok(()),
        Err(e) => {
            return Err(e.wrap(format!(
                "error finding container root directory {}",
                quote(&container_root)
            )))
        }
    };
    let msrc = vfs
        .inode(vfs.dirent_inode(root_d)?)
        .map(|i| i.msrc)
        .ok_or(Errno::ESTALE)?;
    for m in vfs.submounts(msrc) {
        let Some(root) = vfs.msrcs.get(m).and_then(|x| x.root) else {
            continue;
        };
        let base = vfs
            .dirent_name(root)
            .map(|(n, _)| n.to_string())
            .unwrap_or_default();
        match vfs.unmount(root, true) {
            Ok(()) => {}
            Err(e) if e.is(Errno::EINVAL) => {}
            Err(e) => {
                return Err(e.wrap(format!(
                    "error unmounting container submount {}",
                    quote(&base)
                )))
            }
        }
    }
    let base = vfs
        .dirent_name(root_d)
        .map(|(n, _)| n.to_string())
        .unwrap_or_default();
    vfs.unmount(root_d, true).map_err(|e| {
        e.wrap(format!(
            "error unmounting container root mount {}",
            quote(&base)
        ))
    })?;
    budget = 0;
    let dir = vfs
        .find_inode(global, None, CHILD_CONTAINERS_DIR, &mut budget)
        .map_err(|e| {
            e.wrap(format!(
                "error finding containers directory {}",
                quote(CHILD_CONTAINERS_DIR)
            ))
        })?;
    vfs.remove(
        Ctx {
            root: global,
            cwd: dir,
        },
        cid,
        true,
    )
    .map_err(|e| {
        e.wrap(format!(
            "error removing directory {}",
            quote(&container_root)
        ))
    })?;
    // fs.AsyncBarrier: everything the container held is released now.
    vfs.collect_garbage();
    Ok(())
}

/// `fs.GetPath(env)`: the first `PATH=` entry split on `:`, or none.
pub fn get_path(env: &[String]) -> Option<Vec<String>> {
    env.iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .map(|p| p.split(':').map(str::to_string).collect())
}

/// Checks a container id as runsc's `validateID` does (`^[\w+-\.]+$`).
pub fn validate_id(cid: &str) -> Result<()> {
    let ok = !cid.is_empty()
        && cid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::msg(format!("invalid container id: {cid}")))
    }
}
