//! What a run of today's runsc shows besides the tree: one entry per mount
//! in mount order, and the runsc-specific facts (gofer confs, the root, the
//! hints, `--overlay2`) the report of issue #15 lists.

use super::hints::PodMountHints;
use super::options::MountFlags;
use super::overlay2::Overlay2;
use serde::Serialize;
use std::collections::BTreeMap;

/// One mount, in mount order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunscMountEntry {
    /// The destination as runsc mounted it (a gofer bind's is the
    /// host-resolved one).
    pub destination: String,
    /// gVisor's filesystem name; `overlay` when overlaid.
    pub fs: String,
    pub source: String,
    pub ro: bool,
    /// The VFS flags set, of `noatime noexec nosuid`.
    pub flags: Vec<String>,
    /// The filesystem data as runsc passes it (gofer FDs included).
    pub data: String,
    /// Where the mount really is when symlinks moved it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounted_at: Option<String>,
    /// The mount hint sharing this volume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_hint: Option<String>,
}

/// The names of the flags that are set.
pub fn flag_names(f: &MountFlags) -> Vec<String> {
    [
        (f.no_atime, "noatime"),
        (f.no_exec, "noexec"),
        (f.no_suid, "nosuid"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n.to_string())
    .collect()
}

/// The root mount.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RootFacts {
    /// `overlay`, `9p` (or `erofs`).
    pub fs: String,
    pub ro: bool,
    /// The data of the gofer (lower) mount.
    pub lower_data: String,
}

/// One mount hint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HintFacts {
    pub source: String,
    #[serde(rename = "type")]
    pub typ: String,
    pub share: String,
    pub options: Vec<String>,
    pub file_access: String,
    pub should_share: bool,
}

/// `--overlay2` as runsc reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Overlay2Facts {
    pub root_medium: String,
    pub submount_medium: String,
    pub root_size: String,
    pub submount_size: String,
}

impl Overlay2Facts {
    pub fn of(o: &Overlay2) -> Overlay2Facts {
        Overlay2Facts {
            root_medium: o.root_medium().as_str().to_string(),
            submount_medium: o.submount_medium().as_str().to_string(),
            root_size: o.root_size().to_string(),
            submount_size: o.submount_size().to_string(),
        }
    }
}

/// The runsc-specific part of the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RunscFacts {
    /// `--gofer-mount-confs`, as runsc passes it.
    pub gofer_mount_confs: String,
    pub root: RootFacts,
    pub hints: BTreeMap<String, HintFacts>,
    pub overlay2: Overlay2Facts,
}

/// The hints as the report shows them.
pub fn hint_facts(h: &PodMountHints) -> BTreeMap<String, HintFacts> {
    h.mounts
        .iter()
        .map(|(name, m)| {
            (
                name.clone(),
                HintFacts {
                    source: m.mount.source.clone(),
                    typ: m.mount.typ.clone(),
                    share: m.share.as_str().to_string(),
                    options: m.mount.opts().to_vec(),
                    file_access: m.file_access_type().as_str().to_string(),
                    should_share: m.should_share_mount(),
                },
            )
        })
        .collect()
}

/// Everything a report of this engine adds to or fills in the common
/// report, in the field names (`engine: "runsc"`, `mounts`,
/// `runsc`), plus the common fields this engine decides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunscSummary {
    pub engine: &'static str,
    pub ok: bool,
    pub error: Option<String>,
    pub fatal: bool,
    /// Absolute paths in mount order (where symlinks moved a mount, where
    /// it is).
    pub mount_order: Vec<String>,
    pub warnings: Vec<String>,
    pub proc_mounts: Vec<String>,
    pub decisions: Vec<super::events::RunscEvent>,
    pub mounts: Vec<RunscMountEntry>,
    pub runsc: RunscFacts,
}
