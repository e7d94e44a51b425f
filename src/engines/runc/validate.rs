//! runc's config validation (libcontainer/configs/validate/validator.go and
//! rootless.go): the checks that decide mounts, with runc's exact errors.
//!
//! Not ported (they need a host, not the spec): cgroups, network, netdevices,
//! uts, sysctl, intelRdt, scheduler, ioPriority, memoryPolicy, the SELinux
//! half of `security`, and the kernel-support stats of `namespaces`.

use super::config::ContainerConfig;
use super::flags::MOUNT_ATTR_IDMAP;
use super::mount::ConfigsMount;
use super::specconv::is_abs;
use crate::error::{Error, Result};
use crate::gostr;
use crate::vfs::clean;

/// `Validate`: the fatal checks in runc's order (the spec-only ones), then
/// the warnings (`mountsWarn`), returned as the texts runc logs under
/// `configuration`. `resolve_rootfs` stands for the host: `os.Stat`,
/// `filepath.Abs` and `filepath.EvalSymlinks` of the rootfs, giving the
/// resolved path or the error to wrap.
pub fn validate(
    config: &ContainerConfig,
    resolve_rootfs: impl FnOnce(&str) -> Result<String>,
) -> Result<Vec<String>> {
    rootfs(config, resolve_rootfs)?;
    security(config)?;
    namespaces(config)?;
    rootless_euid_check(config)?;
    mounts_strict(config)?;
    Ok(mounts_warn(config)
        .err()
        .map(|e| e.to_string())
        .into_iter()
        .collect())
}

/// `rootfs`: the rootfs must be absolute and not reached through a symlink.
pub fn rootfs(
    config: &ContainerConfig,
    resolve: impl FnOnce(&str) -> Result<String>,
) -> Result<()> {
    let resolved = resolve(&config.rootfs).map_err(|e| e.wrap("invalid rootfs"))?;
    if clean(&config.rootfs) != resolved {
        return Err(Error::msg(
            "invalid rootfs: not an absolute path, or a symlink",
        ));
    }
    Ok(())
}

/// `security`: masked or read-only paths need a mount namespace.
pub fn security(config: &ContainerConfig) -> Result<()> {
    if (!config.mask_paths.is_empty() || !config.readonly_paths.is_empty())
        && !config.contains_ns("mount")
    {
        return Err(Error::msg(
            "unable to restrict sys entries without a private MNT namespace",
        ));
    }
    Ok(())
}

/// `namespaces`, the user-namespace part (the kernel is taken to support
/// user namespaces).
pub fn namespaces(config: &ContainerConfig) -> Result<()> {
    let has_mappings = config.uid_mappings.is_some() || config.gid_mappings.is_some();
    if config.contains_ns("user") {
        if config.ns_path("user").is_empty() && !has_mappings {
            return Err(Error::msg(
                "user namespaces enabled, but no namespace path to join nor mappings to apply specified",
            ));
        }
    } else if has_mappings {
        return Err(Error::msg(
            "user namespace mappings specified, but user namespace isn't enabled in the config",
        ));
    }
    Ok(())
}

/// `rootlessEUIDCheck`: with a non-zero euid, a user namespace with
/// mappings, and `uid=`/`gid=` mount data that maps.
pub fn rootless_euid_check(config: &ContainerConfig) -> Result<()> {
    if !config.rootless_euid {
        return Ok(());
    }
    rootless_euid_mappings(config)?;
    rootless_euid_mount(config)
}

/// `rootlessEUIDMappings`.
pub fn rootless_euid_mappings(config: &ContainerConfig) -> Result<()> {
    if !config.contains_ns("user") {
        return Err(Error::msg("rootless container requires user namespaces"));
    }
    if config.ns_is_private("user") {
        for (maps, kind) in [(&config.uid_mappings, "UID"), (&config.gid_mappings, "GID")] {
            if maps.as_deref().unwrap_or_default().is_empty() {
                return Err(Error::msg(format!(
                    "rootless containers requires at least one {kind} mapping"
                )));
            }
        }
    }
    Ok(())
}

