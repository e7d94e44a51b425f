//! runc as the fronts run it ([`crate::engines::Simulation`]): a scenario's
//! container built by [`super::build`], its shell steps, and the report
//! with the shared fields plus `mounts` and `runc`.
//!
//! The decision log is runc's events ([`RuncEvent`]) grouped per mount
//! (`spec.mounts[i]`), each reason named after the runc function that
//! decided, or `kernel` where Linux decided (a mount(2) result). The steps
//! that start or stop other containers, and the restore check, are
//! runsc's: runc runs one container per `runc run`.

use super::report::{RuncEvent, RuncRun};
use super::RuncOptions;
use crate::engines::steps::{self, image_and_sources};
use crate::engines::Engine;
use crate::error::Error;
use crate::report::{
    Decision, Effect, EngineMounts, FindingKind, HostNodeReport, HostNodeType, Layer, LayerRole,
    MountNode, Origin, Outcome, Report, StepReport,
};
use crate::scenario::{EngineConfig, Scenario, Step};
use crate::vfs::{clean, Ctx, DirentId, FileType, MountInfo, MountSourceFlags};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A scenario run on runc.
pub struct RuncSimulation {
    run: RuncRun,
    decisions: Vec<Decision>,
    steps: Vec<StepReport>,
    cwd: Option<DirentId>,
    /// The host paths the report shows: `/` (the rootfs) and each source.
    host_paths: Vec<(String, String)>,
    host: BTreeMap<String, BTreeMap<String, HostNodeReport>>,
}

impl RuncSimulation {
    /// Builds the container of `s` and runs its steps.
    pub fn from_scenario(s: &Scenario) -> RuncSimulation {
        let opts = match &s.options {
            EngineConfig::Runc(o) => o.clone(),
            _ => RuncOptions::default(),
        };
        let bundle = opts.bundle.clone();
        let (rootfs, mut sources) =
            image_and_sources(&s.oci, s.host.as_ref(), Some(&s.sources), |src| {
                absolute_in(&bundle, src)
            });
        let given: std::collections::BTreeSet<String> = sources.keys().map(|k| clean(k)).collect();
        for src in bind_sources(&s.oci, &opts.bundle) {
            // A path inside a given tree is that tree's to give (looked up
            // per ancestor: linear in the mounts, not quadratic).
            let inside = ancestors(&src).any(|a| given.contains(a));
            if !inside {
                sources.entry(src).or_default();
            }
        }
        let sources = file_sources_in_parents(sources);
        let run = super::build(&s.oci, &opts, rootfs.as_ref(), &sources);
        let decisions = decisions_of(&s.oci, &run);
        let root_path = s
            .oci
            .root()
            .as_ref()
            .map(|r| r.path().to_string_lossy().into_owned())
            .unwrap_or_default();
        let root_path = absolute_in(&opts.bundle, &root_path);
        let mut host_paths = vec![("/".to_string(), root_path)];
        host_paths.extend(sources.keys().map(|k| (k.clone(), clean(k))));
        let mut sim = RuncSimulation {
            run,
            decisions,
            steps: Vec::new(),
            cwd: None,
            host_paths,
            host: BTreeMap::new(),
        };
        for step in &s.steps {
            let r = sim.execute(step);
            sim.steps.push(r);
        }
        sim.host = sim.host_report();
        sim
    }

    /// The run.
    pub fn run(&self) -> &RuncRun {
        &self.run
    }

    /// Runs one step and records it; returns a copy.
    pub fn step(&mut self, step: &Step) -> StepReport {
        let r = self.execute(step);
        self.steps.push(r.clone());
        self.host = self.host_report();
        r
    }

