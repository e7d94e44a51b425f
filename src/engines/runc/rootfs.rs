//! runc's mount-namespace setup, in its order: specconv
//! (`CreateLibcontainerConfig`), `Validate`, `prepareRootfs` (root
//! propagation, `mountToRootfs` per mount, `/dev`), `finalizeRootfs` (the
//! deferred read-only remounts, the read-only root), then `readonlyPaths`
//! and `maskedPaths` (libcontainer/rootfs_linux.go at runc 76d9cf5d). The
//! mount(2) calls go to [`super::kernel`], which decides as Linux does.

use super::config::{create_config, ContainerConfig, CreateOpts};
use super::flags::*;
use super::host;
use super::kernel::Kernel;
use super::mount_to_rootfs::{mount_to_rootfs, want_source_file};
use super::mountpoint as mp;
use super::report::{RuncEvent, RuncMountEntry, RuncOptions, RuncRun, RuncState};
use super::sim::{err_errno, mount_error, Sim};
use super::specconv::{create_libcontainer_mount, wrap_invalid_mount};
use super::validate::validate;
use crate::errno::Errno;
use crate::error::{Error, Result};
use crate::gostr::quote;
use crate::scenario::{HostInput, HostNodeInput};
use crate::vfs::{DirentId, Vfs};
use oci_spec::runtime::Spec;
use std::collections::BTreeMap;

/// Runs runc's mount-namespace setup for `spec`.
///
/// * `rootfs`: the rootfs tree (relative path -> node, the scenario's
///   `host["/"]` format), placed at the bundle's `root.path`; `None` is the
///   default rootfs of the other engines.
/// * `sources`: host path -> tree, the bind sources.
pub fn build(
    spec: &Spec,
    opts: &RuncOptions,
    rootfs: Option<&BTreeMap<String, HostNodeInput>>,
    sources: &HostInput,
) -> RuncRun {
    let mut sim = Sim {
        vfs: Vfs::new(),
        kernel: Kernel::default(),
        host: DirentId::default(),
        bundle: None,
        rootfs: String::new(),
        root: None,
        events: Vec::new(),
        warnings: Vec::new(),
        cgroup: opts.cgroup,
        entries: Vec::new(),
        state: RuncState::default(),
        spec_devices: spec_devices(spec),
        userns_owned: None,
    };
    let (error, mount_order) = match run(&mut sim, spec, opts, rootfs, sources) {
        Ok(n) => (None, n),
        Err((e, n)) => (Some(e), n),
    };
    let proc_mounts = sim.proc_mounts();
    let mountinfo = sim.mountinfo();
    let table = sim.table();
    fill_proc_file(&mut sim, "1/mounts", &proc_mounts);
    fill_proc_file(&mut sim, "1/mountinfo", &mountinfo);
    RuncRun {
        root: sim.root,
        host_root: Some(sim.host),
        events: sim.events,
        warnings: sim.warnings,
        error,
        mounts: sim.entries,
        mount_order,
        runc: sim.state,
        proc_mounts,
        mountinfo,
        table,
        vfs: sim.vfs,
    }
}

/// Writes the kernel's text into `file` (`1/mounts`, `1/mountinfo`) of
/// every procfs the container sees, so `cat /proc/mounts` in the shell
/// shows it.
fn fill_proc_file(sim: &mut Sim, file: &str, lines: &[String]) {
    if let Some(root) = sim.root {
        crate::fs::pin_text(&mut sim.vfs, root, file, lines);
    }
}

type Failed = (Error, usize);

/// `linux.devices` as `createDevices` sees them.
fn spec_devices(spec: &Spec) -> Vec<super::report::DevNode> {
    use oci_spec::runtime::LinuxDeviceType as T;
    let devs = spec.linux().as_ref().and_then(|l| l.devices().clone());
    devs.unwrap_or_default()
        .iter()
        .map(|d| super::report::DevNode {
            path: d.path().to_string_lossy().into_owned(),
            typ: match d.typ() {
                T::C => "c",
                T::U => "u",
                T::B => "b",
                T::P => "p",
                T::A => "a",
            }
            .to_string(),
            major: d.major(),
            minor: d.minor(),
            mode: format!("{:04o}", d.file_mode().unwrap_or(0o666) & 0o7777),
        })
        .collect()
}

