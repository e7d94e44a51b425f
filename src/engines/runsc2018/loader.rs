//! The facade both fronts talk to (the parts of `runsc/boot/loader.go` that
//! matter): build a sandbox from a scenario, run steps, and produce the
//! report, the mount tree and the 9P logs.

use crate::engines::runsc2018::boot::{
    create_restore_environment, destroy_container_fs, errorf, set_executable_path,
    setup_container_fs, validate_id, BootConfig, Decision, FdDispenser, Origin, Outcome, Recorder,
    RestoreEnvironment, SpecView,
};
use crate::engines::runsc2018::container_fs::{
    check_setup_limits, setup_gofer, setup_gofer_on, GoferSetup,
};
use crate::error::{Error, Result};
use crate::fs::{mountinfo_text, mounts_text};
use crate::p9::host::HostFs;
use crate::p9::log::LogEntry;
use crate::scenario::{AddContainer, HostInput, Scenario, Step};
use crate::shell::{self, ShellOutput, Task};
use crate::vfs::{Ctx, DirentId, MountInfo, Vfs};
use std::collections::BTreeMap;

/// A child container.
#[derive(Clone, Debug)]
pub struct Container {
    pub cid: String,
    pub root: DirentId,
    pub cwd: DirentId,
    pub spec: SpecView,
    pub gofer: usize,
    pub fds: Vec<i32>,
    pub fds_consumed: Vec<i32>,
    pub destroyed: bool,
}

pub use crate::report::{HostNodeReport, HostNodeType, Report, RestoreReport, StepReport};

/// A simulated sandbox.
pub struct Loader {
    pub vfs: Vfs,
    pub config: BootConfig,
    /// The root container's spec (bind destinations as runsc rewrote them).
    pub spec: SpecView,
    pub rec: Recorder,
    pub root_cwd: Option<DirentId>,
    pub setup_error: Option<Error>,
    pub fds: Vec<i32>,
    pub fds_consumed: Vec<i32>,
    pub containers: BTreeMap<String, Container>,
    /// Every container id whose setup was attempted, successful or not:
    /// runsc destroys a container whose start failed too (`destroyContainerFS`
    /// then cleans up whatever `setupContainerFS` left behind).
    pub started: std::collections::BTreeSet<String>,
    pub steps: Vec<StepReport>,
    pub restore: RestoreReport,
    /// Where runsc panicked (`root container setup`, `steps[3]`): a panic
    /// kills the sandbox, so no step after it runs.
    panicked_in: Option<String>,
    next_fd: i32,
    /// Bytes of step output recorded so far, against `MAX_REPORT_BYTES`.
    report_bytes: usize,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

impl Loader {
    /// Sets up the root container (`setupContainerFS`, root branch) on the
    /// host tree the scenario describes and computes the restore
    /// environment. Setup errors are kept, not returned: a failed setup is
    /// still something to report and look at.
    pub fn new(
        spec: &SpecView,
        config: BootConfig,
        host: Option<&HostInput>,
        gofer_fds: Option<&[i32]>,
    ) -> Result<Loader> {
        let setup = setup_gofer(spec, host, gofer_fds, 3)?;
        let mut sb = Loader::boot(setup, config);
        sb.compute_restore();
        Ok(sb)
    }

    /// Only what runsc does when it boots a sandbox, on a host tree staged
    /// beforehand: the gofer's attach points and connections, then
    /// `createMountNamespace`. No restore environment (runsc computes one
    /// only when restoring a checkpoint); this is what the build benchmark
    /// times against the kernel.
    pub fn boot_on_host(
        spec: &SpecView,
        config: BootConfig,
        host: HostFs,
        gofer_fds: Option<&[i32]>,
    ) -> Result<Loader> {
        check_setup_limits(spec, gofer_fds)?;
        let setup = setup_gofer_on(spec, host, gofer_fds, 3)?;
        Ok(Loader::boot(setup, config))
    }

