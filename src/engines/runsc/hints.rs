//! Mount hints (runsc/boot/mount_hints.go): pod annotations
//! `dev.gvisor.spec.mount.<NAME>.<FIELD>` that say how a volume is shared,
//! and the rootfs hint `dev.gvisor.spec.rootfs.<FIELD>`.
//!
//! Go keeps the annotations and the hints in maps and ranges over them, in
//! an order Go randomises per run. Where that order shows (which invalid key
//! is reported first, the order of the two names in the duplicate-source
//! error, and whether a valid hint meets a same-source hint before or after
//! that one is dropped for a missing field), this port walks names and keys
//! in sorted order: one of the orders runsc can take, and the same every run.

use super::config::FileAccessType;
use super::log::Log;
use super::mount::SpecMount;
use super::options::{filter_mount_options, parse_mount_options};
use super::overlay2::OverlayMedium;
use crate::error::{Error, Result};
use crate::gostr::quote;
use serde::Serialize;
use std::collections::BTreeMap;

/// `MountPrefix`.
pub const MOUNT_PREFIX: &str = "dev.gvisor.spec.mount.";
/// `RootfsPrefix`.
pub const ROOTFS_PREFIX: &str = "dev.gvisor.spec.rootfs.";

/// A spec's annotations, sorted by key (see the module comment).
pub fn annotations_of(spec: &oci_spec::runtime::Spec) -> BTreeMap<String, String> {
    spec.annotations()
        .as_ref()
        .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// `ShareType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareType {
    #[default]
    Invalid,
    /// Used by one container; no external observers.
    Container,
    /// Used by several containers of the pod; no external observers.
    Pod,
    /// Also shared with processes outside the pod (e.g. NFS).
    Shared,
}

impl ShareType {
    /// `String()`.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareType::Invalid => "invalid",
            ShareType::Container => "container",
            ShareType::Pod => "pod",
            ShareType::Shared => "shared",
        }
    }
}

/// `MountHint`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MountHint {
    pub name: String,
    pub share: ShareType,
    /// Only `source`, `type` and `options` are ever set.
    pub mount: SpecMount,
    pub suppress_directfs: bool,
}

impl MountHint {
    /// `setField`: an error here only makes runsc warn.
    fn set_field(&mut self, key: &str, val: &str, log: &mut Log) -> Result<()> {
        match key {
            "source" => {
                if val.is_empty() {
                    return Err(Error::msg("source cannot be empty"));
                }
                self.mount.source = val.to_string();
            }
            "type" => match val {
                "tmpfs" | "bind" => self.mount.typ = val.to_string(),
                _ => return Err(Error::msg(format!("invalid type {}", quote(val)))),
            },
            "share" => {
                self.share = match val {
                    "container" => ShareType::Container,
                    "pod" => ShareType::Pod,
                    "shared" => ShareType::Shared,
                    _ => return Err(Error::msg(format!("invalid share value {}", quote(val)))),
                }
            }
            "options" => {
                let opts: Vec<String> = val.split(',').map(str::to_string).collect();
                self.mount.options = Some(filter_mount_options(&opts, log));
            }
            "directfs" => self.suppress_directfs = parse_directfs(val)?,
            _ => return Err(Error::msg(format!("invalid mount annotation: {key}={val}"))),
        }
        Ok(())
    }

    /// `ShouldShareMount`: a tmpfs shared by `container` or `pod`.
    pub fn should_share_mount(&self) -> bool {
        self.mount.typ == "tmpfs" && matches!(self.share, ShareType::Container | ShareType::Pod)
    }

    /// `IsSandboxLocal`: no observers outside the sandbox.
    pub fn is_sandbox_local(&self) -> bool {
        matches!(self.share, ShareType::Container | ShareType::Pod)
    }

    /// `checkCompatible`: the master (the hint's options) must be the same or
    /// less restrictive than the replica (the container's mount).
    pub fn check_compatible(&self, replica: &SpecMount, log: &mut Log) -> Result<()> {
        let master = parse_mount_options(self.mount.opts(), log);
        let rep = parse_mount_options(replica.opts(), log);
        let what = if master.read_only && !rep.read_only {
            "cannot mount read-write shared mount because master is read-only"
        } else if master.no_exec && !rep.no_exec {
            "cannot mount exec enabled shared mount because master is noexec"
        } else if master.no_atime && !rep.no_atime {
            "cannot mount atime enabled shared mount because master is noatime"
        } else if master.no_suid && !rep.no_suid {
            "cannot mount suid enabled shared mount because master is nosuid"
        } else {
            return Ok(());
        };
        Err(Error::msg(format!(
            "{what}, mount: {}",
            replica.go_plus_v_ptr()
        )))
    }

