//! procfs (`pkg/sentry/fs/proc`), the parts mount tooling reads: `/proc/[pid]/mounts`
//! and `mountinfo` generated live from the mount table for the reading task's
//! root, `/proc/mounts -> self/mounts`, `/proc/self`, `/proc/filesystems`.
//! The root (`proc`) and the task directory (`taskDir`) are `ramfs.Dir`s
//! without `CreateOps`: creating in them is EACCES.

use super::options::{generic_mount_source_options, go_map};
use super::ramfs::deny_creates;
use super::REGISTERED;
use crate::error::{Error, Result};
use crate::vfs::{Ctx, DirCreate, GeneratedFile, InodeId, MountInfo, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The pid every simulated task reads as its own.
pub const SELF_PID: u32 = 1;

/// A new procfs instance. Any mount data is refused as gVisor does.
pub fn mount(vfs: &mut Vfs, device: &str, flags: MountSourceFlags, data: &str) -> Result<InodeId> {
    let options = generic_mount_source_options(data);
    if !options.is_empty() {
        return Err(Error::msg(format!(
            "unsupported mount options: {}",
            go_map(&options)
        )));
    }
    let msrc = vfs.new_mount_source("proc", device, data, flags);
    let root = vfs.alloc_inode(msrc, 0o555, Node::Dir(BTreeMap::new()));
    let pid = vfs.plain_create(
        root,
        &SELF_PID.to_string(),
        0o555,
        Node::Dir(BTreeMap::new()),
    )?;
    vfs.plain_create(pid, "mounts", 0o444, Node::Generated(GeneratedFile::Mounts))?;
    vfs.plain_create(
        pid,
        "mountinfo",
        0o444,
        Node::Generated(GeneratedFile::MountInfo),
    )?;
    vfs.plain_create(root, "self", 0o777, Node::Symlink(SELF_PID.to_string()))?;
    vfs.plain_create(root, "mounts", 0o777, Node::Symlink("self/mounts".into()))?;
    vfs.plain_create(
        root,
        "filesystems",
        0o444,
        Node::Generated(GeneratedFile::Filesystems),
    )?;
    deny_creates(vfs, &[root, pid], DirCreate::NoCreateOps);
    Ok(root)
}

/// `ro` or `rw`, the only option `/proc/[pid]/mounts` prints.
fn rw(info: &MountInfo) -> &'static str {
    if info.flags.read_only {
        "ro"
    } else {
        "rw"
    }
}

/// `/proc/[pid]/mounts`: `none <path> <fsname> <rw|ro> 0 0`.
pub fn mounts_text(table: &[MountInfo]) -> String {
    let mut s = String::with_capacity(table.len() * 64);
    for m in table {
        let _ = writeln!(s, "none {} {} {} 0 0", m.path, m.fs_name, rw(m));
    }
    s
}

/// `/proc/[pid]/mountinfo`: `<id> <parent> <maj>:<min> / <path> <opts> - <fs> none <opts>`.
pub fn mountinfo_text(table: &[MountInfo]) -> String {
    let mut s = String::with_capacity(table.len() * 96);
    for m in table {
        let _ = writeln!(
            s,
            "{} {} {}:{} / {} {} - {} none {}",
            m.id, m.parent_id, m.major, m.minor, m.path, m.flags, m.fs_name, m.flags
        );
    }
    s
}

/// `/proc/filesystems`: `nodev\t<name>` for each registered filesystem.
pub fn filesystems_text() -> String {
    REGISTERED.iter().map(|n| format!("nodev\t{n}\n")).collect()
}

impl Vfs {
    /// The contents of a generated procfs file for a task rooted at `ctx.root`.
    pub(crate) fn generate(&self, ctx: Ctx, g: GeneratedFile) -> String {
        match g {
            GeneratedFile::Mounts => mounts_text(&self.mount_table(ctx.root)),
            GeneratedFile::MountInfo => mountinfo_text(&self.mount_table(ctx.root)),
            GeneratedFile::Filesystems => filesystems_text(),
        }
    }
}

/// Pins `file` (`1/mounts`, `1/mountinfo`) of every procfs mounted in the
/// namespace of `root` to `lines`: an engine whose kernel prints
/// `/proc/mounts` in another format than the 2018 sentry (today's runsc,
/// Linux under runc) writes its own text here once its mounts are set up,
/// so `cat /proc/mounts` in the shell shows the engine's text.
pub fn pin_text(vfs: &mut Vfs, root: crate::vfs::DirentId, file: &str, lines: &[String]) {
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    for mi in vfs.mount_table(root) {
        if mi.fs_name != "proc" {
            continue;
        }
        let path = crate::vfs::join(&mi.path, file);
        let Ok(d) = vfs.lookup(Ctx::at(root), &path, false) else {
            continue;
        };
        if let Ok(inode) = vfs.dirent_inode(d).and_then(|i| vfs.ino_mut(i)) {
            inode.node = Node::File(text.clone().into_bytes());
        }
    }
}