    fn boot(setup: GoferSetup, config: BootConfig) -> Loader {
        let GoferSetup {
            gofer,
            spec,
            fds,
            notes,
        } = setup;
        let mut vfs = Vfs::new();
        vfs.add_gofer(gofer);
        let next_fd = fds.iter().copied().max().unwrap_or(2).saturating_add(1);
        let mut sb = Loader {
            vfs,
            config,
            spec,
            rec: Recorder::default(),
            root_cwd: None,
            setup_error: None,
            fds: fds.clone(),
            fds_consumed: Vec::new(),
            containers: BTreeMap::new(),
            started: std::collections::BTreeSet::new(),
            steps: Vec::new(),
            restore: RestoreReport::default(),
            panicked_in: None,
            next_fd,
            report_bytes: 0,
        };
        let mut dispenser = FdDispenser::new(&fds);
        let (vfs, spec, conf, rec) = (&mut sb.vfs, &sb.spec, &sb.config, &mut sb.rec);
        match setup_container_fs(vfs, spec, conf, &mut dispenser, None, rec) {
            Ok(root) => sb.root_cwd = Some(root),
            Err(e) => sb.setup_error = Some(e),
        }
        sb.fds_consumed = dispenser.consumed().to_vec();
        annotate(&mut sb.rec.decisions, None, &notes);
        if sb.setup_error.as_ref().is_some_and(Error::is_fatal) {
            sb.panicked_in = Some("root container setup".to_string());
        }
        sb
    }

    /// Builds a sandbox from a scenario and runs its steps.
    pub fn from_scenario(s: &Scenario) -> Result<Loader> {
        let mut sb = Loader::new(&s.spec, s.config, s.host.as_ref(), s.gofer_fds.as_deref())?;
        for step in &s.steps {
            let r = sb.step_report(step);
            sb.steps.push(r);
        }
        Ok(sb)
    }

    fn compute_restore(&mut self) {
        let mut rec = Recorder::default();
        let mut fds = FdDispenser::new(&self.fds);
        let r = create_restore_environment(&self.spec, &self.config, &mut fds, &mut rec);
        self.restore = match r {
            Ok(RestoreEnvironment { mount_sources }) => RestoreReport {
                mount_sources,
                fds_consumed: fds.consumed().to_vec(),
                error: None,
                fatal: false,
            },
            Err(e) => RestoreReport {
                mount_sources: BTreeMap::new(),
                fds_consumed: fds.consumed().to_vec(),
                error: Some(e.to_string()),
                fatal: e.is_fatal(),
            },
        };
    }

    /// The namespace root, once the root container is set up.
    pub fn root(&self) -> Result<DirentId> {
        match &self.setup_error {
            Some(e) if self.vfs.namespace_root().is_err() => {
                Err(Error::msg(format!("the root container is not set up: {e}")))
            }
            _ => self.vfs.namespace_root(),
        }
    }

    /// Runs one step and records its report; returns a copy for the caller
    /// (the playground shows it).
    pub fn run_step(&mut self, step: &Step) -> StepReport {
        let r = self.step_report(step);
        self.steps.push(r.clone());
        r
    }

    /// The report of the next step (`steps[i]`, i the steps recorded so
    /// far): run, or not run after a runsc panic, which kills the sandbox.
    fn step_report(&mut self, step: &Step) -> StepReport {
        if let Some(at) = &self.panicked_in {
            return StepReport {
                ok: false,
                error: Some(format!("not run: runsc panicked in {at}")),
                ..StepReport::default()
            };
        }
        let r = self.execute_step(step);
        if r.fatal {
            self.panicked_in = Some(format!("steps[{}]", self.steps.len()));
        }
        r
    }

    fn execute_step(&mut self, step: &Step) -> StepReport {
        match step {
            Step::AddContainer(a) => self.add_container(a),
            Step::DestroyContainer(cid) => self.destroy_container(cid),
            Step::Exec {
                argv0,
                env,
                wd,
                container,
            } => self.exec(argv0, env, wd, container.as_deref()),
            Step::Sh { line, container } => self.sh(line, container.as_deref()),
            Step::Restore(_) => StepReport::failed(&Error::msg(
                "the restore check is a step of today's runsc (engine runsc), not of runsc-2018",
            )),
        }
    }

