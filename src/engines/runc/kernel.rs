//! The Linux kernel under runc, as far as mount(2) and `/proc/mounts` go:
//! which flags a new mount, a bind and a bind remount end up with
//! (fs/namespace.c `path_mount`, `do_loopback`, `do_reconfigure_mnt`,
//! `set_mount_attributes`), which filesystem types and options the kernel
//! takes (`shmem_parse_one`, `devpts_parse_param`, `proc_parse_param`; a
//! filesystem without parameters refuses any), and the `/proc/mounts` line
//! (fs/proc_namespace.c `show_vfsmnt`, `show_sb_opts`, `show_mnt_opts`, and
//! each filesystem's `show_options`). Everything here is Linux's documented
//! behaviour, not runc's code: decisions made here are marked `kernel` in
//! the run's events.

use super::flags::*;
use crate::errno::Errno;
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

/// A filesystem instance the kernel agreed to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFs {
    pub fstype: String,
    /// `show_options`' text.
    pub fs_opts: String,
    /// tmpfs/devpts root mode, devpts ptmx mode, tmpfs root owner.
    pub root_mode: u32,
    pub ptmx_mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl NewFs {
    /// An instance with no options (the host's own pseudo filesystems).
    pub fn plain(fstype: &str) -> NewFs {
        NewFs {
            fstype: fstype.to_string(),
            fs_opts: String::new(),
            root_mode: 0o755,
            ptmx_mode: 0,
            uid: 0,
            gid: 0,
        }
    }
}

/// Splits mount data as `parse_monolithic` / `generic_parse_monolithic`
/// does: comma-separated `key[=value]`, empty items skipped.
fn options(data: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    data.split(',')
        .filter(|o| !o.is_empty())
        .map(|o| match o.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (o, None),
        })
}

/// The generic superblock keys `vfs_parse_sb_flag` takes before the
/// filesystem sees a key (fs/fs_context.c `common_set_sb_flag`,
/// `common_clear_sb_flag`).
fn sb_flag_key(key: &str) -> Option<(bool, u64)> {
    Some(match key {
        "dirsync" => (true, MS_DIRSYNC),
        "lazytime" => (true, MS_LAZYTIME),
        "mand" => (true, MS_MANDLOCK),
        "ro" => (true, MS_RDONLY),
        "sync" => (true, MS_SYNCHRONOUS),
        "async" => (false, MS_SYNCHRONOUS),
        "nolazytime" => (false, MS_LAZYTIME),
        "nomand" => (false, MS_MANDLOCK),
        "rw" => (false, MS_RDONLY),
        _ => return None,
    })
}

/// `mount_capable` inside a user namespace: only `FS_USERNS_MOUNT`
/// filesystems, and those tied to a namespace need one the container's
/// user namespace owns (procfs: pid, sysfs: network, mqueue: ipc, cgroup:
/// cgroup; `fc->user_ns` of each).
pub fn userns_may_mount(fstype: &str, owned: &[String]) -> bool {
    let needs = match fstype {
        "tmpfs" | "devpts" => return true,
        "proc" => "pid",
        "sysfs" => "network",
        "mqueue" => "ipc",
        "cgroup" | "cgroup2" => "cgroup",
        _ => return false,
    };
    owned.iter().any(|n| n == needs)
}

/// `memparse`: a number with an optional k/m/g/t/p/e suffix.
fn memparse(v: &str) -> Option<u64> {
    let (num, mult) = match v.chars().last()? {
        'k' | 'K' => (&v[..v.len() - 1], 1u64 << 10),
        'm' | 'M' => (&v[..v.len() - 1], 1 << 20),
        'g' | 'G' => (&v[..v.len() - 1], 1 << 30),
        't' | 'T' => (&v[..v.len() - 1], 1 << 40),
        'p' | 'P' => (&v[..v.len() - 1], 1 << 50),
        'e' | 'E' => (&v[..v.len() - 1], 1 << 60),
        _ => (v, 1),
    };
    parse_c_uint(num)?.checked_mul(mult)
}

