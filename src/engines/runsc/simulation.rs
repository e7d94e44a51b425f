//! Today's runsc as the fronts run it ([`crate::engines::Simulation`]): a
//! scenario's root container built by [`super::build`], its steps (the
//! shell, pod containers added and destroyed, the restore check), and the
//! report with the shared fields plus `mounts` and `runsc`.
//!
//! The decision log is runsc's events ([`RunscEvent`]) grouped per mount,
//! each reason named after the vfs.go (or host-side) function that
//! decided. The shell's `/proc/mounts` is today's format: it is pinned into
//! each container's procfs once its mounts are set up
//! ([`crate::fs::pin_text`]).

use super::events::RunscEvent;
use super::namespace::{ContainerSetup, RunscRun};
use super::report::RunscFacts;
use crate::engines::steps::{self, host_nodes, image_and_sources};
use crate::engines::Engine;
use crate::error::{Error, Result};
use crate::report::{
    Decision, Effect, EngineMounts, FindingKind, Layer, LayerRole, MountNode, Origin, Outcome,
    Report, StepReport,
};
use crate::scenario::{EngineConfig, Scenario, Step};
use crate::vfs::{clean, DirentId, MountInfo, MountSourceFlags, Vfs};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A scenario run on today's runsc.
pub struct RunscSimulation {
    /// `None` when runsc does not start (`--overlay2` refused).
    run: Option<RunscRun>,
    /// The error runsc stops with before building anything.
    start_error: Option<Error>,
    decisions: Vec<Decision>,
    steps: Vec<StepReport>,
    /// Each container's working directory (`""` is the root container).
    cwd: BTreeMap<String, DirentId>,
    panicked_in: Option<String>,
}

impl RunscSimulation {
    /// Builds the root container of `s` and runs its steps.
    pub fn from_scenario(s: &Scenario) -> RunscSimulation {
        let settings = match &s.options {
            EngineConfig::Runsc(c) => c.clone(),
            _ => Default::default(),
        };
        let mut sim = match settings.resolve() {
            Ok(conf) => {
                let (image, sources) = image_and_sources(
                    &s.oci,
                    s.host.as_ref(),
                    Some(&s.sources),
                    super::host::absolute,
                );
                let mut run = super::build(&s.oci, &conf, image.as_ref(), &sources);
                let decisions = decisions_of(&s.oci, None, &container_parts(&run));
                if let Some(root) = run.root {
                    let lines = run.proc_mounts();
                    crate::fs::pin_text(&mut run.vfs, root, "1/mounts", &lines);
                }
                let panicked_in = run
                    .error
                    .as_ref()
                    .filter(|e| e.is_fatal())
                    .map(|_| "root container setup".to_string());
                RunscSimulation {
                    run: Some(run),
                    start_error: None,
                    decisions,
                    steps: Vec::new(),
                    cwd: BTreeMap::new(),
                    panicked_in,
                }
            }
            Err(e) => RunscSimulation {
                run: None,
                start_error: Some(e),
                decisions: Vec::new(),
                steps: Vec::new(),
                cwd: BTreeMap::new(),
                panicked_in: None,
            },
        };
        for step in &s.steps {
            let r = sim.run_step(step);
            sim.steps.push(r);
        }
        sim
    }

    /// The run, once runsc started.
    pub fn run(&self) -> Option<&RunscRun> {
        self.run.as_ref()
    }

    /// The steps run so far.
    pub fn step_reports(&self) -> &[StepReport] {
        &self.steps
    }

    /// Runs one step and records it; returns a copy.
    pub fn step(&mut self, step: &Step) -> StepReport {
        let r = self.run_step(step);
        self.steps.push(r.clone());
        r
    }

    fn run_step(&mut self, step: &Step) -> StepReport {
        if let Some(at) = &self.panicked_in {
            return steps::refused(format!("not run: runsc panicked in {at}"));
        }
        let r = self.execute(step);
        if r.fatal {
            self.panicked_in = Some(format!("steps[{}]", self.steps.len()));
        }
        r
    }

    fn root_of(&self, cid: Option<&str>) -> Result<DirentId> {
        let run = self.started()?;
        match cid {
            None => run.root.ok_or_else(|| {
                let e = run.error.as_ref().map(Error::to_string).unwrap_or_default();
                Error::msg(format!("the root container is not set up: {e}"))
            }),
            Some(c) => {
                let child = run
                    .children
                    .get(c)
                    .ok_or_else(|| Error::msg(format!("unknown container {c:?}")))?;
                child
                    .setup
                    .root
                    .ok_or_else(|| Error::msg(format!("container {c:?} is not set up")))
            }
        }
    }

