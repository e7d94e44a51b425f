//! Mount point resolution (libcontainer/rootfs_linux.go
//! `createOpenMountpoint`, `checkProcMount`; internal/pathrs
//! `LexicallyStripRoot`, `IsLexicallyInRoot`, `hallucinateUnsafePath`,
//! `MkdirAllInRoot`, `CreateInRoot`; filepath-securejoin `SecureJoin`).
//!
//! Paths here are container paths: the VFS resolves them from the
//! container's root, so an absolute symlink restarts at the rootfs and `..`
//! stops there, which is what pathrs-lite's in-root resolution does.

use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::vfs::{clean, join, Ctx, DirentId, FileType, Vfs};

/// securejoin's symlink budget (`maxSymlinkLimit`).
pub const SECUREJOIN_MAX_SYMLINKS: u32 = 255;

/// `pathrs.IsLexicallyInRoot`.
pub fn is_lexically_in_root(root: &str, path: &str) -> bool {
    let root = root.trim_end_matches('/');
    let path = path.trim_end_matches('/');
    format!("{path}/").starts_with(&format!("{root}/"))
}

/// `pathrs.LexicallyCleanPath`: absolute paths are cleaned, relative ones
/// cleaned as if under `/` and kept relative.
pub fn lexically_clean_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    if path.starts_with('/') {
        return clean(path);
    }
    let c = clean(&format!("/{path}"));
    match c.strip_prefix('/') {
        Some("") => ".".to_string(),
        Some(rest) => rest.to_string(),
        None => c,
    }
}

/// `pathrs.LexicallyStripRoot(root, path)`: the path made absolute and
/// cleaned, a leading `root` removed.
pub fn lexically_strip_root(root: &str, path: &str) -> String {
    let root = lexically_clean_path(&format!("/{root}"));
    let mut path = lexically_clean_path(&format!("/{path}"));
    if path == root {
        path = "/".to_string();
    } else if root != "/" {
        if let Some(p) = path.strip_prefix(&format!("{root}/")) {
            path = p.to_string();
        }
    }
    lexically_clean_path(&format!("/{path}"))
}