fn run(
    sim: &mut Sim,
    spec: &Spec,
    opts: &RuncOptions,
    rootfs: Option<&BTreeMap<String, HostNodeInput>>,
    sources: &HostInput,
) -> std::result::Result<usize, Failed> {
    let at0 = |e: Error| (e, 0usize);
    sim.host = host::new_host(&mut sim.vfs, &mut sim.kernel, opts.cgroup).map_err(at0)?;
    let hctx = sim.host_ctx();
    for (path, nodes) in sources {
        host::place_tree(&mut sim.vfs, hctx, path, Some(nodes)).map_err(at0)?;
    }
    let bundle = sim.vfs.mkdir_all(hctx, &opts.bundle, 0o755).map_err(at0)?;
    sim.bundle = Some(bundle);
    let hctx = sim.host_ctx();
    // CreateLibcontainerConfig checks the root before converting a mount.
    if spec.root().is_none() {
        return Err(at0(Error::msg("root must be specified")));
    }
    // specconv, mount by mount, so the list survives a later failure.
    for (i, m) in spec
        .mounts()
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match create_libcontainer_mount(&opts.bundle, m) {
            Ok((cm, w)) => {
                sim.warnings.extend(w);
                sim.events.push(RuncEvent::Converted {
                    index: i,
                    destination: cm.destination.clone(),
                    device: cm.device.clone(),
                });
                sim.entries.push(RuncMountEntry::from_config(&cm));
            }
            Err(e) => return Err(at0(wrap_invalid_mount(m, e))),
        }
    }
    let create = CreateOpts {
        no_pivot_root: opts.no_pivot,
        rootless_euid: opts.rootless,
    };
    // specconv createDevices: only p, c, u and b name a device node.
    if let Some(d) = sim
        .spec_devices
        .iter()
        .find(|d| !matches!(d.typ.as_str(), "p" | "c" | "u" | "b"))
    {
        return Err(at0(Error::msg(format!(
            "invalid device type {}",
            quote(&d.typ)
        ))));
    }
    let (mut config, _) = create_config(&opts.bundle, spec, create).map_err(at0)?;
    sim.rootfs = config.rootfs.clone();
    host::place_tree(&mut sim.vfs, hctx, &config.rootfs, rootfs).map_err(at0)?;
    let warns = {
        let vfs = &mut sim.vfs;
        validate(&config, |p| {
            vfs.stat(hctx, p, true)
                .map_err(|e| Error::msg(format!("stat {p}: {e}")))?;
            mp::secure_join(vfs, hctx, p)
        })
        .map_err(at0)?
    };
    sim.warnings.extend(warns);
    let cwd = spec
        .process()
        .as_ref()
        .map(|p| p.cwd().to_string_lossy().into_owned())
        .unwrap_or_default();
    prepare_rootfs(sim, &mut config, &cwd)?;
    let n = config.mounts.len();
    let terminal = spec
        .process()
        .as_ref()
        .and_then(|p| p.terminal())
        .unwrap_or(false);
    if terminal {
        super::console::setup_console(sim).map_err(|e| (e, n))?;
    }
    finalize_rootfs(sim, &config).map_err(|e| (e, n))?;
    super::mask::readonly_paths(sim, &config).map_err(|e| (e, n))?;
    super::mask::mask_paths(sim, &config).map_err(|e| (e, n))?;
    Ok(n)
}