/// `simple_strtoul(v, 0)`-style: 0x hex, leading-0 octal, else decimal.
fn parse_c_uint(v: &str) -> Option<u64> {
    if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if v.len() > 1 && v.starts_with('0') {
        u64::from_str_radix(&v[1..], 8).ok()
    } else {
        v.parse().ok()
    }
}

fn octal(v: Option<&str>) -> Option<u32> {
    v.and_then(|v| u32::from_str_radix(v, 8).ok())
}

fn decimal(v: Option<&str>) -> Option<u32> {
    v.and_then(|v| v.parse().ok())
}

/// The memory of the simulated host, for tmpfs's default size (half of it)
/// and percentages: 8 GiB in 4 KiB pages.
pub const HOST_PAGES: u64 = 2 * 1024 * 1024;
const PAGE_SIZE: u64 = 4096;

/// The filesystem types the simulated kernel has (`/proc/filesystems`).
pub const FILESYSTEMS: &[&str] = &[
    "tmpfs", "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2", "devtmpfs", "ext4",
];

/// Creating a filesystem of `fstype` with `data`: the options the kernel
/// keeps, or its errno. ENODEV for a type it lacks (`get_fs_type`),
/// EINVAL for an option the filesystem does not take.
pub fn new_fs(fstype: &str, data: &str) -> Result<(NewFs, u64), Errno> {
    let mut sb_flags = 0u64;
    let mut fs = NewFs::plain(fstype);
    let mut rest: Vec<(&str, Option<&str>)> = Vec::new();
    for (k, v) in options(data) {
        match sb_flag_key(k) {
            Some((true, f)) if v.is_none() => sb_flags |= f,
            Some((false, f)) if v.is_none() => sb_flags &= !f,
            _ => rest.push((k, v)),
        }
    }
    match fstype {
        "tmpfs" => tmpfs(&mut fs, &rest)?,
        "devpts" => devpts(&mut fs, &rest)?,
        "proc" => proc(&mut fs, &rest)?,
        "cgroup2" => cgroup2(&mut fs, &rest)?,
        "cgroup" => cgroup1(&mut fs, &rest)?,
        // No parameters at all: any key is "Unknown parameter".
        "sysfs" | "mqueue" if rest.is_empty() => {}
        "sysfs" | "mqueue" => return Err(Errno::EINVAL),
        _ => return Err(Errno::ENODEV),
    }
    Ok((fs, sb_flags))
}

/// `shmem_parse_one` and `shmem_show_options`.
fn tmpfs(fs: &mut NewFs, opts: &[(&str, Option<&str>)]) -> Result<(), Errno> {
    let default_blocks = HOST_PAGES / 2;
    let mut blocks = default_blocks;
    let mut inodes: Option<u64> = None;
    fs.root_mode = 0o1777;
    for &(k, v) in opts {
        match k {
            "size" => {
                let v = v.ok_or(Errno::EINVAL)?;
                let bytes = match v.strip_suffix('%') {
                    Some(p) => {
                        let p: u64 = p.parse().map_err(|_| Errno::EINVAL)?;
                        HOST_PAGES * PAGE_SIZE / 100 * p
                    }
                    None => memparse(v).ok_or(Errno::EINVAL)?,
                };
                blocks = bytes.div_ceil(PAGE_SIZE);
            }
            "nr_blocks" => blocks = v.and_then(memparse).ok_or(Errno::EINVAL)?,
            "nr_inodes" => inodes = Some(v.and_then(memparse).ok_or(Errno::EINVAL)?),
            "mode" => fs.root_mode = octal(v).ok_or(Errno::EINVAL)? & 0o7777,
            "uid" => fs.uid = decimal(v).ok_or(Errno::EINVAL)?,
            "gid" => fs.gid = decimal(v).ok_or(Errno::EINVAL)?,
            "huge" | "mpol" if v.is_some() => {}
            "inode32" | "inode64" | "noswap" | "quota" | "usrquota" | "grpquota" => {}
            _ => return Err(Errno::EINVAL),
        }
    }
    let mut s = String::new();
    if blocks != default_blocks {
        s.push_str(&format!(",size={}k", blocks * (PAGE_SIZE / 1024)));
    }
    if let Some(n) = inodes.filter(|&n| n != default_blocks.min(HOST_PAGES / 2)) {
        s.push_str(&format!(",nr_inodes={n}"));
    }
    if fs.root_mode != 0o1777 {
        s.push_str(&format!(",mode={:03o}", fs.root_mode));
    }
    if fs.uid != 0 {
        s.push_str(&format!(",uid={}", fs.uid));
    }
    if fs.gid != 0 {
        s.push_str(&format!(",gid={}", fs.gid));
    }
    fs.fs_opts = s;
    Ok(())
}