/// `securejoin.SecureJoin(root, unsafe)` as a container path: every symlink
/// in the existing part is followed (absolute targets restart at the root,
/// `..` never leaves it); once a component is missing the rest is joined
/// lexically. Dangling links are thus followed to where their target would
/// be, which is how runc "hallucinates" a mount point.
pub fn secure_join(vfs: &mut Vfs, ctx: Ctx, unsafe_path: &str) -> Result<String> {
    let mut budget = SECUREJOIN_MAX_SYMLINKS;
    let mut path = String::from("/");
    let mut rest: Vec<String> = unsafe_path
        .split('/')
        .filter(|c| !c.is_empty())
        .rev()
        .map(str::to_string)
        .collect();
    let mut missing = false;
    while let Some(comp) = rest.pop() {
        if comp == "." {
            continue;
        }
        if comp == ".." {
            path = clean(&join(&path, ".."));
            continue;
        }
        let next = join(&path, &comp);
        if missing {
            path = next;
            continue;
        }
        match vfs.lookup(ctx, &next, false) {
            Ok(d) => {
                let inode = vfs.dirent_inode(d)?;
                if vfs.file_type(inode) == FileType::Symlink {
                    if budget == 0 {
                        return Err(Error::msg(format!(
                            "securejoin: too many symlinks in {}",
                            unsafe_path
                        )));
                    }
                    budget -= 1;
                    let target = vfs.readlink(ctx, &next)?;
                    if target.starts_with('/') {
                        path = "/".to_string();
                    }
                    for c in target.split('/').filter(|c| !c.is_empty()).rev() {
                        rest.push(c.to_string());
                    }
                } else {
                    path = next;
                }
            }
            Err(e) if e.is(Errno::ENOENT) => {
                missing = true;
                path = next;
            }
            // ENOTDIR and the like: SecureJoin's Lstat fails the same way
            // for the rest, which stays lexical.
            Err(e) if e.is(Errno::ENOTDIR) => {
                missing = true;
                path = next;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(path)
}

/// `pathrs.MkdirAllInRoot(root, path, 0o755)`: the hallucinated path's
/// missing directories created with `perms` (setgid inherited from the
/// parent, as Linux does for a setgid directory). `root_name` is the
/// rootfs's host path, which pathrs-lite's errors name
/// (gopathrs/mkdir_linux.go `MkdirAllHandle`).
pub fn mkdir_all_in_root(
    vfs: &mut Vfs,
    ctx: Ctx,
    root_name: &str,
    unsafe_path: &str,
    perms: u32,
) -> Result<(DirentId, String, bool)> {
    let path = secure_join(vfs, ctx, unsafe_path)?;
    let mut cur = String::from("/");
    let mut created = false;
    for comp in path.split('/').filter(|c| !c.is_empty()) {
        let next = join(&cur, comp);
        match vfs.lookup(ctx, &next, true) {
            Ok(d) => {
                let inode = vfs.dirent_inode(d)?;
                if !vfs.is_dir(inode) {
                    let name = format!("{}{next}", root_name.trim_end_matches('/'));
                    return Err(Error::with_errno(
                        Errno::ENOTDIR,
                        format!(
                            "cannot create subdirectories in {}: {}",
                            crate::gostr::quote(&name),
                            Errno::ENOTDIR
                        ),
                    ));
                }
            }
            Err(e) if e.is(Errno::ENOENT) => {
                let parent = vfs.stat(ctx, &cur, true)?;
                let setgid = parent.perms() & 0o2000;
                // Linux: a directory without a mkdir operation (procfs,
                // sysfs, devpts, mqueue) gives EPERM (vfs_mkdir); the VFS
                // says EACCES for these.
                vfs.mkdir(ctx, &next, perms).map_err(|e| {
                    let errno = match e.errno() {
                        Some(Errno::EACCES) | None => Errno::EPERM,
                        Some(x) => x,
                    };
                    let name = format!("{}{next}", root_name.trim_end_matches('/'));
                    Error::with_errno(errno, format!("mkdirat {name}: {errno}"))
                })?;
                if setgid != 0 {
                    vfs.chmod(ctx, &next, perms | setgid)?;
                }
                created = true;
            }
            Err(e) => return Err(e),
        }
        cur = next;
    }
    Ok((vfs.lookup(ctx, &path, true)?, path, created))
}

/// `pathrs.CreateInRoot(root, path, O_CREAT|O_EXCL|O_NOFOLLOW, 0o644)`:
/// the parent made with `MkdirAllInRoot`, then an empty file.
pub fn create_in_root(
    vfs: &mut Vfs,
    ctx: Ctx,
    root_name: &str,
    unsafe_path: &str,
) -> Result<(DirentId, String)> {
    let path = secure_join(vfs, ctx, unsafe_path)?;
    let (dir, name) = match path.rsplit_once('/') {
        Some((d, n)) if !n.is_empty() => (if d.is_empty() { "/" } else { d }, n),
        _ => {
            return Err(Error::msg(format!(
                "root subpath {} has bad trailing component",
                crate::gostr::quote(&path)
            )))
        }
    };
    mkdir_all_in_root(vfs, ctx, root_name, dir, 0o755)?;
    let full = join(dir, name);
    if vfs.lookup(ctx, &full, false).is_ok() {
        return Err(Errno::EEXIST.into());
    }
    let f = vfs.open(ctx, &full, crate::vfs::OpenFlags::create_truncate(), 0o644)?;
    vfs.close(f)?;
    Ok((vfs.lookup(ctx, &full, false)?, full))
}

/// The lxcfs files that may be mounted inside `/proc`.
const VALID_PROC_MOUNTS: &[&str] = &[
    "/proc/cpuinfo",
    "/proc/diskstats",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/swaps",
    "/proc/uptime",
    "/proc/loadavg",
    "/proc/slabinfo",
    "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
];

/// What `checkProcMount` needs to know of a bind's source.
pub struct ProcSource {
    pub is_bind: bool,
    pub device: String,
    /// statfs type is PROC_SUPER_MAGIC, and the source's inode number.
    pub source_is_procfs: bool,
    pub source_is_proc_root: bool,
    /// The source's inode number (the warning prints it).
    pub source_ino: u64,
    pub source: String,
}

/// `checkProcMount(rootfs, dest, m)`: `dest` is a host path with symlinks
/// resolved. `Ok(Some(warning))` for a procfs bind that is not the root.
pub fn check_proc_mount(rootfs: &str, dest: &str, m: &ProcSource) -> Result<Option<String>> {
    // filepath.Rel cleans both sides; the messages print `dest` as given.
    let given = dest;
    let dest = clean(dest);
    let dest = dest.as_str();
    let proc_path = join(rootfs, "/proc");
    let rel = |base: &str| -> Option<String> {
        if dest == base {
            Some(".".into())
        } else {
            dest.strip_prefix(&format!("{}/", base.trim_end_matches('/')))
                .map(str::to_string)
        }
    };
    match rel(&proc_path).as_deref() {
        None => Ok(None),
        Some(".") => {
            if m.is_bind {
                if m.source_is_procfs {
                    if !m.source_is_proc_root {
                        return Ok(Some(format!(
                            "bind-mount {given} (source {}) is of type procfs but is not the root of a procfs (inode {}). Future versions of runc might block this configuration -- please report an issue to <https://github.com/opencontainers/runc> if you see this warning.",
                            m.source, m.source_ino
                        )));
                    }
                    return Ok(None);
                }
            } else if m.device == "proc" {
                return Ok(None);
            }
            Err(Error::msg(format!(
                "{} cannot be mounted because it is not of type proc",
                crate::gostr::quote(given)
            )))
        }
        Some(_) => {
            if VALID_PROC_MOUNTS.iter().any(|v| join(rootfs, v) == dest) {
                return Ok(None);
            }
            Err(Error::msg(format!(
                "{} cannot be mounted because it is inside /proc",
                crate::gostr::quote(given)
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(device: &str, is_bind: bool, procfs: bool, proc_root: bool) -> ProcSource {
        ProcSource {
            is_bind,
            device: device.into(),
            source_is_procfs: procfs,
            source_is_proc_root: proc_root,
            source_ino: if proc_root { 1 } else { 4026531841 },
            source: "/proc/self".into(),
        }
    }

    /// Ports rootfs_linux_test.go's `TestCheck*` (checkProcMount).
    #[test]
    fn check_proc_mount_like_runc() {
        let ok = |dest: &str, m: &ProcSource| check_proc_mount("/rootfs", dest, m).is_ok();
        // TestCheckMountDestInProc: a bind inside /proc.
        assert!(!ok("/rootfs/proc/sys", &src("bind", true, true, false)));
        // TestCheckProcMountOnProc: a proc mount on /proc/ (trailing slash).
        assert!(ok("/rootfs/proc/", &src("proc", false, false, false)));
        // TestCheckBindMountOnProc: a procfs bind on /proc (a warning).
        let w = check_proc_mount("/rootfs", "/rootfs/proc/", &src("bind", true, true, false));
        assert!(
            matches!(w, Ok(Some(ref t)) if t.starts_with("bind-mount /rootfs/proc/ (source /proc/self) is of type procfs but is not the root of a procfs (inode 4026531841)."))
        );
        // TestCheckTrickyMountOnProc: overlay on /proc.
        assert_eq!(
            check_proc_mount(
                "/rootfs",
                "/rootfs/proc/",
                &src("overlay", false, false, false)
            )
            .map_err(|e| e.to_string()),
            Err("\"/rootfs/proc/\" cannot be mounted because it is not of type proc".to_string())
        );
        // TestCheckTrickyBindMountOnProc: a bind of /sys typed proc.
        assert!(!ok("/rootfs/proc/", &src("proc", true, false, false)));
        // TestCheckMountDestInSys, TestCheckMountDestFalsePositive.
        assert!(ok(
            "/rootfs//sys/fs/cgroup",
            &src("tmpfs", false, false, false)
        ));
        assert!(ok(
            "/rootfs/sysfiles/fs/cgroup",
            &src("tmpfs", false, false, false)
        ));
        // TestCheckMountDestNsLastPid, TestCheckCryptoFipsEnabled.
        assert!(ok(
            "/rootfs/proc/sys/kernel/ns_last_pid",
            &src("fuse.lxcfs", false, false, false)
        ));
        assert!(ok(
            "/rootfs/proc/sys/crypto/fips_enabled",
            &src("tmpfs", false, false, false)
        ));
        // A procfs root bind on /proc: no warning.
        assert!(matches!(
            check_proc_mount("/rootfs", "/rootfs/proc", &src("bind", true, true, true)),
            Ok(None)
        ));
    }

    #[test]
    fn strip_root_like_pathrs() {
        assert_eq!(lexically_strip_root("/rootfs", "rel/path"), "/rel/path");
        assert_eq!(lexically_strip_root("/rootfs", "/rootfs/x"), "/x");
        assert_eq!(lexically_strip_root("/rootfs", "/rootfs"), "/");
        assert_eq!(lexically_strip_root("/rootfs", "/../etc"), "/etc");
        assert_eq!(lexically_clean_path("dev/"), "dev");
        assert!(is_lexically_in_root("/a/b", "/a/b/c"));
        assert!(!is_lexically_in_root("/a/b", "/a/bc"));
    }
}