    fn started(&self) -> Result<&RunscRun> {
        match (&self.run, &self.start_error) {
            (Some(r), _) => Ok(r),
            (None, Some(e)) => Err(Error::msg(format!("runsc did not start: {e}"))),
            (None, None) => Err(Error::msg("runsc did not start")),
        }
    }

    fn execute(&mut self, step: &Step) -> StepReport {
        match step {
            Step::Sh { line, container } => {
                let root = match self.root_of(container.as_deref()) {
                    Ok(r) => r,
                    Err(e) => return StepReport::failed(&e),
                };
                let key = container.clone().unwrap_or_default();
                let mut cwd = self.cwd.get(&key).copied().unwrap_or(root);
                let Some(run) = self.run.as_mut() else {
                    return steps::refused("runsc did not start");
                };
                let r = steps::sh(&mut run.vfs, root, &mut cwd, line);
                self.cwd.insert(key, cwd);
                r
            }
            Step::AddContainer(a) => self.add(a),
            Step::DestroyContainer(cid) => {
                let Some(run) = self.run.as_mut() else {
                    return steps::refused("runsc did not start");
                };
                match run.destroy_container(cid) {
                    Ok(()) => {
                        self.cwd.remove(cid);
                        ok_step(None)
                    }
                    Err(e) => StepReport::failed(&e),
                }
            }
            Step::Restore(spec) => match self.started().and_then(|r| r.check_restore(spec)) {
                Ok(()) => ok_step(None),
                Err(e) => StepReport::failed(&e),
            },
            Step::Exec { .. } => steps::refused(
                "exec (setExecutablePath) is modelled for runsc-2018 only; use an sh step",
            ),
        }
    }

    fn add(&mut self, a: &crate::scenario::AddContainer) -> StepReport {
        if let Err(e) = self.root_of(None) {
            return StepReport::failed(&e);
        }
        let Some(run) = self.run.as_mut() else {
            return steps::refused("runsc did not start");
        };
        let (image, sources) = image_and_sources(
            &a.oci,
            a.host.as_ref(),
            a.sources.as_ref(),
            super::host::absolute,
        );
        if let Err(e) = run.add_container(&a.cid, &a.oci, image.as_ref(), &sources) {
            return StepReport::failed(&e);
        }
        let Some(child) = run.children.get(&a.cid) else {
            return steps::refused(format!("container {:?} was not added", a.cid));
        };
        let (root, error) = (child.setup.root, child.setup.error.clone());
        let lines = child.proc_mounts(&run.vfs);
        self.decisions
            .extend(decisions_of(&a.oci, Some(&a.cid), &parts_of(&child.setup)));
        if let Some(root) = root {
            crate::fs::pin_text(&mut run.vfs, root, "1/mounts", &lines);
        }
        match error {
            Some(e) => StepReport::failed(&e),
            None => ok_step(Some(lines)),
        }
    }

    fn report_with(&self, steps: &[StepReport]) -> Report {
        let (error, fatal) = match (
            &self.start_error,
            self.run.as_ref().and_then(|r| r.error.as_ref()),
        ) {
            (Some(e), _) | (None, Some(e)) => (Some(e.to_string()), e.is_fatal()),
            (None, None) => (None, false),
        };
        let ok = error.is_none() && steps.iter().all(|s| s.ok);
        let fatal = fatal || steps.iter().any(|s| s.fatal);
        let summary = self.run.as_ref().map(RunscRun::summary);
        Report {
            engine: Engine::Runsc,
            ok,
            error,
            fatal,
            mount_order: summary
                .as_ref()
                .map(|s| s.mount_order.clone())
                .unwrap_or_default(),
            fds_consumed: Vec::new(),
            warnings: summary
                .as_ref()
                .map(|s| s.warnings.clone())
                .unwrap_or_default(),
            proc_mounts: summary
                .as_ref()
                .map(|s| s.proc_mounts.clone())
                .unwrap_or_default(),
            mountinfo: Vec::new(),
            restore: None,
            decisions: self.decisions.clone(),
            host: self.host_report(),
            steps: steps.to_vec(),
            mounts: Some(EngineMounts::Runsc(
                summary
                    .as_ref()
                    .map(|s| s.mounts.clone())
                    .unwrap_or_default(),
            )),
            runsc: Some(summary.map(|s| s.runsc).unwrap_or_default()),
            runc: None,
        }
    }

