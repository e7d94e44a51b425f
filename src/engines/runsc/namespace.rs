//! The mount namespace of one container under today's runsc, in the order
//! runsc builds it:
//!
//! 1. host side (`runsc create`): `Config.Validate`, `ValidateSpec`,
//!    `fixSpec`, `NewPodMountHints`, `NewRootfsHint`, `initGoferConfs`, the
//!    gofer's bind mount points (`SetupMounts`/`ResolveMounts`) and the self
//!    filestores (`createGoferFilestores`);
//! 2. sentry (runsc/boot/vfs.go): `setupContainerVFS` → `mountAll` →
//!    `createMountNamespace` (the root), `mountSubmounts` (`prepareMounts`,
//!    then every mount in sorted order through `mountSubmount`,
//!    `mountCgroupSubmounts` or the shared-mount path), `mountTmp`, with the
//!    read-only mounts switched read-write until the end.
//!
//! The gofer is the in-memory 9P server, standing in for today's LISAFS
//! gofer: the root and every bind attach to it over encoded 9P.
//!
//! Not modelled (each is reported, never a panic): EROFS images, pods (one
//! container per [`build`]; a second user of a pod-shared hint volume in the
//! same container gets a fresh tmpfs), a mount stacked on the container
//! root, the dev gofer, checkpoint FD re-association, and eager copy-up of
//! an overlaid file bind (this VFS copies up lazily; reads are the same).
//! The VFS's own `/proc/self/mounts` is generated in 2018's format;
//! [`RunscRun::proc_mounts`] is today's, and the scenario runner
//! ([`super::simulation`]) pins it into each container's procfs so the
//! shell's `cat /proc/mounts` prints it.

use super::compile::{compile_mounts, has_mount_config, is_gofer_mount};
use super::config::RunscConfig;
use super::events::RunscEvent;
use super::gofer_conf::{confs_to_flag, init_gofer_confs, GoferMountConf};
use super::hints::{annotations_of, PodMountHints, RootfsHint};
use super::host::{self, HostTree};
use super::kernfs::{self, CGROUP_CTRLS};
use super::log::Log;
use super::mount::SpecMount;
use super::mount_point::{make_mount_point, MadePoint};
use super::options::{parse_mount_options, root_gofer_data, MountFlags};
use super::prepare::{prepare_mounts, FdQueue, PreparedMount};
use super::proc_mounts::{proc_mounts, GoferData, MountRecord};
use super::report::{flag_names, hint_facts, Overlay2Facts, RunscFacts, RunscMountEntry};
use super::validate::{validate_spec, SpecFacts};
use super::vfs_glue::{create_in, msrc_of, set_fs_name, set_owner_mode, set_read_only};
use super::{devfs, fsname, tmpfs};
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::p9::fsgofer::Gofer;
use crate::p9::host::HostFs;
use crate::vfs::{clean, Ctx, DirentId, InodeId, MountSourceFlags, MsrcId, Node, Vfs};
use std::collections::BTreeMap;

/// The first FD number runsc's sentry sees for the gofer connections; the
/// filestore FDs follow them.
pub const FIRST_GOFER_FD: i32 = 3;

/// One container set up by today's runsc.
pub struct RunscRun {
    /// The sandbox VFS; the gofer is `vfs.gofers()[0]`.
    pub vfs: Vfs,
    /// The first container's results (its root, events, log, warnings,
    /// error, mounts and facts); a `RunscRun` reads as one through `Deref`.
    pub setup: ContainerSetup,
    /// What a checkpoint of this container records of its spec.
    pub checkpoint: super::restore::RestoreFacts,
    /// The container name restore validation prints
    /// (`io.kubernetes.cri.container-name`, remapped).
    pub container_name: String,
    /// The flags every container of the sandbox starts with.
    pub conf: RunscConfig,
    /// What the sandbox keeps across container starts.
    pub sandbox: PodState,
    /// The containers started after this one, by id.
    pub children: BTreeMap<String, RunscChild>,
}

impl std::ops::Deref for RunscRun {
    type Target = ContainerSetup;
    fn deref(&self) -> &ContainerSetup {
        &self.setup
    }
}

impl std::ops::DerefMut for RunscRun {
    fn deref_mut(&mut self) -> &mut ContainerSetup {
        &mut self.setup
    }
}

impl RunscRun {
    /// `/proc/self/mounts` of a task in the container.
    pub fn proc_mounts(&self) -> Vec<String> {
        match self.root {
            Some(r) => proc_mounts(&self.vfs, r, &self.records),
            None => Vec::new(),
        }
    }

    /// The destinations in mount order (the report's `mount_order`).
    pub fn mount_order(&self) -> Vec<String> {
        self.mounts.iter().map(|m| m.destination.clone()).collect()
    }

    /// A restore of this container from a checkpoint with `spec`
    /// (`specutils.RestoreValidateSpec`, policy `enforce`, through the
    /// mounts): `Ok` or runsc's error.
    pub fn check_restore(&self, spec: &oci_spec::runtime::Spec) -> Result<()> {
        let new = super::restore::RestoreFacts::from_spec(spec);
        super::restore::validate_restore(&self.container_name, &self.checkpoint, &new)
    }

    /// The report fields of this engine.
    pub fn summary(&self) -> super::report::RunscSummary {
        super::report::RunscSummary {
            engine: "runsc",
            ok: self.error.is_none(),
            error: self.error.as_ref().map(Error::to_string),
            fatal: self.error.as_ref().is_some_and(Error::is_fatal),
            mount_order: self
                .mounts
                .iter()
                .map(|m| {
                    m.mounted_at
                        .clone()
                        .unwrap_or_else(|| clean(&m.destination))
                })
                .collect(),
            warnings: self.warnings.clone(),
            proc_mounts: self.proc_mounts(),
            decisions: self.events.clone(),
            mounts: self.mounts.clone(),
            runsc: self.runsc.clone(),
        }
    }

