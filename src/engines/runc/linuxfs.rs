//! The trees of the Linux filesystems runc mounts, built in the VFS: the
//! host's own filesystem, tmpfs, and the pseudo filesystems (procfs, sysfs,
//! devpts, mqueue, cgroup2, cgroup v1 hierarchies) with the entries that
//! decide runc's behaviour: `/proc` has what `maskedPaths` and
//! `readonlyPaths` of the default spec name (as on an x86-64 Linux 6.x host
//! with ACPI, SCSI, keys and kcore, without sound, latencytop, timer_stats
//! or the pre-5.13 `/proc/sched_debug`), and `/sys` has `firmware` and
//! `fs/cgroup`. They are not gVisor's filesystems (`crate::fs`), whose
//! procfs has only the files gVisor's mount tooling reads.

use super::fsparams::NewFs;
use crate::error::Result;
use crate::vfs::{Device, DirCreate, InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// A new mount source of `fstype` named `devname`, with an empty root dir.
pub fn new_root(vfs: &mut Vfs, fstype: &str, devname: &str, data: &str, perms: u32) -> InodeId {
    let msrc = vfs.new_mount_source(fstype, devname, data, MountSourceFlags::default());
    vfs.alloc_inode(msrc, perms, Node::Dir(BTreeMap::new()))
}

fn dir(vfs: &mut Vfs, parent: InodeId, name: &str, perms: u32) -> Result<InodeId> {
    vfs.plain_create(parent, name, perms, Node::Dir(BTreeMap::new()))
}

fn file(vfs: &mut Vfs, parent: InodeId, name: &str, perms: u32, text: &str) -> Result<InodeId> {
    vfs.plain_create(parent, name, perms, Node::File(text.as_bytes().to_vec()))
}

fn deny(vfs: &mut Vfs, dirs: &[InodeId]) {
    for &d in dirs {
        if let Ok(i) = vfs.ino_mut(d) {
            i.create = DirCreate::NoCreateOps;
        }
    }
}

/// The instance `new_fs` described: tmpfs, devpts, proc, sysfs, mqueue or
/// cgroup2.
pub fn instantiate(vfs: &mut Vfs, fs: &NewFs, devname: &str, data: &str) -> Result<InodeId> {
    match fs.fstype.as_str() {
        "tmpfs" => {
            let root = new_root(vfs, "tmpfs", devname, data, fs.root_mode);
            vfs.plain_setattr(root, |a| {
                a.uid = fs.uid;
                a.gid = fs.gid;
            })?;
            Ok(root)
        }
        "devpts" => {
            let root = new_root(vfs, "devpts", devname, data, 0o755);
            vfs.plain_create(root, "ptmx", fs.ptmx_mode, Node::CharDev(Device::Ptmx))?;
            if let Ok(i) = vfs.ino_mut(root) {
                i.create = DirCreate::Never;
            }
            Ok(root)
        }
        "proc" => proc(vfs, devname, data),
        "sysfs" => sysfs(vfs, devname, data),
        "cgroup2" => cgroup_dir(vfs, "cgroup2", devname, data, CGROUP2_FILES),
        "cgroup" => cgroup_dir(vfs, "cgroup", devname, data, CGROUP1_FILES),
        _ => Ok(new_root(vfs, &fs.fstype, devname, data, 0o1777)),
    }
}

/// procfs: `self`, `mounts` (filled with the kernel's text once the
/// namespace is built), and the entries runc masks or makes read-only.
fn proc(vfs: &mut Vfs, devname: &str, data: &str) -> Result<InodeId> {
    let root = new_root(vfs, "proc", devname, data, 0o555);
    let pid = dir(vfs, root, "1", 0o555)?;
    file(vfs, pid, "mounts", 0o444, "")?;
    file(vfs, pid, "mountinfo", 0o444, "")?;
    let fd = dir(vfs, pid, "fd", 0o500)?;
    for n in ["0", "1", "2"] {
        vfs.plain_create(fd, n, 0o700, Node::Symlink("/dev/null".into()))?;
    }
    vfs.plain_create(root, "self", 0o777, Node::Symlink("1".into()))?;
    vfs.plain_create(root, "thread-self", 0o777, Node::Symlink("1/task/1".into()))?;
    vfs.plain_create(root, "mounts", 0o777, Node::Symlink("self/mounts".into()))?;
    let filesystems: String = super::fsparams::FILESYSTEMS
        .iter()
        .map(|f| match *f {
            "ext4" => format!("\t{f}\n"),
            _ => format!("nodev\t{f}\n"),
        })
        .collect();
    file(vfs, root, "filesystems", 0o444, &filesystems)?;
    let mut dirs = vec![root, pid];
    for d in ["acpi", "bus", "fs", "irq", "scsi", "driver", "tty"] {
        dirs.push(dir(vfs, root, d, 0o555)?);
    }
    let sys = dir(vfs, root, "sys", 0o555)?;
    let kernel = dir(vfs, sys, "kernel", 0o555)?;
    let crypto = dir(vfs, sys, "crypto", 0o555)?;
    file(vfs, kernel, "ns_last_pid", 0o644, "1\n")?;
    file(vfs, kernel, "hostname", 0o644, "runc\n")?;
    file(vfs, crypto, "fips_enabled", 0o444, "0\n")?;
    dirs.extend([sys, kernel, crypto]);
    for (name, perms) in [
        ("kcore", 0o400),
        ("keys", 0o444),
        ("timer_list", 0o444),
        ("sysrq-trigger", 0o200),
        ("cpuinfo", 0o444),
        ("diskstats", 0o444),
        ("meminfo", 0o444),
        ("stat", 0o444),
        ("swaps", 0o444),
        ("uptime", 0o444),
        ("loadavg", 0o444),
        ("slabinfo", 0o400),
        ("version", 0o444),
    ] {
        file(vfs, root, name, perms, "")?;
    }
    deny(vfs, &dirs);
    Ok(root)
}

/// sysfs: the top-level directories, `firmware` (masked by the default
/// spec) and `fs/cgroup` (where cgroup filesystems are mounted).
fn sysfs(vfs: &mut Vfs, devname: &str, data: &str) -> Result<InodeId> {
    let root = new_root(vfs, "sysfs", devname, data, 0o555);
    let mut dirs = vec![root];
    for d in [
        "block", "bus", "class", "dev", "devices", "firmware", "kernel", "module", "power",
    ] {
        dirs.push(dir(vfs, root, d, 0o755)?);
    }
    let fs = dir(vfs, root, "fs", 0o755)?;
    dir(vfs, fs, "cgroup", 0o755)?;
    dirs.push(fs);
    deny(vfs, &dirs);
    Ok(root)
}

const CGROUP2_FILES: &[&str] = &[
    "cgroup.controllers",
    "cgroup.procs",
    "cgroup.subtree_control",
    "cgroup.type",
];

/// A cgroup filesystem's root: its interface files.
pub fn cgroup_dir(
    vfs: &mut Vfs,
    fstype: &str,
    devname: &str,
    data: &str,
    files: &[&str],
) -> Result<InodeId> {
    let root = new_root(vfs, fstype, devname, data, 0o555);
    for f in files {
        file(vfs, root, f, 0o644, "")?;
    }
    Ok(root)
}

/// The interface files of a v1 hierarchy.
pub const CGROUP1_FILES: &[&str] = &["cgroup.procs", "tasks", "notify_on_release"];