    fn execute(&mut self, step: &Step) -> StepReport {
        match step {
            Step::Sh { line, container: None } => {
                let Some(root) = self.run.root else {
                    let e = self.run.error.as_ref().map(Error::to_string).unwrap_or_default();
                    return steps::refused(format!("the container is not set up: {e}"));
                };
                let mut cwd = self.cwd.unwrap_or(root);
                let r = steps::sh(&mut self.run.vfs, root, &mut cwd, line);
                self.cwd = Some(cwd);
                r
            }
            Step::Sh {
                container: Some(c), ..
            } => steps::refused(format!(
                "unknown container {c:?}: runc runs one container, there are no others"
            )),
            Step::AddContainer(_) | Step::DestroyContainer(_) => steps::refused(
                "runc runs one container per `runc run`: adding or destroying containers is runsc's (engine runsc or runsc-2018)",
            ),
            // runc.md §13 (libcontainer/criu_linux.go): runc has no spec-diff
            // check like gVisor's; CRIU re-creates the mount points and maps
            // each bind's destination to the current config's source, so a
            // mismatch only surfaces as a CRIU error.
            Step::Restore(_) => steps::refused(
                "runc has no restore spec check (criu_linux.go maps each bind's destination to the current config's source; a mismatch surfaces as a CRIU error): the restore check is a step of today's runsc (engine runsc)",
            ),
            Step::Exec { .. } => steps::refused(
                "exec (setExecutablePath) is modelled for runsc-2018 only; use an sh step",
            ),
        }
    }

    /// The host trees as the host sees them after the run (writes
    /// through rw binds land in the sources).
    fn host_report(&mut self) -> BTreeMap<String, BTreeMap<String, HostNodeReport>> {
        let mut out = BTreeMap::new();
        let Some(hctx) = self.run.host_ctx() else {
            return out;
        };
        let mut left = crate::limits::MAX_REPORT_BYTES;
        for (key, path) in self.host_paths.clone() {
            let mut nodes = BTreeMap::new();
            walk(&mut self.run.vfs, hctx, &path, ".", &mut nodes, &mut left);
            out.insert(key, nodes);
        }
        out
    }

    fn report_with(&self, steps: &[StepReport]) -> Report {
        let error = self.run.error.as_ref();
        let ok = error.is_none() && steps.iter().all(|s| s.ok);
        Report {
            engine: Engine::Runc,
            ok,
            error: error.map(Error::to_string),
            fatal: error.is_some_and(Error::is_fatal) || steps.iter().any(|s| s.fatal),
            mount_order: self
                .run
                .mounts
                .iter()
                .take(self.run.mount_order)
                .map(|m| {
                    m.mounted_at
                        .clone()
                        .unwrap_or_else(|| clean(&m.destination))
                })
                .collect(),
            fds_consumed: Vec::new(),
            warnings: self.run.warnings.clone(),
            proc_mounts: self.run.proc_mounts.clone(),
            mountinfo: self.run.mountinfo.clone(),
            restore: None,
            decisions: self.decisions.clone(),
            host: self.host.clone(),
            steps: steps.to_vec(),
            mounts: Some(EngineMounts::Runc(self.run.mounts.clone())),
            runsc: None,
            runc: Some(self.run.runc.clone()),
        }
    }
}

/// Sources that are files (`{".": …}`) placed as entries of their parent
/// directory: the host is one filesystem, and the builder places trees
/// whose top is a directory. A name the parent's own tree gives wins.
fn file_sources_in_parents(sources: crate::scenario::HostInput) -> crate::scenario::HostInput {
    let mut out = crate::scenario::HostInput::new();
    let mut files = Vec::new();
    for (path, tree) in sources {
        let path = clean(&path);
        match (tree.get("."), path.rsplit_once('/')) {
            (Some(node), Some((parent, name)))
                if tree.len() == 1 && !name.is_empty() && is_file(node) =>
            {
                let parent = if parent.is_empty() { "/" } else { parent };
                files.push((parent.to_string(), name.to_string(), node.clone()));
            }
            _ => {
                out.insert(path, tree);
            }
        }
    }
    for (parent, name, node) in files {
        out.entry(parent).or_default().entry(name).or_insert(node);
    }
    out
}

fn is_file(node: &crate::scenario::HostNodeInput) -> bool {
    match node {
        crate::scenario::HostNodeInput::Content(_) => true,
        crate::scenario::HostNodeInput::Typed(t) => t.typ == "file",
    }
}

