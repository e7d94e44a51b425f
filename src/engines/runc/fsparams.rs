//! The filesystem types the simulated kernel has and the mount options
//! each takes (the `fs_context` parsers: `vfs_parse_sb_flag`,
//! `shmem_parse_one`, `devpts_parse_param`, `proc_parse_param`,
//! `cgroup2_parse_param`, `cgroup1_parse_param`), with the text each
//! filesystem's `show_options` prints for what it kept.

use super::flags::*;
use crate::errno::Errno;

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
        // devtmpfs parses as tmpfs (shmem_init_fs_context) but then hands
        // out its one superblock: the options change nothing.
        "devtmpfs" => tmpfs(&mut fs, &rest)?,
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

/// The v1 controllers the host kernel has, in its subsystem order: those
/// of the host's hierarchies (`name=systemd` is a named hierarchy, not a
/// controller).
fn cgroup1_controllers() -> impl Iterator<Item = &'static str> {
    super::host::CGROUP_V1_HIERARCHIES
        .iter()
        .flat_map(|h| h.split(','))
        .filter(|c| *c != "systemd")
}

/// `cgroup1_parse_param` / `cgroup1_show_options`: controllers in the
/// kernel's subsystem order, then `name=`.
fn cgroup1(fs: &mut NewFs, opts: &[(&str, Option<&str>)]) -> Result<(), Errno> {
    let mut ctrls: Vec<&str> = Vec::new();
    let mut name = None;
    for &(k, v) in opts {
        match (k, v) {
            ("name", Some(n)) => name = Some(n),
            ("none" | "xattr" | "noprefix", None) => {}
            (c, None) if cgroup1_controllers().any(|k| k == c) => ctrls.push(c),
            _ => return Err(Errno::EINVAL),
        }
    }
    if ctrls.is_empty() && name.is_none() {
        return Err(Errno::EINVAL);
    }
    let mut s = String::new();
    for c in cgroup1_controllers().filter(|c| ctrls.contains(c)) {
        s.push(',');
        s.push_str(c);
    }
    if let Some(n) = name {
        s.push_str(&format!(",name={n}"));
    }
    fs.fs_opts = s;
    Ok(())
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
}
