//! `--overlay2` (runsc/config/config.go: `OverlayMedium`, `Overlay2.Set`,
//! `Overlay2.String`; runsc/config/flags.go: `checkOverlay2`).
//!
//! Syntax: `none` | `{root|all}:{memory|self|dir=/abs}[,size=N]`; the
//! default is `root:self` (`defaultOverlay2`).
//!
//! `Set` only ever turns `subMounts` on: `root:…` leaves it as it was. On
//! the command line the flag starts from the default (`subMounts` false), but
//! an annotation override (`dev.gvisor.flag.overlay2`) calls `Set` on the
//! command line's value, so `--overlay2=all:memory` overridden with
//! `root:self` ends up `all:self`. [`Overlay2::set`] keeps that.

use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;

/// `config.AnonOverlayPrefix`.
pub const ANON_OVERLAY_PREFIX: &str = "dir=";

/// `config.OverlayMedium`: `""` (none), `memory`, `self` or `dir=/abs`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OverlayMedium(pub String);

impl OverlayMedium {
    /// `config.NoOverlay`.
    pub fn none() -> OverlayMedium {
        OverlayMedium(String::new())
    }

    /// `config.MemoryOverlay`.
    pub fn memory() -> OverlayMedium {
        OverlayMedium("memory".into())
    }

    /// `config.SelfOverlay`.
    pub fn self_backed() -> OverlayMedium {
        OverlayMedium("self".into())
    }

    /// `OverlayMedium.Set`: the medium, or runsc's error.
    pub fn parse(v: &str) -> Result<OverlayMedium> {
        match v {
            "" | "memory" | "self" => {}
            _ => {
                let Some(dir) = v.strip_prefix(ANON_OVERLAY_PREFIX) else {
                    return Err(Error::msg(format!("unexpected medium: {}", quote(v))));
                };
                // filepath.IsAbs on Linux: a leading slash.
                if !dir.starts_with('/') {
                    return Err(Error::msg(format!(
                        "overlay host file directory should be an absolute path, got {}",
                        quote(dir)
                    )));
                }
            }
        }
        Ok(OverlayMedium(v.to_string()))
    }

    /// `m == config.NoOverlay`.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    /// `IsBackedByAnon`.
    pub fn is_backed_by_anon(&self) -> bool {
        self.0.starts_with(ANON_OVERLAY_PREFIX)
    }

    /// `HostFileDir`; `None` where runsc would panic (not a `dir=` medium).
    pub fn host_file_dir(&self) -> Option<&str> {
        self.0.strip_prefix(ANON_OVERLAY_PREFIX)
    }

    /// `String()`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `config.Overlay2`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overlay2 {
    pub root_mount: bool,
    pub sub_mounts: bool,
    pub medium: OverlayMedium,
    /// Passed as is to the upper tmpfs as `size=<size>`; empty is the default.
    pub size: String,
}

impl Default for Overlay2 {
    /// `defaultOverlay2()`: `root:self`.
    fn default() -> Overlay2 {
        Overlay2 {
            root_mount: true,
            sub_mounts: false,
            medium: OverlayMedium::self_backed(),
            size: String::new(),
        }
    }
}

fn set_err(v: &str) -> Error {
    Error::msg(format!(
        "expected format is --overlay2={{mount}}:{{medium}}[,size={{size}}], got {}",
        quote(v)
    ))
}

impl Overlay2 {
    /// `--overlay2=<v>` given on the command line (the flag starts from its
    /// default).
    pub fn parse(v: &str) -> Result<Overlay2> {
        let mut o = Overlay2::default();
        o.set(v)?;
        Ok(o)
    }

