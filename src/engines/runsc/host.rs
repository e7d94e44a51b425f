//! The host side of one container start: the host tree the gofer serves
//! (the image at `root.path`, each bind source at its own path), runsc's
//! `fixSpec` (paths made absolute against the bundle), the gofer's bind
//! mount points in the rootfs (`ss/gofer_mount.go:SetupMounts` with
//! `ss/fs.go:ResolveSymlinks`), and the self filestore files
//! (`container.go:createGoferFilestoreInSelf`).
//!
//! There is one host filesystem, as on a real machine: the image and the
//! sources are subtrees of it, so a filestore file appears in the image or
//! source tree that runsc creates it in.

use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::host_tree::{build_host, DEFAULT_ROOTFS};
use crate::p9::host::{HostFs, NodeKind};
use crate::scenario::{HostNodeInput, TypedHostNode};
use crate::vfs::clean;
use std::collections::BTreeMap;

/// One host tree as a scenario writes it: relative path -> node (`"."` for
/// the tree's own root when it is a file).
pub type HostTree = BTreeMap<String, HostNodeInput>;

/// The bundle directory `runsc create --bundle` is given: `fixSpec` joins a
/// relative `root.path` or mount `source` to it.
pub const BUNDLE_DIR: &str = "/bundle";
/// The sandbox (and root container) id; it names the self filestore files.
pub const SANDBOX_ID: &str = "mountlab";
/// The gofer's pid: runsc creates filestores through `/proc/<pid>/root` and
/// its error text shows that path.
pub const GOFER_PID: u32 = 2;
/// `ss/fs.go:ResolveSymlinks`'s budget.
const MAX_FOLLOWS: u32 = 255;

/// `fixSpec`'s `filepath.Join(bundleDir, p)` for a relative path.
pub fn absolute(p: &str) -> String {
    if p.starts_with('/') {
        clean(p)
    } else {
        clean(&format!("{BUNDLE_DIR}/{p}"))
    }
}

/// `boot.SelfFilestorePath(mountSrc, sandboxID)`.
pub fn self_filestore_path(mount_src: &str) -> String {
    clean(&format!("{mount_src}/{}", self_filestore_name()))
}

/// `selfFilestoreName`: `fsutil.SelfFilestorePrefix + sandboxID`.
pub fn self_filestore_name() -> String {
    format!(".gvisor.filestore.{SANDBOX_ID}")
}

fn typed(typ: &str, content: Option<&str>, mode: &str) -> HostNodeInput {
    HostNodeInput::Typed(TypedHostNode {
        typ: typ.into(),
        mode: Some(mode.into()),
        content: content.map(str::to_string),
        target: content.filter(|_| typ == "symlink").map(str::to_string),
    })
}

/// The default image: `host_tree::DEFAULT_ROOTFS` without
/// its `/tmp/image-file` (which shows 2018's tmpfs hiding image files) and
/// with the empty `dev`, `proc`, `sys` and `tmp` directories a real image
/// has (2018 needed none: its stub overlays made mount points).
fn default_image() -> HostTree {
    let dirs = ["dev", "proc", "sys", "tmp"].map(|d| (d, "d", ""));
    DEFAULT_ROOTFS
        .iter()
        .filter(|(path, _, _)| *path != "tmp/image-file")
        .chain(dirs.iter())
        .map(|(path, kind, text)| {
            let node = match *kind {
                "d" => typed("dir", None, "0755"),
                "l" => HostNodeInput::Typed(TypedHostNode {
                    typ: "symlink".into(),
                    mode: None,
                    content: None,
                    target: Some(text.to_string()),
                }),
                "x" => typed("file", Some(text), "0755"),
                _ => typed("file", Some(text), "0644"),
            };
            (path.to_string(), node)
        })
        .collect()
}

/// The host filesystem: `image` (the default image when `None`) at
/// `root_path`, each of `sources` at its path, and an empty directory for
/// every path in `empty_dirs` that no tree gave.
pub fn build(
    root_path: &str,
    image: Option<&HostTree>,
    sources: &BTreeMap<String, HostTree>,
    empty_dirs: &[String],
) -> Result<HostFs> {
    let mut input: BTreeMap<String, HostTree> = BTreeMap::new();
    input.insert(
        root_path.to_string(),
        image.cloned().unwrap_or_else(default_image),
    );
    for (path, tree) in sources {
        if !path.starts_with('/') {
            return Err(Error::msg(format!(
                "sources.{path}: bind sources are absolute host paths"
            )));
        }
        input.insert(clean(path), tree.clone());
    }
    let mut host = build_host(Some(&input))?;
    // A tree with no nodes is an empty directory, as is a source no tree
    // gives.
    let given: Vec<String> = input.keys().cloned().collect();
    for dir in given.iter().chain(empty_dirs) {
        if host.lookup(dir).is_err() {
            host.mkdir_all(dir, 0o755)
                .map_err(|e| Error::from(e).wrap(format!("creating {}", quote(dir))))?;
        }
    }
    Ok(host)
}

