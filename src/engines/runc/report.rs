//! What a runc run reports: the options it ran with, the mounts specconv
//! produced (as `configs.Mount` holds them), the decision events, runc's
//! warnings and error, the `/dev` it populated, and the built namespace.

use super::flags::{extension_names, mount_attr_names, mount_flag_names, propagation_names};
use super::mount::ConfigsMount;
use crate::error::Error;
use crate::vfs::{DirentId, Vfs};
use serde::{Deserialize, Serialize, Serializer};

/// The host's cgroup layout (`cgroups.IsCgroup2UnifiedMode`): `"v2"` or
/// `"v1"` in a config.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CgroupMode {
    /// A unified (cgroup2-only) host: the default.
    #[default]
    V2,
    /// A legacy host with one v1 hierarchy per controller set.
    V1,
}

/// How runc is run; deserializes from `{"rootless": …, "bundle": …,
/// "cgroup": "v2"|"v1", "no_pivot": …}` with every key optional.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuncOptions {
    /// `runc --rootless` (a non-zero euid).
    pub rootless: bool,
    /// runc's working directory: a relative `root.path` and relative bind
    /// sources resolve against it.
    pub bundle: String,
    pub cgroup: CgroupMode,
    /// `--no-pivot`.
    pub no_pivot: bool,
}

impl Default for RuncOptions {
    fn default() -> Self {
        RuncOptions {
            rootless: false,
            bundle: "/bundle".to_string(),
            cgroup: CgroupMode::V2,
            no_pivot: false,
        }
    }
}

/// One entry of `mounts`: a `configs.Mount` with its flags named, plus
/// what mounting it did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuncMountEntry {
    pub destination: String,
    pub source: String,
    pub device: String,
    pub flags: Vec<String>,
    pub cleared_flags: Vec<String>,
    pub propagation: Vec<String>,
    pub data: String,
    /// What mount(2) received as data (after the tmpfs mode prefix);
    /// `None` until the mount is attempted.
    pub mount_data: Option<String>,
    pub rec_attr_set: Vec<String>,
    pub rec_attr_clr: Vec<String>,
    pub extensions: Vec<String>,
    /// Where the mount landed inside the rootfs, when symlinks moved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounted_at: Option<String>,
}

impl RuncMountEntry {
    pub fn from_config(m: &ConfigsMount) -> RuncMountEntry {
        let (set, clr) = m.rec_attr.map_or((0, 0), |a| (a.attr_set, a.attr_clr));
        RuncMountEntry {
            destination: m.destination.clone(),
            source: m.source.clone(),
            device: m.device.clone(),
            flags: mount_flag_names(m.flags),
            cleared_flags: mount_flag_names(m.cleared_flags),
            propagation: propagation_names(&m.propagation_flags),
            data: m.data.clone(),
            mount_data: None,
            rec_attr_set: mount_attr_names(set),
            rec_attr_clr: mount_attr_names(clr),
            extensions: extension_names(m.extensions),
            mounted_at: None,
        }
    }
}

/// One node `createDevices` made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DevNode {
    pub path: String,
    #[serde(rename = "type")]
    pub typ: String,
    pub major: i64,
    pub minor: i64,
    /// `0666`-style.
    pub mode: String,
}

/// runc's own extras.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuncState {
    /// Whether `/dev` was populated (`needsSetupDev`).
    pub dev_setup: bool,
    pub dev_nodes: Vec<DevNode>,
    /// `maskedPaths` that were masked (missing ones are skipped).
    pub masked: Vec<String>,
    /// `readonlyPaths` that were made read-only.
    pub readonly: Vec<String>,
}

/// One mount the container sees, as the kernel keeps it (what its
/// `/proc/mounts` and mountinfo lines say, structured for a tree view).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuncMountRow {
    pub id: u64,
    pub parent_id: u64,
    /// The mount point, seen from the container's root.
    pub path: String,
    pub source: String,
    pub fstype: String,
    /// `/proc/mounts`'s options field.
    pub options: String,
    /// The path inside the filesystem the mount shows.
    pub root: String,
    /// `shared:N`, `master:N`, `unbindable`.
    pub propagation: Vec<String>,
}

