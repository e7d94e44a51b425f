//! The decision log: for every mount the engine considered, what happened and
//! which fs.go function decided it. This is what `preview` and the playground
//! explain; runsc itself only logs fragments of it.

use crate::vfs::MountSourceFlags;
use serde::Serialize;
use std::borrow::Cow;

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

/// One layer of a mount's inode stack, top first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// `overlay`, `upper` or `lower`.
    pub role: String,
    /// The filesystem: `tmpfs`, `9p`, `ramfs` (stubs), `proc`, ...
    pub fs: String,
    /// For stub layers, the stub directories; for 9p, the attach point.
    pub detail: String,
}

/// One reason, with the gVisor function that produced it. Most texts are
/// fixed, so they are borrowed rather than allocated per mount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub function: &'static str,
    pub text: Cow<'static, str>,
}

/// The log entry of one mount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The container id, or `None` for the root container.
    pub container: Option<String>,
    pub origin: Origin,
    /// Index into `spec.mounts` for spec mounts.
    pub spec_index: Option<usize>,
    pub destination: String,
    #[serde(rename = "type")]
    pub typ: String,
    pub source: String,
    pub options: Vec<String>,
    pub outcome: Outcome,
    /// The filesystem mounted (`none` becomes `sysfs`, `bind` becomes `9p`).
    pub fs_name: Option<String>,
    pub device: Option<String>,
    pub data: Option<String>,
    pub flags: Option<MountSourceFlags>,
    pub gofer_fd: Option<i32>,
    pub attach_point: Option<String>,
    /// Stub directories laid under this mount (`subtargets`).
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
    pub fn new(
        container: Option<&str>,
        origin: Origin,
        spec_index: Option<usize>,
        m: &super::MountSpec,
    ) -> Decision {
        Decision {
            container: container.map(str::to_string),
            origin,
            spec_index,
            destination: m.destination.clone(),
            typ: m.typ.clone(),
            source: m.source.clone(),
            options: m.options.clone(),
            outcome: Outcome::NotReached,
            fs_name: None,
            device: None,
            data: None,
            flags: None,
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
        });
    }
}

/// Collects warnings (gVisor's `log.Warningf` lines) and decisions.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    pub warnings: Vec<String>,
    pub decisions: Vec<Decision>,
    /// Global paths of successful mounts, in call order.
    pub mount_order: Vec<String>,
    current: Option<usize>,
}

impl Recorder {
    /// Adds a decision and makes it the one later warnings attach to.
    pub fn begin(&mut self, d: Decision) -> usize {
        self.decisions.push(d);
        self.current = Some(self.decisions.len() - 1);
        self.decisions.len() - 1
    }

    /// Selects the decision later warnings and reasons attach to.
    pub fn select(&mut self, idx: Option<usize>) {
        self.current = idx;
    }

    /// `log.Warningf`: a warning, also noted on the current decision.
    pub fn warn(&mut self, function: &'static str, text: String) {
        if let Some(d) = self.current.and_then(|i| self.decisions.get_mut(i)) {
            // One exact-size allocation, not the formatting machinery: a
            // spec of 100 000 mounts records a quarter million warnings.
            const PREFIX: &str = "warning: ";
            let mut noted = String::with_capacity(PREFIX.len() + text.len());
            noted.push_str(PREFIX);
            noted.push_str(&text);
            d.reason(function, noted);
        }
        self.warnings.push(text);
    }

    /// A reason on the current decision.
    pub fn note(&mut self, function: &'static str, text: impl Into<Cow<'static, str>>) {
        if let Some(d) = self.current.and_then(|i| self.decisions.get_mut(i)) {
            d.reason(function, text);
        }
    }

    /// The current decision, to fill in fields.
    pub fn current(&mut self) -> Option<&mut Decision> {
        self.current.and_then(|i| self.decisions.get_mut(i))
    }
}