    /// The host trees to show, keyed as a scenario gives them: `/` for the
    /// image, then each bind source by its host path.
    pub fn host_trees(&self) -> Vec<(String, String)> {
        let mut out = vec![("/".to_string(), self.root_path.clone())];
        for s in &self.source_paths {
            if !out.iter().any(|(k, _)| k == s) {
                out.push((s.clone(), s.clone()));
            }
        }
        out
    }

    /// The host tree the gofer serves (image, sources, filestores).
    pub fn host(&self) -> Option<&HostFs> {
        self.vfs.gofers().first().map(Gofer::host)
    }
}

/// Builds the container of `spec` on the host tree `image` (the root
/// filesystem; the default image when `None`) and the bind `sources`
/// (host path -> tree; a source left out is an empty directory).
pub fn build(
    spec: &oci_spec::runtime::Spec,
    conf: &RunscConfig,
    image: Option<&HostTree>,
    sources: &BTreeMap<String, HostTree>,
) -> RunscRun {
    let b = Builder::new(
        Vfs::new(),
        conf,
        PodState::default(),
        host::SANDBOX_ID,
        false,
    );
    let (b, c) = b.start(spec, image, sources);
    RunscRun {
        vfs: b.vfs,
        setup: c,
        checkpoint: super::restore::RestoreFacts::from_spec(spec),
        container_name: super::validate::container_name(&annotations_of(spec), &mut Log::default()),
        conf: conf.clone(),
        sandbox: b.sandbox,
        children: BTreeMap::new(),
    }
}

/// A container started in the sandbox after the first
/// (`Loader.startSubcontainer` → `setupContainerVFS`): its own mount
/// namespace, gofer, FDs and `/tmp` rule; it shares the VFS, the pod
/// hints, the shared volumes and the cgroup controllers.
pub struct RunscChild {
    pub cid: String,
    pub setup: ContainerSetup,
    /// Its gofer's index in `vfs.gofers`.
    pub gofer: usize,
}

impl RunscChild {
    /// `/proc/self/mounts` of a task in this container.
    pub fn proc_mounts(&self, vfs: &Vfs) -> Vec<String> {
        match self.setup.root {
            Some(r) => proc_mounts(vfs, r, &self.setup.records),
            None => Vec::new(),
        }
    }
}

/// What the sandbox keeps across container starts: the pod hints (parsed
/// from the first container's spec), `l.sharedMounts`, and the cgroupfs
/// controller roots (`Loader.mountCgroupMounts`).
#[derive(Default)]
pub struct PodState {
    hints: PodMountHints,
    shared: BTreeMap<String, Made>,
    cgroup_roots: BTreeMap<&'static str, InodeId>,
}

impl RunscRun {
    /// `runsc create` + `start` of another container of the pod. The new
    /// container's result is in `children[cid]`; a setup error is kept
    /// there too. A cid already started is refused.
    pub fn add_container(
        &mut self,
        cid: &str,
        spec: &oci_spec::runtime::Spec,
        image: Option<&HostTree>,
        sources: &BTreeMap<String, HostTree>,
    ) -> Result<&RunscChild> {
        crate::engines::runsc2018::boot::validate_id(cid)?;
        if cid == host::SANDBOX_ID || self.children.contains_key(cid) {
            return Err(Error::msg(format!(
                "container {} already exists",
                quote(cid)
            )));
        }
        let vfs = std::mem::take(&mut self.vfs);
        let sandbox = std::mem::take(&mut self.sandbox);
        let b = Builder::new(vfs, &self.conf, sandbox, cid, true);
        let (b, c) = b.start(spec, image, sources);
        self.vfs = b.vfs;
        self.sandbox = b.sandbox;
        let child = RunscChild {
            cid: cid.to_string(),
            setup: c,
            gofer: self.vfs.gofers().len().saturating_sub(1),
        };
        Ok(self.children.entry(cid.to_string()).or_insert(child))
    }

    /// Destroys a child container: its mount namespace goes away with it
    /// (shared volumes and the cgroup controllers stay with the sandbox).
    pub fn destroy_container(&mut self, cid: &str) -> Result<()> {
        self.children
            .remove(cid)
            .map(drop)
            .ok_or_else(|| Error::msg(format!("unknown container {}", quote(cid))))
    }
}

/// One container's results, as the builder leaves them: the first
/// container's in [`RunscRun::setup`], each later one's in its [`RunscChild`].
pub struct ContainerSetup {
    pub root: Option<DirentId>,
    pub events: Vec<RunscEvent>,
    pub log: Log,
    pub warnings: Vec<String>,
    pub error: Option<Error>,
    pub mounts: Vec<RunscMountEntry>,
    pub runsc: RunscFacts,
    pub records: Vec<MountRecord>,
    pub root_path: String,
    pub source_paths: Vec<String>,
}

/// A filesystem instance made for a mount, not yet connected.
struct Made {
    inode: InodeId,
    /// gVisor's filesystem name (`overlay` when overlaid).
    fs_name: String,
    /// `MountOptions()`.
    fs_options: String,
}

struct Builder {
    vfs: Vfs,
    conf: RunscConfig,
    log: Log,
    events: Vec<RunscEvent>,
    records: Vec<MountRecord>,
    mounts: Vec<RunscMountEntry>,
    facts: RunscFacts,
    root: Option<DirentId>,
    root_path: String,
    source_paths: Vec<String>,
    sandbox: PodState,
    /// The container id (the sandbox id for the first container).
    container_id: String,
    /// A container started after the first: its root is a namespace of its
    /// own in the sandbox's VFS, and the hints are the sandbox's.
    child: bool,
    /// Mounts switched read-write while mounts are placed below them, with
    /// their destinations, in the order the `defer`s were queued.
    restore: Vec<(MsrcId, String)>,
}

/// `fmt.Errorf("<prefix>: %w", err)` unless runsc panicked (a panic is not
/// wrapped by anyone on its way out).
fn wrap<P: std::fmt::Display>(prefix: P) -> impl FnOnce(Error) -> Error {
    move |e| if e.is_fatal() { e } else { e.wrap(prefix) }
}

