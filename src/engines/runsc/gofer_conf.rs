//! `specutils.GoferMountConf` (runsc/specutils/gofer_conf.go): how each
//! gofer mount (the root, then every spec mount that has a mount config) is
//! set up, and the `--gofer-mount-confs=lisafs:self,lisafs:none,…` string
//! that carries them from `runsc create` to the gofer and the sentry.

use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;

/// `GoferMountConfLowerType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lower {
    /// `NoneLower`: no lower layer (a tmpfs).
    None,
    Lisafs,
    Erofs,
}

impl Lower {
    /// `String()`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lower::None => "none",
            Lower::Lisafs => "lisafs",
            Lower::Erofs => "erofs",
        }
    }

    /// `Set()`.
    pub fn parse(v: &str) -> Result<Lower> {
        match v {
            "none" => Ok(Lower::None),
            "lisafs" => Ok(Lower::Lisafs),
            "erofs" => Ok(Lower::Erofs),
            _ => Err(Error::msg(format!(
                "invalid gofer mount config lower layer type: {v}"
            ))),
        }
    }
}

/// `GoferMountConfUpperType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upper {
    /// `NoOverlay`.
    None,
    /// `MemoryOverlay`: a tmpfs upper in sandbox memory.
    Memory,
    /// `SelfOverlay`: backed by a file in the mount's own source directory.
    SelfBacked,
    /// `AnonOverlay`: backed by an unlinked file in `--overlay2=…:dir=`.
    Anon,
}

impl Upper {
    /// `String()`.
    pub fn as_str(self) -> &'static str {
        match self {
            Upper::None => "none",
            Upper::Memory => "memory",
            Upper::SelfBacked => "self",
            Upper::Anon => "anon",
        }
    }

    /// `Set()`.
    pub fn parse(v: &str) -> Result<Upper> {
        match v {
            "none" => Ok(Upper::None),
            "memory" => Ok(Upper::Memory),
            "self" => Ok(Upper::SelfBacked),
            "anon" => Ok(Upper::Anon),
            _ => Err(Error::msg(format!(
                "invalid gofer mount config upper layer type: {v}"
            ))),
        }
    }
}

/// `GoferMountConf`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoferMountConf {
    pub lower: Lower,
    pub upper: Upper,
    pub size: String,
}

impl GoferMountConf {
    /// A conf without a size.
    pub fn new(lower: Lower, upper: Upper) -> GoferMountConf {
        GoferMountConf {
            lower,
            upper,
            size: String::new(),
        }
    }

    /// `String()`: `lower:upper[:size=N]`.
    pub fn to_flag(&self) -> String {
        let mut res = format!("{}:{}", self.lower.as_str(), self.upper.as_str());
        if !self.size.is_empty() {
            res.push_str(":size=");
            res.push_str(&self.size);
        }
        res
    }

    /// `Set()`.
    pub fn parse(v: &str) -> Result<GoferMountConf> {
        let parts: Vec<&str> = v.split(':').collect();
        let format_err = || Error::msg(format!("invalid gofer mount config format: {}", quote(v)));
        let (lower, upper, size) = match parts[..] {
            [l, u] => (l, u, None),
            [l, u, s] => (l, u, Some(s)),
            _ => return Err(format_err()),
        };
        let lower = Lower::parse(lower)?;
        let upper = Upper::parse(upper)?;
        let size = match size {
            None => String::new(),
            Some(s) => s.strip_prefix("size=").ok_or_else(format_err)?.to_string(),
        };
        let g = GoferMountConf { lower, upper, size };
        if !g.valid() {
            return Err(Error::msg(format!(
                "invalid gofer mount config: {}",
                quote(v)
            )));
        }
        Ok(g)
    }

    /// `valid()`: a mount needs a lower or an upper.
    pub fn valid(&self) -> bool {
        self.lower != Lower::None || self.upper != Upper::None
    }

    /// `IsFilestorePresent`.
    pub fn is_filestore_present(&self) -> bool {
        matches!(self.upper, Upper::SelfBacked | Upper::Anon)
    }

    /// `IsSelfBacked`.
    pub fn is_self_backed(&self) -> bool {
        self.upper == Upper::SelfBacked
    }

    /// `ShouldUseOverlayfs`.
    pub fn should_use_overlayfs(&self) -> bool {
        self.lower != Lower::None && self.upper != Upper::None
    }