/// `devpts_parse_param` and `devpts_show_options` (mode 0600, ptmxmode
/// 0000 by default; `newinstance` is accepted and ignored).
fn devpts(fs: &mut NewFs, opts: &[(&str, Option<&str>)]) -> Result<(), Errno> {
    fs.root_mode = 0o600;
    let (mut uid, mut gid) = (None, None);
    let mut max = None;
    for &(k, v) in opts {
        match k {
            "uid" => uid = Some(decimal(v).ok_or(Errno::EINVAL)?),
            "gid" => gid = Some(decimal(v).ok_or(Errno::EINVAL)?),
            "mode" => fs.root_mode = octal(v).ok_or(Errno::EINVAL)? & 0o777,
            "ptmxmode" => fs.ptmx_mode = octal(v).ok_or(Errno::EINVAL)? & 0o777,
            "max" => max = Some(decimal(v).ok_or(Errno::EINVAL)?),
            "newinstance" => {}
            _ => return Err(Errno::EINVAL),
        }
    }
    let mut s = String::new();
    if let Some(u) = uid {
        s.push_str(&format!(",uid={u}"));
    }
    if let Some(g) = gid {
        s.push_str(&format!(",gid={g}"));
    }
    s.push_str(&format!(
        ",mode={:03o},ptmxmode={:03o}",
        fs.root_mode, fs.ptmx_mode
    ));
    if let Some(m) = max.filter(|&m| m < 1 << 20) {
        s.push_str(&format!(",max={m}"));
    }
    fs.fs_opts = s;
    Ok(())
}

/// `proc_parse_param` / `proc_show_options`: `gid=`, `hidepid=`, `subset=`.
fn proc(fs: &mut NewFs, opts: &[(&str, Option<&str>)]) -> Result<(), Errno> {
    let mut s = String::new();
    for &(k, v) in opts {
        match (k, v) {
            ("gid", Some(g)) => {
                s.push_str(&format!(",gid={}", decimal(Some(g)).ok_or(Errno::EINVAL)?))
            }
            ("hidepid", Some(h)) => {
                let word = match h {
                    "0" | "off" => "off",
                    "1" | "noaccess" => "noaccess",
                    "2" | "invisible" => "invisible",
                    "4" | "ptraceable" => "ptraceable",
                    _ => return Err(Errno::EINVAL),
                };
                if word != "off" {
                    s.push_str(&format!(",hidepid={word}"));
                }
            }
            ("subset", Some("pid")) => s.push_str(",subset=pid"),
            _ => return Err(Errno::EINVAL),
        }
    }
    fs.fs_opts = s;
    Ok(())
}

/// `cgroup2_parse_param`: the mount options cgroup2 knows.
fn cgroup2(fs: &mut NewFs, opts: &[(&str, Option<&str>)]) -> Result<(), Errno> {
    let mut s = String::new();
    for &(k, v) in opts {
        match (k, v) {
            (
                "nsdelegate"
                | "favordynmods"
                | "memory_localevents"
                | "memory_recursiveprot"
                | "memory_hugetlb_accounting"
                | "pids_localevents",
                None,
            ) => {
                s.push(',');
                s.push_str(k);
            }
            _ => return Err(Errno::EINVAL),
        }
    }
    fs.fs_opts = s;
    Ok(())
}