/// `prepareRoot`: `/` gets the root propagation, the rootfs is
/// bind-mounted onto itself (the container's `/` from then on).
fn prepare_root(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    let flag = if config.root_propagation != 0 {
        config.root_propagation
    } else {
        MS_SLAVE | MS_REC
    };
    let host = sim.host;
    sim.sys_mount(None, "", host, "/", "", flag, "")
        .map_err(|e| mount_error("", "/", false, flag, "", e))?;
    rootfs_parent_mount_propagation(sim, config.root_propagation)?;
    let hctx = sim.host_ctx();
    let rootfs = sim.rootfs.clone();
    let d = sim.vfs.lookup(hctx, &rootfs, true)?;
    let root = sim
        .sys_mount(None, &rootfs, d, &rootfs, "bind", MS_BIND | MS_REC, "")
        .map_err(|e| mount_error(&rootfs, &rootfs, false, MS_BIND | MS_REC, "", e))?;
    sim.root = Some(root);
    sim.events.push(RuncEvent::PrepareRoot {
        propagation: stringify_mount_flags(flag),
        rootfs,
    });
    Ok(())
}

/// `rootfsParentMountPropagation`: the nearest mount above the rootfs is
/// made private (slave if the root propagation has slave), trying each
/// parent directory while the kernel says EINVAL (not a mount root).
fn rootfs_parent_mount_propagation(sim: &mut Sim, root_propagation: u64) -> Result<()> {
    let flags = if root_propagation & MS_SLAVE != 0 {
        MS_SLAVE
    } else {
        MS_PRIVATE
    };
    let hctx = sim.host_ctx();
    let mut path = sim.rootfs.clone();
    loop {
        let d = sim.vfs.lookup(hctx, &path, true)?;
        match sim.sys_mount(None, "", d, &path, "", flags, "") {
            Ok(_) => return Ok(()),
            Err(Errno::EINVAL) if path != "/" => {
                path = match path.rsplit_once('/') {
                    Some(("", _)) | None => "/".to_string(),
                    Some((p, _)) => p.to_string(),
                };
            }
            Err(e) => {
                return Err(Error::with_errno(
                    e,
                    format!(
                        "remount-propagation dst={path}, flags={}: {e}",
                        stringify_mount_flags(flags)
                    ),
                ))
            }
        }
    }
}

fn prepare_rootfs(
    sim: &mut Sim,
    config: &mut ContainerConfig,
    cwd: &str,
) -> std::result::Result<(), Failed> {
    if config.contains_ns("user") {
        sim.userns_owned = Some(
            config
                .namespaces
                .iter()
                .filter(|n| n.path.is_empty())
                .map(|n| n.typ.clone())
                .collect(),
        );
        // The container's mount namespace is made inside its user
        // namespace: every mount it inherits is locked (lock_mnt_tree).
        for k in sim.kernel.mounts.values_mut() {
            k.lock();
        }
    }
    prepare_root(sim, config).map_err(|e| (e.wrap("error preparing rootfs"), 0))?;
    let cgroupns = config.contains_ns("cgroup");
    for i in 0..config.mounts.len() {
        let mut m = config.mounts[i].clone();
        if let Err(e) = want_source_file(sim, &m, config.rootless_euid) {
            return Err((e, i));
        }
        if let Err(e) = mount_to_rootfs(sim, i, &mut m, cgroupns) {
            let e = e.wrap(format_args!(
                "error mounting {} to rootfs at {}",
                quote(&m.source),
                quote(&m.destination)
            ));
            return Err((e, i));
        }
        config.mounts[i] = m;
    }
    let n = config.mounts.len();
    super::dev::setup_dev(sim, config).map_err(|e| (e.wrap("configuring container /dev"), n))?;
    // The jail: pivot_root with a mount namespace, MS_MOVE with
    // --no-pivot, chroot without one. The container's view is the same
    // tree in each; the old root's detach is not modelled.
    let jail = if config.no_pivot_root {
        "msMoveRoot (MS_MOVE of the rootfs onto /, then chroot)"
    } else if config.contains_ns("mount") {
        "pivot_root (the old root detached)"
    } else {
        "chroot (no mount namespace: the mounts above were made in the host's)"
    };
    sim.events.push(RuncEvent::NotModelled {
        what: format!("prestart and createContainer hooks; {jail}"),
    });
    if config.root_propagation != 0 && config.root_propagation & (MS_PRIVATE | MS_SLAVE) == 0 {
        let root = sim.root.unwrap_or(sim.host);
        let p = config.root_propagation;
        sim.sys_mount(None, "", root, "/", "", p, "").map_err(|e| {
            (
                mount_error("", "/", false, p, "", e)
                    .wrap("unable to apply root propagation flags"),
                n,
            )
        })?;
    }
    if super::dev::needs_setup_dev(config) {
        reopen_dev_null(sim)
            .map_err(|e| (e.wrap("error reopening /dev/null inside container"), n))?;
    }
    if !cwd.is_empty() {
        // os.MkdirAll inside the jail: symlinks resolve in the container.
        let ctx = sim.ctx();
        sim.vfs
            .mkdir_all(ctx, cwd, 0o755)
            .map_err(|e| (Error::msg(format!("mkdir {cwd}: {e}")), n))?;
    }
    Ok(())
}

