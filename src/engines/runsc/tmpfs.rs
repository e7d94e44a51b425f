//! Today's tmpfs mount data (pkg/sentry/fsimpl/tmpfs/tmpfs.go
//! `GetFilesystem`, `parseSize`): `size`, `nr_blocks`, `nr_inodes`, `mode`
//! (octal, masked with 07777), `uid`, `gid`, `noswap`; any bad value or other
//! key is a bare EINVAL. The root is `01777` for a directory and `0777` for a
//! file root, and `/proc/mounts` shows the options rebuilt in the order
//! `size,nr_inodes,mode,uid,gid`.
//!
//! The 2018 tmpfs in `crate::fs` builds the instance; this file decides the
//! root's mode and owner and the printed options, as today's code does.

use super::vfs_glue::{create_in, msrc_of, set_fs_name, set_owner_mode};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::fs;
use crate::gostr::parse_uint;
use crate::vfs::{InodeId, MountSourceFlags, Node, Vfs};
use std::collections::BTreeMap;

/// The host RAM `SetTotalHostMem` reports (a `size=N%` base). A fixed,
/// documented stand-in: the simulated host has 8 GiB.
pub const TOTAL_HOST_MEM: u64 = 8 << 30;
const PAGE_SIZE: u64 = 4096;

/// What a tmpfs's mount data decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TmpfsData {
    pub root_perms: u32,
    pub uid: u32,
    pub gid: u32,
    /// `filesystem.MountOptions()`.
    pub printed: String,
}

/// `parseSize`: bytes, or `None` where Go returns an error.
fn parse_size(s: &str) -> Option<(u64, bool)> {
    let last = *s.as_bytes().last()?;
    let (count, digits, pct) = match last {
        b'k' | b'K' => (1u64 << 10, &s[..s.len() - 1], false),
        b'm' | b'M' => (1 << 20, &s[..s.len() - 1], false),
        b'g' | b'G' => (1 << 30, &s[..s.len() - 1], false),
        b't' | b'T' => (1 << 40, &s[..s.len() - 1], false),
        b'p' | b'P' => (1 << 50, &s[..s.len() - 1], false),
        b'e' | b'E' => (1 << 60, &s[..s.len() - 1], false),
        b'%' => (TOTAL_HOST_MEM / 100, &s[..s.len() - 1], true),
        _ => (1, s, false),
    };
    let n = parse_uint(digits, 10, 64).ok()?;
    let bytes = n.checked_mul(count)?;
    Some((bytes, pct))
}

/// The tmpfs options of `data` for a root of the given kind, or EINVAL.
pub fn parse(data: &str, root_is_dir: bool) -> std::result::Result<TmpfsData, Errno> {
    let mut root_perms = if root_is_dir { 0o1777 } else { 0o777 };
    let (mut uid, mut gid) = (0u32, 0u32);
    let mut printed: BTreeMap<&str, String> = BTreeMap::new();
    for opt in data.split(',').filter(|o| !o.is_empty()) {
        let (key, value) = opt.split_once('=').unwrap_or((opt, ""));
        match key {
            "size" => {
                let (bytes, _) = parse_size(value).ok_or(Errno::EINVAL)?;
                let k = if bytes > 0 {
                    let pages = bytes.checked_add(PAGE_SIZE - 1).ok_or(Errno::EINVAL)? / PAGE_SIZE;
                    (pages * PAGE_SIZE).saturating_add(1023) / 1024
                } else {
                    0
                };
                printed.insert("size", format!("size={k}k"));
            }
            "nr_blocks" => {
                let (blocks, pct) = parse_size(value).ok_or(Errno::EINVAL)?;
                if pct {
                    return Err(Errno::EINVAL);
                }
                let k = blocks.saturating_mul(PAGE_SIZE).saturating_add(1023) / 1024;
                printed.insert("size", format!("size={k}k"));
            }
            "nr_inodes" => {
                let (n, pct) = parse_size(value).ok_or(Errno::EINVAL)?;
                if pct {
                    return Err(Errno::EINVAL);
                }
                printed.insert("nr_inodes", format!("nr_inodes={n}"));
            }
            "mode" => {
                let m = parse_uint(value, 8, 32).map_err(|_| Errno::EINVAL)?;
                root_perms = (m & 0o7777) as u32;
                printed.insert("mode", format!("mode={value}"));
            }
            "uid" | "gid" => {
                let v = parse_uint(value, 10, 32).map_err(|_| Errno::EINVAL)?;
                // MapToKUID in the root user namespace: everything but NoID.
                let id = u32::try_from(v)
                    .ok()
                    .filter(|x| *x != u32::MAX)
                    .ok_or(Errno::EINVAL)?;
                if key == "uid" {
                    uid = id;
                } else {
                    gid = id;
                }
                printed.insert(key, format!("{key}={value}"));
            }
            "noswap" => {}
            _ => return Err(Errno::EINVAL),
        }
    }
    let printed = ["size", "nr_inodes", "mode", "uid", "gid"]
        .iter()
        .filter_map(|k| printed.get(k).cloned())
        .collect::<Vec<_>>()
        .join(",");
    Ok(TmpfsData {
        root_perms,
        uid,
        gid,
        printed,
    })
}

/// A new tmpfs whose root is a directory, or a regular file when
/// `root_is_dir` is false (an overlay upper over a file). Returns the root
/// and the printed options. EINVAL comes back as an error with the errno.
pub fn mount(
    vfs: &mut Vfs,
    flags: MountSourceFlags,
    data: &str,
    root_is_dir: bool,
) -> Result<(InodeId, String)> {
    let t = parse(data, root_is_dir).map_err(Error::from)?;
    let dir = fs::mount(vfs, "tmpfs", "none", flags, "")?;
    let root = if root_is_dir {
        dir
    } else {
        // The VFS's tmpfs only makes directory roots: the file root is a
        // regular file of the same instance.
        create_in(vfs, dir, "root", t.root_perms, Node::File(Vec::new()))?
    };
    set_owner_mode(vfs, root, t.root_perms, t.uid, t.gid)?;
    if let Some(m) = msrc_of(vfs, root) {
        set_fs_name(vfs, m, "tmpfs", &t.printed);
    }
    Ok((root, t.printed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_options_are_rebuilt_in_gvisor_order() {
        let t = parse("gid=5,mode=0755,size=1m,uid=7,nr_inodes=10", true).unwrap();
        assert_eq!(t.printed, "size=1024k,nr_inodes=10,mode=0755,uid=7,gid=5");
        assert_eq!((t.root_perms, t.uid, t.gid), (0o755, 7, 5));
        assert_eq!(parse("", true).unwrap().root_perms, 0o1777);
        assert_eq!(parse("", false).unwrap().root_perms, 0o777);
        assert_eq!(parse("mode=2777", true).unwrap().root_perms, 0o2777);
        assert_eq!(parse("size=1", true).unwrap().printed, "size=4k");
        assert_eq!(parse("size=0", true).unwrap().printed, "size=0k");
        assert_eq!(parse("size=50%", true).unwrap().printed, "size=4194304k");
        for bad in [
            "mode",
            "mode=9",
            "size=",
            "size=x",
            "uid=-1",
            "foo=1",
            "nr_inodes=1%",
        ] {
            assert_eq!(parse(bad, true), Err(Errno::EINVAL), "{bad}");
        }
    }
}
