//! runc (opencontainers/runc at 76d9cf5d): the rules that depend only on the
//! spec (`libcontainer/specconv`, `libcontainer/configs/validate`).
//!
//! * [`flags`]: the `MS_*` / `MOUNT_ATTR_*` / `EXT_*` bits and their names;
//! * [`mount`]: `configs.Mount` and its Go `%+v`;
//! * [`specconv`]: `parseMountOptions`, `createLibcontainerMount`;
//! * [`config`]: the spec-only part of `CreateLibcontainerConfig`;
//! * [`validate`]: `Validate`'s mount-related checks.

pub mod config;
pub mod flags;
pub mod mount;
pub mod specconv;
pub mod validate;

#[cfg(test)]
mod specconv_tests;
#[cfg(test)]
mod validate_tests;