    /// `runsc start` of a child container: its own gofer, FDs numbered after
    /// every FD used so far unless given.
    pub fn add_container(&mut self, a: &AddContainer) -> StepReport {
        let (setup, gofer) = match self.start_gofer(a) {
            Ok(x) => x,
            Err(e) => return StepReport::failed(&e),
        };
        let mut fds = FdDispenser::new(&setup.fds);
        match self.setup_child(a, setup, gofer, &mut fds) {
            Ok(r) => r,
            // A setup that failed part-way reports the FDs it took, as the
            // root container's report does.
            Err(e) => StepReport {
                fds_consumed: Some(fds.consumed().to_vec()),
                ..StepReport::failed(&e)
            },
        }
    }

    /// What comes before the child's `setupContainerFS`: the checks, then
    /// the container's own gofer (added as the start in progress).
    fn start_gofer(&mut self, a: &AddContainer) -> Result<(GoferSetup, usize)> {
        self.root()?;
        validate_id(&a.cid)?;
        if !self.started.contains(&a.cid) {
            crate::limits::CONTAINERS.check("containers", self.started.len() + 1)?;
        }
        self.started.insert(a.cid.clone());
        let mut setup = setup_gofer(
            &a.spec,
            a.host.as_ref(),
            a.gofer_fds.as_deref(),
            self.next_fd,
        )?;
        self.next_fd = setup
            .fds
            .iter()
            .copied()
            .max()
            .unwrap_or(self.next_fd)
            .saturating_add(1)
            .max(self.next_fd);
        let gofer = self.vfs.add_gofer(std::mem::take(&mut setup.gofer));
        Ok((setup, gofer))
    }

    /// The child branch of `setupContainerFS` on the start's dispenser.
    fn setup_child(
        &mut self,
        a: &AddContainer,
        setup: GoferSetup,
        gofer: usize,
        fds: &mut FdDispenser,
    ) -> Result<StepReport> {
        let first_decision = self.rec.decisions.len();
        let cid = Some(a.cid.as_str());
        let r = setup_container_fs(
            &mut self.vfs,
            &setup.spec,
            &self.config,
            fds,
            cid,
            &mut self.rec,
        );
        if let Some(ds) = self.rec.decisions.get_mut(first_decision..) {
            annotate(ds, Some(&a.cid), &setup.notes);
        }
        let root = r.map_err(errorf("failed to create new process"))?;
        let consumed = fds.consumed().to_vec();
        let view = mounts_text(&self.vfs.mount_table(root));
        self.containers.insert(
            a.cid.clone(),
            Container {
                cid: a.cid.clone(),
                root,
                cwd: root,
                spec: setup.spec,
                gofer,
                fds: setup.fds,
                fds_consumed: consumed.clone(),
                destroyed: false,
            },
        );
        Ok(StepReport {
            ok: true,
            fds_consumed: Some(consumed),
            proc_mounts: Some(lines(&view)),
            ..StepReport::default()
        })
    }

    /// `destroyContainerFS`. Destroying twice is fine, as in runsc, and so
    /// is destroying a container whose setup failed; a container id never
    /// added is an error.
    pub fn destroy_container(&mut self, cid: &str) -> StepReport {
        if !self.started.contains(cid) {
            return StepReport::failed(&Error::msg(format!("unknown container {cid:?}")));
        }
        match destroy_container_fs(&mut self.vfs, cid) {
            Ok(()) => {
                if let Some(c) = self.containers.get_mut(cid) {
                    c.destroyed = true;
                }
                StepReport {
                    ok: true,
                    ..StepReport::default()
                }
            }
            Err(e) => StepReport::failed(&e),
        }
    }

    /// The task context of the root container or of a live child.
    fn task_parts(
        &self,
        container: Option<&str>,
    ) -> Result<(DirentId, DirentId, Vec<String>, String)> {
        match container {
            None => {
                let root = self.root()?;
                Ok((
                    root,
                    self.root_cwd.unwrap_or(root),
                    self.spec.env.clone(),
                    self.spec.cwd.clone(),
                ))
            }
            Some(cid) => match self.containers.get(cid) {
                Some(c) if !c.destroyed => {
                    Ok((c.root, c.cwd, c.spec.env.clone(), c.spec.cwd.clone()))
                }
                Some(_) => Err(Error::msg(format!("container {cid:?} was destroyed"))),
                None => Err(Error::msg(format!("unknown container {cid:?}"))),
            },
        }
    }

