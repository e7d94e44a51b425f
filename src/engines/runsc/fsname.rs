//! `getMountNameAndOptions` (runsc/boot/vfs.go): a prepared mount's
//! filesystem name, its filesystem data, and its VFS flags. Unknown types
//! are skipped with a warning (no mount point, nothing mounted).
//!
//! The internal data runsc also passes (proc and sysfs settings, a tmpfs
//! memory file, checkpoint IDs) decides no layout and is left out.

use super::config::RunscConfig;
use super::hints::mount_access_type;
use super::log::Log;
use super::options::{
    consume_mount_options, gofer_mount_data, parse_mount_options, MountFlags,
    CGROUPFS_SUPPORTED_OPTIONS, GOFER_SUPPORTED_OPTIONS, TMPFS_ALLOWED_DATA,
};
use super::prepare::PreparedMount;
use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;

/// What `MountDisconnected` gets for one mount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FsMount {
    /// gVisor's filesystem name: `none` becomes `sysfs`, `bind` `9p`.
    pub fs_name: String,
    /// `GetFilesystemOptions.Data`.
    pub data: String,
    pub flags: MountFlags,
    /// A tmpfs backed by a filestore FD (no default size limit).
    pub filestore_backed: bool,
}

/// `getMountNameAndOptions`: `Ok(None)` for an unknown type. mountSubmount
/// wraps an error as `mountOptions failed: %w`.
pub fn get_mount_name_and_options(
    m: &PreparedMount,
    conf: &RunscConfig,
    log: &mut Log,
) -> Result<Option<FsMount>> {
    let mut mopts: Vec<String> = m.mount.opts().to_vec();
    let mut data: Vec<String> = Vec::new();
    let mut fs_name = m.mount.typ.clone();
    let mut filestore_backed = false;
    match m.mount.typ.as_str() {
        "devpts" | "dev" | "cgroup2" | "proc" | "sysfs" => {}
        "none" => fs_name = "sysfs".into(),
        "tmpfs" => {
            (mopts, data) = consume_mount_options(&mopts, TMPFS_ALLOWED_DATA)?;
            filestore_backed = m.filestore_fd.is_some();
        }
        "bind" => {
            fs_name = "9p".into();
            let Some(fd) = m.gofer_fd else {
                return Err(Error::msg("gofer mount requires a connection FD"));
            };
            (mopts, data) = consume_mount_options(&mopts, GOFER_SUPPORTED_OPTIONS)?;
            let access = mount_access_type(conf.file_access_mounts, m.hint.as_ref());
            let suppress = m.hint.as_ref().is_some_and(|h| h.suppress_directfs);
            data.extend(gofer_mount_data(fd, access, conf, suppress));
        }
        "cgroup" => {
            (mopts, data) = consume_mount_options(&mopts, CGROUPFS_SUPPORTED_OPTIONS)?;
        }
        "erofs" => {
            let Some(fd) = m.gofer_fd else {
                return Err(Error::msg("EROFS mount requires an image file FD"));
            };
            data = vec![format!("ifd={fd}")];
        }
        other => {
            log.warn(format!("ignoring unknown filesystem type {}", quote(other)));
            return Ok(None);
        }
    }
    let flags = parse_mount_options(&mopts, log);
    Ok(Some(FsMount {
        fs_name,
        data: data.join(","),
        flags,
        filestore_backed,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::mount::SpecMount;
    use super::*;

    fn info(typ: &str, opts: &[&str], fd: Option<i32>) -> PreparedMount {
        PreparedMount {
            mount: SpecMount {
                destination: "/data".into(),
                typ: typ.into(),
                source: "/src".into(),
                options: Some(opts.iter().map(|o| o.to_string()).collect()),
                ..SpecMount::default()
            },
            gofer_fd: fd,
            hint: None,
            gofer_conf: None,
            filestore_fd: None,
        }
    }

    fn get(typ: &str, opts: &[&str], fd: Option<i32>) -> (Result<Option<FsMount>>, Vec<String>) {
        let mut log = Log::default();
        let r = get_mount_name_and_options(&info(typ, opts, fd), &RunscConfig::default(), &mut log);
        (r, log.warnings().iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn the_type_switch() {
        let (r, w) = get("tmpfs", &["mode=755", "nodev", "ro", "size=1m"], None);
        let r = r.unwrap().unwrap();
        assert_eq!(
            (r.fs_name.as_str(), r.data.as_str()),
            ("tmpfs", "mode=755,size=1m")
        );
        assert!(r.flags.read_only);
        assert_eq!(w, ["ignoring unknown mount option \"nodev\""]);

        let (r, w) = get(
            "bind",
            &["rbind", "dcache=0", "rprivate", "noexec"],
            Some(4),
        );
        let r = r.unwrap().unwrap();
        assert_eq!(r.fs_name, "9p");
        assert_eq!(
            r.data,
            "dcache=0,trans=fd,rfdno=4,wfdno=4,cache=remote_revalidating,directfs,disable_fifo_open"
        );
        assert!(r.flags.no_exec);
        assert_eq!(w, ["ignoring unknown mount option \"rprivate\""]);

        assert_eq!(get("none", &[], None).0.unwrap().unwrap().fs_name, "sysfs");
        assert_eq!(get("erofs", &[], Some(8)).0.unwrap().unwrap().data, "ifd=8");
        assert_eq!(
            get("cgroup", &["cpu", "ro"], None).0.unwrap().unwrap().data,
            "cpu"
        );
        for t in ["", "mqueue", "devtmpfs", "overlay", "9p", "TMPFS"] {
            let (r, w) = get(t, &[], None);
            assert_eq!(r.unwrap(), None, "{t}");
            assert_eq!(
                w,
                [format!("ignoring unknown filesystem type {}", quote(t))]
            );
        }
    }

    #[test]
    fn errors() {
        let e = |typ: &str, opts: &[&str]| get(typ, opts, None).0.unwrap_err().to_string();
        assert_eq!(e("bind", &[]), "gofer mount requires a connection FD");
        assert_eq!(e("erofs", &[]), "EROFS mount requires an image file FD");
        assert_eq!(e("tmpfs", &["x=y=z"]), "invalid option \"x=y=z\"");
    }
}
