//! `/proc/[pid]/mounts` as today's gVisor prints it
//! (pkg/sentry/vfs/mount.go `GenerateProcMounts`), and the filesystem
//! options each filesystem's `MountOptions()` adds.
//!
//! Line: `none <path> <fstype> <opts> 0 0`, mounts reachable from the task
//! root sorted by mount id. `opts` is `rw`/`ro`, then — the bug at 3c5eee17
//! — `if NoATime { opts = ",noatime" }`, which *replaces* the string, then
//! `,noexec`, `,nosuid`, then `,` and the filesystem's options.

use super::options::MountFlags;
use super::vfs_glue::flags_of;
use crate::vfs::{DirentId, MsrcId, Vfs};
use serde::Serialize;

/// The gofer client's defaults (pkg/sentry/fsimpl/gofer/gofer.go).
pub const DEFAULT_DCACHE: u64 = 1000;
/// `_V9FS_DEFUID` / `_V9FS_DEFGID`.
pub const V9FS_DEFAULT_ID: u32 = 4294967294;
/// proc's and sys's `defaultMaxCachedDentries`.
pub const KERNFS_DENTRY_CACHE_LIMIT: u64 = 1000;

/// What runsc mounted one filesystem as: the name `/proc/mounts` prints,
/// its VFS flags (read-only is read live from the mount) and its
/// `MountOptions()`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountRecord {
    #[serde(skip)]
    pub msrc: MsrcId,
    pub fs_name: String,
    pub flags: MountFlags,
    pub fs_options: String,
}

/// The options string of one `/proc/mounts` line.
pub fn opts_text(read_only: bool, f: &MountFlags, fs_options: &str) -> String {
    let mut opts = if read_only { "ro" } else { "rw" }.to_string();
    if f.no_atime {
        // GenerateProcMounts: `opts = ",noatime"` (not `+=`).
        opts = ",noatime".into();
    }
    if f.no_exec {
        opts.push_str(",noexec");
    }
    if f.no_suid {
        opts.push_str(",nosuid");
    }
    if !fs_options.is_empty() {
        opts.push(',');
        opts.push_str(fs_options);
    }
    opts
}

/// `GenerateProcMounts` for a task rooted at `root`.
pub fn proc_mounts(vfs: &Vfs, root: DirentId, records: &[MountRecord]) -> Vec<String> {
    vfs.mount_table(root)
        .iter()
        .map(|m| {
            let rec = records.iter().rev().find(|r| r.msrc == m.msrc);
            let ro = flags_of(vfs, m.msrc).read_only;
            let (name, text) = match rec {
                Some(r) => (r.fs_name.as_str(), opts_text(ro, &r.flags, &r.fs_options)),
                None => (
                    m.fs_name.as_str(),
                    opts_text(ro, &MountFlags::default(), ""),
                ),
            };
            format!("none {} {name} {text} 0 0", m.path)
        })
        .collect()
}

/// The parts of a 9p mount's data the gofer client keeps
/// (`GetFilesystem`), parsed from what runsc passed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoferData {
    pub fd: i32,
    pub cache: Option<String>,
    pub dcache: Option<String>,
    pub disable_file_handle_sharing: bool,
    pub disable_fifo_open: bool,
    pub overlayfs_stale_read: bool,
    pub directfs: bool,
}

impl GoferData {
    /// Reads runsc's data; `None` where the gofer client returns EINVAL
    /// (a bad `dcache`, an unknown cache policy, or `disable_file_handle_sharing`
    /// with `overlayfs_stale_read`).
    pub fn parse(data: &str) -> Option<GoferData> {
        let mut g = GoferData::default();
        for opt in data.split(',').filter(|o| !o.is_empty()) {
            let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
            match k {
                "rfdno" => g.fd = v.parse().ok()?,
                "cache" => {
                    if !matches!(
                        v,
                        "fscache" | "fscache_writethrough" | "remote_revalidating"
                    ) {
                        return None;
                    }
                    g.cache = Some(v.to_string());
                }
                "dcache" => {
                    crate::gostr::parse_int(v, 10, 64).ok()?;
                    g.dcache = Some(v.to_string());
                }
                "disable_file_handle_sharing" => g.disable_file_handle_sharing = true,
                "disable_fifo_open" => g.disable_fifo_open = true,
                "overlayfs_stale_read" => g.overlayfs_stale_read = true,
                "directfs" => g.directfs = true,
                _ => {}
            }
        }
        if g.disable_file_handle_sharing && g.overlayfs_stale_read {
            return None;
        }
        Some(g)
    }

    /// `filesystem.MountOptions()` of the gofer client.
    pub fn mount_options(&self) -> String {
        let dcache = match self.dcache.as_deref().map(str::parse::<i64>) {
            Some(Ok(n)) if n >= 0 => n as u64,
            _ => DEFAULT_DCACHE,
        };
        let cache = match self.cache.as_deref() {
            Some("remote_revalidating") => "remote_revalidating",
            Some("fscache_writethrough") => "fscache_writethrough",
            _ => "fscache",
        };
        let mut opts = vec![
            "trans=fd".to_string(),
            format!("rfdno={}", self.fd),
            format!("wfdno={}", self.fd),
            "aname=/".into(),
            format!("dfltuid={V9FS_DEFAULT_ID}"),
            format!("dfltgid={V9FS_DEFAULT_ID}"),
            format!("dcache={dcache}"),
            format!("cache={cache}"),
        ];
        for (on, name) in [
            (
                self.disable_file_handle_sharing,
                "disable_file_handle_sharing",
            ),
            (self.disable_fifo_open, "disable_fifo_open"),
            (self.overlayfs_stale_read, "overlayfs_stale_read"),
            (self.directfs, "directfs"),
        ] {
            if on {
                opts.push(name.into());
            }
        }
        opts.join(",")
    }

    /// The data the VFS's 9P client understands (`trans`, the FDs, `cache`).
    pub fn client_data(&self) -> String {
        let cache = self.cache.as_deref().unwrap_or("fscache");
        format!("trans=fd,rfdno={0},wfdno={0},cache={cache}", self.fd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noatime_replaces_rw() {
        let f = MountFlags {
            no_atime: true,
            ..MountFlags::default()
        };
        assert_eq!(opts_text(false, &f, "mode=755"), ",noatime,mode=755");
        let f = MountFlags {
            no_exec: true,
            no_suid: true,
            ..MountFlags::default()
        };
        assert_eq!(opts_text(true, &f, ""), "ro,noexec,nosuid");
    }

    #[test]
    fn gofer_options_in_gvisor_order() {
        let g = GoferData::parse(
            "dcache=0,trans=fd,rfdno=4,wfdno=4,cache=remote_revalidating,directfs,disable_fifo_open",
        )
        .unwrap();
        assert_eq!(
            g.mount_options(),
            "trans=fd,rfdno=4,wfdno=4,aname=/,dfltuid=4294967294,dfltgid=4294967294,dcache=0,cache=remote_revalidating,disable_fifo_open,directfs"
        );
        assert_eq!(
            g.client_data(),
            "trans=fd,rfdno=4,wfdno=4,cache=remote_revalidating"
        );
        assert!(GoferData::parse("trans=fd,rfdno=1,wfdno=1,dcache=x").is_none());
        assert!(GoferData::parse(
            "trans=fd,rfdno=1,wfdno=1,overlayfs_stale_read,disable_file_handle_sharing"
        )
        .is_none());
    }
}