fn vfs_flags(f: &MountFlags) -> MountSourceFlags {
    MountSourceFlags {
        read_only: f.read_only,
        no_atime: f.no_atime,
    }
}

impl Builder {
    fn new(vfs: Vfs, conf: &RunscConfig, sandbox: PodState, cid: &str, child: bool) -> Builder {
        Builder {
            vfs,
            conf: conf.clone(),
            log: Log::default(),
            events: Vec::new(),
            records: Vec::new(),
            mounts: Vec::new(),
            facts: RunscFacts::default(),
            root: None,
            root_path: String::new(),
            source_paths: Vec::new(),
            sandbox,
            container_id: cid.to_string(),
            child,
            restore: Vec::new(),
        }
    }

    /// Runs one container start and splits the builder into the sandbox
    /// state it keeps and the container's results.
    fn start(
        mut self,
        spec: &oci_spec::runtime::Spec,
        image: Option<&HostTree>,
        sources: &BTreeMap<String, HostTree>,
    ) -> (Builder, ContainerSetup) {
        let error = self.run(spec, image, sources).err();
        if let Some(e) = &error {
            self.events.push(RunscEvent::Failed {
                error: e.to_string(),
            });
        }
        let warnings = self.log.warnings().iter().map(|w| w.to_string()).collect();
        let started = ContainerSetup {
            root: self.root,
            events: std::mem::take(&mut self.events),
            log: std::mem::take(&mut self.log),
            warnings,
            error,
            mounts: std::mem::take(&mut self.mounts),
            runsc: std::mem::take(&mut self.facts),
            records: std::mem::take(&mut self.records),
            root_path: std::mem::take(&mut self.root_path),
            source_paths: std::mem::take(&mut self.source_paths),
        };
        (self, started)
    }

    fn run(
        &mut self,
        spec: &oci_spec::runtime::Spec,
        image: Option<&HostTree>,
        sources: &BTreeMap<String, HostTree>,
    ) -> Result<()> {
        self.conf.validate()?;
        let facts = SpecFacts::from_spec(spec);
        validate_spec(&facts, &self.conf, &mut self.log)?;
        // fixSpec: the root and every non-empty source made absolute.
        self.root_path = host::absolute(&facts.root_path);
        let mut mounts: Vec<SpecMount> = facts.mounts.clone();
        for m in mounts.iter_mut().filter(|m| !m.source.is_empty()) {
            m.source = host::absolute(&m.source);
        }
        let ann = annotations_of(spec);
        let mut ovl = self.conf.get_overlay2()?;
        if let Some(v) = ann.get("dev.gvisor.flag.overlay2") {
            ovl.override_with(v, self.conf.allow_flag_override)?;
        }
        self.facts.overlay2 = Overlay2Facts::of(&ovl);
        if !self.child {
            self.sandbox.hints = PodMountHints::new(&ann, &mut self.log)
                .map_err(|e| e.wrap("error creating pod mount hints"))?;
        }
        self.facts.hints = hint_facts(&self.sandbox.hints);
        let rootfs_hint = RootfsHint::new(&ann, &mut self.log)
            .map_err(|e| e.wrap("error creating rootfs hint"))?;
        // The host as runsc finds it.
        self.source_paths = mounts
            .iter()
            .filter(|m| has_mount_config(m))
            .map(|m| m.source.clone())
            .collect();
        let mut host = host::build(&self.root_path, image, sources, &self.source_paths)?;
        let stat = |p: &str| host::stat_is_dir(&host, p);
        let confs = init_gofer_confs(
            &ovl,
            &self.root_path,
            facts.root_readonly,
            &mounts,
            &self.sandbox.hints,
            rootfs_hint.as_ref(),
            &stat,
            &mut self.log,
        )
        .map_err(|e| e.wrap("error initializing gofer confs"))?;
        self.facts.gofer_mount_confs = confs_to_flag(&confs);
        let (gofer, io_fds, store_fds) =
            self.start_gofer(&mut host, &mut mounts, &confs, facts.root_readonly)?;
        self.vfs.add_gofer(gofer);
        // The sentry.
        let view = SentrySpec {
            root_readonly: facts.root_readonly,
            mounts,
            confs,
            suppress_root_directfs: rootfs_hint.as_ref().is_some_and(|h| h.suppress_directfs),
        };
        self.setup_container_vfs(&view, io_fds, store_fds)
            .map_err(wrap("failed to setupFS"))?;
        // setupContainerVFS, after the mounts: createDeviceFiles, then the
        // working directory (mustBeDir).
        if let (Some(root), Some(devs)) = (
            self.root,
            spec.linux().as_ref().and_then(|l| l.devices().clone()),
        ) {
            for dev in &devs {
                let outcome = super::devices::create_device_file(&mut self.vfs, root, dev)
                    .map_err(|e| e.wrap("failed to create device files"))?;
                self.events.push(RunscEvent::Device {
                    path: dev.path().to_string_lossy().into_owned(),
                    outcome: format!("{outcome:?}").to_lowercase(),
                });
            }
        }
        let cwd = spec
            .process()
            .as_ref()
            .map(|p| p.cwd().to_string_lossy().into_owned())
            .unwrap_or_default();
        if let (Some(root), false) = (self.root, cwd.is_empty()) {
            super::mount_point::mkdir_all_at(&mut self.vfs, root, &cwd, false).map_err(|e| {
                e.wrap(format!(
                    "failed to create process working directory {}",
                    quote(&cwd)
                ))
            })?;
        }
        Ok(())
    }