    /// The host trees: `/` (the image) and each bind source by its host
    /// path, with the filestore files runsc created in them.
    fn host_report(&self) -> BTreeMap<String, BTreeMap<String, crate::report::HostNodeReport>> {
        let mut out = BTreeMap::new();
        let Some(run) = &self.run else { return out };
        let Some(host) = run.host() else { return out };
        let mut left = crate::limits::MAX_REPORT_BYTES;
        for (key, path) in run.host_trees() {
            out.insert(key, host_nodes(host, &path, &mut left));
        }
        out
    }

    fn vfs_and_root(&self) -> Option<(&Vfs, DirentId)> {
        let run = self.run.as_ref()?;
        Some((&run.vfs, run.root?))
    }
}

fn ok_step(proc_mounts: Option<Vec<String>>) -> StepReport {
    StepReport {
        ok: true,
        proc_mounts,
        ..StepReport::default()
    }
}

/// What one container's setup left, borrowed for the decision log.
struct Parts<'a> {
    events: &'a [RunscEvent],
    mounts: &'a [super::report::RunscMountEntry],
    facts: &'a RunscFacts,
    root_path: &'a str,
    mounted_root: bool,
    error: Option<&'a Error>,
}

fn container_parts(run: &RunscRun) -> Parts<'_> {
    Parts {
        events: &run.events,
        mounts: &run.mounts,
        facts: &run.runsc,
        root_path: &run.root_path,
        mounted_root: run.root.is_some(),
        error: run.error.as_ref(),
    }
}

fn parts_of(c: &ContainerSetup) -> Parts<'_> {
    Parts {
        events: &c.events,
        mounts: &c.mounts,
        facts: &c.runsc,
        root_path: &c.root_path,
        mounted_root: c.root.is_some(),
        error: c.error.as_ref(),
    }
}

/// The vfs.go (or host-side) function that took a decision, and what it
/// says about it.
fn reason_of(e: &RunscEvent) -> (&'static str, Cow<'static, str>) {
    let text = |e: &RunscEvent| Cow::Owned(e.text().unwrap_or_default());
    match e {
        RunscEvent::Configuring => ("mountAll", text(e)),
        RunscEvent::MountingRoot { .. } => ("createMountNamespace", text(e)),
        RunscEvent::RootOverlay { medium } => (
            "createMountNamespace",
            Cow::Owned(format!("Adding overlay on top of root (medium {medium})")),
        ),
        RunscEvent::FilestoreHidden { name, .. } => (
            "configureOverlay",
            Cow::Owned(format!("the filestore file {name} is hidden with a whiteout")),
        ),
        RunscEvent::HostMountPoint { resolved, .. } => (
            "SetupMounts",
            Cow::Owned(format!("the gofer's mount point for this bind is {resolved}")),
        ),
        RunscEvent::FilestoreCreated { .. } => ("createGoferFilestoreInSelf", text(e)),
        RunscEvent::UnknownType { .. } => ("getMountNameAndOptions", text(e)),
        RunscEvent::SubmountOverlay { .. } | RunscEvent::Mounted { .. } => {
            ("mountSubmount", text(e))
        }
        RunscEvent::MountPointCreated { kind, .. } => (
            "makeMountPoint",
            Cow::Owned(format!("created the mount point ({kind})")),
        ),
        RunscEvent::SymlinkFollowed { mounted_at, .. } => (
            "makeMountPoint",
            Cow::Owned(format!(
                "the destination resolves through symlinks (inside the container root) to {mounted_at}"
            )),
        ),
        RunscEvent::ReadOnlyToggled { read_only, .. } => (
            "mountSubmounts",
            Cow::Borrowed(if *read_only {
                "set read-only again once the mounts below it are placed"
            } else {
                "read-only: set read-write while mounts are placed below it"
            }),
        ),
        RunscEvent::TmpExplicit | RunscEvent::TmpOverEmpty | RunscEvent::TmpNotEmpty => {
            ("mountTmp", text(e))
        }
        RunscEvent::TmpMissing => (
            "mountTmp",
            Cow::Borrowed("\"/tmp\" is missing: the internal tmpfs is mounted"),
        ),
        RunscEvent::TmpNotDir => ("mountTmp", Cow::Borrowed("\"/tmp\" is not a directory: Not a dir?! Let it be.")),
        RunscEvent::SharedMaster { .. } | RunscEvent::SharedExisting { .. } => {
            ("getSharedMount", text(e))
        }
        RunscEvent::SharedMounted { .. } => ("mountSharedSubmount", text(e)),
        RunscEvent::CgroupController {
            controller,
            destination,
        } => (
            "mountCgroupSubmounts",
            Cow::Owned(format!("controller {controller} bound at {destination}")),
        ),
        RunscEvent::Device { path, outcome } => (
            "createDeviceFiles",
            Cow::Owned(format!("{path}: {outcome}")),
        ),
        RunscEvent::Failed { error } => ("setupContainerVFS", Cow::Owned(error.clone())),
    }
}