/// `p` and each directory above it, deepest first (`/a/b`, `/a`, `/`).
fn ancestors(p: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(p), |q| match q.rsplit_once('/') {
        Some(("", "")) | None => None,
        Some(("", _)) => Some("/"),
        Some((parent, _)) => Some(parent),
    })
}

/// A path runc resolves against its working directory, the bundle.
fn absolute_in(bundle: &str, p: &str) -> String {
    if p.starts_with('/') {
        clean(p)
    } else {
        clean(&format!("{bundle}/{p}"))
    }
}

/// The host paths of the spec's bind sources that a scenario's `sources`
/// may leave out (each is then an empty directory): not the host's own
/// `/proc`, `/sys` or `/dev`, which the host has.
fn bind_sources(spec: &oci_spec::runtime::Spec, bundle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (m, src) in steps::sourced_mounts(spec) {
        let opts = m.options().clone().unwrap_or_default();
        let bind =
            m.typ().as_deref() == Some("bind") || opts.iter().any(|o| o == "bind" || o == "rbind");
        if !bind {
            continue;
        }
        let abs = absolute_in(bundle, &src);
        // The host's own filesystems, and the bundle (the rootfs is
        // placed there), are not left-out sources.
        let system = ["/proc", "/sys", "/dev", bundle]
            .iter()
            .any(|p| abs == *p || abs.starts_with(&format!("{p}/")));
        if !system && abs != "/" && abs.len() <= crate::limits::MAX_PATH_BYTES {
            out.push(abs);
        }
    }
    out
}

/// The host nodes below `path` (named `rel` from the tree's top), at most
/// [`crate::limits::MAX_TREE_ENTRIES`] of them.
fn walk(
    vfs: &mut crate::vfs::Vfs,
    ctx: Ctx,
    path: &str,
    rel: &str,
    out: &mut BTreeMap<String, HostNodeReport>,
    left: &mut usize,
) {
    if out.len() >= crate::limits::MAX_TREE_ENTRIES {
        return;
    }
    let Ok(st) = vfs.stat(ctx, path, false) else {
        return;
    };
    let mode = format!("{:04o}", st.mode & 0o7777);
    let node = match st.file_type {
        FileType::Directory => HostNodeReport {
            typ: HostNodeType::Dir,
            mode,
            content: None,
            target: None,
            hardlink: None,
        },
        FileType::Symlink => HostNodeReport {
            typ: HostNodeType::Symlink,
            mode,
            content: None,
            target: vfs.readlink(ctx, path).ok(),
            hardlink: None,
        },
        _ => {
            let limit = (*left).min(crate::limits::MAX_REPORT_BYTES);
            let bytes = vfs
                .read_file(ctx, path, limit.saturating_add(1))
                .unwrap_or_default();
            let content = if bytes.len() > limit {
                *left = 0;
                crate::limits::REPORT_BYTES.truncated_marker()
            } else {
                *left -= bytes.len();
                String::from_utf8_lossy(&bytes).into_owned()
            };
            HostNodeReport {
                typ: HostNodeType::File,
                mode,
                content: Some(content),
                target: None,
                hardlink: None,
            }
        }
    };
    let is_dir = node.typ == HostNodeType::Dir;
    out.insert(rel.to_string(), node);
    if !is_dir {
        return;
    }
    let Ok(entries) = vfs.readdir(ctx, path) else {
        return;
    };
    for e in entries {
        if e.name == "." || e.name == ".." {
            continue;
        }
        let child_rel = if rel == "." {
            e.name.clone()
        } else {
            format!("{rel}/{}", e.name)
        };
        walk(
            vfs,
            ctx,
            &crate::vfs::join(path, &e.name),
            &child_rel,
            out,
            left,
        );
    }
}