    /// The gofer side: bind mount points in the rootfs (destinations
    /// rewritten to the resolved ones), the self filestores, and one 9P
    /// attach point and connection per gofer FD.
    fn start_gofer(
        &mut self,
        host: &mut HostFs,
        mounts: &mut [SpecMount],
        confs: &[GoferMountConf],
        root_readonly: bool,
    ) -> Result<(Gofer, FdQueue, FdQueue)> {
        let root_conf = confs
            .first()
            .cloned()
            .ok_or_else(|| Error::fatal("no rootfs gofer conf"))?;
        let mut attach = vec![(
            self.root_path.clone(),
            root_readonly || root_conf.should_use_overlayfs(),
        )];
        // createGoferFilestores: in order, the root's then each mount's;
        // `self` makes a named file in the source, `anon` an unlinked one in
        // the `dir=` directory (nothing stays in the host tree).
        let mut stores: Vec<String> = Vec::new();
        let mut anon = 0usize;
        let anon_dir = self.facts.overlay2.root_medium.clone();
        let mut filestore = |conf: &GoferMountConf, src: &str, host: &HostFs| -> Result<()> {
            if conf.is_self_backed() {
                stores.push(src.to_string());
            } else if conf.is_filestore_present() {
                let dir = anon_dir.strip_prefix("dir=").unwrap_or("");
                check_filestore_dir(host, dir)?;
                anon += 1;
            }
            Ok(())
        };
        filestore(&root_conf, &self.root_path.clone(), host)?;
        let gofer_mounts = mounts.iter_mut().filter(|m| has_mount_config(m));
        for (idx, m) in (1..).zip(gofer_mounts) {
            let conf = confs
                .get(idx)
                .cloned()
                .ok_or_else(|| Error::fatal("gofer conf missing"))?;
            filestore(&conf, &m.source, host)?;
            if !(is_gofer_mount(m) && conf.should_use_lisafs()) {
                continue;
            }
            let resolved = host::resolve_symlinks(host, &self.root_path, &m.destination)
                .map_err(|e| e.wrap("error setting up FS"))?;
            let is_dir = host::stat_is_dir(host, &m.source).unwrap_or(true);
            host::make_bind_mount_point(host, &resolved, is_dir).map_err(|e| {
                e.wrap(format!("mounting {}", m.go_plus_v()))
                    .wrap("error setting up FS")
            })?;
            let inside = host::inside(&self.root_path, &resolved);
            self.events.push(RunscEvent::HostMountPoint {
                destination: m.destination.clone(),
                resolved: inside.clone(),
            });
            m.destination = inside;
            let ro = super::options::is_readonly_mount(m.opts()) || conf.should_use_overlayfs();
            attach.push((m.source.clone(), ro));
        }
        for src in &stores {
            let exclusive = !self
                .sandbox
                .hints
                .find_mount(src)
                .is_some_and(|h| h.should_share_mount());
            host::create_self_filestore(host, src, exclusive)?;
            self.events.push(RunscEvent::FilestoreCreated {
                path: host::self_filestore_path(src),
                source: src.clone(),
            });
        }
        let mut gofer = Gofer::new(std::mem::take(host));
        let io: Vec<i32> = (0..attach.len() as i32)
            .map(|i| FIRST_GOFER_FD + i)
            .collect();
        for (i, (path, ro)) in attach.iter().enumerate() {
            let a = gofer.add_attach_point(path, *ro);
            if let Some(fd) = io.get(i) {
                gofer.connect(a, *fd);
            }
        }
        let first_store = FIRST_GOFER_FD + attach.len() as i32;
        let count = (stores.len() + anon) as i32;
        let store: Vec<i32> = (0..count).map(|i| first_store + i).collect();
        Ok((gofer, FdQueue::new(io), FdQueue::new(store)))
    }

    /// `setupContainerVFS` up to the mounts (`mountAll`).
    fn setup_container_vfs(&mut self, s: &SentrySpec, io: FdQueue, store: FdQueue) -> Result<()> {
        let mut io = io;
        let mut store = store;
        self.events.push(RunscEvent::Configuring);
        let root = self
            .create_mount_namespace(s, &mut io, &mut store)
            .map_err(wrap("creating mount namespace"))?;
        self.root = Some(root);
        let root_msrc = self
            .vfs
            .dirent_inode(root)
            .ok()
            .and_then(|i| msrc_of(&self.vfs, i));
        let queued = self.restore.len();
        if let Some(m) = root_msrc.filter(|_| s.root_readonly) {
            // "Switch to ReadWrite while we setup submounts."
            self.toggle(m, "/");
        }
        let r = self
            .mount_submounts(s, root, &mut io, &mut store)
            .map_err(wrap("mounting submounts"));
        self.restore_from(queued);
        r
    }

    fn toggle(&mut self, m: MsrcId, dest: &str) {
        set_read_only(&mut self.vfs, m, false);
        self.restore.push((m, dest.to_string()));
        self.events.push(RunscEvent::ReadOnlyToggled {
            destination: dest.to_string(),
            read_only: false,
        });
    }

    /// Runs the `defer`s queued since `from`, newest first.
    fn restore_from(&mut self, from: usize) {
        while self.restore.len() > from {
            let Some((m, dest)) = self.restore.pop() else {
                break;
            };
            set_read_only(&mut self.vfs, m, true);
            self.events.push(RunscEvent::ReadOnlyToggled {
                destination: dest,
                read_only: true,
            });
        }
    }

