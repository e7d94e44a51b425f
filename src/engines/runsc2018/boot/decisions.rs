//! The decision log: for every mount the engine considered, what happened and
//! which fs.go function decided it. This is what `preview` and the playground
//! explain; runsc itself only logs fragments of it.

use super::compile::CompiledMount;
use super::describe;
use super::MountSpec;
use crate::gostr::quote;
use crate::vfs::{DirentId, InodeId, MountSourceFlags, Vfs};
use std::borrow::Cow;

pub use crate::report::{
    Decision, Effect, Finding, FindingKind, Layer, LayerRole, Origin, Outcome, Reason,
};

/// A planned decision for a compiled mount.
fn decision_of(
    container: Option<&str>,
    origin: Origin,
    spec_index: Option<usize>,
    m: &MountSpec,
) -> Decision {
    Decision::planned(
        container,
        origin,
        spec_index,
        &m.destination,
        &m.typ,
        &m.source,
        &m.options,
    )
}

/// What the port of one fs.go function tells the log, at the place of the
/// Go function's own `log.*` call (or of the branch it takes silently). The
/// texts the log shows live here, not in the port; what a mount's layers,
/// stubs and mount id are is read back from the VFS (`describe`).
pub enum Event<'a> {
    /// `compileMounts`: `log.Warningf("ignoring dev mount at %q")` (fs.go:141).
    DevMountIgnored { index: usize, mount: &'a MountSpec },
    /// `getMountNameAndOptions`: devpts, devtmpfs, proc and sysfs (fs.go:263-264).
    AsIs { typ: &'a str },
    /// `getMountNameAndOptions`: `none` is sysfs (fs.go:265-266).
    NoneIsSysfs,
    /// `getMountNameAndOptions`: "Non-root bind mounts are always shared"
    /// (fs.go:276).
    BindOverGofer { fd: i32 },
    /// `getMountNameAndOptions`: "If configured, add overlay to all
    /// writable mounts" (fs.go:278).
    BindOverlay,
    /// `getMountNameAndOptions`: `log.Warningf("ignoring unknown filesystem
    /// type %q")` (fs.go:286); `mountSubmount` then skips the mount.
    UnknownType { typ: &'a str },
    /// `mountSubmount`: what `filesystem.Mount` is called with (fs.go:317).
    Mounting {
        fs_name: &'a str,
        device: &'a str,
        flags: MountSourceFlags,
        data: &'a str,
        fd: Option<i32>,
    },
    /// `mountSubmount`: `FindInode(root, root, m.Destination)` walks a
    /// relative destination from the root, its working directory
    /// (fs.go:342); runsc logs nothing, the spec's author should know.
    RelativeDestination { destination: &'a str },
    /// `mountSubmount`: `log.Infof("Adding submount overlay over %q")` (fs.go:326).
    SubmountOverlay { stubs: &'a [String] },
    /// `mountSubmount`: the inode is complete, before `FindInode` (fs.go:341).
    Built {
        vfs: &'a Vfs,
        inode: InodeId,
        stubs: &'a [String],
    },
    /// `mountSubmount`: `log.Infof("Mounted %q to %q type %s")` (fs.go:351).
    Mounted { vfs: &'a Vfs, mount: DirentId },
    /// `createRootMount`: `log.Infof("Mounted %q to \"/\" type root")` (fs.go:229).
    RootMounted {
        vfs: &'a Vfs,
        inode: InodeId,
        fd: i32,
        stubs: &'a [String],
        overlay: bool,
    },
    /// `createMountNamespace`: `fs.NewMountNamespace` made the root mount (fs.go:101).
    NamespaceRoot { vfs: &'a Vfs, root: DirentId },
    /// `setupContainerFS`: `log.Infof("Mounted child's root fs to %q")` (fs.go:612).
    ChildRootMounted { vfs: &'a Vfs, root: DirentId },
}

/// Collects warnings (gVisor's `log.Warningf` lines) and decisions.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    pub warnings: Vec<String>,
    pub decisions: Vec<Decision>,
    /// Global paths of successful mounts, in call order.
    pub mount_order: Vec<String>,
    current: Option<usize>,
    /// The container being set up (`None` for the root container).
    container: Option<String>,
}

impl Recorder {
    /// Adds a decision and makes it the one later warnings attach to.
    fn begin(&mut self, d: Decision) -> usize {
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
        self.warn_as(function, text, None);
    }

    /// `log.Warningf` about something the spec's author should see: the
    /// decision's reason carries the finding (`mountlab lint` reads it).
    pub fn warn_finding(&mut self, function: &'static str, text: String, finding: Finding) {
        self.warn_as(function, text, Some(finding));
    }

    fn warn_as(&mut self, function: &'static str, text: String, finding: Option<Finding>) {
        if let Some(d) = self.current.and_then(|i| self.decisions.get_mut(i)) {
            // One exact-size allocation, not the formatting machinery: a
            // spec of 100 000 mounts records a quarter million warnings.
            const PREFIX: &str = "warning: ";
            let mut noted = String::with_capacity(PREFIX.len() + text.len());
            noted.push_str(PREFIX);
            noted.push_str(&text);
            d.reasons.push(Reason {
                function,
                text: noted.into(),
                finding,
            });
        }
        self.warnings.push(text);
    }

    /// A finding on the current decision that runsc does not log.
    pub fn note_finding(
        &mut self,
        function: &'static str,
        text: impl Into<Cow<'static, str>>,
        finding: Finding,
    ) {
        if let Some(d) = self.current() {
            d.finding(function, text, finding.kind, finding.effect);
        }
    }

    /// A reason on the current decision.
    fn note(&mut self, function: &'static str, text: impl Into<Cow<'static, str>>) {
        if let Some(d) = self.current.and_then(|i| self.decisions.get_mut(i)) {
            d.reason(function, text);
        }
    }

    /// The current decision, to fill in fields.
    fn current(&mut self) -> Option<&mut Decision> {
        self.current.and_then(|i| self.decisions.get_mut(i))
    }

    /// `setupContainerFS` starts on `cid` (`None`: the root container).
    pub fn set_container(&mut self, cid: Option<&str>) {
        self.container = cid.map(str::to_string);
    }

    /// The root filesystem's decision, begun before `createRootMount` takes
    /// its FD; it stays bare unless the root is mounted.
    pub fn begin_root(&mut self, root_path: &str) {
        let root = MountSpec {
            destination: "/".into(),
            typ: "9p".into(),
            source: root_path.to_string(),
            options: Vec::new(),
        };
        let d = decision_of(self.container.as_deref(), Origin::Root, None, &root);
        self.begin(d);
    }

    /// A decision for every compiled mount, so the ones never reached show
    /// too. Returns the index of the first.
    pub fn plan(&mut self, mounts: &[CompiledMount]) -> usize {
        let first = self.decisions.len();
        for c in mounts {
            let d = decision_of(self.container.as_deref(), c.origin, c.spec_index, &c.mount);
            self.decisions.push(d);
        }
        first
    }

    /// Selects a planned decision as its mount is reached; the root
    /// container's log also says why runsc added the mount.
    pub fn reach(&mut self, idx: usize) {
        self.select(Some(idx));
        let root_container = self.container.is_none();
        let Some(d) = self.current().filter(|_| root_container) else {
            return;
        };
        match d.origin {
            Origin::Mandatory => {
                let why = mandatory_reason(&d.destination);
                d.reason("compileMounts", why);
            }
            Origin::ChildContainersDir => d.reason(
                "createMountNamespace",
                "tmpfs where child containers' roots are mounted; added last, root container only",
            ),
            Origin::Spec | Origin::Root => {}
        }
    }

    /// The current mount failed with `e`; setup stops here.
    pub fn failed(&mut self, e: crate::Error) -> crate::Error {
        if let Some(d) = self.current() {
            d.set_outcome(Outcome::Failed);
            d.error = Some(e.to_string());
        }
        e
    }

    /// Logs what a port function reports.
    pub fn event(&mut self, e: Event<'_>) {
        const GMNO: &str = "getMountNameAndOptions";
        match e {
            Event::DevMountIgnored { index, mount } => {
                let mut d = decision_of(self.container.as_deref(), Origin::Spec, Some(index), mount);
                d.set_outcome(Outcome::Dropped);
                self.begin(d);
                self.note("specutils.IsSupportedDevMount", "the sandbox provides this device path itself (devtmpfs/devpts), so the spec mount is dropped");
                // Harmless: the sandbox's own /dev serves the path.
                self.warn_finding(
                    "compileMounts",
                    format!("ignoring dev mount at {}", quote(&mount.destination)),
                    Finding {
                        kind: FindingKind::DroppedDevMount,
                        effect: Effect::Harmless,
                    },
                );
                self.select(None);
            }
            Event::AsIs { typ } => self.note(
                GMNO,
                format!(
                    "type {} is mounted as is; spec options are not passed to it",
                    quote(typ)
                ),
            ),
            Event::NoneIsSysfs => self.note_finding(
                GMNO,
                "type \"none\" is mounted as sysfs (a 2018 quirk)",
                Finding {
                    kind: FindingKind::ConvertedType,
                    effect: Effect::ChangesBehaviour,
                },
            ),
            Event::BindOverGofer { fd } => self.note(GMNO, format!("bind becomes a 9p mount over gofer FD {fd}; non-root binds are always cache=remote_revalidating")),
            Event::BindOverlay => self.note(GMNO, "--overlay: a tmpfs upper goes over this writable bind; the 9p lower is forced read-only"),
            Event::UnknownType { typ } => {
                self.warn_finding(
                    GMNO,
                    format!("ignoring unknown filesystem type {}", quote(typ)),
                    Finding {
                        kind: FindingKind::IgnoredType,
                        effect: Effect::ChangesBehaviour,
                    },
                );
                if let Some(d) = self.current() {
                    d.set_outcome(Outcome::Ignored);
                }
            }
            Event::Mounting { fs_name, device, flags, data, fd } => {
                if let Some(d) = self.current() {
                    d.gofer_fd = fd;
                    d.fs_name = Some(fs_name.to_string());
                    d.device = Some(device.to_string());
                    d.data = Some(data.to_string());
                    d.set_flags(flags);
                    if fs_name == "9p" {
                        d.attach_point = Some(d.destination.clone());
                    }
                }
            }
            Event::RelativeDestination { destination } => self.note_finding(
                "mountSubmount",
                format!(
                    "destination {} is relative: FindInode walks it from the root, so it is mounted at {} (today's runsc refuses it)",
                    quote(destination),
                    crate::util::path::clean(&format!("/{destination}"))
                ),
                Finding {
                    kind: FindingKind::RelativeDestination,
                    effect: Effect::Harmless,
                },
            ),
            Event::SubmountOverlay { stubs } => self.note(
                "mountSubmount",
                format!("mounts nested below it need stub directories: {}", stubs.join(" ")),
            ),
            Event::Built { vfs, inode, stubs } => {
                if let Some(d) = self.current().filter(|_| describe::has_stubs(vfs, inode)) {
                    d.stubs = stubs.to_vec();
                }
            }
            Event::Mounted { vfs, mount } => {
                let Ok(global) = vfs.namespace_root() else {
                    return;
                };
                let path = vfs.path_of(mount, global);
                self.mount_order.push(path.clone());
                let Some(d) = self.current() else { return };
                if let Ok(inode) = vfs.dirent_inode(mount) {
                    d.shown_as = describe::shown_as(vfs, inode);
                    d.layers = describe::describe_layers(vfs, inode, &d.stubs, &d.typ);
                }
                d.mount_path = Some(path);
                d.mount_id = describe::mount_id_of(vfs, mount);
                d.set_outcome(Outcome::Mounted);
            }
            Event::RootMounted { vfs, inode, fd, stubs, overlay } => {
                self.root_mounted(vfs, inode, fd, stubs, overlay);
                self.select(None);
            }
            Event::NamespaceRoot { vfs, root } => {
                if let Some(d) = self.root_decision() {
                    d.mount_id = describe::mount_id_of(vfs, root);
                }
            }
            Event::ChildRootMounted { vfs, root } => {
                let Ok(global) = vfs.namespace_root() else {
                    return;
                };
                let path = vfs.path_of(root, global);
                self.mount_order.push(path.clone());
                if let Some(d) = self.root_decision() {
                    d.reason(
                        "setupContainerFS",
                        format!("child root mounted at {path}; only dev sys proc tmp get stubs"),
                    );
                    d.mount_path = Some(path);
                    d.mount_id = describe::mount_id_of(vfs, root);
                }
            }
        }
    }

    /// The root decision of the container being set up.
    fn root_decision(&mut self) -> Option<&mut Decision> {
        let cid = self.container.as_deref();
        self.decisions
            .iter_mut()
            .rev()
            .find(|d| d.container.as_deref() == cid && d.origin == Origin::Root)
    }

    /// `createRootMount` succeeded: the 9P root over its stubs, maybe under
    /// a tmpfs upper.
    fn root_mounted(
        &mut self,
        vfs: &Vfs,
        inode: InodeId,
        fd: i32,
        stubs: &[String],
        overlay: bool,
    ) {
        let Some(d) = self.current() else { return };
        d.stubs = stubs
            .iter()
            .map(|s| s.trim_start_matches('/').to_string())
            .collect();
        d.layers = describe::describe_layers(vfs, inode, &d.stubs, &d.typ);
        if let Some(m) = describe::mounted_source(vfs, inode) {
            d.fs_name = Some(m.fs_name.clone());
            d.device = Some(m.device.clone());
            d.data = Some(m.data.clone());
            d.set_flags(m.flags);
            d.attach_point = describe::attach_point(m).map(str::to_string);
        }
        d.gofer_fd = Some(fd);
        d.reason(
            "createRootMount",
            format!(
                "the root filesystem comes over 9P from the gofer on FD {fd} (attach point \"/\")"
            ),
        );
        d.reason("createRootMount", "the root is overlaid on a ramfs stub tree (lower) so every mount point exists, even on a read-only root");
        if d.layers.first().is_some_and(|l| l.role == LayerRole::Upper) {
            d.reason(
                "addOverlay",
                "--overlay: writes to / go to a tmpfs upper and never reach the gofer",
            );
        } else if overlay {
            d.reason(
                "createRootMount",
                "--overlay is on but the root is read-only, so it is never overlaid",
            );
        }
        d.shown_as = describe::shown_as(vfs, inode);
        d.set_outcome(Outcome::Mounted);
        d.mount_path = Some("/".into());
    }
}

/// Why `compileMounts` added a mandatory mount.
fn mandatory_reason(dest: &str) -> &'static str {
    match dest {
        "/dev" => "/dev is always mounted (devtmpfs); image /dev contents are hidden",
        "/dev/pts" => "/dev/pts is always mounted (devpts)",
        "/tmp" => "not in the spec: an empty tmpfs is prepended, hiding the image's /tmp",
        _ => "not in the spec: prepended as a mandatory mount, before /dev",
    }
}
