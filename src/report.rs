//! What an engine tells the fronts, whichever engine it is: the report
//! `mountlab run` prints, the decision log, the mount tree's nodes, and
//! every word the user reads about them (flags, origins, outcomes, layers).
//! The CLI and the page both print these labels, so they say the same
//! thing in the same words.
//!
//! What only runsc 2018 has (the gofer FDs it consumed, the restore
//! environment, stub directories) is optional here; the report's `engine`
//! says which engine filled it.

use crate::engines::Engine;
use crate::vfs::MountSourceFlags;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Where a compiled mount came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// `spec.Mounts[index]`.
    Spec,
    /// Added by `compileMounts` (`/dev`, `/dev/pts`, `/proc`, `/sys`, `/tmp`).
    Mandatory,
    /// `/__runsc_containers__`, added by `createMountNamespace`.
    ChildContainersDir,
    /// The container's root filesystem (`createRootMount`).
    Root,
}

impl Origin {
    /// What the views say a mount came from: `spec.mounts[3]`, `spec.root`,
    /// `added by compileMounts`, `added by createMountNamespace`.
    pub fn label(self, spec_index: Option<usize>) -> Cow<'static, str> {
        match (self, spec_index) {
            (Origin::Spec, Some(i)) => Cow::Owned(format!("spec.mounts[{i}]")),
            (Origin::Spec, None) => Cow::Borrowed("spec.mounts"),
            (Origin::Mandatory, _) => Cow::Borrowed("added by compileMounts"),
            (Origin::ChildContainersDir, _) => Cow::Borrowed("added by createMountNamespace"),
            (Origin::Root, _) => Cow::Borrowed("spec.root"),
        }
    }
}

/// What became of a mount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Mounted in the namespace.
    Mounted,
    /// Dropped by `compileMounts` (`IsSupportedDevMount` false).
    Dropped,
    /// Skipped by `mountSubmount` (unknown filesystem type).
    Ignored,
    /// Mounting failed; setup stopped here.
    Failed,
    /// Setup stopped before reaching this mount.
    NotReached,
}

impl Outcome {
    /// What the views say became of a mount.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Mounted => "mounted",
            Outcome::Dropped => "dropped by compileMounts",
            Outcome::Ignored => "ignored (unknown type)",
            Outcome::Failed => "failed",
            Outcome::NotReached => "not reached",
        }
    }
}

/// What a layer is in its mount's inode stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerRole {
    /// The tmpfs upper `addOverlay` puts over a writable mount (`--overlay`).
    Upper,
    /// The filesystem the engine mounted (9p, tmpfs, proc, ...).
    Mount,
    /// The ramfs stub tree `addSubmountOverlay` lays under the mount, the
    /// lower of its overlay.
    Lower,
}

/// One layer of a mount's inode stack, top first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Layer {
    pub role: LayerRole,
    /// The filesystem: `tmpfs`, `9p`, `ramfs` (stubs), `proc`, ...
    pub fs: String,
    /// For stub layers, the stub directories; for 9p, the attach point.
    pub detail: String,
    /// What the views print for the layer ([`Layer::label_of`]).
    pub label: String,
}

impl Layer {
    /// A layer with its label.
    pub fn new(role: LayerRole, fs: &str, detail: String) -> Layer {
        Layer {
            label: Layer::label_of(role, fs, &detail),
            role,
            fs: fs.to_string(),
            detail,
        }
    }

    /// `tmpfs upper`, `9p /etc/hosts`, `stub dirs [pts mqueue]`, `proc`.
    pub fn label_of(role: LayerRole, fs: &str, detail: &str) -> String {
        match role {
            LayerRole::Lower => format!("stub dirs [{detail}]"),
            LayerRole::Upper => format!("{fs} upper"),
            LayerRole::Mount if fs == "9p" => format!("9p {detail}").trim_end().to_string(),
            LayerRole::Mount => fs.to_string(),
        }
    }
}

/// What a spec author should know of a reason: the engine accepted the
/// mount but did something else than the spec says. `mountlab lint`, the
/// editor's marks and the grouped warnings all read this field, so the
/// rules stay in the engines that apply them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A type the engine does not know: the mount is skipped.
    IgnoredType,
    /// A `/dev` mount the sandbox provides itself: dropped from the spec.
    DroppedDevMount,
    /// A type mounted as another filesystem (`none` is sysfs in 2018).
    ConvertedType,
    /// A relative destination, resolved against the container's root.
    RelativeDestination,
    /// An option the engine drops or does not understand.
    FilteredOption,
}

