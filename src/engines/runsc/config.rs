//! The runsc flags the mount rules read (runsc/config/config.go and
//! flags.go), with runsc's defaults and its `Set` / `String` texts.

use super::overlay2::Overlay2;
use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;

/// `config.FileAccessType` (`--file-access`, `--file-access-mounts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileAccessType {
    Exclusive,
    Shared,
}

impl FileAccessType {
    /// `FileAccessType.Set`.
    pub fn parse(v: &str) -> Result<FileAccessType> {
        match v {
            "shared" => Ok(FileAccessType::Shared),
            "exclusive" => Ok(FileAccessType::Exclusive),
            _ => Err(Error::msg(format!("invalid file access type {}", quote(v)))),
        }
    }

    /// `FileAccessType.String`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileAccessType::Shared => "shared",
            FileAccessType::Exclusive => "exclusive",
        }
    }
}

/// `config.HostFifo` (`--host-fifo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostFifo {
    None,
    Open,
}

impl HostFifo {
    /// `HostFifo.Set`: `""` means `none`.
    pub fn parse(v: &str) -> Result<HostFifo> {
        match v {
            "" | "none" => Ok(HostFifo::None),
            "open" => Ok(HostFifo::Open),
            _ => Err(Error::msg(format!("invalid host fifo type {}", quote(v)))),
        }
    }

    /// `HostFifo.String`.
    pub fn as_str(self) -> &'static str {
        match self {
            HostFifo::None => "none",
            HostFifo::Open => "open",
        }
    }

    /// `AllowOpen`.
    pub fn allow_open(self) -> bool {
        self == HostFifo::Open
    }
}

/// `config.CharacterDevicePolicy` (`--character-device-policy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CharDevicePolicy {
    EmulatedOnly,
    PreferEmulated,
    Passthrough,
}

impl CharDevicePolicy {
    /// `CharacterDevicePolicy.Set`: `""` means `emulated-only`.
    pub fn parse(v: &str) -> Result<CharDevicePolicy> {
        match v {
            "" | "emulated-only" => Ok(CharDevicePolicy::EmulatedOnly),
            "prefer-emulated" => Ok(CharDevicePolicy::PreferEmulated),
            "passthrough" => Ok(CharDevicePolicy::Passthrough),
            _ => Err(Error::msg(format!(
                "invalid character device policy {}",
                quote(v)
            ))),
        }
    }

    /// `CharacterDevicePolicy.String`.
    pub fn as_str(self) -> &'static str {
        match self {
            CharDevicePolicy::EmulatedOnly => "emulated-only",
            CharDevicePolicy::PreferEmulated => "prefer-emulated",
            CharDevicePolicy::Passthrough => "passthrough",
        }
    }

    /// `AllowsPassthrough`.
    pub fn allows_passthrough(self) -> bool {
        self != CharDevicePolicy::EmulatedOnly
    }
}

/// The part of `config.Config` the mount rules read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunscConfig {
    /// `--file-access` (root), default `exclusive`.
    pub file_access: FileAccessType,
    /// `--file-access-mounts`, default `shared`.
    pub file_access_mounts: FileAccessType,
    /// `--overlay` (deprecated bool), default false.
    pub overlay: bool,
    /// `--overlay2`, default `root:self`. Read it through
    /// [`RunscConfig::get_overlay2`], as runsc does.
    pub overlay2: Overlay2,
    /// `--directfs`, default true.
    pub directfs: bool,
    /// `--host-fifo`, default `none`.
    pub host_fifo: HostFifo,
    /// `--character-device-policy`, default `emulated-only`.
    pub char_device_policy: CharDevicePolicy,
    /// `--mount-cgroup-v2`, default false.
    pub mount_cgroup_v2: bool,
    /// `--allow-flag-override`, default false.
    pub allow_flag_override: bool,
    /// `--allow-rootfs-tar-annotation`, default false.
    pub allow_rootfs_tar_annotation: bool,
}

impl Default for RunscConfig {
    fn default() -> RunscConfig {
        RunscConfig {
            file_access: FileAccessType::Exclusive,
            file_access_mounts: FileAccessType::Shared,
            overlay: false,
            overlay2: Overlay2::default(),
            directfs: true,
            host_fifo: HostFifo::None,
            char_device_policy: CharDevicePolicy::EmulatedOnly,
            mount_cgroup_v2: false,
            allow_flag_override: false,
            allow_rootfs_tar_annotation: false,
        }
    }
}

impl RunscConfig {
    /// `GetOverlay2`: `--overlay` means `all:memory`. Go panics when both are
    /// on; [`RunscConfig::validate`] refuses that first, and here it is an error
    /// marked fatal.
    pub fn get_overlay2(&self) -> Result<Overlay2> {
        if self.overlay {
            if self.overlay2.enabled() {
                return Err(Error::fatal("Overlay2 cannot be set when --overlay=true"));
            }
            return Ok(Overlay2 {
                root_mount: true,
                sub_mounts: true,
                medium: super::overlay2::OverlayMedium::memory(),
                size: String::new(),
            });
        }
        Ok(self.overlay2.clone())
    }

    /// `Config.Validate`'s overlay checks, in its order.
    pub fn validate(&self) -> Result<()> {
        if self.overlay && self.overlay2.enabled() {
            return Err(Error::msg(
                "overlay flag has been replaced with overlay2 flag",
            ));
        }
        if self.file_access == FileAccessType::Shared && self.get_overlay2()?.enabled() {
            return Err(Error::msg(
                "overlay flag is incompatible with shared file access for rootfs",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ports config_test.go `TestValidationFail` (its overlay cases:
    /// "shared+overlay", "overlay+overlay2:root", "overlay+overlay2:all").
    #[test]
    fn test_validation_fail_overlay() {
        let shared = RunscConfig {
            file_access: FileAccessType::Shared,
            overlay2: Overlay2::parse("root:self").unwrap(),
            ..RunscConfig::default()
        };
        assert_eq!(
            shared.validate().unwrap_err().to_string(),
            "overlay flag is incompatible with shared file access for rootfs"
        );
        for v in ["root:memory", "all:memory"] {
            let both = RunscConfig {
                overlay: true,
                overlay2: Overlay2::parse(v).unwrap(),
                ..RunscConfig::default()
            };
            assert_eq!(
                both.validate().unwrap_err().to_string(),
                "overlay flag has been replaced with overlay2 flag"
            );
        }
        // The deprecated flag alone needs --overlay2=none.
        let old = RunscConfig {
            overlay: true,
            overlay2: Overlay2::parse("none").unwrap(),
            ..RunscConfig::default()
        };
        old.validate().unwrap();
        assert_eq!(
            old.get_overlay2().unwrap().to_flag().as_deref(),
            Some("all:memory")
        );
        RunscConfig::default().validate().unwrap();
    }

    /// Ports config_test.go `TestInvalidFlags` ("file-access", "host-fifo").
    #[test]
    fn test_invalid_flags_enums() {
        assert_eq!(
            FileAccessType::parse("invalid").unwrap_err().to_string(),
            "invalid file access type \"invalid\""
        );
        assert_eq!(
            HostFifo::parse("invalid").unwrap_err().to_string(),
            "invalid host fifo type \"invalid\""
        );
        assert_eq!(
            CharDevicePolicy::parse("x").unwrap_err().to_string(),
            "invalid character device policy \"x\""
        );
        assert_eq!(HostFifo::parse("").unwrap(), HostFifo::None);
        assert!(CharDevicePolicy::parse("passthrough")
            .unwrap()
            .allows_passthrough());
    }
}
