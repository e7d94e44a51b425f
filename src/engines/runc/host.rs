//! The host runc runs on: one in-memory filesystem (`ext4` on
//! [`HOST_DEVICE`]) holding the rootfs at the bundle's `root.path`, the
//! bind sources at their host paths, `/dev` with the host's device nodes,
//! `/tmp`, and procfs, sysfs and the cgroup filesystems mounted where a
//! Linux host has them. Trees come in the scenario's `host` format and are
//! parsed by the 2018 engine's `build_host`, then copied in.

use super::flags::*;
use super::kernel::{Kernel, KernelMount, Superblock};
use super::linuxfs;
use super::report::CgroupMode;
use crate::error::{Error, Result};
use crate::host_tree::build_host;
use crate::p9::host::{HostFs, NodeKind};
use crate::scenario::{HostInput, HostNodeInput};
use crate::vfs::{Ctx, Device, DirentId, InodeId, Node, OpenFlags, Vfs};
use std::collections::BTreeMap;

/// The device the simulated host's root filesystem is on.
pub const HOST_DEVICE: &str = "/dev/sda1";
/// Its numbers (sda1).
const HOST_DISK_DEV: (u32, u32) = (8, 1);

/// The v1 hierarchies of a legacy host (the mount point names under
/// `/sys/fs/cgroup`), as a systemd host has them.
pub const CGROUP_V1_HIERARCHIES: &[&str] = &[
    "blkio",
    "cpu,cpuacct",
    "cpuset",
    "devices",
    "freezer",
    "hugetlb",
    "memory",
    "misc",
    "net_cls,net_prio",
    "perf_event",
    "pids",
    "rdma",
    "systemd",
];

/// Copies `host`'s tree below `from` into the VFS directory `to`.
fn copy_hostfs(vfs: &mut Vfs, host: &HostFs, from: u64, to: InodeId) -> Result<()> {
    let Some(entries) = host.node(from).and_then(|n| n.entries()).cloned() else {
        return Ok(());
    };
    for (name, ino) in entries {
        let Some(n) = host.node(ino) else { continue };
        let node = match &n.kind {
            NodeKind::File(bytes) => Node::File(bytes.clone()),
            NodeKind::Dir(_) => Node::Dir(BTreeMap::new()),
            NodeKind::Symlink(t) => Node::Symlink(t.clone()),
        };
        let is_dir = n.is_dir();
        let (perm, uid, gid) = (n.perm, n.uid, n.gid);
        let child = match vfs.lookup_inode(to, &name) {
            Ok(existing) if is_dir && vfs.is_dir(existing) => existing,
            _ => vfs.plain_create(to, &name, perm, node)?,
        };
        vfs.plain_setattr(child, |a| {
            a.perms = perm;
            a.uid = uid;
            a.gid = gid;
        })?;
        if is_dir {
            copy_hostfs(vfs, host, ino, child)?;
        }
    }
    Ok(())
}

/// `mkdir -p` on the host, returning the directory's inode.
fn host_dir(vfs: &mut Vfs, host: Ctx, path: &str) -> Result<InodeId> {
    let d = vfs.mkdir_all(host, path, 0o755)?;
    vfs.dirent_inode(d)
}

/// Places a tree (relative path -> node) at the host path `at`.
pub fn place_tree(
    vfs: &mut Vfs,
    host: Ctx,
    at: &str,
    nodes: Option<&BTreeMap<String, HostNodeInput>>,
) -> Result<()> {
    let tree = match nodes {
        Some(n) => {
            let input: HostInput = BTreeMap::from([("/".to_string(), n.clone())]);
            build_host(Some(&input))
        }
        None => build_host(None),
    }
    .map_err(|e| e.wrap(format_args!("host tree at {at}")))?;
    let root = tree.lookup("/").map_err(Error::from)?;
    let dir = host_dir(vfs, host, at)?;
    copy_hostfs(vfs, &tree, root, dir)
}

/// Mounts a new pseudo filesystem on the host and records it.
fn host_mount(
    vfs: &mut Vfs,
    kernel: &mut Kernel,
    host: Ctx,
    path: &str,
    root: InodeId,
    (devname, fstype, fs_opts): (&str, &str, &str),
    mnt_flags: u64,
) -> Result<()> {
    let sb = sb(kernel, devname, fstype, fs_opts);
    let target = vfs.mkdir_all(host, path, 0o755)?;
    let d = vfs.mount(target, root)?;
    let msrc = vfs.inode(vfs.dirent_inode(d)?).map(|i| i.msrc);
    if let Some(m) = msrc {
        // systemd makes every host mount shared, each its own peer group.
        let shared = Some(kernel.new_group());
        kernel.mounts.insert(
            m,
            KernelMount {
                shared,
                ..KernelMount::new(sb, mnt_flags)
            },
        );
    }
    Ok(())
}