    /// `fileAccessType`.
    pub fn file_access_type(&self) -> FileAccessType {
        if self.share == ShareType::Shared {
            return FileAccessType::Shared;
        }
        if self.should_share_mount() || self.share == ShareType::Container {
            return FileAccessType::Exclusive;
        }
        FileAccessType::Shared
    }
}

/// `setDirectFS` (mount and rootfs hints): true means suppressed.
fn parse_directfs(val: &str) -> Result<bool> {
    match val {
        "default" => Ok(false),
        "off" => Ok(true),
        _ => Err(Error::msg(format!(
            "invalid directfs value {}, want \"default\" or \"off\"",
            quote(val)
        ))),
    }
}

/// `PodMountHints`, keyed by hint name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodMountHints {
    pub mounts: BTreeMap<String, MountHint>,
}

impl PodMountHints {
    /// `NewPodMountHints(spec)`, from the sandbox (first) container's
    /// annotations. cont.go wraps an error as `error creating pod mount
    /// hints: %w`.
    pub fn new(annotations: &BTreeMap<String, String>, log: &mut Log) -> Result<PodMountHints> {
        let mut mnts: BTreeMap<String, MountHint> = BTreeMap::new();
        for (k, v) in annotations {
            let Some(rest) = k.strip_prefix(MOUNT_PREFIX) else {
                continue;
            };
            let parts: Vec<&str> = rest.split('.').collect();
            let [name, field] = parts[..] else {
                return Err(Error::msg(format!("invalid mount annotation: {k}={v}")));
            };
            if name.is_empty() {
                return Err(Error::msg(format!("invalid mount name: {name}")));
            }
            let mnt = mnts.entry(name.to_string()).or_insert_with(|| MountHint {
                name: name.to_string(),
                ..MountHint::default()
            });
            if let Err(e) = mnt.set_field(field, v, log) {
                log.warn(format!(
                    "ignoring invalid mount annotation (name = {}, key = {}, value = {}): {e}",
                    quote(name),
                    quote(field),
                    quote(v)
                ));
            }
        }
        let names: Vec<String> = mnts.keys().cloned().collect();
        for name in names {
            let Some(m) = mnts.get(&name) else { continue };
            log.info(format!(
                "Mount annotation found, name: {name}, source: {}, type: {}, share: {}, suppress_directfs: {}",
                quote(&m.mount.source),
                m.mount.typ,
                m.share.as_str(),
                m.suppress_directfs
            ));
            if m.share == ShareType::Invalid || m.mount.source.is_empty() || m.mount.typ.is_empty()
            {
                log.warn(format!(
                    "ignoring mount annotations for {} because of missing required field(s)",
                    quote(&name)
                ));
                mnts.remove(&name);
                continue;
            }
            if let Some(m2) = mnts
                .values()
                .find(|m2| m2.name != name && m2.mount.source == m.mount.source)
            {
                return Err(Error::msg(format!(
                    "mounts {} and {} have the same mount source {}",
                    quote(&m.name),
                    quote(&m2.name),
                    quote(&m.mount.source)
                )));
            }
        }
        Ok(PodMountHints { mounts: mnts })
    }

    /// `FindMount(mountSrc)`: the hint whose source is this mount's source.
    pub fn find_mount(&self, mount_src: &str) -> Option<&MountHint> {
        self.mounts.values().find(|m| m.mount.source == mount_src)
    }
}

/// `getMountAccessType` (vfs.go): the hint's access type, else
/// `--file-access-mounts`.
pub fn mount_access_type(
    file_access_mounts: FileAccessType,
    hint: Option<&MountHint>,
) -> FileAccessType {
    hint.map_or(file_access_mounts, MountHint::file_access_type)
}

/// `RootfsHint`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RootfsHint {
    /// Only `source` and `type` are set.
    pub mount: SpecMount,
    /// Starts as no overlay: a rootfs hint without `overlay` turns the root
    /// overlay off (initGoferConfs takes the hint's medium).
    pub overlay: OverlayMedium,
    /// `size=` of the overlay's upper tmpfs.
    pub size: String,
    pub suppress_directfs: bool,
}