impl FindingKind {
    /// The rule's name in `mountlab lint`'s output.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::IgnoredType => "ignored-type",
            FindingKind::DroppedDevMount => "dropped-dev-mount",
            FindingKind::ConvertedType => "converted-type",
            FindingKind::RelativeDestination => "relative-destination",
            FindingKind::FilteredOption => "filtered-option",
        }
    }
}

/// Whether a finding changes what the container sees, or is harmless
/// (the runtime provides the same thing another way).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    ChangesBehaviour,
    Harmless,
}

impl Effect {
    pub fn label(self) -> &'static str {
        match self {
            Effect::ChangesBehaviour => "changes behaviour",
            Effect::Harmless => "harmless",
        }
    }
}

/// A reason's finding: what kind, and whether it matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub effect: Effect,
}

/// One reason, with the function that produced it. Most texts are fixed,
/// so they are borrowed rather than allocated per mount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub function: &'static str,
    pub text: Cow<'static, str>,
    /// Set when the reason is something a spec author should see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
}

/// The log entry of one mount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The container id, or `None` for the root container.
    pub container: Option<String>,
    pub origin: Origin,
    /// [`Origin::label`].
    pub origin_label: Cow<'static, str>,
    /// Index into `spec.mounts` for spec mounts.
    pub spec_index: Option<usize>,
    pub destination: String,
    #[serde(rename = "type")]
    pub typ: String,
    pub source: String,
    pub options: Vec<String>,
    pub outcome: Outcome,
    /// [`Outcome::label`].
    pub outcome_label: &'static str,
    /// The filesystem mounted (`none` becomes `sysfs`, `bind` becomes `9p`).
    pub fs_name: Option<String>,
    pub device: Option<String>,
    pub data: Option<String>,
    pub flags: Option<MountSourceFlags>,
    /// The flags as the views print them.
    pub flags_label: Option<String>,
    /// runsc 2018: the gofer FD of a 9p mount.
    pub gofer_fd: Option<i32>,
    pub attach_point: Option<String>,
    /// runsc 2018: stub directories laid under this mount (`subtargets`).
    pub stubs: Vec<String>,
    /// The inode stack, top first.
    pub layers: Vec<Layer>,
    pub mount_id: Option<u64>,
    /// The mount point in the sandbox-global namespace.
    pub mount_path: Option<String>,
    /// What `/proc/mounts` prints as the filesystem (`overlayfs` when layered).
    pub shown_as: Option<String>,
    pub reasons: Vec<Reason>,
    pub error: Option<String>,
}

impl Decision {
    /// A decision not yet reached, for a mount described by its spec fields.
    pub fn planned(
        container: Option<&str>,
        origin: Origin,
        spec_index: Option<usize>,
        destination: &str,
        typ: &str,
        source: &str,
        options: &[String],
    ) -> Decision {
        Decision {
            container: container.map(str::to_string),
            origin,
            origin_label: origin.label(spec_index),
            spec_index,
            destination: destination.to_string(),
            typ: typ.to_string(),
            source: source.to_string(),
            options: options.to_vec(),
            outcome: Outcome::NotReached,
            outcome_label: Outcome::NotReached.label(),
            fs_name: None,
            device: None,
            data: None,
            flags: None,
            flags_label: None,
            gofer_fd: None,
            attach_point: None,
            stubs: Vec::new(),
            layers: Vec::new(),
            mount_id: None,
            mount_path: None,
            shown_as: None,
            reasons: Vec::new(),
            error: None,
        }
    }

    pub fn reason(&mut self, function: &'static str, text: impl Into<Cow<'static, str>>) {
        self.reasons.push(Reason {
            function,
            text: text.into(),
            finding: None,
        });
    }

    /// A reason that is also a finding for the spec's author.
    pub fn finding(
        &mut self,
        function: &'static str,
        text: impl Into<Cow<'static, str>>,
        kind: FindingKind,
        effect: Effect,
    ) {
        self.reasons.push(Reason {
            function,
            text: text.into(),
            finding: Some(Finding { kind, effect }),
        });
    }

    /// Sets the outcome and its label together.
    pub fn set_outcome(&mut self, o: Outcome) {
        self.outcome = o;
        self.outcome_label = o.label();
    }

