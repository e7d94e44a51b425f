//! Mount option rules (runsc/boot/vfs.go: `consumeMountOptions`,
//! `parseMountOption`, `ParseMountOptions`, `goferMountData`;
//! runsc/specutils/fs.go: `IsReadonlyMount`, `FilterMountOptions`,
//! `ValidateMountOptions`, the propagation checks).

use super::config::{FileAccessType, RunscConfig};
use super::log::Log;
use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;

/// `tmpfsAllowedData` (vfs.go).
pub const TMPFS_ALLOWED_DATA: &[&str] = &["mode", "size", "uid", "gid"];

/// `gofer.SupportedMountOptions` (pkg/sentry/fsimpl/gofer/gofer.go).
pub const GOFER_SUPPORTED_OPTIONS: &[&str] = &[
    "overlayfs_stale_read",
    "disable_file_handle_sharing",
    "dcache",
];

/// `cgroupfs.SupportedMountOptions`.
pub const CGROUPFS_SUPPORTED_OPTIONS: &[&str] = &[
    "all", "cpu", "cpuacct", "cpuset", "devices", "job", "memory", "pids",
];

/// `consumeMountOptions(opts, allowedKeys...)`: `(remaining, consumed)`.
/// An option with two `=` fails the whole mount with `invalid option %q`.
pub fn consume_mount_options(
    opts: &[String],
    allowed_keys: &[&str],
) -> Result<(Vec<String>, Vec<String>)> {
    let mut rem = Vec::new();
    let mut out = Vec::new();
    for o in opts {
        // parseMountOption: strings.SplitN(opt, "=", 3) with more than 2 parts.
        let mut kv = o.splitn(3, '=');
        let key = kv.next().unwrap_or("");
        if kv.nth(1).is_some() {
            return Err(Error::msg(format!("invalid option {}", quote(o))));
        }
        if allowed_keys.contains(&key) {
            out.push(o.clone());
        } else {
            rem.push(o.clone());
        }
    }
    Ok((rem, out))
}

/// The flags of `vfs.MountOptions` that `ParseMountOptions` sets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MountFlags {
    pub read_only: bool,
    pub no_atime: bool,
    pub no_exec: bool,
    pub no_suid: bool,
}

/// `ParseMountOptions`: any `ro` makes the mount read-only (`rw` is a
/// no-op, so the last one does not win); unknown options only warn.
pub fn parse_mount_options(opts: &[String], log: &mut Log) -> MountFlags {
    let mut f = MountFlags::default();
    for o in opts {
        match o.as_str() {
            "ro" => f.read_only = true,
            "noatime" => f.no_atime = true,
            "noexec" => f.no_exec = true,
            "nosuid" => f.no_suid = true,
            "rw" | "atime" | "exec" | "bind" | "rbind" => {}
            _ => log.warn(format!("ignoring unknown mount option {}", quote(o))),
        }
    }
    f
}

/// `specutils.IsReadonlyMount`: the options contain `ro`.
pub fn is_readonly_mount(opts: &[String]) -> bool {
    opts.iter().any(|o| o == "ro")
}

// Propagation flags (golang.org/x/sys/unix).
const MS_REC: u32 = 0x4000;
const MS_UNBINDABLE: u32 = 1 << 17;
const MS_PRIVATE: u32 = 1 << 18;
const MS_SLAVE: u32 = 1 << 19;
const MS_SHARED: u32 = 1 << 20;

/// `PropOptionsToFlags` (fs.go `propOptionsMap`, every entry sets).
pub fn prop_options_to_flags(opts: &[String]) -> u32 {
    opts.iter().fold(0, |rv, o| {
        rv | match o.as_str() {
            "private" => MS_PRIVATE,
            "rprivate" => MS_PRIVATE | MS_REC,
            "slave" => MS_SLAVE,
            "rslave" => MS_SLAVE | MS_REC,
            "unbindable" => MS_UNBINDABLE,
            "runbindable" => MS_UNBINDABLE | MS_REC,
            _ => 0,
        }
    })
}