/// The mount an event is about, if it names one.
fn destination_of(e: &RunscEvent) -> Option<&str> {
    match e {
        RunscEvent::FilestoreHidden { destination, .. }
        | RunscEvent::HostMountPoint { destination, .. }
        | RunscEvent::UnknownType { destination, .. }
        | RunscEvent::SubmountOverlay { destination }
        | RunscEvent::MountPointCreated { destination, .. }
        | RunscEvent::SymlinkFollowed { destination, .. }
        | RunscEvent::Mounted { destination, .. }
        | RunscEvent::ReadOnlyToggled { destination, .. }
        | RunscEvent::SharedMounted { destination, .. } => Some(destination),
        RunscEvent::TmpExplicit
        | RunscEvent::TmpOverEmpty
        | RunscEvent::TmpMissing
        | RunscEvent::TmpNotEmpty
        | RunscEvent::TmpNotDir => Some("/tmp"),
        _ => None,
    }
}

/// The first index queued for `key`, taken off the queue.
fn take_first(
    by_dest: &mut BTreeMap<String, std::collections::VecDeque<usize>>,
    key: &str,
) -> Option<usize> {
    by_dest
        .get_mut(key)
        .and_then(std::collections::VecDeque::pop_front)
}

/// A mount's inode stack, top first: an overlay is a tmpfs upper (in
/// memory or backed by a filestore file) over the gofer's 9p lower
/// (`configureOverlay`); anything else is the filesystem alone.
fn layers_of(fs: &str, source: &str) -> Vec<Layer> {
    if fs == "overlay" {
        vec![
            Layer::new(LayerRole::Upper, "tmpfs", String::new()),
            Layer::new(LayerRole::Mount, "9p", source.to_string()),
        ]
    } else {
        vec![Layer::new(LayerRole::Mount, fs, source.to_string())]
    }
}

