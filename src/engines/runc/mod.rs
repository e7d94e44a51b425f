//! runc (opencontainers/runc at 76d9cf5d) and the Linux kernel under it.
//!
//! Spec-only rules (`libcontainer/specconv`, `libcontainer/configs/validate`):
//! * [`flags`]: the `MS_*` / `MOUNT_ATTR_*` / `EXT_*` bits and their names;
//! * [`mount`]: `configs.Mount` and its Go `%+v`;
//! * [`specconv`]: `parseMountOptions`, `createLibcontainerMount`;
//! * [`config`]: the spec-only part of `CreateLibcontainerConfig`;
//! * [`validate`]: `Validate`'s mount-related checks.
//!
//! The mount-namespace builder ([`rootfs::build`]):
//! * [`rootfs`]: the pipeline (`prepareRootfs`, `finalizeRootfs`);
//! * [`mount_to_rootfs`]: `mountToRootfs` per mount type;
//! * [`sim`]: the mount namespace and mount(2);
//! * [`mountpoint`]: `createOpenMountpoint`, securejoin, `checkProcMount`;
//! * [`dev`]: `/dev` setup; [`console`]: `/dev/console`; [`mask`]: `readonlyPaths`, `maskedPaths`;
//! * [`cgroup`]: the `cgroup` type on v2 and v1 hosts;
//! * [`kernel`]: what Linux decides (mount flags, propagation, `/proc/mounts`);
//! * [`fsparams`]: the filesystem types and their mount options;
//! * [`linuxfs`], [`host`]: the Linux filesystems and the host;
//! * [`report`]: [`RuncRun`] and its parts.
//!
//! Calling it: `build(&spec, &RuncOptions::default(), host.get("/"), &sources)`
//! with the scenario's rootfs tree (`None`: the default rootfs) and the
//! bind sources (host path -> tree). The [`RuncRun`] holds the VFS (host
//! and container in one namespace; [`RuncRun::container_ctx`] is the
//! container's view for the shell and tree), the events, runc's warnings
//! and error, `mounts` as specconv produced them, `mount_order`, the
//! `/proc/mounts` and mountinfo lines, and the structured `table`.

pub mod cgroup;
pub mod config;
pub mod console;
pub mod dev;
pub mod flags;
pub mod fsparams;
pub mod host;
pub mod kernel;
pub mod linuxfs;
pub mod mask;
pub mod mount;
pub mod mount_to_rootfs;
pub mod mountpoint;
pub mod report;
pub mod rootfs;
pub mod scenario;
pub mod sim;
pub mod simulation;
pub mod specconv;
pub mod validate;

pub use report::{CgroupMode, RuncOptions, RuncRun};
pub use rootfs::build;

#[cfg(test)]
mod specconv_tests;
#[cfg(test)]
mod validate_tests;
