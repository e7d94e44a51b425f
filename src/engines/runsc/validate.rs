//! `specutils.ValidateSpec` (runsc/specutils/specutils.go) from the root
//! path on: the checks on mounts and the root, with runsc's texts.
//!
//! Left out, for the caller to run first: the checks before it in
//! `ValidateSpec` (no `process`, empty `process.args`, no `root`, `solaris`,
//! `windows`), whose texts dump the whole `*specs.Spec` or `*specs.Process`
//! with `%+v`.

use super::compile::is_gofer_mount;
use super::config::RunscConfig;
use super::log::Log;
use super::mount::SpecMount;
use super::options::{validate_mount_options, validate_rootfs_propagation};
use crate::error::{Error, Result};
use crate::gostr::quote;
use std::collections::BTreeMap;

const CONTAINER_TYPE: &str = "io.kubernetes.cri.container-type";
const CRIO_CONTAINER_TYPE: &str = "io.kubernetes.cri-o.ContainerType";
const SANDBOX_ID: &str = "io.kubernetes.cri.sandbox-id";
const CRIO_SANDBOX_ID: &str = "io.kubernetes.cri-o.SandboxID";
const CONTAINER_NAME: &str = "io.kubernetes.cri.container-name";
const NAME_REMAP_PREFIX: &str = "dev.gvisor.container-name-remap.";
/// `AnnotationRootfsUpperTar`.
pub const ROOTFS_UPPER_TAR: &str = "dev.gvisor.tar.rootfs.upper";

/// `specutils.ContainerType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerType {
    Unspecified,
    Unknown,
    Sandbox,
    Container,
}

/// `SpecContainerType`: containerd's annotation, else CRI-O's.
pub fn spec_container_type(ann: &BTreeMap<String, String>) -> ContainerType {
    for key in [CONTAINER_TYPE, CRIO_CONTAINER_TYPE] {
        if let Some(t) = ann.get(key) {
            return match t.as_str() {
                "sandbox" => ContainerType::Sandbox,
                "container" => ContainerType::Container,
                _ => ContainerType::Unknown,
            };
        }
    }
    ContainerType::Unspecified
}

/// `SandboxID`.
pub fn sandbox_id(ann: &BTreeMap<String, String>) -> Option<&str> {
    ann.get(SANDBOX_ID)
        .or_else(|| ann.get(CRIO_SANDBOX_ID))
        .map(String::as_str)
}

/// `ContainerName`, with `dev.gvisor.container-name-remap.*` applied (the
/// first matching remap in key order; Go's map order is random).
pub fn container_name(ann: &BTreeMap<String, String>, log: &mut Log) -> String {
    let mut name = ann.get(CONTAINER_NAME).cloned().unwrap_or_default();
    if name.is_empty() {
        return name;
    }
    for (key, mapping) in ann.range(NAME_REMAP_PREFIX.to_string()..) {
        if !key.starts_with(NAME_REMAP_PREFIX) {
            break;
        }
        let Some((from, to)) = mapping.split_once('=') else {
            log.warn(format!("Invalid annotation {}", quote(key)));
            continue;
        };
        if from == name {
            name = to.to_string();
            break;
        }
    }
    name
}

/// `RootfsTarUpperPath`: the container-specific annotation when the
/// container has a name; none in a CRI pod without one.
pub fn rootfs_tar_upper_path(ann: &BTreeMap<String, String>, log: &mut Log) -> String {
    let name = container_name(ann, log);
    if !name.is_empty() {
        return ann
            .get(&format!("{ROOTFS_UPPER_TAR}.{name}"))
            .cloned()
            .unwrap_or_default();
    }
    if matches!(
        spec_container_type(ann),
        ContainerType::Container | ContainerType::Sandbox
    ) {
        return String::new();
    }
    ann.get(ROOTFS_UPPER_TAR).cloned().unwrap_or_default()
}

/// `validateMount`: an absolute destination (`path.IsAbs`), and no
/// `shared`/`rshared` on a gofer bind.
pub fn validate_mount(m: &SpecMount) -> Result<()> {
    if !m.destination.starts_with('/') {
        return Err(Error::msg(format!(
            "Mount.Destination must be an absolute path: {}",
            m.go_v_ptr()
        )));
    }
    if is_gofer_mount(m) {
        return validate_mount_options(m.opts());
    }
    Ok(())
}