/// The decision log of one container: the root, then each mount in mount
/// order, then the spec mounts not mounted (ignored, dropped, failed or
/// not reached).
fn decisions_of(spec: &oci_spec::runtime::Spec, cid: Option<&str>, p: &Parts<'_>) -> Vec<Decision> {
    let spec_mounts = super::mount::SpecMount::from_spec(spec).unwrap_or_default();
    let mut used = vec![false; spec_mounts.len()];
    // Spec mounts by cleaned destination, in spec order: each mount takes
    // the first one not taken (an index, so a spec of 100 000 mounts is
    // not quadratic).
    let mut by_dest: BTreeMap<String, std::collections::VecDeque<usize>> = BTreeMap::new();
    for (i, s) in spec_mounts.iter().enumerate() {
        by_dest
            .entry(clean(&s.destination))
            .or_default()
            .push_back(i);
    }
    let mut root = Decision::planned(
        cid,
        Origin::Root,
        None,
        "/",
        &p.facts.root.fs,
        p.root_path,
        &[],
    );
    root.fs_name = Some(p.facts.root.fs.clone());
    root.data = Some(p.facts.root.lower_data.clone());
    root.set_flags(MountSourceFlags {
        read_only: p.facts.root.ro,
        no_atime: false,
    });
    root.mount_path = Some("/".into());
    root.shown_as = Some(p.facts.root.fs.clone());
    root.layers = layers_of(&p.facts.root.fs, p.root_path);
    root.set_outcome(if p.mounted_root {
        Outcome::Mounted
    } else {
        Outcome::Failed
    });
    let mut out = vec![root];
    for m in p.mounts {
        let at = m
            .mounted_at
            .clone()
            .unwrap_or_else(|| clean(&m.destination));
        if at == "/" {
            // The root's entry (its overlay): the root decision says it.
            continue;
        }
        let idx = take_first(&mut by_dest, &clean(&m.destination))
            .or_else(|| take_first(&mut by_dest, &at));
        if let Some(slot) = idx.and_then(|i| used.get_mut(i)) {
            *slot = true;
        }
        let spec_m = idx.and_then(|i| spec_mounts.get(i));
        let (origin, typ, options) = match spec_m {
            Some(s) => (Origin::Spec, s.typ.clone(), s.opts().to_vec()),
            None => (Origin::Mandatory, m.fs.clone(), Vec::new()),
        };
        let mut d = Decision::planned(cid, origin, idx, &m.destination, &typ, &m.source, &options);
        d.set_outcome(Outcome::Mounted);
        if origin == Origin::Spec && typ == "none" && m.fs != typ {
            // getMountNameAndOptions' `case Nonefs: fsName = sys.Name`
            // (vfs.go), silently: the spec's type is not what is mounted.
            d.finding(
                "getMountNameAndOptions",
                format!("type \"none\" is mounted as {}", m.fs),
                FindingKind::ConvertedType,
                Effect::ChangesBehaviour,
            );
        }
        d.fs_name = Some(m.fs.clone());
        d.data = Some(m.data.clone());
        d.set_flags(MountSourceFlags {
            read_only: m.ro,
            no_atime: m.flags.iter().any(|f| f == "noatime"),
        });
        d.layers = layers_of(&m.fs, &m.source);
        d.shown_as = Some(m.fs.clone());
        d.mount_path = Some(at);
        out.push(d);
    }
    // What the loop below asks of every unmounted mount, computed once
    // (the events are as many as the mounts).
    let unknown: std::collections::BTreeSet<String> = p
        .events
        .iter()
        .filter_map(|e| match e {
            RunscEvent::UnknownType { destination, .. } => Some(clean(destination)),
            _ => None,
        })
        .collect();
    let error_text = p.error.map(Error::to_string);
    for (i, s) in spec_mounts.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        let mut d = Decision::planned(
            cid,
            Origin::Spec,
            Some(i),
            &s.destination,
            &s.typ,
            &s.source,
            s.opts(),
        );
        let ignored = unknown.contains(&clean(&s.destination));
        let failed = error_text
            .as_deref()
            .filter(|e| e.contains(&crate::gostr::quote(&s.destination)));
        let outcome = match (ignored, failed, p.error) {
            (true, _, _) => Outcome::Ignored,
            (_, Some(e), _) => {
                d.error = Some(e.to_string());
                Outcome::Failed
            }
            (_, None, Some(_)) => Outcome::NotReached,
            (_, None, None) => Outcome::Dropped,
        };
        d.set_outcome(outcome);
        out.push(d);
    }
    // Each event's reason goes to the mount it names (the last decision
    // at that path, by destination or where it is mounted), the others to
    // the root's.
    let mut at_path: BTreeMap<String, usize> = BTreeMap::new();
    for (i, d) in out.iter().enumerate() {
        at_path.insert(clean(&d.destination), i);
        if let Some(mp) = &d.mount_path {
            at_path.insert(mp.clone(), i);
        }
    }
    for e in p.events {
        let (function, text) = reason_of(e);
        let target = destination_of(e).and_then(|dst| at_path.get(&clean(dst)).copied());
        if let Some(d) = out.get_mut(target.unwrap_or(0)) {
            match e {
                // getMountNameAndOptions' default case: the mount is skipped.
                RunscEvent::UnknownType { .. } => d.finding(
                    function,
                    text,
                    FindingKind::IgnoredType,
                    Effect::ChangesBehaviour,
                ),
                _ => d.reason(function, text),
            }
        }
    }
    steps::error_on_root(&mut out, p.error);
    out
}

impl crate::engines::Simulation for RunscSimulation {
    fn engine(&self) -> Engine {
        Engine::Runsc
    }

    fn report(&self) -> Report {
        self.report_with(&self.steps)
    }

    fn tree(&self) -> Option<MountNode> {
        let (vfs, root) = self.vfs_and_root()?;
        crate::tree::tree_of(vfs, root, &self.decisions)
    }

    fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    fn warnings(&self) -> &[String] {
        self.run.as_ref().map_or(&[], |r| &r.warnings)
    }

    fn mount_table(&self) -> Vec<MountInfo> {
        self.vfs_and_root()
            .map(|(vfs, root)| vfs.mount_table(root))
            .unwrap_or_default()
    }

    fn proc_mounts(&self) -> Vec<String> {
        self.run
            .as_ref()
            .map(RunscRun::proc_mounts)
            .unwrap_or_default()
    }

    fn mountinfo(&self) -> Vec<String> {
        // Today's mountinfo is not modelled: the report says so by an
        // empty list rather than by 2018's format.
        Vec::new()
    }

    fn setup_error(&self) -> Option<&Error> {
        self.start_error
            .as_ref()
            .or_else(|| self.run.as_ref().and_then(|r| r.error.as_ref()))
    }

    fn run_step(&mut self, step: &Step) -> StepReport {
        self.step(step)
    }
}