/// The runc function (or the kernel) behind an event, and what it says.
fn reason_of(e: &RuncEvent) -> (&'static str, Cow<'static, str>) {
    let owned = |s: String| Cow::Owned(s);
    match e {
        RuncEvent::Converted { device, .. } => (
            "createLibcontainerMount",
            owned(format!("converted to a configs.Mount of device {device:?}")),
        ),
        RuncEvent::PrepareRoot {
            propagation,
            rootfs,
        } => (
            "prepareRoot",
            owned(format!(
                "/ made {propagation}; the rootfs {rootfs} bind-mounted onto itself"
            )),
        ),
        RuncEvent::Mountpoint {
            resolved, created, ..
        } => (
            "createOpenMountpoint",
            owned(match created {
                Some(c) => format!("resolved inside the rootfs to {resolved}; created {c}"),
                None => format!("resolved inside the rootfs to {resolved}"),
            }),
        ),
        RuncEvent::TmpfsMode { mode, .. } => (
            "mountToRootfs",
            owned(format!(
                "the target exists: mode={mode} is prepended to the tmpfs data"
            )),
        ),
        RuncEvent::Mount {
            source,
            target,
            fstype,
            flags,
            data,
            result,
            kernel,
            ..
        } => (
            if *kernel { "kernel" } else { "mountViaFds" },
            owned(format!(
                "mount({source:?}, {target:?}, {fstype:?}, {flags}, {data:?}) = {result}"
            )),
        ),
        RuncEvent::BindRemount { flags, .. } => (
            "mountToRootfs",
            owned(format!("bind remounted with MS_BIND|MS_REMOUNT|{flags}")),
        ),
        RuncEvent::RecAttr { set, clr, .. } => (
            "setRecAttr",
            owned(format!(
                "mount_setattr(AT_RECURSIVE) set [{}] clear [{}]",
                set.join(" "),
                clr.join(" ")
            )),
        ),
        RuncEvent::TmpCopyUp { entries, .. } => (
            "mountToRootfs",
            owned(format!("tmpcopyup copied [{}]", entries.join(" "))),
        ),
        RuncEvent::DevSetup { populated, reason } => (
            "needsSetupDev",
            owned(format!(
                "/dev {}: {reason}",
                if *populated {
                    "populated"
                } else {
                    "not populated"
                }
            )),
        ),
        RuncEvent::DevSymlink { path, target } => {
            ("setupDevSymlinks", owned(format!("{path} -> {target}")))
        }
        RuncEvent::ReadonlyRemount { destination } => (
            "finalizeRootfs",
            owned(format!("{destination} remounted read-only (deferred)")),
        ),
        RuncEvent::ReadonlyRoot => ("setReadonly", Cow::Borrowed("/ remounted read-only")),
        RuncEvent::ReadonlyPath { path, applied } => (
            "readonlyPath",
            owned(if *applied {
                format!("{path} made read-only")
            } else {
                format!("{path} skipped (missing)")
            }),
        ),
        RuncEvent::MaskPath { path, how } => ("maskPaths", owned(format!("{path}: {how}"))),
        RuncEvent::NotModelled { what } => ("runc", owned(format!("not modelled: {what}"))),
    }
}

/// The spec mount an event is about (`spec.mounts[i]`), if any.
fn index_of(e: &RuncEvent) -> Option<usize> {
    match e {
        RuncEvent::Converted { index, .. }
        | RuncEvent::Mountpoint { index, .. }
        | RuncEvent::TmpfsMode { index, .. }
        | RuncEvent::BindRemount { index, .. }
        | RuncEvent::RecAttr { index, .. }
        | RuncEvent::TmpCopyUp { index, .. } => Some(*index),
        RuncEvent::Mount { index, .. } => *index,
        _ => None,
    }
}