    /// Sets the flags and their label together.
    pub fn set_flags(&mut self, f: MountSourceFlags) {
        self.flags = Some(f);
        self.flags_label = Some(f.to_string());
    }
}

/// One mount in the layered mount tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountNode {
    pub id: u64,
    pub parent_id: u64,
    /// The mount point in the sandbox-global namespace.
    pub path: String,
    /// What `/proc/mounts` prints (`overlayfs` when layered).
    pub fs_name: String,
    pub flags: MountSourceFlags,
    /// The flags as the views print them.
    pub flags_label: String,
    /// Top first.
    pub layers: Vec<Layer>,
    /// runsc 2018: the gofer FD of a 9p mount.
    pub gofer_fd: Option<i32>,
    /// The container this mount belongs to (`None` for the root container).
    pub container: Option<String>,
    /// Index into the report's decisions.
    pub decision: Option<usize>,
    pub children: Vec<MountNode>,
}

/// The restore environment as the report shows it (runsc 2018's
/// `createRestoreEnvironment`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub mount_sources: BTreeMap<String, Vec<crate::engines::runsc2018::boot::MountArgs>>,
    pub fds_consumed: Vec<i32>,
    pub error: Option<String>,
    pub fatal: bool,
}

/// What a host node is (`p9::host::NodeKind` without its contents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostNodeType {
    File,
    Dir,
    Symlink,
}

impl HostNodeType {
    pub fn of(kind: &crate::p9::host::NodeKind) -> HostNodeType {
        use crate::p9::host::NodeKind;
        match kind {
            NodeKind::File(_) => HostNodeType::File,
            NodeKind::Dir(_) => HostNodeType::Dir,
            NodeKind::Symlink(_) => HostNodeType::Symlink,
        }
    }

    /// The wire name: `file`, `dir`, `symlink`.
    pub fn as_str(self) -> &'static str {
        match self {
            HostNodeType::File => "file",
            HostNodeType::Dir => "dir",
            HostNodeType::Symlink => "symlink",
        }
    }
}

/// One host node in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostNodeReport {
    #[serde(rename = "type")]
    pub typ: HostNodeType,
    pub mode: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// For a file with several names: the first name of the same inode,
    /// where its content is printed (once per inode, not once per name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hardlink: Option<String>,
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub ok: bool,
    pub error: Option<String>,
    pub errno: Option<String>,
    pub fatal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fds_consumed: Option<Vec<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proc_mounts: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// A shell line's copy-ups and whiteouts, named
    /// (`shell::ShellOutput::notes`). Not in the scenario report: the page
    /// shows them (`playground::StepResult::notes`).
    #[serde(skip)]
    pub notes: Vec<String>,
}

impl StepReport {
    /// The report of a step that failed with `e`.
    pub fn failed(e: &crate::Error) -> StepReport {
        StepReport {
            ok: false,
            error: Some(e.to_string()),
            errno: e.errno().map(|x| x.symbol()),
            fatal: e.is_fatal(),
            ..StepReport::default()
        }
    }
}

/// The report `mountlab run` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The engine that made this report.
    pub engine: Engine,
    pub ok: bool,
    pub error: Option<String>,
    pub fatal: bool,
    pub mount_order: Vec<String>,
    /// runsc 2018: the gofer FDs the root container's setup took (empty
    /// for an engine without a gofer).
    pub fds_consumed: Vec<i32>,
    pub warnings: Vec<String>,
    pub proc_mounts: Vec<String>,
    pub mountinfo: Vec<String>,
    /// runsc 2018: `createRestoreEnvironment`.
    pub restore: Option<RestoreReport>,
    pub decisions: Vec<Decision>,
    pub host: BTreeMap<String, BTreeMap<String, HostNodeReport>>,
    pub steps: Vec<StepReport>,
    /// The engines after 2018: one entry per mount, in mount order, in
    /// the engine's own terms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mounts: Option<EngineMounts>,
    /// Today's runsc: gofer confs, the root, hints, `--overlay2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runsc: Option<crate::engines::runsc::report::RunscFacts>,
    /// runc: `/dev` setup, masked and read-only paths.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runc: Option<crate::engines::runc::report::RuncState>,
}

/// The report's `mounts`, as the engine that ran lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EngineMounts {
    Runsc(Vec<crate::engines::runsc::report::RunscMountEntry>),
    Runc(Vec<crate::engines::runc::report::RuncMountEntry>),
}