impl RootfsHint {
    fn set_field(&mut self, key: &str, val: &str) -> Result<()> {
        match key {
            "source" => {
                if !val.starts_with('/') {
                    return Err(Error::msg(format!(
                        "source should be an absolute path, got {}",
                        quote(val)
                    )));
                }
                self.mount.source = val.to_string();
            }
            "type" => match val {
                "erofs" | "bind" => self.mount.typ = val.to_string(),
                _ => return Err(Error::msg(format!("invalid type {}", quote(val)))),
            },
            "overlay" => self.overlay = OverlayMedium::parse(val)?,
            "options" => {
                for option in val.split(',') {
                    let Some((k, v)) = option.split_once('=') else {
                        return Err(Error::msg(format!(
                            "rootfs options must be key=value: {option}"
                        )));
                    };
                    if k != "size" {
                        return Err(Error::msg(format!("invalid rootfs option: {k}={v}")));
                    }
                    self.size = v.to_string();
                }
            }
            "directfs" => self.suppress_directfs = parse_directfs(val)?,
            _ => {
                return Err(Error::msg(format!(
                    "invalid rootfs annotation: {key}={val}"
                )))
            }
        }
        Ok(())
    }

    /// Go's `%+v` of a `*RootfsHint`.
    pub fn go_plus_v_ptr(&self) -> String {
        format!(
            "&{{Mount:{} Overlay:{} Size:{} SuppressDirectFS:{}}}",
            self.mount.go_plus_v(),
            self.overlay.as_str(),
            self.size,
            self.suppress_directfs
        )
    }

    /// `NewRootfsHint(spec)`: `None` without rootfs annotations. cont.go
    /// wraps an error as `error creating rootfs hint: %w`.
    pub fn new(
        annotations: &BTreeMap<String, String>,
        log: &mut Log,
    ) -> Result<Option<RootfsHint>> {
        let mut hint: Option<RootfsHint> = None;
        for (k, v) in annotations {
            let Some(key) = k.strip_prefix(ROOTFS_PREFIX) else {
                continue;
            };
            let h = hint.get_or_insert_with(RootfsHint::default);
            h.set_field(key, v).map_err(|e| {
                e.wrap(format!(
                    "invalid rootfs annotation (key = {}, value = {})",
                    quote(key),
                    quote(v)
                ))
            })?;
        }
        if let Some(h) = &hint {
            log.info(format!(
                "Rootfs annotations found, source: {}, type: {}, overlay: {}, suppress_directfs: {}",
                quote(&h.mount.source),
                quote(&h.mount.typ),
                quote(h.overlay.as_str()),
                h.suppress_directfs
            ));
            if h.mount.source.is_empty() || h.mount.typ.is_empty() {
                return Err(Error::msg(format!(
                    "rootfs annotations missing required field(s): {}",
                    h.go_plus_v_ptr()
                )));
            }
        }
        Ok(hint)
    }
}