    /// `setExecutablePath` for a process in the root or a child container.
    pub fn exec(
        &mut self,
        argv0: &str,
        env: &[String],
        wd: &str,
        container: Option<&str>,
    ) -> StepReport {
        let r = self.task_parts(container).and_then(|(root, _, _, _)| {
            set_executable_path(&mut self.vfs, Ctx::at(root), argv0, env, wd).map_err(|e| {
                e.wrap(format!("error setting executable path for &{{Filename: Argv:[{argv0}] Envv:[{}] WorkingDirectory:{wd}}}", env.join(" ")))
            })
        });
        match r {
            Ok(f) => StepReport {
                ok: true,
                filename: Some(f),
                ..StepReport::default()
            },
            Err(e) => StepReport::failed(&e),
        }
    }

    /// Runs a shell line in the root or a child container.
    /// Step outputs share the report's budget (`MAX_REPORT_BYTES`): a step
    /// may print what is left of it, at most `MAX_SHELL_OUTPUT`.
    pub fn sh(&mut self, line: &str, container: Option<&str>) -> StepReport {
        use crate::limits::{MAX_REPORT_BYTES, MAX_SHELL_OUTPUT};
        let left = MAX_REPORT_BYTES.saturating_sub(self.report_bytes);
        let budget = if left < MAX_SHELL_OUTPUT {
            shell::Budget {
                bytes: left,
                limit: crate::limits::REPORT_BYTES,
            }
        } else {
            shell::Budget::default()
        };
        let out = self.shell_within(line, container, budget);
        if let Ok(o) = &out {
            self.report_bytes = self.report_bytes.saturating_add(o.output.len());
        }
        match out {
            Ok(o) => StepReport {
                ok: o.error.is_none(),
                error: o.error,
                errno: o.errno,
                fatal: false,
                output: Some(o.output),
                notes: o.notes,
                ..StepReport::default()
            },
            Err(e) => StepReport::failed(&e),
        }
    }

    /// The shell, keeping each container's working directory.
    pub fn shell(&mut self, line: &str, container: Option<&str>) -> Result<ShellOutput> {
        self.shell_within(line, container, shell::Budget::default())
    }

    fn shell_within(
        &mut self,
        line: &str,
        container: Option<&str>,
        budget: shell::Budget,
    ) -> Result<ShellOutput> {
        let (root, mut cwd, env, wd) = self.task_parts(container)?;
        let out = shell::run_within(
            &mut self.vfs,
            Task {
                root,
                cwd: &mut cwd,
                env: &env,
                wd: &wd,
            },
            line,
            budget,
        );
        match container {
            None => self.root_cwd = Some(cwd),
            Some(cid) => {
                if let Some(c) = self.containers.get_mut(cid) {
                    c.cwd = cwd;
                }
            }
        }
        Ok(out)
    }

    /// The mount table a task of `container` (or the root) sees.
    pub fn mount_table(&self, container: Option<&str>) -> Result<Vec<MountInfo>> {
        let (root, _, _, _) = self.task_parts(container)?;
        Ok(self.vfs.mount_table(root))
    }

    /// `/proc/self/mounts` lines for `container` (or the root).
    pub fn proc_mounts(&self, container: Option<&str>) -> Result<Vec<String>> {
        Ok(lines(&mounts_text(&self.mount_table(container)?)))
    }

    /// Every 9P message exchanged so far, over all connections.
    pub fn ninep_log(&self) -> Vec<LogEntry> {
        self.vfs
            .gofers()
            .iter()
            .flat_map(|g| g.all_log_entries())
            .collect()
    }

    /// The host trees of every attach point of every gofer. The root's are
    /// keyed by path, a child's as `<cid>:<path>`. A file's content is
    /// printed once per inode (its other names say `hardlink`), and all
    /// contents share what step outputs left of `MAX_REPORT_BYTES` (a
    /// content past it is replaced by the cut marker).
    pub fn host_report(&self) -> BTreeMap<String, BTreeMap<String, HostNodeReport>> {
        use crate::limits::MAX_REPORT_BYTES;
        let mut left = MAX_REPORT_BYTES.saturating_sub(self.report_bytes);
        let mut out = BTreeMap::new();
        let mut owners: Vec<(usize, Option<&str>)> = vec![(0, None)];
        owners.extend(
            self.containers
                .values()
                .map(|c| (c.gofer, Some(c.cid.as_str()))),
        );
        for (g, cid) in owners {
            let Some(gofer) = self.vfs.gofers().get(g) else {
                continue;
            };
            for ap in gofer.attach_points() {
                let key = match cid {
                    Some(c) => format!("{c}:{}", ap.path),
                    None => ap.path.clone(),
                };
                let nodes = crate::engines::steps::host_nodes(gofer.host(), &ap.path, &mut left);
                out.insert(key, nodes);
            }
        }
        out
    }