/// `rootlessEUIDMount`: every `uid=N` / `gid=N` data option must map to a
/// host id; options whose value `strconv.Atoi` rejects are ignored.
pub fn rootless_euid_mount(config: &ContainerConfig) -> Result<()> {
    for m in &config.mounts {
        if !m.data.contains("id=") {
            continue;
        }
        for opt in m.data.split(',') {
            let mapped = if let Some(v) = opt.strip_prefix("uid=") {
                match gostr::parse_int(v, 10, 64) {
                    Ok(uid) => config.host_uid(uid),
                    Err(_) => continue,
                }
            } else if let Some(v) = opt.strip_prefix("gid=") {
                match gostr::parse_int(v, 10, 64) {
                    Ok(gid) => config.host_gid(gid),
                    Err(_) => continue,
                }
            } else {
                continue;
            };
            mapped.map_err(|e| {
                e.wrap(format_args!(
                    "cannot specify {opt} mount option for rootless container"
                ))
            })?;
        }
    }
    Ok(())
}

/// `checkBindOptions`: a bind cannot carry filesystem data (the kernel
/// would ignore it).
pub fn check_bind_options(m: &ConfigsMount) -> Result<()> {
    if m.is_bind() && !m.data.is_empty() {
        return Err(Error::msg(
            "bind mounts cannot have any filesystem-specific options applied",
        ));
    }
    Ok(())
}

/// `checkIDMapMounts`.
pub fn check_id_map_mounts(config: &ContainerConfig, m: &ConfigsMount) -> Result<()> {
    if m.rec_attr
        .is_some_and(|a| (a.attr_set | a.attr_clr) & MOUNT_ATTR_IDMAP != 0)
    {
        return Err(Error::msg(
            "mount configuration cannot contain recAttr for MOUNT_ATTR_IDMAP",
        ));
    }
    let Some(idm) = &m.id_mapping else {
        return Ok(());
    };
    if !m.is_bind() {
        return Err(Error::msg(
            "id-mapped mounts are only supported for bind-mounts",
        ));
    }
    if config.rootless_euid {
        return Err(Error::msg(
            "id-mapped mounts are not supported for rootless containers",
        ));
    }
    if idm.userns_path.is_empty() {
        let empty = |maps: &Option<Vec<_>>| maps.as_deref().unwrap_or_default().is_empty();
        if empty(&idm.uid_mappings) || empty(&idm.gid_mappings) {
            return Err(Error::msg(
                "id-mapped mounts must have both uid and gid mappings specified",
            ));
        }
    } else if idm.uid_mappings.is_some() || idm.gid_mappings.is_some() {
        return Err(Error::msg(
            "[internal error] id-mapped mounts cannot have both userns_path and uid and gid mappings specified",
        ));
    }
    Ok(())
}

/// `invalid mount %+v: %w` with the `*configs.Mount`.
fn invalid_mount(m: &ConfigsMount, err: Error) -> Error {
    err.wrap(format_args!("invalid mount {}", m.go_plus_v()))
}

/// `mountsStrict`: the first mount failing `checkBindOptions` or
/// `checkIDMapMounts`.
pub fn mounts_strict(config: &ContainerConfig) -> Result<()> {
    for m in &config.mounts {
        check_bind_options(m).map_err(|e| invalid_mount(m, e))?;
        check_id_map_mounts(config, m).map_err(|e| invalid_mount(m, e))?;
    }
    Ok(())
}

/// `mountsWarn`: the first mount with a relative destination (a warning
/// only: runc then uses it as relative to `/`).
pub fn mounts_warn(config: &ContainerConfig) -> Result<()> {
    match config.mounts.iter().find(|m| !is_abs(&m.destination)) {
        Some(m) => Err(Error::msg(format!(
            "mount {}: relative destination path is **deprecated**, using it as relative to /",
            m.go_plus_v()
        ))),
        None => Ok(()),
    }
}