/// The spec fields these checks read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecFacts {
    pub root_path: String,
    pub root_readonly: bool,
    pub selinux_label: String,
    pub apparmor_profile: String,
    pub rootfs_propagation: String,
    pub mounts: Vec<SpecMount>,
    pub annotations: BTreeMap<String, String>,
}

impl SpecFacts {
    /// Reads them from a parsed spec (absent fields as Go's zero values).
    pub fn from_spec(spec: &oci_spec::runtime::Spec) -> SpecFacts {
        let (root_path, root_readonly) = spec.root().as_ref().map_or((String::new(), false), |r| {
            (
                r.path().to_string_lossy().into_owned(),
                r.readonly().unwrap_or(false),
            )
        });
        let (selinux_label, apparmor_profile) =
            spec.process().as_ref().map_or_else(Default::default, |p| {
                (
                    p.selinux_label().clone().unwrap_or_default(),
                    p.apparmor_profile().clone().unwrap_or_default(),
                )
            });
        SpecFacts {
            root_path,
            root_readonly,
            selinux_label,
            apparmor_profile,
            rootfs_propagation: spec
                .linux()
                .as_ref()
                .and_then(|l| l.rootfs_propagation().clone())
                .unwrap_or_default(),
            mounts: SpecMount::from_spec(spec).unwrap_or_default(),
            annotations: super::hints::annotations_of(spec),
        }
    }
}

