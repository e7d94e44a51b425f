//! `specutils.GoferMountConf` (runsc/specutils/gofer_conf.go): how each
//! gofer mount (the root, then every spec mount that has a mount config) is
//! set up, and the `--gofer-mount-confs=lisafs:self,lisafs:none,…` string
//! that carries them from `runsc create` to the gofer and the sentry.

use super::compile::{has_mount_config, is_erofs_mount, is_gofer_mount};
use super::hints::{PodMountHints, RootfsHint};
use super::log::Log;
use super::mount::SpecMount;
use super::options::is_readonly_mount;
use super::overlay2::{Overlay2, OverlayMedium};
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

/// What `os.Stat(mountSrc)` says about a mount source on the host: `Ok`
/// with whether it is a directory, or Go's error text
/// (`stat /x: no such file or directory`).
pub type SourceStat<'a> = &'a dyn Fn(&str) -> std::result::Result<bool, String>;

/// `createGoferConf(overlayMedium, overlaySize, mountType, mountSrc)`
/// (runsc/container/container.go). `self` needs a directory source and
/// falls back to `memory` with a warning otherwise.
pub fn create_gofer_conf(
    medium: &OverlayMedium,
    size: &str,
    mount_type: &str,
    mount_src: &str,
    stat: SourceStat<'_>,
    log: &mut Log,
) -> Result<GoferMountConf> {
    let lower = match mount_type {
        "bind" => Lower::Lisafs,
        "tmpfs" => Lower::None,
        "erofs" => Lower::Erofs,
        _ => {
            return Err(Error::msg(format!(
                "unsupported mount type {} in mount hint",
                quote(mount_type)
            )))
        }
    };
    let with = |upper: Upper| GoferMountConf {
        lower,
        upper,
        size: size.to_string(),
    };
    match medium.as_str() {
        "" => Ok(GoferMountConf::new(lower, Upper::None)),
        "memory" => Ok(with(Upper::Memory)),
        "self" => {
            let is_dir = stat(mount_src).map_err(|e| {
                Error::msg(format!(
                    "failed to stat mount {} to see if it were a directory: {e}",
                    quote(mount_src)
                ))
            })?;
            if !is_dir {
                log.warn(format!(
                    "self filestore is only supported for directory mounts, but mount {} is not a directory, falling back to memory",
                    quote(mount_src)
                ));
                return Ok(with(Upper::Memory));
            }
            Ok(with(Upper::SelfBacked))
        }
        _ if medium.is_backed_by_anon() => Ok(with(Upper::Anon)),
        other => Err(Error::msg(format!(
            "unexpected overlay medium {}",
            quote(other)
        ))),
    }
}