/// The decision log: the root (with what runc does outside the mount
/// list: root propagation, `/dev`, read-only and masked paths), then one
/// decision per `spec.mounts[i]`.
fn decisions_of(spec: &oci_spec::runtime::Spec, run: &RuncRun) -> Vec<Decision> {
    let root_ro = spec
        .root()
        .as_ref()
        .and_then(|r| r.readonly())
        .unwrap_or(false);
    let root_src = spec
        .root()
        .as_ref()
        .map(|r| r.path().to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut root = Decision::planned(None, Origin::Root, None, "/", "bind", &root_src, &[]);
    root.set_outcome(if run.root.is_some() {
        Outcome::Mounted
    } else {
        Outcome::Failed
    });
    root.set_flags(MountSourceFlags {
        read_only: root_ro,
        no_atime: false,
    });
    root.mount_path = Some("/".into());
    let mut out = vec![root];
    let spec_mounts = spec.mounts().as_deref().unwrap_or_default();
    for (i, m) in run.mounts.iter().enumerate() {
        let options = spec_mounts
            .get(i)
            .and_then(|s| s.options().clone())
            .unwrap_or_default();
        let typ = spec_mounts
            .get(i)
            .and_then(|s| s.typ().clone())
            .unwrap_or_default();
        let mut d = Decision::planned(
            None,
            Origin::Spec,
            Some(i),
            &m.destination,
            &typ,
            &m.source,
            &options,
        );
        if !m.destination.starts_with('/') {
            // createLibcontainerMount warns and goes on: the destination is
            // later joined to the rootfs (a deprecated form).
            d.finding(
                "createLibcontainerMount",
                crate::engines::runc::specconv::relative_destination_warning(&m.destination),
                FindingKind::RelativeDestination,
                Effect::Harmless,
            );
        }
        d.device = Some(m.device.clone());
        d.data = m.mount_data.clone().or_else(|| Some(m.data.clone()));
        d.fs_name = Some(m.device.clone());
        d.shown_as = Some(m.device.clone());
        d.layers = vec![Layer::new(LayerRole::Mount, &m.device, m.source.clone())];
        d.set_flags(MountSourceFlags {
            read_only: m.flags.iter().any(|f| f == "MS_RDONLY"),
            no_atime: m.flags.iter().any(|f| f == "MS_NOATIME"),
        });
        let outcome = match (i.cmp(&run.mount_order), &run.error) {
            (std::cmp::Ordering::Less, _) => Outcome::Mounted,
            (std::cmp::Ordering::Equal, Some(e)) => {
                d.error = Some(e.to_string());
                Outcome::Failed
            }
            _ => Outcome::NotReached,
        };
        d.set_outcome(outcome);
        if outcome == Outcome::Mounted {
            d.mount_path = Some(
                m.mounted_at
                    .clone()
                    .unwrap_or_else(|| clean(&m.destination)),
            );
        }
        out.push(d);
    }
    // The last decision mounted at each path (an index: linear in the mounts).
    let at_path: BTreeMap<String, usize> = out
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.mount_path.clone().map(|p| (p, i)))
        .collect();
    for e in &run.events {
        let (function, text) = reason_of(e);
        let target = match e {
            RuncEvent::ReadonlyRemount { destination } => at_path.get(&clean(destination)).copied(),
            _ => index_of(e).map(|i| i + 1),
        };
        if let Some(d) = out.get_mut(target.unwrap_or(0)) {
            d.reason(function, text);
        }
    }
    steps::error_on_root(&mut out, run.error.as_ref());
    out
}

impl crate::engines::Simulation for RuncSimulation {
    fn engine(&self) -> Engine {
        Engine::Runc
    }

    fn report(&self) -> Report {
        self.report_with(&self.steps)
    }

    fn tree(&self) -> Option<MountNode> {
        crate::tree::tree_of(&self.run.vfs, self.run.root?, &self.decisions)
    }

    fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    fn warnings(&self) -> &[String] {
        &self.run.warnings
    }

    fn mount_table(&self) -> Vec<MountInfo> {
        self.run
            .root
            .map(|r| self.run.vfs.mount_table(r))
            .unwrap_or_default()
    }

    fn proc_mounts(&self) -> Vec<String> {
        self.run.proc_mounts.clone()
    }

    fn mountinfo(&self) -> Vec<String> {
        self.run.mountinfo.clone()
    }

    fn setup_error(&self) -> Option<&Error> {
        self.run.error.as_ref()
    }

    fn run_step(&mut self, step: &Step) -> StepReport {
        self.step(step)
    }
}