/// Test helper: hints from `(key, value)` annotations.
#[cfg(test)]
pub(crate) fn hints_from(kv: &[(&str, &str)]) -> PodMountHints {
    let ann = kv
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    PodMountHints::new(&ann, &mut Log::default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(kv: &[(&str, &str)]) -> BTreeMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn hints(kv: &[(&str, &str)]) -> Result<PodMountHints> {
        PodMountHints::new(&ann(kv), &mut Log::default())
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    /// Ports mount_hints_test.go `TestPodMountHintsHappy`.
    #[test]
    fn test_pod_mount_hints_happy() {
        let h = hints(&[
            ("dev.gvisor.spec.mount.mount1.source", "foo"),
            ("dev.gvisor.spec.mount.mount1.type", "tmpfs"),
            ("dev.gvisor.spec.mount.mount1.share", "pod"),
            ("dev.gvisor.spec.mount.mount2.source", "bar"),
            ("dev.gvisor.spec.mount.mount2.type", "bind"),
            ("dev.gvisor.spec.mount.mount2.share", "container"),
            ("dev.gvisor.spec.mount.mount2.options", "rw,private"),
        ])
        .unwrap();
        let m1 = &h.mounts["mount1"];
        assert_eq!(
            (
                m1.name.as_str(),
                m1.mount.source.as_str(),
                m1.mount.typ.as_str()
            ),
            ("mount1", "foo", "tmpfs")
        );
        assert_eq!(m1.share, ShareType::Pod);
        assert_eq!(m1.mount.options, None);
        assert!(!m1.suppress_directfs);
        let m2 = &h.mounts["mount2"];
        assert_eq!(
            (
                m2.name.as_str(),
                m2.mount.source.as_str(),
                m2.mount.typ.as_str()
            ),
            ("mount2", "bar", "bind")
        );
        assert_eq!(m2.share, ShareType::Container);
        assert_eq!(m2.mount.options, Some(v(&["rw", "private"])));
    }

    /// Ports mount_hints_test.go `TestPodMountHintsErrors`, whole texts.
    #[test]
    fn test_pod_mount_hints_errors() {
        let e = |kv: &[(&str, &str)]| hints(kv).unwrap_err().to_string();
        assert_eq!(
            e(&[("dev.gvisor.spec.mount.mount1", "foo")]),
            "invalid mount annotation: dev.gvisor.spec.mount.mount1=foo"
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.mount.a.b.source", "foo")]),
            "invalid mount annotation: dev.gvisor.spec.mount.a.b.source=foo"
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.mount..source", "foo")]),
            "invalid mount name: "
        );
        // Names walk in sorted order: mount1 meets mount2 first.
        assert_eq!(
            e(&[
                ("dev.gvisor.spec.mount.mount1.source", "foo"),
                ("dev.gvisor.spec.mount.mount1.type", "tmpfs"),
                ("dev.gvisor.spec.mount.mount1.share", "pod"),
                ("dev.gvisor.spec.mount.mount2.source", "foo"),
                ("dev.gvisor.spec.mount.mount2.type", "bind"),
                ("dev.gvisor.spec.mount.mount2.share", "container"),
            ]),
            "mounts \"mount1\" and \"mount2\" have the same mount source \"foo\""
        );
    }

    /// Ports mount_hints_test.go `TestPodMountHintsIgnore`, with the warnings.
    #[test]
    fn test_pod_mount_hints_ignore() {
        for (field, value, warning) in [
            ("source", "", "ignoring invalid mount annotation (name = \"mount1\", key = \"source\", value = \"\"): source cannot be empty"),
            ("type", "invalid", "ignoring invalid mount annotation (name = \"mount1\", key = \"type\", value = \"invalid\"): invalid type \"invalid\""),
            ("share", "invalid", "ignoring invalid mount annotation (name = \"mount1\", key = \"share\", value = \"invalid\"): invalid share value \"invalid\""),
        ] {
            let mut a = ann(&[
                ("dev.gvisor.spec.mount.mount1.source", "foo"),
                ("dev.gvisor.spec.mount.mount1.type", "tmpfs"),
                ("dev.gvisor.spec.mount.mount1.share", "pod"),
            ]);
            a.insert(format!("dev.gvisor.spec.mount.mount1.{field}"), value.into());
            let mut log = Log::default();
            let h = PodMountHints::new(&a, &mut log).unwrap();
            assert!(h.mounts.is_empty(), "{field}");
            assert_eq!(
                log.warnings(),
                [
                    warning,
                    "ignoring mount annotations for \"mount1\" because of missing required field(s)"
                ]
            );
        }
    }

    /// Ports mount_hints_test.go `TestPodMountHintsDirectFSInvalid`.
    #[test]
    fn test_pod_mount_hints_directfs_invalid() {
        let mut log = Log::default();
        let h = PodMountHints::new(
            &ann(&[
                ("dev.gvisor.spec.mount.mount1.source", "foo"),
                ("dev.gvisor.spec.mount.mount1.type", "bind"),
                ("dev.gvisor.spec.mount.mount1.share", "container"),
                ("dev.gvisor.spec.mount.mount1.directfs", "maybe"),
                ("dev.gvisor.spec.mount.mount2.source", "bar"),
                ("dev.gvisor.spec.mount.mount2.type", "bind"),
                ("dev.gvisor.spec.mount.mount2.share", "container"),
                ("dev.gvisor.spec.mount.mount2.directfs", "off"),
            ]),
            &mut log,
        )
        .unwrap();
        assert!(!h.mounts["mount1"].suppress_directfs);
        assert!(h.mounts["mount2"].suppress_directfs);
        assert_eq!(
            log.warnings(),
            ["ignoring invalid mount annotation (name = \"mount1\", key = \"directfs\", value = \"maybe\"): invalid directfs value \"maybe\", want \"default\" or \"off\""]
        );
    }

    /// Ports mount_hints_test.go `TestPodMountHintsDirectFS`.
    #[test]
    fn test_pod_mount_hints_directfs() {
        for (value, suppress) in [("default", false), ("off", true)] {
            let h = hints(&[
                ("dev.gvisor.spec.mount.mount1.source", "foo"),
                ("dev.gvisor.spec.mount.mount1.type", "bind"),
                ("dev.gvisor.spec.mount.mount1.share", "container"),
                ("dev.gvisor.spec.mount.mount1.directfs", value),
            ])
            .unwrap();
            assert_eq!(h.mounts["mount1"].suppress_directfs, suppress);
        }
    }

    /// Ports mount_hints_test.go `TestIgnoreInvalidMountOptions`.
    #[test]
    fn test_ignore_invalid_mount_options() {
        let mut log = Log::default();
        let h = PodMountHints::new(
            &ann(&[
                ("dev.gvisor.spec.mount.mount1.source", "foo"),
                ("dev.gvisor.spec.mount.mount1.type", "tmpfs"),
                ("dev.gvisor.spec.mount.mount1.share", "container"),
                ("dev.gvisor.spec.mount.mount1.options", "rw,shared,noexec"),
            ]),
            &mut log,
        )
        .unwrap();
        assert_eq!(h.mounts["mount1"].mount.options, Some(v(&["rw", "noexec"])));
        assert_eq!(
            log.warnings(),
            ["mount option skipped \"shared\": mount option \"shared\" is not supported"]
        );
    }

    /// Ports mount_hints_test.go `TestHintsCheckCompatible`, whole texts.
    #[test]
    fn test_hints_check_compatible() {
        let replica_text = |opts: &[&str]| {
            SpecMount {
                options: Some(v(opts)),
                ..SpecMount::default()
            }
            .go_plus_v_ptr()
        };
        for (master, replica, err) in [
            (&[][..], &[][..], None),
            (
                &["ro", "noatime", "noexec"][..],
                &["ro", "noatime", "noexec"][..],
                None,
            ),
            (
                &["rw", "atime", "exec"][..],
                &["ro", "noatime", "noexec"][..],
                None,
            ),
            (&["nofoo", "nodev"][..], &["foo", "dev"][..], None),
            (
                &["ro"][..],
                &["rw"][..],
                Some("cannot mount read-write shared mount because master is read-only"),
            ),
            (
                &["noatime"][..],
                &["atime"][..],
                Some("cannot mount atime enabled shared mount because master is noatime"),
            ),
            (
                &["noexec"][..],
                &["exec"][..],
                Some("cannot mount exec enabled shared mount because master is noexec"),
            ),
            (
                &["nosuid"][..],
                &["suid"][..],
                Some("cannot mount suid enabled shared mount because master is nosuid"),
            ),
        ] {
            let hint = MountHint {
                mount: SpecMount {
                    options: Some(v(master)),
                    ..SpecMount::default()
                },
                ..MountHint::default()
            };
            let replica = SpecMount {
                options: Some(v(replica)),
                ..SpecMount::default()
            };
            let got = hint.check_compatible(&replica, &mut Log::default());
            match err {
                None => got.unwrap(),
                Some(text) => assert_eq!(
                    got.unwrap_err().to_string(),
                    format!(
                        "{text}, mount: {}",
                        replica_text(
                            &replica
                                .opts()
                                .iter()
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                        )
                    )
                ),
            }
        }
        assert_eq!(
            replica_text(&["rw"]),
            "&{Destination: Type: Source: Options:[rw] UIDMappings:[] GIDMappings:[]}"
        );
    }

    /// Ports vfs_test.go `TestGetMountAccessType`.
    #[test]
    fn test_get_mount_access_type() {
        for (source, typ, share, want) in [
            ("foo", "bind", "container", FileAccessType::Exclusive),
            ("foo", "bind", "pod", FileAccessType::Shared),
            ("foo", "bind", "shared", FileAccessType::Shared),
            ("foomismatch", "bind", "container", FileAccessType::Shared),
            ("foo", "tmpfs", "container", FileAccessType::Exclusive),
            ("foo", "tmpfs", "pod", FileAccessType::Exclusive),
        ] {
            let h = hints(&[
                ("dev.gvisor.spec.mount.mount1.source", source),
                ("dev.gvisor.spec.mount.mount1.type", typ),
                ("dev.gvisor.spec.mount.mount1.share", share),
            ])
            .unwrap();
            assert_eq!(
                mount_access_type(FileAccessType::Shared, h.find_mount("foo")),
                want,
                "{source} {typ} {share}"
            );
        }
    }

    fn rootfs(kv: &[(&str, &str)]) -> Result<Option<RootfsHint>> {
        RootfsHint::new(&ann(kv), &mut Log::default())
    }

    /// Ports mount_hints_test.go `TestRootfsHintHappy`.
    #[test]
    fn test_rootfs_hint_happy() {
        let h = rootfs(&[
            ("dev.gvisor.spec.rootfs.source", "/tmp/rootfs.img"),
            ("dev.gvisor.spec.rootfs.type", "erofs"),
            ("dev.gvisor.spec.rootfs.overlay", "memory"),
            ("dev.gvisor.spec.rootfs.options", "size=100m"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(h.mount.source, "/tmp/rootfs.img");
        assert_eq!(h.mount.typ, "erofs");
        assert_eq!(h.overlay, OverlayMedium::memory());
        assert_eq!(h.size, "100m");
        assert_eq!(rootfs(&[]).unwrap(), None);
    }

    /// Ports mount_hints_test.go `TestRootfsHintDirectFS`.
    #[test]
    fn test_rootfs_hint_directfs() {
        for (value, suppress) in [("default", false), ("off", true)] {
            let h = rootfs(&[
                ("dev.gvisor.spec.rootfs.source", "/tmp/rootfs.img"),
                ("dev.gvisor.spec.rootfs.type", "erofs"),
                ("dev.gvisor.spec.rootfs.directfs", value),
            ])
            .unwrap()
            .unwrap();
            assert_eq!(h.suppress_directfs, suppress);
        }
    }

    /// Ports mount_hints_test.go `TestRootfsHintErrors`, whole texts.
    #[test]
    fn test_rootfs_hint_errors() {
        let e = |kv: &[(&str, &str)]| rootfs(kv).unwrap_err().to_string();
        const IMG: &str = "/tmp/rootfs.img";
        assert_eq!(
            e(&[("dev.gvisor.spec.rootfs.source", "invalid"), ("dev.gvisor.spec.rootfs.type", "erofs")]),
            "invalid rootfs annotation (key = \"source\", value = \"invalid\"): source should be an absolute path, got \"invalid\""
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.rootfs.source", IMG), ("dev.gvisor.spec.rootfs.type", "invalid")]),
            "invalid rootfs annotation (key = \"type\", value = \"invalid\"): invalid type \"invalid\""
        );
        assert_eq!(
            e(&[
                ("dev.gvisor.spec.rootfs.source", IMG),
                ("dev.gvisor.spec.rootfs.type", "erofs"),
                ("dev.gvisor.spec.rootfs.overlay", "invalid")
            ]),
            "invalid rootfs annotation (key = \"overlay\", value = \"invalid\"): unexpected medium: \"invalid\""
        );
        assert_eq!(
            e(&[
                ("dev.gvisor.spec.rootfs.invalid", "invalid"),
                ("dev.gvisor.spec.rootfs.source", IMG),
                ("dev.gvisor.spec.rootfs.type", "erofs"),
                ("dev.gvisor.spec.rootfs.overlay", "memory")
            ]),
            "invalid rootfs annotation (key = \"invalid\", value = \"invalid\"): invalid rootfs annotation: invalid=invalid"
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.rootfs.type", "erofs"), ("dev.gvisor.spec.rootfs.overlay", "memory")]),
            "rootfs annotations missing required field(s): &{Mount:{Destination: Type:erofs Source: Options:[] UIDMappings:[] GIDMappings:[]} Overlay:memory Size: SuppressDirectFS:false}"
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.rootfs.source", IMG), ("dev.gvisor.spec.rootfs.overlay", "memory")]),
            "rootfs annotations missing required field(s): &{Mount:{Destination: Type: Source:/tmp/rootfs.img Options:[] UIDMappings:[] GIDMappings:[]} Overlay:memory Size: SuppressDirectFS:false}"
        );
        assert_eq!(
            e(&[
                ("dev.gvisor.spec.rootfs.source", IMG),
                ("dev.gvisor.spec.rootfs.type", "erofs"),
                ("dev.gvisor.spec.rootfs.directfs", "maybe")
            ]),
            "invalid rootfs annotation (key = \"directfs\", value = \"maybe\"): invalid directfs value \"maybe\", want \"default\" or \"off\""
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.rootfs.options", "size")]),
            "invalid rootfs annotation (key = \"options\", value = \"size\"): rootfs options must be key=value: size"
        );
        assert_eq!(
            e(&[("dev.gvisor.spec.rootfs.options", "mode=1")]),
            "invalid rootfs annotation (key = \"options\", value = \"mode=1\"): invalid rootfs option: mode=1"
        );
    }
}
