//! The spec-only part of `configs.Config` and of `CreateLibcontainerConfig`
//! (libcontainer/specconv/spec_linux.go): the mounts in listed order, the
//! rootfs path, root propagation, namespaces, the user-namespace mappings,
//! masked and read-only paths; plus `Config.HostUID` / `HostGID`
//! (libcontainer/configs/config_linux.go), which validation needs.
//!
//! Left out because they need a host (not the spec): devices, cgroups,
//! seccomp, hooks, and the mappings of a user namespace joined by path.

use super::mount::{ConfigsMount, IdMap};
use super::specconv::{self, create_libcontainer_mount, parse_rootfs_propagation};
use crate::error::{Error, Result};
use crate::gostr::quote;
use oci_spec::runtime::{LinuxNamespaceType, Spec};

/// `configs.Namespace`: the spec's type name (`"mount"`, `"user"`, …) and
/// the path to join (`""` for a new namespace).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Namespace {
    pub typ: String,
    pub path: String,
}

/// The runtime-spec name of a namespace type (`specs.LinuxNamespaceType`).
pub fn namespace_type_name(t: LinuxNamespaceType) -> &'static str {
    match t {
        LinuxNamespaceType::Mount => "mount",
        LinuxNamespaceType::Cgroup => "cgroup",
        LinuxNamespaceType::Uts => "uts",
        LinuxNamespaceType::Ipc => "ipc",
        LinuxNamespaceType::User => "user",
        LinuxNamespaceType::Pid => "pid",
        LinuxNamespaceType::Network => "network",
        LinuxNamespaceType::Time => "time",
    }
}

/// `CreateOpts` fields that change the mount rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreateOpts {
    /// `--no-pivot`.
    pub no_pivot_root: bool,
    /// runc runs with a non-zero euid (`--rootless`).
    pub rootless_euid: bool,
}

/// The fields of `configs.Config` the mount rules read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerConfig {
    /// Absolute: a relative `root.path` is joined to the bundle dir.
    pub rootfs: String,
    pub readonlyfs: bool,
    pub no_pivot_root: bool,
    pub rootless_euid: bool,
    pub mounts: Vec<ConfigsMount>,
    /// `RootPropagation`: 0 when the spec has none.
    pub root_propagation: u64,
    pub namespaces: Vec<Namespace>,
    /// nil (`None`) unless the container has a user namespace.
    pub uid_mappings: Option<Vec<IdMap>>,
    pub gid_mappings: Option<Vec<IdMap>>,
    pub mask_paths: Vec<String>,
    pub readonly_paths: Vec<String>,
}

impl ContainerConfig {
    /// `Namespaces.Contains`.
    pub fn contains_ns(&self, typ: &str) -> bool {
        self.namespaces.iter().any(|n| n.typ == typ)
    }

    /// `Namespaces.PathOf`: `""` if absent or new.
    pub fn ns_path(&self, typ: &str) -> &str {
        self.namespaces
            .iter()
            .find(|n| n.typ == typ)
            .map_or("", |n| n.path.as_str())
    }

    /// `Namespaces.IsPrivate`: present and not joined by path.
    pub fn ns_is_private(&self, typ: &str) -> bool {
        self.contains_ns(typ) && self.ns_path(typ).is_empty()
    }

    /// `Config.HostUID`.
    pub fn host_uid(&self, container_id: i64) -> Result<i64> {
        self.host_id(container_id, self.uid_mappings.as_deref(), "uid")
    }

    /// `Config.HostGID`.
    pub fn host_gid(&self, container_id: i64) -> Result<i64> {
        self.host_id(container_id, self.gid_mappings.as_deref(), "gid")
    }

    fn host_id(&self, id: i64, maps: Option<&[IdMap]>, kind: &str) -> Result<i64> {
        if !self.contains_ns("user") {
            return Ok(id);
        }
        let maps = maps.unwrap_or_default();
        if maps.is_empty() {
            return Err(Error::msg(format!(
                "user namespaces enabled, but no {kind} mappings found"
            )));
        }
        // hostIDFromMapping, in int64 as runc does it (a 64-bit build, so
        // the "larger than native integer size" error cannot happen);
        // `id < start + size` is runc's `id <= start + size - 1`.
        maps.iter()
            .find(|m| id >= m.container_id && id < m.container_id + m.size)
            .map(|m| m.host_id + (id - m.container_id))
            .ok_or_else(|| {
                Error::msg(format!(
                    "user namespaces enabled, but no mapping found for {kind} {id}"
                ))
            })
    }
}