/// `validatePropagation`: one option maps to at most one propagation kind,
/// so this never fails for a single option; kept for the check's shape.
fn validate_propagation(opt: &str) -> Result<()> {
    let flags = prop_options_to_flags(&[opt.to_string()]);
    let exclusive = flags & (MS_SLAVE | MS_PRIVATE | MS_SHARED | MS_UNBINDABLE);
    if exclusive.count_ones() > 1 {
        return Err(Error::msg(format!(
            "mount propagation options are mutually exclusive: {}",
            quote(opt)
        )));
    }
    Ok(())
}

/// `validateMountOption`: `shared` and `rshared` are refused.
pub fn validate_mount_option(o: &str) -> Result<()> {
    if o == "shared" || o == "rshared" {
        return Err(Error::msg(format!(
            "mount option {} is not supported",
            quote(o)
        )));
    }
    validate_propagation(o)
}

/// `ValidateMountOptions`: the first refused option's error.
pub fn validate_mount_options(opts: &[String]) -> Result<()> {
    opts.iter().try_for_each(|o| validate_mount_option(o))
}

/// `validateRootfsPropagation` (`linux.rootfsPropagation`).
pub fn validate_rootfs_propagation(opt: &str) -> Result<()> {
    let flags = prop_options_to_flags(&[opt.to_string()]);
    if flags & (MS_SLAVE | MS_PRIVATE) == 0 {
        return Err(Error::msg(format!(
            "root mount propagation option must specify private or slave: {}",
            quote(opt)
        )));
    }
    validate_propagation(opt)
}

/// `FilterMountOptions`: drops refused options with a warning.
pub fn filter_mount_options(opts: &[String], log: &mut Log) -> Vec<String> {
    let mut out = Vec::with_capacity(opts.len());
    for o in opts {
        match validate_mount_option(o) {
            Ok(()) => out.push(o.clone()),
            Err(e) => log.warn(format!("mount option skipped {}: {e}", quote(o))),
        }
    }
    out
}

/// `goferMountData(fd, fa, conf, suppressDirectFS)`: the 9p data of a gofer
/// mount (the root, or a bind).
pub fn gofer_mount_data(
    fd: i32,
    fa: FileAccessType,
    conf: &RunscConfig,
    suppress_directfs: bool,
) -> Vec<String> {
    let mut opts = vec![
        "trans=fd".to_string(),
        format!("rfdno={fd}"),
        format!("wfdno={fd}"),
    ];
    if fa == FileAccessType::Shared {
        opts.push("cache=remote_revalidating".into());
    }
    if conf.directfs && !suppress_directfs {
        opts.push("directfs".into());
    }
    if !conf.host_fifo.allow_open() {
        opts.push("disable_fifo_open".into());
    }
    if conf.char_device_policy.allows_passthrough() {
        opts.push(format!(
            "char_device_policy={}",
            conf.char_device_policy.as_str()
        ));
    }
    opts
}

/// The root mount's 9p data (`createMountNamespace`, lisafs root): the
/// `--file-access` data plus `overlayfs_stale_read`, always (runsc cannot see
/// the root's host filesystem and assumes overlayfs).
pub fn root_gofer_data(fd: i32, conf: &RunscConfig, suppress_directfs: bool) -> String {
    let mut data = gofer_mount_data(fd, conf.file_access, conf, suppress_directfs);
    data.push("overlayfs_stale_read".into());
    data.join(",")
}

#[cfg(test)]
mod tests {
    use super::super::config::{CharDevicePolicy, HostFifo};
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    /// Ports vfs_test.go `TestGoferMountDataDirectFS`.
    #[test]
    fn test_gofer_mount_data_directfs() {
        for (directfs, suppress, want) in [
            (true, false, true),
            (true, true, false),
            (false, true, false),
            (false, false, false),
        ] {
            let conf = RunscConfig {
                directfs,
                host_fifo: HostFifo::Open,
                ..RunscConfig::default()
            };
            let opts = gofer_mount_data(7, FileAccessType::Exclusive, &conf, suppress);
            assert_eq!(opts.iter().any(|o| o == "directfs"), want, "{opts:?}");
        }
    }