/// `ValidateSpec` from `Spec.Root.Path must be defined` on, in its order.
pub fn validate_spec(s: &SpecFacts, conf: &RunscConfig, log: &mut Log) -> Result<()> {
    if s.root_path.is_empty() {
        return Err(Error::msg(format!(
            "Spec.Root.Path must be defined: &{{Path: Readonly:{}}}",
            s.root_readonly
        )));
    }
    if !s.selinux_label.is_empty() {
        return Err(Error::msg(format!(
            "SELinux is not supported: {}",
            s.selinux_label
        )));
    }
    if !s.apparmor_profile.is_empty() {
        log.warn(format!(
            "AppArmor profile {} is being ignored",
            quote(&s.apparmor_profile)
        ));
    }
    if !s.rootfs_propagation.is_empty() {
        validate_rootfs_propagation(&s.rootfs_propagation)?;
    }
    s.mounts.iter().try_for_each(validate_mount)?;
    if !rootfs_tar_upper_path(&s.annotations, log).is_empty() {
        if !conf.allow_rootfs_tar_annotation {
            return Err(Error::msg(
                "rootfs tar annotation is disabled, use --allow-rootfs-tar-annotation to enable it",
            ));
        }
        if s.root_readonly {
            return Err(Error::msg(
                "rootfs tar upper path is set but rootfs is readonly",
            ));
        }
    }
    match spec_container_type(&s.annotations) {
        ContainerType::Container if sandbox_id(&s.annotations).is_none() => Err(Error::msg(
            "spec has container-type of container, but no sandbox ID set",
        )),
        ContainerType::Unknown => Err(Error::msg("unknown container-type")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> SpecFacts {
        SpecFacts {
            root_path: "/".into(),
            ..SpecFacts::default()
        }
    }

    fn check(s: &SpecFacts, conf: &RunscConfig) -> std::result::Result<(), String> {
        validate_spec(s, conf, &mut Log::default()).map_err(|e| e.to_string())
    }

    /// Ports specutils_test.go `TestSpecInvalid`, the cases from the root
    /// path on, with whole texts.
    #[test]
    fn test_spec_invalid() {
        let conf = RunscConfig::default();
        let mut s = facts();
        s.mounts = vec![SpecMount {
            source: "src".into(),
            destination: "/dst".into(),
            ..SpecMount::default()
        }];
        assert_eq!(check(&s, &conf), Ok(()));
        // "valid+warning"
        let mut s = facts();
        s.apparmor_profile = "someprofile".into();
        let mut log = Log::default();
        validate_spec(&s, &conf, &mut log).unwrap();
        assert_eq!(
            log.warnings(),
            ["AppArmor profile \"someprofile\" is being ignored"]
        );
        // "empty root"
        let s = SpecFacts::default();
        assert_eq!(
            check(&s, &conf),
            Err("Spec.Root.Path must be defined: &{Path: Readonly:false}".into())
        );
        // "selinux"
        let mut s = facts();
        s.selinux_label = "somelabel".into();
        assert_eq!(
            check(&s, &conf),
            Err("SELinux is not supported: somelabel".into())
        );
        // "relative mount destination"
        let mut s = facts();
        s.mounts = vec![SpecMount {
            source: "src".into(),
            destination: "dst".into(),
            ..SpecMount::default()
        }];
        assert_eq!(
            check(&s, &conf),
            Err("Mount.Destination must be an absolute path: &{dst  src [] [] []}".into())
        );
        // "invalid mount option"
        let mut s = facts();
        s.mounts = vec![SpecMount {
            source: "/src".into(),
            destination: "/dst".into(),
            typ: "bind".into(),
            options: Some(vec!["shared".into()]),
            ..SpecMount::default()
        }];
        assert_eq!(
            check(&s, &conf),
            Err("mount option \"shared\" is not supported".into())
        );
        // shared on a tmpfs only warns later.
        s.mounts[0].typ = "tmpfs".into();
        assert_eq!(check(&s, &conf), Ok(()));
        // "invalid rootfs propagation"
        let mut s = facts();
        s.rootfs_propagation = "foo".into();
        assert_eq!(
            check(&s, &conf),
            Err("root mount propagation option must specify private or slave: \"foo\"".into())
        );
        // The three rootfs tar cases.
        let mut s = facts();
        s.annotations.insert(ROOTFS_UPPER_TAR.into(), "foo".into());
        let allow = RunscConfig {
            allow_rootfs_tar_annotation: true,
            ..RunscConfig::default()
        };
        assert_eq!(check(&s, &allow), Ok(()));
        assert_eq!(
            check(&s, &conf),
            Err(
                "rootfs tar annotation is disabled, use --allow-rootfs-tar-annotation to enable it"
                    .into()
            )
        );
        s.root_readonly = true;
        assert_eq!(
            check(&s, &allow),
            Err("rootfs tar upper path is set but rootfs is readonly".into())
        );
    }

    #[test]
    fn container_type_checks() {
        let conf = RunscConfig::default();
        let mut s = facts();
        s.annotations
            .insert(CONTAINER_TYPE.into(), "container".into());
        assert_eq!(
            check(&s, &conf),
            Err("spec has container-type of container, but no sandbox ID set".into())
        );
        s.annotations.insert(SANDBOX_ID.into(), "sb".into());
        assert_eq!(check(&s, &conf), Ok(()));
        s.annotations.insert(CONTAINER_TYPE.into(), "pod".into());
        assert_eq!(check(&s, &conf), Err("unknown container-type".into()));
    }

    #[test]
    fn tar_path_follows_the_container_name_and_remaps() {
        let ann: BTreeMap<String, String> = [
            (CONTAINER_NAME, "cont-1"),
            ("dev.gvisor.container-name-remap.a", "cont-1=cont"),
            ("dev.gvisor.tar.rootfs.upper.cont", "/t"),
            (ROOTFS_UPPER_TAR, "/base"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(rootfs_tar_upper_path(&ann, &mut Log::default()), "/t");
    }

    #[test]
    fn from_a_parsed_spec() {
        let json = r#"{"ociVersion":"1.0.0","root":{"path":"rootfs"},
            "process":{"args":["sh"],"cwd":"/","user":{"uid":0,"gid":0},"apparmorProfile":"p"},
            "linux":{"rootfsPropagation":"rshared"},
            "mounts":[{"destination":"/a","type":"tmpfs"}]}"#;
        let spec: oci_spec::runtime::Spec = serde_json::from_str(json).unwrap();
        let s = SpecFacts::from_spec(&spec);
        assert_eq!(
            (s.root_path.as_str(), s.apparmor_profile.as_str()),
            ("rootfs", "p")
        );
        assert_eq!(
            check(&s, &RunscConfig::default()),
            Err("root mount propagation option must specify private or slave: \"rshared\"".into())
        );
    }
}
