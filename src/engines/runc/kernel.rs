//! The Linux kernel under runc, as far as mounts go: which flags a new
//! mount, a bind and a bind remount end up with (fs/namespace.c
//! `path_mount`, `do_loopback`, `do_reconfigure_mnt`,
//! `set_mount_attributes`), locked flags in a user namespace
//! (`lock_mnt_tree`, `can_change_locked_flags`), propagation peer groups
//! (fs/pnode.c), and the `/proc/mounts` and mountinfo lines
//! (fs/proc_namespace.c `show_vfsmnt`, `show_mountinfo`, `show_sb_opts`,
//! `show_mnt_opts`). Filesystem options are [`super::fsparams`].
//! Everything here is Linux's documented behaviour, not runc's code:
//! decisions made here are marked `kernel` in the run's events.

use super::flags::*;
use crate::vfs::MsrcId;
use std::collections::HashMap;

/// `MNT_*` flags a mount keeps (as their `MS_*` bits, which is how the
/// kernel computes them from mount(2) flags).
const MNT_USER_SETTABLE: u64 = MS_RDONLY
    | MS_NOSUID
    | MS_NODEV
    | MS_NOEXEC
    | MS_NOATIME
    | MS_NODIRATIME
    | MS_RELATIME
    | MS_NOSYMFOLLOW;

/// Superblock flags mount(2) passes through (`MS_RMT_MASK` minus RDONLY).
const SB_FLAGS: u64 = MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME;

/// One superblock as `/proc/mounts` prints it: the device name given at
/// mount time, the type, the read-only and sync-style flags, and the
/// filesystem's own `show_options` text (`,size=65536k,mode=755`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Superblock {
    pub devname: String,
    pub fstype: String,
    pub sb_flags: u64,
    pub fs_opts: String,
    /// The device numbers mountinfo prints: the host disk's, or an
    /// anonymous `0:N` for the pseudo filesystems (`get_anon_bdev`).
    pub dev: (u32, u32),
}

/// One mount: a superblock seen through per-mount flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelMount {
    pub sb: Superblock,
    /// `MNT_*` as `MS_*` bits (RDONLY, NOSUID, NODEV, NOEXEC, NOATIME,
    /// NODIRATIME, RELATIME, NOSYMFOLLOW).
    pub mnt_flags: u64,
    /// The path inside the filesystem this mount shows (`/` for a new
    /// mount, the source's path for a bind): mountinfo's fourth field.
    pub root: String,
    /// Peer group of a shared mount, and the group a slave receives from
    /// (mountinfo's `shared:N`, `master:N`); `unbindable` likewise.
    pub shared: Option<u32>,
    pub master: Option<u32>,
    pub unbindable: bool,
    /// `MNT_LOCK_*`: the flags (RDONLY, NODEV, NOSUID, NOEXEC) a less
    /// privileged user namespace may not clear, and whether the atime
    /// flags are locked too (`lock_mnt_tree` when a mount namespace is
    /// created inside a user namespace).
    pub locked: u64,
    pub atime_locked: bool,
    /// An id-mapped mount (mount_setattr MOUNT_ATTR_IDMAP): `,idmapped`.
    pub idmapped: bool,
}

/// The flags `lock_mnt_tree` locks.
const LOCKABLE: u64 = MS_RDONLY | MS_NODEV | MS_NOSUID | MS_NOEXEC;
/// `MNT_ATIME_MASK`.
const ATIME_MASK: u64 = MS_NOATIME | MS_NODIRATIME | MS_RELATIME;

impl KernelMount {
    /// A mount with no propagation changes and nothing locked.
    pub fn new(sb: Superblock, mnt_flags: u64) -> KernelMount {
        KernelMount {
            sb,
            mnt_flags,
            root: "/".to_string(),
            shared: None,
            master: None,
            unbindable: false,
            locked: 0,
            atime_locked: false,
            idmapped: false,
        }
    }

    /// `lock_mnt_tree` for this mount.
    pub fn lock(&mut self) {
        self.locked = self.mnt_flags & LOCKABLE;
        self.atime_locked = true;
    }

    /// `can_change_locked_flags(mnt, new)`.
    pub fn can_change_locked_flags(&self, new: u64) -> bool {
        if self.locked & !new & LOCKABLE != 0 {
            return false;
        }
        !(self.atime_locked && self.mnt_flags & ATIME_MASK != new & ATIME_MASK)
    }