/// `Container.initGoferConfs`: the root's conf, then one per spec mount
/// that `HasMountConfig`, in spec order (the `--gofer-mount-confs` list).
///
/// * The root is overlaid with `--overlay2`'s root medium, unless a rootfs
///   hint gives its own (none when the hint has no `overlay`) or the root is
///   read-only.
/// * A submount takes the submount medium, none if its options hold `ro`,
///   and `self` (no size) with a sandbox-local hint, even when `ro`; a
///   `tmpfs` hint makes it a lower-less tmpfs.
///
/// cont.go wraps an error as `error initializing gofer confs: %w`.
#[allow(clippy::too_many_arguments)]
pub fn init_gofer_confs(
    ovl: &Overlay2,
    root_path: &str,
    root_readonly: bool,
    spec_mounts: &[SpecMount],
    hints: &PodMountHints,
    rootfs_hint: Option<&RootfsHint>,
    stat: SourceStat<'_>,
    log: &mut Log,
) -> Result<Vec<GoferMountConf>> {
    let mut medium = ovl.root_medium();
    let mut size = ovl.root_size().to_string();
    let mut mount_type = "bind".to_string();
    if let Some(h) = rootfs_hint {
        medium = h.overlay.clone();
        if !is_gofer_mount(&h.mount) {
            mount_type = h.mount.typ.clone();
        }
        size = h.size.clone();
    }
    if root_readonly {
        medium = OverlayMedium::none();
    }
    let mut confs = vec![create_gofer_conf(
        &medium,
        &size,
        &mount_type,
        root_path,
        stat,
        log,
    )?];
    for m in spec_mounts.iter().filter(|m| has_mount_config(m)) {
        let mut mount_type = if is_erofs_mount(m) { "erofs" } else { "bind" }.to_string();
        let mut medium = ovl.submount_medium();
        let mut size = ovl.submount_size().to_string();
        if is_readonly_mount(m.opts()) {
            medium = OverlayMedium::none();
        }
        if let Some(h) = hints.find_mount(&m.source).filter(|h| h.is_sandbox_local()) {
            medium = OverlayMedium::self_backed();
            if !is_gofer_mount(&h.mount) {
                mount_type = h.mount.typ.clone();
            }
            size.clear();
        }
        confs.push(create_gofer_conf(
            &medium,
            &size,
            &mount_type,
            &m.source,
            stat,
            log,
        )?);
    }
    Ok(confs)
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

    fn dirs(src: &str) -> std::result::Result<bool, String> {
        match src {
            "/missing" => Err(format!("stat {src}: no such file or directory")),
            "/file" => Ok(false),
            _ => Ok(true),
        }
    }

    fn bind(src: &str, opts: &[&str]) -> SpecMount {
        SpecMount {
            destination: "/d".into(),
            typ: "bind".into(),
            source: src.into(),
            options: Some(opts.iter().map(|o| o.to_string()).collect()),
            ..SpecMount::default()
        }
    }

    fn confs(
        ovl: &str,
        ro_root: bool,
        mounts: &[SpecMount],
        hints: &PodMountHints,
    ) -> Result<String> {
        let mut log = Log::default();
        init_gofer_confs(
            &Overlay2::parse(ovl).unwrap(),
            "/root",
            ro_root,
            mounts,
            hints,
            None,
            &dirs,
            &mut log,
        )
        .map(|c| confs_to_flag(&c))
    }

    #[test]
    fn init_gofer_confs_follows_overlay2_ro_and_hints() {
        let none = PodMountHints::default();
        let mounts = [
            bind("/a", &[]),
            SpecMount::new("tmpfs", "/t"),
            bind("/b", &["ro"]),
            bind("", &["rbind"]),
            SpecMount::new("erofs", "/e"),
        ];
        assert_eq!(
            confs("root:self", false, &mounts, &none).unwrap(),
            "lisafs:self,lisafs:none,lisafs:none,erofs:none"
        );
        assert_eq!(confs("root:self", true, &[], &none).unwrap(), "lisafs:none");
        assert_eq!(
            confs("all:memory,size=1g", false, &mounts, &none).unwrap(),
            "lisafs:memory:size=1g,lisafs:memory:size=1g,lisafs:none,erofs:memory:size=1g"
        );
        assert_eq!(
            confs("all:dir=/x", false, &mounts[..1], &none).unwrap(),
            "lisafs:anon,lisafs:anon"
        );
        // A file source cannot hold a self filestore.
        assert_eq!(
            confs("all:self", false, &[bind("/file", &[])], &none).unwrap(),
            "lisafs:self,lisafs:memory"
        );
        assert_eq!(
            confs("all:self", false, &[bind("/missing", &[])], &none)
                .unwrap_err()
                .to_string(),
            "failed to stat mount \"/missing\" to see if it were a directory: stat /missing: no such file or directory"
        );
        let hints = super::super::hints::hints_from(&[
            ("dev.gvisor.spec.mount.v.source", "/a"),
            ("dev.gvisor.spec.mount.v.type", "tmpfs"),
            ("dev.gvisor.spec.mount.v.share", "pod"),
            ("dev.gvisor.spec.mount.w.source", "/b"),
            ("dev.gvisor.spec.mount.w.type", "bind"),
            ("dev.gvisor.spec.mount.w.share", "container"),
        ]);
        assert_eq!(
            confs(
                "none",
                false,
                &[bind("/a", &[]), bind("/b", &["ro"])],
                &hints
            )
            .unwrap(),
            "lisafs:none,none:self,lisafs:self"
        );
    }

    #[test]
    fn rootfs_hint_medium_replaces_the_flag() {
        let hint = RootfsHint {
            mount: SpecMount {
                typ: "erofs".into(),
                source: "/img".into(),
                ..SpecMount::default()
            },
            ..RootfsHint::default()
        };
        let c = init_gofer_confs(
            &Overlay2::default(),
            "/root",
            false,
            &[],
            &PodMountHints::default(),
            Some(&hint),
            &dirs,
            &mut Log::default(),
        )
        .unwrap();
        assert_eq!(confs_to_flag(&c), "erofs:none");
        let e = create_gofer_conf(
            &OverlayMedium::none(),
            "",
            "9p",
            "/x",
            &dirs,
            &mut Log::default(),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "unsupported mount type \"9p\" in mount hint");
    }
}