    /// `createMountNamespace`: the root filesystem, overlaid per its gofer
    /// conf, as the namespace root.
    fn create_mount_namespace(
        &mut self,
        s: &SentrySpec,
        io: &mut FdQueue,
        store: &mut FdQueue,
    ) -> Result<DirentId> {
        let io_fd = io.remove()?;
        let conf = s
            .confs
            .first()
            .cloned()
            .ok_or_else(|| Error::fatal("no rootfs gofer conf"))?;
        if conf.should_use_erofs() {
            return Err(Error::msg(
                "mountlab does not model EROFS images (rootfs hint type \"erofs\")",
            ));
        }
        if !conf.should_use_lisafs() {
            return Err(Error::msg(format!(
                "unsupported rootfs config: {{Lower:{} Upper:{} Size:{}}}",
                conf.lower.as_str(),
                conf.upper.as_str(),
                conf.size
            )));
        }
        let data = root_gofer_data(io_fd, &self.conf, s.suppress_root_directfs);
        self.events.push(RunscEvent::MountingRoot {
            fs: "9p".into(),
            io_fd,
        });
        let flags = MountFlags {
            read_only: s.root_readonly,
            ..MountFlags::default()
        };
        let made = if conf.should_use_overlayfs() {
            self.events.push(RunscEvent::RootOverlay {
                medium: conf.upper.as_str().into(),
            });
            let filestore = if conf.is_filestore_present() {
                Some(store.remove()?)
            } else {
                None
            };
            self.configure_overlay("9p", &flags, &data, &conf, filestore, "/")
                .map_err(wrap("mounting root with overlay"))?
        } else {
            self.make_fs("9p", &flags, &data, true)?
        };
        let root = if self.child {
            super::vfs_glue::new_namespace_root(&mut self.vfs, made.inode)?
        } else {
            self.vfs.create_namespace(made.inode)?
        };
        self.facts.root = super::report::RootFacts {
            fs: made.fs_name.clone(),
            ro: s.root_readonly,
            lower_data: data.clone(),
        };
        self.record(made.inode, &made, flags);
        self.mounts.push(RunscMountEntry {
            destination: "/".into(),
            fs: made.fs_name,
            source: self.root_path.clone(),
            ro: s.root_readonly,
            flags: Vec::new(),
            data,
            mounted_at: None,
            shared_hint: None,
        });
        Ok(root)
    }

    fn record(&mut self, inode: InodeId, made: &Made, flags: MountFlags) {
        if let Some(msrc) = msrc_of(&self.vfs, inode) {
            self.records.push(MountRecord {
                msrc,
                fs_name: made.fs_name.clone(),
                flags,
                fs_options: made.fs_options.clone(),
            });
        }
    }

    /// `MountDisconnected(fsName, opts)`: a fresh filesystem instance.
    /// Errors are the filesystem's (EINVAL for bad data).
    fn make_fs(
        &mut self,
        fs_name: &str,
        f: &MountFlags,
        data: &str,
        root_is_dir: bool,
    ) -> Result<Made> {
        let flags = vfs_flags(f);
        let (inode, fs_options) = match fs_name {
            "tmpfs" => tmpfs::mount(&mut self.vfs, flags, data, root_is_dir)?,
            "9p" => {
                let g = GoferData::parse(data).ok_or(Errno::EINVAL)?;
                let inode = crate::fs::mount(&mut self.vfs, "9p", "none", flags, &g.client_data())?;
                if let Some(m) = msrc_of(&self.vfs, inode) {
                    set_fs_name(&mut self.vfs, m, "9p", data);
                }
                (inode, g.mount_options())
            }
            "proc" => (
                kernfs::mount_proc(&mut self.vfs, flags)?,
                kernfs::dentry_cache_options(),
            ),
            "sysfs" => (
                kernfs::mount_sysfs(&mut self.vfs, flags)?,
                kernfs::dentry_cache_options(),
            ),
            "devpts" => (
                crate::fs::mount(&mut self.vfs, "devpts", "none", flags, "")?,
                String::new(),
            ),
            "dev" => (devfs::mount(&mut self.vfs, flags)?, devfs::DATA.to_string()),
            "cgroup" => (
                kernfs::mount_cgroup(&mut self.vfs, flags, data)?,
                data.to_string(),
            ),
            "cgroup2" => (
                kernfs::mount_cgroup2(&mut self.vfs, flags)?,
                "nsdelegate".to_string(),
            ),
            other => {
                return Err(Error::msg(format!(
                    "mountlab does not model the {} filesystem",
                    quote(other)
                )))
            }
        };
        Ok(Made {
            inode,
            fs_name: fs_name.to_string(),
            fs_options,
        })
    }

    /// `configureOverlay`: the lower mounted read-only, a tmpfs upper whose
    /// root has the lower root's type, owner and mode (a file's contents
    /// copied up), the self filestore hidden by a whiteout, and the overlay
    /// over both, printing the upper's options.
    fn configure_overlay(
        &mut self,
        lower_fs: &str,
        f: &MountFlags,
        lower_data: &str,
        conf: &GoferMountConf,
        filestore: Option<i32>,
        dest: &str,
    ) -> Result<Made> {
        let upper_data = if conf.size.is_empty() {
            String::new()
        } else {
            format!("size={}", conf.size)
        };
        let lower_flags = MountFlags {
            read_only: true,
            ..*f
        };
        let lower = self.make_fs(lower_fs, &lower_flags, lower_data, true)?;
        let st = self
            .vfs
            .stat_inode(lower.inode)
            .map_err(|e| Error::msg(format!("failed to stat lower layer's root: {e}")))?;
        let root_type = st.mode & 0o170000;
        let is_dir = root_type == 0o040000;
        if !is_dir && root_type != 0o100000 {
            return Err(Error::msg(format!(
                "lower layer's root has unsupported file type {root_type}"
            )));
        }
        let flags = vfs_flags(f);
        let overlay = if is_dir {
            let (upper, printed) =
                tmpfs::mount(&mut self.vfs, flags, &upper_data, true).map_err(|e| {
                    Error::msg(format!(
                        "failed to create upper layer for overlay, opts: {}: {e}",
                        go_mount_options(f, &upper_data, "<nil>")
                    ))
                })?;
            if conf.is_self_backed() {
                // "We need to hide the filestore from the containerized
                // application." (overlay.CreateWhiteout)
                let name = host::self_filestore_name();
                self.vfs
                    .setxattr(upper, &format!("trusted.overlay.whiteout.{name}"), b"y")
                    .map_err(|e| {
                        e.wrap("failed to create whiteout to hide self overlay filestore")
                    })?;
                self.events.push(RunscEvent::FilestoreHidden {
                    destination: dest.to_string(),
                    name,
                });
            }
            set_owner_mode(&mut self.vfs, upper, st.mode, st.uid, st.gid)?;
            let o = self.vfs.new_overlay_root(upper, lower.inode, flags)?;
            (o, printed)
        } else {
            let t = tmpfs::parse(&upper_data, false).map_err(Error::from)?;
            let msrc = self
                .vfs
                .new_mount_source("tmpfs", "none", &t.printed, flags);
            let o = self.vfs.new_overlay_root_file(msrc, lower.inode, flags)?;
            (o, t.printed)
        };
        let _ = filestore;
        let (inode, printed) = overlay;
        if let Some(m) = msrc_of(&self.vfs, inode) {
            set_fs_name(&mut self.vfs, m, "overlay", &printed);
        }
        Ok(Made {
            inode,
            fs_name: "overlay".into(),
            fs_options: printed,
        })
    }