    /// statfs(2)'s `f_flags` as runc's `statfsToMountFlags` turns them
    /// back into `MS_*` (no atime flag at all means MS_STRICTATIME).
    pub fn statfs_mount_flags(&self) -> u64 {
        let mut f = self.mnt_flags
            & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME)
            | self.mnt_flags & (MS_RELATIME | MS_NOSYMFOLLOW)
            | self.sb.sb_flags & (MS_RDONLY | MS_SYNCHRONOUS | MS_MANDLOCK);
        if f & (MS_NOATIME | MS_RELATIME | MS_STRICTATIME) == 0 {
            f |= MS_STRICTATIME;
        }
        f
    }
}

/// The kernel's records, keyed by the VFS mount source of each mount.
#[derive(Clone, Debug, Default)]
pub struct Kernel {
    pub mounts: HashMap<MsrcId, KernelMount>,
    /// The last anonymous device minor and peer group id handed out.
    last_anon: u32,
    last_group: u32,
}

/// The first anonymous minor the simulated kernel hands out (a booted
/// host has used the ones below for its own early mounts).
const FIRST_ANON_MINOR: u32 = 20;

impl Kernel {
    /// `get_anon_bdev`: the next `0:N`.
    pub fn anon_dev(&mut self) -> (u32, u32) {
        self.last_anon = self.last_anon.max(FIRST_ANON_MINOR - 1) + 1;
        (0, self.last_anon)
    }

    /// A new peer group id (`mnt_alloc_group_id`).
    pub fn new_group(&mut self) -> u32 {
        self.last_group += 1;
        self.last_group
    }

    /// `do_change_type` on one mount (fs/pnode.c `change_mnt_propagation`):
    /// shared joins a new group unless already shared; slave receives from
    /// the group it was in (the host's copy stays its peer); private and
    /// unbindable leave both.
    pub fn change_type(&mut self, msrc: MsrcId, flag: u64) {
        let group = if flag & MS_SHARED != 0 {
            match self.mounts.get(&msrc) {
                Some(k) if k.shared.is_none() => Some(self.new_group()),
                _ => None,
            }
        } else {
            None
        };
        let Some(k) = self.mounts.get_mut(&msrc) else {
            return;
        };
        if flag & MS_SHARED != 0 {
            if let Some(g) = group {
                k.shared = Some(g);
            }
            k.unbindable = false;
        } else if flag & MS_SLAVE != 0 {
            if let Some(g) = k.shared.take() {
                k.master = Some(g);
            }
            k.unbindable = false;
        } else if flag & (MS_PRIVATE | MS_UNBINDABLE) != 0 {
            k.shared = None;
            k.master = None;
            k.unbindable = flag & MS_UNBINDABLE != 0;
        }
    }
}

/// `path_mount`'s per-mount flags for a new mount: relatime unless noatime,
/// strictatime clears both.
pub fn mnt_flags_for(flags: u64) -> u64 {
    let mut m = flags & MNT_USER_SETTABLE & !MS_RELATIME;
    if flags & MS_NOATIME == 0 {
        m |= MS_RELATIME;
    }
    if flags & MS_STRICTATIME != 0 {
        m &= !(MS_RELATIME | MS_NOATIME);
    }
    m
}

/// `set_mount_attributes` after a bind remount: every user-settable flag is
/// replaced by the new set.
pub fn remount_mnt_flags(old: u64, flags: u64) -> u64 {
    (old & !MNT_USER_SETTABLE) | mnt_flags_for(flags)
}

/// `mount_setattr(2)`: clear, then set.
pub fn apply_mount_attr(old: u64, attr_set: u64, attr_clr: u64) -> u64 {
    let to_ms = |a: u64| {
        let mut m = 0;
        for (attr, ms) in [
            (MOUNT_ATTR_RDONLY, MS_RDONLY),
            (MOUNT_ATTR_NOSUID, MS_NOSUID),
            (MOUNT_ATTR_NODEV, MS_NODEV),
            (MOUNT_ATTR_NOEXEC, MS_NOEXEC),
            (MOUNT_ATTR_NODIRATIME, MS_NODIRATIME),
            (MOUNT_ATTR_NOSYMFOLLOW, MS_NOSYMFOLLOW),
        ] {
            if a & attr != 0 {
                m |= ms;
            }
        }
        m
    };
    let mut m = old & !to_ms(attr_clr);
    if attr_clr & MOUNT_ATTR__ATIME == MOUNT_ATTR__ATIME {
        m &= !(MS_NOATIME | MS_RELATIME);
        m |= match attr_set & MOUNT_ATTR__ATIME {
            MOUNT_ATTR_NOATIME => MS_NOATIME,
            MOUNT_ATTR_STRICTATIME => 0,
            _ => MS_RELATIME,
        };
    }
    m | to_ms(attr_set)
}