    /// The full report (a copy: the sandbox lives on).
    pub fn report(&self) -> Report {
        self.report_with(self.steps.clone())
    }

    /// The full report, moving the step reports out instead of copying
    /// them (`mountlab run`: the sandbox is done with, and whatever else it
    /// holds is left for the caller to free or, at exit, to the OS).
    pub fn take_report(&mut self) -> Report {
        let steps = std::mem::take(&mut self.steps);
        self.report_with(steps)
    }

    /// The mount table at the namespace's global root (empty before setup).
    pub fn global_mount_table(&self) -> Vec<MountInfo> {
        self.vfs
            .namespace_root()
            .map(|r| self.vfs.mount_table(r))
            .unwrap_or_default()
    }

    fn report_with(&self, steps: Vec<StepReport>) -> Report {
        let table = self.global_mount_table();
        let ok = self.setup_error.is_none() && steps.iter().all(|s| s.ok);
        Report {
            engine: crate::engines::Engine::Runsc2018,
            ok,
            error: self.setup_error.as_ref().map(Error::to_string),
            fatal: self.setup_error.as_ref().is_some_and(Error::is_fatal)
                || steps.iter().any(|s| s.fatal),
            mount_order: self.rec.mount_order.clone(),
            fds_consumed: self.fds_consumed.clone(),
            warnings: self.rec.warnings.clone(),
            proc_mounts: lines(&mounts_text(&table)),
            mountinfo: lines(&mountinfo_text(&table)),
            restore: Some(self.restore.clone()),
            decisions: self.rec.decisions.clone(),
            host: self.host_report(),
            steps,
            mounts: None,
            runsc: None,
            runc: None,
        }
    }
}

/// Adds runsc's host-side notes to the decisions of spec mounts.
/// One pass over the decisions indexes the first one of each spec mount of
/// `cid`, so a spec whose every mount has a note costs N, not N² (the
/// search per note was 46% of a 50 000-mount `preview`).
fn annotate(decisions: &mut [Decision], cid: Option<&str>, notes: &[(usize, String)]) {
    if notes.is_empty() {
        return;
    }
    let mut first: crate::util::FastMap<usize, usize> = Default::default();
    for (i, d) in decisions.iter().enumerate() {
        if d.origin == Origin::Spec && d.container.as_deref() == cid {
            if let Some(idx) = d.spec_index {
                first.entry(idx).or_insert(i);
            }
        }
    }
    for (idx, text) in notes {
        if let Some(d) = first.get(idx).and_then(|&i| decisions.get_mut(i)) {
            d.reason("runsc/container", text.clone());
        }
    }
    let _ = Outcome::Mounted;
}

impl crate::engines::Simulation for Loader {
    fn engine(&self) -> crate::engines::Engine {
        crate::engines::Engine::Runsc2018
    }

    fn report(&self) -> Report {
        Loader::report(self)
    }

    fn take_report(&mut self) -> Report {
        Loader::take_report(self)
    }

    fn tree(&self) -> Option<crate::report::MountNode> {
        crate::tree::mount_tree(self)
    }

    fn decisions(&self) -> &[Decision] {
        &self.rec.decisions
    }

    fn warnings(&self) -> &[String] {
        &self.rec.warnings
    }

    fn mount_table(&self) -> Vec<MountInfo> {
        self.global_mount_table()
    }

    fn proc_mounts(&self) -> Vec<String> {
        lines(&mounts_text(&self.global_mount_table()))
    }

    fn mountinfo(&self) -> Vec<String> {
        lines(&mountinfo_text(&self.global_mount_table()))
    }

    fn setup_error(&self) -> Option<&Error> {
        self.setup_error.as_ref()
    }

    fn run_step(&mut self, step: &Step) -> StepReport {
        Loader::run_step(self, step)
    }
}