    /// `mountSubmounts`: every prepared mount in sorted order, then
    /// `mountTmp`; read-only mounts stay read-write until it returns.
    fn mount_submounts(
        &mut self,
        s: &SentrySpec,
        root: DirentId,
        io: &mut FdQueue,
        store: &mut FdQueue,
    ) -> Result<()> {
        let compiled = compile_mounts(&s.mounts, &self.conf);
        let mut mounts = prepare_mounts(&compiled, &s.confs, io, store, &self.sandbox.hints)?;
        let queued = self.restore.len();
        let r = (|| -> Result<()> {
            for info in mounts.iter_mut() {
                let dest = info.mount.destination.clone();
                let mounted = if info.hint.as_ref().is_some_and(|h| h.should_share_mount()) {
                    self.mount_shared(root, info)?
                } else if info.mount.typ == "cgroup" || info.mount.typ == "cgroup2" {
                    if self.conf.mount_cgroup_v2 {
                        info.mount.typ = "cgroup2".into();
                        self.mount_submount(root, info)
                            .map_err(wrap(format!("mount cgroup2 {}", quote(&dest))))?
                    } else {
                        self.mount_cgroup_submounts(root, info)
                            .map_err(wrap(format!("mount cgroup {}", quote(&dest))))?;
                        None
                    }
                } else {
                    self.mount_submount(root, info)
                        .map_err(wrap(format!("mount submount {}", quote(&dest))))?
                };
                if let Some(m) = mounted {
                    if crate::engines::runsc::vfs_glue::flags_of(&self.vfs, m).read_only {
                        self.toggle(m, &dest);
                    }
                }
            }
            self.mount_tmp(root, &compiled)
                .map_err(wrap("mount submount \"/tmp\""))
        })();
        self.restore_from(queued);
        r
    }

    /// `mountSubmount`: the filesystem (overlaid when its gofer conf says
    /// so), its mount point, then the connection, following a final symlink.
    /// Returns the mount, or `None` for an unknown type (nothing happens).
    fn mount_submount(&mut self, root: DirentId, m: &PreparedMount) -> Result<Option<MsrcId>> {
        let Some(fsm) = fsname::get_mount_name_and_options(m, &self.conf, &mut self.log)
            .map_err(wrap("mountOptions failed"))?
        else {
            self.events.push(RunscEvent::UnknownType {
                destination: m.mount.destination.clone(),
                typ: m.mount.typ.clone(),
            });
            return Ok(None);
        };
        let mount = &m.mount;
        let conf = m.gofer_conf.clone();
        let made = match conf.filter(GoferMountConf::should_use_overlayfs) {
            Some(conf) => {
                self.events.push(RunscEvent::SubmountOverlay {
                    destination: mount.destination.clone(),
                });
                self.configure_overlay(
                    &fsm.fs_name,
                    &fsm.flags,
                    &fsm.data,
                    &conf,
                    m.filestore_fd,
                    &mount.destination,
                )
                .map_err(wrap(format!(
                    "mounting volume with overlay at {}",
                    quote(&mount.destination)
                )))?
            }
            None => self
                .make_fs(&fsm.fs_name, &fsm.flags, &fsm.data, true)
                .map_err(|e| {
                    e.wrap(format!(
                        "mounting {} (type:{}, dest: {})",
                        quote(&mount.source),
                        mount.typ,
                        quote(&mount.destination)
                    ))
                })
                .map_err(|e| {
                    with_opts(e, &fsm.flags, &fsm.data, &fsm.fs_name, &mount.destination)
                })?,
        };
        let at = self.connect(root, made, &fsm.flags, mount, &fsm.data, None)?;
        Ok(Some(at))
    }

    /// makeMountPoint + `ConnectMountAt(FollowFinalSymlink: true)` of a
    /// made filesystem, and what the report keeps of it.
    fn connect(
        &mut self,
        root: DirentId,
        made: Made,
        f: &MountFlags,
        mount: &SpecMount,
        data: &str,
        shared_hint: Option<String>,
    ) -> Result<MsrcId> {
        let dest = &mount.destination;
        let root_mode = self.vfs.stat_inode(made.inode)?.mode;
        let point = make_mount_point(&mut self.vfs, root, dest, root_mode)
            .map_err(wrap(format!("creating mount point {}", quote(dest))))?;
        if point != MadePoint::Existed {
            self.events.push(RunscEvent::MountPointCreated {
                destination: dest.clone(),
                kind: if point == MadePoint::CreatedDir {
                    "dir"
                } else {
                    "file"
                }
                .into(),
            });
        }
        let attach_err = |e: Error| {
            with_opts(
                e.wrap(format!(
                    "attaching {} to {} (type: {})",
                    quote(&mount.source),
                    quote(dest),
                    mount.typ
                )),
                f,
                data,
                &made.fs_name,
                dest,
            )
        };
        let target = self
            .vfs
            .lookup(Ctx::at(root), dest, true)
            .map_err(attach_err)?;
        if target == root {
            // gVisor stacks such a mount on the container root; the VFS
            // has no parent to hang it from.
            return Err(Error::msg(format!(
                "mountlab cannot stack a mount on the container root (destination {})",
                quote(dest)
            )));
        }
        let mounted = self.vfs.mount(target, made.inode).map_err(attach_err)?;
        let at = self.vfs.path_of(mounted, root);
        let mounted_at = (at != clean(dest)).then_some(at);
        if let Some(at) = &mounted_at {
            self.events.push(RunscEvent::SymlinkFollowed {
                destination: dest.clone(),
                mounted_at: at.clone(),
            });
        }
        let internal = if made.fs_name == "overlay" { "" } else { data };
        self.events.push(RunscEvent::Mounted {
            source: mount.source.clone(),
            destination: dest.clone(),
            typ: mount.typ.clone(),
            data: internal.to_string(),
        });
        let msrc = msrc_of(&self.vfs, made.inode).ok_or(Errno::ESTALE)?;
        self.record(made.inode, &made, *f);
        self.mounts.push(RunscMountEntry {
            destination: dest.clone(),
            fs: made.fs_name,
            source: mount.source.clone(),
            ro: f.read_only,
            flags: flag_names(f),
            data: data.to_string(),
            mounted_at,
            shared_hint,
        });
        Ok(msrc)
    }

