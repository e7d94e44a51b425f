//! `containerMounter.makeMountPoint` and `getPathMode` (runsc/boot/vfs.go):
//! mount points are created, not stubbed, with a kind check against the
//! new mount's root, and destinations are resolved in the container's own
//! namespace following symlinks (at most `linux.MaxSymlinkTraversals`, 40;
//! absolute targets restart at the container root, `..` stops there).

use super::vfs_glue::{is_remote, synthetic_dir};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::vfs::{clean, Ctx, DirentId, OpenFlags, Vfs};

/// `linux.FileMode.String()`: `S_IFREG|0o644`, `S_IFDIR|S_ISVTX|0o777`.
pub fn file_mode_string(mode: u32) -> String {
    let mut parts: Vec<String> = Vec::new();
    let t = match mode & 0o170000 {
        0o140000 => Some("S_IFSOCK"),
        0o120000 => Some("S_IFLNK"),
        0o100000 => Some("S_IFREG"),
        0o060000 => Some("S_IFBLK"),
        0o040000 => Some("S_IFDIR"),
        0o020000 => Some("S_IFCHR"),
        0o010000 => Some("S_IFIFO"),
        _ => None,
    };
    parts.extend(t.map(str::to_string));
    let extra: Vec<&str> = [
        (0o4000, "S_ISUID"),
        (0o2000, "S_ISGID"),
        (0o1000, "S_ISVTX"),
    ]
    .iter()
    .filter(|(bit, _)| mode & bit != 0)
    .map(|(_, n)| *n)
    .collect();
    if !extra.is_empty() {
        parts.push(extra.join("|"));
    }
    parts.push(format!("0o{:o}", mode & 0o777));
    parts.join("|")
}

const S_IFDIR: u32 = 0o040000;

fn is_dir(mode: u32) -> bool {
    mode & 0o170000 == S_IFDIR
}

/// `getPathMode` with `FollowFinalSymlink: true`.
pub fn path_mode(vfs: &mut Vfs, root: DirentId, dest: &str) -> Result<u32> {
    Ok(vfs.stat(Ctx::at(root), dest, true)?.mode)
}

/// `path.Dir`.
fn dir_of(p: &str) -> String {
    match p.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => clean(&p[..i]),
        None => ".".into(),
    }
}

/// EACCES from the VFS's fixed directories (procfs, sysfs) is today's
/// kernfs `InodeDirectoryNoNewChildren`, which refuses with EPERM: runsc
/// mounts with root credentials, so permission bits never give EACCES.
pub fn kernfs_errno(e: Error) -> Error {
    if e.is(Errno::EACCES) {
        Errno::EPERM.into()
    } else {
        e
    }
}

/// `MkdirAt(ForSyntheticMountpoint: true)`: a gofer directory the host
/// refuses to create (any error but EEXIST) becomes a synthetic one.
fn mkdir_for_mountpoint(vfs: &mut Vfs, root: DirentId, path: &str) -> Result<()> {
    let ctx = Ctx::at(root);
    match vfs.mkdir(ctx, path, 0o755).map_err(kernfs_errno) {
        Ok(_) => Ok(()),
        Err(e) if e.is(Errno::EEXIST) => Err(e),
        Err(e) => {
            let trimmed = path.trim_end_matches('/');
            let (dir, name) = trimmed.rsplit_once('/').unwrap_or(("", trimmed));
            let parent = vfs.lookup(ctx, if dir.is_empty() { "/" } else { dir }, true)?;
            if !is_remote(vfs, parent) {
                return Err(e);
            }
            synthetic_dir(vfs, parent, name, 0o755).map(drop)
        }
    }
}

/// `VirtualFilesystem.MkdirAllAt(path, mustBeDir: true)` with its
/// wrappers, recursing to the parent first; `synthetic` is
/// `ForSyntheticMountpoint` (gofer directories the host refuses become
/// synthetic).
pub fn mkdir_all_at(vfs: &mut Vfs, root: DirentId, path: &str, synthetic: bool) -> Result<()> {
    mkdir_all_impl(vfs, root, path, synthetic, true)
}

/// `MakeSyntheticMountpoint(target)`: the parents (mustBeDir), then the
/// target itself, where any existing file is accepted.
pub fn make_synthetic_mountpoint(vfs: &mut Vfs, root: DirentId, target: &str) -> Result<()> {
    mkdir_all_impl(vfs, root, &dir_of(target), true, true).map_err(|e| {
        e.wrap(format!(
            "failed to create parent directory of mountpoint {}",
            quote(target)
        ))
    })?;
    mkdir_all_impl(vfs, root, target, true, false)
        .map_err(|e| e.wrap(format!("failed to create mountpoint {}", quote(target))))
}