/// `reOpenDevNull`: the container's `/dev/null` must be the real one
/// (char 1:3, `verifyDevNull`).
fn reopen_dev_null(sim: &mut Sim) -> Result<()> {
    let ctx = sim.ctx();
    let st = sim
        .vfs
        .stat(ctx, "/dev/null", true)
        .map_err(|e| Error::msg(format!("open /dev/null: {e}")))?;
    if st.file_type != crate::vfs::FileType::CharDevice || (st.rdev_major, st.rdev_minor) != (1, 3)
    {
        return Err(Error::msg("container's /dev/null is invalid").wrap("can't reopen /dev/null"));
    }
    Ok(())
}

/// `finalizeRootfs`: tmpfs and `/dev` mounts with `MS_RDONLY` are remounted
/// read-only now; then the read-only root.
fn finalize_rootfs(sim: &mut Sim, config: &ContainerConfig) -> Result<()> {
    let ctx = sim.ctx();
    for m in &config.mounts {
        if m.flags & MS_RDONLY == 0 {
            continue;
        }
        if m.device == "tmpfs" || mp::lexically_clean_path(&m.destination) == "/dev" {
            let flags = m.flags | MS_REMOUNT | MS_BIND | MS_RDONLY;
            let d = sim
                .vfs
                .lookup(ctx, &m.destination, true)
                .map_err(|e| mount_error("", &m.destination, false, flags, "", err_errno(e)))?;
            sim.sys_mount(None, "", d, &m.destination, "", flags, "")
                .map_err(|e| mount_error("", &m.destination, false, flags, "", e))?;
            sim.events.push(RuncEvent::ReadonlyRemount {
                destination: m.destination.clone(),
            });
        }
    }
    if config.readonlyfs {
        set_readonly(sim).map_err(|e| e.wrap("error setting rootfs as readonly"))?;
        sim.events.push(RuncEvent::ReadonlyRoot);
    }
    Ok(())
}

/// `setReadonly`: a read-only bind remount of `/`; if the kernel refuses,
/// again with statfs(2)'s `f_flags` added as they are (so ST_RELATIME,
/// 0x1000, lands on MS_BIND's bit and relatime comes back as the default).
fn set_readonly(sim: &mut Sim) -> Result<()> {
    let mut flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
    let root = sim.root.unwrap_or(sim.host);
    if sim.sys_mount(None, "", root, "/", "", flags, "").is_ok() {
        return Ok(());
    }
    let st = sim
        .mount_record_of(root)
        .map_or(0, |(_, k)| k.statfs_mount_flags());
    let same_bits = MS_RDONLY
        | MS_NOSUID
        | MS_NODEV
        | MS_NOEXEC
        | MS_SYNCHRONOUS
        | MS_MANDLOCK
        | MS_NOATIME
        | MS_NODIRATIME;
    flags |= st & same_bits;
    if st & MS_RELATIME != 0 {
        flags |= 0x1000; // ST_RELATIME
    }
    sim.sys_mount(None, "", root, "/", "", flags, "")
        .map(drop)
        .map_err(|e| mount_error("", "/", false, flags, "", e))
}