    /// `mountTmp`: an internal tmpfs at `/tmp` unless a compiled mount is
    /// at `/tmp` (raw string equality) or the `/tmp` there is a non-empty
    /// directory or not a directory. `/tmp` is opened without following a
    /// final symlink, so a symlinked `/tmp` fails with ELOOP.
    fn mount_tmp(&mut self, root: DirentId, compiled: &[SpecMount]) -> Result<()> {
        if compiled.iter().any(|m| m.destination == "/tmp") {
            self.events.push(RunscEvent::TmpExplicit);
            return Ok(());
        }
        let ctx = Ctx::at(root);
        // `OpenAt(/tmp, O_RDONLY|O_DIRECTORY)` with FollowFinalSymlink
        // false: O_DIRECTORY sets the path's mustBeDir (vfs.OpenAt), and
        // `ResolvingPath.ShouldFollowSymlink` follows a final symlink when
        // the path must be a directory. So a symlinked `/tmp` is opened
        // through its link (a dangling one is ENOENT, too many ELOOP).
        let found = self.vfs.lookup(ctx, "/tmp", true).and_then(|d| {
            let inode = self.vfs.dirent_inode(d)?;
            match self.vfs.file_type(inode) {
                crate::vfs::FileType::Directory => Ok(true),
                _ => Err(Errno::ENOTDIR.into()),
            }
        });
        match found {
            Ok(_) => {
                let entries = self
                    .vfs
                    .readdir(ctx, "/tmp")
                    .map_err(|e| Error::msg(format!("fd.IterDirents failed: {e}")))?;
                if !entries.is_empty() {
                    self.events.push(RunscEvent::TmpNotEmpty);
                    self.log
                        .info("Skipping internal tmpfs mount for \"/tmp\" because it's not empty");
                    return Ok(());
                }
                self.events.push(RunscEvent::TmpOverEmpty);
                self.log
                    .info("Mounting internal tmpfs on top of empty \"/tmp\"");
            }
            Err(e) if e.is(Errno::ENOENT) => self.events.push(RunscEvent::TmpMissing),
            Err(e) if e.is(Errno::ENOTDIR) => {
                self.events.push(RunscEvent::TmpNotDir);
                return Ok(());
            }
            Err(e) => return Err(e.wrap("opening \"/tmp\" inside container")),
        }
        let tmp = PreparedMount {
            mount: SpecMount {
                destination: "/tmp".into(),
                typ: "tmpfs".into(),
                options: Some(vec!["mode=01777".into()]),
                ..SpecMount::default()
            },
            gofer_fd: None,
            hint: None,
            gofer_conf: None,
            filestore_fd: None,
        };
        self.mount_submount(root, &tmp)
            .map_err(|e| Error::msg(format!("mountSubmount failed: {e}")))?;
        Ok(())
    }

    /// `mountCgroupSubmounts`: a tmpfs at the destination (read-write until
    /// the controllers are bound), then each controller's
    /// `<root>/<containerID>` bound at the hard-coded `/sys/fs/cgroup/<ctrl>`.
    fn mount_cgroup_submounts(&mut self, root: DirentId, info: &mut PreparedMount) -> Result<()> {
        info.mount.typ = "tmpfs".into();
        let mounted = self.mount_submount(root, info)?;
        let queued = self.restore.len();
        if let Some(m) = mounted {
            if crate::engines::runsc::vfs_glue::flags_of(&self.vfs, m).read_only {
                self.toggle(m, &info.mount.destination);
            }
        }
        let r = self.bind_cgroup_controllers(root);
        self.restore_from(queued);
        r
    }

    fn bind_cgroup_controllers(&mut self, root: DirentId) -> Result<()> {
        for ctrl in CGROUP_CTRLS {
            let ctrl_root = match self.sandbox.cgroup_roots.get(ctrl) {
                Some(r) => *r,
                None => {
                    let r = kernfs::mount_cgroup_controller(&mut self.vfs, ctrl)?;
                    self.sandbox.cgroup_roots.insert(ctrl, r);
                    r
                }
            };
            let dir = create_in(
                &mut self.vfs,
                ctrl_root,
                &self.container_id.clone(),
                0o755,
                Node::Dir(BTreeMap::new()),
            )?;
            let destination = format!("/sys/fs/cgroup/{ctrl}");
            let ctx = Ctx::at(root);
            // MakeSyntheticMountpoint; a failure only warns.
            let made =
                super::mount_point::make_synthetic_mountpoint(&mut self.vfs, root, &destination);
            if let Err(e) = made {
                self.log.warn(format!(
                    "Failed to create mount point {}: {e}",
                    quote(&destination)
                ));
            }
            let target = self.vfs.lookup(ctx, &destination, true)?;
            self.vfs.mount(target, dir)?;
            let made = Made {
                inode: dir,
                fs_name: "cgroup".into(),
                fs_options: ctrl.to_string(),
            };
            self.record(dir, &made, MountFlags::default());
            self.mounts.push(RunscMountEntry {
                destination: destination.clone(),
                fs: "cgroup".into(),
                source: String::new(),
                ro: false,
                flags: Vec::new(),
                data: ctrl.to_string(),
                mounted_at: None,
                shared_hint: None,
            });
            self.events.push(RunscEvent::CgroupController {
                controller: ctrl.to_string(),
                destination,
            });
        }
        Ok(())
    }