/// The v1 controllers a legacy host has (`cgroup1_parse_param`).
const CGROUP1_CONTROLLERS: &[&str] = &[
    "blkio",
    "cpu",
    "cpuacct",
    "cpuset",
    "devices",
    "freezer",
    "hugetlb",
    "memory",
    "misc",
    "net_cls",
    "net_prio",
    "perf_event",
    "pids",
    "rdma",
];

/// `cgroup1_parse_param` / `cgroup1_show_options`: controllers in the
/// kernel's subsystem order, then `name=`.
fn cgroup1(fs: &mut NewFs, opts: &[(&str, Option<&str>)]) -> Result<(), Errno> {
    let mut ctrls: Vec<&str> = Vec::new();
    let mut name = None;
    for &(k, v) in opts {
        match (k, v) {
            ("name", Some(n)) => name = Some(n),
            ("none" | "xattr" | "noprefix", None) => {}
            (c, None) if CGROUP1_CONTROLLERS.contains(&c) => ctrls.push(c),
            _ => return Err(Errno::EINVAL),
        }
    }
    if ctrls.is_empty() && name.is_none() {
        return Err(Errno::EINVAL);
    }
    let mut s = String::new();
    for c in CGROUP1_CONTROLLERS.iter().filter(|c| ctrls.contains(c)) {
        s.push(',');
        s.push_str(c);
    }
    if let Some(n) = name {
        s.push_str(&format!(",name={n}"));
    }
    fs.fs_opts = s;
    Ok(())
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

/// `show_vfsmnt`: `<dev> <path> <type> <rw|ro><sb opts><mnt opts><fs opts> 0 0`.
pub fn proc_mounts_line(path: &str, m: &KernelMount) -> String {
    let ro = m.mnt_flags & MS_RDONLY != 0 || m.sb.sb_flags & MS_RDONLY != 0;
    let mut opts = String::from(if ro { "ro" } else { "rw" });
    sb_opts(m, &mut opts);
    mnt_opts(m, &mut opts);
    opts.push_str(&m.sb.fs_opts);
    let dev = if m.sb.devname.is_empty() {
        "none"
    } else {
        &m.sb.devname
    };
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
    let mut optional = String::new();
    if let Some(g) = m.shared {
        optional.push_str(&format!(" shared:{g}"));
    }
    if let Some(g) = m.master {
        optional.push_str(&format!(" master:{g}"));
    }
    if m.unbindable {
        optional.push_str(" unbindable");
    }
    let mut sbo = String::from(if m.sb.sb_flags & MS_RDONLY != 0 {
        "ro"
    } else {
        "rw"
    });
    sb_opts(m, &mut sbo);
    sbo.push_str(&m.sb.fs_opts);
    let dev = if m.sb.devname.is_empty() {
        "none"
    } else {
        &m.sb.devname
    };
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
    fn tmpfs_show_options_like_linux() {
        let (fs, _) = new_fs("tmpfs", "mode=755,size=65536k").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs.fs_opts, ",size=65536k,mode=755");
        let (fs, _) = new_fs("tmpfs", "mode=1777").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs.fs_opts, "");
        let (fs, _) = new_fs("tmpfs", "nr_blocks=1,nr_inodes=1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs.fs_opts, ",size=4k,nr_inodes=1");
        assert_eq!(new_fs("tmpfs", "defaults"), Err(Errno::EINVAL));
        assert_eq!(new_fs("bind", ""), Err(Errno::ENODEV));
    }

    #[test]
    fn atime_defaults() {
        assert_eq!(mnt_flags_for(0), MS_RELATIME);
        assert_eq!(mnt_flags_for(MS_STRICTATIME | MS_NOSUID), MS_NOSUID);
        assert_eq!(mnt_flags_for(MS_NOATIME), MS_NOATIME);
    }
}
