//! The two `runsc/boot/config.go` settings the mount engine reads.

use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::{Deserialize, Serialize};

/// `FileAccessType`: how the sandbox may cache files it reaches over 9P.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileAccess {
    /// `FileAccessShared` (0, the Go zero value): files may change outside
    /// the sandbox, so 9P mounts revalidate (`cache=remote_revalidating`).
    Shared,
    /// `FileAccessExclusive` (1, the runsc CLI default): the sandbox owns the
    /// files and caches everything (`fscache`).
    Exclusive,
}

impl FileAccess {
    /// `MakeFileAccessType`.
    pub fn parse(s: &str) -> Result<FileAccess> {
        match s {
            "shared" => Ok(FileAccess::Shared),
            "exclusive" => Ok(FileAccess::Exclusive),
            _ => Err(Error::msg(format!("invalid file access type {}", quote(s)))),
        }
    }

    /// The flag value (`--file-access=`).
    pub fn as_str(self) -> &'static str {
        match self {
            FileAccess::Shared => "shared",
            FileAccess::Exclusive => "exclusive",
        }
    }
}

/// `boot.Config`, the fields fs.go reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootConfig {
    /// `--overlay`: a tmpfs upper over the root and over writable binds.
    pub overlay: bool,
    /// `--file-access`.
    pub file_access: FileAccess,
}

impl Default for BootConfig {
    /// runsc's command-line defaults: no overlay, exclusive file access.
    fn default() -> Self {
        BootConfig {
            overlay: false,
            file_access: FileAccess::Exclusive,
        }
    }
}

impl BootConfig {
    /// `runsc/main.go` refuses `--overlay` with `--file-access=shared`; fs.go
    /// itself does not check this.
    pub fn validate_cli(&self) -> Result<()> {
        if self.overlay && self.file_access == FileAccess::Shared {
            return Err(Error::msg(
                "overlay flag is incompatible with shared file access",
            ));
        }
        Ok(())
    }
}