/// `mangle()` of fs/proc_namespace.c: space, tab, newline and backslash as
/// octal escapes.
pub fn mangle(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' => out.push_str("\\040"),
            '\t' => out.push_str("\\011"),
            '\n' => out.push_str("\\012"),
            '\\' => out.push_str("\\134"),
            _ => out.push(c),
        }
    }
    out
}

/// `show_sb_opts`.
fn sb_opts(m: &KernelMount, out: &mut String) {
    for (bit, name) in [
        (MS_SYNCHRONOUS, ",sync"),
        (MS_DIRSYNC, ",dirsync"),
        (MS_MANDLOCK, ",mand"),
        (MS_LAZYTIME, ",lazytime"),
    ] {
        if m.sb.sb_flags & bit != 0 {
            out.push_str(name);
        }
    }
}

/// The options field of `show_vfsmnt`: `<rw|ro><sb opts><mnt opts><fs opts>`.
pub fn proc_mounts_options(m: &KernelMount) -> String {
    let ro = m.mnt_flags & MS_RDONLY != 0 || m.sb.sb_flags & MS_RDONLY != 0;
    let mut opts = String::from(if ro { "ro" } else { "rw" });
    sb_opts(m, &mut opts);
    mnt_opts(m, &mut opts);
    opts.push_str(&m.sb.fs_opts);
    opts
}

/// The device name `/proc/mounts` prints (`none` when none was given).
pub fn devname(m: &KernelMount) -> &str {
    if m.sb.devname.is_empty() {
        "none"
    } else {
        &m.sb.devname
    }
}

/// The propagation fields mountinfo prints, as words.
pub fn propagation_words(m: &KernelMount) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(g) = m.shared {
        v.push(format!("shared:{g}"));
    }
    if let Some(g) = m.master {
        v.push(format!("master:{g}"));
    }
    if m.unbindable {
        v.push("unbindable".to_string());
    }
    v
}

/// `show_vfsmnt`: `<dev> <path> <type> <rw|ro><sb opts><mnt opts><fs opts> 0 0`.
pub fn proc_mounts_line(path: &str, m: &KernelMount) -> String {
    let opts = proc_mounts_options(m);
    let dev = devname(m);
    format!(
        "{} {} {} {} 0 0",
        mangle(dev),
        mangle(path),
        mangle(&m.sb.fstype),
        opts
    )
}

/// `show_mountinfo`: `<id> <parent> <maj>:<min> <root> <path> <mnt opts>
/// [shared:N] [master:N] [unbindable] - <type> <dev> <sb opts>`.
pub fn mountinfo_line(id: u64, parent: u64, path: &str, m: &KernelMount) -> String {
    let mut mnt = String::from(if m.mnt_flags & MS_RDONLY != 0 {
        "ro"
    } else {
        "rw"
    });
    mnt_opts(m, &mut mnt);
    let optional: String = propagation_words(m)
        .iter()
        .map(|w| format!(" {w}"))
        .collect();
    let mut sbo = String::from(if m.sb.sb_flags & MS_RDONLY != 0 {
        "ro"
    } else {
        "rw"
    });
    sb_opts(m, &mut sbo);
    sbo.push_str(&m.sb.fs_opts);
    let dev = devname(m);
    format!(
        "{id} {parent} {}:{} {} {} {mnt}{optional} - {} {} {sbo}",
        m.sb.dev.0,
        m.sb.dev.1,
        mangle(&m.root),
        mangle(path),
        mangle(&m.sb.fstype),
        mangle(dev),
    )
}

/// `show_mnt_opts`.
fn mnt_opts(m: &KernelMount, opts: &mut String) {
    for (bit, name) in [
        (MS_NOSUID, ",nosuid"),
        (MS_NODEV, ",nodev"),
        (MS_NOEXEC, ",noexec"),
        (MS_NOATIME, ",noatime"),
        (MS_NODIRATIME, ",nodiratime"),
        (MS_RELATIME, ",relatime"),
        (MS_NOSYMFOLLOW, ",nosymfollow"),
    ] {
        if m.mnt_flags & bit != 0 {
            opts.push_str(name);
        }
    }
    if m.idmapped {
        opts.push_str(",idmapped");
    }
}

/// The superblock flags a new mount takes from mount(2)'s flags.
pub fn sb_flags_for(flags: u64, from_data: u64) -> u64 {
    (flags & (SB_FLAGS | MS_RDONLY)) | from_data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atime_defaults() {
        assert_eq!(mnt_flags_for(0), MS_RELATIME);
        assert_eq!(mnt_flags_for(MS_STRICTATIME | MS_NOSUID), MS_NOSUID);
        assert_eq!(mnt_flags_for(MS_NOATIME), MS_NOATIME);
    }
}