    /// `ShouldUseTmpfs`.
    pub fn should_use_tmpfs(&self) -> bool {
        self.lower == Lower::None
    }

    /// `ShouldUseLisafs`.
    pub fn should_use_lisafs(&self) -> bool {
        self.lower == Lower::Lisafs
    }

    /// `ShouldUseErofs`.
    pub fn should_use_erofs(&self) -> bool {
        self.lower == Lower::Erofs
    }
}

/// `GoferMountConfFlags.String()`: the confs joined by `,`.
pub fn confs_to_flag(confs: &[GoferMountConf]) -> String {
    confs
        .iter()
        .map(GoferMountConf::to_flag)
        .collect::<Vec<_>>()
        .join(",")
}

/// `GoferMountConfFlags.Set()` on an empty list.
pub fn parse_confs_flag(s: &str) -> Result<Vec<GoferMountConf>> {
    s.split(',')
        .map(|c| {
            GoferMountConf::parse(c)
                .map_err(|e| e.wrap(format!("invalid GoferMountConf value ({c})")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOWERS: [Lower; 3] = [Lower::None, Lower::Lisafs, Lower::Erofs];
    const UPPERS: [Upper; 4] = [Upper::None, Upper::Memory, Upper::SelfBacked, Upper::Anon];

    /// Ports gofer_conf_test.go `TestGoferConf` (its `LowerMax/UpperMax`
    /// case cannot be built: the enums have no out-of-range value).
    #[test]
    fn test_gofer_conf() {
        for lower in LOWERS {
            for upper in UPPERS {
                let c = GoferMountConf::new(lower, upper);
                let valid = !(lower == Lower::None && upper == Upper::None);
                assert_eq!(c.valid(), valid, "{c:?}");
                if !valid {
                    continue;
                }
                let has_lower = lower != Lower::None;
                let overlay = has_lower && upper != Upper::None;
                let host_file = matches!(upper, Upper::SelfBacked | Upper::Anon);
                assert_eq!(c.should_use_overlayfs(), overlay, "{c:?}");
                assert_eq!(c.is_filestore_present(), host_file, "{c:?}");
                assert_eq!(c.should_use_lisafs(), lower == Lower::Lisafs, "{c:?}");
                assert_eq!(c.should_use_tmpfs(), !has_lower, "{c:?}");
                assert_eq!(c.should_use_erofs(), lower == Lower::Erofs, "{c:?}");
            }
        }
    }

    /// Ports gofer_conf_test.go `TestGoferConfFlags`.
    #[test]
    fn test_gofer_conf_flags() {
        let mut want = Vec::new();
        for lower in LOWERS {
            for upper in UPPERS {
                if lower != Lower::None || upper != Upper::None {
                    want.push(GoferMountConf::new(lower, upper));
                }
            }
        }
        let s = confs_to_flag(&want);
        assert_eq!(
            s,
            "none:memory,none:self,none:anon,lisafs:none,lisafs:memory,lisafs:self,lisafs:anon,erofs:none,erofs:memory,erofs:self,erofs:anon"
        );
        assert_eq!(parse_confs_flag(&s).unwrap(), want);
    }

    /// Ports gofer_conf_test.go `TestGoferMountConfSetGet`.
    #[test]
    fn test_gofer_mount_conf_set_get() {
        for v in ["lisafs:anon", "lisafs:anon:size=1719"] {
            assert_eq!(GoferMountConf::parse(v).unwrap().to_flag(), v);
        }
    }

    #[test]
    fn parse_errors() {
        let e = |v: &str| GoferMountConf::parse(v).unwrap_err().to_string();
        assert_eq!(e("lisafs"), "invalid gofer mount config format: \"lisafs\"");
        assert_eq!(
            e("a:b:c:d"),
            "invalid gofer mount config format: \"a:b:c:d\""
        );
        assert_eq!(
            e("lisafs:self:1g"),
            "invalid gofer mount config format: \"lisafs:self:1g\""
        );
        assert_eq!(
            e("9p:self"),
            "invalid gofer mount config lower layer type: 9p"
        );
        assert_eq!(
            e("lisafs:disk"),
            "invalid gofer mount config upper layer type: disk"
        );
        assert_eq!(e("none:none"), "invalid gofer mount config: \"none:none\"");
        assert_eq!(
            parse_confs_flag("lisafs:self,none:none")
                .unwrap_err()
                .to_string(),
            "invalid GoferMountConf value (none:none): invalid gofer mount config: \"none:none\""
        );
    }
}
