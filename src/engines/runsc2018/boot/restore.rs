//! `addRestoreMount` (fs.go:409-430) and `createRestoreEnvironment`
//! (fs.go:434-462): the mount arguments a checkpoint restore would replay.

use super::compile::compile_mounts;
use super::config::BootConfig;
use super::decisions::Recorder;
use super::fds::FdDispenser;
use super::namespace::ROOT_DEVICE;
use super::options::{get_mount_name_and_options, mount_device, mount_flags, p9_mount_options};
use super::SpecView;
use crate::error::Result;
use crate::vfs::MountSourceFlags;
use serde::Serialize;
use std::collections::BTreeMap;

/// `fs.MountArgs`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountArgs {
    pub dev: String,
    pub flags: MountSourceFlags,
    /// The flags as the views print them.
    pub flags_label: String,
    pub data: String,
}

impl MountArgs {
    pub fn new(dev: String, flags: MountSourceFlags, data: String) -> MountArgs {
        MountArgs {
            dev,
            flags,
            flags_label: flags.to_string(),
            data,
        }
    }
}

/// `fs.RestoreEnvironment.MountSources`, keyed by filesystem name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RestoreEnvironment {
    pub mount_sources: BTreeMap<String, Vec<MountArgs>>,
}

/// `addRestoreMount`: unknown types are skipped ("Fix this when we support
/// all the mount types", fs.go:416).
fn add_restore_mount(
    conf: &BootConfig,
    renv: &mut RestoreEnvironment,
    m: &super::MountSpec,
    fds: &mut FdDispenser,
    rec: &mut Recorder,
) -> Result<()> {
    let r = get_mount_name_and_options(conf, m, fds, rec)?;
    if r.fs_name.is_empty() {
        return Ok(());
    }
    let args = MountArgs::new(
        mount_device(m),
        mount_flags(&m.options, rec),
        r.opts.join(","),
    );
    renv.mount_sources.entry(r.fs_name).or_default().push(args);
    Ok(())
}

/// `createRestoreEnvironment(spec, conf, fds)`. There is no
/// `/__runsc_containers__` entry and no leftover-FD check; bind flags come
/// from `mountFlags` without the read-only lower `--overlay` forces live.
pub fn create_restore_environment(
    spec: &SpecView,
    conf: &BootConfig,
    fds: &mut FdDispenser,
    rec: &mut Recorder,
) -> Result<RestoreEnvironment> {
    let mut renv = RestoreEnvironment::default();
    let fd = fds.remove()?;
    let opts = p9_mount_options(fd, conf.file_access);
    let flags = MountSourceFlags {
        read_only: spec.root_readonly,
        no_atime: false,
    };
    renv.mount_sources
        .entry("9p".into())
        .or_default()
        .push(MountArgs::new(ROOT_DEVICE.into(), flags, opts.join(",")));
    for c in compile_mounts(&spec.mounts, rec) {
        add_restore_mount(conf, &mut renv, &c.mount, fds, rec)?;
    }
    Ok(renv)
}