    /// `getSharedMount` + `mountSharedSubmount`. The master is mounted
    /// (disconnected) with the hint's options, once per sandbox; each user
    /// gets its own mount of the master's filesystem with its own flags after
    /// `checkCompatible` (`NewDisconnectedMount(sharedMount.Filesystem(),
    /// sharedMount.Root(), opts)`). The VFS mounts an inode once, so a user's
    /// mount is an overlay whose upper is the master's root over an empty
    /// lower: every user reads and writes the master's files.
    fn mount_shared(&mut self, root: DirentId, info: &PreparedMount) -> Result<Option<MsrcId>> {
        let Some(hint) = info.hint.clone() else {
            return Ok(None);
        };
        let dest = info.mount.destination.clone();
        let master = if let Some(made) = self.sandbox.shared.get(&hint.mount.source) {
            self.events.push(RunscEvent::SharedExisting {
                name: hint.name.clone(),
                source: hint.mount.source.clone(),
                typ: hint.mount.typ.clone(),
            });
            Made {
                inode: made.inode,
                fs_name: made.fs_name.clone(),
                fs_options: made.fs_options.clone(),
            }
        } else {
            self.events.push(RunscEvent::SharedMaster {
                name: hint.name.clone(),
                source: hint.mount.source.clone(),
                typ: hint.mount.typ.clone(),
            });
            let mut master_info = info.clone();
            master_info.mount.options = hint.mount.options.clone();
            let made = (|| -> Result<Made> {
                let Some(fsm) =
                    fsname::get_mount_name_and_options(&master_info, &self.conf, &mut self.log)?
                else {
                    return Err(Error::msg(format!(
                        "mount type not supported {}",
                        quote(&hint.mount.typ)
                    )));
                };
                self.make_fs(&fsm.fs_name, &fsm.flags, &fsm.data, true)
            })()
            .map_err(|e| Error::msg(format!("mounting shared master {}: {e}", quote(&hint.name))))
            .map_err(wrap(format!("getting shared mount {}", quote(&hint.name))))?;
            self.sandbox.shared.insert(
                hint.mount.source.clone(),
                Made {
                    inode: made.inode,
                    fs_name: made.fs_name.clone(),
                    fs_options: made.fs_options.clone(),
                },
            );
            made
        };
        let shared_err = |e: Error| {
            Error::msg(format!(
                "mount shared mount {} to {}: {e}",
                quote(&hint.name),
                quote(&dest)
            ))
        };
        hint.check_compatible(&info.mount, &mut self.log)
            .map_err(shared_err)?;
        let f = parse_mount_options(info.mount.opts(), &mut self.log);
        let replica = self.shared_replica(&master, &f).map_err(shared_err)?;
        let data = master.fs_options.clone();
        let msrc = self
            .connect(
                root,
                replica,
                &f,
                &info.mount,
                &data,
                Some(hint.name.clone()),
            )
            .map_err(shared_err)?;
        self.events.push(RunscEvent::SharedMounted {
            destination: dest,
            name: hint.name,
        });
        Ok(Some(msrc))
    }
}

impl Builder {
    /// One user's mount of a shared master (see [`Builder::mount_shared`]).
    fn shared_replica(&mut self, master: &Made, f: &MountFlags) -> Result<Made> {
        let empty = crate::fs::mount(
            &mut self.vfs,
            "tmpfs",
            "none",
            MountSourceFlags::default(),
            "",
        )?;
        let inode = self
            .vfs
            .new_overlay_root(master.inode, empty, vfs_flags(f))?;
        if let Some(m) = msrc_of(&self.vfs, inode) {
            set_fs_name(&mut self.vfs, m, &master.fs_name, &master.fs_options);
        }
        Ok(Made {
            inode,
            fs_name: master.fs_name.clone(),
            fs_options: master.fs_options.clone(),
        })
    }
}

/// `createGoferFilestoreInDir`'s checks of the `--overlay2=…:dir=` directory.
fn check_filestore_dir(host: &HostFs, dir: &str) -> Result<()> {
    match host::stat_is_dir(host, dir) {
        Err(e) => Err(Error::msg(format!(
            "failed to stat filestore directory {}: {e}",
            quote(dir)
        ))),
        Ok(false) => Err(Error::msg(
            "overlay2 flag should specify an existing directory",
        )),
        Ok(true) => Ok(()),
    }
}

/// What the sentry gets from `runsc create`.
struct SentrySpec {
    root_readonly: bool,
    /// The spec's mounts, sources absolute, gofer binds' destinations
    /// rewritten by the gofer.
    mounts: Vec<SpecMount>,
    confs: Vec<GoferMountConf>,
    suppress_root_directfs: bool,
}

/// Go's `%v` of a `*vfs.MountOptions`:
/// `&{{NoExec NoATime NoDev NoSUID} ReadOnly {InternalMount Data InternalData} Locked}`.
fn go_mount_options(f: &MountFlags, data: &str, internal: &str) -> String {
    format!(
        "&{{{{{} {} false {}}} {} {{true {data} {internal}}} false}}",
        f.no_exec, f.no_atime, f.no_suid, f.read_only
    )
}

/// Appends `, opts: %v` the way mountSubmount's errors end. The internal
/// data of a 9p mount is `gofer.InternalFilesystemOptions{UniqueID:
/// ResourceID{ContainerName, Path}, LeakConnection, OpenSocketsByConnecting}`
/// (no container name annotation here); tmpfs without a filestore and the
/// kernfs filesystems pass none. (proc and sys do pass internal data, which
/// this does not print.)
fn with_opts(e: Error, f: &MountFlags, data: &str, fs_name: &str, dest: &str) -> Error {
    let internal = if fs_name == "9p" {
        format!("{{{{ {dest}}} false false}}")
    } else {
        "<nil>".to_string()
    };
    let internal = internal.as_str();
    let text = format!("{e}, opts: {}", go_mount_options(f, data, internal));
    match e.errno() {
        Some(n) => Error::with_errno(n, text),
        None if e.is_fatal() => e,
        None => Error::msg(text),
    }
}