fn sb(kernel: &mut Kernel, devname: &str, fstype: &str, fs_opts: &str) -> Superblock {
    Superblock {
        devname: devname.to_string(),
        fstype: fstype.to_string(),
        sb_flags: 0,
        fs_opts: fs_opts.to_string(),
        dev: if fstype == "ext4" {
            HOST_DISK_DEV
        } else {
            kernel.anon_dev()
        },
    }
}

/// The host: its root filesystem and namespace, `/dev`, `/tmp`, `/proc`,
/// `/sys` and the cgroup mounts. Returns the host root dirent.
pub fn new_host(vfs: &mut Vfs, kernel: &mut Kernel, cgroup: CgroupMode) -> Result<DirentId> {
    let root_inode = linuxfs::new_root(vfs, "ext4", HOST_DEVICE, "", 0o755);
    let root = vfs.create_namespace(root_inode)?;
    if let Some(m) = vfs.inode(root_inode).map(|i| i.msrc) {
        let rec = KernelMount {
            shared: Some(kernel.new_group()),
            ..KernelMount::new(sb(kernel, HOST_DEVICE, "ext4", ""), MS_RELATIME)
        };
        kernel.mounts.insert(m, rec);
    }
    let host = Ctx::at(root);
    host_dir(vfs, host, "/tmp")?;
    vfs.chmod(host, "/tmp", 0o1777)?;
    // The host's /dev: a devtmpfs ("udev", as on systemd hosts) with the
    // nodes a user-namespaced runc bind-mounts.
    let dev = linuxfs::new_root(vfs, "devtmpfs", "udev", "", 0o755);
    for (name, device) in Device::MEMORY.into_iter().chain([("tty", Device::Tty)]) {
        vfs.plain_create(dev, name, 0o666, Node::CharDev(device))?;
    }
    host_mount(
        vfs,
        kernel,
        host,
        "/dev",
        dev,
        ("udev", "devtmpfs", ",mode=755"),
        MS_NOSUID | MS_RELATIME,
    )?;
    let proc = linuxfs::instantiate(vfs, &super::fsparams::NewFs::plain("proc"), "proc", "")?;
    let pflags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
    host_mount(
        vfs,
        kernel,
        host,
        "/proc",
        proc,
        ("proc", "proc", ""),
        pflags,
    )?;
    let sys = linuxfs::instantiate(vfs, &super::fsparams::NewFs::plain("sysfs"), "sysfs", "")?;
    host_mount(
        vfs,
        kernel,
        host,
        "/sys",
        sys,
        ("sysfs", "sysfs", ""),
        pflags,
    )?;
    match cgroup {
        CgroupMode::V2 => {
            let cg = linuxfs::instantiate(
                vfs,
                &super::fsparams::NewFs::plain("cgroup2"),
                "cgroup2",
                "",
            )?;
            host_mount(
                vfs,
                kernel,
                host,
                "/sys/fs/cgroup",
                cg,
                ("cgroup2", "cgroup2", ",nsdelegate,memory_recursiveprot"),
                pflags,
            )?;
        }
        CgroupMode::V1 => {
            let t = linuxfs::new_root(vfs, "tmpfs", "tmpfs", "mode=755", 0o755);
            let tflags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
            host_mount(
                vfs,
                kernel,
                host,
                "/sys/fs/cgroup",
                t,
                ("tmpfs", "tmpfs", ",mode=755"),
                tflags,
            )?;
            for h in CGROUP_V1_HIERARCHIES {
                let data = if *h == "systemd" {
                    "xattr,name=systemd".to_string()
                } else {
                    (*h).to_string()
                };
                let cg =
                    linuxfs::cgroup_dir(vfs, "cgroup", "cgroup", &data, linuxfs::CGROUP1_FILES)?;
                let opts = format!(",{data}");
                host_mount(
                    vfs,
                    kernel,
                    host,
                    &format!("/sys/fs/cgroup/{h}"),
                    cg,
                    ("cgroup", "cgroup", &opts),
                    pflags,
                )?;
            }
        }
    }
    Ok(root)
}

/// Writes a file's whole content through the VFS (for `/proc/self/mounts`).
pub fn set_file(vfs: &mut Vfs, ctx: Ctx, path: &str, text: &str) -> Result<()> {
    let f = vfs.open(ctx, path, OpenFlags::write_only(), 0)?;
    let r = vfs.write(f, text.as_bytes());
    vfs.close(f)?;
    r.map(drop)
}