    /// `Overlay2.Set(v)` on the current value. On error the value may be
    /// partly changed, as in Go (runsc then fails anyway).
    pub fn set(&mut self, v: &str) -> Result<()> {
        if v == "none" {
            *self = Overlay2 {
                root_mount: false,
                sub_mounts: false,
                medium: OverlayMedium::none(),
                size: String::new(),
            };
            return Ok(());
        }
        let parts: Vec<&str> = v.split(',').collect();
        let first = parts.first().copied().unwrap_or("");
        let vs: Vec<&str> = first.split(':').collect();
        let [mount, medium] = vs[..] else {
            return Err(set_err(v));
        };
        match mount {
            "root" => self.root_mount = true,
            "all" => {
                self.root_mount = true;
                self.sub_mounts = true;
            }
            _ => {
                return Err(Error::msg(format!(
                    "unexpected mount specifier for --overlay2: {}",
                    quote(mount)
                )))
            }
        }
        self.medium = OverlayMedium::parse(medium)?;
        match parts[..] {
            [_] => self.size.clear(),
            [_, size_arg] => {
                let Some(size) = size_arg.strip_prefix("size=") else {
                    return Err(set_err(v));
                };
                self.size = size.to_string();
            }
            _ => return Err(set_err(v)),
        }
        Ok(())
    }

    /// `Overlay2.String()`. `None` where Go panics (`subMounts` without
    /// `rootMount`, which `Set` never produces).
    pub fn to_flag(&self) -> Option<String> {
        let mount = match (self.root_mount, self.sub_mounts) {
            (false, false) => return Some("none".into()),
            (true, true) => "all",
            (true, false) => "root",
            (false, true) => return None,
        };
        let size = if self.size.is_empty() {
            String::new()
        } else {
            format!(",size={}", self.size)
        };
        Some(format!("{mount}:{}{size}", self.medium.as_str()))
    }

    /// `Enabled()`: any medium at all (`root:` with an empty medium is off).
    pub fn enabled(&self) -> bool {
        !self.medium.is_none()
    }

    /// `RootOverlayMedium()`.
    pub fn root_medium(&self) -> OverlayMedium {
        if self.root_mount {
            self.medium.clone()
        } else {
            OverlayMedium::none()
        }
    }

    /// `RootOverlaySize()`.
    pub fn root_size(&self) -> &str {
        if self.root_mount {
            &self.size
        } else {
            ""
        }
    }

    /// `SubMountOverlayMedium()`.
    pub fn submount_medium(&self) -> OverlayMedium {
        if self.sub_mounts {
            self.medium.clone()
        } else {
            OverlayMedium::none()
        }
    }

    /// `SubMountOverlaySize()`.
    pub fn submount_size(&self) -> &str {
        if self.sub_mounts {
            &self.size
        } else {
            ""
        }
    }