/// MkdirAllAt's recursion (stat, the parent first, then the mkdir) as a
/// loop, so a deep path cannot exhaust the stack: walk up while the path is
/// missing, then create downward. Each level's errors carry that level's
/// wrapper, as the recursion's do.
fn mkdir_all_impl(
    vfs: &mut Vfs,
    root: DirentId,
    path: &str,
    synthetic: bool,
    must_be_dir: bool,
) -> Result<()> {
    let mut missing: Vec<String> = Vec::new();
    let mut cur = path.to_string();
    loop {
        let need_dir = must_be_dir || !missing.is_empty();
        match vfs.stat(Ctx::at(root), &cur, true) {
            Ok(st) if is_dir(st.mode) || !need_dir => break,
            Ok(_) => return Err(Errno::ENOTDIR.into()),
            Err(e) if e.is(Errno::ENOENT) => {}
            Err(e) => {
                return Err(e.wrap(format!(
                    "stat failed for {} during directory creation",
                    quote(&cur)
                )))
            }
        }
        let parent = dir_of(&cur);
        missing.push(std::mem::replace(&mut cur, parent));
        if cur == "/" || cur == "." || missing.len() > crate::vfs::PATH_MAX {
            break;
        }
    }
    for p in missing.iter().rev() {
        let made = if synthetic {
            mkdir_for_mountpoint(vfs, root, p)
        } else {
            vfs.mkdir(Ctx::at(root), p, 0o755)
                .map(drop)
                .map_err(kernfs_errno)
        };
        made.map_err(|e| e.wrap(format!("failed to create directory {}", quote(p))))?;
    }
    Ok(())
}

/// What makeMountPoint did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MadePoint {
    Existed,
    CreatedDir,
    CreatedFile,
}

/// `makeMountPoint(dest, rootMode)`. mountSubmount wraps an error as
/// `creating mount point %q: %w`.
pub fn make_mount_point(
    vfs: &mut Vfs,
    root: DirentId,
    dest: &str,
    root_mode: u32,
) -> Result<MadePoint> {
    match path_mode(vfs, root, dest) {
        Ok(mode) => {
            if is_dir(mode) != is_dir(root_mode) {
                let what = if is_dir(root_mode) {
                    "isn't a directory"
                } else {
                    "isn't not a file"
                };
                return Err(Error::msg(format!(
                    "mountpoint {} {what}, got mode {}",
                    quote(dest),
                    file_mode_string(mode)
                )));
            }
            return Ok(MadePoint::Existed);
        }
        Err(e) if e.is(Errno::ENOENT) => {}
        Err(e) => {
            return Err(e.wrap(format!(
                "stat failed for {} during mountpoint creation",
                quote(dest)
            )))
        }
    }
    let ctx = Ctx::at(root);
    mkdir_all_at(vfs, root, &dir_of(dest), true).map_err(|e| {
        e.wrap(format!(
            "failed to create parent directory of mountpoint {}",
            quote(dest)
        ))
    })?;
    // FollowFinalSymlink false: a dangling symlink's own name is taken.
    let taken = vfs.lookup(ctx, dest, false).is_ok();
    if is_dir(root_mode) {
        let r = if taken {
            Err(Error::from(Errno::EEXIST))
        } else {
            mkdir_for_mountpoint(vfs, root, dest)
        };
        r.map_err(|e| {
            e.wrap(format!(
                "failed to create directory mountpoint {}",
                quote(dest)
            ))
        })?;
        return Ok(MadePoint::CreatedDir);
    }
    let flags = OpenFlags {
        write: true,
        create: true,
        exclusive: true,
        no_follow: true,
        ..OpenFlags::default()
    };
    let r = if taken {
        Err(Error::from(Errno::EEXIST))
    } else {
        vfs.open(ctx, dest, flags, 0o644).and_then(|f| vfs.close(f))
    };
    r.map_err(|e| e.wrap(format!("failed to create file mountpoint {}", quote(dest))))?;
    Ok(MadePoint::CreatedFile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_modes_print_as_gvisor() {
        assert_eq!(file_mode_string(0o100644), "S_IFREG|0o644");
        assert_eq!(file_mode_string(0o040755), "S_IFDIR|0o755");
        assert_eq!(file_mode_string(0o041777), "S_IFDIR|S_ISVTX|0o777");
        assert_eq!(file_mode_string(0o120777), "S_IFLNK|0o777");
        assert_eq!(file_mode_string(0o6755), "S_ISUID|S_ISGID|0o755");
        assert_eq!(dir_of("/a/b"), "/a");
        assert_eq!(dir_of("/a"), "/");
        assert_eq!(dir_of("/a/b/"), "/a/b");
    }
}