/// The spec-only steps of `CreateLibcontainerConfig(opts)`, in runc's
/// order, with runc's errors; also the warnings it logs. `cwd` is the
/// bundle directory.
pub fn create_config(
    cwd: &str,
    spec: &Spec,
    opts: CreateOpts,
) -> Result<(ContainerConfig, Vec<String>)> {
    let root = spec
        .root()
        .as_ref()
        .ok_or_else(|| Error::msg("root must be specified"))?;
    let root_path = root.path().to_string_lossy().into_owned();
    let mut config = ContainerConfig {
        rootfs: if specconv::is_abs(&root_path) {
            root_path
        } else {
            specconv::filepath_join(cwd, &root_path)
        },
        readonlyfs: root.readonly().unwrap_or(false),
        no_pivot_root: opts.no_pivot_root,
        rootless_euid: opts.rootless_euid,
        ..ContainerConfig::default()
    };
    let mut warnings = Vec::new();
    for m in spec.mounts().as_deref().unwrap_or_default() {
        let (cm, w) =
            create_libcontainer_mount(cwd, m).map_err(|e| specconv::wrap_invalid_mount(m, e))?;
        warnings.extend(w);
        config.mounts.push(cm);
    }
    // (createDevices and CreateCgroupConfig come here in runc.)
    let Some(linux) = spec.linux() else {
        return Ok((config, warnings));
    };
    if let Some(prop) = linux
        .rootfs_propagation()
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        config.root_propagation = parse_rootfs_propagation(prop, config.no_pivot_root)?;
    }
    for ns in linux.namespaces().as_deref().unwrap_or_default() {
        let typ = namespace_type_name(ns.typ());
        let ns_path = ns
            .path()
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if config.contains_ns(typ) {
            // `%q` of a specs.LinuxNamespace struct quotes each field.
            return Err(Error::msg(format!(
                "malformed spec file: duplicated ns {{{} {}}}",
                quote(typ),
                quote(&ns_path)
            )));
        }
        config.namespaces.push(Namespace {
            typ: typ.to_string(),
            path: ns_path,
        });
    }
    if config.contains_ns("user") {
        setup_user_namespace(&mut config, linux)?;
        // idmap/ridmap without mount mappings take the container's.
        let (userns_path, uids, gids) = (
            config.ns_path("user").to_string(),
            config.uid_mappings.clone(),
            config.gid_mappings.clone(),
        );
        for idm in config
            .mounts
            .iter_mut()
            .filter_map(|m| m.id_mapping.as_mut())
        {
            if idm.uid_mappings.is_none() && idm.gid_mappings.is_none() {
                if userns_path.is_empty() {
                    idm.uid_mappings = uids.clone();
                    idm.gid_mappings = gids.clone();
                } else {
                    idm.userns_path = userns_path.clone();
                }
            }
        }
    }
    config.mask_paths = linux.masked_paths().clone().unwrap_or_default();
    config.readonly_paths = linux.readonly_paths().clone().unwrap_or_default();
    Ok((config, warnings))
}

/// `setupUserNamespace` for a new user namespace: the spec's mappings, then
/// `HostRootUID` / `HostRootGID` must resolve. A namespace joined by path
/// takes that namespace's mappings in runc (read from /proc), which the spec
/// alone cannot give, so that case keeps the spec's and skips the root check.
fn setup_user_namespace(
    config: &mut ContainerConfig,
    linux: &oci_spec::runtime::Linux,
) -> Result<()> {
    config.uid_mappings = specconv::to_config_id_map(linux.uid_mappings().as_deref());
    config.gid_mappings = specconv::to_config_id_map(linux.gid_mappings().as_deref());
    if !config.ns_path("user").is_empty() {
        return Ok(());
    }
    config.host_uid(0)?;
    config.host_gid(0)?;
    Ok(())
}