    /// The annotation `dev.gvisor.flag.overlay2=<value>` applied on top of
    /// this value (`Config.Override` with `force=false`): without
    /// `--allow-flag-override` only `checkOverlay2`'s media pass.
    pub fn override_with(&mut self, value: &str, allow_flag_override: bool) -> Result<()> {
        let wrap = |e: Error| e.wrap(format!("error setting flag overlay2={}", quote(value)));
        if !allow_flag_override {
            let probe = Overlay2 {
                root_mount: false,
                sub_mounts: false,
                medium: OverlayMedium::none(),
                size: String::new(),
            };
            let mut probe = probe;
            probe
                .set(value)
                .map_err(|e| wrap(e.wrap("invalid overlay2 annotation")))?;
            if probe.medium.is_backed_by_anon() {
                return Err(wrap(Error::msg(format!(
                    "{} overlay medium requires flag \"allow-flag-override\" to be enabled",
                    quote(value)
                ))));
            }
        }
        self.set(value).map_err(wrap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(v: &str) -> String {
        Overlay2::parse(v).unwrap_err().to_string()
    }

    /// Ports config_test.go `TestParseSerializeOverlay2`.
    #[test]
    fn test_parse_serialize_overlay2() {
        // "Without size": Set on a zero Overlay2.
        let mut o = Overlay2 {
            root_mount: false,
            sub_mounts: false,
            medium: OverlayMedium::none(),
            size: String::new(),
        };
        o.set("all:memory").unwrap();
        assert_eq!((o.root_size(), o.submount_size()), ("", ""));
        assert_eq!(o.to_flag().as_deref(), Some("all:memory"));
        // "With size".
        let mut o = Overlay2 {
            root_mount: false,
            sub_mounts: false,
            medium: OverlayMedium::none(),
            size: String::new(),
        };
        o.set("root:memory,size=1g").unwrap();
        assert_eq!((o.root_size(), o.submount_size()), ("1g", ""));
        assert_eq!(o.to_flag().as_deref(), Some("root:memory,size=1g"));
    }

    /// Ports config_test.go `TestInvalidFlags` (its three overlay2 cases),
    /// with the whole text instead of a substring.
    #[test]
    fn test_invalid_flags_overlay2() {
        assert_eq!(err("root:/tmp"), "unexpected medium: \"/tmp\"");
        assert_eq!(
            err("root:dir=tmp"),
            "overlay host file directory should be an absolute path, got \"tmp\""
        );
        assert_eq!(
            err("root:memory,sz=sdg"),
            "expected format is --overlay2={mount}:{medium}[,size={size}], got \"root:memory,sz=sdg\""
        );
    }

    #[test]
    fn default_and_every_form() {
        let d = Overlay2::default();
        assert_eq!(d.to_flag().as_deref(), Some("root:self"));
        assert_eq!(d.root_medium().as_str(), "self");
        assert!(d.submount_medium().is_none());
        for (v, flag, root, sub) in [
            ("none", "none", "", ""),
            ("root:memory", "root:memory", "memory", ""),
            ("all:memory", "all:memory", "memory", "memory"),
            ("all:self", "all:self", "self", "self"),
            ("root:dir=/var/x", "root:dir=/var/x", "dir=/var/x", ""),
            ("all:self,size=2g", "all:self,size=2g", "self", "self"),
            // An empty medium parses and leaves the overlay off.
            ("root:", "root:", "", ""),
            // An empty size is the default size.
            ("root:memory,size=", "root:memory", "memory", ""),
        ] {
            let o = Overlay2::parse(v).unwrap();
            assert_eq!(o.to_flag().as_deref(), Some(flag), "{v}");
            assert_eq!(o.root_medium().as_str(), root, "{v}");
            assert_eq!(o.submount_medium().as_str(), sub, "{v}");
        }
        assert!(!Overlay2::parse("root:").unwrap().enabled());
        assert_eq!(
            Overlay2::parse("all:dir=/d,size=5m")
                .unwrap()
                .submount_size(),
            "5m"
        );
    }

    #[test]
    fn errors_are_runsc_texts() {
        assert_eq!(
            err(""),
            "expected format is --overlay2={mount}:{medium}[,size={size}], got \"\""
        );
        assert_eq!(
            err("root"),
            "expected format is --overlay2={mount}:{medium}[,size={size}], got \"root\""
        );
        assert_eq!(
            err("root:self:x"),
            "expected format is --overlay2={mount}:{medium}[,size={size}], got \"root:self:x\""
        );
        assert_eq!(
            err("sub:memory"),
            "unexpected mount specifier for --overlay2: \"sub\""
        );
        assert_eq!(err("all:disk"), "unexpected medium: \"disk\"");
        assert_eq!(
            err("root:dir="),
            "overlay host file directory should be an absolute path, got \"\""
        );
        assert_eq!(
            err("root:memory,size=1g,x"),
            "expected format is --overlay2={mount}:{medium}[,size={size}], got \"root:memory,size=1g,x\""
        );
    }

    #[test]
    fn set_never_clears_submounts() {
        let mut o = Overlay2::parse("all:memory").unwrap();
        o.set("root:self").unwrap();
        assert_eq!(o.to_flag().as_deref(), Some("all:self"));
    }

    /// config_test.go `TestOverrideAllowlist` has no overlay2 case; these
    /// follow `checkOverlay2` and `Config.Override`.
    #[test]
    fn annotation_override() {
        let mut o = Overlay2::default();
        o.override_with("root:memory", false).unwrap();
        assert_eq!(o.to_flag().as_deref(), Some("root:memory"));
        let e = o.override_with("all:dir=/x", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "error setting flag overlay2=\"all:dir=/x\": \"all:dir=/x\" overlay medium requires flag \"allow-flag-override\" to be enabled"
        );
        let e = o.override_with("all:disk", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "error setting flag overlay2=\"all:disk\": invalid overlay2 annotation: unexpected medium: \"disk\""
        );
        o.override_with("all:dir=/x", true).unwrap();
        assert_eq!(o.to_flag().as_deref(), Some("all:dir=/x"));
    }
}