/// One decision. `kernel: true` marks what Linux, not runc, decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RuncEvent {
    /// `createLibcontainerMount`: a spec mount converted, in listed order.
    Converted {
        index: usize,
        destination: String,
        device: String,
    },
    /// `prepareRoot`: `/` gets the root propagation, the rootfs is
    /// bind-mounted onto itself.
    PrepareRoot { propagation: String, rootfs: String },
    /// `createOpenMountpoint` / the proc-sysfs path: where the destination
    /// resolved inside the rootfs, and what was created there.
    Mountpoint {
        index: usize,
        destination: String,
        resolved: String,
        created: Option<String>,
    },
    /// The tmpfs target existed: its mode is prepended to the data.
    TmpfsMode { index: usize, mode: String },
    /// A mount(2) call and the kernel's answer.
    Mount {
        index: Option<usize>,
        source: String,
        target: String,
        fstype: String,
        flags: String,
        data: String,
        result: String,
        kernel: bool,
    },
    /// The bind's `MS_BIND|MS_REMOUNT` with the user's flags.
    BindRemount { index: usize, flags: String },
    /// `setRecAttr`: mount_setattr(2) with AT_RECURSIVE.
    RecAttr {
        index: usize,
        set: Vec<String>,
        clr: Vec<String>,
    },
    /// `tmpcopyup`: the directory's entries copied into the new tmpfs.
    TmpCopyUp { index: usize, entries: Vec<String> },
    /// `needsSetupDev` / `doSetupDev`.
    DevSetup { populated: bool, reason: String },
    /// `setupPtmx`, `setupDevSymlinks`.
    DevSymlink { path: String, target: String },
    /// `finalizeRootfs`: a deferred read-only remount.
    ReadonlyRemount { destination: String },
    /// `setReadonly` on `/`.
    ReadonlyRoot,
    /// `readonlyPath`: made read-only, or skipped (missing).
    ReadonlyPath { path: String, applied: bool },
    /// `maskPaths`: how a path was masked, or why it was skipped.
    MaskPath { path: String, how: String },
    /// A step runc does that this simulator does not model.
    NotModelled { what: String },
}

fn serialize_error<S: Serializer>(e: &Option<Error>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(&e.to_string()),
        None => s.serialize_none(),
    }
}

/// A run of runc's mount-namespace setup.
#[derive(Serialize)]
pub struct RuncRun {
    /// The host and the container's namespace (one VFS; the container sees
    /// it from `root`).
    #[serde(skip)]
    pub vfs: Vfs,
    /// The container's `/` (the rootfs bind), once set up.
    #[serde(skip)]
    pub root: Option<DirentId>,
    /// The host's `/`.
    #[serde(skip)]
    pub host_root: Option<DirentId>,
    pub events: Vec<RuncEvent>,
    pub warnings: Vec<String>,
    #[serde(serialize_with = "serialize_error")]
    pub error: Option<Error>,
    pub mounts: Vec<RuncMountEntry>,
    /// How many of `mounts` were mounted.
    pub mount_order: usize,
    pub runc: RuncState,
    /// The container's `/proc/mounts`, in the kernel's format.
    pub proc_mounts: Vec<String>,
    /// The container's `/proc/self/mountinfo`, in the kernel's format.
    pub mountinfo: Vec<String>,
    /// The same mounts, structured (mount order; `parent_id` nests them).
    pub table: Vec<RuncMountRow>,
}

impl RuncRun {
    /// The container's view (root and working directory at its `/`), for
    /// the shell and the tree; `None` when setup failed before the rootfs
    /// bind.
    pub fn container_ctx(&self) -> Option<crate::vfs::Ctx> {
        self.root.map(crate::vfs::Ctx::at)
    }

    /// The host's view.
    pub fn host_ctx(&self) -> Option<crate::vfs::Ctx> {
        self.host_root.map(crate::vfs::Ctx::at)
    }
}

impl std::fmt::Debug for RuncRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuncRun")
            .field("error", &self.error)
            .field("warnings", &self.warnings)
            .field("mount_order", &self.mount_order)
            .field("proc_mounts", &self.proc_mounts)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_from_config_keys() {
        let o: RuncOptions =
            serde_json::from_str(r#"{"cgroup": "v1", "rootless": true}"#).unwrap_or_default();
        assert_eq!(
            o,
            RuncOptions {
                rootless: true,
                bundle: "/bundle".into(),
                cgroup: CgroupMode::V1,
                no_pivot: false
            }
        );
        assert!(serde_json::from_str::<RuncOptions>(r#"{"cgroup": "v3"}"#).is_err());
    }
}