    #[test]
    fn gofer_data_with_default_flags() {
        let conf = RunscConfig::default();
        assert_eq!(
            root_gofer_data(3, &conf, false),
            "trans=fd,rfdno=3,wfdno=3,directfs,disable_fifo_open,overlayfs_stale_read"
        );
        assert_eq!(
            gofer_mount_data(5, conf.file_access_mounts, &conf, true).join(","),
            "trans=fd,rfdno=5,wfdno=5,cache=remote_revalidating,disable_fifo_open"
        );
        let pass = RunscConfig {
            char_device_policy: CharDevicePolicy::PreferEmulated,
            ..RunscConfig::default()
        };
        assert_eq!(
            gofer_mount_data(1, FileAccessType::Exclusive, &pass, false).join(","),
            "trans=fd,rfdno=1,wfdno=1,directfs,disable_fifo_open,char_device_policy=prefer-emulated"
        );
    }

    #[test]
    fn consume_splits_in_order_and_refuses_two_equals() {
        let (rem, out) = consume_mount_options(
            &v(&["mode=755", "nodev", "size=1m", "ro", "uid", "gidx=1"]),
            TMPFS_ALLOWED_DATA,
        )
        .unwrap();
        assert_eq!(rem, v(&["nodev", "ro", "gidx=1"]));
        assert_eq!(out, v(&["mode=755", "size=1m", "uid"]));
        let e = consume_mount_options(&v(&["ro", "x=y=z"]), TMPFS_ALLOWED_DATA).unwrap_err();
        assert_eq!(e.to_string(), "invalid option \"x=y=z\"");
        // A refused option fails even when it would have been consumed.
        assert!(consume_mount_options(&v(&["mode=1=2"]), TMPFS_ALLOWED_DATA).is_err());
    }

    #[test]
    fn any_ro_wins_and_unknown_options_warn() {
        let mut log = Log::default();
        let f = parse_mount_options(
            &v(&["ro", "rw", "noatime", "bind", "nodev", "exec", "relatime"]),
            &mut log,
        );
        assert_eq!(
            f,
            MountFlags {
                read_only: true,
                no_atime: true,
                no_exec: false,
                no_suid: false
            }
        );
        assert_eq!(
            log.warnings(),
            [
                "ignoring unknown mount option \"nodev\"",
                "ignoring unknown mount option \"relatime\""
            ]
        );
    }

    #[test]
    fn option_validation() {
        let mut log = Log::default();
        assert_eq!(
            filter_mount_options(&v(&["rw", "shared", "noexec", "rshared"]), &mut log),
            v(&["rw", "noexec"])
        );
        assert_eq!(
            log.warnings(),
            [
                "mount option skipped \"shared\": mount option \"shared\" is not supported",
                "mount option skipped \"rshared\": mount option \"rshared\" is not supported"
            ]
        );
        assert_eq!(
            validate_mount_options(&v(&["rbind", "rshared"]))
                .unwrap_err()
                .to_string(),
            "mount option \"rshared\" is not supported"
        );
        for ok in ["private", "rprivate", "slave", "rslave"] {
            validate_rootfs_propagation(ok).unwrap();
        }
        for bad in ["shared", "rshared", "foo", "unbindable", ""] {
            assert_eq!(
                validate_rootfs_propagation(bad).unwrap_err().to_string(),
                format!(
                    "root mount propagation option must specify private or slave: {}",
                    quote(bad)
                )
            );
        }
        assert!(is_readonly_mount(&v(&["rw", "ro"])));
        assert!(!is_readonly_mount(&v(&["rro"])));
    }
}