/// `os.Stat(mountSrc)` on the host: whether it is a directory, following
/// symlinks, or Go's error text.
pub fn stat_is_dir(host: &HostFs, path: &str) -> std::result::Result<bool, String> {
    let mut follows = MAX_FOLLOWS;
    let ino =
        follow(host, path, &mut follows).map_err(|e| format!("stat {path}: {}", e.message()))?;
    Ok(host.node(ino).is_some_and(|n| n.is_dir()))
}

/// Looks `path` up following symlinks everywhere (the host kernel).
fn follow(host: &HostFs, path: &str, follows: &mut u32) -> std::result::Result<u64, Errno> {
    let resolved = resolve_in(host, "/", "/", path, follows).map_err(|(e, _)| e)?;
    host.lookup(&resolved)
}

/// `ss/fs.go:ResolveSymlinks(root, rel)`: `rel` resolved inside `root` on
/// the host, symlinks followed with absolute targets restarting at `root`,
/// `..` unable to leave it, missing components kept as they are. The gofer
/// dies with `resolving symlinks to %q: %v`.
pub fn resolve_symlinks(host: &HostFs, root: &str, rel: &str) -> Result<String> {
    let mut follows = MAX_FOLLOWS;
    resolve_in(host, root, root, rel, &mut follows).map_err(|(e, at)| {
        let text = if e == Errno::ELOOP {
            format!("too many symlinks to follow, path: {}", quote(&at))
        } else {
            // os.Lstat's *PathError.
            format!("lstat {at}: {}", e.message())
        };
        Error::with_errno(e, text).wrap(format!("resolving symlinks to {}", quote(rel)))
    })
}

/// The walk; an error comes with the path it concerns (the link being
/// followed past the budget, or the component `Lstat` failed on).
fn resolve_in(
    host: &HostFs,
    root: &str,
    base: &str,
    rel: &str,
    follows: &mut u32,
) -> std::result::Result<String, (Errno, String)> {
    let mut base = base.to_string();
    for name in clean(rel).split('/').filter(|n| !n.is_empty()) {
        let path = clean(&format!("{base}/{name}"));
        if !path.starts_with(root) {
            base = root.to_string();
            continue;
        }
        let target = match host.lookup(&path) {
            Ok(ino) => host.info(ino).and_then(|i| i.target),
            Err(Errno::ENOENT) => None,
            Err(e) => return Err((e, path)),
        };
        match target {
            Some(link) => {
                let from = if link.starts_with('/') { root } else { &base };
                let from = from.to_string();
                *follows = follows.saturating_sub(1);
                if *follows == 0 {
                    return Err((Errno::ELOOP, clean(&format!("{from}/{link}"))));
                }
                base = resolve_in(host, root, &from, &link, follows)?;
            }
            None => base = path,
        }
    }
    Ok(base)
}

/// The path inside the container of a host path under `root`
/// (`filepath.Join("/", filepath.Rel(root, dst))`).
pub fn inside(root: &str, host_path: &str) -> String {
    let rel = host_path.strip_prefix(root).unwrap_or(host_path);
    clean(&format!("/{rel}"))
}

/// `SafeSetupAndMount`'s mount point: the directory (or, for a file source,
/// the empty file) at `dst` on the host, parents created. An existing one of
/// the other kind makes the host's mount(2) fail with ENOTDIR.
pub fn make_bind_mount_point(host: &mut HostFs, dst: &str, source_is_dir: bool) -> Result<()> {
    if let Ok(ino) = host.lookup(dst) {
        let is_dir = host.node(ino).is_some_and(|n| n.is_dir());
        if is_dir != source_is_dir {
            return Err(Errno::ENOTDIR.into());
        }
        return Ok(());
    }
    let r = if source_is_dir {
        host.mkdir_all(dst, 0o755).map(drop)
    } else {
        let parent = crate::vfs::clean(&format!("{dst}/.."));
        host.mkdir_all(&parent, 0o755)
            .and_then(|_| host.insert_file(dst, 0o644, b""))
            .map(drop)
    };
    r.map_err(|e| Error::from(e).wrap(format!("creating mount point {}", quote(dst))))
}

/// `createGoferFilestoreInSelf`: the filestore file in the mount source,
/// created `O_EXCL` unless a sharing hint lets users reuse it.
pub fn create_self_filestore(host: &mut HostFs, mount_src: &str, exclusive: bool) -> Result<()> {
    let path = self_filestore_path(mount_src);
    let shown = format!("/proc/{GOFER_PID}/root{path}");
    match host.lookup(&path) {
        Ok(_) if exclusive => Err(Error::with_errno(
            Errno::EEXIST,
            format!(
                "{} mount source already has a filestore file at {}; repeated submounts are not supported with overlay optimizations",
                quote(mount_src),
                quote(&shown)
            ),
        )),
        Ok(_) => Ok(()),
        Err(_) => host.insert_file(&path, 0o666, b"").map(drop).map_err(|e| {
            Error::with_errno(
                e,
                format!(
                    "failed to create filestore file inside {}: {}",
                    quote(mount_src),
                    e.message()
                ),
            )
        }),
    }
}

/// Whether the host node at `path` (not following a final symlink) is a
/// regular file.
pub fn is_file(host: &HostFs, path: &str) -> bool {
    host.lookup(path)
        .ok()
        .and_then(|i| host.node(i))
        .is_some_and(|n| matches!(n.kind, NodeKind::File(_)))
}
